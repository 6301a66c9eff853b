//! `aimcp mcp serve`: one MCP server in front of a project's servers.
//!
//! - [`service`]: the contract between the front (transports: stdio and Streamable HTTP, both
//!   wire versions) and the router (upstreams, merged lists, filters, the call ledger).

pub mod names;
pub mod service;

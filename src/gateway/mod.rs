//! `aimcp mcp serve`: one MCP server in front of a project's servers.
//!
//! - [`front`]: the MCP server the gateway's clients talk to (stdio, Streamable HTTP).
//! - [`service`]: the contract between the front (transports: stdio and Streamable HTTP, both
//!   wire versions) and the router (upstreams, merged lists, filters, the call ledger).
//! - [`metrics`]: the call counters and the Prometheus text of `GET /metrics`.

pub mod front;
pub mod metrics;
pub mod service;

//! `aimcp mcp serve`: one MCP server in front of a project's servers.
//!
//! - [`front`]: the MCP server the gateway's clients talk to (stdio, Streamable HTTP).
//! - [`service`]: the contract between the front (transports: stdio and Streamable HTTP, both
//!   wire versions) and the router (upstreams, merged lists, filters, the call ledger).
//! - [`ledger_tools`]: the usage ledger as the gateway's own `aimcp__*` tools.
//! - [`metrics`]: the call counters and the Prometheus text of `GET /metrics`.
//! - [`names`]: `SERVER__TOOL` names, `--allow`/`--deny` patterns, paging of merged lists.

pub mod front;
pub mod ledger_tools;
pub mod metrics;
pub mod names;
pub mod router;
pub mod service;
pub mod upstream;

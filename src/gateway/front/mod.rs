//! The gateway's front: the MCP server its clients talk to.
//!
//! It frames messages ([`serve_stdio`]: one a line; [`serve_http`]: Streamable HTTP), answers `initialize`, `ping` and
//! `server/discover` itself, keeps what a 2025-11-25 client said at `initialize` or reads each
//! 2026-07-28 request's `_meta`, runs many requests at once, drops the work of a request the
//! client cancels, and routes the client's answers to the gateway's own requests. Everything
//! else goes to a [`Service`](crate::gateway::service::Service). It prints nothing: failures
//! are returned.

mod http;
mod peer;
mod protocol;
mod rounds;
mod stdio;
mod subscriptions;

pub use http::{HttpOptions, MCP_PATH, serve_http};
pub use protocol::{MODERN_VERSION, supported_versions};
pub use stdio::serve_stdio;

//! The contract between the gateway's front and its router.
//!
//! The front speaks MCP to the gateway's clients: it frames messages (stdio lines, Streamable
//! HTTP), answers `initialize`, `ping` and `server/discover`, keeps sessions (2025-11-25) or
//! reads each request's `_meta` (2026-07-28), and turns `notifications/cancelled` into dropping
//! the future of that request. Everything else goes to a [`Service`]: the router, which knows
//! the upstream servers.

use std::sync::Arc;

use serde_json::Value;

pub use crate::mcp::{BoxFuture, RpcFailure};

/// The answer to one request: a JSON-RPC `result`, or a JSON-RPC error with its code.
pub type Answer = Result<Value, RpcFailure>;

/// The client capability a server-to-client request needs (`sampling/createMessage` needs
/// `sampling` ...), or none for a method no client capability covers.
pub fn capability_for(method: &str) -> Option<&'static str> {
    match method {
        "sampling/createMessage" => Some("sampling"),
        "elicitation/create" => Some("elicitation"),
        "roots/list" => Some("roots"),
        _ => None,
    }
}

/// Who is asking: what the client said about itself.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    /// `clientInfo.name` (from `initialize`, or the request's `_meta` in 2026-07-28).
    pub name: Option<String>,
    pub version: Option<String>,
    /// The client's `capabilities` (`sampling`, `elicitation`, `roots` ...), `{}` when none.
    pub capabilities: Value,
    /// The protocol version this client speaks with the gateway.
    pub protocol_version: String,
}

impl ClientInfo {
    /// Whether the client declared `capability` (`sampling`, `elicitation`, `roots` ...): present,
    /// and neither `null` nor `false`.
    pub fn can(&self, capability: &str) -> bool {
        self.capabilities
            .get(capability)
            .is_some_and(|c| !c.is_null() && c != &Value::Bool(false))
    }
}

/// The way back to the client of one request. On stdio, messages go to stdout; on Streamable
/// HTTP, to that request's event stream (or the session's GET stream for unrelated messages).
pub trait Peer: Send + Sync + 'static {
    fn client(&self) -> &ClientInfo;
    /// A notification to the client (`notifications/progress`, `notifications/message` ...).
    fn notify(&self, method: &str, params: Value);
    /// A request to the client (`sampling/createMessage`, `elicitation/create`, `roots/list`),
    /// and its answer. An error when the client cannot take requests (no capability, the
    /// stateless wire version, gone).
    fn request(&self, method: &str, params: Value) -> BoxFuture<'static, Answer>;
}

/// Every connected client at once: for notifications that belong to no request
/// (`notifications/tools/list_changed` ...).
pub trait Clients: Send + Sync + 'static {
    fn notify_all(&self, method: &str, params: Value);
}

/// What the front needs from the router.
pub trait Service: Send + Sync + 'static {
    /// `serverInfo` of the gateway (`{"name":"aimcp","version":...}`).
    fn server_info(&self) -> Value;
    /// The gateway's `capabilities` (tools, prompts, resources, logging ... with `listChanged`).
    fn capabilities(&self) -> Value;
    fn instructions(&self) -> Option<String>;
    /// Called once, before the first request, with the way to reach every client.
    fn attach(&self, clients: Arc<dyn Clients>);
    /// A 2025-11-25 client's `initialize` was answered (what it said about itself).
    fn client_initialized(&self, client: &ClientInfo) {
        let _ = client;
    }
    /// One request from a client, other than `initialize`, `ping` and `server/discover`. When
    /// the client cancels it, the front drops the returned future.
    fn request(
        &self,
        peer: Arc<dyn Peer>,
        method: String,
        params: Value,
    ) -> BoxFuture<'static, Answer>;
    /// One notification from a client (not `notifications/cancelled` or
    /// `notifications/initialized`, which the front handles).
    fn notification(&self, peer: Arc<dyn Peer>, method: String, params: Value);
    /// `GET /metrics`: the Prometheus text exposition (format 0.0.4).
    fn metrics(&self) -> String;
    /// `GET /health`: 200 when every upstream is up, else 503; the body is a JSON document
    /// naming the upstreams that are not.
    fn health(&self) -> (u16, Value);
}

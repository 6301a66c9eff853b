//! What a session does with the messages a server sends on its own: notifications and
//! server-to-client requests (`sampling/createMessage`, `elicitation/create`, `roots/list`).

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use serde_json::Value;

use super::error::{METHOD_NOT_FOUND, RpcFailure};

/// A boxed future that can move between threads.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Receives what a server sends that is not the answer to one of our requests. The session
/// answers the server's `ping` itself and never calls the handler for it.
pub trait Handler: Send + Sync + 'static {
    /// A notification (`notifications/tools/list_changed`, `notifications/message`, progress
    /// that no [`CallOptions::progress`] asked for ...). Must not block.
    fn notification(&self, method: &str, params: Option<Value>) {
        let _ = (method, params);
    }

    /// A request from the server; the session sends the answer back.
    fn request(
        &self,
        method: &str,
        params: Value,
    ) -> BoxFuture<'static, Result<Value, RpcFailure>> {
        let _ = params;
        let method = method.to_string();
        Box::pin(async move {
            Err(RpcFailure {
                code: METHOD_NOT_FOUND,
                message: format!("`{method}` is not supported by aimcp"),
                data: None,
            })
        })
    }
}

/// How one request is sent.
#[derive(Debug, Default, Clone)]
pub struct CallOptions {
    /// Instead of the session's timeout.
    pub timeout: Option<Duration>,
    /// Where the params of each `notifications/progress` whose `progressToken` is the one in
    /// this request's `params._meta.progressToken` go (instead of the handler).
    pub progress: Option<tokio::sync::mpsc::UnboundedSender<Value>>,
    /// An `input_required` result (2026-07-28) is returned as it is, for the caller to pass on
    /// (the gateway, whose stateless client answers it), instead of being answered through the
    /// handler and the request retried.
    pub keep_input_required: bool,
}

//! The way back to a client: [`FrontPeer`] (one request's), and [`Outbound`], the requests
//! the gateway sends to a client and waits on.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use tokio::sync::{mpsc, oneshot};

use super::protocol::{INTERNAL_ERROR, LogFilter, MODERN_VERSION, failure, notification_message};
use crate::gateway::service::{Answer, BoxFuture, ClientInfo, Peer, capability_for};
use crate::mcp::METHOD_NOT_FOUND;

/// The requests sent to one client (a stdio connection, an HTTP session) that await its answer.
#[derive(Default)]
pub(crate) struct Outbound {
    next: AtomicU64,
    pending: Mutex<HashMap<u64, oneshot::Sender<Answer>>>,
}

impl Outbound {
    fn start(self: &Arc<Self>) -> (u64, oneshot::Receiver<Answer>) {
        let id = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        let (tx, rx) = oneshot::channel();
        self.pending.lock().expect("lock").insert(id, tx);
        (id, rx)
    }

    /// The client's answer to request `id`; false when no such request waits.
    pub(crate) fn resolve(&self, id: &Value, answer: Answer) -> bool {
        let Some(n) = id
            .as_u64()
            .or_else(|| id.as_str().and_then(|s| s.parse().ok()))
        else {
            return false;
        };
        match self.pending.lock().expect("lock").remove(&n) {
            Some(tx) => tx.send(answer).is_ok(),
            None => false,
        }
    }

    /// The client is gone: every waiting request fails.
    pub(crate) fn fail_all(&self) {
        self.pending.lock().expect("lock").clear();
    }

    fn forget(&self, id: u64) -> bool {
        self.pending.lock().expect("lock").remove(&id).is_some()
    }
}

/// Removes a request from [`Outbound`] when its future is dropped before the answer, and
/// tells the client (`notifications/cancelled`).
struct PendingGuard {
    outbound: Arc<Outbound>,
    id: u64,
    out: mpsc::Sender<Value>,
}

impl Drop for PendingGuard {
    fn drop(&mut self) {
        if self.outbound.forget(self.id) {
            let _ = self.out.try_send(notification_message(
                "notifications/cancelled",
                json!({"requestId": self.id, "reason": "the request it belonged to ended"}),
            ));
        }
    }
}

/// One request's way back to its client.
pub(crate) struct FrontPeer {
    pub(crate) client: ClientInfo,
    /// Where messages for this request go: stdout, or the request's HTTP event stream.
    pub(crate) out: mpsc::Sender<Value>,
    /// Where the client's answers to our requests arrive; `None` for a stateless client
    /// (2026-07-28 has no server-to-client requests).
    pub(crate) outbound: Option<Arc<Outbound>>,
    /// False once the request was answered or cancelled: nothing more may be sent for it.
    pub(crate) live: Arc<AtomicBool>,
    pub(crate) log: LogFilter,
}

impl FrontPeer {
    fn gone() -> crate::gateway::service::RpcFailure {
        failure(INTERNAL_ERROR, "the gateway's client went away")
    }
}

impl Peer for FrontPeer {
    fn client(&self) -> &ClientInfo {
        &self.client
    }

    fn notify(&self, method: &str, params: Value) {
        if !self.live.load(Ordering::Acquire) {
            return;
        }
        if method == "notifications/message" && !self.log.allows(&params) {
            return;
        }
        // Never blocks: a client that does not read loses notifications, not answers.
        let _ = self.out.try_send(notification_message(method, params));
    }

    fn request(&self, method: &str, params: Value) -> BoxFuture<'static, Answer> {
        let refuse = |message: String| -> BoxFuture<'static, Answer> {
            Box::pin(std::future::ready(Err(failure(METHOD_NOT_FOUND, message))))
        };
        let Some(outbound) = self.outbound.clone() else {
            return refuse(if self.client.protocol_version == MODERN_VERSION {
                format!(
                    "`{method}`: the gateway's client speaks MCP {MODERN_VERSION}, which has no \
                     server-to-client requests"
                )
            } else {
                format!(
                    "`{method}`: the gateway's client takes no event stream (`Accept: \
                     text/event-stream`) for this request, so it cannot be asked"
                )
            });
        };
        if let Some(cap) = capability_for(method)
            && !self.client.can(cap)
        {
            return refuse(format!(
                "`{method}`: the gateway's client did not declare the `{cap}` capability"
            ));
        }
        if !self.live.load(Ordering::Acquire) {
            return Box::pin(std::future::ready(Err(failure(
                INTERNAL_ERROR,
                "the client's request this belongs to has ended",
            ))));
        }
        let (id, rx) = outbound.start();
        let guard = PendingGuard {
            outbound,
            id,
            out: self.out.clone(),
        };
        let msg = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        let out = self.out.clone();
        Box::pin(async move {
            let _guard = guard;
            if out.send(msg).await.is_err() {
                return Err(FrontPeer::gone());
            }
            rx.await.unwrap_or_else(|_| Err(FrontPeer::gone()))
        })
    }
}

//! The multiplexed JSON-RPC session over one link: many requests in flight, each answer routed
//! by its id to its waiter; notifications and server requests to the [`Handler`]; cancellation
//! when a caller gives up; every waiter told at once when the link ends.
//!
//! What the link receives is routed on the link's own reading task (stdout's reader, each HTTP
//! answer stream), through the [`Inbox`] it was given: an answer goes straight from there to its
//! waiter. Routing never waits on the link: what goes back (a `pong`, a handler's answer) is sent
//! from tasks of its own, so that a server that stops reading its stdin cannot stall the reading
//! of its stdout.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, Weak};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::{Notify, mpsc, oneshot, watch};
use tokio::task::AbortHandle;

use super::error::{METHOD_NOT_FOUND, McpError, RpcFailure};
use super::handler::{CallOptions, Handler};
use super::{Incoming, RpcError, Tracer, http, secs, stdio};

pub(crate) enum Link {
    Stdio(stdio::StdioLink),
    Http(http::HttpLink),
    Sse(http::SseLink),
}

impl Link {
    async fn send(&self, msg: &Value) -> Result<(), McpError> {
        match self {
            Link::Stdio(s) => s.send(msg),
            Link::Http(h) => h.send(msg).await,
            Link::Sse(s) => s.send(msg).await,
        }
    }

    /// Whether a failed send means the link is gone: always on stdio (the pipe broke); over
    /// HTTP only when the server cannot be reached or has ended the session, since any other
    /// status answers that one POST.
    fn send_failure_ends_link(&self, e: &McpError) -> bool {
        match self {
            Link::Stdio(_) => true,
            Link::Http(_) | Link::Sse(_) => matches!(e.http_status, None | Some(404)),
        }
    }

    /// The link's authorizer (HTTP), whose sign-in waits the request timeouts do not count.
    fn authorizer(&self) -> Option<&dyn super::auth::Authorizer> {
        match self {
            Link::Http(h) => h.authorizer(),
            _ => None,
        }
    }

    fn stderr_tail(&self) -> Vec<String> {
        match self {
            Link::Stdio(s) => s.stderr_tail(),
            _ => Vec::new(),
        }
    }

    pub(crate) fn process_group(&self) -> Option<i32> {
        match self {
            Link::Stdio(s) => Some(s.pgid()),
            _ => None,
        }
    }

    async fn close(&self) {
        match self {
            Link::Stdio(s) => s.close().await,
            Link::Http(h) => h.close().await,
            Link::Sse(s) => s.close(),
        }
    }
}

type Reply = Result<Value, RpcError>;

/// Where a link hands over what it receives, in order. Until the session exists (the link is
/// made first), a delivery waits for it.
#[derive(Clone)]
pub(crate) struct Inbox(Arc<InboxState>);

struct InboxState {
    core: OnceLock<Weak<Core>>,
    ready: Notify,
}

/// The session is gone: stop reading.
pub(crate) struct Gone;

impl Inbox {
    pub(crate) fn new() -> Inbox {
        Inbox(Arc::new(InboxState {
            core: OnceLock::new(),
            ready: Notify::new(),
        }))
    }

    async fn core(&self) -> Option<Arc<Core>> {
        loop {
            if let Some(core) = self.0.core.get() {
                return core.upgrade();
            }
            // Made before the second look, so that `notify_waiters` in between is not missed.
            let ready = self.0.ready.notified();
            if let Some(core) = self.0.core.get() {
                return core.upgrade();
            }
            ready.await;
        }
    }

    pub(crate) async fn send(&self, incoming: Incoming) -> Result<(), Gone> {
        let core = self.core().await.ok_or(Gone)?;
        core.receive(incoming).await;
        Ok(())
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// What every handle of one session shares.
pub(crate) struct Core {
    pub(crate) link: Link,
    next_id: AtomicU64,
    timeout: Duration,
    /// Waiters by request id.
    pending: Mutex<HashMap<u64, oneshot::Sender<Reply>>>,
    /// Where each live request's progress goes, by its token (as JSON text: `"a"` and `1` differ).
    progress: Mutex<HashMap<String, mpsc::UnboundedSender<Value>>>,
    /// The server's requests being answered, by their id (as JSON text), to abort on its
    /// `notifications/cancelled`.
    serving: Mutex<HashMap<String, AbortHandle>>,
    /// Why the link ended; `None` while it is up.
    closed: watch::Sender<Option<McpError>>,
    handler: Option<Arc<dyn Handler>>,
    tracer: Option<Tracer>,
    shut: tokio::sync::Mutex<bool>,
    /// 2026-07-28: the `_meta` every request carries (none: the session of `initialize`).
    meta: Mutex<Option<serde_json::Map<String, Value>>>,
}

impl Core {
    /// A session over `link`, which delivers what it receives to `inbox`.
    pub(crate) fn start(
        link: Link,
        inbox: Inbox,
        timeout: Duration,
        handler: Option<Arc<dyn Handler>>,
        tracer: Option<Tracer>,
    ) -> Arc<Core> {
        let core = Arc::new(Core {
            link,
            next_id: AtomicU64::new(0),
            timeout,
            pending: Mutex::new(HashMap::new()),
            progress: Mutex::new(HashMap::new()),
            serving: Mutex::new(HashMap::new()),
            closed: watch::Sender::new(None),
            handler,
            tracer,
            shut: tokio::sync::Mutex::new(false),
            meta: Mutex::new(None),
        });
        let _ = inbox.0.core.set(Arc::downgrade(&core));
        inbox.0.ready.notify_waiters();
        core
    }

    /// One delivery from the link.
    async fn receive(self: &Arc<Self>, incoming: Incoming) {
        match incoming {
            Incoming::Message(m) => self.on_message(m),
            Incoming::Eof => {
                if self.closed_error().is_none() {
                    let err = match &self.link {
                        Link::Stdio(s) => s.exit_error().await,
                        _ => McpError::new("the server closed the connection"),
                    };
                    self.end(err);
                }
            }
            Incoming::Failed(e) => self.end(e.with_stderr(self.link.stderr_tail())),
        }
    }

    /// From now on every request carries `meta` in `params._meta` (2026-07-28); `None`: no more.
    pub(crate) fn set_meta(&self, meta: Option<serde_json::Map<String, Value>>) {
        *lock(&self.meta) = meta;
    }

    /// What answers the server's requests (and 2026-07-28's `inputRequests`).
    pub(crate) fn handler(&self) -> Option<&Arc<dyn Handler>> {
        self.handler.as_ref()
    }

    /// A line of the trace (`-v`), if there is one.
    pub(crate) fn trace_event(&self, text: &str) {
        if let Some(t) = &self.tracer {
            t.event(text);
        }
    }

    /// Whether requests are sent the 2026-07-28 way.
    pub(crate) fn is_modern(&self) -> bool {
        lock(&self.meta).is_some()
    }

    pub(crate) fn closed_error(&self) -> Option<McpError> {
        self.closed.borrow().clone()
    }

    pub(crate) fn subscribe(&self) -> watch::Receiver<Option<McpError>> {
        self.closed.subscribe()
    }

    /// The link has ended with `err`: the first reason is kept; every waiter gets it now.
    fn end(&self, err: McpError) {
        self.closed.send_if_modified(|c| {
            if c.is_none() {
                *c = Some(err);
                true
            } else {
                false
            }
        });
        let err = self
            .closed_error()
            .unwrap_or_else(|| McpError::new("closed"));
        let waiters: Vec<_> = lock(&self.pending).drain().collect();
        for (_, w) in waiters {
            let _ = w.send(Err(RpcError::Transport(err.clone())));
        }
        lock(&self.progress).clear();
        let serving: Vec<_> = lock(&self.serving).drain().collect();
        for (_, task) in serving {
            task.abort();
        }
    }

    pub(crate) async fn send(&self, msg: &Value) -> Result<(), McpError> {
        if let Some(e) = self.closed_error() {
            return Err(e);
        }
        if let Some(t) = &self.tracer {
            t.message("->", msg);
        }
        let sent = self.link.send(msg).await;
        if let Err(e) = &sent
            && self.link.send_failure_ends_link(e)
        {
            self.end(e.clone());
        }
        sent
    }

    pub(crate) async fn notify(&self, method: &str, params: Option<Value>) -> Result<(), McpError> {
        let mut msg = json!({"jsonrpc": "2.0", "method": method});
        if let Some(p) = params {
            msg["params"] = p;
        }
        self.send(&msg).await
    }

    /// Sends a request and waits for its answer, within its timeout (or the session's).
    pub(crate) async fn call(
        self: &Arc<Self>,
        method: &str,
        mut params: Value,
        opts: CallOptions,
    ) -> Reply {
        if let Some(e) = self.closed_error() {
            return Err(RpcError::Transport(e));
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed) + 1;
        if let Some(meta) = lock(&self.meta).as_ref() {
            super::modern::add_meta(&mut params, meta);
        }
        // Over 2026-07-28's HTTP, closing the answer's stream is the cancellation: no message.
        let modern_http = self.is_modern() && matches!(self.link, Link::Http(_));
        let (tx, rx) = oneshot::channel();
        let mut flight = InFlight {
            core: self.clone(),
            id,
            token: None,
            // The spec forbids cancelling `initialize`.
            cancellable: method != "initialize" && !modern_http,
            sent: false,
            answered: false,
            reason: "the caller gave up waiting",
        };
        lock(&self.pending).insert(id, tx);
        if let Some(progress) = opts.progress {
            let token = progress_token(&mut params, id);
            lock(&self.progress).insert(token.clone(), progress);
            flight.token = Some(token);
        }
        // The link may have ended between the first check and the waiter's insertion.
        if let Some(e) = self.closed_error() {
            return Err(RpcError::Transport(e));
        }
        let timeout = opts.timeout.unwrap_or(self.timeout);
        let deadline = tokio::time::Instant::now() + timeout;
        let timed_out = || {
            RpcError::Transport(
                McpError::new(format!(
                    "timed out after {} while waiting for `{method}`",
                    secs(timeout)
                ))
                .timed_out()
                .with_stderr(self.link.stderr_tail()),
            )
        };
        let msg = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        flight.sent = true;
        // A sign-in while sending (a 401) waits for the user on its own, longer limit.
        let auth = self.link.authorizer();
        let waited = || auth.map_or(Duration::ZERO, |a| a.waited());
        let before = waited();
        let sent = super::within(timeout, auth, self.send(&msg)).await;
        let deadline = deadline + waited().saturating_sub(before);
        match sent {
            Some(Ok(())) => {}
            Some(Err(e)) => {
                flight.sent = false;
                return Err(RpcError::Transport(e));
            }
            None => {
                flight.reason = "timed out";
                return Err(timed_out());
            }
        }
        match tokio::time::timeout_at(deadline, rx).await {
            Ok(Ok(reply)) => {
                flight.answered = true;
                reply
            }
            Ok(Err(_)) => {
                flight.answered = true;
                Err(RpcError::Transport(self.closed_error().unwrap_or_else(
                    || McpError::new("the connection to the server closed"),
                )))
            }
            Err(_) => {
                flight.reason = "timed out";
                Err(timed_out())
            }
        }
    }

    /// One message from the server.
    fn on_message(self: &Arc<Self>, m: Value) {
        if let Some(t) = &self.tracer {
            t.message("<-", &m);
        }
        let method = m.get("method").and_then(Value::as_str).map(str::to_string);
        match (method, m.get("id").cloned()) {
            (Some(method), Some(id)) => self.on_request(method, id, m.get("params").cloned()),
            (Some(method), None) => self.on_notification(&method, m.get("params").cloned()),
            (None, Some(id)) => self.on_answer(&id, &m),
            (None, None) => {}
        }
    }

    fn on_answer(&self, id: &Value, m: &Value) {
        let waiter = id
            .as_u64()
            .or_else(|| id.as_str().and_then(|s| s.parse().ok()))
            .and_then(|n| lock(&self.pending).remove(&n));
        let Some(waiter) = waiter else {
            if let Some(t) = &self.tracer {
                t.detail(&format!(
                    "<- an answer to no pending request (id {id}): ignored"
                ));
            }
            return;
        };
        let reply = match m.get("error") {
            Some(err) => Err(RpcError::Server {
                code: err.get("code").and_then(Value::as_i64).unwrap_or(0),
                message: err
                    .get("message")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                data: err.get("data").cloned(),
            }),
            None => Ok(m.get("result").cloned().unwrap_or(Value::Null)),
        };
        let _ = waiter.send(reply);
    }

    fn on_notification(&self, method: &str, params: Option<Value>) {
        match method {
            "notifications/progress" => {
                let token = params
                    .as_ref()
                    .and_then(|p| p.get("progressToken"))
                    .map(Value::to_string);
                let to = token.and_then(|t| lock(&self.progress).get(&t).cloned());
                if let (Some(to), Some(params)) = (to, &params) {
                    let _ = to.send(params.clone());
                    return;
                }
            }
            "notifications/cancelled" => {
                let id = params
                    .as_ref()
                    .and_then(|p| p.get("requestId"))
                    .map(Value::to_string);
                if let Some(task) = id.and_then(|id| lock(&self.serving).remove(&id)) {
                    // Its answer is not sent (the spec: a cancelled request gets none).
                    task.abort();
                    return;
                }
            }
            _ => {}
        }
        if let Some(h) = &self.handler {
            h.notification(method, params);
        }
    }

    /// A request from the server: `ping` answered here, the rest by the handler (or refused),
    /// each on a task of its own.
    fn on_request(self: &Arc<Self>, method: String, id: Value, params: Option<Value>) {
        let answer = match (&self.handler, method.as_str()) {
            (_, "ping") => None,
            (Some(h), _) => Some(h.request(&method, params.unwrap_or_else(|| json!({})))),
            (None, _) => {
                let core = Arc::downgrade(self);
                tokio::spawn(async move {
                    let reply = json!({"jsonrpc": "2.0", "id": id, "error":
                        {"code": METHOD_NOT_FOUND, "message": "method not supported by aimcp"}});
                    send_weak(core, reply).await;
                });
                return;
            }
        };
        let key = id.to_string();
        let core = Arc::downgrade(self);
        // Held while spawning, so that the task cannot remove its entry before it is in.
        let mut serving = lock(&self.serving);
        let task = tokio::spawn({
            let key = key.clone();
            async move {
                let reply = match answer {
                    None => json!({"jsonrpc": "2.0", "id": id, "result": {}}),
                    Some(fut) => match fut.await {
                        Ok(result) => json!({"jsonrpc": "2.0", "id": id, "result": result}),
                        Err(e) => json!({"jsonrpc": "2.0", "id": id, "error": error_object(&e)}),
                    },
                };
                if let Some(c) = core.upgrade() {
                    lock(&c.serving).remove(&key);
                }
                send_weak(core, reply).await;
            }
        });
        serving.insert(key, task.abort_handle());
    }

    /// Ends the link (idempotent): every waiter is told, the link closed.
    pub(crate) async fn shutdown(&self) {
        let mut shut = self.shut.lock().await;
        if *shut {
            return;
        }
        *shut = true;
        self.end(McpError::new("the session was shut down"));
        self.link.close().await;
    }
}

impl Drop for Core {
    fn drop(&mut self) {
        for (_, task) in self
            .serving
            .get_mut()
            .unwrap_or_else(|e| e.into_inner())
            .drain()
        {
            task.abort();
        }
        // The link's own drop ends its processes.
    }
}

/// Sends `msg` if the session still exists and is up.
async fn send_weak(core: Weak<Core>, msg: Value) {
    if let Some(core) = core.upgrade() {
        let _ = core.send(&msg).await;
    }
}

/// A JSON-RPC `error` object.
fn error_object(e: &RpcFailure) -> Value {
    let mut o = json!({"code": e.code, "message": e.message});
    if let Some(d) = &e.data {
        o["data"] = d.clone();
    }
    o
}

/// The request's `_meta.progressToken` (as JSON text), set to the request id when absent.
fn progress_token(params: &mut Value, id: u64) -> String {
    if !params.is_object() {
        *params = json!({});
    }
    let meta = params
        .as_object_mut()
        .expect("an object")
        .entry("_meta")
        .or_insert_with(|| json!({}));
    if !meta.is_object() {
        *meta = json!({});
    }
    let token = meta
        .as_object_mut()
        .expect("an object")
        .entry("progressToken")
        .or_insert_with(|| json!(id));
    token.to_string()
}

/// One request in flight: when its future ends without its answer (dropped by the caller, or
/// timed out), the waiter goes and the server is told with `notifications/cancelled`.
struct InFlight {
    core: Arc<Core>,
    id: u64,
    token: Option<String>,
    cancellable: bool,
    sent: bool,
    answered: bool,
    reason: &'static str,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        lock(&self.core.pending).remove(&self.id);
        if let Some(t) = &self.token {
            lock(&self.core.progress).remove(t);
        }
        if !self.sent || self.answered || !self.cancellable || self.core.closed_error().is_some() {
            return;
        }
        let Ok(rt) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let core = self.core.clone();
        let params = json!({"requestId": self.id, "reason": self.reason});
        rt.spawn(async move {
            let _ = core.notify("notifications/cancelled", Some(params)).await;
        });
    }
}

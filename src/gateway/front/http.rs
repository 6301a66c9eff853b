//! The front over Streamable HTTP: `/mcp` (POST, GET, DELETE), `GET /metrics`, `GET /health`.
//!
//! Both wire versions on the one endpoint. 2025-11-25 (and older): `initialize` opens a
//! session (`Mcp-Session-Id`), a POST is answered with JSON, or with an SSE stream when the
//! request leads to notifications or requests before its answer; GET opens the session's
//! stream for messages that belong to no request; DELETE ends the session. 2026-07-28: no
//! session, every request carries its `_meta` and the `MCP-Protocol-Version`, `Mcp-Method`
//! and `Mcp-Name` headers, which must agree with the body.

use std::collections::HashMap;
use std::convert::Infallible;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use hyper::body::{Body, Bytes, Frame, Incoming as IncomingBody, SizeHint};
use hyper::header::{self, HeaderMap, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot};
use tokio::task::{AbortHandle, JoinSet};

use super::peer::{FrontPeer, Outbound};
use super::protocol::{
    self, INVALID_REQUEST, Incoming, LogFilter, MODERN_VERSION, PARSE_ERROR, UNSUPPORTED_VERSION,
    answer_message, error_message, failure, notification_message,
};
use super::subscriptions::{Filter, Subscriptions};
use crate::gateway::service::{Answer, ClientInfo, Clients, RpcFailure, Service};
use crate::mcp::{MAX_MESSAGE, METHOD_NOT_FOUND, PROTOCOL_VERSIONS, human_size};

/// 2026-07-28: the HTTP headers do not match the body, or one is missing.
const HEADER_MISMATCH: i64 = -32020;
/// 2026-07-28: the request needs a client capability the client did not declare.
const MISSING_CAPABILITY: i64 = -32021;

/// Where the MCP endpoint is.
pub const MCP_PATH: &str = "/mcp";

/// At most this many sessions at once; the one used least recently goes first.
const MAX_SESSIONS: usize = 1024;
/// Messages of one request (or one session's stream) waiting for the client.
const STREAM_QUEUE: usize = 1024;
/// An SSE comment this often on a session's GET stream, so that idle links stay open.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// How [`serve_http`] guards its endpoint.
#[derive(Debug, Clone, Default)]
pub struct HttpOptions {
    /// When set, every request but `GET /health` needs `Authorization: Bearer <it>` (else 401).
    pub bearer: Option<String>,
    /// Browser origins allowed besides the loopback ones (`http://localhost:PORT`,
    /// `http://127.0.0.1:PORT`, `http://[::1]:PORT`), written as sent:
    /// `https://app.example.com`. A request with another `Origin` is refused with 403; one
    /// without `Origin` (not a browser) is served.
    pub allowed_origins: Vec<String>,
}

/// Serves Streamable HTTP on `listener` until the future is dropped (which ends every
/// connection and session) or accepting fails for good. When `listener` is bound to a loopback
/// address, a `Host` that is not a loopback name is refused too (DNS rebinding).
pub async fn serve_http(
    service: Arc<dyn Service>,
    listener: TcpListener,
    opts: HttpOptions,
) -> anyhow::Result<()> {
    let local = listener.local_addr()?;
    // A stateless client's request may need several rounds (see `rounds`).
    let service: Arc<dyn Service> = Arc::new(super::rounds::Rounds::new(service));
    let front = Arc::new(Front {
        service: service.clone(),
        bearer: opts.bearer.as_deref().map(digest),
        allowed_origins: opts.allowed_origins.clone(),
        loopback: local.ip().is_loopback(),
        sessions: Mutex::new(HashMap::new()),
        subs: Arc::new(Subscriptions::default()),
    });
    service.attach(Arc::new(HttpClients {
        front: Arc::downgrade(&front),
    }));
    let mut connections = JoinSet::new();
    let mut failures = 0u32;
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            Some(_) = connections.join_next() => continue,
        };
        let (stream, _) = match accepted {
            Ok(a) => {
                failures = 0;
                a
            }
            // Out of file descriptors and the like: wait, then try again.
            Err(e) => {
                failures += 1;
                if failures > 100 {
                    return Err(anyhow::Error::new(e).context("cannot accept connections"));
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let front = front.clone();
        connections.spawn(async move {
            let svc = hyper::service::service_fn(move |req| {
                let front = front.clone();
                async move { Ok::<_, Infallible>(front.handle(req).await) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(Duration::from_secs(30))
                .keep_alive(true)
                .serve_connection(hyper_util::rt::TokioIo::new(stream), svc)
                .await;
        });
    }
}

fn digest(text: &str) -> [u8; 32] {
    Sha256::digest(text.as_bytes()).into()
}

/// Equal in time that does not depend on where they differ (both are digests: same length).
fn same(a: &[u8; 32], b: &[u8; 32]) -> bool {
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A response body: all at once, or a stream of SSE events.
pub(crate) enum OutBody {
    Full(Option<Bytes>),
    Stream(mpsc::Receiver<Bytes>),
}

impl Body for OutBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        match self.get_mut() {
            OutBody::Full(b) => Poll::Ready(b.take().map(|b| Ok(Frame::data(b)))),
            OutBody::Stream(rx) => rx.poll_recv(cx).map(|b| b.map(|b| Ok(Frame::data(b)))),
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, OutBody::Full(None))
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            OutBody::Full(Some(b)) => SizeHint::with_exact(b.len() as u64),
            OutBody::Full(None) => SizeHint::with_exact(0),
            OutBody::Stream(_) => SizeHint::default(),
        }
    }
}

type Resp = Response<OutBody>;

fn response(status: StatusCode, content_type: &str, body: impl Into<Bytes>) -> Resp {
    let mut r = Response::new(OutBody::Full(Some(body.into())));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(content_type).expect("a content type"),
    );
    r
}

fn json_response(status: StatusCode, value: &Value) -> Resp {
    response(status, "application/json", value.to_string())
}

fn empty(status: StatusCode) -> Resp {
    let mut r = Response::new(OutBody::Full(None));
    *r.status_mut() = status;
    r
}

/// An HTTP error with a JSON-RPC error body (`id` null unless known).
fn rpc_error(status: StatusCode, id: Value, code: i64, message: impl Into<String>) -> Resp {
    json_response(status, &error_message(id, &failure(code, message)))
}

fn sse_event(msg: &Value) -> Bytes {
    Bytes::from(format!("event: message\ndata: {msg}\n\n"))
}

fn sse_response(rx: mpsc::Receiver<Bytes>) -> Resp {
    let mut r = Response::new(OutBody::Stream(rx));
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert("x-accel-buffering", HeaderValue::from_static("no"));
    r
}

/// A header's value, trimmed; `None` when absent or not visible ASCII.
fn header_text<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
}

/// `localhost`, `127.0.0.1`, `[::1]` (any port).
fn is_loopback_host(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().map(|h| format!("[{h}]")),
        None => host.split(':').next().map(str::to_string),
    };
    matches!(
        name.as_deref().map(str::to_ascii_lowercase).as_deref(),
        Some("localhost" | "127.0.0.1" | "[::1]")
    ) || host.split(':').next().is_some_and(|h| {
        h.parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
    })
}

/// Drops the work of a request when whoever waits for it goes away, and forgets it in its
/// session.
struct AbortOnDrop {
    abort: AbortHandle,
    session: Option<(Arc<Session>, String)>,
}

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.abort.abort();
        if let Some((s, key)) = &self.session {
            let mut inflight = s.inflight.lock().expect("lock");
            if inflight
                .get(key)
                .is_some_and(|f| f.abort.id() == self.abort.id())
            {
                inflight.remove(key);
            }
        }
    }
}

struct InFlight {
    abort: AbortHandle,
    live: Arc<AtomicBool>,
}

/// One 2025-11-25 client: what it said at `initialize`, its requests, its GET stream.
struct Session {
    client: ClientInfo,
    outbound: Arc<Outbound>,
    inflight: Mutex<HashMap<String, InFlight>>,
    stream: Mutex<Option<mpsc::Sender<Value>>>,
    used: Mutex<Instant>,
}

impl Session {
    fn end(&self) {
        for (_, f) in self.inflight.lock().expect("lock").drain() {
            f.live.store(false, Ordering::Release);
            f.abort.abort();
        }
        self.outbound.fail_all();
        self.stream.lock().expect("lock").take();
    }
}

struct HttpClients {
    front: Weak<Front>,
}

impl Clients for HttpClients {
    fn notify_all(&self, method: &str, params: Value) {
        let Some(front) = self.front.upgrade() else {
            return;
        };
        front.subs.notify(method, &params);
        let msg = notification_message(method, params);
        let sessions: Vec<_> = front
            .sessions
            .lock()
            .expect("lock")
            .values()
            .cloned()
            .collect();
        for s in sessions {
            if let Some(tx) = s.stream.lock().expect("lock").as_ref() {
                let _ = tx.try_send(msg.clone());
            }
        }
    }
}

struct Front {
    service: Arc<dyn Service>,
    bearer: Option<[u8; 32]>,
    allowed_origins: Vec<String>,
    loopback: bool,
    sessions: Mutex<HashMap<String, Arc<Session>>>,
    subs: Arc<Subscriptions>,
}

/// How a POSTed request is to be served.
enum Era {
    Session(Arc<Session>),
    Stateless(protocol::Stateless),
}

impl Front {
    async fn handle(self: Arc<Self>, req: Request<IncomingBody>) -> Resp {
        let path = req.uri().path().to_string();
        if let Some(refused) = self.guard(&req, &path) {
            return refused;
        }
        match (path.as_str(), req.method()) {
            ("/health", &Method::GET) => {
                let (status, body) = self.service.health();
                json_response(
                    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                    &body,
                )
            }
            ("/metrics", &Method::GET) => {
                // the ledger's counters are read off the async threads: a PostgreSQL ledger's
                // driver runs a runtime of its own, which cannot start on one of ours
                let service = self.service.clone();
                match tokio::task::spawn_blocking(move || service.metrics()).await {
                    Ok(text) => response(
                        StatusCode::OK,
                        "text/plain; version=0.0.4; charset=utf-8",
                        text,
                    ),
                    Err(_) => empty(StatusCode::INTERNAL_SERVER_ERROR),
                }
            }
            (MCP_PATH, &Method::POST) => self.post(req).await,
            (MCP_PATH, &Method::GET) => self.get(&req),
            (MCP_PATH, &Method::DELETE) => self.delete(&req),
            (MCP_PATH, _) => {
                let mut r = empty(StatusCode::METHOD_NOT_ALLOWED);
                r.headers_mut()
                    .insert(header::ALLOW, HeaderValue::from_static("GET, POST, DELETE"));
                r
            }
            ("/health" | "/metrics", _) => {
                let mut r = empty(StatusCode::METHOD_NOT_ALLOWED);
                r.headers_mut()
                    .insert(header::ALLOW, HeaderValue::from_static("GET"));
                r
            }
            _ => response(
                StatusCode::NOT_FOUND,
                "text/plain; charset=utf-8",
                format!("not found: the MCP endpoint is {MCP_PATH}\n"),
            ),
        }
    }

    /// DNS rebinding (`Origin`, and `Host` on a loopback address) and the bearer token.
    fn guard(&self, req: &Request<IncomingBody>, path: &str) -> Option<Resp> {
        let headers = req.headers();
        if let Some(origin) = headers.get(header::ORIGIN) {
            let allowed = origin.to_str().ok().is_some_and(|o| self.origin_allowed(o));
            if !allowed {
                return Some(rpc_error(
                    StatusCode::FORBIDDEN,
                    Value::Null,
                    INVALID_REQUEST,
                    "forbidden: this `Origin` may not use the gateway",
                ));
            }
        }
        if self.loopback
            && let Some(host) = headers.get(header::HOST)
            && !host.to_str().ok().is_some_and(is_loopback_host)
        {
            return Some(rpc_error(
                StatusCode::FORBIDDEN,
                Value::Null,
                INVALID_REQUEST,
                "forbidden: the gateway listens on a loopback address and this `Host` is not one",
            ));
        }
        if let Some(want) = &self.bearer
            && path != "/health"
        {
            let given = header_text(headers, "authorization").and_then(|v| {
                let (scheme, token) = v.split_once(' ')?;
                scheme
                    .eq_ignore_ascii_case("bearer")
                    .then(|| digest(token.trim()))
            });
            if !given.is_some_and(|g| same(&g, want)) {
                let mut r = rpc_error(
                    StatusCode::UNAUTHORIZED,
                    Value::Null,
                    INVALID_REQUEST,
                    "unauthorized: send `Authorization: Bearer <token>`",
                );
                r.headers_mut()
                    .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
                return Some(r);
            }
        }
        None
    }

    fn origin_allowed(&self, origin: &str) -> bool {
        if self.allowed_origins.iter().any(|o| o == origin) {
            return true;
        }
        let Some((scheme, rest)) = origin.split_once("://") else {
            return false;
        };
        matches!(scheme, "http" | "https") && !rest.contains('/') && is_loopback_host(rest)
    }

    fn session(&self, headers: &HeaderMap) -> Option<Result<Arc<Session>, Resp>> {
        let id = header_text(headers, "mcp-session-id")?;
        let found = self.sessions.lock().expect("lock").get(id).cloned();
        Some(match found {
            Some(s) => {
                *s.used.lock().expect("lock") = Instant::now();
                Ok(s)
            }
            None => Err(rpc_error(
                StatusCode::NOT_FOUND,
                Value::Null,
                INVALID_REQUEST,
                "unknown session: it ended or never was; send `initialize` again",
            )),
        })
    }

    fn new_session(&self, client: ClientInfo) -> String {
        let id = session_id();
        let session = Arc::new(Session {
            client,
            outbound: Arc::new(Outbound::default()),
            inflight: Mutex::new(HashMap::new()),
            stream: Mutex::new(None),
            used: Mutex::new(Instant::now()),
        });
        let mut sessions = self.sessions.lock().expect("lock");
        if sessions.len() >= MAX_SESSIONS {
            let oldest = sessions
                .iter()
                .min_by_key(|(_, s)| *s.used.lock().expect("lock"))
                .map(|(k, _)| k.clone());
            if let Some(k) = oldest
                && let Some(s) = sessions.remove(&k)
            {
                s.end();
            }
        }
        sessions.insert(id.clone(), session);
        id
    }

    fn get(&self, req: &Request<IncomingBody>) -> Resp {
        let session = match self.session(req.headers()) {
            None => return not_allowed_without_session(),
            Some(Err(r)) => return r,
            Some(Ok(s)) => s,
        };
        if !accepts(req.headers(), "text/event-stream") {
            return rpc_error(
                StatusCode::NOT_ACCEPTABLE,
                Value::Null,
                INVALID_REQUEST,
                "the session's stream is `text/event-stream`: say so in `Accept`",
            );
        }
        let (tx, mut rx) = mpsc::channel::<Value>(STREAM_QUEUE);
        {
            let mut stream = session.stream.lock().expect("lock");
            if stream.as_ref().is_some_and(|s| !s.is_closed()) {
                return rpc_error(
                    StatusCode::CONFLICT,
                    Value::Null,
                    INVALID_REQUEST,
                    "this session's stream is already open",
                );
            }
            *stream = Some(tx);
        }
        let (btx, brx) = mpsc::channel::<Bytes>(16);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(KEEP_ALIVE);
            tick.tick().await;
            loop {
                let bytes = tokio::select! {
                    m = rx.recv() => match m {
                        Some(m) => sse_event(&m),
                        None => return,
                    },
                    _ = tick.tick() => Bytes::from_static(b":\n\n"),
                    _ = btx.closed() => return,
                };
                if btx.send(bytes).await.is_err() {
                    return;
                }
            }
        });
        sse_response(brx)
    }

    fn delete(&self, req: &Request<IncomingBody>) -> Resp {
        match self.session(req.headers()) {
            None => not_allowed_without_session(),
            Some(Err(r)) => r,
            Some(Ok(_)) => {
                let id = header_text(req.headers(), "mcp-session-id").unwrap_or("");
                if let Some(s) = self.sessions.lock().expect("lock").remove(id) {
                    s.end();
                }
                empty(StatusCode::NO_CONTENT)
            }
        }
    }

    async fn post(self: Arc<Self>, req: Request<IncomingBody>) -> Resp {
        let (parts, body) = req.into_parts();
        let headers = parts.headers;
        if let Some(ct) = header_text(&headers, "content-type")
            && !ct.to_ascii_lowercase().starts_with("application/json")
        {
            return rpc_error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                Value::Null,
                INVALID_REQUEST,
                "a message is posted as `Content-Type: application/json`",
            );
        }
        let bytes = match read_body(body, MAX_MESSAGE).await {
            Ok(b) => b,
            Err(BodyError::TooLarge) => {
                return rpc_error(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    Value::Null,
                    INVALID_REQUEST,
                    format!("a message is larger than {}", human_size(MAX_MESSAGE)),
                );
            }
            Err(BodyError::Failed) => return empty(StatusCode::BAD_REQUEST),
        };
        let value: Value = match serde_json::from_slice(&bytes) {
            Ok(v) => v,
            Err(e) => {
                return rpc_error(
                    StatusCode::BAD_REQUEST,
                    Value::Null,
                    PARSE_ERROR,
                    format!("not JSON: {e}"),
                );
            }
        };
        if value.is_array() {
            return rpc_error(
                StatusCode::BAD_REQUEST,
                Value::Null,
                INVALID_REQUEST,
                "JSON-RPC batches are not taken over HTTP: post one message at a time",
            );
        }
        match protocol::classify(value) {
            Incoming::Invalid { id, failure } => {
                json_response(StatusCode::BAD_REQUEST, &error_message(id, &failure))
            }
            Incoming::Response { id, answer } => match self.session(&headers) {
                Some(Ok(s)) => {
                    s.outbound.resolve(&id, answer);
                    empty(StatusCode::ACCEPTED)
                }
                Some(Err(r)) => r,
                None => rpc_error(
                    StatusCode::BAD_REQUEST,
                    Value::Null,
                    INVALID_REQUEST,
                    "a response belongs to a session: send its `Mcp-Session-Id`",
                ),
            },
            Incoming::Notification { method, params } => {
                self.notification(&headers, method, params)
            }
            Incoming::Request { id, method, params } => {
                self.request(&headers, id, method, params).await
            }
        }
    }

    fn notification(&self, headers: &HeaderMap, method: String, mut params: Value) -> Resp {
        let session = match self.session(headers) {
            Some(Err(r)) if protocol::meta_version(&params).is_none() => return r,
            Some(Ok(s)) => Some(s),
            _ => None,
        };
        match method.as_str() {
            "notifications/initialized" => {}
            "notifications/cancelled" => {
                if let (Some(s), Some(id)) = (&session, params.get("requestId"))
                    && let Some(f) = s.inflight.lock().expect("lock").remove(&id.to_string())
                {
                    f.live.store(false, Ordering::Release);
                    f.abort.abort();
                }
            }
            _ => {
                let (client, outbound) = match (&session, protocol::meta_version(&params)) {
                    (_, Some(_)) => match protocol::stateless(&mut params) {
                        Ok(s) => (s.client, None),
                        Err(f) => {
                            return json_response(
                                StatusCode::BAD_REQUEST,
                                &error_message(Value::Null, &f),
                            );
                        }
                    },
                    (Some(s), None) => (s.client.clone(), Some(s.outbound.clone())),
                    (None, None) => {
                        return rpc_error(
                            StatusCode::BAD_REQUEST,
                            Value::Null,
                            INVALID_REQUEST,
                            "no `Mcp-Session-Id`: send `initialize` first",
                        );
                    }
                };
                let (tx, _rx) = mpsc::channel(1);
                let peer = Arc::new(FrontPeer {
                    client,
                    out: tx,
                    outbound,
                    live: Arc::new(AtomicBool::new(false)),
                    log: LogFilter::None,
                });
                self.service.notification(peer, method, params);
            }
        }
        empty(StatusCode::ACCEPTED)
    }

    async fn request(
        self: Arc<Self>,
        headers: &HeaderMap,
        id: Value,
        method: String,
        mut params: Value,
    ) -> Resp {
        let header_version = header_text(headers, "mcp-protocol-version");
        let stateless =
            protocol::meta_version(&params).is_some() || header_version == Some(MODERN_VERSION);
        let bad = |code: i64, message: String| {
            json_response(
                StatusCode::BAD_REQUEST,
                &error_message(id.clone(), &failure(code, message)),
            )
        };
        let era = if stateless {
            if let Err(message) = check_headers(headers, &method, &params) {
                return bad(HEADER_MISMATCH, message);
            }
            match protocol::stateless(&mut params) {
                Ok(s) => Era::Stateless(s),
                Err(f) => return json_response(StatusCode::BAD_REQUEST, &error_message(id, &f)),
            }
        } else if method == "initialize" {
            let (result, client) = protocol::initialize(&*self.service, &params);
            self.service.client_initialized(&client);
            let session = self.new_session(client);
            let mut r = json_response(StatusCode::OK, &answer_message(id, Ok(result)));
            r.headers_mut().insert(
                "mcp-session-id",
                HeaderValue::from_str(&session).expect("hex"),
            );
            return r;
        } else {
            match self.session(headers) {
                Some(Ok(s)) => {
                    if let Some(v) = header_version
                        && !PROTOCOL_VERSIONS.contains(&v)
                    {
                        return bad(
                            INVALID_REQUEST,
                            format!(
                                "unsupported `MCP-Protocol-Version: {v}`: aimcp speaks {}",
                                protocol::supported_versions().join(", ")
                            ),
                        );
                    }
                    Era::Session(s)
                }
                Some(Err(r)) => return r,
                None => {
                    return bad(
                        INVALID_REQUEST,
                        format!(
                            "no `Mcp-Session-Id`: send `initialize` first, or a {MODERN_VERSION} \
                             request with `_meta` and `MCP-Protocol-Version: {MODERN_VERSION}`"
                        ),
                    );
                }
            }
        };
        let sse = accepts(headers, "text/event-stream");
        match era {
            Era::Stateless(s) => {
                if let Some(f) = protocol::removed_in_modern(&method) {
                    return json_response(StatusCode::NOT_FOUND, &error_message(id, &f));
                }
                if method == "server/discover" {
                    let result = protocol::discover(&*self.service);
                    return json_response(StatusCode::OK, &answer_message(id, Ok(result)));
                }
                if method == "subscriptions/listen" {
                    return self.listen(headers, id, &params);
                }
                let log = LogFilter::stateless(s.log_level.as_deref());
                self.run(id, method, params, s.client, None, log, None, sse)
                    .await
            }
            Era::Session(session) => match method.as_str() {
                "ping" => json_response(StatusCode::OK, &answer_message(id, Ok(json!({})))),
                "server/discover" => {
                    let result = protocol::discover(&*self.service);
                    json_response(StatusCode::OK, &answer_message(id, Ok(result)))
                }
                _ => {
                    let client = session.client.clone();
                    // Requests to a client go on this request's stream: only when it takes one.
                    let outbound = sse.then(|| session.outbound.clone());
                    self.run(
                        id,
                        method,
                        params,
                        client,
                        outbound,
                        LogFilter::All,
                        Some(session),
                        sse,
                    )
                    .await
                }
            },
        }
    }

    /// `subscriptions/listen`: an SSE stream that stays open, the acknowledgement first.
    fn listen(&self, headers: &HeaderMap, id: Value, params: &Value) -> Resp {
        if !accepts(headers, "text/event-stream") {
            return rpc_error(
                StatusCode::NOT_ACCEPTABLE,
                id,
                INVALID_REQUEST,
                "a subscription is a `text/event-stream`: say so in `Accept`",
            );
        }
        let filter = Filter::new(params, &self.service.capabilities());
        let (tx, mut rx) = mpsc::channel::<Value>(STREAM_QUEUE);
        let Some(listening) = self.subs.listen(id, filter, tx) else {
            return empty(StatusCode::INTERNAL_SERVER_ERROR);
        };
        let (btx, brx) = mpsc::channel::<Bytes>(16);
        tokio::spawn(async move {
            let _listening = listening;
            let mut tick = tokio::time::interval(KEEP_ALIVE);
            tick.tick().await;
            loop {
                let bytes = tokio::select! {
                    m = rx.recv() => match m {
                        Some(m) => sse_event(&m),
                        None => return,
                    },
                    _ = tick.tick() => Bytes::from_static(b":\n\n"),
                    _ = btx.closed() => return,
                };
                if btx.send(bytes).await.is_err() {
                    return;
                }
            }
        });
        sse_response(brx)
    }

    /// Runs one request on the service: JSON when the answer comes first, else an SSE stream
    /// of what comes before it, then the answer.
    #[allow(clippy::too_many_arguments)]
    async fn run(
        self: Arc<Self>,
        id: Value,
        method: String,
        params: Value,
        client: ClientInfo,
        outbound: Option<Arc<Outbound>>,
        log: LogFilter,
        session: Option<Arc<Session>>,
        sse: bool,
    ) -> Resp {
        let modern = session.is_none();
        let (tx, mut rx) = mpsc::channel::<Value>(STREAM_QUEUE);
        let live = Arc::new(AtomicBool::new(true));
        let peer = Arc::new(FrontPeer {
            client,
            out: tx,
            outbound,
            live: live.clone(),
            log,
        });
        let work = self.service.request(peer, method.clone(), params);
        let service = self.service.clone();
        let (done_tx, mut done) = oneshot::channel::<Answer>();
        let key = id.to_string();
        let task = {
            // The session's lock is held while the task is spawned and registered, so that
            // its end (which unregisters it) cannot come first.
            let mut inflight = session.as_ref().map(|s| s.inflight.lock().expect("lock"));
            if inflight.as_ref().is_some_and(|m| m.contains_key(&key)) {
                return json_response(
                    StatusCode::OK,
                    &error_message(
                        id,
                        &failure(
                            INVALID_REQUEST,
                            "this id is already used by a request in flight",
                        ),
                    ),
                );
            }
            let task_live = live.clone();
            let task_session = session.clone();
            let task_key = key.clone();
            let task = tokio::spawn(async move {
                let answer = work.await;
                task_live.store(false, Ordering::Release);
                if let Some(s) = task_session {
                    s.inflight.lock().expect("lock").remove(&task_key);
                }
                let answer = if modern {
                    protocol::modern_answer(&*service, &method, answer)
                } else {
                    answer
                };
                let _ = done_tx.send(answer);
            });
            if let Some(m) = inflight.as_mut() {
                m.insert(
                    key.clone(),
                    InFlight {
                        abort: task.abort_handle(),
                        live: live.clone(),
                    },
                );
            }
            AbortOnDrop {
                abort: task.abort_handle(),
                session: session.as_ref().map(|s| (s.clone(), key.clone())),
            }
        };
        // A message the request sent before its answer comes first (and makes it a stream).
        let first = if sse {
            tokio::select! {
                biased;
                m = rx.recv() => Ok(m),
                a = &mut done => Err(a),
            }
        } else {
            Err((&mut done).await)
        };
        let first = match first {
            Err(Ok(answer)) => return answer_response(id, answer, modern),
            // Cancelled (`notifications/cancelled`, DELETE): no answer is sent for it.
            Err(Err(_)) => return empty(StatusCode::ACCEPTED),
            Ok(Some(m)) => m,
            Ok(None) => match done.await {
                Ok(answer) => return answer_response(id, answer, modern),
                Err(_) => return empty(StatusCode::ACCEPTED),
            },
        };
        let (btx, brx) = mpsc::channel::<Bytes>(16);
        tokio::spawn(async move {
            let _task = task;
            if btx.send(sse_event(&first)).await.is_err() {
                live.store(false, Ordering::Release);
                return;
            }
            loop {
                let event = tokio::select! {
                    biased;
                    m = rx.recv() => match m {
                        Some(m) => sse_event(&m),
                        None => break,
                    },
                    a = &mut done => {
                        // What the request sent before its answer goes first.
                        while let Ok(m) = rx.try_recv() {
                            if btx.send(sse_event(&m)).await.is_err() {
                                return;
                            }
                        }
                        if let Ok(answer) = a {
                            let _ = btx.send(sse_event(&answer_message(id, answer))).await;
                        }
                        return;
                    }
                };
                if btx.send(event).await.is_err() {
                    // The client closed the stream: the request is cancelled.
                    live.store(false, Ordering::Release);
                    return;
                }
            }
            if let Ok(answer) = done.await {
                let _ = btx.send(sse_event(&answer_message(id, answer))).await;
            }
        });
        drop(self);
        sse_response(brx)
    }
}

/// A JSON answer; 2026-07-28 says how a few errors show in the status.
fn answer_response(id: Value, answer: Answer, modern: bool) -> Resp {
    let status = match &answer {
        Err(RpcFailure { code, .. }) if modern => match *code {
            METHOD_NOT_FOUND => StatusCode::NOT_FOUND,
            HEADER_MISMATCH | MISSING_CAPABILITY | UNSUPPORTED_VERSION => StatusCode::BAD_REQUEST,
            _ => StatusCode::OK,
        },
        _ => StatusCode::OK,
    };
    json_response(status, &answer_message(id, answer))
}

fn not_allowed_without_session() -> Resp {
    let mut r = rpc_error(
        StatusCode::METHOD_NOT_ALLOWED,
        Value::Null,
        INVALID_REQUEST,
        format!(
            "GET and DELETE need a session's `Mcp-Session-Id` (from `initialize`); \
             {MODERN_VERSION} has no sessions"
        ),
    );
    r.headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("POST"));
    r
}

/// Whether `Accept` takes `kind` (no `Accept` takes anything).
fn accepts(headers: &HeaderMap, kind: &str) -> bool {
    let Some(accept) = header_text(headers, "accept") else {
        return true;
    };
    let major = kind.split('/').next().unwrap_or("");
    accept.split(',').any(|item| {
        let media = item.split(';').next().unwrap_or("").trim();
        media == kind || media == "*/*" || media == format!("{major}/*")
    })
}

/// 2026-07-28: `MCP-Protocol-Version`, `Mcp-Method` and (for the calls that name something)
/// `Mcp-Name` must be there and agree with the body.
fn check_headers(headers: &HeaderMap, method: &str, params: &Value) -> Result<(), String> {
    for name in ["mcp-protocol-version", "mcp-method", "mcp-name"] {
        if headers.get_all(name).iter().count() > 1 {
            return Err(format!("the `{name}` header is sent more than once"));
        }
    }
    let body_version = protocol::meta_version(params).and_then(Value::as_str);
    match (header_text(headers, "mcp-protocol-version"), body_version) {
        (None, _) => return Err("the `MCP-Protocol-Version` header is missing".into()),
        (Some(h), Some(b)) if h != b => {
            return Err(format!(
                "`MCP-Protocol-Version: {h}` does not match `_meta` (`{b}`)"
            ));
        }
        _ => {}
    }
    match header_text(headers, "mcp-method") {
        None => return Err("the `Mcp-Method` header is missing".into()),
        Some(h) if h != method => {
            return Err(format!(
                "`Mcp-Method: {h}` does not match the body's method `{method}`"
            ));
        }
        _ => {}
    }
    let named = match method {
        "tools/call" | "prompts/get" => params.get("name"),
        "resources/read" => params.get("uri"),
        _ => None,
    };
    if let Some(name) = named.and_then(Value::as_str) {
        let given = header_text(headers, "mcp-name")
            .ok_or_else(|| "the `Mcp-Name` header is missing".to_string())?;
        let given = decode_sentinel(given)
            .ok_or_else(|| format!("`Mcp-Name: {given}` is not valid Base64"))?;
        if given != name {
            return Err(format!("`Mcp-Name` does not match the body's `{name}`"));
        }
    }
    Ok(())
}

/// `=?base64?...?=` is a header value in Base64 (for names that are not plain ASCII).
fn decode_sentinel(value: &str) -> Option<String> {
    use base64::Engine;
    match value
        .strip_prefix("=?base64?")
        .and_then(|v| v.strip_suffix("?="))
    {
        Some(b64) => base64::engine::general_purpose::STANDARD
            .decode(b64)
            .ok()
            .and_then(|b| String::from_utf8(b).ok()),
        None => Some(value.to_string()),
    }
}

enum BodyError {
    TooLarge,
    Failed,
}

async fn read_body(mut body: IncomingBody, cap: usize) -> Result<Vec<u8>, BodyError> {
    if body.size_hint().lower() > cap as u64 {
        return Err(BodyError::TooLarge);
    }
    let mut out = Vec::new();
    loop {
        let frame = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await;
        match frame {
            None => return Ok(out),
            Some(Err(_)) => return Err(BodyError::Failed),
            Some(Ok(frame)) => {
                if let Ok(data) = frame.into_data() {
                    if out.len() + data.len() > cap {
                        return Err(BodyError::TooLarge);
                    }
                    out.extend_from_slice(&data);
                }
            }
        }
    }
}

/// 128 random bits as hex, from the system's generator.
fn session_id() -> String {
    use std::io::Read;
    let mut bytes = [0u8; 16];
    let read = std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut bytes));
    if read.is_err() {
        // No /dev/urandom: the time and the address of a fresh allocation, hashed.
        let seed = format!(
            "{:?}{:p}",
            std::time::SystemTime::now(),
            Box::new(0u8).as_ref()
        );
        bytes.copy_from_slice(&Sha256::digest(seed.as_bytes())[..16]);
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts_and_origins() {
        for host in [
            "localhost",
            "localhost:8080",
            "127.0.0.1:1",
            "[::1]:3000",
            "[::1]",
            "LOCALHOST:1",
        ] {
            assert!(is_loopback_host(host), "{host}");
        }
        for host in [
            "evil.com",
            "evil.com:8080",
            "localhost.evil.com",
            "127.0.0.1.evil.com",
            "[::2]:1",
            "",
        ] {
            assert!(!is_loopback_host(host), "{host}");
        }
    }

    #[test]
    fn bearer_digests_compare_whole() {
        assert!(same(&digest("secret"), &digest("secret")));
        assert!(!same(&digest("secret"), &digest("secreT")));
        assert!(!same(&digest("secret"), &digest("")));
    }

    #[test]
    fn the_base64_sentinel_is_decoded() {
        assert_eq!(decode_sentinel("plain").as_deref(), Some("plain"));
        assert_eq!(
            decode_sentinel("=?base64?w6lsw6h2ZQ==?=").as_deref(),
            Some("élève")
        );
        assert_eq!(decode_sentinel("=?base64?***?="), None);
    }
}

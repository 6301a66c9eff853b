//! The front over stdio: one JSON-RPC message a line, many requests in flight.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::{mpsc, oneshot};
use tokio::task::{AbortHandle, JoinSet};

use super::peer::{FrontPeer, Outbound};
use super::protocol::{
    self, INVALID_REQUEST, Incoming, LogFilter, PARSE_ERROR, answer_message, error_message,
    failure, notification_message,
};
use super::subscriptions::{Filter, Listening, Subscriptions};
use crate::gateway::service::{Answer, BoxFuture, ClientInfo, Clients, Service};
use crate::mcp::{MAX_MESSAGE, human_size};

/// Messages waiting for stdout; notifications beyond this are dropped, answers wait.
const OUT_QUEUE: usize = 4096;
/// At stdin's end, how long requests still in flight may take to be answered.
const DRAIN: Duration = Duration::from_secs(2);

/// Serves one client over a byte stream pair (the process's stdin and stdout): reads one
/// JSON-RPC message a line (up to [`MAX_MESSAGE`]), runs every request at once, and writes each
/// answer when it is ready. Returns at the end of `stdin` (after the requests in flight are
/// answered, for at most two seconds), or with an error when `stdout` cannot be written.
pub async fn serve_stdio<R, W>(service: Arc<dyn Service>, stdin: R, stdout: W) -> anyhow::Result<()>
where
    R: AsyncRead + Unpin + Send + 'static,
    W: AsyncWrite + Unpin + Send + 'static,
{
    // A stateless client's request may need several rounds (see `rounds`).
    let service: Arc<dyn Service> = Arc::new(super::rounds::Rounds::new(service));
    let (out, rx) = mpsc::channel(OUT_QUEUE);
    let (stop, stopped) = oneshot::channel();
    let mut writer = tokio::spawn(write_lines(stdout, rx, stopped));
    let conn = Arc::new(Conn {
        service: service.clone(),
        out: out.clone(),
        outbound: Arc::new(Outbound::default()),
        session: RwLock::new(None),
        initialized: Arc::new(AtomicBool::new(false)),
        inflight: Mutex::new(HashMap::new()),
        subs: Arc::new(Subscriptions::default()),
        listens: Mutex::new(HashMap::new()),
    });
    service.attach(Arc::new(StdioClients {
        out,
        initialized: conn.initialized.clone(),
        subs: conn.subs.clone(),
    }));
    let mut tasks = JoinSet::new();
    let mut reader = BufReader::with_capacity(64 * 1024, stdin);
    let mut line = Vec::new();
    let ended: anyhow::Result<()> = loop {
        line.clear();
        let read = tokio::select! {
            r = read_line_capped(&mut reader, &mut line, MAX_MESSAGE) => r,
            w = &mut writer => break Err(writer_failure(w)),
        };
        match read {
            Err(e) => break Err(anyhow::Error::new(e).context("cannot read stdin")),
            Ok(LineRead::Eof) => break Ok(()),
            Ok(LineRead::TooLong) => {
                let f = failure(
                    INVALID_REQUEST,
                    format!("a message is larger than {}", human_size(MAX_MESSAGE)),
                );
                conn.send(error_message(Value::Null, &f)).await;
            }
            Ok(LineRead::Line) => {
                let text = String::from_utf8_lossy(&line);
                let text = text.trim();
                if !text.is_empty() {
                    conn.handle_text(text, &mut tasks).await;
                }
            }
        }
        while tasks.try_join_next().is_some() {}
    };
    if ended.is_ok() {
        let _ =
            tokio::time::timeout(DRAIN, async { while tasks.join_next().await.is_some() {} }).await;
    }
    tasks.abort_all();
    conn.outbound.fail_all();
    let _ = stop.send(());
    let written = if writer.is_finished() {
        Ok(())
    } else {
        match writer.await {
            Ok(Ok(())) => Ok(()),
            w => Err(writer_failure(w)),
        }
    };
    ended.and(written)
}

fn writer_failure(w: Result<std::io::Result<()>, tokio::task::JoinError>) -> anyhow::Error {
    match w {
        Ok(Ok(())) => anyhow::anyhow!("stdout closed"),
        Ok(Err(e)) => anyhow::Error::new(e).context("cannot write to stdout"),
        Err(e) => anyhow::Error::new(e).context("the stdout writer failed"),
    }
}

/// Writes messages as they come, one a line, flushing when none is waiting.
async fn write_lines<W: AsyncWrite + Unpin>(
    mut w: W,
    mut rx: mpsc::Receiver<Value>,
    mut stop: oneshot::Receiver<()>,
) -> std::io::Result<()> {
    let mut buf = Vec::with_capacity(64 * 1024);
    let mut stopping = false;
    loop {
        let first = if stopping {
            rx.try_recv().ok()
        } else {
            tokio::select! {
                biased;
                m = rx.recv() => m,
                _ = &mut stop => { stopping = true; rx.try_recv().ok() }
            }
        };
        let Some(first) = first else {
            w.flush().await?;
            return Ok(());
        };
        push_line(&mut buf, &first);
        while buf.len() < 1024 * 1024
            && let Ok(m) = rx.try_recv()
        {
            push_line(&mut buf, &m);
        }
        w.write_all(&buf).await?;
        w.flush().await?;
        buf.clear();
    }
}

fn push_line(buf: &mut Vec<u8>, msg: &Value) {
    serde_json::to_writer(&mut *buf, msg).expect("a JSON value serialises");
    buf.push(b'\n');
}

enum LineRead {
    Line,
    Eof,
    /// Over the cap: the rest of the line was skipped.
    TooLong,
}

async fn read_line_capped<R: AsyncRead + Unpin>(
    reader: &mut BufReader<R>,
    line: &mut Vec<u8>,
    cap: usize,
) -> std::io::Result<LineRead> {
    let mut too_long = false;
    loop {
        let buf = reader.fill_buf().await?;
        if buf.is_empty() {
            return Ok(match (too_long, line.is_empty()) {
                (true, _) => LineRead::TooLong,
                (false, true) => LineRead::Eof,
                (false, false) => LineRead::Line,
            });
        }
        let (take, done) = match memchr::memchr(b'\n', buf) {
            Some(i) => (i + 1, true),
            None => (buf.len(), false),
        };
        if !too_long {
            if line.len() + take > cap + 1 {
                too_long = true;
                line.clear();
            } else {
                line.extend_from_slice(&buf[..take]);
            }
        }
        reader.consume(take);
        if done {
            return Ok(if too_long {
                LineRead::TooLong
            } else {
                LineRead::Line
            });
        }
    }
}

/// `notify_all` over stdio: the one client, once it has sent `initialize`; a stateless one
/// only through the subscriptions it opened.
struct StdioClients {
    out: mpsc::Sender<Value>,
    initialized: Arc<AtomicBool>,
    subs: Arc<Subscriptions>,
}

impl Clients for StdioClients {
    fn notify_all(&self, method: &str, params: Value) {
        self.subs.notify(method, &params);
        if self.initialized.load(Ordering::Acquire) {
            let _ = self.out.try_send(notification_message(method, params));
        }
    }
}

struct InFlight {
    abort: AbortHandle,
    live: Arc<AtomicBool>,
}

/// One stdio client.
struct Conn {
    service: Arc<dyn Service>,
    out: mpsc::Sender<Value>,
    outbound: Arc<Outbound>,
    /// What `initialize` said (2025-11-25 and older); `None` before it.
    session: RwLock<Option<ClientInfo>>,
    /// Set by `initialize`: notifications that belong to no request may be sent.
    initialized: Arc<AtomicBool>,
    subs: Arc<Subscriptions>,
    /// `subscriptions/listen` requests open, by id as JSON text (cancelled like requests).
    listens: Mutex<HashMap<String, Listening>>,
    /// Requests being worked on, by their id as JSON text (`1` and `"1"` differ).
    inflight: Mutex<HashMap<String, InFlight>>,
}

/// What a request comes to: an answer now, or work that answers later.
enum Prepared {
    /// Nothing to send (a subscription opened: it acknowledges itself).
    Done,
    Now(Value),
    Later {
        work: BoxFuture<'static, Value>,
        live: Arc<AtomicBool>,
    },
}

impl Conn {
    async fn send(&self, msg: Value) {
        let _ = self.out.send(msg).await;
    }

    fn session_version(&self) -> Option<String> {
        self.session
            .read()
            .expect("lock")
            .as_ref()
            .map(|c| c.protocol_version.clone())
    }

    async fn handle_text(self: &Arc<Self>, text: &str, tasks: &mut JoinSet<()>) {
        match serde_json::from_str::<Value>(text) {
            Err(e) => {
                let f = failure(PARSE_ERROR, format!("not JSON: {e}"));
                self.send(error_message(Value::Null, &f)).await;
            }
            Ok(Value::Array(items)) => self.batch(items, tasks).await,
            Ok(value) => match classify_or_answer(value) {
                Ok(Incoming::Request { id, method, params }) => {
                    match self.prepare(id.clone(), method, params) {
                        Prepared::Done => {}
                        Prepared::Now(msg) => self.send(msg).await,
                        Prepared::Later { work, live } => self.spawn(id, work, live, tasks).await,
                    }
                }
                Ok(other) => self.handle_other(other),
                Err(msg) => self.send(msg).await,
            },
        }
    }

    /// A JSON-RPC batch: only 2025-03-26 and older have them; the answers go back as one array.
    async fn batch(self: &Arc<Self>, items: Vec<Value>, tasks: &mut JoinSet<()>) {
        let version = self.session_version();
        let allowed = matches!(version.as_deref(), Some("2025-03-26" | "2024-11-05"));
        if !allowed || items.is_empty() {
            let f = failure(
                INVALID_REQUEST,
                match version {
                    _ if items.is_empty() => "an empty batch".to_string(),
                    Some(v) => format!("MCP {v} has no JSON-RPC batches"),
                    None => "JSON-RPC batches need `initialize` with 2025-03-26 or older".into(),
                },
            );
            self.send(error_message(Value::Null, &f)).await;
            return;
        }
        let mut answers = Vec::new();
        for item in items {
            match classify_or_answer(item) {
                Ok(Incoming::Request { id, method, params }) => {
                    answers.push(self.prepare(id, method, params))
                }
                Ok(other) => self.handle_other(other),
                Err(msg) => answers.push(Prepared::Now(msg)),
            }
        }
        if answers.is_empty() {
            return;
        }
        let conn = self.clone();
        tasks.spawn(async move {
            let mut work = JoinSet::new();
            let mut out = vec![Value::Null; answers.len()];
            for (i, a) in answers.into_iter().enumerate() {
                match a {
                    Prepared::Done => {}
                    Prepared::Now(msg) => out[i] = msg,
                    Prepared::Later { work: w, live } => {
                        work.spawn(async move {
                            let msg = w.await;
                            live.store(false, Ordering::Release);
                            (i, msg)
                        });
                    }
                }
            }
            while let Some(done) = work.join_next().await {
                if let Ok((i, msg)) = done {
                    out[i] = msg;
                }
            }
            out.retain(|m| !m.is_null());
            conn.send(Value::Array(out)).await;
        });
    }

    /// Responses and notifications.
    fn handle_other(&self, message: Incoming) {
        match message {
            Incoming::Response { id, answer } => {
                self.outbound.resolve(&id, answer);
            }
            Incoming::Notification { method, mut params } => match method.as_str() {
                "notifications/cancelled" => {
                    if let Some(id) = params.get("requestId") {
                        self.cancel(id);
                    }
                }
                "notifications/initialized" => {}
                _ => {
                    let (client, log) = match protocol::meta_version(&params) {
                        Some(_) => match protocol::stateless(&mut params) {
                            Ok(s) => (s.client, LogFilter::stateless(s.log_level.as_deref())),
                            Err(_) => return,
                        },
                        None => (self.session_client(), LogFilter::All),
                    };
                    let peer = Arc::new(FrontPeer {
                        client,
                        out: self.out.clone(),
                        outbound: Some(self.outbound.clone()),
                        live: Arc::new(AtomicBool::new(true)),
                        log,
                    });
                    self.service.notification(peer, method, params);
                }
            },
            Incoming::Request { .. } | Incoming::Invalid { .. } => {}
        }
    }

    fn session_client(&self) -> ClientInfo {
        self.session
            .read()
            .expect("lock")
            .clone()
            .unwrap_or_else(|| ClientInfo {
                capabilities: json!({}),
                protocol_version: crate::mcp::PROTOCOL_VERSIONS[0].to_string(),
                ..ClientInfo::default()
            })
    }

    fn cancel(&self, id: &Value) {
        self.listens.lock().expect("lock").remove(&id.to_string());
        if let Some(f) = self.inflight.lock().expect("lock").remove(&id.to_string()) {
            f.live.store(false, Ordering::Release);
            f.abort.abort();
        }
    }

    /// Answers what the front answers itself; the rest becomes the service's work.
    fn prepare(self: &Arc<Self>, id: Value, method: String, mut params: Value) -> Prepared {
        let service = &*self.service;
        let stateless = match protocol::meta_version(&params) {
            None => None,
            Some(_) => match protocol::stateless(&mut params) {
                Ok(s) => Some(s),
                Err(f) => return Prepared::Now(error_message(id, &f)),
            },
        };
        let (client, log, outbound) = match stateless {
            Some(s) => {
                if let Some(f) = protocol::removed_in_modern(&method) {
                    return Prepared::Now(error_message(id, &f));
                }
                if method == "server/discover" {
                    return Prepared::Now(answer_message(id, Ok(protocol::discover(service))));
                }
                if method == "subscriptions/listen" {
                    let filter = Filter::new(&params, &service.capabilities());
                    if let Some(l) = self.subs.listen(id.clone(), filter, self.out.clone()) {
                        self.listens.lock().expect("lock").insert(id.to_string(), l);
                    }
                    return Prepared::Done;
                }
                let log = LogFilter::stateless(s.log_level.as_deref());
                (s.client, log, None)
            }
            None => match method.as_str() {
                // One `initialize` a session, and nothing but `ping` before it (the lifecycle
                // of 2025-11-25; a 2026-07-28 client says who it is in each request's `_meta`).
                "initialize" if self.session.read().expect("lock").is_some() => {
                    let f = failure(INVALID_REQUEST, "the session is already initialized");
                    return Prepared::Now(error_message(id, &f));
                }
                "initialize" => {
                    let (result, client) = protocol::initialize(service, &params);
                    service.client_initialized(&client);
                    *self.session.write().expect("lock") = Some(client);
                    self.initialized.store(true, Ordering::Release);
                    return Prepared::Now(answer_message(id, Ok(result)));
                }
                "ping" => return Prepared::Now(answer_message(id, Ok(json!({})))),
                "server/discover" => {
                    return Prepared::Now(answer_message(id, Ok(protocol::discover(service))));
                }
                _ if self.session.read().expect("lock").is_none() => {
                    let f = failure(
                        INVALID_REQUEST,
                        format!(
                            "`{method}` before `initialize`: send `initialize` first, or say \
                             who you are in `_meta` (MCP {})",
                            protocol::MODERN_VERSION
                        ),
                    );
                    return Prepared::Now(error_message(id, &f));
                }
                _ => (
                    self.session_client(),
                    LogFilter::All,
                    Some(self.outbound.clone()),
                ),
            },
        };
        let modern = outbound.is_none();
        let live = Arc::new(AtomicBool::new(true));
        let peer = Arc::new(FrontPeer {
            client,
            out: self.out.clone(),
            outbound,
            live: live.clone(),
            log,
        });
        let fut = service.request(peer, method.clone(), params);
        let service = self.service.clone();
        let work = Box::pin(async move {
            let answer: Answer = fut.await;
            let answer = if modern {
                protocol::modern_answer(&*service, &method, answer)
            } else {
                answer
            };
            answer_message(id, answer)
        });
        Prepared::Later { work, live }
    }

    async fn spawn(
        self: &Arc<Self>,
        id: Value,
        work: BoxFuture<'static, Value>,
        live: Arc<AtomicBool>,
        tasks: &mut JoinSet<()>,
    ) {
        let key = id.to_string();
        let duplicate = {
            let mut inflight = self.inflight.lock().expect("lock");
            if inflight.contains_key(&key) {
                true
            } else {
                let conn = self.clone();
                let task_live = live.clone();
                let task_key = key.clone();
                let abort = tasks.spawn(async move {
                    let msg = work.await;
                    task_live.store(false, Ordering::Release);
                    let still = conn
                        .inflight
                        .lock()
                        .expect("lock")
                        .remove(&task_key)
                        .is_some();
                    if still {
                        conn.send(msg).await;
                    }
                });
                inflight.insert(key, InFlight { abort, live });
                false
            }
        };
        if duplicate {
            let f = failure(
                INVALID_REQUEST,
                format!("the id {id} is already used by a request in flight"),
            );
            self.send(error_message(id, &f)).await;
        }
    }
}

/// A message that is not JSON-RPC is answered at once (`Err`); the rest is sorted.
fn classify_or_answer(value: Value) -> Result<Incoming, Value> {
    match protocol::classify(value) {
        Incoming::Invalid { id, failure } => Err(error_message(id, &failure)),
        other => Ok(other),
    }
}

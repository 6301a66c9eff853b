//! The MCP protocol client: connect (stdio, Streamable HTTP, legacy HTTP+SSE), handshake, list,
//! call, shut down. It prints nothing and knows nothing of the terminal.
//!
//! Messages are typed by rmcp's protocol model where aimcp builds them (`initialize`); the
//! transports and the JSON-RPC session are our own (a few hundred lines) rather than rmcp's, because the behaviour
//! this client promises is about the edges rmcp hides: every stdio server in its own process group
//! that is ended on every exit path, the server's stderr kept for error messages, a size cap on
//! every message, repeating cursors, and the legacy SSE transport that rmcp 3 no longer has.
//! Tool objects are kept as the JSON the server sent, so nothing is lost on the way to
//! `.mcp.tools.json`.
//!
//! Use it as: [`block_on`]`(async { let mut s = `[`connect`]`(..).await?; s.list_tools().await?;
//! s.shutdown().await })`.

pub mod auth;
mod error;
mod handler;
mod http;
pub mod modern;
pub mod procs;
mod rpc;
mod stdio;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use rpc::{Core, Inbox, Link};

pub use error::{METHOD_NOT_FOUND, McpError, Result, RpcFailure};
pub use handler::{BoxFuture, CallOptions, Handler};

use crate::config::{EnvResolver, Server, Transport};

/// The protocol versions this client speaks, newest first.
pub const PROTOCOL_VERSIONS: &[&str] = &["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"];

/// The `initialize` request's params, typed by rmcp (the official SDK's protocol model): this
/// client's name and version, and no optional client capabilities.
fn initialize_params(version: &str) -> Value {
    use rmcp::model::{
        ClientCapabilities, Implementation, InitializeRequestParams, ProtocolVersion,
    };
    let version: ProtocolVersion = serde_json::from_value(Value::String(version.to_string()))
        .expect("a protocol version is a string");
    let params = InitializeRequestParams::new(
        ClientCapabilities::default(),
        Implementation::new("aimcp", env!("CARGO_PKG_VERSION")),
    )
    .with_protocol_version(version);
    serde_json::to_value(params).expect("initialize params serialise")
}

/// The largest message accepted from a server.
pub const MAX_MESSAGE: usize = 32 * 1024 * 1024;

/// The default per-server timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// At most this many `input_required` rounds of one request.
const MAX_INPUT_ROUNDS: usize = 16;

/// At most this many pages of one list.
const MAX_PAGES: usize = 10_000;

pub(crate) fn human_size(bytes: usize) -> String {
    if bytes >= 1024 * 1024 {
        format!("{} MiB", bytes / (1024 * 1024))
    } else {
        format!("{} KiB", bytes / 1024)
    }
}

fn secs(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{s:.0} s")
    } else {
        format!("{s:.1} s")
    }
}

/// What a transport hands the session.
pub(crate) enum Incoming {
    Message(Value),
    /// stdout (stdio) reached its end.
    Eof,
    Failed(McpError),
}

/// One line or event of text -> JSON-RPC messages (a batch is flattened).
pub(crate) fn parse_message(text: &str) -> Result<Vec<Value>> {
    let not_rpc = || {
        let short: String = text.chars().take(80).collect();
        McpError::new(format!(
            "the server wrote something that is not a JSON-RPC message: `{short}`{}",
            if text.chars().count() > 80 { "..." } else { "" }
        ))
        .hint("a stdio server must write only JSON-RPC messages on stdout (logs go to stderr)")
    };
    let value: Value = serde_json::from_str(text).map_err(|_| not_rpc())?;
    let list = match value {
        Value::Array(items) => items,
        v => vec![v],
    };
    if list.iter().all(|m| m.is_object()) {
        Ok(list)
    } else {
        Err(not_rpc())
    }
}

/// How to connect.
impl std::fmt::Debug for ConnectOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectOptions")
            .field("timeout", &self.timeout)
            .field("cwd", &self.cwd)
            .field("retry_attempts", &self.retry_attempts)
            .field("trace", &self.trace)
            .field("handler", &self.handler.is_some())
            .field("client_capabilities", &self.client_capabilities)
            .field("auth", &self.auth.is_some())
            .finish()
    }
}

#[derive(Clone)]
pub struct ConnectOptions {
    /// Covers the start and the handshake, then each request on its own.
    pub timeout: Duration,
    /// Where stdio servers run (the folder of `.mcp.json`).
    pub cwd: PathBuf,
    /// Retries of a start failure (not of a timeout), with backoff.
    pub retry_attempts: u32,
    /// Where to tell what the client does (`-v`, `-vv`); the client prints nothing itself.
    pub trace: Option<Trace>,
    /// What to do with the server's notifications and requests (none: dropped, and -32601).
    pub handler: Option<Arc<dyn Handler>>,
    /// The `capabilities` sent in `initialize` (`{"sampling": {}, "roots": {}}` ...): what the
    /// handler can answer. None by default.
    pub client_capabilities: Value,
    /// Who gives HTTP requests their `Authorization` header and answers a 401/403 (OAuth).
    pub auth: Option<Arc<dyn auth::Authorizer>>,
    /// Never try 2026-07-28 (`server/discover`): `initialize` only.
    pub legacy_only: bool,
    /// Over Streamable HTTP up to 2025-11-25, open the stream on which a server sends what is
    /// not the answer to a request (`GET`): some servers send their requests (elicitation)
    /// only there. Off by default.
    pub server_stream: bool,
}

impl ConnectOptions {
    pub fn new(cwd: PathBuf, timeout: Duration) -> Self {
        ConnectOptions {
            timeout,
            cwd,
            retry_attempts: 0,
            trace: None,
            handler: None,
            client_capabilities: json!({}),
            auth: None,
            legacy_only: false,
            server_stream: false,
        }
    }

    /// The same options, listening to the server's own stream (see `server_stream`).
    pub fn with_server_stream(mut self) -> Self {
        self.server_stream = true;
        self
    }

    /// The same options, speaking only the versions of `initialize` (up to 2025-11-25).
    pub fn legacy_only(mut self) -> Self {
        self.legacy_only = true;
        self
    }

    /// The same options, announcing `capabilities` to the server in `initialize`.
    pub fn with_client_capabilities(mut self, capabilities: Value) -> Self {
        self.client_capabilities = capabilities;
        self
    }

    /// The same options, with `handler` receiving the server's notifications and requests.
    pub fn with_handler(mut self, handler: Arc<dyn Handler>) -> Self {
        self.handler = Some(handler);
        self
    }

    /// The same options, with `auth` signing HTTP requests in.
    pub fn with_auth(mut self, auth: Option<Arc<dyn auth::Authorizer>>) -> Self {
        self.auth = auth;
        self
    }

    /// The same options, telling `trace` what the client does.
    pub fn with_trace(mut self, trace: Option<Trace>) -> Self {
        self.trace = trace;
        self
    }
}

/// A sink for lines that say what the client does, one call a line, with secrets already
/// masked. Level 1: each server started (its command line, env values masked) or contacted
/// (its URL as written, header values masked). Level 2: each JSON-RPC message sent (`->`) and
/// received (`<-`), cut to [`Trace::SHORT`] characters. Level 3: whole messages.
#[derive(Clone)]
pub struct Trace {
    level: u8,
    sink: Arc<dyn Fn(&str) + Send + Sync>,
}

impl std::fmt::Debug for Trace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Trace").field("level", &self.level).finish()
    }
}

impl Trace {
    /// How much of a message level 2 shows.
    pub const SHORT: usize = 200;

    pub fn new(level: u8, sink: impl Fn(&str) + Send + Sync + 'static) -> Self {
        Trace {
            level,
            sink: Arc::new(sink),
        }
    }

    fn line(&self, text: &str) {
        (self.sink)(text)
    }
}

/// The trace of one server's session: its name and the values to mask.
#[derive(Clone)]
struct Tracer {
    trace: Trace,
    server: String,
    secrets: Arc<Vec<String>>,
}

impl Tracer {
    fn mask(&self, text: &str) -> String {
        let mut out = text.to_string();
        for secret in self.secrets.iter() {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), "****");
            }
        }
        out
    }

    fn event(&self, text: &str) {
        self.trace
            .line(&format!("[{}] {}", self.server, self.mask(text)));
    }

    /// An event shown from level 2 (`-vv`) on.
    fn detail(&self, text: &str) {
        if self.trace.level >= 2 {
            self.event(text);
        }
    }

    fn message(&self, arrow: &str, msg: &Value) {
        if self.trace.level < 2 {
            return;
        }
        let text = self.mask(&serde_json::to_string(msg).unwrap_or_default());
        let shown = if self.trace.level >= 3 || text.chars().count() <= Trace::SHORT {
            text
        } else {
            let cut: String = text.chars().take(Trace::SHORT).collect();
            format!("{cut}... ({} bytes)", text.len())
        };
        self.trace
            .line(&format!("[{}] {arrow} {shown}", self.server));
    }
}

/// The values a trace must never show for `server`: every value a `${VAR}` in its command,
/// args, env, headers or URL expands to, the literal value of every env key that looks secret
/// (`API_KEY`, `GITHUB_TOKEN`), and every header value (whole, and its last word: the token
/// after `Bearer`). Other literal env values (`DEBUG=true`) are in `.mcp.json` for anyone to
/// read, and masking them would hide ordinary words of the traffic.
fn secrets_of(server: &Server, resolver: &EnvResolver) -> Vec<String> {
    let expanded = std::cell::RefCell::new(Vec::new());
    let written = server
        .env
        .iter()
        .chain(&server.headers)
        .map(|(_, v)| v.as_str())
        .chain(server.url.as_deref())
        .chain(server.args.iter().map(String::as_str))
        .chain(server.command.as_deref());
    for value in written {
        let _ = crate::config::expand(value, &server.name, |name| {
            let v = resolver.get(name)?;
            if let Some(v) = &v {
                expanded.borrow_mut().push(v.clone());
            }
            Ok(v)
        });
    }
    let mut found = expanded.into_inner();
    let secret_env = server
        .env
        .iter()
        .filter(|(k, _)| crate::config::secret::looks_secret(k));
    for (_, v) in secret_env.chain(&server.headers) {
        if let Ok(v) = resolver.expand(v, &server.name) {
            if let Some(word) = v.split_whitespace().last() {
                found.push(word.to_string());
            }
            found.push(v);
        }
    }
    // Short values would mask ordinary words; longest first, so a value is masked whole.
    found.retain(|v| v.chars().count() >= 4);
    found.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    found.dedup();
    found
}

fn tracer(server: &Server, resolver: &EnvResolver, opts: &ConnectOptions) -> Option<Tracer> {
    let trace = opts.trace.clone().filter(|t| t.level > 0)?;
    Some(Tracer {
        trace,
        server: server.name.clone(),
        secrets: Arc::new(secrets_of(server, resolver)),
    })
}

/// `KEY=**** OTHER=****` / `Name: ****, Other: ****`: names shown, values never.
fn masked_pairs(pairs: &[(String, String)], sep: &str, join: &str) -> String {
    pairs
        .iter()
        .map(|(k, _)| format!("{k}{sep}****"))
        .collect::<Vec<_>>()
        .join(join)
}

/// A live connection to one server, after the handshake: a cheap handle (clone it freely)
/// that many tasks use at once, each request with its own id, answer and timeout. The server's
/// processes end with [`Session::shutdown`], or when the last handle is dropped.
#[derive(Clone)]
pub struct Session {
    core: Arc<Core>,
    /// The values `${VAR}` expands to in this server's entry, and its secret-looking values:
    /// masked in every error the session returns (an error may quote a URL or a header).
    secrets: Arc<Vec<String>>,
    /// The version the server chose.
    pub protocol_version: String,
    /// `serverInfo` as sent (`name`, `version`, maybe `title`...).
    pub server_info: Value,
    pub capabilities: Value,
    pub instructions: Option<String>,
    /// Which transport was used in the end (`http` may fall back to `sse`).
    pub transport: Transport,
    /// The caching hints (`ttlMs`, `cacheScope`) of the first page of each list read, by method.
    hints: Arc<std::sync::Mutex<std::collections::HashMap<String, Value>>>,
}

/// Starts or reaches a server and does the handshake, within `opts.timeout`; start failures are
/// retried `opts.retry_attempts` times with backoff. `${VAR}` in env and headers is expanded
/// here with `resolver`.
pub async fn connect(
    server: &Server,
    resolver: &EnvResolver,
    opts: &ConnectOptions,
) -> Result<Session> {
    let secrets = Arc::new(secrets_of(server, resolver));
    let mut attempt = 0;
    loop {
        let once = connect_once(server, resolver, opts, secrets.clone());
        // A sign-in during the handshake waits for the user on its own, longer limit.
        match within(opts.timeout, opts.auth.as_deref(), once).await {
            Some(Ok(s)) => return Ok(s),
            Some(Err(e)) if e.retryable && attempt < opts.retry_attempts => {
                attempt += 1;
                tokio::time::sleep(Duration::from_millis(250 << attempt.min(6))).await;
            }
            Some(Err(e)) => return Err(e.masked(&secrets)),
            None => {
                return Err(McpError::new(format!(
                    "timed out after {} while waiting for `initialize`",
                    secs(opts.timeout)
                ))
                .timed_out()
                .hint("a server's first start can be slow (npx, uvx download it): try a larger `--timeout`"));
            }
        }
    }
}

/// Runs `fut` within `timeout`, not counting the time `auth` spent waiting for the user to sign
/// in at a browser meanwhile (that wait has its own limit); `None`: it timed out.
pub(crate) async fn within<F: std::future::Future>(
    timeout: Duration,
    auth: Option<&dyn auth::Authorizer>,
    fut: F,
) -> Option<F::Output> {
    let waited = || auth.map_or(Duration::ZERO, |a| a.waited());
    let (start, before) = (tokio::time::Instant::now(), waited());
    let mut fut = std::pin::pin!(fut);
    let mut paused = Duration::ZERO;
    loop {
        match tokio::time::timeout_at(start + timeout + paused, &mut fut).await {
            Ok(out) => return Some(out),
            Err(_) => {
                let now = waited().saturating_sub(before);
                if now <= paused {
                    return None;
                }
                paused = now;
            }
        }
    }
}

fn expand_pairs(
    pairs: &[(String, String)],
    resolver: &EnvResolver,
    server: &str,
) -> Result<Vec<(String, String)>> {
    pairs
        .iter()
        .map(|(k, v)| {
            resolver
                .expand(v, server)
                .map(|v| (k.clone(), v))
                .map_err(|e| {
                    McpError::new(e.to_string())
                        .hint("set it in the environment or in the project's `.env`")
                })
        })
        .collect()
}

async fn connect_once(
    server: &Server,
    resolver: &EnvResolver,
    opts: &ConnectOptions,
    secrets: Arc<Vec<String>>,
) -> Result<Session> {
    let inbox = Inbox::new();
    let tracer = tracer(server, resolver, opts);
    let link = match server.transport {
        Transport::Stdio => {
            let env = expand_pairs(&server.env, resolver, &server.name)?;
            let program = server
                .command
                .as_deref()
                .filter(|c| !c.is_empty())
                .ok_or_else(|| {
                    McpError::new(format!("server `{}` has no `command`", server.name))
                })?;
            if let Some(t) = &tracer {
                let line = std::iter::once(program).chain(server.args.iter().map(String::as_str));
                let mut text = format!(
                    "run `{}` in `{}`",
                    shell_words::join(line),
                    opts.cwd.display()
                );
                if !server.env.is_empty() {
                    text.push_str(&format!(" with {}", masked_pairs(&server.env, "=", " ")));
                }
                t.event(&text);
            }
            let expand = |value: &str| {
                resolver.expand(value, &server.name).map_err(|e| {
                    McpError::new(e.to_string())
                        .hint("set it in the environment or in the project's `.env`")
                })
            };
            let program = expand(program)?;
            let args = server
                .args
                .iter()
                .map(|a| expand(a))
                .collect::<Result<Vec<_>>>()?;
            Link::Stdio(stdio::StdioLink::spawn(
                &program,
                &args,
                &env,
                &opts.cwd,
                inbox.clone(),
            )?)
        }
        Transport::Http | Transport::Sse => {
            let headers = expand_pairs(&server.headers, resolver, &server.name)?;
            let url = server
                .url
                .as_deref()
                .ok_or_else(|| McpError::new(format!("server `{}` has no `url`", server.name)))?;
            if let Some(t) = &tracer {
                let kind = if server.transport == Transport::Sse {
                    "sse"
                } else {
                    "http"
                };
                let mut text = format!("connect `{url}` ({kind})");
                if !server.headers.is_empty() {
                    text.push_str(&format!(
                        " with {}",
                        masked_pairs(&server.headers, ": ", ", ")
                    ));
                }
                t.event(&text);
            }
            let url = resolver
                .expand(url, &server.name)
                .map_err(|e| McpError::new(e.to_string()))?;
            if server.transport == Transport::Sse {
                Link::Sse(http::SseLink::open(&url, &headers, inbox.clone()).await?)
            } else {
                let link = Link::Http(http::HttpLink::new(
                    &url,
                    &headers,
                    inbox.clone(),
                    opts.auth.clone(),
                )?);
                let first = handshake(
                    link,
                    inbox,
                    opts,
                    Transport::Http,
                    tracer.clone(),
                    secrets.clone(),
                );
                match first.await {
                    Ok(session) => return Ok(session),
                    // The old protocol answers the Streamable HTTP POST with a 4xx: fall back.
                    Err(e) if matches!(e.http_status, Some(400 | 404 | 405)) => {
                        let inbox = Inbox::new();
                        let link = match http::SseLink::open(&url, &headers, inbox.clone()).await {
                            Ok(l) => l,
                            Err(_) => return Err(e),
                        };
                        if let Some(t) = &tracer {
                            t.event("no Streamable HTTP here: trying the legacy SSE transport");
                        }
                        return handshake(
                            Link::Sse(link),
                            inbox,
                            opts,
                            Transport::Sse,
                            tracer.clone(),
                            secrets,
                        )
                        .await;
                    }
                    Err(e) => return Err(e),
                }
            }
        }
    };
    handshake(link, inbox, opts, server.transport, tracer, secrets).await
}

/// Starts the session over `link` and does the handshake: over HTTP a 2026-07-28 request first
/// (`server/discover`), then `initialize` when the server answers as an older one does (a 4xx
/// without one of the revision's own errors, or another JSON-RPC error); over stdio `initialize`
/// first, and `server/discover` when the server refuses it (a 2026-07-28-only server), so that
/// no older server ever sees a request before its `initialize`.
async fn handshake(
    link: Link,
    inbox: Inbox,
    opts: &ConnectOptions,
    transport: Transport,
    tracer: Option<Tracer>,
    secrets: Arc<Vec<String>>,
) -> Result<Session> {
    let core = Core::start(link, inbox, opts.timeout, opts.handler.clone(), tracer);
    let http = matches!(core.link, Link::Http(_));
    if http
        && !opts.legacy_only
        && let Some(found) = discover(&core, &opts.client_capabilities).await?
    {
        return Ok(modern_session(core, secrets, found, transport));
    }
    let result = match initialize(&core, &opts.client_capabilities, opts.server_stream).await {
        Ok(r) => r,
        Err(e)
            if !http
                && !opts.legacy_only
                && (e.rpc.is_some() || e.message.starts_with("unsupported protocol")) =>
        {
            match discover(&core, &opts.client_capabilities).await {
                Ok(Some(found)) => return Ok(modern_session(core, secrets, found, transport)),
                _ => return Err(e),
            }
        }
        Err(e) => return Err(e),
    };
    let protocol_version = result
        .get("protocolVersion")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    Ok(Session {
        core,
        secrets,
        protocol_version,
        server_info: result.get("serverInfo").cloned().unwrap_or(Value::Null),
        capabilities: result.get("capabilities").cloned().unwrap_or(json!({})),
        instructions: result
            .get("instructions")
            .and_then(Value::as_str)
            .map(str::to_string),
        transport,
        hints: Default::default(),
    })
}

fn modern_session(
    core: Arc<Core>,
    secrets: Arc<Vec<String>>,
    found: Value,
    transport: Transport,
) -> Session {
    let server_info = found
        .get("_meta")
        .and_then(|m| m.get(modern::META_SERVER))
        .or_else(|| found.get("serverInfo"))
        .cloned()
        .unwrap_or(Value::Null);
    Session {
        core,
        secrets,
        protocol_version: modern::MODERN_VERSION.to_string(),
        server_info,
        capabilities: found.get("capabilities").cloned().unwrap_or(json!({})),
        instructions: found
            .get("instructions")
            .and_then(Value::as_str)
            .map(str::to_string),
        transport,
        hints: Default::default(),
    }
}

/// `server/discover` the 2026-07-28 way: `Some(result)` when the server speaks the revision
/// (after a retry when it first refuses the version but lists it), `None` when it is an older
/// server (its own error, or over HTTP a 400/404/405 without one of the revision's errors, or a
/// 5xx: an older server that fails on a method it does not know).
async fn discover(core: &Arc<Core>, capabilities: &Value) -> Result<Option<Value>> {
    let modern_link = |on: bool| {
        if let Link::Http(h) = &core.link {
            h.set_modern(on);
            if on {
                h.set_protocol_version(modern::MODERN_VERSION);
            } else {
                h.clear_protocol_version();
            }
        }
    };
    core.set_meta(Some(modern::request_meta(capabilities)));
    modern_link(false);
    if let Link::Http(h) = &core.link {
        h.set_protocol_version(modern::MODERN_VERSION);
    }
    let lists_modern = |v: Option<&Value>| {
        v.and_then(Value::as_array)
            .is_some_and(|l| l.iter().any(|x| x.as_str() == Some(modern::MODERN_VERSION)))
    };
    for _ in 0..2 {
        match core
            .call("server/discover", json!({}), CallOptions::default())
            .await
        {
            Ok(result) => {
                if result.get("supportedVersions").is_none()
                    || lists_modern(result.get("supportedVersions"))
                {
                    modern_link(true);
                    return Ok(Some(result));
                }
                break;
            }
            Err(RpcError::Server { code, data, .. })
                if code == modern::UNSUPPORTED_VERSION
                    && lists_modern(data.as_ref().and_then(|d| d.get("supported"))) =>
            {
                continue;
            }
            Err(RpcError::Server { code, .. }) if code == modern::UNSUPPORTED_VERSION => break,
            Err(e @ RpcError::Server { code, .. }) if modern::is_modern_error(code) => {
                return Err(e.into_mcp("server/discover"));
            }
            Err(RpcError::Server { .. }) => break,
            // An older server may answer a method it does not know with any 4xx of these, or
            // fail on it (a 5xx): `initialize` decides.
            Err(RpcError::Transport(e))
                if matches!(
                    e.http_status,
                    Some(400 | 404 | 405 | 406 | 415 | 422 | 500..=599)
                ) =>
            {
                break;
            }
            Err(RpcError::Transport(e)) => return Err(e),
        }
    }
    core.set_meta(None);
    modern_link(false);
    Ok(None)
}

/// `initialize` (newest version first, an older one when the server says which it supports),
/// then `notifications/initialized` (and over HTTP, with `server_stream`, the server's own
/// stream opened); the server's answer.
async fn initialize(core: &Arc<Core>, capabilities: &Value, server_stream: bool) -> Result<Value> {
    let mut offer = PROTOCOL_VERSIONS[0].to_string();
    for _ in 0..2 {
        let mut params = initialize_params(&offer);
        params["capabilities"] = capabilities.clone();
        match core
            .call("initialize", params, CallOptions::default())
            .await
        {
            Ok(result) => {
                let chosen = result
                    .get("protocolVersion")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                if !PROTOCOL_VERSIONS.contains(&chosen) {
                    return Err(McpError::new(format!(
                        "unsupported protocol version `{chosen}`: aimcp speaks {}",
                        PROTOCOL_VERSIONS.join(", ")
                    ))
                    .hint("update aimcp, or use a server version that speaks one of these"));
                }
                if let Link::Http(h) = &core.link {
                    h.set_protocol_version(chosen);
                }
                core.notify("notifications/initialized", None).await?;
                if let (Link::Http(h), true) = (&core.link, server_stream) {
                    h.listen().await;
                }
                return Ok(result);
            }
            Err(RpcError::Server { data, .. })
                if data
                    .as_ref()
                    .and_then(|d| d.get("supported"))
                    .and_then(Value::as_array)
                    .is_some() =>
            {
                let supported = data
                    .as_ref()
                    .and_then(|d| d.get("supported"))
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                let common = PROTOCOL_VERSIONS
                    .iter()
                    .find(|v| supported.iter().any(|s| s.as_str() == Some(v)) && **v != offer);
                match common {
                    Some(v) => offer = v.to_string(),
                    None => {
                        return Err(McpError::new(format!(
                            "unsupported protocol version: the server speaks {}, aimcp speaks {}",
                            supported
                                .iter()
                                .filter_map(Value::as_str)
                                .collect::<Vec<_>>()
                                .join(", "),
                            PROTOCOL_VERSIONS.join(", ")
                        )));
                    }
                }
            }
            Err(e) => return Err(e.into_mcp("initialize")),
        }
    }
    Err(McpError::new(
        "the server refused every protocol version aimcp offered",
    ))
}

impl Session {
    /// A request whose failure is reported in a user's words.
    pub async fn request(&self, method: &str, params: Value) -> Result<Value> {
        self.request_with(method, params, CallOptions::default())
            .await
    }

    /// Like [`Session::request`], with per-request options.
    pub async fn request_with(
        &self,
        method: &str,
        params: Value,
        opts: CallOptions,
    ) -> Result<Value> {
        let mut sent = params.clone();
        for _ in 0..MAX_INPUT_ROUNDS {
            let result = self
                .core
                .call(method, sent, opts.clone())
                .await
                .map_err(|e| e.into_mcp(method).masked(&self.secrets))?;
            // A result without `resultType` is complete (2026-07-28).
            if opts.keep_input_required
                || result.get("resultType").and_then(Value::as_str) != Some("input_required")
            {
                return Ok(result);
            }
            let responses = self.answer_inputs(method, &result).await?;
            sent = params.clone();
            if !sent.is_object() {
                sent = json!({});
            }
            sent["inputResponses"] = Value::Object(responses);
            if let Some(state) = result.get("requestState") {
                sent["requestState"] = state.clone();
            }
        }
        Err(McpError::new(format!(
            "`{method}`: the server asked for input {MAX_INPUT_ROUNDS} times in a row"
        )))
    }

    /// The answers to an `input_required` result's `inputRequests`, by their keys, from the
    /// handler (an elicitation without one is declined).
    async fn answer_inputs(
        &self,
        method: &str,
        result: &Value,
    ) -> Result<serde_json::Map<String, Value>> {
        let mut out = serde_json::Map::new();
        let Some(Value::Object(asks)) = result.get("inputRequests") else {
            return Ok(out);
        };
        for (key, ask) in asks {
            let what = ask.get("method").and_then(Value::as_str).unwrap_or("");
            let params = ask.get("params").cloned().unwrap_or_else(|| json!({}));
            let answer = match self.core.handler() {
                Some(h) => h.request(what, params).await.ok(),
                None => None,
            };
            let answer = match (answer, what) {
                (Some(a), _) => a,
                (None, "elicitation/create") => json!({"action": "decline"}),
                (None, _) => {
                    return Err(McpError::new(format!(
                        "`{method}`: the server asked for `{what}`, which aimcp cannot answer here"
                    )));
                }
            };
            out.insert(key.clone(), answer);
        }
        Ok(out)
    }

    /// A notification to the server (`notifications/roots/list_changed` ...).
    pub async fn notify(&self, method: &str, params: Value) -> Result<()> {
        self.core
            .notify(method, Some(params))
            .await
            .map_err(|e| e.masked(&self.secrets))
    }

    /// Resolves once the link has ended (EOF, crash, HTTP failure, shutdown), with why.
    pub fn closed(&self) -> impl std::future::Future<Output = McpError> + Send + 'static {
        let mut rx = self.core.subscribe();
        let secrets = self.secrets.clone();
        async move {
            let e = match rx.wait_for(Option::is_some).await {
                Ok(e) => e
                    .clone()
                    .unwrap_or_else(|| McpError::new("the session ended")),
                Err(_) => McpError::new("the session ended"),
            };
            e.masked(&secrets)
        }
    }

    /// Whether the link has ended.
    pub fn is_closed(&self) -> bool {
        self.core.closed_error().is_some()
    }

    /// The process group of a stdio server.
    pub fn process_group(&self) -> Option<i32> {
        self.core.link.process_group()
    }

    /// `ping`.
    pub async fn ping(&self) -> Result<()> {
        // 2026-07-28 has no `ping`: `server/discover` is its cheapest request.
        let method = if self.is_modern() {
            "server/discover"
        } else {
            "ping"
        };
        self.request(method, json!({})).await.map(|_| ())
    }

    /// Every page of a list (`tools/list`, ...): the items under `key`. A cursor that repeats is
    /// an error.
    pub async fn list_all(&self, method: &str, key: &str) -> Result<Vec<Value>> {
        let mut items = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut cursor: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let params = match &cursor {
                Some(c) => json!({"cursor": c}),
                None => json!({}),
            };
            let result = self.request(method, params).await?;
            if cursor.is_none() {
                let mut hint = serde_json::Map::new();
                for k in ["ttlMs", "cacheScope"] {
                    if let Some(v) = result.get(k) {
                        hint.insert(k.to_string(), v.clone());
                    }
                }
                if !hint.is_empty() {
                    self.hints
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .insert(method.to_string(), Value::Object(hint));
                }
            }
            match result.get(key) {
                Some(Value::Array(list)) => items.extend(list.iter().cloned()),
                None | Some(Value::Null) => {}
                Some(_) => {
                    return Err(McpError::new(format!(
                        "`{method}`: `{key}` in the answer is not a list"
                    )));
                }
            }
            match result.get("nextCursor").and_then(Value::as_str) {
                Some(c) if !c.is_empty() => {
                    if !seen.insert(c.to_string()) {
                        return Err(McpError::new(format!(
                            "`{method}`: the server sent the cursor `{c}` twice (it would never end)"
                        )));
                    }
                    cursor = Some(c.to_string());
                }
                _ => return Ok(items),
            }
        }
        Err(McpError::new(format!(
            "`{method}`: more than {MAX_PAGES} pages"
        )))
    }

    /// Every tool, as sent. Over 2026-07-28's HTTP a tool whose `x-mcp-header`s break the
    /// revision's rules is left out (the revision says so), and the others' are kept for their
    /// calls' `Mcp-Param-*` headers.
    pub async fn list_tools(&self) -> Result<Vec<Value>> {
        let mut tools = self.list_all("tools/list", "tools").await?;
        if let (true, Link::Http(h)) = (self.is_modern(), &self.core.link) {
            tools.retain(|tool| {
                let name = tool.get("name").and_then(Value::as_str).unwrap_or("");
                let schema = tool.get("inputSchema").cloned().unwrap_or(Value::Null);
                match modern::param_headers(&schema) {
                    Ok(headers) => {
                        h.set_param_headers(name, headers);
                        true
                    }
                    Err(why) => {
                        self.core
                            .trace_event(&format!("tool `{name}` left out: {why}"));
                        false
                    }
                }
            });
        }
        Ok(tools)
    }

    /// Whether the session speaks 2026-07-28 (no `initialize`, `_meta` on every request).
    pub fn is_modern(&self) -> bool {
        self.core.is_modern()
    }

    /// The caching hints of a list's first page (`{"ttlMs": .., "cacheScope": ..}`), if sent.
    pub fn cache_hints(&self, method: &str) -> Option<Value> {
        self.hints
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(method)
            .cloned()
    }

    /// Whether the server advertised a capability (`tools`, `prompts`, `resources`).
    pub fn has_capability(&self, name: &str) -> bool {
        self.capabilities
            .get(name)
            .is_some_and(|c| !c.is_null() && c != &Value::Bool(false))
    }

    /// `tools/call`: the whole result (`content`, `structuredContent`, `isError`).
    pub async fn call_tool(
        &self,
        name: &str,
        arguments: serde_json::Map<String, Value>,
    ) -> Result<Value> {
        // Over 2026-07-28's HTTP, a call mirrors its tool's `x-mcp-header` parameters: read
        // them first when the tools are not listed yet.
        if let (true, Link::Http(h)) = (self.is_modern(), &self.core.link)
            && !h.knows_tool(name)
        {
            self.list_tools().await?;
            if !h.knows_tool(name) {
                // Not listed, or left out for its `x-mcp-header`s: never called.
                let message = format!("tool `{name}` is not in the server's list");
                let mut err = McpError::new(message.clone());
                err.rpc = Some(Box::new(RpcFailure {
                    code: -32602,
                    message,
                    data: None,
                }));
                return Err(err);
            }
        }
        self.request(
            "tools/call",
            json!({"name": name, "arguments": Value::Object(arguments)}),
        )
        .await
    }

    /// The server's name and version from `serverInfo`.
    pub fn server_name_version(&self) -> (Option<String>, Option<String>) {
        let get = |k: &str| {
            self.server_info
                .get(k)
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        (get("name"), get("version"))
    }

    /// Ends the connection (idempotent): closes stdin and ends the process group (stdio),
    /// `DELETE`s the session (HTTP), drops the event stream (SSE).
    pub async fn shutdown(&self) {
        self.core.shutdown().await;
    }
}

enum RpcError {
    Transport(McpError),
    Server {
        code: i64,
        message: String,
        data: Option<Value>,
    },
}

impl RpcError {
    fn into_mcp(self, method: &str) -> McpError {
        match self {
            RpcError::Transport(e) => e,
            RpcError::Server {
                code,
                message,
                data,
            } => {
                let mut err = McpError::new(format!(
                    "the server answered `{method}` with error {code}: {message}"
                ));
                err.rpc = Some(Box::new(RpcFailure {
                    code,
                    message,
                    data,
                }));
                err
            }
        }
    }
}

/// Runs `fut` on a fresh runtime with the Ctrl-C/SIGTERM handler installed, then makes sure no
/// server process is left before returning. Only commands that talk to servers build a runtime.
pub fn block_on<F: std::future::Future>(fut: F) -> F::Output {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("cannot start the async runtime");
    let out = runtime.block_on(async {
        procs::install_signal_handler();
        fut.await
    });
    runtime.shutdown_timeout(Duration::from_secs(1));
    procs::kill_all();
    out
}

/// Milliseconds since `start`.
pub fn elapsed_ms(start: Instant) -> u64 {
    start.elapsed().as_millis() as u64
}

#[cfg(test)]
mod rmcp_model_tests {
    use super::*;

    #[test]
    fn a_trace_masks_expansions_secret_env_values_and_headers_only() {
        let mut server = Server::stdio(
            "s",
            "node",
            vec!["--token=${ARG_TOKEN}".into(), "--flag".into()],
        );
        server.env = vec![
            ("API_KEY".into(), "literal-key-123".into()),
            ("FROM_VAR".into(), "${SOME_VAR}".into()),
            ("DEBUG".into(), "true".into()),
            ("DEFAULTED".into(), "${UNSET_VAR:-fallback}".into()),
        ];
        server.headers = vec![("Authorization".into(), "Bearer ${TOKEN}".into())];
        let resolver = EnvResolver::environment_only().with_overrides([
            ("ARG_TOKEN".to_string(), "arg-secret-1".to_string()),
            ("SOME_VAR".to_string(), "var-secret-2".to_string()),
            ("TOKEN".to_string(), "hdr-secret-3".to_string()),
        ]);
        let secrets = secrets_of(&server, &resolver);
        assert_eq!(
            secrets,
            [
                "Bearer hdr-secret-3",
                "literal-key-123",
                "arg-secret-1",
                "hdr-secret-3",
                "var-secret-2",
            ]
        );
        let tracer = Tracer {
            trace: Trace::new(2, |_| {}),
            server: "s".into(),
            secrets: Arc::new(secrets),
        };
        assert_eq!(
            tracer.mask(r#"{"debug":true,"auth":"Bearer hdr-secret-3","k":"literal-key-123"}"#),
            r#"{"debug":true,"auth":"****","k":"****"}"#
        );
    }

    #[test]
    fn a_json_rpc_error_keeps_its_code_and_data_as_values() {
        let err = RpcError::Server {
            code: -32601,
            message: "Method not found".into(),
            data: Some(json!({"method": "ping"})),
        }
        .into_mcp("ping");
        assert!(err.is_method_not_found());
        assert_eq!(
            err.rpc.as_deref(),
            Some(&RpcFailure {
                code: -32601,
                message: "Method not found".into(),
                data: Some(json!({"method": "ping"})),
            })
        );
        assert_eq!(
            err.message,
            "the server answered `ping` with error -32601: Method not found"
        );
        // A transport failure has no JSON-RPC code, whatever its text says.
        let err = RpcError::Transport(McpError::new("error -32601")).into_mcp("ping");
        assert!(!err.is_method_not_found());
        assert_eq!(err.rpc_code(), None);
    }

    #[test]
    fn initialize_params_follow_the_spec() {
        let p = initialize_params("2025-06-18");
        assert_eq!(p["protocolVersion"], "2025-06-18");
        assert_eq!(p["clientInfo"]["name"], "aimcp");
        assert_eq!(p["clientInfo"]["version"], env!("CARGO_PKG_VERSION"));
        assert!(p["capabilities"].is_object());
    }

    #[test]
    fn every_version_offered_is_one_rmcp_knows() {
        use rmcp::model::ProtocolVersion;
        let known = [
            ProtocolVersion::V_2025_11_25,
            ProtocolVersion::V_2025_06_18,
            ProtocolVersion::V_2025_03_26,
            ProtocolVersion::V_2024_11_05,
        ];
        for v in PROTOCOL_VERSIONS {
            assert!(known.iter().any(|k| k.as_str() == *v), "{v}");
        }
    }
}

#[cfg(test)]
mod session_tests {
    use super::*;

    #[test]
    fn a_session_is_a_handle_many_tasks_can_hold() {
        fn handle<T: Clone + Send + Sync + 'static>() {}
        handle::<Session>();
    }
}

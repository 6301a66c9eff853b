//! Streamable HTTP (POST each message; the answer is JSON or an SSE stream; `Mcp-Session-Id`;
//! `DELETE` at the end) and the legacy HTTP+SSE transport (GET an event stream, wait for its
//! `endpoint` event, POST messages there, read answers from the stream).

use reqwest::header::{
    ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, WWW_AUTHENTICATE,
};
use std::sync::Mutex;

use reqwest::{Client, Response, StatusCode, Url};
use serde_json::Value;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::error::{McpError, Result};
use super::modern::{self, ParamHeader};
use super::rpc::Inbox;
use super::{Incoming, MAX_MESSAGE, human_size};

fn client() -> Result<Client> {
    Client::builder()
        .build()
        .map_err(|e| McpError::new(format!("cannot set up HTTP: {e}")))
}

fn parse_url(url: &str) -> Result<Url> {
    Url::parse(url).map_err(|e| McpError::new(format!("invalid URL `{url}`: {e}")))
}

fn header_map(headers: &[(String, String)]) -> Result<HeaderMap> {
    let mut map = HeaderMap::new();
    for (k, v) in headers {
        let name = HeaderName::from_bytes(k.as_bytes())
            .map_err(|_| McpError::new(format!("invalid header name `{k}`")))?;
        let value = HeaderValue::from_str(v)
            .map_err(|_| McpError::new(format!("invalid value for header `{k}`")))?;
        map.append(name, value);
    }
    Ok(map)
}

fn send_error(url: &Url, e: reqwest::Error) -> McpError {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        text = format!("{text}: {s}");
        source = s.source();
    }
    let err = McpError::new(format!("cannot reach `{url}`: {text}"));
    if e.is_connect() {
        err.retryable()
            .hint("check that the server is running and the URL is right")
    } else {
        err
    }
}

/// An HTTP status that is not success, in a user's words.
async fn status_error(url: &Url, resp: Response) -> McpError {
    let status = resp.status();
    let body = read_capped(resp, 4096).await.unwrap_or_default();
    status_text_error(url, status, &body)
}

/// The JSON-RPC error of a 2026-07-28 refusal (`400`/`404` with one of the revision's own
/// error codes, for the request `sent`), as the message to route; `None` for anything else
/// (an older server's 4xx, which means "fall back").
fn modern_refusal(body: &[u8], sent: &Value, modern_session: bool) -> Option<Value> {
    let answer: Value = serde_json::from_slice(body).ok()?;
    let code = answer.get("error")?.get("code")?.as_i64()?;
    let id = sent.get("id")?;
    let same = answer.get("id") == Some(id) || answer.get("id").is_none_or(Value::is_null);
    if !same || !(modern_session || modern::is_modern_error(code)) {
        return None;
    }
    let mut answer = answer;
    answer["id"] = id.clone();
    Some(answer)
}

fn status_text_error(url: &Url, status: StatusCode, body: &[u8]) -> McpError {
    let body = String::from_utf8_lossy(body);
    let body = body.trim();
    let mut message = format!("HTTP {} from `{url}`", status.as_u16());
    if !body.is_empty() && !body.starts_with('<') {
        let short: String = body.chars().take(200).collect();
        message = format!("{message}: {}", short.replace('\n', " "));
    }
    let mut err = McpError::new(message);
    err.http_status = Some(status.as_u16());
    match status {
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => err.hint(
            "the server wants credentials: add a header in `.mcp.json`, e.g. \
             `\"headers\": {\"Authorization\": \"Bearer ${TOKEN}\"}` (or `--header` with `--url`)",
        ),
        StatusCode::NOT_FOUND => err.hint("check the URL's path (often `/mcp`, or `/sse` for SSE)"),
        _ if status.is_server_error() => err.retryable(),
        _ => err,
    }
}

/// Reads a body up to `cap` bytes (an error beyond it).
async fn read_capped(mut resp: Response, cap: usize) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    while let Some(chunk) = resp
        .chunk()
        .await
        .map_err(|e| McpError::new(format!("cannot read the answer: {e}")))?
    {
        if out.len() + chunk.len() > cap {
            return Err(McpError::new(format!(
                "the server sent an answer larger than {}",
                human_size(cap)
            )));
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

fn is_event_stream(resp: &Response) -> bool {
    resp.headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("text/event-stream"))
}

/// Reads a server-sent-events stream one event at a time. An event over [`MAX_MESSAGE`] is an
/// error.
struct Events {
    resp: Response,
    end: StreamEnd,
    pending: Vec<u8>,
    event: String,
    data: String,
    has_data: bool,
    ready: std::collections::VecDeque<(String, String)>,
}

impl Events {
    fn new(resp: Response) -> Self {
        Events {
            resp,
            end: StreamEnd::default(),
            pending: Vec::new(),
            event: String::new(),
            data: String::new(),
            has_data: false,
            ready: Default::default(),
        }
    }

    /// The next event's name and data; `None` when the stream has ended.
    async fn next(&mut self) -> Result<Option<(String, String)>> {
        loop {
            if let Some(e) = self.ready.pop_front() {
                return Ok(Some(e));
            }
            let chunk = match self.resp.chunk().await {
                Ok(Some(c)) => c,
                Ok(None) => return Ok(None),
                Err(e) => return Err(McpError::new(format!("the event stream broke: {e}"))),
            };
            self.pending.extend_from_slice(&chunk);
            self.parse_lines();
            if self.pending.len() + self.data.len() > MAX_MESSAGE {
                return Err(McpError::new(format!(
                    "the server sent a message larger than {}",
                    human_size(MAX_MESSAGE)
                )));
            }
        }
    }

    fn parse_lines(&mut self) {
        let mut start = 0;
        while let Some(i) = self.pending[start..].iter().position(|b| *b == b'\n') {
            let raw = &self.pending[start..start + i];
            start += i + 1;
            let line = String::from_utf8_lossy(raw);
            let line = line.trim_end_matches(['\n', '\r']);
            if line.is_empty() {
                if self.has_data {
                    let name = if self.event.is_empty() {
                        "message".to_string()
                    } else {
                        std::mem::take(&mut self.event)
                    };
                    self.ready.push_back((name, std::mem::take(&mut self.data)));
                }
                self.event.clear();
                self.data.clear();
                self.has_data = false;
                continue;
            }
            if line.starts_with(':') {
                continue;
            }
            let (field, value) = match line.split_once(':') {
                Some((f, v)) => (f, v.strip_prefix(' ').unwrap_or(v)),
                None => (line, ""),
            };
            match field {
                "event" => self.event = value.to_string(),
                "id" => self.end.last_id = Some(value.to_string()),
                "retry" => self.end.retry_ms = value.trim().parse().ok(),
                "data" => {
                    if self.has_data {
                        self.data.push('\n');
                    }
                    self.data.push_str(value);
                    self.has_data = true;
                }
                _ => {}
            }
        }
        self.pending.drain(..start);
    }
}

/// How an event stream ended: the last event id and `retry` it gave, to resume it.
#[derive(Default)]
struct StreamEnd {
    last_id: Option<String>,
    retry_ms: Option<u64>,
}

/// Where to resume a Streamable HTTP answer stream that closed before its answer (`GET` with
/// `Last-Event-ID`).
struct Resume {
    client: Client,
    url: Url,
    headers: HeaderMap,
}

/// Forwards the JSON-RPC messages of an SSE answer into `tx`; a stream that ends before it carried
/// an answer, after giving an event id, is resumed with `GET` and `Last-Event-ID` after the
/// `retry` delay it asked for. `standalone`: the server's own stream (`GET`), whose failure
/// ends only that stream, not the session.
async fn forward_stream(mut resp: Response, tx: Inbox, resume: Option<Resume>, standalone: bool) {
    let mut resumes = 0;
    loop {
        let mut answered = false;
        let mut events = Events::new(resp);
        loop {
            let (event, data) = match events.next().await {
                Ok(Some(e)) => e,
                Ok(None) => break,
                Err(e) => {
                    if !standalone {
                        let _ = tx.send(Incoming::Failed(e)).await;
                    }
                    return;
                }
            };
            if event != "message" || data.trim().is_empty() {
                continue;
            }
            match super::parse_message(&data) {
                Ok(msgs) => {
                    for m in msgs {
                        answered |= m.get("method").is_none() && m.get("id").is_some();
                        if tx.send(Incoming::Message(m)).await.is_err() {
                            return;
                        }
                    }
                }
                Err(e) => {
                    if !standalone {
                        let _ = tx.send(Incoming::Failed(e)).await;
                    }
                    return;
                }
            }
        }
        let end = events.end;
        let (Some(last_id), Some(r), false) = (end.last_id, resume.as_ref(), answered) else {
            return;
        };
        if resumes >= 5 {
            return;
        }
        resumes += 1;
        let delay = end.retry_ms.unwrap_or(1000).min(30_000);
        tokio::time::sleep(std::time::Duration::from_millis(delay)).await;
        let got = r
            .client
            .get(r.url.clone())
            .headers(r.headers.clone())
            .header(ACCEPT, "text/event-stream")
            .header("last-event-id", last_id)
            .send()
            .await;
        match got {
            Ok(next) if next.status().is_success() && is_event_stream(&next) => resp = next,
            _ => return,
        }
    }
}

// ---- Streamable HTTP --------------------------------------------------------------------------

/// Many POSTs may be in flight at once (each request's answer comes back on its own POST).
pub(crate) struct HttpLink {
    client: Client,
    url: Url,
    headers: HeaderMap,
    session_id: Mutex<Option<String>>,
    protocol_version: Mutex<Option<String>>,
    tx: Inbox,
    tasks: Mutex<Vec<JoinHandle<()>>>,
    /// Gives each request its `Authorization` header and answers a 401/403 (OAuth).
    auth: Option<std::sync::Arc<dyn super::auth::Authorizer>>,
    /// 2026-07-28: the `x-mcp-header` parameters of each tool listed, by tool name.
    param_headers: Mutex<std::collections::HashMap<String, Vec<ParamHeader>>>,
    /// The server speaks 2026-07-28 (its 4xx JSON-RPC errors are answers).
    modern: std::sync::atomic::AtomicBool,
}

impl HttpLink {
    pub(crate) fn new(
        url: &str,
        headers: &[(String, String)],
        tx: Inbox,
        auth: Option<std::sync::Arc<dyn super::auth::Authorizer>>,
    ) -> Result<Self> {
        let headers = header_map(headers)?;
        Ok(HttpLink {
            // A server given its own `Authorization` header in `.mcp.json` is not signed in.
            auth: auth.filter(|_| !headers.contains_key(AUTHORIZATION)),
            client: client()?,
            url: parse_url(url)?,
            headers,
            session_id: Mutex::new(None),
            protocol_version: Mutex::new(None),
            tx,
            tasks: Mutex::new(Vec::new()),
            param_headers: Mutex::new(Default::default()),
            modern: Default::default(),
        })
    }

    /// The server speaks 2026-07-28 (or not, after a fallback).
    pub(crate) fn set_modern(&self, modern: bool) {
        self.modern
            .store(modern, std::sync::atomic::Ordering::Relaxed);
    }

    /// The `x-mcp-header` parameters of `tool`, mirrored into `Mcp-Param-*` on its calls.
    pub(crate) fn set_param_headers(&self, tool: &str, headers: Vec<ParamHeader>) {
        lock(&self.param_headers).insert(tool.to_string(), headers);
    }

    /// Whether the tools' `x-mcp-header`s are known (a `tools/list` was read).
    pub(crate) fn knows_tool(&self, tool: &str) -> bool {
        lock(&self.param_headers).contains_key(tool)
    }

    /// The request headers of 2026-07-28 for `msg`: `Mcp-Method`, `Mcp-Name`, `Mcp-Param-*`.
    fn request_headers(&self, msg: &Value) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let Some(method) = msg.get("method").and_then(Value::as_str) else {
            return out;
        };
        out.push(("Mcp-Method".to_string(), method.to_string()));
        let params = msg.get("params").cloned().unwrap_or(Value::Null);
        if let Some(name) = modern::request_name(method, &params) {
            out.push(("Mcp-Name".to_string(), name));
        }
        if method == "tools/call"
            && let Some(tool) = params.get("name").and_then(Value::as_str)
            && let Some(headers) = lock(&self.param_headers).get(tool)
        {
            let arguments = params.get("arguments").cloned().unwrap_or(Value::Null);
            out.extend(modern::param_values(headers, &arguments));
        }
        out
    }

    pub(crate) fn set_protocol_version(&self, v: &str) {
        *lock(&self.protocol_version) = Some(v.to_string());
    }

    pub(crate) fn clear_protocol_version(&self) {
        *lock(&self.protocol_version) = None;
    }

    fn session_id(&self) -> Option<String> {
        lock(&self.session_id).clone()
    }

    fn protocol_version(&self) -> Option<String> {
        lock(&self.protocol_version).clone()
    }

    pub(crate) fn authorizer(&self) -> Option<&dyn super::auth::Authorizer> {
        self.auth.as_deref()
    }

    /// The `Authorization` header the authorizer gives now, if any.
    async fn authorization(&self) -> Result<Option<HeaderValue>> {
        let Some(auth) = &self.auth else {
            return Ok(None);
        };
        Ok(auth
            .header(self.url.as_str())
            .await?
            .and_then(|h| HeaderValue::from_str(&h).ok())
            .map(|mut h| {
                h.set_sensitive(true);
                h
            }))
    }

    pub(crate) async fn send(&self, msg: &Value) -> Result<()> {
        let body = serde_json::to_vec(msg).unwrap_or_default();
        let session_id = self.session_id();
        let mut refusals = 0;
        let resp = loop {
            let mut req = self
                .client
                .post(self.url.clone())
                .headers(self.headers.clone())
                .header(ACCEPT, "application/json, text/event-stream")
                .header(CONTENT_TYPE, "application/json")
                .body(body.clone());
            if let Some(id) = &session_id {
                req = req.header("mcp-session-id", id);
            }
            if let Some(v) = self.protocol_version() {
                req = req.header("mcp-protocol-version", v);
            }
            for (k, v) in self.request_headers(msg) {
                req = req.header(k, v);
            }
            if let Some(h) = self.authorization().await? {
                req = req.header(AUTHORIZATION, h);
            }
            let resp = req.send().await.map_err(|e| send_error(&self.url, e))?;
            let status = resp.status().as_u16();
            if let (Some(auth), 401 | 403, true) = (&self.auth, status, refusals < 4) {
                let www = resp
                    .headers()
                    .get(WWW_AUTHENTICATE)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string);
                refusals += 1;
                if auth
                    .refused(self.url.as_str(), status, www.as_deref())
                    .await?
                {
                    continue;
                }
            }
            break resp;
        };
        if matches!(resp.status().as_u16(), 400 | 404) && !is_event_stream(&resp) {
            // 2026-07-28 answers a request it refuses with 400 (or 404) and a JSON-RPC error:
            // one of its own errors goes to the request's waiter like any answer.
            let status = resp.status();
            let body = read_capped(resp, 64 * 1024).await.unwrap_or_default();
            let modern_session = self.modern.load(std::sync::atomic::Ordering::Relaxed);
            if let Some(answer) = modern_refusal(&body, msg, modern_session) {
                let _ = self.tx.send(Incoming::Message(answer)).await;
                return Ok(());
            }
            let mut err = status_text_error(&self.url, status, &body);
            if err.http_status == Some(404) && session_id.is_some() {
                err.message = format!("{}: the server ended the session", err.message);
            }
            return Err(err);
        }
        if !resp.status().is_success() {
            let mut err = status_error(&self.url, resp).await;
            if err.http_status == Some(404) && session_id.is_some() {
                err.message = format!("{}: the server ended the session", err.message);
            }
            return Err(err);
        }
        if let Some(id) = resp
            .headers()
            .get("mcp-session-id")
            .and_then(|v| v.to_str().ok())
        {
            *lock(&self.session_id) = Some(id.to_string());
        }
        if resp.status() == StatusCode::ACCEPTED {
            return Ok(());
        }
        if is_event_stream(&resp) {
            let mut headers = self.headers.clone();
            if let Some(id) = self
                .session_id()
                .and_then(|v| HeaderValue::from_str(&v).ok())
            {
                headers.insert("mcp-session-id", id);
            }
            if let Some(v) = self
                .protocol_version()
                .and_then(|v| HeaderValue::from_str(&v).ok())
            {
                headers.insert("mcp-protocol-version", v);
            }
            if let Some(h) = self.authorization().await.ok().flatten() {
                headers.insert(AUTHORIZATION, h);
            }
            let resume = Resume {
                client: self.client.clone(),
                url: self.url.clone(),
                headers,
            };
            let task = tokio::spawn(forward_stream(resp, self.tx.clone(), Some(resume), false));
            let mut tasks = lock(&self.tasks);
            tasks.retain(|t| !t.is_finished());
            tasks.push(task);
            return Ok(());
        }
        let body = read_capped(resp, MAX_MESSAGE).await?;
        let text = String::from_utf8_lossy(&body);
        if text.trim().is_empty() {
            return Ok(());
        }
        for m in super::parse_message(text.trim())? {
            let _ = self.tx.send(Incoming::Message(m)).await;
        }
        Ok(())
    }

    /// Ends the session (`DELETE`, where the server gave a session id).
    /// Opens the server's own stream (`GET`, after `initialize`): what it sends there (its
    /// requests, notifications) goes to the session like any message. A server without one
    /// (405) or one that does not answer within 2 s: nothing to listen to.
    pub(crate) async fn listen(&self) {
        let mut headers = self.headers.clone();
        if let Some(id) = self
            .session_id()
            .and_then(|v| HeaderValue::from_str(&v).ok())
        {
            headers.insert("mcp-session-id", id);
        }
        if let Some(v) = self
            .protocol_version()
            .and_then(|v| HeaderValue::from_str(&v).ok())
        {
            headers.insert("mcp-protocol-version", v);
        }
        if let Some(h) = self.authorization().await.ok().flatten() {
            headers.insert(AUTHORIZATION, h);
        }
        let req = self
            .client
            .get(self.url.clone())
            .headers(headers.clone())
            .header(ACCEPT, "text/event-stream")
            .send();
        let resp = match tokio::time::timeout(std::time::Duration::from_secs(2), req).await {
            Ok(Ok(r)) if r.status().is_success() && is_event_stream(&r) => r,
            _ => return,
        };
        let resume = Resume {
            client: self.client.clone(),
            url: self.url.clone(),
            headers,
        };
        let task = tokio::spawn(forward_stream(resp, self.tx.clone(), Some(resume), true));
        let mut tasks = lock(&self.tasks);
        tasks.retain(|t| !t.is_finished());
        tasks.push(task);
    }

    pub(crate) async fn close(&self) {
        for t in lock(&self.tasks).drain(..) {
            t.abort();
        }
        let id = lock(&self.session_id).take();
        if let Some(id) = id {
            let mut req = self
                .client
                .delete(self.url.clone())
                .headers(self.headers.clone())
                .header("mcp-session-id", id);
            if let Some(v) = self.protocol_version() {
                req = req.header("mcp-protocol-version", v);
            }
            if let Some(h) = self.authorization().await.ok().flatten() {
                req = req.header(AUTHORIZATION, h);
            }
            let _ = tokio::time::timeout(std::time::Duration::from_secs(2), req.send()).await;
        }
    }
}

impl Drop for HttpLink {
    fn drop(&mut self) {
        for t in lock(&self.tasks).drain(..) {
            t.abort();
        }
    }
}

/// A lock that a panic elsewhere does not poison for good.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

// ---- legacy HTTP+SSE --------------------------------------------------------------------------

pub(crate) struct SseLink {
    client: Client,
    endpoint: Url,
    headers: HeaderMap,
    reader: JoinHandle<()>,
}

impl SseLink {
    /// Opens the event stream and waits for its `endpoint` event (the caller bounds the wait).
    pub(crate) async fn open(url: &str, headers: &[(String, String)], tx: Inbox) -> Result<Self> {
        let client = client()?;
        let base = parse_url(url)?;
        let headers = header_map(headers)?;
        let resp = client
            .get(base.clone())
            .headers(headers.clone())
            .header(ACCEPT, "text/event-stream")
            .send()
            .await
            .map_err(|e| send_error(&base, e))?;
        if !resp.status().is_success() {
            return Err(status_error(&base, resp).await);
        }
        if !is_event_stream(&resp) {
            return Err(McpError::new(format!(
                "`{base}` did not answer with an event stream (`text/event-stream`)"
            ))
            .hint("check that this is the server's SSE URL (often ending in `/sse`)"));
        }
        let (endpoint_tx, endpoint_rx) = oneshot::channel::<String>();
        let reader = tokio::spawn(async move {
            let mut endpoint_tx = Some(endpoint_tx);
            let mut events = Events::new(resp);
            let err = loop {
                let (event, data) = match events.next().await {
                    Ok(Some(e)) => e,
                    Ok(None) => {
                        break McpError::new("the server closed the event stream").retryable();
                    }
                    Err(e) => break e,
                };
                match event.as_str() {
                    "endpoint" => {
                        if let Some(t) = endpoint_tx.take() {
                            let _ = t.send(data.trim().to_string());
                        }
                    }
                    "message" => match super::parse_message(&data) {
                        Ok(msgs) => {
                            for m in msgs {
                                if tx.send(Incoming::Message(m)).await.is_err() {
                                    return;
                                }
                            }
                        }
                        Err(e) => break e,
                    },
                    _ => {}
                }
            };
            let _ = tx.send(Incoming::Failed(err)).await;
        });
        let endpoint = match endpoint_rx.await {
            Ok(e) => e,
            Err(_) => {
                reader.abort();
                return Err(McpError::new(format!(
                    "`{base}` closed the event stream before sending its `endpoint` event"
                )));
            }
        };
        let endpoint = base.join(&endpoint).map_err(|e| {
            McpError::new(format!(
                "the server sent an invalid endpoint `{endpoint}`: {e}"
            ))
        })?;
        Ok(SseLink {
            client,
            endpoint,
            headers,
            reader,
        })
    }

    pub(crate) async fn send(&self, msg: &Value) -> Result<()> {
        let resp = self
            .client
            .post(self.endpoint.clone())
            .headers(self.headers.clone())
            .header(CONTENT_TYPE, "application/json")
            .body(serde_json::to_vec(msg).unwrap_or_default())
            .send()
            .await
            .map_err(|e| send_error(&self.endpoint, e))?;
        if !resp.status().is_success() {
            return Err(status_error(&self.endpoint, resp).await);
        }
        Ok(())
    }

    pub(crate) fn close(&self) {
        self.reader.abort();
    }
}

impl Drop for SseLink {
    fn drop(&mut self) {
        self.reader.abort();
    }
}

//! The gateway's router: the [`Service`] the front calls, over the [`Pool`] of upstreams.
//!
//! - Lists: every upstream's tools and prompts, named `SERVER__NAME` by [`Names`] (and hidden
//!   by the [`Filter`]), its resources and templates as they are; aimcp's own tools first. One
//!   merged [`View`], rebuilt when an upstream comes up, goes down or changes a list, and paged
//!   with an opaque cursor.
//! - Requests: `tools/call`, `prompts/get`, `resources/read|subscribe|unsubscribe` and
//!   `completion/complete` go to the one upstream the name or URI routes to, with the params as
//!   the client sent them but for the name (and a progress token of the gateway's own, mapped
//!   back to the client's); the result or JSON-RPC error comes back unchanged.
//! - The upstreams' own messages ([`UpstreamHandler`]): `list_changed` refreshes that
//!   upstream's lists and is forwarded to every client; `notifications/message` goes to the
//!   client whose call is in flight on that upstream (else to every client); a request
//!   (sampling, elicitation, roots) goes to the client whose call is in flight there, else to the
//!   last client that said it can answer it.
//! - Every `tools/call` is observed in [`Metrics`] and, unless `--no-record`, written to the
//!   call ledger ([`CallRecorder`]) after its answer is sent.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock, Weak};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::metrics::Metrics;
use super::names::{self, Filter, Names};
use super::service::{Answer, BoxFuture, ClientInfo, Clients, Peer, RpcFailure, Service};
use super::upstream::{Events, Lists, Pool, Upstream};
use crate::config::{EnvResolver, Server};
use crate::mcp::{CallOptions, ConnectOptions, Handler, McpError};
use crate::usage::calls::{CallOutcome, CallRecorder, ToolCall};

/// JSON-RPC codes the gateway answers with.
pub const INVALID_PARAMS: i64 = -32602;
pub const METHOD_NOT_FOUND: i64 = -32601;
pub const INTERNAL_ERROR: i64 = -32603;
/// A request that timed out (the code the MCP SDKs use).
pub const REQUEST_TIMEOUT: i64 = -32001;
/// MCP's "resource not found".
pub const RESOURCE_NOT_FOUND: i64 = -32002;

/// The name of aimcp's own tools' "server" in patterns and the ledger.
pub const OWN: &str = "aimcp";

/// Results larger than this are counted on their first part, scaled (counting a 100 MiB
/// result exactly would take seconds of CPU for an estimate).
const TOKENS_EXACT_UP_TO: usize = 1024 * 1024;
/// The kinds of request an upstream may send the client, as `capabilities` names them.
const CLIENT_KINDS: [&str; 3] = ["sampling", "elicitation", "roots"];
/// How long an upstream's start waits for the gateway's first client to say what it can (a
/// stdio client sends `initialize` at once; over HTTP none may come for a while).
const FIRST_CLIENT_WAIT: Duration = Duration::from_secs(2);

fn fail(code: i64, message: impl Into<String>) -> RpcFailure {
    RpcFailure {
        code,
        message: message.into(),
        data: None,
    }
}

/// The gateway's own tools (`aimcp__get_token_analytics` ...): listed first, answered here.
pub trait OwnTools: Send + Sync + 'static {
    /// The tool objects, named `aimcp__...`.
    fn tools(&self) -> Vec<Value>;
    /// Answers a call (on a blocking thread: it may read the store); None when `name` is not
    /// one of them.
    fn call(
        &self,
        name: &str,
        arguments: &Value,
        now: jiff::Timestamp,
    ) -> Option<Result<Value, RpcFailure>>;
}

/// No tools of its own.
pub struct NoOwnTools;

impl OwnTools for NoOwnTools {
    fn tools(&self) -> Vec<Value> {
        Vec::new()
    }
    fn call(&self, _: &str, _: &Value, _: jiff::Timestamp) -> Option<Result<Value, RpcFailure>> {
        None
    }
}

/// What the router is built from.
pub struct Options {
    pub servers: Vec<Server>,
    pub resolver: Arc<EnvResolver>,
    pub connect: ConnectOptions,
    pub filter: Filter,
    pub page_size: usize,
    /// Where calls are recorded (None: `--no-record`).
    pub recorder: Option<CallRecorder>,
    /// The usage store, for `/metrics`' ledger counters.
    pub db: Option<crate::usage::Db>,
    pub own: Arc<dyn OwnTools>,
    /// The clock (the ledger's times).
    pub clock: Arc<dyn Fn() -> jiff::Timestamp + Send + Sync>,
    /// Where to say something once (a clash of names, an `--allow` that matches nothing).
    pub warn: Arc<dyn Fn(String) + Send + Sync>,
    /// One client (stdio): the upstreams are told the sampling, elicitation and roots
    /// capabilities it has, and only those. Otherwise (HTTP: clients come and go) all three,
    /// and each such request goes to the client of the call it came during (one outside any
    /// call: the last client that can take it); a client without the capability refuses it.
    pub single_client: bool,
}

/// The calls in flight on one upstream: their ids and clients.
type PeersInFlight = Vec<(u64, Arc<dyn Peer>)>;

/// The merged lists, as clients see them.
#[derive(Default)]
struct View {
    generation: u64,
    tools: Vec<Value>,
    tool_names: Names,
    prompts: Vec<Value>,
    prompt_names: Names,
    resources: Vec<Value>,
    /// URI -> server.
    resource_owner: HashMap<String, String>,
    templates: Vec<Value>,
    /// (uriTemplate, server), in order.
    template_owner: Vec<(String, String)>,
}

pub struct Router {
    inner: Arc<Inner>,
}

struct Inner {
    pool: Pool,
    filter: Filter,
    page_size: usize,
    view: RwLock<Arc<View>>,
    dirty: AtomicBool,
    /// Held while the view is rebuilt, so that a reader waits for a rebuild under way rather
    /// than read the view before it.
    rebuilding: Mutex<()>,
    clients: OnceLock<Arc<dyn Clients>>,
    /// Per upstream, the calls in flight there and their clients.
    in_flight: Mutex<HashMap<String, PeersInFlight>>,
    /// The last client seen that can take each kind of request (`sampling` ...).
    able: Mutex<HashMap<&'static str, Arc<dyn Peer>>>,
    /// Every kind of request some client of the gateway said it can take.
    kinds: Mutex<Vec<&'static str>>,
    /// Set when the first client has said what it can (its `initialize` or first request).
    first_client: tokio::sync::watch::Sender<bool>,
    next: AtomicU64,
    recorder: Mutex<Option<CallRecorder>>,
    /// Rows still being counted (their result's tokens) before they reach the recorder.
    pending: tokio::sync::watch::Sender<usize>,
    metrics: Metrics,
    db: Option<crate::usage::Db>,
    own: Arc<dyn OwnTools>,
    own_tools: Vec<Value>,
    clock: Arc<dyn Fn() -> jiff::Timestamp + Send + Sync>,
    warn: Arc<dyn Fn(String) + Send + Sync>,
    said: Mutex<HashSet<String>>,
}

/// The pool's events reach the router through this (the pool is inside the router).
struct EventsProxy(Weak<Inner>);

impl Events for EventsProxy {
    fn changed(&self, server: &str, up: bool) {
        if let Some(inner) = self.0.upgrade() {
            inner.metrics.set_up(server, up);
            inner.dirty.store(true, Ordering::SeqCst);
            inner.rebuild_and_tell();
        }
    }
}

impl Router {
    pub fn new(opts: Options) -> Router {
        let Options {
            servers,
            resolver,
            connect,
            filter,
            page_size,
            recorder,
            db,
            own,
            clock,
            warn,
            single_client,
        } = opts;
        let inner = Arc::new_cyclic(|weak: &Weak<Inner>| {
            let events: Arc<dyn Events> = Arc::new(EventsProxy(weak.clone()));
            let handler = |name: &str| -> Arc<dyn Handler> {
                Arc::new(UpstreamHandler {
                    inner: weak.clone(),
                    server: name.to_string(),
                })
            };
            let metrics = Metrics::new();
            for s in &servers {
                metrics.set_up(&s.name, false);
            }
            let connect = if single_client {
                connect
            } else {
                connect.with_client_capabilities(announced(&CLIENT_KINDS))
            };
            let pool = Pool::new(servers, resolver, connect, handler, events);
            // The upstreams may ask for what the gateway's clients can answer (each request
            // is forwarded to a client that said it can, [`UpstreamHandler::request`]), and
            // only that: a start waits (a little) for the first client to say what it can.
            let weak = weak.clone();
            let announce = move || -> BoxFuture<'static, Value> {
                let weak = weak.clone();
                Box::pin(async move {
                    let Some(mut known) = weak.upgrade().map(|i| i.first_client.subscribe()) else {
                        return json!({});
                    };
                    let _ = tokio::time::timeout(FIRST_CLIENT_WAIT, known.wait_for(|k| *k)).await;
                    weak.upgrade()
                        .map_or(json!({}), |i| announced(&i.kinds.lock().unwrap()))
                })
            };
            if single_client {
                pool.set_announce(Arc::new(announce));
            }
            Inner {
                pool,
                filter,
                page_size,
                view: RwLock::new(Arc::new(View::default())),
                dirty: AtomicBool::new(true),
                rebuilding: Mutex::new(()),
                clients: OnceLock::new(),
                in_flight: Mutex::new(HashMap::new()),
                able: Mutex::new(HashMap::new()),
                kinds: Mutex::new(Vec::new()),
                first_client: tokio::sync::watch::channel(false).0,
                next: AtomicU64::new(1),
                recorder: Mutex::new(recorder),
                pending: tokio::sync::watch::channel(0).0,
                metrics,
                db,
                own_tools: own.tools(),
                own,
                clock,
                warn,
                said: Mutex::new(HashSet::new()),
            }
        });
        Router { inner }
    }

    pub fn pool(&self) -> &Pool {
        &self.inner.pool
    }

    /// Starts every upstream in the background.
    pub fn start(&self) {
        self.inner.pool.start_all();
        // Loading o200k_base takes a while (longer on a busy machine): done now, the first
        // call's row is not left waiting for it, which a client that ends the gateway soon after
        // its last call would cut short.
        if self.inner.recorder.lock().unwrap().is_some() {
            tokio::task::spawn_blocking(|| {
                let _ = crate::config::tools::tokenizer();
            });
        }
    }

    /// Once every upstream has started or failed: says which failed, and which `--allow`
    /// matches no tool (so lets nothing through).
    pub async fn report_start(&self) {
        let inner = &self.inner;
        inner.pool.settled().await;
        for u in inner.pool.all() {
            if let Some(e) = u.last_error()
                && u.lists().is_none()
            {
                inner.say_once(format!(
                    "server `{}` did not start: {} (it is tried again on its next use)",
                    u.name(),
                    e.full()
                ));
            }
        }
        let all: Vec<(String, String)> = inner
            .pool
            .all()
            .iter()
            .filter_map(|u| Some((u.name().to_string(), u.lists()?)))
            .flat_map(|(server, lists)| {
                lists
                    .tools
                    .iter()
                    .filter_map(|t| t.get("name")?.as_str().map(str::to_string))
                    .map(|t| (server.clone(), t))
                    .collect::<Vec<_>>()
            })
            .chain(own_tool_names(&inner.own_tools).map(|t| (OWN.to_string(), t)))
            .collect();
        let pairs: Vec<(&str, &str)> = all.iter().map(|(s, t)| (s.as_str(), t.as_str())).collect();
        for p in inner.filter.unused_allows(pairs.iter().copied()) {
            inner.say_once(format!(
                "`--allow {}` matches no tool of the servers that started, so it lets nothing through",
                p.as_str()
            ));
        }
    }

    /// Ends every upstream, and flushes the call ledger.
    /// The ledger first (a client that ends the gateway gives it about a second before
    /// SIGKILL, and the calls are done), then the upstreams, all at once.
    pub async fn shutdown(&self) {
        let mut pending = self.inner.pending.subscribe();
        let _ = tokio::time::timeout(Duration::from_secs(10), pending.wait_for(|n| *n == 0)).await;
        let recorder = self.inner.recorder.lock().unwrap().take();
        if let Some(r) = recorder {
            let _ = tokio::task::spawn_blocking(move || r.finish()).await;
        }
        self.inner.pool.shutdown().await;
    }
}

/// aimcp's own tools' names, without the `aimcp__` prefix.
fn own_tool_names(tools: &[Value]) -> impl Iterator<Item = String> + '_ {
    tools.iter().filter_map(|t| {
        let name = t.get("name")?.as_str()?;
        Some(
            name.strip_prefix(&format!("{OWN}{}", names::SEPARATOR))
                .unwrap_or(name)
                .to_string(),
        )
    })
}

fn item_name(v: &Value) -> Option<&str> {
    v.get("name").and_then(Value::as_str)
}

impl Inner {
    fn say_once(&self, text: String) {
        if self.said.lock().unwrap().insert(text.clone()) {
            (self.warn)(text);
        }
    }

    /// The merged view, rebuilt first when something changed.
    fn view(&self) -> Arc<View> {
        let _rebuilding = self.rebuilding.lock().unwrap();
        if self.dirty.swap(false, Ordering::SeqCst) {
            self.rebuild();
        }
        self.view.read().unwrap().clone()
    }

    /// Rebuilds the view (with `rebuilding` held); returns which lists changed (tools,
    /// prompts, resources).
    fn rebuild(&self) -> (bool, bool, bool) {
        let lists: Vec<(String, Lists)> = self
            .pool
            .all()
            .iter()
            .filter_map(|u| Some((u.name().to_string(), u.lists()?)))
            .collect();

        // Tools: aimcp's own first, then each server's in `.mcp.json`'s order.
        let mut tool_items: Vec<(String, String, Value)> = Vec::new();
        for t in &self.own_tools {
            let Some(full) = item_name(t) else { continue };
            let short = full
                .strip_prefix(&format!("{OWN}{}", names::SEPARATOR))
                .unwrap_or(full)
                .to_string();
            if self.filter.shows(OWN, &short) {
                tool_items.push((OWN.to_string(), short, t.clone()));
            }
        }
        for (server, l) in &lists {
            for t in &l.tools {
                if let Some(n) = item_name(t)
                    && self.filter.shows(server, n)
                {
                    tool_items.push((server.clone(), n.to_string(), t.clone()));
                }
            }
        }
        let tool_names = Names::build(tool_items.iter().map(|(s, n, _)| (s.as_str(), n.as_str())));
        let mut seen = HashSet::new();
        let tools: Vec<Value> = tool_items
            .iter()
            .filter_map(|(s, n, t)| {
                let exposed = tool_names.exposed(s, n)?;
                seen.insert(exposed.to_string()).then(|| {
                    let mut t = t.clone();
                    t["name"] = Value::String(exposed.to_string());
                    t
                })
            })
            .collect();

        let prompt_items: Vec<(String, String, Value)> = lists
            .iter()
            .flat_map(|(s, l)| {
                l.prompts
                    .iter()
                    .filter_map(|p| Some((s.clone(), item_name(p)?.to_string(), p.clone())))
            })
            .collect();
        let prompt_names = Names::build(
            prompt_items
                .iter()
                .map(|(s, n, _)| (s.as_str(), n.as_str())),
        );
        let mut seen = HashSet::new();
        let prompts: Vec<Value> = prompt_items
            .iter()
            .filter_map(|(s, n, p)| {
                let exposed = prompt_names.exposed(s, n)?;
                seen.insert(exposed.to_string()).then(|| {
                    let mut p = p.clone();
                    p["name"] = Value::String(exposed.to_string());
                    p
                })
            })
            .collect();

        let mut resource_owner = HashMap::new();
        let mut resources = Vec::new();
        let mut templates = Vec::new();
        let mut template_owner = Vec::new();
        for (s, l) in &lists {
            for r in &l.resources {
                if let Some(uri) = r.get("uri").and_then(Value::as_str)
                    && !resource_owner.contains_key(uri)
                {
                    resource_owner.insert(uri.to_string(), s.clone());
                    resources.push(r.clone());
                }
            }
            for t in &l.templates {
                if let Some(tpl) = t.get("uriTemplate").and_then(Value::as_str) {
                    template_owner.push((tpl.to_string(), s.clone()));
                    templates.push(t.clone());
                }
            }
        }

        for c in tool_names.clashes().iter().chain(prompt_names.clashes()) {
            self.say_once(format!(
                "`{}` of server `{}` is offered as `{}`: `{}` is taken by an earlier server",
                c.name, c.server, c.given, c.wanted
            ));
        }

        let mut view = self.view.write().unwrap();
        let changed = (
            view.tools != tools,
            view.prompts != prompts,
            view.resources != resources || view.templates != templates,
        );
        let generation = if changed.0 || changed.1 || changed.2 {
            view.generation + 1
        } else {
            view.generation
        };
        *view = Arc::new(View {
            generation,
            tools,
            tool_names,
            prompts,
            prompt_names,
            resources,
            resource_owner,
            templates,
            template_owner,
        });
        changed
    }

    /// After a change in the pool: rebuild, and tell the clients which lists changed.
    fn rebuild_and_tell(&self) {
        let (tools, prompts, resources) = {
            let _rebuilding = self.rebuilding.lock().unwrap();
            self.dirty.store(false, Ordering::SeqCst);
            self.rebuild()
        };
        let Some(clients) = self.clients.get() else {
            return;
        };
        if tools {
            clients.notify_all("notifications/tools/list_changed", json!({}));
        }
        if prompts {
            clients.notify_all("notifications/prompts/list_changed", json!({}));
        }
        if resources {
            clients.notify_all("notifications/resources/list_changed", json!({}));
        }
    }

    /// One page of a merged list.
    async fn list(&self, key: &str, params: &Value) -> Answer {
        self.pool.settled().await;
        let view = self.view();
        let items = match key {
            "tools" => &view.tools,
            "prompts" => &view.prompts,
            "resources" => &view.resources,
            _ => &view.templates,
        };
        let cursor = params.get("cursor").and_then(Value::as_str);
        let page = names::page(items, view.generation, cursor, self.page_size)
            .map_err(|e| fail(INVALID_PARAMS, e.message()))?;
        let mut out = serde_json::Map::new();
        out.insert(key.to_string(), Value::Array(page.items));
        if let Some(c) = page.next_cursor {
            out.insert("nextCursor".into(), Value::String(c));
        }
        Ok(Value::Object(out))
    }

    /// A client said what it can: what the upstreams started from now on are told.
    fn note_client(&self, caps: &Value) {
        {
            let mut kinds = self.kinds.lock().unwrap();
            for kind in CLIENT_KINDS {
                if caps.get(kind).is_some_and(|c| !c.is_null()) && !kinds.contains(&kind) {
                    kinds.push(kind);
                }
            }
        }
        self.first_client
            .send_if_modified(|known| !std::mem::replace(known, true));
    }

    fn remember(&self, peer: &Arc<dyn Peer>) {
        self.note_client(&peer.client().capabilities);
        let caps = &peer.client().capabilities;
        let mut able = self.able.lock().unwrap();
        for kind in CLIENT_KINDS {
            if caps.get(kind).is_some_and(|c| !c.is_null()) {
                able.insert(kind, peer.clone());
            }
        }
    }

    /// Sends a request to `server`'s upstream on behalf of `peer`, with the client's progress
    /// token (if any) mapped to one of the gateway's own and back.
    async fn forward(
        &self,
        server: &str,
        method: &str,
        mut params: Value,
        peer: &Arc<dyn Peer>,
    ) -> Result<Value, Failure> {
        let upstream: Arc<Upstream> = self.pool.get(server).cloned().ok_or_else(|| {
            Failure::Protocol(fail(INTERNAL_ERROR, format!("no server `{server}`")))
        })?;
        let session = upstream.session().await.map_err(|e| {
            Failure::Protocol(fail(
                INTERNAL_ERROR,
                format!("server `{server}` is not available: {}", e.message),
            ))
        })?;
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let mut opts = CallOptions {
            // A stateless client answers an upstream's own `input_required` itself.
            keep_input_required: peer.client().protocol_version
                == crate::mcp::modern::MODERN_VERSION,
            ..CallOptions::default()
        };
        let client_token = params
            .get("_meta")
            .and_then(|m| m.get("progressToken"))
            .cloned();
        if let Some(token) = client_token {
            let ours = format!("aimcp-{id}");
            params["_meta"]["progressToken"] = Value::String(ours);
            let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Value>();
            opts.progress = Some(tx);
            let peer = peer.clone();
            tokio::spawn(async move {
                while let Some(mut p) = rx.recv().await {
                    if p.is_object() {
                        p["progressToken"] = token.clone();
                    }
                    peer.notify("notifications/progress", p);
                }
            });
        }
        let _guard = InFlight::new(self, server, id, peer.clone());
        session
            .request_with(method, params, opts)
            .await
            .map_err(|e| Failure::from_mcp(server, e))
    }

    async fn call_tool(self: &Arc<Self>, peer: Arc<dyn Peer>, mut params: Value) -> Answer {
        let Some(exposed) = params
            .get("name")
            .and_then(Value::as_str)
            .map(str::to_string)
        else {
            return Err(fail(INVALID_PARAMS, "`tools/call` needs `name`"));
        };
        self.pool.settled().await;
        let view = self.view();
        let Some(route) = view.tool_names.route(&exposed).cloned() else {
            return Err(fail(INVALID_PARAMS, format!("unknown tool: `{exposed}`")));
        };
        let args_len = serde_json::to_string(&params).map_or(0, |s| s.len());
        let start = Instant::now();
        let result = if route.server == OWN {
            self.call_own(&exposed, &params).await
        } else {
            params["name"] = Value::String(route.name.clone());
            self.forward(&route.server, "tools/call", params, &peer)
                .await
        };
        let took = start.elapsed();
        let outcome = match &result {
            Ok(r) if r.get("isError").and_then(Value::as_bool) == Some(true) => {
                CallOutcome::ToolError
            }
            Ok(_) => CallOutcome::Ok,
            Err(Failure::Timeout(_)) => CallOutcome::Timeout,
            Err(Failure::Protocol(_)) => CallOutcome::ProtocolError,
        };
        self.metrics
            .observe(&route.server, &route.name, outcome, took);
        let answer = result.map_err(Failure::into_rpc);
        self.record(
            &peer,
            &route.server,
            &route.name,
            outcome,
            took,
            args_len,
            &answer,
        );
        answer
    }

    /// Writes the ledger's row for one call, off the call's path.
    #[allow(clippy::too_many_arguments)]
    fn record(
        self: &Arc<Self>,
        peer: &Arc<dyn Peer>,
        server: &str,
        tool: &str,
        outcome: CallOutcome,
        took: Duration,
        bytes_in: usize,
        answer: &Answer,
    ) {
        if self.recorder.lock().unwrap().is_none() {
            return;
        }
        let at = (self.clock)() - jiff::SignedDuration::try_from(took).unwrap_or_default();
        let mut call = ToolCall {
            at,
            server: server.to_string(),
            tool: tool.to_string(),
            client: peer.client().name.clone(),
            latency_us: took.as_micros().min(u64::MAX as u128) as u64,
            outcome,
            bytes_in: bytes_in as u64,
            bytes_out: 0,
            result_tokens: 0,
        };
        let answer = answer.clone();
        let me = self.clone();
        self.pending.send_modify(|n| *n += 1);
        tokio::task::spawn_blocking(move || {
            match answer {
                Ok(v) => {
                    let text = serde_json::to_string(&v).unwrap_or_default();
                    call.bytes_out = text.len() as u64;
                    call.result_tokens = result_tokens(&text);
                }
                Err(e) => {
                    call.bytes_out = serde_json::to_string(
                        &json!({"code": e.code, "message": e.message, "data": e.data}),
                    )
                    .map_or(0, |s| s.len()) as u64;
                }
            }
            if let Some(r) = me.recorder.lock().unwrap().as_ref() {
                r.record(call);
            }
            me.pending.send_modify(|n| *n -= 1);
        });
    }

    async fn call_own(&self, exposed: &str, params: &Value) -> Result<Value, Failure> {
        let arguments = params.get("arguments").cloned().unwrap_or(json!({}));
        let own = self.own.clone();
        let now = (self.clock)();
        let name = exposed.to_string();
        tokio::task::spawn_blocking(move || {
            own.call(&name, &arguments, now)
                .unwrap_or_else(|| Err(fail(INVALID_PARAMS, format!("unknown tool: `{name}`"))))
        })
        .await
        .map_err(|_| Failure::Protocol(fail(INTERNAL_ERROR, "the tool failed")))?
        .map_err(Failure::Protocol)
    }

    /// A route for a resource URI: its owner, else the first template that matches, else the
    /// only upstream with resources.
    fn resource_server(&self, view: &View, uri: &str) -> Option<String> {
        if let Some(s) = view.resource_owner.get(uri) {
            return Some(s.clone());
        }
        if let Some((_, s)) = view
            .template_owner
            .iter()
            .find(|(t, _)| names::template_matches(t, uri))
        {
            return Some(s.clone());
        }
        let with: Vec<&Arc<Upstream>> = self
            .pool
            .all()
            .iter()
            .filter(|u| {
                u.lists()
                    .is_some_and(|l| !l.resources.is_empty() || !l.templates.is_empty())
            })
            .collect();
        match with.as_slice() {
            [one] => Some(one.name().to_string()),
            _ => None,
        }
    }

    async fn handle(self: Arc<Self>, peer: Arc<dyn Peer>, method: String, params: Value) -> Answer {
        self.remember(&peer);
        match method.as_str() {
            "tools/list" => self.list("tools", &params).await,
            "prompts/list" => self.list("prompts", &params).await,
            "resources/list" => self.list("resources", &params).await,
            "resources/templates/list" => self.list("resourceTemplates", &params).await,
            "tools/call" => self.call_tool(peer, params).await,
            "prompts/get" => {
                let exposed = params.get("name").and_then(Value::as_str).unwrap_or("");
                self.pool.settled().await;
                let view = self.view();
                let Some(route) = view.prompt_names.route(exposed).cloned() else {
                    return Err(fail(INVALID_PARAMS, format!("unknown prompt: `{exposed}`")));
                };
                let mut params = params.clone();
                params["name"] = Value::String(route.name.clone());
                self.forward(&route.server, "prompts/get", params, &peer)
                    .await
                    .map_err(Failure::into_rpc)
            }
            "resources/read" | "resources/subscribe" | "resources/unsubscribe" => {
                let uri = params.get("uri").and_then(Value::as_str).unwrap_or("");
                self.pool.settled().await;
                let view = self.view();
                let Some(server) = self.resource_server(&view, uri) else {
                    return Err(RpcFailure {
                        code: RESOURCE_NOT_FOUND,
                        message: format!("resource not found: `{uri}`"),
                        data: Some(json!({"uri": uri})),
                    });
                };
                self.forward(&server, &method, params.clone(), &peer)
                    .await
                    .map_err(Failure::into_rpc)
            }
            "completion/complete" => {
                self.pool.settled().await;
                let view = self.view();
                let r = params.get("ref").cloned().unwrap_or(Value::Null);
                let mut params = params.clone();
                let server = match r.get("type").and_then(Value::as_str) {
                    Some("ref/prompt") => {
                        let exposed = r.get("name").and_then(Value::as_str).unwrap_or("");
                        let route = view.prompt_names.route(exposed).cloned();
                        route.map(|route| {
                            params["ref"]["name"] = Value::String(route.name);
                            route.server
                        })
                    }
                    Some("ref/resource") => {
                        let uri = r.get("uri").and_then(Value::as_str).unwrap_or("");
                        self.resource_server(&view, uri)
                    }
                    _ => None,
                };
                let Some(server) = server else {
                    return Err(fail(INVALID_PARAMS, "`completion/complete`: unknown `ref`"));
                };
                self.forward(&server, "completion/complete", params, &peer)
                    .await
                    .map_err(Failure::into_rpc)
            }
            "logging/setLevel" => {
                for u in self.pool.all() {
                    if u.is_up()
                        && let Ok(s) = u.session().await
                        && s.has_capability("logging")
                    {
                        let _ = s.request("logging/setLevel", params.clone()).await;
                    }
                }
                Ok(json!({}))
            }
            _ => Err(fail(
                METHOD_NOT_FOUND,
                format!("method not found: `{method}`"),
            )),
        }
    }
}

/// Why a forwarded request failed.
enum Failure {
    Timeout(RpcFailure),
    Protocol(RpcFailure),
}

impl Failure {
    fn from_mcp(server: &str, e: McpError) -> Failure {
        if let Some(rpc) = e.rpc.as_deref() {
            return Failure::Protocol(rpc.clone());
        }
        if e.is_timeout() {
            return Failure::Timeout(fail(
                REQUEST_TIMEOUT,
                format!("server `{server}`: {}", e.message),
            ));
        }
        Failure::Protocol(fail(
            INTERNAL_ERROR,
            format!("server `{server}`: {}", e.message),
        ))
    }

    fn into_rpc(self) -> RpcFailure {
        match self {
            Failure::Timeout(f) | Failure::Protocol(f) => f,
        }
    }
}

/// A call in flight on an upstream, for the time it is (so that the upstream's requests and
/// log messages reach its client).
struct InFlight<'a> {
    inner: &'a Inner,
    server: String,
    id: u64,
}

impl<'a> InFlight<'a> {
    fn new(inner: &'a Inner, server: &str, id: u64, peer: Arc<dyn Peer>) -> Self {
        inner
            .in_flight
            .lock()
            .unwrap()
            .entry(server.to_string())
            .or_default()
            .push((id, peer));
        InFlight {
            inner,
            server: server.to_string(),
            id,
        }
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        if let Some(list) = self.inner.in_flight.lock().unwrap().get_mut(&self.server) {
            list.retain(|(id, _)| *id != self.id);
        }
    }
}

/// o200k_base tokens of a result's JSON: exact up to [`TOKENS_EXACT_UP_TO`] bytes, beyond
/// that the first part's count scaled to the whole. Until the tokenizer has loaded (it is
/// loaded when the gateway starts), four bytes a token: a row never waits for it, since a
/// client may end the gateway soon after its last call, and the row would be lost.
fn result_tokens(text: &str) -> u64 {
    let Some(bpe) = crate::config::tools::loaded_tokenizer() else {
        return text.len().div_ceil(4) as u64;
    };
    if text.len() <= TOKENS_EXACT_UP_TO {
        return bpe.count(text) as u64;
    }
    let mut cut = TOKENS_EXACT_UP_TO;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let part = bpe.count(&text[..cut]) as f64;
    (part * text.len() as f64 / cut as f64).round() as u64
}

/// The `capabilities` an upstream's `initialize` announces: these kinds of request.
fn announced(kinds: &[&str]) -> Value {
    let mut caps = serde_json::Map::new();
    for kind in CLIENT_KINDS {
        if kinds.contains(&kind) {
            let c = if kind == "roots" {
                json!({"listChanged": true})
            } else {
                json!({})
            };
            caps.insert(kind.to_string(), c);
        }
    }
    Value::Object(caps)
}

/// What one upstream's session does with the server's own messages.
struct UpstreamHandler {
    inner: Weak<Inner>,
    server: String,
}

impl UpstreamHandler {
    /// The client of the latest call in flight on this upstream.
    fn peer_in_flight(&self, inner: &Inner) -> Option<Arc<dyn Peer>> {
        inner
            .in_flight
            .lock()
            .unwrap()
            .get(&self.server)
            .and_then(|l| l.last().map(|(_, p)| p.clone()))
    }
}

impl Handler for UpstreamHandler {
    fn notification(&self, method: &str, params: Option<Value>) {
        let Some(inner) = self.inner.upgrade() else {
            return;
        };
        let params = params.unwrap_or_else(|| json!({}));
        match method {
            "notifications/tools/list_changed"
            | "notifications/prompts/list_changed"
            | "notifications/resources/list_changed" => {
                // The refresh tells the clients (through the pool's events) when a list changed.
                if let Some(u) = inner.pool.get(&self.server).cloned() {
                    tokio::spawn(async move {
                        u.refresh().await;
                    });
                }
            }
            "notifications/message" | "notifications/resources/updated" => {
                match self.peer_in_flight(&inner) {
                    Some(peer) if method == "notifications/message" => peer.notify(method, params),
                    _ => {
                        if let Some(c) = inner.clients.get() {
                            c.notify_all(method, params);
                        }
                    }
                }
            }
            _ => {}
        }
    }

    fn request(
        &self,
        method: &str,
        params: Value,
    ) -> BoxFuture<'static, Result<Value, RpcFailure>> {
        let inner = self.inner.upgrade();
        let method = method.to_string();
        let kind = crate::gateway::service::capability_for(&method);
        let peer = inner.as_ref().and_then(|inner| {
            let kind = kind?;
            let can = |p: &Arc<dyn Peer>| p.client().can(kind);
            // A request during a call is that call's client's to answer (or to refuse): the
            // question may carry what the call is about, so no other client sees it. Only a
            // request outside any call goes to the last client that can take it.
            match self.peer_in_flight(inner) {
                Some(p) => Some(p),
                None => inner.able.lock().unwrap().get(kind).cloned().filter(can),
            }
        });
        Box::pin(async move {
            match peer {
                Some(p) => p.request(&method, params).await,
                None => Err(fail(
                    METHOD_NOT_FOUND,
                    format!("no client of the aimcp gateway can answer `{method}`"),
                )),
            }
        })
    }
}

impl Service for Router {
    fn server_info(&self) -> Value {
        json!({"name": "aimcp", "title": "aimcp gateway", "version": env!("CARGO_PKG_VERSION")})
    }

    fn capabilities(&self) -> Value {
        json!({
            "tools": {"listChanged": true},
            "prompts": {"listChanged": true},
            "resources": {"listChanged": true, "subscribe": true},
            "completions": {},
            "logging": {},
        })
    }

    fn instructions(&self) -> Option<String> {
        let names: Vec<&str> = self.inner.pool.all().iter().map(|u| u.name()).collect();
        Some(format!(
            "aimcp gateway in front of {}. Tools are named SERVER__TOOL; aimcp__get_token_analytics, \
             aimcp__budget_status and aimcp__tool_stats report the project's token usage, budgets \
             and tool calls.",
            if names.is_empty() {
                "no servers".to_string()
            } else {
                names.join(", ")
            }
        ))
    }

    fn attach(&self, clients: Arc<dyn Clients>) {
        let _ = self.inner.clients.set(clients);
    }

    fn client_initialized(&self, client: &ClientInfo) {
        self.inner.note_client(&client.capabilities);
    }

    fn request(
        &self,
        peer: Arc<dyn Peer>,
        method: String,
        params: Value,
    ) -> BoxFuture<'static, Answer> {
        let inner = self.inner.clone();
        Box::pin(inner.handle(peer, method, params))
    }

    fn notification(&self, peer: Arc<dyn Peer>, method: String, params: Value) {
        self.inner.remember(&peer);
        // `notifications/roots/list_changed` goes to every upstream that is up (they ask for
        // the roots again, and each `roots/list` is forwarded to a client that has them).
        if method == "notifications/roots/list_changed" {
            for session in self
                .inner
                .pool
                .all()
                .iter()
                .filter_map(|u| u.live_session())
            {
                let params = params.clone();
                tokio::spawn(async move {
                    let _ = session
                        .notify("notifications/roots/list_changed", params)
                        .await;
                });
            }
        }
    }

    fn metrics(&self) -> String {
        self.inner.metrics.render(self.inner.db.as_ref())
    }

    fn health(&self) -> (u16, Value) {
        let mut up = Vec::new();
        let mut down = Vec::new();
        for u in self.inner.pool.all() {
            if u.is_up() {
                up.push(u.name().to_string());
            } else {
                let why = u
                    .last_error()
                    .map(|e| e.message)
                    .unwrap_or_else(|| "starting".to_string());
                down.push(json!({"name": u.name(), "error": why}));
            }
        }
        let status = if down.is_empty() { 200 } else { 503 };
        (
            status,
            json!({"status": if down.is_empty() { "ok" } else { "degraded" }, "up": up, "down": down}),
        )
    }
}

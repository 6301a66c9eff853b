//! The gateway's upstream pool: one [`Session`] per server of `.mcp.json`.
//!
//! Start is eager: [`Pool::start_all`] connects every upstream in the background at once, so the
//! first `tools/list` usually finds them up (it waits for the ones still starting, up to their
//! timeout, and lists what is up). Each stdio upstream runs in its own process group (the session
//! core's doing). An upstream whose link ends (crash, EOF, HTTP failure) is marked down; the next
//! use starts it again at once, and a start that fails is retried on later uses only after a
//! backoff that doubles from 250 ms to 30 s, so a server in a crash loop costs little and the
//! others keep serving. Each upstream keeps its last lists (tools, prompts, resources, templates)
//! while it is down, so its tools stay listed and a call to one of them restarts it.
//! [`Pool::shutdown`] ends every session (and so every process group).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::sync::watch;

use crate::config::{EnvResolver, Server};
use crate::mcp::{self, ConnectOptions, Handler, McpError, Session};

/// The first wait after a failed start; doubled for each failure in a row.
const BACKOFF_FIRST: Duration = Duration::from_millis(250);
const BACKOFF_MAX: Duration = Duration::from_secs(30);

/// What an upstream offers, as it sent it (names not yet prefixed).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lists {
    pub tools: Vec<Value>,
    pub prompts: Vec<Value>,
    pub resources: Vec<Value>,
    pub templates: Vec<Value>,
}

/// Where an upstream is.
#[derive(Clone)]
enum State {
    /// Never started yet.
    Idle,
    Starting,
    /// The session, and which start made it.
    Up(Session, u64),
    Down {
        error: McpError,
        /// Failed starts in a row (0: it was up and its link ended).
        failures: u32,
        retry_at: Instant,
    },
    Stopped,
}

/// What the pool tells its owner (the router) about a change.
pub trait Events: Send + Sync + 'static {
    /// An upstream came up, went down, or its lists changed.
    fn changed(&self, server: &str, up: bool);
}

/// One upstream server.
pub struct Upstream {
    pub server: Server,
    resolver: Arc<EnvResolver>,
    opts: ConnectOptions,
    state: Mutex<State>,
    lists: Mutex<Option<Lists>>,
    /// Bumped on every change of `state`, for waiters.
    tick: watch::Sender<u64>,
    /// Counts the starts that succeeded, so that a link's end is matched to its session.
    epoch: AtomicU64,
    events: Arc<dyn Events>,
}

impl Upstream {
    pub fn name(&self) -> &str {
        &self.server.name
    }

    /// The per-request timeout (and the start's).
    pub fn timeout(&self) -> Duration {
        self.opts.timeout
    }

    /// Its last lists, if it was ever up.
    pub fn lists(&self) -> Option<Lists> {
        self.lists.lock().ok().and_then(|l| l.clone())
    }

    pub fn is_up(&self) -> bool {
        matches!(&*self.state.lock().unwrap(), State::Up(s, _) if !s.is_closed())
    }

    /// Still starting (or not yet started).
    pub fn is_starting(&self) -> bool {
        matches!(&*self.state.lock().unwrap(), State::Starting | State::Idle)
    }

    /// The process group of a stdio upstream that is up.
    pub fn process_group(&self) -> Option<i32> {
        match &*self.state.lock().unwrap() {
            State::Up(s, _) => s.process_group(),
            _ => None,
        }
    }

    /// Why it is down, if it is.
    pub fn last_error(&self) -> Option<McpError> {
        match &*self.state.lock().unwrap() {
            State::Down { error, .. } => Some(error.clone()),
            _ => None,
        }
    }

    fn set(&self, state: State) {
        *self.state.lock().unwrap() = state;
        self.tick.send_modify(|t| *t += 1);
    }

    /// Begins a start in the background unless one is under way or the upstream is up.
    pub fn start(self: &Arc<Self>) {
        let failures = {
            let mut state = self.state.lock().unwrap();
            let failures = match &*state {
                State::Starting | State::Stopped => return,
                State::Up(s, _) if !s.is_closed() => return,
                State::Down { failures, .. } => *failures,
                _ => 0,
            };
            *state = State::Starting;
            failures
        };
        self.tick.send_modify(|t| *t += 1);
        let me = self.clone();
        tokio::spawn(async move { me.connect(failures).await });
    }

    /// One start; `failures` is how many failed in a row before it.
    async fn connect(self: Arc<Self>, failures: u32) {
        let result = async {
            let session = mcp::connect(&self.server, &self.resolver, &self.opts).await?;
            match fetch_lists(&session).await {
                Ok(lists) => Ok((session, lists)),
                Err(e) => {
                    session.shutdown().await;
                    Err(e)
                }
            }
        }
        .await;
        match result {
            Ok((session, lists)) => {
                if matches!(&*self.state.lock().unwrap(), State::Stopped) {
                    session.shutdown().await;
                    return;
                }
                *self.lists.lock().unwrap() = Some(lists);
                let epoch = self.epoch.fetch_add(1, Ordering::Relaxed);
                // The merged view first, then `Up`: a `tools/list` waiting in `settled` wakes at
                // `Up`, and must find this server's tools in the view (the other order let it
                // read the view before the rebuild and miss them).
                self.events.changed(self.name(), true);
                self.set(State::Up(session.clone(), epoch));
                let me = self.clone();
                let closed = session.closed();
                tokio::spawn(async move {
                    let error = closed.await;
                    me.link_ended(epoch, error);
                });
            }
            Err(error) => {
                let failures = failures + 1;
                let wait = BACKOFF_FIRST
                    .saturating_mul(1 << (failures - 1).min(8))
                    .min(BACKOFF_MAX);
                let stopped = matches!(&*self.state.lock().unwrap(), State::Stopped);
                if !stopped {
                    self.set(State::Down {
                        error,
                        failures,
                        retry_at: Instant::now() + wait,
                    });
                    self.events.changed(self.name(), false);
                }
            }
        }
    }

    /// The link of `session` ended: down, to be started again on the next use.
    fn link_ended(&self, epoch: u64, error: McpError) {
        let mut state = self.state.lock().unwrap();
        // Only when the state still holds this session (not a newer one, not stopped).
        let same = matches!(&*state, State::Up(_, e) if *e == epoch);
        if same {
            *state = State::Down {
                error,
                failures: 0,
                retry_at: Instant::now(),
            };
            drop(state);
            self.tick.send_modify(|t| *t += 1);
            self.events.changed(self.name(), false);
        }
    }

    /// The session, starting the upstream when it is down and its backoff has passed, and
    /// waiting (up to its timeout) while it starts.
    pub async fn session(self: &Arc<Self>) -> Result<Session, McpError> {
        let deadline = tokio::time::Instant::now() + self.opts.timeout;
        let mut tick = self.tick.subscribe();
        loop {
            let state = self.state.lock().unwrap().clone();
            match state {
                State::Up(s, _) if !s.is_closed() => return Ok(s),
                State::Up(..) | State::Idle => self.start(),
                State::Starting => {}
                State::Down {
                    error, retry_at, ..
                } => {
                    if Instant::now() >= retry_at {
                        self.start();
                    } else {
                        let left = retry_at.saturating_duration_since(Instant::now());
                        return Err(McpError::new(format!(
                            "{} (tried again in {:.1} s)",
                            error.message,
                            left.as_secs_f64()
                        )));
                    }
                }
                State::Stopped => return Err(McpError::new("the gateway is shutting down")),
            }
            // Wait for the start to end.
            if matches!(&*self.state.lock().unwrap(), State::Starting) {
                match tokio::time::timeout_at(deadline, tick.changed()).await {
                    Ok(Ok(())) => {}
                    Ok(Err(_)) => return Err(McpError::new("the gateway is shutting down")),
                    Err(_) => {
                        return Err(McpError::new(format!(
                            "still starting after {:.0} s",
                            self.opts.timeout.as_secs_f64()
                        )));
                    }
                }
                // A start that failed now: report that failure rather than wait for a backoff.
                if let State::Down { error, .. } = &*self.state.lock().unwrap() {
                    return Err(error.clone());
                }
            }
        }
    }

    /// Waits until the upstream is no longer starting, or `deadline`.
    pub async fn settled(&self, deadline: tokio::time::Instant) {
        let mut tick = self.tick.subscribe();
        while matches!(&*self.state.lock().unwrap(), State::Starting | State::Idle) {
            if tokio::time::timeout_at(deadline, tick.changed())
                .await
                .is_err()
            {
                return;
            }
        }
    }

    /// Reads its lists again (after a `list_changed`); true when they changed.
    pub async fn refresh(self: &Arc<Self>) -> bool {
        let Some(session) = (match &*self.state.lock().unwrap() {
            State::Up(s, _) => Some(s.clone()),
            _ => None,
        }) else {
            return false;
        };
        match fetch_lists(&session).await {
            Ok(lists) => {
                let changed = self.lists.lock().unwrap().as_ref() != Some(&lists);
                *self.lists.lock().unwrap() = Some(lists);
                if changed {
                    self.events.changed(self.name(), true);
                }
                changed
            }
            Err(_) => false,
        }
    }

    async fn stop(&self) {
        let old = std::mem::replace(&mut *self.state.lock().unwrap(), State::Stopped);
        self.tick.send_modify(|t| *t += 1);
        if let State::Up(session, _) = old {
            session.shutdown().await;
        }
    }
}

/// Every list the server has the capability for.
async fn fetch_lists(session: &Session) -> Result<Lists, McpError> {
    let mut lists = Lists::default();
    if session.has_capability("tools") {
        lists.tools = session.list_all("tools/list", "tools").await?;
    }
    if session.has_capability("prompts") {
        lists.prompts = session.list_all("prompts/list", "prompts").await?;
    }
    if session.has_capability("resources") {
        lists.resources = session.list_all("resources/list", "resources").await?;
        // Templates are optional even with `resources`.
        lists.templates = session
            .list_all("resources/templates/list", "resourceTemplates")
            .await
            .or_else(|e| {
                if e.is_method_not_found() {
                    Ok(Vec::new())
                } else {
                    Err(e)
                }
            })?;
    }
    Ok(lists)
}

/// Every upstream, in `.mcp.json`'s order.
pub struct Pool {
    upstreams: Vec<Arc<Upstream>>,
}

impl Pool {
    /// One upstream per server; `handler(name)` is what its session does with the server's own
    /// messages. Nothing starts until [`Pool::start_all`] or a first use.
    pub fn new(
        servers: Vec<Server>,
        resolver: Arc<EnvResolver>,
        opts: ConnectOptions,
        handler: impl Fn(&str) -> Arc<dyn Handler>,
        events: Arc<dyn Events>,
    ) -> Pool {
        let upstreams = servers
            .into_iter()
            .map(|server| {
                let opts = opts.clone().with_handler(handler(&server.name));
                Arc::new(Upstream {
                    server,
                    resolver: resolver.clone(),
                    opts,
                    state: Mutex::new(State::Idle),
                    lists: Mutex::new(None),
                    tick: watch::channel(0).0,
                    epoch: AtomicU64::new(0),
                    events: events.clone(),
                })
            })
            .collect();
        Pool { upstreams }
    }

    /// Starts every upstream in the background, all at once.
    pub fn start_all(&self) {
        for u in &self.upstreams {
            u.start();
        }
    }

    pub fn get(&self, name: &str) -> Option<&Arc<Upstream>> {
        self.upstreams.iter().find(|u| u.name() == name)
    }

    pub fn all(&self) -> &[Arc<Upstream>] {
        &self.upstreams
    }

    /// Waits (up to each one's timeout from now) for the upstreams still starting.
    pub async fn settled(&self) {
        let waits = self.upstreams.iter().map(|u| {
            let deadline = tokio::time::Instant::now() + u.timeout();
            async move { u.settled(deadline).await }
        });
        futures_join_all(waits).await;
    }

    /// Ends every session at once (stdin closed, process group ended, HTTP session deleted).
    pub async fn shutdown(&self) {
        futures_join_all(self.upstreams.iter().map(|u| u.stop())).await;
    }
}

/// Runs futures concurrently and waits for all (a few, so no crate for it).
async fn futures_join_all<F: std::future::Future<Output = ()>>(futs: impl IntoIterator<Item = F>) {
    let mut set = Vec::new();
    for f in futs {
        set.push(Box::pin(f));
    }
    let mut pending: Vec<_> = set.into_iter().map(Some).collect();
    std::future::poll_fn(|cx| {
        let mut all = true;
        for slot in pending.iter_mut() {
            if let Some(f) = slot {
                if f.as_mut().poll(cx).is_ready() {
                    *slot = None;
                } else {
                    all = false;
                }
            }
        }
        if all {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await
}

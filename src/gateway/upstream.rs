//! The gateway's upstream pool: one [`Session`] per server of `.mcp.json`.
//!
//! Start is eager: [`Pool::start_all`] connects every upstream in the background at once, so the
//! first `tools/list` usually finds them up (it waits for the ones still starting, up to their
//! timeout, and lists what is up). Each stdio upstream runs in its own process group (the session
//! core's doing). An upstream whose link ends (crash, EOF, HTTP failure) is marked down; the next
//! use starts it again at once, and a start that fails is retried on later uses only after a
//! backoff that doubles from 250 ms to 30 s, so a server in a crash loop costs little and the
//! others keep serving. A run shorter than [`SHORT_RUN`] counts as a failed start: a server
//! that dies right after each start backs off too. Each upstream keeps its last lists (tools, prompts, resources, templates)
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
/// A link that ends sooner than this after its start is a failure of that start (for the
/// backoff), not the end of a good run.
pub const SHORT_RUN: Duration = Duration::from_secs(5);

fn backoff(failures: u32) -> Duration {
    BACKOFF_FIRST
        .saturating_mul(1 << failures.saturating_sub(1).min(8))
        .min(BACKOFF_MAX)
}

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
    /// The session, which start made it, when, and the failed starts before it.
    Up(Session, u64, Instant, u32),
    Down {
        error: McpError,
        /// Failed starts in a row, a run shorter than [`SHORT_RUN`] counted as one (0: it was
        /// up for a good while and its link ended).
        failures: u32,
        retry_at: Instant,
    },
    Stopped,
}

/// What an upstream is told the client can do (`capabilities` of its `initialize`), decided at
/// each start: it may wait a little for the gateway's first client.
pub type Announce = Arc<dyn Fn() -> mcp::BoxFuture<'static, Value> + Send + Sync>;

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
    /// Instead of `opts.client_capabilities`, when set.
    announce: std::sync::OnceLock<Announce>,
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
        matches!(&*self.state.lock().unwrap(), State::Up(s, ..) if !s.is_closed())
    }

    /// The session, when it is up (never starts it).
    pub fn live_session(&self) -> Option<Session> {
        match &*self.state.lock().unwrap() {
            State::Up(s, ..) if !s.is_closed() => Some(s.clone()),
            _ => None,
        }
    }

    /// Still starting (or not yet started).
    pub fn is_starting(&self) -> bool {
        matches!(&*self.state.lock().unwrap(), State::Starting | State::Idle)
    }

    /// The process group of a stdio upstream that is up.
    pub fn process_group(&self) -> Option<i32> {
        match &*self.state.lock().unwrap() {
            State::Up(s, ..) => s.process_group(),
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

    /// A session that is closed but still in `Up` (its watcher has not run yet) ended: as
    /// [`Upstream::link_ended`] would have it, so that a use right after a crash still counts
    /// the short run.
    fn note_closed(&self) {
        let closed = match &*self.state.lock().unwrap() {
            State::Up(s, e, ..) if s.is_closed() => Some(*e),
            _ => None,
        };
        if let Some(epoch) = closed {
            self.link_ended(epoch, McpError::new("the server's link ended"));
        }
    }

    /// Begins a start in the background unless one is under way or the upstream is up.
    pub fn start(self: &Arc<Self>) {
        self.note_closed();
        let failures = {
            let mut state = self.state.lock().unwrap();
            let failures = match &*state {
                State::Starting | State::Stopped => return,
                State::Up(s, ..) if !s.is_closed() => return,
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
            let opts = match self.announce.get() {
                Some(announce) => self.opts.clone().with_client_capabilities(announce().await),
                None => self.opts.clone(),
            };
            let session = mcp::connect(&self.server, &self.resolver, &opts).await?;
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
                // A stop while the view was rebuilt wins: checked and set under one lock.
                let stopped = {
                    let mut state = self.state.lock().unwrap();
                    if matches!(&*state, State::Stopped) {
                        true
                    } else {
                        *state = State::Up(session.clone(), epoch, Instant::now(), failures);
                        false
                    }
                };
                if stopped {
                    session.shutdown().await;
                    return;
                }
                self.tick.send_modify(|t| *t += 1);
                let me = self.clone();
                let closed = session.closed();
                tokio::spawn(async move {
                    let error = closed.await;
                    me.link_ended(epoch, error);
                });
            }
            Err(error) => {
                let failures = failures + 1;
                let down = {
                    let mut state = self.state.lock().unwrap();
                    let down = !matches!(&*state, State::Stopped);
                    if down {
                        *state = State::Down {
                            error,
                            failures,
                            retry_at: Instant::now() + backoff(failures),
                        };
                    }
                    down
                };
                if down {
                    self.tick.send_modify(|t| *t += 1);
                    self.events.changed(self.name(), false);
                }
            }
        }
    }

    /// The link of `session` ended: down, to be started again on the next use (at once after a
    /// good run; after a backoff when it ended within [`SHORT_RUN`] of its start).
    fn link_ended(&self, epoch: u64, error: McpError) {
        let mut state = self.state.lock().unwrap();
        // Only when the state still holds this session (not a newer one, not stopped).
        let run = match &*state {
            State::Up(_, e, since, failures) if *e == epoch => Some((since.elapsed(), *failures)),
            _ => None,
        };
        if let Some((ran, before)) = run {
            // The first short run restarts at once (a crash mid-call is followed by a restart
            // on the next call); the ones after it in a row wait as failed starts do.
            let (failures, retry_at) = if ran < SHORT_RUN {
                let wait = if before == 0 {
                    Duration::ZERO
                } else {
                    backoff(before)
                };
                (before + 1, Instant::now() + wait)
            } else {
                (0, Instant::now())
            };
            *state = State::Down {
                error,
                failures,
                retry_at,
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
            self.note_closed();
            let state = self.state.lock().unwrap().clone();
            match state {
                State::Up(s, ..) if !s.is_closed() => return Ok(s),
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
            State::Up(s, ..) => Some(s.clone()),
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
        if let State::Up(session, ..) = old {
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
                    announce: std::sync::OnceLock::new(),
                })
            })
            .collect();
        Pool { upstreams }
    }

    /// What every upstream is told the client can do, from now on (call before the first
    /// start).
    pub fn set_announce(&self, announce: Announce) {
        for u in &self.upstreams {
            let _ = u.announce.set(announce.clone());
        }
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

#[cfg(test)]
mod tests {
    use std::sync::OnceLock;

    use super::*;

    struct NoHandler;
    impl Handler for NoHandler {}

    /// Stops the upstream from inside `changed(up)`, the moment between a start's end and
    /// `Up`: a `stop` there used to be overwritten by `Up`, leaving a live session (and its
    /// process) after the pool's shutdown.
    /// Also keeps the process groups of `fake.js` (only this test starts it) alive at that
    /// moment, to check afterwards that they ended.
    struct StopWhenUp(OnceLock<Arc<Upstream>>, std::sync::Mutex<Vec<i32>>);

    impl Events for StopWhenUp {
        fn changed(&self, _server: &str, up: bool) {
            if let (true, Some(u)) = (up, self.0.get()) {
                let mine = crate::mcp::procs::live().into_iter().filter(|pgid| {
                    std::fs::read(format!("/proc/{pgid}/cmdline"))
                        .is_ok_and(|c| String::from_utf8_lossy(&c).contains("fake.js"))
                });
                self.1.lock().unwrap().extend(mine);
                let u = u.clone();
                let rt = tokio::runtime::Handle::current();
                std::thread::spawn(move || rt.block_on(u.stop()))
                    .join()
                    .unwrap();
            }
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_stop_during_the_end_of_a_start_wins() {
        let fake = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/servers/fake.js");
        let server = Server::stdio("fake", "node", vec![fake.to_string(), "ok".to_string()]);
        let events = Arc::new(StopWhenUp(OnceLock::new(), Default::default()));
        let opts = ConnectOptions::new(std::env::temp_dir(), Duration::from_secs(30));
        let pool = Pool::new(
            vec![server],
            Arc::new(EnvResolver::environment_only()),
            opts,
            |_| Arc::new(NoHandler) as Arc<dyn Handler>,
            events.clone(),
        );
        let u = pool.get("fake").unwrap().clone();
        let _ = events.0.set(u.clone());
        u.start();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        while u.lists().is_none() {
            assert!(tokio::time::Instant::now() < deadline, "never started");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        // Let the start finish what it does after the view's rebuild.
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(
            matches!(&*u.state.lock().unwrap(), State::Stopped),
            "a stopped upstream is up again"
        );
        assert!(u.process_group().is_none());
        assert!(u.session().await.is_err());
        let groups = events.1.lock().unwrap().clone();
        assert!(
            !groups.is_empty(),
            "the server's process group was not seen"
        );
        for pgid in groups {
            assert!(
                !crate::mcp::procs::group_alive(pgid),
                "group {pgid} is left"
            );
        }
    }

    #[test]
    fn backoff_doubles_up_to_its_cap() {
        assert_eq!(backoff(1), BACKOFF_FIRST);
        assert_eq!(backoff(2), BACKOFF_FIRST * 2);
        assert_eq!(backoff(3), BACKOFF_FIRST * 4);
        assert_eq!(backoff(40), BACKOFF_MAX);
    }
}

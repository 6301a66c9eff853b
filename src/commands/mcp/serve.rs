//! `aimcp mcp serve`: the gateway. Reads `.mcp.json`, starts the upstream pool and the router,
//! and serves them over stdio (until stdin's end) or Streamable HTTP (until a signal); then ends
//! every upstream with its process group and flushes the call ledger.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use super::Targets;
use crate::config::ConfigFile;
use crate::error::usage;
use crate::gateway::ledger_tools::{self, LedgerCtx};
use crate::gateway::names::{Filter, Pattern};
use crate::gateway::router::{self, OwnTools, Router};
use crate::gateway::service::RpcFailure;
use crate::gateway::service::Service;
use crate::mcp::procs;
use crate::printer::Printer;
use crate::settings::Globals;
use crate::usage::calls::CallRecorder;

/// After SIGINT/SIGTERM/SIGHUP, how long the upstreams may take to stop before SIGKILL.
const SIGNAL_GRACE: Duration = Duration::from_millis(1500);

/// Items in one page of a merged list (`tools/list` ...).
pub const PAGE_SIZE: usize = 500;

#[derive(Debug, Clone)]
pub struct Settings {
    /// Servers to serve; empty: every enabled one.
    pub names: Vec<String>,
    /// `--http`: Streamable HTTP instead of stdio.
    pub http: Option<Http>,
    pub allow: Vec<Pattern>,
    pub deny: Vec<Pattern>,
    /// Record every `tools/call` in the usage store (not with `--no-record`).
    pub record: bool,
    pub page_size: usize,
}

#[derive(Clone)]
pub struct Http {
    pub addr: SocketAddr,
    /// `AIMCP_GATEWAY_TOKEN`: clients must send `Authorization: Bearer <token>`.
    pub token: Option<String>,
}

impl std::fmt::Debug for Http {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Http")
            .field("addr", &self.addr)
            .field("token", &self.token.as_ref().map(|_| "****"))
            .finish()
    }
}

pub fn run(globals: &Globals, settings: Settings, printer: &Printer) -> anyhow::Result<()> {
    few_malloc_arenas();
    let Settings {
        names,
        http,
        allow,
        deny,
        record,
        page_size,
    } = settings;
    let targets = Targets::select(globals, &names, None)?;
    let config = if targets.config_path.is_file() {
        Some(ConfigFile::load(&targets.config_path)?)
    } else {
        None
    };
    // A `SERVER` pattern must name a server: a typo in `--deny` would otherwise hide nothing.
    for (flag, patterns) in [("--allow", &allow), ("--deny", &deny)] {
        for p in patterns {
            if let Some(name) = p.server_name()
                && name != router::OWN
                && !targets.servers.iter().any(|s| s.name == name)
            {
                let served: Vec<&str> = targets.servers.iter().map(|s| s.name.as_str()).collect();
                return Err(
                    usage(format!("`{flag} {name}`: no server `{name}` is served"))
                        .hint(if served.is_empty() {
                            "no servers are served; add one with `aimcp mcp add`".to_string()
                        } else {
                            format!(
                                "served: {}, and `aimcp` (the gateway's own tools)",
                                served.join(", ")
                            )
                        })
                        .into(),
                );
            }
        }
    }
    let mut filter = Filter::new(allow, deny);
    if let Some(config) = &config {
        for s in &targets.servers {
            filter.disable(&s.name, config.disabled_tools(&s.name)?);
        }
    }
    let db = globals.ledger()?;
    let recorder = if record {
        Some(CallRecorder::start(&db)?)
    } else {
        None
    };
    // Stored OAuth tokens (refreshed when they expire); the gateway never starts a sign-in.
    let auth = super::oauth(globals, printer, &targets, super::SignIn::default())?;
    let connect = targets
        .options(None)
        .with_trace(printer.mcp_trace())
        .with_auth(auth.map(|a| a as Arc<dyn crate::mcp::auth::Authorizer>))
        // An HTTP upstream may ask its questions on its own stream rather than a call's.
        .with_server_stream();
    let warn = {
        let printer = printer.clone();
        Arc::new(move |text: String| printer.warn(text))
    };
    let options = router::Options {
        servers: targets.servers.clone(),
        resolver: targets.resolver.clone(),
        connect,
        filter,
        page_size,
        recorder,
        db: Some(db.clone()),
        own: Arc::new(Ledger {
            db,
            tz: jiff::tz::TimeZone::try_system().unwrap_or(jiff::tz::TimeZone::UTC),
        }),
        clock: Arc::new(jiff::Timestamp::now),
        warn,
        single_client: http.is_none(),
    };
    let served: Vec<String> = targets.servers.iter().map(|s| s.name.clone()).collect();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let printer = printer.clone();
    let out = runtime.block_on(async move {
        let router = Arc::new(Router::new(options));
        router.start();
        {
            let router = router.clone();
            tokio::spawn(async move { router.report_start().await });
        }
        printer.detail(format!(
            "serving {} over {}",
            if served.is_empty() {
                "no servers".to_string()
            } else {
                served.join(", ")
            },
            match &http {
                Some(h) => format!("http://{}/mcp", h.addr),
                None => "stdio".to_string(),
            }
        ));
        let service: Arc<dyn Service> = router.clone();
        let mut signals = Signals::new();
        let served = tokio::select! {
            biased;
            () = signals.next() => Ok(true),
            r = serve(service, http, &printer) => r.map(|()| false),
        };
        // A client that is ended often closes stdin as the signal comes: the signal still
        // decides (exit 130), whichever of the two was seen first.
        let served = match served {
            Ok(false) if signals.came_within(Duration::from_millis(20)).await => Ok(true),
            other => other,
        };
        // After a signal every upstream's group gets SIGTERM at once, and then the ledger is
        // flushed and the upstreams are ended as after stdin's end, for up to SIGNAL_GRACE
        // (an upstream that takes a while to stop cleanly gets that while); a second signal
        // (Claude Code: SIGINT, then SIGTERM 100 ms later, then SIGKILL) ends the wait, and
        // `procs::kill_all` ends what is left. At stdin's end there is time for a clean
        // shutdown.
        if let Ok(true) = served {
            procs::signal_all(libc::SIGTERM);
            tokio::select! {
                _ = tokio::time::timeout(SIGNAL_GRACE, router.shutdown()) => {}
                () = signals.next() => {}
            }
        } else {
            // A signal during that shutdown is a client that will not wait long (aimcp's own:
            // SIGTERM 300 ms after stdin's end, SIGKILL 2 s later): as after a signal above, what
            // is left gets SIGTERM now, SIGNAL_GRACE, and SIGKILL below, before the client's
            // SIGKILL would leave it behind.
            tokio::select! {
                _ = tokio::time::timeout(Duration::from_secs(5), router.shutdown()) => {}
                () = signals.next() => {
                    procs::signal_all(libc::SIGTERM);
                    let _ = tokio::time::timeout(SIGNAL_GRACE, router.shutdown()).await;
                }
            }
        }
        served
    });
    // Not a long wait: after a signal, tokio's stdin thread is still blocked in a read.
    runtime.shutdown_timeout(Duration::from_millis(50));
    procs::kill_all();
    match out? {
        true => Err(crate::error::cancelled().into()),
        false => Ok(()),
    }
}

/// The usage ledger as the gateway's own tools.
struct Ledger {
    db: crate::usage::Db,
    tz: jiff::tz::TimeZone,
}

impl OwnTools for Ledger {
    fn tools(&self) -> Vec<serde_json::Value> {
        ledger_tools::tools()
    }

    fn call(
        &self,
        name: &str,
        arguments: &serde_json::Value,
        now: jiff::Timestamp,
    ) -> Option<Result<serde_json::Value, RpcFailure>> {
        let ctx = LedgerCtx {
            db: self.db.clone(),
            now,
            tz: self.tz.clone(),
        };
        ledger_tools::call(name, arguments, &ctx)
    }
}

async fn serve(
    service: Arc<dyn Service>,
    http: Option<Http>,
    printer: &Printer,
) -> anyhow::Result<()> {
    match http {
        None => {
            crate::gateway::front::serve_stdio(service, tokio::io::stdin(), tokio::io::stdout())
                .await
        }
        Some(h) => {
            let listener = tokio::net::TcpListener::bind(h.addr).await.map_err(|e| {
                usage(format!("cannot listen on `{}`: {e}", h.addr))
                    .hint("is another server on that port? `--http 127.0.0.1:0` picks a free one")
            })?;
            let bound = listener.local_addr()?;
            // The one line a script may wait for (the port, when 0 was asked for).
            printer.info(format!(
                "listening on http://{bound}{}",
                crate::gateway::front::MCP_PATH
            ));
            let opts = crate::gateway::front::HttpOptions {
                bearer: h.token,
                allowed_origins: Vec::new(),
            };
            crate::gateway::front::serve_http(service, listener, opts).await
        }
    }
}

/// SIGINT, SIGTERM and SIGHUP, listened to from the start (so that none is missed while the
/// gateway is busy elsewhere).
struct Signals(Option<[tokio::signal::unix::Signal; 3]>);

impl Signals {
    fn new() -> Signals {
        use tokio::signal::unix::{SignalKind, signal};
        match (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
            signal(SignalKind::hangup()),
        ) {
            (Ok(int), Ok(term), Ok(hup)) => Signals(Some([int, term, hup])),
            _ => Signals(None),
        }
    }

    /// The next signal (never, when they cannot be listened to).
    async fn next(&mut self) {
        match &mut self.0 {
            Some([int, term, hup]) => {
                tokio::select! {
                    _ = int.recv() => {}
                    _ = term.recv() => {}
                    _ = hup.recv() => {}
                }
            }
            None => std::future::pending().await,
        }
    }

    /// Whether a signal came (or comes within `wait`).
    async fn came_within(&mut self, wait: Duration) -> bool {
        tokio::time::timeout(wait, self.next()).await.is_ok()
    }
}

/// The gateway runs for hours with a handful of threads (two workers, the blocking pool, the
/// call ledger's writer): glibc's default of up to 8 arenas a core leaves each thread's freed
/// memory in an arena of its own. Two arenas hold the gateway's RSS with 4 upstreams about
/// 2 MiB lower (bench/gateway.sh: 30.5 -> 28.7 MiB), for no measured cost in latency.
fn few_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets a tunable of glibc's allocator; it is called before the
    // gateway starts its threads.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

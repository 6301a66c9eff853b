//! `aimcp mcp test`

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::config::{ConfigFile, EnvResolver, GlobalConfig, Server};
use crate::error::{Code, Fail, no};
use crate::mcp::{self, ConnectOptions, McpError};
use crate::printer::Printer;
use crate::settings::Globals;

#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub names: Vec<String>,
    pub timeout: Option<Duration>,
    /// A server given with `--url` or `-- COMMAND`, not from `.mcp.json`.
    pub ad_hoc: Option<Server>,
}

/// The servers a command works on, and what it needs to reach them.
pub(crate) struct Targets {
    pub servers: Vec<Server>,
    pub resolver: Arc<EnvResolver>,
    pub cwd: PathBuf,
    pub global: GlobalConfig,
    pub config_path: PathBuf,
}

impl Targets {
    /// The servers named (each must exist, enabled or not), else every enabled one; or the one
    /// server given on the command line.
    pub(crate) fn select(
        globals: &Globals,
        names: &[String],
        ad_hoc: Option<Server>,
    ) -> anyhow::Result<Targets> {
        let located = globals.locate_config()?;
        let config = if located.exists {
            Some(ConfigFile::load(&located.path)?)
        } else {
            None
        };
        let config_dir = located
            .path
            .parent()
            .map(PathBuf::from)
            .unwrap_or_else(|| globals.project_dir.clone());
        let global = config
            .as_ref()
            .map(|c| c.global().clone())
            .unwrap_or_default();
        if let Some(server) = ad_hoc {
            return Ok(Targets {
                servers: vec![server],
                resolver: Arc::new(EnvResolver::for_project(&globals.project_dir)),
                cwd: globals.project_dir.clone(),
                global,
                config_path: located.path,
            });
        }
        let all: Vec<Server> = config
            .as_ref()
            .map(|c| c.servers().to_vec())
            .unwrap_or_default();
        let servers = if names.is_empty() {
            all.into_iter().filter(|s| s.enabled).collect()
        } else {
            let mut picked = Vec::new();
            for name in names {
                match all.iter().find(|s| &s.name == name) {
                    Some(s) if !picked.iter().any(|p: &Server| &p.name == name) => {
                        picked.push(s.clone())
                    }
                    Some(_) => {}
                    None => {
                        let shown = located
                            .path
                            .file_name()
                            .map(|f| f.to_string_lossy().into_owned())
                            .unwrap_or_else(|| ".mcp.json".into());
                        let mut err = no(format!("server `{name}` not found in `{shown}`"));
                        if all.is_empty() {
                            err = err.hint("add one with `aimcp mcp add` or `aimcp mcp setup`");
                        } else {
                            let names: Vec<&str> = all.iter().map(|s| s.name.as_str()).collect();
                            err = err.hint(format!("configured servers: {}", names.join(", ")));
                        }
                        return Err(err.into());
                    }
                }
            }
            picked
        };
        Ok(Targets {
            servers,
            resolver: Arc::new(EnvResolver::for_project(&config_dir)),
            cwd: config_dir,
            global,
            config_path: located.path,
        })
    }

    pub(crate) fn options(&self, timeout: Option<Duration>) -> ConnectOptions {
        let timeout = timeout
            .or_else(|| {
                self.global
                    .timeout
                    .filter(|t| t.is_finite() && *t > 0.0)
                    .map(Duration::from_secs_f64)
            })
            .unwrap_or(mcp::DEFAULT_TIMEOUT);
        let mut opts = ConnectOptions::new(self.cwd.clone(), timeout);
        opts.retry_attempts = self.global.retry_attempts.unwrap_or(0).min(10);
        opts
    }

    pub(crate) fn concurrency(&self, given: Option<usize>) -> usize {
        given.or(self.global.max_concurrent).unwrap_or(4).max(1)
    }
}

/// Runs `work` for every server, at most `limit` at once, and returns the results in order.
pub(crate) async fn for_each_server<T, F, Fut>(servers: &[Server], limit: usize, work: F) -> Vec<T>
where
    T: Send + 'static,
    F: Fn(usize, Server) -> Fut,
    Fut: std::future::Future<Output = T> + Send + 'static,
{
    let gate = Arc::new(tokio::sync::Semaphore::new(limit));
    let mut handles = Vec::new();
    for (i, s) in servers.iter().enumerate() {
        let fut = work(i, s.clone());
        let gate = gate.clone();
        handles.push(tokio::spawn(async move {
            let _permit = gate.acquire_owned().await;
            fut.await
        }));
    }
    let mut out = Vec::new();
    for h in handles {
        match h.await {
            Ok(v) => out.push(v),
            Err(e) => std::panic::resume_unwind(e.into_panic()),
        }
    }
    out
}

/// A failed server, reported as `error: ...` with its stderr tail and hint.
pub(crate) fn report_failure(printer: &Printer, name: &str, step: &str, err: &McpError) {
    let mut message = format!("server `{name}` failed at `{step}`: {}", err.message);
    if !err.stderr.is_empty() {
        message.push_str("\n  last lines of its stderr:");
        for l in &err.stderr {
            message.push_str(&format!("\n  | {l}"));
        }
    }
    let mut fail = Fail::new(Code::No, message);
    if let Some(h) = &err.hint {
        fail = fail.hint(h.clone());
    }
    printer.error(&fail.into());
}

pub(crate) fn ms(d: u64) -> String {
    if d >= 10_000 {
        format!("{:.1} s", d as f64 / 1000.0)
    } else {
        format!("{d} ms")
    }
}

struct Outcome {
    name: String,
    ok: bool,
    step: &'static str,
    protocol_version: Option<String>,
    server_name: Option<String>,
    server_version: Option<String>,
    init_ms: Option<u64>,
    list_ms: Option<u64>,
    tools: Option<usize>,
    error: Option<McpError>,
}

async fn test_one(server: Server, resolver: Arc<EnvResolver>, opts: ConnectOptions) -> Outcome {
    let mut out = Outcome {
        name: server.name.clone(),
        ok: false,
        step: "initialize",
        protocol_version: None,
        server_name: None,
        server_version: None,
        init_ms: None,
        list_ms: None,
        tools: None,
        error: None,
    };
    let start = Instant::now();
    let mut session = match mcp::connect(&server, &resolver, &opts).await {
        Ok(s) => s,
        Err(e) => {
            out.error = Some(e);
            return out;
        }
    };
    out.init_ms = Some(mcp::elapsed_ms(start));
    out.protocol_version = Some(session.protocol_version.clone());
    (out.server_name, out.server_version) = session.server_name_version();
    out.step = "ping";
    if let Err(e) = session.ping().await {
        // A server without `ping` still answers; anything else is a failure.
        if !e.is_method_not_found() {
            out.error = Some(e);
            session.shutdown().await;
            return out;
        }
    }
    out.step = "tools/list";
    let start = Instant::now();
    match session.list_tools().await {
        Ok(tools) => {
            out.list_ms = Some(mcp::elapsed_ms(start));
            out.tools = Some(tools.len());
            out.ok = true;
        }
        Err(e) => out.error = Some(e),
    }
    session.shutdown().await;
    out
}

pub fn run(globals: &Globals, settings: Settings, printer: &Printer) -> anyhow::Result<()> {
    let Settings {
        names,
        timeout,
        ad_hoc,
    } = settings;
    let targets = Targets::select(globals, &names, ad_hoc)?;
    if targets.servers.is_empty() {
        if printer.is_json() {
            printer.json(&json!({"results": []}))?;
        } else {
            printer.info(format!(
                "no enabled servers in `{}`",
                targets.config_path.display()
            ));
        }
        return Ok(());
    }
    let opts = targets.options(timeout).with_trace(printer.mcp_trace());
    let limit = targets.concurrency(None);
    let spinner = printer.spinner(if targets.servers.len() == 1 {
        format!("testing `{}`", targets.servers[0].name)
    } else {
        format!("testing {} servers", targets.servers.len())
    });
    let resolver = targets.resolver.clone();
    let outcomes = mcp::block_on(for_each_server(&targets.servers, limit, |_, s| {
        test_one(s, resolver.clone(), opts.clone())
    }));
    spinner.finish_and_clear();

    let failed = outcomes.iter().filter(|o| !o.ok).count();
    if printer.is_json() {
        let results: Vec<Value> = outcomes
            .iter()
            .map(|o| {
                json!({
                    "name": o.name,
                    "ok": o.ok,
                    "protocol_version": o.protocol_version,
                    "server": {"name": o.server_name, "version": o.server_version},
                    "latency_ms": {"initialize": o.init_ms, "tools_list": o.list_ms},
                    "tools": o.tools,
                    "error": o.error.as_ref().map(|e| e.full()),
                    "step": if o.ok { None } else { Some(o.step) },
                    "hint": o.error.as_ref().and_then(|e| e.hint.clone()),
                })
            })
            .collect();
        printer.json(&json!({"results": results}))?;
    } else {
        let mut table = printer.table();
        table.set_header(vec![
            "server",
            "status",
            "protocol",
            "server info",
            "initialize",
            "tools/list",
            "tools",
        ]);
        for o in &outcomes {
            let info = match (&o.server_name, &o.server_version) {
                (Some(n), Some(v)) => format!("{n} {v}"),
                (Some(n), None) => n.clone(),
                _ => "-".into(),
            };
            table.add_row(vec![
                o.name.clone(),
                if o.ok {
                    "ok".into()
                } else {
                    format!("failed at {}", o.step)
                },
                o.protocol_version.clone().unwrap_or_else(|| "-".into()),
                info,
                o.init_ms.map(ms).unwrap_or_else(|| "-".into()),
                o.list_ms.map(ms).unwrap_or_else(|| "-".into()),
                o.tools.map(|t| t.to_string()).unwrap_or_else(|| "-".into()),
            ]);
        }
        printer.print_table(&table)?;
        for o in &outcomes {
            if let Some(e) = &o.error {
                report_failure(printer, &o.name, o.step, e);
            }
        }
    }
    if failed > 0 {
        let total = outcomes.len();
        let msg = if total == 1 {
            format!("server `{}` failed its test", outcomes[0].name)
        } else {
            format!("{failed} of {total} servers failed their test")
        };
        return Err(no(msg).into());
    }
    Ok(())
}

//! `aimcp mcp ...`: one file per leaf command, and here what they share (no leaf command imports
//! another leaf): selecting the servers, running work on each, the test of one server, and the
//! way a failed server is reported. The discovery of one server is in [`discovery`].

pub mod add;
pub mod call;
pub mod catalog;
pub mod discover;
pub(crate) mod discovery;
mod elicit;
pub mod get;
pub mod import;
pub mod list;
pub mod login;
pub mod logout;
pub mod remove;
pub mod scan;
pub mod serve;
pub mod setup;
pub mod stats;
pub mod switch;
pub mod sync;
pub mod test;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::config::tools::ToolsFile;
use crate::config::{ConfigFile, EnvResolver, GlobalConfig, Server, secret, tools_path};
use crate::error::{Code, Fail, no};
use crate::mcp::{self, ConnectOptions, McpError};
use crate::printer::Printer;
use crate::settings::Globals;

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
        let config_dir = located.dir();
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
                        let names = all.iter().map(|s| s.name.as_str()).collect();
                        return Err(not_found(name, &located.path, names).into());
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

/// How a command signs in to servers that want OAuth (`mcp login` and what `test`, `discover`,
/// `call` do on a 401).
#[derive(Debug, Clone, Default)]
pub(crate) struct SignIn {
    /// A sign-in may start: at a terminal, or where `$BROWSER` says how to open the page.
    pub allowed: bool,
    pub no_browser: bool,
    pub client: Option<mcp::auth::PreRegistered>,
    pub scopes: Vec<String>,
}

impl SignIn {
    /// What `test`, `discover` and `call` do: sign in at a terminal, or where `$BROWSER` is set
    /// (a browser can be opened without one), never with `--no-input`.
    pub(crate) fn automatic(globals: &Globals, printer: &Printer) -> SignIn {
        let browser = std::env::var("BROWSER").is_ok_and(|b| !b.trim().is_empty());
        // On CI nobody is there to sign in: a server that needs it is an error naming
        // `aimcp mcp login`, whatever `$BROWSER` says.
        SignIn {
            allowed: !printer.is_ci()
                && (printer.is_interactive() || (browser && !globals.no_input)),
            ..SignIn::default()
        }
    }
}

/// Where this run keeps sign-ins: `AIMCP_CREDENTIALS` (`auto`, `keychain` or `file`), by
/// default the OS keychain when one answers, else `<data dir>/aimcp/credentials.json`. None
/// when there is no data folder. Nothing is contacted until a sign-in is read or written.
pub(crate) fn credential_store() -> anyhow::Result<Option<mcp::auth::store::Store>> {
    use mcp::auth::store::{Choice, Store};
    let choice =
        Choice::parse(std::env::var("AIMCP_CREDENTIALS").ok().as_deref()).map_err(|e| {
            crate::error::usage(e).hint("unset it to use the keychain where one answers")
        })?;
    let Some(file) = mcp::auth::store::default_path() else {
        return Ok(None);
    };
    Ok(Some(Store::new(choice, file, keychain_possible())))
}

/// Whether an OS keychain may answer: always on macOS and Windows; elsewhere only with a D-Bus
/// session bus (`DBUS_SESSION_BUS_ADDRESS`, else `$XDG_RUNTIME_DIR/bus`), so that a machine
/// without one (CI, a container, ssh) takes the file without waiting on a connection.
fn keychain_possible() -> bool {
    if cfg!(any(target_os = "macos", windows)) {
        return true;
    }
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some_and(|a| !a.is_empty()) {
        return true;
    }
    std::env::var_os("XDG_RUNTIME_DIR")
        .filter(|d| !d.is_empty())
        .is_some_and(|d| Path::new(&d).join("bus").exists())
}

/// The OAuth authorizer for `targets` (tokens where [`credential_store`] says); none when there
/// is no data folder.
pub(crate) fn oauth(
    globals: &Globals,
    printer: &Printer,
    targets: &Targets,
    sign_in: SignIn,
) -> anyhow::Result<Option<Arc<mcp::auth::OAuth>>> {
    let Some(store) = credential_store()? else {
        return Ok(None);
    };
    let names = targets
        .servers
        .iter()
        .filter(|s| s.url.as_deref() != Some(s.name.as_str()))
        .filter_map(|s| {
            let url = targets.resolver.expand(s.url.as_deref()?, &s.name).ok()?;
            Some((url, s.name.clone()))
        })
        .collect();
    let browser = std::env::var("BROWSER").ok();
    // CLI.md: with `CI=true` the URL is printed, never opened.
    let opener = mcp::auth::Opener::choose(
        sign_in.no_browser || printer.is_ci(),
        browser.as_deref(),
        printer.is_interactive(),
    );
    let notify_printer = printer.clone();
    let opts = mcp::auth::OAuthOptions {
        store,
        sign_in: sign_in.allowed.then_some(opener),
        client: sign_in.client,
        scopes: sign_in.scopes,
        client_metadata_url: std::env::var("AIMCP_OAUTH_CLIENT_METADATA_URL")
            .ok()
            .filter(|u| !u.is_empty()),
        names,
        now: globals.now.as_second(),
        wait: Duration::from_secs(300),
        notify: Arc::new(move |text| notify_printer.notice(text)),
    };
    Ok(mcp::auth::OAuth::new(opts).ok().map(Arc::new))
}

/// A server's OAuth sign-in as `mcp get` and `mcp list` show it (never a token).
pub(crate) struct SignedIn {
    pub issuer: String,
    pub expires_at: Option<jiff::Timestamp>,
    pub refreshable: bool,
}

impl SignedIn {
    /// `signed in (until 2026-03-01 12:00 UTC)`, or `... (expired, refreshed on next use)`.
    pub(crate) fn describe(&self, now: jiff::Timestamp) -> String {
        match self.expires_at {
            Some(t) if t <= now && self.refreshable => {
                "signed in (token expired, refreshed on next use)".into()
            }
            Some(t) if t <= now => "sign-in expired".into(),
            Some(t) => format!("signed in until {}", t.strftime("%Y-%m-%d %H:%M UTC")),
            None => "signed in".into(),
        }
    }

    pub(crate) fn view(&self) -> SignInView {
        SignInView {
            issuer: self.issuer.clone(),
            expires_at: self.expires_at.map(|t| t.to_string()),
            refreshable: self.refreshable,
        }
    }
}

/// The stored OAuth sign-in of `server` (a remote one), if any; a store that cannot be read
/// is said once on stderr (`warned`) and reads as no sign-in.
pub(crate) fn signed_in(
    server: &Server,
    config_dir: &Path,
    store: Option<&mcp::auth::store::Store>,
    printer: &Printer,
    warned: &std::cell::Cell<bool>,
) -> Option<SignedIn> {
    let url = server.url.as_deref()?;
    let store = store?;
    let url = if url.contains("${") {
        EnvResolver::for_project(config_dir)
            .expand(url, &server.name)
            .ok()?
    } else {
        url.to_string()
    };
    let e = match store.find(&url) {
        Ok(e) => e?,
        Err(e) => {
            if !warned.replace(true) {
                printer.warn(format!("cannot read the sign-ins: {}", e.full()));
                if let Some(h) = &e.hint {
                    printer.hint(h);
                }
            }
            return None;
        }
    };
    Some(SignedIn {
        issuer: e.issuer.clone(),
        expires_at: e
            .expires_at
            .and_then(|t| jiff::Timestamp::from_second(t).ok()),
        refreshable: e.refresh_token.is_some(),
    })
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
    printer.error(&server_failure(format!("server `{name}` failed at `{step}`"), err).into());
}

/// `{what}: {the error}`, the last lines of the server's stderr, and its hint: how `test`,
/// `discover`, `call` and `setup` report a server that failed (exit 1).
pub(crate) fn server_failure(what: String, err: &McpError) -> Fail {
    let mut message = format!("{what}: {}", err.message);
    if !err.stderr.is_empty() {
        message.push_str("\n  last lines of its stderr:");
        for l in &err.stderr {
            message.push_str(&format!("\n  | {l}"));
        }
    }
    let fail = Fail::new(Code::No, message);
    match &err.hint {
        Some(h) => fail.hint(h.clone()),
        None => fail,
    }
}

pub(crate) fn ms(d: u64) -> String {
    if d >= 10_000 {
        format!("{:.1} s", d as f64 / 1000.0)
    } else {
        format!("{d} ms")
    }
}

/// What testing one server found.
pub(crate) struct Probe {
    pub name: String,
    pub ok: bool,
    pub step: &'static str,
    pub protocol_version: Option<String>,
    pub server_name: Option<String>,
    pub server_version: Option<String>,
    pub init_ms: Option<u64>,
    pub list_ms: Option<u64>,
    pub tools: Option<usize>,
    pub error: Option<McpError>,
}

/// The test of one server: handshake, `ping` (a server without it still passes), `tools/list`.
pub(crate) async fn probe(
    server: Server,
    resolver: Arc<EnvResolver>,
    opts: ConnectOptions,
) -> Probe {
    let mut out = Probe {
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
    let session = match mcp::connect(&server, &resolver, &opts).await {
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

/// The `${VAR}` names a server refers to (in its command, arguments, URL, env and headers), in
/// order, each once.
pub(crate) fn referenced_variables(server: &Server) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let texts = server
        .command
        .iter()
        .chain(server.args.iter())
        .chain(server.url.iter())
        .chain(server.env.iter().map(|(_, v)| v))
        .chain(server.headers.iter().map(|(_, v)| v));
    for text in texts {
        let mut rest = text.as_str();
        while let Some(start) = rest.find("${") {
            let after = &rest[start + 2..];
            let end = after.find('}').unwrap_or(after.len());
            let inner = &after[..end];
            let name = inner.split(":-").next().unwrap_or("");
            // `${VAR:-default}` has a default: the client does not need it set.
            if !name.is_empty() && !inner.contains(":-") && !names.iter().any(|n| n == name) {
                names.push(name.to_string());
            }
            rest = &after[end.min(after.len())..];
        }
    }
    names
}

/// The closing lines of `add` and `setup`: how to start a client so that it gets `variables`.
/// Claude Code (and most clients) do not read `.env`: `aimcp run -- claude` gives them its
/// values; a variable that is in neither our environment nor `.env` must be exported.
pub(crate) fn how_to_start(variables: &[String], dotenv: Option<&std::path::Path>) -> Vec<String> {
    let in_dotenv: std::collections::HashSet<String> = dotenv
        .filter(|p| p.is_file())
        .and_then(|p| crate::config::dotenv::read(p).ok())
        .map(|pairs| pairs.into_iter().map(|(k, _)| k).collect())
        .unwrap_or_default();
    let unset: Vec<&String> = variables
        .iter()
        .filter(|v| std::env::var_os(v).is_none())
        .collect();
    let (from_dotenv, missing): (Vec<&String>, Vec<&String>) =
        unset.into_iter().partition(|v| in_dotenv.contains(*v));
    let quote = |names: &[&String]| {
        names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut lines = Vec::new();
    if !from_dotenv.is_empty() {
        lines.push(format!(
            "aimcp run -- claude    start Claude Code with {} from `.env` (it does not read `.env` itself)",
            quote(&from_dotenv)
        ));
        lines.push(format!(
            "or export {} in your shell before starting an MCP client",
            quote(&from_dotenv)
        ));
    }
    if !missing.is_empty() {
        lines.push(format!(
            "export {} (not set, and not in `.env`) before starting an MCP client",
            quote(&missing)
        ));
    }
    if lines.is_empty() {
        lines.push("start Claude Code (or another MCP client) in this folder to use it".into());
    }
    lines
}

/// After `setup` or `add` wrote `.mcp.json`: the clients the project already uses (their project
/// file exists) get the change too. At a terminal (`prompter`), a yes (the default; `yes` takes
/// it without asking) writes them as `aimcp mcp sync` does, keeping a `--via-gateway` file a
/// gateway file; without a terminal or with `--json`, nothing is written and a hint says what
/// `aimcp mcp sync` would write. Returns the files left differing from `.mcp.json`. A client
/// file that cannot be read is a warning: `.mcp.json` is already written.
pub(crate) fn offer_sync(
    config_path: &Path,
    prompter: Option<&mut (dyn crate::prompt::Prompter + '_)>,
    yes: bool,
    printer: &Printer,
) -> anyhow::Result<Vec<PathBuf>> {
    use crate::config::clients::sync::{self, Route};
    let project = config_path.parent().unwrap_or(Path::new(".")).to_path_buf();
    let clients = sync::used_clients(&project);
    if clients.is_empty() {
        return Ok(Vec::new());
    }
    let shown = |p: &Path| format!("`{}`", p.strip_prefix(&project).unwrap_or(p).display());
    let planned = ConfigFile::load(config_path).and_then(|config| {
        let tools = load_tools(config_path, printer);
        sync::plan(
            &project,
            &config,
            tools.as_ref(),
            &clients,
            // Only project files are used: no home folder is looked at.
            &Default::default(),
            Route::AsWritten,
        )
    });
    let mut plans = match planned {
        Ok(p) => p,
        Err(e) => {
            printer.warn(format!("{e:#}"));
            printer.hint("fix it, then run `aimcp mcp sync`");
            return Ok(Vec::new());
        }
    };
    plans.retain(|p| p.changed && p.path.is_some());
    let files: Vec<PathBuf> = plans.iter().filter_map(|p| p.path.clone()).collect();
    if files.is_empty() {
        return Ok(files);
    }
    let names: Vec<String> = files.iter().map(|p| shown(p)).collect();
    let list = match names.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    };
    let go = match prompter {
        None => false,
        Some(_) if printer.is_json() => false,
        Some(_) if yes => true,
        Some(p) => {
            match p.confirm(
                &format!("Write it into {list} too (`aimcp mcp sync`)?"),
                true,
            ) {
                Ok(answer) => answer,
                // Esc here is a no: `.mcp.json` is already written.
                Err(e)
                    if crate::error::find_fail(&e).is_some_and(|f| f.code == Code::Cancelled) =>
                {
                    false
                }
                Err(e) => return Err(e),
            }
        }
    };
    if !go {
        printer.hint(format!("run `aimcp mcp sync` to write it into {list} too"));
        return Ok(files);
    }
    if let Err(e) = sync::write(&mut plans) {
        printer.warn(format!("{e:#}"));
        printer.hint(format!(
            "the clients' files are left as they were; run `aimcp mcp sync` to write {list}"
        ));
        return Ok(files);
    }
    for p in &plans {
        for note in &p.notes {
            printer.warn(note);
        }
        if let Some(path) = &p.path {
            printer.info(format!("wrote {} ({})", shown(path), p.client));
        }
    }
    Ok(Vec::new())
}

/// `.mcp.tools.json` beside the config, if readable; a broken one is a warning here, not an error.
pub(crate) fn load_tools(config_path: &std::path::Path, printer: &Printer) -> Option<ToolsFile> {
    match ToolsFile::load(&tools_path(config_path)) {
        Ok(t) => Some(t),
        Err(e) => {
            printer.warn(format!("{e:#}"));
            None
        }
    }
}

/// `env`/`headers` as a JSON object in file order, values as written, secret literals `****`.
#[derive(Debug, Clone)]
pub(crate) struct ShownPairs(Vec<(String, String)>);

impl ShownPairs {
    fn of(pairs: &[(String, String)]) -> ShownPairs {
        ShownPairs(
            pairs
                .iter()
                .map(|(k, v)| (k.clone(), secret::display_value(k, v)))
                .collect(),
        )
    }
}

impl serde::Serialize for ShownPairs {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = ser.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// A server's OAuth sign-in as `--json` shows it (never a token).
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct SignInView {
    pub issuer: String,
    pub expires_at: Option<String>,
    pub refreshable: bool,
}

/// A server as shown by `list --json` and `get --json`: values as written, secret literals hidden.
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct ServerView {
    pub name: String,
    pub transport: &'static str,
    pub command: Option<String>,
    pub args: Vec<String>,
    pub url: Option<String>,
    pub enabled: bool,
    /// The count of tools `.mcp.tools.json` holds, or null.
    pub tools: Option<usize>,
    pub env: ShownPairs,
    pub headers: ShownPairs,
    pub disabled_tools: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oauth: Option<SignInView>,
}

pub(crate) fn server_view(
    s: &Server,
    tools: Option<usize>,
    disabled_tools: Vec<String>,
    oauth: Option<&SignedIn>,
) -> ServerView {
    ServerView {
        name: s.name.clone(),
        transport: s.transport.as_str(),
        command: s.command.clone(),
        args: secret::masked_args(&s.args),
        url: s.url.as_deref().map(secret::masked_url),
        enabled: s.enabled,
        tools,
        env: ShownPairs::of(&s.env),
        headers: ShownPairs::of(&s.headers),
        disabled_tools,
        oauth: oauth.map(SignedIn::view),
    }
}

/// `server NAME not found`, with the configured names (closest match first) as a hint.
pub(crate) fn unknown_server(name: &str, file: &ConfigFile) -> crate::error::Fail {
    not_found(name, file.path(), file.names())
}

/// "server `x` not found in `PATH`", with the configured servers nearest to `name` first.
fn not_found(name: &str, path: &Path, mut names: Vec<&str>) -> crate::error::Fail {
    let fail = no(format!("server `{name}` not found in `{}`", path.display()));
    if names.is_empty() {
        return fail
            .hint("no servers are configured; add one with `aimcp mcp add` or `aimcp mcp setup`");
    }
    names.sort_by(|a, b| {
        strsim::jaro_winkler(name, b)
            .partial_cmp(&strsim::jaro_winkler(name, a))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    fail.hint(format!("configured servers: {}", names.join(", ")))
}

/// A variable the user must set because its value was kept out of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Variable {
    pub name: String,
    /// Where it is used: `env KEY` or `header Name`.
    pub used_in: String,
    /// The literal it replaced (for `.env`; never printed).
    pub value: String,
}

/// Replaces secret literals with `${VAR}` references and returns the variables to set.
pub(crate) fn protect_secrets(server: &mut Server) -> Vec<Variable> {
    let mut vars = Vec::new();
    for (key, value) in &mut server.env {
        if secret::looks_secret(key) && secret::has_literal(value) {
            let literal = std::mem::replace(value, format!("${{{key}}}"));
            vars.push(Variable {
                name: key.clone(),
                used_in: format!("env `{key}`"),
                value: literal,
            });
        }
    }
    for (name, value) in &mut server.headers {
        if secret::looks_secret(name) && secret::has_literal(value) {
            let var = header_variable(&server.name, name);
            let scheme = value
                .split_once(' ')
                .map(|(s, _)| s.to_string())
                .filter(|s| {
                    ["bearer", "basic", "token", "bot"].contains(&s.to_ascii_lowercase().as_str())
                });
            let literal = match &scheme {
                Some(s) => value[s.len()..].trim().to_string(),
                None => value.clone(),
            };
            *value = match &scheme {
                Some(s) => format!("{s} ${{{var}}}"),
                None => format!("${{{var}}}"),
            };
            let used_in = match scheme {
                Some(s) => format!("header `{name}` (the part after `{s}`)"),
                None => format!("header `{name}`"),
            };
            vars.push(Variable {
                name: var,
                used_in,
                value: literal,
            });
        }
    }
    protect_command_line(server, &mut vars);
    vars
}

/// Literal secrets in a server's arguments (`--token VALUE`, `--api-key=VALUE`, `ghp_...`) and
/// URL (`?api_key=VALUE`) become `${VAR}` references (`GH_TOKEN` for server `gh`, `--token`).
fn protect_command_line(server: &mut Server, vars: &mut Vec<Variable>) {
    let name_for = |base: String, vars: &[Variable]| -> String {
        let mut name = base.clone();
        let mut n = 2;
        while vars.iter().any(|v| v.name == name) {
            name = format!("{base}_{n}");
            n += 1;
        }
        name
    };
    for found in secret::arg_secrets(&server.args) {
        let arg = &mut server.args[found.index];
        let literal = arg[found.at..].to_string();
        // `GITHUB_TOKEN=...` keeps its own name; `--token` of `gh` is `GH_TOKEN`.
        let base = match found.flag.as_deref() {
            Some(f)
                if f.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_') =>
            {
                f.to_string()
            }
            Some(f) => header_variable(&server.name, f),
            None => header_variable(&server.name, "token"),
        };
        let var = name_for(base, vars);
        arg.replace_range(found.at.., &format!("${{{var}}}"));
        vars.push(Variable {
            name: var,
            used_in: match &found.flag {
                Some(f) => format!("argument `{f}`"),
                None => format!("argument {}", found.index + 1),
            },
            value: literal,
        });
    }
    if let Some(url) = &mut server.url {
        // From the end, so that the earlier ranges stay right.
        for (param, range) in secret::url_secrets(url).into_iter().rev() {
            let literal = url[range.clone()].to_string();
            let var = name_for(header_variable(&server.name, &param), vars);
            url.replace_range(range, &format!("${{{var}}}"));
            vars.push(Variable {
                name: var,
                used_in: format!("URL parameter `{param}`"),
                value: literal,
            });
        }
    }
}

/// `WEB_AUTHORIZATION` for server `web`, header `Authorization`.
fn header_variable(server: &str, header: &str) -> String {
    format!("{server}_{header}")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Transport;

    #[test]
    fn referenced_variables_are_the_ones_without_a_default_each_once() {
        let mut s = Server::stdio("x", "${BIN}", vec!["--key=${KEY}".into(), "${KEY}".into()]);
        s.env = vec![
            ("A".into(), "${OPT:-x}".into()),
            ("B".into(), "pre ${TOKEN} post".into()),
        ];
        assert_eq!(referenced_variables(&s), ["BIN", "KEY", "TOKEN"]);
    }

    #[test]
    fn secret_literals_become_references() {
        let mut s = Server::remote("web", Transport::Http, "https://x/mcp");
        s.headers = vec![
            ("Authorization".into(), "Bearer sk-123".into()),
            ("X-Api-Key".into(), "${MY_KEY}".into()),
            ("Accept".into(), "text/plain".into()),
        ];
        let vars = protect_secrets(&mut s);
        assert_eq!(s.headers[0].1, "Bearer ${WEB_AUTHORIZATION}");
        assert_eq!(s.headers[1].1, "${MY_KEY}");
        assert_eq!(s.headers[2].1, "text/plain");
        assert_eq!(vars.len(), 1);
        assert_eq!(vars[0].value, "sk-123");

        let mut s = Server::stdio("gh", "npx", vec![]);
        s.env = vec![
            ("GITHUB_TOKEN".into(), "ghp_abc".into()),
            ("DEBUG".into(), "1".into()),
        ];
        let vars = protect_secrets(&mut s);
        assert_eq!(s.env[0].1, "${GITHUB_TOKEN}");
        assert_eq!(s.env[1].1, "1");
        assert_eq!(vars[0].name, "GITHUB_TOKEN");
        assert_eq!(vars[0].value, "ghp_abc");
    }

    #[test]
    fn secret_literals_in_arguments_and_urls_become_references() {
        let mut s = Server::stdio(
            "gh",
            "npx",
            vec![
                "-y".into(),
                "gh-mcp".into(),
                "--token".into(),
                "abc123".into(),
                "--api-key=xyz".into(),
            ],
        );
        let vars = protect_secrets(&mut s);
        assert_eq!(s.args[3], "${GH_TOKEN}");
        assert_eq!(s.args[4], "--api-key=${GH_API_KEY}");
        assert_eq!(vars.len(), 2);
        assert_eq!(
            (vars[0].value.as_str(), vars[1].value.as_str()),
            ("abc123", "xyz")
        );

        let mut s = Server::remote("web", Transport::Http, "https://x.test/mcp?api_key=k1&x=1");
        let vars = protect_secrets(&mut s);
        assert_eq!(
            s.url.as_deref(),
            Some("https://x.test/mcp?api_key=${WEB_API_KEY}&x=1")
        );
        assert_eq!(vars[0].value, "k1");
    }
}

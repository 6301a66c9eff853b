//! Turns clap's Args into the plain settings commands take. Every field is destructured, so a
//! new flag cannot be forgotten here.

use std::path::PathBuf;
use std::time::Duration;

use jiff::Timestamp;

use crate::cli::{self, ColorArg, GlobalArgs};
use crate::commands::{self, mcp, tokens};
use crate::config::{Server, Transport, valid_name};
use crate::error::usage;
use crate::printer::{ColorChoice, PrinterOptions};
use crate::usage::budget::Period;
use crate::window::{Bound, WindowSpec};

/// Options every command sees.
#[derive(Debug, Clone)]
pub struct Globals {
    /// The project folder (absolute): `-C DIR`, else the current folder.
    pub project_dir: PathBuf,
    /// `--config FILE`, relative to the project folder.
    pub config: Option<PathBuf>,
    pub json: bool,
    pub quiet: bool,
    pub verbose: u8,
    pub no_input: bool,
    pub color: ColorChoice,
    pub pricing: Option<PathBuf>,
    /// `--db` / `AIMCP_DB`: a SQLite path (relative to the working folder) or a PostgreSQL URL.
    pub db: Option<crate::usage::DbLocation>,
    /// `AIMCP_MACHINE`: this machine's id in the ledger, over the one kept in the data folder.
    pub machine: Option<String>,
    /// The clock: the time this run started, read once here. `AIMCP_NOW` (an RFC 3339 time)
    /// pins it, for tests; it is not a user setting and an unreadable value is ignored.
    pub now: Timestamp,
}

/// The run's clock: `AIMCP_NOW` (RFC 3339, for tests) when it is set and readable, else now.
fn clock() -> Timestamp {
    std::env::var("AIMCP_NOW")
        .ok()
        .and_then(|t| t.trim().parse::<Timestamp>().ok())
        .unwrap_or_else(Timestamp::now)
}

impl Globals {
    /// The ledger named by `--db`/`AIMCP_DB`, else the default SQLite file
    /// (`<data dir>/aimcp/usage.db`).
    pub fn ledger(&self) -> anyhow::Result<crate::usage::Db> {
        let location = match &self.db {
            Some(l) => {
                l.refuse_other_urls("--db")?;
                l.clone()
            }
            None => crate::usage::DbLocation::Sqlite(crate::usage::default_path()?),
        };
        Ok(crate::usage::Db {
            location,
            machine: self.machine.clone(),
            data_dir: crate::usage::machine::default_dir(),
        })
    }

    pub fn from_args(args: &GlobalArgs) -> Self {
        let GlobalArgs {
            project_dir,
            config,
            json,
            quiet,
            verbose,
            no_input,
            color,
            pricing,
            db,
        } = args;
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        let project_dir = match project_dir {
            Some(dir) => cwd.join(dir),
            None => cwd.clone(),
        };
        Globals {
            project_dir,
            config: config.clone(),
            json: *json,
            quiet: *quiet,
            verbose: *verbose,
            no_input: *no_input,
            color: match color {
                ColorArg::Auto => ColorChoice::Auto,
                ColorArg::Always => ColorChoice::Always,
                ColorArg::Never => ColorChoice::Never,
            },
            pricing: pricing.as_ref().map(|p| cwd.join(p)),
            db: db
                .as_ref()
                .map(|p| crate::usage::DbLocation::parse(p.as_os_str(), &cwd)),
            machine: std::env::var("AIMCP_MACHINE")
                .ok()
                .filter(|m| !m.trim().is_empty()),
            now: clock(),
        }
    }

    pub fn printer_options(&self) -> PrinterOptions {
        PrinterOptions {
            json: self.json,
            quiet: self.quiet,
            verbose: self.verbose,
            color: self.color,
            no_input: self.no_input,
        }
    }

    /// Where `.mcp.json` is, for a command that reads it (see [`crate::config::locate_existing`]:
    /// a file named with `--config` must exist); fails when `-C` names no folder.
    pub fn locate_config(&self) -> anyhow::Result<crate::config::Located> {
        self.check_project_dir()?;
        crate::config::locate_existing(&self.project_dir, self.config.as_deref())
    }

    /// Where `.mcp.json` is or will be, for a command that writes it (`add`, `setup`): a file
    /// named with `--config` is created when missing.
    pub fn locate_config_to_write(&self) -> anyhow::Result<crate::config::Located> {
        self.check_project_dir()?;
        crate::config::locate(&self.project_dir, self.config.as_deref())
    }

    fn check_project_dir(&self) -> anyhow::Result<()> {
        if !self.project_dir.is_dir() {
            return Err(usage(format!(
                "project folder `{}` does not exist",
                self.project_dir.display()
            ))
            .into());
        }
        Ok(())
    }
}

/// `KEY=VALUE`.
pub fn parse_key_value(flag: &str, text: &str) -> anyhow::Result<(String, String)> {
    match text.split_once('=') {
        Some((k, v))
            if !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') =>
        {
            Ok((k.to_string(), v.to_string()))
        }
        _ => Err(
            usage(format!("invalid `{flag} {text}`: expected KEY=VALUE"))
                .hint("keys are letters, digits and `_`, e.g. `--env API_KEY=...`")
                .into(),
        ),
    }
}

/// `Name: value`.
pub fn parse_header(text: &str) -> anyhow::Result<(String, String)> {
    match text.split_once(':') {
        Some((k, v))
            if !k.trim().is_empty()
                && k.trim()
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_!#$%&'*+.^`|~".contains(c)) =>
        {
            Ok((k.trim().to_string(), v.trim().to_string()))
        }
        _ => Err(usage(format!("invalid `--header {text}`: expected 'Name: value'")).into()),
    }
}

/// A money flag in micro-dollars. A negative amount is named as such (clap takes `-5` as a value
/// only because the flag allows it, so that this message can name the flag).
fn usd(flag: &str, text: Option<String>) -> anyhow::Result<Option<i64>> {
    match text {
        None => Ok(None),
        Some(t) if t.trim_start().trim_start_matches('$').starts_with('-') => Err(usage(format!(
            "invalid `{flag} {t}`: must be a non-negative number of US dollars"
        ))
        .into()),
        Some(t) => tokens::parse_usd_flag(flag, &t).map(Some),
    }
}

fn timeout(secs: Option<f64>) -> anyhow::Result<Option<Duration>> {
    match secs {
        None => Ok(None),
        Some(s) if s > 0.0 && s.is_finite() && s < 1e9 => Ok(Some(Duration::from_secs_f64(s))),
        Some(s) => Err(usage(format!(
            "invalid `--timeout {s}`: expected a positive number of seconds"
        ))
        .into()),
    }
}

/// A server given with `--url` or `-- COMMAND` instead of a name from `.mcp.json`.
fn ad_hoc(
    url: Option<String>,
    sse: bool,
    headers: &[String],
    command: &[String],
) -> anyhow::Result<Option<Server>> {
    if let Some(url) = url {
        let transport = if sse { Transport::Sse } else { Transport::Http };
        let mut server = Server::remote(url.clone(), transport, url);
        server.headers = headers
            .iter()
            .map(|h| parse_header(h))
            .collect::<anyhow::Result<_>>()?;
        return Ok(Some(server));
    }
    if let Some((program, args)) = command.split_first() {
        return Ok(Some(Server::stdio(
            program.clone(),
            program.clone(),
            args.to_vec(),
        )));
    }
    Ok(None)
}

pub fn mcp_setup(a: cli::McpSetupArgs) -> anyhow::Result<mcp::setup::Settings> {
    let cli::McpSetupArgs {
        entry,
        variant,
        name,
        env,
        header,
        arg,
        yes,
        no_install,
        no_pin,
        no_test,
        no_discover,
        no_store_secrets,
    } = a;
    if let Some(n) = &name
        && !valid_name(n)
    {
        return Err(usage(format!(
            "invalid server name `{n}`: use letters, digits, `-` and `_`"
        ))
        .into());
    }
    Ok(mcp::setup::Settings {
        entry,
        variant,
        name,
        env: env
            .iter()
            .map(|e| parse_key_value("--env", e))
            .collect::<anyhow::Result<_>>()?,
        headers: header
            .iter()
            .map(|h| parse_header(h))
            .collect::<anyhow::Result<_>>()?,
        args: arg,
        yes,
        install: !no_install,
        pin: !no_pin,
        test: !no_test,
        discover: !no_discover,
        store_secrets: !no_store_secrets,
    })
}

pub fn mcp_add(a: cli::McpAddArgs) -> anyhow::Result<mcp::add::Settings> {
    let cli::McpAddArgs {
        name,
        transport,
        env,
        header,
        disabled,
        force,
        target,
    } = a;
    if !valid_name(&name) {
        return Err(usage(format!(
            "invalid server name `{name}`: use letters, digits, `-` and `_`"
        ))
        .into());
    }
    let looks_like_url = target.len() == 1
        && (target[0].starts_with("http://") || target[0].starts_with("https://"));
    let transport = match transport {
        Some(cli::TransportArg::Stdio) => Transport::Stdio,
        Some(cli::TransportArg::Http) => Transport::Http,
        Some(cli::TransportArg::Sse) => Transport::Sse,
        None if looks_like_url => Transport::Http,
        None => Transport::Stdio,
    };
    let mut server = match transport {
        Transport::Stdio => {
            let (program, args) = target
                .split_first()
                .ok_or_else(|| usage("a stdio server needs a command after `--`"))?;
            Server::stdio(name, program.clone(), args.to_vec())
        }
        Transport::Http | Transport::Sse => {
            if target.len() != 1 || !looks_like_url {
                return Err(usage(format!(
                    "a `{transport}` server needs one URL starting with http:// or https://, got `{}`",
                    target.join(" ")
                ))
                .into());
            }
            Server::remote(name, transport, target[0].clone())
        }
    };
    server.env = env
        .iter()
        .map(|e| parse_key_value("--env", e))
        .collect::<anyhow::Result<_>>()?;
    server.headers = header
        .iter()
        .map(|h| parse_header(h))
        .collect::<anyhow::Result<_>>()?;
    if transport == Transport::Stdio && !server.headers.is_empty() {
        return Err(usage("`--header` is for http and sse servers").into());
    }
    server.enabled = !disabled;
    Ok(mcp::add::Settings { server, force })
}

pub fn mcp_get(a: cli::McpGetArgs) -> anyhow::Result<mcp::get::Settings> {
    let cli::McpGetArgs { name } = a;
    Ok(mcp::get::Settings { name })
}

/// `--client-secret-env VAR` is read here, once: a missing variable is a usage error.
pub fn mcp_login(
    a: cli::McpLoginArgs,
    env: impl Fn(&str) -> Option<String>,
) -> anyhow::Result<mcp::login::Settings> {
    let cli::McpLoginArgs {
        name,
        client_id,
        client_secret_env,
        scope,
        no_browser,
    } = a;
    let client_secret = match client_secret_env {
        Some(var) => Some(env(&var).filter(|v| !v.is_empty()).ok_or_else(|| {
            usage(format!(
                "`--client-secret-env {var}`: the environment variable `{var}` is not set"
            ))
            .hint(format!(
                "export {var}=... with the client's secret, then run again"
            ))
        })?),
        None => None,
    };
    let scopes = scope
        .iter()
        .flat_map(|s| s.split_whitespace())
        .map(str::to_string)
        .collect();
    Ok(mcp::login::Settings {
        name,
        client_id,
        client_secret,
        scopes,
        no_browser,
    })
}

pub fn mcp_logout(a: cli::McpLogoutArgs) -> anyhow::Result<mcp::logout::Settings> {
    let cli::McpLogoutArgs { name } = a;
    Ok(mcp::logout::Settings { name })
}

pub fn mcp_remove(a: cli::McpRemoveArgs) -> anyhow::Result<mcp::remove::Settings> {
    let cli::McpRemoveArgs { name, yes } = a;
    Ok(mcp::remove::Settings { name, yes })
}

pub fn mcp_discover(a: cli::McpDiscoverArgs) -> anyhow::Result<mcp::discover::Settings> {
    let cli::McpDiscoverArgs {
        names,
        check,
        timeout: secs,
        concurrency,
    } = a;
    if concurrency == Some(0) {
        return Err(usage("invalid `--concurrency 0`: expected 1 or more").into());
    }
    Ok(mcp::discover::Settings {
        names,
        check,
        timeout: timeout(secs)?,
        concurrency,
    })
}

pub fn mcp_scan(a: cli::McpScanArgs) -> anyhow::Result<mcp::scan::Settings> {
    let cli::McpScanArgs {
        names,
        offline,
        timeout: secs,
    } = a;
    Ok(mcp::scan::Settings {
        names,
        offline,
        timeout: timeout(secs)?,
    })
}

pub fn mcp_test(a: cli::McpTestArgs) -> anyhow::Result<mcp::test::Settings> {
    let cli::McpTestArgs {
        names,
        timeout: secs,
        url,
        sse,
        header,
        command,
    } = a;
    Ok(mcp::test::Settings {
        names,
        timeout: timeout(secs)?,
        ad_hoc: ad_hoc(url, sse, &header, &command)?,
    })
}

pub fn mcp_call(a: cli::McpCallArgs) -> anyhow::Result<mcp::call::Settings> {
    let cli::McpCallArgs {
        positional,
        args,
        timeout: secs,
        url,
        sse,
        header,
        command,
    } = a;
    let ad_hoc = ad_hoc(url, sse, &header, &command)?;
    let (server, tool) = match (&ad_hoc, positional.as_slice()) {
        (Some(_), [tool]) => (None, tool.clone()),
        (None, [server, tool]) => (Some(server.clone()), tool.clone()),
        (Some(_), _) => {
            return Err(usage("with `--url` or `-- COMMAND`, give only the tool's name").into());
        }
        (None, _) => return Err(usage("give the server's name and the tool's name").into()),
    };
    let arguments = match serde_json::from_str::<serde_json::Value>(&args) {
        Ok(serde_json::Value::Object(m)) => m,
        Ok(_) => {
            return Err(
                usage("`--args` must be a JSON object, e.g. '{\"message\": \"hi\"}'").into(),
            );
        }
        Err(e) => {
            return Err(usage(format!("`--args` is not valid JSON: {e}")).into());
        }
    };
    Ok(mcp::call::Settings {
        server,
        tool,
        arguments,
        timeout: timeout(secs)?,
        ad_hoc,
    })
}

/// The env variable that holds the bearer token of `mcp serve --http`.
pub const GATEWAY_TOKEN_VAR: &str = "AIMCP_GATEWAY_TOKEN";

/// `mcp serve`. `token` is `AIMCP_GATEWAY_TOKEN`; `page_size` is `AIMCP_GATEWAY_PAGE_SIZE`
/// (the items of a merged list's page, for tests; not a user setting).
pub fn mcp_serve(
    a: cli::McpServeArgs,
    token: Option<String>,
    page_size: Option<String>,
) -> anyhow::Result<mcp::serve::Settings> {
    let cli::McpServeArgs {
        names,
        http,
        allow,
        deny,
        no_record,
    } = a;
    let patterns = |flag: &str, texts: Vec<String>| -> anyhow::Result<Vec<_>> {
        texts
            .iter()
            .map(|t| {
                crate::gateway::names::Pattern::parse(t).map_err(|why| {
                    usage(format!("invalid `{flag} {t}`: {why}"))
                        .hint("a pattern is `SERVER`, `SERVER__TOOL` or a glob such as `github__get_*`")
                        .into()
                })
            })
            .collect()
    };
    let token = token.filter(|t| !t.trim().is_empty());
    let http = match http {
        None => None,
        Some(text) => {
            let addr = http_addr(&text)?;
            if !addr.ip().is_loopback() && token.is_none() {
                return Err(usage(format!(
                    "`--http {text}` is not a loopback address, and `{GATEWAY_TOKEN_VAR}` is not set"
                ))
                .hint(format!(
                    "set `{GATEWAY_TOKEN_VAR}` to a long random token that clients send as `Authorization: Bearer ...`, or serve on `127.0.0.1:PORT`"
                ))
                .into());
            }
            Some(mcp::serve::Http { addr, token })
        }
    };
    let page_size = page_size
        .and_then(|p| p.trim().parse::<usize>().ok())
        .filter(|n| *n > 0)
        .unwrap_or(mcp::serve::PAGE_SIZE);
    Ok(mcp::serve::Settings {
        names,
        http,
        allow: patterns("--allow", allow)?,
        deny: patterns("--deny", deny)?,
        record: !no_record,
        page_size,
    })
}

/// `HOST:PORT` of `--http`: an IP address (`[::1]` for IPv6) or `localhost`.
fn http_addr(text: &str) -> anyhow::Result<std::net::SocketAddr> {
    let bad = || {
        usage(format!(
            "invalid `--http {text}`: expected an address and port"
        ))
        .hint("e.g. `--http 127.0.0.1:8700` (port 0 picks a free one)")
    };
    let t = text.trim();
    if let Some(port) = t.strip_prefix("localhost:") {
        let port: u16 = port.parse().map_err(|_| bad())?;
        return Ok(std::net::SocketAddr::from(([127, 0, 0, 1], port)));
    }
    t.parse::<std::net::SocketAddr>().map_err(|_| bad().into())
}

pub fn tokens_record(a: cli::TokensRecordArgs) -> anyhow::Result<tokens::record::Settings> {
    let cli::TokensRecordArgs {
        jsonl,
        provider,
        model,
        input,
        output,
        cache_read,
        cache_write,
        cache_write_1h,
        reasoning,
        user,
        project,
        org,
        session,
        request_id,
        cost,
        at,
        latency_ms,
        failed,
    } = a;
    Ok(tokens::record::Settings {
        jsonl,
        provider,
        model,
        input,
        output,
        cache_read,
        cache_write,
        cache_write_1h,
        reasoning,
        user,
        project,
        org,
        session,
        request_id,
        cost,
        at,
        latency_ms,
        failed,
    })
}

pub fn tokens_import(a: cli::TokensImportArgs) -> anyhow::Result<tokens::import::Settings> {
    let cli::TokensImportArgs { source, path } = a;
    Ok(tokens::import::Settings {
        source: match source {
            cli::ImportSourceArg::ClaudeCode => tokens::import::Source::ClaudeCode,
            cli::ImportSourceArg::Codex => tokens::import::Source::Codex,
        },
        path,
    })
}

/// `--days`/`--since`/`--until`/`--tz`, checked once.
fn window_spec(a: cli::WindowArgs) -> anyhow::Result<WindowSpec> {
    let cli::WindowArgs {
        days,
        since,
        until,
        tz,
    } = a;
    WindowSpec::parse(days, since.as_deref(), until.as_deref(), tz.as_deref())
}

pub fn mcp_stats(a: cli::McpStatsArgs) -> anyhow::Result<mcp::stats::Settings> {
    let cli::McpStatsArgs { window, by, csv } = a;
    Ok(mcp::stats::Settings {
        window: window_spec(window)?,
        by: match by {
            cli::StatsByArg::Server => crate::usage::calls::StatsBy::Server,
            cli::StatsByArg::Tool => crate::usage::calls::StatsBy::Tool,
            cli::StatsByArg::Day => crate::usage::calls::StatsBy::Day,
        },
        csv,
    })
}

pub fn tokens_summary(a: cli::TokensSummaryArgs) -> anyhow::Result<tokens::summary::Settings> {
    let cli::TokensSummaryArgs {
        window,
        by,
        budget,
        csv,
    } = a;
    Ok(tokens::summary::Settings {
        window: window_spec(window)?,
        by: match by {
            cli::GroupByArg::Day => tokens::summary::GroupBy::Day,
            cli::GroupByArg::Week => tokens::summary::GroupBy::Week,
            cli::GroupByArg::Month => tokens::summary::GroupBy::Month,
            cli::GroupByArg::Provider => tokens::summary::GroupBy::Provider,
            cli::GroupByArg::Model => tokens::summary::GroupBy::Model,
            cli::GroupByArg::User => tokens::summary::GroupBy::User,
            cli::GroupByArg::Project => tokens::summary::GroupBy::Project,
            cli::GroupByArg::Machine => tokens::summary::GroupBy::Machine,
        },
        budget: usd("--budget", budget)?,
        csv,
    })
}

pub fn tokens_report(a: cli::TokensReportArgs) -> anyhow::Result<tokens::report::Settings> {
    let cli::TokensReportArgs {
        window,
        by,
        format,
        output,
    } = a;
    use tokens::report::{By, Format};
    Ok(tokens::report::Settings {
        window: window_spec(window)?,
        by: match by {
            cli::ReportByArg::Provider => By::Provider,
            cli::ReportByArg::Model => By::Model,
            cli::ReportByArg::User => By::User,
            cli::ReportByArg::Project => By::Project,
        },
        format: format.map(|f| match f {
            cli::ReportFormatArg::Text => Format::Text,
            cli::ReportFormatArg::Markdown => Format::Markdown,
            cli::ReportFormatArg::Html => Format::Html,
            cli::ReportFormatArg::Json => Format::Json,
        }),
        output,
    })
}

pub fn tokens_blocks(a: cli::TokensBlocksArgs) -> anyhow::Result<tokens::blocks::Settings> {
    let cli::TokensBlocksArgs { days, active } = a;
    if days == Some(0) {
        return Err(usage("invalid `--days 0`: expected 1 or more").into());
    }
    Ok(tokens::blocks::Settings {
        days: days.unwrap_or(7),
        active,
    })
}

pub fn tokens_budget_set(
    a: cli::TokensBudgetSetArgs,
) -> anyhow::Result<tokens::budget::SetSettings> {
    let cli::TokensBudgetSetArgs {
        daily,
        monthly,
        per_request,
        scope,
        thresholds,
    } = a;
    let limit = match (
        usd("--daily", daily)?,
        usd("--monthly", monthly)?,
        usd("--per-request", per_request)?,
    ) {
        (Some(v), _, _) => (Period::Daily, v),
        (_, Some(v), _) => (Period::Monthly, v),
        (_, _, Some(v)) => (Period::PerRequest, v),
        _ => return Err(usage("give one of `--daily`, `--monthly` or `--per-request`").into()),
    };
    Ok(tokens::budget::SetSettings {
        limit,
        scope: tokens::parse_scope(&scope)?,
        thresholds: tokens::budget::parse_thresholds(&thresholds)?,
    })
}

pub fn tokens_check(a: cli::TokensCheckArgs) -> anyhow::Result<tokens::check::Settings> {
    let cli::TokensCheckArgs { estimate, scope } = a;
    Ok(tokens::check::Settings {
        estimate: usd("--estimate", estimate)?,
        scope: scope.as_deref().map(tokens::parse_scope).transpose()?,
    })
}

pub fn tokens_prices(a: cli::TokensPricesArgs) -> anyhow::Result<tokens::prices::Settings> {
    let cli::TokensPricesArgs { model } = a;
    Ok(tokens::prices::Settings { model })
}

pub fn tokens_export(a: cli::TokensExportArgs) -> anyhow::Result<tokens::export::Settings> {
    let cli::TokensExportArgs {
        csv,
        jsonl,
        since,
        until,
    } = a;
    Ok(tokens::export::Settings {
        format: if jsonl && !csv {
            tokens::export::Format::Jsonl
        } else {
            tokens::export::Format::Csv
        },
        since: since.map(|t| Bound::parse("--since", &t)).transpose()?,
        until: until.map(|t| Bound::parse("--until", &t)).transpose()?,
    })
}

pub fn tokens_sync(a: cli::TokensSyncArgs) -> anyhow::Result<tokens::sync::Settings> {
    let cli::TokensSyncArgs { to, since } = a;
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let to = match to.to_str().and_then(|t| t.strip_prefix("sqlite://")) {
        Some(path) => crate::usage::DbLocation::Sqlite(cwd.join(path)),
        None => crate::usage::DbLocation::parse(&to, &cwd),
    };
    to.refuse_other_urls("--to")?;
    Ok(tokens::sync::Settings {
        to,
        since: since.map(|t| Bound::parse("--since", &t)).transpose()?,
    })
}

pub fn run(a: cli::RunArgs) -> anyhow::Result<commands::run::Settings> {
    let cli::RunArgs {
        env_file,
        gateway,
        command,
    } = a;
    let Some((program, args)) = command.split_first() else {
        return Err(usage("missing the command to run")
            .hint("`aimcp run -- COMMAND [ARG]...`, e.g. `aimcp run -- claude`")
            .into());
    };
    if program.is_empty() {
        return Err(usage("the command to run is empty").into());
    }
    Ok(commands::run::Settings {
        env_file,
        gateway,
        program: program.clone(),
        args: args.to_vec(),
    })
}

/// `--client` as the client's id.
pub fn client_id(c: cli::ClientArg) -> crate::config::clients::ClientId {
    use crate::config::clients::ClientId;
    match c {
        cli::ClientArg::Claude => ClientId::Claude,
        cli::ClientArg::Cursor => ClientId::Cursor,
        cli::ClientArg::Vscode => ClientId::Vscode,
        cli::ClientArg::Codex => ClientId::Codex,
        cli::ClientArg::Gemini => ClientId::Gemini,
        cli::ClientArg::Windsurf => ClientId::Windsurf,
        cli::ClientArg::ClaudeDesktop => ClientId::ClaudeDesktop,
    }
}

pub fn mcp_sync(
    a: cli::McpSyncArgs,
    homes: crate::config::clients::Homes,
) -> anyhow::Result<mcp::sync::Settings> {
    let cli::McpSyncArgs {
        client,
        check,
        via_gateway,
    } = a;
    Ok(mcp::sync::Settings {
        clients: client.into_iter().map(client_id).collect(),
        check,
        via_gateway,
        homes,
    })
}

pub fn mcp_switch(a: cli::McpSwitchArgs, on: bool) -> anyhow::Result<mcp::switch::Settings> {
    let cli::McpSwitchArgs { name, tool } = a;
    if let Some(t) = tool.iter().find(|t| t.trim().is_empty()) {
        return Err(usage(format!("`--tool {t:?}`: a tool name cannot be empty")).into());
    }
    Ok(mcp::switch::Settings {
        name,
        tools: tool,
        on,
    })
}

pub fn mcp_import(
    a: cli::McpImportArgs,
    homes: crate::config::clients::Homes,
) -> anyhow::Result<mcp::import::Settings> {
    let cli::McpImportArgs { from, yes } = a;
    Ok(mcp::import::Settings {
        from: client_id(from),
        yes,
        homes,
    })
}

//! `aimcp mcp test`

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};

use super::{Targets, for_each_server, ms, probe, report_failure};
use crate::config::Server;
use crate::error::no;
use crate::mcp;
use crate::printer::Printer;
use crate::settings::Globals;

#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub names: Vec<String>,
    pub timeout: Option<Duration>,
    /// A server given with `--url` or `-- COMMAND`, not from `.mcp.json`.
    pub ad_hoc: Option<Server>,
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
    let auth = super::oauth(
        globals,
        printer,
        &targets,
        super::SignIn::automatic(globals, printer),
    )?;
    let opts = targets
        .options(timeout)
        .with_trace(printer.mcp_trace())
        .with_auth(auth.map(|a| a as Arc<dyn mcp::auth::Authorizer>));
    let limit = targets.concurrency(None);
    let spinner = printer.spinner(if targets.servers.len() == 1 {
        format!("testing `{}`", targets.servers[0].name)
    } else {
        format!("testing {} servers", targets.servers.len())
    });
    let resolver = targets.resolver.clone();
    let outcomes = mcp::block_on(for_each_server(&targets.servers, limit, |_, s| {
        probe(s, resolver.clone(), opts.clone())
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

//! `aimcp mcp discover`

use std::sync::Arc;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{Value, json};

use super::discovery::{Outcome, discover_one};
use super::{Targets, for_each_server, ms, report_failure};
use crate::config::tools::{ToolsFile, edit_tools, entry_matches, rfc3339, tokenizer};
use crate::config::tools_path;
use crate::error::no;
use crate::mcp;
use crate::printer::Printer;
use crate::settings::Globals;

#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub names: Vec<String>,
    pub check: bool,
    pub timeout: Option<Duration>,
    pub concurrency: Option<usize>,
}

pub fn run(globals: &Globals, settings: Settings, printer: &Printer) -> anyhow::Result<()> {
    let Settings {
        names,
        check,
        timeout,
        concurrency,
    } = settings;
    let targets = Targets::select(globals, &names, None)?;
    if targets.servers.is_empty() {
        if printer.is_json() {
            printer.json(&json!({"servers": []}))?;
        } else {
            printer.info(format!(
                "no enabled servers in `{}`",
                targets.config_path.display()
            ));
        }
        return Ok(());
    }
    let tools_file = tools_path(&targets.config_path);
    let previous = ToolsFile::load(&tools_file)?;
    let known = Arc::new(previous.known_footprints());
    let discovered_at = rfc3339(globals.now);
    // Load the tokenizer while the servers start, unless every server has a counted entry.
    let needs_tokenizer = targets.servers.iter().any(|s| {
        previous
            .get(&s.name)
            .and_then(|e| e.get("tools_hash"))
            .and_then(Value::as_str)
            .is_none_or(|h| !known.contains_key(h))
    });
    let loader = needs_tokenizer.then(|| {
        std::thread::spawn(|| {
            let _ = tokenizer();
        })
    });
    let auth = super::oauth(
        globals,
        printer,
        &targets,
        super::SignIn::automatic(globals, printer),
    );
    let opts = targets
        .options(timeout)
        .with_trace(printer.mcp_trace())
        .with_auth(auth.map(|a| a as Arc<dyn mcp::auth::Authorizer>));
    let limit = targets.concurrency(concurrency);
    let multi = printer.multi_progress();
    let style = ProgressStyle::with_template("{spinner} {prefix:.bold} {msg} {elapsed:.dim}")
        .unwrap_or_else(|_| ProgressStyle::default_spinner());
    let bars: Vec<ProgressBar> = targets
        .servers
        .iter()
        .map(|s| {
            let bar = multi.add(ProgressBar::new_spinner());
            bar.set_style(style.clone());
            bar.set_prefix(s.name.clone());
            bar.set_message("waiting");
            if printer.shows_progress() {
                bar.enable_steady_tick(Duration::from_millis(100));
            }
            bar
        })
        .collect();
    let resolver = targets.resolver.clone();
    let outcomes = mcp::block_on(for_each_server(&targets.servers, limit, |i, s| {
        discover_one(
            s,
            resolver.clone(),
            opts.clone(),
            bars[i].clone(),
            known.clone(),
        )
    }));
    let _ = multi.clear();
    if let Some(l) = loader {
        let _ = l.join();
    }

    // Drift: the stored entry is not what the server serves now, by its stored hash or by
    // its tools hashed again.
    let changed = |o: &Outcome| match &o.result {
        Ok(f) => !previous
            .get(&o.name)
            .is_some_and(|e| entry_matches(e, &f.hash)),
        Err(_) => false,
    };
    let mut wrote = false;
    if !check {
        let ok: Vec<(&str, &Value)> = outcomes
            .iter()
            .filter_map(|o| o.result.as_ref().ok().map(|f| (o.name.as_str(), &f.entry)))
            .collect();
        if !ok.is_empty() {
            wrote = edit_tools(&tools_file, |f| {
                // An unchanged server keeps its entry, `discovered_at` and all.
                let mut changed = false;
                for (name, entry) in &ok {
                    changed |= f.record(name, (*entry).clone(), &discovered_at);
                }
                Ok(changed)
            })?;
        }
    }

    let failed = outcomes.iter().filter(|o| o.result.is_err()).count();
    let drifted: Vec<&str> = outcomes
        .iter()
        .filter(|o| changed(o))
        .map(|o| o.name.as_str())
        .collect();
    if printer.is_json() {
        let servers: Vec<Value> = outcomes
            .iter()
            .map(|o| match &o.result {
                Ok(f) => json!({
                    "name": o.name, "ok": true, "tools": f.tools, "prompts": f.prompts,
                    "resources": f.resources, "token_footprint": f.tokens,
                    "changed": changed(o), "error": null, "ms": o.ms,
                }),
                Err(e) => json!({
                    "name": o.name, "ok": false, "tools": null, "token_footprint": null,
                    "changed": false, "error": e.full(), "step": o.step, "ms": o.ms,
                }),
            })
            .collect();
        printer.json(&json!({"servers": servers}))?;
    } else {
        let mut table = printer.table();
        table.set_header(vec![
            "server",
            "tools",
            "prompts",
            "resources",
            "tokens",
            "time",
            "status",
        ]);
        for o in &outcomes {
            let row = match &o.result {
                Ok(f) => vec![
                    o.name.clone(),
                    f.tools.to_string(),
                    f.prompts.to_string(),
                    f.resources.to_string(),
                    f.tokens.to_string(),
                    ms(o.ms),
                    match (changed(o), check) {
                        (true, true) => "differs".to_string(),
                        (true, false) => "updated".to_string(),
                        (false, _) => "unchanged".to_string(),
                    },
                ],
                Err(_) => vec![
                    o.name.clone(),
                    "-".into(),
                    "-".into(),
                    "-".into(),
                    "-".into(),
                    ms(o.ms),
                    format!("failed at {}", o.step),
                ],
            };
            table.add_row(row);
        }
        printer.print_table(&table)?;
        for o in &outcomes {
            if let Err(e) = &o.result {
                report_failure(printer, &o.name, o.step, e);
            }
        }
        if wrote {
            printer.info(format!("wrote `{}`", tools_file.display()));
        } else if !check && failed < outcomes.len() {
            printer.info(format!("`{}` is up to date", tools_file.display()));
        }
    }
    if failed > 0 {
        return Err(no(format!(
            "{failed} of {} servers could not be discovered; their previous entries are kept",
            outcomes.len()
        ))
        .into());
    }
    if check && !drifted.is_empty() {
        let names: Vec<String> = drifted.iter().map(|n| format!("`{n}`")).collect();
        return Err(no(format!(
            "the tools of {} differ from `.mcp.tools.json`",
            names.join(", ")
        ))
        .hint("run `aimcp mcp discover` and commit `.mcp.tools.json`")
        .into());
    }
    Ok(())
}

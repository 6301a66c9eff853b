//! `aimcp mcp discover`

use std::sync::Arc;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{Value, json};

use serde::Serialize;

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

/// `--json`: `{"servers": [...]}`, one row a server.
#[derive(Debug, Serialize)]
pub struct DiscoverReport {
    servers: Vec<DiscoverRow>,
}

/// One server's discovery: counts when it answered, `error` and `step` when it did not.
#[derive(Debug, Serialize)]
pub struct DiscoverRow {
    name: String,
    ok: bool,
    tools: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    prompts: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    resources: Option<usize>,
    token_footprint: Option<usize>,
    /// The footprint without the tools `disabledTools` switches off.
    #[serde(skip_serializing_if = "Option::is_none")]
    token_footprint_enabled: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    disabled_tools: Option<Vec<String>>,
    changed: bool,
    error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    step: Option<&'static str>,
    ms: u64,
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
    )?;
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
    let switched_off = disabled_patterns(&targets.config_path);
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
    // The tools `.mcp.json` switches off stay recorded, marked, with what the rest cost.
    let mut outcomes = outcomes;
    for o in &mut outcomes {
        if let Ok(f) = &mut o.result {
            mark_disabled(
                f,
                switched_off.get(&o.name).map(Vec::as_slice).unwrap_or(&[]),
            );
        }
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
        let servers: Vec<DiscoverRow> = outcomes
            .iter()
            .map(|o| match &o.result {
                Ok(f) => DiscoverRow {
                    name: o.name.clone(),
                    ok: true,
                    tools: Some(f.tools),
                    prompts: Some(f.prompts),
                    resources: Some(f.resources),
                    token_footprint: Some(f.tokens),
                    token_footprint_enabled: Some(
                        f.entry
                            .get("token_footprint_enabled")
                            .and_then(Value::as_u64)
                            .map_or(f.tokens, |n| n as usize),
                    ),
                    disabled_tools: Some(
                        f.entry
                            .get("disabled_tools")
                            .and_then(Value::as_array)
                            .map(|a| {
                                a.iter()
                                    .filter_map(|n| n.as_str().map(str::to_string))
                                    .collect()
                            })
                            .unwrap_or_default(),
                    ),
                    changed: changed(o),
                    error: None,
                    step: None,
                    ms: o.ms,
                },
                Err(e) => DiscoverRow {
                    name: o.name.clone(),
                    ok: false,
                    tools: None,
                    prompts: None,
                    resources: None,
                    token_footprint: None,
                    token_footprint_enabled: None,
                    disabled_tools: None,
                    changed: false,
                    error: Some(e.full()),
                    step: Some(o.step),
                    ms: o.ms,
                },
            })
            .collect();
        printer.json(&DiscoverReport { servers })?;
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

/// Each server's `disabledTools` patterns from `.mcp.json` (none when it cannot be read: the
/// command reports that elsewhere).
fn disabled_patterns(config: &std::path::Path) -> std::collections::HashMap<String, Vec<String>> {
    let Ok(file) = crate::config::ConfigFile::load(config) else {
        return Default::default();
    };
    file.servers()
        .iter()
        .filter_map(|s| {
            let d = file.disabled_tools(&s.name).ok()?;
            (!d.is_empty()).then(|| (s.name.clone(), d))
        })
        .collect()
}

/// Marks the tools that `patterns` switch off (`disabled_tools`, names as the server gives
/// them) and counts `token_footprint_enabled`: the footprint without them, what switching them
/// off saves. Every tool stays recorded.
fn mark_disabled(found: &mut super::discovery::Found, patterns: &[String]) {
    let Some(tools) = found.entry.get("tools").and_then(Value::as_array) else {
        return;
    };
    let off = |name: &str| {
        patterns
            .iter()
            .any(|p| p == name || (p.contains(['*', '?']) && crate::gateway::names::glob(p, name)))
    };
    let (disabled, enabled): (Vec<&Value>, Vec<&Value>) = tools
        .iter()
        .partition(|t| t.get("name").and_then(Value::as_str).is_some_and(off));
    let names: Vec<Value> = disabled
        .iter()
        .filter_map(|t| t.get("name").cloned())
        .collect();
    let enabled_tokens = if names.is_empty() {
        found.tokens
    } else {
        let enabled: Vec<Value> = enabled.into_iter().cloned().collect();
        crate::config::tools::token_footprint(&enabled)
    };
    // Only where a pattern applies: an entry discovered before these keys stays as it was.
    if names.is_empty() {
        return;
    }
    if let Some(m) = found.entry.as_object_mut() {
        m.insert("disabled_tools".into(), Value::Array(names));
        m.insert("token_footprint_enabled".into(), json!(enabled_tokens));
    }
}

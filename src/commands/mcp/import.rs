//! `aimcp mcp import --from CLIENT [--yes]`: a client's servers into `.mcp.json`, with literal
//! secrets moved to `.env` as `setup` and `add` do, shown before anything is written.

use std::path::PathBuf;

use serde::Serialize;

use super::{ServerView, Variable, protect_secrets, server_view};
use crate::config::clients::{ClientId, Homes};
use crate::config::{self, CONFIG_FILE, dotenv, valid_name};
use crate::error::{cancelled, no, usage};
use crate::printer::Printer;
use crate::prompt::{InquirePrompter, Prompter};
use crate::settings::Globals;

#[derive(Debug, Clone)]
pub struct Settings {
    pub from: ClientId,
    pub yes: bool,
    pub homes: Homes,
}

#[derive(Debug, Serialize)]
struct Report {
    from: String,
    path: PathBuf,
    config: PathBuf,
    imported: Vec<ServerView>,
    kept: Vec<String>,
    skipped: Vec<String>,
    variables: Vec<String>,
    written: bool,
}

pub fn run(globals: &Globals, settings: Settings, printer: &Printer) -> anyhow::Result<()> {
    let Settings { from, yes, homes } = settings;
    let located = globals.locate_config_to_write()?;
    let dir = located.dir();
    let client = from.client();
    let candidates: Vec<PathBuf> = client
        .project_path(&dir)
        .filter(|p| !p.ends_with(CONFIG_FILE))
        .into_iter()
        .chain(client.user_path(&homes))
        .collect();
    let Some(path) = candidates.iter().find(|p| p.is_file()).cloned() else {
        let looked: Vec<String> = candidates
            .iter()
            .map(|p| format!("`{}`", p.display()))
            .collect();
        return Err(no(format!(
            "no `{from}` config to import: looked for {}",
            if looked.is_empty() {
                "its file, but the home folder is unknown".to_string()
            } else {
                looked.join(" and ")
            }
        ))
        .into());
    };
    let text = std::fs::read_to_string(&path)
        .map_err(|e| anyhow::Error::new(e).context(format!("cannot read `{}`", path.display())))?;
    let doc = client.load(&path, Some(&text))?;
    let existing = if located.exists {
        Some(config::ConfigFile::load(&located.path)?)
    } else {
        None
    };

    let mut plan = Vec::new();
    let (mut kept, mut skipped) = (Vec::new(), Vec::new());
    let mut variables: Vec<Variable> = Vec::new();
    for entry in doc.servers()? {
        if doc.is_gateway(&entry.name) {
            skipped.push(format!("`{}` is aimcp's own gateway entry", entry.name));
            continue;
        }
        if !valid_name(&entry.name) {
            skipped.push(format!(
                "`{}` is not a name aimcp takes (letters, digits, `-`, `_`)",
                entry.name
            ));
            continue;
        }
        let mut server = entry.to_server();
        let vars = protect_secrets(&mut server);
        match existing.as_ref().and_then(|f| f.server(&entry.name)) {
            Some(old) if *old == server => {
                kept.push(entry.name.clone());
                continue;
            }
            Some(_) => {
                skipped.push(format!(
                    "`{}` is already in `.mcp.json`, configured otherwise; kept as it is (remove it first to import it)",
                    entry.name
                ));
                continue;
            }
            None => {}
        }
        variables.extend(vars);
        plan.push((server, entry.disabled_tools));
    }

    clashing_secrets(&variables, &dir.join(dotenv::DOTENV_FILE))?;
    let names: Vec<&str> = plan.iter().map(|(s, _)| s.name.as_str()).collect();
    if !printer.is_json() {
        printer.info(format!("from `{}` ({from}):", path.display()));
        for (s, off) in &plan {
            let mut line = format!("  + {} ({}): {}", s.name, s.transport, s.target());
            if !s.enabled {
                line.push_str(" [disabled]");
            }
            if !off.is_empty() {
                line.push_str(&format!(" [tools off: {}]", off.join(", ")));
            }
            printer.info(line);
        }
        for v in &variables {
            printer.info(format!(
                "  the literal of {} goes to `.env` as `{}`",
                v.used_in, v.name
            ));
        }
        for k in &kept {
            printer.info(format!("  = {k} (already in `.mcp.json`)"));
        }
        for s in &skipped {
            printer.warn(s);
        }
    }
    if plan.is_empty() {
        if printer.is_json() {
            return printer.json(&Report {
                from: from.to_string(),
                path,
                config: located.path,
                imported: Vec::new(),
                kept,
                skipped,
                variables: Vec::new(),
                written: false,
            });
        }
        printer.info("nothing to import");
        return Ok(());
    }
    if !yes {
        if !printer.is_interactive() {
            return Err(usage(format!(
                "not writing {} to `{}` without confirmation",
                names.join(", "),
                located.path.display()
            ))
            .hint("pass `--yes` to import without a prompt")
            .into());
        }
        let question = format!(
            "Write {} server(s) to {}?",
            plan.len(),
            located.path.display()
        );
        if !InquirePrompter.confirm(&question, true)? {
            return Err(cancelled().into());
        }
    }
    if !variables.is_empty() {
        dotenv::check_not_tracked(
            &dir,
            "or export the variables and write `${VAR}` in the client's file before importing",
        )?;
    }
    let stored = config::edit_at(&located.path, |file| {
        let stored = if variables.is_empty() {
            None
        } else {
            let pairs: Vec<(String, String)> = variables
                .iter()
                .map(|v| (v.name.clone(), v.value.clone()))
                .collect();
            Some(dotenv::store_locked(&dir, &pairs)?)
        };
        for (server, off) in &plan {
            file.upsert(server);
            file.set_disabled_tools(&server.name, off);
        }
        file.save()?;
        Ok(stored)
    })?;

    if printer.is_json() {
        return printer.json(&Report {
            from: from.to_string(),
            path,
            config: located.path,
            imported: plan
                .iter()
                .map(|(s, off)| server_view(s, None, off.clone(), None))
                .collect(),
            kept,
            skipped,
            variables: variables.iter().map(|v| v.name.clone()).collect(),
            written: true,
        });
    }
    printer.info(format!(
        "imported {} into `{}`",
        names.join(", "),
        located.path.display()
    ));
    if let Some(gi) = stored.as_ref().and_then(|s| s.gitignore.as_ref()) {
        printer.info(format!("added `.env` to `{}`", gi.display()));
    }
    Ok(())
}

/// Refuses (exit 1, nothing written) secrets that would overwrite each other in `.env`: two
/// servers' values under one variable name, or a name `.env` already sets to another value.
fn clashing_secrets(variables: &[Variable], dotenv_path: &std::path::Path) -> anyhow::Result<()> {
    for (i, v) in variables.iter().enumerate() {
        if variables[..i]
            .iter()
            .any(|w| w.name == v.name && w.value != v.value)
        {
            return Err(no(format!(
                "two servers keep different secrets in `{}`: `.env` can hold only one",
                v.name
            ))
            .hint("import them one at a time, or give the variables distinct names in the client's file first")
            .into());
        }
    }
    if dotenv_path.is_file() {
        let existing = dotenv::read(dotenv_path)?;
        if let Some(v) = variables.iter().find(|v| {
            existing
                .iter()
                .any(|(k, old)| k == &v.name && old != &v.value)
        }) {
            return Err(no(format!(
                "`{}` is already set in `{}` to another value",
                v.name,
                dotenv_path.display()
            ))
            .hint("remove it from `.env` first, or rename the variable in the client's file")
            .into());
        }
    }
    Ok(())
}

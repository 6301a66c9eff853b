//! `aimcp mcp add NAME ... (-- COMMAND [ARG]... | URL)`, like `claude mcp add`.
//!
//! A secret-looking `--env` value or `--header` literal never reaches `.mcp.json`: the file gets a
//! `${VAR}` reference and the value goes to the project's `.env` (mode 0600, in `.gitignore`;
//! refused when `.env` is tracked by git), as `mcp setup` does: asked at a terminal, stored
//! without one. To keep a value out of every file, pass the reference (`--env KEY='${KEY}'`) and
//! export `KEY`.

use std::path::Path;

use super::{
    ServerView, Variable, how_to_start, protect_secrets, referenced_variables, server_view,
};
use crate::config::{self, Server, dotenv};
use crate::error::no;
use crate::printer::Printer;
use crate::prompt::{InquirePrompter, Prompter};
use crate::settings::Globals;

#[derive(Debug, Clone)]
pub struct Settings {
    pub server: Server,
    pub force: bool,
}

/// `--json`: what was added, and the variables its secrets went to.
#[derive(Debug, serde::Serialize)]
pub struct AddReport {
    added: String,
    replaced: bool,
    config: std::path::PathBuf,
    server: ServerView,
    variables: Vec<AddedVariable>,
    env_file: Option<std::path::PathBuf>,
    /// The client files `aimcp mcp sync` would change (nothing is written with `--json`).
    would_sync: Vec<std::path::PathBuf>,
}

#[derive(Debug, serde::Serialize)]
pub struct AddedVariable {
    name: String,
    used_in: String,
    stored: bool,
}

pub fn run(globals: &Globals, settings: Settings, printer: &Printer) -> anyhow::Result<()> {
    let mut inquire = InquirePrompter;
    let prompter: Option<&mut dyn Prompter> = if printer.is_interactive() {
        Some(&mut inquire)
    } else {
        None
    };
    add(globals, settings, printer, prompter)
}

/// The command, with its prompts (None without a terminal).
pub(crate) fn add(
    globals: &Globals,
    settings: Settings,
    printer: &Printer,
    mut prompter: Option<&mut dyn Prompter>,
) -> anyhow::Result<()> {
    let Settings { mut server, force } = settings;
    let variables = protect_secrets(&mut server);
    let located = globals.locate_config_to_write()?;
    let dir = located.dir();
    let dotenv_path = dir.join(dotenv::DOTENV_FILE);

    // A secret literal goes to `.env` (as `setup` does), asked at a terminal, else stored: the
    // value was typed on the command line to be used, and dropping it would leave a server that
    // cannot start.
    let mut store = !variables.is_empty();
    if store && !force {
        if let Some(existing) = clashing(&variables, &dotenv_path)? {
            return Err(no(format!(
                "`{existing}` is already set in `{}` to another value",
                dotenv_path.display()
            ))
            .hint(format!(
                "pass `--force` to replace it, or the reference instead: `--env {existing}='${{{existing}}}'`"
            ))
            .into());
        }
        if let Some(p) = prompter.as_deref_mut() {
            let names: Vec<&str> = variables.iter().map(|v| v.name.as_str()).collect();
            store = p.confirm(
                &format!(
                    "Store {} in .env (mode 0600, kept out of git)?",
                    names.join(", ")
                ),
                true,
            )?;
        }
    }
    if store {
        dotenv::check_not_tracked(
            &dir,
            "or keep the secret out of files: pass the reference, e.g. `--env KEY='${KEY}'`, and export KEY",
        )?;
    }
    // `.env` first, under the same lock: if it cannot be written, `.mcp.json` is left as it
    // was, rather than pointing at a `${VAR}` whose typed value was lost.
    let (replaced, stored) = config::edit_at(&located.path, |file| {
        if file.server(&server.name).is_some() && !force {
            return Err(no(format!(
                "server `{}` already exists in `{}`",
                server.name,
                file.path().display()
            ))
            .hint("pass `--force` to replace it")
            .into());
        }
        let stored = if store {
            let pairs: Vec<(String, String)> = variables
                .iter()
                .map(|v| (v.name.clone(), v.value.clone()))
                .collect();
            Some(dotenv::store_locked(&dir, &pairs)?)
        } else {
            None
        };
        let replaced = file.upsert(&server);
        file.save()?;
        Ok((replaced, stored))
    })?;

    if printer.is_json() {
        let would_sync = super::offer_sync(&located.path, None, false, printer)?;
        return printer.json(&AddReport {
            added: server.name.clone(),
            replaced,
            config: located.path.clone(),
            server: server_view(&server, None, Vec::new(), None),
            variables: variables
                .iter()
                .map(|v| AddedVariable {
                    name: v.name.clone(),
                    used_in: v.used_in.clone(),
                    stored: store,
                })
                .collect(),
            env_file: stored.as_ref().map(|s| s.path.clone()),
            would_sync,
        });
    }
    printer.info(format!(
        "{} {} server `{}` {} `{}`",
        if replaced { "replaced" } else { "added" },
        server.transport,
        server.name,
        if replaced { "in" } else { "to" },
        located.path.display()
    ));
    for v in &variables {
        printer.info(format!(
            "the value of {} is {}; `.mcp.json` reads `${{{}}}`",
            v.used_in,
            if store {
                "stored in `.env` (mode 0600)"
            } else {
                "not stored anywhere"
            },
            v.name
        ));
    }
    if let Some(gi) = stored.as_ref().and_then(|s| s.gitignore.as_ref()) {
        printer.info(format!("added `.env` to `{}`", gi.display()));
    }
    super::offer_sync(&located.path, prompter, false, printer)?;
    let lines = how_to_start(&referenced_variables(&server), Some(&dotenv_path));
    if !(lines.len() == 1 && variables.is_empty() && referenced_variables(&server).is_empty()) {
        for line in lines {
            printer.hint(line);
        }
    }
    Ok(())
}

/// The first variable that `.env` already sets to a different value.
fn clashing(variables: &[Variable], dotenv_path: &Path) -> anyhow::Result<Option<String>> {
    if !dotenv_path.is_file() {
        return Ok(None);
    }
    let existing = dotenv::read(dotenv_path)?;
    Ok(variables
        .iter()
        .find(|v| {
            existing
                .iter()
                .any(|(k, old)| k == &v.name && old != &v.value)
        })
        .map(|v| v.name.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prompt::{Answer, ScriptedPrompter};

    fn globals(dir: &Path) -> Globals {
        Globals {
            project_dir: dir.to_path_buf(),
            config: None,
            json: false,
            quiet: true,
            verbose: 0,
            no_input: false,
            color: crate::printer::ColorChoice::Never,
            pricing: None,
            db: None,
            machine: None,
            now: jiff::Timestamp::now(),
        }
    }

    fn time_server() -> Settings {
        Settings {
            server: Server::stdio("time", "uvx", vec!["mcp-server-time".into()]),
            force: false,
        }
    }

    /// At a terminal, with a `.cursor/mcp.json` in the project, `add` asks (yes by default) and
    /// writes the server into Cursor's file too, keeping what was there; without a terminal it
    /// writes nothing there.
    #[test]
    fn add_at_a_terminal_offers_to_sync_the_clients_the_project_uses() {
        let dir = tempfile::tempdir().unwrap();
        let cursor = dir.path().join(".cursor/mcp.json");
        std::fs::create_dir_all(cursor.parent().unwrap()).unwrap();
        std::fs::write(
            &cursor,
            "{\"mcpServers\": {\"mine\": {\"command\": \"x\"}}}\n",
        )
        .unwrap();
        let mut script = ScriptedPrompter::new([Answer::Enter]);
        add(
            &globals(dir.path()),
            time_server(),
            &Printer::for_tests(),
            Some(&mut script),
        )
        .unwrap();
        assert_eq!(
            script.asked,
            ["Write it into `.cursor/mcp.json` too (`aimcp mcp sync`)?"]
        );
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&cursor).unwrap()).unwrap();
        assert_eq!(v["mcpServers"]["mine"]["command"], "x");
        assert_eq!(
            v["mcpServers"]["time"],
            serde_json::json!({"command": "uvx", "args": ["mcp-server-time"]})
        );

        let dir = tempfile::tempdir().unwrap();
        let cursor = dir.path().join(".cursor/mcp.json");
        std::fs::create_dir_all(cursor.parent().unwrap()).unwrap();
        std::fs::write(&cursor, "{}\n").unwrap();
        add(
            &globals(dir.path()),
            time_server(),
            &Printer::for_tests(),
            None,
        )
        .unwrap();
        assert_eq!(std::fs::read_to_string(&cursor).unwrap(), "{}\n");
        assert!(dir.path().join(".mcp.json").is_file());
    }
}

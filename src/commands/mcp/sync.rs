//! `aimcp mcp sync [--client CLIENT]... [--check] [--via-gateway]`: each client's own MCP config
//! written from `.mcp.json`, keeping everything of that file aimcp does not own.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::config::ConfigFile;
use crate::config::clients::sync::{self, Planned, Route};
use crate::config::clients::{ClientId, Homes};
use crate::error::{no, usage};
use crate::printer::Printer;
use crate::settings::Globals;

#[derive(Debug, Clone)]
pub struct Settings {
    /// Empty: every client whose project file exists, else claude.
    pub clients: Vec<ClientId>,
    pub check: bool,
    pub via_gateway: bool,
    pub homes: Homes,
}

/// One client's outcome, as `--json` shows it.
#[derive(Debug, Serialize)]
pub struct ClientReport {
    pub client: String,
    /// None for claude, which reads `.mcp.json` itself.
    pub path: Option<PathBuf>,
    /// The file differs from what `.mcp.json` implies (with `--check`), or was written.
    pub changed: bool,
    pub written: bool,
    pub servers: Vec<String>,
    pub notes: Vec<String>,
}

impl From<Planned> for ClientReport {
    fn from(p: Planned) -> Self {
        ClientReport {
            client: p.client.to_string(),
            path: p.path,
            changed: p.changed,
            written: p.written,
            servers: p.servers,
            notes: p.notes,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct SyncReport {
    pub clients: Vec<ClientReport>,
    pub check: bool,
}

pub fn run(globals: &Globals, settings: Settings, printer: &Printer) -> anyhow::Result<()> {
    let Settings {
        clients,
        check,
        via_gateway,
        homes,
    } = settings;
    let located = globals.locate_config()?;
    if !located.exists {
        return Err(usage(format!(
            "no `.mcp.json` in `{}` or above: nothing to sync from",
            globals.project_dir.display()
        ))
        .hint("add a server with `aimcp mcp add` or `aimcp mcp setup`, or bring a client's servers in with `aimcp mcp import --from CLIENT`")
        .into());
    }
    let config = ConfigFile::load(&located.path)?;
    let project = located.dir();
    let tools = super::load_tools(&located.path, printer);
    let clients = if clients.is_empty() {
        sync::default_clients(&project)
    } else {
        let mut c = clients;
        c.sort();
        c.dedup();
        c
    };
    let route = if via_gateway {
        Route::Gateway
    } else {
        Route::Direct
    };

    // Every file is rendered before any is written: a client file that cannot be read (exit 2)
    // leaves every other file as it was.
    let mut plans = sync::plan(&project, &config, tools.as_ref(), &clients, &homes, route)?;
    if !check {
        sync::write(&mut plans)?;
    }
    let reports: Vec<ClientReport> = plans.into_iter().map(ClientReport::from).collect();

    let differing: Vec<&ClientReport> = reports.iter().filter(|r| r.changed).collect();
    let drift: Vec<String> = differing
        .iter()
        .filter_map(|r| r.path.as_deref().map(|p| shown(p, &project)))
        .collect();
    if printer.is_json() {
        printer.json(&SyncReport {
            clients: reports,
            check,
        })?;
    } else {
        for r in &reports {
            for note in &r.notes {
                printer.warn(note);
            }
            let Some(path) = &r.path else {
                printer.info(format!(
                    "claude reads `.mcp.json` itself: nothing to write{}",
                    if via_gateway {
                        " (start it with `aimcp run --gateway -- claude` to use the gateway)"
                    } else {
                        ""
                    }
                ));
                continue;
            };
            let path = shown(path, &project);
            let what = if via_gateway {
                "the `aimcp mcp serve` entry".to_string()
            } else {
                match r.servers.len() {
                    1 => "1 server".to_string(),
                    n => format!("{n} servers"),
                }
            };
            match (check, r.changed) {
                (true, true) => {
                    printer.info(format!("`{path}` ({}) differs from `.mcp.json`", r.client))
                }
                (false, true) => printer.info(format!("wrote `{path}` ({}): {what}", r.client)),
                (_, false) => printer.info(format!("`{path}` ({}) is up to date", r.client)),
            }
        }
    }
    if check && !drift.is_empty() {
        let names: Vec<String> = drift.iter().map(|p| format!("`{p}`")).collect();
        return Err(no(format!(
            "{} differ{} from `.mcp.json`",
            names.join(", "),
            if names.len() == 1 { "s" } else { "" }
        ))
        .hint(format!(
            "run `aimcp mcp sync{}` and commit the result",
            if via_gateway { " --via-gateway" } else { "" }
        ))
        .into());
    }
    Ok(())
}

/// A path as the user reads it: relative to the project where it is inside.
fn shown(path: &Path, project: &Path) -> String {
    path.strip_prefix(project)
        .unwrap_or(path)
        .display()
        .to_string()
}

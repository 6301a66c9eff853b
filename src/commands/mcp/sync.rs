//! `aimcp mcp sync [--client CLIENT]... [--check] [--via-gateway]`: each client's own MCP config
//! written from `.mcp.json`, keeping everything of that file aimcp does not own.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::tool_names;
use crate::config::clients::{ClientDoc, ClientId, Entry, GATEWAY_NAME, Homes};
use crate::config::{ConfigFile, write_atomic};
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
    let entries = entries(&config, tools.as_ref())?;
    let clients = if clients.is_empty() {
        default_clients(&project)
    } else {
        let mut c = clients;
        c.sort();
        c.dedup();
        c
    };

    // Every file is rendered before any is written: a client file that cannot be read (exit 2)
    // leaves every other file as it was.
    let mut reports = Vec::new();
    let mut pending = Vec::new();
    for id in clients {
        let (report, text) = sync_one(id, &project, &homes, &entries, via_gateway, check)?;
        if let (Some(path), Some(text), false) = (&report.path, text, check) {
            pending.push((path.clone(), text));
        }
        reports.push(report);
    }
    for (path, text) in &pending {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| {
                anyhow::Error::new(e).context(format!("cannot create `{}`", dir.display()))
            })?;
        }
        write_atomic(path, text.as_bytes(), None)?;
        if let Some(r) = reports.iter_mut().find(|r| r.path.as_ref() == Some(path)) {
            r.written = true;
        }
    }

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

/// Every client whose project file exists; else claude.
fn default_clients(project: &Path) -> Vec<ClientId> {
    let found: Vec<ClientId> = ClientId::ALL
        .into_iter()
        .filter(|id| *id != ClientId::Claude)
        .filter(|id| {
            id.client()
                .project_path(project)
                .is_some_and(|p| p.is_file())
        })
        .collect();
    if found.is_empty() {
        vec![ClientId::Claude]
    } else {
        found
    }
}

/// A path as the user reads it: relative to the project where it is inside.
fn shown(path: &Path, project: &Path) -> String {
    path.strip_prefix(project)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// The servers of `.mcp.json` in the neutral model, with `disabledTools` patterns named against
/// the discovered tools.
struct Entries {
    list: Vec<Entry>,
    /// Servers left out for a literal secret: an entry of that name in a client's file (an older
    /// sync's copy, secret included) is taken out.
    skipped: Vec<String>,
    notes: Vec<String>,
}

fn entries(
    config: &ConfigFile,
    tools: Option<&crate::config::tools::ToolsFile>,
) -> anyhow::Result<Entries> {
    let mut notes = Vec::new();
    let mut list = Vec::new();
    let mut skipped = Vec::new();
    for s in config.servers() {
        let mut places: Vec<String> = crate::config::secret::arg_secrets(&s.args)
            .into_iter()
            .map(|f| match f.flag {
                Some(flag) => format!("argument `{flag}`"),
                None => format!("argument {}", f.index + 1),
            })
            .collect();
        if let Some(url) = &s.url {
            places.extend(
                crate::config::secret::url_secrets(url)
                    .into_iter()
                    .map(|(p, _)| format!("URL parameter `{p}`")),
            );
        }
        if !places.is_empty() {
            // A literal secret is never written into a client's file; the server is left out.
            notes.push(format!(
                "server `{}` is not written: its {} holds a literal secret; put it in `.env` and write `${{VAR}}` in `.mcp.json` (`aimcp mcp add --force` does it)",
                s.name,
                places.join(", ")
            ));
            skipped.push(s.name.clone());
            continue;
        }
        let patterns = config.disabled_tools(&s.name)?;
        let known = tools.and_then(|t| tool_names(t, &s.name));
        let mut names: Vec<String> = Vec::new();
        for p in patterns {
            if !p.contains(['*', '?']) {
                if !names.contains(&p) {
                    names.push(p);
                }
                continue;
            }
            match &known {
                Some(known) => {
                    for t in known {
                        if crate::gateway::names::glob(&p, t) && !names.contains(t) {
                            names.push(t.clone());
                        }
                    }
                }
                None => notes.push(format!(
                    "`disabledTools` of `{}` has the pattern `{p}`, which clients need as tool names: run `aimcp mcp discover {}` and sync again",
                    s.name, s.name
                )),
            }
        }
        list.push(Entry::from_server(s, names));
    }
    Ok(Entries {
        list,
        skipped,
        notes,
    })
}

/// One client's report, and the text its file gets when it changed (not written here).
fn sync_one(
    id: ClientId,
    project: &Path,
    homes: &Homes,
    entries: &Entries,
    via_gateway: bool,
    check: bool,
) -> anyhow::Result<(ClientReport, Option<String>)> {
    let client = id.client();
    if id == ClientId::Claude {
        let report = ClientReport {
            client: id.to_string(),
            path: None,
            changed: false,
            written: false,
            servers: entries.list.iter().map(|e| e.name.clone()).collect(),
            notes: entries.notes.clone(),
        };
        return Ok((report, None));
    }
    let (path, user_file) = match client.project_path(project) {
        Some(p) => (p, false),
        None => match client.user_path(homes) {
            Some(p) => (p, true),
            None => {
                return Err(usage(format!(
                    "cannot tell where `{id}`'s file is: the home folder is unknown"
                ))
                .hint("set `HOME`")
                .into());
            }
        },
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => Some(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => {
            return Err(anyhow::Error::new(e).context(format!("cannot read `{}`", path.display())));
        }
    };
    let mut doc = client.load(&path, text.as_deref())?;
    let mut notes = entries.notes.clone();
    let mut servers = Vec::new();
    for name in &entries.skipped {
        if doc.remove(name) {
            notes.push(format!(
                "server `{name}` is taken out of this file: `.mcp.json` gives it a literal secret"
            ));
        }
    }
    if via_gateway {
        for e in &entries.list {
            doc.remove(&e.name);
        }
        let gateway = Entry::gateway(user_file.then_some(project));
        doc.write(&gateway, &mut notes);
        servers.push(GATEWAY_NAME.to_string());
    } else {
        remove_gateway(doc.as_mut(), entries);
        for e in &entries.list {
            doc.write(e, &mut notes);
            if e.enabled && doc.names().contains(&e.name) {
                servers.push(e.name.clone());
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    notes.retain(|n| seen.insert(n.clone()));
    let changed = doc.is_changed();
    if changed && !check && doc.has_comments() {
        return Err(usage(format!(
            "`{}` has comments, which writing it would drop",
            path.display()
        ))
        .hint("take the comments out (trailing commas may stay) and sync again, or edit its servers by hand")
        .into());
    }
    let report = ClientReport {
        client: id.to_string(),
        path: Some(path),
        changed,
        written: false,
        servers,
        notes,
    };
    Ok((report, changed.then(|| doc.render())))
}

/// Takes out a gateway entry an earlier `sync --via-gateway` wrote (unless `.mcp.json` has a
/// server of that name itself).
fn remove_gateway(doc: &mut dyn ClientDoc, entries: &Entries) {
    if !entries.list.iter().any(|e| e.name == GATEWAY_NAME) && doc.is_gateway(GATEWAY_NAME) {
        doc.remove(GATEWAY_NAME);
    }
}

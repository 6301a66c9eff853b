//! The operation behind `aimcp mcp sync`, which `setup` and `add` also call when they offer to
//! sync the clients a project already uses: every client's file rendered from `.mcp.json` first
//! ([`plan`], nothing written), then written in one step ([`write`]).

use std::path::{Path, PathBuf};

use super::{ClientDoc, ClientId, Entry, GATEWAY_NAME, Homes};
use crate::config::tools::ToolsFile;
use crate::config::{ConfigFile, write_atomic};
use crate::error::usage;

/// What goes into a client's file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// Every server of `.mcp.json`; a gateway entry an earlier `--via-gateway` wrote is taken out.
    Direct,
    /// Only the one `aimcp mcp serve` entry (`--via-gateway`).
    Gateway,
    /// As the file has it: the gateway entry where an earlier `--via-gateway` wrote it, else every
    /// server (what `setup` and `add` offer, so that they never turn a gateway file into a direct
    /// one).
    AsWritten,
}

/// One client's file as `sync` would leave it.
#[derive(Debug)]
pub struct Planned {
    pub client: ClientId,
    /// None for claude, which reads `.mcp.json` itself.
    pub path: Option<PathBuf>,
    /// The file differs from what `.mcp.json` implies.
    pub changed: bool,
    /// Set by [`write`].
    pub written: bool,
    /// The file gets the gateway entry rather than every server.
    pub via_gateway: bool,
    /// The servers the file holds afterwards (enabled ones the client can run).
    pub servers: Vec<String>,
    pub notes: Vec<String>,
    /// The new text, when it changed.
    text: Option<String>,
    /// The file has comments that writing it would drop.
    comments: bool,
}

/// The clients whose project file exists, in report order.
pub fn used_clients(project: &Path) -> Vec<ClientId> {
    ClientId::ALL
        .into_iter()
        .filter(|id| *id != ClientId::Claude)
        .filter(|id| {
            id.client()
                .project_path(project)
                .is_some_and(|p| p.is_file())
        })
        .collect()
}

/// `sync` without `--client`: every client whose project file exists; else claude.
pub fn default_clients(project: &Path) -> Vec<ClientId> {
    let found = used_clients(project);
    if found.is_empty() {
        vec![ClientId::Claude]
    } else {
        found
    }
}

/// Every client's file rendered from `.mcp.json`, nothing written. A client file that cannot be
/// read is exit 2, before anything is written.
pub fn plan(
    project: &Path,
    config: &ConfigFile,
    tools: Option<&ToolsFile>,
    clients: &[ClientId],
    homes: &Homes,
    route: Route,
) -> anyhow::Result<Vec<Planned>> {
    let entries = entries(config, tools)?;
    clients
        .iter()
        .map(|id| plan_one(*id, project, homes, &entries, route))
        .collect()
}

/// Writes every changed file of `plans`; when one cannot be written because of its comments,
/// none is.
pub fn write(plans: &mut [Planned]) -> anyhow::Result<()> {
    if let Some(p) = plans.iter().find(|p| p.changed && p.comments) {
        let path = p.path.as_deref().unwrap_or(Path::new(""));
        return Err(usage(format!(
            "`{}` has comments, which writing it would drop",
            path.display()
        ))
        .hint("take the comments out (trailing commas may stay) and sync again, or edit its servers by hand")
        .into());
    }
    for p in plans.iter_mut() {
        let (Some(path), Some(text)) = (&p.path, &p.text) else {
            continue;
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| {
                anyhow::Error::new(e).context(format!("cannot create `{}`", dir.display()))
            })?;
        }
        write_atomic(path, text.as_bytes(), None)?;
        p.written = true;
    }
    Ok(())
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

fn entries(config: &ConfigFile, tools: Option<&ToolsFile>) -> anyhow::Result<Entries> {
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
        let known = tools.and_then(|t| t.tool_names(&s.name));
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

fn plan_one(
    id: ClientId,
    project: &Path,
    homes: &Homes,
    entries: &Entries,
    route: Route,
) -> anyhow::Result<Planned> {
    let client = id.client();
    if id == ClientId::Claude {
        return Ok(Planned {
            client: id,
            path: None,
            changed: false,
            written: false,
            via_gateway: route == Route::Gateway,
            servers: entries.list.iter().map(|e| e.name.clone()).collect(),
            notes: entries.notes.clone(),
            text: None,
            comments: false,
        });
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
    let own_gateway = entries.list.iter().any(|e| e.name == GATEWAY_NAME);
    let via_gateway = match route {
        Route::Direct => false,
        Route::Gateway => true,
        Route::AsWritten => !own_gateway && doc.is_gateway(GATEWAY_NAME),
    };
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
        remove_gateway(doc.as_mut(), own_gateway);
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
    Ok(Planned {
        client: id,
        path: Some(path),
        changed,
        written: false,
        via_gateway,
        servers,
        notes,
        text: changed.then(|| doc.render()),
        comments: doc.has_comments(),
    })
}

/// Takes out a gateway entry an earlier `sync --via-gateway` wrote (unless `.mcp.json` has a
/// server of that name itself).
fn remove_gateway(doc: &mut dyn ClientDoc, own_gateway: bool) {
    if !own_gateway && doc.is_gateway(GATEWAY_NAME) {
        doc.remove(GATEWAY_NAME);
    }
}

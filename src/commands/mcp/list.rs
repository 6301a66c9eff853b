//! `aimcp mcp list`: the servers in `.mcp.json`, with their tool counts from `.mcp.tools.json`.

use serde::Serialize;

use super::{ServerView, server_view};
use crate::config::{ConfigFile, tools, tools_path};
use crate::printer::Printer;
use crate::settings::Globals;

/// `--json`: `{"servers":[...],"config"}`.
#[derive(Debug, Serialize)]
pub struct ListReport {
    servers: Vec<ServerView>,
    config: std::path::PathBuf,
}

pub fn run(globals: &Globals, printer: &Printer) -> anyhow::Result<()> {
    let located = globals.locate_config()?;
    let file = ConfigFile::load(&located.path)?;
    let counts = match tools::tool_counts(&tools_path(&located.path)) {
        Ok(c) => c,
        Err(e) => {
            printer.warn(format!("{e:#}"));
            Default::default()
        }
    };
    let count = |name: &str| counts.get(name).copied();
    let config_dir = located.dir();
    // The store is chosen on its first read: a list without a remote server never asks the
    // keychain.
    let store = super::credential_store()?;
    let warned = std::cell::Cell::new(false);
    let auth = |s: &crate::config::Server| {
        super::signed_in(s, &config_dir, store.as_ref(), printer, &warned)
    };

    if printer.is_json() {
        let servers: Vec<ServerView> = file
            .servers()
            .iter()
            .map(|s| {
                server_view(
                    s,
                    count(&s.name),
                    file.disabled_tools(&s.name).unwrap_or_default(),
                    auth(s).as_ref(),
                )
            })
            .collect();
        printer.json(&ListReport {
            servers,
            config: located.path.clone(),
        })?;
    } else if !file.servers().is_empty() {
        let mut table = printer.table();
        table.set_header(["NAME", "TRANSPORT", "COMMAND / URL", "ENABLED", "TOOLS"]);
        for s in file.servers() {
            table.add_row([
                s.name.clone(),
                s.transport.to_string(),
                match auth(s) {
                    Some(a) => format!("{} ({})", s.target(), a.describe(globals.now)),
                    None => s.target(),
                },
                match (
                    s.enabled,
                    file.disabled_tools(&s.name).map_or(0, |d| d.len()),
                ) {
                    (false, _) => "no".to_string(),
                    (true, 0) => "yes".to_string(),
                    (true, 1) => "yes (1 tool off)".to_string(),
                    (true, n) => format!("yes ({n} tools off)"),
                },
                count(&s.name).map_or_else(|| "-".to_string(), |n| n.to_string()),
            ]);
        }
        if let Some(col) = table.column_mut(4) {
            col.set_cell_alignment(comfy_table::CellAlignment::Right);
        }
        printer.print_table(&table)?;
    }
    for s in file.servers() {
        if let Some(d) = crate::catalog::replacement_for(s) {
            printer.warn(format!(
                "server `{}` runs `{}` ({}); replace it with `aimcp mcp setup {}`",
                s.name, d.package, d.reason, d.replacement
            ));
        }
    }
    if file.servers().is_empty() {
        let where_ = if located.exists {
            format!("in `{}`", located.path.display())
        } else {
            format!(
                "(no `.mcp.json` in `{}` or above)",
                globals.project_dir.display()
            )
        };
        printer.info(format!("no MCP servers configured {where_}"));
        printer.hint("add one with `aimcp mcp setup` or `aimcp mcp add NAME -- COMMAND`");
    }
    Ok(())
}

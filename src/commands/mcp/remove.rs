//! `aimcp mcp remove NAME`: from `.mcp.json` and from `.mcp.tools.json`.

use serde_json::json;

use super::unknown_server;
use crate::config::{self, ConfigFile, tools, tools_path};
use crate::error::{cancelled, usage};
use crate::printer::Printer;
use crate::prompt::Prompter;
use crate::settings::Globals;

#[derive(Debug, Clone)]
pub struct Settings {
    pub name: String,
    pub yes: bool,
}

pub fn run(globals: &Globals, settings: Settings, printer: &Printer) -> anyhow::Result<()> {
    let Settings { name, yes } = settings;
    let located = globals.locate_config()?;
    let file = ConfigFile::load(&located.path)?;
    if file.server(&name).is_none() {
        return Err(unknown_server(&name, &file).into());
    }
    if !yes {
        if !printer.is_interactive() {
            return Err(usage(format!("not removing `{name}` without confirmation"))
                .hint("pass `--yes` to remove it without a prompt")
                .into());
        }
        let question = format!("Remove server `{name}` from {}?", located.path.display());
        if !crate::prompt::InquirePrompter.confirm(&question, false)? {
            return Err(cancelled().into());
        }
    }
    let removed = config::edit(&located.path, |f| {
        if !f.remove(&name) {
            return Err(unknown_server(&name, f).into());
        }
        Ok(true)
    })?;
    let tools_file = tools_path(&located.path);
    let removed_tools =
        tools_file.exists() && tools::edit_tools(&tools_file, |t| Ok(t.remove(&name)))?;
    if printer.is_json() {
        return printer.json(&json!({
            "removed": name,
            "config": located.path,
            "tools_entry_removed": removed_tools,
        }));
    }
    if removed {
        printer.info(format!(
            "removed server `{name}` from `{}`",
            located.path.display()
        ));
    }
    Ok(())
}

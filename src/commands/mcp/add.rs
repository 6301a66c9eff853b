//! `aimcp mcp add NAME ... (-- COMMAND [ARG]... | URL)`, like `claude mcp add`.
//!
//! A secret-looking `--env` value or `--header` literal never reaches `.mcp.json`: the file gets a
//! `${VAR}` reference and the user is told which variable to set.

use serde_json::json;

use super::{protect_secrets, server_json};
use crate::config::{self, Server};
use crate::error::no;
use crate::printer::Printer;
use crate::settings::Globals;

#[derive(Debug, Clone)]
pub struct Settings {
    pub server: Server,
    pub force: bool,
}

pub fn run(globals: &Globals, settings: Settings, printer: &Printer) -> anyhow::Result<()> {
    let Settings { mut server, force } = settings;
    let variables = protect_secrets(&mut server);
    let located = globals.locate_config()?;
    let replaced = config::edit(&located.path, |file| {
        if file.server(&server.name).is_some() && !force {
            return Err(no(format!(
                "server `{}` already exists in `{}`",
                server.name,
                file.path().display()
            ))
            .hint("pass `--force` to replace it")
            .into());
        }
        Ok(file.upsert(&server))
    })?;

    if printer.is_json() {
        let vars: Vec<_> = variables
            .iter()
            .map(|v| json!({"name": v.name, "used_in": v.used_in}))
            .collect();
        return printer.json(&json!({
            "added": server.name,
            "replaced": replaced,
            "config": located.path,
            "server": server_json(&server, None),
            "variables": vars,
        }));
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
        printer.warn(format!(
            "the value of {} was not written to `.mcp.json`; it reads `${{{}}}` instead",
            v.used_in, v.name
        ));
    }
    if !variables.is_empty() {
        let names: Vec<&str> = variables.iter().map(|v| v.name.as_str()).collect();
        printer.hint(format!(
            "set {} in your environment (export {}=...) or in the project's `.env` before starting the server",
            names.join(", "),
            names[0]
        ));
    }
    Ok(())
}

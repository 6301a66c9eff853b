//! `aimcp mcp enable|disable NAME [--tool TOOL]...`: a server's `enabled`, or its
//! `disabledTools` list, in `.mcp.json`. Claude Code ignores both keys; `mcp serve` and `mcp sync`
//! read them.

use serde::Serialize;

use super::{load_tools, unknown_server};
use crate::config::{self, ConfigFile};
use crate::error::usage;
use crate::gateway::names::glob;
use crate::printer::Printer;
use crate::settings::Globals;

#[derive(Debug, Clone)]
pub struct Settings {
    pub name: String,
    /// Empty: the whole server.
    pub tools: Vec<String>,
    /// `enable` (true) or `disable`.
    pub on: bool,
}

#[derive(Debug, Serialize)]
struct Report<'a> {
    name: &'a str,
    enabled: bool,
    disabled_tools: &'a [String],
    changed: bool,
}

pub fn run(globals: &Globals, settings: Settings, printer: &Printer) -> anyhow::Result<()> {
    let Settings { name, tools, on } = settings;
    let located = globals.locate_config()?;
    let file = ConfigFile::load(&located.path)?;
    if file.server(&name).is_none() {
        return Err(unknown_server(&name, &file).into());
    }
    let known = load_tools(&located.path, printer).and_then(|t| t.tool_names(&name));
    let current = file.disabled_tools(&name)?;
    let wanted = if tools.is_empty() {
        current.clone()
    } else if on {
        switch_on(&current, &tools, printer)
    } else {
        switch_off(&name, &current, &tools, known.as_deref(), printer)?
    };

    let (enabled, changed) = config::edit(&located.path, |f| {
        let mut server = f
            .server(&name)
            .cloned()
            .ok_or_else(|| unknown_server(&name, f))?;
        if tools.is_empty() {
            server.enabled = on;
            f.upsert(&server);
        } else {
            f.set_disabled_tools(&name, &wanted);
        }
        Ok((server.enabled, f.is_changed()))
    })?;

    if printer.is_json() {
        return printer.json(&Report {
            name: &name,
            enabled,
            disabled_tools: &wanted,
            changed,
        });
    }
    let state = if on { "on" } else { "off" };
    let what = if tools.is_empty() {
        format!("server `{name}`")
    } else {
        let list: Vec<String> = tools.iter().map(|t| format!("`{t}`")).collect();
        format!("{} of `{name}`", list.join(", "))
    };
    if changed {
        printer.info(format!(
            "switched {what} {state} in `{}`",
            located.path.display()
        ));
        if !wanted.is_empty() {
            printer.info(format!("tools off in `{name}`: {}", wanted.join(", ")));
        }
        printer.hint("run `aimcp mcp sync` to write the change into each client's own file");
    } else {
        printer.info(format!("{what} already {state}"));
    }
    Ok(())
}

fn switch_on(current: &[String], tools: &[String], printer: &Printer) -> Vec<String> {
    for t in tools {
        if !current.iter().any(|c| glob(t, c)) {
            printer.detail(format!("`{t}` was not switched off"));
        }
    }
    current
        .iter()
        .filter(|c| !tools.iter().any(|t| glob(t, c)))
        .cloned()
        .collect()
}

fn switch_off(
    name: &str,
    current: &[String],
    tools: &[String],
    known: Option<&[String]>,
    printer: &Printer,
) -> anyhow::Result<Vec<String>> {
    let mut out = current.to_vec();
    let mut add = |t: &str| {
        if !out.iter().any(|c| c == t) {
            out.push(t.to_string());
        }
    };
    for t in tools {
        if !t.contains(['*', '?']) {
            if known.is_some_and(|k| !k.iter().any(|n| n == t)) {
                printer.warn(format!(
                    "`{name}` has no tool `{t}` among those `aimcp mcp discover` recorded; switched off all the same"
                ));
            }
            add(t);
            continue;
        }
        let Some(known) = known else {
            return Err(usage(format!(
                "`--tool {t}` is a pattern, and the tools of `{name}` were never discovered"
            ))
            .hint(format!(
                "run `aimcp mcp discover {name}` first, or name the tools"
            ))
            .into());
        };
        let matched: Vec<&String> = known.iter().filter(|k| glob(t, k)).collect();
        if matched.is_empty() {
            return Err(usage(format!(
                "`--tool {t}` matches none of the {} tools of `{name}`",
                known.len()
            ))
            .hint(format!("`aimcp mcp get {name}` lists them"))
            .into());
        }
        for m in matched {
            add(m);
        }
    }
    Ok(out)
}

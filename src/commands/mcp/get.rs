//! `aimcp mcp get NAME`: everything about one server.

use serde::Serialize;
use serde_json::Value;

use super::{ServerView, load_tools, server_view, unknown_server};
use crate::config::{ConfigFile, Transport, secret, shell_quote};
use crate::printer::Printer;
use crate::settings::Globals;

#[derive(Debug, Clone)]
pub struct Settings {
    pub name: String,
}

/// `--json`: the server as `list` shows it, and what `get` adds.
#[derive(Debug, Serialize)]
pub struct GetReport {
    #[serde(flatten)]
    server: ServerView,
    config: std::path::PathBuf,
    tool_names: Vec<String>,
    discovered_at: Option<String>,
    /// The entry's keys aimcp does not own, as written.
    extra: serde_json::Map<String, Value>,
}

pub fn run(globals: &Globals, settings: Settings, printer: &Printer) -> anyhow::Result<()> {
    let located = globals.locate_config()?;
    let file = ConfigFile::load(&located.path)?;
    let Some(server) = file.server(&settings.name) else {
        return Err(unknown_server(&settings.name, &file).into());
    };
    let tools = load_tools(&located.path, printer);
    let entry = tools.as_ref().and_then(|t| t.get(&server.name)).cloned();
    let count = tools.as_ref().and_then(|t| t.tool_count(&server.name));
    let tool_names: Vec<String> = entry
        .as_ref()
        .and_then(|e| e.get("tools"))
        .and_then(Value::as_array)
        .map(|tools| {
            tools
                .iter()
                .filter_map(|t| t.get("name").and_then(Value::as_str).map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let extra = file.extra_keys(&server.name);
    let store = super::credential_store()?;
    let auth = super::signed_in(
        server,
        &located.dir(),
        store.as_ref(),
        printer,
        &std::cell::Cell::new(false),
    );
    let off = file.disabled_tools(&server.name)?;

    if printer.is_json() {
        let discovered_at = entry
            .as_ref()
            .and_then(|e| e.get("discovered_at"))
            .and_then(Value::as_str)
            .map(str::to_string);
        return printer.json(&GetReport {
            server: server_view(server, count, off, auth.as_ref()),
            config: located.path.clone(),
            tool_names,
            discovered_at,
            extra: extra.into_iter().collect(),
        });
    }

    let mut lines = vec![server.name.clone()];
    let mut field = |k: &str, v: String| lines.push(format!("  {:<10} {v}", format!("{k}:")));
    field("transport", server.transport.to_string());
    field("enabled", if server.enabled { "yes" } else { "no" }.into());
    match server.transport {
        Transport::Stdio => {
            field(
                "command",
                shell_quote(server.command.as_deref().unwrap_or("")),
            );
            let args: Vec<String> = secret::masked_args(&server.args)
                .iter()
                .map(|a| shell_quote(a))
                .collect();
            field("args", args.join(" "));
        }
        Transport::Http | Transport::Sse => {
            field(
                "url",
                secret::masked_url(server.url.as_deref().unwrap_or_default()),
            );
            if let Some(a) = &auth {
                field(
                    "auth",
                    format!("{} with `{}`", a.describe(globals.now), a.issuer),
                );
            }
        }
    }
    let mut pairs = |title: &str, items: &[(String, String)]| {
        if !items.is_empty() {
            lines.push(format!("  {title}:"));
            for (k, v) in items {
                lines.push(format!("    {k}={}", secret::display_value(k, v)));
            }
        }
    };
    pairs("env", &server.env);
    pairs("headers", &server.headers);
    for (k, v) in extra.iter().filter(|(k, _)| k != "disabledTools") {
        lines.push(format!("  {:<10} {v}", format!("{k}:")));
    }
    if !off.is_empty() {
        lines.push(format!("  {:<10} {}", "tools off:", off.join(", ")));
    }
    match count {
        Some(n) => {
            let when = entry
                .as_ref()
                .and_then(|e| e.get("discovered_at"))
                .and_then(Value::as_str)
                .map(|t| format!(" (discovered {t})"))
                .unwrap_or_default();
            lines.push(format!("  {:<10} {n}{when}", "tools:"));
            for t in &tool_names {
                let mark = if off.contains(t) { " (off)" } else { "" };
                lines.push(format!("    {t}{mark}"));
            }
        }
        None => lines.push(format!(
            "  {:<10} - (run `aimcp mcp discover {}`)",
            "tools:", server.name
        )),
    }
    lines.push(format!("  {:<10} {}", "config:", located.path.display()));
    printer.write(&(lines.join("\n") + "\n"))
}

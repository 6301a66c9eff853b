//! `aimcp mcp call`

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use super::Targets;
use crate::config::Server;
use crate::error::{Fail, no};
use crate::mcp;
use crate::printer::Printer;
use crate::settings::Globals;

#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// The server name from `.mcp.json` (None with `ad_hoc`).
    pub server: Option<String>,
    pub tool: String,
    pub arguments: serde_json::Map<String, serde_json::Value>,
    pub timeout: Option<Duration>,
    pub ad_hoc: Option<Server>,
}

pub fn run(globals: &Globals, settings: Settings, printer: &Printer) -> anyhow::Result<()> {
    let Settings {
        server,
        tool,
        arguments,
        timeout,
        ad_hoc,
    } = settings;
    let names: Vec<String> = server.into_iter().collect();
    let targets = Targets::select(globals, &names, ad_hoc)?;
    let Some(target) = targets.servers.first().cloned() else {
        return Err(no("no server to call").into());
    };
    let auth = super::oauth(
        globals,
        printer,
        &targets,
        super::SignIn::automatic(globals, printer),
    )?;
    let spinner = printer.spinner(format!("calling `{tool}` on `{}`", target.name));
    // The server may ask the user for input (elicitation): at a terminal they are asked.
    let asks = printer.is_interactive() && !globals.no_input;
    let defaults = std::env::var("AIMCP_ELICIT_DEFAULTS").is_ok_and(|v| v == "1");
    let elicitor = super::elicit::Elicitor::new(printer, &target.name, asks)
        .with_spinner(spinner.clone())
        .with_defaults_without_terminal(defaults);
    let interruption = elicitor.interruption();
    let opts = targets
        .options(timeout)
        .with_trace(printer.mcp_trace())
        .with_auth(auth.map(|a| a as Arc<dyn mcp::auth::Authorizer>))
        .with_client_capabilities(super::elicit::capabilities())
        .with_handler(Arc::new(elicitor))
        // A server may ask for input on its own stream rather than the call's.
        .with_server_stream();
    let resolver = targets.resolver.clone();
    let outcome = mcp::block_on(async {
        let session = mcp::connect(&target, &resolver, &opts)
            .await
            .map_err(|e| ("initialize", e))?;
        // Ctrl-C at one of the server's questions stops the call.
        let result = tokio::select! {
            r = session.call_tool(&tool, arguments) => r.map_err(|e| ("tools/call", e)),
            () = interruption.wait() => Err(("tools/call", mcp::McpError::new("interrupted"))),
        };
        // A refused call may be a name the server does not have: then say which it has.
        let refused = match &result {
            Ok(r) => r.get("isError").and_then(Value::as_bool) == Some(true),
            Err((_, e)) => e.rpc.is_some(),
        };
        let known = if refused {
            session
                .list_tools()
                .await
                .ok()
                .map(|tools| tool_names(&tools))
        } else {
            None
        };
        session.shutdown().await;
        Ok(match known {
            Some(names) if !names.contains(&tool) => Err(names),
            _ => Ok(result),
        })
    });
    spinner.finish_and_clear();
    if interruption.raised() {
        return Err(crate::error::interrupted().into());
    }
    let outcome = match outcome {
        Ok(Ok(result)) => result,
        Ok(Err(names)) => return Err(unknown_tool(&target.name, &tool, names).into()),
        Err(e) => Err(e),
    };
    let result = match outcome {
        Ok(r) => r,
        Err((step, e)) => {
            let what = format!("server `{}` failed at `{step}`", target.name);
            return Err(super::server_failure(what, &e).into());
        }
    };
    if printer.is_json() {
        printer.json(&result)?;
    } else {
        printer.write(&render_content(&result))?;
    }
    if result.get("isError").and_then(Value::as_bool) == Some(true) {
        return Err(no(format!(
            "tool `{tool}` of server `{}` returned an error",
            target.name
        ))
        .into());
    }
    Ok(())
}

fn tool_names(tools: &[Value]) -> Vec<String> {
    tools
        .iter()
        .filter_map(|t| t.get("name").and_then(Value::as_str))
        .map(str::to_string)
        .collect()
}

/// "server has no tool", with the tools it has, closest to the name first (exit 1: CLI.md's
/// "a name is unknown").
fn unknown_tool(server: &str, tool: &str, mut names: Vec<String>) -> Fail {
    const SHOWN: usize = 20;
    let fail = no(format!("server `{server}` has no tool `{tool}`"));
    if names.is_empty() {
        return fail.hint(format!("server `{server}` has no tools"));
    }
    let wanted = tool.to_lowercase();
    names.sort_by(|a, b| {
        let (da, db) = (
            strsim::jaro_winkler(&wanted, &a.to_lowercase()),
            strsim::jaro_winkler(&wanted, &b.to_lowercase()),
        );
        db.total_cmp(&da).then_with(|| a.cmp(b))
    });
    let more = names.len().saturating_sub(SHOWN);
    names.truncate(SHOWN);
    let mut list = names.join(", ");
    if more > 0 {
        list.push_str(&format!(" and {more} more"));
    }
    fail.hint(format!("its tools, closest first: {list}"))
}

/// A tool result as text: text content as it is, other content as a one-line note; the
/// structured content as JSON when there is no content.
pub(crate) fn render_content(result: &Value) -> String {
    let mut out = String::new();
    let items = result
        .get("content")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for item in &items {
        let kind = item.get("type").and_then(Value::as_str).unwrap_or("");
        let line = match kind {
            "text" => item
                .get("text")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            "image" | "audio" => {
                let mime = item.get("mimeType").and_then(Value::as_str).unwrap_or("?");
                let len = item.get("data").and_then(Value::as_str).map_or(0, str::len);
                format!("[{kind} {mime}, {} bytes]", len / 4 * 3)
            }
            "resource" => {
                let res = item.get("resource").cloned().unwrap_or(Value::Null);
                match res.get("text").and_then(Value::as_str) {
                    Some(t) => t.to_string(),
                    None => format!(
                        "[resource {}]",
                        res.get("uri").and_then(Value::as_str).unwrap_or("?")
                    ),
                }
            }
            "resource_link" => format!(
                "[resource link {}]",
                item.get("uri").and_then(Value::as_str).unwrap_or("?")
            ),
            _ => serde_json::to_string(item).unwrap_or_default(),
        };
        out.push_str(&line);
        if !line.ends_with('\n') {
            out.push('\n');
        }
    }
    if items.is_empty()
        && let Some(s) = result.get("structuredContent")
    {
        out.push_str(&serde_json::to_string_pretty(s).unwrap_or_default());
        out.push('\n');
    }
    out
}

//! Discovering one server: what `aimcp mcp discover` and `aimcp mcp setup` both run. Not a
//! command: it prints nothing (progress goes to the bar it is given).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use indicatif::ProgressBar;
use serde_json::{Value, json};

use crate::config::tools::{token_footprint, tools_hash};
use crate::config::{EnvResolver, Server};
use crate::mcp::{self, ConnectOptions, McpError, Session};

/// What discovering one server found: its `.mcp.tools.json` entry and the counts shown.
pub(crate) struct Found {
    pub entry: Value,
    pub tools: usize,
    pub prompts: usize,
    pub resources: usize,
    pub tokens: usize,
    pub hash: String,
}

/// The discovery of one server.
pub(crate) struct Outcome {
    pub name: String,
    pub ms: u64,
    pub step: &'static str,
    pub result: Result<Found, McpError>,
}

/// A list the server may not have: empty when it does not advertise `capability`, or answers
/// "method not found".
async fn optional_list(
    session: &Session,
    capability: &str,
    method: &str,
    key: &str,
) -> Result<Vec<Value>, McpError> {
    if !session.has_capability(capability) {
        return Ok(Vec::new());
    }
    match session.list_all(method, key).await {
        Ok(v) => Ok(v),
        Err(e) if e.is_method_not_found() => Ok(Vec::new()),
        Err(e) => Err(e),
    }
}

/// Contacts one server and lists its tools, prompts, resources and templates; `bar` shows the step.
pub(crate) async fn discover_one(
    server: Server,
    resolver: Arc<EnvResolver>,
    opts: ConnectOptions,
    bar: ProgressBar,
    known: Arc<HashMap<String, usize>>,
) -> Outcome {
    let start = Instant::now();
    let mut step = "initialize";
    bar.set_message("starting");
    let result = async {
        let session = mcp::connect(&server, &resolver, &opts).await?;
        let listed = async {
            step = "tools/list";
            bar.set_message("listing tools");
            let tools = session.list_tools().await?;
            step = "prompts/list";
            bar.set_message("listing prompts");
            let prompts = optional_list(&session, "prompts", "prompts/list", "prompts").await?;
            step = "resources/list";
            bar.set_message("listing resources");
            let resources =
                optional_list(&session, "resources", "resources/list", "resources").await?;
            step = "resources/templates/list";
            let templates = optional_list(
                &session,
                "resources",
                "resources/templates/list",
                "resourceTemplates",
            )
            .await?;
            Ok::<_, McpError>((tools, prompts, resources, templates))
        }
        .await;
        let protocol_version = session.protocol_version.clone();
        let server_info = session.server_info.clone();
        // 2026-07-28's caching hints of each list, as the server sent them.
        let cache: serde_json::Map<String, serde_json::Value> = [
            "tools/list",
            "prompts/list",
            "resources/list",
            "resources/templates/list",
        ]
        .into_iter()
        .filter_map(|m| session.cache_hints(m).map(|h| (m.to_string(), h)))
        .collect();
        bar.set_message("closing");
        session.shutdown().await;
        let (tools, prompts, resources, templates) = listed?;
        let hash = tools_hash(&tools);
        let tokens = match known.get(&hash) {
            Some(n) => *n,
            None => {
                bar.set_message("counting tokens");
                tokio::task::spawn_blocking({
                    let tools = tools.clone();
                    move || token_footprint(&tools)
                })
                .await
                .unwrap_or(0)
            }
        };
        let mut found = Found {
            tools: tools.len(),
            prompts: prompts.len(),
            resources: resources.len(),
            tokens,
            hash: hash.clone(),
            entry: json!({
                "tools": tools,
                "prompts": prompts,
                "resources": resources,
                "resource_templates": templates,
                "server_info": server_info,
                "protocol_version": protocol_version,
                // Stamped by `ToolsFile::record` when the entry is written.
                "discovered_at": null,
                "tools_hash": hash,
                "token_footprint": tokens,
            }),
        };
        if !cache.is_empty() {
            found.entry["cache"] = serde_json::Value::Object(cache);
        }
        Ok::<_, McpError>(found)
    }
    .await;
    bar.finish_and_clear();
    Outcome {
        name: server.name.clone(),
        ms: mcp::elapsed_ms(start),
        step,
        result,
    }
}

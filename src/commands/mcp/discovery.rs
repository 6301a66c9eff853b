//! Discovering one server: what `aimcp mcp discover` and `aimcp mcp setup` both run. Not a
//! command: it prints nothing (progress goes to the bar it is given).

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use indicatif::ProgressBar;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::config::tools::ToolsFile;
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

/// The o200k_base tokenizer, loaded once, on a thread of its own so that it overlaps the servers'
/// start-up; only `discover` ever loads it.
pub(crate) fn tokenizer() -> &'static Option<tiktoken_rs::CoreBPE> {
    static BPE: OnceLock<Option<tiktoken_rs::CoreBPE>> = OnceLock::new();
    BPE.get_or_init(|| tiktoken_rs::o200k_base().ok())
}

/// How many o200k_base tokens the JSON of the tool list costs (an estimate of its cost in a
/// model's context). Counted on the canonical JSON (see [`canonical_json`]), so that it depends
/// only on the tool surface and can be reused while `tools_hash` stays the same.
pub fn token_footprint(tools: &[Value]) -> usize {
    let text = canonical_json(tools);
    match tokenizer() {
        Some(bpe) => bpe.encode_ordinary(&text).len(),
        None => text.len().div_ceil(4),
    }
}

/// The tools sorted by name, with every object's keys sorted, as compact JSON.
pub fn canonical_json(tools: &[Value]) -> String {
    let mut sorted: Vec<Value> = tools.iter().map(canonical).collect();
    sorted.sort_by(|a, b| {
        let name = |v: &Value| {
            v.get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        name(a).cmp(&name(b))
    });
    serde_json::to_string(&sorted).unwrap_or_default()
}

/// A stable hash of the tool surface: sha256 of [`canonical_json`].
pub fn tools_hash(tools: &[Value]) -> String {
    let digest = Sha256::digest(canonical_json(tools).as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// `tools_hash` -> `token_footprint` from the previous `.mcp.tools.json`: an unchanged tool
/// surface is not counted again (loading the tokenizer is most of discover's own CPU time).
pub(crate) fn known_footprints(previous: &ToolsFile) -> HashMap<String, usize> {
    previous
        .entries()
        .values()
        .filter_map(|e| {
            let hash = e.get("tools_hash")?.as_str()?;
            let tokens = e.get("token_footprint")?.as_u64()?;
            Some((hash.to_string(), tokens as usize))
        })
        .collect()
}

fn canonical(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let mut out = Map::new();
            for k in keys {
                out.insert(k.clone(), canonical(&m[k]));
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(canonical).collect()),
        other => other.clone(),
    }
}

/// Now, as RFC 3339 UTC (`2026-01-31T12:00:00Z`).
pub fn now_rfc3339() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// A list the server may not have: empty when it does not advertise `capability`, or answers
/// "method not found".
async fn optional_list(
    session: &mut Session,
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
        let mut session = mcp::connect(&server, &resolver, &opts).await?;
        let listed = async {
            step = "tools/list";
            bar.set_message("listing tools");
            let tools = session.list_tools().await?;
            step = "prompts/list";
            bar.set_message("listing prompts");
            let prompts = optional_list(&mut session, "prompts", "prompts/list", "prompts").await?;
            step = "resources/list";
            bar.set_message("listing resources");
            let resources =
                optional_list(&mut session, "resources", "resources/list", "resources").await?;
            step = "resources/templates/list";
            let templates = optional_list(
                &mut session,
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
        let found = Found {
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
                "discovered_at": now_rfc3339(),
                "tools_hash": hash,
                "token_footprint": tokens,
            }),
        };
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

/// Writes the entries of the servers that were discovered to `.mcp.tools.json` (`discover` and
/// `setup` both write through here); nothing when there are none.
pub(crate) fn record(tools_file: &std::path::Path, found: &[(&str, &Value)]) -> anyhow::Result<()> {
    if found.is_empty() {
        return Ok(());
    }
    crate::config::tools::edit_tools(tools_file, |f| {
        for (name, entry) in found {
            f.set(name, (*entry).clone());
        }
        Ok(())
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tools_hash_ignores_tool_and_key_order() {
        let a = vec![
            json!({"name": "b", "description": "x", "inputSchema": {"type": "object"}}),
            json!({"name": "a", "inputSchema": {"properties": {}, "type": "object"}}),
        ];
        let b = vec![
            json!({"inputSchema": {"type": "object", "properties": {}}, "name": "a"}),
            json!({"inputSchema": {"type": "object"}, "description": "x", "name": "b"}),
        ];
        assert_eq!(tools_hash(&a), tools_hash(&b));
        let c = vec![json!({"name": "a", "description": "changed"})];
        assert_ne!(tools_hash(&a), tools_hash(&c));
        assert!(tools_hash(&a).starts_with("sha256:"));
    }

    #[test]
    fn now_is_rfc3339_utc() {
        let now = now_rfc3339();
        assert_eq!(now.len(), 20, "{now}");
        assert!(now.starts_with("20") && now.ends_with('Z') && &now[10..11] == "T");
    }

    #[test]
    fn token_footprint_counts_o200k_tokens() {
        let tools = vec![json!({"name": "echo", "description": "Echoes back the input"})];
        let n = token_footprint(&tools);
        assert!(n > 5 && n < 30, "{n}");
    }
}

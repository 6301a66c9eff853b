//! `aimcp mcp discover`

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use super::test::{Targets, for_each_server, ms, report_failure};
use crate::config::tools::{ToolsFile, edit_tools};
use crate::config::{EnvResolver, Server, tools_path};
use crate::error::no;
use crate::mcp::{self, ConnectOptions, McpError, Session};
use crate::printer::Printer;
use crate::settings::Globals;

#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub names: Vec<String>,
    pub check: bool,
    pub timeout: Option<Duration>,
    pub concurrency: Option<usize>,
}

struct Found {
    entry: Value,
    tools: usize,
    prompts: usize,
    resources: usize,
    tokens: usize,
    hash: String,
}

struct Outcome {
    name: String,
    ms: u64,
    step: &'static str,
    result: Result<Found, McpError>,
}

/// The o200k_base tokenizer, loaded once, on a thread of its own so that it overlaps the servers'
/// start-up; only `discover` ever loads it.
fn tokenizer() -> &'static Option<tiktoken_rs::CoreBPE> {
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
fn known_footprints(previous: &ToolsFile) -> HashMap<String, usize> {
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

async fn discover_one(
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

pub fn run(globals: &Globals, settings: Settings, printer: &Printer) -> anyhow::Result<()> {
    let Settings {
        names,
        check,
        timeout,
        concurrency,
    } = settings;
    let targets = Targets::select(globals, &names, None)?;
    if targets.servers.is_empty() {
        if printer.is_json() {
            printer.json(&json!({"servers": []}))?;
        } else {
            printer.info(format!(
                "no enabled servers in `{}`",
                targets.config_path.display()
            ));
        }
        return Ok(());
    }
    let tools_file = tools_path(&targets.config_path);
    let previous = ToolsFile::load(&tools_file)?;
    let known = Arc::new(known_footprints(&previous));
    // Load the tokenizer while the servers start, unless every server has a counted entry.
    let needs_tokenizer = targets.servers.iter().any(|s| {
        previous
            .get(&s.name)
            .and_then(|e| e.get("tools_hash"))
            .and_then(Value::as_str)
            .is_none_or(|h| !known.contains_key(h))
    });
    let loader = needs_tokenizer.then(|| {
        std::thread::spawn(|| {
            let _ = tokenizer();
        })
    });
    let opts = targets.options(timeout).with_trace(printer.mcp_trace());
    let limit = targets.concurrency(concurrency);
    let multi = printer.multi_progress();
    let style = ProgressStyle::with_template("{spinner} {prefix:.bold} {msg} {elapsed:.dim}")
        .unwrap_or_else(|_| ProgressStyle::default_spinner());
    let bars: Vec<ProgressBar> = targets
        .servers
        .iter()
        .map(|s| {
            let bar = multi.add(ProgressBar::new_spinner());
            bar.set_style(style.clone());
            bar.set_prefix(s.name.clone());
            bar.set_message("waiting");
            if printer.shows_progress() {
                bar.enable_steady_tick(Duration::from_millis(100));
            }
            bar
        })
        .collect();
    let resolver = targets.resolver.clone();
    let outcomes = mcp::block_on(for_each_server(&targets.servers, limit, |i, s| {
        discover_one(
            s,
            resolver.clone(),
            opts.clone(),
            bars[i].clone(),
            known.clone(),
        )
    }));
    let _ = multi.clear();
    if let Some(l) = loader {
        let _ = l.join();
    }

    let changed = |o: &Outcome| match &o.result {
        Ok(f) => {
            previous
                .get(&o.name)
                .and_then(|e| e.get("tools_hash"))
                .and_then(Value::as_str)
                != Some(f.hash.as_str())
        }
        Err(_) => false,
    };
    if !check {
        let ok: Vec<(&str, &Value)> = outcomes
            .iter()
            .filter_map(|o| o.result.as_ref().ok().map(|f| (o.name.as_str(), &f.entry)))
            .collect();
        if !ok.is_empty() {
            edit_tools(&tools_file, |f| {
                for (name, entry) in &ok {
                    f.set(name, (*entry).clone());
                }
                Ok(())
            })?;
        }
    }

    let failed = outcomes.iter().filter(|o| o.result.is_err()).count();
    let drifted: Vec<&str> = outcomes
        .iter()
        .filter(|o| changed(o))
        .map(|o| o.name.as_str())
        .collect();
    if printer.is_json() {
        let servers: Vec<Value> = outcomes
            .iter()
            .map(|o| match &o.result {
                Ok(f) => json!({
                    "name": o.name, "ok": true, "tools": f.tools, "prompts": f.prompts,
                    "resources": f.resources, "token_footprint": f.tokens,
                    "changed": changed(o), "error": null, "ms": o.ms,
                }),
                Err(e) => json!({
                    "name": o.name, "ok": false, "tools": null, "token_footprint": null,
                    "changed": false, "error": e.full(), "step": o.step, "ms": o.ms,
                }),
            })
            .collect();
        printer.json(&json!({"servers": servers}))?;
    } else {
        let mut table = printer.table();
        table.set_header(vec![
            "server",
            "tools",
            "prompts",
            "resources",
            "tokens",
            "time",
            "status",
        ]);
        for o in &outcomes {
            let row = match &o.result {
                Ok(f) => vec![
                    o.name.clone(),
                    f.tools.to_string(),
                    f.prompts.to_string(),
                    f.resources.to_string(),
                    f.tokens.to_string(),
                    ms(o.ms),
                    match (changed(o), check) {
                        (true, true) => "differs".to_string(),
                        (true, false) => "updated".to_string(),
                        (false, _) => "unchanged".to_string(),
                    },
                ],
                Err(_) => vec![
                    o.name.clone(),
                    "-".into(),
                    "-".into(),
                    "-".into(),
                    "-".into(),
                    ms(o.ms),
                    format!("failed at {}", o.step),
                ],
            };
            table.add_row(row);
        }
        printer.print_table(&table)?;
        for o in &outcomes {
            if let Err(e) = &o.result {
                report_failure(printer, &o.name, o.step, e);
            }
        }
        if !check && failed < outcomes.len() {
            printer.info(format!("wrote `{}`", tools_file.display()));
        }
    }
    if failed > 0 {
        return Err(no(format!(
            "{failed} of {} servers could not be discovered; their previous entries are kept",
            outcomes.len()
        ))
        .into());
    }
    if check && !drifted.is_empty() {
        let names: Vec<String> = drifted.iter().map(|n| format!("`{n}`")).collect();
        return Err(no(format!(
            "the tools of {} differ from `.mcp.tools.json`",
            names.join(", ")
        ))
        .hint("run `aimcp mcp discover` and commit `.mcp.tools.json`")
        .into());
    }
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

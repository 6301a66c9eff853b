//! `.mcp.tools.json`: what `mcp discover` learned of each server.
//!
//! Shape (see `../shared/CLI.md`): `{ "<server>": { "tools": [ <tool objects as sent> ],
//! "prompts": [...], "resources": [...], "resource_templates": [...], "server_info": {...},
//! "protocol_version": "...", "discovered_at": "...", "tools_hash": "...",
//! "token_footprint": N } }`. Entries are kept as JSON values so that nothing a server sent is lost.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::document::{json_error, render_json};
use super::fsutil::{lock_dir, write_atomic};
use super::o200k::O200k;
use crate::error::usage;

#[derive(Debug, Clone)]
pub struct ToolsFile {
    path: PathBuf,
    entries: Map<String, Value>,
    original: Option<String>,
    /// An entry was set to something new or removed since loading.
    dirty: bool,
}

impl ToolsFile {
    /// Loads the file; a missing one is empty.
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let original = match std::fs::read_to_string(path) {
            Ok(t) => Some(t),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => {
                return Err(
                    anyhow::Error::new(e).context(format!("cannot read `{}`", path.display()))
                );
            }
        };
        let entries = match &original {
            None => Map::new(),
            Some(text) if text.trim().is_empty() => Map::new(),
            Some(text) => match serde_json::from_str::<Value>(text) {
                Ok(Value::Object(m)) => m,
                Ok(_) => {
                    return Err(usage(format!(
                        "`{}`:1: the top level must be a JSON object",
                        path.display()
                    ))
                    .into());
                }
                Err(e) => {
                    return Err(json_error(path, text, &e)
                        .hint("delete it and run `aimcp mcp discover` to write it anew")
                        .into());
                }
            },
        };
        if let Some(text) = &original {
            check_duplicate_servers(path, text)?;
        }
        Ok(ToolsFile {
            path: path.to_path_buf(),
            entries,
            original,
            dirty: false,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A server's entry.
    pub fn get(&self, server: &str) -> Option<&Value> {
        self.entries.get(server)
    }

    /// How many tools were discovered for a server; `None` when it never was.
    pub fn tool_count(&self, server: &str) -> Option<usize> {
        self.get(server)
            .and_then(|e| e.get("tools"))
            .and_then(Value::as_array)
            .map(Vec::len)
    }

    /// The tool names discovered for a server, in order; None when it never was discovered.
    pub fn tool_names(&self, server: &str) -> Option<Vec<String>> {
        let list = self.get(server)?.get("tools")?.as_array()?;
        Some(
            list.iter()
                .filter_map(|t| t.get("name").and_then(Value::as_str).map(str::to_string))
                .collect(),
        )
    }

    /// Every entry, in file order.
    pub fn entries(&self) -> &Map<String, Value> {
        &self.entries
    }

    /// Sets a server's entry (in place when it exists); setting the same entry is no change.
    pub fn set(&mut self, server: &str, entry: Value) {
        if self.entries.get(server) != Some(&entry) {
            self.entries.insert(server.to_string(), entry);
            self.dirty = true;
        }
    }

    /// Records what a discovery found for a server, with `discovered_at` set to `at`, unless
    /// the stored entry already says the same ([`same_discovery`]): then it stays as it is,
    /// `discovered_at` and all, so that an unchanged server leaves the file alone. Returns
    /// whether the entry changed.
    pub fn record(&mut self, server: &str, mut entry: Value, at: &str) -> bool {
        if self
            .entries
            .get(server)
            .is_some_and(|old| same_discovery(old, &entry))
        {
            return false;
        }
        if let Some(m) = entry.as_object_mut() {
            m.insert("discovered_at".into(), Value::String(at.to_string()));
        }
        let before = self.dirty;
        self.dirty = false;
        self.set(server, entry);
        let changed = self.dirty;
        self.dirty |= before;
        changed
    }

    /// Removes a server's entry; returns whether there was one.
    pub fn remove(&mut self, server: &str) -> bool {
        let removed = self.entries.shift_remove(server).is_some();
        self.dirty |= removed;
        removed
    }

    /// `tools_hash` -> `token_footprint` of the entries whose tools still hash to their stored
    /// `tools_hash`: an unchanged tool surface is not counted again (loading the tokenizer is
    /// most of discover's own CPU time).
    pub fn known_footprints(&self) -> HashMap<String, usize> {
        self.entries
            .values()
            .filter_map(|e| {
                let hash = e.get("tools_hash")?.as_str()?;
                let tokens = e.get("token_footprint")?.as_u64()?;
                (stored_tools_hash(e)? == hash).then(|| (hash.to_string(), tokens as usize))
            })
            .collect()
    }

    pub fn render(&self) -> String {
        render_json(&Value::Object(self.entries.clone()), "  ", true)
    }

    /// Saves atomically when an entry changed (a file laid out by hand is not re-rendered for
    /// nothing); a file that never existed and would be empty is not created. Returns whether
    /// it wrote.
    pub fn save(&mut self) -> anyhow::Result<bool> {
        let text = self.render();
        if !self.dirty
            || self.original.as_deref() == Some(text.as_str())
            || (self.original.is_none() && self.entries.is_empty())
        {
            return Ok(false);
        }
        write_atomic(&self.path, text.as_bytes(), None)?;
        self.original = Some(text);
        self.dirty = false;
        Ok(true)
    }
}

/// Never call this inside [`super::edit`]: both lock the same folder.
/// Loads `.mcp.tools.json` under the advisory lock of its folder, applies `change`, and saves
/// when the content changed.
pub fn edit_tools<T>(
    path: &Path,
    change: impl FnOnce(&mut ToolsFile) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let _lock = lock_dir(dir)?;
    let mut file = ToolsFile::load(path)?;
    let out = change(&mut file)?;
    file.save()?;
    Ok(out)
}

/// A server twice (a bad merge) would lose one entry on the next save, and `--check` would see
/// only the last: refuse it, naming both lines.
fn check_duplicate_servers(path: &Path, text: &str) -> anyhow::Result<()> {
    let Some(root) = super::spans::scan(text) else {
        return Ok(());
    };
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for m in root.members() {
        if let Some(first) = seen.insert(&m.key, m.key_start) {
            return Err(usage(format!(
                "`{}`:{}: duplicate server `{}` (first at line {})",
                path.display(),
                super::spans::line_at(text, m.key_start),
                m.key,
                super::spans::line_at(text, first)
            ))
            .hint("delete it and run `aimcp mcp discover` to write it anew")
            .into());
        }
    }
    Ok(())
}

static BPE: OnceLock<Option<O200k>> = OnceLock::new();

/// The o200k_base token counter, loaded once (call it on a thread of its own to overlap other
/// work).
pub fn tokenizer() -> &'static Option<O200k> {
    BPE.get_or_init(|| O200k::load().ok())
}

/// The tokenizer if it is loaded already, without waiting for it (loading takes from a tenth of
/// a second to seconds on a busy machine).
pub fn loaded_tokenizer() -> Option<&'static O200k> {
    BPE.get().and_then(Option::as_ref)
}

/// How many o200k_base tokens the JSON of the tool list costs (an estimate of its cost in a
/// model's context). Counted on the canonical JSON (see [`canonical_json`]), so that it depends
/// only on the tool surface and can be reused while `tools_hash` stays the same.
pub fn token_footprint(tools: &[Value]) -> usize {
    let text = canonical_json(tools);
    match tokenizer() {
        Some(bpe) => bpe.count(&text),
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

/// The hash of the tools an entry holds, recomputed (not its `tools_hash`); `None` when it has
/// no list of tools.
pub fn stored_tools_hash(entry: &Value) -> Option<String> {
    entry.get("tools")?.as_array().map(|t| tools_hash(t))
}

/// Whether a stored entry describes the tool surface whose hash is `live`: its `tools_hash`
/// says so *and* its tools, hashed again, agree (a hand edit or a bad merge of the tools
/// leaves the stored hash as it was).
pub fn entry_matches(entry: &Value, live: &str) -> bool {
    entry.get("tools_hash").and_then(Value::as_str) == Some(live)
        && stored_tools_hash(entry).as_deref() == Some(live)
}

/// Whether a new discovery says nothing the stored entry does not: the same tool surface and
/// every other field the same, whatever `discovered_at` says. Such an entry is kept as it is,
/// so that an unchanged server leaves `.mcp.tools.json` byte for byte alone.
pub fn same_discovery(stored: &Value, new: &Value) -> bool {
    let (Some(old), Some(new)) = (stored.as_object(), new.as_object()) else {
        return false;
    };
    let Some(live) = new.get("tools_hash").and_then(Value::as_str) else {
        return false;
    };
    if !entry_matches(stored, live) {
        return false;
    }
    let rest = |m: &Map<String, Value>| -> Vec<(String, Value)> {
        let mut v: Vec<(String, Value)> = m
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "discovered_at" | "tools"))
            .map(|(k, v)| (k.clone(), canonical(v)))
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    };
    rest(old) == rest(new)
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

/// A time as RFC 3339 UTC to the second (`2026-01-31T12:00:00Z`), as `discovered_at` holds it.
pub fn rfc3339(at: jiff::Timestamp) -> String {
    at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The number of tools of each server in a `.mcp.tools.json`, read without building the tool
/// objects (what `mcp list` needs, fast on large files). A missing file gives an empty map.
pub fn tool_counts(path: &Path) -> anyhow::Result<std::collections::HashMap<String, usize>> {
    use serde::de::{Deserializer, IgnoredAny, SeqAccess, Visitor};

    struct Count(usize);
    impl<'de> serde::Deserialize<'de> for Count {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Count;
                fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                    f.write_str("a list of tools")
                }
                fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Count, A::Error> {
                    let mut n = 0;
                    while seq.next_element::<IgnoredAny>()?.is_some() {
                        n += 1;
                    }
                    Ok(Count(n))
                }
            }
            d.deserialize_seq(V)
        }
    }
    #[derive(serde::Deserialize)]
    struct Entry {
        tools: Option<Count>,
    }

    let text = match std::fs::read(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Default::default()),
        Err(e) => {
            return Err(anyhow::Error::new(e).context(format!("cannot read `{}`", path.display())));
        }
    };
    if text.iter().all(u8::is_ascii_whitespace) {
        return Ok(Default::default());
    }
    let entries: std::collections::HashMap<String, Entry> =
        serde_json::from_slice(&text).map_err(|e| {
            json_error(path, &String::from_utf8_lossy(&text), &e)
                .hint("delete it and run `aimcp mcp discover` to write it anew")
        })?;
    Ok(entries
        .into_iter()
        .filter_map(|(k, v)| v.tools.map(|c| (k, c.0)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
    fn rfc3339_is_utc_to_the_second() {
        let at: jiff::Timestamp = "2026-01-31T12:00:00.987654Z".parse().unwrap();
        assert_eq!(rfc3339(at), "2026-01-31T12:00:00Z");
        let at: jiff::Timestamp = "2024-02-29T23:59:59+02:00".parse().unwrap();
        assert_eq!(rfc3339(at), "2024-02-29T21:59:59Z");
    }

    #[test]
    fn token_footprint_counts_o200k_tokens() {
        let tools = vec![json!({"name": "echo", "description": "Echoes back the input"})];
        let n = token_footprint(&tools);
        assert!(n > 5 && n < 30, "{n}");
    }

    #[test]
    fn an_entry_matches_only_when_its_tools_hash_to_the_stored_hash() {
        let tools = json!([{"name": "a"}]);
        let live = tools_hash(tools.as_array().unwrap());
        let good = json!({"tools": tools, "tools_hash": live, "discovered_at": "then"});
        assert!(entry_matches(&good, &live));
        let edited = json!({"tools": [{"name": "a", "description": "x"}], "tools_hash": live});
        assert!(!entry_matches(&edited, &live));
        assert!(!entry_matches(&json!({"tools_hash": live}), &live));

        let now = json!({"tools": [{"name": "a"}], "tools_hash": live, "discovered_at": "now"});
        assert!(same_discovery(&good, &now));
        assert!(!same_discovery(&edited, &now));
        let upgraded =
            json!({"tools": [{"name": "a"}], "tools_hash": live, "server_info": {"version": "2"}});
        assert!(!same_discovery(&good, &upgraded));
    }

    #[test]
    fn setting_the_same_entry_is_no_change() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".mcp.tools.json");
        std::fs::write(&path, r#"{"a": {"tools": []}}"#).unwrap();
        let mut f = ToolsFile::load(&path).unwrap();
        f.set("a", json!({"tools": []}));
        assert!(!f.save().unwrap(), "a hand-laid-out file was re-rendered");
        f.set("a", json!({"tools": [{"name": "x"}]}));
        assert!(f.save().unwrap());

        // A rediscovery that finds the same keeps the stored entry and its time.
        let tools = json!([{"name": "x"}]);
        let hash = tools_hash(tools.as_array().unwrap());
        let then = json!({"tools": tools, "tools_hash": hash, "discovered_at": "then"});
        f.set("a", then.clone());
        f.save().unwrap();
        let now = json!({"tools": [{"name": "x"}], "tools_hash": hash, "discovered_at": "now"});
        assert!(!f.record("a", now.clone(), "now"));
        assert_eq!(f.get("a"), Some(&then));
        assert!(!f.save().unwrap());
        let mut other = now.clone();
        other["prompts"] = json!([{"name": "p"}]);
        assert!(f.record("a", other.clone(), "later"));
        other["discovered_at"] = json!("later");
        assert_eq!(f.get("a"), Some(&other));
        assert!(f.save().unwrap());
    }
}

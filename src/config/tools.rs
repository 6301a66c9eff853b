//! `.mcp.tools.json`: what `mcp discover` learned of each server.
//!
//! Shape (see `../shared/CLI.md`): `{ "<server>": { "tools": [ <tool objects as sent> ],
//! "prompts": [...], "resources": [...], "resource_templates": [...], "server_info": {...},
//! "protocol_version": "...", "discovered_at": "...", "tools_hash": "...",
//! "token_footprint": N } }`. Entries are kept as JSON values so that nothing a server sent is lost.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::document::render_json;
use super::fsutil::{lock_dir, write_atomic};
use crate::error::usage;

#[derive(Debug, Clone)]
pub struct ToolsFile {
    path: PathBuf,
    entries: Map<String, Value>,
    original: Option<String>,
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
                    return Err(usage(format!(
                        "`{}`:{}:{}: invalid JSON",
                        path.display(),
                        e.line(),
                        e.column()
                    ))
                    .hint("delete it and run `aimcp mcp discover` to write it anew")
                    .into());
                }
            },
        };
        Ok(ToolsFile {
            path: path.to_path_buf(),
            entries,
            original,
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

    /// Every entry, in file order.
    pub fn entries(&self) -> &Map<String, Value> {
        &self.entries
    }

    /// Sets a server's entry (in place when it exists).
    pub fn set(&mut self, server: &str, entry: Value) {
        self.entries.insert(server.to_string(), entry);
    }

    /// Removes a server's entry; returns whether there was one.
    pub fn remove(&mut self, server: &str) -> bool {
        self.entries.shift_remove(server).is_some()
    }

    pub fn render(&self) -> String {
        render_json(&Value::Object(self.entries.clone()), "  ", true)
    }

    /// Saves atomically when the content changed; a file that never existed and would be empty
    /// is not created. Returns whether it wrote.
    pub fn save(&mut self) -> anyhow::Result<bool> {
        let text = self.render();
        if self.original.as_deref() == Some(text.as_str())
            || (self.original.is_none() && self.entries.is_empty())
        {
            return Ok(false);
        }
        write_atomic(&self.path, text.as_bytes(), None)?;
        self.original = Some(text);
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
            usage(format!(
                "`{}`:{}:{}: {e}",
                path.display(),
                e.line(),
                e.column()
            ))
            .hint("delete it and run `aimcp mcp discover` to write it anew")
        })?;
    Ok(entries
        .into_iter()
        .filter_map(|(k, v)| v.tools.map(|c| (k, c.0)))
        .collect())
}

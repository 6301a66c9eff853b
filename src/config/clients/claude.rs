//! Claude Code: it reads the project's `.mcp.json` itself, so `sync` has nothing to write for it;
//! its user file `~/.claude.json` keeps user-scope servers under `mcpServers` (read by `import`).
//! `${VAR}` and `${VAR:-default}` are its own syntax. It ignores keys it does not know, so
//! `enabled` and `disabledTools` in `.mcp.json` are safe (checked with `claude mcp get`).

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::json::{self, Format};
use super::{Client, ClientDoc, ClientId, Entry, Homes, RefStyle};
use crate::config::{CONFIG_FILE, Transport};

pub struct Claude;

const ID: ClientId = ClientId::Claude;

static FORMAT: Format = Format {
    id: ID,
    section: "mcpServers",
    owned: &["type", "command", "args", "env", "url", "headers"],
    render,
    read,
};

fn render(e: &Entry, notes: &mut Vec<String>) -> Option<Map<String, Value>> {
    let mut m = Map::new();
    match e.transport {
        Transport::Stdio => json::stdio_keys(e, RefStyle::Dollar, ID, &mut m, notes)?,
        Transport::Http | Transport::Sse => {
            m.insert("type".into(), Value::String(e.transport.to_string()));
            json::remote_keys(e, RefStyle::Dollar, ID, "url", &mut m, notes)?
        }
    }
    Some(m)
}

fn read(name: &str, obj: &Map<String, Value>) -> Result<Entry, String> {
    let mut e = json::read_common(name, obj, false, &[("url", Transport::Http)])?;
    e.disabled_tools = json::get_list(obj, "disabledTools")?;
    Ok(e)
}

impl Client for Claude {
    fn id(&self) -> ClientId {
        FORMAT.id
    }
    fn project_path(&self, project: &Path) -> Option<PathBuf> {
        Some(project.join(CONFIG_FILE))
    }
    fn user_path(&self, homes: &Homes) -> Option<PathBuf> {
        homes.home.as_ref().map(|h| h.join(".claude.json"))
    }
    fn load(&self, path: &Path, text: Option<&str>) -> anyhow::Result<Box<dyn ClientDoc>> {
        json::load(&FORMAT, path, text)
    }
}

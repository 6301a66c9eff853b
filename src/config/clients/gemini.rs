//! Gemini CLI: `.gemini/settings.json` in the project, `~/.gemini/settings.json` for the user
//! (beside every other setting, all kept). `mcpServers` with `command`/`args`/`env`, `httpUrl`
//! for Streamable HTTP, `url` for SSE, `headers`; `${VAR}` is read in every string (no default).
//! Disabled tools go into `excludeTools`; a user's `includeTools`, `trust`, `timeout` and `cwd`
//! are kept.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::json::{self, Format};
use super::{Client, ClientDoc, ClientId, Entry, Homes, RefStyle};
use crate::config::Transport;

pub struct Gemini;

const ID: ClientId = ClientId::Gemini;

static FORMAT: Format = Format {
    id: ID,
    section: "mcpServers",
    owned: &[
        "command",
        "args",
        "env",
        "url",
        "httpUrl",
        "headers",
        "excludeTools",
    ],
    render,
    read,
};

fn render(e: &Entry, notes: &mut Vec<String>) -> Option<Map<String, Value>> {
    let mut m = Map::new();
    match e.transport {
        Transport::Stdio => json::stdio_keys(e, RefStyle::Dollar, ID, &mut m, notes)?,
        Transport::Http => json::remote_keys(e, RefStyle::Dollar, ID, "httpUrl", &mut m, notes)?,
        Transport::Sse => json::remote_keys(e, RefStyle::Dollar, ID, "url", &mut m, notes)?,
    }
    if !e.disabled_tools.is_empty() {
        m.insert(
            "excludeTools".into(),
            json::strings(e.disabled_tools.iter().cloned()),
        );
    }
    Some(m)
}

fn read(name: &str, obj: &Map<String, Value>) -> Result<Entry, String> {
    let mut e = json::read_common(
        name,
        obj,
        false,
        &[("httpUrl", Transport::Http), ("url", Transport::Sse)],
    )?;
    e.disabled_tools = json::get_list(obj, "excludeTools")?;
    Ok(e)
}

impl Client for Gemini {
    fn id(&self) -> ClientId {
        FORMAT.id
    }
    fn project_path(&self, project: &Path) -> Option<PathBuf> {
        Some(project.join(".gemini/settings.json"))
    }
    fn user_path(&self, homes: &Homes) -> Option<PathBuf> {
        homes.home.as_ref().map(|h| h.join(".gemini/settings.json"))
    }
    fn load(&self, path: &Path, text: Option<&str>) -> anyhow::Result<Box<dyn ClientDoc>> {
        json::load(&FORMAT, path, text)
    }
    fn has_tool_switch(&self) -> bool {
        true
    }
}

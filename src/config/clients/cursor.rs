//! Cursor: `.cursor/mcp.json` in the project, `~/.cursor/mcp.json` for the user. `mcpServers`
//! with `command`/`args`/`env` or `url`/`headers`; `${env:VAR}` is read in all of them. Cursor
//! switches servers and tools off in its settings, not in the file: a disabled server is left
//! out, and the tool filter applies only through `aimcp mcp serve`.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::json::{self, Format};
use super::{Client, ClientDoc, ClientId, Entry, Homes, RefStyle};
use crate::config::Transport;

pub struct Cursor;

const ID: ClientId = ClientId::Cursor;

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
        Transport::Stdio => json::stdio_keys(e, RefStyle::EnvColon, ID, &mut m, notes)?,
        Transport::Http | Transport::Sse => {
            json::remote_keys(e, RefStyle::EnvColon, ID, "url", &mut m, notes)?
        }
    }
    json::no_tool_switch(e, ID, notes);
    Some(m)
}

fn read(name: &str, obj: &Map<String, Value>) -> Result<Entry, String> {
    json::read_common(name, obj, true, &[("url", Transport::Http)])
}

impl Client for Cursor {
    fn id(&self) -> ClientId {
        FORMAT.id
    }
    fn project_path(&self, project: &Path) -> Option<PathBuf> {
        Some(project.join(".cursor/mcp.json"))
    }
    fn user_path(&self, homes: &Homes) -> Option<PathBuf> {
        homes.home.as_ref().map(|h| h.join(".cursor/mcp.json"))
    }
    fn load(&self, path: &Path, text: Option<&str>) -> anyhow::Result<Box<dyn ClientDoc>> {
        json::load(&FORMAT, path, text)
    }
}

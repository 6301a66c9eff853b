//! Claude Desktop: only a user file, `claude_desktop_config.json` in the platform's config folder
//! (`~/.config/Claude/` on Linux, `~/Library/Application Support/Claude/` on macOS). `mcpServers`
//! with `command`/`args`/`env` only: no remote servers in the file and no environment references,
//! so a value that refers to `${VAR}` is not written (a note says so).

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::json::{self, Format};
use super::{Client, ClientDoc, ClientId, Entry, Homes, RefStyle};
use crate::config::Transport;

pub struct ClaudeDesktop;

const ID: ClientId = ClientId::ClaudeDesktop;

static FORMAT: Format = Format {
    id: ID,
    section: "mcpServers",
    owned: &["command", "args", "env"],
    render,
    read,
};

fn render(e: &Entry, notes: &mut Vec<String>) -> Option<Map<String, Value>> {
    let mut m = Map::new();
    match e.transport {
        Transport::Stdio => json::stdio_keys(e, RefStyle::None, ID, &mut m, notes)?,
        Transport::Http | Transport::Sse => {
            notes.push(format!(
                "`{ID}` reads only stdio servers from its file: `{}` ({}) is not written; add it as a connector in the app, or use `aimcp mcp sync --via-gateway`",
                e.name, e.transport
            ));
            return None;
        }
    }
    json::no_tool_switch(e, ID, notes);
    Some(m)
}

fn read(name: &str, obj: &Map<String, Value>) -> Result<Entry, String> {
    json::read_common(name, obj, false, &[])
}

impl Client for ClaudeDesktop {
    fn id(&self) -> ClientId {
        FORMAT.id
    }
    fn project_path(&self, _project: &Path) -> Option<PathBuf> {
        None
    }
    fn user_path(&self, homes: &Homes) -> Option<PathBuf> {
        homes
            .config
            .as_ref()
            .map(|c| c.join("Claude/claude_desktop_config.json"))
    }
    fn load(&self, path: &Path, text: Option<&str>) -> anyhow::Result<Box<dyn ClientDoc>> {
        json::load(&FORMAT, path, text)
    }
}

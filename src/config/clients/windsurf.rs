//! Windsurf: only a user file, `~/.codeium/windsurf/mcp_config.json`. `mcpServers` with
//! `command`/`args`/`env`, or `serverUrl`/`headers` for a remote server; `${env:VAR}` is read in
//! all of them. Its tool toggles live in its settings: the tool filter applies only through
//! `aimcp mcp serve`.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::json::{self, Format};
use super::{Client, ClientDoc, ClientId, Entry, Homes, RefStyle};
use crate::config::Transport;

pub struct Windsurf;

const ID: ClientId = ClientId::Windsurf;

static FORMAT: Format = Format {
    id: ID,
    section: "mcpServers",
    owned: &["command", "args", "env", "serverUrl", "url", "headers"],
    render,
    read,
};

fn render(e: &Entry, notes: &mut Vec<String>) -> Option<Map<String, Value>> {
    let mut m = Map::new();
    match e.transport {
        Transport::Stdio => json::stdio_keys(e, RefStyle::EnvColon, ID, &mut m, notes)?,
        Transport::Http | Transport::Sse => {
            json::remote_keys(e, RefStyle::EnvColon, ID, "serverUrl", &mut m, notes)?
        }
    }
    json::no_tool_switch(e, ID, notes);
    Some(m)
}

fn read(name: &str, obj: &Map<String, Value>) -> Result<Entry, String> {
    json::read_common(
        name,
        obj,
        true,
        &[("serverUrl", Transport::Http), ("url", Transport::Http)],
    )
}

impl Client for Windsurf {
    fn id(&self) -> ClientId {
        FORMAT.id
    }
    fn project_path(&self, _project: &Path) -> Option<PathBuf> {
        None
    }
    fn user_path(&self, homes: &Homes) -> Option<PathBuf> {
        homes
            .home
            .as_ref()
            .map(|h| h.join(".codeium/windsurf/mcp_config.json"))
    }
    fn load(&self, path: &Path, text: Option<&str>) -> anyhow::Result<Box<dyn ClientDoc>> {
        json::load(&FORMAT, path, text)
    }
}

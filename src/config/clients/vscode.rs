//! VS Code: `.vscode/mcp.json` in the project, `<config>/Code/User/mcp.json` for the user. Its
//! servers are under `servers` (not the older aimcp `servers` layout: entries have `type`
//! `stdio`/`http`/`sse` and a `command` with separate `args`), beside `inputs` (prompted secrets,
//! kept as they are). `${env:VAR}` is read in every string. VS Code switches servers and tools off
//! in its UI, not in the file: a disabled server is left out, and the tool filter applies only
//! through `aimcp mcp serve`.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::json::{self, Format};
use super::{Client, ClientDoc, ClientId, Entry, Homes, RefStyle};
use crate::config::Transport;

pub struct Vscode;

const ID: ClientId = ClientId::Vscode;

static FORMAT: Format = Format {
    id: ID,
    section: "servers",
    owned: &["type", "command", "args", "env", "url", "headers"],
    render,
    read,
};

fn render(e: &Entry, notes: &mut Vec<String>) -> Option<Map<String, Value>> {
    let mut m = Map::new();
    m.insert("type".into(), Value::String(e.transport.to_string()));
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

impl Client for Vscode {
    fn id(&self) -> ClientId {
        FORMAT.id
    }
    fn project_path(&self, project: &Path) -> Option<PathBuf> {
        Some(project.join(".vscode/mcp.json"))
    }
    fn user_path(&self, homes: &Homes) -> Option<PathBuf> {
        homes.config.as_ref().map(|c| c.join("Code/User/mcp.json"))
    }
    fn load(&self, path: &Path, text: Option<&str>) -> anyhow::Result<Box<dyn ClientDoc>> {
        json::load(&FORMAT, path, text)
    }
}

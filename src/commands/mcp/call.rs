//! `aimcp mcp call`

#![allow(dead_code)]

use std::time::Duration;

use crate::config::Server;
use crate::error::not_built;
use crate::printer::Printer;
use crate::settings::Globals;

#[derive(Debug, Clone)]
pub struct Settings {
    /// The server name from `.mcp.json` (None with `ad_hoc`).
    pub server: Option<String>,
    pub tool: String,
    pub arguments: serde_json::Map<String, serde_json::Value>,
    pub timeout: Option<Duration>,
    pub ad_hoc: Option<Server>,
}

pub fn run(_globals: &Globals, _settings: Settings, _printer: &Printer) -> anyhow::Result<()> {
    Err(not_built("mcp call"))
}

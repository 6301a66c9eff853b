//! `aimcp mcp test`

#![allow(dead_code)]

use std::time::Duration;

use crate::config::Server;
use crate::error::not_built;
use crate::printer::Printer;
use crate::settings::Globals;

#[derive(Debug, Clone)]
pub struct Settings {
    pub names: Vec<String>,
    pub timeout: Option<Duration>,
    /// A server given with `--url` or `-- COMMAND`, not from `.mcp.json`.
    pub ad_hoc: Option<Server>,
}

pub fn run(_globals: &Globals, _settings: Settings, _printer: &Printer) -> anyhow::Result<()> {
    Err(not_built("mcp test"))
}

//! `aimcp mcp discover`

#![allow(dead_code)]

use std::time::Duration;

use crate::error::not_built;
use crate::printer::Printer;
use crate::settings::Globals;

#[derive(Debug, Clone)]
pub struct Settings {
    pub names: Vec<String>,
    pub check: bool,
    pub timeout: Option<Duration>,
    pub concurrency: Option<usize>,
}

pub fn run(_globals: &Globals, _settings: Settings, _printer: &Printer) -> anyhow::Result<()> {
    Err(not_built("mcp discover"))
}

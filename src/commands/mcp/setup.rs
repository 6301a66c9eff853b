//! `aimcp mcp setup`

#![allow(dead_code)]

use crate::error::not_built;
use crate::printer::Printer;
use crate::settings::Globals;

#[derive(Debug, Clone)]
pub struct Settings {
    pub entry: Option<String>,
    pub variant: Option<String>,
    pub name: Option<String>,
    pub env: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub args: Vec<String>,
    pub yes: bool,
    pub install: bool,
    pub pin: bool,
    pub test: bool,
    pub discover: bool,
    pub store_secrets: bool,
}

pub fn run(_globals: &Globals, _settings: Settings, _printer: &Printer) -> anyhow::Result<()> {
    Err(not_built("mcp setup"))
}

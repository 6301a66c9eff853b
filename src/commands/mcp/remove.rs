//! `aimcp mcp remove`
use crate::printer::Printer;
use crate::settings::Globals;

#[derive(Debug, Clone)]
pub struct Settings {
    pub name: String,
    pub yes: bool,
}

pub fn run(_globals: &Globals, _settings: Settings, _printer: &Printer) -> anyhow::Result<()> {
    Err(crate::error::not_built("mcp remove"))
}

//! `aimcp mcp add`
use crate::config::Server;
use crate::printer::Printer;
use crate::settings::Globals;

#[derive(Debug, Clone)]
pub struct Settings {
    pub server: Server,
    pub force: bool,
}

pub fn run(_globals: &Globals, _settings: Settings, _printer: &Printer) -> anyhow::Result<()> {
    Err(crate::error::not_built("mcp add"))
}

//! `aimcp tokens check`

#![allow(dead_code)]

use crate::error::not_built;
use crate::printer::Printer;
use crate::settings::Globals;

#[derive(Debug, Clone)]
pub struct Settings {
    pub estimate: Option<String>,
    pub scope: Option<String>,
}

pub fn run(_globals: &Globals, _settings: Settings, _printer: &Printer) -> anyhow::Result<()> {
    Err(not_built("tokens check"))
}

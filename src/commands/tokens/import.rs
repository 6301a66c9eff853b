//! `aimcp tokens import`

#![allow(dead_code)]

use std::path::PathBuf;

use crate::error::not_built;
use crate::printer::Printer;
use crate::settings::Globals;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    ClaudeCode,
    Codex,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub source: Source,
    pub path: Option<PathBuf>,
}

pub fn run(_globals: &Globals, _settings: Settings, _printer: &Printer) -> anyhow::Result<()> {
    Err(not_built("tokens import"))
}

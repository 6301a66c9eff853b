//! `aimcp tokens summary`

#![allow(dead_code)]

use crate::error::not_built;
use crate::printer::Printer;
use crate::settings::Globals;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    Day,
    Week,
    Month,
    Provider,
    Model,
    User,
    Project,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub days: Option<u32>,
    pub since: Option<String>,
    pub until: Option<String>,
    pub by: GroupBy,
    pub budget: Option<String>,
    pub tz: Option<String>,
    pub csv: bool,
}

pub fn run(_globals: &Globals, _settings: Settings, _printer: &Printer) -> anyhow::Result<()> {
    Err(not_built("tokens summary"))
}

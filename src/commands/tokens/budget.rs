//! `aimcp tokens budget`

#![allow(dead_code)]

use crate::error::not_built;
use crate::printer::Printer;
use crate::settings::Globals;

#[derive(Debug, Clone)]
pub struct SetSettings {
    pub daily: Option<String>,
    pub monthly: Option<String>,
    pub per_request: Option<String>,
    pub scope: String,
}

pub fn set(_globals: &Globals, _settings: SetSettings, _printer: &Printer) -> anyhow::Result<()> {
    Err(not_built("tokens budget set"))
}

pub fn list(_globals: &Globals, _printer: &Printer) -> anyhow::Result<()> {
    Err(not_built("tokens budget list"))
}

pub fn remove(_globals: &Globals, _id: &str, _printer: &Printer) -> anyhow::Result<()> {
    Err(not_built("tokens budget remove"))
}

pub fn status(_globals: &Globals, _printer: &Printer) -> anyhow::Result<()> {
    Err(not_built("tokens budget status"))
}

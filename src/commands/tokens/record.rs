//! `aimcp tokens record`

#![allow(dead_code)]

use crate::error::not_built;
use crate::printer::Printer;
use crate::settings::Globals;

#[derive(Debug, Clone)]
pub struct Settings {
    pub jsonl: Option<String>,
    pub provider: Option<String>,
    pub model: Option<String>,
    pub input: Option<u64>,
    pub output: Option<u64>,
    pub cache_read: Option<u64>,
    pub cache_write: Option<u64>,
    pub cache_write_1h: Option<u64>,
    pub reasoning: Option<u64>,
    pub user: Option<String>,
    pub project: Option<String>,
    pub session: Option<String>,
    pub request_id: Option<String>,
    pub cost: Option<String>,
    pub at: Option<String>,
    pub latency_ms: Option<u64>,
    pub failed: bool,
}

pub fn run(_globals: &Globals, _settings: Settings, _printer: &Printer) -> anyhow::Result<()> {
    Err(not_built("tokens record"))
}

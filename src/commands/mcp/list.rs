//! `aimcp mcp list`
use crate::printer::Printer;
use crate::settings::Globals;

pub fn run(_globals: &Globals, _printer: &Printer) -> anyhow::Result<()> {
    Err(crate::error::not_built("mcp list"))
}

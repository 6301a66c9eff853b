//! `aimcp mcp catalog`

use crate::error::not_built;
use crate::printer::Printer;
use crate::settings::Globals;

pub fn run(_globals: &Globals, _printer: &Printer) -> anyhow::Result<()> {
    Err(not_built("mcp catalog"))
}

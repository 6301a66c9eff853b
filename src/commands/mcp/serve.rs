//! `aimcp mcp serve`: the gateway. Reads `.mcp.json`, starts the upstream pool and the router,
//! and serves them over stdio or Streamable HTTP until the client goes away.

use std::net::SocketAddr;

use crate::gateway::names::Pattern;
use crate::printer::Printer;
use crate::settings::Globals;

/// Items in one page of a merged list (`tools/list` ...).
pub const PAGE_SIZE: usize = 500;

#[derive(Debug, Clone)]
pub struct Settings {
    /// Servers to serve; empty: every enabled one.
    pub names: Vec<String>,
    /// `--http`: Streamable HTTP instead of stdio.
    pub http: Option<Http>,
    pub allow: Vec<Pattern>,
    pub deny: Vec<Pattern>,
    /// Record every `tools/call` in the usage store (not with `--no-record`).
    pub record: bool,
    pub page_size: usize,
}

#[derive(Clone)]
pub struct Http {
    pub addr: SocketAddr,
    /// `AIMCP_GATEWAY_TOKEN`: clients must send `Authorization: Bearer <token>`.
    pub token: Option<String>,
}

impl std::fmt::Debug for Http {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Http")
            .field("addr", &self.addr)
            .field("token", &self.token.as_ref().map(|_| "****"))
            .finish()
    }
}

pub fn run(globals: &Globals, settings: Settings, printer: &Printer) -> anyhow::Result<()> {
    let _ = (globals, settings, printer);
    Err(crate::error::no("`aimcp mcp serve` is not ready yet").into())
}

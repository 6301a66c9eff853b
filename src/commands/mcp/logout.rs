//! `aimcp mcp logout NAME`: forget a server's OAuth tokens.

use super::Targets;
use crate::mcp;
use crate::printer::Printer;
use crate::settings::Globals;

#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub name: String,
}

pub fn run(globals: &Globals, settings: Settings, printer: &Printer) -> anyhow::Result<()> {
    let Settings { name } = settings;
    let targets = Targets::select(globals, std::slice::from_ref(&name), None)?;
    let server = &targets.servers[0];
    let Some(url) = server.url.as_deref() else {
        printer.info(format!("server `{name}` has no sign-in"));
        return Ok(());
    };
    let url = targets.resolver.expand(url, &name)?;
    let Some(path) = mcp::auth::store::default_path() else {
        printer.info(format!("server `{name}` has no sign-in"));
        return Ok(());
    };
    let removed = mcp::auth::store::update(&path, |c| {
        let r = c.remove(&url);
        (r, r)
    })
    .map_err(|e| anyhow::anyhow!(e.full()))?;
    if removed {
        printer.info(format!("signed out of `{name}`"));
    } else {
        printer.info(format!("server `{name}` has no sign-in"));
    }
    Ok(())
}

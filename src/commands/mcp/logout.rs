//! `aimcp mcp logout NAME`: forget a server's OAuth tokens.

use super::Targets;
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
    let Some(store) = super::credential_store()? else {
        printer.info(format!("server `{name}` has no sign-in"));
        return Ok(());
    };
    let removed = store
        .remove(&url)
        .map_err(|e| super::server_failure(format!("cannot sign out of `{name}`"), &e))?;
    if removed {
        printer.info(format!("signed out of `{name}`"));
    } else {
        printer.info(format!("server `{name}` has no sign-in"));
    }
    Ok(())
}

//! `aimcp mcp login NAME`: sign in to a remote server with OAuth and keep its tokens.

use super::{SignIn, Targets, oauth, server_failure};
use crate::config::Transport;
use crate::error::usage;
use crate::mcp;
use crate::printer::Printer;
use crate::settings::Globals;

#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub name: String,
    pub client_id: Option<String>,
    /// The pre-registered client's secret, read from `--client-secret-env VAR`.
    pub client_secret: Option<String>,
    pub scopes: Vec<String>,
    pub no_browser: bool,
}

pub fn run(globals: &Globals, settings: Settings, printer: &Printer) -> anyhow::Result<()> {
    let Settings {
        name,
        client_id,
        client_secret,
        scopes,
        no_browser,
    } = settings;
    let targets = Targets::select(globals, std::slice::from_ref(&name), None)?;
    let server = &targets.servers[0];
    if server.transport == Transport::Stdio {
        return Err(usage(format!(
            "server `{name}` runs over stdio: there is nothing to sign in to"
        ))
        .hint("`mcp login` is for remote (http) servers")
        .into());
    }
    let url = targets
        .resolver
        .expand(server.url.as_deref().unwrap_or_default(), &name)?;
    let sign_in = SignIn {
        allowed: true,
        no_browser,
        client: client_id.map(|client_id| mcp::auth::PreRegistered {
            client_id,
            client_secret,
        }),
        scopes,
    };
    let Some(auth) = oauth(globals, printer, &targets, sign_in)? else {
        return Err(anyhow::anyhow!(
            "there is no data folder to keep the sign-in in (`dirs::data_dir()`)"
        ));
    };
    let entry = mcp::block_on(auth.login(&url))
        .map_err(|e| server_failure(format!("cannot sign in to `{name}`"), &e))?;
    let until = entry
        .expires_at
        .and_then(|t| jiff::Timestamp::from_second(t).ok())
        .map(|t| format!(" until {}", t.strftime("%Y-%m-%d %H:%M UTC")))
        .unwrap_or_default();
    let kept = match auth.store().backend() {
        Ok(mcp::auth::store::Backend::Keychain) => mcp::auth::keychain::name().to_string(),
        _ => "`credentials.json`".to_string(),
    };
    printer.info(format!(
        "signed in to `{name}` with `{}`{until} (kept in {kept})",
        entry.issuer
    ));
    Ok(())
}

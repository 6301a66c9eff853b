//! The OS keychain behind the `keyring` crate: macOS's Keychain, Windows' Credential Manager, the
//! Secret Service (GNOME Keyring, KWallet, KeePassXC) elsewhere, over D-Bus in pure Rust.
//!
//! One secret per MCP server URL (service `aimcp`, user the URL), holding that server's entries
//! as JSON: a change to one server never rewrites another's, and each secret stays small (the
//! Windows Credential Manager takes at most 2,560 bytes). Every call blocks: callers in async
//! code run it on a blocking thread (the Secret Service client runs its own executor, not tokio).

use serde::{Deserialize, Serialize};

use super::store::Entry;
use crate::mcp::{McpError, Result};

/// The keychain's service name for aimcp's secrets.
pub const SERVICE: &str = "aimcp";

/// What the platform calls its keychain, for messages.
pub fn name() -> &'static str {
    if cfg!(target_os = "macos") {
        "the macOS Keychain"
    } else if cfg!(windows) {
        "the Windows Credential Manager"
    } else {
        "the Secret Service keychain"
    }
}

/// Whether the keychain answers (connects once per process; later calls are free). The error
/// says why not.
pub fn reachable() -> std::result::Result<(), String> {
    keyring::Entry::store_status()
        .as_ref()
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// One server's secret.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Secret {
    #[serde(default)]
    version: u32,
    #[serde(default)]
    entries: Vec<Entry>,
}

fn entry(server: &str) -> Result<keyring::Entry> {
    keyring::Entry::new(SERVICE, server).map_err(|e| refused(server, &e))
}

/// A keychain that is there but said no (locked, access denied, ...): says how to use the file.
fn refused(server: &str, e: &keyring::Error) -> McpError {
    let why = match e {
        keyring::Error::NoStorageAccess(_) => {
            format!("it refused access ({e}); unlock it and try again")
        }
        keyring::Error::TooLong(..) => "the sign-in is too long for it".to_string(),
        keyring::Error::Ambiguous(_) => format!(
            "it holds more than one `{SERVICE}` secret for this server; remove them and sign in again"
        ),
        _ => e.to_string(),
    };
    McpError::new(format!(
        "cannot use {} for the sign-in of `{server}`: {why}",
        name()
    ))
    .hint("set `AIMCP_CREDENTIALS=file` to keep sign-ins in `<data dir>/aimcp/credentials.json` instead")
}

/// The entries kept for `server` (none when there is no secret).
pub fn read(server: &str) -> Result<Vec<Entry>> {
    match entry(server)?.get_password() {
        Ok(text) => serde_json::from_str::<Secret>(&text)
            .map(|s| s.entries)
            .map_err(|e| {
                McpError::new(format!(
                    "the `{SERVICE}` secret for `{server}` in {} is not a sign-in: {e}",
                    name()
                ))
                .hint("run `aimcp mcp logout NAME` for this server, then sign in again")
            }),
        Err(keyring::Error::NoEntry) => Ok(Vec::new()),
        Err(e) => Err(refused(server, &e)),
    }
}

/// Keeps `entries` as `server`'s secret; none: the secret is deleted.
pub fn write(server: &str, entries: Vec<Entry>) -> Result<()> {
    let key = entry(server)?;
    if entries.is_empty() {
        return match key.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(refused(server, &e)),
        };
    }
    let text = serde_json::to_string(&Secret {
        version: 1,
        entries,
    })
    .unwrap_or_default();
    key.set_password(&text).map_err(|e| refused(server, &e))
}

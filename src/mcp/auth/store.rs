//! Where sign-ins are kept: `<data dir>/aimcp/credentials.json`, mode 0600, written atomically.
//! One entry per server URL and issuer, with what a refresh needs (the token endpoint, the client
//! and how it authenticates).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::mcp::{McpError, Result};

/// The default file: `<data dir>/aimcp/credentials.json` (`dirs::data_dir()`).
pub fn default_path() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join("aimcp").join("credentials.json"))
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Credentials {
    #[serde(default)]
    pub version: u32,
    #[serde(default)]
    pub servers: Vec<Entry>,
}

/// One server's sign-in with one authorization server.
#[derive(Clone, Serialize, Deserialize, PartialEq)]
pub struct Entry {
    /// The MCP server's URL, as aimcp contacts it.
    pub server: String,
    pub issuer: String,
    /// The `resource` (RFC 8707) the tokens are for.
    pub resource: String,
    pub token_endpoint: String,
    pub client_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    /// `client_secret_basic`, `client_secret_post` or `none`.
    pub auth_method: String,
    pub access_token: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// Unix seconds; none: the server gave no lifetime.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// Unix seconds: when this entry was written (the newest entry of a server wins).
    #[serde(default)]
    pub saved_at: i64,
}

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entry")
            .field("server", &self.server)
            .field("issuer", &self.issuer)
            .field("expires_at", &self.expires_at)
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

impl Credentials {
    /// Reads the file; a missing file is empty. An unreadable one is an error naming it.
    pub fn load(path: &Path) -> Result<Credentials> {
        match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                McpError::new(format!(
                    "cannot read `{}`: line {}, column {}: {e}",
                    path.display(),
                    e.line(),
                    e.column()
                ))
                .hint("remove the file to sign in again")
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Credentials::default()),
            Err(e) => Err(McpError::new(format!(
                "cannot read `{}`: {e}",
                path.display()
            ))),
        }
    }

    pub fn save(&self, path: &Path) -> Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| McpError::new(format!("cannot create `{}`: {e}", dir.display())))?;
        }
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        crate::config::write_atomic(path, text.as_bytes(), Some(0o600))
            .map_err(|e| McpError::new(format!("{e:#}")))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
        }
        Ok(())
    }

    /// The newest entry for `server`.
    pub fn find(&self, server: &str) -> Option<&Entry> {
        self.servers
            .iter()
            .filter(|e| e.server == server)
            .max_by_key(|e| e.saved_at)
    }

    /// Puts `entry` in place of the one for the same server and issuer.
    pub fn put(&mut self, entry: Entry) {
        self.servers
            .retain(|e| !(e.server == entry.server && e.issuer == entry.issuer));
        self.servers.push(entry);
    }

    /// Drops every entry of `server`; whether there was one.
    pub fn remove(&mut self, server: &str) -> bool {
        let before = self.servers.len();
        self.servers.retain(|e| e.server != server);
        before != self.servers.len()
    }
}

/// Loads, changes and saves the file in one step (the change says whether to save).
pub fn update<T>(path: &Path, change: impl FnOnce(&mut Credentials) -> (bool, T)) -> Result<T> {
    let mut creds = Credentials::load(path)?;
    let (changed, out) = change(&mut creds);
    if changed {
        creds.version = 1;
        creds.save(path)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(server: &str, issuer: &str, saved_at: i64) -> Entry {
        Entry {
            server: server.into(),
            issuer: issuer.into(),
            resource: server.into(),
            token_endpoint: format!("{issuer}/token"),
            client_id: "c".into(),
            client_secret: None,
            auth_method: "none".into(),
            access_token: "at".into(),
            refresh_token: None,
            expires_at: None,
            scope: None,
            saved_at,
        }
    }

    #[test]
    fn entries_are_kept_per_server_and_issuer_and_the_newest_wins() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("aimcp/credentials.json");
        update(&path, |c| {
            c.put(entry("https://a/mcp", "https://as1", 1));
            c.put(entry("https://a/mcp", "https://as2", 2));
            c.put(entry("https://b/mcp", "https://as1", 3));
            c.put(entry("https://a/mcp", "https://as1", 4));
            (true, ())
        })
        .unwrap();
        let c = Credentials::load(&path).unwrap();
        assert_eq!(c.servers.len(), 3);
        assert_eq!(c.find("https://a/mcp").unwrap().issuer, "https://as1");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
    }
}

//! Where sign-ins are kept: the OS keychain where one is reachable (see [`super::keychain`]),
//! else `<data dir>/aimcp/credentials.json`, mode 0600, written atomically. One entry per server
//! URL and issuer, with what a refresh needs (the token endpoint, the client and how it
//! authenticates).
//!
//! [`Store`] chooses between them on first use, not when it is made: a command that never
//! needs a sign-in never talks to the keychain. Its calls block (a keychain call is a D-Bus or
//! system round trip): async code runs them on a blocking thread.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};

use super::keychain;
use crate::mcp::{McpError, Result};

/// The default file: `<data dir>/aimcp/credentials.json` (`dirs::data_dir()`).
pub fn default_path() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join("aimcp").join("credentials.json"))
}

/// Where sign-ins go (`AIMCP_CREDENTIALS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// The keychain when it answers, else the file (the default; `auto`).
    Auto,
    /// The keychain; an error when it does not answer (`keychain`).
    Keychain,
    /// The file, never the keychain (`file`).
    File,
}

impl Choice {
    /// `auto`, `keychain` or `file`; unset or empty: `auto`.
    pub fn parse(value: Option<&str>) -> std::result::Result<Choice, String> {
        match value.map(str::trim).unwrap_or("") {
            "" | "auto" => Ok(Choice::Auto),
            "keychain" => Ok(Choice::Keychain),
            "file" => Ok(Choice::File),
            other => Err(format!(
                "`AIMCP_CREDENTIALS` is `{other}`: expected `auto`, `keychain` or `file`"
            )),
        }
    }
}

/// Where the sign-ins of this run are kept; cheap to make and to clone.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    choice: Choice,
    /// `credentials.json`: the store without a keychain, and the file that moves into one.
    file: PathBuf,
    /// Whether a keychain may be there at all (on Linux and the BSDs: a D-Bus session bus);
    /// without one, `auto` takes the file at once instead of failing a connection.
    keychain_possible: bool,
    /// The choice made on first use.
    backend: OnceLock<std::result::Result<Backend, McpError>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Keychain,
    File,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("choice", &self.inner.choice)
            .field("file", &self.inner.file)
            .finish_non_exhaustive()
    }
}

impl Store {
    pub fn new(choice: Choice, file: PathBuf, keychain_possible: bool) -> Store {
        Store {
            inner: Arc::new(Inner {
                choice,
                file,
                keychain_possible,
                backend: OnceLock::new(),
            }),
        }
    }

    /// A store that is only the file (tests, and where no keychain may be used).
    pub fn file(path: PathBuf) -> Store {
        Store::new(Choice::File, path, false)
    }

    /// Where the sign-ins are: chosen on the first call. With the keychain chosen, the
    /// entries of an old `credentials.json` move into it and the file goes.
    pub fn backend(&self) -> Result<Backend> {
        self.inner.backend.get_or_init(|| self.choose()).clone()
    }

    fn choose(&self) -> std::result::Result<Backend, McpError> {
        let i = &self.inner;
        let backend = match i.choice {
            Choice::File => return Ok(Backend::File),
            Choice::Auto if !i.keychain_possible => return Ok(Backend::File),
            Choice::Auto => match keychain::reachable() {
                Ok(()) => Backend::Keychain,
                Err(_) => return Ok(Backend::File),
            },
            Choice::Keychain if !i.keychain_possible => {
                return Err(unreachable_keychain("there is no D-Bus session bus"));
            }
            Choice::Keychain => match keychain::reachable() {
                Ok(()) => Backend::Keychain,
                Err(why) => return Err(unreachable_keychain(&why)),
            },
        };
        self.move_file_into_keychain()?;
        Ok(backend)
    }

    /// The old file's entries into the keychain (a newer entry there is kept), then the file
    /// removed. A file that cannot be read stays, and the error names it.
    fn move_file_into_keychain(&self) -> Result<()> {
        let path = &self.inner.file;
        if !path.exists() {
            return Ok(());
        }
        let old = Credentials::load(path)?;
        let mut servers: Vec<&str> = old.servers.iter().map(|e| e.server.as_str()).collect();
        servers.sort_unstable();
        servers.dedup();
        for server in servers {
            let mut entries = keychain::read(server)?;
            for e in old.servers.iter().filter(|e| e.server == server) {
                let newer_there = entries
                    .iter()
                    .any(|k| k.issuer == e.issuer && k.saved_at > e.saved_at);
                if !newer_there {
                    put(&mut entries, e.clone());
                }
            }
            keychain::write(server, entries)?;
        }
        std::fs::remove_file(path).map_err(|e| {
            McpError::new(format!(
                "the sign-ins of `{}` are now in {}, but the file cannot be removed: {e}",
                path.display(),
                keychain::name()
            ))
            .hint("remove the file by hand")
        })
    }

    /// Every entry of `server` (one per issuer).
    pub fn entries(&self, server: &str) -> Result<Vec<Entry>> {
        match self.backend()? {
            Backend::Keychain => keychain::read(server),
            Backend::File => Ok(Credentials::load(&self.inner.file)?
                .servers
                .into_iter()
                .filter(|e| e.server == server)
                .collect()),
        }
    }

    /// The newest entry of `server`.
    pub fn find(&self, server: &str) -> Result<Option<Entry>> {
        Ok(self.entries(server)?.into_iter().max_by_key(|e| e.saved_at))
    }

    /// Keeps `entry` in place of the one for the same server and issuer.
    pub fn put(&self, entry: Entry) -> Result<()> {
        match self.backend()? {
            Backend::Keychain => {
                let mut entries = keychain::read(&entry.server)?;
                let server = entry.server.clone();
                put(&mut entries, entry);
                keychain::write(&server, entries)
            }
            Backend::File => update(&self.inner.file, |c| {
                c.put(entry);
                (true, ())
            }),
        }
    }

    /// Forgets every entry of `server`; whether there was one.
    pub fn remove(&self, server: &str) -> Result<bool> {
        match self.backend()? {
            Backend::Keychain => {
                let had = !keychain::read(server)?.is_empty();
                if had {
                    keychain::write(server, Vec::new())?;
                }
                Ok(had)
            }
            Backend::File => update(&self.inner.file, |c| {
                let r = c.remove(server);
                (r, r)
            }),
        }
    }
}

fn unreachable_keychain(why: &str) -> McpError {
    McpError::new(format!(
        "`AIMCP_CREDENTIALS=keychain`, but {} does not answer: {why}",
        keychain::name()
    ))
    .hint("unset `AIMCP_CREDENTIALS` (or set it to `file`) to keep sign-ins in `<data dir>/aimcp/credentials.json`")
}

fn put(entries: &mut Vec<Entry>, entry: Entry) {
    entries.retain(|e| !(e.server == entry.server && e.issuer == entry.issuer));
    entries.push(entry);
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
        put(&mut self.servers, entry);
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

    #[test]
    fn the_setting_is_auto_keychain_or_file_and_nothing_else() {
        assert_eq!(Choice::parse(None), Ok(Choice::Auto));
        assert_eq!(Choice::parse(Some(" ")), Ok(Choice::Auto));
        assert_eq!(Choice::parse(Some("auto")), Ok(Choice::Auto));
        assert_eq!(Choice::parse(Some("keychain")), Ok(Choice::Keychain));
        assert_eq!(Choice::parse(Some("file")), Ok(Choice::File));
        let e = Choice::parse(Some("vault")).unwrap_err();
        assert!(e.contains("`vault`") && e.contains("`file`"), "{e}");
    }

    #[test]
    fn the_file_store_puts_finds_and_removes_by_server_and_never_asks_a_keychain() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("aimcp/credentials.json");
        // `auto` where no keychain may answer: the file, chosen without a connection.
        let store = Store::new(Choice::Auto, path.clone(), false);
        assert_eq!(store.find("https://a/mcp").unwrap(), None);
        assert!(!path.exists(), "a read creates nothing");
        store.put(entry("https://a/mcp", "https://as1", 1)).unwrap();
        store.put(entry("https://a/mcp", "https://as2", 2)).unwrap();
        store.put(entry("https://b/mcp", "https://as1", 3)).unwrap();
        assert_eq!(store.backend().unwrap(), Backend::File);
        assert_eq!(store.entries("https://a/mcp").unwrap().len(), 2);
        assert_eq!(
            store.find("https://a/mcp").unwrap().unwrap().issuer,
            "https://as2"
        );
        assert!(store.remove("https://a/mcp").unwrap());
        assert!(!store.remove("https://a/mcp").unwrap());
        assert_eq!(store.find("https://a/mcp").unwrap(), None);
        assert!(store.find("https://b/mcp").unwrap().is_some());
        // A forced keychain where none may answer is an error that says how to use the file.
        let forced = Store::new(Choice::Keychain, path, false);
        let e = forced.find("https://b/mcp").unwrap_err();
        assert!(e.message.contains("does not answer"), "{}", e.message);
        assert!(e.hint.unwrap().contains("file"));
    }
}

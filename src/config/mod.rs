//! `.mcp.json` and `.mcp.tools.json`: find, load, edit, save atomically, keep unknown keys.
//!
//! Two layouts are read: Claude Code's `mcpServers` and the older aimcp `servers` layout (see
//! `../shared/CLI.md`). A [`ConfigFile`] keeps the parsed document as it was written (key order,
//! unknown keys, layout, indentation) and edits only the server it is asked to; [`edit`] wraps a
//! read-modify-write in an advisory lock and saves atomically, only when something changed.

pub mod clients;
mod document;
pub mod dotenv;
pub mod env;
mod fsutil;
pub mod locate;
pub mod o200k;
pub mod secret;
mod spans;
pub mod tools;

use std::fmt;
use std::path::{Path, PathBuf};

pub use document::{ConfigFile, Layout, edit, edit_at, render_json};
pub use env::{EnvResolver, expand};
pub use fsutil::write_atomic;
pub use locate::{Located, locate, locate_existing};

/// The file names aimcp reads and writes.
pub const CONFIG_FILE: &str = ".mcp.json";
pub const TOOLS_FILE: &str = ".mcp.tools.json";

/// How a server is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Transport {
    Stdio,
    Http,
    Sse,
}

impl Transport {
    pub fn as_str(self) -> &'static str {
        match self {
            Transport::Stdio => "stdio",
            Transport::Http => "http",
            Transport::Sse => "sse",
        }
    }
}

impl fmt::Display for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One server, as written in the file (never with `${VAR}` expanded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    pub name: String,
    pub transport: Transport,
    /// The program (stdio). In the `servers` layout a one-string command is split into this and
    /// the front of `args`.
    pub command: Option<String>,
    pub args: Vec<String>,
    /// Environment for the process, in file order.
    pub env: Vec<(String, String)>,
    /// The endpoint (http, sse).
    pub url: Option<String>,
    /// HTTP headers, in file order.
    pub headers: Vec<(String, String)>,
    /// `enabled: false` in the file switches a server off; absent means on.
    pub enabled: bool,
}

impl Server {
    /// A stdio server.
    pub fn stdio(name: impl Into<String>, command: impl Into<String>, args: Vec<String>) -> Self {
        Server {
            name: name.into(),
            transport: Transport::Stdio,
            command: Some(command.into()),
            args,
            env: Vec::new(),
            url: None,
            headers: Vec::new(),
            enabled: true,
        }
    }

    /// An http or sse server.
    pub fn remote(name: impl Into<String>, transport: Transport, url: impl Into<String>) -> Self {
        Server {
            name: name.into(),
            transport,
            command: None,
            args: Vec::new(),
            env: Vec::new(),
            url: Some(url.into()),
            headers: Vec::new(),
            enabled: true,
        }
    }

    /// The command line or URL, for display: literal secrets are `****`.
    pub fn target(&self) -> String {
        match self.transport {
            Transport::Stdio => {
                let mut parts = vec![shell_quote(self.command.as_deref().unwrap_or(""))];
                parts.extend(
                    secret::masked_args(&self.args)
                        .iter()
                        .map(|a| shell_quote(a)),
                );
                parts.join(" ")
            }
            Transport::Http | Transport::Sse => {
                secret::masked_url(self.url.as_deref().unwrap_or_default())
            }
        }
    }
}

/// `global_config` of the `servers` layout.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GlobalConfig {
    /// Seconds.
    pub timeout: Option<f64>,
    pub max_concurrent: Option<usize>,
    pub retry_attempts: Option<u32>,
}

/// Quotes a word for display in a shell command line, only where needed.
pub fn shell_quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(
                    c,
                    '-' | '_' | '.' | '/' | ':' | '@' | '=' | ',' | '+' | '$' | '{' | '}'
                )
        });
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// Checks a server name: letters, digits, `-`, `_`.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// The `.mcp.tools.json` path beside a `.mcp.json`.
pub fn tools_path(config_path: &Path) -> PathBuf {
    config_path.with_file_name(TOOLS_FILE)
}

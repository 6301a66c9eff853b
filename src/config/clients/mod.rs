//! Every agent's own MCP config file, written from `.mcp.json` and read back into it.
//!
//! Every client behind [`Client`]: where its project and user files are, how a file is loaded
//! into a [`ClientDoc`] (read its servers, write one, remove one, render). The JSON clients are
//! rows of one table in `json.rs`; Codex's TOML has its own module, `codex.rs`. A neutral
//! server model, [`Entry`], whose every value is a [`Text`]: literal text and `${VAR}`
//! references, so that each client gets the reference in its own syntax (`${env:VAR}` for VS Code,
//! an `env_vars` list or `bearer_token_env_var` for Codex, ...). A literal secret is never written
//! into a client's file; where a client cannot reference the environment for a value, the value
//! is skipped and a note says so.

mod codex;
mod json;
pub mod sync;
mod vscode;

use std::fmt;
use std::path::{Path, PathBuf};

use super::{Server, Transport, secret};

/// The clients aimcp writes for, in the order `sync` reports them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ClientId {
    Claude,
    Cursor,
    Vscode,
    Codex,
    Gemini,
    Windsurf,
    ClaudeDesktop,
}

impl ClientId {
    pub const ALL: [ClientId; 7] = [
        ClientId::Claude,
        ClientId::Cursor,
        ClientId::Vscode,
        ClientId::Codex,
        ClientId::Gemini,
        ClientId::Windsurf,
        ClientId::ClaudeDesktop,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ClientId::Claude => "claude",
            ClientId::Cursor => "cursor",
            ClientId::Vscode => "vscode",
            ClientId::Codex => "codex",
            ClientId::Gemini => "gemini",
            ClientId::Windsurf => "windsurf",
            ClientId::ClaudeDesktop => "claude-desktop",
        }
    }

    /// The client's module.
    pub fn client(self) -> &'static dyn Client {
        match self {
            ClientId::Claude => &json::CLAUDE,
            ClientId::Cursor => &json::CURSOR,
            ClientId::Vscode => &json::VSCODE,
            ClientId::Codex => &codex::Codex,
            ClientId::Gemini => &json::GEMINI,
            ClientId::Windsurf => &json::WINDSURF,
            ClientId::ClaudeDesktop => &json::CLAUDE_DESKTOP,
        }
    }
}

impl fmt::Display for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where the user's files are: the home folder and the platform's config folder
/// (`~/.config` on Linux, `~/Library/Application Support` on macOS). Inputs, not looked up here.
#[derive(Debug, Clone, Default)]
pub struct Homes {
    pub home: Option<PathBuf>,
    pub config: Option<PathBuf>,
}

/// One client: its files and its format.
pub trait Client: Sync {
    fn id(&self) -> ClientId;
    /// The file in the project (None: the client has only a user file).
    fn project_path(&self, project: &Path) -> Option<PathBuf>;
    /// The user's file.
    fn user_path(&self, homes: &Homes) -> Option<PathBuf>;
    /// Loads a file's text (None: the file does not exist yet). A malformed file is exit 2 naming
    /// the file and the line.
    fn load(&self, path: &Path, text: Option<&str>) -> anyhow::Result<Box<dyn ClientDoc>>;
    /// Whether the client's file has a per-tool switch (else the tool filter applies only through
    /// `aimcp mcp serve`).
    fn has_tool_switch(&self) -> bool {
        false
    }
}

/// A loaded client file.
pub trait ClientDoc {
    /// The servers in the file, read into the neutral model (for `import`).
    fn servers(&self) -> anyhow::Result<Vec<Entry>>;
    /// The names of the servers in the file.
    fn names(&self) -> Vec<String>;
    /// The entry of one server as written, for telling aimcp's gateway entry apart.
    fn is_gateway(&self, name: &str) -> bool;
    /// Writes one server: the keys the client's module owns are set (or removed), every other key
    /// of the entry and of the file is kept. Values the client cannot hold are skipped, with a note.
    fn write(&mut self, entry: &Entry, notes: &mut Vec<String>);
    /// Removes one server; false when there was none of that name.
    fn remove(&mut self, name: &str) -> bool;
    /// The file's text as it would be saved.
    fn render(&self) -> String;
    /// The text differs in meaning from what was loaded (a new file always does).
    fn is_changed(&self) -> bool;
    /// The file has comments that a rewrite would drop (VS Code's JSONC).
    fn has_comments(&self) -> bool {
        false
    }
}

// ---- values ---------------------------------------------------------------------------------

/// One piece of a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    Lit(String),
    /// `${NAME}` or `${NAME:-default}`.
    Env {
        name: String,
        default: Option<String>,
    },
}

/// A value as written in `.mcp.json`: literal text and environment references.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Text(pub Vec<Part>);

/// How a client writes a reference to an environment variable inside a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefStyle {
    /// `${VAR}` (Claude Code, Gemini CLI)
    Dollar,
    /// `${env:VAR}` (Cursor, VS Code, Windsurf)
    EnvColon,
    /// No references in strings (Claude Desktop)
    None,
}

fn is_var_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !s.starts_with(|c: char| c.is_ascii_digit())
}

impl Text {
    pub fn literal(s: impl Into<String>) -> Text {
        let s = s.into();
        if s.is_empty() {
            Text(Vec::new())
        } else {
            Text(vec![Part::Lit(s)])
        }
    }

    pub fn env(name: impl Into<String>) -> Text {
        Text(vec![Part::Env {
            name: name.into(),
            default: None,
        }])
    }

    /// Reads `${NAME}`, `${NAME:-default}` (and with `env_colon`, `${env:NAME}`); anything else
    /// stays literal text.
    pub fn parse_with(s: &str, env_colon: bool) -> Text {
        let mut parts = Vec::new();
        let mut lit = String::new();
        let mut rest = s;
        while let Some(at) = rest.find("${") {
            let after = &rest[at + 2..];
            let Some(end) = after.find('}') else { break };
            let inner = &after[..end];
            let inner = if env_colon {
                inner.strip_prefix("env:").unwrap_or(inner)
            } else {
                inner
            };
            let (name, default) = match inner.split_once(":-") {
                Some((n, d)) => (n, Some(d.to_string())),
                None => (inner, None),
            };
            if is_var_name(name) {
                lit.push_str(&rest[..at]);
                if !lit.is_empty() {
                    parts.push(Part::Lit(std::mem::take(&mut lit)));
                }
                parts.push(Part::Env {
                    name: name.to_string(),
                    default,
                });
            } else {
                lit.push_str(&rest[..at + 2 + end + 1]);
            }
            rest = &after[end + 1..];
        }
        lit.push_str(rest);
        if !lit.is_empty() {
            parts.push(Part::Lit(lit));
        }
        Text(parts)
    }

    /// `.mcp.json`'s syntax.
    pub fn parse(s: &str) -> Text {
        Text::parse_with(s, false)
    }

    /// The whole value is one `${NAME}` (no default, no text around it).
    pub fn single_env(&self) -> Option<&str> {
        match self.0.as_slice() {
            [
                Part::Env {
                    name,
                    default: None,
                },
            ] => Some(name),
            _ => None,
        }
    }

    pub fn has_env(&self) -> bool {
        self.0.iter().any(|p| matches!(p, Part::Env { .. }))
    }

    /// The text as `.mcp.json` writes it.
    pub fn to_dollar(&self) -> String {
        self.0
            .iter()
            .map(|p| match p {
                Part::Lit(s) => s.clone(),
                Part::Env {
                    name,
                    default: None,
                } => format!("${{{name}}}"),
                Part::Env {
                    name,
                    default: Some(d),
                } => format!("${{{name}:-{d}}}"),
            })
            .collect()
    }

    /// The text in a client's syntax; None when the client cannot hold it (a note says why).
    pub fn render(
        &self,
        style: RefStyle,
        what: &str,
        client: ClientId,
        notes: &mut Vec<String>,
    ) -> Option<String> {
        let mut out = String::new();
        for p in &self.0 {
            match p {
                Part::Lit(s) => out.push_str(s),
                Part::Env { name, default } => {
                    if default.is_some() && style != RefStyle::None {
                        notes.push(format!(
                            "`{client}` has no `${{VAR:-default}}`: {what} refers to `{name}` without its default"
                        ));
                    }
                    match style {
                        RefStyle::Dollar => out.push_str(&format!("${{{name}}}")),
                        RefStyle::EnvColon => out.push_str(&format!("${{env:{name}}}")),
                        RefStyle::None => {
                            notes.push(format!(
                                "`{client}` cannot read environment variables in its file: {what} (`{}`) is not written",
                                self.to_dollar()
                            ));
                            return None;
                        }
                    }
                }
            }
        }
        Some(out)
    }
}

// ---- the neutral server ---------------------------------------------------------------------

/// One server, in terms every client module renders from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub transport: Transport,
    pub command: Option<Text>,
    pub args: Vec<Text>,
    pub env: Vec<(String, Text)>,
    pub url: Option<Text>,
    pub headers: Vec<(String, Text)>,
    pub enabled: bool,
    /// Tool names switched off (exact names, as the server gives them).
    pub disabled_tools: Vec<String>,
}

impl Entry {
    pub fn from_server(s: &Server, disabled_tools: Vec<String>) -> Entry {
        Entry {
            name: s.name.clone(),
            transport: s.transport,
            command: s.command.as_deref().map(Text::parse),
            args: s.args.iter().map(|a| Text::parse(a)).collect(),
            env: s
                .env
                .iter()
                .map(|(k, v)| (k.clone(), Text::parse(v)))
                .collect(),
            url: s.url.as_deref().map(Text::parse),
            headers: s
                .headers
                .iter()
                .map(|(k, v)| (k.clone(), Text::parse(v)))
                .collect(),
            enabled: s.enabled,
            disabled_tools,
        }
    }

    /// The server as `.mcp.json` holds it.
    pub fn to_server(&self) -> Server {
        Server {
            name: self.name.clone(),
            transport: self.transport,
            command: self.command.as_ref().map(Text::to_dollar),
            args: self.args.iter().map(Text::to_dollar).collect(),
            env: self
                .env
                .iter()
                .map(|(k, v)| (k.clone(), v.to_dollar()))
                .collect(),
            url: self.url.as_ref().map(Text::to_dollar),
            headers: self
                .headers
                .iter()
                .map(|(k, v)| (k.clone(), v.to_dollar()))
                .collect(),
            enabled: self.enabled,
        }
    }

    /// The one `aimcp mcp serve` entry (`-C DIR` where the client does not start it in the
    /// project: a user file).
    pub fn gateway(project_dir: Option<&Path>) -> Entry {
        let mut args = vec![Text::literal("mcp"), Text::literal("serve")];
        if let Some(dir) = project_dir {
            args.push(Text::literal("-C"));
            args.push(Text::literal(dir.display().to_string()));
        }
        Entry {
            name: GATEWAY_NAME.to_string(),
            transport: Transport::Stdio,
            command: Some(Text::literal("aimcp")),
            args,
            env: Vec::new(),
            url: None,
            headers: Vec::new(),
            enabled: true,
            disabled_tools: Vec::new(),
        }
    }
}

/// The name of the gateway's entry in a client's file.
pub const GATEWAY_NAME: &str = "aimcp";

/// Whether a command line is aimcp's gateway (`aimcp mcp serve ...`).
pub fn is_gateway_command(command: Option<&str>, args: &[String]) -> bool {
    command.is_some_and(|c| c == "aimcp" || c.ends_with("/aimcp"))
        && args.first().map(String::as_str) == Some("mcp")
        && args.get(1).map(String::as_str) == Some("serve")
}

/// A literal secret under a secret-looking key: never written into a client's file.
pub(crate) fn is_literal_secret(key: &str, value: &Text) -> bool {
    secret::looks_secret(key) && secret::has_literal(&value.to_dollar())
}

pub(crate) fn secret_note(client: ClientId, what: &str) -> String {
    format!(
        "{what} is a literal secret and is never written into `{client}`'s file: store it in `.env` and write `${{VAR}}` in `.mcp.json`"
    )
}

/// `env`/`headers` pairs rendered in a client's syntax, skipping what it cannot hold.
pub(crate) fn render_pairs(
    pairs: &[(String, Text)],
    style: RefStyle,
    kind: &str,
    entry: &str,
    client: ClientId,
    notes: &mut Vec<String>,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (k, v) in pairs {
        let what = format!("{kind} `{k}` of `{entry}`");
        if is_literal_secret(k, v) {
            notes.push(secret_note(client, &what));
            continue;
        }
        if let Some(s) = v.render(style, &what, client, notes) {
            out.push((k.clone(), s));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_reads_references_and_writes_them_back() {
        let t = Text::parse("Bearer ${TOKEN}");
        assert_eq!(
            t.0,
            [
                Part::Lit("Bearer ".into()),
                Part::Env {
                    name: "TOKEN".into(),
                    default: None
                }
            ]
        );
        for s in [
            "${A}",
            "x${A:-d}y",
            "$A",
            "${}",
            "${1A}",
            "${A",
            "plain",
            "a ${B} ${C}",
        ] {
            assert_eq!(Text::parse(s).to_dollar(), s, "{s}");
        }
        assert_eq!(Text::parse("${A}").single_env(), Some("A"));
        assert_eq!(Text::parse("${A:-x}").single_env(), None);
        assert_eq!(Text::parse_with("${env:A}", true).to_dollar(), "${A}");
        let mut notes = Vec::new();
        assert_eq!(
            Text::parse("a${B}").render(RefStyle::EnvColon, "x", ClientId::Vscode, &mut notes),
            Some("a${env:B}".into())
        );
        assert_eq!(
            Text::parse("a${B}").render(RefStyle::None, "x", ClientId::ClaudeDesktop, &mut notes),
            None
        );
        assert_eq!(notes.len(), 1);
    }
}

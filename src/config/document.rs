//! The `.mcp.json` document: parse and check both layouts, edit one server, render, save.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::fsutil::{lock_dir, write_atomic};
use super::{GlobalConfig, Server, Transport};
use crate::error::usage;

/// Which of the two layouts a file uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Claude Code and Cursor: `{"mcpServers": {"name": {"type", "command", "args", ...}}}`.
    McpServers,
    /// The older aimcp layout: `{"servers": {"name": {"type": "external", "command": "npx pkg"}},
    /// "global_config": {...}}`.
    Servers,
}

impl Layout {
    pub fn key(self) -> &'static str {
        match self {
            Layout::McpServers => "mcpServers",
            Layout::Servers => "servers",
        }
    }
}

/// The keys aimcp understands in a server entry; any other key is kept as it is.
const KNOWN_KEYS: &[&str] = &[
    "type", "command", "args", "env", "url", "headers", "enabled", "disabled",
];

/// A loaded `.mcp.json`: the document as written plus the servers read from it.
#[derive(Debug, Clone)]
pub struct ConfigFile {
    path: PathBuf,
    exists: bool,
    text: String,
    doc: Map<String, Value>,
    layout: Layout,
    indent: String,
    trailing_newline: bool,
    servers: Vec<Server>,
    global: GlobalConfig,
}

impl ConfigFile {
    /// Loads and checks a file; a missing file is an empty, new one.
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = match std::fs::read(path) {
            Ok(bytes) => Some(
                String::from_utf8(bytes)
                    .map_err(|_| usage(format!("`{}` is not valid UTF-8", path.display())))?,
            ),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => {
                return Err(
                    anyhow::Error::new(e).context(format!("cannot read `{}`", path.display()))
                );
            }
        };
        match text {
            Some(text) => Self::parse(path, text),
            None => Ok(Self::new_empty(path)),
        }
    }

    fn new_empty(path: &Path) -> Self {
        let mut doc = Map::new();
        doc.insert("mcpServers".into(), Value::Object(Map::new()));
        ConfigFile {
            path: path.to_path_buf(),
            exists: false,
            text: String::new(),
            doc,
            layout: Layout::McpServers,
            indent: "  ".into(),
            trailing_newline: true,
            servers: Vec::new(),
            global: GlobalConfig::default(),
        }
    }

    /// Parses and checks the text of a file at `path`.
    pub fn parse(path: &Path, text: String) -> anyhow::Result<Self> {
        let shown = path.display();
        let value: Value = if text.trim().is_empty() {
            Value::Object(Map::new())
        } else {
            serde_json::from_str(&text).map_err(|e| {
                let msg = e.to_string();
                let msg = msg
                    .rsplit_once(" at line ")
                    .map(|(m, _)| m.to_string())
                    .unwrap_or(msg);
                usage(format!(
                    "`{shown}`:{}:{}: invalid JSON: {msg}",
                    e.line(),
                    e.column()
                ))
            })?
        };
        let Value::Object(doc) = value else {
            return Err(usage(format!("`{shown}`:1: the top level must be a JSON object")).into());
        };
        let layout = if doc.contains_key("mcpServers") || !doc.contains_key("servers") {
            Layout::McpServers
        } else {
            Layout::Servers
        };
        let mut file = ConfigFile {
            path: path.to_path_buf(),
            exists: true,
            indent: detect_indent(&text),
            trailing_newline: text.ends_with('\n') || text.trim().is_empty(),
            text,
            doc,
            layout,
            servers: Vec::new(),
            global: GlobalConfig::default(),
        };
        file.servers = file.read_servers()?;
        file.global = file.read_global()?;
        Ok(file)
    }

    fn err_at(&self, keys: &[&str], message: String) -> anyhow::Error {
        let path = keys.join(".");
        let line = line_of(&self.text, keys)
            .map(|l| format!(":{l}"))
            .unwrap_or_default();
        usage(format!(
            "`{}`{line}: `{path}`: {message}",
            self.path.display()
        ))
        .into()
    }

    fn read_servers(&self) -> anyhow::Result<Vec<Server>> {
        let key = self.layout.key();
        let Some(section) = self.doc.get(key) else {
            return Ok(Vec::new());
        };
        let Value::Object(section) = section else {
            return Err(self.err_at(&[key], "expected an object of servers".into()));
        };
        section
            .iter()
            .map(|(name, entry)| self.read_server(name, entry))
            .collect()
    }

    fn read_server(&self, name: &str, entry: &Value) -> anyhow::Result<Server> {
        let key = self.layout.key();
        let Value::Object(obj) = entry else {
            return Err(self.err_at(&[key, name], "expected an object".into()));
        };
        let string = |field: &str| -> anyhow::Result<Option<String>> {
            match obj.get(field) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(self.err_at(&[key, name, field], "expected a string".into())),
            }
        };
        let strings = |field: &str| -> anyhow::Result<Vec<String>> {
            match obj.get(field) {
                None | Some(Value::Null) => Ok(Vec::new()),
                Some(Value::Array(items)) => items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| match v {
                        Value::String(s) => Ok(s.clone()),
                        _ => Err(self.err_at(
                            &[key, name, field],
                            format!("expected a list of strings, item {i} is {}", kind(v)),
                        )),
                    })
                    .collect(),
                Some(v) => Err(self.err_at(
                    &[key, name, field],
                    format!("expected a list of strings, found {}", kind(v)),
                )),
            }
        };
        let pairs = |field: &str| -> anyhow::Result<Vec<(String, String)>> {
            match obj.get(field) {
                None | Some(Value::Null) => Ok(Vec::new()),
                Some(Value::Object(m)) => m
                    .iter()
                    .map(|(k, v)| match v {
                        Value::String(s) => Ok((k.clone(), s.clone())),
                        _ => Err(self.err_at(
                            &[key, name, field, k],
                            format!("expected a string, found {}", kind(v)),
                        )),
                    })
                    .collect(),
                Some(v) => Err(self.err_at(
                    &[key, name, field],
                    format!("expected an object of strings, found {}", kind(v)),
                )),
            }
        };
        let boolean = |field: &str| -> anyhow::Result<Option<bool>> {
            match obj.get(field) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::Bool(b)) => Ok(Some(*b)),
                Some(v) => Err(self.err_at(
                    &[key, name, field],
                    format!("expected true or false, found {}", kind(v)),
                )),
            }
        };

        let declared = string("type")?;
        let mut command = string("command")?;
        let mut args = strings("args")?;
        let env = pairs("env")?;
        let url = string("url")?;
        let headers = pairs("headers")?;
        let enabled = match (boolean("enabled")?, boolean("disabled")?) {
            (Some(e), _) => e,
            (None, Some(d)) => !d,
            (None, None) => true,
        };

        let transport = match declared.as_deref() {
            None => {
                if command.is_some() {
                    Transport::Stdio
                } else if url.is_some() {
                    Transport::Http
                } else {
                    return Err(self.err_at(
                        &[key, name],
                        "the server has neither `command` nor `url`".into(),
                    ));
                }
            }
            Some("stdio") => Transport::Stdio,
            Some("external") if self.layout == Layout::Servers => Transport::Stdio,
            Some("http" | "streamable-http" | "streamableHttp") => Transport::Http,
            Some("sse") => Transport::Sse,
            Some(other) => {
                let expected = match self.layout {
                    Layout::McpServers => "stdio, http or sse",
                    Layout::Servers => "external, stdio, http or sse",
                };
                return Err(self.err_at(
                    &[key, name, "type"],
                    format!("unknown type \"{other}\" (expected {expected})"),
                ));
            }
        };
        match transport {
            Transport::Stdio => {
                let Some(cmd) = command.take() else {
                    return Err(self.err_at(
                        &[key, name],
                        "the server has neither `command` nor `url`".into(),
                    ));
                };
                if self.layout == Layout::Servers {
                    // The older layout writes the whole command line as one string.
                    let mut words = shell_words::split(&cmd).map_err(|e| {
                        self.err_at(
                            &[key, name, "command"],
                            format!("cannot split the command: {e}"),
                        )
                    })?;
                    if words.is_empty() {
                        return Err(self.err_at(&[key, name, "command"], "is empty".into()));
                    }
                    let program = words.remove(0);
                    words.append(&mut args);
                    command = Some(program);
                    args = words;
                } else {
                    if cmd.trim().is_empty() {
                        return Err(self.err_at(&[key, name, "command"], "is empty".into()));
                    }
                    command = Some(cmd);
                }
            }
            Transport::Http | Transport::Sse => {
                if url.is_none() {
                    return Err(
                        self.err_at(&[key, name], format!("a `{transport}` server needs `url`"))
                    );
                }
            }
        }
        Ok(Server {
            name: name.to_string(),
            transport,
            command,
            args,
            env,
            url,
            headers,
            enabled,
        })
    }

    fn read_global(&self) -> anyhow::Result<GlobalConfig> {
        let Some(global) = self.doc.get("global_config") else {
            return Ok(GlobalConfig::default());
        };
        let Value::Object(g) = global else {
            return Err(self.err_at(&["global_config"], "expected an object".into()));
        };
        let mut out = GlobalConfig::default();
        if let Some(v) = g.get("timeout").filter(|v| !v.is_null()) {
            match v.as_f64() {
                Some(t) if t > 0.0 && t.is_finite() => out.timeout = Some(t),
                _ => {
                    return Err(self.err_at(
                        &["global_config", "timeout"],
                        "expected a positive number of seconds".into(),
                    ));
                }
            }
        }
        if let Some(v) = g.get("max_concurrent").filter(|v| !v.is_null()) {
            match v.as_u64() {
                Some(n) if n >= 1 => out.max_concurrent = Some(n as usize),
                _ => {
                    return Err(self.err_at(
                        &["global_config", "max_concurrent"],
                        "expected a whole number, 1 or more".into(),
                    ));
                }
            }
        }
        if let Some(v) = g.get("retry_attempts").filter(|v| !v.is_null()) {
            match v.as_u64() {
                Some(n) if n <= 100 => out.retry_attempts = Some(n as u32),
                _ => {
                    return Err(self.err_at(
                        &["global_config", "retry_attempts"],
                        "expected a whole number from 0 to 100".into(),
                    ));
                }
            }
        }
        Ok(out)
    }

    // ---- reading ---------------------------------------------------------------------------

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file existed when loaded.
    pub fn exists(&self) -> bool {
        self.exists
    }

    pub fn layout(&self) -> Layout {
        self.layout
    }

    /// Every server, in file order.
    pub fn servers(&self) -> &[Server] {
        &self.servers
    }

    pub fn server(&self, name: &str) -> Option<&Server> {
        self.servers.iter().find(|s| s.name == name)
    }

    pub fn names(&self) -> Vec<&str> {
        self.servers.iter().map(|s| s.name.as_str()).collect()
    }

    pub fn global(&self) -> &GlobalConfig {
        &self.global
    }

    /// A server's entry as written, with the keys aimcp does not know.
    pub fn raw_server(&self, name: &str) -> Option<&Map<String, Value>> {
        self.doc
            .get(self.layout.key())
            .and_then(|s| s.get(name))
            .and_then(Value::as_object)
    }

    /// Keys of a server's entry that aimcp does not interpret, in file order.
    pub fn extra_keys(&self, name: &str) -> Vec<(String, Value)> {
        self.raw_server(name)
            .map(|m| {
                m.iter()
                    .filter(|(k, _)| !KNOWN_KEYS.contains(&k.as_str()))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            })
            .unwrap_or_default()
    }

    // ---- editing ---------------------------------------------------------------------------

    /// Adds a server, or replaces the one of the same name in place (its position and the keys
    /// aimcp does not know are kept). Returns true when it replaced one.
    pub fn upsert(&mut self, server: &Server) -> bool {
        let key = self.layout.key();
        let section = self
            .doc
            .entry(key.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        if !section.is_object() {
            *section = Value::Object(Map::new());
        }
        let Value::Object(section) = section else {
            unreachable!("made an object above")
        };
        let mut entry = server_entry(server, self.layout);
        let replaced = if let Some(Value::Object(old)) = section.get(&server.name) {
            for (k, v) in old {
                if !KNOWN_KEYS.contains(&k.as_str()) {
                    entry.insert(k.clone(), v.clone());
                }
            }
            true
        } else {
            false
        };
        section.insert(server.name.clone(), Value::Object(entry));
        match self.servers.iter_mut().find(|s| s.name == server.name) {
            Some(s) => *s = server.clone(),
            None => self.servers.push(server.clone()),
        }
        replaced
    }

    /// Removes a server; returns false when there was none of that name.
    pub fn remove(&mut self, name: &str) -> bool {
        let key = self.layout.key();
        let removed = self
            .doc
            .get_mut(key)
            .and_then(Value::as_object_mut)
            .and_then(|m| m.shift_remove(name))
            .is_some();
        self.servers.retain(|s| s.name != name);
        removed
    }

    /// The file's text as it would be saved: the same layout, key order and indentation.
    pub fn render(&self) -> String {
        render_json(
            &Value::Object(self.doc.clone()),
            &self.indent,
            self.trailing_newline,
        )
    }

    /// True when saving would change the file on disk.
    pub fn is_changed(&self) -> bool {
        if !self.exists {
            return true;
        }
        let before: Value = serde_json::from_str(&self.text).unwrap_or(Value::Null);
        // Compare in order, not as maps: a reordering is a change.
        render_json(&before, &self.indent, self.trailing_newline) != self.render()
    }

    /// Saves atomically when something changed; returns whether it wrote.
    pub fn save(&mut self) -> anyhow::Result<bool> {
        if !self.is_changed() {
            return Ok(false);
        }
        let text = self.render();
        write_atomic(&self.path, text.as_bytes(), None)?;
        self.text = text;
        self.exists = true;
        Ok(true)
    }
}

/// Loads the file at `path` under the advisory lock, applies `change`, and saves when the
/// content changed. An error from `change` leaves the file untouched.
pub fn edit<T>(
    path: &Path,
    change: impl FnOnce(&mut ConfigFile) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    edit_at(path, |file| {
        let out = change(file)?;
        file.save()?;
        Ok(out)
    })
}

/// Like [`edit`] but leaves saving to `work` (for callers that save conditionally).
pub fn edit_at<T>(
    path: &Path,
    work: impl FnOnce(&mut ConfigFile) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !dir.is_dir() {
        return Err(usage(format!("folder `{}` does not exist", dir.display())).into());
    }
    let _lock = lock_dir(dir)?;
    let mut file = ConfigFile::load(path)?;
    work(&mut file)
}

/// A server entry as written for a layout.
fn server_entry(server: &Server, layout: Layout) -> Map<String, Value> {
    let mut m = Map::new();
    let obj = |pairs: &[(String, String)]| {
        Value::Object(
            pairs
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect(),
        )
    };
    match server.transport {
        Transport::Stdio => {
            let ty = match layout {
                Layout::McpServers => "stdio",
                Layout::Servers => "external",
            };
            m.insert("type".into(), ty.into());
            m.insert(
                "command".into(),
                server.command.clone().unwrap_or_default().into(),
            );
            m.insert(
                "args".into(),
                Value::Array(server.args.iter().cloned().map(Value::String).collect()),
            );
            if !server.env.is_empty() {
                m.insert("env".into(), obj(&server.env));
            }
        }
        Transport::Http | Transport::Sse => {
            m.insert("type".into(), server.transport.as_str().into());
            m.insert("url".into(), server.url.clone().unwrap_or_default().into());
            if !server.headers.is_empty() {
                m.insert("headers".into(), obj(&server.headers));
            }
        }
    }
    if layout == Layout::Servers {
        m.insert("enabled".into(), server.enabled.into());
    } else if !server.enabled {
        m.insert("enabled".into(), false.into());
    }
    m
}

/// Renders JSON with the given indentation.
pub fn render_json(value: &Value, indent: &str, trailing_newline: bool) -> String {
    use serde::Serialize;
    let mut buf = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(indent.as_bytes());
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, formatter);
    value
        .serialize(&mut ser)
        .expect("serialising a JSON value cannot fail");
    let mut text = String::from_utf8(buf).expect("serde_json writes UTF-8");
    if trailing_newline {
        text.push('\n');
    }
    text
}

/// The indentation unit of a JSON text: the leading whitespace of its first indented line.
fn detect_indent(text: &str) -> String {
    text.lines()
        .skip(1)
        .find_map(|line| {
            let ws: String = line
                .chars()
                .take_while(|c| *c == ' ' || *c == '\t')
                .collect();
            (!ws.is_empty() && ws.len() < line.len()).then_some(ws)
        })
        .unwrap_or_else(|| "  ".to_string())
}

/// The 1-based line where a chain of keys appears (each searched after the previous one).
fn line_of(text: &str, keys: &[&str]) -> Option<usize> {
    let mut pos = 0;
    for key in keys {
        let needle = serde_json::to_string(key).ok()?;
        let mut from = pos;
        loop {
            let at = from + text[from..].find(&needle)?;
            let after = text[at + needle.len()..].trim_start();
            if after.starts_with(':') {
                pos = at;
                break;
            }
            from = at + needle.len();
        }
    }
    Some(text[..pos].matches('\n').count() + 1)
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> anyhow::Result<ConfigFile> {
        ConfigFile::parse(Path::new(".mcp.json"), text.to_string())
    }

    #[test]
    fn reads_the_claude_code_layout() {
        let f = parse(
            r#"{"mcpServers": {
                "a": {"command": "npx", "args": ["-y", "pkg"], "env": {"K": "v"}},
                "b": {"type": "http", "url": "https://x/mcp", "headers": {"H": "1"}},
                "c": {"type": "sse", "url": "https://y/sse"}
            }}"#,
        )
        .unwrap();
        assert_eq!(f.layout(), Layout::McpServers);
        let a = f.server("a").unwrap();
        assert_eq!(a.transport, Transport::Stdio);
        assert_eq!(a.command.as_deref(), Some("npx"));
        assert_eq!(a.args, vec!["-y", "pkg"]);
        assert_eq!(a.env, vec![("K".to_string(), "v".to_string())]);
        assert_eq!(f.server("b").unwrap().transport, Transport::Http);
        assert_eq!(f.server("c").unwrap().transport, Transport::Sse);
    }

    #[test]
    fn reads_the_older_servers_layout() {
        let f = parse(
            r#"{"servers": {"gh": {"type": "external", "command": "npx @modelcontextprotocol/server-github",
                 "args": ["--x"], "enabled": false, "config": {"a": 1}}},
               "global_config": {"timeout": 12, "max_concurrent": 3, "retry_attempts": 2}}"#,
        )
        .unwrap();
        assert_eq!(f.layout(), Layout::Servers);
        let gh = f.server("gh").unwrap();
        assert_eq!(gh.command.as_deref(), Some("npx"));
        assert_eq!(gh.args, vec!["@modelcontextprotocol/server-github", "--x"]);
        assert!(!gh.enabled);
        assert_eq!(f.global().timeout, Some(12.0));
        assert_eq!(f.global().max_concurrent, Some(3));
        assert_eq!(f.global().retry_attempts, Some(2));
    }

    #[test]
    fn wrong_types_name_the_field_and_line() {
        let err = parse("{\n  \"mcpServers\": {\n    \"a\": {\n      \"command\": \"x\",\n      \"args\": [1]\n    }\n  }\n}")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(":5:") && err.contains("mcpServers.a.args"),
            "{err}"
        );
        let err = parse(r#"{"mcpServers": {"a": {"type": "ws", "url": "x"}}}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown type \"ws\""), "{err}");
        let err = parse(r#"{"mcpServers": {"a": {}}}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("neither `command` nor `url`"), "{err}");
        let err = parse("{\n  \"mcpServers\": {,}\n}")
            .unwrap_err()
            .to_string();
        assert!(err.contains(":2:"), "{err}");
    }

    #[test]
    fn edits_keep_order_unknown_keys_and_indent() {
        let text = "{\n    \"zeta\": 1,\n    \"mcpServers\": {\n        \"b\": {\"command\": \"x\", \"custom\": true},\n        \"a\": {\"command\": \"y\"}\n    }\n}\n";
        let mut f = parse(text).unwrap();
        assert!(!f.is_changed());
        let mut b = f.server("b").unwrap().clone();
        b.args = vec!["--flag".into()];
        assert!(f.upsert(&b));
        let out = f.render();
        let zeta = out.find("zeta").unwrap();
        let pos_b = out.find("\"b\"").unwrap();
        let pos_a = out.find("\"a\"").unwrap();
        assert!(zeta < pos_b && pos_b < pos_a, "{out}");
        assert!(out.contains("\"custom\": true"), "{out}");
        assert!(
            out.contains("\n        \"b\""),
            "4-space indent kept: {out}"
        );
        assert!(f.remove("b"));
        assert!(!f.render().contains("\"b\""));
    }
}

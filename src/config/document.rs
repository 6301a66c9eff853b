//! The `.mcp.json` document: parse and check both layouts, edit one server, render, save.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::fsutil::{lock_dir, write_atomic};
use super::spans::{self, Kind, Node, Splice, Style};
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

/// A loaded `.mcp.json`: the text as written, the spans of its members (for edits that leave
/// every other byte alone) and the servers read from it.
#[derive(Debug, Clone)]
pub struct ConfigFile {
    path: PathBuf,
    exists: bool,
    /// The file as read (with its BOM, if it had one): saving compares against it.
    original: String,
    /// The current text, without the BOM.
    text: String,
    bom: bool,
    root: Node,
    doc: Map<String, Value>,
    layout: Layout,
    style: Style,
    servers: Vec<Server>,
    global: GlobalConfig,
    /// Set when an edit produced text that does not read back (a bug): saving refuses.
    broken: Option<String>,
}

/// A new file: what a first `upsert` edits.
const NEW_FILE: &str = "{\n  \"mcpServers\": {}\n}\n";

impl ConfigFile {
    /// Loads and checks a file; a missing file is an empty, new one.
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        if path.is_dir() {
            return Err(not_a_file(path).into());
        }
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
            None => {
                let mut file = Self::parse(path, NEW_FILE.to_string())?;
                file.exists = false;
                file.original = String::new();
                Ok(file)
            }
        }
    }

    /// Parses and checks the text of a file at `path`.
    pub fn parse(path: &Path, original: String) -> anyhow::Result<Self> {
        let shown = path.display();
        let (bom, text) = match original.strip_prefix('\u{feff}') {
            Some(rest) => (true, rest.to_string()),
            None => (false, original.clone()),
        };
        if text.trim().is_empty() {
            return Err(usage(format!("`{shown}` is empty"))
                .hint("write `{\"mcpServers\": {}}` in it, or delete it")
                .into());
        }
        let value: Value = serde_json::from_str(&text).map_err(|e| json_error(path, &text, &e))?;
        let Value::Object(doc) = value else {
            return Err(usage(format!("`{shown}`:1: the top level must be a JSON object")).into());
        };
        let root = spans::scan(&text)
            .ok_or_else(|| usage(format!("`{shown}`: cannot read the layout of the file")))?;
        check_duplicates(path, &text, &root, &[])?;
        let section = |key: &str| root.member(key).map(|m| m.key_start);
        let layout = match (section("mcpServers"), section("servers")) {
            (Some(a), Some(b)) => {
                let (first, second, at, first_at) = if a < b {
                    ("mcpServers", "servers", b, a)
                } else {
                    ("servers", "mcpServers", a, b)
                };
                return Err(usage(format!(
                    "`{shown}`:{}: both `{first}` and `{second}` (first at line {}); a file uses one layout",
                    spans::line_at(&text, at),
                    spans::line_at(&text, first_at)
                ))
                .hint("move every server into `mcpServers` (what Claude Code reads) and delete `servers`")
                .into());
            }
            (None, Some(_)) => Layout::Servers,
            _ => Layout::McpServers,
        };
        let mut file = ConfigFile {
            path: path.to_path_buf(),
            exists: true,
            original,
            style: Style::of(&text),
            bom,
            root,
            text,
            doc,
            layout,
            servers: Vec::new(),
            global: GlobalConfig::default(),
            broken: None,
        };
        file.servers = file.read_servers()?;
        file.global = file.read_global()?;
        Ok(file)
    }

    fn err_at(&self, keys: &[&str], message: String) -> anyhow::Error {
        let path = keys.join(".");
        // The deepest key of the chain that is in the file.
        let line = (1..=keys.len())
            .rev()
            .find_map(|n| self.root.member_at(&keys[..n]))
            .map(|m| format!(":{}", spans::line_at(&self.text, m.key_start)))
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
        if section.contains_key("") {
            let line = self
                .root
                .member_at(&[key, ""])
                .map(|m| format!(":{}", spans::line_at(&self.text, m.key_start)))
                .unwrap_or_default();
            return Err(usage(format!(
                "`{}`{line}: `{key}`: a server name cannot be empty",
                self.path.display()
            ))
            .into());
        }
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

    /// The tools a server's entry switches off for the gateway (`aimcp mcp serve`): its
    /// `disabledTools` list of tool names, as the server names them. Absent or `null` is none;
    /// anything but a list of strings is an error naming the file, line and field.
    pub fn disabled_tools(&self, name: &str) -> anyhow::Result<Vec<String>> {
        const KEY: &str = "disabledTools";
        let key = self.layout.key();
        let Some(value) = self.raw_server(name).and_then(|m| m.get(KEY)) else {
            return Ok(Vec::new());
        };
        match value {
            Value::Null => Ok(Vec::new()),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| match v {
                    Value::String(s) if !s.is_empty() => Ok(s.clone()),
                    _ => Err(self.err_at(
                        &[key, name, KEY],
                        format!("expected a list of tool names, item {i} is {}", kind(v)),
                    )),
                })
                .collect(),
            v => Err(self.err_at(
                &[key, name, KEY],
                format!("expected a list of tool names, found {}", kind(v)),
            )),
        }
    }

    // ---- editing ---------------------------------------------------------------------------

    /// Adds a server after the last one, or edits the one of the same name in place: only the
    /// fields that differ are rewritten, and every other byte of the file stays as it was
    /// (other servers, key order, unknown keys, indentation, line endings). Returns true when it
    /// replaced one.
    pub fn upsert(&mut self, server: &Server) -> bool {
        let key = self.layout.key();
        let entry = server_entry(server, self.layout);
        let Some(old) = self.server(&server.name).cloned() else {
            let splice = match self.root.value_at(&[key]) {
                Some(section) => spans::insert_member(
                    &self.text,
                    section,
                    &server.name,
                    &Value::Object(entry),
                    &self.style,
                ),
                None => {
                    let mut section = Map::new();
                    section.insert(server.name.clone(), Value::Object(entry));
                    spans::insert_member(
                        &self.text,
                        &self.root,
                        key,
                        &Value::Object(section),
                        &self.style,
                    )
                }
            };
            self.splice(splice);
            return false;
        };
        if old == *server {
            return true;
        }
        let raw = self.raw_server(&server.name).cloned().unwrap_or_default();
        // Changed values in place, then new fields after the last one, then the known fields
        // the new entry does not have (so that an entry is never left empty on the way).
        for (k, v) in &entry {
            if raw.get(k).is_some_and(|old| old != v) {
                self.edit_entry(&server.name, |text, obj, style| {
                    obj.member(k)
                        .map(|m| spans::replace_value(text, m, v, style))
                });
            }
        }
        for (k, v) in &entry {
            let implied = match k.as_str() {
                // Without `type`, a `command` means stdio and a `url` http.
                "type" => matches!(server.transport, Transport::Stdio | Transport::Http),
                "args" => v.as_array().is_some_and(Vec::is_empty),
                "enabled" => v == &Value::Bool(true),
                _ => false,
            };
            if !raw.contains_key(k) && !implied {
                self.edit_entry(&server.name, |text, obj, style| {
                    Some(spans::insert_member(text, obj, k, v, style))
                });
            }
        }
        for k in raw.keys() {
            if KNOWN_KEYS.contains(&k.as_str()) && !entry.contains_key(k) {
                self.edit_entry(&server.name, |_, obj, _| {
                    let i = obj.members().iter().position(|m| &m.key == k)?;
                    Some(spans::remove_member(obj, i))
                });
            }
        }
        self.reparse();
        match self.servers.iter_mut().find(|s| s.name == server.name) {
            Some(s) => *s = server.clone(),
            None => self.servers.push(server.clone()),
        }
        true
    }

    /// Removes a server with the separator before it (or after it, for the first); returns false
    /// when there was none of that name.
    pub fn remove(&mut self, name: &str) -> bool {
        let key = self.layout.key();
        let Some(section) = self.root.value_at(&[key]) else {
            return false;
        };
        let Some(i) = section.members().iter().position(|m| m.key == name) else {
            return false;
        };
        let splice = spans::remove_member(section, i);
        self.splice(splice);
        self.servers.retain(|s| s.name != name);
        true
    }

    /// Sets a server's `disabledTools` list (an empty one takes the key out), leaving every other
    /// byte of the file alone. Returns false when there is no server of that name.
    pub fn set_disabled_tools(&mut self, name: &str, tools: &[String]) -> bool {
        const KEY: &str = "disabledTools";
        if self.server(name).is_none() {
            return false;
        }
        let value = Value::Array(tools.iter().cloned().map(Value::String).collect());
        let has = self.raw_server(name).is_some_and(|m| m.contains_key(KEY));
        match (has, tools.is_empty()) {
            (false, true) => return true,
            (true, true) => self.edit_entry(name, |_, obj, _| {
                let i = obj.members().iter().position(|m| m.key == KEY)?;
                Some(spans::remove_member(obj, i))
            }),
            (true, false) => self.edit_entry(name, |text, obj, style| {
                obj.member(KEY)
                    .map(|m| spans::replace_value(text, m, &value, style))
            }),
            (false, false) => self.edit_entry(name, |text, obj, style| {
                Some(spans::insert_member(text, obj, KEY, &value, style))
            }),
        }
        self.reparse();
        true
    }

    /// Applies one splice to a server's entry object, found afresh in the current text.
    fn edit_entry(&mut self, name: &str, make: impl FnOnce(&str, &Node, &Style) -> Option<Splice>) {
        let key = self.layout.key();
        let Some(obj) = self.root.value_at(&[key, name]) else {
            return;
        };
        if let Some(splice) = make(&self.text, obj, &self.style) {
            self.text = splice.apply(&self.text);
            if let Some(root) = spans::scan(&self.text) {
                self.root = root;
            }
        }
    }

    fn splice(&mut self, splice: Splice) {
        self.text = splice.apply(&self.text);
        self.reparse();
    }

    /// Reads the document back after an edit, so that spans, servers and raw entries agree
    /// with the text.
    fn reparse(&mut self) {
        match Self::parse(&self.path, self.render()) {
            Ok(f) => {
                self.root = f.root;
                self.doc = f.doc;
                self.servers = f.servers;
                self.global = f.global;
            }
            // An edit that breaks the file is a bug; never save it.
            Err(e) => self.broken = Some(format!("{e:#}")),
        }
    }

    /// The file's text as it would be saved.
    pub fn render(&self) -> String {
        if self.bom {
            format!("\u{feff}{}", self.text)
        } else {
            self.text.clone()
        }
    }

    /// True when saving would change the file on disk.
    pub fn is_changed(&self) -> bool {
        !self.exists || self.render() != self.original
    }

    /// Saves atomically when something changed; returns whether it wrote.
    pub fn save(&mut self) -> anyhow::Result<bool> {
        if let Some(e) = &self.broken {
            anyhow::bail!(
                "internal error: an edit of `{}` did not read back, nothing was written: {e}",
                self.path.display()
            );
        }
        if !self.is_changed() {
            return Ok(false);
        }
        let text = self.render();
        write_atomic(&self.path, text.as_bytes(), None)?;
        self.original = text;
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
            // the older layout reads `command` as a whole command line: quote the program so
            // that a path with spaces or backslashes reads back as it was
            let program = server.command.clone().unwrap_or_default();
            let command = match layout {
                Layout::McpServers => program,
                Layout::Servers => shell_words::quote(&program).into_owned(),
            };
            m.insert("command".into(), command.into());
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

/// ``error: `.mcp.json` is a folder, not a file``.
pub(crate) fn not_a_file(path: &Path) -> crate::error::Fail {
    usage(format!("`{}` is a folder, not a file", path.display()))
        .hint("remove or rename the folder, or name a file with `--config FILE`")
}

/// A serde_json error as a user reads it: the real line and column, and a hint for comments.
pub(crate) fn json_error(path: &Path, text: &str, e: &serde_json::Error) -> crate::error::Fail {
    let msg = e.to_string();
    let mut msg = msg
        .rsplit_once(" at line ")
        .map(|(m, _)| m.to_string())
        .unwrap_or(msg);
    let (mut line, mut column) = (e.line(), e.column());
    if e.classify() == serde_json::error::Category::Eof {
        // serde_json points past the end (column 0 of a line that is not there); point at the
        // last character instead.
        let end = text.trim_end().len();
        if end > 0 {
            let last = text[..end].char_indices().last().map_or(0, |(i, _)| i);
            let line_start = text[..last].rfind('\n').map_or(0, |i| i + 1);
            line = spans::line_at(text, last);
            column = text[line_start..end].chars().count();
        }
        msg = msg.replace("EOF while parsing ", "the file ends in the middle of ");
    }
    let mut fail = usage(format!(
        "`{}`:{line}:{column}: invalid JSON: {msg}",
        path.display()
    ));
    if let Some(at) = spans::find_comment(text) {
        fail = fail.hint(format!(
            "JSON has no comments: remove the one at line {} (Claude Code cannot read this file either)",
            spans::line_at(text, at)
        ));
    }
    fail
}

/// A key that appears twice in one object is data lost on the next save (serde_json keeps the
/// last): refuse it, naming both lines.
fn check_duplicates(path: &Path, text: &str, node: &Node, keys: &[&str]) -> anyhow::Result<()> {
    match &node.kind {
        Kind::Object(members) => {
            // The first earlier member of the same name: a scan for small objects, a map for
            // large ones (a section of thousands of servers).
            let mut seen: std::collections::HashMap<&str, usize> = Default::default();
            for (i, m) in members.iter().enumerate() {
                let earlier = if members.len() <= 16 {
                    members[..i]
                        .iter()
                        .find(|e| e.key == m.key)
                        .map(|e| e.key_start)
                } else {
                    seen.get(m.key.as_str()).copied()
                };
                if let Some(first) = earlier {
                    let what = match keys {
                        [] => format!("key `{}`", m.key),
                        [s] if *s == "mcpServers" || *s == "servers" => {
                            format!("server `{}`", m.key)
                        }
                        [s, name] if *s == "mcpServers" || *s == "servers" => {
                            format!("field `{}` in server `{name}`", m.key)
                        }
                        _ => format!("key `{}` in `{}`", m.key, keys.join(".")),
                    };
                    return Err(usage(format!(
                        "`{}`:{}: duplicate {what} (first at line {})",
                        path.display(),
                        spans::line_at(text, m.key_start),
                        spans::line_at(text, first)
                    ))
                    .hint("keep one of them; aimcp will not guess which")
                    .into());
                }
                if members.len() > 16 {
                    seen.insert(&m.key, m.key_start);
                }
            }
            for m in members {
                if matches!(m.value.kind, Kind::Scalar) {
                    continue;
                }
                let mut path_keys = keys.to_vec();
                path_keys.push(&m.key);
                check_duplicates(path, text, &m.value, &path_keys)?;
            }
        }
        Kind::Array(items) => {
            for item in items.iter().filter(|i| !matches!(i.kind, Kind::Scalar)) {
                check_duplicates(path, text, item, keys)?;
            }
        }
        Kind::Scalar => {}
    }
    Ok(())
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
    fn disabled_tools_are_read_and_checked_with_file_line_and_field() {
        let f = parse(
            "{\"mcpServers\": {\n  \"a\": {\"command\": \"x\", \"disabledTools\": [\"t1\", \"t2\"]},\n  \
             \"b\": {\"command\": \"x\"},\n  \"c\": {\"command\": \"x\",\n    \"disabledTools\": [\"ok\", 3]}\n}}",
        )
        .unwrap();
        assert_eq!(f.disabled_tools("a").unwrap(), ["t1", "t2"]);
        assert!(f.disabled_tools("b").unwrap().is_empty());
        assert!(f.disabled_tools("nope").unwrap().is_empty());
        let err = f.disabled_tools("c").unwrap_err();
        assert_eq!(
            err.to_string(),
            "`.mcp.json`:5: `mcpServers.c.disabledTools`: expected a list of tool names, item 1 is a number"
        );
        assert_eq!(crate::error::exit_code(&err), 2);
        let f = parse(r#"{"servers": {"s": {"command": "x", "disabledTools": "t"}}}"#).unwrap();
        assert_eq!(
            f.disabled_tools("s").unwrap_err().to_string(),
            "`.mcp.json`:1: `servers.s.disabledTools`: expected a list of tool names, found a string"
        );
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

    #[test]
    fn a_replaced_entry_changes_only_the_fields_that_differ() {
        let text = "{\n  \"mcpServers\": {\n    \"a\": {\"command\": \"x\", \"args\": [\"1\"], \"note\": {\"k\": 1}},\n    \"b\": {\"command\": \"y\"}\n  }\n}\n";
        let mut f = parse(text).unwrap();
        // The same server again: nothing to do.
        let a = f.server("a").unwrap().clone();
        assert!(f.upsert(&a));
        assert!(!f.is_changed());
        // New args: only the args value changes, on one line as before.
        let mut a2 = a.clone();
        a2.args = vec!["2".into(), "3".into()];
        f.upsert(&a2);
        assert_eq!(
            f.render(),
            text.replace("\"args\": [\"1\"]", "\"args\": [\"2\", \"3\"]")
        );
        // To http: `command` and `args` go, `url` comes; no `type`, since `url` implies http.
        let web = Server::remote("a", Transport::Http, "https://x/mcp");
        f.upsert(&web);
        assert!(
            f.render()
                .contains("\"a\": {\"note\": {\"k\": 1}, \"url\": \"https://x/mcp\"},"),
            "{}",
            f.render()
        );
        assert_eq!(f.server("a"), Some(&web));
        // To sse: `type` is needed.
        let sse = Server::remote("a", Transport::Sse, "https://x/sse");
        f.upsert(&sse);
        assert_eq!(f.server("a").unwrap().transport, Transport::Sse);
        assert!(f.render().contains("\"type\": \"sse\""), "{}", f.render());
        // `disabled: true` is read, and replaced by `enabled` when it changes.
        let mut f = parse(r#"{"mcpServers": {"a": {"command": "x", "disabled": true}}}"#).unwrap();
        assert!(!f.server("a").unwrap().enabled);
        let mut on = f.server("a").unwrap().clone();
        on.enabled = true;
        f.upsert(&on);
        assert_eq!(f.render(), r#"{"mcpServers": {"a": {"command": "x"}}}"#);
        assert!(f.server("a").unwrap().enabled);
    }

    #[test]
    fn a_new_file_and_a_file_without_a_section() {
        let mut f = ConfigFile::load(Path::new("/nonexistent/dir/.mcp.json")).unwrap();
        assert!(!f.exists() && f.servers().is_empty());
        f.upsert(&Server::stdio("t", "uvx", vec!["mcp-server-time".into()]));
        assert_eq!(
            f.render(),
            "{\n  \"mcpServers\": {\n    \"t\": {\n      \"type\": \"stdio\",\n      \"command\": \"uvx\",\n      \"args\": [\n        \"mcp-server-time\"\n      ]\n    }\n  }\n}\n"
        );
        let mut f = parse("{\n  \"$schema\": \"x\"\n}").unwrap();
        f.upsert(&Server::stdio("t", "uvx", vec![]));
        assert_eq!(
            f.render(),
            "{\n  \"$schema\": \"x\",\n  \"mcpServers\": {\n    \"t\": {\n      \"type\": \"stdio\",\n      \"command\": \"uvx\",\n      \"args\": []\n    }\n  }\n}"
        );
        assert!(f.remove("t"));
        assert_eq!(
            f.render(),
            "{\n  \"$schema\": \"x\",\n  \"mcpServers\": {}\n}"
        );
    }
}

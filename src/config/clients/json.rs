//! The JSON clients, as one table: Claude Code, Cursor, VS Code, Gemini CLI, Windsurf and Claude
//! Desktop keep their servers in one object of a JSON file (`mcpServers`, or VS Code's `servers`)
//! and differ only in the facts of a [`JsonClient`] row: where the files are, which keys an entry
//! has, how a value refers to the environment, where a remote server's URL goes and whether there
//! is a per-tool switch. A file is edited through a `serde_json` map that keeps key order, so that
//! every key aimcp does not own (other servers, settings, `inputs`, unknown keys of an entry) stays
//! where it was.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::{
    Client, ClientDoc, ClientId, Entry, Homes, RefStyle, Text, is_gateway_command, render_pairs,
    vscode,
};
use crate::config::document::{json_error, render_json};
use crate::config::spans;
use crate::config::{CONFIG_FILE, Transport};
use crate::error::usage;

/// The folder a user file is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Base {
    /// The home folder.
    Home,
    /// The platform's config folder (`~/.config` on Linux, `~/Library/Application Support` on
    /// macOS).
    Config,
}

/// When an entry gets a `type` key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TypeKey {
    Never,
    /// `"type": "http"` or `"sse"` for a remote server; a stdio server has none.
    Remote,
    /// Every entry, `"stdio"` too.
    Always,
}

/// One JSON client's format: facts, not code.
#[derive(Debug, Clone, Copy)]
pub(super) struct JsonClient {
    pub id: ClientId,
    /// The project file, relative to the project (None: the client has only a user file).
    pub project_file: Option<&'static str>,
    /// The user's file.
    pub user_file: (Base, &'static str),
    /// The object the servers are in.
    pub section: &'static str,
    /// The keys of an entry that aimcp writes; every other key is the user's.
    pub owned: &'static [&'static str],
    /// How a string refers to an environment variable.
    pub refs: RefStyle,
    pub type_key: TypeKey,
    /// The URL key of a Streamable HTTP server and of an SSE one (None: the file holds only stdio
    /// servers).
    pub url_keys: Option<(&'static str, &'static str)>,
    /// The keys `import` reads a URL from, in order, with the transport each one means.
    pub read_urls: &'static [(&'static str, Transport)],
    /// The key listing the tools switched off (None: no per-tool switch; the tool filter applies
    /// only through `aimcp mcp serve`).
    pub tools_key: Option<&'static str>,
    /// VS Code's ways: JSON with comments, `${workspaceFolder}`, `${input:ID}` with `inputs`.
    pub vscode: bool,
}

/// Claude Code: it reads the project's `.mcp.json` itself, so `sync` has nothing to write for it;
/// its user file `~/.claude.json` keeps user-scope servers under `mcpServers` (read by `import`).
/// `${VAR}` and `${VAR:-default}` are its own syntax. It ignores keys it does not know, so
/// `enabled` and `disabledTools` in `.mcp.json` are safe (checked with `claude mcp get`).
pub(super) static CLAUDE: JsonClient = JsonClient {
    id: ClientId::Claude,
    project_file: Some(CONFIG_FILE),
    user_file: (Base::Home, ".claude.json"),
    section: "mcpServers",
    owned: &[
        "type",
        "command",
        "args",
        "env",
        "url",
        "headers",
        "disabledTools",
    ],
    refs: RefStyle::Dollar,
    type_key: TypeKey::Remote,
    url_keys: Some(("url", "url")),
    read_urls: &[("url", Transport::Http)],
    tools_key: Some("disabledTools"),
    vscode: false,
};

/// Cursor: `.cursor/mcp.json` in the project, `~/.cursor/mcp.json` for the user. `mcpServers` with
/// `command`/`args`/`env`, or `url`/`headers`; `${env:VAR}` is read in all of them. Its tool
/// toggles live in its settings: the tool filter applies only through `aimcp mcp serve`.
pub(super) static CURSOR: JsonClient = JsonClient {
    id: ClientId::Cursor,
    project_file: Some(".cursor/mcp.json"),
    user_file: (Base::Home, ".cursor/mcp.json"),
    section: "mcpServers",
    owned: &["type", "command", "args", "env", "url", "headers"],
    refs: RefStyle::EnvColon,
    type_key: TypeKey::Never,
    url_keys: Some(("url", "url")),
    read_urls: &[("url", Transport::Http)],
    tools_key: None,
    vscode: false,
};

/// VS Code: `.vscode/mcp.json` in the project, `<config>/Code/User/mcp.json` for the user. Its
/// servers are under `servers` (not the older aimcp `servers` layout: entries have `type`
/// `stdio`/`http`/`sse` and a `command` with separate `args`), beside `inputs` (prompted secrets,
/// kept as they are, and written back as `${input:ID}` where `.mcp.json` reads the variable
/// `import` made of them). `${env:VAR}` is read in every string. VS Code switches servers and
/// tools off in its UI, not in the file: a disabled server is left out, and the tool filter
/// applies only through `aimcp mcp serve`.
pub(super) static VSCODE: JsonClient = JsonClient {
    id: ClientId::Vscode,
    project_file: Some(".vscode/mcp.json"),
    user_file: (Base::Config, "Code/User/mcp.json"),
    section: "servers",
    owned: &["type", "command", "args", "env", "url", "headers"],
    refs: RefStyle::EnvColon,
    type_key: TypeKey::Always,
    url_keys: Some(("url", "url")),
    read_urls: &[("url", Transport::Http)],
    tools_key: None,
    vscode: true,
};

/// Gemini CLI: `.gemini/settings.json` in the project, `~/.gemini/settings.json` for the user
/// (beside every other setting, all kept). `mcpServers` with `command`/`args`/`env`, `httpUrl`
/// for Streamable HTTP, `url` for SSE, `headers`; `${VAR}` is read in every string (no default).
/// Disabled tools go into `excludeTools`; a user's `includeTools`, `trust`, `timeout` and `cwd`
/// are kept.
pub(super) static GEMINI: JsonClient = JsonClient {
    id: ClientId::Gemini,
    project_file: Some(".gemini/settings.json"),
    user_file: (Base::Home, ".gemini/settings.json"),
    section: "mcpServers",
    owned: &[
        "command",
        "args",
        "env",
        "url",
        "httpUrl",
        "headers",
        "excludeTools",
    ],
    refs: RefStyle::Dollar,
    type_key: TypeKey::Never,
    url_keys: Some(("httpUrl", "url")),
    read_urls: &[("httpUrl", Transport::Http), ("url", Transport::Sse)],
    tools_key: Some("excludeTools"),
    vscode: false,
};

/// Windsurf: only a user file, `~/.codeium/windsurf/mcp_config.json`. `mcpServers` with
/// `command`/`args`/`env`, or `serverUrl`/`headers` for a remote server; `${env:VAR}` is read in
/// all of them. Its tool toggles live in its settings: the tool filter applies only through
/// `aimcp mcp serve`.
pub(super) static WINDSURF: JsonClient = JsonClient {
    id: ClientId::Windsurf,
    project_file: None,
    user_file: (Base::Home, ".codeium/windsurf/mcp_config.json"),
    section: "mcpServers",
    owned: &["command", "args", "env", "serverUrl", "url", "headers"],
    refs: RefStyle::EnvColon,
    type_key: TypeKey::Never,
    url_keys: Some(("serverUrl", "serverUrl")),
    read_urls: &[("serverUrl", Transport::Http), ("url", Transport::Http)],
    tools_key: None,
    vscode: false,
};

/// Claude Desktop: only a user file, `claude_desktop_config.json` in the platform's config folder
/// (`~/.config/Claude/` on Linux, `~/Library/Application Support/Claude/` on macOS). `mcpServers`
/// with `command`/`args`/`env` only: no remote servers in the file and no environment references,
/// so a value that refers to `${VAR}` is not written (a note says so).
pub(super) static CLAUDE_DESKTOP: JsonClient = JsonClient {
    id: ClientId::ClaudeDesktop,
    project_file: None,
    user_file: (Base::Config, "Claude/claude_desktop_config.json"),
    section: "mcpServers",
    owned: &["command", "args", "env"],
    refs: RefStyle::None,
    type_key: TypeKey::Never,
    url_keys: None,
    read_urls: &[],
    tools_key: None,
    vscode: false,
};

impl Client for JsonClient {
    fn id(&self) -> ClientId {
        self.id
    }
    fn project_path(&self, project: &Path) -> Option<PathBuf> {
        self.project_file.map(|f| project.join(f))
    }
    fn user_path(&self, homes: &Homes) -> Option<PathBuf> {
        let (base, file) = self.user_file;
        match base {
            Base::Home => homes.home.as_ref(),
            Base::Config => homes.config.as_ref(),
        }
        .map(|b| b.join(file))
    }
    fn load(&self, path: &Path, text: Option<&str>) -> anyhow::Result<Box<dyn ClientDoc>> {
        load(*self, path, text)
    }
    fn has_tool_switch(&self) -> bool {
        self.tools_key.is_some()
    }
}

impl JsonClient {
    /// An entry's keys, or None when the client cannot hold this server (a note says why).
    fn render(&self, e: &Entry, notes: &mut Vec<String>) -> Option<Map<String, Value>> {
        let id = self.id;
        let mut vscode_entry;
        let mut e = e;
        if self.vscode {
            vscode_entry = e.clone();
            vscode::workspace_folder(&mut vscode_entry);
            e = &vscode_entry;
        }
        let mut m = Map::new();
        let typed = match self.type_key {
            TypeKey::Never => false,
            TypeKey::Remote => e.transport != Transport::Stdio,
            TypeKey::Always => true,
        };
        if typed {
            m.insert("type".into(), Value::String(e.transport.to_string()));
        }
        match (e.transport, self.url_keys) {
            (Transport::Stdio, _) => stdio_keys(e, self.refs, id, &mut m, notes)?,
            (Transport::Http, Some((key, _))) | (Transport::Sse, Some((_, key))) => {
                remote_keys(e, self.refs, id, key, &mut m, notes)?
            }
            (Transport::Http | Transport::Sse, None) => {
                notes.push(format!(
                    "`{id}` reads only stdio servers from its file: `{}` ({}) is not written; add it as a connector in the app, or use `aimcp mcp sync --via-gateway`",
                    e.name, e.transport
                ));
                return None;
            }
        }
        match self.tools_key {
            Some(key) => {
                if !e.disabled_tools.is_empty() {
                    m.insert(key.into(), strings(e.disabled_tools.iter().cloned()));
                }
            }
            None => no_tool_switch(e, id, notes),
        }
        Some(m)
    }

    /// Reads one entry.
    fn read(&self, name: &str, obj: &Map<String, Value>) -> Result<Entry, String> {
        let mut e = read_common(name, obj, self.refs == RefStyle::EnvColon, self.read_urls)?;
        if let Some(key) = self.tools_key {
            e.disabled_tools = get_list(obj, key)?;
        }
        if self.vscode {
            vscode::read_variables(&mut e);
        }
        Ok(e)
    }
}

pub(super) struct JsonDoc {
    path: PathBuf,
    format: JsonClient,
    root: Map<String, Value>,
    original: Option<Value>,
    /// The original text, for the line of an error.
    text: String,
    indent: String,
    /// The file had comments (JSONC), which a rewrite cannot keep.
    comments: bool,
}

pub(super) fn load(
    format: JsonClient,
    path: &Path,
    text: Option<&str>,
) -> anyhow::Result<Box<dyn ClientDoc>> {
    let Some(text) = text else {
        return Ok(Box::new(JsonDoc {
            path: path.to_path_buf(),
            format,
            root: Map::new(),
            original: None,
            text: String::new(),
            indent: "  ".into(),
            comments: false,
        }));
    };
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    // VS Code's files are JSON with comments and trailing commas; they are read with both
    // blanked out (lines and columns stay where they were, for errors).
    let (stripped, comments) = if format.vscode {
        strip_jsonc(body)
    } else {
        (body.to_string(), false)
    };
    let body = stripped.as_str();
    let value: Value = if body.trim().is_empty() {
        Value::Object(Map::new())
    } else {
        serde_json::from_str(body).map_err(|e| json_error(path, body, &e))?
    };
    let Value::Object(root) = value.clone() else {
        return Err(usage(format!(
            "`{}`:1: the top level must be a JSON object",
            path.display()
        ))
        .into());
    };
    let doc = JsonDoc {
        path: path.to_path_buf(),
        format,
        root,
        original: Some(value),
        text: body.to_string(),
        indent: spans::detect_indent(body),
        comments,
    };
    if let Some(section) = doc.root.get(format.section)
        && !section.is_object()
    {
        return Err(doc.err_at(&[format.section], "expected an object of servers"));
    }
    Ok(Box::new(doc))
}

impl JsonDoc {
    fn err_at(&self, keys: &[&str], message: &str) -> anyhow::Error {
        let line = spans::scan(&self.text)
            .and_then(|root| {
                (1..=keys.len())
                    .rev()
                    .find_map(|n| root.member_at(&keys[..n]).map(|m| m.key_start))
            })
            .map(|at| format!(":{}", spans::line_at(&self.text, at)))
            .unwrap_or_default();
        usage(format!(
            "`{}`{line}: `{}`: {message}",
            self.path.display(),
            keys.join(".")
        ))
        .into()
    }

    fn section(&self) -> Option<&Map<String, Value>> {
        self.root
            .get(self.format.section)
            .and_then(Value::as_object)
    }
}

impl ClientDoc for JsonDoc {
    fn servers(&self) -> anyhow::Result<Vec<Entry>> {
        let Some(section) = self.section() else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for (name, v) in section {
            let Value::Object(obj) = v else {
                return Err(self.err_at(&[self.format.section, name], "expected an object"));
            };
            let entry = self
                .format
                .read(name, obj)
                .map_err(|m| self.err_at(&[self.format.section, name], &m))?;
            out.push(entry);
        }
        Ok(out)
    }

    fn names(&self) -> Vec<String> {
        self.section()
            .map(|s| s.keys().cloned().collect())
            .unwrap_or_default()
    }

    fn is_gateway(&self, name: &str) -> bool {
        let Some(obj) = self
            .section()
            .and_then(|s| s.get(name))
            .and_then(Value::as_object)
        else {
            return false;
        };
        let args: Vec<String> = obj
            .get("args")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        is_gateway_command(obj.get("command").and_then(Value::as_str), &args)
    }

    fn write(&mut self, entry: &Entry, notes: &mut Vec<String>) {
        if !entry.enabled {
            self.remove(&entry.name);
            return;
        }
        let Some(mut rendered) = self.format.render(entry, notes) else {
            self.remove(&entry.name);
            return;
        };
        if self.format.vscode {
            vscode::use_inputs(&self.root, &mut rendered);
        }
        let section = self
            .root
            .entry(self.format.section)
            .or_insert_with(|| Value::Object(Map::new()));
        if !section.is_object() {
            *section = Value::Object(Map::new());
        }
        let section = section.as_object_mut().expect("an object");
        let old = section
            .get(&entry.name)
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let mut new = Map::new();
        for (k, v) in &old {
            if self.format.owned.contains(&k.as_str()) {
                if let Some(r) = rendered.get(k) {
                    new.insert(k.clone(), r.clone());
                }
            } else {
                new.insert(k.clone(), v.clone());
            }
        }
        for (k, v) in rendered {
            if !new.contains_key(&k) {
                new.insert(k, v);
            }
        }
        section.insert(entry.name.clone(), Value::Object(new));
    }

    fn remove(&mut self, name: &str) -> bool {
        self.root
            .get_mut(self.format.section)
            .and_then(Value::as_object_mut)
            .is_some_and(|s| s.shift_remove(name).is_some())
    }

    fn render(&self) -> String {
        render_json(&Value::Object(self.root.clone()), &self.indent, true)
    }

    fn is_changed(&self) -> bool {
        self.original.as_ref() != Some(&Value::Object(self.root.clone()))
    }

    fn has_comments(&self) -> bool {
        self.comments
    }
}

/// JSON with comments (`//`, `/* */`) and trailing commas, as plain JSON: each of them replaced
/// by spaces (newlines kept), strings untouched. Also says whether there was a comment.
pub(super) fn strip_jsonc(text: &str) -> (String, bool) {
    let b = text.as_bytes();
    let mut out: Vec<u8> = b.to_vec();
    let mut comments = false;
    let mut i = 0;
    // The index in `out` of the last comma outside strings, while only blanks followed it.
    let mut comma: Option<usize> = None;
    while i < b.len() {
        match b[i] {
            b'"' => {
                comma = None;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                comments = true;
                while i < b.len() && b[i] != b'\n' {
                    out[i] = b' ';
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                comments = true;
                let end = text[i + 2..].find("*/").map_or(b.len(), |e| i + 2 + e + 2);
                for x in &mut out[i..end] {
                    if *x != b'\n' {
                        *x = b' ';
                    }
                }
                i = end;
            }
            b',' => {
                comma = Some(i);
                i += 1;
            }
            b'}' | b']' => {
                if let Some(c) = comma.take() {
                    out[c] = b' ';
                }
                i += 1;
            }
            c if c.is_ascii_whitespace() => i += 1,
            _ => {
                comma = None;
                i += 1;
            }
        }
    }
    // Only ASCII bytes outside strings were replaced by spaces: still UTF-8.
    (
        String::from_utf8(out).unwrap_or_else(|_| text.to_string()),
        comments,
    )
}

// ---- pieces the modules share ---------------------------------------------------------------

fn strings(items: impl IntoIterator<Item = String>) -> Value {
    Value::Array(items.into_iter().map(Value::String).collect())
}

fn object(pairs: Vec<(String, String)>) -> Value {
    Value::Object(
        pairs
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect(),
    )
}

/// `command`, `args` and `env` of a stdio server in a client's syntax; None when the command or
/// an argument cannot be written (the server would run differently).
fn stdio_keys(
    e: &Entry,
    style: RefStyle,
    client: ClientId,
    m: &mut Map<String, Value>,
    notes: &mut Vec<String>,
) -> Option<()> {
    let command = e.command.as_ref()?.render(
        style,
        &format!("the command of `{}`", e.name),
        client,
        notes,
    )?;
    let mut args = Vec::new();
    for (i, a) in e.args.iter().enumerate() {
        args.push(a.render(
            style,
            &format!("argument {} of `{}`", i + 1, e.name),
            client,
            notes,
        )?);
    }
    m.insert("command".into(), Value::String(command));
    if !args.is_empty() {
        m.insert("args".into(), strings(args));
    }
    let env = render_pairs(&e.env, style, "env", &e.name, client, notes);
    if !env.is_empty() {
        m.insert("env".into(), object(env));
    }
    Some(())
}

/// The URL and headers of a remote server, with the URL under `url_key`.
fn remote_keys(
    e: &Entry,
    style: RefStyle,
    client: ClientId,
    url_key: &str,
    m: &mut Map<String, Value>,
    notes: &mut Vec<String>,
) -> Option<()> {
    let url = e
        .url
        .as_ref()?
        .render(style, &format!("the URL of `{}`", e.name), client, notes)?;
    m.insert(url_key.into(), Value::String(url));
    let headers = render_pairs(&e.headers, style, "header", &e.name, client, notes);
    if !headers.is_empty() {
        m.insert("headers".into(), object(headers));
    }
    Some(())
}

/// Notes that the tool filter of `e` applies only through the gateway.
fn no_tool_switch(e: &Entry, client: ClientId, notes: &mut Vec<String>) {
    if !e.disabled_tools.is_empty() {
        notes.push(format!(
            "`{client}` has no per-tool switch: the disabled tools of `{}` are hidden only through `aimcp mcp serve` (`aimcp mcp sync --via-gateway`)",
            e.name
        ));
    }
}

// ---- reading --------------------------------------------------------------------------------

fn get_str(obj: &Map<String, Value>, key: &str) -> Result<Option<String>, String> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(format!("`{key}`: expected a string")),
    }
}

fn get_list(obj: &Map<String, Value>, key: &str) -> Result<Vec<String>, String> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| {
                v.as_str()
                    .map(String::from)
                    .ok_or_else(|| format!("`{key}`: expected a list of strings"))
            })
            .collect(),
        Some(_) => Err(format!("`{key}`: expected a list of strings")),
    }
}

fn get_map(obj: &Map<String, Value>, key: &str) -> Result<Vec<(String, String)>, String> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Object(m)) => m
            .iter()
            .map(|(k, v)| match v {
                Value::String(s) => Ok((k.clone(), s.clone())),
                Value::Number(n) => Ok((k.clone(), n.to_string())),
                Value::Bool(b) => Ok((k.clone(), b.to_string())),
                _ => Err(format!("`{key}.{k}`: expected a string")),
            })
            .collect(),
        Some(_) => Err(format!("`{key}`: expected an object of strings")),
    }
}

/// Reads an entry whose fields are named as in `.mcp.json`, with `url_keys` tried in order.
fn read_common(
    name: &str,
    obj: &Map<String, Value>,
    env_colon: bool,
    url_keys: &[(&str, Transport)],
) -> Result<Entry, String> {
    let parse = |s: &str| Text::parse_with(s, env_colon);
    let mut transport = Transport::Stdio;
    let mut url = None;
    for (key, t) in url_keys {
        if let Some(u) = get_str(obj, key)? {
            url = Some(parse(&u));
            transport = *t;
            break;
        }
    }
    match get_str(obj, "type")?.as_deref() {
        Some("http" | "streamable-http" | "streamableHttp") => transport = Transport::Http,
        Some("sse") => transport = Transport::Sse,
        Some("stdio") | None => {}
        Some(other) => return Err(format!("`type`: unknown transport `{other}`")),
    }
    let command = get_str(obj, "command")?;
    if command.is_none() && url.is_none() {
        return Err("neither `command` nor a URL".into());
    }
    if command.is_some() {
        transport = Transport::Stdio;
    }
    let disabled = matches!(obj.get("disabled"), Some(Value::Bool(true)));
    Ok(Entry {
        name: name.to_string(),
        transport,
        command: command.as_deref().map(parse),
        args: get_list(obj, "args")?.iter().map(|a| parse(a)).collect(),
        env: get_map(obj, "env")?
            .into_iter()
            .map(|(k, v)| (k, parse(&v)))
            .collect(),
        url,
        headers: get_map(obj, "headers")?
            .into_iter()
            .map(|(k, v)| (k, parse(&v)))
            .collect(),
        enabled: !disabled,
        disabled_tools: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::strip_jsonc;

    #[test]
    fn jsonc_reads_as_json_with_lines_kept() {
        let text = "{\n  // a comment\n  \"servers\": {\"a\": {\"url\": \"http://x//y\", }, /* b */},\n}\n";
        let (plain, comments) = strip_jsonc(text);
        assert!(comments);
        assert_eq!(plain.lines().count(), text.lines().count());
        let v: serde_json::Value = serde_json::from_str(&plain).unwrap();
        assert_eq!(v["servers"]["a"]["url"], "http://x//y");
        let (plain, comments) = strip_jsonc("[1, 2,]");
        assert!(!comments);
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&plain).unwrap(),
            serde_json::json!([1, 2])
        );
    }
}

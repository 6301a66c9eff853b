//! What the JSON clients share: a file whose servers sit in one object (`mcpServers` or VS Code's
//! `servers`), edited through a `serde_json` map that keeps key order, so that every key aimcp does
//! not own (other servers, settings, `inputs`, unknown keys of an entry) stays where it was.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::{ClientDoc, ClientId, Entry, RefStyle, Text, is_gateway_command, render_pairs};
use crate::config::Transport;
use crate::config::document::{json_error, render_json};
use crate::config::spans;
use crate::error::usage;

/// A JSON client's entry for one server (None: it cannot hold it).
pub(super) type Render = fn(&Entry, &mut Vec<String>) -> Option<Map<String, Value>>;

/// One JSON client's format: the data its module gives.
pub(super) struct Format {
    pub id: ClientId,
    /// The object the servers are in.
    pub section: &'static str,
    /// The keys of an entry that aimcp writes; every other key is the user's.
    pub owned: &'static [&'static str],
    /// An entry's keys, or None when the client cannot hold this server (a note says why).
    pub render: Render,
    /// Reads one entry.
    pub read: fn(&str, &Map<String, Value>) -> Result<Entry, String>,
}

pub(super) struct JsonDoc {
    path: PathBuf,
    format: &'static Format,
    root: Map<String, Value>,
    original: Option<Value>,
    /// The original text, for the line of an error.
    text: String,
    indent: String,
    /// The file had comments (JSONC), which a rewrite cannot keep.
    comments: bool,
}

pub(super) fn load(
    format: &'static Format,
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
    let (stripped, comments) = if format.id == ClientId::Vscode {
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
            let entry = (self.format.read)(name, obj)
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
        let Some(rendered) = (self.format.render)(entry, notes) else {
            self.remove(&entry.name);
            return;
        };
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

pub(super) fn strings(items: impl IntoIterator<Item = String>) -> Value {
    Value::Array(items.into_iter().map(Value::String).collect())
}

pub(super) fn object(pairs: Vec<(String, String)>) -> Value {
    Value::Object(
        pairs
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect(),
    )
}

/// `command`, `args` and `env` of a stdio server in a client's syntax; None when the command or
/// an argument cannot be written (the server would run differently).
pub(super) fn stdio_keys(
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
pub(super) fn remote_keys(
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
pub(super) fn no_tool_switch(e: &Entry, client: ClientId, notes: &mut Vec<String>) {
    if !e.disabled_tools.is_empty() {
        notes.push(format!(
            "`{client}` has no per-tool switch: the disabled tools of `{}` are hidden only through `aimcp mcp serve` (`aimcp mcp sync --via-gateway`)",
            e.name
        ));
    }
}

// ---- reading --------------------------------------------------------------------------------

pub(super) fn get_str(obj: &Map<String, Value>, key: &str) -> Result<Option<String>, String> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(format!("`{key}`: expected a string")),
    }
}

pub(super) fn get_list(obj: &Map<String, Value>, key: &str) -> Result<Vec<String>, String> {
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

pub(super) fn get_map(
    obj: &Map<String, Value>,
    key: &str,
) -> Result<Vec<(String, String)>, String> {
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
pub(super) fn read_common(
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

//! Codex: `.codex/config.toml` in a (trusted) project, `~/.codex/config.toml` for the user, one
//! `[mcp_servers.NAME]` table a server. Codex expands no `${VAR}` in its file: an env value that is
//! `${KEY}` under the same name goes into `env_vars` (passed through from Codex's environment), a
//! literal into `env`; `Authorization: Bearer ${VAR}` becomes `bearer_token_env_var`, another
//! `Header: ${VAR}` goes into `env_http_headers`, a literal header into `http_headers`. Anything
//! else that refers to the environment cannot be written, and a note says so. `enabled = false`
//! and `disabled_tools` are its own switches. Streamable HTTP only: no SSE.
//!
//! Edited through `toml_edit`, so the user's comments, key order and every key aimcp does not
//! own (`startup_timeout_sec`, `enabled_tools`, other tables) stay as they were.

use std::path::{Path, PathBuf};

use serde_json::Value as Json;
use toml_edit::{Array, DocumentMut, InlineTable, Item, Table, Value};

use super::{
    Client, ClientDoc, ClientId, Entry, Homes, Part, RefStyle, Text, is_gateway_command,
    is_literal_secret, secret_note,
};
use crate::config::Transport;
use crate::error::usage;

pub struct Codex;

const ID: ClientId = ClientId::Codex;
const SECTION: &str = "mcp_servers";
const OWNED: &[&str] = &[
    "command",
    "args",
    "env",
    "env_vars",
    "url",
    "bearer_token_env_var",
    "http_headers",
    "env_http_headers",
    "enabled",
    "disabled_tools",
];

impl Client for Codex {
    fn id(&self) -> ClientId {
        ID
    }
    fn project_path(&self, project: &Path) -> Option<PathBuf> {
        Some(project.join(".codex/config.toml"))
    }
    fn user_path(&self, homes: &Homes) -> Option<PathBuf> {
        homes.home.as_ref().map(|h| h.join(".codex/config.toml"))
    }
    fn load(&self, path: &Path, text: Option<&str>) -> anyhow::Result<Box<dyn ClientDoc>> {
        let original = text.map(String::from);
        let doc = match text {
            None => DocumentMut::new(),
            Some(text) => text.parse::<DocumentMut>().map_err(|e| {
                let line = e
                    .span()
                    .map(|s| format!(":{}", text[..s.start].matches('\n').count() + 1))
                    .unwrap_or_default();
                let message = e.message().trim().to_string();
                usage(format!(
                    "`{}`{line}: invalid TOML: {message}",
                    path.display()
                ))
            })?,
        };
        if let Some(item) = doc.get(SECTION)
            && !item.is_table_like()
        {
            return Err(usage(format!(
                "`{}`: `{SECTION}`: expected a table of servers",
                path.display()
            ))
            .into());
        }
        Ok(Box::new(CodexDoc {
            path: path.to_path_buf(),
            doc,
            original,
        }))
    }
    fn has_tool_switch(&self) -> bool {
        true
    }
}

struct CodexDoc {
    path: PathBuf,
    doc: DocumentMut,
    original: Option<String>,
}

impl CodexDoc {
    fn section(&self) -> Option<&dyn toml_edit::TableLike> {
        self.doc.get(SECTION).and_then(Item::as_table_like)
    }

    fn err(&self, name: &str, message: &str) -> anyhow::Error {
        usage(format!(
            "`{}`: `{SECTION}.{name}`: {message}",
            self.path.display()
        ))
        .into()
    }
}

/// A TOML item as JSON, to compare values whatever their layout (inline or a table of its own).
fn to_json(item: &Item) -> Json {
    match item {
        Item::None => Json::Null,
        Item::Value(v) => value_json(v),
        Item::Table(t) => {
            Json::Object(t.iter().map(|(k, v)| (k.to_string(), to_json(v))).collect())
        }
        Item::ArrayOfTables(a) => Json::Array(
            a.iter()
                .map(|t| Json::Object(t.iter().map(|(k, v)| (k.to_string(), to_json(v))).collect()))
                .collect(),
        ),
    }
}

fn value_json(v: &Value) -> Json {
    match v {
        Value::String(s) => Json::String(s.value().clone()),
        Value::Integer(i) => Json::from(*i.value()),
        Value::Float(f) => Json::from(*f.value()),
        Value::Boolean(b) => Json::Bool(*b.value()),
        Value::Datetime(d) => Json::String(d.value().to_string()),
        Value::Array(a) => Json::Array(a.iter().map(value_json).collect()),
        Value::InlineTable(t) => Json::Object(
            t.iter()
                .map(|(k, v)| (k.to_string(), value_json(v)))
                .collect(),
        ),
    }
}

fn str_list(items: impl IntoIterator<Item = String>) -> Value {
    Value::Array(items.into_iter().collect::<Array>())
}

fn str_table(pairs: Vec<(String, String)>) -> Value {
    let mut t = InlineTable::new();
    for (k, v) in pairs {
        t.insert(&k, Value::from(v));
    }
    Value::InlineTable(t)
}

/// `Bearer ${VAR}`: the variable.
fn bearer_var(v: &Text) -> Option<&str> {
    match v.0.as_slice() {
        [
            Part::Lit(scheme),
            Part::Env {
                name,
                default: None,
            },
        ] if scheme.trim().eq_ignore_ascii_case("bearer") && scheme.ends_with(' ') => Some(name),
        _ => None,
    }
}

/// The owned keys of one server, or None when Codex cannot run it as written.
fn render(e: &Entry, notes: &mut Vec<String>) -> Option<Vec<(&'static str, Value)>> {
    let mut out: Vec<(&'static str, Value)> = Vec::new();
    match e.transport {
        Transport::Stdio => {
            let command = e.command.as_ref()?.render(
                RefStyle::None,
                &format!("the command of `{}`", e.name),
                ID,
                notes,
            )?;
            out.push(("command", Value::from(command)));
            let mut args = Vec::new();
            for (i, a) in e.args.iter().enumerate() {
                args.push(a.render(
                    RefStyle::None,
                    &format!("argument {} of `{}`", i + 1, e.name),
                    ID,
                    notes,
                )?);
            }
            if !args.is_empty() {
                out.push(("args", str_list(args)));
            }
            let (mut env, mut env_vars) = (Vec::new(), Vec::new());
            for (k, v) in &e.env {
                let what = format!("env `{k}` of `{}`", e.name);
                if is_literal_secret(k, v) {
                    notes.push(secret_note(ID, &what));
                } else if v.single_env() == Some(k.as_str()) {
                    env_vars.push(k.clone());
                } else if v.has_env() {
                    notes.push(format!(
                        "`codex` passes a variable on only under its own name (`env_vars`): {what} (`{}`) is not written; write `{k}=${{{k}}}` in `.mcp.json` to pass it",
                        v.to_dollar()
                    ));
                } else {
                    env.push((k.clone(), v.to_dollar()));
                }
            }
            if !env.is_empty() {
                out.push(("env", str_table(env)));
            }
            if !env_vars.is_empty() {
                out.push(("env_vars", str_list(env_vars)));
            }
        }
        Transport::Http => {
            let url = e.url.as_ref()?.render(
                RefStyle::None,
                &format!("the URL of `{}`", e.name),
                ID,
                notes,
            )?;
            out.push(("url", Value::from(url)));
            let (mut literal, mut from_env, mut bearer) = (Vec::new(), Vec::new(), None);
            for (k, v) in &e.headers {
                let what = format!("header `{k}` of `{}`", e.name);
                if is_literal_secret(k, v) {
                    notes.push(secret_note(ID, &what));
                } else if let (true, Some(var)) =
                    (k.eq_ignore_ascii_case("authorization"), bearer_var(v))
                {
                    bearer = Some(var.to_string());
                } else if let Some(var) = v.single_env() {
                    from_env.push((k.clone(), var.to_string()));
                } else if v.has_env() {
                    notes.push(format!(
                        "`codex` takes a header from the environment only whole (`env_http_headers`) or as `Bearer ${{VAR}}`: {what} (`{}`) is not written",
                        v.to_dollar()
                    ));
                } else {
                    literal.push((k.clone(), v.to_dollar()));
                }
            }
            if let Some(var) = bearer {
                out.push(("bearer_token_env_var", Value::from(var)));
            }
            if !literal.is_empty() {
                out.push(("http_headers", str_table(literal)));
            }
            if !from_env.is_empty() {
                out.push(("env_http_headers", str_table(from_env)));
            }
        }
        Transport::Sse => {
            notes.push(format!(
                "`codex` has no SSE transport: `{}` is not written; move the server to Streamable HTTP, or use `aimcp mcp sync --via-gateway`",
                e.name
            ));
            return None;
        }
    }
    if !e.enabled {
        out.push(("enabled", Value::from(false)));
    }
    if !e.disabled_tools.is_empty() {
        out.push(("disabled_tools", str_list(e.disabled_tools.iter().cloned())));
    }
    Some(out)
}

impl ClientDoc for CodexDoc {
    fn servers(&self) -> anyhow::Result<Vec<Entry>> {
        let Some(section) = self.section() else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for (name, item) in section.iter() {
            let Some(t) = item.as_table_like() else {
                return Err(self.err(name, "expected a table"));
            };
            let s = |key: &str| -> anyhow::Result<Option<String>> {
                match t.get(key) {
                    None => Ok(None),
                    Some(i) => i
                        .as_str()
                        .map(|s| Some(s.to_string()))
                        .ok_or_else(|| self.err(name, &format!("`{key}`: expected a string"))),
                }
            };
            let list = |key: &str| -> anyhow::Result<Vec<String>> {
                match t.get(key).map(to_json) {
                    None => Ok(Vec::new()),
                    Some(Json::Array(a)) => a
                        .into_iter()
                        .map(|v| match v {
                            Json::String(s) => Ok(s),
                            _ => {
                                Err(self.err(name, &format!("`{key}`: expected a list of strings")))
                            }
                        })
                        .collect(),
                    Some(_) => Err(self.err(name, &format!("`{key}`: expected a list of strings"))),
                }
            };
            let map = |key: &str| -> anyhow::Result<Vec<(String, String)>> {
                match t.get(key).map(to_json) {
                    None => Ok(Vec::new()),
                    Some(Json::Object(m)) => m
                        .into_iter()
                        .map(|(k, v)| match v {
                            Json::String(s) => Ok((k, s)),
                            _ => Err(self.err(name, &format!("`{key}.{k}`: expected a string"))),
                        })
                        .collect(),
                    Some(_) => Err(self.err(name, &format!("`{key}`: expected a table"))),
                }
            };
            let command = s("command")?;
            let url = s("url")?;
            let transport = match (&command, &url) {
                (Some(_), _) => Transport::Stdio,
                (None, Some(_)) => Transport::Http,
                (None, None) => return Err(self.err(name, "neither `command` nor `url`")),
            };
            let mut env: Vec<(String, Text)> = map("env")?
                .into_iter()
                .map(|(k, v)| (k, Text::literal(v)))
                .collect();
            env.extend(list("env_vars")?.into_iter().map(|k| {
                let v = Text::env(k.clone());
                (k, v)
            }));
            let mut headers: Vec<(String, Text)> = Vec::new();
            if let Some(var) = s("bearer_token_env_var")? {
                headers.push((
                    "Authorization".into(),
                    Text(vec![
                        Part::Lit("Bearer ".into()),
                        Part::Env {
                            name: var,
                            default: None,
                        },
                    ]),
                ));
            }
            headers.extend(
                map("http_headers")?
                    .into_iter()
                    .map(|(k, v)| (k, Text::literal(v))),
            );
            headers.extend(
                map("env_http_headers")?
                    .into_iter()
                    .map(|(k, v)| (k, Text::env(v))),
            );
            let enabled = match t.get("enabled") {
                None => true,
                Some(i) => i
                    .as_bool()
                    .ok_or_else(|| self.err(name, "`enabled`: expected true or false"))?,
            };
            out.push(Entry {
                name: name.to_string(),
                transport,
                command: command.map(Text::literal),
                args: list("args")?.into_iter().map(Text::literal).collect(),
                env,
                url: url.as_deref().map(Text::literal),
                headers,
                enabled,
                disabled_tools: list("disabled_tools")?,
            });
        }
        Ok(out)
    }

    fn names(&self) -> Vec<String> {
        self.section()
            .map(|s| s.iter().map(|(k, _)| k.to_string()).collect())
            .unwrap_or_default()
    }

    fn is_gateway(&self, name: &str) -> bool {
        let Some(t) = self
            .section()
            .and_then(|s| s.get(name))
            .and_then(Item::as_table_like)
        else {
            return false;
        };
        let args: Vec<String> = match t.get("args").map(to_json) {
            Some(Json::Array(a)) => a
                .into_iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect(),
            _ => Vec::new(),
        };
        is_gateway_command(t.get("command").and_then(Item::as_str), &args)
    }

    fn write(&mut self, entry: &Entry, notes: &mut Vec<String>) {
        let Some(keys) = render(entry, notes) else {
            self.remove(&entry.name);
            return;
        };
        if !self.doc.contains_key(SECTION) {
            let mut t = Table::new();
            t.set_implicit(true);
            self.doc.insert(SECTION, Item::Table(t));
        }
        let section = self
            .doc
            .get_mut(SECTION)
            .and_then(Item::as_table_like_mut)
            .expect("checked when loaded");
        if section.get(&entry.name).is_none_or(|i| !i.is_table_like()) {
            section.insert(&entry.name, Item::Table(Table::new()));
        }
        let table = section
            .get_mut(&entry.name)
            .and_then(Item::as_table_like_mut)
            .expect("just made");
        for key in OWNED {
            let new = keys.iter().find(|(k, _)| k == key).map(|(_, v)| v);
            let old = table.get(key).map(to_json);
            match (old, new) {
                (Some(old), Some(new)) if old == value_json(new) => {}
                // `enabled = true` says what leaving it out says.
                (Some(Json::Bool(true)), None) if *key == "enabled" => {}
                (Some(_), None) => {
                    table.remove(key);
                }
                (_, Some(new)) => {
                    table.insert(key, Item::Value(new.clone()));
                }
                (None, None) => {}
            }
        }
    }

    fn remove(&mut self, name: &str) -> bool {
        self.doc
            .get_mut(SECTION)
            .and_then(Item::as_table_like_mut)
            .is_some_and(|s| s.remove(name).is_some())
    }

    fn render(&self) -> String {
        self.doc.to_string()
    }

    fn is_changed(&self) -> bool {
        self.original.as_deref() != Some(self.doc.to_string().as_str())
    }
}

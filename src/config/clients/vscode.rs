//! VS Code: `.vscode/mcp.json` in the project, `<config>/Code/User/mcp.json` for the user. Its
//! servers are under `servers` (not the older aimcp `servers` layout: entries have `type`
//! `stdio`/`http`/`sse` and a `command` with separate `args`), beside `inputs` (prompted secrets,
//! kept as they are). `${env:VAR}` is read in every string. VS Code switches servers and tools off
//! in its UI, not in the file: a disabled server is left out, and the tool filter applies only
//! through `aimcp mcp serve`.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::json::{self, Format};
use super::{Client, ClientDoc, ClientId, Entry, Homes, Part, RefStyle, Text};
use crate::config::Transport;

pub struct Vscode;

const ID: ClientId = ClientId::Vscode;

static FORMAT: Format = Format {
    id: ID,
    section: "servers",
    owned: &["type", "command", "args", "env", "url", "headers"],
    render,
    read,
};

fn render(e: &Entry, notes: &mut Vec<String>) -> Option<Map<String, Value>> {
    // A path from the project (`./src`, `.`) is VS Code's `${workspaceFolder}`, as it was read.
    let mut e = e.clone();
    let folder = |t: &mut Text| {
        if let Some(Part::Lit(s)) = t.0.first_mut()
            && (s == "." || s.starts_with("./"))
        {
            *s = format!("${{workspaceFolder}}{}", &s[1..]);
        }
    };
    e.command.iter_mut().for_each(folder);
    e.args.iter_mut().for_each(folder);
    let e = &e;
    let mut m = Map::new();
    m.insert("type".into(), Value::String(e.transport.to_string()));
    match e.transport {
        Transport::Stdio => json::stdio_keys(e, RefStyle::EnvColon, ID, &mut m, notes)?,
        Transport::Http | Transport::Sse => {
            json::remote_keys(e, RefStyle::EnvColon, ID, "url", &mut m, notes)?
        }
    }
    json::no_tool_switch(e, ID, notes);
    Some(m)
}

fn read(name: &str, obj: &Map<String, Value>) -> Result<Entry, String> {
    let mut e = json::read_common(name, obj, true, &[("url", Transport::Http)])?;
    let fix = |t: &mut Text| *t = vscode_variables(t);
    e.command.iter_mut().for_each(fix);
    e.args.iter_mut().for_each(fix);
    e.url.iter_mut().for_each(fix);
    e.env.iter_mut().for_each(|(_, v)| fix(v));
    e.headers.iter_mut().for_each(|(_, v)| fix(v));
    Ok(e)
}

/// VS Code's own variables in the form `.mcp.json` understands: `${workspaceFolder}` is the
/// project, where Claude Code starts a server (`.`); `${input:ID}` (a value VS Code prompts
/// for) becomes the environment variable `${ID}` in upper snake case, to be set in `.env`.
fn vscode_variables(t: &Text) -> Text {
    let mut out: Vec<Part> = Vec::new();
    let push_lit = |out: &mut Vec<Part>, s: &str| {
        if s.is_empty() {
            return;
        }
        match out.last_mut() {
            Some(Part::Lit(l)) => l.push_str(s),
            _ => out.push(Part::Lit(s.to_string())),
        }
    };
    for p in &t.0 {
        match p {
            Part::Env {
                name,
                default: None,
            } if name == "workspaceFolder" => push_lit(&mut out, "."),
            Part::Lit(s) => {
                let mut rest = s.as_str();
                while let Some(at) = rest.find("${input:") {
                    let Some(end) = rest[at..].find('}') else {
                        break;
                    };
                    let id = &rest[at + 8..at + end];
                    let var: String = id
                        .chars()
                        .map(|c| {
                            if c.is_ascii_alphanumeric() {
                                c.to_ascii_uppercase()
                            } else {
                                '_'
                            }
                        })
                        .collect();
                    if var.is_empty() || var.starts_with(|c: char| c.is_ascii_digit()) {
                        push_lit(&mut out, &rest[..at + end + 1]);
                    } else {
                        push_lit(&mut out, &rest[..at]);
                        out.push(Part::Env {
                            name: var,
                            default: None,
                        });
                    }
                    rest = &rest[at + end + 1..];
                }
                push_lit(&mut out, rest);
            }
            other => out.push(other.clone()),
        }
    }
    Text(out)
}

impl Client for Vscode {
    fn id(&self) -> ClientId {
        FORMAT.id
    }
    fn project_path(&self, project: &Path) -> Option<PathBuf> {
        Some(project.join(".vscode/mcp.json"))
    }
    fn user_path(&self, homes: &Homes) -> Option<PathBuf> {
        homes.config.as_ref().map(|c| c.join("Code/User/mcp.json"))
    }
    fn load(&self, path: &Path, text: Option<&str>) -> anyhow::Result<Box<dyn ClientDoc>> {
        json::load(&FORMAT, path, text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vscode_variables_become_what_mcp_json_understands() {
        let t = Text::parse_with("--dir=${workspaceFolder}/data", true);
        assert_eq!(vscode_variables(&t).to_dollar(), "--dir=./data");
        let t = Text::parse_with("Bearer ${input:github-token}", true);
        assert_eq!(vscode_variables(&t).to_dollar(), "Bearer ${GITHUB_TOKEN}");
        let t = Text::parse_with("${env:HOME} ${input:} x", true);
        assert_eq!(vscode_variables(&t).to_dollar(), "${HOME} ${input:} x");
    }
}

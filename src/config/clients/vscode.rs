//! VS Code's own variables, for its row of the JSON table ([`super::json::VSCODE`]):
//! `${workspaceFolder}` is the project, where Claude Code starts a server (`.`); `${input:ID}` is
//! a value VS Code prompts for (declared in the file's `inputs`), which `.mcp.json` reads as the
//! environment variable `${ID}` in upper snake case (set in `.env`), and which `sync` writes back
//! as `${input:ID}` while the file declares that input. No value is ever written for an input.

use serde_json::{Map, Value};

use super::{Entry, Part, Text};

/// A path from the project (`./src`, `.`) is VS Code's `${workspaceFolder}`, as it was read.
pub(super) fn workspace_folder(e: &mut Entry) {
    let folder = |t: &mut Text| {
        if let Some(Part::Lit(s)) = t.0.first_mut()
            && (s == "." || s.starts_with("./"))
        {
            *s = format!("${{workspaceFolder}}{}", &s[1..]);
        }
    };
    e.command.iter_mut().for_each(folder);
    e.args.iter_mut().for_each(folder);
}

/// An entry as read from VS Code's file, in terms `.mcp.json` understands.
pub(super) fn read_variables(e: &mut Entry) {
    let fix = |t: &mut Text| *t = vscode_variables(t);
    e.command.iter_mut().for_each(fix);
    e.args.iter_mut().for_each(fix);
    e.url.iter_mut().for_each(fix);
    e.env.iter_mut().for_each(|(_, v)| fix(v));
    e.headers.iter_mut().for_each(|(_, v)| fix(v));
}

/// The variable `.mcp.json` reads an input as: its ID in upper snake case (None when that is no
/// variable name).
fn input_var(id: &str) -> Option<String> {
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
    (!var.is_empty() && !var.starts_with(|c: char| c.is_ascii_digit())).then_some(var)
}

/// In a rendered entry, `${env:VAR}` where the file's `inputs` declare an ID that reads as `VAR`
/// becomes `${input:ID}` again (the first such input, in file order).
pub(super) fn use_inputs(root: &Map<String, Value>, entry: &mut Map<String, Value>) {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for input in root
        .get("inputs")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(id) = input.get("id").and_then(Value::as_str)
            && let Some(var) = input_var(id)
            && !pairs.iter().any(|(v, _)| *v == var)
        {
            pairs.push((format!("${{env:{var}}}"), format!("${{input:{id}}}")));
        }
    }
    if pairs.is_empty() {
        return;
    }
    fn walk(v: &mut Value, pairs: &[(String, String)]) {
        match v {
            Value::String(s) => {
                for (from, to) in pairs {
                    if s.contains(from.as_str()) {
                        *s = s.replace(from.as_str(), to);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|i| walk(i, pairs)),
            Value::Object(m) => m.values_mut().for_each(|i| walk(i, pairs)),
            _ => {}
        }
    }
    entry.values_mut().for_each(|v| walk(v, &pairs));
}

/// `${workspaceFolder}` becomes `.`; `${input:ID}` becomes `${ID}` in upper snake case.
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
                    match input_var(id) {
                        None => push_lit(&mut out, &rest[..at + end + 1]),
                        Some(var) => {
                            push_lit(&mut out, &rest[..at]);
                            out.push(Part::Env {
                                name: var,
                                default: None,
                            });
                        }
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

    #[test]
    fn declared_inputs_are_written_back_as_inputs() {
        let root: Map<String, Value> = serde_json::from_str(
            r#"{"inputs": [{"id": "github-token"}, {"id": "GITHUB_TOKEN"}, {"id": "9"}]}"#,
        )
        .unwrap();
        let mut entry: Map<String, Value> = serde_json::from_str(
            r#"{"env": {"T": "${env:GITHUB_TOKEN}", "H": "${env:HOME}"}, "args": ["--t=${env:GITHUB_TOKEN}"]}"#,
        )
        .unwrap();
        use_inputs(&root, &mut entry);
        assert_eq!(
            Value::Object(entry),
            serde_json::json!({"env": {"T": "${input:github-token}", "H": "${env:HOME}"}, "args": ["--t=${input:github-token}"]})
        );
    }
}

//! `aimcp mcp add NAME ... (-- COMMAND [ARG]... | URL)`, like `claude mcp add`.
//!
//! A secret-looking `--env` value or `--header` literal never reaches `.mcp.json`: the file gets a
//! `${VAR}` reference and the user is told which variable to set.

use serde_json::json;

use super::list::server_json;
use crate::config::{self, Server, secret};
use crate::error::no;
use crate::printer::Printer;
use crate::settings::Globals;

#[derive(Debug, Clone)]
pub struct Settings {
    pub server: Server,
    pub force: bool,
}

/// A variable the user must set because its value was kept out of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variable {
    pub name: String,
    /// Where it is used: `env KEY` or `header Name`.
    pub used_in: String,
}

pub fn run(globals: &Globals, settings: Settings, printer: &Printer) -> anyhow::Result<()> {
    let Settings { mut server, force } = settings;
    let variables = protect_secrets(&mut server);
    let located = globals.locate_config_to_write()?;
    let replaced = config::edit(&located.path, |file| {
        if file.server(&server.name).is_some() && !force {
            return Err(no(format!(
                "server `{}` already exists in `{}`",
                server.name,
                file.path().display()
            ))
            .hint("pass `--force` to replace it")
            .into());
        }
        Ok(file.upsert(&server))
    })?;

    if printer.is_json() {
        let vars: Vec<_> = variables
            .iter()
            .map(|v| json!({"name": v.name, "used_in": v.used_in}))
            .collect();
        return printer.json(&json!({
            "added": server.name,
            "replaced": replaced,
            "config": located.path,
            "server": server_json(&server, None),
            "variables": vars,
        }));
    }
    printer.info(format!(
        "{} {} server `{}` {} `{}`",
        if replaced { "replaced" } else { "added" },
        server.transport,
        server.name,
        if replaced { "in" } else { "to" },
        located.path.display()
    ));
    for v in &variables {
        printer.warn(format!(
            "the value of {} was not written to `.mcp.json`; it reads `${{{}}}` instead",
            v.used_in, v.name
        ));
    }
    if !variables.is_empty() {
        let names: Vec<&str> = variables.iter().map(|v| v.name.as_str()).collect();
        printer.hint(format!(
            "set {} in your environment (export {}=...) or in the project's `.env` before starting the server",
            names.join(", "),
            names[0]
        ));
    }
    Ok(())
}

/// Replaces secret literals with `${VAR}` references and returns the variables to set.
pub fn protect_secrets(server: &mut Server) -> Vec<Variable> {
    let mut vars = Vec::new();
    for (key, value) in &mut server.env {
        if secret::looks_secret(key) && secret::has_literal(value) {
            *value = format!("${{{key}}}");
            vars.push(Variable {
                name: key.clone(),
                used_in: format!("env `{key}`"),
            });
        }
    }
    for (name, value) in &mut server.headers {
        if secret::looks_secret(name) && secret::has_literal(value) {
            let var = header_variable(&server.name, name);
            let scheme = value
                .split_once(' ')
                .map(|(s, _)| s.to_string())
                .filter(|s| {
                    ["bearer", "basic", "token", "bot"].contains(&s.to_ascii_lowercase().as_str())
                });
            *value = match &scheme {
                Some(s) => format!("{s} ${{{var}}}"),
                None => format!("${{{var}}}"),
            };
            let used_in = match scheme {
                Some(s) => format!("header `{name}` (the part after `{s}`)"),
                None => format!("header `{name}`"),
            };
            vars.push(Variable { name: var, used_in });
        }
    }
    vars
}

/// `WEB_AUTHORIZATION` for server `web`, header `Authorization`.
fn header_variable(server: &str, header: &str) -> String {
    format!("{server}_{header}")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Transport;

    #[test]
    fn secret_literals_become_references() {
        let mut s = Server::remote("web", Transport::Http, "https://x/mcp");
        s.headers = vec![
            ("Authorization".into(), "Bearer sk-123".into()),
            ("X-Api-Key".into(), "${MY_KEY}".into()),
            ("Accept".into(), "text/plain".into()),
        ];
        let vars = protect_secrets(&mut s);
        assert_eq!(s.headers[0].1, "Bearer ${WEB_AUTHORIZATION}");
        assert_eq!(s.headers[1].1, "${MY_KEY}");
        assert_eq!(s.headers[2].1, "text/plain");
        assert_eq!(vars.len(), 1);

        let mut s = Server::stdio("gh", "npx", vec![]);
        s.env = vec![
            ("GITHUB_TOKEN".into(), "ghp_abc".into()),
            ("DEBUG".into(), "1".into()),
        ];
        let vars = protect_secrets(&mut s);
        assert_eq!(s.env[0].1, "${GITHUB_TOKEN}");
        assert_eq!(s.env[1].1, "1");
        assert_eq!(vars[0].name, "GITHUB_TOKEN");
    }
}

//! `${VAR}` and `${VAR:-default}` expansion, done when a server is started or contacted and
//! never applied to what is written. Values come from the environment first, then from the
//! project's `.env` file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use anyhow::Context;

use crate::error::usage;

/// Looks variables up in the process environment, then in a project `.env` (read once, lazily).
#[derive(Debug, Default)]
pub struct EnvResolver {
    dotenv_path: Option<PathBuf>,
    dotenv: OnceLock<Result<HashMap<String, String>, String>>,
    overrides: HashMap<String, String>,
}

impl EnvResolver {
    /// A resolver that reads `<dir>/.env` after the environment.
    pub fn for_project(dir: &Path) -> Self {
        EnvResolver {
            dotenv_path: Some(dir.join(".env")),
            ..Default::default()
        }
    }

    /// A resolver that reads the environment only.
    pub fn environment_only() -> Self {
        EnvResolver::default()
    }

    /// Values that win over the environment and `.env` (used for values given on the command
    /// line that are not stored anywhere).
    pub fn with_overrides(mut self, values: impl IntoIterator<Item = (String, String)>) -> Self {
        self.overrides.extend(values);
        self
    }

    /// The `.env` file this resolver reads, if any.
    pub fn dotenv_path(&self) -> Option<&Path> {
        self.dotenv_path.as_deref()
    }

    fn dotenv(&self) -> anyhow::Result<&HashMap<String, String>> {
        let loaded = self.dotenv.get_or_init(|| match &self.dotenv_path {
            Some(path) if path.is_file() => read_dotenv(path).map_err(|e| format!("{e:#}")),
            _ => Ok(HashMap::new()),
        });
        loaded.as_ref().map_err(|e| anyhow::anyhow!("{e}"))
    }

    /// The value of a variable, if set.
    pub fn get(&self, name: &str) -> anyhow::Result<Option<String>> {
        if let Some(v) = self.overrides.get(name) {
            return Ok(Some(v.clone()));
        }
        if let Ok(v) = std::env::var(name) {
            return Ok(Some(v));
        }
        Ok(self.dotenv()?.get(name).cloned())
    }

    /// Expands `${VAR}` and `${VAR:-default}` in one value of server `server`.
    pub fn expand(&self, value: &str, server: &str) -> anyhow::Result<String> {
        expand(value, server, |name| self.get(name))
    }
}

/// Reads a `.env` file into a map.
pub fn read_dotenv(path: &Path) -> anyhow::Result<HashMap<String, String>> {
    let mut map = HashMap::new();
    let iter = dotenvy::from_path_iter(path)
        .with_context(|| format!("cannot read `{}`", path.display()))?;
    for item in iter {
        let (k, v) = item.with_context(|| format!("cannot parse `{}`", path.display()))?;
        map.insert(k, v);
    }
    Ok(map)
}

/// Expands `${VAR}` and `${VAR:-default}` in `value`, looking variables up with `lookup`.
/// `$$` is not special; a `$` not followed by `{` is kept as it is. An unset variable without a
/// default is an error naming the variable and the server.
pub fn expand(
    value: &str,
    server: &str,
    lookup: impl Fn(&str) -> anyhow::Result<Option<String>>,
) -> anyhow::Result<String> {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            return Err(usage(format!("server `{server}`: unclosed `${{` in `{value}`")).into());
        };
        let inner = &after[..end];
        let (name, default) = match inner.split_once(":-") {
            Some((n, d)) => (n, Some(d)),
            None => (inner, None),
        };
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(usage(format!(
                "server `{server}`: `${{{inner}}}` is not a valid variable reference"
            ))
            .into());
        }
        match lookup(name)? {
            Some(v) if !(v.is_empty() && default.is_some()) => out.push_str(&v),
            _ => match default {
                Some(d) => out.push_str(d),
                None => {
                    return Err(usage(format!(
                        "server `{server}` needs the environment variable `{name}`, which is not set"
                    ))
                    .hint(format!(
                        "export {name}=... or add `{name}=...` to the project's `.env`"
                    ))
                    .into());
                }
            },
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(name: &str) -> anyhow::Result<Option<String>> {
        Ok(match name {
            "TOKEN" => Some("abc".into()),
            "EMPTY" => Some(String::new()),
            _ => None,
        })
    }

    #[test]
    fn expands_references_and_defaults() {
        assert_eq!(
            expand("Bearer ${TOKEN}", "s", lookup).unwrap(),
            "Bearer abc"
        );
        assert_eq!(expand("${MISSING:-x}/y", "s", lookup).unwrap(), "x/y");
        assert_eq!(expand("${EMPTY:-d}", "s", lookup).unwrap(), "d");
        assert_eq!(expand("${EMPTY}", "s", lookup).unwrap(), "");
        assert_eq!(expand("$HOME and $", "s", lookup).unwrap(), "$HOME and $");
    }

    #[test]
    fn an_unset_variable_names_itself_and_the_server() {
        let err = expand("${NOPE}", "github", lookup).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("`NOPE`") && text.contains("`github`"),
            "{text}"
        );
        assert_eq!(crate::error::exit_code(&err), 2);
    }

    #[test]
    fn dotenv_comes_after_the_environment() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(".env"),
            "AIMCP_TEST_ONLY_IN_DOTENV=from-file\nPATH=nope\n",
        )
        .unwrap();
        let r = EnvResolver::for_project(dir.path());
        assert_eq!(
            r.get("AIMCP_TEST_ONLY_IN_DOTENV").unwrap().as_deref(),
            Some("from-file")
        );
        assert_ne!(r.get("PATH").unwrap().as_deref(), Some("nope"));
    }
}

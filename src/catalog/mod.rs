//! The `aimcp mcp setup` catalog, as data.
//!
//! The built-in entries live in `catalog.json` beside this file; a user's
//! `<config dir>/aimcp/catalog.json` (same shape) is merged over them: an entry with the same id
//! replaces the built-in one, new ids are added. The `deprecated` table maps archived packages to
//! the entry that replaces them ([`replacement_for`]).
//!
//! A variant's templates (`args`, `run_args`, `env`, `headers`, `url`) refer to settings as
//! `{{NAME}}`. [`Variant::render`] turns them into a [`Server`]: a secret becomes `${NAME}` (its
//! value goes to `.env`, never to `.mcp.json`), any other setting its value; an element that refers
//! to an optional setting left empty is dropped (an array inside `args` is one element).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::{Deserialize, Serialize};

pub mod install;

use crate::config::{Server, Transport};
use crate::error::usage;

const BUILT_IN: &str = include_str!("catalog.json");

/// The whole catalog: entries and the deprecation map.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    #[serde(default)]
    pub entries: Vec<Entry>,
    #[serde(default)]
    pub deprecated: Vec<Deprecation>,
}

/// One server the wizard can set up.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub id: String,
    pub name: String,
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docs: Option<String>,
    #[serde(default)]
    pub settings: Vec<Setting>,
    pub variants: Vec<Variant>,
}

/// What kind of value a setting holds; decides the prompt and the validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    #[default]
    Text,
    /// One path that must exist.
    Path,
    /// Comma-separated paths that must exist; one argument each.
    Paths,
    /// Yes or no: `true`, or left out.
    Bool,
    /// An IANA time zone name (`Europe/Paris`), checked against the time zone database.
    #[serde(rename = "timezone")]
    TimeZone,
}

/// A value the entry needs from the user.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Setting {
    /// The name: `--env NAME=...` and, for secrets, the variable in `.env`.
    pub name: String,
    pub prompt: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    #[serde(default)]
    pub secret: bool,
    #[serde(default)]
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    #[serde(default)]
    pub kind: Kind,
}

/// How an entry runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Runner {
    /// An npm package, run with `npx -y`.
    Npm,
    /// A PyPI package, run with `uvx`, else from a virtual environment aimcp makes.
    Pypi,
    /// A Docker image, run with `docker run -i --rm`.
    Docker,
    /// A remote endpoint (http or sse).
    Remote,
}

impl Runner {
    pub fn as_str(self) -> &'static str {
        match self {
            Runner::Npm => "npm",
            Runner::Pypi => "pypi",
            Runner::Docker => "docker",
            Runner::Remote => "remote",
        }
    }
}

/// An argument template: one word, or words that stay or go together.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ArgTemplate {
    One(String),
    Group(Vec<String>),
}

/// How a variant signs in to its server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Auth {
    /// Nothing, or what its settings give it (an API key in the environment).
    #[default]
    None,
    /// A personal access token, pasted at setup into `.env` and sent as a header.
    Pat,
    /// OAuth 2.1: a sign-in in the browser at setup (`aimcp mcp login`), no token to paste.
    Oauth,
}

impl Auth {
    pub fn as_str(self) -> &'static str {
        match self {
            Auth::None => "none",
            Auth::Pat => "pat",
            Auth::Oauth => "oauth",
        }
    }
}

/// One way an entry runs.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variant {
    pub id: String,
    pub description: String,
    pub runner: Runner,
    /// How it signs in (`oauth`, `pat`, `none`).
    #[serde(default)]
    pub auth: Auth,
    /// npm or PyPI package, or Docker image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    /// The PyPI package's executable, when it differs from the package name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bin: Option<String>,
    /// Docker options before the image.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub run_args: Vec<ArgTemplate>,
    /// Arguments after the package or image.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<ArgTemplate>,
    #[serde(default, skip_serializing_if = "Vec::is_empty", with = "pairs")]
    pub env: Vec<(String, String)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transport: Option<Transport>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty", with = "pairs")]
    pub headers: Vec<(String, String)>,
}

/// An archived package and the entry that replaces it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deprecation {
    /// npm package or Docker image.
    pub package: String,
    /// The catalog entry to use instead.
    pub replacement: String,
    pub reason: String,
}

/// JSON objects as ordered pairs of strings.
mod pairs {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(v: &[(String, String)], s: S) -> Result<S::Ok, S::Error> {
        let map: serde_json::Map<String, serde_json::Value> = v
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
            .collect();
        map.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<(String, String)>, D::Error> {
        let map = serde_json::Map::<String, serde_json::Value>::deserialize(d)?;
        map.into_iter()
            .map(|(k, v)| match v {
                serde_json::Value::String(s) => Ok((k, s)),
                other => Err(serde::de::Error::custom(format!(
                    "`{k}` must be a string, not {other}"
                ))),
            })
            .collect()
    }
}

impl Catalog {
    /// The built-in catalog alone.
    pub fn built_in() -> Catalog {
        serde_json::from_str(BUILT_IN).expect("the built-in catalog is valid JSON")
    }

    /// The built-in catalog with the user's file merged over it.
    pub fn load() -> anyhow::Result<Catalog> {
        let mut catalog = Catalog::built_in();
        if let Some(path) = user_catalog_path()
            && path.is_file()
        {
            catalog.merge(Catalog::read(&path)?);
        }
        Ok(catalog)
    }

    /// Reads and checks a catalog file.
    pub fn read(path: &Path) -> anyhow::Result<Catalog> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read `{}`", path.display()))?;
        let catalog: Catalog = serde_json::from_str(&text).map_err(|e| {
            usage(format!(
                "invalid catalog `{}` at line {}, column {}: {}",
                path.display(),
                e.line(),
                e.column(),
                strip_position(&e.to_string())
            ))
        })?;
        catalog
            .check()
            .map_err(|msg| usage(format!("invalid catalog `{}`: {msg}", path.display())))?;
        Ok(catalog)
    }

    /// Entries of `other` replace those with the same id; new ones are added.
    pub fn merge(&mut self, other: Catalog) {
        for entry in other.entries {
            match self.entries.iter_mut().find(|e| e.id == entry.id) {
                Some(slot) => *slot = entry,
                None => self.entries.push(entry),
            }
        }
        for dep in other.deprecated {
            self.deprecated.retain(|d| d.package != dep.package);
            self.deprecated.push(dep);
        }
    }

    pub fn entry(&self, id: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.id == id)
    }

    /// The archived package a server runs and the entry that replaces it, if any.
    pub fn replacement_for(&self, server: &Server) -> Option<&Deprecation> {
        let words: Vec<&str> = server
            .command
            .iter()
            .map(String::as_str)
            .chain(server.args.iter().map(String::as_str))
            .collect();
        self.deprecated.iter().find(|d| {
            words.iter().any(|w| {
                *w == d.package
                    || w.strip_prefix(d.package.as_str())
                        .is_some_and(|rest| rest.starts_with('@') || rest.starts_with(':'))
            })
        })
    }

    /// Checks what serde cannot: ids, variants, settings the templates name.
    fn check(&self) -> Result<(), String> {
        for e in &self.entries {
            if !crate::config::valid_name(&e.id) {
                return Err(format!(
                    "entry id `{}` must be letters, digits, `-` and `_`",
                    e.id
                ));
            }
            if e.variants.is_empty() {
                return Err(format!("entry `{}` has no variants", e.id));
            }
            for s in &e.settings {
                if s.name.is_empty()
                    || !s
                        .name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_')
                {
                    return Err(format!(
                        "entry `{}`: setting name `{}` must be letters, digits and `_`",
                        e.id, s.name
                    ));
                }
            }
            for v in &e.variants {
                let needs_package = matches!(v.runner, Runner::Npm | Runner::Pypi | Runner::Docker);
                if needs_package && v.package.as_deref().is_none_or(str::is_empty) {
                    return Err(format!(
                        "entry `{}` variant `{}`: runner `{}` needs `package`",
                        e.id,
                        v.id,
                        v.runner.as_str()
                    ));
                }
                if v.runner == Runner::Remote && v.url.is_none() {
                    return Err(format!(
                        "entry `{}` variant `{}`: runner `remote` needs `url`",
                        e.id, v.id
                    ));
                }
                for name in v.referenced() {
                    if !e.settings.iter().any(|s| s.name == name) {
                        return Err(format!(
                            "entry `{}` variant `{}` refers to `{{{{{name}}}}}`, which is not one of its settings",
                            e.id, v.id
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}

fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(at) => msg[..at].to_string(),
        None => msg.to_string(),
    }
}

/// `<config dir>/aimcp/catalog.json` (`$XDG_CONFIG_HOME` or `~/.config` on Linux).
pub fn user_catalog_path() -> Option<PathBuf> {
    dirs::config_dir().map(|d| d.join("aimcp").join("catalog.json"))
}

/// The archived package a server runs and the entry that replaces it, from the built-in map and
/// the user's catalog (falling back to the built-in one when the user's file is broken).
pub fn replacement_for(server: &Server) -> Option<Deprecation> {
    static CATALOG: std::sync::OnceLock<Catalog> = std::sync::OnceLock::new();
    CATALOG
        .get_or_init(|| Catalog::load().unwrap_or_else(|_| Catalog::built_in()))
        .replacement_for(server)
        .cloned()
}

impl Entry {
    pub fn variant(&self, id: &str) -> Option<&Variant> {
        self.variants.iter().find(|v| v.id == id)
    }

    pub fn setting(&self, name: &str) -> Option<&Setting> {
        self.settings.iter().find(|s| s.name == name)
    }

    /// The settings a variant uses, in the entry's order.
    pub fn settings_for(&self, variant: &Variant) -> Vec<&Setting> {
        let used = variant.referenced();
        self.settings
            .iter()
            .filter(|s| used.contains(&s.name))
            .collect()
    }
}

/// `{{NAME}}` references in a template.
fn references(template: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        match after.find("}}") {
            Some(end) => {
                out.push(after[..end].trim().to_string());
                rest = &after[end + 2..];
            }
            None => break,
        }
    }
    out
}

/// What a variant needs to become a server: each setting's value (absent or empty = left out),
/// and which settings are secret.
pub struct Values<'a> {
    pub entry: &'a Entry,
    pub values: &'a HashMap<String, String>,
}

impl Values<'_> {
    /// The text `{{NAME}}` becomes, or None when the setting is empty.
    fn lookup(&self, name: &str) -> Option<String> {
        let setting = self.entry.setting(name)?;
        let value = self.values.get(name).map(String::as_str).unwrap_or("");
        if setting.secret {
            // A secret is referenced, never written; it is left out only when optional and unset.
            return (setting.required || !value.is_empty()).then(|| format!("${{{name}}}"));
        }
        let value = match setting.kind {
            Kind::Bool => match value {
                "true" => "true",
                _ => "",
            },
            _ => value,
        };
        (!value.is_empty()).then(|| value.to_string())
    }

    /// Fills a template; None when it refers to an empty setting.
    fn fill(&self, template: &str) -> Option<String> {
        let mut out = String::new();
        let mut rest = template;
        while let Some(start) = rest.find("{{") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find("}}") else {
                break;
            };
            out.push_str(&self.lookup(after[..end].trim())?);
            rest = &after[end + 2..];
        }
        out.push_str(rest);
        Some(out)
    }

    fn fill_args(&self, templates: &[ArgTemplate]) -> Vec<String> {
        let mut out = Vec::new();
        for t in templates {
            match t {
                ArgTemplate::One(word) => {
                    // A whole-word `{{NAME}}` of a `paths` setting becomes one argument a path.
                    let refs = references(word);
                    if let [name] = refs.as_slice()
                        && word.trim() == format!("{{{{{name}}}}}")
                        && self
                            .entry
                            .setting(name)
                            .is_some_and(|s| s.kind == Kind::Paths && !s.secret)
                    {
                        let value = self.values.get(name).map(String::as_str).unwrap_or("");
                        out.extend(split_paths(value));
                        continue;
                    }
                    if let Some(w) = self.fill(word) {
                        out.push(w);
                    }
                }
                ArgTemplate::Group(words) => {
                    let filled: Option<Vec<String>> = words.iter().map(|w| self.fill(w)).collect();
                    if let Some(f) = filled {
                        out.extend(f);
                    }
                }
            }
        }
        out
    }

    fn fill_pairs(&self, templates: &[(String, String)]) -> Vec<(String, String)> {
        templates
            .iter()
            .filter_map(|(k, v)| self.fill(v).map(|v| (k.clone(), v)))
            .collect()
    }
}

/// `a, b,c` -> `["a", "b", "c"]`.
pub fn split_paths(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(String::from)
        .collect()
}

/// How a PyPI package is run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PypiLaunch {
    Uvx,
    /// The executable inside a virtual environment.
    Venv(PathBuf),
}

impl Variant {
    /// Every setting the templates refer to.
    pub fn referenced(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut add = |t: &str| {
            for r in references(t) {
                if !out.contains(&r) {
                    out.push(r);
                }
            }
        };
        for t in self.run_args.iter().chain(&self.args) {
            match t {
                ArgTemplate::One(w) => add(w),
                ArgTemplate::Group(ws) => ws.iter().for_each(|w| add(w)),
            }
        }
        for (_, v) in self.env.iter().chain(&self.headers) {
            add(v);
        }
        if let Some(u) = &self.url {
            add(u);
        }
        out
    }

    /// The PyPI executable name.
    pub fn bin(&self) -> &str {
        self.bin
            .as_deref()
            .or(self.package.as_deref())
            .unwrap_or_default()
    }

    /// The server this variant writes. `version` pins an npm package; `pypi` says how a PyPI
    /// package runs.
    pub fn render(
        &self,
        name: &str,
        values: &Values<'_>,
        version: Option<&str>,
        pypi: &PypiLaunch,
    ) -> Server {
        let package = self.package.clone().unwrap_or_default();
        let args = values.fill_args(&self.args);
        let env = values.fill_pairs(&self.env);
        let mut server = match self.runner {
            Runner::Npm => {
                let spec = match version {
                    Some(v) => format!("{package}@{v}"),
                    None => package,
                };
                let mut a = vec!["-y".to_string(), spec];
                a.extend(args);
                Server::stdio(name, "npx", a)
            }
            Runner::Pypi => match pypi {
                PypiLaunch::Uvx => {
                    let mut a = Vec::new();
                    if self.bin() != package {
                        a.extend(["--from".to_string(), package.clone()]);
                    }
                    a.push(self.bin().to_string());
                    a.extend(args);
                    Server::stdio(name, "uvx", a)
                }
                PypiLaunch::Venv(exe) => Server::stdio(name, exe.display().to_string(), args),
            },
            Runner::Docker => {
                let mut a = vec!["run".to_string(), "-i".into(), "--rm".into()];
                a.extend(values.fill_args(&self.run_args));
                a.push(package);
                a.extend(args);
                Server::stdio(name, "docker", a)
            }
            Runner::Remote => {
                let url = self
                    .url
                    .as_deref()
                    .and_then(|u| values.fill(u))
                    .unwrap_or_default();
                let mut s = Server::remote(name, self.transport.unwrap_or(Transport::Http), url);
                s.headers = values.fill_pairs(&self.headers);
                s
            }
        };
        if server.transport == Transport::Stdio {
            server.env = env;
        }
        server
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_docker_images_are_pinned_to_a_version() {
        for e in &Catalog::built_in().entries {
            for v in e.variants.iter().filter(|v| v.runner == Runner::Docker) {
                let image = v.package.as_deref().unwrap_or("");
                let tag = image.rsplit_once(':').map(|(_, t)| t).unwrap_or("");
                assert!(
                    !tag.is_empty() && tag != "latest" && !tag.contains('/'),
                    "`{}` ({}) runs `{image}`: pin a version tag",
                    e.id,
                    v.id
                );
            }
        }
    }

    fn render(entry: &str, variant: &str, values: &[(&str, &str)]) -> Server {
        let catalog = Catalog::built_in();
        let entry = catalog.entry(entry).unwrap();
        let variant = entry.variant(variant).unwrap();
        let values: HashMap<String, String> = values
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        variant.render(
            &entry.id,
            &Values {
                entry,
                values: &values,
            },
            None,
            &PypiLaunch::Uvx,
        )
    }

    #[test]
    fn the_built_in_catalog_is_valid_and_complete() {
        let catalog = Catalog::built_in();
        catalog.check().unwrap();
        for id in [
            "sequential-thinking",
            "github",
            "brave-search",
            "filesystem",
            "memory",
            "fetch",
            "time",
            "git",
            "playwright",
            "context7",
            "everything",
        ] {
            assert!(catalog.entry(id).is_some(), "{id} missing");
        }
        let offered: Vec<String> = catalog
            .entries
            .iter()
            .flat_map(|e| e.variants.iter().filter_map(|v| v.package.clone()))
            .collect();
        for d in &catalog.deprecated {
            assert!(!offered.contains(&d.package), "{} is archived", d.package);
            assert!(catalog.entry(&d.replacement).is_some(), "{}", d.replacement);
        }
    }

    #[test]
    fn secrets_become_references_and_empty_options_drop_out() {
        let s = render(
            "github",
            "remote",
            &[("GITHUB_PERSONAL_ACCESS_TOKEN", "ghp_secret")],
        );
        assert_eq!(s.transport, Transport::Http);
        assert_eq!(s.url.as_deref(), Some("https://api.githubcopilot.com/mcp/"));
        assert_eq!(
            s.headers,
            vec![(
                "Authorization".to_string(),
                "Bearer ${GITHUB_PERSONAL_ACCESS_TOKEN}".to_string()
            )]
        );
        let s = render(
            "github",
            "docker",
            &[
                ("GITHUB_PERSONAL_ACCESS_TOKEN", "ghp_secret"),
                ("GITHUB_TOOLSETS", "repos,issues"),
                ("GITHUB_READ_ONLY", "true"),
            ],
        );
        assert_eq!(s.command.as_deref(), Some("docker"));
        assert_eq!(
            s.args,
            [
                "run",
                "-i",
                "--rm",
                "-e",
                "GITHUB_PERSONAL_ACCESS_TOKEN",
                "-e",
                "GITHUB_TOOLSETS=repos,issues",
                "-e",
                "GITHUB_READ_ONLY=true",
                "ghcr.io/github/github-mcp-server:v1.11.0"
            ]
        );
        assert_eq!(
            s.env,
            vec![(
                "GITHUB_PERSONAL_ACCESS_TOKEN".to_string(),
                "${GITHUB_PERSONAL_ACCESS_TOKEN}".to_string()
            )]
        );
        assert!(!format!("{s:?}").contains("ghp_secret"));
    }

    #[test]
    fn paths_become_one_argument_each() {
        let s = render("filesystem", "npx", &[("ALLOWED_DIRS", "./src, docs")]);
        assert_eq!(
            s.args,
            [
                "-y",
                "@modelcontextprotocol/server-filesystem",
                "./src",
                "docs"
            ]
        );
        let s = render("time", "pypi", &[]);
        assert_eq!(s.command.as_deref(), Some("uvx"));
        assert_eq!(s.args, ["mcp-server-time"]);
    }

    #[test]
    fn archived_packages_name_their_replacement() {
        let catalog = Catalog::built_in();
        let old = Server::stdio(
            "gh",
            "npx",
            vec![
                "-y".into(),
                "@modelcontextprotocol/server-github@1.0.0".into(),
            ],
        );
        assert_eq!(
            catalog
                .replacement_for(&old)
                .map(|d| d.replacement.as_str()),
            Some("github")
        );
        let new = render("brave-search", "npx", &[("BRAVE_API_KEY", "x")]);
        assert!(catalog.replacement_for(&new).is_none());
    }

    #[test]
    fn a_user_catalog_is_merged_over_the_built_in_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("catalog.json");
        std::fs::write(
            &path,
            r#"{"entries":[{"id":"time","name":"My time","description":"mine",
               "variants":[{"id":"npx","description":"d","runner":"npm","package":"my-time"}]},
              {"id":"extra","name":"Extra","description":"new",
               "variants":[{"id":"r","description":"d","runner":"remote","url":"https://x.test/mcp"}]}]}"#,
        )
        .unwrap();
        let mut catalog = Catalog::built_in();
        let n = catalog.entries.len();
        catalog.merge(Catalog::read(&path).unwrap());
        assert_eq!(catalog.entries.len(), n + 1);
        assert_eq!(catalog.entry("time").unwrap().name, "My time");
        assert!(catalog.entry("extra").is_some());
    }

    #[test]
    fn a_broken_user_catalog_names_file_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("catalog.json");
        std::fs::write(&path, "{\"entries\": [\n  {\"id\": 3}\n]}").unwrap();
        let err = Catalog::read(&path).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("catalog.json") && text.contains("line 2"),
            "{text}"
        );
        assert_eq!(crate::error::exit_code(&err), 2);
        std::fs::write(
            &path,
            r#"{"entries":[{"id":"x","name":"X","description":"d",
               "variants":[{"id":"v","description":"d","runner":"npm","package":"p","args":["{{NOPE}}"]}]}]}"#,
        )
        .unwrap();
        let text = Catalog::read(&path).unwrap_err().to_string();
        assert!(text.contains("NOPE"), "{text}");
    }
}

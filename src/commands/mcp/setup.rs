//! `aimcp mcp setup`: from a catalog entry to a tested server in `.mcp.json`.
//!
//! The same flow runs at a terminal (prompts for what the flags left out) and without one (a
//! missing required setting is exit 2 naming the flag). Order: entry, variant, name, settings,
//! summary and confirmation; then prerequisites, install, secrets into `.env`, `.mcp.json`,
//! test and discover. Nothing is written before the install succeeded; a cancel at any prompt
//! exits 130 with nothing written.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::json;

use crate::catalog::install::{self, Installer};
use crate::catalog::{Catalog, Entry, Kind, PypiLaunch, Runner, Setting, Values, Variant};
use crate::commands::mcp::{discover, test};
use crate::config::secret::{has_literal, looks_secret};
use crate::config::{self, ConfigFile, EnvResolver, Server, Transport, dotenv, valid_name};
use crate::error::{cancelled, no, usage};
use crate::printer::Printer;
use crate::prompt::{InquirePrompter, Prompter};
use crate::settings::Globals;

#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub entry: Option<String>,
    pub variant: Option<String>,
    pub name: Option<String>,
    pub env: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub args: Vec<String>,
    pub yes: bool,
    pub install: bool,
    pub pin: bool,
    pub test: bool,
    pub discover: bool,
    pub store_secrets: bool,
}

/// Testing and discovering a server once it is written (the MCP client; a fake in unit tests).
pub trait Checks {
    fn test(&self, globals: &Globals, name: &str, printer: &Printer) -> anyhow::Result<()>;
    fn discover(&self, globals: &Globals, name: &str, printer: &Printer) -> anyhow::Result<()>;
}

/// `aimcp mcp test NAME` and `aimcp mcp discover NAME`.
pub struct McpClient;

impl Checks for McpClient {
    fn test(&self, globals: &Globals, name: &str, printer: &Printer) -> anyhow::Result<()> {
        test::run(
            globals,
            test::Settings {
                names: vec![name.to_string()],
                timeout: None,
                ad_hoc: None,
            },
            printer,
        )
    }

    fn discover(&self, globals: &Globals, name: &str, printer: &Printer) -> anyhow::Result<()> {
        discover::run(
            globals,
            discover::Settings {
                names: vec![name.to_string()],
                check: false,
                timeout: None,
                concurrency: None,
            },
            printer,
        )
    }
}

/// What the flow runs on: prompts (None without a terminal), the machine, the MCP client.
pub struct Deps<'a> {
    pub prompter: Option<&'a mut dyn Prompter>,
    pub installer: &'a mut dyn Installer,
    pub checks: &'a dyn Checks,
}

pub fn run(globals: &Globals, settings: Settings, printer: &Printer) -> anyhow::Result<()> {
    let catalog = Catalog::load()?;
    let mut inquire = InquirePrompter;
    let mut system = install::System;
    let deps = Deps {
        prompter: if printer.is_interactive() {
            Some(&mut inquire)
        } else {
            None
        },
        installer: &mut system,
        checks: &McpClient,
    };
    setup(globals, settings, printer, &catalog, deps)
}

/// The whole flow.
pub fn setup(
    globals: &Globals,
    s: Settings,
    printer: &Printer,
    catalog: &Catalog,
    mut deps: Deps<'_>,
) -> anyhow::Result<()> {
    let located = globals.locate_config()?;
    let file = ConfigFile::load(&located.path)?;
    let project = located
        .path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| globals.project_dir.clone());
    let config_name = display_path(&located.path, &globals.project_dir);

    for server in file.servers() {
        if let Some(d) = catalog.replacement_for(server) {
            printer.warn(format!(
                "server `{}` runs `{}` ({}); the `{}` entry replaces it: `aimcp mcp setup {}`",
                server.name, d.package, d.reason, d.replacement, d.replacement
            ));
        }
    }

    // 1. The entry.
    let entry = match &s.entry {
        Some(id) => catalog
            .entry(id)
            .ok_or_else(|| unknown_entry(catalog, id))?,
        None => match deps.prompter.as_deref_mut() {
            Some(p) => {
                let options: Vec<String> = catalog
                    .entries
                    .iter()
                    .map(|e| format!("{:<20} {}", e.id, e.description))
                    .collect();
                &catalog.entries[p.select("Which server do you want to set up?", &options, 0)?]
            }
            None => {
                return Err(usage("missing the catalog entry to set up")
                    .hint("`aimcp mcp setup ENTRY`; `aimcp mcp catalog` lists the entries")
                    .into());
            }
        },
    };

    // 2. The variant.
    let variant: &Variant = match &s.variant {
        Some(v) => entry.variant(v).ok_or_else(|| {
            usage(format!("entry `{}` has no variant `{v}`", entry.id)).hint(format!(
                "its variants: {}",
                entry
                    .variants
                    .iter()
                    .map(|v| v.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })?,
        None if entry.variants.len() == 1 || s.yes => &entry.variants[0],
        None => match deps.prompter.as_deref_mut() {
            Some(p) => {
                let options: Vec<String> = entry
                    .variants
                    .iter()
                    .map(|v| format!("{:<10} {}", v.id, v.description))
                    .collect();
                &entry.variants
                    [p.select(&format!("How should `{}` run?", entry.id), &options, 0)?]
            }
            None => &entry.variants[0],
        },
    };

    // 3. The server's name.
    let name = loop {
        let candidate = match (&s.name, deps.prompter.as_deref_mut()) {
            (Some(n), _) => n.clone(),
            (None, Some(p)) if !s.yes => p.text(
                "Name in .mcp.json",
                Some(&entry.id),
                Some("letters, digits, `-` and `_`"),
                &|n: &str| {
                    if valid_name(n) {
                        Ok(())
                    } else {
                        Err("use letters, digits, `-` and `_`".to_string())
                    }
                },
            )?,
            (None, _) => entry.id.clone(),
        };
        if file.server(&candidate).is_none() || s.yes {
            break candidate;
        }
        match deps.prompter.as_deref_mut() {
            Some(p) => {
                let replace = p.confirm(
                    &format!("`{candidate}` is already in {config_name}; replace it?"),
                    false,
                )?;
                if replace {
                    break candidate;
                }
                if s.name.is_some() {
                    return Err(cancelled().into());
                }
            }
            None => {
                return Err(no(format!(
                    "server `{candidate}` already exists in `{config_name}`"
                ))
                .hint("pass `--yes` to replace it, or `--name NAME` to add it under another name")
                .into());
            }
        }
    };

    // 4. The settings.
    let given: HashMap<&str, &str> = s
        .env
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let resolver = EnvResolver::for_project(&project);
    let mut values: HashMap<String, String> = HashMap::new();
    let mut secrets: Vec<(String, String)> = Vec::new();
    let mut from_env: Vec<String> = Vec::new();
    for setting in entry.settings_for(variant) {
        let key = setting.name.as_str();
        let value = if let Some(v) = given.get(key) {
            check_value(setting, v, &project)
                .map_err(|m| usage(format!("invalid `--env {key}=...`: {m}")))?;
            v.to_string()
        } else if setting.secret
            && resolver
                .get(key)
                .ok()
                .flatten()
                .is_some_and(|v| !v.is_empty())
        {
            from_env.push(key.to_string());
            printer.info(format!("using `{key}` from the environment or `.env`"));
            values.insert(key.to_string(), "(set)".into());
            continue;
        } else if let Some(p) = deps
            .prompter
            .as_deref_mut()
            .filter(|_| !s.yes || (setting.required && setting.default.is_none()))
        {
            ask(p, setting, &project)?
        } else if let Some(d) = &setting.default {
            d.clone()
        } else if setting.required {
            return Err(usage(format!(
                "`{}` needs `{key}` ({})",
                entry.id,
                setting.prompt.to_lowercase()
            ))
            .hint(format!(
                "pass `--env {key}=...`{}",
                if setting.secret {
                    format!(", or export `{key}` or put it in `.env`")
                } else {
                    String::new()
                }
            ))
            .into());
        } else {
            String::new()
        };
        if setting.secret && !value.is_empty() {
            secrets.push((key.to_string(), value.clone()));
        }
        values.insert(key.to_string(), value);
    }

    // 5. The server, as it will be written.
    let pypi = pypi_launch(entry, variant, &*deps.installer);
    let mut server = variant.render(
        &name,
        &Values {
            entry,
            values: &values,
        },
        None,
        &pypi,
    );
    add_extras(&mut server, entry, &s, &mut secrets)?;
    let will_pin = variant.runner == Runner::Npm && s.pin && s.install;

    // 6. Summary and confirmation.
    if !printer.is_json() {
        summary(
            printer,
            &server,
            &config_name,
            variant,
            &s,
            &secrets,
            will_pin,
        );
    }
    if let Some(p) = deps.prompter.as_deref_mut()
        && !s.yes
        && !p.confirm("Write this server and fetch what it needs?", true)?
    {
        return Err(cancelled().into());
    }

    // 7. Prerequisites, install, then the files.
    if s.store_secrets && !secrets.is_empty() {
        dotenv::check_not_tracked(&project)?;
    }
    check_prerequisites(entry, variant, &pypi, &*deps.installer, s.install)?;
    let mut version = None;
    let mut pypi = pypi;
    if s.install {
        let (v, launch) = fetch(entry, variant, &s, &mut *deps.installer, printer)?;
        version = v;
        if let Some(l) = launch {
            pypi = l;
        }
        server = variant.render(
            &name,
            &Values {
                entry,
                values: &values,
            },
            version.as_deref(),
            &pypi,
        );
        add_extras(&mut server, entry, &s, &mut Vec::new())?;
    } else if variant.runner == Runner::Pypi
        && let PypiLaunch::Venv(exe) = &pypi
        && !exe.is_file()
    {
        return Err(no(format!(
            "`{}` runs from a virtual environment that does not exist yet",
            entry.id
        ))
        .hint("drop `--no-install`, or install uv so that it runs with `uvx`")
        .into());
    }

    let mut env_file = None;
    if !secrets.is_empty() {
        if s.store_secrets {
            let stored = dotenv::store(&project, &secrets)?;
            let names: Vec<String> = secrets.iter().map(|(k, _)| format!("`{k}`")).collect();
            printer.info(format!(
                "stored {} in `{}` (mode 0600)",
                names.join(", "),
                display_path(&stored.path, &globals.project_dir)
            ));
            if let Some(gi) = &stored.gitignore {
                printer.info(format!(
                    "added `.env` to `{}`",
                    display_path(gi, &globals.project_dir)
                ));
            }
            env_file = Some(stored.path);
        } else {
            for (k, v) in &secrets {
                // Not stored anywhere: give it to the test and discovery below through our own
                // environment, and say how to provide it later.
                // SAFETY: aimcp sets variables only here, before the MCP client starts.
                unsafe { std::env::set_var(k, v) };
                printer.warn(format!(
                    "`{k}` is not stored: export it (or put it in `.env`) before using `{name}`"
                ));
            }
        }
    }

    let replaced = config::edit(&located.path, |f| Ok(f.upsert(&server)))?;
    printer.info(format!(
        "{} server `{name}` in `{config_name}`",
        if replaced { "replaced" } else { "added" }
    ));

    // 8. Test and discover.
    let mut tested = false;
    let mut discovered = false;
    if printer.is_json() {
        printer.json(&json!({
            "name": name,
            "entry": entry.id,
            "variant": variant.id,
            "config": located.path,
            "replaced": replaced,
            "version": version,
            "server": server_json(&server),
            "env_file": env_file,
            "tested": false,
            "discovered": false,
        }))?;
        if s.test || s.discover {
            printer.hint(format!(
                "with `--json`, test it separately: `aimcp mcp test {name} --json`"
            ));
        }
        return Ok(());
    }
    if s.test {
        let spinner = printer.spinner(format!("testing `{name}`"));
        let result = deps.checks.test(globals, &name, printer);
        spinner.finish_and_clear();
        if let Err(err) = result {
            return Err(no(format!(
                "server `{name}` was written to `{config_name}` but failed its test: {err}"
            ))
            .hint(format!(
                "the entry is kept: fix the cause, then retry with `aimcp mcp test {name}`"
            ))
            .into());
        }
        tested = true;
    }
    if s.discover {
        let spinner = printer.spinner(format!("discovering the tools of `{name}`"));
        let result = deps.checks.discover(globals, &name, printer);
        spinner.finish_and_clear();
        if let Err(err) = result {
            return Err(no(format!(
                "server `{name}` was written to `{config_name}` but its tools could not be discovered: {err}"
            ))
            .hint(format!(
                "the entry is kept: retry with `aimcp mcp discover {name}`"
            ))
            .into());
        }
        discovered = true;
    }

    printer.info("");
    printer.info(format!(
        "`{name}` is ready{}.",
        match (tested, discovered) {
            (true, true) => ", tested, with its tools in `.mcp.tools.json`",
            (true, false) => " and tested",
            (false, true) => ", with its tools in `.mcp.tools.json`",
            (false, false) => "",
        }
    ));
    printer.info("next:");
    printer.info(format!("  aimcp mcp get {name}        what was written"));
    if !tested {
        printer.info(format!(
            "  aimcp mcp test {name}       check that it starts and answers"
        ));
    }
    printer.info("  start Claude Code (or another MCP client) in this folder to use it");
    Ok(())
}

fn unknown_entry(catalog: &Catalog, id: &str) -> crate::error::Fail {
    let mut fail = usage(format!("no catalog entry `{id}`"));
    let close = catalog
        .entries
        .iter()
        .map(|e| (strsim::jaro_winkler(id, &e.id), &e.id))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    if let Some((_, best)) = close {
        fail = fail.hint(format!("did you mean `{best}`?"));
    }
    fail.hint("`aimcp mcp catalog` lists the entries")
}

/// A path relative to the project folder when it is inside it.
fn display_path(path: &Path, project: &Path) -> String {
    path.strip_prefix(project)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// Checks a setting's value; the message says what is wrong.
fn check_value(setting: &Setting, value: &str, project: &Path) -> Result<(), String> {
    let value = value.trim();
    if value.is_empty() {
        return if setting.required {
            Err("a value is required".into())
        } else {
            Ok(())
        };
    }
    match setting.kind {
        Kind::Text => Ok(()),
        Kind::Bool => match value {
            "true" | "false" => Ok(()),
            _ => Err("expected `true` or `false`".into()),
        },
        Kind::Path => exists(value, project),
        Kind::Paths => crate::catalog::split_paths(value)
            .iter()
            .try_for_each(|p| exists(p, project)),
    }
}

fn exists(path: &str, project: &Path) -> Result<(), String> {
    if project.join(path).exists() {
        Ok(())
    } else {
        Err(format!("`{path}` does not exist"))
    }
}

/// Asks for one setting.
fn ask(p: &mut dyn Prompter, setting: &Setting, project: &Path) -> anyhow::Result<String> {
    let help = setting.help.as_deref();
    if setting.secret {
        loop {
            let v = p.password(&setting.prompt, help)?;
            if !v.is_empty() || !setting.required {
                return Ok(v);
            }
        }
    }
    match setting.kind {
        Kind::Bool => {
            let yes = p.confirm(&setting.prompt, setting.default.as_deref() == Some("true"))?;
            Ok(if yes { "true" } else { "false" }.to_string())
        }
        _ => p.text(
            &setting.prompt,
            setting.default.as_deref(),
            help,
            &|v: &str| check_value(setting, v, project),
        ),
    }
}

/// How a PyPI variant will run: uvx when it is installed, else a virtual environment.
fn pypi_launch(entry: &Entry, variant: &Variant, installer: &dyn Installer) -> PypiLaunch {
    if variant.runner == Runner::Pypi && installer.which("uvx").is_none() {
        PypiLaunch::Venv(install::venv_bin(
            &install::venv_dir(&entry.id),
            variant.bin(),
        ))
    } else {
        PypiLaunch::Uvx
    }
}

/// `--env` keys that are not settings, `--header` and `--arg`; literal secrets become references.
fn add_extras(
    server: &mut Server,
    entry: &Entry,
    s: &Settings,
    secrets: &mut Vec<(String, String)>,
) -> anyhow::Result<()> {
    for (k, v) in &s.env {
        if entry.setting(k).is_some() {
            continue;
        }
        if server.transport != Transport::Stdio {
            return Err(usage(format!(
                "`--env {k}=...` is not a setting of `{}`",
                entry.id
            ))
            .hint(if entry.settings.is_empty() {
                "it has no settings".to_string()
            } else {
                format!(
                    "its settings: {}",
                    entry
                        .settings
                        .iter()
                        .map(|s| s.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
            .into());
        }
        let written = if looks_secret(k) && has_literal(v) {
            push_secret(secrets, k, v);
            format!("${{{k}}}")
        } else {
            v.clone()
        };
        set_pair(&mut server.env, k, written);
    }
    for (k, v) in &s.headers {
        if server.transport == Transport::Stdio {
            return Err(usage(format!(
                "`--header` is for remote servers; `{}` runs as a command",
                entry.id
            ))
            .into());
        }
        let written = if looks_secret(k) && has_literal(v) {
            let var = format!("{}_{}", entry.id, k)
                .to_ascii_uppercase()
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect::<String>();
            push_secret(secrets, &var, v);
            format!("${{{var}}}")
        } else {
            v.clone()
        };
        set_pair(&mut server.headers, k, written);
    }
    server.args.extend(s.args.iter().cloned());
    Ok(())
}

fn push_secret(secrets: &mut Vec<(String, String)>, k: &str, v: &str) {
    secrets.retain(|(name, _)| name != k);
    secrets.push((k.to_string(), v.to_string()));
}

fn set_pair(pairs: &mut Vec<(String, String)>, k: &str, v: String) {
    match pairs
        .iter_mut()
        .find(|(name, _)| name.eq_ignore_ascii_case(k))
    {
        Some(slot) => slot.1 = v,
        None => pairs.push((k.to_string(), v)),
    }
}

fn summary(
    printer: &Printer,
    server: &Server,
    config_name: &str,
    variant: &Variant,
    s: &Settings,
    secrets: &[(String, String)],
    will_pin: bool,
) {
    printer.info("");
    printer.info(format!("server `{}` in `{config_name}`:", server.name));
    match server.transport {
        Transport::Stdio => {
            let mut target = server.target();
            if will_pin {
                target.push_str("   (the version is pinned after fetching)");
            }
            printer.info(format!("  command  {target}"));
            for (k, v) in &server.env {
                printer.info(format!("  env      {k}={v}"));
            }
        }
        _ => {
            printer.info(format!("  {:<8} {}", server.transport, server.target()));
            for (k, v) in &server.headers {
                printer.info(format!("  header   {k}: {v}"));
            }
        }
    }
    if !secrets.is_empty() {
        let names: Vec<&str> = secrets.iter().map(|(k, _)| k.as_str()).collect();
        printer.info(format!(
            "  secrets  {} {}",
            names.join(", "),
            if s.store_secrets {
                "-> `.env` (mode 0600, never in `.mcp.json`)"
            } else {
                "-> not stored (`--no-store-secrets`)"
            }
        ));
    }
    let mut steps = Vec::new();
    if s.install {
        steps.push(match variant.runner {
            Runner::Npm => "fetch the npm package",
            Runner::Pypi => "fetch the PyPI package",
            Runner::Docker => "pull the image",
            Runner::Remote => "nothing to install",
        });
    }
    steps.push("write the file");
    if s.test {
        steps.push("test it");
    }
    if s.discover {
        steps.push("discover its tools");
    }
    printer.info(format!("  then     {}", steps.join(", ")));
    printer.info("");
}

/// Fails with a specific hint when a program the variant needs is missing.
fn check_prerequisites(
    entry: &Entry,
    variant: &Variant,
    pypi: &PypiLaunch,
    installer: &dyn Installer,
    installing: bool,
) -> anyhow::Result<()> {
    let (programs, hint): (Vec<&str>, &str) = match variant.runner {
        Runner::Npm => (
            if installing {
                vec!["npx", "npm"]
            } else {
                vec!["npx"]
            },
            "install Node.js 18 or later (https://nodejs.org/), which provides `npm` and `npx`",
        ),
        Runner::Pypi => match pypi {
            PypiLaunch::Uvx => (vec!["uvx"], ""),
            PypiLaunch::Venv(_) if installing => (
                vec!["python3"],
                "install uv (https://docs.astral.sh/uv/getting-started/installation/) so it runs with `uvx`, or Python 3 so aimcp can make a virtual environment",
            ),
            PypiLaunch::Venv(_) => (vec![], ""),
        },
        Runner::Docker => (
            vec!["docker"],
            "install Docker (https://docs.docker.com/get-docker/) and start it",
        ),
        Runner::Remote => (vec![], ""),
    };
    for program in programs {
        if installer.which(program).is_none() {
            return Err(no(format!(
                "`{program}` is not installed, and `{}` ({}) needs it",
                entry.id, variant.id
            ))
            .hint(hint)
            .into());
        }
    }
    Ok(())
}

/// Fetches the package ahead of first use; returns the version to pin and, for a virtual
/// environment, where the executable is.
fn fetch(
    entry: &Entry,
    variant: &Variant,
    s: &Settings,
    installer: &mut dyn Installer,
    printer: &Printer,
) -> anyhow::Result<(Option<String>, Option<PypiLaunch>)> {
    let package = variant.package.clone().unwrap_or_default();
    let failed = |err: anyhow::Error| -> anyhow::Error {
        no(format!(
            "cannot install `{}`, so nothing was written: {err:#}",
            entry.id
        ))
        .hint("check the network and the reason above, then run the same command again")
        .into()
    };
    match variant.runner {
        Runner::Npm => {
            let spinner = printer.spinner(format!("resolving `{package}`"));
            let resolved = if s.pin {
                installer.resolve_npm(&package).map(Some)
            } else {
                Ok(None)
            };
            let result = resolved.and_then(|v| {
                let spec = match &v {
                    Some(v) => format!("{package}@{v}"),
                    None => package.clone(),
                };
                spinner.set_message(format!("fetching `{spec}` into the npm cache"));
                installer.warm_npm(&spec).map(|()| v)
            });
            spinner.finish_and_clear();
            let version = result.map_err(failed)?;
            printer.info(format!(
                "fetched `{package}`{}",
                version
                    .as_deref()
                    .map(|v| format!(" {v} (pinned)"))
                    .unwrap_or_default()
            ));
            Ok((version, None))
        }
        Runner::Pypi => {
            if installer.which("uvx").is_some() {
                let spinner = printer.spinner(format!("fetching `{package}` with uvx"));
                let result = installer.warm_uvx(&package, variant.bin());
                spinner.finish_and_clear();
                result.map_err(failed)?;
                printer.info(format!("fetched `{package}` into uv's cache"));
                Ok((None, Some(PypiLaunch::Uvx)))
            } else {
                let dir = install::venv_dir(&entry.id);
                let spinner =
                    printer.spinner(format!("installing `{package}` into `{}`", dir.display()));
                let result = installer.install_venv(&dir, &package, variant.bin());
                spinner.finish_and_clear();
                let exe: PathBuf = result.map_err(failed)?;
                printer.info(format!(
                    "installed `{package}` into `{}` (uv is not installed)",
                    dir.display()
                ));
                Ok((None, Some(PypiLaunch::Venv(exe))))
            }
        }
        Runner::Docker => {
            let spinner = printer.spinner(format!("pulling `{package}`"));
            let result = installer.pull_docker(&package);
            spinner.finish_and_clear();
            result.map_err(failed)?;
            printer.info(format!("pulled `{package}`"));
            Ok((None, None))
        }
        Runner::Remote => Ok((None, None)),
    }
}

fn server_json(server: &Server) -> serde_json::Value {
    let obj = |pairs: &[(String, String)]| -> serde_json::Map<String, serde_json::Value> {
        pairs
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
            .collect()
    };
    json!({
        "transport": server.transport,
        "command": server.command,
        "args": server.args,
        "env": obj(&server.env),
        "url": server.url,
        "headers": obj(&server.headers),
    })
}

//! `aimcp mcp setup`: from a catalog entry to a tested server in `.mcp.json`.
//!
//! The same flow runs at a terminal (prompts for what the flags left out) and without one (a
//! missing required setting is exit 2 naming the flag). Order: entry, variant, name, settings,
//! summary and confirmation; then prerequisites, install, secrets into `.env`, `.mcp.json`,
//! test and discover. Nothing is written before the install succeeded; a cancel at any prompt
//! exits 130 with nothing written.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use indicatif::ProgressBar;
use serde_json::json;

use super::{Probe, Targets, discovery, how_to_start, ms, probe, referenced_variables};
use crate::catalog::install::{self, Installer};
use crate::catalog::{Catalog, Entry, Kind, PypiLaunch, Runner, Setting, Values, Variant};
use crate::config::secret::{has_literal, looks_secret};
use crate::config::tools::{ToolsFile, edit_tools};
use crate::config::{
    self, ConfigFile, EnvResolver, Server, Transport, dotenv, tools_path, valid_name,
};
use crate::error::{Code, Fail, cancelled, no, usage};
use crate::mcp::{self, ConnectOptions, McpError};
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

/// Testing and discovering a server once it is written: the same operations `aimcp mcp test` and
/// `aimcp mcp discover` run, on this server with these variables (the MCP client; a fake in unit
/// tests). They print nothing; setup prints its own summary.
pub(crate) trait Checks {
    fn test(&self, server: &Server, resolver: &Arc<EnvResolver>, opts: &ConnectOptions) -> Probe;
    fn discover(
        &self,
        server: &Server,
        resolver: &Arc<EnvResolver>,
        opts: &ConnectOptions,
        known: Arc<HashMap<String, usize>>,
        bar: ProgressBar,
    ) -> discovery::Outcome;
}

/// The real MCP client.
pub(crate) struct McpClient;

impl Checks for McpClient {
    fn test(&self, server: &Server, resolver: &Arc<EnvResolver>, opts: &ConnectOptions) -> Probe {
        mcp::block_on(probe(server.clone(), resolver.clone(), opts.clone()))
    }

    fn discover(
        &self,
        server: &Server,
        resolver: &Arc<EnvResolver>,
        opts: &ConnectOptions,
        known: Arc<HashMap<String, usize>>,
        bar: ProgressBar,
    ) -> discovery::Outcome {
        mcp::block_on(discovery::discover_one(
            server.clone(),
            resolver.clone(),
            opts.clone(),
            bar,
            known,
        ))
    }
}

/// What the flow runs on: prompts (None without a terminal), the machine, the MCP client.
pub(crate) struct Deps<'a> {
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
pub(crate) fn setup(
    globals: &Globals,
    s: Settings,
    printer: &Printer,
    catalog: &Catalog,
    mut deps: Deps<'_>,
) -> anyhow::Result<()> {
    let located = globals.locate_config_to_write()?;
    let file = ConfigFile::load(&located.path)?;
    let project = located.dir();
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
    for setting in entry.settings_for(variant) {
        let key = setting.name.as_str();
        let value = if let Some(v) = given.get(key) {
            check_value(setting, v, &project)
                .map_err(|m| usage(format!("invalid `--env {key}=...`: {m}")))?;
            match (setting.kind, bool_value(v)) {
                (Kind::Bool, Some(b)) => b.to_string(),
                _ => v.to_string(),
            }
        } else if setting.secret
            && resolver
                .get(key)
                .ok()
                .flatten()
                .is_some_and(|v| !v.is_empty())
        {
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

    // 6. Where secrets go, the summary and the confirmation.
    let mut store = s.store_secrets;
    if store
        && !secrets.is_empty()
        && !s.yes
        && let Some(p) = deps.prompter.as_deref_mut()
    {
        let names: Vec<&str> = secrets.iter().map(|(k, _)| k.as_str()).collect();
        store = p.confirm(
            &format!(
                "Store {} in .env (mode 0600, kept out of git)?",
                names.join(", ")
            ),
            true,
        )?;
    }
    if !printer.is_json() {
        summary(printer, &server, &config_name, variant, &s, store, &secrets);
    }
    if let Some(p) = deps.prompter.as_deref_mut()
        && !s.yes
        && !p.confirm("Write this server and fetch what it needs?", true)?
    {
        // The user chose: nothing failed.
        printer.info("nothing written");
        return Ok(());
    }

    // 7. Prerequisites, install, then the files.
    if store && !secrets.is_empty() {
        dotenv::check_not_tracked(
            &project,
            "or keep the secret out of files: `--no-store-secrets` and export the variable",
        )?;
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
    // Secrets that are not stored reach the test and discovery below through the resolver.
    let mut unstored: Vec<(String, String)> = Vec::new();
    if !secrets.is_empty() {
        if store {
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
                unstored.push((k.clone(), v.clone()));
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
    if variant.runner == Runner::Pypi
        && let PypiLaunch::Venv(exe) = &pypi
    {
        // `.mcp.json` is meant to be shared; this path exists on this machine only.
        printer.warn(format!(
            "`{config_name}` runs `{name}` from `{}`, a path that exists only on this machine \
             (uv is not installed)",
            exe.display()
        ));
        printer.hint(format!(
            "before committing `{config_name}`, install uv \
             (https://docs.astral.sh/uv/getting-started/installation/) and run \
             `aimcp mcp setup {} --name {name} --yes` again so the entry runs `uvx {}`; \
             or keep this entry out of the shared file",
            entry.id,
            variant.package.as_deref().unwrap_or(variant.bin())
        ));
    }

    // 8. Test and discover.
    let mut tested = false;
    let mut discovered = false;
    if printer.is_json() {
        let would_sync = super::offer_sync(&located.path, None, s.yes, printer)?;
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
            "would_sync": would_sync,
        }))?;
        if s.test || s.discover {
            printer.hint(format!(
                "with `--json`, test it separately: `aimcp mcp test {name} --json`"
            ));
        }
        return Ok(());
    }
    let targets = Targets {
        servers: vec![server.clone()],
        resolver: Arc::new(EnvResolver::for_project(&project).with_overrides(unstored)),
        cwd: project.clone(),
        global: file.global().clone(),
        config_path: located.path.clone(),
    };
    let auth = super::oauth(
        globals,
        printer,
        &targets,
        super::SignIn::automatic(globals, printer),
    )?;
    let opts = targets
        .options(None)
        .with_trace(printer.mcp_trace())
        .with_auth(auth.map(|a| a as Arc<dyn mcp::auth::Authorizer>));
    if s.test {
        let spinner = printer.spinner(format!("testing `{name}`"));
        let probed = deps.checks.test(&server, &targets.resolver, &opts);
        spinner.finish_and_clear();
        if !probed.ok {
            return Err(check_failed(
                &name,
                &config_name,
                &format!("failed its test at `{}`", probed.step),
                probed.error,
                &format!("fix the cause, then retry with `aimcp mcp test {name}`"),
            ));
        }
        printer.info(format!(
            "tested `{name}`: it answers, with {} ({})",
            count_tools(probed.tools.unwrap_or(0)),
            ms(probed.init_ms.unwrap_or(0) + probed.list_ms.unwrap_or(0)),
        ));
        tested = true;
    }
    if s.discover {
        let tools_file = tools_path(&located.path);
        let previous = ToolsFile::load(&tools_file)?;
        let known = Arc::new(previous.known_footprints());
        let spinner = printer.spinner(format!("discovering the tools of `{name}`"));
        // The discovery sets the message to its step; the prefix keeps the server's name.
        spinner.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {prefix} {msg} {elapsed:.dim}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        spinner.set_prefix(format!("discovering `{name}`:"));
        let found = deps
            .checks
            .discover(&server, &targets.resolver, &opts, known, spinner.clone());
        spinner.finish_and_clear();
        match found.result {
            Ok(f) => {
                // A rediscovery that finds nothing new keeps the stored entry as it is.
                let at = crate::config::tools::rfc3339(globals.now);
                edit_tools(&tools_file, |t| Ok(t.record(&name, f.entry.clone(), &at)))?;
                printer.info(format!(
                    "wrote {} of `{name}` (about {} tokens) to `{}`",
                    count_tools(f.tools),
                    f.tokens,
                    display_path(&tools_file, &globals.project_dir)
                ));
                discovered = true;
            }
            Err(e) => {
                return Err(check_failed(
                    &name,
                    &config_name,
                    &format!("its tools could not be discovered (at `{}`)", found.step),
                    Some(e),
                    &format!("retry with `aimcp mcp discover {name}`"),
                ));
            }
        }
    }

    super::offer_sync(&located.path, deps.prompter.as_deref_mut(), s.yes, printer)?;

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
    let dotenv_path = project.join(dotenv::DOTENV_FILE);
    for line in how_to_start(&referenced_variables(&server), Some(&dotenv_path)) {
        printer.info(format!("  {line}"));
    }
    Ok(())
}

/// `1 tool`, `3 tools`.
fn count_tools(n: usize) -> String {
    if n == 1 {
        "1 tool".into()
    } else {
        format!("{n} tools")
    }
}

/// A check that failed after the entry was written: said once, with the server's stderr tail and
/// hint, and how to retry; the entry is kept.
fn check_failed(
    name: &str,
    config_name: &str,
    what: &str,
    error: Option<McpError>,
    retry: &str,
) -> anyhow::Error {
    let what = format!("server `{name}` was written to `{config_name}` but {what}");
    let fail = match error {
        Some(e) => super::server_failure(what, &e),
        None => Fail::new(Code::No, what),
    };
    fail.hint(format!("the entry is kept: {retry}")).into()
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
        Kind::Bool => match bool_value(value) {
            Some(_) => Ok(()),
            None => Err("expected `true` or `false`".into()),
        },
        Kind::Path => exists(value, project),
        Kind::TimeZone => match jiff::tz::TimeZone::get(value) {
            Ok(_) => Ok(()),
            // Without a time zone database on this machine, nothing can be checked here.
            Err(_) if jiff::tz::db().is_definitively_empty() => Ok(()),
            Err(_) => Err(format!(
                "`{value}` is not a time zone: use an IANA name such as `Europe/Paris` or `UTC`"
            )),
        },
        Kind::Paths => crate::catalog::split_paths(value)
            .iter()
            .try_for_each(|p| exists(p, project)),
    }
}

/// `true`/`1`/`yes`/`on` and `false`/`0`/`no`/`off`.
fn bool_value(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Some(true),
        "false" | "0" | "no" | "off" => Some(false),
        _ => None,
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
        let required = setting.required;
        return p.password(&setting.prompt, help, &|v: &str| {
            if required && v.trim().is_empty() {
                Err("a value is required (Esc cancels)".to_string())
            } else {
                Ok(())
            }
        });
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
    store: bool,
    secrets: &[(String, String)],
) {
    let will_pin = variant.runner == Runner::Npm && s.pin && s.install;
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
            printer.info(format!(
                "  {:<8} {}",
                server.transport.as_str(),
                server.target()
            ));
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
            if store {
                "-> `.env` (mode 0600, never in `.mcp.json`)"
            } else {
                "-> not stored: export them before starting the server"
            }
        ));
    }
    let mut steps = Vec::new();
    if s.install {
        match variant.runner {
            Runner::Npm => steps.push("fetch the npm package"),
            Runner::Pypi => steps.push("fetch the PyPI package"),
            Runner::Docker => steps.push("pull the image"),
            Runner::Remote => {}
        }
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
        if crate::error::find_fail(&err).is_some_and(|f| f.code == Code::Cancelled) {
            return cancelled().into();
        }
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

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::*;
    use crate::error::exit_code;
    use crate::prompt::{Answer, ScriptedPrompter};

    /// A machine where the programs in `missing` are absent and `fail` makes installs fail.
    #[derive(Default)]
    struct FakeInstaller {
        missing: Vec<&'static str>,
        fail: bool,
        done: Vec<String>,
    }

    impl Installer for FakeInstaller {
        fn which(&self, program: &str) -> Option<PathBuf> {
            (!self.missing.contains(&program)).then(|| PathBuf::from("/usr/bin").join(program))
        }
        fn resolve_npm(&mut self, package: &str) -> anyhow::Result<String> {
            self.done.push(format!("resolve {package}"));
            Ok("1.2.3".into())
        }
        fn warm_npm(&mut self, spec: &str) -> anyhow::Result<()> {
            if self.fail {
                anyhow::bail!("npm error 404 Not Found");
            }
            self.done.push(format!("warm {spec}"));
            Ok(())
        }
        fn warm_uvx(&mut self, package: &str, _bin: &str) -> anyhow::Result<()> {
            self.done.push(format!("uvx {package}"));
            Ok(())
        }
        fn install_venv(
            &mut self,
            dir: &Path,
            package: &str,
            bin: &str,
        ) -> anyhow::Result<PathBuf> {
            if self.fail {
                anyhow::bail!("pip failed");
            }
            self.done.push(format!("venv {package}"));
            Ok(install::venv_bin(dir, bin))
        }
        fn pull_docker(&mut self, image: &str) -> anyhow::Result<()> {
            self.done.push(format!("pull {image}"));
            Ok(())
        }
    }

    /// Records the checks; `fail_test` makes the test fail.
    #[derive(Default)]
    struct FakeChecks {
        fail_test: bool,
        ran: RefCell<Vec<String>>,
    }

    impl Checks for FakeChecks {
        fn test(&self, server: &Server, _: &Arc<EnvResolver>, _: &ConnectOptions) -> Probe {
            self.ran.borrow_mut().push(format!("test {}", server.name));
            Probe {
                name: server.name.clone(),
                ok: !self.fail_test,
                step: "initialize",
                protocol_version: None,
                server_name: None,
                server_version: None,
                init_ms: Some(1),
                list_ms: Some(1),
                tools: Some(1),
                error: self
                    .fail_test
                    .then(|| McpError::new("connection refused").hint("is it running?")),
            }
        }
        fn discover(
            &self,
            server: &Server,
            _: &Arc<EnvResolver>,
            _: &ConnectOptions,
            _: Arc<HashMap<String, usize>>,
            _: ProgressBar,
        ) -> discovery::Outcome {
            self.ran
                .borrow_mut()
                .push(format!("discover {}", server.name));
            discovery::Outcome {
                name: server.name.clone(),
                ms: 1,
                step: "tools/list",
                result: Ok(discovery::Found {
                    entry: json!({"tools": [{"name": "t"}]}),
                    tools: 1,
                    prompts: 0,
                    resources: 0,
                    tokens: 5,
                    hash: "sha256:x".into(),
                }),
            }
        }
    }

    struct Project {
        dir: tempfile::TempDir,
    }

    impl Project {
        fn new() -> Self {
            Project {
                dir: tempfile::tempdir().unwrap(),
            }
        }
        fn globals(&self) -> Globals {
            Globals {
                project_dir: self.dir.path().to_path_buf(),
                config: None,
                json: false,
                quiet: true,
                verbose: 0,
                no_input: false,
                color: crate::printer::ColorChoice::Never,
                pricing: None,
                db: None,
                machine: None,
                now: jiff::Timestamp::now(),
            }
        }
        fn config(&self) -> Option<String> {
            std::fs::read_to_string(self.dir.path().join(".mcp.json")).ok()
        }
        fn servers(&self) -> serde_json::Value {
            let doc: serde_json::Value = serde_json::from_str(&self.config().unwrap()).unwrap();
            doc["mcpServers"].clone()
        }
    }

    fn settings(entry: Option<&str>) -> Settings {
        Settings {
            entry: entry.map(String::from),
            install: true,
            pin: true,
            test: true,
            discover: true,
            store_secrets: true,
            ..Settings::default()
        }
    }

    /// Runs the flow with a script (None: no terminal).
    fn go(
        project: &Project,
        s: Settings,
        script: Option<&mut ScriptedPrompter>,
        installer: &mut FakeInstaller,
        checks: &FakeChecks,
    ) -> anyhow::Result<()> {
        let deps = Deps {
            prompter: script.map(|p| p as &mut dyn Prompter),
            installer,
            checks,
        };
        setup(
            &project.globals(),
            s,
            &Printer::for_tests(),
            &Catalog::built_in(),
            deps,
        )
    }

    fn answers(a: &[Answer]) -> ScriptedPrompter {
        ScriptedPrompter::new(a.iter().cloned())
    }

    fn choose(t: &str) -> Answer {
        Answer::Choose(t.into())
    }

    fn typed(t: &str) -> Answer {
        Answer::Type(t.into())
    }

    #[test]
    fn the_wizard_writes_a_pinned_server_then_tests_and_discovers_it() {
        let p = Project::new();
        let mut script = answers(&[choose("sequential-thinking"), Answer::Enter, Answer::Yes]);
        let mut inst = FakeInstaller::default();
        let checks = FakeChecks::default();
        go(&p, settings(None), Some(&mut script), &mut inst, &checks).unwrap();
        assert_eq!(script.left(), 0);
        assert_eq!(
            script.asked,
            [
                "Which server do you want to set up?",
                "Name in .mcp.json",
                "Write this server and fetch what it needs?"
            ]
        );
        assert_eq!(
            p.servers()["sequential-thinking"]["args"],
            json!([
                "-y",
                "@modelcontextprotocol/server-sequential-thinking@1.2.3"
            ])
        );
        assert_eq!(
            inst.done,
            [
                "resolve @modelcontextprotocol/server-sequential-thinking",
                "warm @modelcontextprotocol/server-sequential-thinking@1.2.3"
            ]
        );
        assert_eq!(
            *checks.ran.borrow(),
            ["test sequential-thinking", "discover sequential-thinking"]
        );
    }

    #[test]
    fn a_secret_is_asked_masked_and_goes_to_dotenv_only() {
        let p = Project::new();
        let mut script = answers(&[
            choose("brave-search"),
            typed("search"),
            typed("BSA-secret-value"),
            Answer::Yes,
            Answer::Yes,
        ]);
        let mut inst = FakeInstaller::default();
        let mut s = settings(None);
        s.pin = false;
        go(&p, s, Some(&mut script), &mut inst, &FakeChecks::default()).unwrap();
        assert_eq!(script.asked[2], "Brave Search API key");
        let config = p.config().unwrap();
        assert!(!config.contains("BSA-secret-value"));
        assert_eq!(
            p.servers()["search"]["env"]["BRAVE_API_KEY"],
            "${BRAVE_API_KEY}"
        );
        assert_eq!(
            p.servers()["search"]["args"],
            json!([
                "-y",
                "@brave/brave-search-mcp-server",
                "--transport",
                "stdio"
            ])
        );
        let dotenv = std::fs::read_to_string(p.dir.path().join(".env")).unwrap();
        assert_eq!(dotenv, "BRAVE_API_KEY=BSA-secret-value\n");
    }

    #[test]
    fn a_secret_the_user_does_not_store_stays_out_of_every_file() {
        let p = Project::new();
        let mut script = answers(&[
            choose("context7"),
            Answer::Enter,
            typed("ctx7sk-unit-test"),
            Answer::No,
            Answer::Yes,
        ]);
        let mut s = settings(None);
        s.test = false;
        s.discover = false;
        go(
            &p,
            s,
            Some(&mut script),
            &mut FakeInstaller::default(),
            &FakeChecks::default(),
        )
        .unwrap();
        assert_eq!(
            script.asked[3],
            "Store CONTEXT7_API_KEY in .env (mode 0600, kept out of git)?"
        );
        assert_eq!(
            p.servers()["context7"]["env"]["CONTEXT7_API_KEY"],
            "${CONTEXT7_API_KEY}"
        );
        assert!(!p.config().unwrap().contains("ctx7sk-unit-test"));
        assert!(!p.dir.path().join(".env").exists());
    }

    #[test]
    fn github_offers_remote_and_docker() {
        let p = Project::new();
        let mut script = answers(&[
            choose("github"),
            choose("remote"),
            Answer::Enter,
            typed("ghp_x"),
            typed("repos,issues"),
            Answer::Yes,
            Answer::Yes,
            Answer::Yes,
        ]);
        let mut inst = FakeInstaller::default();
        go(
            &p,
            settings(None),
            Some(&mut script),
            &mut inst,
            &FakeChecks::default(),
        )
        .unwrap();
        let gh = &p.servers()["github"];
        assert_eq!(gh["type"], "http");
        assert_eq!(gh["url"], "https://api.githubcopilot.com/mcp/");
        assert_eq!(
            gh["headers"],
            json!({
                "Authorization": "Bearer ${GITHUB_PERSONAL_ACCESS_TOKEN}",
                "X-MCP-Toolsets": "repos,issues",
                "X-MCP-Readonly": "true"
            })
        );
        assert!(inst.done.is_empty(), "nothing to install: {:?}", inst.done);

        let mut s = settings(Some("github"));
        s.variant = Some("docker".into());
        s.name = Some("gh-local".into());
        s.env = vec![
            ("GITHUB_PERSONAL_ACCESS_TOKEN".into(), "ghp_x".into()),
            ("GITHUB_READ_ONLY".into(), "1".into()),
        ];
        s.yes = true;
        go(&p, s, None, &mut inst, &FakeChecks::default()).unwrap();
        let gh = &p.servers()["gh-local"];
        assert!(
            gh["args"]
                .as_array()
                .unwrap()
                .contains(&json!("GITHUB_READ_ONLY=true")),
            "{gh}"
        );
        assert_eq!(gh["command"], "docker");
        assert_eq!(
            gh["env"]["GITHUB_PERSONAL_ACCESS_TOKEN"],
            "${GITHUB_PERSONAL_ACCESS_TOKEN}"
        );
        assert_eq!(inst.done, ["pull ghcr.io/github/github-mcp-server:v1.11.0"]);
        assert!(!p.config().unwrap().contains("ghp_x"));
    }

    #[test]
    fn an_existing_name_asks_before_replacing() {
        let p = Project::new();
        let mut inst = FakeInstaller::default();
        let checks = FakeChecks::default();
        let mut s = settings(Some("memory"));
        s.yes = true;
        go(&p, s, None, &mut inst, &checks).unwrap();
        let before = p.config().unwrap();

        // Decline: asked for another name.
        let mut script = answers(&[
            typed("memory"),
            Answer::No,
            typed("memory2"),
            Answer::Enter,
            Answer::Yes,
        ]);
        go(
            &p,
            settings(Some("memory")),
            Some(&mut script),
            &mut inst,
            &checks,
        )
        .unwrap();
        assert_eq!(
            script.asked[1],
            "`memory` is already in .mcp.json; replace it?"
        );
        assert!(p.servers()["memory2"].is_object());
        assert_eq!(
            p.servers()["memory"],
            serde_json::from_str::<serde_json::Value>(&before).unwrap()["mcpServers"]["memory"]
        );

        // Accept: replaced in place.
        let mut script = answers(&[
            typed("memory"),
            Answer::Yes,
            typed("./mem.jsonl"),
            Answer::Yes,
        ]);
        go(
            &p,
            settings(Some("memory")),
            Some(&mut script),
            &mut inst,
            &checks,
        )
        .unwrap();
        assert_eq!(
            p.servers()["memory"]["env"]["MEMORY_FILE_PATH"],
            "./mem.jsonl"
        );

        // Without a terminal and without --yes: exit 1, unchanged.
        let before = p.config();
        let err = go(&p, settings(Some("memory")), None, &mut inst, &checks).unwrap_err();
        assert_eq!(exit_code(&err), 1);
        assert!(err.to_string().contains("already exists"), "{err}");
        assert_eq!(p.config(), before);
    }

    #[test]
    fn cancelling_at_any_prompt_writes_nothing() {
        let scripts: Vec<Vec<Answer>> = vec![
            vec![Answer::Cancel],
            vec![choose("brave-search"), Answer::Cancel],
            vec![choose("brave-search"), Answer::Enter, Answer::Cancel],
            vec![
                choose("brave-search"),
                Answer::Enter,
                typed("k"),
                Answer::Cancel,
            ],
            vec![
                choose("brave-search"),
                Answer::Enter,
                typed("k"),
                Answer::Yes,
                Answer::Cancel,
            ],
        ];
        for script in scripts {
            let p = Project::new();
            let mut script = answers(&script);
            let mut inst = FakeInstaller::default();
            let checks = FakeChecks::default();
            let err = go(&p, settings(None), Some(&mut script), &mut inst, &checks).unwrap_err();
            assert_eq!(exit_code(&err), 130, "{err}");
            assert!(p.config().is_none());
            assert!(!p.dir.path().join(".env").exists());
            assert!(inst.done.is_empty() && checks.ran.borrow().is_empty());
        }
    }

    /// The project already uses Cursor and Codex: at a terminal, `setup` offers to write the
    /// server into their files too (yes by default); a Codex file that reaches the servers
    /// through the gateway stays a gateway file.
    #[test]
    fn at_a_terminal_setup_offers_to_sync_the_clients_the_project_uses() {
        let p = Project::new();
        let cursor = p.dir.path().join(".cursor/mcp.json");
        std::fs::create_dir_all(cursor.parent().unwrap()).unwrap();
        std::fs::write(
            &cursor,
            "{\"mcpServers\": {\"mine\": {\"command\": \"x\"}}}\n",
        )
        .unwrap();
        let codex = p.dir.path().join(".codex/config.toml");
        std::fs::create_dir_all(codex.parent().unwrap()).unwrap();
        let gateway = "[mcp_servers.aimcp]\ncommand = \"aimcp\"\nargs = [\"mcp\", \"serve\"]\n";
        std::fs::write(&codex, gateway).unwrap();
        let mut script = answers(&[
            choose("sequential-thinking"),
            Answer::Enter,
            Answer::Yes,
            Answer::Enter,
        ]);
        go(
            &p,
            settings(None),
            Some(&mut script),
            &mut FakeInstaller::default(),
            &FakeChecks::default(),
        )
        .unwrap();
        assert_eq!(script.left(), 0);
        assert_eq!(
            script.asked.last().unwrap(),
            "Write it into `.cursor/mcp.json` too (`aimcp mcp sync`)?"
        );
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&cursor).unwrap()).unwrap();
        assert_eq!(v["mcpServers"]["mine"]["command"], "x");
        assert_eq!(v["mcpServers"]["sequential-thinking"]["command"], "npx");
        assert_eq!(std::fs::read_to_string(&codex).unwrap(), gateway);

        // No: nothing written.
        let p = Project::new();
        let cursor = p.dir.path().join(".cursor/mcp.json");
        std::fs::create_dir_all(cursor.parent().unwrap()).unwrap();
        std::fs::write(&cursor, "{}\n").unwrap();
        let mut script = answers(&[
            choose("sequential-thinking"),
            Answer::Enter,
            Answer::Yes,
            Answer::No,
        ]);
        go(
            &p,
            settings(None),
            Some(&mut script),
            &mut FakeInstaller::default(),
            &FakeChecks::default(),
        )
        .unwrap();
        assert_eq!(script.left(), 0);
        assert_eq!(std::fs::read_to_string(&cursor).unwrap(), "{}\n");
        assert!(p.servers()["sequential-thinking"].is_object());
    }

    #[test]
    fn without_a_terminal_setup_writes_no_client_file() {
        let p = Project::new();
        let cursor = p.dir.path().join(".cursor/mcp.json");
        std::fs::create_dir_all(cursor.parent().unwrap()).unwrap();
        std::fs::write(&cursor, "{}\n").unwrap();
        let mut s = settings(Some("sequential-thinking"));
        s.yes = true;
        go(
            &p,
            s,
            None,
            &mut FakeInstaller::default(),
            &FakeChecks::default(),
        )
        .unwrap();
        assert!(p.servers()["sequential-thinking"].is_object());
        assert_eq!(std::fs::read_to_string(&cursor).unwrap(), "{}\n");
    }

    #[test]
    fn no_to_write_this_server_is_a_choice_not_a_failure() {
        let p = Project::new();
        let mut script = answers(&[
            choose("brave-search"),
            Answer::Enter,
            typed("k"),
            Answer::Yes,
            Answer::No,
        ]);
        let mut inst = FakeInstaller::default();
        let checks = FakeChecks::default();
        go(&p, settings(None), Some(&mut script), &mut inst, &checks).unwrap();
        assert!(p.config().is_none());
        assert!(!p.dir.path().join(".env").exists());
        assert!(inst.done.is_empty() && checks.ran.borrow().is_empty());
    }

    #[test]
    fn an_empty_required_secret_and_a_bad_time_zone_are_refused_at_the_prompt() {
        let p = Project::new();
        let mut script = answers(&[choose("brave-search"), Answer::Enter, Answer::Enter]);
        let err = go(
            &p,
            settings(None),
            Some(&mut script),
            &mut FakeInstaller::default(),
            &FakeChecks::default(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("a value is required"), "{err}");

        let mut script = answers(&[choose("time"), Answer::Enter, typed("Mars/Olympus")]);
        let err = go(
            &p,
            settings(None),
            Some(&mut script),
            &mut FakeInstaller::default(),
            &FakeChecks::default(),
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("`Mars/Olympus` is not a time zone"),
            "{err}"
        );
        let mut s = settings(Some("time"));
        s.env = vec![("LOCAL_TIMEZONE".into(), "Mars/Olympus".into())];
        let err = go(
            &p,
            s,
            None,
            &mut FakeInstaller::default(),
            &FakeChecks::default(),
        )
        .unwrap_err();
        assert_eq!(exit_code(&err), 2);
        assert!(p.config().is_none());
    }

    #[test]
    fn a_missing_prerequisite_names_what_to_install() {
        let p = Project::new();
        let mut inst = FakeInstaller {
            missing: vec!["npx", "npm"],
            ..Default::default()
        };
        let mut script = answers(&[choose("everything"), Answer::Enter, Answer::Yes]);
        let err = go(
            &p,
            settings(None),
            Some(&mut script),
            &mut inst,
            &FakeChecks::default(),
        )
        .unwrap_err();
        assert_eq!(exit_code(&err), 1);
        assert!(err.to_string().contains("`npx` is not installed"), "{err}");
        let hints = &crate::error::find_fail(&err).unwrap().hints;
        assert!(hints[0].contains("Node.js"), "{hints:?}");
        assert!(p.config().is_none());

        let mut inst = FakeInstaller {
            missing: vec!["uvx", "python3"],
            ..Default::default()
        };
        let err = go(
            &p,
            settings(Some("time")),
            None,
            &mut inst,
            &FakeChecks::default(),
        )
        .unwrap_err();
        let hints = &crate::error::find_fail(&err).unwrap().hints;
        assert!(
            hints[0].contains("uv") && hints[0].contains("Python"),
            "{hints:?}"
        );

        let mut inst = FakeInstaller {
            missing: vec!["docker"],
            ..Default::default()
        };
        let mut s = settings(Some("github"));
        s.variant = Some("docker".into());
        s.env = vec![("GITHUB_PERSONAL_ACCESS_TOKEN".into(), "x".into())];
        let err = go(&p, s, None, &mut inst, &FakeChecks::default()).unwrap_err();
        assert!(err.to_string().contains("`docker`"), "{err}");
        assert!(p.config().is_none());
        assert!(!p.dir.path().join(".env").exists());
    }

    #[test]
    fn a_failed_install_writes_nothing() {
        let p = Project::new();
        let mut inst = FakeInstaller {
            fail: true,
            ..Default::default()
        };
        let mut s = settings(Some("brave-search"));
        s.env = vec![("BRAVE_API_KEY".into(), "k".into())];
        let checks = FakeChecks::default();
        let err = go(&p, s, None, &mut inst, &checks).unwrap_err();
        assert_eq!(exit_code(&err), 1);
        assert!(err.to_string().contains("404"), "{err}");
        assert!(p.config().is_none());
        assert!(!p.dir.path().join(".env").exists());
        assert!(checks.ran.borrow().is_empty());
    }

    #[test]
    fn a_failed_test_keeps_the_entry_and_says_how_to_retry() {
        let p = Project::new();
        let checks = FakeChecks {
            fail_test: true,
            ..Default::default()
        };
        let err = go(
            &p,
            settings(Some("sequential-thinking")),
            None,
            &mut FakeInstaller::default(),
            &checks,
        )
        .unwrap_err();
        assert_eq!(exit_code(&err), 1);
        let fail = crate::error::find_fail(&err).unwrap();
        assert_eq!(
            fail.message,
            "server `sequential-thinking` was written to `.mcp.json` but failed its test at \
             `initialize`: connection refused"
        );
        assert_eq!(
            fail.hints,
            [
                "is it running?",
                "the entry is kept: fix the cause, then retry with `aimcp mcp test sequential-thinking`"
            ]
        );
        assert!(p.servers()["sequential-thinking"].is_object());
        assert_eq!(*checks.ran.borrow(), ["test sequential-thinking"]);
    }

    #[test]
    fn without_a_terminal_a_missing_setting_names_its_flag() {
        let p = Project::new();
        let err = go(
            &p,
            settings(Some("github")),
            None,
            &mut FakeInstaller::default(),
            &FakeChecks::default(),
        )
        .unwrap_err();
        assert_eq!(exit_code(&err), 2);
        let fail = crate::error::find_fail(&err).unwrap();
        assert!(fail.message.contains("GITHUB_PERSONAL_ACCESS_TOKEN"));
        assert!(fail.hints[0].contains("--env GITHUB_PERSONAL_ACCESS_TOKEN="));

        let err = go(
            &p,
            settings(None),
            None,
            &mut FakeInstaller::default(),
            &FakeChecks::default(),
        )
        .unwrap_err();
        assert_eq!(exit_code(&err), 2);

        let mut s = settings(Some("filesystem"));
        s.env = vec![("ALLOWED_DIRS".into(), "./nope".into())];
        let err = go(
            &p,
            s,
            None,
            &mut FakeInstaller::default(),
            &FakeChecks::default(),
        )
        .unwrap_err();
        assert_eq!(exit_code(&err), 2);
        assert!(err.to_string().contains("`./nope` does not exist"), "{err}");
        assert!(p.config().is_none());
    }

    #[test]
    fn pypi_entries_use_uvx_else_a_virtual_environment() {
        let p = Project::new();
        let mut inst = FakeInstaller::default();
        go(
            &p,
            settings(Some("fetch")),
            None,
            &mut inst,
            &FakeChecks::default(),
        )
        .unwrap();
        assert_eq!(p.servers()["fetch"]["command"], "uvx");
        assert_eq!(p.servers()["fetch"]["args"], json!(["mcp-server-fetch"]));
        let mut inst = FakeInstaller {
            missing: vec!["uvx"],
            ..Default::default()
        };
        let mut s = settings(Some("git"));
        s.yes = true;
        go(&p, s, None, &mut inst, &FakeChecks::default()).unwrap();
        let cmd = p.servers()["git"]["command"].as_str().unwrap().to_string();
        assert!(cmd.ends_with("venvs/git/bin/mcp-server-git"), "{cmd}");
        assert_eq!(p.servers()["git"]["args"], json!(["--repository", "."]));
        assert_eq!(inst.done, ["venv mcp-server-git"]);
    }

    #[test]
    fn a_literal_secret_header_becomes_a_reference() {
        let p = Project::new();
        let mut s = settings(Some("github"));
        s.env = vec![("GITHUB_PERSONAL_ACCESS_TOKEN".into(), "ghp_x".into())];
        s.headers = vec![("X-Api-Key".into(), "literal-123".into())];
        go(
            &p,
            s,
            None,
            &mut FakeInstaller::default(),
            &FakeChecks::default(),
        )
        .unwrap();
        assert_eq!(
            p.servers()["github"]["headers"]["X-Api-Key"],
            "${GITHUB_X_API_KEY}"
        );
        let dotenv = std::fs::read_to_string(p.dir.path().join(".env")).unwrap();
        assert!(dotenv.contains("GITHUB_X_API_KEY=literal-123"), "{dotenv}");
        assert!(!p.config().unwrap().contains("literal-123"));
    }
}

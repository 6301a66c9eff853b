//! `aimcp mcp scan [NAME]... [--offline]`: checks the tool surfaces a model will read, and the
//! client config files git tracks, for poisoning and literal secrets. Nothing read here leaves
//! the machine: the rules (`crate::scan::rules`) run locally.
//!
//! Without `--offline`, each selected server is contacted (as `discover` does, but nothing is
//! written) and its live tools are checked, and compared with what `.mcp.tools.json` pinned
//! (a changed description is a rug pull). With `--offline`, only `.mcp.tools.json` is read, and
//! it is compared with its last commit in git, when git tracks it.

use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use serde_json::Value;

use super::{Targets, for_each_server};
use crate::config::clients::ClientId;
use crate::config::tools::{ToolsFile, stored_tools_hash};
use crate::config::tools_path;
use crate::error::no;
use crate::mcp::{self, McpError};
use crate::printer::Printer;
use crate::scan::{self, Finding, Severity, Surface};
use crate::settings::Globals;

#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub names: Vec<String>,
    pub offline: bool,
    pub timeout: Option<Duration>,
}

/// `--json`: `{"findings":[{"server","tool","kind","severity","message"}]}`.
#[derive(Debug, Serialize)]
pub struct ScanReport {
    pub findings: Vec<Finding>,
    /// The servers whose tools were checked.
    pub servers: Vec<String>,
    /// The files checked for literal secrets (the client files git tracks).
    pub files: Vec<String>,
    pub offline: bool,
}

pub fn run(globals: &Globals, settings: Settings, printer: &Printer) -> anyhow::Result<()> {
    let Settings {
        names,
        offline,
        timeout,
    } = settings;
    let targets = Targets::select(globals, &names, None)?;
    let project = targets.cwd.clone();
    let tools_file = tools_path(&targets.config_path);
    let stored = ToolsFile::load(&tools_file)?;
    let mut findings: Vec<Finding> = Vec::new();
    let mut surfaces: Vec<Surface> = Vec::new();

    // The live tools of each server (online), else the stored ones.
    let live: HashMap<String, Result<Vec<Value>, McpError>> =
        if offline || targets.servers.is_empty() {
            HashMap::new()
        } else {
            list_live(globals, printer, &targets, timeout)
        };
    let pinned_in_git = if offline {
        committed_tools(&tools_file)
    } else {
        None
    };
    for s in &targets.servers {
        let entry = stored.get(&s.name);
        let pinned = entry
            .and_then(|e| e.get("tools"))
            .and_then(Value::as_array)
            .cloned();
        if let Some(e) = entry {
            let hash = e.get("tools_hash").and_then(Value::as_str);
            if pinned.is_some() && hash.is_some() && stored_tools_hash(e).as_deref() != hash {
                findings.push(Finding {
                    server: Some(s.name.clone()),
                    tool: None,
                    kind: "pin".into(),
                    severity: Severity::Medium,
                    message: format!(
                        "the tools in `.mcp.tools.json` do not hash to its `tools_hash`: they were edited by hand or merged badly; review them and run `aimcp mcp discover {}`",
                        s.name
                    ),
                });
            }
        }
        let tools = match live.get(&s.name) {
            Some(Ok(now)) => {
                match &pinned {
                    Some(p) => findings.extend(scan::rug_pull(
                        &s.name,
                        p,
                        now,
                        "`.mcp.tools.json`",
                    )),
                    None => findings.push(Finding {
                        server: Some(s.name.clone()),
                        tool: None,
                        kind: "unpinned".into(),
                        severity: Severity::Low,
                        message: format!(
                            "no tools pinned in `.mcp.tools.json`: run `aimcp mcp discover {}` and commit it, so that a later change shows",
                            s.name
                        ),
                    }),
                }
                now.clone()
            }
            Some(Err(e)) => {
                printer.warn(format!(
                    "server `{}` could not be reached ({}); checking the tools `.mcp.tools.json` holds",
                    s.name,
                    scan::visible(&e.message, 200)
                ));
                match &pinned {
                    Some(p) => p.clone(),
                    None => {
                        // A scan that checked nothing must not pass as clean.
                        findings.push(Finding {
                            server: Some(s.name.clone()),
                            tool: None,
                            kind: "unscanned".into(),
                            severity: Severity::Medium,
                            message: format!(
                                "could not be reached ({}) and was never discovered: its tools were not checked; fix the server, or run `aimcp mcp discover {}` where it runs",
                                scan::visible(&e.message, 200),
                                s.name
                            ),
                        });
                        continue;
                    }
                }
            }
            None => match &pinned {
                Some(p) => {
                    if let Some(old) = pinned_in_git
                        .as_ref()
                        .and_then(|g| g.get(&s.name))
                        .and_then(|e| e.get("tools"))
                        .and_then(Value::as_array)
                    {
                        findings.extend(scan::rug_pull(
                            &s.name,
                            old,
                            p,
                            "the last commit of `.mcp.tools.json`",
                        ));
                    }
                    p.clone()
                }
                None => {
                    findings.push(Finding {
                        server: Some(s.name.clone()),
                        tool: None,
                        kind: "unscanned".into(),
                        severity: Severity::Low,
                        message: format!(
                            "never discovered: its tools were not checked; run `aimcp mcp discover {}` or `aimcp mcp scan` without `--offline`",
                            s.name
                        ),
                    });
                    continue;
                }
            },
        };
        surfaces.push(Surface {
            server: s.name.clone(),
            tools,
        });
    }
    findings.extend(scan::scan_surfaces(&surfaces));

    // Literal secrets in the client files git tracks.
    let candidates: Vec<(String, std::path::PathBuf)> =
        std::iter::once(targets.config_path.clone())
            .chain(
                ClientId::ALL
                    .into_iter()
                    .filter(|id| *id != ClientId::Claude)
                    .filter_map(|id| id.client().project_path(&project)),
            )
            .filter(|p| p.is_file())
            .map(|p| {
                let shown = p.strip_prefix(&project).unwrap_or(&p).display().to_string();
                (shown, p)
            })
            .collect();
    let tracked = tracked_by_git(&candidates);
    let mut files = Vec::new();
    for (shown, path) in candidates {
        if !tracked.contains(&shown) {
            continue;
        }
        if let Ok(text) = std::fs::read_to_string(&path) {
            findings.extend(scan::scan_config_text(&shown, &text));
            files.push(shown);
        }
    }

    scan::sort(&mut findings);
    let high = findings
        .iter()
        .filter(|f| f.severity == Severity::High)
        .count();
    let servers: Vec<String> = surfaces.iter().map(|s| s.server.clone()).collect();
    let tool_count: usize = surfaces.iter().map(|s| s.tools.len()).sum();
    if printer.is_json() {
        printer.json(&ScanReport {
            findings,
            servers,
            files,
            offline,
        })?;
    } else if findings.is_empty() {
        printer.info(format!(
            "no findings in {tool_count} tool{} of {} server{}{}",
            if tool_count == 1 { "" } else { "s" },
            servers.len(),
            if servers.len() == 1 { "" } else { "s" },
            if files.is_empty() {
                String::new()
            } else {
                format!(" and {}", files.join(", "))
            }
        ));
    } else {
        let mut table = printer.table();
        table.set_header(["SEVERITY", "SERVER", "TOOL", "KIND", "MESSAGE"]);
        for f in &findings {
            table.add_row([
                f.severity.as_str().to_string(),
                f.server
                    .as_deref()
                    .map_or_else(|| "-".into(), |t| scan::visible(t, 80)),
                f.tool
                    .as_deref()
                    .map_or_else(|| "-".into(), |t| scan::visible(t, 80)),
                f.kind.clone(),
                scan::escape_controls(&f.message),
            ]);
        }
        printer.print_table(&table)?;
        let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
        printer.info(format!(
            "{} finding{} ({high} high, {} medium, {} low) in {tool_count} tools of {} servers",
            findings.len(),
            if findings.len() == 1 { "" } else { "s" },
            count(Severity::Medium),
            count(Severity::Low),
            servers.len()
        ));
    }
    if high > 0 {
        return Err(no(format!(
            "{high} high-severity finding{}",
            if high == 1 { "" } else { "s" }
        ))
        .hint("read the tools' descriptions before an agent does; switch a tool off with `aimcp mcp disable SERVER --tool TOOL`")
        .into());
    }
    Ok(())
}

/// Lists the tools of every selected server, nothing written.
fn list_live(
    globals: &Globals,
    printer: &Printer,
    targets: &Targets,
    timeout: Option<Duration>,
) -> HashMap<String, Result<Vec<Value>, McpError>> {
    let auth =
        super::oauth(globals, printer, targets, super::SignIn::default()).unwrap_or_else(|e| {
            printer.warn(format!("{e:#}"));
            None
        });
    let opts = targets
        .options(timeout)
        .with_trace(printer.mcp_trace())
        .with_auth(auth.map(|a| a as Arc<dyn mcp::auth::Authorizer>));
    let limit = targets.concurrency(None);
    let resolver = targets.resolver.clone();
    let spinner = printer.spinner("listing tools");
    let results = mcp::block_on(for_each_server(&targets.servers, limit, |_, s| {
        let resolver = resolver.clone();
        let opts = opts.clone();
        async move {
            let result = async {
                let session = mcp::connect(&s, &resolver, &opts).await?;
                let tools = session.list_tools().await;
                session.shutdown().await;
                tools
            }
            .await;
            (s.name.clone(), result)
        }
    }));
    spinner.finish_and_clear();
    results.into_iter().collect()
}

/// Which of `files` git tracks, asked in each file's own folder (so a `.mcp.json` found in a
/// parent folder is checked too); none outside a repository or without git.
fn tracked_by_git(files: &[(String, std::path::PathBuf)]) -> Vec<String> {
    files
        .iter()
        .filter(|(_, path)| {
            let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
                return false;
            };
            Command::new("git")
                .arg("-C")
                .arg(dir)
                .args(["ls-files", "--error-unmatch", "--"])
                .arg(name)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        })
        .map(|(shown, _)| shown.clone())
        .collect()
}

/// `.mcp.tools.json` as its last commit has it, when git tracks it.
fn committed_tools(tools_file: &Path) -> Option<serde_json::Map<String, Value>> {
    // Asked in the file's own folder: `HEAD:./NAME` is relative to it, wherever the project is.
    let dir = tools_file.parent()?;
    let name = tools_file.file_name()?;
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .arg("show")
        .arg(format!("HEAD:./{}", name.to_string_lossy()))
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    match serde_json::from_slice(&out.stdout).ok()? {
        Value::Object(m) => Some(m),
        _ => None,
    }
}

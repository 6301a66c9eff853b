//! `aimcp tokens import`

use std::path::{Path, PathBuf};

use serde_json::json;

use crate::error::{no, usage};
use crate::printer::Printer;
use crate::settings::Globals;
use crate::usage::import::{self, Agent, Defaults};

use super::{check_budgets_after, open_store, plural, price_book};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    ClaudeCode,
    Codex,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub source: Source,
    pub path: Option<PathBuf>,
}

fn home() -> Option<PathBuf> {
    dirs::home_dir()
}

/// Where the agent keeps its logs: `--path`, else its environment variable, else its defaults.
fn roots(source: Source, path: Option<&Path>) -> anyhow::Result<Vec<PathBuf>> {
    let sub = match source {
        Source::ClaudeCode => "projects",
        Source::Codex => "sessions",
    };
    if let Some(p) = path {
        if !p.is_dir() {
            return Err(usage(format!("`{}` is not a folder", p.display())).into());
        }
        let inner = p.join(sub);
        return Ok(vec![if inner.is_dir() {
            inner
        } else {
            p.to_path_buf()
        }]);
    }
    let mut out = Vec::new();
    match source {
        Source::ClaudeCode => {
            if let Ok(dirs) = std::env::var("CLAUDE_CONFIG_DIR")
                && !dirs.trim().is_empty()
            {
                for d in dirs.split(',').map(str::trim).filter(|d| !d.is_empty()) {
                    out.push(PathBuf::from(d).join("projects"));
                }
            } else {
                if let Some(c) = dirs::config_dir() {
                    out.push(c.join("claude").join("projects"));
                }
                if let Some(h) = home() {
                    out.push(h.join(".config").join("claude").join("projects"));
                    out.push(h.join(".claude").join("projects"));
                }
            }
        }
        Source::Codex => match std::env::var("CODEX_HOME") {
            Ok(d) if !d.trim().is_empty() => out.push(PathBuf::from(d).join("sessions")),
            _ => {
                if let Some(h) = home() {
                    out.push(h.join(".codex").join("sessions"));
                }
            }
        },
    }
    out.dedup();
    Ok(out)
}

pub fn run(globals: &Globals, s: Settings, printer: &Printer) -> anyhow::Result<()> {
    let path = s.path.as_ref().map(|p| globals.project_dir.join(p));
    let all_roots = roots(s.source, path.as_deref())?;
    let roots: Vec<PathBuf> = all_roots.iter().filter(|r| r.is_dir()).cloned().collect();
    let (agent, name) = match s.source {
        Source::ClaudeCode => (Agent::ClaudeCode, "Claude Code"),
        Source::Codex => (Agent::Codex, "Codex"),
    };
    if roots.is_empty() {
        let looked: Vec<String> = all_roots
            .iter()
            .map(|r| format!("`{}`", r.display()))
            .collect();
        return Err(no(format!("no {name} logs found in {}", looked.join(", ")))
            .hint("give the folder with `--path DIR`")
            .into());
    }
    let files = import::find_logs(&roots);
    let book = price_book(globals)?;
    let defaults = Defaults {
        user: std::env::var("USER")
            .ok()
            .filter(|u| !u.is_empty())
            .unwrap_or_else(|| "unknown".into()),
    };
    let mut store = open_store(globals)?;
    let root_of = |p: &Path| roots.iter().find(|r| p.starts_with(r)).cloned();
    let mut bar: Option<indicatif::ProgressBar> = None;
    let stats = import::import(
        &mut *store,
        agent,
        &root_of,
        &files,
        &book,
        &defaults,
        |done, total| {
            if total >= 32 << 20 {
                let b = bar.get_or_insert_with(|| {
                    let b = printer.progress_bar(total, true);
                    b.set_message(format!("importing {name} logs"));
                    b
                });
                b.set_position(done);
            }
        },
    )?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    if printer.is_json() {
        printer.json(&json!({
            "source": agent.source(),
            "files_read": stats.files_read,
            "files_unchanged": stats.files_unchanged,
            "requests_added": stats.requests_added,
            "duplicates": stats.duplicates,
            "unpriced": stats.unpriced,
        }))?;
    } else {
        printer.info(format!(
            "{} read ({} unchanged), {} added, {} skipped as duplicates",
            plural(stats.files_read as i64, "file"),
            super::thousands(stats.files_unchanged as i64),
            plural(stats.requests_added as i64, "request"),
            super::thousands(stats.duplicates as i64),
        ));
    }
    if stats.unpriced > 0 {
        printer.warn(super::unpriced_message(
            stats.unpriced as i64,
            ("was stored as unpriced", "were stored as unpriced"),
            &[],
        ));
    }
    if stats.requests_added > 0 {
        check_budgets_after(&*store, printer, globals.now, None)?;
    }
    Ok(())
}

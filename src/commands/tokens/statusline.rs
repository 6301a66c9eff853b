//! `aimcp tokens statusline`: one line for Claude Code's `statusLine` hook.
//!
//! Claude Code runs the command on every prompt with a JSON document on stdin
//! (`session_id`, `transcript_path`, `model.display_name`, `workspace.current_dir`,
//! `cost.total_cost_usd` ...) and shows the first line it prints. This imports what changed in
//! Claude Code's logs, then prints today's cost, the active 5-hour block and the session's cost.
//! It never fails inside Claude Code: an error is printed as `aimcp: ` and its first line, with
//! exit 0, so the status line says what is wrong instead of going blank.

use serde::Deserialize;

use super::{claude_log_roots, duration, money, open_store, price_book};
use crate::printer::Printer;
use crate::settings::Globals;
use crate::usage::Scope;
use crate::usage::budget::Calendar;
use crate::usage::import::{self, Agent, Defaults};
use crate::usage::report::blocks::{self, PROVIDER};

/// What aimcp reads of the hook's JSON (Claude Code sends more).
#[derive(Debug, Default, Deserialize)]
pub struct Hook {
    pub session_id: Option<String>,
    pub model: Option<HookModel>,
    pub cost: Option<HookCost>,
}

#[derive(Debug, Default, Deserialize)]
pub struct HookModel {
    pub id: Option<String>,
    pub display_name: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct HookCost {
    pub total_cost_usd: Option<f64>,
}

pub fn run(globals: &Globals, input: &str, printer: &Printer) -> anyhow::Result<()> {
    let line = match status(globals, input) {
        Ok(l) => l,
        Err(e) => {
            let text = format!("{e:#}");
            format!("aimcp: {}", text.lines().next().unwrap_or("error"))
        }
    };
    printer.line(line)
}

/// The line, or what went wrong.
pub fn status(globals: &Globals, input: &str) -> anyhow::Result<String> {
    let hook: Hook = if input.trim().is_empty() {
        Hook::default()
    } else {
        serde_json::from_str(input)
            .map_err(|e| anyhow::anyhow!("the status line's JSON on stdin is not valid: {e}"))?
    };
    let mut store = open_store(globals)?;
    // what changed in Claude Code's logs
    let roots: Vec<_> = claude_log_roots()
        .into_iter()
        .filter(|r| r.is_dir())
        .collect();
    if !roots.is_empty() {
        let files = import::find_logs(&roots);
        let book = price_book(globals)?;
        let defaults = Defaults {
            user: std::env::var("USER")
                .ok()
                .filter(|u| !u.is_empty())
                .unwrap_or_else(|| "unknown".into()),
        };
        let root_of = |p: &std::path::Path| roots.iter().find(|r| p.starts_with(r)).cloned();
        import::import(
            &mut *store,
            Agent::ClaudeCode,
            &root_of,
            &files,
            &book,
            &defaults,
            |_, _| {},
        )?;
    }
    let conn = &*store;
    let tz = crate::window::zone(None)?;
    let now = globals.now.as_millisecond();
    let cal = Calendar::at(globals.now, &tz)?;
    let today = conn.total(cal.day_start, cal.day_end, &Scope::Global)?;
    let b = blocks::scan(conn, now, now + 1, PROVIDER)?;
    let mut parts = Vec::new();
    if let Some(m) = &hook.model
        && let Some(name) = m.display_name.as_ref().or(m.id.as_ref())
    {
        parts.push(name.clone());
    }
    parts.push(format!("today {}", money(today.cost_nanos)));
    match b.blocks.iter().find(|x| x.is_active(now)) {
        Some(x) => {
            let (rate, _) = blocks::burn(x, now);
            parts.push(format!(
                "block {} ({} left, {}/h)",
                money(x.cost_nanos),
                duration((x.end_ms - now).max(0) / 60_000),
                money(rate)
            ));
        }
        None => parts.push("no active block".into()),
    }
    // the session: Claude Code's own figure when it sends one, else the ledger's
    let session = match (&hook.cost, &hook.session_id) {
        (
            Some(HookCost {
                total_cost_usd: Some(c),
            }),
            _,
        ) if c.is_finite() && *c >= 0.0 => Some((c * 1e9).round() as i64),
        (_, Some(id)) => {
            let (n, cost) = conn.session_cost(now - 7 * 86_400_000, now + 1, id)?;
            (n > 0).then_some(cost)
        }
        _ => None,
    };
    if let Some(c) = session {
        parts.push(format!("session {}", money(c)));
    }
    Ok(parts.join(" · "))
}

//! `aimcp tokens report`: gathers the report's inputs from the store, the price table, the
//! budgets and `.mcp.tools.json`, builds it (`usage::report`) and renders it as text,
//! Markdown, HTML or JSON.

mod html;
mod markdown;
mod text;

use std::collections::HashSet;
use std::path::PathBuf;

use jiff::ToSpan;
use jiff::tz::TimeZone;

use super::{price_book, read_store};
use crate::printer::Printer;
use crate::settings::Globals;
use crate::usage::budget::Calendar;
use crate::usage::report::{self, Input, McpInput, Report};
use crate::usage::{Dim, Key, Ledger, Scope, Totals};
use crate::window::{WindowSpec, whole_hour_zone, zone_name};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Html,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    Provider,
    Model,
    User,
    Project,
}

impl By {
    fn name(self) -> &'static str {
        match self {
            By::Provider => "provider",
            By::Model => "model",
            By::User => "user",
            By::Project => "project",
        }
    }

    fn dim(self) -> Dim {
        match self {
            By::Provider => Dim::Provider,
            By::Model => Dim::Model,
            By::User => Dim::User,
            By::Project => Dim::Project,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub window: WindowSpec,
    pub by: By,
    /// `None`: from `--output`'s extension (`.html`, `.md`, `.json`), else JSON with `--json`,
    /// else text.
    pub format: Option<Format>,
    pub output: Option<PathBuf>,
}

fn format_of(s: &Settings, json: bool) -> Format {
    if let Some(f) = s.format {
        return f;
    }
    let ext = s
        .output
        .as_ref()
        .and_then(|p| p.extension())
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("html" | "htm") => Format::Html,
        Some("md" | "markdown") => Format::Markdown,
        Some("json") => Format::Json,
        _ if json => Format::Json,
        _ => Format::Text,
    }
}

pub fn run(globals: &Globals, s: Settings, printer: &Printer) -> anyhow::Result<()> {
    let format = format_of(&s, printer.is_json());
    // `--json`: stdout holds the JSON report, and nothing else (a file in another format needs
    // `--output`)
    if printer.is_json() && s.output.is_none() && format != Format::Json {
        let name = match format {
            Format::Text => "text",
            Format::Markdown => "markdown",
            Format::Html => "html",
            Format::Json => "json",
        };
        return Err(crate::error::usage(format!(
            "`--json` prints the report as JSON on stdout: `--format {name}` cannot go there too"
        ))
        .hint(format!(
            "add `--output FILE` to write the {name} report to a file"
        ))
        .into());
    }
    let report = gather(globals, &s)?;
    let to_terminal = s.output.is_none() && printer.stdout_is_terminal();
    let text = match format {
        Format::Json => {
            let mut t = serde_json::to_string_pretty(&report)?;
            t.push('\n');
            t
        }
        Format::Text => text::render(&report, to_terminal),
        Format::Markdown => markdown::render(&report),
        Format::Html => html::render(&report),
    };
    match &s.output {
        Some(path) => {
            let path = globals.project_dir.join(path);
            crate::config::write_atomic(&path, text.as_bytes(), None)
                .map_err(|e| e.context(format!("cannot write `{}`", path.display())))?;
            if printer.is_json() {
                printer.json(&report)?;
            } else {
                printer.info(format!("wrote the report to `{}`", path.display()));
            }
        }
        None if format == Format::Json && printer.is_json() => printer.json(&report)?,
        None => printer.write(&text)?,
    }
    if !report.unpriced_models.is_empty() {
        printer.warn(super::unpriced_message(
            report.totals.unpriced_requests,
            ("is not in the costs", "are not in the costs"),
            &report.unpriced_models,
        ));
    }
    Ok(())
}

/// Reads everything the report needs and builds it.
pub fn gather(globals: &Globals, s: &Settings) -> anyhow::Result<Report> {
    let tz = &s.window.tz;
    let now = globals.now;
    let now_ms = now.as_millisecond();
    let w = s.window.resolve(now)?;
    let store = read_store(globals)?;
    let conn: &dyn Ledger = &*store;
    let book = price_book(globals)?;
    let cal = Calendar::at(now, tz)?;
    let today = now.to_zoned(tz.clone()).date();
    let day_start = |d: jiff::civil::Date| -> anyhow::Result<i64> {
        Ok(d.to_zoned(tz.clone())?.timestamp().as_millisecond())
    };
    // the sums from the baseline before the window (and the week before today, and this
    // month) to the window's (or the month's) end
    let baseline = (report::BASELINE_DAYS as i64 + 1).days();
    let lo = [
        day_start(w.first_day.checked_sub(baseline)?)?,
        day_start(today.checked_sub(baseline)?)?,
        cal.month_start,
    ]
    .into_iter()
    .min()
    .unwrap_or(w.start);
    let hi = w.end.max(cal.month_end);
    let cells = conn.report_cells(lo, hi, tz, whole_hour_zone(tz, lo, hi))?;
    let len = w.end - w.start;
    let previous = conn.total(w.start - len, w.start, &Scope::Global)?;
    let hours = whole_hour_zone(tz, w.start - len, w.end);
    let now_groups = conn.aggregate(w.start, w.end, s.by.dim(), &Scope::Global, hours)?;
    let before = conn.aggregate(w.start - len, w.start, s.by.dim(), &Scope::Global, hours)?;
    let mut breakdown: Vec<(String, Totals, Totals)> = Vec::new();
    for (k, t) in now_groups {
        if let Key::Name(n) = k {
            let p = before
                .iter()
                .find(|(bk, _)| *bk == Key::Name(n.clone()))
                .map(|(_, t)| *t)
                .unwrap_or_default();
            breakdown.push((n, t, p));
        }
    }
    let facts = conn.report_facts(w.start, w.end, w.end.min(now_ms), &book)?;
    let mut days = Vec::new();
    let mut d = w.first_day;
    while d <= w.last_day {
        days.push(d);
        d = d.tomorrow()?;
    }
    let mcp = mcp_input(globals, conn, w.start, w.end, tz);
    Ok(report::build(Input {
        since_ms: w.start,
        until_ms: w.end,
        time_zone: zone_name(tz),
        days,
        cells,
        previous,
        by: s.by.name(),
        breakdown,
        today,
        month_first: today.first_of_month(),
        month_last: today.last_of_month(),
        month_left_ms: (cal.month_end - now_ms).max(0),
        budgets: conn.budgets()?,
        facts,
        book: &book,
        mcp,
    }))
}

/// Tool-definition footprints from `.mcp.tools.json`, and the tools never called in the window
/// when the gateway recorded calls. Without `.mcp.json` (or with an unreadable one), nothing.
fn mcp_input(
    globals: &Globals,
    conn: &dyn Ledger,
    start: i64,
    end: i64,
    tz: &TimeZone,
) -> McpInput {
    let Ok(located) = globals.locate_config() else {
        return McpInput::default();
    };
    let Ok(file) = crate::config::tools::ToolsFile::load(&crate::config::tools_path(&located.path))
    else {
        return McpInput::default();
    };
    let mut footprints = Vec::new();
    let mut tools = Vec::new();
    for (server, entry) in file.entries() {
        if let Some(n) = entry.get("token_footprint").and_then(|v| v.as_u64()) {
            footprints.push((server.clone(), n));
        }
        for t in entry
            .get("tools")
            .and_then(|v| v.as_array())
            .into_iter()
            .flatten()
        {
            if let Some(name) = t.get("name").and_then(|v| v.as_str()) {
                tools.push(format!("{server}__{name}"));
            }
        }
    }
    let never_called = match conn.call_stats(start, end, crate::usage::calls::StatsBy::Tool, tz) {
        Ok(stats) if stats.totals.calls > 0 => {
            let called: HashSet<&str> = stats.rows.iter().map(|(k, _)| k.as_str()).collect();
            let mut never: Vec<String> = tools
                .into_iter()
                .filter(|t| !called.contains(t.as_str()))
                .collect();
            never.sort();
            Some(never)
        }
        _ => None,
    };
    McpInput {
        footprints,
        never_called,
    }
}

/// A sparkline of values: one of eight bars per value, scaled to the largest.
/// The columns of the model comparison table, in every format.
pub(crate) const MODEL_COLUMNS: [&str; 12] = [
    "model",
    "share",
    "cost",
    "per 1k output",
    "per request",
    "requests",
    "avg input",
    "avg output",
    "avg cache read",
    "avg cache write",
    "failed",
    "mean latency",
];

/// One model's cells of that table (the model's name as it is: each format quotes it).
pub(crate) fn model_cells(m: &crate::usage::report::ModelRow) -> Vec<String> {
    use crate::usage::report::{money, thousands};
    let usd = |u: Option<crate::pricing::Usd>| u.map_or_else(|| "-".to_string(), |u| money(u.0));
    vec![
        m.model.clone(),
        share(m.share),
        money(m.cost_usd.0),
        usd(m.cost_per_1k_output_usd),
        usd(m.cost_per_request_usd),
        thousands(m.requests),
        thousands(m.avg_input_tokens),
        thousands(m.avg_output_tokens),
        thousands(m.avg_cache_read_tokens),
        thousands(m.avg_cache_write_tokens),
        m.failure_share.map_or_else(|| "-".into(), share),
        m.mean_latency_ms
            .map_or_else(|| "-".into(), |l| format!("{l:.0} ms")),
    ]
}

pub(crate) fn sparkline(values: &[i64]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let max = values.iter().copied().max().unwrap_or(0);
    values
        .iter()
        .map(|v| {
            if max <= 0 || *v <= 0 {
                ' '
            } else {
                BARS[((*v as i128 * 7 + max as i128 / 2) / max as i128).clamp(0, 7) as usize]
            }
        })
        .collect()
}

/// A percent change for people: `+12.5%`, `-3.0%`, or `-` without a base.
pub(crate) fn pct(c: Option<f64>) -> String {
    c.map_or_else(|| "-".to_string(), |c| format!("{c:+.1}%"))
}

/// A share (0–1) as a percent with one decimal.
pub(crate) fn share(s: f64) -> String {
    format!("{:.1}%", s * 100.0)
}

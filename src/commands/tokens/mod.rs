//! `aimcp tokens ...`

pub mod blocks;
pub mod budget;
pub mod check;
pub mod export;
pub mod import;
pub mod prices;
pub mod record;
pub mod report;
pub mod statusline;
pub mod summary;
pub mod sync;

use comfy_table::{Cell, CellAlignment};
use jiff::Timestamp;
use serde::Serialize;

use crate::error::usage;
use crate::pricing::Usd;
use crate::printer::{Annotation, Printer};
use crate::settings::Globals;
use crate::usage::budget::{self as budgets, Level, Status};
use crate::usage::{self, Ledger, OpenMode, Scope};

/// Where Claude Code keeps its logs: each folder of `CLAUDE_CONFIG_DIR` (comma-separated),
/// else its defaults (`~/.config/claude`, `~/.claude`), each with `projects` inside.
pub(crate) fn claude_log_roots() -> Vec<std::path::PathBuf> {
    use std::path::PathBuf;
    let mut out = Vec::new();
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
        if let Some(h) = dirs::home_dir() {
            out.push(h.join(".config").join("claude").join("projects"));
            out.push(h.join(".claude").join("projects"));
        }
    }
    out
}

/// Opens the store for a command that writes, creating it on first use.
pub(crate) fn open_store(globals: &Globals) -> anyhow::Result<Box<dyn Ledger>> {
    usage::open(&globals.ledger()?, OpenMode::Write)
}

/// `--csv` (or `--jsonl`) with `--json`: two documents cannot both be stdout. clap refuses the
/// pair when both follow the subcommand; this refuses `--json` given before it.
pub(crate) fn refuse_with_json(globals: &Globals, flag: &str, given: bool) -> anyhow::Result<()> {
    if given && globals.json {
        return Err(usage(format!(
            "the argument `{flag}` cannot be used with `--json`"
        ))
        .into());
    }
    Ok(())
}

/// Opens the store for a command that only reads: with no store, an empty ledger, and nothing
/// created (see [`OpenMode::Read`]).
pub(crate) fn read_store(globals: &Globals) -> anyhow::Result<Box<dyn Ledger>> {
    usage::open(&globals.ledger()?, OpenMode::Read)
}

/// The built-in prices with `--pricing`/`AIMCP_PRICING` over them.
pub(crate) fn price_book(globals: &Globals) -> anyhow::Result<crate::pricing::PriceBook> {
    crate::pricing::PriceBook::load(globals.pricing.as_deref())
}

/// A USD amount from a flag, in nano-dollars (exact to the ninth decimal, rounded half to even
/// past it), at most [`usage::MAX_COST_NANOS`] ($1,000,000,000).
pub(crate) fn parse_usd_flag(flag: &str, text: &str) -> anyhow::Result<i64> {
    match crate::pricing::parse_usd_wide(text) {
        Some(v) if v > usage::MAX_COST_NANOS as i128 => Err(usage(format!(
            "invalid `{flag} {text}`: the largest amount is {}",
            usage::OverLimit::ceiling("cost")
        ))
        .into()),
        Some(v) if v >= 0 => Ok(v as i64),
        _ => Err(usage(format!(
            "invalid `{flag} {text}`: expected an amount of US dollars such as `10` or `0.50`"
        ))
        .into()),
    }
}

/// `1234567` -> `1,234,567`.
/// `2h 05m`.
pub(crate) fn duration(minutes: i64) -> String {
    format!("{}h {:02}m", minutes / 60, minutes % 60)
}

pub(crate) fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Nano-dollars for people: `$1,234.57` (rounded half up to the cent, once, from the exact
/// amount), or four decimals under a dollar so small costs do not read as nothing (`$0.0392`).
pub(crate) fn money(nanos: i64) -> String {
    let sign = if nanos < 0 { "-" } else { "" };
    let m = nanos.unsigned_abs();
    if m > 0 && m < 999_950_000 {
        let hundredths_of_cents = (m + 50_000) / 100_000;
        return format!("{sign}$0.{hundredths_of_cents:04}");
    }
    let cents = (m + 5_000_000) / 10_000_000;
    format!("{sign}${}.{:02}", thousands_u(cents / 100), cents % 100)
}

/// [`thousands`] of a `u64`.
fn thousands_u(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `1 request`, `2 requests`.
pub(crate) fn plural(n: i64, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{} {word}s", thousands(n))
    }
}

/// The verb that agrees with a count: `agree(1, "has", "have")` is `has`.
pub(crate) fn agree<'a>(n: i64, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// `1 request has no price and was recorded as unpriced: `m``, for `n` requests without a
/// price; `then` is what happened to them, as `(singular, plural)` (`("was recorded", "were
/// recorded")`), and `models` names them when known.
pub(crate) fn unpriced_message(n: i64, then: (&str, &str), models: &[String]) -> String {
    let mut text = format!(
        "{} {} no price and {}",
        plural(n, "request"),
        agree(n, "has", "have"),
        agree(n, then.0, then.1)
    );
    if !models.is_empty() {
        let names: Vec<String> = models.iter().map(|m| format!("`{m}`")).collect();
        text.push_str(": ");
        text.push_str(&names.join(", "));
    }
    text
}

/// `global`, `user:NAME`, `project:NAME`, `org:NAME`.
pub(crate) fn parse_scope(text: &str) -> anyhow::Result<Scope> {
    Scope::parse(text).ok_or_else(|| {
        usage(format!("invalid `--scope {text}`"))
            .hint("use global, user:NAME, project:NAME or org:NAME")
            .into()
    })
}

/// A budget's status as `tokens check`, `budget status` and `summary` print it in JSON.
#[derive(Debug, Serialize)]
pub(crate) struct StatusJson {
    /// `None` for the one-off `summary --budget` (it is not stored).
    pub id: Option<i64>,
    pub scope: String,
    pub period: &'static str,
    pub limit_usd: Usd,
    pub spent_usd: Usd,
    pub percent: f64,
    pub level: &'static str,
    pub unpriced_requests: i64,
}

pub(crate) fn status_json(s: &Status) -> StatusJson {
    StatusJson {
        id: Some(s.budget.id),
        scope: s.budget.scope.to_string(),
        period: s.budget.period.as_str(),
        limit_usd: Usd(s.budget.limit_nanos),
        spent_usd: Usd(s.spent_nanos),
        percent: s.percent(),
        level: s.level.as_str(),
        unpriced_requests: s.unpriced,
    }
}

fn bar(s: &Status) -> String {
    let width = 20i64;
    let filled = (s.basis_points.clamp(0, 10_000) * width / 10_000) as usize;
    format!(
        "{}{}",
        "█".repeat(filled),
        "░".repeat(width as usize - filled)
    )
}

/// Prints statuses as a table (spent, limit, percent, a bar).
pub(crate) fn print_statuses(statuses: &[Status], printer: &Printer) -> anyhow::Result<()> {
    let mut table = printer.table();
    table.set_header(vec![
        "id", "period", "scope", "spent", "limit", "percent", "", "level",
    ]);
    for s in statuses {
        table.add_row(vec![
            Cell::new(s.budget.id),
            Cell::new(s.budget.period.as_str()),
            Cell::new(s.budget.scope.to_string()),
            Cell::new(money(s.spent_nanos)).set_alignment(CellAlignment::Right),
            Cell::new(money(s.budget.limit_nanos)).set_alignment(CellAlignment::Right),
            Cell::new(format!("{:.1}%", s.percent())).set_alignment(CellAlignment::Right),
            Cell::new(bar(s)),
            Cell::new(s.level.as_str()),
        ]);
    }
    printer.print_table(&table)
}

/// `exceeded` or `nearly spent`, for a level past the first threshold.
fn level_words(level: Level) -> &'static str {
    if level == Level::Exceeded {
        "exceeded"
    } else {
        "nearly spent"
    }
}

/// A warning for a budget past a threshold and, under GitHub Actions, an annotation: an error
/// when it is exceeded, else a warning. `warn`: also print `warning: ...` (an exceeded one-off
/// budget is the command's error instead).
pub(crate) fn budget_alert(printer: &Printer, level: Level, text: &str, warn: bool) {
    if warn {
        printer.warn(text);
    }
    let kind = if level == Level::Exceeded {
        Annotation::Error
    } else {
        Annotation::Warning
    };
    printer.annotation(kind, "aimcp budget", text);
}

/// Prints a warning (and, under GitHub Actions, an annotation) for every budget past a threshold.
pub(crate) fn warn_budgets(statuses: &[Status], printer: &Printer) {
    for s in statuses.iter().filter(|s| s.level != Level::Ok) {
        let b = &s.budget;
        let text = format!(
            "{} budget {} ({}) is {}: {:.1}% spent, {} of {}",
            b.period.as_str(),
            b.id,
            b.scope,
            level_words(s.level),
            s.percent(),
            money(s.spent_nanos),
            money(b.limit_nanos)
        );
        budget_alert(printer, s.level, &text, true);
    }
}

/// Says, for each budget whose period holds requests without a price, that its spend leaves
/// them out.
pub(crate) fn note_unpriced(statuses: &[Status], printer: &Printer) {
    for s in statuses.iter().filter(|s| s.unpriced > 0) {
        let b = &s.budget;
        printer.warn(format!(
            "{} budget {} ({}): {}",
            b.period.as_str(),
            b.id,
            b.scope,
            unpriced_message(
                s.unpriced,
                ("is not in its spend", "are not in its spend"),
                &[]
            )
        ));
    }
}

/// Every budget's status now, in the local zone (of `scope` only, when given).
pub(crate) fn budget_statuses(
    store: &dyn Ledger,
    now: Timestamp,
    scope: Option<&Scope>,
    add: i64,
    request: Option<i64>,
) -> anyhow::Result<Vec<Status>> {
    budgets::current(store, now, &crate::window::zone(None)?, scope, add, request)
}

/// Checks every budget after new spending and warns about those past a threshold.
/// `request`: the costliest request just recorded, for per-request budgets.
pub(crate) fn check_budgets_after(
    store: &dyn Ledger,
    printer: &Printer,
    now: Timestamp,
    request: Option<i64>,
) -> anyhow::Result<()> {
    // most stores have no budgets: then not even the local zone is read
    if !store.has_budgets()? {
        return Ok(());
    }
    warn_budgets(&budget_statuses(store, now, None, 0, request)?, printer);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(thousands(-1234), "-1,234");
        assert_eq!(money(39_207_000), "$0.0392");
        assert_eq!(money(999_960_000), "$1.00");
        assert_eq!(money(1_005_000_000), "$1.01");
        assert_eq!(money(1_004_999_999), "$1.00");
        assert_eq!(money(1_234_565_000_000), "$1,234.57");
        assert_eq!(money(0), "$0.00");
        // 100,000 requests of 300 n$ each ($0.30 per million tokens, one token): three cents
        assert_eq!(money(30_000_000), "$0.0300");
        assert_eq!(money(i64::MAX), "$9,223,372,036.85");
        assert_eq!(money(-i64::MAX), "-$9,223,372,036.85");
    }

    #[test]
    fn counts_agree_with_their_verbs() {
        assert_eq!(
            unpriced_message(1, ("was recorded", "were recorded"), &["m".into()]),
            "1 request has no price and was recorded: `m`"
        );
        assert_eq!(
            unpriced_message(2, ("is not in the costs", "are not in the costs"), &[]),
            "2 requests have no price and are not in the costs"
        );
    }
}

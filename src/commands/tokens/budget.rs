//! `aimcp tokens budget`

use comfy_table::{Cell, CellAlignment};
use jiff::Timestamp;
use serde_json::json;

use crate::error::{no, usage};
use crate::pricing::usd_json;
use crate::printer::Printer;
use crate::settings::Globals;
use crate::usage::Scope;
use crate::usage::budget::{self as budgets, Calendar, Period, Status};

use super::summary::status_json;
use super::{money, open_store, parse_usd_flag, warn_budgets, zone};

#[derive(Debug, Clone)]
pub struct SetSettings {
    pub daily: Option<String>,
    pub monthly: Option<String>,
    pub per_request: Option<String>,
    pub scope: String,
    pub thresholds: String,
}

/// `global`, `user:NAME`, `project:NAME`, `org:NAME`.
pub(crate) fn parse_scope(text: &str) -> anyhow::Result<Scope> {
    Scope::parse(text).ok_or_else(|| {
        usage(format!("invalid `--scope {text}`"))
            .hint("use global, user:NAME, project:NAME or org:NAME")
            .into()
    })
}

fn parse_thresholds(text: &str) -> anyhow::Result<[i64; 3]> {
    let parts: Vec<Option<i64>> = text
        .split(',')
        .map(|p| p.trim().trim_end_matches('%').parse::<i64>().ok())
        .collect();
    match parts.as_slice() {
        [Some(a), Some(b), Some(c)] if 0 < *a && a <= b && b <= c => Ok([*a, *b, *c]),
        _ => Err(usage(format!(
            "invalid `--thresholds {text}`: expected three rising percentages such as `80,90,100`"
        ))
        .into()),
    }
}

pub fn set(globals: &Globals, s: SetSettings, printer: &Printer) -> anyhow::Result<()> {
    let (period, limit) = match (&s.daily, &s.monthly, &s.per_request) {
        (Some(v), _, _) => (Period::Daily, parse_usd_flag("--daily", v)?),
        (_, Some(v), _) => (Period::Monthly, parse_usd_flag("--monthly", v)?),
        (_, _, Some(v)) => (Period::PerRequest, parse_usd_flag("--per-request", v)?),
        _ => {
            return Err(usage("give one of `--daily`, `--monthly` or `--per-request`").into());
        }
    };
    let scope = parse_scope(&s.scope)?;
    let thresholds = parse_thresholds(&s.thresholds)?;
    let mut store = open_store(globals)?;
    let id = store.write(|tx| Ok(budgets::add(tx, period, limit, &scope, thresholds)?))?;
    if printer.is_json() {
        printer.json(&json!({
            "id": id,
            "period": period.as_str(),
            "scope": scope.to_string(),
            "limit_usd": usd_json(limit),
            "thresholds": thresholds,
        }))?;
    } else {
        printer.info(format!(
            "budget {id} set: {} {} for {}",
            period.as_str(),
            money(limit),
            scope
        ));
    }
    Ok(())
}

pub fn list(globals: &Globals, printer: &Printer) -> anyhow::Result<()> {
    let store = open_store(globals)?;
    let list = budgets::list(store.conn())?;
    if printer.is_json() {
        let items: Vec<serde_json::Value> = list
            .iter()
            .map(|b| {
                json!({
                    "id": b.id,
                    "period": b.period.as_str(),
                    "scope": b.scope.to_string(),
                    "limit_usd": usd_json(b.limit_nanos),
                    "thresholds": b.thresholds,
                })
            })
            .collect();
        return printer.json(&json!({ "budgets": items }));
    }
    if list.is_empty() {
        printer.info("no budgets set");
        printer.hint("set one with `aimcp tokens budget set --daily 10`");
        return Ok(());
    }
    let mut table = printer.table();
    table.set_header(vec!["id", "period", "limit", "scope", "thresholds"]);
    for b in &list {
        table.add_row(vec![
            Cell::new(b.id),
            Cell::new(b.period.as_str()),
            Cell::new(money(b.limit_nanos)).set_alignment(CellAlignment::Right),
            Cell::new(b.scope.to_string()),
            Cell::new(format!(
                "{}/{}/{} %",
                b.thresholds[0], b.thresholds[1], b.thresholds[2]
            )),
        ]);
    }
    printer.print_table(&table)
}

pub fn remove(globals: &Globals, id: &str, printer: &Printer) -> anyhow::Result<()> {
    let Ok(n) = id.trim().parse::<i64>() else {
        return Err(
            usage(format!("invalid budget id `{id}`: expected a number"))
                .hint("see `aimcp tokens budget list`")
                .into(),
        );
    };
    let mut store = open_store(globals)?;
    let removed = store.write(|tx| Ok(budgets::remove(tx, n)?))?;
    if !removed {
        return Err(no(format!("budget `{id}` not found"))
            .hint("see `aimcp tokens budget list`")
            .into());
    }
    if printer.is_json() {
        printer.json(&json!({ "removed": n }))?;
    } else {
        printer.info(format!("budget {n} removed"));
    }
    Ok(())
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

pub fn status(globals: &Globals, printer: &Printer) -> anyhow::Result<()> {
    let store = open_store(globals)?;
    let list = budgets::list(store.conn())?;
    let cal = Calendar::at(Timestamp::now(), &zone(None)?)?;
    let statuses = budgets::status(store.conn(), &list, &cal, 0, None)?;
    if printer.is_json() {
        let items: Vec<serde_json::Value> = statuses.iter().map(status_json).collect();
        printer.json(&json!({ "budgets": items }))?;
    } else if statuses.is_empty() {
        printer.info("no budgets set");
        printer.hint("set one with `aimcp tokens budget set --daily 10`");
    } else {
        print_statuses(&statuses, printer)?;
    }
    warn_budgets(&statuses, printer);
    Ok(())
}

//! `aimcp tokens budget`

use comfy_table::{Cell, CellAlignment};
use serde::Serialize;
use serde_json::json;

use crate::error::{no, usage};
use crate::pricing::Usd;
use crate::printer::Printer;
use crate::settings::Globals;
use crate::usage::Scope;
use crate::usage::budget::{self as budgets, Period};

use super::{
    budget_statuses, money, note_unpriced, open_store, print_statuses, read_store, status_json,
    warn_budgets,
};

#[derive(Debug, Clone)]
pub struct SetSettings {
    /// The period and the limit in nano-dollars.
    pub limit: (Period, i64),
    pub scope: Scope,
    /// Warning, critical and exceeded levels, in percent of the limit.
    pub thresholds: [i64; 3],
}

/// `80,90,100`: three rising percentages.
pub(crate) fn parse_thresholds(text: &str) -> anyhow::Result<[i64; 3]> {
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
    let SetSettings {
        limit: (period, limit),
        scope,
        thresholds,
    } = s;
    let mut store = open_store(globals)?;
    let id = store.add_budget(&budgets::NewBudget {
        period,
        limit_nanos: limit,
        scope: scope.clone(),
        thresholds,
        created_ms: globals.now.as_millisecond(),
    })?;
    if printer.is_json() {
        printer.json(&BudgetJson {
            id,
            period: period.as_str(),
            scope: scope.to_string(),
            limit_usd: Usd(limit),
            thresholds,
        })?;
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

/// A budget as `budget set` and `budget list` print it in JSON.
#[derive(Serialize)]
struct BudgetJson {
    id: i64,
    period: &'static str,
    scope: String,
    limit_usd: Usd,
    thresholds: [i64; 3],
}

/// `{"budgets": [...]}`.
#[derive(Serialize)]
struct Budgets<T: Serialize> {
    budgets: Vec<T>,
}

pub fn list(globals: &Globals, printer: &Printer) -> anyhow::Result<()> {
    let store = read_store(globals)?;
    let list = store.budgets()?;
    if printer.is_json() {
        let budgets: Vec<BudgetJson> = list
            .iter()
            .map(|b| BudgetJson {
                id: b.id,
                period: b.period.as_str(),
                scope: b.scope.to_string(),
                limit_usd: Usd(b.limit_nanos),
                thresholds: b.thresholds,
            })
            .collect();
        return printer.json(&Budgets { budgets });
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
    // with no store there is no budget to remove, and no store is made to say so
    let mut store = read_store(globals)?;
    let removed = store.remove_budget(n)?;
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

pub fn status(globals: &Globals, printer: &Printer) -> anyhow::Result<()> {
    let store = read_store(globals)?;
    let statuses = budget_statuses(&*store, globals.now, None, 0, None)?;
    if printer.is_json() {
        printer.json(&Budgets {
            budgets: statuses.iter().map(status_json).collect::<Vec<_>>(),
        })?;
    } else if statuses.is_empty() {
        printer.info("no budgets set");
        printer.hint("set one with `aimcp tokens budget set --daily 10`");
    } else {
        print_statuses(&statuses, printer)?;
    }
    warn_budgets(&statuses, printer);
    note_unpriced(&statuses, printer);
    Ok(())
}

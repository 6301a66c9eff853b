//! `aimcp tokens check`: a CI gate. Exit 0 when every budget holds (with the estimate added),
//! 1 when any would be exceeded.

use serde::Serialize;

use crate::error::no;
use crate::printer::Printer;
use crate::settings::Globals;
use crate::usage::Scope;
use crate::usage::budget::Level;

use super::{
    StatusJson, agree, budget_statuses, money, note_unpriced, plural, print_statuses, read_store,
    status_json, warn_budgets,
};

#[derive(Debug, Clone)]
pub struct Settings {
    /// A cost to add to what has been spent, in nano-dollars.
    pub estimate: Option<i64>,
    /// Only the budgets of this scope.
    pub scope: Option<Scope>,
}

pub fn run(globals: &Globals, s: Settings, printer: &Printer) -> anyhow::Result<()> {
    let Settings { estimate, scope } = s;
    let store = read_store(globals)?;
    let statuses = budget_statuses(
        &*store,
        globals.now,
        scope.as_ref(),
        estimate.unwrap_or(0),
        estimate,
    )?;
    let ok = statuses.iter().all(|s| s.level != Level::Exceeded);
    if printer.is_json() {
        #[derive(Serialize)]
        struct Checked {
            ok: bool,
            budgets: Vec<StatusJson>,
        }
        printer.json(&Checked {
            ok,
            budgets: statuses.iter().map(status_json).collect(),
        })?;
    } else if statuses.is_empty() {
        printer.info("no budgets to check");
    } else {
        print_statuses(&statuses, printer)?;
    }
    warn_budgets(&statuses, printer);
    note_unpriced(&statuses, printer);
    if ok {
        if !printer.is_json() && !statuses.is_empty() {
            printer.info(match estimate {
                Some(e) => format!("every budget holds with {} more", money(e)),
                None => "every budget holds".to_string(),
            });
        }
        Ok(())
    } else {
        let n = statuses
            .iter()
            .filter(|s| s.level == Level::Exceeded)
            .count() as i64;
        Err(no(match estimate {
            Some(e) => format!(
                "{} would be exceeded with {} more",
                plural(n, "budget"),
                money(e)
            ),
            None => format!("{} {} exceeded", plural(n, "budget"), agree(n, "is", "are")),
        })
        .into())
    }
}

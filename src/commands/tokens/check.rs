//! `aimcp tokens check`: a CI gate. Exit 0 when every budget holds (with the estimate added),
//! 1 when any would be exceeded.

use jiff::Timestamp;
use serde_json::json;

use crate::error::no;
use crate::printer::Printer;
use crate::settings::Globals;
use crate::usage::budget::{self as budgets, Calendar, Level};

use super::budget::{parse_scope, print_statuses};
use super::summary::status_json;
use super::{money, open_store, parse_usd_flag, warn_budgets, zone};

#[derive(Debug, Clone)]
pub struct Settings {
    pub estimate: Option<String>,
    pub scope: Option<String>,
}

pub fn run(globals: &Globals, s: Settings, printer: &Printer) -> anyhow::Result<()> {
    let estimate = match &s.estimate {
        Some(e) => Some(parse_usd_flag("--estimate", e)?),
        None => None,
    };
    let scope = match &s.scope {
        Some(text) => Some(parse_scope(text)?),
        None => None,
    };
    let store = open_store(globals)?;
    let mut list = budgets::list(store.conn())?;
    if let Some(scope) = &scope {
        list.retain(|b| b.scope == *scope);
    }
    let cal = Calendar::at(Timestamp::now(), &zone(None)?)?;
    let statuses = budgets::status(store.conn(), &list, &cal, estimate.unwrap_or(0), estimate)?;
    let ok = statuses.iter().all(|s| s.level != Level::Exceeded);
    if printer.is_json() {
        let items: Vec<serde_json::Value> = statuses.iter().map(status_json).collect();
        printer.json(&json!({ "ok": ok, "budgets": items }))?;
    } else if statuses.is_empty() {
        printer.info("no budgets to check");
    } else {
        print_statuses(&statuses, printer)?;
    }
    warn_budgets(&statuses, printer);
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
            .count();
        Err(no(match estimate {
            Some(e) => format!(
                "{n} budget{} would be exceeded with {} more",
                if n == 1 { "" } else { "s" },
                money(e)
            ),
            None => format!(
                "{n} budget{} exceeded",
                if n == 1 { " is" } else { "s are" }
            ),
        })
        .into())
    }
}

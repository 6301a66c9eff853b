//! `aimcp tokens blocks`: Claude's 5-hour usage windows (see `usage::report::blocks`).

use comfy_table::{Cell, CellAlignment};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Serialize;

use super::{duration, money, read_store, thousands};
use crate::error::no;
use crate::printer::Printer;
use crate::settings::Globals;
use crate::usage::report::blocks::{self, BlockJson, PROVIDER};
use crate::window::{Span, window, zone};

#[derive(Debug, Clone)]
pub struct Settings {
    pub days: u32,
    pub active: bool,
}

#[derive(Serialize)]
struct BlocksJson {
    blocks: Vec<BlockJson>,
    active: Option<BlockJson>,
}

/// A time in a zone as `2026-12-01 14:00`.
pub(crate) fn local_time(ms: i64, tz: &TimeZone) -> String {
    Timestamp::from_millisecond(ms)
        .map(|t| {
            t.to_zoned(tz.clone())
                .strftime("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_default()
}

pub fn run(globals: &Globals, s: Settings, printer: &Printer) -> anyhow::Result<()> {
    let tz = zone(None)?;
    let now = globals.now.as_millisecond();
    let w = window(Span::Days(s.days), &tz, globals.now)?;
    let store = read_store(globals)?;
    // with the block open at the window's start
    let mut b = blocks::scan(&*store, w.start, w.end.max(now + 1), PROVIDER)?;
    b.blocks.retain(|x| x.end_ms > w.start);
    let active = b.blocks.iter().find(|x| x.is_active(now)).cloned();
    if s.active && active.is_none() {
        if printer.is_json() {
            printer.json(&BlocksJson {
                blocks: Vec::new(),
                active: None,
            })?;
        }
        return Err(no("no active 5-hour block")
            .hint("a block starts with the first Claude request after the last one ended")
            .into());
    }
    let shown: Vec<&blocks::Block> = if s.active {
        active.iter().collect()
    } else {
        b.blocks.iter().collect()
    };
    if printer.is_json() {
        return printer.json(&BlocksJson {
            blocks: shown.iter().map(|x| blocks::json(x, now)).collect(),
            active: active.as_ref().map(|x| blocks::json(x, now)),
        });
    }
    if shown.is_empty() {
        printer.info(format!(
            "no Claude requests in the last {}",
            super::plural(i64::from(s.days), "day")
        ));
        return Ok(());
    }
    let mut table = printer.table();
    table.set_header(vec!["start", "end", "requests", "tokens", "cost", "status"]);
    for x in &shown {
        let j = blocks::json(x, now);
        let status = if j.active {
            format!(
                "active: {} left, {}/h, projected {}",
                duration(j.remaining_minutes.unwrap_or(0)),
                money(j.burn_rate_usd_per_hour.map_or(0, |u| u.0)),
                money(j.projected_cost_usd.map_or(0, |u| u.0))
            )
        } else {
            String::new()
        };
        table.add_row(vec![
            Cell::new(local_time(x.start_ms, &tz)),
            Cell::new(local_time(x.end_ms, &tz)),
            Cell::new(thousands(x.requests)).set_alignment(CellAlignment::Right),
            Cell::new(thousands(x.tokens)).set_alignment(CellAlignment::Right),
            Cell::new(money(x.cost_nanos)).set_alignment(CellAlignment::Right),
            Cell::new(status),
        ]);
    }
    printer.print_table(&table)
}

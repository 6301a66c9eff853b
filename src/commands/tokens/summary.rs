//! `aimcp tokens summary`

use std::collections::HashMap;

use comfy_table::{Cell, CellAlignment};
use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use serde::Serialize;

use crate::error::no;
use crate::pricing::{Usd, format_usd};
use crate::printer::Printer;
use crate::settings::Globals;
use crate::usage::budget::{self as budgets, Calendar, Level};
use crate::usage::{Dim, Key, Scope, Totals};

use super::{
    StatusJson, agree, budget_alert, budget_statuses, money, plural, read_store, refuse_with_json,
    status_json, thousands, unpriced_message, warn_budgets,
};
use crate::window::{WindowSpec, whole_hour_zone, zone_name};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    Day,
    Week,
    Month,
    Provider,
    Model,
    User,
    Project,
}

impl GroupBy {
    fn label(self) -> &'static str {
        match self {
            GroupBy::Day => "date",
            GroupBy::Week => "week",
            GroupBy::Month => "month",
            GroupBy::Provider => "provider",
            GroupBy::Model => "model",
            GroupBy::User => "user",
            GroupBy::Project => "project",
        }
    }

    fn is_time(self) -> bool {
        matches!(self, GroupBy::Day | GroupBy::Week | GroupBy::Month)
    }
}

#[derive(Debug, Clone)]
pub struct Settings {
    /// The window, in the zone whose days the window and rows follow.
    pub window: WindowSpec,
    pub by: GroupBy,
    /// A one-off budget for the window, in nano-dollars.
    pub budget: Option<i64>,
    pub csv: bool,
}

fn time_key(by: GroupBy, d: Date) -> String {
    match by {
        GroupBy::Week => {
            let w = d.iso_week_date();
            format!("{:04}-W{:02}", w.year(), w.week())
        }
        GroupBy::Month => format!("{:04}-{:02}", d.year(), d.month()),
        _ => d.to_string(),
    }
}

/// A row or the totals of `summary --json` (CLI.md's keys first).
#[derive(Serialize)]
struct TotalsJson {
    #[serde(skip_serializing_if = "Option::is_none")]
    key: Option<String>,
    requests: i64,
    input_tokens: i64,
    output_tokens: i64,
    cache_read_tokens: i64,
    cache_write_tokens: i64,
    total_tokens: i64,
    cost_usd: Option<Usd>,
    cache_write_5m_tokens: i64,
    cache_write_1h_tokens: i64,
    reasoning_tokens: i64,
    unpriced_requests: i64,
}

fn totals_json(key: Option<&str>, t: &Totals) -> TotalsJson {
    TotalsJson {
        key: key.map(str::to_string),
        requests: t.requests,
        input_tokens: t.input,
        output_tokens: t.output,
        cache_read_tokens: t.cache_read,
        cache_write_tokens: t.cache_write(),
        total_tokens: t.total_tokens(),
        cost_usd: known_cost(t).map(Usd),
        cache_write_5m_tokens: t.cache_write_5m,
        cache_write_1h_tokens: t.cache_write_1h,
        reasoning_tokens: t.reasoning,
        unpriced_requests: t.unpriced,
    }
}

#[derive(Serialize)]
struct SummaryJson {
    rows: Vec<TotalsJson>,
    totals: TotalsJson,
    budgets: Vec<StatusJson>,
    by: &'static str,
    since: String,
    until: String,
    time_zone: String,
    cache_hit_rate: Option<f64>,
    previous: PreviousJson,
    month_to_date_usd: Option<Usd>,
    projected_month_usd: Option<Usd>,
    unpriced: UnpricedJson,
}

#[derive(Serialize)]
struct PreviousJson {
    cost_usd: Option<Usd>,
    requests: i64,
    change_percent: Option<f64>,
}

#[derive(Serialize)]
struct UnpricedJson {
    requests: i64,
    models: Vec<String>,
}

/// The cost of a group, unless every request in it is unpriced (then it is unknown, not $0).
/// Requests without a price are left out of a cost and counted beside it.
fn known_cost(t: &Totals) -> Option<i64> {
    (t.requests == 0 || t.unpriced < t.requests).then_some(t.cost_nanos)
}

/// A known cost for people (`$1.25`), or `-`.
fn money_or_dash(cost: Option<i64>) -> String {
    cost.map_or_else(|| "-".to_string(), money)
}

/// Cache reads over every input token, in percent.
fn cache_hit_rate(t: &Totals) -> Option<f64> {
    let all = t.input + t.cache_read + t.cache_write();
    (all > 0).then(|| t.cache_read as f64 * 100.0 / all as f64)
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

pub fn run(globals: &Globals, s: Settings, printer: &Printer) -> anyhow::Result<()> {
    refuse_with_json(globals, "--csv", s.csv)?;
    let tz = s.window.tz.clone();
    let now = globals.now;
    let w = s.window.resolve(now)?;
    let one_off = s.budget;
    let store = read_store(globals)?;
    let conn = &*store;
    let hours_ok = whole_hour_zone(&tz, w.start, w.end);

    // the rows
    let mut rows: Vec<(String, Totals)> = Vec::new();
    if s.by.is_time() {
        let groups = conn.aggregate(w.start, w.end, Dim::Time, &Scope::Global, hours_ok)?;
        let mut by_key: HashMap<String, Totals> = HashMap::new();
        let mut date_of: HashMap<i64, Date> = HashMap::new();
        for (key, t) in groups {
            let Key::Time(ms) = key else { continue };
            let d = match date_of.get(&ms) {
                Some(d) => *d,
                None => {
                    let d = Timestamp::from_millisecond(ms)?.to_zoned(tz.clone()).date();
                    date_of.insert(ms, d);
                    d
                }
            };
            by_key.entry(time_key(s.by, d)).or_default().add(&t);
        }
        let mut d = w.first_day;
        while d <= w.last_day {
            let key = time_key(s.by, d);
            if rows.last().is_none_or(|(k, _)| *k != key) {
                let t = by_key.remove(&key).unwrap_or_default();
                rows.push((key, t));
            }
            d = d.checked_add(1.day())?;
        }
    } else {
        let dim = match s.by {
            GroupBy::Provider => Dim::Provider,
            GroupBy::Model => Dim::Model,
            GroupBy::User => Dim::User,
            _ => Dim::Project,
        };
        for (key, t) in conn.aggregate(w.start, w.end, dim, &Scope::Global, true)? {
            if let Key::Name(n) = key {
                rows.push((n, t));
            }
        }
        rows.sort_by(|a, b| b.1.cost_nanos.cmp(&a.1.cost_nanos).then(a.0.cmp(&b.0)));
    }
    let mut totals = Totals::default();
    for (_, t) in &rows {
        totals.add(t);
    }

    // unpriced models in the window
    let unpriced_models: Vec<String> = if totals.unpriced > 0 && s.by == GroupBy::Model {
        let mut names: Vec<String> = rows
            .iter()
            .filter(|(_, t)| t.unpriced > 0)
            .map(|(n, _)| n.clone())
            .collect();
        names.sort();
        names
    } else if totals.unpriced > 0 {
        conn.aggregate(w.start, w.end, Dim::Model, &Scope::Global, true)?
            .into_iter()
            .filter(|(_, t)| t.unpriced > 0)
            .filter_map(|(k, _)| match k {
                Key::Name(n) => Some(n),
                Key::Time(_) => None,
            })
            .collect()
    } else {
        Vec::new()
    };

    // the previous period of the same length, month to date and the projection
    let len = w.end - w.start;
    let previous = conn.total(w.start - len, w.start, &Scope::Global)?;
    let change = (previous.cost_nanos > 0).then(|| {
        (totals.cost_nanos - previous.cost_nanos) as f64 * 100.0 / previous.cost_nanos as f64
    });
    let cal = Calendar::at(now, &tz)?;
    let mtd = conn.total(cal.month_start, cal.month_end, &Scope::Global)?;
    let now_ms = now.as_millisecond();
    let week_ms = 7 * 86_400_000i64;
    let recent = conn.total(now_ms - week_ms, now_ms + 1, &Scope::Global)?;
    let remaining = (cal.month_end - now_ms).max(0);
    // nothing priced this month nor in the last 7 days: nothing to project from
    let projected = (known_cost(&mtd).is_some() || known_cost(&recent).is_some()).then(|| {
        // (a projection may pass what the store holds: clamped, never overflowed)
        (mtd.cost_nanos as i128 + recent.cost_nanos as i128 * remaining as i128 / week_ms as i128)
            .min(i64::MAX as i128) as i64
    });

    // budgets
    let statuses = budget_statuses(conn, now, None, 0, None)?;
    let one_off_status = one_off.map(|limit| {
        let (bp, level) = budgets::level(totals.cost_nanos, limit, [80, 90, 100]);
        (limit, bp, level)
    });

    if printer.is_json() {
        let mut budgets: Vec<StatusJson> = statuses.iter().map(status_json).collect();
        if let Some((limit, bp, level)) = one_off_status {
            budgets.push(StatusJson {
                id: None,
                scope: "global".to_string(),
                period: "window",
                limit_usd: Usd(limit),
                spent_usd: Usd(totals.cost_nanos),
                percent: bp as f64 / 100.0,
                level: level.as_str(),
                unpriced_requests: totals.unpriced,
            });
        }
        printer.json(&SummaryJson {
            rows: rows.iter().map(|(k, t)| totals_json(Some(k), t)).collect(),
            totals: totals_json(None, &totals),
            budgets,
            by: s.by.label(),
            since: Timestamp::from_millisecond(w.start)?.to_string(),
            until: Timestamp::from_millisecond(w.end)?.to_string(),
            time_zone: zone_name(&tz),
            cache_hit_rate: cache_hit_rate(&totals).map(|r| (r * 100.0).round() / 10_000.0),
            previous: PreviousJson {
                cost_usd: known_cost(&previous).map(Usd),
                requests: previous.requests,
                change_percent: change.map(|c| (c * 10.0).round() / 10.0),
            },
            month_to_date_usd: known_cost(&mtd).map(Usd),
            projected_month_usd: projected.map(Usd),
            unpriced: UnpricedJson {
                requests: totals.unpriced,
                models: unpriced_models.clone(),
            },
        })?;
    } else if s.csv {
        let mut out = String::new();
        out.push_str(&format!(
            "{},requests,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,total_tokens,cost_usd,unpriced_requests\n",
            s.by.label()
        ));
        for (k, t) in &rows {
            out.push_str(&format!(
                "{},{},{},{},{},{},{},{},{}\n",
                csv_field(k),
                t.requests,
                t.input,
                t.output,
                t.cache_read,
                t.cache_write(),
                t.total_tokens(),
                known_cost(t).map(format_usd).unwrap_or_default(),
                t.unpriced
            ));
        }
        printer.write(&out)?;
    } else {
        // the count of unpriced requests, beside the cost that leaves them out, when there are any
        let show_unpriced = totals.unpriced > 0;
        let mut table = printer.table();
        let mut header = vec![
            s.by.label(),
            "requests",
            "input",
            "output",
            "cache read",
            "cache write",
            "total tokens",
            "cost",
        ];
        if show_unpriced {
            header.push("unpriced");
        }
        let columns = header.len();
        table.set_header(header);
        let line = |k: &str, t: &Totals| {
            let mut cells = vec![Cell::new(k)];
            for v in [
                t.requests,
                t.input,
                t.output,
                t.cache_read,
                t.cache_write(),
                t.total_tokens(),
            ] {
                cells.push(Cell::new(thousands(v)).set_alignment(CellAlignment::Right));
            }
            cells.push(Cell::new(money_or_dash(known_cost(t))).set_alignment(CellAlignment::Right));
            if show_unpriced {
                cells.push(Cell::new(thousands(t.unpriced)).set_alignment(CellAlignment::Right));
            }
            cells
        };
        for (k, t) in &rows {
            table.add_row(line(k, t));
        }
        table.add_row(line("total", &totals));
        for i in 1..columns {
            if let Some(c) = table.column_mut(i) {
                c.set_cell_alignment(CellAlignment::Right);
            }
        }
        if let Some(c) = table.column_mut(0) {
            c.set_cell_alignment(CellAlignment::Left);
        }
        printer.print_table(&table)?;
        let mut notes = Vec::new();
        if let Some(r) = cache_hit_rate(&totals) {
            notes.push(format!(
                "cache hit rate: {r:.1}% of input tokens were cache reads"
            ));
        }
        let days = i64::from((w.last_day - w.first_day).get_days()) + 1;
        notes.push(format!(
            "previous {}: {}{}",
            if days == 1 {
                "day".to_string()
            } else {
                plural(days, "day")
            },
            money_or_dash(known_cost(&previous)),
            match change {
                Some(c) => format!(" ({c:+.1}% now)"),
                None => String::new(),
            }
        ));
        notes.push(format!(
            "month to date: {}; projected month-end: {} (at the last 7 days' rate)",
            money_or_dash(known_cost(&mtd)),
            money_or_dash(projected)
        ));
        printer.write(&(notes.join("\n") + "\n"))?;
    }
    if totals.unpriced > 0 {
        printer.warn(unpriced_message(
            totals.unpriced,
            ("is not in the costs", "are not in the costs"),
            &unpriced_models,
        ));
        printer.hint(format!(
            "add {} with `--pricing FILE` (LiteLLM's format)",
            agree(
                unpriced_models.len() as i64,
                "the model's price",
                "the models' prices"
            )
        ));
    }
    warn_budgets(&statuses, printer);
    if let Some((limit, bp, level)) = one_off_status
        && level != Level::Ok
    {
        let text = format!(
            "the window's budget is {}: {:.1}% spent, {} of {}",
            if level == Level::Exceeded {
                "exceeded"
            } else {
                "nearly spent"
            },
            bp as f64 / 100.0,
            money(totals.cost_nanos),
            money(limit)
        );
        // an exceeded one-off budget is this command's error, not also a warning
        budget_alert(printer, level, &text, level != Level::Exceeded);
        if level == Level::Exceeded {
            return Err(no(text).into());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn week_and_month_keys() {
        let d: Date = "2026-01-01".parse().unwrap();
        assert_eq!(time_key(GroupBy::Week, d), "2026-W01");
        assert_eq!(time_key(GroupBy::Month, d), "2026-01");
        assert_eq!(time_key(GroupBy::Day, d), "2026-01-01");
    }
}

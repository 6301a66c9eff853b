//! `aimcp tokens summary`

use std::collections::HashMap;

use comfy_table::{Cell, CellAlignment};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use serde_json::{Value, json};

use crate::error::{no, usage};
use crate::pricing::{format_usd, usd_json};
use crate::printer::Printer;
use crate::settings::Globals;
use crate::usage::budget::{self as budgets, Calendar, Level, Status};
use crate::usage::{self, Dim, Key, Scope, Totals};

use super::{money, open_store, parse_usd_flag, thousands, warn_budgets, zone};

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
    pub days: Option<u32>,
    pub since: Option<String>,
    pub until: Option<String>,
    pub by: GroupBy,
    pub budget: Option<String>,
    pub tz: Option<String>,
    pub csv: bool,
}

/// A time window `[start, end)` in ms, with the dates it covers in its zone.
pub(crate) struct Window {
    pub start: i64,
    pub end: i64,
    pub first_day: Date,
    pub last_day: Date,
}

fn day_start(d: Date, tz: &TimeZone) -> anyhow::Result<i64> {
    Ok(d.to_zoned(tz.clone())?.timestamp().as_millisecond())
}

/// `YYYY-MM-DD` (a day in the zone) or an RFC 3339 instant. `end`: a date means the end of it.
fn parse_bound(flag: &str, text: &str, tz: &TimeZone, end: bool) -> anyhow::Result<i64> {
    if let Ok(d) = text.trim().parse::<Date>()
        && text.trim().len() == 10
    {
        let d = if end { d.checked_add(1.day())? } else { d };
        return day_start(d, tz);
    }
    match text.trim().parse::<Timestamp>() {
        Ok(t) => Ok(t.as_millisecond() + i64::from(end)),
        Err(_) => Err(usage(format!(
            "invalid `{flag} {text}`: expected a date `YYYY-MM-DD` or an RFC 3339 time"
        ))
        .into()),
    }
}

/// The window from `--days`/`--since`/`--until` (default: the last 7 days, today included).
pub(crate) fn window(
    days: Option<u32>,
    since: Option<&str>,
    until: Option<&str>,
    tz: &TimeZone,
    now: Timestamp,
) -> anyhow::Result<Window> {
    let today = now.to_zoned(tz.clone()).date();
    let tomorrow = today.checked_add(1.day())?;
    let (start, end) = match since {
        Some(s) => {
            let start = parse_bound("--since", s, tz, false)?;
            let end = match until {
                Some(u) => parse_bound("--until", u, tz, true)?,
                None => day_start(tomorrow, tz)?,
            };
            if end <= start {
                return Err(usage("`--until` is before `--since`").into());
            }
            (start, end)
        }
        None => {
            if until.is_some() {
                return Err(usage("`--until` needs `--since`").into());
            }
            let n = days.unwrap_or(7);
            if n == 0 {
                return Err(usage("invalid `--days 0`: expected 1 or more").into());
            }
            let first = today.checked_sub(i64::from(n - 1).days())?;
            (day_start(first, tz)?, day_start(tomorrow, tz)?)
        }
    };
    let date = |ms: i64| -> anyhow::Result<Date> {
        Ok(Timestamp::from_millisecond(ms)?.to_zoned(tz.clone()).date())
    };
    Ok(Window {
        start,
        end,
        first_day: date(start)?,
        last_day: date(end - 1)?,
    })
}

/// Whole hours of the rollup line up with this zone's days between these instants.
pub(crate) fn whole_hour_zone(tz: &TimeZone, start: i64, end: i64) -> bool {
    [start, end - 1].iter().all(|ms| {
        Timestamp::from_millisecond(*ms)
            .map(|t| tz.to_offset(t).seconds() % 3600 == 0)
            .unwrap_or(false)
    })
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

fn totals_json(t: &Totals) -> serde_json::Map<String, Value> {
    let mut m = serde_json::Map::new();
    m.insert("requests".into(), json!(t.requests));
    m.insert("input_tokens".into(), json!(t.input));
    m.insert("output_tokens".into(), json!(t.output));
    m.insert("cache_read_tokens".into(), json!(t.cache_read));
    m.insert("cache_write_tokens".into(), json!(t.cache_write()));
    m.insert("total_tokens".into(), json!(t.total_tokens()));
    m.insert("cost_usd".into(), usd_json(t.cost_nanos));
    m.insert("cache_write_5m_tokens".into(), json!(t.cache_write_5m));
    m.insert("cache_write_1h_tokens".into(), json!(t.cache_write_1h));
    m.insert("reasoning_tokens".into(), json!(t.reasoning));
    m.insert("unpriced_requests".into(), json!(t.unpriced));
    m
}

/// A budget's status as `tokens check` and `summary` print it in JSON.
pub(crate) fn status_json(s: &Status) -> Value {
    json!({
        "id": s.budget.id,
        "scope": s.budget.scope.to_string(),
        "period": s.budget.period.as_str(),
        "limit_usd": usd_json(s.budget.limit_nanos),
        "spent_usd": usd_json(s.spent_nanos),
        "percent": s.percent(),
        "level": s.level.as_str(),
    })
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
    let tz = zone(s.tz.as_deref())?;
    let now = Timestamp::now();
    let w = window(s.days, s.since.as_deref(), s.until.as_deref(), &tz, now)?;
    let one_off = match &s.budget {
        Some(b) => Some(parse_usd_flag("--budget", b)?),
        None => None,
    };
    let store = open_store(globals)?;
    let conn = store.conn();
    let hours_ok = whole_hour_zone(&tz, w.start, w.end);

    // the rows
    let mut rows: Vec<(String, Totals)> = Vec::new();
    if s.by.is_time() {
        let groups = usage::aggregate(conn, w.start, w.end, Dim::Time, &Scope::Global, hours_ok)?;
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
        for (key, t) in usage::aggregate(conn, w.start, w.end, dim, &Scope::Global, true)? {
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
        usage::aggregate(conn, w.start, w.end, Dim::Model, &Scope::Global, true)?
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
    let previous = usage::total(conn, w.start - len, w.start, &Scope::Global)?;
    let change = (previous.cost_nanos > 0).then(|| {
        (totals.cost_nanos - previous.cost_nanos) as f64 * 100.0 / previous.cost_nanos as f64
    });
    let cal = Calendar::at(now, &tz)?;
    let mtd = usage::total(conn, cal.month_start, cal.month_end, &Scope::Global)?;
    let now_ms = now.as_millisecond();
    let week_ms = 7 * 86_400_000i64;
    let recent = usage::total(conn, now_ms - week_ms, now_ms + 1, &Scope::Global)?;
    let remaining = (cal.month_end - now_ms).max(0);
    // (a projection may pass what the store holds: clamped, never overflowed)
    let projected = (mtd.cost_nanos as i128
        + recent.cost_nanos as i128 * remaining as i128 / week_ms as i128)
        .min(i64::MAX as i128) as i64;

    // budgets
    let mut statuses = Vec::new();
    if usage::has_budgets(conn)? {
        let list = budgets::list(conn)?;
        statuses = budgets::status(conn, &list, &cal, 0, None)?;
    }
    let one_off_status = one_off.map(|limit| {
        let (bp, level) = budgets::level(totals.cost_nanos, limit, [80, 90, 100]);
        (limit, bp, level)
    });

    if printer.is_json() {
        let mut budget_json: Vec<Value> = statuses.iter().map(status_json).collect();
        if let Some((limit, bp, level)) = one_off_status {
            budget_json.push(json!({
                "id": null,
                "scope": "global",
                "period": "window",
                "limit_usd": usd_json(limit),
                "spent_usd": usd_json(totals.cost_nanos),
                "percent": bp as f64 / 100.0,
                "level": level.as_str(),
            }));
        }
        let rows_json: Vec<Value> = rows
            .iter()
            .map(|(k, t)| {
                let mut m = serde_json::Map::new();
                m.insert("key".into(), json!(k));
                m.extend(totals_json(t));
                Value::Object(m)
            })
            .collect();
        printer.json(&json!({
            "rows": rows_json,
            "totals": Value::Object(totals_json(&totals)),
            "budgets": budget_json,
            "by": s.by.label(),
            "since": Timestamp::from_millisecond(w.start)?.to_string(),
            "until": Timestamp::from_millisecond(w.end)?.to_string(),
            "time_zone": tz.iana_name().unwrap_or("local"),
            "cache_hit_rate": cache_hit_rate(&totals).map(|r| (r * 100.0).round() / 10_000.0),
            "previous": {
                "cost_usd": usd_json(previous.cost_nanos),
                "requests": previous.requests,
                "change_percent": change.map(|c| (c * 10.0).round() / 10.0),
            },
            "month_to_date_usd": usd_json(mtd.cost_nanos),
            "projected_month_usd": usd_json(projected),
            "unpriced": {"requests": totals.unpriced, "models": unpriced_models},
        }))?;
    } else if s.csv {
        let mut out = String::new();
        out.push_str(&format!(
            "{},requests,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,total_tokens,cost_usd\n",
            s.by.label()
        ));
        for (k, t) in &rows {
            out.push_str(&format!(
                "{},{},{},{},{},{},{},{}\n",
                csv_field(k),
                t.requests,
                t.input,
                t.output,
                t.cache_read,
                t.cache_write(),
                t.total_tokens(),
                format_usd(t.cost_nanos)
            ));
        }
        printer.write(&out)?;
    } else {
        let mut table = printer.table();
        table.set_header(vec![
            s.by.label(),
            "requests",
            "input",
            "output",
            "cache read",
            "cache write",
            "total tokens",
            "cost",
        ]);
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
            cells.push(Cell::new(money(t.cost_nanos)).set_alignment(CellAlignment::Right));
            cells
        };
        for (k, t) in &rows {
            table.add_row(line(k, t));
        }
        table.add_row(line("total", &totals));
        for i in 1..8 {
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
        let days = (w.last_day - w.first_day).get_days() + 1;
        notes.push(format!(
            "previous {days} days: {}{}",
            money(previous.cost_nanos),
            match change {
                Some(c) => format!(" ({c:+.1}% now)"),
                None => String::new(),
            }
        ));
        notes.push(format!(
            "month to date: {}; projected month-end: {} (at the last 7 days' rate)",
            money(mtd.cost_nanos),
            money(projected)
        ));
        printer.write(&(notes.join("\n") + "\n"))?;
    }
    if totals.unpriced > 0 {
        let models: Vec<String> = unpriced_models.iter().map(|m| format!("`{m}`")).collect();
        printer.warn(format!(
            "{} no price and are not in the costs: {}",
            super::plural(totals.unpriced, "request")
                + if totals.unpriced == 1 {
                    " has"
                } else {
                    " have"
                },
            models.join(", ")
        ));
        printer.hint("add their prices with `--pricing FILE` (LiteLLM's format)");
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
        if std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true") {
            let kind = if level == Level::Exceeded {
                "error"
            } else {
                "warning"
            };
            printer.annotation(format!("::{kind} title=aimcp budget::{text}"));
        }
        if level == Level::Exceeded {
            return Err(no(text).into());
        }
        printer.warn(text);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_cover_whole_days_in_the_zone() {
        let tz = TimeZone::get("America/New_York").unwrap();
        let now: Timestamp = "2026-03-09T15:00:00Z".parse().unwrap();
        let w = window(Some(7), None, None, &tz, now).unwrap();
        assert_eq!(w.first_day.to_string(), "2026-03-03");
        assert_eq!(w.last_day.to_string(), "2026-03-09");
        // 2026-03-03 00:00 EST = 05:00Z; 2026-03-10 00:00 EDT = 04:00Z (DST began on the 8th)
        assert_eq!(
            Timestamp::from_millisecond(w.start).unwrap().to_string(),
            "2026-03-03T05:00:00Z"
        );
        assert_eq!(
            Timestamp::from_millisecond(w.end).unwrap().to_string(),
            "2026-03-10T04:00:00Z"
        );
        let w = window(
            None,
            Some("2026-01-01"),
            Some("2026-01-31"),
            &TimeZone::UTC,
            now,
        )
        .unwrap();
        assert_eq!(w.last_day.to_string(), "2026-01-31");
        assert!(window(Some(0), None, None, &tz, now).is_err());
        assert!(window(None, Some("yesterday"), None, &tz, now).is_err());
        assert!(whole_hour_zone(&tz, w.start, w.end));
        let kolkata = TimeZone::get("Asia/Kolkata").unwrap();
        assert!(!whole_hour_zone(&kolkata, w.start, w.end));
    }

    #[test]
    fn week_and_month_keys() {
        let d: Date = "2026-01-01".parse().unwrap();
        assert_eq!(time_key(GroupBy::Week, d), "2026-W01");
        assert_eq!(time_key(GroupBy::Month, d), "2026-01");
        assert_eq!(time_key(GroupBy::Day, d), "2026-01-01");
    }
}

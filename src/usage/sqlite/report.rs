//! The report's queries on the SQLite store (listed, with their SQL, in INTERFACES.md under
//! "Report methods" so the PostgreSQL store can give the same answers).

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use rusqlite::{Connection, params};
use rustc_hash::FxHashMap;

use super::read::read_totals;
use crate::pricing::Tokens;
use crate::usage::report::blocks::Point;
use crate::usage::report::{Cell, PassRow};
use crate::usage::{HOUR_MS, Totals};

const SUMS: &str = "sum(input), sum(output), sum(cache_read), sum(cache_write_5m), \
    sum(cache_write_1h), sum(reasoning), sum(cost_nanos)";

fn floor_to(ms: i64, unit: i64) -> i64 {
    ms.div_euclid(unit) * unit
}

fn ceil_to(ms: i64, unit: i64) -> i64 {
    -(-ms).div_euclid(unit) * unit
}

/// The sums by hour (minute for zones off whole hours), provider, model, user and project,
/// in `[start, end)`: whole hours from the hourly rollup, the edges from the requests.
const CELLS_ROLLUP: &str = "SELECT hour * 3600000, provider, model, user, project, sum(requests), \
    sum(unpriced), sum(input), sum(output), sum(cache_read), sum(cache_write_5m), \
    sum(cache_write_1h), sum(reasoning), sum(cost_nanos) FROM rollup \
    WHERE hour >= ?1 / 3600000 AND hour < ?2 / 3600000 GROUP BY 1, 2, 3, 4, 5";

fn cells_raw(unit_ms: i64) -> String {
    format!(
        "SELECT ts / {unit_ms} * {unit_ms}, provider, model, user, project, count(*), \
         sum(cost_source = 'unpriced'), {SUMS} FROM requests WHERE ts >= ?1 AND ts < ?2 \
         GROUP BY 1, 2, 3, 4, 5"
    )
}

/// Every group of the store's sums in `[start, end)`, by its day in `tz`.
pub fn cells(
    conn: &Connection,
    start: i64,
    end: i64,
    tz: &TimeZone,
    hour_buckets: bool,
) -> anyhow::Result<Vec<Cell>> {
    let mut out: FxHashMap<(Date, String, String, String, String), Totals> = FxHashMap::default();
    let mut dates: FxHashMap<i64, Date> = FxHashMap::default();
    let mut names: FxHashMap<String, String> = FxHashMap::default();
    let mut run = |sql: &str, s: i64, e: i64| -> anyhow::Result<()> {
        if s >= e {
            return Ok(());
        }
        let mut stmt = conn.prepare_cached(sql)?;
        let mut rows = stmt.query(params![s, e])?;
        while let Some(row) = rows.next()? {
            let requests: i64 = row.get::<_, Option<i64>>(5)?.unwrap_or(0);
            if requests == 0 {
                continue;
            }
            let bucket: i64 = row.get(0)?;
            let day = match dates.get(&bucket) {
                Some(d) => *d,
                None => {
                    let d = Timestamp::from_millisecond(bucket)?
                        .to_zoned(tz.clone())
                        .date();
                    dates.insert(bucket, d);
                    d
                }
            };
            let mut name = |i: usize| -> anyhow::Result<String> {
                let s = row.get_ref(i)?.as_str()?;
                Ok(match names.get(s) {
                    Some(n) => n.clone(),
                    None => {
                        names.insert(s.to_string(), s.to_string());
                        s.to_string()
                    }
                })
            };
            let key = (day, name(1)?, name(2)?, name(3)?, name(4)?);
            let t = read_totals(row, 7, requests, row.get::<_, Option<i64>>(6)?.unwrap_or(0))?;
            out.entry(key).or_default().add(&t);
        }
        Ok(())
    };
    if hour_buckets {
        let (inner_start, inner_end) = (ceil_to(start, HOUR_MS), floor_to(end, HOUR_MS));
        if inner_start < inner_end {
            let raw = cells_raw(HOUR_MS);
            run(&raw, start, inner_start)?;
            run(CELLS_ROLLUP, inner_start, inner_end)?;
            run(&raw, inner_end, end)?;
        } else {
            run(&cells_raw(HOUR_MS), start, end)?;
        }
    } else {
        run(&cells_raw(60_000), start, end)?;
    }
    let mut v: Vec<Cell> = out
        .into_iter()
        .map(|((day, provider, model, user, project), totals)| Cell {
            day,
            provider,
            model,
            user,
            project,
            totals,
        })
        .collect();
    v.sort_by(|a, b| {
        (a.day, &a.provider, &a.model, &a.user, &a.project).cmp(&(
            b.day,
            &b.provider,
            &b.model,
            &b.user,
            &b.project,
        ))
    });
    Ok(v)
}

/// The columns the report's pass reads of each request.
const PASS_SQL: &str = "SELECT ts, provider, model, session, input, output, cache_read, \
    cache_write_5m, cache_write_1h, cost_nanos, cost_source = 'unpriced', latency_ms, success \
    FROM requests WHERE ts >= ?1 AND ts < ?2 ORDER BY ts, id";

/// Calls `f` for each request in `[start, end)`, oldest first, with only what the report's
/// pass needs (one range scan of the `ts` index).
pub fn each_pass_row(
    conn: &Connection,
    start: i64,
    end: i64,
    f: &mut dyn FnMut(&PassRow<'_>),
) -> anyhow::Result<()> {
    let mut stmt = conn.prepare_cached(PASS_SQL)?;
    let mut rows = stmt.query(params![start, end])?;
    let u = |v: i64| v.max(0) as u64;
    while let Some(row) = rows.next()? {
        let session = match row.get_ref(3)? {
            rusqlite::types::ValueRef::Text(t) => std::str::from_utf8(t).ok(),
            _ => None,
        };
        let r = PassRow {
            ts_ms: row.get(0)?,
            provider: row.get_ref(1)?.as_str()?,
            model: row.get_ref(2)?.as_str()?,
            session,
            tokens: Tokens {
                input: u(row.get(4)?),
                output: u(row.get(5)?),
                cache_read: u(row.get(6)?),
                cache_write_5m: u(row.get(7)?),
                cache_write_1h: u(row.get(8)?),
            },
            cost_nanos: row.get(9)?,
            unpriced: row.get(10)?,
            latency_ms: row.get::<_, Option<i64>>(11)?.map(u),
            success: row.get(12)?,
        };
        f(&r);
    }
    Ok(())
}

/// The requests of a provider in `[start, end)`, oldest first, as blocks need them.
const POINTS_SQL: &str = "SELECT ts, input + output + cache_read + cache_write_5m + cache_write_1h, \
    cost_nanos FROM requests WHERE ts >= ?1 AND ts < ?2 AND provider = ?3 ORDER BY ts, id";

pub fn points(
    conn: &Connection,
    start: i64,
    end: i64,
    provider: &str,
) -> anyhow::Result<Vec<Point>> {
    let mut stmt = conn.prepare_cached(POINTS_SQL)?;
    let rows = stmt.query_map(params![start, end, provider], |r| {
        Ok(Point {
            ts_ms: r.get(0)?,
            tokens: r.get(1)?,
            cost_nanos: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// The cost and requests of one session among the requests in `[start, end)`.
const SESSION_SQL: &str = "SELECT count(*), coalesce(sum(cost_nanos), 0) FROM requests \
    WHERE ts >= ?1 AND ts < ?2 AND session = ?3";

pub fn session_cost(
    conn: &Connection,
    start: i64,
    end: i64,
    session: &str,
) -> anyhow::Result<(i64, i64)> {
    Ok(
        conn.query_row(SESSION_SQL, params![start, end, session], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?,
    )
}

//! The report's queries on the SQLite store (the PostgreSQL store's, in `postgres/report.rs`,
//! give the same answers: `tests/it/tokens_pg.rs` compares them).

use jiff::tz::TimeZone;
use rusqlite::{Connection, params};

use super::read::{DIALECT, read_totals};
use crate::pricing::Tokens;
use crate::usage::plan;
use crate::usage::report::blocks::{Blocks, HourSum, Point, from_rollup};
use crate::usage::report::{Cell, CellSums, Facts, LIFE_1H, LIFE_5M, Pass, PassRow, ShortSums};

/// Every group of the store's sums in `[start, end)`, by its day in `tz` (the queries of
/// [`plan::cells`]: the rollup's rows are read as they are, one per org too, and added up by
/// [`CellSums`]).
pub fn cells(
    conn: &Connection,
    start: i64,
    end: i64,
    tz: &TimeZone,
    hour_buckets: bool,
) -> anyhow::Result<Vec<Cell>> {
    let mut cells = CellSums::new(tz);
    for q in plan::cells(&DIALECT, start, end, hour_buckets) {
        let mut stmt = conn.prepare_cached(&q.sql)?;
        let mut rows = stmt.query(params![q.start, q.end])?;
        while let Some(row) = rows.next()? {
            let requests: i64 = row.get::<_, Option<i64>>(5)?.unwrap_or(0);
            let t = read_totals(row, 7, requests, row.get::<_, Option<i64>>(6)?.unwrap_or(0))?;
            let name = |i: usize| row.get_ref(i).and_then(|v| Ok(v.as_str()?));
            cells.add(row.get(0)?, [name(1)?, name(2)?, name(3)?, name(4)?], &t)?;
        }
    }
    Ok(cells.finish())
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

/// The hours with requests of a provider, from the hourly rollup: one seek of its key
/// (`hour`, `provider`) per hour, instead of reading every row of the range (all providers'
/// models, users and projects).
const HOURS_SQL: &str = "WITH RECURSIVE h(x) AS (SELECT ?1 WHERE ?1 < ?2 \
    UNION ALL SELECT x + 1 FROM h WHERE x + 1 < ?2) \
    SELECT x FROM h WHERE EXISTS (SELECT 1 FROM rollup \
    WHERE hour = x AND provider = ?3 AND requests > 0)";

pub fn request_hours(
    conn: &Connection,
    provider: &str,
    start_hour: i64,
    end_hour: i64,
) -> anyhow::Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(HOURS_SQL)?;
    let rows = stmt.query_map(params![start_hour, end_hour, provider], |r| r.get(0))?;
    Ok(rows.collect::<Result<Vec<i64>, _>>()?)
}

/// A provider's sums by hour, from the hourly rollup (one seek per hour, as [`HOURS_SQL`]).
const HOUR_SUMS_SQL: &str = "WITH RECURSIVE h(x) AS (SELECT ?1 WHERE ?1 < ?2 \
    UNION ALL SELECT x + 1 FROM h WHERE x + 1 < ?2) \
    SELECT x, sum(r.requests), sum(r.input + r.output + r.cache_read + r.cache_write_5m \
    + r.cache_write_1h), sum(r.cost_nanos) FROM h JOIN rollup r ON r.hour = x AND r.provider = ?3 \
    GROUP BY x ORDER BY x";

/// The first and the last request of a provider in `[start, end)`.
const FIRST_SQL: &str =
    "SELECT ts FROM requests WHERE ts >= ?1 AND ts < ?2 AND provider = ?3 ORDER BY ts LIMIT 1";
const LAST_SQL: &str = "SELECT ts FROM requests WHERE ts >= ?1 AND ts < ?2 AND provider = ?3 \
    ORDER BY ts DESC LIMIT 1";

/// [`crate::usage::Ledger::blocks_of`] from the hourly rollup: the whole hours' sums, two
/// requests per block for its first and last, and the requests of the part hour at the end.
pub fn blocks_of(
    conn: &Connection,
    provider: &str,
    start: i64,
    end: i64,
) -> anyhow::Result<Blocks> {
    let hour_sums = |lo: i64, hi: i64| -> anyhow::Result<Vec<HourSum>> {
        let mut stmt = conn.prepare_cached(HOUR_SUMS_SQL)?;
        let rows = stmt.query_map(params![lo, hi, provider], |r| {
            Ok(HourSum {
                hour: r.get(0)?,
                requests: r.get(1)?,
                tokens: r.get(2)?,
                cost_nanos: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    };
    let mut first = conn.prepare_cached(FIRST_SQL)?;
    let mut last = conn.prepare_cached(LAST_SQL)?;
    from_rollup(
        start,
        end,
        |s, e| points(conn, s, e, provider),
        hour_sums,
        |s, e| {
            let one = |stmt: &mut rusqlite::CachedStatement<'_>| -> anyhow::Result<i64> {
                stmt.query_row(params![s, e, provider], |r| r.get(0))
                    .map_err(|err| {
                        anyhow::anyhow!("the rollup has requests the ledger has not ({err})")
                    })
            };
            Ok((one(&mut first)?, one(&mut last)?))
        },
    )
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

/// The latency and failure of the requests that have one (`requests_timed`).
const TIMED_SQL: &str = "SELECT model, latency_ms, success FROM requests \
    WHERE (latency_ms IS NOT NULL OR success = 0) AND ts >= ?1 AND ts < ?2";

/// The requests with a short output (`requests_short`: the index holds every column read).
const SHORT_SQL: &str = "SELECT provider, model, input, output, cache_read, cache_write_5m, \
    cache_write_1h, cost_nanos FROM requests \
    WHERE output <= 200 AND success <> 0 AND cost_source <> 'unpriced' AND ts >= ?1 AND ts < ?2";

/// The rows with a cache write never read (`requests_unread`).
const UNREAD_SQL: &str = "SELECT ts, provider, model, session, input, output, cache_read, \
    cache_write_5m, cache_write_1h, cache_unread FROM requests \
    WHERE cache_unread <> 0 AND ts >= ?1 AND ts < ?2";

/// Is there a request of the session in `(?2, ?3)`?
const LATER_SQL: &str =
    "SELECT EXISTS (SELECT 1 FROM requests WHERE session = ?1 AND ts > ?2 AND ts < ?3)";

/// From how many requests in the window the store reads the short ones in two halves at once
/// (see [`facts`]).
pub const SPLIT_SHORT_AT: i64 = 200_000;

/// The short-output requests in `[start, end)` (`requests_short`: the index holds every
/// column read), added up by model.
fn short_sums(
    conn: &Connection,
    book: &crate::pricing::PriceBook,
    start: i64,
    end: i64,
) -> anyhow::Result<ShortSums> {
    let u = |v: i64| v.max(0) as u64;
    let mut stmt = conn.prepare_cached(SHORT_SQL)?;
    let mut rows = stmt.query(params![start, end])?;
    let mut short = ShortSums::default();
    while let Some(row) = rows.next()? {
        let tokens = Tokens {
            input: u(row.get(2)?),
            output: u(row.get(3)?),
            cache_read: u(row.get(4)?),
            cache_write_5m: u(row.get(5)?),
            cache_write_1h: u(row.get(6)?),
        };
        let (provider, model) = (row.get_ref(0)?.as_str()?, row.get_ref(1)?.as_str()?);
        short.add(book, provider, model, &tokens, row.get(7)?, 1);
    }
    Ok(short)
}

/// [`crate::usage::Ledger::report_facts`] from the narrow indexes of version 8: the same
/// answers as [`Pass`] over every request, reading only the rows that change them.
pub fn facts(
    conn: &Connection,
    start: i64,
    end: i64,
    judge_end: i64,
    book: &crate::pricing::PriceBook,
    requests: i64,
    second: Option<Connection>,
) -> anyhow::Result<Facts> {
    const _: () = assert!(
        crate::usage::report::SHORT_OUTPUT == 200,
        "see requests_short"
    );
    let u = |v: i64| v.max(0) as u64;
    let mut pass = Pass::new(book, judge_end);
    pass.set_requests(requests);
    {
        let mut stmt = conn.prepare_cached(TIMED_SQL)?;
        let mut rows = stmt.query(params![start, end])?;
        while let Some(row) = rows.next()? {
            let latency = row.get::<_, Option<i64>>(1)?.map(u);
            pass.add_model(row.get_ref(0)?.as_str()?, latency, row.get(2)?);
        }
    }
    // with a second connection, the short requests are read in two halves at once, the second
    // on a thread (for a large window: the scan is most of the report's time)
    let short = match second {
        Some(other) => {
            let mid = start + (end - start) / 2;
            let (first, last) = std::thread::scope(|scope| {
                let last = scope.spawn(move || short_sums(&other, book, mid, end));
                (short_sums(conn, book, start, mid), last.join())
            });
            let mut short = first?;
            let last = last.map_err(|_| anyhow::anyhow!("the short requests' scan failed"))??;
            short.merge(book, last);
            short
        }
        _ => short_sums(conn, book, start, end)?,
    };
    pass.add_short_sums(short);
    {
        let mut stmt = conn.prepare_cached(UNREAD_SQL)?;
        let mut later = conn.prepare_cached(LATER_SQL)?;
        let mut rows = stmt.query(params![start, end])?;
        while let Some(row) = rows.next()? {
            let rusqlite::types::ValueRef::Text(session) = row.get_ref(3)? else {
                continue;
            };
            let session = std::str::from_utf8(session)?;
            let ts: i64 = row.get(0)?;
            let tokens = Tokens {
                input: u(row.get(4)?),
                output: u(row.get(5)?),
                cache_read: u(row.get(6)?),
                cache_write_5m: u(row.get(7)?),
                cache_write_1h: u(row.get(8)?),
            };
            let marks: i64 = row.get(9)?;
            for (bit, life, one_hour) in [(1, LIFE_5M, false), (2, LIFE_1H, true)] {
                if marks & bit == 0 {
                    continue;
                }
                // judged once its lifetime ended before the end, or a later request of its
                // session in the window came after it ended
                let expires = ts + life;
                let judged = expires < judge_end
                    || later.query_row(params![session, expires, end], |r| r.get::<_, bool>(0))?;
                if judged {
                    pass.add_unread_write(
                        session,
                        row.get_ref(1)?.as_str()?,
                        row.get_ref(2)?.as_str()?,
                        &tokens,
                        one_hour,
                    );
                }
            }
        }
    }
    Ok(pass.finish())
}

//! The queries of the SQLite ledger: sums from the rollups and the rows, requests in time
//! order, the largest request.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, params};

use super::writer::INSERT_COLUMNS;
use crate::pricing::Tokens;
use crate::usage::budget::{Budget, NewBudget, Period};
use crate::usage::ledger::{FileProgress, SyncRow};
use crate::usage::plan::{self, Dialect};
use crate::usage::{CostSource, Dim, Key, Request, Scope, Totals};

/// How SQLite spells the shared aggregate plan.
pub(crate) const DIALECT: Dialect = Dialect {
    start: "?1",
    end: "?2",
    name: "?3",
    user_column: "user",
    sum_cast: "",
    unpriced: "sum(cost_source = 'unpriced')",
    // the rollups are not kept by machine: that is read from the rows
    machine_rollups: false,
    group_rollup: false,
};

pub(crate) fn read_totals(
    row: &rusqlite::Row<'_>,
    first: usize,
    requests: i64,
    unpriced: i64,
) -> rusqlite::Result<Totals> {
    let g = |i: usize| -> rusqlite::Result<i64> {
        Ok(row.get::<_, Option<i64>>(first + i)?.unwrap_or(0))
    };
    Ok(Totals {
        requests,
        input: g(0)?,
        output: g(1)?,
        cache_read: g(2)?,
        cache_write_5m: g(3)?,
        cache_write_1h: g(4)?,
        reasoning: g(5)?,
        cost_nanos: g(6)?,
        unpriced,
    })
}

/// Sums requests in `[start, end)` (ms), grouped by `dim`, for a scope.
///
/// Whole UTC days come from the day rollup, whole hours from the hour rollups, and the ragged
/// edges from the requests themselves.
/// `hour_buckets`: time buckets may be whole hours (false for zones whose offset is not a whole
/// number of hours, where minute buckets are read from the requests).
pub fn aggregate(
    conn: &Connection,
    start: i64,
    end: i64,
    dim: Dim,
    scope: &Scope,
    hour_buckets: bool,
) -> rusqlite::Result<Vec<(Key, Totals)>> {
    let plan = plan::aggregate(&DIALECT, start, end, dim, scope, hour_buckets);
    let mut out: HashMap<Key, Totals> = HashMap::new();
    for q in &plan.queries {
        let mut stmt = conn.prepare_cached(&q.sql)?;
        let mut rows = match plan.name {
            Some(v) => stmt.query(params![q.start, q.end, v])?,
            None => stmt.query(params![q.start, q.end])?,
        };
        while let Some(row) = rows.next()? {
            let requests: i64 = row.get::<_, Option<i64>>(1)?.unwrap_or(0);
            if requests == 0 {
                continue; // a rollup group whose rows were all replaced by others
            }
            let key = if dim == Dim::Time {
                Key::Time(row.get(0)?)
            } else {
                Key::Name(row.get(0)?)
            };
            let t = read_totals(row, 3, requests, row.get::<_, Option<i64>>(2)?.unwrap_or(0))?;
            out.entry(key).or_default().add(&t);
        }
    }
    let mut v: Vec<(Key, Totals)> = out.into_iter().collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(v)
}

/// Sums requests in `[start, end)` for a scope.
pub fn total(conn: &Connection, start: i64, end: i64, scope: &Scope) -> rusqlite::Result<Totals> {
    let mut t = Totals::default();
    let dim = if *scope == Scope::Global {
        Dim::Time
    } else {
        Dim::Provider
    };
    for (_, g) in aggregate(conn, start, end, dim, scope, true)? {
        t.add(&g);
    }
    Ok(t)
}

/// The sums of every request in the store, by provider and model (from the day rollup).
pub fn totals_by_model(conn: &Connection) -> rusqlite::Result<Vec<(String, String, Totals)>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT provider, model, sum(requests), sum(unpriced), {} FROM rollup_day \
         GROUP BY 1, 2 ORDER BY 1, 2",
        DIALECT.sums()
    ))?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        let requests: i64 = row.get::<_, Option<i64>>(2)?.unwrap_or(0);
        if requests == 0 {
            continue; // a group whose rows were all replaced by others
        }
        let unpriced = row.get::<_, Option<i64>>(3)?.unwrap_or(0);
        out.push((
            row.get(0)?,
            row.get(1)?,
            read_totals(row, 4, requests, unpriced)?,
        ));
    }
    Ok(out)
}

/// The costliest single request in `[start, end)` for a scope, in micro-dollars.
pub fn max_request_cost(
    conn: &Connection,
    start: i64,
    end: i64,
    scope: &Scope,
) -> rusqlite::Result<i64> {
    let (filter, value) = DIALECT.scope_filter(scope);
    let sql = format!("SELECT max(cost_nanos) FROM requests WHERE ts >= ?1 AND ts < ?2{filter}");
    let v: Option<i64> = match value {
        Some(v) => conn.query_row(&sql, params![start, end, v], |r| r.get(0))?,
        None => conn.query_row(&sql, params![start, end], |r| r.get(0))?,
    };
    Ok(v.unwrap_or(0))
}

/// A request from the columns [`INSERT_COLUMNS`], from the row's first column.
fn read_request(row: &rusqlite::Row<'_>) -> rusqlite::Result<Request> {
    let u = |i: usize| -> rusqlite::Result<u64> { Ok(row.get::<_, i64>(i)?.max(0) as u64) };
    Ok(Request {
        ts_ms: row.get(0)?,
        provider: row.get(1)?,
        model: row.get(2)?,
        user: row.get(3)?,
        project: row.get(4)?,
        org: row.get(5)?,
        session: row.get(6)?,
        source: row.get(7)?,
        request_id: row.get(8)?,
        tokens: Tokens {
            input: u(9)?,
            output: u(10)?,
            cache_read: u(11)?,
            cache_write_5m: u(12)?,
            cache_write_1h: u(13)?,
        },
        reasoning: u(14)?,
        cost_nanos: row.get(15)?,
        cost_source: match row.get_ref(16)?.as_str().unwrap_or("") {
            "given" => CostSource::Given,
            "computed" => CostSource::Computed,
            _ => CostSource::Unpriced,
        },
        price_version: row.get(17)?,
        latency_ms: row.get::<_, Option<i64>>(18)?.map(|v| v.max(0) as u64),
        success: row.get(19)?,
    })
}

/// Calls `f` for every request in `[start, end)`, oldest first, one row at a time.
pub fn each_request(
    conn: &Connection,
    start: i64,
    end: i64,
    f: &mut dyn FnMut(&Request) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {INSERT_COLUMNS} FROM requests WHERE ts >= ?1 AND ts < ?2 ORDER BY ts, id"
    ))?;
    let mut rows = stmt.query(params![start, end])?;
    while let Some(row) = rows.next()? {
        f(&read_request(row)?)?;
    }
    Ok(())
}

/// Up to `limit` requests with a change number past `after` and a time at or after `since`,
/// in change order, as `tokens sync` sends them: a row recorded here comes from this store
/// (`store`) and is its own origin.
pub fn rows_since(
    conn: &Connection,
    after: i64,
    since: i64,
    limit: usize,
    local_machine: &str,
    store: &str,
) -> rusqlite::Result<Vec<(i64, SyncRow)>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {INSERT_COLUMNS}, seq, machine, coalesce(origin, id), \
         coalesce(origin_store, ?4) FROM requests WHERE seq > ?1 AND ts >= ?2 ORDER BY seq \
         LIMIT ?3"
    ))?;
    let mut rows = stmt.query(params![after, since, limit as i64, store])?;
    let mut out = Vec::with_capacity(limit.min(1 << 16));
    while let Some(row) = rows.next()? {
        let request = read_request(row)?;
        let machine: String = row.get(21)?;
        out.push((
            row.get(20)?,
            SyncRow {
                machine: if machine.is_empty() {
                    local_machine.to_string()
                } else {
                    machine
                },
                origin: row.get(22)?,
                store: row.get(23)?,
                request,
            },
        ));
    }
    Ok(out)
}

/// How many requests the store holds.
pub fn count(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT count(*) FROM requests", [], |r| r.get(0))
}

// ---- budgets ---------------------------------------------------------------------------------

/// Is there at least one budget? (A cheap check before evaluating them.)
pub fn has_budgets(conn: &Connection) -> rusqlite::Result<bool> {
    Ok(conn
        .query_row("SELECT 1 FROM budgets LIMIT 1", [], |r| r.get::<_, i64>(0))
        .optional()?
        .is_some())
}

pub fn add_budget(conn: &Connection, b: &NewBudget) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO budgets (period, limit_nanos, scope, warn_percent, critical_percent, \
         exceeded_percent, created_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            b.period.as_str(),
            b.limit_nanos,
            b.scope.to_string(),
            b.thresholds[0],
            b.thresholds[1],
            b.thresholds[2],
            b.created_ms
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn remove_budget(conn: &Connection, id: i64) -> rusqlite::Result<bool> {
    Ok(conn.execute("DELETE FROM budgets WHERE id = ?1", [id])? > 0)
}

pub fn budgets(conn: &Connection) -> rusqlite::Result<Vec<Budget>> {
    let mut stmt = conn.prepare(
        "SELECT id, period, limit_nanos, scope, warn_percent, critical_percent, exceeded_percent \
         FROM budgets ORDER BY id",
    )?;
    let rows = stmt.query_map([], |r| {
        let scope: String = r.get(3)?;
        Ok(Budget {
            id: r.get(0)?,
            period: Period::parse(&r.get::<_, String>(1)?),
            limit_nanos: r.get(2)?,
            scope: Scope::parse(&scope).unwrap_or(Scope::Global),
            thresholds: [r.get(4)?, r.get(5)?, r.get(6)?],
        })
    })?;
    rows.collect()
}

// ---- imports and sync marks ------------------------------------------------------------------

pub fn import_progress(conn: &Connection, source: &str) -> rusqlite::Result<Vec<FileProgress>> {
    let mut stmt = conn.prepare(
        "SELECT path, size, mtime_ns, offset, state FROM import_files WHERE source = ?1",
    )?;
    let rows = stmt.query_map([source], |r| {
        Ok(FileProgress {
            source: source.to_string(),
            path: r.get(0)?,
            size: r.get::<_, i64>(1)?.max(0) as u64,
            mtime_ns: r.get(2)?,
            offset: r.get::<_, i64>(3)?.max(0) as u64,
            state: r.get(4)?,
        })
    })?;
    rows.collect()
}

/// Writes import progress (in the transaction of its rows).
pub fn set_import_progress(conn: &Connection, files: &[FileProgress]) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO import_files (source, path, size, mtime_ns, offset, state) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
         ON CONFLICT (source, path) DO UPDATE SET size = excluded.size, \
         mtime_ns = excluded.mtime_ns, offset = excluded.offset, state = excluded.state",
    )?;
    for f in files {
        stmt.execute(params![
            f.source,
            f.path,
            f.size as i64,
            f.mtime_ns,
            f.offset as i64,
            f.state
        ])?;
    }
    Ok(())
}

pub fn sync_mark(conn: &Connection, target: &str) -> rusqlite::Result<i64> {
    Ok(conn
        .query_row(
            "SELECT row FROM sync_marks WHERE target = ?1",
            [target],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(0))
}

pub fn set_sync_mark(conn: &Connection, target: &str, row: i64) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO sync_marks (target, row) VALUES (?1, ?2) \
         ON CONFLICT (target) DO UPDATE SET row = excluded.row",
        params![target, row],
    )?;
    Ok(())
}

//! The SQLite ledger, one file per machine (the default): opening, schema and migrations,
//! retries when another process holds the write lock, and the [`Ledger`] over it. The only
//! code, with its submodules, that knows the ledger is SQLite.

mod calls;
pub(crate) mod ids;
mod read;
#[cfg(test)]
pub(crate) use read::DIALECT;
mod report;
mod writer;

use std::path::{Path, PathBuf};
use std::time::Duration;

use jiff::tz::TimeZone;
use rusqlite::{
    Connection, ErrorCode, OpenFlags, OptionalExtension, Transaction, TransactionBehavior,
};

use crate::usage::budget::{Budget, NewBudget};
use crate::usage::calls::{StatsBy, StatsReport, ToolCall};
use crate::usage::ledger::{Absorbed, BatchSource, FileProgress, Ledger, OpenMode, Piece, SyncRow};
use crate::usage::{Change, Dim, Key, Request, Scope, Totals, Written};
pub(crate) use writer::Writer;

/// Version 1 of the schema: requests, hourly rollups, budgets, import progress. (Version 1
/// also had triggers that kept the rollups right on updates and deletes; version 2 drops them.)
const SCHEMA_1: &str = r#"
    CREATE TABLE requests (
        id              INTEGER PRIMARY KEY,
        ts              INTEGER NOT NULL,          -- milliseconds since the Unix epoch, UTC
        provider        TEXT    NOT NULL,
        model           TEXT    NOT NULL,
        user            TEXT    NOT NULL,
        project         TEXT    NOT NULL,
        org             TEXT    NOT NULL DEFAULT '',
        session         TEXT,
        source          TEXT    NOT NULL,          -- manual, jsonl, claude-code, codex ...
        request_id      TEXT,
        input           INTEGER NOT NULL,
        output          INTEGER NOT NULL,
        cache_read      INTEGER NOT NULL,
        cache_write_5m  INTEGER NOT NULL,
        cache_write_1h  INTEGER NOT NULL,
        reasoning       INTEGER NOT NULL,
        cost_micros     INTEGER NOT NULL,          -- micro-dollars; 0 when unpriced
        cost_source     TEXT    NOT NULL,          -- given | computed | unpriced
        price_version   TEXT,
        latency_ms      INTEGER,
        success         INTEGER NOT NULL
    );
    CREATE UNIQUE INDEX requests_request_id ON requests (source, request_id)
        WHERE request_id IS NOT NULL;
    CREATE INDEX requests_ts ON requests (ts);

    CREATE TABLE rollup (
        hour            INTEGER NOT NULL,          -- ts / 3,600,000
        provider        TEXT    NOT NULL,
        model           TEXT    NOT NULL,
        user            TEXT    NOT NULL,
        project         TEXT    NOT NULL,
        org             TEXT    NOT NULL,
        requests        INTEGER NOT NULL,
        input           INTEGER NOT NULL,
        output          INTEGER NOT NULL,
        cache_read      INTEGER NOT NULL,
        cache_write_5m  INTEGER NOT NULL,
        cache_write_1h  INTEGER NOT NULL,
        reasoning       INTEGER NOT NULL,
        cost_micros     INTEGER NOT NULL,
        unpriced        INTEGER NOT NULL,
        PRIMARY KEY (hour, provider, model, user, project, org)
    ) WITHOUT ROWID;

    -- The same sums per hour only, for summaries of everything.
    CREATE TABLE rollup_hour (
        hour            INTEGER PRIMARY KEY,
        requests        INTEGER NOT NULL,
        input           INTEGER NOT NULL,
        output          INTEGER NOT NULL,
        cache_read      INTEGER NOT NULL,
        cache_write_5m  INTEGER NOT NULL,
        cache_write_1h  INTEGER NOT NULL,
        reasoning       INTEGER NOT NULL,
        cost_micros     INTEGER NOT NULL,
        unpriced        INTEGER NOT NULL
    );

    CREATE TABLE budgets (
        id              INTEGER PRIMARY KEY,
        period          TEXT    NOT NULL,          -- daily | monthly | per-request
        limit_micros    INTEGER NOT NULL,
        scope           TEXT    NOT NULL,          -- global | user:NAME | project:NAME | org:NAME
        warn_percent    INTEGER NOT NULL,
        critical_percent INTEGER NOT NULL,
        exceeded_percent INTEGER NOT NULL,
        created_ms      INTEGER NOT NULL
    );

    CREATE TABLE import_files (
        source          TEXT    NOT NULL,
        path            TEXT    NOT NULL,
        size            INTEGER NOT NULL,
        mtime_ns        INTEGER NOT NULL,
        offset          INTEGER NOT NULL,          -- bytes read so far (whole lines)
        state           TEXT,                      -- per-file parser state (JSON)
        PRIMARY KEY (source, path)
    ) WITHOUT ROWID;
    "#;

/// Version 2, in three parts:
///
/// - The rollup by UTC day, so that grouped summaries of long windows read one row per day and
///   group instead of 24, filled from the hourly rollup of an existing store.
/// - Version 1's rollup triggers go: `usage::Writer`, the only code that changes a request row,
///   keeps all three rollups itself. Every process that opens the store parses the whole
///   schema, and the triggers' nine upserts were 40% of it (about 0.4 ms a run).
/// - A request id is found by `rid`, a 64-bit hash of its source and id (see
///   [`crate::usage::rid_slot`]), instead of an index on the two texts: real request ids are random,
///   and the text index, three times larger, cost a batch of 5 million rows four times as much.
///   [`fill_rids`] fills it for the rows of an existing store. (Stores made by builds of version
///   2 also have a unique index on `rid`; version 3 replaces it, so it is no longer made.)
const SCHEMA_2: &str = r#"
    DROP TRIGGER IF EXISTS requests_delete;
    DROP TRIGGER IF EXISTS requests_update;
    DROP INDEX requests_request_id;
    ALTER TABLE requests ADD COLUMN rid INTEGER;
    CREATE TABLE rollup_day (
        day             INTEGER NOT NULL,          -- ts / 86,400,000 (UTC days)
        provider        TEXT    NOT NULL,
        model           TEXT    NOT NULL,
        user            TEXT    NOT NULL,
        project         TEXT    NOT NULL,
        org             TEXT    NOT NULL,
        requests        INTEGER NOT NULL,
        input           INTEGER NOT NULL,
        output          INTEGER NOT NULL,
        cache_read      INTEGER NOT NULL,
        cache_write_5m  INTEGER NOT NULL,
        cache_write_1h  INTEGER NOT NULL,
        reasoning       INTEGER NOT NULL,
        cost_micros     INTEGER NOT NULL,
        unpriced        INTEGER NOT NULL,
        PRIMARY KEY (day, provider, model, user, project, org)
    ) WITHOUT ROWID;
    INSERT INTO rollup_day
        SELECT hour / 24, provider, model, user, project, org, sum(requests), sum(input),
               sum(output), sum(cache_read), sum(cache_write_5m), sum(cache_write_1h),
               sum(reasoning), sum(cost_micros), sum(unpriced)
        FROM rollup WHERE hour >= 0 GROUP BY 1, 2, 3, 4, 5, 6;
    "#;

/// Gives every existing row with a request id its `rid` (its hash, or the next free number when
/// two ids share one), keeping one row per id. Version 1 kept one row per id too.
fn fill_rids(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    let mut taken = std::collections::HashSet::new();
    let mut rows = Vec::new();
    {
        let mut stmt = tx.prepare(
            "SELECT id, source, request_id FROM requests WHERE request_id IS NOT NULL ORDER BY id",
        )?;
        let mut q = stmt.query([])?;
        while let Some(row) = q.next()? {
            let (id, source, request_id): (i64, String, String) =
                (row.get(0)?, row.get(1)?, row.get(2)?);
            let mut slot = crate::usage::rid_slot(&source, &request_id);
            while !taken.insert(slot) {
                slot = slot.wrapping_add(1);
            }
            rows.push((id, slot));
        }
    }
    let mut set = tx.prepare("UPDATE requests SET rid = ?2 WHERE id = ?1")?;
    for (id, slot) in rows {
        set.execute([id, slot])?;
    }
    Ok(())
}

/// Version 3: a request id's row is found through the index of [`ids`] (a log-structured
/// merge tree with Bloom filters), filled from the `rid`s by [`ids::fill`], instead of the
/// unique index on `rid`: with random ids, that index cost a large batch a third of its time.
const SCHEMA_3: &str = r#"
    CREATE TABLE rid_recent (
        rid             INTEGER PRIMARY KEY,
        row             INTEGER NOT NULL           -- requests.id
    );
    CREATE TABLE rid_runs (
        run             INTEGER PRIMARY KEY,       -- 0: rid_recent
        keys            INTEGER NOT NULL,          -- how many rids
        bloom           BLOB
    );
    CREATE TABLE rid_blocks (
        run             INTEGER NOT NULL,
        first           INTEGER NOT NULL,          -- the block's first (smallest) rid
        keys            BLOB    NOT NULL,          -- sorted (rid, row) pairs, 16 bytes each
        PRIMARY KEY (run, first)
    ) WITHOUT ROWID;
    INSERT INTO rid_runs (run, keys) VALUES (0, 0);
    "#;

/// Version 4: money in nano-dollars (10^-9 USD) instead of micro-dollars, so that rounding each
/// request (half to even, once) cannot move a displayed cent for billions of requests. Every
/// amount is multiplied by 1,000 and its column renamed (`cost_nanos`, `limit_nanos`); then
/// [`reprice`] computes again, exactly, the rows priced by the built-in table of this build, and
/// [`REBUILD_ROLLUPS`] sums the rollups again from the rows. `rollup_all` holds the store's
/// totals, against which every write is checked (see `usage::Writer::finish`).
const SCHEMA_4: &str = r#"
    ALTER TABLE requests RENAME COLUMN cost_micros TO cost_nanos;
    UPDATE requests SET cost_nanos = cost_nanos * 1000 WHERE cost_nanos <> 0;
    ALTER TABLE rollup RENAME COLUMN cost_micros TO cost_nanos;
    ALTER TABLE rollup_day RENAME COLUMN cost_micros TO cost_nanos;
    ALTER TABLE rollup_hour RENAME COLUMN cost_micros TO cost_nanos;
    ALTER TABLE budgets RENAME COLUMN limit_micros TO limit_nanos;
    UPDATE budgets SET limit_nanos = limit_nanos * 1000;
    CREATE TABLE rollup_all (
        id              INTEGER PRIMARY KEY CHECK (id = 0),
        requests        INTEGER NOT NULL,
        input           INTEGER NOT NULL,
        output          INTEGER NOT NULL,
        cache_read      INTEGER NOT NULL,
        cache_write_5m  INTEGER NOT NULL,
        cache_write_1h  INTEGER NOT NULL,
        reasoning       INTEGER NOT NULL,
        cost_nanos      INTEGER NOT NULL,          -- nano-dollars
        unpriced        INTEGER NOT NULL
    );
    "#;

/// Version 5: the call ledger, one row per MCP `tools/call` that went through `aimcp mcp serve`
/// (see [`crate::usage::calls`]). A call's arguments and result are never stored (they can hold
/// secrets): only when, which tool, for whom, how long, how it ended and how large it was.
/// A row names its tool by a number (`tool_names`), and its outcome too, so that `mcp stats` reads
/// only integers; the index holds every column it reads, so a window is read from the index
/// alone, in time order.
const SCHEMA_5: &str = r#"
    CREATE TABLE tool_names (
        id              INTEGER PRIMARY KEY,
        server          TEXT    NOT NULL,
        tool            TEXT    NOT NULL,          -- the upstream's own name for it
        UNIQUE (server, tool)
    );
    CREATE TABLE tool_calls (
        id              INTEGER PRIMARY KEY,
        ts              INTEGER NOT NULL,          -- milliseconds since the Unix epoch, UTC
        tool            INTEGER NOT NULL,          -- tool_names.id
        client          TEXT,                      -- the client's clientInfo.name
        latency_us      INTEGER NOT NULL,          -- microseconds
        outcome         INTEGER NOT NULL,          -- 0 ok, 1 tool error, 2 protocol error, 3 timeout
        bytes_in        INTEGER NOT NULL,          -- the request's JSON, in bytes
        bytes_out       INTEGER NOT NULL,          -- the answer's JSON, in bytes
        result_tokens   INTEGER NOT NULL           -- the result's tokens (o200k_base), estimated
    );
    CREATE INDEX tool_calls_ts ON tool_calls (ts, tool, outcome, latency_us, bytes_in, bytes_out,
        result_tokens);
    "#;

/// A version-3 store that version 4 cannot take as it is: rows (or budgets) whose numbers an
/// older build let through (a count past [`crate::usage::MAX_TOKENS`], an amount that ×1,000 would not
/// fit in an `i64`, a value SQLite holds as a float) or whose sums cannot be held. The migration
/// stops before it changes anything, and says which rows to remove.
#[derive(Debug)]
pub struct Unmigratable {
    pub message: String,
    pub hint: String,
}

impl std::fmt::Display for Unmigratable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Unmigratable {}

/// Checks, before [`SCHEMA_4`], that every number of a version-3 store fits version 4.
fn check_v3_numbers(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    let max_tokens = crate::usage::MAX_TOKENS as i64;
    let max_micros = i64::MAX / 1000;
    let counts = [
        "input",
        "output",
        "cache_read",
        "cache_write_5m",
        "cache_write_1h",
        "reasoning",
    ];
    let mut bad_count: Vec<String> = counts
        .iter()
        .map(|c| format!("typeof({c}) <> 'integer' OR {c} < 0 OR {c} > {max_tokens}"))
        .collect();
    bad_count.push(format!(
        "typeof(cost_micros) <> 'integer' OR abs(cost_micros) > {max_micros}"
    ));
    let where_bad = bad_count.join(" OR ");
    let ids: Vec<i64> = tx
        .prepare(&format!(
            "SELECT id FROM requests WHERE {where_bad} ORDER BY id LIMIT 11"
        ))?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let budgets: Vec<i64> = tx
        .prepare(&format!(
            "SELECT id FROM budgets WHERE typeof(limit_micros) <> 'integer' \
             OR abs(limit_micros) > {max_micros} ORDER BY id LIMIT 11"
        ))?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    // sums past an i64 (total() adds as floats, so it cannot overflow itself)
    let sums: Vec<String> = counts
        .iter()
        .chain(["cost_micros"].iter())
        .map(|c| format!("total({c}) > 9.2e18 OR total({c}) < -9.2e18"))
        .collect();
    let sums_too_big: bool = tx.query_row(
        &format!("SELECT {} FROM requests", sums.join(" OR ")),
        [],
        |r| r.get(0),
    )?;
    let list = |v: &[i64]| {
        let mut s: Vec<String> = v.iter().take(10).map(i64::to_string).collect();
        if v.len() > 10 {
            s.push("...".into());
        }
        s.join(", ")
    };
    let (message, hint) = if !ids.is_empty() {
        (
            format!(
                "requests with ids {} hold numbers past what a request may have \
                 (at most {} tokens of each kind and $1,000,000,000)",
                list(&ids),
                crate::usage::MAX_TOKENS
            ),
            format!(
                "an older aimcp recorded them; remove them and run again: `sqlite3 STORE \
                 \"DELETE FROM requests WHERE {where_bad}\"` (the store is left as it was)"
            ),
        )
    } else if !budgets.is_empty() {
        (
            format!(
                "budgets with ids {} have limits past $9,223,372,036",
                list(&budgets)
            ),
            "remove them with `aimcp` of the version that set them, or with sqlite3, and run \
             again (the store is left as it was)"
                .to_string(),
        )
    } else if sums_too_big {
        (
            "the store's totals are past what an `i64` holds".to_string(),
            "remove the largest requests with sqlite3 and run again (the store is left as it was)"
                .to_string(),
        )
    } else {
        return Ok(());
    };
    Err(rusqlite::Error::ToSqlConversionFailure(Box::new(
        Unmigratable { message, hint },
    )))
}

/// The rollups summed again from the rows (hours are floored, also before 1970).
const REBUILD_ROLLUPS: &str = r#"
    DELETE FROM rollup;
    DELETE FROM rollup_day;
    DELETE FROM rollup_hour;
    DELETE FROM rollup_all;
    INSERT INTO rollup
        SELECT CASE WHEN ts >= 0 THEN ts / 3600000 ELSE (ts - 3599999) / 3600000 END,
               provider, model, user, project, org, count(*), sum(input), sum(output),
               sum(cache_read), sum(cache_write_5m), sum(cache_write_1h), sum(reasoning),
               sum(cost_nanos), sum(cost_source = 'unpriced')
        FROM requests GROUP BY 1, 2, 3, 4, 5, 6;
    INSERT INTO rollup_day
        SELECT CASE WHEN hour >= 0 THEN hour / 24 ELSE (hour - 23) / 24 END,
               provider, model, user, project, org, sum(requests), sum(input), sum(output),
               sum(cache_read), sum(cache_write_5m), sum(cache_write_1h), sum(reasoning),
               sum(cost_nanos), sum(unpriced)
        FROM rollup GROUP BY 1, 2, 3, 4, 5, 6;
    INSERT INTO rollup_hour
        SELECT hour, sum(requests), sum(input), sum(output), sum(cache_read),
               sum(cache_write_5m), sum(cache_write_1h), sum(reasoning), sum(cost_nanos),
               sum(unpriced)
        FROM rollup GROUP BY 1;
    INSERT INTO rollup_all
        SELECT 0, sum(requests), sum(input), sum(output), sum(cache_read), sum(cache_write_5m),
               sum(cache_write_1h), sum(reasoning), sum(cost_nanos), sum(unpriced)
        FROM rollup_hour HAVING count(*) > 0;
    "#;

/// Computes again the cost of every row priced by the built-in table of this build (its
/// `price_version`), exactly in nano-dollars: rows priced by an older table, by a prices file,
/// or given, keep their amount (×1,000). Runs before [`REBUILD_ROLLUPS`].
fn reprice(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    let book = crate::pricing::PriceBook::load(None).map_err(|e| {
        rusqlite::Error::ToSqlConversionFailure(Box::new(std::io::Error::other(e.to_string())))
    })?;
    let version = book
        .builtin_models()
        .first()
        .map(|m| m.version.clone())
        .unwrap_or_default();
    let mut changed: Vec<(i64, i64)> = Vec::new();
    {
        let mut stmt = tx.prepare(
            "SELECT id, provider, model, input, output, cache_read, cache_write_5m,              cache_write_1h, cost_nanos FROM requests              WHERE cost_source = 'computed' AND price_version = ?1",
        )?;
        let mut rows = stmt.query([&version])?;
        let mut cache: std::collections::HashMap<
            (String, String),
            Option<crate::pricing::ModelPrice>,
        > = std::collections::HashMap::new();
        while let Some(row) = rows.next()? {
            let (provider, model): (String, String) = (row.get(1)?, row.get(2)?);
            let u = |i: usize| -> rusqlite::Result<u64> { Ok(row.get::<_, i64>(i)?.max(0) as u64) };
            let tokens = crate::pricing::Tokens {
                input: u(3)?,
                output: u(4)?,
                cache_read: u(5)?,
                cache_write_5m: u(6)?,
                cache_write_1h: u(7)?,
            };
            let price = cache
                .entry((provider, model))
                .or_insert_with_key(|(p, m)| book.price(p, m).cloned());
            let Some(price) = price.as_ref().filter(|p| p.version == version) else {
                continue;
            };
            let Ok(exact) = i64::try_from(price.cost(&tokens)) else {
                continue;
            };
            if exact != row.get::<_, i64>(8)? {
                changed.push((row.get(0)?, exact));
            }
        }
    }
    let mut set = tx.prepare("UPDATE requests SET cost_nanos = ?2 WHERE id = ?1")?;
    for (id, cost) in changed {
        set.execute([id, cost])?;
    }
    Ok(())
}

/// One step of the schema: SQL, or SQL with work done in Rust.
enum Step {
    Sql(&'static str),
    Rust(fn(&Transaction<'_>) -> rusqlite::Result<()>),
    /// The rows of an older store were all recorded on this machine: they get its id.
    StampMachine,
    /// The store's own random id (see [`SCHEMA_7`]).
    StoreId,
}

/// Version 6: where each row came from, for `tokens sync` and `summary --by machine`. A row
/// recorded here has this machine's id and no `origin`; a row synced from another machine
/// keeps that machine's id and its row id there (`origin`), by which it is found again when it
/// has no request id. `sync_marks` holds, per target, the last row id sent to it.
const SCHEMA_6: &str = r#"
    ALTER TABLE requests ADD COLUMN machine TEXT NOT NULL DEFAULT '';
    ALTER TABLE requests ADD COLUMN origin INTEGER;
    CREATE INDEX requests_origin ON requests (machine, origin) WHERE origin IS NOT NULL;
    CREATE TABLE sync_marks (
        target          TEXT    PRIMARY KEY,       -- a path, or a URL without its password
        row             INTEGER NOT NULL           -- the last requests.id sent to it
    ) WITHOUT ROWID;
    "#;

/// Version 7, for `tokens sync`:
///
/// - `seq`, a row's change number: every insert and every rewrite of a row (a replaced request
///   id, a larger import, a synced copy that changed) gives it the next number, so that a sync
///   sends the rows changed since its mark, not only the rows added (a statusline's partial
///   Claude row completed later, a `record --request-id` correction). Existing rows get their
///   id; the marks of `sync_marks` were row ids and stay valid as change numbers.
/// - `meta` holds `store_id`, this store's random id, made with it. A row recorded here is known
///   everywhere as (store id, row id); a synced row keeps where it came from in `origin_store`
///   and `origin`, its key when it has no request id (a machine id, shared by cloned machines
///   and kept when a store is made again, no longer is). A store that sent rows under version 6
///   keys them by its machine id as before: it takes that as its store id.
/// - `sync_marks` is now keyed by the target's store id.
const SCHEMA_7: &str = r#"
    ALTER TABLE requests ADD COLUMN origin_store TEXT;
    ALTER TABLE requests ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
    UPDATE requests SET seq = id;
    UPDATE requests SET origin_store = machine WHERE origin IS NOT NULL;
    DROP INDEX requests_origin;
    CREATE INDEX requests_origin ON requests (origin_store, origin) WHERE origin IS NOT NULL;
    CREATE INDEX requests_seq ON requests (seq);
    CREATE TABLE meta (
        key             TEXT    PRIMARY KEY,
        value           TEXT    NOT NULL
    ) WITHOUT ROWID;
    "#;

/// Version 8, for `tokens report` and `tokens statusline` on a large store:
///
/// - `cache_unread`, kept by [`Writer`] for a row with a session and cache writes: bit 1 when
///   its 5-minute write, bit 2 when its 1-hour write, is never read by a later request of the
///   session within the write's lifetime (see [`UNREAD_MARKS`]); filled here for the rows
///   there. The report reads only the marked rows (`requests_unread`) instead of every request.
/// - `requests_session`: a session's requests by time (the statusline's session cost, and the
///   marks' look-ups).
/// - `requests_timed` and `requests_short`: the few rows the report's latency and failures, and
///   its "cheaper model" recommendation, read (partial indexes that hold what they need, so the
///   report reads no table row for them). The condition of `requests_short` is
///   [`crate::usage::report::SHORT_OUTPUT`]'s: a change of that number is a new version.
const SCHEMA_8: &str = r#"
    ALTER TABLE requests ADD COLUMN cache_unread INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX requests_session ON requests (session, ts) WHERE session IS NOT NULL;
    CREATE INDEX requests_unread ON requests (ts) WHERE cache_unread <> 0;
    CREATE INDEX requests_timed ON requests (ts, model, latency_ms, success)
        WHERE latency_ms IS NOT NULL OR success = 0;
    CREATE INDEX requests_short ON requests (ts, provider, model, input, output, cache_read,
        cache_write_5m, cache_write_1h, cost_nanos, success, cost_source)
        WHERE output <= 200 AND success <> 0 AND cost_source <> 'unpriced';
    "#;

/// Marks again the cache writes of one session's rows in `[?2, ?3]` (see [`SCHEMA_8`]): a
/// write is read when a later request of the session (later by time, then by row) reads the
/// cache at most its lifetime (5 minutes, 1 hour) after it.
pub(crate) const UNREAD_MARKS: &str = "UPDATE requests AS w SET cache_unread = \
    (w.cache_write_5m > 0 AND NOT EXISTS (SELECT 1 FROM requests r WHERE r.session = w.session \
      AND r.ts >= w.ts AND r.ts <= w.ts + 300000 AND r.cache_read > 0 \
      AND (r.ts > w.ts OR r.id > w.id))) \
    | ((w.cache_write_1h > 0 AND NOT EXISTS (SELECT 1 FROM requests r WHERE r.session = w.session \
      AND r.ts >= w.ts AND r.ts <= w.ts + 3600000 AND r.cache_read > 0 \
      AND (r.ts > w.ts OR r.id > w.id))) << 1) \
    WHERE w.session = ?1 AND w.ts >= ?2 AND w.ts <= ?3 \
    AND (w.cache_write_5m > 0 OR w.cache_write_1h > 0 OR w.cache_unread <> 0)";

/// [`UNREAD_MARKS`] for every row of an existing store.
const FILL_UNREAD_MARKS: &str = "UPDATE requests AS w SET cache_unread = \
    (w.cache_write_5m > 0 AND NOT EXISTS (SELECT 1 FROM requests r WHERE r.session = w.session \
      AND r.ts >= w.ts AND r.ts <= w.ts + 300000 AND r.cache_read > 0 \
      AND (r.ts > w.ts OR r.id > w.id))) \
    | ((w.cache_write_1h > 0 AND NOT EXISTS (SELECT 1 FROM requests r WHERE r.session = w.session \
      AND r.ts >= w.ts AND r.ts <= w.ts + 3600000 AND r.cache_read > 0 \
      AND (r.ts > w.ts OR r.id > w.id))) << 1) \
    WHERE w.session IS NOT NULL AND (w.cache_write_5m > 0 OR w.cache_write_1h > 0);";

/// Adds an upserted row's sums to a rollup row: the `DO UPDATE SET` of every rollup write in
/// [`Writer`].
pub(crate) const ROLLUP_ADD: &str = "requests = requests + excluded.requests, \
    input = input + excluded.input, output = output + excluded.output, \
    cache_read = cache_read + excluded.cache_read, \
    cache_write_5m = cache_write_5m + excluded.cache_write_5m, \
    cache_write_1h = cache_write_1h + excluded.cache_write_1h, \
    reasoning = reasoning + excluded.reasoning, cost_nanos = cost_nanos + excluded.cost_nanos, \
    unpriced = unpriced + excluded.unpriced";

/// The schema, one entry per version. `PRAGMA user_version` says how many have been applied.
const MIGRATIONS: &[&[Step]] = &[
    &[Step::Sql(SCHEMA_1)],
    &[Step::Sql(SCHEMA_2), Step::Rust(fill_rids)],
    &[
        Step::Sql(SCHEMA_3),
        Step::Rust(|tx| ids::fill(tx)),
        Step::Sql("DROP INDEX IF EXISTS requests_rid;"),
    ],
    &[
        Step::Rust(check_v3_numbers),
        Step::Sql(SCHEMA_4),
        Step::Rust(reprice),
        Step::Sql(REBUILD_ROLLUPS),
    ],
    &[Step::Sql(SCHEMA_5)],
    &[Step::Sql(SCHEMA_6), Step::StampMachine],
    &[Step::Sql(SCHEMA_7), Step::StoreId],
    &[Step::Sql(SCHEMA_8), Step::Sql(FILL_UNREAD_MARKS)],
];

/// Per-connection settings: WAL's durable-enough sync, and a page cache and memory map large
/// enough that big batches and summaries do not thrash (both are upper bounds, not allocations).
const SESSION_PRAGMAS: &str =
    "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -131072; PRAGMA mmap_size = 8589934592;";

/// A WAL larger than this is checkpointed and emptied after a write or at open.
///
/// Every process that opens the store first rebuilds the WAL's index by reading (and
/// checksumming) every frame written since the WAL was last emptied, and a checkpoint by a
/// short-lived process never empties it. So the WAL is kept small: at 256 KiB the rebuild costs
/// a `record` about 0.1 ms, where a WAL left to grow to tens of megabytes cost it several.
const WAL_LIMIT: u64 = 256 << 10;

/// A WAL larger than this is emptied even if that means waiting for other processes.
const WAL_HUGE: u64 = 64 << 20;

/// How long SQLite waits for another process's lock before [`retry`] takes over.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// The usage store in one SQLite file.
pub struct SqliteStore {
    pub(crate) conn: Connection,
    path: PathBuf,
    /// This machine's id, stamped on the rows written here.
    machine: String,
    /// The store's own id (`meta.store_id`).
    store_id: String,
    /// The tool numbers of the call ledger known so far (see [`calls::write`]).
    tool_ids: calls::ToolIds,
}

/// The default path: `<data dir>/aimcp/usage.db`.
pub fn default_path() -> anyhow::Result<PathBuf> {
    dirs::data_dir()
        .map(|d| d.join("aimcp").join("usage.db"))
        .ok_or_else(|| {
            crate::error::usage("cannot find a data folder for the usage store")
                .hint("give one with `--db FILE` or `AIMCP_DB`")
                .into()
        })
}

/// Is this SQLite's "someone else holds the lock" error?
pub fn is_busy(err: &rusqlite::Error) -> bool {
    matches!(
        err.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked)
    )
}

/// Runs `f` again while SQLite reports the database busy (after its own busy timeout), with a
/// growing pause, for up to about five minutes, so no user ever sees "database is locked".
pub fn retry<T>(mut f: impl FnMut() -> rusqlite::Result<T>) -> rusqlite::Result<T> {
    let mut pause = Duration::from_millis(5);
    let mut waited = Duration::ZERO;
    loop {
        match f() {
            Err(e) if is_busy(&e) && waited < Duration::from_secs(300) => {
                std::thread::sleep(pause);
                waited += pause;
                pause = (pause * 2).min(Duration::from_millis(200));
            }
            other => return other,
        }
    }
}

/// A failed migration: a store an older build filled with numbers version 4 cannot take is bad
/// input (exit 2, with the rows to remove); anything else is an error of its own.
fn migrate_error(path: &Path, e: rusqlite::Error) -> anyhow::Error {
    if let rusqlite::Error::ToSqlConversionFailure(inner) = &e
        && let Some(u) = inner.downcast_ref::<Unmigratable>()
    {
        return crate::error::usage(format!(
            "cannot migrate the usage store `{}`: {}",
            path.display(),
            u.message
        ))
        .hint(u.hint.replace("STORE", &path.display().to_string()))
        .into();
    }
    anyhow::anyhow!("cannot prepare the usage store `{}`: {e}", path.display())
}

impl SqliteStore {
    /// Opens the store at `path` for `mode`, stamping `machine` on the rows written through it.
    pub fn open_with(path: &Path, mode: OpenMode, machine: &str) -> anyhow::Result<SqliteStore> {
        SqliteStore::open_lazy(path, mode, machine, &|| machine.to_string())
    }

    /// [`SqliteStore::open_with`], where `machine` may be empty (a reader that knows no id yet)
    /// and `make_machine` makes the id when a migration must stamp it on an older store's rows.
    pub fn open_lazy(
        path: &Path,
        mode: OpenMode,
        machine: &str,
        make_machine: &dyn Fn() -> String,
    ) -> anyhow::Result<SqliteStore> {
        let mut store = match mode {
            OpenMode::Write => SqliteStore::create(path, machine, make_machine)?,
            OpenMode::Read => SqliteStore::open_for_reading_as(path, machine, make_machine)?,
        };
        store.machine = machine.to_string();
        Ok(store)
    }

    /// Opens (creating it and its folder on first use) and migrates the store (rows written
    /// through it have no machine id: for tests).
    #[cfg(test)]
    pub fn open(path: &Path) -> anyhow::Result<SqliteStore> {
        SqliteStore::create(path, "", &String::new)
    }

    /// [`SqliteStore::open_for_reading_as`], without a machine id: for tests.
    #[cfg(test)]
    pub fn open_for_reading(path: &Path) -> anyhow::Result<SqliteStore> {
        SqliteStore::open_for_reading_as(path, "", &String::new)
    }

    /// Opens (creating it and its folder on first use) and migrates the store.
    fn create(
        path: &Path,
        machine: &str,
        make_machine: &dyn Fn() -> String,
    ) -> anyhow::Result<SqliteStore> {
        if let Some(dir) = path.parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir).map_err(|e| {
                anyhow::anyhow!(
                    "cannot create the folder `{}` for the usage store: {e}",
                    dir.display()
                )
            })?;
        }
        SqliteStore::connect(path, OpenFlags::SQLITE_OPEN_CREATE, machine, make_machine)
    }

    /// Opens the store for a command that only reads, creating nothing: when there is no store
    /// (nor its folder), the command reads an empty ledger held in memory, so that it answers
    /// as for a store with nothing in it. A store of an older schema version is migrated, as
    /// [`OpenMode::Write`] does: its tables cannot be read as they were.
    fn open_for_reading_as(
        path: &Path,
        machine: &str,
        make_machine: &dyn Fn() -> String,
    ) -> anyhow::Result<SqliteStore> {
        if matches!(path.try_exists(), Ok(false)) {
            let mut store = SqliteStore {
                conn: Connection::open_in_memory()?,
                path: path.to_path_buf(),
                machine: machine.to_string(),
                store_id: String::new(),
                tool_ids: Default::default(),
            };
            store.migrate(make_machine)?;
            return Ok(store);
        }
        SqliteStore::connect(path, OpenFlags::empty(), machine, make_machine)
    }

    /// Opens the file (with `create`: creating it) and migrates it.
    fn connect(
        path: &Path,
        create: OpenFlags,
        machine: &str,
        make_machine: &dyn Fn() -> String,
    ) -> anyhow::Result<SqliteStore> {
        let open = || -> rusqlite::Result<Connection> {
            let conn = Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_WRITE | create | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?;
            conn.busy_timeout(BUSY_TIMEOUT)?;
            // a short-lived process should not pay for a checkpoint of the whole WAL when it
            // closes; SQLite checkpoints as the WAL grows anyway
            conn.set_db_config(
                rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE,
                true,
            )?;
            Ok(conn)
        };
        let conn = retry(open).map_err(|e| {
            anyhow::anyhow!("cannot open the usage store `{}`: {e}", path.display())
        })?;
        let mut store = SqliteStore {
            conn,
            path: path.to_path_buf(),
            machine: machine.to_string(),
            store_id: String::new(),
            tool_ids: Default::default(),
        };
        store
            .migrate(make_machine)
            .map_err(|e| migrate_error(path, e))?;
        store.trim_wal();
        Ok(store)
    }

    /// After a large write (or when a large WAL is found), copies the WAL into the database and
    /// empties it, so that later processes do not read a huge WAL when they open the store.
    /// Best effort: a busy store is left for a later run.
    pub(crate) fn trim_wal(&self) {
        let mut wal = self.path.clone().into_os_string();
        wal.push("-wal");
        let size = std::fs::metadata(&wal).map_or(0, |m| m.len());
        if size <= WAL_LIMIT {
            return;
        }
        // a small WAL is left for a later run when another process is busy; a huge one is
        // worth waiting for, or every later open would read it all
        let wait = size > WAL_HUGE;
        if !wait {
            let _ = self.conn.busy_timeout(Duration::ZERO);
        }
        let _ = self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        if !wait {
            let _ = self.conn.busy_timeout(BUSY_TIMEOUT);
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Brings the schema to this build's version, then reads the store's id. `make_machine`
    /// gives this machine's id when an older store's rows must be stamped with it.
    fn migrate(&mut self, make_machine: &dyn Fn() -> String) -> rusqlite::Result<()> {
        self.migrate_schema(make_machine)?;
        self.store_id = retry(|| {
            self.conn
                .query_row("SELECT value FROM meta WHERE key = 'store_id'", [], |r| {
                    r.get(0)
                })
                .optional()
        })?
        .unwrap_or_default();
        Ok(())
    }

    fn migrate_schema(&mut self, make_machine: &dyn Fn() -> String) -> rusqlite::Result<()> {
        let machine = self.machine.clone();
        let version: i64 = retry(|| self.conn.query_row("PRAGMA user_version", [], |r| r.get(0)))?;
        if version as usize >= MIGRATIONS.len() {
            return retry(|| self.conn.execute_batch(SESSION_PRAGMAS));
        }
        retry(|| {
            let mode: String = self
                .conn
                .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
            let _ = mode;
            Ok(())
        })?;
        self.conn.execute_batch(SESSION_PRAGMAS)?;
        retry(|| {
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            if version as usize >= MIGRATIONS.len() {
                return Ok(()); // another process migrated it meanwhile
            }
            for (i, steps) in MIGRATIONS.iter().enumerate().skip(version.max(0) as usize) {
                for step in *steps {
                    match step {
                        Step::Sql(sql) => tx.execute_batch(sql)?,
                        Step::Rust(f) => f(&tx)?,
                        Step::StampMachine => {
                            let any: bool = tx.query_row(
                                "SELECT EXISTS (SELECT 1 FROM requests WHERE machine = '')",
                                [],
                                |r| r.get(0),
                            )?;
                            if any {
                                // a reader knows no id until a store's rows need it
                                let machine = if machine.is_empty() {
                                    make_machine()
                                } else {
                                    machine.clone()
                                };
                                tx.execute(
                                    "UPDATE requests SET machine = ?1 WHERE machine = ''",
                                    [&machine],
                                )?;
                            }
                        }
                        Step::StoreId => {
                            // a store that sent rows under version 6 keyed them by its machine
                            let sent: Option<String> = tx
                                .query_row(
                                    "SELECT machine FROM requests WHERE origin IS NULL \
                                     AND machine <> '' AND EXISTS (SELECT 1 FROM sync_marks) \
                                     LIMIT 1",
                                    [],
                                    |r| r.get(0),
                                )
                                .optional()?;
                            let id = sent.unwrap_or_else(|| crate::usage::machine::random_hex(16));
                            tx.execute(
                                "INSERT INTO meta (key, value) VALUES ('store_id', ?1)",
                                [&id],
                            )?;
                        }
                    }
                }
                tx.execute_batch(&format!("PRAGMA user_version = {}", i + 1))?;
            }
            tx.commit()
        })
    }

    /// Runs `f` in a write transaction (taken at once, so writers queue instead of deadlocking),
    /// retrying the whole transaction when the store stays busy.
    pub(crate) fn write<T>(
        &mut self,
        mut f: impl FnMut(&Transaction<'_>) -> anyhow::Result<T>,
    ) -> anyhow::Result<T> {
        let mut pause = Duration::from_millis(5);
        let mut waited = Duration::ZERO;
        loop {
            let attempt = (|| -> anyhow::Result<T> {
                let tx = self
                    .conn
                    .transaction_with_behavior(TransactionBehavior::Immediate)?;
                let out = f(&tx)?;
                tx.commit()?;
                Ok(out)
            })();
            if attempt.is_ok() {
                self.trim_wal();
            }
            match attempt {
                Err(e)
                    if e.downcast_ref::<rusqlite::Error>().is_some_and(is_busy)
                        && waited < Duration::from_secs(300) =>
                {
                    std::thread::sleep(pause);
                    waited += pause;
                    pause = (pause * 2).min(Duration::from_millis(200));
                }
                other => return other,
            }
        }
    }

    /// Begins a write transaction (taken at once), waiting while another process holds the
    /// lock (see [`retry`]). For writes that cannot be run again from the start, such as a
    /// stream of requests: the transaction is begun before anything is consumed.
    pub(crate) fn begin(&self) -> rusqlite::Result<Transaction<'_>> {
        let conn = &self.conn;
        retry(|| Transaction::new_unchecked(conn, TransactionBehavior::Immediate))
    }

    /// Another connection to the store's file, read-only, for a scan on a second thread;
    /// `None` when it cannot be opened (the caller then reads on its own connection).
    fn second_reader(&self) -> Option<Connection> {
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .ok()?;
        conn.busy_timeout(BUSY_TIMEOUT).ok()?;
        conn.set_db_config(
            rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE,
            true,
        )
        .ok()?;
        conn.execute_batch(SESSION_PRAGMAS).ok()?;
        Some(conn)
    }

    /// A read-only connection's view (reads in WAL mode never wait for writers).
    pub fn conn(&self) -> &Connection {
        &self.conn
    }
}

impl Ledger for SqliteStore {
    fn report_cells(
        &self,
        start: i64,
        end: i64,
        tz: &TimeZone,
        hour_buckets: bool,
    ) -> anyhow::Result<Vec<crate::usage::report::Cell>> {
        report::cells(&self.conn, start, end, tz, hour_buckets)
    }

    fn report_pass(
        &self,
        start: i64,
        end: i64,
        f: &mut dyn FnMut(&crate::usage::report::PassRow<'_>),
    ) -> anyhow::Result<()> {
        report::each_pass_row(&self.conn, start, end, f)
    }

    fn report_facts(
        &self,
        start: i64,
        end: i64,
        judge_end: i64,
        book: &crate::pricing::PriceBook,
    ) -> anyhow::Result<crate::usage::report::Facts> {
        let requests = self.total(start, end, &Scope::Global)?.requests;
        let second = (requests >= report::SPLIT_SHORT_AT)
            .then(|| self.second_reader())
            .flatten();
        report::facts(&self.conn, start, end, judge_end, book, requests, second)
    }

    fn block_points(
        &self,
        start: i64,
        end: i64,
        provider: &str,
    ) -> anyhow::Result<Vec<crate::usage::report::blocks::Point>> {
        report::points(&self.conn, start, end, provider)
    }

    fn blocks_of(
        &self,
        provider: &str,
        start: i64,
        end: i64,
    ) -> anyhow::Result<crate::usage::report::blocks::Blocks> {
        report::blocks_of(&self.conn, provider, start, end)
    }

    fn request_hours(
        &self,
        provider: &str,
        start_hour: i64,
        end_hour: i64,
    ) -> anyhow::Result<Vec<i64>> {
        report::request_hours(&self.conn, provider, start_hour, end_hour)
    }

    fn session_cost(&self, start: i64, end: i64, session: &str) -> anyhow::Result<(i64, i64)> {
        report::session_cost(&self.conn, start, end, session)
    }

    fn describe(&self) -> String {
        self.path.display().to_string()
    }

    fn machine(&self) -> &str {
        &self.machine
    }

    fn record(&mut self, requests: &[Request]) -> anyhow::Result<(Vec<Written>, Change)> {
        let machine = self.machine.clone();
        self.write(|tx| {
            let mut w = Writer::new(tx, false, &machine)?;
            let mut out = Vec::with_capacity(requests.len());
            for r in requests {
                out.push(w.write(r)?);
            }
            let change = w.finish()?;
            Ok((out, change))
        })
    }

    fn write_batch(
        &mut self,
        keep_largest: bool,
        source: &mut dyn BatchSource,
    ) -> anyhow::Result<Option<Change>> {
        // the transaction begins with the batch's first piece
        let Some(mut piece) = source.next()? else {
            return Ok(None);
        };
        let tx = self.begin()?;
        let mut w = Writer::new(&tx, keep_largest, &self.machine)?;
        let change = loop {
            match piece {
                Piece::Rows(rows) => {
                    for (b, r) in &rows {
                        let written = w.write_batched(r, b)?;
                        source.written(r, written);
                    }
                    source.give_back(rows);
                }
                Piece::End { rollups, progress } => {
                    w.absorb(rollups);
                    let change = w.finish()?;
                    read::set_import_progress(&tx, &progress)?;
                    tx.commit()?;
                    break change;
                }
            }
            piece = source
                .next()?
                .ok_or_else(|| anyhow::anyhow!("the thread reading the requests stopped"))?;
        };
        self.trim_wal();
        Ok(Some(change))
    }

    fn import_progress(&self, source: &str) -> anyhow::Result<Vec<FileProgress>> {
        Ok(read::import_progress(&self.conn, source)?)
    }

    fn aggregate(
        &self,
        start: i64,
        end: i64,
        dim: Dim,
        scope: &Scope,
        hour_buckets: bool,
    ) -> anyhow::Result<Vec<(Key, Totals)>> {
        Ok(read::aggregate(
            &self.conn,
            start,
            end,
            dim,
            scope,
            hour_buckets,
        )?)
    }

    fn total(&self, start: i64, end: i64, scope: &Scope) -> anyhow::Result<Totals> {
        Ok(read::total(&self.conn, start, end, scope)?)
    }

    fn totals_by_model(&self) -> anyhow::Result<Vec<(String, String, Totals)>> {
        Ok(read::totals_by_model(&self.conn)?)
    }

    fn max_request_cost(&self, start: i64, end: i64, scope: &Scope) -> anyhow::Result<i64> {
        Ok(read::max_request_cost(&self.conn, start, end, scope)?)
    }

    fn each_request(
        &self,
        start: i64,
        end: i64,
        f: &mut dyn FnMut(&Request) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        read::each_request(&self.conn, start, end, f)
    }

    fn count(&self) -> anyhow::Result<i64> {
        Ok(read::count(&self.conn)?)
    }

    fn add_budget(&mut self, b: &NewBudget) -> anyhow::Result<i64> {
        self.write(|tx| Ok(read::add_budget(tx, b)?))
    }

    fn remove_budget(&mut self, id: i64) -> anyhow::Result<bool> {
        self.write(|tx| Ok(read::remove_budget(tx, id)?))
    }

    fn budgets(&self) -> anyhow::Result<Vec<Budget>> {
        Ok(read::budgets(&self.conn)?)
    }

    fn has_budgets(&self) -> anyhow::Result<bool> {
        Ok(read::has_budgets(&self.conn)?)
    }

    fn record_calls(&mut self, list: &[ToolCall]) -> anyhow::Result<()> {
        let known = std::mem::take(&mut self.tool_ids);
        let added = self.write(|tx| calls::write(tx, list, &known));
        self.tool_ids = known;
        // the new numbers are trusted once their transaction has committed
        for (server, tools) in added? {
            self.tool_ids.entry(server).or_default().extend(tools);
        }
        Ok(())
    }

    fn call_stats(
        &self,
        start: i64,
        end: i64,
        by: StatsBy,
        tz: &TimeZone,
    ) -> anyhow::Result<StatsReport> {
        calls::stats(&self.conn, start, end, by, tz)
    }

    fn recorded_calls(&self, start: i64, end: i64) -> anyhow::Result<Vec<ToolCall>> {
        calls::recorded(&self.conn, start, end)
    }

    fn count_calls(&self) -> anyhow::Result<i64> {
        Ok(calls::count(&self.conn)?)
    }

    fn rows_since(
        &self,
        after: i64,
        since: i64,
        limit: usize,
    ) -> anyhow::Result<Vec<(i64, SyncRow)>> {
        Ok(read::rows_since(
            &self.conn,
            after,
            since,
            limit,
            &self.machine,
            &self.store_id,
        )?)
    }

    fn store_id(&self) -> anyhow::Result<String> {
        Ok(self.store_id.clone())
    }

    fn absorb(&mut self, rows: &[SyncRow]) -> anyhow::Result<Absorbed> {
        let machine = self.machine.clone();
        let here = self.store_id.clone();
        self.write(|tx| {
            let mut w = Writer::new(tx, true, &machine)?;
            let mut done = Absorbed::default();
            for row in rows {
                match w.write_synced(row, &here)? {
                    writer::Put::Added => done.added += 1,
                    writer::Put::Replaced => done.updated += 1,
                    writer::Put::Kept => done.existing += 1,
                }
            }
            w.finish()?;
            Ok(done)
        })
    }

    fn sync_mark(&self, target: &str) -> anyhow::Result<i64> {
        Ok(read::sync_mark(&self.conn, target)?)
    }

    fn set_sync_mark(&mut self, target: &str, row: i64) -> anyhow::Result<()> {
        self.write(|tx| Ok(read::set_sync_mark(tx, target, row)?))
    }
}

/// For the migration tests: the schema of the first `version` migrations, as an older build
/// made it (no machine id stamped).
#[cfg(test)]
fn migrate_to(tx: &Transaction<'_>, version: usize) {
    for steps in &MIGRATIONS[..version] {
        for step in *steps {
            match step {
                Step::Sql(sql) => tx.execute_batch(sql).unwrap(),
                Step::Rust(f) => f(tx).unwrap(),
                Step::StampMachine => {}
                Step::StoreId => {
                    tx.execute("INSERT INTO meta VALUES ('store_id', 'old-store')", [])
                        .unwrap();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A store made by version 1 gains the day rollup, filled from its hourly rollup, and
    /// loses its rollup triggers.
    #[test]
    fn a_version_1_store_is_migrated() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("usage.db");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(SCHEMA_1).unwrap();
            conn.execute_batch(
                "CREATE TRIGGER requests_update AFTER UPDATE ON requests BEGIN SELECT 1; END;
                 INSERT INTO requests (id, ts, provider, model, user, project, source, input,
                     output, cache_read, cache_write_5m, cache_write_1h, reasoning, cost_micros,
                     cost_source, success)
                 VALUES (1, 90000000, 'p', 'm', 'u', 'j', 'manual', 10, 1, 0, 0, 0, 0, 7,
                     'computed', 1);
                 INSERT INTO requests (id, ts, provider, model, user, project, source, request_id,
                     input, output, cache_read, cache_write_5m, cache_write_1h, reasoning,
                     cost_micros, cost_source, success)
                 VALUES (2, 90000000, 'p', 'm', 'u', 'j', 'jsonl', 'req-1', 0, 0, 0, 0, 0, 0, 0,
                     'given', 1);
                 INSERT INTO rollup VALUES (25, 'p', 'm', 'u', 'j', '', 1, 10, 1, 0, 0, 0, 0, 7, 0);
                 INSERT INTO rollup VALUES (26, 'p', 'm', 'u', 'j', '', 2, 5, 1, 0, 0, 0, 0, 3, 1);
                 INSERT INTO rollup_hour VALUES (25, 1, 10, 1, 0, 0, 0, 0, 7, 0);
                 PRAGMA user_version = 1;",
            )
            .unwrap();
        }
        let store = SqliteStore::open(&path).unwrap();
        let conn = store.conn();
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version as usize, MIGRATIONS.len());
        let day = |conn: &Connection| -> Vec<(i64, String, i64, i64, i64)> {
            let mut stmt = conn
                .prepare(
                    "SELECT day, model, requests, input, unpriced FROM rollup_day ORDER BY 1, 2",
                )
                .unwrap();
            stmt.query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
        };
        // (version 4 sums the rollups again from the rows: two requests, 10 input tokens)
        assert_eq!(day(conn), [(1, "m".to_string(), 2, 10, 0)]);
        // a row with a request id is found by its hash
        let rids: Vec<Option<i64>> = conn
            .prepare("SELECT rid FROM requests ORDER BY id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        assert_eq!(rids, [None, Some(crate::usage::rid_slot("jsonl", "req-1"))]);
        // the id index holds it: recording it again updates its row
        let mut store = store;
        let again = crate::usage::tests::request("req-1", 4);
        let written = store
            .write(|tx| {
                let mut w = Writer::new(tx, false, "")?;
                let written = w.write(&again)?;
                w.finish()?;
                Ok(written)
            })
            .unwrap();
        assert_eq!(written, Written::Existing);
        let conn = store.conn();
        let rows: i64 = conn
            .query_row("SELECT count(*) FROM requests", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 2);
        // the Writer keeps the rollups now: version 1's triggers are gone
        let triggers: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(triggers, 0);
    }

    /// A store made by a build of version 2 has a unique index on `rid`: version 3 drops it and
    /// finds the store's request ids through its own index.
    #[test]
    fn a_version_2_store_with_its_rid_index_is_migrated() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("usage.db");
        {
            let mut conn = Connection::open(&path).unwrap();
            conn.execute_batch(SCHEMA_1).unwrap();
            conn.execute_batch(SCHEMA_2).unwrap();
            conn.execute_batch(
                "CREATE UNIQUE INDEX requests_rid ON requests (rid) WHERE rid IS NOT NULL;",
            )
            .unwrap();
            let tx = conn.transaction().unwrap();
            tx.execute(
                "INSERT INTO requests (ts, provider, model, user, project, source, request_id,
                     input, output, cache_read, cache_write_5m, cache_write_1h, reasoning,
                     cost_micros, cost_source, success, rid)
                 VALUES (90000000, 'p', 'm', 'u', 'j', 'jsonl', 'req-1', 1, 0, 0, 0, 0, 0, 0,
                     'given', 1, ?1)",
                [crate::usage::rid_slot("jsonl", "req-1")],
            )
            .unwrap();
            tx.execute_batch("PRAGMA user_version = 2;").unwrap();
            tx.commit().unwrap();
        }
        let mut store = SqliteStore::open(&path).unwrap();
        let written = store
            .write(|tx| {
                let mut w = Writer::new(tx, false, "")?;
                let written = w.write(&crate::usage::tests::request("req-1", 4))?;
                w.finish()?;
                Ok(written)
            })
            .unwrap();
        assert_eq!(written, Written::Existing);
        let count = |sql: &str| -> i64 { store.conn().query_row(sql, [], |r| r.get(0)).unwrap() };
        assert_eq!(count("SELECT count(*) FROM requests"), 1);
        assert_eq!(
            count("SELECT count(*) FROM sqlite_master WHERE name = 'requests_rid'"),
            0
        );
    }

    /// A version-3 store holding what an older build let through (a request of
    /// 9,223,372,036,854,775,807 tokens) is not migrated: exit 2 naming the row and how to remove
    /// it, and the store is left at version 3 as it was (no REAL amounts, no half-done schema).
    #[test]
    fn a_version_3_store_with_numbers_past_the_ceilings_is_left_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("usage.db");
        {
            let mut conn = Connection::open(&path).unwrap();
            let tx = conn.transaction().unwrap();
            migrate_to(&tx, 3);
            for (id, input, cost) in [(1, 10i64, 5i64), (2, i64::MAX, -4_611_686_018_427_387_904)] {
                tx.execute(
                    "INSERT INTO requests (id, ts, provider, model, user, project, source, input,
                         output, cache_read, cache_write_5m, cache_write_1h, reasoning,
                         cost_micros, cost_source, success)
                     VALUES (?1, 90000000, 'p', 'm', 'u', 'j', 'manual', ?2, 0, 0, 0, 0, 0, ?3,
                         'computed', 1)",
                    rusqlite::params![id, input, cost],
                )
                .unwrap();
            }
            tx.execute_batch("PRAGMA user_version = 3;").unwrap();
            tx.commit().unwrap();
        }
        let err = SqliteStore::open(&path)
            .err()
            .expect("the migration must refuse the store");
        assert_eq!(crate::error::exit_code(&err), 2, "{err:#}");
        let text = format!("{err:#}");
        assert!(
            text.contains("requests with ids 2 hold numbers past"),
            "{text}"
        );
        let hint = crate::error::find_fail(&err).unwrap().hints.join("\n");
        assert!(hint.contains("DELETE FROM requests WHERE"), "{hint}");
        let conn = Connection::open(&path).unwrap();
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, 3);
        let cost: i64 = conn
            .query_row("SELECT cost_micros FROM requests WHERE id = 1", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(cost, 5);
        // the hint's statement repairs it: then the store migrates
        let delete = hint.split('"').nth(1).unwrap().to_string();
        conn.execute_batch(&delete).unwrap();
        drop(conn);
        let store = SqliteStore::open(&path).unwrap();
        let cost: i64 = store
            .conn()
            .query_row("SELECT cost_nanos FROM requests WHERE id = 1", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(cost, 5_000);
    }

    /// A store of version 3 (micro-dollars) gets nano-dollars: amounts ×1,000, rows priced by
    /// this build's table computed again exactly, the rollups and the store's totals summed again
    /// from the rows, budgets' limits ×1,000.
    #[test]
    fn a_version_3_store_is_migrated_to_nano_dollars() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("usage.db");
        let builtin = crate::pricing::PriceBook::load(None).unwrap();
        let version = builtin.builtin_models()[0].version.clone();
        {
            let mut conn = Connection::open(&path).unwrap();
            let tx = conn.transaction().unwrap();
            migrate_to(&tx, 3);
            let row = |model: &str, cache_read: i64, cost: i64, source: &str, v: Option<&str>| {
                tx.execute(
                    "INSERT INTO requests (ts, provider, model, user, project, source, input,
                         output, cache_read, cache_write_5m, cache_write_1h, reasoning,
                         cost_micros, cost_source, price_version, success)
                     VALUES (90000000, 'anthropic', ?1, 'u', 'j', 'manual', 0, 0, ?2, 0, 0, 0,
                         ?3, ?4, ?5, 1)",
                    rusqlite::params![model, cache_read, cost, source, v],
                )
                .unwrap();
            };
            // 1 token of cache read at $0.30/M: 0.3 µ$, stored as 0; exactly 300 n$
            row("claude-sonnet-4-5", 1, 0, "computed", Some(&version));
            // 5 tokens: 1.5 µ$, stored as 2; exactly 1,500 n$
            row("claude-sonnet-4-5", 5, 2, "computed", Some(&version));
            // priced by an older table, or given: kept, ×1,000
            row(
                "claude-sonnet-4-5",
                1,
                7,
                "computed",
                Some("builtin-2020-01-01"),
            );
            row("acme", 0, 1_234, "given", None);
            row("acme-2", 0, 0, "unpriced", None);
            tx.execute_batch(
                "INSERT INTO rollup VALUES (25, 'anthropic', 'claude-sonnet-4-5', 'u', 'j', '',
                     3, 0, 0, 7, 0, 0, 0, 9, 0);
                 INSERT INTO rollup VALUES (25, 'anthropic', 'acme', 'u', 'j', '',
                     1, 0, 0, 0, 0, 0, 0, 1234, 0);
                 INSERT INTO rollup VALUES (25, 'anthropic', 'acme-2', 'u', 'j', '',
                     1, 0, 0, 0, 0, 0, 0, 0, 1);
                 INSERT INTO rollup_day SELECT 1, provider, model, user, project, org, requests,
                     input, output, cache_read, cache_write_5m, cache_write_1h, reasoning,
                     cost_micros, unpriced FROM rollup;
                 INSERT INTO rollup_hour VALUES (25, 5, 0, 0, 7, 0, 0, 0, 1243, 1);
                 INSERT INTO budgets (period, limit_micros, scope, warn_percent,
                     critical_percent, exceeded_percent, created_ms)
                     VALUES ('daily', 5000000, 'global', 80, 90, 100, 0);
                 PRAGMA user_version = 3;",
            )
            .unwrap();
            tx.commit().unwrap();
        }
        let store = SqliteStore::open(&path).unwrap();
        let conn = store.conn();
        let costs: Vec<(String, i64)> = conn
            .prepare("SELECT model, cost_nanos FROM requests ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        let c = |m: &str, v: i64| (m.to_string(), v);
        assert_eq!(
            costs,
            [
                c("claude-sonnet-4-5", 300),
                c("claude-sonnet-4-5", 1_500),
                c("claude-sonnet-4-5", 7_000),
                c("acme", 1_234_000),
                c("acme-2", 0),
            ]
        );
        let exact = 300 + 1_500 + 7_000 + 1_234_000;
        let one = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
        assert_eq!(one("SELECT sum(cost_nanos) FROM rollup"), exact);
        assert_eq!(one("SELECT sum(cost_nanos) FROM rollup_day"), exact);
        assert_eq!(one("SELECT sum(cost_nanos) FROM rollup_hour"), exact);
        assert_eq!(one("SELECT cost_nanos FROM rollup_all"), exact);
        assert_eq!(one("SELECT requests FROM rollup_all"), 5);
        assert_eq!(one("SELECT unpriced FROM rollup_all"), 1);
        assert_eq!(one("SELECT limit_nanos FROM budgets"), 5_000_000_000);
        let t = read::total(conn, 0, i64::MAX, &crate::usage::Scope::Global).unwrap();
        assert_eq!(
            (t.requests, t.cost_nanos, t.unpriced, t.cache_read),
            (5, exact, 1, 7)
        );
    }
}

#[cfg(test)]
mod v5_tests {
    use super::*;

    /// A store of version 4 gains the call ledger (empty) and keeps its requests; the query of
    /// `mcp stats` reads a window from the index alone.
    #[test]
    fn a_version_4_store_gains_the_call_ledger() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("usage.db");
        {
            let mut conn = Connection::open(&path).unwrap();
            let tx = conn.transaction().unwrap();
            migrate_to(&tx, 4);
            tx.execute_batch(
                "INSERT INTO requests (ts, provider, model, user, project, source, input, output,
                     cache_read, cache_write_5m, cache_write_1h, reasoning, cost_nanos,
                     cost_source, success)
                 VALUES (90000000, 'p', 'm', 'u', 'j', 'manual', 5, 1, 0, 0, 0, 0, 3000, 'given', 1);
                 PRAGMA user_version = 4;",
            )
            .unwrap();
            tx.commit().unwrap();
        }
        let store = SqliteStore::open(&path).unwrap();
        let conn = store.conn();
        let one = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
        assert_eq!(one("PRAGMA user_version"), MIGRATIONS.len() as i64);
        assert_eq!(one("SELECT count(*) FROM requests"), 1);
        assert_eq!(one("SELECT count(*) FROM tool_calls"), 0);
        let plan: String = conn
            .query_row(
                &format!("EXPLAIN QUERY PLAN {}", calls::STATS_SQL),
                [1, 2],
                |r| r.get(3),
            )
            .unwrap();
        assert!(plan.contains("COVERING INDEX tool_calls_ts"), "{plan}");
    }
}

#[cfg(test)]
mod v6_tests {
    use super::*;
    use crate::usage::ledger::SyncRow;

    /// A store of version 5 gains provenance: its rows were recorded on this machine, and get
    /// its id; a sync target's mark starts at 0.
    #[test]
    fn a_version_5_store_gets_this_machines_id() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("usage.db");
        {
            let mut conn = Connection::open(&path).unwrap();
            let tx = conn.transaction().unwrap();
            migrate_to(&tx, 5);
            tx.execute_batch(
                "INSERT INTO requests (ts, provider, model, user, project, source, input, output,
                     cache_read, cache_write_5m, cache_write_1h, reasoning, cost_nanos,
                     cost_source, success)
                 VALUES (90000000, 'p', 'm', 'u', 'j', 'manual', 5, 1, 0, 0, 0, 0, 3000, 'given', 1);
                 PRAGMA user_version = 5;",
            )
            .unwrap();
            tx.commit().unwrap();
        }
        let store = SqliteStore::open_with(&path, OpenMode::Write, "laptop-1").unwrap();
        let one = |sql: &str| -> String {
            store
                .conn()
                .query_row(sql, [], |r| r.get::<_, rusqlite::types::Value>(0))
                .map(|v| format!("{v:?}"))
                .unwrap()
        };
        assert_eq!(
            one("PRAGMA user_version"),
            format!("Integer({})", MIGRATIONS.len())
        );
        assert_eq!(one("SELECT machine FROM requests"), "Text(\"laptop-1\")");
        assert_eq!(one("SELECT origin FROM requests"), "Null");
        assert_eq!(store.sync_mark("x").unwrap(), 0);
        let rows = store.rows_since(0, i64::MIN, 10).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(
            (rows[0].1.machine.as_str(), rows[0].1.origin),
            ("laptop-1", 1)
        );
        assert_eq!(rows[0].1.store, store.store_id().unwrap());
    }

    /// A reader that knows no machine id makes one only when an older store's rows need it.
    #[test]
    fn a_reader_makes_the_machine_id_only_to_stamp_an_older_store() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("usage.db");
        {
            let mut conn = Connection::open(&path).unwrap();
            let tx = conn.transaction().unwrap();
            migrate_to(&tx, 5);
            tx.execute_batch("PRAGMA user_version = 5;").unwrap();
            tx.commit().unwrap();
        }
        let made = std::cell::Cell::new(0);
        let make = || {
            made.set(made.get() + 1);
            "made-1".to_string()
        };
        // no rows to stamp: no id made
        SqliteStore::open_lazy(&path, OpenMode::Read, "", &make).unwrap();
        assert_eq!(made.get(), 0);
        let path2 = dir.path().join("old.db");
        {
            let mut conn = Connection::open(&path2).unwrap();
            let tx = conn.transaction().unwrap();
            migrate_to(&tx, 5);
            tx.execute_batch(
                "INSERT INTO requests (ts, provider, model, user, project, source, input, output,
                     cache_read, cache_write_5m, cache_write_1h, reasoning, cost_nanos,
                     cost_source, success)
                 VALUES (90000000, 'p', 'm', 'u', 'j', 'manual', 5, 1, 0, 0, 0, 0, 3000, 'given', 1);
                 PRAGMA user_version = 5;",
            )
            .unwrap();
            tx.commit().unwrap();
        }
        let store = SqliteStore::open_lazy(&path2, OpenMode::Read, "", &make).unwrap();
        assert_eq!(made.get(), 1);
        let m: String = store
            .conn()
            .query_row("SELECT machine FROM requests", [], |r| r.get(0))
            .unwrap();
        assert_eq!(m, "made-1");
    }

    /// Version 7: rows get change numbers (their ids, then the next for each write), a store
    /// gets a random id, and a store that sent rows under version 6 keeps its machine id as
    /// its store id (its rows were known by it); synced rows keep their store.
    #[test]
    fn a_version_6_store_gets_change_numbers_and_a_store_id() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("usage.db");
        {
            let mut conn = Connection::open(&path).unwrap();
            let tx = conn.transaction().unwrap();
            migrate_to(&tx, 6);
            tx.execute_batch(
                "INSERT INTO requests (ts, provider, model, user, project, source, input, output,
                     cache_read, cache_write_5m, cache_write_1h, reasoning, cost_nanos,
                     cost_source, success, machine, origin)
                 VALUES (90000000, 'p', 'm', 'u', 'j', 'manual', 5, 1, 0, 0, 0, 0, 3000, 'given', 1,
                     'laptop-1', NULL),
                        (90000000, 'p', 'm', 'u', 'j', 'manual', 6, 1, 0, 0, 0, 0, 3000, 'given', 1,
                     'other', 40);
                 INSERT INTO sync_marks VALUES ('/team.db', 2);
                 PRAGMA user_version = 6;",
            )
            .unwrap();
            tx.commit().unwrap();
        }
        let mut store = SqliteStore::open_with(&path, OpenMode::Write, "laptop-1").unwrap();
        assert_eq!(store.store_id().unwrap(), "laptop-1");
        let rows = store.rows_since(0, i64::MIN, 10).unwrap();
        let got: Vec<(i64, &str, i64)> = rows
            .iter()
            .map(|(seq, r)| (*seq, r.store.as_str(), r.origin))
            .collect();
        assert_eq!(got, [(1, "laptop-1", 1), (2, "other", 40)]);
        store
            .record(&[crate::usage::tests::request("n", 1)])
            .unwrap();
        assert_eq!(store.rows_since(2, i64::MIN, 10).unwrap()[0].0, 3);
        // a new store: a random id of its own
        let fresh = SqliteStore::open_with(&dir.path().join("new.db"), OpenMode::Write, "laptop-1")
            .unwrap();
        let id = fresh.store_id().unwrap();
        assert_eq!(id.len(), 32, "{id}");
        assert_ne!(id, "laptop-1");
    }

    /// Synced rows are found again: by request id, else by store and origin row; a row of
    /// this store sent back changes nothing.
    #[test]
    fn absorbed_rows_are_not_taken_twice() {
        let dir = tempfile::tempdir().unwrap();
        let mut store =
            SqliteStore::open_with(&dir.path().join("t.db"), OpenMode::Write, "team").unwrap();
        let mut with_id = crate::usage::tests::request("r-1", 10);
        with_id.source = "claude-code".into();
        let mut no_id = crate::usage::tests::request("x", 7);
        no_id.request_id = None;
        let rows = vec![
            SyncRow {
                machine: "a".into(),
                store: "store-a".into(),
                origin: 1,
                request: with_id.clone(),
            },
            SyncRow {
                machine: "a".into(),
                store: "store-a".into(),
                origin: 2,
                request: no_id.clone(),
            },
            // the same log imported on another machine
            SyncRow {
                machine: "b".into(),
                store: "store-b".into(),
                origin: 1,
                request: with_id,
            },
            // another machine's row 2 without an id: a different request
            SyncRow {
                machine: "b".into(),
                store: "store-b".into(),
                origin: 2,
                request: no_id,
            },
        ];
        let a = store.absorb(&rows).unwrap();
        assert_eq!((a.added, a.existing), (3, 1));
        let again = store.absorb(&rows).unwrap();
        assert_eq!((again.added, again.existing), (0, 4));
        let t = store.total(0, i64::MAX, &Scope::Global).unwrap();
        assert_eq!((t.requests, t.input), (3, 10 + 7 + 7));
        // a row of this ledger itself, sent back to it
        store
            .record(&[{
                let mut r = crate::usage::tests::request("y", 1);
                r.request_id = None;
                r
            }])
            .unwrap();
        let own = store.rows_since(3, i64::MIN, 10).unwrap();
        assert_eq!(own.len(), 1);
        assert_eq!(own[0].1.machine, "team");
        assert_eq!(own[0].1.store, store.store_id().unwrap());
        let back = store.absorb(&[own[0].1.clone()]).unwrap();
        assert_eq!((back.added, back.existing), (0, 1));
        let by_machine = store
            .aggregate(0, i64::MAX, Dim::Machine, &Scope::Global, true)
            .unwrap();
        let keys: Vec<(Key, i64)> = by_machine
            .into_iter()
            .map(|(k, t)| (k, t.requests))
            .collect();
        assert_eq!(
            keys,
            [
                (Key::Name("a".into()), 2),
                (Key::Name("b".into()), 1),
                (Key::Name("team".into()), 1)
            ]
        );
    }

    /// A row changed where it was recorded comes again, with a new change number, and
    /// replaces its copy: with a request id (a correction that is smaller too) and without.
    #[test]
    fn a_row_changed_at_its_origin_replaces_its_copy() {
        let dir = tempfile::tempdir().unwrap();
        let mut team =
            SqliteStore::open_with(&dir.path().join("t.db"), OpenMode::Write, "team").unwrap();
        let mut with_id = crate::usage::tests::request("r-1", 10);
        with_id.source = "claude-code".into();
        let mut no_id = crate::usage::tests::request("x", 7);
        no_id.request_id = None;
        let row = |origin: i64, r: &Request| SyncRow {
            machine: "a".into(),
            store: "store-a".into(),
            origin,
            request: r.clone(),
        };
        let a = team.absorb(&[row(1, &with_id), row(2, &no_id)]).unwrap();
        assert_eq!((a.added, a.updated, a.existing), (2, 0, 0));
        let (mut smaller, mut larger) = (with_id.clone(), no_id.clone());
        smaller.tokens.input = 4;
        larger.tokens.input = 70;
        let b = team.absorb(&[row(1, &smaller), row(2, &larger)]).unwrap();
        assert_eq!((b.added, b.updated, b.existing), (0, 2, 0));
        let c = team.absorb(&[row(1, &smaller), row(2, &larger)]).unwrap();
        assert_eq!((c.added, c.updated, c.existing), (0, 0, 2));
        // the same request id from another store: only a larger row replaces it
        let other = SyncRow {
            store: "store-b".into(),
            ..row(5, &with_id)
        };
        let d = team.absorb(&[other]).unwrap();
        assert_eq!((d.added, d.updated, d.existing), (0, 1, 0));
        let t = team.total(0, i64::MAX, &Scope::Global).unwrap();
        assert_eq!((t.requests, t.input), (2, 10 + 70));
        let recount: (i64, i64) = team
            .conn()
            .query_row("SELECT count(*), sum(input) FROM requests", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!(recount, (2, 80));
    }
}

#[cfg(test)]
mod reading_tests {
    use super::*;

    /// A reader creates neither the store nor its folder, and reads an empty ledger.
    #[test]
    fn reading_a_missing_store_creates_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("usage.db");
        let store = SqliteStore::open_for_reading(&path).unwrap();
        let n: i64 = store
            .conn()
            .query_row("SELECT count(*) FROM requests", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 0);
        drop(store);
        assert!(!dir.path().join("sub").exists());
    }

    /// A reader of a version 1 store migrates it: its tables cannot be read as they were.
    #[test]
    fn reading_an_old_store_migrates_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("usage.db");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(SCHEMA_1).unwrap();
            conn.execute_batch(
                "INSERT INTO requests (ts, provider, model, user, project, source, input, output,
                     cache_read, cache_write_5m, cache_write_1h, reasoning, cost_micros,
                     cost_source, success)
                 VALUES (90000000, 'p', 'm', 'u', 'j', 'manual', 5, 1, 0, 0, 0, 0, 3, 'given', 1),
                        (90000001, 'p', 'm', 'u', 'j', 'manual', 5, 1, 0, 0, 0, 0, 3, 'given', 1);
                 INSERT INTO rollup VALUES (25, 'p', 'm', 'u', 'j', '', 2, 10, 2, 0, 0, 0, 0, 6, 0);
                 PRAGMA user_version = 1;",
            )
            .unwrap();
        }
        let store = SqliteStore::open_for_reading(&path).unwrap();
        let version: i64 = store
            .conn()
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version as usize, MIGRATIONS.len());
        let day: i64 = store
            .conn()
            .query_row("SELECT sum(requests) FROM rollup_day", [], |r| r.get(0))
            .unwrap();
        assert_eq!(day, 2);
    }
}

#[cfg(test)]
mod v8_tests;

//! The ledger on a shared PostgreSQL server (`--db postgres://...`): the same [`Ledger`] as
//! the SQLite file, for a team.
//!
//! - Writes go in bulk and in few round trips: `BEGIN` with the write lock; one statement
//!   (`INSERT ... SELECT FROM unnest($1, ...) ON CONFLICT (key) DO NOTHING RETURNING key`, the
//!   batch as one array per column, rows with a request id and rows without in two sets, each
//!   checked against its own unique index only) adds the rows that are new; one more adds their
//!   sums, summed by the client, to the rollups; `COMMIT`. The unique indexes find repeats
//!   (request ids per source; synced rows without one per store and origin row), so two
//!   machines sending the same rows at once cannot both add them. Every statement goes with
//!   its parameters' types (`query_typed`): no round trip to prepare it.
//! - A repeated request id that replaces its row (or, for imports and syncs, is larger) locks
//!   the old row (`FOR UPDATE`) before it takes its sums out of the rollups.
//! - The rollups (by hour and group, by day and group, by hour) are kept with
//!   `INSERT ... ON CONFLICT DO UPDATE SET x = x + EXCLUDED.x` from what was written: exact
//!   under any number of concurrent writers, never a read-modify-write.
//! - A transaction that loses a deadlock or a serialization race is run again.
//!
//! The driver (`postgres`) runs a runtime of its own: it must not be called on a thread that
//! drives async tasks (the gateway calls the ledger from `spawn_blocking`).

pub mod connect;
mod report;
mod schema;

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use jiff::Timestamp;
use jiff::tz::TimeZone;
use postgres::error::SqlState;
use postgres::types::{ToSql, Type};
use rustc_hash::FxHashMap;

use super::budget::{Budget, NewBudget, Period};
use super::calls::{CallOutcome, StatsBuilder, StatsBy, StatsReport, ToolCall};
use super::ledger::{
    Absorbed, BatchSource, FileProgress, Ledger, OpenMode, Piece, SyncRow, redact_url,
};
use super::plan::{self, Dialect};
use super::{Change, CostSource, Dim, HOUR_MS, Key, Request, Scope, Totals, Written};
use crate::pricing::Tokens;

/// The advisory lock a transaction that writes requests holds until it ends: change numbers
/// (`seq`) are then committed in the order they are given, so that `rows_since` past a mark
/// never misses a row that a slower writer commits later.
pub(crate) const WRITE_LOCK: i64 = 0x61_69_6d_63_70_77;

/// A PostgreSQL ledger.
pub struct PostgresStore {
    client: RefCell<postgres::Client>,
    /// The URL without its password.
    shown: String,
    machine: String,
    /// The ledger's store id, once read.
    store_id: std::cell::OnceCell<String>,
}

/// Opens the ledger at a `postgres://` URL (its schema made or migrated on first use).
pub fn open(url: &str, mode: OpenMode, machine: &str) -> anyhow::Result<Box<dyn Ledger>> {
    Ok(Box::new(PostgresStore::open(
        url,
        mode,
        machine,
        &connect::PgEnv::from_process(),
    )?))
}

impl PostgresStore {
    pub fn open(
        url: &str,
        mode: OpenMode,
        machine: &str,
        env: &connect::PgEnv,
    ) -> anyhow::Result<PostgresStore> {
        let target = connect::parse(url, env)?;
        let shown = redact_url(url);
        let mut client = connect::connect(&target)?;
        match schema::migrate(&mut client) {
            Ok(schema::Migrated::Current) => {}
            Ok(schema::Migrated::Newer(v)) => {
                return Err(crate::error::no(format!(
                    "the ledger at `{shown}` has schema version {v}, newer than this aimcp's ({})",
                    schema::current()
                ))
                .hint("upgrade aimcp on this machine")
                .into());
            }
            Err(e) if e.code() == Some(&SqlState::INSUFFICIENT_PRIVILEGE) => {
                let what = match mode {
                    OpenMode::Read => "read",
                    OpenMode::Write => "write",
                };
                return Err(crate::error::no(format!(
                    "the database at `{shown}` has no aimcp ledger yet, and this role may not \
                     create its tables: {}",
                    connect::describe(&e)
                ))
                .hint(format!(
                    "run any `aimcp tokens` command once as a role that may create tables in \
                     it (the owner), then {what} as this one"
                ))
                .into());
            }
            Err(e) => return Err(failed(&shown, e)),
        }
        Ok(PostgresStore {
            client: RefCell::new(client),
            shown,
            machine: machine.to_string(),
            store_id: Default::default(),
        })
    }

    /// Runs `f` on the connection, mapping its error.
    fn read<T>(
        &self,
        f: impl FnOnce(&mut postgres::Client) -> Result<T, postgres::Error>,
    ) -> anyhow::Result<T> {
        f(&mut self.client.borrow_mut()).map_err(|e| failed(&self.shown, e))
    }

    /// Runs `f` in a transaction, again when it lost a deadlock or a serialization race (the
    /// transaction was rolled back: nothing of it stays). With `lock`, the transaction holds
    /// [`WRITE_LOCK`] from its start (sent with `BEGIN`: one round trip for both).
    fn write<T>(
        &mut self,
        lock: bool,
        mut f: impl FnMut(&mut postgres::Client) -> Result<T, WriteError>,
    ) -> anyhow::Result<T> {
        let begin = if lock {
            BEGIN_LOCKED
        } else {
            "START TRANSACTION"
        };
        let mut tries = 0;
        loop {
            tries += 1;
            let client = self.client.get_mut();
            let result = (|| {
                client.batch_execute(begin)?;
                let v = f(client)?;
                client.batch_execute("COMMIT")?;
                Ok(v)
            })();
            if result.is_err() && !client.is_closed() {
                // whatever failed, the transaction is not left open (a failed COMMIT has ended
                // it already: this is then a no-op with a warning)
                let _ = client.batch_execute("ROLLBACK");
            }
            match result {
                Ok(v) => return Ok(v),
                Err(WriteError::Db(e))
                    if tries < 8
                        && matches!(
                            e.code(),
                            Some(&SqlState::T_R_DEADLOCK_DETECTED)
                                | Some(&SqlState::T_R_SERIALIZATION_FAILURE)
                        ) =>
                {
                    std::thread::sleep(std::time::Duration::from_millis(5 * tries));
                }
                Err(WriteError::Db(e)) => return Err(failed(&self.shown, e)),
                Err(WriteError::Other(e)) => return Err(e),
            }
        }
    }
}

/// The start of a transaction that writes requests (see [`WRITE_LOCK`]).
const BEGIN_LOCKED: &str = "START TRANSACTION; SELECT pg_advisory_xact_lock(107105434693751)";
const _: () = assert!(WRITE_LOCK == 107105434693751);

/// An error inside a write: the database's (maybe worth a retry), or ours.
enum WriteError {
    Db(postgres::Error),
    Other(anyhow::Error),
}

impl From<postgres::Error> for WriteError {
    fn from(e: postgres::Error) -> Self {
        WriteError::Db(e)
    }
}

/// A database error as a user sees it: the URL without its password, what the server said,
/// and what to do.
fn failed(shown: &str, e: postgres::Error) -> anyhow::Error {
    let why = connect::describe(&e);
    if e.code() == Some(&SqlState::NUMERIC_VALUE_OUT_OF_RANGE) {
        return crate::error::usage(format!(
            "cannot record these requests: a sum of the ledger at `{shown}` would pass what a \
             64-bit integer holds ({why})"
        ))
        .hint("nothing was recorded")
        .into();
    }
    let lost = e.is_closed()
        || e.code()
            .is_some_and(|c| c.code().starts_with("57P") || c.code().starts_with("08"))
        || std::error::Error::source(&e).is_some_and(|s| s.is::<std::io::Error>());
    if lost {
        return crate::error::no(format!(
            "lost the connection to the ledger at `{shown}`: {why}"
        ))
        .hint("what was not committed was rolled back; run the command again")
        .into();
    }
    anyhow::anyhow!("the ledger at `{shown}`: {why}")
}

/// The columns of incoming rows, as a batch sends them (one array each, see [`Arrays`]): its
/// place in the batch (`seq`), then the columns of `requests`.
const INCOMING: [(&str, Type); 24] = [
    ("seq", Type::INT8),
    ("ts", Type::INT8),
    ("provider", Type::TEXT),
    ("model", Type::TEXT),
    ("username", Type::TEXT),
    ("project", Type::TEXT),
    ("org", Type::TEXT),
    ("session", Type::TEXT),
    ("source", Type::TEXT),
    ("request_id", Type::TEXT),
    ("machine", Type::TEXT),
    ("origin", Type::INT8),
    ("origin_store", Type::TEXT),
    ("input", Type::INT8),
    ("output", Type::INT8),
    ("cache_read", Type::INT8),
    ("cache_write_5m", Type::INT8),
    ("cache_write_1h", Type::INT8),
    ("reasoning", Type::INT8),
    ("cost_nanos", Type::INT8),
    ("cost_source", Type::TEXT),
    ("price_version", Type::TEXT),
    ("latency_ms", Type::INT8),
    ("success", Type::BOOL),
];

/// `unnest($from::bigint[], ...) AS i(id, seq, ts, ...)`: the incoming rows of [`Arrays`] as a
/// table `i`, after `lead` (more bigint arrays, named) from parameter `$from` on.
fn unnest_incoming(from: usize, lead: &[&str]) -> String {
    let mut arrays = Vec::new();
    let mut names = Vec::new();
    for name in lead {
        arrays.push(format!("${}::bigint[]", from + arrays.len()));
        names.push(name.to_string());
    }
    for (name, ty) in &INCOMING {
        let sql = match *ty {
            Type::INT8 => "bigint",
            Type::BOOL => "boolean",
            _ => "text",
        };
        arrays.push(format!("${}::{sql}[]", from + arrays.len()));
        names.push(name.to_string());
    }
    format!("unnest({}) AS i({})", arrays.join(", "), names.join(", "))
}

/// Some incoming rows as the arrays of [`INCOMING`]'s columns.
#[derive(Default)]
struct Arrays<'a> {
    seq: Vec<i64>,
    ts: Vec<i64>,
    text: [Vec<&'a str>; 5],
    session: Vec<Option<&'a str>>,
    source: Vec<&'a str>,
    request_id: Vec<Option<&'a str>>,
    machine: Vec<&'a str>,
    origin: Vec<Option<i64>>,
    origin_store: Vec<Option<&'a str>>,
    nums: [Vec<i64>; 7],
    cost_source: Vec<&'static str>,
    price_version: Vec<Option<&'a str>>,
    latency_ms: Vec<Option<i64>>,
    success: Vec<bool>,
}

impl<'a> Arrays<'a> {
    /// The rows `rows[i]` for each `(seq, i)`.
    fn of(rows: &'a [Incoming<'a>], pick: impl Iterator<Item = (i64, usize)>) -> Arrays<'a> {
        let mut a = Arrays::default();
        for (seq, i) in pick {
            let row = &rows[i];
            let r = row.r;
            let t = &r.tokens;
            a.seq.push(seq);
            a.ts.push(r.ts_ms);
            for (col, v) in a.text.iter_mut().zip([
                r.provider.as_str(),
                r.model.as_str(),
                r.user.as_str(),
                r.project.as_str(),
                r.org.as_str(),
            ]) {
                col.push(v);
            }
            a.session.push(r.session.as_deref());
            a.source.push(&r.source);
            a.request_id.push(r.request_id.as_deref());
            a.machine.push(row.machine);
            a.origin.push(row.origin.map(|o| o.1));
            a.origin_store.push(row.origin.map(|o| o.0));
            for (col, v) in a.nums.iter_mut().zip([
                to_i64(t.input),
                to_i64(t.output),
                to_i64(t.cache_read),
                to_i64(t.cache_write_5m),
                to_i64(t.cache_write_1h),
                to_i64(r.reasoning),
                r.cost_nanos,
            ]) {
                col.push(v);
            }
            a.cost_source.push(r.cost_source.as_str());
            a.price_version.push(r.price_version.as_deref());
            a.latency_ms.push(r.latency_ms.map(to_i64));
            a.success.push(r.success);
        }
        a
    }

    /// The arrays as parameters, in [`INCOMING`]'s order.
    fn params(&self) -> Vec<(&(dyn ToSql + Sync), Type)> {
        let int8 = Type::INT8_ARRAY;
        let text = Type::TEXT_ARRAY;
        let mut p: Vec<(&(dyn ToSql + Sync), Type)> =
            vec![(&self.seq, int8.clone()), (&self.ts, int8.clone())];
        for col in &self.text {
            p.push((col, text.clone()));
        }
        p.extend([
            (&self.session as &(dyn ToSql + Sync), text.clone()),
            (&self.source, text.clone()),
            (&self.request_id, text.clone()),
            (&self.machine, text.clone()),
            (&self.origin, int8.clone()),
            (&self.origin_store, text.clone()),
        ]);
        for col in &self.nums {
            p.push((col, int8.clone()));
        }
        p.extend([
            (&self.cost_source as &(dyn ToSql + Sync), text.clone()),
            (&self.price_version, text),
            (&self.latency_ms, int8),
            (&self.success, Type::BOOL_ARRAY),
        ]);
        p
    }
}

const REQUEST_COLUMNS: &str = "ts, provider, model, username, project, org, session, source, \
    request_id, machine, origin, origin_store, input, output, cache_read, cache_write_5m, cache_write_1h, \
    reasoning, cost_nanos, cost_source, price_version, latency_ms, success";

/// What a repeat of a request id does.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Repeat<'a> {
    /// The new row replaces the old one (`tokens record`).
    Replace,
    /// Whichever has more tokens stays (imports of streamed logs).
    KeepLargest,
    /// Synced rows into the ledger whose store id this is: a row from the same store and row
    /// replaces its copy when it differs; a request id recorded elsewhere keeps the larger
    /// row; a row of this store, sent back, changes nothing.
    Synced(&'a str),
}

/// A row on its way in.
struct Incoming<'a> {
    r: &'a Request,
    machine: &'a str,
    /// The store that recorded it and its row there (synced rows).
    origin: Option<(&'a str, i64)>,
}

/// A row's identity for repeats: its request id, else its origin.
#[derive(Clone, PartialEq, Eq, Hash)]
enum Identity {
    Request(String, String),
    Origin(String, i64),
    None(usize),
}

fn identity(i: usize, row: &Incoming<'_>) -> Identity {
    match (&row.r.request_id, row.origin) {
        (Some(id), _) => Identity::Request(row.r.source.clone(), id.clone()),
        (None, Some((s, o))) => Identity::Origin(s.to_string(), o),
        (None, None) => Identity::None(i),
    }
}

/// Sums in memory: wide enough that no batch overflows them (a row taken out is negative).
#[derive(Clone, Copy, Default, PartialEq, Eq)]
struct Sums([i128; 9]);

impl Sums {
    fn of(r: &Request) -> Sums {
        Sums([
            1,
            i128::from(r.tokens.input),
            i128::from(r.tokens.output),
            i128::from(r.tokens.cache_read),
            i128::from(r.tokens.cache_write_5m),
            i128::from(r.tokens.cache_write_1h),
            i128::from(r.reasoning),
            i128::from(r.cost_nanos),
            i128::from(r.cost_source == CostSource::Unpriced),
        ])
    }

    fn add(&mut self, o: &Sums, sign: i128) {
        for (a, b) in self.0.iter_mut().zip(o.0) {
            *a += sign * b;
        }
    }

    fn tokens(&self) -> i128 {
        self.0[1] + self.0[2] + self.0[3] + self.0[4] + self.0[5]
    }

    fn columns(&self) -> Result<[i64; 9], WriteError> {
        let mut out = [0i64; 9];
        for (o, v) in out.iter_mut().zip(self.0) {
            *o = i64::try_from(v).map_err(|_| {
                WriteError::Other(
                    crate::error::usage(
                        "cannot record these requests: a sum would pass what a 64-bit integer \
                         holds",
                    )
                    .hint("nothing was recorded")
                    .into(),
                )
            })?;
        }
        Ok(out)
    }
}

/// The group a row's sums go to: provider, model, user, project, org, machine.
type Group = [String; 6];

#[derive(Default)]
struct Deltas {
    by_group: FxHashMap<(i64, Group), Sums>,
    all: Sums,
}

impl Deltas {
    fn add(&mut self, ts: i64, group: Group, s: &Sums, sign: i128) {
        let hour = ts.div_euclid(HOUR_MS);
        self.by_group.entry((hour, group)).or_default().add(s, sign);
        self.all.add(s, sign);
    }

    /// Adds the sums to the three rollups, in one statement (exact under concurrent writers:
    /// `x = x + EXCLUDED.x`, never a read-modify-write).
    fn write(&self, c: &mut postgres::Client) -> Result<(), WriteError> {
        if self.by_group.is_empty() {
            return Ok(());
        }
        let mut by_day: FxHashMap<(i64, &Group), Sums> = FxHashMap::default();
        let mut by_hour: FxHashMap<i64, Sums> = FxHashMap::default();
        for ((hour, g), s) in &self.by_group {
            by_day
                .entry((hour.div_euclid(24), g))
                .or_default()
                .add(s, 1);
            by_hour.entry(*hour).or_default().add(s, 1);
        }
        let groups: Vec<(i64, &Group, &Sums)> =
            self.by_group.iter().map(|((h, g), s)| (*h, g, s)).collect();
        let days: Vec<(i64, &Group, &Sums)> =
            by_day.iter().map(|((d, g), s)| (*d, *g, s)).collect();
        let hours: Vec<(i64, &Sums)> = by_hour.iter().map(|(h, s)| (*h, s)).collect();
        fn names<'a>(rows: &[(i64, &'a Group, &Sums)]) -> Vec<Vec<&'a str>> {
            (0..6)
                .map(|i| rows.iter().map(|r| r.1[i].as_str()).collect())
                .collect()
        }
        let cols = [
            (
                groups.iter().map(|r| r.0).collect::<Vec<i64>>(),
                names(&groups),
                columns(groups.iter().map(|r| r.2))?,
            ),
            (
                days.iter().map(|r| r.0).collect(),
                names(&days),
                columns(days.iter().map(|r| r.2))?,
            ),
            (
                hours.iter().map(|r| r.0).collect(),
                Vec::new(),
                columns(hours.iter().map(|r| r.1))?,
            ),
        ];
        let mut params: Vec<(&(dyn ToSql + Sync), Type)> = Vec::new();
        for (at, names, sums) in &cols {
            params.push((at, Type::INT8_ARRAY));
            params.extend(
                names
                    .iter()
                    .map(|n| (n as &(dyn ToSql + Sync), Type::TEXT_ARRAY)),
            );
            params.extend(
                sums.iter()
                    .map(|s| (s as &(dyn ToSql + Sync), Type::INT8_ARRAY)),
            );
        }
        let arrays = |from: usize, n: usize, texts: usize| -> String {
            (from..from + n)
                .map(|i| {
                    let ty = if i > from && i <= from + texts {
                        "text"
                    } else {
                        "bigint"
                    };
                    format!("${i}::{ty}[]")
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        let sql = format!(
            "WITH g AS (INSERT INTO rollup AS t SELECT * FROM unnest({}) {}), \
             d AS (INSERT INTO rollup_day AS t SELECT * FROM unnest({}) {}) \
             INSERT INTO rollup_hour AS t SELECT * FROM unnest({}) {}",
            arrays(1, 16, 6),
            on_conflict("rollup"),
            arrays(17, 16, 6),
            on_conflict("rollup_day"),
            arrays(33, 10, 0),
            on_conflict("rollup_hour"),
        );
        c.execute_typed(&sql, &params)?;
        Ok(())
    }

    fn change(&self) -> Change {
        let c = |i: usize| i64::try_from(self.all.0[i]).unwrap_or(i64::MAX);
        Change {
            requests: c(0),
            cost_nanos: c(7),
            unpriced: c(8),
        }
    }
}

/// What a rollup's row adds to the one there.
const ROLLUP_SETS: &str = "requests = t.requests + EXCLUDED.requests, \
    input = t.input + EXCLUDED.input, output = t.output + EXCLUDED.output, \
    cache_read = t.cache_read + EXCLUDED.cache_read, \
    cache_write_5m = t.cache_write_5m + EXCLUDED.cache_write_5m, \
    cache_write_1h = t.cache_write_1h + EXCLUDED.cache_write_1h, \
    reasoning = t.reasoning + EXCLUDED.reasoning, cost_nanos = t.cost_nanos + EXCLUDED.cost_nanos, \
    unpriced = t.unpriced + EXCLUDED.unpriced";

/// `ON CONFLICT` of a rollup keyed by `unit` (and the group, but for `rollup_hour`).
fn on_conflict(table: &str) -> String {
    let key = match table {
        "rollup" => "hour, provider, model, username, project, org, machine",
        "rollup_day" => "day, provider, model, username, project, org, machine",
        _ => "hour",
    };
    format!("ON CONFLICT ({key}) DO UPDATE SET {ROLLUP_SETS}")
}
/// The nine sums' columns of some groups, as arrays.
fn columns<'a>(sums: impl Iterator<Item = &'a Sums>) -> Result<Vec<Vec<i64>>, WriteError> {
    let mut out = vec![Vec::new(); 9];
    for s in sums {
        for (col, v) in out.iter_mut().zip(s.columns()?) {
            col.push(v);
        }
    }
    Ok(out)
}

fn group(r: &Request, machine: &str) -> Group {
    [
        r.provider.clone(),
        r.model.clone(),
        r.user.clone(),
        r.project.clone(),
        r.org.clone(),
        machine.to_string(),
    ]
}

fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// What writing a batch did: for each row, whether it was new; how many rows held already
/// were replaced by synced copies; and the change in the totals.
struct Outcome {
    written: Vec<Written>,
    updated: u64,
    change: Change,
}

/// A row sent to the database: its place among the rows sent (`seq` of the incoming arrays),
/// and in the batch. Repeats (rows the ledger held already) are kept as these too.
type Repeated = (i64, usize);

/// The columns of an old row a repeat reads (locked until the commit): id, the incoming
/// row's seq, then [`request_from`]'s from 2, then origin_store (17), origin (18) and the
/// row's change number (19, its key).
const OLD_COLUMNS: &str = "r.id, i.seq, r.ts, r.provider, r.model, r.username, r.project, \
    r.org, r.machine, r.input, r.output, r.cache_read, r.cache_write_5m, r.cache_write_1h, \
    r.reasoning, r.cost_nanos, r.cost_source, r.origin_store, r.origin, r.seq";

/// The columns a synced copy is compared on (`r.` the row, `i.` the copy).
const SYNCED_CONTENT: [&str; 21] = [
    "ts",
    "provider",
    "model",
    "username",
    "project",
    "org",
    "session",
    "input",
    "output",
    "cache_read",
    "cache_write_5m",
    "cache_write_1h",
    "reasoning",
    "cost_nanos",
    "cost_source",
    "price_version",
    "latency_ms",
    "success",
    "machine",
    "origin_store",
    "origin",
];

/// The statement that adds the rows of a batch that are new; it returns the keys of the rows
/// it added (their sums then go to the rollups from what the client holds, see [`Deltas`]).
/// Its parameters are two sets of [`Arrays`]: the rows with a request id, then those without
/// (each set's repeats are found by its own unique index, named in its `ON CONFLICT`).
fn insert_sql() -> String {
    let keys = "source, request_id, origin_store, origin";
    format!(
        "WITH a AS (INSERT INTO requests ({REQUEST_COLUMNS}) SELECT {REQUEST_COLUMNS} FROM {with_id} \
         ON CONFLICT (request_id, source) WHERE request_id IS NOT NULL DO NOTHING \
         RETURNING {keys}), \
         b AS (INSERT INTO requests ({REQUEST_COLUMNS}) SELECT {REQUEST_COLUMNS} FROM {without} \
         ON CONFLICT (origin, origin_store) WHERE request_id IS NULL DO NOTHING \
         RETURNING {keys}) \
         SELECT * FROM a UNION ALL SELECT * FROM b",
        with_id = unnest_incoming(1, &[]),
        without = unnest_incoming(1 + INCOMING.len(), &[]),
    )
}

/// Writes rows in the transaction (see the module's notes), which holds [`WRITE_LOCK`].
fn write_rows(
    c: &mut postgres::Client,
    rows: &[Incoming<'_>],
    repeat: Repeat<'_>,
) -> Result<Outcome, WriteError> {
    for row in rows {
        row.r.check().map_err(|e| {
            WriteError::Other(
                crate::error::usage(format!("cannot record a request: {e}"))
                    .hint("nothing was recorded")
                    .into(),
            )
        })?;
    }
    // repeats inside the batch: one row per identity goes to the database (the last for
    // Replace, the first of the most tokens otherwise), as writing them one by one would
    let mut winner: HashMap<Identity, usize> = HashMap::new();
    let mut first_of: Vec<usize> = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        if let (Repeat::Synced(here), Some((store, _))) = (repeat, row.origin)
            && store == here
        {
            // a row of this very ledger, sent back: the row here is the one that counts
            first_of.push(usize::MAX);
            continue;
        }
        let id = identity(i, row);
        match winner.get_mut(&id) {
            None => {
                winner.insert(id, i);
                first_of.push(i);
            }
            Some(w) => {
                let better = match repeat {
                    Repeat::Replace => true,
                    _ => Sums::of(row.r).tokens() > Sums::of(rows[*w].r).tokens(),
                };
                if better {
                    *w = i;
                }
                first_of.push(usize::MAX);
            }
        }
    }
    let mut sent: Vec<usize> = winner.values().copied().collect();
    sent.sort_unstable();
    let mut deltas = Deltas::default();
    let mut added: HashSet<usize> = HashSet::new();
    // (seq, row) of rows there already: by request id, and (synced rows) by origin
    let (mut by_id, mut by_origin): (Vec<Repeated>, Vec<Repeated>) = Default::default();
    if !sent.is_empty() {
        let (with_id, without): (Vec<Repeated>, Vec<Repeated>) = sent
            .iter()
            .enumerate()
            .map(|(s, &i)| (s as i64, i))
            .partition(|&(_, i)| rows[i].r.request_id.is_some());
        let (with_id, without) = (
            Arrays::of(rows, with_id.into_iter()),
            Arrays::of(rows, without.into_iter()),
        );
        let mut params = with_id.params();
        params.extend(without.params());
        let inserted = c.query_typed(&insert_sql(), &params)?;
        let mut new_ids: HashSet<(&str, &str)> = HashSet::new();
        let mut new_origins: HashSet<(&str, i64)> = HashSet::new();
        for row in &inserted {
            let source: &str = row.get(0);
            if let Some(id) = row.get::<_, Option<&str>>(1) {
                new_ids.insert((source, id));
            } else if let (Some(s), Some(o)) =
                (row.get::<_, Option<&str>>(2), row.get::<_, Option<i64>>(3))
            {
                new_origins.insert((s, o));
            }
        }
        for (seq, &i) in sent.iter().enumerate() {
            let row = &rows[i];
            let new = match (&row.r.request_id, row.origin) {
                (Some(id), _) => new_ids.contains(&(row.r.source.as_str(), id.as_str())),
                (None, Some((s, o))) => new_origins.contains(&(s, o)),
                (None, None) => true,
            };
            if new {
                deltas.add(row.r.ts_ms, group(row.r, row.machine), &Sums::of(row.r), 1);
                added.insert(i);
            } else if row.r.request_id.is_some() {
                by_id.push((seq as i64, i));
            } else {
                by_origin.push((seq as i64, i));
            }
        }
    }
    let mut updated = 0;
    for (repeats, on) in [
        (
            &by_id,
            "r.source = i.source AND r.request_id = i.request_id",
        ),
        (
            &by_origin,
            "r.origin_store = i.origin_store AND r.origin = i.origin",
        ),
    ] {
        if repeats.is_empty() {
            continue;
        }
        // the rows there, locked until the commit: no one changes them between the read of
        // their sums and their update
        let arrays = Arrays::of(rows, repeats.iter().copied());
        let old = c.query_typed(
            &format!(
                "SELECT {OLD_COLUMNS} FROM {} JOIN requests r ON {on} ORDER BY r.id FOR UPDATE OF r",
                unnest_incoming(1, &[])
            ),
            &arrays.params(),
        )?;
        let row_of: HashMap<i64, usize> = repeats.iter().copied().collect();
        // the old rows' keys (their change numbers: locked, nothing else changes them)
        let (mut keys, mut with) = (Vec::new(), Vec::new());
        let mut taken: HashMap<i64, (Request, String, usize)> = HashMap::new();
        for o in &old {
            let seq: i64 = o.get(1);
            let Some(&i) = row_of.get(&seq) else { continue };
            let old_request = request_from(o, 2, None)?;
            let id: i64 = o.get(0);
            let old_sums = Sums::of(&old_request);
            let new = &rows[i];
            let larger = Sums::of(new.r).tokens() > old_sums.tokens();
            let replace = match repeat {
                Repeat::Replace => true,
                Repeat::KeepLargest => larger,
                Repeat::Synced(here) => {
                    let store: Option<String> = o.get(17);
                    let origin: Option<i64> = o.get(18);
                    let was = (
                        store.as_deref().unwrap_or(here).to_string(),
                        origin.unwrap_or(id),
                    );
                    let same = new.origin.is_some_and(|(s, n)| was == (s.to_string(), n));
                    same || larger
                }
            };
            if !replace {
                continue;
            }
            taken.insert(id, (old_request, o.get(8), i));
            keys.push(o.get::<_, i64>(19));
            with.push((seq, i));
        }
        if keys.is_empty() {
            continue;
        }
        let (place, only_changed) = match repeat {
            // a synced copy brings where it came from, and changes nothing when it is the same
            Repeat::Synced(_) => (
                ", machine = i.machine, origin_store = i.origin_store, origin = i.origin",
                format!(
                    " AND ({}) IS DISTINCT FROM ({})",
                    SYNCED_CONTENT.map(|c| format!("r.{c}")).join(", "),
                    SYNCED_CONTENT.map(|c| format!("i.{c}")).join(", ")
                ),
            ),
            // the row keeps its machine and origin
            _ => ("", String::new()),
        };
        let arrays = Arrays::of(rows, with.iter().copied());
        let mut params: Vec<(&(dyn ToSql + Sync), Type)> = vec![(&keys, Type::INT8_ARRAY)];
        params.extend(arrays.params());
        let changed = c.query_typed(
            &format!(
                "UPDATE requests r SET ts = i.ts, provider = i.provider, model = i.model, \
                 username = i.username, project = i.project, org = i.org, session = i.session, \
                 input = i.input, output = i.output, cache_read = i.cache_read, \
                 cache_write_5m = i.cache_write_5m, cache_write_1h = i.cache_write_1h, \
                 reasoning = i.reasoning, cost_nanos = i.cost_nanos, cost_source = i.cost_source, \
                 price_version = i.price_version, latency_ms = i.latency_ms, success = i.success, \
                 seq = nextval('requests_change'){place} \
                 FROM {} WHERE r.seq = i.old_seq{only_changed} RETURNING r.id",
                unnest_incoming(1, &["old_seq"])
            ),
            &params,
        )?;
        for ch in &changed {
            let Some((old_request, old_machine, i)) = taken.remove(&ch.get::<_, i64>(0)) else {
                continue;
            };
            let new = &rows[i];
            deltas.add(
                old_request.ts_ms,
                group(&old_request, &old_machine),
                &Sums::of(&old_request),
                -1,
            );
            let machine = match repeat {
                Repeat::Synced(_) => new.machine,
                _ => old_machine.as_str(),
            };
            deltas.add(new.r.ts_ms, group(new.r, machine), &Sums::of(new.r), 1);
            if matches!(repeat, Repeat::Synced(_)) {
                updated += 1;
            }
        }
    }
    deltas.write(c)?;
    let written = first_of
        .iter()
        .enumerate()
        .map(|(i, &first)| {
            // a row is Added when it is the first of its identity and its identity's row was
            // new (whichever row of the batch won)
            if first == i
                && winner
                    .get(&identity(i, &rows[i]))
                    .is_some_and(|w| added.contains(w))
            {
                Written::Added
            } else {
                Written::Existing
            }
        })
        .collect();
    Ok(Outcome {
        written,
        updated,
        change: deltas.change(),
    })
}

/// A request from a row's columns from `at`: ts, provider, model, user, project, org,
/// machine (skipped), input ... reasoning, cost_nanos, cost_source; then, when `rest` says
/// where, session, source, request_id, price_version, latency_ms, success.
fn request_from(
    row: &postgres::Row,
    at: usize,
    rest: Option<usize>,
) -> Result<Request, postgres::Error> {
    let u = |i: usize| -> Result<u64, postgres::Error> {
        Ok(row.try_get::<_, i64>(at + i)?.max(0) as u64)
    };
    let mut r = Request {
        ts_ms: row.try_get(at)?,
        provider: row.try_get(at + 1)?,
        model: row.try_get(at + 2)?,
        user: row.try_get(at + 3)?,
        project: row.try_get(at + 4)?,
        org: row.try_get(at + 5)?,
        session: None,
        source: String::new(),
        request_id: None,
        tokens: Tokens {
            input: u(7)?,
            output: u(8)?,
            cache_read: u(9)?,
            cache_write_5m: u(10)?,
            cache_write_1h: u(11)?,
        },
        reasoning: u(12)?,
        cost_nanos: row.try_get(at + 13)?,
        cost_source: match row.try_get::<_, &str>(at + 14)? {
            "given" => CostSource::Given,
            "computed" => CostSource::Computed,
            _ => CostSource::Unpriced,
        },
        price_version: None,
        latency_ms: None,
        success: true,
    };
    if let Some(b) = rest {
        r.session = row.try_get(b)?;
        r.source = row.try_get(b + 1)?;
        r.request_id = row.try_get(b + 2)?;
        r.price_version = row.try_get(b + 3)?;
        r.latency_ms = row
            .try_get::<_, Option<i64>>(b + 4)?
            .map(|v| v.max(0) as u64);
        r.success = row.try_get(b + 5)?;
    }
    Ok(r)
}

/// The columns [`request_from`] reads, with `rest`: 0..=14, then 15..=20; then 21: id,
/// 22: origin.
const READ_COLUMNS: &str = "ts, provider, model, username, project, org, machine, input, output, \
    cache_read, cache_write_5m, cache_write_1h, reasoning, cost_nanos, cost_source, session, \
    source, request_id, price_version, latency_ms, success, id, origin";

/// How PostgreSQL spells the shared aggregate plan.
const DIALECT: Dialect = Dialect {
    start: "$1::bigint",
    end: "$2::bigint",
    name: "$3",
    user_column: "username",
    sum_cast: "::bigint",
    unpriced: "sum((cost_source = 'unpriced')::int)::bigint",
    machine_rollups: true,
    group_rollup: true,
};

fn totals_at(row: &postgres::Row, at: usize) -> Result<Totals, postgres::Error> {
    let g = |i: usize| -> Result<i64, postgres::Error> {
        Ok(row.try_get::<_, Option<i64>>(at + i)?.unwrap_or(0))
    };
    Ok(Totals {
        requests: g(0)?,
        unpriced: g(1)?,
        input: g(2)?,
        output: g(3)?,
        cache_read: g(4)?,
        cache_write_5m: g(5)?,
        cache_write_1h: g(6)?,
        reasoning: g(7)?,
        cost_nanos: g(8)?,
    })
}

impl Ledger for PostgresStore {
    fn describe(&self) -> String {
        self.shown.clone()
    }

    fn machine(&self) -> &str {
        &self.machine
    }

    fn record(&mut self, requests: &[Request]) -> anyhow::Result<(Vec<Written>, Change)> {
        let machine = self.machine.clone();
        let rows: Vec<Incoming<'_>> = requests
            .iter()
            .map(|r| Incoming {
                r,
                machine: &machine,
                origin: None,
            })
            .collect();
        let out = self.write(true, |c| write_rows(c, &rows, Repeat::Replace))?;
        Ok((out.written, out.change))
    }

    fn write_batch(
        &mut self,
        keep_largest: bool,
        source: &mut dyn BatchSource,
    ) -> anyhow::Result<Option<Change>> {
        let mut chunks = Vec::new();
        let progress = loop {
            match source.next()? {
                None if chunks.is_empty() => return Ok(None),
                None => anyhow::bail!("a batch of requests ended without its end"),
                Some(Piece::Rows(rows)) => chunks.push(rows),
                Some(Piece::End { progress, .. }) => break progress,
            }
        };
        let machine = self.machine.clone();
        let rows: Vec<Incoming<'_>> = chunks
            .iter()
            .flatten()
            .map(|(_, r)| Incoming {
                r,
                machine: &machine,
                origin: None,
            })
            .collect();
        let repeat = if keep_largest {
            Repeat::KeepLargest
        } else {
            Repeat::Replace
        };
        let out = self.write(true, |c| {
            let out = write_rows(c, &rows, repeat)?;
            if !progress.is_empty() {
                let (mut sources, mut paths): (Vec<&str>, Vec<&str>) = Default::default();
                let mut nums: [Vec<i64>; 3] = Default::default();
                let mut states: Vec<Option<&str>> = Vec::new();
                // one row per file, its last progress (one upsert may not touch a row twice)
                let mut seen = HashSet::new();
                let last: Vec<&FileProgress> = progress
                    .iter()
                    .rev()
                    .filter(|p| seen.insert((p.source.as_str(), p.path.as_str())))
                    .collect();
                for p in last {
                    sources.push(&p.source);
                    paths.push(&p.path);
                    nums[0].push(to_i64(p.size));
                    nums[1].push(p.mtime_ns);
                    nums[2].push(to_i64(p.offset));
                    states.push(p.state.as_deref());
                }
                c.execute_typed(
                    "INSERT INTO import_files (source, path, size, mtime_ns, \"offset\", state) \
                     SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], \
                     $5::bigint[], $6::text[]) ON CONFLICT (source, path) DO UPDATE SET \
                     size = EXCLUDED.size, mtime_ns = EXCLUDED.mtime_ns, \
                     \"offset\" = EXCLUDED.\"offset\", state = EXCLUDED.state",
                    &[
                        (&sources, Type::TEXT_ARRAY),
                        (&paths, Type::TEXT_ARRAY),
                        (&nums[0], Type::INT8_ARRAY),
                        (&nums[1], Type::INT8_ARRAY),
                        (&nums[2], Type::INT8_ARRAY),
                        (&states, Type::TEXT_ARRAY),
                    ],
                )?;
            }
            Ok(out)
        })?;
        drop(rows);
        let mut written = out.written.iter();
        for chunk in chunks {
            for (_, r) in &chunk {
                if let Some(w) = written.next() {
                    source.written(r, *w);
                }
            }
            source.give_back(chunk);
        }
        Ok(Some(out.change))
    }

    fn import_progress(&self, source: &str) -> anyhow::Result<Vec<FileProgress>> {
        self.read(|c| {
            let rows = c.query_typed(
                "SELECT source, path, size, mtime_ns, \"offset\", state FROM import_files \
                 WHERE source = $1 ORDER BY path",
                &[(&source, Type::TEXT)],
            )?;
            Ok(rows
                .iter()
                .map(|r| FileProgress {
                    source: r.get(0),
                    path: r.get(1),
                    size: r.get::<_, i64>(2).max(0) as u64,
                    mtime_ns: r.get(3),
                    offset: r.get::<_, i64>(4).max(0) as u64,
                    state: r.get(5),
                })
                .collect())
        })
    }

    fn aggregate(
        &self,
        start: i64,
        end: i64,
        dim: Dim,
        scope: &Scope,
        hour_buckets: bool,
    ) -> anyhow::Result<Vec<(Key, Totals)>> {
        let plan = plan::aggregate(&DIALECT, start, end, dim, scope, hour_buckets);
        let mut out: HashMap<Key, Totals> = HashMap::new();
        self.read(|c| {
            for q in &plan.queries {
                let (s, e) = (&q.start, &q.end);
                let rows = match plan.name {
                    Some(v) => c.query_typed(
                        q.sql.as_str(),
                        &[(s, Type::INT8), (e, Type::INT8), (&v, Type::TEXT)],
                    )?,
                    None => c.query_typed(q.sql.as_str(), &[(s, Type::INT8), (e, Type::INT8)])?,
                };
                for row in rows {
                    let t = totals_at(&row, 1)?;
                    if t.requests == 0 {
                        continue; // a group whose rows were all replaced by others
                    }
                    let key = if dim == Dim::Time {
                        Key::Time(row.try_get(0)?)
                    } else {
                        Key::Name(row.try_get(0)?)
                    };
                    out.entry(key).or_default().add(&t);
                }
            }
            Ok(())
        })?;
        let mut v: Vec<(Key, Totals)> = out.into_iter().collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(v)
    }

    fn totals_by_model(&self) -> anyhow::Result<Vec<(String, String, Totals)>> {
        self.read(|c| {
            let rows = c.query_typed(
                &format!(
                    "SELECT provider, model, sum(requests)::bigint, sum(unpriced)::bigint, {} \
                     FROM rollup_day GROUP BY 1, 2 ORDER BY 1, 2",
                    DIALECT.sums()
                ),
                &[],
            )?;
            let mut out = Vec::new();
            for row in rows {
                let t = totals_at(&row, 2)?;
                if t.requests != 0 {
                    out.push((row.try_get(0)?, row.try_get(1)?, t));
                }
            }
            Ok(out)
        })
    }

    fn max_request_cost(&self, start: i64, end: i64, scope: &Scope) -> anyhow::Result<i64> {
        let (filter, value) = DIALECT.scope_filter(scope);
        let sql =
            format!("SELECT max(cost_nanos) FROM requests WHERE ts >= $1 AND ts < $2{filter}");
        self.read(|c| {
            let row = match value {
                Some(v) => c.query_typed_one(
                    sql.as_str(),
                    &[(&start, Type::INT8), (&end, Type::INT8), (&v, Type::TEXT)],
                )?,
                None => {
                    c.query_typed_one(sql.as_str(), &[(&start, Type::INT8), (&end, Type::INT8)])?
                }
            };
            Ok(row.try_get::<_, Option<i64>>(0)?.unwrap_or(0))
        })
    }

    fn each_request(
        &self,
        start: i64,
        end: i64,
        f: &mut dyn FnMut(&Request) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        let mut client = self.client.borrow_mut();
        let shown = &self.shown;
        // a cursor in a read-only transaction: rows come as they are read, not all at once
        let mut tx = client
            .build_transaction()
            .read_only(true)
            .start()
            .map_err(|e| failed(shown, e))?;
        tx.batch_execute(&format!(
            "DECLARE export NO SCROLL CURSOR FOR SELECT {READ_COLUMNS} FROM requests \
             WHERE ts >= {start} AND ts < {end} ORDER BY ts, id"
        ))
        .map_err(|e| failed(shown, e))?;
        loop {
            let rows = tx
                .query("FETCH 10000 FROM export", &[])
                .map_err(|e| failed(shown, e))?;
            if rows.is_empty() {
                break;
            }
            for row in &rows {
                let r = request_from(row, 0, Some(15)).map_err(|e| failed(shown, e))?;
                f(&r)?;
            }
        }
        tx.commit().map_err(|e| failed(shown, e))
    }

    fn report_cells(
        &self,
        start: i64,
        end: i64,
        tz: &TimeZone,
        hour_buckets: bool,
    ) -> anyhow::Result<Vec<super::report::Cell>> {
        self.cells(start, end, tz, hour_buckets)
    }

    fn report_facts(
        &self,
        start: i64,
        end: i64,
        judge_end: i64,
        book: &crate::pricing::PriceBook,
    ) -> anyhow::Result<super::report::Facts> {
        self.facts(start, end, judge_end, book)
    }

    fn block_points(
        &self,
        start: i64,
        end: i64,
        provider: &str,
    ) -> anyhow::Result<Vec<super::report::blocks::Point>> {
        self.points_of(start, end, provider)
    }

    fn blocks_of(
        &self,
        provider: &str,
        start: i64,
        end: i64,
    ) -> anyhow::Result<super::report::blocks::Blocks> {
        self.blocks_in(provider, start, end)
    }

    fn request_hours(
        &self,
        provider: &str,
        start_hour: i64,
        end_hour: i64,
    ) -> anyhow::Result<Vec<i64>> {
        self.hours_of(provider, start_hour, end_hour)
    }

    fn session_cost(&self, start: i64, end: i64, session: &str) -> anyhow::Result<(i64, i64)> {
        self.session_sums(start, end, session)
    }

    fn count(&self) -> anyhow::Result<i64> {
        // the rollups are exact: their sum is the count, without reading every row
        self.read(|c| {
            c.query_typed_one(
                "SELECT coalesce(sum(requests), 0)::bigint FROM rollup_hour",
                &[],
            )?
            .try_get(0)
        })
    }

    fn add_budget(&mut self, b: &NewBudget) -> anyhow::Result<i64> {
        self.read(|c| {
            c.query_one(
                "INSERT INTO budgets (period, limit_nanos, scope, warn_percent, critical_percent, \
                 exceeded_percent, created_ms) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                &[
                    &b.period.as_str(),
                    &b.limit_nanos,
                    &b.scope.to_string(),
                    &b.thresholds[0],
                    &b.thresholds[1],
                    &b.thresholds[2],
                    &b.created_ms,
                ],
            )?
            .try_get(0)
        })
    }

    fn remove_budget(&mut self, id: i64) -> anyhow::Result<bool> {
        self.read(|c| Ok(c.execute("DELETE FROM budgets WHERE id = $1", &[&id])? > 0))
    }

    fn budgets(&self) -> anyhow::Result<Vec<Budget>> {
        let rows = self.read(|c| {
            c.query_typed(
                "SELECT id, period, limit_nanos, scope, warn_percent, critical_percent, \
                 exceeded_percent FROM budgets ORDER BY id",
                &[],
            )
        })?;
        let mut out = Vec::new();
        for r in rows {
            let scope: String = r.get(3);
            out.push(Budget {
                id: r.get(0),
                period: Period::parse(r.get(1)),
                limit_nanos: r.get(2),
                scope: Scope::parse(&scope).unwrap_or(Scope::Global),
                thresholds: [r.get(4), r.get(5), r.get(6)],
            });
        }
        Ok(out)
    }

    fn has_budgets(&self) -> anyhow::Result<bool> {
        self.read(|c| {
            Ok(c.query_typed_opt("SELECT 1 FROM budgets LIMIT 1", &[])?
                .is_some())
        })
    }

    fn record_calls(&mut self, calls: &[ToolCall]) -> anyhow::Result<()> {
        if calls.is_empty() {
            return Ok(());
        }
        self.write(false, |tx| {
            let mut names: Vec<(&str, &str)> = calls
                .iter()
                .map(|c| (c.server.as_str(), c.tool.as_str()))
                .collect();
            names.sort_unstable();
            names.dedup();
            let servers: Vec<&str> = names.iter().map(|n| n.0).collect();
            let tools: Vec<&str> = names.iter().map(|n| n.1).collect();
            let rows = tx.query(
                "INSERT INTO tool_names (server, tool) SELECT * FROM unnest($1::text[], $2::text[]) \
                 ON CONFLICT (server, tool) DO UPDATE SET server = EXCLUDED.server \
                 RETURNING id, server, tool",
                &[&servers, &tools],
            )?;
            let ids: HashMap<(String, String), i64> = rows
                .iter()
                .map(|r| ((r.get(1), r.get(2)), r.get(0)))
                .collect();
            let mut cols: [Vec<i64>; 7] = Default::default();
            let mut clients: Vec<Option<&str>> = Vec::new();
            for c in calls {
                let tool = ids
                    .get(&(c.server.clone(), c.tool.clone()))
                    .copied()
                    .unwrap_or_default();
                for (col, v) in cols.iter_mut().zip([
                    c.at.as_millisecond(),
                    tool,
                    to_i64(c.latency_us),
                    c.outcome.index() as i64,
                    to_i64(c.bytes_in),
                    to_i64(c.bytes_out),
                    to_i64(c.result_tokens),
                ]) {
                    col.push(v);
                }
                clients.push(c.client.as_deref());
            }
            tx.execute(
                "INSERT INTO tool_calls (ts, tool, client, latency_us, outcome, bytes_in, \
                 bytes_out, result_tokens) SELECT * FROM unnest($1::bigint[], $2::bigint[], \
                 $3::text[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[])",
                &[
                    &cols[0], &cols[1], &clients, &cols[2], &cols[3], &cols[4], &cols[5],
                    &cols[6],
                ],
            )?;
            Ok(())
        })
    }

    fn call_stats(
        &self,
        start: i64,
        end: i64,
        by: StatsBy,
        tz: &TimeZone,
    ) -> anyhow::Result<StatsReport> {
        let mut b = StatsBuilder::new(start, end, by, tz)?;
        let (tools, calls) = self.read(|c| {
            let tools = if by != StatsBy::Day {
                c.query("SELECT id, server, tool FROM tool_names", &[])?
            } else {
                Vec::new()
            };
            let calls = c.query(
                "SELECT ts, tool, outcome, latency_us, bytes_in, bytes_out, result_tokens \
                 FROM tool_calls WHERE ts >= $1 AND ts < $2",
                &[&start, &end],
            )?;
            Ok((tools, calls))
        })?;
        for t in &tools {
            b.tool(t.get(0), t.get(1), t.get(2));
        }
        let u = |r: &postgres::Row, i: usize| r.get::<_, i64>(i).max(0) as u64;
        for r in &calls {
            b.call(
                r.get(0),
                r.get(1),
                r.get(2),
                u(r, 3),
                [u(r, 4), u(r, 5), u(r, 6)],
            );
        }
        Ok(b.finish())
    }

    fn recorded_calls(&self, start: i64, end: i64) -> anyhow::Result<Vec<ToolCall>> {
        let rows = self.read(|c| {
            c.query(
                "SELECT c.ts, t.server, t.tool, c.client, c.latency_us, c.outcome, c.bytes_in, \
                 c.bytes_out, c.result_tokens FROM tool_calls c JOIN tool_names t ON t.id = c.tool \
                 WHERE c.ts >= $1 AND c.ts < $2 ORDER BY c.ts, c.id",
                &[&start, &end],
            )
        })?;
        let u = |r: &postgres::Row, i: usize| r.get::<_, i64>(i).max(0) as u64;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            out.push(ToolCall {
                at: Timestamp::from_millisecond(r.get(0))?,
                server: r.get(1),
                tool: r.get(2),
                client: r.get(3),
                latency_us: u(r, 4),
                outcome: CallOutcome::ALL
                    .get(r.get::<_, i64>(5).clamp(0, 3) as usize)
                    .copied()
                    .unwrap_or(CallOutcome::ProtocolError),
                bytes_in: u(r, 6),
                bytes_out: u(r, 7),
                result_tokens: u(r, 8),
            });
        }
        Ok(out)
    }

    fn count_calls(&self) -> anyhow::Result<i64> {
        self.read(|c| {
            c.query_one("SELECT count(*) FROM tool_calls", &[])?
                .try_get(0)
        })
    }

    fn store_id(&self) -> anyhow::Result<String> {
        if let Some(id) = self.store_id.get() {
            return Ok(id.clone());
        }
        let id: String = self.read(|c| {
            c.query_typed_one("SELECT value FROM aimcp_meta WHERE key = 'store_id'", &[])?
                .try_get(0)
        })?;
        Ok(self.store_id.get_or_init(|| id).clone())
    }

    fn rows_since(
        &self,
        after: i64,
        since: i64,
        limit: usize,
    ) -> anyhow::Result<Vec<(i64, SyncRow)>> {
        let here = self.store_id()?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = self.read(|c| {
            c.query_typed(
                &format!(
                    "SELECT {READ_COLUMNS}, seq, origin_store FROM requests WHERE seq > $1 \
                     AND ts >= $2 ORDER BY seq LIMIT $3"
                ),
                &[
                    (&after, Type::INT8),
                    (&since, Type::INT8),
                    (&limit, Type::INT8),
                ],
            )
        })?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let id: i64 = row.get(21);
            let origin: Option<i64> = row.get(22);
            let store: Option<String> = row.get(24);
            out.push((
                row.get(23),
                SyncRow {
                    machine: row.get(6),
                    // a row recorded here is known by this ledger's id and its own
                    store: store.unwrap_or_else(|| here.clone()),
                    origin: origin.unwrap_or(id),
                    request: request_from(row, 0, Some(15)).map_err(|e| failed(&self.shown, e))?,
                },
            ));
        }
        Ok(out)
    }

    fn absorb(&mut self, rows: &[SyncRow]) -> anyhow::Result<Absorbed> {
        let here = self.store_id()?;
        let incoming: Vec<Incoming<'_>> = rows
            .iter()
            .map(|s| Incoming {
                r: &s.request,
                machine: &s.machine,
                origin: Some((&s.store, s.origin)),
            })
            .collect();
        let out = self.write(true, |c| write_rows(c, &incoming, Repeat::Synced(&here)))?;
        let added = out.written.iter().filter(|w| **w == Written::Added).count() as u64;
        Ok(Absorbed {
            added,
            updated: out.updated,
            existing: rows.len() as u64 - added - out.updated,
        })
    }

    fn sync_mark(&self, target: &str) -> anyhow::Result<i64> {
        self.read(|c| {
            Ok(c.query_typed_opt(
                "SELECT last_row FROM sync_marks WHERE target = $1",
                &[(&target, Type::TEXT)],
            )?
            .map_or(0, |r| r.get(0)))
        })
    }

    fn set_sync_mark(&mut self, target: &str, change: i64) -> anyhow::Result<()> {
        self.read(|c| {
            c.execute_typed(
                "INSERT INTO sync_marks (target, last_row) VALUES ($1, $2) \
                 ON CONFLICT (target) DO UPDATE SET last_row = EXCLUDED.last_row",
                &[(&target, Type::TEXT), (&change, Type::INT8)],
            )?;
            Ok(())
        })
    }
}

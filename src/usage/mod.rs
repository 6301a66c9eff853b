//! The usage ledger: one SQLite file with one row per request, rollups by hour and day,
//! budgets, and import progress. Returns plain structs; prints nothing.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use rustc_hash::FxHashMap;

use crate::pricing::{PriceBook, Tokens};

pub mod budget;
pub mod calls;
mod ids;
pub mod import;
pub mod ingest;
pub mod jsonl;
pub mod report;
pub mod store;

pub use store::{Store, default_path};

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;

/// The most tokens of each kind (input, output, cache read, cache write, reasoning) one request
/// may have: a trillion, a thousand times the largest context windows. Larger counts are a
/// mistake in the input, and refused.
pub const MAX_TOKENS: u64 = 1_000_000_000_000;

/// The longest latency one request may have, in milliseconds (about 31 years).
pub const MAX_LATENCY_MS: u64 = 1_000_000_000_000;

/// The largest cost of one request, given or computed, in nano-dollars: $1,000,000,000.
/// (The store holds sums up to about $9.2 billion; a write past that is refused.)
pub const MAX_COST_NANOS: i64 = 1_000_000_000 * crate::pricing::NANOS_PER_USD;

/// A number of a request over its ceiling (see [`MAX_TOKENS`], [`MAX_LATENCY_MS`],
/// [`MAX_COST_NANOS`]), or a sum of the store that would pass what it can hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OverLimit {
    /// A field of the request, by its `--jsonl` name (`input`, `cache_write`, `cost` ...).
    Field(&'static str),
    /// The cost computed from the price table, in nano-dollars.
    ComputedCost(i128),
    /// The store's sum of a column (`input`, `cost` ...) would pass `i64::MAX`.
    Sum(&'static str),
}

impl OverLimit {
    /// What the ceiling of a field is, for people: `1,000,000,000,000`, `$1,000,000,000`.
    pub fn ceiling(field: &str) -> &'static str {
        match field {
            "cost" => "$1,000,000,000",
            "latency_ms" => "1,000,000,000,000 ms",
            _ => "1,000,000,000,000",
        }
    }
}

impl std::fmt::Display for OverLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OverLimit::Field(field) => write!(
                f,
                "field `{field}` is over the ceiling of {} a request",
                OverLimit::ceiling(field)
            ),
            OverLimit::ComputedCost(_) => write!(
                f,
                "its cost computed from the price table is over the ceiling of {} a request",
                OverLimit::ceiling("cost")
            ),
            OverLimit::Sum(col) => write!(
                f,
                "the store's total of `{col}` would pass the largest number it can hold \
                 (9,223,372,036,854,775,807{})",
                if *col == "cost" { " nano-dollars" } else { "" }
            ),
        }
    }
}

impl std::error::Error for OverLimit {}

/// How a row's cost was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CostSource {
    /// The caller said what it cost.
    Given,
    /// Computed from the price table.
    Computed,
    /// No price known for the model: the cost is not known (stored as 0, counted apart).
    Unpriced,
}

impl Request {
    /// Is every number within its ceiling? (Token counts and latency at most [`MAX_TOKENS`]
    /// and [`MAX_LATENCY_MS`], a cost from 0 to [`MAX_COST_NANOS`].)
    pub fn check(&self) -> Result<(), OverLimit> {
        let t = &self.tokens;
        for (field, v) in [
            ("input", t.input),
            ("output", t.output),
            ("cache_read", t.cache_read),
            ("cache_write", t.cache_write_5m),
            ("cache_write_1h", t.cache_write_1h),
            ("reasoning", self.reasoning),
        ] {
            if v > MAX_TOKENS {
                return Err(OverLimit::Field(field));
            }
        }
        if self.latency_ms.is_some_and(|l| l > MAX_LATENCY_MS) {
            return Err(OverLimit::Field("latency_ms"));
        }
        if !(0..=MAX_COST_NANOS).contains(&self.cost_nanos) {
            return Err(OverLimit::Field("cost"));
        }
        Ok(())
    }
}

impl CostSource {
    pub fn as_str(self) -> &'static str {
        self.as_str_ref()
    }

    /// [`CostSource::as_str`] behind a `'static` reference, for SQL parameter lists.
    fn as_str_ref(self) -> &'static &'static str {
        match self {
            CostSource::Given => &"given",
            CostSource::Computed => &"computed",
            CostSource::Unpriced => &"unpriced",
        }
    }
}

/// One request, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// Milliseconds since the Unix epoch, UTC.
    pub ts_ms: i64,
    pub provider: String,
    pub model: String,
    pub user: String,
    pub project: String,
    pub org: String,
    pub session: Option<String>,
    pub source: String,
    pub request_id: Option<String>,
    pub tokens: Tokens,
    pub reasoning: u64,
    pub cost_nanos: i64,
    pub cost_source: CostSource,
    pub price_version: Option<String>,
    pub latency_ms: Option<u64>,
    pub success: bool,
}

/// Prices requests, remembering each (provider, model) it has looked up.
pub struct Pricer<'a> {
    book: &'a PriceBook,
    cache: FxHashMap<String, Option<crate::pricing::ModelPrice>>,
    key: String,
}

impl<'a> Pricer<'a> {
    pub fn new(book: &'a PriceBook) -> Self {
        Pricer {
            book,
            cache: FxHashMap::default(),
            key: String::new(),
        }
    }

    /// Sets the cost of a request from the table (unless it was given). A computed cost past
    /// [`MAX_COST_NANOS`] is refused (the request is left unpriced).
    pub fn price(&mut self, r: &mut Request) -> Result<(), OverLimit> {
        if r.cost_source == CostSource::Given {
            return Ok(());
        }
        self.key.clear();
        self.key.push_str(&r.provider);
        self.key.push('\0');
        self.key.push_str(&r.model);
        if !self.cache.contains_key(self.key.as_str()) {
            let found = self.book.price(&r.provider, &r.model).cloned();
            self.cache.insert(self.key.clone(), found);
        }
        match &self.cache[self.key.as_str()] {
            Some(p) => {
                let cost = p.cost(&r.tokens);
                if cost > MAX_COST_NANOS as i128 {
                    r.cost_nanos = 0;
                    r.cost_source = CostSource::Unpriced;
                    r.price_version = None;
                    return Err(OverLimit::ComputedCost(cost));
                }
                r.cost_nanos = cost as i64;
                r.cost_source = CostSource::Computed;
                if r.price_version.as_deref() != Some(&p.version) {
                    r.price_version = Some(p.version.clone());
                }
            }
            None => {
                r.cost_nanos = 0;
                r.cost_source = CostSource::Unpriced;
                r.price_version = None;
            }
        }
        Ok(())
    }
}

const INSERT_COLUMNS: &str = "ts, provider, model, user, project, org, session, source, request_id, \
    input, output, cache_read, cache_write_5m, cache_write_1h, reasoning, cost_nanos, cost_source, \
    price_version, latency_ms, success";

/// Writes a new request row, `?21` being its `rid`.
fn insert_sql() -> String {
    format!(
        "INSERT INTO requests ({INSERT_COLUMNS}, rid) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, \
         ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)"
    )
}

/// The row with an `id`: its request id, and what the rollups need to take it out.
const FIND_SQL: &str = "SELECT source, request_id, ts, provider, model, user, project, org, input, \
    output, cache_read, cache_write_5m, cache_write_1h, reasoning, cost_nanos, \
    cost_source = 'unpriced' FROM requests WHERE id = ?1";

/// Replaces the row with the `id` `?22`, with the same parameters as [`insert_sql`].
const UPDATE_SQL: &str = "UPDATE requests SET ts = ?1, provider = ?2, model = ?3, user = ?4, \
    project = ?5, org = ?6, session = ?7, input = ?10, output = ?11, cache_read = ?12, \
    cache_write_5m = ?13, cache_write_1h = ?14, reasoning = ?15, cost_nanos = ?16, \
    cost_source = ?17, price_version = ?18, latency_ms = ?19, success = ?20 WHERE id = ?22";

/// A request's numbers as stored (counts saturate at `i64::MAX`).
struct Numbers {
    counts: [i64; 6],
    latency: Option<i64>,
}

impl Numbers {
    fn of(r: &Request) -> Numbers {
        Numbers {
            counts: [
                i(r.tokens.input),
                i(r.tokens.output),
                i(r.tokens.cache_read),
                i(r.tokens.cache_write_5m),
                i(r.tokens.cache_write_1h),
                i(r.reasoning),
            ],
            latency: r.latency_ms.map(i),
        }
    }
}

/// The parameters of [`insert_sql`] and [`UPDATE_SQL`] (which adds the row's `id`).
fn values<'a>(
    r: &'a Request,
    n: &'a Numbers,
    rid: &'a Option<i64>,
) -> [&'a dyn rusqlite::ToSql; 21] {
    let c = &n.counts;
    [
        &r.ts_ms,
        &r.provider,
        &r.model,
        &r.user,
        &r.project,
        &r.org,
        &r.session,
        &r.source,
        &r.request_id,
        &c[0],
        &c[1],
        &c[2],
        &c[3],
        &c[4],
        &c[5],
        &r.cost_nanos,
        r.cost_source.as_str_ref(),
        &r.price_version,
        &n.latency,
        &r.success,
        rid,
    ]
}

/// Where a request id's row is looked for first: a hash of its source and id (the first 8
/// bytes of SHA-256, stable across versions and machines). Two ids with the same hash are kept
/// at the next free numbers after it, so a search goes on from here until it finds the id or
/// a free number (rows are never deleted).
pub fn rid_slot(source: &str, request_id: &str) -> i64 {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(source.as_bytes());
    h.update([0u8]);
    h.update(request_id.as_bytes());
    let d = h.finalize();
    i64::from_le_bytes(d[..8].try_into().unwrap_or([0; 8]))
}

fn i(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// What writing one request did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    Added,
    /// The same request id was there: the row was replaced (or, for imports, kept when larger).
    Existing,
}

/// Writes requests inside one transaction, and keeps the rollups right.
///
/// Rows' sums are added up in memory per hour and group (a replaced row's old sums taken out,
/// its new ones put in) and written to `rollup`, `rollup_day` and `rollup_hour` by
/// [`Writer::finish`], which must be called before the transaction commits, with the new
/// request ids (see [`ids`]). The Writer is the only code that changes request rows, so the
/// rollups and the id index stay exact.
pub struct Writer<'t> {
    insert: rusqlite::CachedStatement<'t>,
    conn: &'t Connection,
    ids: ids::Ids<'t>,
    keep_largest: bool,
    rollups: Rollups,
    /// The row of each request given to [`Writer::write_batched`] so far.
    by_seq: Vec<i64>,
}

/// What the thread that reads a batch knows of one request: see [`Writer::write_batched`].
pub struct Batched {
    /// Its [`rid_slot`].
    pub rid: Option<i64>,
    /// The place in the batch (from 0) of the first request with the same `rid`, when this is
    /// not the first.
    pub first: Option<usize>,
}

/// What a Writer is told of a request id by its batch.
enum Seen {
    /// Nothing: written one by one.
    Unknown,
    /// No earlier request of the batch had its rid.
    First,
    /// The request at this place in the batch had it.
    Again(usize),
}

/// The sums of [`Totals`] while they are added up in memory, wide enough that no batch can
/// overflow them (a row taken out is a negative sum); checked when they are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Sums([i128; 9]);

/// The names of the columns of [`Sums`], as a user knows them.
const SUM_NAMES: [&str; 9] = [
    "requests",
    "input",
    "output",
    "cache_read",
    "cache_write_5m",
    "cache_write_1h",
    "reasoning",
    "cost",
    "unpriced",
];

impl Sums {
    fn add(&mut self, o: &Sums) {
        for (a, b) in self.0.iter_mut().zip(o.0) {
            *a += b;
        }
    }

    fn negated(&self) -> Sums {
        Sums(self.0.map(|v| -v))
    }

    /// Input + output + cache read + cache write.
    fn total_tokens(&self) -> i128 {
        self.0[1] + self.0[2] + self.0[3] + self.0[4] + self.0[5]
    }

    fn of(t: &Totals) -> Sums {
        Sums(t.columns().map(i128::from))
    }

    /// The sums as `i64` columns, or the first that does not fit.
    fn columns(&self) -> Result<[i64; 9], OverLimit> {
        let mut out = [0i64; 9];
        for (i, v) in self.0.iter().enumerate() {
            out[i] = i64::try_from(*v).map_err(|_| OverLimit::Sum(SUM_NAMES[i]))?;
        }
        Ok(out)
    }
}

/// Sums of requests per hour and group, and per hour, on their way to the rollup tables.
#[derive(Default)]
pub struct Rollups {
    names: FxHashMap<String, u32>,
    by_group: FxHashMap<(i64, [u32; 5]), Sums>,
    by_hour: FxHashMap<i64, Sums>,
}

impl Rollups {
    fn name(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.names.get(s) {
            return i;
        }
        let i = self.names.len() as u32;
        self.names.insert(s.to_string(), i);
        i
    }

    /// Adds `t` (negative to take a row out) to the sums for a time and group.
    fn tally(&mut self, ts_ms: i64, group: [&str; 5], t: &Sums) {
        let hour = ts_ms.div_euclid(HOUR_MS);
        let key = group.map(|n| self.name(n));
        self.by_group.entry((hour, key)).or_default().add(t);
        self.by_hour.entry(hour).or_default().add(t);
    }

    /// Adds a request.
    pub fn add(&mut self, r: &Request) {
        let group = [&*r.provider, &r.model, &r.user, &r.project, &r.org];
        self.tally(r.ts_ms, group, &sums(r));
    }

    /// Adds another's sums to these.
    fn absorb(&mut self, other: Rollups) {
        let mut by_id = vec![""; other.names.len()];
        for (n, i) in &other.names {
            by_id[*i as usize] = n;
        }
        for ((hour, k), t) in &other.by_group {
            let key = k.map(|i| self.name(by_id[i as usize]));
            self.by_group.entry((*hour, key)).or_default().add(t);
        }
        for (hour, t) in &other.by_hour {
            self.by_hour.entry(*hour).or_default().add(t);
        }
    }
}

/// What a request adds to the rollups.
fn sums(r: &Request) -> Sums {
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

impl<'t> Writer<'t> {
    /// `keep_largest`: on a repeated request id keep whichever row has more tokens (imports of
    /// streamed logs); otherwise the new row replaces the old one.
    pub fn new(tx: &'t Transaction<'_>, keep_largest: bool) -> rusqlite::Result<Self> {
        Ok(Writer {
            insert: tx.prepare_cached(&insert_sql())?,
            conn: tx,
            ids: ids::Ids::new(tx),
            keep_largest,
            rollups: Rollups::default(),
            by_seq: Vec::new(),
        })
    }

    /// Writes a request, refusing one over the ceilings (see [`Request::check`]).
    pub fn write(&mut self, r: &Request) -> anyhow::Result<Written> {
        let rid = r.request_id.as_deref().map(|id| rid_slot(&r.source, id));
        self.put(r, rid, Seen::Unknown)
    }

    /// Adds the sums of a batch given to [`Writer::write_batched`].
    pub fn absorb(&mut self, counted: Rollups) {
        self.rollups.absorb(counted);
    }

    /// Writes one request of a batch read on another thread, which has:
    /// - worked out its [`rid_slot`];
    /// - added it to [`Rollups`] of its own, given to [`Writer::absorb`] at the end (the
    ///   Writer then only corrects them for a request id that was there already);
    /// - said which earlier request of the batch had the same `rid`, if any.
    ///
    /// Every request of the batch must come through here, in order.
    pub fn write_batched(&mut self, r: &Request, b: &Batched) -> anyhow::Result<Written> {
        let seen = match b.first {
            Some(i) => Seen::Again(i),
            None => Seen::First,
        };
        self.put(r, b.rid, seen)
    }

    /// Writes a request: a new row, or the row of its request id, found through `seen` and the
    /// id index (going on to the next number past another id's row with the same hash).
    fn put(&mut self, r: &Request, rid: Option<i64>, seen: Seen) -> anyhow::Result<Written> {
        r.check().map_err(refused)?;
        let counted = !matches!(seen, Seen::Unknown);
        let numbers = Numbers::of(r);
        let mut rid = rid;
        let mut seen = seen;
        // the rid is taken: by this request id, or (rarely) by another with the same hash
        while let Some(slot) = rid {
            // a batch says which rids it had before, until a hash is shared (then look anew)
            let found = match std::mem::replace(&mut seen, Seen::Unknown) {
                Seen::Again(i) if !self.ids.found_any() => match self.by_seq.get(i) {
                    Some(&row) => Some(row),
                    None => self.ids.find(slot)?,
                },
                Seen::First if !self.ids.found_any() => self.ids.find_stored(slot)?,
                _ => self.ids.find(slot)?,
            };
            let Some(row) = found else {
                break;
            };
            let old = self
                .conn
                .prepare_cached(FIND_SQL)?
                .query_row([row], |row| {
                    let same = row.get_ref(0)?.as_str()? == r.source
                        && row.get_ref(1)?.as_str()? == r.request_id.as_deref().unwrap_or("");
                    if !same {
                        return Ok(None);
                    }
                    let names: [String; 5] = [
                        row.get(3)?,
                        row.get(4)?,
                        row.get(5)?,
                        row.get(6)?,
                        row.get(7)?,
                    ];
                    let t = read_totals(row, 8, 1, row.get(15)?)?;
                    Ok(Some((row.get(2)?, names, Sums::of(&t))))
                })
                .optional()?;
            // another id's row (or a row deleted by hand): look at the next number
            let Some(Some((old_ts, [a, b, c, d, e], old))) = old else {
                rid = Some(slot.wrapping_add(1));
                continue;
            };
            let new = sums(r);
            let group = [&*r.provider, &r.model, &r.user, &r.project, &r.org];
            if self.keep_largest && new.total_tokens() <= old.total_tokens() {
                if counted {
                    self.rollups.tally(r.ts_ms, group, &new.negated());
                    self.by_seq.push(row);
                }
                return Ok(Written::Existing);
            }
            let with_row: Vec<&dyn rusqlite::ToSql> = values(r, &numbers, &rid)
                .into_iter()
                .chain([&row as &dyn rusqlite::ToSql])
                .collect();
            self.conn.prepare_cached(UPDATE_SQL)?.execute(&*with_row)?;
            self.rollups
                .tally(old_ts, [&a, &b, &c, &d, &e], &old.negated());
            if counted {
                self.by_seq.push(row);
            } else {
                self.rollups.tally(r.ts_ms, group, &new);
            }
            return Ok(Written::Existing);
        }
        self.insert.execute(values(r, &numbers, &rid))?;
        let row = self.conn.last_insert_rowid();
        if let Some(slot) = rid {
            self.ids.add(slot, row);
        }
        if counted {
            self.by_seq.push(row);
        } else {
            self.rollups.add(r);
        }
        Ok(Written::Added)
    }

    /// Adds the new rows' sums to the rollups. Call it before the transaction commits.
    ///
    /// The store's totals (`rollup_all`) are checked first: every sum the store keeps is part
    /// of them (no row is negative), so when they fit in an `i64`, so does every rollup and
    /// every sum a query makes. A write that would pass them is refused ([`OverLimit::Sum`]).
    ///
    /// Returns what the writes changed in the store's totals (a replaced row counts as the
    /// difference).
    pub fn finish(self) -> anyhow::Result<Change> {
        let Writer {
            insert,
            conn,
            ids,
            rollups:
                Rollups {
                    names,
                    by_group,
                    by_hour,
                },
            ..
        } = self;
        drop(insert);
        let mut delta = Sums::default();
        for t in by_hour.values() {
            delta.add(t);
        }
        if delta != Sums::default() {
            let mut all = conn
                .prepare_cached(&format!("SELECT {ROLLUP_COLUMNS} FROM rollup_all"))?
                .query_row([], |row| {
                    let mut v = [0i64; 9];
                    for (i, c) in v.iter_mut().enumerate() {
                        *c = row.get(i)?;
                    }
                    Ok(v)
                })
                .optional()?
                .map(|v| Sums(v.map(i128::from)))
                .unwrap_or_default();
            all.add(&delta);
            let cols = all.columns().map_err(refused)?;
            let params: Vec<&dyn rusqlite::ToSql> =
                cols.iter().map(|v| v as &dyn rusqlite::ToSql).collect();
            conn.prepare_cached(
                "INSERT OR REPLACE INTO rollup_all VALUES (0, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(&*params)?;
        }
        ids.finish()?;
        let change = Change::of(&delta)?;
        let mut by_id = vec![""; names.len()];
        for (n, i) in &names {
            by_id[*i as usize] = n;
        }
        let set = store::ROLLUP_ADD;
        let mut by_day: FxHashMap<(i64, [u32; 5]), Sums> = FxHashMap::default();
        for ((hour, k), t) in &by_group {
            by_day.entry((hour.div_euclid(24), *k)).or_default().add(t);
        }
        for (table, unit, groups) in [
            ("rollup", "hour", &by_group),
            ("rollup_day", "day", &by_day),
        ] {
            let mut stmt = conn.prepare_cached(&format!(
                "INSERT INTO {table} VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, \
                 ?14, ?15) ON CONFLICT ({unit}, provider, model, user, project, org) DO UPDATE SET {set}"
            ))?;
            for ((at, k), t) in groups {
                let names = k.map(|i| by_id[i as usize]);
                let key = std::iter::once(at as &dyn rusqlite::ToSql)
                    .chain(names.iter().map(|n| n as &dyn rusqlite::ToSql));
                let sums = t.columns()?;
                stmt.execute(rusqlite::params_from_iter(
                    key.chain(sums.iter().map(|v| v as &dyn rusqlite::ToSql)),
                ))?;
            }
        }
        let mut hourly = conn.prepare_cached(&format!(
            "INSERT INTO rollup_hour VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) \
             ON CONFLICT (hour) DO UPDATE SET {set}"
        ))?;
        for (hour, t) in &by_hour {
            let sums = t.columns()?;
            hourly.execute(rusqlite::params_from_iter(
                std::iter::once(hour as &dyn rusqlite::ToSql)
                    .chain(sums.iter().map(|v| v as &dyn rusqlite::ToSql)),
            ))?;
        }
        Ok(change)
    }
}

/// What a [`Writer`] changed in the store's totals: requests added, and the cost and the count
/// of unpriced requests added (negative where replaced rows held more).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Change {
    pub requests: i64,
    pub cost_nanos: i64,
    pub unpriced: i64,
}

impl Change {
    fn of(delta: &Sums) -> anyhow::Result<Change> {
        // the totals before and after each fit in an i64 and are not negative: so does this
        let col =
            |i: usize| i64::try_from(delta.0[i]).map_err(|_| refused(OverLimit::Sum(SUM_NAMES[i])));
        Ok(Change {
            requests: col(0)?,
            cost_nanos: col(7)?,
            unpriced: col(8)?,
        })
    }
}

/// A write refused for a number past what the store takes: exit 2.
fn refused(e: OverLimit) -> anyhow::Error {
    let what = match e {
        OverLimit::Sum(_) => "these requests",
        _ => "a request",
    };
    crate::error::usage(format!("cannot record {what}: {e}"))
        .hint("nothing was recorded")
        .into()
}

/// The sums' columns of every rollup table, from `requests` to `unpriced`.
const ROLLUP_COLUMNS: &str = "requests, input, output, cache_read, cache_write_5m, \
    cache_write_1h, reasoning, cost_nanos, unpriced";

// ---- reading --------------------------------------------------------------------------------

/// Sums over a group of requests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub requests: i64,
    pub input: i64,
    pub output: i64,
    pub cache_read: i64,
    pub cache_write_5m: i64,
    pub cache_write_1h: i64,
    pub reasoning: i64,
    pub cost_nanos: i64,
    pub unpriced: i64,
}

impl Totals {
    /// Adds another group's sums. (The store keeps its totals within `i64`, so sums of its
    /// groups fit; this saturates rather than overflow on a store edited by hand.)
    pub fn add(&mut self, o: &Totals) {
        let mut cols = self.columns();
        for (a, b) in cols.iter_mut().zip(o.columns()) {
            *a = a.saturating_add(b);
        }
        *self = Totals::from_columns(cols);
    }

    fn from_columns(c: [i64; 9]) -> Totals {
        Totals {
            requests: c[0],
            input: c[1],
            output: c[2],
            cache_read: c[3],
            cache_write_5m: c[4],
            cache_write_1h: c[5],
            reasoning: c[6],
            cost_nanos: c[7],
            unpriced: c[8],
        }
    }

    /// The sums in the order of the rollup tables' columns, from `requests` to `unpriced`.
    fn columns(&self) -> [i64; 9] {
        [
            self.requests,
            self.input,
            self.output,
            self.cache_read,
            self.cache_write_5m,
            self.cache_write_1h,
            self.reasoning,
            self.cost_nanos,
            self.unpriced,
        ]
    }

    pub fn cache_write(&self) -> i64 {
        self.cache_write_5m.saturating_add(self.cache_write_1h)
    }

    /// Input + output + cache read + cache write (saturating).
    pub fn total_tokens(&self) -> i64 {
        self.input
            .saturating_add(self.output)
            .saturating_add(self.cache_read)
            .saturating_add(self.cache_write())
    }
}

/// What rows are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dim {
    /// Time buckets (their start, in ms); the caller maps them to days, weeks or months.
    Time,
    Provider,
    Model,
    User,
    Project,
    Org,
}

impl Dim {
    fn column(self) -> &'static str {
        match self {
            Dim::Time => "",
            Dim::Provider => "provider",
            Dim::Model => "model",
            Dim::User => "user",
            Dim::Project => "project",
            Dim::Org => "org",
        }
    }
}

/// Which requests a query (or a budget) covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Global,
    User(String),
    Project(String),
    Org(String),
}

impl Scope {
    /// `global`, `user:NAME`, `project:NAME`, `org:NAME`.
    pub fn parse(text: &str) -> Option<Scope> {
        if text == "global" {
            return Some(Scope::Global);
        }
        let (kind, name) = text.split_once(':')?;
        if name.is_empty() {
            return None;
        }
        match kind {
            "user" => Some(Scope::User(name.into())),
            "project" => Some(Scope::Project(name.into())),
            "org" => Some(Scope::Org(name.into())),
            _ => None,
        }
    }

    fn filter(&self) -> (&'static str, Option<&str>) {
        match self {
            Scope::Global => ("", None),
            Scope::User(n) => (" AND user = ?3", Some(n)),
            Scope::Project(n) => (" AND project = ?3", Some(n)),
            Scope::Org(n) => (" AND org = ?3", Some(n)),
        }
    }
}

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Scope::Global => f.write_str("global"),
            Scope::User(n) => write!(f, "user:{n}"),
            Scope::Project(n) => write!(f, "project:{n}"),
            Scope::Org(n) => write!(f, "org:{n}"),
        }
    }
}

/// A group's key: a bucket's start (ms) for [`Dim::Time`], else a name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Key {
    Time(i64),
    Name(String),
}

const SUMS: &str = "sum(input), sum(output), sum(cache_read), sum(cache_write_5m), \
    sum(cache_write_1h), sum(reasoning), sum(cost_nanos)";

fn read_totals(
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

fn floor_to(ms: i64, unit: i64) -> i64 {
    ms.div_euclid(unit) * unit
}

fn ceil_to(ms: i64, unit: i64) -> i64 {
    -(-ms).div_euclid(unit) * unit
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
    let mut out: HashMap<Key, Totals> = HashMap::new();
    if start >= end {
        return Ok(Vec::new());
    }
    let (inner_start, inner_end) = (ceil_to(start, HOUR_MS), floor_to(end, HOUR_MS));
    let use_rollup = (dim != Dim::Time || hour_buckets) && inner_start < inner_end;
    let (filter, value) = scope.filter();
    // every query below gives the columns: key, requests, unpriced, then SUMS
    let raw_key = match dim {
        Dim::Time if hour_buckets => "ts / 3600000 * 3600000",
        Dim::Time => "ts / 60000 * 60000",
        d => d.column(),
    };
    let raw = format!(
        "SELECT {raw_key}, count(*), sum(cost_source = 'unpriced'), {SUMS} FROM requests \
         WHERE ts >= ?1 AND ts < ?2{filter} GROUP BY 1"
    );
    // a rollup `table` whose time column `unit` counts `unit_ms` from the epoch
    let rollup = |table: &str, unit: &str, unit_ms: i64| {
        let key = match dim {
            Dim::Time => format!("{unit} * {unit_ms}"),
            d => d.column().to_string(),
        };
        format!(
            "SELECT {key}, sum(requests), sum(unpriced), {SUMS} FROM {table} \
             WHERE {unit} >= ?1 / {unit_ms} AND {unit} < ?2 / {unit_ms}{filter} GROUP BY 1"
        )
    };
    let mut sum = |sql: &str, s: i64, e: i64| -> rusqlite::Result<()> {
        if s >= e {
            return Ok(());
        }
        let mut stmt = conn.prepare_cached(sql)?;
        let mut rows = match value {
            Some(v) => stmt.query(params![s, e, v])?,
            None => stmt.query(params![s, e])?,
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
        Ok(())
    };
    if use_rollup {
        sum(&raw, start, inner_start)?;
        if dim == Dim::Time {
            // everything, by hour: the small table
            let table = if *scope == Scope::Global {
                "rollup_hour"
            } else {
                "rollup"
            };
            sum(&rollup(table, "hour", HOUR_MS), inner_start, inner_end)?;
        } else {
            // whole UTC days from the day rollup, the hours around them from the hour rollup
            let hours = rollup("rollup", "hour", HOUR_MS);
            let (day_start, day_end) = (ceil_to(inner_start, DAY_MS), floor_to(inner_end, DAY_MS));
            if day_start < day_end {
                sum(&hours, inner_start, day_start)?;
                sum(&rollup("rollup_day", "day", DAY_MS), day_start, day_end)?;
                sum(&hours, day_end, inner_end)?;
            } else {
                sum(&hours, inner_start, inner_end)?;
            }
        }
        sum(&raw, inner_end, end)?;
    } else {
        sum(&raw, start, end)?;
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
        "SELECT provider, model, sum(requests), sum(unpriced), {SUMS} FROM rollup_day \
         GROUP BY 1, 2 ORDER BY 1, 2"
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
    let (filter, value) = scope.filter();
    let sql = format!("SELECT max(cost_nanos) FROM requests WHERE ts >= ?1 AND ts < ?2{filter}");
    let v: Option<i64> = match value {
        Some(v) => conn.query_row(&sql, params![start, end, v], |r| r.get(0))?,
        None => conn.query_row(&sql, params![start, end], |r| r.get(0))?,
    };
    Ok(v.unwrap_or(0))
}

/// Calls `f` for every request in `[start, end)`, oldest first, one row at a time.
pub fn each_request(
    conn: &Connection,
    start: i64,
    end: i64,
    mut f: impl FnMut(&Request) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {INSERT_COLUMNS} FROM requests WHERE ts >= ?1 AND ts < ?2 ORDER BY ts, id"
    ))?;
    let mut rows = stmt.query(params![start, end])?;
    while let Some(row) = rows.next()? {
        let u = |i: usize| -> rusqlite::Result<u64> { Ok(row.get::<_, i64>(i)?.max(0) as u64) };
        let r = Request {
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
        };
        f(&r)?;
    }
    Ok(())
}

/// How many requests the store holds.
pub fn count(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT count(*) FROM requests", [], |r| r.get(0))
}

/// Is there at least one budget? (A cheap check before evaluating them.)
pub fn has_budgets(conn: &Connection) -> rusqlite::Result<bool> {
    Ok(conn
        .query_row("SELECT 1 FROM budgets LIMIT 1", [], |r| r.get::<_, i64>(0))
        .optional()?
        .is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A request `id` of source `jsonl` with `input` tokens (also used by the store's tests).
    pub(super) fn request(id: &str, input: u64) -> Request {
        Request {
            ts_ms: 1_770_000_000_000,
            provider: "p".into(),
            model: "m".into(),
            user: "u".into(),
            project: "j".into(),
            org: String::new(),
            session: None,
            source: "jsonl".into(),
            request_id: Some(id.into()),
            tokens: Tokens {
                input,
                ..Tokens::default()
            },
            reasoning: 0,
            cost_nanos: 0,
            cost_source: CostSource::Given,
            price_version: None,
            latency_ms: None,
            success: true,
        }
    }

    /// Two request ids whose hashes meet: the second is kept at the next number, and found
    /// there again when it is recorded a second time.
    #[test]
    fn request_ids_with_the_same_hash_are_kept_apart() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("usage.db")).unwrap();
        let slot = rid_slot("jsonl", "b");
        // a row for id `a` where `b`'s hash points, as if their hashes were the same
        store
            .write(|tx| {
                let mut w = Writer::new(tx, false)?;
                assert_eq!(w.write(&request("a", 1))?, Written::Added);
                w.finish()?;
                tx.execute(
                    "UPDATE rid_recent SET rid = ?1 WHERE rid = ?2",
                    [slot, rid_slot("jsonl", "a")],
                )?;
                tx.execute(
                    "UPDATE requests SET rid = ?1 WHERE request_id = 'a'",
                    [slot],
                )?;
                Ok(())
            })
            .unwrap();
        for (input, expected) in [(10, Written::Added), (20, Written::Existing)] {
            let written = store
                .write(|tx| {
                    let mut w = Writer::new(tx, false)?;
                    let written = w.write(&request("b", input))?;
                    w.finish()?;
                    Ok(written)
                })
                .unwrap();
            assert_eq!(written, expected);
        }
        let rows: Vec<(String, i64, i64)> = store
            .conn()
            .prepare("SELECT request_id, rid, input FROM requests ORDER BY request_id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        assert_eq!(
            rows,
            [
                ("a".to_string(), slot, 1),
                ("b".to_string(), slot.wrapping_add(1), 20)
            ]
        );
        let t = total(store.conn(), 0, i64::MAX, &Scope::Global).unwrap();
        assert_eq!((t.requests, t.input), (2, 21));
    }

    /// Batches of every size, with ids repeated inside a batch and across batches, against a
    /// map of what each id last held: every id is found again wherever its rid was put (the
    /// recent table, a run of its own, a merged run), and runs are merged as they come.
    /// (Under `cfg(test)` a run is 40 ids, and the recent table holds 100.)
    #[test]
    fn request_ids_are_found_again_in_every_part_of_the_index() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("usage.db")).unwrap();
        let mut expected: HashMap<String, u64> = HashMap::new();
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |n: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % n
        };
        for batch in 0..60u64 {
            let size = [1, 3, 30, 45, 130, 2][batch as usize % 6];
            let rows: Vec<(String, u64)> = (0..size)
                .map(|_| (format!("id-{}", next(900)), next(1000)))
                .collect();
            let written = store
                .write(|tx| {
                    let mut w = Writer::new(tx, false)?;
                    let mut out = Vec::new();
                    for (id, input) in &rows {
                        out.push(w.write(&request(id, *input))?);
                    }
                    w.finish()?;
                    Ok(out)
                })
                .unwrap();
            for ((id, input), written) in rows.iter().zip(written) {
                let was = expected.insert(id.clone(), *input);
                let want = if was.is_some() {
                    Written::Existing
                } else {
                    Written::Added
                };
                assert_eq!(written, want, "batch {batch}, id {id}");
            }
        }
        let conn = store.conn();
        let rows: HashMap<String, u64> = conn
            .prepare("SELECT request_id, input FROM requests")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        assert_eq!(rows, expected);
        let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
        assert_eq!(
            count("SELECT count(*) FROM requests"),
            expected.len() as i64
        );
        // every id is in one place: the recent table, or one run
        assert_eq!(
            count("SELECT sum(keys) FROM rid_runs"),
            expected.len() as i64
        );
        assert_eq!(
            count("SELECT keys FROM rid_runs WHERE run = 0"),
            count("SELECT count(*) FROM rid_recent")
        );
        let runs = count("SELECT count(*) FROM rid_runs WHERE run > 0");
        assert!((1..=6).contains(&runs), "{runs} runs");
        let t = total(conn, 0, i64::MAX, &Scope::Global).unwrap();
        assert_eq!(t.input as u64, expected.values().sum::<u64>());
    }

    /// A batch that says which rows repeat an id, as `record --jsonl`'s reading thread does:
    /// repeats replace the first row, ids stored before are found, and a hash shared with a
    /// stored id (forced here) moves the new id to the next number, for the rest of the batch.
    #[test]
    fn a_batch_finds_its_repeats_and_the_stored_ids() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("usage.db")).unwrap();
        let slot = |id: &str| rid_slot("jsonl", id);
        let mut batch = |rows: Vec<(&str, i64, Option<usize>, u64)>| -> Vec<Written> {
            store
                .write(|tx| {
                    let mut w = Writer::new(tx, false)?;
                    let mut counted = Rollups::default();
                    let mut out = Vec::new();
                    for (id, rid, first, input) in &rows {
                        let r = request(id, *input);
                        counted.add(&r);
                        let b = Batched {
                            rid: Some(*rid),
                            first: *first,
                        };
                        out.push(w.write_batched(&r, &b)?);
                    }
                    w.absorb(counted);
                    w.finish()?;
                    Ok(out)
                })
                .unwrap()
        };
        use Written::{Added, Existing};
        // no shared hash: repeats and stored ids are found through what the batch says
        assert_eq!(batch(vec![("a", slot("a"), None, 1)]), [Added]);
        assert_eq!(
            batch(vec![
                ("x", slot("x"), None, 2),
                ("y", slot("y"), None, 3),
                ("x", slot("x"), Some(0), 4),
                ("a", slot("a"), None, 5),
            ]),
            [Added, Added, Existing, Existing]
        );
        // `b` with `a`'s hash: kept at the next number, then found again
        assert_eq!(
            batch(vec![
                ("b", slot("a"), None, 6),
                ("c", slot("c"), None, 7),
                ("c", slot("c"), Some(1), 8),
                ("b", slot("a"), Some(0), 9),
                ("a", slot("a"), Some(0), 10),
            ]),
            [Added, Added, Existing, Existing, Existing]
        );
        let rows: Vec<(String, i64, i64)> = store
            .conn()
            .prepare("SELECT request_id, rid, input FROM requests ORDER BY request_id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        let row = |id: &str, rid: i64, input: i64| (id.to_string(), rid, input);
        assert_eq!(
            rows,
            [
                row("a", slot("a"), 10),
                row("b", slot("a").wrapping_add(1), 9),
                row("c", slot("c"), 8),
                row("x", slot("x"), 4),
                row("y", slot("y"), 3),
            ]
        );
        let t = total(store.conn(), 0, i64::MAX, &Scope::Global).unwrap();
        assert_eq!((t.requests, t.input), (5, 10 + 9 + 8 + 4 + 3));
    }
}

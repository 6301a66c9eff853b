//! The usage ledger: one row per request, rollups by hour and day, budgets, import progress,
//! and the tool calls of `mcp serve`, behind the [`Ledger`] trait (see [`ledger`]): SQLite by
//! default ([`sqlite`]), PostgreSQL for a team ([`postgres`]). Returns plain structs; prints
//! nothing.

use rustc_hash::FxHashMap;

use crate::pricing::{PriceBook, Tokens};

pub mod budget;
pub mod calls;
pub mod import;
pub mod ingest;
pub mod jsonl;
pub mod ledger;
pub mod machine;
pub(crate) mod plan;
pub mod postgres;
pub mod report;
pub mod sqlite;
pub mod sync;

pub use ledger::{Db, DbLocation, Ledger, OpenMode, open};
pub use sqlite::default_path;

pub(crate) const HOUR_MS: i64 = 3_600_000;
pub(crate) const DAY_MS: i64 = 24 * HOUR_MS;

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

    /// [`CostSource::as_str`] behind a `'static` reference, for parameter lists.
    pub(crate) fn as_str_ref(self) -> &'static &'static str {
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

/// What writing one request did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    Added,
    /// The same request id was there: the row was replaced (or, for imports, kept when larger).
    Existing,
}

/// What the thread that reads a batch knows of one request (see [`ingest`]).
pub struct Batched {
    /// Its [`rid_slot`].
    pub rid: Option<i64>,
    /// The place in the batch (from 0) of the first request with the same `rid`, when this is
    /// not the first.
    pub first: Option<usize>,
}

/// The sums of [`Totals`] while they are added up in memory, wide enough that no batch can
/// overflow them (a row taken out is a negative sum); checked when they are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Sums(pub(crate) [i128; 9]);

/// The names of the columns of [`Sums`], as a user knows them.
pub(crate) const SUM_NAMES: [&str; 9] = [
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
    pub(crate) fn add(&mut self, o: &Sums) {
        for (a, b) in self.0.iter_mut().zip(o.0) {
            *a += b;
        }
    }

    pub(crate) fn negated(&self) -> Sums {
        Sums(self.0.map(|v| -v))
    }

    /// Input + output + cache read + cache write.
    pub(crate) fn total_tokens(&self) -> i128 {
        self.0[1] + self.0[2] + self.0[3] + self.0[4] + self.0[5]
    }

    pub(crate) fn of(t: &Totals) -> Sums {
        Sums(t.columns().map(i128::from))
    }

    /// The sums as `i64` columns, or the first that does not fit.
    pub(crate) fn columns(&self) -> Result<[i64; 9], OverLimit> {
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
    pub(crate) names: FxHashMap<String, u32>,
    pub(crate) by_group: FxHashMap<(i64, [u32; 5]), Sums>,
    pub(crate) by_hour: FxHashMap<i64, Sums>,
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
    pub(crate) fn tally(&mut self, ts_ms: i64, group: [&str; 5], t: &Sums) {
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
    pub(crate) fn absorb(&mut self, other: Rollups) {
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
pub(crate) fn sums(r: &Request) -> Sums {
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

/// What a write changed in the store's totals: requests added, and the cost and the count
/// of unpriced requests added (negative where replaced rows held more).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Change {
    pub requests: i64,
    pub cost_nanos: i64,
    pub unpriced: i64,
}

impl Change {
    pub(crate) fn of(delta: &Sums) -> anyhow::Result<Change> {
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
pub(crate) fn refused(e: OverLimit) -> anyhow::Error {
    let what = match e {
        OverLimit::Sum(_) => "these requests",
        _ => "a request",
    };
    crate::error::usage(format!("cannot record {what}: {e}"))
        .hint("nothing was recorded")
        .into()
}

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

    pub(crate) fn from_columns(c: [i64; 9]) -> Totals {
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
    pub(crate) fn columns(&self) -> [i64; 9] {
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
    /// The machine that recorded the request (see [`machine`]).
    Machine,
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A request `id` of source `jsonl` with `input` tokens (also used by the store's tests).
    pub(crate) fn request(id: &str, input: u64) -> Request {
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
}

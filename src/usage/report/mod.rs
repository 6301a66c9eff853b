//! `tokens report`: trend, forecast, model comparison, cache economics, anomalies and
//! recommendations, computed from plain inputs (the store's day × model × user × project sums,
//! one pass over the window's requests, the price table and the budgets) with the clock given.
//! Money stays in nano-dollars until it is shown. Nothing here reads the store or the clock:
//! [`sqlite`] gathers the inputs.

use std::collections::HashMap;

use jiff::civil::Date;
use rustc_hash::FxHashMap;
use serde::Serialize;

use super::Totals;
use super::budget::{Budget, Period};
use crate::pricing::{ModelPrice, PriceBook, Tokens, Usd};

pub mod blocks;

const DAY_MS: i64 = 86_400_000;

/// The days before a day that are its baseline for anomalies.
pub const BASELINE_DAYS: usize = 7;
/// A day is an anomaly when its spend passes the baseline's median by more than this many
/// median absolute deviations (the deviation counted as at least a tenth of the median).
pub const MAD_K: i64 = 3;
/// A request with at most this many output tokens is a "short output" for recommendations.
pub const SHORT_OUTPUT: u64 = 200;
/// The forecast's weights for the last complete days, oldest first (yesterday weighs 7).
pub const RATE_DAYS: usize = 7;

pub const FORECAST_METHOD: &str = "month to date, plus the weighted mean daily cost of the last 7 \
    complete days (weights 1 to 7, yesterday weighing most) times the days left; the range is that \
    rate minus and plus the standard deviation of those 7 days";

pub const ANOMALY_RULE: &str = "spend on a day above the median of its own previous 7 days by more \
    than 3 times their median absolute deviation (counted as at least 10% of the median); days \
    without spend in their baseline are not judged";

/// One group of the store's sums: a local day and the names it is grouped by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub day: Date,
    pub provider: String,
    pub model: String,
    pub user: String,
    pub project: String,
    pub totals: Totals,
}

/// What one pass over the window's requests learned (see [`Pass`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    /// By model: requests with a latency, their latency sum (ms), failed requests.
    pub models: HashMap<String, ModelFacts>,
    /// Cache writes never read again within their lifetime, by session.
    pub unread: Unread,
    /// Short-output requests on a model with a cheaper one of the same provider, by model.
    pub short: Vec<Short>,
    /// Requests seen.
    pub requests: i64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ModelFacts {
    pub timed: i64,
    pub latency_ms_sum: i64,
    pub failed: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Unread {
    pub writes: i64,
    pub tokens: i64,
    pub nanos: i64,
    pub sessions: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Short {
    pub provider: String,
    pub model: String,
    pub cheaper: String,
    pub requests: i64,
    pub cost_nanos: i64,
    pub cheaper_nanos: i64,
}

/// One request, as the pass needs it (borrowed from the store's row).
pub struct PassRow<'a> {
    pub ts_ms: i64,
    pub provider: &'a str,
    pub model: &'a str,
    pub session: Option<&'a str>,
    pub tokens: Tokens,
    pub cost_nanos: i64,
    pub unpriced: bool,
    pub latency_ms: Option<u64>,
    pub success: bool,
}

/// A cache write waiting for a read: when it expires, what it cost.
struct Pending {
    expires: i64,
    tokens: i64,
    nanos: i64,
}

#[derive(Default)]
struct SessionState {
    pending: Vec<Pending>,
    unread: bool,
}

/// The price of a model and the cheaper model of its provider, found once.
struct Priced {
    price: Option<ModelPrice>,
    cheaper: Option<ModelPrice>,
}

impl Priced {
    fn of(book: &PriceBook, provider: &str, model: &str) -> Priced {
        let price = book.price(provider, model).cloned();
        let cheaper = price.as_ref().and_then(|p| cheaper_model(book, p));
        Priced { price, cheaper }
    }
}

/// The cheaper model of the same provider that a short request could have used: among the
/// price table's models of the provider, the dearest whose input + output price is at most half
/// this model's (one tier down, not the cheapest of all). From the price book (the user's
/// `--pricing` file over the built-in table), never a list of names.
pub fn cheaper_model(book: &PriceBook, price: &ModelPrice) -> Option<ModelPrice> {
    let blend = |p: &ModelPrice| p.base.input as i128 + p.base.output as i128;
    let own = blend(price);
    if own <= 0 {
        return None;
    }
    book.models()
        .filter(|m| m.provider.eq_ignore_ascii_case(&price.provider) && m.id != price.id)
        .filter(|m| blend(m) > 0 && blend(m) * 2 <= own)
        .max_by(|a, b| blend(a).cmp(&blend(b)).then(b.id.cmp(&a.id)))
        .cloned()
}

/// One pass over the window's requests, oldest first: latency and failures by model, cache
/// writes never read, and what short outputs on dear models cost against a cheaper one.
pub struct Pass<'b> {
    book: &'b PriceBook,
    end_ms: i64,
    prices: FxHashMap<String, Priced>,
    key: String,
    sessions: FxHashMap<String, SessionState>,
    facts: Facts,
    short: ShortSums,
}

impl<'b> Pass<'b> {
    /// `end_ms`: the window's end (or now, if sooner): a write still alive then is not judged.
    pub fn new(book: &'b PriceBook, end_ms: i64) -> Self {
        Pass {
            book,
            end_ms,
            prices: FxHashMap::default(),
            key: String::new(),
            sessions: FxHashMap::default(),
            facts: Facts::default(),
            short: ShortSums::default(),
        }
    }

    pub fn add(&mut self, r: &PassRow<'_>) {
        self.facts.requests += 1;
        self.add_model(r.model, r.latency_ms, r.success);
        self.add_short(r);
        self.add_cache(r);
    }

    /// Notes a request's latency and failure for its model.
    pub fn add_model(&mut self, model: &str, latency_ms: Option<u64>, success: bool) {
        if let Some(f) = self.facts.models.get_mut(model) {
            note(f, latency_ms, success);
        } else {
            let mut f = ModelFacts::default();
            note(&mut f, latency_ms, success);
            self.facts.models.insert(model.to_string(), f);
        }
    }

    /// Adds a model's latencies and failures summed by the store (as [`Pass::add_model`] for
    /// each of its requests).
    pub fn add_model_facts(&mut self, model: &str, f: &ModelFacts) {
        let m = self.facts.models.entry(model.to_string()).or_default();
        m.timed += f.timed;
        m.latency_ms_sum = m.latency_ms_sum.saturating_add(f.latency_ms_sum);
        m.failed += f.failed;
    }

    /// The price of a model and its cheaper one, found once; `self.key` is left holding
    /// `provider \0 model`.
    fn priced(&mut self, provider: &str, model: &str) -> &Priced {
        self.key.clear();
        self.key.push_str(provider);
        self.key.push('\0');
        self.key.push_str(model);
        if !self.prices.contains_key(self.key.as_str()) {
            let priced = Priced::of(self.book, provider, model);
            self.prices.insert(self.key.clone(), priced);
        }
        &self.prices[self.key.as_str()]
    }

    /// A request with a short output on a model with a cheaper one: what it cost, and what it
    /// would have cost there.
    pub fn add_short(&mut self, r: &PassRow<'_>) {
        if r.tokens.output > SHORT_OUTPUT || !r.success || r.unpriced {
            return;
        }
        let book = self.book;
        self.short
            .add(book, r.provider, r.model, &r.tokens, r.cost_nanos, 1);
    }

    /// Adds the short requests a store added up itself (see [`ShortSums`]).
    pub fn add_short_sums(&mut self, sums: ShortSums) {
        let book = self.book;
        self.short.merge(book, sums);
    }

    /// A request's cache writes and reads, by session.
    pub fn add_cache(&mut self, r: &PassRow<'_>) {
        let Some(session) = r.session else { return };
        let writes = r.tokens.cache_write_5m > 0 || r.tokens.cache_write_1h > 0;
        if !writes && r.tokens.cache_read == 0 && !self.sessions.contains_key(session) {
            return;
        }
        let write_rates = self
            .priced(r.provider, r.model)
            .price
            .as_ref()
            .map(|p| *p.rates_for(&r.tokens));
        let state = match self.sessions.get_mut(session) {
            Some(s) => s,
            None => self.sessions.entry(session.to_string()).or_default(),
        };
        // writes whose lifetime ended before this request were never read
        let mut unread = Unread::default();
        state.pending.retain(|p| {
            if p.expires < r.ts_ms {
                unread.writes += 1;
                unread.tokens += p.tokens;
                unread.nanos += p.nanos;
                false
            } else {
                true
            }
        });
        if r.tokens.cache_read > 0 {
            state.pending.clear();
        }
        if unread.writes > 0 {
            add_unread(&mut self.facts.unread, &unread, &mut state.unread);
        }
        if let Some(rates) = write_rates {
            for (tokens, rate, life) in [
                (r.tokens.cache_write_5m, rates.cache_write_5m, LIFE_5M),
                (r.tokens.cache_write_1h, rates.cache_write_1h, LIFE_1H),
            ] {
                if tokens > 0 {
                    state.pending.push(pending(r.ts_ms + life, tokens, rate));
                }
            }
        }
    }

    /// A cache write known never to be read (a store's mark, judged by the store: its lifetime
    /// ended before the pass's end, or a later request of its session came after it ended), in
    /// place of following its session through [`Pass::add_cache`]. `one_hour`: the 1-hour
    /// write of the request, else its 5-minute one.
    pub fn add_unread_write(
        &mut self,
        session: &str,
        provider: &str,
        model: &str,
        tokens: &Tokens,
        one_hour: bool,
    ) {
        let Some(rates) = self
            .priced(provider, model)
            .price
            .as_ref()
            .map(|p| *p.rates_for(tokens))
        else {
            return;
        };
        let (n, rate) = if one_hour {
            (tokens.cache_write_1h, rates.cache_write_1h)
        } else {
            (tokens.cache_write_5m, rates.cache_write_5m)
        };
        if n == 0 {
            return;
        }
        let p = pending(0, n, rate);
        let state = match self.sessions.get_mut(session) {
            Some(s) => s,
            None => self.sessions.entry(session.to_string()).or_default(),
        };
        let u = Unread {
            writes: 1,
            tokens: p.tokens,
            nanos: p.nanos,
            sessions: 0,
        };
        add_unread(&mut self.facts.unread, &u, &mut state.unread);
    }

    /// Sets the count of requests seen (when the store gave only some of them).
    pub fn set_requests(&mut self, n: i64) {
        self.facts.requests = n;
    }

    pub fn finish(mut self) -> Facts {
        let end = self.end_ms;
        for state in self.sessions.values_mut() {
            let mut unread = Unread::default();
            for p in state.pending.iter().filter(|p| p.expires < end) {
                unread.writes += 1;
                unread.tokens += p.tokens;
                unread.nanos += p.nanos;
            }
            if unread.writes > 0 {
                add_unread(&mut self.facts.unread, &unread, &mut state.unread);
            }
        }
        let mut short = self.short.into_shorts();
        short.sort_by(|a, b| {
            (b.cost_nanos - b.cheaper_nanos)
                .cmp(&(a.cost_nanos - a.cheaper_nanos))
                .then(a.model.cmp(&b.model))
        });
        self.facts.short = short;
        self.facts
    }
}

/// What a short request that cost `cost_nanos` on a model priced `price` would have cost on
/// `cheaper`: its cost scaled by the two models' prices for its tokens (so that a given cost is
/// compared like for like), at most what it cost.
fn cost_on_cheaper(
    price: Option<&ModelPrice>,
    cheaper: &ModelPrice,
    tokens: &Tokens,
    cost_nanos: i64,
) -> i64 {
    let own = price.map_or(0, |p| p.cost(tokens)).max(1);
    let other = (cost_nanos as i128 * cheaper.cost(tokens) / own).clamp(0, i64::MAX as i128) as i64;
    other.min(cost_nanos)
}

/// The short-output requests of a store's scan added up by model, as [`Pass::add_short`] adds
/// them one by one: each model's prices are found once, then each row is arithmetic only. Two
/// scans of parts of a window (on two threads) add up with [`ShortSums::merge`].
#[derive(Default)]
pub struct ShortSums {
    slots: Vec<ShortSlot>,
}

struct ShortSlot {
    provider: String,
    model: String,
    priced: Priced,
    requests: i64,
    cost_nanos: i64,
    cheaper_nanos: i64,
}

impl ShortSums {
    fn slot(&mut self, book: &PriceBook, provider: &str, model: &str) -> &mut ShortSlot {
        // a window has few models: a scan of them is cheaper than hashing two names a row
        let i = match self
            .slots
            .iter()
            .position(|s| s.model == model && s.provider == provider)
        {
            Some(i) => i,
            None => {
                self.slots.push(ShortSlot {
                    provider: provider.to_string(),
                    model: model.to_string(),
                    priced: Priced::of(book, provider, model),
                    requests: 0,
                    cost_nanos: 0,
                    cheaper_nanos: 0,
                });
                self.slots.len() - 1
            }
        };
        &mut self.slots[i]
    }

    /// Adds `n` requests alike (a short output, succeeded, priced) of these tokens and cost.
    pub fn add(
        &mut self,
        book: &PriceBook,
        provider: &str,
        model: &str,
        tokens: &Tokens,
        cost_nanos: i64,
        n: i64,
    ) {
        if tokens.output > SHORT_OUTPUT || n <= 0 {
            return;
        }
        let s = self.slot(book, provider, model);
        let Some(cheaper) = &s.priced.cheaper else {
            return;
        };
        let other = cost_on_cheaper(s.priced.price.as_ref(), cheaper, tokens, cost_nanos);
        s.requests += n;
        s.cost_nanos = s.cost_nanos.saturating_add(cost_nanos.saturating_mul(n));
        s.cheaper_nanos = s.cheaper_nanos.saturating_add(other.saturating_mul(n));
    }

    /// Adds the sums of another scan.
    pub fn merge(&mut self, book: &PriceBook, other: ShortSums) {
        for o in other.slots {
            let s = self.slot(book, &o.provider, &o.model);
            s.requests += o.requests;
            s.cost_nanos = s.cost_nanos.saturating_add(o.cost_nanos);
            s.cheaper_nanos = s.cheaper_nanos.saturating_add(o.cheaper_nanos);
        }
    }

    /// The models with a cheaper one that short requests went to, with their sums.
    fn into_shorts(self) -> Vec<Short> {
        self.slots
            .into_iter()
            .filter_map(|s| {
                let cheaper = s.priced.cheaper?;
                (s.requests > 0).then_some(Short {
                    provider: s.provider,
                    model: s.model,
                    cheaper: cheaper.id,
                    requests: s.requests,
                    cost_nanos: s.cost_nanos,
                    cheaper_nanos: s.cheaper_nanos,
                })
            })
            .collect()
    }
}

/// How long a cache write lives: 5 minutes, or an hour.
pub const LIFE_5M: i64 = 5 * 60_000;
pub const LIFE_1H: i64 = 60 * 60_000;

/// A write of `tokens` at `rate` (pico-dollars a token), expiring at `expires`.
fn pending(expires: i64, tokens: u64, rate: i64) -> Pending {
    Pending {
        expires,
        tokens: tokens.min(i64::MAX as u64) as i64,
        nanos: (tokens as i128 * rate as i128 / 1000).min(i64::MAX as i128) as i64,
    }
}

fn note(f: &mut ModelFacts, latency_ms: Option<u64>, success: bool) {
    if let Some(l) = latency_ms {
        f.timed += 1;
        f.latency_ms_sum = f
            .latency_ms_sum
            .saturating_add(l.min(i64::MAX as u64) as i64);
    }
    if !success {
        f.failed += 1;
    }
}

fn add_unread(total: &mut Unread, add: &Unread, counted: &mut bool) {
    total.writes += add.writes;
    total.tokens += add.tokens;
    total.nanos += add.nanos;
    if !*counted {
        *counted = true;
        total.sessions += 1;
    }
}

/// The MCP side of recommendations: servers' tool-definition footprints and tools never called.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct McpInput {
    /// (server, tokens of its tool definitions), from `.mcp.tools.json`.
    pub footprints: Vec<(String, u64)>,
    /// `SERVER__TOOL` names never called in the window, when the gateway recorded calls.
    pub never_called: Option<Vec<String>>,
}

// ---- what the ledger gives: the defaults of the `Ledger` methods, through `each_request`
// (correct for any store; the SQLite store answers from its rollups instead) -----------------

/// Adds a store's sums, by time bucket and names, into [`Cell`]s by local day. Names are
/// kept once each and groups keyed by their numbers: a row costs no allocation.
pub struct CellSums {
    tz: jiff::tz::TimeZone,
    ids: FxHashMap<String, u32>,
    names: Vec<String>,
    out: FxHashMap<(Date, [u32; 4]), Totals>,
    dates: FxHashMap<i64, Date>,
    last: Option<(i64, Date)>,
}

impl CellSums {
    pub fn new(tz: &jiff::tz::TimeZone) -> Self {
        CellSums {
            tz: tz.clone(),
            ids: FxHashMap::default(),
            names: Vec::new(),
            out: FxHashMap::default(),
            dates: FxHashMap::default(),
            last: None,
        }
    }

    fn id(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.ids.get(name) {
            return i;
        }
        let i = self.names.len() as u32;
        self.names.push(name.to_string());
        self.ids.insert(name.to_string(), i);
        i
    }

    /// Adds the sums of one group: its bucket's start (ms) and provider, model, user, project.
    pub fn add(&mut self, bucket_ms: i64, names: [&str; 4], t: &Totals) -> anyhow::Result<()> {
        if t.requests == 0 {
            return Ok(()); // a group whose rows were all replaced by others
        }
        // rows come in time order mostly: the last bucket's day is kept at hand
        let day = match self.last {
            Some((b, d)) if b == bucket_ms => d,
            _ => {
                let d = match self.dates.get(&bucket_ms) {
                    Some(d) => *d,
                    None => {
                        let d = jiff::Timestamp::from_millisecond(bucket_ms)?
                            .to_zoned(self.tz.clone())
                            .date();
                        self.dates.insert(bucket_ms, d);
                        d
                    }
                };
                self.last = Some((bucket_ms, d));
                d
            }
        };
        let ids = names.map(|n| self.id(n));
        self.out.entry((day, ids)).or_default().add(t);
        Ok(())
    }

    /// The cells, by day and names.
    pub fn finish(self) -> Vec<Cell> {
        let name = |i: u32| self.names[i as usize].clone();
        let mut v: Vec<Cell> = self
            .out
            .iter()
            .map(|(&(day, [p, m, u, j]), totals)| Cell {
                day,
                provider: name(p),
                model: name(m),
                user: name(u),
                project: name(j),
                totals: *totals,
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
        v
    }
}

/// [`super::Ledger::report_cells`] from every request of the window.
pub fn cells_from_requests(
    ledger: &(impl super::Ledger + ?Sized),
    start: i64,
    end: i64,
    tz: &jiff::tz::TimeZone,
) -> anyhow::Result<Vec<Cell>> {
    let mut cells = CellSums::new(tz);
    ledger.each_request(start, end, &mut |r| {
        let n = |v: u64| v.min(i64::MAX as u64) as i64;
        let t = Totals {
            requests: 1,
            input: n(r.tokens.input),
            output: n(r.tokens.output),
            cache_read: n(r.tokens.cache_read),
            cache_write_5m: n(r.tokens.cache_write_5m),
            cache_write_1h: n(r.tokens.cache_write_1h),
            reasoning: n(r.reasoning),
            cost_nanos: r.cost_nanos,
            unpriced: i64::from(r.cost_source == super::CostSource::Unpriced),
        };
        cells.add(r.ts_ms, [&r.provider, &r.model, &r.user, &r.project], &t)
    })?;
    Ok(cells.finish())
}

/// [`super::Ledger::report_pass`] from every request of the window.
pub fn pass_from_requests(
    ledger: &(impl super::Ledger + ?Sized),
    start: i64,
    end: i64,
    f: &mut dyn FnMut(&PassRow<'_>),
) -> anyhow::Result<()> {
    ledger.each_request(start, end, &mut |r| {
        f(&PassRow {
            ts_ms: r.ts_ms,
            provider: &r.provider,
            model: &r.model,
            session: r.session.as_deref(),
            tokens: r.tokens,
            cost_nanos: r.cost_nanos,
            unpriced: r.cost_source == super::CostSource::Unpriced,
            latency_ms: r.latency_ms,
            success: r.success,
        });
        Ok(())
    })
}

/// What [`build`] needs.
pub struct Input<'a> {
    pub since_ms: i64,
    pub until_ms: i64,
    pub time_zone: String,
    /// Every day of the window, in order.
    pub days: Vec<Date>,
    /// The store's sums by day and names, from [`BASELINE_DAYS`] before the window (and the
    /// month, and the week before today) to its end.
    pub cells: Vec<Cell>,
    /// The previous window of the same length.
    pub previous: Totals,
    /// The breakdown (`--by`): its name, and each key's sums now and in the previous window.
    pub by: &'static str,
    pub breakdown: Vec<(String, Totals, Totals)>,
    /// Today, the month's first and last day, and the time left in the month (ms).
    pub today: Date,
    pub month_first: Date,
    pub month_last: Date,
    pub month_left_ms: i64,
    pub budgets: Vec<Budget>,
    pub facts: Facts,
    pub book: &'a PriceBook,
    pub mcp: McpInput,
}

// ---- the report (the JSON document of `tokens report --format json`) ------------------------

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub window: WindowJson,
    pub totals: TotalsJson,
    pub previous: TotalsJson,
    pub change_percent: Change,
    pub daily: Vec<Day>,
    pub forecast: Forecast,
    pub breakdown: Breakdown,
    pub models: Vec<ModelRow>,
    pub cache: Cache,
    pub anomalies: Vec<Anomaly>,
    pub anomaly_rule: &'static str,
    pub recommendations: Vec<Recommendation>,
    pub unpriced_models: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct WindowJson {
    pub since: String,
    pub until: String,
    pub days: usize,
    pub time_zone: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TotalsJson {
    pub requests: i64,
    pub input_tokens: i64,
    pub output_tokens: i64,
    pub cache_read_tokens: i64,
    pub cache_write_tokens: i64,
    pub total_tokens: i64,
    pub cost_usd: Usd,
    pub cost_per_request_usd: Option<Usd>,
    pub unpriced_requests: i64,
}

impl TotalsJson {
    pub fn of(t: &Totals) -> TotalsJson {
        TotalsJson {
            requests: t.requests,
            input_tokens: t.input,
            output_tokens: t.output,
            cache_read_tokens: t.cache_read,
            cache_write_tokens: t.cache_write(),
            total_tokens: t.total_tokens(),
            cost_usd: Usd(t.cost_nanos),
            cost_per_request_usd: per_request(t),
            unpriced_requests: t.unpriced,
        }
    }
}

fn per_request(t: &Totals) -> Option<Usd> {
    (t.requests > 0).then(|| Usd(div_round(t.cost_nanos as i128, t.requests as i128)))
}

/// Change in percent, one decimal; `None` when the previous value is 0.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub cost: Option<f64>,
    pub requests: Option<f64>,
    pub tokens: Option<f64>,
    pub cost_per_request: Option<f64>,
}

pub fn change(now: i64, before: i64) -> Option<f64> {
    (before != 0).then(|| ((now - before) as f64 * 1000.0 / before as f64).round() / 10.0)
}

#[derive(Debug, Clone, Serialize)]
pub struct Day {
    pub date: String,
    pub cost_usd: Usd,
    pub requests: i64,
    pub total_tokens: i64,
    /// Cost by model, dearest model of the window first; models without spend left out.
    pub models: Vec<ModelCost>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ModelCost {
    pub model: String,
    pub cost_usd: Usd,
}

#[derive(Debug, Clone, Serialize)]
pub struct Forecast {
    pub month: String,
    pub month_to_date_usd: Usd,
    pub month_end_usd: Usd,
    pub low_usd: Usd,
    pub high_usd: Usd,
    pub daily_rate_usd: Usd,
    pub daily_spread_usd: Usd,
    pub days_left: f64,
    pub method: &'static str,
    /// Every day of the month: spend so far (through today), then the forecast.
    pub cumulative: Vec<CumulativeDay>,
    pub budgets: Vec<BudgetForecast>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CumulativeDay {
    pub date: String,
    pub cost_usd: Usd,
    pub forecast: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct BudgetForecast {
    pub id: i64,
    pub period: &'static str,
    pub scope: String,
    pub limit_usd: Usd,
    /// Monthly: the day the month's spend passes the limit (already, or at the forecast rate).
    pub crossed_on: Option<String>,
    pub already_crossed: bool,
    /// Daily: the days of the window whose spend passed the limit.
    pub days_over: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Breakdown {
    pub by: &'static str,
    pub rows: Vec<BreakdownRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BreakdownRow {
    pub key: String,
    pub requests: i64,
    pub cost_usd: Usd,
    pub previous_usd: Usd,
    pub change_percent: Option<f64>,
    pub share: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ModelRow {
    pub model: String,
    pub provider: String,
    pub share: f64,
    pub cost_usd: Usd,
    pub cost_per_1k_output_usd: Option<Usd>,
    pub cost_per_request_usd: Option<Usd>,
    pub requests: i64,
    pub avg_input_tokens: i64,
    pub avg_output_tokens: i64,
    pub avg_cache_read_tokens: i64,
    pub avg_cache_write_tokens: i64,
    /// Failed requests over all, when any was recorded as failed.
    pub failure_share: Option<f64>,
    pub mean_latency_ms: Option<f64>,
    pub unpriced_requests: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Cache {
    /// Cache reads over every input token (input + cache read + cache write).
    pub hit_ratio: Option<f64>,
    /// What the cache reads would have cost at the full input price, minus what they cost.
    pub saved_usd: Usd,
    pub unread_writes_usd: Usd,
    pub unread_writes: i64,
    pub unread_write_tokens: i64,
    pub unread_sessions: i64,
    pub read_tokens: i64,
    pub write_5m_tokens: i64,
    pub write_1h_tokens: i64,
    pub write_5m_usd: Usd,
    pub write_1h_usd: Usd,
}

#[derive(Debug, Clone, Serialize)]
pub struct Anomaly {
    /// `day`, `user` or `project`.
    pub kind: &'static str,
    /// The user or project (empty for a day).
    pub key: String,
    pub date: String,
    pub cost_usd: Usd,
    pub median_usd: Usd,
    pub mad_usd: Usd,
    pub threshold_usd: Usd,
}

#[derive(Debug, Clone, Serialize)]
pub struct Recommendation {
    /// `cheaper-model`, `unread-cache`, `unpriced-model`, `budget`, `mcp-footprint`, `unused-tools`.
    pub kind: &'static str,
    pub message: String,
    /// What it would have saved in the window (`null` where it is not money).
    pub saving_usd: Option<Usd>,
    /// How many rows (requests, days, tools) it is based on.
    pub rows: i64,
}

/// `a / b` rounded half away from zero (b > 0).
fn div_round(a: i128, b: i128) -> i64 {
    let q = if a >= 0 {
        (a + b / 2) / b
    } else {
        (a - b / 2) / b
    };
    q.clamp(i64::MIN as i128, i64::MAX as i128) as i64
}

fn ratio(a: i64, b: i64) -> f64 {
    if b == 0 {
        0.0
    } else {
        (a as f64 / b as f64 * 10_000.0).round() / 10_000.0
    }
}

/// The median of some values (the lower of the two middle ones for an even count: an amount
/// that occurred, in whole nano-dollars).
pub fn median(values: &[i64]) -> i64 {
    if values.is_empty() {
        return 0;
    }
    let mut v = values.to_vec();
    v.sort_unstable();
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        // the mean of the two middle values, rounded half up
        div_round(v[n / 2 - 1] as i128 + v[n / 2] as i128, 2)
    }
}

/// Median and median absolute deviation.
pub fn median_mad(values: &[i64]) -> (i64, i64) {
    let m = median(values);
    let dev: Vec<i64> = values.iter().map(|v| (v - m).abs()).collect();
    (m, median(&dev))
}

/// The anomaly threshold of a baseline, or `None` when it has no spend to judge by.
pub fn anomaly_threshold(baseline: &[i64]) -> Option<(i64, i64, i64)> {
    let (m, mad) = median_mad(baseline);
    if m <= 0 {
        return None;
    }
    let spread = mad.max(m / 10);
    Some((m, mad, m.saturating_add(spread.saturating_mul(MAD_K))))
}

/// The forecast's daily rate and spread from the last complete days (oldest first).
pub fn weighted_rate(days: &[i64]) -> (i64, i64) {
    if days.is_empty() {
        return (0, 0);
    }
    let mut num: i128 = 0;
    let mut den: i128 = 0;
    for (i, c) in days.iter().enumerate() {
        let w = (i + 1) as i128;
        num += w * *c as i128;
        den += w;
    }
    let rate = div_round(num, den);
    let n = days.len() as f64;
    let mean = days.iter().map(|c| *c as f64).sum::<f64>() / n;
    let var = days.iter().map(|c| (*c as f64 - mean).powi(2)).sum::<f64>() / n;
    (rate, var.sqrt().round() as i64)
}

fn scale_by_ms(rate_per_day: i64, ms: i64) -> i64 {
    div_round(rate_per_day as i128 * ms as i128, DAY_MS as i128)
}

/// Builds the report.
pub fn build(input: Input<'_>) -> Report {
    let Input {
        since_ms,
        until_ms,
        time_zone,
        days,
        cells,
        previous,
        by,
        breakdown,
        today,
        month_first,
        month_last,
        month_left_ms,
        budgets,
        facts,
        book,
        mcp,
    } = input;
    let (first, last) = (
        days.first().copied().unwrap_or(today),
        days.last().copied().unwrap_or(today),
    );
    let in_window = |d: Date| d >= first && d <= last;

    // totals, by day, by model
    let mut totals = Totals::default();
    let mut by_day: HashMap<Date, Totals> = HashMap::new();
    let mut by_day_model: HashMap<(Date, &str), i64> = HashMap::new();
    let mut by_model: HashMap<&str, (String, Totals)> = HashMap::new();
    // every day (window, baseline, month): total and per user and project costs
    let mut cost_day: HashMap<Date, i64> = HashMap::new();
    let mut cost_user: HashMap<(&str, Date), i64> = HashMap::new();
    let mut cost_project: HashMap<(&str, Date), i64> = HashMap::new();
    for c in &cells {
        *cost_day.entry(c.day).or_default() += c.totals.cost_nanos;
        *cost_user.entry((&c.user, c.day)).or_default() += c.totals.cost_nanos;
        *cost_project.entry((&c.project, c.day)).or_default() += c.totals.cost_nanos;
        if !in_window(c.day) {
            continue;
        }
        totals.add(&c.totals);
        by_day.entry(c.day).or_default().add(&c.totals);
        *by_day_model.entry((c.day, &c.model)).or_default() += c.totals.cost_nanos;
        by_model
            .entry(&c.model)
            .or_insert_with(|| (c.provider.clone(), Totals::default()))
            .1
            .add(&c.totals);
    }
    let mut models: Vec<(&str, &String, &Totals)> =
        by_model.iter().map(|(m, (p, t))| (*m, p, t)).collect();
    models.sort_by(|a, b| b.2.cost_nanos.cmp(&a.2.cost_nanos).then(a.0.cmp(b.0)));

    let daily: Vec<Day> = days
        .iter()
        .map(|d| {
            let t = by_day.get(d).copied().unwrap_or_default();
            Day {
                date: d.to_string(),
                cost_usd: Usd(t.cost_nanos),
                requests: t.requests,
                total_tokens: t.total_tokens(),
                models: models
                    .iter()
                    .filter_map(|(m, _, _)| {
                        let c = by_day_model.get(&(*d, *m)).copied().unwrap_or(0);
                        (c != 0).then(|| ModelCost {
                            model: m.to_string(),
                            cost_usd: Usd(c),
                        })
                    })
                    .collect(),
            }
        })
        .collect();

    // trend
    let cpr = |t: &Totals| per_request(t).map_or(0, |u| u.0);
    let change_percent = Change {
        cost: change(totals.cost_nanos, previous.cost_nanos),
        requests: change(totals.requests, previous.requests),
        tokens: change(totals.total_tokens(), previous.total_tokens()),
        cost_per_request: change(cpr(&totals), cpr(&previous)),
    };

    // forecast
    let day_cost = |d: Date| cost_day.get(&d).copied().unwrap_or(0);
    let mut recent = Vec::with_capacity(RATE_DAYS);
    for back in (1..=RATE_DAYS as i64).rev() {
        if let Ok(d) = today.checked_sub(jiff::Span::new().days(back)) {
            recent.push(day_cost(d));
        }
    }
    let (rate, spread) = weighted_rate(&recent);
    let mut mtd = 0i64;
    let mut cumulative = Vec::new();
    let mut d = month_first;
    let mut running = 0i64;
    while d <= month_last {
        if d <= today {
            running = running.saturating_add(day_cost(d));
            mtd = running;
        }
        cumulative.push((d, running, d > today));
        match d.tomorrow() {
            Ok(n) => d = n,
            Err(_) => break,
        }
    }
    // the forecast line: from today's spend so far, at the rate, to each day's end
    let today_left = {
        // the ms left today: what is left of the month past the whole days after today
        let after_today = cumulative.iter().filter(|c| c.2).count() as i64 * DAY_MS;
        (month_left_ms - after_today).clamp(0, DAY_MS)
    };
    let mut at_end_of_today = mtd.saturating_add(scale_by_ms(rate, today_left));
    for c in cumulative.iter_mut() {
        if c.0 == today {
            c.1 = mtd;
        } else if c.2 {
            at_end_of_today = at_end_of_today.saturating_add(rate);
            c.1 = at_end_of_today;
        }
    }
    let month_end = mtd.saturating_add(scale_by_ms(rate, month_left_ms));
    let low = mtd.saturating_add(scale_by_ms((rate - spread).max(0), month_left_ms));
    let high = mtd.saturating_add(scale_by_ms(rate.saturating_add(spread), month_left_ms));
    let mut budget_forecasts = Vec::new();
    for b in &budgets {
        if b.scope != super::Scope::Global || b.period == Period::PerRequest {
            continue;
        }
        let mut f = BudgetForecast {
            id: b.id,
            period: b.period.as_str(),
            scope: b.scope.to_string(),
            limit_usd: Usd(b.limit_nanos),
            crossed_on: None,
            already_crossed: false,
            days_over: Vec::new(),
        };
        match b.period {
            Period::Monthly => {
                let mut run = 0i64;
                for (d, _, fut) in &cumulative {
                    if *fut {
                        break;
                    }
                    run += day_cost(*d);
                    if run > b.limit_nanos {
                        f.crossed_on = Some(d.to_string());
                        f.already_crossed = true;
                        break;
                    }
                }
                if f.crossed_on.is_none() && rate > 0 && month_end > b.limit_nanos {
                    // the instant the forecast line passes the limit, as a day
                    let need = (b.limit_nanos - mtd) as i128;
                    let ms = (need * DAY_MS as i128 / rate as i128) as i64;
                    let past_today = ms - today_left;
                    let day = if past_today < 0 {
                        Some(today)
                    } else {
                        today
                            .checked_add(jiff::Span::new().days(past_today / DAY_MS + 1))
                            .ok()
                    };
                    f.crossed_on = day.filter(|d| *d <= month_last).map(|d| d.to_string());
                }
            }
            _ => {
                f.days_over = days
                    .iter()
                    .filter(|d| day_cost(**d) > b.limit_nanos)
                    .map(|d| d.to_string())
                    .collect();
            }
        }
        budget_forecasts.push(f);
    }
    let forecast = Forecast {
        month: format!("{:04}-{:02}", month_first.year(), month_first.month()),
        month_to_date_usd: Usd(mtd),
        month_end_usd: Usd(month_end),
        low_usd: Usd(low),
        high_usd: Usd(high),
        daily_rate_usd: Usd(rate),
        daily_spread_usd: Usd(spread),
        days_left: (month_left_ms as f64 / DAY_MS as f64 * 100.0).round() / 100.0,
        method: FORECAST_METHOD,
        cumulative: cumulative
            .iter()
            .map(|(d, c, f)| CumulativeDay {
                date: d.to_string(),
                cost_usd: Usd(*c),
                forecast: *f,
            })
            .collect(),
        budgets: budget_forecasts,
    };

    // breakdown
    let mut rows: Vec<BreakdownRow> = breakdown
        .iter()
        .map(|(k, now, before)| BreakdownRow {
            key: k.clone(),
            requests: now.requests,
            cost_usd: Usd(now.cost_nanos),
            previous_usd: Usd(before.cost_nanos),
            change_percent: change(now.cost_nanos, before.cost_nanos),
            share: ratio(now.cost_nanos, totals.cost_nanos),
        })
        .collect();
    rows.sort_by(|a, b| b.cost_usd.cmp(&a.cost_usd).then(a.key.cmp(&b.key)));

    // models
    let model_rows: Vec<ModelRow> = models
        .iter()
        .map(|(m, p, t)| {
            let f = facts.models.get(*m).copied().unwrap_or_default();
            let avg = |v: i64| {
                if t.requests > 0 {
                    div_round(v as i128, t.requests as i128)
                } else {
                    0
                }
            };
            ModelRow {
                model: m.to_string(),
                provider: p.to_string(),
                share: ratio(t.cost_nanos, totals.cost_nanos),
                cost_usd: Usd(t.cost_nanos),
                cost_per_1k_output_usd: (t.output > 0)
                    .then(|| Usd(div_round(t.cost_nanos as i128 * 1000, t.output as i128))),
                cost_per_request_usd: per_request(t),
                requests: t.requests,
                avg_input_tokens: avg(t.input),
                avg_output_tokens: avg(t.output),
                avg_cache_read_tokens: avg(t.cache_read),
                avg_cache_write_tokens: avg(t.cache_write()),
                failure_share: (f.failed > 0).then(|| ratio(f.failed, t.requests)),
                mean_latency_ms: (f.timed > 0)
                    .then(|| (f.latency_ms_sum as f64 / f.timed as f64 * 10.0).round() / 10.0),
                unpriced_requests: t.unpriced,
            }
        })
        .collect();

    // cache
    let mut saved: i128 = 0;
    let (mut w5, mut w1) = (0i128, 0i128);
    for (m, p, t) in &models {
        if let Some(price) = book.price(p, m) {
            let r = price.base;
            saved += t.cache_read as i128 * (r.input - r.cache_read).max(0) as i128;
            w5 += t.cache_write_5m as i128 * r.cache_write_5m as i128;
            w1 += t.cache_write_1h as i128 * r.cache_write_1h as i128;
        }
    }
    let pico = |v: i128| div_round(v, 1000);
    let all_input = totals.input + totals.cache_read + totals.cache_write();
    let cache = Cache {
        hit_ratio: (all_input > 0).then(|| ratio(totals.cache_read, all_input)),
        saved_usd: Usd(pico(saved)),
        unread_writes_usd: Usd(facts.unread.nanos),
        unread_writes: facts.unread.writes,
        unread_write_tokens: facts.unread.tokens,
        unread_sessions: facts.unread.sessions,
        read_tokens: totals.cache_read,
        write_5m_tokens: totals.cache_write_5m,
        write_1h_tokens: totals.cache_write_1h,
        write_5m_usd: Usd(pico(w5)),
        write_1h_usd: Usd(pico(w1)),
    };

    // anomalies
    let mut anomalies = Vec::new();
    let baseline_of = |series: &dyn Fn(Date) -> i64, d: Date| -> Vec<i64> {
        (1..=BASELINE_DAYS as i64)
            .filter_map(|back| d.checked_sub(jiff::Span::new().days(back)).ok())
            .map(series)
            .collect()
    };
    let mut judge = |kind: &'static str, key: &str, series: &dyn Fn(Date) -> i64| {
        for d in &days {
            let cost = series(*d);
            if cost <= 0 {
                continue;
            }
            if let Some((m, mad, threshold)) = anomaly_threshold(&baseline_of(series, *d))
                && cost > threshold
            {
                anomalies.push(Anomaly {
                    kind,
                    key: key.to_string(),
                    date: d.to_string(),
                    cost_usd: Usd(cost),
                    median_usd: Usd(m),
                    mad_usd: Usd(mad),
                    threshold_usd: Usd(threshold),
                });
            }
        }
    };
    judge("day", "", &day_cost);
    let mut users: Vec<&str> = cost_user.keys().map(|(u, _)| *u).collect();
    users.sort_unstable();
    users.dedup();
    for u in users {
        judge("user", u, &|d| cost_user.get(&(u, d)).copied().unwrap_or(0));
    }
    let mut projects: Vec<&str> = cost_project.keys().map(|(p, _)| *p).collect();
    projects.sort_unstable();
    projects.dedup();
    for p in projects {
        judge("project", p, &|d| {
            cost_project.get(&(p, d)).copied().unwrap_or(0)
        });
    }

    // recommendations
    let mut recs = Vec::new();
    for s in &facts.short {
        let saving = s.cost_nanos - s.cheaper_nanos;
        if saving <= 0 {
            continue;
        }
        recs.push(Recommendation {
            kind: "cheaper-model",
            message: format!(
                "{} to `{}` had at most {SHORT_OUTPUT} output tokens; at `{}` prices ({}'s \
                 cheaper model) they would have cost {} instead of {}",
                plural(s.requests, "request"),
                s.model,
                s.cheaper,
                s.provider,
                money(s.cheaper_nanos),
                money(s.cost_nanos)
            ),
            saving_usd: Some(Usd(saving)),
            rows: s.requests,
        });
    }
    if facts.unread.writes > 0 {
        recs.push(Recommendation {
            kind: "unread-cache",
            message: format!(
                "{} ({} tokens in {}) expired without being read: cache only prompts that \
                 are sent again within the cache's lifetime",
                plural(facts.unread.writes, "cache write"),
                thousands(facts.unread.tokens),
                plural(facts.unread.sessions, "session")
            ),
            saving_usd: Some(Usd(facts.unread.nanos)),
            rows: facts.unread.writes,
        });
    }
    let mut unpriced_models: Vec<String> = models
        .iter()
        .filter(|(_, _, t)| t.unpriced > 0)
        .map(|(m, _, _)| m.to_string())
        .collect();
    unpriced_models.sort();
    for (m, _, t) in models.iter().filter(|(_, _, t)| t.unpriced > 0) {
        recs.push(Recommendation {
            kind: "unpriced-model",
            message: format!(
                "{} to `{m}` without a price {} not in the costs: add its price with \
                 `--pricing FILE` (LiteLLM's format)",
                plural(t.unpriced, "request"),
                if t.unpriced == 1 { "is" } else { "are" }
            ),
            saving_usd: None,
            rows: t.unpriced,
        });
    }
    for f in &forecast.budgets {
        let limit = f.limit_usd.0;
        if !f.days_over.is_empty() {
            let over: i64 = days
                .iter()
                .filter(|d| day_cost(**d) > limit)
                .map(|d| day_cost(*d) - limit)
                .sum();
            recs.push(Recommendation {
                kind: "budget",
                message: format!(
                    "the daily budget {} ({}) was passed on {} of the window's days, by {} in all",
                    f.id,
                    money(limit),
                    f.days_over.len(),
                    money(over)
                ),
                saving_usd: Some(Usd(over)),
                rows: f.days_over.len() as i64,
            });
        }
        if let Some(d) = &f.crossed_on {
            let over = month_end - limit;
            recs.push(Recommendation {
                kind: "budget",
                message: if f.already_crossed {
                    format!(
                        "the monthly budget {} ({}) was passed on {d}",
                        f.id,
                        money(limit)
                    )
                } else {
                    format!(
                        "the monthly budget {} ({}) will be passed on {d} at the forecast rate, \
                         by {} at the month's end",
                        f.id,
                        money(limit),
                        money(over.max(0))
                    )
                },
                saving_usd: Some(Usd(over.max(0))),
                rows: 1,
            });
        }
    }
    let mut footprints = mcp.footprints.clone();
    footprints.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let all: u64 = footprints.iter().map(|f| f.1).sum();
    if let Some((server, tokens)) = footprints.first()
        && *tokens > 0
    {
        let top: Vec<String> = footprints
            .iter()
            .take(3)
            .map(|(s, t)| format!("`{s}` {} tokens", thousands(*t as i64)))
            .collect();
        recs.push(Recommendation {
            kind: "mcp-footprint",
            message: format!(
                "the tool definitions of the MCP servers take {} tokens of every context; the \
                 largest: {}. Disable the servers or tools a project does not use (`aimcp mcp \
                 disable {server} --tool TOOL`)",
                thousands(all as i64),
                top.join(", ")
            ),
            saving_usd: None,
            rows: footprints.len() as i64,
        });
    }
    if let Some(never) = &mcp.never_called
        && !never.is_empty()
    {
        let shown: Vec<String> = never.iter().take(5).map(|t| format!("`{t}`")).collect();
        recs.push(Recommendation {
            kind: "unused-tools",
            message: format!(
                "{} never called through the gateway in the window ({}{}): disabling them \
                 shrinks every context",
                plural(never.len() as i64, "tool was"),
                shown.join(", "),
                if never.len() > 5 { ", ..." } else { "" }
            ),
            saving_usd: None,
            rows: never.len() as i64,
        });
    }
    recs.sort_by(|a, b| {
        b.saving_usd
            .map_or(-1, |u| u.0)
            .cmp(&a.saving_usd.map_or(-1, |u| u.0))
    });

    Report {
        window: WindowJson {
            since: ms_text(since_ms),
            until: ms_text(until_ms),
            days: days.len(),
            time_zone,
        },
        totals: TotalsJson::of(&totals),
        previous: TotalsJson::of(&previous),
        change_percent,
        daily,
        forecast,
        breakdown: Breakdown { by, rows },
        models: model_rows,
        cache,
        anomalies,
        anomaly_rule: ANOMALY_RULE,
        recommendations: recs,
        unpriced_models,
    }
}

fn ms_text(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

/// `1 request`, `2 requests` (`tool was` -> `tools were`).
pub fn plural(n: i64, word: &str) -> String {
    if n == 1 {
        return format!("1 {word}");
    }
    match word.strip_suffix(" was") {
        Some(w) => format!("{} {w}s were", thousands(n)),
        None => format!("{} {word}s", thousands(n)),
    }
}

/// `1234567` -> `1,234,567`.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Nano-dollars for people: `$1,234.57`, or four decimals under a dollar (`$0.0392`); rounded
/// once, half up, from the exact amount.
pub fn money(nanos: i64) -> String {
    let sign = if nanos < 0 { "-" } else { "" };
    let m = nanos.unsigned_abs();
    if m > 0 && m < 999_950_000 {
        let hundredths_of_cents = (m + 50_000) / 100_000;
        return format!("{sign}$0.{hundredths_of_cents:04}");
    }
    let cents = (m + 5_000_000) / 10_000_000;
    format!(
        "{sign}${}.{:02}",
        thousands((cents / 100) as i64),
        cents % 100
    )
}

#[cfg(test)]
mod tests;

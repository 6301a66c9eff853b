//! The call ledger: one row per MCP `tools/call` that went through `aimcp mcp serve`, in the
//! same store as the requests (table `tool_calls`, schema version 5), and the figures
//! `aimcp mcp stats` and the `aimcp__tool_stats` tool show.
//!
//! A call's arguments and result are never stored (they can hold secrets): only when, which
//! tool, for which client, how long it took, how it ended, how large it was and how many tokens
//! its result costs in a model's context.
//!
//! Writing never blocks a call: [`CallRecorder::record`] puts the call on a bounded queue and
//! returns; a thread of its own writes what is queued, many calls to a transaction. When the
//! queue is full (the store is busy for a long time), calls are dropped and counted.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError};
use std::thread::JoinHandle;

use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};

use super::Store;

/// How a call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CallOutcome {
    /// A result without `isError`.
    Ok,
    /// A result with `isError: true`: the tool ran and said it failed.
    ToolError,
    /// A JSON-RPC error, a broken link or a server that could not be started.
    ProtocolError,
    /// No answer in time.
    Timeout,
}

impl CallOutcome {
    /// Every outcome, in the order of [`CallOutcome::index`].
    pub const ALL: [CallOutcome; 4] = [
        CallOutcome::Ok,
        CallOutcome::ToolError,
        CallOutcome::ProtocolError,
        CallOutcome::Timeout,
    ];

    /// `ok`, `tool_error`, `protocol_error`, `timeout`: the stored value, and the `outcome`
    /// label of the metrics.
    pub fn as_str(self) -> &'static str {
        match self {
            CallOutcome::Ok => "ok",
            CallOutcome::ToolError => "tool_error",
            CallOutcome::ProtocolError => "protocol_error",
            CallOutcome::Timeout => "timeout",
        }
    }

    /// Its place in [`CallOutcome::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    pub fn parse(text: &str) -> Option<CallOutcome> {
        CallOutcome::ALL.into_iter().find(|o| o.as_str() == text)
    }
}

/// One `tools/call`, as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolCall {
    /// When the call was received.
    pub at: Timestamp,
    pub server: String,
    /// The upstream server's own name for the tool (not `SERVER__TOOL`).
    pub tool: String,
    /// The client's `clientInfo.name`, when it said.
    pub client: Option<String>,
    pub latency_us: u64,
    pub outcome: CallOutcome,
    /// The size of the request's JSON, in bytes.
    pub bytes_in: u64,
    /// The size of the answer's JSON, in bytes.
    pub bytes_out: u64,
    /// The estimated tokens of the result (o200k_base), what it costs in the model's context.
    pub result_tokens: u64,
}

/// How many calls the queue holds before [`CallRecorder::record`] drops them.
const QUEUE: usize = 16_384;

/// The most calls written in one transaction.
const BATCH: usize = 4_096;

const INSERT: &str = "INSERT INTO tool_calls (ts, tool, client, latency_us, outcome, bytes_in, \
    bytes_out, result_tokens) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

/// The number of a (server, tool) in `tool_names`, given it on first use.
const TOOL_ID: &str = "INSERT INTO tool_names (server, tool) VALUES (?1, ?2) \
    ON CONFLICT (server, tool) DO UPDATE SET id = id RETURNING id";

/// What `mcp stats` reads of the calls in a window (`?1` to `?2`, in ms).
pub(crate) const STATS_SQL: &str = "SELECT ts, tool, outcome, latency_us, bytes_in, bytes_out, \
    result_tokens FROM tool_calls WHERE ts >= ?1 AND ts < ?2";

/// The numbers of the (server, tool) pairs already in `tool_names`, by server then tool.
type ToolIds = HashMap<String, HashMap<String, i64>>;

#[derive(Default)]
struct Counts {
    written: AtomicU64,
    dropped: AtomicU64,
}

/// Writes tool calls to the store from a thread of its own. `Send + Sync`: share it behind an
/// `Arc`. Dropping it flushes what is queued, as [`CallRecorder::finish`] does.
pub struct CallRecorder {
    queue: Option<SyncSender<ToolCall>>,
    counts: Arc<Counts>,
    writer: Option<JoinHandle<()>>,
}

impl CallRecorder {
    /// Opens the store (creating it on first use, migrating it) and starts the writer thread.
    /// An unusable store is an error here, before any call is taken.
    pub fn start(db: &Path) -> anyhow::Result<CallRecorder> {
        let store = Store::open(db)?;
        let (queue, calls) = std::sync::mpsc::sync_channel(QUEUE);
        let counts = Arc::new(Counts::default());
        let c = Arc::clone(&counts);
        let writer = std::thread::Builder::new()
            .name("aimcp-call-ledger".into())
            .spawn(move || write_all(store, calls, &c))?;
        Ok(CallRecorder {
            queue: Some(queue),
            counts,
            writer: Some(writer),
        })
    }

    /// Queues a call for the writer. Never blocks: when the queue is full, the call is
    /// dropped and counted ([`CallRecorder::dropped`]).
    pub fn record(&self, call: ToolCall) {
        let Some(queue) = &self.queue else { return };
        match queue.try_send(call) {
            Ok(()) => {}
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => {
                self.counts.dropped.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// Calls written to the store so far.
    pub fn written(&self) -> u64 {
        self.counts.written.load(Ordering::Relaxed)
    }

    /// Calls not recorded: dropped from a full queue, or in a batch the store refused.
    pub fn dropped(&self) -> u64 {
        self.counts.dropped.load(Ordering::Relaxed)
    }

    /// Writes what is queued, then stops the writer.
    pub fn finish(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        drop(self.queue.take());
        if let Some(writer) = self.writer.take() {
            let _ = writer.join();
        }
    }
}

impl Drop for CallRecorder {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The writer thread: waits for a call, takes whatever else is queued (up to [`BATCH`]), and
/// writes them in one transaction ([`Store::write`] waits out a busy store); until the
/// recorder is finished and the queue is empty.
fn write_all(mut store: Store, calls: Receiver<ToolCall>, counts: &Counts) {
    let mut ids = ToolIds::new();
    let mut batch = Vec::with_capacity(BATCH);
    while let Ok(first) = calls.recv() {
        batch.push(first);
        while batch.len() < BATCH {
            match calls.try_recv() {
                Ok(call) => batch.push(call),
                Err(_) => break,
            }
        }
        let n = batch.len() as u64;
        match write_with(&mut store, &batch, &mut ids) {
            Ok(()) => counts.written.fetch_add(n, Ordering::Relaxed),
            Err(_) => counts.dropped.fetch_add(n, Ordering::Relaxed),
        };
        batch.clear();
    }
}

/// Writes calls in one transaction.
pub fn write(store: &mut Store, calls: &[ToolCall]) -> anyhow::Result<()> {
    write_with(store, calls, &mut ToolIds::new())
}

/// Writes calls in one transaction, with the tool numbers known so far (to which it adds the
/// new ones once the transaction has committed: a transaction run again must not trust them).
fn write_with(store: &mut Store, calls: &[ToolCall], ids: &mut ToolIds) -> anyhow::Result<()> {
    let added = store.write(|tx| {
        let mut insert = tx.prepare_cached(INSERT)?;
        let mut new: ToolIds = ToolIds::new();
        for c in calls {
            let known = |m: &ToolIds| m.get(&c.server).and_then(|t| t.get(&c.tool)).copied();
            let tool = match known(ids).or_else(|| known(&new)) {
                Some(id) => id,
                None => {
                    let id: i64 = tx
                        .prepare_cached(TOOL_ID)?
                        .query_row(params![c.server, c.tool], |r| r.get(0))?;
                    new.entry(c.server.clone())
                        .or_default()
                        .insert(c.tool.clone(), id);
                    id
                }
            };
            insert.execute(params![
                c.at.as_millisecond(),
                tool,
                c.client,
                i(c.latency_us),
                c.outcome.index() as i64,
                i(c.bytes_in),
                i(c.bytes_out),
                i(c.result_tokens),
            ])?;
        }
        Ok(new)
    })?;
    for (server, tools) in added {
        ids.entry(server).or_default().extend(tools);
    }
    Ok(())
}

fn i(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

// ---- reading --------------------------------------------------------------------------------

/// What stats are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatsBy {
    Server,
    /// `SERVER__TOOL`, as the gateway names the tool.
    Tool,
    /// The day in a zone (`YYYY-MM-DD`); every day of the window has a row.
    Day,
}

/// The figures of a group of calls. Latency percentiles are exact, by nearest rank (the
/// smallest latency with at least p% of the calls at or below it); `None` without calls.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallStats {
    pub calls: u64,
    /// Calls that did not end `ok`: the three below.
    pub errors: u64,
    pub tool_errors: u64,
    pub protocol_errors: u64,
    pub timeouts: u64,
    pub p50_us: Option<u64>,
    pub p95_us: Option<u64>,
    pub max_us: Option<u64>,
    pub bytes_in: u64,
    pub bytes_out: u64,
    pub result_tokens: u64,
}

/// Stats of calls in a window: one row per group, and the totals.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatsReport {
    pub rows: Vec<(String, CallStats)>,
    pub totals: CallStats,
}

impl CallStats {
    /// The figures as `mcp stats --json` and the `aimcp__tool_stats` tool show them.
    pub fn figures(&self) -> StatsFigures {
        let ms = |us: Option<u64>| us.map(|v| v as f64 / 1000.0);
        StatsFigures {
            calls: self.calls,
            errors: self.errors,
            p50_ms: ms(self.p50_us),
            p95_ms: ms(self.p95_us),
            max_ms: ms(self.max_us),
            bytes_out: self.bytes_out,
            result_tokens: self.result_tokens,
            bytes_in: self.bytes_in,
            tool_errors: self.tool_errors,
            protocol_errors: self.protocol_errors,
            timeouts: self.timeouts,
        }
    }
}

/// A group's figures in JSON (latencies in milliseconds, `null` without calls).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatsFigures {
    pub calls: u64,
    pub errors: u64,
    pub p50_ms: Option<f64>,
    pub p95_ms: Option<f64>,
    pub max_ms: Option<f64>,
    pub bytes_out: u64,
    pub result_tokens: u64,
    pub bytes_in: u64,
    pub tool_errors: u64,
    pub protocol_errors: u64,
    pub timeouts: u64,
}

/// One row of [`StatsDocument`]: the group's key and its figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatsRow {
    pub key: String,
    #[serde(flatten)]
    pub figures: StatsFigures,
}

/// The document of `mcp stats --json` and of the `aimcp__tool_stats` tool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatsDocument {
    pub rows: Vec<StatsRow>,
    pub totals: StatsFigures,
    /// `server`, `tool` or `day`.
    pub by: String,
    /// The window, as RFC 3339 instants (`until` excluded).
    pub since: String,
    pub until: String,
    pub time_zone: String,
    /// How the percentiles are computed: `nearest-rank`.
    pub percentiles: String,
}

impl StatsBy {
    pub fn as_str(self) -> &'static str {
        match self {
            StatsBy::Server => "server",
            StatsBy::Tool => "tool",
            StatsBy::Day => "day",
        }
    }
}

impl StatsReport {
    /// The JSON document, for a window `[start, end)` and its zone's name.
    pub fn document(
        &self,
        by: StatsBy,
        start: i64,
        end: i64,
        time_zone: &str,
    ) -> anyhow::Result<StatsDocument> {
        Ok(StatsDocument {
            rows: self
                .rows
                .iter()
                .map(|(key, s)| StatsRow {
                    key: key.clone(),
                    figures: s.figures(),
                })
                .collect(),
            totals: self.totals.figures(),
            by: by.as_str().to_string(),
            since: Timestamp::from_millisecond(start)?.to_string(),
            until: Timestamp::from_millisecond(end)?.to_string(),
            time_zone: time_zone.to_string(),
            percentiles: "nearest-rank".to_string(),
        })
    }
}

/// A group's calls while they are read.
#[derive(Default)]
struct Group {
    stats: CallStats,
    latencies: Vec<u64>,
}

impl Group {
    fn add(&mut self, outcome: Option<CallOutcome>, latency: u64, sizes: [u64; 3]) {
        let s = &mut self.stats;
        s.calls += 1;
        match outcome {
            Some(CallOutcome::Ok) => {}
            Some(CallOutcome::ToolError) => s.tool_errors += 1,
            Some(CallOutcome::Timeout) => s.timeouts += 1,
            // (an outcome this build does not know is counted as a protocol error)
            Some(CallOutcome::ProtocolError) | None => s.protocol_errors += 1,
        }
        s.bytes_in = s.bytes_in.saturating_add(sizes[0]);
        s.bytes_out = s.bytes_out.saturating_add(sizes[1]);
        s.result_tokens = s.result_tokens.saturating_add(sizes[2]);
        self.latencies.push(latency);
    }

    fn finish(mut self) -> CallStats {
        let mut s = self.stats;
        s.errors = s.tool_errors + s.protocol_errors + s.timeouts;
        s.p50_us = nearest_rank_unsorted(&mut self.latencies, 50);
        s.p95_us = nearest_rank_unsorted(&mut self.latencies, 95);
        s.max_us = self.latencies.iter().max().copied();
        s
    }
}

/// The `p`th percentile of sorted values by nearest rank: the value at rank ⌈p/100 · n⌉.
pub fn nearest_rank(sorted: &[u64], p: u64) -> Option<u64> {
    if sorted.is_empty() {
        return None;
    }
    let n = sorted.len() as u64;
    let rank = (p * n).div_ceil(100).clamp(1, n);
    Some(sorted[(rank - 1) as usize])
}

/// [`nearest_rank`] of values in any order, in linear time (it reorders them).
pub fn nearest_rank_unsorted(values: &mut [u64], p: u64) -> Option<u64> {
    if values.is_empty() {
        return None;
    }
    let n = values.len() as u64;
    let rank = (p * n).div_ceil(100).clamp(1, n);
    Some(*values.select_nth_unstable((rank - 1) as usize).1)
}

/// The days of `[start, end)` in a zone: each one's start (the window's start for the first),
/// and its date.
fn days(start: i64, end: i64, tz: &TimeZone) -> anyhow::Result<Vec<(i64, String)>> {
    let mut out = Vec::new();
    let mut d = Timestamp::from_millisecond(start)?
        .to_zoned(tz.clone())
        .date();
    let mut at = start;
    while at < end {
        out.push((at, d.to_string()));
        d = d.checked_add(1.day())?;
        at = d.to_zoned(tz.clone())?.timestamp().as_millisecond();
    }
    Ok(out)
}

/// Stats of the calls in `[start, end)` (ms), grouped; days are those of `tz`. Rows by server
/// or tool come most calls first (then by name), days in order.
pub fn stats(
    conn: &Connection,
    start: i64,
    end: i64,
    by: StatsBy,
    tz: &TimeZone,
) -> anyhow::Result<StatsReport> {
    let mut groups: Vec<Group> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    let day_list = if by == StatsBy::Day && start < end {
        days(start, end, tz)?
    } else {
        Vec::new()
    };
    // the group of each tool number (by server or tool); days are found by their start
    let mut group_of: rustc_hash::FxHashMap<i64, usize> = Default::default();
    if by == StatsBy::Day {
        for (_, name) in &day_list {
            names.push(name.clone());
            groups.push(Group::default());
        }
    } else {
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut stmt = conn.prepare_cached("SELECT id, server, tool FROM tool_names")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let (id, server, tool): (i64, String, String) = (row.get(0)?, row.get(1)?, row.get(2)?);
            let key = match by {
                StatsBy::Tool => format!("{server}__{tool}"),
                _ => server,
            };
            let g = *index.entry(key.clone()).or_insert_with(|| {
                names.push(key);
                groups.push(Group::default());
                groups.len() - 1
            });
            group_of.insert(id, g);
        }
    }
    let mut all = Group::default();
    let mut stmt = conn.prepare_cached(STATS_SQL)?;
    let mut rows = stmt.query(params![start, end])?;
    while let Some(row) = rows.next()? {
        let u = |i: usize| -> rusqlite::Result<u64> { Ok(row.get::<_, i64>(i)?.max(0) as u64) };
        let g = match by {
            StatsBy::Day => {
                let ts: i64 = row.get(0)?;
                Some(
                    day_list
                        .partition_point(|(s, _)| *s <= ts)
                        .saturating_sub(1),
                )
            }
            StatsBy::Server | StatsBy::Tool => group_of.get(&row.get::<_, i64>(1)?).copied(),
        };
        let Some(group) = g.and_then(|g| groups.get_mut(g)) else {
            continue; // a row whose tool is not in `tool_names` (edited by hand)
        };
        let outcome = usize::try_from(row.get::<_, i64>(2)?)
            .ok()
            .and_then(|o| CallOutcome::ALL.get(o).copied());
        let latency = u(3)?;
        let sizes = [u(4)?, u(5)?, u(6)?];
        group.add(outcome, latency, sizes);
        all.add(outcome, latency, sizes);
    }
    // tools without calls in the window
    let (names, groups): (Vec<String>, Vec<Group>) = if by == StatsBy::Day {
        (names, groups)
    } else {
        names
            .into_iter()
            .zip(groups)
            .filter(|(_, g)| g.stats.calls > 0)
            .unzip()
    };
    let mut out: Vec<(String, CallStats)> = names
        .into_iter()
        .zip(groups)
        .map(|(n, g)| (n, g.finish()))
        .collect();
    if by != StatsBy::Day {
        out.sort_by(|a, b| b.1.calls.cmp(&a.1.calls).then_with(|| a.0.cmp(&b.0)));
    }
    Ok(StatsReport {
        rows: out,
        totals: all.finish(),
    })
}

/// Every call recorded in `[start, end)` (ms), oldest first, as it was recorded (to the
/// millisecond).
pub fn recorded(conn: &Connection, start: i64, end: i64) -> anyhow::Result<Vec<ToolCall>> {
    let mut stmt = conn.prepare(
        "SELECT c.ts, t.server, t.tool, c.client, c.latency_us, c.outcome, c.bytes_in, \
         c.bytes_out, c.result_tokens FROM tool_calls c JOIN tool_names t ON t.id = c.tool \
         WHERE c.ts >= ?1 AND c.ts < ?2 ORDER BY c.ts, c.id",
    )?;
    let mut rows = stmt.query(params![start, end])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        let u = |i: usize| -> rusqlite::Result<u64> { Ok(row.get::<_, i64>(i)?.max(0) as u64) };
        out.push(ToolCall {
            at: Timestamp::from_millisecond(row.get(0)?)?,
            server: row.get(1)?,
            tool: row.get(2)?,
            client: row.get(3)?,
            latency_us: u(4)?,
            outcome: usize::try_from(row.get::<_, i64>(5)?)
                .ok()
                .and_then(|o| CallOutcome::ALL.get(o).copied())
                .unwrap_or(CallOutcome::ProtocolError),
            bytes_in: u(6)?,
            bytes_out: u(7)?,
            result_tokens: u(8)?,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn call(
        at: &str,
        server: &str,
        tool: &str,
        latency_us: u64,
        o: CallOutcome,
    ) -> ToolCall {
        ToolCall {
            at: at.parse().unwrap(),
            server: server.into(),
            tool: tool.into(),
            client: Some("claude-code".into()),
            latency_us,
            outcome: o,
            bytes_in: 100,
            bytes_out: 1_000,
            result_tokens: 250,
        }
    }

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<u64> = (1..=100).collect();
        assert_eq!(nearest_rank(&v, 50), Some(50));
        assert_eq!(nearest_rank(&v, 95), Some(95));
        assert_eq!(nearest_rank(&v, 100), Some(100));
        assert_eq!(nearest_rank(&[7], 50), Some(7));
        assert_eq!(nearest_rank(&[7], 95), Some(7));
        // 4 values: p50 is the 2nd (⌈2⌉), p95 the 4th (⌈3.8⌉)
        assert_eq!(nearest_rank(&[1, 2, 3, 4], 50), Some(2));
        assert_eq!(nearest_rank(&[1, 2, 3, 4], 95), Some(4));
        assert_eq!(nearest_rank(&[], 50), None);
        // the same without sorting first, for every p and many orders
        let mut x: u64 = 7;
        for n in [1usize, 2, 3, 19, 20, 21, 100, 1001] {
            let mut v: Vec<u64> = (0..n)
                .map(|_| {
                    x = x
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    (x >> 33) % 50
                })
                .collect();
            let mut sorted = v.clone();
            sorted.sort_unstable();
            for p in [1, 50, 95, 99, 100] {
                assert_eq!(
                    nearest_rank_unsorted(&mut v, p),
                    nearest_rank(&sorted, p),
                    "{n} {p}"
                );
            }
        }
    }

    /// Calls recorded from many threads at once all reach the store when the recorder is
    /// finished, and are read back grouped by server, tool and day.
    #[test]
    fn recorded_calls_are_written_and_summed() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("sub").join("usage.db");
        let recorder = Arc::new(CallRecorder::start(&db).unwrap());
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let r = Arc::clone(&recorder);
                std::thread::spawn(move || {
                    for n in 0..250u64 {
                        let o = if n % 10 == 0 {
                            CallOutcome::ToolError
                        } else {
                            CallOutcome::Ok
                        };
                        let at = if t == 0 {
                            "2026-03-01T10:00:00Z"
                        } else {
                            "2026-03-02T10:00:00Z"
                        };
                        r.record(call(at, &format!("s{}", t % 2), "echo", n + 1, o));
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        let recorder = Arc::into_inner(recorder).unwrap();
        assert_eq!(recorder.dropped(), 0);
        recorder.finish();
        let store = Store::open_for_reading(&db).unwrap();
        let (start, end) = (
            "2026-03-01T00:00:00Z"
                .parse::<Timestamp>()
                .unwrap()
                .as_millisecond(),
            "2026-03-04T00:00:00Z"
                .parse::<Timestamp>()
                .unwrap()
                .as_millisecond(),
        );
        let r = stats(store.conn(), start, end, StatsBy::Server, &TimeZone::UTC).unwrap();
        assert_eq!(r.totals.calls, 1000);
        assert_eq!(r.totals.errors, 100);
        assert_eq!(r.totals.tool_errors, 100);
        assert_eq!(r.totals.p50_us, Some(125));
        assert_eq!(r.totals.max_us, Some(250));
        assert_eq!(r.totals.bytes_out, 1_000_000);
        let keys: Vec<(&str, u64)> = r.rows.iter().map(|(k, s)| (k.as_str(), s.calls)).collect();
        assert_eq!(keys, [("s0", 500), ("s1", 500)]);
        let r = stats(store.conn(), start, end, StatsBy::Tool, &TimeZone::UTC).unwrap();
        assert_eq!(r.rows[0].0, "s0__echo");
        let r = stats(store.conn(), start, end, StatsBy::Day, &TimeZone::UTC).unwrap();
        let days: Vec<(&str, u64)> = r.rows.iter().map(|(k, s)| (k.as_str(), s.calls)).collect();
        assert_eq!(
            days,
            [("2026-03-01", 250), ("2026-03-02", 750), ("2026-03-03", 0)]
        );
        assert_eq!(r.rows[2].1.p50_us, None);
    }

    /// Two recorders on one store (two gateways) name each tool by the same number.
    #[test]
    fn two_recorders_share_the_tool_numbers() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("usage.db");
        let (a, b) = (
            CallRecorder::start(&db).unwrap(),
            CallRecorder::start(&db).unwrap(),
        );
        for k in 0..300 {
            let r = if k % 2 == 0 { &a } else { &b };
            let tool = ["x", "y", "z"][k % 3];
            r.record(call(
                "2026-03-01T10:00:00Z",
                "s",
                tool,
                k as u64,
                CallOutcome::Ok,
            ));
        }
        a.finish();
        b.finish();
        let store = Store::open_for_reading(&db).unwrap();
        let names: i64 = store
            .conn()
            .query_row("SELECT count(*) FROM tool_names", [], |r| r.get(0))
            .unwrap();
        assert_eq!(names, 3);
        let (start, end) = (0, i64::from(i32::MAX) * 1_000_000);
        let r = stats(store.conn(), start, end, StatsBy::Tool, &TimeZone::UTC).unwrap();
        let rows: Vec<(&str, u64)> = r.rows.iter().map(|(k, s)| (k.as_str(), s.calls)).collect();
        assert_eq!(rows, [("s__x", 100), ("s__y", 100), ("s__z", 100)]);
    }

    /// A store edited by hand: a tool with a huge number is read as any other, and a call whose
    /// tool is not in `tool_names` is left out (no vector sized by a stored number).
    #[test]
    fn hand_edited_tool_numbers_are_read_safely() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("usage.db");
        let mut store = Store::open(&db).unwrap();
        write(
            &mut store,
            &[call("2026-03-01T10:00:00Z", "s", "t", 5, CallOutcome::Ok)],
        )
        .unwrap();
        store
            .conn()
            .execute_batch(
                "INSERT INTO tool_names VALUES (1000000000000000, 'big', 'x');
                 INSERT INTO tool_calls (ts, tool, latency_us, outcome, bytes_in, bytes_out,
                     result_tokens) SELECT ts, 1000000000000000, 7, 0, 0, 0, 0 FROM tool_calls;
                 INSERT INTO tool_calls (ts, tool, latency_us, outcome, bytes_in, bytes_out,
                     result_tokens) SELECT ts, 99, 9, 0, 0, 0, 0 FROM tool_calls LIMIT 1;",
            )
            .unwrap();
        let r = stats(
            store.conn(),
            0,
            i64::from(i32::MAX) * 1_000_000,
            StatsBy::Server,
            &TimeZone::UTC,
        )
        .unwrap();
        let rows: Vec<(&str, u64)> = r.rows.iter().map(|(k, s)| (k.as_str(), s.calls)).collect();
        assert_eq!(rows, [("big", 1), ("s", 1)]);
        assert_eq!(r.totals.calls, 2);
    }

    /// Every field of a call comes back as it was recorded.
    #[test]
    fn a_call_is_read_back_whole() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("usage.db");
        let recorder = CallRecorder::start(&db).unwrap();
        let mut calls = Vec::new();
        for (k, o) in CallOutcome::ALL.into_iter().enumerate() {
            let mut c = call("2026-03-01T10:00:00.123Z", "srv", "tool", 10 + k as u64, o);
            c.client = (k != 2).then(|| format!("client-{k}"));
            c.bytes_in = 1 + k as u64;
            c.bytes_out = u64::MAX;
            c.result_tokens = 7 * k as u64;
            calls.push(c);
        }
        for c in &calls {
            recorder.record(c.clone());
        }
        recorder.finish();
        let store = Store::open_for_reading(&db).unwrap();
        let back = recorded(store.conn(), 0, i64::from(i32::MAX) * 1_000_000).unwrap();
        // (a size past i64::MAX is kept as i64::MAX)
        for c in &mut calls {
            c.bytes_out = i64::MAX as u64;
        }
        assert_eq!(back, calls);
    }

    /// Dropping the recorder (without `finish`) writes what is queued too.
    #[test]
    fn dropping_the_recorder_flushes() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("usage.db");
        let recorder = CallRecorder::start(&db).unwrap();
        for k in 0..500 {
            recorder.record(call("2026-03-01T10:00:00Z", "s", "t", k, CallOutcome::Ok));
        }
        drop(recorder);
        let store = Store::open_for_reading(&db).unwrap();
        let stored: i64 = store
            .conn()
            .query_row("SELECT count(*) FROM tool_calls", [], |r| r.get(0))
            .unwrap();
        assert_eq!(stored, 500);
    }

    /// A full queue drops calls and counts them; `record` returns at once meanwhile.
    #[test]
    fn a_full_queue_drops_and_counts() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("usage.db");
        let recorder = CallRecorder::start(&db).unwrap();
        // hold the store's write lock so that the writer cannot empty the queue
        let blocker = Connection::open(&db).unwrap();
        blocker.execute_batch("BEGIN IMMEDIATE").unwrap();
        let n = QUEUE as u64 + BATCH as u64 + 1_000;
        let t = std::time::Instant::now();
        for k in 0..n {
            recorder.record(call("2026-03-01T10:00:00Z", "s", "t", k, CallOutcome::Ok));
        }
        assert!(
            t.elapsed() < std::time::Duration::from_secs(2),
            "{:?}",
            t.elapsed()
        );
        assert!(recorder.dropped() >= 1_000, "{}", recorder.dropped());
        blocker.execute_batch("COMMIT").unwrap();
        let dropped = recorder.dropped();
        recorder.finish();
        let store = Store::open_for_reading(&db).unwrap();
        let stored: i64 = store
            .conn()
            .query_row("SELECT count(*) FROM tool_calls", [], |r| r.get(0))
            .unwrap();
        assert_eq!(stored as u64 + dropped, n);
    }
}

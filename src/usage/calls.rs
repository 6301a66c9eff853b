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
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError};
use std::thread::JoinHandle;

use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use serde::{Deserialize, Serialize};

use super::{Db, Ledger, OpenMode};

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
pub(crate) const QUEUE: usize = 16_384;

/// The most calls written in one transaction.
pub(crate) const BATCH: usize = 4_096;

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
    pub fn start(db: &Db) -> anyhow::Result<CallRecorder> {
        let store = super::open(db, OpenMode::Write)?;
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
/// writes them in one transaction (the store waits out a busy store); until the recorder is
/// finished and the queue is empty.
fn write_all(mut store: Box<dyn Ledger>, calls: Receiver<ToolCall>, counts: &Counts) {
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
        match store.record_calls(&batch) {
            Ok(()) => counts.written.fetch_add(n, Ordering::Relaxed),
            Err(_) => counts.dropped.fetch_add(n, Ordering::Relaxed),
        };
        batch.clear();
    }
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

/// Builds [`StatsReport`]s from a store's rows: the store gives its tool names, then each call
/// of the window (in any order), and gets the report. Rows by server or tool come most calls
/// first (then by name), days in order (every day of the window has a row).
pub struct StatsBuilder {
    by: StatsBy,
    groups: Vec<Group>,
    names: Vec<String>,
    day_list: Vec<(i64, String)>,
    /// The group of each tool number (by server or tool); days are found by their start.
    group_of: rustc_hash::FxHashMap<i64, usize>,
    index: HashMap<String, usize>,
    all: Group,
}

impl StatsBuilder {
    /// For the calls of `[start, end)` (ms), grouped by `by`, with days in `tz`.
    pub fn new(start: i64, end: i64, by: StatsBy, tz: &TimeZone) -> anyhow::Result<Self> {
        let day_list = if by == StatsBy::Day && start < end {
            days(start, end, tz)?
        } else {
            Vec::new()
        };
        let mut b = StatsBuilder {
            by,
            groups: Vec::new(),
            names: Vec::new(),
            day_list,
            group_of: Default::default(),
            index: HashMap::new(),
            all: Group::default(),
        };
        if by == StatsBy::Day {
            for (_, name) in &b.day_list {
                b.names.push(name.clone());
                b.groups.push(Group::default());
            }
        }
        Ok(b)
    }

    /// A tool's number in the store, and its names.
    pub fn tool(&mut self, id: i64, server: String, tool: &str) {
        if self.by == StatsBy::Day {
            return;
        }
        let key = match self.by {
            StatsBy::Tool => format!("{server}__{tool}"),
            _ => server,
        };
        let g = match self.index.get(&key) {
            Some(&g) => g,
            None => {
                self.names.push(key.clone());
                self.groups.push(Group::default());
                self.index.insert(key, self.groups.len() - 1);
                self.groups.len() - 1
            }
        };
        self.group_of.insert(id, g);
    }

    /// A call: its time, tool number, outcome number ([`CallOutcome::index`]), latency (µs)
    /// and sizes (bytes in, bytes out, result tokens). A call whose tool number the store did
    /// not give is left out (a store edited by hand).
    pub fn call(&mut self, ts: i64, tool: i64, outcome: i64, latency_us: u64, sizes: [u64; 3]) {
        let g = match self.by {
            StatsBy::Day => Some(
                self.day_list
                    .partition_point(|(s, _)| *s <= ts)
                    .saturating_sub(1),
            ),
            StatsBy::Server | StatsBy::Tool => self.group_of.get(&tool).copied(),
        };
        let Some(group) = g.and_then(|g| self.groups.get_mut(g)) else {
            return;
        };
        let outcome = usize::try_from(outcome)
            .ok()
            .and_then(|o| CallOutcome::ALL.get(o).copied());
        group.add(outcome, latency_us, sizes);
        self.all.add(outcome, latency_us, sizes);
    }

    pub fn finish(self) -> StatsReport {
        let StatsBuilder {
            by,
            groups,
            names,
            all,
            ..
        } = self;
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
        StatsReport {
            rows: out,
            totals: all.finish(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}

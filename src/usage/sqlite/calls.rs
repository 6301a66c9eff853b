//! The call ledger's tables (`tool_names`, `tool_calls`, schema version 5): writing calls and
//! reading them for `mcp stats`.

use std::collections::HashMap;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use rusqlite::{Connection, Transaction, params};

use crate::usage::calls::{CallOutcome, StatsBuilder, StatsBy, StatsReport, ToolCall};

const INSERT: &str = "INSERT INTO tool_calls (ts, tool, client, latency_us, outcome, bytes_in, \
    bytes_out, result_tokens) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

/// The number of a (server, tool) in `tool_names`, given it on first use.
const TOOL_ID: &str = "INSERT INTO tool_names (server, tool) VALUES (?1, ?2) \
    ON CONFLICT (server, tool) DO UPDATE SET id = id RETURNING id";

/// What `mcp stats` reads of the calls in a window (`?1` to `?2`, in ms).
pub(crate) const STATS_SQL: &str = "SELECT ts, tool, outcome, latency_us, bytes_in, bytes_out, \
    result_tokens FROM tool_calls WHERE ts >= ?1 AND ts < ?2";

/// The numbers of the (server, tool) pairs already in `tool_names`, by server then tool.
pub(crate) type ToolIds = HashMap<String, HashMap<String, i64>>;

fn i(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// Writes calls in a transaction, with the tool numbers known so far; returns the new ones
/// (to be trusted only once the transaction has committed: one run again must not).
pub(crate) fn write(
    tx: &Transaction<'_>,
    calls: &[ToolCall],
    ids: &ToolIds,
) -> anyhow::Result<ToolIds> {
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
}

/// Stats of the calls in `[start, end)` (ms), grouped; days are those of `tz`.
pub(crate) fn stats(
    conn: &Connection,
    start: i64,
    end: i64,
    by: StatsBy,
    tz: &TimeZone,
) -> anyhow::Result<StatsReport> {
    let mut b = StatsBuilder::new(start, end, by, tz)?;
    if by != StatsBy::Day {
        let mut stmt = conn.prepare_cached("SELECT id, server, tool FROM tool_names")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let id: i64 = row.get(0)?;
            let server: String = row.get(1)?;
            b.tool(id, server, row.get_ref(2)?.as_str()?);
        }
    }
    let mut stmt = conn.prepare_cached(STATS_SQL)?;
    let mut rows = stmt.query(params![start, end])?;
    while let Some(row) = rows.next()? {
        let u = |i: usize| -> rusqlite::Result<u64> { Ok(row.get::<_, i64>(i)?.max(0) as u64) };
        b.call(
            row.get(0)?,
            row.get(1)?,
            row.get(2)?,
            u(3)?,
            [u(4)?, u(5)?, u(6)?],
        );
    }
    Ok(b.finish())
}

/// Every call recorded in `[start, end)` (ms), oldest first, as it was recorded (to the
/// millisecond).
pub(crate) fn recorded(conn: &Connection, start: i64, end: i64) -> anyhow::Result<Vec<ToolCall>> {
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

pub(crate) fn count(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT count(*) FROM tool_calls", [], |r| r.get(0))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::usage::calls::CallRecorder;
    use crate::usage::sqlite::SqliteStore;
    use crate::usage::{Db, DbLocation, Ledger, OpenMode};

    fn call(at: &str, server: &str, tool: &str, latency_us: u64, o: CallOutcome) -> ToolCall {
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

    fn db(path: &std::path::Path) -> Db {
        Db::with_machine(DbLocation::Sqlite(path.to_path_buf()), "m-test")
    }

    fn read(path: &std::path::Path) -> SqliteStore {
        SqliteStore::open_with(path, OpenMode::Read, "m-test").unwrap()
    }

    fn stats(
        store: &SqliteStore,
        start: i64,
        end: i64,
        by: StatsBy,
        tz: &TimeZone,
    ) -> anyhow::Result<StatsReport> {
        store.call_stats(start, end, by, tz)
    }

    /// Calls recorded from many threads at once all reach the store when the recorder is
    /// finished, and are read back grouped by server, tool and day.
    #[test]
    fn recorded_calls_are_written_and_summed() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("sub").join("usage.db");
        let recorder = Arc::new(CallRecorder::start(&self::db(&db)).unwrap());
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
        let store = read(&db);
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
        let r = stats(&store, start, end, StatsBy::Server, &TimeZone::UTC).unwrap();
        assert_eq!(r.totals.calls, 1000);
        assert_eq!(r.totals.errors, 100);
        assert_eq!(r.totals.tool_errors, 100);
        assert_eq!(r.totals.p50_us, Some(125));
        assert_eq!(r.totals.max_us, Some(250));
        assert_eq!(r.totals.bytes_out, 1_000_000);
        let keys: Vec<(&str, u64)> = r.rows.iter().map(|(k, s)| (k.as_str(), s.calls)).collect();
        assert_eq!(keys, [("s0", 500), ("s1", 500)]);
        let r = stats(&store, start, end, StatsBy::Tool, &TimeZone::UTC).unwrap();
        assert_eq!(r.rows[0].0, "s0__echo");
        let r = stats(&store, start, end, StatsBy::Day, &TimeZone::UTC).unwrap();
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
            CallRecorder::start(&self::db(&db)).unwrap(),
            CallRecorder::start(&self::db(&db)).unwrap(),
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
        let store = read(&db);
        let names: i64 = store
            .conn()
            .query_row("SELECT count(*) FROM tool_names", [], |r| r.get(0))
            .unwrap();
        assert_eq!(names, 3);
        let (start, end) = (0, i64::from(i32::MAX) * 1_000_000);
        let r = stats(&store, start, end, StatsBy::Tool, &TimeZone::UTC).unwrap();
        let rows: Vec<(&str, u64)> = r.rows.iter().map(|(k, s)| (k.as_str(), s.calls)).collect();
        assert_eq!(rows, [("s__x", 100), ("s__y", 100), ("s__z", 100)]);
    }

    /// A store edited by hand: a tool with a huge number is read as any other, and a call whose
    /// tool is not in `tool_names` is left out (no vector sized by a stored number).
    #[test]
    fn hand_edited_tool_numbers_are_read_safely() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("usage.db");
        let mut store = SqliteStore::open_with(&db, OpenMode::Write, "m-test").unwrap();
        store
            .record_calls(&[call("2026-03-01T10:00:00Z", "s", "t", 5, CallOutcome::Ok)])
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
            &store,
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
        let recorder = CallRecorder::start(&self::db(&db)).unwrap();
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
        let store = read(&db);
        let back = store
            .recorded_calls(0, i64::from(i32::MAX) * 1_000_000)
            .unwrap();
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
        let recorder = CallRecorder::start(&self::db(&db)).unwrap();
        for k in 0..500 {
            recorder.record(call("2026-03-01T10:00:00Z", "s", "t", k, CallOutcome::Ok));
        }
        drop(recorder);
        let store = read(&db);
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
        let recorder = CallRecorder::start(&self::db(&db)).unwrap();
        // hold the store's write lock so that the writer cannot empty the queue
        let blocker = Connection::open(&db).unwrap();
        blocker.execute_batch("BEGIN IMMEDIATE").unwrap();
        let n = crate::usage::calls::QUEUE as u64 + crate::usage::calls::BATCH as u64 + 1_000;
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
        let store = read(&db);
        let stored: i64 = store
            .conn()
            .query_row("SELECT count(*) FROM tool_calls", [], |r| r.get(0))
            .unwrap();
        assert_eq!(stored as u64 + dropped, n);
    }
}

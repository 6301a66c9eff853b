//! `aimcp mcp stats`: the call ledger that `aimcp mcp serve` writes, by server, tool and day;
//! table, JSON, CSV; exact nearest-rank percentiles; an empty or missing ledger; bad flags.
//!
//! Calls are written to a real store through the same `CallRecorder` the gateway uses.

use aimcp::usage::calls::{CallOutcome, CallRecorder, StatsDocument, ToolCall};

use crate::common::TestEnv;

fn call(at: &str, server: &str, tool: &str, latency_us: u64, outcome: CallOutcome) -> ToolCall {
    ToolCall {
        at: at.parse().unwrap(),
        server: server.into(),
        tool: tool.into(),
        client: Some("claude-code".into()),
        latency_us,
        outcome,
        bytes_in: 120,
        bytes_out: 2_048,
        result_tokens: 300,
    }
}

/// Records calls into the test's store, as the gateway would.
fn record(env: &TestEnv, calls: Vec<ToolCall>) {
    let recorder = CallRecorder::start(&aimcp::usage::Db::with_machine(
        aimcp::usage::DbLocation::Sqlite(env.db()),
        "test",
    ))
    .unwrap();
    for c in calls {
        recorder.record(c);
    }
    assert_eq!(recorder.dropped(), 0);
    recorder.finish();
}

/// `time__get` 20 calls of 1..=20 ms (one a timeout), `memory__read` 3 calls (one a tool
/// error) and `memory__write` 1 protocol error, on 2026-03-01 and 2026-03-02 (UTC); one more call
/// outside the window, on 2026-02-27.
fn seeded() -> TestEnv {
    let env = TestEnv::new();
    let mut calls = Vec::new();
    for ms in 1..=20u64 {
        let outcome = if ms == 20 {
            CallOutcome::Timeout
        } else {
            CallOutcome::Ok
        };
        calls.push(call(
            "2026-03-01T10:00:00Z",
            "time",
            "get",
            ms * 1_000,
            outcome,
        ));
    }
    calls.push(call(
        "2026-03-01T23:30:00Z",
        "memory",
        "read",
        400,
        CallOutcome::Ok,
    ));
    calls.push(call(
        "2026-03-02T08:00:00Z",
        "memory",
        "read",
        600,
        CallOutcome::ToolError,
    ));
    calls.push(call(
        "2026-03-02T09:00:00Z",
        "memory",
        "read",
        500,
        CallOutcome::Ok,
    ));
    calls.push(call(
        "2026-03-02T09:30:00Z",
        "memory",
        "write",
        2_500_000,
        CallOutcome::ProtocolError,
    ));
    calls.push(call(
        "2026-02-27T12:00:00Z",
        "time",
        "get",
        99_000_000,
        CallOutcome::Ok,
    ));
    record(&env, calls);
    env
}

fn stats(env: &TestEnv, extra: &[&str]) -> crate::common::Run {
    let mut args = vec![
        "mcp",
        "stats",
        "--since",
        "2026-03-01",
        "--until",
        "2026-03-02",
        "--tz",
        "UTC",
    ];
    args.extend_from_slice(extra);
    env.tokens(&args)
}

#[test]
fn a_table_by_server_with_totals() {
    let env = seeded();
    let run = stats(&env, &[]);
    run.assert_code(0);
    insta::assert_snapshot!(run.stdout, @r"
    server  calls     errors      p50      p95      max  bytes in  bytes out  result tokens
    time       20   1 (5.0%)  10.0 ms  19.0 ms  20.0 ms   2.3 KiB   40.0 KiB          6,000
    memory      4  2 (50.0%)  0.50 ms   2.50 s   2.50 s     480 B    8.0 KiB          1,200
    total      24  3 (12.5%)  9.00 ms  20.0 ms   2.50 s   2.8 KiB   48.0 KiB          7,200
    ");
    assert_eq!(run.stderr, "");
}

/// The JSON document has CLI.md's keys, parses back into the command's own type, and its
/// percentiles are the nearest-rank ones: of 1..=20 ms, p50 is the 10th (10 ms) and p95 the
/// 19th (⌈19⌉: 19 ms).
#[test]
fn json_by_tool_with_exact_percentiles() {
    let env = seeded();
    let run = stats(&env, &["--by", "tool", "--json"]);
    run.assert_code(0);
    let j = run.json();
    for k in [
        "key",
        "calls",
        "errors",
        "p50_ms",
        "p95_ms",
        "max_ms",
        "bytes_out",
        "result_tokens",
    ] {
        assert!(j["rows"][0].get(k).is_some(), "row misses {k}");
        if k != "key" {
            assert!(j["totals"].get(k).is_some(), "totals miss {k}");
        }
    }
    assert!(j["totals"].get("key").is_none());
    let doc: StatsDocument = serde_json::from_str(&run.stdout).unwrap();
    let rows: Vec<(&str, u64, u64)> = doc
        .rows
        .iter()
        .map(|r| (r.key.as_str(), r.figures.calls, r.figures.errors))
        .collect();
    assert_eq!(
        rows,
        [
            ("time__get", 20, 1),
            ("memory__read", 3, 1),
            ("memory__write", 1, 1)
        ]
    );
    let time = &doc.rows[0].figures;
    assert_eq!(
        (time.p50_ms, time.p95_ms, time.max_ms),
        (Some(10.0), Some(19.0), Some(20.0))
    );
    assert_eq!(time.timeouts, 1);
    let read = &doc.rows[1].figures;
    assert_eq!((read.p50_ms, read.p95_ms), (Some(0.5), Some(0.6)));
    assert_eq!(read.tool_errors, 1);
    assert_eq!(doc.rows[2].figures.protocol_errors, 1);
    // the totals: 24 calls; p50 the 12th of all latencies sorted
    assert_eq!(doc.totals.calls, 24);
    assert_eq!(doc.totals.errors, 3);
    assert_eq!(doc.totals.p50_ms, Some(9.0));
    assert_eq!(doc.totals.bytes_out, 24 * 2_048);
    assert_eq!(doc.totals.result_tokens, 24 * 300);
    assert_eq!(
        (doc.by.as_str(), doc.since.as_str(), doc.until.as_str()),
        ("tool", "2026-03-01T00:00:00Z", "2026-03-03T00:00:00Z")
    );
    assert_eq!(doc.percentiles, "nearest-rank");
}

/// Days follow the zone: the call at 23:30Z on March 1st is on March 2nd at +01:00, and every
/// day of the window has a row.
#[test]
fn by_day_in_a_zone() {
    let env = seeded();
    let run = env.tokens(&[
        "mcp",
        "stats",
        "--by",
        "day",
        "--since",
        "2026-03-01",
        "--until",
        "2026-03-03",
        "--tz",
        "+01:00",
        "--json",
    ]);
    run.assert_code(0);
    let doc: StatsDocument = serde_json::from_str(&run.stdout).unwrap();
    let days: Vec<(&str, u64)> = doc
        .rows
        .iter()
        .map(|r| (r.key.as_str(), r.figures.calls))
        .collect();
    assert_eq!(
        days,
        [("2026-03-01", 20), ("2026-03-02", 4), ("2026-03-03", 0)]
    );
    assert_eq!(doc.rows[2].figures.p50_ms, None);
    assert_eq!(doc.time_zone, "+01:00");
}

#[test]
fn csv_by_server() {
    let env = seeded();
    let run = stats(&env, &["--csv"]);
    run.assert_code(0);
    insta::assert_snapshot!(run.stdout, @r"
    server,calls,errors,p50_ms,p95_ms,max_ms,bytes_in,bytes_out,result_tokens,tool_errors,protocol_errors,timeouts
    time,20,1,10,19,20,2400,40960,6000,0,0,1
    memory,4,2,0.5,2500,2500,480,8192,1200,1,1,0
    ");
}

/// `--days` counts back from today (the run's clock), today included.
#[test]
fn the_last_days() {
    let env = seeded();
    let run = run_at(
        &env,
        "2026-03-02T12:00:00Z",
        &["mcp", "stats", "--days", "1", "--json"],
    );
    let doc: StatsDocument = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc.totals.calls, 3);
    let run = run_at(
        &env,
        "2026-03-02T12:00:00Z",
        &["mcp", "stats", "--days", "7", "--json"],
    );
    let doc: StatsDocument = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc.totals.calls, 25);
}

/// Runs `aimcp --db <temp> ARGS` in UTC with the clock pinned (`AIMCP_NOW`); exit 0.
fn run_at(env: &TestEnv, now: &str, args: &[&str]) -> crate::common::Run {
    let db = env.db();
    let mut full = vec!["--db", db.to_str().unwrap()];
    full.extend_from_slice(args);
    let run = crate::common::Run::from(
        env.cmd()
            .env("TZ", "UTC")
            .env("AIMCP_NOW", now)
            .args(&full)
            .output()
            .unwrap(),
    );
    run.assert_code(0);
    run
}

/// No store at all: the command says there is nothing, exits 0, and creates nothing.
#[test]
fn a_missing_ledger_says_so_and_creates_nothing() {
    let env = TestEnv::new();
    let run = stats(&env, &[]);
    run.assert_code(0);
    assert_eq!(run.stdout, "");
    insta::assert_snapshot!(run.stderr, @r"
    no tool calls recorded from 2026-03-01 to 2026-03-02
    hint: `aimcp mcp serve` records every tool call it passes on (unless `--no-record`)
    ");
    assert!(!env.db().exists());
    // with --json: the document, with no rows and zero totals
    let run = stats(&env, &["--json"]);
    run.assert_code(0);
    let doc: StatsDocument = serde_json::from_str(&run.stdout).unwrap();
    assert!(doc.rows.is_empty());
    assert_eq!((doc.totals.calls, doc.totals.p50_ms), (0, None));
    assert!(!env.db().exists());
}

/// A store with requests but no calls in the window: the same message.
#[test]
fn a_window_without_calls_says_so() {
    let env = seeded();
    let run = env.tokens(&[
        "mcp",
        "stats",
        "--since",
        "2026-01-01",
        "--until",
        "2026-01-01",
        "--tz",
        "UTC",
    ]);
    run.assert_code(0);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr
            .starts_with("no tool calls recorded on 2026-01-01\n"),
        "{}",
        run.stderr
    );
}

#[test]
fn bad_flags_are_exit_2() {
    let env = seeded();
    for (args, says) in [
        (
            vec!["--tz", "Mars/Olympus"],
            "unknown time zone `Mars/Olympus`",
        ),
        (vec!["--days", "0"], "invalid `--days 0`"),
        // past the calendar: an error, not a panic (and the same for `tokens summary`)
        (vec!["--days", "99999999"], "invalid `--days 99999999`"),
        (vec!["--since", "yesterday"], "invalid `--since yesterday`"),
        (vec!["--by", "model"], "invalid value 'model'"),
    ] {
        let mut full = vec!["mcp", "stats"];
        full.extend_from_slice(&args);
        let run = env.tokens(&full);
        run.assert_code(2);
        assert!(run.stderr.contains(says), "{args:?}: {}", run.stderr);
    }
    let run = env.tokens(&["tokens", "summary", "--days", "99999999"]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("invalid `--days 99999999`"),
        "{}",
        run.stderr
    );
    let run = env.tokens(&["--json", "mcp", "stats", "--csv"]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("`--csv` cannot be used with `--json`"),
        "{}",
        run.stderr
    );
}

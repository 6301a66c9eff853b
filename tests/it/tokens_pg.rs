//! The ledger on a real PostgreSQL server (see tests/it/common/pg.rs for the throwaway cluster).

use crate::common::pg;

/// The harness's cluster listens on loopback only, asks for the password over TCP, and gives
/// every test a database of its own.
#[test]
fn the_test_cluster_asks_for_a_password_and_gives_each_test_its_own_database() {
    let Some(a) = pg::db() else { return };
    let b = pg::db().unwrap();
    assert_ne!(a.name, b.name);
    assert_eq!(a.sql("SHOW listen_addresses"), [["127.0.0.1"]]);
    a.sql("CREATE TABLE only_in_a (x int)");
    assert_eq!(
        b.sql_i64("SELECT count(*) FROM pg_tables WHERE tablename = 'only_in_a'"),
        0
    );
    // the server does not run as root (initdb and postgres refuse to)
    let owner = std::fs::metadata(pg::cluster().unwrap().dir.join("data")).unwrap();
    assert_ne!(std::os::unix::fs::MetadataExt::uid(&owner), 0);
    // a wrong password is refused: the cluster does not trust TCP connections
    let out = std::process::Command::new(pg::bin_dir().unwrap().join("psql"))
        .args([
            "-X",
            "-h",
            "127.0.0.1",
            "-p",
            &a.port.to_string(),
            "-U",
            pg::USER,
        ])
        .args(["-d", &a.name, "-c", "SELECT 1"])
        .env("PGPASSWORD", "wrong")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("password authentication failed"), "{err}");
}

/// A cluster whose test process was killed (so it never stopped its server) is stopped and
/// removed by the next run.
#[test]
fn a_cluster_left_by_a_killed_run_is_reaped() {
    let Some(cluster) = pg::own_cluster() else {
        return;
    };
    let postmaster: i32 = std::fs::read_to_string(cluster.dir.join("data/postmaster.pid"))
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(crate::common::servers::alive(postmaster));
    // make it look like the cluster of a process that is gone
    let mut gone = std::process::Command::new("true").spawn().unwrap();
    let dead = gone.id();
    gone.wait().unwrap();
    std::fs::write(cluster.dir.join("owner"), dead.to_string()).unwrap();
    pg::reap_stale();
    assert!(!cluster.dir.exists(), "{}", cluster.dir.display());
    for _ in 0..100 {
        if !crate::common::servers::alive(postmaster) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("the stale cluster's postmaster {postmaster} still runs");
}

#[test]
fn no_postgresql_fails_on_ci_and_is_skipped_elsewhere() {
    for ci in ["true", "1", "yes"] {
        assert!(pg::on_ci(Some(ci)), "{ci}");
    }
    for not_ci in [None, Some(""), Some("0"), Some("false")] {
        assert!(!pg::on_ci(not_ci), "{not_ci:?}");
    }
    let failure = pg::unavailable("initdb is missing", true).unwrap_err();
    assert!(failure.contains("initdb is missing"), "{failure}");
    assert!(
        pg::unavailable("initdb is missing", false)
            .unwrap()
            .starts_with("skipped: ")
    );
}
// ---- the same commands against SQLite and PostgreSQL -----------------------------------------

use crate::common::{Run, TestEnv};

/// Where a scenario's ledger is: the SQLite file of the test's temp folder, or a database of
/// the PostgreSQL cluster.
enum Store {
    Sqlite,
    Postgres(pg::Db),
}

/// One ledger and the environment its commands run in (UTC, user alice, machine `laptop-1`).
struct Ledger {
    env: TestEnv,
    store: Store,
}

impl Ledger {
    fn location(&self) -> String {
        match &self.store {
            Store::Sqlite => self.env.db().display().to_string(),
            Store::Postgres(db) => db.url(),
        }
    }

    fn cmd(&self, args: &[&str]) -> std::process::Command {
        let mut cmd = self.env.cmd();
        cmd.env("TZ", "UTC")
            .env("USER", "alice")
            .env("AIMCP_MACHINE", "laptop-1")
            .arg("--db")
            .arg(self.location())
            .args(args);
        cmd
    }

    fn run(&self, args: &[&str]) -> Run {
        Run::from(self.cmd(args).output().unwrap())
    }

    fn run_stdin(&self, args: &[&str], input: &str) -> Run {
        self.run_at(None, args, input)
    }

    /// A run with `input` on stdin and, with `now`, the clock pinned there (`AIMCP_NOW`).
    fn run_at(&self, now: Option<&str>, args: &[&str], input: &str) -> Run {
        use std::io::Write;
        let mut cmd = self.cmd(args);
        if let Some(now) = now {
            cmd.env("AIMCP_NOW", now);
        }
        let mut child = cmd
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let input = input.to_string();
        let writer = std::thread::spawn(move || {
            let _ = stdin.write_all(input.as_bytes());
        });
        let out = child.wait_with_output().unwrap();
        writer.join().unwrap();
        Run::from(out)
    }

    /// What a run printed, with the ledger's location (a path or a URL, as given or without its
    /// password) written `<DB>`, so that the two stores' outputs can be compared.
    fn normalized(&self, run: &Run) -> (i32, String, String) {
        let mut names = vec![self.location()];
        if let Store::Postgres(db) = &self.store {
            names.push(aimcp::usage::ledger::redact_url(&db.url()));
        }
        let clean = |s: &str| {
            let mut s = s.to_string();
            for n in &names {
                s = s.replace(n.as_str(), "<DB>");
            }
            s
        };
        (run.code, clean(&run.stdout), clean(&run.stderr))
    }
}

/// The two ledgers of a comparison, or `None` when there is no PostgreSQL (see pg.rs).
fn both() -> Option<[Ledger; 2]> {
    let db = pg::db()?;
    Some([
        Ledger {
            env: TestEnv::new(),
            store: Store::Sqlite,
        },
        Ledger {
            env: TestEnv::new(),
            store: Store::Postgres(db),
        },
    ])
}

/// Runs the same steps against both stores and asserts that every step printed the same
/// (byte for byte, but for the ledger's location) and exited the same.
#[track_caller]
fn same(ledgers: &[Ledger; 2], step: impl Fn(&Ledger) -> Run) {
    let [a, b] = ledgers;
    let (ra, rb) = (step(a), step(b));
    let (na, nb) = (a.normalized(&ra), b.normalized(&rb));
    assert_eq!(
        na, nb,
        "SQLite (left) and PostgreSQL (right) differ\n--- sqlite stderr\n{}\n--- postgres stderr\n{}",
        ra.stderr, rb.stderr
    );
}

const BATCH: &str = concat!(
    r#"{"provider":"anthropic","model":"claude-haiku-4-5","input":1000,"output":200,"at":"2026-03-02T08:00:00Z","user":"bob","project":"web","request_id":"x1"}"#,
    "\n",
    r#"{"provider":"openai","model":"gpt-5-mini","input":4000,"output":100,"cache_read":1000,"cost":"0.5","session":"s1","at":"2026-03-02T09:30:00Z","project":"api","org":"acme"}"#,
    "\n",
    r#"{"provider":"anthropic","model":"claude-sonnet-4-5","input":10,"output":5000,"cache_read":20000,"cache_write":3000,"cache_write_1h":100,"reasoning":40,"at":"2026-03-01T23:59:59.999Z","project":"web","latency_ms":900}"#,
    "\n",
    r#"{"provider":"acme","model":"acme-1","input":7,"output":7,"at":"2026-02-27T12:00:00Z","project":"web","failed":true}"#,
    "\n",
    r#"{"provider":"anthropic","model":"claude-haiku-4-5","input":3000,"output":10,"at":"2026-03-02T08:00:00Z","user":"bob","project":"web","request_id":"x1"}"#,
    "\n",
    r#"{"provider":"openai","model":"gpt-5","input":123456,"output":7890,"at":"2026-03-03T00:00:00Z","user":"carol","project":"api","org":"acme","request_id":"r-9"}"#,
    "\n",
);

/// record (flags and JSON lines, a request id recorded again), summary by every `--by` in
/// text, JSON and CSV, budgets (set, list, status, remove), check, export: the same output.
#[test]
fn both_stores_answer_the_same() {
    let Some(ledgers) = both() else { return };
    let l = &ledgers;
    same(l, |s| {
        s.run_stdin(&["--json", "tokens", "record", "--jsonl", "-"], BATCH)
    });
    same(l, |s| {
        s.run(&[
            "tokens",
            "record",
            "--provider",
            "anthropic",
            "--model",
            "claude-opus-4-5",
            "--input",
            "50",
            "--output",
            "60",
            "--at",
            "2026-03-02T10:15:00+02:00",
            "--project",
            "web",
            "--request-id",
            "x1",
        ])
    });
    same(l, |s| {
        s.run(&[
            "--json",
            "tokens",
            "record",
            "--provider",
            "openai",
            "--model",
            "gpt-5",
            "--input",
            "1",
            "--output",
            "2",
            "--at",
            "2026-03-02T11:00:00Z",
            "--project",
            "api",
            "--cost",
            "0.000000001",
        ])
    });
    // a bad line: exit 2, nothing recorded, on both
    same(l, |s| {
        s.run_stdin(
            &["tokens", "record", "--jsonl", "-"],
            "{\"provider\":\"openai\",\"model\":\"gpt-5\",\"input\":1,\"output\":1}\n{\"provider\":\"x\"}\n",
        )
    });
    for by in [
        "day", "week", "month", "provider", "model", "user", "project", "machine",
    ] {
        for format in [&[][..], &["--json"][..], &["--csv"][..]] {
            same(l, |s| {
                let mut args = vec![
                    "tokens",
                    "summary",
                    "--since",
                    "2026-02-20",
                    "--until",
                    "2026-03-05",
                    "--by",
                    by,
                ];
                args.extend_from_slice(format);
                s.run(&args)
            });
        }
    }
    // a window with ragged edges (hours and minutes), in a zone with a half-hour offset
    same(l, |s| {
        s.run(&[
            "--json",
            "tokens",
            "summary",
            "--since",
            "2026-03-01T23:30:00Z",
            "--until",
            "2026-03-02T09:45:00Z",
            "--by",
            "model",
            "--tz",
            "+05:30",
        ])
    });
    same(l, |s| {
        s.run(&[
            "--json",
            "tokens",
            "summary",
            "--since",
            "2026-03-01",
            "--until",
            "2026-03-03",
            "--tz",
            "+05:30",
        ])
    });
    same(l, |s| {
        s.run(&[
            "--json",
            "tokens",
            "summary",
            "--since",
            "2026-03-02",
            "--budget",
            "0.01",
        ])
    });
    same(l, |s| {
        s.run(&["--json", "tokens", "budget", "set", "--daily", "10"])
    });
    same(l, |s| {
        s.run(&[
            "tokens",
            "budget",
            "set",
            "--monthly",
            "0.05",
            "--scope",
            "project:web",
        ])
    });
    same(l, |s| {
        s.run(&[
            "tokens",
            "budget",
            "set",
            "--per-request",
            "0.001",
            "--scope",
            "org:acme",
            "--thresholds",
            "50,75,100",
        ])
    });
    same(l, |s| s.run(&["tokens", "budget", "list"]));
    same(l, |s| s.run(&["--json", "tokens", "budget", "list"]));
    same(l, |s| s.run(&["--json", "tokens", "budget", "status"]));
    same(l, |s| s.run(&["tokens", "check"]));
    same(l, |s| {
        s.run(&["--json", "tokens", "check", "--estimate", "0.5"])
    });
    same(l, |s| s.run(&["tokens", "budget", "remove", "2"]));
    same(l, |s| s.run(&["tokens", "budget", "remove", "99"]));
    same(l, |s| s.run(&["--json", "tokens", "budget", "list"]));
    same(l, |s| {
        s.run(&["tokens", "export", "--csv", "--since", "2026-02-01"])
    });
    same(l, |s| {
        s.run(&[
            "tokens",
            "export",
            "--jsonl",
            "--since",
            "2026-03-02",
            "--until",
            "2026-03-02",
        ])
    });
}

/// Claude Code's logs imported into both (streamed duplicates, subagents, a second run that
/// adds nothing), then summarised: the same.
#[test]
fn both_stores_import_the_same() {
    let Some(ledgers) = both() else { return };
    for l in &ledgers {
        crate::tokens_import::claude_logs(&l.env);
    }
    same(&ledgers, |s| s.run(&["tokens", "import", "claude-code"]));
    same(&ledgers, |s| {
        s.run(&["--json", "tokens", "import", "claude-code"])
    });
    for by in ["day", "model", "project"] {
        same(&ledgers, |s| {
            s.run(&[
                "--json",
                "tokens",
                "summary",
                "--since",
                "2026-02-28",
                "--until",
                "2026-03-03",
                "--by",
                by,
            ])
        });
    }
    same(&ledgers, |s| {
        s.run(&["tokens", "export", "--jsonl", "--since", "2026-02-01"])
    });
}

/// 400 requests over about four days (xorshift, fixed seed): Claude models mostly, some
/// OpenAI, in sessions, with cache writes (5-minute and 1-hour), short and long outputs,
/// latencies and failures, quiet stretches of more than 5 hours between busy ones.
fn report_rows() -> String {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = |n: u64| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x % n
    };
    let models = [
        ("anthropic", "claude-opus-4-5"),
        ("anthropic", "claude-sonnet-4-5"),
        ("anthropic", "claude-haiku-4-5"),
        ("openai", "gpt-5"),
    ];
    let mut ts: i64 = 1_772_323_200_000; // 2026-03-01T00:00:00Z
    let mut out = String::new();
    for i in 0..400 {
        ts += match next(40) {
            0 => 6 * 3_600_000 + next(3_600_000) as i64,
            1..=3 => 3_600_000 + next(3_600_000) as i64,
            _ => next(900_000) as i64,
        };
        let (provider, model) = models[next(4) as usize];
        let at = jiff::Timestamp::from_millisecond(ts).unwrap();
        let mut line = format!(
            r#"{{"provider":"{provider}","model":"{model}","input":{},"output":{},"cache_read":{},"at":"{at}","user":"{}","project":"{}","request_id":"q{i}""#,
            next(5000),
            if next(3) == 0 { next(150) } else { next(3000) },
            if next(3) == 0 { next(20000) } else { 0 },
            ["alice", "bob", "carol"][next(3) as usize],
            ["web", "api"][next(2) as usize],
        );
        match next(4) {
            0 => {}
            n => line += &format!(r#","session":"s{n}""#),
        }
        match next(5) {
            0 => line += &format!(r#","cache_write":{}"#, 1 + next(8000)),
            1 => line += &format!(r#","cache_write_1h":{}"#, 1 + next(8000)),
            _ => {}
        }
        if next(3) == 0 {
            line += &format!(r#","latency_ms":{}"#, 100 + next(5000));
        }
        if next(12) == 0 {
            line += r#","failed":true"#;
        }
        out += &line;
        out += "}\n";
    }
    out
}

/// `tokens report` (every format, by every dimension, ragged windows, a zone off whole
/// hours), `tokens blocks` and `tokens statusline` over the same rows: the same output from
/// both stores, at clocks after the rows and inside them.
#[test]
fn both_stores_report_the_same() {
    let Some(ledgers) = both() else { return };
    let rows = report_rows();
    same(&ledgers, |s| {
        s.run_stdin(&["tokens", "record", "--jsonl", "-"], &rows)
    });
    same(&ledgers, |s| {
        s.run(&["tokens", "budget", "set", "--daily", "0.5"])
    });
    let at = |s: &Ledger, now: &str, args: &[&str], input: &str| s.run_at(Some(now), args, input);
    // the JSON report has what the comparison must cover
    let json = at(
        &ledgers[0],
        "2026-03-05T12:00:00Z",
        &["tokens", "report", "--days", "7", "--format", "json"],
        "",
    );
    assert_eq!(json.code, 0, "{}", json.stderr);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let text = v.to_string();
    for needle in ["claude-opus-4-5", "latency", "cache"] {
        assert!(text.contains(needle), "{needle} in {text}");
    }
    for now in [
        "2026-03-05T12:00:00Z",
        "2026-03-02T06:00:00Z",
        "2026-03-02T06:03:00Z",
    ] {
        for args in [
            &["tokens", "report", "--days", "7", "--format", "json"][..],
            &["tokens", "report", "--days", "3", "--format", "markdown"][..],
            &["tokens", "report", "--days", "30", "--format", "text"][..],
            &[
                "tokens",
                "report",
                "--since",
                "2026-03-01",
                "--until",
                "2026-03-06",
                "--format",
                "json",
            ][..],
            &[
                "tokens",
                "report",
                "--since",
                "2026-03-01T05:17:00Z",
                "--until",
                "2026-03-03T19:41:00Z",
                "--format",
                "json",
            ][..],
            &[
                "tokens", "report", "--days", "7", "--tz", "+05:30", "--by", "user", "--format",
                "json",
            ][..],
            &[
                "tokens", "report", "--days", "7", "--by", "project", "--format", "json",
            ][..],
            &["--json", "tokens", "blocks", "--days", "4"][..],
            &["--json", "tokens", "blocks", "--days", "30"][..],
            &["tokens", "blocks", "--active"][..],
        ] {
            same(&ledgers, |s| at(s, now, args, ""));
        }
        for hook in [
            r#"{"session_id":"s1","model":{"display_name":"Opus"}}"#,
            r#"{"session_id":"s3"}"#,
            r#"{"session_id":"none"}"#,
            "",
        ] {
            same(&ledgers, |s| at(s, now, &["tokens", "statusline"], hook));
        }
    }
}

/// `mcp stats` of the calls the gateway's recorder wrote: the same from both stores.
#[test]
fn both_stores_keep_the_same_call_stats() {
    use aimcp::usage::calls::{CallOutcome, CallRecorder, ToolCall};
    let Some(ledgers) = both() else { return };
    for l in &ledgers {
        let location = aimcp::usage::ledger::DbLocation::parse(
            std::ffi::OsStr::new(&l.location()),
            &l.env.project,
        );
        let recorder = CallRecorder::start(&aimcp::usage::ledger::Db::with_machine(
            location, "laptop-1",
        ))
        .unwrap();
        for i in 0..40u64 {
            let outcome = CallOutcome::ALL[(i % 5).min(3) as usize];
            recorder.record(ToolCall {
                at: format!("2026-03-0{}T{:02}:00:00Z", 1 + i % 2, i % 24)
                    .parse()
                    .unwrap(),
                server: ["time", "memory"][(i % 2) as usize].into(),
                tool: ["get", "read", "write"][(i % 3) as usize].into(),
                client: Some("claude-code".into()),
                latency_us: 1_000 * (i + 1),
                outcome,
                bytes_in: 100 + i,
                bytes_out: 2_000 + i,
                result_tokens: 30 * i,
            });
        }
        assert_eq!(recorder.dropped(), 0);
        recorder.finish();
    }
    for by in ["server", "tool", "day"] {
        for json in [false, true] {
            same(&ledgers, |s| {
                let mut args = vec![
                    "mcp",
                    "stats",
                    "--since",
                    "2026-03-01",
                    "--until",
                    "2026-03-02",
                    "--tz",
                    "UTC",
                    "--by",
                    by,
                ];
                if json {
                    args.insert(0, "--json");
                }
                s.run(&args)
            });
        }
    }
}

// ---- concurrency ------------------------------------------------------------------------------

/// The rollups (by hour and group, by day and group, by hour) hold exactly what a recount of
/// the rows gives, group by group.
#[track_caller]
fn assert_rollups_match_a_recount(db: &pg::Db) {
    let sums = "sum(input), sum(output), sum(cache_read), sum(cache_write_5m), \
        sum(cache_write_1h), sum(reasoning), sum(cost_nanos)";
    let groups = "provider, model, username, project, org, machine";
    for (table, unit, ms) in [
        ("rollup", "hour", 3_600_000i64),
        ("rollup_day", "day", 86_400_000),
    ] {
        let diff = db.sql(&format!(
            "WITH counted AS (SELECT ts / {ms} AS {unit}, {groups}, count(*) AS requests, {sums}, \
                 sum((cost_source = 'unpriced')::int) AS unpriced FROM requests GROUP BY 1, 2, 3, 4, 5, 6, 7),
             kept AS (SELECT {unit}, {groups}, requests, input, output, cache_read, cache_write_5m,
                 cache_write_1h, reasoning, cost_nanos, unpriced FROM {table} WHERE requests <> 0)
             (SELECT * FROM counted EXCEPT SELECT * FROM kept)
             UNION ALL (SELECT * FROM kept EXCEPT SELECT * FROM counted)"
        ));
        assert!(diff.is_empty(), "{table} differs from a recount: {diff:?}");
    }
    let diff = db.sql(&format!(
        "WITH counted AS (SELECT ts / 3600000 AS hour, count(*) AS requests, {sums}, \
             sum((cost_source = 'unpriced')::int) AS unpriced FROM requests GROUP BY 1),
         kept AS (SELECT hour, requests, input, output, cache_read, cache_write_5m,
             cache_write_1h, reasoning, cost_nanos, unpriced FROM rollup_hour WHERE requests <> 0)
         (SELECT * FROM counted EXCEPT SELECT * FROM kept)
         UNION ALL (SELECT * FROM kept EXCEPT SELECT * FROM counted)"
    ));
    assert!(
        diff.is_empty(),
        "rollup_hour differs from a recount: {diff:?}"
    );
}

/// Eight processes × 2,000 records into one PostgreSQL ledger that none of them has made yet
/// (they race to create its schema too): every row exactly once, the rollups equal to a
/// recount. Each writer also records the same 100 shared request ids (replacing each other's
/// rows): 100 rows for them in the end, not 800.
#[test]
fn eight_processes_record_into_one_postgresql_ledger() {
    let Some(db) = pg::db() else { return };
    let ledger = Ledger {
        env: TestEnv::new(),
        store: Store::Postgres(db),
    };
    let (writers, batches, per_batch, singles, shared) = (8, 15, 130, 40, 100);
    std::thread::scope(|s| {
        for w in 0..writers {
            let ledger = &ledger;
            s.spawn(move || {
                for b in 0..batches {
                    let mut input = String::new();
                    for i in 0..per_batch {
                        input.push_str(&format!(
                            r#"{{"provider":"anthropic","model":"claude-sonnet-4-5","input":{},"output":1,"user":"u{w}","at":"2026-03-0{}T{:02}:{:02}:00Z","request_id":"w{w}-b{b}-{i}"}}"#,
                            i + 1,
                            1 + b % 3,
                            i % 24,
                            (w * 7) % 60
                        ));
                        input.push('\n');
                    }
                    if b < 10 {
                        for j in 0..shared / 10 {
                            let k = b * (shared / 10) + j;
                            input.push_str(&format!(
                                r#"{{"provider":"openai","model":"gpt-5","input":{k},"output":2,"at":"2026-03-02T12:00:00Z","request_id":"shared-{k}"}}"#
                            ));
                            input.push('\n');
                        }
                    }
                    let run = ledger.run_stdin(&["tokens", "record", "--jsonl", "-"], &input);
                    assert_eq!(run.code, 0, "{}", run.stderr);
                }
                for i in 0..singles {
                    let id = format!("single-{w}-{i}");
                    let run = ledger.run(&[
                        "tokens", "record", "--provider", "openai", "--model", "gpt-5",
                        "--input", "1", "--output", "1", "--request-id", &id,
                        "--at", "2026-03-03T00:00:00Z",
                    ]);
                    assert_eq!(run.code, 0, "{}", run.stderr);
                }
            });
        }
    });
    let Store::Postgres(db) = &ledger.store else {
        unreachable!()
    };
    // 8 × (15 × 130 + 40) = 16,000 own rows, + 100 shared ones
    let own = (writers * (batches * per_batch + singles)) as i64;
    assert_eq!(own, 15_920);
    assert_eq!(
        db.sql_i64("SELECT count(*) FROM requests"),
        own + shared as i64
    );
    assert_eq!(
        db.sql_i64("SELECT count(DISTINCT (source, request_id)) FROM requests"),
        own + shared as i64
    );
    assert_rollups_match_a_recount(db);
    let summary = ledger.run(&[
        "--json",
        "tokens",
        "summary",
        "--since",
        "2026-03-01",
        "--until",
        "2026-03-03",
    ]);
    summary.assert_code(0);
    assert_eq!(summary.json()["totals"]["requests"], own + shared as i64);
}

// ---- faults -----------------------------------------------------------------------------------

/// A wrong password: exit 1, the server's reason, what to check; the password (right or
/// wrong, in either form) appears nowhere in the output.
#[test]
fn a_wrong_password_is_a_clear_error_that_shows_no_password() {
    let Some(db) = pg::db() else { return };
    let env = TestEnv::new();
    let url = format!(
        "postgres://{}:wr%40ng-secret@127.0.0.1:{}/{}",
        pg::USER,
        db.port,
        db.name
    );
    let run = Run::from(
        env.cmd()
            .args(["--db", &url, "tokens", "summary", "--days", "1"])
            .output()
            .unwrap(),
    );
    run.assert_code(1);
    assert!(
        run.stderr.contains("password authentication failed"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("hint: "), "{}", run.stderr);
    for secret in [
        "wr%40ng-secret",
        "wr@ng-secret",
        pg::PASSWORD,
        pg::PASSWORD_IN_URL,
    ] {
        assert!(!run.stderr.contains(secret), "{secret} in {}", run.stderr);
        assert!(!run.stdout.contains(secret), "{secret} in {}", run.stdout);
    }
    // no password at all (none in the URL, PGPASSWORD or ~/.pgpass)
    let url = format!("postgres://{}@127.0.0.1:{}/{}", pg::USER, db.port, db.name);
    let run = Run::from(
        env.cmd()
            .args(["--db", &url, "tokens", "summary", "--days", "1"])
            .env_remove("PGPASSWORD")
            .output()
            .unwrap(),
    );
    run.assert_code(1);
    assert!(run.stderr.contains("cannot connect"), "{}", run.stderr);
    // PGPASSWORD, and ~/.pgpass (mode 0600), give it
    let run = Run::from(
        env.cmd()
            .args(["--db", &url, "--json", "tokens", "summary", "--days", "1"])
            .env("PGPASSWORD", pg::PASSWORD)
            .output()
            .unwrap(),
    );
    run.assert_code(0);
    let pgpass = env.home.join(".pgpass");
    std::fs::write(
        &pgpass,
        format!(
            "127.0.0.1:{}:*:{}:{}\n",
            db.port,
            pg::USER,
            pg::PASSWORD.replace(':', "\\:")
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&pgpass, std::fs::Permissions::from_mode(0o600)).unwrap();
    let run = Run::from(
        env.cmd()
            .args(["--db", &url, "--json", "tokens", "summary", "--days", "1"])
            .env_remove("PGPASSWORD")
            .output()
            .unwrap(),
    );
    run.assert_code(0);
}

/// Nothing listens on the port: exit 1 at once (not a hang), naming the URL without its
/// password, with a hint.
#[test]
fn an_unreachable_server_is_a_clear_error() {
    let env = TestEnv::new();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("postgres://ann:s3cret@127.0.0.1:{port}/ledger");
    let started = std::time::Instant::now();
    let run = Run::from(
        env.cmd()
            .args([
                "--db",
                &url,
                "tokens",
                "record",
                "--provider",
                "openai",
                "--model",
                "gpt-5",
                "--input",
                "1",
                "--output",
                "1",
            ])
            .output()
            .unwrap(),
    );
    run.assert_code(1);
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
    assert!(
        run.stderr
            .contains("cannot connect to the ledger at `postgres://ann:***@127.0.0.1"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("hint: "), "{}", run.stderr);
    assert!(!run.stderr.contains("s3cret"), "{}", run.stderr);
    // a malformed URL is bad input: exit 2
    let run = Run::from(
        env.cmd()
            .args([
                "--db",
                "postgres://ann:s3cret@127.0.0.1:notaport/ledger",
                "tokens",
                "summary",
            ])
            .output()
            .unwrap(),
    );
    run.assert_code(2);
    assert!(!run.stderr.contains("s3cret"), "{}", run.stderr);
}

/// An empty database gets its schema on first use (by a reader too); a role that may not
/// create tables in an empty database is told so, and what to do.
#[test]
fn a_database_without_the_schema_is_migrated_or_refused_clearly() {
    let Some(db) = pg::db() else { return };
    let fresh = Ledger {
        env: TestEnv::new(),
        store: Store::Postgres(db),
    };
    let run = fresh.run(&["--json", "tokens", "summary", "--days", "3"]);
    run.assert_code(0);
    assert_eq!(run.json()["totals"]["requests"], 0);
    let Store::Postgres(db) = &fresh.store else {
        unreachable!()
    };
    assert_eq!(db.sql_i64("SELECT version FROM aimcp_schema"), 4);
    // a second database, and a role that may only connect to it
    let empty = pg::db().unwrap();
    let role = format!("reader_{}", empty.name);
    empty.sql(&format!("CREATE ROLE {role} LOGIN PASSWORD 'r3ader'"));
    let url = format!(
        "postgres://{role}:r3ader@127.0.0.1:{}/{}",
        empty.port, empty.name
    );
    let env = TestEnv::new();
    let run = Run::from(
        env.cmd()
            .args(["--db", &url, "tokens", "summary"])
            .output()
            .unwrap(),
    );
    run.assert_code(1);
    assert!(run.stderr.contains("no aimcp ledger yet"), "{}", run.stderr);
    assert!(run.stderr.contains("hint: "), "{}", run.stderr);
    assert!(!run.stderr.contains("r3ader"), "{}", run.stderr);
    assert_eq!(
        empty.sql_i64("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"),
        0
    );
}

// ---- sync into PostgreSQL ---------------------------------------------------------------------

/// A SQLite ledger of `rows` requests recorded on machine `machine` through the CLI: every
/// third without a request id, and the ids `shared-0..100` the same on every machine.
fn sqlite_ledger(env: &TestEnv, machine: &str, rows: usize) -> std::path::PathBuf {
    let db = env.root.path().join(format!("{machine}.db"));
    let mut input = String::new();
    for i in 0..rows {
        let id = if i < 100 {
            format!(r#","request_id":"shared-{i}""#)
        } else if i % 3 == 0 {
            String::new()
        } else {
            format!(r#","request_id":"{machine}-{i}""#)
        };
        input.push_str(&format!(
            r#"{{"provider":"anthropic","model":"claude-sonnet-4-5","input":{},"output":{},"user":"{machine}-user","at":"2026-03-0{}T{:02}:{:02}:00Z"{id}}}"#,
            i % 1000 + 1,
            i % 7,
            1 + i % 3,
            i % 24,
            i % 60
        ));
        input.push('\n');
    }
    use std::io::Write;
    let mut child = sync_cmd(env, machine, &db, &["tokens", "record", "--jsonl", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let run = Run::from(child.wait_with_output().unwrap());
    run.assert_code(0);
    db
}

/// `aimcp --db DB ARGS` as machine `machine`.
fn sync_cmd(
    env: &TestEnv,
    machine: &str,
    db: &std::path::Path,
    args: &[&str],
) -> std::process::Command {
    let mut cmd = env.cmd();
    cmd.env("AIMCP_MACHINE", machine)
        .env("TZ", "UTC")
        .arg("--db")
        .arg(db)
        .args(args);
    cmd
}

/// `tokens sync --json --to URL` from the SQLite ledger `db` of machine `machine`.
fn sync_to(
    env: &TestEnv,
    machine: &str,
    db: &std::path::Path,
    url: &str,
) -> aimcp::commands::tokens::sync::SyncJson {
    let run = Run::from(
        sync_cmd(env, machine, db, &["--json", "tokens", "sync", "--to", url])
            .output()
            .unwrap(),
    );
    run.assert_code(0);
    assert!(
        !run.stdout.contains(pg::PASSWORD_IN_URL) && !run.stderr.contains(pg::PASSWORD_IN_URL),
        "the password was printed"
    );
    serde_json::from_str(&run.stdout).unwrap()
}

/// Four machines sync into one PostgreSQL ledger at once, each with `aimcp tokens sync`:
/// every row exactly once (the 100 request ids all four recorded once in all), the rollups
/// equal to a recount; a second round adds nothing; `summary --by machine` on the team ledger
/// shows each machine's rows.
#[test]
fn four_syncs_at_once_add_every_row_exactly_once() {
    let Some(db) = pg::db() else { return };
    let env = TestEnv::new();
    let per_machine = 6_000;
    let files: Vec<_> = (0..4)
        .map(|k| sqlite_ledger(&env, &format!("m{k}"), per_machine))
        .collect();
    let url = db.url();
    for round in 0..2 {
        std::thread::scope(|s| {
            for (k, file) in files.iter().enumerate() {
                let (url, env) = (&url, &env);
                s.spawn(move || {
                    let sent = sync_to(env, &format!("m{k}"), file, url);
                    if round == 1 {
                        assert_eq!(
                            (sent.sent, sent.already_there),
                            (0, 0),
                            "the marks moved on"
                        );
                    } else {
                        assert_eq!(sent.sent + sent.already_there, per_machine as u64);
                        assert_eq!(sent.machine, format!("m{k}"));
                    }
                });
            }
        });
    }
    let unique = 4 * (per_machine as i64 - 100) + 100;
    assert_eq!(db.sql_i64("SELECT count(*) FROM requests"), unique);
    assert_eq!(
        db.sql_i64(
            "SELECT count(DISTINCT coalesce(request_id, origin_store || '/' || origin)) \
             FROM requests"
        ),
        unique
    );
    assert_rollups_match_a_recount(&db);
    // sending everything again (the marks forgotten) adds nothing either: the ledger finds
    // the repeats
    rusqlite::Connection::open(&files[2])
        .unwrap()
        .execute("DELETE FROM sync_marks", [])
        .unwrap();
    let again = sync_to(&env, "m2", &files[2], &url);
    assert_eq!(
        (again.sent, again.updated, again.already_there),
        (0, 0, per_machine as u64)
    );
    assert_eq!(db.sql_i64("SELECT count(*) FROM requests"), unique);
    // each row keeps the machine that recorded it (the shared ids: whichever came first)
    let machines = db.sql("SELECT machine FROM requests GROUP BY 1 ORDER BY 1");
    assert_eq!(machines, [["m0"], ["m1"], ["m2"], ["m3"]]);
    let ledger = Ledger {
        env: TestEnv::new(),
        store: Store::Postgres(db),
    };
    let run = ledger.run(&[
        "--json",
        "tokens",
        "summary",
        "--since",
        "2026-03-01",
        "--until",
        "2026-03-03",
    ]);
    run.assert_code(0);
    assert_eq!(run.json()["totals"]["requests"], unique);
}

/// The server restarts while `aimcp tokens sync` runs: the sync fails clearly (the
/// connection was lost, the batch under way rolled back, no password shown); a re-run carries
/// on from the last committed batch, and in the end every row is there once.
#[test]
fn a_sync_cut_by_a_server_restart_completes_on_a_rerun() {
    let Some(cluster) = pg::own_cluster() else {
        return;
    };
    let db = cluster.database().unwrap();
    let env = TestEnv::new();
    let rows = 200_000;
    let file = sqlite_ledger(&env, "m0", rows);
    let url = db.url();
    let child = sync_cmd(&env, "m0", &file, &["tokens", "sync", "--to", &url])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // restart the server once the target holds a batch or more (its schema is made first)
    let started = std::time::Instant::now();
    let mut seen = 0;
    while started.elapsed() < std::time::Duration::from_secs(120) {
        if db.sql_i64("SELECT count(*) FROM pg_tables WHERE tablename = 'aimcp_meta'") > 0 {
            seen = db.sql_i64("SELECT count(*) FROM requests");
        }
        if seen > 0 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(seen > 0, "the sync wrote nothing");
    cluster.restart().unwrap();
    let cut = Run::from(child.wait_with_output().unwrap());
    let partial = db.sql_i64("SELECT count(*) FROM requests");
    assert!(
        (partial as usize) < rows,
        "the sync finished before the restart ({partial} rows)"
    );
    assert_eq!(cut.code, 1, "{}", cut.stderr);
    assert!(
        cut.stderr.contains("lost the connection to the ledger"),
        "{}",
        cut.stderr
    );
    assert!(
        cut.stderr.contains("run the command again"),
        "{}",
        cut.stderr
    );
    assert!(
        !cut.stderr.contains(pg::PASSWORD_IN_URL) && !cut.stderr.contains(pg::PASSWORD),
        "{}",
        cut.stderr
    );
    // whole batches only
    assert_eq!(partial % 10_000, 0, "{partial}");
    let rest = sync_to(&env, "m0", &file, &url);
    assert_eq!(rest.sent as i64 + partial, rows as i64, "{rest:?}");
    assert_eq!(db.sql_i64("SELECT count(*) FROM requests"), rows as i64);
    assert_rollups_match_a_recount(&db);
}

/// A row rewritten after it was sent comes again and replaces its copy, into PostgreSQL and
/// out of it: a `record --request-id` correction (smaller), and the rollups follow.
#[test]
fn a_row_changed_after_it_was_sent_replaces_its_copy() {
    let Some(db) = pg::db() else { return };
    let env = TestEnv::new();
    let local = env.root.path().join("local.db");
    let record = |at: &std::path::Path, id: &str, input: &str| {
        Run::from(
            sync_cmd(
                &env,
                "laptop-1",
                at,
                &[
                    "tokens",
                    "record",
                    "--provider",
                    "openai",
                    "--model",
                    "gpt-5",
                    "--input",
                    input,
                    "--output",
                    "1",
                    "--request-id",
                    id,
                    "--at",
                    "2026-03-02T10:00:00Z",
                ],
            )
            .output()
            .unwrap(),
        )
        .assert_code(0);
    };
    record(&local, "r-1", "100");
    let url = db.url();
    assert_eq!(sync_to(&env, "laptop-1", &local, &url).sent, 1);
    record(&local, "r-1", "30");
    let s = sync_to(&env, "laptop-1", &local, &url);
    assert_eq!((s.sent, s.updated, s.already_there), (0, 1, 0), "{s:?}");
    assert_eq!(
        db.sql_i64("SELECT input FROM requests WHERE request_id = 'r-1'"),
        30
    );
    assert_rollups_match_a_recount(&db);
    // out of PostgreSQL: its change numbers
    let team = env.root.path().join("team.db");
    let pg_url = std::path::PathBuf::from(&url);
    let s = sync_to(&env, "laptop-1", &pg_url, team.to_str().unwrap());
    assert_eq!((s.sent, s.updated), (1, 0), "{s:?}");
    record(&pg_url, "r-1", "55");
    let s = sync_to(&env, "laptop-1", &pg_url, team.to_str().unwrap());
    assert_eq!((s.sent, s.updated, s.already_there), (0, 1, 0), "{s:?}");
    let input: i64 = rusqlite::Connection::open(&team)
        .unwrap()
        .query_row("SELECT input FROM requests", [], |r| r.get(0))
        .unwrap();
    assert_eq!(input, 55);
}

/// A PostgreSQL ledger synced into itself (the same URL, or another spelling of it) is
/// refused, and nothing is doubled (its rows without a request id were).
#[test]
fn a_postgresql_ledger_is_not_synced_into_itself() {
    let Some(db) = pg::db() else { return };
    let env = TestEnv::new();
    let url = db.url();
    let at = std::path::PathBuf::from(&url);
    let run = Run::from(
        sync_cmd(&env, "laptop-1", &at, &["tokens", "record", "--jsonl", "-"])
            .stdin(std::fs::File::open(env.write("in.jsonl", BATCH)).unwrap())
            .output()
            .unwrap(),
    );
    run.assert_code(0);
    let before = db.sql_i64("SELECT count(*) FROM requests");
    for to in [url.clone(), format!("{url}?application_name=other")] {
        let run = Run::from(
            sync_cmd(&env, "laptop-1", &at, &["tokens", "sync", "--to", &to])
                .output()
                .unwrap(),
        );
        run.assert_code(2);
        assert!(run.stderr.contains("own ledger"), "{}", run.stderr);
        assert!(!run.stderr.contains(pg::PASSWORD_IN_URL), "{}", run.stderr);
    }
    assert_eq!(db.sql_i64("SELECT count(*) FROM requests"), before);
}

/// TLS against a server whose certificate names `localhost` only, signed by a CA of the
/// test's own: `require` takes it unchecked; `verify-ca` checks the chain but not the name
/// (so 127.0.0.1 is fine, another CA is not); `verify-full` checks the name too.
#[test]
fn sslmodes_check_what_libpq_checks() {
    let Some((cluster, ca, other_ca)) = pg::own_tls_cluster() else {
        return;
    };
    let db = cluster.database().unwrap();
    let env = TestEnv::new();
    let url = |host: &str, query: &str| {
        format!(
            "postgres://{}:{}@{host}:{}/{}?{query}",
            pg::USER,
            pg::PASSWORD_IN_URL,
            db.port,
            db.name
        )
    };
    let (ca, other_ca) = (ca.display().to_string(), other_ca.display().to_string());
    let cases = [
        ("127.0.0.1", "sslmode=require".to_string(), true),
        (
            "127.0.0.1",
            format!("sslmode=verify-ca&sslrootcert={ca}"),
            true,
        ),
        (
            "127.0.0.1",
            format!("sslmode=require&sslrootcert={ca}"),
            true,
        ),
        (
            "127.0.0.1",
            format!("sslmode=verify-ca&sslrootcert={other_ca}"),
            false,
        ),
        (
            "127.0.0.1",
            format!("sslmode=verify-full&sslrootcert={ca}"),
            false,
        ),
        (
            "localhost",
            format!("sslmode=verify-full&sslrootcert={ca}"),
            true,
        ),
        (
            "localhost",
            format!("sslmode=verify-full&sslrootcert={other_ca}"),
            false,
        ),
    ];
    for (host, query, ok) in cases {
        let at = std::path::PathBuf::from(url(host, &query));
        let run = Run::from(
            sync_cmd(&env, "laptop-1", &at, &["tokens", "summary"])
                .output()
                .unwrap(),
        );
        if ok {
            assert_eq!(run.code, 0, "{host} {query}: {}", run.stderr);
        } else {
            assert_eq!(run.code, 1, "{host} {query}: {}", run.stderr);
            assert!(run.stderr.contains("cannot connect"), "{}", run.stderr);
        }
        assert!(!run.stderr.contains(pg::PASSWORD_IN_URL), "{}", run.stderr);
    }
}

/// A ledger made by an aimcp of schema version 3 (the request-id and origin indexes of then,
/// the key on `id`) is brought to version 4 by the next command, keeps every row and sum, and
/// still finds repeats: the same rows synced and recorded again add nothing.
#[test]
fn a_version_3_ledger_is_migrated_and_keeps_finding_repeats() {
    let Some(db) = pg::db() else { return };
    let env = TestEnv::new();
    let url = db.url();
    let local = sqlite_ledger(&env, "m0", 600);
    assert_eq!(sync_to(&env, "m0", &local, &url).sent, 600);
    let summary = |what: &str| {
        let run = Run::from(
            sync_cmd(
                &env,
                "m0",
                std::path::Path::new(&url),
                &[
                    "--json", "tokens", "summary", "--by", what, "--days", "4000",
                ],
            )
            .output()
            .unwrap(),
        );
        run.assert_code(0);
        run.stdout
    };
    let before = (summary("machine"), summary("model"));
    // version 4 undone: version 3's indexes and key, as that build made them
    db.sql(
        "ALTER TABLE requests DROP CONSTRAINT requests_pkey; \
         DROP INDEX requests_request_id; DROP INDEX requests_origin; \
         ALTER TABLE requests ADD CONSTRAINT requests_pkey PRIMARY KEY (id); \
         CREATE UNIQUE INDEX requests_request_id ON requests (source, request_id); \
         CREATE UNIQUE INDEX requests_origin ON requests (origin_store, origin); \
         CREATE INDEX requests_seq ON requests (seq); \
         UPDATE aimcp_schema SET version = 3",
    );
    assert_eq!(summary("machine"), before.0);
    assert_eq!(db.sql_i64("SELECT version FROM aimcp_schema"), 4);
    assert_eq!(
        db.sql_i64(
            "SELECT count(*) FROM pg_indexes WHERE tablename = 'requests' AND \
             indexdef LIKE '%(seq)%'"
        ),
        1,
        "the change number is the key, with no second index"
    );
    assert_eq!(summary("model"), before.1);
    // repeats are still found: by request id and, for rows without one, by origin
    let copy = env.root.path().join("copy.db");
    std::fs::copy(&local, &copy).unwrap();
    // a second store with the same rows (a copy of the file made again: a new store id would
    // resend; here the same file's marks are cleared so everything goes again)
    rusqlite::Connection::open(&copy)
        .unwrap()
        .execute("DELETE FROM sync_marks", [])
        .unwrap();
    let s = sync_to(&env, "m0", &copy, &url);
    assert_eq!((s.sent, s.updated, s.already_there), (0, 0, 600), "{s:?}");
    assert_eq!(db.sql_i64("SELECT count(*) FROM requests"), 600);
    assert_rollups_match_a_recount(&db);
    assert_eq!(summary("machine"), before.0);
    // a request id recorded again replaces its row (found by its key, the change number)
    let again = env.root.path().join("again.jsonl");
    std::fs::write(
        &again,
        r#"{"provider":"anthropic","model":"claude-sonnet-4-5","input":77777,"output":1,"at":"2026-03-02T10:00:00Z","request_id":"shared-5"}"#,
    )
    .unwrap();
    let record = Run::from(
        sync_cmd(
            &env,
            "m0",
            std::path::Path::new(&url),
            &["tokens", "record", "--jsonl", again.to_str().unwrap()],
        )
        .output()
        .unwrap(),
    );
    record.assert_code(0);
    assert_eq!(
        db.sql_i64("SELECT input FROM requests WHERE request_id = 'shared-5'"),
        77777
    );
    assert_eq!(db.sql_i64("SELECT count(*) FROM requests"), 600);
    assert_rollups_match_a_recount(&db);
}

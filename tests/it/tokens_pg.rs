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
        use std::io::Write;
        let mut child = self
            .cmd(args)
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
    assert_eq!(db.sql_i64("SELECT version FROM aimcp_schema"), 1);
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

use aimcp::usage::ledger::{Absorbed, Db, DbLocation, OpenMode};

/// Sends the rows of `from` past its mark for `target` to `to` in batches, moving the mark
/// after each batch is committed there (as `tokens sync` does).
fn sync_rows(
    from: &mut dyn aimcp::usage::ledger::Ledger,
    to: &mut dyn aimcp::usage::ledger::Ledger,
    target: &str,
    batch: usize,
    mut after_batch: impl FnMut(usize),
) -> anyhow::Result<Absorbed> {
    let mut total = Absorbed::default();
    let mut n = 0;
    loop {
        let mark = from.sync_mark(target)?;
        let rows = from.rows_since(mark, i64::MIN, batch)?;
        let Some(last) = rows.last().map(|r| r.0) else {
            return Ok(total);
        };
        let sent: Vec<_> = rows.into_iter().map(|r| r.1).collect();
        let a = to.absorb(&sent)?;
        total.added += a.added;
        total.existing += a.existing;
        from.set_sync_mark(target, last)?;
        n += 1;
        after_batch(n);
    }
}

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
    let mut child = env
        .cmd()
        .env("AIMCP_MACHINE", machine)
        .env("TZ", "UTC")
        .arg("--db")
        .arg(&db)
        .args(["tokens", "record", "--jsonl", "-"])
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

fn open_sqlite(path: &std::path::Path, machine: &str) -> Box<dyn aimcp::usage::ledger::Ledger> {
    aimcp::usage::ledger::open(
        &Db::with_machine(DbLocation::Sqlite(path.to_path_buf()), machine),
        OpenMode::Write,
    )
    .unwrap()
}

fn open_pg(url: &str) -> anyhow::Result<Box<dyn aimcp::usage::ledger::Ledger>> {
    aimcp::usage::ledger::open(
        &Db::with_machine(DbLocation::Postgres(url.to_string()), "team"),
        OpenMode::Write,
    )
}

/// Four machines sync into one PostgreSQL ledger at once: every row exactly once (the 100
/// request ids all four recorded once in all), the rollups equal to a recount; a second round
/// adds nothing; `summary --by machine` on the team ledger shows each machine's rows.
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
                let url = &url;
                s.spawn(move || {
                    let mut from = open_sqlite(file, &format!("m{k}"));
                    let mut to = open_pg(url).unwrap();
                    let a = sync_rows(&mut *from, &mut *to, url, 700, |_| {}).unwrap();
                    if round == 1 {
                        assert_eq!((a.added, a.existing), (0, 0), "the marks moved on");
                    } else {
                        assert_eq!(a.added + a.existing, per_machine as u64);
                    }
                });
            }
        });
    }
    let unique = 4 * (per_machine as i64 - 100) + 100;
    assert_eq!(db.sql_i64("SELECT count(*) FROM requests"), unique);
    assert_eq!(
        db.sql_i64("SELECT count(DISTINCT (machine, origin)) FROM requests"),
        unique
    );
    assert_rollups_match_a_recount(&db);
    // sending everything again (marks reset) adds nothing either: the ledger finds the repeats
    let mut from = open_sqlite(&files[2], "m2");
    let mut to = open_pg(&url).unwrap();
    from.set_sync_mark("again", 0).unwrap();
    let a = sync_rows(&mut *from, &mut *to, "again", 5_000, |_| {}).unwrap();
    assert_eq!((a.added, a.existing), (0, per_machine as u64));
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

/// The server restarts between two batches of a sync: the next batch fails clearly (the
/// connection was lost, nothing of it kept); a re-run carries on from the last committed
/// batch, and in the end every row is there once.
#[test]
fn a_sync_cut_by_a_server_restart_completes_on_a_rerun() {
    let Some(cluster) = pg::own_cluster() else {
        return;
    };
    let db = cluster.database().unwrap();
    let env = TestEnv::new();
    let rows = 12_000;
    let file = sqlite_ledger(&env, "m0", rows);
    let mut from = open_sqlite(&file, "m0");
    let mut to = open_pg(&db.url()).unwrap();
    let err = sync_rows(&mut *from, &mut *to, "team", 1_000, |n| {
        if n == 4 {
            cluster.restart().unwrap();
        }
    })
    .expect_err("the batch after the restart must fail");
    let text = format!("{err:#}");
    assert!(text.contains("lost the connection to the ledger"), "{text}");
    assert!(
        !text.contains(pg::PASSWORD_IN_URL) && !text.contains(pg::PASSWORD),
        "{text}"
    );
    let hint = aimcp::error::find_fail(&err)
        .map(|f| f.hints.join("\n"))
        .unwrap_or_default();
    assert!(hint.contains("run the command again"), "{hint}");
    assert_eq!(db.sql_i64("SELECT count(*) FROM requests"), 4_000);
    drop(to);
    let mut to = open_pg(&db.url()).unwrap();
    let a = sync_rows(&mut *from, &mut *to, "team", 1_000, |_| {}).unwrap();
    assert_eq!(a.added + a.existing, (rows - 4_000) as u64);
    assert_eq!(db.sql_i64("SELECT count(*) FROM requests"), rows as i64);
    assert_rollups_match_a_recount(&db);
}

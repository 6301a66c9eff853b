//! `aimcp tokens sync`: this machine's requests into a shared SQLite ledger, incremental,
//! idempotent, resumable after kill -9; `summary --by machine` on the target.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use aimcp::commands::tokens::sync::SyncJson;

use crate::common::{Run, TestEnv};

/// A machine: its own HOME, store and id.
struct Machine {
    env: TestEnv,
    id: &'static str,
}

impl Machine {
    fn new(id: &'static str) -> Machine {
        Machine {
            env: TestEnv::new(),
            id,
        }
    }

    fn cmd(&self, db: &Path, args: &[&str]) -> Command {
        let mut cmd = self.env.cmd();
        cmd.env("TZ", "UTC")
            .env("USER", "alice")
            .env("AIMCP_MACHINE", self.id)
            .arg("--db")
            .arg(db)
            .args(args);
        cmd
    }

    fn run(&self, args: &[&str]) -> Run {
        Run::from(self.cmd(&self.env.db(), args).output().unwrap())
    }

    fn run_on(&self, db: &Path, args: &[&str]) -> Run {
        Run::from(self.cmd(db, args).output().unwrap())
    }

    /// Records the lines of a JSON lines file.
    fn record(&self, lines: &str) {
        let file = self.env.write("batch.jsonl", lines);
        self.run(&["tokens", "record", "--jsonl", file.to_str().unwrap()])
            .assert_code(0);
    }

    fn sync(&self, to: &Path, extra: &[&str]) -> SyncJson {
        let mut args = vec!["--json", "tokens", "sync", "--to", to.to_str().unwrap()];
        args.extend_from_slice(extra);
        let run = self.run(&args);
        run.assert_code(0);
        serde_json::from_str(&run.stdout).unwrap()
    }
}

/// `n` requests from `from`, on 2026-03-01 (ids `PREFIX-i` for even i, none for odd).
fn lines(prefix: &str, from: usize, n: usize, day: &str) -> String {
    let mut out = String::new();
    for i in from..from + n {
        let id = if i % 2 == 0 {
            format!(r#","request_id":"{prefix}-{i}""#)
        } else {
            String::new()
        };
        out.push_str(&format!(
            r#"{{"provider":"anthropic","model":"claude-haiku-4-5","input":{},"output":10,"at":"{day}T12:00:00Z","cost":"0.000{}"{id}}}"#,
            100 + i,
            1 + i % 9
        ));
        out.push('\n');
    }
    out
}

/// Counts and sums of a store: from the rows, and from each rollup.
fn recount(db: &Path) -> Vec<Vec<String>> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let one = |sql: &str| -> Vec<String> {
        conn.query_row(sql, [], |r| {
            Ok((0..3)
                .map(|i| r.get::<_, Option<i64>>(i).unwrap().unwrap_or(0).to_string())
                .collect())
        })
        .unwrap()
    };
    vec![
        one("SELECT count(*), sum(input), sum(cost_nanos) FROM requests"),
        one("SELECT sum(requests), sum(input), sum(cost_nanos) FROM rollup"),
        one("SELECT sum(requests), sum(input), sum(cost_nanos) FROM rollup_day"),
        one("SELECT sum(requests), sum(input), sum(cost_nanos) FROM rollup_hour"),
        one("SELECT requests, input, cost_nanos FROM rollup_all"),
    ]
}

fn count(db: &Path) -> i64 {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row("SELECT count(*) FROM requests", [], |r| r.get(0))
        .unwrap()
}

fn team(m: &Machine) -> PathBuf {
    m.env.root.path().join("team.db")
}

/// A second sync sends nothing; rows keep their machine, and the target's summary by
/// machine shows it; the rollups of the target equal a recount of its rows.
#[test]
fn syncing_twice_adds_nothing_the_second_time() {
    let a = Machine::new("laptop-a");
    a.record(&lines("a", 0, 50, "2026-03-01"));
    let to = team(&a);
    let first = a.sync(&to, &[]);
    assert_eq!(
        first,
        SyncJson {
            target: to.display().to_string(),
            sent: 50,
            updated: 0,
            already_there: 0,
            machine: "laptop-a".into(),
        }
    );
    assert_eq!(a.sync(&to, &[]).sent, 0);
    // new rows: only they are sent
    a.record(&lines("a", 50, 5, "2026-03-02"));
    let third = a.sync(&to, &[]);
    assert_eq!((third.sent, third.already_there), (5, 0));
    assert_eq!(count(&to), 55);
    let r = recount(&to);
    assert!(r.iter().all(|x| *x == r[0]), "{r:?}");
    assert_eq!(r[0], recount(&a.env.db())[0]);
    // the target's summary, by machine
    let run = a.run_on(
        &to,
        &[
            "--json",
            "tokens",
            "summary",
            "--since",
            "2026-03-01",
            "--until",
            "2026-03-02",
            "--by",
            "machine",
        ],
    );
    run.assert_code(0);
    let doc = run.json();
    assert_eq!(doc["rows"].as_array().unwrap().len(), 1, "{doc}");
    assert_eq!(doc["rows"][0]["key"], "laptop-a");
    assert_eq!(doc["rows"][0]["requests"], 55);
    // the text says what it sent
    let run = a.run(&["tokens", "sync", "--to", to.to_str().unwrap()]);
    run.assert_code(0);
    assert!(
        run.stderr.contains(&format!(
            "sent 0 rows (0 updated, 0 already there) to {}",
            to.display()
        )),
        "{}",
        run.stderr
    );
}

/// Two machines that imported the same log (the same request ids), each with rows of its
/// own without ids: every request once in the team ledger, each row under its machine.
#[test]
fn two_machines_with_the_same_log_add_it_once() {
    let a = Machine::new("laptop-a");
    let b = Machine::new("ci-runner-b");
    let shared: String = lines("log", 0, 40, "2026-03-01")
        .lines()
        .filter(|l| l.contains("request_id"))
        .map(|l| format!("{l}\n"))
        .collect();
    a.record(&shared);
    b.record(&shared);
    a.record(&lines("own", 1, 1, "2026-03-01"));
    b.record(&lines("own", 1, 1, "2026-03-01"));
    let to = team(&a);
    let sa = a.sync(&to, &[]);
    assert_eq!((sa.sent, sa.already_there), (21, 0));
    let sb = b.sync(&to, &[]);
    assert_eq!((sb.sent, sb.already_there), (1, 20));
    assert_eq!(count(&to), 22);
    let r = recount(&to);
    assert!(r.iter().all(|x| *x == r[0]), "{r:?}");
    let run = a.run_on(
        &to,
        &[
            "--json",
            "tokens",
            "summary",
            "--since",
            "2026-03-01",
            "--until",
            "2026-03-01",
            "--by",
            "machine",
        ],
    );
    let doc = run.json();
    let rows: Vec<(String, i64)> = doc["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["key"].as_str().unwrap().to_string(),
                r["requests"].as_i64().unwrap(),
            )
        })
        .collect();
    // (most spent first)
    assert_eq!(
        rows,
        [("laptop-a".to_string(), 21), ("ci-runner-b".to_string(), 1)]
    );
}

/// A sync killed (SIGKILL) in the middle: the re-run completes it, with every row once and
/// the rollups equal to a recount.
#[test]
fn a_sync_killed_mid_way_is_completed_by_the_next_run() {
    let a = Machine::new("laptop-a");
    let n = 300_000;
    a.record(&lines("k", 0, n, "2026-03-01"));
    let to = team(&a);
    let mut child = a
        .cmd(
            &a.env.db(),
            &["tokens", "sync", "--to", to.to_str().unwrap()],
        )
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // kill it once the target holds a batch or more, but not all
    let started = std::time::Instant::now();
    let mut seen = 0;
    while started.elapsed() < std::time::Duration::from_secs(120) {
        if let Ok(Some(_)) = child.try_wait() {
            break;
        }
        if to.exists()
            && let Ok(c) = rusqlite::Connection::open(&to)
            && let Ok(k) = c.query_row("SELECT count(*) FROM requests", [], |r| r.get::<_, i64>(0))
            && k > 0
        {
            seen = k;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap();
    let _ = child.wait();
    let partial = count(&to);
    assert!(seen > 0, "the sync wrote nothing before it was killed");
    assert!(
        (partial as usize) < n,
        "the sync finished before it was killed ({partial} rows)"
    );
    let rest = a.sync(&to, &[]);
    assert_eq!(rest.sent as i64 + partial, n as i64, "{rest:?}");
    assert!(rest.already_there <= 10_000, "{rest:?}");
    assert_eq!(count(&to), n as i64);
    let r = recount(&to);
    assert!(r.iter().all(|x| *x == r[0]), "{r:?}");
    assert_eq!(r[0], recount(&a.env.db())[0]);
    assert_eq!(a.sync(&to, &[]).sent, 0);
}

/// `--since` sends only the rows from that date on (and skips the older ones for good);
/// the ledger's own file is refused as a target.
#[test]
fn since_limits_what_is_sent() {
    let a = Machine::new("laptop-a");
    a.record(&lines("old", 0, 4, "2026-03-01"));
    a.record(&lines("new", 0, 3, "2026-03-05"));
    let to = team(&a);
    let s = a.sync(&to, &["--since", "2026-03-03"]);
    assert_eq!((s.sent, s.already_there), (3, 0));
    assert_eq!(a.sync(&to, &[]).sent, 0);
    assert_eq!(count(&to), 3);
    let own = a.env.db();
    let run = a.run(&["tokens", "sync", "--to", own.to_str().unwrap()]);
    run.assert_code(2);
    assert!(run.stderr.contains("own ledger"), "{}", run.stderr);
    let run = a.run(&[
        "tokens",
        "sync",
        "--to",
        to.to_str().unwrap(),
        "--since",
        "soon",
    ]);
    run.assert_code(2);
}

/// A URL of another kind (`mysql://`, a mistyped `postgre://`) as the target or the ledger is
/// exit 2, and no file or folder is made for it (it used to become a SQLite file in a folder
/// named after the scheme), nor is the password shown.
#[test]
fn urls_of_other_kinds_are_refused_and_nothing_is_made() {
    let m = Machine::new("laptop-1");
    m.record(&lines("a", 0, 2, "2026-03-01"));
    let before = std::fs::read_dir(&m.env.project).unwrap().count();
    let run = m.run(&["tokens", "sync", "--to", "postgre://ann:s3cret@db/ledger"]);
    run.assert_code(2);
    assert!(run.stderr.contains("`postgre://`"), "{}", run.stderr);
    assert!(!run.stderr.contains("s3cret"), "{}", run.stderr);
    let run = Run::from(
        m.env
            .cmd()
            .args(["--db", "mysql://h/d", "tokens", "summary"])
            .output()
            .unwrap(),
    );
    run.assert_code(2);
    assert_eq!(std::fs::read_dir(&m.env.project).unwrap().count(), before);
    assert!(!m.env.project.join("postgre:").exists());
    assert!(!m.env.project.join("mysql:").exists());
}

/// A row rewritten after it was sent (a `record --request-id` correction, smaller or larger)
/// is sent again and replaces its copy: the target's sums follow (it was never sent again
/// when sync went by row id).
#[test]
fn a_row_changed_after_it_was_sent_is_sent_again() {
    let a = Machine::new("laptop-a");
    let record = |input: &str| {
        a.run(&[
            "tokens",
            "record",
            "--provider",
            "anthropic",
            "--model",
            "claude-haiku-4-5",
            "--input",
            input,
            "--output",
            "1",
            "--request-id",
            "req-1",
            "--at",
            "2026-03-01T10:00:00Z",
        ])
        .assert_code(0);
    };
    record("100");
    a.record(&lines("b", 1, 3, "2026-03-01"));
    let to = team(&a);
    assert_eq!(a.sync(&to, &[]).sent, 4);
    record("30");
    let again = a.sync(&to, &[]);
    assert_eq!(
        (again.sent, again.updated, again.already_there),
        (0, 1, 0),
        "{again:?}"
    );
    let input: i64 = rusqlite::Connection::open(&to)
        .unwrap()
        .query_row(
            "SELECT input FROM requests WHERE request_id = 'req-1'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(input, 30);
    let r = recount(&to);
    assert!(r.iter().all(|x| *x == r[0]), "{r:?}");
    assert_eq!(r[0], recount(&a.env.db())[0]);
    let quiet = a.sync(&to, &[]);
    assert_eq!((quiet.sent, quiet.updated, quiet.already_there), (0, 0, 0));
}

/// Rows without a request id are known by their store's own random id, not by the machine
/// id: a ledger made again on the same machine (its row ids start at 1 again), and a cloned
/// machine with the same machine id, each add their rows instead of having them taken for
/// rows the target holds.
#[test]
fn rows_without_ids_from_a_store_made_again_or_a_clone_are_not_lost() {
    let a = Machine::new("laptop-a");
    let no_ids = |from: usize| -> String {
        lines("x", from, 6, "2026-03-01")
            .lines()
            .filter(|l| !l.contains("request_id"))
            .map(|l| format!("{l}\n"))
            .collect()
    };
    a.record(&no_ids(0));
    let to = team(&a);
    assert_eq!(a.sync(&to, &[]).sent, 3);
    // the ledger is made again: ids 1, 2, 3 again
    std::fs::remove_file(a.env.db()).unwrap();
    for side in ["-wal", "-shm"] {
        let mut p = a.env.db().into_os_string();
        p.push(side);
        let _ = std::fs::remove_file(p);
    }
    a.record(&no_ids(10));
    let s = a.sync(&to, &[]);
    assert_eq!((s.sent, s.already_there), (3, 0), "{s:?}");
    // a clone: another HOME and ledger, the same machine id
    let clone = Machine::new("laptop-a");
    clone.record(&no_ids(20));
    let s = clone.sync(&to, &[]);
    assert_eq!((s.sent, s.already_there), (3, 0), "{s:?}");
    assert_eq!(count(&to), 9);
    let r = recount(&to);
    assert!(r.iter().all(|x| *x == r[0]), "{r:?}");
}

/// A target that is this very ledger, or a copy of it (the same store id), is refused before
/// anything is sent.
#[test]
fn a_copy_of_the_ledger_is_refused_as_a_target() {
    let a = Machine::new("laptop-a");
    a.record(&lines("a", 0, 4, "2026-03-01"));
    let copy = a.env.root.path().join("copy.db");
    rusqlite::Connection::open(a.env.db())
        .unwrap()
        .execute("VACUUM INTO ?1", [copy.to_str().unwrap()])
        .unwrap();
    let run = a.run(&["tokens", "sync", "--to", copy.to_str().unwrap()]);
    run.assert_code(2);
    assert!(run.stderr.contains("own ledger"), "{}", run.stderr);
    assert_eq!(count(&copy), 4);
}

/// Commands that only read never make the machine-id file; the first write does.
#[test]
fn readers_do_not_make_the_machine_id() {
    let env = TestEnv::new();
    let file = env.write("one.jsonl", &lines("a", 0, 2, "2026-03-01"));
    let db = env.db();
    let cmd = |args: &[&str]| {
        let mut c = env.cmd();
        c.env_remove("AIMCP_MACHINE")
            .env("TZ", "UTC")
            .arg("--db")
            .arg(&db)
            .args(args);
        Run::from(c.output().unwrap())
    };
    // the ledger is made by a writer that was given its id
    Run::from(
        env.cmd()
            .env("AIMCP_MACHINE", "given")
            .arg("--db")
            .arg(&db)
            .args(["tokens", "record", "--jsonl", file.to_str().unwrap()])
            .output()
            .unwrap(),
    )
    .assert_code(0);
    let id_file = env.home.join(".local/share/aimcp/machine-id");
    for args in [
        &["tokens", "summary"][..],
        &["tokens", "summary", "--by", "machine"],
        &["tokens", "export", "--since", "2026-03-01", "--csv"],
        &["tokens", "budget", "list"],
        &["tokens", "check"],
        &["tokens", "blocks"],
        &["mcp", "stats"],
    ] {
        let run = cmd(args);
        assert!(run.code == 0 || run.code == 1, "{args:?}: {}", run.stderr);
        assert!(!id_file.exists(), "{args:?} made the machine id");
    }
    cmd(&["tokens", "record", "--jsonl", file.to_str().unwrap()]).assert_code(0);
    assert!(id_file.exists(), "a writer makes the machine id");
}

//! `aimcp tokens summary`: days in a zone, groups, totals, JSON and CSV, unpriced, one-off budgets.

use crate::common::TestEnv;

/// Records one Anthropic request at a time.
fn rec(env: &TestEnv, at: &str, model: &str, input: &str, output: &str, extra: &[&str]) {
    let mut flags = vec!["--at", at];
    flags.extend_from_slice(extra);
    env.record("anthropic", model, input, output, &flags)
        .assert_code(0);
}

fn seeded() -> TestEnv {
    let env = TestEnv::new();
    // previous period: one day before the window
    rec(
        &env,
        "2026-02-28T10:00:00Z",
        "claude-sonnet-4-5",
        "1000000",
        "0",
        &[],
    ); // $3
    // window 2026-03-01..2026-03-03
    rec(
        &env,
        "2026-03-01T09:00:00Z",
        "claude-sonnet-4-5",
        "1000",
        "1000",
        &["--cache-read", "8000", "--user", "bob"],
    ); // $0.003 + $0.015 + $0.0024
    rec(
        &env,
        "2026-03-01T23:30:00Z",
        "claude-haiku-4-5",
        "2000000",
        "0",
        &[],
    ); // $2
    rec(
        &env,
        "2026-03-03T12:00:00Z",
        "claude-opus-4-5",
        "0",
        "1000000",
        &["--cache-write", "1000000"],
    ); // $25 + $6.25
    env
}

#[test]
fn json_rows_per_day_with_exact_totals() {
    let env = seeded();
    let run = env.summary("2026-03-01", "2026-03-03", &["--json", "--tz", "UTC"]);
    run.assert_code(0);
    let j = run.json();
    let rows = j["rows"].as_array().unwrap();
    let keys: Vec<&str> = rows.iter().map(|r| r["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["2026-03-01", "2026-03-02", "2026-03-03"]);
    for k in [
        "key",
        "requests",
        "input_tokens",
        "output_tokens",
        "cache_read_tokens",
        "cache_write_tokens",
        "total_tokens",
        "cost_usd",
    ] {
        assert!(rows[0].get(k).is_some(), "row misses {k}");
    }
    assert_eq!(rows[0]["requests"], 2);
    assert_eq!(rows[0]["input_tokens"], 2_001_000);
    assert_eq!(rows[0]["cache_read_tokens"], 8000);
    assert_eq!(rows[0]["cost_usd"].to_string(), "2.0204");
    assert_eq!(rows[1]["requests"], 0);
    assert_eq!(rows[2]["cache_write_tokens"], 1_000_000);
    assert_eq!(rows[2]["cost_usd"].to_string(), "31.25");
    let t = &j["totals"];
    assert!(t.get("key").is_none());
    assert_eq!(t["requests"], 3);
    assert_eq!(t["total_tokens"], 2_001_000 + 1000 + 8000 + 2_000_000);
    assert_eq!(t["cost_usd"].to_string(), "33.2704");
    assert_eq!(j["previous"]["cost_usd"].to_string(), "6.0");
    assert!(j["budgets"].as_array().unwrap().is_empty());
}

#[test]
fn days_follow_the_time_zone() {
    let env = seeded();
    // 2026-03-01T23:30Z is the evening of the 1st in New York, and 2026-03-02 in Tokyo
    let run = env.summary(
        "2026-03-01",
        "2026-03-02",
        &["--json", "--tz", "Asia/Tokyo"],
    );
    let j = run.json();
    assert_eq!(j["rows"][0]["requests"], 1);
    assert_eq!(j["rows"][1]["requests"], 1);
    assert_eq!(j["rows"][1]["cost_usd"].to_string(), "2.0");
    // a zone half an hour off whole hours reads the rows themselves
    let run = env.summary(
        "2026-03-01",
        "2026-03-02",
        &["--json", "--tz", "Asia/Kolkata"],
    );
    let j = run.json();
    assert_eq!(j["rows"][0]["requests"], 1);
    assert_eq!(j["rows"][1]["requests"], 1);
    env.tokens(&["tokens", "summary", "--tz", "Mars/Olympus"])
        .assert_code(2);
}

#[test]
fn the_table_is_right_aligned_with_thousands_separators() {
    let env = seeded();
    let run = env.summary("2026-03-01", "2026-03-03", &["--tz", "UTC"]);
    run.assert_code(0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(
        lines[0].contains("date") && lines[0].contains("cost"),
        "{}",
        run.stdout
    );
    let day = lines.iter().find(|l| l.contains("2026-03-01")).unwrap();
    assert!(day.contains("2,001,000"), "{day}");
    assert!(day.ends_with("$2.02"), "{day}");
    let total = lines
        .iter()
        .find(|l| l.trim_start().starts_with("total"))
        .unwrap();
    assert!(total.ends_with("$33.27"), "{total}");
    // right-aligned: the numbers of a column end at the same place
    let end_of = |l: &str, needle: &str| l.find(needle).unwrap() + needle.len();
    assert_eq!(end_of(day, "$2.02"), end_of(total, "$33.27"));
    assert!(run.stdout.contains("cache hit rate"), "{}", run.stdout);
    assert!(run.stdout.contains("month to date"), "{}", run.stdout);
}

#[test]
fn grouping_by_model_and_user_and_csv() {
    let env = seeded();
    // the rows' keys of `--json summary` over the seeded window, grouped `--by by`
    let keys = |by: &str| -> Vec<String> {
        let run = env.summary("2026-03-01", "2026-03-03", &["--json", "--by", by]);
        run.json()["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["key"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        keys("model"),
        ["claude-opus-4-5", "claude-haiku-4-5", "claude-sonnet-4-5"]
    );
    assert_eq!(keys("user"), ["alice", "bob"]);
    let run = env.summary("2026-03-01", "2026-03-03", &["--by", "month", "--csv"]);
    run.assert_code(0);
    assert_eq!(
        run.stdout,
        "month,requests,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,\
         total_tokens,cost_usd,unpriced_requests\n\
         2026-03,3,2001000,1001000,8000,1000000,4010000,33.270400000,0\n"
    );
}

#[test]
fn sums_are_exact_integers() {
    let env = TestEnv::new();
    for c in ["0.1", "0.2"] {
        rec(
            &env,
            "2026-03-01T09:00:00Z",
            "claude-sonnet-4-5",
            "1",
            "1",
            &["--cost", c],
        );
    }
    let j = env.summary("2026-03-01", "2026-03-01", &["--json"]).json();
    assert_eq!(j["totals"]["cost_usd"].to_string(), "0.3");
}

#[test]
fn unpriced_requests_are_counted_and_named() {
    let env = TestEnv::new();
    env.record(
        "acme",
        "acme-9",
        "5",
        "5",
        &["--at", "2026-03-01T09:00:00Z"],
    )
    .assert_code(0);
    let run = env.summary("2026-03-01", "2026-03-01", &["--json"]);
    let j = run.json();
    assert_eq!(j["unpriced"]["requests"], 1);
    assert_eq!(j["unpriced"]["models"][0], "acme-9");
    assert!(
        run.stderr.contains("1 request has no price"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_one_off_budget_fails_when_exceeded() {
    let env = seeded();
    let args = [
        "tokens",
        "summary",
        "--since",
        "2026-03-01",
        "--until",
        "2026-03-03",
    ];
    let mut over = args.to_vec();
    over.extend(["--budget", "30"]);
    let run = env.tokens(&over);
    run.assert_code(1);
    assert!(run.stderr.contains("budget is exceeded"), "{}", run.stderr);
    let mut near = args.to_vec();
    near.extend(["--budget", "40"]);
    let run = env.tokens(&near);
    run.assert_code(0);
    assert!(run.stderr.contains("nearly spent"), "{}", run.stderr);
    let mut fine = args.to_vec();
    fine.extend(["--budget", "100", "--json"]);
    let run = env.tokens(&fine);
    run.assert_code(0);
    assert_eq!(run.json()["budgets"][0]["level"], "ok");
    env.tokens(&["tokens", "summary", "--days", "0"])
        .assert_code(2);
}

#[test]
fn the_default_window_is_the_last_seven_days() {
    let env = TestEnv::new();
    env.record("openai", "gpt-5", "1000000", "0", &[])
        .assert_code(0);
    let j = env.tokens(&["--json", "tokens", "summary"]).json();
    let rows = j["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 7);
    assert_eq!(rows[6]["requests"], 1);
    assert_eq!(rows[6]["cost_usd"].to_string(), "1.25");
    assert_eq!(j["month_to_date_usd"].to_string(), "1.25");
}

/// Groups read from the day and hour rollups (and the ragged minutes at a window's edges) add up
/// to exactly what the request rows hold, after updates have moved rows between groups and days.
#[test]
fn grouped_sums_match_the_rows_in_any_zone() {
    let env = TestEnv::new();
    let models = ["claude-sonnet-4-5", "claude-haiku-4-5", "gpt-5", "acme-9"];
    let base = "2026-03-01T00:00:00Z".parse::<jiff::Timestamp>().unwrap();
    let mut seed: u64 = 7;
    let mut next = |n: u64| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % n
    };
    let line = |i: u64, minute: u64, model: &str, input: u64| {
        let at = base + jiff::SignedDuration::from_mins(minute as i64);
        format!(
            "{{\"provider\":\"p{}\",\"model\":\"{model}\",\"input\":{input},\"output\":{},\
             \"cache_read\":{},\"user\":\"u{}\",\"request_id\":\"r{i}\",\"at\":\"{at}\"}}\n",
            input % 2,
            input / 3,
            input * 2,
            input % 3
        )
    };
    let mut batch = String::new();
    for i in 0..600 {
        let minute = next(9 * 24 * 60);
        batch.push_str(&line(
            i,
            minute,
            models[next(4) as usize],
            100 + next(100_000),
        ));
    }
    env.tokens_stdin(&["tokens", "record", "--jsonl", "-"], &batch)
        .assert_code(0);
    // re-recorded ids move to another model, time and size: the triggers keep the rollups right
    let mut again = String::new();
    for i in (0..600).step_by(7) {
        let minute = next(9 * 24 * 60);
        again.push_str(&line(i, minute, models[next(4) as usize], next(50_000)));
    }
    env.tokens_stdin(&["tokens", "record", "--jsonl", "-"], &again)
        .assert_code(0);
    assert_eq!(env.sql_i64("SELECT count(*) FROM requests"), 600);
    for table in ["rollup", "rollup_day", "rollup_hour"] {
        assert_eq!(
            env.sql(&format!(
                "SELECT sum(requests), sum(input), sum(cost_nanos) FROM {table}"
            )),
            env.sql("SELECT count(*), sum(input), sum(cost_nanos) FROM requests"),
            "{table}"
        );
    }
    for (tz, by) in [
        ("UTC", "model"),
        ("Asia/Kolkata", "model"),
        ("America/New_York", "user"),
        ("Asia/Kathmandu", "provider"),
    ] {
        let zone = jiff::tz::TimeZone::get(tz).unwrap();
        let ms = |d: &str| {
            let date: jiff::civil::Date = d.parse().unwrap();
            date.to_zoned(zone.clone())
                .unwrap()
                .timestamp()
                .as_millisecond()
        };
        let (start, end) = (ms("2026-03-02"), ms("2026-03-08"));
        let run = env.summary(
            "2026-03-02",
            "2026-03-07",
            &["--tz", tz, "--by", by, "--csv"],
        );
        run.assert_code(0);
        let mut got: Vec<String> = run.stdout.lines().skip(1).map(String::from).collect();
        got.sort();
        let mut want: Vec<String> = env
            .sql(&format!(
                "SELECT {by}, count(*), sum(input), sum(output), sum(cache_read), \
                 sum(cache_write_5m + cache_write_1h), \
                 sum(input + output + cache_read + cache_write_5m + cache_write_1h), \
                 CASE WHEN sum(cost_source = 'unpriced') = count(*) THEN '' ELSE \
                 printf('%d.%09d', sum(cost_nanos) / 1000000000, sum(cost_nanos) % 1000000000) END, \
                 sum(cost_source = 'unpriced') \
                 FROM requests WHERE ts >= {start} AND ts < {end} GROUP BY 1"
            ))
            .into_iter()
            .map(|r| r.join(","))
            .collect();
        want.sort();
        assert!(want.len() > 1, "{tz}: too few groups to compare");
        assert_eq!(got, want, "{tz} by {by}");
    }
}

/// Runs `aimcp --db <temp> ARGS` in UTC with a fixed user and extra environment variables.
fn tokens_with(env: &TestEnv, vars: &[(&str, &str)], args: &[&str]) -> crate::common::Run {
    let db = env.db();
    let mut cmd = env.cmd();
    cmd.env("TZ", "UTC").env("USER", "alice");
    for (k, v) in vars {
        cmd.env(k, v);
    }
    cmd.arg("--db").arg(&db).args(args);
    crate::common::Run::from(cmd.output().unwrap())
}

/// Files and folders under `dir`, for "nothing was created" checks.
fn tree(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            out.push(p.strip_prefix(dir).unwrap().display().to_string());
            if p.is_dir() {
                stack.push(p);
            }
        }
    }
    out.sort();
    out
}

/// `summary`, `check`, `budget list`, `budget status`, `budget remove`, `export` and `prices` with
/// no store answer as for an empty ledger and create nothing: neither the default store and its
/// folder, nor a `--db` file and its folder.
#[test]
fn reading_commands_create_no_store() {
    let env = TestEnv::new();
    let before = tree(env.root.path());
    let reads: [(&[&str], i32); 9] = [
        (&["tokens", "summary"], 0),
        (&["--json", "tokens", "summary", "--by", "model"], 0),
        (&["tokens", "check"], 0),
        (&["--json", "tokens", "check"], 0),
        (&["tokens", "budget", "list"], 0),
        (&["tokens", "budget", "status"], 0),
        (&["tokens", "budget", "remove", "1"], 1),
        (&["tokens", "export", "--csv"], 0),
        (&["tokens", "prices"], 0),
    ];
    for (args, code) in reads {
        // the default store, under the temp HOME's data folder
        let run = crate::common::Run::from(env.cmd().env("TZ", "UTC").args(args).output().unwrap());
        run.assert_code(code);
        // a `--db` file in a folder that does not exist
        let db = env.root.path().join("nowhere/usage.db");
        let mut full = vec!["--db", db.to_str().unwrap()];
        full.extend_from_slice(args);
        let run =
            crate::common::Run::from(env.cmd().env("TZ", "UTC").args(&full).output().unwrap());
        run.assert_code(code);
        assert_eq!(
            tree(env.root.path()),
            before,
            "`{}` created files",
            args.join(" ")
        );
    }
    let j = env
        .tokens(&["--json", "tokens", "summary", "--days", "2"])
        .json();
    assert_eq!(j["totals"]["requests"], 0);
    assert_eq!(j["rows"].as_array().unwrap().len(), 2);
    let export = env.tokens(&["tokens", "export", "--csv"]);
    assert_eq!(export.stdout.lines().count(), 1, "{}", export.stdout);
    assert!(!env.db().exists());
}

/// Requests without a price are never shown as $0: a model with none priced shows `-` (text),
/// an empty cell (CSV) and `null` (JSON); a group with some priced shows the priced cost, and
/// every output counts the unpriced requests.
#[test]
fn unpriced_costs_are_unknown_not_zero() {
    let env = TestEnv::new();
    env.record(
        "acme",
        "acme-9",
        "5",
        "5",
        &["--at", "2026-03-01T09:00:00Z"],
    )
    .assert_code(0);
    rec(
        &env,
        "2026-03-01T10:00:00Z",
        "claude-haiku-4-5",
        "1000000",
        "0",
        &[],
    ); // $1
    let j = env
        .summary("2026-03-01", "2026-03-01", &["--json", "--by", "model"])
        .json();
    let rows = j["rows"].as_array().unwrap();
    let acme = rows.iter().find(|r| r["key"] == "acme-9").unwrap();
    assert!(acme["cost_usd"].is_null(), "{acme}");
    assert_eq!(acme["unpriced_requests"], 1);
    let haiku = rows
        .iter()
        .find(|r| r["key"] == "claude-haiku-4-5")
        .unwrap();
    assert_eq!(haiku["cost_usd"].to_string(), "1.0");
    assert_eq!(j["totals"]["cost_usd"].to_string(), "1.0");
    assert_eq!(j["totals"]["unpriced_requests"], 1);

    let csv = env.summary("2026-03-01", "2026-03-01", &["--csv", "--by", "model"]);
    csv.assert_code(0);
    assert_eq!(
        csv.stdout,
        "model,requests,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,\
         total_tokens,cost_usd,unpriced_requests\n\
         claude-haiku-4-5,1,1000000,0,0,0,1000000,1.000000000,0\n\
         acme-9,1,5,5,0,0,10,,1\n"
    );
    let text = env.summary("2026-03-01", "2026-03-01", &["--by", "model"]);
    let acme = text
        .stdout
        .lines()
        .find(|l| l.starts_with("acme-9"))
        .unwrap();
    assert!(!acme.contains("$0.00"), "{}", text.stdout);
    let cells: Vec<&str> = acme.split_whitespace().collect();
    assert_eq!(cells[cells.len() - 2..], ["-", "1"], "{}", text.stdout);
    // a day with both: the priced cost, and how many are unpriced
    let day = env.summary("2026-03-01", "2026-03-01", &["--csv"]);
    assert!(
        day.stdout
            .ends_with("2026-03-01,2,1000005,5,0,0,1000010,1.000000000,1\n"),
        "{}",
        day.stdout
    );
    // nothing priced at all: the total is unknown too
    let env = TestEnv::new();
    env.record(
        "acme",
        "acme-9",
        "5",
        "5",
        &["--at", "2026-03-01T09:00:00Z"],
    )
    .assert_code(0);
    let j = tokens_with(
        &env,
        &[("AIMCP_NOW", "2026-03-02T00:00:00Z")],
        &[
            "--json",
            "tokens",
            "summary",
            "--since",
            "2026-03-01",
            "--until",
            "2026-03-01",
            "--budget",
            "1",
        ],
    )
    .json();
    assert!(j["totals"]["cost_usd"].is_null(), "{}", j["totals"]);
    assert!(j["month_to_date_usd"].is_null(), "{j}");
    assert!(j["projected_month_usd"].is_null(), "{j}");
    assert_eq!(j["budgets"][0]["unpriced_requests"], 1, "{j}");
    assert!(j["rows"][0]["cost_usd"].is_null(), "{}", j["rows"][0]);
    let text = env.summary("2026-03-01", "2026-03-01", &[]);
    let total = text
        .stdout
        .lines()
        .find(|l| l.starts_with("total"))
        .unwrap();
    assert!(!total.contains('$'), "{}", text.stdout);
}

/// Under GitHub Actions the budget annotations go to stderr: the CSV and JSON on stdout stay
/// documents, and the text output has no workflow command in it.
#[test]
fn github_annotations_never_corrupt_stdout() {
    let env = seeded();
    let gh = [("GITHUB_ACTIONS", "true")];
    let window = [
        "tokens",
        "summary",
        "--since",
        "2026-03-01",
        "--until",
        "2026-03-03",
    ];
    for extra in [&["--csv"][..], &["--json"], &[]] {
        let mut args = window.to_vec();
        args.extend_from_slice(extra);
        args.extend(["--budget", "30"]);
        let run = tokens_with(&env, &gh, &args);
        run.assert_code(1);
        assert!(!run.stdout.contains("::"), "{extra:?}: {}", run.stdout);
        assert!(
            run.stderr
                .contains("::error title=aimcp budget::the window's budget is exceeded"),
            "{}",
            run.stderr
        );
    }
    let csv = {
        let mut args = window.to_vec();
        args.extend(["--csv", "--budget", "30"]);
        tokens_with(&env, &gh, &args)
    };
    assert_eq!(csv.stdout.lines().count(), 4, "{}", csv.stdout);
    // stored budgets, in `summary` and `check`
    env.tokens(&["tokens", "budget", "set", "--monthly", "0.01"])
        .assert_code(0);
    env.record("openai", "gpt-5", "100000", "0", &[])
        .assert_code(0); // $0.125
    for args in [
        &["tokens", "check"][..],
        &["tokens", "summary", "--csv"],
        &["tokens", "budget", "status"],
    ] {
        let run = tokens_with(&env, &gh, args);
        assert!(!run.stdout.contains("::"), "{args:?}: {}", run.stdout);
        assert!(
            run.stderr
                .contains("::error title=aimcp budget::monthly budget 1"),
            "{args:?}: {}",
            run.stderr
        );
    }
}

/// `--csv`/`--jsonl` with `--json`, before or after the subcommand, is refused: stdout can hold
/// one document only.
#[test]
fn csv_with_json_is_refused() {
    let env = TestEnv::new();
    for args in [
        &["--json", "tokens", "export", "--csv"][..],
        &["tokens", "export", "--jsonl", "--json"],
        &["--json", "tokens", "summary", "--csv"],
        &["tokens", "summary", "--csv", "--json"],
    ] {
        let run = env.tokens(args);
        run.assert_code(2);
        // no CSV: only the one JSON document of a failing `--json` run
        assert_eq!(run.json()["error"]["code"], 2, "{args:?}");
        assert!(
            run.json()["error"]["message"]
                .as_str()
                .unwrap()
                .contains("cannot be used with"),
            "{}",
            run.stdout
        );
    }
}

/// Counts agree with their verbs, and a one-day window's previous period is "the previous day".
#[test]
fn messages_agree_in_number() {
    let env = TestEnv::new();
    let run = env.tokens_stdin(
        &["tokens", "record", "--jsonl", "-"],
        "{\"provider\":\"acme\",\"model\":\"acme-9\",\"input\":5,\"output\":5,\
         \"at\":\"2026-03-01T09:00:00Z\"}\n",
    );
    run.assert_code(0);
    assert!(
        run.stderr
            .contains("1 request has no price and was recorded as unpriced: `acme-9`"),
        "{}",
        run.stderr
    );
    let run = env.summary("2026-03-01", "2026-03-01", &[]);
    assert!(
        run.stderr
            .contains("1 request has no price and is not in the costs: `acme-9`"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.contains("previous day: $0.00"), "{}", run.stdout);
    env.record(
        "acme",
        "acme-9",
        "5",
        "5",
        &["--at", "2026-03-02T09:00:00Z"],
    );
    let run = env.record(
        "openai",
        "gpt-5",
        "1",
        "0",
        &["--at", "2026-02-01T09:00:00Z"],
    );
    assert!(
        run.stderr
            .contains("recorded 1 request: `gpt-5`, 1 token, "),
        "{}",
        run.stderr
    );
    let run = env.summary("2026-03-01", "2026-03-02", &[]);
    assert!(
        run.stderr
            .contains("2 requests have no price and are not in the costs: `acme-9`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.contains("previous 2 days: $0.00"),
        "{}",
        run.stdout
    );
}

#[test]
fn negative_amounts_are_named_not_taken_for_flags() {
    let env = TestEnv::new();
    for (flag, args) in [
        ("--budget", &["tokens", "summary", "--budget", "-5"][..]),
        ("--estimate", &["tokens", "check", "--estimate", "-5"]),
        ("--daily", &["tokens", "budget", "set", "--daily", "-5"]),
        ("--monthly", &["tokens", "budget", "set", "--monthly", "-5"]),
        (
            "--per-request",
            &["tokens", "budget", "set", "--per-request", "-0.5"],
        ),
    ] {
        let run = env.tokens(args);
        run.assert_code(2);
        assert!(
            run.stderr.contains(&format!("invalid `{flag} -"))
                && run.stderr.contains("must be a non-negative number"),
            "{}",
            run.stderr
        );
    }
    assert!(!env.db().exists());
}

/// `--tz` takes fixed offsets as well as IANA names.
#[test]
fn time_zones_may_be_fixed_offsets() {
    let env = seeded();
    // 2026-03-01T23:30Z is 2026-03-02 at +05:30 and at UTC+2, still the 1st at -08:00
    for (tz, second_day) in [
        ("+05:30", 1),
        ("UTC+2", 1),
        ("UTC+02:00", 1),
        ("-0800", 0),
        ("-08:00", 0),
        ("Z", 0),
        ("UTC", 0),
    ] {
        let run = env.summary("2026-03-01", "2026-03-02", &["--json", "--tz", tz]);
        run.assert_code(0);
        let j = run.json();
        assert_eq!(j["rows"][1]["requests"], second_day, "{tz}");
    }
    let j = env
        .summary("2026-03-01", "2026-03-02", &["--json", "--tz", "+05:30"])
        .json();
    assert_eq!(j["time_zone"], "+05:30");
    assert_eq!(j["since"], "2026-02-28T18:30:00Z");
    for bad in ["+25:00", "+05:61", "UTC+", "5:30", "+1é2"] {
        let run = env.summary("2026-03-01", "2026-03-02", &["--tz", bad]);
        run.assert_code(2);
        assert!(
            run.stderr.contains(&format!("unknown time zone `{bad}`")),
            "{}",
            run.stderr
        );
    }
}

/// With the clock pinned (`AIMCP_NOW`), the comparison with the previous period and the month's
/// projection are exact, and the whole text output is pinned.
#[test]
fn the_clock_pins_change_and_projection() {
    let env = seeded();
    // 2026-03-04T00:00Z: four weeks to the month's end; the last 7 days hold $6 + $33.2704
    let now = [("AIMCP_NOW", "2026-03-04T00:00:00Z")];
    let j = tokens_with(
        &env,
        &now,
        &[
            "--json",
            "tokens",
            "summary",
            "--since",
            "2026-03-01",
            "--until",
            "2026-03-03",
        ],
    )
    .json();
    assert_eq!(j["previous"]["cost_usd"].to_string(), "6.0");
    // (33.2704 - 6) / 6 = +454.5 %
    assert_eq!(j["previous"]["change_percent"].to_string(), "454.5");
    assert_eq!(j["month_to_date_usd"].to_string(), "33.2704");
    // 33.2704 + 4 × 39.2704
    assert_eq!(j["projected_month_usd"].to_string(), "190.352");
    // the default window ends today, by the pinned clock
    let j = tokens_with(&env, &now, &["--json", "tokens", "summary", "--days", "1"]).json();
    assert_eq!(j["rows"][0]["key"], "2026-03-04");
    assert_eq!(j["previous"]["cost_usd"].to_string(), "31.25");
    assert_eq!(j["previous"]["change_percent"].to_string(), "-100.0");

    let run = tokens_with(
        &env,
        &now,
        &[
            "tokens",
            "summary",
            "--since",
            "2026-03-01",
            "--until",
            "2026-03-03",
        ],
    );
    run.assert_code(0);
    insta::assert_snapshot!(run.stdout, @"
    date        requests      input     output  cache read  cache write  total tokens    cost
    2026-03-01         2  2,001,000      1,000       8,000            0     2,010,000   $2.02
    2026-03-02         0          0          0           0            0             0   $0.00
    2026-03-03         1          0  1,000,000           0    1,000,000     2,000,000  $31.25
    total              3  2,001,000  1,001,000       8,000    1,000,000     4,010,000  $33.27
    cache hit rate: 0.3% of input tokens were cache reads
    previous 3 days: $6.00 (+454.5% now)
    month to date: $33.27; projected month-end: $190.35 (at the last 7 days' rate)
    ");
    assert_eq!(run.stderr, "");

    // with a request that has no price, by model: its cost is unknown, and counted
    env.record(
        "acme",
        "acme-9",
        "5",
        "5",
        &["--at", "2026-03-02T08:00:00Z"],
    )
    .assert_code(0);
    let run = tokens_with(
        &env,
        &now,
        &[
            "tokens",
            "summary",
            "--since",
            "2026-03-01",
            "--until",
            "2026-03-03",
            "--by",
            "model",
        ],
    );
    run.assert_code(0);
    insta::assert_snapshot!(run.stdout, @"
    model              requests      input     output  cache read  cache write  total tokens     cost  unpriced
    claude-opus-4-5           1          0  1,000,000           0    1,000,000     2,000,000   $31.25         0
    claude-haiku-4-5          1  2,000,000          0           0            0     2,000,000    $2.00         0
    claude-sonnet-4-5         1      1,000      1,000       8,000            0        10,000  $0.0204         0
    acme-9                    1          5          5           0            0            10        -         1
    total                     4  2,001,005  1,001,005       8,000    1,000,000     4,010,010   $33.27         1
    cache hit rate: 0.3% of input tokens were cache reads
    previous 3 days: $6.00 (+454.5% now)
    month to date: $33.27; projected month-end: $190.35 (at the last 7 days' rate)
    ");
    insta::assert_snapshot!(run.stderr, @"
    warning: 1 request has no price and is not in the costs: `acme-9`
    hint: add the model's price with `--pricing FILE` (LiteLLM's format)
    ");
}

/// An unknown model's prices suggest the nearest known ones.
#[test]
fn prices_suggest_the_nearest_model() {
    let env = TestEnv::new();
    let run = env.tokens(&["tokens", "prices", "claude-sonet-4-5"]);
    run.assert_code(1);
    assert!(
        run.stderr.contains("no price for model `claude-sonet-4-5`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("hint: did you mean `claude-sonnet-4-5`"),
        "{}",
        run.stderr
    );
    // a dot for a dash, and the provider's prefix left out
    let run = env.tokens(&["tokens", "prices", "sonnet-4.5"]);
    run.assert_code(1);
    assert!(
        run.stderr
            .contains("hint: did you mean `claude-sonnet-4-5`"),
        "{}",
        run.stderr
    );
    let run = env.tokens(&["tokens", "prices", "gpt5-mini"]);
    run.assert_code(1);
    assert!(run.stderr.contains("`gpt-5-mini`"), "{}", run.stderr);
    // nothing near: only the general hint
    let run = env.tokens(&["tokens", "prices", "zzzzzz"]);
    run.assert_code(1);
    assert!(!run.stderr.contains("did you mean"), "{}", run.stderr);
}

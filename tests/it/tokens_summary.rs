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
        "month,requests,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,total_tokens,cost_usd\n\
         2026-03,3,2001000,1001000,8000,1000000,4010000,33.270400000\n"
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
                 printf('%d.%09d', sum(cost_nanos) / 1000000000, sum(cost_nanos) % 1000000000) \
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

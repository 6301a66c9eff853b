//! `aimcp tokens record`: flags, JSON lines, exact costs, updates by request id, concurrency.

use crate::common::TestEnv;

#[test]
fn a_cached_anthropic_request_is_priced_to_the_nano_dollar() {
    let env = TestEnv::new();
    // 1,234 × $3 + 567 × $15 + 45,000 × $0.30 + 2,000 × $3.75 + 1,000 × $6 per million
    // = $0.003702 + $0.008505 + $0.0135 + $0.0075 + $0.006 = $0.039207
    let run = env.tokens(&[
        "--json",
        "tokens",
        "record",
        "--provider",
        "anthropic",
        "--model",
        "claude-sonnet-4-5-20250929",
        "--input",
        "1234",
        "--output",
        "567",
        "--cache-read",
        "45000",
        "--cache-write",
        "2000",
        "--cache-write-1h",
        "1000",
        "--at",
        "2026-03-01T12:00:00Z",
    ]);
    run.assert_code(0);
    let json = run.json();
    assert_eq!(json["cost_usd"].to_string(), "0.039207");
    assert_eq!(json["cost_source"], "computed");
    let rows = env.sql(
        "SELECT ts, provider, user, project, source, cost_nanos, cost_source, price_version, \
         cache_write_5m, cache_write_1h FROM requests",
    );
    assert_eq!(
        rows,
        vec![vec![
            "1772366400000",
            "anthropic",
            "alice",
            "project",
            "manual",
            "39207000",
            "computed",
            "builtin-2026-11-01",
            "2000",
            "1000"
        ]]
    );
}

#[test]
fn a_given_cost_is_kept_and_an_unknown_model_is_unpriced_not_free() {
    let env = TestEnv::new();
    env.record("openai", "gpt-5", "10", "10", &["--cost", "1.25"])
        .assert_code(0);
    let run = env.record("acme", "acme-large", "10", "10", &[]);
    run.assert_code(0);
    assert!(
        run.stderr.contains("no price for model `acme-large`"),
        "{}",
        run.stderr
    );
    assert_eq!(
        env.sql("SELECT model, cost_nanos, cost_source FROM requests ORDER BY id"),
        vec![
            vec!["gpt-5", "1250000000", "given"],
            vec!["acme-large", "0", "unpriced"]
        ]
    );
}

#[test]
fn local_models_cost_nothing() {
    let env = TestEnv::new();
    env.record("ollama", "llama3.1:8b", "100000", "5000", &[])
        .assert_code(0);
    assert_eq!(
        env.sql("SELECT cost_nanos, cost_source, price_version FROM requests"),
        vec![vec!["0", "computed", "local"]]
    );
}

#[test]
fn recording_the_same_request_id_again_updates_the_row() {
    let env = TestEnv::new();
    for input in ["100", "300"] {
        env.record("openai", "gpt-4.1", input, "0", &["--request-id", "req-1"])
            .assert_code(0);
    }
    assert_eq!(
        env.sql("SELECT input, cost_nanos FROM requests"),
        vec![vec!["300", "600000"]]
    );
    // the rollup follows the update: one request, 300 tokens
    assert_eq!(
        env.sql("SELECT sum(requests), sum(input) FROM rollup"),
        vec![vec!["1", "300"]]
    );
    assert_eq!(
        env.sql("SELECT sum(requests), sum(input), sum(cost_nanos) FROM rollup_hour"),
        vec![vec!["1", "300", "600000"]]
    );
}

#[test]
fn jsonl_batches_are_recorded_from_a_file_and_stdin() {
    let env = TestEnv::new();
    env.write(
        "batch.jsonl",
        concat!(
            r#"{"provider":"anthropic","model":"claude-haiku-4-5","input":1000,"output":200,"at":"2026-03-02T08:00:00Z","user":"bob","request_id":"x1"}"#,
            "\n\n",
            r#"{"provider":"openai","model":"gpt-5-mini","input":4000,"output":100,"cache_read":1000,"cost":"0.5","session":"s1"}"#,
            "\n"
        ),
    );
    let run = env.tokens(&["--json", "tokens", "record", "--jsonl", "batch.jsonl"]);
    run.assert_code(0);
    assert_eq!(run.json()["recorded"], 2);
    // haiku 4.5: 1,000 × $1 + 200 × $5 per million = $0.002
    assert_eq!(
        env.sql(
            "SELECT user, source, request_id, cost_nanos, cost_source FROM requests ORDER BY id"
        ),
        vec![
            vec!["bob", "jsonl", "x1", "2000000", "computed"],
            vec!["alice", "jsonl", "NULL", "500000000", "given"]
        ]
    );
    let run = env.tokens_stdin(
        &["tokens", "record", "--jsonl", "-"],
        r#"{"provider":"openai","model":"gpt-5","input":1,"output":1}"#,
    );
    run.assert_code(0);
    assert_eq!(env.sql_i64("SELECT count(*) FROM requests"), 3);
}

#[test]
fn a_bad_line_names_its_number_and_field_and_records_nothing() {
    let env = TestEnv::new();
    let good = r#"{"provider":"openai","model":"gpt-5","input":1,"output":1}"#;
    env.tokens_stdin(&["tokens", "record", "--jsonl", "-"], good)
        .assert_code(0);
    let cases = [
        (
            r#"{"provider":"openai","model":"gpt-5","input":-5,"output":1}"#,
            "line 3: field `input` must be a non-negative number, got `-5`",
        ),
        (
            r#"{"provider":"openai","model":"gpt-5","input":5,"output":1,"tokens":9}"#,
            "line 3: unknown field `tokens`",
        ),
        (
            r#"{"provider":"openai","model":"gpt-5","input":5,"output":1,"at":"last tuesday"}"#,
            "line 3: field `at`: invalid RFC 3339 time `last tuesday`",
        ),
        (
            r#"{"provider":"openai","model":"gpt-5""#,
            "line 3: not valid JSON",
        ),
        (
            r#"{"provider":"openai","input":5,"output":1}"#,
            "line 3: missing field `model`",
        ),
    ];
    for (bad, expected) in cases {
        let input = format!("{good}\n{good}\n{bad}\n{good}\n");
        let run = env.tokens_stdin(&["tokens", "record", "--jsonl", "-"], &input);
        run.assert_code(2);
        assert!(run.stderr.contains(expected), "{expected}\n{}", run.stderr);
        assert!(!run.stderr.contains("panicked"));
    }
    assert_eq!(env.sql_i64("SELECT count(*) FROM requests"), 1);
}

/// A bad line after thousands of good ones (written already, in earlier chunks) still leaves
/// the store as it was.
#[test]
fn a_bad_line_late_in_a_long_batch_records_nothing() {
    let env = TestEnv::new();
    let mut input = String::new();
    for i in 0..10_000 {
        input.push_str(&format!(
            "{{\"provider\":\"openai\",\"model\":\"gpt-5\",\"input\":{i},\"output\":1,\
             \"request_id\":\"r{i}\"}}\n"
        ));
    }
    input.push_str("{\"provider\":\"openai\",\"model\":\"gpt-5\",\"input\":true,\"output\":1}\n");
    let run = env.tokens_stdin(&["tokens", "record", "--jsonl", "-"], &input);
    run.assert_code(2);
    assert!(
        run.stderr.contains("line 10001: field `input`"),
        "{}",
        run.stderr
    );
    assert_eq!(env.sql_i64("SELECT count(*) FROM requests"), 0);
    assert_eq!(env.sql_i64("SELECT count(*) FROM rollup"), 0);
}

/// Batches large enough to write their request ids as a run of their own (65,536 new ids and
/// more), a small batch between them, and a run merged into the one before: every id recorded
/// again updates its row, wherever its id was kept, and none is counted twice.
#[test]
fn request_ids_recorded_again_update_their_rows_across_large_batches() {
    let env = TestEnv::new();
    let record = |ids: std::ops::Range<u32>, input: u32| -> (u64, u64) {
        let mut text = String::new();
        for i in ids {
            text.push_str(&format!(
                "{{\"provider\":\"openai\",\"model\":\"gpt-5\",\"input\":{input},\"output\":1,\
                 \"request_id\":\"r{i}\",\"at\":\"2026-11-01T00:00:00Z\"}}\n"
            ));
        }
        let run = env.tokens_stdin(&["--json", "tokens", "record", "--jsonl", "-"], &text);
        run.assert_code(0);
        let j = run.json();
        (
            j["recorded"].as_u64().unwrap(),
            j["updated"].as_u64().unwrap(),
        )
    };
    let runs = || env.sql_i64("SELECT count(*) FROM rid_runs WHERE run > 0");
    assert_eq!(record(0..70_000, 1), (70_000, 0));
    assert_eq!(runs(), 1);
    // 10 ids of that run again, and 10 new ones, kept with the recent ids
    assert_eq!(record(69_990..70_010, 2), (20, 10));
    assert_eq!(env.sql_i64("SELECT count(*) FROM rid_recent"), 10);
    // 35,010 again, and 69,990 new: a second run, merged into the first
    assert_eq!(record(35_000..140_000, 3), (105_000, 35_010));
    assert_eq!(runs(), 1);
    assert_eq!(record(0..140_000, 4), (140_000, 140_000));
    assert_eq!(env.sql_i64("SELECT count(*) FROM requests"), 140_000);
    assert_eq!(env.sql_i64("SELECT sum(input) FROM requests"), 4 * 140_000);
    assert_eq!(env.sql_i64("SELECT sum(input) FROM rollup"), 4 * 140_000);
    assert_eq!(env.sql_i64("SELECT sum(requests) FROM rollup_day"), 140_000);
}

#[test]
fn bad_flags_are_usage_errors() {
    let env = TestEnv::new();
    let base = [
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
    ];
    let mut args = base.to_vec();
    args.extend(["--at", "noon"]);
    let run = env.tokens(&args);
    run.assert_code(2);
    assert!(run.stderr.contains("invalid `--at noon`"), "{}", run.stderr);
    let mut args = base.to_vec();
    args.extend(["--cost", "ten"]);
    env.tokens(&args).assert_code(2);
    env.record("openai", "gpt-5", "-1", "1", &[]).assert_code(2);
    assert!(!env.db().exists(), "nothing is created on bad input");
}

#[test]
fn the_store_and_its_folder_are_created_at_the_default_place() {
    let env = TestEnv::new();
    let run = env.run(&[
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
    ]);
    run.assert_code(0);
    assert!(env.home.join(".local/share/aimcp/usage.db").exists());
}

/// Eight processes writing at once leave exactly every row, and nobody sees "database is locked".
#[test]
fn eight_concurrent_writers_lose_nothing() {
    let env = TestEnv::new();
    // the writers also race to create the store: none exists before they start
    // 8 writers × (15 batches of 130 + 50 single records) = 8 × 2,000
    let writers = 8;
    let batches = 15;
    let per_batch = 130;
    let singles = 50;
    std::thread::scope(|s| {
        for w in 0..writers {
            let env = &env;
            s.spawn(move || {
                for b in 0..batches {
                    let mut input = String::new();
                    for i in 0..per_batch {
                        input.push_str(&format!(
                            r#"{{"provider":"anthropic","model":"claude-sonnet-4-5","input":{},"output":1,"request_id":"w{w}-b{b}-{i}"}}"#,
                            i + 1
                        ));
                        input.push('\n');
                    }
                    let run = env.tokens_stdin(&["tokens", "record", "--jsonl", "-"], &input);
                    assert_eq!(run.code, 0, "{}", run.stderr);
                    assert!(!run.stderr.contains("locked"), "{}", run.stderr);
                }
                // and single records too
                for i in 0..singles {
                    let id = format!("single-{w}-{i}");
                    let run = env.record("openai", "gpt-5", "1", "1", &["--request-id", &id]);
                    assert_eq!(run.code, 0, "{}", run.stderr);
                    assert!(!run.stderr.contains("locked"), "{}", run.stderr);
                }
            });
        }
    });
    let expected = (writers * (batches * per_batch + singles)) as i64;
    assert_eq!(expected, 16_000);
    assert_eq!(env.sql_i64("SELECT count(*) FROM requests"), expected);
    assert_eq!(env.sql_i64("SELECT sum(requests) FROM rollup"), expected);
    assert_eq!(
        env.sql_i64("SELECT sum(requests) FROM rollup_hour"),
        expected
    );
}

/// Counts past the ceiling of 10^12 tokens a request, as flags or in a line, are refused with
/// exit 2 naming the field (and line), echoed as typed; nothing is recorded, and the store's
/// summaries still work.
#[test]
fn overflow_never_reaches_the_store() {
    let env = TestEnv::new();
    let max = "9223372036854775807";
    let run = env.record("openai", "gpt-5", max, max, &[]);
    run.assert_code(2);
    assert!(
        run.stderr
            .contains("invalid value '9223372036854775807' for '--input <N>': is over the ceiling of 1,000,000,000,000 a request"),
        "{}",
        run.stderr
    );
    let run = env.record("openai", "gpt-5", "1", "100000000000000000000", &[]);
    run.assert_code(2);
    assert!(
        run.stderr
            .contains("'100000000000000000000' for '--output <N>'"),
        "{}",
        run.stderr
    );
    let run = env.record("openai", "gpt-5", "1", "1", &["--cost", "1e12"]);
    run.assert_code(2);
    assert!(
        run.stderr
            .contains("invalid `--cost 1e12`: the largest amount is $1,000,000,000"),
        "{}",
        run.stderr
    );
    // at the ceiling: recorded, and priced
    env.record("openai", "gpt-5", "1000000000000", "0", &[])
        .assert_code(0);
    let good = r#"{"provider":"openai","model":"gpt-5","input":1,"output":1}"#;
    for (bad, expected) in [
        (
            format!(r#"{{"provider":"openai","model":"gpt-5","input":{max},"output":{max}}}"#),
            format!(
                "`stdin` line 2: field `input` is over the ceiling of 1,000,000,000,000 a \
                 request, got `{max}`"
            ),
        ),
        (
            r#"{"provider":"openai","model":"gpt-5","input":1,"output":100000000000000000000}"#
                .to_string(),
            "`stdin` line 2: field `output` is over the ceiling of 1,000,000,000,000 a request, \
             got `100000000000000000000`"
                .to_string(),
        ),
        (
            r#"{"provider":"openai","model":"gpt-5","input":1,"output":1,"cost":12345678901}"#
                .to_string(),
            "`stdin` line 2: field `cost` is over the ceiling of $1,000,000,000 a request, \
             got `12345678901`"
                .to_string(),
        ),
    ] {
        let run = env.tokens_stdin(
            &["tokens", "record", "--jsonl", "-"],
            &format!("{good}\n{bad}\n"),
        );
        run.assert_code(2);
        assert!(run.stderr.contains(&expected), "{expected}\n{}", run.stderr);
    }
    assert_eq!(env.sql_i64("SELECT count(*) FROM requests"), 1);
    let run = env.tokens(&["--json", "tokens", "summary", "--days", "1"]);
    run.assert_code(0);
    assert_eq!(run.json()["totals"]["input_tokens"], 1_000_000_000_000u64);
    env.tokens(&["tokens", "check"]).assert_code(0);
}

/// The store's totals are checked with every write: requests that would take the total cost
/// past what an i64 of nano-dollars holds ($9,223,372,036.85) are refused, in a batch or one by
/// one, and nothing of them is kept.
#[test]
fn a_write_past_the_store_totals_is_refused() {
    let env = TestEnv::new();
    let line = r#"{"provider":"acme","model":"m","input":1,"output":1,"cost":1000000000}"#;
    let ten = format!("{line}\n").repeat(10);
    let run = env.tokens_stdin(&["tokens", "record", "--jsonl", "-"], &ten);
    run.assert_code(2);
    assert!(
        run.stderr.contains(
            "cannot record these requests: the store's total of `cost` would pass the largest \
             number it can hold"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(env.sql_i64("SELECT count(*) FROM requests"), 0);
    let nine = format!("{line}\n").repeat(9);
    env.tokens_stdin(&["tokens", "record", "--jsonl", "-"], &nine)
        .assert_code(0);
    let run = env.record("acme", "m", "1", "1", &["--cost", "1000000000"]);
    run.assert_code(2);
    assert!(run.stderr.contains("`cost`"), "{}", run.stderr);
    assert_eq!(env.sql_i64("SELECT count(*) FROM requests"), 9);
    let run = env.tokens(&["--json", "tokens", "summary", "--days", "1"]);
    run.assert_code(0);
    assert_eq!(run.json()["totals"]["cost_usd"].to_string(), "9000000000.0");
    // a budget check with an estimate on top of that total: over the budget, no overflow
    env.tokens(&["tokens", "budget", "set", "--daily", "1"])
        .assert_code(0);
    let run = env.tokens(&["tokens", "check", "--estimate", "1000000000"]);
    run.assert_code(1);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

/// Costs are kept in nano-dollars and summed exactly: 100,000 requests of one token at $0.30 per
/// million tokens are $0.03 (rounded to micro-dollars one by one, they were $0.00).
#[test]
fn a_hundred_thousand_one_token_requests_total_three_cents() {
    let env = TestEnv::new();
    let line = r#"{"provider":"google","model":"gemini-2.5-flash","input":1,"output":0,"at":"2026-03-01T12:00:00Z"}"#;
    let input = format!("{line}\n").repeat(100_000);
    let run = env.tokens_stdin(&["tokens", "record", "--jsonl", "-"], &input);
    run.assert_code(0);
    assert!(
        run.stderr
            .contains("recorded 100,000 requests (100,000 new, 0 updated), $0.0300"),
        "{}",
        run.stderr
    );
    let run = env.summary("2026-03-01", "2026-03-01", &["--json"]);
    run.assert_code(0);
    assert_eq!(run.json()["totals"]["cost_usd"].to_string(), "0.03");
    assert_eq!(
        env.sql_i64("SELECT sum(cost_nanos) FROM requests"),
        30_000_000
    );
}

/// A given cost is kept to the nano-dollar, and `--json` shows every digit of it.
#[test]
fn a_given_cost_is_exact_to_the_nano_dollar() {
    let env = TestEnv::new();
    let run = env.tokens(&[
        "--json",
        "tokens",
        "record",
        "--provider",
        "acme",
        "--model",
        "m",
        "--input",
        "1",
        "--output",
        "1",
        "--cost",
        "123456789.123456789",
    ]);
    run.assert_code(0);
    assert!(
        run.stdout.contains(r#""cost_usd": 123456789.123456789,"#),
        "{}",
        run.stdout
    );
    assert_eq!(
        env.sql_i64("SELECT cost_nanos FROM requests"),
        123_456_789_123_456_789
    );
}

/// Names must not be empty; counts must not be negative (said so, not "unexpected argument").
#[test]
fn empty_names_and_negative_counts_are_usage_errors() {
    let env = TestEnv::new();
    for (provider, model, flag) in [("", "gpt-5", "--provider"), ("openai", " ", "--model")] {
        let run = env.record(provider, model, "1", "1", &[]);
        run.assert_code(2);
        assert!(
            run.stderr.contains(&format!("`{flag}` must not be empty")),
            "{}",
            run.stderr
        );
    }
    for flag in [
        "--cache-read",
        "--cache-write",
        "--cache-write-1h",
        "--reasoning",
        "--latency-ms",
    ] {
        let run = env.record("openai", "gpt-5", "1", "1", &[flag, "-5"]);
        run.assert_code(2);
        assert!(
            run.stderr.contains(&format!(
                "invalid value '-5' for '{flag} <N>': must be a non-negative number"
            )),
            "{}",
            run.stderr
        );
    }
    let run = env.record("openai", "gpt-5", "-5", "1", &[]);
    run.assert_code(2);
    assert!(
        run.stderr
            .contains("invalid value '-5' for '--input <N>': must be a non-negative number"),
        "{}",
        run.stderr
    );
    let run = env.record("openai", "gpt-5", "1.5", "1", &[]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("must be a non-negative whole number"),
        "{}",
        run.stderr
    );
    for bad in [
        r#"{"provider":"","model":"gpt-5","input":1,"output":1}"#,
        r#"{"provider":"openai","model":"","input":1,"output":1}"#,
    ] {
        let run = env.tokens_stdin(&["tokens", "record", "--jsonl", "-"], bad);
        run.assert_code(2);
        assert!(run.stderr.contains("must not be empty"), "{}", run.stderr);
    }
    // the flags that give `--jsonl` its defaults are checked as for one request
    for flag in ["--user", "--project"] {
        let run = env.tokens_stdin(
            &["tokens", "record", "--jsonl", "-", flag, " "],
            r#"{"provider":"openai","model":"gpt-5","input":1,"output":1}"#,
        );
        run.assert_code(2);
        assert!(
            run.stderr.contains(&format!("`{flag}` must not be empty")),
            "{}",
            run.stderr
        );
    }
    let run = env.tokens_stdin(
        &["tokens", "record", "--jsonl", "-"],
        r#"{"provider":"openai","model":"gpt-5","output":1}"#,
    );
    run.assert_code(2);
    assert!(
        run.stderr.contains("line 1: missing field `input`\n"),
        "{}",
        run.stderr
    );
    assert_eq!(env.sql_i64("SELECT count(*) FROM requests"), 0);
}

/// An unpriced request is never called $0: `--json` says `null`, the batch line says so.
#[test]
fn an_unpriced_request_is_not_called_free() {
    let env = TestEnv::new();
    let run = env.tokens(&[
        "--json",
        "tokens",
        "record",
        "--provider",
        "acme",
        "--model",
        "m",
        "--input",
        "1",
        "--output",
        "1",
    ]);
    run.assert_code(0);
    let j = run.json();
    assert!(j["cost_usd"].is_null(), "{}", run.stdout);
    assert_eq!(j["unpriced"], 1);
    let run = env.tokens_stdin(
        &["tokens", "record", "--jsonl", "-"],
        r#"{"provider":"acme","model":"m","input":1,"output":1}"#,
    );
    run.assert_code(0);
    insta::assert_snapshot!(run.stderr, @r"
    recorded 1 request (1 new, 0 updated), cost unknown (no price)
    warning: 1 request has no price and was recorded as unpriced: `m`
    ");
    let run = env.tokens_stdin(
        &["tokens", "record", "--jsonl", "-"],
        concat!(
            r#"{"provider":"acme","model":"m","input":1,"output":1}"#,
            "\n",
            r#"{"provider":"openai","model":"gpt-5","input":1000,"output":0}"#
        ),
    );
    run.assert_code(0);
    assert!(
        run.stderr.contains(
            "recorded 2 requests (2 new, 0 updated), $0.0013 for 1 priced, 1 without a price"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn a_jsonl_report_counts_what_the_batch_adds_to_the_ledger() {
    let env = TestEnv::new();
    // gpt-4.1: $2 per million input tokens; the second line replaces the first
    let line = |input: u32| {
        format!(
            "{{\"provider\":\"openai\",\"model\":\"gpt-4.1\",\"input\":{input},\"output\":0,\
             \"request_id\":\"same\",\"at\":\"2026-11-01T00:00:00Z\"}}\n"
        )
    };
    let record = |text: &str| {
        let run = env.tokens_stdin(&["--json", "tokens", "record", "--jsonl", "-"], text);
        run.assert_code(0);
        run.json()
    };
    let j = record(&format!("{}{}", line(100), line(300)));
    assert_eq!(
        (j["recorded"].as_u64(), j["updated"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(j["cost_usd"].to_string(), "0.0006");
    assert_eq!(env.sql_i64("SELECT cost_nanos FROM rollup_all"), 600_000);
    // the same request again, larger: the ledger grows by the difference only
    let j = record(&line(500));
    assert_eq!(j["cost_usd"].to_string(), "0.0004");
    assert_eq!(env.sql_i64("SELECT cost_nanos FROM rollup_all"), 1_000_000);
    let run = env.tokens_stdin(&["tokens", "record", "--jsonl", "-"], &line(500));
    run.assert_code(0);
    assert!(
        run.stderr
            .contains("recorded 1 request (0 new, 1 updated), $0.00"),
        "{}",
        run.stderr
    );
}

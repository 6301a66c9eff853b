//! `aimcp tokens record`: flags, JSON lines, exact costs, updates by request id, concurrency.

use crate::common::TestEnv;

#[test]
fn a_cached_anthropic_request_is_priced_to_the_micro_dollar() {
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
        "SELECT ts, provider, user, project, source, cost_micros, cost_source, price_version, \
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
            "39207",
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
        env.sql("SELECT model, cost_micros, cost_source FROM requests ORDER BY id"),
        vec![
            vec!["gpt-5", "1250000", "given"],
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
        env.sql("SELECT cost_micros, cost_source, price_version FROM requests"),
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
        env.sql("SELECT input, cost_micros FROM requests"),
        vec![vec!["300", "600"]]
    );
    // the rollup follows the update: one request, 300 tokens
    assert_eq!(
        env.sql("SELECT sum(requests), sum(input) FROM rollup"),
        vec![vec!["1", "300"]]
    );
    assert_eq!(
        env.sql("SELECT sum(requests), sum(input), sum(cost_micros) FROM rollup_hour"),
        vec![vec!["1", "300", "600"]]
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
            "SELECT user, source, request_id, cost_micros, cost_source FROM requests ORDER BY id"
        ),
        vec![
            vec!["bob", "jsonl", "x1", "2000", "computed"],
            vec!["alice", "jsonl", "NULL", "500000", "given"]
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
            "line 3: field `input` must be a non-negative integer",
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
            "line 3: missing field `provider` or `model`",
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

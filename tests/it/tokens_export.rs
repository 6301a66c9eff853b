//! `aimcp tokens export` and `aimcp tokens prices`.

use std::io::Read;
use std::process::Stdio;

use crate::common::TestEnv;

fn seed(env: &TestEnv, n: usize) {
    let mut input = String::new();
    for i in 0..n {
        input.push_str(&format!(
            r#"{{"provider":"anthropic","model":"claude-haiku-4-5","input":{},"output":10,"at":"2026-03-0{}T12:00:00Z","request_id":"r{i}","project":"a,b \"c\""}}"#,
            1000 + i,
            1 + i % 3
        ));
        input.push('\n');
    }
    env.tokens_stdin(&["tokens", "record", "--jsonl", "-"], &input)
        .assert_code(0);
}

#[test]
fn csv_and_jsonl_hold_every_row_of_the_window() {
    let env = TestEnv::new();
    seed(&env, 9);
    let run = env.tokens(&["tokens", "export", "--csv"]);
    run.assert_code(0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 10);
    assert!(lines[0].starts_with("time,provider,model,user,project"));
    // 1,000 × $1 + 10 × $5 per million = $0.00105; the project name is quoted
    assert_eq!(
        lines[1],
        "2026-03-01T12:00:00Z,anthropic,claude-haiku-4-5,alice,\"a,b \"\"c\"\"\",,,jsonl,r0,1000,10,0,0,0,0,0.001050000,computed,builtin-2026-11-01,,true"
    );
    let run = env.tokens(&[
        "tokens",
        "export",
        "--jsonl",
        "--since",
        "2026-03-02",
        "--until",
        "2026-03-02",
    ]);
    run.assert_code(0);
    let rows: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 3);
    assert!(
        rows.iter()
            .all(|r| r["time"].as_str().unwrap().starts_with("2026-03-02"))
    );
    assert_eq!(rows[0]["cost_usd"].to_string(), "0.001051");
    env.tokens(&["tokens", "export"]).assert_code(2);
    env.tokens(&["tokens", "export", "--csv", "--jsonl"])
        .assert_code(2);
}

#[test]
fn a_closed_pipe_is_a_quiet_success() {
    let env = TestEnv::new();
    seed(&env, 3000);
    let db = env.db();
    let mut child = env
        .cmd()
        .args(["--db", db.to_str().unwrap(), "tokens", "export", "--jsonl"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut first = [0u8; 100];
    out.read_exact(&mut first).unwrap();
    drop(out);
    let status = child.wait().unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert_eq!(status.code(), Some(0), "{err}");
    assert!(err.is_empty(), "{err}");
}

#[test]
fn prices_show_what_is_used_and_from_where() {
    let env = TestEnv::new();
    let run = env.tokens(&["tokens", "prices"]);
    run.assert_code(0);
    for m in [
        "claude-sonnet-4-5",
        "gpt-5",
        "gemini-2.5-pro",
        "mistral-large-latest",
        "deepseek-chat",
    ] {
        assert!(run.stdout.contains(m), "{m} missing");
    }
    let j = env
        .tokens(&["--json", "tokens", "prices", "claude-sonnet-4-5-20250929"])
        .json();
    let m = &j["models"][0];
    assert_eq!(m["model"], "claude-sonnet-4-5");
    assert_eq!(m["prices"]["cache_write_1h"].to_string(), "6.0");
    assert_eq!(m["long_context"]["input"].to_string(), "6.0");
    assert_eq!(m["long_context"]["above_prompt_tokens"], 200000);
    assert_eq!(m["source"], "built-in table as of 2026-11-01");
    let run = env.tokens(&["tokens", "prices", "acme-9"]);
    run.assert_code(1);
    assert!(
        run.stderr.contains("no price for model `acme-9`"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_litellm_prices_file_goes_over_the_built_in_table() {
    let env = TestEnv::new();
    let file = env.write(
        "prices.json",
        r#"{
          "sample_spec": {"max_tokens": "LEGACY parameter", "input_cost_per_token": 0.0, "litellm_provider": "one of https://docs.litellm.ai/docs/providers"},
          "acme/acme-9": {"input_cost_per_token": 2e-06, "output_cost_per_token": 8e-06, "litellm_provider": "acme", "mode": "chat"},
          "gpt-5": {"input_cost_per_token": 1e-06, "output_cost_per_token": 1e-05, "cache_read_input_token_cost": 1e-07, "litellm_provider": "openai"},
          "tts-1": {"input_cost_per_character": 1.5e-05, "litellm_provider": "openai", "mode": "audio_speech"}
        }"#,
    );
    let j = env
        .tokens(&[
            "--json",
            "--pricing",
            file.to_str().unwrap(),
            "tokens",
            "prices",
            "acme/acme-9",
        ])
        .json();
    assert_eq!(j["models"][0]["prices"]["input"].to_string(), "2.0");
    assert!(
        j["models"][0]["source"]
            .as_str()
            .unwrap()
            .ends_with("prices.json")
    );
    // AIMCP_PRICING works the same, and the record is priced from the file
    let db = env.db();
    let out = env
        .cmd()
        .env("AIMCP_PRICING", &file)
        .args([
            "--db",
            db.to_str().unwrap(),
            "--json",
            "tokens",
            "record",
            "--provider",
            "acme",
            "--model",
            "acme-9",
            "--input",
            "1000",
            "--output",
            "1000",
        ])
        .output()
        .unwrap();
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // 1,000 × $2 + 1,000 × $8 per million = $0.01
    assert_eq!(j["cost_usd"].to_string(), "0.01");
    assert_eq!(
        env.sql("SELECT price_version FROM requests"),
        vec![vec!["file:prices.json"]]
    );
    // a broken file is a usage error naming it
    env.write("bad.json", "{\"gpt-5\": ");
    let run = env.tokens(&["--pricing", "bad.json", "tokens", "prices"]);
    run.assert_code(2);
    assert!(run.stderr.contains("bad.json"), "{}", run.stderr);
}

/// An unpriced request's cost is not known: an empty `cost_usd` in CSV, `null` in JSON lines,
/// never `0.000000`. A priced one is exact to the nano-dollar.
#[test]
fn unpriced_rows_have_no_cost() {
    let env = TestEnv::new();
    env.tokens_stdin(
        &["tokens", "record", "--jsonl", "-"],
        concat!(
            r#"{"provider":"acme","model":"m","input":1,"output":1,"at":"2026-03-01T12:00:00Z"}"#,
            "\n",
            r#"{"provider":"acme","model":"m","input":1,"output":1,"cost":"0.123456789","at":"2026-03-01T13:00:00Z"}"#
        ),
    )
    .assert_code(0);
    let run = env.tokens(&["tokens", "export", "--csv"]);
    run.assert_code(0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines[1].contains(",0,0,0,,unpriced,"), "{}", lines[1]);
    assert!(
        lines[2].contains(",0,0,0,0.123456789,given,"),
        "{}",
        lines[2]
    );
    let run = env.tokens(&["tokens", "export", "--jsonl"]);
    run.assert_code(0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines[0].contains(r#""cost_usd":null"#), "{}", lines[0]);
    assert!(
        lines[1].contains(r#""cost_usd":0.123456789"#),
        "{}",
        lines[1]
    );
}

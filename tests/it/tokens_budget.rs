//! Budgets and the CI gate: `tokens budget set/list/remove/status`, `tokens check`, warnings.

use crate::common::TestEnv;

/// Records a request made now costing `usd` (given), for `user`.
fn spend(env: &TestEnv, usd: &str, user: &str) -> crate::common::Run {
    let run = env.record(
        "openai",
        "gpt-5",
        "1",
        "1",
        &["--cost", usd, "--user", user],
    );
    run.assert_code(0);
    run
}

#[test]
fn set_list_and_remove() {
    let env = TestEnv::new();
    let run = env.tokens(&["--json", "tokens", "budget", "set", "--daily", "10"]);
    run.assert_code(0);
    assert_eq!(run.json()["id"], 1);
    env.tokens(&[
        "tokens",
        "budget",
        "set",
        "--monthly",
        "$1,000",
        "--scope",
        "project:web",
    ])
    .assert_code(0);
    env.tokens(&[
        "tokens",
        "budget",
        "set",
        "--per-request",
        "0.50",
        "--thresholds",
        "50,75,100",
    ])
    .assert_code(0);
    let j = env.tokens(&["--json", "tokens", "budget", "list"]).json();
    let b = j["budgets"].as_array().unwrap();
    assert_eq!(b.len(), 3);
    assert_eq!(b[0]["period"], "daily");
    assert_eq!(b[0]["limit_usd"].to_string(), "10.0");
    assert_eq!(b[1]["scope"], "project:web");
    assert_eq!(b[1]["limit_usd"].to_string(), "1000.0");
    assert_eq!(b[2]["thresholds"], serde_json::json!([50, 75, 100]));
    let text = env.tokens(&["tokens", "budget", "list"]);
    assert!(text.stdout.contains("$1,000.00"), "{}", text.stdout);
    env.tokens(&["tokens", "budget", "remove", "2"])
        .assert_code(0);
    let run = env.tokens(&["tokens", "budget", "remove", "2"]);
    run.assert_code(1);
    assert!(
        run.stderr.contains("budget `2` not found"),
        "{}",
        run.stderr
    );
    assert_eq!(
        env.tokens(&["--json", "tokens", "budget", "list"]).json()["budgets"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn bad_budgets_are_usage_errors() {
    let env = TestEnv::new();
    env.tokens(&["tokens", "budget", "set", "--daily", "ten"])
        .assert_code(2);
    env.tokens(&["tokens", "budget", "set", "--daily", "-3"])
        .assert_code(2);
    let run = env.tokens(&[
        "tokens", "budget", "set", "--daily", "3", "--scope", "team:x",
    ]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("invalid `--scope team:x`"),
        "{}",
        run.stderr
    );
    env.tokens(&[
        "tokens",
        "budget",
        "set",
        "--daily",
        "3",
        "--thresholds",
        "90,80,100",
    ])
    .assert_code(2);
    env.tokens(&["tokens", "budget", "set"]).assert_code(2);
    env.tokens(&["tokens", "budget", "remove", "abc"])
        .assert_code(2);
}

#[test]
fn check_passes_warns_and_fails_with_the_cli_json() {
    let env = TestEnv::new();
    // no budgets: nothing to exceed
    let j = env.tokens(&["--json", "tokens", "check"]).json();
    assert_eq!(j, serde_json::json!({"ok": true, "budgets": []}));

    env.tokens(&["tokens", "budget", "set", "--daily", "1"])
        .assert_code(0);
    spend(&env, "0.85", "alice");
    let run = env.tokens(&["--json", "tokens", "check"]);
    run.assert_code(0);
    let j = run.json();
    assert_eq!(j["ok"], true);
    let b = &j["budgets"][0];
    for k in [
        "id",
        "scope",
        "period",
        "limit_usd",
        "spent_usd",
        "percent",
        "level",
    ] {
        assert!(b.get(k).is_some(), "{k} missing");
    }
    assert_eq!(b["scope"], "global");
    assert_eq!(b["period"], "daily");
    assert_eq!(b["spent_usd"].to_string(), "0.85");
    assert_eq!(b["percent"].to_string(), "85.0");
    assert_eq!(b["level"], "warning");

    // an estimate that would pass the limit fails the gate
    let run = env.tokens(&["--json", "tokens", "check", "--estimate", "0.20"]);
    run.assert_code(1);
    let j = run.json();
    assert_eq!(j["ok"], false);
    assert_eq!(j["budgets"][0]["level"], "exceeded");
    assert_eq!(j["budgets"][0]["percent"].to_string(), "105.0");
    assert!(run.stderr.contains("would be exceeded"), "{}", run.stderr);
    // exactly at the limit still holds
    env.tokens(&["tokens", "check", "--estimate", "0.15"])
        .assert_code(0);
    let j = env
        .tokens(&["--json", "tokens", "check", "--estimate", "0.06"])
        .json();
    assert_eq!(j["budgets"][0]["level"], "critical");
}

#[test]
fn scopes_and_per_request_budgets() {
    let env = TestEnv::new();
    env.tokens(&[
        "tokens", "budget", "set", "--daily", "1", "--scope", "user:bob",
    ])
    .assert_code(0);
    env.tokens(&["tokens", "budget", "set", "--per-request", "0.50"])
        .assert_code(0);
    spend(&env, "0.40", "alice");
    spend(&env, "0.30", "bob");
    let j = env
        .tokens(&["--json", "tokens", "check", "--scope", "user:bob"])
        .json();
    assert_eq!(j["budgets"].as_array().unwrap().len(), 1);
    assert_eq!(j["budgets"][0]["spent_usd"].to_string(), "0.3");
    let j = env.tokens(&["--json", "tokens", "budget", "status"]).json();
    assert_eq!(j["budgets"][1]["period"], "per-request");
    assert_eq!(j["budgets"][1]["spent_usd"].to_string(), "0.4");
    // one request of $0.60 is over the per-request budget
    let run = env.tokens(&["--json", "tokens", "check", "--estimate", "0.6"]);
    run.assert_code(1);
    assert_eq!(run.json()["budgets"][1]["level"], "exceeded");
}

#[test]
fn record_and_summary_warn_past_a_threshold_and_annotate_under_github_actions() {
    let env = TestEnv::new();
    env.tokens(&["tokens", "budget", "set", "--daily", "1"])
        .assert_code(0);
    let run = spend(&env, "0.50", "alice");
    assert!(!run.stderr.contains("budget"), "{}", run.stderr);
    let run = spend(&env, "0.40", "alice");
    assert!(
        run.stderr
            .contains("warning: daily budget 1 (global) is nearly spent: 90.0%"),
        "{}",
        run.stderr
    );
    let run = env.tokens(&["tokens", "summary"]);
    run.assert_code(0);
    assert!(run.stderr.contains("daily budget 1"), "{}", run.stderr);

    let db = env.db();
    let out = env
        .cmd()
        .env("TZ", "UTC")
        .env("GITHUB_ACTIONS", "true")
        .args([
            "--db",
            db.to_str().unwrap(),
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
            "--cost",
            "0.2",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success());
    // annotations go to stderr, which the runner reads too, never into stdout's data
    assert!(stdout.is_empty(), "{stdout}");
    assert!(
        stderr.contains("::error title=aimcp budget::daily budget 1 (global) is exceeded"),
        "{stderr}"
    );
    let status = env.tokens(&["tokens", "budget", "status"]);
    assert!(status.stdout.contains("110.0%"), "{}", status.stdout);
    assert!(status.stdout.contains("exceeded"), "{}", status.stdout);
    env.tokens(&["tokens", "check"]).assert_code(1);
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

/// A budget's spend leaves out requests that have no price, and `status` and `check` say so.
#[test]
fn spend_says_how_many_requests_are_unpriced() {
    let env = TestEnv::new();
    env.tokens(&["tokens", "budget", "set", "--daily", "1"])
        .assert_code(0);
    spend(&env, "0.50", "alice");
    env.record("acme", "acme-9", "5", "5", &[]).assert_code(0);
    for args in [&["tokens", "check"][..], &["tokens", "budget", "status"]] {
        let mut json = vec!["--json"];
        json.extend_from_slice(args);
        let j = env.tokens(&json).json();
        assert_eq!(j["budgets"][0]["spent_usd"].to_string(), "0.5");
        assert_eq!(j["budgets"][0]["unpriced_requests"], 1, "{j}");
        let run = env.tokens(args);
        run.assert_code(0);
        assert!(
            run.stderr.contains(
                "daily budget 1 (global): 1 request has no price and is not in its spend"
            ),
            "{}",
            run.stderr
        );
    }
}

/// Budget annotations are escaped as GitHub's workflow commands need (`%`, newlines), and the
/// clock of `AIMCP_NOW` decides which day a daily budget covers.
#[test]
fn annotations_are_escaped_and_the_clock_is_pinned() {
    let env = TestEnv::new();
    env.tokens(&[
        "tokens",
        "budget",
        "set",
        "--daily",
        "1",
        "--scope",
        "project:100%",
    ])
    .assert_code(0);
    env.record(
        "openai",
        "gpt-5",
        "1",
        "1",
        &[
            "--cost",
            "2",
            "--project",
            "100%",
            "--at",
            "2026-03-01T10:00:00Z",
        ],
    )
    .assert_code(0);
    let gh = [
        ("GITHUB_ACTIONS", "true"),
        ("AIMCP_NOW", "2026-03-01T12:00:00Z"),
    ];
    let run = tokens_with(&env, &gh, &["tokens", "check"]);
    run.assert_code(1);
    assert!(
        run.stderr
            .contains("::error title=aimcp budget::daily budget 1 (project:100%25) is exceeded"),
        "{}",
        run.stderr
    );
    // the next day, the daily budget is fresh
    let run = tokens_with(
        &env,
        &[("AIMCP_NOW", "2026-03-02T12:00:00Z")],
        &["tokens", "check"],
    );
    run.assert_code(0);
}

/// Amounts past what an `f64` holds to the nano-dollar ($10^7 and up) are printed exactly in
/// every JSON document: the raw text is compared, not a parsed float.
#[test]
fn json_amounts_keep_every_nano_dollar() {
    let env = TestEnv::new();
    spend(&env, "12345678.123456789", "alice").assert_code(0);
    let run = env.tokens(&[
        "--json",
        "tokens",
        "budget",
        "set",
        "--monthly",
        "987654321.987654321",
    ]);
    run.assert_code(0);
    assert!(
        run.stdout.contains("\"limit_usd\": 987654321.987654321"),
        "{}",
        run.stdout
    );
    let list = env.tokens(&["--json", "tokens", "budget", "list"]);
    assert!(
        list.stdout.contains("\"limit_usd\": 987654321.987654321"),
        "{}",
        list.stdout
    );
    for args in [
        &["--json", "tokens", "check"][..],
        &["--json", "tokens", "budget", "status"][..],
        &["--json", "tokens", "summary", "--days", "1"][..],
    ] {
        let run = env.tokens(args);
        assert!(
            run.stdout.contains("\"limit_usd\": 987654321.987654321"),
            "{args:?}: {}",
            run.stdout
        );
        assert!(
            run.stdout.contains("\"spent_usd\": 12345678.123456789"),
            "{args:?}: {}",
            run.stdout
        );
    }
    let summary = env.tokens(&["--json", "tokens", "summary", "--days", "1"]);
    assert!(
        summary.stdout.contains("\"cost_usd\": 12345678.123456789"),
        "{}",
        summary.stdout
    );
    assert!(
        summary
            .stdout
            .contains("\"month_to_date_usd\": 12345678.123456789"),
        "{}",
        summary.stdout
    );
}

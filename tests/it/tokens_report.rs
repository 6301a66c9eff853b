//! `aimcp tokens report`, `tokens blocks` and `tokens statusline` with the real binary over a
//! ledger with known sums and a pinned clock (`AIMCP_NOW`).

use serde_json::Value;

use crate::common::{Run, TestEnv};

const NOW: &str = "2026-11-20T12:00:00Z";

/// Runs `aimcp --db <temp> ARGS` in UTC at [`NOW`] (or `now`), with stdin.
fn at(env: &TestEnv, now: &str, args: &[&str], stdin: &str, vars: &[(&str, &str)]) -> Run {
    let db = env.db();
    let mut full = vec!["--db", db.to_str().unwrap()];
    full.extend_from_slice(args);
    let mut all = vec![("TZ", "UTC"), ("USER", "alice"), ("AIMCP_NOW", now)];
    all.extend_from_slice(vars);
    env.run_stdin_env(&full, stdin, &all)
}

/// $10 a day on Sonnet from the 1st to the 19th of November (ann, project web), $40 more
/// from bob on the 16th, $4 today, and one short Opus request on the 18th ($0.0075, computed).
fn ledger() -> TestEnv {
    let env = TestEnv::new();
    let mut lines = String::new();
    let line = |day: u32, hour: u32, model: &str, user: &str, cost: Option<&str>, id: &str| {
        let cost = cost
            .map(|c| format!(r#","cost":"{c}""#))
            .unwrap_or_default();
        format!(
            r#"{{"provider":"anthropic","model":"{model}","input":1000,"output":100,"user":"{user}","project":"web","request_id":"{id}","at":"2026-11-{day:02}T{hour:02}:00:00Z"{cost}}}"#
        ) + "\n"
    };
    for day in 1..=19 {
        lines.push_str(&line(
            day,
            9,
            "claude-sonnet-4-5",
            "ann",
            Some("10"),
            &format!("d{day}"),
        ));
    }
    lines.push_str(&line(16, 15, "claude-sonnet-4-5", "bob", Some("40"), "bob"));
    lines.push_str(&line(18, 10, "claude-opus-4-5", "ann", None, "opus"));
    lines.push_str(&line(20, 8, "claude-sonnet-4-5", "ann", Some("4"), "today"));
    at(
        &env,
        NOW,
        &["tokens", "record", "--jsonl", "-"],
        &lines,
        &[],
    )
    .assert_code(0);
    at(
        &env,
        NOW,
        &["tokens", "budget", "set", "--monthly", "250"],
        "",
        &[],
    )
    .assert_code(0);
    env
}

fn report(env: &TestEnv, args: &[&str]) -> Run {
    let mut full = vec!["tokens", "report", "--days", "7", "--tz", "UTC"];
    full.extend_from_slice(args);
    let run = at(env, NOW, &full, "", &[]);
    run.assert_code(0);
    run
}

fn usd(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

#[test]
fn the_json_report_pins_trend_forecast_savings_and_anomalies() {
    let env = ledger();
    let r = report(&env, &["--format", "json"]).json();
    assert_eq!(r["window"]["since"], "2026-11-14T00:00:00Z");
    assert_eq!(r["window"]["until"], "2026-11-21T00:00:00Z");
    // the 14th..19th: $60, bob's $40, today's $4, Opus' $0.0075
    assert_eq!(r["totals"]["cost_usd"].to_string(), "104.0075");
    assert_eq!(r["totals"]["requests"], 9);
    // the previous 7 days (7th..13th): $70
    assert_eq!(r["previous"]["cost_usd"].to_string(), "70.0");
    assert_eq!(r["change_percent"]["cost"], 48.6);
    assert_eq!(r["change_percent"]["requests"], 28.6);
    // forecast: month to date $234.0075; the 13th..19th ($10, 10, 10, 50, 10, 10.0075, 10)
    // weighted 1..7: $440.045 / 28 = $15.715892857 a day, for 10.5 days
    let f = &r["forecast"];
    assert_eq!(f["month_to_date_usd"].to_string(), "234.0075");
    assert_eq!(f["daily_rate_usd"].to_string(), "15.715892857");
    assert_eq!(f["days_left"], 10.5);
    // 234.0075 + 15.715892857 * 10.5 (165.0168749985, rounded half away from zero)
    assert_eq!(f["month_end_usd"].to_string(), "399.024374999");
    assert!(usd(&f["low_usd"]) < usd(&f["month_end_usd"]));
    assert!(usd(&f["high_usd"]) > usd(&f["month_end_usd"]));
    // $250: passed on the 21st (234.0075 + 15.716 * 1.5 = $257.58 at its end)
    assert_eq!(f["budgets"][0]["crossed_on"], "2026-11-21");
    assert_eq!(f["budgets"][0]["already_crossed"], false);
    // the 16th ($50) is far above its week (median $10, threshold $13); so is the project
    let anomalies: Vec<(String, String)> = r["anomalies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["kind"].as_str().unwrap().to_string(),
                a["date"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        anomalies,
        vec![
            ("day".to_string(), "2026-11-16".to_string()),
            ("project".to_string(), "2026-11-16".to_string())
        ]
    );
    assert_eq!(r["anomalies"][0]["threshold_usd"].to_string(), "13.0");
    // Opus' short request at Haiku 4.5's prices: $0.0015, so $0.006 saved
    let recs = r["recommendations"].as_array().unwrap();
    let cheaper: Vec<(String, i64)> = recs
        .iter()
        .filter(|x| x["kind"] == "cheaper-model")
        .map(|x| (x["saving_usd"].to_string(), x["rows"].as_i64().unwrap()))
        .collect();
    // Sonnet's given $104 for 8 requests: Haiku 4.5 is a third of its price for their tokens
    // ($0.0045 against $0.0015), so $69.333333334 saved
    assert_eq!(
        cheaper,
        vec![("69.333333336".to_string(), 8), ("0.006".to_string(), 1)]
    );
    assert!(recs.iter().any(|x| x["kind"] == "budget"));
    // models: Sonnet's share of $104.0075
    assert_eq!(r["models"][0]["model"], "claude-sonnet-4-5");
    assert_eq!(r["models"][0]["requests"], 8);
    assert_eq!(r["models"][0]["share"], 0.9999);
    assert_eq!(r["models"][1]["cost_usd"].to_string(), "0.0075");
    // $0.0075 for 100 output tokens: $0.075 per 1k
    assert_eq!(
        r["models"][1]["cost_per_1k_output_usd"].to_string(),
        "0.075"
    );
    // `--json` gives the same document
    let again = at(
        &env,
        NOW,
        &["--json", "tokens", "report", "--days", "7", "--tz", "UTC"],
        "",
        &[],
    );
    again.assert_code(0);
    assert_eq!(again.json(), r);
    // with `--output`, the file is written and stdout still holds the JSON report, once
    let filed = at(
        &env,
        NOW,
        &[
            "--json", "tokens", "report", "--days", "7", "--tz", "UTC", "--output", "r.json",
        ],
        "",
        &[],
    );
    filed.assert_code(0);
    assert_eq!(filed.json(), r);
    assert_eq!(
        serde_json::from_str::<Value>(&env.read("r.json")).unwrap(),
        r
    );
    // another format cannot share stdout with it: exit 2, nothing written
    let clash = at(
        &env,
        NOW,
        &["--json", "tokens", "report", "--format", "markdown"],
        "",
        &[],
    );
    clash.assert_code(2);
    // (stdout holds the one JSON document: the error)
    let error = clash.json();
    assert_eq!(error["error"]["code"], 2);
    assert!(
        error["error"]["hints"][0]
            .as_str()
            .unwrap()
            .contains("--output FILE")
    );
}

#[test]
fn text_and_markdown_reports_read_well() {
    let env = ledger();
    let text = report(&env, &[]).stdout;
    insta::assert_snapshot!("report_text", text);
    let md = report(&env, &["--format", "markdown"]).stdout;
    insta::assert_snapshot!("report_markdown", md);
}

/// Every `name="value"` attribute of the elements that have `data-cost`, in order.
fn elements(svg: &str, tag: &str) -> Vec<std::collections::HashMap<String, String>> {
    let mut out = Vec::new();
    let open = format!("<{tag} ");
    let mut rest = svg;
    while let Some(i) = rest.find(&open) {
        let after = &rest[i + open.len()..];
        let end = after.find('>').unwrap();
        let mut attrs = std::collections::HashMap::new();
        let mut a = &after[..end];
        while let Some(eq) = a.find("=\"") {
            let name = a[..eq].trim().to_string();
            let v = &a[eq + 2..];
            let close = v.find('"').unwrap();
            attrs.insert(name, v[..close].to_string());
            a = &v[close + 1..];
        }
        out.push(attrs);
        rest = &after[end..];
    }
    out
}

fn chart<'a>(html: &'a str, name: &str) -> &'a str {
    let start = html
        .find(&format!("<svg data-chart=\"{name}\""))
        .unwrap_or_else(|| panic!("no {name} chart"));
    let end = html[start..].find("</svg>").unwrap();
    &html[start..start + end]
}

#[test]
fn the_html_report_is_self_contained_and_its_charts_match_the_json() {
    let env = ledger();
    let json = report(&env, &["--format", "json"]).json();
    let run = report(&env, &["--output", "report.html"]);
    assert!(run.stdout.is_empty());
    let html = env.read("report.html");
    assert!(html.starts_with("<!DOCTYPE html>"));
    for bad in ["<script", "http://", "https://", "src=", "@import", "url("] {
        assert!(!html.contains(bad), "the report has `{bad}`");
    }
    assert!(html.contains("prefers-color-scheme: dark"));
    assert!(html.contains("@media print"));

    // daily: one group per day with its cost, and a segment per model that sum to it
    let daily = chart(&html, "daily");
    let days = elements(daily, "g");
    let want = json["daily"].as_array().unwrap();
    assert_eq!(days.len(), want.len());
    for (g, d) in days.iter().zip(want) {
        assert_eq!(g["data-date"], d["date"].as_str().unwrap());
        assert_eq!(g["data-cost"], d["cost_usd"].to_string());
    }
    let segs = elements(daily, "rect");
    let in_json: Vec<(String, String)> = want
        .iter()
        .flat_map(|d| d["models"].as_array().unwrap().iter())
        .map(|m| {
            (
                m["model"].as_str().unwrap().to_string(),
                m["cost_usd"].to_string(),
            )
        })
        .collect();
    let in_svg: Vec<(String, String)> = segs
        .iter()
        .map(|s| (s["data-model"].clone(), s["data-cost"].clone()))
        .collect();
    assert_eq!(in_svg, in_json);
    assert!(in_svg.contains(&("claude-opus-4-5".into(), "0.0075".into())));

    // the month: a point per day, actual then forecast, and the budget line
    let month = chart(&html, "cumulative");
    let points = elements(month, "circle");
    let cumulative = json["forecast"]["cumulative"].as_array().unwrap();
    assert_eq!(points.len(), 30);
    for (p, c) in points.iter().zip(cumulative) {
        assert_eq!(p["data-date"], c["date"].as_str().unwrap());
        assert_eq!(p["data-cost"], c["cost_usd"].to_string());
        assert_eq!(p["data-forecast"], c["forecast"].to_string());
    }
    assert_eq!(points[29]["data-cost"], "399.024374999");
    let budget = elements(month, "line")
        .into_iter()
        .find(|l| l.contains_key("data-limit"))
        .unwrap();
    assert_eq!(budget["data-limit"], "250.0");
    let range = &elements(month, "polygon")[0];
    assert_eq!(range["data-low"], json["forecast"]["low_usd"].to_string());
    assert_eq!(range["data-high"], json["forecast"]["high_usd"].to_string());

    // models: one bar per model
    let bars = elements(chart(&html, "models"), "rect");
    let models = json["models"].as_array().unwrap();
    assert_eq!(bars.len(), models.len());
    for (b, m) in bars.iter().zip(models) {
        assert_eq!(b["data-model"], m["model"].as_str().unwrap());
        assert_eq!(b["data-cost"], m["cost_usd"].to_string());
    }
}

#[test]
fn report_refuses_bad_flags_and_handles_an_empty_store() {
    let env = TestEnv::new();
    let run = at(&env, NOW, &["tokens", "report", "--days", "0"], "", &[]);
    run.assert_code(2);
    assert!(run.stderr.contains("--days 0"), "{}", run.stderr);
    let run = at(&env, NOW, &["tokens", "report", "--format", "pdf"], "", &[]);
    run.assert_code(2);
    // nothing recorded: a report of zeros, and no store created
    let r = at(
        &env,
        NOW,
        &["tokens", "report", "--format", "json", "--tz", "UTC"],
        "",
        &[],
    );
    r.assert_code(0);
    assert_eq!(r.json()["totals"]["cost_usd"].to_string(), "0.0");
    assert!(!env.db().exists());
}

#[test]
fn blocks_are_five_hour_windows_with_the_active_ones_burn_rate() {
    let env = TestEnv::new();
    let mut lines = String::new();
    // 08:30 and 12:59 (block 08:00-13:00), 13:10 (a new block: past its end), then 19:00
    // (more than 5 hours after 13:10); $1 each, 1,100 tokens each
    for (i, t) in ["08:30", "12:59", "13:10", "19:00"].iter().enumerate() {
        lines.push_str(&format!(
            r#"{{"provider":"anthropic","model":"claude-sonnet-4-5","input":1000,"output":100,"cost":"1","request_id":"b{i}","at":"2026-11-20T{t}:00Z"}}"#
        ));
        lines.push('\n');
    }
    lines.push_str(r#"{"provider":"openai","model":"gpt-5","input":1,"output":1,"request_id":"o","at":"2026-11-20T19:30:00Z"}"#);
    lines.push('\n');
    let now = "2026-11-20T20:00:00Z";
    at(
        &env,
        now,
        &["tokens", "record", "--jsonl", "-"],
        &lines,
        &[],
    )
    .assert_code(0);
    let b = at(
        &env,
        now,
        &["--json", "tokens", "blocks", "--days", "1"],
        "",
        &[],
    );
    b.assert_code(0);
    let j = b.json();
    let starts: Vec<&str> = j["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["start"].as_str().unwrap())
        .collect();
    assert_eq!(
        starts,
        vec![
            "2026-11-20T08:00:00Z",
            "2026-11-20T13:00:00Z",
            "2026-11-20T19:00:00Z"
        ]
    );
    assert_eq!(j["blocks"][0]["requests"], 2);
    assert_eq!(j["blocks"][0]["cost_usd"].to_string(), "2.0");
    let a = &j["active"];
    assert_eq!(a["start"], "2026-11-20T19:00:00Z");
    assert_eq!(a["end"], "2026-11-20T00:00:00Z".replace("20T00", "21T00"));
    // $1 in the hour since its first request: $1/h, and 4 more hours at that rate
    assert_eq!(a["burn_rate_usd_per_hour"].to_string(), "1.0");
    assert_eq!(a["projected_cost_usd"].to_string(), "5.0");
    assert_eq!(a["remaining_minutes"], 240);
    // `--active` alone; none active a day later: exit 1
    let only = at(
        &env,
        now,
        &["--json", "tokens", "blocks", "--active"],
        "",
        &[],
    )
    .json();
    assert_eq!(only["blocks"].as_array().unwrap().len(), 1);
    let later = at(
        &env,
        "2026-11-21T08:00:00Z",
        &["tokens", "blocks", "--active"],
        "",
        &[],
    );
    later.assert_code(1);
    assert!(
        later.stderr.contains("no active 5-hour block"),
        "{}",
        later.stderr
    );
}

#[test]
fn statusline_imports_claude_logs_and_prints_one_line() {
    let env = TestEnv::new();
    let claude = env.path("claude");
    let dir = claude.join("projects").join("-home-alice-web");
    std::fs::create_dir_all(&dir).unwrap();
    let assistant = |req: &str, at: &str| {
        serde_json::json!({
            "type": "assistant", "sessionId": "sess-1", "cwd": "/home/alice/web",
            "requestId": req, "timestamp": at,
            "message": {"id": format!("msg_{req}"), "type": "message", "role": "assistant",
                "model": "claude-sonnet-4-5-20250929",
                "usage": {"input_tokens": 100000, "output_tokens": 0,
                          "cache_read_input_tokens": 0, "cache_creation_input_tokens": 0}}
        })
        .to_string()
            + "\n"
    };
    // $0.30 each (100,000 input tokens of Sonnet 4.5)
    std::fs::write(
        dir.join("sess-1.jsonl"),
        assistant("r1", "2026-11-20T10:10:00.000Z") + &assistant("r2", "2026-11-20T11:00:00.000Z"),
    )
    .unwrap();
    let vars = [("CLAUDE_CONFIG_DIR", claude.to_str().unwrap())];
    let hook = r#"{"session_id":"sess-1","transcript_path":"/x.jsonl","model":{"id":"claude-sonnet-4-5","display_name":"Sonnet 4.5"},"workspace":{"current_dir":"/home/alice/web","project_dir":"/home/alice/web"}}"#;
    let run = at(&env, NOW, &["tokens", "statusline"], hook, &vars);
    run.assert_code(0);
    assert_eq!(
        run.stdout,
        "Sonnet 4.5 · today $0.6000 · block $0.6000 (3h 00m left, $0.3273/h) · session $0.6000\n"
    );
    // Claude Code's own session cost wins; nothing new to import the second time
    let hook2 = r#"{"session_id":"sess-1","model":{"display_name":"Sonnet 4.5"},"cost":{"total_cost_usd":1.5}}"#;
    let run = at(&env, NOW, &["tokens", "statusline"], hook2, &vars);
    assert_eq!(
        run.stdout,
        "Sonnet 4.5 · today $0.6000 · block $0.6000 (3h 00m left, $0.3273/h) · session $1.50\n"
    );
    // a broken hook document: one short line, exit 0
    let run = at(&env, NOW, &["tokens", "statusline"], "{not json", &vars);
    run.assert_code(0);
    assert!(run.stdout.starts_with("aimcp: "), "{}", run.stdout);
    assert_eq!(run.stdout.lines().count(), 1);
}

//! `mcp test`, `mcp discover`, `mcp call` against real servers (npm, PyPI) and misbehaving ones
//! (`tests/servers/fake.js`), over stdio, Streamable HTTP and SSE.

use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::common::servers::{self, HttpServer, assert_all_dead, fake_js, npm_bin, time_bin};
use crate::common::{Run, TestEnv};

fn write_config(env: &TestEnv, servers: Value) {
    env.write(
        ".mcp.json",
        &serde_json::to_string_pretty(&json!({ "mcpServers": servers })).unwrap(),
    );
}

fn stdio(command: &str, args: &[&str]) -> Value {
    json!({"type": "stdio", "command": command, "args": args})
}

fn fake(mode: &str) -> Value {
    stdio("node", &[fake_js().to_str().unwrap(), mode])
}

fn tool_names(entry: &Value) -> Vec<String> {
    entry["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_string())
        .collect()
}

const EVERYTHING_TOOLS: &[&str] = &[
    "echo",
    "get-annotated-message",
    "get-env",
    "get-resource-links",
    "get-resource-reference",
    "get-structured-content",
    "get-sum",
    "get-tiny-image",
    "gzip-file-as-resource",
    "toggle-simulated-logging",
    "toggle-subscriber-updates",
    "trigger-long-running-operation",
    "simulate-research-query",
];

// ---- real servers ------------------------------------------------------------------------------

#[test]
fn test_everything_over_stdio_reports_version_server_and_tools() {
    let env = TestEnv::new();
    write_config(
        &env,
        json!({"everything": stdio(&npm_bin("mcp-server-everything"), &[])}),
    );
    let run = env.run(&["mcp", "test", "--json"]);
    run.assert_code(0);
    let r = &run.json()["results"][0];
    assert_eq!(r["name"], "everything");
    assert_eq!(r["ok"], true);
    assert_eq!(r["protocol_version"], "2025-11-25");
    assert_eq!(r["server"]["name"], "mcp-servers/everything");
    assert_eq!(r["server"]["version"], "2.0.0");
    assert_eq!(r["tools"], 13);
    assert!(r["latency_ms"]["initialize"].is_u64());
    assert!(r["latency_ms"]["tools_list"].is_u64());
    assert_eq!(r["error"], Value::Null);

    let text = env.run(&["mcp", "test"]);
    text.assert_code(0);
    let row = text
        .stdout
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("everything"))
        .unwrap();
    assert!(
        row.contains("ok") && row.contains("2025-11-25") && row.ends_with("13"),
        "{row}"
    );
}

#[test]
fn discover_writes_tools_file_for_four_real_servers() {
    let env = TestEnv::new();
    write_config(
        &env,
        json!({
            "everything": stdio(&npm_bin("mcp-server-everything"), &[]),
            "memory": {"command": npm_bin("mcp-server-memory"),
                       "env": {"MEMORY_FILE_PATH": "${MEMORY_PATH}"}},
            "thinking": stdio(&npm_bin("mcp-server-sequential-thinking"), &[]),
            "time": stdio(&time_bin(), &[]),
        }),
    );
    // The variable comes from the project's `.env`.
    env.write(
        ".env",
        &format!("MEMORY_PATH={}\n", env.path("memory.jsonl").display()),
    );
    let run = env.run(&["mcp", "discover", "--json", "--timeout", "120"]);
    run.assert_code(0);
    let out = run.json();
    let names: Vec<&str> = out["servers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["everything", "memory", "thinking", "time"]);
    for s in out["servers"].as_array().unwrap() {
        assert_eq!(s["ok"], true, "{s}");
        assert_eq!(s["changed"], true, "{s}");
        assert!(s["token_footprint"].as_u64().unwrap() > 100, "{s}");
        assert_eq!(s["error"], Value::Null);
    }

    let file: Value = serde_json::from_str(&env.read(".mcp.tools.json")).unwrap();
    let e = &file["everything"];
    assert_eq!(tool_names(e), EVERYTHING_TOOLS);
    assert_eq!(e["prompts"].as_array().unwrap().len(), 4);
    assert_eq!(e["resources"].as_array().unwrap().len(), 7);
    assert_eq!(e["resource_templates"].as_array().unwrap().len(), 2);
    assert_eq!(e["server_info"]["name"], "mcp-servers/everything");
    assert_eq!(e["protocol_version"], "2025-11-25");
    let echo = &e["tools"][0];
    assert_eq!(echo["title"], "Echo Tool");
    assert_eq!(echo["inputSchema"]["required"], json!(["message"]));
    assert!(echo["annotations"].is_object());
    let at = e["discovered_at"].as_str().unwrap();
    assert!(
        at.len() == 20 && at.ends_with('Z') && at.as_bytes()[10] == b'T',
        "{at}"
    );
    let hash = e["tools_hash"].as_str().unwrap();
    assert!(
        hash.starts_with("sha256:") && hash.len() == 7 + 64,
        "{hash}"
    );
    assert_eq!(
        e["token_footprint"].as_u64(),
        out["servers"][0]["token_footprint"].as_u64()
    );

    assert_eq!(
        tool_names(&file["memory"]),
        [
            "create_entities",
            "create_relations",
            "add_observations",
            "delete_entities",
            "delete_observations",
            "delete_relations",
            "read_graph",
            "search_nodes",
            "open_nodes"
        ]
    );
    assert_eq!(tool_names(&file["thinking"]), ["sequentialthinking"]);
    assert_eq!(file["thinking"]["prompts"], json!([]));
    assert_eq!(
        tool_names(&file["time"]),
        ["get_current_time", "convert_time"]
    );
    assert_eq!(file["time"]["server_info"]["name"], "mcp-time");

    // Nothing changed: --check passes, and a second discover reports no change.
    let check = env.run(&["mcp", "discover", "--check", "--json", "--timeout", "120"]);
    check.assert_code(0);
    assert!(
        check.json()["servers"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["changed"] == false)
    );
}

#[test]
fn discover_check_fails_on_drift_and_writes_nothing() {
    let env = TestEnv::new();
    write_config(
        &env,
        json!({"thinking": stdio(&npm_bin("mcp-server-sequential-thinking"), &[])}),
    );
    env.run(&["mcp", "discover", "--timeout", "120"])
        .assert_code(0);
    let mut file: Value = serde_json::from_str(&env.read(".mcp.tools.json")).unwrap();
    file["thinking"]["tools_hash"] = json!("sha256:stale");
    file["thinking"]["tools"] = json!([]);
    let stale = serde_json::to_string_pretty(&file).unwrap();
    env.write(".mcp.tools.json", &stale);

    let run = env.run(&["mcp", "discover", "--check", "--timeout", "120"]);
    run.assert_code(1);
    assert!(
        run.stderr.contains("the tools of `thinking` differ"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.contains("differs"), "{}", run.stdout);
    assert_eq!(env.read(".mcp.tools.json"), stale);
}

#[test]
fn discover_records_disabled_tools_marked_with_the_footprint_without_them() {
    let env = TestEnv::new();
    env.write(
        ".mcp.json",
        &serde_json::to_string_pretty(&json!({"mcpServers": {
            "time": {"command": time_bin(), "disabledTools": ["convert_*"]}
        }}))
        .unwrap(),
    );
    let run = env.run(&["--json", "mcp", "discover", "--timeout", "120"]);
    run.assert_code(0);
    let out = &run.json()["servers"][0];
    let file: Value = serde_json::from_str(&env.read(".mcp.tools.json")).unwrap();
    let entry = &file["time"];
    // Every tool is still recorded; the switched-off one is named.
    let mut names = tool_names(entry);
    names.sort();
    assert_eq!(names, ["convert_time", "get_current_time"]);
    assert_eq!(entry["disabled_tools"], json!(["convert_time"]));
    let all = entry["token_footprint"].as_u64().unwrap();
    let on = entry["token_footprint_enabled"].as_u64().unwrap();
    assert!(on > 0 && on < all, "{on} of {all}");
    assert_eq!(out["token_footprint"], json!(all));
    assert_eq!(out["token_footprint_enabled"], json!(on));
    assert_eq!(out["disabled_tools"], json!(["convert_time"]));
    // The `--json` document has one typed shape.
    let typed: DiscoverReport = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(typed.servers[0].disabled_tools, ["convert_time"]);
    assert_eq!(typed.servers[0].token_footprint_enabled, on);

    // Without a pattern, the entry gets neither key (an entry pinned before them stays as it is).
    env.write(
        ".mcp.json",
        &serde_json::to_string_pretty(&json!({"mcpServers": {"time": {"command": time_bin()}}}))
            .unwrap(),
    );
    std::fs::remove_file(env.path(".mcp.tools.json")).unwrap();
    let run = env.run(&["--json", "mcp", "discover", "--timeout", "120"]);
    run.assert_code(0);
    let file: Value = serde_json::from_str(&env.read(".mcp.tools.json")).unwrap();
    let entry = file["time"].as_object().unwrap();
    assert!(
        !entry.contains_key("disabled_tools") && !entry.contains_key("token_footprint_enabled"),
        "{entry:?}"
    );
    let typed: DiscoverReport = serde_json::from_str(&run.stdout).unwrap();
    let row = &typed.servers[0];
    assert!(row.ok && row.disabled_tools.is_empty());
    assert_eq!(row.token_footprint_enabled, row.token_footprint);
}

/// `mcp discover --json`, as a script reads it.
#[derive(Debug, serde::Deserialize)]
struct DiscoverReport {
    servers: Vec<DiscoverRow>,
}

#[derive(Debug, serde::Deserialize)]
#[allow(dead_code)]
struct DiscoverRow {
    name: String,
    ok: bool,
    tools: usize,
    prompts: usize,
    resources: usize,
    token_footprint: u64,
    token_footprint_enabled: u64,
    disabled_tools: Vec<String>,
    changed: bool,
    error: Option<String>,
    ms: u64,
}

#[test]
fn discover_keeps_the_previous_entry_of_a_failing_server() {
    let env = TestEnv::new();
    write_config(
        &env,
        json!({
            "good": fake("ok"),
            "broken": fake("exit-stderr"),
        }),
    );
    env.write(
        ".mcp.tools.json",
        r#"{"broken": {"tools": [{"name": "old"}], "tools_hash": "sha256:old"}}"#,
    );
    let run = env.run(&["mcp", "discover", "--json", "--timeout", "30"]);
    run.assert_code(1);
    let out = run.json();
    assert_eq!(out["servers"][0]["ok"], true);
    assert_eq!(out["servers"][1]["ok"], false);
    let err = out["servers"][1]["error"].as_str().unwrap();
    assert!(err.contains("exited with code 3"), "{err}");
    assert!(err.contains("fatal: FAKE_API_KEY is not set"), "{err}");
    let file: Value = serde_json::from_str(&env.read(".mcp.tools.json")).unwrap();
    assert_eq!(file["broken"]["tools"][0]["name"], "old");
    assert_eq!(tool_names(&file["good"]), ["tool_1", "tool_2"]);
}

#[test]
fn discover_follows_every_page_of_tools() {
    let env = TestEnv::new();
    write_config(&env, json!({"paged": fake("paged")}));
    env.run(&["mcp", "discover"]).assert_code(0);
    let file: Value = serde_json::from_str(&env.read(".mcp.tools.json")).unwrap();
    assert_eq!(
        tool_names(&file["paged"]),
        ["tool_1", "tool_2", "tool_3", "tool_4", "tool_5"]
    );
}

#[test]
fn call_prints_text_and_json_results() {
    let env = TestEnv::new();
    write_config(
        &env,
        json!({"everything": stdio(&npm_bin("mcp-server-everything"), &[])}),
    );
    let run = env.run(&[
        "mcp",
        "call",
        "everything",
        "echo",
        "--args",
        r#"{"message":"hello"}"#,
    ]);
    run.assert_code(0);
    assert_eq!(run.stdout, "Echo: hello\n");

    let run = env.run(&[
        "mcp",
        "call",
        "everything",
        "get-sum",
        "--args",
        r#"{"a":2,"b":40}"#,
        "--json",
    ]);
    run.assert_code(0);
    let result = run.json();
    assert_eq!(result["content"][0]["type"], "text");
    assert!(
        result["content"][0]["text"]
            .as_str()
            .unwrap()
            .contains("42"),
        "{result}"
    );

    // A tool the server does not have: its tools, closest first, and nothing on stdout.
    let run = env.run(&["mcp", "call", "everything", "get-summ"]);
    run.assert_code(1);
    assert_eq!(run.stdout, "");
    insta::assert_snapshot!(run.stderr, @r"
        error: server `everything` has no tool `get-summ`
        hint: its tools, closest first: get-sum, get-resource-links, get-env, get-resource-reference, get-structured-content, get-tiny-image, toggle-simulated-logging, get-annotated-message, toggle-subscriber-updates, trigger-url-elicitation, trigger-long-running-operation, simulate-research-query, gzip-file-as-resource, trigger-elicitation-request, echo
        ");
    let run = env.run(&["mcp", "call", "everything", "get-summ", "--json"]);
    run.assert_code(1);
    let doc = run.json();
    assert_eq!(
        doc["error"]["message"],
        "server `everything` has no tool `get-summ`"
    );
}

#[test]
fn call_of_a_tool_the_server_refuses_with_invalid_params_lists_its_tools() {
    let env = TestEnv::new();
    let script = fake_js();
    let script = script.to_str().unwrap();
    let run = env.run(&["mcp", "call", "tool_3", "--", "node", script, "ok"]);
    run.assert_code(1);
    assert_eq!(run.stdout, "");
    insta::assert_snapshot!(run.stderr, @r"
        error: server `node` has no tool `tool_3`
        hint: its tools, closest first: tool_1, tool_2
        ");
}

#[test]
fn call_exits_1_on_a_tool_error_and_works_ad_hoc() {
    let env = TestEnv::new();
    let script = fake_js();
    let script = script.to_str().unwrap();
    let run = env.run(&["mcp", "call", "tool_1", "--", "node", script, "ok"]);
    run.assert_code(0);
    assert_eq!(run.stdout, "called tool_1\n");
    let run = env.run(&["mcp", "call", "tool_2", "--", "node", script, "ok"]);
    run.assert_code(1);
    assert_eq!(run.stdout, "called tool_2\n");
    assert!(run.stderr.contains("returned an error"), "{}", run.stderr);
}

#[test]
fn unknown_server_and_unset_variable_are_clear_errors() {
    let env = TestEnv::new();
    write_config(
        &env,
        json!({"needs": {"command": "node", "args": [fake_js(), "ok"],
                         "env": {"API_KEY": "${AIMCP_TEST_UNSET_VAR}"}}}),
    );
    let run = env.run(&["mcp", "test", "nope"]);
    run.assert_code(1);
    assert!(
        run.stderr.contains("server `nope` not found"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("configured servers: needs"),
        "{}",
        run.stderr
    );

    let run = env.run(&["mcp", "test", "needs"]);
    run.assert_code(1);
    assert!(
        run.stderr.contains("`needs`") && run.stderr.contains("`AIMCP_TEST_UNSET_VAR`"),
        "{}",
        run.stderr
    );
}

#[test]
fn disabled_servers_are_skipped_unless_named() {
    let env = TestEnv::new();
    let mut off = fake("ok");
    off["enabled"] = json!(false);
    env.write(
        ".mcp.json",
        &serde_json::to_string(&json!({"servers": {"off": {
            "type": "external", "command": "node", "args": [fake_js(), "ok"], "enabled": false}}}))
        .unwrap(),
    );
    let run = env.run(&["mcp", "test", "--json"]);
    run.assert_code(0);
    assert_eq!(run.json()["results"], json!([]));
    let run = env.run(&["mcp", "test", "off", "--json"]);
    run.assert_code(0);
    assert_eq!(run.json()["results"][0]["ok"], true);
}

#[test]
fn command_not_found_has_a_hint() {
    let env = TestEnv::new();
    let run = env.run(&["mcp", "test", "--", "aimcp-no-such-command-xyz"]);
    run.assert_code(1);
    assert!(
        run.stderr
            .contains("command `aimcp-no-such-command-xyz` not found on PATH"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("hint:"), "{}", run.stderr);
}

// ---- HTTP and SSE ------------------------------------------------------------------------------

#[test]
fn streamable_http_and_sse_from_config() {
    let http = HttpServer::start("streamableHttp");
    let sse = HttpServer::start("sse");
    let env = TestEnv::new();
    write_config(
        &env,
        json!({
            "web": {"type": "http", "url": http.url("/mcp"),
                    "headers": {"Authorization": "Bearer ${AIMCP_TEST_TOKEN}"}},
            "legacy": {"type": "sse", "url": sse.url("/sse")},
        }),
    );
    let run = env
        .cmd()
        .env("AIMCP_TEST_TOKEN", "s3cret-token-value")
        .args(["mcp", "test", "--json"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert_eq!(run.status.code(), Some(0), "{stdout}");
    assert!(!stdout.contains("s3cret-token-value"));
    let out: Value = serde_json::from_str(&stdout).unwrap();
    for r in out["results"].as_array().unwrap() {
        assert_eq!(r["ok"], true, "{r}");
        assert_eq!(r["tools"], 13);
        assert_eq!(r["protocol_version"], "2025-11-25");
    }

    let run = env
        .cmd()
        .env("AIMCP_TEST_TOKEN", "s3cret-token-value")
        .args(["mcp", "discover"])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0));
    let file: Value = serde_json::from_str(&env.read(".mcp.tools.json")).unwrap();
    assert_eq!(tool_names(&file["web"]), EVERYTHING_TOOLS);
    assert_eq!(tool_names(&file["legacy"]), EVERYTHING_TOOLS);

    let run = env.run(&[
        "mcp",
        "call",
        "legacy",
        "get-sum",
        "--args",
        r#"{"a":1,"b":2}"#,
    ]);
    run.assert_code(0);
    assert!(run.stdout.contains('3'), "{}", run.stdout);
}

#[test]
fn ad_hoc_url_forms_and_the_sse_fallback() {
    let http = HttpServer::start("streamableHttp");
    let sse = HttpServer::start("sse");
    let env = TestEnv::new();
    let run = env.run(&[
        "mcp",
        "call",
        "--url",
        &http.url("/mcp"),
        "echo",
        "--args",
        r#"{"message":"via http"}"#,
    ]);
    run.assert_code(0);
    assert_eq!(run.stdout, "Echo: via http\n");
    let run = env.run(&["mcp", "test", "--url", &sse.url("/sse"), "--sse", "--json"]);
    run.assert_code(0);
    assert_eq!(run.json()["results"][0]["tools"], 13);
    // An SSE-only server answers the Streamable HTTP POST with a 4xx: aimcp falls back.
    let run = env.run(&["mcp", "test", "--url", &sse.url("/sse"), "--json"]);
    run.assert_code(0);
    assert_eq!(run.json()["results"][0]["ok"], true);
    // A wrong path is a clear HTTP error.
    let run = env.run(&["mcp", "test", "--url", &http.url("/nope")]);
    run.assert_code(1);
    assert!(run.stderr.contains("HTTP 404 from"), "{}", run.stderr);
}

#[test]
fn unreachable_url_is_a_clear_error() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let env = TestEnv::new();
    let url = format!("http://127.0.0.1:{port}/mcp");
    let run = env.run(&["mcp", "test", "--url", &url, "--timeout", "10"]);
    run.assert_code(1);
    assert!(run.stderr.contains("cannot reach"), "{}", run.stderr);
}

/// An error about a server whose URL holds a `${VAR}` (a key in a query string) never shows the
/// value it expanded to: not in the error on stderr, not in the `--json` document.
#[test]
fn an_error_never_shows_a_secret_from_the_url() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let env = TestEnv::new();
    write_config(
        &env,
        json!({"web": {"type": "http", "url": format!("http://127.0.0.1:{port}/mcp?key=${{WEB_KEY}}")}}),
    );
    for args in [
        &["mcp", "test", "web", "--timeout", "10"][..],
        &["--json", "mcp", "test", "web", "--timeout", "10"][..],
        &["mcp", "call", "web", "echo", "--timeout", "10"][..],
    ] {
        let run = Run::from(
            env.cmd()
                .args(args)
                .env("WEB_KEY", "sup3rsecret-value")
                .output()
                .unwrap(),
        );
        run.assert_code(1);
        let said = format!("{}{}", run.stdout, run.stderr);
        assert!(said.contains("cannot reach"), "{args:?}: {said}");
        assert!(
            !run.stdout.contains("sup3rsecret") && !run.stderr.contains("sup3rsecret"),
            "{args:?} shows the secret:\n{}\n{}",
            run.stdout,
            run.stderr
        );
    }
}

// ---- misbehaving servers -----------------------------------------------------------------------

/// Runs `mcp test --timeout SECS` on a fake server in `mode`, asserts exit 1 with `expected` in
/// the error, and that every process the server started is gone. Only the server that never
/// answers gets the short timeout (3 s); the others fail by themselves, and a generous timeout
/// keeps a loaded machine from turning their error into a timeout.
fn misbehaving(mode: &str, expected: &str, min_pids: usize) {
    let secs = if mode == "never-init" { "3" } else { "30" };
    let env = TestEnv::new();
    let pid_file = env.path("pids.txt");
    write_config(&env, json!({"bad": fake(mode)}));
    let start = Instant::now();
    let out = env
        .cmd()
        .env("PID_FILE", &pid_file)
        .args(["mcp", "test", "--timeout", secs])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(expected),
        "expected `{expected}` in:\n{stderr}"
    );
    // Generous: the point is that it does not hang, not how fast it is.
    assert!(start.elapsed() < Duration::from_secs(60));
    assert_all_dead(&pid_file, min_pids);
}

#[test]
fn server_that_never_answers_initialize_times_out() {
    misbehaving(
        "never-init",
        "timed out after 3 s while waiting for `initialize`",
        1,
    );
}

#[test]
fn server_that_exits_at_once_shows_its_stderr() {
    misbehaving("exit-stderr", "exited with code 3", 1);
    misbehaving("exit-stderr", "| fatal: FAKE_API_KEY is not set", 1);
}

#[test]
fn server_that_prints_non_json_is_an_error() {
    misbehaving(
        "non-json",
        "not a JSON-RPC message: `Hello from the fake server",
        1,
    );
}

#[test]
fn server_that_sends_a_100_mib_line_is_cut_off() {
    misbehaving("huge-line", "larger than 32 MiB", 1);
}

#[test]
fn server_that_repeats_its_cursor_is_an_error() {
    misbehaving("repeat-cursor", "sent the cursor `same` twice", 1);
}

#[test]
fn server_with_an_unsupported_protocol_version_is_an_error() {
    misbehaving(
        "bad-version",
        "unsupported protocol version `1999-01-01`",
        1,
    );
}

#[test]
fn server_that_ignores_eof_and_sigterm_is_ended_with_its_grandchild() {
    let env = TestEnv::new();
    let pid_file = env.path("pids.txt");
    write_config(&env, json!({"stubborn": fake("ignore-eof")}));
    let out = env
        .cmd()
        .env("PID_FILE", &pid_file)
        .args(["mcp", "test", "--timeout", "30"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_all_dead(&pid_file, 2);
}

#[test]
fn server_started_through_npx_and_a_shell_leaves_nothing() {
    let env = TestEnv::new();
    let pid_file = env.path("pids.txt");
    let script = format!("node {} ignore-eof", fake_js().display());
    write_config(
        &env,
        json!({
            "npx": {"command": "npx", "args": ["--yes", "-c", script]},
            "shell": {"command": "sh", "args": ["-c", format!("{script}; echo done")]},
        }),
    );
    for args in [
        vec!["mcp", "discover", "--timeout", "60"],
        vec!["mcp", "call", "npx", "tool_1", "--timeout", "60"],
    ] {
        let out = env
            .cmd()
            .env("PID_FILE", &pid_file)
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_all_dead(&pid_file, 6);
}

#[test]
fn ctrl_c_and_sigterm_end_the_servers_and_exit_130() {
    for signal in [libc::SIGINT, libc::SIGTERM] {
        let env = TestEnv::new();
        let pid_file = env.path("pids.txt");
        write_config(
            &env,
            json!({"a": fake("never-init"), "b": fake("ignore-eof")}),
        );
        // `ignore-eof` answers; `never-init` keeps the command waiting.
        let child = env
            .cmd()
            .env("PID_FILE", &pid_file)
            .args(["mcp", "discover", "--timeout", "300"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(60);
        while std::fs::read_to_string(&pid_file)
            .map(|t| t.lines().count() < 3)
            .unwrap_or(true)
        {
            assert!(Instant::now() < deadline, "the servers never started");
            std::thread::sleep(Duration::from_millis(50));
        }
        // Let discover reach its wait.
        std::thread::sleep(Duration::from_millis(500));
        // SAFETY: kill has no memory-safety preconditions.
        unsafe { libc::kill(child.id() as i32, signal) };
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(130));
        assert_all_dead(&pid_file, 3);
    }
}

#[test]
fn install_is_idempotent() {
    let a = servers::install().to_path_buf();
    assert!(a.join("node_modules/.bin/mcp-server-everything").exists());
    assert!(a.join("venv/bin/mcp-server-time").exists());
}

#[test]
fn http_401_names_the_url_and_hints_at_the_header() {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut stream = stream;
            let mut buf = [0u8; 8192];
            let _ = stream.read(&mut buf);
            let _ = stream.write_all(
                b"HTTP/1.1 401 Unauthorized\r\nContent-Type: text/plain\r\nContent-Length: 12\r\nConnection: close\r\n\r\nunauthorized",
            );
        }
    });
    let env = TestEnv::new();
    let url = format!("http://127.0.0.1:{port}/mcp");
    write_config(
        &env,
        json!({"web": {"type": "http", "url": url, "headers": {"Authorization": "Bearer ${AIMCP_TEST_TOKEN_401}"}}}),
    );
    let out = env
        .cmd()
        .env("AIMCP_TEST_TOKEN_401", "very-secret-401")
        .args(["mcp", "test", "--timeout", "20"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("HTTP 401 from `{url}`")),
        "{stderr}"
    );
    assert!(
        stderr.contains("hint:") && stderr.contains("header"),
        "{stderr}"
    );
    assert!(!stderr.contains("very-secret-401"));
    assert!(!String::from_utf8_lossy(&out.stdout).contains("very-secret-401"));
}

#[test]
fn retry_attempts_retries_a_failed_start() {
    let env = TestEnv::new();
    let marker = env.path("started");
    let config = |retries: u32| {
        json!({
            "global_config": {"retry_attempts": retries},
            "servers": {"flaky": {"type": "external", "command": "node",
                                  "args": [fake_js(), "fail-once"],
                                  "env": {"FAIL_ONCE_FILE": marker}}}
        })
    };
    env.write(".mcp.json", &config(0).to_string());
    let run = env.run(&["mcp", "test", "--timeout", "30"]);
    run.assert_code(1);
    assert!(run.stderr.contains("exited with code 1"), "{}", run.stderr);

    std::fs::remove_file(&marker).unwrap();
    env.write(".mcp.json", &config(2).to_string());
    let run = env.run(&["mcp", "test", "--timeout", "30", "--json"]);
    run.assert_code(0);
    assert_eq!(run.json()["results"][0]["ok"], true);
}

// ---- -v and -vv --------------------------------------------------------------------------------

const SECRET: &str = "sup3r-secret-value-42";

/// `-v` shows the command line of every server aimcp starts, with env values masked; `-vv` the
/// JSON-RPC messages, one line each, truncated; secrets never appear in either.
#[test]
fn verbose_shows_the_command_and_very_verbose_the_traffic_without_secrets() {
    let env = TestEnv::new();
    let script = fake_js();
    write_config(
        &env,
        json!({"fake": {"command": "node", "args": [script, "ok"],
                        "env": {"API_KEY": "${AIMCP_TEST_SECRET}", "PLAIN": "plain-value-77"}}}),
    );
    let run = |args: &[&str]| {
        crate::common::Run::from(
            env.cmd()
                .env("AIMCP_TEST_SECRET", SECRET)
                .args(args)
                .output()
                .unwrap(),
        )
    };

    let quiet = run(&["mcp", "test", "fake"]);
    quiet.assert_code(0);
    assert!(!quiet.stderr.contains("node"), "{}", quiet.stderr);

    let v = run(&["-v", "mcp", "test", "fake"]);
    v.assert_code(0);
    let line = v
        .stderr
        .lines()
        .find(|l| l.contains("run `node"))
        .unwrap_or_else(|| panic!("no command line in:\n{}", v.stderr));
    assert_eq!(
        line,
        format!(
            "[fake] run `node {} ok` in `{}` with API_KEY=**** PLAIN=****",
            script.display(),
            env.project.display()
        )
    );
    assert!(!v.stderr.contains(SECRET), "{}", v.stderr);
    assert!(!v.stderr.contains("plain-value-77"), "{}", v.stderr);
    assert!(
        !v.stderr.contains("jsonrpc"),
        "-v shows no traffic:\n{}",
        v.stderr
    );

    let vv = run(&["-vv", "mcp", "test", "fake"]);
    vv.assert_code(0);
    let sent: Vec<&str> = vv
        .stderr
        .lines()
        .filter(|l| l.starts_with("[fake] -> "))
        .collect();
    let received: Vec<&str> = vv
        .stderr
        .lines()
        .filter(|l| l.starts_with("[fake] <- "))
        .collect();
    assert!(
        sent[0].starts_with(r#"[fake] -> {"jsonrpc":"2.0","id":1,"method":"initialize""#),
        "{}",
        vv.stderr
    );
    assert!(
        sent.iter().any(|l| l.contains(r#""method":"tools/list""#)),
        "{}",
        vv.stderr
    );
    assert!(
        received
            .iter()
            .any(|l| l.contains(r#""serverInfo":{"name":"fake-ok""#)),
        "{}",
        vv.stderr
    );
    // Long messages are cut, and say how long they were.
    let long = received
        .iter()
        .find(|l| l.contains("tool_1"))
        .unwrap_or_else(|| panic!("{}", vv.stderr));
    assert!(long.ends_with(" bytes)"), "{long}");
    assert!(long.chars().count() < 300, "{long}");
    assert!(!vv.stderr.contains(SECRET), "{}", vv.stderr);
}

#[test]
fn very_verbose_masks_secrets_a_server_sends_back() {
    let env = TestEnv::new();
    write_config(
        &env,
        json!({"everything": {"command": npm_bin("mcp-server-everything"),
                              "env": {"API_KEY": "${AIMCP_TEST_SECRET}"}}}),
    );
    let run = crate::common::Run::from(
        env.cmd()
            .env("AIMCP_TEST_SECRET", SECRET)
            .args(["-vvv", "mcp", "call", "everything", "get-env"])
            .output()
            .unwrap(),
    );
    run.assert_code(0);
    // The tool's result is the environment, secret included: that is what was asked for.
    assert!(run.stdout.contains(SECRET));
    // The trace shows the whole answer (-vvv) with the secret masked.
    let answer = run
        .stderr
        .lines()
        .find(|l| l.starts_with("[everything] <- ") && l.contains("API_KEY"))
        .unwrap_or_else(|| panic!("{}", run.stderr));
    assert!(answer.contains("****"), "{answer}");
    assert!(!run.stderr.contains(SECRET), "{}", run.stderr);
}

#[test]
fn verbose_masks_http_headers() {
    let http = HttpServer::start("streamableHttp");
    let env = TestEnv::new();
    let url = http.url("/mcp");
    let run = env.run(&[
        "-vv",
        "mcp",
        "test",
        "--url",
        &url,
        "-H",
        &format!("Authorization: Bearer {SECRET}"),
    ]);
    run.assert_code(0);
    assert!(
        run.stderr
            .lines()
            .any(|l| l == format!("[{url}] connect `{url}` (http) with Authorization: ****")),
        "{}",
        run.stderr
    );
    // 2026-07-28's `server/discover` first; this server is older: then `initialize`.
    assert!(
        run.stderr
            .contains(r#"-> {"jsonrpc":"2.0","id":1,"method":"server/discover""#),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains(r#"-> {"jsonrpc":"2.0","id":2,"method":"initialize""#),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains(SECRET), "{}", run.stderr);
}

/// `${VAR}` in `command` and `args` is expanded when the server starts, as in `env`, `url` and
/// `headers` (Claude Code expands all five), and `-v` still shows them as written.
#[test]
fn variables_in_command_and_args_are_expanded_at_start() {
    let env = TestEnv::new();
    let script = fake_js();
    let dir = script.parent().unwrap();
    write_config(
        &env,
        json!({"fake": {"command": "${AIMCP_TEST_NODE:-node}",
                        "args": ["${AIMCP_TEST_SERVERS}/fake.js", "ok"]}}),
    );
    let run = crate::common::Run::from(
        env.cmd()
            .env("AIMCP_TEST_SERVERS", dir)
            .args(["-v", "mcp", "test", "--json"])
            .output()
            .unwrap(),
    );
    run.assert_code(0);
    assert_eq!(run.json()["results"][0]["ok"], true, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("run `'${AIMCP_TEST_NODE:-node}' '${AIMCP_TEST_SERVERS}/fake.js' ok`"),
        "{}",
        run.stderr
    );
    // An unset variable names itself and the server.
    let run = env.run(&["mcp", "test"]);
    run.assert_code(1);
    assert!(
        run.stderr.contains("`AIMCP_TEST_SERVERS`") && run.stderr.contains("`fake`"),
        "{}",
        run.stderr
    );
}

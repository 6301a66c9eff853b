//! `aimcp tokens import claude-code|codex`: real log shapes, streaming duplicates, subagents,
//! incremental reads, a killed import, Codex's cumulative totals.

use std::path::Path;

use crate::common::TestEnv;

/// One assistant line as Claude Code writes it (`message.usage` with the 5m/1h cache split).
#[allow(clippy::too_many_arguments)]
fn assistant(
    msg: &str,
    req: &str,
    model: &str,
    at: &str,
    cwd: &str,
    session: &str,
    usage: (u64, u64, u64, u64, u64), // input, output, cache read, write 5m, write 1h
    sidechain: bool,
) -> String {
    let (i, o, r, w5, w1) = usage;
    serde_json::json!({
        "parentUuid": "4f7c6f0e-1111-4c1b-9f55-000000000001",
        "isSidechain": sidechain,
        "userType": "external",
        "cwd": cwd,
        "sessionId": session,
        "version": "2.0.61",
        "gitBranch": "main",
        "message": {
            "id": msg, "type": "message", "role": "assistant", "model": model,
            "content": [{"type": "tool_use", "id": "toolu_01", "name": "Read", "input": {"file_path": "/home/alice/src/web/src/main.rs"}}],
            "stop_reason": null, "stop_sequence": null,
            "usage": {
                "input_tokens": i, "cache_creation_input_tokens": w5 + w1, "cache_read_input_tokens": r,
                "cache_creation": {"ephemeral_5m_input_tokens": w5, "ephemeral_1h_input_tokens": w1},
                "output_tokens": o, "service_tier": "standard"
            }
        },
        "requestId": req,
        "type": "assistant",
        "uuid": format!("{msg}-{o}"),
        "timestamp": at
    })
    .to_string()
}

/// A user line carrying a large tool result, as Claude Code logs them.
fn tool_result(session: &str, cwd: &str, size: usize) -> String {
    serde_json::json!({
        "parentUuid": null, "isSidechain": false, "userType": "external", "cwd": cwd,
        "sessionId": session, "version": "2.0.61", "type": "user",
        "message": {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_01",
            "content": "fn main() { println!(\"usage assistant\"); }\n".repeat(size / 40)}]},
        "uuid": "5a0c0d3e-2222-4c1b-9f55-000000000002", "timestamp": "2026-03-01T10:00:00.500Z"
    })
    .to_string()
}

fn append(path: &Path, lines: &[String]) {
    use std::io::Write;
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .unwrap();
    for l in lines {
        writeln!(f, "{l}").unwrap();
    }
}

const SESSION: &str = "9b2f7a5e-3c1d-4e8f-a6b0-1d2e3f4a5b6c";
const CWD: &str = "/home/alice/src/web";

/// A project with one session that streams a request three times, a synthetic message, a
/// subagent log, and a second project without `cwd` in its lines.
pub(crate) fn claude_logs(env: &TestEnv) -> std::path::PathBuf {
    let projects = env.home.join(".claude/projects");
    let main = projects
        .join("-home-alice-src-web")
        .join(format!("{SESSION}.jsonl"));
    let sonnet = "claude-sonnet-4-5-20250929";
    append(
        &main,
        &[
            r#"{"type":"summary","summary":"Fix the login form","leafUuid":"d6a1"}"#.to_string(),
            tool_result(SESSION, CWD, 200_000),
            // the same request while it streams: output grows, the last one is the whole
            assistant("msg_01A", "req_01A", sonnet, "2026-03-01T10:00:01.000Z", CWD, SESSION, (4, 1, 20_000, 1_000, 2_000), false),
            assistant("msg_01A", "req_01A", sonnet, "2026-03-01T10:00:02.000Z", CWD, SESSION, (4, 300, 20_000, 1_000, 2_000), false),
            assistant("msg_01A", "req_01A", sonnet, "2026-03-01T10:00:03.000Z", CWD, SESSION, (4, 120, 20_000, 1_000, 2_000), false),
            assistant("msg_01B", "req_01B", sonnet, "2026-03-01T10:01:00.000Z", CWD, SESSION, (10, 500, 23_000, 0, 0), false),
            r#"{"type":"assistant","message":{"id":"msg_syn","model":"<synthetic>","role":"assistant","content":[{"type":"text","text":"No response requested."}],"usage":{"input_tokens":0,"output_tokens":0}},"requestId":"req_syn","sessionId":"9b2f7a5e","timestamp":"2026-03-01T10:02:00.000Z"}"#.to_string(),
        ],
    );
    let sub = projects
        .join("-home-alice-src-web")
        .join(SESSION)
        .join("subagents/agent-a1b2c3.jsonl");
    append(
        &sub,
        &[assistant(
            "msg_01C",
            "req_01C",
            "claude-haiku-4-5-20251001",
            "2026-03-01T10:00:30.000Z",
            CWD,
            SESSION,
            (2_000, 400, 0, 0, 0),
            true,
        )],
    );
    let other = projects.join("-home-alice-notes").join("0c1d2e3f.jsonl");
    let line = assistant(
        "msg_02A",
        "req_02A",
        "claude-opus-4-5-20251101",
        "2026-03-02T09:00:00.000Z",
        CWD,
        "0c1d2e3f",
        (100, 100, 0, 0, 0),
        false,
    )
    .replace(&format!(r#""cwd":"{CWD}","#), "");
    append(&other, &[line]);
    projects
}

#[test]
fn claude_code_logs_are_read_once_per_request() {
    let env = TestEnv::new();
    claude_logs(&env);
    let run = env.tokens(&["tokens", "import", "claude-code"]);
    run.assert_code(0);
    assert!(
        run.stderr
            .contains("3 files read (0 unchanged), 4 requests added, 2 skipped as duplicates"),
        "{}",
        run.stderr
    );
    let rows = env.sql(
        "SELECT request_id, model, project, session, input, output, cache_read, cache_write_5m, \
         cache_write_1h, cost_nanos, cost_source FROM requests ORDER BY ts",
    );
    // msg_01A, the largest of its three lines:
    //   4 × $3 + 300 × $15 + 20,000 × $0.30 + 1,000 × $3.75 + 2,000 × $6 (per million)
    //   = 12 + 4,500 + 6,000 + 3,750 + 12,000 µ$ = $0.026262
    assert_eq!(
        rows[0],
        vec![
            "msg_01A:req_01A",
            "claude-sonnet-4-5-20250929",
            "web",
            SESSION,
            "4",
            "300",
            "20000",
            "1000",
            "2000",
            "26262000",
            "computed"
        ]
    );
    // the subagent's request: 2,000 × $1 + 400 × $5 = $0.004
    assert_eq!(rows[1][0], "msg_01C:req_01C");
    assert_eq!(rows[1][9], "4000000");
    assert_eq!(rows[2][0], "msg_01B:req_01B");
    // no cwd in the line: the project folder's name, decoded (`/home/alice/notes` is not on
    // this machine: its last segment)
    assert_eq!(rows[3][2], "notes");
    assert_eq!(rows.len(), 4);
    assert_eq!(
        env.sql_i64("SELECT count(*) FROM requests WHERE model = '<synthetic>'"),
        0
    );
}

#[test]
fn imports_are_incremental() {
    let env = TestEnv::new();
    let projects = claude_logs(&env);
    env.tokens(&["tokens", "import", "claude-code"])
        .assert_code(0);
    let run = env.tokens(&["tokens", "import", "claude-code"]);
    run.assert_code(0);
    assert!(
        run.stderr
            .contains("0 files read (3 unchanged), 0 requests added, 0 skipped as duplicates"),
        "{}",
        run.stderr
    );
    // a new request, a late streamed copy of an old one with more output, and a half-written line
    let main = projects
        .join("-home-alice-src-web")
        .join(format!("{SESSION}.jsonl"));
    let sonnet = "claude-sonnet-4-5-20250929";
    append(
        &main,
        &[
            assistant(
                "msg_01D",
                "req_01D",
                sonnet,
                "2026-03-01T11:00:00.000Z",
                CWD,
                SESSION,
                (1, 1, 0, 0, 0),
                false,
            ),
            assistant(
                "msg_01B",
                "req_01B",
                sonnet,
                "2026-03-01T10:01:05.000Z",
                CWD,
                SESSION,
                (10, 900, 23_000, 0, 0),
                false,
            ),
        ],
    );
    let half = assistant(
        "msg_01E",
        "req_01E",
        sonnet,
        "2026-03-01T12:00:00.000Z",
        CWD,
        SESSION,
        (1, 1, 0, 0, 0),
        false,
    );
    {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&main)
            .unwrap();
        f.write_all(&half.as_bytes()[..40]).unwrap();
    }
    let run = env.tokens(&["--json", "tokens", "import", "claude-code"]);
    run.assert_code(0);
    let j = run.json();
    assert_eq!(j["files_read"], 1);
    assert_eq!(j["files_unchanged"], 2);
    assert_eq!(j["requests_added"], 1);
    assert_eq!(j["duplicates"], 1);
    assert_eq!(
        env.sql("SELECT output FROM requests WHERE request_id = 'msg_01B:req_01B'"),
        vec![vec!["900"]]
    );
    // the rest of the line arrives
    {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&main)
            .unwrap();
        f.write_all(&half.as_bytes()[40..]).unwrap();
        f.write_all(b"\n").unwrap();
    }
    let j = env
        .tokens(&["--json", "tokens", "import", "claude-code"])
        .json();
    assert_eq!(j["requests_added"], 1);
    assert_eq!(env.sql_i64("SELECT count(*) FROM requests"), 6);
    assert_eq!(env.sql_i64("SELECT sum(requests) FROM rollup"), 6);
}

#[test]
fn claude_config_dir_and_path_are_honoured() {
    let env = TestEnv::new();
    let projects = claude_logs(&env);
    let moved = env.root.path().join("elsewhere");
    std::fs::rename(projects.parent().unwrap(), &moved).unwrap();
    let run = env.tokens(&["tokens", "import", "claude-code"]);
    run.assert_code(1);
    assert!(
        run.stderr.contains("no Claude Code logs found"),
        "{}",
        run.stderr
    );
    let db = env.db();
    let out = env
        .cmd()
        .env("CLAUDE_CONFIG_DIR", &moved)
        .args([
            "--db",
            db.to_str().unwrap(),
            "--json",
            "tokens",
            "import",
            "claude-code",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["requests_added"], 4);
    let run = env.tokens(&[
        "--json",
        "tokens",
        "import",
        "claude-code",
        "--path",
        moved.to_str().unwrap(),
    ]);
    assert_eq!(run.json()["requests_added"], 0);
    env.tokens(&[
        "tokens",
        "import",
        "claude-code",
        "--path",
        "/no/such/folder",
    ])
    .assert_code(2);
}

/// A killed import leaves a consistent store; the next import finishes without duplicates.
#[test]
fn a_killed_import_is_completed_by_the_next_one() {
    let env = TestEnv::new();
    let projects = env.home.join(".claude/projects/-home-alice-src-big");
    let (files, per_file) = (120, 40);
    for f in 0..files {
        let session = format!("00000000-0000-4000-8000-{f:012}");
        let mut lines = Vec::new();
        for i in 0..per_file {
            let id = format!("msg_{f}_{i}");
            let req = format!("req_{f}_{i}");
            let at = format!("2026-03-0{}T10:{:02}:00.000Z", 1 + f % 5, i % 60);
            lines.push(tool_result(&session, CWD, 4_000));
            for out in [1, 50] {
                lines.push(assistant(
                    &id,
                    &req,
                    "claude-sonnet-4-5",
                    &at,
                    CWD,
                    &session,
                    (10, out, 100, 0, 0),
                    false,
                ));
            }
        }
        append(&projects.join(format!("{session}.jsonl")), &lines);
    }
    let db = env.db();
    let mut child = env
        .cmd()
        .args([
            "--db",
            db.to_str().unwrap(),
            "tokens",
            "import",
            "claude-code",
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(150));
    let _ = child.kill();
    let _ = child.wait();
    let run = env.tokens(&["--json", "tokens", "import", "claude-code"]);
    run.assert_code(0);
    let expected = (files * per_file) as i64;
    assert_eq!(env.sql_i64("SELECT count(*) FROM requests"), expected);
    assert_eq!(env.sql_i64("SELECT sum(requests) FROM rollup"), expected);
    assert_eq!(
        env.sql_i64("SELECT sum(requests) FROM rollup_hour"),
        expected
    );
    // the rollups hold exactly what the rows hold
    assert_eq!(
        env.sql("SELECT sum(output), sum(cost_nanos) FROM rollup_hour"),
        env.sql("SELECT sum(output), sum(cost_nanos) FROM requests")
    );
    assert_eq!(
        env.sql_i64("SELECT count(*) FROM requests WHERE output != 50"),
        0
    );
    assert_eq!(
        env.sql_i64("SELECT count(*) FROM import_files"),
        files as i64
    );
}

fn codex_line(at: &str, kind: &str, payload: serde_json::Value) -> String {
    serde_json::json!({"timestamp": at, "type": kind, "payload": payload}).to_string()
}

fn token_count(at: &str, total: Option<(u64, u64, u64, u64)>) -> String {
    let info = total.map(|(i, c, o, r)| {
        serde_json::json!({
            "total_token_usage": {"input_tokens": i, "cached_input_tokens": c, "output_tokens": o,
                "reasoning_output_tokens": r, "total_tokens": i + o},
            "last_token_usage": {"input_tokens": 0, "cached_input_tokens": 0, "output_tokens": 0,
                "reasoning_output_tokens": 0, "total_tokens": 0},
            "model_context_window": 272000
        })
    });
    codex_line(
        at,
        "event_msg",
        serde_json::json!({"type": "token_count", "info": info,
            "rate_limits": {"primary": {"used_percent": 7.0, "window_minutes": 300, "resets_at": 1763483205}}}),
    )
}

#[test]
fn codex_totals_become_per_session_deltas() {
    let env = TestEnv::new();
    let codex_home = env.root.path().join("codex-home");
    let file = codex_home.join("sessions/2026/03/01/rollout-2026-03-01T10-00-00-019a9776-0a34-7842-8627-112b63d66e90.jsonl");
    append(
        &file,
        &[
            codex_line(
                "2026-03-01T10:00:00.000Z",
                "session_meta",
                serde_json::json!({
                "id": "019a9776-0a34-7842-8627-112b63d66e90", "timestamp": "2026-03-01T10:00:00.000Z",
                "cwd": "/home/alice/src/api", "originator": "codex_cli_rs", "cli_version": "0.58.0",
                "instructions": "You are Codex, a coding agent.".repeat(100)}),
            ),
            codex_line(
                "2026-03-01T10:00:01.000Z",
                "turn_context",
                serde_json::json!({
                "cwd": "/home/alice/src/api", "approval_policy": "on-request", "model": "gpt-5-codex",
                "effort": "medium", "summary": "auto"}),
            ),
            token_count("2026-03-01T10:00:02.000Z", None),
            // first turn: 10,000 input of which 8,000 cached, 500 output of which 200 reasoning
            token_count("2026-03-01T10:00:05.000Z", Some((10_000, 8_000, 500, 200))),
            // the same totals again (a replay): nothing
            token_count("2026-03-01T10:00:06.000Z", Some((10_000, 8_000, 500, 200))),
            token_count(
                "2026-03-01T10:01:00.000Z",
                Some((25_000, 20_000, 1_500, 700)),
            ),
            // lower than before (a fork replaying an older state): nothing
            token_count("2026-03-01T10:01:30.000Z", Some((12_000, 9_000, 600, 200))),
        ],
    );
    let db = env.db();
    let run = |args: &[&str]| {
        let mut full = vec!["--db", db.to_str().unwrap()];
        full.extend_from_slice(args);
        env.cmd()
            .env("CODEX_HOME", &codex_home)
            .env("USER", "alice")
            .args(&full)
            .output()
            .unwrap()
    };
    let out = run(&["tokens", "import", "codex"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows = env.sql(
        "SELECT model, project, session, input, cache_read, output, reasoning, cost_nanos \
         FROM requests ORDER BY ts",
    );
    // gpt-5-codex: $1.25 input, $0.125 cached, $10 output per million
    // turn 1: 2,000 × 1.25 + 8,000 × 0.125 + 500 × 10 = 2,500 + 1,000 + 5,000 µ$ = $0.0085
    // turn 2: 3,000 × 1.25 + 12,000 × 0.125 + 1,000 × 10 = 3,750 + 1,500 + 10,000 = $0.01525
    assert_eq!(
        rows,
        vec![
            vec![
                "gpt-5-codex",
                "api",
                "019a9776-0a34-7842-8627-112b63d66e90",
                "2000",
                "8000",
                "500",
                "200",
                "8500000"
            ],
            vec![
                "gpt-5-codex",
                "api",
                "019a9776-0a34-7842-8627-112b63d66e90",
                "3000",
                "12000",
                "1000",
                "500",
                "15250000"
            ],
        ]
    );
    // more later: read from where the last import stopped, with the totals it had reached
    append(
        &file,
        &[token_count(
            "2026-03-01T10:05:00.000Z",
            Some((26_000, 20_500, 1_600, 700)),
        )],
    );
    let out = run(&["--json", "tokens", "import", "codex"]);
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["requests_added"], 1);
    assert_eq!(
        env.sql("SELECT input, cache_read, output FROM requests ORDER BY ts DESC LIMIT 1"),
        vec![vec!["500", "500", "100"]]
    );
}

/// A log without `cwd` gets its project from its folder under `projects/` (`-home-u-my-proj`),
/// decoded back to a path: where the folders exist on this machine they split the dashes right
/// (`my-proj`, as a log with `cwd` names it), else the last segment is the name.
#[test]
fn projects_from_folder_names_read_like_those_from_cwd() {
    let env = TestEnv::new();
    // a real project folder with dashes and a dot in its path
    let real = env.home.join("work.d").join("my-proj");
    std::fs::create_dir_all(&real).unwrap();
    let encoded: String = real
        .to_str()
        .unwrap()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let projects = env.home.join(".claude/projects");
    let line = |msg: &str, cwd: Option<&str>| {
        let l = assistant(
            msg,
            &format!("req_{msg}"),
            "claude-haiku-4-5-20251001",
            "2026-03-02T09:00:00.000Z",
            CWD,
            "s1",
            (100, 100, 0, 0, 0),
            false,
        );
        match cwd {
            Some(c) => l.replace(&format!(r#""cwd":"{CWD}""#), &format!(r#""cwd":"{c}""#)),
            None => l.replace(&format!(r#""cwd":"{CWD}","#), ""),
        }
    };
    append(
        &projects.join(&encoded).join("a.jsonl"),
        &[line("m1", None)],
    );
    append(
        &projects.join(&encoded).join("b.jsonl"),
        &[line("m2", Some(real.to_str().unwrap()))],
    );
    append(
        &projects.join("-nowhere-at-all-other-proj").join("c.jsonl"),
        &[line("m3", None)],
    );
    let run = env.tokens(&["tokens", "import", "claude-code"]);
    run.assert_code(0);
    assert_eq!(
        env.sql("SELECT request_id, project FROM requests ORDER BY request_id"),
        vec![
            vec!["m1:req_m1", "my-proj"],
            vec!["m2:req_m2", "my-proj"],
            vec!["m3:req_m3", "proj"],
        ]
    );
}

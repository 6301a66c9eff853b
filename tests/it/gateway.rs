//! `aimcp mcp serve` (the gateway) and `aimcp run --gateway`: real servers behind the gateway,
//! driven by aimcp's own client through a second project whose `.mcp.json` holds only the
//! gateway's entry.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::common::servers::{self, npm_bin};
use crate::common::{Run, TestEnv, bin, repo_root};

fn faults_js() -> String {
    repo_root()
        .join("tests/servers/faults.js")
        .display()
        .to_string()
}

/// An upstream project (`env.project`, with `servers` as its `mcpServers`) and a client project
/// whose `.mcp.json` holds only the gateway, started with `serve_args`.
struct Gw {
    env: TestEnv,
    client: PathBuf,
    db: PathBuf,
    pids: PathBuf,
    serve_args: Vec<String>,
}

impl Gw {
    fn new(servers: Value, extra: Value, serve_args: &[&str]) -> Gw {
        let env = TestEnv::new();
        let mut config = json!({"mcpServers": servers});
        if let (Value::Object(c), Value::Object(e)) = (&mut config, extra) {
            c.extend(e);
        }
        env.write(".mcp.json", &serde_json::to_string_pretty(&config).unwrap());
        let client = env.home.join("client");
        std::fs::create_dir_all(&client).unwrap();
        let db = env.root.path().join("usage.db");
        let pids = env.root.path().join("pids");
        let gw = Gw {
            client,
            db,
            pids,
            serve_args: serve_args.iter().map(|s| s.to_string()).collect(),
            env,
        };
        let entry = json!({"mcpServers": {"gateway": {
            "command": bin(),
            "args": gw.serve_argv(),
        }}});
        std::fs::write(gw.client.join(".mcp.json"), entry.to_string()).unwrap();
        gw
    }

    /// `--db DB --config UPSTREAM mcp serve ARGS...`
    fn serve_argv(&self) -> Vec<String> {
        let mut argv = vec![
            "--db".to_string(),
            self.db.display().to_string(),
            "--config".to_string(),
            self.env.path(".mcp.json").display().to_string(),
            "mcp".to_string(),
            "serve".to_string(),
        ];
        argv.extend(self.serve_args.iter().cloned());
        argv
    }

    /// A command for aimcp in the client project.
    fn cmd(&self) -> Command {
        let mut cmd = self.env.cmd();
        cmd.current_dir(&self.client).env("PID_FILE", &self.pids);
        cmd
    }

    fn run(&self, args: &[&str]) -> Run {
        Run::from(self.cmd().args(args).output().unwrap())
    }

    /// The gateway itself, driven over its stdio by the test.
    fn drive(&self) -> Driver {
        let mut cmd = self.env.cmd();
        cmd.env("PID_FILE", &self.pids).args(self.serve_argv());
        Driver::start(cmd)
    }

    /// The ledger's rows.
    fn calls(&self) -> Vec<CallRow> {
        let conn = rusqlite::Connection::open(&self.db).unwrap();
        let mut stmt = conn
            .prepare(
                "SELECT t.server, t.tool, c.client, CASE c.outcome WHEN 0 THEN 'ok' \
                 WHEN 1 THEN 'tool_error' WHEN 2 THEN 'protocol_error' ELSE 'timeout' END, \
                 c.bytes_in, c.bytes_out, c.result_tokens \
                 FROM tool_calls c JOIN tool_names t ON t.id = c.tool ORDER BY c.id",
            )
            .unwrap();
        stmt.query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
    }
}

/// A row of the call ledger: (server, tool, client, outcome, bytes_in, bytes_out, result_tokens).
type CallRow = (String, String, Option<String>, String, i64, i64, i64);

/// A raw JSON-RPC client on the gateway's stdin and stdout: many requests in flight at once.
struct Driver {
    child: Child,
    stdin: Option<ChildStdin>,
    rx: mpsc::Receiver<Value>,
    next: u64,
    /// Messages read that were not the answer waited for (notifications, other answers).
    seen: Vec<Value>,
}

impl Driver {
    fn start(cmd: Command) -> Driver {
        Driver::start_with(cmd, json!({}))
    }

    /// Started, and initialized with these client `capabilities`.
    fn start_with(cmd: Command, capabilities: Value) -> Driver {
        let mut d = Driver::spawn(cmd);
        let id = d.send(
            "initialize",
            json!({"protocolVersion": "2025-11-25", "capabilities": capabilities,
                   "clientInfo": {"name": "driver", "version": "1"}}),
        );
        let init = d.wait(id, Duration::from_secs(30));
        assert!(init.get("result").is_some(), "{init}");
        d.notify("notifications/initialized", json!({}));
        d
    }

    /// Started, for a 2026-07-28 client: no `initialize`, each request says who it is.
    fn spawn(mut cmd: Command) -> Driver {
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            while reader.read_line(&mut line).unwrap_or(0) > 0 {
                if let Ok(v) = serde_json::from_str::<Value>(&line)
                    && tx.send(v).is_err()
                {
                    return;
                }
                line.clear();
            }
        });
        Driver {
            child,
            stdin,
            rx,
            next: 0,
            seen: Vec::new(),
        }
    }

    /// A 2026-07-28 request (its `_meta` says the client can take `capabilities`) and its
    /// answer: the `result`, or the `error` as `Err`.
    fn stateless(
        &mut self,
        method: &str,
        mut params: Value,
        capabilities: &Value,
    ) -> Result<Value, Value> {
        params["_meta"] = json!({
            "io.modelcontextprotocol/protocolVersion": "2026-07-28",
            "io.modelcontextprotocol/clientCapabilities": capabilities,
            "io.modelcontextprotocol/clientInfo": {"name": "stateless-driver", "version": "1"},
        });
        let id = self.send(method, params);
        let m = self.wait(id, Duration::from_secs(30));
        match m.get("result") {
            Some(r) => Ok(r.clone()),
            None => Err(m["error"].clone()),
        }
    }

    fn write(&mut self, msg: &Value) {
        let stdin = self.stdin.as_mut().unwrap();
        writeln!(stdin, "{msg}").unwrap();
        stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.write(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn send(&mut self, method: &str, params: Value) -> u64 {
        self.next += 1;
        let id = self.next;
        self.write(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    fn call(&mut self, tool: &str, args: Value) -> u64 {
        self.send("tools/call", json!({"name": tool, "arguments": args}))
    }

    /// The answer to `id` (the whole message), within `timeout`.
    fn wait(&mut self, id: u64, timeout: Duration) -> Value {
        if let Some(i) = self
            .seen
            .iter()
            .position(|m| m["id"] == json!(id) && m.get("method").is_none())
        {
            return self.seen.remove(i);
        }
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(m) if m["id"] == json!(id) && m.get("method").is_none() => return m,
                Ok(m) => self.seen.push(m),
                Err(_) => panic!("no answer to request {id} within {timeout:?}"),
            }
        }
    }

    /// The text of a `tools/call` answer's first content item.
    fn text(&mut self, id: u64, timeout: Duration) -> String {
        let m = self.wait(id, timeout);
        m["result"]["content"][0]["text"]
            .as_str()
            .unwrap_or_else(|| panic!("not a text result: {}", short(&m)))
            .to_string()
    }

    /// Closes stdin (the client goes away) and waits for the gateway to exit.
    fn close(mut self) -> std::process::ExitStatus {
        self.stdin.take();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "the gateway did not exit at stdin's end"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    s.chars().take(300).collect()
}

fn faults() -> Value {
    json!({"command": "node", "args": [faults_js()]})
}

/// A fake `claude` that prints each of its arguments on a line.
fn fake_claude(env: &TestEnv) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let dir = env.home.join("bin");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("claude");
    std::fs::write(
        &path,
        "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\necho \"key=$GW_KEY\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

fn canonical(p: &Path) -> String {
    p.canonicalize().unwrap().display().to_string()
}

#[test]
fn run_gateway_gives_claude_only_the_gateway_entry_as_a_json_argument() {
    let env = TestEnv::new();
    env.write(".mcp.json", r#"{"mcpServers": {"x": {"command": "true"}}}"#);
    env.write(".env", "GW_KEY=from-dotenv\n");
    let claude = fake_claude(&env);
    let claude = claude.to_str().unwrap();
    let run = env.run(&["run", "--gateway", "--", claude, "mcp", "list"]);
    run.assert_code(0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 6, "{}", run.stdout);
    // `--mcp-config` takes many values: `--strict-mcp-config` after the JSON ends them, so
    // that `mcp list` is not read as two more config files (as Claude Code 2.1 did).
    assert_eq!(lines[0], "--mcp-config");
    assert_eq!(lines[2], "--strict-mcp-config");
    // The user's own arguments come after, as typed; the project's `.env` is there too.
    assert_eq!(&lines[3..], ["mcp", "list", "key=from-dotenv"]);
    let config: Value = serde_json::from_str(lines[1]).unwrap();
    let config_path = canonical(&env.path(".mcp.json"));
    assert_eq!(
        config,
        json!({"mcpServers": {"aimcp": {
            "type": "stdio",
            "command": canonical(Path::new(bin())),
            "args": ["--config", config_path, "mcp", "serve"],
        }}})
    );
    assert_eq!(run.stderr, "");
}

#[test]
fn run_gateway_passes_db_and_finds_the_project_without_a_config() {
    let env = TestEnv::new();
    let claude = fake_claude(&env);
    let run = env.run(&[
        "--db",
        "ledger.db",
        "run",
        "--gateway",
        "--",
        claude.to_str().unwrap(),
    ]);
    run.assert_code(0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    let config: Value = serde_json::from_str(lines[1]).unwrap();
    let project = env.project.display().to_string();
    let db = env.project.join("ledger.db").display().to_string();
    assert_eq!(
        config["mcpServers"]["aimcp"]["args"],
        json!(["-C", project, "--db", db, "mcp", "serve"])
    );
}

/// A PostgreSQL URL holds a password: it reaches the gateway through `AIMCP_DB`, never as an
/// argument (`ps` shows arguments) nor on stderr under `-v`.
#[test]
fn run_gateway_keeps_a_postgres_password_off_command_lines() {
    use std::os::unix::fs::PermissionsExt;
    let env = TestEnv::new();
    let dir = env.home.join("bin");
    std::fs::create_dir_all(&dir).unwrap();
    let claude = dir.join("claude");
    std::fs::write(
        &claude,
        "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\necho \"db=$AIMCP_DB\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&claude, std::fs::Permissions::from_mode(0o755)).unwrap();
    let url = "postgres://team:s3cretpw@127.0.0.1:5999/ledger";
    let run = env.run(&[
        "-v",
        "--db",
        url,
        "run",
        "--gateway",
        "--",
        claude.to_str().unwrap(),
    ]);
    run.assert_code(0);
    let (args, db) = run.stdout.rsplit_once("db=").unwrap();
    assert_eq!(
        db.trim(),
        url,
        "the gateway gets the URL in its environment"
    );
    assert!(!args.contains("s3cretpw"), "{args}");
    assert!(!args.contains("--db"), "{args}");
    assert!(!run.stderr.contains("s3cretpw"), "{}", run.stderr);
}

#[test]
fn run_gateway_with_another_client_is_exit_2_with_a_hint() {
    let env = TestEnv::new();
    let run = env.run(&["run", "--gateway", "--", "cursor", "."]);
    run.assert_code(2);
    insta::assert_snapshot!(run.stderr, @r"
    error: `--gateway` knows how to configure Claude Code (`claude`), not `cursor`
    hint: for another client, add an MCP server entry that runs `aimcp mcp serve` in this project to its config
    ");
}

#[test]
fn serve_refuses_bad_flags_with_exit_2() {
    let env = TestEnv::new();
    env.write(".mcp.json", r#"{"mcpServers": {}}"#);
    let run = env.run(&["mcp", "serve", "--http", "0.0.0.0:0"]);
    run.assert_code(2);
    insta::assert_snapshot!(run.stderr, @r"
    error: `--http 0.0.0.0:0` is not a loopback address, and `AIMCP_GATEWAY_TOKEN` is not set
    hint: set `AIMCP_GATEWAY_TOKEN` to a long random token that clients send as `Authorization: Bearer ...`, or serve on `127.0.0.1:PORT`
    ");
    let run = env.run(&["mcp", "serve", "--http", "nonsense"]);
    run.assert_code(2);
    insta::assert_snapshot!(run.stderr, @r"
    error: invalid `--http nonsense`: expected an address and port
    hint: e.g. `--http 127.0.0.1:8700` (port 0 picks a free one)
    ");
    let run = env.run(&["mcp", "serve", "--deny", "git hub"]);
    run.assert_code(2);
    insta::assert_snapshot!(run.stderr, @r"
    error: invalid `--deny git hub`: a space cannot be in a pattern (names are letters, digits, `-`, `_` and `.`; `*` and `?` are wildcards)
    hint: a pattern is `SERVER`, `SERVER__TOOL` or a glob such as `github__get_*`
    ");
}

#[test]
fn real_servers_behind_the_gateway_answer_aimcps_own_client() {
    let gw = Gw::new(
        json!({
            "everything": {"command": npm_bin("mcp-server-everything")},
            "memory": {"command": npm_bin("mcp-server-memory"),
                       "env": {"MEMORY_FILE_PATH": "memory.jsonl"}},
            "thinking": {"command": npm_bin("mcp-server-sequential-thinking")},
            "time": {"command": servers::time_bin()},
        }),
        json!({}),
        &[],
    );
    let run = gw.run(&["--json", "mcp", "test"]);
    run.assert_code(0);
    let result = &run.json()["results"][0];
    assert_eq!(result["ok"], true, "{result}");
    assert_eq!(result["server"]["name"], "aimcp");

    let run = gw.run(&[
        "mcp",
        "call",
        "gateway",
        "everything__echo",
        "--args",
        r#"{"message":"through the gateway"}"#,
    ]);
    run.assert_code(0);
    assert_eq!(run.stdout, "Echo: through the gateway\n");

    let run = gw.run(&[
        "--json",
        "mcp",
        "call",
        "gateway",
        "time__get_current_time",
        "--args",
        r#"{"timezone":"UTC"}"#,
    ]);
    run.assert_code(0);
    let structured = &run.json()["structuredContent"];
    assert_eq!(structured["timezone"], "UTC", "{}", run.stdout);

    let run = gw.run(&[
        "--json",
        "mcp",
        "call",
        "gateway",
        "memory__create_entities",
        "--args",
        r#"{"entities":[{"name":"aimcp","entityType":"tool","observations":["a gateway"]}]}"#,
    ]);
    run.assert_code(0);
    let run = gw.run(&["mcp", "call", "gateway", "memory__read_graph"]);
    run.assert_code(0);
    assert!(run.stdout.contains("a gateway"), "{}", run.stdout);

    let run = gw.run(&[
        "mcp",
        "call",
        "gateway",
        "thinking__sequentialthinking",
        "--args",
        r#"{"thought":"one","thoughtNumber":1,"totalThoughts":1,"nextThoughtNeeded":false}"#,
    ]);
    run.assert_code(0);

    // Discovery through the gateway sees every upstream's tools, prefixed.
    let run = gw.run(&["--json", "mcp", "discover"]);
    run.assert_code(0);
    let tools: Value =
        serde_json::from_str(&std::fs::read_to_string(gw.client.join(".mcp.tools.json")).unwrap())
            .unwrap();
    let names: Vec<&str> = tools["gateway"]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    for want in [
        "everything__echo",
        "memory__read_graph",
        "thinking__sequentialthinking",
        "time__get_current_time",
    ] {
        assert!(names.contains(&want), "{want} missing from {names:?}");
    }
    assert!(names.iter().all(|n| n.contains("__")), "{names:?}");

    // Every call is a row of the ledger: server, the upstream's own tool name, the client.
    let calls = gw.calls();
    let mut shown: Vec<(&str, &str, &str)> = calls
        .iter()
        .map(|c| (c.0.as_str(), c.1.as_str(), c.3.as_str()))
        .collect();
    shown.sort();
    assert_eq!(
        shown,
        [
            ("everything", "echo", "ok"),
            ("memory", "create_entities", "ok"),
            ("memory", "read_graph", "ok"),
            ("thinking", "sequentialthinking", "ok"),
            ("time", "get_current_time", "ok"),
        ]
    );
    assert!(
        calls.iter().all(|c| c.2.as_deref() == Some("aimcp")),
        "{calls:?}"
    );
    assert!(
        calls.iter().all(|c| c.4 > 0 && c.5 > 0 && c.6 > 0),
        "{calls:?}"
    );
}

#[test]
fn results_errors_and_codes_pass_through_unchanged() {
    let gw = Gw::new(
        json!({"faults": faults(), "fake": {"command": "node", "args": [servers::fake_js().display().to_string()]}}),
        json!({}),
        &[],
    );
    let mut d = gw.drive();
    // `isError` and the content as the server sent them.
    let id = d.call("fake__tool_2", json!({}));
    let m = d.wait(id, Duration::from_secs(30));
    assert_eq!(
        m["result"],
        json!({"content": [{"type": "text", "text": "called tool_2"}], "isError": true})
    );
    // A JSON-RPC error keeps its code, message and data.
    let id = d.call("faults__rpc_error", json!({}));
    let m = d.wait(id, Duration::from_secs(30));
    assert_eq!(
        m["error"],
        json!({"code": -32042, "message": "fault on purpose", "data": {"why": "test"}})
    );
    // An unknown tool is -32602 from the gateway itself.
    let id = d.call("faults__nope", json!({}));
    let m = d.wait(id, Duration::from_secs(30));
    assert_eq!(m["error"]["code"], -32602, "{m}");
    assert_eq!(d.close().code(), Some(0));
    let mut outcomes: Vec<String> = gw.calls().into_iter().map(|c| c.3).collect();
    outcomes.sort();
    assert_eq!(outcomes, ["protocol_error", "tool_error"]);
}

#[test]
fn an_upstream_that_crashes_mid_call_fails_that_call_and_restarts_on_the_next() {
    let gw = Gw::new(json!({"faults": faults()}), json!({}), &[]);
    let mut d = gw.drive();
    let id = d.call("faults__pid", json!({}));
    let first = d.text(id, Duration::from_secs(30));
    let id = d.call("faults__crash", json!({}));
    let m = d.wait(id, Duration::from_secs(30));
    assert_eq!(m["error"]["code"], -32603, "{m}");
    let id = d.call("faults__pid", json!({}));
    let second = d.text(id, Duration::from_secs(30));
    assert_ne!(first, second, "the same process answered after its crash");
    d.close();
    servers::assert_all_dead(&gw.pids, 4);
}

/// A server that dies soon after each start is restarted at once the first time (a crash
/// mid-call), then only after a backoff that grows: a short run counts as a failed start
/// (every crash used to restart it at once, with no backoff).
#[test]
fn an_upstream_that_dies_soon_after_each_start_backs_off() {
    let gw = Gw::new(json!({"faults": faults()}), json!({}), &[]);
    let mut d = gw.drive();
    let id = d.call("faults__pid", json!({}));
    d.text(id, Duration::from_secs(30));
    let mut refused = Vec::new();
    for round in 0..4 {
        let id = d.call("faults__crash", json!({}));
        let m = d.wait(id, Duration::from_secs(30));
        assert!(m.get("error").is_some(), "{m}");
        let id = d.call("faults__pid", json!({}));
        let m = d.wait(id, Duration::from_secs(30));
        if m.get("result").is_some() {
            continue;
        }
        assert!(round > 0, "the first crash is not restarted at once: {m}");
        let message = m["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains("tried again in"), "{m}");
        refused.push(round);
    }
    assert!(!refused.is_empty(), "restarted at once after every crash");
    d.close();
}

#[test]
fn a_hanging_upstream_times_out_and_the_others_keep_serving() {
    let gw = Gw::new(
        json!({"faults": faults(), "fake": {"command": "node", "args": [servers::fake_js().display().to_string()]}}),
        json!({"global_config": {"timeout": 6}}),
        &[],
    );
    let mut d = gw.drive();
    let hang = d.call("faults__hang", json!({}));
    let started = Instant::now();
    // While it hangs, the other upstream answers at once.
    let id = d.call("fake__tool_1", json!({}));
    assert_eq!(d.text(id, Duration::from_secs(10)), "called tool_1");
    // (bounds loose for a busy CI machine: the hang itself takes 6 s)
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    let m = d.wait(hang, Duration::from_secs(15));
    assert_eq!(m["error"]["code"], -32001, "{m}");
    assert!(started.elapsed() >= Duration::from_millis(5900));
    d.close();
    let outcomes: Vec<String> = gw.calls().into_iter().map(|c| c.3).collect();
    assert!(outcomes.contains(&"timeout".to_string()), "{outcomes:?}");
}

#[test]
fn a_flood_of_notifications_and_a_100_mib_result_leave_the_gateway_serving() {
    let gw = Gw::new(json!({"faults": faults()}), json!({}), &[]);
    let mut d = gw.drive();
    let id = d.call("faults__flood", json!({"count": 20000}));
    assert_eq!(d.text(id, Duration::from_secs(60)), "flooded 20000");
    let id = d.call("faults__big", json!({"mib": 100}));
    let m = d.wait(id, Duration::from_secs(120));
    // Larger than a message may be: an error, not a crash.
    assert!(m.get("error").is_some(), "{}", short(&m));
    let id = d.call("faults__pid", json!({}));
    let pid = d.text(id, Duration::from_secs(30));
    assert!(pid.parse::<u32>().is_ok(), "{pid}");
    assert_eq!(d.close().code(), Some(0));
}

#[test]
fn the_gateway_and_its_upstreams_end_when_its_client_is_killed() {
    let gw = Gw::new(json!({"faults": faults()}), json!({}), &[]);
    // aimcp's own client starts the gateway, which starts the upstream; the call hangs.
    let mut client = gw
        .cmd()
        .args(["mcp", "call", "gateway", "faults__hang", "--timeout", "60"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::fs::read_to_string(&gw.pids)
        .unwrap_or_default()
        .lines()
        .count()
        < 2
    {
        assert!(Instant::now() < deadline, "the upstream never started");
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(300));
    client.kill().unwrap(); // SIGKILL
    client.wait().unwrap();
    // The upstream's pid and the gateway's (its parent) are both gone.
    servers::assert_all_dead(&gw.pids, 2);
}

#[test]
fn allow_deny_and_disabled_tools_hide_tools_and_lists_page() {
    let gw = Gw::new(
        json!({"faults": {"command": "node", "args": [faults_js()], "disabledTools": ["hang"]},
               "fake": {"command": "node", "args": [servers::fake_js().display().to_string()]}}),
        json!({}),
        &["--deny", "faults__b*", "--deny", "fake"],
    );
    let run = gw
        .cmd()
        .env("AIMCP_GATEWAY_PAGE_SIZE", "2")
        .args(["--json", "mcp", "discover"])
        .output()
        .unwrap();
    let run = Run::from(run);
    run.assert_code(0);
    let tools: Value =
        serde_json::from_str(&std::fs::read_to_string(gw.client.join(".mcp.tools.json")).unwrap())
            .unwrap();
    let mut names: Vec<&str> = tools["gateway"]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .filter(|n| !n.starts_with("aimcp__"))
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "faults__crash",
            "faults__flood",
            "faults__grow",
            "faults__pid",
            "faults__rpc_error",
            "faults__slow"
        ]
    );
    // A hidden tool cannot be called either.
    let run = gw.run(&["mcp", "call", "gateway", "faults__hang"]);
    run.assert_code(1);
    assert!(
        run.stderr.contains("has no tool `faults__hang`"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_deny_naming_no_server_is_exit_2() {
    let gw = Gw::new(json!({"faults": faults()}), json!({}), &[]);
    let run = gw.env.run(&["mcp", "serve", "--deny", "faultz"]);
    run.assert_code(2);
    insta::assert_snapshot!(run.stderr, @r"
    error: `--deny faultz`: no server `faultz` is served
    hint: served: faults, and `aimcp` (the gateway's own tools)
    ");
}

#[test]
fn the_ledger_tools_answer_through_the_gateway_and_see_its_calls() {
    let gw = Gw::new(
        json!({"faults": faults()}),
        json!({}),
        &["--deny", "aimcp__budget_status"],
    );
    let db = gw.db.display().to_string();
    let run = gw.env.run(&[
        "--db",
        &db,
        "tokens",
        "record",
        "--provider",
        "anthropic",
        "--model",
        "claude-sonnet-4-5",
        "--input",
        "1000",
        "--output",
        "200",
    ]);
    run.assert_code(0);
    let mut d = gw.drive();
    let id = d.send("tools/list", json!({}));
    let list = d.wait(id, Duration::from_secs(30));
    let names: Vec<&str> = list["result"]["tools"]
        .as_array()
        .unwrap_or_else(|| panic!("{list}"))
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    // aimcp's own tools come first, and `--deny` hides them like any other.
    assert_eq!(
        &names[..2],
        ["aimcp__get_token_analytics", "aimcp__tool_stats"],
        "{names:?}"
    );
    assert!(!names.contains(&"aimcp__budget_status"));
    let id = d.call("aimcp__get_token_analytics", json!({"period": "all"}));
    let m = d.wait(id, Duration::from_secs(30));
    let s = &m["result"]["structuredContent"];
    assert_eq!(s["requests"], 1, "{m}");
    assert_eq!(s["input_tokens"], 1000, "{m}");
    let id = d.call("faults__pid", json!({}));
    d.text(id, Duration::from_secs(30));
    assert_eq!(d.close().code(), Some(0));
    // `mcp stats` reads what the gateway recorded.
    let run = gw
        .env
        .run(&["--db", &db, "--json", "mcp", "stats", "--by", "tool"]);
    run.assert_code(0);
    let keys: Vec<String> = run.json()["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["key"].as_str().unwrap().to_string())
        .collect();
    assert!(keys.iter().any(|k| k.contains("pid")), "{keys:?}");
}

#[test]
fn progress_reaches_the_client_with_its_own_token() {
    let gw = Gw::new(
        json!({"everything": {"command": npm_bin("mcp-server-everything")}}),
        json!({}),
        &[],
    );
    let mut d = gw.drive();
    let id = d.send(
        "tools/call",
        json!({"name": "everything__trigger-long-running-operation",
               "arguments": {"duration": 1, "steps": 3},
               "_meta": {"progressToken": "client-token-7"}}),
    );
    let m = d.wait(id, Duration::from_secs(60));
    assert!(m.get("result").is_some(), "{m}");
    let progress: Vec<&Value> = d
        .seen
        .iter()
        .filter(|n| n["method"] == "notifications/progress")
        .collect();
    assert!(progress.len() >= 2, "{:?}", d.seen);
    assert!(
        progress
            .iter()
            .all(|n| n["params"]["progressToken"] == "client-token-7"),
        "{progress:?}"
    );
    d.close();
}

#[test]
fn sigterm_ends_the_gateway_and_every_upstream_quickly() {
    let gw = Gw::new(
        json!({"faults": faults(), "everything": {"command": npm_bin("mcp-server-everything")}}),
        json!({}),
        &[],
    );
    let mut d = gw.drive();
    let id = d.call("faults__pid", json!({}));
    d.text(id, Duration::from_secs(30));
    let started = Instant::now();
    // SAFETY: a plain kill(2) of the process this test started.
    assert_eq!(unsafe { libc::kill(d.child.id() as i32, libc::SIGTERM) }, 0);
    let status = d.close();
    // Claude Code sends SIGKILL about half a second after SIGINT; the bound is looser, for a
    // busy CI machine, but well under the 5 s that a shutdown after stdin's end may take.
    assert!(
        started.elapsed() < Duration::from_millis(2500),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(status.code(), Some(130));
    servers::assert_all_dead(&gw.pids, 2);
}

/// A client that is ended closes the gateway's stdin as the signal comes: the signal decides
/// the exit (130), whichever of the two the gateway sees first (it used to be either, at random).
#[test]
fn a_signal_with_stdins_end_is_still_exit_130() {
    let gw = Gw::new(
        json!({"fake": {"command": "node", "args": [servers::fake_js().display().to_string()]}}),
        json!({}),
        &[],
    );
    for round in 0..8 {
        let mut d = gw.drive();
        let id = d.call("fake__tool_1", json!({}));
        d.text(id, Duration::from_secs(30));
        // SAFETY: a plain kill(2) of the process this test started.
        assert_eq!(unsafe { libc::kill(d.child.id() as i32, libc::SIGTERM) }, 0);
        let status = d.close();
        assert_eq!(status.code(), Some(130), "round {round}");
    }
}

/// After SIGTERM the gateway tells every upstream at once and waits (bounded) for them: one
/// that takes 500 ms to stop cleanly gets to (the grace used to be 350 ms, with SIGTERM only
/// 300 ms into it), and no process is left.
#[test]
fn sigterm_gives_a_slow_to_stop_upstream_time_and_leaves_no_process() {
    let stop_file = tempfile::NamedTempFile::new().unwrap().into_temp_path();
    std::fs::remove_file(&stop_file).unwrap();
    let slow = json!({"command": "node",
        "args": [servers::fake_js().display().to_string(), "slow-stop"],
        "env": {"STOP_FILE": stop_file.display().to_string()}});
    let gw = Gw::new(json!({"faults": faults(), "slow": slow}), json!({}), &[]);
    let mut d = gw.drive();
    let id = d.call("slow__tool_1", json!({}));
    assert_eq!(d.text(id, Duration::from_secs(30)), "called tool_1");
    let started = Instant::now();
    // SAFETY: a plain kill(2) of the process this test started.
    assert_eq!(unsafe { libc::kill(d.child.id() as i32, libc::SIGTERM) }, 0);
    let status = d.close();
    let took = started.elapsed();
    assert_eq!(status.code(), Some(130));
    assert!(took < Duration::from_secs(10), "{took:?}");
    // The gateway waits up to its grace (1.5 s) for the upstream: on a loaded machine node's
    // 500 ms timer may fire later than that, and then the upstream is rightly killed; what
    // must never happen is that it is killed before the grace is over.
    let stopped = std::fs::read_to_string(&stop_file).ok();
    assert!(
        stopped.as_deref() == Some("stopped\n") || took >= Duration::from_millis(1450),
        "the slow upstream was killed after {took:?}, before it could stop ({stopped:?})"
    );
    servers::assert_all_dead(&gw.pids, 3);
}

/// The upstreams are told the client can take sampling, elicitation or roots requests only
/// when the gateway's client said it can (they used to be told all three, always).
#[test]
fn upstreams_are_told_only_the_capabilities_the_client_has() {
    for (client, told) in [
        (json!({}), json!({})),
        (
            json!({"roots": {}}),
            json!({"roots": {"listChanged": true}}),
        ),
        (
            json!({"sampling": {}, "elicitation": {"form": {}}}),
            json!({"sampling": {}, "elicitation": {}}),
        ),
    ] {
        let init = tempfile::NamedTempFile::new().unwrap().into_temp_path();
        let fake = json!({"command": "node", "args": [servers::fake_js().display().to_string()],
            "env": {"INIT_FILE": init.display().to_string()}});
        let gw = Gw::new(json!({"fake": fake}), json!({}), &[]);
        let mut cmd = gw.env.cmd();
        cmd.env("PID_FILE", &gw.pids).args(gw.serve_argv());
        let mut d = Driver::start_with(cmd, client.clone());
        let id = d.call("fake__tool_1", json!({}));
        assert_eq!(d.text(id, Duration::from_secs(30)), "called tool_1");
        d.close();
        let seen: Vec<Value> = std::fs::read_to_string(&init)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(seen, [told], "client {client}");
    }
}

/// A client's `notifications/roots/list_changed` reaches every upstream that is up (it used to
/// stop at the gateway).
#[test]
fn a_clients_roots_list_changed_reaches_the_upstreams() {
    let notes = tempfile::NamedTempFile::new().unwrap().into_temp_path();
    let fake = json!({"command": "node", "args": [servers::fake_js().display().to_string()],
        "env": {"NOTIFY_FILE": notes.display().to_string()}});
    let gw = Gw::new(json!({"fake": fake}), json!({}), &[]);
    let mut d = gw.drive();
    let id = d.call("fake__tool_1", json!({}));
    assert_eq!(d.text(id, Duration::from_secs(30)), "called tool_1");
    d.notify("notifications/roots/list_changed", json!({}));
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let seen = std::fs::read_to_string(&notes).unwrap_or_default();
        if seen
            .lines()
            .any(|l| l == "notifications/roots/list_changed")
        {
            break;
        }
        assert!(Instant::now() < deadline, "the upstream got only: {seen:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
    d.close();
}

/// Claude Code from npm (pinned), installed once into `target/test-servers/claude-code`.
fn claude_code() -> PathBuf {
    const PACKAGE: &str = "@anthropic-ai/claude-code@2.1.197";
    let dir = servers::dir().join("claude-code");
    let bin = dir.join("node_modules/.bin/claude");
    std::fs::create_dir_all(&dir).unwrap();
    let lock = std::fs::File::create(dir.join(".lock")).unwrap();
    lock.lock().unwrap();
    let stamp = dir.join(".installed");
    if std::fs::read_to_string(&stamp).ok().as_deref() != Some(PACKAGE) || !bin.exists() {
        let out = Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--prefix"])
            .arg(&dir)
            .arg(PACKAGE)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "npm install {PACKAGE}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::fs::write(&stamp, PACKAGE).unwrap();
    }
    bin
}

/// `aimcp run --gateway -- claude -p ...` with the real Claude Code: it connects to the gateway
/// and to none of the project's servers. (`claude mcp list` reads only the configured servers
/// and ignores `--mcp-config`, so the print mode's init message and debug log are the witness;
/// no login is needed for them, the model request itself fails against a closed loopback port.)
#[test]
fn claude_code_through_run_gateway_sees_only_the_gateway() {
    let claude = claude_code();
    let gw = Gw::new(
        json!({"faults": faults(), "fake": {"command": "node", "args": [servers::fake_js().display().to_string()]}}),
        json!({}),
        &[],
    );
    let log = gw.env.root.path().join("claude-debug.log");
    let db = gw.db.display().to_string();
    let mut child = gw
        .env
        .cmd()
        .env("ANTHROPIC_API_KEY", "sk-ant-test-not-a-key")
        .env("ANTHROPIC_BASE_URL", "http://127.0.0.1:9")
        .env("DISABLE_TELEMETRY", "1")
        .env("DISABLE_AUTOUPDATER", "1")
        .env("PID_FILE", &gw.pids)
        .args(["--db", &db, "run", "--gateway", "--"])
        .arg(&claude)
        .args([
            "-p",
            "hello",
            "--output-format",
            "stream-json",
            "--verbose",
            "--debug-file",
        ])
        .arg(&log)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let init: Value = serde_json::from_str(&first).unwrap_or_else(|e| panic!("{e}: {first}"));
    let names: Vec<&str> = init["mcp_servers"]
        .as_array()
        .unwrap_or_else(|| panic!("{first}"))
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["aimcp"]);
    let deadline = Instant::now() + Duration::from_secs(60);
    let connected = "MCP server \"aimcp\": Successfully connected";
    while !std::fs::read_to_string(&log)
        .unwrap_or_default()
        .contains(connected)
    {
        assert!(
            Instant::now() < deadline,
            "{}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    let _ = child.wait();
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(!text.contains("MCP server \"faults\""), "{text}");
    assert!(!text.contains("MCP server \"fake\""), "{text}");
    // Claude Code killed: the gateway sees its stdin end, and ends the upstreams.
    servers::assert_all_dead(&gw.pids, 2);
}

/// `aimcp mcp serve --http 127.0.0.1:0` in the upstream project; the URL it listens on.
struct HttpGw {
    child: Child,
    url: String,
    /// What it wrote on stderr after the `listening on` line.
    stderr: std::sync::Arc<std::sync::Mutex<String>>,
}

impl HttpGw {
    fn start(gw: &Gw, token: Option<&str>) -> HttpGw {
        let mut cmd = gw.env.cmd();
        cmd.env("PID_FILE", &gw.pids)
            .args(gw.serve_argv())
            .args(["--http", "127.0.0.1:0"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        if let Some(t) = token {
            cmd.env("AIMCP_GATEWAY_TOKEN", t);
        }
        let mut child = cmd.spawn().unwrap();
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        stderr.read_line(&mut line).unwrap();
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("{line}"))
            .to_string();
        // Keep reading stderr so the gateway never blocks on it.
        let kept = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let into = kept.clone();
        std::thread::spawn(move || {
            let mut line = String::new();
            while stderr.read_line(&mut line).unwrap_or(0) > 0 {
                into.lock().unwrap().push_str(&line);
                line.clear();
            }
        });
        HttpGw {
            child,
            url,
            stderr: kept,
        }
    }

    /// A plain `GET path` (HTTP/1.1), the status and body.
    fn get(&self, path: &str) -> (u16, String) {
        use std::io::Read;
        let authority = self
            .url
            .trim_start_matches("http://")
            .trim_end_matches("/mcp");
        let mut s = std::net::TcpStream::connect(authority).unwrap();
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut text = String::new();
        s.read_to_string(&mut text).unwrap();
        let status = text.split_whitespace().nth(1).unwrap().parse().unwrap();
        let body = text
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_string())
            .unwrap_or_default();
        (status, body)
    }
}

impl Drop for HttpGw {
    fn drop(&mut self) {
        // SAFETY: a plain kill(2) of the process this test started.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        let _ = self.child.wait();
    }
}

#[test]
fn over_http_eight_clients_at_once_with_metrics_and_health() {
    let gw = Gw::new(
        json!({"faults": faults(), "fake": {"command": "node", "args": [servers::fake_js().display().to_string()]}}),
        json!({}),
        &[],
    );
    let http = HttpGw::start(&gw, None);
    std::fs::write(
        gw.client.join(".mcp.json"),
        json!({"mcpServers": {"gateway": {"type": "http", "url": http.url}}}).to_string(),
    )
    .unwrap();
    let run = gw.run(&["mcp", "call", "gateway", "fake__tool_1"]);
    run.assert_code(0);
    assert_eq!(run.stdout, "called tool_1\n");
    // Eight of aimcp's own clients at once, each its own HTTP session; each slow call takes
    // 300 ms upstream, so together they finish in far less than eight times that.
    let started = Instant::now();
    let clients: Vec<Child> = (0..8)
        .map(|_| {
            gw.cmd()
                .args(["mcp", "call", "gateway", "faults__slow"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in clients {
        let run = Run::from(c.wait_with_output().unwrap());
        run.assert_code(0);
        assert_eq!(run.stdout, "slow done\n");
    }
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    let (status, body) = http.get("/health");
    assert_eq!(status, 200, "{body}");
    let (status, metrics) = http.get("/metrics");
    assert_eq!(status, 200);
    assert!(
        metrics.contains(r#"mcp_tool_calls_total{server="faults",tool="slow",outcome="ok"} 8"#),
        "{metrics}"
    );
    assert!(
        metrics.contains(r#"mcp_upstream_up{server="fake"} 1"#),
        "{metrics}"
    );
}

#[test]
fn over_http_a_token_is_required_when_set() {
    let gw = Gw::new(json!({"faults": faults()}), json!({}), &[]);
    let http = HttpGw::start(&gw, Some("gw-secret-token-123"));
    std::fs::write(
        gw.client.join(".mcp.json"),
        json!({"mcpServers": {
            "without": {"type": "http", "url": http.url},
            "with": {"type": "http", "url": http.url, "headers": {"Authorization": "Bearer ${GW_TOKEN}"}},
        }})
        .to_string(),
    )
    .unwrap();
    let run = Run::from(
        gw.cmd()
            .env("GW_TOKEN", "gw-secret-token-123")
            .args(["--json", "mcp", "test"])
            .output()
            .unwrap(),
    );
    run.assert_code(1);
    let results = run.json()["results"].clone();
    assert_eq!(results[0]["ok"], false, "{results}");
    assert_eq!(results[1]["ok"], true, "{results}");
    assert!(
        !run.stdout.contains("gw-secret-token-123"),
        "{}",
        run.stdout
    );
}

#[test]
fn an_upstreams_list_changed_refreshes_the_merged_list_and_reaches_the_client() {
    let gw = Gw::new(json!({"faults": faults()}), json!({}), &[]);
    let mut d = gw.drive();
    // Once the upstream is up (its coming up is a list_changed of its own), start afresh.
    let id = d.send("tools/list", json!({}));
    d.wait(id, Duration::from_secs(30));
    std::thread::sleep(Duration::from_millis(200));
    while d.rx.try_recv().is_ok() {}
    d.seen.clear();
    let id = d.call("faults__grow", json!({}));
    assert_eq!(d.text(id, Duration::from_secs(30)), "grew");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !d
        .seen
        .iter()
        .any(|m| m["method"] == "notifications/tools/list_changed")
    {
        assert!(Instant::now() < deadline, "no list_changed: {:?}", d.seen);
        if let Ok(m) = d.rx.recv_timeout(Duration::from_millis(100)) {
            d.seen.push(m);
        }
    }
    // The notification is sent after the merged list was refreshed.
    let id = d.send("tools/list", json!({}));
    let list = d.wait(id, Duration::from_secs(10));
    assert!(
        list.to_string().contains("\"faults__grown\""),
        "{}",
        short(&list)
    );
    let id = d.call("faults__grown", json!({}));
    assert_eq!(d.text(id, Duration::from_secs(10)), "grown answers");
    d.close();
}

#[test]
fn an_allow_that_matches_nothing_is_said_once_on_stderr() {
    let gw = Gw::new(
        json!({"faults": faults()}),
        json!({}),
        &["--allow", "faults__p*", "--allow", "faults__nope*"],
    );
    let http = HttpGw::start(&gw, None);
    let deadline = Instant::now() + Duration::from_secs(30);
    let said = "warning: `--allow faults__nope*` matches no tool of the servers that started, so it lets nothing through\n";
    while !http.stderr.lock().unwrap().contains(said) {
        assert!(Instant::now() < deadline, "{}", http.stderr.lock().unwrap());
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(*http.stderr.lock().unwrap(), said);
}

/// A client that ends the gateway soon after its stdin closes (aimcp's own: 300 ms, then
/// SIGTERM; Claude Code: SIGINT) still finds its call in the ledger: the ledger is flushed before
/// the upstreams are ended.
#[test]
fn a_call_made_through_aimcps_own_client_is_in_the_ledger() {
    // `stubborn` ignores stdin's end and SIGTERM: ending it takes the whole grace
    let stubborn = json!({"command": "node",
        "args": [crate::common::servers::fake_js().display().to_string(), "ignore-eof"]});
    let gw = Gw::new(
        json!({"faults": faults(), "stubborn": stubborn}),
        json!({}),
        &[],
    );
    let run = gw.run(&["mcp", "call", "gateway", "faults__pid"]);
    run.assert_code(0);
    let calls = gw.calls();
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(
        (calls[0].0.as_str(), calls[0].1.as_str()),
        ("faults", "pid")
    );
    assert_eq!(calls[0].2.as_deref(), Some("aimcp"));
    assert_eq!(calls[0].3, "ok");
    // and no process of this test's is left: `stubborn` and its grandchild were ended by the
    // gateway before aimcp's client ended the gateway (they used to outlive both)
    let home = format!("HOME={}", gw.env.home.display());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let left: Vec<String> = std::fs::read_dir("/proc")
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| {
                e.file_name()
                    .to_string_lossy()
                    .bytes()
                    .all(|b| b.is_ascii_digit())
            })
            .filter(|e| {
                std::fs::read(e.path().join("environ"))
                    .is_ok_and(|env| env.split(|b| *b == 0).any(|v| v == home.as_bytes()))
            })
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        if left.is_empty() {
            break;
        }
        assert!(Instant::now() < deadline, "processes left: {left:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Debian's `prometheus` server (the package `.ci/run` installs for promtool): `None` when it is
/// not installed, which fails on CI (`CI` set), where the check must not quietly not run.
fn prometheus_bin() -> Option<PathBuf> {
    match which::which("prometheus") {
        Ok(p) => Some(p),
        Err(_) => {
            let ci = std::env::var("CI").unwrap_or_default();
            assert!(
                matches!(ci.as_str(), "" | "0" | "false"),
                "prometheus is not installed: on CI, `.ci/run` installs it (Debian's `prometheus`)"
            );
            None
        }
    }
}

/// A process this test started, ended by its pid (and group) when dropped.
struct Ends(Child);

impl Drop for Ends {
    fn drop(&mut self) {
        // SAFETY: kill(2) of the group of a process this test started in its own group.
        unsafe { libc::kill(-(self.0.id() as i32), libc::SIGKILL) };
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A real Prometheus scrapes the gateway's `/metrics` every second; its query API then has the
/// calls made through the gateway, by server, tool and outcome, and the upstream as up.
#[test]
fn a_real_prometheus_scrapes_the_gateways_metrics() {
    use std::os::unix::process::CommandExt;
    let Some(prometheus) = prometheus_bin() else {
        return;
    };
    let gw = Gw::new(
        json!({"fake": {"command": "node", "args": [servers::fake_js().display().to_string()]}}),
        json!({}),
        &[],
    );
    let http = HttpGw::start(&gw, None);
    std::fs::write(
        gw.client.join(".mcp.json"),
        json!({"mcpServers": {"gateway": {"type": "http", "url": http.url}}}).to_string(),
    )
    .unwrap();
    // tool_2 answers with `isError`: a tool error.
    for (tool, code) in [
        ("fake__tool_1", 0),
        ("fake__tool_1", 0),
        ("fake__tool_1", 0),
        ("fake__tool_2", 1),
    ] {
        gw.run(&["mcp", "call", "gateway", tool]).assert_code(code);
    }
    let target = http
        .url
        .trim_start_matches("http://")
        .trim_end_matches("/mcp")
        .to_string();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("prometheus.yml");
    std::fs::write(
        &config,
        format!(
            "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n  - job_name: aimcp\n    \
             static_configs:\n      - targets: ['{target}']\n"
        ),
    )
    .unwrap();
    let web = format!("127.0.0.1:{}", free_port());
    let log = std::fs::File::create(dir.path().join("prometheus.log")).unwrap();
    let _prometheus = Ends(
        Command::new(prometheus)
            .arg(format!("--config.file={}", config.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.path().join("data").display()
            ))
            .arg(format!("--web.listen-address={web}"))
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .process_group(0)
            .spawn()
            .unwrap(),
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let query = |q: &str| -> Option<Vec<Value>> {
        let q: String = q
            .bytes()
            .map(|b| match b {
                b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect();
        let url = format!("http://{web}/api/v1/query?query={q}");
        rt.block_on(async {
            let resp = reqwest::get(&url).await.ok()?;
            let v: Value = resp.json().await.ok()?;
            v["data"]["result"].as_array().cloned()
        })
    };
    // Until a scrape has landed (the first is within a second or two of the start).
    let deadline = Instant::now() + Duration::from_secs(90);
    let series = loop {
        match query("mcp_tool_calls_total > 0") {
            Some(s) if s.len() >= 2 => break s,
            _ => {}
        }
        assert!(
            Instant::now() < deadline,
            "no scrape reached Prometheus: {}",
            std::fs::read_to_string(dir.path().join("prometheus.log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(250));
    };
    let mut got: Vec<String> = series
        .iter()
        .map(|s| {
            let m = &s["metric"];
            format!(
                "{} {} {} {}",
                m["server"].as_str().unwrap(),
                m["tool"].as_str().unwrap(),
                m["outcome"].as_str().unwrap(),
                s["value"][1].as_str().unwrap()
            )
        })
        .collect();
    got.sort();
    assert_eq!(got, ["fake tool_1 ok 3", "fake tool_2 tool_error 1"]);
    let up = query("mcp_upstream_up").unwrap();
    assert_eq!(up.len(), 1, "{up:?}");
    assert_eq!(up[0]["metric"]["server"], "fake");
    assert_eq!(up[0]["value"][1], "1");
    // Prometheus' own view of the target: up, and the histogram's count by tool.
    let target_up = query("up{job=\"aimcp\"}").unwrap();
    assert_eq!(target_up[0]["value"][1], "1", "{target_up:?}");
    let count = query("sum by (tool) (mcp_tool_duration_seconds_count)").unwrap();
    assert_eq!(count.len(), 2, "{count:?}");
}

/// `/metrics` of a gateway whose ledger is on PostgreSQL: the ledger's counters are read (off
/// the async threads: the driver's own runtime cannot start on one of the gateway's, and
/// before that fix this request panicked the connection's task and got no answer).
#[test]
fn over_http_metrics_read_a_postgresql_ledger() {
    let Some(db) = crate::common::pg::db() else {
        return;
    };
    let mut gw = Gw::new(
        json!({"fake": {"command": "node", "args": [servers::fake_js().display().to_string()]}}),
        json!({}),
        &[],
    );
    gw.db = PathBuf::from(db.url());
    let run = Run::from(
        gw.env
            .cmd()
            .args([
                "--db",
                &db.url(),
                "tokens",
                "record",
                "--provider",
                "openai",
            ])
            .args(["--model", "gpt-5", "--input", "1000", "--output", "7"])
            .output()
            .unwrap(),
    );
    run.assert_code(0);
    let http = HttpGw::start(&gw, None);
    let (status, metrics) = http.get("/metrics");
    assert_eq!(status, 200, "{metrics}");
    assert!(
        metrics.contains(
            r#"gen_ai_client_token_usage_total{gen_ai_provider_name="openai",gen_ai_request_model="gpt-5",gen_ai_token_type="input"} 1000"#
        ),
        "{metrics}"
    );
}

// ---- multi round-trip requests (2026-07-28) ------------------------------------------------

fn asks_js() -> String {
    repo_root()
        .join("tests/servers/asks.js")
        .display()
        .to_string()
}

/// The one question of an `input_required` result: (key, method, params).
fn only_question(r: &Value) -> (String, String, Value) {
    assert_eq!(r["resultType"], "input_required", "{r}");
    let asks = r["inputRequests"].as_object().unwrap();
    assert_eq!(asks.len(), 1, "{r}");
    let (k, a) = asks.iter().next().unwrap();
    (
        k.clone(),
        a["method"].as_str().unwrap().to_string(),
        a["params"].clone(),
    )
}

fn retry(params: &Value, r: &Value, responses: Value) -> Value {
    let mut p = params.clone();
    p["inputResponses"] = responses;
    if let Some(s) = r.get("requestState") {
        p["requestState"] = s.clone();
    }
    p
}

fn first_text(r: &Value) -> String {
    assert_ne!(r["resultType"], "input_required", "{r}");
    r["content"][0]["text"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn a_stateless_client_answers_an_older_upstreams_questions_in_rounds() {
    let gw = Gw::new(
        json!({"asks": {"command": "node", "args": [asks_js()]}}),
        json!({}),
        &[],
    );
    let mut cmd = gw.env.cmd();
    cmd.args(gw.serve_argv());
    let mut d = Driver::spawn(cmd);
    let all = json!({"elicitation": {}, "sampling": {}, "roots": {}});
    let tool =
        |t: &str| json!({"name": format!("asks__test_input_required_result_{t}"), "arguments": {}});

    // One question: the upstream's `elicitation/create`, its params as sent.
    let p = tool("elicitation");
    let r = d.stateless("tools/call", p.clone(), &all).unwrap();
    let (key, method, params) = only_question(&r);
    assert_eq!(method, "elicitation/create");
    assert_eq!(params["message"], "What is your name?");
    let state = r["requestState"].as_str().unwrap();
    assert!(state.starts_with("aimcp-gw."), "{r}");
    // A retry that answers another key is asked again (not an error), with a new state.
    let again = d
        .stateless(
            "tools/call",
            retry(&p, &r, json!({"wrong_key": {"action": "accept"}})),
            &all,
        )
        .unwrap();
    let (key2, method2, _) = only_question(&again);
    assert_eq!(
        (key2.as_str(), method2.as_str()),
        (key.as_str(), "elicitation/create")
    );
    assert_ne!(again["requestState"], r["requestState"]);
    // A tampered state is refused; the real one still works after that.
    let mut bad = retry(
        &p,
        &again,
        json!({key.as_str(): {"action": "accept", "content": {"name": "Eve"}}}),
    );
    bad["requestState"] = json!(format!(
        "{}-TAMPERED",
        again["requestState"].as_str().unwrap()
    ));
    let e = d.stateless("tools/call", bad, &all).unwrap_err();
    assert_eq!(e["code"], -32602, "{e}");
    let done = d
        .stateless(
            "tools/call",
            retry(
                &p,
                &again,
                json!({key.as_str(): {"action": "accept", "content": {"name": "Alice"}}}),
            ),
            &all,
        )
        .unwrap();
    assert_eq!(first_text(&done), "Hello, Alice!");
    assert_eq!(done["resultType"], "complete");

    // Three questions asked at once come in one result; the answers go to their own requests.
    let p = tool("multiple_inputs");
    let r = d.stateless("tools/call", p.clone(), &all).unwrap();
    let asks = r["inputRequests"].as_object().unwrap();
    let mut methods: Vec<&str> = asks
        .values()
        .map(|a| a["method"].as_str().unwrap())
        .collect();
    methods.sort();
    assert_eq!(
        methods,
        ["elicitation/create", "roots/list", "sampling/createMessage"],
        "{r}"
    );
    let mut answers = serde_json::Map::new();
    for (k, a) in asks {
        answers.insert(
            k.clone(),
            match a["method"].as_str().unwrap() {
                "elicitation/create" => json!({"action": "accept", "content": {"name": "Bob"}}),
                "sampling/createMessage" => json!({"role": "assistant", "model": "m",
                    "content": {"type": "text", "text": "Howdy"}}),
                _ => json!({"roots": [{"uri": "file:///work"}]}),
            },
        );
    }
    let done = d
        .stateless("tools/call", retry(&p, &r, Value::Object(answers)), &all)
        .unwrap();
    assert_eq!(first_text(&done), "Howdy Bob (roots: file:///work)");

    // Questions one after the other: a round each, each with its own state.
    let p = tool("multi_round");
    let r1 = d.stateless("tools/call", p.clone(), &all).unwrap();
    let (k1, _, q1) = only_question(&r1);
    assert!(q1["message"].as_str().unwrap().starts_with("Step 1"));
    let r2 = d
        .stateless(
            "tools/call",
            retry(
                &p,
                &r1,
                json!({k1: {"action": "accept", "content": {"name": "Ann"}}}),
            ),
            &all,
        )
        .unwrap();
    let (k2, _, q2) = only_question(&r2);
    assert!(
        q2["message"].as_str().unwrap().starts_with("Step 2"),
        "{r2}"
    );
    assert_ne!(r1["requestState"], r2["requestState"]);
    let r3 = d
        .stateless(
            "tools/call",
            retry(
                &p,
                &r2,
                json!({k2: {"action": "accept", "content": {"color": "blue"}}}),
            ),
            &all,
        )
        .unwrap();
    assert_eq!(first_text(&r3), "Ann likes blue");

    // A client that can take only sampling is asked only that; the upstream's elicitation is
    // refused for it. (Its first request also told the upstream what the client can do.)
    let p = tool("capabilities");
    let only_sampling = json!({"sampling": {}});
    let r = d
        .stateless("tools/call", p.clone(), &only_sampling)
        .unwrap();
    let (k, m, _) = only_question(&r);
    assert_eq!(m, "sampling/createMessage");
    let done = d
        .stateless(
            "tools/call",
            retry(&p, &r, json!({k: {"role": "assistant", "model": "m", "content": {"type": "text", "text": "hi"}}})),
            &only_sampling,
        )
        .unwrap();
    assert_eq!(first_text(&done), "fulfilled, rejected");

    // prompts/get takes rounds too; lists never do.
    let p = json!({"name": "asks__test_input_required_result_prompt"});
    let r = d.stateless("prompts/get", p.clone(), &all).unwrap();
    let (k, _, _) = only_question(&r);
    let done = d
        .stateless(
            "prompts/get",
            retry(
                &p,
                &r,
                json!({k: {"action": "accept", "content": {"context": "ctx"}}}),
            ),
            &all,
        )
        .unwrap();
    assert_eq!(
        done["messages"][0]["content"]["text"], "Context: ctx",
        "{done}"
    );
    for list in ["tools/list", "prompts/list"] {
        let r = d.stateless(list, json!({}), &all).unwrap();
        assert_eq!(r["resultType"], "complete", "{list}: {r}");
    }
    // A state used for another tool is refused.
    let p = tool("tampered_state");
    let r = d.stateless("tools/call", p.clone(), &all).unwrap();
    let mut other = retry(&tool("elicitation"), &r, json!({}));
    other["requestState"] = r["requestState"].clone();
    let e = d.stateless("tools/call", other, &all).unwrap_err();
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("belongs to another request"),
        "{e}"
    );
    assert_eq!(d.close().code(), Some(0));
}

#[test]
fn a_stateless_client_gets_a_2026_upstreams_own_rounds_unchanged() {
    let gw = Gw::new(
        json!({"modern": {"command": "node", "args": [asks_js(), "--modern"]}}),
        json!({}),
        &[],
    );
    let mut cmd = gw.env.cmd();
    cmd.args(gw.serve_argv());
    let mut d = Driver::spawn(cmd);
    let all = json!({"elicitation": {}, "sampling": {}, "roots": {}});
    // The upstream's keys and state reach the client as they are, and the retry reaches it.
    let p = json!({"name": "modern__test_input_required_result_multi_round", "arguments": {}});
    let r1 = d.stateless("tools/call", p.clone(), &all).unwrap();
    let (k1, _, _) = only_question(&r1);
    assert_eq!(k1, "step1");
    assert!(
        r1["requestState"].as_str().unwrap().starts_with("step1."),
        "{r1}"
    );
    let r2 = d
        .stateless(
            "tools/call",
            retry(
                &p,
                &r1,
                json!({"step1": {"action": "accept", "content": {"name": "A"}}}),
            ),
            &all,
        )
        .unwrap();
    let (k2, _, _) = only_question(&r2);
    assert_eq!(k2, "step2");
    let r3 = d
        .stateless(
            "tools/call",
            retry(
                &p,
                &r2,
                json!({"step2": {"action": "accept", "content": {"color": "red"}}}),
            ),
            &all,
        )
        .unwrap();
    assert_eq!(first_text(&r3), "done: red");
    // The upstream's own integrity check still applies behind the gateway.
    let mut bad = retry(
        &p,
        &r2,
        json!({"step2": {"action": "accept", "content": {"color": "red"}}}),
    );
    bad["requestState"] = json!("step2.forged");
    let e = d.stateless("tools/call", bad, &all).unwrap_err();
    assert_eq!(e["code"], -32602, "{e}");
    drop(d);

    // A 2025-11-25 client of the gateway is asked in its own way: the gateway answers the
    // upstream's rounds with the client's answers to its requests.
    let mut d = Driver::start_with(
        {
            let mut c = gw.env.cmd();
            c.args(gw.serve_argv());
            c
        },
        json!({"elicitation": {}}),
    );
    let id = d.call(
        "modern__test_input_required_result_request_state",
        json!({}),
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    let ask = loop {
        if let Some(i) = d
            .seen
            .iter()
            .position(|m| m["method"] == "elicitation/create")
        {
            break d.seen.remove(i);
        }
        match d
            .rx
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            Ok(m) => d.seen.push(m),
            Err(_) => panic!("no elicitation/create reached the client: {:?}", d.seen),
        }
    };
    assert_eq!(ask["params"]["message"], "Please confirm");
    d.write(&json!({"jsonrpc": "2.0", "id": ask["id"], "result": {"action": "accept", "content": {"ok": true}}}));
    assert_eq!(d.text(id, Duration::from_secs(30)), "state-ok: confirmed");
}

/// A session over HTTP (2025-11-25): `initialize` with `capabilities`, then posts.
struct HttpSession {
    http: reqwest::Client,
    url: String,
    id: String,
}

impl HttpSession {
    async fn open(url: &str, capabilities: Value) -> HttpSession {
        let http = reqwest::Client::new();
        let resp = http
            .post(url)
            .header("accept", "application/json, text/event-stream")
            .json(
                &json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
                "protocolVersion": "2025-11-25", "capabilities": capabilities,
                "clientInfo": {"name": "session", "version": "1"}}}),
            )
            .send()
            .await
            .unwrap();
        let id = resp.headers()["mcp-session-id"]
            .to_str()
            .unwrap()
            .to_string();
        let s = HttpSession {
            http,
            url: url.to_string(),
            id,
        };
        s.post(json!({"jsonrpc": "2.0", "method": "notifications/initialized"}))
            .await;
        s
    }

    /// The whole body of the answer (JSON, or the SSE stream up to its end).
    async fn post(&self, body: Value) -> String {
        self.http
            .post(&self.url)
            .header("accept", "application/json, text/event-stream")
            .header("mcp-session-id", &self.id)
            .header("mcp-protocol-version", "2025-11-25")
            .json(&body)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }
}

#[test]
fn an_upstreams_question_during_a_call_never_reaches_another_client() {
    let gw = Gw::new(
        json!({
            "asks": {"command": "node", "args": [asks_js()]},
            "faults": {"command": "node", "args": [faults_js()]},
        }),
        json!({}),
        &["--no-record"],
    );
    let http = HttpGw::start(&gw, None);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        // B can answer sampling and has a call in flight (its stream is open).
        let b = HttpSession::open(&http.url, json!({"sampling": {}})).await;
        let a = HttpSession::open(&http.url, json!({})).await;
        let b_call = tokio::spawn(async move {
            b.post(json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                          "params": {"name": "faults__slow", "arguments": {"ms": 3000}}}))
                .await
        });
        tokio::time::sleep(Duration::from_millis(500)).await;
        // A cannot: the question of A's call is refused for A, not sent to B.
        let a_answer = tokio::time::timeout(
            Duration::from_secs(20),
            a.post(json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                          "params": {"name": "asks__test_input_required_result_sampling", "arguments": {}}})),
        )
        .await
        .expect("A's call is answered (not left waiting for another client)");
        assert!(
            a_answer.contains("did not declare the `sampling` capability"),
            "{a_answer}"
        );
        let b_stream = b_call.await.unwrap();
        assert!(b_stream.contains("slow done"), "{b_stream}");
        assert!(
            !b_stream.contains("sampling/createMessage"),
            "A's question reached B: {b_stream}"
        );
    });
}

#[test]
fn an_http_upstreams_question_on_its_own_stream_reaches_the_client() {
    use std::os::unix::process::CommandExt;
    let mut fake = Command::new("node")
        .arg(repo_root().join("tests/servers/fake-http.js"))
        .process_group(0)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut port = String::new();
    BufReader::new(fake.stdout.take().unwrap())
        .read_line(&mut port)
        .unwrap();
    let _ends = Ends(fake);
    let url = format!("http://127.0.0.1:{}/mcp", port.trim());
    let gw = Gw::new(json!({"fh": {"type": "http", "url": url}}), json!({}), &[]);
    let mut cmd = gw.env.cmd();
    cmd.args(gw.serve_argv());
    let mut d = Driver::start_with(cmd, json!({"elicitation": {}}));
    let id = d.call("fh__stream_ask", json!({}));
    let deadline = Instant::now() + Duration::from_secs(30);
    let ask = loop {
        if let Some(i) = d
            .seen
            .iter()
            .position(|m| m["method"] == "elicitation/create")
        {
            break d.seen.remove(i);
        }
        match d
            .rx
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            Ok(m) if m["id"] == json!(id) => panic!("answered without asking: {}", short(&m)),
            Ok(m) => d.seen.push(m),
            Err(_) => panic!("no elicitation/create reached the client: {:?}", d.seen),
        }
    };
    assert_eq!(ask["params"]["message"], "Asked on the GET stream");
    d.write(&json!({"jsonrpc": "2.0", "id": ask["id"], "result": {"action": "accept", "content": {"ok": true}}}));
    let text = d.text(id, Duration::from_secs(30));
    assert_eq!(text, r#"{"action":"accept","content":{"ok":true}}"#);
}

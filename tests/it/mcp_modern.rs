//! MCP 2026-07-28 as a client: `server/discover` first over HTTP and `initialize` for the servers
//! that answer as older ones do; `_meta`, `Mcp-Method`/`Mcp-Name`/`Mcp-Param-*` on every request;
//! `input_required` answered by a retry with `inputResponses`; the caching hints and the protocol
//! kept in `.mcp.tools.json`. Against `tests/servers/fake-http.js modern` (2026-07-28 only), the
//! same script without `modern` (2025-11-25 only) and the gateway (`aimcp mcp serve --http`).

use std::io::BufRead;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aimcp::config::{EnvResolver, Server, Transport};
use aimcp::mcp::{self, BoxFuture, ConnectOptions, Handler, RpcFailure};
use serde_json::{Map, Value, json};

use crate::common::{TestEnv, repo_root};

/// `fake-http.js` on a free port; ended (and reaped) when dropped.
struct Fake {
    child: Child,
    url: String,
}

impl Fake {
    fn start(mode: Option<&str>) -> Fake {
        let mut cmd = Command::new("node");
        cmd.arg(repo_root().join("tests/servers/fake-http.js"));
        if let Some(m) = mode {
            cmd.arg(m);
        }
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut port = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut port)
            .unwrap();
        Fake {
            child,
            url: format!("http://127.0.0.1:{}/mcp", port.trim()),
        }
    }
}

impl Drop for Fake {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn run<F: std::future::Future>(fut: F) -> F::Output {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
        .block_on(fut)
}

fn options() -> ConnectOptions {
    ConnectOptions::new(std::env::temp_dir(), Duration::from_secs(20))
}

fn text(result: &Value) -> Value {
    let t = result["content"][0]["text"].as_str().unwrap_or_default();
    serde_json::from_str(t).unwrap_or(Value::String(t.to_string()))
}

/// Answers every elicitation by accepting the schema's defaults; records what it was asked.
#[derive(Default)]
struct Defaults {
    asked: Mutex<Vec<(String, Value)>>,
}

impl Handler for Defaults {
    fn request(
        &self,
        method: &str,
        params: Value,
    ) -> BoxFuture<'static, Result<Value, RpcFailure>> {
        self.asked
            .lock()
            .unwrap()
            .push((method.to_string(), params.clone()));
        let mut content = Map::new();
        if let Some(Value::Object(props)) = params["requestedSchema"].get("properties") {
            for (k, p) in props {
                if let Some(d) = p.get("default") {
                    content.insert(k.clone(), d.clone());
                }
            }
        }
        Box::pin(async move { Ok(json!({"action": "accept", "content": content})) })
    }
}

#[test]
fn a_2026_07_28_server_is_spoken_to_without_initialize_with_meta_and_headers() {
    let fake = Fake::start(Some("modern"));
    let handler = Arc::new(Defaults::default());
    run(async {
        let s = Server::remote("modern", Transport::Http, fake.url.clone());
        let opts = options().with_handler(handler.clone());
        let session = mcp::connect(&s, &EnvResolver::environment_only(), &opts)
            .await
            .unwrap_or_else(|e| panic!("{}", e.full()));
        assert_eq!(session.protocol_version, "2026-07-28");
        assert!(session.is_modern());
        assert_eq!(session.server_info["name"], "fake-modern");
        // The server refuses a request without `_meta` or with headers that do not match it.
        let tools = session.list_tools().await.unwrap();
        let names: Vec<_> = tools.iter().map(|t| t["name"].as_str().unwrap()).collect();
        // `broken` has an `x-mcp-header` on an object: left out, as the revision says.
        assert_eq!(names, ["headers", "ask", "schema"]);
        assert_eq!(
            session.cache_hints("tools/list"),
            Some(json!({"ttlMs": 60000, "cacheScope": "public"}))
        );
        // A 2020-12 schema is kept as sent: `$schema`, `$defs` and `$ref` untouched.
        let schema = &tools[2]["inputSchema"];
        assert_eq!(
            schema["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
        assert_eq!(schema["properties"]["id"], json!({"$ref": "#/$defs/id"}));
        assert_eq!(schema["$defs"]["id"]["pattern"], "^[a-z]+$");

        let args = json!({"region": "Hello, 世界", "count": 42, "note": "not mirrored"});
        let seen = text(
            &session
                .call_tool("headers", args.as_object().cloned().unwrap())
                .await
                .unwrap(),
        );
        assert_eq!(seen["mcp-method"], "tools/call");
        assert_eq!(seen["mcp-name"], "headers");
        assert_eq!(seen["mcp-protocol-version"], "2026-07-28");
        assert_eq!(seen["mcp-param-region"], "=?base64?SGVsbG8sIOS4lueVjA==?=");
        assert_eq!(seen["mcp-param-count"], "42");
        assert!(seen.get("mcp-param-note").is_none(), "{seen}");
        assert!(seen.get("mcp-session-id").is_none(), "{seen}");

        // `input_required`: the handler answers, the request is sent again (a new id) with
        // `inputResponses` and the `requestState` as it came.
        let answer = text(&session.call_tool("ask", Map::new()).await.unwrap());
        assert_eq!(
            answer["inputResponses"],
            json!({"who": {"action": "accept", "content": {"name": "octocat", "admin": false}}})
        );
        assert_eq!(answer["requestState"], "opaque-state-1");
        let asked = handler.asked.lock().unwrap().clone();
        assert_eq!(asked.len(), 1);
        assert_eq!(asked[0].0, "elicitation/create");
        assert_eq!(asked[0].1["message"], "Who are you?");
        // A tool that is left out is never called.
        let err = session.call_tool("broken", Map::new()).await.unwrap_err();
        assert!(
            err.message.contains("not in the server's list"),
            "{}",
            err.message
        );
        session.shutdown().await;
    });
}

#[test]
fn without_a_handler_an_elicitation_is_declined() {
    let fake = Fake::start(Some("modern"));
    run(async {
        let s = Server::remote("modern", Transport::Http, fake.url.clone());
        let session = mcp::connect(&s, &EnvResolver::environment_only(), &options())
            .await
            .unwrap();
        let answer = text(&session.call_tool("ask", Map::new()).await.unwrap());
        assert_eq!(
            answer["inputResponses"],
            json!({"who": {"action": "decline"}})
        );
        session.shutdown().await;
    });
}

#[test]
fn an_older_server_falls_back_to_initialize() {
    let fake = Fake::start(None);
    run(async {
        let s = Server::remote("legacy", Transport::Http, fake.url.clone());
        let session = mcp::connect(&s, &EnvResolver::environment_only(), &options())
            .await
            .unwrap_or_else(|e| panic!("{}", e.full()));
        assert_eq!(session.protocol_version, "2025-11-25");
        assert!(!session.is_modern());
        let r = session
            .call_tool("echo", json!({"tag": "old"}).as_object().cloned().unwrap())
            .await
            .unwrap();
        assert_eq!(text(&r), "old");
        session.shutdown().await;
    });
}

/// An older server that fails on `server/discover` with an HTTP 500 (it does not know the
/// method) is an older server: `initialize` follows, and `mcp call` works.
#[test]
fn an_older_server_that_answers_server_discover_with_a_500_falls_back_to_initialize() {
    let fake = Fake::start(Some("discover-500"));
    run(async {
        let s = Server::remote("legacy", Transport::Http, fake.url.clone());
        let session = mcp::connect(&s, &EnvResolver::environment_only(), &options())
            .await
            .unwrap_or_else(|e| panic!("{}", e.full()));
        assert_eq!(session.protocol_version, "2025-11-25");
        assert!(!session.is_modern());
        session.shutdown().await;
    });
    let env = TestEnv::new();
    env.run(&["mcp", "add", "legacy", &fake.url]).assert_code(0);
    let out = env.run(&[
        "mcp",
        "call",
        "legacy",
        "echo",
        "--args",
        r#"{"tag": "after a 500"}"#,
    ]);
    out.assert_code(0);
    assert!(out.stdout.contains("after a 500"), "{}", out.stdout);
}

#[test]
fn mcp_test_and_discover_record_the_protocol_and_the_caching_hints() {
    let fake = Fake::start(Some("modern"));
    let env = TestEnv::new();
    env.run(&["mcp", "add", "modern", &fake.url]).assert_code(0);
    let out = env.run(&["--json", "mcp", "test", "modern"]);
    out.assert_code(0);
    let doc = out.json();
    assert_eq!(doc["results"][0]["protocol_version"], "2026-07-28", "{doc}");
    assert_eq!(doc["results"][0]["server"]["name"], "fake-modern", "{doc}");
    env.run(&["mcp", "discover", "modern"]).assert_code(0);
    let tools: Value = serde_json::from_str(&env.read(".mcp.tools.json")).unwrap();
    let entry = &tools["modern"];
    assert_eq!(entry["protocol_version"], "2026-07-28");
    assert_eq!(
        entry["cache"]["tools/list"],
        json!({"ttlMs": 60000, "cacheScope": "public"})
    );
    // Kept as sent: the 2020-12 keywords of `schema`.
    let schema = entry["tools"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "schema")
        .unwrap();
    assert_eq!(schema["inputSchema"]["$defs"]["id"]["type"], "string");
    let out = env.run(&["mcp", "call", "modern", "ask"]);
    out.assert_code(0);
    // No terminal: the elicitation is declined, and stderr says so.
    assert!(out.stdout.contains(r#""decline""#), "{}", out.stdout);
    assert!(out.stderr.contains("declined"), "{}", out.stderr);
}

#[test]
fn the_gateway_is_reached_with_2026_07_28() {
    use crate::common::servers::fake_js;
    let env = TestEnv::new();
    let fake = fake_js().to_string_lossy().into_owned();
    env.run(&["mcp", "add", "up", "--", "node", &fake])
        .assert_code(0);
    let mut gateway = env
        .cmd()
        .args(["mcp", "serve", "--http", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let url = {
        let mut line = String::new();
        let mut err = std::io::BufReader::new(gateway.stderr.take().unwrap());
        let mut found = None;
        for _ in 0..50 {
            line.clear();
            if err.read_line(&mut line).unwrap_or(0) == 0 {
                break;
            }
            if let Some(i) = line.find("http://") {
                found = Some(line[i..].split_whitespace().next().unwrap().to_string());
                break;
            }
        }
        found.unwrap_or_else(|| panic!("the gateway printed no URL"))
    };
    let out = env.run(&["--json", "mcp", "test", "--url", &url]);
    let _ = gateway.kill();
    let _ = gateway.wait();
    out.assert_code(0);
    assert_eq!(out.json()["results"][0]["protocol_version"], "2026-07-28");
}

/// At a terminal the server's questions are asked; Esc answers `cancel` and the call goes on,
/// Ctrl-C stops it with exit 130.
#[cfg(unix)]
#[test]
fn at_a_terminal_esc_at_a_question_answers_cancel_and_ctrl_c_exits_130() {
    use expectrl::process::unix::WaitStatus;
    use expectrl::{Eof, Expect, Session};

    let fake = Fake::start(Some("modern"));
    let env = TestEnv::new();
    env.run(&["mcp", "add", "modern", &fake.url]).assert_code(0);
    let exit = |key: &str, then: Option<&str>| {
        let mut s = Session::spawn(env.pty_cmd(&["mcp", "call", "modern", "ask"])).unwrap();
        s.get_process_mut().set_window_size(100, 40).unwrap();
        s.set_expect_timeout(Some(Duration::from_secs(60)));
        s.expect("Who are you?").unwrap();
        s.expect("Answer it?").unwrap();
        s.send(key).unwrap();
        if let Some(text) = then {
            s.expect(text).unwrap();
        }
        s.expect(Eof).unwrap();
        match s.get_process().wait().unwrap() {
            WaitStatus::Exited(_, code) => code,
            other => panic!("not a normal exit: {other:?}"),
        }
    };
    // The server got `cancel` and answered the call.
    assert_eq!(exit("\x1b", Some(r#""cancel""#)), 0);
    assert_eq!(exit("\x03", None), 130);
}

//! The gateway's front (`aimcp::gateway::front`) serving a small `Service` of its own: over
//! stdio (a byte-stream pair, raw JSON-RPC lines) and over Streamable HTTP on `127.0.0.1:0`
//! (aimcp's own client, the binary's `mcp test --url`, and raw requests for the edges).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aimcp::gateway::front;
use aimcp::gateway::service::{Answer, BoxFuture, ClientInfo, Clients, Peer, RpcFailure, Service};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, DuplexStream, Lines};

// ---- the service ---------------------------------------------------------------------------

/// Tools: `echo {text}`, `slow {ms}` (counts the calls dropped before their end), `progress`
/// (three progress notifications, then the answer), `roots` (asks the client `roots/list`),
/// `log` (one `notifications/message`), `whoami` (the `ClientInfo` it was given), `fail` (a
/// JSON-RPC error with code 12345 and data).
#[derive(Default)]
struct TestService {
    dropped: Arc<AtomicUsize>,
    /// `slow` calls that have begun.
    started: Arc<AtomicUsize>,
    notifications: Mutex<Vec<(String, Value)>>,
    clients: Mutex<Option<Arc<dyn Clients>>>,
}

struct CountDrop(Arc<AtomicUsize>, bool);

impl Drop for CountDrop {
    fn drop(&mut self) {
        if !self.1 {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
}

fn text_result(text: impl Into<String>) -> Answer {
    Ok(json!({"content": [{"type": "text", "text": text.into()}]}))
}

impl TestService {
    fn arc() -> Arc<TestService> {
        Arc::new(TestService::default())
    }

    fn notify_all(&self, method: &str, params: Value) {
        let clients = self.clients.lock().unwrap().clone();
        clients.expect("attached").notify_all(method, params);
    }
}

impl Service for TestService {
    fn server_info(&self) -> Value {
        json!({"name": "test-gateway", "version": "1.2.3"})
    }

    fn capabilities(&self) -> Value {
        json!({"tools": {"listChanged": true}})
    }

    fn instructions(&self) -> Option<String> {
        Some("use the echo tool".into())
    }

    fn attach(&self, clients: Arc<dyn Clients>) {
        *self.clients.lock().unwrap() = Some(clients);
    }

    fn request(
        &self,
        peer: Arc<dyn Peer>,
        method: String,
        params: Value,
    ) -> BoxFuture<'static, Answer> {
        let dropped = self.dropped.clone();
        let started = self.started.clone();
        Box::pin(async move {
            match method.as_str() {
                "tools/list" => Ok(json!({"tools": [
                    {"name": "echo", "inputSchema": {"type": "object", "properties": {"text": {"type": "string"}}}},
                    {"name": "slow", "inputSchema": {"type": "object"}},
                ]})),
                "tools/call" => {
                    let args = &params["arguments"];
                    match params["name"].as_str().unwrap_or("") {
                        "echo" => text_result(args["text"].as_str().unwrap_or("")),
                        "slow" => {
                            let mut guard = CountDrop(dropped, false);
                            started.fetch_add(1, Ordering::SeqCst);
                            let ms = args["ms"].as_u64().unwrap_or(100);
                            tokio::time::sleep(Duration::from_millis(ms)).await;
                            guard.1 = true;
                            text_result(format!("slept {ms}"))
                        }
                        "progress" => {
                            let token = params["_meta"]["progressToken"].clone();
                            for i in 1..=3 {
                                peer.notify(
                                    "notifications/progress",
                                    json!({"progressToken": token, "progress": i, "total": 3}),
                                );
                                tokio::time::sleep(Duration::from_millis(20)).await;
                            }
                            text_result("done")
                        }
                        "roots" => match peer
                            .request("roots/list", json!({"_meta": {"tag": args["tag"]}}))
                            .await
                        {
                            Ok(r) => text_result(r.to_string()),
                            Err(e) => Err(e),
                        },
                        "log" => {
                            peer.notify(
                                "notifications/message",
                                json!({"level": "info", "data": "hello"}),
                            );
                            text_result("logged")
                        }
                        "whoami" => {
                            let c: &ClientInfo = peer.client();
                            Ok(json!({"content": [], "structuredContent": {
                                "name": c.name, "version": c.version,
                                "protocol_version": c.protocol_version,
                                "capabilities": c.capabilities,
                            }}))
                        }
                        "fail" => Err(RpcFailure {
                            code: 12345,
                            message: "it failed".into(),
                            data: Some(json!({"why": "asked to"})),
                        }),
                        other => Err(RpcFailure {
                            code: -32602,
                            message: format!("unknown tool `{other}`"),
                            data: None,
                        }),
                    }
                }
                _ => Err(RpcFailure {
                    code: -32601,
                    message: format!("no method `{method}`"),
                    data: None,
                }),
            }
        })
    }

    fn notification(&self, _peer: Arc<dyn Peer>, method: String, params: Value) {
        self.notifications.lock().unwrap().push((method, params));
    }

    fn metrics(&self) -> String {
        "# TYPE mcp_tool_calls_total counter\nmcp_tool_calls_total 3\n".into()
    }

    fn health(&self) -> (u16, Value) {
        (503, json!({"down": ["github"]}))
    }
}

// ---- stdio ---------------------------------------------------------------------------------

/// A client at the other end of `serve_stdio`: writes lines, reads lines.
struct Wire {
    w: Option<DuplexStream>,
    lines: Lines<BufReader<DuplexStream>>,
    served: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl Wire {
    fn start(service: Arc<TestService>) -> Wire {
        let (w, server_in) = tokio::io::duplex(1 << 20);
        let (server_out, r) = tokio::io::duplex(1 << 20);
        let served = tokio::spawn(front::serve_stdio(service, server_in, server_out));
        Wire {
            w: Some(w),
            lines: BufReader::new(r).lines(),
            served,
        }
    }

    async fn raw(&mut self, text: &str) {
        let w = self.w.as_mut().unwrap();
        w.write_all(text.as_bytes()).await.unwrap();
        w.write_all(b"\n").await.unwrap();
    }

    async fn send(&mut self, msg: Value) {
        self.raw(&msg.to_string()).await;
    }

    async fn request(&mut self, id: Value, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
            .await;
    }

    async fn call(&mut self, id: u64, tool: &str, args: Value) {
        self.request(
            json!(id),
            "tools/call",
            json!({"name": tool, "arguments": args}),
        )
        .await;
    }

    /// The next line, within 5 s.
    async fn recv(&mut self) -> Value {
        let line = tokio::time::timeout(Duration::from_secs(5), self.lines.next_line())
            .await
            .expect("a message within 5 s")
            .unwrap()
            .expect("a line, not the end");
        serde_json::from_str(&line).unwrap()
    }

    /// Nothing arrives for `ms`.
    async fn silent(&mut self, ms: u64) {
        if let Ok(line) =
            tokio::time::timeout(Duration::from_millis(ms), self.lines.next_line()).await
        {
            panic!("expected nothing, got {line:?}");
        }
    }

    async fn initialize(&mut self, version: &str, capabilities: Value) -> Value {
        self.request(
            json!(0),
            "initialize",
            json!({"protocolVersion": version, "capabilities": capabilities,
                   "clientInfo": {"name": "wire-test", "version": "0.1"}}),
        )
        .await;
        let answer = self.recv().await;
        self.send(json!({"jsonrpc": "2.0", "method": "notifications/initialized"}))
            .await;
        answer
    }

    /// Closes stdin; `serve_stdio` must return.
    async fn close(self) -> anyhow::Result<()> {
        drop(self.w);
        tokio::time::timeout(Duration::from_secs(5), self.served)
            .await
            .expect("serve_stdio returns at stdin's end")
            .unwrap()
    }
}

fn modern_meta(extra: Value) -> Value {
    let mut meta = json!({
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientCapabilities": {},
        "io.modelcontextprotocol/clientInfo": {"name": "stateless-client", "version": "9"},
    });
    for (k, v) in extra.as_object().unwrap() {
        meta[k] = v.clone();
    }
    meta
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stdio_initialize_negotiates_the_version_and_ping_answers() {
    let mut wire = Wire::start(TestService::arc());
    let init = wire.initialize("2025-11-25", json!({})).await;
    assert_eq!(
        init,
        json!({"jsonrpc": "2.0", "id": 0, "result": {
            "protocolVersion": "2025-11-25",
            "capabilities": {"tools": {"listChanged": true}},
            "serverInfo": {"name": "test-gateway", "version": "1.2.3"},
            "instructions": "use the echo tool",
        }})
    );
    wire.request(json!("p"), "ping", json!({})).await;
    assert_eq!(
        wire.recv().await,
        json!({"jsonrpc": "2.0", "id": "p", "result": {}})
    );
    // An older version aimcp knows is kept; an unknown one gets the newest.
    for (asked, got) in [("2024-11-05", "2024-11-05"), ("2099-01-01", "2025-11-25")] {
        let mut wire = Wire::start(TestService::arc());
        let init = wire.initialize(asked, json!({})).await;
        assert_eq!(init["result"]["protocolVersion"], got, "asked {asked}");
    }
    wire.close().await.unwrap();
}

/// 2025-11-25's lifecycle: nothing but `ping` before `initialize`, and one `initialize` a
/// session (both used to be accepted).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stdio_the_lifecycle_is_initialize_once_then_requests() {
    let mut wire = Wire::start(TestService::arc());
    wire.request(json!(1), "tools/list", json!({})).await;
    let m = wire.recv().await;
    assert_eq!(m["id"], 1);
    assert_eq!(m["error"]["code"], -32600, "{m}");
    assert!(
        m["error"]["message"]
            .as_str()
            .unwrap()
            .contains("before `initialize`"),
        "{m}"
    );
    wire.request(json!(2), "ping", json!({})).await;
    assert_eq!(
        wire.recv().await,
        json!({"jsonrpc": "2.0", "id": 2, "result": {}})
    );
    let init = wire.initialize("2025-11-25", json!({})).await;
    assert_eq!(init["result"]["protocolVersion"], "2025-11-25");
    wire.request(
        json!(3),
        "initialize",
        json!({"protocolVersion": "2025-11-25", "capabilities": {},
               "clientInfo": {"name": "again", "version": "1"}}),
    )
    .await;
    let m = wire.recv().await;
    assert_eq!(
        (m["id"].clone(), m["error"]["code"].clone()),
        (json!(3), json!(-32600)),
        "{m}"
    );
    wire.request(json!(4), "tools/list", json!({})).await;
    let m = wire.recv().await;
    assert_eq!(m["id"], 4);
    assert!(m["result"]["tools"].is_array(), "{m}");
    wire.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stdio_sixteen_requests_are_in_flight_at_once_and_answered_as_they_complete() {
    let mut wire = Wire::start(TestService::arc());
    wire.initialize("2025-11-25", json!({})).await;
    let start = Instant::now();
    // The first sent sleeps longest: one at a time they would take 16 × ~400 ms and come back
    // in order; at once they take ~800 ms and come back in reverse.
    for i in 0..16u64 {
        wire.call(100 + i, "slow", json!({"ms": 800 - i * 40}))
            .await;
    }
    let mut order = Vec::new();
    for _ in 0..16 {
        let m = wire.recv().await;
        assert_eq!(
            m["result"]["content"][0]["text"],
            format!("slept {}", 800 - (m["id"].as_u64().unwrap() - 100) * 40)
        );
        order.push(m["id"].as_u64().unwrap());
    }
    let took = start.elapsed();
    assert!(took < Duration::from_millis(2500), "took {took:?}");
    assert_eq!(order, (100..116).rev().collect::<Vec<_>>());
    wire.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stdio_cancelled_request_is_dropped_and_never_answered() {
    let service = TestService::arc();
    let mut wire = Wire::start(service.clone());
    wire.initialize("2025-11-25", json!({})).await;
    wire.call(7, "slow", json!({"ms": 10_000})).await;
    wire.call(8, "slow", json!({"ms": 300})).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    wire.send(
        json!({"jsonrpc": "2.0", "method": "notifications/cancelled",
                     "params": {"requestId": 7, "reason": "user pressed Esc"}}),
    )
    .await;
    // A cancel for a string id "8" is another request's: 8 still answers.
    wire.send(
        json!({"jsonrpc": "2.0", "method": "notifications/cancelled",
                     "params": {"requestId": "8"}}),
    )
    .await;
    let m = wire.recv().await;
    assert_eq!(m["id"], 8);
    assert_eq!(m["result"]["content"][0]["text"], "slept 300");
    wire.silent(300).await;
    assert_eq!(
        service.dropped.load(Ordering::SeqCst),
        1,
        "the future of 7 dropped"
    );
    // The id is free again.
    wire.call(7, "echo", json!({"text": "again"})).await;
    assert_eq!(wire.recv().await["result"]["content"][0]["text"], "again");
    wire.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stdio_garbage_is_answered_with_json_rpc_errors_and_the_line_after_works() {
    let mut wire = Wire::start(TestService::arc());
    wire.initialize("2025-11-25", json!({})).await;
    wire.raw("this is not json").await;
    let m = wire.recv().await;
    assert_eq!(m["id"], Value::Null);
    assert_eq!(m["error"]["code"], -32700);
    wire.raw(r#"{"jsonrpc":"2.0","id":3}"#).await;
    let m = wire.recv().await;
    assert_eq!(
        (m["id"].clone(), m["error"]["code"].clone()),
        (json!(3), json!(-32600))
    );
    wire.raw(r#"{"jsonrpc":"1.0","id":"x","method":"ping"}"#)
        .await;
    let m = wire.recv().await;
    assert_eq!(
        (m["id"].clone(), m["error"]["code"].clone()),
        (json!("x"), json!(-32600))
    );
    wire.raw(r#"{"jsonrpc":"2.0","id":4,"method":"tools/call","params":[1]}"#)
        .await;
    assert_eq!(wire.recv().await["error"]["code"], -32600);
    wire.raw("").await; // blank lines are skipped
    // A line over the cap (32 MiB) is refused whole, and the next one is read.
    let huge = format!(
        r#"{{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{{"name":"echo","arguments":{{"text":"{}"}}}}}}"#,
        "x".repeat(aimcp::mcp::MAX_MESSAGE + 10)
    );
    let mut w = wire.w.take().unwrap();
    let writer = tokio::spawn(async move {
        w.write_all(huge.as_bytes()).await.unwrap();
        w.write_all(b"\n").await.unwrap();
        w
    });
    let m = wire.recv().await;
    assert_eq!(
        (m["id"].clone(), m["error"]["code"].clone()),
        (Value::Null, json!(-32600))
    );
    assert!(
        m["error"]["message"].as_str().unwrap().contains("32 MiB"),
        "{m}"
    );
    wire.w = Some(writer.await.unwrap());
    wire.call(6, "echo", json!({"text": "still here"})).await;
    assert_eq!(
        wire.recv().await["result"]["content"][0]["text"],
        "still here"
    );
    wire.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stdio_errors_pass_through_with_their_code_and_data() {
    let mut wire = Wire::start(TestService::arc());
    wire.initialize("2025-11-25", json!({})).await;
    wire.call(1, "fail", json!({})).await;
    assert_eq!(
        wire.recv().await,
        json!({"jsonrpc": "2.0", "id": 1,
               "error": {"code": 12345, "message": "it failed", "data": {"why": "asked to"}}})
    );
    wire.request(json!(2), "no/such", json!({})).await;
    assert_eq!(wire.recv().await["error"]["code"], -32601);
    // A second request with the id of one in flight is refused; the first still answers.
    wire.call(3, "slow", json!({"ms": 300})).await;
    wire.call(3, "echo", json!({"text": "dup"})).await;
    let m = wire.recv().await;
    assert_eq!(
        (m["id"].clone(), m["error"]["code"].clone()),
        (json!(3), json!(-32600))
    );
    assert_eq!(
        wire.recv().await["result"]["content"][0]["text"],
        "slept 300"
    );
    wire.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stdio_batches_are_refused_in_2025_11_25_and_answered_as_one_array_in_2025_03_26() {
    let batch = json!([
        {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "slow", "arguments": {"ms": 200}}},
        {"jsonrpc": "2.0", "id": 2, "method": "ping"},
        {"jsonrpc": "2.0", "method": "notifications/roots/list_changed"},
    ]);
    let mut wire = Wire::start(TestService::arc());
    wire.initialize("2025-11-25", json!({})).await;
    wire.send(batch.clone()).await;
    let m = wire.recv().await;
    assert_eq!(
        (m["id"].clone(), m["error"]["code"].clone()),
        (Value::Null, json!(-32600))
    );
    wire.close().await.unwrap();

    let service = TestService::arc();
    let mut wire = Wire::start(service.clone());
    wire.initialize("2025-03-26", json!({})).await;
    wire.send(batch).await;
    assert_eq!(
        wire.recv().await,
        json!([
            {"jsonrpc": "2.0", "id": 1, "result": {"content": [{"type": "text", "text": "slept 200"}]}},
            {"jsonrpc": "2.0", "id": 2, "result": {}},
        ])
    );
    assert_eq!(
        service.notifications.lock().unwrap().clone(),
        [("notifications/roots/list_changed".to_string(), json!({}))]
    );
    wire.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stdio_progress_arrives_before_the_answer_and_notify_all_reaches_the_client() {
    let service = TestService::arc();
    let mut wire = Wire::start(service.clone());
    wire.initialize("2025-11-25", json!({})).await;
    wire.request(
        json!(1),
        "tools/call",
        json!({"name": "progress", "arguments": {}, "_meta": {"progressToken": "tok"}}),
    )
    .await;
    for i in 1..=3 {
        assert_eq!(
            wire.recv().await,
            json!({"jsonrpc": "2.0", "method": "notifications/progress",
                   "params": {"progressToken": "tok", "progress": i, "total": 3}})
        );
    }
    assert_eq!(wire.recv().await["result"]["content"][0]["text"], "done");
    service.notify_all("notifications/tools/list_changed", json!({}));
    assert_eq!(
        wire.recv().await,
        json!({"jsonrpc": "2.0", "method": "notifications/tools/list_changed", "params": {}})
    );
    wire.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stdio_a_request_to_the_client_gets_its_own_id_and_the_answer_is_routed_back() {
    let mut wire = Wire::start(TestService::arc());
    wire.initialize("2025-11-25", json!({"roots": {"listChanged": true}}))
        .await;
    wire.call(1, "roots", json!({"tag": "one"})).await;
    wire.call(2, "roots", json!({"tag": "two"})).await;
    let a = wire.recv().await;
    let b = wire.recv().await;
    assert_eq!(
        (a["method"].clone(), b["method"].clone()),
        (json!("roots/list"), json!("roots/list"))
    );
    assert_ne!(a["id"], b["id"]);
    // Answered in the other order, each reaches its own call.
    for req in [&b, &a] {
        let root = format!(
            "file:///{}",
            req["params"]["_meta"]["tag"].as_str().unwrap()
        );
        wire.send(json!({"jsonrpc": "2.0", "id": req["id"], "result": {"roots": [{"uri": root}]}}))
            .await;
    }
    let mut got = [wire.recv().await, wire.recv().await];
    got.sort_by_key(|m| m["id"].as_u64());
    let text = |m: &Value| {
        m["result"]["content"][0]["text"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(text(&got[0]), r#"{"roots":[{"uri":"file:///one"}]}"#);
    assert_eq!(text(&got[1]), r#"{"roots":[{"uri":"file:///two"}]}"#);
    // The client's error answer comes back as the error.
    wire.call(3, "roots", json!({})).await;
    let req = wire.recv().await;
    wire.send(json!({"jsonrpc": "2.0", "id": req["id"], "error": {"code": -32000, "message": "no roots here"}}))
        .await;
    assert_eq!(
        wire.recv().await["error"],
        json!({"code": -32000, "message": "no roots here"})
    );
    wire.close().await.unwrap();

    // A client without the `roots` capability is never asked.
    let mut wire = Wire::start(TestService::arc());
    wire.initialize("2025-11-25", json!({})).await;
    wire.call(1, "roots", json!({})).await;
    let m = wire.recv().await;
    assert_eq!(m["id"], 1);
    assert!(
        m["error"]["message"]
            .as_str()
            .unwrap()
            .contains("`roots` capability"),
        "{m}"
    );
    wire.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stdio_stateless_requests_carry_meta_and_server_discover_answers() {
    let mut wire = Wire::start(TestService::arc());
    // No initialize: each request says who it is.
    wire.request(
        json!(1),
        "server/discover",
        json!({"_meta": modern_meta(json!({}))}),
    )
    .await;
    let d = wire.recv().await["result"].clone();
    assert_eq!(d["resultType"], "complete");
    assert_eq!(
        d["supportedVersions"],
        json!([
            "2026-07-28",
            "2025-11-25",
            "2025-06-18",
            "2025-03-26",
            "2024-11-05"
        ])
    );
    assert_eq!(d["capabilities"], json!({"tools": {"listChanged": true}}));
    assert_eq!(
        d["_meta"]["io.modelcontextprotocol/serverInfo"]["name"],
        "test-gateway"
    );
    assert_eq!(d["instructions"], "use the echo tool");

    wire.request(
        json!(2),
        "tools/call",
        json!({"name": "whoami", "arguments": {}, "_meta": modern_meta(json!({"progressToken": 5}))}),
    )
    .await;
    let r = wire.recv().await["result"].clone();
    assert_eq!(
        r["structuredContent"],
        json!({"name": "stateless-client", "version": "9", "protocol_version": "2026-07-28", "capabilities": {}})
    );
    assert_eq!(r["resultType"], "complete");
    assert_eq!(
        r["_meta"]["io.modelcontextprotocol/serverInfo"]["version"],
        "1.2.3"
    );

    wire.request(
        json!(3),
        "tools/list",
        json!({"_meta": modern_meta(json!({}))}),
    )
    .await;
    let r = wire.recv().await["result"].clone();
    assert_eq!(
        (r["ttlMs"].clone(), r["cacheScope"].clone()),
        (json!(0), json!("private"))
    );

    // Without logLevel a stateless request gets no log messages; with it, it does.
    // (no _meta and no initialize: refused, see stdio_the_lifecycle_is_initialize_once_then_requests)
    wire.call(4, "log", json!({})).await;
    assert_eq!(wire.recv().await["error"]["code"], -32600);
    wire.request(
        json!(5),
        "tools/call",
        json!({"name": "log", "_meta": modern_meta(json!({}))}),
    )
    .await;
    assert_eq!(wire.recv().await["id"], 5);
    wire.request(
        json!(6),
        "tools/call",
        json!({"name": "log", "_meta": modern_meta(json!({"io.modelcontextprotocol/logLevel": "debug"}))}),
    )
    .await;
    assert_eq!(wire.recv().await["method"], "notifications/message");
    assert_eq!(wire.recv().await["id"], 6);

    // Bad _meta: missing capabilities is -32602, an unknown version -32022 with the list;
    // ping and initialize are not part of 2026-07-28; a stateless client cannot be asked.
    let mut meta = modern_meta(json!({}));
    meta.as_object_mut()
        .unwrap()
        .remove("io.modelcontextprotocol/clientCapabilities");
    wire.request(json!(7), "tools/list", json!({"_meta": meta}))
        .await;
    assert_eq!(wire.recv().await["error"]["code"], -32602);
    wire.request(
        json!(8),
        "tools/list",
        json!({"_meta": modern_meta(json!({"io.modelcontextprotocol/protocolVersion": "2030-01-01"}))}),
    )
    .await;
    let e = wire.recv().await["error"].clone();
    assert_eq!(e["code"], -32022);
    assert_eq!(e["data"]["requested"], "2030-01-01");
    assert_eq!(e["data"]["supported"][0], "2026-07-28");
    wire.request(json!(9), "ping", json!({"_meta": modern_meta(json!({}))}))
        .await;
    assert_eq!(wire.recv().await["error"]["code"], -32601);
    // A request to a stateless client becomes an `input_required` result, and the retry with
    // `inputResponses` and the gateway's `requestState` completes the call (SEP-2322).
    let caps = json!({"io.modelcontextprotocol/clientCapabilities": {"roots": {}}});
    wire.request(
        json!(10),
        "tools/call",
        json!({"name": "roots", "arguments": {"tag": "t1"}, "_meta": modern_meta(caps.clone())}),
    )
    .await;
    let m = wire.recv().await;
    assert_eq!(m["id"], 10);
    let r = &m["result"];
    assert_eq!(r["resultType"], "input_required", "{m}");
    let asks = r["inputRequests"].as_object().unwrap();
    assert_eq!(asks.len(), 1, "{m}");
    let (key, ask) = asks.iter().next().unwrap();
    assert_eq!(ask["method"], "roots/list");
    assert_eq!(ask["params"]["_meta"]["tag"], "t1");
    let state = r["requestState"].as_str().unwrap().to_string();
    wire.request(
        json!(11),
        "tools/call",
        json!({"name": "roots", "arguments": {"tag": "t1"}, "_meta": modern_meta(caps.clone()),
               "requestState": state, "inputResponses": {key.as_str(): {"roots": [{"uri": "file:///r"}]}}}),
    )
    .await;
    let m = wire.recv().await;
    assert_eq!(m["id"], 11);
    assert_eq!(m["result"]["resultType"], "complete", "{m}");
    assert!(
        m["result"]["content"][0]["text"]
            .as_str()
            .unwrap()
            .contains("file:///r"),
        "{m}"
    );
    // The state worked once: the same retry again is refused, as is one for another tool.
    wire.request(
        json!(12),
        "tools/call",
        json!({"name": "roots", "arguments": {}, "_meta": modern_meta(caps.clone()),
               "requestState": state, "inputResponses": {key.as_str(): {"roots": []}}}),
    )
    .await;
    let m = wire.recv().await;
    assert_eq!(m["error"]["code"], -32602, "{m}");
    // Without the capability, the client is never asked: the tool gets the refusal.
    wire.request(
        json!(13),
        "tools/call",
        json!({"name": "roots", "arguments": {}, "_meta": modern_meta(json!({}))}),
    )
    .await;
    let m = wire.recv().await;
    assert!(
        m["error"]["message"]
            .as_str()
            .unwrap()
            .contains("did not declare the `roots` capability"),
        "{m}"
    );
    wire.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stdio_at_stdin_end_requests_in_flight_are_answered_then_it_returns() {
    let mut wire = Wire::start(TestService::arc());
    wire.initialize("2025-11-25", json!({})).await;
    wire.call(1, "slow", json!({"ms": 200})).await;
    let Wire {
        w,
        mut lines,
        served,
    } = wire;
    drop(w);
    let line = tokio::time::timeout(Duration::from_secs(5), lines.next_line())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(line.contains("slept 200"), "{line}");
    tokio::time::timeout(Duration::from_secs(5), served)
        .await
        .expect("returns")
        .unwrap()
        .unwrap();
    // Nothing in flight: it returns without the 2 s grace (the bound is loose, as a busy CI
    // machine is slow; waiting for the grace would take 2 s or more).
    let mut wire = Wire::start(TestService::arc());
    wire.initialize("2025-11-25", json!({})).await;
    wire.call(1, "echo", json!({"text": "x"})).await;
    wire.recv().await;
    let start = Instant::now();
    wire.close().await.unwrap();
    assert!(
        start.elapsed() < Duration::from_millis(1500),
        "{:?}",
        start.elapsed()
    );
    // A call that would take too long is dropped after the grace, and it still returns.
    let service = TestService::arc();
    let mut wire = Wire::start(service.clone());
    wire.initialize("2025-11-25", json!({})).await;
    wire.call(1, "slow", json!({"ms": 60_000})).await;
    // (the call must be in flight, begun, when stdin ends: on a loaded machine it may not be yet)
    let deadline = Instant::now() + Duration::from_secs(10);
    while service.started.load(Ordering::SeqCst) == 0 {
        assert!(Instant::now() < deadline, "the slow call never began");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let start = Instant::now();
    wire.close().await.unwrap();
    assert!(start.elapsed() < Duration::from_secs(4));
    assert_eq!(service.dropped.load(Ordering::SeqCst), 1);
}

// ---- Streamable HTTP -----------------------------------------------------------------------

struct Http {
    base: String,
    service: Arc<TestService>,
    client: reqwest::Client,
    _served: tokio::task::JoinHandle<anyhow::Result<()>>,
}

const ACCEPT_BOTH: &str = "application/json, text/event-stream";

impl Http {
    async fn start(opts: front::HttpOptions) -> Http {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let service = TestService::arc();
        let served = tokio::spawn(front::serve_http(service.clone(), listener, opts));
        Http {
            base,
            service,
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()
                .unwrap(),
            _served: served,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn post(&self, session: Option<&str>, body: &Value) -> reqwest::RequestBuilder {
        let mut r = self
            .client
            .post(self.url("/mcp"))
            .header("accept", ACCEPT_BOTH)
            .header("content-type", "application/json")
            .body(body.to_string());
        if let Some(s) = session {
            r = r
                .header("mcp-session-id", s)
                .header("mcp-protocol-version", "2025-11-25");
        }
        r
    }

    /// `initialize` and `notifications/initialized`: the session id.
    async fn session(&self, capabilities: Value) -> String {
        let resp = self
            .post(
                None,
                &json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
                    "protocolVersion": "2025-11-25", "capabilities": capabilities,
                    "clientInfo": {"name": "http-test", "version": "1"}}}),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        let id = resp.headers()["mcp-session-id"]
            .to_str()
            .unwrap()
            .to_string();
        let body: Value = resp.json().await.unwrap();
        assert_eq!(body["result"]["protocolVersion"], "2025-11-25");
        let resp = self
            .post(
                Some(&id),
                &json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 202);
        id
    }

    /// A 2026-07-28 request with its headers.
    fn stateless(&self, id: u64, method: &str, params: Value) -> reqwest::RequestBuilder {
        let name = params
            .get("name")
            .or(params.get("uri"))
            .and_then(Value::as_str)
            .map(str::to_string);
        self.stateless_named(id, method, params, name.as_deref())
    }

    /// Likewise, with this `Mcp-Name` (or none).
    fn stateless_named(
        &self,
        id: u64,
        method: &str,
        mut params: Value,
        name: Option<&str>,
    ) -> reqwest::RequestBuilder {
        if params.get("_meta").is_none() {
            params["_meta"] = modern_meta(json!({}));
        }
        let mut r = self
            .post(
                None,
                &json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}),
            )
            .header("mcp-protocol-version", "2026-07-28")
            .header("mcp-method", method);
        if let Some(name) = name {
            r = r.header("mcp-name", name);
        }
        r
    }
}

fn call(id: u64, tool: &str, args: Value) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "method": "tools/call", "params": {"name": tool, "arguments": args}})
}

/// The JSON-RPC messages of an SSE body, as they come; stops after the one with `id`.
async fn sse_until_answer(resp: &mut reqwest::Response, id: u64) -> Vec<Value> {
    let mut buf = String::new();
    let mut out = Vec::new();
    loop {
        let chunk = tokio::time::timeout(Duration::from_secs(5), resp.chunk())
            .await
            .expect("an event within 5 s")
            .unwrap();
        let Some(chunk) = chunk else { return out };
        buf.push_str(std::str::from_utf8(&chunk).unwrap());
        while let Some(end) = buf.find("\n\n") {
            let event: String = buf.drain(..end + 2).collect();
            for line in event.lines() {
                if let Some(data) = line.strip_prefix("data: ") {
                    let m: Value = serde_json::from_str(data).unwrap();
                    let done = m["id"] == id && m.get("method").is_none();
                    out.push(m);
                    if done {
                        return out;
                    }
                }
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_aimcp_s_own_client_tests_and_calls_through_the_front() {
    let http = Http::start(front::HttpOptions::default()).await;
    let url = http.url("/mcp");
    let run = tokio::task::spawn_blocking(move || {
        let env = crate::common::TestEnv::new();
        let test = env.run(&["mcp", "test", "--url", &url, "--json"]);
        let called = env.run(&[
            "mcp",
            "call",
            "--url",
            &url,
            "echo",
            "--args",
            r#"{"text":"through the front"}"#,
            "--json",
        ]);
        (test, called)
    })
    .await
    .unwrap();
    run.0.assert_code(0);
    let r = &run.0.json()["results"][0];
    assert_eq!(r["ok"], true, "{r}");
    // The front speaks 2026-07-28, and so does aimcp's client.
    assert_eq!(r["protocol_version"], "2026-07-28");
    assert_eq!(
        r["server"],
        json!({"name": "test-gateway", "version": "1.2.3"})
    );
    assert_eq!(r["tools"], 2);
    run.1.assert_code(0);
    assert!(
        run.1.stdout.contains("through the front"),
        "{}",
        run.1.stdout
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_sessions_answer_with_json_or_an_sse_stream_and_end_with_delete() {
    let http = Http::start(front::HttpOptions::default()).await;
    let s = http.session(json!({})).await;
    // An answer without anything before it is JSON.
    let resp = http
        .post(Some(&s), &call(1, "echo", json!({"text": "hi"})))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "application/json");
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["result"]["content"][0]["text"], "hi");
    // Progress first: an SSE stream, progress then the answer.
    let mut resp = http
        .post(
            Some(&s),
            &json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call",
                    "params": {"name": "progress", "arguments": {}, "_meta": {"progressToken": 9}}}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["content-type"], "text/event-stream");
    let events = sse_until_answer(&mut resp, 2).await;
    let methods: Vec<_> = events.iter().map(|m| m["method"].clone()).collect();
    assert_eq!(
        methods,
        [
            json!("notifications/progress"),
            json!("notifications/progress"),
            json!("notifications/progress"),
            Value::Null
        ]
    );
    assert_eq!(events[3]["result"]["content"][0]["text"], "done");
    // ping, and a server error keeps its code.
    let resp = http
        .post(
            Some(&s),
            &json!({"jsonrpc": "2.0", "id": 3, "method": "ping"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(resp.json::<Value>().await.unwrap()["result"], json!({}));
    let resp = http
        .post(Some(&s), &call(4, "fail", json!({})))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.json::<Value>().await.unwrap()["error"]["code"], 12345);
    // An unknown session is 404; no session at all is 400; DELETE ends one.
    let resp = http
        .post(Some("0123"), &call(5, "echo", json!({})))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
    let resp = http
        .post(None, &call(5, "echo", json!({})))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let resp = http
        .client
        .delete(http.url("/mcp"))
        .header("mcp-session-id", &s)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    let resp = http
        .post(Some(&s), &call(6, "echo", json!({})))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
    let resp = http.client.get(http.url("/mcp")).send().await.unwrap();
    assert_eq!(resp.status(), 405);
    let resp = http.client.get(http.url("/nowhere")).send().await.unwrap();
    assert_eq!(resp.status(), 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_sixteen_requests_in_flight_and_a_cancel_drops_one() {
    let http = Arc::new(Http::start(front::HttpOptions::default()).await);
    let s = http.session(json!({})).await;
    let start = Instant::now();
    let mut calls = tokio::task::JoinSet::new();
    for i in 0..16u64 {
        let (http, s) = (http.clone(), s.clone());
        calls.spawn(async move {
            let resp = http
                .post(Some(&s), &call(i, "slow", json!({"ms": 500})))
                .send()
                .await
                .unwrap();
            resp.json::<Value>().await.unwrap()
        });
    }
    let mut ids = Vec::new();
    while let Some(answer) = calls.join_next().await {
        let answer = answer.unwrap();
        assert_eq!(answer["result"]["content"][0]["text"], "slept 500");
        ids.push(answer["id"].as_u64().unwrap());
    }
    ids.sort();
    assert_eq!(ids, (0..16).collect::<Vec<_>>());
    let took = start.elapsed();
    assert!(took < Duration::from_millis(3000), "took {took:?}");

    // notifications/cancelled for a call in flight: its work is dropped, no answer is sent.
    let pending = {
        let (http, s) = (http.clone(), s.clone());
        tokio::spawn(async move {
            http.post(Some(&s), &call(99, "slow", json!({"ms": 20_000})))
                .send()
                .await
                .unwrap()
        })
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    let resp = http
        .post(
            Some(&s),
            &json!({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 99}}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 202);
    let resp = tokio::time::timeout(Duration::from_secs(5), pending)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(resp.status(), 202);
    assert_eq!(resp.text().await.unwrap(), "");
    assert_eq!(http.service.dropped.load(Ordering::SeqCst), 1);

    // A client that goes away mid-call (its stream closed) cancels it too.
    let mut resp = http
        .post(
            Some(&s),
            &json!({"jsonrpc": "2.0", "id": 100, "method": "tools/call",
                    "params": {"name": "progress", "arguments": {}, "_meta": {"progressToken": 1}}}),
        )
        .send()
        .await
        .unwrap();
    let _ = resp.chunk().await;
    drop(resp);
    let quick = http.post(Some(&s), &call(101, "slow", json!({"ms": 20_000})));
    let gone = tokio::time::timeout(Duration::from_millis(300), quick.send()).await;
    assert!(gone.is_err(), "still running");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        http.service.dropped.load(Ordering::SeqCst),
        2,
        "dropping the POST drops its work"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_requests_to_the_client_go_on_the_stream_and_answers_come_back_by_post() {
    let http = Http::start(front::HttpOptions::default()).await;
    let s = http.session(json!({"roots": {}})).await;
    let mut resp = http
        .post(Some(&s), &call(1, "roots", json!({"tag": "t"})))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["content-type"], "text/event-stream");
    let mut buf = String::new();
    let request = loop {
        let chunk = tokio::time::timeout(Duration::from_secs(5), resp.chunk())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        buf.push_str(std::str::from_utf8(&chunk).unwrap());
        if let Some(line) = buf.lines().find(|l| l.starts_with("data: ")) {
            break serde_json::from_str::<Value>(&line[6..]).unwrap();
        }
    };
    assert_eq!(request["method"], "roots/list");
    let answer = http
        .post(
            Some(&s),
            &json!({"jsonrpc": "2.0", "id": request["id"], "result": {"roots": [{"uri": "file:///r"}]}}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 202);
    let events = sse_until_answer(&mut resp, 1).await;
    assert_eq!(
        events.last().unwrap()["result"]["content"][0]["text"],
        r#"{"roots":[{"uri":"file:///r"}]}"#
    );

    // The session's GET stream carries what belongs to no request.
    let mut stream = http
        .client
        .get(http.url("/mcp"))
        .header("accept", "text/event-stream")
        .header("mcp-session-id", &s)
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), 200);
    // One stream a session: a second is refused while the first is open.
    let get = || {
        http.client
            .get(http.url("/mcp"))
            .header("accept", "text/event-stream")
            .header("mcp-session-id", &s)
            .send()
    };
    assert_eq!(get().await.unwrap().status(), 409);
    tokio::time::sleep(Duration::from_millis(100)).await;
    http.service
        .notify_all("notifications/tools/list_changed", json!({}));
    let chunk = tokio::time::timeout(Duration::from_secs(5), stream.chunk())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(
        std::str::from_utf8(&chunk).unwrap(),
        "event: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/tools/list_changed\",\"params\":{}}\n\n"
    );
    // Once the client closes it, the session can open one again.
    drop(stream);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(get().await.unwrap().status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_a_foreign_origin_or_host_is_403_and_a_bearer_is_checked() {
    let http = Http::start(front::HttpOptions {
        bearer: Some("s3cret-token".into()),
        allowed_origins: vec!["https://app.example.com".into()],
    })
    .await;
    let init = json!({"jsonrpc": "2.0", "id": 0, "method": "initialize",
                      "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "x", "version": "1"}}});
    let status = |r: reqwest::Response| r.status().as_u16();
    let send = |origin: Option<&str>, host: Option<&str>, auth: Option<&str>| {
        let mut r = http.post(None, &init);
        if let Some(o) = origin {
            r = r.header("origin", o);
        }
        if let Some(h) = host {
            r = r.header("host", h);
        }
        if let Some(a) = auth {
            r = r.header("authorization", a);
        }
        r.send()
    };
    let good = Some("Bearer s3cret-token");
    assert_eq!(status(send(None, None, good).await.unwrap()), 200);
    assert_eq!(
        status(
            send(Some("http://localhost:3000"), None, good)
                .await
                .unwrap()
        ),
        200
    );
    assert_eq!(
        status(
            send(Some("https://app.example.com"), None, good)
                .await
                .unwrap()
        ),
        200
    );
    let foreign = send(Some("http://evil.example"), None, good).await.unwrap();
    assert_eq!(foreign.status(), 403);
    assert_eq!(foreign.json::<Value>().await.unwrap()["id"], Value::Null);
    assert_eq!(
        status(
            send(Some("http://localhost.evil.example"), None, good)
                .await
                .unwrap()
        ),
        403
    );
    assert_eq!(status(send(Some("null"), None, good).await.unwrap()), 403);
    assert_eq!(
        status(send(None, Some("evil.example:80"), good).await.unwrap()),
        403
    );
    let missing = send(None, None, None).await.unwrap();
    assert_eq!(missing.status(), 401);
    assert_eq!(missing.headers()["www-authenticate"], "Bearer");
    assert_eq!(
        status(send(None, None, Some("Bearer s3cret-tokeN")).await.unwrap()),
        401
    );
    assert_eq!(
        status(send(None, None, Some("Basic s3cret-token")).await.unwrap()),
        401
    );
    assert_eq!(
        status(send(None, None, Some("bearer s3cret-token")).await.unwrap()),
        200
    );
    // /metrics needs the token; /health does not.
    let metrics = http.client.get(http.url("/metrics")).send().await.unwrap();
    assert_eq!(metrics.status(), 401);
    let health = http.client.get(http.url("/health")).send().await.unwrap();
    assert_eq!(health.status(), 503);
    assert_eq!(
        health.json::<Value>().await.unwrap(),
        json!({"down": ["github"]})
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_metrics_are_prometheus_text() {
    let http = Http::start(front::HttpOptions::default()).await;
    let resp = http.client.get(http.url("/metrics")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.headers()["content-type"],
        "text/plain; version=0.0.4; charset=utf-8"
    );
    assert_eq!(
        resp.text().await.unwrap(),
        "# TYPE mcp_tool_calls_total counter\nmcp_tool_calls_total 3\n"
    );
    let resp = http.client.post(http.url("/metrics")).send().await.unwrap();
    assert_eq!(resp.status(), 405);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_stateless_requests_carry_meta_and_headers_that_must_match() {
    let http = Http::start(front::HttpOptions::default()).await;
    let resp = http
        .stateless(1, "server/discover", json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let d: Value = resp.json().await.unwrap();
    assert_eq!(d["result"]["supportedVersions"][0], "2026-07-28");
    assert!(resp_has_no_session(&d));

    let resp = http
        .stateless(2, "tools/call", json!({"name": "whoami", "arguments": {}}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.headers().get("mcp-session-id").is_none());
    let r: Value = resp.json().await.unwrap();
    assert_eq!(r["result"]["structuredContent"]["name"], "stateless-client");
    assert_eq!(
        r["result"]["structuredContent"]["protocol_version"],
        "2026-07-28"
    );
    assert_eq!(r["result"]["resultType"], "complete");

    // Progress streams on the request's own response.
    let mut resp = http
        .stateless(
            3,
            "tools/call",
            json!({"name": "progress", "arguments": {},
            "_meta": modern_meta(json!({"progressToken": "p"}))}),
        )
        .send()
        .await
        .unwrap();
    let events = sse_until_answer(&mut resp, 3).await;
    assert_eq!(events.len(), 4);
    assert_eq!(events[0]["params"]["progressToken"], "p");

    let code = |v: &Value| v["error"]["code"].clone();
    // Headers that disagree with the body, or are missing: 400 and -32020.
    let cases = [
        http.stateless(4, "tools/list", json!({})).header("mcp-method", "tools/call"),
        http.stateless_named(4, "tools/call", json!({"name": "echo"}), Some("whoami")),
        http.stateless_named(4, "tools/call", json!({"name": "echo"}), None),
        http.post(None, &json!({"jsonrpc": "2.0", "id": 4, "method": "tools/list", "params": {"_meta": modern_meta(json!({}))}}))
            .header("mcp-method", "tools/list"),
        http.stateless(4, "tools/list", json!({"_meta": modern_meta(json!({"io.modelcontextprotocol/protocolVersion": "2030-01-01"}))})),
    ];
    for (i, case) in cases.into_iter().enumerate() {
        let resp = case.send().await.unwrap();
        assert_eq!(resp.status(), 400, "case {i}");
        let v: Value = resp.json().await.unwrap();
        assert_eq!(
            (code(&v), v["id"].clone()),
            (json!(-32020), json!(4)),
            "case {i}: {v}"
        );
    }
    // A Base64 sentinel in Mcp-Name is decoded before it is compared.
    let resp = http
        .stateless_named(
            5,
            "tools/call",
            json!({"name": "echo", "arguments": {"text": "b64"}}),
            Some("=?base64?ZWNobw==?="),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    // Missing _meta with the modern header: -32602; an unknown version in both: -32022.
    let resp = http
        .post(
            None,
            &json!({"jsonrpc": "2.0", "id": 6, "method": "tools/list", "params": {}}),
        )
        .header("mcp-protocol-version", "2026-07-28")
        .header("mcp-method", "tools/list")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    assert_eq!(code(&resp.json().await.unwrap()), -32602);
    let resp = http
        .post(
            None,
            &json!({"jsonrpc": "2.0", "id": 7, "method": "tools/list",
                    "params": {"_meta": modern_meta(json!({"io.modelcontextprotocol/protocolVersion": "v9"}))}}),
        )
        .header("mcp-protocol-version", "v9")
        .header("mcp-method", "tools/list")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let v: Value = resp.json().await.unwrap();
    assert_eq!(code(&v), -32022);
    assert_eq!(v["error"]["data"]["requested"], "v9");
    // Methods 2026-07-28 removed, and unknown ones: 404 with -32601.
    for (id, method) in [(8, "ping"), (9, "initialize"), (10, "no/such")] {
        let resp = http.stateless(id, method, json!({})).send().await.unwrap();
        assert_eq!(resp.status(), 404, "{method}");
        let v: Value = resp.json().await.unwrap();
        assert_eq!(
            (code(&v), v["id"].clone()),
            (json!(-32601), json!(id)),
            "{method}"
        );
    }
}

fn resp_has_no_session(d: &Value) -> bool {
    d.get("result")
        .is_some_and(|r| r.get("sessionId").is_none())
}

/// Answers `roots/list` for aimcp's own client.
struct RootsHandler;

impl aimcp::mcp::Handler for RootsHandler {
    fn request(
        &self,
        method: &str,
        params: Value,
    ) -> BoxFuture<'static, Result<Value, RpcFailure>> {
        let tag = params["_meta"]["tag"].as_str().unwrap_or("").to_string();
        let method = method.to_string();
        Box::pin(async move {
            match method.as_str() {
                "roots/list" => Ok(json!({"roots": [{"uri": format!("file:///{tag}")}]})),
                _ => Err(RpcFailure {
                    code: -32601,
                    message: method,
                    data: None,
                }),
            }
        })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_aimcp_s_multiplexed_client_calls_at_once_gets_progress_answers_roots_and_cancels() {
    use aimcp::config::{EnvResolver, Server, Transport};
    use aimcp::mcp::{CallOptions, ConnectOptions};
    let http = Http::start(front::HttpOptions::default()).await;
    let server = Server::remote("front", Transport::Http, http.url("/mcp"));
    let opts = ConnectOptions::new(std::env::temp_dir(), Duration::from_secs(10))
        .with_client_capabilities(json!({"roots": {}}))
        .with_handler(Arc::new(RootsHandler))
        // The session of `initialize`: server requests and cancellation on its streams.
        .legacy_only();
    let session = aimcp::mcp::connect(&server, &EnvResolver::environment_only(), &opts)
        .await
        .unwrap();
    assert_eq!(session.protocol_version, "2025-11-25");
    assert_eq!(session.server_info["name"], "test-gateway");
    assert_eq!(session.instructions.as_deref(), Some("use the echo tool"));
    assert_eq!(session.list_tools().await.unwrap().len(), 2);

    // 16 calls at once on one session.
    let start = Instant::now();
    let mut calls = tokio::task::JoinSet::new();
    for i in 0..16u64 {
        let s = session.clone();
        calls.spawn(async move {
            let args = json!({"ms": 400, "i": i});
            s.call_tool("slow", args.as_object().unwrap().clone())
                .await
                .unwrap()
        });
    }
    while let Some(r) = calls.join_next().await {
        assert_eq!(r.unwrap()["content"][0]["text"], "slept 400");
    }
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );

    // Progress reaches the call that asked for it.
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let result = session
        .request_with(
            "tools/call",
            json!({"name": "progress", "arguments": {}, "_meta": {"progressToken": "pt"}}),
            CallOptions {
                progress: Some(tx),
                ..CallOptions::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(result["content"][0]["text"], "done");
    let mut seen = Vec::new();
    while let Ok(p) = rx.try_recv() {
        seen.push(p["progress"].clone());
    }
    assert_eq!(seen, [json!(1), json!(2), json!(3)]);

    // The gateway asks the client for its roots; the client's handler answers.
    let args = json!({"tag": "mine"});
    let r = session
        .call_tool("roots", args.as_object().unwrap().clone())
        .await
        .unwrap();
    assert_eq!(
        r["content"][0]["text"],
        r#"{"roots":[{"uri":"file:///mine"}]}"#
    );

    // A call whose future is dropped is cancelled at the front: its work is dropped.
    let args = json!({"ms": 30_000});
    let slow = session.call_tool("slow", args.as_object().unwrap().clone());
    assert!(
        tokio::time::timeout(Duration::from_millis(300), slow)
            .await
            .is_err()
    );
    let deadline = Instant::now() + Duration::from_secs(3);
    while http.service.dropped.load(Ordering::SeqCst) == 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(http.service.dropped.load(Ordering::SeqCst), 1);
    session.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stdio_a_stateless_client_gets_list_changes_only_through_its_subscription() {
    let service = TestService::arc();
    let mut wire = Wire::start(service.clone());
    // Never initialized: nothing unasked for reaches it.
    wire.silent(100).await; // serve_stdio has attached
    service.notify_all("notifications/tools/list_changed", json!({}));
    wire.silent(200).await;
    wire.request(
        json!("sub-1"),
        "subscriptions/listen",
        json!({"_meta": modern_meta(json!({})),
               "notifications": {"toolsListChanged": true, "promptsListChanged": true}}),
    )
    .await;
    // The gateway announces listChanged for tools only: prompts are left out of the ack.
    assert_eq!(
        wire.recv().await,
        json!({"jsonrpc": "2.0", "method": "notifications/subscriptions/acknowledged",
               "params": {"_meta": {"io.modelcontextprotocol/subscriptionId": "sub-1"},
                          "notifications": {"toolsListChanged": true}}})
    );
    service.notify_all("notifications/prompts/list_changed", json!({}));
    service.notify_all("notifications/tools/list_changed", json!({}));
    assert_eq!(
        wire.recv().await,
        json!({"jsonrpc": "2.0", "method": "notifications/tools/list_changed",
               "params": {"_meta": {"io.modelcontextprotocol/subscriptionId": "sub-1"}}})
    );
    wire.send(
        json!({"jsonrpc": "2.0", "method": "notifications/cancelled",
                     "params": {"requestId": "sub-1"}}),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    service.notify_all("notifications/tools/list_changed", json!({}));
    wire.silent(200).await;
    wire.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_subscriptions_listen_is_a_stream_acknowledged_first() {
    let http = Http::start(front::HttpOptions::default()).await;
    let mut resp = http
        .stateless(
            1,
            "subscriptions/listen",
            json!({"notifications": {"toolsListChanged": true}}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "text/event-stream");
    let mut next = async || {
        let chunk = tokio::time::timeout(Duration::from_secs(5), resp.chunk())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        let text = std::str::from_utf8(&chunk).unwrap().to_string();
        serde_json::from_str::<Value>(text.trim().strip_prefix("event: message\ndata: ").unwrap())
            .unwrap()
    };
    let ack = next().await;
    assert_eq!(ack["method"], "notifications/subscriptions/acknowledged");
    assert_eq!(
        ack["params"]["_meta"]["io.modelcontextprotocol/subscriptionId"],
        1
    );
    http.service
        .notify_all("notifications/tools/list_changed", json!({}));
    let n = next().await;
    assert_eq!(n["method"], "notifications/tools/list_changed");
    assert_eq!(
        n["params"]["_meta"]["io.modelcontextprotocol/subscriptionId"],
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_a_notification_sent_just_before_the_answer_is_not_lost() {
    let http = Http::start(front::HttpOptions::default()).await;
    let s = http.session(json!({})).await;
    // `log` notifies and answers at once: both are ready when the front first looks.
    for id in 1..=20 {
        let mut resp = http
            .post(Some(&s), &call(id, "log", json!({})))
            .send()
            .await
            .unwrap();
        assert_eq!(
            resp.headers()["content-type"],
            "text/event-stream",
            "call {id}"
        );
        let events = sse_until_answer(&mut resp, id).await;
        assert_eq!(events[0]["method"], "notifications/message", "call {id}");
        assert_eq!(events[1]["result"]["content"][0]["text"], "logged");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_eight_clients_at_once_each_in_its_own_session() {
    use aimcp::config::{EnvResolver, Server, Transport};
    use aimcp::mcp::ConnectOptions;
    let http = Arc::new(Http::start(front::HttpOptions::default()).await);
    let start = Instant::now();
    let mut clients = tokio::task::JoinSet::new();
    for c in 0..8u64 {
        let url = http.url("/mcp");
        clients.spawn(async move {
            let server = Server::remote(format!("c{c}"), Transport::Http, url);
            let opts = ConnectOptions::new(std::env::temp_dir(), Duration::from_secs(10));
            let s = aimcp::mcp::connect(&server, &EnvResolver::environment_only(), &opts)
                .await
                .unwrap();
            let mut calls = tokio::task::JoinSet::new();
            for i in 0..4u64 {
                let s = s.clone();
                calls.spawn(async move {
                    let text = format!("client {c} call {i}");
                    let args = json!({"text": text});
                    let r = s
                        .call_tool("echo", args.as_object().unwrap().clone())
                        .await
                        .unwrap();
                    assert_eq!(r["content"][0]["text"], text);
                    let args = json!({"ms": 300});
                    s.call_tool("slow", args.as_object().unwrap().clone())
                        .await
                        .unwrap();
                });
            }
            while let Some(r) = calls.join_next().await {
                r.unwrap();
            }
            s.shutdown().await;
        });
    }
    while let Some(r) = clients.join_next().await {
        r.unwrap();
    }
    // 32 slow calls of 300 ms: at once, not one after the other (9.6 s).
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_a_client_that_takes_only_json_is_never_asked_and_told_why() {
    let http = Http::start(front::HttpOptions::default()).await;
    let s = http.session(json!({"roots": {}})).await;
    let resp = http
        .client
        .post(http.url("/mcp"))
        .header("accept", "application/json")
        .header("content-type", "application/json")
        .header("mcp-session-id", &s)
        .body(call(1, "roots", json!({})).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["content-type"], "application/json");
    let v: Value = resp.json().await.unwrap();
    let message = v["error"]["message"].as_str().unwrap();
    assert!(message.contains("takes no event stream"), "{message}");
}

/// Figures, not a check: the front's own cost per call (stdio framing, spawning, the writer),
/// with the service answering at once. `cargo test --release --test it front_latency -- --ignored --nocapture`
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore]
async fn front_latency() {
    let mut wire = Wire::start(TestService::arc());
    wire.initialize("2025-11-25", json!({})).await;
    let mut took = Vec::new();
    for i in 0..10_000u64 {
        let start = Instant::now();
        wire.call(i, "echo", json!({"text": "x"})).await;
        wire.recv().await;
        took.push(start.elapsed());
    }
    took.sort();
    let at = |q: f64| took[((took.len() as f64 - 1.0) * q) as usize];
    println!("stdio, one at a time: p50 {:?} p99 {:?}", at(0.5), at(0.99));
    let start = Instant::now();
    let mut sent = 0u64;
    let mut got = 0u64;
    while got < 10_000 {
        while sent < 10_000 && sent - got < 16 {
            wire.call(100_000 + sent, "echo", json!({"text": "x"}))
                .await;
            sent += 1;
        }
        wire.recv().await;
        got += 1;
    }
    println!(
        "stdio, 16 in flight: {:.0} calls/s",
        10_000.0 / start.elapsed().as_secs_f64()
    );
    wire.close().await.unwrap();
}

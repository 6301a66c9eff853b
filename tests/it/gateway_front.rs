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
    wire.call(4, "log", json!({})).await; // not stateless: no _meta, no initialize: passes
    assert_eq!(wire.recv().await["method"], "notifications/message");
    assert_eq!(wire.recv().await["id"], 4);
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
    wire.request(
        json!(10),
        "tools/call",
        json!({"name": "roots", "_meta": modern_meta(json!({"io.modelcontextprotocol/clientCapabilities": {"roots": {}}}))}),
    )
    .await;
    let m = wire.recv().await;
    assert_eq!(m["id"], 10);
    assert!(
        m["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no server-to-client requests"),
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
    // A call that would take too long is dropped after the grace, and it still returns.
    let service = TestService::arc();
    let mut wire = Wire::start(service.clone());
    wire.call(1, "slow", json!({"ms": 60_000})).await;
    let start = Instant::now();
    wire.close().await.unwrap();
    assert!(start.elapsed() < Duration::from_secs(4));
    assert_eq!(service.dropped.load(Ordering::SeqCst), 1);
}

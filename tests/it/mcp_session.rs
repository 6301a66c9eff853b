//! The session core (`aimcp::mcp::Session`) driven as a library: many requests in flight,
//! notifications and server requests in the middle of a call, cancellation, a server that dies
//! mid-call. Against misbehaving servers of our own (`tests/servers/fake.js`) and the real
//! server-everything.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aimcp::config::{EnvResolver, Server};
use aimcp::mcp::{self, BoxFuture, CallOptions, ConnectOptions, Handler, RpcFailure, Session};
use serde_json::{Map, Value, json};

use crate::common::servers::{fake_js, npm_bin};

/// A runtime of its own (not `mcp::block_on`, whose clean-up would end the servers of the other
/// tests in this process).
fn run<F: Future>(fut: F) -> F::Output {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
        .block_on(fut)
}

fn fake(mode: &str) -> Server {
    Server::stdio(
        format!("fake-{mode}"),
        "node",
        vec![fake_js().to_string_lossy().into_owned(), mode.to_string()],
    )
}

fn everything() -> Server {
    Server::stdio("everything", npm_bin("mcp-server-everything"), vec![])
}

fn options(timeout_ms: u64) -> ConnectOptions {
    ConnectOptions::new(std::env::temp_dir(), Duration::from_millis(timeout_ms))
}

async fn connect(server: &Server, opts: ConnectOptions) -> Session {
    mcp::connect(server, &EnvResolver::environment_only(), &opts)
        .await
        .unwrap_or_else(|e| panic!("connect to `{}`: {}", server.name, e.full()))
}

fn args(v: Value) -> Map<String, Value> {
    v.as_object().cloned().unwrap()
}

/// The text of a `tools/call` result's first content item.
fn text(result: &Value) -> &str {
    result["content"][0]["text"].as_str().unwrap_or_default()
}

/// Records notifications; answers `roots/list` and `sampling/createMessage`.
#[derive(Default)]
struct Recorder {
    notifications: Mutex<Vec<(String, Option<Value>)>>,
    requests: Mutex<Vec<(String, Value)>>,
}

impl Handler for Recorder {
    fn notification(&self, method: &str, params: Option<Value>) {
        self.notifications
            .lock()
            .unwrap()
            .push((method.to_string(), params));
    }

    fn request(
        &self,
        method: &str,
        params: Value,
    ) -> BoxFuture<'static, Result<Value, RpcFailure>> {
        self.requests
            .lock()
            .unwrap()
            .push((method.to_string(), params));
        let answer = match method {
            "roots/list" => {
                Ok(json!({"roots": [{"uri": "file:///work/project", "name": "project"}]}))
            }
            "sampling/createMessage" => Ok(json!({
                "role": "assistant",
                "content": {"type": "text", "text": "hello from the handler"},
                "model": "handler-model",
                "stopReason": "endTurn",
            })),
            _ => Err(RpcFailure {
                code: -32601,
                message: format!("no {method} here"),
                data: None,
            }),
        };
        Box::pin(async move {
            // Slow on purpose: nothing else may wait for it.
            tokio::time::sleep(Duration::from_millis(50)).await;
            answer
        })
    }
}

#[test]
fn sixteen_requests_in_flight_each_get_their_own_answer() {
    run(async {
        let session = connect(&fake("reverse"), options(5000)).await;
        let calls = (0..16).map(|i| {
            let s = session.clone();
            tokio::spawn(async move {
                s.call_tool("echo", args(json!({"tag": format!("tag-{i}")})))
                    .await
            })
        });
        let started = Instant::now();
        let mut answers = Vec::new();
        for call in calls.collect::<Vec<_>>() {
            answers.push(call.await.unwrap().map(|r| text(&r).to_string()));
        }
        let expected: Vec<_> = (0..16).map(|i| Ok(format!("tag-{i}"))).collect();
        let answers: Vec<_> = answers
            .into_iter()
            .map(|a| a.map_err(|e| e.message))
            .collect();
        assert_eq!(answers, expected);
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{:?}",
            started.elapsed()
        );
        // The session is still good for the next round.
        assert!(session.ping().await.is_ok());
        session.shutdown().await;
    });
}

#[test]
fn notifications_and_a_server_request_in_the_middle_of_a_call_reach_their_places() {
    run(async {
        let recorder = Arc::new(Recorder::default());
        let trace = Arc::new(Mutex::new(Vec::<String>::new()));
        let lines = trace.clone();
        let opts = options(5000)
            .with_handler(recorder.clone())
            .with_trace(Some(mcp::Trace::new(2, move |l| {
                lines.lock().unwrap().push(l.to_string())
            })));
        let session = connect(&fake("chatty"), opts).await;
        let (tx, mut progress) = tokio::sync::mpsc::unbounded_channel();
        let result = session
            .request_with(
                "tools/call",
                json!({"name": "work", "arguments": {}, "_meta": {"progressToken": "tok-1"}}),
                CallOptions {
                    progress: Some(tx),
                    ..CallOptions::default()
                },
            )
            .await
            .unwrap();
        // The server's `ping` was answered by the session, its `roots/list` by the handler.
        let got: Value = serde_json::from_str(text(&result)).unwrap();
        assert_eq!(
            got,
            json!({"pong": {}, "roots": {"roots": [{"uri": "file:///work/project", "name": "project"}]}})
        );
        let requests = recorder.requests.lock().unwrap().clone();
        assert_eq!(requests, [("roots/list".to_string(), json!({}))]);
        // The progress went to the call, the log message to the handler.
        assert_eq!(
            progress.try_recv().unwrap(),
            json!({"progressToken": "tok-1", "progress": 1, "total": 2})
        );
        assert!(progress.try_recv().is_err());
        let notes = recorder.notifications.lock().unwrap().clone();
        assert_eq!(
            notes,
            [(
                "notifications/message".to_string(),
                Some(json!({"level": "info", "data": "working"}))
            )]
        );
        // The answer to an id never used was ignored, and said so at -vv.
        let trace = trace.lock().unwrap().join("\n");
        assert!(
            trace.contains("[fake-chatty] <- an answer to no pending request (id 987654): ignored"),
            "{trace}"
        );
        session.shutdown().await;
    });
}

#[test]
fn progress_without_a_token_of_the_caller_gets_one() {
    run(async {
        let session = connect(&fake("chatty"), options(5000)).await;
        let (tx, mut progress) = tokio::sync::mpsc::unbounded_channel();
        let result = session
            .request_with(
                "tools/call",
                json!({"name": "work", "arguments": {}}),
                CallOptions {
                    progress: Some(tx),
                    ..CallOptions::default()
                },
            )
            .await
            .unwrap();
        // Without a handler, the server's `roots/list` is refused as before.
        let got: Value = serde_json::from_str(text(&result)).unwrap();
        assert_eq!(got["pong"], json!({}));
        assert_eq!(got["roots"]["error"]["code"], -32601);
        let p = progress.try_recv().unwrap();
        assert!(!p["progressToken"].is_null(), "{p}");
        assert_eq!(p["progress"], 1);
        session.shutdown().await;
    });
}

fn cancel_lines(path: &Path, want: usize) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let lines: Vec<Value> = std::fs::read_to_string(path)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        if lines.len() >= want || Instant::now() > deadline {
            return lines;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The ids of the `tools/call` requests a -vv trace shows, in order.
fn call_ids(trace: &[String]) -> Vec<Value> {
    trace
        .iter()
        .filter_map(|l| l.split_once("] -> ").map(|(_, m)| m))
        .filter_map(|m| serde_json::from_str::<Value>(m).ok())
        .filter(|m| m["method"] == "tools/call")
        .map(|m| m["id"].clone())
        .collect()
}

#[test]
fn a_dropped_or_timed_out_call_is_cancelled_at_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let file: PathBuf = dir.path().join("cancelled.jsonl");
    let mut server = fake("record-cancel");
    server.env = vec![("CANCEL_FILE".into(), file.to_string_lossy().into_owned())];
    let trace = Arc::new(Mutex::new(Vec::<String>::new()));
    let lines = trace.clone();
    let opts = options(5000).with_trace(Some(mcp::Trace::new(2, move |l| {
        lines.lock().unwrap().push(l.to_string())
    })));
    run(async {
        let session = connect(&server, opts).await;
        // Dropped by its caller before the answer.
        let dropped = tokio::time::timeout(
            Duration::from_millis(300),
            session.call_tool("slow", Map::new()),
        )
        .await;
        assert!(dropped.is_err(), "the server never answers");
        // Its own timeout.
        let started = Instant::now();
        let err = session
            .request_with(
                "tools/call",
                json!({"name": "slow", "arguments": {}}),
                CallOptions {
                    timeout: Some(Duration::from_millis(200)),
                    ..CallOptions::default()
                },
            )
            .await
            .unwrap_err();
        assert!(err.is_timeout(), "{}", err.message);
        assert_eq!(
            err.message,
            "timed out after 0.2 s while waiting for `tools/call`"
        );
        assert!(started.elapsed() < Duration::from_secs(2));
        // Neither broke the session.
        assert!(session.ping().await.is_ok());
        let got = cancel_lines(&file, 2);
        let ids = call_ids(&trace.lock().unwrap());
        assert_eq!(ids.len(), 2, "{ids:?}");
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[0]["requestId"], ids[0]);
        assert_eq!(got[1]["requestId"], ids[1]);
        assert!(got[0]["reason"].is_string());
        assert_eq!(got[1]["reason"], "timed out");
        session.shutdown().await;
    });
}

#[test]
fn a_server_that_dies_mid_call_fails_every_waiter_at_once() {
    run(async {
        let session = connect(&fake("die-mid-call"), options(10_000)).await;
        let started = Instant::now();
        let calls: Vec<_> = (0..8)
            .map(|i| {
                let s = session.clone();
                tokio::spawn(async move { s.call_tool("hold", args(json!({"n": i}))).await })
            })
            .collect();
        let closed = tokio::time::timeout(Duration::from_secs(5), session.closed())
            .await
            .expect("closed() resolves");
        assert!(
            closed.message.contains("exited with code 7"),
            "{}",
            closed.message
        );
        for call in calls {
            let err = call.await.unwrap().unwrap_err();
            assert_eq!(
                err.message,
                "the server process exited with code 7 (`node`)"
            );
            assert_eq!(err.stderr, ["dying with 8 calls held"]);
        }
        assert!(started.elapsed() < Duration::from_secs(5));
        assert!(session.is_closed());
        // A later request fails fast, with the same error.
        let started = Instant::now();
        let err = session.ping().await.unwrap_err();
        assert!(
            err.message.contains("exited with code 7"),
            "{}",
            err.message
        );
        // (not the session's timeout: loose, for a busy CI machine)
        assert!(started.elapsed() < Duration::from_secs(2));
        session.shutdown().await;
    });
}

#[test]
fn dropping_every_handle_ends_the_process_group() {
    run(async {
        let session = connect(&fake("ok"), options(5000)).await;
        let pgid = session.process_group().expect("a stdio server has a group");
        let other = session.clone();
        drop(session);
        // SAFETY: killpg with signal 0 only checks.
        assert_eq!(unsafe { libc::killpg(pgid, 0) }, 0, "one handle is left");
        drop(other);
        let deadline = Instant::now() + Duration::from_secs(5);
        while unsafe { libc::killpg(pgid, 0) } == 0 {
            assert!(Instant::now() < deadline, "group {pgid} still alive");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    });
}

// ---- server-everything -------------------------------------------------------------------------

#[test]
fn everything_long_running_operation_reports_progress_to_the_call() {
    run(async {
        let recorder = Arc::new(Recorder::default());
        let session = connect(
            &everything(),
            options(20_000).with_handler(recorder.clone()),
        )
        .await;
        let (tx, mut progress) = tokio::sync::mpsc::unbounded_channel();
        let result = session
            .request_with(
                "tools/call",
                json!({"name": "trigger-long-running-operation",
                       "arguments": {"duration": 0.4, "steps": 4},
                       "_meta": {"progressToken": 42}}),
                CallOptions {
                    progress: Some(tx),
                    ..CallOptions::default()
                },
            )
            .await
            .unwrap();
        assert!(
            text(&result).starts_with("Long running operation completed"),
            "{result}"
        );
        let mut got = Vec::new();
        while let Ok(p) = progress.try_recv() {
            got.push(p);
        }
        let want: Vec<Value> = (1..=4)
            .map(|i| json!({"progress": i, "total": 4, "progressToken": 42}))
            .collect();
        assert_eq!(got, want);
        // None of it went to the handler.
        let notes = recorder.notifications.lock().unwrap().clone();
        assert!(
            notes.iter().all(|(m, _)| m != "notifications/progress"),
            "{notes:?}"
        );
        session.shutdown().await;
    });
}

#[test]
fn everything_sampling_request_reaches_the_handler_and_its_answer_the_tool() {
    run(async {
        let recorder = Arc::new(Recorder::default());
        let opts = options(20_000)
            .with_handler(recorder.clone())
            .with_client_capabilities(json!({"sampling": {}}));
        let session = connect(&everything(), opts).await;
        let result = session
            .call_tool(
                "trigger-sampling-request",
                args(json!({"prompt": "say hello", "maxTokens": 10})),
            )
            .await
            .unwrap();
        let t = text(&result);
        assert!(t.contains("hello from the handler"), "{t}");
        assert!(t.contains("handler-model"), "{t}");
        let requests = recorder.requests.lock().unwrap().clone();
        assert_eq!(requests.len(), 1, "{requests:?}");
        assert_eq!(requests[0].0, "sampling/createMessage");
        assert_eq!(requests[0].1["maxTokens"], 10);
        session.shutdown().await;
    });
}

// ---- over HTTP ---------------------------------------------------------------------------------

/// 16 `echo` calls and a long-running operation with progress, all at once.
async fn many_at_once(session: &Session) {
    let (tx, mut progress) = tokio::sync::mpsc::unbounded_channel();
    let long = session.request_with(
        "tools/call",
        json!({"name": "trigger-long-running-operation",
               "arguments": {"duration": 0.3, "steps": 3},
               "_meta": {"progressToken": "long"}}),
        CallOptions {
            progress: Some(tx),
            ..CallOptions::default()
        },
    );
    let echoes = (0..16).map(|i| {
        let s = session.clone();
        tokio::spawn(async move {
            s.call_tool("echo", args(json!({"message": format!("m{i}")})))
                .await
        })
    });
    let echoes: Vec<_> = echoes.collect();
    let long = long.await.unwrap();
    assert!(
        text(&long).starts_with("Long running operation completed"),
        "{long}"
    );
    for (i, e) in echoes.into_iter().enumerate() {
        let r = e.await.unwrap().unwrap();
        assert_eq!(text(&r), format!("Echo: m{i}"));
    }
    let mut got = Vec::new();
    while let Ok(p) = progress.try_recv() {
        got.push(p["progress"].clone());
    }
    assert_eq!(got, [json!(1), json!(2), json!(3)]);
}

#[test]
fn many_requests_at_once_over_streamable_http_and_sse() {
    use aimcp::config::Transport;
    let http = crate::common::servers::HttpServer::start("streamableHttp");
    let sse = crate::common::servers::HttpServer::start("sse");
    run(async {
        let s = Server::remote("http", Transport::Http, http.url("/mcp"));
        let session = connect(&s, options(20_000)).await;
        assert_eq!(session.transport, Transport::Http);
        many_at_once(&session).await;
        session.shutdown().await;
        let s = Server::remote("sse", Transport::Sse, sse.url("/sse"));
        let session = connect(&s, options(20_000)).await;
        many_at_once(&session).await;
        session.shutdown().await;
    });
}

#[derive(Default)]
struct Counter(std::sync::atomic::AtomicUsize);

impl Handler for Counter {
    fn notification(&self, _method: &str, _params: Option<Value>) {
        self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }
}

#[test]
fn a_flood_of_notifications_on_an_answer_stream_loses_nothing() {
    use std::io::BufRead;
    let mut child = std::process::Command::new("node")
        .arg(crate::common::repo_root().join("tests/servers/fake-http.js"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut port = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut port)
        .unwrap();
    let url = format!("http://127.0.0.1:{}/mcp", port.trim());
    let counter = Arc::new(Counter::default());
    run(async {
        let s = Server::remote("flood", aimcp::config::Transport::Http, url);
        let session = connect(&s, options(10_000).with_handler(counter.clone())).await;
        let (flood, echo) = tokio::join!(
            session.call_tool("flood", Map::new()),
            session.call_tool("echo", args(json!({"tag": "beside"}))),
        );
        assert_eq!(text(&flood.unwrap()), "flooded");
        assert_eq!(text(&echo.unwrap()), "beside");
        assert_eq!(counter.0.load(std::sync::atomic::Ordering::SeqCst), 20_000);
        session.shutdown().await;
    });
    let _ = child.kill();
    let _ = child.wait();
}

/// Answers `sampling/createMessage` after a second; says when its future was dropped before.
#[derive(Default)]
struct Slow {
    dropped_early: Arc<std::sync::atomic::AtomicBool>,
    notifications: Mutex<Vec<String>>,
}

struct SetOnDrop(Arc<std::sync::atomic::AtomicBool>);

impl Drop for SetOnDrop {
    fn drop(&mut self) {
        self.0.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

impl Handler for Slow {
    fn notification(&self, method: &str, _params: Option<Value>) {
        self.notifications.lock().unwrap().push(method.to_string());
    }

    fn request(
        &self,
        _method: &str,
        _params: Value,
    ) -> BoxFuture<'static, Result<Value, RpcFailure>> {
        let guard = SetOnDrop(self.dropped_early.clone());
        Box::pin(async move {
            tokio::time::sleep(Duration::from_secs(1)).await;
            std::mem::forget(guard);
            Ok(
                json!({"role": "assistant", "content": {"type": "text", "text": "late"}, "model": "m"}),
            )
        })
    }
}

#[test]
fn a_server_that_cancels_its_own_request_gets_no_answer_and_the_handler_stops() {
    run(async {
        let slow = Arc::new(Slow::default());
        let session = connect(
            &fake("cancel-own"),
            options(5000).with_handler(slow.clone()),
        )
        .await;
        let result = session.call_tool("work", Map::new()).await.unwrap();
        assert_eq!(text(&result), "none");
        assert!(slow.dropped_early.load(std::sync::atomic::Ordering::SeqCst));
        // The cancellation was the session's business, not the handler's.
        let notes = slow.notifications.lock().unwrap().clone();
        assert!(notes.is_empty(), "{notes:?}");
        session.shutdown().await;
    });
}

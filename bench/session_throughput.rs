//! Requests per second through one `Session` to server-everything's `echo`: one at a time,
//! then 16 in flight. Run once (not in a loop):
//!
//! ```text
//! cargo run --release --example session_throughput -- [CALLS] [SERVER-EVERYTHING BINARY]
//! ```
//!
//! The binary defaults to the one the tests install (`target/test-servers/`; run
//! `cargo test --test it mcp_session::` once to install it).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use aimcp::config::{EnvResolver, Server};
use aimcp::mcp::{self, ConnectOptions, Session};
use serde_json::{Map, Value, json};

fn echo_args(i: usize) -> Map<String, Value> {
    let Value::Object(m) = json!({"message": format!("m{i}")}) else {
        unreachable!()
    };
    m
}

async fn one_call(session: &Session, i: usize) -> Duration {
    let start = Instant::now();
    let r = session
        .call_tool("echo", echo_args(i))
        .await
        .expect("echo answers");
    assert_eq!(r["content"][0]["text"], format!("Echo: m{i}"));
    start.elapsed()
}

struct Figures {
    calls: usize,
    took: Duration,
    latencies: Vec<Duration>,
    /// This process's CPU time (user + system) over the run: aimcp's own cost, which the
    /// machine's load does not blur as much as it blurs wall-clock figures.
    cpu: Duration,
}

fn cpu_time() -> Duration {
    // SAFETY: getrusage only writes the struct it is given.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(u.ru_utime) + tv(u.ru_stime)
}

impl Figures {
    fn print(mut self, what: &str) {
        self.latencies.sort();
        let at = |q: f64| {
            let i = ((self.latencies.len() as f64 - 1.0) * q).round() as usize;
            self.latencies[i].as_secs_f64() * 1000.0
        };
        println!(
            "{what:<16} {:>8.0} req/s   p50 {:>6.3} ms   p99 {:>6.3} ms   aimcp CPU {:>5.1} us/call   ({} calls in {:.2} s)",
            self.calls as f64 / self.took.as_secs_f64(),
            at(0.50),
            at(0.99),
            self.cpu.as_secs_f64() * 1e6 / self.calls as f64,
            self.calls,
            self.took.as_secs_f64()
        );
    }
}

async fn sequential(session: &Session, calls: usize) -> Figures {
    let cpu = cpu_time();
    let start = Instant::now();
    let mut latencies = Vec::with_capacity(calls);
    for i in 0..calls {
        latencies.push(one_call(session, i).await);
    }
    Figures {
        calls,
        took: start.elapsed(),
        latencies,
        cpu: cpu_time() - cpu,
    }
}

async fn in_flight(session: &Session, calls: usize, width: usize) -> Figures {
    let cpu = cpu_time();
    let start = Instant::now();
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let workers: Vec<_> = (0..width)
        .map(|_| {
            let s = session.clone();
            let next = next.clone();
            tokio::spawn(async move {
                let mut mine = Vec::new();
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if i >= calls {
                        return mine;
                    }
                    mine.push(one_call(&s, i).await);
                }
            })
        })
        .collect();
    let mut latencies = Vec::with_capacity(calls);
    for w in workers {
        latencies.extend(w.await.expect("a worker"));
    }
    Figures {
        calls,
        took: start.elapsed(),
        latencies,
        cpu: cpu_time() - cpu,
    }
}

fn main() {
    let mut argv = std::env::args().skip(1);
    let calls: usize = argv
        .next()
        .map(|n| n.parse().expect("CALLS is a number"))
        .unwrap_or(5000);
    let bin = argv.next().map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("target/test-servers/node_modules/.bin/mcp-server-everything")
    });
    assert!(bin.exists(), "no server-everything at {}", bin.display());
    let server = Server::stdio("everything", bin.to_string_lossy(), vec![]);
    let opts = ConnectOptions::new(std::env::temp_dir(), Duration::from_secs(60));
    mcp::block_on(async {
        let session = mcp::connect(&server, &EnvResolver::environment_only(), &opts)
            .await
            .expect("server-everything starts");
        // Warm up node's JIT and our paths.
        sequential(&session, 500).await;
        println!("server-everything `echo` over stdio, one session:");
        sequential(&session, calls).await.print("one at a time");
        in_flight(&session, calls, 16).await.print("16 in flight");
        session.shutdown().await;
    });
}

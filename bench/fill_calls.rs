//! Fills a usage store with tool calls through `CallRecorder`, the gateway's own writer, and
//! prints how fast it took them. Used by `bench/mcp_stats.sh`.
//!
//! Usage: fill_calls DB CALLS DAYS   (calls spread evenly over the last DAYS days, oldest first)

use std::time::{Duration, Instant};

use aimcp::usage::calls::{CallOutcome, CallRecorder, ToolCall};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let [_, db, calls, days] = args.as_slice() else {
        anyhow::bail!("usage: fill_calls DB CALLS DAYS");
    };
    let n: u64 = calls.parse()?;
    let days: u64 = days.parse()?;
    let servers = [
        "github",
        "memory",
        "time",
        "filesystem",
        "fetch",
        "postgres",
        "slack",
        "everything",
    ];
    let now = jiff::Timestamp::now();
    let span_us = days * 86_400_000_000;
    let start = now - jiff::SignedDuration::from_micros(span_us as i64);
    let recorder = CallRecorder::start(&aimcp::usage::Db::with_machine(
        aimcp::usage::DbLocation::Sqlite(db.into()),
        "bench",
    ))?;
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let began = Instant::now();
    let mut most = Duration::ZERO;
    for i in 0..n {
        let r = next();
        let server = servers[(r % 8) as usize];
        let tool = format!("tool_{}", (r >> 8) % 6);
        // latencies from 0.1 ms to about 6 s, most of them small
        let latency_us = 100 + ((r >> 16) % 1_000) * ((r >> 32) % 60).pow(2);
        let outcome = match (r >> 40) % 100 {
            0 => CallOutcome::Timeout,
            1 => CallOutcome::ProtocolError,
            2..=4 => CallOutcome::ToolError,
            _ => CallOutcome::Ok,
        };
        let at = start + jiff::SignedDuration::from_micros((i * span_us / n.max(1)) as i64);
        let call = ToolCall {
            at,
            server: server.to_string(),
            tool,
            client: Some("claude-code".to_string()),
            latency_us,
            outcome,
            bytes_in: 100 + (r >> 48) % 400,
            bytes_out: 200 + (r >> 20) % 20_000,
            result_tokens: 50 + (r >> 24) % 5_000,
        };
        let t = Instant::now();
        recorder.record(call);
        most = most.max(t.elapsed());
        // the gateway's pace at most: let the writer keep up rather than measure drops
        if i % 4096 == 4095 {
            while recorder.written() + recorder.dropped() + 8192 < i {
                std::thread::sleep(Duration::from_micros(200));
            }
        }
    }
    let queued = began.elapsed();
    let dropped = recorder.dropped();
    recorder.finish();
    let all = began.elapsed();
    println!(
        "recorded {n} calls in {:.2} s: {:.0} calls/s written; longest record() {} µs; dropped {dropped}",
        all.as_secs_f64(),
        n as f64 / all.as_secs_f64(),
        most.as_micros()
    );
    let _ = queued;
    Ok(())
}

//! The gateway's metrics, as Prometheus text (exposition format 0.0.4) for `GET /metrics`:
//!
//! - `mcp_tool_calls_total{server,tool,outcome}` (counter): tool calls through the gateway;
//!   `outcome` is `ok`, `tool_error`, `protocol_error` or `timeout`.
//! - `mcp_tool_duration_seconds{server,tool}` (histogram, buckets from 0.1 ms to 60 s): how
//!   long each call took, from the client's request to the answer.
//! - `mcp_upstream_up{server}` (gauge): 1 while the upstream server is connected, else 0.
//!
//! and, read from the usage ledger at each scrape (OpenTelemetry's GenAI names and attributes,
//! Prometheus-style: `gen_ai.client.token.usage` with `gen_ai.provider.name`,
//! `gen_ai.request.model` and `gen_ai.token.type`):
//!
//! - `gen_ai_client_token_usage_total{gen_ai_provider_name,gen_ai_request_model,gen_ai_token_type}`
//!   (counter): tokens recorded, `gen_ai_token_type` one of `input`, `output`, `cache_read`,
//!   `cache_write`.
//! - `gen_ai_client_cost_usd_total{gen_ai_provider_name,gen_ai_request_model}` (counter): their
//!   cost in US dollars (exact to the nano-dollar; requests without a price are left out).
//! - `gen_ai_client_requests_total{gen_ai_provider_name,gen_ai_request_model}` (counter).
//!
//! The ledger's counters follow the store: a request recorded again under the same id replaces
//! its row, which Prometheus reads as a counter reset when a sum goes down.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, RwLock};
use std::time::Duration;

use crate::usage::calls::CallOutcome;

/// The upper bounds of the duration histogram's buckets, in microseconds (0.1 ms to 60 s).
const BUCKETS_US: [u64; 18] = [
    100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000,
    1_000_000, 2_500_000, 5_000_000, 10_000_000, 30_000_000, 60_000_000,
];

/// The counters of one (server, tool).
#[derive(Default)]
struct Series {
    outcomes: [AtomicU64; 4],
    /// Calls in each bucket (not cumulative), the last one past the largest bound.
    buckets: [AtomicU64; BUCKETS_US.len() + 1],
    sum_ns: AtomicU64,
}

/// The gateway's call metrics. `Send + Sync`: updated from many tasks at once, behind a read
/// lock and atomic counters (a write lock only the first time a tool is seen).
#[derive(Default)]
pub struct Metrics {
    calls: RwLock<BTreeMap<String, BTreeMap<String, Series>>>,
    up: Mutex<BTreeMap<String, bool>>,
}

impl Metrics {
    pub fn new() -> Self {
        Metrics::default()
    }

    /// Counts one call to `tool` of `server`, and how long it took.
    pub fn observe(&self, server: &str, tool: &str, outcome: CallOutcome, took: Duration) {
        let add = |s: &Series| {
            s.outcomes[outcome.index()].fetch_add(1, Ordering::Relaxed);
            let ns = took.as_nanos();
            let b = BUCKETS_US.partition_point(|le| u128::from(*le) * 1_000 < ns);
            s.buckets[b].fetch_add(1, Ordering::Relaxed);
            let ns = u64::try_from(took.as_nanos()).unwrap_or(u64::MAX);
            s.sum_ns.fetch_add(ns, Ordering::Relaxed);
        };
        {
            let calls = self.calls.read().unwrap_or_else(|e| e.into_inner());
            if let Some(s) = calls.get(server).and_then(|t| t.get(tool)) {
                add(s);
                return;
            }
        }
        let mut calls = self.calls.write().unwrap_or_else(|e| e.into_inner());
        let s = calls
            .entry(server.to_string())
            .or_default()
            .entry(tool.to_string())
            .or_default();
        add(s);
    }

    /// Says whether `server` is up (connected and answering).
    pub fn set_up(&self, server: &str, up: bool) {
        let mut m = self.up.lock().unwrap_or_else(|e| e.into_inner());
        m.insert(server.to_string(), up);
    }

    /// The Prometheus text (format 0.0.4): the call metrics, then the ledger's token, cost and
    /// request counters read from `db` (left out when `db` is `None` or no store is there; a
    /// store that cannot be read is said in a comment).
    pub fn render(&self, db: Option<&crate::usage::Db>) -> String {
        let mut out = String::new();
        self.render_calls(&mut out);
        if let Some(db) = db
            && match &db.location {
                crate::usage::DbLocation::Sqlite(path) => matches!(path.try_exists(), Ok(true)),
                crate::usage::DbLocation::Postgres(_) => true,
            }
            && let Err(e) = render_ledger(&mut out, db)
        {
            let why = format!("{e:#}").replace('\n', " ");
            let _ = writeln!(out, "# the usage ledger could not be read: {why}");
        }
        out
    }

    fn render_calls(&self, out: &mut String) {
        let calls = self.calls.read().unwrap_or_else(|e| e.into_inner());
        header(
            out,
            "mcp_tool_calls_total",
            "counter",
            "Tool calls through the gateway, by upstream server, tool and outcome.",
        );
        for (server, tools) in calls.iter() {
            for (tool, s) in tools {
                for o in CallOutcome::ALL {
                    let n = s.outcomes[o.index()].load(Ordering::Relaxed);
                    sample(
                        out,
                        "mcp_tool_calls_total",
                        &[("server", server), ("tool", tool), ("outcome", o.as_str())],
                        &n.to_string(),
                    );
                }
            }
        }
        header(
            out,
            "mcp_tool_duration_seconds",
            "histogram",
            "How long tool calls through the gateway took, in seconds.",
        );
        for (server, tools) in calls.iter() {
            for (tool, s) in tools {
                let mut cumulative = 0u64;
                for (i, count) in s.buckets.iter().enumerate() {
                    cumulative += count.load(Ordering::Relaxed);
                    let le = match BUCKETS_US.get(i) {
                        Some(us) => seconds(u128::from(*us) * 1_000),
                        None => "+Inf".to_string(),
                    };
                    sample(
                        out,
                        "mcp_tool_duration_seconds_bucket",
                        &[("server", server), ("tool", tool), ("le", &le)],
                        &cumulative.to_string(),
                    );
                }
                let labels = [("server", server.as_str()), ("tool", tool.as_str())];
                let sum = u128::from(s.sum_ns.load(Ordering::Relaxed));
                sample(out, "mcp_tool_duration_seconds_sum", &labels, &seconds(sum));
                sample(
                    out,
                    "mcp_tool_duration_seconds_count",
                    &labels,
                    &cumulative.to_string(),
                );
            }
        }
        drop(calls);
        let up = self.up.lock().unwrap_or_else(|e| e.into_inner());
        header(
            out,
            "mcp_upstream_up",
            "gauge",
            "Whether the upstream MCP server is connected (1) or not (0).",
        );
        for (server, up) in up.iter() {
            let v = if *up { "1" } else { "0" };
            sample(out, "mcp_upstream_up", &[("server", server)], v);
        }
    }
}

/// The ledger's counters, summed from its rollups by provider and model.
fn render_ledger(out: &mut String, db: &crate::usage::Db) -> anyhow::Result<()> {
    let store = crate::usage::open(db, crate::usage::OpenMode::Read)?;
    let groups = store.totals_by_model()?;
    let mut text = String::new();
    header(
        &mut text,
        "gen_ai_client_token_usage_total",
        "counter",
        "Tokens recorded in the usage ledger, by provider, model and token type.",
    );
    for (provider, model, t) in &groups {
        for (kind, n) in [
            ("input", t.input),
            ("output", t.output),
            ("cache_read", t.cache_read),
            ("cache_write", t.cache_write()),
        ] {
            sample(
                &mut text,
                "gen_ai_client_token_usage_total",
                &[
                    ("gen_ai_provider_name", provider),
                    ("gen_ai_request_model", model),
                    ("gen_ai_token_type", kind),
                ],
                &n.to_string(),
            );
        }
    }
    header(
        &mut text,
        "gen_ai_client_cost_usd_total",
        "counter",
        "Cost of the requests in the usage ledger, in US dollars (requests without a price left out).",
    );
    for (provider, model, t) in &groups {
        if t.unpriced < t.requests {
            sample(
                &mut text,
                "gen_ai_client_cost_usd_total",
                &[
                    ("gen_ai_provider_name", provider),
                    ("gen_ai_request_model", model),
                ],
                &crate::pricing::format_usd(t.cost_nanos),
            );
        }
    }
    header(
        &mut text,
        "gen_ai_client_requests_total",
        "counter",
        "Requests in the usage ledger, by provider and model.",
    );
    for (provider, model, t) in &groups {
        sample(
            &mut text,
            "gen_ai_client_requests_total",
            &[
                ("gen_ai_provider_name", provider),
                ("gen_ai_request_model", model),
            ],
            &t.requests.to_string(),
        );
    }
    out.push_str(&text);
    Ok(())
}

/// `# HELP` and `# TYPE` lines.
fn header(out: &mut String, name: &str, kind: &str, help: &str) {
    let help = help.replace('\\', "\\\\").replace('\n', "\\n");
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

/// One sample line, label values escaped (`\\`, `\"`, `\n`).
fn sample(out: &mut String, name: &str, labels: &[(&str, &str)], value: &str) {
    out.push_str(name);
    if !labels.is_empty() {
        out.push('{');
        for (i, (k, v)) in labels.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(k);
            out.push_str("=\"");
            for c in v.chars() {
                match c {
                    '\\' => out.push_str("\\\\"),
                    '"' => out.push_str("\\\""),
                    '\n' => out.push_str("\\n"),
                    c => out.push(c),
                }
            }
            out.push('"');
        }
        out.push('}');
    }
    out.push(' ');
    out.push_str(value);
    out.push('\n');
}

/// Nanoseconds as exact decimal seconds: `0.00025`, `1`, `2.5`.
fn seconds(ns: u128) -> String {
    let whole = ns / 1_000_000_000;
    let frac = ns % 1_000_000_000;
    if frac == 0 {
        return whole.to_string();
    }
    let digits = format!("{frac:09}");
    format!("{whole}.{}", digits.trim_end_matches('0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A strict reader of the text format 0.0.4, for what this module writes: every sample
    /// belongs to the family of the `# TYPE` line before it (with `_bucket`, `_sum`, `_count`
    /// for a histogram), names and label names are valid, label values escaped, values numbers,
    /// no series twice; a histogram's buckets rise in `le` and count, end with `+Inf`, and
    /// `+Inf` equals `_count`.
    pub(crate) fn check_text(text: &str) -> Result<(), String> {
        use std::collections::{HashMap, HashSet};
        fn name_ok(n: &str, label: bool) -> bool {
            let mut cs = n.chars();
            let first_ok = |c: char| c.is_ascii_alphabetic() || c == '_' || (!label && c == ':');
            cs.next().is_some_and(first_ok) && cs.all(|c| first_ok(c) || c.is_ascii_digit())
        }
        if !text.ends_with('\n') {
            return Err("the text does not end with a newline".into());
        }
        let mut family: Option<(String, String)> = None;
        let mut helped: HashSet<String> = HashSet::new();
        let mut typed: HashSet<String> = HashSet::new();
        let mut seen: HashSet<String> = HashSet::new();
        // histogram series (labels but `le`) -> (last le, last count, +Inf count)
        let mut hist: HashMap<String, (f64, f64, Option<f64>)> = HashMap::new();
        let mut counts: HashMap<String, f64> = HashMap::new();
        for (n, line) in text.lines().enumerate() {
            let at = |m: &str| format!("line {}: {m}: {line}", n + 1);
            if let Some(rest) = line.strip_prefix("# HELP ") {
                let (name, _) = rest
                    .split_once(' ')
                    .ok_or_else(|| at("HELP without text"))?;
                if !helped.insert(name.to_string()) {
                    return Err(at("HELP twice"));
                }
                continue;
            }
            if let Some(rest) = line.strip_prefix("# TYPE ") {
                let (name, kind) = rest
                    .split_once(' ')
                    .ok_or_else(|| at("TYPE without kind"))?;
                if !["counter", "gauge", "histogram", "summary", "untyped"].contains(&kind) {
                    return Err(at("unknown type"));
                }
                if !name_ok(name, false) || !typed.insert(name.to_string()) {
                    return Err(at("bad or repeated TYPE"));
                }
                family = Some((name.to_string(), kind.to_string()));
                continue;
            }
            if line.starts_with('#') {
                continue;
            }
            let (fam, kind) = family.clone().ok_or_else(|| at("sample before any TYPE"))?;
            let end = line.find(['{', ' ']).ok_or_else(|| at("no value"))?;
            let name = &line[..end];
            let suffix = name
                .strip_prefix(fam.as_str())
                .ok_or_else(|| at("not of its family"))?;
            let allowed: &[&str] = if kind == "histogram" {
                &["_bucket", "_sum", "_count"]
            } else {
                &[""]
            };
            if !allowed.contains(&suffix) {
                return Err(at("a sample name its TYPE does not allow"));
            }
            let mut rest = &line[end..];
            let mut labels: Vec<(String, String)> = Vec::new();
            if let Some(r) = rest.strip_prefix('{') {
                let mut chars = r.char_indices().peekable();
                let close;
                loop {
                    let (i, _) = *chars.peek().ok_or_else(|| at("unclosed labels"))?;
                    if r[i..].starts_with('}') {
                        close = i;
                        break;
                    }
                    let eq = r[i..]
                        .find("=\"")
                        .ok_or_else(|| at("label without value"))?
                        + i;
                    let lname = &r[i..eq];
                    if !name_ok(lname, true) {
                        return Err(at("bad label name"));
                    }
                    let mut value = String::new();
                    let mut j = eq + 2;
                    loop {
                        let c = r[j..].chars().next().ok_or_else(|| at("unclosed value"))?;
                        j += c.len_utf8();
                        match c {
                            '"' => break,
                            '\\' => {
                                let e = r[j..].chars().next().ok_or_else(|| at("bad escape"))?;
                                j += 1;
                                value.push(match e {
                                    '\\' => '\\',
                                    '"' => '"',
                                    'n' => '\n',
                                    _ => return Err(at("bad escape")),
                                });
                            }
                            '\n' => return Err(at("raw newline in a value")),
                            c => value.push(c),
                        }
                    }
                    if labels.iter().any(|(k, _)| k == lname) {
                        return Err(at("label twice"));
                    }
                    labels.push((lname.to_string(), value));
                    if r[j..].starts_with(',') {
                        j += 1;
                    }
                    while chars.peek().is_some_and(|(k, _)| *k < j) {
                        chars.next();
                    }
                }
                rest = &r[close + 1..];
            }
            let value = rest
                .strip_prefix(' ')
                .ok_or_else(|| at("no space before the value"))?;
            let v: f64 = match value {
                "+Inf" => f64::INFINITY,
                "-Inf" => f64::NEG_INFINITY,
                "NaN" => f64::NAN,
                v => v.parse().map_err(|_| at("value is not a number"))?,
            };
            if kind == "counter" && (v.is_nan() || v < 0.0) {
                return Err(at("a counter below 0"));
            }
            let mut key_labels = labels.clone();
            key_labels.sort();
            if !seen.insert(format!("{name}{key_labels:?}")) {
                return Err(at("series twice"));
            }
            if kind == "histogram" {
                let le = labels
                    .iter()
                    .find(|(k, _)| k == "le")
                    .map(|(_, v)| v.clone());
                let series: Vec<_> = key_labels.iter().filter(|(k, _)| k != "le").collect();
                let skey = format!("{fam}{series:?}");
                match suffix {
                    "_bucket" => {
                        let le = le.ok_or_else(|| at("a bucket without `le`"))?;
                        let le: f64 = if le == "+Inf" {
                            f64::INFINITY
                        } else {
                            le.parse().map_err(|_| at("`le` is not a number"))?
                        };
                        let e = hist.entry(skey).or_insert((f64::NEG_INFINITY, 0.0, None));
                        if e.2.is_some() || le <= e.0 || v < e.1 {
                            return Err(at("buckets out of order"));
                        }
                        *e = (le, v, le.is_infinite().then_some(v));
                    }
                    "_count" => {
                        counts.insert(skey, v);
                    }
                    _ => {}
                }
            }
        }
        for (series, (_, _, inf)) in &hist {
            let inf = inf.ok_or_else(|| format!("{series}: no `+Inf` bucket"))?;
            if counts.get(series) != Some(&inf) {
                return Err(format!("{series}: `_count` is not the `+Inf` bucket"));
            }
        }
        if let Some(missing) = helped.symmetric_difference(&typed).next() {
            return Err(format!("`{missing}` has HELP or TYPE but not both"));
        }
        Ok(())
    }

    /// `promtool check metrics` on the text, when promtool is installed (the `prometheus`
    /// Debian package, which `.ci/run` installs); `false` when it is not there. On CI (`CI`
    /// set) a missing promtool fails the test: the check must not quietly not run there.
    fn promtool(text: &str) -> bool {
        use std::io::Write;
        let Ok(mut child) = std::process::Command::new("promtool")
            .args(["check", "metrics"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
        else {
            let ci = std::env::var("CI").unwrap_or_default();
            assert!(
                matches!(ci.as_str(), "" | "0" | "false"),
                "promtool is not installed: on CI, `.ci/run` installs it (Debian's `prometheus`)"
            );
            return false;
        };
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "promtool check metrics: {}{}\n{text}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        true
    }

    fn request(
        provider: &str,
        model: &str,
        input: u64,
        cost: Option<i64>,
    ) -> crate::usage::Request {
        crate::usage::Request {
            ts_ms: 1_770_000_000_000,
            provider: provider.into(),
            model: model.into(),
            user: "u".into(),
            project: "p".into(),
            org: String::new(),
            session: None,
            source: "manual".into(),
            request_id: None,
            tokens: crate::pricing::Tokens {
                input,
                output: 7,
                cache_read: 3,
                cache_write_5m: 2,
                cache_write_1h: 1,
            },
            reasoning: 0,
            cost_nanos: cost.unwrap_or(0),
            cost_source: if cost.is_some() {
                crate::usage::CostSource::Given
            } else {
                crate::usage::CostSource::Unpriced
            },
            price_version: None,
            latency_ms: None,
            success: true,
        }
    }

    /// The ledger's counters, read from a real store at render: tokens by provider, model and
    /// type, the exact cost (none for a model without a price), requests. The whole text passes
    /// the strict reader and, where installed, promtool.
    #[test]
    fn the_ledger_counters_are_read_from_the_store() {
        let dir = tempfile::tempdir().unwrap();
        let sqlite = |p: std::path::PathBuf| {
            crate::usage::Db::with_machine(crate::usage::DbLocation::Sqlite(p), "m")
        };
        let db = sqlite(dir.path().join("usage.db"));
        let mut store = crate::usage::open(&db, crate::usage::OpenMode::Write).unwrap();
        store
            .record(&[
                request("anthropic", "claude-sonnet-4-5", 10, Some(1_234_567_891)),
                request("anthropic", "claude-sonnet-4-5", 5, Some(1)),
                request("acme", "my \"model\"", 1, None),
            ])
            .unwrap();
        drop(store);
        let m = Metrics::new();
        m.observe("s", "t", CallOutcome::Ok, Duration::from_millis(3));
        m.set_up("s", true);
        let text = m.render(Some(&db));
        let ledger = &text[text.find("# HELP gen_ai").unwrap()..];
        insta::assert_snapshot!(ledger, @r#"
        # HELP gen_ai_client_token_usage_total Tokens recorded in the usage ledger, by provider, model and token type.
        # TYPE gen_ai_client_token_usage_total counter
        gen_ai_client_token_usage_total{gen_ai_provider_name="acme",gen_ai_request_model="my \"model\"",gen_ai_token_type="input"} 1
        gen_ai_client_token_usage_total{gen_ai_provider_name="acme",gen_ai_request_model="my \"model\"",gen_ai_token_type="output"} 7
        gen_ai_client_token_usage_total{gen_ai_provider_name="acme",gen_ai_request_model="my \"model\"",gen_ai_token_type="cache_read"} 3
        gen_ai_client_token_usage_total{gen_ai_provider_name="acme",gen_ai_request_model="my \"model\"",gen_ai_token_type="cache_write"} 3
        gen_ai_client_token_usage_total{gen_ai_provider_name="anthropic",gen_ai_request_model="claude-sonnet-4-5",gen_ai_token_type="input"} 15
        gen_ai_client_token_usage_total{gen_ai_provider_name="anthropic",gen_ai_request_model="claude-sonnet-4-5",gen_ai_token_type="output"} 14
        gen_ai_client_token_usage_total{gen_ai_provider_name="anthropic",gen_ai_request_model="claude-sonnet-4-5",gen_ai_token_type="cache_read"} 6
        gen_ai_client_token_usage_total{gen_ai_provider_name="anthropic",gen_ai_request_model="claude-sonnet-4-5",gen_ai_token_type="cache_write"} 6
        # HELP gen_ai_client_cost_usd_total Cost of the requests in the usage ledger, in US dollars (requests without a price left out).
        # TYPE gen_ai_client_cost_usd_total counter
        gen_ai_client_cost_usd_total{gen_ai_provider_name="anthropic",gen_ai_request_model="claude-sonnet-4-5"} 1.234567892
        # HELP gen_ai_client_requests_total Requests in the usage ledger, by provider and model.
        # TYPE gen_ai_client_requests_total counter
        gen_ai_client_requests_total{gen_ai_provider_name="acme",gen_ai_request_model="my \"model\""} 1
        gen_ai_client_requests_total{gen_ai_provider_name="anthropic",gen_ai_request_model="claude-sonnet-4-5"} 2
        "#);
        check_text(&text).unwrap();
        promtool(&text);
        // a missing store: the call metrics only, and nothing created
        let missing = sqlite(dir.path().join("none").join("usage.db"));
        let text = m.render(Some(&missing));
        assert!(!text.contains("gen_ai"), "{text}");
        assert!(!dir.path().join("none").exists());
        check_text(&text).unwrap();
        // a file that is not a store: said in a comment, the text still valid
        let garbage = dir.path().join("garbage.db");
        std::fs::write(
            &garbage,
            "not a database, but long enough to be read as one".repeat(50),
        )
        .unwrap();
        let text = m.render(Some(&sqlite(garbage)));
        assert!(
            text.contains("\n# the usage ledger could not be read: "),
            "{text}"
        );
        assert!(!text.contains("gen_ai"), "{text}");
        check_text(&text).unwrap();
        promtool(&text);
    }

    /// The strict reader refuses what Prometheus would: it can fail.
    #[test]
    fn the_strict_reader_refuses_bad_text() {
        let good = "# HELP a_total x\n# TYPE a_total counter\na_total{k=\"v\"} 1\n";
        check_text(good).unwrap();
        for bad in [
            "a_total 1\n",
            "# HELP a_total x\n# TYPE a_total counter\na_total{k=\"v\"} x\n",
            "# HELP a_total x\n# TYPE a_total counter\na_total{k=\"v\\q\"} 1\n",
            "# HELP a_total x\n# TYPE a_total counter\na_total 1\na_total 2\n",
            "# HELP h x\n# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_count 1\n",
            "# HELP h x\n# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_count 1\n",
            "# HELP a_total x\n# TYPE a_total counter\nb_total 1\n",
        ] {
            assert!(check_text(bad).is_err(), "{bad}");
        }
    }

    /// Every text this module writes passes the strict reader and, where installed, promtool.
    #[test]
    fn the_call_metrics_pass_the_checks() {
        let m = Metrics::new();
        m.observe(
            "a\"b\\c\nd",
            "t",
            CallOutcome::ToolError,
            Duration::from_micros(100),
        );
        m.observe("time", "get", CallOutcome::Ok, Duration::from_micros(300));
        m.set_up("time", true);
        let text = m.render(None);
        check_text(&text).unwrap();
        promtool(&text);
        check_text(&Metrics::new().render(None)).unwrap();
        promtool(&Metrics::new().render(None));
    }

    #[test]
    fn seconds_are_exact_decimals() {
        assert_eq!(seconds(100_000), "0.0001");
        assert_eq!(seconds(250_000), "0.00025");
        assert_eq!(seconds(60_000_000_000), "60");
        assert_eq!(seconds(2_500_000_000), "2.5");
        assert_eq!(seconds(0), "0");
    }

    /// The whole text for two calls and an upstream: buckets cumulative, sums exact, label
    /// values escaped.
    #[test]
    fn the_call_metrics_as_text() {
        let m = Metrics::new();
        m.observe("time", "get", CallOutcome::Ok, Duration::from_micros(300));
        m.observe("time", "get", CallOutcome::Timeout, Duration::from_secs(61));
        m.observe(
            "a\"b\\c\nd",
            "t",
            CallOutcome::ToolError,
            Duration::from_micros(100),
        );
        m.set_up("time", true);
        m.set_up("down", false);
        insta::assert_snapshot!(m.render(None), @r#"
        # HELP mcp_tool_calls_total Tool calls through the gateway, by upstream server, tool and outcome.
        # TYPE mcp_tool_calls_total counter
        mcp_tool_calls_total{server="a\"b\\c\nd",tool="t",outcome="ok"} 0
        mcp_tool_calls_total{server="a\"b\\c\nd",tool="t",outcome="tool_error"} 1
        mcp_tool_calls_total{server="a\"b\\c\nd",tool="t",outcome="protocol_error"} 0
        mcp_tool_calls_total{server="a\"b\\c\nd",tool="t",outcome="timeout"} 0
        mcp_tool_calls_total{server="time",tool="get",outcome="ok"} 1
        mcp_tool_calls_total{server="time",tool="get",outcome="tool_error"} 0
        mcp_tool_calls_total{server="time",tool="get",outcome="protocol_error"} 0
        mcp_tool_calls_total{server="time",tool="get",outcome="timeout"} 1
        # HELP mcp_tool_duration_seconds How long tool calls through the gateway took, in seconds.
        # TYPE mcp_tool_duration_seconds histogram
        mcp_tool_duration_seconds_bucket{server="a\"b\\c\nd",tool="t",le="0.0001"} 1
        mcp_tool_duration_seconds_bucket{server="a\"b\\c\nd",tool="t",le="0.00025"} 1
        mcp_tool_duration_seconds_bucket{server="a\"b\\c\nd",tool="t",le="0.0005"} 1
        mcp_tool_duration_seconds_bucket{server="a\"b\\c\nd",tool="t",le="0.001"} 1
        mcp_tool_duration_seconds_bucket{server="a\"b\\c\nd",tool="t",le="0.0025"} 1
        mcp_tool_duration_seconds_bucket{server="a\"b\\c\nd",tool="t",le="0.005"} 1
        mcp_tool_duration_seconds_bucket{server="a\"b\\c\nd",tool="t",le="0.01"} 1
        mcp_tool_duration_seconds_bucket{server="a\"b\\c\nd",tool="t",le="0.025"} 1
        mcp_tool_duration_seconds_bucket{server="a\"b\\c\nd",tool="t",le="0.05"} 1
        mcp_tool_duration_seconds_bucket{server="a\"b\\c\nd",tool="t",le="0.1"} 1
        mcp_tool_duration_seconds_bucket{server="a\"b\\c\nd",tool="t",le="0.25"} 1
        mcp_tool_duration_seconds_bucket{server="a\"b\\c\nd",tool="t",le="0.5"} 1
        mcp_tool_duration_seconds_bucket{server="a\"b\\c\nd",tool="t",le="1"} 1
        mcp_tool_duration_seconds_bucket{server="a\"b\\c\nd",tool="t",le="2.5"} 1
        mcp_tool_duration_seconds_bucket{server="a\"b\\c\nd",tool="t",le="5"} 1
        mcp_tool_duration_seconds_bucket{server="a\"b\\c\nd",tool="t",le="10"} 1
        mcp_tool_duration_seconds_bucket{server="a\"b\\c\nd",tool="t",le="30"} 1
        mcp_tool_duration_seconds_bucket{server="a\"b\\c\nd",tool="t",le="60"} 1
        mcp_tool_duration_seconds_bucket{server="a\"b\\c\nd",tool="t",le="+Inf"} 1
        mcp_tool_duration_seconds_sum{server="a\"b\\c\nd",tool="t"} 0.0001
        mcp_tool_duration_seconds_count{server="a\"b\\c\nd",tool="t"} 1
        mcp_tool_duration_seconds_bucket{server="time",tool="get",le="0.0001"} 0
        mcp_tool_duration_seconds_bucket{server="time",tool="get",le="0.00025"} 0
        mcp_tool_duration_seconds_bucket{server="time",tool="get",le="0.0005"} 1
        mcp_tool_duration_seconds_bucket{server="time",tool="get",le="0.001"} 1
        mcp_tool_duration_seconds_bucket{server="time",tool="get",le="0.0025"} 1
        mcp_tool_duration_seconds_bucket{server="time",tool="get",le="0.005"} 1
        mcp_tool_duration_seconds_bucket{server="time",tool="get",le="0.01"} 1
        mcp_tool_duration_seconds_bucket{server="time",tool="get",le="0.025"} 1
        mcp_tool_duration_seconds_bucket{server="time",tool="get",le="0.05"} 1
        mcp_tool_duration_seconds_bucket{server="time",tool="get",le="0.1"} 1
        mcp_tool_duration_seconds_bucket{server="time",tool="get",le="0.25"} 1
        mcp_tool_duration_seconds_bucket{server="time",tool="get",le="0.5"} 1
        mcp_tool_duration_seconds_bucket{server="time",tool="get",le="1"} 1
        mcp_tool_duration_seconds_bucket{server="time",tool="get",le="2.5"} 1
        mcp_tool_duration_seconds_bucket{server="time",tool="get",le="5"} 1
        mcp_tool_duration_seconds_bucket{server="time",tool="get",le="10"} 1
        mcp_tool_duration_seconds_bucket{server="time",tool="get",le="30"} 1
        mcp_tool_duration_seconds_bucket{server="time",tool="get",le="60"} 1
        mcp_tool_duration_seconds_bucket{server="time",tool="get",le="+Inf"} 2
        mcp_tool_duration_seconds_sum{server="time",tool="get"} 61.0003
        mcp_tool_duration_seconds_count{server="time",tool="get"} 2
        # HELP mcp_upstream_up Whether the upstream MCP server is connected (1) or not (0).
        # TYPE mcp_upstream_up gauge
        mcp_upstream_up{server="down"} 0
        mcp_upstream_up{server="time"} 1
        "#);
    }
}

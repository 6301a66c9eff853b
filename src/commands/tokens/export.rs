//! `aimcp tokens export`: every request in a window, as CSV or JSON lines, one row at a time.

use jiff::Timestamp;
use serde::Serialize;

use crate::pricing::{Usd, format_usd};
use crate::printer::Printer;
use crate::settings::Globals;
use crate::usage::{CostSource, Request};

use super::{read_store, refuse_with_json};
use crate::error::usage;
use crate::window::{Bound, zone};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Jsonl,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub format: Format,
    pub since: Option<Bound>,
    pub until: Option<Bound>,
}

const HEADER: &str = "time,provider,model,user,project,org,session,source,request_id,input_tokens,\
output_tokens,cache_read_tokens,cache_write_5m_tokens,cache_write_1h_tokens,reasoning_tokens,\
cost_usd,cost_source,price_version,latency_ms,success\n";

fn csv(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn time(ms: i64) -> String {
    Timestamp::from_millisecond(ms)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

fn csv_row(r: &Request, out: &mut String) {
    use std::fmt::Write;
    let _ = writeln!(
        out,
        "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
        time(r.ts_ms),
        csv(&r.provider),
        csv(&r.model),
        csv(&r.user),
        csv(&r.project),
        csv(&r.org),
        csv(r.session.as_deref().unwrap_or("")),
        csv(&r.source),
        csv(r.request_id.as_deref().unwrap_or("")),
        r.tokens.input,
        r.tokens.output,
        r.tokens.cache_read,
        r.tokens.cache_write_5m,
        r.tokens.cache_write_1h,
        r.reasoning,
        // an unpriced request's cost is not known: empty, never 0
        if r.cost_source == CostSource::Unpriced {
            String::new()
        } else {
            format_usd(r.cost_nanos)
        },
        r.cost_source.as_str(),
        csv(r.price_version.as_deref().unwrap_or("")),
        r.latency_ms.map(|l| l.to_string()).unwrap_or_default(),
        r.success
    );
}

/// One line of `export --jsonl`.
#[derive(Serialize)]
struct Row<'a> {
    time: String,
    provider: &'a str,
    model: &'a str,
    user: &'a str,
    project: &'a str,
    org: &'a str,
    session: Option<&'a str>,
    source: &'a str,
    request_id: Option<&'a str>,
    input_tokens: u64,
    output_tokens: u64,
    cache_read_tokens: u64,
    cache_write_5m_tokens: u64,
    cache_write_1h_tokens: u64,
    reasoning_tokens: u64,
    /// Exact dollars; `null` for an unpriced request (its cost is not known).
    cost_usd: Option<Usd>,
    cost_source: &'a str,
    price_version: Option<&'a str>,
    latency_ms: Option<u64>,
    success: bool,
}

fn jsonl_row(r: &Request, out: &mut String) -> anyhow::Result<()> {
    let row = Row {
        time: time(r.ts_ms),
        provider: &r.provider,
        model: &r.model,
        user: &r.user,
        project: &r.project,
        org: &r.org,
        session: r.session.as_deref(),
        source: &r.source,
        request_id: r.request_id.as_deref(),
        input_tokens: r.tokens.input,
        output_tokens: r.tokens.output,
        cache_read_tokens: r.tokens.cache_read,
        cache_write_5m_tokens: r.tokens.cache_write_5m,
        cache_write_1h_tokens: r.tokens.cache_write_1h,
        reasoning_tokens: r.reasoning,
        cost_usd: Usd::known(r.cost_nanos, r.cost_source != CostSource::Unpriced),
        cost_source: r.cost_source.as_str(),
        price_version: r.price_version.as_deref(),
        latency_ms: r.latency_ms,
        success: r.success,
    };
    out.push_str(&serde_json::to_string(&row)?);
    out.push('\n');
    Ok(())
}

pub fn run(globals: &Globals, s: Settings, printer: &Printer) -> anyhow::Result<()> {
    let flag = match s.format {
        Format::Csv => "--csv",
        Format::Jsonl => "--jsonl",
    };
    refuse_with_json(globals, flag, true)?;
    let tz = zone(None)?;
    let start = s.since.map(|b| b.start_ms(&tz)).transpose()?;
    let end = s.until.map(|b| b.end_ms(&tz)).transpose()?;
    if let (Some(start), Some(end)) = (start, end)
        && end <= start
    {
        return Err(usage("`--until` is before `--since`").into());
    }
    let (start, end) = (start.unwrap_or(i64::MIN), end.unwrap_or(i64::MAX));
    let store = read_store(globals)?;
    let mut buf = String::with_capacity(1 << 16);
    if s.format == Format::Csv {
        buf.push_str(HEADER);
    }
    store.each_request(start, end, &mut |r| {
        match s.format {
            Format::Csv => csv_row(r, &mut buf),
            Format::Jsonl => jsonl_row(r, &mut buf)?,
        }
        if buf.len() >= 1 << 16 {
            printer.write(&buf)?;
            buf.clear();
        }
        Ok(())
    })?;
    if !buf.is_empty() {
        printer.write(&buf)?;
    }
    Ok(())
}

//! `aimcp mcp stats`: the call ledger by server, tool or day.

use comfy_table::{Cell, CellAlignment};

use crate::commands::tokens::{read_store, refuse_with_json, thousands};
use crate::printer::Printer;
use crate::settings::Globals;
use crate::usage::calls::{CallStats, StatsBy, StatsReport};
use crate::window::{WindowSpec, zone_name};

#[derive(Debug, Clone)]
pub struct Settings {
    /// The window, in the zone whose days the window and rows follow.
    pub window: WindowSpec,
    pub by: StatsBy,
    pub csv: bool,
}

pub fn run(globals: &Globals, s: Settings, printer: &Printer) -> anyhow::Result<()> {
    refuse_with_json(globals, "--csv", s.csv)?;
    let w = s.window.resolve(globals.now)?;
    let tz = &s.window.tz;
    let store = read_store(globals)?;
    let report = store.call_stats(w.start, w.end, s.by, tz)?;
    drop(store);
    let empty = report.totals.calls == 0;
    if printer.is_json() {
        printer.json(&report.document(s.by, w.start, w.end, &zone_name(tz))?)?;
    } else if s.csv {
        printer.write(&csv(&report, s.by))?;
    } else if !empty {
        print_table(&report, s.by, printer)?;
    }
    if empty {
        let days = if w.first_day == w.last_day {
            format!("on {}", w.first_day)
        } else {
            format!("from {} to {}", w.first_day, w.last_day)
        };
        printer.info(format!("no tool calls recorded {days}"));
        printer
            .hint("`aimcp mcp serve` records every tool call it passes on (unless `--no-record`)");
    }
    Ok(())
}

/// What the key column is called.
fn label(by: StatsBy) -> &'static str {
    match by {
        StatsBy::Server => "server",
        StatsBy::Tool => "tool",
        StatsBy::Day => "date",
    }
}

/// A latency for people: `0.35 ms`, `12.4 ms`, `1.25 s`, or `-` without calls.
fn latency(us: Option<u64>) -> String {
    match us {
        None => "-".to_string(),
        Some(us) if us < 10_000 => format!("{:.2} ms", us as f64 / 1000.0),
        Some(us) if us < 1_000_000 => format!("{:.1} ms", us as f64 / 1000.0),
        Some(us) => format!("{:.2} s", us as f64 / 1_000_000.0),
    }
}

/// A size for people: `512 B`, `1.5 KiB`, `12.3 MiB`.
fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut v = n as f64 / 1024.0;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    format!("{v:.1} {}", UNITS[unit])
}

/// `3 (1.5%)`: errors and their share of the calls.
fn errors(s: &CallStats) -> String {
    if s.errors == 0 || s.calls == 0 {
        return thousands(s.errors as i64);
    }
    format!(
        "{} ({:.1}%)",
        thousands(s.errors as i64),
        s.errors as f64 * 100.0 / s.calls as f64
    )
}

fn print_table(report: &StatsReport, by: StatsBy, printer: &Printer) -> anyhow::Result<()> {
    let mut table = printer.table();
    let header = [
        label(by),
        "calls",
        "errors",
        "p50",
        "p95",
        "max",
        "bytes in",
        "bytes out",
        "result tokens",
    ];
    table.set_header(header);
    let line = |key: &str, s: &CallStats| {
        let right = |t: String| Cell::new(t).set_alignment(CellAlignment::Right);
        vec![
            Cell::new(key),
            right(thousands(s.calls as i64)),
            right(errors(s)),
            right(latency(s.p50_us)),
            right(latency(s.p95_us)),
            right(latency(s.max_us)),
            right(bytes(s.bytes_in)),
            right(bytes(s.bytes_out)),
            right(thousands(s.result_tokens as i64)),
        ]
    };
    for (key, s) in &report.rows {
        table.add_row(line(key, s));
    }
    table.add_row(line("total", &report.totals));
    for i in 1..header.len() {
        if let Some(c) = table.column_mut(i) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    printer.print_table(&table)
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The rows as CSV (latencies in milliseconds, empty without calls); no totals row.
fn csv(report: &StatsReport, by: StatsBy) -> String {
    let mut out = format!(
        "{},calls,errors,p50_ms,p95_ms,max_ms,bytes_in,bytes_out,result_tokens,tool_errors,\
         protocol_errors,timeouts\n",
        label(by)
    );
    let ms = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    for (key, s) in &report.rows {
        let f = s.figures();
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{},{},{}\n",
            csv_field(key),
            f.calls,
            f.errors,
            ms(f.p50_ms),
            ms(f.p95_ms),
            ms(f.max_ms),
            f.bytes_in,
            f.bytes_out,
            f.result_tokens,
            f.tool_errors,
            f.protocol_errors,
            f.timeouts
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_latencies_read_well() {
        assert_eq!(bytes(0), "0 B");
        assert_eq!(bytes(1023), "1023 B");
        assert_eq!(bytes(1536), "1.5 KiB");
        assert_eq!(bytes(100 << 20), "100.0 MiB");
        assert_eq!(latency(None), "-");
        assert_eq!(latency(Some(350)), "0.35 ms");
        assert_eq!(latency(Some(12_440)), "12.4 ms");
        assert_eq!(latency(Some(1_250_000)), "1.25 s");
    }
}

//! The report for a terminal: tables (box drawing at a terminal, plain columns elsewhere) and a
//! sparkline of the daily cost.

use comfy_table::{Cell, CellAlignment, ContentArrangement, Table, presets};

use super::{model_cells, pct, share, sparkline};
use crate::usage::report::{Report, money, thousands};

fn table(tty: bool) -> Table {
    let mut t = Table::new();
    if tty {
        t.load_style(presets::UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic);
    } else {
        t.load_style(presets::NOTHING)
            .set_content_arrangement(ContentArrangement::Disabled);
    }
    t.force_no_tty();
    t
}

fn push_table(out: &mut String, t: &Table, tty: bool) {
    for line in t.lines() {
        if tty {
            out.push_str(&line);
        } else {
            out.push_str(line.strip_prefix(' ').unwrap_or(&line).trim_end());
        }
        out.push('\n');
    }
}

/// A name from the ledger (a model, user or project, as a log wrote it): control characters
/// would move the cursor or recolour the terminal, so each shows as U+FFFD.
fn visible(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { '\u{fffd}' } else { c })
        .collect()
}

fn right(s: impl Into<String>) -> Cell {
    Cell::new(s.into()).set_alignment(CellAlignment::Right)
}

pub fn render(r: &Report, tty: bool) -> String {
    let mut out = String::new();
    let first = r.daily.first().map(|d| d.date.as_str()).unwrap_or("");
    let last = r.daily.last().map(|d| d.date.as_str()).unwrap_or("");
    out.push_str(&format!(
        "Usage report {first} to {last} ({} days, {})\n\n",
        r.window.days, r.window.time_zone
    ));

    // totals and trend
    out.push_str("TOTALS (against the previous window of the same length)\n");
    let mut t = table(tty);
    t.set_header(vec!["", "this window", "previous", "change"]);
    let cpr = |u: Option<crate::pricing::Usd>| u.map_or_else(|| "-".to_string(), |u| money(u.0));
    t.add_row(vec![
        Cell::new("cost"),
        right(money(r.totals.cost_usd.0)),
        right(money(r.previous.cost_usd.0)),
        right(pct(r.change_percent.cost)),
    ]);
    t.add_row(vec![
        Cell::new("requests"),
        right(thousands(r.totals.requests)),
        right(thousands(r.previous.requests)),
        right(pct(r.change_percent.requests)),
    ]);
    t.add_row(vec![
        Cell::new("tokens"),
        right(thousands(r.totals.total_tokens)),
        right(thousands(r.previous.total_tokens)),
        right(pct(r.change_percent.tokens)),
    ]);
    t.add_row(vec![
        Cell::new("cost per request"),
        right(cpr(r.totals.cost_per_request_usd)),
        right(cpr(r.previous.cost_per_request_usd)),
        right(pct(r.change_percent.cost_per_request)),
    ]);
    push_table(&mut out, &t, tty);
    let costs: Vec<i64> = r.daily.iter().map(|d| d.cost_usd.0).collect();
    let max = costs.iter().copied().max().unwrap_or(0);
    out.push_str(&format!(
        "daily cost  {}  (highest {})\n\n",
        sparkline(&costs),
        money(max)
    ));

    // forecast
    let f = &r.forecast;
    out.push_str(&format!("FORECAST for {}\n", f.month));
    out.push_str(&format!(
        "month to date {}; month end {} (range {} to {}), at {} a day for {:.1} more days\n",
        money(f.month_to_date_usd.0),
        money(f.month_end_usd.0),
        money(f.low_usd.0),
        money(f.high_usd.0),
        money(f.daily_rate_usd.0),
        f.days_left
    ));
    out.push_str(&format!("method: {}\n", f.method));
    for b in &f.budgets {
        let when = match (&b.crossed_on, b.already_crossed, b.days_over.len()) {
            (Some(d), true, _) => format!("passed on {d}"),
            (Some(d), false, _) => format!("expected to be passed on {d}"),
            (None, _, 0) => "not passed".to_string(),
            (None, _, n) => format!("passed on {n} of the window's days"),
        };
        out.push_str(&format!(
            "budget {} ({} {}, {}): {when}\n",
            b.id,
            b.period,
            money(b.limit_usd.0),
            b.scope
        ));
    }
    out.push('\n');

    // breakdown
    out.push_str(&format!("BY {}\n", r.breakdown.by.to_uppercase()));
    let mut t = table(tty);
    t.set_header(vec![
        r.breakdown.by,
        "requests",
        "cost",
        "share",
        "previous",
        "change",
    ]);
    for row in &r.breakdown.rows {
        t.add_row(vec![
            Cell::new(visible(&row.key)),
            right(thousands(row.requests)),
            right(money(row.cost_usd.0)),
            right(share(row.share)),
            right(money(row.previous_usd.0)),
            right(pct(row.change_percent)),
        ]);
    }
    push_table(&mut out, &t, tty);
    out.push('\n');

    // models
    out.push_str("MODELS\n");
    let mut t = table(tty);
    t.set_header(vec![
        "model",
        "share",
        "cost",
        "per 1k out",
        "per request",
        "requests",
        "avg in",
        "avg out",
        "avg cache r",
        "avg cache w",
        "failed",
        "latency",
    ]);
    for m in &r.models {
        let mut cells = model_cells(m).into_iter();
        let name = Cell::new(visible(&cells.next().unwrap_or_default()));
        t.add_row(
            std::iter::once(name)
                .chain(cells.map(right))
                .collect::<Vec<_>>(),
        );
    }
    push_table(&mut out, &t, tty);
    out.push('\n');

    // cache
    let c = &r.cache;
    out.push_str("CACHE\n");
    out.push_str(&format!(
        "hit ratio {}; saved {} against the full input price\n",
        c.hit_ratio.map_or_else(|| "-".into(), share),
        money(c.saved_usd.0)
    ));
    out.push_str(&format!(
        "writes: 5-minute {} tokens ({}), 1-hour {} tokens ({})\n",
        thousands(c.write_5m_tokens),
        money(c.write_5m_usd.0),
        thousands(c.write_1h_tokens),
        money(c.write_1h_usd.0)
    ));
    out.push_str(&format!(
        "never read within their lifetime: {} writes, {} tokens, {} in {} sessions\n\n",
        thousands(c.unread_writes),
        thousands(c.unread_write_tokens),
        money(c.unread_writes_usd.0),
        thousands(c.unread_sessions)
    ));

    // anomalies
    out.push_str("ANOMALIES\n");
    if r.anomalies.is_empty() {
        out.push_str("none\n");
    } else {
        let mut t = table(tty);
        t.set_header(vec!["date", "kind", "name", "cost", "median", "threshold"]);
        for a in &r.anomalies {
            t.add_row(vec![
                Cell::new(&a.date),
                Cell::new(a.kind),
                Cell::new(visible(&a.key)),
                right(money(a.cost_usd.0)),
                right(money(a.median_usd.0)),
                right(money(a.threshold_usd.0)),
            ]);
        }
        push_table(&mut out, &t, tty);
    }
    out.push_str(&format!("rule: {}\n\n", r.anomaly_rule));

    // recommendations
    out.push_str("RECOMMENDATIONS\n");
    if r.recommendations.is_empty() {
        out.push_str("none\n");
    }
    for (i, rec) in r.recommendations.iter().enumerate() {
        let saving = rec
            .saving_usd
            .map(|u| format!(" [{}]", money(u.0)))
            .unwrap_or_default();
        out.push_str(&format!("{}. {}{saving}\n", i + 1, visible(&rec.message)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::visible;

    #[test]
    fn control_characters_in_names_cannot_reach_the_terminal() {
        assert_eq!(visible("gpt\u{1b}[31m-5\r"), "gpt\u{fffd}[31m-5\u{fffd}");
        assert_eq!(visible("claude-sonnet-4-5"), "claude-sonnet-4-5");
    }
}

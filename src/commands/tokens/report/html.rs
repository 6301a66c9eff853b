//! The report as one self-contained HTML file: inline CSS (light, dark through
//! `prefers-color-scheme`, and print), tables, and three inline SVG charts written by hand
//! (daily cost stacked by model, the month's cumulative cost with the forecast and budget
//! lines, model comparison bars). No script, no external URL. Every bar and point carries its
//! exact value in `data-*` attributes, so a test can check the charts against the JSON.
//!
//! The SVG is written here rather than with `plotters`: three simple charts are about 200
//! lines, need no font files or text measuring, and come out as plain elements that CSS
//! colours for dark mode and print; plotters' SVG backend writes fixed colours and would add a
//! dependency tree for it.

use std::fmt::Write;

use super::{MODEL_COLUMNS, model_cells, pct, share};
use crate::pricing::decimal::format_scaled;
use crate::usage::report::{Report, money, thousands};

const PALETTE: [&str; 10] = [
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac",
];

const CSS: &str = r#"
:root { --fg:#1d2433; --muted:#5b6475; --bg:#ffffff; --card:#f6f7f9; --line:#d9dde3; --accent:#4e79a7; --warn:#c0392b; }
@media (prefers-color-scheme: dark) {
  :root { --fg:#e6e9ef; --muted:#a3abba; --bg:#14171c; --card:#1d2128; --line:#343a45; --accent:#7aa6d6; --warn:#ff7b6b; }
}
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); margin: 0 auto; padding: 24px; max-width: 1100px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
p.sub, p.note { color: var(--muted); margin: 4px 0 12px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 12px 0; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; min-width: 180px; }
.card .k { color: var(--muted); font-size: 12px; }
.card .v { font-size: 20px; font-weight: 600; }
.card .c { font-size: 12px; color: var(--muted); }
table { border-collapse: collapse; width: 100%; margin: 8px 0; font-size: 13px; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--line); text-align: right; white-space: nowrap; }
th:first-child, td:first-child { text-align: left; }
th { color: var(--muted); font-weight: 600; font-size: 12px; }
svg { width: 100%; height: auto; display: block; }
svg text { fill: var(--muted); font-size: 11px; }
svg .axis { stroke: var(--line); }
svg .actual { stroke: var(--accent); fill: none; stroke-width: 2.5; }
svg .forecast { stroke: var(--accent); fill: none; stroke-width: 2; stroke-dasharray: 6 4; }
svg .range { fill: var(--accent); opacity: 0.15; }
svg .budget { stroke: var(--warn); stroke-width: 1.5; stroke-dasharray: 3 3; }
svg .budget-label { fill: var(--warn); }
svg .bar { fill: var(--accent); }
.legend { display: flex; flex-wrap: wrap; gap: 10px; font-size: 12px; color: var(--muted); margin: 4px 0 8px; }
.legend span::before { content: ""; display: inline-block; width: 10px; height: 10px; margin-right: 4px; background: var(--c); border-radius: 2px; }
ol li { margin: 4px 0; }
.saving { font-weight: 600; }
@media print {
  :root { --fg:#000; --muted:#333; --bg:#fff; --card:#fff; --line:#999; --accent:#1f4e8c; --warn:#b00; }
  body { padding: 0; max-width: none; font-size: 11px; }
  section, figure, table { break-inside: avoid; }
  .card { border-color: #999; }
}
"#;

/// Text for HTML: `&`, `<`, `>`, `"` and `'` escaped.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// An exact amount of nano-dollars as decimal dollars, as the JSON writes it.
fn exact(nanos: i64) -> String {
    format_scaled(nanos, 9, 1)
}

fn color(i: usize) -> &'static str {
    PALETTE[i % PALETTE.len()]
}

/// A round step for an axis up to `max` with about 4 ticks (nano-dollars).
fn tick_step(max: i64) -> i64 {
    if max <= 0 {
        return 1;
    }
    let raw = max / 4;
    let mut p = 1i64;
    while p.saturating_mul(10) <= raw.max(1) {
        p *= 10;
    }
    for m in [1, 2, 5, 10] {
        if p.saturating_mul(m) >= raw {
            return p.saturating_mul(m);
        }
    }
    p.saturating_mul(10)
}

const W: f64 = 960.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 14.0;
const BOTTOM: f64 = 28.0;

/// The y axis: ticks and grid lines from 0 to `max` (nano-dollars), for a plot `h` high.
fn y_axis(out: &mut String, max: i64, h: f64) {
    let step = tick_step(max);
    let mut v = 0i64;
    while v <= max {
        let y = TOP + h - (v as f64 / max as f64) * h;
        let _ = write!(
            out,
            r#"<line class="axis" x1="{LEFT}" x2="{}" y1="{y:.1}" y2="{y:.1}"/><text x="{}" y="{:.1}" text-anchor="end">{}</text>"#,
            W - RIGHT,
            LEFT - 6.0,
            y + 4.0,
            esc(&money(v))
        );
        v = v.saturating_add(step);
        if step <= 0 {
            break;
        }
    }
}

fn daily_chart(r: &Report, models: &[String]) -> String {
    let h = 220.0;
    let n = r.daily.len().max(1) as f64;
    let max = r
        .daily
        .iter()
        .map(|d| d.cost_usd.0)
        .max()
        .unwrap_or(0)
        .max(1);
    let band = (W - LEFT - RIGHT) / n;
    let bar = (band * 0.75).max(1.0);
    let mut s = format!(
        r#"<svg data-chart="daily" viewBox="0 0 {W} {}" role="img" aria-label="Daily cost stacked by model">"#,
        TOP + h + BOTTOM
    );
    y_axis(&mut s, max, h);
    let label_every = (r.daily.len() / 10).max(1);
    for (i, d) in r.daily.iter().enumerate() {
        let x = LEFT + i as f64 * band + (band - bar) / 2.0;
        let mut base = 0i64;
        let _ = write!(
            s,
            r#"<g data-date="{}" data-cost="{}">"#,
            esc(&d.date),
            exact(d.cost_usd.0)
        );
        for m in &d.models {
            let idx = models.iter().position(|x| *x == m.model).unwrap_or(0);
            let y0 = TOP + h - (base as f64 / max as f64) * h;
            base = base.saturating_add(m.cost_usd.0);
            let y1 = TOP + h - (base as f64 / max as f64) * h;
            let _ = write!(
                s,
                r#"<rect class="seg" x="{x:.1}" y="{y1:.1}" width="{bar:.1}" height="{:.1}" fill="{}" data-model="{}" data-cost="{}"><title>{} {}: {}</title></rect>"#,
                (y0 - y1).max(0.0),
                color(idx),
                esc(&m.model),
                exact(m.cost_usd.0),
                esc(&d.date),
                esc(&m.model),
                esc(&money(m.cost_usd.0))
            );
        }
        s.push_str("</g>");
        if i % label_every == 0 {
            let _ = write!(
                s,
                r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                x + bar / 2.0,
                TOP + h + 18.0,
                esc(d.date.get(5..).unwrap_or(&d.date))
            );
        }
    }
    s.push_str("</svg>");
    s
}

fn cumulative_chart(r: &Report) -> String {
    let f = &r.forecast;
    let h = 220.0;
    let n = f.cumulative.len().max(2) as f64;
    let max = f
        .cumulative
        .iter()
        .map(|c| c.cost_usd.0)
        .chain([f.high_usd.0, f.month_end_usd.0])
        .chain(f.budgets.iter().map(|b| b.limit_usd.0))
        .max()
        .unwrap_or(0)
        .max(1);
    let step = (W - LEFT - RIGHT) / (n - 1.0);
    let xy = |i: usize, v: i64| {
        (
            LEFT + i as f64 * step,
            TOP + h - (v as f64 / max as f64) * h,
        )
    };
    let mut s = format!(
        r#"<svg data-chart="cumulative" viewBox="0 0 {W} {}" role="img" aria-label="Cumulative cost this month, with the forecast and budgets">"#,
        TOP + h + BOTTOM
    );
    y_axis(&mut s, max, h);
    // the range at the month's end, from the last actual point
    let last_actual = f.cumulative.iter().rposition(|c| !c.forecast);
    if let Some(a) = last_actual
        && a + 1 < f.cumulative.len()
    {
        let (x0, y0) = xy(a, f.cumulative[a].cost_usd.0);
        let end = f.cumulative.len() - 1;
        let (x1, ylo) = xy(end, f.low_usd.0);
        let (_, yhi) = xy(end, f.high_usd.0);
        let _ = write!(
            s,
            r#"<polygon class="range" data-low="{}" data-high="{}" points="{x0:.1},{y0:.1} {x1:.1},{yhi:.1} {x1:.1},{ylo:.1}"/>"#,
            exact(f.low_usd.0),
            exact(f.high_usd.0)
        );
    }
    let pts = |forecast: bool| -> String {
        f.cumulative
            .iter()
            .enumerate()
            .filter(|(i, c)| c.forecast == forecast || (forecast && Some(*i) == last_actual))
            .map(|(i, c)| {
                let (x, y) = xy(i, c.cost_usd.0);
                format!("{x:.1},{y:.1}")
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let _ = write!(
        s,
        r#"<polyline class="actual" points="{}"/><polyline class="forecast" points="{}"/>"#,
        pts(false),
        pts(true)
    );
    for (i, c) in f.cumulative.iter().enumerate() {
        let (x, y) = xy(i, c.cost_usd.0);
        let _ = write!(
            s,
            r#"<circle cx="{x:.1}" cy="{y:.1}" r="{}" fill="var(--accent)" data-date="{}" data-cost="{}" data-forecast="{}"><title>{}: {}{}</title></circle>"#,
            if c.forecast { 1.5 } else { 2.5 },
            esc(&c.date),
            exact(c.cost_usd.0),
            c.forecast,
            esc(&c.date),
            esc(&money(c.cost_usd.0)),
            if c.forecast { " (forecast)" } else { "" }
        );
        if i % 5 == 0 || i + 1 == f.cumulative.len() {
            let _ = write!(
                s,
                r#"<text x="{x:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                TOP + h + 18.0,
                esc(c.date.get(5..).unwrap_or(&c.date))
            );
        }
    }
    for b in f.budgets.iter().filter(|b| b.period == "monthly") {
        let (_, y) = xy(0, b.limit_usd.0);
        let _ = write!(
            s,
            r#"<line class="budget" x1="{LEFT}" x2="{}" y1="{y:.1}" y2="{y:.1}" data-budget="{}" data-limit="{}"/><text class="budget-label" x="{}" y="{:.1}">budget {}: {}</text>"#,
            W - RIGHT,
            b.id,
            exact(b.limit_usd.0),
            LEFT + 6.0,
            y - 4.0,
            b.id,
            esc(&money(b.limit_usd.0))
        );
    }
    s.push_str("</svg>");
    s
}

fn models_chart(r: &Report) -> String {
    let row_h = 24.0;
    let label_w = 220.0;
    let h = row_h * r.models.len().max(1) as f64;
    let max = r
        .models
        .iter()
        .map(|m| m.cost_usd.0)
        .max()
        .unwrap_or(0)
        .max(1);
    let mut s = format!(
        r#"<svg data-chart="models" viewBox="0 0 {W} {}" role="img" aria-label="Cost by model">"#,
        h + 8.0
    );
    let span = W - label_w - 300.0;
    for (i, m) in r.models.iter().enumerate() {
        let y = 4.0 + i as f64 * row_h;
        let w = (m.cost_usd.0 as f64 / max as f64) * span;
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text><rect class="bar" x="{label_w}" y="{y:.1}" width="{w:.1}" height="{:.1}" fill="{}" data-model="{}" data-cost="{}"/><text x="{:.1}" y="{:.1}">{} · {} · {} per 1k output</text>"#,
            label_w - 8.0,
            y + row_h * 0.6,
            esc(&m.model),
            row_h * 0.7,
            color(i),
            esc(&m.model),
            exact(m.cost_usd.0),
            label_w + w + 6.0,
            y + row_h * 0.6,
            esc(&money(m.cost_usd.0)),
            esc(&share(m.share)),
            esc(&m
                .cost_per_1k_output_usd
                .map_or_else(|| "-".to_string(), |u| money(u.0)))
        );
    }
    s.push_str("</svg>");
    s
}

fn table(out: &mut String, head: &[&str], rows: Vec<Vec<String>>) {
    out.push_str("<table><thead><tr>");
    for h in head {
        let _ = write!(out, "<th>{}</th>", esc(h));
    }
    out.push_str("</tr></thead><tbody>");
    for r in rows {
        out.push_str("<tr>");
        for c in r {
            let _ = write!(out, "<td>{}</td>", esc(&c));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
}

pub fn render(r: &Report) -> String {
    let first = r.daily.first().map(|d| d.date.as_str()).unwrap_or("");
    let last = r.daily.last().map(|d| d.date.as_str()).unwrap_or("");
    let models: Vec<String> = r.models.iter().map(|m| m.model.clone()).collect();
    let mut o = String::new();
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"color-scheme\" content=\"light dark\">\
         <title>AI usage report {} to {}</title><style>{CSS}</style></head><body>",
        esc(first),
        esc(last)
    );
    let _ = write!(
        o,
        "<h1>AI usage report</h1><p class=\"sub\">{} to {} · {} days · {} · made by aimcp</p>",
        esc(first),
        esc(last),
        r.window.days,
        esc(&r.window.time_zone)
    );
    // cards
    let opt = |u: Option<crate::pricing::Usd>| u.map_or_else(|| "-".to_string(), |u| money(u.0));
    o.push_str("<div class=\"cards\">");
    for (k, v, c) in [
        (
            "cost",
            money(r.totals.cost_usd.0),
            format!(
                "{} against {}",
                pct(r.change_percent.cost),
                money(r.previous.cost_usd.0)
            ),
        ),
        (
            "requests",
            thousands(r.totals.requests),
            format!(
                "{} against the previous window",
                pct(r.change_percent.requests)
            ),
        ),
        (
            "cost per request",
            opt(r.totals.cost_per_request_usd),
            pct(r.change_percent.cost_per_request),
        ),
        (
            "month-end forecast",
            money(r.forecast.month_end_usd.0),
            format!(
                "{} to {}",
                money(r.forecast.low_usd.0),
                money(r.forecast.high_usd.0)
            ),
        ),
        (
            "saved by the cache",
            money(r.cache.saved_usd.0),
            format!(
                "hit ratio {}",
                r.cache.hit_ratio.map_or_else(|| "-".into(), share)
            ),
        ),
    ] {
        let _ = write!(
            o,
            "<div class=\"card\"><div class=\"k\">{}</div><div class=\"v\">{}</div><div class=\"c\">{}</div></div>",
            esc(k),
            esc(&v),
            esc(&c)
        );
    }
    o.push_str("</div>");

    o.push_str("<section><h2>Daily cost by model</h2><div class=\"legend\">");
    for (i, m) in models.iter().enumerate() {
        let _ = write!(o, "<span style=\"--c:{}\">{}</span>", color(i), esc(m));
    }
    o.push_str("</div>");
    o.push_str(&daily_chart(r, &models));
    o.push_str("</section>");

    let f = &r.forecast;
    let _ = write!(
        o,
        "<section><h2>Forecast for {}</h2><p>Month to date <b>{}</b>; month end <b>{}</b> (range {} to {}), at {} a day for {:.1} more days.</p><p class=\"note\">Method: {}.</p>",
        esc(&f.month),
        esc(&money(f.month_to_date_usd.0)),
        esc(&money(f.month_end_usd.0)),
        esc(&money(f.low_usd.0)),
        esc(&money(f.high_usd.0)),
        esc(&money(f.daily_rate_usd.0)),
        f.days_left,
        esc(f.method)
    );
    o.push_str(&cumulative_chart(r));
    if !f.budgets.is_empty() {
        table(
            &mut o,
            &["budget", "period", "scope", "limit", "crossed"],
            f.budgets
                .iter()
                .map(|b| {
                    vec![
                        b.id.to_string(),
                        b.period.to_string(),
                        b.scope.clone(),
                        money(b.limit_usd.0),
                        match (&b.crossed_on, b.already_crossed, b.days_over.len()) {
                            (Some(d), true, _) => format!("passed on {d}"),
                            (Some(d), false, _) => format!("expected on {d}"),
                            (None, _, 0) => "no".to_string(),
                            (None, _, n) => format!("on {n} days"),
                        },
                    ]
                })
                .collect(),
        );
    }
    o.push_str("</section>");

    o.push_str("<section><h2>Model comparison</h2>");
    o.push_str(&models_chart(r));
    table(
        &mut o,
        &MODEL_COLUMNS,
        r.models.iter().map(model_cells).collect(),
    );
    o.push_str("</section>");

    let _ = write!(o, "<section><h2>By {}</h2>", esc(r.breakdown.by));
    table(
        &mut o,
        &[
            r.breakdown.by,
            "requests",
            "cost",
            "share",
            "previous",
            "change",
        ],
        r.breakdown
            .rows
            .iter()
            .map(|b| {
                vec![
                    b.key.clone(),
                    thousands(b.requests),
                    money(b.cost_usd.0),
                    share(b.share),
                    money(b.previous_usd.0),
                    pct(b.change_percent),
                ]
            })
            .collect(),
    );
    o.push_str("</section>");

    let c = &r.cache;
    o.push_str("<section><h2>Cache economics</h2>");
    table(
        &mut o,
        &["", "value"],
        vec![
            vec![
                "hit ratio".into(),
                c.hit_ratio.map_or_else(|| "-".into(), share),
            ],
            vec![
                "saved against the full input price".into(),
                money(c.saved_usd.0),
            ],
            vec![
                "5-minute writes".into(),
                format!(
                    "{} tokens, {}",
                    thousands(c.write_5m_tokens),
                    money(c.write_5m_usd.0)
                ),
            ],
            vec![
                "1-hour writes".into(),
                format!(
                    "{} tokens, {}",
                    thousands(c.write_1h_tokens),
                    money(c.write_1h_usd.0)
                ),
            ],
            vec![
                "writes never read".into(),
                format!(
                    "{} writes, {} tokens, {} in {} sessions",
                    thousands(c.unread_writes),
                    thousands(c.unread_write_tokens),
                    money(c.unread_writes_usd.0),
                    thousands(c.unread_sessions)
                ),
            ],
        ],
    );
    o.push_str("</section>");

    o.push_str("<section><h2>Anomalies</h2>");
    if r.anomalies.is_empty() {
        o.push_str("<p>None.</p>");
    } else {
        table(
            &mut o,
            &["date", "kind", "name", "cost", "median", "threshold"],
            r.anomalies
                .iter()
                .map(|a| {
                    vec![
                        a.date.clone(),
                        a.kind.to_string(),
                        a.key.clone(),
                        money(a.cost_usd.0),
                        money(a.median_usd.0),
                        money(a.threshold_usd.0),
                    ]
                })
                .collect(),
        );
    }
    let _ = write!(
        o,
        "<p class=\"note\">Rule: {}.</p></section>",
        esc(r.anomaly_rule)
    );

    o.push_str("<section><h2>Recommendations</h2>");
    if r.recommendations.is_empty() {
        o.push_str("<p>None.</p>");
    } else {
        o.push_str("<ol>");
        for rec in &r.recommendations {
            let _ = write!(
                o,
                "<li data-kind=\"{}\">{}",
                esc(rec.kind),
                esc(&rec.message)
            );
            if let Some(u) = rec.saving_usd {
                let _ = write!(
                    o,
                    " <span class=\"saving\" data-saving=\"{}\">{}</span>",
                    exact(u.0),
                    esc(&money(u.0))
                );
            }
            o.push_str("</li>");
        }
        o.push_str("</ol>");
    }
    o.push_str("</section></body></html>\n");
    o
}

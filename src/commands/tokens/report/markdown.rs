//! The report as GitHub-flavoured Markdown: headings and tables, with the daily cost as a text
//! sparkline (GitHub's sanitizer drops inline SVG and `data:` images, so a chart there would not
//! show; the table of days below the sparkline has the numbers).

use super::{MODEL_COLUMNS, model_cells, pct, share, sparkline};
use crate::usage::report::{Report, money, thousands};

/// A table cell: `|` and line breaks would end the cell or the row, and `<` would start HTML
/// (a name such as `</details>` would close the section it is in).
fn cell(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ")
}

fn row(out: &mut String, cells: &[String]) {
    out.push('|');
    for c in cells {
        out.push(' ');
        out.push_str(&cell(c));
        out.push_str(" |");
    }
    out.push('\n');
}

/// A header row and its alignment row (`left`: the first column is text, the rest numbers).
fn header(out: &mut String, names: &[&str]) {
    row(
        out,
        &names.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
    );
    out.push('|');
    for (i, _) in names.iter().enumerate() {
        out.push_str(if i == 0 { " --- |" } else { " ---: |" });
    }
    out.push('\n');
}

pub fn render(r: &Report) -> String {
    let mut out = String::new();
    let first = r.daily.first().map(|d| d.date.as_str()).unwrap_or("");
    let last = r.daily.last().map(|d| d.date.as_str()).unwrap_or("");
    out.push_str(&format!(
        "## AI usage report: {first} to {last}\n\n{} days, {}. Costs are rounded once, from the \
         exact amounts.\n\n",
        r.window.days, r.window.time_zone
    ));

    out.push_str("### Totals and trend\n\n");
    header(&mut out, &["", "this window", "previous", "change"]);
    let opt = |u: Option<crate::pricing::Usd>| u.map_or_else(|| "-".to_string(), |u| money(u.0));
    row(
        &mut out,
        &[
            "cost".into(),
            format!("**{}**", money(r.totals.cost_usd.0)),
            money(r.previous.cost_usd.0),
            pct(r.change_percent.cost),
        ],
    );
    row(
        &mut out,
        &[
            "requests".into(),
            thousands(r.totals.requests),
            thousands(r.previous.requests),
            pct(r.change_percent.requests),
        ],
    );
    row(
        &mut out,
        &[
            "tokens".into(),
            thousands(r.totals.total_tokens),
            thousands(r.previous.total_tokens),
            pct(r.change_percent.tokens),
        ],
    );
    row(
        &mut out,
        &[
            "cost per request".into(),
            opt(r.totals.cost_per_request_usd),
            opt(r.previous.cost_per_request_usd),
            pct(r.change_percent.cost_per_request),
        ],
    );
    let costs: Vec<i64> = r.daily.iter().map(|d| d.cost_usd.0).collect();
    out.push_str(&format!(
        "\nDaily cost: `{}` (highest {})\n\n",
        sparkline(&costs),
        money(costs.iter().copied().max().unwrap_or(0))
    ));
    out.push_str("<details><summary>Cost by day</summary>\n\n");
    header(&mut out, &["date", "requests", "tokens", "cost"]);
    for d in &r.daily {
        row(
            &mut out,
            &[
                d.date.clone(),
                thousands(d.requests),
                thousands(d.total_tokens),
                money(d.cost_usd.0),
            ],
        );
    }
    out.push_str("\n</details>\n\n");

    let f = &r.forecast;
    out.push_str(&format!("### Forecast for {}\n\n", f.month));
    out.push_str(&format!(
        "Month to date **{}**; month end **{}** (range {} to {}), at {} a day for {:.1} more \
         days.\n\n_Method: {}._\n\n",
        money(f.month_to_date_usd.0),
        money(f.month_end_usd.0),
        money(f.low_usd.0),
        money(f.high_usd.0),
        money(f.daily_rate_usd.0),
        f.days_left,
        f.method
    ));
    if !f.budgets.is_empty() {
        header(&mut out, &["budget", "period", "scope", "limit", "crossed"]);
        for b in &f.budgets {
            let when = match (&b.crossed_on, b.already_crossed, b.days_over.len()) {
                (Some(d), true, _) => format!("passed on {d}"),
                (Some(d), false, _) => format!("expected on {d}"),
                (None, _, 0) => "no".to_string(),
                (None, _, n) => format!("on {n} days"),
            };
            row(
                &mut out,
                &[
                    b.id.to_string(),
                    b.period.to_string(),
                    b.scope.clone(),
                    money(b.limit_usd.0),
                    when,
                ],
            );
        }
        out.push('\n');
    }

    out.push_str(&format!("### By {}\n\n", r.breakdown.by));
    header(
        &mut out,
        &[
            r.breakdown.by,
            "requests",
            "cost",
            "share",
            "previous",
            "change",
        ],
    );
    for b in &r.breakdown.rows {
        row(
            &mut out,
            &[
                format!("`{}`", b.key),
                thousands(b.requests),
                money(b.cost_usd.0),
                share(b.share),
                money(b.previous_usd.0),
                pct(b.change_percent),
            ],
        );
    }

    out.push_str("\n### Models\n\n");
    header(&mut out, &MODEL_COLUMNS);
    for m in &r.models {
        let mut cells = model_cells(m);
        cells[0] = format!("`{}`", cells[0]);
        row(&mut out, &cells);
    }

    let c = &r.cache;
    out.push_str("\n### Cache\n\n");
    header(&mut out, &["", "value"]);
    row(
        &mut out,
        &[
            "hit ratio".into(),
            c.hit_ratio.map_or_else(|| "-".into(), share),
        ],
    );
    row(
        &mut out,
        &[
            "saved against the full input price".into(),
            money(c.saved_usd.0),
        ],
    );
    row(
        &mut out,
        &[
            "5-minute writes".into(),
            format!(
                "{} tokens, {}",
                thousands(c.write_5m_tokens),
                money(c.write_5m_usd.0)
            ),
        ],
    );
    row(
        &mut out,
        &[
            "1-hour writes".into(),
            format!(
                "{} tokens, {}",
                thousands(c.write_1h_tokens),
                money(c.write_1h_usd.0)
            ),
        ],
    );
    row(
        &mut out,
        &[
            "writes never read".into(),
            format!(
                "{} writes, {} tokens, {} in {} sessions",
                thousands(c.unread_writes),
                thousands(c.unread_write_tokens),
                money(c.unread_writes_usd.0),
                thousands(c.unread_sessions)
            ),
        ],
    );

    out.push_str("\n### Anomalies\n\n");
    if r.anomalies.is_empty() {
        out.push_str("None.\n");
    } else {
        header(
            &mut out,
            &["date", "kind", "name", "cost", "median", "threshold"],
        );
        for a in &r.anomalies {
            row(
                &mut out,
                &[
                    a.date.clone(),
                    a.kind.to_string(),
                    a.key.clone(),
                    money(a.cost_usd.0),
                    money(a.median_usd.0),
                    money(a.threshold_usd.0),
                ],
            );
        }
    }
    out.push_str(&format!("\n_Rule: {}._\n", r.anomaly_rule));

    out.push_str("\n### Recommendations\n\n");
    if r.recommendations.is_empty() {
        out.push_str("None.\n");
    }
    for (i, rec) in r.recommendations.iter().enumerate() {
        let saving = rec
            .saving_usd
            .map(|u| format!(" **{}**", money(u.0)))
            .unwrap_or_default();
        out.push_str(&format!(
            "{}. {}{saving}\n",
            i + 1,
            rec.message.replace('\n', " ")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn a_name_cannot_end_its_cell_or_open_html() {
        assert_eq!(
            cell("a|b</details>\n<img src=x>&"),
            "a\\|b&lt;/details&gt; &lt;img src=x&gt;&amp;"
        );
    }
}

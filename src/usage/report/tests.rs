use super::*;
use crate::usage::Scope;

const USD: i64 = 1_000_000_000;
const H: i64 = 3_600_000;

fn date(s: &str) -> Date {
    s.parse().unwrap()
}

fn cell(day: &str, model: &str, user: &str, cost: i64) -> Cell {
    Cell {
        day: date(day),
        provider: "anthropic".into(),
        model: model.into(),
        user: user.into(),
        project: "web".into(),
        totals: Totals {
            requests: 1,
            input: 1000,
            output: 100,
            cost_nanos: cost,
            ..Totals::default()
        },
    }
}

fn days(first: &str, n: i64) -> Vec<Date> {
    (0..n)
        .map(|i| date(first).checked_add(jiff::Span::new().days(i)).unwrap())
        .collect()
}

fn input<'a>(book: &'a PriceBook, cells: Vec<Cell>, window: Vec<Date>) -> Input<'a> {
    Input {
        since_ms: 0,
        until_ms: 0,
        time_zone: "UTC".into(),
        days: window,
        cells,
        previous: Totals::default(),
        by: "model",
        breakdown: Vec::new(),
        today: date("2026-11-20"),
        month_first: date("2026-11-01"),
        month_last: date("2026-11-30"),
        // noon on the 20th: 10.5 days left
        month_left_ms: 10 * 24 * H + 12 * H,
        budgets: Vec::new(),
        facts: Facts::default(),
        book,
        mcp: McpInput::default(),
    }
}

/// $10 on each day from the 1st to the 19th, $4 so far today (the 20th).
fn steady_month() -> Vec<Cell> {
    let mut cells: Vec<Cell> = days("2026-11-01", 19)
        .iter()
        .map(|d| cell(&d.to_string(), "claude-sonnet-4-5", "ann", 10 * USD))
        .collect();
    cells.push(cell("2026-11-20", "claude-sonnet-4-5", "ann", 4 * USD));
    cells
}

#[test]
fn the_forecast_adds_the_weighted_rate_for_the_days_left() {
    let book = PriceBook::load(None).unwrap();
    let mut i = input(&book, steady_month(), days("2026-11-14", 7));
    i.budgets = vec![
        Budget {
            id: 1,
            period: Period::Monthly,
            limit_nanos: 250 * USD,
            scope: Scope::Global,
            thresholds: [80, 90, 100],
        },
        Budget {
            id: 2,
            period: Period::Monthly,
            limit_nanos: 400 * USD,
            scope: Scope::Global,
            thresholds: [80, 90, 100],
        },
        Budget {
            id: 3,
            period: Period::Daily,
            limit_nanos: 9 * USD,
            scope: Scope::Global,
            thresholds: [80, 90, 100],
        },
    ];
    let r = build(i);
    let f = &r.forecast;
    assert_eq!(f.month, "2026-11");
    assert_eq!(f.month_to_date_usd, Usd(194 * USD));
    assert_eq!(f.daily_rate_usd, Usd(10 * USD));
    assert_eq!(f.daily_spread_usd, Usd(0));
    // 194 + 10.5 days at $10
    assert_eq!(f.month_end_usd, Usd(299 * USD));
    assert_eq!((f.low_usd, f.high_usd), (Usd(299 * USD), Usd(299 * USD)));
    assert_eq!(f.cumulative.len(), 30);
    assert_eq!(f.cumulative[18].cost_usd, Usd(190 * USD));
    assert_eq!(f.cumulative[19].cost_usd, Usd(194 * USD));
    // the end of today ($199), then $10 a day: $299 on the 30th
    assert_eq!(f.cumulative[20].cost_usd, Usd(209 * USD));
    assert_eq!(f.cumulative[29].cost_usd, Usd(299 * USD));
    assert!(f.cumulative[20].forecast && !f.cumulative[19].forecast);
    // $250 is passed on the 26th ($259 at its end); $400 not this month
    assert_eq!(f.budgets[0].crossed_on.as_deref(), Some("2026-11-26"));
    assert!(!f.budgets[0].already_crossed);
    assert_eq!(f.budgets[1].crossed_on, None);
    // every day of the window but today passed the $9 daily budget, by $1 each
    assert_eq!(f.budgets[2].days_over.len(), 6);
    let daily = r
        .recommendations
        .iter()
        .find(|x| x.kind == "budget" && x.rows == 6)
        .unwrap();
    assert_eq!(daily.saving_usd, Some(Usd(6 * USD)));
    let monthly = r
        .recommendations
        .iter()
        .find(|x| x.kind == "budget" && x.rows == 1)
        .unwrap();
    assert_eq!(monthly.saving_usd, Some(Usd(49 * USD)));
}

#[test]
fn the_rate_weighs_recent_days_most() {
    // 1..7 dollars, yesterday $7: (1 + 4 + 9 + 16 + 25 + 36 + 49) / 28 = 5
    let v: Vec<i64> = (1..=7).map(|d| d * USD).collect();
    let (rate, spread) = weighted_rate(&v);
    assert_eq!(rate, 5 * USD);
    // the population standard deviation of 1..7 is 2
    assert_eq!(spread, 2 * USD);
    assert_eq!(weighted_rate(&[]), (0, 0));
}

#[test]
fn trend_compares_with_the_previous_window() {
    let book = PriceBook::load(None).unwrap();
    let mut i = input(&book, steady_month(), days("2026-11-14", 7));
    i.previous = Totals {
        requests: 5,
        input: 5000,
        output: 500,
        cost_nanos: 56 * USD,
        ..Totals::default()
    };
    let r = build(i);
    // 14th..19th at $10, the 20th at $4: $64 in 7 requests
    assert_eq!(r.totals.cost_usd, Usd(64 * USD));
    assert_eq!(r.totals.requests, 7);
    assert_eq!(r.change_percent.cost, Some(14.3));
    assert_eq!(r.change_percent.requests, Some(40.0));
    // $64 / 7 = $9.142857143 against $56 / 5 = $11.2: -18.4%
    assert_eq!(r.totals.cost_per_request_usd, Some(Usd(9_142_857_143)));
    assert_eq!(r.change_percent.cost_per_request, Some(-18.4));
    assert_eq!(r.daily.len(), 7);
    assert_eq!(r.daily[6].cost_usd, Usd(4 * USD));
    assert_eq!(r.models.len(), 1);
    assert_eq!(r.models[0].share, 1.0);
    // $64 for 700 output tokens: $91.428571429 per 1k
    assert_eq!(
        r.models[0].cost_per_1k_output_usd,
        Some(Usd(91_428_571_429))
    );
}

#[test]
fn a_day_far_above_its_baseline_is_an_anomaly() {
    let book = PriceBook::load(None).unwrap();
    let mut cells = steady_month();
    // the 16th: $50 (bob spends $40 of it, having spent nothing before)
    cells.push(cell("2026-11-16", "claude-sonnet-4-5", "bob", 40 * USD));
    let r = build(input(&book, cells, days("2026-11-14", 7)));
    let got: Vec<(&str, &str, &str, Usd)> = r
        .anomalies
        .iter()
        .map(|a| (a.kind, a.key.as_str(), a.date.as_str(), a.cost_usd))
        .collect();
    // median $10, deviation 0 (counted as $1): the threshold is $13. The project (all of the
    // spend) passes it too; Bob has no baseline, Ann spent as always.
    assert_eq!(
        got,
        vec![
            ("day", "", "2026-11-16", Usd(50 * USD)),
            ("project", "web", "2026-11-16", Usd(50 * USD))
        ]
    );
    assert_eq!(r.anomalies[0].threshold_usd, Usd(13 * USD));
    assert_eq!(anomaly_threshold(&[0, 0, 0]), None);
    assert_eq!(median(&[4, 1, 3, 2]), 3);
    assert_eq!(median_mad(&[1, 2, 3, 4, 100]), (3, 1));
}

#[test]
fn cache_reads_save_the_difference_to_the_input_price() {
    let book = PriceBook::load(None).unwrap();
    let mut c = cell("2026-11-20", "claude-sonnet-4-5", "ann", USD);
    c.totals.cache_read = 1_000_000;
    c.totals.cache_write_5m = 2_000_000;
    c.totals.cache_write_1h = 1_000_000;
    c.totals.input = 1_000_000;
    let r = build(input(&book, vec![c], days("2026-11-20", 1)));
    // $3 - $0.30 per million read; writes $3.75 and $6 per million
    assert_eq!(r.cache.saved_usd, Usd(2_700_000_000));
    assert_eq!(r.cache.write_5m_usd, Usd(7_500_000_000));
    assert_eq!(r.cache.write_1h_usd, Usd(6_000_000_000));
    assert_eq!(r.cache.hit_ratio, Some(0.2));
}

fn row<'a>(ts: i64, model: &'a str, session: &'a str, tokens: Tokens, cost: i64) -> PassRow<'a> {
    PassRow {
        ts_ms: ts,
        provider: "anthropic",
        model,
        session: Some(session),
        tokens,
        cost_nanos: cost,
        unpriced: false,
        latency_ms: Some(100),
        success: true,
    }
}

#[test]
fn the_pass_finds_unread_cache_writes_and_short_outputs() {
    let book = PriceBook::load(None).unwrap();
    let m = 60_000;
    let write = Tokens {
        input: 10,
        output: 1000,
        cache_write_5m: 100_000,
        ..Tokens::default()
    };
    let read = Tokens {
        input: 10,
        output: 1000,
        cache_read: 100_000,
        ..Tokens::default()
    };
    let mut p = Pass::new(&book, 60 * m);
    // session a: written at 0, read at 10 minutes: too late, the write expired at 5
    p.add(&row(0, "claude-sonnet-4-5", "a", write, 0));
    p.add(&row(10 * m, "claude-sonnet-4-5", "a", read, 0));
    // session b: written at 0, read at 2 minutes
    p.add(&row(0, "claude-sonnet-4-5", "b", write, 0));
    p.add(&row(2 * m, "claude-sonnet-4-5", "b", read, 0));
    // session c: written at 20 minutes, never read (expired before the end)
    p.add(&row(20 * m, "claude-sonnet-4-5", "c", write, 0));
    // session d: written a minute before the end: still alive, not judged
    p.add(&row(59 * m, "claude-sonnet-4-5", "d", write, 0));
    // a short output on Opus 4.5: $0.0075, $0.0015 at Haiku 4.5's prices
    let short = Tokens {
        input: 1000,
        output: 100,
        ..Tokens::default()
    };
    let mut failed = row(30 * m, "claude-opus-4-5", "e", short, 7_500_000);
    p.add(&failed);
    failed.success = false;
    failed.latency_ms = Some(300);
    p.add(&failed);
    let f = p.finish();
    assert_eq!(f.requests, 8);
    assert_eq!(f.unread.writes, 2);
    assert_eq!(f.unread.sessions, 2);
    assert_eq!(f.unread.tokens, 200_000);
    // $3.75 per million written, twice
    assert_eq!(f.unread.nanos, 750_000_000);
    assert_eq!(f.short.len(), 1);
    let s = &f.short[0];
    assert_eq!(
        (s.model.as_str(), s.cheaper.as_str(), s.requests),
        ("claude-opus-4-5", "claude-haiku-4-5", 1)
    );
    assert_eq!((s.cost_nanos, s.cheaper_nanos), (7_500_000, 1_500_000));
    let opus = f.models["claude-opus-4-5"];
    assert_eq!((opus.timed, opus.latency_ms_sum, opus.failed), (2, 400, 1));
}

#[test]
fn the_cheaper_model_comes_from_the_price_table() {
    let book = PriceBook::load(None).unwrap();
    let cheaper = |p: &str, m: &str| cheaper_model(&book, book.price(p, m).unwrap()).map(|c| c.id);
    assert_eq!(
        cheaper("anthropic", "claude-sonnet-4-5").as_deref(),
        Some("claude-haiku-4-5")
    );
    assert_eq!(
        cheaper("anthropic", "claude-opus-4-1").as_deref(),
        Some("claude-opus-4-5")
    );
    // the dearest at most half of $1.25 + $10
    assert_eq!(cheaper("openai", "gpt-5").as_deref(), Some("o3-mini"));
    assert_eq!(cheaper("anthropic", "claude-3-haiku"), None);
}

#[test]
fn recommendations_name_mcp_footprints_and_unused_tools() {
    let book = PriceBook::load(None).unwrap();
    let mut i = input(&book, Vec::new(), days("2026-11-20", 1));
    i.mcp = McpInput {
        footprints: vec![("github".into(), 12_000), ("memory".into(), 800)],
        never_called: Some(vec!["github__delete_repo".into()]),
    };
    let r = build(i);
    let kinds: Vec<&str> = r.recommendations.iter().map(|x| x.kind).collect();
    assert_eq!(kinds, vec!["mcp-footprint", "unused-tools"]);
    assert!(r.recommendations[0].message.contains("12,800 tokens"));
    assert!(
        r.recommendations[0]
            .message
            .contains("`github` 12,000 tokens")
    );
}

#[test]
fn the_cheaper_model_counts_the_users_prices_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("prices.json");
    // A model of the user's own at exactly half of Sonnet's $3 + $15, and Haiku re-priced dear.
    std::fs::write(
        &path,
        r#"{
          "claude-mid-test": {"input_cost_per_token": 2e-06, "output_cost_per_token": 7e-06,
                              "litellm_provider": "anthropic", "mode": "chat"},
          "claude-haiku-4-5": {"input_cost_per_token": 1e-05, "output_cost_per_token": 1e-05,
                               "litellm_provider": "anthropic", "mode": "chat"}
        }"#,
    )
    .unwrap();
    let book = PriceBook::load(Some(&path)).unwrap();
    let cheaper = |m: &str| cheaper_model(&book, book.price("anthropic", m).unwrap()).map(|c| c.id);
    assert_eq!(
        cheaper("claude-sonnet-4-5").as_deref(),
        Some("claude-mid-test")
    );
    // Haiku at $10 + $10 is no longer half of anything dearer than $40 a million.
    let haiku: Vec<i64> = book
        .models()
        .filter(|m| m.id == "claude-haiku-4-5")
        .map(|m| m.base.input)
        .collect();
    assert_eq!(haiku, [10_000_000], "the user's price, once");
}

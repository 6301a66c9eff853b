//! `aimcp tokens record`

use std::io::BufRead;

use jiff::Timestamp;
use serde::Serialize;

use crate::error::usage;
use crate::pricing::{Tokens, Usd};
use crate::printer::Printer;
use crate::settings::Globals;
use crate::usage::{CostSource, OverLimit, Pricer, Request, Written, ingest, jsonl};

use super::{check_budgets_after, money, open_store, parse_usd_flag, price_book};

#[derive(Debug, Clone)]
pub struct Settings {
    pub jsonl: Option<String>,
    pub provider: Option<String>,
    pub model: Option<String>,
    pub input: Option<u64>,
    pub output: Option<u64>,
    pub cache_read: Option<u64>,
    pub cache_write: Option<u64>,
    pub cache_write_1h: Option<u64>,
    pub reasoning: Option<u64>,
    pub user: Option<String>,
    pub project: Option<String>,
    pub org: Option<String>,
    pub session: Option<String>,
    pub request_id: Option<String>,
    pub cost: Option<String>,
    pub at: Option<String>,
    pub latency_ms: Option<u64>,
    pub failed: bool,
}

/// Who made a request when nobody says: `$USER`.
fn default_user() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| "unknown".into())
}

fn default_project(globals: &Globals) -> String {
    globals
        .project_dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn parse_at(text: &str) -> Option<i64> {
    text.trim()
        .parse::<Timestamp>()
        .ok()
        .map(|t| t.as_millisecond())
}

/// What `record --json` prints.
#[derive(Serialize)]
struct Recorded {
    recorded: u64,
    updated: u64,
    /// The cost of the priced requests; `null` when none has a price.
    cost_usd: Option<Usd>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cost_source: Option<&'static str>,
    unpriced: u64,
}

/// A flag's value that must be a name: not empty.
fn name(flag: &str, value: String) -> anyhow::Result<String> {
    if value.trim().is_empty() {
        return Err(usage(format!("`{flag}` must not be empty")).into());
    }
    Ok(value)
}

pub fn run(globals: &Globals, s: Settings, printer: &Printer) -> anyhow::Result<()> {
    if let Some(source) = s.jsonl.clone() {
        return run_jsonl(globals, &source, s, printer);
    }
    let ts_ms = match &s.at {
        Some(t) => parse_at(t).ok_or_else(|| {
            usage(format!(
                "invalid `--at {t}`: expected an RFC 3339 time such as `2026-03-01T12:00:00Z`"
            ))
        })?,
        None => globals.now.as_millisecond(),
    };
    let cost = match &s.cost {
        Some(c) => Some(parse_usd_flag("--cost", c)?),
        None => None,
    };
    let (Some(provider), Some(model), Some(input), Some(output)) =
        (s.provider, s.model, s.input, s.output)
    else {
        return Err(usage(
            "give `--provider`, `--model`, `--input` and `--output`, or `--jsonl FILE`",
        )
        .into());
    };
    let provider = name("--provider", provider)?;
    let model = name("--model", model)?;
    let user = match s.user {
        Some(u) => name("--user", u)?,
        None => default_user(),
    };
    let project = match s.project {
        Some(p) => name("--project", p)?,
        None => default_project(globals),
    };
    let mut r = Request {
        ts_ms,
        provider,
        model,
        user,
        project,
        org: s.org.unwrap_or_default(),
        session: s.session,
        source: "manual".into(),
        request_id: s.request_id,
        tokens: Tokens {
            input,
            output,
            cache_read: s.cache_read.unwrap_or(0),
            cache_write_5m: s.cache_write.unwrap_or(0),
            cache_write_1h: s.cache_write_1h.unwrap_or(0),
        },
        reasoning: s.reasoning.unwrap_or(0),
        cost_nanos: cost.unwrap_or(0),
        cost_source: if cost.is_some() {
            CostSource::Given
        } else {
            CostSource::Unpriced
        },
        price_version: None,
        latency_ms: s.latency_ms,
        success: !s.failed,
    };
    let over = |e: OverLimit| -> anyhow::Error {
        match e {
            OverLimit::Field(f) => usage(format!(
                "`--{}` is over the ceiling of {} a request",
                f.replace('_', "-"),
                OverLimit::ceiling(f)
            ))
            .into(),
            e => usage(format!("this request cannot be recorded: {e}"))
                .hint("nothing was recorded")
                .into(),
        }
    };
    r.check().map_err(over)?;
    if cost.is_none() {
        let book = price_book(globals)?;
        Pricer::new(&book).price(&mut r).map_err(over)?;
    }
    let mut store = open_store(globals)?;
    let written = ingest::one(&mut *store, &r)?;
    let unpriced = r.cost_source == CostSource::Unpriced;
    if printer.is_json() {
        printer.json(&Recorded {
            recorded: 1,
            updated: u64::from(written == Written::Existing),
            cost_usd: Usd::known(r.cost_nanos, !unpriced),
            cost_source: Some(r.cost_source.as_str()),
            unpriced: u64::from(unpriced),
        })?;
    } else {
        let verb = if written == Written::Existing {
            "updated"
        } else {
            "recorded"
        };
        match r.cost_source {
            CostSource::Unpriced => {}
            _ => printer.info(format!(
                "{verb} 1 request: `{}`, {}, {} ({})",
                r.model,
                super::plural(
                    (r.tokens.input
                        + r.tokens.output
                        + r.tokens.cache_read
                        + r.tokens.cache_write_5m
                        + r.tokens.cache_write_1h) as i64,
                    "token"
                ),
                money(r.cost_nanos),
                r.cost_source.as_str()
            )),
        }
    }
    if r.cost_source == CostSource::Unpriced {
        printer.warn(format!(
            "no price for model `{}` ({}): recorded as unpriced",
            r.model, r.provider
        ));
        printer.hint("give its cost with `--cost USD`, or its price with `--pricing FILE`");
    }
    check_budgets_after(&*store, printer, globals.now, Some(r.cost_nanos))
}

fn run_jsonl(
    globals: &Globals,
    source: &str,
    s: Settings,
    printer: &Printer,
) -> anyhow::Result<()> {
    let name = if source == "-" {
        "stdin".to_string()
    } else {
        source.to_string()
    };
    let reader: Box<dyn BufRead + Send> = if source == "-" {
        Box::new(std::io::BufReader::with_capacity(1 << 16, std::io::stdin()))
    } else {
        let path = globals.project_dir.join(source);
        let f = std::fs::File::open(&path)
            .map_err(|e| usage(format!("cannot read `{}`: {e}", path.display())))?;
        Box::new(std::io::BufReader::with_capacity(1 << 16, f))
    };
    let book = price_book(globals)?;
    let defaults = jsonl::Defaults {
        user: match s.user.clone() {
            Some(u) => self::name("--user", u)?,
            None => default_user(),
        },
        project: match s.project.clone() {
            Some(p) => self::name("--project", p)?,
            None => default_project(globals),
        },
        org: s.org.clone(),
        now: globals.now.as_millisecond(),
    };
    let mut store = open_store(globals)?;
    let report = jsonl::record(&mut *store, reader, &name, &defaults, &book)?;
    let recorded = report.added + report.updated;
    let priced = recorded - report.unpriced;
    if printer.is_json() {
        printer.json(&Recorded {
            recorded,
            updated: report.updated,
            cost_usd: Usd::known(report.cost_nanos, priced > 0 || recorded == 0),
            cost_source: None,
            unpriced: report.unpriced,
        })?;
    } else {
        let cost = match (priced, report.unpriced) {
            (0, 0) => money(0),
            (0, _) => "cost unknown (no price)".to_string(),
            (_, 0) => money(report.cost_nanos),
            (_, u) => format!(
                "{} for {} priced, {} without a price",
                money(report.cost_nanos),
                super::thousands(priced as i64),
                super::thousands(u as i64)
            ),
        };
        printer.info(format!(
            "recorded {} ({} new, {} updated), {cost}",
            super::plural(recorded as i64, "request"),
            super::thousands(report.added as i64),
            super::thousands(report.updated as i64),
        ));
    }
    if report.unpriced > 0 {
        printer.warn(super::unpriced_message(
            report.unpriced as i64,
            ("was recorded as unpriced", "were recorded as unpriced"),
            &report.unpriced_models.into_iter().collect::<Vec<_>>(),
        ));
    }
    check_budgets_after(&*store, printer, globals.now, Some(report.max_cost_nanos))
}

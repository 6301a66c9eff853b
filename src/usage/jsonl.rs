//! The lines of `aimcp tokens record --jsonl`: one JSON object a line, with the flags' names in
//! snake_case. A line that cannot be recorded is reported with its field, as the user wrote it.

use std::collections::{BTreeMap, BTreeSet};
use std::io::BufRead;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::{CostSource, Ledger, OverLimit, Pricer, Request, Written, ingest};
use crate::pricing::{PriceBook, Tokens};

/// One line: the flags' names in snake_case.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Line<'a> {
    provider: Option<String>,
    model: Option<String>,
    input: Option<u64>,
    output: Option<u64>,
    cache_read: Option<u64>,
    cache_write: Option<u64>,
    cache_write_1h: Option<u64>,
    reasoning: Option<u64>,
    user: Option<String>,
    project: Option<String>,
    org: Option<String>,
    session: Option<String>,
    request_id: Option<String>,
    #[serde(borrow)]
    cost: Option<&'a RawValue>,
    at: Option<String>,
    latency_ms: Option<u64>,
    failed: Option<bool>,
    source: Option<String>,
}

const STRING_FIELDS: &[&str] = &[
    "provider",
    "model",
    "user",
    "project",
    "org",
    "session",
    "request_id",
    "at",
    "source",
];
const COUNT_FIELDS: &[&str] = &[
    "input",
    "output",
    "cache_read",
    "cache_write",
    "cache_write_1h",
    "reasoning",
    "latency_ms",
];

/// Names that must not be empty when given.
const NAME_FIELDS: &[&str] = &["provider", "model", "user", "project", "source"];

/// What a line leaves out.
#[derive(Debug, Clone)]
pub struct Defaults {
    pub user: String,
    pub project: String,
    pub org: Option<String>,
    /// Milliseconds since the epoch, for lines without `at`.
    pub now: i64,
}

/// Says what is wrong with a line serde refused, naming the field and quoting its value as
/// written.
fn explain(line: &str, err: serde_json::Error) -> String {
    let value: serde_json::Value = match serde_json::from_str(line) {
        Ok(v) => v,
        Err(e) => return format!("not valid JSON ({e})"),
    };
    let Some(obj) = value.as_object() else {
        return "expected a JSON object".into();
    };
    let raw: BTreeMap<&str, &RawValue> = serde_json::from_str(line).unwrap_or_default();
    for (k, v) in obj {
        let k = k.as_str();
        let text = raw
            .get(k)
            .map_or_else(|| v.to_string(), |r| r.get().to_string());
        if STRING_FIELDS.contains(&k) {
            if !v.is_string() && !v.is_null() {
                return format!("field `{k}` must be a string, got `{text}`");
            }
        } else if COUNT_FIELDS.contains(&k) {
            if v.is_null() || v.as_u64().is_some() {
                continue;
            }
            if text.starts_with('-') && v.is_number() {
                return format!("field `{k}` must be a non-negative number, got `{text}`");
            }
            if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
                return format!(
                    "field `{k}` is over the ceiling of {} a request, got `{text}`",
                    OverLimit::ceiling(k)
                );
            }
            return format!("field `{k}` must be a non-negative integer, got `{text}`");
        } else if k == "failed" {
            if !v.is_boolean() && !v.is_null() {
                return format!("field `failed` must be true or false, got `{text}`");
            }
        } else if k != "cost" {
            return format!("unknown field `{k}`");
        }
    }
    err.to_string()
}

/// A cost as written (`0.05`, `"0.05"`, `"$1,200"`), exactly, in nano-dollars; `Ok(None)` for
/// `null`.
fn cost(raw: &RawValue) -> Result<Option<i64>, String> {
    let text = raw.get().trim();
    if text == "null" {
        return Ok(None);
    }
    let inner = match serde_json::from_str::<String>(text) {
        Ok(s) => s,
        Err(_) => text.to_string(),
    };
    match crate::pricing::parse_usd_wide(&inner) {
        Some(c) if c > super::MAX_COST_NANOS as i128 => Err(format!(
            "field `cost` is over the ceiling of {} a request, got `{text}`",
            OverLimit::ceiling("cost")
        )),
        Some(c) if c >= 0 => Ok(Some(c as i64)),
        Some(_) => Err(format!(
            "field `cost` must be a non-negative amount of US dollars, got `{text}`"
        )),
        None => Err(format!(
            "field `cost` must be an amount of US dollars, got `{text}`"
        )),
    }
}

/// One line as a request, not yet priced (a given cost is [`CostSource::Given`]). The error is
/// what is wrong with it, naming the field: the caller adds the file and line.
pub fn parse_line(line: &str, d: &Defaults) -> Result<Request, String> {
    let l: Line<'_> = serde_json::from_str(line).map_err(|e| explain(line, e))?;
    let missing = |f: &str| format!("missing field `{f}`");
    let provider = l.provider.ok_or_else(|| missing("provider"))?;
    let model = l.model.ok_or_else(|| missing("model"))?;
    let input = l.input.ok_or_else(|| missing("input"))?;
    let output = l.output.ok_or_else(|| missing("output"))?;
    for (field, v) in [
        ("provider", Some(&provider)),
        ("model", Some(&model)),
        ("user", l.user.as_ref()),
        ("project", l.project.as_ref()),
        ("source", l.source.as_ref()),
    ] {
        debug_assert!(NAME_FIELDS.contains(&field));
        if v.is_some_and(|s| s.trim().is_empty()) {
            return Err(format!("field `{field}` must not be empty"));
        }
    }
    let ts_ms = match &l.at {
        Some(t) => t
            .trim()
            .parse::<jiff::Timestamp>()
            .map(|t| t.as_millisecond())
            .map_err(|_| format!("field `at`: invalid RFC 3339 time `{t}`"))?,
        None => d.now,
    };
    let given = match l.cost {
        None => None,
        Some(raw) => cost(raw)?,
    };
    let r = Request {
        ts_ms,
        provider,
        model,
        user: l.user.unwrap_or_else(|| d.user.clone()),
        project: l.project.unwrap_or_else(|| d.project.clone()),
        org: l.org.or_else(|| d.org.clone()).unwrap_or_default(),
        session: l.session,
        source: l.source.unwrap_or_else(|| "jsonl".into()),
        request_id: l.request_id,
        tokens: Tokens {
            input,
            output,
            cache_read: l.cache_read.unwrap_or(0),
            cache_write_5m: l.cache_write.unwrap_or(0),
            cache_write_1h: l.cache_write_1h.unwrap_or(0),
        },
        reasoning: l.reasoning.unwrap_or(0),
        cost_nanos: given.unwrap_or(0),
        cost_source: if given.is_some() {
            CostSource::Given
        } else {
            CostSource::Unpriced
        },
        price_version: None,
        latency_ms: l.latency_ms,
        success: !l.failed.unwrap_or(false),
    };
    r.check().map_err(|e| match e {
        OverLimit::Field(f) => {
            let v = match f {
                "input" => r.tokens.input,
                "output" => r.tokens.output,
                "cache_read" => r.tokens.cache_read,
                "cache_write" => r.tokens.cache_write_5m,
                "cache_write_1h" => r.tokens.cache_write_1h,
                "reasoning" => r.reasoning,
                "latency_ms" => r.latency_ms.unwrap_or(0),
                _ => 0,
            };
            format!(
                "field `{f}` is over the ceiling of {} a request, got `{v}`",
                OverLimit::ceiling(f)
            )
        }
        other => other.to_string(),
    })?;
    Ok(r)
}

/// What recording a file of lines did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub added: u64,
    pub updated: u64,
    /// Requests with no known price (their cost is not known: not counted in `cost_nanos`).
    pub unpriced: u64,
    /// What the batch added to the ledger's total cost, in nano-dollars: a line that replaces
    /// an earlier row adds the difference.
    pub cost_nanos: i64,
    /// The costliest request, in nano-dollars.
    pub max_cost_nanos: i64,
    /// Up to 20 models without a price.
    pub unpriced_models: BTreeSet<String>,
}

struct Tally {
    report: Report,
    cost: i128,
}

impl ingest::Sink<()> for Tally {
    fn written(&mut self, r: &Request, written: Written) {
        let t = &mut self.report;
        if r.cost_source == CostSource::Unpriced {
            t.unpriced += 1;
            if t.unpriced_models.len() < 20 {
                t.unpriced_models.insert(r.model.clone());
            }
        }
        t.max_cost_nanos = t.max_cost_nanos.max(r.cost_nanos);
        match written {
            Written::Added => t.added += 1,
            Written::Existing => t.updated += 1,
        }
    }

    fn commit(&mut self, _meta: (), change: super::Change) -> anyhow::Result<()> {
        self.cost += i128::from(change.cost_nanos);
        Ok(())
    }
}

/// Records every line of `reader` (named `name` in errors) in one transaction: all or nothing.
/// Lines are read, checked and priced on a thread of their own (see [`ingest`]).
pub fn record(
    store: &mut dyn Ledger,
    reader: impl BufRead + Send,
    name: &str,
    defaults: &Defaults,
    book: &PriceBook,
) -> anyhow::Result<Report> {
    let mut tally = Tally {
        report: Report::default(),
        cost: 0,
    };
    let produce = |feed: &mut ingest::Feed<()>| -> anyhow::Result<()> {
        let mut reader = reader;
        let bad = |n: usize, msg: String| -> anyhow::Error {
            crate::error::usage(format!("`{name}` line {n}: {msg}"))
                .hint("nothing was recorded: a batch is all or nothing")
                .into()
        };
        let mut pricer = Pricer::new(book);
        let mut buf = String::new();
        let mut n = 0usize;
        loop {
            buf.clear();
            match reader.read_line(&mut buf) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) => {
                    return Err(crate::error::usage(format!("cannot read `{name}`: {e}")).into());
                }
            }
            n += 1;
            let line = buf.trim();
            if line.is_empty() {
                continue;
            }
            let mut r = parse_line(line, defaults).map_err(|m| bad(n, m))?;
            pricer.price(&mut r).map_err(|e| bad(n, e.to_string()))?;
            feed.push(r)?;
        }
        feed.commit(())?;
        Ok(())
    };
    ingest::run(store, false, produce, &mut tally)?;
    let mut report = tally.report;
    report.cost_nanos = i64::try_from(tally.cost).unwrap_or(i64::MAX);
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d() -> Defaults {
        Defaults {
            user: "u".into(),
            project: "p".into(),
            org: None,
            now: 0,
        }
    }

    fn err(line: &str) -> String {
        parse_line(line, &d()).unwrap_err()
    }

    #[test]
    fn bad_lines_name_their_field_as_written() {
        let base = r#""provider":"openai","model":"gpt-5""#;
        assert_eq!(
            err(&format!("{{{base},\"output\":1}}")),
            "missing field `input`"
        );
        assert_eq!(
            err(&format!("{{{base},\"input\":1}}")),
            "missing field `output`"
        );
        assert_eq!(
            err(r#"{"model":"m","input":1,"output":1}"#),
            "missing field `provider`"
        );
        assert_eq!(
            err(&format!(
                "{{{base},\"input\":100000000000000000000,\"output\":1}}"
            )),
            "field `input` is over the ceiling of 1,000,000,000,000 a request, got \
             `100000000000000000000`"
        );
        assert_eq!(
            err(&format!(
                "{{{base},\"input\":9223372036854775807,\"output\":1}}"
            )),
            "field `input` is over the ceiling of 1,000,000,000,000 a request, got \
             `9223372036854775807`"
        );
        assert_eq!(
            err(&format!("{{{base},\"input\":-5,\"output\":1}}")),
            "field `input` must be a non-negative number, got `-5`"
        );
        assert_eq!(
            err(r#"{"provider":"","model":"m","input":1,"output":1}"#),
            "field `provider` must not be empty"
        );
        assert_eq!(
            err(r#"{"provider":"p","model":" ","input":1,"output":1}"#),
            "field `model` must not be empty"
        );
        assert_eq!(
            err(&format!(
                "{{{base},\"input\":1,\"output\":1,\"cost\":1e12}}"
            )),
            "field `cost` is over the ceiling of $1,000,000,000 a request, got `1e12`"
        );
        assert_eq!(
            err(&format!("{{{base},\"input\":1,\"output\":1,\"cost\":-1}}")),
            "field `cost` must be a non-negative amount of US dollars, got `-1`"
        );
    }

    /// A cost is read from its text, every digit of it: no float in between.
    #[test]
    fn costs_are_read_exactly() {
        let line =
            |c: &str| format!(r#"{{"provider":"p","model":"m","input":1,"output":1,"cost":{c}}}"#);
        let cost = |c: &str| parse_line(&line(c), &d()).unwrap().cost_nanos;
        assert_eq!(cost("0.123456789"), 123_456_789);
        assert_eq!(cost("123456789.123456789"), 123_456_789_123_456_789);
        assert_eq!(cost("\"$1,200.50\""), 1_200_500_000_000);
        assert_eq!(cost("0.0000000005"), 0);
        assert_eq!(cost("0.0000000015"), 2);
        let r = parse_line(&line("null"), &d()).unwrap();
        assert_eq!(r.cost_source, CostSource::Unpriced);
    }
}

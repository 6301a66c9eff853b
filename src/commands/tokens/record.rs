//! `aimcp tokens record`

use std::io::BufRead;

use jiff::Timestamp;
use serde::Deserialize;

use crate::error::usage;
use crate::pricing::{Tokens, usd_json};
use crate::printer::Printer;
use crate::settings::Globals;
use crate::usage::{Batched, CostSource, Pricer, Request, Rollups, Writer, Written, rid_slot};

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
        None => Timestamp::now().as_millisecond(),
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
    let mut r = Request {
        ts_ms,
        provider,
        model,
        user: s.user.unwrap_or_else(default_user),
        project: s.project.unwrap_or_else(|| default_project(globals)),
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
        cost_micros: cost.unwrap_or(0),
        cost_source: if cost.is_some() {
            CostSource::Given
        } else {
            CostSource::Unpriced
        },
        price_version: None,
        latency_ms: s.latency_ms,
        success: !s.failed,
    };
    if cost.is_none() {
        let book = price_book(globals)?;
        Pricer::new(&book).price(&mut r);
    }
    let mut store = open_store(globals)?;
    let written = store.write(|tx| {
        let mut w = Writer::new(tx, false)?;
        let written = w.write(&r)?;
        w.finish()?;
        Ok(written)
    })?;
    if printer.is_json() {
        printer.json(&serde_json::json!({
            "recorded": 1,
            "updated": usize::from(written == Written::Existing),
            "cost_usd": usd_json(r.cost_micros),
            "cost_source": r.cost_source.as_str(),
            "unpriced": usize::from(r.cost_source == CostSource::Unpriced),
        }))?;
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
                money(r.cost_micros),
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
    check_budgets_after(&store, printer, globals.now, Some(r.cost_micros))
}

/// One line of `--jsonl`: the flags' names in snake_case.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
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
    cost: Option<serde_json::Value>,
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

/// Says what is wrong with a line serde refused, naming the field.
fn explain(line: &str, err: serde_json::Error) -> String {
    let value: serde_json::Value = match serde_json::from_str(line) {
        Ok(v) => v,
        Err(e) => return format!("not valid JSON ({e})"),
    };
    let Some(obj) = value.as_object() else {
        return "expected a JSON object".into();
    };
    for (k, v) in obj {
        let k = k.as_str();
        if STRING_FIELDS.contains(&k) {
            if !v.is_string() && !v.is_null() {
                return format!("field `{k}` must be a string, got `{v}`");
            }
        } else if COUNT_FIELDS.contains(&k) {
            if !v.is_null() && v.as_u64().is_none() {
                return format!("field `{k}` must be a non-negative integer, got `{v}`");
            }
        } else if k == "failed" {
            if !v.is_boolean() && !v.is_null() {
                return format!("field `failed` must be true or false, got `{v}`");
            }
        } else if k != "cost" {
            return format!("unknown field `{k}`");
        }
    }
    err.to_string()
}

fn line_cost(v: &serde_json::Value) -> Option<i64> {
    let text = match v {
        serde_json::Value::Number(n) => n.to_string(),
        serde_json::Value::String(s) => s.clone(),
        _ => return None,
    };
    crate::pricing::parse_usd(&text).filter(|c| *c >= 0)
}

/// Rows travel from the parsing thread to the writing one in chunks of this many.
const CHUNK: usize = 2048;

/// A request with what the parsing thread worked out of its request id.
type Row = (Batched, Request);

/// What `--jsonl` fills in when a line does not say.
struct Defaults<'a> {
    name: &'a str,
    user: String,
    project: String,
    org: Option<String>,
    now: i64,
}

/// Reads, checks and prices every line, sending the requests on in chunks, and returns their
/// sums for the rollups (adding them up here takes that work off the writing thread). Stops
/// at the first bad line (sending its error), or when the writer has gone.
///
/// Written chunks come back on `done` to be freed here: memory freed by the thread that
/// allocated it stays out of the allocator's locks.
fn parse_lines(
    mut reader: impl BufRead,
    d: &Defaults<'_>,
    book: &crate::pricing::PriceBook,
    send: &std::sync::mpsc::SyncSender<anyhow::Result<Vec<Row>>>,
    done: &std::sync::mpsc::Receiver<Vec<Row>>,
) -> Rollups {
    let mut rollups = Rollups::default();
    // each rid's first place in the batch
    let mut seen: rustc_hash::FxHashMap<i64, usize> = rustc_hash::FxHashMap::default();
    let mut sent = 0usize;
    let mut pricer = Pricer::new(book);
    let mut chunk = Vec::with_capacity(CHUNK);
    let mut buf = String::new();
    let mut n = 0usize;
    loop {
        buf.clear();
        let line = match reader.read_line(&mut buf) {
            Ok(0) => break,
            Ok(_) => buf.trim(),
            Err(e) => {
                let _ = send.send(Err(usage(format!("cannot read `{}`: {e}", d.name)).into()));
                return rollups;
            }
        };
        n += 1;
        if line.is_empty() {
            continue;
        }
        match parse_line(line, n, d) {
            Ok(mut r) => {
                pricer.price(&mut r);
                rollups.add(&r);
                let rid = r.request_id.as_deref().map(|id| rid_slot(&r.source, id));
                let first = rid.and_then(|rid| match seen.entry(rid) {
                    std::collections::hash_map::Entry::Occupied(e) => Some(*e.get()),
                    std::collections::hash_map::Entry::Vacant(e) => {
                        e.insert(sent);
                        None
                    }
                });
                sent += 1;
                chunk.push((Batched { rid, first }, r));
                if chunk.len() == CHUNK {
                    let next = match done.try_recv() {
                        Ok(mut old) => {
                            old.clear();
                            old
                        }
                        Err(_) => Vec::with_capacity(CHUNK),
                    };
                    let full = std::mem::replace(&mut chunk, next);
                    if send.send(Ok(full)).is_err() {
                        return rollups;
                    }
                }
            }
            Err(e) => {
                let _ = send.send(Err(e));
                return rollups;
            }
        }
    }
    if !chunk.is_empty() {
        let _ = send.send(Ok(chunk));
    }
    rollups
}

/// One line of `--jsonl` as a request (not yet priced).
fn parse_line(line: &str, n: usize, d: &Defaults<'_>) -> anyhow::Result<Request> {
    let bad = |msg: String| -> anyhow::Error {
        usage(format!("`{}` line {n}: {msg}", d.name))
            .hint("nothing was recorded: a batch is all or nothing")
            .into()
    };
    let l: Line = serde_json::from_str(line).map_err(|e| bad(explain(line, e)))?;
    let (Some(provider), Some(model)) = (l.provider, l.model) else {
        return Err(bad("missing field `provider` or `model`".into()));
    };
    let (Some(input), Some(output)) = (l.input, l.output) else {
        return Err(bad("missing field `input` or `output`".into()));
    };
    let ts_ms = match &l.at {
        Some(t) => {
            parse_at(t).ok_or_else(|| bad(format!("field `at`: invalid RFC 3339 time `{t}`")))?
        }
        None => d.now,
    };
    let given = match &l.cost {
        None | Some(serde_json::Value::Null) => None,
        Some(v) => Some(line_cost(v).ok_or_else(|| {
            bad(format!(
                "field `cost` must be an amount of US dollars, got `{v}`"
            ))
        })?),
    };
    Ok(Request {
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
        cost_micros: given.unwrap_or(0),
        cost_source: if given.is_some() {
            CostSource::Given
        } else {
            CostSource::Unpriced
        },
        price_version: None,
        latency_ms: l.latency_ms,
        success: !l.failed.unwrap_or(false),
    })
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
    let defaults = Defaults {
        name: &name,
        user: s.user.clone().unwrap_or_else(default_user),
        project: s
            .project
            .clone()
            .unwrap_or_else(|| default_project(globals)),
        org: s.org.clone(),
        now: Timestamp::now().as_millisecond(),
    };
    let mut store = open_store(globals)?;
    let mut reader = Some(reader);
    // one thread reads, parses and prices the lines while this one writes them
    let (added, updated, unpriced, cost, max_cost, unpriced_models) = store.write(|tx| {
        let Some(reader) = reader.take() else {
            return Err(anyhow::anyhow!("the input was already read"));
        };
        std::thread::scope(|scope| {
            let (send, recv) = std::sync::mpsc::sync_channel(8);
            let (give_back, done) = std::sync::mpsc::channel();
            let (d, book) = (&defaults, &book);
            let parser = scope.spawn(move || parse_lines(reader, d, book, &send, &done));
            let mut w = Writer::new(tx, false)?;
            let (mut added, mut updated, mut unpriced, mut cost, mut max_cost) =
                (0u64, 0u64, 0u64, 0i64, 0i64);
            let mut unpriced_models = std::collections::BTreeSet::new();
            for chunk in recv {
                let chunk = chunk?;
                for (b, r) in &chunk {
                    if r.cost_source == CostSource::Unpriced {
                        unpriced += 1;
                        if unpriced_models.len() < 20 {
                            unpriced_models.insert(r.model.clone());
                        }
                    }
                    cost += r.cost_micros;
                    max_cost = max_cost.max(r.cost_micros);
                    match w.write_batched(r, b)? {
                        Written::Added => added += 1,
                        Written::Existing => updated += 1,
                    }
                }
                let _ = give_back.send(chunk);
            }
            let counted = parser
                .join()
                .map_err(|_| anyhow::anyhow!("the thread reading the lines failed"))?;
            w.absorb(counted);
            w.finish()?;
            Ok((added, updated, unpriced, cost, max_cost, unpriced_models))
        })
    })?;
    if printer.is_json() {
        printer.json(&serde_json::json!({
            "recorded": added + updated,
            "updated": updated,
            "cost_usd": usd_json(cost),
            "unpriced": unpriced,
        }))?;
    } else {
        printer.info(format!(
            "recorded {} ({} new, {} updated), {}",
            super::plural((added + updated) as i64, "request"),
            super::thousands(added as i64),
            super::thousands(updated as i64),
            money(cost)
        ));
    }
    if unpriced > 0 {
        printer.warn(super::unpriced_message(
            unpriced as i64,
            ("was recorded as unpriced", "were recorded as unpriced"),
            &unpriced_models.into_iter().collect::<Vec<_>>(),
        ));
    }
    check_budgets_after(&store, printer, globals.now, Some(max_cost))
}

//! The usage ledger as MCP tools, which `aimcp mcp serve` adds beside its upstreams' tools:
//!
//! - `aimcp__get_token_analytics` (`period`: today | week | month | all): requests, tokens,
//!   cost, by model, average tokens per request.
//! - `aimcp__budget_status`: each budget's spend and level, as `aimcp tokens check` has them.
//! - `aimcp__tool_stats` (`by`: server | tool, `days`): the table of `aimcp mcp stats`.
//!
//! Each has an `inputSchema` and an `outputSchema`; a result holds `structuredContent` and a text
//! block with the same JSON. Money (`*_usd`) is a decimal string of dollars, exact to the
//! nano-dollar (`"1.500000003"`): a JSON number would go through an `f64` on the way (in a
//! `serde_json::Value` here, and in most clients), which drops digits of large amounts;
//! `cost_nanos` has it as an integer too. A bad argument is a tool error
//! (`isError`) naming it, so that the model can correct itself. Synchronous (SQLite): call them
//! from `spawn_blocking`.

use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::mcp::RpcFailure;
use crate::pricing::decimal::format_scaled;
use crate::usage::budget::{self, Calendar, Level};
use crate::usage::calls::StatsBy;
use crate::usage::{self, Db, Dim, Key, Ledger, OpenMode, Scope, Totals};
use crate::window::zone_name;

/// Nano-dollars as an exact decimal string of dollars (`"0.039207"`, `"12.0"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Usd(i64);

impl Usd {
    fn known(nanos: i64, known: bool) -> Option<Usd> {
        known.then_some(Usd(nanos))
    }
}

impl Serialize for Usd {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format_scaled(self.0, 9, 1))
    }
}

/// The JSON Schema of a [`Usd`].
fn usd_schema(nullable: bool) -> Value {
    let kind = if nullable {
        json!(["string", "null"])
    } else {
        json!("string")
    };
    json!({"type": kind, "description": "US dollars, exact, as decimal text (\"1.500000003\")"})
}

/// JSON-RPC's "invalid params": `arguments` is not an object.
const INVALID_PARAMS: i64 = -32602;

pub const TOKEN_ANALYTICS: &str = "aimcp__get_token_analytics";
pub const BUDGET_STATUS: &str = "aimcp__budget_status";
pub const TOOL_STATS: &str = "aimcp__tool_stats";

/// What the tools read: the store, the clock and the zone whose days and months they follow.
#[derive(Debug, Clone)]
pub struct LedgerCtx {
    /// The usage store (`--db`, `AIMCP_DB` or the default); a missing one reads as empty and is
    /// not created.
    pub db: Db,
    pub now: Timestamp,
    pub tz: TimeZone,
}

/// The three tools, as `tools/list` shows them.
pub fn tools() -> Vec<Value> {
    let read_only = json!({"readOnlyHint": true, "destructiveHint": false, "idempotentHint": true,
        "openWorldHint": false});
    vec![
        json!({
            "name": TOKEN_ANALYTICS,
            "title": "Token usage and cost",
            "description": "Token usage and cost recorded in aimcp's usage ledger for a period: \
                requests, input, output and cache tokens, cost in US dollars, the same by model, \
                and average tokens per request. `today` and `month` are the calendar day and month \
                in the gateway's time zone; `week` is the last 7 days, today included; `all` is \
                everything recorded.",
            "inputSchema": {
                "type": "object",
                "properties": {
                    "period": {
                        "type": "string",
                        "enum": ["today", "week", "month", "all"],
                        "default": "today",
                        "description": "The period to sum (default: today)"
                    }
                },
                "additionalProperties": false
            },
            "outputSchema": analytics_schema(),
            "annotations": read_only,
        }),
        json!({
            "name": BUDGET_STATUS,
            "title": "Budget status",
            "description": "Every spending budget set with `aimcp tokens budget set`: its period \
                and scope, the amount spent against its limit, the percent spent and its level \
                (ok, warning, critical, exceeded). `ok` is false when any budget is exceeded.",
            "inputSchema": {"type": "object", "properties": {}, "additionalProperties": false},
            "outputSchema": budget_schema(),
            "annotations": read_only,
        }),
        json!({
            "name": TOOL_STATS,
            "title": "MCP tool call statistics",
            "description": "Tool calls that went through this gateway, from aimcp's call ledger: \
                calls, errors, p50/p95/max latency in milliseconds (exact, nearest rank), bytes \
                and the estimated tokens of results, by server or by tool (SERVER__TOOL), over \
                the last N days.",
            "inputSchema": {
                "type": "object",
                "properties": {
                    "by": {
                        "type": "string",
                        "enum": ["server", "tool"],
                        "default": "server",
                        "description": "Group by upstream server or by tool (default: server)"
                    },
                    "days": {
                        "type": "integer",
                        "minimum": 1,
                        "maximum": 3660,
                        "default": 7,
                        "description": "The last N days, today included (default: 7)"
                    }
                },
                "additionalProperties": false
            },
            "outputSchema": stats_schema(),
            "annotations": read_only,
        }),
    ]
}

/// Runs one of the tools: `None` when `name` is not one of them; `Ok` a `CallToolResult`
/// (with `isError` for a bad argument or an unreadable store); `Err` when `arguments` is not
/// an object.
pub fn call(name: &str, arguments: &Value, ctx: &LedgerCtx) -> Option<Result<Value, RpcFailure>> {
    if ![TOKEN_ANALYTICS, BUDGET_STATUS, TOOL_STATS].contains(&name) {
        return None;
    }
    let empty = Map::new();
    let args = match arguments {
        Value::Null => &empty,
        Value::Object(m) => m,
        _ => {
            return Some(Err(RpcFailure {
                code: INVALID_PARAMS,
                message: format!("the arguments of `{name}` must be an object"),
                data: None,
            }));
        }
    };
    let out = match name {
        TOKEN_ANALYTICS => token_analytics(args, ctx),
        BUDGET_STATUS => budget_status(args, ctx),
        _ => tool_stats(args, ctx),
    };
    Some(Ok(match out {
        Ok(v) => v,
        Err(message) => tool_error(&message),
    }))
}

/// A tool's result: the document as structured content and as text.
fn result<T: Serialize>(doc: &T) -> Result<Value, String> {
    let text = serde_json::to_string(doc).map_err(|e| e.to_string())?;
    let structured = serde_json::to_value(doc).map_err(|e| e.to_string())?;
    Ok(json!({
        "content": [{"type": "text", "text": text}],
        "structuredContent": structured,
        "isError": false,
    }))
}

fn tool_error(message: &str) -> Value {
    json!({"content": [{"type": "text", "text": message}], "isError": true})
}

/// Refuses arguments the tool does not take.
fn only(args: &Map<String, Value>, known: &[&str]) -> Result<(), String> {
    match args.keys().find(|k| !known.contains(&k.as_str())) {
        Some(k) if known.is_empty() => Err(format!("unknown argument `{k}`: this tool takes none")),
        Some(k) => Err(format!(
            "unknown argument `{k}`: expected {}",
            known
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
        None => Ok(()),
    }
}

/// A string argument, one of `allowed` (`None` when absent).
fn choice<'a>(
    args: &'a Map<String, Value>,
    name: &str,
    allowed: &[&str],
) -> Result<Option<&'a str>, String> {
    match args.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if allowed.contains(&s.as_str()) => Ok(Some(s)),
        Some(v) => Err(format!(
            "invalid argument `{name}`: expected one of {}, got {v}",
            allowed.join(", ")
        )),
    }
}

fn open(ctx: &LedgerCtx) -> Result<Box<dyn Ledger>, String> {
    usage::open(&ctx.db, OpenMode::Read).map_err(|e| format!("{e:#}"))
}

/// The start (ms) of the day `back` days before today, in the zone.
fn days_back(ctx: &LedgerCtx, back: i64) -> Result<i64, String> {
    let today = ctx.now.to_zoned(ctx.tz.clone()).date();
    let d = today.checked_sub(back.days()).map_err(|e| e.to_string())?;
    Ok(d.to_zoned(ctx.tz.clone())
        .map_err(|e| e.to_string())?
        .timestamp()
        .as_millisecond())
}

fn rfc3339(ms: i64) -> Result<String, String> {
    Timestamp::from_millisecond(ms)
        .map(|t| t.to_string())
        .map_err(|e| e.to_string())
}

// ---- aimcp__get_token_analytics -------------------------------------------------------------

/// A group's tokens and cost.
#[derive(Debug, Serialize)]
struct TokenFigures {
    requests: i64,
    input_tokens: i64,
    output_tokens: i64,
    cache_read_tokens: i64,
    cache_write_tokens: i64,
    total_tokens: i64,
    /// `null` when every request of the group is unpriced.
    cost_usd: Option<Usd>,
    cost_nanos: i64,
    unpriced_requests: i64,
    /// Total tokens over requests, one decimal; `null` without requests.
    average_tokens_per_request: Option<f64>,
}

impl TokenFigures {
    fn of(t: &Totals) -> TokenFigures {
        let known = t.requests == 0 || t.unpriced < t.requests;
        TokenFigures {
            requests: t.requests,
            input_tokens: t.input,
            output_tokens: t.output,
            cache_read_tokens: t.cache_read,
            cache_write_tokens: t.cache_write(),
            total_tokens: t.total_tokens(),
            cost_usd: Usd::known(t.cost_nanos, known),
            cost_nanos: t.cost_nanos,
            unpriced_requests: t.unpriced,
            average_tokens_per_request: (t.requests > 0)
                .then(|| (t.total_tokens() as f64 / t.requests as f64 * 10.0).round() / 10.0),
        }
    }
}

#[derive(Debug, Serialize)]
struct ModelFigures {
    model: String,
    #[serde(flatten)]
    figures: TokenFigures,
}

#[derive(Debug, Serialize)]
struct Analytics {
    period: String,
    /// The window (`until` excluded); `null` for `all`.
    since: Option<String>,
    until: Option<String>,
    time_zone: String,
    #[serde(flatten)]
    totals: TokenFigures,
    /// Costliest first.
    models: Vec<ModelFigures>,
}

fn token_analytics(args: &Map<String, Value>, ctx: &LedgerCtx) -> Result<Value, String> {
    only(args, &["period"])?;
    let period = choice(args, "period", &["today", "week", "month", "all"])?.unwrap_or("today");
    let cal = Calendar::at(ctx.now, &ctx.tz).map_err(|e| e.to_string())?;
    // everything jiff can name: about 10,000 years either side
    const ALL: (i64, i64) = (-253_402_300_799_000, 253_402_300_799_000);
    let (start, end) = match period {
        "today" => (cal.day_start, cal.day_end),
        "week" => (days_back(ctx, 6)?, cal.day_end),
        "month" => (cal.month_start, cal.month_end),
        _ => ALL,
    };
    let store = open(ctx)?;
    let groups = store
        .aggregate(start, end, Dim::Model, &Scope::Global, true)
        .map_err(|e| format!("cannot read the usage store: {e}"))?;
    drop(store);
    let mut totals = Totals::default();
    let mut models: Vec<(String, Totals)> = Vec::new();
    for (key, t) in groups {
        totals.add(&t);
        if let Key::Name(n) = key {
            models.push((n, t));
        }
    }
    models.sort_by(|a, b| b.1.cost_nanos.cmp(&a.1.cost_nanos).then(a.0.cmp(&b.0)));
    let bounded = period != "all";
    let doc = Analytics {
        period: period.to_string(),
        since: bounded.then(|| rfc3339(start)).transpose()?,
        until: bounded.then(|| rfc3339(end)).transpose()?,
        time_zone: zone_name(&ctx.tz),
        totals: TokenFigures::of(&totals),
        models: models
            .iter()
            .map(|(m, t)| ModelFigures {
                model: m.clone(),
                figures: TokenFigures::of(t),
            })
            .collect(),
    };
    result(&doc)
}

fn figures_schema() -> Map<String, Value> {
    let int = json!({"type": "integer", "minimum": 0});
    let mut p = Map::new();
    for k in [
        "requests",
        "input_tokens",
        "output_tokens",
        "cache_read_tokens",
        "cache_write_tokens",
        "total_tokens",
        "unpriced_requests",
    ] {
        p.insert(k.into(), int.clone());
    }
    p.insert("cost_usd".into(), usd_schema(true));
    p.insert("cost_nanos".into(), json!({"type": "integer"}));
    p.insert(
        "average_tokens_per_request".into(),
        json!({"type": ["number", "null"]}),
    );
    p
}

fn analytics_schema() -> Value {
    let figures = figures_schema();
    let keys: Vec<String> = figures.keys().cloned().collect();
    let mut model = figures.clone();
    model.insert("model".into(), json!({"type": "string"}));
    let mut model_required = keys.clone();
    model_required.push("model".into());
    let mut p = figures;
    p.insert(
        "period".into(),
        json!({"type": "string", "enum": ["today", "week", "month", "all"]}),
    );
    p.insert("since".into(), json!({"type": ["string", "null"]}));
    p.insert("until".into(), json!({"type": ["string", "null"]}));
    p.insert("time_zone".into(), json!({"type": "string"}));
    p.insert(
        "models".into(),
        json!({"type": "array", "items": {"type": "object", "properties": model,
            "required": model_required, "additionalProperties": false}}),
    );
    let mut required = keys;
    required.extend(["period", "since", "until", "time_zone", "models"].map(String::from));
    json!({"type": "object", "properties": p, "required": required, "additionalProperties": false})
}

// ---- aimcp__budget_status -------------------------------------------------------------------

#[derive(Debug, Serialize)]
struct BudgetFigures {
    id: i64,
    scope: String,
    period: &'static str,
    limit_usd: Usd,
    spent_usd: Usd,
    /// Spent over limit, on a 0–100 scale (above 100 when exceeded).
    percent: f64,
    level: &'static str,
    unpriced_requests: i64,
}

#[derive(Debug, Serialize)]
struct Budgets {
    /// No budget exceeded.
    ok: bool,
    budgets: Vec<BudgetFigures>,
}

fn budget_status(args: &Map<String, Value>, ctx: &LedgerCtx) -> Result<Value, String> {
    only(args, &[])?;
    let store = open(ctx)?;
    let statuses = budget::current(&*store, ctx.now, &ctx.tz, None, 0, None)
        .map_err(|e| format!("cannot read the budgets: {e:#}"))?;
    drop(store);
    let doc = Budgets {
        ok: statuses.iter().all(|s| s.level != Level::Exceeded),
        budgets: statuses
            .iter()
            .map(|s| BudgetFigures {
                id: s.budget.id,
                scope: s.budget.scope.to_string(),
                period: s.budget.period.as_str(),
                limit_usd: Usd(s.budget.limit_nanos),
                spent_usd: Usd(s.spent_nanos),
                percent: s.percent(),
                level: s.level.as_str(),
                unpriced_requests: s.unpriced,
            })
            .collect(),
    };
    result(&doc)
}

fn budget_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "ok": {"type": "boolean"},
            "budgets": {"type": "array", "items": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "scope": {"type": "string"},
                    "period": {"type": "string", "enum": ["daily", "monthly", "per-request"]},
                    "limit_usd": usd_schema(false),
                    "spent_usd": usd_schema(false),
                    "percent": {"type": "number", "minimum": 0},
                    "level": {"type": "string", "enum": ["ok", "warning", "critical", "exceeded"]},
                    "unpriced_requests": {"type": "integer", "minimum": 0}
                },
                "required": ["id", "scope", "period", "limit_usd", "spent_usd", "percent",
                    "level", "unpriced_requests"],
                "additionalProperties": false
            }}
        },
        "required": ["ok", "budgets"],
        "additionalProperties": false
    })
}

// ---- aimcp__tool_stats ----------------------------------------------------------------------

fn tool_stats(args: &Map<String, Value>, ctx: &LedgerCtx) -> Result<Value, String> {
    only(args, &["by", "days"])?;
    let by = match choice(args, "by", &["server", "tool"])? {
        Some("tool") => StatsBy::Tool,
        _ => StatsBy::Server,
    };
    let days = match args.get("days") {
        None | Some(Value::Null) => 7,
        Some(v) => match v.as_i64() {
            Some(n @ 1..=3660) => n,
            _ => {
                return Err(format!(
                    "invalid argument `days`: expected a whole number from 1 to 3660, got {v}"
                ));
            }
        },
    };
    let (start, end) = (days_back(ctx, days - 1)?, days_back(ctx, -1)?);
    let store = open(ctx)?;
    let report = store
        .call_stats(start, end, by, &ctx.tz)
        .map_err(|e| format!("cannot read the call ledger: {e:#}"))?;
    drop(store);
    let doc = report
        .document(by, start, end, &zone_name(&ctx.tz))
        .map_err(|e| e.to_string())?;
    result(&doc)
}

fn stats_schema() -> Value {
    let count = json!({"type": "integer", "minimum": 0});
    let ms = json!({"type": ["number", "null"], "minimum": 0});
    let mut figures = Map::new();
    for k in [
        "calls",
        "errors",
        "bytes_out",
        "result_tokens",
        "bytes_in",
        "tool_errors",
        "protocol_errors",
        "timeouts",
    ] {
        figures.insert(k.into(), count.clone());
    }
    for k in ["p50_ms", "p95_ms", "max_ms"] {
        figures.insert(k.into(), ms.clone());
    }
    let keys: Vec<String> = figures.keys().cloned().collect();
    let mut row = figures.clone();
    row.insert("key".into(), json!({"type": "string"}));
    let mut row_required = keys.clone();
    row_required.push("key".into());
    json!({
        "type": "object",
        "properties": {
            "rows": {"type": "array", "items": {"type": "object", "properties": row,
                "required": row_required, "additionalProperties": false}},
            "totals": {"type": "object", "properties": figures, "required": keys,
                "additionalProperties": false},
            "by": {"type": "string", "enum": ["server", "tool", "day"]},
            "since": {"type": "string"},
            "until": {"type": "string"},
            "time_zone": {"type": "string"},
            "percentiles": {"type": "string", "enum": ["nearest-rank"]}
        },
        "required": ["rows", "totals", "by", "since", "until", "time_zone", "percentiles"],
        "additionalProperties": false
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usage::CostSource;
    use crate::usage::calls::{CallOutcome, CallRecorder, ToolCall};

    /// Checks a value against the parts of JSON Schema these tools use: `type` (one or a list),
    /// `enum`, `minimum`, `maximum`, `properties`, `required`, `additionalProperties: false`,
    /// `items`. Any other keyword is refused, so a schema cannot pass by being misread.
    fn validate(schema: &Value, v: &Value, at: &str) -> Result<(), String> {
        let s = schema
            .as_object()
            .ok_or(format!("{at}: schema is not an object"))?;
        for k in s.keys() {
            let known = [
                "type",
                "enum",
                "minimum",
                "maximum",
                "properties",
                "required",
                "additionalProperties",
                "items",
                "default",
                "description",
            ];
            if !known.contains(&k.as_str()) {
                return Err(format!("{at}: the checker does not know `{k}`"));
            }
        }
        if let Some(t) = s.get("type") {
            let types: Vec<&str> = match t {
                Value::String(t) => vec![t.as_str()],
                Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
                _ => return Err(format!("{at}: bad `type`")),
            };
            let is = |t: &str| match t {
                "object" => v.is_object(),
                "array" => v.is_array(),
                "string" => v.is_string(),
                "boolean" => v.is_boolean(),
                "null" => v.is_null(),
                "number" => v.is_number(),
                "integer" => v.is_i64() || v.is_u64(),
                _ => false,
            };
            if !types.iter().any(|t| is(t)) {
                return Err(format!("{at}: {v} is not of type {t}"));
            }
        }
        if let Some(e) = s.get("enum").and_then(Value::as_array)
            && !e.contains(v)
        {
            return Err(format!("{at}: {v} is not one of {e:?}"));
        }
        if let (Some(min), Some(n)) = (s.get("minimum").and_then(Value::as_f64), v.as_f64())
            && n < min
        {
            return Err(format!("{at}: {n} is below {min}"));
        }
        if let (Some(max), Some(n)) = (s.get("maximum").and_then(Value::as_f64), v.as_f64())
            && n > max
        {
            return Err(format!("{at}: {n} is above {max}"));
        }
        if let Some(o) = v.as_object() {
            let props = s.get("properties").and_then(Value::as_object);
            for r in s
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let r = r.as_str().unwrap_or("");
                if !o.contains_key(r) {
                    return Err(format!("{at}: `{r}` is missing"));
                }
            }
            for (k, val) in o {
                match props.and_then(|p| p.get(k)) {
                    Some(ps) => validate(ps, val, &format!("{at}.{k}"))?,
                    None if s.get("additionalProperties") == Some(&Value::Bool(false)) => {
                        return Err(format!("{at}: `{k}` is not allowed"));
                    }
                    None => {}
                }
            }
        }
        if let (Some(items), Some(a)) = (s.get("items"), v.as_array()) {
            for (i, item) in a.iter().enumerate() {
                validate(items, item, &format!("{at}[{i}]"))?;
            }
        }
        Ok(())
    }

    fn request(at: &str, model: &str, input: u64, cost: Option<i64>) -> usage::Request {
        usage::Request {
            ts_ms: at.parse::<Timestamp>().unwrap().as_millisecond(),
            provider: "anthropic".into(),
            model: model.into(),
            user: "u".into(),
            project: "p".into(),
            org: String::new(),
            session: None,
            source: "manual".into(),
            request_id: None,
            tokens: crate::pricing::Tokens {
                input,
                output: 10,
                cache_read: 0,
                cache_write_5m: 0,
                cache_write_1h: 0,
            },
            reasoning: 0,
            cost_nanos: cost.unwrap_or(0),
            cost_source: if cost.is_some() {
                CostSource::Given
            } else {
                CostSource::Unpriced
            },
            price_version: None,
            latency_ms: None,
            success: true,
        }
    }

    /// A store on 2026-03-15 (UTC): requests today, earlier this week, earlier this month and
    /// in January; a daily and a monthly budget; tool calls today and 10 days ago.
    fn seeded(dir: &std::path::Path) -> LedgerCtx {
        let db = Db::with_machine(usage::DbLocation::Sqlite(dir.join("usage.db")), "m");
        let now: Timestamp = "2026-03-15T12:00:00Z".parse().unwrap();
        let mut store = usage::open(&db, OpenMode::Write).unwrap();
        store
            .record(&[
                request("2026-03-15T08:00:00Z", "sonnet", 90, Some(1_500_000_001)),
                request("2026-03-15T09:00:00Z", "haiku", 40, Some(2)),
                request("2026-03-11T09:00:00Z", "sonnet", 100, Some(1_000_000_000)),
                request("2026-03-02T09:00:00Z", "local", 1_000, None),
                request("2026-01-10T09:00:00Z", "sonnet", 5, Some(7)),
            ])
            .unwrap();
        for (period, limit_nanos, scope) in [
            (budget::Period::Daily, 1_000_000_000, Scope::Global),
            (
                budget::Period::Monthly,
                100_000_000_000,
                Scope::Project("p".into()),
            ),
        ] {
            store
                .add_budget(&budget::NewBudget {
                    period,
                    limit_nanos,
                    scope,
                    thresholds: [80, 90, 100],
                    created_ms: now.as_millisecond(),
                })
                .unwrap();
        }
        drop(store);
        let recorder = CallRecorder::start(&db).unwrap();
        for (at, server, latency, o) in [
            ("2026-03-15T10:00:00Z", "time", 1_000, CallOutcome::Ok),
            ("2026-03-15T10:01:00Z", "time", 3_000, CallOutcome::Timeout),
            ("2026-03-14T10:00:00Z", "memory", 500, CallOutcome::Ok),
            ("2026-03-05T10:00:00Z", "memory", 500, CallOutcome::Ok),
        ] {
            recorder.record(ToolCall {
                at: at.parse().unwrap(),
                server: server.into(),
                tool: "t".into(),
                client: None,
                latency_us: latency,
                outcome: o,
                bytes_in: 10,
                bytes_out: 20,
                result_tokens: 5,
            });
        }
        recorder.finish();
        LedgerCtx {
            db,
            now,
            tz: TimeZone::UTC,
        }
    }

    fn schema_of(name: &str) -> Value {
        tools().into_iter().find(|t| t["name"] == name).unwrap()["outputSchema"].clone()
    }

    /// Calls a tool; checks that it succeeded, that its structured content validates against
    /// its own outputSchema, and that the text block holds the same JSON. Returns the content.
    fn ok(name: &str, args: Value, ctx: &LedgerCtx) -> Value {
        let r = call(name, &args, ctx).unwrap().unwrap();
        assert_eq!(r["isError"], false, "{r}");
        let structured = r["structuredContent"].clone();
        validate(&schema_of(name), &structured, name).unwrap();
        let text: Value = serde_json::from_str(r["content"][0]["text"].as_str().unwrap()).unwrap();
        assert_eq!(text, structured);
        structured
    }

    fn err(name: &str, args: Value, ctx: &LedgerCtx) -> String {
        let r = call(name, &args, ctx).unwrap().unwrap();
        assert_eq!(r["isError"], true, "{r}");
        r["content"][0]["text"].as_str().unwrap().to_string()
    }

    #[test]
    fn three_tools_with_both_schemas() {
        let tools = tools();
        let names: Vec<&str> = tools.iter().map(|t| t["name"].as_str().unwrap()).collect();
        assert_eq!(names, [TOKEN_ANALYTICS, BUDGET_STATUS, TOOL_STATS]);
        for t in &tools {
            assert_eq!(t["inputSchema"]["type"], "object");
            assert_eq!(t["outputSchema"]["type"], "object");
            assert!(t["description"].as_str().unwrap().len() > 40);
        }
        let ctx = LedgerCtx {
            db: Db::with_machine(
                usage::DbLocation::Sqlite("/nonexistent/usage.db".into()),
                "m",
            ),
            now: Timestamp::UNIX_EPOCH,
            tz: TimeZone::UTC,
        };
        assert!(call("time__get", &json!({}), &ctx).is_none());
    }

    #[test]
    fn token_analytics_for_each_period() {
        let dir = tempfile::tempdir().unwrap();
        let ctx = seeded(dir.path());
        let today = ok(TOKEN_ANALYTICS, json!({"period": "today"}), &ctx);
        assert_eq!(today["requests"], 2);
        assert_eq!(today["input_tokens"], 130);
        assert_eq!(today["total_tokens"], 150);
        assert_eq!(today["cost_nanos"], 1_500_000_003);
        assert_eq!(today["cost_usd"], "1.500000003");
        assert_eq!(today["average_tokens_per_request"].as_f64(), Some(75.0));
        assert_eq!(today["since"], "2026-03-15T00:00:00Z");
        assert_eq!(today["until"], "2026-03-16T00:00:00Z");
        let models: Vec<&str> = today["models"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["model"].as_str().unwrap())
            .collect();
        assert_eq!(models, ["sonnet", "haiku"]);
        // the text block has the money exactly
        let r = call(TOKEN_ANALYTICS, &json!({"period": "today"}), &ctx)
            .unwrap()
            .unwrap();
        let text = r["content"][0]["text"].as_str().unwrap();
        assert!(text.contains("\"cost_usd\":\"1.500000003\","), "{text}");
        // no period: today
        assert_eq!(ok(TOKEN_ANALYTICS, json!({}), &ctx)["requests"], 2);
        assert_eq!(ok(TOKEN_ANALYTICS, Value::Null, &ctx)["requests"], 2);
        let week = ok(TOKEN_ANALYTICS, json!({"period": "week"}), &ctx);
        assert_eq!(
            (week["requests"].clone(), week["since"].clone()),
            (json!(3), json!("2026-03-09T00:00:00Z"))
        );
        let month = ok(TOKEN_ANALYTICS, json!({"period": "month"}), &ctx);
        assert_eq!(month["requests"], 4);
        assert_eq!(month["unpriced_requests"], 1);
        // a model with no price has no cost (not $0)
        let local = month["models"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["model"] == "local")
            .unwrap()
            .clone();
        assert_eq!(local["cost_usd"], Value::Null);
        let all = ok(TOKEN_ANALYTICS, json!({"period": "all"}), &ctx);
        assert_eq!(all["requests"], 5);
        assert_eq!(
            (all["since"].clone(), all["until"].clone()),
            (Value::Null, Value::Null)
        );
    }

    /// Money of more digits than an `f64` holds comes out exact, in structured content too.
    #[test]
    fn money_is_exact_in_structured_content() {
        #[derive(Serialize)]
        struct Doc {
            cost_usd: Usd,
            none: Option<Usd>,
        }
        let r = result(&Doc {
            cost_usd: Usd(12_345_678_123_456_789),
            none: None,
        })
        .unwrap();
        assert_eq!(r["structuredContent"]["cost_usd"], "12345678.123456789");
        assert_eq!(r["structuredContent"]["none"], Value::Null);
        let text: Value = serde_json::from_str(r["content"][0]["text"].as_str().unwrap()).unwrap();
        assert_eq!(text, r["structuredContent"]);
    }

    #[test]
    fn budget_status_as_tokens_check_has_it() {
        let dir = tempfile::tempdir().unwrap();
        let ctx = seeded(dir.path());
        let b = ok(BUDGET_STATUS, json!({}), &ctx);
        // today's spend $1.500000003 against $1: exceeded
        assert_eq!(b["ok"], false);
        assert_eq!(b["budgets"][0]["level"], "exceeded");
        assert_eq!(b["budgets"][0]["spent_usd"], "1.500000003");
        assert_eq!(b["budgets"][0]["percent"].as_f64(), Some(150.0));
        assert_eq!(b["budgets"][1]["scope"], "project:p");
        assert_eq!(b["budgets"][1]["level"], "ok");
        assert_eq!(b["budgets"][1]["unpriced_requests"], 1);
        // no budgets at all
        let empty = LedgerCtx {
            db: Db::with_machine(usage::DbLocation::Sqlite(dir.path().join("none.db")), "m"),
            ..ctx.clone()
        };
        assert_eq!(
            ok(BUDGET_STATUS, json!({}), &empty),
            json!({"ok": true, "budgets": []})
        );
        assert!(!dir.path().join("none.db").exists());
    }

    #[test]
    fn tool_stats_by_server_and_tool() {
        let dir = tempfile::tempdir().unwrap();
        let ctx = seeded(dir.path());
        let s = ok(TOOL_STATS, json!({}), &ctx);
        assert_eq!(s["totals"]["calls"], 3);
        assert_eq!(s["rows"][0]["key"], "time");
        assert_eq!(s["rows"][0]["errors"], 1);
        assert_eq!(s["rows"][0]["p95_ms"].as_f64(), Some(3.0));
        assert_eq!(s["since"], "2026-03-09T00:00:00Z");
        let s = ok(TOOL_STATS, json!({"by": "tool", "days": 30}), &ctx);
        assert_eq!(s["totals"]["calls"], 4);
        assert_eq!(s["rows"][0]["key"], "memory__t");
        let s = ok(TOOL_STATS, json!({"days": 1}), &ctx);
        assert_eq!(s["totals"]["calls"], 2);
    }

    /// A bad argument is a tool error naming it; arguments that are no object are a JSON-RPC
    /// error.
    #[test]
    fn bad_arguments_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let ctx = seeded(dir.path());
        let e = err(TOKEN_ANALYTICS, json!({"period": "year"}), &ctx);
        assert_eq!(
            e,
            "invalid argument `period`: expected one of today, week, month, all, got \"year\""
        );
        let e = err(TOKEN_ANALYTICS, json!({"periode": "week"}), &ctx);
        assert_eq!(e, "unknown argument `periode`: expected `period`");
        let e = err(BUDGET_STATUS, json!({"scope": "global"}), &ctx);
        assert_eq!(e, "unknown argument `scope`: this tool takes none");
        for days in [json!(0), json!(1.5), json!("7"), json!(100_000)] {
            let e = err(TOOL_STATS, json!({ "days": days }), &ctx);
            assert!(e.starts_with("invalid argument `days`"), "{e}");
        }
        let e = err(TOOL_STATS, json!({"by": "day"}), &ctx);
        assert!(
            e.starts_with("invalid argument `by`: expected one of server, tool"),
            "{e}"
        );
        let rpc = call(TOOL_STATS, &json!([1]), &ctx).unwrap().unwrap_err();
        assert_eq!(rpc.code, INVALID_PARAMS);
    }

    /// An unreadable store is a tool error that says so.
    #[test]
    fn an_unreadable_store_is_a_tool_error() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("usage.db");
        std::fs::write(&db, "not a database".repeat(100)).unwrap();
        let ctx = LedgerCtx {
            db: Db::with_machine(usage::DbLocation::Sqlite(db), "m"),
            now: Timestamp::UNIX_EPOCH,
            tz: TimeZone::UTC,
        };
        let e = err(TOKEN_ANALYTICS, json!({}), &ctx);
        assert!(e.contains("usage store"), "{e}");
    }

    /// The schema checker fails on what breaks a schema: it can fail.
    #[test]
    fn the_schema_checker_refuses_bad_documents() {
        let schema = schema_of(TOOL_STATS);
        let dir = tempfile::tempdir().unwrap();
        let ctx = seeded(dir.path());
        let good = ok(TOOL_STATS, json!({}), &ctx);
        let mut missing = good.clone();
        missing["totals"].as_object_mut().unwrap().remove("calls");
        let mut extra = good.clone();
        extra["rows"][0]["surprise"] = json!(1);
        let mut wrong_type = good.clone();
        wrong_type["rows"][0]["p50_ms"] = json!("1.0");
        let mut negative = good.clone();
        negative["totals"]["calls"] = json!(-1);
        let mut bad_enum = good;
        bad_enum["by"] = json!("model");
        for bad in [missing, extra, wrong_type, negative, bad_enum] {
            assert!(validate(&schema, &bad, "doc").is_err(), "{bad}");
        }
    }
}

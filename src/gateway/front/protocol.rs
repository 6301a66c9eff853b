//! The MCP messages the front reads and writes itself: JSON-RPC framing, `initialize`,
//! `server/discover`, and the 2026-07-28 request `_meta`.

use serde_json::{Map, Value, json};

use crate::gateway::service::{Answer, ClientInfo, RpcFailure, Service};
use crate::mcp::{METHOD_NOT_FOUND, PROTOCOL_VERSIONS};

/// The stateless wire version: no `initialize`, every request carries `_meta`.
pub const MODERN_VERSION: &str = "2026-07-28";

pub(crate) const PARSE_ERROR: i64 = -32700;
pub(crate) const INVALID_REQUEST: i64 = -32600;
pub(crate) const INVALID_PARAMS: i64 = -32602;
pub(crate) const INTERNAL_ERROR: i64 = -32603;
/// 2026-07-28: the request names a protocol version the server does not speak.
pub(crate) const UNSUPPORTED_VERSION: i64 = -32022;

pub(crate) const META_VERSION: &str = "io.modelcontextprotocol/protocolVersion";
pub(crate) const META_CLIENT: &str = "io.modelcontextprotocol/clientInfo";
pub(crate) const META_CAPABILITIES: &str = "io.modelcontextprotocol/clientCapabilities";
pub(crate) const META_LOG_LEVEL: &str = "io.modelcontextprotocol/logLevel";
pub(crate) const META_SERVER: &str = "io.modelcontextprotocol/serverInfo";

/// Methods that 2026-07-28 removed: a stateless request for one of them is "method not found".
const REMOVED_IN_MODERN: &[&str] = &[
    "initialize",
    "ping",
    "logging/setLevel",
    "resources/subscribe",
    "resources/unsubscribe",
];

/// Results that 2026-07-28 requires caching hints on.
const CACHEABLE: &[&str] = &[
    "server/discover",
    "tools/list",
    "prompts/list",
    "resources/list",
    "resources/templates/list",
    "resources/read",
];

/// Every version the front speaks, newest first: the stateless one, then those of `initialize`.
pub fn supported_versions() -> Vec<&'static str> {
    std::iter::once(MODERN_VERSION)
        .chain(PROTOCOL_VERSIONS.iter().copied())
        .collect()
}

pub(crate) fn failure(code: i64, message: impl Into<String>) -> RpcFailure {
    RpcFailure {
        code,
        message: message.into(),
        data: None,
    }
}

/// One message from a client, sorted.
pub(crate) enum Incoming {
    Request {
        id: Value,
        method: String,
        params: Value,
    },
    Notification {
        method: String,
        params: Value,
    },
    /// The client's answer to a request of ours.
    Response {
        id: Value,
        answer: Answer,
    },
    /// Not a JSON-RPC message: answered with this error (`id` null when it cannot be known).
    Invalid {
        id: Value,
        failure: RpcFailure,
    },
}

/// Sorts one JSON value into a request, notification or response.
pub(crate) fn classify(value: Value) -> Incoming {
    let Value::Object(mut m) = value else {
        return Incoming::Invalid {
            id: Value::Null,
            failure: failure(INVALID_REQUEST, "a JSON-RPC message is an object"),
        };
    };
    let id = m.remove("id");
    let usable_id = match &id {
        Some(v @ (Value::String(_) | Value::Number(_))) => v.clone(),
        _ => Value::Null,
    };
    let invalid = |message: &str| Incoming::Invalid {
        id: usable_id.clone(),
        failure: failure(INVALID_REQUEST, message),
    };
    if m.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return invalid("`jsonrpc` must be \"2.0\"");
    }
    let params = match m.remove("params") {
        None | Some(Value::Null) => Value::Object(Map::new()),
        Some(p @ Value::Object(_)) => p,
        Some(_) => return invalid("`params` must be an object"),
    };
    match (m.remove("method"), id) {
        (Some(Value::String(method)), None) => Incoming::Notification { method, params },
        (Some(Value::String(method)), Some(Value::String(_) | Value::Number(_))) => {
            Incoming::Request {
                id: usable_id,
                method,
                params,
            }
        }
        (Some(Value::String(_)), Some(_)) => invalid("`id` must be a string or a number"),
        (Some(_), _) => invalid("`method` must be a string"),
        (None, Some(Value::String(_) | Value::Number(_))) => {
            if let Some(result) = m.remove("result") {
                Incoming::Response {
                    id: usable_id,
                    answer: Ok(result),
                }
            } else if let Some(error) = m.remove("error") {
                Incoming::Response {
                    id: usable_id,
                    answer: Err(RpcFailure {
                        code: error.get("code").and_then(Value::as_i64).unwrap_or(0),
                        message: error
                            .get("message")
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .to_string(),
                        data: error.get("data").cloned(),
                    }),
                }
            } else {
                invalid("a response has `result` or `error`")
            }
        }
        (None, _) => invalid("a message has `method` (a request or notification) or `id`"),
    }
}

pub(crate) fn error_message(id: Value, failure: &RpcFailure) -> Value {
    let mut error = json!({"code": failure.code, "message": failure.message});
    if let Some(d) = &failure.data {
        error["data"] = d.clone();
    }
    json!({"jsonrpc": "2.0", "id": id, "error": error})
}

pub(crate) fn answer_message(id: Value, answer: Answer) -> Value {
    match answer {
        Ok(result) => json!({"jsonrpc": "2.0", "id": id, "result": result}),
        Err(f) => error_message(id, &f),
    }
}

pub(crate) fn notification_message(method: &str, params: Value) -> Value {
    json!({"jsonrpc": "2.0", "method": method, "params": params})
}

/// `initialize`: the version (the client's when aimcp speaks it, else the newest), the result,
/// and what the client said about itself.
pub(crate) fn initialize(service: &dyn Service, params: &Value) -> (Value, ClientInfo) {
    let asked = params
        .get("protocolVersion")
        .and_then(Value::as_str)
        .unwrap_or("");
    let version = PROTOCOL_VERSIONS
        .iter()
        .find(|v| **v == asked)
        .copied()
        .unwrap_or(PROTOCOL_VERSIONS[0]);
    let info = params.get("clientInfo");
    let text = |k: &str| {
        info.and_then(|i| i.get(k))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let client = ClientInfo {
        name: text("name"),
        version: text("version"),
        capabilities: params
            .get("capabilities")
            .filter(|c| c.is_object())
            .cloned()
            .unwrap_or_else(|| json!({})),
        protocol_version: version.to_string(),
    };
    let mut result = json!({
        "protocolVersion": version,
        "capabilities": service.capabilities(),
        "serverInfo": service.server_info(),
    });
    if let Some(i) = service.instructions() {
        result["instructions"] = Value::String(i);
    }
    (result, client)
}

/// `server/discover` (2026-07-28): every version, the capabilities, who the gateway is.
pub(crate) fn discover(service: &dyn Service) -> Value {
    let mut result = json!({
        "resultType": "complete",
        "supportedVersions": supported_versions(),
        "capabilities": service.capabilities(),
        "_meta": {META_SERVER: service.server_info()},
        "ttlMs": 0,
        "cacheScope": "private",
    });
    if let Some(i) = service.instructions() {
        result["instructions"] = Value::String(i);
    }
    result
}

/// The protocol version a request's `_meta` names, if it is in the 2026-07-28 form.
pub(crate) fn meta_version(params: &Value) -> Option<&Value> {
    params.get("_meta")?.get(META_VERSION)
}

/// What a 2026-07-28 request says about its client.
pub(crate) struct Stateless {
    pub client: ClientInfo,
    /// `_meta.io.modelcontextprotocol/logLevel`: without it, no `notifications/message`.
    pub log_level: Option<String>,
}

/// Reads (and takes out of `params._meta`) the client's version, capabilities and info of a
/// 2026-07-28 request. The keys are about the client's hop to the gateway, not the upstream's.
pub(crate) fn stateless(params: &mut Value) -> Result<Stateless, RpcFailure> {
    let missing = |what: &str| {
        failure(
            INVALID_PARAMS,
            format!(
                "a {MODERN_VERSION} request carries `{what}` in `params._meta` \
                 (and `{META_VERSION}`, `{META_CAPABILITIES}`)"
            ),
        )
    };
    let Some(Value::Object(meta)) = params.get_mut("_meta") else {
        return Err(missing(META_VERSION));
    };
    let version = match meta.get(META_VERSION) {
        Some(Value::String(v)) => v.clone(),
        _ => return Err(missing(META_VERSION)),
    };
    if version != MODERN_VERSION {
        return Err(unsupported_version(&version));
    }
    let capabilities = match meta.get(META_CAPABILITIES) {
        Some(c @ Value::Object(_)) => c.clone(),
        _ => return Err(missing(META_CAPABILITIES)),
    };
    let info = meta.get(META_CLIENT).cloned().unwrap_or(Value::Null);
    let text = |k: &str| info.get(k).and_then(Value::as_str).map(str::to_string);
    let log_level = meta
        .get(META_LOG_LEVEL)
        .and_then(Value::as_str)
        .map(str::to_string);
    let client = ClientInfo {
        name: text("name"),
        version: text("version"),
        capabilities,
        protocol_version: version,
    };
    for key in [META_VERSION, META_CAPABILITIES, META_CLIENT, META_LOG_LEVEL] {
        meta.remove(key);
    }
    if meta.is_empty()
        && let Value::Object(p) = params
    {
        p.remove("_meta");
    }
    Ok(Stateless { client, log_level })
}

pub(crate) fn unsupported_version(requested: &str) -> RpcFailure {
    RpcFailure {
        code: UNSUPPORTED_VERSION,
        message: format!(
            "unsupported protocol version `{requested}`: aimcp speaks {}",
            supported_versions().join(", ")
        ),
        data: Some(json!({"supported": supported_versions(), "requested": requested})),
    }
}

/// A method a stateless request cannot name (2026-07-28 removed it).
pub(crate) fn removed_in_modern(method: &str) -> Option<RpcFailure> {
    REMOVED_IN_MODERN.contains(&method).then(|| {
        failure(
            METHOD_NOT_FOUND,
            format!("`{method}` is not part of MCP {MODERN_VERSION}"),
        )
    })
}

/// A 2026-07-28 result: `resultType`, the gateway's `serverInfo` in `_meta`, and caching hints
/// where the revision requires them (`ttlMs: 0`: the gateway's lists follow its upstreams).
pub(crate) fn modern_answer(service: &dyn Service, method: &str, answer: Answer) -> Answer {
    let mut result = answer?;
    if let Value::Object(m) = &mut result {
        let kind = m
            .entry("resultType")
            .or_insert_with(|| Value::String("complete".into()))
            .clone();
        if let Value::Object(meta) = m.entry("_meta").or_insert_with(|| json!({})) {
            meta.entry(META_SERVER)
                .or_insert_with(|| service.server_info());
        }
        if kind == "complete" && CACHEABLE.contains(&method) {
            m.entry("ttlMs").or_insert(json!(0));
            m.entry("cacheScope").or_insert(json!("private"));
        }
    }
    Ok(result)
}

/// The levels of `notifications/message`, least severe first.
const LOG_LEVELS: &[&str] = &[
    "debug",
    "info",
    "notice",
    "warning",
    "error",
    "critical",
    "alert",
    "emergency",
];

/// Which `notifications/message` a peer passes on: all (a session's client sets the level with
/// `logging/setLevel`, which reaches the upstreams), none (a stateless request without
/// `logLevel`), or those at or above a level.
#[derive(Debug, Clone, Copy)]
pub(crate) enum LogFilter {
    All,
    None,
    AtLeast(usize),
}

impl LogFilter {
    pub(crate) fn stateless(level: Option<&str>) -> LogFilter {
        match level.and_then(|l| LOG_LEVELS.iter().position(|x| *x == l)) {
            Some(i) => LogFilter::AtLeast(i),
            None => LogFilter::None,
        }
    }

    pub(crate) fn allows(&self, params: &Value) -> bool {
        match self {
            LogFilter::All => true,
            LogFilter::None => false,
            LogFilter::AtLeast(min) => params
                .get("level")
                .and_then(Value::as_str)
                .and_then(|l| LOG_LEVELS.iter().position(|x| *x == l))
                .is_none_or(|i| i >= *min),
        }
    }
}

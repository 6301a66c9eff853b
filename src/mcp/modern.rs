//! The 2026-07-28 revision as a client: no `initialize`, every request carries the protocol
//! version, the client's info and capabilities in `params._meta`; results say `resultType`
//! (`input_required` asks for input, answered by retrying the request with `inputResponses`);
//! over HTTP every POST names its method (`Mcp-Method`), its tool, prompt or resource
//! (`Mcp-Name`) and the tool parameters its schema marks with `x-mcp-header` (`Mcp-Param-*`).

use base64::Engine;
use serde_json::{Map, Value, json};

/// The stateless revision.
pub const MODERN_VERSION: &str = "2026-07-28";

pub(crate) const META_VERSION: &str = "io.modelcontextprotocol/protocolVersion";
pub(crate) const META_CLIENT: &str = "io.modelcontextprotocol/clientInfo";
pub(crate) const META_CAPABILITIES: &str = "io.modelcontextprotocol/clientCapabilities";
pub(crate) const META_SERVER: &str = "io.modelcontextprotocol/serverInfo";

/// The JSON-RPC errors only a 2026-07-28 server sends: a header that does not match the body,
/// a client capability the request needs, a protocol version the server does not speak.
pub(crate) const HEADER_MISMATCH: i64 = -32020;
pub(crate) const MISSING_CAPABILITY: i64 = -32021;
pub(crate) const UNSUPPORTED_VERSION: i64 = -32022;

/// Whether `code` is one of the errors that identify a 2026-07-28 server.
pub(crate) fn is_modern_error(code: i64) -> bool {
    matches!(
        code,
        HEADER_MISMATCH | MISSING_CAPABILITY | UNSUPPORTED_VERSION
    )
}

/// The `_meta` every 2026-07-28 request carries.
pub(crate) fn request_meta(capabilities: &Value) -> Map<String, Value> {
    let mut meta = Map::new();
    meta.insert(META_VERSION.into(), json!(MODERN_VERSION));
    meta.insert(
        META_CLIENT.into(),
        json!({"name": "aimcp", "version": env!("CARGO_PKG_VERSION")}),
    );
    let capabilities = if capabilities.is_object() {
        capabilities.clone()
    } else {
        json!({})
    };
    meta.insert(META_CAPABILITIES.into(), capabilities);
    meta
}

/// Puts `meta` into `params._meta`, keeping keys already there (`progressToken`).
pub(crate) fn add_meta(params: &mut Value, meta: &Map<String, Value>) {
    if !params.is_object() {
        *params = json!({});
    }
    let Value::Object(p) = params else { return };
    let slot = p.entry("_meta").or_insert_with(|| json!({}));
    if !slot.is_object() {
        *slot = json!({});
    }
    if let Value::Object(m) = slot {
        for (k, v) in meta {
            m.entry(k.clone()).or_insert_with(|| v.clone());
        }
    }
}

/// A header value as the revision says: plain when it is visible ASCII (and spaces inside),
/// else `=?base64?...?=` of its UTF-8 (also for a plain value that looks like that form).
pub(crate) fn header_value(text: &str) -> String {
    // An empty value is plain too (every byte of it is).
    let visible = text
        .bytes()
        .all(|b| (0x20..=0x7e).contains(&b) || b == b'\t');
    let edges = text.starts_with([' ', '\t']) || text.ends_with([' ', '\t']);
    let sentinel = text.starts_with("=?base64?") && text.ends_with("?=");
    let plain = visible && !edges && !sentinel;
    if plain {
        text.to_string()
    } else {
        format!(
            "=?base64?{}?=",
            base64::engine::general_purpose::STANDARD.encode(text.as_bytes())
        )
    }
}

/// The `Mcp-Name` of a request: `params.name` (`tools/call`, `prompts/get`) or `params.uri`
/// (`resources/read`).
pub(crate) fn request_name(method: &str, params: &Value) -> Option<String> {
    let key = match method {
        "tools/call" | "prompts/get" => "name",
        "resources/read" => "uri",
        _ => return None,
    };
    params.get(key).and_then(Value::as_str).map(header_value)
}

/// One `x-mcp-header` of a tool: the header's name part and the path of `properties` keys to
/// the argument it mirrors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParamHeader {
    pub name: String,
    pub path: Vec<String>,
}

/// The `x-mcp-header` annotations of a tool's `inputSchema`, or why the tool is invalid (the
/// revision's constraints: a token, unique without regard to case, on a string, integer or
/// boolean reachable from the root through `properties` only).
pub(crate) fn param_headers(schema: &Value) -> Result<Vec<ParamHeader>, String> {
    let mut found = Vec::new();
    walk(schema, &mut Vec::new(), true, &mut found)?;
    let mut seen = std::collections::HashSet::new();
    for h in &found {
        if !seen.insert(h.name.to_ascii_lowercase()) {
            return Err(format!("`x-mcp-header` `{}` is used twice", h.name));
        }
    }
    Ok(found)
}

fn is_tchar(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

/// Walks a schema: `reachable` while every step so far was a `properties` key.
fn walk(
    schema: &Value,
    path: &mut Vec<String>,
    reachable: bool,
    found: &mut Vec<ParamHeader>,
) -> Result<(), String> {
    match schema {
        Value::Object(m) => {
            if let Some(h) = m.get("x-mcp-header") {
                let at = if path.is_empty() {
                    "the schema's root".to_string()
                } else {
                    format!("`{}`", path.join("."))
                };
                let Some(name) = h.as_str() else {
                    return Err(format!("`x-mcp-header` of {at} is not a string"));
                };
                if name.is_empty() || !name.chars().all(is_tchar) {
                    return Err(format!(
                        "`x-mcp-header` `{name}` of {at} is not a header name"
                    ));
                }
                if !reachable || path.is_empty() {
                    return Err(format!(
                        "`x-mcp-header` `{name}` is not reached through `properties` only"
                    ));
                }
                let kind = m.get("type").and_then(Value::as_str).unwrap_or("");
                if !matches!(kind, "string" | "integer" | "boolean") {
                    return Err(format!(
                        "`x-mcp-header` `{name}` is on {at}, of type `{kind}` (a string, integer or boolean only)"
                    ));
                }
                found.push(ParamHeader {
                    name: name.to_string(),
                    path: path.clone(),
                });
            }
            for (k, v) in m {
                if k == "properties" {
                    if let Value::Object(props) = v {
                        for (name, sub) in props {
                            path.push(name.clone());
                            walk(sub, path, reachable, found)?;
                            path.pop();
                        }
                    }
                } else if k != "x-mcp-header" && (v.is_object() || v.is_array()) {
                    // Anything else (`items`, `oneOf`, `$defs`, `if`...) is not static reach.
                    let mut elsewhere = path.clone();
                    elsewhere.push(k.clone());
                    walk(v, &mut elsewhere, false, found)?;
                }
            }
            Ok(())
        }
        Value::Array(items) => {
            for v in items {
                walk(v, path, false, found)?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// The `Mcp-Param-*` headers of one call: each annotated argument that is present and not null.
pub(crate) fn param_values(headers: &[ParamHeader], arguments: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for h in headers {
        let mut at = Some(arguments);
        for key in &h.path {
            at = at.and_then(|v| v.get(key));
        }
        let text = match at {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Bool(b)) => b.to_string(),
            Some(Value::Number(n)) => n.to_string(),
            _ => continue,
        };
        out.push((format!("Mcp-Param-{}", h.name), header_value(&text)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_values_are_plain_or_base64_as_the_revision_shows() {
        assert_eq!(header_value("us-west1"), "us-west1");
        assert_eq!(header_value("us west 1"), "us west 1");
        assert_eq!(
            header_value("Hello, 世界"),
            "=?base64?SGVsbG8sIOS4lueVjA==?="
        );
        assert_eq!(header_value(" padded "), "=?base64?IHBhZGRlZCA=?=");
        assert_eq!(header_value("line1\nline2"), "=?base64?bGluZTEKbGluZTI=?=");
        assert_eq!(
            header_value("=?base64?literal?="),
            "=?base64?PT9iYXNlNjQ/bGl0ZXJhbD89?="
        );
    }

    #[test]
    fn x_mcp_headers_are_read_and_invalid_ones_refused() {
        let schema = json!({"type": "object", "properties": {
            "region": {"type": "string", "x-mcp-header": "Region"},
            "n": {"type": "integer", "x-mcp-header": "N"},
            "nested": {"type": "object", "properties": {"flag": {"type": "boolean", "x-mcp-header": "Flag"}}},
        }});
        let hs = param_headers(&schema).unwrap();
        assert_eq!(hs.len(), 3);
        let args = json!({"region": "eu", "n": 42, "nested": {"flag": false}});
        let mut values = param_values(&hs, &args);
        values.sort();
        assert_eq!(
            values,
            [
                ("Mcp-Param-Flag".to_string(), "false".to_string()),
                ("Mcp-Param-N".to_string(), "42".to_string()),
                ("Mcp-Param-Region".to_string(), "eu".to_string()),
            ]
        );
        assert!(param_values(&hs, &json!({"region": null})).is_empty());
        for bad in [
            json!({"properties": {"v": {"type": "string", "x-mcp-header": ""}}}),
            json!({"properties": {"v": {"type": "object", "x-mcp-header": "V"}}}),
            json!({"properties": {"v": {"type": "number", "x-mcp-header": "V"}}}),
            json!({"properties": {"v": {"type": "string", "x-mcp-header": "a b"}}}),
            json!({"properties": {"a": {"type": "string", "x-mcp-header": "X"},
                                  "b": {"type": "string", "x-mcp-header": "x"}}}),
            json!({"properties": {"l": {"type": "array", "items": {"type": "string", "x-mcp-header": "L"}}}}),
            json!({"oneOf": [{"properties": {"v": {"type": "string", "x-mcp-header": "V"}}}]}),
        ] {
            assert!(param_headers(&bad).is_err(), "{bad}");
        }
    }
}

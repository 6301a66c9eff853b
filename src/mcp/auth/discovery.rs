//! Finding who signs a server's users in (MCP 2025-11-25 authorization): the
//! `WWW-Authenticate` challenge, the protected resource metadata (RFC 9728) and the
//! authorization server's metadata (RFC 8414, OpenID Connect discovery).

use reqwest::{Client, Url};
use serde_json::Value;

use crate::mcp::{McpError, Result};

/// The parts of a `WWW-Authenticate: Bearer ...` challenge aimcp uses.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Challenge {
    /// The header is a `Bearer` challenge at all.
    pub bearer: bool,
    pub resource_metadata: Option<String>,
    pub scope: Option<String>,
    pub error: Option<String>,
}

/// Reads the `Bearer` challenge's parameters (`key="value"` or `key=token`, comma-separated).
pub fn parse_challenge(header: &str) -> Challenge {
    let mut out = Challenge::default();
    let text = header.trim();
    let Some(rest) = text
        .get(..6)
        .filter(|s| s.eq_ignore_ascii_case("bearer"))
        .map(|_| &text[6..])
    else {
        return out;
    };
    out.bearer = true;
    let mut chars = rest.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace() || *c == ',') {
            chars.next();
        }
        let key: String = std::iter::from_fn(|| chars.next_if(|c| *c != '=' && *c != ','))
            .collect::<String>()
            .trim()
            .to_ascii_lowercase();
        if key.is_empty() {
            break;
        }
        if chars.next_if_eq(&'=').is_none() {
            continue;
        }
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let mut value = String::new();
        if chars.next_if_eq(&'"').is_some() {
            while let Some(c) = chars.next() {
                match c {
                    '\\' => value.extend(chars.next()),
                    '"' => break,
                    c => value.push(c),
                }
            }
        } else {
            value = std::iter::from_fn(|| chars.next_if(|c| *c != ','))
                .collect::<String>()
                .trim()
                .to_string();
        }
        match key.as_str() {
            "resource_metadata" => out.resource_metadata = Some(value),
            "scope" => out.scope = Some(value),
            "error" => out.error = Some(value),
            _ => {}
        }
    }
    out
}

/// The protected resource metadata aimcp uses.
#[derive(Debug, Clone, Default)]
pub struct ResourceMetadata {
    pub resource: Option<String>,
    pub authorization_servers: Vec<String>,
    pub scopes_supported: Option<Vec<String>>,
}

/// The authorization server metadata aimcp uses.
#[derive(Debug, Clone, Default)]
pub struct ServerMetadata {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub registration_endpoint: Option<String>,
    pub scopes_supported: Option<Vec<String>>,
    pub token_endpoint_auth_methods_supported: Option<Vec<String>>,
    pub code_challenge_methods_supported: Option<Vec<String>>,
    pub client_id_metadata_document_supported: bool,
    pub iss_parameter_supported: bool,
}

fn strings(v: &Value, key: &str) -> Option<Vec<String>> {
    v.get(key).and_then(Value::as_array).map(|a| {
        a.iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect()
    })
}

/// GETs a JSON document; `None` for a 4xx or a body that is not a JSON object.
async fn get_json(client: &Client, url: &Url) -> Result<Option<Value>> {
    let resp = client
        .get(url.clone())
        .header("accept", "application/json")
        .send()
        .await
        .map_err(|e| McpError::new(format!("cannot reach `{url}`: {e}")))?;
    if !resp.status().is_success() {
        return Ok(None);
    }
    let value: Option<Value> = resp.json().await.ok();
    Ok(value.filter(Value::is_object))
}

/// The protected resource metadata of `server`: the challenge's URL, else the path-based then
/// the root `.well-known/oauth-protected-resource` (RFC 9728 section 3.1). `None` when the
/// server publishes none (a 2025-03-26 server).
pub async fn resource_metadata(
    client: &Client,
    server: &Url,
    from_challenge: Option<&str>,
) -> Result<Option<ResourceMetadata>> {
    let mut candidates = Vec::new();
    if let Some(u) = from_challenge.and_then(|u| server.join(u).ok()) {
        candidates.push(u);
    }
    let path = server.path().trim_end_matches('/');
    if !path.is_empty() {
        let mut u = server.clone();
        u.set_path(&format!("/.well-known/oauth-protected-resource{path}"));
        u.set_query(None);
        candidates.push(u);
    }
    let mut root = server.clone();
    root.set_path("/.well-known/oauth-protected-resource");
    root.set_query(None);
    candidates.push(root);
    for url in candidates {
        if let Some(v) = get_json(client, &url).await? {
            return Ok(Some(ResourceMetadata {
                resource: v
                    .get("resource")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                authorization_servers: strings(&v, "authorization_servers").unwrap_or_default(),
                scopes_supported: strings(&v, "scopes_supported"),
            }));
        }
    }
    Ok(None)
}

/// Whether the metadata's `resource` names `server` (the same origin, and a path that is the
/// server's or one of its parents).
pub fn resource_matches(resource: &str, server: &Url) -> bool {
    let Ok(r) = Url::parse(resource) else {
        return false;
    };
    if r.origin() != server.origin() {
        return false;
    }
    let rp = r.path().trim_end_matches('/');
    let sp = server.path().trim_end_matches('/');
    rp.is_empty() || sp == rp || sp.starts_with(&format!("{rp}/"))
}

/// The metadata URLs of `issuer`, in the order the 2025-11-25 specification gives: with a path,
/// OAuth with the path inserted, OpenID Connect with the path inserted, OpenID Connect with the
/// path appended; without one, OAuth then OpenID Connect.
pub fn metadata_urls(issuer: &Url) -> Vec<Url> {
    let path = issuer.path().trim_end_matches('/');
    let at = |p: String| {
        let mut u = issuer.clone();
        u.set_path(&p);
        u.set_query(None);
        u
    };
    if path.is_empty() {
        vec![
            at("/.well-known/oauth-authorization-server".into()),
            at("/.well-known/openid-configuration".into()),
        ]
    } else {
        vec![
            at(format!("/.well-known/oauth-authorization-server{path}")),
            at(format!("/.well-known/openid-configuration{path}")),
            at(format!("{path}/.well-known/openid-configuration")),
        ]
    }
}

/// The authorization server's metadata; `None` when it publishes none. `named`: `issuer` is the
/// issuer a resource's metadata names, so the metadata must name it too (RFC 8414 section 3.3);
/// a 2025-03-26 server's origin is no issuer identifier, and is not checked.
pub async fn server_metadata(
    client: &Client,
    issuer: &Url,
    named: bool,
) -> Result<Option<ServerMetadata>> {
    for url in metadata_urls(issuer) {
        let Some(v) = get_json(client, &url).await? else {
            continue;
        };
        let text = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        let (Some(authorization_endpoint), Some(token_endpoint)) =
            (text("authorization_endpoint"), text("token_endpoint"))
        else {
            return Err(McpError::new(format!(
                "the authorization server's metadata at `{url}` has no `authorization_endpoint` or `token_endpoint`"
            )));
        };
        // RFC 8414 section 3.3: the metadata is the issuer's only when it names that issuer;
        // other metadata could send the sign-in (and the code) anywhere.
        let expected = issuer.as_str().trim_end_matches('/');
        if let Some(other) = text("issuer").filter(|_| named)
            && other.trim_end_matches('/') != expected
        {
            return Err(McpError::new(format!(
                "the authorization server's metadata at `{url}` names another issuer (`{other}`, expected `{expected}`): not signing in"
            )));
        }
        return Ok(Some(ServerMetadata {
            issuer: text("issuer").unwrap_or_else(|| issuer.to_string()),
            authorization_endpoint,
            token_endpoint,
            registration_endpoint: text("registration_endpoint"),
            scopes_supported: strings(&v, "scopes_supported"),
            token_endpoint_auth_methods_supported: strings(
                &v,
                "token_endpoint_auth_methods_supported",
            ),
            code_challenge_methods_supported: strings(&v, "code_challenge_methods_supported"),
            client_id_metadata_document_supported: v
                .get("client_id_metadata_document_supported")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            iss_parameter_supported: v
                .get("authorization_response_iss_parameter_supported")
                .and_then(Value::as_bool)
                .unwrap_or(false),
        }));
    }
    Ok(None)
}

/// A 2025-03-26 server without metadata: the default endpoints at its origin.
pub fn fallback_metadata(origin: &Url) -> ServerMetadata {
    let at = |p: &str| {
        let mut u = origin.clone();
        u.set_path(p);
        u.set_query(None);
        u.to_string()
    };
    ServerMetadata {
        issuer: at("/").trim_end_matches('/').to_string(),
        authorization_endpoint: at("/authorize"),
        token_endpoint: at("/token"),
        registration_endpoint: Some(at("/register")),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bearer_challenge_gives_its_metadata_url_scope_and_error() {
        let c = parse_challenge(
            r#"Bearer error="insufficient_scope", scope="mcp:basic mcp:write", resource_metadata="https://x/.well-known/oauth-protected-resource/mcp""#,
        );
        assert_eq!(c.error.as_deref(), Some("insufficient_scope"));
        assert_eq!(c.scope.as_deref(), Some("mcp:basic mcp:write"));
        assert_eq!(
            c.resource_metadata.as_deref(),
            Some("https://x/.well-known/oauth-protected-resource/mcp")
        );
        assert!(c.bearer);
        assert_eq!(parse_challenge("Basic realm=\"x\""), Challenge::default());
        assert_eq!(
            parse_challenge("Bearer realm=x, scope=read")
                .scope
                .as_deref(),
            Some("read")
        );
    }

    #[test]
    fn metadata_urls_follow_the_specifications_order() {
        let urls = |s: &str| -> Vec<String> {
            metadata_urls(&Url::parse(s).unwrap())
                .into_iter()
                .map(|u| u.to_string())
                .collect()
        };
        assert_eq!(
            urls("https://as.example/tenant1"),
            [
                "https://as.example/.well-known/oauth-authorization-server/tenant1",
                "https://as.example/.well-known/openid-configuration/tenant1",
                "https://as.example/tenant1/.well-known/openid-configuration",
            ]
        );
        assert_eq!(
            urls("https://as.example"),
            [
                "https://as.example/.well-known/oauth-authorization-server",
                "https://as.example/.well-known/openid-configuration",
            ]
        );
    }

    #[test]
    fn a_resource_must_name_the_server_or_a_parent_of_it() {
        let server = Url::parse("http://localhost:3000/mcp").unwrap();
        assert!(resource_matches("http://localhost:3000/mcp", &server));
        assert!(resource_matches("http://localhost:3000", &server));
        assert!(!resource_matches("https://evil.example.com/mcp", &server));
        assert!(!resource_matches("http://localhost:3000/other", &server));
    }
}

//! The authorization code flow with PKCE: the client (pre-registered, a Client ID Metadata
//! Document or dynamic registration), the loopback redirect listener, the token requests.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use reqwest::{Client, Url};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use super::discovery::ServerMetadata;
use crate::mcp::{McpError, Result};

/// A random URL-safe string of `bytes` bytes of entropy.
pub fn random_token(bytes: usize) -> String {
    crate::random::token(bytes)
}

/// The PKCE S256 challenge of `verifier`.
pub fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// `application/x-www-form-urlencoded`.
pub fn form(pairs: &[(&str, &str)]) -> String {
    let mut u = Url::parse("http://x/").expect("a valid URL");
    u.query_pairs_mut().extend_pairs(pairs);
    u.query().unwrap_or_default().to_string()
}

/// How a secret shows in `{:?}`: whether there is one, never what it is.
pub(crate) fn redacted(secret: &Option<String>) -> &'static str {
    if secret.is_some() {
        "Some(****)"
    } else {
        "None"
    }
}

/// The client aimcp signs in as.
#[derive(Clone)]
pub struct ClientCreds {
    pub client_id: String,
    pub client_secret: Option<String>,
    /// `client_secret_basic`, `client_secret_post` or `none`.
    pub auth_method: String,
}

impl std::fmt::Debug for ClientCreds {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientCreds")
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &format_args!("{}", redacted(&self.client_secret)),
            )
            .field("auth_method", &self.auth_method)
            .finish()
    }
}

/// How to authenticate at the token endpoint: what registration said, else the first the
/// metadata lists that we can do (`client_secret_basic` when it lists none, as RFC 8414 says).
pub fn auth_method(meta: &ServerMetadata, has_secret: bool, registered: Option<&str>) -> String {
    if let Some(m) = registered.filter(|m| !m.is_empty()) {
        return m.to_string();
    }
    if !has_secret {
        return "none".into();
    }
    let supported = meta
        .token_endpoint_auth_methods_supported
        .clone()
        .unwrap_or_else(|| vec!["client_secret_basic".into()]);
    for m in ["client_secret_basic", "client_secret_post"] {
        if supported.iter().any(|s| s == m) {
            return m.into();
        }
    }
    "client_secret_basic".into()
}

/// Dynamic client registration (RFC 7591) as a public, native client with a loopback redirect.
pub async fn register(
    client: &Client,
    meta: &ServerMetadata,
    endpoint: &str,
    redirect_uri: &str,
    scope: Option<&str>,
) -> Result<ClientCreds> {
    let mut body = json!({
        "client_name": "aimcp",
        // A command-line client with a loopback redirect (SEP-837).
        "application_type": "native",
        "redirect_uris": [redirect_uri],
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "token_endpoint_auth_method": "none",
    });
    if let Some(s) = scope {
        body["scope"] = json!(s);
    }
    let resp = client
        .post(endpoint)
        .json(&body)
        .send()
        .await
        .map_err(|e| McpError::new(format!("cannot reach `{endpoint}`: {e}")))?;
    let status = resp.status();
    let v: Value = resp.json().await.unwrap_or(Value::Null);
    if !status.is_success() {
        return Err(McpError::new(format!(
            "the authorization server refused to register aimcp (HTTP {}{})",
            status.as_u16(),
            oauth_error(&v)
        ))
        .hint(
            "register a client with the provider and run `aimcp mcp login NAME --client-id ID`",
        ));
    }
    let client_id = v
        .get("client_id")
        .and_then(Value::as_str)
        .ok_or_else(|| McpError::new("the registration answer has no `client_id`"))?
        .to_string();
    let client_secret = v
        .get("client_secret")
        .and_then(Value::as_str)
        .map(str::to_string);
    let registered = v.get("token_endpoint_auth_method").and_then(Value::as_str);
    let auth_method = auth_method(meta, client_secret.is_some(), registered);
    Ok(ClientCreds {
        client_id,
        client_secret,
        auth_method,
    })
}

/// `: error (description)` from an OAuth error answer, for a message; never the whole body.
pub fn oauth_error(v: &Value) -> String {
    let e = v.get("error").and_then(Value::as_str);
    let d = v.get("error_description").and_then(Value::as_str);
    match (e, d) {
        (Some(e), Some(d)) => format!(": `{e}`: {}", d.chars().take(200).collect::<String>()),
        (Some(e), None) => format!(": `{e}`"),
        _ => String::new(),
    }
}

/// What the token endpoint gave.
#[derive(Clone)]
pub struct Tokens {
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub expires_in: Option<i64>,
    pub scope: Option<String>,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens")
            .field("access_token", &format_args!("****"))
            .field(
                "refresh_token",
                &format_args!("{}", redacted(&self.refresh_token)),
            )
            .field("expires_in", &self.expires_in)
            .field("scope", &self.scope)
            .finish()
    }
}

#[cfg(test)]
mod debug_tests {
    use super::*;

    #[test]
    fn debug_output_never_shows_a_secret_or_a_token() {
        let tokens = Tokens {
            access_token: "at-secret-123".into(),
            refresh_token: Some("rt-secret-456".into()),
            expires_in: Some(60),
            scope: Some("read".into()),
        };
        let creds = ClientCreds {
            client_id: "client-1".into(),
            client_secret: Some("cs-secret-789".into()),
            auth_method: "client_secret_basic".into(),
        };
        let pre = crate::mcp::auth::PreRegistered {
            client_id: "client-2".into(),
            client_secret: Some("cs-secret-000".into()),
        };
        let text = format!("{tokens:?} {creds:?} {pre:?} {tokens:#?} {creds:#?}");
        for secret in [
            "at-secret-123",
            "rt-secret-456",
            "cs-secret-789",
            "cs-secret-000",
        ] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        assert!(
            text.contains("client-1") && text.contains("Some(****)"),
            "{text}"
        );
    }
}

/// A token request that the authorization server refused, with its `error` code.
#[derive(Debug)]
pub struct Refused {
    pub error: Option<String>,
    pub err: McpError,
}

/// POSTs a token request (`grant`: the grant's own fields) with the client's authentication.
pub async fn token_request(
    client: &Client,
    endpoint: &str,
    creds: &ClientCreds,
    grant: &[(&str, &str)],
) -> std::result::Result<Tokens, Refused> {
    let mut pairs: Vec<(&str, &str)> = grant.to_vec();
    let mut req = client
        .post(endpoint)
        .header("accept", "application/json")
        .header("content-type", "application/x-www-form-urlencoded");
    match (creds.auth_method.as_str(), creds.client_secret.as_deref()) {
        ("client_secret_basic", Some(secret)) => {
            let user = form(&[("u", &creds.client_id), ("p", secret)]);
            let mut parts = user
                .split('&')
                .map(|p| p.split_once('=').map_or("", |x| x.1));
            let (u, p) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
            let basic = STANDARD.encode(format!("{u}:{p}"));
            req = req.header("authorization", format!("Basic {basic}"));
        }
        ("client_secret_post", Some(secret)) => {
            pairs.push(("client_id", &creds.client_id));
            pairs.push(("client_secret", secret));
        }
        _ => pairs.push(("client_id", &creds.client_id)),
    }
    let resp = req.body(form(&pairs)).send().await.map_err(|e| Refused {
        error: None,
        err: McpError::new(format!("cannot reach `{endpoint}`: {e}")),
    })?;
    let status = resp.status();
    let v: Value = resp.json().await.unwrap_or(Value::Null);
    let token = v.get("access_token").and_then(Value::as_str);
    match (status.is_success(), token) {
        (true, Some(token)) => Ok(Tokens {
            access_token: token.to_string(),
            refresh_token: v
                .get("refresh_token")
                .and_then(Value::as_str)
                .map(str::to_string),
            expires_in: v.get("expires_in").and_then(|e| {
                e.as_i64()
                    .or_else(|| e.as_str().and_then(|s| s.parse().ok()))
            }),
            scope: v.get("scope").and_then(Value::as_str).map(str::to_string),
        }),
        _ => Err(Refused {
            error: v.get("error").and_then(Value::as_str).map(str::to_string),
            err: McpError::new(format!(
                "the authorization server refused the token request (HTTP {}{})",
                status.as_u16(),
                oauth_error(&v)
            )),
        }),
    }
}

/// The loopback redirect listener: `127.0.0.1`, a port the system picks.
pub struct Redirect {
    listener: TcpListener,
    pub uri: String,
}

impl Redirect {
    pub async fn bind() -> Result<Redirect> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await.map_err(|e| {
            McpError::new(format!("cannot listen on 127.0.0.1 for the sign-in: {e}"))
        })?;
        let port = listener
            .local_addr()
            .map_err(|e| McpError::new(e.to_string()))?
            .port();
        Ok(Redirect {
            listener,
            uri: format!("http://127.0.0.1:{port}/callback"),
        })
    }

    /// Waits (up to `wait`) for the browser to come back to `/callback`; gives its query pairs
    /// and the browser's connection, which waits for [`Callback::answer`]: the page that says
    /// whether the sign-in worked is only sent once that is known.
    pub async fn wait(self, wait: Duration) -> Result<(Vec<(String, String)>, Callback)> {
        let got = tokio::time::timeout(wait, async {
            loop {
                let Ok((mut stream, _)) = self.listener.accept().await else {
                    continue;
                };
                let mut buf = Vec::new();
                let mut chunk = [0u8; 2048];
                let head = loop {
                    match tokio::time::timeout(Duration::from_secs(5), stream.read(&mut chunk))
                        .await
                    {
                        Ok(Ok(n)) if n > 0 => {
                            buf.extend_from_slice(&chunk[..n]);
                            if buf.windows(4).any(|w| w == b"\r\n\r\n") || buf.len() > 16384 {
                                break Some(String::from_utf8_lossy(&buf).to_string());
                            }
                        }
                        _ => break None,
                    }
                };
                let Some(head) = head else { continue };
                let target = head.split_whitespace().nth(1).unwrap_or("").to_string();
                let url = Url::parse("http://127.0.0.1").and_then(|b| b.join(&target));
                let Ok(url) = url.map_err(|_| ()) else {
                    continue;
                };
                if url.path() != "/callback" {
                    let _ = stream
                        .write_all(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                        .await;
                    continue;
                }
                let pairs: Vec<(String, String)> = url
                    .query_pairs()
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect();
                return (pairs, Callback { stream });
            }
        })
        .await;
        got.map_err(|_| {
            McpError::new(format!(
                "the sign-in was not completed within {} s",
                wait.as_secs()
            ))
            .hint("run `aimcp mcp login NAME` again and finish the sign-in in the browser")
        })
    }
}

/// The browser's request to `/callback`, waiting for its page.
pub struct Callback {
    stream: tokio::net::TcpStream,
}

impl Callback {
    /// Sends the page: "Signed in" when `outcome` is `Ok` (the code was exchanged for tokens),
    /// else that the sign-in did not complete, with the reason.
    pub async fn answer(mut self, outcome: std::result::Result<(), &McpError>) {
        let body = match outcome {
            Ok(()) => "<!doctype html><title>aimcp</title><p>Signed in. You can close this tab and go back to the terminal.</p>".to_string(),
            Err(e) => format!(
                "<!doctype html><title>aimcp</title><p>The sign-in did not complete: {}</p><p>See the terminal.</p>",
                html_escape(&e.message)
            ),
        };
        let resp = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        let _ = self.stream.write_all(resp.as_bytes()).await;
        let _ = self.stream.shutdown().await;
    }
}

/// `text` safe inside HTML.
fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_s256_matches_rfc_7636_appendix_b() {
        assert_eq!(
            challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        assert_eq!(random_token(32).len(), 43);
    }

    #[test]
    fn the_error_page_escapes_the_reason() {
        assert_eq!(
            html_escape("<b>`a` & 'b' \"c\"</b>"),
            "&lt;b&gt;`a` &amp; &#39;b&#39; &quot;c&quot;&lt;/b&gt;"
        );
    }
}

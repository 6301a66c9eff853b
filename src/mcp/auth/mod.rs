//! OAuth 2.1 sign-in for remote servers (MCP 2025-11-25 authorization).
//!
//! The HTTP link asks an [`Authorizer`] for the `Authorization` header before each request and
//! tells it about a 401 or 403 with the `WWW-Authenticate` header. [`OAuth`] is the one aimcp
//! uses: stored tokens (refreshed before they expire), and on a challenge the discovery, the
//! client registration and the authorization code flow with PKCE, where a sign-in may happen.
//! It prints nothing: what the user must see (the URL to open) goes to its `notify` sink.

pub mod discovery;
pub mod flow;
pub mod keychain;
pub mod store;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::{Client, Url};

use self::discovery::{Challenge, ServerMetadata};
use self::flow::{ClientCreds, Redirect};
use self::store::{Entry, Store};
use super::{BoxFuture, McpError, Result};

/// What the HTTP link asks before each request and tells after a refusal.
pub trait Authorizer: Send + Sync {
    /// The `Authorization` header for the next request to `url` (`Bearer ...`), an expired
    /// token refreshed first; `None`: send none.
    fn header<'a>(&'a self, url: &'a str) -> BoxFuture<'a, Result<Option<String>>>;
    /// `url` answered `status` (401 or 403) with `www_authenticate`. `Ok(true)`: there is a new
    /// token, send the request again; `Ok(false)`: give the refusal to the caller.
    fn refused<'a>(
        &'a self,
        url: &'a str,
        status: u16,
        www_authenticate: Option<&'a str>,
    ) -> BoxFuture<'a, Result<bool>>;
    /// The time spent so far waiting for the user to sign in at a browser (a running wait
    /// included). Request and handshake timeouts do not count it: a sign-in has its own limit.
    fn waited(&self) -> Duration {
        Duration::ZERO
    }
}

/// How a browser is opened for a sign-in.
#[derive(Debug, Clone, PartialEq)]
pub enum Opener {
    /// Print the URL (on the `notify` sink) and wait.
    Print,
    /// Run this command with the URL as its last argument (`$BROWSER`, `xdg-open`, `open`).
    Command(Vec<String>),
}

impl Opener {
    /// `$BROWSER` when set (and `--no-browser` is not given), else the platform's opener at a
    /// terminal outside CI, else the URL printed.
    pub fn choose(no_browser: bool, browser_env: Option<&str>, terminal: bool) -> Opener {
        if no_browser {
            return Opener::Print;
        }
        if let Some(words) = browser_env
            .filter(|b| !b.trim().is_empty())
            .and_then(|b| shell_words::split(b).ok())
            .filter(|w| !w.is_empty())
        {
            return Opener::Command(words);
        }
        if !terminal {
            return Opener::Print;
        }
        let opener = if cfg!(target_os = "macos") {
            "open"
        } else {
            "xdg-open"
        };
        Opener::Command(vec![opener.into()])
    }
}

/// A pre-registered client (`mcp login --client-id`, the secret from an env var).
#[derive(Clone)]
pub struct PreRegistered {
    pub client_id: String,
    pub client_secret: Option<String>,
}

impl std::fmt::Debug for PreRegistered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreRegistered")
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &format_args!("{}", flow::redacted(&self.client_secret)),
            )
            .finish()
    }
}

/// The settings of one command's sign-ins.
pub struct OAuthOptions {
    /// Where sign-ins are kept (the keychain or `credentials.json`).
    pub store: Store,
    /// May a sign-in start (`None`: no; a missing or refused token is an error that says to
    /// run `aimcp mcp login NAME`)?
    pub sign_in: Option<Opener>,
    pub client: Option<PreRegistered>,
    /// Scopes asked for on top of the server's (`--scope`).
    pub scopes: Vec<String>,
    /// The URL of aimcp's Client ID Metadata Document, used where the authorization server
    /// supports them (`AIMCP_OAUTH_CLIENT_METADATA_URL`).
    pub client_metadata_url: Option<String>,
    /// The server names by URL, for messages.
    pub names: HashMap<String, String>,
    /// The run's clock at its start (Unix seconds); it moves on from there.
    pub now: i64,
    /// How long a sign-in waits for the browser.
    pub wait: Duration,
    /// Where to say what the user must do (open this URL).
    pub notify: Arc<dyn Fn(&str) + Send + Sync>,
}

/// Stored tokens, refresh, and sign-in on a challenge.
pub struct OAuth {
    opts: OAuthOptions,
    client: Client,
    started: Instant,
    /// Challenges answered, per URL (the retry limit), reset by a success.
    attempts: Mutex<HashMap<String, (u32, Instant)>>,
    /// One sign-in or refresh at a time.
    busy: tokio::sync::Mutex<()>,
    /// Time spent waiting for the user at the browser: done waits, and since when the current
    /// one runs.
    waited: Mutex<(Duration, Option<Instant>)>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A wait for the user at the browser; its time is added up when it drops.
struct Waiting<'a>(&'a Mutex<(Duration, Option<Instant>)>);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        let mut w = lock(self.0);
        if let Some(since) = w.1.take() {
            w.0 += since.elapsed();
        }
    }
}

/// Challenges answered in a row for one URL before giving up (a scope that never suffices).
const MAX_ATTEMPTS: u32 = 3;
/// A token this close to its end is refreshed first.
const EARLY: i64 = 30;

impl OAuth {
    pub fn new(opts: OAuthOptions) -> Result<OAuth> {
        let client = Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| McpError::new(format!("cannot set up HTTP: {e}")))?;
        Ok(OAuth {
            opts,
            client,
            started: Instant::now(),
            attempts: Mutex::new(HashMap::new()),
            busy: tokio::sync::Mutex::new(()),
            waited: Mutex::new((Duration::ZERO, None)),
        })
    }

    /// Where the sign-ins are kept.
    pub fn store(&self) -> &Store {
        &self.opts.store
    }

    fn now(&self) -> i64 {
        self.opts.now + self.started.elapsed().as_secs() as i64
    }

    fn name(&self, url: &str) -> String {
        self.opts
            .names
            .get(url)
            .cloned()
            .unwrap_or_else(|| "NAME".into())
    }

    fn login_needed(&self, url: &str, why: &str) -> McpError {
        let name = self.name(url);
        let mut err = McpError::new(format!("`{url}` needs a sign-in: {why}"));
        err.http_status = Some(401);
        if self.opts.names.contains_key(url) {
            err.hint(format!("run `aimcp mcp login {name}`"))
        } else {
            err.hint(
                "add the server with `aimcp mcp add NAME URL`, then run `aimcp mcp login NAME`",
            )
        }
    }

    /// Runs a call on the store on a blocking thread (a keychain call blocks on its round trip).
    async fn stored<T: Send + 'static>(
        &self,
        call: impl FnOnce(&Store) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let store = self.opts.store.clone();
        tokio::task::spawn_blocking(move || call(&store))
            .await
            .map_err(|e| McpError::new(format!("the sign-in store failed: {e}")))?
    }

    /// The stored entry of `url`, refreshed when it has (nearly) expired; `None` when there is
    /// none or it can no longer be refreshed (then it is dropped).
    async fn current(&self, url: &str) -> Result<Option<Entry>> {
        let server = url.to_string();
        let Some(entry) = self.stored(move |s| s.find(&server)).await? else {
            return Ok(None);
        };
        let expired = entry.expires_at.is_some_and(|t| t <= self.now() + EARLY);
        if !expired {
            return Ok(Some(entry));
        }
        let Some(refresh) = entry.refresh_token.clone() else {
            return Ok(None);
        };
        let creds = ClientCreds {
            client_id: entry.client_id.clone(),
            client_secret: entry.client_secret.clone(),
            auth_method: entry.auth_method.clone(),
        };
        let got = flow::token_request(
            &self.client,
            &entry.token_endpoint,
            &creds,
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", &refresh),
                ("resource", &entry.resource),
            ],
        )
        .await;
        match got {
            Ok(t) => {
                let mut next = entry.clone();
                next.access_token = t.access_token;
                if t.refresh_token.is_some() {
                    next.refresh_token = t.refresh_token;
                }
                next.expires_at = t.expires_in.map(|s| self.now() + s);
                if t.scope.is_some() {
                    next.scope = t.scope;
                }
                next.saved_at = self.now();
                let saved = next.clone();
                self.stored(move |s| s.put(saved)).await?;
                Ok(Some(next))
            }
            Err(refused) if refused.error.as_deref() == Some("invalid_grant") => {
                // The refresh token is gone for good. Other errors (`server_error`,
                // `temporarily_unavailable`, ...) keep the sign-in for the next try.
                let server = entry.server.clone();
                self.stored(move |s| s.remove(&server)).await?;
                Ok(None)
            }
            Err(refused) => Err(refused.err),
        }
    }

    /// Signs in to `url` now: discovery from `challenge`, the client, the browser, the tokens,
    /// saved. `scope`: what to ask for (else the metadata's).
    pub async fn sign_in(&self, url: &str, challenge: &Challenge) -> Result<Entry> {
        let Some(opener) = self.opts.sign_in.clone() else {
            return Err(self.login_needed(url, "there is no valid token"));
        };
        let server =
            Url::parse(url).map_err(|e| McpError::new(format!("invalid URL `{url}`: {e}")))?;
        let prm = discovery::resource_metadata(
            &self.client,
            &server,
            challenge.resource_metadata.as_deref(),
        )
        .await?;
        if let Some(r) = prm.as_ref().and_then(|p| p.resource.as_deref())
            && !discovery::resource_matches(r, &server)
        {
            return Err(McpError::new(format!(
                "the server's protected resource metadata names another resource (`{r}`), not `{url}`: not signing in"
            )));
        }
        let (meta, resource) = match &prm {
            Some(p) => {
                let issuer = p.authorization_servers.first().ok_or_else(|| {
                    McpError::new(format!(
                        "the protected resource metadata of `{url}` names no authorization server"
                    ))
                })?;
                let issuer_url = Url::parse(issuer).map_err(|e| {
                    McpError::new(format!("invalid authorization server `{issuer}`: {e}"))
                })?;
                let meta = discovery::server_metadata(&self.client, &issuer_url, true)
                    .await?
                    .ok_or_else(|| {
                        McpError::new(format!(
                            "the authorization server `{issuer}` publishes no metadata (RFC 8414 or OpenID Connect discovery)"
                        ))
                    })?;
                (meta, p.resource.clone().unwrap_or_else(|| url.to_string()))
            }
            None => {
                // A 2025-03-26 server: its origin is the authorization server.
                let mut origin = server.clone();
                origin.set_path("/");
                origin.set_query(None);
                let meta = match discovery::server_metadata(&self.client, &origin, false).await? {
                    Some(m) => m,
                    None => discovery::fallback_metadata(&origin),
                };
                (meta, url.to_string())
            }
        };
        if let Some(methods) = &meta.code_challenge_methods_supported
            && !methods.iter().any(|m| m == "S256")
        {
            return Err(McpError::new(format!(
                "the authorization server `{}` does not support PKCE with S256",
                meta.issuer
            )));
        }
        let scope = self.scope(
            challenge,
            prm.as_ref().and_then(|p| p.scopes_supported.as_ref()),
            &meta,
        );
        let redirect = Redirect::bind().await?;
        let redirect_uri = redirect.uri.clone();
        let creds = self
            .client_for(url, &meta, &redirect.uri, scope.as_deref())
            .await?;
        let verifier = flow::random_token(32);
        let state = flow::random_token(24);
        let mut auth_url = Url::parse(&meta.authorization_endpoint).map_err(|e| {
            McpError::new(format!(
                "invalid authorization endpoint `{}`: {e}",
                meta.authorization_endpoint
            ))
        })?;
        {
            let mut q = auth_url.query_pairs_mut();
            q.append_pair("response_type", "code")
                .append_pair("client_id", &creds.client_id)
                .append_pair("redirect_uri", &redirect.uri)
                .append_pair("code_challenge", &flow::challenge(&verifier))
                .append_pair("code_challenge_method", "S256")
                .append_pair("state", &state)
                .append_pair("resource", &resource);
            if let Some(s) = &scope {
                q.append_pair("scope", s);
            }
        }
        let name = self.name(url);
        match &opener {
            Opener::Print => (self.opts.notify)(&format!(
                "to sign in to `{name}`, open this URL in a browser:\n  {auth_url}"
            )),
            Opener::Command(words) => {
                (self.opts.notify)(&format!("opening a browser to sign in to `{name}`"));
                let started = std::process::Command::new(&words[0])
                    .args(&words[1..])
                    .arg(auth_url.as_str())
                    .stdin(std::process::Stdio::null())
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::null())
                    .spawn();
                match started {
                    Ok(mut child) => {
                        // Reap it in the background; a browser may outlive us.
                        std::thread::spawn(move || child.wait());
                    }
                    Err(e) => (self.opts.notify)(&format!(
                        "cannot run `{}` ({e}); open this URL in a browser:\n  {auth_url}",
                        words[0]
                    )),
                }
            }
        }
        let (pairs, page) = {
            let _waiting = self.waiting();
            redirect.wait(self.opts.wait).await?
        };
        // The browser's page says "Signed in" only once the code is exchanged for tokens.
        let exchanged = self
            .exchange(
                &pairs,
                &state,
                &meta,
                &creds,
                &redirect_uri,
                &verifier,
                &resource,
            )
            .await;
        page.answer(exchanged.as_ref().map(|_| ())).await;
        let tokens = exchanged?;
        let entry = Entry {
            server: url.to_string(),
            issuer: meta.issuer.clone(),
            resource,
            token_endpoint: meta.token_endpoint.clone(),
            client_id: creds.client_id,
            client_secret: creds.client_secret,
            auth_method: creds.auth_method,
            access_token: tokens.access_token,
            refresh_token: tokens.refresh_token,
            expires_at: tokens.expires_in.map(|s| self.now() + s),
            scope: tokens.scope.or(scope),
            saved_at: self.now(),
        };
        let saved = entry.clone();
        self.stored(move |s| s.put(saved)).await?;
        Ok(entry)
    }

    /// The browser came back with `pairs`: checks them (`error`, `state`, `iss`) and exchanges
    /// the code for tokens.
    #[allow(clippy::too_many_arguments)]
    async fn exchange(
        &self,
        pairs: &[(String, String)],
        state: &str,
        meta: &ServerMetadata,
        creds: &ClientCreds,
        redirect_uri: &str,
        verifier: &str,
        resource: &str,
    ) -> Result<flow::Tokens> {
        let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        if let Some(e) = get("error") {
            let d = get("error_description").unwrap_or_default();
            return Err(McpError::new(format!(
                "the authorization server refused the sign-in: `{e}` {}",
                d.chars().take(200).collect::<String>()
            )));
        }
        if get("state").as_deref() != Some(state) {
            return Err(McpError::new(
                "the sign-in came back with a wrong `state`: not signing in (try again)",
            ));
        }
        match get("iss") {
            Some(iss) if iss != meta.issuer => {
                return Err(McpError::new(format!(
                    "the sign-in came back from another issuer (`{iss}`, expected `{}`): not signing in",
                    meta.issuer
                )));
            }
            None if meta.iss_parameter_supported => {
                return Err(McpError::new(
                    "the sign-in came back without the `iss` its authorization server promises: not signing in",
                ));
            }
            _ => {}
        }
        let code =
            get("code").ok_or_else(|| McpError::new("the sign-in came back without a code"))?;
        flow::token_request(
            &self.client,
            &meta.token_endpoint,
            creds,
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", redirect_uri),
                ("code_verifier", verifier),
                ("resource", resource),
            ],
        )
        .await
        .map_err(|r| r.err)
    }

    /// Marks the time until the guard drops as spent waiting for the user at the browser.
    fn waiting(&self) -> Waiting<'_> {
        lock(&self.waited).1 = Some(Instant::now());
        Waiting(&self.waited)
    }

    /// The scopes to ask for: the challenge's (with those already granted, for a step-up),
    /// else the resource's `scopes_supported`, else none; `--scope` on top; `offline_access`
    /// where the authorization server offers it.
    fn scope(
        &self,
        challenge: &Challenge,
        supported: Option<&Vec<String>>,
        meta: &ServerMetadata,
    ) -> Option<String> {
        let mut scopes: Vec<String> = match &challenge.scope {
            Some(s) => s.split_whitespace().map(str::to_string).collect(),
            None => supported.cloned().unwrap_or_default(),
        };
        scopes.extend(self.opts.scopes.iter().cloned());
        let offered = meta
            .scopes_supported
            .as_ref()
            .is_some_and(|s| s.iter().any(|s| s == "offline_access"));
        if offered && !scopes.is_empty() {
            scopes.push("offline_access".into());
        }
        let mut seen = std::collections::HashSet::new();
        scopes.retain(|s| seen.insert(s.clone()));
        (!scopes.is_empty()).then(|| scopes.join(" "))
    }

    /// The client to sign in as: the pre-registered one, else the one stored for this issuer,
    /// else a Client ID Metadata Document, else a dynamic registration.
    async fn client_for(
        &self,
        url: &str,
        meta: &ServerMetadata,
        redirect_uri: &str,
        scope: Option<&str>,
    ) -> Result<ClientCreds> {
        if let Some(pre) = &self.opts.client {
            return Ok(ClientCreds {
                client_id: pre.client_id.clone(),
                client_secret: pre.client_secret.clone(),
                auth_method: flow::auth_method(meta, pre.client_secret.is_some(), None),
            });
        }
        let server = url.to_string();
        let stored = self.stored(move |s| s.entries(&server)).await?;
        if let Some(e) = stored
            .iter()
            .filter(|e| e.issuer == meta.issuer)
            .max_by_key(|e| e.saved_at)
            && !e.client_id.starts_with("https://")
        {
            return Ok(ClientCreds {
                client_id: e.client_id.clone(),
                client_secret: e.client_secret.clone(),
                auth_method: e.auth_method.clone(),
            });
        }
        if meta.client_id_metadata_document_supported
            && let Some(doc) = &self.opts.client_metadata_url
        {
            return Ok(ClientCreds {
                client_id: doc.clone(),
                client_secret: None,
                auth_method: "none".into(),
            });
        }
        if let Some(endpoint) = &meta.registration_endpoint {
            return flow::register(&self.client, meta, endpoint, redirect_uri, scope).await;
        }
        Err(McpError::new(format!(
            "the authorization server `{}` offers no way for aimcp to register",
            meta.issuer
        ))
        .hint(format!(
            "register a client with the provider, then run `aimcp mcp login {} --client-id ID [--client-secret-env VAR]`",
            self.name(url)
        )))
    }

    fn count(&self, url: &str) -> u32 {
        let mut a = self.attempts.lock().unwrap_or_else(|e| e.into_inner());
        let n = a.entry(url.to_string()).or_insert((0, Instant::now()));
        if n.1.elapsed() > Duration::from_secs(120) {
            *n = (0, Instant::now());
        }
        n.0 += 1;
        n.0
    }

    /// Probes `url` without a token (a POST of `initialize`) for its challenge; signs in.
    pub async fn login(&self, url: &str) -> Result<Entry> {
        let body = serde_json::json!({
            "jsonrpc": "2.0", "id": 0, "method": "initialize",
            "params": {"protocolVersion": "2025-11-25", "capabilities": {},
                       "clientInfo": {"name": "aimcp", "version": env!("CARGO_PKG_VERSION")}}
        });
        let resp = self
            .client
            .post(url)
            .header("accept", "application/json, text/event-stream")
            .json(&body)
            .send()
            .await
            .map_err(|e| McpError::new(format!("cannot reach `{url}`: {e}")))?;
        let challenge = resp
            .headers()
            .get("www-authenticate")
            .and_then(|v| v.to_str().ok())
            .map(discovery::parse_challenge)
            .unwrap_or_default();
        self.sign_in(url, &challenge).await
    }
}

impl Authorizer for OAuth {
    fn waited(&self) -> Duration {
        let w = lock(&self.waited);
        w.0 + w.1.map_or(Duration::ZERO, |since| since.elapsed())
    }

    fn header<'a>(&'a self, url: &'a str) -> BoxFuture<'a, Result<Option<String>>> {
        Box::pin(async move {
            let _one = self.busy.lock().await;
            Ok(self
                .current(url)
                .await?
                .map(|e| format!("Bearer {}", e.access_token)))
        })
    }

    fn refused<'a>(
        &'a self,
        url: &'a str,
        status: u16,
        www_authenticate: Option<&'a str>,
    ) -> BoxFuture<'a, Result<bool>> {
        Box::pin(async move {
            let _one = self.busy.lock().await;
            let mut challenge = www_authenticate
                .map(discovery::parse_challenge)
                .unwrap_or_default();
            // Not an OAuth challenge (no `WWW-Authenticate: Bearer`): the caller's error.
            if !challenge.bearer {
                return Ok(false);
            }
            if status == 403 && challenge.error.as_deref() != Some("insufficient_scope") {
                return Ok(false);
            }
            if self.count(url) > MAX_ATTEMPTS {
                return Ok(false);
            }
            let server = url.to_string();
            let had = self.stored(move |s| s.find(&server)).await?;
            if status == 403 {
                // Step-up: keep what was granted, add what is asked.
                let mut scopes: Vec<String> = had
                    .as_ref()
                    .and_then(|e| e.scope.clone())
                    .unwrap_or_default()
                    .split_whitespace()
                    .map(str::to_string)
                    .collect();
                for s in challenge.scope.as_deref().unwrap_or("").split_whitespace() {
                    if !scopes.iter().any(|x| x == s) {
                        scopes.push(s.to_string());
                    }
                }
                scopes.retain(|s| s != "offline_access");
                if !scopes.is_empty() {
                    challenge.scope = Some(scopes.join(" "));
                }
            } else if had.is_some() && self.opts.sign_in.is_none() {
                // A 401 with a token we hold: it was revoked or the refresh failed.
                return Err(self.login_needed(url, "the server refused the stored token"));
            }
            self.sign_in(url, &challenge).await?;
            Ok(true)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_browser_is_browser_env_else_the_platform_opener_at_a_terminal_else_printed() {
        assert_eq!(Opener::choose(true, Some("firefox"), true), Opener::Print);
        assert_eq!(
            Opener::choose(false, Some("my-open --new"), false),
            Opener::Command(vec!["my-open".into(), "--new".into()])
        );
        assert_eq!(Opener::choose(false, None, false), Opener::Print);
        assert!(
            matches!(Opener::choose(false, Some(" "), true), Opener::Command(w) if w.len() == 1)
        );
    }
}

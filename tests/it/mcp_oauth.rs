//! OAuth 2.1 sign-in against a real authorization server of our own
//! (`tests/servers/oauth-server.js`: an authorization server and the MCP endpoint it protects).
//! The browser is `tests/conformance/open-url.sh` (curl following the server's redirect back
//! to aimcp's loopback listener), given as `$BROWSER`.

use std::io::BufRead;
use std::process::{Child, Command, Stdio};

use serde_json::Value;

use crate::common::keychain::Keychain;
use crate::common::{Run, TestEnv, repo_root};

/// The test server, stopped on drop.
struct OAuthServer {
    child: Child,
    port: String,
}

impl OAuthServer {
    fn start() -> OAuthServer {
        let mut child = Command::new("node")
            .arg(repo_root().join("tests/servers/oauth-server.js"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut port = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut port)
            .unwrap();
        OAuthServer {
            child,
            port: port.trim().to_string(),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn admin(&self, method: &str, path: &str) -> Value {
        let out = Command::new("curl")
            .args(["-sS", "-X", method])
            .arg(self.url(path))
            .output()
            .unwrap();
        serde_json::from_slice(&out.stdout).unwrap()
    }

    fn grants(&self) -> Vec<String> {
        self.admin("GET", "/admin/log")["grants"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g.as_str().unwrap().to_string())
            .collect()
    }
}

impl Drop for OAuthServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn browser() -> String {
    repo_root()
        .join("tests/conformance/open-url.sh")
        .display()
        .to_string()
}

/// Runs aimcp with `$BROWSER` (or without), the clock at `now` when given.
fn run(env: &TestEnv, args: &[&str], with_browser: bool, now: Option<&str>) -> Run {
    run_env(env, args, with_browser, now, &[])
}

/// [`run`] with more environment variables.
fn run_env(
    env: &TestEnv,
    args: &[&str],
    with_browser: bool,
    now: Option<&str>,
    vars: &[(&str, &str)],
) -> Run {
    let mut cmd = env.cmd();
    cmd.envs(vars.iter().copied());
    cmd.env_remove("BROWSER").env_remove("CI");
    if with_browser {
        cmd.env("BROWSER", browser());
    }
    if let Some(now) = now {
        cmd.env("AIMCP_NOW", now);
    }
    Run::from(cmd.args(args).output().unwrap())
}

/// The page the stand-in browser was shown at the end of a sign-in (`OPEN_URL_PAGE`): the
/// browser may still be writing it when aimcp exits.
fn page(path: &std::path::Path) -> String {
    for _ in 0..100 {
        if let Ok(text) = std::fs::read_to_string(path) {
            return text;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("the browser was shown no page at `{}`", path.display());
}

fn later(hours: i64) -> String {
    (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(hours)).to_string()
}

fn credentials(env: &TestEnv) -> Value {
    let text =
        std::fs::read_to_string(env.home.join(".local/share/aimcp/credentials.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn signed_in_env(server: &OAuthServer) -> TestEnv {
    let env = TestEnv::new();
    run(
        &env,
        &["mcp", "add", "oauth", &server.url("/mcp")],
        false,
        None,
    )
    .assert_code(0);
    let login = run(&env, &["mcp", "login", "oauth"], true, None);
    login.assert_code(0);
    assert!(
        login.stderr.contains("signed in to `oauth`"),
        "{}",
        login.stderr
    );
    env
}

#[test]
fn login_keeps_the_tokens_and_an_expired_access_token_is_refreshed_before_the_request() {
    let server = OAuthServer::start();
    let env = signed_in_env(&server);
    assert_eq!(server.grants(), ["authorization_code"]);
    let creds = credentials(&env);
    let entry = &creds["servers"][0];
    assert_eq!(entry["server"], server.url("/mcp"));
    assert_eq!(entry["issuer"], server.url(""));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::metadata(env.home.join(".local/share/aimcp/credentials.json")).unwrap();
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    }
    // The RFC 8707 resource went with both token requests.
    let log = server.admin("GET", "/admin/log");
    assert_eq!(log["resources"][0], server.url("/mcp"));

    // Within the token's life: no refresh, no browser needed (none is given).
    run(&env, &["mcp", "call", "oauth", "whoami"], false, None).assert_code(0);
    assert_eq!(server.grants(), ["authorization_code"]);

    // Two hours on, the token has expired: it is refreshed first, without a sign-in.
    let call = run(
        &env,
        &["mcp", "call", "oauth", "whoami"],
        false,
        Some(&later(2)),
    );
    call.assert_code(0);
    assert!(call.stdout.contains("signed in"), "{}", call.stdout);
    assert_eq!(server.grants(), ["authorization_code", "refresh_token"]);
    let log = server.admin("GET", "/admin/log");
    assert_eq!(log["resources"][1], server.url("/mcp"));
    let after = credentials(&env);
    assert_ne!(
        after["servers"][0]["access_token"], entry["access_token"],
        "the refreshed token is kept"
    );
}

#[test]
fn a_revoked_refresh_token_without_a_terminal_says_to_run_mcp_login_and_exits_1() {
    let server = OAuthServer::start();
    let env = signed_in_env(&server);
    server.admin("POST", "/admin/revoke");
    let call = run(
        &env,
        &["mcp", "call", "oauth", "whoami"],
        false,
        Some(&later(2)),
    );
    call.assert_code(1);
    assert!(
        call.stderr.contains("hint: run `aimcp mcp login oauth`"),
        "{}",
        call.stderr
    );
    assert_eq!(server.grants(), ["authorization_code", "refresh_token"]);
    // Signing in again works, and the next call goes through.
    run(&env, &["mcp", "login", "oauth"], true, None).assert_code(0);
    run(&env, &["mcp", "call", "oauth", "whoami"], false, None).assert_code(0);
}

#[test]
fn without_a_sign_in_test_says_to_run_mcp_login_instead_of_add_a_header() {
    let server = OAuthServer::start();
    let env = TestEnv::new();
    run(
        &env,
        &["mcp", "add", "oauth", &server.url("/mcp")],
        false,
        None,
    )
    .assert_code(0);
    let test = run(&env, &["mcp", "test", "oauth"], false, None);
    test.assert_code(1);
    assert!(
        test.stderr.contains("hint: run `aimcp mcp login oauth`"),
        "{}",
        test.stderr
    );
    assert!(server.grants().is_empty());
}

#[test]
fn get_and_list_show_the_sign_in_and_logout_forgets_it() {
    let server = OAuthServer::start();
    let env = signed_in_env(&server);
    let get = run(&env, &["mcp", "get", "oauth"], false, None);
    assert!(
        get.stdout.contains("auth:      signed in until "),
        "{}",
        get.stdout
    );
    let list = run(&env, &["mcp", "list"], false, None);
    assert!(list.stdout.contains("signed in until"), "{}", list.stdout);
    let json = run(&env, &["--json", "mcp", "get", "oauth"], false, None).json();
    assert_eq!(json["oauth"]["issuer"], server.url(""));
    assert_eq!(json["oauth"]["refreshable"], true);
    let out = run(&env, &["mcp", "logout", "oauth"], false, None);
    out.assert_code(0);
    assert!(
        out.stderr.contains("signed out of `oauth`"),
        "{}",
        out.stderr
    );
    assert_eq!(credentials(&env)["servers"], serde_json::json!([]));
    let get = run(&env, &["mcp", "get", "oauth"], false, None);
    assert!(!get.stdout.contains("signed in"), "{}", get.stdout);
    run(&env, &["mcp", "test", "oauth"], false, None).assert_code(1);
}

/// Every file aimcp wrote (but the credential store itself) and every output, `-vv` traffic
/// and `--json` included, holds none of the access and refresh tokens the server issued.
#[test]
fn no_token_appears_in_any_file_aimcp_wrote_or_in_any_output() {
    let server = OAuthServer::start();
    let env = TestEnv::new();
    token_trail(&server, &env, None);
}

/// The same with the keychain reachable: the tokens are in the Secret Service and nowhere
/// on disk under HOME (the keyring's own files are encrypted); no `credentials.json` at all.
#[test]
fn with_a_keychain_the_tokens_are_in_it_and_in_no_file_or_output() {
    let server = OAuthServer::start();
    let env = TestEnv::new();
    let Some(keychain) = Keychain::start(&env.home) else {
        return;
    };
    token_trail(&server, &env, Some(&keychain));
}

/// Signs in, tests, discovers, refreshes, calls, lists, is revoked, signs in again and signs
/// out, keeping every output; then greps them and every file under the test's root for the
/// tokens the server issued. With `keychain`, sign-ins go there (found with `secret-tool`).
fn token_trail(server: &OAuthServer, env: &TestEnv, keychain: Option<&Keychain>) {
    let mut vars: Vec<(&str, String)> = keychain.map(Keychain::vars).unwrap_or_default();
    if keychain.is_some() {
        vars.push(("AIMCP_CREDENTIALS", "auto".into()));
    }
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let store = env.home.join(".local/share/aimcp/credentials.json");
    let mut outputs = Vec::new();
    let mut go = |args: &[&str], browser: bool, now: Option<&str>| {
        let r = run_env(env, args, browser, now, &vars);
        outputs.push(format!("{}\n{}", r.stdout, r.stderr));
        r
    };
    go(&["mcp", "add", "oauth", &server.url("/mcp")], false, None).assert_code(0);
    let login = go(&["-vv", "mcp", "login", "oauth"], true, None);
    login.assert_code(0);
    if keychain.is_some() {
        assert!(
            login.stderr.contains("kept in the Secret Service keychain"),
            "{}",
            login.stderr
        );
    }
    go(&["-vv", "mcp", "test", "oauth"], false, None).assert_code(0);
    go(&["-vvv", "mcp", "discover", "oauth"], false, None).assert_code(0);
    // Expired: refreshed before the request, with the traffic shown.
    go(&["-vvv", "mcp", "test", "oauth"], false, Some(&later(2))).assert_code(0);
    go(&["-vv", "mcp", "call", "oauth", "whoami"], false, None).assert_code(0);
    go(
        &["-vv", "--json", "mcp", "call", "oauth", "whoami"],
        false,
        None,
    )
    .assert_code(0);
    go(&["-vv", "--json", "mcp", "get", "oauth"], false, None).assert_code(0);
    go(&["-vv", "mcp", "get", "oauth"], false, None).assert_code(0);
    let list = go(&["-vv", "mcp", "list"], false, None);
    list.assert_code(0);
    assert!(list.stdout.contains("signed in until"), "{}", list.stdout);
    go(&["-vv", "--json", "mcp", "list"], false, None).assert_code(0);
    if let Some(k) = keychain {
        // The refreshed token is the one kept, in the keychain and not in the file.
        let issued = server.admin("GET", "/admin/log")["issued"].clone();
        let latest = issued[issued.as_array().unwrap().len() - 2]
            .as_str()
            .unwrap()
            .to_string();
        let secret = k
            .lookup(&server.url("/mcp"))
            .expect("a secret in the keychain");
        assert!(
            secret.contains(&latest),
            "the refreshed access token is kept"
        );
        assert!(!store.exists(), "no `credentials.json` beside a keychain");
    }
    server.admin("POST", "/admin/revoke");
    // A revoked sign-in: the refused refresh and the error say nothing of the tokens.
    go(
        &["-vv", "mcp", "call", "oauth", "whoami"],
        false,
        Some(&later(4)),
    )
    .assert_code(1);
    go(&["-vv", "mcp", "test", "oauth"], false, None).assert_code(1);
    // And a new sign-in where a browser can be opened, traffic shown.
    go(
        &["-vv", "mcp", "call", "oauth", "whoami"],
        true,
        Some(&later(4)),
    )
    .assert_code(0);
    if let Some(k) = keychain {
        assert!(k.lookup(&server.url("/mcp")).is_some());
    }
    go(&["-vv", "mcp", "logout", "oauth"], false, None).assert_code(0);
    if let Some(k) = keychain {
        assert_eq!(
            k.lookup(&server.url("/mcp")),
            None,
            "logout removes the secret"
        );
    }

    let log = server.admin("GET", "/admin/log");
    let tokens: Vec<String> = log["issued"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_string())
        .collect();
    // Two sign-ins and a refresh, each an access and a refresh token.
    assert!(tokens.len() >= 6, "{tokens:?}");
    let mut files = Vec::new();
    let mut stack = vec![env.root.path().to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            // (the keychain's runtime folder holds its sockets, not files)
            if p.is_dir() {
                stack.push(p);
            } else if p != store && !p.starts_with(env.home.join(".run")) {
                files.push(p);
            }
        }
    }
    assert!(
        files.iter().any(|f| f.ends_with(".mcp.tools.json")),
        "{files:?}"
    );
    match keychain {
        // The keyring's own files are there (the grep covers them), the file never was.
        Some(_) => {
            assert!(!store.exists(), "{files:?}");
            assert!(
                files
                    .iter()
                    .any(|f| f.to_string_lossy().contains("keyrings")),
                "{files:?}"
            );
        }
        // The store held them (the test looks in the right place); after the logout it is empty.
        None => assert!(store.exists(), "{files:?}"),
    }
    for token in &tokens {
        for f in &files {
            let text = String::from_utf8_lossy(&std::fs::read(f).unwrap()).into_owned();
            assert!(
                !text.contains(token.as_str()),
                "a token in `{}`",
                f.display()
            );
        }
        for out in &outputs {
            assert!(
                !out.contains(token.as_str()),
                "a token in the output:\n{out}"
            );
        }
    }
}

/// An old `credentials.json` moves into the keychain on first use and the file goes; the
/// sign-in goes on working from there.
#[test]
fn a_credentials_file_moves_into_a_keychain_that_answers() {
    let server = OAuthServer::start();
    let env = signed_in_env(&server);
    let file = env.home.join(".local/share/aimcp/credentials.json");
    assert!(file.exists());
    let Some(keychain) = Keychain::start(&env.home) else {
        return;
    };
    let mut vars = keychain.vars();
    vars.push(("AIMCP_CREDENTIALS", "auto".into()));
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let list = run_env(&env, &["mcp", "list"], false, None, &vars);
    list.assert_code(0);
    assert!(list.stdout.contains("signed in until"), "{}", list.stdout);
    assert!(
        !file.exists(),
        "the file is gone once its entries are in the keychain"
    );
    let secret = keychain.lookup(&server.url("/mcp")).expect("moved");
    assert!(secret.contains(&server.url("")), "{}", secret.len());
    // Refreshed from the keychain: no browser, the refresh grant used.
    run_env(
        &env,
        &["mcp", "call", "oauth", "whoami"],
        false,
        Some(&later(2)),
        &vars,
    )
    .assert_code(0);
    assert_eq!(server.grants(), ["authorization_code", "refresh_token"]);
    assert!(!file.exists());
    // Forced to the file, the keychain's sign-in is not seen (and not touched).
    let file_vars = [("AIMCP_CREDENTIALS", "file")];
    let get = run_env(&env, &["mcp", "get", "oauth"], false, None, &file_vars);
    assert!(!get.stdout.contains("signed in"), "{}", get.stdout);
    assert!(keychain.lookup(&server.url("/mcp")).is_some());
}

/// `auto` without a session bus takes the file at once; a forced keychain without one is an
/// error; an unknown value is bad input (exit 2).
#[test]
fn without_a_session_bus_the_file_is_used_and_a_bad_setting_is_exit_2() {
    let server = OAuthServer::start();
    let env = TestEnv::new();
    let empty = env.root.path().join("no-bus");
    std::fs::create_dir_all(&empty).unwrap();
    let empty = empty.display().to_string();
    let no_bus = |choice: &'static str| {
        vec![
            ("AIMCP_CREDENTIALS", choice),
            ("DBUS_SESSION_BUS_ADDRESS", ""),
            ("XDG_RUNTIME_DIR", empty.as_str()),
        ]
    };
    run_env(
        &env,
        &["mcp", "add", "oauth", &server.url("/mcp")],
        false,
        None,
        &[],
    )
    .assert_code(0);
    let login = run_env(
        &env,
        &["mcp", "login", "oauth"],
        true,
        None,
        &no_bus("auto"),
    );
    login.assert_code(0);
    assert!(
        login.stderr.contains("kept in `credentials.json`"),
        "{}",
        login.stderr
    );
    assert_eq!(
        credentials(&env)["servers"][0]["server"],
        server.url("/mcp")
    );
    let forced = run_env(
        &env,
        &["mcp", "get", "oauth"],
        false,
        None,
        &no_bus("keychain"),
    );
    assert!(
        forced.stderr.contains("does not answer"),
        "{}",
        forced.stderr
    );
    let bad = run_env(&env, &["mcp", "list"], false, None, &no_bus("vault"));
    bad.assert_code(2);
    assert!(
        bad.stderr.contains("`AIMCP_CREDENTIALS` is `vault`"),
        "{}",
        bad.stderr
    );
}

#[test]
fn two_servers_with_the_same_issuer_keep_a_sign_in_each() {
    let server = OAuthServer::start();
    let env = signed_in_env(&server);
    run(
        &env,
        &["mcp", "add", "second", &server.url("/mcp2")],
        false,
        None,
    )
    .assert_code(0);
    // The first server's token is not the second's (the server checks the `resource`).
    run(&env, &["mcp", "test", "second"], false, None).assert_code(1);
    run(&env, &["mcp", "login", "second"], true, None).assert_code(0);
    let creds = credentials(&env);
    let servers = creds["servers"].as_array().unwrap();
    assert_eq!(servers.len(), 2, "{creds}");
    for (entry, path) in servers.iter().zip(["/mcp", "/mcp2"]) {
        assert_eq!(entry["issuer"], server.url(""));
        assert_eq!(entry["resource"], server.url(path));
    }
    run(&env, &["mcp", "call", "oauth", "whoami"], false, None).assert_code(0);
    run(&env, &["mcp", "call", "second", "whoami"], false, None).assert_code(0);
    // Refreshing one leaves the other alone.
    run(
        &env,
        &["mcp", "call", "second", "whoami"],
        false,
        Some(&later(2)),
    )
    .assert_code(0);
    let after = credentials(&env);
    assert_eq!(after["servers"][0], servers[0].clone());
    assert_ne!(
        after["servers"][1]["access_token"],
        servers[1]["access_token"]
    );
}

/// `mcp serve` (the gateway) reaches a signed-in server with the stored token, refreshed when
/// it has expired, without a sign-in of its own.
#[test]
fn the_gateway_uses_the_stored_tokens() {
    let server = OAuthServer::start();
    let env = signed_in_env(&server);
    let project = env.project.display().to_string();
    let later = later(2);
    let args = [
        "mcp",
        "call",
        "oauth__whoami",
        "--",
        crate::common::bin(),
        "-C",
        &project,
        "mcp",
        "serve",
        "oauth",
    ];
    let call = run(&env, &args, false, Some(&later));
    call.assert_code(0);
    assert!(call.stdout.contains("signed in"), "{}", call.stdout);
    assert_eq!(server.grants(), ["authorization_code", "refresh_token"]);
}

#[test]
fn on_ci_no_sign_in_starts_on_its_own_and_no_browser_opens_even_with_browser_set() {
    let server = OAuthServer::start();
    let env = TestEnv::new();
    run(
        &env,
        &["mcp", "add", "oauth", &server.url("/mcp")],
        false,
        None,
    )
    .assert_code(0);
    // A `$BROWSER` that would sign in (it follows the redirect), and `CI=true`.
    let out = Run::from(
        env.cmd()
            .env("BROWSER", browser())
            .env("CI", "true")
            .args(["mcp", "call", "oauth", "whoami"])
            .output()
            .unwrap(),
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("aimcp mcp login oauth"),
        "{}",
        out.stderr
    );
    // No authorization code was ever asked for: the browser was not opened.
    assert!(server.grants().is_empty(), "{:?}", server.grants());
    assert!(
        !env.home
            .join(".local/share/aimcp/credentials.json")
            .exists()
    );
}

/// A revoked refresh token where a sign-in can happen (a browser can be opened, as at a
/// terminal): the refused refresh is followed by a new sign-in, and the call goes through.
#[test]
fn a_revoked_refresh_token_where_a_browser_can_open_signs_in_again() {
    let server = OAuthServer::start();
    let env = signed_in_env(&server);
    let before = credentials(&env)["servers"][0].clone();
    server.admin("POST", "/admin/revoke");
    let call = run(
        &env,
        &["mcp", "call", "oauth", "whoami"],
        true,
        Some(&later(2)),
    );
    call.assert_code(0);
    assert!(call.stdout.contains("signed in"), "{}", call.stdout);
    assert!(
        call.stderr
            .contains("opening a browser to sign in to `oauth`"),
        "{}",
        call.stderr
    );
    assert_eq!(
        server.grants(),
        ["authorization_code", "refresh_token", "authorization_code"]
    );
    let after = credentials(&env);
    let servers = after["servers"].as_array().unwrap();
    assert_eq!(servers.len(), 1, "{after}");
    assert_ne!(servers[0]["refresh_token"], before["refresh_token"]);
}

/// A server that moves to another authorization server (a new issuer): the old issuer's
/// tokens and client are never sent to the new one; a sign-in with the new one follows where a
/// browser can open, and without one the error says to run `aimcp mcp login`.
#[test]
fn a_server_that_moves_its_authorization_server_gets_a_new_sign_in_and_no_old_token_goes_there() {
    let server = OAuthServer::start();
    let env = signed_in_env(&server);
    let old = credentials(&env)["servers"][0].clone();
    server.admin("POST", "/admin/move");
    // No browser (as on CI): the refused token is an error naming `mcp login`.
    let call = run(&env, &["mcp", "call", "oauth", "whoami"], false, None);
    call.assert_code(1);
    assert!(
        call.stderr.contains("hint: run `aimcp mcp login oauth`"),
        "{}",
        call.stderr
    );
    // With a browser: a sign-in with the new issuer.
    let call = run(&env, &["mcp", "call", "oauth", "whoami"], true, None);
    call.assert_code(0);
    assert!(call.stdout.contains("signed in"), "{}", call.stdout);
    let log = server.admin("GET", "/admin/log");
    assert_eq!(
        log["moved"]["grants"],
        serde_json::json!(["authorization_code"])
    );
    assert_eq!(log["grants"], serde_json::json!(["authorization_code"]));
    let creds = credentials(&env);
    let newest = creds["servers"]
        .as_array()
        .unwrap()
        .iter()
        .max_by_key(|e| e["saved_at"].as_i64())
        .unwrap()
        .clone();
    assert_eq!(newest["issuer"], server.url("/as2"));
    assert_ne!(newest["client_id"], old["client_id"]);
    // Expired: refreshed at the new issuer, with the new refresh token.
    run(
        &env,
        &["mcp", "call", "oauth", "whoami"],
        false,
        Some(&later(2)),
    )
    .assert_code(0);
    let log = server.admin("GET", "/admin/log");
    assert_eq!(
        log["moved"]["grants"],
        serde_json::json!(["authorization_code", "refresh_token"])
    );
    assert_eq!(log["grants"], serde_json::json!(["authorization_code"]));
    // Nothing of the first sign-in reached the new authorization server.
    let received = log["moved"]["received"].to_string();
    let mut old_secrets: Vec<String> = log["issued"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_string())
        .collect();
    old_secrets.push(old["client_id"].as_str().unwrap().to_string());
    assert_eq!(old_secrets.len(), 3, "{old_secrets:?}");
    for secret in &old_secrets {
        assert!(
            !received.contains(secret.as_str()),
            "`{secret}` went to the new issuer"
        );
    }
}

/// The browser's page says "Signed in" only after the code was exchanged for tokens; when the
/// exchange fails it says the sign-in did not complete, and `mcp login` fails.
#[test]
fn the_browser_page_says_signed_in_only_after_the_code_exchange() {
    let server = OAuthServer::start();
    let env = TestEnv::new();
    run(
        &env,
        &["mcp", "add", "oauth", &server.url("/mcp")],
        false,
        None,
    )
    .assert_code(0);
    let failed_page = env.root.path().join("failed.html");
    server.admin("POST", "/admin/fail-next-code");
    let login = run_env(
        &env,
        &["mcp", "login", "oauth"],
        true,
        None,
        &[("OPEN_URL_PAGE", failed_page.to_str().unwrap())],
    );
    login.assert_code(1);
    assert!(
        login.stderr.contains("refused the token request"),
        "{}",
        login.stderr
    );
    let text = page(&failed_page);
    assert!(text.contains("did not complete"), "{text}");
    assert!(!text.contains("Signed in"), "{text}");
    assert!(
        !env.home
            .join(".local/share/aimcp/credentials.json")
            .exists()
    );

    let ok_page = env.root.path().join("ok.html");
    let login = run_env(
        &env,
        &["mcp", "login", "oauth"],
        true,
        None,
        &[("OPEN_URL_PAGE", ok_page.to_str().unwrap())],
    );
    login.assert_code(0);
    let text = page(&ok_page);
    assert!(text.contains("Signed in"), "{text}");
}

/// A sign-in that starts during a call waits for the user at the browser longer than the
/// call's `--timeout` (the browser here takes 3 s to come back; the timeout is 1 s).
#[test]
fn the_request_timeout_does_not_cut_off_a_sign_in_at_the_browser() {
    let server = OAuthServer::start();
    let env = TestEnv::new();
    run(
        &env,
        &["mcp", "add", "oauth", &server.url("/mcp")],
        false,
        None,
    )
    .assert_code(0);
    server.admin("POST", "/admin/slow-authorize?ms=3000");
    let call = run(
        &env,
        &["mcp", "call", "oauth", "whoami", "--timeout", "1"],
        true,
        None,
    );
    call.assert_code(0);
    assert!(call.stdout.contains("signed in"), "{}", call.stdout);
    assert_eq!(server.grants(), ["authorization_code"]);
}

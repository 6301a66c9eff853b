//! `mcp sync`, `mcp enable`/`disable` and `mcp import`: every client's file written from
//! `.mcp.json`, read back with that client's documented shape, edits that keep what aimcp does not
//! own, `--check` as a drift gate, no literal secret anywhere, and Claude Code's own reading of
//! `.mcp.json` (the real `claude` from npm).

use std::collections::BTreeMap;
use std::fs::File;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use serde::Deserialize;

use crate::common::{TestEnv, servers};

/// Three servers: stdio with a reference and a plain value, http with a bearer reference, and one
/// with a tool switched off.
const MCP_JSON: &str = r#"{
  "mcpServers": {
    "memory": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-memory"],
      "env": {"MEMORY_FILE_PATH": "./memory.json"}
    },
    "web": {
      "type": "http",
      "url": "https://example.com/mcp",
      "headers": {"Authorization": "Bearer ${WEB_TOKEN}"}
    },
    "github": {
      "command": "docker",
      "args": ["run", "-i", "--rm", "ghcr.io/github/github-mcp-server"],
      "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "${GITHUB_PERSONAL_ACCESS_TOKEN}"},
      "disabledTools": ["delete_repository"]
    }
  }
}
"#;

// ---- the clients' documented shapes ---------------------------------------------------------
// Each struct lists the fields the client's documentation (and for Codex its config parser)
// defines for a server; `deny_unknown_fields` makes a key aimcp invents fail the test.

/// Codex `[mcp_servers.NAME]` (codex-rs `McpServerConfig`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct CodexServer {
    command: Option<String>,
    args: Option<Vec<String>>,
    env: Option<BTreeMap<String, String>>,
    env_vars: Option<Vec<String>>,
    cwd: Option<String>,
    url: Option<String>,
    bearer_token_env_var: Option<String>,
    http_headers: Option<BTreeMap<String, String>>,
    env_http_headers: Option<BTreeMap<String, String>>,
    enabled: Option<bool>,
    enabled_tools: Option<Vec<String>>,
    disabled_tools: Option<Vec<String>>,
    startup_timeout_sec: Option<f64>,
    tool_timeout_sec: Option<f64>,
}

#[derive(Debug, Deserialize)]
struct CodexConfig {
    mcp_servers: BTreeMap<String, CodexServer>,
}

/// Gemini CLI `mcpServers.NAME` (`MCPServerConfig`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[allow(dead_code)]
struct GeminiServer {
    command: Option<String>,
    args: Option<Vec<String>>,
    env: Option<BTreeMap<String, String>>,
    cwd: Option<String>,
    url: Option<String>,
    http_url: Option<String>,
    headers: Option<BTreeMap<String, String>>,
    timeout: Option<u64>,
    trust: Option<bool>,
    description: Option<String>,
    include_tools: Option<Vec<String>>,
    exclude_tools: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GeminiSettings {
    mcp_servers: BTreeMap<String, GeminiServer>,
}

/// VS Code `mcp.json` `servers.NAME`: stdio (`type`, `command`, `args`, `env`, `envFile`, `cwd`)
/// or http/sse (`type`, `url`, `headers`).
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
#[allow(dead_code)]
enum VscodeServer {
    Stdio {
        command: String,
        args: Option<Vec<String>>,
        env: Option<BTreeMap<String, String>>,
        #[serde(rename = "envFile")]
        env_file: Option<String>,
        cwd: Option<String>,
    },
    Http {
        url: String,
        headers: Option<BTreeMap<String, String>>,
    },
    Sse {
        url: String,
        headers: Option<BTreeMap<String, String>>,
    },
}

#[derive(Debug, Deserialize)]
struct VscodeConfig {
    servers: BTreeMap<String, VscodeServer>,
    #[serde(default)]
    #[allow(dead_code)]
    inputs: Vec<serde_json::Value>,
}

/// Cursor, Windsurf and Claude Desktop: `mcpServers.NAME` with `command`/`args`/`env` or a URL.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[allow(dead_code)]
struct PlainServer {
    command: Option<String>,
    args: Option<Vec<String>>,
    env: Option<BTreeMap<String, String>>,
    url: Option<String>,
    server_url: Option<String>,
    headers: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PlainConfig {
    mcp_servers: BTreeMap<String, PlainServer>,
}

/// A TOML document as JSON (the serde view Codex's parser has of it).
fn toml_json(item: &toml_edit::Item) -> serde_json::Value {
    use serde_json::Value as J;
    use toml_edit::{Item, Value};
    fn value(v: &Value) -> J {
        match v {
            Value::String(s) => J::String(s.value().clone()),
            Value::Integer(i) => J::from(*i.value()),
            Value::Float(f) => J::from(*f.value()),
            Value::Boolean(b) => J::Bool(*b.value()),
            Value::Datetime(d) => J::String(d.value().to_string()),
            Value::Array(a) => J::Array(a.iter().map(value).collect()),
            Value::InlineTable(t) => {
                J::Object(t.iter().map(|(k, v)| (k.to_string(), value(v))).collect())
            }
        }
    }
    match item {
        Item::None => J::Null,
        Item::Value(v) => value(v),
        Item::Table(t) => J::Object(
            t.iter()
                .map(|(k, v)| (k.to_string(), toml_json(v)))
                .collect(),
        ),
        Item::ArrayOfTables(a) => J::Array(
            a.iter()
                .map(|t| {
                    J::Object(
                        t.iter()
                            .map(|(k, v)| (k.to_string(), toml_json(v)))
                            .collect(),
                    )
                })
                .collect(),
        ),
    }
}

fn codex(env: &TestEnv) -> CodexConfig {
    let doc: toml_edit::DocumentMut = env.read(".codex/config.toml").parse().expect("TOML");
    serde_json::from_value(toml_json(doc.as_item())).expect("codex's shape")
}

fn json_of<T: for<'a> Deserialize<'a>>(text: &str) -> T {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}:\n{text}"))
}

const ALL: &[&str] = &[
    "--client",
    "cursor",
    "--client",
    "vscode",
    "--client",
    "codex",
    "--client",
    "gemini",
    "--client",
    "windsurf",
    "--client",
    "claude-desktop",
];

fn sync(env: &TestEnv, extra: &[&str]) -> crate::common::Run {
    let mut args = vec!["mcp", "sync"];
    args.extend_from_slice(extra);
    env.run(&args)
}

// ---- sync -----------------------------------------------------------------------------------

#[test]
fn every_client_file_parses_with_the_clients_own_shape() {
    let env = TestEnv::new();
    env.write(".mcp.json", MCP_JSON);
    sync(&env, ALL).assert_code(0);

    let c = codex(&env);
    let web = &c.mcp_servers["web"];
    assert_eq!(web.url.as_deref(), Some("https://example.com/mcp"));
    assert_eq!(web.bearer_token_env_var.as_deref(), Some("WEB_TOKEN"));
    let gh = &c.mcp_servers["github"];
    assert_eq!(
        gh.env_vars.as_deref(),
        Some(&["GITHUB_PERSONAL_ACCESS_TOKEN".to_string()][..])
    );
    assert_eq!(
        gh.disabled_tools.as_deref(),
        Some(&["delete_repository".to_string()][..])
    );
    assert_eq!(
        c.mcp_servers["memory"].env.as_ref().unwrap()["MEMORY_FILE_PATH"],
        "./memory.json"
    );

    let g: GeminiSettings = json_of(&env.read(".gemini/settings.json"));
    assert_eq!(
        g.mcp_servers["web"].http_url.as_deref(),
        Some("https://example.com/mcp")
    );
    assert_eq!(
        g.mcp_servers["web"].headers.as_ref().unwrap()["Authorization"],
        "Bearer ${WEB_TOKEN}"
    );
    assert_eq!(
        g.mcp_servers["github"].exclude_tools.as_deref(),
        Some(&["delete_repository".to_string()][..])
    );

    let v: VscodeConfig = json_of(&env.read(".vscode/mcp.json"));
    match &v.servers["github"] {
        VscodeServer::Stdio { env, .. } => assert_eq!(
            env.as_ref().unwrap()["GITHUB_PERSONAL_ACCESS_TOKEN"],
            "${env:GITHUB_PERSONAL_ACCESS_TOKEN}"
        ),
        other => panic!("{other:?}"),
    }
    assert!(
        matches!(&v.servers["web"], VscodeServer::Http { headers: Some(h), .. }
        if h["Authorization"] == "Bearer ${env:WEB_TOKEN}")
    );

    let cursor: PlainConfig = json_of(&env.read(".cursor/mcp.json"));
    assert_eq!(cursor.mcp_servers.len(), 3);
    assert_eq!(
        cursor.mcp_servers["web"].headers.as_ref().unwrap()["Authorization"],
        "Bearer ${env:WEB_TOKEN}"
    );
    let windsurf: PlainConfig = json_of(
        &std::fs::read_to_string(env.home.join(".codeium/windsurf/mcp_config.json")).unwrap(),
    );
    assert_eq!(
        windsurf.mcp_servers["web"].server_url.as_deref(),
        Some("https://example.com/mcp")
    );
    let desktop: PlainConfig = json_of(
        &std::fs::read_to_string(env.home.join(".config/Claude/claude_desktop_config.json"))
            .unwrap(),
    );
    // Claude Desktop: stdio only, and no references: the http server and the token are left out.
    assert_eq!(
        desktop.mcp_servers.keys().collect::<Vec<_>>(),
        ["github", "memory"]
    );
    assert!(desktop.mcp_servers["github"].env.is_none());

    // A second run changes nothing, and `--check` agrees.
    let again = sync(&env, ALL);
    again.assert_code(0);
    assert!(!again.stderr.contains("wrote"), "{}", again.stderr);
    sync(&env, &[ALL, &["--check"]].concat()).assert_code(0);
}

#[test]
fn an_edit_keeps_what_aimcp_does_not_own() {
    let env = TestEnv::new();
    env.write(".mcp.json", MCP_JSON);
    let codex_before = "# Codex settings for this repo\nmodel = \"o3\"\n\n\
        [mcp_servers.mine]   # mine, not aimcp's\ncommand = \"my-server\"\n\n\
        [mcp_servers.memory]\ncommand = \"old\"\nstartup_timeout_sec = 30 # slow start\n\n\
        [profiles.fast]\nmodel = \"o4-mini\"\n";
    env.write(".codex/config.toml", codex_before);
    env.write(
        ".gemini/settings.json",
        r#"{"theme": "GitHub", "mcpServers": {"mine": {"command": "x", "trust": true}, "memory": {"command": "old", "trust": true}}}"#,
    );
    env.write(
        ".vscode/mcp.json",
        r#"{"inputs": [{"type": "promptString", "id": "key", "password": true}], "servers": {"mine": {"type": "stdio", "command": "x", "env": {"K": "${input:key}"}}}}"#,
    );
    // Without --client: every client whose project file exists.
    let run = sync(&env, &[]);
    run.assert_code(0);
    insta::assert_snapshot!(run.stderr.lines().filter(|l| l.starts_with("wrote")).collect::<Vec<_>>().join("\n"), @r"
    wrote `.vscode/mcp.json` (vscode): 3 servers
    wrote `.codex/config.toml` (codex): 3 servers
    wrote `.gemini/settings.json` (gemini): 3 servers
    ");
    assert!(!env.exists(".cursor/mcp.json"));

    let text = env.read(".codex/config.toml");
    insta::assert_snapshot!(text, @r#"
    # Codex settings for this repo
    model = "o3"

    [mcp_servers.mine]   # mine, not aimcp's
    command = "my-server"

    [mcp_servers.memory]
    command = "npx"
    startup_timeout_sec = 30 # slow start
    args = ["-y", "@modelcontextprotocol/server-memory"]
    env = { MEMORY_FILE_PATH = "./memory.json" }

    [mcp_servers.web]
    url = "https://example.com/mcp"
    bearer_token_env_var = "WEB_TOKEN"

    [mcp_servers.github]
    command = "docker"
    args = ["run", "-i", "--rm", "ghcr.io/github/github-mcp-server"]
    env_vars = ["GITHUB_PERSONAL_ACCESS_TOKEN"]
    disabled_tools = ["delete_repository"]

    [profiles.fast]
    model = "o4-mini"
    "#);

    let g: serde_json::Value = json_of(&env.read(".gemini/settings.json"));
    assert_eq!(g["theme"], "GitHub");
    assert_eq!(g["mcpServers"]["mine"]["trust"], true);
    assert_eq!(g["mcpServers"]["memory"]["trust"], true);
    assert_eq!(g["mcpServers"]["memory"]["command"], "npx");
    let keys: Vec<&String> = g["mcpServers"].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["mine", "memory", "web", "github"]);

    let v: serde_json::Value = json_of(&env.read(".vscode/mcp.json"));
    assert_eq!(v["inputs"][0]["id"], "key");
    assert_eq!(v["servers"]["mine"]["env"]["K"], "${input:key}");
    // VS Code's `servers` is its own layout, not the older aimcp one.
    assert_eq!(v["servers"]["github"]["type"], "stdio");
    assert_eq!(v["servers"]["github"]["command"], "docker");

    // `.mcp.json` is the source, never written by sync.
    assert_eq!(env.read(".mcp.json"), MCP_JSON);
}

/// Every client, the same three checks: a sync keeps the user's own server, the file's other
/// settings and an unknown key of an entry aimcp writes; `--check` passes, then catches a hand
/// edit (naming the file, which it leaves as it is); and for the clients with only a user file,
/// `import` then `sync` gives back the same file.
#[test]
fn every_client_keeps_what_it_does_not_own_and_check_catches_a_hand_edit() {
    const MEMORY: &str = r#"{"mcpServers": {"memory": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-memory"]}}}"#;
    // (client, file, in the home folder, text before, the entry's own key)
    let cases: &[(&str, &str, bool, &str, &str)] = &[
        (
            "cursor",
            ".cursor/mcp.json",
            false,
            r#"{"theme": 1, "mcpServers": {"mine": {"command": "x"}, "memory": {"command": "old", "note": "kept"}}}"#,
            "note",
        ),
        (
            "vscode",
            ".vscode/mcp.json",
            false,
            r#"{"theme": 1, "servers": {"mine": {"type": "stdio", "command": "x"}, "memory": {"type": "stdio", "command": "old", "envFile": "${workspaceFolder}/.env"}}}"#,
            "envFile",
        ),
        (
            "codex",
            ".codex/config.toml",
            false,
            "theme = 1\n\n[mcp_servers.mine]\ncommand = \"x\"\n\n[mcp_servers.memory]\ncommand = \"old\"\nstartup_timeout_sec = 30\n",
            "startup_timeout_sec",
        ),
        (
            "gemini",
            ".gemini/settings.json",
            false,
            r#"{"theme": 1, "mcpServers": {"mine": {"command": "x"}, "memory": {"command": "old", "trust": true}}}"#,
            "trust",
        ),
        (
            "windsurf",
            ".codeium/windsurf/mcp_config.json",
            true,
            r#"{"theme": 1, "mcpServers": {"mine": {"command": "x"}, "memory": {"command": "old", "note": "kept"}}}"#,
            "note",
        ),
        (
            "claude-desktop",
            ".config/Claude/claude_desktop_config.json",
            true,
            r#"{"theme": 1, "mcpServers": {"mine": {"command": "x"}, "memory": {"command": "old", "cwd": "/srv"}}}"#,
            "cwd",
        ),
    ];
    for (client, file, home, before, own_key) in cases {
        let env = TestEnv::new();
        env.write(".mcp.json", MEMORY);
        let path = if *home {
            env.home.join(file)
        } else {
            env.path(file)
        };
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, before).unwrap();
        let read = || -> serde_json::Value {
            let text = std::fs::read_to_string(&path).unwrap();
            if file.ends_with(".toml") {
                let doc: toml_edit::DocumentMut = text.parse().expect("TOML");
                toml_json(doc.as_item())
            } else {
                json_of(&text)
            }
        };
        sync(&env, &["--client", client]).assert_code(0);
        let v = read();
        let servers = &v[if *client == "vscode" {
            "servers"
        } else if *client == "codex" {
            "mcp_servers"
        } else {
            "mcpServers"
        }];
        assert_eq!(v["theme"], 1, "{client}: {v}");
        assert_eq!(servers["mine"]["command"], "x", "{client}: {v}");
        assert_eq!(servers["memory"]["command"], "npx", "{client}: {v}");
        assert!(!servers["memory"][own_key].is_null(), "{client}: {v}");
        sync(&env, &["--check", "--client", client]).assert_code(0);

        let written = std::fs::read_to_string(&path).unwrap();
        let edited = written.replace("server-memory", "server-memory@1");
        assert_ne!(edited, written, "{client}");
        std::fs::write(&path, &edited).unwrap();
        let run = sync(&env, &["--check", "--client", client]);
        run.assert_code(1);
        let name = std::path::Path::new(file)
            .file_name()
            .unwrap()
            .to_str()
            .unwrap();
        assert!(
            run.stderr
                .contains(&format!("{name}` differs from `.mcp.json`")),
            "{client}: {}",
            run.stderr
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), edited, "{client}");
    }

    // `import` then `sync` of the clients that have only a user file.
    let round: &[(&str, &str, &str)] = &[
        (
            "windsurf",
            ".codeium/windsurf/mcp_config.json",
            "{\n  \"mcpServers\": {\n    \"memory\": {\n      \"command\": \"npx\",\n      \"args\": [\n        \"-y\",\n        \"@modelcontextprotocol/server-memory\"\n      ]\n    },\n    \"web\": {\n      \"serverUrl\": \"https://example.com/mcp\",\n      \"headers\": {\n        \"Authorization\": \"Bearer ${env:WEB_TOKEN}\"\n      }\n    }\n  }\n}\n",
        ),
        (
            "claude-desktop",
            ".config/Claude/claude_desktop_config.json",
            "{\n  \"mcpServers\": {\n    \"memory\": {\n      \"command\": \"npx\",\n      \"args\": [\n        \"-y\",\n        \"@modelcontextprotocol/server-memory\"\n      ],\n      \"env\": {\n        \"MEMORY_FILE_PATH\": \"/tmp/memory.json\"\n      }\n    }\n  }\n}\n",
        ),
    ];
    for (client, file, text) in round {
        let env = TestEnv::new();
        let path = env.home.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        env.run(&["mcp", "import", "--from", client, "--yes"])
            .assert_code(0);
        let check = sync(&env, &["--check", "--client", client]);
        assert_eq!(
            check.code,
            0,
            "{client}: {}\n{}",
            check.stderr,
            env.read(".mcp.json")
        );
        sync(&env, &["--client", client]).assert_code(0);
        assert_eq!(&std::fs::read_to_string(&path).unwrap(), text, "{client}");
    }
}

#[test]
fn check_catches_a_hand_edit_and_writes_nothing() {
    let env = TestEnv::new();
    env.write(".mcp.json", MCP_JSON);
    sync(&env, &["--client", "codex", "--client", "cursor"]).assert_code(0);
    sync(&env, &["--check"]).assert_code(0);

    let edited = env
        .read(".cursor/mcp.json")
        .replace("server-memory", "server-memory@1");
    env.write(".cursor/mcp.json", &edited);
    let run = sync(&env, &["--check"]);
    run.assert_code(1);
    insta::assert_snapshot!(run.stderr, @r"
    warning: `cursor` has no per-tool switch: the disabled tools of `github` are hidden only through `aimcp mcp serve` (`aimcp mcp sync --via-gateway`)
    `.cursor/mcp.json` (cursor) differs from `.mcp.json`
    `.codex/config.toml` (codex) is up to date
    error: `.cursor/mcp.json` differs from `.mcp.json`
    hint: run `aimcp mcp sync` and commit the result
    ");
    assert_eq!(env.read(".cursor/mcp.json"), edited);

    // A change in `.mcp.json` is drift in every client's file.
    env.write(
        ".mcp.json",
        &MCP_JSON.replace("./memory.json", "./other.json"),
    );
    let run = sync(&env, &["--check", "--json"]);
    run.assert_code(1);
    let doc = run.json();
    let changed: Vec<&str> = doc["clients"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["changed"] == true)
        .map(|c| c["client"].as_str().unwrap())
        .collect();
    assert_eq!(changed, ["cursor", "codex"]);
    sync(&env, &[]).assert_code(0);
    sync(&env, &["--check"]).assert_code(0);
}

#[test]
fn no_secret_literal_is_written_into_any_client_file() {
    let env = TestEnv::new();
    env.write(
        ".mcp.json",
        r#"{"mcpServers": {
          "leaky": {"command": "srv", "env": {"API_KEY": "sk-live-0123456789", "MODE": "fast"}},
          "remote": {"type": "http", "url": "https://example.com/mcp", "headers": {"Authorization": "Bearer tok-literal-42"}}
        }}"#,
    );
    let run = sync(&env, ALL);
    run.assert_code(0);
    let files = [
        env.path(".cursor/mcp.json"),
        env.path(".vscode/mcp.json"),
        env.path(".codex/config.toml"),
        env.path(".gemini/settings.json"),
        env.home.join(".codeium/windsurf/mcp_config.json"),
        env.home.join(".config/Claude/claude_desktop_config.json"),
    ];
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        assert!(!text.contains("sk-live"), "{}:\n{text}", f.display());
        assert!(!text.contains("tok-literal"), "{}:\n{text}", f.display());
        assert!(
            text.contains("fast"),
            "the plain value is kept: {}",
            f.display()
        );
    }
    assert!(!run.stderr.contains("sk-live") && !run.stderr.contains("tok-literal"));
    assert!(
        run.stderr
            .contains("env `API_KEY` of `leaky` is a literal secret and is never written"),
        "{}",
        run.stderr
    );
}

#[test]
fn literal_secrets_in_arguments_and_urls_go_to_dotenv_and_never_into_a_client_file() {
    // import: `--token ghp_...` in args and `?api_key=` in a URL are moved to `.env`.
    let env = TestEnv::new();
    let token = "ghp_0123456789abcdefghijklmnopqrstuvwxyz";
    env.write(
        ".cursor/mcp.json",
        &format!(
            r#"{{"mcpServers": {{"gh": {{"command": "npx", "args": ["-y", "gh-mcp", "--token", "{token}"]}},
              "web": {{"url": "https://example.com/mcp?api_key=k-s3cret-value&region=eu"}}}}}}"#
        ),
    );
    let run = env.run(&["mcp", "import", "--from", "cursor", "--yes"]);
    run.assert_code(0);
    let mcp = env.read(".mcp.json");
    assert!(
        !mcp.contains(token) && !mcp.contains("k-s3cret-value"),
        "{mcp}"
    );
    assert!(mcp.contains("\"${GH_TOKEN}\""), "{mcp}");
    assert!(mcp.contains("api_key=${WEB_API_KEY}&region=eu"), "{mcp}");
    let dotenv = env.read(".env");
    assert!(dotenv.contains(&format!("GH_TOKEN={token}")), "{dotenv}");
    assert!(dotenv.contains("WEB_API_KEY=k-s3cret-value"), "{dotenv}");
    assert!(!run.stderr.contains(token) && !run.stdout.contains(token));

    // add: the same for a typed command line.
    let run = env.run(&[
        "mcp",
        "add",
        "slack",
        "--",
        "slack-mcp",
        "--api-key=xoxb-1234567890-abcdefghij",
    ]);
    run.assert_code(0);
    let mcp = env.read(".mcp.json");
    assert!(!mcp.contains("xoxb-"), "{mcp}");
    assert!(mcp.contains("--api-key=${SLACK_API_KEY}"), "{mcp}");
    assert!(
        env.read(".env")
            .contains("SLACK_API_KEY=xoxb-1234567890-abcdefghij")
    );

    // sync: a literal left in `.mcp.json` by hand is never copied into a client file.
    let env = TestEnv::new();
    env.write(
        ".mcp.json",
        &format!(
            r#"{{"mcpServers": {{"gh": {{"command": "npx", "args": ["--token", "{token}"]}},
              "web": {{"type": "http", "url": "https://example.com/mcp?token=abcdef123456"}},
              "ok": {{"command": "srv"}}}}}}"#
        ),
    );
    let run = sync(&env, ALL);
    run.assert_code(0);
    for f in [
        env.path(".cursor/mcp.json"),
        env.path(".vscode/mcp.json"),
        env.path(".codex/config.toml"),
        env.path(".gemini/settings.json"),
        env.home.join(".codeium/windsurf/mcp_config.json"),
        env.home.join(".config/Claude/claude_desktop_config.json"),
    ] {
        let text = std::fs::read_to_string(&f).unwrap();
        assert!(
            !text.contains(token) && !text.contains("abcdef123456"),
            "{}:\n{text}",
            f.display()
        );
        assert!(text.contains("srv"), "{}", f.display());
    }
    assert!(!run.stderr.contains(token), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("server `gh` is not written: its argument `token` holds a literal secret"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("server `web` is not written: its URL parameter `token`"),
        "{}",
        run.stderr
    );
}

#[test]
fn list_and_get_never_show_a_literal_secret_of_an_argument_or_url() {
    let env = TestEnv::new();
    let token = "ghp_0123456789abcdefghijklmnopqrstuvwxyz";
    env.write(
        ".mcp.json",
        &format!(
            r#"{{"mcpServers": {{"gh": {{"command": "npx", "args": ["gh-mcp", "--token", "q8Zk2LxP0vR7mN4t", "{token}", "--api-key=k-s3cret-arg"]}},
              "web": {{"type": "http", "url": "https://example.com/mcp?api_key=k-s3cret-url&region=eu"}}}}}}"#
        ),
    );
    let secrets = ["q8Zk2LxP0vR7mN4t", token, "k-s3cret-arg", "k-s3cret-url"];
    for args in [
        &["mcp", "list", "--json"][..],
        &["mcp", "list"],
        &["mcp", "get", "gh"],
        &["mcp", "get", "gh", "--json"],
        &["mcp", "get", "web"],
        &["mcp", "get", "web", "--json"],
    ] {
        let run = env.run(args);
        run.assert_code(0);
        for s in secrets {
            assert!(
                !run.stdout.contains(s) && !run.stderr.contains(s),
                "{args:?} shows {s}:\n{}{}",
                run.stdout,
                run.stderr
            );
        }
    }
    let run = env.run(&["mcp", "get", "gh", "--json"]);
    let v: serde_json::Value = json_of(&run.stdout);
    assert_eq!(
        v["args"],
        serde_json::json!(["gh-mcp", "--token", "****", "****", "--api-key=****"])
    );
    let run = env.run(&["mcp", "get", "web"]);
    assert!(
        run.stdout
            .contains("https://example.com/mcp?api_key=****&region=eu"),
        "{}",
        run.stdout
    );
}

#[test]
fn ordinary_flags_named_like_secrets_stay_arguments_and_are_synced() {
    let env = TestEnv::new();
    let run = env.run(&[
        "mcp",
        "add",
        "files",
        "--",
        "srv",
        "--auth-mode",
        "oauth",
        "--no-auth",
        "/data",
        "-e",
        "AUTH_MODE=none",
    ]);
    run.assert_code(0);
    let mcp = env.read(".mcp.json");
    assert!(
        mcp.contains("\"oauth\"") && mcp.contains("\"/data\"") && mcp.contains("AUTH_MODE=none"),
        "{mcp}"
    );
    assert!(!env.path(".env").exists() || !env.read(".env").contains("oauth"));
    let run = sync(&env, &["--client", "cursor"]);
    run.assert_code(0);
    assert!(!run.stderr.contains("literal secret"), "{}", run.stderr);
    let cursor = env.read(".cursor/mcp.json");
    assert!(
        cursor.contains("\"files\"") && cursor.contains("\"oauth\""),
        "{cursor}"
    );
}

#[test]
fn a_server_skipped_for_a_literal_secret_is_taken_out_of_client_files() {
    let env = TestEnv::new();
    let token = "ghp_0123456789abcdefghijklmnopqrstuvwxyz";
    env.write(
        ".mcp.json",
        &format!(
            r#"{{"mcpServers": {{"gh": {{"command": "npx", "args": ["--token", "{token}"]}}, "ok": {{"command": "srv"}}}}}}"#
        ),
    );
    // An older sync copied the literal into cursor's file.
    env.write(
        ".cursor/mcp.json",
        &format!(
            r#"{{"mcpServers": {{"mine": {{"command": "x"}}, "ok": {{"command": "srv"}}, "gh": {{"command": "npx", "args": ["--token", "{token}"]}}}}}}"#
        ),
    );
    sync(&env, &["--check", "--client", "cursor"]).assert_code(1);
    let run = sync(&env, &["--client", "cursor"]);
    run.assert_code(0);
    let cursor = env.read(".cursor/mcp.json");
    assert!(!cursor.contains(token), "{cursor}");
    let c: serde_json::Value = json_of(&cursor);
    assert!(c["mcpServers"].get("gh").is_none(), "{cursor}");
    assert!(c["mcpServers"].get("mine").is_some(), "{cursor}");
    sync(&env, &["--check", "--client", "cursor"]).assert_code(0);
}

#[test]
fn via_gateway_writes_the_one_serve_entry_and_plain_sync_takes_it_out() {
    let env = TestEnv::new();
    env.write(".mcp.json", MCP_JSON);
    env.write(
        ".cursor/mcp.json",
        r#"{"mcpServers": {"mine": {"command": "x"}, "memory": {"command": "old"}}}"#,
    );
    sync(
        &env,
        &[
            "--via-gateway",
            "--client",
            "cursor",
            "--client",
            "windsurf",
        ],
    )
    .assert_code(0);
    let c: serde_json::Value = json_of(&env.read(".cursor/mcp.json"));
    assert_eq!(
        c,
        serde_json::json!({"mcpServers": {"mine": {"command": "x"},
            "aimcp": {"command": "aimcp", "args": ["mcp", "serve"]}}})
    );
    // A user file: the gateway is told where the project is.
    let w: serde_json::Value = json_of(
        &std::fs::read_to_string(env.home.join(".codeium/windsurf/mcp_config.json")).unwrap(),
    );
    assert_eq!(
        w["mcpServers"]["aimcp"]["args"],
        serde_json::json!(["mcp", "serve", "-C", env.project.display().to_string()])
    );
    assert_eq!(env.read(".mcp.json"), MCP_JSON);
    sync(&env, &["--via-gateway", "--check", "--client", "cursor"]).assert_code(0);
    sync(&env, &["--check", "--client", "cursor"]).assert_code(1);

    sync(&env, &["--client", "cursor"]).assert_code(0);
    let c: serde_json::Value = json_of(&env.read(".cursor/mcp.json"));
    let keys: Vec<&String> = c["mcpServers"].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["mine", "memory", "web", "github"]);
}

#[test]
fn without_client_files_claude_reads_mcp_json_itself() {
    let env = TestEnv::new();
    env.write(".mcp.json", MCP_JSON);
    let run = sync(&env, &[]);
    run.assert_code(0);
    insta::assert_snapshot!(run.stderr, @"claude reads `.mcp.json` itself: nothing to write");
    assert!(!env.exists(".cursor") && !env.exists(".codex"));
}

#[test]
fn a_malformed_client_file_is_exit_2_naming_file_and_line_and_left_alone() {
    let env = TestEnv::new();
    env.write(".mcp.json", MCP_JSON);
    let bad = "model = \"o3\"\n[mcp_servers.x\ncommand = 1\n";
    env.write(".codex/config.toml", bad);
    let run = sync(&env, &[]);
    run.assert_code(2);
    assert!(
        run.stderr.starts_with("error: `/")
            && run.stderr.contains(".codex/config.toml`:2: invalid TOML"),
        "{}",
        run.stderr
    );
    assert_eq!(env.read(".codex/config.toml"), bad);

    env.write(".codex/config.toml", "");
    env.write(".gemini/settings.json", "{\"mcpServers\": [1]}");
    let run = sync(&env, &["--client", "gemini"]);
    run.assert_code(2);
    assert!(
        run.stderr
            .contains(".gemini/settings.json`:1: `mcpServers`: expected an object of servers"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_bad_client_file_leaves_every_other_client_file_unwritten() {
    let env = TestEnv::new();
    env.write(".mcp.json", MCP_JSON);
    // Cursor comes before Gemini: before the fix its file was written, then Gemini failed.
    let cursor = "{\"mcpServers\": {}}\n";
    env.write(".cursor/mcp.json", cursor);
    let bad = "{\"mcpServers\": [1]}";
    env.write(".gemini/settings.json", bad);
    let run = sync(
        &env,
        &[
            "--client", "cursor", "--client", "codex", "--client", "gemini",
        ],
    );
    run.assert_code(2);
    assert_eq!(
        env.read(".cursor/mcp.json"),
        cursor,
        "an earlier file was written"
    );
    assert!(!env.exists(".codex"), "an earlier file was written");
    assert_eq!(env.read(".gemini/settings.json"), bad);
    // Once the file is fixed, every client is written.
    env.write(".gemini/settings.json", "{}");
    sync(
        &env,
        &[
            "--client", "cursor", "--client", "codex", "--client", "gemini",
        ],
    )
    .assert_code(0);
    assert_ne!(env.read(".cursor/mcp.json"), cursor);
    assert!(env.exists(".codex/config.toml"));
}

#[test]
fn vscode_jsonc_is_read_and_its_comments_are_never_dropped_silently() {
    let env = TestEnv::new();
    // VS Code writes and accepts comments and trailing commas: before the fix this was exit 2.
    let jsonc = r#"{
  // my servers
  "servers": {
    "fetch": {"type": "stdio", "command": "uvx", "args": ["mcp-server-fetch"],}, /* keep */
  },
}
"#;
    env.write(".vscode/mcp.json", jsonc);
    let run = env.run(&["mcp", "import", "--from", "vscode", "--yes"]);
    run.assert_code(0);
    assert!(env.read(".mcp.json").contains("mcp-server-fetch"));
    // Nothing to change: up to date, and the file stays as written.
    sync(&env, &["--check", "--client", "vscode"]).assert_code(0);
    sync(&env, &["--client", "vscode"]).assert_code(0);
    assert_eq!(env.read(".vscode/mcp.json"), jsonc);
    // A change would drop the comments: refused (exit 2), nothing written; `--check` says drift.
    env.run(&["mcp", "add", "time", "--", "uvx", "mcp-server-time"])
        .assert_code(0);
    sync(&env, &["--check", "--client", "vscode"]).assert_code(1);
    let run = sync(&env, &["--client", "vscode"]);
    run.assert_code(2);
    assert!(
        run.stderr
            .contains("has comments, which writing it would drop"),
        "{}",
        run.stderr
    );
    assert_eq!(env.read(".vscode/mcp.json"), jsonc);
    // Trailing commas alone are no reason to refuse.
    env.write(".vscode/mcp.json", "{\"servers\": {},}\n");
    sync(&env, &["--client", "vscode"]).assert_code(0);
    assert!(env.read(".vscode/mcp.json").contains("mcp-server-time"));
}

#[test]
fn vscode_inputs_and_workspace_folder_are_imported_as_mcp_json_understands_them() {
    let env = TestEnv::new();
    env.write(
        ".vscode/mcp.json",
        r#"{"inputs": [{"type": "promptString", "id": "github-token", "password": true}],
  "servers": {"gh": {"type": "stdio", "command": "npx", "args": ["-y", "gh-mcp", "--root", "${workspaceFolder}/src"],
    "env": {"GITHUB_TOKEN": "${input:github-token}"}}}}"#,
    );
    env.run(&["mcp", "import", "--from", "vscode", "--yes"])
        .assert_code(0);
    let mcp = env.read(".mcp.json");
    // Before the fix: `${workspaceFolder}` (unset for Claude Code) and `${input:github-token}`.
    assert!(
        !mcp.contains("workspaceFolder") && !mcp.contains("${input:"),
        "{mcp}"
    );
    assert!(mcp.contains("\"./src\""), "{mcp}");
    assert!(
        mcp.contains("\"GITHUB_TOKEN\": \"${GITHUB_TOKEN}\""),
        "{mcp}"
    );

    // The round trip: `import` then `sync` gives back the same file.
    let env = TestEnv::new();
    let vscode = r#"{
  "servers": {
    "fs": {
      "type": "stdio",
      "command": "npx",
      "args": ["-y", "fs-mcp", "${workspaceFolder}/src", "${workspaceFolder}"]
    }
  }
}
"#;
    env.write(".vscode/mcp.json", vscode);
    env.run(&["mcp", "import", "--from", "vscode", "--yes"])
        .assert_code(0);
    let run = sync(&env, &["--check", "--client", "vscode"]);
    run.assert_code(0);
    sync(&env, &["--client", "vscode"]).assert_code(0);
    let v: serde_json::Value = json_of(&env.read(".vscode/mcp.json"));
    assert_eq!(
        v["servers"]["fs"]["args"],
        serde_json::json!([
            "-y",
            "fs-mcp",
            "${workspaceFolder}/src",
            "${workspaceFolder}"
        ])
    );
}

/// VS Code's `inputs` (values it prompts for): `import` reads `${input:ID}` as the variable
/// `${ID}` (no value anywhere), and `sync` writes `${input:ID}` back while the file declares the
/// input, so `import` then `sync` gives back the same file, also after another server is added.
#[test]
fn vscode_inputs_survive_import_then_sync() {
    let env = TestEnv::new();
    let vscode = "{\n  \"inputs\": [\n    {\n      \"type\": \"promptString\",\n      \"id\": \"github-token\",\n      \"description\": \"GitHub token\",\n      \"password\": true\n    }\n  ],\n  \"servers\": {\n    \"gh\": {\n      \"type\": \"stdio\",\n      \"command\": \"npx\",\n      \"args\": [\n        \"-y\",\n        \"gh-mcp\"\n      ],\n      \"env\": {\n        \"GITHUB_TOKEN\": \"${input:github-token}\"\n      }\n    },\n    \"api\": {\n      \"type\": \"http\",\n      \"url\": \"https://example.com/mcp\",\n      \"headers\": {\n        \"Authorization\": \"Bearer ${input:github-token}\"\n      }\n    }\n  }\n}\n";
    env.write(".vscode/mcp.json", vscode);
    env.run(&["mcp", "import", "--from", "vscode", "--yes"])
        .assert_code(0);
    let mcp = env.read(".mcp.json");
    assert!(!mcp.contains("input:"), "{mcp}");
    assert!(
        mcp.contains("\"GITHUB_TOKEN\": \"${GITHUB_TOKEN}\""),
        "{mcp}"
    );
    assert!(mcp.contains("\"Bearer ${GITHUB_TOKEN}\""), "{mcp}");
    // An input has no value to move: no `.env`.
    assert!(!env.exists(".env"));

    let check = sync(&env, &["--check", "--client", "vscode"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    sync(&env, &["--client", "vscode"]).assert_code(0);
    assert_eq!(env.read(".vscode/mcp.json"), vscode);

    // A change to `.mcp.json` rewrites the file; the inputs and their references stay.
    env.run(&["mcp", "add", "time", "--", "uvx", "mcp-server-time"])
        .assert_code(0);
    sync(&env, &["--client", "vscode"]).assert_code(0);
    let v: serde_json::Value = json_of(&env.read(".vscode/mcp.json"));
    let before: serde_json::Value = json_of(vscode);
    assert_eq!(v["inputs"], before["inputs"]);
    assert_eq!(v["servers"]["gh"], before["servers"]["gh"]);
    assert_eq!(v["servers"]["api"], before["servers"]["api"]);
    assert_eq!(v["servers"]["time"]["command"], "uvx");
    let _: VscodeConfig = json_of(&env.read(".vscode/mcp.json"));

    // A client without inputs reads the variable from the environment.
    sync(&env, &["--client", "cursor"]).assert_code(0);
    let cursor = env.read(".cursor/mcp.json");
    assert!(
        cursor.contains("\"GITHUB_TOKEN\": \"${env:GITHUB_TOKEN}\""),
        "{cursor}"
    );
    assert!(!cursor.contains("input:"), "{cursor}");
}

// ---- enable / disable -----------------------------------------------------------------------

#[test]
fn disable_and_enable_a_server_and_its_tools() {
    let env = TestEnv::new();
    env.write(".mcp.json", MCP_JSON);
    env.write(
        ".mcp.tools.json",
        r#"{"github": {"tools": [{"name": "get_issue"}, {"name": "delete_repository"}, {"name": "delete_file"}, {"name": "merge_pull_request"}]}}"#,
    );
    env.run(&[
        "mcp",
        "disable",
        "github",
        "--tool",
        "delete_*",
        "--tool",
        "merge_pull_request",
    ])
    .assert_code(0);
    let v: serde_json::Value = json_of(&env.read(".mcp.json"));
    assert_eq!(
        v["mcpServers"]["github"]["disabledTools"],
        serde_json::json!(["delete_repository", "delete_file", "merge_pull_request"])
    );
    env.run(&["mcp", "enable", "github", "--tool", "delete_f*"])
        .assert_code(0);
    env.run(&["mcp", "disable", "memory"]).assert_code(0);
    let v: serde_json::Value = json_of(&env.read(".mcp.json"));
    assert_eq!(v["mcpServers"]["memory"]["enabled"], false);
    assert_eq!(
        v["mcpServers"]["github"]["disabledTools"],
        serde_json::json!(["delete_repository", "merge_pull_request"])
    );

    let list = env.run(&["mcp", "list"]);
    list.assert_code(0);
    insta::assert_snapshot!(list.stdout, @r"
    NAME    TRANSPORT  COMMAND / URL                                        ENABLED            TOOLS
    memory  stdio      npx -y @modelcontextprotocol/server-memory           no                     -
    web     http       https://example.com/mcp                              yes                    -
    github  stdio      docker run -i --rm ghcr.io/github/github-mcp-server  yes (2 tools off)      4
    ");
    let get = env.run(&["mcp", "get", "github"]);
    assert!(
        get.stdout
            .contains("tools off: delete_repository, merge_pull_request"),
        "{}",
        get.stdout
    );
    assert!(
        get.stdout.contains("    delete_repository (off)\n"),
        "{}",
        get.stdout
    );
    assert_eq!(
        env.run(&["--json", "mcp", "list"]).json()["servers"][2]["disabled_tools"],
        serde_json::json!(["delete_repository", "merge_pull_request"])
    );

    // Rendered into each client's own switch.
    sync(
        &env,
        &[
            "--client", "codex", "--client", "gemini", "--client", "cursor",
        ],
    )
    .assert_code(0);
    let c = codex(&env);
    assert_eq!(c.mcp_servers["memory"].enabled, Some(false));
    assert_eq!(
        c.mcp_servers["github"].disabled_tools.as_deref().unwrap(),
        ["delete_repository", "merge_pull_request"]
    );
    let g: GeminiSettings = json_of(&env.read(".gemini/settings.json"));
    assert!(!g.mcp_servers.contains_key("memory"));
    let cursor: PlainConfig = json_of(&env.read(".cursor/mcp.json"));
    assert!(!cursor.mcp_servers.contains_key("memory"));

    env.run(&["mcp", "enable", "memory"]).assert_code(0);
    sync(&env, &["--check"]).assert_code(1);
    sync(&env, &[]).assert_code(0);
    assert_eq!(codex(&env).mcp_servers["memory"].enabled, None);
}

#[test]
fn a_tool_pattern_needs_discovered_tools() {
    let env = TestEnv::new();
    env.write(".mcp.json", MCP_JSON);
    let run = env.run(&["mcp", "disable", "web", "--tool", "delete_*"]);
    run.assert_code(2);
    insta::assert_snapshot!(run.stderr, @r"
    error: `--tool delete_*` is a pattern, and the tools of `web` were never discovered
    hint: run `aimcp mcp discover web` first, or name the tools
    ");
    assert_eq!(env.read(".mcp.json"), MCP_JSON);
    env.run(&["mcp", "disable", "nope"]).assert_code(1);
}

// ---- import ---------------------------------------------------------------------------------

#[test]
fn import_then_sync_gives_back_the_same_file() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "cursor",
            ".cursor/mcp.json",
            "{\n  \"mcpServers\": {\n    \"memory\": {\n      \"command\": \"npx\",\n      \"args\": [\n        \"-y\",\n        \"@modelcontextprotocol/server-memory\"\n      ]\n    },\n    \"web\": {\n      \"url\": \"https://example.com/mcp\",\n      \"headers\": {\n        \"Authorization\": \"Bearer ${env:WEB_TOKEN}\"\n      }\n    }\n  }\n}\n",
        ),
        (
            "vscode",
            ".vscode/mcp.json",
            "{\n  \"servers\": {\n    \"memory\": {\n      \"type\": \"stdio\",\n      \"command\": \"npx\",\n      \"args\": [\n        \"-y\",\n        \"@modelcontextprotocol/server-memory\"\n      ],\n      \"env\": {\n        \"TOKEN\": \"${env:TOKEN}\"\n      }\n    }\n  }\n}\n",
        ),
        (
            "codex",
            ".codex/config.toml",
            "# mine\n[mcp_servers.memory]\ncommand = \"npx\"\nargs = [\"-y\", \"@modelcontextprotocol/server-memory\"]\nenv_vars = [\"MEMORY_FILE_PATH\"]\ndisabled_tools = [\"delete_entities\"]\n\n[mcp_servers.web]\nurl = \"https://example.com/mcp\"\nbearer_token_env_var = \"WEB_TOKEN\"\nenabled = false\n",
        ),
        (
            "gemini",
            ".gemini/settings.json",
            "{\n  \"mcpServers\": {\n    \"web\": {\n      \"httpUrl\": \"https://example.com/mcp\",\n      \"headers\": {\n        \"X-Api-Key\": \"${KEY}\"\n      },\n      \"excludeTools\": [\n        \"drop\"\n      ]\n    }\n  }\n}\n",
        ),
    ];
    for (client, file, text) in cases {
        let env = TestEnv::new();
        env.write(file, text);
        let run = env.run(&["mcp", "import", "--from", client, "--yes"]);
        run.assert_code(0);
        assert!(env.exists(".mcp.json"), "{client}");
        let check = sync(&env, &["--check", "--client", client]);
        assert_eq!(
            check.code,
            0,
            "{client}: {}\n{}",
            check.stderr,
            env.read(".mcp.json")
        );
        sync(&env, &["--client", client]).assert_code(0);
        assert_eq!(&env.read(file), text, "{client}");
    }
}

#[test]
fn import_moves_literal_secrets_to_dotenv_and_shows_the_plan_first() {
    let env = TestEnv::new();
    env.write(
        ".cursor/mcp.json",
        r#"{"mcpServers": {"brave": {"command": "npx", "args": ["-y", "brave-search"], "env": {"BRAVE_API_KEY": "BSA-secret-1"}}}}"#,
    );
    // Without a terminal and without --yes, nothing is written.
    let run = env.run(&["mcp", "import", "--from", "cursor"]);
    run.assert_code(2);
    assert!(!env.exists(".mcp.json") && !env.exists(".env"));
    insta::assert_snapshot!(run.stderr.replace(&env.project.display().to_string(), "[P]"), @r"
    from `[P]/.cursor/mcp.json` (cursor):
      + brave (stdio): npx -y brave-search
      the literal of env `BRAVE_API_KEY` goes to `.env` as `BRAVE_API_KEY`
    error: not writing brave to `[P]/.mcp.json` without confirmation
    hint: pass `--yes` to import without a prompt
    ");

    let run = env.run(&["mcp", "import", "--from", "cursor", "--yes"]);
    run.assert_code(0);
    assert!(!run.stderr.contains("BSA-secret"));
    let mcp = env.read(".mcp.json");
    assert!(!mcp.contains("BSA-secret"), "{mcp}");
    assert!(
        mcp.contains("\"BRAVE_API_KEY\": \"${BRAVE_API_KEY}\""),
        "{mcp}"
    );
    assert!(env.read(".env").contains("BRAVE_API_KEY=BSA-secret-1"));
    // A second import finds it there already.
    let again = env.run(&["mcp", "import", "--from", "cursor", "--yes"]);
    again.assert_code(0);
    assert!(
        again.stderr.contains("nothing to import"),
        "{}",
        again.stderr
    );
    env.run(&["mcp", "import", "--from", "gemini", "--yes"])
        .assert_code(1);
}

// ---- Claude Code reads what aimcp writes ----------------------------------------------------

/// The pinned Claude Code from npm, installed once under `target/test-servers/claude-code`.
const CLAUDE_CODE: &str = "@anthropic-ai/claude-code@2.1.332";

fn claude() -> &'static PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let dir = servers::dir().join("claude-code");
        std::fs::create_dir_all(&dir).unwrap();
        let lock = File::create(dir.join(".lock")).unwrap();
        lock.lock().unwrap();
        let bin = dir.join("node_modules/.bin/claude");
        let stamp = dir.join(".installed");
        if std::fs::read_to_string(&stamp).ok().as_deref() != Some(CLAUDE_CODE) || !bin.exists() {
            let out = Command::new("npm")
                .args(["install", "--no-audit", "--no-fund", "--prefix"])
                .arg(&dir)
                .arg(CLAUDE_CODE)
                .stdin(Stdio::null())
                .output()
                .expect("npm");
            assert!(
                out.status.success(),
                "npm install {CLAUDE_CODE}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            std::fs::write(&stamp, CLAUDE_CODE).unwrap();
        }
        bin
    })
}

#[test]
fn claude_code_reads_mcp_json_with_the_switches() {
    let env = TestEnv::new();
    env.write(".mcp.json", MCP_JSON);
    env.run(&["mcp", "disable", "memory"]).assert_code(0);
    env.run(&["mcp", "disable", "github", "--tool", "merge_pull_request"])
        .assert_code(0);
    for name in ["memory", "github"] {
        let out = Command::new(claude())
            .args(["mcp", "get", name])
            .current_dir(&env.project)
            .env("HOME", &env.home)
            .env("NO_COLOR", "1")
            .env_remove("CLAUDE_CONFIG_DIR")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "claude mcp get {name}: {stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(stdout.contains("Project config"), "{stdout}");
        assert!(stdout.contains("Type: stdio"), "{stdout}");
    }
}

#[test]
fn add_points_at_sync_when_the_project_uses_other_clients() {
    let env = TestEnv::new();
    env.write(".cursor/mcp.json", "{\"mcpServers\": {}}\n");
    env.write(".codex/config.toml", "");
    let run = env.run(&["mcp", "add", "time", "--", "uvx", "mcp-server-time"]);
    run.assert_code(0);
    assert!(
        run.stderr.contains(
            "hint: run `aimcp mcp sync` to write it into `.cursor/mcp.json` and `.codex/config.toml` too"
        ),
        "{}",
        run.stderr
    );
    // Without a terminal nothing is written into the clients' files.
    assert_eq!(env.read(".cursor/mcp.json"), "{\"mcpServers\": {}}\n");
    assert_eq!(env.read(".codex/config.toml"), "");
    // With `--json`, the files `aimcp mcp sync` would change are named; still nothing written.
    let doc = env
        .run(&[
            "--json",
            "mcp",
            "add",
            "fetch",
            "--",
            "uvx",
            "mcp-server-fetch",
        ])
        .assert_code(0)
        .json();
    let would: Vec<String> = doc["would_sync"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_string())
        .collect();
    assert_eq!(would.len(), 2, "{doc}");
    assert!(would[0].ends_with(".cursor/mcp.json"), "{doc}");
    assert!(would[1].ends_with(".codex/config.toml"), "{doc}");
    assert_eq!(env.read(".cursor/mcp.json"), "{\"mcpServers\": {}}\n");
    // Once synced, the hint is not repeated for a file already up to date.
    sync(&env, &[]).assert_code(0);
    let run = env.run(&[
        "mcp",
        "add",
        "--force",
        "time",
        "--",
        "uvx",
        "mcp-server-time",
    ]);
    assert!(!run.stderr.contains("mcp sync"), "{}", run.stderr);

    let alone = TestEnv::new();
    let run = alone.run(&["mcp", "add", "time", "--", "uvx", "mcp-server-time"]);
    assert!(!run.stderr.contains("mcp sync"), "{}", run.stderr);
}

/// Two servers whose secrets would be stored under one name, or a name `.env` already holds with
/// another value: `import` stops before writing anything, so no server silently runs with
/// another's token and no earlier value is lost.
#[test]
fn import_refuses_secrets_that_would_overwrite_each_other() {
    let env = TestEnv::new();
    env.write(
        ".cursor/mcp.json",
        r#"{"mcpServers": {
            "gh1": {"command": "gh-mcp", "env": {"GITHUB_TOKEN": "ghp_AAAA1111aaaa2222bbbb"}},
            "gh2": {"command": "gh-mcp", "env": {"GITHUB_TOKEN": "ghp_BBBB3333cccc4444dddd"}}
        }}"#,
    );
    let run = env.run(&["mcp", "import", "--from", "cursor", "--yes"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("`GITHUB_TOKEN`"), "{}", run.stderr);
    assert!(!env.exists(".mcp.json") && !env.exists(".env"));
    assert!(!run.stderr.contains("ghp_") && !run.stdout.contains("ghp_"));

    env.write(
        ".cursor/mcp.json",
        r#"{"mcpServers": {"gh1": {"command": "gh-mcp", "env": {"GITHUB_TOKEN": "ghp_AAAA1111aaaa2222bbbb"}}}}"#,
    );
    env.write(".env", "GITHUB_TOKEN=ghp_ORIGINAL000000000000\n");
    let run = env.run(&["mcp", "import", "--from", "cursor", "--yes"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(env.read(".env"), "GITHUB_TOKEN=ghp_ORIGINAL000000000000\n");
    assert!(!env.exists(".mcp.json"));
}

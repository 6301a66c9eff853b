//! `aimcp mcp catalog` and `aimcp mcp setup` without a terminal.

use crate::common::TestEnv;

#[test]
fn catalog_lists_every_entry_as_text_and_json() {
    let env = TestEnv::new();
    let run = env.run(&["mcp", "catalog"]);
    run.assert_code(0);
    for id in [
        "sequential-thinking",
        "github",
        "brave-search",
        "filesystem",
        "git",
    ] {
        assert!(run.stdout.contains(id), "{id} missing:\n{}", run.stdout);
    }
    let doc = env.run(&["mcp", "catalog", "--json"]).assert_code(0).json();
    let entries = doc["entries"].as_array().unwrap();
    let github = entries.iter().find(|e| e["id"] == "github").unwrap();
    let variants: Vec<&str> = github["variants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap())
        .collect();
    assert_eq!(variants, ["remote", "remote-oauth", "docker"]);
    // Each variant says how it signs in; the hosted servers of the catalog sign in with OAuth.
    let auth = |entry: &serde_json::Value, variant: &str| {
        entry["variants"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["id"] == variant)
            .map(|v| v["auth"].clone())
            .unwrap()
    };
    assert_eq!(auth(github, "remote"), "pat");
    assert_eq!(auth(github, "remote-oauth"), "oauth");
    assert_eq!(auth(github, "docker"), "none");
    for (id, url) in [
        ("linear", "https://mcp.linear.app/mcp"),
        ("notion", "https://mcp.notion.com/mcp"),
        ("sentry", "https://mcp.sentry.dev/mcp"),
        ("atlassian", "https://mcp.atlassian.com/v1/mcp"),
        ("stripe", "https://mcp.stripe.com"),
    ] {
        let e = entries.iter().find(|e| e["id"] == id).unwrap();
        assert_eq!(e["variants"][0]["url"], url, "{id}");
        assert_eq!(auth(e, "remote"), "oauth", "{id}");
        let line = run.stdout.lines().find(|l| l.contains(id)).unwrap();
        assert!(line.contains("oauth"), "{line}");
    }
    let line = run.stdout.lines().find(|l| l.contains("github")).unwrap();
    assert!(line.contains("pat | oauth | none"), "{line}");
    assert!(run.stdout.contains("SIGN-IN"), "{}", run.stdout);
    assert!(
        !doc.to_string()
            .contains("@modelcontextprotocol/server-github\"")
    );
}

#[test]
fn a_user_catalog_adds_entries_and_a_broken_one_is_reported() {
    let env = TestEnv::new();
    let dir = env.home.join(".config/aimcp");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("catalog.json"),
        r#"{"entries":[{"id":"internal","name":"Internal","description":"our own server",
            "variants":[{"id":"remote","description":"d","runner":"remote","url":"https://mcp.internal.test/"}]}]}"#,
    )
    .unwrap();
    let run = env.run(&["mcp", "catalog"]);
    run.assert_code(0);
    assert!(run.stdout.contains("internal") && run.stdout.contains("our own server"));
    assert!(run.stdout.contains("sequential-thinking"));

    std::fs::write(dir.join("catalog.json"), "{\"entries\": [\n  {\"id\": 1}]}").unwrap();
    let run = env.run(&["mcp", "catalog"]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("catalog.json") && run.stderr.contains("line 2"),
        "{}",
        run.stderr
    );
}

/// `git init` in the project, so `.env` must land in `.gitignore`.
fn git_init(env: &TestEnv) {
    let ok = std::process::Command::new("git")
        .args(["init", "-q"])
        .current_dir(&env.project)
        .env("HOME", &env.home)
        .status()
        .unwrap()
        .success();
    assert!(ok, "git init failed");
}

fn servers(env: &TestEnv) -> serde_json::Value {
    let doc: serde_json::Value = serde_json::from_str(&env.read(".mcp.json")).unwrap();
    doc["mcpServers"].clone()
}

#[test]
fn sequential_thinking_installs_and_pins_without_a_terminal() {
    let env = TestEnv::new();
    let _lock = crate::common::setup::install_lock();
    let run = env.run_setup(&[
        "mcp",
        "setup",
        "sequential-thinking",
        "--yes",
        "--no-test",
        "--no-discover",
    ]);
    run.assert_code(0);
    let server = &servers(&env)["sequential-thinking"];
    assert_eq!(server["type"], "stdio");
    assert_eq!(server["command"], "npx");
    let spec = server["args"][1].as_str().unwrap();
    let version = spec
        .strip_prefix("@modelcontextprotocol/server-sequential-thinking@")
        .unwrap_or_else(|| panic!("not pinned: {spec}"));
    assert!(
        version.chars().next().is_some_and(|c| c.is_ascii_digit()),
        "{version}"
    );
    assert_eq!(server["args"][0], "-y");
    assert!(run.stderr.contains("(pinned)"), "{}", run.stderr);

    // The package is in npx's cache: it starts with the network switched off.
    // (`timeout`: the server ends at the end of its stdin, but a hang must not hang the tests.)
    let out = std::process::Command::new("timeout")
        .args(["120", "npx", "-y", "--offline", spec])
        .env("npm_config_cache", crate::common::setup::npm_cache())
        .env("HOME", &env.home)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("Sequential Thinking MCP Server running on stdio"),
        "{stderr}"
    );
}

#[test]
fn sequential_thinking_installs_tests_and_discovers_without_a_terminal() {
    let env = TestEnv::new();
    let _lock = crate::common::setup::install_lock();
    let run = env.run_setup(&["mcp", "setup", "sequential-thinking", "--yes"]);
    run.assert_code(0);
    assert!(servers(&env)["sequential-thinking"].is_object());
    // Setup's own summary on stderr, not the tables of `mcp test` and `mcp discover` on stdout.
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr
            .contains("tested `sequential-thinking`: it answers, with 1 tool ("),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("wrote 1 tool of `sequential-thinking` (about "),
        "{}",
        run.stderr
    );
    let tools: serde_json::Value = serde_json::from_str(&env.read(".mcp.tools.json")).unwrap();
    let names: Vec<&str> = tools["sequential-thinking"]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["sequentialthinking"]);
}

#[test]
fn brave_search_keeps_its_key_in_a_private_dotenv() {
    let env = TestEnv::new();
    git_init(&env);
    let key = "BSAdummy0123456789key";
    let _lock = crate::common::setup::install_lock();
    let run = env.run_setup(&[
        "mcp",
        "setup",
        "brave-search",
        "--env",
        &format!("BRAVE_API_KEY={key}"),
        "--yes",
        "--no-test",
        "--no-discover",
    ]);
    run.assert_code(0);
    let config = env.read(".mcp.json");
    assert!(!config.contains(key));
    let server = &servers(&env)["brave-search"];
    assert_eq!(server["env"]["BRAVE_API_KEY"], "${BRAVE_API_KEY}");
    let args: Vec<&str> = server["args"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert!(
        args[1].starts_with("@brave/brave-search-mcp-server@"),
        "{args:?}"
    );
    assert_eq!(&args[2..], ["--transport", "stdio"]);

    assert_eq!(env.read(".env"), format!("BRAVE_API_KEY={key}\n"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(env.path(".env"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    assert!(env.read(".gitignore").lines().any(|l| l == ".env"));
    assert!(!run.stdout.contains(key) && !run.stderr.contains(key));

    // Again, with `--json`: one document, still no key anywhere but `.env`.
    let run = env.run_setup(&[
        "mcp",
        "setup",
        "brave-search",
        "--env",
        &format!("BRAVE_API_KEY={key}"),
        "--yes",
        "--no-install",
        "--no-test",
        "--no-discover",
        "--json",
    ]);
    run.assert_code(0);
    let doc = run.json();
    assert_eq!(doc["server"]["env"]["BRAVE_API_KEY"], "${BRAVE_API_KEY}");
    assert_eq!(doc["replaced"], true);
    assert!(!run.stdout.contains(key) && !run.stderr.contains(key));
    assert_eq!(
        env.read(".gitignore")
            .lines()
            .filter(|l| *l == ".env")
            .count(),
        1
    );
}

#[test]
fn without_a_terminal_a_missing_secret_names_its_flag() {
    let env = TestEnv::new();
    for extra in [&[][..], &["--no-input"][..]] {
        let mut args = vec!["mcp", "setup", "brave-search", "--no-test"];
        args.extend_from_slice(extra);
        let run = env.run_setup(&args);
        run.assert_code(2);
        assert!(
            run.stderr.contains("--env BRAVE_API_KEY="),
            "{}",
            run.stderr
        );
    }
    // CI=true as well, even with stdin and stderr taken from a real process.
    let out = env
        .setup_cmd()
        .env("CI", "true")
        .args(["mcp", "setup", "github", "--yes"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--env GITHUB_PERSONAL_ACCESS_TOKEN="));
    let run = env.run_setup(&["mcp", "setup"]);
    run.assert_code(2);
    assert!(run.stderr.contains("aimcp mcp catalog"), "{}", run.stderr);
    let run = env.run_setup(&["mcp", "setup", "sequential-thinkin"]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("did you mean `sequential-thinking`?"),
        "{}",
        run.stderr
    );
    assert!(!env.exists(".mcp.json") && !env.exists(".env"));
}

#[test]
fn github_remote_is_written_from_flags_alone() {
    let env = TestEnv::new();
    let token = "ghp_dummyDummyDummy123";
    let run = env.run_setup(&[
        "mcp",
        "setup",
        "github",
        "--env",
        &format!("GITHUB_PERSONAL_ACCESS_TOKEN={token}"),
        "--env",
        "GITHUB_TOOLSETS=repos,issues",
        "--yes",
        "--no-test",
        "--no-discover",
    ]);
    run.assert_code(0);
    let server = &servers(&env)["github"];
    assert_eq!(server["type"], "http");
    assert_eq!(server["url"], "https://api.githubcopilot.com/mcp/");
    assert_eq!(
        server["headers"]["Authorization"],
        "Bearer ${GITHUB_PERSONAL_ACCESS_TOKEN}"
    );
    assert_eq!(server["headers"]["X-MCP-Toolsets"], "repos,issues");
    assert!(server["headers"].get("X-MCP-Readonly").is_none());
    assert!(!env.read(".mcp.json").contains(token));
    assert!(!run.stdout.contains(token) && !run.stderr.contains(token));
    // Not a git repository: no `.gitignore` is made.
    assert!(!env.exists(".gitignore"));
}

#[test]
fn a_tracked_dotenv_is_refused() {
    let env = TestEnv::new();
    git_init(&env);
    env.write(".env", "OTHER=1\n");
    let ok = std::process::Command::new("git")
        .args(["add", ".env"])
        .current_dir(&env.project)
        .status()
        .unwrap()
        .success();
    assert!(ok);
    let run = env.run_setup(&[
        "mcp",
        "setup",
        "brave-search",
        "--env",
        "BRAVE_API_KEY=secret-value-1",
        "--no-install",
        "--no-test",
    ]);
    run.assert_code(1);
    assert!(run.stderr.contains("tracked by git"), "{}", run.stderr);
    assert!(
        run.stderr.contains("git rm --cached .env"),
        "{}",
        run.stderr
    );
    assert_eq!(env.read(".env"), "OTHER=1\n");
    assert!(!env.exists(".mcp.json"));
    assert!(!run.stderr.contains("secret-value-1"));
}

#[test]
fn a_failed_install_leaves_the_file_as_it_was() {
    let env = TestEnv::new();
    env.write(".mcp.json", "{\n  \"mcpServers\": {}\n}\n");
    let dir = env.home.join(".config/aimcp");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("catalog.json"),
        r#"{"entries":[{"id":"ghost","name":"Ghost","description":"a package that does not exist",
            "variants":[{"id":"npx","description":"d","runner":"npm","package":"@aimcp-test/no-such-package-4f1c9"}]}]}"#,
    )
    .unwrap();
    let run = env.run_setup(&["mcp", "setup", "ghost", "--yes"]);
    run.assert_code(1);
    assert!(
        run.stderr.contains("cannot install `ghost`"),
        "{}",
        run.stderr
    );
    assert_eq!(env.read(".mcp.json"), "{\n  \"mcpServers\": {}\n}\n");
}

#[test]
fn archived_packages_are_flagged_by_list_and_setup() {
    let env = TestEnv::new();
    env.write(
        ".mcp.json",
        r#"{"mcpServers": {
  "gh": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-github"],
         "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "${GITHUB_PERSONAL_ACCESS_TOKEN}"}},
  "brave": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-brave-search@0.6.2"]},
  "fine": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-memory"]}
}}
"#,
    );
    let run = env.run(&["mcp", "list"]);
    run.assert_code(0);
    let warnings: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("warning:"))
        .collect();
    assert_eq!(warnings.len(), 2, "{}", run.stderr);
    assert!(warnings[0].contains("`gh`") && warnings[0].contains("aimcp mcp setup github"));
    assert!(
        warnings[1].contains("`brave`") && warnings[1].contains("aimcp mcp setup brave-search")
    );
    let run = env.run(&["mcp", "list", "--json"]);
    run.assert_code(0);
    run.json();
    assert!(run.stderr.contains("warning: server `gh`"));

    let run = env.run_setup(&["mcp", "setup", "time", "--yes", "--no-install", "--no-test"]);
    assert!(
        run.stderr
            .contains("server `gh` runs `@modelcontextprotocol/server-github`"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_failed_test_keeps_the_entry_and_says_how_to_retry() {
    let env = TestEnv::new();
    let dir = env.home.join(".config/aimcp");
    std::fs::create_dir_all(&dir).unwrap();
    // Nothing listens on the discard port: the connection is refused at once.
    std::fs::write(
        dir.join("catalog.json"),
        r#"{"entries":[{"id":"down","name":"Down","description":"a server that is not there",
            "settings":[{"name":"DOWN_TOKEN","prompt":"Token","secret":true,"required":true}],
            "variants":[{"id":"remote","description":"d","runner":"remote","transport":"http",
                         "url":"http://127.0.0.1:9/mcp","headers":{"Authorization":"Bearer {{DOWN_TOKEN}}"}}]}]}"#,
    )
    .unwrap();
    let run = env.run_setup(&[
        "mcp",
        "setup",
        "down",
        "--env",
        "DOWN_TOKEN=tok-5ecret",
        "--yes",
    ]);
    run.assert_code(1);
    assert!(run.stderr.contains("failed its test"), "{}", run.stderr);
    assert!(run.stderr.contains("aimcp mcp test down"), "{}", run.stderr);
    assert!(!run.stdout.contains("tok-5ecret") && !run.stderr.contains("tok-5ecret"));
    assert_eq!(
        servers(&env)["down"]["headers"]["Authorization"],
        "Bearer ${DOWN_TOKEN}"
    );
}

#[test]
fn time_from_pypi_runs_with_uvx_or_from_a_venv_aimcp_makes() {
    let env = TestEnv::new();
    let pip_cache = crate::common::repo_root()
        .join("target")
        .join("test-pip-cache");
    let out = env
        .setup_cmd()
        .env("PIP_CACHE_DIR", &pip_cache)
        .args([
            "mcp",
            "setup",
            "time",
            "--env",
            "LOCAL_TIMEZONE=Europe/Paris",
            "--yes",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let server = &servers(&env)["time"];
    let command = server["command"].as_str().unwrap();
    if command == "uvx" {
        assert_eq!(
            server["args"],
            serde_json::json!(["mcp-server-time", "--local-timezone", "Europe/Paris"])
        );
    } else {
        let venv = env
            .home
            .join(".local/share/aimcp/venvs/time/bin/mcp-server-time");
        assert_eq!(std::path::Path::new(command), venv);
        assert_eq!(
            server["args"],
            serde_json::json!(["--local-timezone", "Europe/Paris"])
        );
    }
    let tools: serde_json::Value = serde_json::from_str(&env.read(".mcp.tools.json")).unwrap();
    let names: Vec<&str> = tools["time"]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"get_current_time"), "{names:?}");
}

#[test]
fn a_failed_test_says_so_once_and_prints_no_table_of_its_own() {
    let env = TestEnv::new();
    let dir = env.home.join(".config/aimcp");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("catalog.json"),
        r#"{"entries":[{"id":"down","name":"Down","description":"a server that is not there",
            "settings":[{"name":"DOWN_TOKEN","prompt":"Token","secret":true,"required":true}],
            "variants":[{"id":"remote","description":"d","runner":"remote","transport":"http",
                         "url":"http://127.0.0.1:9/mcp","headers":{"Authorization":"Bearer {{DOWN_TOKEN}}"}}]}]}"#,
    )
    .unwrap();
    // Not stored: the test still gets the value (through the resolver, not our environment).
    let run = env.run_setup(&[
        "mcp",
        "setup",
        "down",
        "--env",
        "DOWN_TOKEN=tok-5ecret",
        "--yes",
        "--no-store-secrets",
    ]);
    run.assert_code(1);
    // The text after `cannot reach URL` is the OS's and the HTTP client's.
    let stderr: Vec<&str> = run
        .stderr
        .lines()
        .map(|l| match l.find("/mcp`: ") {
            Some(at) => &l[..at + 5],
            None => l,
        })
        .collect();
    insta::assert_snapshot!(stderr.join("\n"), @r"
    server `down` in `.mcp.json`:
      http     http://127.0.0.1:9/mcp
      header   Authorization: Bearer ${DOWN_TOKEN}
      secrets  DOWN_TOKEN -> not stored: export them before starting the server
      then     write the file, test it, discover its tools

    warning: `DOWN_TOKEN` is not stored: export it (or put it in `.env`) before using `down`
    added server `down` in `.mcp.json`
    error: server `down` was written to `.mcp.json` but failed its test at `initialize`: cannot reach `http://127.0.0.1:9/mcp`
    hint: check that the server is running and the URL is right
    hint: the entry is kept: fix the cause, then retry with `aimcp mcp test down`
    ");
    assert_eq!(run.stdout, "", "setup prints no table of `mcp test`'s");
    assert!(!env.exists(".env"));
}

#[test]
fn add_stores_a_secret_literal_in_dotenv_and_says_how_to_start_a_client() {
    let env = TestEnv::new();
    git_init(&env);
    let run = env.run(&[
        "mcp",
        "add",
        "tool",
        "--env",
        "MY_API_KEY=abc-secret",
        "--",
        "npx",
        "-y",
        "some-server",
    ]);
    run.assert_code(0);
    assert_eq!(servers(&env)["tool"]["env"]["MY_API_KEY"], "${MY_API_KEY}");
    assert!(!env.read(".mcp.json").contains("abc-secret"));
    assert_eq!(env.read(".env"), "MY_API_KEY=abc-secret\n");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(env.path(".env"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    assert_eq!(env.read(".gitignore"), ".env\n");
    assert!(!run.stderr.contains("abc-secret"), "{}", run.stderr);
    let stderr = run
        .stderr
        .replace(&env.project.display().to_string(), "[project]");
    insta::assert_snapshot!(stderr, @r"
    added stdio server `tool` to `[project]/.mcp.json`
    the value of env `MY_API_KEY` is stored in `.env` (mode 0600); `.mcp.json` reads `${MY_API_KEY}`
    added `.env` to `[project]/.gitignore`
    hint: aimcp run -- claude    start Claude Code with `MY_API_KEY` from `.env` (it does not read `.env` itself)
    hint: or export `MY_API_KEY` in your shell before starting an MCP client
    ");

    // A header literal: the part after the scheme is what `.env` gets.
    let run = env.run(&[
        "mcp",
        "add",
        "web",
        "--header",
        "Authorization: Bearer tok-123",
        "https://example.com/mcp",
    ]);
    run.assert_code(0);
    assert_eq!(
        servers(&env)["web"]["headers"]["Authorization"],
        "Bearer ${WEB_AUTHORIZATION}"
    );
    assert_eq!(
        env.read(".env"),
        "MY_API_KEY=abc-secret\nWEB_AUTHORIZATION=tok-123\n"
    );

    // Another value for a name `.env` already has: refused unless `--force`.
    let before = env.read(".mcp.json");
    let run = env.run(&[
        "mcp",
        "add",
        "tool2",
        "--env",
        "MY_API_KEY=other",
        "--",
        "x",
    ]);
    run.assert_code(1);
    assert!(run.stderr.contains("already set in"), "{}", run.stderr);
    assert_eq!(env.read(".mcp.json"), before);
}

#[test]
fn add_refuses_a_secret_when_dotenv_is_tracked() {
    let env = TestEnv::new();
    git_init(&env);
    env.write(".env", "OTHER=1\n");
    let ok = std::process::Command::new("git")
        .args(["add", ".env"])
        .current_dir(&env.project)
        .status()
        .unwrap()
        .success();
    assert!(ok);
    let run = env.run(&["mcp", "add", "tool", "--env", "MY_API_KEY=abc", "--", "x"]);
    run.assert_code(1);
    assert!(run.stderr.contains("is tracked by git"), "{}", run.stderr);
    assert!(run.stderr.contains("--env KEY='${KEY}'"), "{}", run.stderr);
    assert!(!env.exists(".mcp.json"));
    assert_eq!(env.read(".env"), "OTHER=1\n");
}

#[test]
fn setup_ends_with_aimcp_run_when_the_server_needs_dotenv() {
    let env = TestEnv::new();
    let run = env.run_setup(&[
        "mcp",
        "setup",
        "brave-search",
        "--env",
        "BRAVE_API_KEY=BSA-x",
        "--yes",
        "--no-install",
        "--no-test",
        "--no-discover",
    ]);
    run.assert_code(0);
    let tail: Vec<&str> = run.stderr.lines().rev().take(3).collect();
    assert_eq!(
        tail,
        [
            "  or export `BRAVE_API_KEY` in your shell before starting an MCP client",
            "  aimcp run -- claude    start Claude Code with `BRAVE_API_KEY` from `.env` (it does not read `.env` itself)",
            "  aimcp mcp test brave-search       check that it starts and answers",
        ],
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr
            .contains("start Claude Code (or another MCP client) in this folder")
    );

    // A server that needs nothing from `.env` keeps the plain line.
    let run = env.run_setup(&[
        "mcp",
        "setup",
        "sequential-thinking",
        "--yes",
        "--no-install",
        "--no-test",
        "--no-discover",
    ]);
    run.assert_code(0);
    assert!(
        run.stderr
            .trim_end()
            .ends_with("  start Claude Code (or another MCP client) in this folder to use it"),
        "{}",
        run.stderr
    );
}

#[test]
fn without_uvx_the_machine_specific_venv_path_is_a_warning() {
    let env = TestEnv::new();
    // The virtual environment a previous setup made (without uv on PATH).
    let exe = env
        .home
        .join(".local/share/aimcp/venvs/time/bin/mcp-server-time");
    std::fs::create_dir_all(exe.parent().unwrap()).unwrap();
    std::fs::write(&exe, "#!/bin/sh\n").unwrap();
    let empty_path = env.root.path().join("no-uv-bin");
    std::fs::create_dir_all(&empty_path).unwrap();
    let out = env
        .setup_cmd()
        .env("PATH", &empty_path)
        .args([
            "mcp",
            "setup",
            "time",
            "--env",
            "LOCAL_TIMEZONE=UTC",
            "--yes",
            "--no-install",
            "--no-test",
            "--no-discover",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).replace(&exe.display().to_string(), "[venv]");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(servers(&env)["time"]["command"], exe.display().to_string());
    assert!(
        stderr.contains(
            "warning: `.mcp.json` runs `time` from `[venv]`, a path that exists only on this \
             machine (uv is not installed)\n\
             hint: before committing `.mcp.json`, install uv"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "so the entry runs `uvx mcp-server-time`; or keep this entry out of the shared file"
        ),
        "{stderr}"
    );
}

//! `.mcp.json` editing and reading: round-trips, malformed input, locking, list/get/add/remove.

use std::path::Path;

use crate::common::{TestEnv, repo_root};

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

/// Each `tests/it/fixtures/roundtrip/<case>` has `in/` (copied into a project), `cmd` (the
/// arguments, one a line) and `out/` (the project's files afterwards).
#[test]
fn round_trip_fixtures() {
    let root = repo_root().join("tests/it/fixtures/roundtrip");
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    assert!(cases.len() >= 5);
    for case in cases {
        let env = TestEnv::new();
        if case.join("in").is_dir() {
            copy_dir(&case.join("in"), &env.project);
        }
        let cmd = std::fs::read_to_string(case.join("cmd")).unwrap();
        let args: Vec<&str> = cmd.lines().collect();
        let run = env.run(&args);
        assert_eq!(run.code, 0, "{}: {}", case.display(), run.stderr);
        for entry in std::fs::read_dir(case.join("out")).unwrap() {
            let entry = entry.unwrap();
            let expected = std::fs::read_to_string(entry.path()).unwrap();
            let actual = std::fs::read_to_string(env.project.join(entry.file_name())).unwrap();
            assert_eq!(actual, expected, "{}", case.display());
        }
        assert!(!run.stdout.contains("secret-value") && !run.stderr.contains("secret-value"));
        assert!(!run.stderr.contains("abc123"));
    }
}

const MALFORMED: &[(&str, &str)] = &[
    (
        "{\n  \"mcpServers\": {\n    \"a\": {\"command\": \"x\",}\n  }\n}\n",
        ".mcp.json`:3:",
    ),
    ("[1, 2]", "top level must be a JSON object"),
    (
        "{\n  \"mcpServers\": {\n    \"a\": {\n      \"command\": \"x\",\n      \"args\": \"-y pkg\"\n    }\n  }\n}\n",
        ":5: `mcpServers.a.args`: expected a list of strings",
    ),
    (
        "{\"mcpServers\": {\"a\": {\"command\": \"x\", \"args\": [\"ok\", 3]}}}",
        "`mcpServers.a.args`: expected a list of strings, item 1 is a number",
    ),
    (
        "{\"mcpServers\": {\"a\": {\"env\": {}}}}",
        "`mcpServers.a`: the server has neither `command` nor `url`",
    ),
    (
        "{\"mcpServers\": {\"a\": {\"type\": \"websocket\", \"url\": \"ws://x\"}}}",
        "`mcpServers.a.type`: unknown type \"websocket\"",
    ),
    (
        "{\"mcpServers\": {\"a\": {\"command\": \"x\", \"env\": {\"K\": 1}}}}",
        "`mcpServers.a.env.K`: expected a string",
    ),
    (
        "{\"mcpServers\": {\"a\": {\"type\": \"http\"}}}",
        "a `http` server needs `url`",
    ),
    (
        "{\"servers\": {\"a\": {\"type\": \"external\", \"command\": \"npx 'unclosed\"}}}",
        "cannot split the command",
    ),
    (
        "{\"servers\": {}, \"global_config\": {\"timeout\": \"soon\"}}",
        "`global_config.timeout`",
    ),
    // The line is the field's own, not that of an earlier key of the same name elsewhere.
    (
        "{\n  \"mcpServers\": {\n    \"b\": {\n      \"command\": \"x\",\n      \"env\": {\"a\": \"1\"},\n      \"args\": [\"ok\"]\n    },\n    \"a\": {\n      \"command\": \"y\",\n      \"args\": \"bad\"\n    }\n  }\n}\n",
        ".mcp.json`:10: `mcpServers.a.args`: expected a list of strings",
    ),
    // Duplicate keys: serde_json keeps the last, so an edit would drop the first.
    (
        "{\n  \"mcpServers\": {\n    \"a\": {\"command\": \"x\"},\n    \"b\": {\"command\": \"y\"},\n    \"a\": {\"command\": \"z\"}\n  }\n}\n",
        ".mcp.json`:5: duplicate server `a` (first at line 3)",
    ),
    (
        "{\n  \"mcpServers\": {\"a\": {\"command\": \"x\"}},\n  \"mcpServers\": {\"b\": {\"command\": \"y\"}}\n}\n",
        ".mcp.json`:3: duplicate key `mcpServers` (first at line 2)",
    ),
    (
        "{\"servers\": {\"a\": {\"command\": \"x\"}},\n \"servers\": {}}",
        ".mcp.json`:2: duplicate key `servers` (first at line 1)",
    ),
    (
        "{\"mcpServers\": {\n  \"a\": {\n    \"command\": \"x\",\n    \"command\": \"y\"}}}",
        ".mcp.json`:4: duplicate field `command` in server `a` (first at line 3)",
    ),
    (
        "{\"mcpServers\": {\"a\": {\"command\": \"x\", \"env\": {\"K\": \"1\",\n \"K\": \"2\"}}}}",
        ".mcp.json`:2: duplicate key `K` in `mcpServers.a.env` (first at line 1)",
    ),
    (
        "{\"mcpServers\": {\"a\": {\"command\": \"x\"}},\n \"servers\": {\"b\": {\"command\": \"y\"}}}",
        ".mcp.json`:2: both `mcpServers` and `servers` (first at line 1)",
    ),
    ("", ".mcp.json` is empty"),
    (" \n\t\n", ".mcp.json` is empty"),
    (
        "{\"mcpServers\": {\"\": {\"command\": \"x\"}}}",
        ".mcp.json`:1: `mcpServers`: a server name cannot be empty",
    ),
    // Comments get a hint; a truncated file a real line and column.
    (
        "{\n  // my servers\n  \"mcpServers\": {}\n}\n",
        "hint: JSON has no comments",
    ),
    (
        "{\n  \"mcpServers\": {\"a\": {\"command\": \"x\"}}\n  /* off\n  \"b\": 1 */\n}\n",
        "hint: JSON has no comments",
    ),
    (
        "{\n  \"mcpServers\": {\n    \"a\": {\"command\": \"x\"}\n",
        ".mcp.json`:3:25: invalid JSON: the file ends in the middle of an object",
    ),
    (
        "{\"mcpServers\": {\"a\": {\"command\": \"x\"",
        ".mcp.json`:1:36: invalid JSON: the file ends in the middle of an object",
    ),
    // The last character is not ASCII: the column counts characters (and nothing panics).
    (
        "{\"mcpServers\": {\"a\": {\"command\": \"\u{e9}",
        ".mcp.json`:1:35: invalid JSON: the file ends in the middle of a string",
    ),
];

#[test]
fn malformed_files_exit_2_name_the_place_and_stay_untouched() {
    for (text, expected) in MALFORMED {
        for args in [
            &["mcp", "list"][..],
            &["mcp", "get", "a"][..],
            &["mcp", "add", "new", "--", "cmd"][..],
            &["mcp", "remove", "--yes", "a"][..],
            &["mcp", "test"][..],
            &["mcp", "discover"][..],
            &["mcp", "discover", "--check"][..],
            &["mcp", "call", "a", "some_tool"][..],
        ] {
            let env = TestEnv::new();
            let path = env.write(".mcp.json", text);
            let run = env.run(args);
            assert_eq!(run.code, 2, "{args:?} on {text}: {}", run.stderr);
            assert!(run.stderr.starts_with("error: "), "{}", run.stderr);
            assert!(
                run.stderr.contains(expected),
                "{args:?}: expected {expected:?} in {}",
                run.stderr
            );
            assert!(
                run.stderr.contains(&path.display().to_string()),
                "{}",
                run.stderr
            );
            assert_eq!(
                std::fs::read_to_string(&path).unwrap(),
                *text,
                "file changed"
            );
            assert!(run.stdout.is_empty());
            assert!(!run.stderr.contains("panicked"));
        }
    }
}

#[test]
fn concurrent_adds_keep_every_edit() {
    let env = TestEnv::new();
    env.write(".mcp.json", "{\"mcpServers\": {}}\n");
    let children: Vec<_> = (0..8)
        .map(|i| {
            env.cmd()
                .args(["mcp", "add", &format!("s{i}"), "--", "echo", &i.to_string()])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let doc: serde_json::Value = serde_json::from_str(&env.read(".mcp.json")).unwrap();
    let servers = doc["mcpServers"].as_object().unwrap();
    for i in 0..8 {
        assert_eq!(
            servers[&format!("s{i}")]["args"][0],
            i.to_string(),
            "s{i} lost"
        );
    }
    // No temp files are left behind.
    let leftovers: Vec<_> = std::fs::read_dir(&env.project)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != ".mcp.json")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn saves_only_on_change_and_keep_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let env = TestEnv::new();
    env.run(&["mcp", "add", "t", "--", "uvx", "mcp-server-time"])
        .assert_code(0);
    let path = env.path(".mcp.json");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    let before = std::fs::metadata(&path).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    // The same server again: nothing changes, nothing is written.
    env.run(&["mcp", "add", "--force", "t", "--", "uvx", "mcp-server-time"])
        .assert_code(0);
    let after = std::fs::metadata(&path).unwrap();
    assert_eq!(
        before.modified().unwrap(),
        after.modified().unwrap(),
        "rewritten without a change"
    );
    use std::os::unix::fs::MetadataExt;
    assert_eq!(before.ino(), after.ino());
    // A real change keeps the mode.
    env.run(&["mcp", "add", "u", "--", "echo"]).assert_code(0);
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

#[test]
fn the_nearest_parent_file_is_used_and_new_files_go_in_the_project_dir() {
    let env = TestEnv::new();
    env.run(&["mcp", "add", "top", "--", "echo"]).assert_code(0);
    let deep = env.project.join("src/deep");
    std::fs::create_dir_all(&deep).unwrap();
    let run = env.run(&["-C", "src/deep", "mcp", "list", "--json"]);
    run.assert_code(0);
    assert_eq!(run.json()["servers"][0]["name"], "top");
    env.run(&["-C", "src/deep", "mcp", "add", "second", "--", "echo"])
        .assert_code(0);
    assert!(!deep.join(".mcp.json").exists());
    assert!(env.read(".mcp.json").contains("\"second\""));
    // --config names a file outright.
    env.run(&["--config", "other.json", "mcp", "add", "x", "--", "echo"])
        .assert_code(0);
    assert!(env.read("other.json").contains("\"x\""));
    assert!(!env.read(".mcp.json").contains("\"x\""));
}

#[test]
fn list_json_field_by_field() {
    let env = TestEnv::new();
    env.write(
        ".mcp.json",
        r#"{"mcpServers": {
            "gh": {"command": "npx", "args": ["-y", "pkg"], "env": {"GITHUB_TOKEN": "ghp_literal", "T": "${T}", "API_KEY": "${API_KEY}"}},
            "web": {"type": "sse", "url": "http://127.0.0.1:9/sse", "headers": {"Authorization": "Bearer literal-token"}, "enabled": false}
        }}"#,
    );
    env.write(
        ".mcp.tools.json",
        r#"{"gh": {"tools": [{"name": "a"}, {"name": "b"}]}}"#,
    );
    let run = env.run(&["mcp", "list", "--json"]);
    run.assert_code(0);
    assert!(!run.stdout.contains("ghp_literal") && !run.stdout.contains("literal-token"));
    let doc = run.json();
    let servers = doc["servers"].as_array().unwrap();
    assert_eq!(servers.len(), 2);
    let gh = &servers[0];
    assert_eq!(gh["name"], "gh");
    assert_eq!(gh["transport"], "stdio");
    assert_eq!(gh["command"], "npx");
    assert_eq!(gh["args"], serde_json::json!(["-y", "pkg"]));
    assert_eq!(gh["url"], serde_json::Value::Null);
    assert_eq!(gh["enabled"], true);
    assert_eq!(gh["tools"], 2);
    assert_eq!(gh["env"]["GITHUB_TOKEN"], "****");
    assert_eq!(gh["env"]["T"], "${T}");
    assert_eq!(gh["env"]["API_KEY"], "${API_KEY}");
    let web = &servers[1];
    assert_eq!(web["transport"], "sse");
    assert_eq!(web["url"], "http://127.0.0.1:9/sse");
    assert_eq!(web["command"], serde_json::Value::Null);
    assert_eq!(web["enabled"], false);
    assert_eq!(web["tools"], serde_json::Value::Null);
    assert_eq!(web["headers"]["Authorization"], "****");
}

#[test]
fn list_text_is_plain_columns_off_a_terminal() {
    let env = TestEnv::new();
    env.write(
        ".mcp.json",
        r#"{"mcpServers": {
            "time": {"command": "uvx", "args": ["mcp-server-time", "--local-timezone=Europe/Paris"]},
            "web": {"type": "http", "url": "https://example.com/mcp", "enabled": false}
        }}"#,
    );
    env.write(
        ".mcp.tools.json",
        r#"{"time": {"tools": [{"name": "get_current_time"}, {"name": "convert_time"}]}}"#,
    );
    let run = env.run(&["mcp", "list"]);
    run.assert_code(0);
    insta::assert_snapshot!(run.stdout, @r"
    NAME  TRANSPORT  COMMAND / URL                                      ENABLED  TOOLS
    time  stdio      uvx mcp-server-time --local-timezone=Europe/Paris  yes          2
    web   http       https://example.com/mcp                            no           -
    ");
    assert!(run.stderr.is_empty(), "{}", run.stderr);
}

#[test]
fn an_empty_project_says_so_on_stderr() {
    let env = TestEnv::new();
    let run = env.run(&["mcp", "list"]);
    run.assert_code(0);
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr.contains("no MCP servers configured"),
        "{}",
        run.stderr
    );
    let run = env.run(&["mcp", "list", "--json"]);
    run.assert_code(0);
    assert_eq!(run.json()["servers"], serde_json::json!([]));
    assert!(!env.exists(".mcp.json"), "list must not create the file");
}

#[test]
fn get_shows_one_server_and_hints_at_names() {
    let env = TestEnv::new();
    env.write(
        ".mcp.json",
        r#"{"mcpServers": {
            "github": {"type": "http", "url": "https://api.githubcopilot.com/mcp/", "headers": {"Authorization": "Bearer ${GITHUB_PERSONAL_ACCESS_TOKEN}"}},
            "memory": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-memory"], "env": {"SECRET_KEY": "hunter2"}, "custom": 1}
        }}"#,
    );
    let run = env.run(&["mcp", "get", "github"]);
    run.assert_code(0);
    assert!(run.stdout.contains("https://api.githubcopilot.com/mcp/"));
    assert!(
        run.stdout
            .contains("Authorization=Bearer ${GITHUB_PERSONAL_ACCESS_TOKEN}")
    );
    let run = env.run(&["mcp", "get", "memory"]);
    run.assert_code(0);
    assert!(run.stdout.contains("SECRET_KEY=****"), "{}", run.stdout);
    assert!(!run.stdout.contains("hunter2"));
    assert!(run.stdout.contains("custom:"));
    let run = env.run(&["mcp", "get", "memory", "--json"]);
    let doc = run.json();
    assert_eq!(doc["env"]["SECRET_KEY"], "****");
    assert_eq!(doc["extra"]["custom"], 1);
    assert_eq!(doc["args"][1], "@modelcontextprotocol/server-memory");

    let run = env.run(&["mcp", "get", "memroy"]);
    run.assert_code(1);
    assert!(
        run.stderr.contains("error: server `memroy` not found"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("hint: configured servers: memory, github"),
        "{}",
        run.stderr
    );
}

#[test]
fn add_rules() {
    let env = TestEnv::new();
    env.run(&["mcp", "add", "bad name", "--", "x"])
        .assert_code(2);
    env.run(&[
        "mcp",
        "add",
        "web",
        "--transport",
        "http",
        "--",
        "not-a-url",
    ])
    .assert_code(2);
    env.run(&["mcp", "add", "x", "--env", "NOEQUALS", "--", "x"])
        .assert_code(2);
    env.run(&[
        "mcp",
        "add",
        "x",
        "--header",
        "Authorization: Bearer t",
        "--",
        "x",
    ])
    .assert_code(2);
    assert!(!env.exists(".mcp.json"), "a failed add wrote a file");

    let run = env.run(&[
        "mcp",
        "add",
        "gh",
        "--env",
        "GITHUB_PERSONAL_ACCESS_TOKEN=ghp_supersecret",
        "--",
        "npx",
        "-y",
        "pkg",
    ]);
    run.assert_code(0);
    assert!(!env.read(".mcp.json").contains("ghp_supersecret"));
    assert!(
        env.read(".mcp.json")
            .contains("\"GITHUB_PERSONAL_ACCESS_TOKEN\": \"${GITHUB_PERSONAL_ACCESS_TOKEN}\"")
    );
    assert!(!run.stderr.contains("ghp_supersecret") && !run.stdout.contains("ghp_supersecret"));
    assert!(
        run.stderr.contains("GITHUB_PERSONAL_ACCESS_TOKEN"),
        "the user is told what to set"
    );

    let run = env.run(&["mcp", "add", "gh", "--", "other"]);
    run.assert_code(1);
    assert!(run.stderr.contains("already exists") && run.stderr.contains("--force"));

    let run = env.run(&[
        "mcp",
        "add",
        "sse",
        "--transport",
        "sse",
        "--header",
        "Authorization: ${MY_TOKEN}",
        "https://x.example/sse",
    ]);
    run.assert_code(0);
    let doc: serde_json::Value = serde_json::from_str(&env.read(".mcp.json")).unwrap();
    assert_eq!(doc["mcpServers"]["sse"]["type"], "sse");
    assert_eq!(
        doc["mcpServers"]["sse"]["headers"]["Authorization"],
        "${MY_TOKEN}"
    );

    let run = env.run(&[
        "mcp",
        "add",
        "--disabled",
        "off",
        "--json",
        "--",
        "echo",
        "-n",
    ]);
    run.assert_code(0);
    assert_eq!(run.json()["server"]["enabled"], false);
    assert_eq!(run.json()["server"]["args"], serde_json::json!(["-n"]));
}

#[test]
fn remove_needs_confirmation_off_a_terminal_and_cleans_the_tools_file() {
    let env = TestEnv::new();
    env.run(&["mcp", "add", "a", "--", "echo"]).assert_code(0);
    env.run(&["mcp", "add", "b", "--", "echo"]).assert_code(0);
    env.write(
        ".mcp.tools.json",
        r#"{"a": {"tools": []}, "b": {"tools": [{"name": "x"}]}}"#,
    );
    let run = env.run(&["mcp", "remove", "a"]);
    run.assert_code(2);
    assert!(run.stderr.contains("--yes"));
    let run = env.run(&["mcp", "remove", "a", "--no-input"]);
    run.assert_code(2);
    assert!(env.read(".mcp.json").contains("\"a\""));
    env.run(&["mcp", "remove", "a", "--yes"]).assert_code(0);
    assert!(!env.read(".mcp.json").contains("\"a\""));
    let tools: serde_json::Value = serde_json::from_str(&env.read(".mcp.tools.json")).unwrap();
    assert!(tools.get("a").is_none());
    assert_eq!(tools["b"]["tools"][0]["name"], "x");
    env.run(&["mcp", "remove", "a", "--yes"]).assert_code(1);
}

/// The length of the common prefix and the common suffix of two texts (not overlapping).
fn common_ends(a: &str, b: &str) -> (usize, usize) {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let max = a.len().min(b.len()) - prefix;
    let suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take(max)
        .take_while(|(x, y)| x == y)
        .count();
    (prefix, suffix)
}

/// `longer` is `shorter` with one contiguous piece inserted; returns that piece.
#[track_caller]
fn one_insertion<'a>(shorter: &str, longer: &'a str) -> &'a str {
    let (p, s) = common_ends(shorter, longer);
    assert_eq!(
        p + s,
        shorter.len(),
        "more than one place changed:\n--- before\n{shorter}\n--- after\n{longer}"
    );
    &longer[p..longer.len() - s]
}

/// Files in every layout aimcp promises to keep: inline objects, odd indentation, CRLF, no
/// trailing newline, tabs, a BOM, both layouts, an only entry, an empty section.
const LAYOUTS: &[&str] = &[
    "{\n  \"mcpServers\": {\n    \"a\": {\"command\": \"a\", \"args\": [\"1\", \"2\"]},\n    \"b\": {\"type\": \"http\", \"url\": \"https://b.example/mcp\", \"headers\": {\"H\": \"v\"}},\n    \"c\": {\"command\": \"c\"}\n  }\n}\n",
    "{\n   \"mcpServers\" : {\n      \"a\" : { \"command\" : \"a\" },\n         \"b\":{\"command\":\"b\"}\n   },\n   \"other\": [1,2,   3]\n}\n",
    "{\r\n  \"mcpServers\": {\r\n    \"a\": {\"command\": \"a\", \"args\": [\"1\"]},\r\n    \"b\": {\"command\": \"b\"}\r\n  }\r\n}\r\n",
    "{\n  \"mcpServers\": {\n    \"a\": {\"command\": \"a\"},\n    \"b\": {\"command\": \"b\"}\n  }\n}",
    "{\n\t\"mcpServers\": {\n\t\t\"a\": {\n\t\t\t\"command\": \"a\",\n\t\t\t\"args\": [\"x\"]\n\t\t},\n\t\t\"b\": {\"command\": \"b\"}\n\t}\n}\n",
    "\u{feff}{\n  \"mcpServers\": {\n    \"a\": {\"command\": \"a\"}\n  }\n}\n",
    "{\"servers\": {\"gh\": {\"type\": \"external\", \"command\": \"npx gh\", \"enabled\": true}, \"b\": {\"type\": \"external\", \"command\": \"b\"}}, \"global_config\": {\"timeout\": 5}}\n",
    "{\"mcpServers\": {\"only\": {\"command\": \"o\", \"args\": [\"-y\"], \"env\": {\"K\": \"${K}\"}}}}\n",
    "{\"mcpServers\":{\"a\":{\"command\":\"a\"},\"b\":{\"command\":\"b\"}}}",
    "{\"mcpServers\": {}}\n",
    "{\n  \"mcpServers\": {}\n}\n",
    // Numbers serde_json cannot hold exactly and escapes: re-rendering them lost data.
    "{\"mcpServers\": {\"a\": {\"command\": \"a\", \"timeout\": 1e2}}, \"big\": 123456789012345678901234567890, \"s\": \"\\u00e9\\/\"}\n",
];

#[test]
fn add_then_remove_gives_back_the_original_bytes() {
    for original in LAYOUTS {
        let env = TestEnv::new();
        env.write(".mcp.json", original);
        env.run(&["mcp", "add", "x", "--env", "K=v", "--", "echo", "hi"])
            .assert_code(0);
        let added = env.read(".mcp.json");
        let piece = one_insertion(original, &added);
        assert!(piece.contains("\"x\""), "{piece:?} in {added}");
        if original.contains("\r\n") {
            assert!(
                !added.replace("\r\n", "").contains('\n'),
                "a bare LF in a CRLF file: {added:?}"
            );
        }
        if original.contains("\n\t") {
            assert!(
                !piece.contains("\n "),
                "spaces in a file indented with tabs: {piece:?}"
            );
        }
        let run = env.run(&["mcp", "get", "x", "--json"]);
        run.assert_code(0);
        assert_eq!(run.json()["args"], serde_json::json!(["hi"]));
        // Every other server is still there, as written.
        let list = env.run(&["mcp", "list", "--json"]);
        list.assert_code(0);
        env.run(&["mcp", "remove", "x", "--yes"]).assert_code(0);
        assert_eq!(
            env.read(".mcp.json"),
            *original,
            "add + remove changed the file"
        );
    }
}

#[test]
fn remove_and_replace_touch_only_their_entry_first_middle_or_last() {
    for original in &LAYOUTS[..5] {
        for name in ["a", "b", "c"] {
            if !original.contains(&format!("\"{name}\"")) {
                continue;
            }
            let env = TestEnv::new();
            env.write(".mcp.json", original);
            env.run(&["mcp", "remove", name, "--yes"]).assert_code(0);
            let removed = env.read(".mcp.json");
            let piece = one_insertion(&removed, original);
            // (The piece may start or end inside a quote: `"a"` and `"b"` share theirs.)
            assert!(
                piece.contains(&format!("{name}\""))
                    && (piece.contains("\"command\"") || piece.contains("\"url\"")),
                "{name}: {piece:?} from {original}"
            );
            assert!(
                !removed.contains(&format!("\"{name}\"")),
                "{name} still in {removed}"
            );
            let doc: serde_json::Value = serde_json::from_str(&removed).unwrap();
            assert!(doc["mcpServers"].is_object(), "{removed}");

            // Replacing one entry leaves every byte outside it alone.
            let env = TestEnv::new();
            env.write(".mcp.json", original);
            env.run(&["mcp", "add", "--force", name, "--", "new-command", "--flag"])
                .assert_code(0);
            let replaced = env.read(".mcp.json");
            let (p, s) = common_ends(original, &replaced);
            let entry_at = original.find(&format!("\"{name}\"")).unwrap();
            let next = ["a", "b", "c"]
                .iter()
                .filter_map(|n| original.find(&format!("\"{n}\"")))
                .filter(|&at| at > entry_at)
                .min()
                .unwrap_or(original.rfind('}').unwrap());
            assert!(
                p >= entry_at && original.len() - s <= next,
                "{name}: changed outside its entry:\n{original}\n---\n{replaced}"
            );
            let run = env.run(&["mcp", "get", name, "--json"]);
            run.assert_code(0);
            assert_eq!(run.json()["command"], "new-command");
            assert_eq!(run.json()["args"], serde_json::json!(["--flag"]));
        }
    }
}

#[test]
fn a_missing_config_file_named_with_config_is_exit_2_for_readers() {
    let env = TestEnv::new();
    env.write(
        ".mcp.json",
        "{\"mcpServers\": {\"a\": {\"command\": \"a\"}}}\n",
    );
    for args in [
        &["mcp", "list"][..],
        &["mcp", "get", "a"][..],
        &["mcp", "test"][..],
        &["mcp", "discover"][..],
        &["mcp", "discover", "--check"][..],
    ] {
        let mut full = vec!["--config", "typo.json"];
        full.extend_from_slice(args);
        let run = env.run(&full);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("typo.json` does not exist"),
            "{args:?}: {}",
            run.stderr
        );
        assert!(run.stdout.is_empty(), "{}", run.stdout);
    }
    assert!(!env.exists("typo.json"));
    // Writers still create it.
    env.run(&["--config", "new.json", "mcp", "add", "x", "--", "echo"])
        .assert_code(0);
    assert!(env.read("new.json").contains("\"x\""));
}

#[test]
fn a_folder_named_mcp_json_is_not_a_config() {
    let env = TestEnv::new();
    std::fs::create_dir(env.path(".mcp.json")).unwrap();
    for args in [
        &["mcp", "list"][..],
        &["mcp", "add", "x", "--", "echo"][..],
        &["--config", ".mcp.json", "mcp", "list"][..],
        &["mcp", "test"][..],
    ] {
        let run = env.run(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains(".mcp.json` is a folder, not a file"),
            "{args:?}: {}",
            run.stderr
        );
    }
    assert!(env.path(".mcp.json").is_dir());
    // Searching upwards, a folder of that name is passed over.
    let sub = env.path("sub");
    std::fs::create_dir_all(sub.join(".mcp.json")).unwrap();
    std::fs::remove_dir(env.path(".mcp.json")).unwrap();
    env.write(
        ".mcp.json",
        "{\"mcpServers\": {\"top\": {\"command\": \"t\"}}}",
    );
    let run = env.run(&["-C", "sub", "mcp", "list", "--json"]);
    run.assert_code(0);
    assert_eq!(run.json()["servers"][0]["name"], "top");
}

#[test]
fn a_bom_is_accepted_and_kept() {
    let env = TestEnv::new();
    env.write(
        ".mcp.json",
        "\u{feff}{\"mcpServers\": {\"a\": {\"command\": \"a\"}}}\n",
    );
    let run = env.run(&["mcp", "list", "--json"]);
    run.assert_code(0);
    assert_eq!(run.json()["servers"][0]["name"], "a");
    env.run(&["mcp", "add", "b", "--", "echo"]).assert_code(0);
    let text = env.read(".mcp.json");
    assert!(
        text.starts_with("\u{feff}{\"mcpServers\": {\"a\": {\"command\": \"a\"}"),
        "{text:?}"
    );
    assert!(text.contains("\"b\""));
}

fn fake_server_config(env: &TestEnv) {
    let fake = crate::common::servers::fake_js();
    env.write(
        ".mcp.json",
        &serde_json::to_string_pretty(&serde_json::json!({"mcpServers": {
            "good": {"command": "node", "args": [fake.to_str().unwrap(), "ok"]}
        }}))
        .unwrap(),
    );
}

#[test]
fn discover_check_recomputes_the_stored_hash() {
    let env = TestEnv::new();
    fake_server_config(&env);
    env.run(&["mcp", "discover"]).assert_code(0);
    env.run(&["mcp", "discover", "--check"]).assert_code(0);
    // A hand edit of the tools that leaves `tools_hash` as it was.
    let mut file: serde_json::Value = serde_json::from_str(&env.read(".mcp.tools.json")).unwrap();
    file["good"]["tools"][0]["description"] = serde_json::json!("edited by hand");
    let edited = serde_json::to_string_pretty(&file).unwrap();
    env.write(".mcp.tools.json", &edited);
    let run = env.run(&["mcp", "discover", "--check"]);
    run.assert_code(1);
    assert!(
        run.stderr.contains("the tools of `good` differ"),
        "{}",
        run.stderr
    );
    assert_eq!(env.read(".mcp.tools.json"), edited);
    // A merge that dropped a tool.
    file["good"]["tools"].as_array_mut().unwrap().pop();
    let merged = serde_json::to_string_pretty(&file).unwrap();
    env.write(".mcp.tools.json", &merged);
    env.run(&["mcp", "discover", "--check"]).assert_code(1);
    // discover puts it right.
    env.run(&["mcp", "discover"]).assert_code(0);
    env.run(&["mcp", "discover", "--check"]).assert_code(0);
}

#[test]
fn discover_leaves_the_tools_file_alone_when_nothing_changed() {
    use std::os::unix::fs::MetadataExt;
    let env = TestEnv::new();
    fake_server_config(&env);
    env.run(&["mcp", "discover"]).assert_code(0);
    let before = env.read(".mcp.tools.json");
    let ino = std::fs::metadata(env.path(".mcp.tools.json"))
        .unwrap()
        .ino();
    // `discovered_at` has a resolution of one second.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let run = env.run(&["mcp", "discover", "--json"]);
    run.assert_code(0);
    assert_eq!(run.json()["servers"][0]["changed"], false);
    assert_eq!(
        env.read(".mcp.tools.json"),
        before,
        "rewritten without a change"
    );
    assert_eq!(
        std::fs::metadata(env.path(".mcp.tools.json"))
            .unwrap()
            .ino(),
        ino,
        "replaced without a change"
    );
    // A file laid out by hand is not re-rendered either.
    let compact =
        serde_json::to_string(&serde_json::from_str::<serde_json::Value>(&before).unwrap())
            .unwrap();
    env.write(".mcp.tools.json", &compact);
    let run = env.run(&["mcp", "discover"]);
    run.assert_code(0);
    assert!(!run.stderr.contains("wrote"), "{}", run.stderr);
    assert_eq!(env.read(".mcp.tools.json"), compact);
}

#[test]
fn refusals_read_in_full() {
    let env = TestEnv::new();
    let shown = |run: &crate::common::Run| {
        run.stderr
            .replace(&env.project.display().to_string(), "[project]")
    };
    env.write(
        ".mcp.json",
        "{\n  \"mcpServers\": {\n    \"a\": {\"command\": \"x\"},\n    \"a\": {\"command\": \"y\"}\n  }\n}\n",
    );
    let run = env.run(&["mcp", "add", "b", "--", "echo"]);
    run.assert_code(2);
    insta::assert_snapshot!(shown(&run), @r"
    error: `[project]/.mcp.json`:4: duplicate server `a` (first at line 3)
    hint: keep one of them; aimcp will not guess which
    ");
    env.write(".mcp.json", "{\n  // mine\n  \"mcpServers\": {}\n}\n");
    let run = env.run(&["mcp", "list"]);
    run.assert_code(2);
    insta::assert_snapshot!(shown(&run), @r"
    error: `[project]/.mcp.json`:2:3: invalid JSON: key must be a string
    hint: JSON has no comments: remove the one at line 2 (Claude Code cannot read this file either)
    ");
    env.write(".mcp.json", "  \n");
    let run = env.run(&["mcp", "add", "b", "--", "echo"]);
    run.assert_code(2);
    insta::assert_snapshot!(shown(&run), @r#"
    error: `[project]/.mcp.json` is empty
    hint: write `{"mcpServers": {}}` in it, or delete it
    "#);
    assert_eq!(env.read(".mcp.json"), "  \n");
}

#[test]
fn a_server_twice_in_the_tools_file_is_exit_2() {
    let env = TestEnv::new();
    fake_server_config(&env);
    env.run(&["mcp", "discover"]).assert_code(0);
    // A bad merge: the entry twice, the first one stale. serde_json keeps the last.
    let good = env.read(".mcp.tools.json");
    let entry = good
        .trim()
        .strip_prefix('{')
        .and_then(|s| s.strip_suffix('}'))
        .unwrap()
        .trim();
    let merged = format!("{{\n  \"good\": {{\"tools\": []}},\n  {entry}\n}}\n");
    env.write(".mcp.tools.json", &merged);
    for args in [
        &["mcp", "discover", "--check"][..],
        &["mcp", "discover"][..],
    ] {
        let run = env.run(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr
                .contains(".mcp.tools.json`:3: duplicate server `good` (first at line 2)"),
            "{}",
            run.stderr
        );
        assert_eq!(env.read(".mcp.tools.json"), merged);
    }
}

#[test]
fn a_truncated_tools_file_reports_its_last_line_and_column() {
    let env = TestEnv::new();
    fake_server_config(&env);
    let truncated = "{\n  \"good\": {\n    \"tools\": [\n";
    env.write(".mcp.tools.json", truncated);
    // `discover` stops; `get` and `list` warn and go on without tool counts.
    for (args, code) in [
        (&["mcp", "discover"][..], 2),
        (&["mcp", "get", "good"][..], 0),
        (&["mcp", "list"][..], 0),
    ] {
        let run = env.run(args);
        assert_eq!(run.code, code, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains(
                ".mcp.tools.json`:3:14: invalid JSON: the file ends in the middle of a list"
            ),
            "{args:?}: {}",
            run.stderr
        );
        assert_eq!(env.read(".mcp.tools.json"), truncated);
    }
}

#[test]
fn discovered_at_is_the_runs_clock() {
    let env = TestEnv::new();
    fake_server_config(&env);
    let out = env
        .cmd()
        .args(["mcp", "discover"])
        .env("AIMCP_NOW", "2026-01-31T12:00:00.75+01:00")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let file: serde_json::Value = serde_json::from_str(&env.read(".mcp.tools.json")).unwrap();
    assert_eq!(file["good"]["discovered_at"], "2026-01-31T11:00:00Z");
}

/// The older `servers` layout keeps a whole command line in `command`: a program whose path has
/// a space or a backslash is written quoted, so it reads back as the same program.
#[test]
fn servers_layout_commands_read_back_as_written() {
    for program in ["/opt/my tools/bin", r"C:\tools\x.exe"] {
        let env = TestEnv::new();
        env.write(".mcp.json", "{\n  \"servers\": {}\n}\n");
        env.run(&["mcp", "add", "sp", "--", program, "--x"])
            .assert_code(0);
        let run = env.run(&["--json", "mcp", "get", "sp"]);
        run.assert_code(0);
        let got = run.json();
        let server = got.get("server").unwrap_or(&got);
        assert_eq!(server["command"], program, "{}", env.read(".mcp.json"));
        assert_eq!(server["args"], serde_json::json!(["--x"]));
    }
}

/// `.env` is written before `.mcp.json`: when it cannot be, the typed value is not lost behind a
/// `${VAR}` reference that nothing sets, and `.mcp.json` is left as it was.
#[test]
fn add_leaves_mcp_json_alone_when_the_dotenv_cannot_be_written() {
    let env = TestEnv::new();
    std::fs::create_dir(env.path(".env")).unwrap();
    let run = env.run(&[
        "mcp",
        "add",
        "x",
        "--env",
        "X_API_KEY=sk-live-0123456789abcdef",
        "--",
        "node",
        "server.js",
    ]);
    assert_ne!(run.code, 0, "{}", run.stderr);
    assert!(!env.exists(".mcp.json"), "{}", env.read(".mcp.json"));
    assert!(!run.stderr.contains("sk-live"), "{}", run.stderr);
}

/// Every command that takes a server name says "not found" the same way: the file's path, and
/// the configured servers nearest first.
#[test]
fn an_unknown_server_is_the_same_error_for_every_command() {
    let env = TestEnv::new();
    env.write(
        ".mcp.json",
        r#"{"mcpServers": {"github": {"url": "https://example.invalid/mcp"},
                           "memory": {"command": "node", "args": ["x.js"]}}}"#,
    );
    let error = |args: &[&str]| {
        let run = env.run(args);
        run.assert_code(1);
        run.json()["error"].clone()
    };
    let get = error(&["mcp", "get", "memroy", "--json"]);
    assert_eq!(get["hints"][0], "configured servers: memory, github");
    for args in [
        &["mcp", "test", "memroy", "--json"][..],
        &["mcp", "discover", "memroy", "--json"][..],
        &["mcp", "remove", "memroy", "--yes", "--json"][..],
        &["mcp", "call", "memroy", "read_graph", "--json"][..],
    ] {
        assert_eq!(error(args), get, "{args:?}");
    }
}

//! The command tree as a whole: help, unbuilt commands, generated files.

use crate::common::TestEnv;

#[test]
fn help_shows_the_whole_tool() {
    let env = TestEnv::new();
    let run = env.run(&["--help"]);
    run.assert_code(0);
    for word in ["mcp", "tokens", "completions", "man"] {
        assert!(run.stdout.contains(word), "{word} missing from help");
    }
    let run = env.run(&["mcp", "--help"]);
    for word in [
        "setup", "catalog", "add", "list", "get", "remove", "discover", "test", "call",
    ] {
        assert!(run.stdout.contains(word), "{word} missing from mcp help");
    }
}

#[test]
fn unknown_flags_are_usage_errors() {
    let env = TestEnv::new();
    env.run(&["mcp", "list", "--bogus"]).assert_code(2);
}

/// Every way a `--json` run can fail still leaves exactly one JSON document on stdout, and it is
/// `{"error":{"message","hints","code"}}` unless the command had already printed its own.
#[test]
fn every_failing_json_run_prints_one_document() {
    let env = TestEnv::new();
    env.write(
        ".mcp.json",
        r#"{"mcpServers": {"broken": {"command": "/nonexistent/server"}}}"#,
    );
    let cases: &[(&[&str], i32)] = &[
        // the command's own errors
        (&["mcp", "get", "nosuch", "--json"], 1),
        (&["--json", "mcp", "remove", "nosuch", "--yes"], 1),
        (&["mcp", "call", "nosuch", "tool", "--json"], 1),
        (&["tokens", "summary", "--tz", "Mars/Olympus", "--json"], 2),
        (&["--json", "-C", "no-such-dir", "mcp", "list"], 2),
        // clap's usage errors
        (&["mcp", "list", "--bogus", "--json"], 2),
        (&["--json", "tokens", "record", "--provider", "p"], 2),
        (&["--json", "mcp", "discover", "--timeout"], 2),
        (&["--json", "nosuch"], 2),
    ];
    for (args, code) in cases {
        let run = env.run(args);
        assert_eq!(run.code, *code, "{args:?}\n{}\n{}", run.stdout, run.stderr);
        let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap_or_else(|e| {
            panic!(
                "{args:?}: stdout is not one JSON document ({e}):\n{}",
                run.stdout
            )
        });
        let error = &doc["error"];
        assert_eq!(error["code"], *code, "{args:?}: {doc}");
        let message = error["message"].as_str().unwrap_or_default();
        assert!(!message.is_empty(), "{args:?}: {doc}");
        assert!(!message.starts_with("error:"), "{args:?}: {doc}");
        assert!(error["hints"].is_array(), "{args:?}: {doc}");
        // The same error is still told to a human on stderr.
        assert!(run.stderr.contains("error: "), "{args:?}: {}", run.stderr);
    }

    let run = env.run(&["mcp", "get", "nosuch", "--json"]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let message = doc["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("server `nosuch` not found in `") && message.ends_with(".mcp.json`"),
        "{doc}"
    );
    assert_eq!(doc["error"]["hints"][0], "configured servers: broken");

    // A command that printed its document and then says "no" prints nothing more.
    let run = env.run(&["mcp", "test", "--json", "--timeout", "5"]);
    run.assert_code(1);
    let doc = run.json();
    assert_eq!(doc["results"][0]["ok"], false, "{doc}");
    assert!(doc.get("error").is_none(), "{doc}");
}

/// Without `--json`, errors stay on stderr and stdout stays empty.
#[test]
fn errors_without_json_leave_stdout_empty() {
    let env = TestEnv::new();
    for args in [
        &["mcp", "get", "nosuch"][..],
        &["mcp", "list", "--bogus"][..],
    ] {
        let run = env.run(args);
        assert_ne!(run.code, 0);
        assert_eq!(run.stdout, "", "{args:?}");
        assert!(
            run.stderr.starts_with("error: "),
            "{args:?}: {}",
            run.stderr
        );
    }
}

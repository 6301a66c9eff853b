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

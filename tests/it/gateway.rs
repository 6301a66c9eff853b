//! `aimcp mcp serve` (the gateway) and `aimcp run --gateway`: real servers behind the gateway,
//! driven by aimcp's own client through a second project whose `.mcp.json` holds only the
//! gateway's entry.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::common::{TestEnv, bin};

/// A fake `claude` that prints each of its arguments on a line.
fn fake_claude(env: &TestEnv) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let dir = env.home.join("bin");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("claude");
    std::fs::write(
        &path,
        "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\necho \"key=$GW_KEY\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

fn canonical(p: &Path) -> String {
    p.canonicalize().unwrap().display().to_string()
}

#[test]
fn run_gateway_gives_claude_only_the_gateway_entry_as_a_json_argument() {
    let env = TestEnv::new();
    env.write(".mcp.json", r#"{"mcpServers": {"x": {"command": "true"}}}"#);
    env.write(".env", "GW_KEY=from-dotenv\n");
    let claude = fake_claude(&env);
    let claude = claude.to_str().unwrap();
    let run = env.run(&["run", "--gateway", "--", claude, "mcp", "list"]);
    run.assert_code(0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 6, "{}", run.stdout);
    assert_eq!(lines[0], "--strict-mcp-config");
    assert_eq!(lines[1], "--mcp-config");
    // The user's own arguments come after, as typed; the project's `.env` is there too.
    assert_eq!(&lines[3..], ["mcp", "list", "key=from-dotenv"]);
    let config: Value = serde_json::from_str(lines[2]).unwrap();
    let config_path = canonical(&env.path(".mcp.json"));
    assert_eq!(
        config,
        json!({"mcpServers": {"aimcp": {
            "type": "stdio",
            "command": canonical(Path::new(bin())),
            "args": ["--config", config_path, "mcp", "serve"],
        }}})
    );
    assert_eq!(run.stderr, "");
}

#[test]
fn run_gateway_passes_db_and_finds_the_project_without_a_config() {
    let env = TestEnv::new();
    let claude = fake_claude(&env);
    let run = env.run(&[
        "--db",
        "ledger.db",
        "run",
        "--gateway",
        "--",
        claude.to_str().unwrap(),
    ]);
    run.assert_code(0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    let config: Value = serde_json::from_str(lines[2]).unwrap();
    let project = env.project.display().to_string();
    let db = env.project.join("ledger.db").display().to_string();
    assert_eq!(
        config["mcpServers"]["aimcp"]["args"],
        json!(["-C", project, "--db", db, "mcp", "serve"])
    );
}

#[test]
fn run_gateway_with_another_client_is_exit_2_with_a_hint() {
    let env = TestEnv::new();
    let run = env.run(&["run", "--gateway", "--", "cursor", "."]);
    run.assert_code(2);
    insta::assert_snapshot!(run.stderr, @r"
    error: `--gateway` knows how to configure Claude Code (`claude`), not `cursor`
    hint: for another client, add an MCP server entry that runs `aimcp mcp serve` in this project to its config
    ");
}

#[test]
fn serve_refuses_bad_flags_with_exit_2() {
    let env = TestEnv::new();
    env.write(".mcp.json", r#"{"mcpServers": {}}"#);
    let run = env.run(&["mcp", "serve", "--http", "0.0.0.0:0"]);
    run.assert_code(2);
    insta::assert_snapshot!(run.stderr, @r"
    error: `--http 0.0.0.0:0` is not a loopback address, and `AIMCP_GATEWAY_TOKEN` is not set
    hint: set `AIMCP_GATEWAY_TOKEN` to a long random token that clients send as `Authorization: Bearer ...`, or serve on `127.0.0.1:PORT`
    ");
    let run = env.run(&["mcp", "serve", "--http", "nonsense"]);
    run.assert_code(2);
    insta::assert_snapshot!(run.stderr, @r"
    error: invalid `--http nonsense`: expected an address and port
    hint: e.g. `--http 127.0.0.1:8700` (port 0 picks a free one)
    ");
    let run = env.run(&["mcp", "serve", "--deny", "git hub"]);
    run.assert_code(2);
    insta::assert_snapshot!(run.stderr, @r"
    error: invalid `--deny git hub`: a space cannot be in a pattern (names are letters, digits, `-`, `_` and `.`; `*` and `?` are wildcards)
    hint: a pattern is `SERVER`, `SERVER__TOOL` or a glob such as `github__get_*`
    ");
}

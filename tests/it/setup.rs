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
    assert_eq!(variants, ["remote", "docker"]);
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

//! The committed completion scripts and man page match what the binary generates.

use crate::common::{TestEnv, repo_root};

const REGENERATE: &str = "regenerate with `bash scripts/regenerate.sh`";

#[test]
fn completions_and_man_page_are_fresh() {
    let env = TestEnv::new();
    let mut stale = Vec::new();
    for (shell, file) in [
        ("bash", "completions/aimcp.bash"),
        ("zsh", "completions/_aimcp"),
        ("fish", "completions/aimcp.fish"),
        ("powershell", "completions/_aimcp.ps1"),
        ("elvish", "completions/aimcp.elv"),
    ] {
        let run = env.run(&["completions", shell]);
        run.assert_code(0);
        assert!(!run.stdout.is_empty(), "{shell}: empty script");
        let committed = std::fs::read_to_string(repo_root().join(file)).unwrap_or_default();
        if committed != run.stdout {
            stale.push(file);
        }
    }
    let run = env.run(&["man"]);
    run.assert_code(0);
    assert!(run.stdout.contains(".TH aimcp"), "not a roff page");
    let committed = std::fs::read_to_string(repo_root().join("man/aimcp.1")).unwrap_or_default();
    if committed != run.stdout {
        stale.push("man/aimcp.1");
    }
    assert!(
        stale.is_empty(),
        "stale generated files {stale:?}: {REGENERATE}"
    );
}

/// Every `page(N)` the man page names is a page that exists: `aimcp man` writes one page, so it
/// may name only itself (clap_mangen's SUBCOMMANDS list names `aimcp-mcp(1)` and the like).
#[test]
fn the_man_page_refers_only_to_pages_that_exist() {
    let env = TestEnv::new();
    let run = env.run(&["man"]);
    run.assert_code(0);
    let page = run.stdout.replace("\\-", "-");
    let mut refs = Vec::new();
    for (i, _) in page.match_indices("(1)") {
        let name: String = page[..i]
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        if !name.is_empty() {
            refs.push(name);
        }
    }
    let missing: Vec<&String> = refs.iter().filter(|r| r.as_str() != "aimcp").collect();
    assert!(missing.is_empty(), "pages that do not exist: {missing:?}");
    // The subcommands are still listed, by the names a user types.
    for name in [
        "aimcp mcp",
        "aimcp tokens",
        "aimcp completions",
        "aimcp man",
    ] {
        assert!(
            page.contains(&format!("\\fB{name}\\fR")),
            "{name} missing from the SUBCOMMANDS section"
        );
    }
}

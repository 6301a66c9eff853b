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

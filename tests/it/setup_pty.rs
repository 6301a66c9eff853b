//! `aimcp mcp setup` at a terminal: the real binary in a pseudo-terminal.
#![cfg(unix)]

use std::time::Duration;

use expectrl::process::unix::WaitStatus;
use expectrl::{Eof, Expect, Session};

use crate::common::TestEnv;

fn spawn(env: &TestEnv, args: &[&str]) -> expectrl::session::OsSession {
    let mut session = Session::spawn(env.pty_cmd(args)).expect("spawn in a pty");
    session.get_process_mut().set_window_size(100, 40).unwrap();
    // Generous: the install step fetches from npm.
    session.set_expect_timeout(Some(Duration::from_secs(600)));
    session
}

fn exit_code(session: &mut expectrl::session::OsSession) -> i32 {
    session.expect(Eof).expect("the program ends");
    match session.get_process().wait().unwrap() {
        WaitStatus::Exited(_, code) => code,
        other => panic!("not a normal exit: {other:?}"),
    }
}

/// Select `sequential-thinking` by typing, accept the default name, confirm.
fn choose_sequential_thinking(session: &mut expectrl::session::OsSession) {
    session
        .expect("Which server do you want to set up?")
        .unwrap();
    session.send("sequential").unwrap();
    session.expect("sequential-thinking").unwrap();
    session.send("\r").unwrap();
    session.expect("Name in .mcp.json").unwrap();
    session.send("\r").unwrap();
    session
        .expect("Write this server and fetch what it needs?")
        .unwrap();
    session.send("y\r").unwrap();
}

#[test]
fn the_wizard_sets_up_sequential_thinking_by_typing() {
    let env = TestEnv::new();
    let _lock = crate::common::setup::install_lock();
    let mut session = spawn(&env, &["mcp", "setup", "--no-test", "--no-discover"]);
    choose_sequential_thinking(&mut session);
    assert_eq!(exit_code(&mut session), 0);
    let doc: serde_json::Value = serde_json::from_str(&env.read(".mcp.json")).unwrap();
    let args = doc["mcpServers"]["sequential-thinking"]["args"]
        .as_array()
        .unwrap();
    assert!(
        args[1]
            .as_str()
            .unwrap()
            .starts_with("@modelcontextprotocol/server-sequential-thinking@"),
        "{args:?}"
    );
}

#[test]
fn the_wizard_tests_and_discovers_what_it_wrote() {
    let env = TestEnv::new();
    let _lock = crate::common::setup::install_lock();
    let mut session = spawn(&env, &["mcp", "setup"]);
    choose_sequential_thinking(&mut session);
    assert_eq!(exit_code(&mut session), 0);
    let doc: serde_json::Value = serde_json::from_str(&env.read(".mcp.json")).unwrap();
    assert!(doc["mcpServers"]["sequential-thinking"].is_object());
    let tools: serde_json::Value = serde_json::from_str(&env.read(".mcp.tools.json")).unwrap();
    assert!(
        !tools["sequential-thinking"]["tools"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[test]
fn escape_halfway_writes_nothing() {
    let env = TestEnv::new();
    let mut session = spawn(&env, &["mcp", "setup"]);
    session
        .expect("Which server do you want to set up?")
        .unwrap();
    session.send("brave").unwrap();
    session.expect("brave-search").unwrap();
    session.send("\r").unwrap();
    session.expect("Name in .mcp.json").unwrap();
    session.send("\r").unwrap();
    session.expect("Brave Search API key").unwrap();
    session.send("abc").unwrap();
    std::thread::sleep(Duration::from_millis(200));
    session.send("\x1b").unwrap();
    assert_eq!(exit_code(&mut session), 130);
    assert!(!env.exists(".mcp.json"));
    assert!(!env.exists(".env"));
}

/// A folder with a fake `npm` and `npx` that take their time, first on PATH.
fn slow_npm(env: &TestEnv) -> String {
    let bin = env.root.path().join("slow-bin");
    std::fs::create_dir_all(&bin).unwrap();
    for name in ["npm", "npx"] {
        let path = bin.join(name);
        std::fs::write(&path, "#!/bin/sh\nsleep 30\n").unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

#[test]
fn ctrl_c_during_the_fetch_clears_the_spinner_and_says_cancelled() {
    let env = TestEnv::new();
    let mut cmd = env.pty_cmd(&["mcp", "setup", "sequential-thinking", "--yes"]);
    cmd.env("PATH", slow_npm(&env));
    let mut session = Session::spawn(cmd).expect("spawn in a pty");
    session.get_process_mut().set_window_size(100, 40).unwrap();
    session.set_expect_timeout(Some(Duration::from_secs(20)));
    // The spinner draws after 250 ms.
    let mut seen = match session.expect("resolving `") {
        Ok(c) => c.as_bytes().to_vec(),
        Err(e) => {
            let rest = session
                .expect(Eof)
                .map(|c| String::from_utf8_lossy(c.as_bytes()).into_owned());
            panic!("{e:?}: {rest:?}");
        }
    };
    std::thread::sleep(Duration::from_millis(300));
    let started = std::time::Instant::now();
    session.send("\x03").unwrap();
    let rest = session.expect(Eof).expect("the program ends");
    seen.extend_from_slice(rest.as_bytes());
    let code = match session.get_process().wait().unwrap() {
        WaitStatus::Exited(_, code) => code,
        other => panic!("not a normal exit: {other:?}"),
    };
    assert_eq!(code, 130);
    assert!(started.elapsed() < Duration::from_secs(10));
    let shown = screen(&seen);
    let text = shown.join("\n");
    assert!(text.ends_with("error: cancelled"), "{text}");
    assert!(
        !shown.iter().any(|l| l.contains("resolving `")),
        "the spinner is left:\n{text}"
    );
    assert!(!env.exists(".mcp.json"));
}

#[test]
fn enter_on_an_empty_required_secret_says_it_is_required() {
    let env = TestEnv::new();
    let mut session = spawn(&env, &["mcp", "setup", "brave-search"]);
    session.set_expect_timeout(Some(Duration::from_secs(20)));
    session.expect("Name in .mcp.json").unwrap();
    session.send("\r").unwrap();
    session.expect("Brave Search API key").unwrap();
    session.send("\r").unwrap();
    session.expect("a value is required").unwrap();
    session.send("\x1b").unwrap();
    assert_eq!(exit_code(&mut session), 130);
    assert!(!env.exists(".mcp.json"));
}

#[test]
fn a_time_zone_is_checked_at_the_prompt() {
    let env = TestEnv::new();
    let mut session = spawn(&env, &["mcp", "setup", "time"]);
    session.set_expect_timeout(Some(Duration::from_secs(20)));
    session.expect("Name in .mcp.json").unwrap();
    session.send("\r").unwrap();
    session.expect("Local time zone").unwrap();
    session.send("Mars/Olympus\r").unwrap();
    session.expect("`Mars/Olympus` is not a time zone").unwrap();
    session.send("\x1b").unwrap();
    assert_eq!(exit_code(&mut session), 130);
    assert!(!env.exists(".mcp.json"));
}

#[test]
fn no_to_write_this_server_exits_0_with_nothing_written() {
    let env = TestEnv::new();
    let mut session = spawn(&env, &["mcp", "setup", "sequential-thinking"]);
    session.set_expect_timeout(Some(Duration::from_secs(20)));
    session.expect("Name in .mcp.json").unwrap();
    session.send("\r").unwrap();
    session
        .expect("Write this server and fetch what it needs?")
        .unwrap();
    session.send("n\r").unwrap();
    session.expect("nothing written").unwrap();
    assert_eq!(exit_code(&mut session), 0);
    assert!(!env.exists(".mcp.json"));
}

#[test]
fn the_picker_says_when_nothing_matches() {
    let env = TestEnv::new();
    let mut session = spawn(&env, &["mcp", "setup"]);
    session.set_expect_timeout(Some(Duration::from_secs(20)));
    session
        .expect("Which server do you want to set up?")
        .unwrap();
    session.send("zzqx").unwrap();
    session.expect("no matches").unwrap();
    // Enter on it keeps the picker open; Esc leaves.
    session.send("\r").unwrap();
    session
        .expect("Which server do you want to set up?")
        .unwrap();
    session.send("\x1b").unwrap();
    assert_eq!(exit_code(&mut session), 130);
}

#[test]
fn add_asks_before_storing_a_secret_at_a_terminal() {
    let env = TestEnv::new();
    let mut session = spawn(
        &env,
        &[
            "mcp",
            "add",
            "tool",
            "--env",
            "MY_API_KEY=abc-5ecret",
            "--",
            "x",
        ],
    );
    session.set_expect_timeout(Some(Duration::from_secs(20)));
    session
        .expect("Store MY_API_KEY in .env (mode 0600, kept out of git)?")
        .unwrap();
    session.send("n\r").unwrap();
    session.expect("not stored anywhere").unwrap();
    session
        .expect("export `MY_API_KEY` (not set, and not in `.env`)")
        .unwrap();
    assert_eq!(exit_code(&mut session), 0);
    assert!(!env.exists(".env"));
    assert!(env.read(".mcp.json").contains("${MY_API_KEY}"));
    assert!(!env.read(".mcp.json").contains("abc-5ecret"));
}

/// What a terminal shows after `bytes`: enough of VT100 for indicatif's redraws (`\r`, erase in
/// line, cursor up and down, erase below).
fn screen(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    let mut lines: Vec<Vec<char>> = vec![Vec::new()];
    let (mut row, mut col) = (0usize, 0usize);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => {
                row += 1;
                col = 0;
            }
            '\r' => col = 0,
            '\x1b' => {
                if chars.peek() != Some(&'[') {
                    chars.next();
                    continue;
                }
                chars.next();
                let mut params = String::new();
                let mut fin = ' ';
                for p in chars.by_ref() {
                    if p.is_ascii_alphabetic() || p == '~' {
                        fin = p;
                        break;
                    }
                    params.push(p);
                }
                let n: usize = params.trim_start_matches('?').parse().unwrap_or(0);
                while lines.len() <= row {
                    lines.push(Vec::new());
                }
                match fin {
                    'K' if n == 2 => lines[row].clear(),
                    'K' => lines[row].truncate(col),
                    'J' => {
                        lines[row].truncate(col);
                        lines.truncate(row + 1);
                    }
                    'A' => row = row.saturating_sub(n.max(1)),
                    'B' => row += n.max(1),
                    'G' => col = n.saturating_sub(1),
                    _ => {}
                }
            }
            c if !c.is_control() => {
                while lines.len() <= row {
                    lines.push(Vec::new());
                }
                let line = &mut lines[row];
                while line.len() < col {
                    line.push(' ');
                }
                if col < line.len() {
                    line[col] = c;
                } else {
                    line.push(c);
                }
                col += 1;
            }
            _ => {}
        }
    }
    lines
        .into_iter()
        .map(|l| l.into_iter().collect::<String>().trim_end().to_string())
        .collect()
}

#[test]
fn no_spinner_is_left_on_screen_after_the_test_and_discovery() {
    let env = TestEnv::new();
    let _lock = crate::common::setup::install_lock();
    let mut session = spawn(&env, &["mcp", "setup", "sequential-thinking", "--yes"]);
    let all = session.expect(Eof).expect("the program ends");
    let raw = String::from_utf8_lossy(all.as_bytes()).into_owned();
    assert!(
        raw.contains("resolving `") || raw.contains("testing `"),
        "no spinner was drawn, so nothing is checked:\n{raw}"
    );
    let shown = screen(all.as_bytes());
    let left: Vec<&String> = shown
        .iter()
        .filter(|l| {
            l.contains("testing `")
                || l.contains("discovering")
                || l.contains("resolving `")
                || l.contains("fetching `")
        })
        .collect();
    assert!(
        left.is_empty(),
        "spinner lines left: {left:?}\n{}",
        shown.join("\n")
    );
    assert!(
        shown
            .iter()
            .any(|l| l.contains("`sequential-thinking` is ready")),
        "{}",
        shown.join("\n")
    );
}

#[test]
fn a_slow_failing_test_leaves_no_spinner_in_the_report() {
    let env = TestEnv::new();
    // Accepts connections and never answers: the test times out after `global_config.timeout`.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let held = std::thread::spawn(move || {
        let mut open = Vec::new();
        for s in listener.incoming().take(4).flatten() {
            open.push(s);
        }
        std::thread::sleep(Duration::from_secs(20));
    });
    let dir = env.home.join(".config/aimcp");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("catalog.json"),
        format!(
            r#"{{"entries":[{{"id":"slow","name":"Slow","description":"never answers",
            "variants":[{{"id":"remote","description":"d","runner":"remote","transport":"http",
                         "url":"http://127.0.0.1:{port}/mcp"}}]}}]}}"#
        ),
    )
    .unwrap();
    env.write(
        ".mcp.json",
        r#"{"servers": {}, "global_config": {"timeout": 1.5}}"#,
    );
    let mut session = spawn(&env, &["mcp", "setup", "slow", "--yes"]);
    session.set_expect_timeout(Some(Duration::from_secs(30)));
    let all = session.expect(Eof).expect("the program ends");
    let shown = screen(all.as_bytes());
    let text = shown.join("\n");
    assert!(text.contains("failed its test"), "{text}");
    let left: Vec<&String> = shown.iter().filter(|l| l.contains("testing `")).collect();
    assert!(left.is_empty(), "spinner lines left: {left:?}\n{text}");
    assert_eq!(
        text.matches("failed its test").count(),
        1,
        "said once:\n{text}"
    );
    drop(held);
}

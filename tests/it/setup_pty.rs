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

/// What a terminal shows after `bytes`: enough of VT100 for indicatif's and the prompts' redraws
/// (`\r`, erase in line, cursor up, down, left and right, to a column, erase below).
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
                    'C' => col += n.max(1),
                    'D' => col = col.saturating_sub(n.max(1)),
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

/// Keys as a terminal sends them.
const CTRL_A: &str = "\x01";
const CTRL_C: &str = "\x03";
const CTRL_D: &str = "\x04";
const CTRL_E: &str = "\x05";
const CTRL_K: &str = "\x0b";
const CTRL_U: &str = "\x15";
const CTRL_W: &str = "\x17";
const RIGHT: &str = "\x1b[C";
const BACKSPACE: &str = "\x7f";

/// The wizard for one server, with nothing fetched, tested or discovered: only the prompts.
fn prompts_only(env: &TestEnv, id: &str) -> expectrl::session::OsSession {
    let mut session = spawn(
        env,
        &[
            "mcp",
            "setup",
            id,
            "--no-install",
            "--no-test",
            "--no-discover",
        ],
    );
    session.set_expect_timeout(Some(Duration::from_secs(20)));
    session
}

/// Sends keys one group at a time, as a person types them.
fn type_keys(session: &mut expectrl::session::OsSession, keys: &[&str]) {
    for k in keys {
        session.send(k).unwrap();
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Everything the program writes until it ends, and its exit code.
fn rest_and_code(session: &mut expectrl::session::OsSession) -> (Vec<u8>, i32) {
    let rest = session.expect(Eof).expect("the program ends");
    let bytes = rest.as_bytes().to_vec();
    let code = match session.get_process().wait().unwrap() {
        WaitStatus::Exited(_, code) => code,
        other => panic!("not a normal exit: {other:?}"),
    };
    (bytes, code)
}

#[test]
fn ctrl_u_clears_the_line_of_a_text_prompt() {
    let env = TestEnv::new();
    let mut session = prompts_only(&env, "sequential-thinking");
    session.expect("Name in .mcp.json").unwrap();
    type_keys(&mut session, &["wrong-name", CTRL_U, "right", "\r"]);
    let mut seen = Seen(Vec::new());
    seen.expect(&mut session, "Write this server and fetch what it needs?");
    session.send("y\r").unwrap();
    let (rest, code) = rest_and_code(&mut session);
    seen.0.extend_from_slice(&rest);
    assert_eq!(code, 0);
    assert_terminal_restored(&session, &seen.0);
    assert!(
        seen.shown()
            .lines()
            .any(|l| l == "? Name in .mcp.json right"),
        "{}",
        seen.shown()
    );
    let doc: serde_json::Value = serde_json::from_str(&env.read(".mcp.json")).unwrap();
    let names: Vec<&String> = doc["mcpServers"].as_object().unwrap().keys().collect();
    assert_eq!(names, ["right"]);
}

#[test]
fn ctrl_u_clears_the_line_of_a_secret_prompt_and_the_secret_is_never_shown() {
    let env = TestEnv::new();
    let mut session = prompts_only(&env, "brave-search");
    let mut seen = Seen(Vec::new());
    seen.expect(&mut session, "Name in .mcp.json");
    session.send("\r").unwrap();
    seen.expect(&mut session, "Brave Search API key");
    type_keys(&mut session, &["wr0ng-key", CTRL_U, "r1ght-5ecret", "\r"]);
    seen.expect(
        &mut session,
        "Store BRAVE_API_KEY in .env (mode 0600, kept out of git)?",
    );
    session.send("y\r").unwrap();
    seen.expect(&mut session, "Write this server and fetch what it needs?");
    session.send("y\r").unwrap();
    let (rest, code) = rest_and_code(&mut session);
    seen.0.extend_from_slice(&rest);
    assert_eq!(code, 0);
    let dotenv = env.read(".env");
    assert!(dotenv.contains("BRAVE_API_KEY=r1ght-5ecret"), "{dotenv}");
    assert!(!dotenv.contains("wr0ng"), "{dotenv}");
    let raw = String::from_utf8_lossy(&seen.0);
    assert!(!raw.contains("5ecret"), "the secret was shown:\n{raw}");
    assert!(!raw.contains("wr0ng"), "the secret was shown:\n{raw}");
    let shown = seen.shown();
    assert!(
        shown
            .lines()
            .any(|l| l == "? Brave Search API key ********"),
        "{shown}"
    );
}

#[test]
fn ctrl_w_ctrl_k_and_the_cursor_keys_edit_a_text_prompt() {
    let env = TestEnv::new();
    let mut session = prompts_only(&env, "sequential-thinking");
    session.expect("Name in .mcp.json").unwrap();
    // `mine-tail` -> cursor after `mine`, Ctrl-K -> `mine`; at the end ` junk`, Ctrl-W ->
    // `mine `; Enter is refused (a space), Backspace -> `mine`.
    type_keys(
        &mut session,
        &[
            "mine-tail",
            CTRL_A,
            RIGHT,
            RIGHT,
            RIGHT,
            RIGHT,
            CTRL_K,
            CTRL_E,
            " junk",
            CTRL_W,
            "\r",
        ],
    );
    session.expect("use letters, digits, `-` and `_`").unwrap();
    type_keys(&mut session, &[BACKSPACE, "\r"]);
    session
        .expect("Write this server and fetch what it needs?")
        .unwrap();
    session.send("y\r").unwrap();
    let (_, code) = rest_and_code(&mut session);
    assert_eq!(code, 0);
    let doc: serde_json::Value = serde_json::from_str(&env.read(".mcp.json")).unwrap();
    let names: Vec<&String> = doc["mcpServers"].as_object().unwrap().keys().collect();
    assert_eq!(names, ["mine"]);
}

#[test]
fn esc_ctrl_c_and_ctrl_d_on_an_empty_line_cancel_a_text_prompt_with_nothing_written() {
    for keys in [
        &["abc", "\x1b"][..],
        &["abc", CTRL_C][..],
        &["abc", CTRL_U, CTRL_D][..],
    ] {
        let env = TestEnv::new();
        let mut session = prompts_only(&env, "sequential-thinking");
        session.expect("Name in .mcp.json").unwrap();
        type_keys(&mut session, keys);
        let (rest, code) = rest_and_code(&mut session);
        let shown = screen(&rest);
        assert_eq!(code, 130, "{keys:?}: {}", shown.join("\n"));
        // Ctrl-C says it was interrupted, Esc and Ctrl-D that it was cancelled: both exit 130.
        let said = if keys.contains(&CTRL_C) {
            "error: interrupted"
        } else {
            "error: cancelled"
        };
        assert!(
            shown.join("\n").trim_end().ends_with(said),
            "{keys:?}: {}",
            shown.join("\n")
        );
        assert!(!env.exists(".mcp.json"), "{keys:?}");
        assert_terminal_restored(&session, &rest);
    }
}

/// After the program: raw mode off (lines and signals are the terminal's again), and the cursor
/// shown and bracketed paste off since they were last changed in `seen`.
fn assert_terminal_restored(session: &expectrl::session::OsSession, seen: &[u8]) {
    use std::os::fd::AsRawFd;
    let pty = session.get_process().get_raw_handle().unwrap();
    // SAFETY: tcgetattr fills the zeroed struct for a valid descriptor, which `pty` holds open.
    let mut mode: libc::termios = unsafe { std::mem::zeroed() };
    assert_eq!(unsafe { libc::tcgetattr(pty.as_raw_fd(), &mut mode) }, 0);
    assert!(
        mode.c_lflag & libc::ICANON != 0 && mode.c_lflag & libc::ISIG != 0,
        "the terminal is left in raw mode"
    );
    let raw = String::from_utf8_lossy(seen);
    let last = |s: &str| raw.rfind(s).map_or(-1, |i| i as i64);
    assert!(
        last("\x1b[?25h") > last("\x1b[?25l"),
        "the cursor is left hidden: {raw:?}"
    );
    assert!(
        last("\x1b[?2004l") > last("\x1b[?2004h"),
        "bracketed paste is left on: {raw:?}"
    );
}

/// Everything received so far, kept across `expect` calls.
struct Seen(Vec<u8>);

impl Seen {
    fn expect(&mut self, session: &mut expectrl::session::OsSession, text: &str) {
        let found = session
            .expect(text)
            .unwrap_or_else(|e| panic!("{e:?} waiting for {text:?}:\n{}", self.shown()));
        self.0.extend_from_slice(found.as_bytes());
    }

    /// Takes in what the program has drawn within a moment, whatever it is.
    fn settle(&mut self, session: &mut expectrl::session::OsSession) {
        std::thread::sleep(Duration::from_millis(300));
        let found = session.check(expectrl::Regex("(?s).+")).unwrap();
        self.0.extend_from_slice(found.as_bytes());
    }

    fn shown(&self) -> String {
        screen(&self.0).join("\n")
    }
}

#[test]
fn the_text_and_secret_prompts_read_as_they_did() {
    let env = TestEnv::new();
    let mut session = prompts_only(&env, "brave-search");
    let mut seen = Seen(Vec::new());
    seen.expect(&mut session, "[letters, digits, `-` and `_`]");
    insta::assert_snapshot!(seen.shown(), @r"
? Name in .mcp.json (brave-search)
[letters, digits, `-` and `_`]
    ");
    session.send("\r").unwrap();
    seen.expect(&mut session, "[get one at https://brave.com/search/api/]");
    type_keys(&mut session, &["abc"]);
    seen.expect(&mut session, "***");
    seen.settle(&mut session);
    insta::assert_snapshot!(seen.shown(), @r"
? Name in .mcp.json brave-search
? Brave Search API key ***
[get one at https://brave.com/search/api/]
    ");
    session.send("\r").unwrap();
    seen.expect(&mut session, "kept out of git)?");
    session.send("y\r").unwrap();
    seen.expect(&mut session, "fetch what it needs?");
    session.send("y\r").unwrap();
    let (rest, code) = rest_and_code(&mut session);
    seen.0.extend_from_slice(&rest);
    assert_eq!(code, 0);
    insta::assert_snapshot!(seen.shown(), @r"
? Name in .mcp.json brave-search
? Brave Search API key ********
? Store BRAVE_API_KEY in .env (mode 0600, kept out of git)? Yes

server `brave-search` in `.mcp.json`:
  command  npx -y @brave/brave-search-mcp-server --transport stdio
  env      BRAVE_API_KEY=${BRAVE_API_KEY}
  secrets  BRAVE_API_KEY -> `.env` (mode 0600, never in `.mcp.json`)
  then     write the file

? Write this server and fetch what it needs? Yes
stored `BRAVE_API_KEY` in `.env` (mode 0600)
added server `brave-search` in `.mcp.json`

`brave-search` is ready.
next:
  aimcp mcp get brave-search        what was written
  aimcp mcp test brave-search       check that it starts and answers
  aimcp run -- claude    start Claude Code with `BRAVE_API_KEY` from `.env` (it does not read `.env` itself)
  or export `BRAVE_API_KEY` in your shell before starting an MCP client
    ");
}

#[test]
fn a_pasted_key_is_taken_without_its_line_break() {
    let env = TestEnv::new();
    let mut session = prompts_only(&env, "brave-search");
    session.expect("Name in .mcp.json").unwrap();
    session.send("\r").unwrap();
    session.expect("Brave Search API key").unwrap();
    // A bracketed paste, as a terminal sends a copied line.
    type_keys(&mut session, &["\x1b[200~pasted-5ecret\n\x1b[201~", "\r"]);
    session
        .expect("Store BRAVE_API_KEY in .env (mode 0600, kept out of git)?")
        .unwrap();
    session.send("y\r").unwrap();
    session
        .expect("Write this server and fetch what it needs?")
        .unwrap();
    session.send("y\r").unwrap();
    let (_, code) = rest_and_code(&mut session);
    assert_eq!(code, 0);
    let dotenv = env.read(".env");
    assert!(
        dotenv.lines().any(|l| l == "BRAVE_API_KEY=pasted-5ecret"),
        "{dotenv:?}"
    );
}

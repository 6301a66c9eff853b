//! `aimcp run -- COMMAND`: a real child with the project's `.env` in its environment.

use std::time::{Duration, Instant};

use crate::common::TestEnv;

const ECHO_KEY: &[&str] = &[
    "run",
    "--",
    "sh",
    "-c",
    "echo \"key=$BRAVE_API_KEY\"; exit 7",
];

#[test]
fn the_child_gets_dotenv_and_its_exit_code_is_aimcps() {
    let env = TestEnv::new();
    env.write(".env", "BRAVE_API_KEY=from-dotenv\nOTHER='a b'\n");
    let run = env.run(ECHO_KEY);
    run.assert_code(7);
    assert_eq!(run.stdout, "key=from-dotenv\n");
    assert_eq!(run.stderr, "");
}

#[test]
fn exported_values_win_over_dotenv() {
    let env = TestEnv::new();
    env.write(".env", "BRAVE_API_KEY=from-dotenv\n");
    let run = crate::common::Run::from(
        env.cmd()
            .args(ECHO_KEY)
            .env("BRAVE_API_KEY", "exported")
            .output()
            .unwrap(),
    );
    run.assert_code(7);
    assert_eq!(run.stdout, "key=exported\n");
}

#[test]
fn the_dotenv_beside_the_config_is_found_from_a_subfolder() {
    let env = TestEnv::new();
    env.write(".mcp.json", r#"{"mcpServers": {}}"#);
    env.write(".env", "BRAVE_API_KEY=beside-config\n");
    std::fs::create_dir_all(env.path("src/deep")).unwrap();
    let run = env.run(&[
        "-C",
        "src/deep",
        "run",
        "--",
        "sh",
        "-c",
        "echo \"key=$BRAVE_API_KEY\"; pwd",
    ]);
    run.assert_code(0);
    // `-C` is where the command starts, too.
    let deep = env.path("src/deep").canonicalize().unwrap();
    assert_eq!(
        run.stdout,
        format!("key=beside-config\n{}\n", deep.display())
    );
}

#[test]
fn env_file_replaces_the_project_dotenv() {
    let env = TestEnv::new();
    env.write(".env", "BRAVE_API_KEY=from-dotenv\n");
    env.write("ci.env", "BRAVE_API_KEY=from-ci\n");
    let mut args = vec!["run", "--env-file", "ci.env"];
    args.extend_from_slice(&ECHO_KEY[1..]);
    let run = env.run(&args);
    run.assert_code(7);
    assert_eq!(run.stdout, "key=from-ci\n");

    let run = env.run(&["run", "--env-file", "nope.env", "--", "true"]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("nope.env` does not exist"),
        "{}",
        run.stderr
    );
}

#[test]
fn without_a_dotenv_nothing_is_added() {
    let env = TestEnv::new();
    let run = env.run(ECHO_KEY);
    run.assert_code(7);
    assert_eq!(run.stdout, "key=\n");
}

#[test]
fn a_missing_command_is_exit_2_naming_it() {
    let env = TestEnv::new();
    let run = env.run(&["run", "--", "no-such-client-xyz", "--flag"]);
    run.assert_code(2);
    insta::assert_snapshot!(run.stderr, @r"
    error: command `no-such-client-xyz` not found
    hint: is it installed and on `PATH`?
    ");
    let run = env.run(&["run"]);
    run.assert_code(2);
}

#[test]
fn a_bad_dotenv_line_is_exit_2_naming_file_and_line_and_runs_nothing() {
    let env = TestEnv::new();
    env.write(".env", "A=1\nBRAVE_API_KEY='unclosed-secret\n");
    let run = env.run(&["run", "--", "sh", "-c", "echo ran"]);
    run.assert_code(2);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr
            .contains(".env` line 2 (the value of `BRAVE_API_KEY`)"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("unclosed-secret"), "{}", run.stderr);
}

#[test]
fn verbose_names_the_variables_but_never_their_values() {
    let env = TestEnv::new();
    env.write(".env", "BRAVE_API_KEY=sk-very-secret\n");
    let run = env.run(&["-vv", "run", "--", "true"]);
    run.assert_code(0);
    assert!(run.stderr.contains("BRAVE_API_KEY"), "{}", run.stderr);
    assert!(run.stderr.contains("running `true`"), "{}", run.stderr);
    assert!(!run.stderr.contains("sk-very-secret"), "{}", run.stderr);
}

#[cfg(unix)]
#[test]
fn sigterm_to_aimcp_reaches_the_child() {
    use std::os::unix::process::ExitStatusExt;
    let env = TestEnv::new();
    let started = Instant::now();
    let mut child = env
        .cmd()
        .args(["run", "--", "sleep", "30"])
        .spawn()
        .unwrap();
    // Give it time to start (and, on Unix, to become `sleep`).
    std::thread::sleep(Duration::from_millis(300));
    // SAFETY: a plain kill(2) of the process this test started.
    let rc = unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    assert_eq!(rc, 0);
    let status = child.wait().unwrap();
    assert_eq!(status.signal(), Some(libc::SIGTERM), "{status:?}");
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[cfg(unix)]
#[test]
fn a_signal_the_child_traps_is_its_to_handle() {
    let env = TestEnv::new();
    let mut child = env
        .cmd()
        .args([
            "run",
            "--",
            "sh",
            "-c",
            "trap 'echo got-hup; exit 5' HUP; echo ready; while :; do sleep 0.05; done",
        ])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut buf = [0u8; 6];
    std::io::Read::read_exact(&mut out, &mut buf).unwrap();
    assert_eq!(&buf, b"ready\n");
    // SAFETY: a plain kill(2) of the process this test started.
    assert_eq!(unsafe { libc::kill(child.id() as i32, libc::SIGHUP) }, 0);
    let status = child.wait().unwrap();
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut out, &mut rest).unwrap();
    assert_eq!(rest, "got-hup\n");
    assert_eq!(status.code(), Some(5));
}

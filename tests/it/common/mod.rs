//! Shared helpers: a temp project and HOME, and a runner for the real `aimcp` binary.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use tempfile::TempDir;

pub mod keychain;
pub mod pg;
pub mod servers;
pub mod setup;

/// A temp HOME with a project folder inside it, and the environment aimcp runs in.
pub struct TestEnv {
    pub root: TempDir,
    pub home: PathBuf,
    pub project: PathBuf,
}

/// What one run of the binary did.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn from(out: Output) -> Self {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Parses stdout as the one JSON document of a `--json` run.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not one JSON document ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }

    #[track_caller]
    pub fn assert_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_aimcp")
}

impl TestEnv {
    pub fn new() -> Self {
        let root = tempfile::Builder::new()
            .prefix("aimcp-it-")
            .tempdir()
            .unwrap();
        let home = root.path().join("home");
        let project = home.join("project");
        std::fs::create_dir_all(&project).unwrap();
        TestEnv {
            root,
            home,
            project,
        }
    }

    /// A command for the binary, started in the project folder, with a clean environment.
    pub fn cmd(&self) -> Command {
        let mut cmd = Command::new(bin());
        cmd.current_dir(&self.project)
            .env("HOME", &self.home)
            .env("XDG_CONFIG_HOME", self.home.join(".config"))
            .env("XDG_DATA_HOME", self.home.join(".local/share"))
            .env("NO_COLOR", "1")
            .env("COLUMNS", "100")
            .env_remove("AIMCP_DB")
            .env_remove("AIMCP_PRICING")
            // sign-ins go to the test's own `credentials.json`, never a developer's keychain
            .env("AIMCP_CREDENTIALS", "file")
            .env_remove("GITHUB_ACTIONS")
            .env_remove("CLAUDE_CONFIG_DIR")
            .env_remove("CODEX_HOME")
            .stdin(Stdio::null());
        cmd
    }

    /// Runs the binary with these arguments.
    pub fn run(&self, args: &[&str]) -> Run {
        Run::from(self.cmd().args(args).output().unwrap())
    }

    /// Runs the binary with stdin from `input`.
    pub fn run_stdin(&self, args: &[&str], input: &str) -> Run {
        self.run_stdin_env(args, input, &[])
    }

    /// Runs the binary with stdin from `input` and extra environment variables.
    pub fn run_stdin_env(&self, args: &[&str], input: &str, vars: &[(&str, &str)]) -> Run {
        use std::io::Write;
        let mut cmd = self.cmd();
        for (k, v) in vars {
            cmd.env(k, v);
        }
        let mut child = cmd
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let input = input.to_string();
        let writer = std::thread::spawn(move || {
            let _ = stdin.write_all(input.as_bytes());
        });
        let out = child.wait_with_output().unwrap();
        writer.join().unwrap();
        Run::from(out)
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.project.join(rel)
    }

    pub fn write(&self, rel: &str, text: &str) -> PathBuf {
        let p = self.path(rel);
        if let Some(dir) = p.parent() {
            std::fs::create_dir_all(dir).unwrap();
        }
        std::fs::write(&p, text).unwrap();
        p
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap()
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.path(rel).exists()
    }
}

/// The crate's root folder.
pub fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}
pub mod usage;

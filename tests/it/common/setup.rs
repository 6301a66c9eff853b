//! Helpers for the `mcp setup` tests: a shared npm cache, a lock around real installs, and the
//! binary in a pseudo-terminal.

use std::fs::File;
use std::path::PathBuf;
use std::process::Command;

use super::{TestEnv, bin, repo_root};

/// npm's cache shared by every test run (temp HOMEs would start cold every time).
pub fn npm_cache() -> PathBuf {
    let dir = repo_root().join("target").join("test-npm-cache");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Held while a test installs from npm: parallel tests fetching the same package into one npx
/// cache would trip over each other.
pub struct InstallLock(#[allow(dead_code)] File);

pub fn install_lock() -> InstallLock {
    let path = repo_root().join("target").join("test-npm-cache.lock");
    let file = File::create(path).unwrap();
    file.lock().unwrap();
    InstallLock(file)
}

impl TestEnv {
    /// `env.cmd()` with npm's cache shared, and `CI` unset so that only the missing terminal
    /// (or a flag) switches prompts off.
    pub fn setup_cmd(&self) -> Command {
        let mut cmd = self.cmd();
        cmd.env("npm_config_cache", npm_cache())
            .env("npm_config_update_notifier", "false")
            .env_remove("CI");
        cmd
    }

    /// Runs `aimcp` with npm's shared cache and no terminal.
    pub fn run_setup(&self, args: &[&str]) -> super::Run {
        let out = self.setup_cmd().args(args).output().unwrap();
        super::Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// A command for a pseudo-terminal: no stdio redirection (the pty provides it), the same
    /// environment as `cmd()`, `CI` unset, a terminal type set.
    pub fn pty_cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(bin());
        cmd.args(args)
            .current_dir(&self.project)
            .env("HOME", &self.home)
            .env("XDG_CONFIG_HOME", self.home.join(".config"))
            .env("XDG_DATA_HOME", self.home.join(".local/share"))
            .env("NO_COLOR", "1")
            .env("TERM", "xterm-256color")
            .env("COLUMNS", "100")
            .env("LINES", "40")
            .env("npm_config_cache", npm_cache())
            .env("npm_config_update_notifier", "false")
            .env_remove("CI")
            .env_remove("AIMCP_DB")
            .env("AIMCP_CREDENTIALS", "file")
            .env_remove("GITHUB_ACTIONS");
        cmd
    }
}

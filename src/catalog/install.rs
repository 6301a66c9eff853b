//! Fetching a catalog entry's package ahead of its first start, so that the first real start is
//! warm: npm packages into npx's cache (and their version resolved for pinning), PyPI packages
//! through uvx or into a virtual environment aimcp makes, Docker images pulled. Prints nothing.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context;

/// What a setup needs from the machine; the real one runs programs, tests use a fake.
pub trait Installer {
    /// Where a program is on `PATH`.
    fn which(&self, program: &str) -> Option<PathBuf>;
    /// The version an npm package spec resolves to now.
    fn resolve_npm(&mut self, package: &str) -> anyhow::Result<String>;
    /// Puts an npm package spec (`name@version`) in npx's cache.
    fn warm_npm(&mut self, spec: &str) -> anyhow::Result<()>;
    /// Puts a PyPI package in uv's cache.
    fn warm_uvx(&mut self, package: &str, bin: &str) -> anyhow::Result<()>;
    /// Installs a PyPI package into a virtual environment at `dir`; returns the executable.
    fn install_venv(&mut self, dir: &Path, package: &str, bin: &str) -> anyhow::Result<PathBuf>;
    /// Pulls a Docker image.
    fn pull_docker(&mut self, image: &str) -> anyhow::Result<()>;
}

/// Runs the real programs, each with a generous time limit.
#[derive(Debug, Default)]
pub struct System;

const RESOLVE_TIMEOUT: Duration = Duration::from_secs(120);
const INSTALL_TIMEOUT: Duration = Duration::from_secs(900);

impl Installer for System {
    fn which(&self, program: &str) -> Option<PathBuf> {
        which::which(program).ok()
    }

    fn resolve_npm(&mut self, package: &str) -> anyhow::Result<String> {
        let out = run(
            Command::new("npm").args(["view", package, "version", "--json"]),
            RESOLVE_TIMEOUT,
        )
        .with_context(|| format!("cannot resolve the npm package `{package}`"))?;
        let version = match serde_json::from_str::<serde_json::Value>(out.trim()) {
            Ok(serde_json::Value::String(v)) => Some(v),
            Ok(serde_json::Value::Array(vs)) => {
                vs.last().and_then(|v| v.as_str()).map(String::from)
            }
            _ => None,
        };
        version.ok_or_else(|| {
            anyhow::anyhow!(
                "npm found no version of `{package}` (it printed `{}`)",
                out.trim()
            )
        })
    }

    fn warm_npm(&mut self, spec: &str) -> anyhow::Result<()> {
        run(
            Command::new("npm").args(["exec", "--yes", "--package", spec, "--", "node", "-e", ""]),
            INSTALL_TIMEOUT,
        )
        .with_context(|| format!("cannot fetch the npm package `{spec}`"))?;
        Ok(())
    }

    fn warm_uvx(&mut self, package: &str, bin: &str) -> anyhow::Result<()> {
        run(
            Command::new("uvx").args(["--from", package, bin, "--help"]),
            INSTALL_TIMEOUT,
        )
        .with_context(|| format!("cannot fetch the PyPI package `{package}` with uvx"))?;
        Ok(())
    }

    fn install_venv(&mut self, dir: &Path, package: &str, bin: &str) -> anyhow::Result<PathBuf> {
        let python = venv_python(dir);
        if !python.is_file() {
            if let Some(parent) = dir.parent() {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("cannot create `{}`", parent.display()))?;
            }
            run(
                Command::new("python3").arg("-m").arg("venv").arg(dir),
                INSTALL_TIMEOUT,
            )
            .with_context(|| format!("cannot make a virtual environment in `{}`", dir.display()))?;
        }
        run(
            Command::new(&python).args([
                "-m",
                "pip",
                "install",
                "--disable-pip-version-check",
                "--quiet",
                "--upgrade",
                package,
            ]),
            INSTALL_TIMEOUT,
        )
        .with_context(|| format!("cannot install the PyPI package `{package}`"))?;
        let exe = venv_bin(dir, bin);
        if !exe.is_file() {
            anyhow::bail!(
                "the PyPI package `{package}` has no executable `{bin}` in `{}`",
                dir.display()
            );
        }
        Ok(exe)
    }

    fn pull_docker(&mut self, image: &str) -> anyhow::Result<()> {
        run(
            Command::new("docker").args(["pull", image]),
            INSTALL_TIMEOUT,
        )
        .with_context(|| format!("cannot pull the Docker image `{image}`"))?;
        Ok(())
    }
}

/// The folder for an entry's virtual environment: `<data dir>/aimcp/venvs/<entry>`.
pub fn venv_dir(entry: &str) -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join("aimcp")
        .join("venvs")
        .join(entry)
}

fn venv_python(dir: &Path) -> PathBuf {
    venv_bin(dir, "python")
}

/// An executable inside a virtual environment.
pub fn venv_bin(dir: &Path, bin: &str) -> PathBuf {
    if cfg!(windows) {
        dir.join("Scripts").join(format!("{bin}.exe"))
    } else {
        dir.join("bin").join(bin)
    }
}

/// Runs a command without stdin, in its own process group, and returns its stdout; fails with
/// the end of its stderr when it fails, and kills the whole group when it outlives `timeout`.
pub fn run(cmd: &mut Command, timeout: Duration) -> anyhow::Result<String> {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    let program = cmd.get_program().to_string_lossy().into_owned();
    let _guard = interrupt::Guard::install();
    let mut child = cmd
        .spawn()
        .with_context(|| format!("cannot start `{program}`"))?;
    interrupt::watch(&child);
    let mut stdout = child.stdout.take();
    let mut stderr = child.stderr.take();
    let out_reader = std::thread::spawn(move || {
        let mut s = String::new();
        if let Some(o) = stdout.as_mut() {
            let _ = o.read_to_string(&mut s);
        }
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        if let Some(e) = stderr.as_mut() {
            let _ = e.read_to_string(&mut s);
        }
        s
    });
    let started = Instant::now();
    let status = loop {
        if interrupt::interrupted() {
            kill_group(&mut child);
            let _ = child.wait();
            let _ = out_reader.join();
            let _ = err_reader.join();
            return Err(crate::error::cancelled().into());
        }
        if let Some(status) = child.try_wait()? {
            break Some(status);
        }
        if started.elapsed() > timeout {
            kill_group(&mut child);
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let out = out_reader.join().unwrap_or_default();
    let err = err_reader.join().unwrap_or_default();
    match status {
        None => anyhow::bail!("`{program}` did not finish within {} s", timeout.as_secs()),
        Some(s) if s.success() => Ok(out),
        Some(s) => {
            let tail: Vec<&str> = err
                .lines()
                .filter(|l| !l.trim().is_empty() && !l.contains("Unknown user config"))
                .collect();
            let tail = tail[tail.len().saturating_sub(8)..].join("\n");
            let code = s
                .code()
                .map(|c| format!("exit code {c}"))
                .unwrap_or_else(|| "a signal".into());
            if tail.is_empty() {
                anyhow::bail!("`{program}` failed with {code}")
            } else {
                anyhow::bail!("`{program}` failed with {code}:\n{tail}")
            }
        }
    }
}

/// Ctrl-C while an install runs: the child has its own process group (so that a time limit can
/// kill all of it), which the terminal's SIGINT does not reach. This handler kills that group;
/// [`run`] then returns [`crate::error::cancelled`], so the caller clears its spinner and exits
/// 130 before anything was written.
mod interrupt {
    #[cfg(unix)]
    use std::sync::atomic::AtomicI32;
    use std::sync::atomic::{AtomicBool, Ordering};

    #[cfg(unix)]
    static GROUP: AtomicI32 = AtomicI32::new(0);

    static INTERRUPTED: AtomicBool = AtomicBool::new(false);

    #[cfg(unix)]
    extern "C" fn on_signal(_: libc::c_int) {
        INTERRUPTED.store(true, Ordering::SeqCst);
        let pgid = GROUP.load(Ordering::SeqCst);
        if pgid > 0 {
            // SAFETY: kill(2) is async-signal-safe.
            unsafe {
                libc::kill(-pgid, libc::SIGKILL);
            }
        }
    }

    /// Whether Ctrl-C (or SIGTERM) arrived since the guard was installed.
    pub fn interrupted() -> bool {
        INTERRUPTED.load(Ordering::SeqCst)
    }

    /// Restores the previous handlers when dropped.
    pub struct Guard {
        #[cfg(unix)]
        previous: [libc::sighandler_t; 2],
    }

    impl Guard {
        pub fn install() -> Guard {
            INTERRUPTED.store(false, Ordering::SeqCst);
            #[cfg(unix)]
            {
                let handler = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
                // SAFETY: installs a handler that only calls async-signal-safe functions.
                let previous = unsafe {
                    [
                        libc::signal(libc::SIGINT, handler),
                        libc::signal(libc::SIGTERM, handler),
                    ]
                };
                Guard { previous }
            }
            #[cfg(not(unix))]
            Guard {}
        }
    }

    impl Drop for Guard {
        fn drop(&mut self) {
            #[cfg(unix)]
            {
                GROUP.store(0, Ordering::SeqCst);
                // SAFETY: puts back the handlers that were there before.
                unsafe {
                    libc::signal(libc::SIGINT, self.previous[0]);
                    libc::signal(libc::SIGTERM, self.previous[1]);
                }
            }
        }
    }

    /// The child whose group a signal kills.
    pub fn watch(child: &std::process::Child) {
        #[cfg(unix)]
        if let Ok(pid) = i32::try_from(child.id()) {
            GROUP.store(pid, Ordering::SeqCst);
        }
        #[cfg(not(unix))]
        let _ = child;
    }
}

fn kill_group(child: &mut std::process::Child) {
    #[cfg(unix)]
    {
        if let Ok(pid) = i32::try_from(child.id()) {
            // SAFETY: kill(2) with a negative pid signals the process group we created for it.
            unsafe {
                libc::kill(-pid, libc::SIGKILL);
            }
            return;
        }
    }
    let _ = child.kill();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failing_command_reports_its_stderr() {
        let err = run(
            Command::new("sh").args(["-c", "echo out; echo broken >&2; exit 3"]),
            Duration::from_secs(30),
        )
        .unwrap_err();
        let text = format!("{err:#}");
        assert!(
            text.contains("exit code 3") && text.contains("broken"),
            "{text}"
        );
        let out = run(
            Command::new("sh").args(["-c", "echo fine"]),
            Duration::from_secs(30),
        );
        assert_eq!(out.unwrap(), "fine\n");
    }

    #[test]
    fn a_command_past_its_time_is_killed_with_its_children() {
        let err = run(
            Command::new("sh").args(["-c", "sleep 30 & sleep 30"]),
            Duration::from_millis(300),
        )
        .unwrap_err();
        assert!(err.to_string().contains("did not finish"), "{err}");
    }
}

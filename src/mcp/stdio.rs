//! stdio: the server is a child process in its own process group; one JSON-RPC message a line.

use std::collections::VecDeque;
use std::path::Path;
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::error::{McpError, Result};
use super::rpc::Inbox;
use super::{Incoming, MAX_MESSAGE, human_size, procs};

/// How much of the server's stderr is kept (the tail).
const STDERR_KEEP: usize = 64 * 1024;
/// How many stderr lines an error shows.
const STDERR_LINES: usize = 10;

pub(crate) struct StdioLink {
    child: tokio::sync::Mutex<Child>,
    pgid: i32,
    program: String,
    /// Lines to write, in order, by the one writer task; `None` once stdin is closed.
    writer: Mutex<Option<mpsc::UnboundedSender<Line>>>,
    stderr: Arc<Mutex<VecDeque<u8>>>,
    stderr_task: Mutex<Option<JoinHandle<()>>>,
    reader: JoinHandle<()>,
    ended: AtomicBool,
    closing: tokio::sync::Mutex<()>,
}

/// One message for stdin.
type Line = Vec<u8>;

impl StdioLink {
    pub(crate) fn spawn(
        program: &str,
        args: &[String],
        env: &[(String, String)],
        cwd: &Path,
        inbox: Inbox,
    ) -> Result<Self> {
        let path_var = env
            .iter()
            .find(|(k, _)| k == "PATH")
            .map(|(_, v)| v.clone())
            .or_else(|| std::env::var("PATH").ok());
        let resolved = which::which_in(program, path_var.as_deref(), cwd).map_err(|_| {
            let hint = match program {
                "npx" | "node" | "npm" => "install Node.js (https://nodejs.org), which provides it",
                "uvx" | "uv" => "install uv (https://docs.astral.sh/uv/), which provides it",
                "docker" => "install Docker, which provides it",
                _ => "install it, or give its full path as `command` in `.mcp.json`",
            };
            if program.contains('/') {
                McpError::new(format!("command `{program}` not found")).hint(hint)
            } else {
                McpError::new(format!("command `{program}` not found on PATH")).hint(hint)
            }
        })?;
        let mut cmd = Command::new(&resolved);
        cmd.args(args)
            .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .current_dir(cwd)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .kill_on_drop(false);
        let mut child = cmd
            .spawn()
            .map_err(|e| McpError::new(format!("cannot start `{program}`: {e}")).retryable())?;
        // Its own group, whose id is its pid. Without a pid (it was reaped already) there is no
        // group to end: an error, never group 0, which would mean our own.
        let Some(pgid) = child.id().map(|p| p as i32).filter(|p| *p > 1) else {
            return Err(McpError::new(format!(
                "cannot start `{program}`: it has no process id (it ended at once)"
            ))
            .retryable());
        };
        procs::register(pgid);
        let stdin = child.stdin.take();
        let stdout = child.stdout.take();
        let stderr_pipe = child.stderr.take();
        let stderr = Arc::new(Mutex::new(VecDeque::new()));
        let stderr_task = stderr_pipe.map(|mut pipe| {
            let keep = stderr.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 8192];
                loop {
                    match pipe.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => {
                            if let Ok(mut k) = keep.lock() {
                                k.extend(&buf[..n]);
                                let over = k.len().saturating_sub(STDERR_KEEP);
                                k.drain(..over);
                            }
                        }
                    }
                }
            })
        });
        let reader = match stdout {
            Some(out) => tokio::spawn(read_stdout(out, inbox.clone())),
            None => tokio::spawn(async {}),
        };
        let writer = stdin.map(|stdin| {
            let (lines, rx) = mpsc::unbounded_channel();
            tokio::spawn(write_stdin(stdin, rx, inbox.clone()));
            lines
        });
        Ok(StdioLink {
            child: tokio::sync::Mutex::new(child),
            pgid,
            program: program.to_string(),
            writer: Mutex::new(writer),
            stderr,
            stderr_task: Mutex::new(stderr_task),
            reader,
            ended: AtomicBool::new(false),
            closing: tokio::sync::Mutex::new(()),
        })
    }

    /// The server's process group.
    pub(crate) fn pgid(&self) -> i32 {
        self.pgid
    }

    /// Queues one message for the writer task, which writes it whole, after those queued before
    /// it (by any task). A write that fails ends the link as an end of stdout does: every
    /// waiter gets the server's exit status and stderr.
    pub(crate) fn send(&self, msg: &Value) -> Result<()> {
        let mut line = serde_json::to_vec(msg).map_err(|e| McpError::new(e.to_string()))?;
        line.push(b'\n');
        match self.writer.lock().ok().as_deref() {
            Some(Some(w)) if w.send(line).is_ok() => Ok(()),
            _ => Err(McpError::new("the server's stdin is closed")),
        }
    }

    /// The last lines of the server's stderr.
    pub(crate) fn stderr_tail(&self) -> Vec<String> {
        let bytes: Vec<u8> = self
            .stderr
            .lock()
            .map(|k| k.iter().copied().collect())
            .unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        let lines: Vec<String> = text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| l.to_string())
            .collect();
        lines[lines.len().saturating_sub(STDERR_LINES)..].to_vec()
    }

    /// Why the server stopped talking: its exit status (waited for briefly) and stderr tail.
    pub(crate) async fn exit_error(&self) -> McpError {
        let status = {
            let mut child = self.child.lock().await;
            tokio::time::timeout(Duration::from_secs(2), child.wait()).await
        };
        let task = self.stderr_task.lock().ok().and_then(|mut t| t.take());
        if let Some(task) = task {
            let _ = tokio::time::timeout(Duration::from_millis(500), task).await;
        }
        let message = match status {
            Ok(Ok(s)) => match s.code() {
                Some(code) => format!("the server process exited with code {code}"),
                None => {
                    use std::os::unix::process::ExitStatusExt;
                    match s.signal() {
                        Some(sig) => format!("the server process was killed by signal {sig}"),
                        None => "the server process exited".to_string(),
                    }
                }
            },
            _ => "the server closed its stdout".to_string(),
        };
        McpError::new(format!("{message} (`{}`)", self.program))
            .retryable()
            .with_stderr(self.stderr_tail())
    }

    /// Closes stdin, gives the server a moment to exit, then ends its whole process group.
    /// Idempotent, and safe to call from several tasks at once.
    pub(crate) async fn close(&self) {
        let _one = self.closing.lock().await;
        if self.ended.load(Ordering::SeqCst) {
            return;
        }
        if let Ok(mut w) = self.writer.lock() {
            *w = None;
        }
        let mut child = self.child.lock().await;
        let _ = tokio::time::timeout(Duration::from_millis(300), child.wait()).await;
        if procs::signal_group(self.pgid, libc::SIGTERM) {
            // 2 s: longer than `mcp serve`'s own grace for its upstreams after a signal (1.5 s),
            // so a gateway started by this client ends its upstreams before it is SIGKILLed
            let deadline = tokio::time::Instant::now() + Duration::from_millis(2000);
            loop {
                // Reap the leader: a zombie still counts as a member of its group.
                let _ = child.try_wait();
                if !procs::group_alive(self.pgid) || tokio::time::Instant::now() >= deadline {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            procs::signal_group(self.pgid, libc::SIGKILL);
        }
        procs::unregister(self.pgid);
        let _ = tokio::time::timeout(Duration::from_millis(500), child.wait()).await;
        self.reader.abort();
        if let Some(t) = self.stderr_task.lock().ok().and_then(|mut t| t.take()) {
            t.abort();
        }
        self.ended.store(true, Ordering::SeqCst);
    }
}

impl Drop for StdioLink {
    fn drop(&mut self) {
        if !*self.ended.get_mut() {
            procs::signal_group(self.pgid, libc::SIGKILL);
            procs::unregister(self.pgid);
            let child = self.child.get_mut();
            let _ = child.start_kill();
            // Reap it (SIGKILL is quick), so that no zombie outlives us either.
            for _ in 0..100 {
                if !matches!(child.try_wait(), Ok(None)) {
                    break;
                }
                std::thread::sleep(Duration::from_millis(2));
            }
            self.reader.abort();
            if let Some(t) = self.stderr_task.get_mut().ok().and_then(Option::take) {
                t.abort();
            }
        }
    }
}

/// The one writer of the server's stdin: what is queued is written in order, several lines at
/// a time when they queue up; stdin closes when the queue's sender is dropped. A failed write
/// ends the link.
async fn write_stdin(
    mut stdin: ChildStdin,
    mut lines: mpsc::UnboundedReceiver<Line>,
    inbox: Inbox,
) {
    let mut batch: Vec<u8> = Vec::new();
    while let Some(line) = lines.recv().await {
        batch.extend_from_slice(&line);
        while batch.len() < 1024 * 1024 {
            match lines.try_recv() {
                Ok(line) => batch.extend_from_slice(&line),
                Err(_) => break,
            }
        }
        let ok = stdin.write_all(&batch).await.is_ok() && stdin.flush().await.is_ok();
        batch.clear();
        if !ok {
            let _ = inbox.send(Incoming::Eof).await;
            return;
        }
    }
}

/// Reads one message a line; a line over [`MAX_MESSAGE`] or one that is not JSON-RPC ends the
/// link with an error.
async fn read_stdout(out: ChildStdout, tx: Inbox) {
    let mut reader = BufReader::with_capacity(64 * 1024, out);
    let mut line: Vec<u8> = Vec::new();
    loop {
        line.clear();
        match read_line_capped(&mut reader, &mut line, MAX_MESSAGE).await {
            Ok(LineRead::Eof) => {
                let _ = tx.send(Incoming::Eof).await;
                return;
            }
            Ok(LineRead::TooLong) => {
                let _ = tx
                    .send(Incoming::Failed(McpError::new(format!(
                        "the server sent a message larger than {} on stdout",
                        human_size(MAX_MESSAGE)
                    ))))
                    .await;
                return;
            }
            Ok(LineRead::Line) => {}
            Err(e) => {
                let _ = tx
                    .send(Incoming::Failed(McpError::new(format!(
                        "cannot read the server's stdout: {e}"
                    ))))
                    .await;
                return;
            }
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        match super::parse_message(text) {
            Ok(messages) => {
                for m in messages {
                    if tx.send(Incoming::Message(m)).await.is_err() {
                        return;
                    }
                }
            }
            Err(e) => {
                let _ = tx.send(Incoming::Failed(e)).await;
                return;
            }
        }
    }
}

enum LineRead {
    Line,
    Eof,
    TooLong,
}

async fn read_line_capped(
    reader: &mut BufReader<ChildStdout>,
    line: &mut Vec<u8>,
    cap: usize,
) -> std::io::Result<LineRead> {
    loop {
        let buf = reader.fill_buf().await?;
        if buf.is_empty() {
            return Ok(if line.is_empty() {
                LineRead::Eof
            } else {
                LineRead::Line
            });
        }
        let (take, done) = match buf.iter().position(|b| *b == b'\n') {
            Some(i) => (i + 1, true),
            None => (buf.len(), false),
        };
        if line.len() + take > cap + 1 {
            return Ok(LineRead::TooLong);
        }
        line.extend_from_slice(&buf[..take]);
        reader.consume(take);
        if done {
            return Ok(LineRead::Line);
        }
    }
}

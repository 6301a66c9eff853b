//! The process groups of the stdio servers this process started, so that every exit path ends
//! them: a normal shutdown, a drop on an error path, and Ctrl-C / SIGTERM (see
//! [`install_signal_handler`]).

use std::sync::Mutex;

static LIVE: Mutex<Vec<i32>> = Mutex::new(Vec::new());

pub(crate) fn register(pgid: i32) {
    if let Ok(mut live) = LIVE.lock() {
        live.push(pgid);
    }
}

pub(crate) fn unregister(pgid: i32) {
    if let Ok(mut live) = LIVE.lock() {
        live.retain(|p| *p != pgid);
    }
}

/// The groups registered now (for tests that check they end).
#[cfg(test)]
pub(crate) fn live() -> Vec<i32> {
    LIVE.lock().map(|l| l.clone()).unwrap_or_default()
}

/// Sends `signal` to every process of group `pgid`; false when none is left.
pub(crate) fn signal_group(pgid: i32, signal: i32) -> bool {
    if pgid <= 1 {
        return false;
    }
    // SAFETY: killpg has no memory-safety preconditions; pgid > 1 never names our own group
    // (every server is started with `process_group(0)`, so its group id is its own pid).
    unsafe { libc::killpg(pgid, signal) == 0 }
}

/// Whether any process of group `pgid` is still alive.
pub(crate) fn group_alive(pgid: i32) -> bool {
    signal_group(pgid, 0)
}

/// Sends `signal` to every registered group at once, leaving them registered.
pub fn signal_all(signal: i32) {
    let groups = LIVE.lock().map(|l| l.clone()).unwrap_or_default();
    for pgid in groups {
        signal_group(pgid, signal);
    }
}

/// Kills every registered group at once (SIGKILL); used on Ctrl-C and as a last safety net.
pub fn kill_all() {
    let groups = LIVE.lock().map(|l| l.clone()).unwrap_or_default();
    for pgid in groups {
        signal_group(pgid, libc::SIGKILL);
        unregister(pgid);
    }
}

/// On Ctrl-C or SIGTERM: kill every server's group and exit 130. Call inside a runtime.
pub(crate) fn install_signal_handler() {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut int), Ok(mut term)) = (
        signal(SignalKind::interrupt()),
        signal(SignalKind::terminate()),
    ) else {
        return;
    };
    tokio::spawn(async move {
        tokio::select! {
            _ = int.recv() => {}
            _ = term.recv() => {}
        }
        kill_all();
        std::process::exit(130);
    });
}

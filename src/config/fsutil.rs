//! Atomic saves and the advisory lock around read-modify-write.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;

/// Holds an exclusive advisory lock on a folder until dropped. Locking the folder, not the file,
/// keeps the lock valid across the rename that replaces the file, and leaves no lock file behind.
pub struct DirLock {
    _file: File,
}

/// Takes the exclusive lock for edits to files in `dir`, waiting for other aimcp processes.
pub fn lock_dir(dir: &Path) -> anyhow::Result<DirLock> {
    let file = File::open(dir).with_context(|| format!("cannot open `{}`", dir.display()))?;
    file.lock()
        .with_context(|| format!("cannot lock `{}`", dir.display()))?;
    Ok(DirLock { _file: file })
}

/// The real file a path names (following a symlink), so that saving replaces the target and
/// keeps the link.
pub fn resolve_target(path: &Path) -> PathBuf {
    match fs::canonicalize(path) {
        Ok(real) => real,
        Err(_) => path.to_path_buf(),
    }
}

/// Writes `contents` to `path` atomically: a temp file in the same folder, fsync, rename over the
/// old file, keeping its permissions (a new file gets 0644, or `new_mode` when given).
pub fn write_atomic(path: &Path, contents: &[u8], new_mode: Option<u32>) -> anyhow::Result<()> {
    let target = resolve_target(path);
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".aimcp-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in `{}`", dir.display()))?;
    tmp.write_all(contents)
        .and_then(|()| tmp.as_file().sync_all())
        .with_context(|| format!("cannot write `{}`", target.display()))?;
    let perms = match fs::metadata(&target) {
        Ok(meta) => meta.permissions(),
        Err(_) => {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                fs::Permissions::from_mode(new_mode.unwrap_or(0o644))
            }
            #[cfg(not(unix))]
            {
                let _ = new_mode;
                tmp.as_file().metadata()?.permissions()
            }
        }
    };
    fs::set_permissions(tmp.path(), perms)
        .with_context(|| format!("cannot set permissions on `{}`", tmp.path().display()))?;
    tmp.persist(&target)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot replace `{}`", target.display()))?;
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

//! This machine's id: stamped on every request recorded here, so that a team ledger fed by
//! `tokens sync` from many laptops and CI runners knows where each row came from (and finds a
//! synced row again). Made once, as `<host>-<8 hex digits>`, and kept in
//! `<data dir>/aimcp/machine-id`; `AIMCP_MACHINE` overrides it (CI runners, tests).

use std::path::{Path, PathBuf};

/// The longest id kept (longer ones, given or read, are cut).
const MAX_LEN: usize = 100;

/// The machine id: `given` (from `AIMCP_MACHINE`) when set, else the one kept in
/// `<data dir>/aimcp/machine-id`, made and saved on first use. When the file cannot be written,
/// the host name alone serves (stable, if less unique).
pub fn id(given: Option<&str>, data_dir: Option<&Path>) -> String {
    if let Some(g) = given.map(str::trim).filter(|g| !g.is_empty()) {
        return clean(g);
    }
    let Some(dir) = data_dir else {
        return host();
    };
    let file = dir.join("aimcp").join("machine-id");
    if let Ok(text) = std::fs::read_to_string(&file) {
        let text = text.trim();
        if !text.is_empty() {
            return clean(text);
        }
    }
    let made = format!("{}-{}", host(), random_hex(4));
    match save(&file, &made) {
        // another process may have saved its own first: the file wins
        Ok(()) => std::fs::read_to_string(&file)
            .ok()
            .map(|t| clean(t.trim()))
            .filter(|t| !t.is_empty())
            .unwrap_or(made),
        Err(_) => host(),
    }
}

/// The machine id if one is known without making it: `given`, else the one kept in
/// `<data dir>/aimcp/machine-id`. For commands that only read: they never create the file.
pub fn kept(given: Option<&str>, data_dir: Option<&Path>) -> Option<String> {
    if let Some(g) = given.map(str::trim).filter(|g| !g.is_empty()) {
        return Some(clean(g));
    }
    let text = std::fs::read_to_string(data_dir?.join("aimcp").join("machine-id")).ok()?;
    Some(clean(text.trim())).filter(|t| !t.is_empty())
}

/// The default folder of the id: `dirs::data_dir()`.
pub fn default_dir() -> Option<PathBuf> {
    dirs::data_dir()
}

/// Printable, without spaces, at most [`MAX_LEN`] characters.
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_whitespace() || c.is_control() {
                '-'
            } else {
                c
            }
        })
        .take(MAX_LEN)
        .collect()
}

fn host() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: the buffer is valid for its length; gethostname writes at most that many bytes.
    let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    let name = if rc == 0 {
        let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
        String::from_utf8_lossy(&buf[..end]).into_owned()
    } else {
        String::new()
    };
    let name = name.split('.').next().unwrap_or("").trim().to_string();
    if name.is_empty() {
        "machine".to_string()
    } else {
        clean(&name)
    }
}

/// `bytes` random bytes from the system's random source, as hex.
pub fn random_hex(bytes: usize) -> String {
    crate::random::bytes(bytes)
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

/// Writes the id beside where it belongs and renames it into place, unless one is there.
fn save(file: &Path, id: &str) -> std::io::Result<()> {
    let dir = file.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(".machine-id.{}", std::process::id()));
    std::fs::write(&tmp, format!("{id}\n"))?;
    // a hard link fails when the file exists: the first process's id stays
    let linked = std::fs::hard_link(&tmp, file);
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_made_once_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let a = id(None, Some(dir.path()));
        let b = id(None, Some(dir.path()));
        assert_eq!(a, b);
        assert!(a.len() > 9, "{a}");
        let kept = std::fs::read_to_string(dir.path().join("aimcp").join("machine-id")).unwrap();
        assert_eq!(kept.trim(), a);
        assert_eq!(id(Some(" ci runner 7 "), Some(dir.path())), "ci-runner-7");
    }

    #[test]
    fn a_kept_id_is_read_but_never_made() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(kept(None, Some(dir.path())), None);
        assert!(!dir.path().join("aimcp").exists());
        assert_eq!(kept(Some("ci"), Some(dir.path())).as_deref(), Some("ci"));
        let made = id(None, Some(dir.path()));
        assert_eq!(kept(None, Some(dir.path())), Some(made));
        assert_eq!(random_hex(16).len(), 32);
    }
}

//! Storing secrets in the project's `.env`: mode 0600, listed in `.gitignore` when the project is
//! a git repository, and never when `.env` is tracked by git. Reading is
//! [`super::env::EnvResolver`]'s job.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::Context;

use super::fsutil::{lock_dir, write_atomic};
use crate::error::{no, usage};

pub const DOTENV_FILE: &str = ".env";

/// What [`store`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub path: PathBuf,
    /// `.env` was added to this `.gitignore`.
    pub gitignore: Option<PathBuf>,
}

/// Fails when `<dir>/.env` is tracked by git: a secret written there would be committed.
/// `otherwise` is the second hint: how to keep the secret out of files with this command.
pub fn check_not_tracked(dir: &Path, otherwise: &str) -> anyhow::Result<()> {
    if git(dir, &["ls-files", "--error-unmatch", "--", DOTENV_FILE]).is_some_and(|o| o.0) {
        return Err(no(format!(
            "`{}` is tracked by git, so a secret stored there would be committed",
            dir.join(DOTENV_FILE).display()
        ))
        .hint("untrack it with `git rm --cached .env` and add `.env` to `.gitignore`")
        .hint(otherwise)
        .into());
    }
    Ok(())
}

/// Reads a `.env` file, in order. A line that cannot be parsed is exit 2 naming the file and the
/// line; the values are never part of an error.
pub fn read(path: &Path) -> anyhow::Result<Vec<(String, String)>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read `{}`", path.display()))?;
    let mut out = Vec::new();
    for item in dotenvy::from_read_iter(text.as_bytes()) {
        match item {
            Ok(pair) => out.push(pair),
            Err(dotenvy::Error::LineParse(line, _)) => {
                let number = text
                    .find(line.as_str())
                    .map(|at| text[..at].matches('\n').count() + 1);
                let name = line.split('=').next().unwrap_or("").trim();
                let name = name.strip_prefix("export ").unwrap_or(name).trim();
                let what = if !name.is_empty()
                    && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                {
                    format!(" (the value of `{name}`)")
                } else {
                    String::new()
                };
                let place = match number {
                    Some(n) => format!("`{}` line {n}", path.display()),
                    None => format!("`{}`", path.display()),
                };
                return Err(usage(format!("cannot parse {place}{what}"))
                    .hint("a line is `NAME=value`; quote a value that has spaces or `#`: `NAME='a b'`")
                    .into());
            }
            Err(e) => {
                return Err(usage(format!("cannot read `{}`: {e}", path.display())).into());
            }
        }
    }
    Ok(out)
}

/// Sets `values` in `<dir>/.env` (replacing earlier lines for the same names, keeping everything
/// else), with mode 0600; adds `.env` to `<dir>/.gitignore` when `dir` is in a git work tree and
/// git does not ignore it yet.
pub fn store(dir: &Path, values: &[(String, String)]) -> anyhow::Result<Stored> {
    check_not_tracked(
        dir,
        "or keep the secret out of files and export the variable",
    )?;
    let path = {
        let _lock = lock_dir(dir)?;
        write_values(dir, values)?
    };
    let gitignore = ignore_in_git(dir)?;
    Ok(Stored { path, gitignore })
}

/// [`store`] for a caller that already holds the folder's lock (`config::edit_at`, so that
/// `.env` is written before `.mcp.json` under one lock). Taking the lock again would wait for
/// ever: it is held through another open file.
pub fn store_locked(dir: &Path, values: &[(String, String)]) -> anyhow::Result<Stored> {
    check_not_tracked(
        dir,
        "or keep the secret out of files and export the variable",
    )?;
    let path = write_values(dir, values)?;
    let gitignore = ignore_in_git(dir)?;
    Ok(Stored { path, gitignore })
}

fn write_values(dir: &Path, values: &[(String, String)]) -> anyhow::Result<std::path::PathBuf> {
    let path = dir.join(DOTENV_FILE);
    let old = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => {
            return Err(anyhow::Error::new(e).context(format!("cannot read `{}`", path.display())));
        }
    };
    let text = set_values(&old, values);
    write_atomic(&path, text.as_bytes(), Some(0o600))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
            .with_context(|| format!("cannot set permissions on `{}`", path.display()))?;
    }
    Ok(path)
}

/// The `.env` text with `values` set: an existing `NAME=` (or `export NAME=`) line is replaced in
/// place, new names are appended.
pub fn set_values(old: &str, values: &[(String, String)]) -> String {
    let mut lines: Vec<String> = old.lines().map(String::from).collect();
    for (name, value) in values {
        let line = format!("{name}={}", quote(value));
        let found = lines.iter().position(|l| {
            let l = l.trim_start();
            let l = l.strip_prefix("export ").unwrap_or(l).trim_start();
            l.strip_prefix(name.as_str())
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        });
        match found {
            Some(i) => lines[i] = line,
            None => lines.push(line),
        }
    }
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

/// A value as `.env` needs it: bare when plain, else single-quoted (literal), else double-quoted.
fn quote(value: &str) -> String {
    let plain = value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_./:@+,%^~".contains(c));
    if plain && !value.is_empty() {
        value.to_string()
    } else if !value.contains('\'') && !value.contains('\n') {
        format!("'{value}'")
    } else {
        let mut out = String::from("\"");
        for c in value.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '$' => out.push_str("\\$"),
                '\n' => out.push_str("\\n"),
                c => out.push(c),
            }
        }
        out.push('"');
        out
    }
}

/// Runs git in `dir`; None when git is missing. Returns (success, stdout).
fn git(dir: &Path, args: &[&str]) -> Option<(bool, String)> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    Some((
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    ))
}

/// Whether `dir` is inside a git work tree.
pub fn in_git_repo(dir: &Path) -> bool {
    git(dir, &["rev-parse", "--is-inside-work-tree"])
        .is_some_and(|(ok, out)| ok && out.trim() == "true")
}

/// Adds `.env` to `<dir>/.gitignore` when `dir` is in a git work tree and `.env` is not ignored.
fn ignore_in_git(dir: &Path) -> anyhow::Result<Option<PathBuf>> {
    if !in_git_repo(dir) {
        return Ok(None);
    }
    if git(dir, &["check-ignore", "-q", "--", DOTENV_FILE]).is_some_and(|(ok, _)| ok) {
        return Ok(None);
    }
    let path = dir.join(".gitignore");
    let mut text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => {
            return Err(anyhow::Error::new(e).context(format!("cannot read `{}`", path.display())));
        }
    };
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(".env\n");
    write_atomic(&path, text.as_bytes(), None)?;
    Ok(Some(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn values_round_trip_through_dotenvy() {
        let tricky = [
            ("PLAIN", "abc-123_x.y"),
            ("SPACES", "a b c"),
            ("QUOTE", "it's \"quoted\" $HOME \\ end"),
            ("HASH", "a#b"),
            ("EMPTY", ""),
        ];
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env");
        std::fs::write(&path, set_values("", &pairs(&tricky))).unwrap();
        let read = super::super::env::read_dotenv(&path).unwrap();
        for (k, v) in tricky {
            assert_eq!(read.get(k).map(String::as_str), Some(v), "{k}");
        }
    }

    #[test]
    fn existing_names_are_replaced_in_place_and_the_rest_kept() {
        let old = "# mine\nexport A=1\nB = 2\nC=3";
        let new = set_values(old, &pairs(&[("B", "x"), ("D", "y")]));
        assert_eq!(new, "# mine\nexport A=1\nB=x\nC=3\nD=y\n");
    }

    #[test]
    fn a_bad_line_names_the_file_and_line_but_not_the_value() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env");
        std::fs::write(&path, "# c\nA=1\n\nB='unclosed secret-xyz\n").unwrap();
        let err = read(&path).unwrap_err();
        let text = err.to_string();
        assert!(text.contains(".env` line 4 (the value of `B`)"), "{text}");
        assert!(!text.contains("secret-xyz"), "{text}");
        assert_eq!(crate::error::exit_code(&err), 2);
        std::fs::write(&path, "A=1\nexport C=\"x y\"\n").unwrap();
        assert_eq!(read(&path).unwrap(), pairs(&[("A", "1"), ("C", "x y")]));
    }

    #[cfg(unix)]
    #[test]
    fn store_makes_a_private_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let stored = store(dir.path(), &pairs(&[("K", "v")])).unwrap();
        let mode = std::fs::metadata(&stored.path)
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        assert_eq!(std::fs::read_to_string(&stored.path).unwrap(), "K=v\n");
    }
}

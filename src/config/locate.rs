//! Finding `.mcp.json` the way Claude Code finds its project file.

use std::path::{Path, PathBuf};

use super::CONFIG_FILE;
use super::document::not_a_file;
use crate::error::usage;

/// Where the `.mcp.json` is, and whether it exists yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub path: PathBuf,
    pub exists: bool,
}

/// `--config FILE` when given (relative to the project dir); else `.mcp.json` in the project dir or
/// the nearest parent that has one (a folder of that name is passed over); else a new
/// `.mcp.json` in the project dir. A folder where the file would be is an error.
pub fn locate(project_dir: &Path, explicit: Option<&Path>) -> anyhow::Result<Located> {
    if let Some(file) = explicit {
        let path = project_dir.join(file);
        if path.is_dir() {
            return Err(not_a_file(&path).into());
        }
        let exists = path.exists();
        return Ok(Located { path, exists });
    }
    for dir in project_dir.ancestors() {
        let candidate = dir.join(CONFIG_FILE);
        if candidate.is_file() {
            return Ok(Located {
                path: candidate,
                exists: true,
            });
        }
    }
    let path = project_dir.join(CONFIG_FILE);
    if path.is_dir() {
        return Err(not_a_file(&path).into());
    }
    Ok(Located {
        path,
        exists: false,
    })
}

/// Like [`locate`], for a command that only reads: a file named with `--config` must exist (a
/// typo in CI must fail, not find no servers).
pub fn locate_existing(project_dir: &Path, explicit: Option<&Path>) -> anyhow::Result<Located> {
    let located = locate(project_dir, explicit)?;
    if let (Some(file), false) = (explicit, located.exists) {
        return Err(usage(format!(
            "`--config {}`: `{}` does not exist",
            file.display(),
            located.path.display()
        ))
        .hint("check the path; `aimcp mcp add` and `aimcp mcp setup` create a new file")
        .into());
    }
    Ok(located)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_up_to_the_nearest_parent_with_a_file() {
        let root = tempfile::tempdir().unwrap();
        let deep = root.path().join("a/b/c");
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::write(root.path().join("a/.mcp.json"), "{}").unwrap();
        let found = locate(&deep, None).unwrap();
        assert_eq!(found.path, root.path().join("a/.mcp.json"));
        assert!(found.exists);
    }

    #[test]
    fn a_new_file_goes_in_the_project_dir() {
        let root = tempfile::tempdir().unwrap();
        let found = locate(root.path(), None).unwrap();
        assert_eq!(found.path, root.path().join(".mcp.json"));
        assert!(!found.exists);
    }

    #[test]
    fn explicit_paths_are_relative_to_the_project_dir() {
        let root = tempfile::tempdir().unwrap();
        let found = locate(root.path(), Some(Path::new("conf/x.json"))).unwrap();
        assert_eq!(found.path, root.path().join("conf/x.json"));
        assert!(!found.exists);
        let err = locate_existing(root.path(), Some(Path::new("conf/x.json"))).unwrap_err();
        assert!(err.to_string().contains("x.json` does not exist"), "{err}");
    }

    #[test]
    fn a_folder_of_that_name_is_not_a_config() {
        let root = tempfile::tempdir().unwrap();
        let deep = root.path().join("a/b");
        std::fs::create_dir_all(deep.join(".mcp.json")).unwrap();
        std::fs::write(root.path().join("a/.mcp.json"), "{}").unwrap();
        assert_eq!(
            locate(&deep, None).unwrap().path,
            root.path().join("a/.mcp.json")
        );
        std::fs::remove_file(root.path().join("a/.mcp.json")).unwrap();
        let err = locate(&deep, None).unwrap_err();
        assert!(err.to_string().contains("is a folder, not a file"), "{err}");
        let err = locate(root.path(), Some(Path::new("a/b/.mcp.json"))).unwrap_err();
        assert!(err.to_string().contains("is a folder, not a file"), "{err}");
    }
}

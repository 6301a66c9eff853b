//! Finding `.mcp.json` the way Claude Code finds its project file.

use std::path::{Path, PathBuf};

use super::CONFIG_FILE;

/// Where the `.mcp.json` is, and whether it exists yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub path: PathBuf,
    pub exists: bool,
}

/// `--config FILE` when given (relative to the project dir); else `.mcp.json` in the project dir or
/// the nearest parent that has one; else a new `.mcp.json` in the project dir.
pub fn locate(project_dir: &Path, explicit: Option<&Path>) -> Located {
    if let Some(file) = explicit {
        let path = project_dir.join(file);
        let exists = path.exists();
        return Located { path, exists };
    }
    for dir in project_dir.ancestors() {
        let candidate = dir.join(CONFIG_FILE);
        if candidate.is_file() {
            return Located {
                path: candidate,
                exists: true,
            };
        }
    }
    Located {
        path: project_dir.join(CONFIG_FILE),
        exists: false,
    }
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
        let found = locate(&deep, None);
        assert_eq!(found.path, root.path().join("a/.mcp.json"));
        assert!(found.exists);
    }

    #[test]
    fn a_new_file_goes_in_the_project_dir() {
        let root = tempfile::tempdir().unwrap();
        let found = locate(root.path(), None);
        assert_eq!(found.path, root.path().join(".mcp.json"));
        assert!(!found.exists);
    }

    #[test]
    fn explicit_paths_are_relative_to_the_project_dir() {
        let root = tempfile::tempdir().unwrap();
        let found = locate(root.path(), Some(Path::new("conf/x.json")));
        assert_eq!(found.path, root.path().join("conf/x.json"));
        assert!(!found.exists);
    }
}

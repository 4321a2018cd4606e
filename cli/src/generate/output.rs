//! A set of generated files under one root: written, or compared with what is on disk
//! (`--check`, which CI runs so a stale generated file fails the build).

use crate::exit::Exit;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

pub struct GeneratedTree {
    root: PathBuf,
    /// Path relative to `root` -> full content.
    files: BTreeMap<PathBuf, String>,
    /// Folders (relative to `root`) the generator owns wholly: a file in them that it no
    /// longer generates is stale and gets removed.
    owned_dirs: Vec<PathBuf>,
}

impl GeneratedTree {
    pub fn new(root: &Path) -> Self {
        GeneratedTree {
            root: root.to_path_buf(),
            files: BTreeMap::new(),
            owned_dirs: Vec::new(),
        }
    }

    pub fn add(&mut self, relative: impl Into<PathBuf>, content: String) {
        self.files.insert(relative.into(), content);
    }

    pub fn own_dir(&mut self, relative: impl Into<PathBuf>) {
        self.owned_dirs.push(relative.into());
    }

    /// What differs from disk, one line per file, e.g. `docs/index.md: out of date`.
    pub fn stale(&self) -> io::Result<Vec<String>> {
        let mut problems = Vec::new();
        for (relative, content) in &self.files {
            let path = self.root.join(relative);
            match fs::read_to_string(&path) {
                Ok(on_disk) if on_disk == *content => {}
                Ok(_) => problems.push(format!("{}: out of date", path.display())),
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    problems.push(format!("{}: missing", path.display()))
                }
                Err(e) => return Err(io::Error::new(e.kind(), format!("{}: {e}", path.display()))),
            }
        }
        for extra in self.extra_files()? {
            problems.push(format!(
                "{}: no longer generated",
                self.root.join(extra).display()
            ));
        }
        Ok(problems)
    }

    /// Writes every file whose content changed and removes stale files in owned folders.
    pub fn write(&self) -> io::Result<()> {
        for extra in self.extra_files()? {
            let path = self.root.join(extra);
            fs::remove_file(&path)
                .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
        }
        for (relative, content) in &self.files {
            let path = self.root.join(relative);
            if fs::read_to_string(&path).ok().as_deref() == Some(content.as_str()) {
                continue;
            }
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent)
                    .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", parent.display())))?;
            }
            fs::write(&path, content)
                .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
        }
        Ok(())
    }

    fn extra_files(&self) -> io::Result<BTreeSet<PathBuf>> {
        let mut extra = BTreeSet::new();
        for dir in &self.owned_dirs {
            collect_files(&self.root, dir, &mut extra)?;
        }
        extra.retain(|f| !self.files.contains_key(f));
        Ok(extra)
    }

    /// Writes, or with `check` reports what is stale; the exit code a generator returns.
    pub fn finish(&self, check: bool, regenerate_command: &str) -> Exit {
        let outcome = if check {
            self.stale().map(|problems| {
                for problem in &problems {
                    eprintln!("{problem}");
                }
                if !problems.is_empty() {
                    eprintln!("generated files are stale: run `{regenerate_command}` and commit the result");
                }
                problems.is_empty()
            })
        } else {
            self.write().map(|()| true)
        };
        match outcome {
            Ok(true) => Exit::Success,
            Ok(false) => Exit::Failure,
            Err(e) => {
                eprintln!("error: {e}");
                Exit::Failure
            }
        }
    }
}

fn collect_files(root: &Path, relative: &Path, into: &mut BTreeSet<PathBuf>) -> io::Result<()> {
    let dir = root.join(relative);
    let entries = match fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io::Error::new(e.kind(), format!("{}: {e}", dir.display()))),
    };
    for entry in entries {
        let entry = entry?;
        let child = relative.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            collect_files(root, &child, into)?;
        } else {
            into.insert(child);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("backstop-output-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("temp dir");
        dir
    }

    #[test]
    fn check_reports_missing_changed_and_no_longer_generated_files_then_write_fixes_them() {
        let root = scratch("check");
        fs::create_dir_all(root.join("docs/resources")).expect("mkdir");
        fs::write(root.join("docs/index.md"), "old\n").expect("write");
        fs::write(root.join("docs/resources/gone.md"), "x\n").expect("write");
        fs::write(root.join("docs/hand-written.md"), "kept\n").expect("write");
        let mut tree = GeneratedTree::new(&root);
        tree.own_dir("docs/resources");
        tree.add("docs/index.md", "new\n".to_string());
        tree.add("docs/resources/job.md", "job\n".to_string());

        let stale = tree.stale().expect("stale");
        assert_eq!(stale.len(), 3, "{stale:?}");
        assert!(stale[0].ends_with("docs/index.md: out of date"));
        assert!(stale[1].ends_with("docs/resources/job.md: missing"));
        assert!(stale[2].ends_with("docs/resources/gone.md: no longer generated"));

        tree.write().expect("write");
        assert!(tree.stale().expect("stale").is_empty());
        assert!(!root.join("docs/resources/gone.md").exists());
        assert_eq!(
            fs::read_to_string(root.join("docs/hand-written.md")).expect("read"),
            "kept\n"
        );
        let _ = fs::remove_dir_all(&root);
    }
}

//! Finds the files and stacks of a repository and parses every file (in parallel: a
//! 500-stack repository has thousands of small files and parsing dominates the run).

use super::source::SourceFile;
use super::stacks::{self, Selection, StackPlan};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

pub struct Repo {
    pub root: PathBuf,
    pub files: Vec<SourceFile>,
    /// `.tf`/`.hcl` files of each folder (Terraform reads a module as all files in a folder).
    pub hcl_by_dir: BTreeMap<PathBuf, Vec<usize>>,
    pub by_path: HashMap<PathBuf, usize>,
    /// `*.tf.json` files of each folder: Terraform reads them, the linter says it does not.
    pub tf_json_by_dir: HashMap<PathBuf, Vec<usize>>,
    /// Stack folders (see `stacks` for what makes one), sorted.
    pub stacks: Vec<PathBuf>,
    /// How each stack of `stacks` (same order) is read.
    pub plans: Vec<StackPlan>,
}

/// Folders that hold caches or other tools' state, never sources a user wrote.
const SKIPPED_DIRS: [&str; 7] = [
    ".git",
    ".terraform",
    ".terragrunt-cache",
    "target",
    "node_modules",
    ".venv",
    ".external_modules",
];
const READ_EXTENSIONS: [&str; 7] = ["tf", "hcl", "tfvars", "yaml", "yml", "tpl", "tftpl"];

impl Repo {
    /// Reads the repository and finds its stacks, with `backstop.toml`'s and the command
    /// line's selection applied.
    pub fn load_with(root: &Path, selection: &Selection) -> Repo {
        let read = || {
            let mut paths = collect(root);
            paths.sort();
            paths
                .par_iter()
                .filter_map(|path| {
                    let text = read_text(path)?;
                    let text = match git_link_target(path, &text) {
                        Some(target) => read_text(&target)?,
                        None => text,
                    };
                    Some(SourceFile::new(path.clone(), relative(root, path), text))
                })
                .collect::<Vec<SourceFile>>()
        };
        // Cold, reading thousands of small files waits on the disk, not the CPU: many
        // threads keep many reads in flight. Without a pool, rayon's default still works.
        let files = match rayon::ThreadPoolBuilder::new()
            .num_threads(IO_THREADS)
            .build()
        {
            Ok(pool) => pool.install(read),
            Err(_) => read(),
        };
        let mut hcl_by_dir: BTreeMap<PathBuf, Vec<usize>> = BTreeMap::new();
        let mut by_path = HashMap::new();
        let mut tf_json_by_dir: HashMap<PathBuf, Vec<usize>> = HashMap::new();
        for (index, file) in files.iter().enumerate() {
            by_path.insert(file.path.clone(), index);
            if file.rel.ends_with(".tf.json") {
                if let Some(dir) = file.path.parent() {
                    tf_json_by_dir
                        .entry(dir.to_path_buf())
                        .or_default()
                        .push(index);
                }
            }
            if file.hcl.is_some() {
                if let Some(dir) = file.path.parent() {
                    hcl_by_dir.entry(dir.to_path_buf()).or_default().push(index);
                }
            }
        }
        let mut repo = Repo {
            root: root.to_path_buf(),
            files,
            hcl_by_dir,
            by_path,
            tf_json_by_dir,
            stacks: Vec::new(),
            plans: Vec::new(),
        };
        repo.plans = stacks::plan(&mut repo, selection);
        repo.stacks = repo.plans.iter().map(|p| p.dir.clone()).collect();
        repo
    }

    pub fn rel_dir(&self, dir: &Path) -> String {
        let rel = relative(&self.root, dir);
        if rel.is_empty() {
            ".".to_string()
        } else {
            rel
        }
    }
}

fn read_text(path: &Path) -> Option<String> {
    let bytes = std::fs::read(path).ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// Threads for reading and parsing: enough to keep a disk's queue full on a cold cache.
const IO_THREADS: usize = 32;

/// Every file to read under `dir`; subfolders are walked in parallel. Symbolic links are
/// followed like Terraform and Terragrunt do (a unit's `terragrunt.hcl` linked into a
/// shared folder, a linked `.tf`), keeping the link's own path; a link back to a folder
/// being walked is refused, so a cycle ends the walk there.
fn collect(dir: &Path) -> Vec<PathBuf> {
    let ancestors = std::fs::canonicalize(dir).into_iter().collect::<Vec<_>>();
    collect_below(dir, &ancestors)
}

/// `ancestors`: the real paths of the folders being walked, `dir`'s last.
fn collect_below(dir: &Path, ancestors: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut subdirs = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(mut kind) = entry.file_type() else {
            continue;
        };
        let linked = kind.is_symlink();
        if linked {
            match std::fs::metadata(&path) {
                Ok(target) => kind = target.file_type(),
                Err(_) => continue, // A dangling link: nothing to read.
            }
        }
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if kind.is_dir() {
            if !SKIPPED_DIRS.contains(&name.as_ref()) {
                subdirs.push((path, linked));
            }
        } else if kind.is_file() && is_read(&name) {
            out.push(path);
        }
    }
    out.extend(
        subdirs
            .par_iter()
            .flat_map_iter(|(sub, linked)| {
                // Only a link can lead back to a folder being walked: resolve just those.
                let real = match (linked, ancestors.last(), sub.file_name()) {
                    (false, Some(parent), Some(name)) => parent.join(name),
                    _ => match std::fs::canonicalize(sub) {
                        Ok(real) => real,
                        Err(_) => return Vec::new(),
                    },
                };
                if ancestors.contains(&real) {
                    return Vec::new();
                }
                let mut chain = ancestors.to_vec();
                chain.push(real);
                collect_below(sub, &chain)
            })
            .collect::<Vec<_>>(),
    );
    out
}

fn is_read(name: &str) -> bool {
    name.ends_with(".tf.json")
        || Path::new(name)
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| READ_EXTENSIONS.contains(&e))
}

/// Git writes a symbolic link as a one-line file holding the target's path when links are
/// not checked out as links (`core.symlinks = false`, archives, some copies). Such a file
/// next to its target's extension is read as the target, as a checkout with links would be.
fn git_link_target(path: &Path, text: &str) -> Option<PathBuf> {
    let target = text.trim_end_matches('\n');
    let plausible = !target.is_empty()
        && target.len() < 512
        && !target.contains(['\n', '=', '{', '"', '#', ' '])
        && Path::new(target).extension() == path.extension();
    if !plausible {
        return None;
    }
    let resolved = path.parent()?.join(target);
    resolved.is_file().then_some(resolved)
}

pub fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

//! Finds the files and stacks of a repository and parses every file (in parallel: a
//! 500-stack repository has thousands of small files and parsing dominates the run).

use super::source::SourceFile;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};

pub struct Repo {
    pub root: PathBuf,
    pub files: Vec<SourceFile>,
    /// `.tf`/`.hcl` files of each folder (Terraform reads a module as all files in a folder).
    pub hcl_by_dir: BTreeMap<PathBuf, Vec<usize>>,
    pub by_path: HashMap<PathBuf, usize>,
    /// Stack folders: a `terragrunt.hcl`, or `*.tf` outside any `modules/` folder and not
    /// inside another stack.
    pub stacks: Vec<PathBuf>,
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
const READ_EXTENSIONS: [&str; 6] = ["tf", "hcl", "yaml", "yml", "tpl", "tftpl"];

impl Repo {
    pub fn load(root: &Path) -> Repo {
        let read = || {
            let mut paths = collect(root);
            paths.sort();
            paths
                .par_iter()
                .filter_map(|path| {
                    let text = std::fs::read(path).ok()?;
                    let text = String::from_utf8_lossy(&text).into_owned();
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
        for (index, file) in files.iter().enumerate() {
            by_path.insert(file.path.clone(), index);
            if file.hcl.is_some() {
                if let Some(dir) = file.path.parent() {
                    hcl_by_dir.entry(dir.to_path_buf()).or_default().push(index);
                }
            }
        }
        let stacks = find_stacks(root, &files, &hcl_by_dir);
        Repo {
            root: root.to_path_buf(),
            files,
            hcl_by_dir,
            by_path,
            stacks,
        }
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

/// Threads for reading and parsing: enough to keep a disk's queue full on a cold cache.
const IO_THREADS: usize = 32;

/// Every file to read under `dir`; subfolders are walked in parallel.
fn collect(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut subdirs = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if kind.is_dir() {
            if !SKIPPED_DIRS.contains(&name.as_ref()) {
                subdirs.push(path);
            }
        } else if kind.is_file()
            && path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| READ_EXTENSIONS.contains(&e))
        {
            out.push(path);
        }
    }
    out.extend(
        subdirs
            .par_iter()
            .flat_map_iter(|sub| collect(sub))
            .collect::<Vec<_>>(),
    );
    out
}

fn find_stacks(
    root: &Path,
    files: &[SourceFile],
    hcl_by_dir: &BTreeMap<PathBuf, Vec<usize>>,
) -> Vec<PathBuf> {
    let is_terragrunt = |dir: &Path| dir.join("terragrunt.hcl").is_file();
    let mut stacks: Vec<PathBuf> = Vec::new();
    for (dir, indices) in hcl_by_dir {
        let has_tf = indices.iter().any(|&i| files[i].rel.ends_with(".tf"));
        let in_modules = dir
            .strip_prefix(root)
            .map(|rel| {
                rel.components()
                    .any(|c| c == Component::Normal("modules".as_ref()))
            })
            .unwrap_or(false);
        // A root `terragrunt.hcl` is shared configuration, not a stack.
        let candidate = (is_terragrunt(dir) && dir != root) || (has_tf && !in_modules);
        // BTreeMap order visits a folder before its subfolders.
        if candidate && !stacks.iter().any(|stack| dir.starts_with(stack)) {
            stacks.push(dir.clone());
        }
    }
    stacks
}

pub fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

//! Runs the built `backstop render` on spec text written to a fresh temporary directory.
// Each test crate includes this module and uses a different part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

pub struct Workspace {
    pub dir: PathBuf,
}

static NEXT: AtomicUsize = AtomicUsize::new(0);

impl Workspace {
    pub fn new() -> Workspace {
        let n = NEXT.fetch_add(1, Ordering::SeqCst);
        let dir =
            std::env::temp_dir().join(format!("backstop-render-test-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create the test directory");
        Workspace { dir }
    }

    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.join(name);
        std::fs::write(&path, text).expect("write the spec");
        path
    }

    /// An existing, empty output directory.
    pub fn out_dir(&self) -> PathBuf {
        let out = self.dir.join("out");
        std::fs::create_dir_all(&out).expect("create the output directory");
        out
    }
}

impl Drop for Workspace {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn backstop(args: &[&str], cwd: &Path) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_backstop"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run backstop");
    Output {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// The sorted file names in a directory.
pub fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// 1-based number of the first line of `text` containing `needle`.
pub fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("{needle:?} is not in the spec"))
}

/// One bad input: replace `from` by `to` in the valid spec; the error must name `address`
/// on the line containing `line_marker`.
pub struct Case {
    pub name: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    pub address: &'static str,
    pub line_marker: &'static str,
}

/// Whether each error must also be followed by a `hint:` line.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    Required,
    NotChecked,
}

/// Renders `valid` with each case applied, with `--out`; returns what went wrong for each
/// case that did not exit 1, name its attribute on its line (and a hint, when required),
/// and leave the output folder empty.
pub fn bad_input_failures(valid: &str, cases: &[Case], hint: Hint) -> Vec<String> {
    let mut failures = Vec::new();
    for case in cases {
        assert!(
            valid.contains(case.from),
            "{}: the valid spec lacks {:?}",
            case.name,
            case.from
        );
        let spec = valid.replacen(case.from, case.to, 1);
        let ws = Workspace::new();
        ws.write("spec.hcl", &spec);
        let out = ws.out_dir();
        let run = backstop(&["render", "spec.hcl", "--out", "out"], &ws.dir);
        let location = format!("spec.hcl:{}:", line_of(&spec, case.line_marker));
        let lines: Vec<&str> = run.stderr.lines().collect();
        let error_line = lines
            .iter()
            .position(|l| l.starts_with(&location) && l.contains(": error: "));
        let names_attribute = error_line
            .and_then(|i| lines.get(i + 1))
            .is_some_and(|next| next.trim() == format!("attribute: {}", case.address));
        let has_hint = hint == Hint::NotChecked
            || error_line
                .and_then(|i| lines.get(i + 2))
                .is_some_and(|next| next.trim_start().starts_with("hint: "));
        if run.code != 1 || !names_attribute || !has_hint || !listing(&out).is_empty() {
            failures.push(format!(
                "{}: exit {}, expected {location} then `attribute: {}`{}, wrote {:?}\n{}",
                case.name,
                run.code,
                case.address,
                if hint == Hint::Required {
                    " and a hint"
                } else {
                    ""
                },
                listing(&out),
                run.stderr
            ));
        }
    }
    failures
}

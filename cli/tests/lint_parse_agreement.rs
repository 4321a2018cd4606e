//! The linter and Terraform agree on what parses: every `.tf`, `.hcl` and `.tfvars` file
//! of the lint fixtures (and of the real repositories in `../shared/real-repos`, when
//! present) is copied into one temporary tree; the files `backstop lint` reports as
//! BS100 must be exactly the files the project's Terraform (`terraform fmt -check
//! -recursive`, one run for all) rejects. Skips with a message when Terraform is absent.

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `TERRAFORM`, else the project's `.venv/bin/terraform`, else `terraform` on PATH.
fn terraform() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("TERRAFORM").map(PathBuf::from),
        Some(manifest_dir().join("../.venv/bin/terraform")),
        Some(PathBuf::from("terraform")),
    ];
    candidates.into_iter().flatten().find(|t| {
        Command::new(t)
            .arg("version")
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

fn real_repos() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("BACKSTOP_REAL_REPOS") {
        let dir = PathBuf::from(dir);
        return dir.join("README.md").is_file().then_some(dir);
    }
    manifest_dir()
        .ancestors()
        .skip(1)
        .take(3)
        .map(|dir| dir.join("shared/real-repos"))
        .chain([PathBuf::from("/work/shared/real-repos")])
        .find(|dir| dir.join("README.md").is_file())
}

/// Git's stand-in for a symbolic link: the linter reads the target in its place.
fn is_git_link(path: &Path, text: &str) -> bool {
    let target = text.trim_end_matches('\n');
    !target.is_empty()
        && !target.contains(['\n', '=', '{', '"', '#', ' '])
        && path.parent().is_some_and(|dir| dir.join(target).is_file())
}

/// Regular HCL files under `dir` (links are skipped: their targets are visited as files).
fn hcl_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if kind.is_dir() && name != ".terraform" && name != ".git" {
            hcl_files(&path, out);
        } else if kind.is_file() && [".tf", ".hcl", ".tfvars"].iter().any(|e| name.ends_with(e)) {
            out.push(path);
        }
    }
}

#[test]
fn the_linter_rejects_exactly_the_files_terraform_rejects() {
    let Some(terraform) = terraform() else {
        eprintln!("skipped: no terraform (set TERRAFORM or run scripts/install-test-tools)");
        return;
    };
    let mut sources = Vec::new();
    hcl_files(&manifest_dir().join("tests/fixtures/lint"), &mut sources);
    match real_repos() {
        Some(repos) => hcl_files(&repos, &mut sources),
        None => eprintln!("real repositories absent: checking the project's fixtures only"),
    }
    let tree = std::env::temp_dir().join(format!("backstop-parse-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tree);
    std::fs::create_dir_all(&tree).expect("temp tree");
    std::fs::write(tree.join("backstop.toml"), "").expect("mark the root");
    let mut copied: Vec<(String, PathBuf)> = Vec::new();
    for (index, source) in sources.iter().enumerate() {
        let text = std::fs::read_to_string(source).unwrap_or_default();
        if is_git_link(source, &text) {
            continue;
        }
        // Terraform formats .tf and .tfvars; Terragrunt's .hcl is the same syntax.
        let name = if source.to_string_lossy().ends_with(".tfvars") {
            "file.tfvars"
        } else {
            "file.tf"
        };
        let rel = format!("{index:05}/{name}");
        std::fs::create_dir_all(tree.join(format!("{index:05}"))).expect("folder");
        std::fs::write(tree.join(&rel), &text).expect("copy");
        copied.push((rel, source.clone()));
    }
    assert!(copied.len() > 100, "only {} files", copied.len());

    let lint = Command::new(env!("CARGO_BIN_EXE_backstop"))
        .args(["lint", "--format", "json", "--severity", "error"])
        .arg(&tree)
        .output()
        .expect("run backstop");
    let findings: Value = serde_json::from_slice(&lint.stdout).expect("JSON findings");
    let linter: BTreeSet<String> = findings
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["code"] == "BS100")
        .filter_map(|f| f["file"].as_str().map(str::to_string))
        .collect();

    let fmt = Command::new(&terraform)
        .args(["fmt", "-check", "-recursive", "-no-color", "-list=false"])
        .arg(&tree)
        .env("TF_CLI_CONFIG_FILE", "/dev/null")
        .output()
        .expect("run terraform fmt");
    let stderr = String::from_utf8_lossy(&fmt.stderr);
    let terraform: BTreeSet<String> = stderr
        .lines()
        .filter_map(|line| line.trim().strip_prefix("on "))
        .filter_map(|rest| rest.split(" line ").next())
        .filter_map(|path| {
            copied
                .iter()
                .find(|(rel, _)| path.ends_with(rel.as_str()))
                .map(|(rel, _)| rel.clone())
        })
        .collect();
    let _ = std::fs::remove_dir_all(&tree);
    eprintln!(
        "{} files; rejected by the linter: {}, by Terraform: {}",
        copied.len(),
        linter.len(),
        terraform.len()
    );
    let name = |rel: &String| {
        let source = copied.iter().find(|(r, _)| r == rel).map(|(_, s)| s);
        format!(
            "{rel} ({})",
            source.map_or("?".into(), |s| s.display().to_string())
        )
    };
    let only_linter: Vec<String> = linter.difference(&terraform).map(name).collect();
    let only_terraform: Vec<String> = terraform.difference(&linter).map(name).collect();
    assert!(
        only_linter.is_empty() && only_terraform.is_empty(),
        "the linter rejects what Terraform accepts: {only_linter:?}\nTerraform rejects what the linter accepts: {only_terraform:?}"
    );
    // The corpus holds a malformed file on purpose: both must reject it.
    assert!(!linter.is_empty(), "no file rejected at all: {stderr}");
}

//! The fixture corpus (`tests/fixtures/lint/corpus`, 40+ stacks): every finding the linter
//! reports must be announced in the fixtures by a `# expect: CODE` comment on its line, and
//! every announced finding must be reported. The expectations were written from each
//! rule's intent when the fixture was written.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lint/corpus")
}

fn backstop(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_backstop"))
        .args(args)
        .output()
        .expect("run backstop")
}

/// `file:line CODE` for every `# expect: CODE [CODE...]` comment in the corpus.
fn expected() -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![corpus()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read corpus") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let rel = path
                .strip_prefix(corpus())
                .expect("inside corpus")
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            for (index, line) in text.lines().enumerate() {
                if let Some((_, codes)) = line.split_once("# expect: ") {
                    for code in codes.split_whitespace() {
                        out.push(format!("{rel}:{} {code}", index + 1));
                    }
                }
            }
        }
    }
    out.sort();
    out
}

fn reported(json: &[u8]) -> Vec<String> {
    let findings: Vec<Value> =
        serde_json::from_slice(json).expect("lint --format json prints a JSON array");
    let mut out: Vec<String> = findings
        .iter()
        .map(|f| {
            format!(
                "{}:{} {}",
                f["file"].as_str().unwrap_or("?"),
                f["line"],
                f["code"].as_str().unwrap_or("?")
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn corpus_findings_are_exactly_the_expected_ones() {
    let corpus = corpus();
    let output = backstop(&[
        "lint",
        "--format",
        "json",
        corpus.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(
        reported(&output.stdout),
        expected(),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    // The corpus holds a malformed file: parse errors make the exit status 2, and the
    // other stacks were still checked (their findings are in the list above).
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn corpus_has_thirty_stacks_and_every_rule_fires_somewhere() {
    let stacks = std::fs::read_dir(corpus().join("stacks"))
        .expect("stacks")
        .count();
    assert!(stacks >= 30, "only {stacks} stacks");
    let expected = expected();
    let listing = backstop(&["rule", "--all"]);
    let codes: Vec<String> = String::from_utf8_lossy(&listing.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect();
    assert!(codes.len() >= 14, "{codes:?}");
    for code in codes {
        assert!(
            expected.iter().any(|e| e.ends_with(&format!(" {code}"))),
            "no fixture makes {code} fire"
        );
    }
}

#[test]
fn reporting_on_one_stack_keeps_repository_wide_alerts() {
    // Alerts live in stacks/monitoring; a run limited to stacks/compliant must still see them.
    let stack = corpus().join("stacks/compliant");
    let output = backstop(&[
        "lint",
        "--format",
        "json",
        stack.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(reported(&output.stdout), Vec::<String>::new());
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn severity_threshold_decides_the_exit_status() {
    let stack = corpus().join("stacks/floating-image");
    let path = stack.to_str().expect("utf-8 path");
    assert_eq!(
        backstop(&["lint", path]).status.code(),
        Some(1),
        "a warning fails at the default threshold"
    );
    assert_eq!(
        backstop(&["lint", "--severity", "error", path])
            .status
            .code(),
        Some(0)
    );
    let unresolved = corpus().join("stacks/unresolved");
    let path = unresolved.to_str().expect("utf-8 path");
    assert_eq!(
        backstop(&["lint", path]).status.code(),
        Some(0),
        "info findings do not fail by default"
    );
    assert_eq!(
        backstop(&["lint", "--severity", "info", path])
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn output_formats_carry_the_same_findings() {
    let stack = corpus().join("stacks/unbacked");
    let path = stack.to_str().expect("utf-8 path");
    let human = String::from_utf8(backstop(&["lint", path]).stdout).expect("utf-8");
    assert!(
        human.starts_with("stacks/unbacked/main.tf:1:1: error[BS001] "),
        "{human}"
    );
    assert!(
        !human.contains('\x1b'),
        "no colour when stdout is not a terminal"
    );
    let github =
        String::from_utf8(backstop(&["lint", "--format", "github", path]).stdout).expect("utf-8");
    assert!(
        github.starts_with("::error file=stacks/unbacked/main.tf,line=1,col=1,"),
        "{github}"
    );
    assert!(github.contains("title=BS001 unbacked-pvc::"), "{github}");
}

#[test]
fn rule_prints_the_rule_files_own_doc_comment() {
    let source = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("lint/src/rules/bs001_unbacked_pvc.rs"),
    )
    .expect("rule source");
    let doc: Vec<&str> = source
        .lines()
        .take_while(|l| l.starts_with("//!"))
        .map(|l| {
            let text = l.trim_start_matches("//!");
            text.strip_prefix(' ').unwrap_or(text)
        })
        .collect();
    let output = backstop(&["rule", "BS001"]);
    assert_eq!(output.status.code(), Some(0));
    let printed = String::from_utf8_lossy(&output.stdout);
    assert_eq!(printed.trim_end(), doc.join("\n").trim_end());
    for section in [
        "## What it does",
        "## Why is this bad?",
        "## Example",
        "Use instead:",
        "## Fix safety",
        "## References",
    ] {
        assert!(printed.contains(section), "missing {section}");
    }
    assert_eq!(backstop(&["rule", "BS999"]).status.code(), Some(2));
}

//! `backstop lint --list-stacks`: what discovery found and what was read for each stack,
//! so a user sees what a run checks (and what it could not read) before trusting it.

use super::model::Stack;
use super::rules::Code;
use super::Report;
use serde_json::json;
use std::fmt::Write;
use std::path::PathBuf;

pub fn render(report: &Report, paths: &[PathBuf], json: bool) -> String {
    let stacks: Vec<&Stack> = report
        .model
        .stacks
        .iter()
        .filter(|s| paths.is_empty() || paths.iter().any(|p| s.dir.starts_with(p)))
        .collect();
    if json {
        let entries: Vec<serde_json::Value> = stacks.iter().map(|s| entry(report, s)).collect();
        return serde_json::to_string_pretty(&entries).unwrap_or_default() + "\n";
    }
    let mut out = String::new();
    for stack in &stacks {
        let value = entry(report, stack);
        let _ = writeln!(out, "{} ({})", stack.rel, stack.kind.as_str());
        for key in ["folders", "files"] {
            let _ = writeln!(out, "  {key}:");
            for item in value[key].as_array().into_iter().flatten() {
                let _ = writeln!(out, "    {}", item.as_str().unwrap_or("?"));
            }
        }
        for unread in value["not_read"].as_array().into_iter().flatten() {
            let _ = writeln!(
                out,
                "  not read: {}:{}: {}",
                unread["file"].as_str().unwrap_or("?"),
                unread["line"],
                unread["message"].as_str().unwrap_or("")
            );
        }
    }
    let _ = writeln!(out, "{}", crate::output::counted(stacks.len(), "stack"));
    out
}

fn entry(report: &Report, stack: &Stack) -> serde_json::Value {
    let repo = &report.repo;
    let not_read: Vec<serde_json::Value> = stack
        .notes
        .iter()
        .filter(|n| n.code == Code::ModuleNotRead)
        .map(|n| {
            let file = &repo.files[n.loc.file];
            json!({
                "file": file.rel,
                "line": file.line_col(n.loc.span.start).0,
                "message": n.message,
            })
        })
        .collect();
    json!({
        "stack": stack.rel,
        "kind": stack.kind.as_str(),
        "folders": stack.dirs.iter().map(|d| repo.rel_dir(d)).collect::<Vec<_>>(),
        "files": stack.files.iter().map(|&f| repo.files[f].rel.clone()).collect::<Vec<_>>(),
        "not_read": not_read,
    })
}

//! One JSON array of findings, for scripts.

use super::Located;
use serde_json::{json, Value};

pub fn render(findings: &[Located]) -> String {
    let items: Vec<Value> = findings
        .iter()
        .map(|f| {
            json!({
                "code": f.rule.code,
                "name": f.rule.name,
                "severity": f.finding.severity.as_str(),
                "message": f.finding.message,
                "help": f.finding.help,
                "file": f.file,
                "line": f.line,
                "column": f.column,
                "end_line": f.end_line,
                "end_column": f.end_column,
                "stack": f.finding.stack,
            })
        })
        .collect();
    serde_json::to_string_pretty(&items).unwrap_or_default() + "\n"
}

//! GitHub Actions workflow commands: each finding becomes an annotation on the diff.

use super::Located;
use crate::lint::rules::Severity;

/// Workflow command escaping: data escapes `%`, CR, LF; properties also `:` and `,`.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(findings: &[Located]) -> String {
    findings
        .iter()
        .map(|f| {
            let command = match f.finding.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            format!(
                "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
                property(f.file),
                f.line,
                f.column,
                f.end_line,
                f.end_column,
                property(&format!("{} {}", f.rule.code, f.rule.name)),
                data(&format!("{} ({})", f.message(), f.finding.help))
            )
        })
        .collect()
}

//! The terminal format: `file:line:col: severity[CODE] message`, the source line, a hint.

use super::{counted, Located, Summary};
use crate::rules::Severity;
use std::fmt::Write;

pub fn render(findings: &[Located], summary: &Summary, colour: bool) -> String {
    let paint = |code: &str, text: &str| {
        if colour {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    };
    let mut out = String::new();
    for f in findings {
        let severity = f.finding.severity;
        let tint = match severity {
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
            Severity::Info => "1;34",
        };
        let gutter = " ".repeat(f.line.to_string().len());
        let _ = writeln!(
            out,
            "{}: {} {}",
            paint("1", &format!("{}:{}:{}", f.file, f.line, f.column)),
            paint(tint, &format!("{severity}[{}]", f.rule.code)),
            f.message()
        );
        let _ = writeln!(out, "{gutter} |\n{} | {}", f.line, f.source_line);
        let _ = writeln!(out, "{gutter} = help: {}", f.finding.help);
        out.push('\n');
    }
    let count = |s: Severity| findings.iter().filter(|f| f.finding.severity == s).count();
    // What was not checked belongs on the summary line itself: a CI log shows that line.
    let caveats: String = summary.caveats().iter().map(|c| format!("; {c}")).collect();
    let _ = writeln!(
        out,
        "{} checked: {}, {}, {} info; {} suppressed or exempt{caveats}",
        counted(summary.stacks.len(), "stack"),
        counted(count(Severity::Error), "error"),
        counted(count(Severity::Warning), "warning"),
        count(Severity::Info),
        summary.suppressed
    );
    out
}

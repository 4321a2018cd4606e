//! JUnit XML: one test suite; one passing test case per clean stack and one failing test
//! case per finding, so CI dashboards list what to fix.

use super::{Located, Summary};
use std::fmt::Write;

fn escape(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .map(|c| match c {
            '&' => "&amp;".to_string(),
            '<' => "&lt;".to_string(),
            '>' => "&gt;".to_string(),
            '"' => "&quot;".to_string(),
            '\'' => "&apos;".to_string(),
            other => other.to_string(),
        })
        .collect()
}

pub fn render(findings: &[Located], summary: &Summary) -> String {
    let clean: Vec<&String> = summary
        .stacks
        .iter()
        .filter(|stack| {
            !findings
                .iter()
                .any(|f| f.finding.stack.as_ref() == Some(*stack))
        })
        .collect();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let tests = findings.len() + clean.len();
    let _ = writeln!(
        out,
        "<testsuites name=\"backstop lint\" tests=\"{tests}\" failures=\"{}\">",
        findings.len()
    );
    let _ = writeln!(
        out,
        "  <testsuite name=\"backstop lint\" tests=\"{tests}\" failures=\"{}\" errors=\"0\">",
        findings.len()
    );
    for stack in clean {
        let _ = writeln!(
            out,
            "    <testcase classname=\"{}\" name=\"compliant\"/>",
            escape(stack)
        );
    }
    for f in findings {
        let class = f
            .finding
            .stack
            .clone()
            .unwrap_or_else(|| "(repository)".to_string());
        let _ = writeln!(
            out,
            "    <testcase classname=\"{}\" name=\"{} {}:{}:{}\">",
            escape(&class),
            f.rule.code,
            escape(f.file),
            f.line,
            f.column
        );
        let _ = writeln!(
            out,
            "      <failure type=\"{}\" message=\"{}\">{}:{}:{}: {}[{}] {}\nhelp: {}</failure>",
            f.finding.severity,
            escape(&f.finding.message),
            escape(f.file),
            f.line,
            f.column,
            f.finding.severity,
            f.rule.code,
            escape(&f.finding.message),
            escape(&f.finding.help)
        );
        out.push_str("    </testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

//! SARIF 2.1.0, as GitHub code scanning accepts it: every rule in `tool.driver.rules`
//! (with its documentation as help), results pointing at repository-relative URIs.

use super::Located;
use crate::lint::rules::{Severity, RULES};
use serde_json::{json, Value};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// Stable across runs and line moves, distinct per rule, file, stack and subject: code
/// scanning keeps one alert per finding even when one module line serves several stacks.
fn fingerprint(f: &Located) -> String {
    let key = format!(
        "{}\u{0}{}\u{0}{}\u{0}{}",
        f.rule.code,
        f.file,
        f.finding.stack.as_deref().unwrap_or(""),
        f.finding.message
    );
    // FNV-1a, 64 bits: small, deterministic, no dependency.
    let hash = key.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("{hash:016x}")
}

pub fn render(findings: &[Located]) -> String {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|rule| {
            json!({
                "id": rule.code,
                "name": rule.name,
                "shortDescription": { "text": rule.summary() },
                "fullDescription": { "text": rule.summary() },
                "help": { "text": rule.doc(), "markdown": rule.doc() },
                "defaultConfiguration": { "level": level(rule.severity) },
            })
        })
        .collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let rule_index = RULES
                .iter()
                .position(|r| r.code == f.rule.code)
                .unwrap_or(0);
            json!({
                "ruleId": f.rule.code,
                "ruleIndex": rule_index,
                "level": level(f.finding.severity),
                "message": { "text": format!("{} ({})", f.message(), f.finding.help) },
                "partialFingerprints": { "backstopFinding/v1": fingerprint(f) },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": f.file, "uriBaseId": "%SRCROOT%" },
                        "region": {
                            "startLine": f.line,
                            "startColumn": f.column,
                            "endLine": f.end_line,
                            "endColumn": f.end_column,
                        }
                    }
                }],
            })
        })
        .collect();
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "backstop",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": env!("CARGO_PKG_REPOSITORY"),
                    "rules": rules,
                }
            },
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&log).unwrap_or_default() + "\n"
}

//! A `kubernetes_manifest` resource holding a manifest as an HCL object, for kinds the
//! kubernetes provider has no typed resource for (the PrometheusRule).

use serde_json::Value;

pub fn kubernetes_manifest(resource_name: &str, manifest: &Value) -> String {
    let mut out = format!("resource \"kubernetes_manifest\" \"{resource_name}\" {{\n  manifest = ");
    write_value(&mut out, manifest, 1);
    out.push_str("\n}\n");
    out
}

fn write_value(out: &mut String, value: &Value, depth: usize) {
    let indent = "  ".repeat(depth + 1);
    let closing = "  ".repeat(depth);
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(&b.to_string()),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => out.push_str(&quote(s)),
        Value::Array(items) if items.is_empty() => out.push_str("[]"),
        Value::Array(items) => {
            out.push_str("[\n");
            for item in items {
                out.push_str(&indent);
                write_value(out, item, depth + 1);
                out.push_str(",\n");
            }
            out.push_str(&closing);
            out.push(']');
        }
        Value::Object(map) if map.is_empty() => out.push_str("{}"),
        Value::Object(map) => {
            out.push_str("{\n");
            for (key, item) in map {
                out.push_str(&indent);
                out.push_str(&quote(key));
                out.push_str(" = ");
                write_value(out, item, depth + 1);
                out.push('\n');
            }
            out.push_str(&closing);
            out.push('}');
        }
    }
}

/// An HCL quoted string: JSON escapes, plus `$${` and `%%{` so that alert templates such
/// as `{{ $labels.namespace }}` and any `${` stay literal text.
fn quote(text: &str) -> String {
    let json = serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_string());
    json.replace("${", "$${").replace("%{", "%%{")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn interpolation_markers_stay_literal() {
        assert_eq!(
            quote("a ${b} %{c} {{ $value }}"),
            r#""a $${b} %%{c} {{ $value }}""#
        );
    }

    #[test]
    fn nested_manifest_becomes_an_hcl_object() {
        let hcl = kubernetes_manifest(
            "r",
            &json!({"kind": "X", "spec": {"list": [1, "a"], "empty": {}}}),
        );
        assert_eq!(
            hcl,
            "resource \"kubernetes_manifest\" \"r\" {\n  manifest = {\n    \"kind\" = \"X\"\n    \"spec\" = {\n      \"list\" = [\n        1,\n        \"a\",\n      ]\n      \"empty\" = {}\n    }\n  }\n}\n"
        );
    }
}

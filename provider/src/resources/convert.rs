//! Terraform values into the value tree the core's reader takes (`backstop_codegen::schema::read`),
//! and the core's rendered JSON back into Terraform values. Null and unknown read as "not
//! set": the caller only renders wholly known configurations, and validates partial ones
//! for what is known.

use backstop_codegen::schema::{AttrType, ObjectSchema};
use backstop_codegen::{AttrPath, Diagnostic, Diagnostics};
use serde_json::Map;

use crate::dynamic::{Number, Value};

/// The configuration as the core's reader takes it: one JSON object of the table's
/// inputs, null and unknown values left out (also inside lists, maps and objects). A
/// number the model cannot hold is reported here, on its attribute with the range
/// Terraform users can act on, and left out too.
pub fn values(
    table: &ObjectSchema,
    config: &Value,
    diagnostics: &mut Diagnostics,
) -> Map<String, serde_json::Value> {
    let mut values = Map::new();
    for row in &table.inputs {
        let value = config.attr(row.name);
        let json = match row.ty {
            AttrType::Count { min } => count(value, row.name, min, diagnostics),
            _ => json(value),
        };
        if let Some(json) = json {
            values.insert(row.name.to_string(), json);
        }
    }
    values
}

/// A whole number from `min` up to what u32 holds; anything else is reported on the
/// attribute with that range.
fn count(
    value: &Value,
    name: &str,
    min: u32,
    diagnostics: &mut Diagnostics,
) -> Option<serde_json::Value> {
    let Value::Number(n) = value else {
        return None;
    };
    match n.as_u64().and_then(|n| u32::try_from(n).ok()) {
        Some(n) if n >= min => Some(serde_json::Value::from(n)),
        _ => {
            diagnostics.push(Diagnostic::new(
                AttrPath::root(name),
                format!("{name} must be a whole number from {min} to {}", u32::MAX),
                format!("Set {name} to a count such as 8."),
            ));
            None
        }
    }
}

/// A known, non-null value as JSON; `None` for null and unknown.
fn json(value: &Value) -> Option<serde_json::Value> {
    Some(match value {
        Value::Null | Value::Unknown => return None,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Number(n) => number(n)?,
        Value::String(s) => serde_json::Value::String(s.clone()),
        Value::List(items) | Value::Set(items) | Value::Tuple(items) => {
            serde_json::Value::Array(items.iter().filter_map(json).collect())
        }
        Value::Map(entries) | Value::Object(entries) => serde_json::Value::Object(
            entries
                .iter()
                .filter_map(|(k, v)| Some((k.clone(), json(v)?)))
                .collect(),
        ),
    })
}

fn number(n: &Number) -> Option<serde_json::Value> {
    Some(match n {
        Number::Int(i) => serde_json::Value::from(*i),
        Number::Uint(u) => serde_json::Value::from(*u),
        Number::Float(f) => serde_json::Value::from(serde_json::Number::from_f64(*f)?),
        Number::Decimal(text) => match text.parse::<u64>() {
            Ok(u) => serde_json::Value::from(u),
            Err(_) => serde_json::Value::from(serde_json::Number::from_f64(text.parse().ok()?)?),
        },
    })
}

/// `<namespace>/<rest>` of an import ID, both parts non-empty and `rest` without `/`.
pub fn split_id(id: &str) -> Result<(String, String), String> {
    id.split_once('/')
        .filter(|(ns, n)| !ns.is_empty() && !n.is_empty() && !n.contains('/'))
        .map(|(ns, n)| (ns.to_string(), n.to_string()))
        .ok_or_else(|| "it is not <namespace>/<name>".to_string())
}

/// The rendered JSON as a Terraform value (objects stay objects, arrays become tuples),
/// so `manifest` can be handed to `kubernetes_manifest` as is.
pub fn json_value(json: &serde_json::Value) -> Value {
    Value::from_json(json)
}

/// JSON text as `backstop render --format json` writes it: one object, or an array of
/// several, pretty-printed with a final newline.
pub fn json_text(objects: &[&serde_json::Value]) -> Value {
    let text = match objects {
        [one] => serde_json::to_string_pretty(one),
        all => serde_json::to_string_pretty(all),
    };
    Value::string(format!("{}\n", text.unwrap_or_default()))
}

/// A data source's text forms of its rendered objects (a resource holds the objects only,
/// since serializing them costs more than rendering): YAML and JSON as `backstop render`
/// writes them, and the script the objects run, where there is one.
pub fn text_forms(
    objects: &[&serde_json::Value],
    script: Option<&str>,
) -> Vec<(&'static str, Value)> {
    let mut texts = vec![
        ("manifest_yaml", yaml_text(objects)),
        ("manifest_json", json_text(objects)),
    ];
    texts.extend(script.map(|script| ("script", Value::string(script))));
    texts
}

/// YAML text of one or more rendered objects, as a `---`-separated stream.
pub fn yaml_text(objects: &[&serde_json::Value]) -> Value {
    Value::string(backstop_codegen::render::to_yaml(objects))
}

//! Reading Terraform values into the rendering core's model, and the core's rendered
//! JSON back into Terraform values. Null and unknown read as "not set": the caller only
//! renders wholly known configurations, and validates partial ones for what is known.

use std::collections::BTreeMap;

use backstop_codegen::{AttrPath, Diagnostic, Diagnostics};

use crate::dynamic::{Number, Value};

pub fn string(config: &Value, name: &str) -> Option<String> {
    config.attr(name).as_str().map(str::to_string)
}

/// A required string: empty when unset, which the core's validation reports by name.
pub fn required_string(config: &Value, name: &str) -> String {
    string(config, name).unwrap_or_default()
}

pub fn strings(config: &Value, name: &str) -> Option<Vec<String>> {
    match config.attr(name) {
        Value::List(items) | Value::Set(items) | Value::Tuple(items) => Some(
            items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
        ),
        _ => None,
    }
}

pub fn string_map(config: &Value, name: &str) -> BTreeMap<String, String> {
    match config.attr(name) {
        Value::Map(entries) | Value::Object(entries) => entries
            .iter()
            .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
            .collect(),
        _ => BTreeMap::new(),
    }
}

pub fn bool_or(config: &Value, name: &str, default: bool) -> bool {
    match config.attr(name) {
        Value::Bool(b) => *b,
        _ => default,
    }
}

/// A whole number from `min` up to what u32 holds; anything else is reported on the
/// attribute with that range.
pub fn count(config: &Value, name: &str, min: u32, diagnostics: &mut Diagnostics) -> Option<u32> {
    match config.attr(name) {
        Value::Number(n) => match n.as_u64().and_then(|n| u32::try_from(n).ok()) {
            Some(n) if n >= min => Some(n),
            _ => {
                diagnostics.push(Diagnostic::new(
                    AttrPath::root(name),
                    format!("{name} must be a whole number from {min} to {}", u32::MAX),
                    format!("Set {name} to a count such as 8."),
                ));
                None
            }
        },
        _ => None,
    }
}

/// A number as a float (the core checks its range). Terraform sends whole numbers as
/// integers and fractions as floats, or as decimal text when a float would round.
pub fn float(config: &Value, name: &str) -> Option<f64> {
    match config.attr(name) {
        Value::Number(Number::Int(i)) => Some(*i as f64),
        Value::Number(Number::Uint(u)) => Some(*u as f64),
        Value::Number(Number::Float(f)) => Some(*f),
        Value::Number(Number::Decimal(text)) => text.parse().ok(),
        _ => None,
    }
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

/// YAML text of one or more rendered objects, as a `---`-separated stream.
pub fn yaml_text(objects: &[&serde_json::Value]) -> Value {
    Value::string(backstop_codegen::render::to_yaml(objects))
}

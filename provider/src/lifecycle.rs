//! What each resource RPC does with values, independent of the wire: a Backstop resource
//! is a pure renderer, so its state is its inputs plus the rendered outputs, computed at
//! plan time whenever the inputs and the provider block are wholly known.

use std::collections::BTreeMap;

use backstop_codegen::{AttrPath, Defaults, Diagnostic, Diagnostics, PathStep};

use crate::dynamic::Value;
use crate::resources::{computed_names, schema, Adapter};

/// What the provider knows about its own `backstop {}` block.
#[derive(Debug, Clone, PartialEq)]
pub enum ProviderDefaults {
    /// ConfigureProvider has not been called (validation, functions).
    Unconfigured,
    /// The block refers to values known only at apply.
    Unknown,
    Known(Defaults),
}

/// ValidateResourceConfig: the errors the core finds in the parts already known. Errors
/// on unset attributes wait for the plan, since provider defaults may fill them.
pub fn validate(adapter: &dyn Adapter, config: &Value) -> Diagnostics {
    if config.is_null() {
        return Diagnostics::new();
    }
    match adapter.render(&Defaults::default(), config) {
        Ok(_) => Diagnostics::new(),
        Err(diagnostics) => diagnostics
            .into_iter()
            .filter(|d| {
                resolve(config, &d.path).is_some_and(|v| !v.is_null() && v.is_wholly_known())
            })
            .collect(),
    }
}

/// PlanResourceChange: the proposed state with the rendered outputs, or unknown outputs
/// when something they depend on is not known yet.
pub fn plan(
    adapter: &dyn Adapter,
    defaults: &ProviderDefaults,
    proposed: &Value,
) -> Result<Value, Diagnostics> {
    let Value::Object(attrs) = proposed else {
        return Ok(Value::Null);
    };
    let outputs = computed_names(&schema(adapter));
    let inputs_known = attrs
        .iter()
        .filter(|(name, _)| !outputs.contains(&name.as_str()))
        .all(|(_, v)| v.is_wholly_known());
    match defaults {
        ProviderDefaults::Known(defaults) if inputs_known => with_outputs(adapter, defaults, attrs),
        _ => {
            let mut planned = attrs.clone();
            for name in outputs {
                planned.insert(name.to_string(), Value::Unknown);
            }
            Ok(Value::Object(planned))
        }
    }
}

/// ApplyResourceChange: the planned state, now wholly known, rendered; null on delete.
pub fn apply(
    adapter: &dyn Adapter,
    defaults: &ProviderDefaults,
    planned: &Value,
) -> Result<Value, Diagnostics> {
    let Value::Object(attrs) = planned else {
        return Ok(Value::Null);
    };
    match defaults {
        ProviderDefaults::Known(defaults) => with_outputs(adapter, defaults, attrs),
        _ => Err(vec![unconfigured()]),
    }
}

/// ReadDataSource: the configuration with the rendered outputs.
pub fn read_data_source(
    adapter: &dyn Adapter,
    defaults: &ProviderDefaults,
    config: &Value,
) -> Result<Value, Diagnostics> {
    apply(adapter, defaults, config)
}

/// ImportResourceState: `<namespace>/<name>` gives a state with those two attributes;
/// the next plan fills the rest from the configuration.
pub fn import(adapter: &dyn Adapter, id: &str) -> Result<Value, Diagnostic> {
    let (first, second) = adapter.import_attributes();
    let (namespace, name) = id
        .split_once('/')
        .filter(|(ns, n)| !ns.is_empty() && !n.is_empty() && !n.contains('/'))
        .ok_or_else(|| {
            Diagnostic::new(
                AttrPath::default(),
                format!("import ID {id:?} is not <{first}>/<{second}>"),
                format!(
                    "Import {} with an ID such as \"monitoring/mailserver\".",
                    adapter.type_name()
                ),
            )
        })?;
    let mut attrs: BTreeMap<String, Value> = schema(adapter)
        .attributes
        .iter()
        .map(|a| (a.name.to_string(), Value::Null))
        .collect();
    attrs.insert(first.to_string(), Value::string(namespace));
    attrs.insert(second.to_string(), Value::string(name));
    attrs.insert("id".to_string(), Value::string(id));
    Ok(Value::Object(attrs))
}

fn with_outputs(
    adapter: &dyn Adapter,
    defaults: &Defaults,
    attrs: &BTreeMap<String, Value>,
) -> Result<Value, Diagnostics> {
    let config = Value::Object(attrs.clone());
    let outputs = adapter.render(defaults, &config)?;
    let mut state = attrs.clone();
    for (name, value) in outputs {
        state.insert(name.to_string(), value);
    }
    Ok(Value::Object(state))
}

fn unconfigured() -> Diagnostic {
    Diagnostic::new(
        AttrPath::default(),
        "the backstop provider block is not known yet",
        "Give the provider block values known at plan time (not outputs of other resources).",
    )
}

/// The value a diagnostic path points at, if the path exists in `value`.
fn resolve<'a>(value: &'a Value, path: &AttrPath) -> Option<&'a Value> {
    path.0
        .iter()
        .try_fold(value, |current, step| match (step, current) {
            (PathStep::Attr(name), Value::Object(attrs)) => attrs.get(name),
            (PathStep::Key(key), Value::Map(entries) | Value::Object(entries)) => entries.get(key),
            (PathStep::Index(i), Value::List(items) | Value::Tuple(items)) => items.get(*i),
            _ => None,
        })
}

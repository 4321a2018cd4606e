//! Typed HCL for the hashicorp/kubernetes provider, derived field by field from the JSON
//! manifest so the two can never disagree.
//!
//! The provider's schema mirrors the Kubernetes API with three systematic differences:
//! names are snake_case, nested objects are blocks (lists of objects are repeated blocks
//! with a singular name), and free-form string maps are map attributes. The few places
//! where it departs from that rule are listed in `block_name` and `csi_source`.

use hcl::expr::{Heredoc, TemplateExpr};
use hcl::{Attribute, Block, Body, Expression, Identifier, Object, ObjectKey};
use serde_json::{Map, Value};

/// Objects whose keys are data, not schema: rendered as `name = { ... }` attributes.
const MAP_ATTRIBUTES: [&str; 8] = [
    "data",
    "labels",
    "annotations",
    "capacity",
    "volumeAttributes",
    "matchLabels",
    "requests",
    "limits",
];

/// The Terraform resource type for a manifest kind, if Backstop renders that kind as HCL.
fn resource_type(kind: &str) -> Option<&'static str> {
    match kind {
        "ConfigMap" => Some("kubernetes_config_map_v1"),
        "CronJob" => Some("kubernetes_cron_job_v1"),
        "Job" => Some("kubernetes_job_v1"),
        "PersistentVolume" => Some("kubernetes_persistent_volume"),
        "PersistentVolumeClaim" => Some("kubernetes_persistent_volume_claim"),
        _ => None,
    }
}

/// `resource "<type>" "<resource_name>" { metadata {...} spec {...} }`, or an empty string
/// for a kind the hashicorp/kubernetes provider has no typed resource for here.
pub fn render(resource_name: &str, manifest: &Value) -> String {
    let Some(kind_type) = manifest
        .get("kind")
        .and_then(Value::as_str)
        .and_then(resource_type)
    else {
        return String::new();
    };
    let Some(object) = manifest.as_object() else {
        return String::new();
    };
    let is_volume = kind_type == "kubernetes_persistent_volume";
    let mut resource = Block::builder("resource")
        .add_label(kind_type)
        .add_label(resource_name);
    for (key, value) in object {
        if key == "apiVersion" || key == "kind" {
            continue;
        }
        if is_volume && key == "spec" {
            if let Some(spec) = value.as_object() {
                resource = resource.add_block(volume_spec(spec));
            }
            continue;
        }
        resource = resource.add_structures(structures(key, value));
    }
    let body = Body::builder().add_block(resource.build()).build();
    hcl::to_string(&body).unwrap_or_default()
}

/// `resource "kubernetes_manifest" "<resource_name>" { manifest = {...} }`: the manifest as
/// one HCL object, for kinds hashicorp/kubernetes has no typed resource for (the
/// PrometheusRule). Same expressions as the typed resources, so the same escaping.
pub fn manifest_resource(resource_name: &str, manifest: &Value) -> String {
    let resource = Block::builder("resource")
        .add_label("kubernetes_manifest")
        .add_label(resource_name)
        .add_attribute(Attribute::new("manifest", expression(manifest)))
        .build();
    hcl::to_string(&Body::builder().add_block(resource).build()).unwrap_or_default()
}

/// One HCL quoted string holding exactly `text`: quotes, backslashes and control characters
/// escaped, `${` and `%{` doubled so nothing in it is read as a template.
pub fn quoted(text: &str) -> String {
    hcl::format::to_string(&Expression::String(text.to_string())).unwrap_or_default()
}

/// The PV's volume source sits one level deeper in the provider's schema:
/// `spec.csi` becomes `spec { persistent_volume_source { csi { ... } } }`.
fn volume_spec(spec: &Map<String, Value>) -> Block {
    let mut block = Block::builder("spec");
    for (key, value) in spec {
        if key == "csi" {
            let source = Block::builder("persistent_volume_source")
                .add_structures(structures(key, value))
                .build();
            block = block.add_block(source);
        } else {
            block = block.add_structures(structures(key, value));
        }
    }
    block.build()
}

/// The HCL for one manifest field: an attribute, a block, or one block per list item.
fn structures(key: &str, value: &Value) -> Vec<hcl::Structure> {
    if MAP_ATTRIBUTES.contains(&key) {
        return vec![Attribute::new(snake_case(key), expression(value)).into()];
    }
    match value {
        Value::Object(fields) => vec![block(&block_name(key), fields).into()],
        Value::Array(items) if items.iter().all(Value::is_object) && !items.is_empty() => items
            .iter()
            .filter_map(Value::as_object)
            .map(|fields| block(&block_name(key), fields).into())
            .collect(),
        _ => vec![Attribute::new(attribute_name(key), expression(value)).into()],
    }
}

fn block(name: &str, fields: &Map<String, Value>) -> Block {
    Block::builder(name)
        .add_structures(fields.iter().flat_map(|(k, v)| structures(k, v)))
        .build()
}

/// Lists of objects take a singular block name in the provider's schema.
fn block_name(key: &str) -> String {
    match key {
        "containers" => "container".to_string(),
        "volumes" => "volume".to_string(),
        "volumeMounts" => "volume_mount".to_string(),
        "options" => "option".to_string(),
        other => snake_case(other),
    }
}

fn attribute_name(key: &str) -> String {
    match key {
        // kubernetes_cron_job_v1 spells the CronJob's `timeZone` as one word.
        "timeZone" => "timezone".to_string(),
        other => snake_case(other),
    }
}

fn snake_case(camel: &str) -> String {
    let mut snake = String::with_capacity(camel.len() + 4);
    for c in camel.chars() {
        if c.is_ascii_uppercase() {
            snake.push('_');
            snake.push(c.to_ascii_lowercase());
        } else {
            snake.push(c);
        }
    }
    snake
}

/// Scalars, lists and maps; strings are escaped by the formatter, including the `${` and
/// `%{` of shell scripts, which HCL would otherwise read as template interpolations.
/// Multi-line text ending in a newline (the scripts) becomes a heredoc, readable in a
/// reviewed `.tf` file; other strings stay quoted, since a heredoc always ends in `\n`.
fn expression(value: &Value) -> Expression {
    match value {
        Value::Null => Expression::Null,
        Value::Bool(b) => Expression::Bool(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Expression::from(i),
            None => Expression::from(n.as_f64().unwrap_or_default()),
        },
        Value::String(s) if s.contains('\n') && s.ends_with('\n') => heredoc(s),
        Value::String(s) => Expression::String(s.clone()),
        Value::Array(items) => Expression::Array(items.iter().map(expression).collect()),
        Value::Object(fields) => {
            let object: Object<ObjectKey, Expression> = fields
                .iter()
                .map(|(k, v)| {
                    (
                        ObjectKey::Expression(Expression::String(k.clone())),
                        expression(v),
                    )
                })
                .collect();
            Expression::Object(object)
        }
    }
}

/// `<<EOT ... EOT` holding exactly `text`: template markers doubled (a heredoc has no other
/// escapes), and a delimiter that no line of the text equals.
fn heredoc(text: &str) -> Expression {
    let mut delimiter = "EOT".to_string();
    while text.lines().any(|line| line.trim() == delimiter) {
        delimiter.push('_');
    }
    let template = text.replace("${", "$${").replace("%{", "%%{");
    let heredoc = Heredoc::new(Identifier::unchecked(delimiter), template);
    Expression::TemplateExpr(Box::new(TemplateExpr::Heredoc(heredoc)))
}

//! The `## Schema` section of a page, from one block of `terraform providers schema -json`:
//! attributes grouped as Required / Optional / Read-Only (as tfplugindocs does, so the
//! registry renders it the way users know), nested attributes and blocks described below
//! their parent with anchors. Every attribute must carry a description.

use serde_json::{Map, Value};
use std::collections::VecDeque;

/// One entry under Required / Optional / Read-Only.
struct Item<'a> {
    name: &'a str,
    kind: String,
    description: &'a str,
    /// The nested schema to describe below, with its anchor.
    nested: Option<(String, Nested<'a>)>,
}

/// What a nested-schema section lists.
enum Nested<'a> {
    /// Protocol 6 nested attributes (`nested_type`).
    Attributes(&'a Map<String, Value>),
    /// A nested block (`block_types`).
    Block(&'a Value),
    /// An attribute of object type: names and types only, the type has no descriptions.
    Object(&'a Map<String, Value>),
}

/// Markdown of `block` (a schema's `block` object). `owner` names it in errors, e.g.
/// `resource backstop_backup_job`; every attribute without a description is reported.
pub fn render(owner: &str, block: &Value, errors: &mut Vec<String>) -> String {
    let mut out = String::from("## Schema\n");
    // Nested schemas are described after the top level, breadth first, each once.
    let mut queue = VecDeque::new();
    queue.extend(render_groups(
        "",
        block_items(owner, "", block, errors),
        "###",
        &mut out,
    ));
    while let Some((anchor, path, nested)) = queue.pop_front() {
        out.push_str(&format!(
            "\n<a id=\"{anchor}\"></a>\n### Nested Schema for `{path}`\n"
        ));
        let items = match nested {
            Nested::Attributes(attributes) => attribute_items(owner, &path, attributes, errors),
            Nested::Block(block) => block_items(owner, &path, block, errors),
            Nested::Object(fields) => object_items(&path, fields),
        };
        queue.extend(render_groups(&path, items, "", &mut out));
    }
    out
}

/// Writes the Required / Optional / Read-Only lists (as `### Title` sections at the top
/// level, `Title:` paragraphs in nested schemas); returns the nested schemas to describe.
fn render_groups<'a>(
    path: &str,
    items: Vec<(Group, Item<'a>)>,
    heading: &str,
    out: &mut String,
) -> Vec<(String, String, Nested<'a>)> {
    for group in [Group::Required, Group::Optional, Group::ReadOnly] {
        let members: Vec<&Item> = items
            .iter()
            .filter(|(g, _)| *g == group)
            .map(|(_, i)| i)
            .collect();
        if members.is_empty() {
            continue;
        }
        if heading.is_empty() {
            out.push_str(&format!("\n{}:\n\n", group.title()));
        } else {
            out.push_str(&format!("\n{heading} {}\n\n", group.title()));
        }
        for item in members {
            out.push_str(&format!("- `{}` ({})", item.name, item.kind));
            if !item.description.trim().is_empty() {
                out.push(' ');
                out.push_str(item.description.trim());
            }
            if let Some((anchor, _)) = &item.nested {
                out.push_str(&format!(" (see [below for nested schema](#{anchor}))"));
            }
            out.push('\n');
        }
    }
    items
        .into_iter()
        .filter_map(|(_, item)| {
            item.nested
                .map(|(anchor, nested)| (anchor, join(path, item.name), nested))
        })
        .collect()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Group {
    Required,
    Optional,
    ReadOnly,
}

impl Group {
    fn title(self) -> &'static str {
        match self {
            Group::Required => "Required",
            Group::Optional => "Optional",
            Group::ReadOnly => "Read-Only",
        }
    }

    fn of(value: &Value) -> Group {
        let flag = |name: &str| value.get(name).and_then(Value::as_bool).unwrap_or(false);
        if flag("required") {
            Group::Required
        } else if flag("optional") {
            Group::Optional
        } else {
            Group::ReadOnly
        }
    }
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

fn anchor(prefix: &str, path: &str) -> String {
    format!("{prefix}--{}", path.replace('.', "--"))
}

fn block_items<'a>(
    owner: &str,
    path: &str,
    block: &'a Value,
    errors: &mut Vec<String>,
) -> Vec<(Group, Item<'a>)> {
    let mut items = block
        .get("attributes")
        .and_then(Value::as_object)
        .map(|attributes| attribute_items(owner, path, attributes, errors))
        .unwrap_or_default();
    if let Some(block_types) = block.get("block_types").and_then(Value::as_object) {
        for (name, block_type) in block_types {
            items.push(block_item(owner, path, name, block_type, errors));
        }
    }
    items.sort_by(|a, b| a.1.name.cmp(b.1.name));
    items
}

fn block_item<'a>(
    owner: &str,
    path: &str,
    name: &'a str,
    block_type: &'a Value,
    errors: &mut Vec<String>,
) -> (Group, Item<'a>) {
    let nesting = block_type
        .get("nesting_mode")
        .and_then(Value::as_str)
        .unwrap_or("single");
    let min = block_type
        .get("min_items")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    let max = block_type.get("max_items").and_then(Value::as_u64);
    let mut kind = format!("Block {}", title_case(nesting));
    if min > 0 {
        kind.push_str(&format!(", Min: {min}"));
    }
    if let Some(max) = max.filter(|m| *m > 0) {
        kind.push_str(&format!(", Max: {max}"));
    }
    let inner = block_type.get("block").unwrap_or(&Value::Null);
    let description = inner
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or("");
    if description.trim().is_empty() {
        errors.push(format!(
            "{owner}: block `{}` has no description: add one to the provider schema",
            join(path, name)
        ));
    }
    let group = if min > 0 {
        Group::Required
    } else {
        Group::Optional
    };
    let nested = Some((
        anchor("nestedblock", &join(path, name)),
        Nested::Block(inner),
    ));
    (
        group,
        Item {
            name,
            kind,
            description,
            nested,
        },
    )
}

fn attribute_items<'a>(
    owner: &str,
    path: &str,
    attributes: &'a Map<String, Value>,
    errors: &mut Vec<String>,
) -> Vec<(Group, Item<'a>)> {
    let mut items: Vec<(Group, Item<'a>)> = attributes
        .iter()
        .map(|(name, attribute)| {
            let description = attribute
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or("");
            if description.trim().is_empty() {
                errors.push(format!(
                    "{owner}: attribute `{}` has no description: add one to the provider schema",
                    join(path, name)
                ));
            }
            let (mut kind, nested) = attribute_kind(path, name, attribute);
            let flag = |f: &str| attribute.get(f).and_then(Value::as_bool).unwrap_or(false);
            if flag("sensitive") {
                kind.push_str(", Sensitive");
            }
            if flag("deprecated") {
                kind.push_str(", Deprecated");
            }
            (
                Group::of(attribute),
                Item {
                    name,
                    kind,
                    description,
                    nested,
                },
            )
        })
        .collect();
    items.sort_by(|a, b| a.1.name.cmp(b.1.name));
    items
}

fn attribute_kind<'a>(
    path: &str,
    name: &str,
    attribute: &'a Value,
) -> (String, Option<(String, Nested<'a>)>) {
    if let Some(nested_type) = attribute.get("nested_type") {
        let nesting = nested_type
            .get("nesting_mode")
            .and_then(Value::as_str)
            .unwrap_or("single");
        let kind = match nesting {
            "single" => "Attributes".to_string(),
            other => format!("Attributes {}", title_case(other)),
        };
        let nested = nested_type
            .get("attributes")
            .and_then(Value::as_object)
            .map(|attributes| {
                (
                    anchor("nestedatt", &join(path, name)),
                    Nested::Attributes(attributes),
                )
            });
        return (kind, nested);
    }
    let ty = attribute.get("type").unwrap_or(&Value::Null);
    let nested = object_fields(ty).map(|fields| {
        (
            anchor("nestedobjatt", &join(path, name)),
            Nested::Object(fields),
        )
    });
    (type_name(ty), nested)
}

/// The fields of an object type, also inside a list/set/map of objects.
fn object_fields(ty: &Value) -> Option<&Map<String, Value>> {
    match ty.as_array().map(Vec::as_slice) {
        Some([kind, fields]) if kind == "object" => fields.as_object(),
        Some([kind, element]) if kind == "list" || kind == "set" || kind == "map" => {
            object_fields(element)
        }
        _ => None,
    }
}

fn object_items<'a>(path: &str, fields: &'a Map<String, Value>) -> Vec<(Group, Item<'a>)> {
    let mut items: Vec<(Group, Item<'a>)> = fields
        .iter()
        .map(|(name, ty)| {
            let nested = object_fields(ty)
                .map(|f| (anchor("nestedobjatt", &join(path, name)), Nested::Object(f)));
            (
                Group::ReadOnly,
                Item {
                    name,
                    kind: type_name(ty),
                    description: "",
                    nested,
                },
            )
        })
        .collect();
    items.sort_by(|a, b| a.1.name.cmp(b.1.name));
    items
}

/// A cty type in JSON (`"string"`, `["list","string"]`, `["object",{...}]`) as the registry
/// docs spell it: `String`, `List of String`, `Object`.
pub fn type_name(ty: &Value) -> String {
    match ty {
        Value::String(primitive) => match primitive.as_str() {
            "bool" => "Boolean".to_string(),
            "dynamic" => "Dynamic".to_string(),
            other => title_case(other),
        },
        Value::Array(parts) => match parts.as_slice() {
            [kind, _] if kind == "object" => "Object".to_string(),
            [kind, element] if kind == "list" || kind == "set" || kind == "map" => {
                format!(
                    "{} of {}",
                    title_case(kind.as_str().unwrap_or_default()),
                    type_name(element)
                )
            }
            [kind, _] if kind == "tuple" => "Tuple".to_string(),
            _ => "Dynamic".to_string(),
        },
        _ => "Dynamic".to_string(),
    }
}

pub(super) fn title_case(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn groups_attributes_by_required_optional_read_only_with_types_and_descriptions() {
        let block = json!({"attributes": {
            "name": {"type": "string", "required": true, "description": "The app's name."},
            "labels": {"type": ["map", "string"], "optional": true, "description": "Extra labels."},
            "keep": {"type": "number", "optional": true, "computed": true, "description": "Retention."},
            "cronjob": {"type": "string", "computed": true, "description": "The CronJob as JSON."},
            "password": {"type": "string", "optional": true, "sensitive": true, "description": "Secret."}
        }});
        let mut errors = Vec::new();
        let md = render("resource backstop_x", &block, &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        let expected = "## Schema\n\n### Required\n\n- `name` (String) The app's name.\n\n### Optional\n\n\
             - `keep` (Number) Retention.\n- `labels` (Map of String) Extra labels.\n\
             - `password` (String, Sensitive) Secret.\n\n### Read-Only\n\n- `cronjob` (String) The CronJob as JSON.\n";
        assert_eq!(md, expected);
    }

    #[test]
    fn nested_attributes_get_their_own_section_with_an_anchor() {
        let block = json!({"attributes": {
            "mounts": {"optional": true, "description": "Snapshot folders.", "nested_type": {
                "nesting_mode": "map",
                "attributes": {
                    "path": {"type": "string", "required": true, "description": "Mount path."},
                    "sub_path": {"type": "string", "optional": true, "description": "Folder in the claim."}
                }
            }}
        }});
        let mut errors = Vec::new();
        let md = render("resource backstop_x", &block, &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        assert!(md.contains(
            "- `mounts` (Attributes Map) Snapshot folders. (see [below for nested schema](#nestedatt--mounts))\n"
        ));
        assert!(md.contains(
            "<a id=\"nestedatt--mounts\"></a>\n### Nested Schema for `mounts`\n\nRequired:\n\n\
             - `path` (String) Mount path.\n\nOptional:\n\n- `sub_path` (String) Folder in the claim.\n"
        ));
    }

    #[test]
    fn every_attribute_without_a_description_is_an_error_naming_its_path() {
        let block = json!({"attributes": {
            "name": {"type": "string", "required": true},
            "secret": {"optional": true, "description": "ok", "nested_type": {"nesting_mode": "single",
                "attributes": {"key": {"type": "string", "required": true, "description": " "}}}}
        }});
        let mut errors = Vec::new();
        render("resource backstop_x", &block, &mut errors);
        assert_eq!(
            errors,
            vec![
                "resource backstop_x: attribute `name` has no description: add one to the provider schema",
                "resource backstop_x: attribute `secret.key` has no description: add one to the provider schema",
            ]
        );
    }

    #[test]
    fn cty_types_are_spelled_as_the_registry_docs_do() {
        assert_eq!(type_name(&json!("bool")), "Boolean");
        assert_eq!(type_name(&json!(["list", "string"])), "List of String");
        assert_eq!(
            type_name(&json!(["set", ["map", "number"]])),
            "Set of Map of Number"
        );
        assert_eq!(type_name(&json!(["object", {"a": "string"}])), "Object");
        assert_eq!(type_name(&json!("dynamic")), "Dynamic");
    }
}

//! The tables in the shape `terraform providers schema -json` prints for one provider:
//! what the docs are generated from, and what the provider's served schema must equal.

use super::{functions_json, AttrType, Attribute, Nested, ObjectSchema, Presence, SchemaKind};
use serde_json::{json, Map, Value};

/// cty's JSON form of a plain attribute type; `None` for nested objects.
pub fn type_json(ty: &AttrType) -> Option<Value> {
    Some(match ty {
        AttrType::String => json!("string"),
        AttrType::Count { .. } | AttrType::Fraction => json!("number"),
        AttrType::Bool => json!("bool"),
        AttrType::StringList => json!(["list", "string"]),
        AttrType::StringMap => json!(["map", "string"]),
        AttrType::Dynamic => json!("dynamic"),
        AttrType::Object(_) | AttrType::MapOfObjects(_) | AttrType::Job => return None,
    })
}

/// The nested object of an attribute and its nesting mode (`single` or `map`).
pub fn nested_of(ty: &AttrType) -> Option<(Vec<Attribute>, &'static str)> {
    match ty {
        AttrType::Object(Nested { attributes, .. }) => Some((attributes.clone(), "single")),
        AttrType::MapOfObjects(Nested { attributes, .. }) => Some((attributes.clone(), "map")),
        // The provider takes the job as its inputs (Terraform drops the other attributes).
        AttrType::Job => Some((super::backup_job().inputs, "single")),
        _ => None,
    }
}

fn attribute_json(attribute: &Attribute) -> Value {
    let mut out = Map::new();
    match (type_json(&attribute.ty), nested_of(&attribute.ty)) {
        (Some(ty), _) => {
            out.insert("type".into(), ty);
        }
        (None, Some((attributes, nesting))) => {
            out.insert(
                "nested_type".into(),
                json!({"attributes": attributes_json(&attributes), "nesting_mode": nesting}),
            );
        }
        (None, None) => unreachable!("every type is plain or nested"),
    }
    out.insert("description".into(), json!(attribute.description));
    out.insert("description_kind".into(), json!("markdown"));
    let flags: &[&str] = match attribute.presence {
        Presence::Required => &["required"],
        Presence::Optional => &["optional"],
        Presence::Computed => &["computed"],
        Presence::OptionalComputed => &["optional", "computed"],
    };
    for flag in flags {
        out.insert((*flag).into(), json!(true));
    }
    if attribute.sensitive {
        out.insert("sensitive".into(), json!(true));
    }
    Value::Object(out)
}

fn attributes_json(attributes: &[Attribute]) -> Value {
    Value::Object(
        attributes
            .iter()
            .map(|a| (a.name.to_string(), attribute_json(a)))
            .collect(),
    )
}

fn block_json(version: i64, description: &str, attributes: &[Attribute]) -> Value {
    json!({
        "version": version,
        "block": {
            "attributes": attributes_json(attributes),
            "description": description,
            "description_kind": "markdown",
        }
    })
}

/// One object's resource or data source schema.
pub fn object_json(object: &ObjectSchema, kind: SchemaKind) -> Value {
    block_json(
        ObjectSchema::version(kind),
        &object.description,
        &object.attributes(kind),
    )
}

/// The provider's schemas, exactly one entry of `provider_schemas`.
pub fn schema_json() -> Value {
    let defaults = super::defaults();
    let schemas = |kind| -> Map<String, Value> {
        super::provider_objects()
            .iter()
            .map(|o| (o.type_name.to_string(), object_json(o, kind)))
            .collect()
    };
    json!({
        "provider": block_json(0, &defaults.description, &defaults.inputs),
        "resource_schemas": schemas(SchemaKind::Resource),
        "data_source_schemas": schemas(SchemaKind::DataSource),
        "functions": functions_json(),
    })
}

//! The schema the provider serves over GetProviderSchema, read back from the running
//! binary, equals the core's attribute tables (`backstop_codegen::schema::schema_json`,
//! what the docs are generated from): an adapter that drifts from its table fails here.

mod support;

use serde_json::{json, Map, Value};
use support::{get_schema, launch, terraform_like_identity};
use terraform_provider_backstop::proto::tfplugin6 as pb;
use terraform_provider_backstop::resources;

fn attribute_json(attribute: &pb::schema::Attribute) -> Value {
    let mut out = Map::new();
    match &attribute.nested_type {
        Some(nested) => {
            let nesting = match pb::schema::object::NestingMode::try_from(nested.nesting) {
                Ok(pb::schema::object::NestingMode::Single) => "single",
                Ok(pb::schema::object::NestingMode::Map) => "map",
                other => panic!("{}: unexpected nesting {other:?}", attribute.name),
            };
            out.insert(
                "nested_type".into(),
                json!({"attributes": attributes_json(&nested.attributes), "nesting_mode": nesting}),
            );
        }
        None => {
            let ty: Value = serde_json::from_slice(&attribute.r#type).expect("type JSON");
            out.insert("type".into(), ty);
        }
    }
    out.insert("description".into(), json!(attribute.description));
    assert_eq!(
        attribute.description_kind,
        pb::StringKind::Markdown as i32,
        "{}",
        attribute.name
    );
    out.insert("description_kind".into(), json!("markdown"));
    let flags = [
        ("required", attribute.required),
        ("optional", attribute.optional),
        ("computed", attribute.computed),
        ("sensitive", attribute.sensitive),
    ];
    for (flag, set) in flags {
        if set {
            out.insert(flag.into(), json!(true));
        }
    }
    Value::Object(out)
}

fn attributes_json(attributes: &[pb::schema::Attribute]) -> Value {
    Value::Object(
        attributes
            .iter()
            .map(|a| (a.name.clone(), attribute_json(a)))
            .collect(),
    )
}

fn schema_json(schema: &pb::Schema) -> Value {
    let block = schema.block.as_ref().expect("a block");
    assert!(block.block_types.is_empty(), "nested blocks are not used");
    json!({
        "version": schema.version,
        "block": {
            "attributes": attributes_json(&block.attributes),
            "description": block.description,
            "description_kind": "markdown",
        }
    })
}

fn schemas_json(schemas: &std::collections::HashMap<String, pb::Schema>) -> Value {
    Value::Object(
        schemas
            .iter()
            .map(|(name, schema)| (name.clone(), schema_json(schema)))
            .collect(),
    )
}

#[tokio::test]
async fn the_served_schema_is_the_tables() {
    let terraform = terraform_like_identity();
    let plugin = launch(&terraform.pem);
    let served = get_schema(&plugin, Some(&terraform))
        .await
        .expect("GetProviderSchema");
    let tables = backstop_codegen::schema::schema_json();
    assert_eq!(
        schema_json(served.provider.as_ref().expect("provider schema")),
        tables["provider"]
    );
    assert_eq!(
        schemas_json(&served.resource_schemas),
        tables["resource_schemas"]
    );
    assert_eq!(
        schemas_json(&served.data_source_schemas),
        tables["data_source_schemas"]
    );
    let function = &served.functions[backstop_codegen::schema::STALE_AFTER];
    let table_function = &tables["functions"][backstop_codegen::schema::STALE_AFTER];
    assert_eq!(function.summary, table_function["summary"]);
    assert_eq!(function.description, table_function["description"]);
}

#[test]
fn replace_on_change_follows_the_tables() {
    for adapter in resources::all() {
        let served = resources::schema(adapter.as_ref());
        for row in &adapter.table().inputs {
            let attribute = served.attribute(row.name).expect("every input is served");
            assert_eq!(
                attribute.requires_replace,
                row.requires_replace,
                "{}.{}",
                adapter.type_name(),
                row.name
            );
        }
    }
}

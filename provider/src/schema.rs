//! The tfplugin6 form of the core's attribute tables (`backstop_codegen::schema`): the
//! served schema and the cty object type used to decode configuration and state. Nothing
//! here declares an attribute; every one comes from the tables.

use backstop_codegen::schema::{self as table, AttrType as TableType};
pub use backstop_codegen::schema::{Attribute, Presence};

use crate::dynamic::Type;
use crate::proto::tfplugin6 as pb;

/// How a table row reaches Terraform: a plain cty type, or nested attributes (`Single`
/// for one object, `Map` for a map of them).
enum Shape {
    Plain(Type),
    Nested(Vec<Attribute>, pb::schema::object::NestingMode),
}

fn shape(row: &Attribute) -> Shape {
    use pb::schema::object::NestingMode;
    match &row.ty {
        TableType::String => Shape::Plain(Type::String),
        TableType::Count { .. } | TableType::Fraction => Shape::Plain(Type::Number),
        TableType::Bool => Shape::Plain(Type::Bool),
        TableType::StringList => Shape::Plain(Type::list(Type::String)),
        TableType::StringMap => Shape::Plain(Type::map(Type::String)),
        TableType::Dynamic => Shape::Plain(Type::Dynamic),
        TableType::Object(n) => Shape::Nested(n.attributes.clone(), NestingMode::Single),
        TableType::MapOfObjects(n) => Shape::Nested(n.attributes.clone(), NestingMode::Map),
        // The job's inputs as one nested object: Terraform drops the job's other
        // attributes when `job = backstop_backup_job.x` is converted to it.
        TableType::Job => Shape::Nested(table::backup_job().inputs, NestingMode::Single),
    }
}

/// The cty type Terraform uses for a row's value.
fn value_type(row: &Attribute) -> Type {
    use pb::schema::object::NestingMode;
    match shape(row) {
        Shape::Plain(ty) => ty,
        Shape::Nested(rows, NestingMode::Map) => Type::map(object_type(&rows)),
        Shape::Nested(rows, _) => object_type(&rows),
    }
}

fn object_type(rows: &[Attribute]) -> Type {
    Type::Object(
        rows.iter()
            .map(|a| (a.name.to_string(), value_type(a)))
            .collect(),
    )
}

fn attribute_proto(row: &Attribute) -> pb::schema::Attribute {
    let (ty, nested_type) = match shape(row) {
        Shape::Plain(ty) => (ty.to_json().to_string().into_bytes(), None),
        Shape::Nested(rows, nesting) => (
            Vec::new(),
            Some(pb::schema::Object {
                attributes: rows.iter().map(attribute_proto).collect(),
                nesting: nesting as i32,
            }),
        ),
    };
    pb::schema::Attribute {
        name: row.name.to_string(),
        r#type: ty,
        nested_type,
        description: row.description.clone(),
        required: row.presence == Presence::Required,
        optional: matches!(
            row.presence,
            Presence::Optional | Presence::OptionalComputed
        ),
        computed: matches!(
            row.presence,
            Presence::Computed | Presence::OptionalComputed
        ),
        sensitive: row.sensitive,
        description_kind: pb::StringKind::Markdown as i32,
        deprecated: false,
        write_only: false,
    }
}

/// The schema of the provider block, a resource type or a data source.
#[derive(Debug, Clone)]
pub struct Schema {
    pub version: i64,
    pub description: String,
    pub attributes: Vec<Attribute>,
}

impl Schema {
    /// The schema of `attributes`, from their table rows.
    pub fn from_table(version: i64, description: &str, rows: &[table::Attribute]) -> Self {
        Schema {
            version,
            description: description.to_string(),
            attributes: rows.to_vec(),
        }
    }

    pub fn object_type(&self) -> Type {
        object_type(&self.attributes)
    }

    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    /// The attributes whose change plans a replacement, as paths: a top-level attribute,
    /// or one inside a single nested attribute (a drill's `job.name`).
    pub fn replace_paths(&self) -> Vec<Vec<&'static str>> {
        let mut paths = Vec::new();
        for attribute in &self.attributes {
            if attribute.requires_replace {
                paths.push(vec![attribute.name]);
            } else if let Shape::Nested(nested, pb::schema::object::NestingMode::Single) =
                shape(attribute)
            {
                paths.extend(
                    nested
                        .iter()
                        .filter(|a| a.requires_replace)
                        .map(|a| vec![attribute.name, a.name]),
                );
            }
        }
        paths
    }

    pub fn to_proto(&self) -> pb::Schema {
        pb::Schema {
            version: self.version,
            block: Some(pb::schema::Block {
                version: self.version,
                attributes: self.attributes.iter().map(attribute_proto).collect(),
                block_types: Vec::new(),
                description: self.description.clone(),
                description_kind: pb::StringKind::Markdown as i32,
                deprecated: false,
            }),
        }
    }
}

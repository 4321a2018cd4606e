//! The tfplugin6 form of the core's attribute tables (`backstop_codegen::schema`): the
//! served schema and the cty object type used to decode configuration and state. Nothing
//! here declares an attribute; every one comes from the tables.

pub use backstop_codegen::schema::Presence;
use backstop_codegen::schema::{self as table, AttrType as TableType};

use crate::dynamic::Type;
use crate::proto::tfplugin6 as pb;

#[derive(Debug, Clone)]
pub enum AttrType {
    Plain(Type),
    /// A nested attribute object (`foo = { ... }`), used once.
    Single(Vec<Attribute>),
    /// A map of nested attribute objects (`foo = { key = { ... } }`).
    MapOf(Vec<Attribute>),
}

#[derive(Debug, Clone)]
pub struct Attribute {
    pub name: &'static str,
    pub ty: AttrType,
    pub presence: Presence,
    pub description: String,
    pub sensitive: bool,
    /// A change plans a replacement instead of an in-place update.
    pub requires_replace: bool,
}

impl Attribute {
    /// The tfplugin6 attribute of a table row.
    pub fn from_table(row: &table::Attribute) -> Self {
        let nested = |attributes: &[table::Attribute]| -> Vec<Attribute> {
            attributes.iter().map(Attribute::from_table).collect()
        };
        let ty = match &row.ty {
            TableType::String => AttrType::Plain(Type::String),
            TableType::Count { .. } | TableType::Fraction => AttrType::Plain(Type::Number),
            TableType::Bool => AttrType::Plain(Type::Bool),
            TableType::StringList => AttrType::Plain(Type::list(Type::String)),
            TableType::StringMap => AttrType::Plain(Type::map(Type::String)),
            TableType::Dynamic => AttrType::Plain(Type::Dynamic),
            TableType::Object(n) => AttrType::Single(nested(&n.attributes)),
            TableType::MapOfObjects(n) => AttrType::MapOf(nested(&n.attributes)),
            // The job's inputs as one nested object: Terraform drops the job's other
            // attributes when `job = backstop_backup_job.x` is converted to it.
            TableType::Job => AttrType::Single(nested(&table::backup_job().inputs)),
        };
        Attribute {
            name: row.name,
            ty,
            presence: row.presence,
            description: row.description.clone(),
            sensitive: row.sensitive,
            requires_replace: row.requires_replace,
        }
    }

    /// The cty type Terraform uses for this attribute's value.
    pub fn value_type(&self) -> Type {
        match &self.ty {
            AttrType::Plain(ty) => ty.clone(),
            AttrType::Single(attrs) => object_type(attrs),
            AttrType::MapOf(attrs) => Type::map(object_type(attrs)),
        }
    }

    fn to_proto(&self) -> pb::schema::Attribute {
        let (ty, nested_type) = match &self.ty {
            AttrType::Plain(ty) => (ty.to_json().to_string().into_bytes(), None),
            AttrType::Single(attrs) => (
                Vec::new(),
                Some(nested_proto(attrs, pb::schema::object::NestingMode::Single)),
            ),
            AttrType::MapOf(attrs) => (
                Vec::new(),
                Some(nested_proto(attrs, pb::schema::object::NestingMode::Map)),
            ),
        };
        pb::schema::Attribute {
            name: self.name.to_string(),
            r#type: ty,
            nested_type,
            description: self.description.clone(),
            required: self.presence == Presence::Required,
            optional: matches!(
                self.presence,
                Presence::Optional | Presence::OptionalComputed
            ),
            computed: matches!(
                self.presence,
                Presence::Computed | Presence::OptionalComputed
            ),
            sensitive: self.sensitive,
            description_kind: pb::StringKind::Markdown as i32,
            deprecated: false,
            write_only: false,
        }
    }
}

fn object_type(attrs: &[Attribute]) -> Type {
    Type::Object(
        attrs
            .iter()
            .map(|a| (a.name.to_string(), a.value_type()))
            .collect(),
    )
}

fn nested_proto(
    attrs: &[Attribute],
    nesting: pb::schema::object::NestingMode,
) -> pb::schema::Object {
    pb::schema::Object {
        attributes: attrs.iter().map(Attribute::to_proto).collect(),
        nesting: nesting as i32,
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
            attributes: rows.iter().map(Attribute::from_table).collect(),
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
            } else if let AttrType::Single(nested) = &attribute.ty {
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
                attributes: self.attributes.iter().map(Attribute::to_proto).collect(),
                block_types: Vec::new(),
                description: self.description.clone(),
                description_kind: pb::StringKind::Markdown as i32,
                deprecated: false,
            }),
        }
    }
}

//! A declarative description of attributes, from which come the tfplugin6 schema, the
//! `terraform providers schema -json` shape for the docs, and the cty object type used
//! to decode configuration and state.

use serde_json::{json, Map};

use crate::dynamic::Type;
use crate::proto::tfplugin6 as pb;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    Required,
    Optional,
    /// Set by the provider only (the rendered outputs).
    Computed,
    /// Set by the user, else by the provider from the other inputs (a default the
    /// provider derives, such as a drill's schedule).
    OptionalComputed,
}

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
    pub description: &'static str,
    pub sensitive: bool,
    /// A change plans a replacement instead of an in-place update.
    pub requires_replace: bool,
}

impl Attribute {
    fn new(
        name: &'static str,
        ty: AttrType,
        presence: Presence,
        description: &'static str,
    ) -> Self {
        Attribute {
            name,
            ty,
            presence,
            description,
            sensitive: false,
            requires_replace: false,
        }
    }
    pub fn required(name: &'static str, ty: Type, description: &'static str) -> Self {
        Self::new(name, AttrType::Plain(ty), Presence::Required, description)
    }
    pub fn optional(name: &'static str, ty: Type, description: &'static str) -> Self {
        Self::new(name, AttrType::Plain(ty), Presence::Optional, description)
    }
    pub fn computed(name: &'static str, ty: Type, description: &'static str) -> Self {
        Self::new(name, AttrType::Plain(ty), Presence::Computed, description)
    }
    pub fn optional_computed(name: &'static str, ty: Type, description: &'static str) -> Self {
        Self::new(
            name,
            AttrType::Plain(ty),
            Presence::OptionalComputed,
            description,
        )
    }
    pub fn nested(
        name: &'static str,
        ty: AttrType,
        presence: Presence,
        description: &'static str,
    ) -> Self {
        Self::new(name, ty, presence, description)
    }
    pub fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }
    pub fn requires_replace(mut self) -> Self {
        self.requires_replace = true;
        self
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
            description: self.description.to_string(),
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

    fn to_json(&self) -> serde_json::Value {
        let mut out = Map::new();
        match &self.ty {
            AttrType::Plain(ty) => {
                out.insert("type".into(), ty.to_json());
            }
            AttrType::Single(attrs) => {
                out.insert(
                    "nested_type".into(),
                    json!({"attributes": attributes_json(attrs), "nesting_mode": "single"}),
                );
            }
            AttrType::MapOf(attrs) => {
                out.insert(
                    "nested_type".into(),
                    json!({"attributes": attributes_json(attrs), "nesting_mode": "map"}),
                );
            }
        }
        out.insert("description".into(), json!(self.description));
        out.insert("description_kind".into(), json!("markdown"));
        let flags: &[&str] = match self.presence {
            Presence::Required => &["required"],
            Presence::Optional => &["optional"],
            Presence::Computed => &["computed"],
            Presence::OptionalComputed => &["optional", "computed"],
        };
        for flag in flags {
            out.insert((*flag).into(), json!(true));
        }
        if self.sensitive {
            out.insert("sensitive".into(), json!(true));
        }
        serde_json::Value::Object(out)
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

fn attributes_json(attrs: &[Attribute]) -> serde_json::Value {
    serde_json::Value::Object(
        attrs
            .iter()
            .map(|a| (a.name.to_string(), a.to_json()))
            .collect(),
    )
}

/// The schema of the provider block, a resource type or a data source.
#[derive(Debug, Clone)]
pub struct Schema {
    pub version: i64,
    pub description: &'static str,
    pub attributes: Vec<Attribute>,
}

impl Schema {
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
                description: self.description.to_string(),
                description_kind: pb::StringKind::Markdown as i32,
                deprecated: false,
            }),
        }
    }

    /// The shape `terraform providers schema -json` prints for one schema.
    pub fn to_json(&self) -> serde_json::Value {
        json!({
            "version": self.version,
            "block": {
                "attributes": attributes_json(&self.attributes),
                "description": self.description,
                "description_kind": "markdown",
            }
        })
    }
}

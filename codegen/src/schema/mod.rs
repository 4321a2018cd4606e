//! One declarative table per Backstop object: every attribute's name, type, presence,
//! description, sensitivity and replace-on-change. The provider schema (tfplugin6), the
//! spec loader, the docs (`terraform providers schema -json`'s shape, built here) and the
//! module variables are all derived from it, and `read` turns either front end's values
//! into the model through it. Descriptions format their defaults from the constants that
//! set them, so a changed default changes its description.

mod alert;
mod functions;
mod job;
pub mod json;
mod provider;
pub mod read;
mod restore;
mod restore_test;
mod volume;

pub use functions::{functions_json, StaleAfterFunction, STALE_AFTER};
pub use json::schema_json;

/// Who sets an attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    Required,
    Optional,
    /// Set by the provider only (names and rendered outputs).
    Computed,
    /// Set by the user, else by the provider from the other inputs (a default it derives,
    /// such as a drill's schedule).
    OptionalComputed,
}

/// The attributes of a nested object value, and how type errors describe it.
#[derive(Debug, Clone, PartialEq)]
pub struct Nested {
    pub attributes: Vec<Attribute>,
    /// The value's shape as type errors name it, e.g. `an object { name = "...", key = "..." }`.
    pub shape: &'static str,
    /// What to do when a required attribute of the object is missing.
    pub missing_hint: &'static str,
}

/// The type of an attribute's value.
#[derive(Debug, Clone, PartialEq)]
pub enum AttrType {
    String,
    /// A whole number from `min` up to `u32::MAX`.
    Count {
        min: u32,
    },
    /// Any number; its range is the core's to check.
    Fraction,
    Bool,
    StringList,
    StringMap,
    /// Any value (the rendered objects).
    Dynamic,
    /// One nested object (`foo = { ... }`).
    Object(Nested),
    /// A map of nested objects (`foo = { key = { ... } }`).
    MapOfObjects(Nested),
    /// The backup job a drill or restore belongs to: a reference (`backup_job.ID`) in a
    /// spec, the job's inputs as one nested object in the provider.
    Job,
}

impl AttrType {
    /// How type errors name the type: `must be {describe}`.
    pub fn describe(&self) -> &'static str {
        match self {
            AttrType::String => "a string",
            AttrType::Count { .. } => "a whole number",
            AttrType::Fraction => "a number, e.g. 0.1",
            AttrType::Bool => "true or false",
            AttrType::StringList => "a list of strings",
            AttrType::StringMap => "a map of strings, e.g. { app = \"mailserver\" }",
            AttrType::Dynamic => "any value",
            AttrType::Object(nested) | AttrType::MapOfObjects(nested) => nested.shape,
            AttrType::Job => "a reference to a backup job, e.g. backup_job.mailserver",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Attribute {
    pub name: &'static str,
    pub ty: AttrType,
    pub presence: Presence,
    pub description: String,
    pub sensitive: bool,
    /// A change plans a replacement instead of an in-place update.
    pub requires_replace: bool,
    /// Only the provider takes it: a spec derives the value from its other blocks.
    pub provider_only: bool,
}

impl Attribute {
    fn new(name: &'static str, ty: AttrType, presence: Presence, description: String) -> Self {
        Attribute {
            name,
            ty,
            presence,
            description,
            sensitive: false,
            requires_replace: false,
            provider_only: false,
        }
    }
    pub fn required(name: &'static str, ty: AttrType, description: impl Into<String>) -> Self {
        Self::new(name, ty, Presence::Required, description.into())
    }
    pub fn optional(name: &'static str, ty: AttrType, description: impl Into<String>) -> Self {
        Self::new(name, ty, Presence::Optional, description.into())
    }
    pub fn computed(name: &'static str, ty: AttrType, description: impl Into<String>) -> Self {
        Self::new(name, ty, Presence::Computed, description.into())
    }
    pub fn optional_computed(
        name: &'static str,
        ty: AttrType,
        description: impl Into<String>,
    ) -> Self {
        Self::new(name, ty, Presence::OptionalComputed, description.into())
    }
    pub fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }
    pub fn requires_replace(mut self) -> Self {
        self.requires_replace = true;
        self
    }
    pub fn provider_only(mut self) -> Self {
        self.provider_only = true;
        self
    }
}

/// One object's table: what the user writes, and what the provider computes from it.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectSchema {
    /// The Terraform type name, e.g. `backstop_backup_job`.
    pub type_name: &'static str,
    /// The spec's block type, e.g. `backup_job`.
    pub block_type: &'static str,
    pub description: String,
    /// The attributes the user sets.
    pub inputs: Vec<Attribute>,
    /// Small computed names besides `id`, known at plan whenever their inputs are.
    pub handles: Vec<Attribute>,
    /// One attribute per rendered Kubernetes object.
    pub objects: Vec<Attribute>,
    /// Text forms, byte for byte what `backstop render` writes: data sources only.
    pub texts: Vec<Attribute>,
}

/// Whether a schema is a managed resource's or a data source's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaKind {
    Resource,
    DataSource,
}

/// The version of the resource schemas. 0 (provider 0.1.0) also stored every object as
/// JSON and YAML text and the job's script; the provider's upgrade drops those.
pub const RESOURCE_SCHEMA_VERSION: i64 = 1;

pub const ID_DESCRIPTION: &str = "`<namespace>/<object name>`: the claim's name for a volume, the CronJob's for a job and its alert rules, the drill's CronJob's for a restore test, the Job's for a restore. Known at plan once those are; also the import ID.";

impl ObjectSchema {
    pub fn input(&self, name: &str) -> Option<&Attribute> {
        self.inputs.iter().find(|a| a.name == name)
    }

    /// The schema version of a resource or data source of this object.
    pub fn version(kind: SchemaKind) -> i64 {
        match kind {
            SchemaKind::Resource => RESOURCE_SCHEMA_VERSION,
            SchemaKind::DataSource => 0,
        }
    }

    /// Every attribute of the resource or data source: inputs, then `id`, handles and
    /// objects, then (data sources) the texts.
    pub fn attributes(&self, kind: SchemaKind) -> Vec<Attribute> {
        let mut attributes = self.inputs.clone();
        attributes.push(Attribute::computed("id", AttrType::String, ID_DESCRIPTION));
        attributes.extend(self.handles.iter().cloned());
        attributes.extend(self.objects.iter().cloned());
        if kind == SchemaKind::DataSource {
            attributes.extend(self.texts.iter().cloned());
        }
        attributes
    }
}

/// The `provider "backstop" {}` block, or the spec's `backstop {}` block.
pub fn defaults() -> ObjectSchema {
    provider::schema()
}

pub fn nfs_backup_volume() -> ObjectSchema {
    volume::schema()
}

pub fn backup_job() -> ObjectSchema {
    job::schema()
}

pub fn backup_alert() -> ObjectSchema {
    alert::schema()
}

pub fn restore_test() -> ObjectSchema {
    restore_test::schema()
}

pub fn restore() -> ObjectSchema {
    restore::schema()
}

/// The objects the provider serves as resources and data sources, in its order.
pub fn provider_objects() -> Vec<ObjectSchema> {
    vec![
        nfs_backup_volume(),
        backup_job(),
        backup_alert(),
        restore_test(),
        restore(),
    ]
}

/// Every block a spec may hold, the `backstop {}` defaults first, without the
/// provider-only inputs (a spec derives those from its other blocks).
pub fn spec_blocks() -> Vec<ObjectSchema> {
    let mut blocks = vec![
        defaults(),
        nfs_backup_volume(),
        backup_job(),
        backup_alert(),
        restore_test(),
        restore(),
    ];
    for block in &mut blocks {
        block.inputs.retain(|input| !input.provider_only);
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_attributes(attributes: &[Attribute]) -> Vec<&Attribute> {
        let mut all = Vec::new();
        for attribute in attributes {
            all.push(attribute);
            if let AttrType::Object(nested) | AttrType::MapOfObjects(nested) = &attribute.ty {
                all.extend(all_attributes(&nested.attributes));
            }
        }
        all
    }

    #[test]
    fn every_table_names_each_attribute_once_and_describes_it() {
        for table in spec_blocks() {
            for kind in [SchemaKind::Resource, SchemaKind::DataSource] {
                let attributes = table.attributes(kind);
                let mut names: Vec<&str> = attributes.iter().map(|a| a.name).collect();
                names.sort_unstable();
                let count = names.len();
                names.dedup();
                assert_eq!(
                    names.len(),
                    count,
                    "{} names an attribute twice",
                    table.type_name
                );
                for attribute in all_attributes(&attributes) {
                    assert!(
                        !attribute.description.trim().is_empty(),
                        "{}.{} has no description",
                        table.type_name,
                        attribute.name
                    );
                }
            }
        }
    }
}

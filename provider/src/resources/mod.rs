//! One small adapter per Backstop object: its attributes, the conversion of a Terraform
//! configuration into the rendering core's model, and the rendered outputs. A managed
//! resource and the data source of the same name share the adapter.
//!
//! What each holds: a resource keeps its inputs, small handles (`id`, names) and one
//! object per rendered Kubernetes object; plans print resources, so nothing is stored
//! twice. The text forms (YAML, JSON, the script, the rule group) are only in the data
//! sources, whose values plans do not print.

mod alert;
mod convert;
mod job;
mod job_ref;
pub mod provider_config;
mod restore;
mod restore_test;
mod volume;

use std::collections::BTreeMap;

use backstop_codegen::schema::ObjectSchema;
pub use backstop_codegen::schema::SchemaKind as Kind;
use backstop_codegen::{Defaults, Diagnostics};

use crate::dynamic::Value;
use crate::schema::{Presence, Schema};

/// Computed attribute values by name, `id` included.
pub type Outputs = BTreeMap<&'static str, Value>;

pub trait Adapter: Send + Sync {
    /// The object's attribute table (inputs, handles, objects, texts), built once.
    fn table(&self) -> &ObjectSchema;
    /// The Terraform type name, e.g. `backstop_backup_job`.
    fn type_name(&self) -> &'static str {
        self.table().type_name
    }
    /// Renders a wholly known configuration into the computed attributes of `kind`
    /// (`id`, handles, objects; the texts for a data source only, since serializing them
    /// costs more than rendering); errors carry the offending attribute's path.
    fn render(
        &self,
        defaults: &Defaults,
        config: &Value,
        kind: Kind,
    ) -> Result<Outputs, Diagnostics>;
    /// `id` and the handles of a possibly partial configuration: each is unknown when an
    /// input it derives from is unknown.
    fn known_handles(&self, config: &Value) -> Outputs;
    /// The errors `render` would report, without rendering (Terraform validates every
    /// instance before planning it, so this is on the hot path of large plans).
    fn validate(&self, defaults: &Defaults, config: &Value) -> Diagnostics;
    /// What a valid configuration should still be told, as warnings: none for most.
    fn warnings(&self, _config: &Value) -> Diagnostics {
        Diagnostics::new()
    }
    /// The inputs an import ID (the resource's own `id`) determines, or what is wrong with it.
    fn import_inputs(&self, id: &str) -> Result<Vec<(&'static str, Value)>, String>;
    /// The import ID format, for messages and docs.
    fn id_format(&self) -> &'static str;
    /// Inputs that feed only a few outputs, for planning the others before those inputs
    /// are known; none for an object whose every output depends on every input.
    fn stand_ins(&self) -> Option<&StandIns> {
        None
    }
}

/// Inputs that feed only the outputs `reach`, each with a stand-in value: a plan whose
/// only unknown inputs are among them renders with the stand-ins, keeps the other outputs
/// (exactly what apply renders with the real values) and leaves `reach` unknown, so a
/// stand-in never shows as a planned value.
pub struct StandIns {
    /// Input name -> a value valid wherever the input applies.
    pub values: BTreeMap<&'static str, Value>,
    /// Every computed attribute the inputs feed (derived defaults included).
    pub reach: &'static [&'static str],
}

/// The full schema: inputs, then `id`, handles and objects, then (data sources) the texts.
pub fn schema_of(adapter: &dyn Adapter, kind: Kind) -> Schema {
    let table = adapter.table();
    Schema::from_table(
        ObjectSchema::version(kind),
        &table.description,
        &table.attributes(kind),
    )
}

/// The managed resource's schema.
pub fn schema(adapter: &dyn Adapter) -> Schema {
    schema_of(adapter, Kind::Resource)
}

/// Names of every computed attribute, `id` included.
pub fn computed_names(schema: &Schema) -> Vec<&'static str> {
    schema
        .attributes
        .iter()
        .filter(|a| a.presence == Presence::Computed)
        .map(|a| a.name)
        .collect()
}

/// Names of the optional attributes the provider derives when they are unset.
pub fn derived_names(schema: &Schema) -> Vec<&'static str> {
    schema
        .attributes
        .iter()
        .filter(|a| a.presence == Presence::OptionalComputed)
        .map(|a| a.name)
        .collect()
}

/// `namespace/name` when both are known strings, unknown when either is unknown.
pub fn namespaced_id(config: &Value, namespace: &str, name: Option<&Value>) -> Value {
    match (config.attr(namespace), name) {
        (Value::String(ns), Some(Value::String(n))) => Value::string(format!("{ns}/{n}")),
        _ => Value::Unknown,
    }
}

/// Every resource type the provider serves; the data sources have the same names.
pub fn all() -> Vec<Box<dyn Adapter>> {
    vec![
        Box::new(volume::Volume::default()),
        Box::new(job::Job::default()),
        Box::new(alert::Alert::default()),
        Box::new(restore_test::Drill::default()),
        Box::new(restore::RestoreJob::default()),
    ]
}

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

use backstop_codegen::{Defaults, Diagnostics};

use crate::dynamic::{Type, Value};
use crate::schema::{Attribute, Presence, Schema};

/// Computed attribute values by name, `id` included.
pub type Outputs = BTreeMap<&'static str, Value>;

/// The version of the resource schemas. 0 (provider 0.1.0) also stored every object as
/// JSON and YAML text and the job's script; `lifecycle::upgrade` drops those.
pub const RESOURCE_SCHEMA_VERSION: i64 = 1;

pub trait Adapter: Send + Sync {
    /// The Terraform type name, e.g. `backstop_backup_job`.
    fn type_name(&self) -> &'static str;
    fn description(&self) -> &'static str;
    /// The attributes the user sets.
    fn inputs(&self) -> Vec<Attribute>;
    /// Small computed names besides `id`, known at plan whenever the inputs they derive from are.
    fn handles(&self) -> Vec<Attribute>;
    /// One attribute per rendered Kubernetes object.
    fn objects(&self) -> Vec<Attribute>;
    /// Text forms, byte for byte what `backstop render` writes: data sources only.
    fn texts(&self) -> Vec<Attribute>;
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
    /// The inputs an import ID (the resource's own `id`) determines, or what is wrong with it.
    fn import_inputs(&self, id: &str) -> Result<Vec<(&'static str, Value)>, String>;
    /// The import ID format, for messages and docs.
    fn id_format(&self) -> &'static str;
}

pub const ID_DESCRIPTION: &str = "`<namespace>/<object name>`: the claim's name for a volume, the CronJob's for a job and its alert rules, the drill's CronJob's for a restore test, the Job's for a restore. Known at plan once those are; also the import ID.";

/// Whether a schema is a managed resource's or a data source's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Resource,
    DataSource,
}

/// The full schema: inputs, then `id`, handles and objects, then (data sources) the texts.
pub fn schema_of(adapter: &dyn Adapter, kind: Kind) -> Schema {
    let mut attributes = adapter.inputs();
    attributes.push(Attribute::computed("id", Type::String, ID_DESCRIPTION));
    attributes.extend(adapter.handles());
    attributes.extend(adapter.objects());
    let version = match kind {
        Kind::Resource => RESOURCE_SCHEMA_VERSION,
        Kind::DataSource => {
            attributes.extend(adapter.texts());
            0
        }
    };
    Schema {
        version,
        description: adapter.description(),
        attributes,
    }
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
        Box::new(volume::Volume),
        Box::new(job::Job::default()),
        Box::new(alert::Alert),
        Box::new(restore_test::Drill),
        Box::new(restore::RestoreJob),
    ]
}

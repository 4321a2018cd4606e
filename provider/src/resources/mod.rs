//! One small adapter per Backstop object: its attributes, the conversion of a Terraform
//! configuration into the rendering core's model, and the rendered outputs. A managed
//! resource and the data source of the same name share the adapter.

mod alert;
mod convert;
mod job;
pub mod provider_config;
mod volume;

use std::collections::BTreeMap;

use backstop_codegen::{Defaults, Diagnostics};

use crate::dynamic::{Type, Value};
use crate::schema::{Attribute, Presence, Schema};

/// Computed attribute values by name, `id` included.
pub type Outputs = BTreeMap<&'static str, Value>;

pub trait Adapter: Send + Sync {
    /// The Terraform type name, e.g. `backstop_backup_job`.
    fn type_name(&self) -> &'static str;
    fn description(&self) -> &'static str;
    /// The attributes the user sets.
    fn inputs(&self) -> Vec<Attribute>;
    /// The rendered attributes, besides `id`.
    fn outputs(&self) -> Vec<Attribute>;
    /// Renders a wholly known configuration; errors carry the offending attribute's path.
    fn render(&self, defaults: &Defaults, config: &Value) -> Result<Outputs, Diagnostics>;
    /// The errors `render` would report, without rendering (Terraform validates every
    /// instance before planning it, so this is on the hot path of large plans).
    fn validate(&self, defaults: &Defaults, config: &Value) -> Diagnostics;
    /// The import ID format, e.g. `<namespace>/<name>`, and the two attributes it sets.
    fn import_attributes(&self) -> (&'static str, &'static str);
}

pub const ID_DESCRIPTION: &str = "`<namespace>/<name>` of the rendered object; also the import ID.";

/// The full schema: inputs, then `id`, then the outputs.
pub fn schema(adapter: &dyn Adapter) -> Schema {
    let mut attributes = adapter.inputs();
    attributes.push(Attribute::computed("id", Type::String, ID_DESCRIPTION));
    attributes.extend(adapter.outputs());
    Schema {
        version: 0,
        description: adapter.description(),
        attributes,
    }
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

/// Every resource type the provider serves; the data sources have the same names.
pub fn all() -> Vec<Box<dyn Adapter>> {
    vec![
        Box::new(volume::Volume),
        Box::new(job::Job::default()),
        Box::new(alert::Alert),
    ]
}

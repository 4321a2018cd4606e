//! The Backstop Terraform provider: resources that are small adapters onto
//! `backstop_codegen`, served by the generic plugin protocol 6 server `tfplugin6_server`.
//!
//! Modules, each with one job: `plugin` (Backstop as the server's `Provider`),
//! `lifecycle` (what plan/apply/read do with values), `schema` (attribute declarations),
//! `resources` (one adapter per Backstop object), `functions`, `diagnostics` (the core's
//! diagnostics on the wire).

pub mod diagnostics;
pub mod functions;
pub mod lifecycle;
pub mod plugin;
pub mod resources;
pub mod schema;

// The server's codec and wire types, under the names the resources use.
pub use tfplugin6_server::{dynamic, proto};

/// The provider's address in the registry.
pub const PROVIDER_ADDRESS: &str = "registry.terraform.io/backstop/backstop";

/// The provider's schemas in exactly the shape of one entry of
/// `terraform providers schema -json`'s `provider_schemas`: the core's tables, which the
/// served schema is built from.
pub fn schema_json() -> serde_json::Value {
    backstop_codegen::schema::schema_json()
}

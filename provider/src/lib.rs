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
/// `terraform providers schema -json`'s `provider_schemas`, for the docs generator.
pub fn schema_json() -> serde_json::Value {
    let schemas = |kind| -> serde_json::Map<String, serde_json::Value> {
        resources::all()
            .iter()
            .map(|a| {
                (
                    a.type_name().to_string(),
                    resources::schema_of(a.as_ref(), kind).to_json(),
                )
            })
            .collect()
    };
    serde_json::json!({
        "provider": resources::provider_config::schema().to_json(),
        "resource_schemas": schemas(resources::Kind::Resource),
        "data_source_schemas": schemas(resources::Kind::DataSource),
        "functions": functions::definitions_json(),
    })
}

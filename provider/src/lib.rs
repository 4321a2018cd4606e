//! The Backstop Terraform provider: a tfplugin6 gRPC server whose resources are small
//! adapters onto `backstop_codegen`.
//!
//! Modules, each with one job: `handshake` (launch contract), `tls` (AutoMTLS), `server`
//! (gRPC wiring), `service` (the tfplugin6 RPCs), `lifecycle` (what plan/apply/read do
//! with values), `dynamic` (the DynamicValue codec), `schema` (attribute declarations),
//! `resources` (one adapter per Backstop object), `functions`, `diagnostics`, `log`.

pub mod diagnostics;
pub mod dynamic;
pub mod functions;
pub mod handshake;
pub mod lifecycle;
pub mod log;
pub mod proto;
pub mod resources;
pub mod schema;
pub mod server;
pub mod service;
pub mod tls;

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

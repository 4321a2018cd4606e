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
/// `terraform providers schema -json`'s `provider_schemas`: the core's tables, which the
/// served schema is built from.
pub fn schema_json() -> serde_json::Value {
    backstop_codegen::schema::schema_json()
}

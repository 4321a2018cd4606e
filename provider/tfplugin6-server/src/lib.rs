//! A generic Terraform plugin protocol 6 server. A provider implements [`Provider`] and
//! [`Resource`] over decoded cty values; this crate does the rest of what Terraform
//! expects of a plugin process.
//!
//! Modules, each with one job: `handshake` (go-plugin's launch contract), `tls`
//! (AutoMTLS), `server` (the gRPC wiring, controller and stdio services), `service` (the
//! tfplugin6 RPCs over a `Provider`), `provider` (the traits), `dynamic` (the
//! DynamicValue codec), `diagnostics`, `log`, `proto` (generated from `proto/`).

pub mod diagnostics;
pub mod dynamic;
pub mod handshake;
pub mod log;
pub mod proto;
pub mod provider;
pub mod server;
pub mod service;
pub mod tls;

pub use provider::{Diagnostics, Kind, Provider, Resource, Schema, StoredState};

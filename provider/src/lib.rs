//! The Backstop Terraform provider: a tfplugin6 gRPC server whose resources are small
//! adapters onto `backstop_codegen`.

//! Renderers: valid model in, Kubernetes objects, scripts and rules out. Each function
//! expects input that `validate` accepted; `crate::render_*` enforce that order.

pub(crate) mod alert;
pub(crate) mod conventions;
pub mod drill;
pub mod drill_cronjob;
mod hcl;
pub(crate) mod job;
pub mod restore;
pub mod restore_alert;
pub mod restore_job;
pub mod scripts;
mod volume;
mod yaml;

use crate::{
    BackupAlert, BackupJob, Defaults, NfsBackupVolume, RenderedAlert, RenderedJob, RenderedVolume,
};
use serde_json::Value;

pub use crate::policy::{app_of_cronjob, cronjob_name};
pub use alert::default_prefix;
pub use conventions::{
    BACKUP_DIR, IMAGE, MANAGED_BY, MANAGED_BY_KEY, NFS_BASE_PATH, PUSHGATEWAY_URL,
};
pub use scripts::ScriptTemplates;
pub use yaml::to_yaml;

pub fn volume(defaults: &Defaults, v: &NfsBackupVolume) -> RenderedVolume {
    volume::render(defaults, v)
}

pub fn job(defaults: &Defaults, j: &BackupJob) -> RenderedJob {
    job::render(defaults, j)
}

/// `job` with templates parsed once by the caller (`ScriptTemplates::all()`): the fast
/// path for rendering many jobs.
pub fn job_with(templates: &ScriptTemplates, defaults: &Defaults, j: &BackupJob) -> RenderedJob {
    job::render_with(templates, defaults, j)
}

pub fn alert(defaults: &Defaults, a: &BackupAlert) -> RenderedAlert {
    alert::render(defaults, a)
}

/// Typed HCL for the hashicorp/kubernetes provider (`kubernetes_cron_job_v1`,
/// `kubernetes_job_v1`, `kubernetes_persistent_volume`, `kubernetes_persistent_volume_claim`), equivalent field
/// for field to the manifest. `resource_name` is the Terraform resource label. Empty for
/// other kinds (the PrometheusRule has no typed resource there).
pub fn kubernetes_hcl(resource_name: &str, manifest: &Value) -> String {
    hcl::render(resource_name, manifest)
}

/// A `kubernetes_manifest` resource holding the manifest as an HCL object: for the kinds
/// `kubernetes_hcl` has no typed resource for (the PrometheusRule).
pub fn kubernetes_manifest_hcl(resource_name: &str, manifest: &Value) -> String {
    hcl::manifest_resource(resource_name, manifest)
}

/// `text` as one HCL quoted string literal, for code that writes `.tf` files by hand.
pub fn hcl_quoted(text: &str) -> String {
    hcl::quoted(text)
}

//! Renderers: valid model in, Kubernetes objects, scripts and rules out.
//! OWNER: rendering helper. The signatures below are the contract; bodies are placeholders.

use crate::{BackupAlert, BackupJob, Defaults, NfsBackupVolume, RenderedAlert, RenderedJob, RenderedVolume};
use serde_json::Value;

pub fn volume(_defaults: &Defaults, v: &NfsBackupVolume) -> RenderedVolume {
    RenderedVolume {
        claim_name: v.name.clone(),
        volume_name: v.name.clone(),
        persistent_volume: Value::Null,
        persistent_volume_claim: Value::Null,
    }
}

pub fn job(_defaults: &Defaults, j: &BackupJob) -> RenderedJob {
    RenderedJob { cronjob_name: format!("{}-backup", j.name), script: String::new(), cronjob: Value::Null }
}

pub fn alert(_defaults: &Defaults, _a: &BackupAlert) -> RenderedAlert {
    RenderedAlert { rule_group: Value::Null, prometheus_rule: Value::Null, stale_after_seconds: 0 }
}

/// YAML text of one object (or a `---`-separated stream for several).
pub fn to_yaml(objects: &[&Value]) -> String {
    objects.iter().map(|o| serde_yaml_ng::to_string(o).unwrap_or_default()).collect::<Vec<_>>().join("---\n")
}

/// Typed HCL for the hashicorp/kubernetes provider (`kubernetes_cron_job_v1`,
/// `kubernetes_persistent_volume`, `kubernetes_persistent_volume_claim`), equivalent field
/// for field to the manifest. `resource_name` is the Terraform resource label.
pub fn kubernetes_hcl(_resource_name: &str, _manifest: &Value) -> String {
    String::new()
}

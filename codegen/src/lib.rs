//! Backstop's rendering core. Pure: no I/O besides its own templates (compiled in), no
//! global state. The provider, the CLI (`render`, `lint --fix`, `generate`), the modules
//! and the docs all call these functions, so they cannot disagree.
//!
//! Each `render_*` validates its input first and returns every error with an attribute
//! path; nothing is rendered unless the input is wholly valid.

pub mod diagnostic;
pub mod duration;
pub mod model;
pub mod policy;
pub mod render;
pub mod restore;
pub mod restore_test;
pub mod schedule;
pub mod schema;
pub mod shell;
pub mod validate;

pub use diagnostic::{AttrPath, Diagnostic, Diagnostics, PathStep};
pub use model::{
    BackupAlert, BackupJob, Defaults, Mount, NfsBackupVolume, Resources, SecretRef, Strategy,
};

pub use restore::{render_restore, RenderedRestore, Restore};
pub use restore_test::{
    render_alert_with_restore_test, render_restore_test, warnings as restore_test_warnings,
    RenderedRestoreTest, RestoreTest,
};

use serde_json::Value;

/// An NFS PV and the PVC bound to it.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedVolume {
    pub claim_name: String,
    pub volume_name: String,
    pub persistent_volume: Value,
    pub persistent_volume_claim: Value,
}

/// The backup CronJob, the script it runs (also embedded in the CronJob) and the ConfigMap
/// of settings it reads. The settings live beside the CronJob rather than in it so that a
/// changed `keep` or URL is one changed line of a plan, not a diff seven levels deep.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedJob {
    pub cronjob_name: String,
    pub script: String,
    pub settings: Value,
    pub cronjob: Value,
}

/// The alert rules for one CronJob: a plain Prometheus rule group (for Helm chart values
/// and `promtool`) and the same rules wrapped in a `monitoring.coreos.com/v1` PrometheusRule.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedAlert {
    pub rule_group: Value,
    pub prometheus_rule: Value,
    /// The Stale threshold in seconds, derived from the schedule or `stale_after`.
    pub stale_after_seconds: u64,
}

fn checked<T>(diagnostics: Diagnostics, render: impl FnOnce() -> T) -> Result<T, Diagnostics> {
    if diagnostics.is_empty() {
        Ok(render())
    } else {
        Err(diagnostics)
    }
}

/// The errors of the defaults (on their own paths, e.g. `image`) before the object's own:
/// an object is rendered with the defaults' values, so it is only valid if they are.
fn with_defaults(defaults: &Defaults, object: Diagnostics) -> Diagnostics {
    let mut diagnostics = validate::defaults(defaults);
    diagnostics.extend(object);
    diagnostics
}

/// Validates, then renders the NFS PV + PVC pair.
pub fn render_volume(
    defaults: &Defaults,
    volume: &NfsBackupVolume,
) -> Result<RenderedVolume, Diagnostics> {
    checked(
        with_defaults(defaults, validate::volume(defaults, volume)),
        || render::volume(defaults, volume),
    )
}

/// Validates, then renders the backup CronJob and its script.
pub fn render_job(defaults: &Defaults, job: &BackupJob) -> Result<RenderedJob, Diagnostics> {
    checked(
        with_defaults(defaults, validate::job(defaults, job)),
        || render::job(defaults, job),
    )
}

/// Validates, then renders the alert rules.
pub fn render_alert(
    defaults: &Defaults,
    alert: &BackupAlert,
) -> Result<RenderedAlert, Diagnostics> {
    checked(
        with_defaults(defaults, validate::alert(defaults, alert)),
        || render::alert(defaults, alert),
    )
}

/// Renders many jobs with the script templates parsed once (parsing dominates the cost of
/// `render_job`): for front ends that render a whole spec. Same validation as `render_job`.
pub struct JobRenderer {
    templates: render::ScriptTemplates,
}

impl JobRenderer {
    pub fn new() -> Self {
        JobRenderer {
            templates: render::ScriptTemplates::all(),
        }
    }

    /// Validates, then renders the backup CronJob and its script.
    pub fn render_job(
        &self,
        defaults: &Defaults,
        job: &BackupJob,
    ) -> Result<RenderedJob, Diagnostics> {
        checked(
            with_defaults(defaults, validate::job(defaults, job)),
            || render::job_with(&self.templates, defaults, job),
        )
    }
}

impl Default for JobRenderer {
    fn default() -> Self {
        Self::new()
    }
}

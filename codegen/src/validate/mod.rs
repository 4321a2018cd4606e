//! Validation of every input object: each function returns all the errors it finds, each
//! with the attribute path and a fix hint. The renderers call these first and render
//! nothing unless they return no error.
//!
//! Values inherited from `Defaults` are checked by `defaults` on the defaults' own paths
//! (`image`, `nfs_server`, ...); `volume`, `job` and `alert` check what the object sets
//! itself, plus requirements that the defaults may satisfy (such as `nfs_server`).

mod alert;
mod defaults;
mod job;
mod names;
mod paths;
mod report;
#[cfg(test)]
mod tests;
mod values;
mod volume;

use crate::{AttrPath, BackupAlert, BackupJob, Defaults, Diagnostics, NfsBackupVolume};
use report::{Check, Problem, Report};
use std::collections::BTreeMap;

pub use job::MAX_APP_NAME;

pub fn defaults(defaults: &Defaults) -> Diagnostics {
    defaults::check(defaults).finish()
}

pub fn volume(defaults: &Defaults, volume: &NfsBackupVolume) -> Diagnostics {
    volume::check(defaults, volume).finish()
}

pub fn job(_defaults: &Defaults, job: &BackupJob) -> Diagnostics {
    job::check(job).finish()
}

pub fn alert(defaults: &Defaults, alert: &BackupAlert) -> Diagnostics {
    alert::check(defaults, alert).finish()
}

fn schedule(text: &str) -> Check {
    crate::schedule::Schedule::parse(text).map(|_| ()).map_err(|message| {
        Problem::new(
            message,
            "write 5 fields (minute hour day-of-month month day-of-week), e.g. \"0 3 * * *\" for daily at 03:00, or a macro such as @daily",
        )
    })
}

fn duration(text: &str) -> Check {
    crate::duration::parse_seconds(text)
        .map(|_| ())
        .map_err(|message| Problem::new(message, "write a duration such as 36h, 8d or 1h30m"))
}

/// The `labels` of rendered objects: valid labels, and no `app.kubernetes.io/managed-by`
/// other than Backstop's own, which the renderer sets and the linter recognises rendered
/// objects by (an error rather than a silent overwrite).
fn check_object_labels(report: &mut Report, labels: &BTreeMap<String, String>) {
    check_labels(report, "labels", labels);
    let key = crate::render::MANAGED_BY_KEY;
    if let Some(value) = labels.get(key).filter(|v| *v != crate::render::MANAGED_BY) {
        report.error(
            AttrPath::root("labels").key(key),
            format!("the label {key}={value:?} would replace Backstop's {key}={}", crate::render::MANAGED_BY),
            format!("remove {key} from labels: Backstop sets it, and `backstop lint` finds rendered objects by it"),
        );
    }
}

/// Kubernetes labels: keys and values, each error on `attribute["key"]`.
fn check_labels(report: &mut Report, attribute: &str, labels: &BTreeMap<String, String>) {
    for (key, value) in labels {
        let path = AttrPath::root(attribute).key(key);
        report.check(path.clone(), names::label_key(key));
        report.check(path, names::label_value(value));
    }
}

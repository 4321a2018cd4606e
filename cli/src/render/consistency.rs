//! Checks between the objects of one spec, which no single object can know: a job must
//! run in the namespace of the backup claim it writes to, and an alert must watch its
//! CronJob in that CronJob's namespace, with that CronJob's schedule.

use super::objects::OwnerIndex;
use crate::spec::{Object, Spec};
use backstop_codegen::duration::format_seconds;
use backstop_codegen::policy;
use backstop_codegen::schedule::{stale_threshold_seconds, Schedule};
use backstop_codegen::{AttrPath, BackupAlert, BackupJob, Diagnostic, NfsBackupVolume};

/// Checks the objects not listed in `invalid` (indices into `spec.objects`) against
/// each other.
pub fn check(spec: &Spec, invalid: &[usize]) -> Vec<(OwnerIndex, Diagnostic)> {
    let valid = || {
        spec.objects
            .iter()
            .enumerate()
            .filter(|(i, _)| !invalid.contains(i))
    };
    let volumes: Vec<&NfsBackupVolume> = valid()
        .filter_map(|(_, o)| match &o.object {
            Object::Volume(v) => Some(v),
            _ => None,
        })
        .collect();
    let jobs: Vec<(&str, &BackupJob)> = valid()
        .filter_map(|(_, o)| match &o.object {
            Object::Job(j) => Some((o.id.as_str(), j.as_ref())),
            _ => None,
        })
        .collect();
    let mut errors = Vec::new();
    for (index, object) in valid() {
        let found = match &object.object {
            Object::Job(job) => job_claim(job, &volumes),
            Object::Alert(alert) => alert_target(alert, &jobs),
            Object::Volume(_) | Object::RestoreTest { .. } | Object::Restore { .. } => Vec::new(),
        };
        errors.extend(found.into_iter().map(|d| (OwnerIndex::Object(index), d)));
    }
    errors
}

/// A PVC is only mountable by pods of its own namespace.
fn job_claim(job: &BackupJob, volumes: &[&NfsBackupVolume]) -> Vec<Diagnostic> {
    volumes
        .iter()
        .filter(|v| v.name == job.destination_claim && v.namespace != job.namespace)
        .map(|v| {
            Diagnostic::new(
                AttrPath::root("destination_claim"),
                format!(
                    "the claim {} is in namespace {:?}, but the job runs in {:?}, where it cannot mount it",
                    v.name, v.namespace, job.namespace
                ),
                "declare the nfs_backup_volume in the job's namespace",
            )
        })
        .collect()
}

/// The alert's series are those of the CronJob in its own namespace; its threshold comes
/// from the CronJob's schedule.
fn alert_target(alert: &BackupAlert, jobs: &[(&str, &BackupJob)]) -> Vec<Diagnostic> {
    let watched: Vec<&(&str, &BackupJob)> = jobs
        .iter()
        .filter(|(_, j)| policy::app_of_cronjob(&alert.cronjob_name) == Some(j.name.as_str()))
        .collect();
    // Jobs of one name may live in several namespaces: the alert watches the one in its own.
    let Some((id, job)) = watched.iter().find(|(_, j)| j.namespace == alert.namespace) else {
        return watched
            .first()
            .map(|(id, job)| {
                Diagnostic::new(
                    AttrPath::root("namespace"),
                    format!(
                        "the CronJob {} (backup_job \"{id}\") runs in namespace {:?}, not {:?}",
                        alert.cronjob_name, job.namespace, alert.namespace
                    ),
                    format!("write namespace = backup_job.{id}.namespace"),
                )
            })
            .into_iter()
            .collect();
    };
    match thresholds(alert.schedule.as_deref(), &job.schedule) {
        Some((alert_threshold, job_threshold)) if alert_threshold != job_threshold => vec![Diagnostic::new(
            AttrPath::root("schedule"),
            format!(
                "this schedule gives a stale threshold of {}, but the CronJob's schedule {:?} needs {}",
                format_seconds(alert_threshold),
                job.schedule,
                format_seconds(job_threshold)
            ),
            format!("write schedule = backup_job.{id}.schedule"),
        )],
        _ => Vec::new(),
    }
}

/// The stale thresholds of the alert's and the job's schedules, when both parse (a
/// schedule that does not parse is reported by validation).
fn thresholds(alert_schedule: Option<&str>, job_schedule: &str) -> Option<(u64, u64)> {
    let threshold = |text: &str| {
        Schedule::parse(text)
            .ok()
            .map(|s| stale_threshold_seconds(&s))
    };
    Some((threshold(alert_schedule?)?, threshold(job_schedule)?))
}

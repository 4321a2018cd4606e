//! The drill's CronJob: the drill script in the backup's image, the backup claim mounted
//! read-only, scratch space in an emptyDir, weekly by default in a slot after the backup.

use super::conventions;
use super::drill::DrillServer;
use crate::policy;
use crate::schedule::Schedule;
use crate::{BackupJob, Defaults};
use serde_json::{json, Value};

/// Where the drill restores to: an emptyDir, gone with the pod.
pub const SCRATCH_DIR: &str = "/scratch";
/// A drill that has not finished in 12 hours is hung: the Job fails and RestoreTestFailed fires.
const ACTIVE_DEADLINE_SECONDS: u64 = 43_200;
/// How long after the backup's first start of the day the drill starts by default: the
/// backup is normally done by then, and the drill tests that night's snapshot.
const DEFAULT_OFFSET_MINUTES: u32 = 120;
/// The default weekday (Sunday).
const DEFAULT_WEEKDAY: u32 = 0;

/// Weekly on Sunday, two hours after the backup's first start of a day, moved on minute
/// by minute until no start is shared with the backup (two writers of the same export).
/// A backup that starts every minute of Sunday leaves no free slot: then the drill shares
/// the first one (it reads the newest snapshot with a manifest, complete whatever runs),
/// and `restore_test::warnings` tells the user.
pub fn default_schedule(backup: &Schedule) -> String {
    free_default_slot(backup).unwrap_or_else(|| weekly_at(first_default_minute(backup)))
}

/// The default slot when one exists that shares no start with the backup.
pub fn free_default_slot(backup: &Schedule) -> Option<String> {
    let first = first_default_minute(backup);
    (first..first + 1440).map(weekly_at).find(|candidate| {
        Schedule::parse(candidate).is_ok_and(|schedule| !schedule.shares_a_start_with(backup))
    })
}

fn first_default_minute(backup: &Schedule) -> u32 {
    backup.first_start_minute_of_day() + DEFAULT_OFFSET_MINUTES
}

fn weekly_at(minute_of_day: u32) -> String {
    format!(
        "{} {} * * {DEFAULT_WEEKDAY}",
        minute_of_day % 60,
        (minute_of_day / 60) % 24
    )
}

pub fn render(
    defaults: &Defaults,
    job: &BackupJob,
    name: &str,
    schedule: &str,
    script: &str,
    server: Option<&DrillServer>,
) -> Value {
    let labels = conventions::labels(defaults, &job.labels);
    let pushgateway = conventions::pushgateway_url(defaults, job.pushgateway_url.as_ref());
    // A dump drill runs in the throwaway server's image; the others in the backup's.
    let image = match server {
        Some(server) => server.image.as_str(),
        None => conventions::image(defaults, job.image.as_ref()),
    };
    let shell = server.map_or("/bin/sh", |server| server.shell);
    let mut security_context = conventions::container_security_context();
    if server.is_some() {
        // The database servers refuse root: the script starts them as the image's user.
        if let Some(add) = security_context["capabilities"]["add"].as_array_mut() {
            add.extend(["SETUID", "SETGID"].map(Value::from));
        }
    }
    let mut container = json!({
        "name": "restore-test",
        "image": image,
        "command": [shell, "-c", script],
        "env": [
            { "name": "BACKUP_DIR", "value": conventions::BACKUP_DIR },
            { "name": "SCRATCH_DIR", "value": SCRATCH_DIR },
            { "name": "PUSHGATEWAY_URL", "value": pushgateway },
        ],
        "volumeMounts": [
            { "name": policy::DESTINATION_VOLUME, "mountPath": conventions::BACKUP_DIR, "readOnly": true },
            { "name": "scratch", "mountPath": SCRATCH_DIR },
        ],
        "securityContext": security_context,
    });
    if let Some(resources) = &job.resources {
        container["resources"] = conventions::resources(resources);
    }
    let mut cron_spec = json!({
        "schedule": schedule,
        "concurrencyPolicy": "Forbid",
        "startingDeadlineSeconds": conventions::STARTING_DEADLINE_SECONDS,
        "successfulJobsHistoryLimit": 3,
        "failedJobsHistoryLimit": 3,
        "suspend": job.suspend,
        "jobTemplate": {
            "metadata": { "labels": labels },
            "spec": {
                // A failed drill is a finding, not a glitch to retry until it passes.
                "backoffLimit": 0,
                "activeDeadlineSeconds": ACTIVE_DEADLINE_SECONDS,
                "template": {
                    "metadata": { "labels": labels },
                    "spec": {
                        "restartPolicy": "Never",
                        "dnsConfig": { "options": [{ "name": "ndots", "value": "2" }] },
                        "containers": [container],
                        "volumes": [
                            { "name": policy::DESTINATION_VOLUME, "persistentVolumeClaim": { "claimName": job.destination_claim, "readOnly": true } },
                            { "name": "scratch", "emptyDir": {} },
                        ],
                    },
                },
            },
        },
    });
    if let Some(time_zone) = job.time_zone.as_ref().or(defaults.time_zone.as_ref()) {
        cron_spec["timeZone"] = json!(time_zone);
    }
    json!({
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": { "name": name, "namespace": job.namespace, "labels": labels },
        "spec": cron_spec,
    })
}

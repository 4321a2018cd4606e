//! The restore's Kubernetes Job: the restore script in the backup's image, the backup
//! claim mounted read-only, the target claim read-write at `/restore`.

use super::{conventions, scripts};
use crate::policy;
use crate::{BackupJob, Defaults};
use serde_json::{json, Value};

/// Where the target claim is mounted; the script restores into a folder inside it (a
/// mount point itself cannot be renamed, and the swap is a rename).
pub const RESTORE_ROOT: &str = "/restore";
/// A restore that has not finished in 12 hours is hung.
const ACTIVE_DEADLINE_SECONDS: u64 = 43_200;

pub fn render(
    defaults: &Defaults,
    job: &BackupJob,
    target_claim: &str,
    target_path: &str,
    script: &str,
) -> Value {
    let pod = json!({
        "restartPolicy": "Never",
        "containers": [{
            "name": "restore",
            "image": conventions::image(defaults, job.image.as_ref()),
            "command": ["/bin/sh", "-c", script],
            "env": [
                { "name": "BACKUP_DIR", "value": conventions::BACKUP_DIR },
                { "name": "TARGET_DIR", "value": format!("{RESTORE_ROOT}/{target_path}") },
            ],
            "volumeMounts": [
                { "name": policy::DESTINATION_VOLUME, "mountPath": conventions::BACKUP_DIR, "readOnly": true },
                { "name": "target", "mountPath": RESTORE_ROOT },
            ],
            "securityContext": conventions::container_security_context(),
        }],
        "volumes": [
            { "name": policy::DESTINATION_VOLUME, "persistentVolumeClaim": { "claimName": job.destination_claim, "readOnly": true } },
            { "name": "target", "persistentVolumeClaim": { "claimName": target_claim } },
        ],
    });
    restore_job(defaults, job, pod)
}

/// The Job around a restore's pod. A failed restore leaves the target as it was (a failed
/// replay, a half-filled server): a person decides what next, so it is never retried.
fn restore_job(defaults: &Defaults, job: &BackupJob, pod: Value) -> Value {
    let labels = conventions::labels(defaults, &job.labels);
    json!({
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": { "name": policy::restore_job_name(&job.name), "namespace": job.namespace, "labels": labels },
        "spec": {
            "backoffLimit": 0,
            "activeDeadlineSeconds": ACTIVE_DEADLINE_SECONDS,
            "template": {
                "metadata": { "labels": labels },
                "spec": pod,
            },
        },
    })
}

/// The restore Job of a dump: the backup claim read-only, the database server's address
/// and user from the job, the password from the job's Secret; no target claim.
pub fn render_dump(defaults: &Defaults, job: &BackupJob, script: &str) -> Value {
    let mut env = vec![
        json!({ "name": "BACKUP_DIR", "value": conventions::BACKUP_DIR }),
        json!({ "name": "DB_HOST", "value": job.host.clone().unwrap_or_default() }),
        json!({ "name": "DB_USER", "value": job.user.clone().unwrap_or_default() }),
    ];
    let strategy = job.strategy;
    if let (Some(variable), Some(secret)) = (scripts::password_env(strategy), &job.password_secret)
    {
        env.push(json!({
            "name": variable,
            "valueFrom": { "secretKeyRef": { "name": secret.name, "key": secret.key } },
        }));
    }
    let pod = json!({
        "restartPolicy": "Never",
        "dnsConfig": { "options": [{ "name": "ndots", "value": "2" }] },
        "containers": [{
            "name": "restore",
            "image": conventions::image(defaults, job.image.as_ref()),
            "command": ["/bin/sh", "-c", script],
            "env": env,
            "volumeMounts": [
                { "name": policy::DESTINATION_VOLUME, "mountPath": conventions::BACKUP_DIR, "readOnly": true },
            ],
            "securityContext": conventions::container_security_context(),
        }],
        "volumes": [
            { "name": policy::DESTINATION_VOLUME, "persistentVolumeClaim": { "claimName": job.destination_claim, "readOnly": true } },
        ],
    });
    restore_job(defaults, job, pod)
}

//! The backup CronJob (conventions §2): the script in a pinned alpine container, the
//! source claim read-only twice over, the NFS claim read-write at `/backup`; and the
//! ConfigMap of its settings, which the container reads whole with `envFrom`.

use super::conventions;
use super::scripts::{self, ScriptTemplates};
use crate::model::{BackupJob, Strategy};
use crate::policy::{cronjob_name, settings_name, DESTINATION_VOLUME, SOURCE_VOLUME};
use crate::schedule::Schedule;
use crate::{Defaults, RenderedJob};
use serde_json::{json, Value};

/// Bounds of the default `activeDeadlineSeconds` (half the shortest gap between runs): a
/// run every 5 minutes still gets 10 minutes (Forbid skips the runs it overlaps), a weekly
/// one is killed after 12 hours rather than hanging for days.
pub(crate) const MIN_DEFAULT_DEADLINE_SECONDS: u64 = 600;
pub(crate) const MAX_DEFAULT_DEADLINE_SECONDS: u64 = 43_200;

/// How long a run may take before Kubernetes kills it and the Job fails (the Failed
/// alert then fires instead of a hung run blocking every later one under Forbid).
pub fn active_deadline_seconds(job: &BackupJob) -> u64 {
    if let Some(seconds) = job.active_deadline_seconds {
        return u64::from(seconds);
    }
    // Validation has accepted the schedule; a day is only a fallback for the type system.
    let gap = Schedule::parse(&job.schedule).map_or(86_400, |s| s.shortest_gap_seconds());
    (gap / 2).clamp(MIN_DEFAULT_DEADLINE_SECONDS, MAX_DEFAULT_DEADLINE_SECONDS)
}

pub fn render(defaults: &Defaults, job: &BackupJob) -> RenderedJob {
    render_with(&ScriptTemplates::for_strategy(job.strategy), defaults, job)
}

pub fn render_with(
    templates: &ScriptTemplates,
    defaults: &Defaults,
    job: &BackupJob,
) -> RenderedJob {
    let cronjob_name = cronjob_name(&job.name);
    let strategy = job.strategy;
    let settings = scripts::settings(defaults, job);
    let script = templates.render(job, strategy, &cronjob_name, &settings);
    let labels = conventions::labels(defaults, &job.labels);
    let settings = config_map(job, &cronjob_name, &labels, settings);

    let mut cron_spec = json!({
        "schedule": job.schedule,
        "concurrencyPolicy": "Forbid",
        "startingDeadlineSeconds": conventions::STARTING_DEADLINE_SECONDS,
        "successfulJobsHistoryLimit": 10,
        "failedJobsHistoryLimit": 5,
        "suspend": job.suspend,
        "jobTemplate": {
            "metadata": { "labels": labels },
            "spec": {
                "backoffLimit": 3,
                "activeDeadlineSeconds": active_deadline_seconds(job),
                "template": {
                    "metadata": { "labels": labels },
                    "spec": null,
                },
            },
        },
    });
    // Built Values are moved into their `null` slots: interpolating them in `json!` would
    // deep-copy them through Serialize (most of the render time, before this).
    cron_spec["jobTemplate"]["spec"]["template"]["spec"] = pod_spec(
        job,
        strategy,
        &script,
        defaults,
        &settings_name(&cronjob_name),
    );
    if let Some(time_zone) = job.time_zone.as_ref().or(defaults.time_zone.as_ref()) {
        cron_spec["timeZone"] = json!(time_zone);
    }
    let mut cronjob = json!({
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": { "name": cronjob_name, "namespace": job.namespace, "labels": labels },
        "spec": null,
    });
    cronjob["spec"] = cron_spec;
    RenderedJob {
        cronjob_name,
        script,
        settings,
        cronjob,
    }
}

fn pod_spec(
    job: &BackupJob,
    strategy: Strategy,
    script: &str,
    defaults: &Defaults,
    settings_name: &str,
) -> Value {
    let reads_source = !matches!(strategy, Strategy::PgDumpall | Strategy::Mysqldump)
        && job.source_claim.is_some();
    let mut volumes = Vec::new();
    let mut mounts = Vec::new();
    if let (true, Some(claim)) = (reads_source, &job.source_claim) {
        volumes.push(json!({ "name": SOURCE_VOLUME, "persistentVolumeClaim": { "claimName": claim, "readOnly": true } }));
        for mount in job.mounts.values() {
            let mut volume_mount =
                json!({ "name": SOURCE_VOLUME, "mountPath": mount.path, "readOnly": true });
            if let Some(sub_path) = &mount.sub_path {
                volume_mount["subPath"] = json!(sub_path);
            }
            mounts.push(volume_mount);
        }
    }
    volumes.push(json!({ "name": DESTINATION_VOLUME, "persistentVolumeClaim": { "claimName": job.destination_claim } }));
    mounts.push(json!({ "name": DESTINATION_VOLUME, "mountPath": conventions::BACKUP_DIR }));

    let mut container = json!({
        "name": "backup",
        "image": conventions::image(defaults, job.image.as_ref()),
        "command": ["/bin/sh", "-c", script],
        "env": null,
        // Optional, so that a CronJob applied without its ConfigMap (a stack upgraded from
        // when the settings lived in the CronJob) fails its run at once, the script naming
        // the missing setting and the ConfigMap, instead of a pod that never starts and a
        // Job that fails only at its deadline, hours later.
        "envFrom": [{ "configMapRef": { "name": settings_name, "optional": true } }],
        "volumeMounts": null,
        "securityContext": null,
    });
    container["securityContext"] = conventions::container_security_context();
    container["env"] = env(job, strategy);
    container["volumeMounts"] = Value::Array(mounts);
    if let Some(resources) = &job.resources {
        container["resources"] = conventions::resources(resources);
    }

    let mut spec = json!({
        "restartPolicy": "Never",
        // Cluster-internal names (the Pushgateway, database services) resolve without
        // walking every search domain first.
        "dnsConfig": { "options": [{ "name": "ndots", "value": "2" }] },
        "containers": null,
        "volumes": null,
    });
    spec["containers"] = Value::Array(vec![container]);
    spec["volumes"] = Value::Array(volumes);
    if !job.colocate_with.is_empty() {
        // An RWO source claim is attached to one node: the job pod must run there too.
        spec["affinity"] = json!({
            "podAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": [{
                    "labelSelector": { "matchLabels": job.colocate_with },
                    "topologyKey": "kubernetes.io/hostname",
                }],
            },
        });
    }
    spec
}

/// What the pod itself decides: where the destination is mounted, and the password, which
/// comes from its Secret (never from the settings ConfigMap).
fn env(job: &BackupJob, strategy: Strategy) -> Value {
    let mut env = vec![json!({ "name": "BACKUP_DIR", "value": conventions::BACKUP_DIR })];
    if let (Some(variable), Some(secret)) = (scripts::password_env(strategy), &job.password_secret)
    {
        env.push(json!({
            "name": variable,
            "valueFrom": { "secretKeyRef": { "name": secret.name, "key": secret.key } },
        }));
    }
    Value::Array(env)
}

/// The ConfigMap `<app>-backup-settings` holding the job's `settings`.
fn config_map(
    job: &BackupJob,
    cronjob_name: &str,
    labels: &std::collections::BTreeMap<String, String>,
    settings: Vec<(&str, String)>,
) -> Value {
    let data: serde_json::Map<String, Value> = settings
        .into_iter()
        .map(|(name, value)| (name.to_string(), Value::String(value)))
        .collect();
    let mut config_map = json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": { "name": settings_name(cronjob_name), "namespace": job.namespace, "labels": labels },
        "data": null,
    });
    config_map["data"] = Value::Object(data);
    config_map
}

//! Test seam for the acceptance tests: reads a JSON document from stdin, renders it with
//! the core, prints the results as JSON on stdout.
//!
//! Input: `{"defaults": {...}, "volumes": [...], "jobs": [...], "alerts": [...],
//! "restore_tests": [{"job": {...}, "restore_test": {...}}],
//! "restores": [{"job": {...}, "restore": {...}}]}`, each
//! object with the model's attribute names (`mounts` as `{"folder": {"path": ..,
//! "sub_path": ..}}`, `password_secret` as `{"name": .., "key": ..}`).
//! Output: `{"volumes": [...], "jobs": [...], "alerts": [...]}` with the rendered objects,
//! plus `hcl` (typed kubernetes provider HCL) for volumes and jobs. Invalid input prints
//! the diagnostics on stderr and exits 1.
//!
//! Run: `cargo run --release -p backstop-codegen --example render_json < spec.json`

use backstop_codegen::{
    render, render_alert, render_alert_with_restore_test, render_job, render_restore,
    render_restore_test, render_volume, BackupAlert, BackupJob, Defaults, Diagnostics, Mount,
    NfsBackupVolume, Resources, Restore, RestoreTest, SecretRef,
};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::io::Read;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut input = String::new();
    if let Err(error) = std::io::stdin().read_to_string(&mut input) {
        eprintln!("cannot read stdin: {error}");
        return ExitCode::FAILURE;
    }
    let spec: Value = match serde_json::from_str(&input) {
        Ok(spec) => spec,
        Err(error) => {
            eprintln!("stdin is not JSON: {error}");
            return ExitCode::FAILURE;
        }
    };
    let empty = Map::new();
    let defaults = defaults(
        spec.get("defaults")
            .and_then(Value::as_object)
            .unwrap_or(&empty),
    );
    let mut errors: Vec<String> = Vec::new();
    let mut collect = |what: &str, diagnostics: Diagnostics| {
        errors.extend(diagnostics.iter().map(|d| format!("{what}: {d}")));
    };

    let mut volumes = Vec::new();
    for (i, item) in objects(&spec, "volumes").enumerate() {
        match render_volume(&defaults, &volume(item)) {
            Ok(v) => volumes.push(json!({
                "claim_name": v.claim_name,
                "volume_name": v.volume_name,
                "hcl": {
                    "persistent_volume": render::kubernetes_hcl("volume", &v.persistent_volume),
                    "persistent_volume_claim": render::kubernetes_hcl("claim", &v.persistent_volume_claim),
                },
                "persistent_volume": v.persistent_volume,
                "persistent_volume_claim": v.persistent_volume_claim,
            })),
            Err(d) => collect(&format!("volumes[{i}]"), d),
        }
    }
    let mut jobs = Vec::new();
    for (i, item) in objects(&spec, "jobs").enumerate() {
        match render_job(&defaults, &job(item)) {
            Ok(j) => jobs.push(json!({
                "cronjob_name": j.cronjob_name,
                "script": j.script,
                "hcl": render::kubernetes_hcl("backup", &j.cronjob),
                "cronjob": j.cronjob,
            })),
            Err(d) => collect(&format!("jobs[{i}]"), d),
        }
    }
    let mut alerts = Vec::new();
    for (i, item) in objects(&spec, "alerts").enumerate() {
        let rendered = match item.get("restore_test_schedule").and_then(Value::as_str) {
            Some(drill_schedule) => {
                render_alert_with_restore_test(&defaults, &alert(item), drill_schedule)
            }
            None => render_alert(&defaults, &alert(item)),
        };
        match rendered {
            Ok(a) => alerts.push(json!({
                "rule_group": a.rule_group,
                "prometheus_rule": a.prometheus_rule,
                "stale_after_seconds": a.stale_after_seconds,
            })),
            Err(d) => collect(&format!("alerts[{i}]"), d),
        }
    }
    let mut restore_tests = Vec::new();
    for (i, item) in objects(&spec, "restore_tests").enumerate() {
        let empty = Map::new();
        let job_of = item.get("job").and_then(Value::as_object).unwrap_or(&empty);
        let test = item
            .get("restore_test")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        match render_restore_test(&defaults, &job(job_of), &restore_test(test)) {
            Ok(r) => restore_tests.push(json!({
                "cronjob_name": r.cronjob_name,
                "schedule": r.schedule,
                "script": r.script,
                "cronjob": r.cronjob,
            })),
            Err(d) => collect(&format!("restore_tests[{i}]"), d),
        }
    }
    let mut restores = Vec::new();
    for (i, item) in objects(&spec, "restores").enumerate() {
        let empty = Map::new();
        let job_of = item.get("job").and_then(Value::as_object).unwrap_or(&empty);
        let r = item
            .get("restore")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let r = Restore {
            snapshot: string(r, "snapshot"),
            folder: string(r, "folder"),
            overwrite: flag(r, "overwrite", false),
            target_claim: string(r, "target_claim"),
            target_path: string(r, "target_path"),
        };
        match render_restore(&defaults, &job(job_of), &r) {
            Ok(r) => restores.push(json!({ "script": r.script, "job": r.job })),
            Err(d) => collect(&format!("restores[{i}]"), d),
        }
    }
    if !errors.is_empty() {
        for error in errors {
            eprintln!("{error}");
        }
        return ExitCode::FAILURE;
    }
    println!(
        "{}",
        json!({ "volumes": volumes, "jobs": jobs, "alerts": alerts, "restore_tests": restore_tests, "restores": restores })
    );
    ExitCode::SUCCESS
}

fn objects<'a>(spec: &'a Value, key: &str) -> impl Iterator<Item = &'a Map<String, Value>> {
    spec.get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
}

fn string(o: &Map<String, Value>, key: &str) -> Option<String> {
    o.get(key).and_then(Value::as_str).map(str::to_string)
}

fn strings(o: &Map<String, Value>, key: &str) -> Option<Vec<String>> {
    o.get(key).and_then(Value::as_array).map(|items| {
        items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect()
    })
}

fn string_map(o: &Map<String, Value>, key: &str) -> BTreeMap<String, String> {
    o.get(key)
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

fn flag(o: &Map<String, Value>, key: &str, default: bool) -> bool {
    o.get(key).and_then(Value::as_bool).unwrap_or(default)
}

fn defaults(o: &Map<String, Value>) -> Defaults {
    Defaults {
        nfs_server: string(o, "nfs_server"),
        nfs_base_path: string(o, "nfs_base_path"),
        storage_class: string(o, "storage_class"),
        mount_options: strings(o, "mount_options"),
        image: string(o, "image"),
        pushgateway_url: string(o, "pushgateway_url"),
        time_zone: string(o, "time_zone"),
        labels: string_map(o, "labels"),
    }
}

fn volume(o: &Map<String, Value>) -> NfsBackupVolume {
    NfsBackupVolume {
        name: string(o, "name").unwrap_or_default(),
        namespace: string(o, "namespace").unwrap_or_default(),
        nfs_server: string(o, "nfs_server"),
        nfs_path: string(o, "nfs_path"),
        storage: string(o, "storage"),
        access_modes: strings(o, "access_modes"),
        storage_class: string(o, "storage_class"),
        mount_options: strings(o, "mount_options"),
        reclaim_policy: string(o, "reclaim_policy"),
        csi_driver: string(o, "csi_driver"),
        labels: string_map(o, "labels"),
    }
}

fn job(o: &Map<String, Value>) -> BackupJob {
    let mounts = o
        .get("mounts")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(folder, mount)| {
                    let mount = mount.as_object()?;
                    Some((
                        folder.clone(),
                        Mount {
                            path: string(mount, "path")?,
                            sub_path: string(mount, "sub_path"),
                        },
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    let password_secret = o
        .get("password_secret")
        .and_then(Value::as_object)
        .map(|s| SecretRef {
            name: string(s, "name").unwrap_or_default(),
            key: string(s, "key").unwrap_or_default(),
        });
    let resources = o
        .get("resources")
        .and_then(Value::as_object)
        .map(|r| Resources {
            requests: string_map(r, "requests"),
            limits: string_map(r, "limits"),
        });
    BackupJob {
        name: string(o, "name").unwrap_or_default(),
        namespace: string(o, "namespace").unwrap_or_default(),
        schedule: string(o, "schedule").unwrap_or_default(),
        time_zone: string(o, "time_zone"),
        strategy: string(o, "strategy").unwrap_or_else(|| "rsync".to_string()),
        source_claim: string(o, "source_claim"),
        mounts,
        database: string(o, "database"),
        extra_paths: strings(o, "extra_paths").unwrap_or_default(),
        host: string(o, "host"),
        user: string(o, "user"),
        password_secret,
        command: string(o, "command"),
        destination_claim: string(o, "destination_claim").unwrap_or_default(),
        keep: o
            .get("keep")
            .and_then(Value::as_u64)
            .and_then(|k| u32::try_from(k).ok()),
        active_deadline_seconds: o
            .get("active_deadline_seconds")
            .and_then(Value::as_u64)
            .and_then(|k| u32::try_from(k).ok()),
        max_shrink_percent: o
            .get("max_shrink_percent")
            .and_then(Value::as_u64)
            .and_then(|k| u32::try_from(k).ok()),
        make_room: o.get("make_room").and_then(Value::as_bool),
        colocate_with: string_map(o, "colocate_with"),
        image: string(o, "image"),
        pushgateway_url: string(o, "pushgateway_url"),
        resources,
        suspend: flag(o, "suspend", false),
        labels: string_map(o, "labels"),
    }
}

fn restore_test(o: &Map<String, Value>) -> RestoreTest {
    RestoreTest {
        schedule: string(o, "schedule"),
        verify_fraction: o.get("verify_fraction").and_then(Value::as_f64),
        check_query: string(o, "check_query"),
        min_rows: o.get("min_rows").and_then(Value::as_u64),
        check_database: string(o, "check_database"),
        server_version: string(o, "server_version"),
    }
}

fn alert(o: &Map<String, Value>) -> BackupAlert {
    BackupAlert {
        cronjob_name: string(o, "cronjob_name").unwrap_or_default(),
        namespace: string(o, "namespace").unwrap_or_default(),
        schedule: string(o, "schedule"),
        stale_after: string(o, "stale_after"),
        severity: string(o, "severity"),
        alert_prefix: string(o, "alert_prefix"),
        labels: string_map(o, "labels"),
        annotations: string_map(o, "annotations"),
        runbook_url: string(o, "runbook_url"),
        stale: flag(o, "stale", true),
        never_succeeded: flag(o, "never_succeeded", true),
        failed: flag(o, "failed", true),
        missing: flag(o, "missing", true),
        suspended: flag(o, "suspended", true),
    }
}

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

use backstop_codegen::schema::read;
use backstop_codegen::{
    render, render_alert, render_alert_with_restore_test, render_job, render_restore,
    render_restore_test, render_volume, Diagnostics,
};
use serde_json::{json, Map, Value};
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
    let mut errors: Vec<String> = Vec::new();
    let mut collect = |what: &str, diagnostics: Diagnostics| {
        errors.extend(diagnostics.iter().map(|d| format!("{what}: {d}")));
    };
    // Read as the front ends read: through the core's one reader.
    let (defaults, problems) = read::defaults(
        spec.get("defaults")
            .and_then(Value::as_object)
            .unwrap_or(&empty),
    );
    collect("defaults", problems);

    let mut volumes = Vec::new();
    for (i, item) in objects(&spec, "volumes").enumerate() {
        let volume =
            match read_or_report(read::volume(item), &format!("volumes[{i}]"), &mut collect) {
                Some(volume) => volume,
                None => continue,
            };
        match render_volume(&defaults, &volume) {
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
        let Some(job) = read_or_report(read::job(item), &format!("jobs[{i}]"), &mut collect) else {
            continue;
        };
        match render_job(&defaults, &job) {
            Ok(j) => jobs.push(json!({
                "cronjob_name": j.cronjob_name,
                "script": j.script,
                "hcl": render::kubernetes_hcl("backup", &j.cronjob),
                "settings_hcl": render::kubernetes_hcl("backup_settings", &j.settings),
                "settings": j.settings,
                "cronjob": j.cronjob,
            })),
            Err(d) => collect(&format!("jobs[{i}]"), d),
        }
    }
    let mut alerts = Vec::new();
    for (i, item) in objects(&spec, "alerts").enumerate() {
        let Some(alert) = read_or_report(read::alert(item), &format!("alerts[{i}]"), &mut collect)
        else {
            continue;
        };
        let rendered = match item.get("restore_test_schedule").and_then(Value::as_str) {
            Some(drill_schedule) => {
                render_alert_with_restore_test(&defaults, &alert, drill_schedule)
            }
            None => render_alert(&defaults, &alert),
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
        let what = format!("restore_tests[{i}]");
        let (Some(job), Some(test)) = (
            read_or_report(read::job(job_of), &what, &mut collect),
            read_or_report(read::restore_test(test), &what, &mut collect),
        ) else {
            continue;
        };
        match render_restore_test(&defaults, &job, &test) {
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
        let what = format!("restores[{i}]");
        let (Some(job), Some(r)) = (
            read_or_report(read::job(job_of), &what, &mut collect),
            read_or_report(read::restore(r), &what, &mut collect),
        ) else {
            continue;
        };
        match render_restore(&defaults, &job, &r) {
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

/// The model read, or `None` after reporting what could not be read.
fn read_or_report<T>(
    (model, problems): (T, Diagnostics),
    what: &str,
    collect: &mut impl FnMut(&str, Diagnostics),
) -> Option<T> {
    if problems.is_empty() {
        Some(model)
    } else {
        collect(what, problems);
        None
    }
}

//! The typed HCL for the hashicorp/kubernetes provider says the same as the JSON manifest:
//! each rendered HCL resource is parsed and evaluated with hcl-rs (so `$${` escapes are
//! undone as Terraform would), mapped back to Kubernetes field names with a table written
//! here independently of the renderer's, and compared with the manifest field for field.

use backstop_codegen::{
    render, render_job, render_restore, render_restore_test, render_volume, BackupJob, Defaults,
    Mount, NfsBackupVolume, Resources, Restore, RestoreTest, SecretRef, Strategy,
};
use hcl::eval::{Context, Evaluate};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Blocks that the provider repeats where the API has a list of objects.
const LIST_BLOCKS: [(&str, &str); 7] = [
    ("container", "containers"),
    ("env_from", "envFrom"),
    ("volume", "volumes"),
    ("volume_mount", "volumeMounts"),
    ("env", "env"),
    ("option", "options"),
    (
        "required_during_scheduling_ignored_during_execution",
        "requiredDuringSchedulingIgnoredDuringExecution",
    ),
];

fn camel_case(snake: &str) -> String {
    if snake == "timezone" {
        return "timeZone".to_string();
    }
    let mut out = String::new();
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn body_to_manifest(body: &hcl::Body) -> Map<String, Value> {
    let mut out = Map::new();
    for attribute in body.attributes() {
        let value = serde_json::to_value(hcl::Value::from(attribute.expr().clone()))
            .expect("HCL value is JSON");
        out.insert(camel_case(attribute.key()), value);
    }
    for block in body.blocks() {
        let name = block.identifier();
        let fields = body_to_manifest(block.body());
        if name == "persistent_volume_source" {
            out.extend(fields); // the provider nests the PV's source one level deeper
        } else if let Some((_, list)) = LIST_BLOCKS.iter().find(|(b, _)| *b == name) {
            let entry = out
                .entry(list.to_string())
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(items) = entry {
                items.push(Value::Object(fields));
            }
        } else {
            assert!(
                !out.contains_key(&camel_case(name)),
                "block {name} repeated but not a list block"
            );
            out.insert(camel_case(name), Value::Object(fields));
        }
    }
    out
}

fn assert_equivalent(manifest: &Value, expected_type: &str) {
    let text = render::kubernetes_hcl("it", manifest);
    let body: hcl::Body =
        hcl::from_str(&text).unwrap_or_else(|e| panic!("rendered HCL does not parse: {e}\n{text}"));
    let body = body
        .evaluate(&Context::new())
        .unwrap_or_else(|e| panic!("rendered HCL does not evaluate: {e:?}\n{text}"));
    let [resource] = body.blocks().collect::<Vec<_>>()[..] else {
        panic!("expected one resource block:\n{text}")
    };
    assert_eq!(resource.identifier(), "resource");
    let labels: Vec<&str> = resource.labels().iter().map(|l| l.as_str()).collect();
    assert_eq!(labels, [expected_type, "it"]);

    let mut expected = manifest.as_object().expect("manifest is an object").clone();
    expected.remove("apiVersion");
    expected.remove("kind");
    assert_eq!(
        Value::Object(body_to_manifest(resource.body())),
        Value::Object(expected),
        "\n{text}"
    );
}

fn mounts() -> BTreeMap<String, Mount> {
    [
        (
            "data".to_string(),
            Mount {
                path: "/var/mail".to_string(),
                sub_path: Some("data".to_string()),
            },
        ),
        (
            "log".to_string(),
            Mount {
                path: "/var/log/mail".to_string(),
                sub_path: Some("log".to_string()),
            },
        ),
    ]
    .into_iter()
    .collect()
}

fn jobs() -> Vec<BackupJob> {
    let base = BackupJob {
        name: "demo".to_string(),
        namespace: "demo".to_string(),
        schedule: "0 3 * * *".to_string(),
        destination_claim: "demo-backup-host".to_string(),
        ..BackupJob::default()
    };
    let secret = Some(SecretRef {
        name: "db".to_string(),
        key: "password".to_string(),
    });
    vec![
        BackupJob {
            strategy: Strategy::Rsync,
            source_claim: Some("demo-data".to_string()),
            mounts: mounts(),
            time_zone: Some("Europe/Berlin".to_string()),
            suspend: true,
            colocate_with: [("app".to_string(), "demo".to_string())]
                .into_iter()
                .collect(),
            resources: Some(Resources {
                requests: [("cpu".to_string(), "50m".to_string())]
                    .into_iter()
                    .collect(),
                limits: [("memory".to_string(), "256Mi".to_string())]
                    .into_iter()
                    .collect(),
            }),
            labels: [("app.kubernetes.io/part-of".to_string(), "demo".to_string())]
                .into_iter()
                .collect(),
            ..base.clone()
        },
        BackupJob {
            strategy: Strategy::Sqlite,
            source_claim: Some("demo-data".to_string()),
            mounts: [(
                "data".to_string(),
                Mount {
                    path: "/data".to_string(),
                    sub_path: None,
                },
            )]
            .into_iter()
            .collect(),
            database: Some("/data/db.sqlite3".to_string()),
            extra_paths: vec!["/data/rsa_key.pem".to_string()],
            ..base.clone()
        },
        BackupJob {
            strategy: Strategy::PgDumpall,
            host: Some("postgres.dbaas".to_string()),
            user: Some("backup".to_string()),
            password_secret: secret.clone(),
            ..base.clone()
        },
        BackupJob {
            strategy: Strategy::Mysqldump,
            host: Some("mysql.dbaas".to_string()),
            user: Some("root".to_string()),
            password_secret: secret,
            ..base.clone()
        },
        BackupJob {
            strategy: Strategy::Command,
            source_claim: Some("demo-data".to_string()),
            mounts: mounts(),
            // `${` and `%{` are HCL template markers: they must come back literally.
            command: Some("tar -cf \"${SNAPSHOT}/x.tar\" /var/mail && echo '%{done}'".to_string()),
            ..base
        },
    ]
}

#[test]
fn cronjob_and_settings_hcl_are_equivalent_to_the_manifests_for_every_strategy() {
    let defaults = Defaults {
        labels: [("owner".to_string(), "ops".to_string())]
            .into_iter()
            .collect(),
        ..Defaults::default()
    };
    for job in jobs() {
        let rendered =
            render_job(&defaults, &job).unwrap_or_else(|d| panic!("{}: {d:?}", job.strategy));
        assert!(
            rendered.script.contains("${BACKUP_DIR:?"),
            "the script has markers to escape"
        );
        assert_equivalent(&rendered.cronjob, "kubernetes_cron_job_v1");
        assert_equivalent(&rendered.settings, "kubernetes_config_map_v1");
    }
}

#[test]
fn drill_cronjob_and_restore_job_hcl_are_equivalent_to_the_manifests() {
    let defaults = Defaults::default();
    let mut checked = 0;
    for job in jobs()
        .into_iter()
        .filter(|j| j.strategy == Strategy::Rsync || j.strategy == Strategy::Sqlite)
    {
        let drill = render_restore_test(&defaults, &job, &RestoreTest::default())
            .unwrap_or_else(|d| panic!("{}: {d:?}", job.strategy));
        assert_equivalent(&drill.cronjob, "kubernetes_cron_job_v1");
        let restore = Restore {
            folder: job
                .mounts
                .keys()
                .next()
                .cloned()
                .filter(|_| job.strategy == Strategy::Rsync),
            target_claim: Some("restored".to_string()),
            ..Restore::default()
        };
        let rendered = render_restore(&defaults, &job, &restore)
            .unwrap_or_else(|d| panic!("{}: {d:?}", job.strategy));
        assert_equivalent(
            &rendered.job.expect("a target claim renders the Job"),
            "kubernetes_job_v1",
        );
        checked += 1;
    }
    assert!(checked >= 2, "rsync and sqlite jobs are among the cases");
}

#[test]
fn volume_and_claim_hcl_are_equivalent_to_the_manifests() {
    let volume = NfsBackupVolume {
        name: "demo-backup-host".to_string(),
        namespace: "demo".to_string(),
        nfs_server: Some("10.0.0.5".to_string()),
        labels: [("tier".to_string(), "backup".to_string())]
            .into_iter()
            .collect(),
        ..NfsBackupVolume::default()
    };
    let rendered = render_volume(&Defaults::default(), &volume).unwrap_or_else(|d| panic!("{d:?}"));
    assert_equivalent(&rendered.persistent_volume, "kubernetes_persistent_volume");
    assert_equivalent(
        &rendered.persistent_volume_claim,
        "kubernetes_persistent_volume_claim",
    );
}

#[test]
fn the_comparison_notices_a_difference() {
    // The harness can fail: a manifest field the HCL does not carry is reported.
    let volume = NfsBackupVolume {
        name: "demo-backup-host".to_string(),
        namespace: "demo".to_string(),
        nfs_server: Some("10.0.0.5".to_string()),
        ..NfsBackupVolume::default()
    };
    let rendered = render_volume(&Defaults::default(), &volume).unwrap_or_else(|d| panic!("{d:?}"));
    let text = render::kubernetes_hcl("it", &rendered.persistent_volume_claim);
    let mut changed = rendered.persistent_volume_claim.clone();
    changed["spec"]["volumeName"] = Value::String("other".to_string());
    let body: hcl::Body = hcl::from_str(&text).expect("parses");
    let [resource] = body.blocks().collect::<Vec<_>>()[..] else {
        panic!("one block")
    };
    let mut expected = changed.as_object().expect("object").clone();
    expected.remove("apiVersion");
    expected.remove("kind");
    assert_ne!(
        Value::Object(body_to_manifest(resource.body())),
        Value::Object(expected)
    );
}

#[test]
fn heredocs_keep_template_markers_and_a_line_that_looks_like_the_delimiter() {
    // (`$${` is left to the Terraform-driven acceptance test: hcl-rs 0.20 evaluates the
    // correctly escaped `$$${` to `${`, where Terraform gives `$${`.)
    let text = "echo ${HOME} %{ if } $ {x}\nEOT\n  EOT_\nlast\n";
    let manifest = serde_json::json!({
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": { "name": "x" },
        "spec": { "schedule": text, "suspend": false },
    });
    let rendered = render::kubernetes_hcl("it", &manifest);
    assert!(rendered.contains("<<EOT__\n"), "{rendered}");
    assert_equivalent(&manifest, "kubernetes_cron_job_v1");
}

#[test]
fn hcl_quoted_keeps_interpolation_markers_literal() {
    assert_eq!(
        render::hcl_quoted("a ${b} %{c} {{ $value }}"),
        r#""a $${b} %%{c} {{ $value }}""#
    );
    assert_eq!(render::hcl_quoted("q\"\\\n"), r#""q\"\\\n""#);
}

#[test]
fn a_kubernetes_manifest_resource_evaluates_to_the_manifest() {
    let manifest = serde_json::json!({
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": { "name": "x", "labels": { "app.kubernetes.io/managed-by": "backstop" } },
        "spec": { "list": [1, "a ${b} {{ $value }}"], "empty": {}, "multi": "two\nlines\n" },
    });
    let text = render::kubernetes_manifest_hcl("it", &manifest);
    let body: hcl::Body =
        hcl::from_str(&text).unwrap_or_else(|e| panic!("rendered HCL does not parse: {e}\n{text}"));
    let body = body
        .evaluate(&Context::new())
        .unwrap_or_else(|e| panic!("rendered HCL does not evaluate: {e:?}\n{text}"));
    let [resource] = body.blocks().collect::<Vec<_>>()[..] else {
        panic!("expected one resource block:\n{text}")
    };
    let labels: Vec<&str> = resource.labels().iter().map(|l| l.as_str()).collect();
    assert_eq!(labels, ["kubernetes_manifest", "it"]);
    let evaluated = body_to_manifest(resource.body());
    assert_eq!(evaluated.get("manifest"), Some(&manifest), "\n{text}");
}

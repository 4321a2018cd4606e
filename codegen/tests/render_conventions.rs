//! The rendered objects follow docs/guides/conventions.md §1-§3; each test names the rule it protects.

use backstop_codegen::{
    render, render_alert, render_job, render_volume, BackupAlert, BackupJob, Defaults, Mount,
    NfsBackupVolume, SecretRef, Strategy,
};
use serde_json::{json, Value};

fn mount(path: &str, sub_path: Option<&str>) -> Mount {
    Mount {
        path: path.to_string(),
        sub_path: sub_path.map(str::to_string),
    }
}

fn job(strategy: Strategy) -> BackupJob {
    let mut job = BackupJob {
        name: "demo".to_string(),
        namespace: "demo".to_string(),
        schedule: "0 3 * * *".to_string(),
        strategy,
        destination_claim: "demo-backup-host".to_string(),
        ..BackupJob::default()
    };
    match strategy {
        Strategy::Rsync | Strategy::Command | Strategy::Sqlite => {
            job.source_claim = Some("demo-data".to_string());
            job.mounts = [
                ("data".to_string(), mount("/var/mail", Some("data"))),
                ("log".to_string(), mount("/var/log/mail", Some("log"))),
            ]
            .into_iter()
            .collect();
            if strategy == Strategy::Sqlite {
                job.database = Some("/var/mail/db.sqlite3".to_string());
            }
            if strategy == Strategy::Command {
                job.command = Some("cp -a /var/mail \"$SNAPSHOT/\"".to_string());
            }
        }
        Strategy::PgDumpall | Strategy::Mysqldump => {
            job.host = Some("db.demo".to_string());
            job.user = Some("backup".to_string());
            job.password_secret = Some(SecretRef {
                name: "db".to_string(),
                key: "password".to_string(),
            });
        }
    }
    job
}

fn pod(cronjob: &Value) -> &Value {
    &cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"]
}

#[test]
fn every_strategy_script_is_strict_busybox_compatible_and_embedded_verbatim() {
    for strategy in Strategy::ALL {
        let rendered = render_job(&Defaults::default(), &job(strategy))
            .unwrap_or_else(|d| panic!("{strategy:?}: {d:?}"));
        let script = &rendered.script;
        assert!(script.starts_with("set -euxo pipefail\n"), "{strategy:?}");
        // busybox date rejects relative dates: the originals' --link-dest never applied.
        assert!(
            !script.contains("date -d \"-") && !script.contains("days\""),
            "{strategy:?}"
        );
        assert!(
            script.contains("wget -q -O /dev/null --post-data"),
            "{strategy:?} pushes metrics"
        );
        assert!(
            !script.contains("{{"),
            "{strategy:?}: unrendered template markup"
        );
        let command = &pod(&rendered.cronjob)["containers"][0]["command"];
        assert_eq!(command, &json!(["/bin/sh", "-c", script]), "{strategy:?}");
    }
}

#[test]
fn interpolated_values_are_single_quoted_words() {
    // Validation rejects these; the renderer must still never let them run.
    let mut hostile = job(Strategy::Rsync);
    hostile.mounts = [(
        "data".to_string(),
        mount("/data/it's $(touch /tmp/pwned) `id`", None),
    )]
    .into_iter()
    .collect();
    let rendered = render::job(&Defaults::default(), &hostile);
    assert!(rendered
        .script
        .contains("require_dir '/data/it'\\''s $(touch /tmp/pwned) `id`'\n"));
    assert!(rendered.script.contains(
        "snapshot_source 'data' '/data/it'\\''s $(touch /tmp/pwned) `id`' || return 1\n"
    ));
}

#[test]
fn secrets_and_commands_reach_the_script_through_the_environment_only() {
    for strategy in [Strategy::PgDumpall, Strategy::Mysqldump] {
        let rendered =
            render_job(&Defaults::default(), &job(strategy)).unwrap_or_else(|d| panic!("{d:?}"));
        let env = &pod(&rendered.cronjob)["containers"][0]["env"];
        let variable = if strategy == Strategy::PgDumpall {
            "PGPASSWORD"
        } else {
            "MYSQL_PWD"
        };
        let secret = env
            .as_array()
            .and_then(|e| e.iter().find(|v| v["name"] == variable))
            .expect("password env");
        assert_eq!(
            secret["valueFrom"]["secretKeyRef"],
            json!({ "name": "db", "key": "password" })
        );
        assert!(secret.get("value").is_none());
    }
    let rendered = render_job(&Defaults::default(), &job(Strategy::Command))
        .unwrap_or_else(|d| panic!("{d:?}"));
    assert!(
        !rendered.script.contains("cp -a /var/mail"),
        "the command is not in the script text"
    );
    assert_eq!(
        rendered.settings["data"]["BACKUP_COMMAND"],
        json!(job(Strategy::Command).command)
    );
}

#[test]
fn the_settings_live_in_their_configmap_and_the_cronjob_reads_it_whole() {
    for strategy in Strategy::ALL {
        let mut job = job(strategy);
        job.keep = Some(11);
        let rendered = render_job(&Defaults::default(), &job).unwrap_or_else(|d| panic!("{d:?}"));
        let settings = &rendered.settings;
        assert_eq!(settings["kind"], "ConfigMap");
        assert_eq!(
            settings["metadata"]["name"],
            format!("{}-settings", rendered.cronjob_name)
        );
        assert_eq!(
            settings["metadata"]["namespace"],
            rendered.cronjob["metadata"]["namespace"]
        );
        assert_eq!(
            settings["metadata"]["labels"],
            rendered.cronjob["metadata"]["labels"]
        );
        let keep = if strategy == Strategy::Rsync {
            "KEEP_WEEKS"
        } else {
            "KEEP_DAYS"
        };
        assert_eq!(settings["data"][keep], "11", "{strategy}");
        assert!(settings["data"]["PUSHGATEWAY_URL"].is_string());
        let container = &pod(&rendered.cronjob)["containers"][0];
        assert_eq!(
            container["envFrom"],
            json!([{ "configMapRef": { "name": settings["metadata"]["name"], "optional": true } }])
        );
        // The CronJob itself carries no setting: a changed `keep` leaves it unchanged.
        let names: Vec<&str> = container["env"]
            .as_array()
            .expect("env")
            .iter()
            .filter_map(|e| e["name"].as_str())
            .collect();
        assert!(
            names
                .iter()
                .all(|n| *n == "BACKUP_DIR" || *n == "PGPASSWORD" || *n == "MYSQL_PWD"),
            "{strategy}: {names:?}"
        );
        let mut fewer = job.clone();
        fewer.keep = Some(12);
        let other = render_job(&Defaults::default(), &fewer).unwrap_or_else(|d| panic!("{d:?}"));
        assert_eq!(other.cronjob, rendered.cronjob, "{strategy}");
        assert_ne!(other.settings, rendered.settings, "{strategy}");
    }
}

#[test]
fn the_source_claim_is_read_only_twice_over_and_the_destination_is_at_backup() {
    let rendered =
        render_job(&Defaults::default(), &job(Strategy::Rsync)).unwrap_or_else(|d| panic!("{d:?}"));
    let pod = pod(&rendered.cronjob);
    let volumes = pod["volumes"].as_array().expect("volumes");
    let source = volumes
        .iter()
        .find(|v| v["persistentVolumeClaim"]["claimName"] == "demo-data")
        .expect("source");
    assert_eq!(source["persistentVolumeClaim"]["readOnly"], true);
    let mounts = pod["containers"][0]["volumeMounts"]
        .as_array()
        .expect("mounts");
    let source_mounts: Vec<&Value> = mounts
        .iter()
        .filter(|m| m["name"] == source["name"])
        .collect();
    assert_eq!(source_mounts.len(), 2);
    assert!(source_mounts.iter().all(|m| m["readOnly"] == true));
    let destination = mounts
        .iter()
        .find(|m| m["mountPath"] == "/backup")
        .expect("destination mount");
    assert_ne!(destination["readOnly"], true);
}

#[test]
fn cronjob_hygiene_follows_the_conventions_not_the_originals_risks() {
    let mut demo = job(Strategy::Rsync);
    demo.colocate_with = [("app".to_string(), "demo".to_string())]
        .into_iter()
        .collect();
    demo.time_zone = Some("Europe/Berlin".to_string());
    let rendered = render_job(&Defaults::default(), &demo).unwrap_or_else(|d| panic!("{d:?}"));
    let spec = &rendered.cronjob["spec"];
    assert_eq!(rendered.cronjob["metadata"]["name"], "demo-backup");
    assert_eq!(spec["concurrencyPolicy"], "Forbid");
    assert!(spec["startingDeadlineSeconds"]
        .as_u64()
        .is_some_and(|s| s >= 60));
    assert_eq!(spec["timeZone"], "Europe/Berlin");
    assert_eq!(spec["jobTemplate"]["spec"]["backoffLimit"], 3);
    assert_eq!(
        (
            spec["successfulJobsHistoryLimit"].as_u64(),
            spec["failedJobsHistoryLimit"].as_u64()
        ),
        (Some(10), Some(5))
    );
    let pod = pod(&rendered.cronjob);
    assert_eq!(
        pod["dnsConfig"]["options"],
        json!([{ "name": "ndots", "value": "2" }])
    );
    let term = &pod["affinity"]["podAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"][0];
    assert_eq!(
        term,
        &json!({ "labelSelector": { "matchLabels": { "app": "demo" } }, "topologyKey": "kubernetes.io/hostname" })
    );
    assert_eq!(pod["containers"][0]["image"], render::IMAGE);
    assert_ne!(render::IMAGE, "alpine", "the image tag is pinned");
    assert_eq!(
        pod["containers"][0]["securityContext"]["allowPrivilegeEscalation"],
        false
    );
    assert_eq!(
        rendered.cronjob["metadata"]["labels"]["app.kubernetes.io/managed-by"],
        "backstop"
    );
}

#[test]
fn the_volume_pair_is_static_bound_and_retained() {
    let defaults = Defaults {
        nfs_server: Some("nas.lan".to_string()),
        nfs_base_path: Some("/mnt/main".to_string()),
        ..Defaults::default()
    };
    let volume = NfsBackupVolume {
        name: "demo-backup-host".to_string(),
        namespace: "demo".to_string(),
        ..NfsBackupVolume::default()
    };
    let rendered = render_volume(&defaults, &volume).unwrap_or_else(|d| panic!("{d:?}"));
    let pv = &rendered.persistent_volume["spec"];
    assert_eq!(pv["persistentVolumeReclaimPolicy"], "Retain");
    assert_eq!(pv["accessModes"], json!(["ReadWriteMany"]));
    assert_eq!(pv["volumeMode"], "Filesystem");
    assert_eq!(
        pv["mountOptions"],
        json!(["nfsvers=4", "soft", "timeo=30", "retrans=3", "actimeo=5"])
    );
    assert_eq!(pv["csi"]["volumeHandle"], "demo-backup-host");
    assert_eq!(
        pv["csi"]["volumeAttributes"],
        json!({ "server": "nas.lan", "share": "/mnt/main/demo-backup-host" })
    );
    assert_eq!(
        pv["claimRef"],
        json!({ "namespace": "demo", "name": "demo-backup-host" })
    );
    let pvc = &rendered.persistent_volume_claim["spec"];
    assert_eq!(pvc["volumeName"], "demo-backup-host");
    // Named, never empty or absent: hashicorp/kubernetes drops "", and a claim without a
    // class gets the default StorageClass, which provisions a fresh empty volume instead.
    assert_eq!(pvc["storageClassName"], "backstop-static-nfs");
    assert_eq!(pv["storageClassName"], pvc["storageClassName"]);
    assert_eq!(pvc["accessModes"], pv["accessModes"]);
}

#[test]
fn a_chosen_storage_class_is_shared_by_the_pair_and_an_empty_one_falls_back() {
    let defaults = Defaults {
        nfs_server: Some("nas.lan".to_string()),
        storage_class: Some("nfs-provider-default".to_string()),
        ..Defaults::default()
    };
    let classes = |own: Option<&str>| {
        let volume = NfsBackupVolume {
            name: "demo-backup-host".to_string(),
            namespace: "demo".to_string(),
            storage_class: own.map(str::to_string),
            ..NfsBackupVolume::default()
        };
        let rendered = render_volume(&defaults, &volume).expect("valid volume");
        let pv = rendered.persistent_volume["spec"]["storageClassName"].clone();
        let pvc = rendered.persistent_volume_claim["spec"]["storageClassName"].clone();
        assert_eq!(pv, pvc, "PV and PVC must share a class to bind");
        pvc
    };
    assert_eq!(classes(Some("nfs-manual")), "nfs-manual");
    assert_eq!(classes(None), "nfs-provider-default");
    assert_eq!(classes(Some("")), "nfs-provider-default");
}

#[test]
fn alert_prefix_defaults_to_the_pascal_case_app() {
    assert_eq!(render::default_prefix("mailserver-backup"), "Mailserver");
    assert_eq!(render::default_prefix("my-app-backup"), "MyApp");
    let alert = BackupAlert {
        cronjob_name: "my-app-backup".to_string(),
        namespace: "apps".to_string(),
        schedule: Some("0 */6 * * *".to_string()),
        ..BackupAlert::default()
    };
    let rendered = render_alert(&Defaults::default(), &alert).unwrap_or_else(|d| panic!("{d:?}"));
    assert_eq!(rendered.rule_group["rules"][0]["alert"], "MyAppBackupStale");
    assert_eq!(
        rendered.stale_after_seconds,
        24 * 3600,
        "every 6 h -> 24 h (conventions §3)"
    );
    assert_eq!(
        rendered.prometheus_rule["metadata"]["name"],
        "my-app-backup-alerts"
    );
}

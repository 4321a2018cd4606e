//! The bundled examples render in every format, to stdout and to one file per object.

mod render_support;

use render_support::{backstop, listing, Workspace};
use std::path::PathBuf;

fn example(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/render")
        .join(name);
    path.to_string_lossy().into_owned()
}

/// Objects each example declares: the files `--out` must produce (without extension).
const EXAMPLES: &[(&str, &[&str])] = &[
    (
        "mailserver.hcl",
        &[
            "configmap-mailserver-backup-settings",
            "cronjob-mailserver-backup",
            "persistentvolume-mailserver-backup-host",
            "persistentvolumeclaim-mailserver-backup-host",
            "prometheusrule-",
        ],
    ),
    (
        "vaultwarden.hcl",
        &[
            "configmap-vaultwarden-backup-settings",
            "cronjob-vaultwarden-backup",
            "persistentvolume-vaultwarden-backup-host",
            "persistentvolumeclaim-vaultwarden-backup-host",
            "prometheusrule-",
        ],
    ),
    (
        "dbaas.hcl",
        &[
            "configmap-mysql-backup-settings",
            "configmap-postgresql-backup-settings",
            "cronjob-mysql-backup",
            "cronjob-postgresql-backup",
            "persistentvolume-dbaas-backup-host",
            "persistentvolumeclaim-dbaas-backup-host",
            "prometheusrule-",
            "prometheusrule-",
        ],
    ),
    (
        "restore.hcl",
        &[
            "configmap-mailserver-backup-settings",
            "configmap-vaultwarden-backup-settings",
            "configmap-wiki-backup-settings",
            "cronjob-mailserver-backup",
            "cronjob-mailserver-restore-test",
            "cronjob-vaultwarden-backup",
            "cronjob-vaultwarden-restore-test",
            "cronjob-wiki-backup",
            "cronjob-wiki-restore-test",
            "job-mailserver-restore",
            "persistentvolume-mailserver-backup-host",
            "persistentvolume-vaultwarden-backup-host",
            "persistentvolume-wiki-backup-host",
            "persistentvolumeclaim-mailserver-backup-host",
            "persistentvolumeclaim-vaultwarden-backup-host",
            "persistentvolumeclaim-wiki-backup-host",
            "prometheusrule-mailserver",
            "prometheusrule-vaultwarden",
            "prometheusrule-wiki",
        ],
    ),
];

#[test]
fn examples_render_one_file_per_object_in_every_format() {
    for (name, expected) in EXAMPLES {
        for (format, extension) in [("yaml", "yaml"), ("json", "json"), ("hcl", "tf")] {
            let ws = Workspace::new();
            let run = backstop(
                &["render", &example(name), "--format", format, "--out", "out"],
                &ws.dir,
            );
            assert_eq!(run.code, 0, "{name} {format}: {}", run.stderr);
            let files = listing(&ws.dir.join("out"));
            assert_eq!(files.len(), expected.len(), "{name} {format}: {files:?}");
            for (file, prefix) in files.iter().zip(expected.iter()) {
                assert!(
                    file.starts_with(prefix) && file.ends_with(&format!(".{extension}")),
                    "{name} {format}: {file} vs {prefix}"
                );
            }
        }
    }
}

#[test]
fn examples_print_every_object_to_stdout() {
    for (name, expected) in EXAMPLES {
        let ws = Workspace::new();
        let yaml = backstop(&["render", &example(name)], &ws.dir);
        assert_eq!(yaml.code, 0, "{name}: {}", yaml.stderr);
        let documents = yaml
            .stdout
            .split("\n---\n")
            .filter(|d| d.contains("kind:"))
            .count();
        assert_eq!(documents, expected.len(), "{name}: {}", yaml.stdout);
        let json = backstop(&["render", &example(name), "--format", "json"], &ws.dir);
        let parsed: serde_json::Value = serde_json::from_str(&json.stdout).expect("json output");
        assert_eq!(
            parsed.as_array().map(Vec::len),
            Some(expected.len()),
            "{name}"
        );
        let hcl = backstop(&["render", &example(name), "--format", "hcl"], &ws.dir);
        assert_eq!(
            hcl.stdout
                .matches("resource \"kubernetes_manifest\"")
                .count(),
            expected
                .iter()
                .filter(|e| e.starts_with("prometheusrule"))
                .count(),
            "{name}"
        );
        for resource in ["kubernetes_config_map_v1", "kubernetes_cron_job_v1"] {
            assert!(
                hcl.stdout.contains(&format!("resource \"{resource}\"")),
                "{name}: {resource}: {}",
                hcl.stdout
            );
        }
    }
}

#[test]
fn mailserver_example_is_what_the_issue_describes() {
    let ws = Workspace::new();
    let run = backstop(
        &["render", &example("mailserver.hcl"), "--format", "json"],
        &ws.dir,
    );
    let objects: serde_json::Value = serde_json::from_str(&run.stdout).expect("json output");
    let cronjob = objects
        .as_array()
        .and_then(|a| a.iter().find(|o| o["kind"] == "CronJob"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(cronjob["spec"]["schedule"], "0 3 * * *");
    let text = cronjob.to_string();
    for needle in [
        "mailserver-data-encrypted",
        "/var/mail-state",
        "/var/log/mail",
        "\"app\":\"mailserver\"",
    ] {
        assert!(text.contains(needle), "{needle} missing from the CronJob");
    }
}

#[test]
fn a_folder_in_the_place_of_an_output_file_means_nothing_is_written() {
    let ws = Workspace::new();
    let out = ws.dir.join("out");
    std::fs::create_dir_all(out.join("persistentvolumeclaim-mailserver-backup-host.yaml"))
        .expect("create the obstacle");
    let run = backstop(
        &["render", &example("mailserver.hcl"), "--out", "out"],
        &ws.dir,
    );
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("is a directory"), "{}", run.stderr);
    assert_eq!(
        listing(&out),
        ["persistentvolumeclaim-mailserver-backup-host.yaml"]
    );
}

#[test]
fn rendering_again_replaces_the_files_in_place() {
    let ws = Workspace::new();
    let args = ["render", &example("vaultwarden.hcl"), "--out", "out"];
    assert_eq!(backstop(&args, &ws.dir).code, 0);
    let first = listing(&ws.dir.join("out"));
    assert_eq!(backstop(&args, &ws.dir).code, 0);
    assert_eq!(
        listing(&ws.dir.join("out")),
        first,
        "no temporary files may remain"
    );
}

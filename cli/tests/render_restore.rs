//! `restore_test` and `restore` blocks in `backstop render` specs: the drill's CronJob, the
//! restore's Job, the alert's drill rules, and every bad input located at its FILE:LINE
//! with the attribute's address and nothing written.

mod render_support;

use render_support::{backstop, bad_input_failures, listing, Case, Hint, Workspace};
use serde_json::Value;

const VALID: &str = r#"backstop {
  nfs_server = "10.0.10.15"
  image      = "alpine:3.22"
}

backup_job "mail" {
  namespace         = "mail"
  schedule          = "15 2 * * *"
  source_claim      = "mail-data"
  mounts            = { data = { path = "/var/mail", sub_path = "data" } }
  destination_claim = "mail-backup-host"
}

backup_job "vault" {
  namespace         = "vault"
  schedule          = "0 */6 * * *"
  strategy          = "sqlite"
  source_claim      = "vault-data"
  mounts            = { data = { path = "/data" } }
  database          = "/data/db.sqlite3"
  destination_claim = "vault-backup-host"
}

restore_test "mail" {
  job             = backup_job.mail
  verify_fraction = 0.5
}

restore_test "vault" {
  job         = backup_job.vault
  schedule    = "45 5 * * 3"
  check_query = "SELECT count(*) FROM users"
  min_rows    = 2
}

backup_alert "mail" {
  cronjob_name = backup_job.mail.cronjob_name
  namespace    = backup_job.mail.namespace
  schedule     = backup_job.mail.schedule
}

restore "mail" {
  job          = backup_job.mail
  snapshot     = "2026-15"
  target_claim = "mail-restored"
  target_path  = "mail/data"
  overwrite    = true
}
"#;

fn render_json(spec: &str) -> Vec<Value> {
    let ws = Workspace::new();
    ws.write("spec.hcl", spec);
    let run = backstop(&["render", "spec.hcl", "--format", "json"], &ws.dir);
    assert_eq!(run.code, 0, "{}", run.stderr);
    serde_json::from_str(&run.stdout).expect("render --format json prints a JSON array")
}

fn object<'a>(all: &'a [Value], kind: &str, name: &str) -> &'a Value {
    all.iter()
        .find(|o| o["kind"] == kind && o["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("no {kind} {name}"))
}

fn container(pod_spec: &Value) -> &Value {
    &pod_spec["containers"][0]
}

fn alert_names(rule: &Value) -> Vec<String> {
    rule["spec"]["groups"][0]["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .filter_map(|r| r["alert"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn drills_and_the_restore_render_with_the_spec() {
    let ws = Workspace::new();
    ws.write("spec.hcl", VALID);
    let out = ws.out_dir();
    let run = backstop(&["render", "spec.hcl", "--out", "out"], &ws.dir);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        listing(&out),
        [
            "configmap-mail-backup-settings.yaml",
            "configmap-vault-backup-settings.yaml",
            "cronjob-mail-backup.yaml",
            "cronjob-mail-restore-test.yaml",
            "cronjob-vault-backup.yaml",
            "cronjob-vault-restore-test.yaml",
            "job-mail-restore.yaml",
            "prometheusrule-mail-backup-alerts.yaml",
        ]
    );
}

#[test]
fn the_drill_cronjob_carries_the_blocks_values() {
    let all = render_json(VALID);
    let mail = object(&all, "CronJob", "mail-restore-test");
    assert_eq!(mail["metadata"]["namespace"], "mail");
    // Default: Sundays, two hours after the backup's 02:15.
    assert_eq!(mail["spec"]["schedule"], "15 4 * * 0");
    let pod = &mail["spec"]["jobTemplate"]["spec"]["template"]["spec"];
    let script = container(pod)["command"][2].as_str().expect("script");
    assert!(script.contains("0.5"), "verify_fraction reaches the script");
    assert_eq!(
        pod["volumes"][0]["persistentVolumeClaim"],
        serde_json::json!({ "claimName": "mail-backup-host", "readOnly": true })
    );
    assert_eq!(pod["volumes"][1]["emptyDir"], serde_json::json!({}));

    let vault = object(&all, "CronJob", "vault-restore-test");
    assert_eq!(vault["spec"]["schedule"], "45 5 * * 3");
    let pod = &vault["spec"]["jobTemplate"]["spec"]["template"]["spec"];
    let script = container(pod)["command"][2].as_str().expect("script");
    assert!(script.contains("SELECT count(*) FROM users"), "{script}");
}

#[test]
fn the_restore_job_carries_the_blocks_values() {
    let all = render_json(VALID);
    let job = object(&all, "Job", "mail-restore");
    assert_eq!(job["metadata"]["namespace"], "mail");
    let pod = &job["spec"]["template"]["spec"];
    let env = container(pod)["env"].as_array().expect("env");
    assert!(
        env.contains(&serde_json::json!({ "name": "TARGET_DIR", "value": "/restore/mail/data" }))
    );
    assert_eq!(
        pod["volumes"][1]["persistentVolumeClaim"]["claimName"],
        "mail-restored"
    );
    assert_eq!(pod["volumes"][0]["persistentVolumeClaim"]["readOnly"], true);
    let script = container(pod)["command"][2].as_str().expect("script");
    assert!(
        script.contains("2026-15"),
        "the chosen snapshot reaches the script"
    );
    // Same text as the core renders for the same input with overwrite off: the flag changes it.
    let refused = render_json(&VALID.replace("  overwrite    = true\n", ""));
    let refused_script = object(&refused, "Job", "mail-restore")["spec"]["template"]["spec"]
        ["containers"][0]["command"][2]
        .clone();
    assert_ne!(refused_script.as_str(), Some(script));
}

#[test]
fn an_alert_gains_the_drill_rules_with_the_drills_schedule_only_when_a_drill_exists() {
    let all = render_json(VALID);
    let rule = object(&all, "PrometheusRule", "mail-backup-alerts");
    let names = alert_names(rule);
    assert!(
        names.contains(&"MailRestoreTestFailed".to_string()),
        "{names:?}"
    );
    assert!(
        names.contains(&"MailRestoreTestStale".to_string()),
        "{names:?}"
    );
    let text = rule.to_string();
    assert!(
        text.contains("mail-restore-test"),
        "the rules watch the drill's CronJob"
    );

    // A drill every day instead of weekly: the Stale threshold shrinks with it.
    let daily = render_json(&VALID.replace(
        "  verify_fraction = 0.5\n",
        "  verify_fraction = 0.5\n  schedule        = \"15 4 * * *\"\n",
    ));
    let stale = |rule: &Value| -> String {
        rule["spec"]["groups"][0]["rules"]
            .as_array()
            .expect("rules")
            .iter()
            .find(|r| r["alert"] == "MailRestoreTestStale")
            .map(|r| r["expr"].to_string())
            .expect("stale rule")
    };
    assert_ne!(
        stale(rule),
        stale(object(&daily, "PrometheusRule", "mail-backup-alerts"))
    );

    let without = render_json(&VALID.replace(
        "restore_test \"mail\" {\n  job             = backup_job.mail\n  verify_fraction = 0.5\n}\n",
        "",
    ));
    let names = alert_names(object(&without, "PrometheusRule", "mail-backup-alerts"));
    assert!(
        !names.iter().any(|n| n.contains("RestoreTest")),
        "{names:?}"
    );
}

#[test]
fn hcl_output_has_typed_resources_for_the_drill_and_the_restore() {
    let ws = Workspace::new();
    ws.write("spec.hcl", VALID);
    let run = backstop(&["render", "spec.hcl", "--format", "hcl"], &ws.dir);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run
        .stdout
        .contains("resource \"kubernetes_cron_job_v1\" \"mail_restore_test\""));
    assert!(run
        .stdout
        .contains("resource \"kubernetes_job_v1\" \"mail_restore\""));
}

const CASES: &[Case] = &[
    Case {
        name: "job names no block",
        from: "job             = backup_job.mail\n",
        to: "job             = backup_job.mial\n",
        address: "restore_test.mail.job",
        line_marker: "backup_job.mial",
    },
    Case {
        name: "job as a string",
        from: "job          = backup_job.mail\n",
        to: "job          = \"mail\"\n",
        address: "restore.mail.job",
        line_marker: "job          = \"mail\"",
    },
    Case {
        name: "job names a volume",
        from: "job         = backup_job.vault\n",
        to: "job         = nfs_backup_volume.vault\n",
        address: "restore_test.vault.job",
        line_marker: "nfs_backup_volume.vault",
    },
    Case {
        name: "no job",
        from: "  job         = backup_job.vault\n",
        to: "",
        address: "restore_test.vault.job",
        line_marker: "restore_test \"vault\"",
    },
    Case {
        name: "fraction above 1",
        from: "verify_fraction = 0.5",
        to: "verify_fraction = 1.5",
        address: "restore_test.mail.verify_fraction",
        line_marker: "1.5",
    },
    Case {
        name: "fraction as a string",
        from: "verify_fraction = 0.5",
        to: "verify_fraction = \"half\"",
        address: "restore_test.mail.verify_fraction",
        line_marker: "\"half\"",
    },
    Case {
        name: "bad drill schedule",
        from: "schedule    = \"45 5 * * 3\"",
        to: "schedule    = \"45 25 * * 3\"",
        address: "restore_test.vault.schedule",
        line_marker: "45 25",
    },
    Case {
        name: "check_query on rsync",
        from: "verify_fraction = 0.5",
        to: "check_query = \"SELECT 1\"",
        address: "restore_test.mail.check_query",
        line_marker: "SELECT 1",
    },
    Case {
        name: "min_rows without a query",
        from: "  check_query = \"SELECT count(*) FROM users\"\n",
        to: "",
        address: "restore_test.vault.min_rows",
        line_marker: "min_rows",
    },
    Case {
        name: "negative min_rows",
        from: "min_rows    = 2",
        to: "min_rows    = -2",
        address: "restore_test.vault.min_rows",
        line_marker: "min_rows",
    },
    Case {
        name: "unknown drill attribute",
        from: "verify_fraction = 0.5",
        to: "verify_fractoin = 0.5",
        address: "restore_test.mail.verify_fractoin",
        line_marker: "verify_fractoin",
    },
    Case {
        name: "bad snapshot",
        from: "snapshot     = \"2026-15\"",
        to: "snapshot     = \"latest\"",
        address: "restore.mail.snapshot",
        line_marker: "latest",
    },
    Case {
        name: "unknown folder",
        from: "snapshot     = \"2026-15\"",
        to: "folder       = \"dta\"",
        address: "restore.mail.folder",
        line_marker: "\"dta\"",
    },
    Case {
        name: "no target claim",
        from: "  target_claim = \"mail-restored\"\n",
        to: "",
        address: "restore.mail.target_claim",
        line_marker: "restore \"mail\"",
    },
    Case {
        name: "dot-dot target path",
        from: "target_path  = \"mail/data\"",
        to: "target_path  = \"../data\"",
        address: "restore.mail.target_path",
        line_marker: "../data",
    },
    Case {
        name: "overwrite as a string",
        from: "overwrite    = true",
        to: "overwrite    = \"yes\"",
        address: "restore.mail.overwrite",
        line_marker: "\"yes\"",
    },
];

#[test]
fn every_bad_input_is_reported_on_its_line_and_nothing_is_written() {
    let failures = bad_input_failures(VALID, CASES, Hint::Required);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_drill_or_restore_of_an_invalid_job_repeats_none_of_its_errors() {
    let spec = VALID.replace(
        "schedule          = \"15 2 * * *\"",
        "schedule          = \"15 26 * * *\"",
    );
    let ws = Workspace::new();
    ws.write("spec.hcl", &spec);
    let run = backstop(&["render", "spec.hcl"], &ws.dir);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("attribute: backup_job.mail.schedule"),
        "{}",
        run.stderr
    );
    // The alert uses the schedule through its reference and says so; the drill and the
    // restore of that job add nothing.
    assert!(!run.stderr.contains("attribute: restore"), "{}", run.stderr);
    assert!(run.stdout.is_empty());
}

#[test]
fn two_restores_of_one_job_into_the_same_namespace_are_an_error() {
    let spec = format!(
        "{VALID}\nrestore \"again\" {{\n  job          = backup_job.mail\n  target_claim = \"other\"\n}}\n"
    );
    let ws = Workspace::new();
    ws.write("spec.hcl", &spec);
    let run = backstop(&["render", "spec.hcl"], &ws.dir);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("attribute: restore.again.job"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("Job mail-restore is also rendered by restore \"mail\""),
        "{}",
        run.stderr
    );
}

/// The core's warning on a drill that must share its backup's slot reaches `backstop render`
/// as it reaches `terraform plan`: located on the drill, and the objects still rendered.
#[test]
fn a_drill_sharing_its_backups_slot_is_rendered_with_a_located_warning() {
    let spec = r#"backstop {
  nfs_server = "10.0.10.15"
}

backup_job "busy" {
  namespace         = "busy"
  schedule          = "* * * * *"
  source_claim      = "busy-data"
  mounts            = { data = { path = "/data" } }
  destination_claim = "busy-backup-host"
}

restore_test "busy" {
  job = backup_job.busy
}
"#;
    let ws = Workspace::new();
    ws.write("spec.hcl", spec);
    let run = backstop(&["render", "spec.hcl", "--format", "json"], &ws.dir);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .starts_with("spec.hcl:13:1: warning: the backup's schedule \"* * * * *\""),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("\n  attribute: restore_test.busy.schedule\n"),
        "{}",
        run.stderr
    );
    let all: Vec<Value> = serde_json::from_str(&run.stdout).expect("JSON array");
    object(&all, "CronJob", "busy-restore-test");

    // A drill with a slot of its own, or with its schedule set, renders without a word.
    let free = spec.replace(
        "restore_test \"busy\" {\n  job = backup_job.busy\n}",
        "restore_test \"busy\" {\n  job      = backup_job.busy\n  schedule = \"30 5 * * 6\"\n}",
    );
    ws.write("spec.hcl", &free);
    let run = backstop(&["render", "spec.hcl", "--format", "json"], &ws.dir);
    assert_eq!((run.code, run.stderr.as_str()), (0, ""));
}

/// The closing line counts the errors in agreement with its noun.
#[test]
fn the_closing_line_counts_problems_in_number() {
    let ws = Workspace::new();
    let one = VALID.replace("verify_fraction = 0.5", "verify_fraction = 2");
    ws.write("spec.hcl", &one);
    let run = backstop(&["render", "spec.hcl"], &ws.dir);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .ends_with("error: 1 problem in spec.hcl; nothing was rendered\n"),
        "{}",
        run.stderr
    );
    let two = one.replace("min_rows    = 2", "min_rows    = -1");
    ws.write("spec.hcl", &two);
    let run = backstop(&["render", "spec.hcl"], &ws.dir);
    assert!(
        run.stderr
            .ends_with("error: 2 problems in spec.hcl; nothing was rendered\n"),
        "{}",
        run.stderr
    );
}

//! Every bad input of issue 2 makes `backstop render --out DIR` exit 1, name the attribute
//! at the file:line where it is written, and leave DIR empty.

mod render_support;

use render_support::{backstop, bad_input_failures, line_of, listing, Case, Hint, Workspace};

/// A valid spec: every case below changes one thing in it.
const VALID: &str = r#"backstop {
  nfs_server = "10.0.10.15"
  image      = "alpine:3.22"
}

nfs_backup_volume "mail" {
  name      = "mail-backup-host"
  namespace = "mailserver"
}

backup_job "mailserver" {
  namespace    = "mailserver"
  schedule     = "0 3 * * *"
  source_claim = "mailserver-data"
  mounts = {
    data = { path = "/var/mail", sub_path = "data" }
    log  = { path = "/var/log/mail", sub_path = "log" }
  }
  destination_claim = nfs_backup_volume.mail.claim_name
  keep              = 8
}

backup_job "postgres" {
  namespace         = "dbaas"
  schedule          = "0 0 * * *"
  strategy          = "pg_dumpall"
  host              = "postgresql.dbaas.svc"
  user              = "postgres"
  password_secret   = { name = "pg-credentials", key = "password" }
  destination_claim = "dbaas-backup-host"
}

backup_alert "mailserver" {
  cronjob_name = backup_job.mailserver.cronjob_name
  namespace    = backup_job.mailserver.namespace
  schedule     = backup_job.mailserver.schedule
}
"#;

const JOB: &str = "backup_job \"mailserver\" {\n";

const CASES: &[Case] = &[
    Case { name: "uppercase name", from: JOB, to: "backup_job \"mailserver\" {\n  name = \"Mailserver\"\n", address: "backup_job.mailserver.name", line_marker: "\"Mailserver\"" },
    Case { name: "over-long name", from: JOB, to: "backup_job \"mailserver\" {\n  name = \"a-name-that-is-far-too-long-for-a-cronjob-name-x\"\n", address: "backup_job.mailserver.name", line_marker: "far-too-long" },
    Case { name: "uppercase namespace", from: "namespace    = \"mailserver\"", to: "namespace    = \"MailServer\"", address: "backup_job.mailserver.namespace", line_marker: "MailServer" },
    Case { name: "space in a name", from: "name      = \"mail-backup-host\"", to: "name      = \"mail backup\"", address: "nfs_backup_volume.mail.name", line_marker: "mail backup" },
    Case { name: "newline in a name", from: "name      = \"mail-backup-host\"", to: "name      = \"mail\\nbackup\"", address: "nfs_backup_volume.mail.name", line_marker: "mail\\nbackup" },
    Case { name: "semicolon in a path", from: "path = \"/var/mail\"", to: "path = \"/var/mail;reboot\"", address: "backup_job.mailserver.mounts[\"data\"].path", line_marker: "reboot" },
    Case { name: "command substitution in a path", from: "path = \"/var/mail\"", to: "path = \"/var/$(id)\"", address: "backup_job.mailserver.mounts[\"data\"].path", line_marker: "$(id)" },
    Case { name: "backticks in a subPath", from: "sub_path = \"data\"", to: "sub_path = \"d`id`\"", address: "backup_job.mailserver.mounts[\"data\"].sub_path", line_marker: "`id`" },
    Case { name: "space in a path", from: "path = \"/var/log/mail\"", to: "path = \"/var/log/my mail\"", address: "backup_job.mailserver.mounts[\"log\"].path", line_marker: "my mail" },
    Case { name: "newline in a path", from: "path = \"/var/log/mail\"", to: "path = \"/var/log/mail\\n\"", address: "backup_job.mailserver.mounts[\"log\"].path", line_marker: "mail\\n" },
    Case { name: "relative path", from: "path = \"/var/mail\"", to: "path = \"var/mail\"", address: "backup_job.mailserver.mounts[\"data\"].path", line_marker: "\"var/mail\"" },
    Case { name: "dot-dot in a path", from: "path = \"/var/mail\"", to: "path = \"/var/../etc\"", address: "backup_job.mailserver.mounts[\"data\"].path", line_marker: "/var/../etc" },
    Case { name: "dot-dot in a subPath", from: "sub_path = \"log\"", to: "sub_path = \"../log\"", address: "backup_job.mailserver.mounts[\"log\"].sub_path", line_marker: "../log" },
    Case { name: "duplicate destination folder", from: "path = \"/var/log/mail\"", to: "path = \"/var/mail\"", address: "backup_job.mailserver.mounts[\"log\"].path", line_marker: "log  = {" },
    Case { name: "folders differing in case", from: "    log  = {", to: "    Data = { path = \"/srv/other\" }\n    log  = {", address: "backup_job.mailserver.mounts[\"data\"]", line_marker: "data = {" },
    Case { name: "the same folder key quoted and unquoted", from: "    log  = {", to: "    \"data\" = { path = \"/srv/other\" }\n    log  = {", address: "backup_job.mailserver.mounts", line_marker: "\"data\" = {" },
    Case { name: "invalid cron", from: "schedule     = \"0 3 * * *\"", to: "schedule     = \"0 25 * * *\"", address: "backup_job.mailserver.schedule", line_marker: "0 25 * * *" },
    Case { name: "cron with six fields", from: "schedule     = \"0 3 * * *\"", to: "schedule     = \"0 0 3 * * *\"", address: "backup_job.mailserver.schedule", line_marker: "0 0 3 * * *" },
    Case { name: "empty mounts for rsync", from: "  mounts = {\n    data = { path = \"/var/mail\", sub_path = \"data\" }\n    log  = { path = \"/var/log/mail\", sub_path = \"log\" }\n  }", to: "  mounts = {}", address: "backup_job.mailserver.mounts", line_marker: "mounts = {}" },
    Case { name: "missing password_secret for a dump", from: "  password_secret   = { name = \"pg-credentials\", key = \"password\" }\n", to: "", address: "backup_job.postgres.password_secret", line_marker: "backup_job \"postgres\"" },
    Case { name: "bad Secret key", from: "key = \"password\"", to: "key = \"pass word\"", address: "backup_job.postgres.password_secret.key", line_marker: "pass word" },
    Case { name: "semicolon in a host", from: "postgresql.dbaas.svc", to: "db;reboot", address: "backup_job.postgres.host", line_marker: "db;reboot" },
    Case { name: "floating image", from: "image      = \"alpine:3.22\"", to: "image      = \"alpine:latest\"", address: "backstop.image", line_marker: "alpine:latest" },
    Case { name: "bare version image", from: "image      = \"alpine:3.22\"", to: "image      = \"alpine:3\"", address: "backstop.image", line_marker: "alpine:3\"" },
];

#[test]
fn the_valid_spec_renders() {
    let ws = Workspace::new();
    ws.write("spec.hcl", VALID);
    let out = ws.out_dir();
    let run = backstop(&["render", "spec.hcl", "--out", "out"], &ws.dir);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        listing(&out),
        [
            "configmap-mailserver-backup-settings.yaml",
            "configmap-postgres-backup-settings.yaml",
            "cronjob-mailserver-backup.yaml",
            "cronjob-postgres-backup.yaml",
            "persistentvolume-mail-backup-host.yaml",
            "persistentvolumeclaim-mail-backup-host.yaml",
            "prometheusrule-mailserver-backup-alerts.yaml",
        ]
    );
}

#[test]
fn every_bad_input_is_reported_on_its_line_and_nothing_is_written() {
    let failures = bad_input_failures(VALID, CASES, Hint::NotChecked);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn errors_carry_a_hint() {
    let ws = Workspace::new();
    ws.write(
        "spec.hcl",
        &VALID.replacen("image      = \"alpine:3.22\"", "image      = \"alpine\"", 1),
    );
    let run = backstop(&["render", "spec.hcl"], &ws.dir);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("hint: write registry/repository:tag or add @sha256:<digest>; pin a tag, e.g. alpine:3.22"), "{}", run.stderr);
    assert!(
        run.stdout.is_empty(),
        "printed despite the error: {}",
        run.stdout
    );
}

#[test]
fn every_error_is_reported_at_once() {
    let spec = VALID
        .replacen(
            "namespace    = \"mailserver\"",
            "namespace    = \"Mail\"",
            1,
        )
        .replacen("path = \"/var/mail\"", "path = \"var/mail\"", 1)
        .replacen("key = \"password\"", "key = \"a b\"", 1);
    let ws = Workspace::new();
    ws.write("spec.hcl", &spec);
    let run = backstop(&["render", "spec.hcl"], &ws.dir);
    assert_eq!(run.code, 1);
    for address in [
        "backup_job.mailserver.namespace",
        "backup_job.mailserver.mounts[\"data\"].path",
        "backup_job.postgres.password_secret.key",
    ] {
        assert!(
            run.stderr.contains(&format!("attribute: {address}\n")),
            "{address} missing:\n{}",
            run.stderr
        );
    }
}

#[test]
fn output_directory_is_not_created_on_error() {
    let ws = Workspace::new();
    ws.write("spec.hcl", &VALID.replacen("0 3 * * *", "@every 1h", 1));
    let run = backstop(&["render", "spec.hcl", "--out", "new-dir"], &ws.dir);
    assert_eq!(run.code, 1);
    assert!(!ws.dir.join("new-dir").exists());
    assert!(run.stderr.contains("@every"), "{}", run.stderr);
}

#[test]
fn errors_that_stop_reading_an_object_do_not_hide_the_others() {
    // The postgres job cannot be read (unknown attribute); the mailserver job can, and
    // its bad path is still reported, in file order after the volume's error.
    let spec = VALID
        .replacen(
            "  user              = \"postgres\"",
            "  usr               = \"postgres\"",
            1,
        )
        .replacen("path = \"/var/mail\"", "path = \"var/mail\"", 1)
        .replacen("namespace = \"mailserver\"", "namespace = \"Mail\"", 1);
    let ws = Workspace::new();
    ws.write("spec.hcl", &spec);
    let run = backstop(&["render", "spec.hcl"], &ws.dir);
    assert_eq!(run.code, 1);
    let located: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("spec.hcl:"))
        .collect();
    let expected = [
        format!("spec.hcl:{}:", line_of(&spec, "namespace = \"Mail\"")),
        format!("spec.hcl:{}:", line_of(&spec, "\"var/mail\"")),
        format!("spec.hcl:{}:", line_of(&spec, "usr ")),
    ];
    assert_eq!(located.len(), expected.len(), "{}", run.stderr);
    for (line, prefix) in located.iter().zip(&expected) {
        assert!(
            line.starts_with(prefix.as_str()),
            "{line} should start with {prefix}\n{}",
            run.stderr
        );
    }
}

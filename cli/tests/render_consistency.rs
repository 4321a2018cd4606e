//! Checks between the objects of one spec: the job runs in its backup claim's namespace,
//! and the alert watches the CronJob where it runs, with a threshold from its schedule.

mod render_support;

use render_support::{backstop, line_of, Workspace};

const SPEC: &str = r#"backstop {
  nfs_server = "10.0.10.15"
  image      = "alpine:3.22"
}

nfs_backup_volume "mail" {
  name      = "mail-backup-host"
  namespace = "mailserver"
}

backup_job "mail" {
  namespace         = "mailserver"
  schedule          = "0 3 * * *"
  source_claim      = "mail-data"
  mounts            = { data = { path = "/var/mail" } }
  destination_claim = "mail-backup-host"
}

backup_alert "mail" {
  namespace = "mailserver"
  schedule  = "0 3 * * *"
}
"#;

fn render(spec: &str) -> render_support::Output {
    let ws = Workspace::new();
    ws.write("spec.hcl", spec);
    backstop(&["render", "spec.hcl"], &ws.dir)
}

#[test]
fn the_consistent_spec_renders() {
    let run = render(SPEC);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn a_job_outside_its_claims_namespace_is_an_error() {
    let spec = SPEC.replacen(
        "namespace = \"mailserver\"\n}\n\nbackup_job",
        "namespace = \"backups\"\n}\n\nbackup_job",
        1,
    );
    let run = render(&spec);
    assert_eq!(run.code, 1);
    let line = line_of(&spec, "destination_claim");
    assert!(run.stderr.contains(&format!("spec.hcl:{line}:3: error: the claim mail-backup-host is in namespace \"backups\", but the job runs in \"mailserver\"")), "{}", run.stderr);
}

#[test]
fn an_alert_in_another_namespace_than_its_cronjob_is_an_error() {
    let spec = SPEC.replacen(
        "  namespace = \"mailserver\"\n  schedule  = \"0 3 * * *\"",
        "  namespace = \"monitoring\"\n  schedule  = \"0 3 * * *\"",
        1,
    );
    let run = render(&spec);
    assert_eq!(run.code, 1);
    let line = line_of(&spec, "\"monitoring\"");
    assert!(run.stderr.contains(&format!("spec.hcl:{line}:3: error: the CronJob mail-backup (backup_job \"mail\") runs in namespace \"mailserver\", not \"monitoring\"")), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("hint: write namespace = backup_job.mail.namespace"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_alert_schedule_with_another_threshold_than_the_cronjobs_is_an_error() {
    let spec = SPEC.replacen(
        "  schedule  = \"0 3 * * *\"",
        "  schedule  = \"0 3 * * 0\"",
        1,
    );
    let run = render(&spec);
    assert_eq!(run.code, 1);
    let line = line_of(&spec, "\"0 3 * * 0\"");
    assert!(run.stderr.contains(&format!("spec.hcl:{line}:3: error: this schedule gives a stale threshold of 8d, but the CronJob's schedule \"0 3 * * *\" needs 36h")), "{}", run.stderr);
}

#[test]
fn an_equivalent_alert_schedule_is_fine() {
    // Another time of day, same threshold.
    let run = render(&SPEC.replacen("  schedule  = \"0 3 * * *\"", "  schedule  = \"@daily\"", 1));
    assert_eq!(run.code, 0, "{}", run.stderr);
}

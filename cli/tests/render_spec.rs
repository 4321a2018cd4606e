//! The spec loader: references, defaults for names, unknown names with suggestions,
//! wrong types, and usage errors.

mod render_support;

use render_support::{backstop, line_of, Workspace};

fn render(spec: &str, args: &[&str]) -> render_support::Output {
    let ws = Workspace::new();
    ws.write("spec.hcl", spec);
    let mut all = vec!["render", "spec.hcl"];
    all.extend_from_slice(args);
    backstop(&all, &ws.dir)
}

const JOB: &str = r#"backup_job "app" {
  namespace         = "apps"
  schedule          = "0 3 * * *"
  source_claim      = "app-data"
  mounts            = { data = { path = "/data" } }
  destination_claim = "app-backup-host"
  image             = "alpine:3.22"
}
"#;

#[test]
fn unknown_attribute_suggests_the_closest_name() {
    let spec = JOB.replace("schedule ", "shedule  ");
    let run = render(&spec, &[]);
    assert_eq!(run.code, 1);
    let line = line_of(&spec, "shedule");
    assert!(
        run.stderr.contains(&format!(
            "spec.hcl:{line}:3: error: unknown attribute `shedule` in backup_job"
        )),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("hint: did you mean `schedule`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn unknown_block_type_suggests_the_closest_type() {
    let run = render(
        &JOB.replace("backup_job \"app\"", "backup_jobs \"app\""),
        &[],
    );
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("spec.hcl:1:1: error: unknown block type `backup_jobs`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean `backup_job`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn unknown_reference_suggests_the_closest_id() {
    let spec = format!("{JOB}\nbackup_alert \"app\" {{\n  namespace = backup_job.ap.namespace\n  schedule  = \"@daily\"\n}}\n");
    let run = render(&spec, &[]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("there is no backup_job \"ap\" in this file"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean backup_job.app?"),
        "{}",
        run.stderr
    );
}

#[test]
fn unknown_mount_key_suggests_the_closest_key() {
    let run = render(
        &JOB.replace("{ path = \"/data\" }", "{ pth = \"/data\" }"),
        &[],
    );
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("attribute: backup_job.app.mounts[\"data\"].pth"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean `path`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn wrong_type_names_the_attribute_and_the_expected_type() {
    let spec = JOB.replace(
        "namespace         = \"apps\"",
        "namespace         = \"apps\"\n  keep              = \"eight\"",
    );
    let run = render(&spec, &[]);
    assert_eq!(run.code, 1);
    let line = line_of(&spec, "\"eight\"");
    assert!(
        run.stderr.contains(&format!(
            "spec.hcl:{line}:3: error: `keep` must be a whole number, not a string"
        )),
        "{}",
        run.stderr
    );
}

#[test]
fn references_and_default_names_resolve() {
    let spec = r#"
backstop {
  nfs_server = "10.0.10.15"
  image      = "alpine:3.22"
}
nfs_backup_volume "app-backup-host" {
  namespace = "apps"
}
backup_job "app" {
  namespace         = nfs_backup_volume.app-backup-host.namespace
  schedule          = "0 */6 * * *"
  source_claim      = "app-data"
  mounts            = { data = { path = "/data" } }
  destination_claim = nfs_backup_volume.app-backup-host.claim_name
}
backup_alert "app" {
  cronjob_name = backup_job.app.cronjob_name
  namespace    = backup_job.app.namespace
  schedule     = backup_job.app.schedule
}
"#;
    let run = render(spec, &["--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let objects: serde_json::Value = serde_json::from_str(&run.stdout).expect("json output");
    let objects = objects.as_array().expect("an array");
    assert_eq!(objects.len(), 5);
    let settings = objects
        .iter()
        .find(|o| o["kind"] == "ConfigMap")
        .expect("the job's settings");
    assert_eq!(settings["metadata"]["name"], "app-backup-settings");
    assert_eq!(settings["metadata"]["namespace"], "apps");
    let cronjob = objects
        .iter()
        .find(|o| o["kind"] == "CronJob")
        .expect("a CronJob");
    assert_eq!(cronjob["metadata"]["name"], "app-backup");
    assert_eq!(cronjob["metadata"]["namespace"], "apps");
    let claim = objects
        .iter()
        .find(|o| o["kind"] == "PersistentVolumeClaim")
        .expect("a PVC");
    assert_eq!(claim["metadata"]["name"], "app-backup-host");
    let text = serde_json::to_string(cronjob).unwrap_or_default();
    assert!(
        text.contains("\"claimName\":\"app-backup-host\""),
        "destination claim not resolved: {text}"
    );
}

#[test]
fn reference_cycles_are_reported() {
    let spec = r#"
backup_job "a" {
  namespace = backup_job.b.namespace
}
backup_job "b" {
  namespace = backup_job.a.namespace
}
"#;
    let run = render(spec, &[]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("cycle"), "{}", run.stderr);
}

#[test]
fn invalid_hcl_is_located() {
    let run = render("backup_job \"a\" {\n  namespace = \n}\n", &[]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("spec.hcl:2:"), "{}", run.stderr);
    assert!(run.stderr.contains("not valid HCL"), "{}", run.stderr);
}

#[test]
fn usage_errors_exit_2() {
    let ws = Workspace::new();
    assert_eq!(backstop(&["render"], &ws.dir).code, 2);
    assert_eq!(
        backstop(&["render", "x.hcl", "--format", "xml"], &ws.dir).code,
        2
    );
}

#[test]
fn a_missing_file_exits_1_and_says_so() {
    let ws = Workspace::new();
    let run = backstop(&["render", "missing.hcl"], &ws.dir);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("cannot read the spec"),
        "{}",
        run.stderr
    );
}

#[test]
fn list_elements_are_located_on_their_own_line() {
    let spec = r#"backup_job "vaultwarden" {
  namespace         = "vaultwarden"
  schedule          = "0 */6 * * *"
  strategy          = "sqlite"
  source_claim      = "vaultwarden-data"
  mounts            = { data = { path = "/data" } }
  database          = "/data/db.sqlite3"
  extra_paths = [
    "/data/rsa_key.pem",
    "/data/attachments",
    "/srv/config.json",
  ]
  destination_claim = "vaultwarden-backup-host"
  image             = "alpine:3.22"
}
"#;
    let run = render(spec, &[]);
    assert_eq!(run.code, 1);
    let line = line_of(spec, "/srv/config.json");
    assert!(
        run.stderr.contains(&format!(
            "spec.hcl:{line}:5: error: \"/srv/config.json\" is not under any of the mount paths"
        )),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("attribute: backup_job.vaultwarden.extra_paths[2]"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_bad_value_reached_through_a_reference_is_reported_where_it_is_used_too() {
    let spec = format!(
        "{}\nbackup_alert \"app\" {{\n  namespace = backup_job.app.namespace\n  schedule  = backup_job.app.schedule\n}}\n",
        JOB.replace("0 3 * * *", "0 3 * * 8")
    );
    let run = render(&spec, &[]);
    assert_eq!(run.code, 1);
    let job_line = line_of(&spec, "0 3 * * 8");
    let alert_line = line_of(&spec, "schedule  = backup_job.app.schedule");
    assert!(
        run.stderr.contains(&format!(
            "spec.hcl:{job_line}:3: error: day-of-week field: 8 is out of range 0-6"
        )),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&format!("spec.hcl:{alert_line}:")),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("attribute: backup_alert.app.schedule"),
        "{}",
        run.stderr
    );
}

#[test]
fn heredocs_and_templates_resolve_references() {
    let spec = r#"backup_job "app" {
  namespace         = "apps"
  schedule          = "@daily"
  strategy          = "command"
  command           = <<-EOT
    tar -C /data -cf "$SNAPSHOT/data.tar" .
    echo "${backup_job.app.namespace} done"
  EOT
  source_claim      = "app-data"
  mounts            = { data = { path = "/data" } }
  destination_claim = "${backup_job.app.name}-backup-host"
  image             = "alpine:3.22"
}
"#;
    let run = render(spec, &["--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = run.stdout;
    assert!(
        text.contains(
            r#""BACKUP_COMMAND": "tar -C /data -cf \"$SNAPSHOT/data.tar\" .\necho \"apps done\"\n""#
        ),
        "{text}"
    );
    assert!(
        text.contains("\"claimName\": \"app-backup-host\""),
        "{text}"
    );
}

#[test]
fn two_objects_that_would_overwrite_each_other_are_an_error() {
    let second = JOB
        .replace("backup_job \"app\"", "backup_job \"again\"")
        .replace(
            "  namespace ",
            "  name              = \"app\"\n  namespace ",
        );
    let spec = format!("{JOB}\n{second}");
    let run = render(&spec, &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let line = line_of(&spec, "name              = \"app\"");
    assert!(
        run.stderr.contains(&format!(
            "spec.hcl:{line}:3: error: CronJob app-backup is also rendered by backup_job \"app\""
        )),
        "{}",
        run.stderr
    );
    // Once: the settings ConfigMap, named after the CronJob, is not a second collision.
    assert_eq!(
        run.stderr.matches("is also rendered by").count(),
        1,
        "{}",
        run.stderr
    );
    // PersistentVolumes are cluster-wide: the same name in two namespaces still collides.
    let volumes = "nfs_backup_volume \"a\" {\n  name = \"shared\"\n  namespace = \"one\"\n  nfs_server = \"nas\"\n}\nnfs_backup_volume \"b\" {\n  name = \"shared\"\n  namespace = \"two\"\n  nfs_server = \"nas\"\n}\n";
    let run = render(volumes, &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("spec.hcl:7:3: error: PersistentVolume shared is also rendered by nfs_backup_volume \"a\""), "{}", run.stderr);
}

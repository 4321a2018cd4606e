//! `backstop restore SPEC --job NAME`: the restore Job of one job, from the spec's restore
//! block and the flags, printed or written; exit 1 for an invalid spec, 2 for a wrong
//! command line, with nothing written then.

mod render_support;

use render_support::{backstop, listing, Workspace};
use serde_json::Value;

const SPEC: &str = r#"backstop {
  image = "alpine:3.22"
}

backup_job "mail" {
  namespace         = "mail"
  schedule          = "0 3 * * *"
  source_claim      = "mail-data"
  mounts = {
    data  = { path = "/var/mail", sub_path = "data" }
    state = { path = "/var/mail-state", sub_path = "state" }
  }
  destination_claim = "mail-backup-host"
}

restore "mail-data" {
  job          = backup_job.mail
  folder       = "data"
  target_claim = "mail-restored"
}

backup_job "vault" {
  name              = "vaultwarden"
  namespace         = "vault"
  schedule          = "0 */6 * * *"
  strategy          = "sqlite"
  source_claim      = "vault-data"
  mounts            = { data = { path = "/data" } }
  database          = "/data/db.sqlite3"
  destination_claim = "vault-backup-host"
}
"#;

fn restore(spec: &str, args: &[&str]) -> (Workspace, render_support::Output) {
    let ws = Workspace::new();
    ws.write("spec.hcl", spec);
    let mut all = vec!["restore", "spec.hcl"];
    all.extend_from_slice(args);
    let run = backstop(&all, &ws.dir);
    (ws, run)
}

fn job_json(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let (_, run) = restore(SPEC, &all);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut objects: Vec<Value> = serde_json::from_str(&run.stdout).expect("a JSON array");
    assert_eq!(objects.len(), 1, "exactly the one Job");
    objects.remove(0)
}

fn pod(job: &Value) -> &Value {
    &job["spec"]["template"]["spec"]
}

fn script(job: &Value) -> &str {
    pod(job)["containers"][0]["command"][2]
        .as_str()
        .expect("script")
}

fn env(job: &Value, name: &str) -> Value {
    pod(job)["containers"][0]["env"]
        .as_array()
        .expect("env")
        .iter()
        .find(|e| e["name"] == name)
        .map(|e| e["value"].clone())
        .unwrap_or(Value::Null)
}

#[test]
fn the_restore_block_gives_the_settings() {
    let job = job_json(&["--job", "mail"]);
    assert_eq!(job["kind"], "Job");
    assert_eq!(job["metadata"]["name"], "mail-restore");
    assert_eq!(job["metadata"]["namespace"], "mail");
    assert_eq!(
        pod(&job)["volumes"][1]["persistentVolumeClaim"]["claimName"],
        "mail-restored"
    );
    assert_eq!(env(&job, "TARGET_DIR"), "/restore/data");
}

#[test]
fn the_printed_job_is_the_one_render_prints_for_the_spec() {
    let job = job_json(&["--job", "mail"]);
    let ws = Workspace::new();
    ws.write("spec.hcl", SPEC);
    let run = backstop(&["render", "spec.hcl", "--format", "json"], &ws.dir);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let all: Vec<Value> = serde_json::from_str(&run.stdout).expect("a JSON array");
    let rendered = all
        .iter()
        .find(|o| o["kind"] == "Job")
        .expect("render has the Job");
    assert_eq!(&job, rendered);
}

#[test]
fn flags_override_the_block() {
    let job = job_json(&[
        "--job",
        "mail",
        "--folder",
        "state",
        "--snapshot",
        "2026-10",
        "--target-claim",
        "other",
        "--target-path",
        "mail/state",
        "--overwrite",
    ]);
    assert_eq!(
        pod(&job)["volumes"][1]["persistentVolumeClaim"]["claimName"],
        "other"
    );
    assert_eq!(env(&job, "TARGET_DIR"), "/restore/mail/state");
    assert!(script(&job).contains("2026-10"));
    let plain = job_json(&[
        "--job",
        "mail",
        "--folder",
        "state",
        "--snapshot",
        "2026-10",
        "--target-claim",
        "other",
        "--target-path",
        "mail/state",
    ]);
    assert_ne!(
        script(&job),
        script(&plain),
        "--overwrite changes the script"
    );
}

#[test]
fn a_job_without_a_block_is_found_by_id_or_name_and_takes_the_flags() {
    let by_id = job_json(&["--job", "vault", "--target-claim", "vault-new"]);
    let by_name = job_json(&["--job", "vaultwarden", "--target-claim", "vault-new"]);
    assert_eq!(by_id, by_name);
    assert_eq!(by_id["metadata"]["name"], "vaultwarden-restore");
    assert_eq!(
        pod(&by_id)["volumes"][0]["persistentVolumeClaim"]["claimName"],
        "vault-backup-host"
    );
    assert_eq!(
        pod(&by_id)["volumes"][0]["persistentVolumeClaim"]["readOnly"],
        true
    );
}

#[test]
fn out_writes_the_job_file_only() {
    let (ws, run) = restore(SPEC, &["--job", "mail", "--out", "out"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.is_empty());
    assert_eq!(listing(&ws.dir.join("out")), ["job-mail-restore.yaml"]);
    let text = std::fs::read_to_string(ws.dir.join("out/job-mail-restore.yaml")).expect("written");
    assert!(
        text.starts_with("apiVersion: batch/v1\nkind: Job\n"),
        "{text}"
    );
}

/// A wrong command line: exit 2, a hint, nothing printed or written.
fn assert_usage_error(args: &[&str], expected: &[&str]) {
    let mut all = args.to_vec();
    all.extend(["--out", "out"]);
    let (ws, run) = restore(SPEC, &all);
    assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
    for text in expected {
        assert!(
            run.stderr.contains(text),
            "{args:?}: no {text:?} in\n{}",
            run.stderr
        );
    }
    assert!(run.stdout.is_empty());
    assert!(
        listing(&ws.dir.join("out")).is_empty(),
        "{args:?} wrote files"
    );
}

#[test]
fn wrong_command_lines_exit_2_with_a_hint() {
    assert_usage_error(
        &["--job", "mial"],
        &["no backup_job \"mial\"", "hint: did you mean --job mail?"],
    );
    assert_usage_error(
        &["--job", "vault"],
        &["no claim to restore into", "hint: pass --target-claim"],
    );
    assert_usage_error(
        &["--job", "mail", "--snapshot", "last"],
        &[
            "--snapshot: \"last\"",
            "hint: pass --snapshot a name like 2026-15",
        ],
    );
    assert_usage_error(
        &["--job", "mail", "--folder", "logs"],
        &[
            "--folder: \"logs\" is not one of the job's mounts",
            "\"data\", \"state\"",
        ],
    );
    assert_usage_error(
        &["--job", "mail", "--target-path", "../x"],
        &["--target-path:"],
    );
    assert_usage_error(
        &["--job", "vault", "--target-claim", "x", "--folder", "data"],
        &["--folder: folder applies to rsync jobs only"],
    );
    assert_usage_error(&[], &["--job <NAME>"]);
}

#[test]
fn an_invalid_spec_exits_1_with_every_error_located() {
    let bad = SPEC.replace("folder       = \"data\"", "folder       = \"dta\"");
    let (ws, run) = restore(
        &bad,
        &["--job", "vault", "--target-claim", "x", "--out", "out"],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let line = render_support::line_of(&bad, "\"dta\"");
    let located = format!("spec.hcl:{line}:3: error: \"dta\" is not one of the job's mounts");
    assert!(run.stderr.contains(&located), "{}", run.stderr);
    assert!(
        run.stderr.contains("attribute: restore.mail-data.folder"),
        "{}",
        run.stderr
    );
    assert!(listing(&ws.dir.join("out")).is_empty());

    let (_, run) = restore(
        "backup_job \"x\" {\n  schedule = 3\n}\n",
        &["--job", "x", "--target-claim", "c"],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("spec.hcl:2:"), "{}", run.stderr);

    let ws = Workspace::new();
    let run = backstop(&["restore", "missing.hcl", "--job", "x"], &ws.dir);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("cannot read the spec"),
        "{}",
        run.stderr
    );
}

const DUMP_SPEC: &str = r#"backup_job "db" {
  name              = "app-db"
  namespace         = "app"
  schedule          = "0 3 * * *"
  strategy          = "mysqldump"
  host              = "mariadb.app.svc"
  user              = "root"
  password_secret   = { name = "mariadb-credentials", key = "root-password" }
  destination_claim = "app-db-backup-host"
}

restore "db" {
  job      = backup_job.db
  snapshot = "backup-20260406-030000.sql.gz"
}
"#;

fn dump_job(spec: &str, args: &[&str]) -> Value {
    let mut all = vec!["--job", "db", "--format", "json"];
    all.extend_from_slice(args);
    let (_, run) = restore(spec, &all);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut objects: Vec<Value> = serde_json::from_str(&run.stdout).expect("a JSON array");
    assert_eq!(objects.len(), 1, "exactly the one Job");
    objects.remove(0)
}

#[test]
fn a_dump_is_replayed_into_the_jobs_server_without_a_target_claim() {
    let job = dump_job(DUMP_SPEC, &[]);
    assert_eq!(job["metadata"]["name"], "app-db-restore");
    assert_eq!(job["metadata"]["namespace"], "app");
    // The server's address is the Job's own env: the backup's settings ConfigMap is not
    // read (`backstop restore` prints the Job alone, nothing applies that ConfigMap here).
    assert_eq!(env(&job, "DB_HOST"), "mariadb.app.svc");
    assert_eq!(env(&job, "DB_USER"), "root");
    assert_eq!(pod(&job)["containers"][0].get("envFrom"), None);
    let password = pod(&job)["containers"][0]["env"]
        .as_array()
        .expect("env")
        .iter()
        .find(|e| e["name"] == "MYSQL_PWD")
        .expect("the password variable");
    assert_eq!(
        password["valueFrom"]["secretKeyRef"],
        serde_json::json!({ "name": "mariadb-credentials", "key": "root-password" })
    );
    // The backup claim, read-only, is the only volume: nothing else is written.
    assert_eq!(
        pod(&job)["volumes"],
        serde_json::json!([{ "name": "backup", "persistentVolumeClaim": { "claimName": "app-db-backup-host", "readOnly": true } }])
    );
    assert!(script(&job).contains("SNAPSHOT='backup-20260406-030000.sql.gz'"));

    // --snapshot overrides the block; without a block the newest complete dump is chosen.
    let chosen = dump_job(DUMP_SPEC, &["--snapshot", "backup-20260407-030000.sql.gz"]);
    assert!(script(&chosen).contains("SNAPSHOT='backup-20260407-030000.sql.gz'"));
    let without_block = DUMP_SPEC.split("restore \"db\"").next().expect("job part");
    let newest = dump_job(without_block, &[]);
    assert!(
        script(&newest).contains("SNAPSHOT=''"),
        "{}",
        script(&newest)
    );

    // The same Job `backstop render` prints for the spec's restore block.
    let ws = Workspace::new();
    ws.write("spec.hcl", DUMP_SPEC);
    let run = backstop(&["render", "spec.hcl", "--format", "json"], &ws.dir);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let all: Vec<Value> = serde_json::from_str(&run.stdout).expect("a JSON array");
    assert_eq!(all.iter().find(|o| o["kind"] == "Job"), Some(&job));
}

#[test]
fn file_options_on_a_dump_restore_are_refused() {
    for (args, expected) in [
        (
            &["--target-claim", "x"][..],
            "--target-claim: target_claim does not apply to mysqldump jobs",
        ),
        (
            &["--overwrite"][..],
            "--overwrite: overwrite does not apply to mysqldump jobs",
        ),
        (
            &["--snapshot", "2026-15"][..],
            "--snapshot: \"2026-15\" is not a mysqldump snapshot name",
        ),
    ] {
        let mut all = vec!["--job", "db", "--out", "out"];
        all.extend_from_slice(args);
        let (ws, run) = restore(DUMP_SPEC, &all);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(expected), "{args:?}: {}", run.stderr);
        assert!(
            listing(&ws.dir.join("out")).is_empty(),
            "{args:?} wrote files"
        );
    }
    // In the spec, target_claim on a dump's restore block is the spec's error, located.
    let bad = DUMP_SPEC.replace(
        "  snapshot = ",
        "  target_claim = \"app-db-data\"\n  snapshot = ",
    );
    let (_, run) = restore(&bad, &["--job", "db"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let line = render_support::line_of(&bad, "target_claim = \"app-db-data\"");
    assert!(
        run.stderr.contains(&format!("spec.hcl:{line}:")),
        "{}",
        run.stderr
    );
}

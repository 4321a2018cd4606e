//! Configuration and inline suppressions: unknown rule codes and missing reasons are
//! usage errors (exit 2) that name the file and line; valid ones silence findings.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A fresh repository folder under the system temp dir, removed on drop.
struct TempRepo(PathBuf);

impl TempRepo {
    fn new(name: &str) -> TempRepo {
        let dir = std::env::temp_dir().join(format!("backstop-lint-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join(".git")).expect("create temp repo");
        TempRepo(dir)
    }

    fn write(&self, rel: &str, text: &str) -> &Self {
        let path = self.0.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
        self
    }

    fn lint(&self, extra: &[&str]) -> std::process::Output {
        Command::new(env!("CARGO_BIN_EXE_backstop"))
            .arg("lint")
            .args(extra)
            .arg(&self.0)
            .output()
            .expect("run backstop")
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempRepo {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const UNBACKED: &str = r#"
resource "kubernetes_persistent_volume_claim_v1" "data" {
  metadata {
    name      = "app-data"
    namespace = "app"
  }
  spec {
    storage_class_name = "proxmox-lvm"
  }
}
"#;

#[test]
fn an_unbacked_claim_fails_and_a_suppression_with_reason_silences_it() {
    let repo = TempRepo::new("suppress");
    repo.write("stacks/app/main.tf", UNBACKED);
    assert_eq!(repo.lint(&[]).status.code(), Some(1));
    repo.write(
        "stacks/app/main.tf",
        &format!(
            "# backstop:ignore BS001 a cache, rebuilt on start\n{}",
            UNBACKED.trim_start()
        ),
    );
    let output = repo.lint(&[]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
}

#[test]
fn an_unknown_code_in_a_suppression_is_a_usage_error() {
    let repo = TempRepo::new("unknown-inline");
    repo.write(
        "stacks/app/main.tf",
        &format!("{UNBACKED}\n# backstop:ignore BS999 typo\n"),
    );
    let output = repo.lint(&[]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("stacks/app/main.tf:12") && stderr.contains("BS999"),
        "{stderr}"
    );
}

#[test]
fn a_suppression_without_reason_is_a_usage_error() {
    let repo = TempRepo::new("no-reason");
    repo.write(
        "stacks/app/main.tf",
        &format!("# backstop:ignore BS001\n{UNBACKED}"),
    );
    assert_eq!(repo.lint(&[]).status.code(), Some(2));
}

#[test]
fn unknown_codes_and_keys_in_backstop_toml_are_usage_errors() {
    let repo = TempRepo::new("bad-config");
    repo.write("stacks/app/main.tf", UNBACKED);
    repo.write("backstop.toml", "ignore = [\"BS404\"]\n");
    let output = repo.lint(&[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("BS404"));
    repo.write("backstop.toml", "protected_classes = [\"x\"]\n");
    assert_eq!(repo.lint(&[]).status.code(), Some(2));
    repo.write(
        "backstop.toml",
        "[[exempt]]\nnamespace = \"app\"\nreason = \"\"\n",
    );
    assert_eq!(
        repo.lint(&[]).status.code(),
        Some(2),
        "an exemption needs a reason"
    );
}

#[test]
fn config_chooses_classes_rules_and_exemptions() {
    let repo = TempRepo::new("config");
    repo.write("stacks/app/main.tf", UNBACKED);
    repo.write(
        "backstop.toml",
        "protected_storage_classes = [\"ceph-rbd\"]\n",
    );
    assert_eq!(
        repo.lint(&[]).status.code(),
        Some(0),
        "proxmox-lvm is no longer protected"
    );
    repo.write("backstop.toml", "ignore = [\"BS001\"]\n");
    assert_eq!(repo.lint(&[]).status.code(), Some(0));
    repo.write("backstop.toml", "select = [\"BS001\"]\n");
    assert_eq!(repo.lint(&[]).status.code(), Some(1));
    repo.write(
        "backstop.toml",
        "[[exempt]]\npvc = \"app/app-data\"\nreason = \"test data\"\n",
    );
    assert_eq!(repo.lint(&[]).status.code(), Some(0));
    repo.write(
        "backstop.toml",
        "[[exempt]]\npvc = \"other/app-data\"\nreason = \"another namespace\"\n",
    );
    assert_eq!(
        repo.lint(&[]).status.code(),
        Some(1),
        "an exemption for another namespace does not apply"
    );
    let explicit = repo.path().join("elsewhere.toml");
    std::fs::write(&explicit, "ignore = [\"BS001\"]\n").expect("write");
    assert_eq!(
        repo.lint(&["--config", explicit.to_str().expect("utf-8")])
            .status
            .code(),
        Some(0)
    );
}

const UNDRILLED: &str = r#"
resource "backstop_backup_job" "app" {
  name              = "app"
  namespace         = "app"
  schedule          = "0 3 * * *"
  source_claim      = "app-data"
  mounts            = { data = { path = "/data" } }
  destination_claim = "app-backup-host"
}

resource "backstop_backup_alert" "app" {
  cronjob_name = backstop_backup_job.app.cronjob_name
  namespace    = "app"
  schedule     = "0 3 * * *"
}
"#;

fn severities(output: &std::process::Output) -> Vec<(String, String)> {
    let findings: Vec<serde_json::Value> =
        serde_json::from_slice(&output.stdout).expect("a JSON array");
    findings
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap_or("?").to_string(),
                f["severity"].as_str().unwrap_or("?").to_string(),
            )
        })
        .collect()
}

#[test]
fn a_missing_drill_is_info_until_backstop_toml_makes_it_an_error() {
    let repo = TempRepo::new("drill-severity");
    repo.write("stacks/app/main.tf", UNDRILLED);
    let json = ["--format", "json"];
    let output = repo.lint(&json);
    assert_eq!(severities(&output), [("BS012".into(), "info".into())]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "info does not fail by default"
    );

    repo.write("backstop.toml", "severity = { BS012 = \"error\" }\n");
    let output = repo.lint(&json);
    assert_eq!(severities(&output), [("BS012".into(), "error".into())]);
    assert_eq!(output.status.code(), Some(1), "an error fails the run");
    let sarif: serde_json::Value =
        serde_json::from_slice(&repo.lint(&["--format", "sarif"]).stdout).expect("SARIF");
    assert_eq!(sarif["runs"][0]["results"][0]["level"], "error");

    repo.write(
        "backstop.toml",
        "select = [\"BS012\"]\n\n[severity]\nBS012 = \"error\"\n",
    );
    assert_eq!(repo.lint(&[]).status.code(), Some(1));

    repo.write("backstop.toml", "severity = { BS001 = \"info\" }\n");
    repo.write("stacks/app/claim.tf", UNBACKED);
    assert_eq!(
        repo.lint(&[]).status.code(),
        Some(0),
        "lowered to info, an unbacked claim no longer fails"
    );
    std::fs::remove_file(repo.path().join("stacks/app/claim.tf")).expect("remove claim");

    repo.write("backstop.toml", "severity = { BS012 = \"error\" }\n");
    repo.write(
        "stacks/app/drill.tf",
        "resource \"backstop_restore_test\" \"app\" {\n  job = backstop_backup_job.app\n}\n",
    );
    let output = repo.lint(&json);
    assert_eq!(severities(&output), []);
    assert_eq!(output.status.code(), Some(0), "a drill satisfies the rule");

    for (config, named) in [
        ("severity = { BS012 = \"fatal\" }\n", "\"fatal\""),
        ("severity = { BS999 = \"error\" }\n", "BS999"),
    ] {
        repo.write("backstop.toml", config);
        let output = repo.lint(&[]);
        assert_eq!(output.status.code(), Some(2), "{config}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("backstop.toml") && stderr.contains(named),
            "{stderr}"
        );
    }
}

#[test]
fn a_command_job_is_not_asked_for_a_drill_no_drill_can_run() {
    let repo = TempRepo::new("drill-command");
    let command = UNDRILLED.replace(
        "  source_claim ",
        "  strategy          = \"command\"\n  command           = \"cp -a /data/. \\\"$SNAPSHOT\\\"/\"\n  source_claim ",
    );
    assert!(command.contains("\"command\""), "{command}");
    repo.write("stacks/app/main.tf", &command);
    let output = repo.lint(&["--format", "json"]);
    assert_eq!(severities(&output), []);
    assert_eq!(output.status.code(), Some(0));
}

//! The linter reads a backup job's settings where they now live, the ConfigMap its
//! container reads with `envFrom`: Backstop's rendered YAML committed to a repository and
//! applied with `kubernetes_manifest` lints clean (its CronJob covers the claim, its PVC is
//! bound to an NFS PersistentVolume), a `command` job's command is checked as part of its
//! script whether it comes from a `backstop_backup_job` or from the ConfigMap of a GitOps
//! file, and a database's user read through `envFrom` reaches `generate backup`.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

struct Repo(PathBuf);

static NEXT: AtomicUsize = AtomicUsize::new(0);

impl Repo {
    fn new() -> Repo {
        let n = NEXT.fetch_add(1, Ordering::SeqCst);
        let dir =
            std::env::temp_dir().join(format!("backstop-lint-settings-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create the repository");
        std::fs::write(dir.join("backstop.toml"), "").expect("write backstop.toml");
        Repo(dir)
    }

    fn write(&self, rel: &str, text: &str) -> PathBuf {
        let path = self.0.join(rel);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("create the folder");
        std::fs::write(&path, text).expect("write");
        path
    }

    fn backstop(&self, args: &[&str]) -> std::process::Output {
        Command::new(env!("CARGO_BIN_EXE_backstop"))
            .args(args)
            .current_dir(&self.0)
            .output()
            .expect("run backstop")
    }

    /// `file:line CODE` of every finding of `backstop lint --format json`.
    fn findings(&self) -> Vec<String> {
        let output = self.backstop(&["lint", "--format", "json", "."]);
        let stdout = String::from_utf8_lossy(&output.stdout);
        let findings: Value = serde_json::from_str(&stdout)
            .unwrap_or_else(|e| panic!("{e}: {stdout}{}", String::from_utf8_lossy(&output.stderr)));
        let found: Vec<String> = findings
            .as_array()
            .into_iter()
            .flatten()
            .map(|f| {
                format!(
                    "{}:{} {}",
                    f["file"].as_str().unwrap_or(""),
                    f["line"],
                    f["code"].as_str().unwrap_or("")
                )
            })
            .collect();
        let expected_code = if found.iter().any(|f| f.contains(" BS0")) {
            1
        } else {
            0
        };
        assert_eq!(output.status.code(), Some(expected_code), "{found:?}");
        found
    }

    /// `backstop render SPEC --out DIR` of `spec` (text) into `dir`; the files written.
    fn render(&self, spec: &str, dir: &str) -> Vec<String> {
        let path = self.write("spec.hcl", spec);
        let output = self.backstop(&["render", &path.to_string_lossy(), "--out", dir]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        std::fs::remove_file(path).expect("remove the spec");
        let mut files: Vec<String> = std::fs::read_dir(self.0.join(dir))
            .expect("the output")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        files.sort();
        files
    }
}

impl Drop for Repo {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn example(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/render")
        .join(name);
    std::fs::read_to_string(path).expect("the example")
}

/// The app's own claim on protected block storage, which the backup must cover.
const MAILSERVER_CLAIM: &str = r#"resource "kubernetes_persistent_volume_claim_v1" "data" {
  metadata {
    name      = "mailserver-data-encrypted"
    namespace = "mailserver"
  }
  spec {
    access_modes       = ["ReadWriteOnce"]
    storage_class_name = "proxmox-lvm-encrypted"
    resources {
      requests = {
        storage = "1Gi"
      }
    }
  }
}
"#;

/// One `kubernetes_manifest` per rendered file, as a GitOps folder is applied.
fn manifests(files: &[String], folder: &str) -> String {
    files
        .iter()
        .map(|file| {
            let label = file.trim_end_matches(".yaml").replace('-', "_");
            format!(
                "\nresource \"kubernetes_manifest\" \"{label}\" {{\n  manifest = yamldecode(file(\"${{path.module}}/{folder}/{file}\"))\n}}\n"
            )
        })
        .collect()
}

#[test]
fn backstops_rendered_yaml_applied_from_a_folder_lints_clean() {
    let repo = Repo::new();
    let files = repo.render(&example("mailserver.hcl"), "stacks/mailserver/k8s");
    assert_eq!(
        files,
        [
            "configmap-mailserver-backup-settings.yaml",
            "cronjob-mailserver-backup.yaml",
            "persistentvolume-mailserver-backup-host.yaml",
            "persistentvolumeclaim-mailserver-backup-host.yaml",
            "prometheusrule-mailserver-backup-alerts.yaml",
        ]
    );
    let main = format!("{MAILSERVER_CLAIM}{}", manifests(&files, "k8s"));
    repo.write("stacks/mailserver/main.tf", &main);
    assert_eq!(repo.findings(), Vec::<String>::new());

    // The finding the CronJob file answers: without it the claim has no backup.
    let without: Vec<String> = files
        .iter()
        .filter(|f| !f.starts_with("cronjob-"))
        .cloned()
        .collect();
    let main = format!("{MAILSERVER_CLAIM}{}", manifests(&without, "k8s"));
    repo.write("stacks/mailserver/main.tf", &main);
    assert_eq!(repo.findings(), ["stacks/mailserver/main.tf:1 BS001"]);
}

/// Every bundled example's objects, restore drills and restore Job included: a drill's
/// CronJob reads the backup claim and is a drill, not one more backup to alert on.
#[test]
fn every_examples_rendered_yaml_applied_from_a_folder_lints_clean() {
    for name in [
        "mailserver.hcl",
        "vaultwarden.hcl",
        "dbaas.hcl",
        "restore.hcl",
    ] {
        let repo = Repo::new();
        let files = repo.render(&example(name), "stacks/apps/k8s");
        assert!(
            files.iter().any(|f| f.starts_with("configmap-")),
            "{files:?}"
        );
        repo.write("stacks/apps/main.tf", &manifests(&files, "k8s"));
        assert_eq!(repo.findings(), Vec::<String>::new(), "{name}");
    }
}

/// A `command` job whose command uses a relative date, which busybox rejects (BS007).
const COMMAND_JOB: &str = r#"backup_job "app" {
  name              = "app"
  namespace         = "apps"
  schedule          = "17 4 * * *"
  strategy          = "command"
  command           = "tar -C /data -cf \"$SNAPSHOT/data-$(date -d '-1 day' +%F).tar\" ."
  source_claim      = "app-data"
  mounts            = { data = { path = "/data" } }
  destination_claim = "app-backup-host"
  image             = "alpine:3.22"
}

backup_alert "app" {
  cronjob_name = backup_job.app.cronjob_name
  namespace    = backup_job.app.namespace
  schedule     = backup_job.app.schedule
}
"#;

#[test]
fn a_command_read_through_envfrom_is_checked_as_part_of_the_script() {
    // The provider's resource: the command is read from the rendered settings ConfigMap.
    let repo = Repo::new();
    let resource = COMMAND_JOB
        .replace(
            "backup_job \"app\"",
            "resource \"backstop_backup_job\" \"app\"",
        )
        .replace(
            "backup_alert \"app\"",
            "resource \"backstop_backup_alert\" \"app\"",
        )
        .replace("= backup_job.", "= backstop_backup_job.");
    repo.write("stacks/app/main.tf", &resource);
    assert_eq!(repo.findings(), ["stacks/app/main.tf:1 BS007"]);

    // The same job committed as YAML: the command is in the ConfigMap the CronJob reads.
    let repo = Repo::new();
    let files = repo.render(COMMAND_JOB, "stacks/app/k8s");
    assert_eq!(
        files,
        [
            "configmap-app-backup-settings.yaml",
            "cronjob-app-backup.yaml",
            "prometheusrule-app-backup-alerts.yaml"
        ]
    );
    repo.write("stacks/app/main.tf", &manifests(&files, "k8s"));
    assert_eq!(repo.findings(), ["stacks/app/main.tf:6 BS007"]);

    // The script alone does not hold the command: without its ConfigMap no BS007 is
    // found, and BS013 says the CronJob's settings are not applied.
    repo.write("stacks/app/main.tf", &manifests(&files[1..], "k8s"));
    assert_eq!(repo.findings(), ["stacks/app/main.tf:2 BS013"]);
}

#[test]
fn a_databases_user_read_through_envfrom_reaches_generate_backup() {
    let repo = Repo::new();
    repo.write(
        "stacks/db/main.tf",
        r#"resource "kubernetes_persistent_volume_claim_v1" "data" {
  metadata {
    name      = "postgres-data"
    namespace = "db"
  }
  spec {
    access_modes       = ["ReadWriteOnce"]
    storage_class_name = "proxmox-lvm"
    resources {
      requests = {
        storage = "5Gi"
      }
    }
  }
}

resource "kubernetes_config_map_v1" "postgres" {
  metadata {
    name      = "postgres-settings"
    namespace = "db"
  }
  data = {
    POSTGRES_USER = "app_owner"
    POSTGRES_DB   = "app"
  }
}

resource "kubernetes_service_v1" "postgres" {
  metadata {
    name      = "postgres"
    namespace = "db"
  }
  spec {
    selector = {
      app = "postgres"
    }
  }
}

resource "kubernetes_stateful_set_v1" "postgres" {
  metadata {
    name      = "postgres"
    namespace = "db"
  }
  spec {
    service_name = "postgres"
    selector {
      match_labels = {
        app = "postgres"
      }
    }
    template {
      metadata {
        labels = {
          app = "postgres"
        }
      }
      spec {
        container {
          name  = "postgres"
          image = "postgres:16.4"
          env_from {
            config_map_ref {
              name = kubernetes_config_map_v1.postgres.metadata[0].name
            }
          }
          env {
            name = "POSTGRES_PASSWORD"
            value_from {
              secret_key_ref {
                name = "postgres"
                key  = "password"
              }
            }
          }
          volume_mount {
            name       = "data"
            mount_path = "/var/lib/postgresql/data"
          }
        }
        volume {
          name = "data"
          persistent_volume_claim {
            claim_name = kubernetes_persistent_volume_claim_v1.data.metadata[0].name
          }
        }
      }
    }
  }
}
"#,
    );
    let output = repo.backstop(&["generate", "backup", "--nfs-server", "nas.lan", "stacks/db"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let generated = std::fs::read_to_string(repo.0.join("stacks/db/backup.tf")).expect("backup.tf");
    // Without envFrom the user would be the image's default superuser, `postgres`.
    let set = |key: &str, value: &str| {
        generated.lines().any(|line| {
            line.split_once('=')
                .is_some_and(|(k, v)| k.trim() == key && v.trim() == format!("{value:?}"))
        })
    };
    assert!(
        set("strategy", "pg_dumpall") && set("user", "app_owner"),
        "{generated}"
    );
}

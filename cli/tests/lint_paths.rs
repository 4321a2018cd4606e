//! Several paths on one command line are read within one repository: a path outside the
//! repository found from the first one is refused by name, never silently dropped.

use std::path::PathBuf;
use std::process::Command;

/// A folder (no `.git`, no `backstop.toml` above it) whose stacks each hold one unbacked
/// claim of a protected class (one BS001 error per stack).
fn folder(name: &str, stacks: &[&str]) -> PathBuf {
    let root = std::env::temp_dir().join(format!("backstop-paths-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    for stack in stacks {
        let dir = root.join(stack);
        std::fs::create_dir_all(&dir).expect("stack folder");
        let claim = format!(
            "resource \"kubernetes_persistent_volume_claim_v1\" \"data\" {{\n  metadata {{\n    name      = \"{stack}-data\"\n    namespace = \"{stack}\"\n  }}\n  spec {{\n    storage_class_name = \"proxmox-lvm\"\n    access_modes       = [\"ReadWriteOnce\"]\n    resources {{\n      requests = {{\n        storage = \"1Gi\"\n      }}\n    }}\n  }}\n}}\n"
        );
        std::fs::write(dir.join("main.tf"), claim).expect("stack file");
    }
    root
}

fn lint(paths: &[PathBuf]) -> (Option<i32>, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_backstop"))
        .arg("lint")
        .args(paths)
        .output()
        .expect("run backstop");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn a_path_outside_the_first_paths_repository_is_refused_by_name() {
    let first = folder("first", &["mail"]);
    let second = folder("second", &["wiki"]);
    let (code, stdout, stderr) = lint(&[first.join("mail"), second.join("wiki")]);
    assert_eq!(code, Some(2), "{stdout}");
    assert!(
        stderr.contains(&format!("{} is outside ", second.join("wiki").display())),
        "{stderr}"
    );
    assert_eq!(stdout, "", "nothing is linted");
}

#[test]
fn paths_under_one_repository_are_all_linted() {
    let root = folder("shared", &["mail", "wiki"]);
    std::fs::create_dir_all(root.join(".git")).expect(".git");
    let (code, stdout, stderr) = lint(&[root.join("mail"), root.join("wiki")]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stdout.contains("2 stacks checked: 2 errors"),
        "{stdout}{stderr}"
    );
}

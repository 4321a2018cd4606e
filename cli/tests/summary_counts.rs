//! Every count of a summary line agrees with its noun: "1 stack checked: 1 error", "2
//! stacks checked: 2 errors", never "1 stacks" or "1 errors".

use std::path::{Path, PathBuf};
use std::process::Command;

/// A repository whose `stacks` folders each hold one unbacked claim of a protected class
/// (one BS001 error per stack).
fn repository(name: &str, stacks: &[&str]) -> PathBuf {
    let root = std::env::temp_dir().join(format!("backstop-counts-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).expect("temp folder");
    std::fs::write(root.join("backstop.toml"), "select = [\"BS001\"]\n").expect("config");
    for stack in stacks {
        let dir = root.join("stacks").join(stack);
        std::fs::create_dir_all(&dir).expect("stack folder");
        let claim = format!(
            "resource \"kubernetes_persistent_volume_claim_v1\" \"data\" {{\n  metadata {{\n    name      = \"{stack}-data\"\n    namespace = \"{stack}\"\n  }}\n  spec {{\n    storage_class_name = \"proxmox-lvm\"\n    access_modes       = [\"ReadWriteOnce\"]\n    resources {{\n      requests = {{\n        storage = \"1Gi\"\n      }}\n    }}\n  }}\n}}\n"
        );
        std::fs::write(dir.join("main.tf"), claim).expect("stack file");
    }
    root
}

fn stdout(args: &[&str], dir: &Path) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_backstop"))
        .args(args)
        .arg(dir)
        .output()
        .expect("run backstop");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn lint_and_list_stacks_count_in_agreement() {
    let one = repository("one", &["mail"]);
    let two = repository("two", &["mail", "wiki"]);
    let lint_one = stdout(&["lint"], &one);
    let lint_two = stdout(&["lint"], &two);
    let list_one = stdout(&["lint", "--list-stacks"], &one);
    let list_two = stdout(&["lint", "--list-stacks"], &two);
    let _ = std::fs::remove_dir_all(&one);
    let _ = std::fs::remove_dir_all(&two);

    assert!(
        lint_one
            .ends_with("\n1 stack checked: 1 error, 0 warnings, 0 info; 0 suppressed or exempt\n"),
        "{lint_one}"
    );
    assert!(
        lint_two.ends_with(
            "\n2 stacks checked: 2 errors, 0 warnings, 0 info; 0 suppressed or exempt\n"
        ),
        "{lint_two}"
    );
    assert!(list_one.ends_with("\n1 stack\n"), "{list_one}");
    assert!(list_two.ends_with("\n2 stacks\n"), "{list_two}");
}

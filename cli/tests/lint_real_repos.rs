//! The four real repositories in `../shared/real-repos` (public repositories nobody on
//! this project wrote; see the README there), linted as a new user would: copied to a
//! fresh folder, `git init`ed, `backstop lint --config <its config>`. The stacks found and
//! the unbacked claims must equal the facts its README records, read by hand. A fresh
//! clone of the project has no `../shared`: then each test says so and passes.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// `BACKSTOP_REAL_REPOS`, else `shared/real-repos` beside the checkout (`../shared`),
/// else `/work/shared/real-repos`.
fn real_repos() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("BACKSTOP_REAL_REPOS") {
        let dir = PathBuf::from(dir);
        return dir.join("README.md").is_file().then_some(dir);
    }
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .ancestors()
        .skip(1)
        .take(3)
        .map(|dir| dir.join("shared/real-repos"))
        .chain([PathBuf::from("/work/shared/real-repos")])
        .find(|dir| dir.join("README.md").is_file())
}

/// Copies `from` into `to`, keeping symbolic links as links.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create copy folder");
    for entry in std::fs::read_dir(from).expect("read repository") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        let kind = entry.file_type().expect("file type");
        if kind.is_symlink() {
            let link = std::fs::read_link(entry.path()).expect("read link");
            std::os::unix::fs::symlink(link, &target).expect("copy link");
        } else if kind.is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

struct Linted {
    stacks: Vec<String>,
    unbacked: Vec<(String, String)>,
    parse_errors: Vec<String>,
}

fn lint_copy(name: &str) -> Option<Linted> {
    let Some(repos) = real_repos() else {
        eprintln!("skipped: no shared/real-repos beside this checkout (a fresh clone has none)");
        return None;
    };
    let copy = std::env::temp_dir().join(format!("backstop-real-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&copy);
    copy_tree(&repos.join(name), &copy);
    let init = Command::new("git")
        .args(["init", "-q"])
        .current_dir(&copy)
        .status();
    if !init.is_ok_and(|s| s.success()) {
        std::fs::create_dir_all(copy.join(".git")).expect("mark the repository root");
    }
    let config = repos.join(format!("configs/{name}.toml"));
    let run = |extra: &[&str]| -> Value {
        let output = Command::new(env!("CARGO_BIN_EXE_backstop"))
            .arg("lint")
            .arg("--config")
            .arg(&config)
            .args(["--format", "json"])
            .args(extra)
            .arg(&copy)
            .output()
            .expect("run backstop");
        serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
            panic!(
                "{name}: not JSON ({e}); stderr: {}",
                String::from_utf8_lossy(&output.stderr)
            )
        })
    };
    let listed = run(&["--list-stacks"]);
    let findings = run(&[]);
    let _ = std::fs::remove_dir_all(&copy);
    let field = |v: &Value, key: &str| v[key].as_str().unwrap_or("?").to_string();
    let of_code = |code: &'static str| {
        findings
            .as_array()
            .into_iter()
            .flatten()
            .filter(move |f| f["code"] == code)
    };
    Some(Linted {
        stacks: listed
            .as_array()
            .into_iter()
            .flatten()
            .map(|s| field(s, "stack"))
            .collect(),
        unbacked: of_code("BS001")
            .map(|f| (field(f, "stack"), field(f, "message")))
            .collect(),
        parse_errors: of_code("BS100").map(|f| field(f, "file")).collect(),
    })
}

#[test]
fn woffenden_seven_root_stacks_and_seven_unbacked_local_path_claims() {
    let Some(linted) = lint_copy("woffenden-infrastructure") else {
        return;
    };
    // terraform/<provider>/<...>/ roots; terraform/modules/** are modules; the template
    // under scripts/ declares nothing and is not a stack.
    assert_eq!(
        linted.stacks,
        [
            "terraform/aws/root/iam",
            "terraform/aws/root/organisation",
            "terraform/aws/root/route53",
            "terraform/cloudflare",
            "terraform/github",
            "terraform/google/woffenden/mta-sts",
            "terraform/kubernetes/nuc01.int.bny.woffenden.net",
        ]
    );
    assert_eq!(linted.unbacked.len(), 7, "{:?}", linted.unbacked);
    assert!(linted.unbacked.iter().all(|(stack, message)| stack
        == "terraform/kubernetes/nuc01.int.bny.woffenden.net"
        && message.contains("`local-path`")));
    assert_eq!(linted.parse_errors, Vec::<String>::new());
}

#[test]
fn rstuhlmuller_twenty_one_linked_units_and_the_technitium_claim_through_its_source() {
    let Some(linted) = lint_copy("rstuhlmuller-homelab") else {
        return;
    };
    assert_eq!(linted.stacks.len(), 21, "{:?}", linted.stacks);
    assert!(linted
        .stacks
        .iter()
        .all(|s| s.starts_with("IaC/production/homelab/")));
    assert_eq!(
        linted.unbacked,
        [(
            "IaC/production/homelab/technitium".to_string(),
            "PVC `technitium-config-pvc` uses protected storage class `nfs-client` and no backup CronJob covers it".to_string()
        )]
    );
    assert_eq!(linted.parse_errors, Vec::<String>::new());
}

#[test]
fn jdc_projects_nineteen_stacks_and_fourteen_unbacked_claims() {
    let Some(linted) = lint_copy("jdc-projects-homelab") else {
        return;
    };
    assert_eq!(linted.stacks.len(), 19, "{:?}", linted.stacks);
    assert_eq!(linted.unbacked.len(), 14, "{:?}", linted.unbacked);
    // Three of them are CloudNativePG clusters declared through kubernetes_manifest.
    let manifests = linted
        .unbacked
        .iter()
        .filter(|(_, m)| m.contains("manifest"))
        .count();
    assert_eq!(manifests, 3, "{:?}", linted.unbacked);
    assert!(linted
        .unbacked
        .iter()
        .all(|(_, m)| !m.contains("-no-backup")));
    assert_eq!(linted.parse_errors, Vec::<String>::new());
}

#[test]
fn cameronhudson8_ten_units_and_the_undeployed_module_claim_is_not_reported() {
    let Some(linted) = lint_copy("cameronhudson8-infrastructure") else {
        return;
    };
    let mut expected = Vec::new();
    for env in ["prod", "staging"] {
        for unit in [
            "default-network-policies",
            "karpenter-node-pools",
            "karpenter-operator",
            "kubernetes",
            "vpc",
        ] {
            expected.push(format!("terragrunt/config/{env}/{unit}"));
        }
    }
    assert_eq!(linted.stacks, expected);
    assert_eq!(linted.unbacked, Vec::<(String, String)>::new());
    assert_eq!(linted.parse_errors, Vec::<String>::new());
}

//! One fixture per defect of issue 10 (`tests/fixtures/lint/defects/NN-*`), each a small
//! repository of its own laid out as real owners lay theirs out. As in the corpus, every
//! finding must be announced by a `# expect: CODE` comment on its line (plus the few a
//! test names itself, for files that cannot hold a comment), and every announced finding
//! must be reported; the tests also check the stacks found and what the outputs say.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/lint/defects")
        .join(name)
}

fn backstop(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_backstop"))
        .args(args)
        .arg(dir)
        .output()
        .expect("run backstop")
}

/// `file:line CODE` of every `# expect:` comment in the fixture's regular files (links
/// are followed by the linter, not by this walk).
fn expected(root: &Path, extra: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("read fixture") {
            let entry = entry.expect("entry");
            let kind = entry.file_type().expect("file type");
            if kind.is_symlink() {
                continue;
            }
            let path = entry.path();
            if kind.is_dir() {
                dirs.push(path);
                continue;
            }
            let rel = path
                .strip_prefix(root)
                .expect("inside fixture")
                .to_string_lossy()
                .into_owned();
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            for (index, line) in text.lines().enumerate() {
                if let Some((_, codes)) = line.split_once("# expect: ") {
                    for code in codes.split_whitespace() {
                        out.push(format!("{rel}:{} {code}", index + 1));
                    }
                }
            }
        }
    }
    out.sort();
    out
}

fn findings(output: &Output) -> Vec<Value> {
    serde_json::from_slice::<Value>(&output.stdout)
        .unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            )
        })
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn keys(findings: &[Value]) -> Vec<String> {
    let mut out: Vec<String> = findings
        .iter()
        .map(|f| {
            format!(
                "{}:{} {}",
                f["file"].as_str().unwrap_or("?"),
                f["line"],
                f["code"].as_str().unwrap_or("?")
            )
        })
        .collect();
    out.sort();
    out
}

/// Lints the whole fixture (every severity): the findings must be exactly the expected
/// ones, and the exit status 1 when there are any, else 0. Returns the findings.
fn check(name: &str, extra: &[&str]) -> Vec<Value> {
    let dir = fixture(name);
    let output = backstop(&["lint", "--severity", "info", "--format", "json"], &dir);
    let found = findings(&output);
    let expected = expected(&dir, extra);
    assert_eq!(keys(&found), expected, "{name}");
    let status = if expected.is_empty() { 0 } else { 1 };
    assert_eq!(output.status.code(), Some(status), "{name}");
    found
}

fn stacks(dir: &Path) -> Vec<Value> {
    findings(&backstop(
        &["lint", "--list-stacks", "--format", "json"],
        dir,
    ))
}

fn stack_names(dir: &Path) -> Vec<String> {
    stacks(dir)
        .iter()
        .map(|s| s["stack"].as_str().unwrap_or("?").to_string())
        .collect()
}

fn messages(found: &[Value]) -> Vec<String> {
    found
        .iter()
        .map(|f| f["message"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn d01_a_folder_with_tf_no_longer_swallows_the_stacks_below_it() {
    check("01-nested-roots", &[]);
    let dir = fixture("01-nested-roots");
    // versions.tf at the root declares nothing: not a stack. `live` is a root module and
    // `live/app` a unit below it; the example under modules/db calls it with "../..".
    assert_eq!(
        stack_names(&dir),
        [
            "live",
            "live/app",
            "modules/db/examples/basic",
            "stacks/app"
        ]
    );
    let one = backstop(&["lint", "--format", "json"], &dir.join("stacks/app"));
    assert_eq!(keys(&findings(&one)), ["stacks/app/main.tf:1 BS001"]);
    assert_eq!(one.status.code(), Some(1));
    // A unit's findings live in its source module, outside the folder named.
    let unit = backstop(&["lint", "--format", "json"], &dir.join("live/app"));
    assert_eq!(keys(&findings(&unit)), ["modules/db/main.tf:7 BS001"]);
    assert_eq!(unit.status.code(), Some(1));
}

#[test]
fn d01_a_folder_named_on_the_command_line_is_linted_even_when_discovery_skips_it() {
    // modules/db is a module (it is called and lies under modules/); named, it is linted
    // with its own defaults.
    let dir = fixture("01-nested-roots").join("modules/db");
    let output = backstop(&["lint", "--format", "json"], &dir);
    let found = findings(&output);
    assert!(keys(&found).contains(&"modules/db/main.tf:7 BS001".to_string()));
    assert!(
        found.iter().any(|f| f["stack"] == "modules/db"),
        "{found:?}"
    );
}

#[test]
fn backstop_toml_globs_add_and_exclude_stacks() {
    let dir = fixture("01-nested-roots");
    let config = std::env::temp_dir().join(format!("backstop-globs-{}.toml", std::process::id()));
    std::fs::write(
        &config,
        "stacks = [\"modules/db\"]\nexclude = [\"live/**\", \"modules/db/examples/**\"]\n",
    )
    .expect("config");
    let config_arg = config.to_string_lossy().into_owned();
    let listed = findings(&backstop(
        &[
            "lint",
            "--config",
            &config_arg,
            "--list-stacks",
            "--format",
            "json",
        ],
        &dir,
    ));
    let _ = std::fs::remove_file(&config);
    let names: Vec<&str> = listed.iter().filter_map(|s| s["stack"].as_str()).collect();
    assert_eq!(names, ["modules/db", "stacks/app"]);
}

#[test]
fn d02_terragrunt_sources_are_followed_and_a_remote_one_is_named() {
    let found = check("02-terragrunt-sources", &[]);
    let dir = fixture("02-terragrunt-sources");
    assert_eq!(
        stack_names(&dir),
        [
            "live/prod/dirname",
            "live/prod/double-slash",
            "live/prod/generated",
            "live/prod/parent",
            "live/prod/plain",
            "live/prod/remote"
        ]
    );
    let remote = found.iter().find(|f| f["code"] == "BS102").expect("BS102");
    assert!(remote["message"]
        .as_str()
        .unwrap_or("")
        .contains("git::https://git.example.com/infra.git//modules/app?ref=v1.0.0"));
    let human = backstop(&["lint", "--list-stacks"], &dir);
    let human = String::from_utf8_lossy(&human.stdout);
    assert!(human.contains("live/prod/remote (terragrunt)\n"), "{human}");
    assert!(
        human.contains("  not read: live/prod/remote/terragrunt.hcl:5: terraform source git::https://git.example.com/infra.git//modules/app?ref=v1.0.0 is remote"),
        "{human}"
    );
    assert!(human.ends_with("6 stacks\n"), "{human}");
    let listed = stacks(&dir);
    let generated = listed
        .iter()
        .find(|s| s["stack"] == "live/prod/generated")
        .expect("generated unit");
    assert_eq!(generated["kind"], "terragrunt");
    assert!(generated["files"]
        .as_array()
        .expect("files")
        .iter()
        .any(|f| f
            .as_str()
            .unwrap_or("")
            .starts_with("live/prod/generated/main.tf (generate \"main\"")));
    assert!(generated["folders"]
        .as_array()
        .expect("folders")
        .contains(&Value::from("modules/app")));
}

#[test]
fn d03_symlinked_units_and_files_are_read_and_link_cycles_end() {
    // The linked file holds no comment of its own: its finding is named here.
    check("03-symlinks", &["stacks/linked/pvc.tf:1 BS001"]);
    let dir = fixture("03-symlinks");
    assert!(
        std::fs::symlink_metadata(dir.join("live/app/terragrunt.hcl"))
            .expect("link")
            .file_type()
            .is_symlink()
    );
    assert_eq!(stack_names(&dir), ["live/app", "stacks/linked"]);
}

#[test]
fn d04_modules_in_folders_not_named_modules_are_not_stacks() {
    check("04-module-folders", &[]);
    assert_eq!(stack_names(&fixture("04-module-folders")), ["stacks/app"]);
}

#[test]
fn d05_manifest_claims_keep_their_name_and_namespace() {
    let found = check("05-manifest-claims", &[]);
    let messages = messages(&found);
    for name in ["`orphan-data`", "`file-data`"] {
        assert!(messages.iter().any(|m| m.contains(name)), "{messages:?}");
    }
}

#[test]
fn d06_only_claims_count_as_claims() {
    check("06-not-claims", &[]);
}

#[test]
fn d07_helm_values_forms_are_read_or_said_unreadable() {
    let found = check("07-helm-values-forms", &[]);
    let unread = found.iter().find(|f| f["code"] == "BS101").expect("BS101");
    assert!(unread["message"]
        .as_str()
        .unwrap_or("")
        .contains("var.env has no static value"));
}

#[test]
fn d08_duplicate_object_keys_parse_and_the_last_wins() {
    check("08-duplicate-keys", &[]);
}

#[test]
fn d09_tfvars_and_terragrunt_inputs_from_includes_are_read() {
    check("09-loaded-values", &[]);
}

#[test]
fn d10_a_static_count_condition_disables_a_claim() {
    check("10-count-conditional", &[]);
}

#[test]
fn d11_alerts_match_cronjobs_as_promql_does() {
    check("11-alert-matchers", &[]);
}

#[test]
fn d12_a_class_named_nfs_is_said_to_be_guessed_and_config_decides() {
    let found = check("12-nfs-class-name", &[]);
    assert!(messages(&found)
        .iter()
        .any(|m| m.contains("only because its storage class `truenas-nfs` has `nfs` in its name")));
    check("12-nfs-class-name-configured", &[]);
}

#[test]
fn d13_include_only_terragrunt_files_are_not_units() {
    check("13-include-only", &[]);
    assert_eq!(stack_names(&fixture("13-include-only")), ["live/prod/app"]);
}

#[test]
fn d14_findings_in_a_shared_module_name_their_stack_in_every_format() {
    check("14-shared-module", &[]);
    let dir = fixture("14-shared-module");
    let human = String::from_utf8_lossy(&backstop(&["lint"], &dir).stdout).into_owned();
    let github = String::from_utf8_lossy(&backstop(&["lint", "--format", "github"], &dir).stdout)
        .into_owned();
    for text in [&human, &github] {
        for stack in ["stacks/blue", "stacks/green"] {
            assert!(text.contains(&format!("(stack {stack})")), "{text}");
        }
    }
    let sarif: Value =
        serde_json::from_slice(&backstop(&["lint", "--format", "sarif"], &dir).stdout)
            .expect("SARIF");
    let prints: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            r["partialFingerprints"]["backstopFinding/v1"]
                .as_str()
                .expect("fingerprint")
        })
        .collect();
    assert_eq!(prints.len(), 2);
    assert_ne!(prints[0], prints[1]);
}

#[test]
fn d15_what_cannot_be_read_is_said_not_skipped() {
    check("15-silent-skips", &["stacks/app/extra.tf.json:1 BS101"]);
    check("15-silent-skips-default-class", &[]);
    let human = backstop(&["lint"], &fixture("15-silent-skips"));
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        text.contains(
            "1 of 1 claim has no storage class the linter could resolve and was not checked"
        ),
        "{text}"
    );
}

#[test]
fn d15_a_run_that_finds_no_stack_says_nothing_was_checked() {
    let empty = std::env::temp_dir().join(format!("backstop-empty-{}", std::process::id()));
    std::fs::create_dir_all(&empty).expect("temp folder");
    std::fs::write(empty.join("backstop.toml"), "").expect("config");
    let output = backstop(&["lint"], &empty);
    let _ = std::fs::remove_dir_all(&empty);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("0 stacks checked"), "{text}");
    assert!(
        text.contains("no stack was found, so nothing was checked"),
        "{text}"
    );
}

#[test]
fn d16_for_each_over_a_for_expression_keeps_each_claim() {
    let found = check("16-for-each-for", &[]);
    let messages = messages(&found);
    for name in ["`wiki-data`", "`chat-data`"] {
        assert!(messages.iter().any(|m| m.contains(name)), "{messages:?}");
    }
    assert!(messages
        .iter()
        .any(|m| m.contains("its for_each is not static")));
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create copy");
    for entry in std::fs::read_dir(from).expect("read fixture") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// The project's Terraform (`TERRAFORM`, `.venv/bin/terraform`, PATH), if present.
fn terraform() -> Option<PathBuf> {
    [
        std::env::var_os("TERRAFORM").map(PathBuf::from),
        Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin/terraform")),
        Some(PathBuf::from("terraform")),
    ]
    .into_iter()
    .flatten()
    .find(|t| {
        Command::new(t)
            .arg("version")
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

fn assert_terraform_fmt_clean(file: &Path) {
    let Some(terraform) = terraform() else {
        eprintln!(
            "terraform absent: `terraform fmt -check` of {} skipped",
            file.display()
        );
        return;
    };
    let fmt = Command::new(terraform)
        .args(["fmt", "-check", "-diff", "-no-color"])
        .arg(file)
        .env("TF_CLI_CONFIG_FILE", "/dev/null")
        .output()
        .expect("run terraform fmt");
    assert!(
        fmt.status.success(),
        "{} is not terraform fmt clean:\n{}",
        file.display(),
        String::from_utf8_lossy(&fmt.stdout)
    );
}

#[test]
fn d17_a_database_gets_a_dump_formatted_as_terraform_fmt_writes_it() {
    check("17-generate-backup", &[]);
    let copy = std::env::temp_dir().join(format!("backstop-d17-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&copy);
    copy_tree(&fixture("17-generate-backup"), &copy);
    let fixed = backstop(
        &["lint", "--fix", "--nfs-server", "10.0.0.9"],
        &copy.join("stacks/db"),
    );
    let backup = copy.join("stacks/db/backup.tf");
    let text = std::fs::read_to_string(&backup).expect("backup.tf written");
    assert_eq!(
        fixed.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&fixed.stdout),
        String::from_utf8_lossy(&fixed.stderr)
    );
    // A dump through the database's Service with its Secret, not rsync of live files.
    for line in [
        "strategy  = \"pg_dumpall\"",
        "host      = \"postgres.db.svc\"",
        "user      = \"admin\"",
        "name = \"postgres-credentials\"",
        "nfs_server = \"10.0.0.9\"",
        // The drill's throwaway server: the major version of the image postgres:16.4.
        "  job            = backstop_backup_job.postgres_data\n  server_version = \"16\"\n",
        "restore_test_schedule = backstop_restore_test.postgres_data.schedule",
    ] {
        assert!(text.contains(line), "{line} missing from:\n{text}");
    }
    assert!(!text.contains("rsync"), "{text}");
    assert_terraform_fmt_clean(&backup);

    // The kubernetes style renders the rendering core's typed resources: formatted too.
    std::fs::remove_file(&backup).expect("remove backup.tf");
    let generated = Command::new(env!("CARGO_BIN_EXE_backstop"))
        .args([
            "generate",
            "backup",
            "--style",
            "kubernetes",
            "--nfs-server",
            "10.0.0.9",
        ])
        .arg(copy.join("stacks/db"))
        .output()
        .expect("run generate");
    assert!(
        generated.status.success(),
        "{}",
        String::from_utf8_lossy(&generated.stderr)
    );
    assert_terraform_fmt_clean(&backup);
    let _ = std::fs::remove_dir_all(&copy);
}

#[test]
fn d17_a_database_image_without_a_version_gets_no_drill_and_is_told_so() {
    let copy = std::env::temp_dir().join(format!("backstop-d17-latest-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&copy);
    copy_tree(&fixture("17-generate-backup"), &copy);
    let main = copy.join("stacks/db/main.tf");
    let text = std::fs::read_to_string(&main).expect("main.tf");
    std::fs::write(&main, text.replace("postgres:16.4", "postgres:latest")).expect("write");
    let generated = Command::new(env!("CARGO_BIN_EXE_backstop"))
        .args(["generate", "backup", "--nfs-server", "10.0.0.9"])
        .arg(copy.join("stacks/db"))
        .output()
        .expect("run generate");
    assert!(
        generated.status.success(),
        "{}",
        String::from_utf8_lossy(&generated.stderr)
    );
    let said = String::from_utf8_lossy(&generated.stdout);
    assert!(
        said.contains(
            "no restore drill for `postgres-data`: its image tag gives no server version"
        ),
        "{said}"
    );
    let backup = copy.join("stacks/db/backup.tf");
    let written = std::fs::read_to_string(&backup).expect("backup.tf written");
    assert!(!written.contains("backstop_restore_test"), "{written}");
    assert!(!written.contains("restore_test_schedule"), "{written}");
    assert_terraform_fmt_clean(&backup);
    // What is left is the info finding, which does not fail the run.
    let lint = backstop(&["lint", "--format", "json"], &copy.join("stacks/db"));
    let codes: Vec<String> = findings(&lint)
        .iter()
        .map(|f| f["code"].as_str().unwrap_or("?").to_string())
        .collect();
    assert_eq!(codes, ["BS012"]);
    assert_eq!(lint.status.code(), Some(0));
    let _ = std::fs::remove_dir_all(&copy);
}

//! `backstop generate docs [--check]`: the registry-layout provider docs under `docs/`,
//! generated from the core's attribute tables (which the provider serves) and the examples
//! under `examples/`, so the docs cannot drift from the provider. `--check` exits 1 when `docs/` is stale (CI).

mod pages;
mod schema_markdown;

use super::output::GeneratedTree;
use crate::exit::Exit;
use serde_json::Value;
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct Args {
    /// Compare docs/ with what would be generated and exit 1 if it is stale; write nothing.
    #[arg(long)]
    check: bool,
    /// The repository root holding docs/ and examples/.
    #[arg(long, default_value = ".")]
    dir: PathBuf,
    /// Read the schema from this file (the output of `terraform providers schema -json`, or
    /// its per-provider object) instead of the core's tables built into this binary.
    #[arg(long)]
    schema: Option<PathBuf>,
}

/// The folders under docs/ this generator owns (docs/ also holds hand-written folders).
const OWNED: [&str; 3] = ["resources", "data-sources", "functions"];

pub fn run(args: Args) -> Exit {
    let schema = match load_schema(args.schema.as_deref()) {
        Ok(schema) => schema,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::Failure;
        }
    };
    match tree(&schema, &args.dir) {
        Ok(tree) => tree.finish(args.check, "backstop generate docs"),
        Err(errors) => {
            for e in errors {
                eprintln!("error: {e}");
            }
            Exit::Failure
        }
    }
}

/// The docs/ tree for `schema`, examples read from `<root>/examples`.
fn tree(schema: &Value, root: &Path) -> Result<GeneratedTree, Vec<String>> {
    let pages = pages::render_all(schema, &root.join("examples"), env!("CARGO_PKG_VERSION"))?;
    let docs = root.join("docs");
    let mut tree = GeneratedTree::new(&docs);
    for dir in OWNED {
        tree.own_dir(dir);
    }
    for page in pages {
        tree.add(page.path, page.content);
    }
    Ok(tree)
}

fn load_schema(file: Option<&Path>) -> Result<Value, String> {
    let Some(file) = file else {
        return Ok(backstop_codegen::schema::schema_json());
    };
    let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let json: Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: not JSON: {e}", file.display()))?;
    per_provider(json).map_err(|e| format!("{}: {e}", file.display()))
}

/// Accepts both the whole `terraform providers schema -json` document and the object of
/// one provider inside it.
fn per_provider(json: Value) -> Result<Value, String> {
    let Some(schemas) = json.get("provider_schemas").and_then(Value::as_object) else {
        return Ok(json);
    };
    let suffix = format!("/{}", pages::PROVIDER);
    schemas
        .iter()
        .find(|(address, _)| address.ends_with(&suffix))
        .map(|(_, schema)| schema.clone())
        .ok_or_else(|| format!("provider_schemas has no provider whose address ends in {suffix}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::fs;

    fn fixture_schema() -> Value {
        json!({
            "provider": {"version": 0, "block": {
                "description": "Renders compliant Kubernetes app backups.",
                "attributes": {"nfs_server": {"type": "string", "optional": true, "description": "Default NFS server."}}
            }},
            "resource_schemas": {"backstop_backup_job": {"version": 0, "block": {
                "description": "A backup CronJob.",
                "attributes": {
                    "name": {"type": "string", "required": true, "description": "The app's name."},
                    "cronjob": {"type": "string", "computed": true, "description": "The CronJob as JSON."}
                }
            }}},
            "data_source_schemas": {"backstop_policy": {"version": 0, "block": {
                "description": "The backup policy.",
                "attributes": {"storage_classes": {"type": ["list", "string"], "computed": true,
                    "description": "Snapshot-only storage classes."}}
            }}},
            "functions": {"stale_after": {
                "summary": "Stale threshold of a schedule.",
                "description": "Returns the alert threshold for a cron schedule.",
                "parameters": [{"name": "schedule", "type": "string", "description": "A cron schedule."}],
                "return_type": "string"
            }}
        })
    }

    fn scratch_repo(name: &str) -> PathBuf {
        let root =
            std::env::temp_dir().join(format!("backstop-docs-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        for (file, text) in [
            (
                "examples/provider/provider.tf",
                "provider \"backstop\" {}\n",
            ),
            (
                "examples/resources/backstop_backup_job/resource.tf",
                "resource \"backstop_backup_job\" \"a\" {}\n",
            ),
            (
                "examples/resources/backstop_backup_job/import.sh",
                "terraform import backstop_backup_job.a ns/a\n",
            ),
            (
                "examples/data-sources/backstop_policy/data-source.tf",
                "data \"backstop_policy\" \"p\" {}\n",
            ),
            (
                "examples/functions/stale_after/function.tf",
                "output \"t\" { value = 1 }\n",
            ),
        ] {
            let path = root.join(file);
            fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            fs::write(path, text).expect("write");
        }
        root
    }

    #[test]
    fn generates_one_page_per_resource_data_source_and_function_then_check_passes() {
        let root = scratch_repo("generate");
        let tree = tree(&fixture_schema(), &root).expect("pages");
        assert_eq!(
            tree.stale().expect("stale").len(),
            4,
            "all four pages are missing at first"
        );
        tree.write().expect("write");
        assert!(tree.stale().expect("stale").is_empty());

        let job = fs::read_to_string(root.join("docs/resources/backup_job.md")).expect("job page");
        assert!(job.starts_with(
            "---\npage_title: \"backstop_backup_job Resource - backstop\"\nsubcategory: \"\"\n\
             description: |-\n  A backup CronJob.\n---\n"
        ));
        assert!(job.contains(
            "## Example Usage\n\n```terraform\nresource \"backstop_backup_job\" \"a\" {}\n```\n"
        ));
        assert!(job.contains("### Required\n\n- `name` (String) The app's name.\n"));
        assert!(job.contains("### Read-Only\n\n- `cronjob` (String) The CronJob as JSON.\n"));
        assert!(job.ends_with(
            "## Import\n\nImport is supported using the following syntax:\n\n\
             ```shell\nterraform import backstop_backup_job.a ns/a\n```\n"
        ));

        let index = fs::read_to_string(root.join("docs/index.md")).expect("index");
        assert!(
            !index.contains("subcategory"),
            "the registry refuses a subcategory on the index"
        );
        assert!(index.contains(&format!("version `{}`", env!("CARGO_PKG_VERSION"))));
        let policy =
            fs::read_to_string(root.join("docs/data-sources/policy.md")).expect("data source page");
        assert!(
            policy.contains("- `storage_classes` (List of String) Snapshot-only storage classes.")
        );
        let function =
            fs::read_to_string(root.join("docs/functions/stale_after.md")).expect("function page");
        assert!(function.contains("```text\nstale_after(schedule string) string\n```"));
        assert!(function.contains("1. `schedule` (String) A cron schedule."));
        let _ = fs::remove_dir_all(&root);
    }

    #[test]
    fn a_changed_example_makes_the_docs_stale() {
        let root = scratch_repo("stale");
        tree(&fixture_schema(), &root)
            .expect("pages")
            .write()
            .expect("write");
        fs::write(
            root.join("examples/provider/provider.tf"),
            "provider \"backstop\" { nfs_server = \"x\" }\n",
        )
        .expect("write");
        let stale = tree(&fixture_schema(), &root)
            .expect("pages")
            .stale()
            .expect("stale");
        assert_eq!(stale.len(), 1);
        assert!(
            stale[0].ends_with("docs/index.md: out of date"),
            "{stale:?}"
        );
        let _ = fs::remove_dir_all(&root);
    }

    #[test]
    fn a_missing_example_is_an_error_naming_the_file() {
        let root = scratch_repo("missing");
        fs::remove_file(root.join("examples/resources/backstop_backup_job/resource.tf"))
            .expect("rm");
        let errors = tree(&fixture_schema(), &root).err().expect("an error");
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0].contains("examples/resources/backstop_backup_job/resource.tf"),
            "{errors:?}"
        );
        let _ = fs::remove_dir_all(&root);
    }

    #[test]
    fn reads_the_whole_terraform_providers_schema_document() {
        let whole = json!({"format_version": "1.0", "provider_schemas": {
            "registry.terraform.io/backstop/backstop": fixture_schema()
        }});
        assert_eq!(per_provider(whole).expect("found"), fixture_schema());
    }
}

//! The core's attribute tables against what users see: the blocks the spec loader accepts,
//! the attribute lists of the generated docs (`docs/`, which CI proves fresh with
//! `generate docs --check`) and the types and descriptions of the modules' variables. A
//! table edit that one of them does not follow fails here. (The provider's served schema
//! is checked against the tables in provider/tests/schema_table.rs.)

use backstop_codegen::schema::{self, AttrType, Attribute, ObjectSchema, Presence, SchemaKind};
use hcl_edit::structure::Body;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The names `backstop render` lists as what a block takes, from the hint of an unknown
/// attribute no name is close to.
fn accepted_by_the_loader(table: &ObjectSchema) -> Vec<String> {
    let dir = std::env::temp_dir().join(format!(
        "backstop-schema-agreement-{}-{}",
        table.block_type,
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let spec = dir.join("spec.hcl");
    let header = match table.block_type {
        "backstop" => "backstop".to_string(),
        block_type => format!("{block_type} \"x\""),
    };
    std::fs::write(&spec, format!("{header} {{\n  qqqqqqqqqqqqqqqq = 1\n}}\n")).expect("spec");
    let output = Command::new(env!("CARGO_BIN_EXE_backstop"))
        .arg("render")
        .arg(&spec)
        .output()
        .expect("backstop runs");
    let _ = std::fs::remove_dir_all(&dir);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let marker = format!("{} takes ", table.block_type);
    let list = stderr
        .lines()
        .find_map(|line| line.split_once(&marker).map(|(_, list)| list.to_string()))
        .unwrap_or_else(|| panic!("no `{marker}` hint in:\n{stderr}"));
    list.split(", ").map(str::to_string).collect()
}

/// Every table whole, provider-only rows included.
fn all_tables() -> Vec<ObjectSchema> {
    let mut tables = vec![schema::defaults()];
    tables.extend(schema::provider_objects());
    tables
}

#[test]
fn the_spec_loader_accepts_exactly_the_table_inputs_of_every_block() {
    let tables = all_tables();
    assert_eq!(
        tables.iter().map(|t| t.block_type).collect::<Vec<_>>(),
        schema::spec_blocks()
            .iter()
            .map(|t| t.block_type)
            .collect::<Vec<_>>(),
        "the spec has a block for every object the provider serves"
    );
    for table in &tables {
        // A provider-only input is one a spec derives from its other blocks.
        let expected: Vec<String> = table
            .inputs
            .iter()
            .filter(|a| !a.provider_only)
            .map(|a| a.name.to_string())
            .collect();
        assert_eq!(
            accepted_by_the_loader(table),
            expected,
            "{}",
            table.block_type
        );
    }
}

#[test]
fn the_alert_drill_schedule_is_provider_only() {
    let alert = schema::backup_alert();
    let provider_only: Vec<&str> = all_tables()
        .iter()
        .flat_map(|t| t.inputs.iter())
        .filter(|a| a.provider_only)
        .map(|a| a.name)
        .collect();
    assert_eq!(provider_only, ["restore_test_schedule"]);
    assert!(alert.input("restore_test_schedule").is_some());
    assert!(!accepted_by_the_loader(&alert).contains(&"restore_test_schedule".to_string()));
}

/// `(group, name, description)` of the top-level list of a docs page, and the names listed
/// in each nested schema section.
struct Page {
    top: BTreeSet<(String, String, String)>,
    nested: Vec<(String, BTreeSet<String>)>,
}

fn read_page(path: &Path) -> Page {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let schema = text
        .split_once("## Schema\n")
        .unwrap_or_else(|| panic!("{}: no schema section", path.display()))
        .1;
    let mut top = BTreeSet::new();
    let mut nested: Vec<(String, BTreeSet<String>)> = Vec::new();
    let mut group = String::new();
    for line in schema.lines() {
        if let Some(title) = line.strip_prefix("### Nested Schema for `") {
            nested.push((title.trim_end_matches('`').to_string(), BTreeSet::new()));
        } else if let Some(title) = line.strip_prefix("### ") {
            group = title.to_string();
        } else if let Some(item) = line.strip_prefix("- `") {
            let (name, rest) = item.split_once("` (").expect("- `name` (Type) ...");
            match nested.last_mut() {
                Some((_, names)) => {
                    names.insert(name.to_string());
                }
                None => {
                    let description = rest.split_once(") ").map_or("", |(_, d)| d);
                    let description = description
                        .split(" (see [below for nested schema]")
                        .next()
                        .unwrap_or_default();
                    top.insert((group.clone(), name.to_string(), description.to_string()));
                }
            }
        }
    }
    Page { top, nested }
}

fn group(presence: Presence) -> &'static str {
    match presence {
        Presence::Required => "Required",
        Presence::Optional | Presence::OptionalComputed => "Optional",
        Presence::Computed => "Read-Only",
    }
}

fn expected_page(attributes: &[Attribute]) -> Page {
    let top = attributes
        .iter()
        .map(|a| {
            (
                group(a.presence).to_string(),
                a.name.to_string(),
                a.description.trim().to_string(),
            )
        })
        .collect();
    Page {
        top,
        nested: nested_sections("", attributes),
    }
}

/// The nested schema sections the docs write for `attributes`, depth first, each named by
/// its dotted path (`job`, `job.mounts`).
fn nested_sections(prefix: &str, attributes: &[Attribute]) -> Vec<(String, BTreeSet<String>)> {
    let job = schema::backup_job();
    let mut sections = Vec::new();
    for a in attributes {
        let inner = match &a.ty {
            AttrType::Object(n) | AttrType::MapOfObjects(n) => &n.attributes,
            AttrType::Job => &job.inputs,
            _ => continue,
        };
        let path = format!("{prefix}{}", a.name);
        sections.push((
            path.clone(),
            inner.iter().map(|n| n.name.to_string()).collect(),
        ));
        sections.extend(nested_sections(&format!("{path}."), inner));
    }
    sections
}

fn assert_page_follows(path: &Path, attributes: &[Attribute]) {
    let page = read_page(path);
    let expected = expected_page(attributes);
    assert_eq!(page.top, expected.top, "{}", path.display());
    assert_eq!(page.nested, expected.nested, "{}", path.display());
}

#[test]
fn the_docs_list_the_table_attributes_with_their_presence_and_description() {
    let docs = repo().join("docs");
    assert_page_follows(&docs.join("index.md"), &schema::defaults().inputs);
    for table in schema::provider_objects() {
        let page = table.type_name.trim_start_matches("backstop_");
        for (dir, kind) in [
            ("resources", SchemaKind::Resource),
            ("data-sources", SchemaKind::DataSource),
        ] {
            assert_page_follows(
                &docs.join(dir).join(format!("{page}.md")),
                &table.attributes(kind),
            );
        }
    }
}

/// The Terraform type constraint of a table type, whitespace left out.
fn terraform_type(ty: &AttrType) -> String {
    let object = |attributes: &[Attribute]| {
        let fields: String = attributes
            .iter()
            .map(|a| match a.presence {
                Presence::Required => format!("{}={}", a.name, terraform_type(&a.ty)),
                _ => format!("{}=optional({})", a.name, terraform_type(&a.ty)),
            })
            .collect();
        format!("object({{{fields}}})")
    };
    match ty {
        AttrType::String => "string".into(),
        AttrType::Count { .. } | AttrType::Fraction => "number".into(),
        AttrType::Bool => "bool".into(),
        AttrType::StringList => "list(string)".into(),
        AttrType::StringMap => "map(string)".into(),
        AttrType::Dynamic => "any".into(),
        AttrType::Object(n) => object(&n.attributes),
        AttrType::MapOfObjects(n) => format!("map({})", object(&n.attributes)),
        AttrType::Job => object(&schema::backup_job().inputs),
    }
}

/// The objects each module feeds, in the order a variable's name is looked up: a variable
/// named like an input of one of them describes that input.
fn tables_of_module(module: &str) -> Vec<ObjectSchema> {
    match module {
        "app-backup" => vec![
            schema::backup_job(),
            schema::nfs_backup_volume(),
            schema::backup_alert(),
        ],
        "kubernetes-nfs-backup-volume" => vec![schema::nfs_backup_volume()],
        "kubernetes-pg-dumpall-backup" | "kubernetes-mysqldump-backup" => {
            vec![schema::backup_job()]
        }
        other => panic!("modules/{other}: say here which objects' tables its variables follow"),
    }
}

/// `(module, variable)` pairs named like a table input whose description is their own,
/// because the variable means more than (or other than) that input.
const OWN_DESCRIPTIONS: [(&str, &str); 11] = [
    // Each also feeds the other objects of the module: `name` names the volume
    // `<name>-backup-host` too, `namespace` holds the claim and the alert rules as well,
    // `schedule` sets the stale-alert threshold, `labels` go on every object.
    ("app-backup", "name"),
    ("app-backup", "namespace"),
    ("app-backup", "schedule"),
    ("app-backup", "labels"),
    // The default path is built from the volume's name (`volume_name`, else
    // `<name>-backup-host`), not from the module's `name` the table's `<name>` would read as.
    ("app-backup", "nfs_path"),
    // No provider stands behind these modules: `nfs_server` is required, the default
    // `nfs_path`, `image` and `pushgateway_url` are fixed values, not the provider settings
    // the table's text falls back to.
    ("kubernetes-nfs-backup-volume", "nfs_server"),
    ("kubernetes-nfs-backup-volume", "nfs_path"),
    ("kubernetes-pg-dumpall-backup", "image"),
    ("kubernetes-mysqldump-backup", "image"),
    ("kubernetes-pg-dumpall-backup", "pushgateway_url"),
    ("kubernetes-mysqldump-backup", "pushgateway_url"),
];

/// The text of a variable's `description`, or "" when it has none.
fn description_of(block: &hcl_edit::structure::Block) -> String {
    block
        .body
        .get_attribute("description")
        .and_then(|d| d.value.as_str().map(str::to_string))
        .unwrap_or_default()
}

#[test]
fn every_module_variable_named_like_a_table_input_has_its_type_and_description() {
    let tables = [
        schema::defaults(),
        schema::nfs_backup_volume(),
        schema::backup_job(),
        schema::backup_alert(),
        schema::restore_test(),
        schema::restore(),
    ];
    let modules = repo().join("modules");
    let mut typed = 0;
    let mut described = 0;
    let mut own = BTreeSet::new();
    for entry in std::fs::read_dir(&modules).expect("modules/") {
        let dir = entry.expect("entry").path();
        let module = dir.file_name().unwrap().to_string_lossy().to_string();
        let path = dir.join("variables.tf");
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let module_tables = tables_of_module(&module);
        let body: Body = text.parse().expect("variables.tf is HCL");
        for block in body.blocks().filter(|b| b.ident.as_str() == "variable") {
            let name = block.labels[0].as_str();
            if let Some(ty) = block.body.get_attribute("type") {
                let written: String = ty
                    .value
                    .to_string()
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect();
                for input in tables.iter().filter_map(|t| t.input(name)) {
                    assert_eq!(
                        written,
                        terraform_type(&input.ty),
                        "{}: variable {name}",
                        path.display()
                    );
                    typed += 1;
                }
            }
            let Some(input) = module_tables.iter().find_map(|t| t.input(name)) else {
                continue;
            };
            if OWN_DESCRIPTIONS.contains(&(module.as_str(), name)) {
                own.insert((module.clone(), name.to_string()));
                continue;
            }
            assert_eq!(
                description_of(block),
                input.description.trim(),
                "{}: variable {name} describes the table input it feeds, in the table's words \
                 (or add it to OWN_DESCRIPTIONS saying why its meaning differs)",
                path.display()
            );
            described += 1;
        }
    }
    assert!(
        typed >= 30,
        "only {typed} module variables are table inputs"
    );
    assert!(
        described >= 30,
        "only {described} module variables take the table's description"
    );
    // An allow-list entry whose variable is gone or renamed is stale.
    for (module, name) in OWN_DESCRIPTIONS {
        assert!(
            own.contains(&(module.to_string(), name.to_string())),
            "OWN_DESCRIPTIONS names modules/{module} variable {name}, which is not a table input there"
        );
    }
}

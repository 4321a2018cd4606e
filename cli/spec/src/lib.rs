//! The `backstop render` spec: an HCL file with one optional `backstop {}` block of
//! defaults and any number of `nfs_backup_volume "ID" {}`, `backup_job "ID" {}` and
//! `backup_alert "ID" {}` blocks, whose attributes are the provider's, plus
//! `restore_test "ID" { job = backup_job.X }` (the job's drill) and
//! `restore "ID" { job = backup_job.X }` (a restore of the job's snapshot) blocks.
//!
//! - `name` of a volume or job defaults to the block label; an alert's `cronjob_name`
//!   defaults to `<label>-backup`.
//! - Values are literals, string templates, or references to other objects:
//!   `nfs_backup_volume.ID.claim_name` / `.volume_name`, `backup_job.ID.cronjob_name`, and
//!   any attribute written in the referenced block (`backup_job.ID.schedule`, `.namespace`).
//! - Every error carries the file, line and column where the value is written.

mod eval;
pub mod lines;
mod locate;
mod schema;
mod source;

pub use schema::Kind;
pub use source::{SourceFile, SpecError};

use backstop_codegen::schema::{read, AttrType};
use backstop_codegen::{
    AttrPath, BackupAlert, BackupJob, Defaults, Diagnostic, Diagnostics, NfsBackupVolume, Restore,
    RestoreTest,
};
use eval::Evaluator;
use hcl_edit::structure::{Block, Body, Structure};
use hcl_edit::Span;
use serde_json::Map;
pub use source::did_you_mean;

pub enum Object {
    Volume(NfsBackupVolume),
    Job(Box<BackupJob>),
    Alert(BackupAlert),
    /// The drill of the backup_job with block id `job`.
    RestoreTest {
        job: String,
        test: RestoreTest,
    },
    /// A restore of the backup_job with block id `job`.
    Restore {
        job: String,
        restore: Restore,
    },
}

pub struct SpecObject {
    pub kind: Kind,
    pub id: String,
    pub object: Object,
    /// Index of the block in the file's body, to locate diagnostics.
    structure: usize,
}

pub struct Spec {
    pub source: SourceFile,
    body: Body,
    pub defaults: Defaults,
    defaults_structure: Option<usize>,
    /// The objects read without error, in file order.
    pub objects: Vec<SpecObject>,
}

/// A spec read as far as it could be: `errors` lists what could not be read, and the
/// objects with such errors are left out of `spec`, so that the others can still be
/// validated and every error reported in one run.
pub struct Loaded {
    pub spec: Spec,
    pub errors: Vec<SpecError>,
    /// Whether the `backstop {}` block was read without error: objects are only worth
    /// validating against complete defaults.
    pub defaults_complete: bool,
}

/// Where a diagnostic belongs: the defaults block or one object.
pub enum Owner<'a> {
    Defaults,
    Object(&'a SpecObject),
}

impl Spec {
    /// Turns a diagnostic on an object's attribute path into a located error.
    pub fn locate(&self, owner: Owner, diagnostic: &Diagnostic) -> SpecError {
        let (structure, prefix) = match owner {
            Owner::Defaults => (self.defaults_structure, "backstop".to_string()),
            Owner::Object(object) => (
                Some(object.structure),
                format!("{}.{}", object.kind.block_type(), object.id),
            ),
        };
        let block = structure
            .and_then(|i| self.body.get(i))
            .and_then(Structure::as_block);
        let offset = block.map_or(0, |b| locate::offset(b, &diagnostic.path));
        let address = if diagnostic.path.0.is_empty() {
            prefix
        } else {
            format!("{prefix}.{}", diagnostic.path)
        };
        self.source
            .error(offset, diagnostic.summary.clone())
            .at(address)
            .hint(diagnostic.detail.clone())
    }
}

/// A block of the spec, once its type and label are known.
struct Declared {
    kind: Kind,
    label: String,
    structure: usize,
}

/// Reads the spec. Only a file that is not HCL at all is an `Err`; every other error is
/// collected in `Loaded::errors`.
pub fn load(source: SourceFile) -> Result<Loaded, Vec<SpecError>> {
    let body = hcl_edit::parser::parse_body(&source.text).map_err(|e| {
        let location = e.location();
        vec![SpecError {
            file: source.path.clone(),
            line: location.line(),
            column: location.column(),
            summary: format!("this is not valid HCL: {}", e.message()),
            address: None,
            hint: Some(format!("near: {}", e.line().trim())),
        }]
    })?;
    let mut errors = Vec::new();
    let declared = declare_blocks(&source, &body, &mut errors);
    let mut evaluator = Evaluator::new(&source);
    for d in declared.iter().filter(|d| d.kind != Kind::Defaults) {
        if let Some(block) = body.get(d.structure).and_then(Structure::as_block) {
            evaluator.register(d.kind, &d.label, block);
        }
    }
    let mut spec_defaults = Defaults::default();
    let mut defaults_structure = None;
    let mut defaults_complete = true;
    let mut objects = Vec::new();
    for d in &declared {
        let Some(block) = body.get(d.structure).and_then(Structure::as_block) else {
            continue;
        };
        let address = match d.kind {
            Kind::Defaults => "backstop".to_string(),
            kind => format!("{}.{}", kind.block_type(), d.label),
        };
        let errors_before = errors.len();
        let mut values = evaluate_block(&source, &evaluator, block, d.kind, &address, &mut errors);
        let (read, diagnostics) = read_block(d, block, &mut values);
        let object = match read {
            Read::Defaults(defaults) => {
                spec_defaults = defaults;
                defaults_structure = Some(d.structure);
                None
            }
            Read::Object(object) => object,
        };
        for diagnostic in &diagnostics {
            let offset = locate::offset(block, &diagnostic.path);
            errors.push(
                source
                    .error(offset, diagnostic.summary.clone())
                    .at(format!("{address}.{}", diagnostic.path))
                    .hint(diagnostic.detail.clone()),
            );
        }
        let complete = errors.len() == errors_before;
        if d.kind == Kind::Defaults {
            defaults_complete = complete;
        }
        if let Some(object) = object.filter(|_| complete) {
            objects.push(SpecObject {
                kind: d.kind,
                id: d.label.clone(),
                object,
                structure: d.structure,
            });
        }
    }
    drop(evaluator);
    let spec = Spec {
        source,
        body,
        defaults: spec_defaults,
        defaults_structure,
        objects,
    };
    Ok(Loaded {
        spec,
        errors,
        defaults_complete,
    })
}

/// What one block declares: the `backstop` block's defaults, or an object (none when its
/// `job` reference is wrong).
enum Read {
    Defaults(Defaults),
    Object(Option<Object>),
}

/// One block's values read into the core's model, with what is wrong with them.
fn read_block(
    d: &Declared,
    block: &Block,
    values: &mut Map<String, serde_json::Value>,
) -> (Read, Diagnostics) {
    let (object, diagnostics) = match d.kind {
        Kind::Defaults => {
            let (defaults, diagnostics) = read::defaults(values);
            return (Read::Defaults(defaults), diagnostics);
        }
        Kind::Volume => {
            default_to(values, "name", d.label.clone());
            let (volume, diagnostics) = read::volume(values);
            (Some(Object::Volume(volume)), diagnostics)
        }
        Kind::Job => {
            default_to(values, "name", d.label.clone());
            let (job, diagnostics) = read::job(values);
            (Some(Object::Job(Box::new(job))), diagnostics)
        }
        Kind::Alert => {
            let cronjob_name = backstop_codegen::policy::cronjob_name(&d.label);
            default_to(values, "cronjob_name", cronjob_name);
            let (alert, diagnostics) = read::alert(values);
            (Some(Object::Alert(alert)), diagnostics)
        }
        Kind::RestoreTest => {
            let mut diagnostics = Diagnostics::new();
            let job = job_id(values, block.body.has_attribute("job"), &mut diagnostics);
            let (test, problems) = read::restore_test(values);
            diagnostics.extend(problems);
            (
                job.map(|job| Object::RestoreTest { job, test }),
                diagnostics,
            )
        }
        Kind::Restore => {
            let mut diagnostics = Diagnostics::new();
            let job = job_id(values, block.body.has_attribute("job"), &mut diagnostics);
            let (restore, problems) = read::restore(values);
            diagnostics.extend(problems);
            (job.map(|job| Object::Restore { job, restore }), diagnostics)
        }
    };
    (Read::Object(object), diagnostics)
}

/// `name` of a volume or job defaults to the block label, an alert's `cronjob_name` to
/// the CronJob of the job with that label.
fn default_to(values: &mut Map<String, serde_json::Value>, name: &str, value: String) {
    if values.get(name).is_none_or(serde_json::Value::is_null) {
        values.insert(name.to_string(), serde_json::Value::String(value));
    }
}

/// The block id of the backup job a drill or restore belongs to (the evaluator resolved
/// `job = backup_job.ID` to `ID`); required. A `job` that is `written` but did not resolve
/// was reported where it is written.
fn job_id(
    values: &Map<String, serde_json::Value>,
    written: bool,
    diagnostics: &mut Diagnostics,
) -> Option<String> {
    let job = values.get("job").and_then(serde_json::Value::as_str);
    if job.is_none() && !written {
        diagnostics.push(Diagnostic::new(
            AttrPath::root("job"),
            "this block has no `job`",
            "name the backup it belongs to, e.g. job = backup_job.mailserver",
        ));
    }
    job.map(str::to_string)
}

/// Checks block types and labels; returns the usable blocks.
fn declare_blocks(source: &SourceFile, body: &Body, errors: &mut Vec<SpecError>) -> Vec<Declared> {
    let mut declared: Vec<Declared> = Vec::new();
    for (index, structure) in body.iter().enumerate() {
        let block = match structure {
            Structure::Attribute(attribute) => {
                errors.push(
                    source
                        .error(offset_of(attribute), format!("`{}` is outside any block", attribute.key.as_str()))
                        .hint("put defaults in a `backstop { }` block and object attributes in their object's block"),
                );
                continue;
            }
            Structure::Block(block) => block,
        };
        let block_type = block.ident.as_str();
        let Some(kind) = Kind::from_block_type(block_type) else {
            let known = Kind::ALL.map(Kind::block_type);
            let hint = match did_you_mean(block_type, known) {
                Some(close) => format!("did you mean `{close}`?"),
                None => format!("a spec holds {} blocks", known.join(", ")),
            };
            errors.push(
                source
                    .error(
                        offset_of(block),
                        format!("unknown block type `{block_type}`"),
                    )
                    .hint(hint),
            );
            continue;
        };
        let label = match (kind, block.labels.as_slice()) {
            (Kind::Defaults, []) => String::new(),
            (Kind::Defaults, _) => {
                errors.push(
                    source
                        .error(offset_of(block), "the `backstop` block takes no label")
                        .hint("write `backstop { ... }`"),
                );
                continue;
            }
            (_, [label]) => label.as_str().to_string(),
            (_, _) => {
                errors.push(
                    source
                        .error(
                            offset_of(block),
                            format!("a `{block_type}` block needs exactly one label, its id"),
                        )
                        .hint(format!("write `{block_type} \"mailserver\" {{ ... }}`")),
                );
                continue;
            }
        };
        if declared.iter().any(|d| d.kind == kind && d.label == label) {
            let what = if kind == Kind::Defaults {
                "a second `backstop` block".to_string()
            } else {
                format!("a second {block_type} \"{label}\"")
            };
            errors.push(
                source
                    .error(offset_of(block), format!("{what} in this file"))
                    .hint("merge the blocks or give each a distinct id"),
            );
            continue;
        }
        declared.push(Declared {
            kind,
            label,
            structure: index,
        });
    }
    declared
}

/// Evaluates every attribute of a block, reporting unknown ones and nested blocks.
fn evaluate_block(
    source: &SourceFile,
    evaluator: &Evaluator,
    block: &Block,
    kind: Kind,
    address: &str,
    errors: &mut Vec<SpecError>,
) -> Map<String, serde_json::Value> {
    let mut values = Map::new();
    for structure in block.body.iter() {
        match structure {
            Structure::Block(nested) => {
                let name = nested.ident.as_str();
                errors.push(
                    source
                        .error(
                            offset_of(nested),
                            format!("nested block `{name}` is not supported"),
                        )
                        .at(format!("{address}.{name}"))
                        .hint(format!("write it as an attribute: `{name} = {{ ... }}`")),
                );
            }
            Structure::Attribute(attribute) => {
                let name = attribute.key.as_str();
                if kind.attribute_type(name).is_none() {
                    let known = kind.attributes().iter().map(|a| a.name);
                    let hint = match did_you_mean(name, known) {
                        Some(close) => format!("did you mean `{close}`?"),
                        None => format!(
                            "{} takes {}",
                            kind.block_type(),
                            kind.attributes()
                                .iter()
                                .map(|a| a.name)
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    };
                    errors.push(
                        source
                            .error(
                                offset_of(attribute),
                                format!("unknown attribute `{name}` in {}", kind.block_type()),
                            )
                            .at(format!("{address}.{name}"))
                            .hint(hint),
                    );
                    continue;
                }
                let value = if kind.attribute_type(name) == Some(&AttrType::Job) {
                    evaluator
                        .job_ref(&attribute.value)
                        .map(serde_json::Value::String)
                } else {
                    evaluator.eval(&attribute.value)
                };
                match value {
                    Ok(value) => {
                        values.insert(name.to_string(), value);
                    }
                    Err(error) => errors.push(error.at(format!("{address}.{name}"))),
                }
            }
        }
    }
    values
}

fn offset_of(item: &impl Span) -> usize {
    item.span().map_or(0, |s| s.start)
}

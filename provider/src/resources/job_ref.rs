//! The `job` attribute of a drill or a restore: the backup job's own inputs, so that
//! `job = backstop_backup_job.<name>` hands over the whole resource (Terraform converts
//! the object to the attribute's type, dropping the job's computed attributes), as a
//! spec's `job = backup_job.<id>` does.

use std::collections::BTreeMap;

use backstop_codegen::schema::read::{self, Values};
use backstop_codegen::schema::{self, ObjectSchema};
use backstop_codegen::{AttrPath, BackupJob, Defaults, Diagnostics, PathStep};

use super::convert::values;
use super::{Adapter, Kind};
use crate::dynamic::Value;

/// How a drill or restore reads its own attributes (the core's reader of its table).
pub type ReadOwn<M> = fn(&Values) -> (M, Diagnostics);

/// A drill's or restore's checks: rendering it, once its job is wholly known. Most checks
/// depend on the job's strategy and mounts, so while the job is unknown (a resource not
/// planned yet) only `check_own`, the checks of the object's own attributes that hold
/// whatever the job, run; the rest wait for the plan.
pub fn validate<M>(
    adapter: &dyn Adapter,
    defaults: &Defaults,
    config: &Value,
    (block, read_own): (&str, ReadOwn<M>),
    check_own: fn(&M) -> Diagnostics,
) -> Diagnostics {
    if is_known(config) {
        return adapter
            .render(defaults, config, Kind::Resource)
            .err()
            .unwrap_or_default();
    }
    // An own attribute not known yet could change what the others mean (min_rows needs a
    // check_query): then everything waits.
    let table = adapter.table();
    let own_known = table
        .inputs
        .iter()
        .filter(|row| row.name != "job")
        .all(|row| config.attr(row.name).is_wholly_known());
    if !own_known {
        return Diagnostics::new();
    }
    let mut problems = Diagnostics::new();
    let (own, more) = read_own(&values(table, config, &mut problems));
    problems.extend(more);
    problems.extend(locate(check_own(&own), block, defaults));
    problems
}

/// A rendered drill or restore with the backup job it renders from, and the problems of
/// values the model could not hold (for the adapter to report beside its own checks).
pub struct Rendered<R> {
    pub job: BackupJob,
    pub problems: Diagnostics,
    pub rendered: R,
}

/// Reads a drill's or restore's configuration (the job under `job`, its own inputs from
/// `table` by `read_own`) and renders it with `render`, the core's errors located on this
/// object's attributes (`block` is where the core roots them).
pub fn render<M, R>(
    config: &Value,
    defaults: &Defaults,
    (table, block): (&ObjectSchema, &str),
    read_own: ReadOwn<M>,
    render: impl FnOnce(&BackupJob, &M) -> Result<R, Diagnostics>,
) -> Result<Rendered<R>, Diagnostics> {
    let (job, mut problems) = model(config)?;
    let (own, more) = read_own(&values(table, config, &mut problems));
    problems.extend(more);
    match render(&job, &own) {
        Ok(rendered) => Ok(Rendered {
            job,
            problems,
            rendered,
        }),
        Err(core) => Err([problems, locate(core, block, defaults)].concat()),
    }
}

/// The backup job of a configuration, and the errors of values the model cannot hold;
/// `Err` when the reader could not read it (a strategy that does not exist), located
/// under `job` either way.
pub fn model(config: &Value) -> Result<(BackupJob, Diagnostics), Diagnostics> {
    let mut diagnostics = Diagnostics::new();
    let values = values(&schema::backup_job(), config.attr("job"), &mut diagnostics);
    let (job, problems) = read::job(&values);
    if problems.is_empty() {
        Ok((job, under_job(diagnostics)))
    } else {
        Err(under_job([diagnostics, problems].concat()))
    }
}

/// Whether the job is wholly known: until it is, the drill's or restore's own checks
/// (which depend on the job's strategy and mounts) wait for the plan.
pub fn is_known(config: &Value) -> bool {
    config.attr("job").is_wholly_known()
}

/// The core's errors located on this object's attributes. The core roots the errors of a
/// drill or restore at `block` (`restore_test`, `restore`), whose attributes are top-level
/// here, and the job's at the job's attribute names, which are under `job` here; the
/// provider block's errors stay where they are.
pub fn locate(diagnostics: Diagnostics, block: &str, defaults: &Defaults) -> Diagnostics {
    let provider_errors = backstop_codegen::validate::defaults(defaults);
    diagnostics
        .into_iter()
        .map(|mut d| {
            if provider_errors.contains(&d) {
                return d;
            }
            match d.path.0.first() {
                Some(PathStep::Attr(root)) if root == block => {
                    d.path.0.remove(0);
                }
                _ => d.path = prefixed(&d.path),
            }
            d
        })
        .collect()
}

fn under_job(diagnostics: Diagnostics) -> Diagnostics {
    diagnostics
        .into_iter()
        .map(|mut d| {
            d.path = prefixed(&d.path);
            d
        })
        .collect()
}

fn prefixed(path: &AttrPath) -> AttrPath {
    let mut steps = AttrPath::root("job").0;
    steps.extend(path.0.iter().cloned());
    AttrPath(steps)
}

/// The `job` an import ID determines: its name and namespace, the rest unset until the
/// next plan reads the configuration.
pub fn imported(namespace: String, name: String) -> Value {
    let mut attrs: BTreeMap<String, Value> = schema::backup_job()
        .inputs
        .iter()
        .map(|a| (a.name.to_string(), Value::Null))
        .collect();
    attrs.insert("namespace".to_string(), Value::string(namespace));
    attrs.insert("name".to_string(), Value::string(name));
    Value::Object(attrs)
}

/// The job's name in a name `<job name><suffix>` made by `name_of`, checked by making it again.
pub fn name_in(object_name: &str, name_of: impl Fn(&str) -> String) -> Option<String> {
    let suffix = name_of("");
    let name = object_name.strip_suffix(&suffix)?;
    (!name.is_empty() && name_of(name) == object_name).then(|| name.to_string())
}

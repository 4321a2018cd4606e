//! Renders every object of a spec, or collects every diagnostic of every object.

use backstop_codegen::policy;
use backstop_codegen::PathStep;
use backstop_codegen::{
    render_alert, render_alert_with_restore_test, render_restore, render_restore_test,
    render_volume, restore_test_warnings, validate, AttrPath, BackupAlert, BackupJob, Defaults,
    Diagnostic, Diagnostics, JobRenderer, RenderedRestoreTest, Restore, RestoreTest, Strategy,
};
use backstop_spec::{Object, Spec};
use serde_json::Value;
use std::collections::HashMap;

/// One Kubernetes object ready for output.
pub struct Rendered {
    /// `PersistentVolume`, `PersistentVolumeClaim`, `ConfigMap`, `CronJob`, `Job` or
    /// `PrometheusRule`.
    pub kind: &'static str,
    pub name: String,
    pub manifest: Value,
}

/// The kind of a backup job's settings (`<app>-backup-settings`), rendered before its CronJob.
const SETTINGS_KIND: &str = "ConfigMap";

/// Which part of the spec a diagnostic belongs to.
pub enum OwnerIndex {
    Defaults,
    Object(usize),
}

/// Renders all objects; on any error returns every diagnostic with its owner.
///
/// The defaults are validated once: when they are wrong, each object is validated on
/// its own so the defaults' errors are not repeated for every object.
pub fn render_all(spec: &Spec) -> Result<Vec<Rendered>, Vec<(OwnerIndex, Diagnostic)>> {
    let defaults = &spec.defaults;
    let defaults_errors = validate::defaults(defaults);
    let mut errors: Vec<(OwnerIndex, Diagnostic)> = defaults_errors
        .iter()
        .cloned()
        .map(|d| (OwnerIndex::Defaults, d))
        .collect();
    let mut rendered = Vec::new();
    // Parses the script templates once for all the jobs of the spec.
    let jobs = JobRenderer::new();
    // Drills first: an alert on a job with a drill renders the drill's alerts too.
    let drills = render_drills(spec);
    // Two objects of one kind, name and namespace would overwrite each other in the cluster.
    let mut seen: HashMap<(&str, Option<String>, String), usize> = HashMap::new();
    for (index, object) in spec.objects.iter().enumerate() {
        let result: Result<Vec<Rendered>, Diagnostics> = if defaults_errors.is_empty() {
            render_one(spec, &jobs, &drills, index)
        } else {
            Err(match &object.object {
                Object::Volume(v) => validate::volume(defaults, v),
                Object::Job(j) => validate::job(defaults, j),
                Object::Alert(a) => validate::alert(defaults, a),
                // Drills and restores are checked against their job once the defaults are valid.
                Object::RestoreTest { .. } | Object::Restore { .. } => Vec::new(),
            })
        };
        match result {
            Ok(objects) => {
                // A job's settings ConfigMap is named after its CronJob, so it collides
                // exactly when the CronJob does: the CronJob's collision is the one said.
                for object in objects.iter().filter(|o| o.kind != SETTINGS_KIND) {
                    let identity = (object.kind, namespace_of(object), object.name.clone());
                    if let Some(first) = seen.insert(identity, index) {
                        errors.push((
                            OwnerIndex::Object(index),
                            duplicate(spec, first, index, object),
                        ));
                    }
                }
                rendered.extend(objects);
            }
            Err(diagnostics) => errors.extend(
                diagnostics
                    .into_iter()
                    .map(|d| (OwnerIndex::Object(index), d)),
            ),
        }
    }
    // Objects with errors of their own would only add consequential noise.
    let invalid: Vec<usize> = errors
        .iter()
        .filter_map(|(owner, _)| match owner {
            OwnerIndex::Object(i) => Some(*i),
            OwnerIndex::Defaults => None,
        })
        .collect();
    errors.extend(super::consistency::check(spec, &invalid));
    if errors.is_empty() {
        Ok(rendered)
    } else {
        Err(errors)
    }
}

/// The backup job a drill or restore names (by block id), when it was read without error.
pub fn job_of<'a>(spec: &'a Spec, id: &str) -> Option<&'a BackupJob> {
    spec.objects.iter().find_map(|o| match &o.object {
        Object::Job(job) if o.id == id => Some(job.as_ref()),
        _ => None,
    })
}

/// A drill or restore of a job that is itself invalid is not checked: the job's own
/// errors say what to fix, and repeating them on every block naming it is noise.
fn valid_job<'a>(spec: &'a Spec, id: &str) -> Option<&'a BackupJob> {
    job_of(spec, id).filter(|job| validate::job(&spec.defaults, job).is_empty())
}

/// The core's warnings on the spec's objects (a drill that must share its backup's slot),
/// the ones the provider shows on `terraform plan`.
pub fn warnings(spec: &Spec) -> Vec<(OwnerIndex, Diagnostic)> {
    let mut warnings = Vec::new();
    for (index, object) in spec.objects.iter().enumerate() {
        if let Object::RestoreTest { job, test } = &object.object {
            if let Some(job) = valid_job(spec, job) {
                let found = in_block(restore_test_warnings(job, test));
                warnings.extend(found.into_iter().map(|d| (OwnerIndex::Object(index), d)));
            }
        }
    }
    warnings
}

/// The core's errors on a drill or restore are rooted at `restore_test` / `restore`; in a
/// spec they are located in the block itself.
pub fn in_block(diagnostics: Diagnostics) -> Diagnostics {
    diagnostics
        .into_iter()
        .map(|mut d| {
            if matches!(d.path.0.first(), Some(PathStep::Attr(root)) if root == "restore_test" || root == "restore")
            {
                d.path.0.remove(0);
            }
            d
        })
        .collect()
}

/// Each drill of the spec, by object index, rendered once.
type Drills<'a> = HashMap<usize, (&'a BackupJob, Result<RenderedRestoreTest, Diagnostics>)>;

fn render_drills(spec: &Spec) -> Drills<'_> {
    spec.objects
        .iter()
        .enumerate()
        .filter_map(|(index, o)| match &o.object {
            Object::RestoreTest { job, test } => {
                let job = valid_job(spec, job)?;
                Some((index, (job, drill(&spec.defaults, job, test))))
            }
            _ => None,
        })
        .collect()
}

fn drill(
    defaults: &Defaults,
    job: &BackupJob,
    test: &RestoreTest,
) -> Result<RenderedRestoreTest, Diagnostics> {
    render_restore_test(defaults, job, test).map_err(in_block)
}

/// The schedule of the drill of the CronJob `alert` watches, if the spec declares one.
fn drill_schedule_for<'a>(alert: &BackupAlert, drills: &'a Drills) -> Option<&'a str> {
    drills.values().find_map(|(job, rendered)| {
        let watched = policy::app_of_cronjob(&alert.cronjob_name) == Some(job.name.as_str())
            && alert.namespace == job.namespace;
        match rendered {
            Ok(rendered) if watched => Some(rendered.schedule.as_str()),
            _ => None,
        }
    })
}

/// What a restore of files without a target claim is told.
pub const NO_TARGET: &str = "a restore needs the claim to restore into";

/// The restore's Job; a spec's restore of files must name the claim it restores into (a
/// dump is replayed into the job's database server, and takes none).
pub fn restore_job(
    defaults: &Defaults,
    job: &BackupJob,
    restore: &Restore,
) -> Result<Rendered, Diagnostics> {
    let dump = matches!(job.strategy, Strategy::PgDumpall | Strategy::Mysqldump);
    let no_target = (restore.target_claim.is_none() && !dump).then(|| {
        Diagnostic::new(
            AttrPath::root("target_claim"),
            NO_TARGET,
            "set target_claim, e.g. target_claim = backup_job.<id>.source_claim to restore into the app's own claim (a non-empty target is refused unless overwrite = true)",
        )
    });
    let manifest = match render_restore(defaults, job, restore) {
        Ok(rendered) => match (rendered.job, no_target) {
            (Some(manifest), None) => manifest,
            (_, missing) => return Err(missing.into_iter().collect()),
        },
        Err(diagnostics) => {
            return Err(in_block(diagnostics).into_iter().chain(no_target).collect())
        }
    };
    let name = manifest
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    Ok(Rendered {
        kind: "Job",
        name,
        manifest,
    })
}

fn render_one(
    spec: &Spec,
    jobs: &JobRenderer,
    drills: &Drills,
    index: usize,
) -> Result<Vec<Rendered>, Diagnostics> {
    let defaults = &spec.defaults;
    Ok(match &spec.objects[index].object {
        Object::Volume(v) => {
            let r = render_volume(defaults, v)?;
            vec![
                Rendered {
                    kind: "PersistentVolume",
                    name: r.volume_name,
                    manifest: r.persistent_volume,
                },
                Rendered {
                    kind: "PersistentVolumeClaim",
                    name: r.claim_name,
                    manifest: r.persistent_volume_claim,
                },
            ]
        }
        Object::Job(j) => {
            let r = jobs.render_job(defaults, j)?;
            // The ConfigMap first: the CronJob's runs read it and stop at once without it.
            vec![
                Rendered {
                    kind: SETTINGS_KIND,
                    name: policy::settings_name(&r.cronjob_name),
                    manifest: r.settings,
                },
                Rendered {
                    kind: "CronJob",
                    name: r.cronjob_name,
                    manifest: r.cronjob,
                },
            ]
        }
        Object::RestoreTest { .. } => match drills.get(&index) {
            Some((_, rendered)) => {
                let r = rendered.clone()?;
                vec![Rendered {
                    kind: "CronJob",
                    name: r.cronjob_name,
                    manifest: r.cronjob,
                }]
            }
            None => Vec::new(),
        },
        Object::Restore { job, restore } => match valid_job(spec, job) {
            Some(job) => vec![restore_job(defaults, job, restore)?],
            None => Vec::new(),
        },
        Object::Alert(a) => {
            let r = match drill_schedule_for(a, drills) {
                Some(schedule) => render_alert_with_restore_test(defaults, a, schedule)?,
                None => render_alert(defaults, a)?,
            };
            let name = r
                .prometheus_rule
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .map_or_else(|| a.cronjob_name.clone(), str::to_string);
            vec![Rendered {
                kind: "PrometheusRule",
                name,
                manifest: r.prometheus_rule,
            }]
        }
    })
}

fn namespace_of(object: &Rendered) -> Option<String> {
    object
        .manifest
        .pointer("/metadata/namespace")
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// The error for an object that repeats one declared earlier, on the attribute that names it.
fn duplicate(spec: &Spec, first: usize, index: usize, object: &Rendered) -> Diagnostic {
    let block = |i: usize| {
        spec.objects
            .get(i)
            .map(|o| format!("{} \"{}\"", o.kind.block_type(), o.id))
            .unwrap_or_default()
    };
    let attribute = match spec.objects.get(index).map(|o| &o.object) {
        Some(Object::Alert(_)) => "cronjob_name",
        Some(Object::RestoreTest { .. } | Object::Restore { .. }) => "job",
        _ => "name",
    };
    Diagnostic::new(
        AttrPath::root(attribute),
        format!("{} {} is also rendered by {}", object.kind, object.name, block(first)),
        "give each object its own name (or namespace); one would overwrite the other in the cluster",
    )
}

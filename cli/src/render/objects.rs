//! Renders every object of a spec, or collects every diagnostic of every object.

use crate::spec::{Object, Spec};
use backstop_codegen::{
    render_alert, render_volume, validate, AttrPath, Diagnostic, Diagnostics, JobRenderer,
};
use serde_json::Value;
use std::collections::HashMap;

/// One Kubernetes object ready for output.
pub struct Rendered {
    /// `PersistentVolume`, `PersistentVolumeClaim`, `CronJob` or `PrometheusRule`.
    pub kind: &'static str,
    pub name: String,
    pub manifest: Value,
}

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
    // Two objects of one kind, name and namespace would overwrite each other in the cluster.
    let mut seen: HashMap<(&str, Option<String>, String), usize> = HashMap::new();
    for (index, object) in spec.objects.iter().enumerate() {
        let result: Result<Vec<Rendered>, Diagnostics> = if defaults_errors.is_empty() {
            render_one(spec, &jobs, &object.object)
        } else {
            Err(match &object.object {
                Object::Volume(v) => validate::volume(defaults, v),
                Object::Job(j) => validate::job(defaults, j),
                Object::Alert(a) => validate::alert(defaults, a),
            })
        };
        match result {
            Ok(objects) => {
                for object in &objects {
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

fn render_one(
    spec: &Spec,
    jobs: &JobRenderer,
    object: &Object,
) -> Result<Vec<Rendered>, Diagnostics> {
    let defaults = &spec.defaults;
    Ok(match object {
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
            vec![Rendered {
                kind: "CronJob",
                name: r.cronjob_name,
                manifest: r.cronjob,
            }]
        }
        Object::Alert(a) => {
            let r = render_alert(defaults, a)?;
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
        _ => "name",
    };
    Diagnostic::new(
        AttrPath::root(attribute),
        format!("{} {} is also rendered by {}", object.kind, object.name, block(first)),
        "give each object its own name (or namespace); one would overwrite the other in the cluster",
    )
}

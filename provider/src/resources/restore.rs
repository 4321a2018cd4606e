//! `backstop_restore`: the Job `<name>-restore` that restores one snapshot of a backup
//! job. Rendering it changes nothing: the restore runs when the Job is created in the
//! cluster, once, so the docs say how to hand it over.

use backstop_codegen::policy;
use backstop_codegen::schema::{self, read, ObjectSchema};
use backstop_codegen::{AttrPath, Defaults, Diagnostic, Diagnostics};

use super::convert::{json_value, split_id, text_forms};
use super::{job_ref, namespaced_id, Adapter, Kind, Outputs};
use crate::dynamic::Value;

/// Where the core roots a restore's own errors.
const BLOCK: &str = "restore";

pub struct RestoreJob {
    table: ObjectSchema,
}

impl Default for RestoreJob {
    fn default() -> Self {
        RestoreJob {
            table: schema::restore(),
        }
    }
}

impl Adapter for RestoreJob {
    fn table(&self) -> &ObjectSchema {
        &self.table
    }

    fn validate(&self, defaults: &Defaults, config: &Value) -> Diagnostics {
        // Every check of a restore's own attributes depends on its job's strategy
        // (snapshot names, folder, targets), so none runs before the job is known.
        job_ref::validate(self, defaults, config, (BLOCK, read::restore), |_| {
            Diagnostics::new()
        })
    }

    fn render(
        &self,
        defaults: &Defaults,
        config: &Value,
        kind: Kind,
    ) -> Result<Outputs, Diagnostics> {
        let job_ref::Rendered {
            job,
            problems,
            rendered,
        } = job_ref::render(
            config,
            defaults,
            (&self.table, BLOCK),
            read::restore,
            |job, restore| backstop_codegen::render_restore(defaults, job, restore),
        )?;
        let manifest = match rendered.job {
            Some(manifest) if problems.is_empty() => manifest,
            Some(_) => return Err(problems),
            // Only a file restore with no target renders no Job.
            None => return Err([problems, vec![no_target()]].concat()),
        };
        let job_name = manifest["metadata"]["name"].as_str().unwrap_or_default();
        let mut outputs = Outputs::from([
            ("id", Value::string(format!("{}/{job_name}", job.namespace))),
            ("job_name", Value::string(job_name)),
            ("manifest", json_value(&manifest)),
        ]);
        if kind == Kind::DataSource {
            outputs.extend(text_forms(&[&manifest], Some(&rendered.script)));
        }
        Ok(outputs)
    }

    fn known_handles(&self, config: &Value) -> Outputs {
        let job = config.attr("job");
        let job_name = match job.attr("name") {
            Value::String(name) => Value::string(policy::restore_job_name(name)),
            _ => Value::Unknown,
        };
        Outputs::from([
            ("id", namespaced_id(job, "namespace", Some(&job_name))),
            ("job_name", job_name),
        ])
    }

    fn import_inputs(&self, id: &str) -> Result<Vec<(&'static str, Value)>, String> {
        let (namespace, restore_name) = split_id(id)?;
        let name = job_ref::name_in(&restore_name, policy::restore_job_name).ok_or_else(|| {
            format!("{restore_name:?} is not a restore Job name (<name>-restore)")
        })?;
        Ok(vec![("job", job_ref::imported(namespace, name))])
    }

    fn id_format(&self) -> &'static str {
        "<namespace>/<job_name>, e.g. \"mailserver/mailserver-restore\""
    }
}

/// A file restore copies into a claim, so it must name one (a dump has none).
fn no_target() -> Diagnostic {
    Diagnostic::new(
        AttrPath::root("target_claim"),
        "a restore of files needs the claim to restore into",
        "set target_claim, e.g. target_claim = backstop_backup_job.<name>.source_claim to restore into the app's own claim \
         (a non-empty target is refused unless overwrite = true)",
    )
}

//! `backstop_restore`: the Job `<name>-restore` that restores one snapshot of a backup
//! job. Rendering it changes nothing: the restore runs when the Job is created in the
//! cluster, once, so the docs say how to hand it over.

use backstop_codegen::render::restore_job;
use backstop_codegen::schema::{self, read, ObjectSchema};
use backstop_codegen::{AttrPath, BackupJob, Defaults, Diagnostic, Diagnostics, Restore};

use super::convert::{json_text, json_value, split_id, values, yaml_text};
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
        // Checking a restore needs its job: an unknown one (a resource not planned yet) waits.
        if !job_ref::is_known(config) {
            return Diagnostics::new();
        }
        match self.render(defaults, config, Kind::Resource) {
            Ok(_) => Diagnostics::new(),
            Err(diagnostics) => diagnostics,
        }
    }

    fn render(
        &self,
        defaults: &Defaults,
        config: &Value,
        kind: Kind,
    ) -> Result<Outputs, Diagnostics> {
        let (job, mut diagnostics) = job_ref::model(config)?;
        let restore = self.model(config, &mut diagnostics);
        let rendered =
            backstop_codegen::render_restore(defaults, &job, &restore).map_err(|more| {
                [diagnostics.clone(), job_ref::locate(more, BLOCK, defaults)].concat()
            })?;
        let manifest = match rendered.job {
            Some(manifest) if diagnostics.is_empty() => manifest,
            Some(_) => return Err(diagnostics),
            // Only a file restore with no target renders no Job.
            None => return Err([diagnostics, vec![no_target()]].concat()),
        };
        let job_name = manifest["metadata"]["name"].as_str().unwrap_or_default();
        let mut outputs = Outputs::from([
            ("id", Value::string(format!("{}/{job_name}", job.namespace))),
            ("job_name", Value::string(job_name)),
            ("manifest", json_value(&manifest)),
        ]);
        if kind == Kind::DataSource {
            outputs.extend([
                ("script", Value::string(&rendered.script)),
                ("manifest_yaml", yaml_text(&[&manifest])),
                ("manifest_json", json_text(&[&manifest])),
            ]);
        }
        Ok(outputs)
    }

    fn known_handles(&self, config: &Value) -> Outputs {
        let job = config.attr("job");
        let job_name = match job.attr("name") {
            Value::String(name) => Value::string(job_name(name)),
            _ => Value::Unknown,
        };
        Outputs::from([
            ("id", namespaced_id(job, "namespace", Some(&job_name))),
            ("job_name", job_name),
        ])
    }

    fn import_inputs(&self, id: &str) -> Result<Vec<(&'static str, Value)>, String> {
        let (namespace, restore_name) = split_id(id)?;
        let name = job_ref::name_in(&restore_name, job_name).ok_or_else(|| {
            format!("{restore_name:?} is not a restore Job name (<name>-restore)")
        })?;
        Ok(vec![("job", job_ref::imported(namespace, name))])
    }

    fn id_format(&self) -> &'static str {
        "<namespace>/<job_name>, e.g. \"mailserver/mailserver-restore\""
    }
}

/// The restore Job's name for the backup job `name`, as the core names it.
fn job_name(name: &str) -> String {
    let names_only = BackupJob {
        name: name.to_string(),
        ..BackupJob::default()
    };
    let job = restore_job::render(&Defaults::default(), &names_only, "", "", "");
    job["metadata"]["name"]
        .as_str()
        .unwrap_or_default()
        .to_string()
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

impl RestoreJob {
    /// The restore's own inputs (`job` is read by `job_ref`).
    fn model(&self, config: &Value, diagnostics: &mut Diagnostics) -> Restore {
        let values = values(&self.table, config, diagnostics);
        let (restore, problems) = read::restore(&values);
        diagnostics.extend(problems);
        restore
    }
}

//! `backstop_backup_job`: the CronJob `<name>-backup` that copies an app's data to an NFS claim.

use backstop_codegen::render::scripts::SETTINGS_ONLY_INPUTS;
use backstop_codegen::schema::{self, read, ObjectSchema};
use backstop_codegen::{BackupJob, Defaults, Diagnostics, JobRenderer};

use super::convert::{json_value, split_id, text_forms, values};
use super::{namespaced_id, Adapter, Kind, Outputs, StandIns};
use crate::dynamic::Value;

/// Holds the script templates parsed once: parsing dominates the cost of a render, and
/// Terraform plans every instance separately.
pub struct Job {
    renderer: JobRenderer,
    table: ObjectSchema,
    settings_only: StandIns,
}

/// The settings ConfigMap: the one output the core's settings-only inputs reach.
const SETTINGS_OBJECT: &str = "config_map_manifest";

impl Default for Job {
    fn default() -> Self {
        Job {
            renderer: JobRenderer::default(),
            table: schema::backup_job(),
            settings_only: StandIns {
                values: SETTINGS_ONLY_INPUTS
                    .iter()
                    .map(|input| (input.name, Value::from_json(&input.stand_in.to_json())))
                    .collect(),
                reach: &[SETTINGS_OBJECT],
            },
        }
    }
}

impl Adapter for Job {
    fn table(&self) -> &ObjectSchema {
        &self.table
    }

    fn validate(&self, defaults: &Defaults, config: &Value) -> Diagnostics {
        let (job, mut diagnostics) = match self.model(config) {
            Ok(read) => read,
            Err(unreadable) => return unreadable,
        };
        diagnostics.extend(backstop_codegen::validate::defaults(defaults));
        diagnostics.extend(backstop_codegen::validate::job(defaults, &job));
        diagnostics
    }

    fn render(
        &self,
        defaults: &Defaults,
        config: &Value,
        kind: Kind,
    ) -> Result<Outputs, Diagnostics> {
        let (job, mut diagnostics) = self.model(config)?;
        let rendered = self
            .renderer
            .render_job(defaults, &job)
            .map_err(|more| [diagnostics.clone(), more].concat())?;
        if !diagnostics.is_empty() {
            return Err(std::mem::take(&mut diagnostics));
        }
        let mut outputs = Outputs::from([
            (
                "id",
                Value::string(format!("{}/{}", job.namespace, rendered.cronjob_name)),
            ),
            ("cronjob_name", Value::string(&rendered.cronjob_name)),
            ("manifest", json_value(&rendered.cronjob)),
            (SETTINGS_OBJECT, json_value(&rendered.settings)),
        ]);
        if kind == Kind::DataSource {
            outputs.extend(text_forms(
                &[&rendered.settings, &rendered.cronjob],
                Some(&rendered.script),
            ));
        }
        Ok(outputs)
    }

    fn known_handles(&self, config: &Value) -> Outputs {
        let cronjob_name = match config.attr("name") {
            Value::String(name) => Value::string(backstop_codegen::policy::cronjob_name(name)),
            _ => Value::Unknown,
        };
        Outputs::from([
            (
                "id",
                namespaced_id(config, "namespace", Some(&cronjob_name)),
            ),
            ("cronjob_name", cronjob_name),
        ])
    }

    fn import_inputs(&self, id: &str) -> Result<Vec<(&'static str, Value)>, String> {
        let (namespace, cronjob_name) = split_id(id)?;
        let name = backstop_codegen::policy::app_of_cronjob(&cronjob_name).ok_or_else(|| {
            format!("{cronjob_name:?} is not a backup CronJob name (<name>-backup)")
        })?;
        Ok(vec![
            ("namespace", Value::string(namespace)),
            ("name", Value::string(name)),
        ])
    }

    fn id_format(&self) -> &'static str {
        "<namespace>/<cronjob_name>, e.g. \"mailserver/mailserver-backup\""
    }

    /// A changed `keep` or Pushgateway URL not known yet leaves the CronJob as planned.
    fn stand_ins(&self) -> Option<&StandIns> {
        Some(&self.settings_only)
    }
}

impl Job {
    /// The model of a configuration, and the errors of values the model leaves out (a
    /// count out of range: the rest is still worth validating); `Err` when the reader
    /// could not read it (a strategy that does not exist: nothing else can be checked).
    fn model(&self, config: &Value) -> Result<(BackupJob, Diagnostics), Diagnostics> {
        let mut diagnostics = Diagnostics::new();
        let values = values(&self.table, config, &mut diagnostics);
        let (job, problems) = read::job(&values);
        if problems.is_empty() {
            Ok((job, diagnostics))
        } else {
            Err([diagnostics, problems].concat())
        }
    }
}

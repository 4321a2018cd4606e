//! `backstop_restore_test`: the drill CronJob `<name>-restore-test` that restores a backup
//! job's newest complete snapshot into scratch space and proves it.

use backstop_codegen::render::{drill, drill_cronjob};
use backstop_codegen::schedule::Schedule;
use backstop_codegen::schema::{self, read, ObjectSchema};
use backstop_codegen::{Defaults, Diagnostics, RestoreTest};

use super::convert::{json_text, json_value, split_id, values, yaml_text};
use super::{job_ref, namespaced_id, Adapter, Kind, Outputs};
use crate::dynamic::Value;

/// Where the core roots a drill's own errors.
const BLOCK: &str = "restore_test";

pub struct Drill {
    table: ObjectSchema,
}

impl Default for Drill {
    fn default() -> Self {
        Drill {
            table: schema::restore_test(),
        }
    }
}

impl Adapter for Drill {
    fn table(&self) -> &ObjectSchema {
        &self.table
    }

    fn validate(&self, defaults: &Defaults, config: &Value) -> Diagnostics {
        // Checking a drill needs its job: an unknown one (a resource not planned yet) waits.
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
        let test = self.model(config, &mut diagnostics);
        let rendered =
            backstop_codegen::render_restore_test(defaults, &job, &test).map_err(|more| {
                [diagnostics.clone(), job_ref::locate(more, BLOCK, defaults)].concat()
            })?;
        if !diagnostics.is_empty() {
            return Err(diagnostics);
        }
        let mut outputs = Outputs::from([
            (
                "id",
                Value::string(format!("{}/{}", job.namespace, rendered.cronjob_name)),
            ),
            ("cronjob_name", Value::string(&rendered.cronjob_name)),
            ("schedule", Value::string(&rendered.schedule)),
            ("manifest", json_value(&rendered.cronjob)),
        ]);
        if kind == Kind::DataSource {
            outputs.extend([
                ("script", Value::string(&rendered.script)),
                ("manifest_yaml", yaml_text(&[&rendered.cronjob])),
                ("manifest_json", json_text(&[&rendered.cronjob])),
            ]);
        }
        Ok(outputs)
    }

    fn known_handles(&self, config: &Value) -> Outputs {
        let job = config.attr("job");
        let cronjob_name = match job.attr("name") {
            Value::String(name) => Value::string(drill::cronjob_name(name)),
            _ => Value::Unknown,
        };
        // The default schedule derives from the backup's schedule alone.
        let schedule = match (config.attr("schedule"), job.attr("schedule")) {
            (Value::String(schedule), _) => Value::string(schedule),
            (Value::Null, Value::String(backup)) => Schedule::parse(backup)
                .map(|backup| Value::string(drill_cronjob::default_schedule(&backup)))
                .unwrap_or(Value::Unknown),
            _ => Value::Unknown,
        };
        Outputs::from([
            ("id", namespaced_id(job, "namespace", Some(&cronjob_name))),
            ("cronjob_name", cronjob_name),
            ("schedule", schedule),
        ])
    }

    fn import_inputs(&self, id: &str) -> Result<Vec<(&'static str, Value)>, String> {
        let (namespace, cronjob_name) = split_id(id)?;
        let name = job_ref::name_in(&cronjob_name, drill::cronjob_name).ok_or_else(|| {
            format!("{cronjob_name:?} is not a drill CronJob name (<name>-restore-test)")
        })?;
        Ok(vec![("job", job_ref::imported(namespace, name))])
    }

    fn id_format(&self) -> &'static str {
        "<namespace>/<cronjob_name>, e.g. \"mailserver/mailserver-restore-test\""
    }
}

impl Drill {
    /// The drill's own inputs (`job` is read by `job_ref`).
    fn model(&self, config: &Value, diagnostics: &mut Diagnostics) -> RestoreTest {
        let values = values(&self.table, config, diagnostics);
        let (test, problems) = read::restore_test(&values);
        diagnostics.extend(problems);
        test
    }
}

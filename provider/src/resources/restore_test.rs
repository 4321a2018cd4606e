//! `backstop_restore_test`: the drill CronJob `<name>-restore-test` that restores a backup
//! job's newest complete snapshot into scratch space and proves it.

use backstop_codegen::policy;
use backstop_codegen::render::drill_cronjob;
use backstop_codegen::schedule::Schedule;
use backstop_codegen::schema::{self, read, ObjectSchema};
use backstop_codegen::{Defaults, Diagnostics};

use super::convert::{json_value, split_id, text_forms, values};
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
        job_ref::validate(
            self,
            defaults,
            config,
            (BLOCK, read::restore_test),
            backstop_codegen::restore_test::check_own,
        )
    }

    fn warnings(&self, config: &Value) -> Diagnostics {
        // Warnings need the job and the drill's schedule; until both are known, none.
        if config.is_null()
            || !job_ref::is_known(config)
            || !config.attr("schedule").is_wholly_known()
        {
            return Diagnostics::new();
        }
        let Ok((job, _)) = job_ref::model(config) else {
            return Diagnostics::new();
        };
        let (test, _) = read::restore_test(&values(&self.table, config, &mut Diagnostics::new()));
        job_ref::locate(
            backstop_codegen::restore_test_warnings(&job, &test),
            BLOCK,
            &Defaults::default(),
        )
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
            read::restore_test,
            |job, test| backstop_codegen::render_restore_test(defaults, job, test),
        )?;
        if !problems.is_empty() {
            return Err(problems);
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
            outputs.extend(text_forms(&[&rendered.cronjob], Some(&rendered.script)));
        }
        Ok(outputs)
    }

    fn known_handles(&self, config: &Value) -> Outputs {
        let job = config.attr("job");
        let cronjob_name = match job.attr("name") {
            Value::String(name) => Value::string(policy::drill_cronjob_name(name)),
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
        let name =
            job_ref::name_in(&cronjob_name, policy::drill_cronjob_name).ok_or_else(|| {
                format!("{cronjob_name:?} is not a drill CronJob name (<name>-restore-test)")
            })?;
        Ok(vec![("job", job_ref::imported(namespace, name))])
    }

    fn id_format(&self) -> &'static str {
        "<namespace>/<cronjob_name>, e.g. \"mailserver/mailserver-restore-test\""
    }
}

//! `backstop_restore_test`: the drill CronJob `<name>-restore-test` that restores a backup
//! job's newest complete snapshot into scratch space and proves it.

use backstop_codegen::render::{drill, drill_cronjob};
use backstop_codegen::schedule::Schedule;
use backstop_codegen::{Defaults, Diagnostics, RestoreTest};

use super::convert::{count, float, json_text, json_value, split_id, string, yaml_text};
use super::{job_ref, namespaced_id, Adapter, Kind, Outputs};
use crate::dynamic::{Type, Value};
use crate::schema::Attribute;

/// Where the core roots a drill's own errors.
const BLOCK: &str = "restore_test";

pub struct Drill;

impl Adapter for Drill {
    fn type_name(&self) -> &'static str {
        "backstop_restore_test"
    }

    fn description(&self) -> &'static str {
        "A restore drill: a CronJob `<name>-restore-test`, weekly by default, that restores the newest complete snapshot of \
         a backup job into scratch space (an `emptyDir`) and proves it: rsync snapshots against their manifest, sqlite \
         copies with `PRAGMA integrity_check` and an optional `check_query`, dumps by loading them into a throwaway \
         PostgreSQL or MariaDB server in the drill pod. Only a passing drill pushes `backup_restore_test_last_success_timestamp`. \
         Give its `schedule` to the job's `backstop_backup_alert` as `restore_test_schedule` to alert on failed and stale drills."
    }

    fn inputs(&self) -> Vec<Attribute> {
        vec![
            job_ref::attribute(
                "The backup job whose snapshots the drill restores: `job = backstop_backup_job.<name>` (its inputs; the job's \
                 computed attributes are dropped). Changing the job's `name` or `namespace` replaces the resource.",
            ),
            Attribute::optional_computed(
                "schedule",
                Type::String,
                "Cron schedule of the drill. Defaults to weekly on Sunday, two hours after the backup's first start of a day, \
                 moved on until no start is shared with the backup. Read it back for the schedule used, default included \
                 (known at plan once the job's schedule is), e.g. for a `backstop_backup_alert`'s `restore_test_schedule`.",
            ),
            Attribute::optional(
                "verify_fraction",
                Type::Number,
                "rsync: the share of regular files whose content is hashed, above 0 and at most 1 (default 1); every entry's \
                 metadata is checked regardless.",
            ),
            Attribute::optional(
                "check_query",
                Type::String,
                "sqlite and dumps: a query returning one number, run on the restored data, e.g. `SELECT count(*) FROM users`.",
            ),
            Attribute::optional("min_rows", Type::Number, "The least number `check_query` may return. Defaults to 1."),
            Attribute::optional(
                "check_database",
                Type::String,
                "Dumps: the database `check_query` runs in. Defaults to `postgres` (pg_dumpall) or `mysql` (mysqldump).",
            ),
            Attribute::optional(
                "server_version",
                Type::String,
                "Dumps (required): the version of the throwaway server, at least the source's: PostgreSQL's major version \
                 (`16`, image `postgres:16-alpine`) or MariaDB's (`11.4`, image `mariadb:11.4`).",
            ),
        ]
    }

    fn handles(&self) -> Vec<Attribute> {
        vec![Attribute::computed(
            "cronjob_name",
            Type::String,
            "Name of the drill's CronJob, `<name>-restore-test`.",
        )]
    }

    fn objects(&self) -> Vec<Attribute> {
        vec![Attribute::computed(
            "manifest",
            Type::Dynamic,
            "The drill CronJob as an object (its script included), usable directly as `kubernetes_manifest.manifest`.",
        )]
    }

    fn texts(&self) -> Vec<Attribute> {
        vec![
            Attribute::computed(
                "script",
                Type::String,
                "The drill script the CronJob runs (also embedded in the manifest).",
            ),
            Attribute::computed(
                "manifest_yaml",
                Type::String,
                "The drill CronJob as YAML, as `backstop render --format yaml` writes it.",
            ),
            Attribute::computed(
                "manifest_json",
                Type::String,
                "The drill CronJob as JSON, as `backstop render --format json --out DIR` writes it.",
            ),
        ]
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
        let (job, mut diagnostics) = job_ref::model(config);
        let test = model(config, &mut diagnostics);
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

fn model(config: &Value, diagnostics: &mut Diagnostics) -> RestoreTest {
    RestoreTest {
        schedule: string(config, "schedule"),
        verify_fraction: float(config, "verify_fraction"),
        check_query: string(config, "check_query"),
        min_rows: count(config, "min_rows", 0, diagnostics).map(u64::from),
        check_database: string(config, "check_database"),
        server_version: string(config, "server_version"),
    }
}

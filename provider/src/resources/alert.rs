//! `backstop_backup_alert`: the alert rules that watch one backup CronJob.

use backstop_codegen::schema::{self, read, ObjectSchema};
use backstop_codegen::{AttrPath, BackupAlert, Defaults, Diagnostics, RenderedAlert};

use super::convert::{json_value, split_id, text_forms, values, yaml_text};
use super::{namespaced_id, Adapter, Kind, Outputs};
use crate::dynamic::Value;

pub struct Alert {
    table: ObjectSchema,
}

impl Default for Alert {
    fn default() -> Self {
        Alert {
            table: schema::backup_alert(),
        }
    }
}

impl Adapter for Alert {
    fn table(&self) -> &ObjectSchema {
        &self.table
    }

    fn validate(&self, defaults: &Defaults, config: &Value) -> Diagnostics {
        if self.drill_schedule(config).is_some() {
            // The drill's schedule is checked by rendering its rules.
            return match self.render(defaults, config, Kind::Resource) {
                Ok(_) => Diagnostics::new(),
                Err(diagnostics) => diagnostics,
            };
        }
        let (alert, mut diagnostics) = self.model(config);
        diagnostics.extend(backstop_codegen::validate::defaults(defaults));
        diagnostics.extend(backstop_codegen::validate::alert(defaults, &alert));
        diagnostics
    }

    fn render(
        &self,
        defaults: &Defaults,
        config: &Value,
        kind: Kind,
    ) -> Result<Outputs, Diagnostics> {
        let (alert, diagnostics) = self.model(config);
        if !diagnostics.is_empty() {
            return Err(diagnostics);
        }
        let rendered = rules(defaults, &alert, self.drill_schedule(config))?;
        let mut outputs = Outputs::from([
            (
                "id",
                Value::string(format!("{}/{}", alert.namespace, alert.cronjob_name)),
            ),
            ("alert_names", alert_names(&rendered.rule_group)),
            ("manifest", json_value(&rendered.prometheus_rule)),
        ]);
        if kind == Kind::DataSource {
            outputs.extend([
                ("rule_group", json_value(&rendered.rule_group)),
                ("rule_group_yaml", yaml_text(&[&rendered.rule_group])),
            ]);
            outputs.extend(text_forms(&[&rendered.prometheus_rule], None));
        }
        Ok(outputs)
    }

    fn known_handles(&self, config: &Value) -> Outputs {
        let cronjob_name = config.attr("cronjob_name");
        let id = namespaced_id(config, "namespace", Some(cronjob_name));
        // The names depend on the CronJob's name, the prefix, the switches and whether
        // there is a drill only, so the core renders them from those alone.
        let names_known = [
            "cronjob_name",
            "alert_prefix",
            "stale",
            "never_succeeded",
            "failed",
            "missing",
            "suspended",
            RESTORE_TEST_SCHEDULE,
        ]
        .iter()
        .all(|name| config.attr(name).is_wholly_known())
            && cronjob_name.as_str().is_some();
        let alert_names_value = if names_known {
            self.names(config)
        } else {
            Value::Unknown
        };
        Outputs::from([("id", id), ("alert_names", alert_names_value)])
    }

    fn import_inputs(&self, id: &str) -> Result<Vec<(&'static str, Value)>, String> {
        let (namespace, cronjob_name) = split_id(id)?;
        Ok(vec![
            ("namespace", Value::string(namespace)),
            ("cronjob_name", Value::string(cronjob_name)),
        ])
    }

    fn id_format(&self) -> &'static str {
        "<namespace>/<cronjob_name>, e.g. \"mailserver/mailserver-backup\""
    }
}

/// The provider-only input naming the job's drill schedule (a spec derives it from its
/// `restore_test` blocks), passed to the core beside the alert's model.
const RESTORE_TEST_SCHEDULE: &str = "restore_test_schedule";

/// The backup's rules, plus the drill's when the job has one; the core's errors on the
/// drill's schedule are located on `restore_test_schedule`.
fn rules(
    defaults: &Defaults,
    alert: &BackupAlert,
    drill_schedule: Option<String>,
) -> Result<RenderedAlert, Diagnostics> {
    let Some(drill_schedule) = drill_schedule else {
        return backstop_codegen::render_alert(defaults, alert);
    };
    let drill_path = AttrPath::root("restore_test").attr("schedule");
    backstop_codegen::render_alert_with_restore_test(defaults, alert, &drill_schedule).map_err(
        |diagnostics| {
            diagnostics
                .into_iter()
                .map(|mut d| {
                    if d.path == drill_path {
                        d.path = AttrPath::root(RESTORE_TEST_SCHEDULE);
                    }
                    d
                })
                .collect()
        },
    )
}

/// The `alert` of every rule in a rendered group.
fn alert_names(rule_group: &serde_json::Value) -> Value {
    let names = rule_group["rules"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|rule| rule["alert"].as_str())
        .map(Value::string)
        .collect();
    Value::List(names)
}

impl Alert {
    /// The model of a configuration, and the errors of values the model cannot hold.
    fn model(&self, config: &Value) -> (BackupAlert, Diagnostics) {
        let mut diagnostics = Diagnostics::new();
        let values = values(&self.table, config, &mut diagnostics);
        let (alert, problems) = read::alert(&values);
        diagnostics.extend(problems);
        (alert, diagnostics)
    }

    /// The drill's schedule, when the job has a drill (a string by the provider schema).
    fn drill_schedule(&self, config: &Value) -> Option<String> {
        let mut unused = Diagnostics::new();
        let values = values(&self.table, config, &mut unused);
        read::alert_drill_schedule(&values).0
    }

    /// The alert names of a configuration whose name inputs are known. The core renders
    /// them from those alone (no validation without a drill: the rest may be unknown); the
    /// drill's rules come from the validating renderer, given a stand-in threshold that
    /// changes no name.
    fn names(&self, config: &Value) -> Value {
        let names_only = BackupAlert {
            schedule: None,
            stale_after: None,
            ..self.model(config).0
        };
        let drill_schedule = self.drill_schedule(config);
        if drill_schedule.is_none() {
            let rendered = backstop_codegen::render::alert(&Defaults::default(), &names_only);
            return alert_names(&rendered.rule_group);
        }
        let with_threshold = BackupAlert {
            stale_after: Some("1d".to_string()),
            ..names_only
        };
        match rules(&Defaults::default(), &with_threshold, drill_schedule) {
            Ok(rendered) => alert_names(&rendered.rule_group),
            // Invalid inputs: rendering reports them; no names until they are fixed.
            Err(_) => Value::Unknown,
        }
    }
}

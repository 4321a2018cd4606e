//! `backstop_backup_alert`: the alert rules that watch one backup CronJob.

use backstop_codegen::schema::{self, read, ObjectSchema};
use backstop_codegen::{BackupAlert, Defaults, Diagnostics};

use super::convert::{json_text, json_value, split_id, values, yaml_text};
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
        let rendered = backstop_codegen::render_alert(defaults, &alert)?;
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
                ("manifest_yaml", yaml_text(&[&rendered.prometheus_rule])),
                ("manifest_json", json_text(&[&rendered.prometheus_rule])),
            ]);
        }
        Ok(outputs)
    }

    fn known_handles(&self, config: &Value) -> Outputs {
        let cronjob_name = config.attr("cronjob_name");
        let id = namespaced_id(config, "namespace", Some(cronjob_name));
        // The names depend on the CronJob's name, the prefix and the switches only, so the
        // core renders them from those alone (no validation: the rest may be unknown).
        let names_known = [
            "cronjob_name",
            "alert_prefix",
            "stale",
            "never_succeeded",
            "failed",
            "missing",
            "suspended",
        ]
        .iter()
        .all(|name| config.attr(name).is_wholly_known())
            && cronjob_name.as_str().is_some();
        let alert_names_value = if names_known {
            let names_only = BackupAlert {
                schedule: None,
                stale_after: None,
                ..self.model(config).0
            };
            alert_names(
                &backstop_codegen::render::alert(&Defaults::default(), &names_only).rule_group,
            )
        } else {
            Value::Unknown
        };
        Outputs::from([("id", id), ("alert_names", alert_names_value)])
    }

    fn import_inputs(&self, id: &str) -> Result<Vec<(&'static str, String)>, String> {
        let (namespace, cronjob_name) = split_id(id)?;
        Ok(vec![
            ("namespace", namespace),
            ("cronjob_name", cronjob_name),
        ])
    }

    fn id_format(&self) -> &'static str {
        "<namespace>/<cronjob_name>, e.g. \"mailserver/mailserver-backup\""
    }
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
}

//! `backstop_backup_alert`: the alert rules that watch one backup CronJob.

use backstop_codegen::{AttrPath, BackupAlert, Defaults, Diagnostics, RenderedAlert};

use super::convert::{
    bool_or, json_text, json_value, required_string, split_id, string, string_map, yaml_text,
};
use super::{namespaced_id, Adapter, Kind, Outputs};
use crate::dynamic::{Type, Value};
use crate::schema::Attribute;

pub struct Alert;

impl Adapter for Alert {
    fn type_name(&self) -> &'static str {
        "backstop_backup_alert"
    }

    fn description(&self) -> &'static str {
        "Prometheus alert rules watching one backup CronJob: `<Prefix>BackupStale`, `<Prefix>BackupNeverSucceeded`, \
         `<Prefix>BackupFailed`, `<Prefix>BackupMissing` and `<Prefix>BackupSuspended`, as a rule group (for Helm chart \
         values and `promtool`) and as a `monitoring.coreos.com/v1` PrometheusRule."
    }

    fn inputs(&self) -> Vec<Attribute> {
        let switch = |name, what| Attribute::optional(name, Type::Bool, what);
        vec![
            Attribute::required("cronjob_name", Type::String, "Name of the watched CronJob, e.g. a backup job's `cronjob_name`. Changing it replaces the resource.")
                .requires_replace(),
            Attribute::required("namespace", Type::String, "Namespace of the watched CronJob. Changing it replaces the resource.").requires_replace(),
            Attribute::optional("schedule", Type::String, "The CronJob's schedule, from which the stale threshold is derived (daily: 36h)."),
            Attribute::optional("stale_after", Type::String, "Explicit stale threshold such as `36h` or `8d`; wins over `schedule`."),
            Attribute::optional("severity", Type::String, "The `severity` label of every rule. Defaults to `critical`."),
            Attribute::optional("alert_prefix", Type::String, "Prefix of the alert names. Defaults to the app's name in PascalCase (`mailserver-backup` -> `Mailserver`)."),
            Attribute::optional("labels", Type::map(Type::String), "Extra labels on every rule."),
            Attribute::optional("annotations", Type::map(Type::String), "Extra annotations on every rule."),
            Attribute::optional("runbook_url", Type::String, "`runbook_url` annotation on every rule."),
            switch("stale", "Render `<Prefix>BackupStale` (no success for longer than the threshold). Defaults to `true`."),
            switch("never_succeeded", "Render `<Prefix>BackupNeverSucceeded` (the CronJob exists and has never succeeded). Defaults to `true`."),
            switch("failed", "Render `<Prefix>BackupFailed` (the CronJob's latest Job failed). Defaults to `true`."),
            switch("missing", "Render `<Prefix>BackupMissing` (the CronJob no longer exists). Defaults to `true`."),
            switch("suspended", "Render `<Prefix>BackupSuspended` (suspended for longer than the threshold). Defaults to `true`."),
            Attribute::optional(
                "restore_test_schedule",
                Type::String,
                "The schedule of the job's restore drill, e.g. `backstop_restore_test.<name>.schedule`. When set, the rules \
                 also hold `<Prefix>RestoreTestFailed` (the newest drill failed) and `<Prefix>RestoreTestStale` (no passing \
                 drill for longer than a threshold derived from this schedule).",
            ),
        ]
    }

    fn handles(&self) -> Vec<Attribute> {
        vec![Attribute::computed(
            "alert_names",
            Type::list(Type::String),
            "Names of the rendered alerts, e.g. `MailserverBackupStale`, for silences and inhibition rules.",
        )]
    }

    fn objects(&self) -> Vec<Attribute> {
        vec![Attribute::computed(
            "manifest",
            Type::Dynamic,
            "The rules as a `monitoring.coreos.com/v1` PrometheusRule object, usable directly as `kubernetes_manifest.manifest`. \
             Its rule group, for Helm chart values, is `manifest.spec.groups[0]`.",
        )]
    }

    fn texts(&self) -> Vec<Attribute> {
        vec![
            Attribute::computed(
                "rule_group",
                Type::Dynamic,
                "The Prometheus rule group as an object, for Helm chart values (`yamlencode`).",
            ),
            Attribute::computed(
                "rule_group_yaml",
                Type::String,
                "The rule group as YAML, for `promtool check rules` or a rules file.",
            ),
            Attribute::computed(
                "manifest_yaml",
                Type::String,
                "The PrometheusRule as YAML, as `backstop render --format yaml` writes it.",
            ),
            Attribute::computed(
                "manifest_json",
                Type::String,
                "The PrometheusRule as JSON, as `backstop render --format json --out DIR` writes it.",
            ),
        ]
    }

    fn validate(&self, defaults: &Defaults, config: &Value) -> Diagnostics {
        if string(config, RESTORE_TEST_SCHEDULE).is_some() {
            // The drill's schedule is checked by rendering its rules.
            return match self.render(defaults, config, Kind::Resource) {
                Ok(_) => Diagnostics::new(),
                Err(diagnostics) => diagnostics,
            };
        }
        let mut diagnostics = backstop_codegen::validate::defaults(defaults);
        diagnostics.extend(backstop_codegen::validate::alert(defaults, &model(config)));
        diagnostics
    }

    fn render(
        &self,
        defaults: &Defaults,
        config: &Value,
        kind: Kind,
    ) -> Result<Outputs, Diagnostics> {
        let alert = model(config);
        let rendered = rules(defaults, &alert, config)?;
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
            RESTORE_TEST_SCHEDULE,
        ]
        .iter()
        .all(|name| config.attr(name).is_wholly_known())
            && cronjob_name.as_str().is_some();
        let alert_names_value = if names_known {
            names(config)
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

const RESTORE_TEST_SCHEDULE: &str = "restore_test_schedule";

/// The alert names of a configuration whose name inputs are known. The core renders them
/// from those alone (no validation without a drill: the rest may be unknown); the drill's
/// rules come from the validating renderer, given a stand-in threshold that changes no name.
fn names(config: &Value) -> Value {
    let names_only = BackupAlert {
        schedule: None,
        stale_after: None,
        ..model(config)
    };
    if string(config, RESTORE_TEST_SCHEDULE).is_none() {
        let rendered = backstop_codegen::render::alert(&Defaults::default(), &names_only);
        return alert_names(&rendered.rule_group);
    }
    let with_threshold = BackupAlert {
        stale_after: Some("1d".to_string()),
        ..names_only
    };
    match rules(&Defaults::default(), &with_threshold, config) {
        Ok(rendered) => alert_names(&rendered.rule_group),
        // Invalid inputs: rendering reports them; no names until they are fixed.
        Err(_) => Value::Unknown,
    }
}

/// The backup's rules, plus the drill's when the job has one; the core's errors on the
/// drill's schedule are located on `restore_test_schedule`.
fn rules(
    defaults: &Defaults,
    alert: &BackupAlert,
    config: &Value,
) -> Result<RenderedAlert, Diagnostics> {
    let Some(drill_schedule) = string(config, RESTORE_TEST_SCHEDULE) else {
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

fn model(config: &Value) -> BackupAlert {
    let all_on = BackupAlert::default();
    BackupAlert {
        cronjob_name: required_string(config, "cronjob_name"),
        namespace: required_string(config, "namespace"),
        schedule: string(config, "schedule"),
        stale_after: string(config, "stale_after"),
        severity: string(config, "severity"),
        alert_prefix: string(config, "alert_prefix"),
        labels: string_map(config, "labels"),
        annotations: string_map(config, "annotations"),
        runbook_url: string(config, "runbook_url"),
        stale: bool_or(config, "stale", all_on.stale),
        never_succeeded: bool_or(config, "never_succeeded", all_on.never_succeeded),
        failed: bool_or(config, "failed", all_on.failed),
        missing: bool_or(config, "missing", all_on.missing),
        suspended: bool_or(config, "suspended", all_on.suspended),
    }
}

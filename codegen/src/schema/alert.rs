//! `backup_alert` / `backstop_backup_alert`: the alert rules that watch one backup CronJob.

use super::{AttrType, Attribute, ObjectSchema};
use crate::render::alert::DEFAULT_SEVERITY;
use crate::render::default_prefix;
use crate::schedule::{stale_threshold_seconds, Schedule};
use crate::{duration, BackupAlert};

/// The stale threshold of a daily schedule, as the description's example.
fn daily_threshold() -> String {
    let daily = Schedule::parse("@daily").expect("@daily parses");
    duration::format_seconds(stale_threshold_seconds(&daily))
}

pub fn schema() -> ObjectSchema {
    use AttrType::{Bool, Dynamic, String, StringList, StringMap};
    let all_on = BackupAlert::default();
    let switch = |name, what, default: bool| {
        Attribute::optional(
            name,
            Bool,
            format!("Render {what}. Defaults to `{default}`."),
        )
    };
    ObjectSchema {
        type_name: "backstop_backup_alert",
        block_type: "backup_alert",
        description: "Prometheus alert rules watching one backup CronJob: `<Prefix>BackupStale`, `<Prefix>BackupNeverSucceeded`, \
         `<Prefix>BackupFailed`, `<Prefix>BackupMissing` and `<Prefix>BackupSuspended`, as a rule group (for Helm chart \
         values and `promtool`) and as a `monitoring.coreos.com/v1` PrometheusRule.".into(),
        inputs: vec![
            Attribute::required("cronjob_name", String, "Name of the watched CronJob, e.g. a backup job's `cronjob_name`. Changing it replaces the resource.")
                .requires_replace(),
            Attribute::required("namespace", String, "Namespace of the watched CronJob. Changing it replaces the resource.").requires_replace(),
            Attribute::optional(
                "schedule",
                String,
                format!("The CronJob's schedule, from which the stale threshold is derived (daily: {}).", daily_threshold()),
            ),
            Attribute::optional("stale_after", String, "Explicit stale threshold such as `36h` or `8d`; wins over `schedule`."),
            Attribute::optional("severity", String, format!("The `severity` label of every rule. Defaults to `{DEFAULT_SEVERITY}`.")),
            Attribute::optional(
                "alert_prefix",
                String,
                format!(
                    "Prefix of the alert names. Defaults to the app's name in PascalCase (`mailserver-backup` -> `{}`).",
                    default_prefix("mailserver-backup")
                ),
            ),
            Attribute::optional("labels", StringMap, "Extra labels on every rule."),
            Attribute::optional("annotations", StringMap, "Extra annotations on every rule."),
            Attribute::optional("runbook_url", String, "`runbook_url` annotation on every rule."),
            switch("stale", "`<Prefix>BackupStale` (no success for longer than the threshold)", all_on.stale),
            switch("never_succeeded", "`<Prefix>BackupNeverSucceeded` (the CronJob exists and has never succeeded)", all_on.never_succeeded),
            switch("failed", "`<Prefix>BackupFailed` (the CronJob's latest Job failed)", all_on.failed),
            switch("missing", "`<Prefix>BackupMissing` (the CronJob no longer exists)", all_on.missing),
            switch("suspended", "`<Prefix>BackupSuspended` (suspended for longer than the threshold)", all_on.suspended),
            // A spec derives it from the job's `restore_test` block.
            Attribute::optional(
                "restore_test_schedule",
                String,
                "The schedule of the job's restore drill, e.g. `backstop_restore_test.<name>.schedule`. When set, the rules \
                 also hold `<Prefix>RestoreTestFailed` (the newest drill failed) and `<Prefix>RestoreTestStale` (no passing \
                 drill for longer than a threshold derived from this schedule).",
            )
            .provider_only(),
        ],
        handles: vec![Attribute::computed(
            "alert_names",
            StringList,
            "Names of the rendered alerts, e.g. `MailserverBackupStale`, for silences and inhibition rules.",
        )],
        objects: vec![Attribute::computed(
            "manifest",
            Dynamic,
            "The rules as a `monitoring.coreos.com/v1` PrometheusRule object, usable directly as `kubernetes_manifest.manifest`. \
             Its rule group, for Helm chart values, is `manifest.spec.groups[0]`.",
        )],
        texts: vec![
            Attribute::computed("rule_group", Dynamic, "The Prometheus rule group as an object, for Helm chart values (`yamlencode`)."),
            Attribute::computed("rule_group_yaml", String, "The rule group as YAML, for `promtool check rules` or a rules file."),
            Attribute::computed("manifest_yaml", String, "The PrometheusRule as YAML, as `backstop render --format yaml` writes it."),
            Attribute::computed("manifest_json", String, "The PrometheusRule as JSON, as `backstop render --format json --out DIR` writes it."),
        ],
    }
}

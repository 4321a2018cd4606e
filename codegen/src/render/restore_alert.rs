//! The alerts of a restore drill, added to a backup's rule group only when the backup has
//! a drill: RestoreTestFailed (the drill's newest Job failed) and RestoreTestStale (no
//! successful drill within a threshold derived from the drill's schedule by the same rule
//! as the backup's Stale threshold). Built on kube-state-metrics like the backup's rules:
//! a drill Job succeeds only when every check passed, so its CronJob's last successful
//! time is the last proven restore.

use super::alert::{promql_string, Rules, STALE_FOR};
use crate::schedule::{stale_threshold_seconds, Schedule};
use crate::{duration, BackupAlert, RenderedAlert};
use serde_json::Value;

/// Appends the drill's rules to `rendered` (the backup's rules for `alert`).
pub fn add_rules(
    rendered: &mut RenderedAlert,
    alert: &BackupAlert,
    drill_cronjob: &str,
    drill_schedule: &Schedule,
) {
    let threshold = stale_threshold_seconds(drill_schedule);
    let rules = Rules::new(alert, threshold);
    let drill = DrillRules {
        rules: &rules,
        cronjob: drill_cronjob,
        namespace: promql_string(&alert.namespace),
        threshold,
    };
    let added = [drill.failed(), drill.stale()];
    for group in [
        &mut rendered.rule_group,
        &mut rendered.prometheus_rule["spec"]["groups"][0],
    ] {
        if let Some(list) = group["rules"].as_array_mut() {
            list.extend(added.iter().cloned());
        }
    }
}

struct DrillRules<'a> {
    rules: &'a Rules<'a>,
    cronjob: &'a str,
    namespace: String,
    threshold: u64,
}

impl DrillRules<'_> {
    fn who(&self) -> String {
        format!(
            "Restore drill {} in {}",
            self.cronjob,
            self.namespace.trim_matches('"')
        )
    }

    fn selector(&self) -> String {
        format!(
            "{{cronjob={},namespace={}}}",
            promql_string(self.cronjob),
            self.namespace
        )
    }

    /// The drill's newest Job (by start time) failed: a restore that could not be proven.
    fn failed(&self) -> Value {
        let ns = &self.namespace;
        let owner = format!(
            "kube_job_owner{{namespace={ns},owner_kind=\"CronJob\",owner_name={}}}",
            promql_string(self.cronjob)
        );
        let expr = format!(
            "topk(1, kube_job_status_start_time{{namespace={ns}}} * on(namespace, job_name) {owner}) and on(namespace, job_name) (kube_job_failed{{namespace={ns},condition=\"true\"}} == 1)"
        );
        let summary = format!(
            "{}: its most recent Job {{{{ $labels.job_name }}}} failed, so the newest snapshot did not restore as its manifest says (threshold: 1 failed run)",
            self.who()
        );
        self.rules.rule("RestoreTestFailed", expr, None, summary)
    }

    /// No drill succeeded within the threshold: neither since the last success, nor (when
    /// there never was one) since the drill's CronJob was created.
    fn stale(&self) -> Value {
        let s = self.selector();
        let t = self.threshold;
        let expr = format!(
            "((time() - kube_cronjob_status_last_successful_time{s}) > {t}) or ((time() - kube_cronjob_created{s}) > {t} unless on(namespace, cronjob) kube_cronjob_status_last_successful_time{s})"
        );
        let summary = format!(
            "{}: no restore of the backup was proven for {{{{ $value | humanizeDuration }}}} (threshold {})",
            self.who(),
            duration::format_seconds(t)
        );
        self.rules
            .rule("RestoreTestStale", expr, Some(STALE_FOR), summary)
    }
}

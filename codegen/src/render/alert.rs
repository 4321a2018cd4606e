//! The alert rules that watch one backup CronJob (conventions §3), built on the
//! kube-state-metrics series (see `shared/reference/ecosystem.md` §1): a success series
//! that is absent, not 0, until the first success; Job series joined to their CronJob
//! through `kube_job_owner`.

use super::conventions;
use crate::schedule::{stale_threshold_seconds, Schedule};
use crate::{duration, BackupAlert, Defaults, RenderedAlert};
use serde_json::{json, Map, Value};

/// Used only if neither `stale_after` nor `schedule` can be read; validation rejects that
/// input before rendering, so this is the daily job's threshold as a safe fallback.
/// The `severity` label of every rule when none is set.
pub(crate) const DEFAULT_SEVERITY: &str = "critical";
const FALLBACK_THRESHOLD_SECONDS: u64 = 36 * 3600;
pub(super) const STALE_FOR: &str = "30m";
const NEVER_SUCCEEDED_FOR: &str = "1h";
const MISSING_FOR: &str = "15m";

pub fn render(defaults: &Defaults, a: &BackupAlert) -> RenderedAlert {
    let threshold = stale_threshold(a);
    let rules = Rules::new(a, threshold);
    let mut list = Vec::new();
    if a.stale {
        list.push(rules.stale());
    }
    if a.never_succeeded {
        list.push(rules.never_succeeded());
    }
    if a.failed {
        list.push(rules.failed());
    }
    if a.missing {
        list.push(rules.missing());
    }
    if a.suspended {
        list.push(rules.suspended());
    }
    let rule_group = json!({ "name": format!("backstop-{}", a.cronjob_name), "rules": list });
    let prometheus_rule = json!({
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": {
            "name": format!("{}-alerts", a.cronjob_name),
            "namespace": a.namespace,
            "labels": conventions::labels(defaults, &Default::default()),
        },
        "spec": { "groups": [rule_group] },
    });
    RenderedAlert {
        rule_group,
        prometheus_rule,
        stale_after_seconds: threshold,
    }
}

/// `stale_after` if set, else derived from the schedule (daily -> 36h).
fn stale_threshold(a: &BackupAlert) -> u64 {
    if let Some(seconds) = a
        .stale_after
        .as_deref()
        .and_then(|text| duration::parse_seconds(text).ok())
    {
        return seconds;
    }
    a.schedule
        .as_deref()
        .and_then(|text| Schedule::parse(text).ok())
        .map(|schedule| stale_threshold_seconds(&schedule))
        .unwrap_or(FALLBACK_THRESHOLD_SECONDS)
}

/// `mailserver-backup` -> `Mailserver`, `my-app-backup` -> `MyApp`.
pub fn default_prefix(cronjob_name: &str) -> String {
    let app = crate::policy::app_of_cronjob(cronjob_name).unwrap_or(cronjob_name);
    app.split(['-', '_', '.'])
        .map(|word| {
            let mut chars = word.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// A PromQL string literal (names are validated DNS labels; escaping keeps any value safe).
pub(super) fn promql_string(value: &str) -> String {
    format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
}

pub(super) struct Rules<'a> {
    alert: &'a BackupAlert,
    prefix: String,
    /// `{cronjob="x",namespace="n"}` for the CronJob series.
    cronjob_selector: String,
    namespace: String,
    threshold: u64,
    threshold_text: String,
}

impl<'a> Rules<'a> {
    pub(super) fn new(alert: &'a BackupAlert, threshold: u64) -> Self {
        let namespace = promql_string(&alert.namespace);
        Rules {
            alert,
            prefix: alert
                .alert_prefix
                .clone()
                .unwrap_or_else(|| default_prefix(&alert.cronjob_name)),
            cronjob_selector: format!(
                "{{cronjob={},namespace={}}}",
                promql_string(&alert.cronjob_name),
                namespace
            ),
            namespace,
            threshold,
            threshold_text: duration::format_seconds(threshold),
        }
    }

    pub(super) fn rule(
        &self,
        suffix: &str,
        expr: String,
        for_: Option<&str>,
        summary: String,
    ) -> Value {
        let mut labels = Map::new();
        labels.insert(
            "severity".into(),
            json!(self.alert.severity.as_deref().unwrap_or(DEFAULT_SEVERITY)),
        );
        labels.insert("cronjob".into(), json!(self.alert.cronjob_name));
        labels.extend(self.alert.labels.iter().map(|(k, v)| (k.clone(), json!(v))));
        let mut annotations = Map::new();
        annotations.insert("summary".into(), json!(summary));
        if let Some(url) = &self.alert.runbook_url {
            annotations.insert("runbook_url".into(), json!(url));
        }
        annotations.extend(
            self.alert
                .annotations
                .iter()
                .map(|(k, v)| (k.clone(), json!(v))),
        );
        let mut rule = json!({ "alert": format!("{}{}", self.prefix, suffix), "expr": expr });
        if let Some(duration) = for_ {
            rule["for"] = json!(duration);
        }
        rule["labels"] = Value::Object(labels);
        rule["annotations"] = Value::Object(annotations);
        rule
    }

    fn who(&self) -> String {
        format!(
            "Backup {} in {}",
            self.alert.cronjob_name, self.alert.namespace
        )
    }

    fn stale(&self) -> Value {
        let expr = format!(
            "(time() - kube_cronjob_status_last_successful_time{}) > {}",
            self.cronjob_selector, self.threshold
        );
        let summary = format!(
            "{} last succeeded {{{{ $value | humanizeDuration }}}} ago (threshold {})",
            self.who(),
            self.threshold_text
        );
        self.rule("BackupStale", expr, Some(STALE_FOR), summary)
    }

    /// The success series is absent until the first success, so "never succeeded" is
    /// "created longer than the threshold ago, unless a success series exists, unless
    /// suspended" (an `== 0` comparison can never fire).
    fn never_succeeded(&self) -> Value {
        let s = &self.cronjob_selector;
        let expr = format!(
            "(time() - kube_cronjob_created{s}) > {} unless on(namespace, cronjob) kube_cronjob_status_last_successful_time{s} unless on(namespace, cronjob) (kube_cronjob_spec_suspend{s} == 1)",
            self.threshold
        );
        let summary = format!(
            "{} has never succeeded since it was created (threshold {})",
            self.who(),
            self.threshold_text
        );
        self.rule(
            "BackupNeverSucceeded",
            expr,
            Some(NEVER_SUCCEEDED_FOR),
            summary,
        )
    }

    /// The newest Job this CronJob owns (by start time) has failed: an older failure
    /// followed by a success, or another CronJob's failure, stays silent.
    fn failed(&self) -> Value {
        let ns = &self.namespace;
        let owner = format!(
            "kube_job_owner{{namespace={ns},owner_kind=\"CronJob\",owner_name={}}}",
            promql_string(&self.alert.cronjob_name)
        );
        let expr = format!(
            "topk(1, kube_job_status_start_time{{namespace={ns}}} * on(namespace, job_name) {owner}) and on(namespace, job_name) (kube_job_failed{{namespace={ns},condition=\"true\"}} == 1)"
        );
        let summary = format!(
            "{}: its most recent Job {{{{ $labels.job_name }}}} failed (threshold: 1 failed run, after the Job's retries)",
            self.who()
        );
        self.rule("BackupFailed", expr, None, summary)
    }

    /// Deleting the CronJob removes all its series and silences the age rules.
    fn missing(&self) -> Value {
        let expr = format!("absent(kube_cronjob_info{})", self.cronjob_selector);
        let summary = format!(
            "{}: the CronJob does not exist (threshold: absent for {MISSING_FOR})",
            self.who()
        );
        self.rule("BackupMissing", expr, Some(MISSING_FOR), summary)
    }

    fn suspended(&self) -> Value {
        let expr = format!("kube_cronjob_spec_suspend{} == 1", self.cronjob_selector);
        let summary = format!(
            "{} is suspended (threshold {})",
            self.who(),
            self.threshold_text
        );
        self.rule("BackupSuspended", expr, Some(&self.threshold_text), summary)
    }
}

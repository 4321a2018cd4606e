//! `backup_alert`: the CronJob it watches, the stale threshold's source, and the
//! Prometheus labels and annotations of the rules.

use super::names::{dns_label, dns_label_max, prometheus_label_name};
use super::report::{Problem, Report};
use super::values::http_url;
use super::{duration, schedule};
use crate::{AttrPath, BackupAlert, Defaults};
use std::collections::BTreeMap;

pub(crate) fn check(_defaults: &Defaults, alert: &BackupAlert) -> Report {
    let mut report = Report::default();
    report.check_required(
        "cronjob_name",
        &alert.cronjob_name,
        "name the CronJob to watch, e.g. the backup job's cronjob_name",
        |name| dns_label_max(name, 52, " (Kubernetes' limit for CronJob names)"),
    );
    report.check_required(
        "namespace",
        &alert.namespace,
        "set the CronJob's namespace, e.g. the backup job's namespace",
        dns_label,
    );
    match (&alert.schedule, &alert.stale_after) {
        (None, None) => report.error(
            AttrPath::root("schedule"),
            "neither `schedule` nor `stale_after` is set, so there is no stale threshold",
            "set `schedule` to the CronJob's schedule (e.g. the backup job's schedule), or `stale_after` such as 36h",
        ),
        (schedule_text, stale_after) => {
            report.check_optional(AttrPath::root("schedule"), schedule_text.as_deref(), schedule);
            report.check_optional(AttrPath::root("stale_after"), stale_after.as_deref(), duration);
        }
    }
    report.check_optional(
        AttrPath::root("severity"),
        alert.severity.as_deref(),
        severity,
    );
    report.check_optional(
        AttrPath::root("alert_prefix"),
        alert.alert_prefix.as_deref(),
        alert_prefix,
    );
    if !(alert.stale || alert.never_succeeded || alert.failed || alert.missing || alert.suspended) {
        report.error(
            AttrPath::root("stale"),
            "every alert rule is turned off, so the rule group would be empty and nothing would watch the CronJob",
            "turn on at least one of stale, never_succeeded, failed, missing and suspended, or remove the alert",
        );
    }
    check_prometheus_labels(&mut report, "labels", &alert.labels);
    check_prometheus_labels(&mut report, "annotations", &alert.annotations);
    report.check_optional(
        AttrPath::root("runbook_url"),
        alert.runbook_url.as_deref(),
        http_url,
    );
    report
}

fn severity(value: &str) -> Result<(), Problem> {
    if !value.is_empty() && value.chars().all(|c| c.is_ascii_lowercase()) {
        return Ok(());
    }
    Err(Problem::new(
        format!("{value:?} is not a severity"),
        "use lowercase letters only, e.g. critical, warning or info",
    ))
}

fn alert_prefix(value: &str) -> Result<(), Problem> {
    let shaped = value.starts_with(|c: char| c.is_ascii_uppercase())
        && value.chars().all(|c| c.is_ascii_alphanumeric());
    if shaped {
        return Ok(());
    }
    Err(Problem::new(
        format!("{value:?} is not a usable alert name prefix"),
        "use PascalCase letters and digits starting with a capital, e.g. Mailserver (alerts become MailserverBackupStale)",
    ))
}

fn check_prometheus_labels(report: &mut Report, attribute: &str, map: &BTreeMap<String, String>) {
    for (key, value) in map {
        let path = AttrPath::root(attribute).key(key);
        report.check(path.clone(), prometheus_label_name(key));
        if value.contains('\0') {
            report.error(path, "the value contains a NUL byte", "remove the NUL byte");
        }
    }
}

//! The PromQL that `backstop status` and `backstop generate dashboard` share: one place for
//! the metric families and for how Job series are joined back to their CronJob.
//!
//! Every function takes a label-matcher list (without braces) that the caller adds to each
//! selector: `status` passes none and asks for everything at once (one request per family,
//! joined locally), the dashboard passes `namespace=~"$namespace"`.
//!
//! Series sources (`shared/reference/ecosystem.md`): kube-state-metrics labels CronJob
//! series `namespace, cronjob` and Job series `namespace, job_name`; the rendered scripts
//! push to the Pushgateway group `job=<cronjob>` (codegen/templates/push_metrics.sh.hbs).

/// The figures each rendered backup script pushes after a successful run.
pub const RUN_FAMILIES: [RunFamily; 5] = [
    RunFamily::new(
        "backup_last_success_timestamp",
        "last pushed success",
        Unit::Timestamp,
    ),
    RunFamily::new("backup_duration_seconds", "duration", Unit::Seconds),
    RunFamily::new("backup_read_bytes", "read", Unit::Bytes),
    RunFamily::new("backup_written_bytes", "written", Unit::Bytes),
    RunFamily::new("backup_output_bytes", "output", Unit::Bytes),
];

/// Pushed by a restore drill when it passes.
pub const RESTORE_DRILL: &str = "backup_restore_test_last_success_timestamp";

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Unit {
    Timestamp,
    Seconds,
    Bytes,
}

#[derive(Debug, Clone, Copy)]
pub struct RunFamily {
    pub metric: &'static str,
    pub label: &'static str,
    pub unit: Unit,
}

impl RunFamily {
    const fn new(metric: &'static str, label: &'static str, unit: Unit) -> Self {
        RunFamily {
            metric,
            label,
            unit,
        }
    }
}

/// `metric{matchers,extra...}`, or the bare name when there is nothing to match.
fn selector(metric: &str, matchers: &str, extra: &[&str]) -> String {
    let all: Vec<&str> = std::iter::once(matchers)
        .chain(extra.iter().copied())
        .filter(|m| !m.is_empty())
        .collect();
    if all.is_empty() {
        metric.to_string()
    } else {
        format!("{metric}{{{}}}", all.join(","))
    }
}

/// One series per CronJob kube-state-metrics sees.
pub fn cronjob_info(matchers: &str) -> String {
    selector("kube_cronjob_info", matchers, &[])
}

/// 0 or 1 per CronJob.
pub fn suspended(matchers: &str) -> String {
    selector("kube_cronjob_spec_suspend", matchers, &[])
}

/// Absent until the first success (not 0).
pub fn last_success(matchers: &str) -> String {
    selector("kube_cronjob_status_last_successful_time", matchers, &[])
}

/// Seconds since the last success, the quantity the Stale alert compares.
pub fn success_age(matchers: &str) -> String {
    format!("time() - {}", last_success(matchers))
}

pub fn created(matchers: &str) -> String {
    selector("kube_cronjob_created", matchers, &[])
}

/// The newest Job of each CronJob (by start time), labelled `owner_name` with its CronJob:
/// the same join the rendered BackupFailed alert makes, for every CronJob at once.
pub fn newest_job(matchers: &str) -> String {
    format!(
        "topk by (namespace, owner_name) (1, {} * on(namespace, job_name) group_left(owner_name) {})",
        selector("kube_job_status_start_time", matchers, &[]),
        selector("kube_job_owner", matchers, &["owner_kind=\"CronJob\""])
    )
}

/// Jobs that failed for good (after their retries). `kube_job_failed{condition="true"}`
/// rather than `kube_job_status_failed`, which stays 1 on a Job that retried and succeeded.
pub fn failed_jobs(matchers: &str) -> String {
    format!(
        "{} == 1",
        selector("kube_job_failed", matchers, &["condition=\"true\""])
    )
}

/// A family pushed through the Pushgateway. These series carry no namespace (the group is
/// keyed by the CronJob name alone); `status` joins them locally on `job`.
pub fn pushed(metric: &str) -> String {
    metric.to_string()
}

/// A pushed family restricted to the CronJobs kube-state-metrics sees in the matched
/// namespaces, labelled with their namespace (for the dashboard's namespace variable).
pub fn pushed_in_namespace(metric: &str, matchers: &str) -> String {
    format!(
        "{metric} * on(job) group_left(namespace) max by (job, namespace) (label_replace({}, \"job\", \"$1\", \"cronjob\", \"(.+)\"))",
        cronjob_info(matchers)
    )
}

/// Seconds since the last passed restore drill.
pub fn drill_age(matchers: &str) -> String {
    format!(
        "time() - ({})",
        pushed_in_namespace(RESTORE_DRILL, matchers)
    )
}

/// Alerts of Backstop's rules (each carries a `cronjob` label) that are firing now.
pub fn firing_alerts(matchers: &str) -> String {
    selector(
        "ALERTS",
        matchers,
        &["alertstate=\"firing\"", "cronjob!=\"\""],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matchers_go_into_every_selector() {
        assert_eq!(cronjob_info(""), "kube_cronjob_info");
        assert_eq!(
            cronjob_info("namespace=~\"$namespace\""),
            "kube_cronjob_info{namespace=~\"$namespace\"}"
        );
        assert_eq!(
            failed_jobs("namespace=\"a\""),
            "kube_job_failed{namespace=\"a\",condition=\"true\"} == 1"
        );
    }
}

//! The join: each declared backup against what Prometheus sees, judged healthy or not;
//! then the backup-like CronJobs no one declares.

use super::declared::Declared;
use super::observed::{self, NewestJob, Observed};
use super::queries::RUN_FAMILIES;
use std::collections::HashSet;

/// What can be wrong with a backup, most fundamental first: the first one present is the
/// backup's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Problem {
    CronJobMissing,
    Suspended,
    NewestJobFailed,
    NeverSucceeded,
    Stale,
    RulesNotLoaded,
    AlertsFiring,
}

impl Problem {
    pub fn as_str(self) -> &'static str {
        match self {
            Problem::CronJobMissing => "cronjob missing",
            Problem::Suspended => "suspended",
            Problem::NewestJobFailed => "newest job failed",
            Problem::NeverSucceeded => "never succeeded",
            Problem::Stale => "stale",
            Problem::RulesNotLoaded => "rules not loaded",
            Problem::AlertsFiring => "alerts firing",
        }
    }
}

pub const HEALTHY: &str = "healthy";
pub const DECLARED_NOWHERE: &str = "declared nowhere";

pub struct BackupStatus {
    pub declared: Declared,
    pub cronjob_seen: bool,
    pub suspended: Option<bool>,
    pub last_success: Option<f64>,
    pub success_age: Option<f64>,
    /// Seconds since creation, when it never succeeded.
    pub created_age: Option<f64>,
    pub newest_job: Option<NewestJob>,
    /// The figures of `RUN_FAMILIES`, from the last pushed run.
    pub last_run: Option<[Option<f64>; RUN_FAMILIES.len()]>,
    pub drill_age: Option<f64>,
    pub rules_loaded: Vec<String>,
    pub firing: Vec<String>,
    pub problems: Vec<Problem>,
}

impl BackupStatus {
    pub fn state(&self) -> &'static str {
        self.problems.first().map_or(HEALTHY, |p| p.as_str())
    }
}

pub struct Report {
    pub backups: Vec<BackupStatus>,
    /// `(namespace, cronjob)` of backup-like CronJobs that no stack declares.
    pub undeclared: Vec<observed::Key>,
}

impl Report {
    pub fn healthy(&self) -> bool {
        self.undeclared.is_empty() && self.backups.iter().all(|b| b.problems.is_empty())
    }
}

/// `all` is every backup of the repository (what counts as declared); `shown` the ones
/// under the paths asked for.
pub fn build(all: &[Declared], shown: &[Declared], observed: &Observed, now: f64) -> Report {
    let declared: HashSet<(&str, &str)> = all
        .iter()
        .map(|d| (d.namespace.as_str(), d.cronjob.as_str()))
        .collect();
    let undeclared = observed::backup_like(observed)
        .filter(|(ns, cj)| !declared.contains(&(ns.as_str(), cj.as_str())))
        .cloned()
        .collect();
    Report {
        backups: shown.iter().map(|d| judge(d, observed, now)).collect(),
        undeclared,
    }
}

fn judge(declared: &Declared, observed: &Observed, now: f64) -> BackupStatus {
    let key = (declared.namespace.clone(), declared.cronjob.clone());
    let cronjob_seen = observed.cronjobs.contains(&key);
    let last_success = observed.last_success.get(&key).copied();
    let threshold = declared.stale_after_seconds.map(|s| s as f64);
    let mut status = BackupStatus {
        declared: declared.clone(),
        cronjob_seen,
        suspended: observed.suspended.get(&key).copied(),
        last_success,
        success_age: last_success.map(|t| now - t),
        created_age: match last_success {
            None => observed.created.get(&key).map(|t| now - t),
            Some(_) => None,
        },
        newest_job: observed.newest_job.get(&key).cloned(),
        last_run: observed.runs.get(&declared.cronjob).copied(),
        drill_age: observed.drills.get(&declared.cronjob).map(|t| now - t),
        rules_loaded: observed
            .rules
            .iter()
            .filter(|r| r.cronjob == declared.cronjob)
            .map(|r| r.alert.clone())
            .collect(),
        firing: observed
            .alerts
            .iter()
            .filter(|a| a.state == "firing" && a.cronjob == declared.cronjob)
            .filter(|a| {
                a.namespace
                    .as_deref()
                    .is_none_or(|ns| ns == declared.namespace)
            })
            .map(|a| a.name.clone())
            .collect(),
        problems: Vec::new(),
    };
    let mut problems = Vec::new();
    if !cronjob_seen {
        problems.push(Problem::CronJobMissing);
    } else {
        if status.suspended == Some(true) {
            problems.push(Problem::Suspended);
        }
        if status.newest_job.as_ref().is_some_and(|j| j.failed) {
            problems.push(Problem::NewestJobFailed);
        }
        match (status.success_age, status.created_age, threshold) {
            (Some(age), _, Some(limit)) if age > limit => problems.push(Problem::Stale),
            // As the NeverSucceeded rule: only once the CronJob is older than the
            // threshold (a CronJob created an hour ago has not had its first run yet).
            (None, Some(age), Some(limit)) if age > limit => problems.push(Problem::NeverSucceeded),
            (None, _, None) => problems.push(Problem::NeverSucceeded),
            _ => {}
        }
    }
    if status.rules_loaded.is_empty() {
        problems.push(Problem::RulesNotLoaded);
    }
    if !status.firing.is_empty() {
        problems.push(Problem::AlertsFiring);
    }
    problems.sort();
    status.problems = problems;
    status
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::observed::LoadedRule;
    use std::path::PathBuf;

    const NOW: f64 = 1_800_000_000.0;
    const DAY: f64 = 86_400.0;

    fn declared(threshold: Option<u64>) -> Declared {
        Declared {
            stack: PathBuf::from("/repo/stacks/app"),
            namespace: "apps".into(),
            cronjob: "app-backup".into(),
            declared_at: "stacks/app/main.tf:1".into(),
            via: None,
            stale_after_seconds: threshold,
        }
    }

    fn seen(created_ago: f64, success_ago: Option<f64>) -> Observed {
        let key = ("apps".to_string(), "app-backup".to_string());
        let mut observed = Observed::default();
        observed.cronjobs.insert(key.clone());
        observed.suspended.insert(key.clone(), false);
        observed.created.insert(key.clone(), NOW - created_ago);
        if let Some(ago) = success_ago {
            observed.last_success.insert(key, NOW - ago);
        }
        observed.rules.push(LoadedRule {
            alert: "AppBackupStale".into(),
            cronjob: "app-backup".into(),
        });
        observed
    }

    fn problems(threshold: Option<u64>, observed: &Observed) -> Vec<Problem> {
        let d = declared(threshold);
        build(
            std::slice::from_ref(&d),
            std::slice::from_ref(&d),
            observed,
            NOW,
        )
        .backups[0]
            .problems
            .clone()
    }

    #[test]
    fn never_succeeded_only_once_older_than_the_threshold_as_the_alert() {
        let threshold = Some(36 * 3600);
        assert_eq!(problems(threshold, &seen(3600.0, None)), vec![]);
        assert_eq!(
            problems(threshold, &seen(2.0 * DAY, None)),
            vec![Problem::NeverSucceeded]
        );
        // Without a readable schedule there is no threshold to wait for.
        assert_eq!(
            problems(None, &seen(3600.0, None)),
            vec![Problem::NeverSucceeded]
        );
    }

    #[test]
    fn stale_is_strictly_past_the_threshold() {
        let threshold = Some(36 * 3600);
        assert_eq!(
            problems(threshold, &seen(9.0 * DAY, Some(35.0 * 3600.0))),
            vec![]
        );
        assert_eq!(
            problems(threshold, &seen(9.0 * DAY, Some(37.0 * 3600.0))),
            vec![Problem::Stale]
        );
        // No threshold: an old success is reported as such, not judged.
        assert_eq!(problems(None, &seen(9.0 * DAY, Some(30.0 * DAY))), vec![]);
    }

    #[test]
    fn a_missing_cronjob_is_not_also_never_succeeded() {
        let mut observed = seen(DAY, None);
        observed.cronjobs.clear();
        assert_eq!(
            problems(Some(3600), &observed),
            vec![Problem::CronJobMissing]
        );
    }
}

//! The observed side: a fixed set of requests (one per metric family, plus the rules and
//! the alerts), made concurrently whatever the number of backups, indexed for local joins.

use super::prometheus::{Prometheus, Sample};
use super::queries::{self, RUN_FAMILIES};
use std::collections::{BTreeSet, HashMap, HashSet};

/// `(namespace, cronjob)`.
pub type Key = (String, String);

#[derive(Debug, Clone)]
pub struct LoadedRule {
    pub alert: String,
    pub cronjob: String,
}

#[derive(Debug, Clone)]
pub struct Alert {
    pub name: String,
    pub cronjob: String,
    /// Absent on an alert whose expression drops the label.
    pub namespace: Option<String>,
    pub state: String,
}

#[derive(Debug, Clone)]
pub struct NewestJob {
    pub name: String,
    pub started: f64,
    pub failed: bool,
}

#[derive(Default)]
pub struct Observed {
    pub cronjobs: BTreeSet<Key>,
    pub suspended: HashMap<Key, bool>,
    pub last_success: HashMap<Key, f64>,
    pub created: HashMap<Key, f64>,
    pub newest_job: HashMap<Key, NewestJob>,
    /// Pushgateway group (the CronJob name) -> value of each of `RUN_FAMILIES`.
    pub runs: HashMap<String, [Option<f64>; RUN_FAMILIES.len()]>,
    pub drills: HashMap<String, f64>,
    pub rules: Vec<LoadedRule>,
    pub alerts: Vec<Alert>,
}

const PUSHGATEWAY_INFO: &str = "pushgateway_build_info";

/// Runs every request at once (threads: the blocking client, a dozen requests), then joins.
pub fn fetch(prometheus: &Prometheus) -> Result<Observed, String> {
    let families: Vec<String> = [
        queries::cronjob_info(""),
        queries::suspended(""),
        queries::last_success(""),
        queries::created(""),
        queries::newest_job(""),
        queries::failed_jobs(""),
        PUSHGATEWAY_INFO.to_string(),
        queries::pushed(queries::RESTORE_DRILL),
    ]
    .into_iter()
    .chain(RUN_FAMILIES.iter().map(|f| queries::pushed(f.metric)))
    .collect();
    let (vectors, rules, alerts) = std::thread::scope(|scope| {
        let queries: Vec<_> = families
            .iter()
            .map(|promql| scope.spawn(|| prometheus.query(promql)))
            .collect();
        let rules = scope.spawn(|| prometheus.alert_rules());
        let alerts = scope.spawn(|| prometheus.alerts());
        let vectors: Vec<Result<Vec<Sample>, String>> = queries
            .into_iter()
            .map(|handle| handle.join().expect("query thread panicked"))
            .collect();
        (
            vectors,
            rules.join().expect("rules thread panicked"),
            alerts.join().expect("alerts thread panicked"),
        )
    });
    let mut vectors = vectors
        .into_iter()
        .collect::<Result<Vec<_>, _>>()?
        .into_iter();
    let mut next = || vectors.next().expect("one vector per family");
    let (info, suspend, success, created, newest, failed, pushgateway, drills) = (
        next(),
        next(),
        next(),
        next(),
        next(),
        next(),
        next(),
        next(),
    );
    let runs: Vec<Vec<Sample>> = RUN_FAMILIES.iter().map(|_| next()).collect();

    if info.is_empty() {
        return Err(format!(
            "{}: no kube_cronjob_info series at all: Prometheus does not scrape kube-state-metrics (or it sees no CronJob); `status` reads CronJobs from it",
            prometheus.url()
        ));
    }
    if pushgateway.is_empty() && runs.iter().all(Vec::is_empty) {
        return Err(format!(
            "{}: no {PUSHGATEWAY_INFO} and no backup_* series: Prometheus does not scrape the Pushgateway the backup scripts push to (scrape it with honor_labels: true)",
            prometheus.url()
        ));
    }

    let mut observed = Observed {
        cronjobs: info.iter().map(cronjob_key).collect(),
        suspended: by_cronjob(&suspend, |v| v == 1.0),
        last_success: by_cronjob(&success, |v| v),
        created: by_cronjob(&created, |v| v),
        ..Observed::default()
    };
    observed.newest_job = newest_jobs(&newest, &failed);
    for (index, family) in runs.iter().enumerate() {
        for sample in family {
            let figures = observed
                .runs
                .entry(pushed_group(sample))
                .or_insert([None; RUN_FAMILIES.len()]);
            figures[index] = Some(sample.value);
        }
    }
    observed.drills = drills.iter().map(|s| (pushed_group(s), s.value)).collect();
    observed.rules = rules?.iter().filter_map(loaded_rule).collect();
    observed.alerts = alerts?.iter().filter_map(alert).collect();
    Ok(observed)
}

/// Each CronJob's newest Job, marked failed when kube-state-metrics reports it so.
fn newest_jobs(newest: &[Sample], failed: &[Sample]) -> HashMap<Key, NewestJob> {
    let failed: HashSet<Key> = failed
        .iter()
        .map(|s| {
            (
                s.label("namespace").to_string(),
                s.label("job_name").to_string(),
            )
        })
        .collect();
    let mut jobs = HashMap::new();
    for sample in newest {
        let key = (
            sample.label("namespace").to_string(),
            sample.label("owner_name").to_string(),
        );
        let job_name = sample.label("job_name").to_string();
        let is_failed = failed.contains(&(key.0.clone(), job_name.clone()));
        jobs.insert(
            key,
            NewestJob {
                name: job_name,
                started: sample.value,
                failed: is_failed,
            },
        );
    }
    jobs
}

/// An alerting rule of the rules API that names a CronJob.
fn loaded_rule(rule: &serde_json::Value) -> Option<LoadedRule> {
    Some(LoadedRule {
        alert: rule["name"].as_str()?.to_string(),
        cronjob: rule["labels"]["cronjob"].as_str()?.to_string(),
    })
}

/// An alert of the alerts API that names a CronJob.
fn alert(alert: &serde_json::Value) -> Option<Alert> {
    let labels = &alert["labels"];
    Some(Alert {
        name: labels["alertname"].as_str()?.to_string(),
        cronjob: labels["cronjob"].as_str()?.to_string(),
        namespace: labels["namespace"].as_str().map(str::to_string),
        state: alert["state"].as_str().unwrap_or("").to_string(),
    })
}

fn cronjob_key(sample: &Sample) -> Key {
    (
        sample.label("namespace").to_string(),
        sample.label("cronjob").to_string(),
    )
}

fn by_cronjob<T>(samples: &[Sample], value: impl Fn(f64) -> T) -> HashMap<Key, T> {
    samples
        .iter()
        .map(|s| (cronjob_key(s), value(s.value)))
        .collect()
}

/// The Pushgateway group a sample was pushed to: `job`, or `exported_job` when Prometheus
/// scrapes the Pushgateway without `honor_labels` (then `job` is the scrape job's name).
fn pushed_group(sample: &Sample) -> String {
    let exported = sample.label("exported_job");
    if exported.is_empty() {
        sample.label("job").to_string()
    } else {
        exported.to_string()
    }
}

/// Backup-like CronJobs (named like a backup, as the linter judges hand-written ones) that
/// kube-state-metrics sees.
pub fn backup_like(observed: &Observed) -> impl Iterator<Item = &Key> {
    observed
        .cronjobs
        .iter()
        .filter(|(_, cronjob)| cronjob.contains("backup"))
}

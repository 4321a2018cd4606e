//! `--format human` (one block per backup) and `--format json` (the same facts, raw numbers).

use super::declared::Unresolved;
use super::queries::{Unit, RUN_FAMILIES};
use super::report::{BackupStatus, Report, DECLARED_NOWHERE};
use backstop_codegen::duration::format_seconds;
use backstop_lint::output::counted;
use serde_json::{json, Value};

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
}

pub struct Context<'a> {
    pub url: &'a str,
    pub requests: usize,
    pub unresolved: &'a [Unresolved],
    /// Unix time the ages are measured against.
    pub now: f64,
}

pub fn render(format: Format, report: &Report, context: &Context) -> String {
    match format {
        Format::Human => human(report, context),
        Format::Json => {
            let mut text = serde_json::to_string_pretty(&json_report(report, context))
                .expect("JSON values serialize");
            text.push('\n');
            text
        }
    }
}

fn human(report: &Report, context: &Context) -> String {
    let mut out = format!(
        "Prometheus {} ({})\n",
        context.url,
        counted(context.requests, "request")
    );
    for backup in &report.backups {
        out.push('\n');
        out.push_str(&human_backup(backup, context.now));
    }
    for (namespace, cronjob) in &report.undeclared {
        out.push_str(&format!(
            "\n{namespace}/{cronjob}  {DECLARED_NOWHERE}\n  a backup-like CronJob kube-state-metrics sees that no stack of this repository declares\n"
        ));
    }
    for unresolved in context.unresolved {
        out.push_str(&format!(
            "\nnot checked: the backup at {}: {}\n",
            unresolved.declared_at, unresolved.reason
        ));
    }
    let unhealthy = report
        .backups
        .iter()
        .filter(|b| !b.problems.is_empty())
        .count();
    out.push_str(&format!(
        "\n{}: {} healthy, {} unhealthy; {} {}\n",
        counted(report.backups.len(), "backup"),
        report.backups.len() - unhealthy,
        unhealthy,
        report.undeclared.len(),
        DECLARED_NOWHERE
    ));
    out
}

fn human_backup(b: &BackupStatus, now: f64) -> String {
    let d = &b.declared;
    let mut lines = vec![format!("{}/{}  {}", d.namespace, d.cronjob, b.state())];
    let mut row = |name: &str, text: String| lines.push(format!("  {name:<11}{text}"));
    let via = d
        .via
        .as_ref()
        .map_or(String::new(), |v| format!(" (module call at {v})"));
    row("declared", format!("{}{via}", d.declared_at));
    row(
        "cronjob",
        match (b.cronjob_seen, b.suspended) {
            (false, _) => "not seen by kube-state-metrics".into(),
            (true, Some(true)) => "seen, suspended".into(),
            (true, _) => "seen, active".into(),
        },
    );
    let threshold = d
        .stale_after_seconds
        .map_or("threshold unknown: schedule not readable".into(), |t| {
            format!("stale after {}", format_seconds(t))
        });
    row(
        "success",
        match (b.success_age, b.created_age) {
            _ if !b.cronjob_seen => format!("unknown without the CronJob ({threshold})"),
            (Some(age), _) => format!("{} ago ({threshold})", age_text(age)),
            (None, Some(age)) => format!("never (created {} ago; {threshold})", age_text(age)),
            (None, None) => format!("never ({threshold})"),
        },
    );
    if let Some(job) = &b.newest_job {
        let outcome = if job.failed { "failed" } else { "not failed" };
        row("newest job", format!("{} {outcome}", job.name));
    }
    row(
        "last run",
        match &b.last_run {
            Some(figures) => run_text(figures, now),
            None => "no metrics pushed".into(),
        },
    );
    if let Some(age) = b.drill_age {
        row("restore", format!("drill passed {} ago", age_text(age)));
    }
    row(
        "rules",
        if b.rules_loaded.is_empty() {
            "not loaded in this Prometheus".into()
        } else {
            format!("{} loaded", b.rules_loaded.len())
        },
    );
    if !b.firing.is_empty() {
        row("firing", b.firing.join(", "));
    }
    lines.join("\n") + "\n"
}

/// The last pushed run, e.g. `pushed 5h ago: 12s, read 1.2 MB, written 800 kB, output 12.0 MB`.
fn run_text(figures: &[Option<f64>], now: f64) -> String {
    let mut pushed = String::new();
    let mut parts = Vec::new();
    for (family, value) in RUN_FAMILIES.iter().zip(figures) {
        match (value, family.unit) {
            (None, Unit::Timestamp) => {}
            (None, _) => parts.push(format!("{} ?", family.label)),
            (Some(t), Unit::Timestamp) => pushed = format!("pushed {} ago: ", age_text(now - t)),
            (Some(v), Unit::Seconds) => parts.push(format_seconds(v.max(0.0) as u64)),
            (Some(v), Unit::Bytes) => parts.push(format!("{} {}", family.label, bytes_text(*v))),
        }
    }
    pushed + &parts.join(", ")
}

/// Rounded for reading: minutes dropped past a day, seconds past an hour.
fn age_text(seconds: f64) -> String {
    if seconds < 0.0 {
        return "in the future (clock skew?)".into();
    }
    let seconds = seconds as u64;
    let rounded = match seconds {
        0..3600 => seconds,
        3600..172_800 => seconds / 60 * 60,
        _ => seconds / 3600 * 3600,
    };
    format_seconds(rounded.max(1))
}

fn bytes_text(bytes: f64) -> String {
    const UNITS: [&str; 5] = ["B", "kB", "MB", "GB", "TB"];
    let mut value = bytes;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{value:.0} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

fn json_report(report: &Report, context: &Context) -> Value {
    json!({
        "prometheus": context.url,
        "requests": context.requests,
        "healthy": report.healthy(),
        "backups": report.backups.iter().map(json_backup).collect::<Vec<_>>(),
        "declared_nowhere": report.undeclared.iter().map(|(namespace, cronjob)| json!({
            "namespace": namespace, "cronjob": cronjob, "state": DECLARED_NOWHERE,
        })).collect::<Vec<_>>(),
        "not_checked": context.unresolved.iter().map(|u| json!({
            "declared_at": u.declared_at, "reason": u.reason,
        })).collect::<Vec<_>>(),
    })
}

fn json_backup(b: &BackupStatus) -> Value {
    let d = &b.declared;
    let last_run = b.last_run.map(|figures| {
        RUN_FAMILIES
            .iter()
            .zip(figures)
            .map(|(family, value)| (family.metric.to_string(), json!(value)))
            .collect::<serde_json::Map<_, _>>()
    });
    json!({
        "namespace": d.namespace,
        "cronjob": d.cronjob,
        "state": b.state(),
        "problems": b.problems.iter().map(|p| p.as_str()).collect::<Vec<_>>(),
        "declared_at": d.declared_at,
        "module_call": d.via,
        "cronjob_seen": b.cronjob_seen,
        "suspended": b.suspended,
        "last_success": b.last_success,
        "last_success_age_seconds": b.success_age,
        "created_age_seconds": b.created_age,
        "stale_after_seconds": d.stale_after_seconds,
        "newest_job": b.newest_job.as_ref().map(|j| json!({
            "name": j.name, "started": j.started, "failed": j.failed,
        })),
        "last_run": last_run,
        "restore_drill_age_seconds": b.drill_age,
        "rules_loaded": b.rules_loaded,
        "firing": b.firing,
    })
}

//! `backstop generate dashboard [PATH...] [--out FILE]`: a Grafana dashboard of the backups,
//! built on the same PromQL as `backstop status` (`status::queries`), with a namespace
//! variable. The repository's declared backups give each one's stale threshold, so the
//! "age against threshold" panel shows 1.0 where the Stale alert starts.

use crate::exit::Exit;
use crate::status::declared::{self, Declared};
use crate::status::queries::{self, RUN_FAMILIES};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct Args {
    /// Folders whose declared backups set the thresholds (default: the current folder; the
    /// repository around it is read).
    pub paths: Vec<PathBuf>,
    /// Write the dashboard here instead of stdout.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Grafana's dashboard schema version this JSON is written against (Grafana 10/11 import
/// it unchanged and migrate it forward).
const SCHEMA_VERSION: u64 = 39;
/// The namespace variable every query filters on.
const NAMESPACE: &str = "namespace=~\"$namespace\"";
const DATASOURCE: &str = "${datasource}";

pub fn run(args: Args) -> Exit {
    let backups = match in_scope(&args.paths) {
        Ok(backups) => backups,
        Err(message) => {
            eprintln!("backstop generate dashboard: {message}");
            return Exit::Usage;
        }
    };
    let mut text = serde_json::to_string_pretty(&dashboard(&backups)).expect("JSON serializes");
    text.push('\n');
    let written = match &args.out {
        Some(path) => write_whole(path, &text),
        None => std::io::stdout()
            .write_all(text.as_bytes())
            .map_err(|e| format!("stdout: {e}")),
    };
    match written {
        Ok(()) => Exit::Success,
        Err(message) => {
            eprintln!("backstop generate dashboard: {message}");
            Exit::Usage
        }
    }
}

/// Written beside the target, then renamed over it: never a half-written dashboard.
fn write_whole(path: &Path, text: &str) -> Result<(), String> {
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    std::fs::write(&partial, text)
        .and_then(|()| std::fs::rename(&partial, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&partial);
            format!("{}: {e}", path.display())
        })
}

fn in_scope(paths: &[PathBuf]) -> Result<Vec<Declared>, String> {
    let scope = crate::status::scope(paths)?;
    let root = backstop_lint::find_root(&scope[0]);
    Ok(declared::read(&root)?
        .backups
        .into_iter()
        .filter(|d| scope.iter().any(|p| d.stack.starts_with(p)))
        .collect())
}

/// The dashboard: one panel per question, one series per backup (legend namespace/cronjob).
/// The panels, in reading order (two per row).
fn panels(backups: &[Declared]) -> Vec<Value> {
    let mut panels = Vec::new();
    if let Some(expr) = age_over_threshold(backups) {
        panels.push(panel(
            "Age since last success / stale threshold (1 = Stale alert threshold)",
            "timeseries",
            "percentunit",
            vec![target("A", &expr, "{{namespace}}/{{cronjob}}")],
        ));
    }
    panels.push(panel(
        "Age since last success",
        "timeseries",
        "s",
        vec![target(
            "A",
            &queries::success_age(NAMESPACE),
            "{{namespace}}/{{cronjob}}",
        )],
    ));
    let figure = |metric: &str| queries::pushed_in_namespace(metric, NAMESPACE);
    let run_family = |unit| RUN_FAMILIES.iter().filter(move |f| f.unit == unit);
    panels.push(panel(
        "Last run duration",
        "timeseries",
        "s",
        run_family(queries::Unit::Seconds)
            .map(|f| target("A", &figure(f.metric), "{{namespace}}/{{job}}"))
            .collect(),
    ));
    panels.push(panel(
        "Bytes read / written / output by the last run",
        "timeseries",
        "bytes",
        run_family(queries::Unit::Bytes)
            .zip(["A", "B", "C"])
            .map(|(f, id)| {
                target(
                    id,
                    &figure(f.metric),
                    &format!("{{{{namespace}}}}/{{{{job}}}} {}", f.label),
                )
            })
            .collect(),
    ));
    panels.push(panel(
        "Restore-drill age",
        "timeseries",
        "s",
        vec![target(
            "A",
            &queries::drill_age(NAMESPACE),
            "{{namespace}}/{{job}}",
        )],
    ));
    let mut alerts = panel(
        "Firing alerts",
        "table",
        "none",
        vec![target(
            "A",
            &queries::firing_alerts(NAMESPACE),
            "{{alertname}}",
        )],
    );
    alerts["targets"][0]["instant"] = json!(true);
    alerts["targets"][0]["format"] = json!("table");
    panels.push(alerts);
    panels
}

pub fn dashboard(backups: &[Declared]) -> Value {
    let mut panels = panels(backups);
    for (id, panel) in panels.iter_mut().enumerate() {
        panel["id"] = json!(id + 1);
        panel["gridPos"] = json!({ "h": 8, "w": 12, "x": (id % 2) * 12, "y": (id / 2) * 8 });
    }
    json!({
        "uid": "backstop-backups",
        "title": "Backstop backups",
        "description": "Generated by `backstop generate dashboard`: the same queries as `backstop status`.",
        "tags": ["backstop", "backup"],
        "timezone": "browser",
        "editable": true,
        "schemaVersion": SCHEMA_VERSION,
        "version": 1,
        "refresh": "1m",
        "time": { "from": "now-7d", "to": "now" },
        "annotations": { "list": [] },
        "templating": { "list": variables() },
        "panels": panels,
    })
}

/// The dashboard variables: the Prometheus data source and the namespaces shown.
fn variables() -> Value {
    json!([
            {
                "name": "datasource",
                "label": "Prometheus",
                "type": "datasource",
                "query": "prometheus",
                "current": {},
                "hide": 0,
            },
            {
                "name": "namespace",
                "label": "Namespace",
                "type": "query",
                "datasource": { "type": "prometheus", "uid": DATASOURCE },
                "query": { "query": "label_values(kube_cronjob_info, namespace)", "refId": "namespaces" },
                "definition": "label_values(kube_cronjob_info, namespace)",
                "refresh": 2,
                "multi": true,
                "includeAll": true,
                "allValue": ".*",
                "current": {},
                "sort": 1,
                "hide": 0,
            },
    ])
}

/// Age since the last success divided by each backup's own threshold: one selector per
/// (namespace, threshold), joined with `or`. `None` when no declared threshold is known.
fn age_over_threshold(backups: &[Declared]) -> Option<String> {
    let mut groups: BTreeMap<(&str, u64), Vec<&str>> = BTreeMap::new();
    for backup in backups {
        if let Some(threshold) = backup.stale_after_seconds {
            groups
                .entry((&backup.namespace, threshold))
                .or_default()
                .push(&backup.cronjob);
        }
    }
    let parts: Vec<String> = groups
        .iter()
        .map(|((namespace, threshold), cronjobs)| {
            let matchers = format!(
                "{NAMESPACE},namespace=\"{namespace}\",cronjob=~\"{}\"",
                cronjobs
                    .iter()
                    .map(|c| regex_literal(c))
                    .collect::<Vec<_>>()
                    .join("|")
            );
            format!("({}) / {threshold}", queries::success_age(&matchers))
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join(" or "))
}

/// A CronJob name as a literal inside a regex in a PromQL string: `a.b` becomes `a\\.b` in
/// the query text, which PromQL unescapes to the regex `a\.b`.
fn regex_literal(name: &str) -> String {
    name.replace('.', "\\\\.")
}

fn target(ref_id: &str, expr: &str, legend: &str) -> Value {
    json!({
        "refId": ref_id,
        "datasource": { "type": "prometheus", "uid": DATASOURCE },
        "expr": expr,
        "legendFormat": legend,
    })
}

fn panel(title: &str, kind: &str, unit: &str, targets: Vec<Value>) -> Value {
    json!({
        "type": kind,
        "title": title,
        "datasource": { "type": "prometheus", "uid": DATASOURCE },
        "fieldConfig": { "defaults": { "unit": unit }, "overrides": [] },
        "options": {},
        "targets": targets,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn backup(namespace: &str, cronjob: &str, threshold: Option<u64>) -> Declared {
        Declared {
            stack: PathBuf::from("/repo/stacks/a"),
            namespace: namespace.into(),
            cronjob: cronjob.into(),
            declared_at: "stacks/a/main.tf:1".into(),
            via: None,
            stale_after_seconds: threshold,
        }
    }

    #[test]
    fn one_selector_per_namespace_and_threshold() {
        let expr = age_over_threshold(&[
            backup("a", "x-backup", Some(100)),
            backup("a", "y.v2-backup", Some(100)),
            backup("b", "z-backup", Some(200)),
            backup("b", "unknown-backup", None),
        ])
        .unwrap();
        assert_eq!(
            expr,
            "(time() - kube_cronjob_status_last_successful_time{namespace=~\"$namespace\",namespace=\"a\",cronjob=~\"x-backup|y\\\\.v2-backup\"}) / 100 or (time() - kube_cronjob_status_last_successful_time{namespace=~\"$namespace\",namespace=\"b\",cronjob=~\"z-backup\"}) / 200"
        );
        assert_eq!(age_over_threshold(&[backup("a", "x", None)]), None);
    }
}

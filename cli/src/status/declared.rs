//! The declared side: every backup CronJob the repository declares (`backstop_backup_job`
//! resources, local module calls that contain them, hand-written backup CronJobs and
//! CronJob manifests such as `backstop render`'s YAML), read through the linter's model,
//! with its stale threshold computed by the rendering core.

use backstop_codegen::BackupAlert;
use backstop_lint as lint;
use backstop_lint::model::{Job, Model};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct Declared {
    /// The stack (root module folder) that declares it.
    pub stack: PathBuf,
    pub namespace: String,
    pub cronjob: String,
    /// `file:line` of the resource (inside the module, for a module call).
    pub declared_at: String,
    /// `file:line` of the outermost module call, when the resource sits in a module.
    pub via: Option<String>,
    /// What the rendered Stale alert uses; `None` when the schedule cannot be read.
    pub stale_after_seconds: Option<u64>,
}

/// A backup whose name or namespace the linter could not resolve to a string, or a file
/// it could not parse.
pub struct Unresolved {
    pub stack: PathBuf,
    pub declared_at: String,
    pub reason: String,
}

pub struct DeclaredSet {
    pub backups: Vec<Declared>,
    pub unresolved: Vec<Unresolved>,
}

/// Every backup declared in the repository at `root`, read with its `backstop.toml` as
/// `backstop lint` reads it.
pub fn read(root: &Path) -> Result<DeclaredSet, String> {
    let config = lint::load_config(root, None).map_err(|e| e.to_string())?;
    let (repo, model) = lint::read_model(root, &config);
    let place = |loc: &lint::model::Loc| {
        let file = &repo.files[loc.file];
        format!("{}:{}", file.rel, file.line_col(loc.span.start).0)
    };
    let alerts = declared_alerts(&model);
    let mut set = DeclaredSet {
        backups: Vec::new(),
        unresolved: Vec::new(),
    };
    for stack in &model.stacks {
        for job in stack.jobs.iter().filter(|j| j.looks_like_backup()) {
            let declared_at = place(&job.origin.loc);
            match (job.namespace.as_str(), job.name.as_str()) {
                (Some(namespace), Some(cronjob)) => {
                    let via = (job.origin.anchors.len() > 1).then(|| place(&job.origin.anchors[0]));
                    set.backups.push(Declared {
                        stack: stack.dir.clone(),
                        namespace: namespace.to_string(),
                        cronjob: cronjob.to_string(),
                        declared_at,
                        via,
                        stale_after_seconds: alerts
                            .get(&(namespace.to_string(), cronjob.to_string()))
                            .copied()
                            .or_else(|| stale_threshold(job, namespace, cronjob)),
                    });
                }
                _ => set.unresolved.push(Unresolved {
                    stack: stack.dir.clone(),
                    declared_at,
                    reason: "its name or namespace is not a value the linter can resolve".into(),
                }),
            }
        }
    }
    // A file that does not parse declares nothing the linter can read: say so, or its
    // CronJobs would only show up as "declared nowhere".
    for file in &repo.files {
        if let Some(Err(error)) = &file.hcl {
            set.unresolved.push(Unresolved {
                stack: file.path.parent().unwrap_or(&file.path).to_path_buf(),
                declared_at: format!("{}:{}", file.rel, error.line),
                reason: format!(
                    "the file does not parse ({}), so its backups cannot be read",
                    error.message
                ),
            });
        }
    }
    // A module called twice with the same inputs declares the same CronJob twice.
    set.backups.sort_by(|a, b| {
        (&a.namespace, &a.cronjob, &a.declared_at).cmp(&(&b.namespace, &b.cronjob, &b.declared_at))
    });
    set.backups
        .dedup_by(|a, b| a.namespace == b.namespace && a.cronjob == b.cronjob);
    Ok(set)
}

/// The threshold the core renders into this CronJob's Stale alert when no
/// `backstop_backup_alert` declares one: from the job's schedule.
fn stale_threshold(job: &Job, namespace: &str, cronjob: &str) -> Option<u64> {
    lint::stale_threshold(BackupAlert {
        cronjob_name: cronjob.to_string(),
        namespace: namespace.to_string(),
        schedule: Some(job.schedule.as_str()?.to_string()),
        ..BackupAlert::default()
    })
}

/// The thresholds of the Stale rules the linter read from `backstop_backup_alert`
/// resources (rendered by the core), by (namespace, cronjob); the first one declared wins.
fn declared_alerts(model: &Model) -> HashMap<(String, String), u64> {
    let mut thresholds = HashMap::new();
    for rule in &model.alerts {
        if let (Some(namespace), Some(seconds), false) =
            (&rule.namespace, rule.stale_after_seconds, rule.regex)
        {
            thresholds
                .entry((namespace.clone(), rule.cronjob.clone()))
                .or_insert(seconds);
        }
    }
    thresholds
}

#[cfg(test)]
mod tests {
    use super::read;

    /// `backstop render`'s YAML committed beside the stack and applied with
    /// `kubernetes_manifest` declares its CronJob as the `backstop_backup_job` would.
    #[test]
    fn a_cronjob_applied_from_rendered_yaml_is_declared() {
        let root =
            std::env::temp_dir().join(format!("backstop-status-yaml-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let k8s = root.join("stacks/mail/k8s");
        std::fs::create_dir_all(&k8s).expect("create the repository");
        std::fs::write(root.join("backstop.toml"), "").expect("backstop.toml");
        let job = backstop_codegen::BackupJob {
            name: "mail".into(),
            namespace: "mail".into(),
            schedule: "0 */6 * * *".into(),
            source_claim: Some("mail-data".into()),
            mounts: [(
                "data".to_string(),
                backstop_codegen::Mount {
                    path: "/var/mail".into(),
                    sub_path: None,
                },
            )]
            .into(),
            destination_claim: "mail-backup-host".into(),
            ..backstop_codegen::BackupJob::default()
        };
        let rendered = backstop_codegen::render_job(&Default::default(), &job).expect("renders");
        let yaml = backstop_codegen::render::to_yaml(&[&rendered.settings, &rendered.cronjob]);
        std::fs::write(k8s.join("backup.yaml"), yaml).expect("the YAML");
        std::fs::write(
            root.join("stacks/mail/main.tf"),
            "resource \"kubectl_manifest\" \"backup\" {\n  yaml_body = file(\"${path.module}/k8s/backup.yaml\")\n}\n",
        )
        .expect("main.tf");
        let declared = read(&root).expect("the repository reads");
        let _ = std::fs::remove_dir_all(&root);
        let found: Vec<(&str, &str, &str, Option<u64>)> = declared
            .backups
            .iter()
            .map(|b| {
                (
                    b.namespace.as_str(),
                    b.cronjob.as_str(),
                    b.declared_at.as_str(),
                    b.stale_after_seconds,
                )
            })
            .collect();
        // Every 6 hours: the Stale alert's threshold is 24 h (conventions section 3).
        assert_eq!(
            found,
            [("mail", "mail-backup", "stacks/mail/main.tf:1", Some(86_400))]
        );
    }
}

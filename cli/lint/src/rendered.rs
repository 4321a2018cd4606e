//! Backstop's own resources rendered through the core, as the provider and `backstop
//! render` render them: the linter reads the CronJob's facts (name, schedule, image,
//! volumes, mounts and their read-only flags, script) and the alert rules from the
//! rendered objects instead of rebuilding them. A block whose values are not all static
//! (module variables the linter cannot resolve, computed attributes), or that the core
//! refuses, is left to the hand model in `extract` and `values`.

use super::eval::{Env, Val};
use super::syntax::Block;
use backstop_codegen::schema::read;
use backstop_codegen::{
    render_alert, render_volume, BackupAlert, BackupJob, Defaults, JobRenderer, NfsBackupVolume,
    RenderedAlert, RenderedJob, RenderedVolume,
};
use serde_json::{Map, Number, Value};
use std::sync::OnceLock;

/// Terraform's meta-arguments of resources and provider blocks: not Backstop attributes.
const META_ARGUMENTS: [&str; 7] = [
    "count",
    "for_each",
    "depends_on",
    "provider",
    "lifecycle",
    "alias",
    "version",
];

/// The block's attributes as JSON, when every one of them is static.
fn static_values(env: &Env, block: &Block) -> Option<Map<String, Value>> {
    block
        .attrs
        .iter()
        .filter(|a| !META_ARGUMENTS.contains(&a.key.as_str()))
        .map(|a| Some((a.key.clone(), json(&env.eval(&a.value))?)))
        .collect()
}

/// A static value as JSON; `None` when any part of it is unknown.
pub fn json(value: &Val) -> Option<Value> {
    Some(match value {
        Val::Null => Value::Null,
        Val::Bool(b) => Value::Bool(*b),
        Val::Num(n) if n.fract() == 0.0 && *n >= 0.0 && *n <= u64::MAX as f64 => {
            Value::Number(Number::from(*n as u64))
        }
        Val::Num(n) => Value::Number(Number::from_f64(*n)?),
        Val::Str(s) => Value::String(s.clone()),
        Val::List(items) => Value::Array(items.iter().map(json).collect::<Option<_>>()?),
        Val::Map(entries) => Value::Object(
            entries
                .iter()
                .map(|(k, v)| Some((k.clone(), json(v)?)))
                .collect::<Option<_>>()?,
        ),
        Val::Unknown(_) => return None,
    })
}

/// Reads `values` with the core's reader (the front ends' one); `None` on a type error.
fn read_static<T>(
    values: &Map<String, Value>,
    reader: impl FnOnce(&read::Values) -> (T, backstop_codegen::Diagnostics),
) -> Option<T> {
    let (object, diagnostics) = reader(values);
    diagnostics.is_empty().then_some(object)
}

/// The `provider "backstop"` block of the module, when it is there and static: the
/// defaults every object is rendered with. None written: the core's own defaults.
fn defaults(env: &Env) -> Option<Defaults> {
    let provider = env
        .scope
        .blocks()
        .find(|b| b.kind == "provider" && b.labels.first().map(String::as_str) == Some("backstop"));
    match provider {
        None => Some(Defaults::default()),
        Some(block) => read_static(&static_values(env, block)?, read::defaults),
    }
}

/// An object as the provider renders it: `None` unless the attribute that names it and
/// every value are static and the core accepts them.
fn render<T, R, E>(
    env: &Env,
    block: &Block,
    naming: &str,
    reader: impl FnOnce(&read::Values) -> (T, backstop_codegen::Diagnostics),
    render: impl FnOnce(&Defaults, &T) -> Result<R, E>,
) -> Option<(T, R)> {
    let values = static_values(env, block)?;
    values.get(naming)?;
    let object = read_static(&values, reader)?;
    let rendered = render(&defaults(env)?, &object).ok()?;
    Some((object, rendered))
}

/// The script templates, parsed once for the whole run (parsing dominates a job's render).
fn job_renderer() -> &'static JobRenderer {
    static RENDERER: OnceLock<JobRenderer> = OnceLock::new();
    RENDERER.get_or_init(JobRenderer::new)
}

/// A `backstop_backup_job` as the provider renders it.
pub fn job(env: &Env, block: &Block) -> Option<(BackupJob, RenderedJob)> {
    render(env, block, "name", read::job, |defaults, job| {
        job_renderer().render_job(defaults, job)
    })
}

/// A `backstop_nfs_backup_volume` as the provider renders it.
pub fn volume(env: &Env, block: &Block) -> Option<(NfsBackupVolume, RenderedVolume)> {
    render(env, block, "name", read::volume, render_volume)
}

/// A `backstop_backup_alert` as the provider renders it.
pub fn alert(env: &Env, block: &Block) -> Option<(BackupAlert, RenderedAlert)> {
    render(env, block, "cronjob_name", read::alert, render_alert)
}

/// The threshold the core renders into the Stale rule of `alert`.
pub fn stale_threshold(alert: BackupAlert) -> Option<u64> {
    render_alert(&Defaults::default(), &alert)
        .ok()
        .map(|rendered| rendered.stale_after_seconds)
}

/// The `(alert, expr)` pairs of a rendered rule group.
pub fn rules(rendered: &RenderedAlert) -> impl Iterator<Item = (&str, &str)> {
    rendered.rule_group["rules"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|rule| Some((rule["alert"].as_str()?, rule["expr"].as_str()?)))
}

#[cfg(test)]
mod tests {
    use crate::eval::Val;
    use crate::model::{AlertKind, Job, Model, MountRef, VolumeSource};
    use crate::{load_config, read_model};
    use std::path::PathBuf;

    const VOLUME: &str = r#"
resource "backstop_nfs_backup_volume" "mail" {
  name      = "mail-backup-host"
  namespace = "mail"
}
"#;

    /// The model of a one-stack repository holding `main_tf`.
    fn model(test: &str, main_tf: &str) -> Model {
        let root: PathBuf = std::env::temp_dir().join(format!(
            "backstop-lint-rendered-{test}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).expect("create the repository");
        std::fs::write(root.join("backstop.toml"), "").expect("write backstop.toml");
        std::fs::write(root.join("main.tf"), format!("{VOLUME}{main_tf}")).expect("write main.tf");
        let Ok(config) = load_config(&root, None) else {
            panic!("backstop.toml does not load")
        };
        let (_, model) = read_model(&root, &config);
        let _ = std::fs::remove_dir_all(&root);
        model
    }

    fn jobs(test: &str, main_tf: &str) -> Vec<Job> {
        model(test, main_tf)
            .stacks
            .into_iter()
            .flat_map(|s| s.jobs)
            .collect()
    }

    fn mount(job: &Job, volume: &str) -> Vec<MountRef> {
        job.mounts
            .iter()
            .filter(|m| m.volume == volume)
            .cloned()
            .collect()
    }

    #[test]
    fn a_static_job_is_read_from_its_rendering() {
        let jobs = jobs(
            "static",
            r#"
resource "backstop_backup_job" "mail" {
  name              = "mail"
  namespace         = "mail"
  schedule          = "19 2 * * *"
  source_claim      = "mail-data"
  mounts            = { data = { path = "/var/mail", sub_path = "data" } }
  destination_claim = backstop_nfs_backup_volume.mail.claim_name
  colocate_with     = { app = "mail" }
}
"#,
        );
        let [job] = jobs.as_slice() else {
            panic!("one job: {}", jobs.len())
        };
        assert_eq!(job.name, Val::Str("mail-backup".into()));
        assert_eq!(job.schedule, Val::Str("19 2 * * *".into()));
        // The core's pinned default image and starting deadline, which the block does not say.
        assert_eq!(
            job.images,
            vec![Val::Str(backstop_codegen::render::IMAGE.into())]
        );
        assert_eq!(job.starting_deadline, Some(Val::Num(300.0)));
        let source = mount(job, "source");
        assert_eq!(source.len(), 1);
        assert_eq!(source[0].path, "/var/mail");
        assert_eq!(source[0].sub_path.as_deref(), Some("data"));
        assert!(source[0].read_only);
        let backup = mount(job, "backup");
        assert_eq!(backup[0].path, backstop_codegen::policy::BACKUP_DIR);
        assert!(!backup[0].read_only);
        let claims: Vec<(String, Option<String>, bool)> = job
            .volumes
            .iter()
            .filter_map(|v| match &v.source {
                VolumeSource::Claim { claim, read_only } => Some((
                    claim.name.as_str()?.to_string(),
                    claim.addr.clone(),
                    *read_only,
                )),
                _ => None,
            })
            .collect();
        assert_eq!(
            claims,
            vec![
                ("mail-data".to_string(), None, true),
                (
                    "mail-backup-host".to_string(),
                    Some("backstop_nfs_backup_volume.mail".to_string()),
                    false
                ),
            ]
        );
        assert!(job.host_affinity);
        assert!(job.scripts.iter().any(|s| s.contains("rsync")));
    }

    #[test]
    fn a_job_with_an_unknown_value_keeps_the_hand_model() {
        let jobs = jobs(
            "unknown",
            r#"
variable "schedule" {
  type = string
}

resource "backstop_backup_job" "mail" {
  name              = "mail"
  namespace         = "mail"
  schedule          = var.schedule
  source_claim      = "mail-data"
  mounts            = { data = { path = "/var/mail", sub_path = "data" } }
  destination_claim = backstop_nfs_backup_volume.mail.claim_name
}
"#,
        );
        let [job] = jobs.as_slice() else {
            panic!("one job: {}", jobs.len())
        };
        assert_eq!(job.name, Val::Str("mail-backup".into()));
        assert!(job.images.is_empty() && job.scripts.is_empty());
        assert_eq!(mount(job, "source")[0].sub_path, None);
    }

    /// `backstop status` reads an alert's threshold from the rule the linter read.
    #[test]
    fn an_alert_rule_carries_its_rendered_threshold() {
        let model = model(
            "alert",
            r#"
resource "backstop_backup_alert" "mail" {
  cronjob_name = "mail-backup"
  namespace    = "mail"
  stale_after  = "3d"
  severity     = "warning"
}
"#,
        );
        let stale: Vec<_> = model
            .alerts
            .iter()
            .filter(|a| a.kind == AlertKind::Stale)
            .map(|a| {
                (
                    a.cronjob.as_str(),
                    a.namespace.as_deref(),
                    a.stale_after_seconds,
                )
            })
            .collect();
        assert!(!stale.is_empty());
        assert!(stale
            .iter()
            .all(|rule| *rule == ("mail-backup", Some("mail"), Some(3 * 86_400))));
        assert!(model
            .alerts
            .iter()
            .any(|a| a.kind == AlertKind::NeverSucceeded && a.stale_after_seconds.is_none()));
    }
}

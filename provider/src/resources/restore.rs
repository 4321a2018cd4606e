//! `backstop_restore`: the Job `<name>-restore` that restores one snapshot of a backup
//! job. Rendering it changes nothing: the restore runs when the Job is created in the
//! cluster, once, so the docs say how to hand it over.

use backstop_codegen::render::restore_job;
use backstop_codegen::{AttrPath, BackupJob, Defaults, Diagnostic, Diagnostics, Restore};

use super::convert::{bool_or, json_text, json_value, split_id, string, yaml_text};
use super::{job_ref, namespaced_id, Adapter, Kind, Outputs};
use crate::dynamic::{Type, Value};
use crate::schema::Attribute;

/// Where the core roots a restore's own errors.
const BLOCK: &str = "restore";

pub struct RestoreJob;

impl Adapter for RestoreJob {
    fn type_name(&self) -> &'static str {
        "backstop_restore"
    }

    fn description(&self) -> &'static str {
        "A restore of one backup job's snapshot (default: the newest complete one), rendered as a Kubernetes Job \
         `<name>-restore`. Files (rsync, sqlite) are copied into a staging folder of `target_claim`, verified against the \
         snapshot's manifest, and only then swapped in; a non-empty target is refused unless `overwrite = true`. A dump is \
         replayed against the job's database server.\n\n\
         Rendering changes nothing in the cluster: the restore runs when the Job is created, once. For a one-off restore \
         read the data source and apply its `manifest_yaml` with `kubectl apply -f -`, then delete the Job. A `manifest` \
         given to `kubernetes_manifest` runs the restore on the apply that creates it, and again whenever the Job is \
         created anew (after a `kubectl delete`, say; a Job's pod template cannot change in place): remove both blocks \
         once the restore is done, and never leave one with `overwrite = true` in a stack."
    }

    fn inputs(&self) -> Vec<Attribute> {
        vec![
            job_ref::attribute(
                "The backup job whose snapshot is restored: `job = backstop_backup_job.<name>` (its inputs; the job's computed \
                 attributes are dropped). Changing the job's `name` or `namespace` replaces the resource.",
            ),
            Attribute::optional(
                "snapshot",
                Type::String,
                "The snapshot: `2026-15` (rsync week), `20260406-030000` (sqlite), `backup-20260406-030000.sql.gz` (dumps). \
                 Defaults to the newest complete one; a named snapshot without a manifest is refused.",
            ),
            Attribute::optional(
                "folder",
                Type::String,
                "rsync: the snapshot folder to restore, a key of the job's `mounts`. Defaults to the only one.",
            ),
            Attribute::optional(
                "overwrite",
                Type::Bool,
                "Replace a target folder that holds anything (its old content is kept aside until the restored data is \
                 verified). Defaults to `false`: a non-empty target is refused. Not for dumps.",
            ),
            Attribute::optional(
                "target_claim",
                Type::String,
                "rsync and sqlite (required): the claim to restore into, e.g. the job's `source_claim` or a fresh claim. \
                 Not for dumps, which are replayed against the job's `host`.",
            ),
            Attribute::optional(
                "target_path",
                Type::String,
                "rsync and sqlite: the folder inside the target claim that receives the data. Defaults to the snapshot \
                 folder's name (rsync) or `data` (sqlite).",
            ),
        ]
    }

    fn handles(&self) -> Vec<Attribute> {
        vec![Attribute::computed(
            "job_name",
            Type::String,
            "Name of the restore Job, `<name>-restore`, e.g. for `kubectl logs job/<job_name>`.",
        )]
    }

    fn objects(&self) -> Vec<Attribute> {
        vec![Attribute::computed(
            "manifest",
            Type::Dynamic,
            "The restore Job as an object (its script included). Creating it in the cluster runs the restore: see the \
             description before giving it to `kubernetes_manifest`.",
        )]
    }

    fn texts(&self) -> Vec<Attribute> {
        vec![
            Attribute::computed(
                "script",
                Type::String,
                "The restore script the Job runs (also embedded in the manifest).",
            ),
            Attribute::computed(
                "manifest_yaml",
                Type::String,
                "The restore Job as YAML, as `backstop render --format yaml` writes it, for `kubectl apply -f -`.",
            ),
            Attribute::computed(
                "manifest_json",
                Type::String,
                "The restore Job as JSON, as `backstop render --format json --out DIR` writes it.",
            ),
        ]
    }

    fn validate(&self, defaults: &Defaults, config: &Value) -> Diagnostics {
        // Checking a restore needs its job: an unknown one (a resource not planned yet) waits.
        if !job_ref::is_known(config) {
            return Diagnostics::new();
        }
        match self.render(defaults, config, Kind::Resource) {
            Ok(_) => Diagnostics::new(),
            Err(diagnostics) => diagnostics,
        }
    }

    fn render(
        &self,
        defaults: &Defaults,
        config: &Value,
        kind: Kind,
    ) -> Result<Outputs, Diagnostics> {
        let (job, diagnostics) = job_ref::model(config);
        let restore = model(config);
        let rendered =
            backstop_codegen::render_restore(defaults, &job, &restore).map_err(|more| {
                [diagnostics.clone(), job_ref::locate(more, BLOCK, defaults)].concat()
            })?;
        let manifest = match rendered.job {
            Some(manifest) if diagnostics.is_empty() => manifest,
            Some(_) => return Err(diagnostics),
            // Only a file restore with no target renders no Job.
            None => return Err([diagnostics, vec![no_target()]].concat()),
        };
        let job_name = manifest["metadata"]["name"].as_str().unwrap_or_default();
        let mut outputs = Outputs::from([
            ("id", Value::string(format!("{}/{job_name}", job.namespace))),
            ("job_name", Value::string(job_name)),
            ("manifest", json_value(&manifest)),
        ]);
        if kind == Kind::DataSource {
            outputs.extend([
                ("script", Value::string(&rendered.script)),
                ("manifest_yaml", yaml_text(&[&manifest])),
                ("manifest_json", json_text(&[&manifest])),
            ]);
        }
        Ok(outputs)
    }

    fn known_handles(&self, config: &Value) -> Outputs {
        let job = config.attr("job");
        let job_name = match job.attr("name") {
            Value::String(name) => Value::string(job_name(name)),
            _ => Value::Unknown,
        };
        Outputs::from([
            ("id", namespaced_id(job, "namespace", Some(&job_name))),
            ("job_name", job_name),
        ])
    }

    fn import_inputs(&self, id: &str) -> Result<Vec<(&'static str, Value)>, String> {
        let (namespace, restore_name) = split_id(id)?;
        let name = job_ref::name_in(&restore_name, job_name).ok_or_else(|| {
            format!("{restore_name:?} is not a restore Job name (<name>-restore)")
        })?;
        Ok(vec![("job", job_ref::imported(namespace, name))])
    }

    fn id_format(&self) -> &'static str {
        "<namespace>/<job_name>, e.g. \"mailserver/mailserver-restore\""
    }
}

/// The restore Job's name for the backup job `name`, as the core names it.
fn job_name(name: &str) -> String {
    let names_only = BackupJob {
        name: name.to_string(),
        ..BackupJob::default()
    };
    let job = restore_job::render(&Defaults::default(), &names_only, "", "", "");
    job["metadata"]["name"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// A file restore copies into a claim, so it must name one (a dump has none).
fn no_target() -> Diagnostic {
    Diagnostic::new(
        AttrPath::root("target_claim"),
        "a restore of files needs the claim to restore into",
        "set target_claim, e.g. target_claim = backstop_backup_job.<name>.source_claim to restore into the app's own claim \
         (a non-empty target is refused unless overwrite = true)",
    )
}

fn model(config: &Value) -> Restore {
    Restore {
        snapshot: string(config, "snapshot"),
        folder: string(config, "folder"),
        overwrite: bool_or(config, "overwrite", false),
        target_claim: string(config, "target_claim"),
        target_path: string(config, "target_path"),
    }
}

//! `restore` / `backstop_restore`: copy one snapshot of a backup job back, proven against
//! its manifest before it replaces anything; for dumps, replay one into the server.

use super::{AttrType, Attribute, ObjectSchema};
use crate::Restore;

pub fn schema() -> ObjectSchema {
    use AttrType::{Bool, Dynamic, Job, String};
    ObjectSchema {
        type_name: "backstop_restore",
        block_type: "restore",
        description: "A restore of one backup job's snapshot (default: the newest complete one), rendered as a Kubernetes Job \
         `<name>-restore`. Files (rsync, sqlite) are copied into a staging folder of `target_claim`, verified against the \
         snapshot's manifest, and only then swapped in; a non-empty target is refused unless `overwrite = true`. A dump is \
         replayed against the job's database server.\n\n\
         Rendering changes nothing in the cluster: the restore runs when the Job is created, once. For a one-off restore \
         read the data source and apply its `manifest_yaml` with `kubectl apply -f -`, then delete the Job. A `manifest` \
         given to `kubernetes_manifest` runs the restore on the apply that creates it, and again whenever the Job is \
         created anew (after a `kubectl delete`, say; a Job's pod template cannot change in place): remove both blocks \
         once the restore is done, and never leave one with `overwrite = true` in a stack."
            .into(),
        inputs: vec![
            Attribute::required(
                "job",
                Job,
                "The backup job whose snapshot is restored: `job = backstop_backup_job.<name>` (its inputs; the job's computed \
                 attributes are dropped). Changing the job's `name` or `namespace` replaces the resource.",
            ),
            Attribute::optional(
                "snapshot",
                String,
                "The snapshot: `2026-15` (rsync week), `20260406-030000` (sqlite), `backup-20260406-030000.sql.gz` (dumps). \
                 Defaults to the newest complete one; a named snapshot without a manifest is refused.",
            ),
            Attribute::optional(
                "folder",
                String,
                "rsync: the snapshot folder to restore, a key of the job's `mounts`. Defaults to the only one.",
            ),
            Attribute::optional(
                "overwrite",
                Bool,
                format!(
                    "Replace a target folder that holds anything (its old content is kept aside until the restored data is \
                     verified). Defaults to `{}`: a non-empty target is refused. Not for dumps.",
                    Restore::default().overwrite
                ),
            ),
            Attribute::optional(
                "target_claim",
                String,
                "rsync and sqlite (required): the claim to restore into, e.g. the job's `source_claim` or a fresh claim. \
                 Not for dumps, which are replayed against the job's `host`.",
            ),
            Attribute::optional(
                "target_path",
                String,
                "rsync and sqlite: the folder inside the target claim that receives the data. Defaults to the snapshot \
                 folder's name (rsync) or `data` (sqlite).",
            ),
        ],
        handles: vec![Attribute::computed(
            "job_name",
            String,
            "Name of the restore Job, `<name>-restore`, e.g. for `kubectl logs job/<job_name>`.",
        )],
        objects: vec![Attribute::computed(
            "manifest",
            Dynamic,
            "The restore Job as an object (its script included). Creating it in the cluster runs the restore: see the \
             description before giving it to `kubernetes_manifest`.",
        )],
        texts: vec![
            Attribute::computed("script", String, "The restore script the Job runs (also embedded in the manifest)."),
            Attribute::computed(
                "manifest_yaml",
                String,
                "The restore Job as YAML, as `backstop render --format yaml` writes it, for `kubectl apply -f -`.",
            ),
            Attribute::computed(
                "manifest_json",
                String,
                "The restore Job as JSON, as `backstop render --format json --out DIR` writes it.",
            ),
        ],
    }
}

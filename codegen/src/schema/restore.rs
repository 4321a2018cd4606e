//! `restore` / `backstop_restore`: copy one snapshot of a backup job back, proven against
//! its manifest before it replaces anything; for dumps, replay one into the server.

use super::{AttrType, Attribute, ObjectSchema};
use crate::Restore;

pub fn schema() -> ObjectSchema {
    use AttrType::{Bool, Dynamic, Job, String};
    ObjectSchema {
        type_name: "backstop_restore",
        block_type: "restore",
        description: "A restore of one snapshot of a backup job: a script, and a Job running it when a target claim is set \
                      (always for dumps, which restore into the database server)."
            .into(),
        inputs: vec![
            Attribute::required("job", Job, "The backup job whose snapshot is restored."),
            Attribute::optional("snapshot", String, "The snapshot to restore. Defaults to the newest complete one."),
            Attribute::optional("folder", String, "rsync: the snapshot folder (a key of the job's `mounts`). Defaults to the only one."),
            Attribute::optional(
                "overwrite",
                Bool,
                format!("Replace a non-empty target. Defaults to `{}` (refused).", Restore::default().overwrite),
            ),
            Attribute::optional("target_claim", String, "The claim to restore into; the Job is rendered only when it is set."),
            Attribute::optional(
                "target_path",
                String,
                "The folder inside the target claim that receives the data. Defaults to the snapshot folder's name (rsync) or `data` (sqlite).",
            ),
        ],
        handles: Vec::new(),
        objects: vec![Attribute::computed("manifest", Dynamic, "The restore Job as an object, when one is rendered.")],
        texts: vec![Attribute::computed("script", String, "The restore script.")],
    }
}

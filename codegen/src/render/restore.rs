//! The restore script, from `restore_rsync.sh.hbs` and the shared manifest partials.

use super::drill::{render_script, RSYNC_SNAPSHOTS};
use crate::restore::{RenderedRestore, Restore};
use crate::shell::quote;
use crate::BackupJob;
use serde_json::json;

const RSYNC: &str = include_str!("../../templates/restore_rsync.sh.hbs");

/// Renders the restore of a validated rsync job's `folder`.
pub fn render(job: &BackupJob, r: &Restore, folder: &str) -> RenderedRestore {
    let context = json!({
        "backup_cronjob": format!("{}-backup", job.name),
        "folder": quote(folder),
        "snapshot": quote(r.snapshot.as_deref().unwrap_or_default()),
        "overwrite": r.overwrite,
        "snapshots": RSYNC_SNAPSHOTS,
    });
    RenderedRestore {
        script: render_script(RSYNC, &context, &[]),
    }
}

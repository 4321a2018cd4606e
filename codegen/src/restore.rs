//! `restore`: copy one snapshot of a backup job back, proven against its manifest before it
//! replaces anything. The rsync strategy so far; sqlite and dumps come later.

use crate::render::restore;
use crate::{validate, AttrPath, BackupJob, Defaults, Diagnostic, Diagnostics, Strategy};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Restore {
    /// The snapshot (e.g. `2026-15`); default: the newest complete one.
    pub snapshot: Option<String>,
    /// The snapshot folder (a key of the job's `mounts`); default: the only one.
    pub folder: Option<String>,
    /// Replace a non-empty target; default false (refused).
    pub overwrite: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RenderedRestore {
    pub script: String,
}

/// Validates the job and the restore, then renders the restore script.
pub fn render_restore(
    defaults: &Defaults,
    job: &BackupJob,
    r: &Restore,
) -> Result<RenderedRestore, Diagnostics> {
    let mut diagnostics = validate::defaults(defaults);
    diagnostics.extend(validate::job(defaults, job));
    let (folder, problems) = check(job, r);
    diagnostics.extend(problems);
    match folder {
        Some(folder) if diagnostics.is_empty() => Ok(restore::render(job, r, &folder)),
        _ => Err(diagnostics),
    }
}

fn check(job: &BackupJob, r: &Restore) -> (Option<String>, Diagnostics) {
    let root = AttrPath::root("restore");
    let mut diagnostics = Vec::new();
    if Strategy::parse(&job.strategy) != Some(Strategy::Rsync) {
        diagnostics.push(Diagnostic::new(
            root.clone(),
            format!("no restore exists yet for the {} strategy", job.strategy),
            "declare restore only on rsync jobs for now",
        ));
    }
    if let Some(snapshot) = &r.snapshot {
        let is_week = snapshot.len() == 7
            && snapshot.char_indices().all(
                |(i, c)| {
                    if i == 4 {
                        c == '-'
                    } else {
                        c.is_ascii_digit()
                    }
                },
            );
        if !is_week {
            diagnostics.push(Diagnostic::new(
                root.clone().attr("snapshot"),
                format!("{snapshot:?} is not an rsync snapshot name"),
                "write the ISO week folder, e.g. 2026-15, or leave snapshot unset for the newest complete one",
            ));
        }
    }
    let folders: Vec<&String> = job.mounts.keys().collect();
    let folder = match &r.folder {
        Some(folder) if job.mounts.contains_key(folder) => Some(folder.clone()),
        Some(folder) => {
            diagnostics.push(Diagnostic::new(
                root.attr("folder"),
                format!("{folder:?} is not one of the job's mounts"),
                format!("write one of {folders:?}"),
            ));
            None
        }
        None if folders.len() == 1 => Some(folders[0].clone()),
        None => {
            diagnostics.push(Diagnostic::new(
                root.attr("folder"),
                "the job has several mounts, so the folder to restore must be named",
                format!("write one of {folders:?}"),
            ));
            None
        }
    };
    (folder, diagnostics)
}

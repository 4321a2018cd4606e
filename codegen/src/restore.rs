//! `restore`: copy one snapshot of a backup job back, proven against its manifest before it
//! replaces anything; for dumps, replay one against the database server.

use crate::render::{restore, restore_job};
use crate::{validate, AttrPath, BackupJob, Defaults, Diagnostic, Diagnostics, Strategy};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Restore {
    /// The snapshot (`2026-15` for rsync, `20260406-030000` for sqlite,
    /// `backup-20260406-030000.sql.gz` for dumps); default: the newest complete one.
    pub snapshot: Option<String>,
    /// rsync: the snapshot folder (a key of the job's `mounts`); default: the only one.
    pub folder: Option<String>,
    /// Replace a non-empty target; default false (refused).
    pub overwrite: bool,
    /// The claim to restore into; the Job is rendered only when it is set.
    pub target_claim: Option<String>,
    /// The folder inside the target claim that receives the data; default the snapshot
    /// folder's name (rsync) or `data` (sqlite).
    pub target_path: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RenderedRestore {
    pub script: String,
    /// The Job running the script, when `target_claim` is set (always for dumps, which
    /// restore into the database server).
    pub job: Option<serde_json::Value>,
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
    if let Some(path) = &r.target_path {
        let bad_step = path
            .split('/')
            .any(|step| step.is_empty() || step == "." || step == "..");
        if bad_step || path.chars().any(char::is_control) {
            diagnostics.push(Diagnostic::new(
                AttrPath::root("restore").attr("target_path"),
                format!("{path:?} is not a folder path inside the target claim"),
                "write a relative path without empty, . or .. steps, e.g. mail/data",
            ));
        }
    }
    if !diagnostics.is_empty() {
        return Err(diagnostics);
    }
    if matches!(job.strategy, Strategy::PgDumpall | Strategy::Mysqldump) {
        let script = restore::render_dump(job, r);
        let rendered_job = restore_job::render_dump(defaults, job, &script);
        return Ok(RenderedRestore {
            script,
            job: Some(rendered_job),
        });
    }
    let script = restore::render(job, r, folder.as_deref());
    let target_path = r
        .target_path
        .clone()
        .unwrap_or_else(|| folder.clone().unwrap_or_else(|| "data".to_string()));
    let rendered_job = r
        .target_claim
        .as_deref()
        .map(|claim| restore_job::render(defaults, job, claim, &target_path, &script));
    Ok(RenderedRestore {
        script,
        job: rendered_job,
    })
}

/// `pattern` with `9` for a digit and any other character for itself.
fn matches_digits(text: &str, pattern: &str) -> bool {
    text.len() == pattern.len()
        && text.bytes().zip(pattern.bytes()).all(|(c, p)| {
            if p == b'9' {
                c.is_ascii_digit()
            } else {
                c == p
            }
        })
}

/// Whether a snapshot name of the right shape names a real week or second: the backup
/// names them with `date +%G-%V` (ISO year and week) and `date +%Y%m%d-%H%M%S`.
fn in_calendar(snapshot: &str) -> bool {
    use chrono::{NaiveDate, NaiveDateTime, Timelike, Weekday};
    let stamp = snapshot
        .strip_prefix("backup-")
        .and_then(|s| s.strip_suffix(".sql.gz"))
        .unwrap_or(snapshot);
    // chrono reads second 60 as a leap second; `date` never writes one.
    let moment = |format: &str| {
        NaiveDateTime::parse_from_str(stamp, format).is_ok_and(|t| t.nanosecond() < 1_000_000_000)
    };
    match stamp.len() {
        7 => stamp
            .split_once('-')
            .and_then(|(year, week)| Some((year.parse().ok()?, week.parse().ok()?)))
            .is_some_and(|(year, week)| {
                NaiveDate::from_isoywd_opt(year, week, Weekday::Mon).is_some()
            }),
        15 => moment("%Y%m%d-%H%M%S"),
        // Dumps of releases before seconds were added.
        13 => moment("%Y%m%d-%H%M"),
        _ => false,
    }
}

fn check(job: &BackupJob, r: &Restore) -> (Option<String>, Diagnostics) {
    let root = AttrPath::root("restore");
    let mut diagnostics = Vec::new();
    let strategy = Some(job.strategy);
    let (pattern, example) = match strategy {
        Some(Strategy::Rsync) => ("9999-99", "2026-15"),
        Some(Strategy::Sqlite) => ("99999999-999999", "20260406-030000"),
        Some(Strategy::PgDumpall | Strategy::Mysqldump) => (
            "backup-99999999-999999.sql.gz",
            "backup-20260406-030000.sql.gz",
        ),
        _ => {
            diagnostics.push(Diagnostic::new(
                root.clone(),
                format!(
                    "no restore exists for the {} strategy: Backstop cannot know what its snapshots hold",
                    job.strategy
                ),
                "restore a command job's snapshots by hand",
            ));
            return (None, diagnostics);
        }
    };
    if let Some(snapshot) = &r.snapshot {
        // Dumps of releases before seconds were added are named without them.
        let older_dump = pattern.starts_with("backup-")
            && matches_digits(snapshot, "backup-99999999-9999.sql.gz");
        let shaped = matches_digits(snapshot, pattern) || older_dump;
        if !shaped || !in_calendar(snapshot) {
            diagnostics.push(Diagnostic::new(
                root.clone().attr("snapshot"),
                format!(
                    "{snapshot:?} is not {} snapshot name",
                    job.strategy.with_article()
                ),
                format!("write a name like {example}, or leave snapshot unset for the newest complete one"),
            ));
        }
    }
    if matches!(strategy, Some(Strategy::PgDumpall | Strategy::Mysqldump)) {
        let not_for_dumps = [
            ("folder", r.folder.is_some()),
            ("target_claim", r.target_claim.is_some()),
            ("target_path", r.target_path.is_some()),
            ("overwrite", r.overwrite),
        ];
        for (attr, set) in not_for_dumps {
            if set {
                diagnostics.push(Diagnostic::new(
                    root.clone().attr(attr),
                    format!("{attr} does not apply to {} jobs: a dump is replayed against the job's database server, and into databases that do not exist there yet", job.strategy),
                    format!("remove {attr}; to replace databases, drop them on the server first"),
                ));
            }
        }
        return (None, diagnostics);
    }
    if strategy == Some(Strategy::Sqlite) {
        if r.folder.is_some() {
            diagnostics.push(Diagnostic::new(
                root.attr("folder"),
                "folder applies to rsync jobs only",
                "remove folder: a sqlite restore brings back the copy and its side files",
            ));
        }
        return (None, diagnostics);
    }
    let folders: Vec<&String> = job.mounts.keys().collect();
    if folders.is_empty() {
        // No mounts at all is the job's own error, reported on its `mounts`.
        return (None, diagnostics);
    }
    let choices = || {
        let quoted: Vec<String> = folders.iter().map(|f| format!("{f:?}")).collect();
        format!(
            "choose one of {}: folder = {}",
            quoted.join(", "),
            quoted[0]
        )
    };
    let folder = match &r.folder {
        Some(folder) if job.mounts.contains_key(folder) => Some(folder.clone()),
        Some(folder) => {
            diagnostics.push(Diagnostic::new(
                root.attr("folder"),
                format!("{folder:?} is not one of the job's mounts"),
                choices(),
            ));
            None
        }
        None if folders.len() == 1 => Some(folders[0].clone()),
        None => {
            diagnostics.push(Diagnostic::new(
                root.attr("folder"),
                "the job has several mounts, so the folder to restore must be named",
                choices(),
            ));
            None
        }
    };
    (folder, diagnostics)
}

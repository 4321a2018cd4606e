//! `backup_job`: names, schedule, the strategy's required and forbidden attributes, the
//! source mounts and their snapshot folders, and the job's pod settings.

use super::names::{dns_label, dns_label_max, dns_subdomain, label_key};
use super::paths::{absolute_path, basename, folder_name, is_within, sub_path};
use super::report::{Problem, Report};
use super::values::{database_user, host, http_url, image, quantity, secret_key, time_zone};
use super::{check_labels, check_object_labels, schedule};
use crate::policy::{self, BACKUP_DIR};
use crate::{AttrPath, BackupJob, Resources, Strategy};
use std::collections::BTreeMap;

/// The longest app name: the CronJob is `<name>-backup`, within Kubernetes' limit for
/// CronJob names.
pub const MAX_APP_NAME: usize = policy::MAX_CRONJOB_NAME - policy::CRONJOB_SUFFIX.len();

/// The file in each rsync snapshot holding its file count and bytes (the shrink guard).
const STATS_FILE: &str = ".backstop-stats";

/// The shortest `active_deadline_seconds`: a backup needs time to start its container.
pub const MIN_ACTIVE_DEADLINE: u32 = 60;

/// The file name the sqlite strategy gives the database copy inside the snapshot.
const DATABASE_COPY: &str = "db.sqlite3";

/// The strategy-specific attributes and the strategies they apply to.
const APPLIES_TO: [(&str, &[Strategy]); 8] = [
    (
        "source_claim",
        &[Strategy::Rsync, Strategy::Sqlite, Strategy::Command],
    ),
    (
        "mounts",
        &[Strategy::Rsync, Strategy::Sqlite, Strategy::Command],
    ),
    ("database", &[Strategy::Sqlite]),
    ("extra_paths", &[Strategy::Sqlite]),
    ("host", &[Strategy::PgDumpall, Strategy::Mysqldump]),
    ("user", &[Strategy::PgDumpall, Strategy::Mysqldump]),
    (
        "password_secret",
        &[Strategy::PgDumpall, Strategy::Mysqldump],
    ),
    ("command", &[Strategy::Command]),
];

const NAMESPACE_HINT: &str = "set the app's namespace, e.g. namespace = \"mailserver\"";

pub(crate) fn check(job: &BackupJob) -> Report {
    let mut report = Report::default();
    report.check_required("name", &job.name, "name the app, e.g. name = \"mailserver\" (the CronJob is <name>-backup)", |name| {
        dns_label_max(name, MAX_APP_NAME, " (the CronJob is `<name>-backup`, and Kubernetes allows 52 characters for a CronJob name)")
    });
    report.check_required("namespace", &job.namespace, NAMESPACE_HINT, dns_label);
    report.check_required(
        "schedule",
        &job.schedule,
        "give a cron schedule, e.g. schedule = \"0 3 * * *\" for daily at 03:00",
        schedule,
    );
    report.check_optional(
        AttrPath::root("time_zone"),
        job.time_zone.as_deref(),
        time_zone,
    );
    report.check_required(
        "destination_claim",
        &job.destination_claim,
        "name the claim, e.g. the claim_name of an NFS backup volume",
        dns_subdomain,
    );
    if job.source_claim.as_deref() == Some(job.destination_claim.as_str()) {
        report.error(
            AttrPath::root("destination_claim"),
            "the backup would be written to the claim it backs up",
            "use an NFS backup claim (e.g. an NFS backup volume's claim_name) distinct from source_claim",
        );
    }
    if job.keep == Some(0) {
        report.error(
            AttrPath::root("keep"),
            "keep is 0, so every snapshot would be deleted",
            "keep at least 1 snapshot",
        );
    }
    if let Some(seconds) = job
        .active_deadline_seconds
        .filter(|s| *s < MIN_ACTIVE_DEADLINE)
    {
        report.error(
            AttrPath::root("active_deadline_seconds"),
            format!("{seconds} s leaves a backup no time to run"),
            format!("allow at least {MIN_ACTIVE_DEADLINE} seconds, or leave it unset for a default derived from the schedule"),
        );
    }
    if let Some(percent) = job.max_shrink_percent.filter(|p| *p > 100) {
        report.error(
            AttrPath::root("max_shrink_percent"),
            format!("{percent} is not a share of the previous backup"),
            "give a percentage from 0 to 100 (100 turns the ratio check off)",
        );
    }
    if job.make_room.is_some() && job.strategy == Strategy::Command {
        report.error(
            AttrPath::root("make_room"),
            "make_room does not apply to the command strategy (its command's errors are its own)",
            "remove make_room",
        );
    }
    check_labels(&mut report, "colocate_with", &job.colocate_with);
    check_object_labels(&mut report, &job.labels);
    report.check_optional(AttrPath::root("image"), job.image.as_deref(), image);
    report.check_optional(
        AttrPath::root("pushgateway_url"),
        job.pushgateway_url.as_deref(),
        http_url,
    );
    if let Some(resources) = &job.resources {
        check_resources(&mut report, resources);
    }
    check_strategy(&mut report, job, job.strategy);
    report
}

fn check_resources(report: &mut Report, resources: &Resources) {
    for (section, map) in [
        ("requests", &resources.requests),
        ("limits", &resources.limits),
    ] {
        for (name, value) in map {
            let path = AttrPath::root("resources").attr(section).key(name);
            report.check(path.clone(), label_key(name));
            report.check(path, quantity(value));
        }
    }
}

/// Which strategy-specific attributes the job sets.
fn attributes_set(job: &BackupJob) -> [(&'static str, bool); 8] {
    [
        ("source_claim", job.source_claim.is_some()),
        ("mounts", !job.mounts.is_empty()),
        ("database", job.database.is_some()),
        ("extra_paths", !job.extra_paths.is_empty()),
        ("host", job.host.is_some()),
        ("user", job.user.is_some()),
        ("password_secret", job.password_secret.is_some()),
        ("command", job.command.is_some()),
    ]
}

fn check_strategy(report: &mut Report, job: &BackupJob, strategy: Strategy) {
    for ((attribute, applies), (_, set)) in APPLIES_TO.iter().zip(attributes_set(job)) {
        if set && !applies.contains(&strategy) {
            let names: Vec<&str> = applies.iter().map(|s| s.as_str()).collect();
            report.error(
                AttrPath::root(attribute),
                format!(
                    "`{attribute}` does not apply to strategy {}",
                    strategy.as_str()
                ),
                format!(
                    "`{attribute}` only applies to strategy {}; remove it or change `strategy`",
                    names.join(" or ")
                ),
            );
        }
    }
    match strategy {
        Strategy::Rsync => {
            require_source(report, job, strategy);
            check_mounts(report, job);
        }
        Strategy::Sqlite => {
            require_source(report, job, strategy);
            check_mounts(report, job);
            check_sqlite_files(report, job);
        }
        Strategy::PgDumpall | Strategy::Mysqldump => check_dump(report, job, strategy),
        Strategy::Command => check_command(report, job),
    }
}

fn missing(report: &mut Report, attribute: &str, strategy: Strategy, hint: &str) {
    report.error(
        AttrPath::root(attribute),
        format!(
            "`{attribute}` is required for strategy {}",
            strategy.as_str()
        ),
        hint,
    );
}

fn require_source(report: &mut Report, job: &BackupJob, strategy: Strategy) {
    match &job.source_claim {
        None => missing(
            report,
            "source_claim",
            strategy,
            "name the app's PersistentVolumeClaim, mounted read-only in the backup pod",
        ),
        Some(claim) => report.check(AttrPath::root("source_claim"), dns_subdomain(claim)),
    }
    if job.mounts.is_empty() {
        let what = if strategy == Strategy::Rsync {
            "the folders to copy"
        } else {
            "where the database lives"
        };
        report.error(
            AttrPath::root("mounts"),
            format!("`mounts` is empty, but strategy {} needs {what}", strategy.as_str()),
            "declare each source folder: mounts = { data = { path = \"/var/lib/app\", sub_path = \"data\" } }",
        );
    }
}

/// Each source lands in its own declared snapshot folder, so neither two paths nor two
/// folder names may coincide (the originals lost all mail to exactly this collision).
fn check_mounts(report: &mut Report, job: &BackupJob) {
    let mut folder_by_lowercase: BTreeMap<String, &str> = BTreeMap::new();
    let mut folder_by_path: BTreeMap<&str, &str> = BTreeMap::new();
    for (folder, mount) in &job.mounts {
        let base = AttrPath::root("mounts").key(folder);
        report.check(base.clone(), folder_name(folder));
        if folder == STATS_FILE {
            report.error(
                base.clone(),
                format!("{STATS_FILE:?} is where the rsync strategy records each snapshot's size"),
                "give the mount another folder name",
            );
        }
        if let Some(other) = folder_by_lowercase.insert(folder.to_lowercase(), folder) {
            report.error(
                base.clone(),
                format!("the snapshot folders {other:?} and {folder:?} differ only in case"),
                "give every mount a distinct folder name (case-insensitively: some NFS servers fold case)",
            );
        }
        let path = base.clone().attr("path");
        match absolute_path(&mount.path) {
            Err(problem) => report.check(path, Err(problem)),
            Ok(()) if policy::is_in_backup_dir(&mount.path) => report.error(
                path,
                format!("{:?} is where the backup destination is mounted", mount.path),
                format!("mount the source somewhere else; {BACKUP_DIR} is reserved for destination_claim"),
            ),
            Ok(()) if shadows_the_image(&mount.path) => report.error(
                path,
                format!("mounting at {:?} would hide the backup image's own files", mount.path),
                "mount the source at the path the app uses for its data, e.g. /var/mail or /data",
            ),
            Ok(()) => {
                if let Some(other) = folder_by_path.insert(&mount.path, folder) {
                    report.error(
                        path,
                        format!("mounts[{folder:?}] and mounts[{other:?}] both use the path {:?}", mount.path),
                        "each source must be its own mount path and land in its own folder; remove the duplicate or change its path",
                    );
                }
            }
        }
        report.check_optional(base.attr("sub_path"), mount.sub_path.as_deref(), sub_path);
    }
}

/// Top-level folders of the alpine image that the script needs (`sh`, `apk`, the
/// libraries, `/tmp`), and the kernel's virtual file systems.
const IMAGE_FOLDERS: [&str; 11] = [
    "/bin", "/etc", "/lib", "/sbin", "/usr", "/var", "/tmp", "/run", "/root", "/home", "/opt",
];
const VIRTUAL_FOLDERS: [&str; 3] = ["/proc", "/sys", "/dev"];

/// A source mounted on one of these folders would replace it in the backup pod.
fn shadows_the_image(path: &str) -> bool {
    IMAGE_FOLDERS.contains(&path) || VIRTUAL_FOLDERS.iter().any(|folder| is_within(path, folder))
}

/// The database and the side files must lie under a mount, and land in the snapshot
/// under distinct names (the copy is always `db.sqlite3`, side files keep their basename).
fn check_sqlite_files(report: &mut Report, job: &BackupJob) {
    let mount_paths: Vec<&str> = job.mounts.values().map(|m| m.path.as_str()).collect();
    // Without mounts the `mounts` error already says what to fix.
    let under_a_mount =
        |path: &str| mount_paths.is_empty() || mount_paths.iter().any(|m| is_within(path, m));
    let not_mounted = |path: &str| {
        Problem::new(
            format!(
                "{path:?} is not under any of the mount paths ({})",
                mount_paths.join(", ")
            ),
            "add a mount that contains it, or fix the path",
        )
    };
    match &job.database {
        None => missing(
            report,
            "database",
            Strategy::Sqlite,
            "give the database file's absolute path, e.g. /data/db.sqlite3",
        ),
        Some(database) => report.check(
            AttrPath::root("database"),
            absolute_path(database).and_then(|()| {
                if under_a_mount(database) {
                    Ok(())
                } else {
                    Err(not_mounted(database))
                }
            }),
        ),
    }
    let mut names: BTreeMap<&str, String> =
        BTreeMap::from([(DATABASE_COPY, "the database copy".to_string())]);
    for (index, extra) in job.extra_paths.iter().enumerate() {
        let path = AttrPath::root("extra_paths").index(index);
        if let Err(problem) = absolute_path(extra) {
            report.check(path, Err(problem));
            continue;
        }
        if !under_a_mount(extra) {
            report.check(path, Err(not_mounted(extra)));
            continue;
        }
        let name = basename(extra);
        if let Some(other) = names.insert(name, format!("extra_paths[{index}]")) {
            report.error(
                path,
                format!("{extra:?} would be copied to {name:?} in the snapshot, like {other}"),
                "every extra path must have a distinct last name (and not db.sqlite3); copy the parent folder instead",
            );
        }
    }
}

fn check_dump(report: &mut Report, job: &BackupJob, strategy: Strategy) {
    match &job.host {
        None => missing(
            report,
            "host",
            strategy,
            "give the database server's host name, e.g. postgres.dbaas.svc",
        ),
        Some(value) => report.check(AttrPath::root("host"), host(value)),
    }
    match &job.user {
        None => missing(
            report,
            "user",
            strategy,
            "give the user the dump connects as, e.g. postgres or root",
        ),
        Some(value) => report.check(AttrPath::root("user"), database_user(value)),
    }
    match &job.password_secret {
        None => missing(
            report,
            "password_secret",
            strategy,
            "read the password from a Secret: password_secret = { name = \"dbaas-credentials\", key = \"password\" }",
        ),
        Some(secret) => {
            report.check(AttrPath::root("password_secret").attr("name"), dns_subdomain(&secret.name));
            report.check(AttrPath::root("password_secret").attr("key"), secret_key(&secret.key));
        }
    }
}

/// The command is shell by design: the renderer passes it through an environment
/// variable, so only what no environment variable can hold is refused.
fn check_command(report: &mut Report, job: &BackupJob) {
    match job.command.as_deref() {
        None => missing(
            report,
            "command",
            Strategy::Command,
            "give the shell command that writes the snapshot into $SNAPSHOT",
        ),
        Some(command) if command.trim().is_empty() => report.error(
            AttrPath::root("command"),
            "`command` is empty",
            "give the shell command that writes the snapshot into $SNAPSHOT",
        ),
        Some(command) if command.contains('\0') => report.error(
            AttrPath::root("command"),
            "`command` contains a NUL byte",
            "remove the NUL byte",
        ),
        Some(_) => {}
    }
    match (&job.source_claim, job.mounts.is_empty()) {
        (Some(claim), false) => {
            report.check(AttrPath::root("source_claim"), dns_subdomain(claim));
            check_mounts(report, job);
        }
        (Some(_), true) => report.error(
            AttrPath::root("mounts"),
            "`source_claim` is set but `mounts` is empty",
            "declare where the claim is mounted: mounts = { data = { path = \"/data\" } }",
        ),
        (None, false) => report.error(
            AttrPath::root("source_claim"),
            "`mounts` is set but `source_claim` is not",
            "name the claim the mounts come from",
        ),
        (None, true) => {}
    }
}

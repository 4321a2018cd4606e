//! `restore_test`: a drill that restores the newest snapshot of a backup job into scratch
//! space and proves it against the snapshot's manifest. rsync and sqlite drills restore
//! files; pg_dumpall and mysqldump drills load the dump into a throwaway server of the
//! stated version, started in the drill pod.

use crate::policy;
use crate::render::{drill, drill_cronjob, restore_alert};
use crate::schedule::Schedule;
use crate::{
    render_alert, validate, AttrPath, BackupAlert, BackupJob, Defaults, Diagnostic, Diagnostics,
    RenderedAlert, Strategy,
};

/// The drill of one backup job (`restore_test` block of a spec, `backstop_restore_test`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RestoreTest {
    /// Cron schedule of the drill; default weekly, in a free slot after the backup.
    pub schedule: Option<String>,
    /// Share of the regular files whose content is hashed (0 < f <= 1); every entry's
    /// metadata is checked regardless. Default 1.
    pub verify_fraction: Option<f64>,
    /// sqlite and dumps: a query returning one number, e.g. `SELECT count(*) FROM users`.
    pub check_query: Option<String>,
    /// The least number `check_query` may return. Default 1.
    pub min_rows: Option<u64>,
    /// Dumps: the database `check_query` runs in (default `postgres` / `mysql`).
    pub check_database: Option<String>,
    /// Dumps (required): the version of the throwaway server, at least the source's:
    /// PostgreSQL's major version (`16`, image `postgres:16-alpine`) or MariaDB's
    /// (`11.4`, image `mariadb:11.4`).
    pub server_version: Option<String>,
}

/// The drill's CronJob and the script it runs.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedRestoreTest {
    pub cronjob_name: String,
    /// The schedule used (the default one when none was set): RestoreTestStale's input.
    pub schedule: String,
    pub script: String,
    pub cronjob: serde_json::Value,
}

/// Validates the job and its drill, then renders the drill's script.
pub fn render_restore_test(
    defaults: &Defaults,
    job: &BackupJob,
    test: &RestoreTest,
) -> Result<RenderedRestoreTest, Diagnostics> {
    let mut diagnostics = validate::defaults(defaults);
    diagnostics.extend(validate::job(defaults, job));
    diagnostics.extend(check(job, test));
    if !diagnostics.is_empty() {
        return Err(diagnostics);
    }
    let schedule = match &test.schedule {
        Some(schedule) => schedule.clone(),
        None => drill_cronjob::default_schedule(
            &Schedule::parse(&job.schedule).expect("validated backup schedule"),
        ),
    };
    let (cronjob_name, script) = drill::render(job, test);
    let server = drill::server_image(job, test);
    let cronjob = drill_cronjob::render(
        defaults,
        job,
        &cronjob_name,
        &schedule,
        &script,
        server.as_ref(),
    );
    Ok(RenderedRestoreTest {
        cronjob_name,
        schedule,
        script,
        cronjob,
    })
}

fn check(job: &BackupJob, test: &RestoreTest) -> Diagnostics {
    let root = AttrPath::root("restore_test");
    let mut diagnostics = Vec::new();
    let strategy = Some(job.strategy);
    let dump = matches!(strategy, Some(Strategy::PgDumpall | Strategy::Mysqldump));
    if strategy == Some(Strategy::Command) {
        diagnostics.push(Diagnostic::new(
            root.clone(),
            "no restore drill exists for the command strategy: Backstop cannot know what its snapshots hold",
            "remove the drill of this command job (its backstop_restore_test resource, or the restore_test block of a spec)",
        ));
    }
    let longest = policy::MAX_CRONJOB_NAME - policy::DRILL_SUFFIX.len();
    if job.name.chars().count() > longest {
        diagnostics.push(Diagnostic::new(
            AttrPath::root("name"),
            format!(
                "the drill CronJob {:?} is longer than the {} characters Kubernetes allows a CronJob name",
                policy::drill_cronjob_name(&job.name),
                policy::MAX_CRONJOB_NAME
            ),
            format!("shorten the job's name to at most {longest} characters to give it a restore drill"),
        ));
    }
    diagnostics.extend(check_server(strategy, test, &root));
    diagnostics.extend(check_own(test));
    if let Some(query) = &test.check_query {
        if strategy != Some(Strategy::Sqlite) && !dump {
            diagnostics.push(Diagnostic::new(
                root.clone().attr("check_query"),
                "check_query applies to sqlite and dump jobs only",
                "remove check_query; an rsync drill checks every file against the manifest",
            ));
        } else if query.trim().is_empty() || query.contains('\0') {
            diagnostics.push(Diagnostic::new(
                root.clone().attr("check_query"),
                "check_query is empty",
                "write a query that returns one number, e.g. SELECT count(*) FROM users",
            ));
        }
    }
    if let Some(database) = &test.check_database {
        if !dump || test.check_query.is_none() {
            diagnostics.push(Diagnostic::new(
                root.clone().attr("check_database"),
                "check_database applies to a check_query of a pg_dumpall or mysqldump job only",
                "remove check_database, or add check_query on a dump job",
            ));
        } else if database.is_empty() || database.chars().any(char::is_control) {
            diagnostics.push(Diagnostic::new(
                root.clone().attr("check_database"),
                format!("{database:?} is not a database name"),
                "write the name of a database the dump holds, e.g. app",
            ));
        }
    }
    diagnostics
}

/// What a valid drill should still be told: a default schedule that shares the backup's
/// slot, because the backup starts every minute of the drill's day (the drill then runs
/// beside a backup writing to the export it reads).
pub fn warnings(job: &BackupJob, test: &RestoreTest) -> Diagnostics {
    let Ok(backup) = Schedule::parse(&job.schedule) else {
        return Vec::new();
    };
    if test.schedule.is_some() || drill_cronjob::free_default_slot(&backup).is_some() {
        return Vec::new();
    }
    vec![Diagnostic::new(
        AttrPath::root("restore_test").attr("schedule"),
        format!(
            "the backup's schedule {:?} starts a run at every minute of a Sunday, so the drill's default schedule {:?} shares a slot with a backup run",
            job.schedule,
            drill_cronjob::default_schedule(&backup)
        ),
        "set the drill's `schedule` to a time the backup does not start, if there is one, \
         or to the shared slot to accept it (the drill reads the newest complete snapshot, whatever is running)",
    )]
}

/// The drill's checks that hold whatever its job is, so that a front end can run them
/// while the job is not known yet (a Terraform reference to a job not yet planned).
pub fn check_own(test: &RestoreTest) -> Diagnostics {
    let root = AttrPath::root("restore_test");
    let mut diagnostics = Vec::new();
    if let Some(schedule) = &test.schedule {
        if let Err(message) = Schedule::parse(schedule) {
            diagnostics.push(Diagnostic::new(
                root.clone().attr("schedule"),
                message,
                "write 5 cron fields, e.g. \"30 5 * * 0\" for Sundays at 05:30, or leave schedule unset for weekly after the backup",
            ));
        }
    }
    if let Some(fraction) = test.verify_fraction {
        if !(fraction > 0.0 && fraction <= 1.0) {
            diagnostics.push(Diagnostic::new(
                root.clone().attr("verify_fraction"),
                format!("{fraction} is not a share of the files"),
                "write a number above 0 and at most 1, e.g. 0.1 to hash a tenth of the files (1 hashes all)",
            ));
        }
    }
    if test.min_rows.is_some() && test.check_query.is_none() {
        diagnostics.push(Diagnostic::new(
            root.attr("min_rows"),
            "min_rows has no check_query to apply to",
            "add check_query, or remove min_rows",
        ));
    }
    diagnostics
}

/// server_version: required for dump drills (the server must be at least as new as the
/// source), meaningless for the others.
fn check_server(strategy: Option<Strategy>, test: &RestoreTest, root: &AttrPath) -> Diagnostics {
    let path = root.clone().attr("server_version");
    let (pattern, example) = match strategy {
        Some(Strategy::PgDumpall) => ("major version", "\"16\""),
        Some(Strategy::Mysqldump) => ("major.minor version", "\"11.4\""),
        _ => {
            return match test.server_version {
                Some(_) => vec![Diagnostic::new(
                    path,
                    "server_version applies to pg_dumpall and mysqldump jobs only",
                    "remove server_version",
                )],
                None => Vec::new(),
            };
        }
    };
    let well_formed = |version: &str| {
        let parts: Vec<&str> = version.split('.').collect();
        let digits = |part: &&str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
        parts.iter().all(digits)
            && match strategy {
                Some(Strategy::PgDumpall) => parts.len() == 1,
                _ => parts.len() <= 2,
            }
    };
    match &test.server_version {
        None => vec![Diagnostic::new(
            path,
            "a dump drill needs the version of the throwaway server it loads the dump into",
            format!("set server_version to the source server's {pattern} or newer, e.g. {example}"),
        )],
        Some(version) if !well_formed(version) => vec![Diagnostic::new(
            path,
            format!("{version:?} is not a {pattern}"),
            format!("write the {pattern}, e.g. {example}"),
        )],
        Some(_) => Vec::new(),
    }
}

/// The backup's alert rules plus the drill's RestoreTestFailed and RestoreTestStale, for a
/// backup that has a drill running on `drill_schedule`; `render_alert` alone renders the
/// rules of a backup without one, unchanged.
pub fn render_alert_with_restore_test(
    defaults: &Defaults,
    alert: &BackupAlert,
    drill_schedule: &str,
) -> Result<RenderedAlert, Diagnostics> {
    let schedule = Schedule::parse(drill_schedule).map_err(|message| {
        vec![Diagnostic::new(
            AttrPath::root("restore_test").attr("schedule"),
            message,
            "write 5 cron fields, e.g. \"30 4 * * 0\" for Sundays at 04:30",
        )]
    });
    let mut rendered = render_alert(defaults, alert);
    match (&mut rendered, schedule) {
        (Ok(rendered), Ok(schedule)) => {
            let app = crate::policy::app_of_cronjob(&alert.cronjob_name);
            let drill = policy::drill_cronjob_name(app.unwrap_or(&alert.cronjob_name));
            restore_alert::add_rules(rendered, alert, &drill, &schedule);
        }
        (Ok(_), Err(diagnostics)) => return Err(diagnostics),
        (Err(diagnostics), Err(more)) => diagnostics.extend(more),
        (Err(_), Ok(_)) => {}
    }
    rendered
}

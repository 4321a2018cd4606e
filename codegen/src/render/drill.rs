//! The restore drill's script, from the `drill_*` templates plus the manifest partials the
//! backup scripts share (one lister and one hash for writing and for checking).

use super::scripts::MANIFEST_LIB;
use crate::restore_test::RestoreTest;
use crate::shell::quote;
use crate::{BackupJob, Strategy};
use handlebars::Handlebars;
use serde_json::{json, Value};

const PREAMBLE: &str = include_str!("../../templates/drill_preamble.sh.hbs");
const PUSH: &str = include_str!("../../templates/drill_push.sh.hbs");
const VERIFY: &str = include_str!("../../templates/verify_manifest.sh.hbs");
const RSYNC: &str = include_str!("../../templates/drill_rsync.sh.hbs");
const SQLITE: &str = include_str!("../../templates/drill_sqlite.sh.hbs");
const DUMP: &str = include_str!("../../templates/drill_dump.sh.hbs");
const VERIFY_DUMP: &str = include_str!("../../templates/verify_dump.sh.hbs");
const SERVER_POSTGRES: &str = include_str!("../../templates/drill_server_postgres.sh.hbs");
const SERVER_MARIADB: &str = include_str!("../../templates/drill_server_mariadb.sh.hbs");

/// Snapshot names of each strategy, as the backup scripts write them.
pub(super) const RSYNC_SNAPSHOTS: &str = "[0-9][0-9][0-9][0-9]-[0-9][0-9]";
pub(super) const SQLITE_SNAPSHOTS: &str =
    "[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9][0-9][0-9]";
/// Dumps as the dump script names them (older ones without seconds sort first).
pub(super) const DUMP_SNAPSHOTS: &str = "backup-[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9].sql.gz backup-[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9][0-9][0-9].sql.gz";

/// The throwaway server of a dump drill: its image, the shell that runs the script there
/// (the MariaDB image is Ubuntu's, whose /bin/sh has no pipefail) and the command that
/// installs b3sum in it.
#[derive(Debug, Clone, PartialEq)]
pub struct DrillServer {
    pub image: String,
    pub shell: &'static str,
    install_b3sum: &'static str,
    user: &'static str,
    name: &'static str,
}

/// The server image a dump drill runs in, for a validated dump job and drill.
pub fn server_image(job: &BackupJob, test: &RestoreTest) -> Option<DrillServer> {
    let version = test.server_version.as_deref()?;
    match job.strategy {
        Strategy::PgDumpall => Some(DrillServer {
            image: format!("postgres:{version}-alpine"),
            shell: "/bin/sh",
            install_b3sum: "command -v b3sum >/dev/null || apk add --no-cache b3sum",
            user: "postgres",
            name: "PostgreSQL",
        }),
        Strategy::Mysqldump => Some(DrillServer {
            image: format!("mariadb:{version}"),
            shell: "/bin/bash",
            install_b3sum: "command -v b3sum >/dev/null || { apt-get update -qq && apt-get install -y -qq --no-install-recommends b3sum; }",
            user: "mysql",
            name: "MariaDB",
        }),
        _ => None,
    }
}

/// The drill's CronJob name and script, for a validated job.
pub fn render(job: &BackupJob, test: &RestoreTest) -> (String, String) {
    let strategy = job.strategy;
    if let Some(server) = server_image(job, test) {
        return (
            crate::policy::drill_cronjob_name(&job.name),
            render_dump(job, test, strategy, &server),
        );
    }
    let (template, snapshots, tool, package) = match strategy {
        Strategy::Sqlite => (SQLITE, SQLITE_SNAPSHOTS, "sqlite3", "sqlite"),
        _ => (RSYNC, RSYNC_SNAPSHOTS, "rsync", "rsync"),
    };
    let cronjob = crate::policy::drill_cronjob_name(&job.name);
    let context = json!({
        "cronjob": quote(&cronjob),
        "backup_cronjob": crate::policy::cronjob_name(&job.name),
        "strategy": strategy.as_str(),
        "snapshots": snapshots,
        "tool": tool,
        "package": package,
        "verify_fraction": test.verify_fraction.unwrap_or(1.0),
        "check_query": test.check_query.as_deref().map(quote),
        "min_rows": test.min_rows.unwrap_or(1),
    });
    let script = render_script(
        template,
        &context,
        &[("drill_preamble", PREAMBLE), ("drill_push", PUSH)],
    );
    (cronjob, script)
}

fn render_dump(
    job: &BackupJob,
    test: &RestoreTest,
    strategy: Strategy,
    server: &DrillServer,
) -> String {
    let (server_template, default_database) = if strategy == Strategy::PgDumpall {
        (SERVER_POSTGRES, "postgres")
    } else {
        (SERVER_MARIADB, "mysql")
    };
    let context = json!({
        "cronjob": quote(&crate::policy::drill_cronjob_name(&job.name)),
        "backup_cronjob": crate::policy::cronjob_name(&job.name),
        "strategy": strategy.as_str(),
        "server_name": server.name,
        "server_user": server.user,
        "install_b3sum": server.install_b3sum,
        "snapshots": DUMP_SNAPSHOTS,
        "check_query": test.check_query.as_deref().map(quote),
        "check_database": quote(test.check_database.as_deref().unwrap_or(default_database)),
        "min_rows": test.min_rows.unwrap_or(1),
    });
    render_script(
        DUMP,
        &context,
        &[
            ("drill_push", PUSH),
            ("verify_dump", VERIFY_DUMP),
            ("drill_server", server_template),
        ],
    )
}

/// Renders `main` with the manifest partials plus `partials`. The templates are bundled
/// and every one is rendered by this crate's tests: an error is a Backstop bug.
pub(super) fn render_script(main: &str, context: &Value, partials: &[(&str, &str)]) -> String {
    let mut registry = Handlebars::new();
    registry.register_escape_fn(handlebars::no_escape);
    registry.set_strict_mode(true);
    let common = [
        ("manifest_lib", MANIFEST_LIB),
        ("verify_manifest", VERIFY),
        ("main", main),
    ];
    for (name, text) in common.iter().chain(partials) {
        if let Err(error) = registry.register_template_string(name, *text) {
            panic!("bundled template {name} does not parse: {error}");
        }
    }
    match registry.render("main", context) {
        Ok(script) => script,
        Err(error) => panic!("bundled template failed to render: {error}"),
    }
}

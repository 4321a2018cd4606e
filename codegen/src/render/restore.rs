//! The restore script: `restore.sh.hbs` (staging, verification, swap) with the strategy's
//! copy step (`restore_copy_*.sh.hbs`) and the shared manifest partials.

use super::drill::{render_script, DUMP_SNAPSHOTS, RSYNC_SNAPSHOTS, SQLITE_SNAPSHOTS};
use super::scripts::password_env;
use crate::restore::Restore;
use crate::shell::quote;
use crate::{BackupJob, Strategy};
use serde_json::json;

const RESTORE: &str = include_str!("../../templates/restore.sh.hbs");
const COPY_RSYNC: &str = include_str!("../../templates/restore_copy_rsync.sh.hbs");
const COPY_SQLITE: &str = include_str!("../../templates/restore_copy_sqlite.sh.hbs");
const DUMP: &str = include_str!("../../templates/restore_dump.sh.hbs");
const VERIFY_DUMP: &str = include_str!("../../templates/verify_dump.sh.hbs");
const CLIENT_POSTGRES: &str = include_str!("../../templates/restore_client_postgres.sh.hbs");
const CLIENT_MARIADB: &str = include_str!("../../templates/restore_client_mariadb.sh.hbs");

/// Renders the restore of a validated rsync (`folder` set) or sqlite job.
pub fn render(job: &BackupJob, r: &Restore, folder: Option<&str>) -> String {
    let sqlite = job.strategy == Strategy::Sqlite;
    let database = job.database.as_deref().unwrap_or_default();
    let database_name = database.rsplit('/').next().unwrap_or(database);
    let (copy, snapshots, tool, package) = if sqlite {
        (COPY_SQLITE, SQLITE_SNAPSHOTS, "sqlite3", "sqlite")
    } else {
        (COPY_RSYNC, RSYNC_SNAPSHOTS, "rsync", "rsync")
    };
    let context = json!({
        "backup_cronjob": crate::policy::cronjob_name(&job.name),
        "strategy": job.strategy.as_str(),
        "folder": quote(folder.unwrap_or_default()),
        "database_name": quote(database_name),
        "snapshot": quote(r.snapshot.as_deref().unwrap_or_default()),
        "overwrite": r.overwrite,
        "snapshots": snapshots,
        "tool": tool,
        "package": package,
    });
    render_script(RESTORE, &context, &[("restore_copy", copy)])
}

/// Renders the restore of a validated pg_dumpall or mysqldump job.
pub fn render_dump(job: &BackupJob, r: &Restore) -> String {
    let strategy = job.strategy;
    // The databases every server has: present on the server is no clash for them.
    let (client, tool, package, system) = if strategy == Strategy::PgDumpall {
        (
            CLIENT_POSTGRES,
            "psql",
            "postgresql-client",
            "postgres template1",
        )
    } else {
        (
            CLIENT_MARIADB,
            "mysql",
            "mariadb-client",
            "mysql sys performance_schema information_schema",
        )
    };
    let context = json!({
        "backup_cronjob": crate::policy::cronjob_name(&job.name),
        "strategy": strategy.as_str(),
        "password_env": password_env(strategy),
        "snapshot": quote(r.snapshot.as_deref().unwrap_or_default()),
        "snapshots": DUMP_SNAPSHOTS,
        "tool": tool,
        "package": package,
        "system_databases": quote(system),
    });
    render_script(
        DUMP,
        &context,
        &[("verify_dump", VERIFY_DUMP), ("restore_client", client)],
    )
}

//! `restore_test` / `backstop_restore_test`: the drill of one backup job, a CronJob that
//! restores its newest snapshot into scratch space and proves it.

use super::{AttrType, Attribute, ObjectSchema};

pub fn schema() -> ObjectSchema {
    use AttrType::{Count, Dynamic, Fraction, Job, String};
    ObjectSchema {
        type_name: "backstop_restore_test",
        block_type: "restore_test",
        description: "A restore drill: a CronJob that restores the newest snapshot of a backup job into scratch space and \
                      proves it against the snapshot's manifest (dumps: loaded into a throwaway database server)."
            .into(),
        inputs: vec![
            Attribute::required("job", Job, "The backup job whose snapshots the drill restores."),
            Attribute::optional_computed(
                "schedule",
                String,
                "Cron schedule of the drill. Defaults to weekly, in a free slot after the backup; the schedule used either way.",
            ),
            Attribute::optional(
                "verify_fraction",
                Fraction,
                "Share of the regular files whose content is hashed (above 0, at most 1); every entry's metadata is checked regardless. Defaults to 1.",
            ),
            Attribute::optional("check_query", String, "sqlite and dumps: a query returning one number, e.g. `SELECT count(*) FROM users`."),
            Attribute::optional("min_rows", Count { min: 0 }, "The least number `check_query` may return. Defaults to 1."),
            Attribute::optional("check_database", String, "Dumps: the database `check_query` runs in. Defaults to `postgres` / `mysql`."),
            Attribute::optional(
                "server_version",
                String,
                "Dumps (required): the version of the throwaway server, at least the source's: PostgreSQL's major version (`16`) or MariaDB's (`11.4`).",
            ),
        ],
        handles: vec![Attribute::computed("cronjob_name", String, "Name of the drill's CronJob.")],
        objects: vec![Attribute::computed("manifest", Dynamic, "The drill's CronJob as an object, usable directly as `kubernetes_manifest.manifest`.")],
        texts: vec![Attribute::computed("script", String, "The drill script the CronJob runs (also embedded in the manifest).")],
    }
}

//! `restore_test` / `backstop_restore_test`: the drill of one backup job, a CronJob that
//! restores its newest snapshot into scratch space and proves it.

use super::{AttrType, Attribute, ObjectSchema};

pub fn schema() -> ObjectSchema {
    use AttrType::{Count, Dynamic, Fraction, Job, String};
    ObjectSchema {
        type_name: "backstop_restore_test",
        block_type: "restore_test",
        description: "A restore drill: a CronJob `<name>-restore-test`, weekly by default, that restores the newest complete snapshot of \
         a backup job into scratch space (an `emptyDir`) and proves it: rsync snapshots against their manifest, sqlite \
         copies with `PRAGMA integrity_check` and an optional `check_query`, dumps by loading them into a throwaway \
         PostgreSQL or MariaDB server in the drill pod. Only a passing drill pushes `backup_restore_test_last_success_timestamp`. \
         Give its `schedule` to the job's `backstop_backup_alert` as `restore_test_schedule` to alert on failed and stale drills."
            .into(),
        inputs: vec![
            Attribute::required(
                "job",
                Job,
                "The backup job whose snapshots the drill restores: `job = backstop_backup_job.<name>` (its inputs; the job's \
                 computed attributes are dropped). Changing the job's `name` or `namespace` replaces the resource.",
            ),
            Attribute::optional_computed(
                "schedule",
                String,
                "Cron schedule of the drill. Defaults to weekly on Sunday, two hours after the backup's first start of a day, \
                 moved on until no start is shared with the backup. Read it back for the schedule used, default included \
                 (known at plan once the job's schedule is), e.g. for a `backstop_backup_alert`'s `restore_test_schedule`.",
            ),
            Attribute::optional(
                "verify_fraction",
                Fraction,
                "rsync: the share of regular files whose content is hashed, above 0 and at most 1 (default 1); every entry's \
                 metadata is checked regardless.",
            ),
            Attribute::optional(
                "check_query",
                String,
                "sqlite and dumps: a query returning one number, run on the restored data, e.g. `SELECT count(*) FROM users`.",
            ),
            Attribute::optional("min_rows", Count { min: 0 }, "The least number `check_query` may return. Defaults to 1."),
            Attribute::optional(
                "check_database",
                String,
                "Dumps: the database `check_query` runs in. Defaults to `postgres` (pg_dumpall) or `mysql` (mysqldump).",
            ),
            Attribute::optional(
                "server_version",
                String,
                "Dumps (required): the version of the throwaway server, at least the source's: PostgreSQL's major version \
                 (`16`, image `postgres:16-alpine`) or MariaDB's (`11.4`, image `mariadb:11.4`).",
            ),
        ],
        handles: vec![Attribute::computed(
            "cronjob_name",
            String,
            "Name of the drill's CronJob, `<name>-restore-test`.",
        )],
        objects: vec![Attribute::computed(
            "manifest",
            Dynamic,
            "The drill CronJob as an object (its script included), usable directly as `kubernetes_manifest.manifest`.",
        )],
        texts: vec![
            Attribute::computed("script", String, "The drill script the CronJob runs (also embedded in the manifest)."),
            Attribute::computed("manifest_yaml", String, "The drill CronJob as YAML, as `backstop render --format yaml` writes it."),
            Attribute::computed(
                "manifest_json",
                String,
                "The drill CronJob as JSON, as `backstop render --format json --out DIR` writes it.",
            ),
        ],
    }
}

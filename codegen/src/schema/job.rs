//! `backup_job` / `backstop_backup_job`: the CronJob `<name>-backup` that copies an app's
//! data to an NFS claim.

use super::{AttrType, Attribute, Nested, ObjectSchema};
use crate::policy::{self, BACKUP_DIR};
use crate::render::job::{MAX_DEFAULT_DEADLINE_SECONDS, MIN_DEFAULT_DEADLINE_SECONDS};
use crate::render::scripts::{default_keep, DEFAULT_MAKE_ROOM, DEFAULT_MAX_SHRINK_PERCENT};
use crate::{BackupJob, Strategy};

fn mount() -> Nested {
    Nested {
        attributes: vec![
            Attribute::required("path", AttrType::String, "Absolute path where the source is mounted in the backup pod (as in the app's pod)."),
            Attribute::optional("sub_path", AttrType::String, "Folder inside the source claim; the whole claim when unset."),
        ],
        shape: "a map of folder name to { path = \"/abs/path\", sub_path = \"dir\" }",
        missing_hint: "give where the folder is mounted, e.g. path = \"/var/mail\"",
    }
}

fn secret_ref() -> Nested {
    Nested {
        attributes: vec![
            Attribute::required(
                "name",
                AttrType::String,
                "Name of the Kubernetes Secret in the job's namespace.",
            ),
            Attribute::required(
                "key",
                AttrType::String,
                "Key of the password inside the Secret.",
            ),
        ],
        shape: "an object { name = \"secret-name\", key = \"key\" }",
        missing_hint: "write { name = \"secret-name\", key = \"password\" }",
    }
}

fn resources() -> Nested {
    Nested {
        attributes: vec![
            Attribute::optional(
                "requests",
                AttrType::StringMap,
                "Resource requests of the backup container, e.g. `{ cpu = \"100m\" }`.",
            ),
            Attribute::optional(
                "limits",
                AttrType::StringMap,
                "Resource limits of the backup container, e.g. `{ memory = \"256Mi\" }`.",
            ),
        ],
        shape: "an object { requests = { cpu = \"100m\" }, limits = { memory = \"256Mi\" } }",
        missing_hint: "",
    }
}

/// `a`, `b` or `c`, the default marked.
fn strategies() -> String {
    let default = BackupJob::default().strategy;
    let names: Vec<String> = Strategy::ALL
        .iter()
        .map(|s| match *s == default {
            true => format!("`{}` (default)", s.as_str()),
            false => format!("`{}`", s.as_str()),
        })
        .collect();
    let (last, rest) = names.split_last().expect("strategies");
    format!("{} or {last}", rest.join(", "))
}

/// `600` -> `10 minutes`, `43200` -> `12 hours`.
fn spoken(seconds: u64) -> String {
    match seconds {
        s if s % 3600 == 0 => format!("{} hours", s / 3600),
        s if s % 60 == 0 => format!("{} minutes", s / 60),
        s => format!("{s} seconds"),
    }
}

pub fn schema() -> ObjectSchema {
    use AttrType::{Bool, Count, Dynamic, MapOfObjects, Object, String, StringList, StringMap};
    let job = BackupJob::default();
    ObjectSchema {
        type_name: "backstop_backup_job",
        block_type: "backup_job",
        description: "A backup CronJob `<name>-backup` that copies an app's data to an NFS claim with one of the strategies \
         `rsync` (weekly hard-linked snapshots), `sqlite`, `pg_dumpall`, `mysqldump` or `command`, and pushes \
         its metrics to a Pushgateway after each success.".into(),
        inputs: vec![
            Attribute::required("name", String, "The app's name; the CronJob is `<name>-backup`. Changing it replaces the resource.")
                .requires_replace(),
            Attribute::required("namespace", String, "The app's namespace, where the CronJob runs. Changing it replaces the resource.")
                .requires_replace(),
            Attribute::required("schedule", String, "Cron schedule (5 fields, or a macro such as `@daily`)."),
            Attribute::optional("time_zone", String, "IANA time zone of the schedule. Defaults to the provider's `time_zone`, else the controller's."),
            Attribute::optional("strategy", String, format!("{}.", strategies())),
            Attribute::optional("source_claim", String, "The app's PVC, mounted read-only (rsync, sqlite, command)."),
            Attribute::optional(
                "mounts",
                MapOfObjects(mount()),
                "Snapshot folder name -> where it comes from in the source claim. Every source lands in its own folder.",
            ),
            Attribute::optional("database", String, "sqlite: absolute path of the database file, under one of `mounts`."),
            Attribute::optional("extra_paths", StringList, "sqlite: side files or folders copied next to the database copy."),
            Attribute::optional("host", String, "Dumps: host name of the database server."),
            Attribute::optional("user", String, "Dumps: user to connect as."),
            Attribute::optional(
                "password_secret",
                Object(secret_ref()),
                "Dumps: the Secret key holding the password, read into the job's environment (never written into the script). \
                 Not sensitive: it names where the credential lives, as the rendered manifest does.",
            ),
            Attribute::optional("command", String, "`command` strategy: a shell snippet that writes the snapshot into `$SNAPSHOT`."),
            Attribute::required(
                "destination_claim",
                String,
                format!("The NFS claim mounted read-write at `{BACKUP_DIR}`, e.g. a volume's `claim_name`."),
            ),
            Attribute::optional(
                "keep",
                Count { min: 1 },
                format!(
                    "Retention: weekly snapshots for rsync (default {}), days for the other strategies ({}, dumps {}).",
                    default_keep(Strategy::Rsync),
                    default_keep(Strategy::Sqlite),
                    default_keep(Strategy::PgDumpall),
                ),
            ),
            Attribute::optional(
                "active_deadline_seconds",
                Count { min: 0 },
                format!(
                    "The Job's `activeDeadlineSeconds`: a run that takes longer is killed and the Job fails (the Failed alert fires). \
                     Defaults to half the shortest gap between scheduled runs, at least {} and at most {}.",
                    spoken(MIN_DEFAULT_DEADLINE_SECONDS),
                    spoken(MAX_DEFAULT_DEADLINE_SECONDS),
                ),
            ),
            Attribute::optional(
                "max_shrink_percent",
                Count { min: 0 },
                format!(
                    "Shrink guard: a run whose source holds more than this many percent fewer files or bytes than the previous backup fails \
                     (default {DEFAULT_MAX_SHRINK_PERCENT}; 100 turns the ratio check off). An empty source always fails, unless a `backstop-allow-shrink` file in the \
                     destination allows it for the next run."
                ),
            ),
            Attribute::optional(
                "make_room",
                Bool,
                format!(
                    "When the destination is full, delete the oldest copy (never the newest) and copy again, rather than failing every run. \
                     Defaults to `{DEFAULT_MAKE_ROOM}`; not for the `command` strategy."
                ),
            ),
            Attribute::optional(
                "colocate_with",
                StringMap,
                "Labels of the app's pod: the job pod runs on the same node, as a ReadWriteOnce source claim requires.",
            ),
            Attribute::optional("image", String, "Container image. Defaults to the provider's `image`, else a pinned alpine."),
            Attribute::optional(
                "pushgateway_url",
                String,
                "Pushgateway base URL for the backup metrics. Defaults to the provider's, else the in-cluster monitoring Pushgateway.",
            ),
            Attribute::optional("resources", Object(resources()), "Resource requests and limits of the backup container."),
            Attribute::optional("suspend", Bool, format!("Suspends the CronJob. Defaults to `{}`.", job.suspend)),
            Attribute::optional("labels", StringMap, "Labels added to the CronJob and its pods, after the provider's `labels`."),
        ],
        handles: vec![Attribute::computed(
            "cronjob_name",
            String,
            "Name of the CronJob, `<name>-backup`, for a `backstop_backup_alert`.",
        )],
        objects: vec![
            Attribute::computed(
                "manifest",
                Dynamic,
                "The CronJob as an object (its script included), usable directly as `kubernetes_manifest.manifest`.",
            ),
            Attribute::computed(
                "config_map_manifest",
                Dynamic,
                format!(
                    "The ConfigMap `{}` as an object, usable directly as `kubernetes_manifest.manifest`: \
                     the retention, limits, lock timing, Pushgateway URL and database address the CronJob reads with `envFrom`. \
                     Apply it beside `manifest`: without it every run of the CronJob stops at once, naming it.",
                    policy::settings_name(&policy::cronjob_name("<name>"))
                ),
            ),
        ],
        texts: vec![
            Attribute::computed("script", String, "The backup script the CronJob runs (also embedded in the manifest)."),
            Attribute::computed("manifest_yaml", String, "Both objects as a two-document YAML stream, ConfigMap first, as `backstop render --format yaml` writes them."),
            Attribute::computed("manifest_json", String, "Both objects as a JSON array, ConfigMap first, as `backstop render --format json` writes them."),
        ],
    }
}

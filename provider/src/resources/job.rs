//! `backstop_backup_job`: the CronJob `<name>-backup` that copies an app's data to an NFS claim.

use std::collections::BTreeMap;

use backstop_codegen::{
    BackupJob, Defaults, Diagnostics, JobRenderer, Mount, Resources, SecretRef,
};

use super::convert::{
    bool_or, count, json_text, json_value, required_string, split_id, string, string_map, strings,
    yaml_text,
};
use super::{namespaced_id, Adapter, Kind, Outputs};
use crate::dynamic::{Type, Value};
use crate::schema::{AttrType, Attribute, Presence};

/// Holds the script templates parsed once: parsing dominates the cost of a render, and
/// Terraform plans every instance separately.
#[derive(Default)]
pub struct Job {
    renderer: JobRenderer,
}

impl Adapter for Job {
    fn type_name(&self) -> &'static str {
        "backstop_backup_job"
    }

    fn description(&self) -> &'static str {
        "A backup CronJob `<name>-backup` that copies an app's data to an NFS claim with one of the strategies \
         `rsync` (weekly hard-linked snapshots), `sqlite`, `pg_dumpall`, `mysqldump` or `command`, and pushes \
         its metrics to a Pushgateway after each success."
    }

    fn inputs(&self) -> Vec<Attribute> {
        inputs()
    }

    fn handles(&self) -> Vec<Attribute> {
        vec![Attribute::computed(
            "cronjob_name",
            Type::String,
            "Name of the CronJob, `<name>-backup`, for a `backstop_backup_alert`.",
        )]
    }

    fn objects(&self) -> Vec<Attribute> {
        vec![Attribute::computed(
            "manifest",
            Type::Dynamic,
            "The CronJob as an object (its script included), usable directly as `kubernetes_manifest.manifest`.",
        )]
    }

    fn texts(&self) -> Vec<Attribute> {
        vec![
            Attribute::computed(
                "script",
                Type::String,
                "The backup script the CronJob runs (also embedded in the manifest).",
            ),
            Attribute::computed(
                "manifest_yaml",
                Type::String,
                "The CronJob as YAML, as `backstop render --format yaml` writes it.",
            ),
            Attribute::computed(
                "manifest_json",
                Type::String,
                "The CronJob as JSON, as `backstop render --format json --out DIR` writes it.",
            ),
        ]
    }

    fn validate(&self, defaults: &Defaults, config: &Value) -> Diagnostics {
        let (job, mut diagnostics) = model(config);
        diagnostics.extend(backstop_codegen::validate::defaults(defaults));
        diagnostics.extend(backstop_codegen::validate::job(defaults, &job));
        diagnostics
    }

    fn render(
        &self,
        defaults: &Defaults,
        config: &Value,
        kind: Kind,
    ) -> Result<Outputs, Diagnostics> {
        let (job, mut diagnostics) = model(config);
        let rendered = self
            .renderer
            .render_job(defaults, &job)
            .map_err(|more| [diagnostics.clone(), more].concat())?;
        if !diagnostics.is_empty() {
            return Err(std::mem::take(&mut diagnostics));
        }
        let mut outputs = Outputs::from([
            (
                "id",
                Value::string(format!("{}/{}", job.namespace, rendered.cronjob_name)),
            ),
            ("cronjob_name", Value::string(&rendered.cronjob_name)),
            ("manifest", json_value(&rendered.cronjob)),
        ]);
        if kind == Kind::DataSource {
            outputs.extend([
                ("script", Value::string(&rendered.script)),
                ("manifest_yaml", yaml_text(&[&rendered.cronjob])),
                ("manifest_json", json_text(&[&rendered.cronjob])),
            ]);
        }
        Ok(outputs)
    }

    fn known_handles(&self, config: &Value) -> Outputs {
        let cronjob_name = match config.attr("name") {
            Value::String(name) => Value::string(backstop_codegen::render::cronjob_name(name)),
            _ => Value::Unknown,
        };
        Outputs::from([
            (
                "id",
                namespaced_id(config, "namespace", Some(&cronjob_name)),
            ),
            ("cronjob_name", cronjob_name),
        ])
    }

    fn import_inputs(&self, id: &str) -> Result<Vec<(&'static str, Value)>, String> {
        let (namespace, cronjob_name) = split_id(id)?;
        let name = backstop_codegen::render::app_of_cronjob(&cronjob_name).ok_or_else(|| {
            format!("{cronjob_name:?} is not a backup CronJob name (<name>-backup)")
        })?;
        Ok(vec![
            ("namespace", Value::string(namespace)),
            ("name", Value::string(name)),
        ])
    }

    fn id_format(&self) -> &'static str {
        "<namespace>/<cronjob_name>, e.g. \"mailserver/mailserver-backup\""
    }
}

/// The attributes a user sets on a backup job; a drill's or restore's `job` holds the same.
pub(super) fn inputs() -> Vec<Attribute> {
    let mount = vec![
        Attribute::required(
            "path",
            Type::String,
            "Absolute path where the source is mounted in the backup pod (as in the app's pod).",
        ),
        Attribute::optional(
            "sub_path",
            Type::String,
            "Folder inside the source claim; the whole claim when unset.",
        ),
    ];
    let secret = vec![
        Attribute::required(
            "name",
            Type::String,
            "Name of the Kubernetes Secret in the job's namespace.",
        ),
        Attribute::required(
            "key",
            Type::String,
            "Key of the password inside the Secret.",
        ),
    ];
    let resources = vec![
        Attribute::optional(
            "requests",
            Type::map(Type::String),
            "Resource requests of the backup container, e.g. `{ cpu = \"100m\" }`.",
        ),
        Attribute::optional(
            "limits",
            Type::map(Type::String),
            "Resource limits of the backup container, e.g. `{ memory = \"256Mi\" }`.",
        ),
    ];
    vec![
        Attribute::required("name", Type::String, "The app's name; the CronJob is `<name>-backup`. Changing it replaces the resource.")
            .requires_replace(),
        Attribute::required("namespace", Type::String, "The app's namespace, where the CronJob runs. Changing it replaces the resource.")
            .requires_replace(),
        Attribute::required("schedule", Type::String, "Cron schedule (5 fields, or a macro such as `@daily`)."),
        Attribute::optional("time_zone", Type::String, "IANA time zone of the schedule. Defaults to the provider's `time_zone`, else the controller's."),
        Attribute::optional("strategy", Type::String, "`rsync` (default), `sqlite`, `pg_dumpall`, `mysqldump` or `command`."),
        Attribute::optional("source_claim", Type::String, "The app's PVC, mounted read-only (rsync, sqlite, command)."),
        Attribute::nested(
            "mounts",
            AttrType::MapOf(mount),
            Presence::Optional,
            "Snapshot folder name -> where it comes from in the source claim. Every source lands in its own folder.",
        ),
        Attribute::optional("database", Type::String, "sqlite: absolute path of the database file, under one of `mounts`."),
        Attribute::optional("extra_paths", Type::list(Type::String), "sqlite: side files or folders copied next to the database copy."),
        Attribute::optional("host", Type::String, "Dumps: host name of the database server."),
        Attribute::optional("user", Type::String, "Dumps: user to connect as."),
        Attribute::nested(
            "password_secret",
            AttrType::Single(secret),
            Presence::Optional,
            "Dumps: the Secret key holding the password, read into the job's environment (never written into the script). \
             Not sensitive: it names where the credential lives, as the rendered manifest does.",
        ),
        Attribute::optional("command", Type::String, "`command` strategy: a shell snippet that writes the snapshot into `$SNAPSHOT`."),
        Attribute::required("destination_claim", Type::String, "The NFS claim mounted read-write at `/backup`, e.g. a volume's `claim_name`."),
        Attribute::optional("keep", Type::Number, "Retention: weekly snapshots for rsync (default 8), days for the other strategies (30, dumps 14)."),
        Attribute::optional(
            "active_deadline_seconds",
            Type::Number,
            "The Job's `activeDeadlineSeconds`: a run that takes longer is killed and the Job fails (the Failed alert fires). \
             Defaults to half the shortest gap between scheduled runs, at least 10 minutes and at most 12 hours.",
        ),
        Attribute::optional(
            "max_shrink_percent",
            Type::Number,
            "Shrink guard: a run whose source holds more than this many percent fewer files or bytes than the previous backup fails \
             (default 50; 100 turns the ratio check off). An empty source always fails, unless a `backstop-allow-shrink` file in the \
             destination allows it for the next run.",
        ),
        Attribute::optional(
            "make_room",
            Type::Bool,
            "When the destination is full, delete the oldest copy (never the newest) and copy again, rather than failing every run. \
             Defaults to `true`; not for the `command` strategy.",
        ),
        Attribute::optional(
            "colocate_with",
            Type::map(Type::String),
            "Labels of the app's pod: the job pod runs on the same node, as a ReadWriteOnce source claim requires.",
        ),
        Attribute::optional("image", Type::String, "Container image. Defaults to the provider's `image`, else a pinned alpine."),
        Attribute::optional(
            "pushgateway_url",
            Type::String,
            "Pushgateway base URL for the backup metrics. Defaults to the provider's, else the in-cluster monitoring Pushgateway.",
        ),
        Attribute::nested("resources", AttrType::Single(resources), Presence::Optional, "Resource requests and limits of the backup container."),
        Attribute::optional("suspend", Type::Bool, "Suspends the CronJob. Defaults to `false`."),
        Attribute::optional("labels", Type::map(Type::String), "Labels added to the CronJob and its pods, after the provider's `labels`."),
    ]
}

/// The model of a configuration, and the errors of values the model cannot hold.
pub(super) fn model(config: &Value) -> (BackupJob, Diagnostics) {
    let mut diagnostics = Diagnostics::new();
    let job = BackupJob {
        name: required_string(config, "name"),
        namespace: required_string(config, "namespace"),
        schedule: required_string(config, "schedule"),
        time_zone: string(config, "time_zone"),
        strategy: string(config, "strategy").unwrap_or_else(|| BackupJob::default().strategy),
        source_claim: string(config, "source_claim"),
        mounts: mounts(config.attr("mounts")),
        database: string(config, "database"),
        extra_paths: strings(config, "extra_paths").unwrap_or_default(),
        host: string(config, "host"),
        user: string(config, "user"),
        password_secret: secret_ref(config.attr("password_secret")),
        command: string(config, "command"),
        destination_claim: required_string(config, "destination_claim"),
        keep: count(config, "keep", 1, &mut diagnostics),
        active_deadline_seconds: count(config, "active_deadline_seconds", 0, &mut diagnostics),
        max_shrink_percent: count(config, "max_shrink_percent", 0, &mut diagnostics),
        make_room: match config.attr("make_room") {
            Value::Bool(b) => Some(*b),
            _ => None,
        },
        colocate_with: string_map(config, "colocate_with"),
        image: string(config, "image"),
        pushgateway_url: string(config, "pushgateway_url"),
        resources: resources(config.attr("resources")),
        suspend: bool_or(config, "suspend", false),
        labels: string_map(config, "labels"),
    };
    (job, diagnostics)
}

fn mounts(value: &Value) -> BTreeMap<String, Mount> {
    match value {
        Value::Map(entries) => entries
            .iter()
            .map(|(folder, mount)| {
                (
                    folder.clone(),
                    Mount {
                        path: required_string(mount, "path"),
                        sub_path: string(mount, "sub_path"),
                    },
                )
            })
            .collect(),
        _ => BTreeMap::new(),
    }
}

fn secret_ref(value: &Value) -> Option<SecretRef> {
    match value {
        Value::Object(_) => Some(SecretRef {
            name: required_string(value, "name"),
            key: required_string(value, "key"),
        }),
        _ => None,
    }
}

fn resources(value: &Value) -> Option<Resources> {
    match value {
        Value::Object(_) => Some(Resources {
            requests: string_map(value, "requests"),
            limits: string_map(value, "limits"),
        }),
        _ => None,
    }
}

//! Typed model objects from evaluated attribute values. Type errors are diagnostics on the
//! attribute path, so they are located like validation errors.

use super::schema::Type;
use super::source::did_you_mean;
use backstop_codegen::{
    AttrPath, BackupAlert, BackupJob, Defaults, Diagnostic, Diagnostics, Mount, NfsBackupVolume,
    Resources, Restore, RestoreTest, SecretRef,
};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The attributes of one block, read by name and type.
pub struct Fields<'a> {
    values: &'a Map<String, Value>,
    pub diagnostics: Diagnostics,
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_u64() => "a number",
        Value::Number(_) => "a negative or fractional number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn wrong_type(path: AttrPath, expected: Type, found: &Value) -> Diagnostic {
    Diagnostic::new(
        path.clone(),
        format!(
            "`{path}` must be {}, not {}",
            expected.describe(),
            type_name(found)
        ),
        format!("write {}", expected.describe()),
    )
}

impl<'a> Fields<'a> {
    pub fn new(values: &'a Map<String, Value>) -> Self {
        Fields {
            values,
            diagnostics: Vec::new(),
        }
    }

    /// The value of `name` unless unset or `null`.
    fn get(&self, name: &str) -> Option<&'a Value> {
        self.values.get(name).filter(|v| !v.is_null())
    }

    pub fn string(&mut self, name: &str) -> Option<String> {
        let value = self.get(name)?;
        self.as_string(AttrPath::root(name), value)
    }

    fn as_string(&mut self, path: AttrPath, value: &Value) -> Option<String> {
        match value {
            Value::String(s) => Some(s.clone()),
            other => {
                self.diagnostics.push(wrong_type(path, Type::String, other));
                None
            }
        }
    }

    pub fn number(&mut self, name: &str) -> Option<u32> {
        let value = self.get(name)?;
        match value.as_u64().and_then(|n| u32::try_from(n).ok()) {
            Some(n) => Some(n),
            None => {
                self.diagnostics
                    .push(wrong_type(AttrPath::root(name), Type::Number, value));
                None
            }
        }
    }

    /// Any number, whole or fractional; its range is the core's to check.
    pub fn fraction(&mut self, name: &str) -> Option<f64> {
        let value = self.get(name)?;
        match value.as_f64() {
            Some(n) => Some(n),
            None => {
                self.diagnostics
                    .push(wrong_type(AttrPath::root(name), Type::Fraction, value));
                None
            }
        }
    }

    pub fn bool(&mut self, name: &str) -> Option<bool> {
        let value = self.get(name)?;
        match value {
            Value::Bool(b) => Some(*b),
            other => {
                self.diagnostics
                    .push(wrong_type(AttrPath::root(name), Type::Bool, other));
                None
            }
        }
    }

    pub fn string_list(&mut self, name: &str) -> Option<Vec<String>> {
        let value = self.get(name)?;
        let Value::Array(items) = value else {
            self.diagnostics
                .push(wrong_type(AttrPath::root(name), Type::StringList, value));
            return None;
        };
        let strings: Vec<Option<String>> = items
            .iter()
            .enumerate()
            .map(|(i, item)| self.as_string(AttrPath::root(name).index(i), item))
            .collect();
        strings.into_iter().collect()
    }

    pub fn string_map(&mut self, name: &str) -> BTreeMap<String, String> {
        match self.get(name) {
            Some(value) => self.as_string_map(AttrPath::root(name), value, Type::StringMap),
            None => BTreeMap::new(),
        }
    }

    fn as_string_map(
        &mut self,
        path: AttrPath,
        value: &Value,
        expected: Type,
    ) -> BTreeMap<String, String> {
        let Value::Object(map) = value else {
            self.diagnostics.push(wrong_type(path, expected, value));
            return BTreeMap::new();
        };
        map.iter()
            .filter_map(|(k, v)| Some((k.clone(), self.as_string(path.clone().key(k), v)?)))
            .collect()
    }

    /// The object at `path`, after checking that it has only the `allowed` keys.
    fn object(
        &mut self,
        path: &AttrPath,
        value: &'a Value,
        expected: Type,
        allowed: &[&str],
    ) -> Option<&'a Map<String, Value>> {
        let Value::Object(map) = value else {
            self.diagnostics
                .push(wrong_type(path.clone(), expected, value));
            return None;
        };
        for key in map.keys().filter(|k| !allowed.contains(&k.as_str())) {
            let hint = match did_you_mean(key, allowed.iter().copied()) {
                Some(close) => format!("did you mean `{close}`?"),
                None => format!("the allowed keys are {}", allowed.join(", ")),
            };
            self.diagnostics.push(Diagnostic::new(
                path.clone().attr(key),
                format!("unknown key `{key}` in `{path}`"),
                hint,
            ));
        }
        Some(map)
    }

    pub fn mounts(&mut self) -> BTreeMap<String, Mount> {
        let Some(value) = self.get("mounts") else {
            return BTreeMap::new();
        };
        let Value::Object(map) = value else {
            self.diagnostics
                .push(wrong_type(AttrPath::root("mounts"), Type::Mounts, value));
            return BTreeMap::new();
        };
        let mut mounts = BTreeMap::new();
        for (folder, mount) in map {
            let path = AttrPath::root("mounts").key(folder);
            let Some(fields) = self.object(&path, mount, Type::Mounts, &["path", "sub_path"])
            else {
                continue;
            };
            let mount_path = match fields.get("path") {
                Some(v) => self
                    .as_string(path.clone().attr("path"), v)
                    .unwrap_or_default(),
                None => {
                    self.diagnostics.push(Diagnostic::new(
                        path.clone().attr("path"),
                        format!("`{path}` has no `path`"),
                        "give where the folder is mounted, e.g. path = \"/var/mail\"",
                    ));
                    String::new()
                }
            };
            let sub_path = match fields.get("sub_path").filter(|v| !v.is_null()) {
                Some(v) => self.as_string(path.clone().attr("sub_path"), v),
                None => None,
            };
            mounts.insert(
                folder.clone(),
                Mount {
                    path: mount_path,
                    sub_path,
                },
            );
        }
        mounts
    }

    pub fn secret_ref(&mut self, name: &str) -> Option<SecretRef> {
        let value = self.get(name)?;
        let path = AttrPath::root(name);
        let fields = self.object(&path, value, Type::SecretRef, &["name", "key"])?;
        let mut part = |key: &str| match fields.get(key) {
            Some(v) => self
                .as_string(path.clone().attr(key), v)
                .unwrap_or_default(),
            None => {
                self.diagnostics.push(Diagnostic::new(
                    path.clone().attr(key),
                    format!("`{name}` has no `{key}`"),
                    "write { name = \"secret-name\", key = \"password\" }",
                ));
                String::new()
            }
        };
        Some(SecretRef {
            name: part("name"),
            key: part("key"),
        })
    }

    pub fn resources(&mut self) -> Option<Resources> {
        let value = self.get("resources")?;
        let path = AttrPath::root("resources");
        let fields = self.object(&path, value, Type::Resources, &["requests", "limits"])?;
        let mut section = |key: &str| match fields.get(key) {
            Some(v) => self.as_string_map(path.clone().attr(key), v, Type::StringMap),
            None => BTreeMap::new(),
        };
        Some(Resources {
            requests: section("requests"),
            limits: section("limits"),
        })
    }
}

pub fn defaults(f: &mut Fields) -> Defaults {
    Defaults {
        nfs_server: f.string("nfs_server"),
        nfs_base_path: f.string("nfs_base_path"),
        storage_class: f.string("storage_class"),
        mount_options: f.string_list("mount_options"),
        image: f.string("image"),
        pushgateway_url: f.string("pushgateway_url"),
        time_zone: f.string("time_zone"),
        labels: f.string_map("labels"),
    }
}

/// `name` defaults to the block label.
pub fn volume(f: &mut Fields, label: &str) -> NfsBackupVolume {
    NfsBackupVolume {
        name: f.string("name").unwrap_or_else(|| label.to_string()),
        namespace: f.string("namespace").unwrap_or_default(),
        nfs_server: f.string("nfs_server"),
        nfs_path: f.string("nfs_path"),
        storage: f.string("storage"),
        access_modes: f.string_list("access_modes"),
        storage_class: f.string("storage_class"),
        mount_options: f.string_list("mount_options"),
        reclaim_policy: f.string("reclaim_policy"),
        csi_driver: f.string("csi_driver"),
        labels: f.string_map("labels"),
    }
}

/// `name` defaults to the block label; `strategy` to rsync (the model's default).
pub fn job(f: &mut Fields, label: &str) -> BackupJob {
    let default = BackupJob::default();
    BackupJob {
        name: f.string("name").unwrap_or_else(|| label.to_string()),
        namespace: f.string("namespace").unwrap_or_default(),
        schedule: f.string("schedule").unwrap_or_default(),
        time_zone: f.string("time_zone"),
        strategy: f.string("strategy").unwrap_or(default.strategy),
        source_claim: f.string("source_claim"),
        mounts: f.mounts(),
        database: f.string("database"),
        extra_paths: f.string_list("extra_paths").unwrap_or_default(),
        host: f.string("host"),
        user: f.string("user"),
        password_secret: f.secret_ref("password_secret"),
        command: f.string("command"),
        destination_claim: f.string("destination_claim").unwrap_or_default(),
        keep: f.number("keep"),
        active_deadline_seconds: f.number("active_deadline_seconds"),
        max_shrink_percent: f.number("max_shrink_percent"),
        make_room: f.bool("make_room"),
        colocate_with: f.string_map("colocate_with"),
        image: f.string("image"),
        pushgateway_url: f.string("pushgateway_url"),
        resources: f.resources(),
        suspend: f.bool("suspend").unwrap_or(default.suspend),
        labels: f.string_map("labels"),
    }
}

/// `cronjob_name` defaults to `<label>-backup`, the CronJob of a backup_job with that name.
pub fn alert(f: &mut Fields, label: &str) -> BackupAlert {
    let default = BackupAlert::default();
    BackupAlert {
        cronjob_name: f
            .string("cronjob_name")
            .unwrap_or_else(|| format!("{label}-backup")),
        namespace: f.string("namespace").unwrap_or_default(),
        schedule: f.string("schedule"),
        stale_after: f.string("stale_after"),
        severity: f.string("severity"),
        alert_prefix: f.string("alert_prefix"),
        labels: f.string_map("labels"),
        annotations: f.string_map("annotations"),
        runbook_url: f.string("runbook_url"),
        stale: f.bool("stale").unwrap_or(default.stale),
        never_succeeded: f.bool("never_succeeded").unwrap_or(default.never_succeeded),
        failed: f.bool("failed").unwrap_or(default.failed),
        missing: f.bool("missing").unwrap_or(default.missing),
        suspended: f.bool("suspended").unwrap_or(default.suspended),
    }
}

/// The block id of the backup job a drill or restore belongs to (the loader resolved
/// `job = backup_job.ID` to `ID`); required. A `job` that is `written` but did not resolve
/// was reported where it is written.
pub fn job_id(f: &mut Fields, written: bool) -> Option<String> {
    let job = f.string("job");
    if job.is_none() && !written {
        f.diagnostics.push(Diagnostic::new(
            AttrPath::root("job"),
            "this block has no `job`",
            "name the backup it belongs to, e.g. job = backup_job.mailserver",
        ));
    }
    job
}

pub fn restore_test(f: &mut Fields) -> RestoreTest {
    RestoreTest {
        schedule: f.string("schedule"),
        verify_fraction: f.fraction("verify_fraction"),
        check_query: f.string("check_query"),
        min_rows: f.number("min_rows").map(u64::from),
        check_database: f.string("check_database"),
        server_version: f.string("server_version"),
    }
}

pub fn restore(f: &mut Fields) -> Restore {
    Restore {
        snapshot: f.string("snapshot"),
        folder: f.string("folder"),
        overwrite: f.bool("overwrite").unwrap_or(false),
        target_claim: f.string("target_claim"),
        target_path: f.string("target_path"),
    }
}

//! The one reader from a front end's values into the model. Both front ends first turn
//! their values into a JSON object per block (the spec loader evaluates HCL into one; the
//! provider converts its cty values, unknowns left out); this reads that object through
//! the object's table. A value of the wrong type is a diagnostic on its attribute path,
//! so it is located like a validation error; an object read with diagnostics is not
//! worth validating.

use super::{AttrType, Attribute, Nested, ObjectSchema, Presence};
use crate::restore::Restore;
use crate::restore_test::RestoreTest;
use crate::{
    AttrPath, BackupAlert, BackupJob, Defaults, Diagnostic, Diagnostics, Mount, NfsBackupVolume,
    Resources, SecretRef, Strategy,
};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// A block's values: attribute name to value (`null` reads as unset).
pub type Values = Map<String, Value>;

/// The attributes of one block, read by name through the block's table.
struct Fields<'a> {
    values: &'a Values,
    table: ObjectSchema,
    diagnostics: Diagnostics,
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

fn wrong_type(path: AttrPath, expected: &AttrType, found: &Value) -> Diagnostic {
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

/// The candidate closest to `name` by edit distance (over characters), if within a third
/// of its length (at least 2): for "did you mean" hints.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .map(|candidate| (strsim::levenshtein(name, candidate), candidate))
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

impl<'a> Fields<'a> {
    fn new(values: &'a Values, table: ObjectSchema) -> Self {
        Fields {
            values,
            table,
            diagnostics: Vec::new(),
        }
    }

    /// The value of `name` unless unset or `null`. `name` must be in the table: the
    /// reader reads nothing the table does not declare.
    fn get(&self, name: &str) -> Option<&'a Value> {
        debug_assert!(
            self.table.input(name).is_some(),
            "{} has no attribute {name} in its table",
            self.table.block_type
        );
        self.values.get(name).filter(|v| !v.is_null())
    }

    fn string(&mut self, name: &str) -> Option<String> {
        let value = self.get(name)?;
        self.as_string(AttrPath::root(name), value)
    }

    /// A required string: empty when unset, which validation reports by name.
    fn required_string(&mut self, name: &str) -> String {
        self.string(name).unwrap_or_default()
    }

    fn as_string(&mut self, path: AttrPath, value: &Value) -> Option<String> {
        match value {
            Value::String(s) => Some(s.clone()),
            other => {
                self.diagnostics
                    .push(wrong_type(path, &AttrType::String, other));
                None
            }
        }
    }

    fn count(&mut self, name: &str) -> Option<u32> {
        let value = self.get(name)?;
        match value.as_u64().and_then(|n| u32::try_from(n).ok()) {
            Some(n) => Some(n),
            None => {
                self.diagnostics.push(wrong_type(
                    AttrPath::root(name),
                    &AttrType::Count { min: 0 },
                    value,
                ));
                None
            }
        }
    }

    fn fraction(&mut self, name: &str) -> Option<f64> {
        let value = self.get(name)?;
        match value.as_f64() {
            Some(n) => Some(n),
            None => {
                self.diagnostics
                    .push(wrong_type(AttrPath::root(name), &AttrType::Fraction, value));
                None
            }
        }
    }

    fn bool(&mut self, name: &str) -> Option<bool> {
        let value = self.get(name)?;
        match value {
            Value::Bool(b) => Some(*b),
            other => {
                self.diagnostics
                    .push(wrong_type(AttrPath::root(name), &AttrType::Bool, other));
                None
            }
        }
    }

    fn string_list(&mut self, name: &str) -> Option<Vec<String>> {
        let value = self.get(name)?;
        let Value::Array(items) = value else {
            self.diagnostics.push(wrong_type(
                AttrPath::root(name),
                &AttrType::StringList,
                value,
            ));
            return None;
        };
        let strings: Vec<Option<String>> = items
            .iter()
            .enumerate()
            .map(|(i, item)| self.as_string(AttrPath::root(name).index(i), item))
            .collect();
        strings.into_iter().collect()
    }

    fn string_map(&mut self, name: &str) -> BTreeMap<String, String> {
        match self.get(name) {
            Some(value) => self.as_string_map(AttrPath::root(name), value, &AttrType::StringMap),
            None => BTreeMap::new(),
        }
    }

    fn as_string_map(
        &mut self,
        path: AttrPath,
        value: &Value,
        expected: &AttrType,
    ) -> BTreeMap<String, String> {
        let Value::Object(map) = value else {
            self.diagnostics.push(wrong_type(path, expected, value));
            return BTreeMap::new();
        };
        map.iter()
            .filter_map(|(k, v)| Some((k.clone(), self.as_string(path.clone().key(k), v)?)))
            .collect()
    }

    /// The table type of `name` (nested types carry their attributes).
    fn type_of(&self, name: &str) -> AttrType {
        self.table
            .input(name)
            .map(|a| a.ty.clone())
            .unwrap_or(AttrType::Dynamic)
    }

    /// The nested object at `path`, after checking its keys against `nested`: unknown keys
    /// and missing required ones are reported. Returns the object's values by name.
    fn nested_object(
        &mut self,
        path: &AttrPath,
        value: &'a Value,
        expected: &AttrType,
        nested: &Nested,
    ) -> Option<&'a Values> {
        let Value::Object(map) = value else {
            self.diagnostics
                .push(wrong_type(path.clone(), expected, value));
            return None;
        };
        let allowed: Vec<&str> = nested.attributes.iter().map(|a| a.name).collect();
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

    /// The string attribute `key` of a nested object; a required one that is missing is
    /// reported with the object's hint.
    fn nested_string(
        &mut self,
        path: &AttrPath,
        fields: &Values,
        nested: &Nested,
        key: &str,
    ) -> Option<String> {
        let attribute = nested.attributes.iter().find(|a| a.name == key);
        debug_assert!(attribute.is_some(), "no nested attribute {key} at {path}");
        match fields.get(key).filter(|v| !v.is_null()) {
            Some(v) => self.as_string(path.clone().attr(key), v),
            None if attribute.is_some_and(|a| a.presence == Presence::Required) => {
                self.diagnostics.push(Diagnostic::new(
                    path.clone().attr(key),
                    format!("`{path}` has no `{key}`"),
                    nested.missing_hint,
                ));
                None
            }
            None => None,
        }
    }

    fn mounts(&mut self, name: &str) -> BTreeMap<String, Mount> {
        let Some(value) = self.get(name) else {
            return BTreeMap::new();
        };
        let ty = self.type_of(name);
        let AttrType::MapOfObjects(nested) = &ty else {
            unreachable!("{name} is a map of objects in the table");
        };
        let Value::Object(map) = value else {
            self.diagnostics
                .push(wrong_type(AttrPath::root(name), &ty, value));
            return BTreeMap::new();
        };
        let mut mounts = BTreeMap::new();
        for (folder, mount) in map {
            let path = AttrPath::root(name).key(folder);
            let Some(fields) = self.nested_object(&path, mount, &ty, nested) else {
                continue;
            };
            let mount = Mount {
                path: self
                    .nested_string(&path, fields, nested, "path")
                    .unwrap_or_default(),
                sub_path: self.nested_string(&path, fields, nested, "sub_path"),
            };
            mounts.insert(folder.clone(), mount);
        }
        mounts
    }

    fn secret_ref(&mut self, name: &str) -> Option<SecretRef> {
        let value = self.get(name)?;
        let ty = self.type_of(name);
        let AttrType::Object(nested) = &ty else {
            unreachable!("{name} is an object in the table");
        };
        let path = AttrPath::root(name);
        let fields = self.nested_object(&path, value, &ty, nested)?;
        Some(SecretRef {
            name: self
                .nested_string(&path, fields, nested, "name")
                .unwrap_or_default(),
            key: self
                .nested_string(&path, fields, nested, "key")
                .unwrap_or_default(),
        })
    }

    fn resources(&mut self, name: &str) -> Option<Resources> {
        let value = self.get(name)?;
        let ty = self.type_of(name);
        let AttrType::Object(nested) = &ty else {
            unreachable!("{name} is an object in the table");
        };
        let path = AttrPath::root(name);
        let fields = self.nested_object(&path, value, &ty, nested)?;
        let mut section = |key: &str| match fields.get(key).filter(|v| !v.is_null()) {
            Some(v) => self.as_string_map(path.clone().attr(key), v, &AttrType::StringMap),
            None => BTreeMap::new(),
        };
        Some(Resources {
            requests: section("requests"),
            limits: section("limits"),
        })
    }

    /// The strategy, rsync when unset; an unknown one is reported and read as the default.
    fn strategy(&mut self, name: &str) -> Strategy {
        let default = BackupJob::default().strategy;
        let Some(text) = self.string(name) else {
            return default;
        };
        Strategy::parse(&text).unwrap_or_else(|| {
            self.diagnostics.push(Diagnostic::new(
                AttrPath::root(name),
                format!("{text:?} is not a backup strategy"),
                format!(
                    "use one of {}",
                    Strategy::ALL.map(Strategy::as_str).join(", ")
                ),
            ));
            default
        })
    }

    fn finish<T>(self, model: T) -> (T, Diagnostics) {
        (model, self.diagnostics)
    }
}

/// Whether `values` only sets attributes of `table`'s inputs; the unknown ones otherwise.
pub fn unknown_attributes<'v>(table: &ObjectSchema, values: &'v Values) -> Vec<&'v str> {
    values
        .keys()
        .map(String::as_str)
        .filter(|name| table.input(name).is_none())
        .collect()
}

/// Every input named in `table`, for front ends that list what a block takes.
pub fn input_names(table: &ObjectSchema) -> Vec<&'static str> {
    table.inputs.iter().map(|a: &Attribute| a.name).collect()
}

pub fn defaults(values: &Values) -> (Defaults, Diagnostics) {
    let mut f = Fields::new(values, super::defaults());
    let defaults = Defaults {
        nfs_server: f.string("nfs_server"),
        nfs_base_path: f.string("nfs_base_path"),
        storage_class: f.string("storage_class"),
        mount_options: f.string_list("mount_options"),
        image: f.string("image"),
        pushgateway_url: f.string("pushgateway_url"),
        time_zone: f.string("time_zone"),
        labels: f.string_map("labels"),
    };
    f.finish(defaults)
}

pub fn volume(values: &Values) -> (NfsBackupVolume, Diagnostics) {
    let mut f = Fields::new(values, super::nfs_backup_volume());
    let volume = NfsBackupVolume {
        name: f.required_string("name"),
        namespace: f.required_string("namespace"),
        nfs_server: f.string("nfs_server"),
        nfs_path: f.string("nfs_path"),
        storage: f.string("storage"),
        access_modes: f.string_list("access_modes"),
        storage_class: f.string("storage_class"),
        mount_options: f.string_list("mount_options"),
        reclaim_policy: f.string("reclaim_policy"),
        csi_driver: f.string("csi_driver"),
        labels: f.string_map("labels"),
    };
    f.finish(volume)
}

pub fn job(values: &Values) -> (BackupJob, Diagnostics) {
    let mut f = Fields::new(values, super::backup_job());
    let default = BackupJob::default();
    let job = BackupJob {
        name: f.required_string("name"),
        namespace: f.required_string("namespace"),
        schedule: f.required_string("schedule"),
        time_zone: f.string("time_zone"),
        strategy: f.strategy("strategy"),
        source_claim: f.string("source_claim"),
        mounts: f.mounts("mounts"),
        database: f.string("database"),
        extra_paths: f.string_list("extra_paths").unwrap_or_default(),
        host: f.string("host"),
        user: f.string("user"),
        password_secret: f.secret_ref("password_secret"),
        command: f.string("command"),
        destination_claim: f.required_string("destination_claim"),
        keep: f.count("keep"),
        active_deadline_seconds: f.count("active_deadline_seconds"),
        max_shrink_percent: f.count("max_shrink_percent"),
        make_room: f.bool("make_room"),
        colocate_with: f.string_map("colocate_with"),
        image: f.string("image"),
        pushgateway_url: f.string("pushgateway_url"),
        resources: f.resources("resources"),
        suspend: f.bool("suspend").unwrap_or(default.suspend),
        labels: f.string_map("labels"),
    };
    f.finish(job)
}

pub fn alert(values: &Values) -> (BackupAlert, Diagnostics) {
    let mut f = Fields::new(values, super::backup_alert());
    let default = BackupAlert::default();
    let alert = BackupAlert {
        cronjob_name: f.required_string("cronjob_name"),
        namespace: f.required_string("namespace"),
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
    };
    f.finish(alert)
}

/// The alert's provider-only `restore_test_schedule`: the schedule of the job's drill, whose
/// rules the core adds beside the alert's (a spec takes it from its `restore_test` block).
pub fn alert_drill_schedule(values: &Values) -> (Option<String>, Diagnostics) {
    let mut f = Fields::new(values, super::backup_alert());
    let schedule = f.string("restore_test_schedule");
    f.finish(schedule)
}

/// The drill's own attributes; its `job` is the front end's to resolve.
pub fn restore_test(values: &Values) -> (RestoreTest, Diagnostics) {
    let mut f = Fields::new(values, super::restore_test());
    let test = RestoreTest {
        schedule: f.string("schedule"),
        verify_fraction: f.fraction("verify_fraction"),
        check_query: f.string("check_query"),
        min_rows: f.count("min_rows").map(u64::from),
        check_database: f.string("check_database"),
        server_version: f.string("server_version"),
    };
    f.finish(test)
}

/// The restore's own attributes; its `job` is the front end's to resolve.
pub fn restore(values: &Values) -> (Restore, Diagnostics) {
    let mut f = Fields::new(values, super::restore());
    let default = Restore::default();
    let restore = Restore {
        snapshot: f.string("snapshot"),
        folder: f.string("folder"),
        overwrite: f.bool("overwrite").unwrap_or(default.overwrite),
        target_claim: f.string("target_claim"),
        target_path: f.string("target_path"),
    };
    f.finish(restore)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn values(value: Value) -> Values {
        value.as_object().expect("an object").clone()
    }

    fn summaries(diagnostics: &Diagnostics) -> Vec<(String, String)> {
        diagnostics
            .iter()
            .map(|d| (d.path.to_string(), d.summary.clone()))
            .collect()
    }

    #[test]
    fn a_strategy_that_does_not_exist_is_named_with_the_ones_that_do() {
        let (read, problems) = job(&values(json!({"strategy": "restic"})));
        assert_eq!(
            summaries(&problems),
            [(
                "strategy".into(),
                "\"restic\" is not a backup strategy".into()
            )]
        );
        assert_eq!(
            problems[0].detail,
            "use one of rsync, sqlite, pg_dumpall, mysqldump, command"
        );
        assert_eq!(read.strategy, Strategy::Rsync);
        for strategy in Strategy::ALL {
            let (read, problems) = job(&values(json!({"strategy": strategy.as_str()})));
            assert!(problems.is_empty(), "{problems:?}");
            assert_eq!(read.strategy, strategy);
        }
    }

    #[test]
    fn wrong_types_are_reported_on_their_paths_and_read_as_unset() {
        let (read, problems) = job(&values(json!({
            "keep": "8",
            "suspend": "yes",
            "extra_paths": ["a", 1],
            "labels": {"app": 2},
            "mounts": {"data": {"path": "/d", "sub_pth": "x"}, "log": {}},
            "password_secret": {"name": "s"},
        })));
        let found = summaries(&problems);
        for (path, summary) in [
            ("keep", "`keep` must be a whole number, not a string"),
            ("suspend", "`suspend` must be true or false, not a string"),
            (
                "extra_paths[1]",
                "`extra_paths[1]` must be a string, not a number",
            ),
            ("password_secret.key", "`password_secret` has no `key`"),
        ] {
            assert!(
                found.contains(&(path.to_string(), summary.to_string())),
                "{path}: {found:?}"
            );
        }
        assert_eq!(found.len(), 7, "{found:?}");
        assert!(problems.iter().any(|d| d.summary
            == "unknown key `sub_pth` in `mounts[\"data\"]`"
            && d.detail == "did you mean `sub_path`?"));
        assert!(problems
            .iter()
            .any(|d| d.summary == "`mounts[\"log\"]` has no `path`"));
        assert_eq!(read.keep, None);
        assert!(!read.suspend);
        assert!(read.labels.is_empty());
    }

    /// Every input of every table set to a value no attribute accepts (an object with an
    /// unknown key) must be reported on that input: the reader reads the whole table.
    #[test]
    fn each_reader_reads_every_input_of_its_table() {
        type Reader = fn(&Values) -> Diagnostics;
        let readers: [(ObjectSchema, Reader); 6] = [
            (super::super::defaults(), |v| defaults(v).1),
            (super::super::nfs_backup_volume(), |v| volume(v).1),
            (super::super::backup_job(), |v| job(v).1),
            (super::super::backup_alert(), |v| {
                [alert(v).1, alert_drill_schedule(v).1].concat()
            }),
            // `job` is the front end's to resolve (a reference, or the job's own inputs).
            (super::super::restore_test(), |v| restore_test(v).1),
            (super::super::restore(), |v| restore(v).1),
        ];
        for (table, read) in readers {
            let mut inputs: Vec<&str> = table
                .inputs
                .iter()
                .filter(|a| a.ty != AttrType::Job)
                .map(|a| a.name)
                .collect();
            let bad: Values = inputs
                .iter()
                .map(|name| (name.to_string(), json!({"__": 0})))
                .collect();
            let mut reported: Vec<String> = read(&bad)
                .iter()
                .map(|d| {
                    let path = d.path.to_string();
                    path.split(['.', '['])
                        .next()
                        .unwrap_or_default()
                        .to_string()
                })
                .collect();
            reported.sort();
            reported.dedup();
            inputs.sort_unstable();
            assert_eq!(reported, inputs, "{}", table.block_type);
        }
    }

    #[test]
    fn every_object_reads_an_empty_block_without_complaint() {
        let empty = Values::new();
        assert!(defaults(&empty).1.is_empty());
        assert!(volume(&empty).1.is_empty());
        assert!(job(&empty).1.is_empty());
        assert!(alert(&empty).1.is_empty());
        assert!(restore_test(&empty).1.is_empty());
        assert!(restore(&empty).1.is_empty());
        assert_eq!(alert(&empty).0, BackupAlert::default());
    }
}

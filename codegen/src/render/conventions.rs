//! The defaults of docs/guides/conventions.md in one place, and the label set every object carries.
//! A value set on the object wins over the provider-level `Defaults`, which win over these.

use crate::model::Resources;
use crate::Defaults;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// Pinned (the originals float on `alpine`, so a rebuild can change the tools under a job).
pub const IMAGE: &str = "alpine:3.22";
pub const PUSHGATEWAY_URL: &str = "http://prometheus-prometheus-pushgateway.monitoring:9091";
pub const NFS_BASE_PATH: &str = "/srv/nfs";
pub const STORAGE: &str = "10Gi";
pub const ACCESS_MODE: &str = "ReadWriteMany";
pub const RECLAIM_POLICY: &str = "Retain";
pub const CSI_DRIVER: &str = "nfs.csi.k8s.io";
/// The class of a PV/PVC pair when none is set. No StorageClass object carries this name, so
/// nothing provisions for it: the claim can only bind to its own PV. An empty class would do
/// the same in a manifest, but hashicorp/kubernetes drops `storage_class_name = ""`, and the
/// cluster's default class would then be assigned and the claim never binds.
pub const STATIC_STORAGE_CLASS: &str = "backstop-static-nfs";
/// NFSv3 is disabled on the servers; `soft` with short timeouts lets a job fail instead of
/// hanging forever on a dead server; `actimeo=5` keeps attribute caching short.
pub const MOUNT_OPTIONS: [&str; 5] = ["nfsvers=4", "soft", "timeo=30", "retrans=3", "actimeo=5"];
/// Where the destination claim is mounted in the job pod; the script reads it from `$BACKUP_DIR`.
pub const BACKUP_DIR: &str = "/backup";
/// A controller that is late by up to five minutes still starts a scheduled run (the
/// originals' 10 s skipped runs whenever the controller was busy).
pub const STARTING_DEADLINE_SECONDS: u32 = 300;
pub const MANAGED_BY_KEY: &str = "app.kubernetes.io/managed-by";
pub const MANAGED_BY: &str = "backstop";

/// Provider-level labels, overridden by the object's own, plus the managed-by marker that
/// the linter uses to recognise rendered objects.
pub fn labels(defaults: &Defaults, own: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let mut merged = defaults.labels.clone();
    merged.extend(own.iter().map(|(k, v)| (k.clone(), v.clone())));
    merged.insert(MANAGED_BY_KEY.to_string(), MANAGED_BY.to_string());
    merged
}

/// Mount options: the object's, else the provider's, else the convention's.
pub fn mount_options(defaults: &Defaults, own: &Option<Vec<String>>) -> Vec<String> {
    own.clone()
        .or_else(|| defaults.mount_options.clone())
        .unwrap_or_else(|| MOUNT_OPTIONS.iter().map(|o| o.to_string()).collect())
}

/// The container image: the object's, else the provider's, else the pinned default.
pub fn image<'a>(defaults: &'a Defaults, own: Option<&'a String>) -> &'a str {
    own.or(defaults.image.as_ref())
        .map(String::as_str)
        .unwrap_or(IMAGE)
}

/// The Pushgateway's base URL: the object's, else the provider's, else the convention's,
/// without a trailing slash (the scripts append `/metrics/job/...`).
pub fn pushgateway_url<'a>(defaults: &'a Defaults, own: Option<&'a String>) -> &'a str {
    own.or(defaults.pushgateway_url.as_ref())
        .map(String::as_str)
        .unwrap_or(PUSHGATEWAY_URL)
        .trim_end_matches('/')
}

/// The security context of every container Backstop renders (backup, drill, restore): root
/// is needed for `apk add` and to read and write files of every owner with their owners;
/// the rest of root's powers are dropped.
pub fn container_security_context() -> Value {
    json!({
        "allowPrivilegeEscalation": false,
        "privileged": false,
        "capabilities": {
            "drop": ["ALL"],
            "add": ["CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID"],
        },
        "seccompProfile": { "type": "RuntimeDefault" },
    })
}

/// A container's `resources`: only the maps that are set.
pub fn resources(resources: &Resources) -> Value {
    let mut out = Map::new();
    if !resources.requests.is_empty() {
        out.insert("requests".to_string(), json!(resources.requests));
    }
    if !resources.limits.is_empty() {
        out.insert("limits".to_string(), json!(resources.limits));
    }
    Value::Object(out)
}

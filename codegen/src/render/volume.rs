//! The NFS PersistentVolume and the claim bound to it (conventions §1).

use super::conventions;
use crate::{Defaults, NfsBackupVolume, RenderedVolume};
use serde_json::json;

pub fn render(defaults: &Defaults, v: &NfsBackupVolume) -> RenderedVolume {
    let labels = conventions::labels(defaults, &v.labels);
    let server = v
        .nfs_server
        .as_ref()
        .or(defaults.nfs_server.as_ref())
        .cloned()
        .unwrap_or_default();
    let share = v.nfs_path.clone().unwrap_or_else(|| {
        let base = defaults
            .nfs_base_path
            .as_deref()
            .unwrap_or(conventions::NFS_BASE_PATH);
        format!("{}/{}", base.trim_end_matches('/'), v.name)
    });
    let storage = v.storage.as_deref().unwrap_or(conventions::STORAGE);
    let access_modes = v
        .access_modes
        .clone()
        .unwrap_or_else(|| vec![conventions::ACCESS_MODE.to_string()]);
    // Never empty or missing: either would let the default StorageClass provision a fresh,
    // empty volume for the claim instead of binding it to this PV.
    let storage_class = named(&v.storage_class)
        .or_else(|| named(&defaults.storage_class))
        .unwrap_or(conventions::STATIC_STORAGE_CLASS);

    let persistent_volume = json!({
        "apiVersion": "v1",
        "kind": "PersistentVolume",
        "metadata": { "name": v.name, "labels": labels },
        "spec": {
            "capacity": { "storage": storage },
            "accessModes": access_modes,
            "persistentVolumeReclaimPolicy": v.reclaim_policy.as_deref().unwrap_or(conventions::RECLAIM_POLICY),
            "storageClassName": storage_class,
            "mountOptions": conventions::mount_options(defaults, &v.mount_options),
            "volumeMode": "Filesystem",
            // Reserved for its claim, so no other claim can bind the backups.
            "claimRef": { "namespace": v.namespace, "name": v.name },
            "csi": {
                "driver": v.csi_driver.as_deref().unwrap_or(conventions::CSI_DRIVER),
                // CSI volume attributes are immutable: the handle is the PV name, which
                // changes with the server (`-host` suffix convention).
                "volumeHandle": v.name,
                "volumeAttributes": { "server": server, "share": share },
            },
        },
    });
    let persistent_volume_claim = json!({
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": { "name": v.name, "namespace": v.namespace, "labels": labels },
        "spec": {
            "accessModes": access_modes,
            "storageClassName": storage_class,
            "volumeMode": "Filesystem",
            "volumeName": v.name,
            "resources": { "requests": { "storage": storage } },
        },
    });
    RenderedVolume {
        claim_name: v.name.clone(),
        volume_name: v.name.clone(),
        persistent_volume,
        persistent_volume_claim,
    }
}

fn named(class: &Option<String>) -> Option<&str> {
    class.as_deref().filter(|class| !class.is_empty())
}

//! `nfs_backup_volume` / `backstop_nfs_backup_volume`: the static NFS PersistentVolume and
//! the claim bound to it.

use super::{AttrType, Attribute, ObjectSchema};
use crate::policy::CSI_DRIVER;
use crate::render::conventions::{
    ACCESS_MODE, MOUNT_OPTIONS, NFS_BASE_PATH, RECLAIM_POLICY, STATIC_STORAGE_CLASS, STORAGE,
};

pub fn schema() -> ObjectSchema {
    use AttrType::{Dynamic, String, StringList, StringMap};
    ObjectSchema {
        type_name: "backstop_nfs_backup_volume",
        block_type: "nfs_backup_volume",
        description: format!(
            "An NFS-backed PersistentVolume and the PersistentVolumeClaim bound to it, where a backup CronJob writes its snapshots. \
             The PV's reclaim policy is `{RECLAIM_POLICY}` so that deleting the claim never deletes backups."
        ),
        inputs: vec![
            Attribute::required("name", String, "Name of both the PV and the PVC, by convention `<app>-backup-host`. Changing it replaces the resource.")
                .requires_replace(),
            Attribute::required("namespace", String, "Namespace of the PVC. Changing it replaces the resource.").requires_replace(),
            Attribute::optional("nfs_server", String, "NFS server host name or address. Defaults to the provider's `nfs_server`."),
            Attribute::optional(
                "nfs_path",
                String,
                format!("Export path on the NFS server. Defaults to `<nfs_base_path>/<name>` (`{NFS_BASE_PATH}/<name>`)."),
            ),
            Attribute::optional("storage", String, format!("Capacity of the PV and PVC, informational for NFS. Defaults to `{STORAGE}`.")),
            Attribute::optional("access_modes", StringList, format!("Access modes of the PV and PVC. Defaults to `[\"{ACCESS_MODE}\"]`.")),
            Attribute::optional(
                "storage_class",
                String,
                format!(
                    "Storage class name of the PV and PVC. Defaults to the provider's `storage_class`, else `{STATIC_STORAGE_CLASS}`, \
                     a class no StorageClass provisions, so the claim binds only to its own PV."
                ),
            ),
            Attribute::optional(
                "mount_options",
                StringList,
                format!("NFS mount options. Defaults to the provider's, else `{}`.", MOUNT_OPTIONS.join("`, `")),
            ),
            Attribute::optional("reclaim_policy", String, format!("Reclaim policy of the PV. Defaults to `{RECLAIM_POLICY}`.")),
            Attribute::optional("csi_driver", String, format!("CSI driver of the PV. Defaults to `{CSI_DRIVER}`.")),
            Attribute::optional("labels", StringMap, "Labels added to both objects, after the provider's `labels`."),
        ],
        handles: vec![
            Attribute::computed("claim_name", String, "Name of the PVC, for a backup job's `destination_claim`."),
            Attribute::computed("volume_name", String, "Name of the PV."),
        ],
        objects: vec![
            Attribute::computed("persistent_volume_manifest", Dynamic, "The PersistentVolume as an object, usable directly as `kubernetes_manifest.manifest`."),
            Attribute::computed("persistent_volume_claim_manifest", Dynamic, "The PersistentVolumeClaim as an object, usable directly as `kubernetes_manifest.manifest`."),
        ],
        texts: vec![
            Attribute::computed("manifest_yaml", String, "Both objects as a two-document YAML stream, PV first, as `backstop render --format yaml` writes them."),
            Attribute::computed("manifest_json", String, "Both objects as a JSON array, PV first, as `backstop render --format json` writes them."),
        ],
    }
}

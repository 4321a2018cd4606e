//! The `provider "backstop" {}` block (the spec's `backstop {}`): the rendering core's
//! defaults, every one optional.

use super::{AttrType, Attribute, ObjectSchema};
use crate::render::conventions::NFS_BASE_PATH;

pub fn schema() -> ObjectSchema {
    use AttrType::{String, StringList, StringMap};
    ObjectSchema {
        type_name: "backstop",
        block_type: "backstop",
        description: "Defaults applied to every Backstop resource and data source that does not set the attribute itself.".into(),
        inputs: vec![
            Attribute::optional("nfs_server", String, "Default NFS server of `backstop_nfs_backup_volume`."),
            Attribute::optional(
                "nfs_base_path",
                String,
                format!("Parent of the export paths: `nfs_path` defaults to `<nfs_base_path>/<name>`. Defaults to `{NFS_BASE_PATH}`."),
            ),
            Attribute::optional("storage_class", String, "Default storage class of the NFS PV and PVC."),
            Attribute::optional("mount_options", StringList, "Default NFS mount options."),
            Attribute::optional("image", String, "Default container image of the backup jobs."),
            Attribute::optional("pushgateway_url", String, "Default Pushgateway base URL of the backup jobs."),
            Attribute::optional("time_zone", String, "Default time zone of the backup schedules."),
            Attribute::optional("labels", StringMap, "Labels added to every rendered object."),
        ],
        handles: Vec::new(),
        objects: Vec::new(),
        texts: Vec::new(),
    }
}

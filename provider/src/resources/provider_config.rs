//! The `provider "backstop" {}` block: the rendering core's defaults, every one optional.

use backstop_codegen::Defaults;

use super::convert::{string, string_map, strings};
use crate::dynamic::{Type, Value};
use crate::schema::{Attribute, Schema};

pub fn schema() -> Schema {
    Schema {
        version: 0,
        description: "Defaults applied to every Backstop resource and data source that does not set the attribute itself.",
        attributes: vec![
            Attribute::optional("nfs_server", Type::String, "Default NFS server of `backstop_nfs_backup_volume`."),
            Attribute::optional("nfs_base_path", Type::String, "Parent of the export paths: `nfs_path` defaults to `<nfs_base_path>/<name>`. Defaults to `/srv/nfs`."),
            Attribute::optional("storage_class", Type::String, "Default storage class of the NFS PV and PVC."),
            Attribute::optional("mount_options", Type::list(Type::String), "Default NFS mount options."),
            Attribute::optional("image", Type::String, "Default container image of the backup jobs."),
            Attribute::optional("pushgateway_url", Type::String, "Default Pushgateway base URL of the backup jobs."),
            Attribute::optional("time_zone", Type::String, "Default time zone of the backup schedules."),
            Attribute::optional("labels", Type::map(Type::String), "Labels added to every rendered object."),
        ],
    }
}

/// The defaults in a configured provider block (null attributes are unset).
pub fn defaults(config: &Value) -> Defaults {
    Defaults {
        nfs_server: string(config, "nfs_server"),
        nfs_base_path: string(config, "nfs_base_path"),
        storage_class: string(config, "storage_class"),
        mount_options: strings(config, "mount_options"),
        image: string(config, "image"),
        pushgateway_url: string(config, "pushgateway_url"),
        time_zone: string(config, "time_zone"),
        labels: string_map(config, "labels"),
    }
}

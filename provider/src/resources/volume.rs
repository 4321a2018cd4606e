//! `backstop_nfs_backup_volume`: the static NFS PersistentVolume and the claim bound to it.

use backstop_codegen::{Defaults, Diagnostics, NfsBackupVolume};

use super::convert::{
    json_text, json_value, required_string, split_id, string, string_map, strings, yaml_text,
};
use super::{namespaced_id, Adapter, Kind, Outputs};
use crate::dynamic::{Type, Value};
use crate::schema::Attribute;

pub struct Volume;

impl Adapter for Volume {
    fn type_name(&self) -> &'static str {
        "backstop_nfs_backup_volume"
    }

    fn description(&self) -> &'static str {
        "An NFS-backed PersistentVolume and the PersistentVolumeClaim bound to it, where a backup CronJob writes its snapshots. \
         The PV's reclaim policy is `Retain` so that deleting the claim never deletes backups."
    }

    fn inputs(&self) -> Vec<Attribute> {
        vec![
            Attribute::required("name", Type::String, "Name of both the PV and the PVC, by convention `<app>-backup-host`. Changing it replaces the resource.")
                .requires_replace(),
            Attribute::required("namespace", Type::String, "Namespace of the PVC. Changing it replaces the resource.").requires_replace(),
            Attribute::optional("nfs_server", Type::String, "NFS server host name or address. Defaults to the provider's `nfs_server`."),
            Attribute::optional("nfs_path", Type::String, "Export path on the NFS server. Defaults to `<nfs_base_path>/<name>` (`/srv/nfs/<name>`)."),
            Attribute::optional("storage", Type::String, "Capacity of the PV and PVC, informational for NFS. Defaults to `10Gi`."),
            Attribute::optional("access_modes", Type::list(Type::String), "Access modes of the PV and PVC. Defaults to `[\"ReadWriteMany\"]`."),
            Attribute::optional("storage_class", Type::String, "Storage class name of the PV and PVC. Defaults to the provider's `storage_class`, else `backstop-static-nfs`, a class no StorageClass provisions, so the claim binds only to its own PV."),
            Attribute::optional(
                "mount_options",
                Type::list(Type::String),
                "NFS mount options. Defaults to the provider's, else `nfsvers=4`, `soft`, `timeo=30`, `retrans=3`, `actimeo=5`.",
            ),
            Attribute::optional("reclaim_policy", Type::String, "Reclaim policy of the PV. Defaults to `Retain`."),
            Attribute::optional("csi_driver", Type::String, "CSI driver of the PV. Defaults to `nfs.csi.k8s.io`."),
            Attribute::optional("labels", Type::map(Type::String), "Labels added to both objects, after the provider's `labels`."),
        ]
    }

    fn handles(&self) -> Vec<Attribute> {
        vec![
            Attribute::computed(
                "claim_name",
                Type::String,
                "Name of the PVC, for a backup job's `destination_claim`.",
            ),
            Attribute::computed("volume_name", Type::String, "Name of the PV."),
        ]
    }

    fn objects(&self) -> Vec<Attribute> {
        vec![
            Attribute::computed("persistent_volume_manifest", Type::Dynamic, "The PersistentVolume as an object, usable directly as `kubernetes_manifest.manifest`."),
            Attribute::computed("persistent_volume_claim_manifest", Type::Dynamic, "The PersistentVolumeClaim as an object, usable directly as `kubernetes_manifest.manifest`."),
        ]
    }

    fn texts(&self) -> Vec<Attribute> {
        vec![
            Attribute::computed("manifest_yaml", Type::String, "Both objects as a two-document YAML stream, PV first, as `backstop render --format yaml` writes them."),
            Attribute::computed("manifest_json", Type::String, "Both objects as a JSON array, PV first, as `backstop render --format json` writes them."),
        ]
    }

    fn validate(&self, defaults: &Defaults, config: &Value) -> Diagnostics {
        let mut diagnostics = backstop_codegen::validate::defaults(defaults);
        diagnostics.extend(backstop_codegen::validate::volume(defaults, &model(config)));
        diagnostics
    }

    fn render(
        &self,
        defaults: &Defaults,
        config: &Value,
        kind: Kind,
    ) -> Result<Outputs, Diagnostics> {
        let volume = model(config);
        let rendered = backstop_codegen::render_volume(defaults, &volume)?;
        let both = [
            &rendered.persistent_volume,
            &rendered.persistent_volume_claim,
        ];
        let mut outputs = Outputs::from([
            (
                "id",
                Value::string(format!("{}/{}", volume.namespace, rendered.claim_name)),
            ),
            ("claim_name", Value::string(&rendered.claim_name)),
            ("volume_name", Value::string(&rendered.volume_name)),
            (
                "persistent_volume_manifest",
                json_value(&rendered.persistent_volume),
            ),
            (
                "persistent_volume_claim_manifest",
                json_value(&rendered.persistent_volume_claim),
            ),
        ]);
        if kind == Kind::DataSource {
            outputs.extend([
                ("manifest_yaml", yaml_text(&both)),
                ("manifest_json", json_text(&both)),
            ]);
        }
        Ok(outputs)
    }

    fn known_handles(&self, config: &Value) -> Outputs {
        let Value::String(_) = config.attr("name") else {
            return Outputs::from([
                ("id", Value::Unknown),
                ("claim_name", Value::Unknown),
                ("volume_name", Value::Unknown),
            ]);
        };
        // The names depend on `name` alone, so the core renders them from it (no
        // validation: other inputs may be unknown, and read as unset here).
        let names = backstop_codegen::render::volume(&Defaults::default(), &model(config));
        let claim_name = Value::string(&names.claim_name);
        Outputs::from([
            ("id", namespaced_id(config, "namespace", Some(&claim_name))),
            ("claim_name", claim_name),
            ("volume_name", Value::string(&names.volume_name)),
        ])
    }

    fn import_inputs(&self, id: &str) -> Result<Vec<(&'static str, Value)>, String> {
        // The claim is named after the volume (`known_handles` reads it back from the core).
        let (namespace, name) = split_id(id)?;
        Ok(vec![
            ("namespace", Value::string(namespace)),
            ("name", Value::string(name)),
        ])
    }

    fn id_format(&self) -> &'static str {
        "<namespace>/<claim_name>, e.g. \"mailserver/mailserver-backup-host\""
    }
}

fn model(config: &Value) -> NfsBackupVolume {
    NfsBackupVolume {
        name: required_string(config, "name"),
        namespace: required_string(config, "namespace"),
        nfs_server: string(config, "nfs_server"),
        nfs_path: string(config, "nfs_path"),
        storage: string(config, "storage"),
        access_modes: strings(config, "access_modes"),
        storage_class: string(config, "storage_class"),
        mount_options: strings(config, "mount_options"),
        reclaim_policy: string(config, "reclaim_policy"),
        csi_driver: string(config, "csi_driver"),
        labels: string_map(config, "labels"),
    }
}

//! `backstop_nfs_backup_volume`: the static NFS PersistentVolume and the claim bound to it.

use backstop_codegen::schema::{self, read, ObjectSchema};
use backstop_codegen::{Defaults, Diagnostics, NfsBackupVolume};

use super::convert::{json_value, split_id, text_forms, values};
use super::{namespaced_id, Adapter, Kind, Outputs};
use crate::dynamic::Value;

pub struct Volume {
    table: ObjectSchema,
}

impl Default for Volume {
    fn default() -> Self {
        Volume {
            table: schema::nfs_backup_volume(),
        }
    }
}

impl Adapter for Volume {
    fn table(&self) -> &ObjectSchema {
        &self.table
    }

    fn validate(&self, defaults: &Defaults, config: &Value) -> Diagnostics {
        let (volume, mut diagnostics) = self.model(config);
        diagnostics.extend(backstop_codegen::validate::defaults(defaults));
        diagnostics.extend(backstop_codegen::validate::volume(defaults, &volume));
        diagnostics
    }

    fn render(
        &self,
        defaults: &Defaults,
        config: &Value,
        kind: Kind,
    ) -> Result<Outputs, Diagnostics> {
        let (volume, diagnostics) = self.model(config);
        if !diagnostics.is_empty() {
            return Err(diagnostics);
        }
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
            outputs.extend(text_forms(&both, None));
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
        let names = backstop_codegen::render::volume(&Defaults::default(), &self.model(config).0);
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

impl Volume {
    /// The model of a configuration, and the errors of values the model cannot hold.
    fn model(&self, config: &Value) -> (NfsBackupVolume, Diagnostics) {
        let mut diagnostics = Diagnostics::new();
        let values = values(&self.table, config, &mut diagnostics);
        let (volume, problems) = read::volume(&values);
        diagnostics.extend(problems);
        (volume, diagnostics)
    }
}

//! The typed-`kubernetes` module variants, for stacks that manage Kubernetes objects with
//! the hashicorp/kubernetes provider and no Backstop provider. Their resources come from
//! the rendering core's HCL backend (`kubernetes_hcl`), fed with sentinel values where the
//! module's inputs go; each sentinel is then replaced by its variable (`sentinel`). A
//! backup job's settings ConfigMap is a resource of its own, which the CronJob names
//! through that resource so that Terraform creates it first. The core renders every
//! convention (Retain, mount options, read-only mounts, job hygiene, metrics), so the
//! modules follow them by construction and change when the core does.

use super::sentinel::{number, replace, with_bool_input, Sentinel};
use super::tf_align::align;
use backstop_codegen::policy::settings_name;
use backstop_codegen::render::scripts::{
    default_keep, DEFAULT_MAKE_ROOM, DEFAULT_MAX_SHRINK_PERCENT,
};
use backstop_codegen::render::{hcl_quoted, kubernetes_hcl, IMAGE, NFS_BASE_PATH, PUSHGATEWAY_URL};
use backstop_codegen::schema::{self, AttrType, Attribute, ObjectSchema};
use backstop_codegen::{BackupJob, Defaults, NfsBackupVolume, SecretRef, Strategy};
use serde_json::Value;

/// One generated module: its folder under `modules/` and its `.tf` files.
pub struct Variant {
    pub dir: &'static str,
    pub main_tf: String,
    pub variables_tf: String,
    pub outputs_tf: &'static str,
}

pub const VERSIONS_TF: &str = r#"terraform {
  required_version = ">= 1.5"

  required_providers {
    kubernetes = {
      source  = "hashicorp/kubernetes"
      version = ">= 2.20"
    }
  }
}
"#;

/// One typed resource of a module: its label, the object it is rendered from, and the
/// values in it that refer to another resource of the module (so Terraform orders them).
struct Resource<'a> {
    label: &'static str,
    manifest: &'a Value,
    references: Vec<Sentinel<'a>>,
}

impl<'a> Resource<'a> {
    fn new(label: &'static str, manifest: &'a Value) -> Self {
        Resource {
            label,
            manifest,
            references: Vec::new(),
        }
    }
}

pub fn variants() -> Result<Vec<Variant>, String> {
    Ok(vec![
        nfs_backup_volume()?,
        dump_job(Strategy::PgDumpall)?,
        dump_job(Strategy::Mysqldump)?,
    ])
}

const VOLUME_SENTINELS: [Sentinel; 4] = [
    Sentinel::anywhere("sentinelvolume", "var.name"),
    Sentinel::anywhere("sentinelnamespace", "var.namespace"),
    Sentinel::anywhere("sentinelserver", "var.nfs_server"),
    Sentinel::anywhere("/sentinelpath", "local.nfs_path"),
];

fn nfs_backup_volume() -> Result<Variant, String> {
    let volume = NfsBackupVolume {
        name: "sentinelvolume".to_string(),
        namespace: "sentinelnamespace".to_string(),
        nfs_server: Some("sentinelserver".to_string()),
        nfs_path: Some("/sentinelpath".to_string()),
        ..NfsBackupVolume::default()
    };
    let rendered = backstop_codegen::render_volume(&Defaults::default(), &volume)
        .map_err(|d| format!("rendering the NFS volume module: {d:?}"))?;
    let resources = typed(
        &[
            Resource::new("this", &rendered.persistent_volume),
            Resource::new("this", &rendered.persistent_volume_claim),
        ],
        &VOLUME_SENTINELS,
    )?;
    let main_tf = format!(
        "# A static NFS PersistentVolume and the claim bound to it, both named `name`, with\n\
         # the backup conventions (Retain, ReadWriteMany, nfsvers=4 soft mount options), for\n\
         # the hashicorp/kubernetes provider. Generated from Backstop's rendering core.\n\n\
         locals {{\n  nfs_path = coalesce(var.nfs_path, \"{NFS_BASE_PATH}/${{var.name}}\")\n}}\n\n{resources}"
    );
    Ok(Variant {
        dir: "kubernetes-nfs-backup-volume",
        main_tf,
        variables_tf: volume_variables()?,
        outputs_tf: VOLUME_OUTPUTS,
    })
}

/// Numbers that no default or derived value of the core renders, so each can only be its
/// input (`substitute` refuses one that turns up anywhere else).
const KEEP_SENTINEL: &str = "7919";
const MAX_SHRINK_SENTINEL: &str = "73";

const JOB_SENTINELS: [Sentinel; 12] = [
    Sentinel::anywhere("17 1 * * *", "var.schedule"),
    Sentinel::anywhere("sentinelapp", "var.name"),
    Sentinel::anywhere("sentinelnamespace", "var.namespace"),
    Sentinel::anywhere("sentinelhost", "var.host"),
    Sentinel::anywhere("sentineluser", "var.user"),
    Sentinel::anywhere("sentinelsecret", "var.password_secret_name"),
    Sentinel::anywhere("sentinelkey", "var.password_secret_key"),
    Sentinel::anywhere("sentinelclaim", "var.destination_claim"),
    Sentinel::anywhere("sentinelimage:1.0", "var.image"),
    Sentinel::anywhere("http://sentinelpushgateway:9091", "var.pushgateway_url"),
    Sentinel::whole_value(KEEP_SENTINEL, "var.keep"),
    Sentinel::whole_value(MAX_SHRINK_SENTINEL, "var.max_shrink_percent"),
];

/// The settings ConfigMap's resource label; the CronJob names it through this resource.
const SETTINGS: &str = "settings";

fn dump_job(strategy: Strategy) -> Result<Variant, String> {
    let resources = with_bool_input(
        &dump_resources(strategy, true)?,
        &dump_resources(strategy, false)?,
        "var.make_room",
    )?;
    let (dir, tool) = match strategy {
        Strategy::PgDumpall => (
            "kubernetes-pg-dumpall-backup",
            "`pg_dumpall | gzip -9` of every PostgreSQL database",
        ),
        _ => (
            "kubernetes-mysqldump-backup",
            "`mysqldump --all-databases --single-transaction | gzip -9`",
        ),
    };
    let main_tf = format!(
        "# The backup CronJob `<name>-backup`: {tool}\n\
         # to the NFS claim `destination_claim`, `keep` days kept, the password read from a Secret,\n\
         # metrics pushed to the Pushgateway, for the hashicorp/kubernetes provider. Its settings\n\
         # (retention, shrink guard, make_room, Pushgateway, database host and user) live in the\n\
         # ConfigMap `<name>-backup-settings`, which the container reads whole: changing one\n\
         # changes the ConfigMap only. Generated from Backstop's rendering core.\n\n{resources}"
    );
    let variables_tf = dump_variables(strategy)?;
    Ok(Variant {
        dir,
        main_tf,
        variables_tf,
        outputs_tf: DUMP_OUTPUTS,
    })
}

/// The ConfigMap and CronJob of a dump job, every input but `make_room` a sentinel.
fn dump_resources(strategy: Strategy, make_room: bool) -> Result<String, String> {
    let job = BackupJob {
        name: "sentinelapp".to_string(),
        namespace: "sentinelnamespace".to_string(),
        schedule: "17 1 * * *".to_string(),
        strategy,
        host: Some("sentinelhost".to_string()),
        user: Some("sentineluser".to_string()),
        password_secret: Some(SecretRef {
            name: "sentinelsecret".to_string(),
            key: "sentinelkey".to_string(),
        }),
        destination_claim: "sentinelclaim".to_string(),
        image: Some("sentinelimage:1.0".to_string()),
        pushgateway_url: Some("http://sentinelpushgateway:9091".to_string()),
        keep: Some(number(KEEP_SENTINEL)?),
        max_shrink_percent: Some(number(MAX_SHRINK_SENTINEL)?),
        make_room: Some(make_room),
        ..BackupJob::default()
    };
    let rendered = backstop_codegen::render_job(&Defaults::default(), &job)
        .map_err(|d| format!("rendering the {strategy} module: {d:?}"))?;
    // The CronJob reads the ConfigMap by the name of the managed resource, not a copy of
    // it: Terraform then creates the ConfigMap first and replaces the CronJob's reference
    // if the name ever changes.
    let settings = settings_name(&rendered.cronjob_name);
    let settings_reference = format!("kubernetes_config_map_v1.{SETTINGS}.metadata[0].name");
    let cronjob = Resource {
        references: vec![Sentinel::reference(&settings, &settings_reference)],
        ..Resource::new("this", &rendered.cronjob)
    };
    typed(
        &[Resource::new(SETTINGS, &rendered.settings), cronjob],
        &JOB_SENTINELS,
    )
}

/// The typed resources, sentinels (first each resource's references, then the module's
/// inputs) replaced, aligned like `terraform fmt`.
fn typed(resources: &[Resource], sentinels: &[Sentinel]) -> Result<String, String> {
    let mut text = String::new();
    for resource in resources {
        let mut hcl = kubernetes_hcl(resource.label, resource.manifest);
        if hcl.is_empty() {
            return Err(format!(
                "the rendering core has no typed resource for {}",
                resource.manifest["kind"]
            ));
        }
        for reference in &resource.references {
            hcl = replace(&hcl, reference)?;
        }
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(hcl.trim_end());
        text.push('\n');
    }
    for sentinel in sentinels {
        text = replace(&text, sentinel)?;
    }
    if text.contains("sentinel") {
        return Err(
            "a sentinel value survived in the generated HCL: give it a variable".to_string(),
        );
    }
    Ok(align(&text))
}

/// One input of a module: its variable name, the attribute path in the object's table it
/// feeds, and its default. Its type always comes from the table; its description too,
/// unless the variable means something the table's text does not say (`own`).
struct Input {
    variable: &'static str,
    path: &'static [&'static str],
    own_description: Option<String>,
    default: Option<String>,
}

impl Input {
    /// A variable described by its table attribute, the text the provider docs show.
    fn table(variable: &'static str, path: &'static [&'static str]) -> Self {
        Input {
            variable,
            path,
            own_description: None,
            default: None,
        }
    }

    /// A variable whose meaning in this module differs from the table attribute's: the
    /// caller says why next to the call.
    fn own(variable: &'static str, path: &'static [&'static str], description: &str) -> Self {
        Input {
            own_description: Some(description.to_string()),
            ..Input::table(variable, path)
        }
    }

    fn with_default(mut self, default: impl Into<String>) -> Self {
        self.default = Some(default.into());
        self
    }
}

/// The attribute at `path` in `table` (nested attributes by name).
fn table_attribute<'t>(table: &'t ObjectSchema, path: &[&str]) -> Result<&'t Attribute, String> {
    let missing = || format!("{} has no attribute {}", table.block_type, path.join("."));
    let mut attributes = &table.inputs;
    let mut found = None;
    for step in path {
        let attribute = attributes
            .iter()
            .find(|a| a.name == *step)
            .ok_or_else(missing)?;
        if let AttrType::Object(nested) | AttrType::MapOfObjects(nested) = &attribute.ty {
            attributes = &nested.attributes;
        }
        found = Some(attribute);
    }
    found.ok_or_else(missing)
}

/// The type constraint of a module variable fed to `attribute`.
fn variable_type(
    table: &ObjectSchema,
    path: &[&str],
    attribute: &Attribute,
) -> Result<&'static str, String> {
    match attribute.ty {
        AttrType::String => Ok("string"),
        AttrType::Count { .. } | AttrType::Fraction => Ok("number"),
        AttrType::Bool => Ok("bool"),
        AttrType::StringList => Ok("list(string)"),
        AttrType::StringMap => Ok("map(string)"),
        _ => Err(format!(
            "{}.{}: a module variable takes a plain type",
            table.block_type,
            path.join(".")
        )),
    }
}

/// `variables.tf` of `inputs`, their types (and descriptions, unless their own) from
/// `table`, aligned like `terraform fmt`.
fn variables_tf(table: &ObjectSchema, inputs: &[Input]) -> Result<String, String> {
    let mut blocks = Vec::new();
    for input in inputs {
        let attribute = table_attribute(table, input.path)?;
        let description = input
            .own_description
            .as_deref()
            .unwrap_or_else(|| attribute.description.trim());
        let mut block = format!(
            "variable \"{}\" {{\n  description = {}\n  type        = {}\n",
            input.variable,
            hcl_quoted(description),
            variable_type(table, input.path, attribute)?
        );
        if let Some(default) = &input.default {
            block.push_str(&format!("  default     = {default}\n"));
        }
        block.push_str(&validation(input.variable, &attribute.ty));
        block.push_str("}\n");
        blocks.push(block);
    }
    Ok(blocks.join("\n"))
}

/// The `validation` block holding a variable to its table type's range (a count's
/// minimum: `keep = 0` would let a run delete every older copy), or nothing.
fn validation(variable: &str, ty: &AttrType) -> String {
    match ty {
        AttrType::Count { min } => format!(
            "\n  validation {{\n    condition     = floor(var.{variable}) == var.{variable} && var.{variable} >= {min}\n    \
             error_message = {}\n  }}\n",
            hcl_quoted(&format!("{variable} must be {}, at least {min}.", ty.describe()))
        ),
        _ => String::new(),
    }
}

fn volume_variables() -> Result<String, String> {
    variables_tf(
        &schema::nfs_backup_volume(),
        &[
            Input::table("name", &["name"]),
            Input::table("namespace", &["namespace"]),
            // Required here: there is no provider whose `nfs_server` the table's text
            // falls back to.
            Input::own(
                "nfs_server",
                &["nfs_server"],
                "NFS server host name or address.",
            ),
            // The default path is built from the fixed base path: the module has no
            // provider `nfs_base_path` that the table's text names.
            Input::own(
                "nfs_path",
                &["nfs_path"],
                &format!("Export path on the NFS server. Defaults to `{NFS_BASE_PATH}/<name>`."),
            )
            .with_default("null"),
        ],
    )
}

fn dump_variables(strategy: Strategy) -> Result<String, String> {
    variables_tf(
        &schema::backup_job(),
        &[
            Input::table("name", &["name"]),
            Input::table("namespace", &["namespace"]),
            Input::table("schedule", &["schedule"]),
            Input::table("host", &["host"]),
            Input::table("user", &["user"]),
            Input::table("password_secret_name", &["password_secret", "name"]),
            Input::table("password_secret_key", &["password_secret", "key"]),
            Input::table("destination_claim", &["destination_claim"]),
            // The default is the pinned image itself: the module has no provider `image`
            // that the table's text falls back to first.
            Input::own(
                "image",
                &["image"],
                "Container image of the backup job (alpine-based: its busybox runs the script).",
            )
            .with_default(hcl_quoted(IMAGE)),
            Input::table("keep", &["keep"]).with_default(default_keep(strategy).to_string()),
            Input::table("max_shrink_percent", &["max_shrink_percent"])
                .with_default(DEFAULT_MAX_SHRINK_PERCENT.to_string()),
            Input::table("make_room", &["make_room"]).with_default(DEFAULT_MAKE_ROOM.to_string()),
            // The default is the in-cluster Pushgateway itself: there is no provider
            // `pushgateway_url` that the table's text falls back to first.
            Input::own(
                "pushgateway_url",
                &["pushgateway_url"],
                "Pushgateway base URL for the backup metrics.",
            )
            .with_default(hcl_quoted(PUSHGATEWAY_URL)),
        ],
    )
}

const VOLUME_OUTPUTS: &str = r#"output "claim_name" {
  description = "Name of the PVC, for a backup job's `destination_claim`."
  value       = kubernetes_persistent_volume_claim.this.metadata[0].name
}

output "volume_name" {
  description = "Name of the PV."
  value       = kubernetes_persistent_volume.this.metadata[0].name
}
"#;

const DUMP_OUTPUTS: &str = r#"output "cronjob_name" {
  description = "Name of the CronJob, `<name>-backup`, for the alert rules (`backstop_backup_alert` or `backstop render`)."
  value       = kubernetes_cron_job_v1.this.metadata[0].name
}

output "settings_name" {
  description = "Name of the ConfigMap holding the job's settings, `<name>-backup-settings`."
  value       = kubernetes_config_map_v1.settings.metadata[0].name
}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dump_cronjobs_read_their_settings_through_the_config_map_resource() {
        let jobs: Vec<Variant> = variants()
            .expect("variants")
            .into_iter()
            .filter(|v| v.main_tf.contains("kubernetes_cron_job_v1"))
            .collect();
        assert_eq!(jobs.len(), 2, "the pg_dumpall and mysqldump modules");
        for variant in jobs {
            let (settings, cronjob) = variant
                .main_tf
                .split_once("resource \"kubernetes_cron_job_v1\" \"this\"")
                .expect("a CronJob after the ConfigMap");
            assert!(
                settings.contains("resource \"kubernetes_config_map_v1\" \"settings\""),
                "{}",
                variant.dir
            );
            assert!(cronjob.contains("= kubernetes_config_map_v1.settings.metadata[0].name\n"));
            for tunable in [
                "var.keep",
                "var.max_shrink_percent",
                "var.pushgateway_url",
                "var.host",
                "var.user",
            ] {
                assert!(settings.contains(tunable), "{}: {tunable}", variant.dir);
                assert!(
                    !cronjob.contains(tunable),
                    "{}: {tunable} in the CronJob",
                    variant.dir
                );
            }
        }
    }

    #[test]
    fn every_variant_renders_with_no_sentinel_left() {
        let variants = variants().expect("variants");
        assert_eq!(variants.len(), 3);
        for variant in variants {
            assert!(!variant.main_tf.contains("sentinel"), "{}", variant.dir);
        }
    }
}

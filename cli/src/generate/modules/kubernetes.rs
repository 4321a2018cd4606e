//! The typed-`kubernetes` module variants, for stacks that manage Kubernetes objects with
//! the hashicorp/kubernetes provider and no Backstop provider. Their resources come from
//! the rendering core's HCL backend (`kubernetes_hcl`), fed with sentinel values where the
//! module's inputs go; each sentinel is then replaced by its variable. The core renders
//! every convention (Retain, mount options, read-only mounts, job hygiene, metrics), so
//! the modules follow them by construction and change when the core does.

use super::tf_align::align;
use backstop_codegen::render::{hcl_quoted, kubernetes_hcl, IMAGE, NFS_BASE_PATH};
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

/// A value the core renders in place of an input, and the expression that replaces it.
struct Sentinel {
    token: &'static str,
    expression: &'static str,
}

pub fn variants() -> Result<Vec<Variant>, String> {
    Ok(vec![
        nfs_backup_volume()?,
        dump_job(Strategy::PgDumpall)?,
        dump_job(Strategy::Mysqldump)?,
    ])
}

const VOLUME_SENTINELS: [Sentinel; 4] = [
    Sentinel {
        token: "sentinelvolume",
        expression: "var.name",
    },
    Sentinel {
        token: "sentinelnamespace",
        expression: "var.namespace",
    },
    Sentinel {
        token: "sentinelserver",
        expression: "var.nfs_server",
    },
    Sentinel {
        token: "/sentinelpath",
        expression: "local.nfs_path",
    },
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
            &rendered.persistent_volume,
            &rendered.persistent_volume_claim,
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

const JOB_SENTINELS: [Sentinel; 9] = [
    Sentinel {
        token: "17 1 * * *",
        expression: "var.schedule",
    },
    Sentinel {
        token: "sentinelapp",
        expression: "var.name",
    },
    Sentinel {
        token: "sentinelnamespace",
        expression: "var.namespace",
    },
    Sentinel {
        token: "sentinelhost",
        expression: "var.host",
    },
    Sentinel {
        token: "sentineluser",
        expression: "var.user",
    },
    Sentinel {
        token: "sentinelsecret",
        expression: "var.password_secret_name",
    },
    Sentinel {
        token: "sentinelkey",
        expression: "var.password_secret_key",
    },
    Sentinel {
        token: "sentinelclaim",
        expression: "var.destination_claim",
    },
    Sentinel {
        token: "sentinelimage:1.0",
        expression: "var.image",
    },
];

fn dump_job(strategy: Strategy) -> Result<Variant, String> {
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
        ..BackupJob::default()
    };
    let rendered = backstop_codegen::render_job(&Defaults::default(), &job)
        .map_err(|d| format!("rendering the {strategy} module: {d:?}"))?;
    let resources = typed(&[&rendered.cronjob], &JOB_SENTINELS)?;
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
    let keep = backstop_codegen::render::scripts::default_keep(strategy);
    let main_tf = format!(
        "# The backup CronJob `<name>-backup`: {tool}\n\
         # to the NFS claim `destination_claim`, {keep} days kept, the password read from a Secret,\n\
         # metrics pushed to the Pushgateway, for the hashicorp/kubernetes provider.\n\
         # Generated from Backstop's rendering core.\n\n{resources}"
    );
    let variables_tf = dump_variables()?;
    Ok(Variant {
        dir,
        main_tf,
        variables_tf,
        outputs_tf: DUMP_OUTPUTS,
    })
}

/// The typed resources of `manifests` (resource label `this`), sentinels replaced,
/// aligned like `terraform fmt`.
fn typed(manifests: &[&Value], sentinels: &[Sentinel]) -> Result<String, String> {
    let mut text = String::new();
    for manifest in manifests {
        let resource = kubernetes_hcl("this", manifest);
        if resource.is_empty() {
            return Err(format!(
                "the rendering core has no typed resource for {}",
                manifest["kind"]
            ));
        }
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(resource.trim_end());
        text.push('\n');
    }
    for sentinel in sentinels {
        if !text.contains(sentinel.token) {
            return Err(format!(
                "input {} no longer appears in the rendered objects",
                sentinel.expression
            ));
        }
        text = substitute(&text, sentinel);
    }
    if text.contains("sentinel") {
        return Err(
            "a sentinel value survived in the generated HCL: give it a variable".to_string(),
        );
    }
    Ok(align(&text))
}

/// An attribute whose whole value is the sentinel gets the bare expression
/// (`name = var.name`); anywhere else, inside a longer string or a heredoc, the sentinel
/// is interpolated (`"${var.name}-backup"`).
fn substitute(text: &str, sentinel: &Sentinel) -> String {
    let whole_value = format!("= \"{}\"", sentinel.token);
    let interpolated = format!("${{{}}}", sentinel.expression);
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches('\n');
        match body.strip_suffix(&whole_value) {
            Some(key) => out.push_str(&format!("{key}= {}", sentinel.expression)),
            None => out.push_str(&body.replace(sentinel.token, &interpolated)),
        }
        if line.ends_with('\n') {
            out.push('\n');
        }
    }
    out
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
        block.push_str("}\n");
        blocks.push(block);
    }
    Ok(blocks.join("\n"))
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

fn dump_variables() -> Result<String, String> {
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
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_whole_value_becomes_the_expression_and_a_part_of_a_string_or_heredoc_interpolates() {
        let sentinel = Sentinel {
            token: "sentinelapp",
            expression: "var.name",
        };
        let text = "name = \"sentinelapp\"\njob = \"sentinelapp-backup\"\n<<EOT\nJOB=\"sentinelapp\"\nEOT\n";
        assert_eq!(
            substitute(text, &sentinel),
            "name = var.name\njob = \"${var.name}-backup\"\n<<EOT\nJOB=\"${var.name}\"\nEOT\n"
        );
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

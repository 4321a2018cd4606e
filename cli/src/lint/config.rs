//! `backstop.toml` at the repository root: which storage classes need a backup, which
//! namespaces, stacks and PVCs are exempt (each with a reason), and which rules run.
//!
//! ```toml
//! protected_storage_classes = ["proxmox-lvm", "proxmox-lvm-encrypted"]
//! ignore = ["BS010"]            # or `select = ["BS001", "BS005"]`
//!
//! [[exempt]]
//! namespace = "dbaas"
//! reason = "covered by the dbaas dump jobs in stacks/dbaas"
//!
//! [[exempt]]
//! pvc = "monitoring/prometheus-data"
//! reason = "metrics are disposable"
//! ```

use super::rules;
use serde::Deserialize;
use std::path::Path;

pub const FILE_NAME: &str = "backstop.toml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    protected_storage_classes: Option<Vec<String>>,
    select: Option<Vec<String>>,
    #[serde(default)]
    ignore: Vec<String>,
    #[serde(default)]
    exempt: Vec<Exemption>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exemption {
    pub namespace: Option<String>,
    pub stack: Option<String>,
    /// `namespace/name` or `name`.
    pub pvc: Option<String>,
    pub reason: String,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub protected_storage_classes: Vec<String>,
    /// Codes of the rules that run.
    pub enabled: Vec<&'static str>,
    pub exemptions: Vec<Exemption>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            protected_storage_classes: vec!["proxmox-lvm".into(), "proxmox-lvm-encrypted".into()],
            enabled: rules::RULES.iter().map(|r| r.code).collect(),
            exemptions: Vec::new(),
        }
    }
}

impl Config {
    /// Reads `path`; every error names the file and says what to change.
    pub fn load(path: &Path) -> Result<Config, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
        let raw: RawConfig = toml::from_str(&text)
            .map_err(|e| format!("{}: {}", path.display(), e.to_string().trim_end()))?;
        let where_ = path.display();
        let check_codes = |key: &str, codes: &[String]| -> Result<(), String> {
            match codes.iter().find(|c| rules::by_code(c).is_none()) {
                Some(unknown) => Err(format!("{where_}: `{key}` names unknown rule {unknown}; run `backstop rule --all` for the list")),
                None => Ok(()),
            }
        };
        let mut config = Config::default();
        if let Some(select) = &raw.select {
            check_codes("select", select)?;
            config
                .enabled
                .retain(|code| select.iter().any(|s| s == code));
        }
        check_codes("ignore", &raw.ignore)?;
        config
            .enabled
            .retain(|code| !raw.ignore.iter().any(|s| s == code));
        if let Some(classes) = raw.protected_storage_classes {
            config.protected_storage_classes = classes;
        }
        for (index, exemption) in raw.exempt.iter().enumerate() {
            let targets = [&exemption.namespace, &exemption.stack, &exemption.pvc]
                .iter()
                .filter(|t| t.is_some())
                .count();
            if targets != 1 {
                return Err(format!("{where_}: exempt[{index}] must name exactly one of `namespace`, `stack` or `pvc`"));
            }
            if exemption.reason.trim().is_empty() {
                return Err(format!(
                    "{where_}: exempt[{index}] has an empty `reason`; say why it needs no backup"
                ));
            }
        }
        config.exemptions = raw.exempt;
        Ok(config)
    }

    pub fn is_protected(&self, storage_class: &str) -> bool {
        self.protected_storage_classes
            .iter()
            .any(|c| c == storage_class)
    }

    /// The exemption covering a finding's subject, if any.
    pub fn exemption(
        &self,
        stack: Option<&str>,
        namespace: Option<&str>,
        pvc: Option<&str>,
    ) -> Option<&Exemption> {
        self.exemptions.iter().find(|e| {
            let stack_match = e
                .stack
                .as_deref()
                .is_some_and(|s| Some(s.trim_end_matches('/')) == stack);
            let ns_match = e.namespace.is_some() && e.namespace.as_deref() == namespace;
            let pvc_match = e
                .pvc
                .as_deref()
                .is_some_and(|p| match (p.split_once('/'), pvc) {
                    (Some((ns, name)), Some(found)) => Some(ns) == namespace && name == found,
                    (None, Some(found)) => p == found,
                    _ => false,
                });
            stack_match || ns_match || pvc_match
        })
    }
}

//! `backstop.toml` at the repository root: which storage classes need a backup, which
//! namespaces, stacks and PVCs are exempt (each with a reason), and which rules run.
//!
//! ```toml
//! protected_storage_classes = ["proxmox-lvm", "proxmox-lvm-encrypted"]
//! ignore = ["BS010"]            # or `select = ["BS001", "BS005"]`
//! severity = { BS012 = "error" } # a rule's severity, instead of its default
//!
//! [[exempt]]
//! namespace = "dbaas"
//! reason = "covered by the dbaas dump jobs in stacks/dbaas"
//!
//! [[exempt]]
//! pvc = "monitoring/prometheus-data"
//! reason = "metrics are disposable"
//!
//! # Where discovery gets a repository wrong (globs on folders relative to the root):
//! stacks  = ["deploy/*/app"]     # also lint these folders as stacks
//! exclude = ["scripts/**"]       # never lint these as stacks
//! # What the linter cannot know from the repository:
//! nfs_storage_classes   = ["nfs-client"]  # classes backed by NFS (else guessed from the name)
//! default_storage_class = "local-path"    # the cluster's default, for claims naming none
//! ```

use super::rules::{self, Severity};
use super::stacks::Selection;
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use std::collections::BTreeMap;
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
    severity: BTreeMap<String, String>,
    #[serde(default)]
    exempt: Vec<Exemption>,
    #[serde(default)]
    stacks: Vec<String>,
    #[serde(default)]
    exclude: Vec<String>,
    nfs_storage_classes: Option<Vec<String>>,
    default_storage_class: Option<String>,
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
    /// Rules whose severity `backstop.toml` changes.
    pub severities: Vec<(&'static str, Severity)>,
    pub exemptions: Vec<Exemption>,
    /// Globs of folders to lint as stacks, and of folders never to lint as stacks.
    pub stacks: Vec<String>,
    pub exclude: Vec<String>,
    /// Classes known to be NFS; `None`: guessed from a class name containing `nfs`.
    pub nfs_storage_classes: Option<Vec<String>>,
    /// The cluster's default class: what a claim naming no class gets.
    pub default_storage_class: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            protected_storage_classes: vec!["proxmox-lvm".into(), "proxmox-lvm-encrypted".into()],
            enabled: rules::RULES.iter().map(|r| r.code).collect(),
            severities: Vec::new(),
            exemptions: Vec::new(),
            stacks: Vec::new(),
            exclude: Vec::new(),
            nfs_storage_classes: None,
            default_storage_class: None,
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
        for (code, severity) in &raw.severity {
            let Some(rule) = rules::by_code(code) else {
                return Err(format!("{where_}: `severity` names unknown rule {code}; run `backstop rule --all` for the list"));
            };
            let level = [Severity::Info, Severity::Warning, Severity::Error]
                .into_iter()
                .find(|s| s.as_str() == severity)
                .ok_or_else(|| format!("{where_}: `severity.{code}` is {severity:?}; write \"info\", \"warning\" or \"error\""))?;
            config.severities.push((rule.code, level));
        }
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
        for (key, globs) in [("stacks", &raw.stacks), ("exclude", &raw.exclude)] {
            if let Err(e) = glob_set(globs) {
                return Err(format!("{where_}: `{key}`: {e}"));
            }
        }
        config.stacks = raw.stacks;
        config.exclude = raw.exclude;
        config.nfs_storage_classes = raw.nfs_storage_classes;
        config.default_storage_class = raw.default_storage_class;
        Ok(config)
    }

    /// Stack selection from the `stacks` / `exclude` globs (checked when loaded).
    pub fn selection(&self) -> Selection {
        let set = |globs: &[String]| match globs.is_empty() {
            true => None,
            false => glob_set(globs).ok(),
        };
        Selection {
            include: set(&self.stacks),
            exclude: set(&self.exclude),
            explicit: Vec::new(),
        }
    }

    /// How a claim's class is told to be NFS: the configured list, else the class name.
    pub fn nfs_policy(&self) -> NfsPolicy {
        NfsPolicy {
            named: self.nfs_storage_classes.clone(),
            protected: self.protected_storage_classes.clone(),
            default_class: self.default_storage_class.clone(),
        }
    }

    /// The severity of `rule`'s findings: the configured one, else the rule's own.
    pub fn severity_of(&self, rule: &rules::Rule) -> Severity {
        self.severities
            .iter()
            .find(|(code, _)| *code == rule.code)
            .map_or(rule.severity, |(_, severity)| *severity)
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

/// A glob per folder; `dir/**` also matches `dir` itself, as a user means it.
fn glob_set(globs: &[String]) -> Result<GlobSet, String> {
    let mut builder = GlobSetBuilder::new();
    for glob in globs {
        let glob = glob.trim_end_matches('/');
        builder.add(Glob::new(glob).map_err(|e| format!("`{glob}`: {e}"))?);
        if let Some(dir) = glob.strip_suffix("/**") {
            builder.add(Glob::new(dir).map_err(|e| format!("`{glob}`: {e}"))?);
        }
    }
    builder.build().map_err(|e| e.to_string())
}

/// What the model builder knows of storage classes: which are NFS (named in
/// `backstop.toml`, or guessed from the name unless the class is listed as protected),
/// and the class a claim naming none gets.
#[derive(Debug, Clone, Default)]
pub struct NfsPolicy {
    pub named: Option<Vec<String>>,
    pub protected: Vec<String>,
    pub default_class: Option<String>,
}

/// How a class was judged NFS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NfsVerdict {
    Named,
    GuessedFromName,
    No,
}

impl NfsPolicy {
    pub fn verdict(&self, class: &str) -> NfsVerdict {
        match &self.named {
            Some(named) if named.iter().any(|c| c == class) => NfsVerdict::Named,
            Some(_) => NfsVerdict::No,
            None if self.protected.iter().any(|c| c == class) => NfsVerdict::No,
            None if class.to_ascii_lowercase().contains("nfs") => NfsVerdict::GuessedFromName,
            None => NfsVerdict::No,
        }
    }
}

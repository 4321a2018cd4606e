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
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = "backstop.toml";

/// What is wrong with a configuration file; each names the file and what to change.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{}: cannot read: {source}", path.display())]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: {}", path.display(), source.to_string().trim_end())]
    Invalid {
        path: PathBuf,
        source: toml::de::Error,
    },
    #[error("{}: `{key}` names unknown rule {code}; run `backstop rule --all` for the list", path.display())]
    UnknownRule {
        path: PathBuf,
        key: &'static str,
        code: String,
    },
    #[error("{}: `severity.{code}` is {severity:?}; write \"info\", \"warning\" or \"error\"", path.display())]
    SeverityLevel {
        path: PathBuf,
        code: String,
        severity: String,
    },
    #[error("{}: exempt[{index}] must name exactly one of `namespace`, `stack` or `pvc`", path.display())]
    ExemptionTarget { path: PathBuf, index: usize },
    #[error("{}: exempt[{index}] has an empty `reason`; say why it needs no backup", path.display())]
    ExemptionReason { path: PathBuf, index: usize },
    #[error("{}: `{key}`: {source}", path.display())]
    Globs {
        path: PathBuf,
        key: &'static str,
        source: GlobError,
    },
}

/// A `stacks` or `exclude` glob that does not compile.
#[derive(Debug, thiserror::Error)]
pub enum GlobError {
    #[error("`{glob}`: {source}")]
    Pattern {
        glob: String,
        source: globset::Error,
    },
    #[error("{0}")]
    Set(globset::Error),
}

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
    pub enabled: Vec<rules::Code>,
    /// Rules whose severity `backstop.toml` changes.
    pub severities: Vec<(rules::Code, Severity)>,
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
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Unreadable {
            path: path.to_path_buf(),
            source,
        })?;
        let raw: RawConfig = toml::from_str(&text).map_err(|source| ConfigError::Invalid {
            path: path.to_path_buf(),
            source,
        })?;
        let codes =
            |key: &'static str, texts: &[String]| -> Result<Vec<rules::Code>, ConfigError> {
                texts
                    .iter()
                    .map(|text| {
                        rules::Code::parse(text).ok_or_else(|| ConfigError::UnknownRule {
                            path: path.to_path_buf(),
                            key,
                            code: text.clone(),
                        })
                    })
                    .collect()
            };
        let mut config = Config::default();
        if let Some(select) = &raw.select {
            let select = codes("select", select)?;
            config.enabled.retain(|code| select.contains(code));
        }
        let ignore = codes("ignore", &raw.ignore)?;
        config.enabled.retain(|code| !ignore.contains(code));
        for (text, severity) in &raw.severity {
            let code = rules::Code::parse(text).ok_or_else(|| ConfigError::UnknownRule {
                path: path.to_path_buf(),
                key: "severity",
                code: text.clone(),
            })?;
            let level = [Severity::Info, Severity::Warning, Severity::Error]
                .into_iter()
                .find(|s| s.as_str() == severity)
                .ok_or_else(|| ConfigError::SeverityLevel {
                    path: path.to_path_buf(),
                    code: text.clone(),
                    severity: severity.clone(),
                })?;
            config.severities.push((code, level));
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
                return Err(ConfigError::ExemptionTarget {
                    path: path.to_path_buf(),
                    index,
                });
            }
            if exemption.reason.trim().is_empty() {
                return Err(ConfigError::ExemptionReason {
                    path: path.to_path_buf(),
                    index,
                });
            }
        }
        config.exemptions = raw.exempt;
        for (key, globs) in [("stacks", &raw.stacks), ("exclude", &raw.exclude)] {
            if let Err(source) = glob_set(globs) {
                return Err(ConfigError::Globs {
                    path: path.to_path_buf(),
                    key,
                    source,
                });
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
fn glob_set(globs: &[String]) -> Result<GlobSet, GlobError> {
    let mut builder = GlobSetBuilder::new();
    for glob in globs {
        let glob = glob.trim_end_matches('/');
        let pattern = |text: &str| {
            Glob::new(text).map_err(|source| GlobError::Pattern {
                glob: glob.to_string(),
                source,
            })
        };
        builder.add(pattern(glob)?);
        if let Some(dir) = glob.strip_suffix("/**") {
            builder.add(pattern(dir)?);
        }
    }
    builder.build().map_err(GlobError::Set)
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

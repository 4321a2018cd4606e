//! The rule registry. Each rule lives in its own file: its `//!` doc comment is its
//! documentation (printed by `backstop rule CODE`, read from the file itself at build time
//! so it cannot drift), and its `check` function emits findings. Codes are stable forever.

use super::config::Config;
use super::discover::Repo;
use super::eval::Val;
use super::model::{Job, Loc, Model, Pvc, Stack, VolumeSource};
use std::fmt;

mod bs001_unbacked_pvc;
mod bs002_backup_not_on_nfs;
mod bs003_source_not_read_only;
mod bs004_rwo_without_affinity;
mod bs005_missing_alert;
mod bs006_never_succeeded_equals_zero;
mod bs007_busybox_relative_date;
mod bs008_destination_folder_collision;
mod bs009_schedule_collision;
mod bs010_floating_image_tag;
mod bs011_short_starting_deadline;
mod bs012_no_restore_drill;
mod bs013_settings_not_applied;
mod bs100_parse_error;
mod bs101_unresolved_value;
mod bs102_module_not_read;
mod bs103_nfs_class_guessed;

mod code;

pub use bs009_schedule_collision::nfs_writers;
pub use code::Code;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

pub struct Rule {
    pub code: Code,
    pub name: &'static str,
    pub severity: Severity,
    /// The rule's own source file; its leading `//!` lines are the documentation.
    source: &'static str,
    check: fn(&Ctx, &mut Vec<Finding>),
}

impl Rule {
    /// The doc comment at the top of the rule's file, without the `//!` markers.
    pub fn doc(&self) -> String {
        self.source
            .lines()
            .take_while(|line| line.starts_with("//!"))
            .map(|line| {
                line.trim_start_matches("//!")
                    .strip_prefix(' ')
                    .unwrap_or(line.trim_start_matches("//!"))
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The first paragraph under `## What it does`: SARIF's short description.
    pub fn summary(&self) -> String {
        let doc = self.doc();
        let body = doc.split("## What it does").nth(1).unwrap_or("");
        body.trim()
            .split("\n\n")
            .next()
            .unwrap_or("")
            .replace('\n', " ")
    }
}

macro_rules! rule {
    ($module:ident) => {
        Rule {
            code: $module::CODE,
            name: $module::NAME,
            severity: $module::SEVERITY,
            source: include_str!(concat!(stringify!($module), ".rs")),
            check: $module::check,
        }
    };
}

pub static RULES: [Rule; 17] = [
    rule!(bs001_unbacked_pvc),
    rule!(bs002_backup_not_on_nfs),
    rule!(bs003_source_not_read_only),
    rule!(bs004_rwo_without_affinity),
    rule!(bs005_missing_alert),
    rule!(bs006_never_succeeded_equals_zero),
    rule!(bs007_busybox_relative_date),
    rule!(bs008_destination_folder_collision),
    rule!(bs009_schedule_collision),
    rule!(bs010_floating_image_tag),
    rule!(bs011_short_starting_deadline),
    rule!(bs012_no_restore_drill),
    rule!(bs013_settings_not_applied),
    rule!(bs100_parse_error),
    rule!(bs101_unresolved_value),
    rule!(bs102_module_not_read),
    rule!(bs103_nfs_class_guessed),
];

pub fn by_code(code: Code) -> &'static Rule {
    RULES
        .iter()
        .find(|r| r.code == code)
        .expect("every code has its rule")
}

/// What a rule's `check` reads, and the rule itself, which its findings carry.
pub struct Ctx<'a> {
    pub repo: &'a Repo,
    pub model: &'a Model,
    pub config: &'a Config,
    rule: &'static Rule,
}

#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: &'static Rule,
    /// The rule's severity, or the one `backstop.toml` gives it.
    pub severity: Severity,
    pub loc: Loc,
    pub message: String,
    pub help: String,
    /// The subject, for exemptions: its stack folder, namespace and claim name.
    pub stack: Option<String>,
    pub namespace: Option<String>,
    pub pvc: Option<String>,
    /// Blocks an inline suppression may sit on.
    pub anchors: Vec<Loc>,
}

impl fmt::Debug for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code.as_str())
    }
}

/// Runs the enabled rules and returns their findings, unfiltered.
pub fn check(repo: &Repo, model: &Model, config: &Config) -> Vec<Finding> {
    let mut findings = Vec::new();
    for rule in RULES.iter().filter(|r| config.enabled.contains(&r.code)) {
        let ctx = Ctx {
            repo,
            model,
            config,
            rule,
        };
        (rule.check)(&ctx, &mut findings);
    }
    findings
}

impl Ctx<'_> {
    /// A finding of the rule this context runs.
    pub fn finding(&self, loc: Loc, message: String, help: impl Into<String>) -> Finding {
        Finding {
            rule: self.rule,
            severity: self.config.severity_of(self.rule),
            loc,
            message,
            help: help.into(),
            stack: None,
            namespace: None,
            pvc: None,
            anchors: Vec::new(),
        }
    }
}

pub fn describe(value: &Val) -> String {
    match value {
        Val::Str(s) => format!("`{s}`"),
        Val::Unknown(why) => format!("(unresolved: {why})"),
        _ => "(not set)".to_string(),
    }
}

impl Finding {
    pub fn about_job(mut self, stack: &Stack, job: &Job) -> Finding {
        self.stack = Some(stack.rel.clone());
        self.namespace = job.namespace.as_str().map(str::to_string);
        self.anchors = job.origin.anchors.clone();
        self
    }

    pub fn about_pvc(mut self, stack: &Stack, pvc: &Pvc) -> Finding {
        self.stack = Some(stack.rel.clone());
        self.namespace = pvc.namespace.as_str().map(str::to_string);
        self.pvc = pvc.name.as_str().map(str::to_string);
        self.anchors = pvc.origin.anchors.clone();
        self
    }
}

/// A job meant as a backup: it looks like one, or it writes to an NFS destination.
pub fn is_backup(stack: &Stack, job: &Job) -> bool {
    job.looks_like_backup() || stack.writes_to_nfs(job)
}

/// The claim volumes a backup reads from: every claim that is neither an NFS destination
/// nor mounted at `/backup`.
pub fn source_volumes<'a>(
    stack: &'a Stack,
    job: &'a Job,
) -> impl Iterator<Item = (&'a str, &'a super::model::ClaimRef, bool)> + 'a {
    job.volumes.iter().filter_map(move |v| match &v.source {
        VolumeSource::Claim { claim, read_only }
            if stack.nfs_for(claim, job.origin.instance).is_none()
                && !job.is_backup_mount(&v.name) =>
        {
            Some((v.name.as_str(), claim, *read_only))
        }
        _ => None,
    })
}

pub fn job_name(job: &Job) -> String {
    describe(&job.name)
}

//! The Backstop linter: finds every stack of a Terraform/Terragrunt repository that lacks a
//! compliant backup. `lint(root, &Config)` reads the repository and returns a `Report`;
//! printing it and `--fix` are the command's (the `backstop` binary).
//!
//! Pipeline: discover and parse the repository (`discover`), build a model of each stack
//! and of the repository's alert rules (`build`, `extract`, `values`), run the rules
//! (`rules`), drop what is suppressed inline or exempt in `backstop.toml`; `output` and
//! `list` format a report.

mod build;
pub mod config;
pub mod discover;
mod env_from;
pub mod eval;
mod extract;
pub mod list;
pub mod model;
mod operators;
pub mod output;
pub mod rendered;
pub mod rules;
pub mod source;
pub mod stacks;
pub mod syntax;
pub mod terragrunt;
mod values;

pub use rendered::stale_threshold;

use config::Config;
use discover::Repo;
use model::Model;
use rules::{Code, Finding};
use std::path::{Path, PathBuf};

/// The result of linting a repository: what was read, and the findings that remain.
pub struct Report {
    pub repo: Repo,
    pub model: Model,
    pub findings: Vec<Finding>,
    pub suppressed: usize,
}

/// Why a repository could not be linted: its configuration or an inline suppression is
/// wrong. Each names the file and what to change.
#[derive(Debug, thiserror::Error)]
pub enum LintError {
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    #[error("{file}:{line}: `{marker}` names unknown rule `{code}`; run `backstop rule --all` for the list", marker = source::SUPPRESSION_MARKER)]
    UnknownSuppression {
        file: String,
        line: usize,
        code: String,
    },
    #[error("{file}:{line}: `{marker} {code}` needs a reason after the code", marker = source::SUPPRESSION_MARKER)]
    SuppressionWithoutReason {
        file: String,
        line: usize,
        code: String,
    },
}

/// The nearest folder at or above `start` holding `backstop.toml` or `.git`; else `start`.
pub fn find_root(start: &Path) -> PathBuf {
    let start = if start.is_file() {
        start.parent().unwrap_or(start)
    } else {
        start
    };
    start
        .ancestors()
        .find(|dir| dir.join(config::FILE_NAME).is_file() || dir.join(".git").exists())
        .unwrap_or(start)
        .to_path_buf()
}

pub fn load_config(root: &Path, explicit: Option<&Path>) -> Result<Config, LintError> {
    let path = explicit
        .map(Path::to_path_buf)
        .unwrap_or_else(|| root.join(config::FILE_NAME));
    if explicit.is_none() && !path.is_file() {
        return Ok(Config::default());
    }
    Ok(Config::load(&path)?)
}

/// Reads the repository at `root`, runs the rules, applies suppressions and exemptions.
pub fn lint(root: &Path, config: &Config) -> Result<Report, LintError> {
    lint_paths(root, config, &[])
}

/// As `lint`; folders in `paths` are linted as stacks even where discovery finds none.
pub fn lint_paths(root: &Path, config: &Config, paths: &[PathBuf]) -> Result<Report, LintError> {
    let mut selection = config.selection();
    selection.explicit = paths.iter().filter(|p| p.is_dir()).cloned().collect();
    let repo = Repo::load_with(root, &selection);
    check_suppressions(&repo)?;
    let model = build::build_with(&repo, &config.nfs_policy());
    let all = rules::check(&repo, &model, config);
    let total = all.len();
    let findings: Vec<Finding> = all
        .into_iter()
        .filter(|f| !is_silenced(&repo, config, f))
        .collect();
    let suppressed = total - findings.len();
    Ok(Report {
        repo,
        model,
        findings,
        suppressed,
    })
}

/// Reads the repository at `root` as `lint` does (the same stacks, the same NFS policy)
/// and builds its model without running the rules: for commands that need only what is
/// declared (`backstop status`).
pub fn read_model(root: &Path, config: &Config) -> (Repo, Model) {
    let repo = Repo::load_with(root, &config.selection());
    let model = build::build_with(&repo, &config.nfs_policy());
    (repo, model)
}

/// Inline suppressions must name a known rule and give a reason.
fn check_suppressions(repo: &Repo) -> Result<(), LintError> {
    for file in &repo.files {
        for s in &file.suppressions {
            if s.rule.is_none() {
                return Err(LintError::UnknownSuppression {
                    file: file.rel.clone(),
                    line: s.line,
                    code: s.code.clone(),
                });
            }
            if s.reason.is_empty() {
                return Err(LintError::SuppressionWithoutReason {
                    file: file.rel.clone(),
                    line: s.line,
                    code: s.code.clone(),
                });
            }
        }
    }
    Ok(())
}

/// Parse errors are never silenced: the file was not checked at all.
fn is_silenced(repo: &Repo, config: &Config, finding: &Finding) -> bool {
    if finding.rule.code == Code::ParseError {
        return false;
    }
    let inline = finding
        .anchors
        .iter()
        .chain(std::iter::once(&finding.loc))
        .any(|loc| repo.files[loc.file].is_suppressed(finding.rule.code, &loc.span));
    inline
        || config
            .exemption(
                finding.stack.as_deref(),
                finding.namespace.as_deref(),
                finding.pvc.as_deref(),
            )
            .is_some()
}

//! `backstop lint` and `backstop rule`: find every stack that lacks a compliant backup.
//!
//! Pipeline: discover and parse the repository (`discover`), build a model of each stack
//! and of the repository's alert rules (`build`, `extract`, `values`), run the rules
//! (`rules`), drop what is suppressed inline or exempt in `backstop.toml`, print (`output`).
//! Exit 0 clean, 1 findings at or above `--severity`, 2 usage, configuration or parse errors.

mod build;
pub mod config;
pub mod discover;
pub mod eval;
mod extract;
mod list;
pub mod model;
mod operators;
mod rendered;
pub use rendered::stale_threshold;
mod output;
pub mod rules;
mod source;
pub mod stacks;
mod syntax;
pub mod terragrunt;
mod values;

use config::Config;
use discover::Repo;
use model::Model;
use output::{Format, Summary};
use rules::{Finding, Severity};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Folders to report on (default: the current folder). The whole repository is read
    /// (alerts and schedules are repository-wide); its root is the nearest folder at or above
    /// the first path holding `backstop.toml` or `.git`.
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Exit 1 when a finding at or above this severity remains.
    #[arg(long, value_enum, default_value = "warning")]
    pub severity: Severity,
    /// Configuration file (default: `backstop.toml` at the repository root, if present).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Write the missing backup.tf of every stack with unbacked PVCs (BS001), then lint again.
    #[arg(long)]
    pub fix: bool,
    /// With --fix: the NFS server the generated backup volumes mount (default: the
    /// `nfs_server` of the repository's `provider "backstop"` block, which they inherit).
    #[arg(long, requires = "fix")]
    pub nfs_server: Option<String>,
    /// Print the stacks found (kind, folders and files read, what could not be read)
    /// instead of linting them; with --format json, as a JSON array.
    #[arg(long)]
    pub list_stacks: bool,
}

#[derive(clap::Args)]
pub struct RuleArgs {
    /// A rule code, e.g. BS001.
    pub code: Option<String>,
    /// List every rule with its code, severity and name.
    #[arg(long)]
    pub all: bool,
}

/// The result of linting a repository: what was read, and the findings that remain.
pub struct Report {
    pub repo: Repo,
    pub model: Model,
    pub findings: Vec<Finding>,
    pub suppressed: usize,
}

/// A usage or configuration error: printed, exit 2.
pub struct UsageError(pub String);

pub fn run(args: Args) -> ExitCode {
    match lint_command(&args) {
        Ok(code) => code,
        Err(UsageError(message)) => {
            eprintln!("backstop lint: {message}");
            ExitCode::from(2)
        }
    }
}

fn lint_command(args: &Args) -> Result<ExitCode, UsageError> {
    let paths: Vec<PathBuf> = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let mut absolute = Vec::new();
    for path in &paths {
        let path = std::fs::canonicalize(path)
            .map_err(|e| UsageError(format!("{}: {e}", path.display())))?;
        absolute.push(path);
    }
    let root = find_root(&absolute[0]);
    let config = load_config(&root, args.config.as_deref())?;
    // Folders the user named are linted even where discovery sees a module; the implicit
    // current folder is not (a module repository's root is not a stack of its own).
    let named: &[PathBuf] = if args.paths.is_empty() {
        &[]
    } else {
        &absolute
    };
    let mut report = lint_paths(&root, &config, named)?;
    if args.list_stacks {
        let text = list::render(&report, &absolute, args.format == Format::Json);
        let _ = std::io::stdout().write_all(text.as_bytes());
        return Ok(ExitCode::SUCCESS);
    }
    if args.fix {
        let stacks = crate::generate::backup::fixable_stacks(&report);
        // Re-read after each stack: the next one must see the slots just taken.
        for stack in stacks
            .iter()
            .filter(|s| absolute.iter().any(|p| s.starts_with(p)))
        {
            let style = crate::generate::backup::Style::Backstop;
            match crate::generate::backup::generate(
                &report,
                stack,
                style,
                args.nfs_server.as_deref(),
            ) {
                Ok(message) => eprintln!("{message}"),
                Err(message) => eprintln!("backstop lint --fix: {message}"),
            }
            report = lint_paths(&root, &config, named)?;
        }
    }
    // A finding is in scope when its file is, or its stack is (a unit's source module
    // lies outside the unit's folder).
    let in_scope: Vec<Finding> = report
        .findings
        .iter()
        .filter(|f| {
            let stack_dir = f.stack.as_deref().map(|s| report.repo.root.join(s));
            absolute.iter().any(|p| {
                report.repo.files[f.loc.file].path.starts_with(p)
                    || stack_dir.as_ref().is_some_and(|d| d.starts_with(p))
            })
        })
        .cloned()
        .collect();
    let located = output::locate(&report.repo, &in_scope);
    let stacks_in_scope: Vec<&model::Stack> = report
        .model
        .stacks
        .iter()
        .filter(|s| absolute.iter().any(|p| s.dir.starts_with(p)))
        .collect();
    let summary = Summary {
        stacks: stacks_in_scope.iter().map(|s| s.rel.clone()).collect(),
        suppressed: report.suppressed,
        claims: stacks_in_scope.iter().map(|s| s.pvcs.len()).sum(),
        unresolved_claims: stacks_in_scope
            .iter()
            .flat_map(|s| &s.pvcs)
            .filter(|p| matches!(p.storage_class, eval::Val::Unknown(_)))
            .count(),
    };
    let colour = args.format == Format::Human
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none();
    let text = output::render(args.format, &located, &summary, colour);
    let _ = std::io::stdout().write_all(text.as_bytes());
    let parse_errors = in_scope.iter().any(|f| f.rule.code == "BS100");
    let failing = in_scope.iter().any(|f| f.severity >= args.severity);
    Ok(if parse_errors {
        ExitCode::from(2)
    } else if failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
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

pub fn load_config(root: &Path, explicit: Option<&Path>) -> Result<Config, UsageError> {
    let path = explicit
        .map(Path::to_path_buf)
        .unwrap_or_else(|| root.join(config::FILE_NAME));
    if explicit.is_none() && !path.is_file() {
        return Ok(Config::default());
    }
    Config::load(&path).map_err(UsageError)
}

/// Reads the repository at `root`, runs the rules, applies suppressions and exemptions.
pub fn lint(root: &Path, config: &Config) -> Result<Report, UsageError> {
    lint_paths(root, config, &[])
}

/// As `lint`; folders in `paths` are linted as stacks even where discovery finds none.
pub fn lint_paths(root: &Path, config: &Config, paths: &[PathBuf]) -> Result<Report, UsageError> {
    let mut selection = config.selection();
    selection.explicit = paths.iter().filter(|p| p.is_dir()).cloned().collect();
    let repo = Repo::load_with(root, &selection);
    check_suppressions(&repo)?;
    let model = build::build_with(&repo, &config.nfs_policy());
    let all = rules::check(&rules::Ctx {
        repo: &repo,
        model: &model,
        config,
    });
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
fn check_suppressions(repo: &Repo) -> Result<(), UsageError> {
    for file in &repo.files {
        for s in &file.suppressions {
            if rules::by_code(&s.code).is_none() {
                return Err(UsageError(format!(
                    "{}:{}: `{}` names unknown rule `{}`; run `backstop rule --all` for the list",
                    file.rel,
                    s.line,
                    source::SUPPRESSION_MARKER,
                    s.code
                )));
            }
            if s.reason.is_empty() {
                return Err(UsageError(format!(
                    "{}:{}: `{} {}` needs a reason after the code",
                    file.rel,
                    s.line,
                    source::SUPPRESSION_MARKER,
                    s.code
                )));
            }
        }
    }
    Ok(())
}

/// Parse errors are never silenced: the file was not checked at all.
fn is_silenced(repo: &Repo, config: &Config, finding: &Finding) -> bool {
    if finding.rule.code == "BS100" {
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

pub fn rule(args: RuleArgs) -> ExitCode {
    if args.all {
        for rule in rules::RULES.iter() {
            println!("{}  {:<8} {}", rule.code, rule.severity.as_str(), rule.name);
        }
        return ExitCode::SUCCESS;
    }
    let Some(code) = args.code else {
        eprintln!("backstop rule: give a rule code (e.g. BS001) or --all");
        return ExitCode::from(2);
    };
    match rules::by_code(&code) {
        Some(rule) => {
            println!("{}", rule.doc());
            ExitCode::SUCCESS
        }
        None => {
            eprintln!("backstop rule: unknown rule `{code}`; `backstop rule --all` lists them");
            ExitCode::from(2)
        }
    }
}

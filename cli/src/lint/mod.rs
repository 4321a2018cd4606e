//! `backstop lint` and `backstop rule`: the command layer over the `backstop_lint` library
//! (arguments, scope, `--fix`, printing, exit status).
//! Exit 0 clean, 1 findings at or above `--severity`, 2 usage, configuration or parse errors.

use crate::exit::Exit;
use backstop_lint::output::{self, Format, Summary};
use backstop_lint::rules::{self, Code, Finding, Severity};
use backstop_lint::{eval, find_root, lint_paths, list, load_config, model, LintError, Report};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

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

/// Why `backstop lint` stopped before printing findings: printed, exit 2.
#[derive(Debug, thiserror::Error)]
enum UsageError {
    #[error("{}: {source}", path.display())]
    Path {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{} is outside {}, the repository root found from {} (the nearest folder above it holding a backstop.toml or .git, else that path itself): lint each repository on its own, or name paths under one root",
        path.display(), root.display(), first.display()
    )]
    OutsideRoot {
        path: PathBuf,
        root: PathBuf,
        first: PathBuf,
    },
    #[error(transparent)]
    Lint(#[from] LintError),
}

pub fn run(args: Args) -> Exit {
    match lint_command(&args) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("backstop lint: {error}");
            Exit::Usage
        }
    }
}

fn lint_command(args: &Args) -> Result<Exit, UsageError> {
    let paths: Vec<PathBuf> = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let mut absolute = Vec::new();
    for path in &paths {
        let path = std::fs::canonicalize(path).map_err(|source| UsageError::Path {
            path: path.clone(),
            source,
        })?;
        absolute.push(path);
    }
    let root = find_root(&absolute[0]);
    // Every path is read within one repository: one named outside it would be dropped.
    if let Some((path, _)) = paths
        .iter()
        .zip(&absolute)
        .find(|(_, absolute)| !absolute.starts_with(&root))
    {
        return Err(UsageError::OutsideRoot {
            path: path.clone(),
            root,
            first: paths[0].clone(),
        });
    }
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
        return Ok(Exit::Success);
    }
    if args.fix {
        report = fix(report, &absolute, args.nfs_server.as_deref(), || {
            lint_paths(&root, &config, named)
        })?;
    }
    let in_scope = in_scope(&report, &absolute);
    let located = output::locate(&report.repo, &in_scope);
    let summary = summary(&report, &absolute);
    let colour = args.format == Format::Human
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none();
    let text = output::render(args.format, &located, &summary, colour);
    let _ = std::io::stdout().write_all(text.as_bytes());
    let parse_errors = in_scope.iter().any(|f| f.rule.code == Code::ParseError);
    let failing = in_scope.iter().any(|f| f.severity >= args.severity);
    Ok(if parse_errors {
        Exit::Usage
    } else if failing {
        Exit::Failure
    } else {
        Exit::Success
    })
}

/// `--fix`: writes the backup.tf of each fixable stack under `absolute`, linting again
/// after each one (the next must see the schedule slots just taken); the last report.
fn fix(
    mut report: Report,
    absolute: &[PathBuf],
    nfs_server: Option<&str>,
    relint: impl Fn() -> Result<Report, LintError>,
) -> Result<Report, LintError> {
    let stacks = crate::generate::backup::fixable_stacks(&report);
    for stack in stacks
        .iter()
        .filter(|s| absolute.iter().any(|p| s.starts_with(p)))
    {
        let style = crate::generate::backup::Style::Backstop;
        match crate::generate::backup::generate(&report, stack, style, nfs_server) {
            Ok(message) => eprintln!("{message}"),
            Err(message) => eprintln!("backstop lint --fix: {message}"),
        }
        report = relint()?;
    }
    Ok(report)
}

/// The findings under the folders linted: a finding is in scope when its file is, or its
/// stack is (a unit's source module lies outside the unit's folder).
fn in_scope(report: &Report, absolute: &[PathBuf]) -> Vec<Finding> {
    report
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
        .collect()
}

/// The summary line's figures for the stacks under the folders linted.
fn summary(report: &Report, absolute: &[PathBuf]) -> Summary {
    let stacks_in_scope: Vec<&model::Stack> = report
        .model
        .stacks
        .iter()
        .filter(|s| absolute.iter().any(|p| s.dir.starts_with(p)))
        .collect();
    Summary {
        stacks: stacks_in_scope.iter().map(|s| s.rel.clone()).collect(),
        suppressed: report.suppressed,
        claims: stacks_in_scope.iter().map(|s| s.pvcs.len()).sum(),
        unresolved_claims: stacks_in_scope
            .iter()
            .flat_map(|s| &s.pvcs)
            .filter(|p| matches!(p.storage_class, eval::Val::Unknown(_)))
            .count(),
    }
}

pub fn rule(args: RuleArgs) -> Exit {
    if args.all {
        for rule in rules::RULES.iter() {
            println!("{}  {:<8} {}", rule.code, rule.severity.as_str(), rule.name);
        }
        return Exit::Success;
    }
    let Some(code) = args.code else {
        eprintln!("backstop rule: give a rule code (e.g. BS001) or --all");
        return Exit::Usage;
    };
    match rules::Code::parse(&code) {
        Some(known) => {
            println!("{}", rules::by_code(known).doc());
            Exit::Success
        }
        None => {
            eprintln!("backstop rule: unknown rule `{code}`; `backstop rule --all` lists them");
            Exit::Usage
        }
    }
}

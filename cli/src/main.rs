//! `backstop`: a thin binary over focused modules. Each subcommand lives in its own module
//! with its own `Args` and `run`, returning the process exit code.

mod exit;
mod generate;
mod lint;
mod render;
mod restore;
mod status;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "backstop",
    version,
    about = "Compliant Kubernetes app backups: render them, restore them, lint for them, generate them"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    // No doc comment: it would replace the long help that render::Args carries.
    Render(render::Args),
    // No doc comment: it would replace the long help that restore::Args carries.
    Restore(restore::Args),
    /// Find every stack that lacks a compliant backup.
    Lint(lint::Args),
    /// Print the documentation of a lint rule.
    Rule(lint::RuleArgs),
    /// What really runs: each declared backup as one Prometheus sees it.
    Status(status::Args),
    /// Generate the missing pieces: a stack's backup.tf, the provider docs, the modules.
    #[command(subcommand)]
    Generate(generate::Command),
}

fn main() -> ExitCode {
    let exit = match Cli::parse().command {
        Command::Render(args) => render::run(args),
        Command::Restore(args) => restore::run(args),
        Command::Lint(args) => lint::run(args),
        Command::Rule(args) => lint::rule(args),
        Command::Status(args) => status::run(args),
        Command::Generate(command) => generate::run(command),
    };
    exit.into()
}

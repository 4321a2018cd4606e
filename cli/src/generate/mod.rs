//! `backstop generate ...`: each generator in its own module.

pub(crate) mod backup;
mod dashboard;
mod docs;
mod modules;
mod output;

use crate::exit::Exit;

#[derive(clap::Subcommand)]
pub enum Command {
    /// Write the missing backup.tf for a stack.
    Backup(backup::Args),
    /// A Grafana dashboard of the declared backups (the queries of `backstop status`).
    Dashboard(dashboard::Args),
    /// Regenerate the registry-layout provider docs under docs/.
    Docs(docs::Args),
    /// Regenerate the generated modules under modules/.
    Modules(modules::Args),
}

pub fn run(command: Command) -> Exit {
    match command {
        Command::Backup(args) => backup::run(args),
        Command::Dashboard(args) => dashboard::run(args),
        Command::Docs(args) => docs::run(args),
        Command::Modules(args) => modules::run(args),
    }
}

//! `backstop lint` and `backstop rule`. OWNER: lint helper (placeholder; becomes lint/mod.rs).
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {}

#[derive(clap::Args)]
pub struct RuleArgs {}

pub fn run(_args: Args) -> ExitCode {
    ExitCode::FAILURE
}

pub fn rule(_args: RuleArgs) -> ExitCode {
    ExitCode::FAILURE
}

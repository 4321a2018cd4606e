//! `backstop generate docs`. Placeholder until its owner fills it in.
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> ExitCode {
    ExitCode::FAILURE
}

//! `backstop render FILE.hcl`. OWNER: render helper (placeholder).
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> ExitCode {
    ExitCode::FAILURE
}

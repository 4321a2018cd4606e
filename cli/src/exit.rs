//! The exit statuses every subcommand returns, one meaning each across the CLI.

use std::process::ExitCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Done, and nothing to report.
    Success,
    /// The command ran and the answer is no: findings at or above `--severity`, unhealthy
    /// backups, an invalid spec, a generated file that is stale or could not be written.
    Failure,
    /// The command could not run as asked: a wrong command line, a configuration or parse
    /// error, an input that cannot be read.
    Usage,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(match exit {
            Exit::Success => 0,
            Exit::Failure => 1,
            Exit::Usage => 2,
        })
    }
}

//! `backstop status`: what really runs. Joins the backups the repository declares (the
//! linter's model) with what one Prometheus sees (kube-state-metrics CronJob and Job series,
//! the Pushgateway series the rendered scripts push, Backstop's loaded rules and firing
//! alerts), in a fixed number of requests whatever the number of backups.
//! Exit 0 all healthy, 1 something unhealthy or declared nowhere, 2 usage or connection
//! errors (with the URL and the cause).

pub mod declared;
mod observed;
mod output;
mod prometheus;
pub mod queries;
mod report;

use crate::exit::Exit;
use declared::Declared;
use output::{Context, Format};
use prometheus::{Auth, Prometheus};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

#[derive(clap::Args)]
pub struct Args {
    /// Folders whose backups to report on (default: the current folder). The whole
    /// repository is read, so a CronJob declared anywhere in it is not "declared nowhere".
    pub paths: Vec<PathBuf>,
    /// Base URL of the Prometheus HTTP API, e.g. http://prometheus.monitoring:9090.
    #[arg(long, value_name = "URL")]
    pub prometheus: String,
    /// File holding a bearer token (sent as `Authorization: Bearer`).
    #[arg(long, value_name = "FILE", conflicts_with = "basic_auth_file")]
    pub bearer_token_file: Option<PathBuf>,
    /// File holding `user:password` for HTTP basic auth.
    #[arg(long, value_name = "FILE")]
    pub basic_auth_file: Option<PathBuf>,
    /// PEM file of the CA certificates to trust for an https Prometheus (added to the
    /// system's trust store).
    #[arg(long, value_name = "FILE")]
    pub ca_file: Option<PathBuf>,
    /// Timeout of each request, e.g. 10s or 1m.
    #[arg(long, default_value = "10s")]
    pub timeout: String,
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
}

pub fn run(args: Args) -> Exit {
    match status(&args) {
        Ok(healthy) => {
            if healthy {
                Exit::Success
            } else {
                Exit::Failure
            }
        }
        Err(message) => {
            eprintln!("backstop status: {message}");
            Exit::Usage
        }
    }
}

/// `Ok(true)` when every backup is healthy and nothing runs undeclared.
fn status(args: &Args) -> Result<bool, String> {
    let timeout = backstop_codegen::duration::parse_seconds(&args.timeout)
        .map_err(|e| format!("--timeout: {e}"))?;
    let auth = Auth {
        bearer_token: args
            .bearer_token_file
            .as_deref()
            .map(|p| secret_file(p, "--bearer-token-file"))
            .transpose()?,
        basic: args
            .basic_auth_file
            .as_deref()
            .map(basic_auth)
            .transpose()?,
    };
    let scope = scope(&args.paths)?;
    let root = backstop_lint::find_root(&scope[0]);
    let prometheus = Prometheus::new(
        &args.prometheus,
        auth,
        args.ca_file.as_deref(),
        Duration::from_secs(timeout),
    )?;
    let declared = declared::read(&root)?;
    let shown: Vec<Declared> = declared
        .backups
        .iter()
        .filter(|d| scope.iter().any(|p| d.stack.starts_with(p)))
        .cloned()
        .collect();
    let unresolved: Vec<_> = declared
        .unresolved
        .into_iter()
        .filter(|u| scope.iter().any(|p| u.stack.starts_with(p)))
        .collect();
    let observed = observed::fetch(&prometheus)?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64());
    let report = report::build(&declared.backups, &shown, &observed, now);
    let context = Context {
        url: prometheus.url(),
        requests: prometheus.requests(),
        unresolved: &unresolved,
        now,
    };
    let text = output::render(args.format, &report, &context);
    let _ = std::io::stdout().write_all(text.as_bytes());
    Ok(report.healthy())
}

/// The folders asked for, made absolute (default: the current folder).
pub fn scope(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let paths = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    paths
        .iter()
        .map(|p| std::fs::canonicalize(p).map_err(|e| format!("{}: {e}", p.display())))
        .collect()
}

/// The file's content without its trailing newline; empty is an error.
fn secret_file(path: &Path, flag: &str) -> Result<String, String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("{flag} {}: {e}", path.display()))?;
    let secret = text.trim_end_matches(['\r', '\n']).to_string();
    if secret.is_empty() {
        return Err(format!("{flag} {}: the file is empty", path.display()));
    }
    Ok(secret)
}

fn basic_auth(path: &Path) -> Result<(String, String), String> {
    let text = secret_file(path, "--basic-auth-file")?;
    match text.split_once(':') {
        Some((user, password)) if !user.is_empty() => Ok((user.to_string(), password.to_string())),
        _ => Err(format!(
            "--basic-auth-file {}: write one line `user:password`",
            path.display()
        )),
    }
}

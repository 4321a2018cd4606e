//! The job scripts, rendered from the handlebars templates under `codegen/templates/`.
//!
//! Every value a template interpolates is shell-quoted here first (`shell::quote`), so a
//! template never sees a raw user string; secrets and the `command` strategy's snippet
//! reach the script through the container environment instead of its text.

use crate::model::{BackupJob, Strategy};
use crate::shell::quote;
use handlebars::Handlebars;
use serde_json::{json, Value};

const PREAMBLE: &str = include_str!("../../templates/preamble.sh.hbs");
const PUSH_METRICS: &str = include_str!("../../templates/push_metrics.sh.hbs");
const PRUNE_BY_AGE: &str = include_str!("../../templates/prune_by_age.sh.hbs");
const RSYNC: &str = include_str!("../../templates/rsync.sh.hbs");
const SQLITE: &str = include_str!("../../templates/sqlite.sh.hbs");
const DUMP: &str = include_str!("../../templates/dump.sh.hbs");
const COMMAND: &str = include_str!("../../templates/command.sh.hbs");

/// Retention defaults: weekly folders for rsync, days for the others.
pub fn default_keep(strategy: Strategy) -> u32 {
    match strategy {
        Strategy::Rsync => 8,
        Strategy::Sqlite | Strategy::Command => 30,
        Strategy::PgDumpall | Strategy::Mysqldump => 14,
    }
}

/// The environment variable the dump tool reads its password from.
pub fn password_env(strategy: Strategy) -> Option<&'static str> {
    match strategy {
        Strategy::PgDumpall => Some("PGPASSWORD"),
        Strategy::Mysqldump => Some("MYSQL_PWD"),
        _ => None,
    }
}

/// Renders the script of a validated job. Built per call from the compiled-in template
/// text: the core keeps no global state.
pub fn render(job: &BackupJob, strategy: Strategy, cronjob_name: &str) -> String {
    let (body, context) = template_and_context(job, strategy, cronjob_name);
    let mut registry = Handlebars::new();
    registry.register_escape_fn(handlebars::no_escape);
    registry.set_strict_mode(true);
    // The templates are part of this crate and covered by its tests for every strategy, so
    // a failure here is a bug in Backstop, not in the user's input.
    let registered = registry
        .register_partial("preamble", PREAMBLE)
        .and_then(|()| registry.register_partial("push_metrics", PUSH_METRICS))
        .and_then(|()| registry.register_partial("prune_by_age", PRUNE_BY_AGE))
        .and_then(|()| registry.register_template_string("script", body));
    if let Err(error) = registered {
        panic!("bundled script template does not parse: {error}");
    }
    match registry.render("script", &context) {
        Ok(script) => script,
        Err(error) => panic!("bundled script template failed to render: {error}"),
    }
}

fn template_and_context(
    job: &BackupJob,
    strategy: Strategy,
    cronjob_name: &str,
) -> (&'static str, Value) {
    let keep = job.keep.unwrap_or_else(|| default_keep(strategy));
    let sources: Vec<Value> = job
        .mounts
        .iter()
        .map(|(folder, mount)| json!({ "folder": quote(folder), "path": quote(&mount.path) }))
        .collect();
    let mut context = json!({
        "cronjob": quote(cronjob_name),
        "strategy": strategy.as_str(),
        "keep": keep,
        "sources": sources,
        "tool": Value::Null,
        "package": Value::Null,
    });
    let (tool, package, body) = match strategy {
        Strategy::Rsync => ("rsync", "rsync", RSYNC),
        Strategy::Sqlite => {
            context["database"] = json!(quote(job.database.as_deref().unwrap_or_default()));
            context["extra_paths"] =
                json!(job.extra_paths.iter().map(|p| quote(p)).collect::<Vec<_>>());
            ("sqlite3", "sqlite", SQLITE)
        }
        Strategy::PgDumpall | Strategy::Mysqldump => {
            context["host"] = json!(quote(job.host.as_deref().unwrap_or_default()));
            context["user"] = json!(quote(job.user.as_deref().unwrap_or_default()));
            context["password_env"] = json!(password_env(strategy));
            let (tool, package, command) = if strategy == Strategy::PgDumpall {
                (
                    "pg_dumpall",
                    "postgresql-client",
                    r#"pg_dumpall -h "$DB_HOST" -U "$DB_USER""#,
                )
            } else {
                (
                    "mysqldump",
                    "mariadb-client",
                    r#"mysqldump --all-databases --single-transaction -h "$DB_HOST" -u "$DB_USER""#,
                )
            };
            context["dump_command"] = json!(command);
            (tool, package, DUMP)
        }
        Strategy::Command => {
            return (COMMAND, context);
        }
    };
    context["tool"] = json!(tool);
    context["package"] = json!(package);
    (body, context)
}

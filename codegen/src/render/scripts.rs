//! The job scripts, rendered from the handlebars templates under `codegen/templates/`.
//!
//! Every value a template interpolates is shell-quoted here first (`shell::quote`), so a
//! template never sees a raw user string; secrets (from their Secret), the `command`
//! strategy's snippet and the tunables (from the settings ConfigMap) reach the script
//! through the container's environment instead of its text.

use super::conventions;
use super::job::active_deadline_seconds;
use crate::model::{BackupJob, Strategy};
use crate::shell::quote;
use crate::Defaults;
use handlebars::{Context, Handlebars};
use serde_json::{json, Value};

const PREAMBLE: &str = include_str!("../../templates/preamble.sh.hbs");
const PUSH_METRICS: &str = include_str!("../../templates/push_metrics.sh.hbs");
const LOCK: &str = include_str!("../../templates/lock.sh.hbs");
const GUARDS: &str = include_str!("../../templates/guards.sh.hbs");
const PRUNE_BY_AGE: &str = include_str!("../../templates/prune_by_age.sh.hbs");
const MAKE_ROOM_BY_AGE: &str = include_str!("../../templates/make_room_by_age.sh.hbs");
const RSYNC: &str = include_str!("../../templates/rsync.sh.hbs");
const SQLITE: &str = include_str!("../../templates/sqlite.sh.hbs");
const DUMP: &str = include_str!("../../templates/dump.sh.hbs");
const COMMAND: &str = include_str!("../../templates/command.sh.hbs");
pub(super) const MANIFEST_LIB: &str = include_str!("../../templates/manifest_lib.sh.hbs");
const WRITE_MANIFEST: &str = include_str!("../../templates/write_manifest.sh.hbs");
const DUMP_MANIFEST: &str = include_str!("../../templates/dump_manifest.sh.hbs");

/// Retention defaults: weekly folders for rsync, days for the others.
pub fn default_keep(strategy: Strategy) -> u32 {
    match strategy {
        Strategy::Rsync => 8,
        Strategy::Sqlite | Strategy::Command => 30,
        Strategy::PgDumpall | Strategy::Mysqldump => 14,
    }
}

/// The shrink guard's default: a source that lost more than half of its files or bytes.
pub const DEFAULT_MAX_SHRINK_PERCENT: u32 = 50;

/// Whether a full destination loses its oldest copy to make room, when `make_room` is unset.
pub const DEFAULT_MAKE_ROOM: bool = true;

/// The longest a run waits for another run's lock on the same destination.
const MAX_LOCK_WAIT_SECONDS: u64 = 1800;

/// The environment variable the dump tool reads its password from.
pub fn password_env(strategy: Strategy) -> Option<&'static str> {
    match strategy {
        Strategy::PgDumpall => Some("PGPASSWORD"),
        Strategy::Mysqldump => Some("MYSQL_PWD"),
        _ => None,
    }
}

/// The script templates, parsed. Parsing is most of the cost of rendering a job, so a
/// caller rendering many jobs builds this once (`all`) and reuses it; the core itself
/// keeps no global state.
pub struct ScriptTemplates {
    registry: Handlebars<'static>,
}

impl ScriptTemplates {
    /// Every strategy's template.
    pub fn all() -> Self {
        Self::with(&Strategy::ALL)
    }

    /// Only what `strategy` needs: the cheapest way to render a single job.
    pub fn for_strategy(strategy: Strategy) -> Self {
        Self::with(&[strategy])
    }

    fn with(strategies: &[Strategy]) -> Self {
        let mut registry = Handlebars::new();
        registry.register_escape_fn(handlebars::no_escape);
        registry.set_strict_mode(true);
        let mut sources = vec![
            ("preamble", PREAMBLE),
            ("lock", LOCK),
            ("guards", GUARDS),
            ("push_metrics", PUSH_METRICS),
            ("prune_by_age", PRUNE_BY_AGE),
            ("make_room_by_age", MAKE_ROOM_BY_AGE),
            ("manifest_lib", MANIFEST_LIB),
            ("write_manifest", WRITE_MANIFEST),
            ("dump_manifest", DUMP_MANIFEST),
        ];
        sources.extend(strategies.iter().map(|s| (s.as_str(), template_of(*s))));
        for (name, text) in sources {
            // The templates are part of this crate and every one is rendered by its tests,
            // so a parse error is a bug in Backstop, never in the user's input.
            if let Err(error) = registry.register_template_string(name, text) {
                panic!("bundled script template {name} does not parse: {error}");
            }
        }
        ScriptTemplates { registry }
    }

    /// Renders the script of a validated job, which checks that each of `settings` (from
    /// the job's ConfigMap) reached its environment.
    pub fn render(
        &self,
        job: &BackupJob,
        strategy: Strategy,
        cronjob_name: &str,
        settings: &[(&str, String)],
    ) -> String {
        // Handing over the JSON as a Context avoids the deep copy `render` would make.
        let context = Context::from(context(job, strategy, cronjob_name, settings));
        let name = strategy.as_str();
        let rendered = if self.registry.has_template(name) {
            self.registry.render_with_context(name, &context)
        } else {
            ScriptTemplates::for_strategy(strategy)
                .registry
                .render_with_context(name, &context)
        };
        match rendered {
            Ok(script) => script,
            Err(error) => panic!("bundled script template {name} failed to render: {error}"),
        }
    }
}

fn template_of(strategy: Strategy) -> &'static str {
    match strategy {
        Strategy::Rsync => RSYNC,
        Strategy::Sqlite => SQLITE,
        Strategy::PgDumpall | Strategy::Mysqldump => DUMP,
        Strategy::Command => COMMAND,
    }
}

/// A job input that reaches the settings ConfigMap only, never the CronJob: `settings`
/// hands it to the script through the environment, and nothing else reads it. Its value
/// can change (or be unknown at plan time) without the CronJob changing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SettingsOnlyInput {
    /// The attribute's name in the job's table (`schema::job`).
    pub name: &'static str,
    /// A value valid for every strategy the input applies to: rendering with it in place
    /// of a value not known yet gives the CronJob the real value will give. It reaches
    /// the ConfigMap only, so it must never be shown as if it were the real value.
    pub stand_in: StandIn,
}

/// A stand-in value of an input's type.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum StandIn {
    Count(u32),
    Flag(bool),
    Text(&'static str),
}

impl StandIn {
    /// As the table's reader takes it (`schema::read::job`).
    pub fn to_json(self) -> Value {
        match self {
            StandIn::Count(n) => json!(n),
            StandIn::Flag(b) => json!(b),
            StandIn::Text(text) => json!(text),
        }
    }
}

/// Every job input that reaches only the settings ConfigMap (see `settings`). Not
/// `schedule` nor `active_deadline_seconds`: they give the lock timing in the ConfigMap
/// and the schedule and deadline in the CronJob. Proven for every strategy by
/// codegen/tests/settings_only_inputs.rs.
pub const SETTINGS_ONLY_INPUTS: [SettingsOnlyInput; 7] = [
    SettingsOnlyInput {
        name: "keep",
        stand_in: StandIn::Count(1),
    },
    SettingsOnlyInput {
        name: "max_shrink_percent",
        stand_in: StandIn::Count(DEFAULT_MAX_SHRINK_PERCENT),
    },
    SettingsOnlyInput {
        name: "make_room",
        stand_in: StandIn::Flag(DEFAULT_MAKE_ROOM),
    },
    SettingsOnlyInput {
        name: "pushgateway_url",
        stand_in: StandIn::Text("http://backstop-stand-in:9091"),
    },
    SettingsOnlyInput {
        name: "host",
        stand_in: StandIn::Text("backstop-stand-in"),
    },
    SettingsOnlyInput {
        name: "user",
        stand_in: StandIn::Text("backstop-stand-in"),
    },
    SettingsOnlyInput {
        name: "command",
        stand_in: StandIn::Text("true"),
    },
];

/// What the job's settings ConfigMap holds, by the environment variable the script reads
/// each from: the Pushgateway, the command of a `command` job, and the values users tune
/// often (retention, limits, lock timing derived from the schedule, the database's
/// address). They reach the script through the ConfigMap rather than its text, so changing
/// one shows as one changed line of a plan instead of a reprinted script.
pub fn settings(defaults: &Defaults, job: &BackupJob) -> Vec<(&'static str, String)> {
    let pushgateway = conventions::pushgateway_url(defaults, job.pushgateway_url.as_ref());
    let mut settings = vec![("PUSHGATEWAY_URL", pushgateway.to_string())];
    if let (Strategy::Command, Some(command)) = (job.strategy, &job.command) {
        settings.push(("BACKUP_COMMAND", command.clone()));
    }
    settings.extend(tunables(job, job.strategy));
    settings
}

fn tunables(job: &BackupJob, strategy: Strategy) -> Vec<(&'static str, String)> {
    let keep = job
        .keep
        .unwrap_or_else(|| default_keep(strategy))
        .to_string();
    let deadline = active_deadline_seconds(job);
    let mut tunables = vec![
        match strategy {
            Strategy::Rsync => ("KEEP_WEEKS", keep),
            _ => ("KEEP_DAYS", keep),
        },
        (
            "MAX_SHRINK_PERCENT",
            job.max_shrink_percent
                .unwrap_or(DEFAULT_MAX_SHRINK_PERCENT)
                .to_string(),
        ),
        // The Job is killed at its deadline (SIGTERM, then SIGKILL after the grace period),
        // so a lock older than that, plus a minute, belongs to a dead run.
        ("LOCK_STALE_SECONDS", (deadline + 60).to_string()),
        // A second run waits for the first up to a quarter of its own deadline, at most
        // half an hour: long enough for a manual run to finish, short of hiding a hung one.
        (
            "LOCK_WAIT_SECONDS",
            (deadline / 4).min(MAX_LOCK_WAIT_SECONDS).to_string(),
        ),
    ];
    if strategy != Strategy::Command {
        tunables.push((
            "MAKE_ROOM",
            job.make_room.unwrap_or(DEFAULT_MAKE_ROOM).to_string(),
        ));
    }
    if matches!(strategy, Strategy::PgDumpall | Strategy::Mysqldump) {
        tunables.push(("DB_HOST", job.host.clone().unwrap_or_default()));
        tunables.push(("DB_USER", job.user.clone().unwrap_or_default()));
    }
    tunables
}

fn context(
    job: &BackupJob,
    strategy: Strategy,
    cronjob_name: &str,
    settings: &[(&str, String)],
) -> Value {
    let settings_names: Vec<&str> = settings.iter().map(|(name, _)| *name).collect();
    let sources: Vec<Value> = job
        .mounts
        .iter()
        .map(|(folder, mount)| json!({ "folder": quote(folder), "path": quote(&mount.path) }))
        .collect();
    let mut context = json!({
        "cronjob": quote(cronjob_name),
        "strategy": strategy.as_str(),
        "settings_names": settings_names.join(" "),
        "settings": quote(&crate::policy::settings_name(cronjob_name)),
        "sources": null,
        "tool": Value::Null,
        "package": Value::Null,
    });
    // Moved in, not interpolated: `json!` would deep-copy it through Serialize.
    context["sources"] = Value::Array(sources);
    let (tool, package) = match strategy {
        Strategy::Rsync => ("rsync", "rsync"),
        Strategy::Sqlite => {
            let database = job.database.as_deref().unwrap_or_default();
            context["database"] = json!(quote(database));
            context["database_uri"] = json!(quote(&sqlite_uri(database)));
            context["extra_paths"] =
                json!(job.extra_paths.iter().map(|p| quote(p)).collect::<Vec<_>>());
            ("sqlite3", "sqlite")
        }
        Strategy::PgDumpall | Strategy::Mysqldump => {
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
            context["database_marker"] = json!(quote(database_marker(strategy)));
            (tool, package)
        }
        // The user's command brings its own tools (or a custom image does).
        Strategy::Command => return context,
    };
    context["tool"] = json!(tool);
    context["package"] = json!(package);
    context
}

/// The sed script that prints each database's name from the comment a dump tool writes
/// before that database's part (`-- Database "app" dump`, ``-- Current Database: `app` ``).
pub fn database_marker(strategy: Strategy) -> &'static str {
    if strategy == Strategy::PgDumpall {
        r#"s/^-- Database "\(.*\)" dump$/\1/p"#
    } else {
        r#"s/^-- Current Database: `\(.*\)`$/\1/p"#
    }
}

/// `file:` URI of a database path, for sqlite3's `mode=ro` / `immutable=1` parameters:
/// the characters that would end or escape the path part are percent-encoded.
fn sqlite_uri(path: &str) -> String {
    let mut uri = String::from("file:");
    for c in path.chars() {
        match c {
            '%' => uri.push_str("%25"),
            '?' => uri.push_str("%3f"),
            '#' => uri.push_str("%23"),
            _ => uri.push(c),
        }
    }
    uri
}

#[cfg(test)]
mod tests {
    use super::sqlite_uri;

    #[test]
    fn sqlite_uris_escape_query_and_fragment_markers() {
        assert_eq!(sqlite_uri("/data/db.sqlite3"), "file:/data/db.sqlite3");
        assert_eq!(sqlite_uri("/d/a?b#c%d"), "file:/d/a%3fb%23c%25d");
    }
}

//! The restore drill's script, from the `drill_*` templates plus the manifest partials the
//! backup scripts share (one lister and one hash for writing and for checking).

use super::scripts::MANIFEST_LIB;
use crate::restore_test::RestoreTest;
use crate::shell::quote;
use crate::{BackupJob, Strategy};
use handlebars::Handlebars;
use serde_json::{json, Value};

const PREAMBLE: &str = include_str!("../../templates/drill_preamble.sh.hbs");
const PUSH: &str = include_str!("../../templates/drill_push.sh.hbs");
const VERIFY: &str = include_str!("../../templates/verify_manifest.sh.hbs");
const RSYNC: &str = include_str!("../../templates/drill_rsync.sh.hbs");
const SQLITE: &str = include_str!("../../templates/drill_sqlite.sh.hbs");

/// Snapshot names of each strategy, as the backup scripts write them.
pub(super) const RSYNC_SNAPSHOTS: &str = "[0-9][0-9][0-9][0-9]-[0-9][0-9]";
pub(super) const SQLITE_SNAPSHOTS: &str =
    "[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9][0-9][0-9]";

/// The drill CronJob of the app `name` (whose backup is `<name>-backup`).
pub fn cronjob_name(name: &str) -> String {
    format!("{name}-restore-test")
}

/// The drill's CronJob name and script, for a validated job (rsync or sqlite).
pub fn render(job: &BackupJob, test: &RestoreTest) -> (String, String) {
    let strategy = Strategy::parse(&job.strategy).unwrap_or(Strategy::Rsync);
    let (template, snapshots, tool, package) = match strategy {
        Strategy::Sqlite => (SQLITE, SQLITE_SNAPSHOTS, "sqlite3", "sqlite"),
        _ => (RSYNC, RSYNC_SNAPSHOTS, "rsync", "rsync"),
    };
    let cronjob = cronjob_name(&job.name);
    let context = json!({
        "cronjob": quote(&cronjob),
        "backup_cronjob": format!("{}-backup", job.name),
        "strategy": strategy.as_str(),
        "snapshots": snapshots,
        "tool": tool,
        "package": package,
        "verify_fraction": test.verify_fraction.unwrap_or(1.0),
        "check_query": test.check_query.as_deref().map(quote),
        "min_rows": test.min_rows.unwrap_or(1),
    });
    let script = render_script(
        template,
        &context,
        &[("drill_preamble", PREAMBLE), ("drill_push", PUSH)],
    );
    (cronjob, script)
}

/// Renders `main` with the manifest partials plus `partials`. The templates are bundled
/// and every one is rendered by this crate's tests: an error is a Backstop bug.
pub(super) fn render_script(main: &str, context: &Value, partials: &[(&str, &str)]) -> String {
    let mut registry = Handlebars::new();
    registry.register_escape_fn(handlebars::no_escape);
    registry.set_strict_mode(true);
    let common = [
        ("manifest_lib", MANIFEST_LIB),
        ("verify_manifest", VERIFY),
        ("main", main),
    ];
    for (name, text) in common.iter().chain(partials) {
        if let Err(error) = registry.register_template_string(name, *text) {
            panic!("bundled template {name} does not parse: {error}");
        }
    }
    match registry.render("main", context) {
        Ok(script) => script,
        Err(error) => panic!("bundled template failed to render: {error}"),
    }
}

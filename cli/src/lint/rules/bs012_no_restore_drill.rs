//! # BS012 no-restore-drill
//!
//! ## What it does
//! Reports a `backstop_backup_job` that no restore drill restores: no
//! `backstop_restore_test` resource or data source in the repository takes it as its
//! `job` (`job = backstop_backup_job.<name>`, also through module inputs and `for_each`
//! as far as the linter resolves values). Info by default: set
//! `severity = { BS012 = "error" }` in `backstop.toml` to make a missing drill fail CI.
//!
//! ## Why is this bad?
//! A backup nobody has restored is a hope. An integrity check is not a restore test: a
//! snapshot can pass every check and still restore nothing (an app that existed before
//! its first backup saved an empty folder; a dump cut mid-file; a corrupted page in a
//! SQLite copy). A drill restores the newest complete snapshot into scratch space every
//! week, verifies it against the snapshot's manifest (or loads the dump into a throwaway
//! server and runs a query), and its alerts fire when it fails or stops running.
//!
//! Jobs of the `command` strategy are not reported either: their snapshots hold whatever
//! the command wrote, which no drill can restore or verify.
//!
//! Hand-written backup CronJobs are not reported: Backstop cannot know what their
//! snapshots hold, so it has no drill to offer for them (port the backup to
//! `backstop_backup_job` to get one).
//!
//! ## Example
//! A `backstop_backup_job "mailserver"` and no drill naming it.
//!
//! Use instead:
//! ```hcl
//! resource "backstop_restore_test" "mailserver" {
//!   job = backstop_backup_job.mailserver
//! }
//!
//! resource "backstop_backup_alert" "mailserver" {
//!   cronjob_name          = backstop_backup_job.mailserver.cronjob_name
//!   namespace             = "mailserver"
//!   schedule              = "0 3 * * *"
//!   restore_test_schedule = backstop_restore_test.mailserver.schedule
//! }
//! ```
//!
//! ## Fix safety
//! `backstop generate backup` writes the drill (and wires its schedule into the alert)
//! together with the job it generates. A dump job's drill also needs `server_version`,
//! the database server's major version.
//!
//! ## References
//! - docs/guides/restore.md

use super::{finding, is_backup, Ctx, Finding, Severity};
use crate::lint::model::JobKind;

pub const CODE: &str = "BS012";
pub const NAME: &str = "no-restore-drill";
pub const SEVERITY: Severity = Severity::Info;

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for stack in &ctx.model.stacks {
        let jobs = stack
            .jobs
            .iter()
            .filter(|j| j.kind == JobKind::Backstop { drillable: true } && is_backup(stack, j));
        for job in jobs {
            let drilled = ctx.model.stacks.iter().any(|other| {
                let same_stack = std::ptr::eq(other, stack);
                other.drills.iter().any(|d| d.drills(job, same_stack))
            });
            // A job whose name is not static, and that no drill names by address, is not
            // judged: BS101 already says its values could not be read.
            if drilled || job.name.as_str().is_none() {
                continue;
            }
            let name = job.name.as_str().unwrap_or_default();
            out.push(
                finding(
                    job.origin.loc.clone(),
                    format!("backup CronJob `{name}` has no restore drill: nothing proves its snapshots restore"),
                    format!("add resource \"backstop_restore_test\" with job = {}", job.origin.addr),
                )
                .about_job(stack, job),
            );
        }
    }
}

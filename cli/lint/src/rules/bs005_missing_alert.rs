//! # BS005 missing-alert
//!
//! ## What it does
//! Reports a backup CronJob with no Stale alert or no NeverSucceeded alert anywhere in the
//! repository. Alerts are found in `backstop_backup_alert` resources and in any rule text
//! (Helm values, heredocs, `.yaml`/`.tpl` files) whose expression names
//! `cronjob="<name>"`.
//!
//! ## Why is this bad?
//! A backup nobody watches fails quietly: the image stops pulling, the NFS export moves,
//! the schedule is suspended. Stale fires when the last success is too old; NeverSucceeded
//! fires when a CronJob has never succeeded at all (kube-state-metrics emits no success
//! series until then, so Stale alone cannot see it).
//!
//! ## Example
//! A `mailserver-backup` CronJob and no rule mentioning `cronjob="mailserver-backup"`.
//!
//! Use instead:
//! ```hcl
//! resource "backstop_backup_alert" "mailserver" {
//!   cronjob_name = "mailserver-backup"
//!   namespace    = "mailserver"
//!   schedule     = "0 3 * * *"
//! }
//! ```
//!
//! ## Fix safety
//! `backstop generate backup` writes the alert together with the job it generates.
//!
//! ## References
//! - docs/guides/conventions.md section 3

use super::{is_backup, Code, Ctx, Finding, Severity};
use crate::model::AlertKind;

pub const CODE: Code = Code::MissingAlert;
pub const NAME: &str = "missing-alert";
pub const SEVERITY: Severity = Severity::Error;

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for stack in &ctx.model.stacks {
        for job in stack.jobs.iter().filter(|j| is_backup(stack, j)) {
            let Some(name) = job.name.as_str() else {
                continue;
            };
            let has = |kind: AlertKind| {
                ctx.model
                    .alerts
                    .iter()
                    .any(|a| a.watches(name) && a.kind == kind)
            };
            let missing: Vec<&str> = [
                (AlertKind::Stale, "Stale"),
                (AlertKind::NeverSucceeded, "NeverSucceeded"),
            ]
            .into_iter()
            .filter(|(kind, _)| !has(*kind))
            .map(|(_, label)| label)
            .collect();
            if missing.is_empty() {
                continue;
            }
            out.push(
                ctx.finding(
                    job.origin.loc.clone(),
                    format!("backup CronJob `{name}` has no {} alert in the repository", missing.join(" and no ")),
                    format!("add a backstop_backup_alert with cronjob_name = \"{name}\", or rules naming cronjob=\"{name}\""),
                )
                .about_job(stack, job),
            );
        }
    }
}

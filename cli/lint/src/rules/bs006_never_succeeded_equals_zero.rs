//! # BS006 never-succeeded-equals-zero
//!
//! ## What it does
//! Reports a NeverSucceeded alert rule written as
//! `kube_cronjob_status_last_successful_time{...} == 0`.
//!
//! ## Why is this bad?
//! kube-state-metrics does not emit `kube_cronjob_status_last_successful_time` until the
//! first success, so the series is absent, not zero: the comparison selects nothing and the
//! alert can never fire, exactly in the case it exists for.
//!
//! ## Example
//! ```yaml
//! - alert: MailserverBackupNeverSucceeded
//!   expr: kube_cronjob_status_last_successful_time{cronjob="mailserver-backup"} == 0
//! ```
//!
//! Use instead:
//! ```yaml
//! - alert: MailserverBackupNeverSucceeded
//!   expr: |
//!     kube_cronjob_info{cronjob="mailserver-backup"}
//!       unless on(namespace, cronjob) kube_cronjob_status_last_successful_time
//!   for: 1h
//! ```
//!
//! ## Fix safety
//! No automatic fix; the replacement above is proven with `promtool test rules`.
//!
//! ## References
//! - docs/guides/conventions.md section 3 (`<App>BackupNeverSucceeded`)
//! - kube-state-metrics CronJob metrics

use super::{Code, Ctx, Finding, Severity};

pub const CODE: Code = Code::NeverSucceededEqualsZero;
pub const NAME: &str = "never-succeeded-equals-zero";
pub const SEVERITY: Severity = Severity::Error;

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for rule in ctx.model.alerts.iter().filter(|a| a.compares_to_zero) {
        let mut f = ctx.finding(
            rule.loc.clone(),
            format!("NeverSucceeded rule for `{}` compares last_successful_time to 0; the series is absent until the first success, so it never fires", rule.cronjob),
            "alert on `kube_cronjob_info{...} unless on(namespace, cronjob) kube_cronjob_status_last_successful_time`",
        );
        f.anchors = rule.anchors.clone();
        f.stack = ctx
            .model
            .stacks
            .iter()
            .find(|s| ctx.repo.files[rule.loc.file].path.starts_with(&s.dir))
            .map(|s| s.rel.clone());
        out.push(f);
    }
}

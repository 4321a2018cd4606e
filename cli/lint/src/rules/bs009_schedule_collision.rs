//! # BS009 schedule-collision
//!
//! ## What it does
//! Reports two CronJobs that write to NFS (anywhere in the repository) whose schedules
//! start in the same minute on some day. Schedules are compared as written (time zones are
//! not converted).
//!
//! ## Why is this bad?
//! Backups share one NFS server and its disks; starting two at once makes both slower and
//! makes a failure of one look like a failure of the other. The homelab staggers them by
//! hand (00:00/00:15/00:30/00:45, 03:00, 03:10, ...).
//!
//! ## Example
//! `mailserver-backup` at `0 3 * * *` and `redis-backup` at `0 3 * * 0`.
//!
//! Use instead: move one of them to a free slot, e.g. `10 3 * * 0`.
//!
//! ## Fix safety
//! `backstop generate backup` picks a free slot for what it generates; existing jobs are
//! not moved automatically.
//!
//! ## References
//! - docs/guides/conventions.md section 2 ("Two backups writing to the same NFS server should not start in the same minute slot")

use super::{job_name, Code, Ctx, Finding, Severity};
use crate::model::{Job, Stack};
use backstop_codegen::schedule::Schedule;

pub const CODE: Code = Code::ScheduleCollision;
pub const NAME: &str = "schedule-collision";
pub const SEVERITY: Severity = Severity::Warning;

/// Every NFS writer in the repository with its parsed schedule.
pub fn nfs_writers(stacks: &[Stack]) -> Vec<(&Stack, &Job, Schedule)> {
    stacks
        .iter()
        .flat_map(|stack| stack.jobs.iter().map(move |job| (stack, job)))
        .filter(|(stack, job)| stack.writes_to_nfs(job))
        .filter_map(|(stack, job)| {
            Some((stack, job, Schedule::parse(job.schedule.as_str()?).ok()?))
        })
        .collect()
}

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let writers = nfs_writers(&ctx.model.stacks);
    for (i, (stack, job, schedule)) in writers.iter().enumerate() {
        let others: Vec<String> = writers
            .iter()
            .enumerate()
            .filter(|(j, (_, _, other))| *j != i && schedule.shares_a_start_with(other))
            .map(|(_, (s, other, _))| format!("{} in {}", job_name(other), s.rel))
            .collect();
        if others.is_empty() {
            continue;
        }
        out.push(
            ctx.finding(
                job.origin.loc.clone(),
                format!(
                    "NFS writer {} (`{}`) starts in the same minute as {}",
                    job_name(job),
                    job.schedule.as_str().unwrap_or(""),
                    others.join(", ")
                ),
                "stagger the schedules so no two NFS writers start in the same minute",
            )
            .about_job(stack, job),
        );
    }
}

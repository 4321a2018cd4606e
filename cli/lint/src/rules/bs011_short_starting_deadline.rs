//! # BS011 short-starting-deadline
//!
//! ## What it does
//! Reports a CronJob with `starting_deadline_seconds` under 60.
//!
//! ## Why is this bad?
//! When the controller is late by more than the deadline (a busy API server, a controller
//! restart, a node drain), the run is skipped and counted as missed. The originals use 10 s,
//! which skips runs under ordinary load; the backup then goes stale with nothing failed.
//!
//! ## Example
//! ```hcl
//! starting_deadline_seconds = 10
//! ```
//!
//! Use instead:
//! ```hcl
//! starting_deadline_seconds = 300   # or leave it unset
//! ```
//!
//! ## Fix safety
//! No automatic fix yet; raising the deadline is safe.
//!
//! ## References
//! - docs/guides/conventions.md section 2 ("a starting deadline of minutes rather than seconds")
//! - Kubernetes CronJob documentation, "Job creation"

use super::{job_name, Code, Ctx, Finding, Severity};

pub const CODE: Code = Code::ShortStartingDeadline;
pub const NAME: &str = "short-starting-deadline";
pub const SEVERITY: Severity = Severity::Warning;

const MINIMUM_SECONDS: f64 = 60.0;

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for stack in &ctx.model.stacks {
        for job in &stack.jobs {
            let Some(seconds) = job.starting_deadline.as_ref().and_then(|d| d.as_num()) else {
                continue;
            };
            if seconds >= MINIMUM_SECONDS {
                continue;
            }
            out.push(
                ctx.finding(
                    job.origin.loc.clone(),
                    format!("CronJob {} has starting_deadline_seconds = {seconds}: a controller that late skips the run", job_name(job)),
                    "raise starting_deadline_seconds to at least 60 (300 is common), or remove it",
                )
                .about_job(stack, job),
            );
        }
    }
}

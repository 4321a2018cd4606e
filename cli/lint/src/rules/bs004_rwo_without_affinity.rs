//! # BS004 rwo-without-affinity
//!
//! ## What it does
//! Reports a backup CronJob that mounts a ReadWriteOnce claim without a required pod
//! affinity on `kubernetes.io/hostname` (with Backstop's job: without `colocate_with`).
//!
//! ## Why is this bad?
//! A ReadWriteOnce volume is attached to one node. A Job pod scheduled elsewhere hangs in
//! `ContainerCreating` (Multi-Attach error) until the deadline passes, and the backup
//! silently never runs.
//!
//! ## Example
//! ```hcl
//! spec {
//!   volume { ... claim of an RWO PVC ... }
//! }
//! ```
//!
//! Use instead:
//! ```hcl
//! affinity {
//!   pod_affinity {
//!     required_during_scheduling_ignored_during_execution {
//!       label_selector { match_labels = { app = "mailserver" } }
//!       topology_key = "kubernetes.io/hostname"
//!     }
//!   }
//! }
//! ```
//!
//! ## Fix safety
//! No automatic fix: the app pod's labels are a decision of the app.
//!
//! ## References
//! - docs/guides/conventions.md section 2 ("A `ReadWriteOnce` source claim can be attached to one node only")

use super::{is_backup, job_name, source_volumes, Code, Ctx, Finding, Severity};

pub const CODE: Code = Code::RwoWithoutAffinity;
pub const NAME: &str = "rwo-without-affinity";
pub const SEVERITY: Severity = Severity::Error;

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for stack in &ctx.model.stacks {
        for job in stack
            .jobs
            .iter()
            .filter(|j| is_backup(stack, j) && !j.host_affinity)
        {
            let rwo = source_volumes(stack, job).find_map(|(_, claim, _)| {
                stack.pvcs.iter().find(|pvc| {
                    stack.claim_is(claim, job.origin.instance, pvc)
                        && pvc
                            .access_modes
                            .iter()
                            .any(|m| m == "ReadWriteOnce" || m == "ReadWriteOncePod")
                })
            });
            if let Some(pvc) = rwo {
                out.push(
                    ctx.finding(
                        job.origin.loc.clone(),
                        format!("backup CronJob {} mounts ReadWriteOnce claim {} without a required pod affinity on kubernetes.io/hostname", job_name(job), super::describe(&pvc.name)),
                        "add affinity.pod_affinity.required_during_scheduling_ignored_during_execution on the app pod's labels with topology_key = \"kubernetes.io/hostname\"",
                    )
                    .about_job(stack, job),
                );
            }
        }
    }
}

//! # BS003 source-not-read-only
//!
//! ## What it does
//! Reports a backup CronJob whose source claim is not read-only at both levels: the pod
//! volume (`persistent_volume_claim { read_only = true }`) and every `volume_mount` of it
//! (`read_only = true`).
//!
//! ## Why is this bad?
//! A backup script with a bug (a wrong `rsync --delete` direction, a `find -delete` on the
//! wrong path) must not be able to damage the data it protects. Either flag alone leaves a
//! way to write: the mount flag is per container, the volume flag per pod.
//!
//! ## Example
//! ```hcl
//! volume {
//!   name = "data"
//!   persistent_volume_claim { claim_name = "mailserver-data" }
//! }
//! ```
//!
//! Use instead:
//! ```hcl
//! volume {
//!   name = "data"
//!   persistent_volume_claim {
//!     claim_name = "mailserver-data"
//!     read_only  = true
//!   }
//! }
//! # and read_only = true on every volume_mount of "data"
//! ```
//!
//! ## Fix safety
//! No automatic fix yet; adding both flags is safe unless the job really writes to its source.
//!
//! ## References
//! - docs/guides/conventions.md section 2 ("The source claim is mounted read-only twice over")

use super::{is_backup, job_name, source_volumes, Code, Ctx, Finding, Severity};

pub const CODE: Code = Code::SourceNotReadOnly;
pub const NAME: &str = "source-not-read-only";
pub const SEVERITY: Severity = Severity::Error;

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for stack in &ctx.model.stacks {
        for job in stack.jobs.iter().filter(|j| is_backup(stack, j)) {
            for (volume, _, volume_read_only) in source_volumes(stack, job) {
                let writable_mounts: Vec<&str> = job
                    .mounts
                    .iter()
                    .filter(|m| m.volume == volume && !m.read_only)
                    .map(|m| m.path.as_str())
                    .collect();
                let mut missing = Vec::new();
                if !volume_read_only {
                    missing.push("the volume's persistent_volume_claim.read_only".to_string());
                }
                if !writable_mounts.is_empty() {
                    missing.push(format!(
                        "volume_mount.read_only at {}",
                        writable_mounts.join(", ")
                    ));
                }
                if missing.is_empty() {
                    continue;
                }
                out.push(
                    ctx.finding(
                        job.origin.loc.clone(),
                        format!("backup CronJob {} mounts source volume `{volume}` writable: {} not set", job_name(job), missing.join(" and ")),
                        "set read_only = true on the volume's persistent_volume_claim and on every volume_mount of it",
                    )
                    .about_job(stack, job),
                );
            }
        }
    }
}

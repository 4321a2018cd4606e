//! # BS002 backup-not-on-nfs
//!
//! ## What it does
//! Reports a backup CronJob (named `*backup*`, or mounting something at `/backup`) that
//! writes to no NFS-backed volume: no inline `nfs` volume, no claim of the shared
//! `modules/kubernetes/nfs_volume` module, of `backstop_nfs_backup_volume`, or of an NFS
//! PersistentVolume. A claim the stack does not declare (a shared NFS claim created
//! elsewhere) cannot be judged and is not reported.
//!
//! ## Why is this bad?
//! A backup that lands on the same block storage (or an `emptyDir`) as the data it copies
//! is lost together with it. The policy requires the copy to leave the host, on NFS.
//!
//! ## Example
//! ```hcl
//! volume {
//!   name = "backup"
//!   empty_dir {}
//! }
//! ```
//!
//! Use instead:
//! ```hcl
//! volume {
//!   name = "backup"
//!   persistent_volume_claim { claim_name = module.nfs_backup.pvc_name }
//! }
//! ```
//!
//! ## Fix safety
//! No automatic fix: the destination is a decision (which NFS server and export).
//!
//! ## References
//! - docs/guides/conventions.md sections 1 and 2 ("The destination claim is mounted read-write at `/backup`")

use super::{is_backup, job_name, Code, Ctx, Finding, Severity};

pub const CODE: Code = Code::BackupNotOnNfs;
pub const NAME: &str = "backup-not-on-nfs";
pub const SEVERITY: Severity = Severity::Error;

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for stack in &ctx.model.stacks {
        for job in stack
            .jobs
            .iter()
            .filter(|j| is_backup(stack, j) && stack.writes_only_off_nfs(j))
        {
            out.push(
                ctx.finding(
                    job.origin.loc.clone(),
                    format!("backup CronJob {} writes to no NFS-backed volume", job_name(job)),
                    "mount an NFS claim (nfs_volume module or backstop_nfs_backup_volume) read-write at /backup",
                )
                .about_job(stack, job),
            );
        }
    }
}

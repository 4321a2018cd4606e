//! # BS101 unresolved-value
//!
//! ## What it does
//! Reports a value a rule needs that cannot be resolved statically, saying what and why:
//! a PVC's storage class (a variable without a default, a remote state, a function the
//! linter does not evaluate, Helm values it cannot read, no class at all while
//! `default_storage_class` is not set in `backstop.toml`); the schedule of a CronJob
//! writing to NFS that is not a valid cron expression (BS009 cannot compare it); a
//! `*.tf.json` file of a module (JSON syntax is not read). The linter does not guess.
//!
//! ## Why is this bad?
//! An unknown class may be a protected one; the policy then goes unchecked for that app.
//!
//! ## Example
//! ```hcl
//! spec { storage_class_name = data.terraform_remote_state.infra.outputs.class }
//! ```
//!
//! Use instead: a literal, a `local.`, or a `var.` with a default or a Terragrunt input;
//! or exempt the claim in `backstop.toml` with the reason it needs no backup.
//!
//! ## Fix safety
//! No automatic fix.
//!
//! ## References
//! - `backstop.toml` `[[exempt]]`

use super::{job_name, Code, Ctx, Finding, Severity};
use crate::eval::Val;
use crate::model::{Pvc, PvcKind};
use backstop_codegen::schedule::Schedule;

pub const CODE: Code = Code::UnresolvedValue;
pub const NAME: &str = "unresolved-value";
pub const SEVERITY: Severity = Severity::Info;

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for stack in &ctx.model.stacks {
        for pvc in &stack.pvcs {
            let Val::Unknown(why) = &pvc.storage_class else {
                continue;
            };
            out.push(
                ctx.finding(
                    pvc.origin.loc.clone(),
                    format!("storage class of {} is not static ({why}); cannot tell whether it needs a backup", subject(pvc)),
                    "use a literal, local or variable default, or exempt the claim with a reason",
                )
                .about_pvc(stack, pvc),
            );
        }
        for job in stack.jobs.iter().filter(|j| stack.writes_to_nfs(j)) {
            let problem = match &job.schedule {
                Val::Str(schedule) => Schedule::parse(schedule).err(),
                Val::Unknown(why) => Some(format!("it is not static ({why})")),
                _ => None,
            };
            if let Some(problem) = problem {
                out.push(
                    ctx.finding(
                        job.origin.loc.clone(),
                        format!("schedule of backup CronJob {} cannot be read: {problem}; its start times are not compared with other NFS writers (BS009)", job_name(job)),
                        "write a five-field cron expression (a literal, local or variable default)",
                    )
                    .about_job(stack, job),
                );
            }
        }
        for note in stack.notes.iter().filter(|n| n.code == CODE) {
            let mut f = ctx.finding(note.loc.clone(), note.message.clone(), note.help.clone());
            f.anchors = note.anchors.clone();
            f.stack = Some(stack.rel.clone());
            out.push(f);
        }
    }
}

fn subject(pvc: &Pvc) -> String {
    match pvc.kind {
        PvcKind::Values => "a PVC created through Helm values or a manifest".to_string(),
        _ => format!("PVC {}", super::describe(&pvc.name)),
    }
}

//! # BS101 unresolved-storage-class
//!
//! ## What it does
//! Reports a PVC whose storage class cannot be resolved statically (it comes from a
//! variable without a default, a remote state, a function the linter does not evaluate).
//! The linter does not guess: it cannot tell whether the claim needs a backup.
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

use super::{finding, Ctx, Finding, Severity};
use crate::lint::eval::Val;

pub const CODE: &str = "BS101";
pub const NAME: &str = "unresolved-storage-class";
pub const SEVERITY: Severity = Severity::Info;

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for stack in &ctx.model.stacks {
        for pvc in &stack.pvcs {
            let Val::Unknown(why) = &pvc.storage_class else {
                continue;
            };
            out.push(
                finding(
                    pvc.origin.loc.clone(),
                    format!("storage class of PVC {} is not static ({why}); cannot tell whether it needs a backup", super::describe(&pvc.name)),
                    "use a literal, local or variable default, or exempt the claim with a reason",
                )
                .about_pvc(stack, pvc),
            );
        }
    }
}

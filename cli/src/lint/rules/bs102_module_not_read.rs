//! # BS102 module-not-read
//!
//! ## What it does
//! Reports a call of a local module (`source = "./..."` or `"../..."`) the linter could
//! not follow: the folder has no `.tf` files, or the call closes a cycle of modules.
//!
//! ## Why is this bad?
//! The resources of that module (PVCs, backups) are invisible to every other rule.
//! Terraform itself rejects both cases.
//!
//! ## Example
//! ```hcl
//! module "app" { source = "./modules/ap" }   # typo
//! ```
//!
//! Use instead: the correct relative path.
//!
//! ## Fix safety
//! No automatic fix.
//!
//! ## References
//! - Terraform: module sources, local paths

use super::{finding, Ctx, Finding, Severity};

pub const CODE: &str = "BS102";
pub const NAME: &str = "module-not-read";
pub const SEVERITY: Severity = Severity::Warning;

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for stack in &ctx.model.stacks {
        for note in stack.notes.iter().filter(|n| n.code == CODE) {
            let mut f = finding(note.loc.clone(), note.message.clone(), note.help.clone());
            f.anchors = note.anchors.clone();
            f.stack = Some(stack.rel.clone());
            out.push(f);
        }
    }
}

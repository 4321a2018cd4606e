//! # BS102 module-not-read
//!
//! ## What it does
//! Reports a module the linter could not read: a local module call (`source = "./..."`)
//! whose folder has no `.tf` files or that closes a cycle of modules; a Terragrunt unit's
//! `terraform { source }` that is remote (named in the message), not static, or has no
//! `.tf` files; an `include` whose path cannot be resolved; a `generate` block whose text
//! does not parse once its unknown values are left out.
//!
//! ## Why is this bad?
//! The resources of that module (PVCs, backups) are invisible to every other rule. For a
//! remote source, lint the repository that holds the module (or vendor it).
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

use super::{Code, Ctx, Finding, Severity};

pub const CODE: Code = Code::ModuleNotRead;
pub const NAME: &str = "module-not-read";
pub const SEVERITY: Severity = Severity::Warning;

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for stack in &ctx.model.stacks {
        for note in stack.notes.iter().filter(|n| n.code == CODE) {
            let mut f = ctx.finding(note.loc.clone(), note.message.clone(), note.help.clone());
            f.anchors = note.anchors.clone();
            f.stack = Some(stack.rel.clone());
            out.push(f);
        }
    }
}

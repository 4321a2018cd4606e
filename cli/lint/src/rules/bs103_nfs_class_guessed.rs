//! # BS103 nfs-class-guessed
//!
//! ## What it does
//! Reports a PVC the linter takes as an NFS backup destination only because its storage
//! class has `nfs` in its name (`nfs-client`, `truenas-nfs`). Such a claim is not checked
//! for a backup of its own. `backstop.toml` settles it: `nfs_storage_classes` names the
//! NFS classes (then no name is guessed), and a class listed in
//! `protected_storage_classes` is never taken as NFS.
//!
//! ## Why is this bad?
//! A name is not a guarantee: a block class called `nfs-migrated-lvm` would hold data
//! that no rule checks, and a green run would not mean "checked".
//!
//! ## Example
//! ```hcl
//! spec { storage_class_name = "nfs-client" }
//! ```
//!
//! Use instead, in `backstop.toml`:
//! ```toml
//! nfs_storage_classes = ["nfs-client"]
//! ```
//!
//! ## Fix safety
//! No automatic fix.
//!
//! ## References
//! - `backstop.toml` `nfs_storage_classes`, `protected_storage_classes`

use super::{Code, Ctx, Finding, Severity};

pub const CODE: Code = Code::NfsClassGuessed;
pub const NAME: &str = "nfs-class-guessed";
pub const SEVERITY: Severity = Severity::Info;

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

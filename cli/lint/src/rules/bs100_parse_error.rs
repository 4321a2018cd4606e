//! # BS100 parse-error
//!
//! ## What it does
//! Reports a `.tf` or `.hcl` file that is not valid HCL. The other files and stacks are
//! still checked, and the run exits with status 2.
//!
//! ## Why is this bad?
//! The linter cannot see the resources of a file it cannot parse, so a missing backup
//! there would go unreported; Terraform would reject the file too.
//!
//! ## Example
//! ```hcl
//! resource "kubernetes_persistent_volume_claim_v1" "data" {
//!   metadata { name = "data"
//! ```
//!
//! Use instead: fix the syntax (`terraform fmt` points at the same place).
//!
//! ## Fix safety
//! No automatic fix.
//!
//! ## References
//! - HCL native syntax specification

use super::{Code, Ctx, Finding, Severity};
use crate::model::Loc;

pub const CODE: Code = Code::ParseError;
pub const NAME: &str = "parse-error";
pub const SEVERITY: Severity = Severity::Error;

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (index, file) in ctx.repo.files.iter().enumerate() {
        let Some(Err(error)) = &file.hcl else {
            continue;
        };
        if file.generated {
            continue; // Reported as a generate block not read (BS102).
        }
        let line_start = file.line_start(error.line);
        let offset = file
            .line_text(error.line)
            .char_indices()
            .nth(error.column.saturating_sub(1))
            .map_or(line_start, |(i, _)| line_start + i);
        let mut f = ctx.finding(
            Loc {
                file: index,
                span: offset..offset + 1,
            },
            format!("cannot parse: {}", error.message),
            "fix the HCL syntax; this file's resources were not checked",
        );
        f.stack = ctx
            .model
            .stacks
            .iter()
            .find(|s| file.path.starts_with(&s.dir))
            .map(|s| s.rel.clone());
        out.push(f);
    }
}

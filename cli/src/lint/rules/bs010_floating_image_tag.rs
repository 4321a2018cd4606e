//! # BS010 floating-image-tag
//!
//! ## What it does
//! Reports a container image in a backup or NFS-writing CronJob without a tag, with the
//! `latest` tag, or with a bare major version such as `alpine:3`. A digest (`@sha256:...`)
//! or a full tag (`alpine:3.20`) is pinned.
//!
//! ## Why is this bad?
//! A floating tag changes under a running backup: a new image can drop a tool the script
//! uses (`apk` repositories move, busybox applets change) and the backup breaks without
//! any change in the repository.
//!
//! ## Example
//! ```hcl
//! image = "alpine"
//! ```
//!
//! Use instead:
//! ```hcl
//! image = "alpine:3.20"
//! ```
//!
//! ## Fix safety
//! No automatic fix: the right tag is the one you tested.
//!
//! ## References
//! - docs/guides/conventions.md section 2 ("a floating tag lets a rebuild change the tools under a working job")

use super::{finding, is_backup, job_name, Ctx, Finding, Severity};

pub const CODE: &str = "BS010";
pub const NAME: &str = "floating-image-tag";
pub const SEVERITY: Severity = Severity::Warning;

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for stack in &ctx.model.stacks {
        for job in stack.jobs.iter().filter(|j| is_backup(stack, j)) {
            let Some(image) = job
                .images
                .iter()
                .filter_map(|i| i.as_str())
                .find(|i| is_floating(i))
            else {
                continue;
            };
            out.push(
                finding(
                    job.origin.loc.clone(),
                    format!(
                        "backup CronJob {} uses floating image `{image}`",
                        job_name(job)
                    ),
                    "pin a full tag (alpine:3.20) or a digest",
                )
                .about_job(stack, job),
            );
        }
    }
}

/// The core's predicate: the one `backstop render` and the provider refuse an image by.
fn is_floating(image: &str) -> bool {
    backstop_codegen::policy::floating_tag(image).is_some()
}

#[cfg(test)]
mod tests {
    use super::is_floating;

    #[test]
    fn tags() {
        assert!(is_floating("alpine"));
        assert!(is_floating("alpine:latest"));
        assert!(is_floating("docker.io/library/alpine:3"));
        assert!(is_floating("registry:5000/alpine"));
        assert!(!is_floating("alpine:3.20"));
        assert!(!is_floating("registry:5000/alpine:3.20.1"));
        assert!(!is_floating("alpine@sha256:abcd"));
    }
}

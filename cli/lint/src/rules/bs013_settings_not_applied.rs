//! # BS013 settings-not-applied
//!
//! ## What it does
//! Reports a Backstop backup CronJob applied without its settings ConfigMap
//! `<name>-backup-settings`:
//! - a `backstop_backup_job` whose CronJob is applied from Terraform (its `manifest` is
//!   read, typically as a `kubernetes_manifest`'s `manifest`) while its
//!   `config_map_manifest` is read nowhere in the same module;
//! - a CronJob applied from `backstop render` output or `backstop generate backup` (a
//!   manifest, a `kubernetes_cron_job_v1`) that reads its settings ConfigMap with
//!   `envFrom` while the stack applies no ConfigMap of that name.
//!
//! ## Why is this bad?
//! The CronJob reads its retention, limits, lock timing, Pushgateway URL and database
//! address from the ConfigMap (`envFrom`). Without it every run stops at once
//! ("PUSHGATEWAY_URL is not set: apply the ConfigMap ..."): no backup is taken until the
//! Failed and Stale alerts are noticed. Stacks written for provider 0.1, when the settings
//! lived in the CronJob, apply only `manifest`.
//!
//! Not reported: a `backstop_backup_job` whose `manifest` is not read (applied from
//! `manifest_yaml` files, or not at all), and one whose whole object is handed on (to a
//! module input, a `for_each`, an output), since the ConfigMap may be applied from there;
//! a restore drill's `job = backstop_backup_job.<name>` does not count as handing it on.
//! Nor a stack that applies a ConfigMap of the settings' name itself.
//!
//! ## Example
//! ```hcl
//! resource "kubernetes_manifest" "mailserver_backup" {
//!   manifest = backstop_backup_job.mailserver.manifest
//! }
//! ```
//!
//! Use instead:
//! ```hcl
//! resource "kubernetes_manifest" "mailserver_backup_settings" {
//!   manifest = backstop_backup_job.mailserver.config_map_manifest
//! }
//!
//! resource "kubernetes_manifest" "mailserver_backup" {
//!   manifest   = backstop_backup_job.mailserver.manifest
//!   depends_on = [kubernetes_manifest.mailserver_backup_settings]
//! }
//! ```
//!
//! ## Fix safety
//! Adding the ConfigMap changes nothing else: the CronJob already names it.
//!
//! ## References
//! - docs/guides/objects-and-text-forms.md

use super::{Code, Ctx, Finding, Severity};
use crate::model::{Job, JobKind, Loc, Stack};
use crate::syntax::{all_attrs, walk, Block, Expr, Step};
use backstop_codegen::policy;
use std::collections::HashSet;
use std::path::Path;

pub const CODE: Code = Code::SettingsNotApplied;
pub const NAME: &str = "settings-not-applied";
pub const SEVERITY: Severity = Severity::Error;

/// The blocks whose `job` (or `for_each`) takes a backup job whole without applying it.
const DRILLS: [&str; 2] = ["backstop_restore_test", "backstop_restore"];

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let mut judged = HashSet::new();
    for stack in &ctx.model.stacks {
        for job in &stack.jobs {
            // One verdict per declaration, however many module instances share it.
            if !judged.insert((job.origin.loc.file, job.origin.addr.clone())) {
                continue;
            }
            let settings = job.name.as_str().map(policy::settings_name);
            if settings.as_deref().is_some_and(|name| applies(stack, name)) {
                continue;
            }
            match (&job.kind, settings) {
                (JobKind::Backstop { .. }, _) => backstop_job(ctx, stack, job, out),
                // Backstop's rendering applied as is: the CronJob reads the ConfigMap named
                // after it.
                (JobKind::Kubernetes, Some(name)) if job.env_from.contains(&name) => out.push(
                    ctx.finding(
                        job.origin.loc.clone(),
                        format!(
                            "backup CronJob `{}` reads its settings from ConfigMap `{name}`, which this stack does not apply: every run stops at once",
                            job.name.as_str().unwrap_or_default()
                        ),
                        format!(
                            "apply the ConfigMap too: the file `configmap-{name}.yaml` that `backstop render --out` writes beside the CronJob's, or the `kubernetes_config_map_v1` that `backstop generate backup` writes"
                        ),
                    )
                    .about_job(stack, job),
                ),
                _ => {}
            }
        }
    }
}

/// Whether the stack itself applies a ConfigMap named `name`.
fn applies(stack: &Stack, name: &str) -> bool {
    stack
        .config_maps
        .iter()
        .any(|c| c.applied && c.name == name)
}

fn backstop_job(ctx: &Ctx, stack: &Stack, job: &Job, out: &mut Vec<Finding>) {
    let uses = uses_in_module(ctx, job);
    if let (Some((applied, block)), false, false) = (uses.manifest, uses.settings, uses.whole) {
        let addr = &job.origin.addr;
        let mut finding = ctx
            .finding(
                applied,
                format!("the CronJob of `{addr}` is applied but its settings ConfigMap is not: every run stops at once"),
                format!("apply `{addr}.config_map_manifest` too, e.g. resource \"kubernetes_manifest\" with manifest = {addr}.config_map_manifest"),
            )
            .about_job(stack, job);
        // A suppression may also sit on the block that applies the CronJob.
        finding.anchors.push(block);
        out.push(finding);
    }
}

#[derive(Default)]
struct Uses {
    /// The first place that reads `manifest`, and the top-level block holding it.
    manifest: Option<(Loc, Loc)>,
    settings: bool,
    /// The object handed on whole, anywhere but a drill's `job`.
    whole: bool,
}

/// How the module declaring `job` (every file of its folder) reads it.
fn uses_in_module(ctx: &Ctx, job: &Job) -> Uses {
    let mut uses = Uses::default();
    let declared_in = &ctx.repo.files[job.origin.loc.file].path;
    let folder = declared_in.parent().unwrap_or(Path::new(""));
    let Some(files) = ctx.repo.hcl_by_dir.get(folder) else {
        return uses;
    };
    let addr = job.origin.addr.as_str();
    for &file in files {
        let Some(Ok(blocks)) = &ctx.repo.files[file].hcl else {
            continue;
        };
        for block in blocks {
            let in_drill = is_drill(block);
            all_attrs(block, &mut |attr| {
                let hands_to_drill = in_drill && (attr.key == "job" || attr.key == "for_each");
                walk(&attr.value, &mut |expr| match read_of(expr, addr) {
                    Some(Read::Attr("manifest")) => {
                        let at = |span: &std::ops::Range<usize>| Loc {
                            file,
                            span: span.clone(),
                        };
                        uses.manifest
                            .get_or_insert((at(&expr.span), at(&block.span)));
                    }
                    Some(Read::Attr("config_map_manifest")) => uses.settings = true,
                    Some(Read::Whole) if !hands_to_drill => uses.whole = true,
                    _ => {}
                });
            });
        }
    }
    uses
}

fn is_drill(block: &Block) -> bool {
    matches!(block.kind.as_str(), "resource" | "data")
        && block
            .labels
            .first()
            .is_some_and(|kind| DRILLS.contains(&kind.as_str()))
}

enum Read<'a> {
    /// `<addr>.attr` (through any index or splat: `<addr>[each.key].attr`).
    Attr(&'a str),
    /// `<addr>` or `<addr>[k]` alone.
    Whole,
}

/// What `expr` reads of the resource or data source at `addr` (`TYPE.NAME`), if it names it.
fn read_of<'a>(expr: &'a Expr, addr: &str) -> Option<Read<'a>> {
    let target = expr
        .target()
        .filter(|t| addr.split_once('.') == Some((t.kind, t.name)))?;
    match target.rest.iter().find(|s| matches!(s, Step::Attr(_))) {
        Some(Step::Attr(name)) => Some(Read::Attr(name)),
        _ => Some(Read::Whole),
    }
}

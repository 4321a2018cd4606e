//! # BS001 unbacked-pvc
//!
//! ## What it does
//! Reports a PersistentVolumeClaim on a protected (snapshot-only) storage class that no
//! backup CronJob in its stack covers. A claim is covered by a backup CronJob that mounts it
//! (by reference or by literal name; StatefulSet claims by `<template>-<statefulset>-N`) or,
//! for claims created by Helm values, operators or StatefulSets, by a backup in the same
//! namespace that dumps the database over the network (`pg_dumpall -h`, `mysqldump`,
//! `redis-cli --rdb`). A CronJob that mounts the claim but writes nowhere that looks like a
//! backup (an integrity check, a sync job) does not count.
//!
//! ## Why is this bad?
//! Storage classes such as `proxmox-lvm` are only protected by snapshots on the same host:
//! losing the host or the thin pool loses the data. The policy is that every such app ships
//! an app-level backup to NFS, with alerts.
//!
//! ## Example
//! ```hcl
//! resource "kubernetes_persistent_volume_claim_v1" "data" {
//!   metadata { name = "mailserver-data" }
//!   spec { storage_class_name = "proxmox-lvm-encrypted" }
//! }
//! ```
//!
//! Use instead:
//! ```hcl
//! resource "backstop_backup_job" "mailserver" {
//!   name              = "mailserver"
//!   namespace         = "mailserver"
//!   schedule          = "0 3 * * *"
//!   source_claim      = kubernetes_persistent_volume_claim_v1.data.metadata[0].name
//!   mounts            = { data = { path = "/var/mail" } }
//!   destination_claim = backstop_nfs_backup_volume.mailserver.name
//! }
//! ```
//!
//! ## Fix safety
//! `backstop lint --fix` (or `backstop generate backup STACK`) writes a `backup.tf` next to
//! the claim's resource with a Backstop volume, job and alerts, in a schedule slot no other
//! NFS writer uses. The fix is safe: it only adds a file, never edits one it did not write.
//! Claims created through Helm values have no name the fix can use: write those by hand.
//!
//! ## References
//! - docs/guides/conventions.md, "The policy" and section 4
//! - Exempt a claim with a reason in `backstop.toml` (`[[exempt]] pvc = "ns/name"`) or
//!   `# backstop:ignore BS001 <reason>` on its resource.

use super::{is_backup, Code, Ctx, Finding, Severity};
use crate::eval::Val;
use crate::model::{Pvc, PvcKind, Stack, VolumeSource};

pub const CODE: Code = Code::UnbackedPvc;
pub const NAME: &str = "unbacked-pvc";
pub const SEVERITY: Severity = Severity::Error;

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for stack in &ctx.model.stacks {
        for pvc in &stack.pvcs {
            let Some(class) = pvc.storage_class.as_str() else {
                continue;
            };
            if !ctx.config.is_protected(class) || covered(stack, pvc) {
                continue;
            }
            let what = match pvc.kind {
                PvcKind::Typed => format!("PVC {}", super::describe(&pvc.name)),
                PvcKind::ClaimTemplate => {
                    format!("StatefulSet claim template {}", super::describe(&pvc.name))
                }
                PvcKind::Values => "a PVC created through Helm values or a manifest".to_string(),
            };
            out.push(
                ctx.finding(
                    pvc.origin.loc.clone(),
                    format!("{what} uses protected storage class `{class}` and no backup CronJob covers it"),
                    "add a backup writing to NFS (`backstop generate backup` writes one), or exempt it with a reason",
                )
                .about_pvc(stack, pvc),
            );
        }
    }
}

fn same_namespace(a: &Val, b: &Val) -> bool {
    match (a, b) {
        (Val::Str(a), Val::Str(b)) => a == b,
        _ => true,
    }
}

fn covered(stack: &Stack, pvc: &Pvc) -> bool {
    stack
        .jobs
        .iter()
        .filter(|job| is_backup(stack, job))
        .any(|job| {
            let mounts_it = job.volumes.iter().any(|v| match &v.source {
                VolumeSource::Claim { claim, .. } => {
                    stack.claim_is(claim, job.origin.instance, pvc)
                }
                _ => false,
            });
            let known_same_namespace =
                matches!((&job.namespace, &pvc.namespace), (Val::Str(a), Val::Str(b)) if a == b);
            let mounts_untyped_claim = pvc.kind == PvcKind::Values
                && job.volumes.iter().any(|v| match &v.source {
                    VolumeSource::Claim { claim, .. } => {
                        stack.nfs_for(claim, job.origin.instance).is_none()
                            && !stack.pvcs.iter().any(|other| {
                                other.kind != PvcKind::Values
                                    && stack.claim_is(claim, job.origin.instance, other)
                            })
                    }
                    _ => false,
                });
            (mounts_it && same_namespace(&job.namespace, &pvc.namespace))
                || ((mounts_untyped_claim || job.is_network_dump()) && known_same_namespace)
        })
}

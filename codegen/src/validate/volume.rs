//! `nfs_backup_volume`: the PV/PVC name, the NFS server and export, and the volume's
//! Kubernetes settings.

use super::check_object_labels;
use super::names::{dns_label, dns_subdomain};
use super::paths::absolute_path;
use super::report::Report;
use super::values::{access_mode, host, mount_option, quantity, reclaim_policy};
use crate::{AttrPath, Defaults, NfsBackupVolume};

pub(crate) fn check(defaults: &Defaults, volume: &NfsBackupVolume) -> Report {
    let mut report = Report::default();
    report.check_required(
        "name",
        &volume.name,
        "name the PV and PVC, e.g. name = \"mailserver-backup-host\"",
        dns_subdomain,
    );
    report.check_required(
        "namespace",
        &volume.namespace,
        "set the namespace of the backup job that mounts the claim",
        dns_label,
    );
    match (&volume.nfs_server, &defaults.nfs_server) {
        (Some(server), _) => report.check(AttrPath::root("nfs_server"), host(server)),
        // A default server is checked on the defaults' own path.
        (None, Some(_)) => {}
        (None, None) => report.error(
            AttrPath::root("nfs_server"),
            "no NFS server is set",
            "set `nfs_server` on this volume, or once for all volumes: `provider \"backstop\" { nfs_server = \"nas.lan\" }` in Terraform, the `backstop {}` block in a `backstop render` spec",
        ),
    }
    report.check_optional(
        AttrPath::root("nfs_path"),
        volume.nfs_path.as_deref(),
        absolute_path,
    );
    report.check_optional(
        AttrPath::root("storage"),
        volume.storage.as_deref(),
        quantity,
    );
    if let Some(modes) = &volume.access_modes {
        if modes.is_empty() {
            report.error(
                AttrPath::root("access_modes"),
                "`access_modes` is empty",
                "leave it unset for ReadWriteMany, or list at least one mode",
            );
        }
        for (index, mode) in modes.iter().enumerate() {
            report.check(
                AttrPath::root("access_modes").index(index),
                access_mode(mode),
            );
        }
    }
    // An empty storage class is meaningful: it binds the claim to this static PV only.
    if let Some(class) = volume.storage_class.as_deref().filter(|c| !c.is_empty()) {
        report.check(AttrPath::root("storage_class"), dns_subdomain(class));
    }
    for (index, option) in volume.mount_options.iter().flatten().enumerate() {
        report.check(
            AttrPath::root("mount_options").index(index),
            mount_option(option),
        );
    }
    report.check_optional(
        AttrPath::root("reclaim_policy"),
        volume.reclaim_policy.as_deref(),
        reclaim_policy,
    );
    report.check_optional(
        AttrPath::root("csi_driver"),
        volume.csi_driver.as_deref(),
        dns_subdomain,
    );
    check_object_labels(&mut report, &volume.labels);
    report
}

//! The defaults (`backstop {}` block, provider block): every value set here is inherited
//! by the objects, so it is checked once, on the defaults' own attribute paths.

use super::check_object_labels;
use super::names::dns_subdomain;
use super::paths::absolute_path;
use super::report::Report;
use super::values::{host, http_url, image, mount_option, time_zone};
use crate::{AttrPath, Defaults};

pub(crate) fn check(defaults: &Defaults) -> Report {
    let mut report = Report::default();
    report.check_optional(
        AttrPath::root("nfs_server"),
        defaults.nfs_server.as_deref(),
        host,
    );
    report.check_optional(
        AttrPath::root("nfs_base_path"),
        defaults.nfs_base_path.as_deref(),
        absolute_path,
    );
    if let Some(class) = defaults.storage_class.as_deref().filter(|c| !c.is_empty()) {
        report.check(AttrPath::root("storage_class"), dns_subdomain(class));
    }
    for (index, option) in defaults.mount_options.iter().flatten().enumerate() {
        report.check(
            AttrPath::root("mount_options").index(index),
            mount_option(option),
        );
    }
    report.check_optional(AttrPath::root("image"), defaults.image.as_deref(), image);
    report.check_optional(
        AttrPath::root("pushgateway_url"),
        defaults.pushgateway_url.as_deref(),
        http_url,
    );
    report.check_optional(
        AttrPath::root("time_zone"),
        defaults.time_zone.as_deref(),
        time_zone,
    );
    check_object_labels(&mut report, &defaults.labels);
    report
}

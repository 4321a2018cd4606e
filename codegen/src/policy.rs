//! Backstop's naming and placement rules, the image-pinning predicate and the backup slot
//! rule, in one place: the renderers, the validators, the provider, `backstop render`,
//! the linter and the generators all ask here, so none of them can spell a rule its own way.

use crate::schedule::Schedule;

pub use crate::render::conventions::{BACKUP_DIR, CSI_DRIVER};

/// The backup pod's volume holding the app's claim (read-only).
pub const SOURCE_VOLUME: &str = "source";
/// The backup pod's volume holding the NFS claim, mounted at `BACKUP_DIR`.
pub const DESTINATION_VOLUME: &str = "backup";

/// Kubernetes' limit for a CronJob's name: it appends 11 characters for the Jobs it
/// creates, which must fit a 63-character label value.
pub const MAX_CRONJOB_NAME: usize = 52;

/// What a backup CronJob's name adds to its app's name.
pub const CRONJOB_SUFFIX: &str = "-backup";

/// The CronJob of app `app`: `<app>-backup`.
pub fn cronjob_name(app: &str) -> String {
    format!("{app}{CRONJOB_SUFFIX}")
}

/// The app a backup CronJob name belongs to: `mail-backup` -> `mail`.
pub fn app_of_cronjob(cronjob_name: &str) -> Option<&str> {
    cronjob_name
        .strip_suffix(CRONJOB_SUFFIX)
        .filter(|app| !app.is_empty())
}

/// The ConfigMap holding the settings of backup CronJob `cronjob` (retention, limits, the
/// Pushgateway and database addresses), which its container reads with `envFrom`:
/// `<app>-backup-settings`.
pub fn settings_name(cronjob: &str) -> String {
    format!("{cronjob}-settings")
}

/// The restore Job of app `app`: `<app>-restore`.
pub fn restore_job_name(app: &str) -> String {
    format!("{app}-restore")
}

/// What a restore drill CronJob's name adds to its app's name.
pub const DRILL_SUFFIX: &str = "-restore-test";

/// The restore drill CronJob of app `app`: `<app>-restore-test`.
pub fn drill_cronjob_name(app: &str) -> String {
    format!("{app}{DRILL_SUFFIX}")
}

/// The NFS PV and claim a generated backup of app `app` writes to: `<app>-backup-host`.
pub fn volume_name(app: &str) -> String {
    format!("{}-host", cronjob_name(app))
}

/// True for `/backup` and paths below it: where a backup job writes.
pub fn is_in_backup_dir(path: &str) -> bool {
    path.strip_prefix(BACKUP_DIR)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Why an image reference floats: a rebuild of the tag it names can change the tools under
/// a working job (docs/guides/conventions.md section 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FloatingTag {
    /// No tag and no digest: Kubernetes pulls `latest`.
    Untagged,
    /// The `latest` tag.
    Latest,
    /// A bare version number such as `alpine:3`: it moves to every new minor release.
    BareVersion,
}

/// The tag of an image reference: after the last path step's `:` (a registry's port is
/// not a tag), before any digest. `None` when the reference names no tag.
pub fn image_tag(image: &str) -> Option<&str> {
    let name = image.split('@').next().unwrap_or(image);
    let last = name.rsplit('/').next().unwrap_or(name);
    last.split_once(':').map(|(_, tag)| tag)
}

/// Whether `image` floats. A digest (`@sha256:...`) pins whatever the tag says; a tag with
/// more than a bare number (`3.22`, `16-alpine`) is taken as pinned.
pub fn floating_tag(image: &str) -> Option<FloatingTag> {
    if image.contains('@') {
        return None;
    }
    match image_tag(image) {
        None => Some(FloatingTag::Untagged),
        Some("latest") => Some(FloatingTag::Latest),
        Some(tag) if tag.chars().all(|c| c.is_ascii_digit()) => Some(FloatingTag::BareVersion),
        Some(_) => None,
    }
}

/// The daily slots a new backup may take: 01:00, 01:05, ... 05:55, the quiet hours.
pub fn daily_slots() -> impl Iterator<Item = String> {
    (1..=5).flat_map(|hour| {
        (0..60)
            .step_by(5)
            .map(move |minute| format!("{minute} {hour} * * *"))
    })
}

/// The first daily slot no schedule in `taken` starts in; it is added to `taken`, so that
/// the next call returns the slot after it.
pub fn free_daily_slot(taken: &mut Vec<Schedule>) -> Option<String> {
    for schedule in daily_slots() {
        let slot = Schedule::parse(&schedule).ok()?;
        if !taken.iter().any(|t| t.shares_a_start_with(&slot)) {
            taken.push(slot);
            return Some(schedule);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(cronjob_name("mail"), "mail-backup");
        assert_eq!(app_of_cronjob("mail-backup"), Some("mail"));
        assert_eq!(app_of_cronjob("-backup"), None);
        assert_eq!(app_of_cronjob("mail"), None);
        assert_eq!(volume_name("mail"), "mail-backup-host");
        assert_eq!(restore_job_name("mail"), "mail-restore");
        assert_eq!(drill_cronjob_name("mail"), "mail-restore-test");
    }

    #[test]
    fn backup_dir() {
        assert!(is_in_backup_dir("/backup"));
        assert!(is_in_backup_dir("/backup/x"));
        assert!(!is_in_backup_dir("/backups"));
        assert!(!is_in_backup_dir("/data/backup"));
    }

    #[test]
    fn image_tags() {
        assert_eq!(image_tag("alpine"), None);
        assert_eq!(image_tag("localhost:5000/alpine"), None);
        assert_eq!(image_tag("localhost:5000/alpine:3.22"), Some("3.22"));
        assert_eq!(
            image_tag("postgres:16.4-bookworm@sha256:abc"),
            Some("16.4-bookworm")
        );
        assert_eq!(image_tag("postgres@sha256:abc"), None);
    }

    #[test]
    fn floating_tags() {
        assert_eq!(floating_tag("alpine"), Some(FloatingTag::Untagged));
        assert_eq!(
            floating_tag("localhost:5000/alpine"),
            Some(FloatingTag::Untagged)
        );
        assert_eq!(floating_tag("alpine:latest"), Some(FloatingTag::Latest));
        assert_eq!(
            floating_tag("docker.io/library/alpine:3"),
            Some(FloatingTag::BareVersion)
        );
        assert_eq!(floating_tag("alpine:3.22"), None);
        assert_eq!(floating_tag("postgres:16-alpine"), None);
        assert_eq!(floating_tag("localhost:5000/alpine:3.22"), None);
        let digest = format!("alpine@sha256:{}", "a".repeat(64));
        assert_eq!(floating_tag(&digest), None);
    }

    #[test]
    fn slots_fill_in_order() {
        let mut taken = vec![Schedule::parse("0 1 * * *").unwrap()];
        assert_eq!(free_daily_slot(&mut taken).as_deref(), Some("5 1 * * *"));
        assert_eq!(free_daily_slot(&mut taken).as_deref(), Some("10 1 * * *"));
        let mut every_minute = vec![Schedule::parse("* * * * *").unwrap()];
        assert_eq!(free_daily_slot(&mut every_minute), None);
    }
}

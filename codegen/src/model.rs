//! The inputs of the three objects Backstop renders, with the attribute names shared by
//! the provider, `backstop render` and the docs. `None` means "not set": defaults are
//! applied by the renderers (from `Defaults`, then from the conventions), never here.

use std::collections::BTreeMap;

/// Provider-level defaults: the `provider "backstop" {}` block and the spec's `backstop {}` block.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Defaults {
    pub nfs_server: Option<String>,
    /// Parent of the export paths: `nfs_path` defaults to `<nfs_base_path>/<name>`.
    pub nfs_base_path: Option<String>,
    pub storage_class: Option<String>,
    pub mount_options: Option<Vec<String>>,
    pub image: Option<String>,
    pub pushgateway_url: Option<String>,
    pub time_zone: Option<String>,
    /// Labels added to every rendered object.
    pub labels: BTreeMap<String, String>,
}

/// `nfs_backup_volume`: a static NFS PersistentVolume and the claim bound to it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NfsBackupVolume {
    /// Name of both the PV and the PVC, e.g. `mailserver-backup-host`.
    pub name: String,
    pub namespace: String,
    pub nfs_server: Option<String>,
    /// Export path; defaults to `<nfs_base_path or /srv/nfs>/<name>`.
    pub nfs_path: Option<String>,
    /// Capacity, informational for NFS; default `10Gi`.
    pub storage: Option<String>,
    /// Default `["ReadWriteMany"]`.
    pub access_modes: Option<Vec<String>>,
    pub storage_class: Option<String>,
    /// Default `nfsvers=4, soft, timeo=30, retrans=3, actimeo=5`.
    pub mount_options: Option<Vec<String>>,
    /// Default `Retain`.
    pub reclaim_policy: Option<String>,
    /// Default `nfs.csi.k8s.io`.
    pub csi_driver: Option<String>,
    pub labels: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Strategy {
    Rsync,
    Sqlite,
    PgDumpall,
    Mysqldump,
    Command,
}

impl Strategy {
    pub const ALL: [Strategy; 5] = [
        Strategy::Rsync,
        Strategy::Sqlite,
        Strategy::PgDumpall,
        Strategy::Mysqldump,
        Strategy::Command,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Strategy::Rsync => "rsync",
            Strategy::Sqlite => "sqlite",
            Strategy::PgDumpall => "pg_dumpall",
            Strategy::Mysqldump => "mysqldump",
            Strategy::Command => "command",
        }
    }

    /// The name with the article a sentence needs before it: "an rsync" (said "ar-sync"),
    /// "a sqlite".
    pub fn with_article(self) -> String {
        let article = match self {
            Strategy::Rsync => "an",
            Strategy::Sqlite | Strategy::PgDumpall | Strategy::Mysqldump | Strategy::Command => "a",
        };
        format!("{article} {}", self.as_str())
    }

    pub fn parse(s: &str) -> Option<Strategy> {
        Strategy::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

impl std::fmt::Display for Strategy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One source folder of an rsync or sqlite backup: the snapshot folder it lands in is the
/// map key of `mounts`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Mount {
    /// Where the source is mounted in the backup pod (and, by convention, in the app pod).
    pub path: String,
    /// Folder inside the source claim; the whole claim when unset.
    pub sub_path: Option<String>,
}

/// A key of a Kubernetes Secret, read into the job's environment.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SecretRef {
    pub name: String,
    pub key: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Resources {
    pub requests: BTreeMap<String, String>,
    pub limits: BTreeMap<String, String>,
}

/// `backup_job`: the CronJob `<name>-backup` that copies an app's data to an NFS claim.
#[derive(Debug, Clone, PartialEq)]
pub struct BackupJob {
    /// The app's name; the CronJob is `<name>-backup`.
    pub name: String,
    pub namespace: String,
    /// 5-field cron or an `@daily`-style macro.
    pub schedule: String,
    pub time_zone: Option<String>,
    /// How the data is copied; rsync unless set.
    pub strategy: Strategy,
    /// The app's claim, mounted read-only (rsync, sqlite, command).
    pub source_claim: Option<String>,
    /// Snapshot folder name -> where it is mounted from the source claim.
    pub mounts: BTreeMap<String, Mount>,
    /// sqlite: the database file, an absolute path under one of `mounts`.
    pub database: Option<String>,
    /// sqlite: side files or folders copied next to the database copy.
    pub extra_paths: Vec<String>,
    /// Dumps: the database server's host name.
    pub host: Option<String>,
    /// Dumps: the user to connect as.
    pub user: Option<String>,
    /// Dumps: the Secret key holding the password.
    pub password_secret: Option<SecretRef>,
    /// `command`: a shell snippet that writes the snapshot into `$SNAPSHOT`.
    pub command: Option<String>,
    /// The NFS claim mounted read-write at `/backup`.
    pub destination_claim: String,
    /// Retention: weekly snapshot folders for rsync (default 8); days for the other
    /// strategies (default 30 for sqlite and command, 14 for dumps).
    pub keep: Option<u32>,
    /// The Job's `activeDeadlineSeconds`: Kubernetes kills a run that takes longer, and the
    /// Job fails visibly. Default: half the shortest gap between runs, within 10 min..12 h.
    pub active_deadline_seconds: Option<u32>,
    /// The shrink guard: a run whose source holds more than this share (percent) fewer
    /// files or bytes than the previous backup fails (default 50; 100 turns it off). An
    /// empty source always fails, unless allowed once by a `backstop-allow-shrink` file.
    pub max_shrink_percent: Option<u32>,
    /// When the destination is full, delete the oldest copy (never the newest) and copy
    /// again, rather than failing every run (default true; not for `command`).
    pub make_room: Option<bool>,
    /// Labels of the app's pod: the job pod must run on the same node (RWO claims).
    pub colocate_with: BTreeMap<String, String>,
    pub image: Option<String>,
    pub pushgateway_url: Option<String>,
    pub resources: Option<Resources>,
    pub suspend: bool,
    pub labels: BTreeMap<String, String>,
}

impl Default for BackupJob {
    fn default() -> Self {
        BackupJob {
            name: String::new(),
            namespace: String::new(),
            schedule: String::new(),
            time_zone: None,
            strategy: Strategy::Rsync,
            source_claim: None,
            mounts: BTreeMap::new(),
            database: None,
            extra_paths: Vec::new(),
            host: None,
            user: None,
            password_secret: None,
            command: None,
            destination_claim: String::new(),
            keep: None,
            active_deadline_seconds: None,
            max_shrink_percent: None,
            make_room: None,
            colocate_with: BTreeMap::new(),
            image: None,
            pushgateway_url: None,
            resources: None,
            suspend: false,
            labels: BTreeMap::new(),
        }
    }
}

/// `backup_alert`: the alert rules that watch one backup CronJob.
#[derive(Debug, Clone, PartialEq)]
pub struct BackupAlert {
    pub cronjob_name: String,
    pub namespace: String,
    /// The CronJob's schedule, from which the stale threshold is derived.
    pub schedule: Option<String>,
    /// Explicit stale threshold (`36h`, `8d`); wins over `schedule`.
    pub stale_after: Option<String>,
    /// Default `critical`.
    pub severity: Option<String>,
    /// Default: PascalCase of the app (`mailserver-backup` -> `Mailserver`).
    pub alert_prefix: Option<String>,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
    pub runbook_url: Option<String>,
    pub stale: bool,
    pub never_succeeded: bool,
    pub failed: bool,
    pub missing: bool,
    pub suspended: bool,
}

impl Default for BackupAlert {
    fn default() -> Self {
        BackupAlert {
            cronjob_name: String::new(),
            namespace: String::new(),
            schedule: None,
            stale_after: None,
            severity: None,
            alert_prefix: None,
            labels: BTreeMap::new(),
            annotations: BTreeMap::new(),
            runbook_url: None,
            stale: true,
            never_succeeded: true,
            failed: true,
            missing: true,
            suspended: true,
        }
    }
}

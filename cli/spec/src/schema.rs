//! The blocks a spec may hold and the attributes of each, with their types: the same
//! names as the provider's resources (see `backstop_codegen::model`).

/// The type an attribute's value must have; named in type errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    String,
    Number,
    Bool,
    StringList,
    StringMap,
    /// `{ folder = { path = "...", sub_path = "..." } }`
    Mounts,
    /// `{ name = "...", key = "..." }`
    SecretRef,
    /// `{ requests = { cpu = "100m" }, limits = { memory = "256Mi" } }`
    Resources,
    /// A number above 0 and at most 1, e.g. `0.1`.
    Fraction,
    /// `backup_job.ID`: the backup job a drill or restore belongs to.
    JobRef,
}

impl Type {
    pub fn describe(self) -> &'static str {
        match self {
            Type::String => "a string",
            Type::Number => "a whole number",
            Type::Bool => "true or false",
            Type::StringList => "a list of strings",
            Type::StringMap => "a map of strings, e.g. { app = \"mailserver\" }",
            Type::Mounts => "a map of folder name to { path = \"/abs/path\", sub_path = \"dir\" }",
            Type::SecretRef => "an object { name = \"secret-name\", key = \"key\" }",
            Type::Resources => {
                "an object { requests = { cpu = \"100m\" }, limits = { memory = \"256Mi\" } }"
            }
            Type::Fraction => "a number, e.g. 0.1",
            Type::JobRef => "a reference to a backup job, e.g. backup_job.mailserver",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Defaults,
    Volume,
    Job,
    Alert,
    RestoreTest,
    Restore,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Defaults,
        Kind::Volume,
        Kind::Job,
        Kind::Alert,
        Kind::RestoreTest,
        Kind::Restore,
    ];

    /// The block type as written in the spec.
    pub fn block_type(self) -> &'static str {
        match self {
            Kind::Defaults => "backstop",
            Kind::Volume => "nfs_backup_volume",
            Kind::Job => "backup_job",
            Kind::Alert => "backup_alert",
            Kind::RestoreTest => "restore_test",
            Kind::Restore => "restore",
        }
    }

    pub fn from_block_type(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.block_type() == name)
    }

    pub fn attributes(self) -> &'static [(&'static str, Type)] {
        match self {
            Kind::Defaults => DEFAULTS,
            Kind::Volume => VOLUME,
            Kind::Job => JOB,
            Kind::Alert => ALERT,
            Kind::RestoreTest => RESTORE_TEST,
            Kind::Restore => RESTORE,
        }
    }

    pub fn attribute_type(self, name: &str) -> Option<Type> {
        self.attributes()
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| *t)
    }

    /// Values another block may reference that are not attributes written in the block.
    pub fn outputs(self) -> &'static [&'static str] {
        match self {
            Kind::Defaults => &[],
            Kind::Volume => &["claim_name", "volume_name"],
            Kind::Job => &["cronjob_name"],
            Kind::Alert | Kind::RestoreTest | Kind::Restore => &[],
        }
    }
}

const DEFAULTS: &[(&str, Type)] = &[
    ("nfs_server", Type::String),
    ("nfs_base_path", Type::String),
    ("storage_class", Type::String),
    ("mount_options", Type::StringList),
    ("image", Type::String),
    ("pushgateway_url", Type::String),
    ("time_zone", Type::String),
    ("labels", Type::StringMap),
];

const VOLUME: &[(&str, Type)] = &[
    ("name", Type::String),
    ("namespace", Type::String),
    ("nfs_server", Type::String),
    ("nfs_path", Type::String),
    ("storage", Type::String),
    ("access_modes", Type::StringList),
    ("storage_class", Type::String),
    ("mount_options", Type::StringList),
    ("reclaim_policy", Type::String),
    ("csi_driver", Type::String),
    ("labels", Type::StringMap),
];

const JOB: &[(&str, Type)] = &[
    ("name", Type::String),
    ("namespace", Type::String),
    ("schedule", Type::String),
    ("time_zone", Type::String),
    ("strategy", Type::String),
    ("source_claim", Type::String),
    ("mounts", Type::Mounts),
    ("database", Type::String),
    ("extra_paths", Type::StringList),
    ("host", Type::String),
    ("user", Type::String),
    ("password_secret", Type::SecretRef),
    ("command", Type::String),
    ("destination_claim", Type::String),
    ("keep", Type::Number),
    ("active_deadline_seconds", Type::Number),
    ("max_shrink_percent", Type::Number),
    ("make_room", Type::Bool),
    ("colocate_with", Type::StringMap),
    ("image", Type::String),
    ("pushgateway_url", Type::String),
    ("resources", Type::Resources),
    ("suspend", Type::Bool),
    ("labels", Type::StringMap),
];

const ALERT: &[(&str, Type)] = &[
    ("cronjob_name", Type::String),
    ("namespace", Type::String),
    ("schedule", Type::String),
    ("stale_after", Type::String),
    ("severity", Type::String),
    ("alert_prefix", Type::String),
    ("labels", Type::StringMap),
    ("annotations", Type::StringMap),
    ("runbook_url", Type::String),
    ("stale", Type::Bool),
    ("never_succeeded", Type::Bool),
    ("failed", Type::Bool),
    ("missing", Type::Bool),
    ("suspended", Type::Bool),
];

const RESTORE_TEST: &[(&str, Type)] = &[
    ("job", Type::JobRef),
    ("schedule", Type::String),
    ("verify_fraction", Type::Fraction),
    ("check_query", Type::String),
    ("min_rows", Type::Number),
    ("check_database", Type::String),
    ("server_version", Type::String),
];

const RESTORE: &[(&str, Type)] = &[
    ("job", Type::JobRef),
    ("snapshot", Type::String),
    ("folder", Type::String),
    ("overwrite", Type::Bool),
    ("target_claim", Type::String),
    ("target_path", Type::String),
];

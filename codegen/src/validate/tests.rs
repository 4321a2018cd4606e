//! Table-driven tests: a valid object, one change, and the one diagnostic (path and words)
//! that change must produce. Each row is one behaviour.

use super::*;
use crate::{Mount, Resources, SecretRef, Strategy};

fn rsync_job() -> BackupJob {
    BackupJob {
        name: "mailserver".into(),
        namespace: "mailserver".into(),
        schedule: "0 3 * * *".into(),
        strategy: Strategy::Rsync,
        source_claim: Some("mailserver-data-encrypted".into()),
        mounts: BTreeMap::from([
            (
                "data".into(),
                Mount {
                    path: "/var/mail".into(),
                    sub_path: Some("data".into()),
                },
            ),
            (
                "log".into(),
                Mount {
                    path: "/var/log/mail".into(),
                    sub_path: Some("log".into()),
                },
            ),
        ]),
        destination_claim: "mailserver-backup-host".into(),
        keep: Some(8),
        colocate_with: BTreeMap::from([("app".into(), "mailserver".into())]),
        ..BackupJob::default()
    }
}

fn sqlite_job() -> BackupJob {
    BackupJob {
        strategy: Strategy::Sqlite,
        mounts: BTreeMap::from([(
            "data".into(),
            Mount {
                path: "/data".into(),
                sub_path: None,
            },
        )]),
        database: Some("/data/db.sqlite3".into()),
        extra_paths: vec!["/data/rsa_key.pem".into(), "/data/attachments".into()],
        ..rsync_job()
    }
}

fn dump_job(strategy: &str) -> BackupJob {
    BackupJob {
        strategy: Strategy::parse(strategy).expect("a strategy"),
        source_claim: None,
        mounts: BTreeMap::new(),
        host: Some("postgres.dbaas.svc".into()),
        user: Some("postgres".into()),
        password_secret: Some(SecretRef {
            name: "dbaas-credentials".into(),
            key: "password".into(),
        }),
        ..rsync_job()
    }
}

fn command_job() -> BackupJob {
    BackupJob {
        strategy: Strategy::Command,
        source_claim: None,
        mounts: BTreeMap::new(),
        command: Some("echo hi > \"$SNAPSHOT/x\"".into()),
        ..rsync_job()
    }
}

fn nfs_volume() -> NfsBackupVolume {
    NfsBackupVolume {
        name: "mailserver-backup-host".into(),
        namespace: "mailserver".into(),
        nfs_server: Some("10.0.10.15".into()),
        ..NfsBackupVolume::default()
    }
}

fn backup_alert() -> BackupAlert {
    BackupAlert {
        cronjob_name: "mailserver-backup".into(),
        namespace: "mailserver".into(),
        schedule: Some("0 3 * * *".into()),
        ..BackupAlert::default()
    }
}

/// Asserts exactly one diagnostic, on `path`, whose summary contains `words`.
fn assert_single(case: &str, diagnostics: &Diagnostics, path: &str, words: &str) {
    assert_eq!(
        diagnostics.len(),
        1,
        "{case}: expected one diagnostic, got {diagnostics:#?}"
    );
    let d = &diagnostics[0];
    assert_eq!(d.path.to_string(), path, "{case}: {d:?}");
    assert!(
        d.summary.contains(words),
        "{case}: summary {:?} lacks {words:?}",
        d.summary
    );
    assert!(!d.detail.is_empty(), "{case}: no hint");
}

#[test]
fn valid_objects_have_no_diagnostics() {
    let none = Defaults::default();
    assert_eq!(job(&none, &rsync_job()), vec![]);
    assert_eq!(job(&none, &sqlite_job()), vec![]);
    assert_eq!(job(&none, &dump_job("pg_dumpall")), vec![]);
    assert_eq!(job(&none, &dump_job("mysqldump")), vec![]);
    assert_eq!(job(&none, &command_job()), vec![]);
    assert_eq!(volume(&none, &nfs_volume()), vec![]);
    assert_eq!(alert(&none, &backup_alert()), vec![]);
}

type JobCase = (&'static str, fn(&mut BackupJob), &'static str, &'static str);

fn run_job_cases(base: fn() -> BackupJob, cases: &[JobCase]) {
    for (case, change, path, words) in cases {
        let mut j = base();
        change(&mut j);
        assert_single(case, &job(&Defaults::default(), &j), path, words);
    }
}

#[test]
fn job_names_and_namespaces() {
    run_job_cases(
        rsync_job,
        &[
            (
                "uppercase name",
                |j| j.name = "Mailserver".into(),
                "name",
                "not allowed in a DNS-1123 name",
            ),
            (
                "46 characters",
                |j| j.name = "a".repeat(46),
                "name",
                "over the limit of 45",
            ),
            ("semicolon", |j| j.name = "mail;rm".into(), "name", "`;`"),
            (
                "space",
                |j| j.name = "mail server".into(),
                "name",
                "a space",
            ),
            (
                "newline",
                |j| j.name = "mail\nserver".into(),
                "name",
                "a newline",
            ),
            ("dollar", |j| j.name = "$(id)".into(), "name", "`$`"),
            ("backtick", |j| j.name = "`id`".into(), "name", "```"),
            (
                "leading dash",
                |j| j.name = "-mail".into(),
                "name",
                "starts or ends with `-`",
            ),
            ("empty", |j| j.name = String::new(), "name", "is required"),
            (
                "uppercase namespace",
                |j| j.namespace = "Mail".into(),
                "namespace",
                "not allowed",
            ),
            (
                "64-char namespace",
                |j| j.namespace = "a".repeat(64),
                "namespace",
                "over the limit of 63",
            ),
            (
                "bad destination",
                |j| j.destination_claim = "Backup_Host".into(),
                "destination_claim",
                "DNS-1123 subdomain",
            ),
            (
                "missing destination",
                |j| j.destination_claim = String::new(),
                "destination_claim",
                "required",
            ),
            (
                "bad source claim",
                |j| j.source_claim = Some("a;b".into()),
                "source_claim",
                "`;`",
            ),
        ],
    );
}

#[test]
fn missing_required_attributes_say_they_are_required() {
    let none = Defaults::default();
    let j = BackupJob {
        name: String::new(),
        namespace: String::new(),
        schedule: String::new(),
        ..rsync_job()
    };
    let summaries: Vec<String> = job(&none, &j)
        .iter()
        .map(|d| format!("{}: {}", d.path, d.summary))
        .collect();
    assert_eq!(
        summaries,
        [
            "name: `name` is required",
            "namespace: `namespace` is required",
            "schedule: `schedule` is required"
        ]
    );
    let v = NfsBackupVolume {
        name: String::new(),
        namespace: String::new(),
        ..nfs_volume()
    };
    assert_eq!(volume(&none, &v).len(), 2);
    let a = BackupAlert {
        cronjob_name: String::new(),
        namespace: String::new(),
        ..backup_alert()
    };
    let summaries: Vec<String> = alert(&none, &a).iter().map(|d| d.summary.clone()).collect();
    assert_eq!(
        summaries,
        ["`cronjob_name` is required", "`namespace` is required"]
    );
}

#[test]
fn job_name_of_45_characters_is_the_longest_allowed() {
    let mut j = rsync_job();
    j.name = "a".repeat(MAX_APP_NAME);
    assert_eq!(job(&Defaults::default(), &j), vec![]);
    assert_eq!(MAX_APP_NAME, 45);
}

#[test]
fn job_schedule_time_zone_keep_and_pod_settings() {
    run_job_cases(
        rsync_job,
        &[
            (
                "minute 61",
                |j| j.schedule = "61 3 * * *".into(),
                "schedule",
                "minute field: 61 is out of range 0-59",
            ),
            (
                "four fields",
                |j| j.schedule = "0 3 * *".into(),
                "schedule",
                "expected 5 fields",
            ),
            (
                "@every",
                |j| j.schedule = "@every 1h".into(),
                "schedule",
                "@every",
            ),
            (
                "time zone",
                |j| j.time_zone = Some("Berlin".into()),
                "time_zone",
                "not in the IANA time zone database",
            ),
            ("keep 0", |j| j.keep = Some(0), "keep", "keep is 0"),
            (
                "deadline 30 s",
                |j| j.active_deadline_seconds = Some(30),
                "active_deadline_seconds",
                "leaves a backup no time to run",
            ),
            (
                "shrink 101 %",
                |j| j.max_shrink_percent = Some(101),
                "max_shrink_percent",
                "not a share of the previous backup",
            ),
            (
                "make_room on command",
                |j| {
                    j.strategy = Strategy::Command;
                    j.command = Some("true".into());
                    j.make_room = Some(false);
                },
                "make_room",
                "does not apply to the command strategy",
            ),
            (
                "stats folder",
                |j| {
                    let mount = Mount {
                        path: "/var/stats".into(),
                        sub_path: None,
                    };
                    j.mounts.insert(".backstop-stats".into(), mount);
                },
                "mounts[\".backstop-stats\"]",
                "records each snapshot's size",
            ),
            (
                "latest image",
                |j| j.image = Some("alpine:latest".into()),
                "image",
                "floating `latest`",
            ),
            (
                "untagged image",
                |j| j.image = Some("alpine".into()),
                "image",
                "has no tag",
            ),
            (
                "uppercase repository",
                |j| j.image = Some("Alpine:3.22".into()),
                "image",
                "repository part",
            ),
            (
                "short digest",
                |j| j.image = Some("alpine@sha256:abc".into()),
                "image",
                "digest",
            ),
            (
                "url with $",
                |j| j.pushgateway_url = Some("http://pg:9091/$(id)".into()),
                "pushgateway_url",
                "`$`",
            ),
            (
                "url with quote",
                |j| j.pushgateway_url = Some("http://pg:9091/\"".into()),
                "pushgateway_url",
                "`\"`",
            ),
            (
                "ftp url",
                |j| j.pushgateway_url = Some("ftp://pg".into()),
                "pushgateway_url",
                "not an http",
            ),
            (
                "colocate key",
                |j| {
                    j.colocate_with.insert("a b".into(), "x".into());
                },
                "colocate_with[\"a b\"]",
                "not a valid label key",
            ),
            (
                "colocate value",
                |j| {
                    j.colocate_with.insert("app".into(), "x;y".into());
                },
                "colocate_with[\"app\"]",
                "not a valid label value",
            ),
            (
                "label value too long",
                |j| {
                    j.labels.insert("team".into(), "a".repeat(64));
                },
                "labels[\"team\"]",
                "not a valid label value",
            ),
            (
                "quantity",
                |j| {
                    j.resources = Some(Resources {
                        requests: BTreeMap::from([("memory".into(), "lots".into())]),
                        ..Resources::default()
                    })
                },
                "resources.requests[\"memory\"]",
                "not a Kubernetes quantity",
            ),
        ],
    );
}

#[test]
fn job_accepts_pinned_images_quantities_and_zones() {
    let digest = format!("ghcr.io/a/b:latest@sha256:{}", "0a".repeat(32));
    for image in [
        "alpine:3.22",
        "docker.io/library/alpine:3.22",
        "registry.lan:5000/team/backup-tools:1.0",
        &digest,
    ] {
        assert_eq!(values::image(image), Ok(()), "{image}");
    }
    for q in ["100m", "256Mi", "1.5", "10Gi", "1e3", "0.5"] {
        assert_eq!(values::quantity(q), Ok(()), "{q}");
    }
    for tz in [
        "UTC",
        "Europe/Berlin",
        "America/Argentina/Buenos_Aires",
        "Etc/GMT+5",
        "GMT",
        "EST5EDT",
    ] {
        assert_eq!(values::time_zone(tz), Ok(()), "{tz}");
    }
    for h in [
        "10.0.10.15",
        "nas.lan",
        "postgres.dbaas.svc.cluster.local",
        "fd00::1",
    ] {
        assert_eq!(values::host(h), Ok(()), "{h}");
    }
}

#[test]
fn job_mount_paths_and_folders() {
    run_job_cases(
        rsync_job,
        &[
            (
                "relative path",
                |j| {
                    j.mounts
                        .get_mut("data")
                        .map(|m| m.path = "var/mail".into())
                        .unwrap_or(())
                },
                "mounts[\"data\"].path",
                "is relative",
            ),
            (
                "dotdot path",
                |j| {
                    j.mounts
                        .get_mut("data")
                        .map(|m| m.path = "/var/../etc".into())
                        .unwrap_or(())
                },
                "mounts[\"data\"].path",
                "`..` segment",
            ),
            (
                "space in path",
                |j| {
                    j.mounts
                        .get_mut("data")
                        .map(|m| m.path = "/var/my mail".into())
                        .unwrap_or(())
                },
                "mounts[\"data\"].path",
                "a space",
            ),
            (
                "newline in path",
                |j| {
                    j.mounts
                        .get_mut("data")
                        .map(|m| m.path = "/var/mail\n".into())
                        .unwrap_or(())
                },
                "mounts[\"data\"].path",
                "a newline",
            ),
            (
                "semicolon in path",
                |j| {
                    j.mounts
                        .get_mut("data")
                        .map(|m| m.path = "/var/mail;rm".into())
                        .unwrap_or(())
                },
                "mounts[\"data\"].path",
                "\"/var/mail;rm\" contains `;`",
            ),
            (
                "command substitution",
                |j| {
                    j.mounts
                        .get_mut("data")
                        .map(|m| m.path = "/var/$(id)".into())
                        .unwrap_or(())
                },
                "mounts[\"data\"].path",
                "`$`",
            ),
            (
                "backtick in path",
                |j| {
                    j.mounts
                        .get_mut("data")
                        .map(|m| m.path = "/var/`id`".into())
                        .unwrap_or(())
                },
                "mounts[\"data\"].path",
                "```",
            ),
            (
                "empty segment",
                |j| {
                    j.mounts
                        .get_mut("data")
                        .map(|m| m.path = "/var//mail".into())
                        .unwrap_or(())
                },
                "mounts[\"data\"].path",
                "empty segment",
            ),
            (
                "root",
                |j| {
                    j.mounts
                        .get_mut("data")
                        .map(|m| m.path = "/".into())
                        .unwrap_or(())
                },
                "mounts[\"data\"].path",
                "`/` itself",
            ),
            (
                "under /backup",
                |j| {
                    j.mounts
                        .get_mut("data")
                        .map(|m| m.path = "/backup/x".into())
                        .unwrap_or(())
                },
                "mounts[\"data\"].path",
                "backup destination",
            ),
            (
                "absolute subPath",
                |j| {
                    j.mounts
                        .get_mut("data")
                        .map(|m| m.sub_path = Some("/data".into()))
                        .unwrap_or(())
                },
                "mounts[\"data\"].sub_path",
                "is absolute",
            ),
            (
                "dotdot subPath",
                |j| {
                    j.mounts
                        .get_mut("data")
                        .map(|m| m.sub_path = Some("../x".into()))
                        .unwrap_or(())
                },
                "mounts[\"data\"].sub_path",
                "`..` segment",
            ),
            (
                "star in subPath",
                |j| {
                    j.mounts
                        .get_mut("data")
                        .map(|m| m.sub_path = Some("da*".into()))
                        .unwrap_or(())
                },
                "mounts[\"data\"].sub_path",
                "`*`",
            ),
            (
                "same path twice",
                |j| {
                    j.mounts
                        .get_mut("log")
                        .map(|m| m.path = "/var/mail".into())
                        .unwrap_or(())
                },
                "mounts[\"log\"].path",
                "both use the path",
            ),
            (
                "case collision",
                |j| {
                    j.mounts.insert(
                        "Data".into(),
                        Mount {
                            path: "/srv/x".into(),
                            sub_path: None,
                        },
                    );
                },
                "mounts[\"data\"]",
                "differ only in case",
            ),
            (
                "folder ..",
                |j| {
                    j.mounts.insert(
                        "..".into(),
                        Mount {
                            path: "/srv/x".into(),
                            sub_path: None,
                        },
                    );
                },
                "mounts[\"..\"]",
                "not a usable folder name",
            ),
            (
                "folder with slash",
                |j| {
                    j.mounts.insert(
                        "a/b".into(),
                        Mount {
                            path: "/srv/x".into(),
                            sub_path: None,
                        },
                    );
                },
                "mounts[\"a/b\"]",
                "`/`",
            ),
            (
                "empty mounts",
                |j| j.mounts.clear(),
                "mounts",
                "`mounts` is empty",
            ),
            (
                "no source claim",
                |j| j.source_claim = None,
                "source_claim",
                "required for strategy rsync",
            ),
        ],
    );
}

#[test]
fn job_mounts_may_not_hide_the_image_and_the_destination_differs_from_the_source() {
    for bad in [
        "/etc", "/var", "/usr", "/tmp", "/proc/1", "/dev/shm", "/sys",
    ] {
        let mut j = rsync_job();
        if let Some(m) = j.mounts.get_mut("data") {
            m.path = bad.into();
        }
        assert_single(
            bad,
            &job(&Defaults::default(), &j),
            "mounts[\"data\"].path",
            "would hide the backup image's own files",
        );
    }
    for fine in ["/etc/app", "/var/lib/app", "/home/app/data", "/devices"] {
        let mut j = rsync_job();
        if let Some(m) = j.mounts.get_mut("data") {
            m.path = fine.into();
        }
        assert_eq!(job(&Defaults::default(), &j), vec![], "{fine}");
    }
    let mut j = rsync_job();
    j.destination_claim = "mailserver-data-encrypted".into();
    assert_single(
        "same claim",
        &job(&Defaults::default(), &j),
        "destination_claim",
        "the claim it backs up",
    );
}

#[test]
fn job_strategies_require_and_forbid_attributes() {
    run_job_cases(
        rsync_job,
        &[
            (
                "database on rsync",
                |j| j.database = Some("/var/mail/x".into()),
                "database",
                "does not apply to strategy rsync",
            ),
            (
                "command on rsync",
                |j| j.command = Some("true".into()),
                "command",
                "does not apply",
            ),
            (
                "host on rsync",
                |j| j.host = Some("db".into()),
                "host",
                "does not apply",
            ),
        ],
    );
    run_job_cases(
        sqlite_job,
        &[
            (
                "no database",
                |j| j.database = None,
                "database",
                "required for strategy sqlite",
            ),
            (
                "database outside mounts",
                |j| j.database = Some("/srv/db.sqlite3".into()),
                "database",
                "not under any of the mount paths",
            ),
            (
                "relative database",
                |j| j.database = Some("db.sqlite3".into()),
                "database",
                "is relative",
            ),
            (
                "extra path outside",
                |j| j.extra_paths.push("/etc/passwd".into()),
                "extra_paths[2]",
                "not under any",
            ),
            (
                "extra basename collision",
                |j| j.extra_paths.push("/data/attachments/rsa_key.pem".into()),
                "extra_paths[2]",
                "like extra_paths[0]",
            ),
            (
                "extra named like the copy",
                |j| j.extra_paths.push("/data/old/db.sqlite3".into()),
                "extra_paths[2]",
                "like the database copy",
            ),
            (
                "sqlite empty mounts",
                |j| j.mounts.clear(),
                "mounts",
                "`mounts` is empty",
            ),
        ],
    );
    for strategy in ["pg_dumpall", "mysqldump"] {
        let base = if strategy == "pg_dumpall" {
            (|| dump_job("pg_dumpall")) as fn() -> BackupJob
        } else {
            || dump_job("mysqldump")
        };
        run_job_cases(
            base,
            &[
                (
                    "no password secret",
                    |j| j.password_secret = None,
                    "password_secret",
                    "is required for strategy",
                ),
                ("no host", |j| j.host = None, "host", "is required"),
                ("no user", |j| j.user = None, "user", "is required"),
                ("bad host", |j| j.host = Some("db;rm".into()), "host", "`;`"),
                (
                    "bad user",
                    |j| j.user = Some("root user".into()),
                    "user",
                    "a space",
                ),
                (
                    "bad secret name",
                    |j| {
                        j.password_secret = Some(SecretRef {
                            name: "Creds".into(),
                            key: "password".into(),
                        })
                    },
                    "password_secret.name",
                    "not allowed",
                ),
                (
                    "bad secret key",
                    |j| {
                        j.password_secret = Some(SecretRef {
                            name: "creds".into(),
                            key: "pass word".into(),
                        })
                    },
                    "password_secret.key",
                    "a space",
                ),
                (
                    "mounts on dump",
                    |j| {
                        j.mounts.insert(
                            "data".into(),
                            Mount {
                                path: "/data".into(),
                                sub_path: None,
                            },
                        );
                    },
                    "mounts",
                    "does not apply to strategy",
                ),
            ],
        );
    }
    run_job_cases(
        command_job,
        &[
            (
                "no command",
                |j| j.command = None,
                "command",
                "required for strategy command",
            ),
            (
                "blank command",
                |j| j.command = Some("  ".into()),
                "command",
                "empty",
            ),
            ("NUL", |j| j.command = Some("a\0b".into()), "command", "NUL"),
            (
                "claim without mounts",
                |j| j.source_claim = Some("app-data".into()),
                "mounts",
                "`mounts` is empty",
            ),
        ],
    );
}

#[test]
fn forbidden_attribute_hint_lists_the_strategies() {
    let mut j = rsync_job();
    j.database = Some("/var/mail/db".into());
    let d = job(&Defaults::default(), &j);
    assert!(
        d[0].detail
            .contains("`database` only applies to strategy sqlite"),
        "{d:?}"
    );
}

#[test]
fn every_error_is_reported_not_just_the_first() {
    let mut j = rsync_job();
    j.name = "Bad".into();
    j.namespace = "Bad".into();
    j.schedule = "nope".into();
    j.mounts.clear();
    let paths: Vec<String> = job(&Defaults::default(), &j)
        .iter()
        .map(|d| d.path.to_string())
        .collect();
    assert_eq!(paths, ["name", "namespace", "schedule", "mounts"]);
}

type VolumeCase = (
    &'static str,
    fn(&mut NfsBackupVolume),
    &'static str,
    &'static str,
);

#[test]
fn volume_cases() {
    let cases: &[VolumeCase] = &[
        (
            "uppercase name",
            |v| v.name = "Backup".into(),
            "name",
            "DNS-1123 subdomain",
        ),
        (
            "bad namespace",
            |v| v.namespace = "a_b".into(),
            "namespace",
            "`_`",
        ),
        (
            "bad server",
            |v| v.nfs_server = Some("nas;rm".into()),
            "nfs_server",
            "`;`",
        ),
        (
            "relative export",
            |v| v.nfs_path = Some("srv/nfs".into()),
            "nfs_path",
            "relative",
        ),
        (
            "storage",
            |v| v.storage = Some("ten".into()),
            "storage",
            "quantity",
        ),
        (
            "access mode",
            |v| v.access_modes = Some(vec!["ReadWriteMany".into(), "RWX".into()]),
            "access_modes[1]",
            "not a Kubernetes access mode",
        ),
        (
            "no access mode",
            |v| v.access_modes = Some(vec![]),
            "access_modes",
            "empty",
        ),
        (
            "Delete",
            |v| v.reclaim_policy = Some("Delete".into()),
            "reclaim_policy",
            "would delete the backups",
        ),
        (
            "Recycle",
            |v| v.reclaim_policy = Some("Recycle".into()),
            "reclaim_policy",
            "would delete the backups",
        ),
        (
            "csi driver",
            |v| v.csi_driver = Some("NFS CSI".into()),
            "csi_driver",
            "not allowed",
        ),
        (
            "mount option comma",
            |v| v.mount_options = Some(vec!["nfsvers=4,soft".into()]),
            "mount_options[0]",
            "several options",
        ),
        (
            "mount option quote",
            |v| v.mount_options = Some(vec!["a'b".into()]),
            "mount_options[0]",
            "`'`",
        ),
        (
            "storage class",
            |v| v.storage_class = Some("Fast SSD".into()),
            "storage_class",
            "not allowed",
        ),
    ];
    for (case, change, path, words) in cases {
        let mut v = nfs_volume();
        change(&mut v);
        assert_single(case, &volume(&Defaults::default(), &v), path, words);
    }
}

#[test]
fn volume_server_may_come_from_defaults_and_the_hint_says_so() {
    let mut v = nfs_volume();
    v.nfs_server = None;
    let d = volume(&Defaults::default(), &v);
    assert_single("no server", &d, "nfs_server", "no NFS server");
    assert!(
        d[0].detail
            .contains("provider \"backstop\" { nfs_server = "),
        "{d:?}"
    );
    let with_default = Defaults {
        nfs_server: Some("10.0.10.15".into()),
        ..Defaults::default()
    };
    assert_eq!(volume(&with_default, &v), vec![]);
}

type AlertCase = (
    &'static str,
    fn(&mut BackupAlert),
    &'static str,
    &'static str,
);

#[test]
fn alert_cases() {
    let cases: &[AlertCase] = &[
        (
            "53 characters",
            |a| a.cronjob_name = "a".repeat(53),
            "cronjob_name",
            "over the limit of 52",
        ),
        (
            "namespace",
            |a| a.namespace = "NS".into(),
            "namespace",
            "not allowed",
        ),
        (
            "no threshold source",
            |a| a.schedule = None,
            "schedule",
            "neither `schedule` nor `stale_after`",
        ),
        (
            "bad schedule",
            |a| a.schedule = Some("0 25 * * *".into()),
            "schedule",
            "hour field: 25",
        ),
        (
            "bad stale_after",
            |a| a.stale_after = Some("36".into()),
            "stale_after",
            "needs a unit",
        ),
        (
            "severity",
            |a| a.severity = Some("Critical".into()),
            "severity",
            "not a severity",
        ),
        (
            "prefix",
            |a| a.alert_prefix = Some("mail-server".into()),
            "alert_prefix",
            "not a usable alert name prefix",
        ),
        (
            "label name",
            |a| {
                a.labels.insert("team-name".into(), "x".into());
            },
            "labels[\"team-name\"]",
            "Prometheus label name",
        ),
        (
            "reserved label",
            |a| {
                a.labels.insert("__name__".into(), "x".into());
            },
            "labels[\"__name__\"]",
            "Prometheus label name",
        ),
        (
            "annotation key",
            |a| {
                a.annotations.insert("1st".into(), "x".into());
            },
            "annotations[\"1st\"]",
            "Prometheus label name",
        ),
        (
            "runbook",
            |a| a.runbook_url = Some("wiki/backups".into()),
            "runbook_url",
            "not an http",
        ),
    ];
    for (case, change, path, words) in cases {
        let mut a = backup_alert();
        change(&mut a);
        assert_single(case, &alert(&Defaults::default(), &a), path, words);
    }
    let only_stale_after = BackupAlert {
        schedule: None,
        stale_after: Some("36h".into()),
        ..backup_alert()
    };
    assert_eq!(alert(&Defaults::default(), &only_stale_after), vec![]);
}

type DefaultsCase = (&'static str, fn(&mut Defaults), &'static str, &'static str);

#[test]
fn defaults_cases() {
    let cases: &[DefaultsCase] = &[
        (
            "server",
            |d| d.nfs_server = Some("nas server".into()),
            "nfs_server",
            "a space",
        ),
        (
            "base path",
            |d| d.nfs_base_path = Some("/srv/../nfs".into()),
            "nfs_base_path",
            "`..`",
        ),
        (
            "image",
            |d| d.image = Some("alpine".into()),
            "image",
            "no tag",
        ),
        (
            "url",
            |d| d.pushgateway_url = Some("http://pg:9091/`id`".into()),
            "pushgateway_url",
            "not allowed",
        ),
        (
            "time zone",
            |d| d.time_zone = Some("CET;".into()),
            "time_zone",
            "not in the IANA time zone database",
        ),
        (
            "mount option",
            |d| d.mount_options = Some(vec!["soft".into(), "$x".into()]),
            "mount_options[1]",
            "`$`",
        ),
        (
            "labels",
            |d| {
                d.labels.insert("Team Name".into(), "x".into());
            },
            "labels[\"Team Name\"]",
            "label key",
        ),
        (
            "storage class",
            |d| d.storage_class = Some("A".into()),
            "storage_class",
            "not allowed",
        ),
    ];
    for (case, change, path, words) in cases {
        let mut d = Defaults::default();
        change(&mut d);
        assert_single(case, &defaults(&d), path, words);
    }
}

#[test]
fn render_functions_include_default_errors() {
    let bad = Defaults {
        image: Some("alpine:latest".into()),
        ..Defaults::default()
    };
    let errors = crate::render_job(&bad, &rsync_job())
        .err()
        .unwrap_or_default();
    assert_single("render_job", &errors, "image", "latest");
    let errors = crate::render_volume(&bad, &nfs_volume())
        .err()
        .unwrap_or_default();
    assert_single("render_volume", &errors, "image", "latest");
    let errors = crate::render_alert(&bad, &backup_alert())
        .err()
        .unwrap_or_default();
    assert_single("render_alert", &errors, "image", "latest");
}

#[test]
fn image_references() {
    let digest = format!("sha256:{}", "ab".repeat(32));
    let good = [
        "alpine:3.22".to_string(),
        "registry.lan:5000/backup/tools:v1.2_rc-1".to_string(),
        "localhost/tools:1.0".to_string(),
        format!("alpine@{digest}"),
        format!("ghcr.io/org/app:latest@{digest}"),
        "my__image:1-slim".to_string(),
    ];
    for image in &good {
        assert_eq!(values::image(image), Ok(()), "{image}");
    }
    let bad: [(&str, &str); 10] = [
        ("alpine", "has no tag"),
        ("alpine:3", "bare version tag"),
        ("registry.lan:5000/tools:16", "bare version tag"),
        ("alpine:latest", "floating `latest`"),
        ("registry.lan:5000/tools", "has no tag"),
        ("alpine:", "tag"),
        ("alpine:-x", "tag"),
        ("alpine@sha256:ABC", "digest"),
        ("bad host:1/app:1", "the registry"),
        ("a..b:1", "repository part"),
    ];
    for (image, words) in bad {
        match values::image(image) {
            Ok(()) => panic!("{image} accepted"),
            Err(p) => assert!(p.summary.contains(words), "{image}: {}", p.summary),
        }
    }
}

#[test]
fn urls_hosts_and_quantities() {
    for url in [
        "http://pushgateway.monitoring:9091",
        "https://user@example.org/path?q=1",
        "http://[fd00::1]:9091/x",
        "http://10.0.0.1",
    ] {
        assert_eq!(values::http_url(url), Ok(()), "{url}");
    }
    for url in [
        "http://",
        "http:///x",
        "https://exa mple.org",
        "http://a.b/\\",
        "http://a.b/'x'",
        "mailto:x@y",
    ] {
        assert!(values::http_url(url).is_err(), "{url} accepted");
    }
    for host in ["nas.lan.", "-nas", "nas_1", "a;b", "", "10.0.0.1 "] {
        assert!(values::host(host).is_err(), "{host:?} accepted");
    }
    for q in ["1..2", "-1", "1KiB", "Mi", "1e", "", ".", "1 Gi"] {
        assert!(values::quantity(q).is_err(), "{q:?} accepted");
    }
    for q in [".5", "1.", "1Ki", "2E", "1e-3", "1E+3"] {
        assert_eq!(values::quantity(q), Ok(()), "{q}");
    }
}

#[test]
fn label_keys_and_values() {
    for key in ["app", "app.kubernetes.io/name", "example.com/a_b.c-d", "A1"] {
        assert_eq!(names::label_key(key), Ok(()), "{key}");
    }
    for key in [
        "",
        "/app",
        "Example.com/app",
        "app/",
        "-app",
        "a/b/c",
        &"a".repeat(64),
    ] {
        assert!(names::label_key(key).is_err(), "{key:?} accepted");
    }
    for value in ["", "mailserver", "v1.2_3-x"] {
        assert_eq!(names::label_value(value), Ok(()), "{value:?}");
    }
    for value in ["-x", "x-", "a b", "a/b", &"a".repeat(64)] {
        assert!(names::label_value(value).is_err(), "{value:?} accepted");
    }
}

#[test]
fn subdomains_and_time_zones() {
    for name in ["mail-backup-host", "nfs.csi.k8s.io", "a"] {
        assert_eq!(names::dns_subdomain(name), Ok(()), "{name}");
    }
    for name in ["a..b", ".a", "a.", "a_b", "A", &"a".repeat(254)] {
        assert!(names::dns_subdomain(name).is_err(), "{name:?} accepted");
    }
    for tz in [
        "Local",
        "utc",
        "Europe",
        "europe/berlin",
        "Europe/Ber lin",
        "Europe//Berlin",
        "Europe/../etc",
        "Mars/Olympus",
    ] {
        assert!(values::time_zone(tz).is_err(), "{tz:?} accepted");
    }
    let typo = values::time_zone("Europe/Berln").expect_err("a typo is not a zone");
    assert!(
        typo.detail.starts_with("did you mean Europe/Berlin?"),
        "{typo:?}"
    );
}

#[test]
fn a_users_managed_by_label_is_an_error_not_overwritten() {
    let mut j = rsync_job();
    j.labels
        .insert("app.kubernetes.io/managed-by".into(), "argocd".into());
    let d = job(&Defaults::default(), &j);
    assert_single(
        "managed-by",
        &d,
        "labels[\"app.kubernetes.io/managed-by\"]",
        "would replace",
    );
    j.labels
        .insert("app.kubernetes.io/managed-by".into(), "backstop".into());
    assert_eq!(job(&Defaults::default(), &j), vec![]);
}

#[test]
fn an_alert_with_every_rule_off_is_an_error() {
    let a = BackupAlert {
        stale: false,
        never_succeeded: false,
        failed: false,
        missing: false,
        suspended: false,
        ..backup_alert()
    };
    let d = alert(&Defaults::default(), &a);
    assert_single("all off", &d, "stale", "every alert rule is turned off");
}

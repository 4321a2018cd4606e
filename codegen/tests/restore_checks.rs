//! What a drill or a restore refuses before anything reaches a cluster: names Kubernetes
//! would reject, snapshot names no backup can have written, a folder left unnamed.

use backstop_codegen::{
    render_restore, render_restore_test, restore_test_warnings, BackupJob, Defaults, Diagnostics,
    Mount, Restore, RestoreTest, Strategy,
};
use std::collections::BTreeMap;

fn job(name: &str, strategy: Strategy, folders: &[&str]) -> BackupJob {
    let mounts: BTreeMap<String, Mount> = folders
        .iter()
        .map(|folder| {
            let mount = Mount {
                path: format!("/srv/{folder}"),
                sub_path: None,
            };
            (folder.to_string(), mount)
        })
        .collect();
    BackupJob {
        name: name.into(),
        namespace: "apps".into(),
        schedule: "0 3 * * *".into(),
        strategy,
        source_claim: Some("app-data".into()),
        database: (strategy == Strategy::Sqlite).then(|| format!("/srv/{}/app.db", folders[0])),
        mounts,
        destination_claim: "app-backup-host".into(),
        ..BackupJob::default()
    }
}

/// Each diagnostic as `path: message (hint)`.
fn described(diagnostics: &Diagnostics) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| format!("{}: {} ({})", d.path, d.summary, d.detail))
        .collect()
}

fn restore_problems(job: &BackupJob, restore: Restore) -> Vec<String> {
    let restore = Restore {
        target_claim: Some("restored".into()),
        ..restore
    };
    match render_restore(&Defaults::default(), job, &restore) {
        Ok(_) => Vec::new(),
        Err(diagnostics) => described(&diagnostics),
    }
}

#[test]
fn a_drill_of_a_job_whose_drill_cronjob_name_is_too_long_is_refused_on_the_name() {
    let test = RestoreTest::default();
    let fits = job(&"a".repeat(39), Strategy::Rsync, &["data"]);
    assert!(render_restore_test(&Defaults::default(), &fits, &test).is_ok());

    // 40 to 45 characters: a valid backup (`<name>-backup` fits 52), not a valid drill.
    for length in [40, 45] {
        let long = job(&"a".repeat(length), Strategy::Rsync, &["data"]);
        let problems = match render_restore_test(&Defaults::default(), &long, &test) {
            Ok(_) => panic!("a {length}-character name renders a drill"),
            Err(diagnostics) => described(&diagnostics),
        };
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with("name: "), "{problems:?}");
        assert!(
            problems[0].contains("at most 39 characters"),
            "{problems:?}"
        );
    }
}

#[test]
fn a_snapshot_name_must_be_a_week_or_a_moment_that_exists() {
    let rsync = job("mail", Strategy::Rsync, &["data"]);
    let sqlite = job("wiki", Strategy::Sqlite, &["data"]);
    let snapshot = |name: &str| Restore {
        snapshot: Some(name.into()),
        ..Restore::default()
    };
    // 2026 starts on a Thursday, so it has an ISO week 53; 2027 does not.
    for good in ["2026-01", "2026-53", "2027-52"] {
        assert_eq!(
            restore_problems(&rsync, snapshot(good)),
            Vec::<String>::new(),
            "{good}"
        );
    }
    for bad in ["2026-00", "2026-54", "2026-99", "2027-53"] {
        let problems = restore_problems(&rsync, snapshot(bad));
        assert_eq!(problems.len(), 1, "{bad}: {problems:?}");
        assert!(
            problems[0].starts_with("restore.snapshot: ") && problems[0].contains("2026-15"),
            "{bad}: {problems:?}"
        );
        assert!(
            problems[0].contains(&format!("{bad:?} is not an rsync snapshot name")),
            "{bad}: {problems:?}"
        );
    }
    for good in ["20260406-030000", "20240229-235959"] {
        assert_eq!(
            restore_problems(&sqlite, snapshot(good)),
            Vec::<String>::new(),
            "{good}"
        );
    }
    for bad in [
        "20261399-030000",
        "20260406-256199",
        "20250229-030000",
        "20260406-030060",
    ] {
        let problems = restore_problems(&sqlite, snapshot(bad));
        assert_eq!(problems.len(), 1, "{bad}: {problems:?}");
        assert!(
            problems[0].starts_with("restore.snapshot: "),
            "{bad}: {problems:?}"
        );
    }
}

#[test]
fn an_unnamed_folder_is_asked_for_with_the_settings_to_write() {
    let two = job("mail", Strategy::Rsync, &["data", "state"]);
    let problems = restore_problems(&two, Restore::default());
    assert_eq!(
        problems,
        [
            "restore.folder: the job has several mounts, so the folder to restore must be named \
             (choose one of \"data\", \"state\": folder = \"data\")"
        ]
    );
    let problems = restore_problems(
        &two,
        Restore {
            folder: Some("logs".into()),
            ..Restore::default()
        },
    );
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].ends_with("(choose one of \"data\", \"state\": folder = \"data\")"));

    // No mounts at all is the job's own error, not a second one about the folder.
    let none = job("mail", Strategy::Rsync, &[]);
    let problems = restore_problems(&none, Restore::default());
    assert!(
        problems.iter().all(|p| !p.starts_with("restore.folder")),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|p| p.starts_with("mounts")),
        "{problems:?}"
    );
}

#[test]
fn a_default_drill_schedule_sharing_the_backups_slot_is_warned_on_schedule() {
    let drill = RestoreTest::default();
    // Backups that start at every minute of some Sunday leave the drill no free slot.
    for busy in ["* * * * *", "* * * * 0", "* * 1 * *"] {
        let every_minute = BackupJob {
            schedule: busy.into(),
            ..job("mail", Strategy::Rsync, &["data"])
        };
        let rendered = render_restore_test(&Defaults::default(), &every_minute, &drill)
            .expect("a shared slot still renders");
        let warnings = described(&restore_test_warnings(&every_minute, &drill));
        assert_eq!(warnings.len(), 1, "{busy}: {warnings:?}");
        assert!(
            warnings[0].starts_with(&format!(
                "restore_test.schedule: the backup's schedule {busy:?} starts a run at every minute of a Sunday, so the drill's default schedule {:?} shares a slot",
                rendered.schedule
            )),
            "{busy}: {warnings:?}"
        );
        assert!(
            warnings[0].contains("set the drill's `schedule` to a time the backup does not start"),
            "{warnings:?}"
        );
        // An explicit schedule is the user's choice: nothing to warn about.
        let chosen = RestoreTest {
            schedule: Some(rendered.schedule.clone()),
            ..RestoreTest::default()
        };
        assert_eq!(
            restore_test_warnings(&every_minute, &chosen),
            Diagnostics::new()
        );
    }
    // A free minute anywhere on Sunday is taken without a warning.
    for free in ["0 3 * * *", "*/2 * * * *", "* * * * 1-6"] {
        let backup = BackupJob {
            schedule: free.into(),
            ..job("mail", Strategy::Rsync, &["data"])
        };
        assert_eq!(
            restore_test_warnings(&backup, &drill),
            Diagnostics::new(),
            "{free}"
        );
    }
}

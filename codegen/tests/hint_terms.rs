//! The core's diagnostics reach both spec users (`backstop render`) and Terraform users
//! (the provider), whose blocks are named differently (`backup_job` / `backstop_backup_job`).
//! A message naming a block must name both forms or neither (a neutral "backup job").

use backstop_codegen::{
    render_restore_test, schema, validate, BackupAlert, BackupJob, Defaults, Diagnostics,
    RestoreTest, Strategy,
};

/// The block types of the spec language, from the core's tables; `restore` is left out,
/// as it is also the English word.
fn block_types() -> Vec<&'static str> {
    [
        schema::backup_job(),
        schema::nfs_backup_volume(),
        schema::backup_alert(),
        schema::restore_test(),
        schema::restore(),
    ]
    .iter()
    .map(|table| table.block_type)
    .filter(|block| block.contains('_'))
    .collect()
}

/// Whether `text` names `block` in its spec form (a word of its own, not the tail of
/// `backstop_<block>` nor the head of a longer name like `restore_test_schedule`) without
/// also naming the Terraform form.
fn spec_only(text: &str, block: &str) -> bool {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let spec_form = text.match_indices(block).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + block.len()..].chars().next();
        !before.is_some_and(word) && !after.is_some_and(word)
    });
    spec_form && !text.contains(&format!("backstop_{block}"))
}

fn offending(diagnostics: &Diagnostics) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| format!("{} ({})", d.summary, d.detail))
        .filter(|text| block_types().iter().any(|block| spec_only(text, block)))
        .collect()
}

#[test]
fn the_test_recognises_spec_only_wording() {
    assert!(spec_only(
        "remove restore_test from command jobs",
        "restore_test"
    ));
    assert!(spec_only("e.g. backup_job.<id>.schedule", "backup_job"));
    assert!(!spec_only("set restore_test_schedule", "restore_test"));
    assert!(!spec_only(
        "a backstop_restore_test or a restore_test block",
        "restore_test"
    ));
}

#[test]
fn no_diagnostic_names_a_block_in_spec_terms_only() {
    let defaults = Defaults::default();
    let mut found = Diagnostics::new();
    // Every required attribute missing, then the claims of a job that backs up into itself.
    found.extend(validate::job(&defaults, &BackupJob::default()));
    found.extend(validate::job(
        &defaults,
        &BackupJob {
            source_claim: Some("data".into()),
            destination_claim: "data".into(),
            ..BackupJob::default()
        },
    ));
    found.extend(validate::alert(&defaults, &BackupAlert::default()));
    found.extend(validate::volume(&defaults, &Default::default()));
    let command = BackupJob {
        name: "tool".into(),
        namespace: "apps".into(),
        schedule: "0 3 * * *".into(),
        strategy: Strategy::Command,
        command: Some("tar cf - /srv".into()),
        destination_claim: "tool-backup-host".into(),
        ..BackupJob::default()
    };
    found.extend(
        render_restore_test(&defaults, &command, &RestoreTest::default())
            .err()
            .unwrap_or_default(),
    );
    assert!(
        found.iter().any(|d| d.summary.contains("command strategy")),
        "the command job's drill must be refused: {found:?}"
    );
    assert_eq!(offending(&found), Vec::<String>::new());
}

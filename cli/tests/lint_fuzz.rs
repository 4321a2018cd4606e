//! Random and mutated HCL fed to the scanner: it must never panic and never hang. Each
//! case runs the real binary on a one-stack repository under a wall-clock limit, so a hang
//! is a failure (the process is killed), not a stuck test run.

use proptest::prelude::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const LIMIT: Duration = Duration::from_secs(10);

fn corpus_files() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lint/corpus/stacks");
    let mut texts = Vec::new();
    let mut dirs = vec![root];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if let Ok(text) = std::fs::read_to_string(&path) {
                texts.push(text);
            }
        }
    }
    texts.sort();
    texts
}

/// Runs `backstop lint` on a repository whose only stack holds `text` as main.tf (and as
/// values.yaml, for the YAML scanners). Returns the exit code and stderr.
fn lint_text(dir: &Path, text: &str) -> (Option<i32>, String) {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir.join("stacks/app")).expect("mkdir");
    std::fs::create_dir_all(dir.join(".git")).expect("mkdir");
    std::fs::write(dir.join("stacks/app/main.tf"), text).expect("write");
    std::fs::write(dir.join("stacks/app/values.yaml"), text).expect("write");
    let mut child = Command::new(env!("CARGO_BIN_EXE_backstop"))
        .args(["lint", "--format", "json"])
        .arg(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn backstop");
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            let mut stderr = String::new();
            if let Some(mut pipe) = child.stderr.take() {
                let _ = std::io::Read::read_to_string(&mut pipe, &mut stderr);
            }
            return (status.code(), stderr);
        }
        if start.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("backstop lint hung for more than {LIMIT:?} on:\n{text}");
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn scratch(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("backstop-fuzz-{name}-{}", std::process::id()))
}

fn assert_survives(dir: &Path, text: &str) -> Result<(), TestCaseError> {
    let (code, stderr) = lint_text(dir, text);
    prop_assert!(
        !stderr.contains("panicked"),
        "panic on input:\n{text}\n{stderr}"
    );
    prop_assert!(
        matches!(code, Some(0..=2)),
        "exit {code:?} (signal?) on input:\n{text}\n{stderr}"
    );
    Ok(())
}

/// Fragments of the HCL the scanner reads, so random text reaches deep into it.
const FRAGMENTS: [&str; 24] = [
    "resource \"kubernetes_persistent_volume_claim_v1\" \"d\" {\n",
    "resource \"kubernetes_cron_job_v1\" \"b\" {\n",
    "module \"m\" {\n source = \"./\"\n",
    "module \"n\" {\n source = \"../../modules/kubernetes/nfs_volume\"\n",
    "metadata {\n name = \"x\"\n",
    "spec {\n storage_class_name = \"proxmox-lvm\"\n",
    "}\n",
    "{",
    "}",
    "\"${var.x}\"",
    "local.a",
    "locals {\n a = local.a\n}\n",
    "for_each = toset([\"a\", \"b\"])\n",
    "count = 1000000\n",
    "<<EOT\n- alert: XNeverSucceeded\n  expr: x{cronjob=\"a\"} == 0\nEOT\n",
    "values = [yamlencode({ storageClass = \"proxmox-lvm\" })]\n",
    "templatefile(\"${path.module}/values.yaml\", {})",
    "# backstop:ignore BS001 reason\n",
    "schedule = \"*/0 * * * *\"\n",
    "claim_name = kubernetes_persistent_volume_claim_v1.d.metadata[0].name\n",
    "[for x in y : x]",
    "\u{feff}\u{0}\u{7f}é",
    "%{ if true }x%{ endif }",
    "= = =",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_text_never_panics_or_hangs(text in "\\PC{0,400}") {
        assert_survives(&scratch("random"), &text)?;
    }

    #[test]
    fn random_fragment_sequences_never_panic_or_hang(picks in prop::collection::vec(0usize..FRAGMENTS.len(), 0..40)) {
        let text: String = picks.iter().map(|&i| FRAGMENTS[i]).collect();
        assert_survives(&scratch("fragments"), &text)?;
    }

    #[test]
    fn mutated_corpus_files_never_panic_or_hang(
        file in any::<prop::sample::Index>(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), 0usize..40, 0usize..FRAGMENTS.len(), 0u8..3), 1..6),
    ) {
        let files = corpus_files();
        let mut text: Vec<char> = file.get(&files).chars().collect();
        for (at, len, fragment, kind) in edits {
            let start = if text.is_empty() { 0 } else { at.index(text.len()) };
            let end = (start + len).min(text.len());
            match kind {
                0 => { text.drain(start..end); }
                1 => { text.splice(start..start, FRAGMENTS[fragment].chars()); }
                _ => { let copy: Vec<char> = text[start..end].to_vec(); text.splice(end..end, copy); }
            }
        }
        assert_survives(&scratch("mutated"), &text.into_iter().collect::<String>())?;
    }
}

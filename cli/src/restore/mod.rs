//! `backstop restore SPEC --job NAME [--snapshot ID] [--target-claim C] [--overwrite]`:
//! the restore Job of one backup job of a spec, printed or written to `--out DIR`: files
//! (rsync, sqlite) into a target claim, dumps (pg_dumpall, mysqldump) replayed into the
//! job's database server. The
//! spec's `restore` block for that job, if any, gives the settings; each flag overrides
//! its attribute. The spec is read exactly as `backstop render` reads it: an invalid spec
//! exits 1 with every error located; a wrong command line (an unknown job, a bad flag
//! value, a missing target claim) exits 2.

use crate::render::objects::{self, Rendered};
use crate::render::{load_and_render, output, report, Format};
use crate::spec::{Object, Owner, Spec, SpecObject};
use backstop_codegen::{BackupJob, Diagnostic, PathStep, Restore};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
#[command(
    about = "Print the restore Job of one backup job of a spec",
    long_about = "Print the restore Job of one backup job of a `backstop render` spec.\n\n\
The Job restores a snapshot of the job (default: the newest complete one) into the target\n\
claim: the backup claim is mounted read-only, the data is restored into a staging folder,\n\
verified against the snapshot's manifest, and only then swapped in. A non-empty target is\n\
refused unless --overwrite is given; then the old content is kept aside until the\n\
restored data verified.\n\n\
The spec's `restore` block naming the job, if there is one, gives the settings; each flag\n\
overrides its attribute.\n\n\
A pg_dumpall or mysqldump job's dump is verified against its manifest, then replayed with\n\
psql / mysql into the job's database server (its host and user, the password from its\n\
Secret), into databases that do not exist there yet: no target claim.\n\n\
Exit codes: 0 printed, 1 the spec is invalid (every error printed as FILE:LINE:COL),\n\
2 a wrong command line (unknown job, bad flag value, no target claim for files).",
    after_help = "Examples:\n  backstop restore examples/render/restore.hcl --job vaultwarden --target-claim vaultwarden-data-restored\n  backstop restore spec.hcl --job mailserver --folder data --snapshot 2026-15 --target-claim mail-new --out k8s/\n  backstop restore spec.hcl --job app-db --snapshot backup-20260406-030000.sql.gz"
)]
pub struct Args {
    /// The spec file holding the backup job.
    #[arg(value_name = "FILE.hcl")]
    pub file: PathBuf,
    /// The backup_job to restore: its block id (or its name).
    #[arg(long, value_name = "NAME")]
    pub job: String,
    /// The snapshot to restore (rsync `2026-15`, sqlite `20260406-030000`, dumps
    /// `backup-20260406-030000.sql.gz`); default the newest complete one.
    #[arg(long, value_name = "ID")]
    pub snapshot: Option<String>,
    /// rsync: the snapshot folder (a key of the job's mounts); default the only one.
    #[arg(long, value_name = "FOLDER")]
    pub folder: Option<String>,
    /// The claim to restore into (rsync and sqlite; a dump goes to the job's server).
    #[arg(long, value_name = "CLAIM")]
    pub target_claim: Option<String>,
    /// The folder inside the target claim that receives the data.
    #[arg(long, value_name = "PATH")]
    pub target_path: Option<String>,
    /// Replace a non-empty target (its old content is kept aside until the restored data
    /// verified).
    #[arg(long)]
    pub overwrite: bool,
    /// Output format.
    #[arg(long, value_enum, default_value = "yaml")]
    pub format: Format,
    /// Write the Job to DIR/job-<name>.<yaml|json|tf> instead of printing it.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// A command line that asks for something the spec cannot give.
struct Usage {
    summary: String,
    hint: String,
}

pub fn run(args: Args) -> ExitCode {
    let (spec, _) = match load_and_render(&args.file) {
        Ok(loaded) => loaded,
        Err(errors) => return report(&args.file, &errors),
    };
    let outcome = restore_job(&spec, &args);
    let rendered = match outcome {
        Ok(rendered) => rendered,
        Err(Failure::Spec(errors)) => return report(&args.file, &errors),
        Err(Failure::Usage(usage)) => {
            eprintln!("error: {}\n  hint: {}", usage.summary, usage.hint);
            return ExitCode::from(2);
        }
    };
    let written = match &args.out {
        None => output::print(std::slice::from_ref(&rendered), args.format)
            .map_err(|e| format!("cannot write to stdout: {e}")),
        Some(dir) => output::write_dir(std::slice::from_ref(&rendered), args.format, dir),
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

enum Failure {
    Spec(Vec<crate::spec::SpecError>),
    Usage(Usage),
}

fn restore_job(spec: &Spec, args: &Args) -> Result<Rendered, Failure> {
    let (id, job) = find_job(spec, &args.job).map_err(Failure::Usage)?;
    let blocks: Vec<&SpecObject> = spec
        .objects
        .iter()
        .filter(|o| matches!(&o.object, Object::Restore { job, .. } if job == id))
        .collect();
    let block = match blocks.as_slice() {
        [] => None,
        [block] => Some(*block),
        several => {
            let ids: Vec<String> = several
                .iter()
                .map(|o| format!("restore \"{}\"", o.id))
                .collect();
            return Err(Failure::Usage(Usage {
                summary: format!("several restore blocks name backup_job \"{id}\": {}", ids.join(", ")),
                hint: "keep one restore block per job in this spec, or restore from a spec without them and pass the settings as flags".to_string(),
            }));
        }
    };
    let mut restore = match block.map(|b| &b.object) {
        Some(Object::Restore { restore, .. }) => restore.clone(),
        _ => Restore::default(),
    };
    override_with_flags(&mut restore, args);
    objects::restore_job(&spec.defaults, job, &restore).map_err(|diagnostics| {
        // A value that came from a flag is a usage error; one from the block is the spec's.
        let from_flag = diagnostics
            .iter()
            .find(|d| flag_of(d).is_some_and(|flag| flag_given(args, flag)));
        match (from_flag, block) {
            (None, Some(block)) => Failure::Spec(
                diagnostics
                    .iter()
                    .map(|d| spec.locate(Owner::Object(block), d))
                    .collect(),
            ),
            (Some(diagnostic), _) => Failure::Usage(usage(diagnostic)),
            // Without a block every setting came from the command line (or is missing there).
            (None, None) => Failure::Usage(diagnostics.first().map_or_else(
                || Usage {
                    summary: "the restore could not be rendered".to_string(),
                    hint: String::new(),
                },
                usage,
            )),
        }
    })
}

fn override_with_flags(restore: &mut Restore, args: &Args) {
    let set = |slot: &mut Option<String>, flag: &Option<String>| {
        if flag.is_some() {
            slot.clone_from(flag);
        }
    };
    set(&mut restore.snapshot, &args.snapshot);
    set(&mut restore.folder, &args.folder);
    set(&mut restore.target_claim, &args.target_claim);
    set(&mut restore.target_path, &args.target_path);
    restore.overwrite |= args.overwrite;
}

/// The flag that sets the attribute a diagnostic is on.
fn flag_of(diagnostic: &Diagnostic) -> Option<&'static str> {
    match diagnostic.path.0.first() {
        Some(PathStep::Attr(attribute)) => match attribute.as_str() {
            "snapshot" => Some("--snapshot"),
            "folder" => Some("--folder"),
            "target_claim" => Some("--target-claim"),
            "target_path" => Some("--target-path"),
            "overwrite" => Some("--overwrite"),
            _ => None,
        },
        _ => None,
    }
}

fn flag_given(args: &Args, flag: &str) -> bool {
    match flag {
        "--snapshot" => args.snapshot.is_some(),
        "--folder" => args.folder.is_some(),
        "--target-claim" => args.target_claim.is_some(),
        "--target-path" => args.target_path.is_some(),
        "--overwrite" => args.overwrite,
        _ => false,
    }
}

fn usage(diagnostic: &Diagnostic) -> Usage {
    match flag_of(diagnostic) {
        Some("--target-claim") if diagnostic.summary == objects::NO_TARGET => Usage {
            summary: "no claim to restore into".to_string(),
            hint: "pass --target-claim CLAIM (a non-empty target is refused unless --overwrite)"
                .to_string(),
        },
        Some(flag) => Usage {
            summary: format!("{flag}: {}", diagnostic.summary),
            hint: diagnostic
                .detail
                .replace("write ", &format!("pass {flag} ")),
        },
        None => Usage {
            summary: diagnostic.summary.clone(),
            hint: diagnostic.detail.clone(),
        },
    }
}

/// The job named `name`: a backup_job block id, else a job's `name`.
fn find_job<'a>(spec: &'a Spec, name: &str) -> Result<(&'a str, &'a BackupJob), Usage> {
    let jobs: Vec<(&str, &BackupJob)> = spec
        .objects
        .iter()
        .filter_map(|o| match &o.object {
            Object::Job(job) => Some((o.id.as_str(), job.as_ref())),
            _ => None,
        })
        .collect();
    let by_id = jobs.iter().find(|(id, _)| *id == name);
    let by_name = || jobs.iter().find(|(_, job)| job.name == name);
    if let Some(found) = by_id.or_else(by_name) {
        return Ok(*found);
    }
    let ids: Vec<&str> = jobs.iter().map(|(id, _)| *id).collect();
    let hint = match crate::spec::did_you_mean(name, ids.iter().copied()) {
        Some(close) => format!("did you mean --job {close}?"),
        None if ids.is_empty() => format!("{} declares no backup_job", spec.source.path.display()),
        None => format!("the spec's backup jobs are {}", ids.join(", ")),
    };
    Err(Usage {
        summary: format!(
            "there is no backup_job \"{name}\" in {}",
            spec.source.path.display()
        ),
        hint,
    })
}

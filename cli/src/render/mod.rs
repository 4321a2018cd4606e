//! `backstop render FILE.hcl [--format yaml|json|hcl] [--out DIR]`: renders every object
//! of a spec through `backstop_codegen::render_*`. Nothing is printed or written unless
//! every object rendered: any error prints every diagnostic and exits 1.

mod consistency;
pub(crate) mod objects;
pub(crate) mod output;

use crate::exit::Exit;
use backstop_lint::output::counted;
use backstop_spec::{self as spec, Owner, SourceFile, SpecError};
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Kubernetes manifests as one multi-document YAML stream.
    Yaml,
    /// Kubernetes manifests as one JSON array.
    Json,
    /// Terraform for the hashicorp/kubernetes provider: typed resources for the PV, PVC,
    /// each job's settings ConfigMap, the CronJobs and the restore Job, a
    /// kubernetes_manifest for the PrometheusRule.
    Hcl,
}

#[derive(clap::Args)]
#[command(
    about = "Render the backup objects declared in a standalone HCL spec",
    long_about = "Render the backup objects declared in a standalone HCL spec.\n\n\
The spec holds an optional `backstop { }` block of defaults and any number of\n\
`nfs_backup_volume \"ID\" { }`, `backup_job \"ID\" { }` and `backup_alert \"ID\" { }` blocks,\n\
with the same attributes as the Terraform provider's resources, and `restore_test \"ID\" { }`\n\
(a job's drill CronJob) and `restore \"ID\" { }` (a restore Job) blocks naming their job as\n\
`job = backup_job.X`. A block's `name`\n\
defaults to its ID; values may refer to other objects, e.g.\n\
`destination_claim = nfs_backup_volume.mail.claim_name` or\n\
`schedule = backup_job.mail.schedule`.\n\n\
A backup job renders two objects, its settings ConfigMap `<name>-backup-settings` (which
its container reads with `envFrom`) and then its CronJob: apply them together.

Every object is validated first. On any error, each one is printed as\n\
FILE:LINE:COL with the attribute and a hint, nothing is written, and the exit code is 1\n\
(2 for a wrong command line).",
    after_help = "Examples:\n  backstop render examples/render/mailserver.hcl\n  backstop render spec.hcl --format hcl --out k8s/"
)]
pub struct Args {
    /// The spec file to render.
    #[arg(value_name = "FILE.hcl")]
    pub file: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "yaml")]
    pub format: Format,
    /// Write one file per object, named <kind>-<name>.<yaml|json|tf>, into DIR instead of
    /// printing to stdout. Files appear only once every object rendered.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

pub fn run(args: Args) -> Exit {
    match render(&args) {
        Ok(()) => Exit::Success,
        Err(errors) => report(&args.file, &errors),
    }
}

/// Prints every error of the spec at `file`; exit code 1.
pub(crate) fn report(file: &Path, errors: &[SpecError]) -> Exit {
    for error in errors {
        eprintln!("{error}");
    }
    eprintln!(
        "error: {} in {}; nothing was rendered",
        counted(errors.len(), "problem"),
        file.display()
    );
    Exit::Failure
}

fn render(args: &Args) -> Result<(), Vec<SpecError>> {
    let (spec, rendered) = load_and_render(&args.file)?;
    for (owner, warning) in objects::warnings(&spec) {
        eprintln!(
            "{}",
            spec.locate(owner.resolve(&spec), &warning).as_warning()
        );
    }
    let io_error = |summary: String| {
        vec![SpecError {
            file: args.file.clone(),
            line: 0,
            column: 0,
            summary,
            address: None,
            hint: None,
        }]
    };
    match &args.out {
        None => output::print(&rendered, args.format)
            .map_err(|e| io_error(format!("cannot write to stdout: {e}"))),
        Some(dir) => output::write_dir(&rendered, args.format, dir).map_err(io_error),
    }
}

/// Reads the spec at `file` and renders every object of it; on any error, every error,
/// located. `backstop restore` reads a spec the same way, so it accepts exactly the specs
/// `render` accepts.
pub(crate) fn load_and_render(
    file: &Path,
) -> Result<(spec::Spec, Vec<objects::Rendered>), Vec<SpecError>> {
    let text = std::fs::read_to_string(file).map_err(|e| {
        vec![SpecError {
            file: file.to_path_buf(),
            line: 0,
            column: 0,
            summary: format!("cannot read the spec: {e}"),
            address: None,
            hint: Some("check the path and that the file is readable UTF-8 text".to_string()),
        }]
    })?;
    let loaded = spec::load(SourceFile::new(file, text))?;
    let spec = loaded.spec;
    let mut errors = loaded.errors;
    // Objects that could not be read are left out; the others are still validated so
    // that one run reports every error. Incomplete defaults would only add noise.
    let rendered = if loaded.defaults_complete {
        objects::render_all(&spec)
    } else {
        Ok(Vec::new())
    };
    let rendered = match rendered {
        Ok(rendered) if errors.is_empty() => rendered,
        Ok(_) => Vec::new(),
        Err(located) => {
            errors.extend(
                located
                    .into_iter()
                    .map(|(owner, diagnostic)| spec.locate(owner.resolve(&spec), &diagnostic)),
            );
            Vec::new()
        }
    };
    if !errors.is_empty() {
        errors.sort_by_key(|e| (e.line, e.column));
        return Err(errors);
    }
    Ok((spec, rendered))
}

impl objects::OwnerIndex {
    fn resolve<'a>(&self, spec: &'a spec::Spec) -> Owner<'a> {
        match self {
            objects::OwnerIndex::Defaults => Owner::Defaults,
            objects::OwnerIndex::Object(i) => {
                spec.objects.get(*i).map_or(Owner::Defaults, Owner::Object)
            }
        }
    }
}

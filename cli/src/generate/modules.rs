//! `backstop generate modules [--check]`: the generated parts of `modules/`: the README of
//! every module (inputs and outputs read from its `.tf` files) and the typed-`kubernetes`
//! variants emitted by the rendering core. `--check` exits 1 when any is stale (CI).

mod kubernetes;
mod readme;
mod sentinel;
mod tf_align;

use super::output::GeneratedTree;
use crate::exit::Exit;
use std::fs;
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct Args {
    /// Compare modules/ with what would be generated and exit 1 if it is stale; write nothing.
    #[arg(long)]
    check: bool,
    /// The repository root holding modules/.
    #[arg(long, default_value = ".")]
    dir: PathBuf,
}

pub fn run(args: Args) -> Exit {
    match tree(&args.dir.join("modules")) {
        Ok(tree) => tree.finish(args.check, "backstop generate modules"),
        Err(e) => {
            eprintln!("error: {e}");
            Exit::Failure
        }
    }
}

fn tree(modules: &Path) -> Result<GeneratedTree, String> {
    let mut tree = GeneratedTree::new(modules);
    let variants = kubernetes::variants()?;
    for variant in &variants {
        tree.own_dir(variant.dir);
        let sources = readme::ModuleSources {
            main_tf: &variant.main_tf,
            variables_tf: &variant.variables_tf,
            outputs_tf: variant.outputs_tf,
        };
        let dir = Path::new(variant.dir);
        tree.add(
            dir.join("README.md"),
            readme::render(variant.dir, &sources)?,
        );
        tree.add(dir.join("main.tf"), variant.main_tf.clone());
        tree.add(dir.join("variables.tf"), variant.variables_tf.clone());
        tree.add(dir.join("outputs.tf"), variant.outputs_tf.to_string());
        tree.add(dir.join("versions.tf"), kubernetes::VERSIONS_TF.to_string());
    }
    for name in hand_written_modules(modules, &variants)? {
        let read = |file: &str| {
            let path = modules.join(&name).join(file);
            fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))
        };
        let (main_tf, variables_tf, outputs_tf) =
            (read("main.tf")?, read("variables.tf")?, read("outputs.tf")?);
        let sources = readme::ModuleSources {
            main_tf: &main_tf,
            variables_tf: &variables_tf,
            outputs_tf: &outputs_tf,
        };
        tree.add(
            Path::new(&name).join("README.md"),
            readme::render(&name, &sources)?,
        );
    }
    Ok(tree)
}

/// Folders of `modules/` holding a `main.tf` that no generator writes.
fn hand_written_modules(
    modules: &Path,
    variants: &[kubernetes::Variant],
) -> Result<Vec<String>, String> {
    let entries = fs::read_dir(modules).map_err(|e| format!("{}: {e}", modules.display()))?;
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("{}: {e}", modules.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.path().join("main.tf").is_file() && !variants.iter().any(|v| v.dir == name) {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

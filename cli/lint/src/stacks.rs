//! Which folders are stacks, read the way Terraform and Terragrunt read a repository:
//! - a Terragrunt unit is a folder whose `terragrunt.hcl` (its includes merged) has a
//!   `terraform { source }` or `generate` blocks writing `.tf`, or sits beside `.tf` files;
//!   a configuration another one includes is shared configuration, not a unit;
//! - a Terraform root module is a folder of `.tf` files that declares resources or module
//!   calls and that no other folder (nor a unit's source) calls as a module, whatever the
//!   folders are named; folders below a `modules` folder are modules (except examples).
//!   Root modules nested in other stacks' folders are stacks of their own.
//!
//! `backstop.toml` globs add (`stacks`) and remove (`exclude`) folders where these rules
//! get a repository wrong; a folder named on the command line is always linted.

use super::discover::Repo;
use super::eval::{Scope, Val};
use super::model::Loc;
use super::source::SourceFile;
use super::terragrunt::{self, ModuleSource, UnitConfig};
use globset::GlobSet;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum StackKind {
    #[default]
    Terraform,
    Terragrunt,
}

impl StackKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StackKind::Terraform => "terraform",
            StackKind::Terragrunt => "terragrunt",
        }
    }
}

/// How one stack is read: its root module's folder and files, and its variables.
#[derive(Debug, Clone)]
pub struct StackPlan {
    pub dir: PathBuf,
    pub kind: StackKind,
    /// The root module's folder: a unit's source, else the stack's own folder.
    pub module_dir: PathBuf,
    /// The root module's files: the folder's `.tf`, a unit's own `.tf` and generated files.
    pub files: Vec<usize>,
    /// Terragrunt configuration files read for the unit (its own and its includes).
    pub config_files: Vec<usize>,
    /// Root module variables: Terragrunt inputs, then `terraform.tfvars`, `*.auto.tfvars`.
    pub inputs: Vec<(String, Val)>,
    /// What could not be read for it: where, and why.
    pub unread: Vec<(Loc, String)>,
}

/// Stack selection beyond the rules: `backstop.toml` globs and the command line.
#[derive(Default)]
pub struct Selection {
    pub include: Option<GlobSet>,
    pub exclude: Option<GlobSet>,
    /// Folders named on the command line: linted as stacks when no stack is at or below.
    pub explicit: Vec<PathBuf>,
}

/// Finds the stacks of `repo`; generated `.tf` files are added to `repo.files`.
pub fn plan(repo: &mut Repo, selection: &Selection) -> Vec<StackPlan> {
    let configs: Vec<(PathBuf, usize)> = repo
        .files
        .iter()
        .enumerate()
        .filter(|(_, f)| {
            f.path
                .file_name()
                .is_some_and(|n| n == terragrunt::CONFIG_NAME)
        })
        .filter_map(|(i, f)| Some((f.path.parent()?.to_path_buf(), i)))
        .collect();
    let units: Vec<(PathBuf, usize, UnitConfig)> = configs
        .iter()
        .map(|(dir, file)| (dir.clone(), *file, terragrunt::read_unit(repo, dir, *file)))
        .collect();
    let included: BTreeSet<usize> = units
        .iter()
        .flat_map(|(_, _, unit)| unit.files.iter().skip(1).copied())
        .collect();
    let mut plans = Vec::new();
    for (dir, file, unit) in units {
        let parsed = matches!(repo.files[file].hcl, Some(Ok(_)));
        let writes_tf = unit.generates.iter().any(|g| g.path.ends_with(".tf"));
        let is_unit = !included.contains(&file)
            && (unit.source.is_some() || writes_tf || has_tf(repo, &dir) || !parsed);
        if is_unit {
            plans.push(unit_plan(repo, &dir, unit));
        }
    }
    let called = called_modules(repo, &plans);
    let unit_dirs: BTreeSet<PathBuf> = plans.iter().map(|p| p.dir.clone()).collect();
    let config_dirs: BTreeSet<PathBuf> = configs.iter().map(|(d, _)| d.clone()).collect();
    for dir in repo.hcl_by_dir.keys() {
        let root = has_tf(repo, dir)
            && declares_something(repo, dir)
            && !called.contains(dir)
            && !unit_dirs.contains(dir)
            && !config_dirs.contains(dir)
            && !is_module_folder(&repo.root, dir);
        if root {
            plans.push(terraform_plan(repo, dir));
        }
    }
    select(repo, plans, selection, &unit_dirs)
}

fn select(
    repo: &mut Repo,
    mut plans: Vec<StackPlan>,
    selection: &Selection,
    unit_dirs: &BTreeSet<PathBuf>,
) -> Vec<StackPlan> {
    let mut wanted: Vec<PathBuf> = Vec::new();
    if let Some(include) = &selection.include {
        wanted.extend(
            repo.hcl_by_dir
                .keys()
                .filter(|dir| include.is_match(repo.rel_dir(dir)))
                .cloned(),
        );
    }
    // A folder named on the command line that deploys something is linted as a stack even
    // when discovery takes it for a module (the user asked for it).
    for dir in &selection.explicit {
        if has_tf(repo, dir) && declares_something(repo, dir) {
            wanted.push(dir.clone());
        }
    }
    for dir in wanted {
        if plans.iter().any(|p| p.dir == dir) {
            continue;
        }
        let config = dir.join(terragrunt::CONFIG_NAME);
        match repo.by_path.get(&config).copied() {
            Some(file) if !unit_dirs.contains(&dir) => {
                let unit = terragrunt::read_unit(repo, &dir, file);
                plans.push(unit_plan(repo, &dir, unit));
            }
            _ if has_tf(repo, &dir) => plans.push(terraform_plan(repo, &dir)),
            _ => {}
        }
    }
    // Excluded folders are never stacks, whatever else selected them.
    if let Some(exclude) = &selection.exclude {
        plans.retain(|p| !exclude.is_match(repo.rel_dir(&p.dir)));
    }
    plans.sort_by(|a, b| a.dir.cmp(&b.dir));
    plans
}

fn has_tf(repo: &Repo, dir: &Path) -> bool {
    tf_files(repo, dir).next().is_some()
}

fn tf_files<'a>(repo: &'a Repo, dir: &Path) -> impl Iterator<Item = usize> + 'a {
    repo.hcl_by_dir
        .get(dir)
        .into_iter()
        .flatten()
        .copied()
        .filter(|&i| repo.files[i].rel.ends_with(".tf"))
}

/// A root module that declares no resource and calls no module (a template copied by a
/// script, a folder of shared variable definitions) deploys nothing: not a stack. A file
/// that does not parse might declare anything, so it keeps the folder a stack.
fn declares_something(repo: &Repo, dir: &Path) -> bool {
    tf_files(repo, dir).any(|i| match &repo.files[i].hcl {
        Some(Ok(blocks)) => blocks
            .iter()
            .any(|b| b.kind == "resource" || b.kind == "module"),
        _ => true,
    })
}

/// Below a `modules` folder (and not in an `examples` folder below it): a module by the
/// convention every registry module follows, even when nothing in the repository calls it.
fn is_module_folder(root: &Path, dir: &Path) -> bool {
    let Ok(rel) = dir.strip_prefix(root) else {
        return false;
    };
    let names: Vec<&std::ffi::OsStr> = rel
        .components()
        .filter_map(|c| match c {
            Component::Normal(name) => Some(name),
            _ => None,
        })
        .collect();
    let after_examples = names
        .iter()
        .rposition(|n| *n == "examples" || *n == "example")
        .map_or(0, |i| i + 1);
    names[after_examples..].iter().any(|n| *n == "modules")
}

/// Every folder called as a module: local `module` sources of every folder (generated
/// ones included) and every unit's source.
fn called_modules(repo: &Repo, plans: &[StackPlan]) -> BTreeSet<PathBuf> {
    let mut called: BTreeSet<PathBuf> = plans
        .iter()
        .filter(|p| p.module_dir != p.dir)
        .map(|p| p.module_dir.clone())
        .collect();
    let mut add_calls = |dir: &Path, files: &[usize]| {
        let scope = Scope {
            repo,
            dir: dir.to_path_buf(),
            vars: Default::default(),
            files: Some(files.to_vec()),
        };
        let env = scope.env();
        for block in scope.blocks().filter(|b| b.kind == "module") {
            let source = block.attr("source").and_then(|a| env.string(&a.value).ok());
            if let Some(ModuleSource::Local(target)) =
                source.map(|s| terragrunt::module_source(dir, &s))
            {
                if target != dir {
                    called.insert(target);
                }
            }
        }
    };
    let dirs: BTreeMap<PathBuf, Vec<usize>> = repo
        .hcl_by_dir
        .keys()
        .map(|dir| (dir.clone(), tf_files(repo, dir).collect()))
        .collect();
    for (dir, files) in &dirs {
        add_calls(dir, files);
    }
    for plan in plans.iter().filter(|p| p.kind == StackKind::Terragrunt) {
        add_calls(&plan.module_dir, &plan.files);
    }
    called
}

fn terraform_plan(repo: &Repo, dir: &Path) -> StackPlan {
    let files: Vec<usize> = tf_files(repo, dir).collect();
    StackPlan {
        dir: dir.to_path_buf(),
        kind: StackKind::Terraform,
        module_dir: dir.to_path_buf(),
        inputs: tfvars(repo, dir, Vec::new()),
        files,
        config_files: Vec::new(),
        unread: Vec::new(),
    }
}

fn unit_plan(repo: &mut Repo, dir: &Path, unit: UnitConfig) -> StackPlan {
    let mut unread = unit.unread.clone();
    let mut module_dir = dir.to_path_buf();
    if let Some((source, loc)) = &unit.source {
        match source {
            Val::Str(source) => match terragrunt::module_source(dir, source) {
                ModuleSource::Local(target) if has_tf(repo, &target) => module_dir = target,
                ModuleSource::Local(target) => unread.push((
                    loc.clone(),
                    format!(
                        "terraform source {source} ({}) has no .tf files",
                        repo.rel_dir(&target)
                    ),
                )),
                ModuleSource::Remote(address) => unread.push((
                    loc.clone(),
                    format!("terraform source {address} is remote; the linter reads only this repository"),
                )),
            },
            Val::Unknown(why) => unread.push((
                loc.clone(),
                format!("terraform source is not static ({why})"),
            )),
            _ => unread.push((loc.clone(), "terraform source is not a string".into())),
        }
    }
    let mut files: Vec<usize> = tf_files(repo, &module_dir).collect();
    if module_dir != dir {
        files.extend(tf_files(repo, dir));
    }
    for generate in unit.generates.iter().filter(|g| g.path.ends_with(".tf")) {
        let path = dir.join(&generate.path);
        let rel = format!(
            "{} (generate \"{}\" in {})",
            super::discover::relative(&repo.root, &path),
            generate.name,
            repo.files[generate.loc.file].rel
        );
        let mut file = SourceFile::new(path, rel, generate.contents.clone());
        file.generated = true;
        if let Some(Err(error)) = &file.hcl {
            unread.push((
                generate.loc.clone(),
                format!(
                    "generate \"{}\" writes text that does not parse as HCL once its unknown values are left out ({})",
                    generate.name, error.message
                ),
            ));
        }
        repo.files.push(file);
        files.push(repo.files.len() - 1);
    }
    let inputs = tfvars(repo, dir, unit.inputs.clone());
    StackPlan {
        dir: dir.to_path_buf(),
        kind: StackKind::Terragrunt,
        module_dir,
        files,
        config_files: unit.files,
        inputs,
        unread,
    }
}

/// Terraform's own variable files over Terragrunt's inputs (which reach Terraform as
/// `TF_VAR_` variables, the lowest precedence): `terraform.tfvars`, then `*.auto.tfvars`.
fn tfvars(repo: &Repo, dir: &Path, mut vars: Vec<(String, Val)>) -> Vec<(String, Val)> {
    let mut files: Vec<usize> = repo
        .hcl_by_dir
        .get(dir)
        .into_iter()
        .flatten()
        .copied()
        .filter(|&i| {
            let name = repo.files[i].path.file_name().unwrap_or_default();
            name == "terraform.tfvars" || name.to_string_lossy().ends_with(".auto.tfvars")
        })
        .collect();
    files.sort_by_key(|&i| {
        let name = repo.files[i].path.file_name().unwrap_or_default();
        (name != "terraform.tfvars", repo.files[i].path.clone())
    });
    for file in files {
        let Some(Ok(blocks)) = &repo.files[file].hcl else {
            continue;
        };
        let scope = Scope::new(repo, dir.to_path_buf(), Default::default());
        let env = scope.env();
        for attr in blocks
            .iter()
            .filter(|b| b.kind.is_empty())
            .flat_map(|b| &b.attrs)
        {
            vars.retain(|(k, _)| *k != attr.key);
            vars.push((attr.key.clone(), env.eval(&attr.value)));
        }
    }
    vars
}

//! Builds the model: each stack's root module, then every local module it calls
//! (recursively, once per `for_each`/`count` instance, cycles detected), each resource
//! instance handed to `extract`. Alert rules are gathered from every file of the repository.

use super::config::NfsPolicy;
use super::discover::Repo;
use super::env_from;
use super::eval::{Env, Scope, Val};
use super::extract;
use super::model::{Loc, Model, NfsDest, Note, Origin, Stack};
use super::rules::Code;
use super::stacks::StackPlan;
use super::syntax::Block;
use super::terragrunt::{self, ModuleSource};
use super::values;
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

/// Module sources ending here are the shared NFS PV/PVC module: an NFS destination.
pub const NFS_MODULE_SUFFIX: &str = "modules/kubernetes/nfs_volume";
/// More instances than this from one `count` are not expanded (a typo, not a homelab).
const MAX_INSTANCES: usize = 256;

pub fn build_with(repo: &Repo, classes: &NfsPolicy) -> Model {
    let stacks: Vec<Stack> = repo
        .plans
        .iter()
        .map(|plan| build_stack(repo, plan, classes))
        .collect();
    let mut alerts = values::alert_rules(repo);
    alerts.extend(stacks.iter().flat_map(|s| s.alerts.iter().cloned()));
    Model { stacks, alerts }
}

fn build_stack(repo: &Repo, plan: &StackPlan, classes: &NfsPolicy) -> Stack {
    let mut builder = Builder {
        repo,
        classes,
        stack: Stack {
            dir: plan.dir.clone(),
            rel: repo.rel_dir(&plan.dir),
            kind: plan.kind,
            files: plan.config_files.clone(),
            ..Stack::default()
        },
        instances: 0,
    };
    for (loc, message) in &plan.unread {
        builder.note(
            loc.clone(),
            &[],
            message.clone(),
            "Make it a local path in this repository (or lint the repository that holds it); the linter cannot see the resources of a module it cannot read.",
        );
    }
    let vars = plan.inputs.iter().cloned().collect();
    builder.module(
        &plan.module_dir,
        Some(plan.files.clone()),
        vars,
        &[],
        std::slice::from_ref(&plan.module_dir),
    );
    builder.json_files_not_read();
    env_from::resolve(&mut builder.stack);
    builder.stack
}

struct Builder<'r> {
    repo: &'r Repo,
    classes: &'r NfsPolicy,
    stack: Stack,
    instances: usize,
}

/// One `for_each`/`count` instance: its `each.key`/`each.value` or `count.index`.
enum Instance {
    Single,
    Each(Val, Val),
    Count(usize),
}

impl<'r> Builder<'r> {
    /// Reads one module instance: the `.tf` files of `dir`, or `files` when given (a unit's
    /// source plus the files the unit adds and generates).
    fn module(
        &mut self,
        dir: &Path,
        files: Option<Vec<usize>>,
        vars: HashMap<String, Val>,
        anchors: &[Loc],
        chain: &[PathBuf],
    ) {
        let instance = self.instances;
        self.instances += 1;
        let files = files.unwrap_or_else(|| {
            self.repo
                .hcl_by_dir
                .get(dir)
                .into_iter()
                .flatten()
                .copied()
                .filter(|&i| self.repo.files[i].rel.ends_with(".tf"))
                .collect()
        });
        let scope = Scope {
            repo: self.repo,
            dir: dir.to_path_buf(),
            vars,
            files: Some(files.clone()),
        };
        if !self.stack.dirs.contains(&dir.to_path_buf()) {
            self.stack.dirs.push(dir.to_path_buf());
        }
        for &file in &files {
            if !self.stack.files.contains(&file) {
                self.stack.files.push(file);
            }
        }
        for file in files {
            let Some(Ok(blocks)) = &self.repo.files[file].hcl else {
                continue;
            };
            for block in blocks {
                let loc = Loc {
                    file,
                    span: block.span.clone(),
                };
                let mut block_anchors = anchors.to_vec();
                block_anchors.push(loc.clone());
                match block.kind.as_str() {
                    // A drill's data source renders the same CronJob as its resource.
                    "resource" | "data"
                        if block.kind == "resource"
                            || block.labels.first().map(String::as_str)
                                == Some("backstop_restore_test") =>
                    {
                        for each in instances(&scope.env(), block) {
                            let env = with_instance(scope.env(), &each);
                            let origin = Origin {
                                loc: loc.clone(),
                                anchors: block_anchors.clone(),
                                instance,
                                addr: block.labels.join("."),
                            };
                            extract::resource(&mut self.stack, &env, block, origin, self.classes);
                        }
                    }
                    "module" => {
                        self.module_call(&scope, block, loc, &block_anchors, chain, instance)
                    }
                    _ => {}
                }
            }
        }
    }

    fn module_call(
        &mut self,
        scope: &Scope,
        block: &Block,
        loc: Loc,
        anchors: &[Loc],
        chain: &[PathBuf],
        instance: usize,
    ) {
        let name = block.labels.first().cloned().unwrap_or_default();
        let Some(source) = block
            .attr("source")
            .and_then(|a| scope.env().string(&a.value).ok())
        else {
            return;
        };
        let calls = instances(&scope.env(), block);
        if source.trim_end_matches('/').ends_with(NFS_MODULE_SUFFIX) {
            for each in &calls {
                let env = with_instance(scope.env(), each);
                let claim_name = block
                    .attr("name")
                    .map_or(Val::Unknown("no name input".into()), |a| env.eval(&a.value));
                let origin = Origin {
                    loc: loc.clone(),
                    anchors: anchors.to_vec(),
                    instance,
                    addr: format!("module.{name}"),
                };
                self.stack.nfs.push(NfsDest { claim_name, origin });
            }
            return;
        }
        let target = match terragrunt::module_source(&scope.dir, &source) {
            ModuleSource::Local(target) => target,
            // Registry and git modules are not in the repository.
            ModuleSource::Remote(_) => return,
        };
        if chain.contains(&target) {
            self.note(
                loc,
                anchors,
                format!("module.{name} calls {source}, which is already being read (a cycle)"),
                "Break the cycle: a module cannot call itself, directly or through others.",
            );
            return;
        }
        if !self.repo.hcl_by_dir.contains_key(&target) {
            self.note(loc, anchors, format!("module.{name} source {source} has no .tf files"), "Fix the source path; the linter cannot see the resources of a module it cannot read.");
            return;
        }
        let mut chain = chain.to_vec();
        chain.push(target.clone());
        for each in &calls {
            let env = with_instance(scope.env(), each);
            let inputs = block
                .attrs
                .iter()
                .filter(|a| {
                    !matches!(
                        a.key.as_str(),
                        "source" | "for_each" | "count" | "providers" | "depends_on" | "version"
                    )
                })
                .map(|a| (a.key.clone(), env.eval(&a.value)))
                .collect();
            self.module(&target, None, inputs, anchors, &chain);
        }
    }

    /// `*.tf.json` files of the folders read: Terraform reads them, the linter does not.
    fn json_files_not_read(&mut self) {
        let repo = self.repo;
        let json_files: Vec<usize> = self
            .stack
            .dirs
            .iter()
            .filter_map(|dir| repo.tf_json_by_dir.get(dir))
            .flatten()
            .copied()
            .collect();
        for index in json_files {
            self.stack.notes.push(Note {
                code: Code::UnresolvedValue,
                message: format!("{} is Terraform JSON syntax, which the linter does not read; its resources are not checked", repo.files[index].rel),
                help: "write the resources in HCL (.tf), or check this file by hand".into(),
                loc: Loc { file: index, span: 0..0 },
                anchors: Vec::new(),
            });
        }
    }

    fn note(&mut self, loc: Loc, anchors: &[Loc], message: String, help: &str) {
        self.stack.notes.push(Note {
            code: Code::ModuleNotRead,
            message,
            help: help.to_string(),
            loc,
            anchors: anchors.to_vec(),
        });
    }
}

fn instances(env: &Env, block: &Block) -> Vec<Instance> {
    if let Some(for_each) = block.attr("for_each") {
        return match env.eval(&for_each.value) {
            Val::Map(entries) => entries
                .into_iter()
                .take(MAX_INSTANCES)
                .map(|(k, v)| Instance::Each(Val::Str(k), v))
                .collect(),
            Val::List(items) => items
                .into_iter()
                .take(MAX_INSTANCES)
                .map(|v| Instance::Each(v.clone(), v))
                .collect(),
            Val::Unknown(why) => {
                let why = Val::Unknown(format!("its for_each is not static: {why}"));
                vec![Instance::Each(why.clone(), why)]
            }
            _ => vec![Instance::Single],
        };
    }
    if let Some(count) = block.attr("count") {
        if let Some(n) = env.eval(&count.value).as_num() {
            return (0..(n.max(0.0) as usize).min(MAX_INSTANCES))
                .map(Instance::Count)
                .collect();
        }
    }
    vec![Instance::Single]
}

fn with_instance<'s, 'r>(env: Env<'s, 'r>, instance: &'s Instance) -> Env<'s, 'r> {
    match instance {
        Instance::Single => env,
        Instance::Each(key, value) => env.with_each(key, value),
        Instance::Count(index) => env.with_count(*index),
    }
}

/// `a/b/../c` -> `a/c` without touching the file system.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

//! Terragrunt as Terragrunt reads it: a unit's `terragrunt.hcl` with its `include`d
//! configurations merged in (the child wins), its `terraform { source }`, the `.tf` files
//! its `generate` blocks write, its `inputs`; and the path functions these are written
//! with (`find_in_parent_folders`, `dirname`, `get_terragrunt_dir`, `get_repo_root`, ...),
//! evaluated from the unit's folder as Terragrunt does.

use super::discover::Repo;
use super::eval::{Env, Scope, Val};
use super::model::Loc;
use super::syntax::{Block, Expr, ExprKind, Part};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub const CONFIG_NAME: &str = "terragrunt.hcl";
/// `include`s of `include`s deeper than this are not followed (Terragrunt allows one).
const MAX_INCLUDE_DEPTH: usize = 4;

/// What a unit's configuration says, includes merged.
#[derive(Debug, Clone, Default)]
pub struct UnitConfig {
    /// The configuration files read: the unit's own, then every include.
    pub files: Vec<usize>,
    /// `terraform { source }`: the value (or why it has none) and where it is written.
    pub source: Option<(Val, Loc)>,
    /// `generate` blocks writing `.tf` files: name, path, contents, where written.
    pub generates: Vec<Generate>,
    pub inputs: Vec<(String, Val)>,
    /// Includes that could not be read: where, and why.
    pub unread: Vec<(Loc, String)>,
}

#[derive(Debug, Clone)]
pub struct Generate {
    pub name: String,
    pub path: String,
    pub contents: String,
    pub loc: Loc,
}

/// Reads the unit configuration `file` (a `terragrunt.hcl`), evaluated from `dir`.
pub fn read_unit(repo: &Repo, dir: &Path, file: usize) -> UnitConfig {
    let mut unit = UnitConfig::default();
    read_into(repo, dir, file, 0, &mut unit);
    unit
}

fn read_into(repo: &Repo, dir: &Path, file: usize, depth: usize, unit: &mut UnitConfig) {
    if unit.files.contains(&file) {
        return;
    }
    unit.files.push(file);
    let Some(Ok(blocks)) = &repo.files[file].hcl else {
        return;
    };
    let scope = config_scope(repo, dir, file);
    let env = scope.env();
    let loc = |block: &Block| Loc {
        file,
        span: block.span.clone(),
    };
    // Parents first: what this file says afterwards overrides what it includes.
    for include in blocks.iter().filter(|b| b.kind == "include") {
        let Some(path) = include.attr("path") else {
            continue;
        };
        let included = match env.eval(&path.value) {
            Val::Str(path) => match repo.by_path.get(&absolute(dir, &path)) {
                Some(&index) if depth < MAX_INCLUDE_DEPTH => Ok(index),
                Some(_) => Err(format!("include {path} is nested too deep")),
                None => Err(format!("include {path} is not a file of this repository")),
            },
            Val::Unknown(why) => Err(format!("the include path is not static ({why})")),
            _ => Err("the include path is not a string".into()),
        };
        match included {
            Ok(index) => read_into(repo, dir, index, depth + 1, unit),
            Err(why) => unit.unread.push((loc(include), why)),
        }
    }
    for block in blocks {
        match block.kind.as_str() {
            "terraform" => {
                if let Some(source) = block.attr("source") {
                    unit.source = Some((env.eval(&source.value), loc(block)));
                }
            }
            "generate" => {
                let name = block.labels.first().cloned().unwrap_or_default();
                let path = block.attr("path").and_then(|a| env.string(&a.value).ok());
                let contents = block
                    .attr("contents")
                    .map(|a| generated_text(&env, &a.value));
                if let (Some(path), Some(contents)) = (path, contents) {
                    unit.generates.retain(|g| g.name != name);
                    unit.generates.push(Generate {
                        name,
                        path,
                        contents,
                        loc: loc(block),
                    });
                }
            }
            "" => {
                if let Some(inputs) = block.attr("inputs") {
                    if let Val::Map(entries) = env.eval(&inputs.value) {
                        for (key, value) in entries {
                            unit.inputs.retain(|(k, _)| *k != key);
                            unit.inputs.push((key, value));
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

/// The scope of one configuration file: its own `locals`, path functions from `dir`.
fn config_scope<'r>(repo: &'r Repo, dir: &Path, file: usize) -> Scope<'r> {
    Scope {
        repo,
        dir: dir.to_path_buf(),
        vars: HashMap::new(),
        files: Some(vec![file]),
    }
}

/// The text a `generate` block writes. An interpolation that cannot be known statically
/// becomes `null`: the HCL around it still parses and reads as "no value".
fn generated_text(env: &Env, expr: &Expr) -> String {
    match &expr.kind {
        ExprKind::Template(parts) => parts
            .iter()
            .map(|part| match part {
                Part::Lit(text) => text.clone(),
                Part::Interp(e) => match env.eval(e) {
                    Val::Str(s) => s,
                    Val::Num(n) => super::eval::format_num(n),
                    Val::Bool(b) => b.to_string(),
                    _ => "null".to_string(),
                },
                Part::Directive => String::new(),
            })
            .collect(),
        _ => env.string(expr).unwrap_or_default(),
    }
}

/// A path as Terragrunt resolves it: absolute, or relative to the unit's folder.
pub fn absolute(dir: &Path, path: &str) -> PathBuf {
    super::build::normalize(&dir.join(path))
}

/// Where a module source points: a local folder (`//` marks a subfolder of it, as in
/// `../modules//app`; `?ref=` is dropped), or a remote address the linter cannot read.
pub enum ModuleSource {
    Local(PathBuf),
    Remote(String),
}

pub fn module_source(dir: &Path, source: &str) -> ModuleSource {
    let address = source.split('?').next().unwrap_or(source);
    let marked_local = address == "."
        || address == ".."
        || address.starts_with("./")
        || address.starts_with("../")
        || address.starts_with('/');
    let remote = address.contains("::") || address.contains("://") || address.contains('@');
    let local = absolute(dir, &address.replace("//", "/"));
    // Terragrunt also takes a bare relative path when the folder exists (`source = "app"`);
    // a registry address (`ns/name/provider`) names no folder here.
    if !remote && (marked_local || local.is_dir()) {
        ModuleSource::Local(local)
    } else {
        ModuleSource::Remote(source.to_string())
    }
}

impl<'s, 'r> Env<'s, 'r> {
    /// Terragrunt's built-in functions; any other function is not evaluated.
    pub fn terragrunt_call(&self, name: &str, args: &[Expr]) -> Val {
        let arg = |i: usize| args.get(i).map(|a| self.eval(a));
        let text = |i: usize| match arg(i) {
            Some(Val::Str(s)) => Ok(s),
            Some(Val::Unknown(why)) => Err(Val::Unknown(why)),
            _ => Err(Val::Unknown(format!(
                "{name}() of a value that is not a string"
            ))),
        };
        let dir = &self.scope.dir;
        let shown = |p: &Path| Val::Str(p.to_string_lossy().into_owned());
        match name {
            "find_in_parent_folders" => {
                let wanted = match args.first() {
                    Some(_) => match text(0) {
                        Ok(s) => s,
                        Err(unknown) => return unknown,
                    },
                    None => CONFIG_NAME.to_string(),
                };
                let found = dir
                    .ancestors()
                    .skip(1)
                    .map(|a| a.join(&wanted))
                    .find(|candidate| candidate.exists());
                match (found, arg(1)) {
                    (Some(path), _) => shown(&path),
                    (None, Some(fallback)) => fallback,
                    (None, None) => Val::Unknown(format!(
                        "find_in_parent_folders(\"{wanted}\") finds no {wanted} above {}",
                        self.scope.repo.rel_dir(dir)
                    )),
                }
            }
            "dirname" | "basename" | "abspath" => match text(0) {
                Ok(path) => {
                    let path = absolute(dir, &path);
                    match name {
                        "dirname" => shown(path.parent().unwrap_or(&path)),
                        "basename" => Val::Str(
                            path.file_name()
                                .map(|n| n.to_string_lossy().into_owned())
                                .unwrap_or_default(),
                        ),
                        _ => shown(&path),
                    }
                }
                Err(unknown) => unknown,
            },
            "get_terragrunt_dir" | "get_original_terragrunt_dir" => shown(dir),
            "get_parent_terragrunt_dir" => match self.include_dir() {
                Ok(parent) => shown(&parent),
                Err(unknown) => unknown,
            },
            "path_relative_to_include" | "path_relative_from_include" => match self.include_dir() {
                Ok(parent) => {
                    let (from, to) = match name {
                        "path_relative_to_include" => (&parent, dir),
                        _ => (dir, &parent),
                    };
                    Val::Str(relative_path(from, to))
                }
                Err(unknown) => unknown,
            },
            "get_repo_root" => shown(&self.scope.repo.root),
            "get_path_to_repo_root" => {
                let depth = dir
                    .strip_prefix(&self.scope.repo.root)
                    .map_or(0, |rel| rel.components().count());
                Val::Str(vec![".."; depth].join("/"))
            }
            "read_terragrunt_config" => match text(0) {
                Ok(path) => {
                    let path = absolute(dir, &path);
                    let from = path.parent().unwrap_or(dir).to_path_buf();
                    self.read_config(&path, &from)
                }
                Err(unknown) => unknown,
            },
            "file" => match text(0) {
                Ok(path) => match self.scope.repo.by_path.get(&absolute(dir, &path)) {
                    Some(&index) => Val::Str(self.scope.repo.files[index].text.clone()),
                    None => Val::Unknown(format!("file(\"{path}\") is not read by the linter")),
                },
                Err(unknown) => unknown,
            },
            "jsondecode" => match text(0) {
                Ok(json) => serde_json::from_str::<serde_json::Value>(&json).map_or(
                    Val::Unknown("jsondecode() of text that is not JSON".into()),
                    |v| from_json(&v),
                ),
                Err(unknown) => unknown,
            },
            other => Val::Unknown(format!("the result of {other}()")),
        }
    }

    /// The folder of the configuration this one includes (its first `include`); in an
    /// included configuration, its own folder: Terragrunt's "parent" configuration.
    fn include_dir(&self) -> Result<PathBuf, Val> {
        let repo = self.scope.repo;
        let own = match self.scope.files.as_deref() {
            Some([file]) => *file,
            _ => {
                return Err(Val::Unknown(
                    "a parent configuration outside Terragrunt".into(),
                ))
            }
        };
        let include = self
            .scope
            .blocks()
            .filter(|b| b.kind == "include")
            .find_map(|b| b.attr("path"));
        let path = match include {
            Some(attr) => match self.eval(&attr.value) {
                Val::Str(path) => absolute(&self.scope.dir, &path),
                Val::Unknown(why) => return Err(Val::Unknown(why)),
                _ => return Err(Val::Unknown("an include path that is not a string".into())),
            },
            None => repo.files[own].path.clone(),
        };
        Ok(path.parent().unwrap_or(&path).to_path_buf())
    }

    /// An included configuration (`include.NAME.locals`): evaluated from the unit's folder.
    pub fn terragrunt_config(&self, path: &str) -> Val {
        let path = absolute(&self.scope.dir, path);
        self.read_config(&path, &self.scope.dir.clone())
    }

    /// A configuration's `locals` and `inputs` (and other top-level attributes) as a map.
    fn read_config(&self, path: &Path, from: &Path) -> Val {
        let Some(&file) = self.scope.repo.by_path.get(path) else {
            return Val::Unknown(format!(
                "{} is not a configuration of this repository",
                path.display()
            ));
        };
        let scope = config_scope(self.scope.repo, from, file);
        let Some(env) = self.nested(&scope) else {
            return Val::Unknown(format!("{} reads itself", path.display()));
        };
        let Some(Ok(blocks)) = &self.scope.repo.files[file].hcl else {
            return Val::Unknown(format!("{} does not parse", path.display()));
        };
        let mut entries = Vec::new();
        let locals: Vec<(String, Val)> = blocks
            .iter()
            .filter(|b| b.kind == "locals")
            .flat_map(|b| b.attrs.iter())
            .map(|a| (a.key.clone(), env.eval(&a.value)))
            .collect();
        entries.push(("locals".to_string(), Val::Map(locals)));
        for block in blocks.iter().filter(|b| b.kind.is_empty()) {
            for attr in &block.attrs {
                entries.push((attr.key.clone(), env.eval(&attr.value)));
            }
        }
        Val::Map(entries)
    }
}

/// `to` relative to `from` (`../..`, `prod/app`, `.`), both absolute and normalized.
fn relative_path(from: &Path, to: &Path) -> String {
    let from: Vec<_> = from.components().collect();
    let to: Vec<_> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_string(); from.len() - common];
    parts.extend(
        to[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

fn from_json(value: &serde_json::Value) -> Val {
    use serde_json::Value as J;
    match value {
        J::Null => Val::Null,
        J::Bool(b) => Val::Bool(*b),
        J::Number(n) => n.as_f64().map_or(Val::Null, Val::Num),
        J::String(s) => Val::Str(s.clone()),
        J::Array(items) => Val::List(items.iter().map(from_json).collect()),
        J::Object(entries) => Val::Map(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), from_json(v)))
                .collect(),
        ),
    }
}

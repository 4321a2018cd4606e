//! Static evaluation of the HCL values a rule needs: literals, `var.` (module inputs, then
//! defaults), `local.`, `each.`/`count.`, `path.module` and attributes of resources in the
//! same module. Anything else is `Unknown` with the reason, so the linter reports it
//! instead of guessing.

use super::discover::Repo;
use super::syntax::{Block, Expr, ExprKind, ForExpr, Part, Step};
use backstop_codegen::policy;
use std::collections::HashMap;
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    List(Vec<Val>),
    Map(Vec<(String, Val)>),
    Unknown(String),
}

impl Val {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Val::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Val::Bool(b) => Some(*b),
            Val::Str(s) if s == "true" || s == "false" => Some(s == "true"),
            _ => None,
        }
    }

    pub fn as_num(&self) -> Option<f64> {
        match self {
            Val::Num(n) => Some(*n),
            Val::Str(s) => s.parse().ok(),
            _ => None,
        }
    }

    pub fn as_text(&self) -> Option<String> {
        match self {
            Val::Str(s) => Some(s.clone()),
            Val::Num(n) => Some(format_num(*n)),
            Val::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Val> {
        match self {
            Val::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

pub fn format_num(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

/// One module instance: its folder (all its `.tf` files) and the inputs its caller gave.
pub struct Scope<'r> {
    pub repo: &'r Repo,
    pub dir: PathBuf,
    pub vars: HashMap<String, Val>,
    /// The files whose blocks this scope sees, when not all HCL files of `dir`: one
    /// Terragrunt configuration (its own `locals`), or a unit's source module plus the
    /// files the unit adds and generates.
    pub files: Option<Vec<usize>>,
}

/// A scope plus the `each`/`count` of the resource instance being read.
#[derive(Clone, Copy)]
pub struct Env<'s, 'r> {
    pub scope: &'s Scope<'r>,
    pub each: Option<(&'s Val, &'s Val)>,
    pub count: Option<f64>,
    /// Variables of the `for` expressions being evaluated, innermost last.
    bound: &'s [(String, Val)],
    depth: u8,
}

/// Items a `for` expression is evaluated for; more is a typo, not a homelab.
const MAX_FOR_ITEMS: usize = 256;
/// `local.a = local.b` chains deeper than this are treated as cycles.
const MAX_DEPTH: u8 = 24;

impl<'r> Scope<'r> {
    pub fn new(repo: &'r Repo, dir: PathBuf, vars: HashMap<String, Val>) -> Scope<'r> {
        Scope {
            repo,
            dir,
            vars,
            files: None,
        }
    }

    pub fn blocks(&self) -> impl Iterator<Item = &'r Block> + '_ {
        let files = match &self.files {
            Some(files) => files.as_slice(),
            None => self
                .repo
                .hcl_by_dir
                .get(&self.dir)
                .map_or(&[][..], Vec::as_slice),
        };
        files
            .iter()
            .filter_map(|&i| {
                self.repo.files[i]
                    .hcl
                    .as_ref()
                    .and_then(|r| r.as_ref().ok())
            })
            .flatten()
    }

    pub fn env(&self) -> Env<'_, 'r> {
        Env {
            scope: self,
            each: None,
            count: None,
            bound: &[],
            depth: 0,
        }
    }
}

impl<'s, 'r> Env<'s, 'r> {
    pub fn with_each(self, key: &'s Val, value: &'s Val) -> Self {
        Env {
            each: Some((key, value)),
            ..self
        }
    }

    pub fn with_count(self, index: usize) -> Self {
        Env {
            count: Some(index as f64),
            ..self
        }
    }

    /// An environment over another scope (an included or read configuration), one level
    /// deeper, so configurations that read each other end instead of looping.
    pub fn nested<'t>(&self, scope: &'t Scope<'r>) -> Option<Env<'t, 'r>> {
        (self.depth < MAX_DEPTH).then_some(Env {
            scope,
            each: None,
            count: None,
            bound: &[],
            depth: self.depth + 1,
        })
    }

    fn deeper(self) -> Option<Self> {
        (self.depth < MAX_DEPTH).then_some(Env {
            depth: self.depth + 1,
            ..self
        })
    }

    pub fn eval(&self, expr: &Expr) -> Val {
        match &expr.kind {
            ExprKind::Null => Val::Null,
            ExprKind::Bool(b) => Val::Bool(*b),
            ExprKind::Num(n) => Val::Num(*n),
            ExprKind::Template(parts) => self.template(parts),
            ExprKind::List(items) => Val::List(items.iter().map(|e| self.eval(e)).collect()),
            ExprKind::Object(entries) => {
                let mut map: Vec<(String, Val)> = Vec::new();
                for (key, value) in entries {
                    if let Some(key) = self.eval(key).as_text() {
                        // A key given twice: the last one wins, as in Terraform.
                        map.retain(|(k, _)| *k != key);
                        map.push((key, self.eval(value)));
                    }
                }
                Val::Map(map)
            }
            ExprKind::Ref(steps) => self.reference(steps),
            ExprKind::Call(name, args) => self.call(name, args),
            ExprKind::Conditional(parts) => {
                let [cond, yes, no] = parts.as_ref();
                match self.eval(cond) {
                    Val::Unknown(why) => {
                        Val::Unknown(format!("a condition that is not static ({why})"))
                    }
                    value => match value.as_bool() {
                        Some(true) => self.eval(yes),
                        Some(false) => self.eval(no),
                        None => Val::Unknown("a condition that is not a bool".into()),
                    },
                }
            }
            ExprKind::Binary(op, sides) => {
                super::operators::binary(op, self.eval(&sides[0]), self.eval(&sides[1]))
            }
            ExprKind::Unary(op, inner) => super::operators::unary(op, self.eval(inner)),
            ExprKind::For(spec) => self.for_expr(spec),
            ExprKind::Dynamic => Val::Unknown("an expression computed at plan time".into()),
        }
    }

    /// The value as a string, or why it has none.
    pub fn string(&self, expr: &Expr) -> Result<String, String> {
        match self.eval(expr) {
            Val::Unknown(why) => Err(why),
            other => other
                .as_text()
                .ok_or_else(|| "not a single value".to_string()),
        }
    }

    fn template(&self, parts: &[Part]) -> Val {
        // `"${x}"` is `x` itself, whatever its type (HCL's rule for a lone interpolation).
        if let [Part::Interp(expr)] = parts {
            return self.eval(expr);
        }
        let mut out = String::new();
        for part in parts {
            match part {
                Part::Lit(text) => out.push_str(text),
                Part::Interp(expr) => match self.eval(expr) {
                    Val::Unknown(why) => return Val::Unknown(why),
                    value => match value.as_text() {
                        Some(text) => out.push_str(&text),
                        None => {
                            return Val::Unknown("a collection interpolated into a string".into())
                        }
                    },
                },
                Part::Directive => return Val::Unknown("a template directive".into()),
            }
        }
        Val::Str(out)
    }

    fn reference(&self, steps: &[Step]) -> Val {
        let Some(Step::Attr(root)) = steps.first() else {
            return Val::Unknown("a computed reference".into());
        };
        let name = match steps.get(1) {
            Some(Step::Attr(name)) => name.as_str(),
            _ => "",
        };
        let rest = steps.get(2..).unwrap_or(&[]);
        if let Some((_, value)) = self.bound.iter().rev().find(|(var, _)| var == root) {
            return self.apply(value.clone(), &steps[1..]);
        }
        let Some(env) = self.deeper() else {
            return Val::Unknown(format!("{root}.{name} refers to itself"));
        };
        match root.as_str() {
            "var" => {
                let value = self.scope.vars.get(name).cloned().or_else(|| {
                    self.scope
                        .blocks()
                        .find(|b| {
                            b.kind == "variable"
                                && b.labels.first().map(String::as_str) == Some(name)
                        })
                        .and_then(|b| b.attr("default"))
                        .map(|a| env.eval(&a.value))
                });
                let value = value
                    .unwrap_or_else(|| Val::Unknown(format!("var.{name} has no static value")));
                self.apply(value, rest)
            }
            "local" => {
                let found = self
                    .scope
                    .blocks()
                    .filter(|b| b.kind == "locals")
                    .find_map(|b| b.attr(name));
                match found {
                    Some(attr) => self.apply(env.eval(&attr.value), rest),
                    None => Val::Unknown(format!("local.{name} is not defined in this module")),
                }
            }
            "each" => match (self.each, name) {
                (Some((key, _)), "key") => self.apply(key.clone(), rest),
                (Some((_, value)), "value") => self.apply(value.clone(), rest),
                _ => Val::Unknown("each. outside a static for_each".into()),
            },
            "count" => self.count.map_or(
                Val::Unknown("count.index outside a static count".into()),
                Val::Num,
            ),
            "path" => Val::Str(self.scope.dir.to_string_lossy().into_owned()),
            "module" => Val::Unknown(format!("an output of module.{name}")),
            "dependency" => Val::Unknown(format!(
                "dependency.{name} outputs, known only after that unit is applied"
            )),
            "include" => {
                let path = self
                    .scope
                    .blocks()
                    .find(|b| {
                        b.kind == "include" && b.labels.first().map_or("", String::as_str) == name
                    })
                    .and_then(|b| b.attr("path"))
                    .map(|a| env.eval(&a.value));
                match path {
                    Some(Val::Str(path)) => self.apply(env.terragrunt_config(&path), rest),
                    Some(Val::Unknown(why)) => Val::Unknown(why),
                    _ => Val::Unknown(format!("include.{name} is not an include of this file")),
                }
            }
            "data" | "terraform" => Val::Unknown(format!("{root}.{name}, read at plan time")),
            resource_type => self.resource_attr(env, resource_type, name, rest),
        }
    }

    /// `TYPE.NAME[.index].block[0].attr`: walks blocks (skipping indices) to an attribute.
    fn resource_attr(&self, env: Env<'s, 'r>, kind: &str, name: &str, steps: &[Step]) -> Val {
        let Some(mut block) = self.scope.blocks().find(|b| {
            b.kind == "resource"
                && b.labels.first().map(String::as_str) == Some(kind)
                && b.labels.get(1).map(String::as_str) == Some(name)
        }) else {
            return Val::Unknown(format!("{kind}.{name} is not a resource of this module"));
        };
        let mut descended = false;
        for (i, step) in steps.iter().enumerate() {
            match step {
                Step::Index(_) => continue,
                Step::Splat => return Val::Unknown("a splat expression".into()),
                Step::Attr(key) => {
                    descended = true;
                    if let Some(attr) = block.attr(key) {
                        return self.apply(env.eval(&attr.value), &steps[i + 1..]);
                    }
                    if let Some(value) = backstop_computed(env, block, kind, key) {
                        return self.apply(value, &steps[i + 1..]);
                    }
                    match block.block(key) {
                        Some(inner) => block = inner,
                        None => return Val::Unknown(format!("{kind}.{name}.{key} is computed")),
                    }
                }
            }
        }
        // One instance of the job (a `for_each`/`count` resource only through an index;
        // without one it is a collection of instances, which the linter does not build).
        let one_instance = steps.iter().any(|s| matches!(s, Step::Index(_)))
            || (block.attr("for_each").is_none() && block.attr("count").is_none());
        match (kind, descended, one_instance) {
            ("backstop_backup_job", false, true) => backstop_job_object(env, block),
            ("backstop_backup_job", false, false) => backstop_job_instances(env, block),
            _ => Val::Unknown(format!("{kind}.{name} is an object")),
        }
    }

    /// `[for ...]` / `{for ...}` over a static collection (at most `MAX_FOR_ITEMS` items).
    fn for_expr(&self, spec: &ForExpr) -> Val {
        let items: Vec<(Val, Val)> = match self.eval(&spec.collection) {
            Val::List(items) => items
                .into_iter()
                .enumerate()
                .map(|(i, v)| (Val::Num(i as f64), v))
                .collect(),
            Val::Map(entries) => entries.into_iter().map(|(k, v)| (Val::Str(k), v)).collect(),
            Val::Unknown(why) => {
                return Val::Unknown(format!(
                    "a for expression over a value that is not static ({why})"
                ))
            }
            _ => {
                return Val::Unknown(
                    "a for expression over a value that is not a collection".into(),
                )
            }
        };
        let mut list = Vec::new();
        let mut map: Vec<(String, Val)> = Vec::new();
        for (key, value) in items.into_iter().take(MAX_FOR_ITEMS) {
            let mut bound = self.bound.to_vec();
            if let Some(key_var) = &spec.key_var {
                bound.push((key_var.clone(), key));
            }
            bound.push((spec.value_var.clone(), value));
            let env = Env {
                bound: &bound,
                ..*self
            };
            if let Some(cond) = &spec.cond {
                match env.eval(cond).as_bool() {
                    Some(true) => {}
                    Some(false) => continue,
                    None => {
                        return Val::Unknown("a for expression whose `if` is not static".into())
                    }
                }
            }
            let value = env.eval(&spec.value);
            match &spec.key {
                None => list.push(value),
                Some(key) => {
                    let Some(key) = env.eval(key).as_text() else {
                        return Val::Unknown("a for expression whose keys are not static".into());
                    };
                    if spec.grouping {
                        match map.iter_mut().find(|(k, _)| *k == key) {
                            Some((_, Val::List(group))) => group.push(value),
                            _ => map.push((key, Val::List(vec![value]))),
                        }
                    } else {
                        map.retain(|(k, _)| *k != key);
                        map.push((key, value));
                    }
                }
            }
        }
        match spec.key {
            None => Val::List(list),
            Some(_) => Val::Map(map),
        }
    }

    fn apply(&self, mut value: Val, steps: &[Step]) -> Val {
        for step in steps {
            value = match (step, value) {
                (_, unknown @ Val::Unknown(_)) => return unknown,
                (Step::Attr(key), map @ Val::Map(_)) => map
                    .get(key)
                    .cloned()
                    .unwrap_or(Val::Unknown(format!("no key {key}"))),
                (Step::Index(index), Val::List(items)) => match self.eval(index).as_num() {
                    Some(n) if n >= 0.0 => items
                        .into_iter()
                        .nth(n as usize)
                        .unwrap_or(Val::Unknown("index out of range".into())),
                    _ => Val::Unknown("a computed index".into()),
                },
                (Step::Index(index), map @ Val::Map(_)) => match self.eval(index).as_text() {
                    Some(key) => map
                        .get(&key)
                        .cloned()
                        .unwrap_or(Val::Unknown(format!("no key {key}"))),
                    None => Val::Unknown("a computed key".into()),
                },
                _ => return Val::Unknown("an attribute of a value that has none".into()),
            };
        }
        value
    }

    fn call(&self, name: &str, args: &[Expr]) -> Val {
        let first = || args.first().map_or(Val::Null, |a| self.eval(a));
        match name {
            // Encoders and conversions keep the structure: rules read the values inside.
            "yamlencode" | "jsonencode" | "tomap" | "tolist" | "toset" | "tostring"
            | "tonumber" => first(),
            "lower" => first()
                .as_str()
                .map_or(Val::Unknown("lower() of a computed value".into()), |s| {
                    Val::Str(s.to_lowercase())
                }),
            "upper" => first()
                .as_str()
                .map_or(Val::Unknown("upper() of a computed value".into()), |s| {
                    Val::Str(s.to_uppercase())
                }),
            "trimspace" => first().as_str().map_or(
                Val::Unknown("trimspace() of a computed value".into()),
                |s| Val::Str(s.trim().into()),
            ),
            "length" => match first() {
                Val::List(items) => Val::Num(items.len() as f64),
                Val::Map(entries) => Val::Num(entries.len() as f64),
                Val::Str(text) => Val::Num(text.chars().count() as f64),
                Val::Unknown(why) => Val::Unknown(why),
                _ => Val::Unknown("length() of a value that has none".into()),
            },
            "keys" | "values" => match first() {
                Val::Map(entries) => Val::List(
                    entries
                        .into_iter()
                        .map(|(k, v)| if name == "keys" { Val::Str(k) } else { v })
                        .collect(),
                ),
                Val::Unknown(why) => Val::Unknown(why),
                _ => Val::Unknown(format!("{name}() of a value that is not a map")),
            },
            "contains" => match (first(), args.get(1).map(|a| self.eval(a))) {
                (Val::List(items), Some(value)) if !matches!(value, Val::Unknown(_)) => {
                    Val::Bool(items.contains(&value))
                }
                (Val::Unknown(why), _) | (_, Some(Val::Unknown(why))) => Val::Unknown(why),
                _ => Val::Unknown("contains() of a value that is not a list".into()),
            },
            "join" => match (first().as_text(), args.get(1).map(|a| self.eval(a))) {
                (Some(separator), Some(Val::List(items))) => {
                    let texts: Option<Vec<String>> = items.iter().map(Val::as_text).collect();
                    texts.map_or(
                        Val::Unknown("join() of values that are not static".into()),
                        |t| Val::Str(t.join(&separator)),
                    )
                }
                _ => Val::Unknown("join() of values that are not static".into()),
            },
            "flatten" => match first() {
                Val::List(items) => Val::List(
                    items
                        .into_iter()
                        .flat_map(|item| match item {
                            Val::List(inner) => inner,
                            other => vec![other],
                        })
                        .collect(),
                ),
                Val::Unknown(why) => Val::Unknown(why),
                _ => Val::Unknown("flatten() of a value that is not a list".into()),
            },
            "merge" => {
                let mut merged: Vec<(String, Val)> = Vec::new();
                for arg in args {
                    match self.eval(arg) {
                        Val::Map(entries) => {
                            for (key, value) in entries {
                                merged.retain(|(k, _)| *k != key);
                                merged.push((key, value));
                            }
                        }
                        Val::Null => {}
                        Val::Unknown(why) => return Val::Unknown(why),
                        _ => return Val::Unknown("merge() of a value that is not a map".into()),
                    }
                }
                Val::Map(merged)
            }
            "concat" => {
                let mut items = Vec::new();
                for arg in args {
                    match self.eval(arg) {
                        Val::List(more) => items.extend(more),
                        Val::Unknown(why) => return Val::Unknown(why),
                        _ => return Val::Unknown("concat() of a value that is not a list".into()),
                    }
                }
                Val::List(items)
            }
            "lookup" => {
                let map = first();
                let key = args.get(1).and_then(|k| self.eval(k).as_text());
                match (map, key, args.get(2)) {
                    (Val::Map(entries), Some(key), default) => {
                        match entries.into_iter().find(|(k, _)| *k == key) {
                            Some((_, value)) => value,
                            None => default.map_or(
                                Val::Unknown(format!("lookup() of a missing key {key}")),
                                |d| self.eval(d),
                            ),
                        }
                    }
                    (Val::Unknown(why), _, _) => Val::Unknown(why),
                    _ => Val::Unknown("lookup() with a computed key".into()),
                }
            }
            // `try`: the first argument that does not fail. An argument that fails here only
            // because it is computed at plan time may not fail there: then nothing is known.
            "try" => {
                for arg in args {
                    match self.eval(arg) {
                        Val::Unknown(why) if is_certain_failure(&why) => continue,
                        value => return value,
                    }
                }
                Val::Unknown("every argument of try() fails".into())
            }
            "coalesce" => {
                for arg in args {
                    match self.eval(arg) {
                        Val::Null => continue,
                        Val::Str(s) if s.is_empty() => continue,
                        value => return value,
                    }
                }
                Val::Unknown("coalesce() of no value".into())
            }
            _ => self.terragrunt_call(name, args),
        }
    }
}

/// An evaluation that fails whatever is applied: a missing key, index or definition.
fn is_certain_failure(why: &str) -> bool {
    why.starts_with("no key") || why == "index out of range" || why.contains("is not defined")
}

/// `backstop_backup_job.x` as a whole, as a drill's or restore's `job` takes it: its
/// inputs, and the CronJob name they give.
fn backstop_job_object(env: Env, block: &Block) -> Val {
    let mut object: Vec<(String, Val)> = block
        .attrs
        .iter()
        .filter(|a| {
            !matches!(
                a.key.as_str(),
                "for_each" | "count" | "depends_on" | "provider"
            )
        })
        .map(|a| (a.key.clone(), env.eval(&a.value)))
        .collect();
    if let Some(cronjob) = backstop_computed(env, block, "backstop_backup_job", "cronjob_name") {
        object.push(("cronjob_name".into(), cronjob));
    }
    Val::Map(object)
}

/// `backstop_backup_job.x` of a `for_each` job as a whole: its instances by key, as
/// `for_each = backstop_backup_job.x` with `job = each.value` reads them.
fn backstop_job_instances(env: Env, block: &Block) -> Val {
    let Some(for_each) = block.attr("for_each") else {
        return Val::Unknown("the instances of a count resource".into());
    };
    let entries: Vec<(String, Val)> = match env.eval(&for_each.value) {
        Val::Map(entries) => entries,
        Val::List(items) => items
            .into_iter()
            .filter_map(|v| v.as_text().map(|key| (key, v)))
            .collect(),
        Val::Unknown(why) => return Val::Unknown(why),
        _ => return Val::Unknown("a for_each that is not a collection".into()),
    };
    let mut instances = Vec::new();
    for (key, value) in entries.iter().take(MAX_FOR_ITEMS) {
        let key_val = Val::Str(key.clone());
        let instance = env.with_each(&key_val, value);
        instances.push((key.clone(), backstop_job_object(instance, block)));
    }
    Val::Map(instances)
}

/// Computed attributes of Backstop's own resources that follow from their inputs, so a
/// `backstop_backup_alert` written as `cronjob_name = backstop_backup_job.x.cronjob_name`
/// still names its CronJob.
fn backstop_computed(env: Env, block: &Block, kind: &str, key: &str) -> Option<Val> {
    let name = || block.attr("name").map(|a| env.eval(&a.value));
    match (kind, key) {
        ("backstop_backup_job", "cronjob_name") => Some(match name()? {
            Val::Str(app) => Val::Str(policy::cronjob_name(&app)),
            other => other,
        }),
        ("backstop_nfs_backup_volume", "claim_name" | "volume_name") => name(),
        _ => None,
    }
}

//! Text that reaches the cluster inside other resources: Helm values and manifests (which
//! create PVCs through `storageClass:` keys) and Prometheus alert rules (which watch backup
//! CronJobs). Read from `yamlencode` objects, strings, heredocs, `templatefile`/`file`
//! targets and the repository's `.yaml`/`.tpl` files.

use super::config::NfsPolicy;
use super::discover::Repo;
use super::eval::{Env, Scope, Val};
use super::model::{
    AlertKind, AlertRule, ClaimRef, Drill, JobKind, Loc, Origin, Pvc, PvcKind, Stack,
};
use super::rendered;
use super::syntax::{self, Block, Expr, ExprKind, Part};
use backstop_codegen::{policy, BackupAlert};
use std::collections::HashMap;
use std::ops::Range;

const STORAGE_CLASS_KEYS: [&str; 2] = ["storageClass", "storageClassName"];

pub fn helm_release(stack: &mut Stack, env: &Env, block: &Block, origin: &Origin) {
    let namespace = block
        .attr("namespace")
        .map_or(Val::Null, |a| env.eval(&a.value));
    let mut found = Vec::new();
    if let Some(values) = block.attr("values") {
        storage_classes(env, origin.loc.file, &values.value, &mut found);
    }
    let file = origin.loc.file;
    // Provider v2 `set { name value }` blocks; v3 `set = [{ name, value }]` lists.
    for key in ["set", "set_string"] {
        for set in block.blocks.iter().filter(|b| b.kind == key) {
            let name = set
                .attr("name")
                .and_then(|a| env.string(&a.value).ok())
                .unwrap_or_default();
            if let Some(value) = set.attr("value").filter(|_| is_class_key(&name)) {
                let at = Loc {
                    file,
                    span: set.span.clone(),
                };
                found.push((env.eval(&value.value), at));
            }
        }
        if let Some(list) = block.attr(key) {
            let at = Loc {
                file,
                span: list.value.span.clone(),
            };
            match env.eval(&list.value) {
                Val::List(items) => {
                    for item in items {
                        let name = item.get("name").and_then(Val::as_str).unwrap_or("");
                        if is_class_key(name) {
                            let value = item.get("value").cloned().unwrap_or(Val::Null);
                            found.push((value, at.clone()));
                        }
                    }
                }
                Val::Unknown(why) => found.push((
                    Val::Unknown(format!("the `{key}` list could not be read ({why})")),
                    at,
                )),
                _ => {}
            }
        }
    }
    push_value_pvcs(stack, namespace, found, origin);
}

/// A Helm `set` name that sets a storage class: `persistence.storageClass`, ...
fn is_class_key(name: &str) -> bool {
    STORAGE_CLASS_KEYS.iter().any(|k| name.ends_with(k))
}

/// Kinds that never create a claim, though their text may hold a `storageClassName`.
const NOT_CLAIMS: [&str; 14] = [
    "PersistentVolume",
    "StorageClass",
    "ConfigMap",
    "Secret",
    "CustomResourceDefinition",
    "Service",
    "Namespace",
    "ServiceAccount",
    "Role",
    "RoleBinding",
    "ClusterRole",
    "ClusterRoleBinding",
    "VolumeSnapshotClass",
    "NetworkPolicy",
];

/// `kubernetes_manifest` / `kubectl_manifest`: a PersistentVolumeClaim keeps its name and
/// namespace (a CronJob can mount it, a dump in its namespace can cover it); kinds that
/// never create claims are skipped; any other kind (an operator's resource, a StatefulSet)
/// creates claims through its `storageClass` keys, in its namespace. An object a Backstop
/// resource renders is skipped: its only claim is the NFS volume's, which its own block
/// already declared.
pub fn manifest(stack: &mut Stack, env: &Env, block: &Block, origin: &Origin, classes: &NfsPolicy) {
    for key in ["manifest", "yaml_body"] {
        let Some(body) = block.attr(key) else {
            continue;
        };
        if renders_backstop_object(&body.value) {
            continue;
        }
        let at = Loc {
            file: origin.loc.file,
            span: body.value.span.clone(),
        };
        match manifest_value(env, &body.value) {
            Val::Map(entries) => {
                let value = Val::Map(entries);
                let document = Manifest::from_val(&value);
                match document.kind.as_deref() {
                    Some(kind @ ("CronJob" | "ConfigMap")) => {
                        if let Some(object) = rendered::json(&value) {
                            workload_object(stack, kind, &object, origin);
                        }
                    }
                    Some("PersistentVolumeClaim") => {
                        push_manifest_claim(stack, env, document, origin, classes)
                    }
                    Some(kind) if NOT_CLAIMS.contains(&kind) => {}
                    _ => {
                        let mut found = Vec::new();
                        document_classes(env, origin.loc.file, &body.value, false, &mut found);
                        push_value_pvcs(stack, document.namespace, found, origin);
                    }
                }
            }
            // YAML text, one object per document.
            Val::Str(text) => {
                for part in text.split("\n---") {
                    let document = Manifest::from_yaml(part);
                    match document.kind.as_deref() {
                        Some(kind @ ("CronJob" | "ConfigMap")) => {
                            if let Ok(object) = serde_yaml_ng::from_str(part) {
                                workload_object(stack, kind, &object, origin);
                            }
                        }
                        Some("PersistentVolumeClaim") => {
                            push_manifest_claim(stack, env, document, origin, classes)
                        }
                        Some(kind) if NOT_CLAIMS.contains(&kind) => {}
                        _ => {
                            let found = yaml_storage_classes(part, None)
                                .into_iter()
                                .map(|(class, _)| (class, at.clone()))
                                .collect();
                            push_value_pvcs(stack, document.namespace, found, origin);
                        }
                    }
                }
            }
            Val::Unknown(why) => {
                let why = format!("the manifest could not be read ({why})");
                push_value_pvcs(stack, Val::Null, vec![(Val::Unknown(why), at)], origin);
            }
            _ => {}
        }
    }
}

/// A CronJob applied as a manifest (GitOps YAML, `backstop render` output) is read as a
/// typed one is; a ConfigMap, for the `envFrom` of the pods of the stack.
fn workload_object(stack: &mut Stack, kind: &str, object: &serde_json::Value, origin: &Origin) {
    if kind == "ConfigMap" {
        stack
            .config_maps
            .extend(super::extract::manifest_config_map(object, true));
        return;
    }
    let claim = |name: &str| ClaimRef {
        name: Val::Str(name.to_string()),
        addr: None,
    };
    let job = super::extract::manifest_job(object, &claim, JobKind::Kubernetes, origin.clone());
    // Backstop's restore drill (`<app>-restore-test`, reading the backup claim read-only):
    // it drills `<app>-backup` and writes no backup of its own.
    let drilled = job
        .name
        .as_str()
        .and_then(|name| name.strip_suffix(policy::DRILL_SUFFIX))
        .filter(|_| {
            let reads = job
                .mounts
                .iter()
                .filter(|m| policy::is_in_backup_dir(&m.path));
            reads.clone().count() > 0 && reads.clone().all(|m| m.read_only)
        });
    match drilled {
        Some(app) => stack.drills.push(Drill {
            cronjob: Val::Str(policy::cronjob_name(app)),
            namespace: job.namespace,
            job_addr: None,
            origin: origin.clone(),
        }),
        None => stack.jobs.push(job),
    }
}

/// `backstop_<type>.<name>....` or `data.backstop_<type>.<name>....`: an attribute of a
/// Backstop resource or data source.
fn renders_backstop_object(expr: &Expr) -> bool {
    expr.target()
        .is_some_and(|t| t.kind.starts_with("backstop_"))
}

/// A manifest as a value: an object, or YAML text (a heredoc, or what `yamldecode` and the
/// kubernetes provider's `manifest_decode` functions are given, read as text).
fn manifest_value(env: &Env, expr: &Expr) -> Val {
    match &expr.kind {
        ExprKind::Call(name, args)
            if matches!(
                name.as_str(),
                "yamldecode" | "manifest_decode" | "manifest_decode_multi"
            ) =>
        {
            args.first().map_or(Val::Null, |arg| env.eval(arg))
        }
        _ => env.eval(expr),
    }
}

fn push_manifest_claim(
    stack: &mut Stack,
    env: &Env,
    document: Manifest,
    origin: &Origin,
    classes: &NfsPolicy,
) {
    // Bound to an NFS PersistentVolume of the module (Backstop's static pair, applied from
    // its rendered YAML): a backup destination whatever its class is called.
    let nfs_volume = document.volume_name.as_str().is_some_and(|pv| {
        super::extract::nfs_persistent_volume(env, pv) || nfs_manifest_volume(env, pv)
    });
    let pvc = Pvc {
        name: document.name,
        namespace: document.namespace,
        storage_class: document.claim_class,
        access_modes: Vec::new(),
        kind: PvcKind::Typed,
        owner: Val::Null,
        origin: origin.clone(),
    };
    super::extract::push_claim(stack, pvc, nfs_volume, classes);
}

/// A PersistentVolume `pv` applied as a manifest in the module, with an `nfs` source or
/// the NFS CSI driver.
fn nfs_manifest_volume(env: &Env, pv: &str) -> bool {
    let is_nfs_volume = |object: &serde_json::Value| {
        object["kind"] == "PersistentVolume"
            && object["metadata"]["name"] == pv
            && (object["spec"].get("nfs").is_some()
                || object["spec"]["csi"]["driver"] == policy::CSI_DRIVER)
    };
    env.scope
        .blocks()
        .filter(|b| {
            b.kind == "resource"
                && matches!(
                    b.labels.first().map(String::as_str),
                    Some("kubernetes_manifest" | "kubectl_manifest")
                )
        })
        .flat_map(|b| ["manifest", "yaml_body"].map(|key| b.attr(key)))
        .flatten()
        .any(|body| match manifest_value(env, &body.value) {
            value @ Val::Map(_) => rendered::json(&value).is_some_and(|o| is_nfs_volume(&o)),
            Val::Str(text) => text.split("\n---").any(|part| {
                part.contains("PersistentVolume")
                    && serde_yaml_ng::from_str(part).is_ok_and(|o| is_nfs_volume(&o))
            }),
            _ => false,
        })
}

/// What the rules need of one Kubernetes object written as HCL or YAML.
struct Manifest {
    kind: Option<String>,
    name: Val,
    namespace: Val,
    /// A PersistentVolumeClaim's `spec.storageClassName`.
    claim_class: Val,
    /// A PersistentVolumeClaim's `spec.volumeName`: the PersistentVolume it binds.
    volume_name: Val,
}

impl Default for Manifest {
    fn default() -> Self {
        Manifest {
            kind: None,
            name: Val::Unknown("the manifest could not be read statically".into()),
            namespace: Val::Null,
            claim_class: Val::Null,
            volume_name: Val::Null,
        }
    }
}

impl Manifest {
    fn from_val(value: &Val) -> Manifest {
        let metadata = value.get("metadata");
        let field = |key: &str| metadata.and_then(|m| m.get(key)).cloned();
        Manifest {
            kind: value.get("kind").and_then(Val::as_str).map(str::to_string),
            name: field("name").unwrap_or(Val::Null),
            namespace: field("namespace").unwrap_or(Val::Null),
            claim_class: value
                .get("spec")
                .and_then(|s| s.get("storageClassName"))
                .cloned()
                .unwrap_or(Val::Null),
            volume_name: value
                .get("spec")
                .and_then(|s| s.get("volumeName"))
                .cloned()
                .unwrap_or(Val::Null),
        }
    }

    /// Top-level `kind:`, `metadata:` `name:`/`namespace:` and a `storageClassName:`.
    fn from_yaml(text: &str) -> Manifest {
        let mut manifest = Manifest {
            name: Val::Null,
            ..Manifest::default()
        };
        let mut in_metadata = false;
        let mut metadata_indent = None;
        for line in text.lines() {
            let trimmed = line.trim_start();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let indent = line.len() - trimmed.len();
            let Some((key, value)) = trimmed.split_once(':') else {
                continue;
            };
            let value = yaml_scalar(value);
            if indent == 0 {
                in_metadata = key == "metadata";
                metadata_indent = None;
                if key == "kind" {
                    manifest.kind = Some(value.to_string());
                }
            } else if in_metadata && *metadata_indent.get_or_insert(indent) == indent {
                match key {
                    "name" => manifest.name = unless_templated(value.to_string()),
                    "namespace" => manifest.namespace = unless_templated(value.to_string()),
                    _ => {}
                }
            }
            if key == "storageClassName" && indent > 0 {
                manifest.claim_class = unless_templated(value.to_string());
            }
            if key == "volumeName" && indent > 0 {
                manifest.volume_name = unless_templated(value.to_string());
            }
        }
        manifest
    }
}

/// `provisioner "local-exec"` commands that pipe a heredoc manifest into `kubectl apply`.
pub fn kubectl_apply(stack: &mut Stack, env: &Env, block: &Block, origin: &Origin) {
    let mut found = Vec::new();
    let local_exec = block.blocks.iter().filter(|b| {
        b.kind == "provisioner" && b.labels.first().map(String::as_str) == Some("local-exec")
    });
    for provisioner in local_exec {
        let Some(command) = provisioner.attr("command") else {
            continue;
        };
        let applies = match &command.value.kind {
            ExprKind::Template(parts) => template_text(env, parts).contains("kubectl"),
            _ => false,
        };
        if applies {
            storage_classes(env, origin.loc.file, &command.value, &mut found);
        }
    }
    push_value_pvcs(stack, Val::Null, found, origin);
}

fn push_value_pvcs(stack: &mut Stack, namespace: Val, found: Vec<(Val, Loc)>, origin: &Origin) {
    for (storage_class, loc) in found {
        if matches!(&storage_class, Val::Str(s) if s.is_empty()) || storage_class == Val::Null {
            continue; // The chart's default class: not chosen here.
        }
        stack.pvcs.push(Pvc {
            name: Val::Unknown("the claim name is chosen by the chart or operator".into()),
            namespace: namespace.clone(),
            storage_class,
            access_modes: Vec::new(),
            kind: PvcKind::Values,
            owner: Val::Null,
            origin: Origin {
                loc,
                ..origin.clone()
            },
        });
    }
}

/// Storage classes a values document or manifest sets. `top`: `expr` is a whole document
/// (a `values` item, a manifest body); only a whole document that cannot be read is said
/// to be unreadable, not every computed value inside one (a password, an address).
fn storage_classes(env: &Env, file: usize, expr: &Expr, out: &mut Vec<(Val, Loc)>) {
    document_classes(env, file, expr, true, out)
}

fn document_classes(env: &Env, file: usize, expr: &Expr, top: bool, out: &mut Vec<(Val, Loc)>) {
    match &expr.kind {
        ExprKind::Object(entries) => {
            for (key, value) in entries {
                let key = env.string(key).unwrap_or_default();
                if STORAGE_CLASS_KEYS.contains(&key.as_str()) {
                    out.push((
                        env.eval(value),
                        Loc {
                            file,
                            span: value.span.clone(),
                        },
                    ));
                } else {
                    document_classes(env, file, value, false, out);
                }
            }
        }
        ExprKind::List(items) => items
            .iter()
            .for_each(|e| document_classes(env, file, e, top, out)),
        ExprKind::Call(name, args) if name == "templatefile" || name == "file" => {
            let at = Loc {
                file,
                span: expr.span.clone(),
            };
            let path = match args.first().map(|a| env.string(a)) {
                Some(Ok(path)) => path,
                Some(Err(why)) => {
                    if top {
                        let why = format!(
                            "the path of the values file {name}() reads is not static ({why})"
                        );
                        out.push((Val::Unknown(why), at));
                    }
                    return;
                }
                None => return,
            };
            let vars = args.get(1).map(|a| env.eval(a));
            let full = super::build::normalize(&env.scope.dir.join(&path));
            let Some(&target) = env.scope.repo.by_path.get(&full) else {
                if top {
                    let why = format!("the values file {path} is not in the repository");
                    out.push((Val::Unknown(why), at));
                }
                return;
            };
            let text = &env.scope.repo.files[target].text;
            for (value, offset) in yaml_storage_classes(text, vars.as_ref()) {
                out.push((
                    value,
                    Loc {
                        file: target,
                        span: offset..offset + 1,
                    },
                ));
            }
        }
        ExprKind::Call(name, args) if name == "yamlencode" || name == "jsonencode" => args
            .iter()
            .for_each(|e| document_classes(env, file, e, top, out)),
        // `values = [local.values]`, `[yamlencode(local.x)]`, a function of them: read the
        // value they evaluate to, or say that it could not be read.
        ExprKind::Ref(_) | ExprKind::Call(..) | ExprKind::Conditional(_) => {
            let at = Loc {
                file,
                span: expr.span.clone(),
            };
            match env.eval(expr) {
                Val::Unknown(why) if top => out.push((
                    Val::Unknown(format!("the values could not be read ({why})")),
                    at,
                )),
                Val::Unknown(_) => {}
                value => value_storage_classes(&value, &at, out),
            }
        }
        ExprKind::Template(parts) => {
            let text = template_text(env, parts);
            let source = &env.scope.repo.files[file].text;
            for (value, offset) in yaml_storage_classes(&text, None) {
                let line = line_at(&text, offset);
                out.push((
                    value,
                    Loc {
                        file,
                        span: locate(source, &expr.span, line),
                    },
                ));
            }
        }
        _ => {}
    }
}

/// Storage classes inside an evaluated value: `storageClass` keys of maps, and YAML text.
fn value_storage_classes(value: &Val, at: &Loc, out: &mut Vec<(Val, Loc)>) {
    match value {
        Val::Map(entries) => {
            for (key, inner) in entries {
                if STORAGE_CLASS_KEYS.contains(&key.as_str()) {
                    out.push((inner.clone(), at.clone()));
                } else {
                    value_storage_classes(inner, at, out);
                }
            }
        }
        Val::List(items) => items
            .iter()
            .for_each(|item| value_storage_classes(item, at, out)),
        Val::Str(text) => {
            for (class, _) in yaml_storage_classes(text, None) {
                out.push((class, at.clone()));
            }
        }
        _ => {}
    }
}

/// Literal text of a string or heredoc; interpolations resolved when static, else `${...}`.
fn template_text(env: &Env, parts: &[Part]) -> String {
    parts
        .iter()
        .map(|part| match part {
            Part::Lit(text) => text.clone(),
            Part::Interp(e) => env.string(e).unwrap_or_else(|_| "${...}".into()),
            Part::Directive => String::new(),
        })
        .collect()
}

/// `storageClass: x` lines of YAML text, with `${var}` substituted from a `templatefile`'s
/// variables; a value still templated is unknown.
fn yaml_storage_classes(text: &str, vars: Option<&Val>) -> Vec<(Val, usize)> {
    let mut found = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim().trim_start_matches("- ");
        if let Some((key, value)) = trimmed.split_once(':') {
            if STORAGE_CLASS_KEYS.contains(&key.trim().trim_matches('"')) {
                let value = unless_templated(substitute(yaml_scalar(value), vars));
                found.push((value, offset + line.len() - line.trim_start().len()));
            }
        }
        offset += line.len();
    }
    found
}

/// The value of a `key: value` YAML line: no trailing comment, no quotes.
fn yaml_scalar(value: &str) -> &str {
    value
        .split(" #")
        .next()
        .unwrap_or("")
        .trim()
        .trim_matches(|c| c == '"' || c == '\'')
}

/// A YAML value, unknown while it still holds a `${...}` or `{{ ... }}` template.
fn unless_templated(value: String) -> Val {
    if value.contains("${") || value.contains("{{") {
        Val::Unknown(format!("the template expression {value}"))
    } else {
        Val::Str(value)
    }
}

fn substitute(text: &str, vars: Option<&Val>) -> String {
    let Some(Val::Map(entries)) = vars else {
        return text.to_string();
    };
    entries.iter().fold(text.to_string(), |acc, (name, value)| {
        match value.as_str() {
            Some(v) => acc.replace(&format!("${{{name}}}"), v),
            None => acc,
        }
    })
}

fn line_at(text: &str, offset: usize) -> &str {
    let start = text[..offset.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    text[start..].lines().next().unwrap_or("").trim()
}

/// Where a line of a string's text sits in the source: the first occurrence inside the
/// expression's span (heredoc text is verbatim), else the expression's start.
fn locate(source: &str, span: &Range<usize>, line: &str) -> Range<usize> {
    let within = source.get(span.clone()).unwrap_or("");
    match within.find(line).filter(|_| !line.is_empty()) {
        Some(at) => span.start + at..span.start + at + line.len(),
        None => span.start..span.start + 1,
    }
}

/// Every alert rule in the repository that names a CronJob.
pub fn alert_rules(repo: &Repo) -> Vec<AlertRule> {
    let mut rules = Vec::new();
    for (index, file) in repo.files.iter().enumerate() {
        match &file.hcl {
            None => {
                for rule in text_alerts(&file.text) {
                    let loc = Loc {
                        file: index,
                        span: rule.offset..rule.offset + 1,
                    };
                    rules.push(rule.into_alert(loc, Vec::new()));
                }
            }
            Some(Ok(blocks)) => {
                let dir = file
                    .path
                    .parent()
                    .map(|p| p.to_path_buf())
                    .unwrap_or_default();
                let scope = Scope::new(repo, dir, HashMap::new());
                for block in blocks {
                    hcl_alerts(&scope.env(), index, block, &mut rules);
                }
            }
            Some(Err(_)) => {}
        }
    }
    rules
}

/// The rules a `backstop_backup_alert` renders, when its CronJob name resolves in `env`
/// (read again per module instance by the model builder, where module inputs are known):
/// read from the core's rendering when every value is static, else from its switches.
pub fn backstop_alert(env: &Env, block: &Block, loc: &Loc, anchors: &[Loc]) -> Vec<AlertRule> {
    if let Some((alert, rendered)) = rendered::alert(env, block) {
        return rendered::rules(&rendered)
            .flat_map(|(name, expr)| classify(name, expr, 0))
            .map(|rule| AlertRule {
                namespace: Some(alert.namespace.clone()),
                stale_after_seconds: (rule.kind == AlertKind::Stale)
                    .then_some(rendered.stale_after_seconds),
                ..rule.into_alert(loc.clone(), anchors.to_vec())
            })
            .collect();
    }
    let text = |key: &str| block.attr(key).and_then(|a| env.string(&a.value).ok());
    let Some(cronjob) = text("cronjob_name") else {
        return Vec::new();
    };
    let namespace = text("namespace");
    // The threshold follows from these alone, when they resolve and the rest does not.
    let stale_after_seconds = namespace.as_ref().and_then(|namespace| {
        rendered::stale_threshold(BackupAlert {
            cronjob_name: cronjob.clone(),
            namespace: namespace.clone(),
            schedule: text("schedule"),
            stale_after: text("stale_after"),
            ..BackupAlert::default()
        })
    });
    let enabled = |key: &str| {
        block
            .attr(key)
            .is_none_or(|a| env.eval(&a.value).as_bool().unwrap_or(true))
    };
    [
        (AlertKind::Stale, "stale"),
        (AlertKind::NeverSucceeded, "never_succeeded"),
    ]
    .into_iter()
    .filter(|(_, key)| enabled(key))
    .map(|(kind, _)| AlertRule {
        cronjob: cronjob.clone(),
        regex: false,
        kind,
        compares_to_zero: false,
        namespace: namespace.clone(),
        stale_after_seconds: stale_after_seconds.filter(|_| kind == AlertKind::Stale),
        loc: loc.clone(),
        anchors: anchors.to_vec(),
    })
    .collect()
}

fn hcl_alerts(env: &Env, file: usize, block: &Block, rules: &mut Vec<AlertRule>) {
    let anchors = vec![Loc {
        file,
        span: block.span.clone(),
    }];
    if block.kind == "resource"
        && block.labels.first().map(String::as_str) == Some("backstop_backup_alert")
    {
        rules.extend(backstop_alert(env, block, &anchors[0], &anchors));
        return;
    }
    let source = &env.scope.repo.files[file].text;
    syntax::all_attrs(block, &mut |attr| {
        syntax::walk(&attr.value, &mut |expr| match &expr.kind {
            ExprKind::Template(parts) => {
                let text = template_text(env, parts);
                for rule in text_alerts(&text) {
                    let span = locate(source, &expr.span, line_at(&text, rule.offset));
                    rules.push(rule.into_alert(Loc { file, span }, anchors.clone()));
                }
            }
            ExprKind::Object(entries) => {
                let get = |name: &str| {
                    entries
                        .iter()
                        .find(|(k, _)| env.string(k).ok().as_deref() == Some(name))
                        .map(|(_, v)| match &v.kind {
                            ExprKind::Template(parts) => template_text(env, parts),
                            _ => env.string(v).unwrap_or_default(),
                        })
                };
                if let (Some(name), Some(rule_expr)) = (get("alert"), get("expr")) {
                    for rule in classify(&name, &rule_expr, 0) {
                        rules.push(rule.into_alert(
                            Loc {
                                file,
                                span: expr.span.clone(),
                            },
                            anchors.clone(),
                        ));
                    }
                }
            }
            _ => {}
        })
    });
}

struct TextRule {
    cronjob: String,
    regex: bool,
    kind: AlertKind,
    compares_to_zero: bool,
    offset: usize,
}

impl TextRule {
    fn into_alert(self, loc: Loc, anchors: Vec<Loc>) -> AlertRule {
        AlertRule {
            cronjob: self.cronjob,
            regex: self.regex,
            kind: self.kind,
            compares_to_zero: self.compares_to_zero,
            namespace: None,
            stale_after_seconds: None,
            loc,
            anchors,
        }
    }
}

/// Rules in YAML text: each `alert:` line starts a rule that runs to the next one.
fn text_alerts(text: &str) -> Vec<TextRule> {
    if !text.contains("alert") {
        return Vec::new();
    }
    let mut starts = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim().trim_start_matches("- ");
        if let Some(name) = trimmed.strip_prefix("alert:") {
            starts.push((
                offset + line.len() - line.trim_start().len(),
                name.trim()
                    .trim_matches(|c| c == '"' || c == '\'')
                    .to_string(),
            ));
        }
        offset += line.len();
    }
    let mut rules = Vec::new();
    for (i, (start, name)) in starts.iter().enumerate() {
        let end = starts.get(i + 1).map_or(text.len(), |(next, _)| *next);
        rules.extend(classify(name, &text[*start..end], *start));
    }
    rules
}

/// One rule per CronJob its expression selects (`cronjob="x"`, `cronjob =~ 'x-.*'`, each
/// side of an `or`); negative matchers select nothing.
fn classify(name: &str, body: &str, offset: usize) -> Vec<TextRule> {
    let watches_success = body.contains("last_successful_time");
    let kind = if name.contains("NeverSucceeded")
        || (watches_success && (body.contains("absent(") || body.contains("unless")))
    {
        AlertKind::NeverSucceeded
    } else if name.contains("Stale") || (watches_success && body.contains("time()")) {
        AlertKind::Stale
    } else {
        return Vec::new();
    };
    let compares_to_zero = kind == AlertKind::NeverSucceeded
        && watches_success
        && (body.contains("== 0") || body.contains("==0"));
    cronjob_matchers(body)
        .into_iter()
        .filter(|(value, _)| !value.is_empty() && !value.contains("${") && !value.contains("{{"))
        .map(|(cronjob, regex)| TextRule {
            cronjob,
            regex,
            kind,
            compares_to_zero,
            offset,
        })
        .collect()
}

/// The values of the `cronjob` label matchers in a PromQL expression, and whether each is
/// a regex (`=~`). `!=` and `!~` are skipped.
fn cronjob_matchers(body: &str) -> Vec<(String, bool)> {
    let mut found = Vec::new();
    for (at, _) in body.match_indices("cronjob") {
        let before = body[..at].chars().next_back();
        if before.is_some_and(|c| !(c == '{' || c == ',' || c.is_whitespace())) {
            continue; // part of a longer name, e.g. kube_cronjob_info
        }
        let rest = body[at + "cronjob".len()..].trim_start();
        let (regex, rest) = if let Some(r) = rest.strip_prefix("=~") {
            (true, r)
        } else if rest.starts_with("!=") || rest.starts_with("!~") || rest.starts_with("==") {
            continue;
        } else if let Some(r) = rest.strip_prefix('=') {
            (false, r)
        } else {
            continue;
        };
        let rest = rest.trim_start();
        let Some(quote) = rest
            .chars()
            .next()
            .filter(|c| matches!(c, '"' | '\'' | '`'))
        else {
            continue;
        };
        if let Some(end) = rest[1..].find(quote) {
            found.push((rest[1..1 + end].to_string(), regex));
        }
    }
    found
}

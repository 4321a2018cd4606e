//! Reads one resource instance into the model: typed Kubernetes resources, Backstop's own
//! resources, and the Helm releases and manifests that create PVCs through values.

use super::config::{NfsPolicy, NfsVerdict};
use super::eval::{Env, Val};
use super::model::{
    ClaimRef, ConfigMap, Drill, EnvVar, Job, JobKind, MountRef, NfsDest, Note, Origin, PodVolume,
    Pvc, PvcKind, Service, Stack, VolumeSource, Workload,
};
use super::rendered;
use super::rules::Code;
use super::syntax::{Block, Expr, ExprKind, Part};
use super::values;
use backstop_codegen::policy;
use serde_json::Value;

pub fn resource(stack: &mut Stack, env: &Env, block: &Block, origin: Origin, classes: &NfsPolicy) {
    let kind = block.labels.first().map(String::as_str).unwrap_or("");
    match kind {
        "kubernetes_persistent_volume_claim" | "kubernetes_persistent_volume_claim_v1" => {
            typed_pvc(stack, env, block, origin, classes)
        }
        "kubernetes_persistent_volume" | "kubernetes_persistent_volume_v1" => {}
        "kubernetes_cron_job" | "kubernetes_cron_job_v1" => cron_job(stack, env, block, origin),
        "kubernetes_stateful_set" | "kubernetes_stateful_set_v1" => {
            claim_templates(stack, env, block, &origin);
            workload(stack, env, block, origin);
        }
        "kubernetes_deployment"
        | "kubernetes_deployment_v1"
        | "kubernetes_daemonset"
        | "kubernetes_daemon_set_v1" => workload(stack, env, block, origin),
        "backstop_backup_job" => backstop_job(stack, env, block, origin),
        "backstop_nfs_backup_volume" => {
            let claim_name = match rendered::volume(env, block) {
                Some((_, volume)) => Val::Str(volume.claim_name),
                None => attr(env, block, "name"),
            };
            stack.nfs.push(NfsDest { claim_name, origin });
        }
        "kubernetes_service" | "kubernetes_service_v1" => service(stack, env, block),
        "kubernetes_config_map" | "kubernetes_config_map_v1" => typed_config_map(stack, env, block),
        "backstop_restore_test" => drill(stack, env, block, origin),
        "backstop_backup_alert" => {
            let alerts = values::backstop_alert(env, block, &origin.loc, &origin.anchors);
            stack.alerts.extend(alerts);
        }
        "helm_release" => values::helm_release(stack, env, block, &origin),
        "kubernetes_manifest" | "kubectl_manifest" => {
            values::manifest(stack, env, block, &origin, classes)
        }
        "null_resource" | "terraform_data" => values::kubectl_apply(stack, env, block, &origin),
        _ => {}
    }
}

fn attr(env: &Env, block: &Block, key: &str) -> Val {
    block.attr(key).map_or(Val::Null, |a| env.eval(&a.value))
}

fn nested(env: &Env, block: &Block, path: &[&str], key: &str) -> Val {
    block.path(path).map_or(Val::Null, |b| attr(env, b, key))
}

fn strings(value: &Val) -> Vec<String> {
    match value {
        Val::List(items) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

/// A PVC is NFS-backed when its storage class is (named in `backstop.toml`, or guessed
/// from its name, which is said in a BS103 note) or it binds an NFS PersistentVolume.
fn typed_pvc(stack: &mut Stack, env: &Env, block: &Block, origin: Origin, classes: &NfsPolicy) {
    let volume_name = nested(env, block, &["spec"], "volume_name");
    let nfs_volume = volume_name
        .as_str()
        .is_some_and(|pv| nfs_persistent_volume(env, pv));
    let pvc = Pvc {
        name: nested(env, block, &["metadata"], "name"),
        namespace: nested(env, block, &["metadata"], "namespace"),
        storage_class: nested(env, block, &["spec"], "storage_class_name"),
        access_modes: strings(&nested(env, block, &["spec"], "access_modes")),
        kind: PvcKind::Typed,
        owner: Val::Null,
        origin,
    };
    push_claim(stack, pvc, nfs_volume, classes);
}

/// Records a named claim: as an NFS destination when its class (or its volume) is NFS,
/// else as a claim the rules check. A claim naming no class gets the default class.
pub fn push_claim(stack: &mut Stack, mut pvc: Pvc, nfs_volume: bool, classes: &NfsPolicy) {
    if pvc.storage_class == Val::Null {
        pvc.storage_class = default_class(classes);
    }
    let verdict = pvc
        .storage_class
        .as_str()
        .map_or(NfsVerdict::No, |c| classes.verdict(c));
    if verdict == NfsVerdict::GuessedFromName && !nfs_volume {
        stack.notes.push(Note {
            code: Code::NfsClassGuessed,
            message: format!(
                "PVC {} is taken as an NFS backup destination only because its storage class {} has `nfs` in its name; it is not checked for a backup",
                super::rules::describe(&pvc.name),
                super::rules::describe(&pvc.storage_class)
            ),
            help: "name the NFS classes in backstop.toml (`nfs_storage_classes = [...]`), or list this class in `protected_storage_classes` if it is block storage".into(),
            loc: pvc.origin.loc.clone(),
            anchors: pvc.origin.anchors.clone(),
        });
    }
    if verdict != NfsVerdict::No || nfs_volume {
        stack.nfs.push(NfsDest {
            claim_name: pvc.name,
            origin: pvc.origin,
        });
        return;
    }
    stack.pvcs.push(pvc);
}

/// The class of a claim that names none: the cluster's default, when `backstop.toml` says
/// which it is; otherwise not knowable from the repository.
pub fn default_class(classes: &NfsPolicy) -> Val {
    match &classes.default_class {
        Some(class) => Val::Str(class.clone()),
        None => Val::Unknown(
            "no storage class is named, so the cluster's default class applies; name it with `default_storage_class` in backstop.toml".into(),
        ),
    }
}

/// A typed PV in the same module named `pv` with an `nfs` source or the NFS CSI driver.
pub fn nfs_persistent_volume(env: &Env, pv: &str) -> bool {
    env.scope.blocks().any(|b| {
        b.kind == "resource"
            && b.labels.first().is_some_and(|t| {
                t.starts_with("kubernetes_persistent_volume") && !t.contains("claim")
            })
            && nested(env, b, &["metadata"], "name").as_str() == Some(pv)
            && b.path(&["spec", "persistent_volume_source"])
                .is_some_and(|source| {
                    source.block("nfs").is_some()
                        || source.block("csi").is_some_and(|csi| {
                            attr(env, csi, "driver").as_str() == Some(policy::CSI_DRIVER)
                        })
                })
    })
}

fn claim_templates(stack: &mut Stack, env: &Env, block: &Block, origin: &Origin) {
    let owner = nested(env, block, &["metadata"], "name");
    let namespace = nested(env, block, &["metadata"], "namespace");
    let Some(spec) = block.block("spec") else {
        return;
    };
    for template in spec.blocks_of("volume_claim_template") {
        stack.pvcs.push(Pvc {
            name: nested(env, template, &["metadata"], "name"),
            namespace: namespace.clone(),
            storage_class: nested(env, template, &["spec"], "storage_class_name"),
            access_modes: strings(&nested(env, template, &["spec"], "access_modes")),
            kind: PvcKind::ClaimTemplate,
            owner: owner.clone(),
            origin: Origin {
                loc: super::model::Loc {
                    file: origin.loc.file,
                    span: template.span.clone(),
                },
                ..origin.clone()
            },
        });
    }
}

/// The claim a `claim_name` names: its value, and `TYPE.NAME` when it is a reference.
pub fn claim_ref(env: &Env, expr: &Expr) -> ClaimRef {
    let addr = expr
        .target()
        .filter(|t| !t.data && !matches!(t.kind, "var" | "local" | "each" | "count" | "path"))
        .map(|t| format!("{}.{}", t.kind, t.name));
    ClaimRef {
        name: env.eval(expr),
        addr,
    }
}

#[derive(Default)]
struct PodSpec {
    images: Vec<Val>,
    env: Vec<EnvVar>,
    env_from: Vec<String>,
    scripts: Vec<String>,
    volumes: Vec<PodVolume>,
    mounts: Vec<MountRef>,
    host_affinity: bool,
}

fn pod_spec(env: &Env, spec: &Block) -> PodSpec {
    let mut pod = PodSpec::default();
    for container in spec
        .blocks
        .iter()
        .filter(|b| b.kind == "container" || b.kind == "init_container")
    {
        pod.images.push(attr(env, container, "image"));
        for var in container.blocks_of("env") {
            let secret = var
                .path(&["value_from", "secret_key_ref"])
                .map(|r| (attr(env, r, "name"), attr(env, r, "key")));
            pod.env.push(EnvVar {
                name: attr(env, var, "name")
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                value: attr(env, var, "value"),
                secret,
            });
        }
        pod.env_from.extend(
            container
                .blocks_of("env_from")
                .filter_map(|from| from.block("config_map_ref"))
                .filter_map(|r| attr(env, r, "name").as_str().map(str::to_string)),
        );
        for key in ["command", "args"] {
            if let Some(a) = container.attr(key) {
                pod.scripts.push(script_text(env, &a.value));
            }
        }
        for mount in container.blocks_of("volume_mount") {
            pod.mounts.push(MountRef {
                volume: attr(env, mount, "name")
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                path: attr(env, mount, "mount_path")
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                sub_path: attr(env, mount, "sub_path").as_str().map(str::to_string),
                read_only: attr(env, mount, "read_only").as_bool().unwrap_or(false),
            });
        }
    }
    for volume in spec.blocks_of("volume") {
        let name = attr(env, volume, "name")
            .as_str()
            .unwrap_or_default()
            .to_string();
        let source = if let Some(pvc) = volume.block("persistent_volume_claim") {
            let claim = pvc.attr("claim_name").map_or(
                ClaimRef {
                    name: Val::Null,
                    addr: None,
                },
                |a| claim_ref(env, &a.value),
            );
            VolumeSource::Claim {
                claim,
                read_only: attr(env, pvc, "read_only").as_bool().unwrap_or(false),
            }
        } else if volume.block("nfs").is_some() {
            VolumeSource::Nfs
        } else {
            VolumeSource::Other
        };
        pod.volumes.push(PodVolume { name, source });
    }
    pod.host_affinity = spec
        .path(&["affinity", "pod_affinity"])
        .into_iter()
        .flat_map(|a| a.blocks_of("required_during_scheduling_ignored_during_execution"))
        .any(|term| attr(env, term, "topology_key").as_str() == Some("kubernetes.io/hostname"));
    pod
}

/// The text of a command or args list: literal parts kept, interpolations resolved when
/// static and otherwise kept as `${...}`, so script rules still see the commands around them.
fn script_text(env: &Env, expr: &Expr) -> String {
    match &expr.kind {
        ExprKind::List(items) => items
            .iter()
            .map(|e| script_text(env, e))
            .collect::<Vec<_>>()
            .join(" "),
        ExprKind::Template(parts) => parts
            .iter()
            .map(|part| match part {
                Part::Lit(text) => text.clone(),
                Part::Interp(e) => env.string(e).unwrap_or_else(|_| "${...}".to_string()),
                Part::Directive => String::new(),
            })
            .collect(),
        _ => env.string(expr).unwrap_or_default(),
    }
}

fn cron_job(stack: &mut Stack, env: &Env, block: &Block, origin: Origin) {
    let Some(pod) = block
        .path(&["spec", "job_template", "spec", "template", "spec"])
        .map(|s| pod_spec(env, s))
    else {
        return;
    };
    let deadline = block
        .path(&["spec"])
        .and_then(|s| s.attr("starting_deadline_seconds"))
        .map(|a| env.eval(&a.value));
    let head = CronJobHead {
        name: nested(env, block, &["metadata"], "name"),
        namespace: nested(env, block, &["metadata"], "namespace"),
        schedule: nested(env, block, &["spec"], "schedule"),
        starting_deadline: deadline,
    };
    stack.jobs.push(head.job(pod, JobKind::Kubernetes, origin));
}

/// What a CronJob says besides its pod.
struct CronJobHead {
    name: Val,
    namespace: Val,
    schedule: Val,
    starting_deadline: Option<Val>,
}

impl CronJobHead {
    fn job(self, pod: PodSpec, kind: JobKind, origin: Origin) -> Job {
        Job {
            name: self.name,
            namespace: self.namespace,
            schedule: self.schedule,
            images: pod.images,
            starting_deadline: self.starting_deadline,
            scripts: pod.scripts,
            env_from: pod.env_from,
            volumes: pod.volumes,
            mounts: pod.mounts,
            host_affinity: pod.host_affinity,
            kind,
            origin,
        }
    }
}

fn workload(stack: &mut Stack, env: &Env, block: &Block, origin: Origin) {
    let Some(template) = block.path(&["spec", "template"]) else {
        return;
    };
    let labels = match template.path(&["metadata"]).map(|m| attr(env, m, "labels")) {
        Some(Val::Map(entries)) => entries
            .into_iter()
            .filter_map(|(k, v)| v.as_str().map(|v| (k, v.to_string())))
            .collect(),
        _ => Vec::new(),
    };
    let Some(pod) = template.block("spec").map(|s| pod_spec(env, s)) else {
        return;
    };
    stack.workloads.push(Workload {
        name: nested(env, block, &["metadata"], "name"),
        images: pod.images,
        env: pod.env,
        env_from: pod.env_from,
        labels,
        volumes: pod.volumes,
        mounts: pod.mounts,
        origin,
    });
}

fn service(stack: &mut Stack, env: &Env, block: &Block) {
    let selector = match nested(env, block, &["spec"], "selector") {
        Val::Map(entries) => entries
            .into_iter()
            .filter_map(|(k, v)| v.as_str().map(|v| (k, v.to_string())))
            .collect(),
        _ => Vec::new(),
    };
    stack.services.push(Service {
        name: nested(env, block, &["metadata"], "name"),
        namespace: nested(env, block, &["metadata"], "namespace"),
        selector,
    });
}

/// `kubernetes_config_map(_v1)`: its name, namespace and `data`.
fn typed_config_map(stack: &mut Stack, env: &Env, block: &Block) {
    let Val::Str(name) = nested(env, block, &["metadata"], "name") else {
        return;
    };
    let data = match attr(env, block, "data") {
        Val::Map(entries) => entries,
        _ => Vec::new(),
    };
    stack.config_maps.push(ConfigMap {
        name,
        namespace: nested(env, block, &["metadata"], "namespace"),
        data,
        applied: true,
    });
}

/// A ConfigMap manifest (Backstop's rendered settings, or one read from YAML and `applied`).
pub fn manifest_config_map(config_map: &Value, applied: bool) -> Option<ConfigMap> {
    let data = config_map["data"]
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(key, value)| Some((key.clone(), Val::Str(value.as_str()?.to_string()))))
        .collect();
    Some(ConfigMap {
        name: config_map["metadata"]["name"].as_str()?.to_string(),
        namespace: config_map["metadata"]["namespace"]
            .as_str()
            .map_or(Val::Null, |ns| Val::Str(ns.to_string())),
        data,
        applied,
    })
}

/// Backstop's job as the core renders it, read like any other CronJob with its settings
/// ConfigMap; the hand model only where the block's values are not all static or the core
/// refuses them.
fn backstop_job(stack: &mut Stack, env: &Env, block: &Block, origin: Origin) {
    let drillable = attr(env, block, "strategy").as_str() != Some("command");
    let kind = JobKind::Backstop { drillable };
    let job = match rendered::job(env, block) {
        Some((model, rendered)) => {
            stack
                .config_maps
                .extend(manifest_config_map(&rendered.settings, false));
            // The claims keep the references written in the block
            // (`backstop_nfs_backup_volume.x.claim_name`), which the manifest has resolved.
            let claim = |name: &str| {
                let written = [
                    (model.source_claim.as_deref(), "source_claim"),
                    (Some(model.destination_claim.as_str()), "destination_claim"),
                ]
                .into_iter()
                .find(|(value, _)| *value == Some(name))
                .and_then(|(_, key)| block.attr(key));
                ClaimRef {
                    name: Val::Str(name.to_string()),
                    addr: written.and_then(|a| claim_ref(env, &a.value).addr),
                }
            };
            manifest_job(&rendered.cronjob, &claim, kind, origin)
        }
        None => hand_job(env, block, kind, origin),
    };
    stack.jobs.push(job);
}

/// The facts of a CronJob manifest, rendered by the core or read from YAML; `claim` gives
/// the reference behind a claim name where one is known.
pub fn manifest_job(
    cronjob: &Value,
    claim: &dyn Fn(&str) -> ClaimRef,
    kind: JobKind,
    origin: Origin,
) -> Job {
    let text = |value: &Value| {
        value
            .as_str()
            .map_or(Val::Null, |s| Val::Str(s.to_string()))
    };
    let spec = &cronjob["spec"];
    let pod = &spec["jobTemplate"]["spec"]["template"]["spec"];
    let containers = pod["containers"].as_array().map_or(&[][..], Vec::as_slice);
    let volumes = pod["volumes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|volume| PodVolume {
            name: volume["name"].as_str().unwrap_or_default().to_string(),
            source: match volume["persistentVolumeClaim"].as_object() {
                Some(pvc) => VolumeSource::Claim {
                    claim: claim(
                        pvc.get("claimName")
                            .and_then(Value::as_str)
                            .unwrap_or_default(),
                    ),
                    read_only: pvc
                        .get("readOnly")
                        .and_then(Value::as_bool)
                        .unwrap_or(false),
                },
                None if volume.get("nfs").is_some() => VolumeSource::Nfs,
                None => VolumeSource::Other,
            },
        })
        .collect();
    let mounts = containers
        .iter()
        .flat_map(|c| c["volumeMounts"].as_array().into_iter().flatten())
        .map(|mount| MountRef {
            volume: mount["name"].as_str().unwrap_or_default().to_string(),
            path: mount["mountPath"].as_str().unwrap_or_default().to_string(),
            sub_path: mount["subPath"].as_str().map(str::to_string),
            read_only: mount["readOnly"].as_bool().unwrap_or(false),
        })
        .collect();
    let scripts = containers
        .iter()
        .flat_map(|c| [&c["command"], &c["args"]])
        .filter_map(Value::as_array)
        .map(|parts| {
            parts
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    let host_affinity = pod["affinity"]["podAffinity"]
        ["requiredDuringSchedulingIgnoredDuringExecution"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|term| term["topologyKey"] == "kubernetes.io/hostname");
    let head = CronJobHead {
        name: text(&cronjob["metadata"]["name"]),
        namespace: text(&cronjob["metadata"]["namespace"]),
        schedule: text(&spec["schedule"]),
        starting_deadline: spec["startingDeadlineSeconds"].as_f64().map(Val::Num),
    };
    let images = containers.iter().map(|c| text(&c["image"])).collect();
    let env_from = containers
        .iter()
        .flat_map(|c| c["envFrom"].as_array().into_iter().flatten())
        .filter_map(|from| from["configMapRef"]["name"].as_str().map(str::to_string))
        .collect();
    let pod = PodSpec {
        images,
        env_from,
        scripts,
        volumes,
        mounts,
        host_affinity,
        ..PodSpec::default()
    };
    head.job(pod, kind, origin)
}

/// Backstop's job when it cannot be rendered: compliant by construction (read-only twice,
/// pinned image), so the model records what the rules still check: what it mounts, where
/// it writes, its affinity.
fn hand_job(env: &Env, block: &Block, kind: JobKind, origin: Origin) -> Job {
    let name = match attr(env, block, "name") {
        Val::Str(app) => Val::Str(policy::cronjob_name(&app)),
        other => other,
    };
    let mut pod = PodSpec::default();
    if let Some(source) = block.attr("source_claim") {
        pod.volumes.push(PodVolume {
            name: policy::SOURCE_VOLUME.into(),
            source: VolumeSource::Claim {
                claim: claim_ref(env, &source.value),
                read_only: true,
            },
        });
        let paths = match attr(env, block, "mounts") {
            Val::Map(entries) => entries
                .iter()
                .filter_map(|(_, m)| m.get("path").and_then(Val::as_str).map(str::to_string))
                .collect(),
            _ => Vec::new(),
        };
        for path in paths {
            pod.mounts.push(MountRef {
                volume: policy::SOURCE_VOLUME.into(),
                path,
                sub_path: None,
                read_only: true,
            });
        }
    }
    if let Some(destination) = block.attr("destination_claim") {
        pod.volumes.push(PodVolume {
            name: policy::DESTINATION_VOLUME.into(),
            source: VolumeSource::Claim {
                claim: claim_ref(env, &destination.value),
                read_only: false,
            },
        });
        pod.mounts.push(MountRef {
            volume: policy::DESTINATION_VOLUME.into(),
            path: policy::BACKUP_DIR.into(),
            sub_path: None,
            read_only: false,
        });
    }
    pod.host_affinity = match attr(env, block, "colocate_with") {
        Val::Map(entries) => !entries.is_empty(),
        Val::Null => false,
        _ => true,
    };
    let strategy = attr(env, block, "strategy");
    pod.scripts = match strategy.as_str() {
        Some("pg_dumpall") => vec!["pg_dumpall -h".to_string()],
        Some("mysqldump") => vec!["mysqldump".to_string()],
        _ => Vec::new(),
    };
    pod.images = block
        .attr("image")
        .map(|a| env.eval(&a.value))
        .into_iter()
        .collect();
    let head = CronJobHead {
        name,
        namespace: attr(env, block, "namespace"),
        schedule: attr(env, block, "schedule"),
        starting_deadline: None,
    };
    head.job(pod, kind, origin)
}

/// A restore drill: `job = backstop_backup_job.NAME` (evaluated to the job's inputs), or
/// an object literal of the job's inputs.
fn drill(stack: &mut Stack, env: &Env, block: &Block, origin: Origin) {
    let Some(job) = block.attr("job") else {
        return;
    };
    let job_addr = job
        .value
        .target()
        .filter(|t| !t.data && t.kind == "backstop_backup_job")
        .map(|t| format!("{}.{}", t.kind, t.name));
    let (cronjob, namespace) = match env.eval(&job.value) {
        Val::Map(inputs) => {
            let input = |key: &str| {
                inputs
                    .iter()
                    .find(|(k, _)| k == key)
                    .map_or(Val::Null, |(_, v)| v.clone())
            };
            let cronjob = match input("name") {
                Val::Str(app) => Val::Str(policy::cronjob_name(&app)),
                other => other,
            };
            (cronjob, input("namespace"))
        }
        other => (other.clone(), other),
    };
    stack.drills.push(Drill {
        cronjob,
        namespace,
        job_addr,
        origin,
    });
}

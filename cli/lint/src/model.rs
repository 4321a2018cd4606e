//! What the rules reason about: per stack, the PVCs (with storage class), the CronJobs,
//! the NFS destinations and the app workloads; per repository, the alert rules. Built by
//! `build` (module instantiation) and `extract` (one resource at a time).

use super::eval::Val;
use super::rules::Code;
pub use super::stacks::StackKind;
use backstop_codegen::policy;
use std::ops::Range;
use std::path::PathBuf;

/// A place in a file: where a finding points.
#[derive(Debug, Clone, PartialEq)]
pub struct Loc {
    pub file: usize,
    pub span: Range<usize>,
}

pub struct Model {
    pub stacks: Vec<Stack>,
    pub alerts: Vec<AlertRule>,
}

#[derive(Default)]
pub struct Stack {
    pub dir: PathBuf,
    pub rel: String,
    pub kind: StackKind,
    /// Module folders read for it (its root module first).
    pub dirs: Vec<PathBuf>,
    /// Files read for it: Terragrunt configuration, then every module's `.tf` files.
    pub files: Vec<usize>,
    pub pvcs: Vec<Pvc>,
    pub jobs: Vec<Job>,
    pub nfs: Vec<NfsDest>,
    pub workloads: Vec<Workload>,
    pub services: Vec<Service>,
    /// ConfigMaps (typed, in manifests, and each Backstop job's rendered settings): what a
    /// container's `envFrom` reads.
    pub config_maps: Vec<ConfigMap>,
    /// `backstop_restore_test` resources and data sources: the restore drills.
    pub drills: Vec<Drill>,
    /// Backstop alerts of this stack's module instances (inputs known); the model's
    /// `alerts` holds them too, with the repository's other rules.
    pub alerts: Vec<AlertRule>,
    /// What could not be read: unresolved values, module sources not followed.
    pub notes: Vec<Note>,
}

/// Where a thing was declared: its own location, the blocks an inline suppression may sit
/// on (the resource, then each module call above it), and its module instance.
#[derive(Debug, Clone)]
pub struct Origin {
    pub loc: Loc,
    pub anchors: Vec<Loc>,
    pub instance: usize,
    /// `TYPE.NAME` inside its module, for matching references.
    pub addr: String,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PvcKind {
    /// `kubernetes_persistent_volume_claim(_v1)`.
    Typed,
    /// A StatefulSet's `volume_claim_template` (claims `<template>-<statefulset>-<ordinal>`).
    ClaimTemplate,
    /// Helm values or a manifest: the claim's name is chosen by a chart or an operator.
    Values,
}

#[derive(Debug, Clone)]
pub struct Pvc {
    pub name: Val,
    pub namespace: Val,
    pub storage_class: Val,
    pub access_modes: Vec<String>,
    pub kind: PvcKind,
    /// ClaimTemplate: the StatefulSet's name.
    pub owner: Val,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq)]
pub enum JobKind {
    Kubernetes,
    /// A `backstop_backup_job`. `drillable` is false for the `command` strategy, whose
    /// snapshots Backstop cannot restore, so no drill exists for it.
    Backstop {
        drillable: bool,
    },
}

#[derive(Debug, Clone)]
pub struct Job {
    pub name: Val,
    pub namespace: Val,
    pub schedule: Val,
    /// `None`: not set (Backstop's pinned default applies).
    pub images: Vec<Val>,
    pub starting_deadline: Option<Val>,
    /// Command and args text; interpolations kept as `${...}`. A Backstop `command` job's
    /// command, which reaches the script through its settings ConfigMap, is one of them.
    pub scripts: Vec<String>,
    /// The ConfigMaps its containers read whole with `envFrom`, by name.
    pub env_from: Vec<String>,
    pub volumes: Vec<PodVolume>,
    pub mounts: Vec<MountRef>,
    /// Required pod affinity on `kubernetes.io/hostname` (or Backstop's `colocate_with`).
    pub host_affinity: bool,
    pub kind: JobKind,
    pub origin: Origin,
}

#[derive(Debug, Clone)]
pub struct PodVolume {
    pub name: String,
    pub source: VolumeSource,
}

#[derive(Debug, Clone)]
pub enum VolumeSource {
    Claim { claim: ClaimRef, read_only: bool },
    Nfs,
    Other,
}

/// A claim name as written: its value, and the resource it references if it is a reference.
#[derive(Debug, Clone)]
pub struct ClaimRef {
    pub name: Val,
    pub addr: Option<String>,
}

#[derive(Debug, Clone)]
pub struct MountRef {
    pub volume: String,
    pub path: String,
    pub sub_path: Option<String>,
    pub read_only: bool,
}

/// A `backstop_restore_test`: the backup job it drills, by the CronJob name and namespace
/// its `job` gives, and by address when `job` is `backstop_backup_job.NAME` of the same
/// module instance (which links it even when the job's name is not static).
#[derive(Debug, Clone)]
pub struct Drill {
    pub cronjob: Val,
    pub namespace: Val,
    pub job_addr: Option<String>,
    pub origin: Origin,
}

impl Drill {
    /// True when this drill restores the snapshots of `job`, declared in the same stack
    /// (`same_stack`) or elsewhere in the repository.
    pub fn drills(&self, job: &Job, same_stack: bool) -> bool {
        let by_addr = same_stack
            && self.origin.instance == job.origin.instance
            && self.job_addr.as_deref() == Some(job.origin.addr.as_str());
        let by_name = matches!((&self.cronjob, &job.name), (Val::Str(a), Val::Str(b)) if a == b)
            && match (&self.namespace, &job.namespace) {
                (Val::Str(a), Val::Str(b)) => a == b,
                _ => true,
            };
        by_addr || by_name
    }
}

/// An NFS-backed claim a backup can write to.
#[derive(Debug, Clone)]
pub struct NfsDest {
    pub claim_name: Val,
    pub origin: Origin,
}

/// A Deployment/StatefulSet/DaemonSet: whose pod labels a backup must co-locate with.
#[derive(Debug, Clone)]
pub struct Workload {
    /// `metadata.name`.
    pub name: Val,
    /// Container images, and environment variables (a database's user and password).
    pub images: Vec<Val>,
    /// `env` entries first, then the entries of the ConfigMaps named in `env_from` that
    /// `env` does not set (Kubernetes lets `env` win).
    pub env: Vec<EnvVar>,
    pub env_from: Vec<String>,
    pub labels: Vec<(String, String)>,
    pub volumes: Vec<PodVolume>,
    pub mounts: Vec<MountRef>,
    pub origin: Origin,
}

/// A container's environment variable: a literal value, or a Secret's key.
#[derive(Debug, Clone)]
pub struct EnvVar {
    pub name: String,
    pub value: Val,
    /// `value_from.secret_key_ref`: the Secret's name and key.
    pub secret: Option<(Val, Val)>,
}

/// A ConfigMap's static data.
#[derive(Debug, Clone)]
pub struct ConfigMap {
    pub name: String,
    pub namespace: Val,
    pub data: Vec<(String, Val)>,
    /// Applied by the stack (a typed resource or a manifest), not only rendered by a
    /// `backstop_backup_job` block, whose objects the stack may apply or not.
    pub applied: bool,
}

/// A Service: where a database is reached over the network.
#[derive(Debug, Clone)]
pub struct Service {
    pub name: Val,
    pub namespace: Val,
    pub selector: Vec<(String, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum AlertKind {
    Stale,
    NeverSucceeded,
}

#[derive(Debug, Clone)]
pub struct AlertRule {
    /// The CronJob name, or the regular expression of a `cronjob=~"..."` matcher.
    pub cronjob: String,
    pub regex: bool,
    pub kind: AlertKind,
    /// `last_successful_time == 0`: a NeverSucceeded rule that cannot fire.
    pub compares_to_zero: bool,
    /// The namespace of the CronJob watched, when the rule says it (Backstop's alerts).
    pub namespace: Option<String>,
    /// A Stale rule rendered by the core: the threshold it fires after.
    pub stale_after_seconds: Option<u64>,
    pub loc: Loc,
    pub anchors: Vec<Loc>,
}

#[derive(Debug, Clone)]
pub struct Note {
    pub code: Code,
    pub message: String,
    pub help: String,
    pub loc: Loc,
    pub anchors: Vec<Loc>,
}

impl AlertRule {
    /// True when the rule's `cronjob` matcher selects the CronJob `name` (a regex matcher
    /// is anchored at both ends, as in PromQL).
    pub fn watches(&self, name: &str) -> bool {
        if !self.regex {
            return self.cronjob == name;
        }
        regex::Regex::new(&format!("^(?:{})$", self.cronjob)).is_ok_and(|re| re.is_match(name))
    }
}

impl Job {
    /// Named like a backup, or mounting something at `/backup`: meant as a backup.
    pub fn looks_like_backup(&self) -> bool {
        matches!(self.kind, JobKind::Backstop { .. })
            || self.name.as_str().is_some_and(|n| n.contains("backup"))
            || self
                .mounts
                .iter()
                .any(|m| policy::is_in_backup_dir(&m.path))
    }

    /// True when a volume is where the job writes its backup: mounted at `/backup`.
    pub fn is_backup_mount(&self, volume: &str) -> bool {
        self.mounts
            .iter()
            .any(|m| m.volume == volume && policy::is_in_backup_dir(&m.path))
    }

    pub fn volume(&self, name: &str) -> Option<&PodVolume> {
        self.volumes.iter().find(|v| v.name == name)
    }

    /// Mounted read-write: where the job writes.
    pub fn writable_volumes(&self) -> impl Iterator<Item = &PodVolume> {
        self.mounts
            .iter()
            .filter(|m| !m.read_only)
            .filter_map(|m| self.volume(&m.volume))
    }

    /// A dump over the network (`pg_dumpall -h`, `mysqldump`, `redis-cli --rdb`): covers the
    /// database's data without mounting its claim.
    pub fn is_network_dump(&self) -> bool {
        self.scripts.iter().any(|s| {
            s.contains("pg_dumpall")
                || s.contains("pg_dump ")
                || s.contains("mysqldump")
                || s.contains("mongodump")
                || (s.contains("redis-cli") && s.contains("--rdb"))
        })
    }
}

impl Stack {
    /// The NFS destination a claim resolves to, if any.
    pub fn nfs_for(&self, claim: &ClaimRef, instance: usize) -> Option<&NfsDest> {
        self.nfs.iter().find(|dest| {
            let by_addr = claim
                .addr
                .as_deref()
                .is_some_and(|a| a == dest.origin.addr && dest.origin.instance == instance);
            let by_name =
                matches!((&claim.name, &dest.claim_name), (Val::Str(a), Val::Str(b)) if a == b);
            by_addr || by_name
        })
    }

    /// True when a job writes to an NFS destination (an inline NFS volume or an NFS claim).
    pub fn writes_to_nfs(&self, job: &Job) -> bool {
        job.writable_volumes().any(|v| match &v.source {
            VolumeSource::Nfs => true,
            VolumeSource::Claim { claim, .. } => self.nfs_for(claim, job.origin.instance).is_some(),
            VolumeSource::Other => false,
        })
    }

    /// True when a job writes only to volumes known not to be NFS (an `emptyDir`, a block
    /// PVC of this stack). A claim this stack does not declare (a shared NFS claim from
    /// another stack) cannot be judged, so it is not reported as non-NFS.
    pub fn writes_only_off_nfs(&self, job: &Job) -> bool {
        !self.writes_to_nfs(job)
            && job.writable_volumes().all(|v| match &v.source {
                VolumeSource::Claim { claim, .. } => self
                    .pvcs
                    .iter()
                    .any(|pvc| self.claim_is(claim, job.origin.instance, pvc)),
                VolumeSource::Nfs | VolumeSource::Other => true,
            })
    }

    /// True when `claim`, as written in instance `instance`, names this PVC.
    pub fn claim_is(&self, claim: &ClaimRef, instance: usize, pvc: &Pvc) -> bool {
        if claim.addr.as_deref() == Some(pvc.origin.addr.as_str())
            && instance == pvc.origin.instance
        {
            return true;
        }
        let Val::Str(name) = &claim.name else {
            return false;
        };
        match (pvc.kind, &pvc.name, &pvc.owner) {
            (PvcKind::Typed, Val::Str(pvc_name), _) => name == pvc_name,
            (PvcKind::ClaimTemplate, Val::Str(template), Val::Str(owner)) => name
                .strip_prefix(&format!("{template}-{owner}-"))
                .is_some_and(|ord| ord.chars().all(|c| c.is_ascii_digit())),
            _ => false,
        }
    }
}

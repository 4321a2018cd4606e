//! `render` and `lint` agree: a random valid spec (volumes, jobs of every strategy with
//! their mounts, schedules and options, alerts, restore drills) renders with `backstop render`, and the
//! same objects written as the provider's `backstop_*` resources lint with no finding at
//! all. A failure shrinks to the smallest spec and prints both files.

mod render_support;

use proptest::prelude::*;
use proptest::sample::{select, subsequence};
use proptest::test_runner::{Config, TestCaseError};
use render_support::{backstop, Workspace};
use std::collections::BTreeSet;
use std::fmt::Write as _;

/// An attribute value: literal HCL, a reference to another object's attribute, written
/// `backup_job.ID.ATTR` in a spec and `backstop_backup_job.ID.ATTR` in Terraform, or to a
/// whole object (`backup_job.ID`, a drill's `job`).
#[derive(Debug, Clone)]
enum Value {
    Hcl(String),
    Ref(&'static str, String, &'static str),
    Whole(&'static str, String),
}

fn text(value: &str) -> Value {
    Value::Hcl(format!("{value:?}"))
}

/// One object: its kind (`backup_job`), its ID and its attributes in the order written.
#[derive(Debug, Clone)]
struct Object {
    kind: &'static str,
    id: String,
    attrs: Vec<(&'static str, Value)>,
}

/// Shown as its spec text, so that a shrunk failure reads like a file.
#[derive(Clone)]
struct Spec {
    defaults: Vec<(&'static str, Value)>,
    objects: Vec<Object>,
}

fn write_attrs(out: &mut String, attrs: &[(&'static str, Value)], resource_prefix: &str) {
    for (key, value) in attrs {
        let value = match value {
            Value::Hcl(hcl) => hcl.clone(),
            Value::Ref(kind, id, attr) => format!("{resource_prefix}{kind}.{id}.{attr}"),
            Value::Whole(kind, id) => format!("{resource_prefix}{kind}.{id}"),
        };
        let _ = writeln!(out, "  {key} = {value}");
    }
}

impl std::fmt::Debug for Spec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "\n{}", self.spec_hcl())
    }
}

impl Spec {
    /// The `backstop render` spec.
    fn spec_hcl(&self) -> String {
        let mut out = String::from("backstop {\n");
        write_attrs(&mut out, &self.defaults, "");
        out.push_str("}\n");
        for object in &self.objects {
            let _ = writeln!(out, "\n{} {:?} {{", object.kind, object.id);
            write_attrs(&mut out, &object.attrs, "");
            out.push_str("}\n");
        }
        out
    }

    /// The same objects as the provider's resources.
    fn terraform_hcl(&self) -> String {
        let mut out = String::from("provider \"backstop\" {\n");
        write_attrs(&mut out, &self.defaults, "backstop_");
        out.push_str("}\n");
        for object in &self.objects {
            let _ = writeln!(
                out,
                "\nresource \"backstop_{}\" {:?} {{",
                object.kind, object.id
            );
            write_attrs(&mut out, &object.attrs, "backstop_");
            out.push_str("}\n");
        }
        out
    }
}

const APPS: [&str; 6] = ["mail", "wiki", "git", "photos", "notes", "chat"];
const FOLDERS: [&str; 4] = ["data", "config", "media", "uploads"];

/// Backups are generated for a placeholder app and minute, which `spec` replaces by the
/// backup's place in the list: the list then shrinks by dropping whole backups.
const APP: &str = "APP";
const MINUTE: &str = "MINUTE";

/// A schedule starting at the backup's own minute past the hour: distinct minutes keep NFS
/// writers from sharing a start (BS009), which is a real finding, not a disagreement.
fn schedule() -> impl Strategy<Value = String> {
    (
        select(vec!["3", "1,13", "*/6", "*"]),
        select(vec!["*", "1-5", "0"]),
    )
        .prop_map(|(hour, weekday)| format!("{MINUTE} {hour} * * {weekday}"))
}

fn mounts() -> impl Strategy<Value = Vec<(&'static str, Option<&'static str>)>> {
    subsequence(FOLDERS.to_vec(), 1..=3).prop_flat_map(|folders| {
        let n = folders.len();
        (
            Just(folders),
            proptest::collection::vec(proptest::option::of(select(vec!["state", "files"])), n),
        )
            .prop_map(|(folders, subs)| folders.into_iter().zip(subs).collect())
    })
}

fn mounts_hcl(mounts: &[(&str, Option<&str>)]) -> Value {
    let entries: Vec<String> = mounts
        .iter()
        .map(|(folder, sub)| match sub {
            Some(sub) => format!("{folder} = {{ path = \"/srv/{folder}\", sub_path = \"{sub}\" }}"),
            None => format!("{folder} = {{ path = \"/srv/{folder}\" }}"),
        })
        .collect();
    Value::Hcl(format!("{{ {} }}", entries.join(", ")))
}

/// What a strategy's options depend on.
#[derive(Debug, Clone, Copy)]
struct Reads {
    source: bool,
    /// `make_room` applies (not to `command`, whose errors are its own).
    makes_room: bool,
}

/// The attributes a strategy requires, and what it reads.
fn strategy_attrs(app: &'static str) -> impl Strategy<Value = (Vec<(&'static str, Value)>, Reads)> {
    let source = move |attrs: &mut Vec<(&'static str, Value)>, mounts: &[(&str, Option<&str>)]| {
        attrs.push(("source_claim", text(&format!("{app}-data"))));
        attrs.push(("mounts", mounts_hcl(mounts)));
    };
    prop_oneof![
        mounts().prop_map(move |m| {
            let mut attrs = vec![("strategy", text("rsync"))];
            source(&mut attrs, &m);
            (
                attrs,
                Reads {
                    source: true,
                    makes_room: true,
                },
            )
        }),
        (mounts(), any::<bool>()).prop_map(move |(m, extra)| {
            let mut attrs = vec![("strategy", text("sqlite"))];
            source(&mut attrs, &m);
            let folder = m[0].0;
            attrs.push(("database", text(&format!("/srv/{folder}/app.db"))));
            if extra {
                attrs.push((
                    "extra_paths",
                    Value::Hcl(format!("[\"/srv/{folder}/attachments\"]")),
                ));
            }
            (
                attrs,
                Reads {
                    source: true,
                    makes_room: true,
                },
            )
        }),
        (
            select(vec!["pg_dumpall", "mysqldump"]),
            select(vec!["backup", "root"])
        )
            .prop_map(move |(strategy, user)| {
                let attrs = vec![
                    ("strategy", text(strategy)),
                    ("host", text(&format!("{app}-db.{app}.svc"))),
                    ("user", text(user)),
                    (
                        "password_secret",
                        Value::Hcl(format!("{{ name = \"{app}-db\", key = \"password\" }}")),
                    ),
                ];
                (
                    attrs,
                    Reads {
                        source: false,
                        makes_room: true,
                    },
                )
            }),
        mounts().prop_map(move |m| {
            let mut attrs = vec![("strategy", text("command"))];
            source(&mut attrs, &m);
            let folder = m[0].0;
            attrs.push((
                "command",
                text(&format!("cp -a /srv/{folder}/. \"$SNAPSHOT\"/")),
            ));
            (
                attrs,
                Reads {
                    source: true,
                    makes_room: false,
                },
            )
        }),
    ]
}

/// Options every strategy takes, each set or not.
fn job_options(
    app: &'static str,
    reads: Reads,
) -> impl Strategy<Value = Vec<(&'static str, Value)>> {
    (
        proptest::option::of(1u32..=60),
        proptest::option::of(600u32..=7200),
        proptest::option::of(0u32..=100),
        proptest::option::of(any::<bool>()),
        proptest::option::of(select(vec![
            "alpine:3.22",
            "alpine:3.21",
            "registry.lan:5000/tools/alpine:3.20.1",
        ])),
        proptest::option::of(select(vec!["UTC", "Europe/Berlin"])),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            move |(keep, deadline, shrink, make_room, image, zone, suspend, colocate, labels)| {
                let mut attrs = Vec::new();
                if let Some(keep) = keep {
                    attrs.push(("keep", Value::Hcl(keep.to_string())));
                }
                if let Some(deadline) = deadline {
                    attrs.push(("active_deadline_seconds", Value::Hcl(deadline.to_string())));
                }
                if let (Some(shrink), true) = (shrink, reads.source) {
                    attrs.push(("max_shrink_percent", Value::Hcl(shrink.to_string())));
                }
                if let (Some(make_room), true) = (make_room, reads.makes_room) {
                    attrs.push(("make_room", Value::Hcl(make_room.to_string())));
                }
                if let Some(image) = image {
                    attrs.push(("image", text(image)));
                }
                if let Some(zone) = zone {
                    attrs.push(("time_zone", text(zone)));
                }
                if suspend {
                    attrs.push(("suspend", Value::Hcl("true".into())));
                }
                if colocate && reads.source {
                    attrs.push((
                        "colocate_with",
                        Value::Hcl(format!("{{ app = \"{app}\" }}")),
                    ));
                }
                if labels {
                    attrs.push(("labels", Value::Hcl("{ team = \"ops\" }".into())));
                }
                attrs
            },
        )
}

fn alert(app: &'static str) -> impl Strategy<Value = Object> {
    (
        any::<bool>(),
        proptest::option::of(select(vec!["critical", "warning"])),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            move |(by_schedule, severity, failed, missing, suspended, runbook)| {
                let job = |attr| Value::Ref("backup_job", app.to_string(), attr);
                let mut attrs = vec![
                    ("cronjob_name", job("cronjob_name")),
                    ("namespace", job("namespace")),
                ];
                attrs.push(if by_schedule {
                    ("schedule", job("schedule"))
                } else {
                    ("stale_after", text("9d"))
                });
                if let Some(severity) = severity {
                    attrs.push(("severity", text(severity)));
                }
                for (key, on) in [
                    ("failed", failed),
                    ("missing", missing),
                    ("suspended", suspended),
                ] {
                    if !on {
                        attrs.push((key, Value::Hcl("false".into())));
                    }
                }
                if runbook {
                    attrs.push((
                        "runbook_url",
                        text(&format!("https://wiki.lan/runbooks/{app}")),
                    ));
                }
                Object {
                    kind: "backup_alert",
                    id: app.to_string(),
                    attrs,
                }
            },
        )
}

/// The restore drill of a job of `strategy` (a dump's needs its server's version); none for
/// `command` jobs, whose snapshots no drill can restore.
fn drill(app: &'static str, strategy: &str) -> Option<Object> {
    let mut attrs = vec![("job", Value::Whole("backup_job", app.to_string()))];
    match strategy {
        "\"command\"" => return None,
        "\"pg_dumpall\"" => attrs.push(("server_version", text("16"))),
        "\"mysqldump\"" => attrs.push(("server_version", text("11.4"))),
        _ => {}
    }
    Some(Object {
        kind: "restore_test",
        id: app.to_string(),
        attrs,
    })
}

/// A backup: its NFS volume, its job, the alert that watches it and its restore drill.
fn backup() -> impl Strategy<Value = Vec<Object>> {
    let app = APP;
    (
        select(vec!["apps", "mail", "media"]),
        schedule(),
        strategy_attrs(app),
        proptest::option::of(select(vec!["20Gi", "1Ti"])),
        any::<bool>(),
    )
        .prop_flat_map(
            move |(namespace, schedule, (strategy, reads), storage, nfs_path)| {
                let mut volume = vec![
                    ("name", text(&format!("{app}-backup-host"))),
                    ("namespace", text(namespace)),
                ];
                if let Some(storage) = storage {
                    volume.push(("storage", text(storage)));
                }
                if nfs_path {
                    volume.push(("nfs_path", text(&format!("/export/{app}"))));
                }
                let mut job = vec![
                    ("name", text(app)),
                    ("namespace", text(namespace)),
                    ("schedule", text(&schedule)),
                ];
                let drill = strategy.iter().find_map(|(key, value)| match value {
                    Value::Hcl(name) if *key == "strategy" => drill(app, name),
                    _ => None,
                });
                job.extend(strategy);
                job.push((
                    "destination_claim",
                    Value::Ref("nfs_backup_volume", app.to_string(), "claim_name"),
                ));
                (Just(volume), Just(job), job_options(app, reads), alert(app)).prop_map(
                    move |(volume, mut job, options, alert)| {
                        job.extend(options);
                        let mut objects = vec![
                            Object {
                                kind: "nfs_backup_volume",
                                id: app.to_string(),
                                attrs: volume,
                            },
                            Object {
                                kind: "backup_job",
                                id: app.to_string(),
                                attrs: job,
                            },
                            alert,
                        ];
                        objects.extend(drill.clone());
                        objects
                    },
                )
            },
        )
}

fn spec() -> impl Strategy<Value = Spec> {
    let defaults = (
        proptest::option::of(select(vec!["alpine:3.22", "alpine:3.20.3"])),
        proptest::option::of(select(vec!["http://pushgateway.monitoring:9091"])),
        proptest::option::of(select(vec!["UTC", "America/New_York"])),
    )
        .prop_map(|(image, pushgateway, zone)| {
            let mut defaults = vec![("nfs_server", text("10.0.10.15"))];
            if let Some(image) = image {
                defaults.push(("image", text(image)));
            }
            if let Some(url) = pushgateway {
                defaults.push(("pushgateway_url", text(url)));
            }
            if let Some(zone) = zone {
                defaults.push(("time_zone", text(zone)));
            }
            defaults
        });
    let backups = proptest::collection::vec(backup(), 1..=APPS.len());
    (defaults, backups).prop_map(|(defaults, backups)| Spec {
        defaults,
        objects: backups
            .into_iter()
            .enumerate()
            .flat_map(|(i, objects)| objects.into_iter().map(move |o| named(o, i)))
            .collect(),
    })
}

/// The `i`th backup's object: app `APPS[i]`, starting at minute `3 + 11 * i`.
fn named(object: Object, i: usize) -> Object {
    let fill = |text: &str| {
        text.replace(APP, APPS[i])
            .replace(MINUTE, &(3 + 11 * i).to_string())
    };
    Object {
        kind: object.kind,
        id: fill(&object.id),
        attrs: object
            .attrs
            .into_iter()
            .map(|(key, value)| {
                let value = match value {
                    Value::Hcl(hcl) => Value::Hcl(fill(&hcl)),
                    Value::Ref(kind, id, attr) => Value::Ref(kind, fill(&id), attr),
                    Value::Whole(kind, id) => Value::Whole(kind, fill(&id)),
                };
                (key, value)
            })
            .collect(),
    }
}

fn render_and_lint(spec: &Spec) -> Result<(), TestCaseError> {
    let workspace = Workspace::new();
    let spec_hcl = spec.spec_hcl();
    let terraform = spec.terraform_hcl();
    workspace.write("spec.hcl", &spec_hcl);
    let render = backstop(&["render", "spec.hcl", "--out", "out"], &workspace.dir);
    prop_assert_eq!(
        render.code,
        0,
        "backstop render refused the spec:\n{}\n{}",
        spec_hcl,
        render.stderr
    );
    let stack = workspace.dir.join("stack");
    std::fs::create_dir_all(&stack).expect("create the stack folder");
    std::fs::write(stack.join("backstop.toml"), "").expect("write backstop.toml");
    std::fs::write(stack.join("main.tf"), &terraform).expect("write main.tf");
    let lint = backstop(
        &["lint", "--format", "json", "--severity", "info", "."],
        &stack,
    );
    prop_assert!(
        lint.code == 0 && lint.stdout.trim() == "[]",
        "backstop lint (exit {}) on the resources of a spec that renders:\n{}\nfindings: {}\n{}",
        lint.code,
        terraform,
        lint.stdout,
        lint.stderr
    );
    Ok(())
}

proptest! {
    #![proptest_config(Config { cases: 64, ..Config::default() })]

    #[test]
    fn rendered_specs_lint_clean(spec in spec()) {
        render_and_lint(&spec)?;
    }
}

/// The one image decision: a bare version tag floats, so the core refuses it and BS010
/// reports it, on the same `backup_job`.
#[test]
fn a_bare_version_image_is_refused_by_render_and_reported_by_lint() {
    let spec = Spec {
        defaults: vec![("nfs_server", text("10.0.10.15"))],
        objects: vec![Object {
            kind: "backup_job",
            id: "mail".into(),
            attrs: vec![
                ("name", text("mail")),
                ("namespace", text("mail")),
                ("schedule", text("7 3 * * *")),
                ("source_claim", text("mail-data")),
                ("mounts", mounts_hcl(&[("data", None)])),
                ("destination_claim", text("mail-backup-host")),
                ("image", text("alpine:3")),
            ],
        }],
    };
    let workspace = Workspace::new();
    workspace.write("spec.hcl", &spec.spec_hcl());
    let render = backstop(&["render", "spec.hcl", "--out", "out"], &workspace.dir);
    assert_eq!(render.code, 1, "{}", render.stderr);
    assert!(
        render.stderr.contains("backup_job.mail.image")
            && render.stderr.contains("bare version tag"),
        "{}",
        render.stderr
    );
    std::fs::write(workspace.dir.join("backstop.toml"), "").expect("write backstop.toml");
    std::fs::write(workspace.dir.join("main.tf"), spec.terraform_hcl()).expect("write main.tf");
    let lint = backstop(&["lint", "--format", "json", "."], &workspace.dir);
    assert_eq!(lint.code, 1, "{}", lint.stdout);
    let findings: serde_json::Value = serde_json::from_str(&lint.stdout).expect("json");
    let codes: BTreeSet<&str> = findings
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|f| f["code"].as_str())
        .collect();
    assert!(codes.contains("BS010"), "{}", lint.stdout);
}

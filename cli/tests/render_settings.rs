//! A backup job renders two objects: its settings ConfigMap `<app>-backup-settings`, which
//! the container reads with `envFrom`, and then its CronJob. Every output of `backstop
//! render` (YAML and JSON streams, typed HCL, one file per object) writes both, the
//! ConfigMap first; the texts of a job are the core's texts of both objects (what the
//! provider's data source serves); and a retention change touches the ConfigMap only.

mod render_support;

use backstop_codegen::policy;
use backstop_codegen::render::to_yaml;
use backstop_spec::{Object, SourceFile};
use render_support::{backstop, listing, Workspace};
use serde_json::Value;
use std::path::PathBuf;

fn example(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/render")
        .join(name)
}

fn render(spec: &str, args: &[&str], ws: &Workspace) -> String {
    let mut all = vec!["render", spec];
    all.extend_from_slice(args);
    let run = backstop(&all, &ws.dir);
    assert_eq!(run.code, 0, "{spec} {args:?}: {}", run.stderr);
    run.stdout
}

/// `(kind, name)` of each object, in the order written.
fn kinds_and_names(objects: &[Value]) -> Vec<(String, String)> {
    objects
        .iter()
        .map(|o| {
            (
                o["kind"].as_str().unwrap_or_default().to_string(),
                o["metadata"]["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            )
        })
        .collect()
}

/// Every backup CronJob comes right after its settings ConfigMap, and every ConfigMap is a
/// backup CronJob's (drill CronJobs read no settings). Returns how many pairs there are.
fn assert_settings_precede_their_cronjobs(order: &[(String, String)], what: &str) -> usize {
    let mut pairs = 0;
    for (i, (kind, name)) in order.iter().enumerate() {
        let backup = kind == "CronJob" && name.ends_with("-backup");
        if backup {
            let before = i.checked_sub(1).map(|p| &order[p]);
            let expected = ("ConfigMap".to_string(), policy::settings_name(name));
            assert_eq!(before, Some(&expected), "{what}: before {name}: {order:?}");
            pairs += 1;
        }
        if kind == "ConfigMap" {
            let next = order.get(i + 1).map(|(k, n)| (k.as_str(), n.as_str()));
            let cronjob = name.strip_suffix("-settings");
            assert_eq!(
                next,
                cronjob.map(|c| ("CronJob", c)),
                "{what}: after {name}"
            );
        }
    }
    pairs
}

/// `resource "TYPE" "LABEL"` of each block of typed HCL, in order.
fn resources(hcl: &str) -> Vec<(String, String)> {
    hcl.lines()
        .filter_map(|line| line.strip_prefix("resource \""))
        .filter_map(|rest| {
            let (kind, rest) = rest.split_once("\" \"")?;
            Some((kind.to_string(), rest.strip_suffix("\" {")?.to_string()))
        })
        .collect()
}

#[test]
fn every_format_writes_each_jobs_settings_right_before_its_cronjob() {
    // restore.hcl: three jobs, their drills (CronJobs without settings) and a restore Job.
    for (name, jobs) in [("mailserver.hcl", 1), ("dbaas.hcl", 2), ("restore.hcl", 3)] {
        let spec = example(name);
        let spec = spec.to_string_lossy();
        let ws = Workspace::new();
        let json: Value =
            serde_json::from_str(&render(&spec, &["--format", "json"], &ws)).expect("a JSON array");
        let objects = json.as_array().cloned().unwrap_or_default();
        let order = kinds_and_names(&objects);
        assert_eq!(
            assert_settings_precede_their_cronjobs(&order, name),
            jobs,
            "{name}"
        );

        // The YAML stream holds the same objects in the same order, as the core writes them.
        let refs: Vec<&Value> = objects.iter().collect();
        assert_eq!(render(&spec, &[], &ws), to_yaml(&refs), "{name} yaml");

        // Typed HCL: a kubernetes_config_map_v1 right before each backup CronJob's block.
        let hcl = resources(&render(&spec, &["--format", "hcl"], &ws));
        let as_objects: Vec<(String, String)> = hcl
            .iter()
            .map(|(kind, label)| {
                let kind = match kind.as_str() {
                    "kubernetes_config_map_v1" => "ConfigMap",
                    "kubernetes_cron_job_v1" => "CronJob",
                    other => other,
                };
                (kind.to_string(), label.replace('_', "-"))
            })
            .collect();
        assert_eq!(
            assert_settings_precede_their_cronjobs(&as_objects, &format!("{name} hcl")),
            jobs,
            "{name} hcl: {hcl:?}"
        );

        // One file per object: each the object's own text.
        for (format, extension) in [("yaml", "yaml"), ("json", "json"), ("hcl", "tf")] {
            let out = ws.dir.join(format!("out-{format}"));
            let out_arg = out.to_string_lossy().into_owned();
            render(&spec, &["--format", format, "--out", &out_arg], &ws);
            let files = listing(&out);
            assert_eq!(files.len(), objects.len(), "{name} {format}: {files:?}");
            for object in objects.iter().filter(|o| o["kind"] == "ConfigMap") {
                let file = out.join(format!(
                    "configmap-{}.{extension}",
                    object["metadata"]["name"].as_str().unwrap_or_default()
                ));
                let text = std::fs::read_to_string(&file)
                    .unwrap_or_else(|e| panic!("{name}: {}: {e}", file.display()));
                match format {
                    "yaml" => assert_eq!(text, to_yaml(&[object])),
                    "json" => assert_eq!(
                        serde_json::from_str::<Value>(&text).ok().as_ref(),
                        Some(object)
                    ),
                    _ => assert!(
                        text.starts_with("resource \"kubernetes_config_map_v1\"")
                            && text.contains("  data = {\n"),
                        "{text}"
                    ),
                }
            }
        }
    }
}

/// The provider's data source serves a job's texts as the core's YAML stream and JSON array
/// of `[settings, cronjob]`; `backstop render` of a spec holding that job alone writes
/// exactly those bytes.
#[test]
fn a_jobs_texts_are_the_cores_texts_of_its_two_objects() {
    let text = r#"backstop {
  pushgateway_url = "http://pgw.monitoring:9091"
}

backup_job "db" {
  namespace         = "apps"
  schedule          = "15 2 * * *"
  strategy          = "pg_dumpall"
  host              = "postgres.apps.svc"
  user              = "backup"
  password_secret   = { name = "postgres", key = "password" }
  destination_claim = "db-backup-host"
  keep              = 21
}
"#;
    let ws = Workspace::new();
    let path = ws.write("spec.hcl", text);
    let loaded = backstop_spec::load(SourceFile::new(&path, text.to_string()))
        .unwrap_or_else(|errors| panic!("{errors:?}"));
    let Some(Object::Job(job)) = loaded.spec.objects.first().map(|o| &o.object) else {
        panic!("one backup_job");
    };
    let rendered = backstop_codegen::render_job(&loaded.spec.defaults, job).expect("renders");
    let both = [&rendered.settings, &rendered.cronjob];
    assert_eq!(rendered.settings["data"]["KEEP_DAYS"], "21");
    assert_eq!(rendered.settings["data"]["DB_HOST"], "postgres.apps.svc");

    let spec = path.to_string_lossy();
    assert_eq!(render(&spec, &[], &ws), to_yaml(&both));
    assert_eq!(
        render(&spec, &["--format", "json"], &ws),
        format!(
            "{}\n",
            serde_json::to_string_pretty(&both).expect("serializes")
        )
    );
}

/// Lines of `a` and `b` that differ (both have as many lines, or the difference is total).
fn changed_lines(a: &str, b: &str) -> Vec<(String, String)> {
    if a.lines().count() != b.lines().count() {
        return vec![(a.to_string(), b.to_string())];
    }
    a.lines()
        .zip(b.lines())
        .filter(|(x, y)| x != y)
        .map(|(x, y)| (x.to_string(), y.to_string()))
        .collect()
}

#[test]
fn a_keep_change_changes_one_line_of_the_config_map_file_and_nothing_else() {
    let original = std::fs::read_to_string(example("mailserver.hcl")).expect("the example");
    let changed = original.replace("keep              = 8", "keep              = 9");
    assert_ne!(original, changed, "the example's keep line moved");
    let ws = Workspace::new();
    for (format, extension, line) in [
        ("yaml", "yaml", "  KEEP_WEEKS: '9'"),
        ("json", "json", "    \"KEEP_WEEKS\": \"9\","),
        ("hcl", "tf", "    \"KEEP_WEEKS\" = \"9\""),
    ] {
        let mut texts = Vec::new();
        for (version, spec) in [("before", &original), ("after", &changed)] {
            let path = ws.write(&format!("{version}.hcl"), spec);
            let out = ws.dir.join(format!("{format}-{version}"));
            render(
                &path.to_string_lossy(),
                &["--format", format, "--out", &out.to_string_lossy()],
                &ws,
            );
            let files: Vec<(String, String)> = listing(&out)
                .into_iter()
                .map(|f| {
                    let text = std::fs::read_to_string(out.join(&f)).expect("read");
                    (f, text)
                })
                .collect();
            texts.push(files);
        }
        let [before, after] = [&texts[0], &texts[1]];
        assert_eq!(
            before.iter().map(|(f, _)| f).collect::<Vec<_>>(),
            after.iter().map(|(f, _)| f).collect::<Vec<_>>(),
            "{format}"
        );
        let changed: Vec<(&String, Vec<(String, String)>)> = before
            .iter()
            .zip(after.iter())
            .filter(|((_, a), (_, b))| a != b)
            .map(|((file, a), (_, b))| (file, changed_lines(a, b)))
            .collect();
        let settings = format!("configmap-mailserver-backup-settings.{extension}");
        assert_eq!(changed.len(), 1, "{format}: {changed:?}");
        assert_eq!(changed[0].0, &settings, "{format}");
        let [(_, new)] = changed[0].1.as_slice() else {
            panic!("{format}: one changed line: {:?}", changed[0].1)
        };
        assert_eq!(new, line, "{format}");
    }
}

#[test]
fn a_cronjob_file_that_cannot_be_written_leaves_no_config_map_behind() {
    let ws = Workspace::new();
    let out = ws.dir.join("out");
    // The ConfigMap is written first: a failure on the CronJob must take it back too.
    std::fs::create_dir_all(out.join("cronjob-mailserver-backup.yaml")).expect("the obstacle");
    let run = backstop(
        &[
            "render",
            &example("mailserver.hcl").to_string_lossy(),
            "--out",
            "out",
        ],
        &ws.dir,
    );
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stderr.contains("is a directory"), "{}", run.stderr);
    assert_eq!(listing(&out), ["cronjob-mailserver-backup.yaml"]);
}

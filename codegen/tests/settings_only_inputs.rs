//! The job inputs declared settings-only (`render::scripts::SETTINGS_ONLY_INPUTS`) reach the
//! settings ConfigMap and never the CronJob, for every strategy: the provider plans the
//! CronJob with a stand-in for such an input while its value is not known, and Terraform
//! refuses an apply whose CronJob differs from the plan's. Inputs are given by their
//! attribute names, through the reader, as the provider gives them.

use backstop_codegen::render::scripts::SETTINGS_ONLY_INPUTS;
use backstop_codegen::schema::read;
use backstop_codegen::{render_job, Defaults, RenderedJob, Strategy};
use serde_json::{json, Map, Value};

/// A valid configuration of `strategy` that sets every input the strategy requires.
fn config(strategy: Strategy) -> Map<String, Value> {
    let mut config = json!({
        "name": "demo",
        "namespace": "demo",
        "schedule": "0 3 * * *",
        "strategy": strategy.as_str(),
        "destination_claim": "demo-backup-host",
    });
    match strategy {
        Strategy::Rsync | Strategy::Sqlite | Strategy::Command => {
            config["source_claim"] = json!("demo-data");
            config["mounts"] = json!({ "data": { "path": "/var/lib/demo", "sub_path": "data" } });
        }
        Strategy::PgDumpall | Strategy::Mysqldump => {
            config["host"] = json!("db.demo.svc");
            config["user"] = json!("backup");
            config["password_secret"] = json!({ "name": "db", "key": "password" });
        }
    }
    match strategy {
        Strategy::Sqlite => config["database"] = json!("/var/lib/demo/db.sqlite3"),
        Strategy::Command => config["command"] = json!("cp -a /var/lib/demo \"$SNAPSHOT/\""),
        _ => {}
    }
    match config {
        Value::Object(config) => config,
        _ => unreachable!(),
    }
}

/// A valid value of the input other than its stand-in.
fn another_value(name: &str) -> Value {
    match name {
        "keep" => json!(3),
        "max_shrink_percent" => json!(100),
        "make_room" => json!(false),
        "pushgateway_url" => json!("https://pushgateway.monitoring.svc:9443/base"),
        "host" => json!("10.0.10.15"),
        "user" => json!("backup_reader"),
        "command" => json!("tar -C /var/lib/demo -cf \"$SNAPSHOT/demo.tar\" ."),
        other => panic!("give {other} a second value here"),
    }
}

/// The rendered job, or `None` when the configuration is not valid.
fn rendered(defaults: &Defaults, config: &Map<String, Value>) -> Option<RenderedJob> {
    let (job, problems) = read::job(config);
    assert!(problems.is_empty(), "{problems:?}");
    render_job(defaults, &job).ok()
}

fn text(value: &Value) -> String {
    serde_json::to_string(value).expect("JSON")
}

/// Where two rendered objects first differ (a JSON path), for a readable failure.
fn first_difference(a: &Value, b: &Value, path: &str) -> String {
    match (a, b) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in a {
                match b.get(key) {
                    Some(other) if other != value => {
                        return first_difference(value, other, &format!("{path}.{key}"))
                    }
                    None => return format!("{path}.{key} (only in one)"),
                    _ => {}
                }
            }
            format!("{path} (keys or their order)")
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => a
            .iter()
            .zip(b)
            .enumerate()
            .find(|(_, (x, y))| x != y)
            .map(|(i, (x, y))| first_difference(x, y, &format!("{path}[{i}]")))
            .unwrap_or_else(|| path.to_string()),
        _ => format!("{path}: {a} vs {b}"),
    }
}

/// Byte-identical objects, or a failure naming where they differ.
fn assert_same(a: &Value, b: &Value, case: &str) {
    assert!(
        text(a) == text(b),
        "{case}: the CronJob changed at {}",
        first_difference(a, b, "$")
    );
}

#[test]
fn settings_only_inputs_change_the_configmap_and_never_the_cronjob() {
    let defaults = [
        Defaults::default(),
        Defaults {
            pushgateway_url: Some("http://pushgateway.monitoring:9091".into()),
            image: Some("alpine:3.22".into()),
            ..Defaults::default()
        },
    ];
    for input in SETTINGS_ONLY_INPUTS {
        let mut applies_to = Vec::new();
        for strategy in Strategy::ALL {
            for defaults in &defaults {
                let case = format!("{} for {}", input.name, strategy.as_str());
                let with = |value: Option<Value>| {
                    let mut config = config(strategy);
                    match value {
                        Some(value) => config.insert(input.name.to_string(), value),
                        None => config.remove(input.name),
                    };
                    rendered(defaults, &config)
                };
                let stand_in = with(Some(input.stand_in.to_json()));
                let other = with(Some(another_value(input.name)));
                // Unset is what an unknown value may turn out to be.
                let unset = with(None);
                let (Some(stand_in), Some(other)) = (&stand_in, &other) else {
                    // The input does not apply to this strategy: any value is refused,
                    // and the strategy's configuration is valid without it.
                    assert!(
                        stand_in.is_none() && other.is_none(),
                        "{case}: stand-in valid iff another value is"
                    );
                    assert!(unset.is_some(), "{case}: the base configuration is valid");
                    continue;
                };
                applies_to.push(strategy);
                assert_same(&stand_in.cronjob, &other.cronjob, &case);
                if let Some(unset) = &unset {
                    assert_same(&stand_in.cronjob, &unset.cronjob, &format!("{case}, unset"));
                }
                assert_ne!(
                    text(&other.settings),
                    text(&stand_in.settings),
                    "{case}: the value does not reach the ConfigMap"
                );
            }
        }
        assert!(
            !applies_to.is_empty(),
            "{} applies to no strategy",
            input.name
        );
        if ["keep", "max_shrink_percent", "pushgateway_url"].contains(&input.name) {
            assert_eq!(applies_to.len(), 2 * Strategy::ALL.len(), "{}", input.name);
        }
    }
}

/// The other inputs that feed the ConfigMap feed the CronJob too, so they are not listed:
/// the lock timing follows the schedule and deadline, which the CronJob holds.
#[test]
fn schedule_and_deadline_reach_both_objects() {
    let base = config(Strategy::Rsync);
    let job = |name: &str, value: Value| {
        let mut config = base.clone();
        config.insert(name.to_string(), value);
        rendered(&Defaults::default(), &config).expect("valid")
    };
    for (name, a, b) in [
        ("schedule", json!("0 3 * * *"), json!("*/30 * * * *")),
        ("active_deadline_seconds", json!(600), json!(3600)),
    ] {
        let (a, b) = (job(name, a), job(name, b));
        assert_ne!(text(&a.cronjob), text(&b.cronjob), "{name}");
        assert_ne!(text(&a.settings), text(&b.settings), "{name}");
        assert!(SETTINGS_ONLY_INPUTS.iter().all(|input| input.name != name));
    }
}

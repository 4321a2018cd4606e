//! Benchmark (ignored by default; run by acceptance-tests/provider/provider_bench.py): the time from
//! launching the provider as Terraform does, with AutoMTLS, to the GetProviderSchema answer.

mod support;

use std::time::Instant;

use support::{get_schema, launch, terraform_like_identity};

#[tokio::test]
#[ignore = "benchmark: prints figures, asserts nothing about time"]
async fn startup_and_schema_milliseconds() {
    let terraform = terraform_like_identity();
    let mut samples = Vec::new();
    for _ in 0..20 {
        let started = Instant::now();
        let plugin = launch(&terraform.pem);
        let schema = get_schema(&plugin, Some(&terraform)).await.expect("schema");
        samples.push(started.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(schema.resource_schemas.len(), 5);
    }
    samples.sort_by(f64::total_cmp);
    println!(
        "BENCH provider start-up + GetProviderSchema over mTLS: median {:.1} ms, min {:.1} ms, max {:.1} ms (20 runs)",
        samples[samples.len() / 2],
        samples[0],
        samples[samples.len() - 1]
    );
}

/// The provider's own share of a plan: decode the proposed state, render, encode.
#[test]
#[ignore = "benchmark: prints figures, asserts nothing about time"]
fn plan_rpc_work_microseconds() {
    use std::collections::BTreeMap;
    use terraform_provider_backstop::dynamic::{decode, encode, Value};
    use terraform_provider_backstop::lifecycle::{plan, ProviderDefaults};
    use terraform_provider_backstop::resources;

    let adapters = resources::all();
    let job = adapters
        .iter()
        .find(|a| a.type_name() == "backstop_backup_job")
        .expect("job adapter");
    let schema = resources::schema(job.as_ref());
    let mut attrs: BTreeMap<String, Value> = schema
        .attributes
        .iter()
        .map(|a| (a.name.to_string(), Value::Null))
        .collect();
    for (name, value) in [
        ("name", "app"),
        ("namespace", "apps"),
        ("schedule", "0 3 * * *"),
        ("source_claim", "app-data"),
        ("destination_claim", "app-backup-host"),
    ] {
        attrs.insert(name.to_string(), Value::string(value));
    }
    let mount = Value::Object(BTreeMap::from([
        ("path".to_string(), Value::string("/var/lib/app")),
        ("sub_path".to_string(), Value::string("data")),
    ]));
    attrs.insert(
        "mounts".to_string(),
        Value::Map(BTreeMap::from([("data".to_string(), mount)])),
    );
    let proposed = encode(&schema.object_type(), &Value::Object(attrs)).expect("encode");
    let defaults = ProviderDefaults::Known(Default::default());
    let rounds = 500;
    let started = Instant::now();
    for _ in 0..rounds {
        let value = decode(&schema.object_type(), &proposed).expect("decode");
        let planned = plan(job.as_ref(), &defaults, &value).expect("plan");
        encode(&schema.object_type(), &planned).expect("encode");
    }
    println!(
        "BENCH PlanResourceChange work for one backup job: {:.0} µs",
        started.elapsed().as_secs_f64() * 1e6 / rounds as f64
    );
}

#[test]
#[ignore = "benchmark: prints figures, asserts nothing about time"]
fn render_only_microseconds() {
    let job = backstop_codegen::BackupJob {
        name: "app".into(),
        namespace: "apps".into(),
        schedule: "0 3 * * *".into(),
        source_claim: Some("app-data".into()),
        destination_claim: "app-backup-host".into(),
        mounts: [(
            "data".to_string(),
            backstop_codegen::Mount {
                path: "/var/lib/app".into(),
                sub_path: Some("data".into()),
            },
        )]
        .into(),
        ..Default::default()
    };
    let defaults = backstop_codegen::Defaults::default();
    let renderer = backstop_codegen::JobRenderer::new();
    let rounds = 500;
    let started = Instant::now();
    for _ in 0..rounds {
        renderer.render_job(&defaults, &job).expect("render");
    }
    println!(
        "BENCH JobRenderer::render_job alone (the core's share of the above): {:.0} µs",
        started.elapsed().as_secs_f64() * 1e6 / rounds as f64
    );
    let rendered = backstop_codegen::render_job(&defaults, &job).expect("render");
    let started = Instant::now();
    for _ in 0..rounds {
        backstop_codegen::render::to_yaml(&[&rendered.cronjob]);
    }
    println!(
        "BENCH to_yaml alone: {:.0} µs",
        started.elapsed().as_secs_f64() * 1e6 / rounds as f64
    );
}

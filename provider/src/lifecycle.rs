//! What each resource RPC does with values, independent of the wire: a Backstop resource
//! is a pure renderer, so its state is its inputs plus the rendered outputs, computed at
//! plan time whenever the inputs and the provider block are wholly known. The handles
//! (`id`, names) are computed on their own, so they are known whenever their inputs are.
//! An input that feeds only a few outputs (the job's settings, held by its ConfigMap
//! alone) leaves the others known while it is unknown: see `with_stand_ins`.

use std::collections::BTreeMap;

use backstop_codegen::{AttrPath, Defaults, Diagnostic, Diagnostics, PathStep};

use crate::dynamic::Value;
use crate::resources::{computed_names, derived_names, schema, Adapter, Kind};

/// What the provider knows about its own `provider "backstop" {}` block.
#[derive(Debug, Clone, PartialEq)]
pub enum ProviderDefaults {
    /// ConfigureProvider has not been called (validation, functions).
    Unconfigured,
    /// The block refers to values known only at apply.
    Unknown,
    Known(Defaults),
}

/// ValidateResourceConfig: the errors the core finds in the parts already known. Errors
/// on unset attributes wait for the plan, since provider defaults may fill them.
pub fn validate(adapter: &dyn Adapter, config: &Value) -> Diagnostics {
    if config.is_null() {
        return Diagnostics::new();
    }
    adapter
        .validate(&Defaults::default(), config)
        .into_iter()
        .filter(|d| resolve(config, &d.path).is_some_and(|v| !v.is_null() && v.is_wholly_known()))
        .collect()
}

/// PlanResourceChange: the proposed state with the rendered outputs, or, when something
/// they depend on is not known yet, unknown objects and whatever handles are known.
pub fn plan(
    adapter: &dyn Adapter,
    defaults: &ProviderDefaults,
    proposed: &Value,
) -> Result<Value, Diagnostics> {
    let Value::Object(attrs) = proposed else {
        return Ok(Value::Null);
    };
    if let Some(error) = imported_under_another_id(adapter, proposed) {
        return Err(vec![error]);
    }
    let schema = schema(adapter);
    let outputs = computed_names(&schema);
    let unknown_inputs: Vec<&str> = attrs
        .iter()
        .filter(|(name, v)| !outputs.contains(&name.as_str()) && !v.is_wholly_known())
        .map(|(name, _)| name.as_str())
        .collect();
    let ProviderDefaults::Known(defaults) = defaults else {
        return Ok(unknown_outputs(adapter, proposed, attrs));
    };
    if unknown_inputs.is_empty() {
        return with_outputs(adapter, Kind::Resource, defaults, attrs);
    }
    Ok(with_stand_ins(adapter, defaults, attrs, &unknown_inputs)
        .unwrap_or_else(|| unknown_outputs(adapter, proposed, attrs)))
}

/// The plan of a configuration whose only unknown inputs feed a few outputs (the job's
/// settings, which only its ConfigMap holds): rendered with the adapter's stand-ins for
/// them, those outputs unknown and the others as apply will render them. `None` when an
/// unknown input is not such an input, or when the stand-ins do not render: an input
/// that does not apply to the strategy is refused whatever its value, but an unknown one
/// may turn out null, so no error is due before apply.
fn with_stand_ins(
    adapter: &dyn Adapter,
    defaults: &Defaults,
    attrs: &BTreeMap<String, Value>,
    unknown_inputs: &[&str],
) -> Option<Value> {
    let stand_ins = adapter.stand_ins()?;
    let mut config = attrs.clone();
    for name in unknown_inputs {
        config.insert(name.to_string(), stand_ins.values.get(name)?.clone());
    }
    let outputs = adapter
        .render(defaults, &Value::Object(config), Kind::Resource)
        .ok()?;
    // Built from the proposal, so the unknown inputs stay unknown in the plan.
    let mut planned = attrs.clone();
    for (name, value) in outputs {
        if stand_ins.reach.contains(&name) {
            planned.insert(name.to_string(), Value::Unknown);
        } else {
            planned.insert(name.to_string(), value);
        }
    }
    Some(Value::Object(planned))
}

/// The plan when rendering must wait for apply: every output unknown but the known handles.
fn unknown_outputs(
    adapter: &dyn Adapter,
    proposed: &Value,
    attrs: &BTreeMap<String, Value>,
) -> Value {
    let schema = schema(adapter);
    let mut planned = attrs.clone();
    for name in computed_names(&schema) {
        planned.insert(name.to_string(), Value::Unknown);
    }
    // A derived default is not known before rendering either.
    for name in derived_names(&schema) {
        if planned.get(name).is_none_or(Value::is_null) {
            planned.insert(name.to_string(), Value::Unknown);
        }
    }
    for (name, value) in adapter.known_handles(proposed) {
        planned.insert(name.to_string(), value);
    }
    Value::Object(planned)
}

/// A state just imported (handles set from the import ID, objects not rendered yet) whose
/// `id` is not the one its configuration makes: the import ID named another object, e.g.
/// another job's restore. Terraform gives ImportResourceState the ID alone, so this is the
/// first moment the mismatch shows; planned on, it would replace what was just imported.
/// Terraform proposes the prior state's value for the computed `id` and objects.
fn imported_under_another_id(adapter: &dyn Adapter, proposed: &Value) -> Option<Diagnostic> {
    let Value::String(imported) = proposed.attr("id") else {
        return None;
    };
    let handles = adapter.known_handles(proposed);
    let Some(Value::String(configured)) = handles.get("id") else {
        return None;
    };
    let schema = schema(adapter);
    let rendered = computed_names(&schema)
        .into_iter()
        .filter(|name| !handles.contains_key(name))
        .any(|name| !proposed.attr(name).is_null());
    if imported == configured || rendered {
        return None;
    }
    Some(Diagnostic::new(
        AttrPath::default(),
        format!(
            "this {} was imported as {}, but its configuration makes {}",
            adapter.type_name(),
            quoted(imported),
            quoted(configured)
        ),
        format!(
            "The import ID names another object, which this plan would replace. Import it with the id \
             its configuration makes: in an import block, id = {configured:?}; after `terraform import`, \
             `terraform state rm <address>` then `terraform import <address> {configured}`."
        ),
    ))
}

/// The value a plan starts from. Terraform proposes the prior state's value for an
/// optional attribute the provider derives when the configuration leaves it unset; that
/// value would keep a default derived from inputs that may have changed since (or a value
/// the user has removed), so the configuration's own value (null) replaces it.
pub fn proposal(adapter: &dyn Adapter, config: &Value, proposed: Value) -> Value {
    let Value::Object(mut attrs) = proposed else {
        return proposed;
    };
    for name in derived_names(&schema(adapter)) {
        attrs.insert(name.to_string(), config.attr(name).clone());
    }
    Value::Object(attrs)
}

/// ApplyResourceChange: the planned state, now wholly known, rendered; null on delete.
pub fn apply(
    adapter: &dyn Adapter,
    defaults: &ProviderDefaults,
    planned: &Value,
) -> Result<Value, Diagnostics> {
    render_into(adapter, Kind::Resource, defaults, planned)
}

/// ReadDataSource: the configuration with the rendered outputs, text forms included.
pub fn read_data_source(
    adapter: &dyn Adapter,
    defaults: &ProviderDefaults,
    config: &Value,
) -> Result<Value, Diagnostics> {
    render_into(adapter, Kind::DataSource, defaults, config)
}

fn render_into(
    adapter: &dyn Adapter,
    kind: Kind,
    defaults: &ProviderDefaults,
    value: &Value,
) -> Result<Value, Diagnostics> {
    let Value::Object(attrs) = value else {
        return Ok(Value::Null);
    };
    match defaults {
        ProviderDefaults::Known(defaults) => with_outputs(adapter, kind, defaults, attrs),
        _ => Err(vec![unconfigured()]),
    }
}

/// ImportResourceState: the resource's own `id` gives the inputs it is made of and the
/// handles; the next plan fills the rest from the configuration.
pub fn import(adapter: &dyn Adapter, id: &str) -> Result<Value, Diagnostic> {
    let inputs = adapter.import_inputs(id).map_err(|why| {
        Diagnostic::new(
            AttrPath::default(),
            format!("import ID {} is not this resource's id", quoted(id)),
            format!(
                "{why}. Import {} with its `id`: {}.",
                adapter.type_name(),
                adapter.id_format()
            ),
        )
    })?;
    let mut attrs: BTreeMap<String, Value> = schema(adapter)
        .attributes
        .iter()
        .map(|a| (a.name.to_string(), Value::Null))
        .collect();
    for (name, value) in inputs {
        attrs.insert(name.to_string(), value);
    }
    // State holds no unknown values: a handle the ID does not determine stays null.
    let handles = adapter.known_handles(&Value::Object(attrs.clone()));
    for (name, value) in handles {
        if value.is_wholly_known() {
            attrs.insert(name.to_string(), value);
        }
    }
    Ok(Value::Object(attrs))
}

/// UpgradeResourceState: a stored state of any earlier version, decoded into the current
/// schema (attributes it no longer has are dropped: 0.1.0's JSON/YAML/script texts), with
/// handles added since recomputed from the inputs, so the next plan shows no change of
/// them. An object added since (the job's `config_map_manifest`) stays null: the plan
/// renders it and shows it, since the user has a new object to apply. Adding an attribute
/// needs no schema version: a missing one decodes as null.
pub fn upgrade(adapter: &dyn Adapter, stored: Value) -> Value {
    let Value::Object(mut attrs) = stored else {
        return Value::Null;
    };
    let handles = adapter.known_handles(&Value::Object(attrs.clone()));
    for (name, value) in handles {
        if value.is_wholly_known() && attrs.get(name).is_none_or(Value::is_null) {
            attrs.insert(name.to_string(), value);
        }
    }
    Value::Object(attrs)
}

/// A value quoted for a message, cut to a readable length.
pub fn quoted(text: &str) -> String {
    backstop_codegen::diagnostic::quote(text)
}

fn with_outputs(
    adapter: &dyn Adapter,
    kind: Kind,
    defaults: &Defaults,
    attrs: &BTreeMap<String, Value>,
) -> Result<Value, Diagnostics> {
    let config = Value::Object(attrs.clone());
    let outputs = adapter.render(defaults, &config, kind)?;
    let mut state = attrs.clone();
    for (name, value) in outputs {
        state.insert(name.to_string(), value);
    }
    Ok(Value::Object(state))
}

fn unconfigured() -> Diagnostic {
    Diagnostic::new(
        AttrPath::default(),
        "the backstop provider block is not known yet",
        "Give the provider block values known at plan time (not outputs of other resources).",
    )
}

/// The value a diagnostic path points at, if the path exists in `value`.
fn resolve<'a>(value: &'a Value, path: &AttrPath) -> Option<&'a Value> {
    path.0
        .iter()
        .try_fold(value, |current, step| match (step, current) {
            (PathStep::Attr(name), Value::Object(attrs)) => attrs.get(name),
            (PathStep::Key(key), Value::Map(entries) | Value::Object(entries)) => entries.get(key),
            (PathStep::Index(i), Value::List(items) | Value::Tuple(items)) => items.get(*i),
            _ => None,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dynamic::Number;
    use crate::resources;

    fn job_adapter() -> Box<dyn Adapter> {
        resources::all()
            .into_iter()
            .find(|a| a.type_name() == "backstop_backup_job")
            .expect("job adapter")
    }

    /// A valid rsync job with every attribute present (null when unset), as Terraform sends it.
    fn job_config(overrides: &[(&str, Value)]) -> Value {
        let adapter = job_adapter();
        let mut attrs: BTreeMap<String, Value> = schema(adapter.as_ref())
            .attributes
            .iter()
            .map(|a| (a.name.to_string(), Value::Null))
            .collect();
        for (name, value) in [
            ("name", "mail"),
            ("namespace", "mail"),
            ("schedule", "0 3 * * *"),
            ("source_claim", "mail-data"),
            ("destination_claim", "mail-backup-host"),
        ] {
            attrs.insert(name.to_string(), Value::string(value));
        }
        let mount = Value::Object(BTreeMap::from([
            ("path".to_string(), Value::string("/var/mail")),
            ("sub_path".to_string(), Value::Null),
        ]));
        attrs.insert(
            "mounts".to_string(),
            Value::Map(BTreeMap::from([("data".to_string(), mount)])),
        );
        for (name, value) in overrides {
            attrs.insert(name.to_string(), value.clone());
        }
        Value::Object(attrs)
    }

    fn known() -> ProviderDefaults {
        ProviderDefaults::Known(Defaults::default())
    }

    #[test]
    fn known_inputs_render_at_plan_time() {
        let planned = plan(job_adapter().as_ref(), &known(), &job_config(&[])).expect("plan");
        assert_eq!(planned.attr("id"), &Value::string("mail/mail-backup"));
        assert_eq!(planned.attr("cronjob_name"), &Value::string("mail-backup"));
        let settings = planned.attr("config_map_manifest");
        assert_eq!(settings.attr("kind"), &Value::string("ConfigMap"));
        assert_eq!(
            settings.attr("metadata").attr("name"),
            &Value::string("mail-backup-settings")
        );
        assert!(planned.is_wholly_known());
    }

    #[test]
    fn an_unknown_input_leaves_the_handles_it_does_not_feed_known() {
        let config = job_config(&[("schedule", Value::Unknown)]);
        let planned = plan(job_adapter().as_ref(), &known(), &config).expect("plan");
        assert_eq!(planned.attr("manifest"), &Value::Unknown);
        // The settings derive from the schedule too (the lock timing follows the deadline).
        assert_eq!(planned.attr("config_map_manifest"), &Value::Unknown);
        assert_eq!(planned.attr("id"), &Value::string("mail/mail-backup"));
        assert_eq!(planned.attr("cronjob_name"), &Value::string("mail-backup"));
        assert_eq!(planned.attr("name"), &Value::string("mail"));

        let config = job_config(&[("namespace", Value::Unknown)]);
        let planned = plan(job_adapter().as_ref(), &known(), &config).expect("plan");
        assert_eq!(planned.attr("id"), &Value::Unknown);
        assert_eq!(planned.attr("cronjob_name"), &Value::string("mail-backup"));
    }

    /// `job_config` turned into a job of `strategy`, with the inputs that strategy requires.
    fn job_of(strategy: &str, overrides: &[(&str, Value)]) -> Value {
        let mut base = vec![("strategy", Value::string(strategy))];
        match strategy {
            "pg_dumpall" | "mysqldump" => base.extend([
                ("source_claim", Value::Null),
                ("mounts", Value::Null),
                ("host", Value::string("db.mail.svc")),
                ("user", Value::string("backup")),
                (
                    "password_secret",
                    Value::Object(BTreeMap::from([
                        ("name".to_string(), Value::string("db")),
                        ("key".to_string(), Value::string("password")),
                    ])),
                ),
            ]),
            "sqlite" => base.push(("database", Value::string("/var/mail/db.sqlite3"))),
            "command" => base.push(("command", Value::string("cp -a /var/mail \"$SNAPSHOT/\""))),
            _ => {}
        }
        base.extend(overrides.iter().cloned());
        job_config(&base)
    }

    /// Each settings-only input, unknown at plan, in a job it applies to, with a value it
    /// may turn out to have: the plan keeps the CronJob exactly as apply renders it with
    /// that value, and only the ConfigMap waits.
    #[test]
    fn an_unknown_setting_leaves_the_cronjob_planned_as_applied() {
        let cases = [
            ("rsync", "keep", Value::Number(Number::Int(3))),
            ("sqlite", "keep", Value::Null),
            (
                "rsync",
                "max_shrink_percent",
                Value::Number(Number::Int(100)),
            ),
            ("rsync", "make_room", Value::Bool(false)),
            (
                "rsync",
                "pushgateway_url",
                Value::string("http://pg-7:9091"),
            ),
            ("pg_dumpall", "host", Value::string("10.0.10.15")),
            ("mysqldump", "user", Value::string("root")),
            (
                "command",
                "command",
                Value::string("tar -cf \"$SNAPSHOT/x.tar\" /var/mail"),
            ),
        ];
        let adapter = job_adapter();
        for (strategy, input, value) in cases {
            let case = format!("{input} of {strategy}");
            let config = job_of(strategy, &[(input, Value::Unknown)]);
            let planned = plan(adapter.as_ref(), &known(), &config).expect(&case);
            assert_eq!(planned.attr(input), &Value::Unknown, "{case}");
            assert_eq!(
                planned.attr("config_map_manifest"),
                &Value::Unknown,
                "{case}"
            );
            let applied = apply(
                adapter.as_ref(),
                &known(),
                &job_of(strategy, &[(input, value)]),
            )
            .expect(&case);
            let reach = adapter.stand_ins().expect("stand-ins").reach;
            let kept: Vec<&str> = computed_names(&schema(adapter.as_ref()))
                .into_iter()
                .filter(|name| !reach.contains(name))
                .collect();
            assert!(kept.contains(&"manifest"), "{kept:?}");
            for output in kept {
                assert!(planned.attr(output).is_wholly_known(), "{case}: {output}");
                assert_eq!(
                    planned.attr(output),
                    applied.attr(output),
                    "{case}: {output}"
                );
            }
            // No stand-in shows anywhere in the plan.
            assert!(
                !format!("{planned:?}").contains("stand-in"),
                "{case}: {planned:?}"
            );
        }
    }

    #[test]
    fn an_unknown_input_the_cronjob_reads_still_leaves_both_objects_unknown() {
        let adapter = job_adapter();
        for unknown in [
            vec![("schedule", Value::Unknown), ("keep", Value::Unknown)],
            vec![("active_deadline_seconds", Value::Unknown)],
            vec![
                ("image", Value::Unknown),
                ("pushgateway_url", Value::Unknown),
            ],
        ] {
            let planned = plan(adapter.as_ref(), &known(), &job_config(&unknown)).expect("plan");
            assert_eq!(planned.attr("manifest"), &Value::Unknown, "{unknown:?}");
            assert_eq!(
                planned.attr("config_map_manifest"),
                &Value::Unknown,
                "{unknown:?}"
            );
            assert_eq!(planned.attr("id"), &Value::string("mail/mail-backup"));
        }
        // Unknown settings and an unknown provider block: nothing is rendered.
        let planned = plan(
            adapter.as_ref(),
            &ProviderDefaults::Unknown,
            &job_config(&[("keep", Value::Unknown)]),
        )
        .expect("plan");
        assert_eq!(planned.attr("manifest"), &Value::Unknown);
    }

    /// `host` does not apply to rsync, but an unknown one may turn out null: the plan waits
    /// for apply rather than refusing the stand-in.
    #[test]
    fn an_unknown_setting_the_strategy_refuses_is_judged_at_apply() {
        let adapter = job_adapter();
        let planned = plan(
            adapter.as_ref(),
            &known(),
            &job_config(&[("host", Value::Unknown)]),
        )
        .expect("no error before the value is known");
        assert_eq!(planned.attr("manifest"), &Value::Unknown);
        assert_eq!(planned.attr("config_map_manifest"), &Value::Unknown);
        assert!(apply(
            adapter.as_ref(),
            &known(),
            &job_config(&[("host", Value::Null)])
        )
        .is_ok());
        assert!(apply(
            adapter.as_ref(),
            &known(),
            &job_config(&[("host", Value::string("db"))])
        )
        .is_err());
    }

    #[test]
    fn resource_state_holds_each_object_once_and_no_text() {
        let planned = plan(job_adapter().as_ref(), &known(), &job_config(&[])).expect("plan");
        for text in ["script", "manifest_json", "manifest_yaml"] {
            assert_eq!(planned.attr(text), &Value::Null, "{text}");
        }
        assert!(matches!(planned.attr("manifest"), Value::Object(_)));
        assert!(matches!(
            planned.attr("config_map_manifest"),
            Value::Object(_)
        ));
        let read =
            read_data_source(job_adapter().as_ref(), &known(), &job_config(&[])).expect("read");
        assert_eq!(read.attr("manifest"), planned.attr("manifest"));
        assert_eq!(
            read.attr("config_map_manifest"),
            planned.attr("config_map_manifest")
        );
        // The texts hold both objects, the ConfigMap first (the CronJob's pods need it).
        let yaml = read.attr("manifest_yaml").as_str().expect("yaml");
        let kinds: Vec<&str> = yaml
            .lines()
            .filter_map(|line| line.strip_prefix("kind: "))
            .collect();
        assert_eq!(kinds, ["ConfigMap", "CronJob"], "{yaml}");
        let json: serde_json::Value =
            serde_json::from_str(read.attr("manifest_json").as_str().expect("json")).expect("JSON");
        assert_eq!(
            json.as_array().map(|objects| objects
                .iter()
                .map(|o| o["kind"].clone())
                .collect::<Vec<_>>()),
            Some(vec!["ConfigMap".into(), "CronJob".into()])
        );
    }

    #[test]
    fn upgrade_keeps_the_objects_and_adds_missing_handles() {
        let planned = plan(job_adapter().as_ref(), &known(), &job_config(&[])).expect("plan");
        let Value::Object(mut old) = planned.clone() else {
            panic!()
        };
        old.insert("cronjob_name".into(), Value::Null);
        assert_eq!(upgrade(job_adapter().as_ref(), Value::Object(old)), planned);
    }

    /// A state written before `config_map_manifest` existed decodes with it null. The
    /// upgrade leaves it so: the next plan renders it and shows it as added, which the user
    /// must see (the ConfigMap is a new object to apply).
    #[test]
    fn upgrade_leaves_an_object_the_old_state_lacks_for_the_plan_to_render() {
        let planned = plan(job_adapter().as_ref(), &known(), &job_config(&[])).expect("plan");
        let Value::Object(mut old) = planned else {
            panic!()
        };
        old.insert("config_map_manifest".into(), Value::Null);
        let upgraded = upgrade(job_adapter().as_ref(), Value::Object(old.clone()));
        assert_eq!(upgraded, Value::Object(old));
        let replanned = plan(job_adapter().as_ref(), &known(), &upgraded).expect("plan");
        assert!(matches!(
            replanned.attr("config_map_manifest"),
            Value::Object(_)
        ));
    }

    #[test]
    fn an_unknown_provider_block_makes_outputs_unknown_and_apply_refuses() {
        let planned = plan(
            job_adapter().as_ref(),
            &ProviderDefaults::Unknown,
            &job_config(&[]),
        )
        .expect("plan");
        assert_eq!(planned.attr("manifest"), &Value::Unknown);
        assert!(apply(
            job_adapter().as_ref(),
            &ProviderDefaults::Unknown,
            &job_config(&[])
        )
        .is_err());
    }

    #[test]
    fn validation_reports_known_values_and_waits_for_unknown_ones() {
        let adapter = job_adapter();
        let bad_name = validate(
            adapter.as_ref(),
            &job_config(&[("name", Value::string("Mail"))]),
        );
        assert!(
            bad_name.iter().any(|d| d.path == AttrPath::root("name")),
            "{bad_name:?}"
        );
        // Unknown schedule: no error about it until it is known.
        let unknown = validate(
            adapter.as_ref(),
            &job_config(&[("schedule", Value::Unknown)]),
        );
        assert!(
            unknown.iter().all(|d| d.path != AttrPath::root("schedule")),
            "{unknown:?}"
        );
    }

    /// Validation skips rendering for speed, so it must find exactly what rendering finds.
    #[test]
    fn validation_finds_exactly_the_errors_rendering_finds() {
        let adapter = job_adapter();
        let bad_mount = Value::Map(BTreeMap::from([(
            "data".to_string(),
            Value::Object(BTreeMap::from([
                ("path".to_string(), Value::string("relative")),
                ("sub_path".to_string(), Value::string("../up")),
            ])),
        )]));
        let cases: [&[(&str, Value)]; 6] = [
            &[],
            &[("name", Value::string("Mail"))],
            &[("schedule", Value::string("61 * * * *"))],
            &[("keep", Value::Number(Number::Int(-1)))],
            &[("strategy", Value::string("tarball"))],
            &[
                ("mounts", bad_mount),
                ("image", Value::string("alpine:3.22; rm -rf /")),
            ],
        ];
        for overrides in cases {
            let config = job_config(overrides);
            let rendered = match adapter.render(&Defaults::default(), &config, Kind::Resource) {
                Ok(_) => Diagnostics::new(),
                Err(diagnostics) => diagnostics,
            };
            assert_eq!(rendered.is_empty(), overrides.is_empty(), "{rendered:?}");
            assert_eq!(
                adapter.validate(&Defaults::default(), &config),
                rendered,
                "{overrides:?}"
            );
        }
    }

    #[test]
    fn plan_reports_every_error_with_its_path() {
        let Err(diagnostics) = plan(
            job_adapter().as_ref(),
            &known(),
            &job_config(&[("schedule", Value::string("61 * * * *"))]),
        ) else {
            panic!("an invalid schedule must not plan");
        };
        assert!(
            diagnostics
                .iter()
                .any(|d| d.path == AttrPath::root("schedule")),
            "{diagnostics:?}"
        );
    }

    #[test]
    fn import_takes_the_resources_own_id() {
        let planned = plan(job_adapter().as_ref(), &known(), &job_config(&[])).expect("plan");
        let id = planned.attr("id").as_str().expect("id").to_string();
        let state = import(job_adapter().as_ref(), &id).expect("import");
        assert_eq!(state.attr("namespace"), &Value::string("mail"));
        assert_eq!(state.attr("name"), &Value::string("mail"));
        assert_eq!(state.attr("id"), planned.attr("id"));
        assert_eq!(state.attr("cronjob_name"), planned.attr("cronjob_name"));
        for bad in [
            "mail-backup",
            "/x",
            "x/",
            "a/b/c",
            "mail/mail",
            "mail/-backup",
        ] {
            assert!(import(job_adapter().as_ref(), bad).is_err(), "{bad}");
        }
    }

    fn drill_adapter() -> Box<dyn Adapter> {
        resources::all()
            .into_iter()
            .find(|a| a.type_name() == "backstop_restore_test")
            .expect("drill adapter")
    }

    /// A drill of `job_config`'s job, every drill attribute null unless overridden.
    fn drill_config(overrides: &[(&str, Value)]) -> Value {
        let mut job = job_config(&[]);
        if let Value::Object(attrs) = &mut job {
            // The job's computed attributes are not part of a drill's `job`.
            for computed in ["id", "cronjob_name", "manifest", "config_map_manifest"] {
                attrs.remove(computed);
            }
        }
        let mut attrs: BTreeMap<String, Value> = schema(drill_adapter().as_ref())
            .attributes
            .iter()
            .map(|a| (a.name.to_string(), Value::Null))
            .collect();
        attrs.insert("job".to_string(), job);
        for (name, value) in overrides {
            attrs.insert(name.to_string(), value.clone());
        }
        Value::Object(attrs)
    }

    #[test]
    fn a_derived_default_is_planned_from_the_configuration_not_the_prior_state() {
        let adapter = drill_adapter();
        // The prior state's default (or a schedule since removed) is proposed back.
        let proposed = drill_config(&[("schedule", Value::string("0 9 * * 1"))]);
        let config = drill_config(&[]);
        let planned = plan(
            adapter.as_ref(),
            &known(),
            &proposal(adapter.as_ref(), &config, proposed),
        )
        .expect("plan");
        // The backup runs at 03:00: the drill on Sunday two hours later.
        assert_eq!(planned.attr("schedule"), &Value::string("0 5 * * 0"));
        let explicit = drill_config(&[("schedule", Value::string("0 9 * * 1"))]);
        let planned = plan(
            adapter.as_ref(),
            &known(),
            &proposal(adapter.as_ref(), &explicit, explicit.clone()),
        )
        .expect("plan");
        assert_eq!(planned.attr("schedule"), &Value::string("0 9 * * 1"));
    }

    #[test]
    fn a_drill_import_sets_its_jobs_name_and_namespace() {
        let planned = plan(drill_adapter().as_ref(), &known(), &drill_config(&[])).expect("plan");
        let id = planned.attr("id").as_str().expect("id").to_string();
        assert_eq!(id, "mail/mail-restore-test");
        let state = import(drill_adapter().as_ref(), &id).expect("import");
        assert_eq!(state.attr("job").attr("name"), &Value::string("mail"));
        assert_eq!(state.attr("job").attr("namespace"), &Value::string("mail"));
        assert_eq!(state.attr("cronjob_name"), planned.attr("cronjob_name"));
        // The schedule derives from the job's, which the ID does not give: null, not unknown.
        assert_eq!(state.attr("schedule"), &Value::Null);
        assert!(state.is_wholly_known());
        for bad in [
            "mail/mail-backup",
            "mail/-restore-test",
            "mail-restore-test",
        ] {
            assert!(import(drill_adapter().as_ref(), bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn delete_plans_and_applies_to_null() {
        assert_eq!(
            plan(job_adapter().as_ref(), &known(), &Value::Null),
            Ok(Value::Null)
        );
        assert_eq!(
            apply(job_adapter().as_ref(), &known(), &Value::Null),
            Ok(Value::Null)
        );
    }
}

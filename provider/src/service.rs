//! The tfplugin6 `Provider` service: decodes each request, hands the values to
//! `lifecycle`, encodes the answer. Every failure is a diagnostic, never a gRPC error,
//! because Terraform shows diagnostics to the user and only logs the rest.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use tonic::{Request, Response, Status};

use crate::diagnostics::{attribute_path, errors, plain};
use crate::dynamic::{from_dynamic, to_dynamic, Type, Value};
use crate::lifecycle::{self, ProviderDefaults};
use crate::proto::tfplugin6::{self as pb, provider_server::Provider};
use crate::resources::{self, provider_config, Adapter, Kind};
use crate::{functions, schema::Schema};

type Reply<T> = Result<Response<T>, Status>;

pub struct BackstopProvider {
    adapters: Vec<Box<dyn Adapter>>,
    defaults: Arc<RwLock<ProviderDefaults>>,
}

impl Default for BackstopProvider {
    fn default() -> Self {
        BackstopProvider {
            adapters: resources::all(),
            defaults: Arc::new(RwLock::new(ProviderDefaults::Unconfigured)),
        }
    }
}

/// The request could not be served; carried to the response as its diagnostics.
type Failure = Vec<pb::Diagnostic>;

impl BackstopProvider {
    fn adapter(&self, type_name: &str) -> Result<&dyn Adapter, Failure> {
        self.adapters.iter().find(|a| a.type_name() == type_name).map(|a| a.as_ref()).ok_or_else(|| {
            vec![plain(format!("unknown resource type {type_name:?}"), "This provider serves backstop_nfs_backup_volume, backstop_backup_job, backstop_backup_alert, backstop_restore_test and backstop_restore.")]
        })
    }

    fn current_defaults(&self) -> ProviderDefaults {
        self.defaults
            .read()
            .map(|d| d.clone())
            .unwrap_or(ProviderDefaults::Unconfigured)
    }

    fn schema_response(&self) -> pb::get_provider_schema::Response {
        let schemas = |kind| -> HashMap<String, pb::Schema> {
            self.adapters
                .iter()
                .map(|a| {
                    (
                        a.type_name().to_string(),
                        resources::schema_of(a.as_ref(), kind).to_proto(),
                    )
                })
                .collect()
        };
        pb::get_provider_schema::Response {
            provider: Some(provider_config::schema().to_proto()),
            resource_schemas: schemas(Kind::Resource),
            data_source_schemas: schemas(Kind::DataSource),
            diagnostics: Vec::new(),
            provider_meta: None,
            server_capabilities: Some(capabilities()),
            functions: functions::definitions(),
        }
    }
}

fn capabilities() -> pb::ServerCapabilities {
    pb::ServerCapabilities {
        plan_destroy: false,
        get_provider_schema_optional: true,
        move_resource_state: false,
        generate_resource_config: false,
    }
}

fn decode(
    schema: &Schema,
    dynamic: Option<&pb::DynamicValue>,
    what: &str,
) -> Result<Value, Failure> {
    from_dynamic(&schema.object_type(), dynamic).map_err(|e| {
        vec![plain(
            format!("the provider could not decode the {what}"),
            format!("{e}. This is a bug in Terraform or the provider; please report it."),
        )]
    })
}

fn encode(schema: &Schema, value: &Value) -> Result<pb::DynamicValue, Failure> {
    to_dynamic(&schema.object_type(), value).map_err(|e| {
        vec![plain(
            "the provider could not encode its answer",
            format!("{e}. This is a bug in the provider; please report it."),
        )]
    })
}

#[tonic::async_trait]
impl Provider for BackstopProvider {
    async fn get_metadata(
        &self,
        _: Request<pb::get_metadata::Request>,
    ) -> Reply<pb::get_metadata::Response> {
        let names = || self.adapters.iter().map(|a| a.type_name().to_string());
        Ok(Response::new(pb::get_metadata::Response {
            server_capabilities: Some(capabilities()),
            diagnostics: Vec::new(),
            data_sources: names()
                .map(|type_name| pb::get_metadata::DataSourceMetadata { type_name })
                .collect(),
            resources: names()
                .map(|type_name| pb::get_metadata::ResourceMetadata { type_name })
                .collect(),
            functions: vec![pb::get_metadata::FunctionMetadata {
                name: functions::STALE_AFTER.to_string(),
            }],
        }))
    }

    async fn get_provider_schema(
        &self,
        _: Request<pb::get_provider_schema::Request>,
    ) -> Reply<pb::get_provider_schema::Response> {
        Ok(Response::new(self.schema_response()))
    }

    async fn get_resource_identity_schemas(
        &self,
        _: Request<pb::get_resource_identity_schemas::Request>,
    ) -> Reply<pb::get_resource_identity_schemas::Response> {
        Ok(Response::new(
            pb::get_resource_identity_schemas::Response::default(),
        ))
    }

    async fn validate_provider_config(
        &self,
        request: Request<pb::validate_provider_config::Request>,
    ) -> Reply<pb::validate_provider_config::Response> {
        let diagnostics = decode(
            &provider_config::schema(),
            request.get_ref().config.as_ref(),
            "provider configuration",
        )
        .map(|config| {
            if config.is_wholly_known() {
                errors(&backstop_codegen::validate::defaults(
                    &provider_config::defaults(&config),
                ))
            } else {
                Vec::new()
            }
        })
        .unwrap_or_else(|failure| failure);
        Ok(Response::new(pb::validate_provider_config::Response {
            diagnostics,
        }))
    }

    async fn configure_provider(
        &self,
        request: Request<pb::configure_provider::Request>,
    ) -> Reply<pb::configure_provider::Response> {
        let diagnostics = match decode(
            &provider_config::schema(),
            request.get_ref().config.as_ref(),
            "provider configuration",
        ) {
            Ok(config) => {
                let defaults = if config.is_wholly_known() {
                    ProviderDefaults::Known(provider_config::defaults(&config))
                } else {
                    ProviderDefaults::Unknown
                };
                let found = match &defaults {
                    ProviderDefaults::Known(d) => errors(&backstop_codegen::validate::defaults(d)),
                    _ => Vec::new(),
                };
                if let Ok(mut current) = self.defaults.write() {
                    *current = defaults;
                }
                found
            }
            Err(failure) => failure,
        };
        Ok(Response::new(pb::configure_provider::Response {
            diagnostics,
        }))
    }

    async fn validate_resource_config(
        &self,
        request: Request<pb::validate_resource_config::Request>,
    ) -> Reply<pb::validate_resource_config::Response> {
        let request = request.get_ref();
        Ok(Response::new(pb::validate_resource_config::Response {
            diagnostics: self.validate(&request.type_name, Kind::Resource, request.config.as_ref()),
        }))
    }

    async fn validate_data_resource_config(
        &self,
        request: Request<pb::validate_data_resource_config::Request>,
    ) -> Reply<pb::validate_data_resource_config::Response> {
        let request = request.get_ref();
        Ok(Response::new(pb::validate_data_resource_config::Response {
            diagnostics: self.validate(
                &request.type_name,
                Kind::DataSource,
                request.config.as_ref(),
            ),
        }))
    }

    async fn upgrade_resource_state(
        &self,
        request: Request<pb::upgrade_resource_state::Request>,
    ) -> Reply<pb::upgrade_resource_state::Response> {
        let request = request.get_ref();
        let result = self.adapter(&request.type_name).and_then(|adapter| {
            let schema = resources::schema(adapter);
            let raw = request.raw_state.as_ref();
            let json = raw.map(|r| r.json.as_slice()).unwrap_or_default();
            if json.is_empty() && raw.is_some_and(|r| !r.flatmap.is_empty()) {
                return Err(vec![legacy_state(adapter, raw.map(|r| &r.flatmap))]);
            }
            let state = if json.is_empty() {
                Value::Null
            } else {
                serde_json::from_slice(json)
                    .map_err(|e| e.to_string())
                    .and_then(|json| schema.object_type().value_from_state_json(&json))
                    .map_err(|e| {
                        vec![plain(
                            format!("the stored state of {} is unreadable", request.type_name),
                            format!(
                                "{e}. Remove it with `terraform state rm <address>` and import it again with its id."
                            ),
                        )]
                    })?
            };
            encode(&schema, &lifecycle::upgrade(adapter, state))
        });
        let (upgraded_state, diagnostics) = split(result);
        Ok(Response::new(pb::upgrade_resource_state::Response {
            upgraded_state,
            diagnostics,
        }))
    }

    async fn read_resource(
        &self,
        request: Request<pb::read_resource::Request>,
    ) -> Reply<pb::read_resource::Response> {
        // A pure renderer has nothing remote to refresh: the state is echoed, private data too.
        let request = request.into_inner();
        Ok(Response::new(pb::read_resource::Response {
            new_state: request.current_state,
            diagnostics: Vec::new(),
            private: request.private,
            new_identity: None,
        }))
    }

    async fn plan_resource_change(
        &self,
        request: Request<pb::plan_resource_change::Request>,
    ) -> Reply<pb::plan_resource_change::Response> {
        let request = request.get_ref();
        let defaults = self.current_defaults();
        let result = self.adapter(&request.type_name).and_then(|adapter| {
            let schema = resources::schema(adapter);
            let proposed = decode(
                &schema,
                request.proposed_new_state.as_ref(),
                "proposed new state",
            )?;
            let config = decode(&schema, request.config.as_ref(), "configuration")?;
            let proposed = lifecycle::proposal(adapter, &config, proposed);
            let planned = lifecycle::plan(adapter, &defaults, &proposed).map_err(|d| errors(&d))?;
            let replace = schema
                .replace_paths()
                .iter()
                .map(|path| attribute_path(path))
                .collect();
            Ok((encode(&schema, &planned)?, replace))
        });
        let (planned, diagnostics) = split(result);
        let (planned_state, requires_replace) =
            planned.map(|(s, r)| (Some(s), r)).unwrap_or_default();
        Ok(Response::new(pb::plan_resource_change::Response {
            planned_state,
            requires_replace,
            planned_private: request.prior_private.clone(),
            diagnostics,
            legacy_type_system: false,
            planned_identity: None,
        }))
    }

    async fn apply_resource_change(
        &self,
        request: Request<pb::apply_resource_change::Request>,
    ) -> Reply<pb::apply_resource_change::Response> {
        let request = request.get_ref();
        let defaults = self.current_defaults();
        let result = self.adapter(&request.type_name).and_then(|adapter| {
            let schema = resources::schema(adapter);
            let planned = decode(&schema, request.planned_state.as_ref(), "planned state")?;
            let applied = lifecycle::apply(adapter, &defaults, &planned).map_err(|d| errors(&d))?;
            encode(&schema, &applied)
        });
        let (new_state, diagnostics) = split(result);
        Ok(Response::new(pb::apply_resource_change::Response {
            // Nothing outside Terraform changed, so on error the prior state is still
            // the truth (null for a create).
            new_state: new_state.or_else(|| request.prior_state.clone()),
            private: request.planned_private.clone(),
            diagnostics,
            legacy_type_system: false,
            new_identity: None,
        }))
    }

    async fn import_resource_state(
        &self,
        request: Request<pb::import_resource_state::Request>,
    ) -> Reply<pb::import_resource_state::Response> {
        let request = request.get_ref();
        let result = self.adapter(&request.type_name).and_then(|adapter| {
            let state = lifecycle::import(adapter, &request.id).map_err(|d| errors(&[d]))?;
            encode(&resources::schema(adapter), &state)
        });
        let (state, diagnostics) = split(result);
        let imported_resources = state
            .map(|state| pb::import_resource_state::ImportedResource {
                type_name: request.type_name.clone(),
                state: Some(state),
                private: Vec::new(),
                identity: None,
            })
            .into_iter()
            .collect();
        Ok(Response::new(pb::import_resource_state::Response {
            imported_resources,
            diagnostics,
        }))
    }

    async fn read_data_source(
        &self,
        request: Request<pb::read_data_source::Request>,
    ) -> Reply<pb::read_data_source::Response> {
        let request = request.get_ref();
        let defaults = self.current_defaults();
        let result = self.adapter(&request.type_name).and_then(|adapter| {
            let schema = resources::schema_of(adapter, Kind::DataSource);
            let config = decode(
                &schema,
                request.config.as_ref(),
                "data source configuration",
            )?;
            let state =
                lifecycle::read_data_source(adapter, &defaults, &config).map_err(|d| errors(&d))?;
            encode(&schema, &state)
        });
        let (state, diagnostics) = split(result);
        Ok(Response::new(pb::read_data_source::Response {
            state,
            diagnostics,
        }))
    }

    async fn get_functions(
        &self,
        _: Request<pb::get_functions::Request>,
    ) -> Reply<pb::get_functions::Response> {
        Ok(Response::new(pb::get_functions::Response {
            functions: functions::definitions(),
            diagnostics: Vec::new(),
        }))
    }

    async fn call_function(
        &self,
        request: Request<pb::call_function::Request>,
    ) -> Reply<pb::call_function::Response> {
        let request = request.get_ref();
        let function_error = |text: String, argument: Option<i64>| pb::call_function::Response {
            result: None,
            error: Some(pb::FunctionError {
                text,
                function_argument: argument,
            }),
        };
        if request.name != functions::STALE_AFTER {
            return Ok(Response::new(function_error(
                format!("unknown function {:?}", request.name),
                None,
            )));
        }
        let schedule = match from_dynamic(&Type::String, request.arguments.first()) {
            Ok(Value::String(s)) => s,
            Ok(_) => {
                return Ok(Response::new(function_error(
                    "schedule must be a known, non-null string".to_string(),
                    Some(0),
                )))
            }
            Err(e) => return Ok(Response::new(function_error(e, Some(0)))),
        };
        let response = match functions::stale_after(&schedule)
            .map(Value::String)
            .and_then(|v| to_dynamic(&Type::String, &v))
        {
            Ok(result) => pb::call_function::Response {
                result: Some(result),
                error: None,
            },
            Err(e) => function_error(e, Some(0)),
        };
        Ok(Response::new(response))
    }

    async fn stop_provider(
        &self,
        _: Request<pb::stop_provider::Request>,
    ) -> Reply<pb::stop_provider::Response> {
        // Every RPC is a short in-memory render: there is no long-running work to cancel.
        Ok(Response::new(pb::stop_provider::Response {
            error: String::new(),
        }))
    }
}

impl BackstopProvider {
    fn validate(
        &self,
        type_name: &str,
        kind: Kind,
        config: Option<&pb::DynamicValue>,
    ) -> Vec<pb::Diagnostic> {
        self.adapter(type_name)
            .and_then(|adapter| {
                let config = decode(
                    &resources::schema_of(adapter, kind),
                    config,
                    "configuration",
                )?;
                Ok(errors(&lifecycle::validate(adapter, &config)))
            })
            .unwrap_or_else(|failure| failure)
    }
}

/// State in the pre-0.12 flat format, which this provider never wrote: it cannot be read
/// safely, and dropping it silently would plan a create over an object Terraform manages.
fn legacy_state(
    adapter: &dyn Adapter,
    flatmap: Option<&HashMap<String, String>>,
) -> pb::Diagnostic {
    let id = flatmap
        .and_then(|f| f.get("id"))
        .map(|id| lifecycle::quoted(id))
        .unwrap_or_else(|| format!("<{}>", adapter.id_format()));
    plain(
        format!(
            "a {} in state is stored in the legacy flat format (attributes_flat)",
            adapter.type_name()
        ),
        format!(
            "This provider reads only JSON state. Remove the entry and import it again: \
             `terraform state rm <address>` then `terraform import <address> {id}` \
             (<address> is the resource's address, e.g. {}.example)",
            adapter.type_name()
        ),
    )
}

fn split<T>(result: Result<T, Failure>) -> (Option<T>, Vec<pb::Diagnostic>) {
    match result {
        Ok(value) => (Some(value), Vec::new()),
        Err(diagnostics) => (None, diagnostics),
    }
}

//! The tfplugin6 `Provider` service over any `Provider`: decodes each request, finds the
//! resource type, hands the values over, encodes the answer. Every failure is a
//! diagnostic, never a gRPC error, because Terraform shows diagnostics to the user and
//! only logs the rest.

use tonic::{Request, Response, Status};

use crate::diagnostics::{attribute_path, plain};
use crate::dynamic::{from_dynamic, to_dynamic, Value};
use crate::proto::tfplugin6::{self as pb, provider_server};
use crate::provider::{Diagnostics, Kind, Provider, Resource, Schema, StoredState};

type Reply<T> = Result<Response<T>, Status>;

/// Serves `P` as Terraform's `Provider` gRPC service.
pub struct Service<P> {
    provider: P,
}

impl<P: Provider> Service<P> {
    pub fn new(provider: P) -> Self {
        Service { provider }
    }

    fn resource(&self, type_name: &str) -> Result<&dyn Resource, Diagnostics> {
        let resources = self.provider.resources();
        resources
            .iter()
            .find(|r| r.type_name() == type_name)
            .map(|r| r.as_ref())
            .ok_or_else(|| {
                let names: Vec<_> = resources.iter().map(|r| r.type_name()).collect();
                vec![plain(
                    format!("unknown resource type {type_name:?}"),
                    format!("This provider serves {}.", in_words(&names)),
                )]
            })
    }

    fn schema_response(&self) -> pb::get_provider_schema::Response {
        let schemas = |kind| {
            self.provider
                .resources()
                .iter()
                .map(|r| (r.type_name().to_string(), r.schema(kind).proto))
                .collect()
        };
        pb::get_provider_schema::Response {
            provider: Some(self.provider.schema().proto),
            resource_schemas: schemas(Kind::Resource),
            data_source_schemas: schemas(Kind::DataSource),
            diagnostics: Vec::new(),
            provider_meta: None,
            server_capabilities: Some(capabilities()),
            functions: self.provider.functions(),
        }
    }

    fn validate(
        &self,
        type_name: &str,
        kind: Kind,
        config: Option<&pb::DynamicValue>,
    ) -> Diagnostics {
        self.resource(type_name)
            .and_then(|resource| {
                let config = decode(&resource.schema(kind), config, "configuration")?;
                Ok(resource.validate(kind, &config))
            })
            .unwrap_or_else(|failure| failure)
    }

    fn upgrade(
        &self,
        request: &pb::upgrade_resource_state::Request,
    ) -> Result<pb::DynamicValue, Diagnostics> {
        let resource = self.resource(&request.type_name)?;
        let schema = resource.schema(Kind::Resource);
        let raw = request.raw_state.as_ref();
        let json = raw.map(|r| r.json.as_slice()).unwrap_or_default();
        let stored = match raw {
            Some(raw) if json.is_empty() && !raw.flatmap.is_empty() => {
                StoredState::Flatmap(&raw.flatmap)
            }
            _ if json.is_empty() => StoredState::Json(Value::Null),
            _ => StoredState::Json(
                serde_json::from_slice(json)
                    .map_err(|e| e.to_string())
                    .and_then(|json| {
                        schema
                            .value_type
                            .value_from_state_json(&json)
                            .map_err(|e| e.to_string())
                    })
                    .map_err(|e| {
                        vec![plain(
                            format!("the stored state of {} is unreadable", request.type_name),
                            format!(
                                "{e}. Remove it with `terraform state rm <address>` and import it again with its id."
                            ),
                        )]
                    })?,
            ),
        };
        encode(&schema, &resource.upgrade(stored)?)
    }
}

/// `a`, `a and b`, `a, b and c`.
fn in_words(names: &[&str]) -> String {
    match names {
        [] => "no resource types".to_string(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
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
) -> Result<Value, Diagnostics> {
    from_dynamic(&schema.value_type, dynamic).map_err(|e| {
        vec![plain(
            format!("the provider could not decode the {what}"),
            format!("{e}. This is a bug in Terraform or the provider; please report it."),
        )]
    })
}

fn encode(schema: &Schema, value: &Value) -> Result<pb::DynamicValue, Diagnostics> {
    to_dynamic(&schema.value_type, value).map_err(|e| {
        vec![plain(
            "the provider could not encode its answer",
            format!("{e}. This is a bug in the provider; please report it."),
        )]
    })
}

fn split<T>(result: Result<T, Diagnostics>) -> (Option<T>, Diagnostics) {
    match result {
        Ok(value) => (Some(value), Vec::new()),
        Err(diagnostics) => (None, diagnostics),
    }
}

#[tonic::async_trait]
impl<P: Provider> provider_server::Provider for Service<P> {
    async fn get_metadata(
        &self,
        _: Request<pb::get_metadata::Request>,
    ) -> Reply<pb::get_metadata::Response> {
        let names = || {
            self.provider
                .resources()
                .iter()
                .map(|r| r.type_name().to_string())
        };
        let mut functions: Vec<_> = self.provider.functions().into_keys().collect();
        functions.sort();
        Ok(Response::new(pb::get_metadata::Response {
            server_capabilities: Some(capabilities()),
            diagnostics: Vec::new(),
            data_sources: names()
                .map(|type_name| pb::get_metadata::DataSourceMetadata { type_name })
                .collect(),
            resources: names()
                .map(|type_name| pb::get_metadata::ResourceMetadata { type_name })
                .collect(),
            functions: functions
                .into_iter()
                .map(|name| pb::get_metadata::FunctionMetadata { name })
                .collect(),
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
            &self.provider.schema(),
            request.get_ref().config.as_ref(),
            "provider configuration",
        )
        .map(|config| self.provider.validate(&config))
        .unwrap_or_else(|failure| failure);
        Ok(Response::new(pb::validate_provider_config::Response {
            diagnostics,
        }))
    }

    async fn configure_provider(
        &self,
        request: Request<pb::configure_provider::Request>,
    ) -> Reply<pb::configure_provider::Response> {
        let diagnostics = decode(
            &self.provider.schema(),
            request.get_ref().config.as_ref(),
            "provider configuration",
        )
        .map(|config| self.provider.configure(&config))
        .unwrap_or_else(|failure| failure);
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
        let (upgraded_state, diagnostics) = split(self.upgrade(request.get_ref()));
        Ok(Response::new(pb::upgrade_resource_state::Response {
            upgraded_state,
            diagnostics,
        }))
    }

    async fn read_resource(
        &self,
        request: Request<pb::read_resource::Request>,
    ) -> Reply<pb::read_resource::Response> {
        // Resources here are computed from their configuration alone (see `Resource`):
        // nothing remote to refresh, so the state is echoed, private data too.
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
        let result = self.resource(&request.type_name).and_then(|resource| {
            let schema = resource.schema(Kind::Resource);
            let proposed = decode(
                &schema,
                request.proposed_new_state.as_ref(),
                "proposed new state",
            )?;
            let config = decode(&schema, request.config.as_ref(), "configuration")?;
            let planned = resource.plan(&config, &proposed)?;
            let replace = schema
                .requires_replace
                .iter()
                .map(|path| attribute_path(&path.iter().map(String::as_str).collect::<Vec<_>>()))
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
        let result = self.resource(&request.type_name).and_then(|resource| {
            let schema = resource.schema(Kind::Resource);
            let planned = decode(&schema, request.planned_state.as_ref(), "planned state")?;
            encode(&schema, &resource.apply(&planned)?)
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
        let result = self.resource(&request.type_name).and_then(|resource| {
            let state = resource.import(&request.id)?;
            encode(&resource.schema(Kind::Resource), &state)
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
        let result = self.resource(&request.type_name).and_then(|resource| {
            let schema = resource.schema(Kind::DataSource);
            let config = decode(
                &schema,
                request.config.as_ref(),
                "data source configuration",
            )?;
            encode(&schema, &resource.read_data_source(&config)?)
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
            functions: self.provider.functions(),
            diagnostics: Vec::new(),
        }))
    }

    async fn call_function(
        &self,
        request: Request<pb::call_function::Request>,
    ) -> Reply<pb::call_function::Response> {
        let request = request.get_ref();
        let response = if self.provider.functions().contains_key(&request.name) {
            self.provider
                .call_function(&request.name, &request.arguments)
        } else {
            Err(pb::FunctionError {
                text: format!("unknown function {:?}", request.name),
                function_argument: None,
            })
        };
        Ok(Response::new(match response {
            Ok(result) => pb::call_function::Response {
                result: Some(result),
                error: None,
            },
            Err(error) => pb::call_function::Response {
                result: None,
                error: Some(error),
            },
        }))
    }

    async fn stop_provider(
        &self,
        _: Request<pb::stop_provider::Request>,
    ) -> Reply<pb::stop_provider::Response> {
        // Requests are answered in memory as they come; there is no long-running work to cancel.
        Ok(Response::new(pb::stop_provider::Response {
            error: String::new(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::in_words;

    #[test]
    fn type_names_read_as_a_list() {
        assert_eq!(in_words(&["a"]), "a");
        assert_eq!(in_words(&["a", "b"]), "a and b");
        assert_eq!(in_words(&["a", "b", "c"]), "a, b and c");
    }
}

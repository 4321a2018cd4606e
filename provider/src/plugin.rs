//! Backstop on the generic plugin server: the provider block's defaults, each resource
//! adapter as a `tfplugin6_server::Resource` (a pure renderer, see `lifecycle`), and the
//! `stale_after` function.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use tfplugin6_server::dynamic::{from_dynamic, to_dynamic, Type, Value};
use tfplugin6_server::proto::tfplugin6 as pb;
use tfplugin6_server::{diagnostics::plain, Diagnostics, Kind, StoredState};

use crate::diagnostics::{self, errors};
use crate::lifecycle::{self, ProviderDefaults};
use crate::resources::{self, provider_config, Adapter};
use crate::{functions, schema};

/// The provider block as configured, shared with every resource.
type SharedDefaults = Arc<RwLock<ProviderDefaults>>;

pub struct BackstopProvider {
    resources: Vec<Box<dyn tfplugin6_server::Resource>>,
    defaults: SharedDefaults,
}

impl Default for BackstopProvider {
    fn default() -> Self {
        let defaults = Arc::new(RwLock::new(ProviderDefaults::Unconfigured));
        BackstopProvider {
            resources: resources::all()
                .into_iter()
                .map(|adapter| {
                    Box::new(BackstopResource {
                        adapter,
                        defaults: defaults.clone(),
                    }) as Box<dyn tfplugin6_server::Resource>
                })
                .collect(),
            defaults,
        }
    }
}

/// A Backstop schema as the server serves it.
fn served(schema: &schema::Schema) -> tfplugin6_server::Schema {
    tfplugin6_server::Schema {
        proto: schema.to_proto(),
        value_type: schema.object_type(),
        requires_replace: schema
            .replace_paths()
            .into_iter()
            .map(|path| path.into_iter().map(str::to_string).collect())
            .collect(),
    }
}

impl tfplugin6_server::Provider for BackstopProvider {
    fn schema(&self) -> tfplugin6_server::Schema {
        served(&provider_config::schema())
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        if config.is_wholly_known() {
            errors(&backstop_codegen::validate::defaults(
                &provider_config::defaults(config),
            ))
        } else {
            Vec::new()
        }
    }

    fn configure(&self, config: &Value) -> Diagnostics {
        let defaults = if config.is_wholly_known() {
            ProviderDefaults::Known(provider_config::defaults(config))
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

    fn resources(&self) -> &[Box<dyn tfplugin6_server::Resource>] {
        &self.resources
    }

    fn functions(&self) -> HashMap<String, pb::Function> {
        functions::definitions()
    }

    fn call_function(
        &self,
        _name: &str,
        arguments: &[pb::DynamicValue],
    ) -> Result<pb::DynamicValue, pb::FunctionError> {
        // `stale_after` is the only function (the server checked the name).
        let argument_error = |text: String| pb::FunctionError {
            text,
            function_argument: Some(0),
        };
        let schedule = match from_dynamic(&Type::String, arguments.first()) {
            Ok(Value::String(s)) => s,
            Ok(_) => {
                return Err(argument_error(
                    "schedule must be a known, non-null string".to_string(),
                ))
            }
            Err(e) => return Err(argument_error(e.to_string())),
        };
        functions::stale_after(&schedule)
            .and_then(|threshold| {
                to_dynamic(&Type::String, &Value::String(threshold)).map_err(|e| e.to_string())
            })
            .map_err(argument_error)
    }
}

/// One resource adapter with the provider block it renders against.
struct BackstopResource {
    adapter: Box<dyn Adapter>,
    defaults: SharedDefaults,
}

impl BackstopResource {
    fn defaults(&self) -> ProviderDefaults {
        self.defaults
            .read()
            .map(|d| d.clone())
            .unwrap_or(ProviderDefaults::Unconfigured)
    }
}

fn kind_of(kind: Kind) -> resources::Kind {
    match kind {
        Kind::Resource => resources::Kind::Resource,
        Kind::DataSource => resources::Kind::DataSource,
    }
}

impl tfplugin6_server::Resource for BackstopResource {
    fn type_name(&self) -> &'static str {
        self.adapter.type_name()
    }

    fn schema(&self, kind: Kind) -> tfplugin6_server::Schema {
        served(&resources::schema_of(self.adapter.as_ref(), kind_of(kind)))
    }

    fn validate(&self, _kind: Kind, config: &Value) -> Diagnostics {
        let mut found = errors(&lifecycle::validate(self.adapter.as_ref(), config));
        // Terraform validates again at plan, with the references then known: warnings
        // that need the job (a drill's job) show there.
        let warnings = self.adapter.warnings(config);
        found.extend(warnings.iter().map(diagnostics::warning));
        found
    }

    fn plan(&self, config: &Value, proposed: &Value) -> Result<Value, Diagnostics> {
        let proposed = lifecycle::proposal(self.adapter.as_ref(), config, proposed.clone());
        lifecycle::plan(self.adapter.as_ref(), &self.defaults(), &proposed).map_err(|d| errors(&d))
    }

    fn apply(&self, planned: &Value) -> Result<Value, Diagnostics> {
        lifecycle::apply(self.adapter.as_ref(), &self.defaults(), planned).map_err(|d| errors(&d))
    }

    fn read_data_source(&self, config: &Value) -> Result<Value, Diagnostics> {
        lifecycle::read_data_source(self.adapter.as_ref(), &self.defaults(), config)
            .map_err(|d| errors(&d))
    }

    fn import(&self, id: &str) -> Result<Value, Diagnostics> {
        lifecycle::import(self.adapter.as_ref(), id).map_err(|d| errors(&[d]))
    }

    fn upgrade(&self, stored: StoredState) -> Result<Value, Diagnostics> {
        match stored {
            StoredState::Json(state) => Ok(lifecycle::upgrade(self.adapter.as_ref(), state)),
            StoredState::Flatmap(flatmap) => {
                Err(vec![legacy_state(self.adapter.as_ref(), flatmap)])
            }
        }
    }
}

/// State in the pre-0.12 flat format, which this provider never wrote: it cannot be read
/// safely, and dropping it silently would plan a create over an object Terraform manages.
fn legacy_state(adapter: &dyn Adapter, flatmap: &HashMap<String, String>) -> pb::Diagnostic {
    let id = flatmap
        .get("id")
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

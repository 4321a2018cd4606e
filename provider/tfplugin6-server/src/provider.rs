//! What a provider built on this server supplies: its schemas and what each RPC does with
//! values. The server decodes every request into cty values before calling these methods
//! and encodes their answers; every failure travels as diagnostics, because Terraform
//! shows diagnostics to the user and only logs gRPC errors.

use std::collections::HashMap;

use crate::dynamic::{Type, Value};
use crate::proto::tfplugin6 as pb;

/// Diagnostics for Terraform to show; any error among them fails the request.
pub type Diagnostics = Vec<pb::Diagnostic>;

/// Whether a schema or request is a managed resource's or a data source's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Resource,
    DataSource,
}

/// A schema as the server needs it: the wire form Terraform reads, the cty type its
/// values are decoded with, and the attributes whose change plans a replacement (each a
/// path of attribute names: `["name"]`, or `["job", "name"]` inside a nested attribute).
pub struct Schema {
    pub proto: pb::Schema,
    pub value_type: Type,
    pub requires_replace: Vec<Vec<String>>,
}

/// A resource's state as Terraform stored it, for UpgradeResourceState.
pub enum StoredState<'a> {
    /// JSON state decoded into the current schema's type (null when there was none);
    /// attributes the schema no longer has are dropped.
    Json(Value),
    /// The pre-0.12 flat format (`attributes_flat`).
    Flatmap(&'a HashMap<String, String>),
}

/// One resource type whose state is computed from its configuration alone (ReadResource
/// echoes the state: there is nothing remote to refresh). The server offers every
/// resource type as a data source of the same name too, read through `read_data_source`.
pub trait Resource: Send + Sync {
    /// The Terraform type name, e.g. `example_thing`.
    fn type_name(&self) -> &'static str;
    fn schema(&self, kind: Kind) -> Schema;
    /// ValidateResourceConfig and ValidateDataResourceConfig.
    fn validate(&self, kind: Kind, config: &Value) -> Diagnostics;
    /// PlanResourceChange: the planned state for a proposed one (null on delete), with
    /// the configuration as written (the proposal carries prior values where it is unset).
    fn plan(&self, config: &Value, proposed: &Value) -> Result<Value, Diagnostics>;
    /// ApplyResourceChange: the new state for a planned one (null on delete).
    fn apply(&self, planned: &Value) -> Result<Value, Diagnostics>;
    /// ReadDataSource: the data source's state for its configuration.
    fn read_data_source(&self, config: &Value) -> Result<Value, Diagnostics>;
    /// ImportResourceState: the state an import ID stands for.
    fn import(&self, id: &str) -> Result<Value, Diagnostics>;
    /// UpgradeResourceState: a stored state of any earlier schema version, made current.
    fn upgrade(&self, stored: StoredState) -> Result<Value, Diagnostics>;
}

/// The provider: its own block, its resource types and its functions.
pub trait Provider: Send + Sync + 'static {
    /// The schema of the `provider` block.
    fn schema(&self) -> Schema;
    /// ValidateProviderConfig.
    fn validate(&self, config: &Value) -> Diagnostics;
    /// ConfigureProvider: remember the block for the requests that follow.
    fn configure(&self, config: &Value) -> Diagnostics;
    fn resources(&self) -> &[Box<dyn Resource>];
    /// The provider-defined functions by name.
    fn functions(&self) -> HashMap<String, pb::Function>;
    /// CallFunction for one of `functions`, with the arguments as Terraform sent them.
    fn call_function(
        &self,
        name: &str,
        arguments: &[pb::DynamicValue],
    ) -> Result<pb::DynamicValue, pb::FunctionError>;
}

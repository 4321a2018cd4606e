//! The server is generic: a provider that is not Backstop (one resource that doubles a
//! number) is served through the same `Service`, with the RPCs called as Terraform calls
//! them, values in msgpack.

use std::collections::{BTreeMap, HashMap};

use tfplugin6_server::diagnostics::plain;
use tfplugin6_server::dynamic::{decode, encode, Number, Type, Value};
use tfplugin6_server::proto::tfplugin6::{self as pb, provider_server::Provider as _};
use tfplugin6_server::service::Service;
use tfplugin6_server::{Diagnostics, Kind, Provider, Resource, Schema, StoredState};
use tonic::Request;

struct Doubler;

fn object_type() -> Type {
    Type::Object(BTreeMap::from([
        ("input".to_string(), Type::Number),
        ("doubled".to_string(), Type::Number),
    ]))
}

fn schema() -> Schema {
    Schema {
        proto: pb::Schema::default(),
        value_type: object_type(),
        requires_replace: vec![vec!["input".to_string()]],
    }
}

fn doubled(value: &Value) -> Result<Value, Diagnostics> {
    let Value::Object(attrs) = value else {
        return Ok(Value::Null);
    };
    let mut attrs = attrs.clone();
    let input = match attrs.get("input") {
        Some(Value::Number(Number::Int(n))) => *n,
        _ => return Err(vec![plain("input must be a whole number", "set it")]),
    };
    attrs.insert("doubled".into(), Value::Number(Number::Int(input * 2)));
    Ok(Value::Object(attrs))
}

impl Resource for Doubler {
    fn type_name(&self) -> &'static str {
        "toy_doubler"
    }
    fn schema(&self, _: Kind) -> Schema {
        schema()
    }
    fn validate(&self, _: Kind, _: &Value) -> Diagnostics {
        Vec::new()
    }
    fn plan(&self, _: &Value, proposed: &Value) -> Result<Value, Diagnostics> {
        doubled(proposed)
    }
    fn apply(&self, planned: &Value) -> Result<Value, Diagnostics> {
        Ok(planned.clone())
    }
    fn read_data_source(&self, config: &Value) -> Result<Value, Diagnostics> {
        doubled(config)
    }
    fn import(&self, _: &str) -> Result<Value, Diagnostics> {
        Err(vec![plain("no import", "")])
    }
    fn upgrade(&self, stored: StoredState) -> Result<Value, Diagnostics> {
        match stored {
            StoredState::Json(value) => Ok(value),
            StoredState::Flatmap(_) => Err(vec![plain("flat state", "")]),
        }
    }
}

struct Toy {
    resources: Vec<Box<dyn Resource>>,
}

impl Provider for Toy {
    fn schema(&self) -> Schema {
        Schema {
            proto: pb::Schema::default(),
            value_type: Type::Object(BTreeMap::new()),
            requires_replace: Vec::new(),
        }
    }
    fn validate(&self, _: &Value) -> Diagnostics {
        Vec::new()
    }
    fn configure(&self, _: &Value) -> Diagnostics {
        Vec::new()
    }
    fn resources(&self) -> &[Box<dyn Resource>] {
        &self.resources
    }
    fn functions(&self) -> HashMap<String, pb::Function> {
        HashMap::new()
    }
    fn call_function(
        &self,
        _: &str,
        _: &[pb::DynamicValue],
    ) -> Result<pb::DynamicValue, pb::FunctionError> {
        unreachable!("the server refuses names the provider does not list")
    }
}

fn service() -> Service<Toy> {
    Service::new(Toy {
        resources: vec![Box::new(Doubler)],
    })
}

fn dynamic(value: &Value) -> Option<pb::DynamicValue> {
    Some(pb::DynamicValue {
        msgpack: encode(&object_type(), value).expect("encodes"),
        json: Vec::new(),
    })
}

fn config(input: Value) -> Value {
    Value::Object(BTreeMap::from([
        ("input".to_string(), input),
        ("doubled".to_string(), Value::Null),
    ]))
}

#[tokio::test]
async fn plans_through_the_resource_and_reports_replacing_attributes() {
    let response = service()
        .plan_resource_change(Request::new(pb::plan_resource_change::Request {
            type_name: "toy_doubler".into(),
            proposed_new_state: dynamic(&config(Value::Number(Number::Int(21)))),
            ..Default::default()
        }))
        .await
        .expect("answered")
        .into_inner();
    assert!(
        response.diagnostics.is_empty(),
        "{:?}",
        response.diagnostics
    );
    let planned = decode(
        &object_type(),
        &response.planned_state.expect("state").msgpack,
    )
    .expect("decodes");
    assert_eq!(planned.attr("doubled"), &Value::Number(Number::Int(42)));
    assert_eq!(response.requires_replace.len(), 1);
}

#[tokio::test]
async fn a_resource_error_and_an_unknown_type_are_diagnostics() {
    let service = service();
    let failed = service
        .apply_resource_change(Request::new(pb::apply_resource_change::Request {
            type_name: "toy_other".into(),
            planned_state: dynamic(&config(Value::Number(Number::Int(1)))),
            ..Default::default()
        }))
        .await
        .expect("answered")
        .into_inner();
    assert_eq!(
        failed.diagnostics[0].summary,
        "unknown resource type \"toy_other\""
    );
    assert_eq!(
        failed.diagnostics[0].detail,
        "This provider serves toy_doubler."
    );

    let read = service
        .read_data_source(Request::new(pb::read_data_source::Request {
            type_name: "toy_doubler".into(),
            // JSON instead of msgpack decodes too; a null input is the resource's own error.
            config: Some(pb::DynamicValue {
                msgpack: Vec::new(),
                json: br#"{"input": null, "doubled": null}"#.to_vec(),
            }),
            ..Default::default()
        }))
        .await
        .expect("answered")
        .into_inner();
    assert!(read.state.is_none());
    assert_eq!(read.diagnostics[0].summary, "input must be a whole number");
}

#[tokio::test]
async fn an_unknown_function_is_a_function_error() {
    let response = service()
        .call_function(Request::new(pb::call_function::Request {
            name: "nope".into(),
            arguments: Vec::new(),
        }))
        .await
        .expect("answered")
        .into_inner();
    assert_eq!(
        response.error.map(|e| e.text),
        Some("unknown function \"nope\"".to_string())
    );
}

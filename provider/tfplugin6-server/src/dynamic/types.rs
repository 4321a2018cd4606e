//! cty types and their JSON form (`"string"`, `["list","string"]`, `["object",{...}]`),
//! used in schemas, in DynamicPseudoType values and to decode everything Terraform sends.

use std::collections::BTreeMap;

use serde::ser::{Serialize, SerializeSeq, Serializer};
use serde_json::json;

use super::{Number, Value};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Type {
    Bool,
    Number,
    String,
    /// DynamicPseudoType: the value carries its own type on the wire.
    Dynamic,
    List(Box<Type>),
    Set(Box<Type>),
    Map(Box<Type>),
    Object(BTreeMap<String, Type>),
    Tuple(Vec<Type>),
}

impl Type {
    pub fn list(element: Type) -> Type {
        Type::List(Box::new(element))
    }

    pub fn map(element: Type) -> Type {
        Type::Map(Box::new(element))
    }

    pub fn to_json(&self) -> serde_json::Value {
        json!(self)
    }

    /// Parses cty's type JSON; the error names what was not understood.
    pub fn from_json(json: &serde_json::Value) -> Result<Type, String> {
        match json {
            serde_json::Value::String(name) => match name.as_str() {
                "bool" => Ok(Type::Bool),
                "number" => Ok(Type::Number),
                "string" => Ok(Type::String),
                "dynamic" => Ok(Type::Dynamic),
                other => Err(format!("unknown primitive type {other:?}")),
            },
            serde_json::Value::Array(parts) => match (
                parts.first().and_then(|k| k.as_str()),
                parts.get(1),
                parts.len(),
            ) {
                (Some("list"), Some(e), 2) => Ok(Type::List(Box::new(Type::from_json(e)?))),
                (Some("set"), Some(e), 2) => Ok(Type::Set(Box::new(Type::from_json(e)?))),
                (Some("map"), Some(e), 2) => Ok(Type::Map(Box::new(Type::from_json(e)?))),
                (Some("object"), Some(serde_json::Value::Object(attrs)), 2 | 3) => {
                    Ok(Type::Object(
                        attrs
                            .iter()
                            .map(|(k, t)| Ok((k.clone(), Type::from_json(t)?)))
                            .collect::<Result<_, String>>()?,
                    ))
                }
                (Some("tuple"), Some(serde_json::Value::Array(elements)), 2) => Ok(Type::Tuple(
                    elements
                        .iter()
                        .map(Type::from_json)
                        .collect::<Result<_, _>>()?,
                )),
                _ => Err(format!("unsupported type expression {json}")),
            },
            other => Err(format!("unsupported type expression {other}")),
        }
    }

    /// The most specific type describing `value`, for sending it as DynamicPseudoType.
    /// Collections are typed by their first element; empty ones hold `dynamic`.
    pub fn of(value: &Value) -> Type {
        let first = |items: &[Value]| items.first().map(Type::of).unwrap_or(Type::Dynamic);
        match value {
            Value::Null | Value::Unknown => Type::Dynamic,
            Value::Bool(_) => Type::Bool,
            Value::Number(_) => Type::Number,
            Value::String(_) => Type::String,
            Value::List(items) => Type::List(Box::new(first(items))),
            Value::Set(items) => Type::Set(Box::new(first(items))),
            Value::Tuple(items) => Type::Tuple(items.iter().map(Type::of).collect()),
            Value::Map(entries) => Type::Map(Box::new(
                entries
                    .values()
                    .next()
                    .map(Type::of)
                    .unwrap_or(Type::Dynamic),
            )),
            Value::Object(attrs) => Type::Object(
                attrs
                    .iter()
                    .map(|(k, v)| (k.clone(), Type::of(v)))
                    .collect(),
            ),
        }
    }

    /// Decodes the JSON Terraform stores in state (`RawState.json`) as a value of this
    /// type. Object attributes missing from the JSON become null and attributes the type
    /// does not have are dropped, which is how state is carried over to the current schema.
    pub fn value_from_state_json(&self, json: &serde_json::Value) -> Result<Value, String> {
        use serde_json::Value as J;
        match (self, json) {
            (_, J::Null) => Ok(Value::Null),
            (Type::Bool, J::Bool(b)) => Ok(Value::Bool(*b)),
            (Type::Number, J::Number(n)) => Ok(Value::Number(Number::from_json(n))),
            (Type::Number, J::String(s)) => Ok(Value::Number(Number::Decimal(s.clone()))),
            (Type::String, J::String(s)) => Ok(Value::String(s.clone())),
            (Type::List(e), J::Array(items)) => Ok(Value::List(decode_items(e, items)?)),
            (Type::Set(e), J::Array(items)) => Ok(Value::Set(decode_items(e, items)?)),
            (Type::Tuple(types), J::Array(items)) if types.len() == items.len() => {
                Ok(Value::Tuple(
                    types
                        .iter()
                        .zip(items)
                        .map(|(t, v)| t.value_from_state_json(v))
                        .collect::<Result<_, _>>()?,
                ))
            }
            (Type::Map(e), J::Object(entries)) => Ok(Value::Map(
                entries
                    .iter()
                    .map(|(k, v)| Ok((k.clone(), e.value_from_state_json(v)?)))
                    .collect::<Result<_, String>>()?,
            )),
            (Type::Object(attrs), J::Object(entries)) => Ok(Value::Object(
                attrs
                    .iter()
                    .map(|(k, t)| {
                        Ok((
                            k.clone(),
                            entries
                                .get(k)
                                .map(|v| t.value_from_state_json(v))
                                .transpose()?
                                .unwrap_or(Value::Null),
                        ))
                    })
                    .collect::<Result<_, String>>()?,
            )),
            (Type::Dynamic, J::Object(wrapper)) => {
                let ty = Type::from_json(wrapper.get("type").unwrap_or(&J::Null))?;
                ty.value_from_state_json(wrapper.get("value").unwrap_or(&J::Null))
            }
            (ty, other) => Err(format!(
                "state holds {other} where a {} is expected",
                ty.to_json()
            )),
        }
    }
}

fn decode_items(element: &Type, items: &[serde_json::Value]) -> Result<Vec<Value>, String> {
    items
        .iter()
        .map(|v| element.value_from_state_json(v))
        .collect()
}

/// cty's type JSON, written straight to the output: every DynamicPseudoType value on the
/// wire carries one, so no intermediate `serde_json::Value` tree is built.
impl Serialize for Type {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Type::Bool => serializer.serialize_str("bool"),
            Type::Number => serializer.serialize_str("number"),
            Type::String => serializer.serialize_str("string"),
            Type::Dynamic => serializer.serialize_str("dynamic"),
            Type::List(e) => kind_and(serializer, "list", e),
            Type::Set(e) => kind_and(serializer, "set", e),
            Type::Map(e) => kind_and(serializer, "map", e),
            Type::Object(attrs) => kind_and(serializer, "object", attrs),
            Type::Tuple(elements) => kind_and(serializer, "tuple", elements),
        }
    }
}

/// `[kind, inner]`, the form of every collection and structural type.
fn kind_and<S: Serializer, T: Serialize + ?Sized>(
    serializer: S,
    kind: &str,
    inner: &T,
) -> Result<S::Ok, S::Error> {
    let mut seq = serializer.serialize_seq(Some(2))?;
    seq.serialize_element(kind)?;
    seq.serialize_element(inner)?;
    seq.end()
}

//! Terraform values as the provider sees them: cty's value model, including unknowns.

use std::collections::BTreeMap;

/// A number kept in the representation Terraform sent it in, so that it is sent back
/// bit for bit: cty sends integers that fit in 64 bits as integers, exactly
/// representable fractions as float64 and everything else as a decimal string.
#[derive(Debug, Clone, PartialEq)]
pub enum Number {
    Int(i64),
    Uint(u64),
    Float(f64),
    Decimal(String),
}

impl Number {
    /// The value as a non-negative integer, if it is one.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Number::Int(i) => u64::try_from(*i).ok(),
            Number::Uint(u) => Some(*u),
            Number::Float(f) if f.fract() == 0.0 && *f >= 0.0 && *f <= u64::MAX as f64 => {
                Some(*f as u64)
            }
            Number::Float(_) => None,
            Number::Decimal(text) => text.parse().ok(),
        }
    }

    pub fn from_json(number: &serde_json::Number) -> Number {
        if let Some(i) = number.as_i64() {
            Number::Int(i)
        } else if let Some(u) = number.as_u64() {
            Number::Uint(u)
        } else {
            // Without arbitrary precision serde_json only holds f64 besides integers.
            Number::Float(number.as_f64().unwrap_or_default())
        }
    }
}

/// One value of any type. `Unknown` is a value that Terraform will only know at apply.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Unknown,
    Bool(bool),
    Number(Number),
    String(String),
    List(Vec<Value>),
    Set(Vec<Value>),
    Tuple(Vec<Value>),
    Map(BTreeMap<String, Value>),
    Object(BTreeMap<String, Value>),
}

impl Value {
    pub fn string(text: impl Into<String>) -> Value {
        Value::String(text.into())
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// True when neither this value nor anything inside it is unknown.
    pub fn is_wholly_known(&self) -> bool {
        match self {
            Value::Unknown => false,
            Value::List(items) | Value::Set(items) | Value::Tuple(items) => {
                items.iter().all(Value::is_wholly_known)
            }
            Value::Map(entries) | Value::Object(entries) => {
                entries.values().all(Value::is_wholly_known)
            }
            _ => true,
        }
    }

    /// The attribute `name` of an object; `Null` for anything else or a missing attribute.
    pub fn attr(&self, name: &str) -> &Value {
        match self {
            Value::Object(attrs) => attrs.get(name).unwrap_or(&Value::Null),
            _ => &Value::Null,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// Converts a JSON document (a rendered manifest) into a value whose type follows the
    /// document: objects stay objects and arrays become tuples, as `jsondecode` does.
    pub fn from_json(json: &serde_json::Value) -> Value {
        match json {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => Value::Number(Number::from_json(n)),
            serde_json::Value::String(s) => Value::String(s.clone()),
            serde_json::Value::Array(items) => {
                Value::Tuple(items.iter().map(Value::from_json).collect())
            }
            serde_json::Value::Object(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), Value::from_json(v)))
                    .collect(),
            ),
        }
    }
}

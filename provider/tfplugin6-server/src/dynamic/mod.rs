//! The DynamicValue codec: Terraform values in msgpack (what Terraform always sends and
//! what we always answer) and in the JSON of stored state.

mod msgpack;
mod types;
mod value;

pub use msgpack::{decode, encode};
pub use types::Type;
pub use value::{Number, Value};

use crate::proto::tfplugin6::DynamicValue;

/// Decodes a request's DynamicValue: msgpack when present, else JSON, else null.
pub fn from_dynamic(ty: &Type, dynamic: Option<&DynamicValue>) -> Result<Value, String> {
    match dynamic {
        None => Ok(Value::Null),
        Some(d) if !d.msgpack.is_empty() => decode(ty, &d.msgpack),
        Some(d) if !d.json.is_empty() => {
            let json: serde_json::Value =
                serde_json::from_slice(&d.json).map_err(|e| format!("invalid JSON value: {e}"))?;
            ty.value_from_state_json(&json)
        }
        Some(_) => Ok(Value::Null),
    }
}

/// Encodes a response value as msgpack.
pub fn to_dynamic(ty: &Type, value: &Value) -> Result<DynamicValue, String> {
    Ok(DynamicValue {
        msgpack: encode(ty, value)?,
        json: Vec::new(),
    })
}

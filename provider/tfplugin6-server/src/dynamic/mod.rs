//! The DynamicValue codec: Terraform values in msgpack (what Terraform always sends and
//! what we always answer) and in the JSON of stored state.

mod msgpack;
mod types;
mod value;

pub use msgpack::{decode, encode};
pub use types::Type;
pub use value::{Number, Value};

use crate::proto::tfplugin6::DynamicValue;

/// Why a DynamicValue could not be decoded or encoded.
#[derive(Debug, thiserror::Error)]
pub enum CodecError {
    #[error("invalid JSON value: {0}")]
    Json(#[from] serde_json::Error),
    /// The bytes or the value do not fit the type; the text says where and how.
    #[error("{0}")]
    Mismatch(String),
}

/// Decodes a request's DynamicValue: msgpack when present, else JSON, else null.
pub fn from_dynamic(ty: &Type, dynamic: Option<&DynamicValue>) -> Result<Value, CodecError> {
    match dynamic {
        None => Ok(Value::Null),
        Some(d) if !d.msgpack.is_empty() => decode(ty, &d.msgpack).map_err(CodecError::Mismatch),
        Some(d) if !d.json.is_empty() => {
            let json: serde_json::Value = serde_json::from_slice(&d.json)?;
            ty.value_from_state_json(&json)
                .map_err(CodecError::Mismatch)
        }
        Some(_) => Ok(Value::Null),
    }
}

/// Encodes a response value as msgpack.
pub fn to_dynamic(ty: &Type, value: &Value) -> Result<DynamicValue, CodecError> {
    Ok(DynamicValue {
        msgpack: encode(ty, value).map_err(CodecError::Mismatch)?,
        json: Vec::new(),
    })
}

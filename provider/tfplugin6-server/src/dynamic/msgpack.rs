//! The msgpack form of `DynamicValue` (Terraform's `object-wire-format.md`): decoding is
//! directed by the expected type, as in cty, because msgpack alone cannot tell a list
//! from a set or a map from an object.
//!
//! The reader works on a byte slice with explicit bounds checks, so arbitrary input can
//! only produce an `Err`, never a panic or a huge allocation.

use std::collections::BTreeMap;

use rmp::Marker;

use super::{Number, Type, Value};

/// cty's unknown value: fixext1 of extension type 0.
const UNKNOWN: [u8; 3] = [0xd4, 0, 0];

/// Decodes `bytes` as a value of type `ty`. Empty input is null, as Terraform sends it.
pub fn decode(ty: &Type, bytes: &[u8]) -> Result<Value, String> {
    if bytes.is_empty() {
        return Ok(Value::Null);
    }
    let mut reader = Reader { bytes, pos: 0 };
    let value = reader.value(ty)?;
    if reader.pos != bytes.len() {
        return Err(format!(
            "{} unexpected bytes after the value",
            bytes.len() - reader.pos
        ));
    }
    Ok(value)
}

/// Encodes `value` as type `ty`; fails if the value does not conform to the type.
pub fn encode(ty: &Type, value: &Value) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    write_value(&mut out, ty, value)?;
    Ok(out)
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|end| *end <= self.bytes.len());
        match end {
            Some(end) => {
                let slice = &self.bytes[self.pos..end];
                self.pos = end;
                Ok(slice)
            }
            None => Err(format!("msgpack is truncated at byte {}", self.pos)),
        }
    }

    fn uint(&mut self, n: usize) -> Result<u64, String> {
        Ok(self
            .take(n)?
            .iter()
            .fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
    }

    fn marker(&mut self) -> Result<Marker, String> {
        Ok(Marker::from_u8(self.take(1)?[0]))
    }

    /// An element count, which can never exceed the bytes left (every element takes one).
    fn count(&mut self, n: u64) -> Result<usize, String> {
        let left = self.bytes.len() - self.pos;
        usize::try_from(n)
            .ok()
            .filter(|n| *n <= left)
            .ok_or_else(|| format!("msgpack claims {n} elements but only {left} bytes are left"))
    }

    fn value(&mut self, ty: &Type) -> Result<Value, String> {
        let start = self.pos;
        let marker = self.marker()?;
        if marker == Marker::Null {
            return Ok(Value::Null);
        }
        if self.skip_extension(marker)? {
            return Ok(Value::Unknown);
        }
        let mistyped = || {
            format!(
                "msgpack byte {start}: {marker:?} is not a valid {}",
                ty.to_json()
            )
        };
        match ty {
            Type::Bool => match marker {
                Marker::True => Ok(Value::Bool(true)),
                Marker::False => Ok(Value::Bool(false)),
                _ => Err(mistyped()),
            },
            Type::Number => self.number(marker).ok_or_else(mistyped)?,
            Type::String => match self.str_len(marker) {
                Some(len) => Ok(Value::String(self.text(len)?)),
                None => Err(mistyped()),
            },
            Type::List(e) | Type::Set(e) => {
                let len = self.array_len(marker).ok_or_else(mistyped)??;
                let items = (0..len)
                    .map(|_| self.value(e))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(if matches!(ty, Type::List(_)) {
                    Value::List(items)
                } else {
                    Value::Set(items)
                })
            }
            Type::Tuple(types) => {
                let len = self.array_len(marker).ok_or_else(mistyped)??;
                self.tuple(start, types, len)
            }
            Type::Map(e) => {
                let len = self.map_len(marker).ok_or_else(mistyped)??;
                let mut entries = BTreeMap::new();
                for _ in 0..len {
                    let key = self.key()?;
                    entries.insert(key, self.value(e)?);
                }
                Ok(Value::Map(entries))
            }
            Type::Object(attrs) => {
                let len = self.map_len(marker).ok_or_else(mistyped)??;
                self.object(start, attrs, len)
            }
            Type::Dynamic => {
                let len = self.array_len(marker).ok_or_else(mistyped)??;
                self.dynamic(start, len)
            }
        }
    }

    /// Skips an extension value, which cty uses only for unknowns; false for any other marker.
    fn skip_extension(&mut self, marker: Marker) -> Result<bool, String> {
        let len = match marker {
            Marker::FixExt1 => 1,
            Marker::FixExt2 => 2,
            Marker::FixExt4 => 4,
            Marker::FixExt8 => 8,
            Marker::FixExt16 => 16,
            Marker::Ext8 | Marker::Ext16 | Marker::Ext32 => {
                let width = match marker {
                    Marker::Ext8 => 1,
                    Marker::Ext16 => 2,
                    _ => 4,
                };
                let len = self.uint(width)?;
                self.count(len)?
            }
            _ => return Ok(false),
        };
        // The type byte, then the payload (type 12 carries refinements we need not honour).
        self.take(1 + len)?;
        Ok(true)
    }

    fn tuple(&mut self, start: usize, types: &[Type], len: usize) -> Result<Value, String> {
        if len != types.len() {
            return Err(format!(
                "msgpack byte {start}: a tuple of {} elements is required ({len} given)",
                types.len()
            ));
        }
        Ok(Value::Tuple(
            types
                .iter()
                .map(|t| self.value(t))
                .collect::<Result<_, _>>()?,
        ))
    }

    fn object(
        &mut self,
        start: usize,
        attrs: &BTreeMap<String, Type>,
        len: usize,
    ) -> Result<Value, String> {
        if len != attrs.len() {
            return Err(format!(
                "msgpack byte {start}: an object with {} attributes is required ({len} given)",
                attrs.len()
            ));
        }
        let mut entries = BTreeMap::new();
        for _ in 0..len {
            let key = self.key()?;
            let attr_type = attrs
                .get(&key)
                .ok_or_else(|| format!("unsupported attribute {key:?}"))?;
            let value = self.value(attr_type)?;
            if entries.insert(key.clone(), value).is_some() {
                return Err(format!("attribute {key:?} is given twice"));
            }
        }
        Ok(Value::Object(entries))
    }

    /// DynamicPseudoType on the wire: `[type JSON, value]`.
    fn dynamic(&mut self, start: usize, len: usize) -> Result<Value, String> {
        if len != 2 {
            return Err(format!("msgpack byte {start}: a dynamic value is a [type, value] pair ({len} elements given)"));
        }
        let type_marker = self.marker()?;
        let type_len = match type_marker {
            Marker::Bin8 | Marker::Bin16 | Marker::Bin32 => self.bin_len(type_marker)?,
            other => self
                .str_len(other)
                .ok_or_else(|| "a dynamic value's type must be JSON bytes".to_string())?,
        };
        let type_json: serde_json::Value = serde_json::from_slice(self.take(type_len)?)
            .map_err(|e| format!("a dynamic value's type is not JSON: {e}"))?;
        let inner = Type::from_json(&type_json)?;
        self.value(&inner)
    }

    fn number(&mut self, marker: Marker) -> Option<Result<Value, String>> {
        let number = |n| Ok(Value::Number(n));
        Some(match marker {
            Marker::FixPos(n) => number(Number::Int(i64::from(n))),
            Marker::FixNeg(n) => number(Number::Int(i64::from(n))),
            Marker::U8 => self.uint(1).map(|n| Value::Number(Number::Int(n as i64))),
            Marker::U16 => self.uint(2).map(|n| Value::Number(Number::Int(n as i64))),
            Marker::U32 => self.uint(4).map(|n| Value::Number(Number::Int(n as i64))),
            Marker::U64 => self.uint(8).map(|n| {
                Value::Number(i64::try_from(n).map(Number::Int).unwrap_or(Number::Uint(n)))
            }),
            Marker::I8 => self
                .uint(1)
                .map(|n| Value::Number(Number::Int(i64::from(n as u8 as i8)))),
            Marker::I16 => self
                .uint(2)
                .map(|n| Value::Number(Number::Int(i64::from(n as u16 as i16)))),
            Marker::I32 => self
                .uint(4)
                .map(|n| Value::Number(Number::Int(i64::from(n as u32 as i32)))),
            Marker::I64 => self.uint(8).map(|n| Value::Number(Number::Int(n as i64))),
            Marker::F32 => self
                .uint(4)
                .map(|n| Value::Number(Number::Float(f64::from(f32::from_bits(n as u32))))),
            Marker::F64 => self
                .uint(8)
                .map(|n| Value::Number(Number::Float(f64::from_bits(n)))),
            other => {
                let len = self.str_len(other)?;
                self.text(len).and_then(|text| match text.parse::<f64>() {
                    Ok(_) => Ok(Value::Number(Number::Decimal(text))),
                    Err(_) => Err(format!("{text:?} is not a number")),
                })
            }
        })
    }

    /// The length of a string, or `None` when the marker is no string marker.
    fn str_len(&mut self, marker: Marker) -> Option<usize> {
        let width = match marker {
            Marker::FixStr(n) => return Some(usize::from(n)),
            Marker::Str8 => 1,
            Marker::Str16 => 2,
            Marker::Str32 => 4,
            _ => return None,
        };
        // A truncated length yields a length the following `take` rejects.
        Some(
            self.uint(width)
                .map(|n| usize::try_from(n).unwrap_or(usize::MAX))
                .unwrap_or(usize::MAX),
        )
    }

    fn bin_len(&mut self, marker: Marker) -> Result<usize, String> {
        let width = match marker {
            Marker::Bin8 => 1,
            Marker::Bin16 => 2,
            _ => 4,
        };
        let len = self.uint(width)?;
        self.count(len)
    }

    fn text(&mut self, len: usize) -> Result<String, String> {
        let bytes = self.take(len)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| "a string is not valid UTF-8".to_string())
    }

    fn key(&mut self) -> Result<String, String> {
        let marker = self.marker()?;
        let len = self
            .str_len(marker)
            .ok_or_else(|| format!("map keys must be strings, not {marker:?}"))?;
        self.text(len)
    }

    fn array_len(&mut self, marker: Marker) -> Option<Result<usize, String>> {
        let len = match marker {
            Marker::FixArray(n) => Ok(u64::from(n)),
            Marker::Array16 => self.uint(2),
            Marker::Array32 => self.uint(4),
            _ => return None,
        };
        Some(len.and_then(|n| self.count(n)))
    }

    fn map_len(&mut self, marker: Marker) -> Option<Result<usize, String>> {
        let len = match marker {
            Marker::FixMap(n) => Ok(u64::from(n)),
            Marker::Map16 => self.uint(2),
            Marker::Map32 => self.uint(4),
            _ => return None,
        };
        Some(len.and_then(|n| self.count(n)))
    }
}

fn write_value(out: &mut Vec<u8>, ty: &Type, value: &Value) -> Result<(), String> {
    let failed = |e: rmp::encode::ValueWriteError| e.to_string();
    match (ty, value) {
        (_, Value::Null) => {
            rmp::encode::write_nil(out).map_err(|e| e.to_string())?;
        }
        (_, Value::Unknown) => out.extend_from_slice(&UNKNOWN),
        (Type::Bool, Value::Bool(b)) => {
            rmp::encode::write_bool(out, *b).map_err(|e| e.to_string())?
        }
        (Type::Number, Value::Number(n)) => match n {
            Number::Int(i) => {
                rmp::encode::write_sint(out, *i).map_err(failed)?;
            }
            Number::Uint(u) => {
                rmp::encode::write_uint(out, *u).map_err(failed)?;
            }
            Number::Float(f) => rmp::encode::write_f64(out, *f).map_err(failed)?,
            Number::Decimal(text) => rmp::encode::write_str(out, text).map_err(failed)?,
        },
        (Type::String, Value::String(s)) => rmp::encode::write_str(out, s).map_err(failed)?,
        (Type::List(e), Value::List(items)) | (Type::Set(e), Value::Set(items)) => {
            rmp::encode::write_array_len(out, len32(items.len())?).map_err(failed)?;
            for item in items {
                write_value(out, e, item)?;
            }
        }
        (Type::Tuple(types), Value::Tuple(items)) if types.len() == items.len() => {
            rmp::encode::write_array_len(out, len32(items.len())?).map_err(failed)?;
            for (t, item) in types.iter().zip(items) {
                write_value(out, t, item)?;
            }
        }
        (Type::Map(e), Value::Map(entries)) => {
            rmp::encode::write_map_len(out, len32(entries.len())?).map_err(failed)?;
            for (key, item) in entries {
                rmp::encode::write_str(out, key).map_err(failed)?;
                write_value(out, e, item)?;
            }
        }
        (Type::Object(attrs), Value::Object(entries)) => {
            rmp::encode::write_map_len(out, len32(attrs.len())?).map_err(failed)?;
            for (name, attr_type) in attrs {
                rmp::encode::write_str(out, name).map_err(failed)?;
                write_value(out, attr_type, entries.get(name).unwrap_or(&Value::Null))?;
            }
            if let Some(extra) = entries.keys().find(|k| !attrs.contains_key(*k)) {
                return Err(format!("attribute {extra:?} is not part of the type"));
            }
        }
        (Type::Dynamic, value) => {
            let actual = Type::of(value);
            rmp::encode::write_array_len(out, 2).map_err(failed)?;
            let type_json = serde_json::to_vec(&actual).map_err(|e| e.to_string())?;
            rmp::encode::write_bin(out, &type_json).map_err(failed)?;
            write_value(out, &actual, value)?;
        }
        (ty, value) => {
            return Err(format!(
                "a value {value:?} cannot be encoded as {}",
                ty.to_json()
            ))
        }
    }
    Ok(())
}

fn len32(len: usize) -> Result<u32, String> {
    u32::try_from(len)
        .map_err(|_| format!("a collection of {len} elements is too large for msgpack"))
}

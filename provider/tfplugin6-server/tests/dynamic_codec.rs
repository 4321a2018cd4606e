//! The DynamicValue codec under property tests: whatever bytes arrive, decoding returns
//! a value or an error and never panics; every value the provider can encode decodes back
//! to itself; and a few fixed encodings pin the wire format cty uses.

use std::collections::BTreeMap;

use proptest::prelude::*;
use tfplugin6_server::dynamic::{decode, encode, Number, Type, Value};

fn primitive_type() -> impl Strategy<Value = Type> {
    prop_oneof![
        Just(Type::Bool),
        Just(Type::Number),
        Just(Type::String),
        Just(Type::Dynamic)
    ]
}

fn any_type() -> impl Strategy<Value = Type> {
    primitive_type().prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(|t| Type::List(Box::new(t))),
            inner.clone().prop_map(|t| Type::Set(Box::new(t))),
            inner.clone().prop_map(|t| Type::Map(Box::new(t))),
            prop::collection::btree_map("[a-z_]{1,8}", inner.clone(), 0..4).prop_map(Type::Object),
            prop::collection::vec(inner, 0..4).prop_map(Type::Tuple),
        ]
    })
}

fn number() -> impl Strategy<Value = Number> {
    prop_oneof![
        any::<i64>().prop_map(Number::Int),
        (i64::MAX as u64 + 1..=u64::MAX).prop_map(Number::Uint),
        any::<f64>()
            .prop_filter("cty has no NaN", |f| !f.is_nan() && f.fract() != 0.0)
            .prop_map(Number::Float),
        "-?[0-9]{1,30}\\.[0-9]{1,30}".prop_map(Number::Decimal),
    ]
}

/// A value of type `ty`, possibly null or unknown at any level.
fn value_of(ty: Type) -> BoxedStrategy<Value> {
    let concrete: BoxedStrategy<Value> = match ty {
        Type::Bool => any::<bool>().prop_map(Value::Bool).boxed(),
        Type::Number => number().prop_map(Value::Number).boxed(),
        Type::String => "\\PC{0,12}".prop_map(Value::String).boxed(),
        // A dynamic value carries its own type: any typed value, as the provider sends manifests.
        Type::Dynamic => any_type()
            .prop_filter("a dynamic value's own type is concrete", |t| {
                *t != Type::Dynamic
            })
            .prop_flat_map(value_of)
            .prop_filter(
                "empty collections are sent with element type dynamic",
                round_trips_as_dynamic,
            )
            .boxed(),
        Type::List(e) => prop::collection::vec(value_of(*e), 0..4)
            .prop_map(Value::List)
            .boxed(),
        Type::Set(e) => prop::collection::vec(value_of(*e), 0..4)
            .prop_map(Value::Set)
            .boxed(),
        Type::Map(e) => prop::collection::btree_map("[a-z]{0,6}", value_of(*e), 0..4)
            .prop_map(Value::Map)
            .boxed(),
        Type::Object(attrs) => {
            let fields: Vec<_> = attrs
                .into_iter()
                .map(|(k, t)| value_of(t).prop_map(move |v| (k.clone(), v)))
                .collect();
            fields
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect()))
                .boxed()
        }
        Type::Tuple(types) => types
            .into_iter()
            .map(value_of)
            .collect::<Vec<_>>()
            .prop_map(Value::Tuple)
            .boxed(),
    };
    prop_oneof![1 => Just(Value::Null), 1 => Just(Value::Unknown), 6 => concrete].boxed()
}

/// Inside a dynamic value, the type is inferred from the value, so a typed value keeps its
/// shape only if inference gives back a type it conforms to (lists of mixed element
/// kinds, for instance, only exist through conversion in Terraform).
fn round_trips_as_dynamic(value: &Value) -> bool {
    encode(&Type::Dynamic, value)
        .ok()
        .and_then(|bytes| decode(&Type::Dynamic, &bytes).ok())
        .as_ref()
        == Some(value)
}

fn typed_value() -> impl Strategy<Value = (Type, Value)> {
    any_type().prop_flat_map(|ty| value_of(ty.clone()).prop_map(move |v| (ty.clone(), v)))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(ty in any_type(), bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        let _ = decode(&ty, &bytes);
    }

    #[test]
    fn encode_then_decode_is_identity((ty, value) in typed_value()) {
        let bytes = encode(&ty, &value).map_err(TestCaseError::fail)?;
        prop_assert_eq!(decode(&ty, &bytes), Ok(value));
    }

    #[test]
    fn truncated_msgpack_is_an_error((ty, value) in typed_value(), cut in any::<prop::sample::Index>()) {
        let bytes = encode(&ty, &value).map_err(TestCaseError::fail)?;
        // Empty input means null by protocol, so cut at least one byte but keep at least one.
        prop_assume!(bytes.len() > 1);
        let keep = 1 + cut.index(bytes.len() - 1);
        prop_assert!(decode(&ty, &bytes[..keep]).is_err());
    }

    #[test]
    fn mistyped_msgpack_is_an_error_or_a_value_never_a_panic((ty, value) in typed_value(), other in any_type()) {
        let bytes = encode(&ty, &value).map_err(TestCaseError::fail)?;
        let _ = decode(&other, &bytes);
    }

    #[test]
    fn flipped_bytes_never_panic((ty, value) in typed_value(), at in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let mut bytes = encode(&ty, &value).map_err(TestCaseError::fail)?;
        let i = at.index(bytes.len());
        bytes[i] = byte;
        let _ = decode(&ty, &bytes);
    }
}

#[test]
fn wire_format_matches_cty() {
    // Unknown is fixext1 type 0, as cty writes it.
    assert_eq!(
        encode(&Type::String, &Value::Unknown).unwrap(),
        vec![0xd4, 0, 0]
    );
    // Refined unknowns (ext 12 with a payload) decode as unknown too.
    assert_eq!(
        decode(&Type::String, &[0xc7, 0x03, 0x0c, 0x81, 0x01, 0xc3]),
        Ok(Value::Unknown)
    );
    // A decimal string keeps its exact text (HCL `0.1` arrives as a string).
    let decimal = Value::Number(Number::Decimal("0.1".into()));
    assert_eq!(
        encode(&Type::Number, &decimal).unwrap(),
        vec![0xa3, b'0', b'.', b'1']
    );
    // DynamicPseudoType is [type JSON, value].
    let bytes = encode(&Type::Dynamic, &Value::string("x")).unwrap();
    assert_eq!(
        bytes,
        [&[0x92, 0xc4, 0x08][..], b"\"string\"", &[0xa1, b'x']].concat()
    );
    // Objects need every attribute, no more and no fewer.
    let ty = Type::Object(BTreeMap::from([("a".to_string(), Type::Bool)]));
    assert!(decode(&ty, &[0x80]).is_err());
    assert!(decode(&ty, &[0x82, 0xa1, b'a', 0xc3, 0xa1, b'b', 0xc3]).is_err());
    // Empty bytes are null; trailing bytes are an error.
    assert_eq!(decode(&ty, &[]), Ok(Value::Null));
    assert!(decode(&Type::Bool, &[0xc3, 0xc3]).is_err());
    // A huge claimed length fails without allocating it.
    assert!(decode(&Type::list(Type::Bool), &[0xdd, 0xff, 0xff, 0xff, 0xff]).is_err());
}

#[test]
fn state_json_fills_missing_attributes_and_drops_removed_ones() {
    let ty = Type::Object(BTreeMap::from([
        ("kept".to_string(), Type::String),
        ("added".to_string(), Type::Number),
    ]));
    let json = serde_json::json!({"kept": "x", "removed": true});
    let expected = Value::Object(BTreeMap::from([
        ("kept".to_string(), Value::string("x")),
        ("added".to_string(), Value::Null),
    ]));
    assert_eq!(ty.value_from_state_json(&json), Ok(expected));
}

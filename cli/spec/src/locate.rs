//! Maps an attribute path (`mounts["data"].path`) to where it is written in a block: the
//! attribute, then the object key or list element inside its value. A path that leaves
//! the file (a value that came through a reference) stops at the reference; a missing
//! attribute points at the block header.

use backstop_codegen::{AttrPath, PathStep};
use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::structure::Block;
use hcl_edit::Span;

/// Byte offset of the place in `block` that `path` names.
pub fn offset(block: &Block, path: &AttrPath) -> usize {
    let header = start(&block.ident);
    let Some(PathStep::Attr(first)) = path.0.first() else {
        return header;
    };
    let Some(attribute) = block.body.get_attribute(first) else {
        return header;
    };
    let mut offset = start(attribute);
    let mut expr = &attribute.value;
    for step in &path.0[1..] {
        let next = match (step, expr) {
            (PathStep::Key(name) | PathStep::Attr(name), Expression::Object(object)) => object
                .iter()
                .find(|(key, _)| key_name(key).as_deref() == Some(name.as_str()))
                .map(|(key, value)| (start(key), value.expr())),
            (PathStep::Index(i), Expression::Array(array)) => {
                array.get(*i).map(|item| (start(item), item))
            }
            _ => None,
        };
        match next {
            Some((at, inner)) => {
                offset = at;
                expr = inner;
            }
            None => {
                // A reference or a missing key: the value as written is the closest place.
                if !matches!(expr, Expression::Object(_) | Expression::Array(_)) {
                    offset = start(expr);
                }
                break;
            }
        }
    }
    offset
}

fn start(item: &impl Span) -> usize {
    item.span().map_or(0, |s| s.start)
}

fn key_name(key: &ObjectKey) -> Option<String> {
    match key {
        ObjectKey::Ident(ident) => Some(ident.as_str().to_string()),
        ObjectKey::Expression(Expression::String(s)) => Some(s.value().clone()),
        ObjectKey::Expression(_) => None,
    }
}

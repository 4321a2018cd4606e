//! tfplugin6 diagnostics the server and the providers on it build.

use crate::proto::tfplugin6::{self as pb, attribute_path::step::Selector};

/// An error about the request itself (undecodable value, unknown type name).
pub fn plain(summary: impl Into<String>, detail: impl Into<String>) -> pb::Diagnostic {
    pb::Diagnostic {
        severity: pb::diagnostic::Severity::Error as i32,
        summary: summary.into(),
        detail: detail.into(),
        attribute: None,
    }
}

/// An attribute path with one step per attribute name, for `requires_replace`.
pub fn attribute_path(names: &[&str]) -> pb::AttributePath {
    pb::AttributePath {
        steps: names
            .iter()
            .map(|name| pb::attribute_path::Step {
                selector: Some(Selector::AttributeName(name.to_string())),
            })
            .collect(),
    }
}

//! The rendering core's diagnostics as tfplugin6 diagnostics, with attribute paths that
//! Terraform maps onto the source, so it highlights the offending attribute.

use backstop_codegen::{Diagnostic, PathStep};

use tfplugin6_server::proto::tfplugin6::{self as pb, attribute_path::step::Selector};

pub fn error(diagnostic: &Diagnostic) -> pb::Diagnostic {
    let located = locatable_len(&diagnostic.path.0);
    let detail = if located < diagnostic.path.0.len() {
        format!("{}: {}", diagnostic.path, diagnostic.detail)
    } else {
        diagnostic.detail.clone()
    };
    let steps: Vec<_> = diagnostic.path.0[..located]
        .iter()
        .map(|step| pb::attribute_path::Step {
            selector: Some(match step {
                PathStep::Attr(name) => Selector::AttributeName(name.clone()),
                PathStep::Key(key) => Selector::ElementKeyString(key.clone()),
                PathStep::Index(i) => {
                    Selector::ElementKeyInt(i64::try_from(*i).unwrap_or(i64::MAX))
                }
            }),
        })
        .collect();
    pb::Diagnostic {
        severity: pb::diagnostic::Severity::Error as i32,
        summary: diagnostic.summary.clone(),
        detail,
        attribute: (!steps.is_empty()).then_some(pb::AttributePath { steps }),
    }
}

/// How many leading steps of a path Terraform can place in the source. Terraform 1.15
/// finds a top-level attribute, and within it one map key or list index
/// (`tfdiags/contextual.go`); steps into nested attribute objects beyond that fall back to
/// the whole block, or worse, to a top-level attribute of the same name
/// (`password_secret.name` would highlight the resource's `name`). So the path stops
/// there, and the detail names the full path instead.
fn locatable_len(steps: &[PathStep]) -> usize {
    match steps {
        [PathStep::Attr(_), PathStep::Key(_) | PathStep::Index(_), ..] => 2,
        [PathStep::Attr(_), ..] => 1,
        _ => 0,
    }
}

pub fn errors(diagnostics: &[Diagnostic]) -> Vec<pb::Diagnostic> {
    diagnostics.iter().map(error).collect()
}

/// A core diagnostic the configuration is valid despite, placed like an error.
pub fn warning(diagnostic: &Diagnostic) -> pb::Diagnostic {
    pb::Diagnostic {
        severity: pb::diagnostic::Severity::Warning as i32,
        ..error(diagnostic)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use backstop_codegen::AttrPath;

    fn steps(diagnostic: &pb::Diagnostic) -> Vec<Selector> {
        diagnostic
            .attribute
            .iter()
            .flat_map(|a| a.steps.iter().filter_map(|s| s.selector.clone()))
            .collect()
    }

    #[test]
    fn a_top_level_attribute_is_one_step() {
        let d = error(&Diagnostic::new(AttrPath::root("schedule"), "bad", "fix"));
        assert_eq!(steps(&d), vec![Selector::AttributeName("schedule".into())]);
        assert_eq!(d.detail, "fix");
        assert_eq!(d.severity, pb::diagnostic::Severity::Error as i32);
    }

    #[test]
    fn a_path_into_a_map_entry_stops_at_the_entry_and_names_the_rest() {
        let d = error(&Diagnostic::new(
            AttrPath::root("mounts").key("data").attr("path"),
            "bad",
            "fix",
        ));
        assert_eq!(
            steps(&d),
            vec![
                Selector::AttributeName("mounts".into()),
                Selector::ElementKeyString("data".into())
            ]
        );
        assert_eq!(d.detail, "mounts[\"data\"].path: fix");
    }

    #[test]
    fn a_path_into_a_nested_object_stops_at_the_attribute() {
        // [password_secret, name] would make Terraform highlight the resource's own `name`.
        let d = error(&Diagnostic::new(
            AttrPath::root("password_secret").attr("name"),
            "bad",
            "fix",
        ));
        assert_eq!(
            steps(&d),
            vec![Selector::AttributeName("password_secret".into())]
        );
    }

    #[test]
    fn an_empty_path_points_at_the_block() {
        assert_eq!(
            error(&Diagnostic::new(AttrPath::default(), "bad", "fix")).attribute,
            None
        );
    }
}

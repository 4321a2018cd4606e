//! Kubernetes and Prometheus names: DNS-1123 labels and subdomains, label keys and
//! values, Prometheus label names.

use super::report::{Check, Problem};

/// Describes the first character of `value` outside the allowed set, for messages.
pub(crate) fn first_bad_char(value: &str, allowed: impl Fn(char) -> bool) -> Option<String> {
    value.chars().find(|c| !allowed(*c)).map(describe_char)
}

pub(crate) fn describe_char(c: char) -> String {
    match c {
        ' ' => "a space".to_string(),
        '\n' => "a newline".to_string(),
        '\t' => "a tab".to_string(),
        '\0' => "a NUL byte".to_string(),
        c if c.is_control() => format!("the control character {:?}", c),
        c => format!("`{c}`"),
    }
}

fn is_label_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'
}

/// A DNS-1123 label of at most `max` characters; `why_max` explains a limit under 63.
pub(crate) fn dns_label_max(value: &str, max: usize, why_max: &str) -> Check {
    let fix = format!(
        "use lowercase letters, digits and `-`, starting and ending with a letter or digit, at most {max} characters{why_max}"
    );
    if value.is_empty() {
        return Err(Problem::new("the name is empty", fix));
    }
    if let Some(bad) = first_bad_char(value, is_label_char) {
        let hint = if value.chars().any(|c| c.is_ascii_uppercase())
            && first_bad_char(&value.to_ascii_lowercase(), is_label_char).is_none()
        {
            format!(
                "write it in lowercase ({:?}); {fix}",
                value.to_ascii_lowercase()
            )
        } else {
            fix
        };
        return Err(Problem::new(
            format!("{value:?} contains {bad}, which is not allowed in a DNS-1123 name"),
            hint,
        ));
    }
    if value.starts_with('-') || value.ends_with('-') {
        return Err(Problem::new(
            format!("{value:?} starts or ends with `-`"),
            fix,
        ));
    }
    let length = value.chars().count();
    if length > max {
        return Err(Problem::new(
            format!("{value:?} is {length} characters long, over the limit of {max}"),
            fix,
        ));
    }
    Ok(())
}

/// A DNS-1123 label (namespaces, most names): at most 63 characters.
pub(crate) fn dns_label(value: &str) -> Check {
    dns_label_max(value, 63, "")
}

/// A DNS-1123 subdomain (claim, volume, Secret and CSI driver names): dot-separated
/// labels, at most 253 characters.
pub(crate) fn dns_subdomain(value: &str) -> Check {
    let fix = "use lowercase letters, digits, `-` and `.`, each dot-separated part starting and ending with a letter or digit, at most 253 characters";
    if value.is_empty() {
        return Err(Problem::new("the name is empty", fix));
    }
    if let Some(bad) = first_bad_char(value, |c| is_label_char(c) || c == '.') {
        return Err(Problem::new(
            format!("{value:?} contains {bad}, which is not allowed in a DNS-1123 subdomain"),
            fix,
        ));
    }
    if value.len() > 253 {
        return Err(Problem::new(
            format!(
                "{value:?} is {} characters long, over the limit of 253",
                value.len()
            ),
            fix,
        ));
    }
    if value
        .split('.')
        .any(|part| part.is_empty() || part.starts_with('-') || part.ends_with('-'))
    {
        return Err(Problem::new(
            format!("{value:?} has an empty part or a part starting or ending with `-`"),
            fix,
        ));
    }
    Ok(())
}

fn is_label_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')
}

/// The name part of a label key or a label value: alphanumeric at both ends, `-_.` inside.
fn label_name_shape(value: &str) -> bool {
    value.chars().all(is_label_name_char)
        && value
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        && value
            .chars()
            .last()
            .is_some_and(|c| c.is_ascii_alphanumeric())
}

/// A Kubernetes label key: optional DNS-subdomain prefix and `/`, then a name of at most 63.
pub(crate) fn label_key(key: &str) -> Check {
    let fix = "write `name` or `prefix/name`: the name at most 63 characters of letters, digits, `-`, `_`, `.`, starting and ending with a letter or digit; the prefix a DNS subdomain such as `example.com`";
    let (prefix, name) = match key.rsplit_once('/') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, key),
    };
    if let Some(prefix) = prefix {
        if dns_subdomain(prefix).is_err() {
            return Err(Problem::new(
                format!("the label key prefix {prefix:?} is not a DNS subdomain"),
                fix,
            ));
        }
    }
    if name.len() > 63 || !label_name_shape(name) {
        return Err(Problem::new(
            format!("{key:?} is not a valid label key"),
            fix,
        ));
    }
    Ok(())
}

/// A Kubernetes label value: empty, or at most 63 characters shaped like a label name.
pub(crate) fn label_value(value: &str) -> Check {
    if value.is_empty() {
        return Ok(());
    }
    if value.len() > 63 || !label_name_shape(value) {
        return Err(Problem::new(
            format!("{value:?} is not a valid label value"),
            "use at most 63 characters of letters, digits, `-`, `_`, `.`, starting and ending with a letter or digit",
        ));
    }
    Ok(())
}

/// A Prometheus label name (alert labels and annotation keys): `[a-zA-Z_][a-zA-Z0-9_]*`,
/// not starting with the reserved `__`.
pub(crate) fn prometheus_label_name(name: &str) -> Check {
    let fix = "use letters, digits and `_`, not starting with a digit or with `__` (reserved)";
    let shape = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !shape || name.starts_with("__") {
        return Err(Problem::new(
            format!("{name:?} is not a valid Prometheus label name"),
            fix,
        ));
    }
    Ok(())
}

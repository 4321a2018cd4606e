//! YAML output for `backstop render --format yaml` and the acceptance tests.

use serde_json::Value;

/// YAML text of one object, or a `---`-separated stream for several.
pub fn to_yaml(objects: &[&Value]) -> String {
    objects
        .iter()
        // A serde_json::Value always has a YAML form (string keys, finite numbers).
        .map(|object| serde_yaml_ng::to_string(object).unwrap_or_default())
        .collect::<Vec<_>>()
        .join("---\n")
}

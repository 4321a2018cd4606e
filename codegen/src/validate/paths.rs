//! Paths that reach scripts and pod specs: absolute mount paths, subPaths and snapshot
//! folder names. Only a whitelist of characters is accepted, so no value can break out
//! of a shell word or a YAML scalar, whatever the renderer does with it.

use super::names::first_bad_char;
use super::report::{Check, Problem};

/// The characters allowed in a path segment (besides `/` between segments).
fn is_safe_path_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '@' | '+' | '=' | ',' | ':' | '-')
}

const SAFE_CHARS: &str = "letters, digits and `._@+=,:-`";

/// Checks the segments of a `/`-separated path: safe characters, no empty, `.` or `..`.
fn segments(path: &str, full: &str, kind: &str) -> Check {
    if let Some(bad) = first_bad_char(path, |c| c == '/' || is_safe_path_char(c)) {
        return Err(Problem::new(
            format!("the {kind} {full:?} contains {bad}, which is not allowed"),
            format!("use only {SAFE_CHARS} in path segments"),
        ));
    }
    for segment in path.split('/') {
        let problem = match segment {
            "" => "has an empty segment (`//` or a trailing `/`)",
            "." => "has a `.` segment",
            ".." => "has a `..` segment",
            _ => continue,
        };
        return Err(Problem::new(
            format!("the {kind} {full:?} {problem}"),
            "write the plain path, e.g. /var/lib/app/data: no `..`, `.`, doubled or trailing `/`",
        ));
    }
    Ok(())
}

/// An absolute path below `/` (mount paths, NFS exports, database files).
pub(crate) fn absolute_path(path: &str) -> Check {
    if path.is_empty() {
        return Err(Problem::new(
            "the path is empty",
            "write an absolute path such as /var/lib/app",
        ));
    }
    let Some(relative) = path.strip_prefix('/') else {
        return Err(Problem::new(
            format!("the path {path:?} is relative"),
            format!("write it as an absolute path starting with `/`, e.g. \"/{path}\""),
        ));
    };
    if relative.is_empty() {
        return Err(Problem::new(
            "the path is `/` itself",
            "name a directory below `/`, e.g. /var/lib/app",
        ));
    }
    segments(relative, path, "path")
}

/// A subPath inside a volume: relative, same rules as an absolute path otherwise.
pub(crate) fn sub_path(path: &str) -> Check {
    if path.is_empty() {
        return Err(Problem::new(
            "the subPath is empty",
            "leave `sub_path` unset to mount the whole claim, or name a folder such as `data`",
        ));
    }
    if path.starts_with('/') {
        return Err(Problem::new(
            format!("the subPath {path:?} is absolute"),
            format!(
                "write it relative to the root of the claim, e.g. {:?}",
                path.trim_start_matches('/')
            ),
        ));
    }
    segments(path, path, "subPath")
}

/// A snapshot folder name (a `mounts` key): one safe path segment.
pub(crate) fn folder_name(name: &str) -> Check {
    let fix = format!(
        "use one folder name of {SAFE_CHARS}, such as `data`, not `.` or `..` and without `/`"
    );
    if name.is_empty() || name == "." || name == ".." {
        return Err(Problem::new(
            format!("{name:?} is not a usable folder name"),
            fix,
        ));
    }
    if let Some(bad) = first_bad_char(name, is_safe_path_char) {
        return Err(Problem::new(
            format!("the folder name {name:?} contains {bad}, which is not allowed"),
            fix,
        ));
    }
    Ok(())
}

/// Whether `path` is `parent` or lies below it (both already valid absolute paths).
pub(crate) fn is_within(path: &str, parent: &str) -> bool {
    path == parent
        || path
            .strip_prefix(parent)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// The last segment of a valid absolute path.
pub(crate) fn basename(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

//! Single values with a fixed shape: image references, URLs, host names, quantities,
//! time zones and the small enumerations of the Kubernetes API.

use super::names::{describe_char, first_bad_char};
use super::report::{Check, Problem};
use crate::policy::{self, FloatingTag};
use std::net::{Ipv4Addr, Ipv6Addr};

/// A container image reference pinned to a tag or digest (`policy::floating_tag` says which
/// tags float):
/// `[registry[:port]/]repository[:tag][@sha256:<64 hex>]`.
pub(crate) fn image(reference: &str) -> Check {
    let fix = "write registry/repository:tag or add @sha256:<digest>; pin a tag, e.g. alpine:3.22";
    let (name_and_tag, digest) = match reference.split_once('@') {
        Some((name, digest)) => (name, Some(digest)),
        None => (reference, None),
    };
    if let Some(digest) = digest {
        let hex = digest.strip_prefix("sha256:").unwrap_or("");
        if hex.len() != 64
            || !hex
                .chars()
                .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
        {
            return Err(Problem::new(
                format!("the digest of {reference:?} is not sha256:<64 lowercase hex digits>"),
                fix,
            ));
        }
    }
    // The tag is after the last `:` that follows the last `/` (a registry port comes before it).
    let last_slash = name_and_tag.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match name_and_tag[last_slash..].rfind(':') {
        Some(i) => (
            &name_and_tag[..last_slash + i],
            Some(&name_and_tag[last_slash + i + 1..]),
        ),
        None => (name_and_tag, None),
    };
    let mut components: Vec<&str> = name.split('/').collect();
    if components.len() > 1 {
        let first = components[0];
        if first.contains('.') || first.contains(':') || first == "localhost" {
            if !registry_host(first) {
                return Err(Problem::new(
                    format!("the registry {first:?} of {reference:?} is not a host[:port]"),
                    fix,
                ));
            }
            components.remove(0);
        }
    }
    if let Some(bad) = components.iter().find(|c| !repository_component(c)) {
        return Err(Problem::new(
            format!("{reference:?} is not an image reference: the repository part {bad:?} must be lowercase letters and digits separated by `.`, `_`, `__` or `-`"),
            fix,
        ));
    }
    match tag {
        Some(tag) if !image_tag(tag) => Err(Problem::new(
            format!("the tag {tag:?} of {reference:?} is not valid (letters, digits, `_.-`, at most 128, not starting with `.` or `-`)"),
            fix,
        )),
        _ => match policy::floating_tag(reference) {
            Some(FloatingTag::Latest) => {
                Err(Problem::new(format!("the image {reference:?} uses the floating `latest` tag"), fix))
            }
            Some(FloatingTag::Untagged) => {
                Err(Problem::new(format!("the image {reference:?} has no tag, so it floats on `latest`"), fix))
            }
            Some(FloatingTag::BareVersion) => Err(Problem::new(
                format!("the image {reference:?} has a bare version tag, which floats to every new release of that version"),
                fix,
            )),
            None => Ok(()),
        },
    }
}

fn registry_host(text: &str) -> bool {
    let (host, port) = match text.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (text, None),
    };
    let port_ok =
        port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.chars().all(|c| c.is_ascii_digit()));
    port_ok && is_hostname(host)
}

fn repository_component(component: &str) -> bool {
    let is_alnum = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    if !component.starts_with(is_alnum) || !component.ends_with(is_alnum) {
        return false;
    }
    // Separators are `.`, `_`, `__` or a run of `-`, always between alphanumerics.
    let mut chars = component.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            c if is_alnum(c) => {}
            '.' => {
                if !chars.peek().is_some_and(|n| is_alnum(*n)) {
                    return false;
                }
            }
            '_' => {
                if chars.peek() == Some(&'_') {
                    chars.next();
                }
                if !chars.peek().is_some_and(|n| is_alnum(*n)) {
                    return false;
                }
            }
            '-' => {
                while chars.peek() == Some(&'-') {
                    chars.next();
                }
            }
            _ => return false,
        }
    }
    true
}

fn image_tag(tag: &str) -> bool {
    !tag.is_empty()
        && tag.len() <= 128
        && tag.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
        && tag
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

/// A host name (letters, digits, `-`, dot-separated) or an IPv4/IPv6 address.
pub(crate) fn host(value: &str) -> Check {
    if is_hostname(value) || value.parse::<Ipv4Addr>().is_ok() || value.parse::<Ipv6Addr>().is_ok()
    {
        return Ok(());
    }
    let what = match first_bad_char(value, |c| {
        c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | ':')
    }) {
        Some(bad) => {
            format!("{value:?} contains {bad}, which is not allowed in a host name or IP address")
        }
        None => format!("{value:?} is not a host name or IP address"),
    };
    Err(Problem::new(what, "write a host name such as nas.lan or postgres.dbaas.svc, or an IP address such as 10.0.10.15"))
}

fn is_hostname(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= 253
        && value.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

/// An http(s) URL that can be pasted into a script and a YAML scalar unchanged.
pub(crate) fn http_url(url: &str) -> Check {
    let fix = "write an http:// or https:// URL without spaces, quotes, backslashes, `$` or backticks, e.g. http://pushgateway.monitoring:9091";
    let Some(rest) = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
    else {
        return Err(Problem::new(
            format!("{url:?} is not an http:// or https:// URL"),
            fix,
        ));
    };
    if let Some(bad) = url
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '\\' | '$' | '`'))
    {
        return Err(Problem::new(
            format!(
                "the URL {url:?} contains {}, which is not allowed",
                describe_char(bad)
            ),
            fix,
        ));
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    let host_name = if host_port.starts_with('[') {
        host_port
            .split(']')
            .next()
            .map(|h| h.trim_start_matches('['))
            .unwrap_or("")
    } else {
        host_port.split(':').next().unwrap_or("")
    };
    if host(host_name).is_err() {
        return Err(Problem::new(
            format!("the URL {url:?} has no valid host"),
            fix,
        ));
    }
    Ok(())
}

/// A Kubernetes resource quantity: a non-negative decimal with an optional binary
/// (`Ki`..`Ei`) or decimal (`m`, `k`..`E`) suffix, or an exponent (`1e3`).
pub(crate) fn quantity(value: &str) -> Check {
    let number_end = value
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(value.len());
    let (number, suffix) = value.split_at(number_end);
    let number_ok = !number.is_empty()
        && number.chars().filter(|c| *c == '.').count() <= 1
        && number.chars().any(|c| c.is_ascii_digit());
    const SUFFIXES: [&str; 14] = [
        "", "m", "k", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei",
    ];
    let exponent_ok = suffix
        .strip_prefix(['e', 'E'])
        .map(|e| e.strip_prefix(['+', '-']).unwrap_or(e))
        .is_some_and(|digits| !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()));
    if number_ok && (SUFFIXES.contains(&suffix) || exponent_ok) {
        Ok(())
    } else {
        Err(Problem::new(
            format!("{value:?} is not a Kubernetes quantity"),
            "write a number with an optional unit, e.g. 100m or 0.5 (CPU), 256Mi or 10Gi (memory, storage)",
        ))
    }
}

/// A name in the IANA time zone database (`Europe/Berlin`, `GMT`, `EST5EDT`), as the
/// API server checks `spec.timeZone`; the database comes with chrono-tz, kept in step with
/// the tz releases. A near miss gets the closest names as a suggestion.
pub(crate) fn time_zone(value: &str) -> Check {
    if value.parse::<chrono_tz::Tz>().is_ok() {
        return Ok(());
    }
    let suggestion = closest_time_zone(value)
        .map(|name| format!("did you mean {name}? "))
        .unwrap_or_default();
    Err(Problem::new(
        format!("{value:?} is not in the IANA time zone database"),
        format!(
            "{suggestion}Write a tz database name such as Europe/Berlin, America/New_York or UTC"
        ),
    ))
}

/// The database name nearest to `value`, if one is near enough to be a typo of it.
fn closest_time_zone(value: &str) -> Option<&'static str> {
    let wanted = value.to_ascii_lowercase();
    chrono_tz::TZ_VARIANTS
        .iter()
        .map(|tz| {
            let name = tz.name();
            (
                strsim::jaro_winkler(&wanted, &name.to_ascii_lowercase()),
                name,
            )
        })
        .filter(|(score, _)| *score >= 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, name)| name)
}

/// Characters of a value matched against a pattern given in words, for simple tokens.
pub(crate) fn token(
    value: &str,
    what: &str,
    allowed: impl Fn(char) -> bool,
    allowed_words: &str,
    max: usize,
) -> Check {
    let fix = format!("use only {allowed_words}, at most {max} characters");
    if value.is_empty() {
        return Err(Problem::new(format!("the {what} is empty"), fix));
    }
    if let Some(bad) = first_bad_char(value, allowed) {
        return Err(Problem::new(
            format!("the {what} {value:?} contains {bad}, which is not allowed"),
            fix,
        ));
    }
    if value.len() > max {
        return Err(Problem::new(
            format!("the {what} {value:?} is longer than {max} characters"),
            fix,
        ));
    }
    Ok(())
}

/// A database user name, passed to `-U`/`-u`.
pub(crate) fn database_user(value: &str) -> Check {
    token(
        value,
        "user name",
        |c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'),
        "letters, digits and `_.-`",
        63,
    )
}

/// The key of a Secret's data entry.
pub(crate) fn secret_key(value: &str) -> Check {
    token(
        value,
        "Secret key",
        |c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'),
        "letters, digits and `-._`",
        253,
    )
}

/// One NFS mount option such as `nfsvers=4` or `timeo=30`.
pub(crate) fn mount_option(value: &str) -> Check {
    if value.contains(',') {
        return Err(Problem::new(
            format!("the mount option {value:?} holds several options"),
            format!(
                "write one option per list element: {:?}",
                value.split(',').collect::<Vec<_>>()
            ),
        ));
    }
    token(
        value,
        "mount option",
        |c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '=' | ':' | '-'),
        "letters, digits and `_.=:-`",
        253,
    )
}

pub(crate) const ACCESS_MODES: [&str; 4] = [
    "ReadWriteOnce",
    "ReadOnlyMany",
    "ReadWriteMany",
    "ReadWriteOncePod",
];

pub(crate) fn access_mode(value: &str) -> Check {
    if ACCESS_MODES.contains(&value) {
        Ok(())
    } else {
        Err(Problem::new(
            format!("{value:?} is not a Kubernetes access mode"),
            format!("use one of {}", ACCESS_MODES.join(", ")),
        ))
    }
}

/// `Retain` only: the other policies delete the backups together with the claim.
pub(crate) fn reclaim_policy(value: &str) -> Check {
    match value {
        "Retain" => Ok(()),
        "Delete" | "Recycle" => Err(Problem::new(
            format!("reclaim policy {value} would delete the backups when the claim is deleted"),
            "use Retain (the default): a backup volume must outlive its claim",
        )),
        _ => Err(Problem::new(
            format!("{value:?} is not a reclaim policy"),
            "use Retain (the default)",
        )),
    }
}

//! Validation errors that point at an attribute, so every front end (the provider, the
//! `render` spec loader, the linter's fixes) can show them where the user wrote the value.

use std::fmt;

/// One step of an attribute path: `mounts["data"].path` is
/// `[Attr("mounts"), Key("data"), Attr("path")]`. Maps one-to-one onto Terraform's
/// `AttributePath` steps.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PathStep {
    Attr(String),
    Key(String),
    Index(usize),
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct AttrPath(pub Vec<PathStep>);

impl AttrPath {
    pub fn root(name: &str) -> Self {
        AttrPath(vec![PathStep::Attr(name.to_string())])
    }
    pub fn attr(mut self, name: &str) -> Self {
        self.0.push(PathStep::Attr(name.to_string()));
        self
    }
    pub fn key(mut self, key: &str) -> Self {
        self.0.push(PathStep::Key(key.to_string()));
        self
    }
    pub fn index(mut self, i: usize) -> Self {
        self.0.push(PathStep::Index(i));
        self
    }
}

impl fmt::Display for AttrPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.0.iter().enumerate() {
            match step {
                PathStep::Attr(a) if i == 0 => write!(f, "{a}")?,
                PathStep::Attr(a) => write!(f, ".{a}")?,
                PathStep::Key(k) => write!(f, "[{k:?}]")?,
                PathStep::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// An error on one attribute: `summary` says what is wrong, `detail` says what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub path: AttrPath,
    pub summary: String,
    pub detail: String,
}

impl Diagnostic {
    /// Quoted values are cut to a readable length: a summary is one line in Terraform's
    /// output, and a 100 KB value would make it a 100 KB line (a detail such as "write it
    /// in lowercase (\"...\")" would repeat it).
    pub fn new(path: AttrPath, summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Diagnostic {
            path,
            summary: shorten_quoted(&summary.into()),
            detail: shorten_quoted(&detail.into()),
        }
    }
}

/// Longest quoted value kept whole in a summary, in characters between the quotes.
const MAX_QUOTED_CHARS: usize = 64;

/// `text` Debug-quoted as the summaries quote values, cut to a readable length.
pub fn quote(text: &str) -> String {
    shorten_quoted(&format!("{text:?}"))
}

/// Every Debug-quoted string in `text` (`"..."` with `\` escapes) longer than
/// `MAX_QUOTED_CHARS` becomes its start, `…"` and its length in characters.
fn shorten_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(512));
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        out.push(c);
        if c != '"' {
            continue;
        }
        let mut inner = Vec::new();
        let mut closed = false;
        while let Some(c) = chars.next() {
            match c {
                '\\' => {
                    inner.push(c);
                    if let Some(escaped) = chars.next() {
                        inner.push(escaped);
                    }
                }
                '"' => {
                    closed = true;
                    break;
                }
                _ => inner.push(c),
            }
        }
        if inner.len() > MAX_QUOTED_CHARS {
            out.extend(&inner[..MAX_QUOTED_CHARS]);
            out.push_str(&format!("…\" ({} characters)", inner.len()));
        } else {
            out.extend(&inner);
            if closed {
                out.push('"');
            }
        }
    }
    out
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}. {}", self.path, self.summary, self.detail)
    }
}

/// Every error found in one object; rendering happens only when this is empty.
pub type Diagnostics = Vec<Diagnostic>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_quoted_values_are_cut_and_short_ones_kept() {
        let long = "a".repeat(102_457);
        let d = Diagnostic::new(
            AttrPath::root("name"),
            format!("{long:?} is too long; {:?} ok", "b"),
            "fix",
        );
        assert!(d.summary.len() < 120, "{}", d.summary);
        assert!(d
            .summary
            .starts_with(&format!("\"{}…\" (102457 characters)", "a".repeat(64))));
        assert!(
            d.summary.ends_with("is too long; \"b\" ok"),
            "{}",
            d.summary
        );
        assert_eq!(quote("x\"y"), "\"x\\\"y\"");
    }
}

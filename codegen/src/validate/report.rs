//! Collects the diagnostics of one object: checks return a `Problem` (what is wrong, what
//! to do) and the caller attaches the attribute path where the value was written.

use crate::{AttrPath, Diagnostic, Diagnostics};

/// A failed check, not yet tied to an attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    pub summary: String,
    pub detail: String,
}

impl Problem {
    pub fn new(summary: impl Into<String>, detail: impl Into<String>) -> Problem {
        Problem {
            summary: summary.into(),
            detail: detail.into(),
        }
    }
}

pub(crate) type Check = Result<(), Problem>;

#[derive(Default)]
pub(crate) struct Report(Diagnostics);

impl Report {
    pub fn check(&mut self, path: AttrPath, result: Check) {
        if let Err(problem) = result {
            self.0
                .push(Diagnostic::new(path, problem.summary, problem.detail));
        }
    }

    /// Checks an optional value only when it is set.
    pub fn check_optional(
        &mut self,
        path: AttrPath,
        value: Option<&str>,
        check: impl Fn(&str) -> Check,
    ) {
        if let Some(value) = value {
            self.check(path, check(value));
        }
    }

    /// A required top-level attribute: "`x` is required" when empty, else `check`.
    pub fn check_required(
        &mut self,
        attribute: &str,
        value: &str,
        hint: &str,
        check: impl Fn(&str) -> Check,
    ) {
        if value.is_empty() {
            self.error(
                AttrPath::root(attribute),
                format!("`{attribute}` is required"),
                hint,
            );
        } else {
            self.check(AttrPath::root(attribute), check(value));
        }
    }

    pub fn error(&mut self, path: AttrPath, summary: impl Into<String>, detail: impl Into<String>) {
        self.0.push(Diagnostic::new(path, summary, detail));
    }

    pub fn finish(self) -> Diagnostics {
        self.0
    }
}

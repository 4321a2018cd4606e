//! The spec file's text, byte offsets turned into line:column, and the errors printed as
//! `FILE:LINE:COL: error: ...` with the attribute's full address and a hint.

use crate::lines::LineIndex;
use std::fmt;
use std::path::{Path, PathBuf};

pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
    lines: LineIndex,
}

impl SourceFile {
    pub fn new(path: &Path, text: String) -> SourceFile {
        SourceFile {
            path: path.to_path_buf(),
            lines: LineIndex::new(&text),
            text,
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        self.lines.line_col(&self.text, offset)
    }

    pub fn error(&self, offset: usize, summary: impl Into<String>) -> SpecError {
        let (line, column) = self.line_col(offset);
        SpecError {
            file: self.path.clone(),
            line,
            column,
            summary: summary.into(),
            address: None,
            hint: None,
        }
    }
}

/// One error in a spec file, located where the value was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    pub summary: String,
    /// The attribute's full address, e.g. `backup_job.mailserver.mounts["data"].path`.
    pub address: Option<String>,
    /// What to do about it.
    pub hint: Option<String>,
}

impl SpecError {
    pub fn at(mut self, address: impl Into<String>) -> SpecError {
        self.address = Some(address.into());
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> SpecError {
        let hint = hint.into();
        if !hint.is_empty() {
            self.hint = Some(hint);
        }
        self
    }
}

impl SpecError {
    /// The same located message, printed as a warning: the spec still renders.
    pub fn as_warning(&self) -> impl fmt::Display + '_ {
        Located(self, "warning")
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Located(self, "error").fmt(f)
    }
}

/// `FILE:LINE:COL: SEVERITY: summary`, then the attribute and the hint.
struct Located<'a>(&'a SpecError, &'static str);

impl fmt::Display for Located<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Located(error, severity) = self;
        write!(
            f,
            "{}:{}:{}: {severity}: {}",
            error.file.display(),
            error.line,
            error.column,
            error.summary
        )?;
        let error = *error;
        if let Some(address) = &error.address {
            write!(f, "\n  attribute: {address}")?;
        }
        if let Some(hint) = &error.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// The closest candidate to a misspelled name: the core's, so that the spec's hints and
/// the core's agree.
pub use backstop_codegen::schema::read::did_you_mean;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters_from_one() {
        let file = SourceFile::new(Path::new("s.hcl"), "ab\nçd = 1\n".to_string());
        assert_eq!(file.line_col(0), (1, 1));
        assert_eq!(file.line_col(3), (2, 1));
        // `d` follows the two-byte `ç`.
        assert_eq!(file.line_col(5), (2, 2));
    }

    #[test]
    fn suggests_close_names_only() {
        let names = ["schedule", "strategy", "source_claim"];
        assert_eq!(did_you_mean("shedule", names), Some("schedule"));
        assert_eq!(did_you_mean("strategi", names), Some("strategy"));
        assert_eq!(did_you_mean("colour", names), None);
    }
}

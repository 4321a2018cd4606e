//! The files of a repository as the linter reads them: text, byte offset -> line:col,
//! the parsed HCL tree (or the parse error), and the inline suppressions they hold.

use super::rules::Code;
use super::syntax::{self, Block, ParseError};
use backstop_spec::lines::LineIndex;
use std::ops::Range;
use std::path::PathBuf;

pub struct SourceFile {
    /// Absolute path, for reading neighbours (`templatefile`) and writing fixes.
    pub path: PathBuf,
    /// Path relative to the repository root with `/` separators: what findings print.
    pub rel: String,
    pub text: String,
    lines: LineIndex,
    /// `None` for files that are not HCL (Helm values, rule files).
    pub hcl: Option<Result<Vec<Block>, ParseError>>,
    pub suppressions: Vec<Suppression>,
    /// Written by a Terragrunt `generate` block, not on disk: never a parse error of its own.
    pub generated: bool,
}

/// `# backstop:ignore BS001 reason`: silences `code` on the block the comment sits in or
/// directly above.
#[derive(Debug, Clone)]
pub struct Suppression {
    /// The code as written, for messages.
    pub code: String,
    /// The rule it names, if any does.
    pub rule: Option<Code>,
    pub reason: String,
    pub offset: usize,
    pub line: usize,
}

pub const SUPPRESSION_MARKER: &str = "backstop:ignore";

impl SourceFile {
    pub fn new(path: PathBuf, rel: String, text: String) -> SourceFile {
        let name = path.to_string_lossy();
        let is_hcl = [".tf", ".hcl", ".tfvars"].iter().any(|e| name.ends_with(e));
        let lines = LineIndex::new(&text);
        let hcl = is_hcl.then(|| syntax::parse(&text));
        let mut file = SourceFile {
            path,
            rel,
            text,
            lines,
            hcl,
            suppressions: Vec::new(),
            generated: false,
        };
        file.suppressions = file.find_suppressions();
        file
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        self.lines.line_col(&self.text, offset)
    }

    /// The byte offset where a 1-based line starts.
    pub fn line_start(&self, line: usize) -> usize {
        self.lines.line_start(&self.text, line)
    }

    /// The text of a 1-based line, without its newline.
    pub fn line_text(&self, line: usize) -> &str {
        self.lines.line_text(&self.text, line)
    }

    /// True when a suppression for `code` lies inside `span` or in the run of comment lines
    /// directly above it.
    pub fn is_suppressed(&self, code: Code, span: &Range<usize>) -> bool {
        let (first_line, _) = self.line_col(span.start);
        let mut comment_top = first_line;
        while comment_top > 1 && is_comment(self.line_text(comment_top - 1)) {
            comment_top -= 1;
        }
        let above = self.line_start(comment_top)..span.start;
        self.suppressions
            .iter()
            .filter(|s| s.rule == Some(code))
            .any(|s| span.contains(&s.offset) || above.contains(&s.offset))
    }

    fn find_suppressions(&self) -> Vec<Suppression> {
        let mut found = Vec::new();
        for number in 1..=self.lines.count() {
            let start = self.line_start(number);
            let line = self.line_text(number);
            let Some(marker) = line.find(SUPPRESSION_MARKER) else {
                continue;
            };
            let before = &line[..marker];
            if !(before.contains('#') || before.contains("//")) {
                continue;
            }
            let mut words = line[marker + SUPPRESSION_MARKER.len()..].split_whitespace();
            let code = words.next().unwrap_or("").trim_end_matches(':').to_string();
            let reason = words.collect::<Vec<_>>().join(" ");
            found.push(Suppression {
                rule: Code::parse(&code),
                code,
                reason,
                offset: start + marker,
                line: number,
            });
        }
        found
    }
}

fn is_comment(line: &str) -> bool {
    let line = line.trim_start();
    line.starts_with('#') || line.starts_with("//")
}

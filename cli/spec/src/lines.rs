//! Byte offsets in a file's text as 1-based line:column (columns in characters), for
//! every message that points into a file: the linter's findings and the spec's errors.

pub struct LineIndex {
    /// Byte offset where each line starts; the first is 0.
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    /// How many lines `text` has (a final newline starts an empty last line).
    pub fn count(&self) -> usize {
        self.starts.len()
    }

    /// 1-based line and column (in characters) of a byte offset into `text`.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = self.starts.partition_point(|&start| start <= offset).max(1);
        let start = self.starts[line - 1];
        let column = text.get(start..offset).map_or(1, |s| s.chars().count() + 1);
        (line, column)
    }

    /// The byte offset where a 1-based line starts (the end of `text` past the last line).
    pub fn line_start(&self, text: &str, line: usize) -> usize {
        self.starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(text.len())
    }

    /// The text of a 1-based line, without its line ending.
    pub fn line_text<'t>(&self, text: &'t str, line: usize) -> &'t str {
        let start = self.line_start(text, line);
        let end = self
            .starts
            .get(line)
            .map_or(text.len(), |&next| next.saturating_sub(1));
        text.get(start..end).unwrap_or("").trim_end_matches('\r')
    }
}

#[cfg(test)]
mod tests {
    use super::LineIndex;

    #[test]
    fn lines_and_columns_count_characters_from_one() {
        let text = "ab\nçd = 1\r\nlast";
        let lines = LineIndex::new(text);
        assert_eq!(lines.line_col(text, 0), (1, 1));
        assert_eq!(lines.line_col(text, 3), (2, 1));
        // `d` follows the two-byte `ç`.
        assert_eq!(lines.line_col(text, 5), (2, 2));
        assert_eq!(lines.line_col(text, text.len() + 10), (3, 5));
        assert_eq!(lines.line_text(text, 2), "çd = 1");
        assert_eq!(lines.line_text(text, 3), "last");
        assert_eq!(lines.line_start(text, 9), text.len());
    }
}

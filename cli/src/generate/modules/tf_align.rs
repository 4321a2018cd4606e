//! Aligns the `=` of consecutive one-line attributes the way `terraform fmt` does, so the
//! generated modules pass `terraform fmt -check` without Terraform in the generator.
//! A group is a run of one-line `key = value` lines at the same indentation; a block
//! line, a blank line, a comment or an attribute whose value spans lines ends it.
//! Heredoc bodies are text, not HCL: they are copied untouched.

/// `text` with every group's keys padded to the group's longest key.
pub fn align(text: &str) -> String {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let mut group: Vec<(&str, &str, &str)> = Vec::new();
    let mut heredoc_end: Option<&str> = None;
    for line in &lines {
        if let Some(marker) = heredoc_end {
            if line.trim() == marker {
                heredoc_end = None;
            }
            out.push((*line).to_string());
            continue;
        }
        if let Some(marker) = heredoc_marker(line) {
            flush(&mut group, &mut out);
            heredoc_end = Some(marker);
            out.push((*line).to_string());
            continue;
        }
        match one_line_attribute(line) {
            Some(attribute) if group.first().is_none_or(|first| first.0 == attribute.0) => {
                group.push(attribute)
            }
            Some(attribute) => {
                flush(&mut group, &mut out);
                group.push(attribute);
            }
            None => {
                flush(&mut group, &mut out);
                out.push((*line).to_string());
            }
        }
    }
    flush(&mut group, &mut out);
    out.join("\n")
}

fn flush(group: &mut Vec<(&str, &str, &str)>, out: &mut Vec<String>) {
    let width = group
        .iter()
        .map(|(_, key, _)| key.chars().count())
        .max()
        .unwrap_or(0);
    for (indent, key, value) in group.drain(..) {
        out.push(format!("{indent}{key:width$} = {value}"));
    }
}

/// (indentation, key, value) of `key = value` whose value ends on this line.
fn one_line_attribute(line: &str) -> Option<(&str, &str, &str)> {
    let body = line.trim_start();
    let indent = &line[..line.len() - body.len()];
    let key_end = if body.starts_with('"') {
        quoted_end(body)?
    } else {
        identifier_end(body)?
    };
    let (key, rest) = body.split_at(key_end);
    let value = rest.trim_start().strip_prefix('=')?.trim();
    let opens = value.ends_with(['{', '[', '(']) || value.starts_with("<<");
    (!value.is_empty() && !opens).then_some((indent, key, value))
}

/// The terminator of a heredoc this line opens (`<<EOT` or `<<-EOT` at its end).
fn heredoc_marker(line: &str) -> Option<&str> {
    let trimmed = line.trim_end();
    let opener = trimmed.rfind("<<")?;
    let marker = trimmed[opener + 2..].trim_start_matches('-');
    let is_identifier = !marker.is_empty()
        && marker
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_');
    is_identifier.then_some(marker)
}

fn identifier_end(body: &str) -> Option<usize> {
    let end = body
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(body.len());
    (end > 0).then_some(end)
}

/// The byte just past the closing quote of the string literal `body` starts with.
fn quoted_end(body: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in body.char_indices().skip(1) {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return Some(i + 1),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::align;

    #[test]
    fn aligns_runs_of_one_line_attributes_and_breaks_runs_at_multi_line_values_and_blocks() {
        let input = "spec {\n  name = \"a\"\n  namespace = \"b\"\n  labels = {\n    \"x\" = \"1\"\n    \"long\" = \"2\"\n  }\n  \
                     mode = \"c\"\n\n  claim_ref {\n    n = 1\n  }\n}\n";
        let expected = "spec {\n  name      = \"a\"\n  namespace = \"b\"\n  labels = {\n    \"x\"    = \"1\"\n    \
                        \"long\" = \"2\"\n  }\n  mode = \"c\"\n\n  claim_ref {\n    n = 1\n  }\n}\n";
        assert_eq!(align(input), expected);
    }

    #[test]
    fn heredoc_bodies_are_copied_untouched() {
        let input = "command = [\n  <<EOT\nSTARTED=$(date)\nA = 1\nBB = 2\nEOT\n]\nx = 1\nyy = 2\n";
        let expected =
            "command = [\n  <<EOT\nSTARTED=$(date)\nA = 1\nBB = 2\nEOT\n]\nx  = 1\nyy = 2\n";
        assert_eq!(align(input), expected);
        let input = "  script = <<-EOT\n    a = 1\n    bb = 2\n  EOT\n  name = \"x\"\n";
        assert_eq!(align(input), input);
    }

    #[test]
    fn an_equals_sign_inside_a_string_value_is_left_alone() {
        let input = "  a = \"x = y\"\n  bb = \"z\"\n";
        assert_eq!(align(input), "  a  = \"x = y\"\n  bb = \"z\"\n");
    }
}

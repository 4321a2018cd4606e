//! Aligns the `=` of consecutive one-line attributes as `terraform fmt` does, so that a
//! generated `backup.tf` passes `terraform fmt -check` whatever produced its text.
//!
//! The rule `terraform fmt` follows: attributes on consecutive lines at the same indent
//! form a run, and their `=` line up one space after the longest name. A blank line, a
//! block, a closing bracket or an attribute whose value opens a bracket (or a heredoc) on
//! its line ends the run; that attribute keeps a single space. Heredoc bodies are kept.

pub fn align(text: &str) -> String {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let mut run: Vec<Attribute> = Vec::new();
    let mut heredoc: Option<String> = None;
    for line in lines {
        if let Some(marker) = &heredoc {
            if line.trim() == marker {
                heredoc = None;
            }
            out.push(line.to_string());
            continue;
        }
        heredoc = heredoc_marker(line);
        match Attribute::parse(line).filter(|a| heredoc.is_none() && !a.opens_bracket()) {
            Some(attribute) => {
                if run
                    .first()
                    .is_some_and(|first| first.indent != attribute.indent)
                {
                    flush(&mut run, &mut out);
                }
                run.push(attribute);
            }
            None => {
                flush(&mut run, &mut out);
                out.push(match Attribute::parse(line) {
                    // An attribute that ends a run still gets exactly one space around `=`.
                    Some(attribute) => attribute.render(attribute.key.len()),
                    None => line.to_string(),
                });
            }
        }
    }
    flush(&mut run, &mut out);
    out.join("\n")
}

struct Attribute {
    indent: String,
    key: String,
    value: String,
}

impl Attribute {
    /// `  key = value` or `  "key" = value`; not `==`, not a block.
    fn parse(line: &str) -> Option<Attribute> {
        let trimmed = line.trim_start();
        let indent = line[..line.len() - trimmed.len()].to_string();
        let key_len = if let Some(quoted) = trimmed.strip_prefix('"') {
            quoted.find('"')? + 2
        } else {
            trimmed.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))?
        };
        if key_len == 0 {
            return None;
        }
        let rest = trimmed[key_len..].trim_start();
        let value = rest.strip_prefix('=')?;
        if value.starts_with('=') {
            return None;
        }
        Some(Attribute {
            indent,
            key: trimmed[..key_len].to_string(),
            value: value.trim().to_string(),
        })
    }

    fn opens_bracket(&self) -> bool {
        self.value.ends_with('{') || self.value.ends_with('[') || self.value.ends_with('(')
    }

    fn render(&self, width: usize) -> String {
        format!("{}{:<width$} = {}", self.indent, self.key, self.value)
    }
}

fn flush(run: &mut Vec<Attribute>, out: &mut Vec<String>) {
    let width = run.iter().map(|a| a.key.len()).max().unwrap_or(0);
    out.extend(run.drain(..).map(|a| a.render(width)));
}

/// The closing marker of a heredoc opened on this line (`<<EOT`, `<<-EOT`).
fn heredoc_marker(line: &str) -> Option<String> {
    let at = line.rfind("<<")?;
    let marker = line[at + 2..].trim_start_matches('-').trim();
    (!marker.is_empty() && marker.chars().all(|c| c.is_alphanumeric() || c == '_'))
        .then(|| marker.to_string())
}

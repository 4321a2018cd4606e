//! Output formats. Each takes the resolved findings (sorted, with file:line:col) and
//! returns the text to print.

mod github;
mod human;
mod json;
mod junit;
mod sarif;

use super::discover::Repo;
use super::rules::{Finding, Rule};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum Format {
    /// file:line:col, the source line and a hint; colour only on a terminal.
    Human,
    Json,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
    Junit,
    /// GitHub Actions workflow commands (`::error file=...`).
    Github,
}

/// A finding with its position resolved, ready to print.
pub struct Located<'a> {
    pub finding: &'a Finding,
    pub rule: &'static Rule,
    pub file: &'a str,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub source_line: &'a str,
    /// The stack a finding belongs to when its file lies outside that stack's folder (a
    /// module several stacks use): outputs name it, or the findings would read as one.
    pub other_stack: Option<&'a str>,
}

impl Located<'_> {
    /// The message, naming the stack when the file alone does not tell it.
    pub fn message(&self) -> String {
        match self.other_stack {
            Some(stack) => format!("{} (stack {stack})", self.finding.message),
            None => self.finding.message.clone(),
        }
    }
}

pub fn locate<'a>(repo: &'a Repo, findings: &'a [Finding]) -> Vec<Located<'a>> {
    let mut located: Vec<Located> = findings
        .iter()
        .map(|finding| {
            let file = &repo.files[finding.loc.file];
            let (line, column) = file.line_col(finding.loc.span.start);
            let (end_line, end_column) =
                file.line_col(finding.loc.span.end.max(finding.loc.span.start + 1));
            let other_stack = finding
                .stack
                .as_deref()
                .filter(|stack| *stack != "." && !file.rel.starts_with(&format!("{stack}/")));
            Located {
                finding,
                rule: finding.rule,
                file: &file.rel,
                line,
                column,
                end_line,
                end_column,
                source_line: file.line_text(line),
                other_stack,
            }
        })
        .collect();
    located.sort_by(|a, b| {
        (a.file, a.line, a.column, a.rule.code, a.other_stack).cmp(&(
            b.file,
            b.line,
            b.column,
            b.rule.code,
            b.other_stack,
        ))
    });
    located
}

pub struct Summary {
    pub stacks: Vec<String>,
    pub suppressed: usize,
    /// Claims read in these stacks, and those whose storage class could not be resolved.
    pub claims: usize,
    pub unresolved_claims: usize,
}

impl Summary {
    /// What a green run did not check, so that it never reads as "checked" when it is not.
    pub fn caveats(&self) -> Vec<String> {
        let mut caveats = Vec::new();
        if self.stacks.is_empty() {
            caveats.push("no stack was found, so nothing was checked (`backstop lint --list-stacks` shows what discovery sees; `stacks` in backstop.toml adds folders)".to_string());
        }
        if self.unresolved_claims > 0 {
            let (has, was) = if self.unresolved_claims == 1 {
                ("has", "was")
            } else {
                ("have", "were")
            };
            caveats.push(format!(
                "{} of {} {has} no storage class the linter could resolve and {was} not checked (BS101)",
                self.unresolved_claims,
                counted(self.claims, "claim")
            ));
        }
        caveats
    }
}

/// `n` and a regular noun in agreement ("1 stack", "0 stacks", "2 stacks"), so that no
/// summary line reads "1 errors".
pub fn counted(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

pub fn render(format: Format, findings: &[Located], summary: &Summary, colour: bool) -> String {
    match format {
        Format::Human => human::render(findings, summary, colour),
        Format::Json => json::render(findings),
        Format::Sarif => sarif::render(findings),
        Format::Junit => junit::render(findings, summary),
        Format::Github => github::render(findings),
    }
}

//! A small, owned view of an HCL file: blocks, attributes and expressions with the byte
//! spans hcl-edit recorded, so every finding can point at file:line:col. The rules never
//! see hcl-edit's types; only this module knows them.

use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::structure::{Body, Structure};
use hcl_edit::template::{Element, Template};
use hcl_edit::Span;
use std::ops::Range;

#[derive(Debug, Clone)]
pub struct Block {
    pub kind: String,
    pub labels: Vec<String>,
    pub span: Range<usize>,
    pub attrs: Vec<Attr>,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone)]
pub struct Attr {
    pub key: String,
    pub value: Expr,
}

#[derive(Debug, Clone)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Range<usize>,
}

#[derive(Debug, Clone)]
pub enum ExprKind {
    Null,
    Bool(bool),
    Num(f64),
    /// Quoted strings, string templates and heredocs.
    Template(Vec<Part>),
    List(Vec<Expr>),
    Object(Vec<(Expr, Expr)>),
    /// `var.x`, `local.y`, `each.key`, `module.m.out`, `TYPE.NAME.attr[0]`.
    Ref(Vec<Step>),
    Call(String, Vec<Expr>),
    /// `cond ? yes : no`.
    Conditional(Box<[Expr; 3]>),
    /// `lhs OP rhs`, the operator as written (`==`, `&&`, `+`, ...).
    Binary(&'static str, Box<[Expr; 2]>),
    /// `!x`, `-x`.
    Unary(&'static str, Box<Expr>),
    /// `[for v in coll : value if cond]` and `{for k, v in coll : key => value}`.
    For(Box<ForExpr>),
    /// Anything else (a number too large, a splat on a computed value).
    Dynamic,
}

#[derive(Debug, Clone)]
pub struct ForExpr {
    pub key_var: Option<String>,
    pub value_var: String,
    pub collection: Expr,
    /// `Some` for an object `for`: the key of each entry.
    pub key: Option<Expr>,
    pub value: Expr,
    pub cond: Option<Expr>,
    /// `k => v...`: values with the same key are grouped into a list.
    pub grouping: bool,
}

#[derive(Debug, Clone)]
pub enum Part {
    Lit(String),
    Interp(Expr),
    /// `%{if}`/`%{for}`: the text cannot be known statically.
    Directive,
}

#[derive(Debug, Clone)]
pub enum Step {
    Attr(String),
    Index(Expr),
    Splat,
}

/// What a reference reads when its root is a resource or a data source: `TYPE.NAME...`
/// or `data.TYPE.NAME...`. Roots such as `var` or `local` read as a TYPE here too:
/// callers ask for the types they know.
pub struct Target<'a> {
    pub data: bool,
    pub kind: &'a str,
    pub name: &'a str,
    /// The steps after the name: indexes, splats and attributes.
    pub rest: &'a [Step],
}

impl Expr {
    pub fn target(&self) -> Option<Target<'_>> {
        let ExprKind::Ref(steps) = &self.kind else {
            return None;
        };
        let (data, steps) = match steps.first() {
            Some(Step::Attr(root)) if root == "data" => (true, &steps[1..]),
            _ => (false, &steps[..]),
        };
        match steps {
            [Step::Attr(kind), Step::Attr(name), rest @ ..] => Some(Target {
                data,
                kind,
                name,
                rest,
            }),
            _ => None,
        }
    }
}

impl Block {
    pub fn attr(&self, key: &str) -> Option<&Attr> {
        self.attrs.iter().find(|a| a.key == key)
    }

    pub fn block(&self, kind: &str) -> Option<&Block> {
        self.blocks.iter().find(|b| b.kind == kind)
    }

    pub fn blocks_of<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
        self.blocks.iter().filter(move |b| b.kind == kind)
    }

    /// Follows nested blocks by kind: `path(&["spec", "job_template", "spec"])`.
    pub fn path(&self, kinds: &[&str]) -> Option<&Block> {
        kinds.iter().try_fold(self, |block, kind| block.block(kind))
    }
}

/// A parse error with the position hcl-edit reports (1-based line and column).
#[derive(Debug, Clone)]
pub struct ParseError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

pub fn parse(text: &str) -> Result<Vec<Block>, ParseError> {
    let mut text = std::borrow::Cow::Borrowed(text);
    for round in 0..MAX_DUPLICATE_KEYS {
        match hcl_edit::parser::parse_body(&text) {
            Ok(body) => return Ok(top_level(&body)),
            Err(e) => {
                let error = ParseError {
                    line: e.location().line(),
                    column: e.location().column(),
                    message: e.message().to_string(),
                };
                match rename_duplicate_key(&text, &error, round) {
                    Some(renamed) => text = std::borrow::Cow::Owned(renamed),
                    None => return Err(error),
                }
            }
        }
    }
    hcl_edit::parser::parse_body(&text)
        .map(|body| top_level(&body))
        .map_err(|e| ParseError {
            line: e.location().line(),
            column: e.location().column(),
            message: e.message().to_string(),
        })
}

/// Duplicate object keys rewritten before giving up on a file.
const MAX_DUPLICATE_KEYS: usize = 64;
/// Marks a key renamed so hcl-edit accepts it; `object_key` strips it again.
const DUPLICATE_MARK: &str = "__backstop_dup";

/// Terraform accepts `{ A = 1, A = 2 }` (the last wins); hcl-edit rejects the second key.
/// Renames it with a marker (read back as the same key, overriding the first) and parses
/// again. Only an identifier or a quoted key can be renamed; anything else stays an error.
fn rename_duplicate_key(text: &str, error: &ParseError, round: usize) -> Option<String> {
    if !error.message.contains("redefined object key") {
        return None;
    }
    let line_start = text
        .split_inclusive('\n')
        .take(error.line.saturating_sub(1))
        .map(str::len)
        .sum::<usize>();
    let line = text.get(line_start..)?.lines().next()?;
    let column = line
        .char_indices()
        .nth(error.column.saturating_sub(1))
        .map(|(i, _)| i)?;
    let at = line_start + column;
    let rest = text.get(at..)?;
    // Where the marker goes: before a quoted key's closing quote, after an identifier.
    let insert_at = if let Some(quoted) = rest.strip_prefix('"') {
        let end = quoted.find('"')?;
        if quoted[..end].contains('\\') {
            return None;
        }
        at + 1 + end
    } else {
        let len = rest.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))?;
        if len == 0 {
            return None;
        }
        at + len
    };
    let mut out = String::with_capacity(text.len() + 24);
    out.push_str(&text[..insert_at]);
    out.push_str(&format!("{DUPLICATE_MARK}{round}__"));
    out.push_str(&text[insert_at..]);
    Some(out)
}

/// A key as written, without the marker `rename_duplicate_key` adds.
fn original_key(key: &str) -> String {
    match key.find(DUPLICATE_MARK) {
        Some(at) if key.ends_with("__") => key[..at].to_string(),
        _ => key.to_string(),
    }
}

/// Top-level attributes (terragrunt's `inputs = {}`) are kept as a pseudo block `""`.
fn top_level(body: &Body) -> Vec<Block> {
    let converted = convert_body(body, "", Vec::new(), 0..0);
    let mut blocks = converted.blocks;
    if !converted.attrs.is_empty() {
        blocks.push(Block {
            kind: String::new(),
            labels: Vec::new(),
            span: 0..0,
            attrs: converted.attrs,
            blocks: Vec::new(),
        });
    }
    blocks
}

fn convert_body(body: &Body, kind: &str, labels: Vec<String>, span: Range<usize>) -> Block {
    let mut block = Block {
        kind: kind.to_string(),
        labels,
        span,
        attrs: Vec::new(),
        blocks: Vec::new(),
    };
    for structure in body.iter() {
        match structure {
            Structure::Attribute(attr) => block.attrs.push(Attr {
                key: attr.key.as_str().to_string(),
                value: convert_expr(&attr.value),
            }),
            Structure::Block(inner) => block.blocks.push(convert_body(
                &inner.body,
                inner.ident.as_str(),
                inner
                    .labels
                    .iter()
                    .map(|l| l.as_str().to_string())
                    .collect(),
                inner.span().unwrap_or(0..0),
            )),
        }
    }
    block
}

fn convert_expr(expr: &Expression) -> Expr {
    let span = expr.span().unwrap_or(0..0);
    let kind = match expr {
        Expression::Null(_) => ExprKind::Null,
        Expression::Bool(b) => ExprKind::Bool(*b.value()),
        Expression::Number(n) => n.value().as_f64().map_or(ExprKind::Dynamic, ExprKind::Num),
        Expression::String(s) => ExprKind::Template(vec![Part::Lit(s.value().clone())]),
        Expression::StringTemplate(t) => ExprKind::Template(convert_template(t)),
        Expression::HeredocTemplate(h) => ExprKind::Template(convert_template(&h.template)),
        Expression::Array(items) => ExprKind::List(items.iter().map(convert_expr).collect()),
        Expression::Object(object) => ExprKind::Object(
            object
                .iter()
                .map(|(key, value)| {
                    let key = match key {
                        ObjectKey::Ident(ident) => Expr {
                            kind: ExprKind::Template(vec![Part::Lit(original_key(ident.as_str()))]),
                            span: ident.span().unwrap_or(0..0),
                        },
                        ObjectKey::Expression(Expression::String(s)) => Expr {
                            kind: ExprKind::Template(vec![Part::Lit(original_key(s.value()))]),
                            span: s.span().unwrap_or(0..0),
                        },
                        ObjectKey::Expression(e) => convert_expr(e),
                    };
                    (key, convert_expr(value.expr()))
                })
                .collect(),
        ),
        Expression::Parenthesis(inner) => return convert_expr(inner.inner()),
        Expression::Variable(name) => ExprKind::Ref(vec![Step::Attr(name.as_str().to_string())]),
        Expression::Traversal(traversal) => match convert_expr(&traversal.expr).kind {
            ExprKind::Ref(mut steps) => {
                steps.extend(traversal.operators.iter().map(|op| match op.value() {
                    TraversalOperator::GetAttr(name) => Step::Attr(name.as_str().to_string()),
                    TraversalOperator::Index(e) => Step::Index(convert_expr(e)),
                    TraversalOperator::LegacyIndex(n) => Step::Index(Expr {
                        kind: ExprKind::Num(*n.value() as f64),
                        span: 0..0,
                    }),
                    TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                        Step::Splat
                    }
                }));
                ExprKind::Ref(steps)
            }
            _ => ExprKind::Dynamic,
        },
        Expression::FuncCall(call) => ExprKind::Call(
            call.name.name.as_str().to_string(),
            call.args.iter().map(convert_expr).collect(),
        ),
        Expression::Conditional(c) => ExprKind::Conditional(Box::new([
            convert_expr(&c.cond_expr),
            convert_expr(&c.true_expr),
            convert_expr(&c.false_expr),
        ])),
        Expression::BinaryOp(op) => ExprKind::Binary(
            op.operator.value().as_str(),
            Box::new([convert_expr(&op.lhs_expr), convert_expr(&op.rhs_expr)]),
        ),
        Expression::UnaryOp(op) => ExprKind::Unary(
            op.operator.value().as_str(),
            Box::new(convert_expr(&op.expr)),
        ),
        Expression::ForExpr(f) => ExprKind::For(Box::new(ForExpr {
            key_var: f.intro.key_var.as_ref().map(|k| k.as_str().to_string()),
            value_var: f.intro.value_var.as_str().to_string(),
            collection: convert_expr(&f.intro.collection_expr),
            key: f.key_expr.as_ref().map(convert_expr),
            value: convert_expr(&f.value_expr),
            cond: f.cond.as_ref().map(|c| convert_expr(&c.expr)),
            grouping: f.grouping,
        })),
    };
    Expr { kind, span }
}

fn convert_template(template: &Template) -> Vec<Part> {
    template
        .iter()
        .map(|element| match element {
            Element::Literal(text) => Part::Lit(text.value().clone()),
            Element::Interpolation(interp) => Part::Interp(convert_expr(&interp.expr)),
            Element::Directive(_) => Part::Directive,
        })
        .collect()
}

/// Every expression below `expr` (itself included), depth first: for scans of string text.
pub fn walk<'a>(expr: &'a Expr, visit: &mut dyn FnMut(&'a Expr)) {
    visit(expr);
    match &expr.kind {
        ExprKind::Template(parts) => parts.iter().for_each(|p| {
            if let Part::Interp(e) = p {
                walk(e, visit)
            }
        }),
        ExprKind::List(items) => items.iter().for_each(|e| walk(e, visit)),
        ExprKind::Object(entries) => entries.iter().for_each(|(k, v)| {
            walk(k, visit);
            walk(v, visit)
        }),
        ExprKind::Call(_, args) => args.iter().for_each(|e| walk(e, visit)),
        ExprKind::Ref(steps) => steps.iter().for_each(|s| {
            if let Step::Index(e) = s {
                walk(e, visit)
            }
        }),
        ExprKind::Conditional(parts) => parts.iter().for_each(|e| walk(e, visit)),
        ExprKind::Binary(_, sides) => sides.iter().for_each(|e| walk(e, visit)),
        ExprKind::Unary(_, inner) => walk(inner, visit),
        ExprKind::For(f) => {
            walk(&f.collection, visit);
            f.key.iter().for_each(|e| walk(e, visit));
            walk(&f.value, visit);
            f.cond.iter().for_each(|e| walk(e, visit));
        }
        ExprKind::Null | ExprKind::Bool(_) | ExprKind::Num(_) | ExprKind::Dynamic => {}
    }
}

/// Every attribute of a block and its nested blocks.
pub fn all_attrs<'a>(block: &'a Block, visit: &mut dyn FnMut(&'a Attr)) {
    block.attrs.iter().for_each(&mut *visit);
    for inner in &block.blocks {
        all_attrs(inner, visit);
    }
}

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
    /// Operators, conditionals, `for` expressions: never statically resolved here.
    Dynamic,
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
    let body = hcl_edit::parser::parse_body(text).map_err(|e| ParseError {
        line: e.location().line(),
        column: e.location().column(),
        message: e.message().to_string(),
    })?;
    Ok(top_level(&body))
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
                            kind: ExprKind::Template(vec![Part::Lit(ident.as_str().to_string())]),
                            span: ident.span().unwrap_or(0..0),
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
        Expression::Conditional(_)
        | Expression::UnaryOp(_)
        | Expression::BinaryOp(_)
        | Expression::ForExpr(_) => ExprKind::Dynamic,
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

//! Evaluates attribute expressions to plain values: literals, lists, objects, string
//! templates, and references to other objects of the same spec
//! (`nfs_backup_volume.ID.claim_name`, `backup_job.ID.cronjob_name`,
//! `backup_job.ID.schedule`, `backup_job.ID.namespace`, any attribute written in the
//! referenced block). Function calls, operators and the like are not evaluated: a spec
//! states values, Terraform is there for computation.

use super::schema::Kind;
use super::source::{did_you_mean, SourceFile, SpecError};
use backstop_codegen::policy;
use hcl_edit::expr::{Expression, TraversalOperator};
use hcl_edit::structure::Block;
use hcl_edit::template::{Element, Template};
use hcl_edit::Span;
use serde_json::{Map, Number, Value};
use std::collections::HashMap;

/// Reference chains longer than this are cycles (`a.x = b.x`, `b.x = a.x`).
const MAX_DEPTH: usize = 32;

pub struct Evaluator<'a> {
    source: &'a SourceFile,
    blocks: HashMap<(&'static str, String), &'a Block>,
}

impl<'a> Evaluator<'a> {
    pub fn new(source: &'a SourceFile) -> Self {
        Evaluator {
            source,
            blocks: HashMap::new(),
        }
    }

    /// Makes a labelled block referenceable as `<block type>.<label>`.
    pub fn register(&mut self, kind: Kind, label: &str, block: &'a Block) {
        self.blocks
            .insert((kind.block_type(), label.to_string()), block);
    }

    pub fn eval(&self, expr: &Expression) -> Result<Value, SpecError> {
        self.eval_at(expr, 0)
    }

    fn error_at(&self, span_of: &impl Span, summary: impl Into<String>) -> SpecError {
        self.source
            .error(span_of.span().map_or(0, |s| s.start), summary)
    }

    fn eval_at(&self, expr: &Expression, depth: usize) -> Result<Value, SpecError> {
        if depth > MAX_DEPTH {
            return Err(self
                .error_at(expr, "these references form a cycle")
                .hint("make one of the values a literal"));
        }
        match expr {
            Expression::Null(_) => Ok(Value::Null),
            Expression::Bool(b) => Ok(Value::Bool(*b.value())),
            Expression::Number(n) => {
                let n = n.value();
                let number = n.as_u64().map(Number::from).or_else(|| n.as_i64().map(Number::from)).or_else(|| n.as_f64().and_then(Number::from_f64));
                number.map(Value::Number).ok_or_else(|| self.error_at(expr, "this number cannot be represented"))
            }
            Expression::String(s) => Ok(Value::String(s.value().clone())),
            Expression::Array(array) => array.iter().map(|item| self.eval_at(item, depth)).collect::<Result<_, _>>().map(Value::Array),
            Expression::Object(object) => {
                let mut map = Map::new();
                for (key, value) in object.iter() {
                    let key_span = key;
                    let key = match key.as_ident() {
                        Some(ident) => ident.as_str().to_string(),
                        None => match key.as_expr().map(|e| self.eval_at(e, depth)).transpose()? {
                            Some(Value::String(s)) => s,
                            _ => return Err(self.error_at(key, "an object key must be a name or a string")),
                        },
                    };
                    if map.contains_key(&key) {
                        // `data` and `"data"` are the same key: the second would silently
                        // replace the first (a mount, a label).
                        return Err(self
                            .error_at(key_span, format!("the key {key:?} appears twice in this object"))
                            .hint("keep one entry per key; give each mount its own folder name"));
                    }
                    map.insert(key, self.eval_at(value.expr(), depth)?);
                }
                Ok(Value::Object(map))
            }
            Expression::StringTemplate(template) => self.eval_template(template, expr, depth),
            Expression::HeredocTemplate(heredoc) => {
                let mut heredoc = heredoc.as_ref().clone();
                if heredoc.indent().is_some() {
                    heredoc.dedent();
                }
                self.eval_template(&heredoc.template, expr, depth)
            }
            Expression::Parenthesis(inner) => self.eval_at(inner.inner(), depth),
            Expression::Traversal(traversal) => {
                let parts = reference_parts(&traversal.expr, &traversal.operators);
                match parts.as_deref() {
                    Some([block_type, label, attribute]) => self.resolve(expr, block_type, label, attribute, depth),
                    _ => Err(self.unsupported_reference(expr)),
                }
            }
            Expression::Variable(_) => Err(self.unsupported_reference(expr)),
            _ => Err(self
                .error_at(expr, "expressions (function calls, operators, conditionals, for) are not evaluated in a spec")
                .hint("write the value itself, or a reference such as backup_job.<id>.cronjob_name")),
        }
    }

    /// The label of the job that `backup_job.ID` names, for a drill's or restore's `job`.
    pub fn job_ref(&self, expr: &Expression) -> Result<String, SpecError> {
        let parts = match expr {
            Expression::Traversal(traversal) => {
                reference_parts(&traversal.expr, &traversal.operators)
            }
            _ => None,
        };
        let block_type = Kind::Job.block_type();
        let Some([root, label]) = parts.as_deref() else {
            let hint = match expr {
                Expression::String(s) => format!("write job = {block_type}.{}", s.value()),
                _ => format!("write job = {block_type}.<id>, e.g. {block_type}.mailserver"),
            };
            return Err(self
                .error_at(expr, format!("`job` must name a {block_type} block"))
                .hint(hint));
        };
        if root != block_type {
            return Err(self
                .error_at(
                    expr,
                    format!("`job` must name a {block_type} block, not a {root}"),
                )
                .hint(format!("write job = {block_type}.<id>")));
        }
        if self.blocks.contains_key(&(block_type, label.clone())) {
            return Ok(label.clone());
        }
        let labels = self
            .blocks
            .keys()
            .filter(|(t, _)| *t == block_type)
            .map(|(_, l)| l.as_str());
        let hint = match did_you_mean(label, labels) {
            Some(close) => format!("did you mean {block_type}.{close}?"),
            None => format!("declare a {block_type} \"{label}\" block, or fix the reference"),
        };
        Err(self
            .error_at(
                expr,
                format!("there is no {block_type} \"{label}\" in this file"),
            )
            .hint(hint))
    }

    fn unsupported_reference(&self, expr: &Expression) -> SpecError {
        self.error_at(expr, "this reference is not one a spec can resolve").hint(
            "refer to another object as <block type>.<id>.<attribute>, e.g. nfs_backup_volume.mail.claim_name or backup_job.mail.cronjob_name",
        )
    }

    fn eval_template(
        &self,
        template: &Template,
        expr: &Expression,
        depth: usize,
    ) -> Result<Value, SpecError> {
        let mut text = String::new();
        for element in template.iter() {
            match element {
                Element::Literal(literal) => text.push_str(literal.value()),
                Element::Interpolation(interpolation) => {
                    match self.eval_at(&interpolation.expr, depth)? {
                        Value::String(s) => text.push_str(&s),
                        Value::Number(n) => text.push_str(&n.to_string()),
                        Value::Bool(b) => text.push_str(&b.to_string()),
                        _ => {
                            return Err(self.error_at(
                                &interpolation.expr,
                                "only strings, numbers and booleans can be interpolated",
                            ))
                        }
                    }
                }
                Element::Directive(_) => {
                    return Err(self
                        .error_at(
                            expr,
                            "template directives (%{ if }, %{ for }) are not evaluated in a spec",
                        )
                        .hint("write the text itself"))
                }
            }
        }
        Ok(Value::String(text))
    }

    fn resolve(
        &self,
        expr: &Expression,
        block_type: &str,
        label: &str,
        attribute: &str,
        depth: usize,
    ) -> Result<Value, SpecError> {
        let Some(kind) = Kind::from_block_type(block_type).filter(|k| *k != Kind::Defaults) else {
            return Err(self.unsupported_reference(expr));
        };
        let Some(block) = self.blocks.get(&(kind.block_type(), label.to_string())) else {
            let labels = self
                .blocks
                .keys()
                .filter(|(t, _)| *t == kind.block_type())
                .map(|(_, l)| l.as_str());
            let hint = match did_you_mean(label, labels) {
                Some(close) => format!("did you mean {block_type}.{close}?"),
                None => format!("declare a {block_type} \"{label}\" block, or fix the reference"),
            };
            return Err(self
                .error_at(
                    expr,
                    format!("there is no {block_type} \"{label}\" in this file"),
                )
                .hint(hint));
        };
        match (kind, attribute) {
            (Kind::Volume, "claim_name" | "volume_name") => self.name_of(block, label, depth),
            (Kind::Job, "cronjob_name") => match self.name_of(block, label, depth)? {
                Value::String(name) => Ok(Value::String(policy::cronjob_name(&name))),
                other => Ok(other),
            },
            _ if kind.attribute_type(attribute).is_some() => {
                match block.body.get_attribute(attribute) {
                    Some(attr) => self.eval_at(&attr.value, depth + 1),
                    None if attribute == "name" => Ok(Value::String(label.to_string())),
                    None => Err(self
                        .error_at(expr, format!("{block_type}.{label}.{attribute} is not set"))
                        .hint(format!(
                        "set `{attribute}` in {block_type} \"{label}\", or write the value here"
                    ))),
                }
            }
            _ => {
                let names = kind
                    .attributes()
                    .iter()
                    .map(|a| a.name)
                    .chain(kind.outputs());
                let hint = match did_you_mean(attribute, names) {
                    Some(close) => format!("did you mean {block_type}.{label}.{close}?"),
                    None => format!("{block_type} has no attribute or output `{attribute}`"),
                };
                Err(self
                    .error_at(
                        expr,
                        format!("{block_type}.{label}.{attribute} does not exist"),
                    )
                    .hint(hint))
            }
        }
    }

    /// A block's `name`, which defaults to its label.
    fn name_of(&self, block: &Block, label: &str, depth: usize) -> Result<Value, SpecError> {
        match block.body.get_attribute("name") {
            Some(attr) => self.eval_at(&attr.value, depth + 1),
            None => Ok(Value::String(label.to_string())),
        }
    }
}

/// `a.b.c` as `["a", "b", "c"]`, when the traversal is only attribute accesses on a variable.
fn reference_parts(
    root: &Expression,
    operators: &[hcl_edit::Decorated<TraversalOperator>],
) -> Option<Vec<String>> {
    let mut parts = vec![root.as_variable()?.as_str().to_string()];
    for operator in operators {
        match operator.value() {
            TraversalOperator::GetAttr(ident) => parts.push(ident.as_str().to_string()),
            _ => return None,
        }
    }
    Some(parts)
}

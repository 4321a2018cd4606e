//! HCL's operators on static values (`==`, `&&`, `+`, `!`, ...), so that `count = var.enabled
//! ? 1 : 0` and `for_each = { for ... if x.enabled }` resolve when their inputs do.

use super::eval::Val;

pub fn binary(op: &str, lhs: Val, rhs: Val) -> Val {
    let (lhs, rhs) = match (lhs, rhs) {
        (Val::Unknown(why), _) | (_, Val::Unknown(why)) => return Val::Unknown(why),
        sides => sides,
    };
    match op {
        "==" => Val::Bool(equal(&lhs, &rhs)),
        "!=" => Val::Bool(!equal(&lhs, &rhs)),
        "&&" | "||" => match (lhs.as_bool(), rhs.as_bool()) {
            (Some(a), Some(b)) => Val::Bool(if op == "&&" { a && b } else { a || b }),
            _ => Val::Unknown(format!("`{op}` of values that are not bools")),
        },
        _ => match (lhs.as_num(), rhs.as_num()) {
            (Some(a), Some(b)) => arithmetic(op, a, b),
            _ => Val::Unknown(format!("`{op}` of values that are not numbers")),
        },
    }
}

fn arithmetic(op: &str, a: f64, b: f64) -> Val {
    match op {
        "<" => Val::Bool(a < b),
        ">" => Val::Bool(a > b),
        "<=" => Val::Bool(a <= b),
        ">=" => Val::Bool(a >= b),
        "+" => Val::Num(a + b),
        "-" => Val::Num(a - b),
        "*" => Val::Num(a * b),
        "/" if b != 0.0 => Val::Num(a / b),
        "%" if b != 0.0 => Val::Num(a % b),
        _ => Val::Unknown(format!("`{op}` that fails (a division by zero)")),
    }
}

/// Terraform's `==`: values of different types are never equal (`1 == "1"` is false).
fn equal(a: &Val, b: &Val) -> bool {
    a == b
}

pub fn unary(op: &str, value: Val) -> Val {
    match (op, value) {
        (_, unknown @ Val::Unknown(_)) => unknown,
        ("!", value) => value.as_bool().map_or(
            Val::Unknown("`!` of a value that is not a bool".into()),
            |b| Val::Bool(!b),
        ),
        (_, value) => value.as_num().map_or(
            Val::Unknown("`-` of a value that is not a number".into()),
            |n| Val::Num(-n),
        ),
    }
}

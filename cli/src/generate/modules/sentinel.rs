//! Sentinels: values the rendering core renders in place of a module's inputs, and their
//! replacement by the inputs' expressions in the rendered HCL. A value that cannot be told
//! from a coincidence (a number, a reference, a bool) is replaced only where it stands as
//! a whole attribute value, and anything doubtful is an error rather than a guess.

/// A value the core renders in place of an input, and the expression that replaces it.
pub struct Sentinel<'a> {
    token: &'a str,
    expression: &'a str,
    placement: Placement,
}

/// Where a sentinel may stand in the rendered HCL.
#[derive(Clone, Copy, PartialEq)]
enum Placement {
    /// A distinctive string: a whole value, or a part of a longer string or heredoc.
    Anywhere,
    /// A number, which a coincidence could repeat inside a script: only a whole value
    /// counts, and any other occurrence is an error rather than a guess.
    WholeValue,
    /// A reference to another resource of the module: it replaces whole values only, and
    /// leaves the same text inside a longer string (a script's message naming the object)
    /// to the inputs' sentinels.
    Reference,
}

impl<'a> Sentinel<'a> {
    pub const fn anywhere(token: &'a str, expression: &'a str) -> Self {
        Sentinel {
            token,
            expression,
            placement: Placement::Anywhere,
        }
    }

    pub const fn whole_value(token: &'a str, expression: &'a str) -> Self {
        Sentinel {
            token,
            expression,
            placement: Placement::WholeValue,
        }
    }

    pub const fn reference(token: &'a str, expression: &'a str) -> Self {
        Sentinel {
            token,
            expression,
            placement: Placement::Reference,
        }
    }

    /// `= "<token>"`: the sentinel as an attribute's whole value.
    fn whole_value_text(&self) -> String {
        format!("= \"{}\"", self.token)
    }
}

pub fn number(sentinel: &str) -> Result<u32, String> {
    sentinel
        .parse()
        .map_err(|e| format!("sentinel {sentinel} is not a number: {e}"))
}

/// The HCL of a boolean input: no sentinel can stand for `true` or `false`, so the objects
/// are rendered with each value, and the lines that differ are where the input goes. Each
/// must differ in a whole value `"true"` / `"false"` (Terraform converts the bool to the
/// same string); any other difference is an error.
pub fn with_bool_input(
    when_true: &str,
    when_false: &str,
    expression: &str,
) -> Result<String, String> {
    let (true_lines, false_lines): (Vec<&str>, Vec<&str>) =
        (when_true.lines().collect(), when_false.lines().collect());
    if true_lines.len() != false_lines.len() {
        return Err(format!(
            "{expression} changes the shape of the rendered objects"
        ));
    }
    let mut out = String::with_capacity(when_true.len());
    let mut found = false;
    for (on, off) in true_lines.iter().zip(&false_lines) {
        if on == off {
            out.push_str(on);
        } else {
            let key = on
                .strip_suffix("= \"true\"")
                .filter(|key| off.strip_suffix("= \"false\"") == Some(key))
                .ok_or_else(|| {
                    format!(
                        "{expression} changes `{}`: give it its own input",
                        on.trim()
                    )
                })?;
            out.push_str(&format!("{key}= {expression}"));
            found = true;
        }
        out.push('\n');
    }
    if !found {
        return Err(format!(
            "input {expression} no longer appears in the rendered objects"
        ));
    }
    Ok(out)
}

/// `text` with `sentinel` replaced, which must appear in it (a reference, as a whole value).
pub fn replace(text: &str, sentinel: &Sentinel) -> Result<String, String> {
    let appears = match sentinel.placement {
        Placement::Reference => text.contains(&sentinel.whole_value_text()),
        Placement::Anywhere | Placement::WholeValue => text.contains(sentinel.token),
    };
    if !appears {
        return Err(format!(
            "input {} no longer appears in the rendered objects",
            sentinel.expression
        ));
    }
    substitute(text, sentinel)
}

/// An attribute whose whole value is the sentinel gets the bare expression
/// (`name = var.name`); anywhere else, inside a longer string or a heredoc, the sentinel
/// is interpolated (`"${var.name}-backup"`), or refused if it may only be a whole value.
fn substitute(text: &str, sentinel: &Sentinel) -> Result<String, String> {
    let whole_value = sentinel.whole_value_text();
    let interpolated = format!("${{{}}}", sentinel.expression);
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches('\n');
        match body.strip_suffix(&whole_value) {
            Some(key) => out.push_str(&format!("{key}= {}", sentinel.expression)),
            None if !body.contains(sentinel.token) => out.push_str(body),
            None => match sentinel.placement {
                Placement::Anywhere => out.push_str(&body.replace(sentinel.token, &interpolated)),
                Placement::Reference => out.push_str(body),
                Placement::WholeValue => {
                    return Err(format!(
                        "the value standing for {} also appears in `{}`: pick another sentinel",
                        sentinel.expression,
                        body.trim()
                    ))
                }
            },
        }
        if line.ends_with('\n') {
            out.push('\n');
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_whole_value_becomes_the_expression_and_a_part_of_a_string_or_heredoc_interpolates() {
        let sentinel = Sentinel::anywhere("sentinelapp", "var.name");
        let text = "name = \"sentinelapp\"\njob = \"sentinelapp-backup\"\n<<EOT\nJOB=\"sentinelapp\"\nEOT\n";
        assert_eq!(
            substitute(text, &sentinel).expect("substituted"),
            "name = var.name\njob = \"${var.name}-backup\"\n<<EOT\nJOB=\"${var.name}\"\nEOT\n"
        );
    }

    #[test]
    fn a_number_sentinel_is_refused_anywhere_but_a_whole_value() {
        let keep = Sentinel::whole_value("7919", "var.keep");
        assert_eq!(
            substitute("\"KEEP_DAYS\" = \"7919\"\n", &keep).expect("substituted"),
            "\"KEEP_DAYS\" = var.keep\n"
        );
        let error = substitute("\"KEEP_DAYS\" = \"7919\"\nsleep 17919\n", &keep)
            .expect_err("a number inside a script is not the input");
        assert!(
            error.contains("var.keep") && error.contains("sleep 17919"),
            "{error}"
        );
    }

    #[test]
    fn a_reference_replaces_whole_values_and_leaves_strings_to_the_inputs() {
        let reference = Sentinel::reference(
            "app-settings",
            "kubernetes_config_map_v1.s.metadata[0].name",
        );
        let text = "name = \"app-settings\"\necho 'app-settings' missing\n";
        assert_eq!(
            substitute(text, &reference).expect("substituted"),
            "name = kubernetes_config_map_v1.s.metadata[0].name\necho 'app-settings' missing\n"
        );
        let only_in_a_string = "echo 'app-settings'\n";
        assert!(replace(only_in_a_string, &reference).is_err());
    }

    #[test]
    fn a_bool_input_goes_where_the_two_renderings_differ_in_a_whole_value_only() {
        let on = "a = 1\n  \"MAKE_ROOM\" = \"true\"\n";
        let off = "a = 1\n  \"MAKE_ROOM\" = \"false\"\n";
        assert_eq!(
            with_bool_input(on, off, "var.make_room").expect("merged"),
            "a = 1\n  \"MAKE_ROOM\" = var.make_room\n"
        );
        let in_a_script = "if [ true = x ]\n";
        let error = with_bool_input(in_a_script, "if [ false = x ]\n", "var.make_room")
            .expect_err("a difference inside a script is not a whole value");
        assert!(error.contains("if [ true = x ]"), "{error}");
        assert!(with_bool_input(on, on, "var.make_room").is_err());
    }
}

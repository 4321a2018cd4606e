//! POSIX shell quoting for the values the renderers interpolate into script text.
//!
//! Validation already rejects most surprising characters, but quoting is the second line of
//! defence: a value that reaches a script is always one single-quoted word, whatever it holds.

/// Quotes `value` as one shell word: `'...'`, with each `'` written as `'\''` (close the
/// quote, an escaped quote, reopen), the only character single quotes cannot hold.
pub fn quote(value: &str) -> String {
    let mut quoted = String::with_capacity(value.len() + 2);
    quoted.push('\'');
    for c in value.chars() {
        if c == '\'' {
            quoted.push_str("'\\''");
        } else {
            quoted.push(c);
        }
    }
    quoted.push('\'');
    quoted
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn plain_words_are_wrapped_in_single_quotes() {
        assert_eq!(quote("/var/mail"), "'/var/mail'");
        assert_eq!(quote(""), "''");
    }

    #[test]
    fn single_quotes_are_closed_escaped_and_reopened() {
        assert_eq!(quote("it's"), "'it'\\''s'");
    }

    #[test]
    fn expansions_stay_literal() {
        assert_eq!(quote("$(rm -rf /) `x` ${y}"), "'$(rm -rf /) `x` ${y}'");
    }
}

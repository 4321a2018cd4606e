//! Durations as users write them (`36h`, `8d`, `1h30m`) and as alerts print them.
//!
//! The syntax is the subset of Prometheus durations that alert `for:` fields and
//! thresholds need: one or more `<whole number><unit>` parts, units `w d h m s`, each
//! unit at most once and from the largest to the smallest (`1h30m`, not `30m1h`), as
//! Prometheus itself requires.

/// Units from the largest to the smallest, with their length in seconds.
const UNITS: [(char, u64); 5] = [
    ('w', 604_800),
    ('d', 86_400),
    ('h', 3_600),
    ('m', 60),
    ('s', 1),
];

const EXAMPLES: &str = "e.g. 30s, 15m, 36h, 8d, 2w or 1h30m";

/// Parses `30s`, `15m`, `36h`, `8d`, `2w` and combinations like `1h30m` into seconds.
pub fn parse_seconds(text: &str) -> Result<u64, String> {
    if text.is_empty() {
        return Err(format!("a duration is required, {EXAMPLES}"));
    }
    let mut total: u64 = 0;
    let mut digits = String::new();
    // Index into UNITS of the last unit seen: the next one must be smaller.
    let mut last_unit: Option<usize> = None;
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let Some(unit) = UNITS.iter().position(|(u, _)| *u == c) else {
            return Err(format!(
                "{text:?} is not a duration: {c:?} is not a unit (w, d, h, m, s); {EXAMPLES}"
            ));
        };
        if digits.is_empty() {
            return Err(format!(
                "{text:?} is not a duration: a number must come before {c:?}; {EXAMPLES}"
            ));
        }
        if last_unit.is_some_and(|last| unit <= last) {
            return Err(format!(
                "{text:?} is not a duration: write each unit once, largest first ({EXAMPLES})"
            ));
        }
        let overflow = || format!("{text:?} is too long a duration");
        let count: u64 = digits.parse().map_err(|_| overflow())?;
        let part = count.checked_mul(UNITS[unit].1).ok_or_else(overflow)?;
        total = total.checked_add(part).ok_or_else(overflow)?;
        digits.clear();
        last_unit = Some(unit);
    }
    if !digits.is_empty() {
        return Err(format!("{text:?} is not a duration: the number {digits} needs a unit (w, d, h, m, s); {EXAMPLES}"));
    }
    if total == 0 {
        return Err(format!(
            "{text:?} is zero; a duration must be longer than that"
        ));
    }
    Ok(total)
}

/// The most readable exact form: `36h`, `8d`, `1h30m`, `45m`.
///
/// Days are used only for a whole number of days from two upwards, because people read
/// "36h" and "24h" faster than "1d12h" and "1d"; weeks are never used ("14d", not "2w").
/// Everything else is hours, minutes and seconds, largest first, zero parts left out.
/// Prometheus accepts every form this produces in `for:` and in durations.
pub fn format_seconds(seconds: u64) -> String {
    const DAY: u64 = 86_400;
    if seconds == 0 {
        return "0s".to_string();
    }
    if seconds.is_multiple_of(DAY) && seconds >= 2 * DAY {
        return format!("{}d", seconds / DAY);
    }
    let parts = [
        (seconds / 3600, 'h'),
        (seconds % 3600 / 60, 'm'),
        (seconds % 60, 's'),
    ];
    parts
        .iter()
        .filter(|(count, _)| *count > 0)
        .map(|(count, unit)| format!("{count}{unit}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_unit_and_combinations() {
        let cases: &[(&str, u64)] = &[
            ("30s", 30),
            ("15m", 900),
            ("36h", 129_600),
            ("8d", 691_200),
            ("2w", 1_209_600),
            ("1h30m", 5_400),
            ("1d12h", 129_600),
            ("1w2d3h4m5s", 604_800 + 2 * 86_400 + 3 * 3600 + 4 * 60 + 5),
            ("0h30m", 1_800),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_seconds(text), Ok(*expected), "{text}");
        }
    }

    #[test]
    fn rejects_what_is_not_a_positive_duration() {
        let cases: &[(&str, &str)] = &[
            ("", "required"),
            ("0s", "zero"),
            ("0h0m", "zero"),
            ("36", "needs a unit"),
            ("h", "a number must come before"),
            ("1.5h", "'.' is not a unit"),
            ("36 h", "' ' is not a unit"),
            ("-1h", "'-' is not a unit"),
            ("1y", "'y' is not a unit"),
            ("30m1h", "largest first"),
            ("1h1h", "largest first"),
            ("99999999999999999999s", "too long"),
            ("9999999999999999w", "too long"),
        ];
        for (text, expected) in cases {
            match parse_seconds(text) {
                Ok(v) => panic!("{text:?} parsed as {v}"),
                Err(e) => assert!(e.contains(expected), "{text:?}: {e}"),
            }
        }
    }

    #[test]
    fn formats_the_most_readable_exact_form() {
        let cases: &[(u64, &str)] = &[
            (129_600, "36h"),
            (691_200, "8d"),
            (5_400, "1h30m"),
            (2_700, "45m"),
            (86_400, "24h"),
            (172_800, "2d"),
            (1_209_600, "14d"),
            (90_061, "25h1m1s"),
            (59, "59s"),
            (0, "0s"),
        ];
        for (seconds, expected) in cases {
            assert_eq!(format_seconds(*seconds), *expected, "{seconds}");
        }
    }

    #[test]
    fn formatting_round_trips_through_parsing() {
        for seconds in [
            1, 59, 61, 3_599, 3_601, 86_399, 86_400, 129_600, 172_800, 691_200, 1_000_000,
        ] {
            assert_eq!(
                parse_seconds(&format_seconds(seconds)),
                Ok(seconds),
                "{seconds}"
            );
        }
    }
}

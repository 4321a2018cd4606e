//! Cron schedules: parsing (5 fields, ranges, steps, lists, month/day names, `@daily`
//! macros) and the longest gap between runs, from which alert thresholds are derived.
//!
//! The dialect is the one the Kubernetes CronJob controller runs (robfig/cron v3,
//! standard parser), so a schedule accepted here is accepted by the API server:
//! - day of week is 0-6 (0 = Sunday); `7` is rejected with a hint, because Kubernetes
//!   rejects it even though some crons accept it;
//! - names (`JAN`, `mon`) are case-insensitive; `N/step` means `N-max/step`;
//! - `?` is a synonym of `*` in the day fields;
//! - day of month and day of week are OR-ed when both are restricted, and a field counts
//!   as unrestricted only when it is a bare `*` or `?` (so `*/2` restricts, as in Kubernetes);
//! - `@every` and `TZ=` prefixes are rejected with a hint (use `time_zone` for zones).

/// A parsed schedule: the set of minutes, hours, days of month, months and weekdays it fires on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    pub source: String,
    minutes: u64,
    hours: u64,
    days_of_month: u64,
    months: u64,
    days_of_week: u64,
    day_of_month_restricted: bool,
    day_of_week_restricted: bool,
}

/// One of the five fields: its name in error messages, bounds and symbolic names.
struct Field {
    name: &'static str,
    min: u32,
    max: u32,
    names: &'static [&'static str],
    /// Whether `?` may stand for `*`.
    allows_question_mark: bool,
}

const MINUTE: Field = Field {
    name: "minute",
    min: 0,
    max: 59,
    names: &[],
    allows_question_mark: false,
};
const HOUR: Field = Field {
    name: "hour",
    min: 0,
    max: 23,
    names: &[],
    allows_question_mark: false,
};
const DAY_OF_MONTH: Field = Field {
    name: "day-of-month",
    min: 1,
    max: 31,
    names: &[],
    allows_question_mark: true,
};
const MONTH: Field = Field {
    name: "month",
    min: 1,
    max: 12,
    names: &[
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ],
    allows_question_mark: false,
};
const DAY_OF_WEEK: Field = Field {
    name: "day-of-week",
    min: 0,
    max: 6,
    names: &["sun", "mon", "tue", "wed", "thu", "fri", "sat"],
    allows_question_mark: true,
};

/// A parsed field: the bit set of values and whether it was a bare wildcard.
struct FieldValues {
    bits: u64,
    wildcard: bool,
}

impl Field {
    fn parse(&self, text: &str) -> Result<FieldValues, String> {
        let mut bits = 0u64;
        let mut wildcard = false;
        for part in text.split(',') {
            bits |= self.parse_part(part)?;
            wildcard |= self.is_wildcard(part);
        }
        Ok(FieldValues { bits, wildcard })
    }

    /// As in Kubernetes' parser, a list element `*` or `?` (alone or with step 1) marks
    /// the whole field unrestricted; any other step restricts it.
    fn is_wildcard(&self, part: &str) -> bool {
        let range = part.strip_suffix("/1").unwrap_or(part);
        range == "*" || (self.allows_question_mark && range == "?")
    }

    /// One list element: `*`, `N`, `A-B`, each optionally followed by `/STEP`.
    fn parse_part(&self, part: &str) -> Result<u64, String> {
        if part.is_empty() {
            return Err(format!(
                "{} field: empty list element; remove the extra comma",
                self.name
            ));
        }
        let (range, step) = match part.split_once('/') {
            Some((range, step)) => (range, Some(self.parse_step(step)?)),
            None => (part, None),
        };
        let (start, end) = if range == "*" || (self.allows_question_mark && range == "?") {
            (self.min, self.max)
        } else if let Some((low, high)) = range.split_once('-') {
            let (low, high) = (self.parse_value(low)?, self.parse_value(high)?);
            if low > high {
                return Err(format!(
                    "{} field: range {range} runs backwards; write the smaller value first",
                    self.name
                ));
            }
            (low, high)
        } else {
            let value = self.parse_value(range)?;
            // `N/step` is `N-max/step`; a bare `N` is just N.
            (value, if step.is_some() { self.max } else { value })
        };
        let step = step.unwrap_or(1);
        Ok((start..=end)
            .step_by(step as usize)
            .fold(0u64, |bits, v| bits | (1 << v)))
    }

    fn parse_step(&self, text: &str) -> Result<u32, String> {
        match text.parse::<u32>() {
            Ok(step) if step >= 1 && step <= self.max => Ok(step),
            _ => Err(format!(
                "{} field: step {text:?} must be a whole number from 1 to {}",
                self.name, self.max
            )),
        }
    }

    fn parse_value(&self, text: &str) -> Result<u32, String> {
        let lower = text.to_ascii_lowercase();
        if let Some(index) = self.names.iter().position(|n| *n == lower) {
            return Ok(index as u32 + self.min);
        }
        let value = text.parse::<u32>().map_err(|_| self.not_a_value(text))?;
        if self.name == DAY_OF_WEEK.name && value == 7 {
            return Err("day-of-week field: 7 is out of range 0-6; Kubernetes does not accept 7 for Sunday, write 0 or SUN".to_string());
        }
        if value < self.min || value > self.max {
            return Err(format!(
                "{} field: {value} is out of range {}-{}",
                self.name, self.min, self.max
            ));
        }
        Ok(value)
    }

    fn not_a_value(&self, text: &str) -> String {
        let names = match self.names.first().zip(self.names.last()) {
            Some((first, last)) => format!(
                " or a name {}-{}",
                first.to_uppercase(),
                last.to_uppercase()
            ),
            None => String::new(),
        };
        format!(
            "{} field: {text:?} is not a number {}-{}{names}",
            self.name, self.min, self.max
        )
    }
}

/// The macros and the 5-field schedules they stand for.
const MACROS: [(&str, &str); 7] = [
    ("@yearly", "0 0 1 1 *"),
    ("@annually", "0 0 1 1 *"),
    ("@monthly", "0 0 1 * *"),
    ("@weekly", "0 0 * * 0"),
    ("@daily", "0 0 * * *"),
    ("@midnight", "0 0 * * *"),
    ("@hourly", "0 * * * *"),
];

impl Schedule {
    /// Parses a schedule; the error says what is wrong in words a user can act on.
    pub fn parse(text: &str) -> Result<Schedule, String> {
        let trimmed = text.trim();
        if trimmed.starts_with("TZ=") || trimmed.starts_with("CRON_TZ=") {
            return Err("a time zone prefix is not allowed in the schedule (Kubernetes rejects it); set `time_zone` instead".to_string());
        }
        let expanded = if trimmed.starts_with('@') {
            Self::expand_macro(trimmed)?
        } else {
            trimmed
        };
        let fields: Vec<&str> = expanded.split_whitespace().collect();
        let [minute, hour, dom, month, dow] = fields[..] else {
            return Err(format!(
                "expected 5 fields (minute hour day-of-month month day-of-week), found {}; e.g. \"0 3 * * *\" for daily at 03:00",
                fields.len()
            ));
        };
        let dom = DAY_OF_MONTH.parse(dom)?;
        let dow = DAY_OF_WEEK.parse(dow)?;
        let schedule = Schedule {
            source: text.to_string(),
            minutes: MINUTE.parse(minute)?.bits,
            hours: HOUR.parse(hour)?.bits,
            days_of_month: dom.bits,
            months: MONTH.parse(month)?.bits,
            days_of_week: dow.bits,
            day_of_month_restricted: !dom.wildcard,
            day_of_week_restricted: !dow.wildcard,
        };
        if schedule.first_matching_day().is_none() {
            return Err(format!(
                "the schedule {text:?} never runs: no month has the day of month it names; pick a day that exists"
            ));
        }
        Ok(schedule)
    }

    fn expand_macro(text: &str) -> Result<&'static str, String> {
        if text.starts_with("@every") {
            return Err("@every is not a cron schedule Backstop accepts; write the interval as 5 fields, e.g. \"0 */6 * * *\" for every 6 hours".to_string());
        }
        MACROS
            .iter()
            .find(|(name, _)| *name == text)
            .map(|(_, fields)| *fields)
            .ok_or_else(|| {
                let names: Vec<&str> = MACROS.iter().map(|(name, _)| *name).collect();
                format!("unknown macro {text:?}; use one of {}", names.join(", "))
            })
    }

    /// Whether the schedule fires on a calendar day (month 1-12, day 1-31, weekday 0-6).
    fn runs_on(&self, month: u32, day: u32, weekday: u32) -> bool {
        if self.months & (1 << month) == 0 {
            return false;
        }
        let dom = self.days_of_month & (1 << day) != 0;
        let dow = self.days_of_week & (1 << weekday) != 0;
        if self.day_of_month_restricted && self.day_of_week_restricted {
            dom || dow
        } else {
            dom && dow
        }
    }

    /// Days after which the set of matching days repeats: a week when only the weekday
    /// matters (every month, day of month a bare wildcard), else the Gregorian cycle.
    fn cycle_days(&self) -> u64 {
        const EVERY_MONTH: u64 = 0b1_1111_1111_1110;
        if self.months == EVERY_MONTH && !self.day_of_month_restricted {
            7
        } else {
            CalendarCycle::FULL
        }
    }

    fn first_matching_day(&self) -> Option<u32> {
        CalendarCycle::new(self.cycle_days())
            .position(|day| self.runs_on(day.month, day.day, day.weekday))
            .map(|i| i as u32)
    }

    /// Whether some minute of some calendar day starts both schedules: two NFS writers
    /// that compete for the same slot. Schedules are compared as written (time zones aside).
    pub fn shares_a_start_with(&self, other: &Schedule) -> bool {
        let months = self.months & other.months;
        self.minutes & other.minutes != 0
            && self.hours & other.hours != 0
            && (1..=12u32).filter(|m| months & (1 << m) != 0).any(|month| {
                // 2000 is a leap year: every day a month can have, 29 February included.
                (1..=CalendarCycle::days_in_month(2000, month)).any(|day| {
                    (0..7).any(|weekday| {
                        self.runs_on(month, day, weekday) && other.runs_on(month, day, weekday)
                    })
                })
            })
    }

    /// The earliest start of a day it runs on, in minutes after midnight.
    pub fn first_start_minute_of_day(&self) -> u32 {
        self.hours.trailing_zeros() * 60 + self.minutes.trailing_zeros()
    }

    /// The longest time between two consecutive runs, in seconds.
    ///
    /// Every matching day fires at the same times of day, so the answer is the larger of
    /// the longest gap inside a day and the longest gap between the last run of one
    /// matching day and the first run of the next. Walking the 400-year Gregorian cycle
    /// (146,097 days, a whole number of weeks) once covers every calendar the schedule can
    /// meet, leap days included; the walk wraps around to the cycle's first matching day.
    /// A schedule that depends on the weekday alone repeats every week, so one week is
    /// walked instead (microseconds rather than half a millisecond).
    ///
    /// Times are wall-clock times: a daylight-saving shift in `time_zone` can stretch one
    /// gap by an hour, which the stale threshold's grace (at least 12 h) absorbs.
    pub fn longest_gap_seconds(&self) -> u64 {
        let times = self.minutes_of_day();
        let (Some(&first), Some(&last)) = (times.first(), times.last()) else {
            return 0;
        };
        let within_day = times.windows(2).map(|w| w[1] - w[0]).max().unwrap_or(0);
        let longest_day_gap = self.day_gaps().map_or(0, |(_, longest)| longest);
        // `last - first` is under a day and a matching day exists (`parse` checks), so this
        // never goes below zero; saturating keeps it so for any future caller.
        let across_days = (longest_day_gap * MINUTES_PER_DAY + first).saturating_sub(last);
        within_day.max(across_days) * 60
    }

    /// The shortest and the longest gap, in days, between consecutive matching days of the
    /// calendar cycle, the wrap from its last matching day to the next cycle's first
    /// included; `None` when no day matches (`parse` refuses such a schedule).
    fn day_gaps(&self) -> Option<(u64, u64)> {
        let cycle_days = self.cycle_days();
        let mut matching = CalendarCycle::new(cycle_days)
            .enumerate()
            .filter(|(_, day)| self.runs_on(day.month, day.day, day.weekday))
            .map(|(index, _)| index as u64);
        let first = matching.next()?;
        let (mut shortest, mut longest, mut previous) = (u64::MAX, 0, first);
        for day in matching {
            shortest = shortest.min(day - previous);
            longest = longest.max(day - previous);
            previous = day;
        }
        let wrap = first + cycle_days - previous;
        Some((shortest.min(wrap), longest.max(wrap)))
    }

    /// The shortest time between two consecutive runs, in seconds: the smaller of the
    /// shortest gap inside a day and the shortest gap from one matching day's last run to
    /// the next matching day's first (walked as in `longest_gap_seconds`).
    pub fn shortest_gap_seconds(&self) -> u64 {
        let times = self.minutes_of_day();
        let (Some(&first), Some(&last)) = (times.first(), times.last()) else {
            return 0;
        };
        let within_day = times.windows(2).map(|w| w[1] - w[0]).min();
        let Some((shortest_day_gap, _)) = self.day_gaps() else {
            return 0;
        };
        let across_days = (shortest_day_gap * MINUTES_PER_DAY + first).saturating_sub(last);
        within_day.map_or(across_days, |w| w.min(across_days)) * 60
    }

    /// Minutes after midnight at which a matching day fires, ascending.
    fn minutes_of_day(&self) -> Vec<u64> {
        let mut times = Vec::new();
        for hour in (0..24).filter(|h| self.hours & (1 << h) != 0) {
            for minute in (0..60).filter(|m| self.minutes & (1 << m) != 0) {
                times.push(hour * 60 + minute);
            }
        }
        times
    }
}

const MINUTES_PER_DAY: u64 = 1440;

/// One calendar day of the walk.
struct CalendarDay {
    month: u32,
    day: u32,
    weekday: u32,
}

/// Consecutive days from Saturday 2000-01-01: `FULL` of them make the 400-year Gregorian
/// cycle, after which dates and weekdays repeat.
struct CalendarCycle {
    remaining: u64,
    year: u32,
    month: u32,
    day: u32,
    weekday: u32,
}

impl CalendarCycle {
    const FULL: u64 = 146_097;

    fn new(days: u64) -> Self {
        CalendarCycle {
            remaining: days,
            year: 2000,
            month: 1,
            day: 1,
            weekday: 6,
        }
    }

    fn days_in_month(year: u32, month: u32) -> u32 {
        match month {
            2 if (year.is_multiple_of(4) && !year.is_multiple_of(100))
                || year.is_multiple_of(400) =>
            {
                29
            }
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        }
    }
}

impl Iterator for CalendarCycle {
    type Item = CalendarDay;

    fn next(&mut self) -> Option<CalendarDay> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        let today = CalendarDay {
            month: self.month,
            day: self.day,
            weekday: self.weekday,
        };
        self.weekday = (self.weekday + 1) % 7;
        self.day += 1;
        if self.day > Self::days_in_month(self.year, self.month) {
            self.day = 1;
            self.month += 1;
            if self.month > 12 {
                self.month = 1;
                self.year += 1;
            }
        }
        Some(today)
    }
}

/// The Stale threshold for a schedule, in seconds: the longest gap plus a grace of half
/// that gap capped at one day, and never under 24 h (daily -> 36 h, every 6 h -> 24 h,
/// weekly -> 8 d).
pub fn stale_threshold_seconds(schedule: &Schedule) -> u64 {
    let gap = schedule.longest_gap_seconds();
    (gap + (gap / 2).min(86_400)).max(86_400)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR_S: u64 = 3600;
    const DAY_S: u64 = 86_400;

    fn collide(a: &str, b: &str) -> bool {
        let parse = |text| Schedule::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        parse(a).shares_a_start_with(&parse(b))
    }

    #[test]
    fn shortest_gaps() {
        let gap = |text| Schedule::parse(text).unwrap().shortest_gap_seconds();
        assert_eq!(gap("0 3 * * *"), DAY_S);
        assert_eq!(gap("0 */6 * * *"), 6 * HOUR_S);
        assert_eq!(gap("0 1,3 * * *"), 2 * HOUR_S);
        assert_eq!(gap("0 23 * * *"), DAY_S);
        assert_eq!(gap("30 23 * * 1,2"), DAY_S);
        assert_eq!(gap("0 3 * * 0"), 7 * DAY_S);
        // The 31st and the 1st of the next month: one day apart.
        assert_eq!(gap("0 3 1,31 * *"), DAY_S);
        assert_eq!(gap("*/5 * * * *"), 300);
    }

    #[test]
    fn schedules_starting_in_the_same_minute_on_some_day_collide() {
        assert!(collide("0 3 * * *", "0 3 * * 0"));
        assert!(collide("*/20 * * * *", "40 3 * * *"));
        assert!(collide("@daily", "0 0 * * SUN"));
        // Both day fields restricted: either matching is enough (the 1st is some Monday).
        assert!(collide("0 1 1 * MON", "0 1 * * 1"));
    }

    #[test]
    fn different_minutes_or_disjoint_days_do_not_collide() {
        assert!(!collide("0 3 * * *", "10 3 * * *"));
        assert!(!collide("0 1 * * 0", "0 1 * * 1"));
        assert!(!collide("*/20 * * * *", "10 3 * * *"));
        // Both name the 31st, but the only shared month, February, has no 31st.
        assert!(!collide("0 0 31 1,2 *", "0 0 31 2,3 *"));
    }

    fn gap(text: &str) -> u64 {
        match Schedule::parse(text) {
            Ok(s) => s.longest_gap_seconds(),
            Err(e) => panic!("{text}: {e}"),
        }
    }

    fn error(text: &str) -> String {
        match Schedule::parse(text) {
            Ok(_) => panic!("{text} should be rejected"),
            Err(e) => e,
        }
    }

    fn threshold(text: &str) -> u64 {
        match Schedule::parse(text) {
            Ok(s) => stale_threshold_seconds(&s),
            Err(e) => panic!("{text}: {e}"),
        }
    }

    #[test]
    fn longest_gaps_of_common_schedules() {
        let cases: &[(&str, u64)] = &[
            ("0 3 * * *", DAY_S),
            ("@daily", DAY_S),
            ("0 */6 * * *", 6 * HOUR_S),
            ("*/20 * * * *", 20 * 60),
            ("* * * * *", 60),
            ("0 1 * * 0", 7 * DAY_S),
            ("@weekly", 7 * DAY_S),
            ("@hourly", HOUR_S),
            // Runs at 00:00 and 22:00: the night gap is 2 h, the day gap 22 h.
            ("0 0,22 * * *", 22 * HOUR_S),
            // Weekdays only: Friday 03:00 to Monday 03:00.
            ("0 3 * * MON-FRI", 3 * DAY_S),
            // 31st: from Aug 31 to Oct 31 is 61 days (no 31st in September).
            ("0 0 31 * *", 61 * DAY_S),
            // Leap day only: 2096-02-29 to 2104-02-29 is eight years.
            ("0 0 29 2 *", (8 * 365 + 1) * DAY_S),
            ("@yearly", 366 * DAY_S),
            ("@monthly", 31 * DAY_S),
            // Steps from an offset: 5,20,35,50 then 05 of the next hour; 1,3,5,7,9 then 01.
            ("5/15 * * * *", 15 * 60),
            ("1-10/2 * * * *", 52 * 60),
        ];
        for (text, expected) in cases {
            assert_eq!(gap(text), *expected, "{text}");
        }
    }

    #[test]
    fn both_day_fields_restricted_means_either_day() {
        // The 1st of the month OR any Monday: never more than 7 days apart.
        assert_eq!(gap("0 0 1 * 1"), 7 * DAY_S);
        // With day-of-week a bare `*`, only the 1st counts.
        assert_eq!(gap("0 0 1 * *"), 31 * DAY_S);
    }

    #[test]
    fn a_star_with_step_one_or_in_a_list_leaves_the_field_unrestricted() {
        // Day of month unrestricted, so only Mondays run: 7 days apart.
        assert_eq!(gap("0 0 */1 * 1"), 7 * DAY_S);
        assert_eq!(gap("0 0 *,5 * 1"), 7 * DAY_S);
    }

    #[test]
    fn stepped_day_of_month_counts_as_restricted() {
        // `*/15` (1, 16, 31) OR Sunday: at most 7 days apart. Were `*/15` treated as a
        // wildcard, only Sundays falling on the 1st, 16th or 31st would run.
        assert_eq!(gap("0 0 */15 * 0"), 7 * DAY_S);
    }

    #[test]
    fn names_are_case_insensitive_and_mean_their_numbers() {
        assert_eq!(
            Schedule::parse("0 0 * jan,Feb sun").map(|s| s.months),
            Ok(0b110)
        );
        assert_eq!(
            Schedule::parse("0 0 * * Sat").map(|s| s.days_of_week),
            Ok(1 << 6)
        );
    }

    #[test]
    fn stale_thresholds_documented_examples() {
        assert_eq!(threshold("0 3 * * *"), 36 * HOUR_S);
        assert_eq!(threshold("0 */6 * * *"), 24 * HOUR_S);
        assert_eq!(threshold("0 1 * * 0"), 8 * DAY_S);
    }

    #[test]
    fn stale_thresholds_odd_schedules() {
        // Every 20 minutes: never under a day.
        assert_eq!(threshold("*/20 * * * *"), DAY_S);
        // Every 2 days at most (1,3,5..31 then 1): gap up to 2 days, +1 day grace.
        assert_eq!(threshold("0 0 */2 * *"), 3 * DAY_S);
        // Monthly: 31 days + 1 day grace.
        assert_eq!(threshold("@monthly"), 32 * DAY_S);
        // 12 h gap: 12 h + 6 h = 18 h, raised to the 24 h floor.
        assert_eq!(threshold("0 0,12 * * *"), DAY_S);
    }

    #[test]
    fn errors_name_the_field_and_value() {
        let cases: &[(&str, &str)] = &[
            ("61 * * * *", "minute field: 61 is out of range 0-59"),
            ("0 24 * * *", "hour field: 24 is out of range 0-23"),
            ("0 0 0 * *", "day-of-month field: 0 is out of range 1-31"),
            ("0 0 * 13 *", "month field: 13 is out of range 1-12"),
            ("0 0 * * 7", "day-of-week field: 7 is out of range 0-6"),
            (
                "0 0 * FOO *",
                "month field: \"FOO\" is not a number 1-12 or a name JAN-DEC",
            ),
            ("x 0 * * *", "minute field: \"x\" is not a number 0-59"),
            ("*/0 * * * *", "minute field: step \"0\""),
            ("10-5 * * * *", "minute field: range 10-5 runs backwards"),
            ("1,,2 * * * *", "minute field: empty list element"),
            ("? * * * *", "minute field: \"?\""),
            ("0 0 * *", "expected 5 fields"),
            ("0 0 * * * *", "expected 5 fields"),
            ("", "expected 5 fields"),
            ("@every 1h", "@every is not a cron schedule"),
            ("@fortnightly", "unknown macro"),
            ("TZ=UTC 0 3 * * *", "set `time_zone` instead"),
            ("0 0 30 2 *", "never runs"),
        ];
        for (text, expected) in cases {
            let message = error(text);
            assert!(message.contains(expected), "{text}: {message}");
        }
    }

    #[test]
    fn weekday_only_schedules_walk_one_week_and_agree_with_the_full_cycle() {
        for text in [
            "0 3 * * *",
            "0 1 * * 0",
            "0 3 * * MON-FRI",
            "30 2 * * 1,4",
            "0 */6 * * *",
        ] {
            let s = Schedule::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(s.cycle_days(), 7, "{text}");
            assert_eq!(s.longest_gap_seconds(), full_cycle_gap(&s), "{text}");
        }
        let calendar = Schedule::parse("0 0 1 * *").map(|s| s.cycle_days());
        assert_eq!(calendar, Ok(CalendarCycle::FULL));
    }

    /// The gap walked over the whole 400-year cycle, whatever the schedule.
    fn full_cycle_gap(s: &Schedule) -> u64 {
        let mut days = Vec::new();
        for (i, d) in CalendarCycle::new(CalendarCycle::FULL).enumerate() {
            if s.runs_on(d.month, d.day, d.weekday) {
                days.push(i as u64);
            }
        }
        let times = s.minutes_of_day();
        let (first, last) = (times[0], times[times.len() - 1]);
        let within = times.windows(2).map(|w| w[1] - w[0]).max().unwrap_or(0);
        let mut longest = days.windows(2).map(|w| w[1] - w[0]).max().unwrap_or(0);
        longest = longest.max(days[0] + CalendarCycle::FULL - days[days.len() - 1]);
        within.max(longest * MINUTES_PER_DAY + first - last) * 60
    }

    #[test]
    fn question_mark_is_a_wildcard_in_day_fields() {
        assert_eq!(gap("0 3 ? * *"), DAY_S);
        assert_eq!(gap("0 3 * * ?"), DAY_S);
    }
}

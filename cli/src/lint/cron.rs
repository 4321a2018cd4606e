//! When a cron schedule fires, as sets of minutes, hours, days and months: enough to tell
//! whether two schedules ever start in the same minute (BS009) and to pick a free slot
//! (`generate backup`). Time zones are not modelled: schedules are compared as written.

#[derive(Debug, Clone, PartialEq)]
pub struct Slots {
    minutes: u64,
    hours: u32,
    days_of_month: u32,
    months: u16,
    weekdays: u8,
    any_day_of_month: bool,
    any_weekday: bool,
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const WEEKDAYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

impl Slots {
    /// `None` when the schedule is not a 5-field cron expression or macro we understand.
    pub fn parse(schedule: &str) -> Option<Slots> {
        let schedule = schedule.trim();
        let schedule = match schedule {
            "@yearly" | "@annually" => "0 0 1 1 *",
            "@monthly" => "0 0 1 * *",
            "@weekly" => "0 0 * * 0",
            "@daily" | "@midnight" => "0 0 * * *",
            "@hourly" => "0 * * * *",
            other => other,
        };
        let fields: Vec<&str> = schedule.split_whitespace().collect();
        let [minute, hour, dom, month, dow] = fields.as_slice() else {
            return None;
        };
        let weekdays = field(dow, 0, 7, &WEEKDAYS)?;
        Some(Slots {
            minutes: field(minute, 0, 59, &[])?,
            hours: field(hour, 0, 23, &[])? as u32,
            days_of_month: field(dom, 1, 31, &[])? as u32,
            months: (field(month, 1, 12, &MONTHS)? >> 1) as u16,
            // Day 7 is Sunday again.
            weekdays: ((weekdays | (weekdays >> 7)) & 0x7f) as u8,
            any_day_of_month: dom.starts_with('*'),
            any_weekday: dow.starts_with('*'),
        })
    }

    /// Cron's day rule: when both day fields are restricted, either may match.
    fn fires_on(&self, day_of_month: u32, weekday: u32) -> bool {
        let dom = self.days_of_month & (1 << day_of_month) != 0;
        let dow = self.weekdays & (1 << weekday) != 0;
        match (self.any_day_of_month, self.any_weekday) {
            (true, true) => true,
            (true, false) => dow,
            (false, true) => dom,
            (false, false) => dom || dow,
        }
    }

    /// True when some minute of some day starts both schedules.
    pub fn collides(&self, other: &Slots) -> bool {
        self.minutes & other.minutes != 0
            && self.hours & other.hours != 0
            && self.months & other.months != 0
            && (1..=31).any(|d| (0..7).any(|w| self.fires_on(d, w) && other.fires_on(d, w)))
    }
}

/// A bit set of the values a field allows, bit n for value n.
fn field(text: &str, min: u32, max: u32, names: &[&str]) -> Option<u64> {
    let mut bits = 0u64;
    for item in text.split(',') {
        let (range, step) = match item.split_once('/') {
            Some((range, step)) => (range, step.parse::<u32>().ok().filter(|s| *s > 0)?),
            None => (item, 1),
        };
        let (start, end) = if range == "*" {
            (min, max)
        } else if let Some((a, b)) = range.split_once('-') {
            (value(a, min, names)?, value(b, min, names)?)
        } else {
            let v = value(range, min, names)?;
            (v, if item.contains('/') { max } else { v })
        };
        if start < min || end > max || start > end {
            return None;
        }
        bits |= (start..=end)
            .step_by(step as usize)
            .fold(0u64, |acc, v| acc | (1 << v));
    }
    Some(bits)
}

fn value(text: &str, min: u32, names: &[&str]) -> Option<u32> {
    let lower = text.to_ascii_lowercase();
    match names.iter().position(|n| *n == lower) {
        Some(index) => Some(index as u32 + min),
        None => text.parse().ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::Slots;

    fn collide(a: &str, b: &str) -> bool {
        Slots::parse(a)
            .zip(Slots::parse(b))
            .is_some_and(|(a, b)| a.collides(&b))
    }

    #[test]
    fn same_minute_on_some_day_collides() {
        assert!(collide("0 3 * * *", "0 3 * * 0"));
        assert!(collide("*/20 * * * *", "40 3 * * *"));
        assert!(collide("@daily", "0 0 * * 7"));
    }

    #[test]
    fn different_minutes_or_disjoint_days_do_not_collide() {
        assert!(!collide("0 3 * * *", "10 3 * * *"));
        assert!(!collide("0 1 * * 0", "0 1 * * 1"));
        assert!(!collide("*/20 * * * *", "10 3 * * *"));
    }

    #[test]
    fn malformed_schedules_are_not_parsed() {
        for bad in [
            "",
            "61 * * * *",
            "* * *",
            "*/0 * * * *",
            "a b c d e",
            "5-1 * * * *",
        ] {
            assert!(Slots::parse(bad).is_none(), "{bad}");
        }
    }
}

//! Cron schedules: parsing (5 fields, ranges, steps, lists, month/day names, `@daily`
//! macros) and the longest gap between runs, from which alert thresholds are derived.
//! OWNER: validation helper. The signatures below are the contract; bodies are placeholders.

/// A parsed schedule: the set of minutes, hours, days of month, months and weekdays it fires on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    pub source: String,
}

impl Schedule {
    /// Parses a schedule; the error says what is wrong in words a user can act on.
    pub fn parse(text: &str) -> Result<Schedule, String> {
        Ok(Schedule { source: text.to_string() })
    }

    /// The longest time between two consecutive runs, in seconds.
    pub fn longest_gap_seconds(&self) -> u64 {
        86_400
    }
}

/// The Stale threshold for a schedule, in seconds: the longest gap plus a grace of half
/// that gap capped at one day, and never under 24 h (daily -> 36 h, every 6 h -> 24 h,
/// weekly -> 8 d).
pub fn stale_threshold_seconds(schedule: &Schedule) -> u64 {
    let gap = schedule.longest_gap_seconds();
    (gap + (gap / 2).min(86_400)).max(86_400)
}

//! Durations as users write them (`36h`, `8d`, `1h30m`) and as alerts print them.
//! OWNER: validation helper. The signatures below are the contract; bodies are placeholders.

/// Parses `30s`, `15m`, `36h`, `8d`, `2w` and combinations like `1h30m` into seconds.
pub fn parse_seconds(text: &str) -> Result<u64, String> {
    text.trim_end_matches('h').parse::<u64>().map(|h| h * 3600).map_err(|e| e.to_string())
}

/// The most readable exact form: `36h`, `8d`, `1h30m`, `45m`.
pub fn format_seconds(seconds: u64) -> String {
    format!("{}h", seconds / 3600)
}

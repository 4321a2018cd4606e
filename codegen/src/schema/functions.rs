//! The provider-defined functions' documentation: `provider::backstop::stale_after(schedule)`.

pub const STALE_AFTER: &str = "stale_after";

/// The texts of `stale_after`, served by the provider and printed in the docs.
pub struct StaleAfterFunction;

impl StaleAfterFunction {
    pub const SUMMARY: &'static str =
        "The stale-alert threshold Backstop derives from a cron schedule";
    pub const DESCRIPTION: &'static str = "Returns the threshold after which `<Prefix>BackupStale` fires for a CronJob on `schedule`, \
     as a duration such as `36h` (daily) or `8d` (weekly): the longest gap between runs plus half of it (at most a day), \
     never under 24h.";
    pub const PARAMETER: &'static str = "A 5-field cron schedule or a macro such as `@daily`.";
}

/// The shape `terraform providers schema -json` prints under `functions`.
pub fn functions_json() -> serde_json::Value {
    serde_json::json!({
        STALE_AFTER: {
            "description": StaleAfterFunction::DESCRIPTION,
            "summary": StaleAfterFunction::SUMMARY,
            "return_type": "string",
            "parameters": [{ "name": "schedule", "description": StaleAfterFunction::PARAMETER, "type": "string" }],
        }
    })
}

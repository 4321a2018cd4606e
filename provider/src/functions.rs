//! Provider-defined functions: `provider::backstop::stale_after(schedule)`.

use backstop_codegen::{duration, schedule};

use crate::dynamic::Type;
use crate::proto::tfplugin6 as pb;

pub const STALE_AFTER: &str = "stale_after";
const SUMMARY: &str = "The stale-alert threshold Backstop derives from a cron schedule";
const DESCRIPTION: &str = "Returns the threshold after which `<Prefix>BackupStale` fires for a CronJob on `schedule`, \
     as a duration such as `36h` (daily) or `8d` (weekly): the longest gap between runs plus half of it (at most a day), \
     never under 24h.";
const PARAMETER: &str = "A 5-field cron schedule or a macro such as `@daily`.";

/// The threshold for `schedule`, or an error saying what is wrong with it.
pub fn stale_after(schedule_text: &str) -> Result<String, String> {
    let parsed = schedule::Schedule::parse(schedule_text)
        .map_err(|e| format!("schedule {schedule_text:?}: {e}"))?;
    Ok(duration::format_seconds(schedule::stale_threshold_seconds(
        &parsed,
    )))
}

pub fn definitions() -> std::collections::HashMap<String, pb::Function> {
    let function = pb::Function {
        parameters: vec![pb::function::Parameter {
            name: "schedule".to_string(),
            r#type: Type::String.to_json().to_string().into_bytes(),
            allow_null_value: false,
            allow_unknown_values: false,
            description: PARAMETER.to_string(),
            description_kind: pb::StringKind::Markdown as i32,
        }],
        variadic_parameter: None,
        r#return: Some(pb::function::Return {
            r#type: Type::String.to_json().to_string().into_bytes(),
        }),
        summary: SUMMARY.to_string(),
        description: DESCRIPTION.to_string(),
        description_kind: pb::StringKind::Markdown as i32,
        deprecation_message: String::new(),
    };
    std::collections::HashMap::from([(STALE_AFTER.to_string(), function)])
}

/// The shape `terraform providers schema -json` prints under `functions`.
pub fn definitions_json() -> serde_json::Value {
    serde_json::json!({
        STALE_AFTER: {
            "description": DESCRIPTION,
            "summary": SUMMARY,
            "return_type": "string",
            "parameters": [{ "name": "schedule", "description": PARAMETER, "type": "string" }],
        }
    })
}

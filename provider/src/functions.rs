//! Provider-defined functions: `provider::backstop::stale_after(schedule)`.

use backstop_codegen::schema::StaleAfterFunction as Texts;
pub use backstop_codegen::schema::STALE_AFTER;
use backstop_codegen::{duration, schedule};

use crate::dynamic::Type;
use crate::proto::tfplugin6 as pb;

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
            description: Texts::PARAMETER.to_string(),
            description_kind: pb::StringKind::Markdown as i32,
        }],
        variadic_parameter: None,
        r#return: Some(pb::function::Return {
            r#type: Type::String.to_json().to_string().into_bytes(),
        }),
        summary: Texts::SUMMARY.to_string(),
        description: Texts::DESCRIPTION.to_string(),
        description_kind: pb::StringKind::Markdown as i32,
        deprecation_message: String::new(),
    };
    std::collections::HashMap::from([(STALE_AFTER.to_string(), function)])
}

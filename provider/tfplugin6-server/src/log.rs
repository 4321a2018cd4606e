//! Logging to stderr in the `[LEVEL] message` form go-plugin parses, at the level of
//! `TF_LOG_PROVIDER` or `TF_LOG` (which Terraform passes on). Users never see these
//! lines unless they ask, so every error a user must act on is a diagnostic instead.
//! Each line names the provider (`set_name`), so a trace of several plugins stays readable.

use std::io::Write;
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Trace,
    Debug,
    Info,
    Warn,
    Error,
    Off,
}

impl Level {
    fn parse(text: &str) -> Level {
        match text.trim().to_ascii_uppercase().as_str() {
            "TRACE" | "JSON" => Level::Trace,
            "DEBUG" => Level::Debug,
            "INFO" => Level::Info,
            "WARN" => Level::Warn,
            "ERROR" => Level::Error,
            _ => Level::Off,
        }
    }

    fn tag(self) -> &'static str {
        match self {
            Level::Trace => "TRACE",
            Level::Debug => "DEBUG",
            Level::Info => "INFO",
            Level::Warn => "WARN",
            Level::Error => "ERROR",
            Level::Off => "OFF",
        }
    }
}

fn threshold() -> Level {
    static LEVEL: OnceLock<Level> = OnceLock::new();
    *LEVEL.get_or_init(|| {
        let from = |var| {
            std::env::var(var)
                .ok()
                .filter(|v| !v.is_empty())
                .map(|v| Level::parse(&v))
        };
        from("TF_LOG_PROVIDER")
            .or_else(|| from("TF_LOG"))
            .unwrap_or(Level::Off)
    })
}

static NAME: OnceLock<&'static str> = OnceLock::new();

/// The provider's short name (`backstop`), put before every message; set once at startup.
pub fn set_name(name: &'static str) {
    let _ = NAME.set(name);
}

pub fn log(level: Level, message: &str) {
    if level >= threshold() && level != Level::Off {
        // One write per line so concurrent RPCs never interleave within a line.
        let line = format!(
            "[{}] {}: {}\n",
            level.tag(),
            NAME.get().copied().unwrap_or("provider"),
            message.replace('\n', " ")
        );
        let _ = std::io::stderr().lock().write_all(line.as_bytes());
    }
}

//! Rule codes: stable forever, as users write them in `select`, `ignore`, inline
//! suppressions and `backstop rule CODE`. Declared in code order, so sorting by code sorts
//! findings as the printed codes do.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    UnbackedPvc,
    BackupNotOnNfs,
    SourceNotReadOnly,
    RwoWithoutAffinity,
    MissingAlert,
    NeverSucceededEqualsZero,
    BusyboxRelativeDate,
    DestinationFolderCollision,
    ScheduleCollision,
    FloatingImageTag,
    ShortStartingDeadline,
    NoRestoreDrill,
    SettingsNotApplied,
    ParseError,
    UnresolvedValue,
    ModuleNotRead,
    NfsClassGuessed,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::UnbackedPvc => "BS001",
            Code::BackupNotOnNfs => "BS002",
            Code::SourceNotReadOnly => "BS003",
            Code::RwoWithoutAffinity => "BS004",
            Code::MissingAlert => "BS005",
            Code::NeverSucceededEqualsZero => "BS006",
            Code::BusyboxRelativeDate => "BS007",
            Code::DestinationFolderCollision => "BS008",
            Code::ScheduleCollision => "BS009",
            Code::FloatingImageTag => "BS010",
            Code::ShortStartingDeadline => "BS011",
            Code::NoRestoreDrill => "BS012",
            Code::SettingsNotApplied => "BS013",
            Code::ParseError => "BS100",
            Code::UnresolvedValue => "BS101",
            Code::ModuleNotRead => "BS102",
            Code::NfsClassGuessed => "BS103",
        }
    }

    /// The code a user wrote (any case), if a rule has it.
    pub fn parse(text: &str) -> Option<Code> {
        super::RULES
            .iter()
            .map(|rule| rule.code)
            .find(|code| code.as_str().eq_ignore_ascii_case(text))
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::super::RULES;
    use super::Code;

    /// Every code has its rule, in code order, and parses back from its text.
    #[test]
    fn every_code_is_one_rules_and_parses_back() {
        let codes: Vec<Code> = RULES.iter().map(|r| r.code).collect();
        let mut sorted = codes.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(codes, sorted);
        let mut texts: Vec<&str> = codes.iter().map(|c| c.as_str()).collect();
        texts.sort();
        assert_eq!(texts, codes.iter().map(|c| c.as_str()).collect::<Vec<_>>());
        for code in codes {
            assert_eq!(Code::parse(code.as_str()), Some(code));
            assert_eq!(Code::parse(&code.as_str().to_lowercase()), Some(code));
        }
        assert_eq!(Code::parse("BS999"), None);
    }
}

//! Validation of every input object: each function returns all the errors it finds, each
//! with the attribute path and a fix hint. The renderers call these first and render
//! nothing unless they return no error.
//! OWNER: validation helper. The signatures below are the contract; bodies are placeholders.

use crate::{BackupAlert, BackupJob, Defaults, Diagnostics, NfsBackupVolume};

pub fn defaults(_defaults: &Defaults) -> Diagnostics {
    Vec::new()
}

pub fn volume(_defaults: &Defaults, _volume: &NfsBackupVolume) -> Diagnostics {
    Vec::new()
}

pub fn job(_defaults: &Defaults, _job: &BackupJob) -> Diagnostics {
    Vec::new()
}

pub fn alert(_defaults: &Defaults, _alert: &BackupAlert) -> Diagnostics {
    Vec::new()
}

//! The `provider "backstop" {}` block: the rendering core's defaults, every one optional.

use backstop_codegen::schema::{self as table, read};
use backstop_codegen::{Defaults, Diagnostics};

use super::convert::values;
use crate::dynamic::Value;
use crate::schema::Schema;

pub fn schema() -> Schema {
    let defaults = table::defaults();
    Schema::from_table(0, &defaults.description, &defaults.inputs)
}

/// The defaults in a configured provider block (null attributes are unset). Terraform has
/// checked the types, so the reader has nothing to report.
pub fn defaults(config: &Value) -> Defaults {
    let mut diagnostics = Diagnostics::new();
    read::defaults(&values(&table::defaults(), config, &mut diagnostics)).0
}

//! The blocks a spec may hold and the attributes of each: the core's tables
//! (`backstop_codegen::schema`), the same as the provider's resources.

use backstop_codegen::schema::{self as table, AttrType, Attribute, ObjectSchema};
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Defaults,
    Volume,
    Job,
    Alert,
    RestoreTest,
    Restore,
}

/// The tables in `Kind::ALL` order, built once.
fn tables() -> &'static [ObjectSchema] {
    static TABLES: OnceLock<Vec<ObjectSchema>> = OnceLock::new();
    TABLES.get_or_init(table::spec_blocks)
}

impl Kind {
    /// In the order of `backstop_codegen::schema::spec_blocks`.
    pub const ALL: [Kind; 6] = [
        Kind::Defaults,
        Kind::Volume,
        Kind::Job,
        Kind::Alert,
        Kind::RestoreTest,
        Kind::Restore,
    ];

    pub fn table(self) -> &'static ObjectSchema {
        let index = Kind::ALL
            .iter()
            .position(|k| *k == self)
            .expect("every kind is in ALL");
        &tables()[index]
    }

    /// The block type as written in the spec.
    pub fn block_type(self) -> &'static str {
        self.table().block_type
    }

    pub fn from_block_type(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.block_type() == name)
    }

    /// The attributes written in the block.
    pub fn attributes(self) -> &'static [Attribute] {
        &self.table().inputs
    }

    pub fn attribute_type(self, name: &str) -> Option<&'static AttrType> {
        self.table().input(name).map(|a| &a.ty)
    }

    /// Values another block may reference that are not attributes written in the block:
    /// the computed names of the objects whose names a spec resolves (`Evaluator::resolve`).
    pub fn outputs(self) -> impl Iterator<Item = &'static str> {
        let resolved = matches!(self, Kind::Volume | Kind::Job);
        self.table()
            .handles
            .iter()
            .filter(move |_| resolved)
            .map(|a| a.name)
    }
}

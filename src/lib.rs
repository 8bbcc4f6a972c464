//! bcdc-lsp: checks, completes and publishes BC Data Catalogue record files.
//!
//! The analysis modules (`text`, `syntax`, `schema`, `check`, `assist`) are pure: no
//! I/O, no clock, no protocol. The CLI and the language server are thin
//! shells around them.

pub mod assist;
pub mod audit;
pub mod catalogue;
pub mod check;
pub mod cli;
pub mod lsp;
pub mod project;
pub mod record;
pub mod schema;
pub mod syntax;
pub mod text;

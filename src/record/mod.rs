//! The record round trip without the network: the file form and the catalogue's forms
//! (`convert`), whether a file's value is what the catalogue stored (`compare`). Pure:
//! `audit`, the language server and the catalogue workflows import it.

pub mod compare;
pub mod convert;
pub mod merge;
pub mod plan;
pub mod state;

//! The record round trip without the network: the file form and the catalogue's forms
//! (`convert`), the file text (`emit`, `pulled`), whether a file's value is what the catalogue stored (`compare`). Pure:
//! `audit`, the language server and the catalogue workflows import it.

pub mod compare;
pub mod convert;
pub mod diff;
pub mod emit;
pub mod merge;
pub mod plan;
pub mod pulled;
pub mod state;

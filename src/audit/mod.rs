//! `audit`: every record of a catalogue checked as its pulled file would be, in one report
//! with three renderings. Pure: the datasets, what could not be fetched and the time come
//! in as data; the fetching is `catalogue::search`, the printing `cli::audit`.

pub mod html;
pub mod human;
pub mod json;
pub mod links;
pub mod report;
pub mod score;
pub mod since;

pub use report::{audit_record, audit_records, AuditedRecord, OrgCount, Problem, Report};

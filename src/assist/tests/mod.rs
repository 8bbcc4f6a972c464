//! Tests of completion, hover, quick fixes and the outline on whole
//! documents, YAML and JSON.

mod completion;
mod fixes;
mod fuzz;
mod hover;
mod inlay;
mod legacy;
mod outline;

use super::Edit;
use crate::schema::Schema;
use crate::syntax::{Document, Format};

const VALID: &str = include_str!("../../../examples/water-quality.bcdc.yaml");

fn schema() -> &'static Schema {
    static SCHEMA: std::sync::OnceLock<Schema> = std::sync::OnceLock::new();
    SCHEMA.get_or_init(Schema::embedded)
}

/// The text with `‸` removed, and the offset where it was.
fn split_cursor(text: &str) -> (String, usize) {
    let offset = text.find('‸').expect("a cursor mark");
    (text.replace('‸', ""), offset)
}

/// The text with the edits applied (they must not overlap).
fn apply(text: &str, edits: &[Edit]) -> String {
    let mut edits = edits.to_vec();
    edits.sort_by_key(|e| std::cmp::Reverse(e.range.start));
    let mut out = text.to_string();
    for e in edits {
        out.replace_range(e.range.clone(), &e.new_text);
    }
    out
}

/// The valid example as pretty JSON (keys in the same order).
fn valid_json() -> String {
    let doc = Document::parse(VALID, Format::Yaml);
    serde_json::to_string_pretty(&doc.root().unwrap().to_json()).unwrap() + "\n"
}

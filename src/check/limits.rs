//! Limits on the number of entries.

use super::{Checker, Code, Diagnostic};
use serde_json::Value as J;

impl Checker<'_> {
    /// A list with more entries than its field takes (`single_value_subfield`).
    pub(super) fn single_entry(&self, pointer: &str, limit: u64, value: &J) -> Diagnostic {
        let n = value.as_array().map_or(0, Vec::len);
        Diagnostic::new(
            Code::SingleEntry,
            pointer.to_string(),
            self.value_range(pointer),
            format!(
                "{} takes {} entry; this has {n}",
                self.field_title(pointer),
                if limit == 1 {
                    "a single".to_string()
                } else {
                    format!("at most {limit}")
                }
            ),
        )
    }
}

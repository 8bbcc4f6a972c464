//! `check --fix`: a record file rewritten with its automatic fixes
//! (`assist::fixes::fix_text`), through a temporary file renamed over it.

use crate::assist::fixes::{self, Applied};
use crate::catalogue::state_file::write_atomically;
use crate::schema::Schema;
use crate::syntax::{Document, Format};
use std::path::Path;

/// The fixed document and what was fixed, or `None` when there was nothing
/// to fix (or the file does not parse: it is never rewritten). The file is
/// left as it was when it cannot be written.
pub(super) fn rewrite(
    path: &Path,
    text: &str,
    format: Format,
    schema: &Schema,
) -> Result<Option<(Document, Vec<Applied>)>, String> {
    let Some(fixed) = fixes::fix_text(text, format, schema) else {
        return Ok(None);
    };
    write_atomically(path, &fixed.text).map_err(|e| {
        format!(
            "{} could not be fixed: cannot write it ({e})",
            path.display()
        )
    })?;
    Ok(Some((Document::parse(&fixed.text, format), fixed.applied)))
}

//! The two sides of a record's differences with the catalogue, for an editor's diff view:
//! the catalogue's value and the file's of every field that differs, each side written as
//! a record in the file's format by the same emitter, so that the diff shows only what
//! differs, field by field, in the catalogue's terms (`resources[CSV].format`).

use serde_json::{Map, Value};

use super::emit::record_text;
use super::plan::PatchPlan;
use crate::syntax::Format;

/// What a diff view shows on its left (the catalogue) and right (the file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SideBySide {
    pub catalogue: String,
    pub file: String,
    /// How many fields differ.
    pub fields: usize,
}

pub fn side_by_side(plan: &PatchPlan, format: Format) -> SideBySide {
    let mut catalogue = Map::new();
    let mut file = Map::new();
    let mut put = |field: &str, theirs: Option<&Value>, mine: Option<&Value>| {
        let present = |v: &&Value| !v.is_null();
        if let Some(v) = theirs.filter(present) {
            catalogue.insert(field.to_string(), v.clone());
        }
        if let Some(v) = mine.filter(present) {
            file.insert(field.to_string(), v.clone());
        }
    };
    let mut seen: Vec<&str> = Vec::new();
    for c in &plan.conflicts {
        seen.push(&c.field);
        put(&c.field, c.theirs.as_ref(), c.mine.as_ref());
    }
    for c in &plan.changes {
        if !seen.contains(&c.field.as_str()) {
            put(&c.field, c.before.as_ref(), Some(&c.after));
        }
    }
    // changed on the catalogue only: `before` is the file's value there
    for c in &plan.theirs {
        put(&c.field, Some(&c.after), c.before.as_ref());
    }
    let fields = catalogue
        .keys()
        .chain(file.keys())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    SideBySide {
        catalogue: record_text(&catalogue, format),
        file: record_text(&file, format),
        fields,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::plan::plan_patch;
    use crate::schema::Schema;
    use crate::syntax::Document;
    use serde_json::json;

    #[test]
    fn only_the_fields_that_differ_show_on_each_side() {
        let schema = Schema::embedded();
        let doc = Document::parse(
            "id: abc\nname: water\ntitle: New title\nnotes: Same.\n",
            Format::Yaml,
        );
        let Value::Object(package) = json!({
            "id": "abc", "name": "water", "title": "Old title", "notes": "Same.",
            "metadata_modified": "2024-01-01T00:00:00.000000"
        }) else {
            unreachable!()
        };
        let plan = plan_patch(doc.root().unwrap(), &package, &schema);
        let sides = side_by_side(&plan, Format::Yaml);
        assert_eq!(sides.catalogue, "title: Old title\n");
        assert_eq!(sides.file, "title: New title\n");
        assert_eq!(sides.fields, 1);
    }
}

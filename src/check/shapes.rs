//! Values of the wrong shape: text where a list is wanted, and so on.

use super::{describe, Checker};
use crate::schema::FieldKind;
use jsonschema::error::TypeKind;
use serde_json::Value as J;

impl Checker<'_> {
    pub(super) fn wrong_type(&self, pointer: &str, kind: &TypeKind, value: &J) -> String {
        let field = self.schema.field_at(pointer);
        let title = self.field_title(pointer);
        let expected = match (field.map(|f| f.kind), kind) {
            (Some(FieldKind::Repeating), _) => {
                let example = field
                    .and_then(|f| f.subfields.first())
                    .map(|s| s.name.as_str())
                    .unwrap_or("name");
                format!("a list of entries, each a mapping of fields (`- {example}: ...`)")
            }
            (Some(FieldKind::MultipleChoice), _) => {
                let example = field
                    .and_then(|f| f.choices.first())
                    .map(|c| c.value.as_str())
                    .unwrap_or("value");
                format!("a list of values, like `[{example}]`")
            }
            (_, TypeKind::Single(t)) => type_name(&format!("{t:?}")),
            (_, TypeKind::Multiple(ts)) => {
                let names: Vec<String> = ts.iter().map(|t| type_name(&format!("{t:?}"))).collect();
                names.join(" or ")
            }
        };
        if pointer.is_empty() {
            return format!("a record must be {expected}");
        }
        format!("{title} must be {expected}, not {}", describe(value))
    }
}

fn type_name(debug: &str) -> String {
    match debug {
        "String" => "text",
        "Array" => "a list",
        "Object" => "a mapping of fields",
        "Number" | "Integer" => "a number",
        "Boolean" => "true or false",
        "Null" => "empty",
        other => other,
    }
    .to_string()
}

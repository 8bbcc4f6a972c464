//! The value tree as the JSON the catalogue receives.

use crate::schema::{Field, FieldKind, Schema};
use crate::syntax::{Node, Value};
use serde_json::{Map, Value as J};

/// The record as a `package_create` body: numbers in text fields become
/// strings (CKAN stores `license_id: 2` as `"2"`), and, when `drop_empty`,
/// keys with no value are left out (an empty optional field is the same as
/// an absent one; an empty required one is then reported as missing rather
/// than as a wrong type). List items keep their places so that pointers
/// stay valid; an empty entry of a list of objects counts as `{}`.
pub fn to_json(root: &Node, schema: &Schema, drop_empty: bool) -> J {
    let cx = Cx { schema, drop_empty };
    cx.object(root, Some(&schema.dataset_fields), true)
}

struct Cx<'a> {
    schema: &'a Schema,
    drop_empty: bool,
}

impl Cx<'_> {
    fn object(&self, node: &Node, fields: Option<&[Field]>, dataset: bool) -> J {
        let Value::Map(entries) = &node.value else {
            return node.to_json();
        };
        let mut out = Map::new();
        for e in entries {
            if self.drop_empty && e.value.is_empty_value() {
                continue;
            }
            let field = fields.and_then(|fs| fs.iter().find(|f| f.name == e.key));
            let value = match field {
                Some(f) => self.field(&e.value, f),
                None if dataset && e.key == "resources" => match &e.value.value {
                    Value::Seq(items) => J::Array(
                        items
                            .iter()
                            .map(|r| self.entry(r, Some(&self.schema.resource_fields)))
                            .collect(),
                    ),
                    _ => e.value.to_json(),
                },
                None => e.value.to_json(),
            };
            out.insert(e.key.clone(), value);
        }
        J::Object(out)
    }

    /// One entry of a list of objects.
    fn entry(&self, node: &Node, fields: Option<&[Field]>) -> J {
        match node.value {
            Value::Missing | Value::Null => J::Object(Map::new()),
            _ => self.object(node, fields, false),
        }
    }

    fn field(&self, node: &Node, field: &Field) -> J {
        match (&node.value, field.kind) {
            (Value::Seq(items), FieldKind::Repeating) => J::Array(
                items
                    .iter()
                    .map(|i| self.entry(i, Some(&field.subfields)))
                    .collect(),
            ),
            (Value::Number(n), kind) if is_text(kind) => J::String(n.to_string()),
            _ => node.to_json(),
        }
    }
}

/// Kinds whose values CKAN keeps as strings.
fn is_text(kind: FieldKind) -> bool {
    !matches!(
        kind,
        FieldKind::Repeating
            | FieldKind::MultipleChoice
            | FieldKind::MultipleText
            | FieldKind::JsonObject
            | FieldKind::Boolean
    )
}

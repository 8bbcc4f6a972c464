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
    cx.object(root, Some(&schema.dataset_fields), true, None)
}

/// A top-level list of objects whose entries the checker validates on
/// their own (see `schema::Validators`).
pub(crate) struct EntryList<'a> {
    pub key: &'a str,
    /// Its place among the record's top-level entries.
    pub index: usize,
    pub entries: &'a [Node],
    pub fields: &'a [Field],
}

/// The record as [`to_json`] with `drop_empty`, but with the entries of
/// the lists the schema validates on their own left as nulls (so that the
/// lists keep their lengths), and those lists.
pub(crate) fn without_entries<'a>(root: &'a Node, schema: &'a Schema) -> (J, Vec<EntryList<'a>>) {
    let cx = Cx {
        schema,
        drop_empty: true,
    };
    let mut lists = Vec::new();
    let json = cx.object(root, Some(&schema.dataset_fields), true, Some(&mut lists));
    (json, lists)
}

/// One entry of a list of objects, as it stands in [`to_json`] with
/// `drop_empty`.
pub(crate) fn entry(node: &Node, fields: &[Field], schema: &Schema) -> J {
    let cx = Cx {
        schema,
        drop_empty: true,
    };
    cx.entry(node, Some(fields))
}

struct Cx<'a> {
    schema: &'a Schema,
    drop_empty: bool,
}

impl<'a> Cx<'a> {
    fn object<'n>(
        &self,
        node: &'n Node,
        fields: Option<&'n [Field]>,
        dataset: bool,
        mut lists: Option<&mut Vec<EntryList<'n>>>,
    ) -> J
    where
        'a: 'n,
    {
        let Value::Map(entries) = &node.value else {
            return node.to_json();
        };
        let mut out = Map::new();
        for (index, e) in entries.iter().enumerate() {
            if self.drop_empty && e.value.is_empty_value() {
                continue;
            }
            let field = fields.and_then(|fs| fs.iter().find(|f| f.name == e.key));
            let entry_fields = match field {
                Some(f) if f.kind == FieldKind::Repeating => Some(&f.subfields[..]),
                Some(_) => None,
                None if dataset && e.key == "resources" => Some(&self.schema.resource_fields[..]),
                None => None,
            };
            let value = match (&e.value.value, entry_fields) {
                (Value::Seq(items), Some(fs)) => match lists.as_deref_mut() {
                    Some(lists) if self.schema.validators.entry(&e.key).is_some() => {
                        // a later duplicate key replaces the list, as in the JSON
                        lists.retain(|l| l.key != e.key);
                        lists.push(EntryList {
                            key: &e.key,
                            index,
                            entries: items,
                            fields: fs,
                        });
                        J::Array(vec![J::Null; items.len()])
                    }
                    _ => J::Array(items.iter().map(|i| self.entry(i, Some(fs))).collect()),
                },
                _ => match field {
                    Some(f) => self.field(&e.value, f),
                    None => e.value.to_json(),
                },
            };
            out.insert(e.key.clone(), value);
        }
        J::Object(out)
    }

    /// One entry of a list of objects.
    fn entry(&self, node: &Node, fields: Option<&[Field]>) -> J {
        match node.value {
            Value::Missing | Value::Null => J::Object(Map::new()),
            _ => self.object(node, fields, false, None),
        }
    }

    fn field(&self, node: &Node, field: &Field) -> J {
        match (&node.value, field.kind) {
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
            | FieldKind::Fluent
            | FieldKind::FluentTags
    )
}

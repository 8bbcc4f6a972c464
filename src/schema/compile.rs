//! The scheming schema as a JSON Schema (2020-12): shapes, required fields,
//! choices, formats, single entries, unknown keys and conditional
//! requirements. Messages are not written here: the checker maps each error
//! back to the scheming field it concerns.

use super::{ckan_core, formats, Field, FieldKind, Schema};
use serde_json::{json, Map, Value as J};

/// Conditional rules (requirements that depend on another field, and the
/// start state) live under `allOf`; the checker tells them apart by this.
pub(crate) const CONDITIONAL_MARK: &str = "/allOf/";

pub(super) fn json_schema(schema: &Schema) -> J {
    let resource = object(
        &schema.resource_fields,
        &ckan_core::resource_keys().collect::<Vec<_>>(),
        schema,
        Map::new(),
    );
    let mut extra = Map::new();
    extra.insert("id".into(), json!({"type": "string"}));
    extra.insert("type".into(), json!({"const": schema.dataset_type}));
    extra.insert(
        "resources".into(),
        json!({"type": "array", "items": resource}),
    );
    extra.insert(
        "tags".into(),
        json!({"type": "array", "items": {"type": ["string", "object"]}}),
    );
    let core: Vec<&str> = ckan_core::dataset_keys().collect();
    let mut dataset = object(&schema.dataset_fields, &core, schema, extra);
    if let Some(state) = schema
        .dataset_fields
        .iter()
        .find(|f| f.start_state.is_some())
    {
        // A new record (no `id`) must be created in the start state.
        let start = state.start_state.clone();
        let rules = dataset
            .as_object_mut()
            .expect("object")
            .entry("allOf")
            .or_insert(json!([]));
        rules.as_array_mut().expect("allOf is a list").push(json!({
            "if": {"not": {"required": ["id"]}},
            "then": {"properties": {state.name.clone(): {"enum": [start]}}}
        }));
    }
    dataset["$schema"] = json!(DRAFT);
    dataset
}

const DRAFT: &str = "https://json-schema.org/draft/2020-12/schema";

/// Splits the record's schema into the record without the entries of its
/// lists of objects (`resources`, repeating fields) and each such list's
/// entry schema, by key: the checker validates entries on their own, so
/// that it can keep the results of entries that did not change. Together
/// they say exactly what the whole schema says: `items` applies to each
/// entry alone.
pub(super) fn split(mut record: J) -> (J, Vec<(String, J)>) {
    let mut entries = Vec::new();
    if let Some(properties) = record.get_mut("properties").and_then(J::as_object_mut) {
        for (key, property) in properties.iter_mut() {
            let Some(list) = property.as_object_mut() else {
                continue;
            };
            if list.get("items").and_then(|i| i.get("type")) == Some(&json!("object")) {
                let mut entry = list.remove("items").expect("checked above");
                entry["$schema"] = json!(DRAFT);
                entries.push((key.clone(), entry));
            }
        }
    }
    (record, entries)
}

/// An object of `fields`, plus `core` keys CKAN itself keeps or computes (their
/// schemas in `extra`, or anything); other keys are left to the checker's
/// `unknown_keys`, which judges them by what the catalogue does with them.
fn object(fields: &[Field], core: &[&str], schema: &Schema, extra: Map<String, J>) -> J {
    let mut properties = Map::new();
    for key in core {
        properties.insert((*key).to_string(), json!(true));
    }
    properties.extend(extra);
    for f in fields {
        properties.insert(f.name.clone(), field(f, schema));
    }
    let required: Vec<&str> = fields
        .iter()
        .filter(|f| f.required)
        .map(|f| f.name.as_str())
        .collect();
    let conditions: Vec<J> = fields
        .iter()
        .filter_map(|f| {
            let c = f.condition.as_ref()?;
            fields.iter().any(|g| g.name == c.field).then(|| {
                json!({
                    "if": {"properties": {c.field.clone(): {"enum": c.values}}, "required": [c.field]},
                    "then": {"required": [f.name]}
                })
            })
        })
        .collect();
    let mut object = json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    });
    if !conditions.is_empty() {
        object["allOf"] = J::Array(conditions);
    }
    object
}

fn field(f: &Field, schema: &Schema) -> J {
    let values: Vec<&str> = f
        .choices
        .iter()
        .flat_map(|c| {
            // accept a choice with and without stray trailing punctuation
            let trimmed = c.value.trim_end_matches([',', ' ']);
            [c.value.as_str(), trimmed]
        })
        .collect();
    match f.kind {
        FieldKind::Repeating => {
            let items = object(&f.subfields, &[], schema, Map::new());
            let mut list = json!({"type": "array", "items": items});
            if f.single_entry {
                list["maxItems"] = json!(1);
            }
            list
        }
        FieldKind::Select if !values.is_empty() => json!({"enum": values}),
        FieldKind::MultipleChoice if !values.is_empty() => json!({
            "type": ["array", "string"],
            "items": {"enum": values},
            "if": {"type": "string"},
            "then": {"enum": values}
        }),
        FieldKind::MultipleChoice => {
            json!({"type": ["array", "string"], "items": {"type": "string"}})
        }
        FieldKind::Licence if !schema.licences.is_empty() => {
            json!({"enum": schema.licences.iter().map(|l| l.value.as_str()).collect::<Vec<_>>()})
        }
        FieldKind::MultipleText => {
            json!({"type": ["array", "string"], "items": {"type": "string"}})
        }
        FieldKind::Date => json!({"type": "string", "format": "date"}),
        FieldKind::DateTime => json!({"type": "string", "format": formats::DATETIME}),
        FieldKind::DateTimeTz => json!({"type": "string", "format": formats::DATETIME_TZ}),
        FieldKind::Integer => json!({"type": ["integer", "string"], "format": formats::INTEGER}),
        // any text is read (`yes`, `t`, `1` as true, the rest as false)
        FieldKind::Boolean => json!({"type": ["boolean", "string"]}),
        FieldKind::Email => json!({"type": "string", "format": "email"}),
        // CKAN's name_validator and package name length
        FieldKind::Slug => {
            json!({"type": "string", "minLength": 2, "maxLength": 100, "pattern": "^[a-z0-9_-]*$"})
        }
        FieldKind::Title => json!({"type": "string", "minLength": 2, "maxLength": 100}),
        FieldKind::JsonObject => {
            json!({"type": ["object", "string"], "format": formats::JSON_OBJECT})
        }
        _ => json!({"type": "string"}),
    }
}

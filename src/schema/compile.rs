//! The scheming schema as a JSON Schema (2020-12): shapes, required fields,
//! choices, formats, single entries, unknown keys and conditional
//! requirements, and the table of which rule each keyword stands for.
//! Messages are not written here: the checker maps each error back to the
//! scheming field and rule it concerns.

use super::{ckan_core, formats, Enforcement, Field, FieldKind, Schema};
use serde_json::{json, Map, Value as J};
use std::collections::HashMap;

/// Which rule of the scheming schema a JSON Schema keyword stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleKind {
    /// The field must have a value.
    Required,
    /// The field must have a value when another has one of some values.
    Condition,
    /// A new record (no `id`) must be in the start state.
    StartState,
    /// The value must be one of the choices (or the licence list).
    Choices,
    /// The value's text format (dates, numbers, names, lengths, ...).
    Format,
    /// At most one entry.
    SingleEntry,
    /// Keys outside the schema.
    Closed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    pub kind: RuleKind,
    /// What the catalogue does with a record that breaks it.
    pub enforcement: Enforcement,
}

/// Each rule keyword of the compiled JSON Schema by its location (the
/// `schema_path` of a validation error, from the whole schema's root); a
/// `required` keyword once per property (`…/required/<name>`).
#[derive(Debug, Default)]
pub(crate) struct Rules(HashMap<String, Rule>);

impl Rules {
    fn add(&mut self, location: String, kind: RuleKind, enforcement: Enforcement) {
        self.0.insert(location, Rule { kind, enforcement });
    }

    /// The rule at a keyword location; for `required`, of that property.
    pub fn at(&self, location: &str, property: Option<&str>) -> Option<Rule> {
        match property {
            Some(p) => self.0.get(&format!("{location}/{p}")).copied(),
            None => self.0.get(location).copied(),
        }
    }
}

/// The JSON Schema of a scheming schema and the rule each keyword stands for.
pub(super) fn json_schema(schema: &Schema) -> (J, Rules) {
    let mut rules = Rules::default();
    let resource = object(
        &schema.resource_fields,
        &ckan_core::resource_keys().collect::<Vec<_>>(),
        schema,
        Map::new(),
        "/properties/resources/items",
        &mut rules,
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
    rules.add(
        "/properties/type/const".into(),
        RuleKind::Choices,
        Enforcement::Refused,
    );
    let core: Vec<&str> = ckan_core::dataset_keys().collect();
    let mut dataset = object(&schema.dataset_fields, &core, schema, extra, "", &mut rules);
    if let Some(state) = schema
        .dataset_fields
        .iter()
        .find(|f| f.start_state.is_some())
    {
        // A new record (no `id`) must be created in the start state.
        let start = state.start_state.clone();
        let all = dataset
            .as_object_mut()
            .expect("object")
            .entry("allOf")
            .or_insert(json!([]))
            .as_array_mut()
            .expect("allOf is a list");
        rules.add(
            format!(
                "/allOf/{}/then/properties/{}/enum",
                all.len(),
                pointer_token(&state.name)
            ),
            RuleKind::StartState,
            Enforcement::of(state.checked.start_state),
        );
        all.push(json!({
            "if": {"not": {"required": ["id"]}},
            "then": {"properties": {state.name.clone(): {"enum": [start]}}}
        }));
    }
    dataset["$schema"] = json!(DRAFT);
    (dataset, rules)
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
/// schemas in `extra`, or anything), at `location` in the whole schema; other
/// keys are left to the checker's `unknown_keys`, which judges them by what the
/// catalogue does with them.
fn object(
    fields: &[Field],
    core: &[&str],
    schema: &Schema,
    extra: Map<String, J>,
    location: &str,
    rules: &mut Rules,
) -> J {
    let mut properties = Map::new();
    for key in core {
        properties.insert((*key).to_string(), json!(true));
    }
    properties.extend(extra);
    for f in fields {
        let at = format!("{location}/properties/{}", pointer_token(&f.name));
        properties.insert(f.name.clone(), field(f, schema, &at, rules));
    }
    let required: Vec<&str> = fields
        .iter()
        .filter(|f| f.required)
        .map(|f| f.name.as_str())
        .collect();
    for f in fields.iter().filter(|f| f.required) {
        rules.add(
            format!("{location}/required/{}", f.name),
            RuleKind::Required,
            Enforcement::of(!f.form_only),
        );
    }
    rules.add(
        format!("{location}/additionalProperties"),
        RuleKind::Closed,
        Enforcement::Dropped,
    );
    let mut conditions = Vec::new();
    for f in fields {
        let Some(c) = f.condition.as_ref() else {
            continue;
        };
        if !fields.iter().any(|g| g.name == c.field) {
            continue;
        }
        rules.add(
            format!(
                "{location}/allOf/{}/then/required/{}",
                conditions.len(),
                f.name
            ),
            RuleKind::Condition,
            Enforcement::of(c.enforced),
        );
        conditions.push(json!({
            "if": {"properties": {c.field.clone(): {"enum": c.values}}, "required": [c.field]},
            "then": {"required": [f.name]}
        }));
    }
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

/// A key as a JSON pointer token (how error locations spell it).
fn pointer_token(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// A field's schema at `at`, recording its rules' keywords.
fn field(f: &Field, schema: &Schema, at: &str, rules: &mut Rules) -> J {
    let choices = Enforcement::of(f.checked.choices);
    let format = Enforcement::of(f.checked.format);
    let mut rule = |keywords: &[&str], kind: RuleKind, enforcement: Enforcement| {
        for k in keywords {
            rules.add(format!("{at}/{k}"), kind, enforcement);
        }
    };
    match f.kind {
        FieldKind::Select | FieldKind::Licence => rule(&["enum"], RuleKind::Choices, choices),
        FieldKind::MultipleChoice => rule(&["items/enum", "then/enum"], RuleKind::Choices, choices),
        FieldKind::Repeating => rule(&["maxItems"], RuleKind::SingleEntry, Enforcement::FormOnly),
        _ => rule(
            &["format", "pattern", "minLength", "maxLength"],
            RuleKind::Format,
            format,
        ),
    }
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
            let items = object(
                &f.subfields,
                &[],
                schema,
                Map::new(),
                &format!("{at}/items"),
                rules,
            );
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
        FieldKind::Date => json!({"type": "string", "format": formats::ISODATE}),
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
        // a language code (not checked) to text, or that object as JSON text
        FieldKind::Fluent => json!({
            "type": ["object", "string"],
            "format": formats::JSON_OBJECT,
            "additionalProperties": {"type": "string"}
        }),
        // fluent_tags takes no JSON text; the tags' own rules are not checked
        FieldKind::FluentTags => json!({
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}}
        }),
        FieldKind::Unchecked => json!(true),
        _ => json!({"type": "string"}),
    }
}

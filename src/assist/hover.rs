//! Hover: what a field is, whether and when it is required, its help text,
//! its allowed values, and how the catalogue treats it.

use super::context;
use super::{choices_of, field_at, takes_organization, Dynamic};
use crate::schema::ckan_core::{self, KeyClass};
use crate::schema::{choice_matches, Field, FieldKind, Schema};
use crate::syntax::{Document, Value};
use std::ops::Range;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hover {
    pub markdown: String,
    /// The key or value hovered.
    pub range: Range<usize>,
}

/// Allowed values listed in a hover, at most.
const SHOWN_VALUES: usize = 30;

pub fn hover(doc: &Document, schema: &Schema, offset: usize, extra: &Dynamic) -> Option<Hover> {
    let target = context::target(doc, offset)?;
    let root = doc.root()?;
    let markdown = match target.pointer.as_str() {
        "/type" => format!(
            "**Dataset type** (`type`)\n\nThe schema this record follows: `{}`.",
            schema.dataset_type
        ),
        "/id" => "**Id** (`id`)\n\nThe catalogue's id of this record, written after it is first \
                  published; updates (`package_patch`) find the record by it."
            .to_string(),
        pointer => {
            let Some(field) = field_at(schema, pointer) else {
                return ckan_key_doc(schema, pointer).map(|markdown| Hover {
                    markdown,
                    range: target.range,
                });
            };
            // the value of a scalar field, or the item hovered in a list
            let node = root.pointer(pointer);
            let current = node.and_then(|n| match &n.value {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            });
            field_doc(&field, schema, extra, current.as_deref(), true)
        }
    };
    Some(Hover {
        markdown,
        range: target.range,
    })
}

/// What the catalogue does with a key that is not a field of the form, for CKAN's own
/// keys and resource extras (a key the catalogue drops has its warning instead).
fn ckan_key_doc(schema: &Schema, pointer: &str) -> Option<String> {
    let (object, key) = crate::syntax::split_pointer(pointer)?;
    let resource = crate::syntax::split_pointer(object).is_some_and(|(p, _)| p == "/resources");
    let class = match (object, resource) {
        ("", _) => ckan_core::dataset_key(schema.ckan, &key),
        (_, true) => ckan_core::resource_key(&key),
        _ => return None,
    };
    let what = match (class, resource) {
        (KeyClass::Kept, false) => {
            "One of CKAN's own dataset fields: kept by CKAN, not shown \
                                    on the catalogue's form."
        }
        (KeyClass::Kept, true) => {
            "Kept by CKAN (as one of its own resource fields, or as a \
                                   resource extra), not shown on the catalogue's form."
        }
        (KeyClass::OutputOnly, _) => "Computed by the catalogue: an update ignores it.",
        (KeyClass::SysadminOnly | KeyClass::Dropped, _) => return None,
    };
    Some(format!("**`{key}`**\n\n{what}"))
}

/// A field's documentation in Markdown; `full` adds the allowed values
/// (`current` marked).
pub(crate) fn field_doc(
    field: &Field,
    schema: &Schema,
    extra: &Dynamic,
    current: Option<&str>,
    full: bool,
) -> String {
    let mut md = format!(
        "**{}** (`{}`)\n\n{}",
        field.label,
        field.name,
        requirement(field)
    );
    let enforced = enforcement(field);
    if !enforced.is_empty() {
        md.push(' ');
        md.push_str(&enforced.join(" "));
    }
    if let Some(what) = shape(field) {
        md.push(' ');
        md.push_str(&what);
    }
    if let Some(help) = &field.help_text {
        md.push_str(&format!("\n\n{help}"));
    }
    if let Some(note) = catalogue_note(field) {
        md.push_str(&format!("\n\n_{note}_"));
    }
    if full {
        md.push_str(&values(field, schema, extra, current));
    }
    md
}

fn requirement(field: &Field) -> String {
    if field.required {
        return "Required.".into();
    }
    match &field.condition {
        Some(c) => {
            let values: Vec<String> = c.values.iter().map(|v| format!("`{v}`")).collect();
            format!("Required when `{}` is {}.", c.field, values.join(" or "))
        }
        None => "Optional.".into(),
    }
}

/// What the catalogue's API does about the field's rules, where it is not
/// simply "refuses a record that breaks them".
fn enforcement(field: &Field) -> Vec<&'static str> {
    let mut out = Vec::new();
    if field.required {
        out.push(if field.form_only {
            "Only the portal's web form requires it: its API accepts a record without it."
        } else {
            "The catalogue refuses a record without it."
        });
    } else if let Some(c) = &field.condition {
        out.push(if c.enforced {
            "The catalogue refuses a record without it then."
        } else {
            "Only the portal's web form asks for it then: its API accepts a record without it."
        });
    }
    let static_choices = !field.choices.is_empty() && field.kind != FieldKind::Licence;
    if static_choices && !field.checked.choices {
        out.push(
            "Its API does not check the value against the choices (only the web form offers them).",
        );
    }
    if field.choices.is_empty() && field.choices_helper.is_some() {
        out.push(
            "The portal computes its allowed values at run time and refuses others; its API \
             does not list them, so bcdc-lsp cannot check the value.",
        );
    }
    if matches!(field.kind, FieldKind::Date | FieldKind::Email) && !field.checked.format {
        out.push("Its API does not check the format.");
    }
    if field.single_entry {
        out.push("Its API keeps every entry; only the web form takes one.");
    }
    out
}

/// What the value looks like, where the field's kind says more than text.
fn shape(field: &Field) -> Option<String> {
    Some(match field.kind {
        FieldKind::Repeating => {
            let names: Vec<String> = field
                .subfields
                .iter()
                .filter(|f| !f.system)
                .map(|f| format!("`{}`", f.name))
                .collect();
            let count = if field.single_entry {
                "A list of one entry"
            } else {
                "A list of entries"
            };
            format!("{count} with {}.", names.join(", "))
        }
        FieldKind::MultipleChoice => "A list of values, like `[value]`.".into(),
        FieldKind::MultipleText => "A list of texts, like `[text]`.".into(),
        FieldKind::Date => "A date written YYYY-MM-DD.".into(),
        FieldKind::DateTime => "A date and time written YYYY-MM-DDTHH:MM:SS.".into(),
        FieldKind::DateTimeTz => {
            "A date and time written YYYY-MM-DDTHH:MM:SS, with an optional UTC offset.".into()
        }
        FieldKind::Integer => "A whole number.".into(),
        FieldKind::Boolean => "`true` or `false`.".into(),
        FieldKind::Email => "An e-mail address.".into(),
        FieldKind::Tags => "Keywords separated by commas.".into(),
        FieldKind::Slug => {
            "Lowercase letters, digits, `-` and `_`: it becomes the record's web address.".into()
        }
        FieldKind::JsonObject => "A JSON object.".into(),
        FieldKind::Fluent => "A text per language, like `{en: text, fr: texte}`.".into(),
        FieldKind::FluentTags => "Keywords per language, like `{en: [keyword]}`.".into(),
        FieldKind::Unchecked => format!(
            "The catalogue checks this value with `{}`, which bcdc-lsp does not know: \
             its value is not checked here.",
            field.unmodelled_validator().unwrap_or_default()
        ),
        _ => return None,
    })
}

/// How the catalogue treats a field beyond the schema.
fn catalogue_note(field: &Field) -> Option<String> {
    if field.kind == FieldKind::Organization {
        return Some(format!(
            "The catalogue shows this as \"{}\"; it takes the organization's name or id.",
            field.label
        ));
    }
    if field.kind == FieldKind::Licence {
        return Some(
            "The catalogue does not check this value itself; bcdc-lsp checks it against the \
             catalogue's licence list."
                .into(),
        );
    }
    if field.kind == FieldKind::Repeating {
        return Some(
            "`package_patch` replaces the whole list: an update sends every entry, so keep them \
             all in the file."
                .into(),
        );
    }
    field.start_state.as_ref().map(|start| {
        format!(
            "The catalogue creates records only as `{start}`; change the state after the first \
             publish."
        )
    })
}

fn values(field: &Field, schema: &Schema, extra: &Dynamic, current: Option<&str>) -> String {
    let choices = choices_of(field, schema, extra);
    if takes_organization(field) {
        // the catalogue has many; name only the current one
        return current
            .and_then(|v| choices.iter().find(|c| c.value == v || c.label == v))
            .map(|c| format!("\n\n`{}`: {}", c.value, c.label))
            .unwrap_or_default();
    }
    if choices.is_empty() {
        return String::new();
    }
    let mut md = String::from("\n\nAllowed values:");
    for c in choices.iter().take(SHOWN_VALUES) {
        md.push_str(&format!("\n- `{}`", c.value));
        if c.label != c.value {
            md.push_str(&format!(" — {}", c.label));
        }
        if current.is_some_and(|v| choice_matches(&c.value, v)) {
            md.push_str(" **(current)**");
        }
    }
    if choices.len() > SHOWN_VALUES {
        md.push_str(&format!("\n- … and {} more", choices.len() - SHOWN_VALUES));
    }
    md
}

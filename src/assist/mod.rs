//! Editing assistance: completion, hover, quick fixes, the outline and inlay
//! hints.
//!
//! Pure analysis like the checker: it reads a parsed [`Document`], the
//! [`Schema`] and, for completion, choices fetched from outside the schema
//! ([`Dynamic`]), and answers in byte ranges and plain structs. The language
//! server converts them to protocol types.
//!
//! [`Document`]: crate::syntax::Document
//! [`Schema`]: crate::schema::Schema

pub mod completion;
pub mod context;
pub mod fixes;
pub mod hover;
pub mod inlay;
pub mod lens;
pub mod outline;
mod style;

use crate::schema::{Choice, Field, FieldKind, Schema};
use crate::syntax::Node;
use std::borrow::Cow;
use std::ops::Range;

/// Choices that come from outside the schema.
#[derive(Clone, Debug, Default)]
pub struct Dynamic {
    /// The catalogue's organizations: value = id, label = title.
    pub organizations: Vec<Choice>,
    /// Keywords used by the workspace's record files.
    pub keywords: Vec<String>,
    /// What the catalogue says of the record's `publish_state`.
    pub publish_state: CatalogueState,
}

/// The record's state in the catalogue, as far as the language server knows it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum CatalogueState {
    /// Not asked yet, or nothing to ask (no `id`): the file's own
    /// `publish_state` stands for it.
    #[default]
    Unknown,
    Known(String),
    /// The catalogue could not be asked (unreachable, or it refused): the
    /// moves from its state are unknown, so every state of the schema is
    /// offered, saying why.
    Unreachable,
}

/// One text replacement (an insertion when the range is empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub range: Range<usize>,
    pub new_text: String,
}

/// The one replacement that turns `old` into `new`: what lies between their common
/// start and their common end (on character boundaries).
pub fn minimal_edit(old: &str, new: &str) -> Edit {
    let start = old
        .char_indices()
        .zip(new.chars())
        .find(|((_, a), b)| a != b)
        .map_or(old.len().min(new.len()), |((i, _), _)| i);
    let (old_rest, new_rest) = (&old[start..], &new[start..]);
    let end = old_rest
        .chars()
        .rev()
        .zip(new_rest.chars().rev())
        .take_while(|(a, b)| a == b)
        .map(|(a, _)| a.len_utf8())
        .sum::<usize>();
    Edit {
        range: start..old.len() - end,
        new_text: new_rest[..new_rest.len() - end].to_string(),
    }
}

/// The fields that hold comma-separated keywords (`tag_string`).
pub fn keyword_fields(schema: &Schema) -> impl Iterator<Item = &Field> {
    schema
        .dataset_fields
        .iter()
        .filter(|f| f.kind == FieldKind::Tags)
}

/// Does this field take an organization? `owner_org`, and a select whose
/// choices the catalogue computes from its organizations (`contacts[].org`,
/// `choices_helper: edc_orgs_form`).
fn takes_organization(field: &Field) -> bool {
    field.kind == FieldKind::Organization
        || (field.choices.is_empty()
            && field
                .choices_helper
                .as_deref()
                .is_some_and(|h| h.contains("org")))
}

/// The values a field may take, wherever they come from.
fn choices_of<'a>(field: &'a Field, schema: &'a Schema, extra: &'a Dynamic) -> &'a [Choice] {
    if field.kind == FieldKind::Licence {
        &schema.licences
    } else if takes_organization(field) {
        &extra.organizations
    } else {
        &field.choices
    }
}

/// Whether the record has an `id`: the catalogue has it.
fn has_id(root: Option<&Node>) -> bool {
    root.and_then(|r| r.get("id"))
        .is_some_and(|id| !id.is_empty_value())
}

/// The states `publish_state` may be set to: the start state for a record
/// the catalogue does not have yet (no `id`), else the current state and
/// those its `validTo` allows, or every state when the catalogue's is
/// unknown because it could not be asked.
fn allowed_states<'a>(field: &'a Field, root: Option<&Node>, extra: &Dynamic) -> Vec<&'a Choice> {
    let Some(start) = &field.start_state else {
        return field.choices.iter().collect();
    };
    if !has_id(root) {
        return field.choices.iter().filter(|c| &c.value == start).collect();
    }
    let current = match &extra.publish_state {
        CatalogueState::Known(state) => Some(state.clone()),
        CatalogueState::Unreachable => return field.choices.iter().collect(),
        CatalogueState::Unknown => root
            .and_then(|r| r.get(&field.name)?.as_str())
            .map(str::to_string),
    };
    match current.as_deref().and_then(|v| field.choice(v)) {
        Some(now) => field
            .choices
            .iter()
            .filter(|c| c.value == now.value || now.next.contains(&c.value))
            .collect(),
        None => field.choices.iter().collect(),
    }
}

/// `resources`: a core CKAN key, not a schema field, whose entries take the
/// resource fields; completion, hover and fixes treat it as a list field.
fn resources_field(schema: &Schema) -> Field {
    Field {
        name: "resources".into(),
        label: "Resources".into(),
        required: false,
        form_only: false,
        help_text: Some(
            "The dataset's data files, services and documents; each entry takes the resource \
             fields."
                .into(),
        ),
        placeholder: None,
        preset: None,
        validators: Vec::new(),
        output_validators: Vec::new(),
        kind: FieldKind::Repeating,
        choices: Vec::new(),
        choices_helper: None,
        checked: Default::default(),
        subfields: schema.resource_fields.clone(),
        condition: None,
        single_entry: false,
        system: false,
        start_state: None,
    }
}

/// The field a pointer names, including `resources`.
fn field_at<'a>(schema: &'a Schema, pointer: &str) -> Option<Cow<'a, Field>> {
    if pointer == "/resources" {
        return Some(Cow::Owned(resources_field(schema)));
    }
    schema.field_at(pointer).map(Cow::Borrowed)
}

/// The required subfields a new list entry starts with (all of them when
/// none is required, as for `more_info`).
fn entry_fields(subfields: &[Field]) -> Vec<&Field> {
    let required: Vec<&Field> = subfields
        .iter()
        .filter(|f| f.required && !f.system)
        .collect();
    if required.is_empty() {
        subfields.iter().filter(|f| !f.system).collect()
    } else {
        required
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod minimal_edit_tests {
    use super::minimal_edit;

    #[test]
    fn the_edit_covers_only_what_differs() {
        let old = "title: A\nnotes: Mine.\npurpose: P\n";
        let new = "title: A\nnotes: Their words.\npurpose: P\n";
        let e = minimal_edit(old, new);
        let mut out = old.to_string();
        out.replace_range(e.range.clone(), &e.new_text);
        assert_eq!(out, new);
        assert_eq!(&old[e.range], "Mine");
        // characters of several bytes are never split
        let e = minimal_edit("a é b", "a è b");
        assert_eq!((e.range, e.new_text.as_str()), (2..4, "è"));
        let e = minimal_edit("same", "same");
        assert!(e.range.is_empty() && e.new_text.is_empty());
        let e = minimal_edit("ab", "abab");
        assert_eq!((e.range, e.new_text.as_str()), (2..2, "ab"));
    }
}

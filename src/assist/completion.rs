//! Completion: dropdown values (from the schema, the licence list, the
//! catalogue's organizations, the state machine), keywords, and field names
//! with skeletons for lists of objects.

use super::context::{self, Cursor, Place};
use super::style::{self, Stops, Style};
use super::{
    allowed_states, choices_of, field_at, has_id, hover, resources_field, CatalogueState, Dynamic,
    Edit,
};
use crate::schema::{Choice, Field, FieldKind, Schema};
use crate::syntax::{push_pointer, Document, Format, Node};
use std::cell::OnceCell;
use std::collections::HashSet;
use std::ops::Range;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    /// An allowed value.
    Value,
    /// A field name.
    Field,
    /// A new entry of a list of objects, with its required fields.
    Entry,
    /// A keyword.
    Keyword,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    /// What the list shows: the value or field name.
    pub label: String,
    /// The human label of the value or field.
    pub detail: Option<String>,
    /// Markdown.
    pub documentation: Option<String>,
    pub kind: CompletionKind,
    /// Plain text to insert.
    pub insert_text: String,
    /// The same with snippet tab stops, for clients that support snippets
    /// (only where it differs from the plain text).
    pub snippet: Option<String>,
    /// The bytes the text replaces (containing the cursor).
    pub replace_range: Range<usize>,
    /// Other edits made with it (a comma between JSON members).
    pub additional_edits: Vec<Edit>,
    pub filter_text: String,
    pub sort_text: String,
    /// Ask for completion again after inserting (a dropdown field's key:
    /// its values come next).
    pub retrigger: bool,
}

/// What can be typed at `offset`.
pub fn complete(
    doc: &Document,
    schema: &Schema,
    offset: usize,
    extra: &Dynamic,
) -> Vec<Completion> {
    let Some(cursor) = context::cursor(doc, offset) else {
        return Vec::new();
    };
    let cx = Cx {
        doc,
        schema,
        extra,
        cursor: &cursor,
        root: doc.root(),
        style: OnceCell::new(),
    };
    match &cursor.place {
        Place::Key { object } => cx.keys(object),
        Place::Value { pointer } => cx.values(pointer),
        Place::Item { list, .. } => cx.items(list),
        Place::ItemStart { list, index } => match field_at(schema, list).map(|f| f.kind) {
            Some(FieldKind::MultipleChoice) => cx.items(list),
            Some(FieldKind::Repeating) => cx.keys(&push_pointer(list, &index.to_string())),
            _ => Vec::new(),
        },
    }
}

struct Cx<'a> {
    doc: &'a Document,
    schema: &'a Schema,
    extra: &'a Dynamic,
    cursor: &'a Cursor,
    root: Option<&'a Node>,
    /// The file's layout, read once when a key needs it.
    style: OnceCell<Style>,
}

/// Does a choice match what is typed: a prefix of its value, its label or
/// a word of its label, ignoring case?
fn matches(typed: &str, value: &str, label: &str) -> bool {
    let t = typed.trim().to_lowercase();
    if t.is_empty() {
        return true;
    }
    let starts = |s: &str| s.to_lowercase().starts_with(&t);
    starts(value)
        || starts(label)
        || label
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| !w.is_empty() && starts(w))
}

/// Fields whose values complete from a list (their key triggers value
/// completion right away).
fn has_value_list(field: &Field) -> bool {
    matches!(
        field.kind,
        FieldKind::Select
            | FieldKind::MultipleChoice
            | FieldKind::Licence
            | FieldKind::Organization
            | FieldKind::Tags
    )
}

impl Cx<'_> {
    fn format(&self) -> Format {
        self.doc.format()
    }

    fn style(&self) -> &Style {
        self.style.get_or_init(|| Style::of(self.doc))
    }

    fn values(&self, pointer: &str) -> Vec<Completion> {
        if pointer == "/type" {
            let t = &self.schema.dataset_type;
            let choice = Choice {
                value: t.clone(),
                label: t.clone(),
                next: Vec::new(),
            };
            return self.choice_items([&choice].into_iter(), false);
        }
        let Some(field) = field_at(self.schema, pointer) else {
            return Vec::new();
        };
        match field.kind {
            FieldKind::Tags => self.keywords(),
            // `displayed: |` takes a list: `[displayed]`
            FieldKind::MultipleChoice => {
                let wrap = self.cursor.quote.is_none();
                self.choice_items(choices_of(&field, self.schema, self.extra).iter(), wrap)
            }
            _ if field.start_state.is_some() => {
                let states = allowed_states(&field, self.root, self.extra);
                let mut items = self.choice_items(states.into_iter(), false);
                if self.extra.publish_state == CatalogueState::Unreachable && has_id(self.root) {
                    for item in &mut items {
                        let label = item.detail.take().unwrap_or_else(|| item.label.clone());
                        item.detail = Some(format!(
                            "{label} (catalogue unreachable: every state is listed; the \
                             catalogue accepts only the moves its current state allows)"
                        ));
                    }
                }
                items
            }
            _ => self.choice_items(choices_of(&field, self.schema, self.extra).iter(), false),
        }
    }

    /// Items of a list: the choices not in it yet, or a new entry of a
    /// list of objects.
    fn items(&self, list: &str) -> Vec<Completion> {
        let Some(field) = field_at(self.schema, list) else {
            return Vec::new();
        };
        match field.kind {
            FieldKind::MultipleChoice => {
                let present: HashSet<&str> = self
                    .root
                    .and_then(|r| r.pointer(list))
                    .and_then(Node::as_seq)
                    .unwrap_or(&[])
                    .iter()
                    .filter(|n| !touches(&n.range, &self.cursor.token))
                    .filter_map(Node::as_str)
                    .collect();
                let choices = choices_of(&field, self.schema, self.extra);
                self.choice_items(
                    choices
                        .iter()
                        .filter(|c| !present.contains(c.value.as_str())),
                    false,
                )
            }
            FieldKind::Repeating if self.cursor.prefix.is_empty() => {
                vec![self.entry_item(&field, false)]
            }
            _ => Vec::new(),
        }
    }

    fn choice_items<'c>(
        &self,
        choices: impl Iterator<Item = &'c Choice>,
        wrap_in_list: bool,
    ) -> Vec<Completion> {
        choices
            .enumerate()
            .filter(|(_, c)| matches(&self.cursor.prefix, &c.value, &c.label))
            .map(|(i, c)| {
                let (replace_range, insert_text) = self.value_edit(&c.value, wrap_in_list);
                Completion {
                    label: c.value.clone(),
                    detail: (c.label != c.value).then(|| c.label.clone()),
                    documentation: None,
                    kind: CompletionKind::Value,
                    insert_text,
                    snippet: None,
                    replace_range,
                    additional_edits: Vec::new(),
                    filter_text: if c.label == c.value {
                        c.value.clone()
                    } else {
                        format!("{} {}", c.value, c.label)
                    },
                    sort_text: format!("{i:04}"),
                    retrigger: false,
                }
            })
            .collect()
    }

    /// The range and text that put `value` at the cursor: escaped inside
    /// quotes, else quoted as the format needs.
    fn value_edit(&self, value: &str, wrap_in_list: bool) -> (Range<usize>, String) {
        let c = self.cursor;
        match c.quote {
            Some(q) => {
                let close = if c.closed {
                    String::new()
                } else {
                    q.to_string()
                };
                (
                    c.content(),
                    format!("{}{close}", style::escape_in_quotes(value, q)),
                )
            }
            None => {
                let text = if wrap_in_list {
                    style::flow_list(&[value], self.format())
                } else {
                    style::scalar(value, self.format(), c.flow)
                };
                let pad = if c.pad { " " } else { "" };
                (c.token.clone(), format!("{pad}{text}"))
            }
        }
    }

    /// Keywords for the comma-separated part at the cursor, leaving out
    /// those the value already has.
    fn keywords(&self) -> Vec<Completion> {
        let c = self.cursor;
        let content = c.content();
        let text = self.doc.slice(content.clone());
        let at = (c.offset - content.start).min(text.len());
        let before = &text[..at];
        let part_start = before.rfind(',').map_or(0, |i| i + 1);
        let typed = before[part_start..].trim_start();
        let start = content.start + at - typed.len();
        let after = &text[at..];
        let end = c.offset + after.find(',').unwrap_or(after.trim_end().len());
        let current_part = before.matches(',').count();
        let present: HashSet<String> = text
            .split(',')
            .enumerate()
            .filter(|(i, _)| *i != current_part)
            .map(|(_, k)| k.trim().to_lowercase())
            .collect();
        // a space after the comma, as keywords are usually written
        let space = if start > content.start && before.ends_with(',') {
            " "
        } else {
            ""
        };
        let whole_json_value = c.quote.is_none() && self.format() == Format::Json;
        let mut seen = HashSet::new();
        self.extra
            .keywords
            .iter()
            .filter(|k| {
                let lower = k.to_lowercase();
                !present.contains(&lower)
                    && matches(typed, k, k)
                    && seen.insert(lower)
                    && !k.trim().is_empty()
            })
            .map(|k| {
                let (replace_range, insert_text) = if whole_json_value {
                    (c.token.clone(), style::json_string(k))
                } else {
                    (start..end.max(start), format!("{space}{k}"))
                };
                Completion {
                    label: k.clone(),
                    detail: None,
                    documentation: None,
                    kind: CompletionKind::Keyword,
                    insert_text,
                    snippet: None,
                    replace_range,
                    additional_edits: Vec::new(),
                    filter_text: k.clone(),
                    sort_text: k.to_lowercase(),
                    retrigger: false,
                }
            })
            .collect()
    }

    /// Field names of the mapping at `object` that it does not have yet.
    fn keys(&self, object: &str) -> Vec<Completion> {
        let mut out = Vec::new();
        // a deeper line under `contacts:`: a new entry of that list
        let names_list = crate::syntax::split_pointer(object)
            .is_some_and(|(_, last)| last.parse::<usize>().is_err());
        if self.format() == Format::Yaml && names_list {
            if let Some(list) = field_at(self.schema, object) {
                if list.kind == FieldKind::Repeating && self.cursor.prefix.is_empty() {
                    out.push(self.entry_item(&list, true));
                }
                return out;
            }
        }
        let Some(fields) = self.schema.object_fields(object) else {
            return out;
        };
        let node = self.root.and_then(|r| r.pointer(object));
        let present: HashSet<&str> = node
            .and_then(Node::as_map)
            .unwrap_or(&[])
            .iter()
            .filter(|e| !touches(&e.key_range, &self.cursor.token))
            .map(|e| e.key.as_str())
            .collect();
        let resources = (object.is_empty()).then(|| resources_field(self.schema));
        let candidates = fields.iter().chain(resources.as_ref());
        for (i, field) in candidates.enumerate() {
            if field.system
                || present.contains(field.name.as_str())
                || !matches(&self.cursor.prefix, &field.name, &field.label)
            {
                continue;
            }
            let group = if field.required {
                0
            } else if condition_holds(field, node) {
                1
            } else {
                2
            };
            out.push(self.key_item(field, format!("{group}{i:03}")));
        }
        if object.is_empty()
            && !present.contains("type")
            && matches(&self.cursor.prefix, "type", "type")
        {
            out.push(self.type_item());
        }
        // after `- ` in a list of objects, the whole entry is one choice
        if matches!(self.cursor.place, Place::ItemStart { .. }) && self.cursor.prefix.is_empty() {
            if let Some((list, _)) = crate::syntax::split_pointer(object) {
                if let Some(f) = field_at(self.schema, list) {
                    out.push(self.entry_item(&f, false));
                }
            }
        }
        out
    }

    fn key_item(&self, field: &Field, sort_text: String) -> Completion {
        let c = self.cursor;
        let layout = self.style();
        let key_text = |name: &str| match self.format() {
            Format::Yaml => style::yaml_scalar(name, false),
            Format::Json => style::json_string(name),
        };
        let (insert_text, snippet, retrigger) = if c.has_colon {
            (key_text(&field.name), None, false)
        } else if has_value_list(field) {
            (format!("{}: ", key_text(&field.name)), None, true)
        } else {
            let plain = style::new_entry(field, &c.indent, layout, &mut Stops::plain());
            let snippet = style::new_entry(field, &c.indent, layout, &mut Stops::snippet());
            (plain.clone(), (snippet != plain).then_some(snippet), false)
        };
        let mut item = Completion {
            label: field.name.clone(),
            detail: Some(field.label.clone()),
            documentation: Some(hover::field_doc(
                field,
                self.schema,
                self.extra,
                None,
                false,
            )),
            kind: CompletionKind::Field,
            insert_text,
            snippet,
            replace_range: c.token.clone(),
            additional_edits: Vec::new(),
            filter_text: self.key_filter_text(&field.name, &field.label),
            sort_text,
            retrigger,
        };
        self.json_commas(&mut item);
        item
    }

    /// `type: bcdc_dataset`: the core key that marks a record file.
    fn type_item(&self) -> Completion {
        let t = &self.schema.dataset_type;
        let text = match self.format() {
            Format::Yaml => format!("type: {}", style::yaml_scalar(t, false)),
            Format::Json => format!("\"type\": {}", style::json_string(t)),
        };
        let mut item = Completion {
            label: "type".into(),
            detail: Some("Dataset type".into()),
            documentation: Some(format!(
                "The dataset type: `{t}` marks this file as a record."
            )),
            kind: CompletionKind::Field,
            insert_text: if self.cursor.has_colon {
                "type".into()
            } else {
                text
            },
            snippet: None,
            replace_range: self.cursor.token.clone(),
            additional_edits: Vec::new(),
            filter_text: self.key_filter_text("type", "type"),
            sort_text: "0999".into(),
            retrigger: false,
        };
        self.json_commas(&mut item);
        item
    }

    /// When the replaced token starts with a quote, the client filters on
    /// text that starts with it.
    fn key_filter_text(&self, name: &str, label: &str) -> String {
        match self.cursor.quote {
            Some(q) => format!("{q}{name}"),
            None if self.doc.slice(self.cursor.token.clone()).starts_with('"') => {
                format!("\"{name}")
            }
            None => format!("{name} {label}"),
        }
    }

    /// A new entry of a list of objects with its required fields; `dash`:
    /// write the `- ` too (YAML).
    fn entry_item(&self, list: &Field, dash: bool) -> Completion {
        let c = self.cursor;
        let layout = self.style();
        let dash_col = if dash {
            c.indent.len()
        } else {
            c.indent.len().saturating_sub(2)
        };
        let indent = match self.format() {
            Format::Yaml => " ".repeat(dash_col),
            Format::Json => c.indent.clone(),
        };
        let lead = if dash { "- " } else { "" };
        let plain = style::list_entry(list, &indent, layout, &mut Stops::plain());
        let snippet = style::list_entry(list, &indent, layout, &mut Stops::snippet());
        let names: Vec<&str> = super::entry_fields(&list.subfields)
            .iter()
            .map(|f| f.name.as_str())
            .collect();
        Completion {
            label: format!("{lead}{}", names.join(", ")),
            detail: Some(format!("New {} entry", list.label)),
            documentation: None,
            kind: CompletionKind::Entry,
            insert_text: format!("{lead}{plain}"),
            snippet: Some(format!("{lead}{snippet}")),
            replace_range: c.token.clone(),
            additional_edits: Vec::new(),
            filter_text: format!("{lead}{}", names.join(" ")),
            sort_text: "/".into(),
            retrigger: false,
        }
    }

    /// A new JSON member needs a comma after the one before it, and one
    /// before a member that follows.
    fn json_commas(&self, item: &mut Completion) {
        if self.format() != Format::Json || self.cursor.has_colon {
            return;
        }
        let range = &item.replace_range;
        let before = self.doc.slice(0..range.start);
        if let Some((i, ch)) = before
            .char_indices()
            .rev()
            .find(|(_, ch)| !ch.is_whitespace())
        {
            if !matches!(ch, '{' | ',') {
                let after = i + ch.len_utf8();
                item.additional_edits.push(Edit {
                    range: after..after,
                    new_text: ",".into(),
                });
            }
        }
        let after = self
            .doc
            .slice(range.end..self.doc.text().len_bytes().min(range.end + 4096));
        if after.trim_start().starts_with('"') {
            item.insert_text.push(',');
            if let Some(s) = &mut item.snippet {
                s.push(',');
            }
        }
    }
}

/// Does a node overlap the token being typed (so it is the one typed)?
fn touches(range: &Range<usize>, token: &Range<usize>) -> bool {
    range.start <= token.end && token.start <= range.end
}

/// Is a conditional field required by the values its mapping has now?
fn condition_holds(field: &Field, object: Option<&Node>) -> bool {
    let Some(c) = &field.condition else {
        return false;
    };
    object
        .and_then(|o| o.get(&c.field))
        .and_then(Node::as_str)
        .is_some_and(|v| c.values.iter().any(|x| x == v))
}

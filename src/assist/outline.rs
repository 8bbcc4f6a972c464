//! The outline: the record's fields, with each entry of a list of objects
//! (a contact, a resource) named by its `name` and holding its own fields.

use super::field_at;
use crate::schema::Schema;
use crate::syntax::{push_pointer, Document, Entry, Node, Value};
use std::ops::Range;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolKind {
    Object,
    Array,
    String,
    Number,
    Boolean,
    Null,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub detail: Option<String>,
    pub kind: SymbolKind,
    /// The whole key and value, or the whole list entry.
    pub range: Range<usize>,
    /// The key, or what names the entry.
    pub selection_range: Range<usize>,
    pub children: Vec<Symbol>,
}

/// Subfields that name a list entry, in order of preference.
const NAMING_KEYS: [&str; 5] = ["name", "title", "type", "description", "url"];

/// Values shown as a symbol's detail are cut to this many characters.
const DETAIL_CHARS: usize = 60;

pub fn outline(doc: &Document, schema: &Schema) -> Vec<Symbol> {
    match doc.root() {
        Some(root) => entries(doc, schema, root, ""),
        None => Vec::new(),
    }
}

fn entries(doc: &Document, schema: &Schema, node: &Node, pointer: &str) -> Vec<Symbol> {
    node.as_map()
        .unwrap_or(&[])
        .iter()
        .map(|e| entry(doc, schema, e, &push_pointer(pointer, &e.key)))
        .collect()
}

fn entry(doc: &Document, schema: &Schema, e: &Entry, pointer: &str) -> Symbol {
    let label = field_at(schema, pointer).map(|f| f.label.clone());
    let (kind, detail, children) = match &e.value.value {
        Value::Map(_) => (
            SymbolKind::Object,
            label,
            entries(doc, schema, &e.value, pointer),
        ),
        Value::Seq(items) => {
            let list_label = label.clone().unwrap_or_else(|| e.key.clone());
            let children = items
                .iter()
                .enumerate()
                .filter(|(_, item)| item.as_map().is_some())
                .map(|(i, item)| list_entry(doc, schema, item, pointer, i, &list_label))
                .collect();
            (SymbolKind::Array, label, children)
        }
        Value::String(s) => (SymbolKind::String, Some(summary(s)), Vec::new()),
        Value::Number(n) => (SymbolKind::Number, Some(n.to_string()), Vec::new()),
        Value::Bool(b) => (SymbolKind::Boolean, Some(b.to_string()), Vec::new()),
        Value::Null | Value::Missing => (SymbolKind::Null, label, Vec::new()),
    };
    Symbol {
        name: e.key.clone(),
        detail,
        kind,
        range: e.range(),
        selection_range: e.key_range.clone(),
        children,
    }
}

/// One entry of a list of objects, named by its `name` (or title, ...).
fn list_entry(
    doc: &Document,
    schema: &Schema,
    item: &Node,
    list: &str,
    i: usize,
    list_label: &str,
) -> Symbol {
    let naming = NAMING_KEYS.iter().find_map(|k| {
        let e = item.entry(k)?;
        let s = e.value.as_str().filter(|s| !s.trim().is_empty())?;
        Some((summary(s), e.value.range.clone()))
    });
    let first_key = item
        .as_map()
        .and_then(|m| m.first())
        .map(|e| e.key_range.clone());
    let position = format!("{list_label} {}", i + 1);
    let (name, selection_range) = match naming {
        Some((name, range)) => (name, range),
        None => (
            position.clone(),
            first_key.unwrap_or_else(|| item.range.clone()),
        ),
    };
    // the whole entry, from its `- `
    let line = doc.slice(item.range.start.saturating_sub(256)..item.range.start);
    let dash = line
        .strip_suffix(|c: char| c == ' ')
        .map(|l| l.trim_end_matches(' '))
        .filter(|l| l.ends_with('-'))
        .map(|l| item.range.start - (line.len() - l.len() + 1));
    Symbol {
        name,
        detail: Some(position),
        kind: SymbolKind::Object,
        range: dash.unwrap_or(item.range.start)..item.range.end,
        selection_range,
        children: entries(doc, schema, item, &push_pointer(list, &i.to_string())),
    }
}

/// A value on one line, cut short.
fn summary(s: &str) -> String {
    let line = s.lines().next().unwrap_or("").trim();
    let mut out: String = line.chars().take(DETAIL_CHARS).collect();
    if out.len() < line.len() || s.trim().lines().nth(1).is_some() {
        out.push('…');
    }
    out
}

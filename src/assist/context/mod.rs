//! What the cursor is on.
//!
//! For completion, [`cursor`] reads the text itself (the lines above the
//! cursor in YAML, the tokens before it in JSON), so that a half-typed line
//! that does not parse yet still tells which key or value is being typed.
//! For hover, [`target`] walks the value tree, which holds the finished keys
//! and values.

mod json;
mod yaml;

use crate::syntax::{push_pointer, Document, Format, Node, Value};
use std::ops::Range;

/// Where in the record the cursor is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// Typing a key of the mapping at `object` (a pointer).
    Key { object: String },
    /// Typing the value of the field at `pointer`.
    Value { pointer: String },
    /// Typing item `index` of the list at `list`, in `[...]` or JSON.
    Item { list: String, index: usize },
    /// At the start of a YAML block list item (`- |`): a key of a new entry
    /// or a scalar item, depending on what the list holds.
    ItemStart { list: String, index: usize },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cursor {
    pub place: Place,
    /// The byte offset of the cursor.
    pub offset: usize,
    /// The text typed before the cursor in the current key or value,
    /// without its opening quote.
    pub prefix: String,
    /// The key or value token the cursor is in, with its quotes (empty at
    /// the cursor when nothing is typed yet).
    pub token: Range<usize>,
    /// Inside quotes: the quote character.
    pub quote: Option<char>,
    /// Whether the quoted token has its closing quote.
    pub closed: bool,
    /// Inside a flow list (`[a, b]`), where `,` ends a plain value.
    pub flow: bool,
    /// For a key: a `:` already follows it.
    pub has_colon: bool,
    /// Right after `key:` with no space: a value needs one before it.
    pub pad: bool,
    /// White space that puts a new line at the key's (or item's) column.
    pub indent: String,
}

impl Cursor {
    /// The text between the quotes (the token when not inside quotes).
    pub fn content(&self) -> Range<usize> {
        match self.quote {
            Some(_) => {
                let end = if self.closed {
                    self.token.end - 1
                } else {
                    self.token.end
                };
                self.token.start + 1..end.max(self.token.start + 1)
            }
            None => self.token.clone(),
        }
    }
}

/// What is being typed at `offset`; `None` where nothing can be completed
/// (inside a comment, a block scalar, after a finished value).
pub fn cursor(doc: &Document, offset: usize) -> Option<Cursor> {
    let rope = doc.text();
    let offset = rope.char_to_byte(rope.byte_to_char(offset.min(rope.len_bytes())));
    let text = doc.slice(0..rope.len_bytes());
    match doc.format() {
        Format::Yaml => yaml::cursor(&text, offset),
        Format::Json => json::cursor(&text, offset),
    }
}

/// What hover shows at an offset: a key or a value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// The field's pointer (a list item's pointer for an item value).
    pub pointer: String,
    pub on_key: bool,
    /// The key's or value's range.
    pub range: Range<usize>,
}

/// The innermost key or scalar value at `offset` (a position just after a
/// token counts as on it, as cursors sit between characters).
pub fn target(doc: &Document, offset: usize) -> Option<Target> {
    let mut node = doc.root()?;
    let mut pointer = String::new();
    let within = |r: &Range<usize>| r.start <= offset && offset <= r.end && !r.is_empty();
    loop {
        match &node.value {
            Value::Map(entries) => {
                let entry = entries.iter().rev().find(|e| {
                    within(&e.key_range) || within(&e.value.range) || within(&e.range())
                })?;
                let here = push_pointer(&pointer, &entry.key);
                if within(&entry.key_range) {
                    return Some(Target {
                        pointer: here,
                        on_key: true,
                        range: entry.key_range.clone(),
                    });
                }
                if !within(&entry.value.range) {
                    return None;
                }
                pointer = here;
                node = &entry.value;
            }
            Value::Seq(items) => {
                let (i, item) = items
                    .iter()
                    .enumerate()
                    .rev()
                    .find(|(_, n)| within(&n.range))?;
                pointer = push_pointer(&pointer, &i.to_string());
                node = item;
            }
            _ => return scalar_target(node, pointer),
        }
    }
}

fn scalar_target(node: &Node, pointer: String) -> Option<Target> {
    Some(Target {
        pointer,
        on_key: false,
        range: node.range.clone(),
    })
}

/// The end of a quoted token that starts at `start` (its opening quote):
/// the index after the closing quote, or `None` when it is not closed
/// before `limit`.
fn quoted_end(s: &str, start: usize, limit: usize) -> Option<usize> {
    let b = s.as_bytes();
    let q = b[start];
    let mut i = start + 1;
    while i < limit {
        match b[i] {
            b'\\' if q == b'"' => i += 2,
            c if c == q => {
                if q == b'\'' && i + 1 < limit && b[i + 1] == b'\'' {
                    i += 2;
                } else {
                    return Some(i + 1);
                }
            }
            _ => i += 1,
        }
    }
    None
}

/// The typed text of a quoted token up to the cursor, with the simple
/// escapes undone (enough to filter completions).
fn unquote_prefix(raw: &str, quote: char) -> String {
    if quote == '\'' {
        raw.replace("''", "'")
    } else {
        raw.replace("\\\"", "\"").replace("\\\\", "\\")
    }
}

#[cfg(test)]
mod tests;

//! Error-tolerant parsing of record files into a small value tree with byte
//! ranges.
//!
//! Parsing never fails: a [`Document`] always has a (possibly empty) tree and
//! a list of syntax errors. tree-sitter keeps the parts of a half-typed file
//! that do parse, so the rest of the file can still be checked and completed.
//! The tree-sitter tree is kept for incremental reparsing after edits.

mod document;
mod json;
mod parse;
mod scalar;
mod segment;
mod yaml;

pub use document::{Document, Spot};
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::ops::Range;

/// Deeper nesting than this is reported and cut off (records are ~5 deep).
pub const MAX_DEPTH: usize = 64;
/// YAML aliases may expand to at most this many nodes in all ("billion laughs").
pub const MAX_ALIAS_NODES: usize = 10_000;
/// tree-sitter-yaml's scanner keeps rows in 16 bits: a YAML text past this
/// parses as one error. Large records are parsed in segments (see
/// `segment`), so only a single entry this long is refused, plainly.
pub const MAX_YAML_LINES: usize = 32_767;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Json,
}

impl Format {
    /// The format a file name implies: `.json` is JSON, anything else YAML.
    pub fn from_path(path: &str) -> Format {
        if path.to_ascii_lowercase().ends_with(".json") {
            Format::Json
        } else {
            Format::Yaml
        }
    }
}

/// A parsed value with the byte range of its text.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub range: Range<usize>,
    pub value: Value,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(String),
    Map(Vec<Entry>),
    Seq(Vec<Node>),
    /// A key or list item typed with no value yet (`license_id:`, `- `);
    /// the range is empty, where the value would go.
    Missing,
}

/// One `key: value` of a mapping.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_range: Range<usize>,
    pub value: Node,
}

impl Entry {
    /// From the start of the key to the end of the value.
    pub fn range(&self) -> Range<usize> {
        self.key_range.start..self.value.range.end.max(self.key_range.end)
    }
}

/// A problem found while parsing: broken syntax, a duplicate key, or a limit
/// reached (nesting depth, alias expansion, file size).
#[derive(Clone, Debug, PartialEq)]
pub struct SyntaxError {
    pub range: Range<usize>,
    pub message: String,
    pub kind: SyntaxErrorKind,
}

impl SyntaxError {
    /// Reported once per document, where the limit was first reached.
    pub(crate) fn too_deep(at: usize) -> SyntaxError {
        SyntaxError {
            range: at..at,
            message: format!("nesting deeper than {MAX_DEPTH} levels is not read"),
            kind: SyntaxErrorKind::Limit,
        }
    }

    /// On the later of two entries with the same key.
    pub(crate) fn duplicate_key(entry: &Entry) -> SyntaxError {
        SyntaxError {
            range: entry.key_range.clone(),
            message: format!(
                "duplicate key `{}`: the catalogue would keep only the last one",
                entry.key
            ),
            kind: SyntaxErrorKind::DuplicateKey,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyntaxErrorKind {
    Syntax,
    DuplicateKey,
    Limit,
}

impl Node {
    /// Moves every range in this subtree by `delta` bytes (a reused parse
    /// of text that moved).
    pub(crate) fn shift(&mut self, delta: isize) {
        let mv = |r: &mut Range<usize>| {
            r.start = r.start.wrapping_add_signed(delta);
            r.end = r.end.wrapping_add_signed(delta);
        };
        mv(&mut self.range);
        match &mut self.value {
            Value::Map(entries) => {
                for e in entries {
                    mv(&mut e.key_range);
                    e.value.shift(delta);
                }
            }
            Value::Seq(items) => items.iter_mut().for_each(|n| n.shift(delta)),
            _ => {}
        }
    }

    /// Gives this subtree's keys and values `range` (an alias's expansion).
    pub(crate) fn place_at(&mut self, range: &Range<usize>) {
        self.range = range.clone();
        match &mut self.value {
            Value::Map(entries) => {
                for e in entries {
                    e.key_range = range.clone();
                    e.value.place_at(range);
                }
            }
            Value::Seq(items) => items.iter_mut().for_each(|n| n.place_at(range)),
            _ => {}
        }
    }

    pub fn as_map(&self) -> Option<&[Entry]> {
        match &self.value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The entry for `key` (the last one when a key is duplicated, as the
    /// catalogue's JSON parser would keep it).
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.as_map()?.iter().rev().find(|e| e.key == key)
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    /// Null, missing, an empty string, list or mapping: what the catalogue
    /// reports as "Missing value".
    pub fn is_empty_value(&self) -> bool {
        match &self.value {
            Value::Null | Value::Missing => true,
            Value::String(s) => s.trim().is_empty(),
            Value::Seq(items) => items.is_empty(),
            Value::Map(entries) => entries.is_empty(),
            _ => false,
        }
    }

    /// The JSON value the catalogue would receive (missing values as null).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null | Value::Missing => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Number(n) => J::Number(n.clone()),
            Value::String(s) => J::String(s.clone()),
            Value::Seq(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(entries) => J::Object(
                entries
                    .iter()
                    .map(|e| (e.key.clone(), e.value.to_json()))
                    .collect(),
            ),
        }
    }

    /// A hash of the value, its keys and everything under it, but not of
    /// the ranges: equal values in different places have equal
    /// fingerprints.
    pub fn fingerprint(&self) -> u64 {
        let mut h = DefaultHasher::new();
        self.hash_value(&mut h);
        h.finish()
    }

    fn hash_value(&self, h: &mut DefaultHasher) {
        std::mem::discriminant(&self.value).hash(h);
        match &self.value {
            Value::Null | Value::Missing => {}
            Value::Bool(b) => b.hash(h),
            Value::Number(n) => n.hash(h),
            Value::String(s) => s.hash(h),
            Value::Map(entries) => {
                entries.len().hash(h);
                for e in entries {
                    e.key.hash(h);
                    e.value.hash_value(h);
                }
            }
            Value::Seq(items) => {
                items.len().hash(h);
                items.iter().for_each(|n| n.hash_value(h));
            }
        }
    }

    /// Follows an RFC 6901 JSON pointer (`""` is this node).
    pub fn pointer(&self, pointer: &str) -> Option<&Node> {
        let mut node = self;
        for token in pointer_tokens(pointer) {
            node = match &node.value {
                Value::Map(_) => node.get(&token)?,
                Value::Seq(items) => items.get(token.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// The mapping entry whose value the pointer names.
    pub fn pointer_entry(&self, pointer: &str) -> Option<&Entry> {
        let (parent, last) = split_pointer(pointer)?;
        self.pointer(parent)?.entry(&last)
    }
}

/// The unescaped reference tokens of a JSON pointer.
pub fn pointer_tokens(pointer: &str) -> impl Iterator<Item = String> + '_ {
    pointer
        .split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
}

/// Splits `/a/b` into the parent pointer `/a` and the last token `b`.
pub fn split_pointer(pointer: &str) -> Option<(&str, String)> {
    let i = pointer.rfind('/')?;
    Some((
        &pointer[..i],
        pointer[i + 1..].replace("~1", "/").replace("~0", "~"),
    ))
}

/// Appends one token to a pointer, escaping it.
pub fn push_pointer(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", token.replace('~', "~0").replace('/', "~1"))
}

#[cfg(test)]
mod tests;

//! Error-tolerant parsing of record files into a small value tree with byte
//! ranges.
//!
//! Parsing never fails: a [`Document`] always has a (possibly empty) tree and
//! a list of syntax errors. tree-sitter keeps the parts of a half-typed file
//! that do parse, so the rest of the file can still be checked and completed.
//! The tree-sitter tree is kept for incremental reparsing after edits.

mod json;
mod scalar;
mod yaml;

use ropey::Rope;
use std::borrow::Cow;
use std::ops::Range;
use tree_sitter::{InputEdit, Parser, Point, Tree};

/// Deeper nesting than this is reported and cut off (records are ~5 deep).
pub const MAX_DEPTH: usize = 64;
/// YAML aliases may expand to at most this many nodes in all ("billion laughs").
pub const MAX_ALIAS_NODES: usize = 10_000;
/// tree-sitter-yaml's scanner keeps rows in 16 bits: past this a YAML file
/// parses as one error, so it is refused with a plain message instead.
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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyntaxErrorKind {
    Syntax,
    DuplicateKey,
    Limit,
}

impl Node {
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

/// A record file's text, its tree-sitter tree and the value tree built from it.
pub struct Document {
    text: Rope,
    format: Format,
    tree: Option<Tree>,
    root: Option<Node>,
    errors: Vec<SyntaxError>,
    dirty: bool,
}

impl Document {
    pub fn parse(text: &str, format: Format) -> Document {
        let mut doc = Document {
            text: Rope::from_str(text),
            format,
            tree: None,
            root: None,
            errors: Vec::new(),
            dirty: true,
        };
        doc.reparse();
        doc
    }

    pub fn text(&self) -> &Rope {
        &self.text
    }

    pub fn format(&self) -> Format {
        self.format
    }

    /// The top-level value; `None` for an empty document.
    pub fn root(&self) -> Option<&Node> {
        self.root.as_ref()
    }

    pub fn syntax_errors(&self) -> &[SyntaxError] {
        &self.errors
    }

    /// The text of a byte range (borrowed when it lies in one rope chunk);
    /// the ends are clamped and snapped to character boundaries.
    pub fn slice(&self, range: Range<usize>) -> Cow<'_, str> {
        let snap = |b: usize| {
            let b = b.min(self.text.len_bytes());
            self.text.char_to_byte(self.text.byte_to_char(b))
        };
        let end = snap(range.end);
        let start = snap(range.start).min(end);
        self.text.byte_slice(start..end).into()
    }

    /// Replaces a byte range with new text. The tree-sitter tree is told of
    /// the edit so that the next [`Document::reparse`] only reparses what
    /// changed. Offsets are clamped and snapped to character boundaries.
    pub fn edit(&mut self, range: Range<usize>, new_text: &str) {
        let len = self.text.len_bytes();
        let start_char = self.text.byte_to_char(range.start.min(len));
        let end_char = self.text.byte_to_char(range.end.min(len)).max(start_char);
        let start = self.text.char_to_byte(start_char);
        let old_end = self.text.char_to_byte(end_char);
        let start_position = self.point(start);
        let old_end_position = self.point(old_end);
        self.text.remove(start_char..end_char);
        self.text.insert(start_char, new_text);
        let new_end = start + new_text.len();
        let new_end_position = self.point(new_end);
        if let Some(tree) = &mut self.tree {
            tree.edit(&InputEdit {
                start_byte: start,
                old_end_byte: old_end,
                new_end_byte: new_end,
                start_position,
                old_end_position,
                new_end_position,
            });
        }
        self.dirty = true;
    }

    fn point(&self, offset: usize) -> Point {
        let row = self.text.byte_to_line(offset);
        Point::new(row, offset - self.text.line_to_byte(row))
    }

    /// Brings the trees up to date with the text (a no-op when nothing
    /// changed since the last parse).
    pub fn reparse(&mut self) {
        if !self.dirty {
            return;
        }
        self.dirty = false;
        self.errors.clear();
        if self.format == Format::Yaml && self.text.len_lines() > MAX_YAML_LINES {
            self.tree = None;
            self.root = None;
            self.errors.push(SyntaxError {
                kind: SyntaxErrorKind::Limit,
                range: 0..0,
                message: format!(
                    "this YAML file has {} lines; files over {MAX_YAML_LINES} lines cannot be \
                     parsed (write a large record as JSON)",
                    self.text.len_lines()
                ),
            });
            return;
        }
        let text = &self.text;
        let old = self.tree.take();
        let tree = with_parser(self.format, |parser| {
            parser.parse_with_options(
                &mut |byte: usize, _: Point| -> &[u8] {
                    if byte >= text.len_bytes() {
                        return &[];
                    }
                    let (chunk, start, _, _) = text.chunk_at_byte(byte);
                    &chunk.as_bytes()[byte - start..]
                },
                old.as_ref(),
                None,
            )
        });
        let Some(tree) = tree else {
            self.root = None;
            return;
        };
        let src = SourceText(text);
        let mut errors = Vec::new();
        self.root = match self.format {
            Format::Yaml => yaml::convert(&tree, &src, &mut errors),
            Format::Json => json::convert(&tree, &src, &mut errors),
        };
        collect_tree_errors(tree.root_node(), &src, &mut errors);
        errors.sort_by_key(|e| (e.range.start, e.range.end));
        errors.dedup();
        self.errors = errors;
        self.tree = Some(tree);
    }
}

/// Byte-range access to the text for the converters.
pub(crate) struct SourceText<'a>(&'a Rope);

impl SourceText<'_> {
    pub(crate) fn get(&self, range: Range<usize>) -> Cow<'_, str> {
        let end = range.end.min(self.0.len_bytes());
        self.0.byte_slice(range.start.min(end)..end).into()
    }
}

fn with_parser<R>(format: Format, f: impl FnOnce(&mut Parser) -> R) -> R {
    thread_local! {
        static YAML: std::cell::RefCell<Parser> = std::cell::RefCell::new(new_parser(Format::Yaml));
        static JSON: std::cell::RefCell<Parser> = std::cell::RefCell::new(new_parser(Format::Json));
    }
    let key = match format {
        Format::Yaml => &YAML,
        Format::Json => &JSON,
    };
    key.with(|p| f(&mut p.borrow_mut()))
}

fn new_parser(format: Format) -> Parser {
    let mut parser = Parser::new();
    let language: tree_sitter::Language = match format {
        Format::Yaml => tree_sitter_yaml::LANGUAGE.into(),
        Format::Json => tree_sitter_json::LANGUAGE.into(),
    };
    parser
        .set_language(&language)
        .expect("the bundled grammar matches the tree-sitter version");
    parser
}

/// Reports ERROR and MISSING nodes, descending only into subtrees that hold
/// an error. Each error is clamped to its first line so that one stray
/// character does not underline the rest of the file.
fn collect_tree_errors(root: tree_sitter::Node, src: &SourceText, out: &mut Vec<SyntaxError>) {
    if !root.has_error() {
        return;
    }
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        if node.is_missing() {
            let what = node.kind();
            out.push(SyntaxError {
                kind: SyntaxErrorKind::Syntax,
                range: node.start_byte()..node.end_byte(),
                message: if what.chars().all(|c| c.is_ascii_punctuation()) {
                    format!("syntax error: missing `{what}`")
                } else {
                    format!("syntax error: missing {what}")
                },
            });
            continue;
        }
        if node.is_error() {
            // An ERROR that wraps well-formed pairs or items (a stray line
            // among them) is reported at its stray parts, not as a whole.
            let mut cursor = node.walk();
            let children: Vec<_> = node.children(&mut cursor).collect();
            if children.iter().any(|c| is_structure(c.kind())) {
                for child in children {
                    if child.has_error() || child.is_missing() {
                        stack.push(child);
                    } else if !is_structure(child.kind()) && child.kind() != "comment" {
                        out.push(unexpected(child, src));
                    }
                }
            } else {
                out.push(unexpected(node, src));
            }
            continue;
        }
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            if child.has_error() || child.is_missing() {
                stack.push(child);
            }
        }
    }
}

fn is_structure(kind: &str) -> bool {
    matches!(
        kind,
        "block_mapping_pair" | "flow_pair" | "pair" | "block_sequence_item"
    )
}

fn unexpected(node: tree_sitter::Node, src: &SourceText) -> SyntaxError {
    let text = src.get(node.byte_range());
    let first_line = text.lines().next().unwrap_or("").trim_end();
    let shown: String = first_line.chars().take(40).collect();
    let ellipsis = if shown.len() < first_line.len() {
        "…"
    } else {
        ""
    };
    SyntaxError {
        kind: SyntaxErrorKind::Syntax,
        range: node.start_byte()..node.start_byte() + first_line.len(),
        message: if shown.trim().is_empty() {
            "syntax error".into()
        } else {
            format!("syntax error: unexpected `{shown}{ellipsis}`")
        },
    }
}

#[cfg(test)]
mod tests;

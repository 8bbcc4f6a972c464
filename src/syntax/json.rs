//! tree-sitter-json CST → value tree.

use super::parse::SourceText;
use super::{Entry, Node, SyntaxError, Value, MAX_DEPTH};
use tree_sitter::Tree;

type TsNode<'t> = tree_sitter::Node<'t>;

pub(super) fn convert(
    tree: &Tree,
    src: &SourceText,
    errors: &mut Vec<SyntaxError>,
) -> Option<Node> {
    let root = tree.root_node();
    let mut cursor = root.walk();
    let first = root
        .named_children(&mut cursor)
        .find(|c| c.kind() != "comment" && c.kind() != "ERROR")
        .or_else(|| (root.kind() != "document").then_some(root))?;
    let mut c = Converter {
        src,
        errors,
        reported_depth: false,
    };
    Some(c.value(first, 0))
}

struct Converter<'a, 'b> {
    src: &'a SourceText<'b>,
    errors: &'a mut Vec<SyntaxError>,
    reported_depth: bool,
}

impl Converter<'_, '_> {
    fn value(&mut self, node: TsNode, depth: usize) -> Node {
        let range = node.byte_range();
        if node.is_missing() {
            return Node {
                range: range.start..range.start,
                value: Value::Missing,
            };
        }
        if depth > MAX_DEPTH {
            if !self.reported_depth {
                self.reported_depth = true;
                self.errors.push(SyntaxError::too_deep(range.start));
            }
            return Node {
                range,
                value: Value::Null,
            };
        }
        let value = match node.kind() {
            "object" => Value::Map(self.entries(node, depth)),
            "array" => {
                let mut cursor = node.walk();
                let items: Vec<_> = node
                    .named_children(&mut cursor)
                    .filter(|c| !matches!(c.kind(), "comment" | "ERROR"))
                    .collect();
                Value::Seq(
                    items
                        .into_iter()
                        .map(|c| self.value(c, depth + 1))
                        .collect(),
                )
            }
            "string" => Value::String(self.string(node)),
            "number" => {
                let text = self.src.get(range.clone());
                serde_json::from_str::<serde_json::Number>(&text)
                    .map_or_else(|_| Value::String(text.into_owned()), Value::Number)
            }
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => Value::Null,
        };
        Node { range, value }
    }

    fn entries(&mut self, node: TsNode, depth: usize) -> Vec<Entry> {
        let mut pairs = Vec::new();
        collect_pairs(node, &mut pairs);
        let mut entries: Vec<Entry> = Vec::with_capacity(pairs.len());
        for pair in pairs {
            let Some(key) = pair.child_by_field_name("key") else {
                continue;
            };
            let entry = Entry {
                key: self.string(key),
                key_range: key.byte_range(),
                value: match pair.child_by_field_name("value") {
                    Some(v) => self.value(v, depth + 1),
                    None => Node {
                        range: pair.end_byte()..pair.end_byte(),
                        value: Value::Missing,
                    },
                },
            };
            if entries.iter().any(|e| e.key == entry.key) {
                self.errors.push(SyntaxError::duplicate_key(&entry));
            }
            entries.push(entry);
        }
        entries
    }

    /// A JSON string's content with escapes decoded (an unclosed string
    /// keeps its raw text).
    fn string(&self, node: TsNode) -> String {
        let raw = self.src.get(node.byte_range());
        serde_json::from_str::<String>(&raw).unwrap_or_else(|_| {
            let inner = raw.strip_prefix('"').unwrap_or(&raw);
            inner.strip_suffix('"').unwrap_or(inner).to_string()
        })
    }
}

fn collect_pairs<'t>(node: TsNode<'t>, out: &mut Vec<TsNode<'t>>) {
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        match child.kind() {
            "pair" => out.push(child),
            "ERROR" => collect_pairs(child, out),
            _ => {}
        }
    }
}

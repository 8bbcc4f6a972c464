//! tree-sitter-yaml CST → value tree.

use super::parse::SourceText;
use super::scalar;
use super::{Entry, Node, SyntaxError, SyntaxErrorKind, Value, MAX_ALIAS_NODES, MAX_DEPTH};
use std::collections::HashMap;
use tree_sitter::Tree;

/// An anchored value, for the aliases after it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Anchor {
    pub value: Node,
    /// How many values an alias of it expands to.
    pub size: usize,
    pub fingerprint: u64,
}

/// The anchors defined before a text (in earlier segments of a document),
/// by name, and how many more values aliases may expand to.
pub(crate) struct Scope<'s> {
    pub anchors: &'s HashMap<String, Anchor>,
    pub budget: usize,
}

impl Scope<'_> {
    /// No anchors before the text, and the whole alias budget.
    pub fn empty() -> Scope<'static> {
        static NONE: std::sync::OnceLock<HashMap<String, Anchor>> = std::sync::OnceLock::new();
        Scope {
            anchors: NONE.get_or_init(HashMap::new),
            budget: MAX_ALIAS_NODES,
        }
    }
}

/// What a text did with anchors: it defined some (in order), used some
/// from before it (by name, with the fingerprint of the value it got, or
/// `None` for an unknown one), and spent some of the alias budget. A text
/// converted again in a scope that gives the same values to the anchors it
/// used, with at least the budget it spent, converts the same.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct AnchorUse {
    pub defined: Vec<(String, Anchor)>,
    pub used: Vec<(String, Option<u64>)>,
    pub spent: usize,
    /// The budget it had, and whether it ran out.
    pub budget: usize,
    pub limited: bool,
}

impl AnchorUse {
    /// Defined, used and spent nothing: the text has no anchors or aliases.
    pub fn is_none(&self) -> bool {
        self.defined.is_empty() && self.used.is_empty() && self.spent == 0 && !self.limited
    }
}

/// The first document's value, and what it did with anchors.
pub(super) fn convert(
    tree: &Tree,
    src: &SourceText,
    errors: &mut Vec<SyntaxError>,
    scope: &Scope,
) -> (Option<Node>, AnchorUse) {
    let mut c = Converter {
        src,
        errors,
        scope,
        anchors: HashMap::new(),
        alias_budget: scope.budget,
        reported_depth: false,
        used: AnchorUse::default(),
    };
    let root = c.top(tree.root_node());
    c.used.spent = scope.budget - c.alias_budget;
    c.used.budget = scope.budget;
    (root, c.used)
}

struct Converter<'a, 'b, 's> {
    src: &'a SourceText<'b>,
    errors: &'a mut Vec<SyntaxError>,
    scope: &'a Scope<'s>,
    /// Values anchored in this text, with their node counts.
    anchors: HashMap<String, (Node, usize)>,
    alias_budget: usize,
    reported_depth: bool,
    used: AnchorUse,
}

type TsNode<'t> = tree_sitter::Node<'t>;

fn named_children(node: TsNode) -> impl Iterator<Item = TsNode> {
    let mut cursor = node.walk();
    let children: Vec<_> = node.named_children(&mut cursor).collect();
    children.into_iter()
}

impl Converter<'_, '_, '_> {
    /// The first document of the stream (a root ERROR still holds the pairs
    /// that parsed).
    fn top(&mut self, root: TsNode) -> Option<Node> {
        match root.kind() {
            "stream" => {
                let doc =
                    named_children(root).find(|c| c.kind() == "document" || c.kind() == "ERROR")?;
                self.top(doc)
            }
            "document" => {
                let content = named_children(root)
                    .find(|c| matches!(c.kind(), "block_node" | "flow_node" | "ERROR"))?;
                Some(self.value(content, 0))
            }
            _ => Some(self.value(root, 0)),
        }
    }

    fn value(&mut self, node: TsNode, depth: usize) -> Node {
        let range = node.byte_range();
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
            "block_node" | "flow_node" => return self.node_with_properties(node, depth),
            "block_mapping" | "flow_mapping" => Value::Map(self.entries(node, depth)),
            "block_sequence" => Value::Seq(
                named_children(node)
                    .filter(|c| c.kind() == "block_sequence_item")
                    .map(|item| self.sequence_item(item, depth))
                    .collect(),
            ),
            "flow_sequence" => Value::Seq(
                named_children(node)
                    .filter_map(|c| match c.kind() {
                        "flow_node" => Some(self.value(c, depth + 1)),
                        "flow_pair" => {
                            let entry = self.pair(c, depth + 1)?;
                            Some(Node {
                                range: c.byte_range(),
                                value: Value::Map(vec![entry]),
                            })
                        }
                        _ => None,
                    })
                    .collect(),
            ),
            "plain_scalar" => {
                let text = self.src.get(range.clone());
                let kind = node
                    .named_child(0)
                    .map(|c| c.kind())
                    .unwrap_or("string_scalar");
                scalar::plain(kind, &text)
            }
            "double_quote_scalar" => {
                Value::String(scalar::double_quoted(&self.src.get(range.clone())))
            }
            "single_quote_scalar" => {
                Value::String(scalar::single_quoted(&self.src.get(range.clone())))
            }
            "block_scalar" => {
                let text = self.src.get(range.clone());
                // end at the last content character, wherever tree-sitter
                // ended the node (it differs at the end of the input)
                let end = range.start + text.trim_end().len();
                // an explicit indentation indicator counts from the
                // indentation of the line the block starts on
                let line_start = self.src.0[..range.start].rfind('\n').map_or(0, |i| i + 1);
                let line = &self.src.0[line_start..range.start];
                let parent_indent = line.len() - line.trim_start_matches(' ').len();
                // tree-sitter leaves trailing spaces and empty lines out of
                // the node; `|+` keeps them, so read them from the text
                let rest = &self.src.0[range.end..];
                let blank = &rest[..rest.len() - rest.trim_start().len()];
                let trailing = blank.rfind('\n').map_or("", |i| &blank[..=i]);
                let value =
                    Value::String(scalar::block(&format!("{text}{trailing}"), parent_indent));
                return Node {
                    range: range.start..end,
                    value,
                };
            }
            "alias" => return self.alias(node),
            "ERROR" => return self.recover(node, depth),
            _ => Value::Null,
        };
        Node { range, value }
    }

    /// A node with optional `&anchor` and `!tag` before its content.
    fn node_with_properties(&mut self, node: TsNode, depth: usize) -> Node {
        let mut anchor = None;
        let mut tag = None;
        let mut content = None;
        for child in named_children(node) {
            match child.kind() {
                "anchor" => {
                    anchor = child
                        .named_child(0)
                        .map(|n| self.src.get(n.byte_range()).into_owned())
                }
                "tag" => tag = Some(self.src.get(child.byte_range()).into_owned()),
                "comment" => {}
                _ if content.is_none() => content = Some(self.value(child, depth + 1)),
                _ => {}
            }
        }
        let mut node = content.unwrap_or(Node {
            range: node.end_byte()..node.end_byte(),
            value: Value::Null,
        });
        if tag.as_deref() == Some("!!str") {
            if let Value::Bool(_) | Value::Number(_) | Value::Null = node.value {
                node.value = Value::String(self.src.get(node.range.clone()).into_owned());
            }
        }
        if let Some(name) = anchor {
            let size = count_nodes(&node);
            self.used.defined.push((
                name.clone(),
                Anchor {
                    value: node.clone(),
                    size,
                    fingerprint: node.fingerprint(),
                },
            ));
            self.anchors.insert(name, (node.clone(), size));
        }
        node
    }

    fn alias(&mut self, node: TsNode) -> Node {
        let range = node.byte_range();
        let name = node
            .named_child(0)
            .map(|n| self.src.get(n.byte_range()).into_owned())
            .unwrap_or_default();
        let found = match self.anchors.get(&name) {
            Some((value, size)) => Some((value, *size)),
            None => {
                let outer = self.scope.anchors.get(&name);
                if !self.used.used.iter().any(|(n, _)| *n == name) {
                    let fingerprint = outer.map(|a| a.fingerprint);
                    self.used.used.push((name.clone(), fingerprint));
                }
                outer.map(|a| (&a.value, a.size))
            }
        };
        let Some((target, size)) = found else {
            self.errors.push(SyntaxError {
                range: range.clone(),
                message: format!("unknown alias `*{name}` (no `&{name}` before it)"),
                kind: SyntaxErrorKind::Syntax,
            });
            return Node {
                range,
                value: Value::Null,
            };
        };
        if size > self.alias_budget {
            self.alias_budget = 0;
            if !self.used.limited {
                self.used.limited = true;
                self.errors.push(SyntaxError {
                    range: range.clone(),
                    message: format!(
                        "aliases expand to more than {MAX_ALIAS_NODES} values; the rest are not read"
                    ),
                    kind: SyntaxErrorKind::Limit,
                });
            }
            return Node {
                range,
                value: Value::Null,
            };
        }
        self.alias_budget -= size;
        // The whole expansion stands where the alias is: its problems show
        // there, and it moves with the alias's text (wherever the anchor is).
        let mut value = target.clone();
        value.place_at(&range);
        value
    }

    fn sequence_item(&mut self, item: TsNode, depth: usize) -> Node {
        match named_children(item).find(|c| c.kind() != "comment") {
            Some(content) => self.value(content, depth + 1),
            None => Node {
                range: item.end_byte()..item.end_byte(),
                value: Value::Missing,
            },
        }
    }

    fn entries(&mut self, node: TsNode, depth: usize) -> Vec<Entry> {
        let mut pairs = Vec::new();
        collect_pairs(node, &mut pairs);
        let mut entries: Vec<Entry> = Vec::with_capacity(pairs.len());
        for pair in pairs {
            let Some(entry) = self.pair(pair, depth + 1) else {
                continue;
            };
            if entries.iter().any(|e| e.key == entry.key) {
                self.errors.push(SyntaxError::duplicate_key(&entry));
            }
            entries.push(entry);
        }
        entries
    }

    fn pair(&mut self, pair: TsNode, depth: usize) -> Option<Entry> {
        let key_node = pair.child_by_field_name("key");
        let (key, key_range) = match key_node {
            Some(k) => {
                let v = self.value(k, depth);
                let key = match v.value {
                    Value::String(s) => s,
                    _ => self.src.get(v.range.clone()).into_owned(),
                };
                (key, k.byte_range())
            }
            // `- name` typed in a flow mapping: a key with no value
            None if pair.kind() == "flow_node" => (
                self.src.get(pair.byte_range()).into_owned(),
                pair.byte_range(),
            ),
            None => return None,
        };
        let value = match pair.child_by_field_name("value") {
            Some(v) => self.value(v, depth),
            None => Node {
                range: pair.end_byte()..pair.end_byte(),
                value: Value::Missing,
            },
        };
        Some(Entry {
            key,
            key_range,
            value,
        })
    }

    /// An ERROR node in value position: keep whatever structure it holds.
    fn recover(&mut self, node: TsNode, depth: usize) -> Node {
        let range = node.byte_range();
        let mut pairs = Vec::new();
        collect_pairs(node, &mut pairs);
        if !pairs.is_empty() {
            return Node {
                range,
                value: Value::Map(self.entries(node, depth)),
            };
        }
        let items: Vec<_> = named_children(node)
            .filter(|c| c.kind() == "block_sequence_item")
            .collect();
        if !items.is_empty() {
            let items = items
                .into_iter()
                .map(|i| self.sequence_item(i, depth))
                .collect();
            return Node {
                range,
                value: Value::Seq(items),
            };
        }
        match named_children(node).find(|c| matches!(c.kind(), "block_node" | "flow_node")) {
            Some(inner) => self.value(inner, depth + 1),
            None => Node {
                range,
                value: Value::Null,
            },
        }
    }
}

/// The pairs of a mapping, looking through ERROR nodes that wrap some of
/// them when a stray line sits among the pairs.
fn collect_pairs<'t>(node: TsNode<'t>, out: &mut Vec<TsNode<'t>>) {
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        match child.kind() {
            "block_mapping_pair" | "flow_pair" => out.push(child),
            "ERROR" => collect_pairs(child, out),
            _ => {}
        }
    }
}

fn count_nodes(node: &Node) -> usize {
    1 + match &node.value {
        Value::Map(entries) => entries.iter().map(|e| count_nodes(&e.value)).sum(),
        Value::Seq(items) => items.iter().map(count_nodes).sum(),
        _ => 0,
    }
}

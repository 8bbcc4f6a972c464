//! Running tree-sitter and converting its tree; reporting its errors.

use super::yaml::{AnchorUse, Scope};
use super::{json, yaml, Format, Node, SyntaxError, SyntaxErrorKind, MAX_YAML_LINES};
use std::borrow::Cow;
use std::ops::Range;
use tree_sitter::{Parser, Tree};

/// The text being converted (a whole document or one segment of it);
/// tree-sitter's ranges index into it.
pub(crate) struct SourceText<'a>(pub(crate) &'a str);

impl SourceText<'_> {
    pub(crate) fn get(&self, range: Range<usize>) -> Cow<'_, str> {
        let end = range.end.min(self.0.len());
        Cow::Borrowed(self.0.get(range.start.min(end)..end).unwrap_or(""))
    }
}

/// One text parsed: the tree (kept for incremental reparsing), the value
/// tree, syntax errors, and what it did with YAML anchors.
pub(crate) struct Parsed {
    pub tree: Option<Tree>,
    pub root: Option<Node>,
    pub errors: Vec<SyntaxError>,
    pub anchors: AnchorUse,
}

/// Parses `text` (reusing `old`, which must have been told of every edit
/// since it was made) and converts the result, with the anchors of `scope`
/// defined before it. Ranges are relative to `text`.
pub(crate) fn parse_text(text: &str, format: Format, old: Option<&Tree>, scope: &Scope) -> Parsed {
    if format == Format::Yaml && text.lines().count() > MAX_YAML_LINES {
        return Parsed {
            tree: None,
            root: None,
            errors: vec![SyntaxError {
                kind: SyntaxErrorKind::Limit,
                range: 0..0,
                message: format!(
                    "this YAML text has more than {MAX_YAML_LINES} lines in one entry and cannot be \
                     parsed; split it, or write a record this large as JSON"
                ),
            }],
            anchors: AnchorUse::default(),
        };
    }
    let Some(tree) = with_parser(format, |p| p.parse(text, old)) else {
        return Parsed {
            tree: None,
            root: None,
            errors: Vec::new(),
            anchors: AnchorUse::default(),
        };
    };
    let src = SourceText(text);
    let mut errors = Vec::new();
    let (root, anchors) = match format {
        Format::Yaml => yaml::convert(&tree, &src, &mut errors, scope),
        Format::Json => (
            json::convert(&tree, &src, &mut errors),
            AnchorUse::default(),
        ),
    };
    collect_tree_errors(tree.root_node(), &src, &mut errors);
    Parsed {
        tree: Some(tree),
        root,
        errors,
        anchors,
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

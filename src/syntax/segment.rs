//! Splits a large YAML record into independently parsed segments: each
//! top-level entry, and each item of a top-level block list (`resources`,
//! `contacts`). An edit then reparses one small segment, and the others are
//! reused by their content, wherever they moved.
//!
//! Column-0 lines of a record are its top-level keys (the values of a
//! top-level block mapping are indented, and so are their continuation
//! lines), and the items of a block list start with `-` at one indentation.
//! Anything else — tabs in indentation, a second document, a top level that
//! is not a block mapping — is left to the whole-document parser.

use std::ops::Range;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum Kind {
    /// A whole top-level `key: value` (with its nested lines).
    Entry,
    /// The `key:` line of a top-level block list.
    ListHeader,
    /// One item of the list whose header came last.
    ListItem,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Span {
    pub kind: Kind,
    pub range: Range<usize>,
}

/// The segments of `text`, in order and covering it, or `None` when it is
/// not shaped for segmenting.
pub(super) fn split(text: &str) -> Option<Vec<Span>> {
    let mut spans: Vec<Span> = Vec::new();
    let mut started = false;
    // the indentation of the current list's items, once known
    let mut list: Option<Option<usize>> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        let body = content.trim_start_matches(' ');
        if body.is_empty() || body.starts_with('#') {
            continue; // blank lines and comments stay with the segment before
        }
        if body.starts_with('\t') {
            return None;
        }
        let indent = content.len() - body.len();
        if !started {
            if body == "---" || body.starts_with('%') {
                continue;
            }
            started = true;
        } else if body == "---" || body == "..." {
            return None; // another document
        }
        let dash = body == "-" || body.starts_with("- ");
        if let Some(item_indent) = list {
            match item_indent {
                None if dash => {
                    list = Some(Some(indent));
                    spans.push(Span {
                        kind: Kind::ListItem,
                        range: start..start,
                    });
                    continue;
                }
                Some(i) if dash && indent == i => {
                    spans.push(Span {
                        kind: Kind::ListItem,
                        range: start..start,
                    });
                    continue;
                }
                Some(_) if indent > 0 => continue,
                None if indent > 0 => {
                    // not a list after all: a nested mapping or a scalar
                    let header = spans.last_mut().expect("a list header came first");
                    header.kind = Kind::Entry;
                    list = None;
                    continue;
                }
                _ => list = None,
            }
        }
        if indent > 0 {
            if spans.is_empty() {
                return None; // an indented top level
            }
            continue;
        }
        if dash || body.starts_with(['{', '[']) {
            return None; // a top-level list or flow mapping
        }
        let kind = if opens_block(body) {
            list = Some(None);
            Kind::ListHeader
        } else {
            Kind::Entry
        };
        spans.push(Span {
            kind,
            range: start..start,
        });
    }
    if let Some(None) = list {
        // a final `key:` with nothing after it
        if let Some(last) = spans.last_mut() {
            last.kind = Kind::Entry;
        }
    }
    // each segment runs to the next one's start; the first from the top
    let first = spans.first_mut()?;
    first.range.start = 0;
    for i in 0..spans.len() {
        let end = spans.get(i + 1).map_or(text.len(), |s| s.range.start);
        spans[i].range.end = end;
    }
    Some(spans)
}

/// A key line whose value is on the following lines (`key:`, maybe with a
/// comment): it may open a block list.
fn opens_block(line: &str) -> bool {
    let Some(colon) = key_colon(line) else {
        return false;
    };
    let rest = line[colon + 1..].trim();
    rest.is_empty() || rest.starts_with('#')
}

/// The `:` that ends a line's key (a quoted key may contain colons).
fn key_colon(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut i = 0;
    if let Some(&q @ (b'"' | b'\'')) = bytes.first() {
        i = 1;
        while i < bytes.len() && bytes[i] != q {
            i += if bytes[i] == b'\\' && q == b'"' { 2 } else { 1 };
        }
        i += 1;
    }
    while i < bytes.len() {
        if bytes[i] == b':' && bytes.get(i + 1).is_none_or(|b| *b == b' ' || *b == b'\t') {
            return Some(i);
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(Kind, &str)> {
        split(text)
            .unwrap()
            .into_iter()
            .map(|s| (s.kind, &text[s.range]))
            .collect()
    }

    #[test]
    fn entries_and_list_items() {
        let text = "# head\ntitle: x\ncontacts:\n  - name: a\n    role: b\n  # note\n  - name: c\nnotes: |\n  a\n\n  b\nres:\n- a\n- b\n";
        assert_eq!(
            kinds(text),
            [
                (Kind::Entry, "# head\ntitle: x\n"),
                (Kind::ListHeader, "contacts:\n"),
                (Kind::ListItem, "  - name: a\n    role: b\n  # note\n"),
                (Kind::ListItem, "  - name: c\n"),
                (Kind::Entry, "notes: |\n  a\n\n  b\n"),
                (Kind::ListHeader, "res:\n"),
                (Kind::ListItem, "- a\n"),
                (Kind::ListItem, "- b\n"),
            ]
        );
    }

    #[test]
    fn a_key_with_a_nested_mapping_is_one_entry() {
        let text = "a:\n  b: 1\n  c:\n    - x\nd: 2";
        assert_eq!(
            kinds(text),
            [
                (Kind::Entry, "a:\n  b: 1\n  c:\n    - x\n"),
                (Kind::Entry, "d: 2")
            ]
        );
    }

    #[test]
    fn other_shapes_are_not_segmented() {
        assert!(split("- a\n- b\n").is_none());
        assert!(split("a: 1\n---\nb: 2\n").is_none());
        assert!(split("{a: 1}\n").is_none());
        assert!(split("a:\n\t- b\n").is_none());
        assert_eq!(key_colon("\"a: b\": c"), Some(6));
    }
}

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

use ropey::Rope;
use std::borrow::Cow;
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
    /// Where the splitter stood before the segment's first line.
    pub before: List,
}

/// Whether the splitter is in a top-level block list, and the indentation
/// of its items once known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum List {
    Outside,
    /// After a `key:` line, before its first item.
    Header,
    Items(usize),
}

/// The segments of `text`, in order and covering it, or `None` when it is
/// not shaped for segmenting.
pub(super) fn split(text: &Rope) -> Option<Vec<Span>> {
    let mut spans = Vec::new();
    if !run(text, 0, List::Outside, &mut spans, |_, _| false) {
        return None;
    }
    set_ends(&mut spans, text.len_bytes());
    Some(spans)
}

/// The segments of `text` after an edit, from the segments `old` of the
/// text before it: `text[..lo]` was not changed, and `text[hi..]` is the
/// old text from `hi - delta` on. Only the lines from a segment before the
/// edit to the first unchanged segment after it are read again; `fresh`
/// says which of the returned segments were (the others are `old`'s,
/// moved). `None` when the text is not shaped for segmenting.
pub(super) fn resplit(
    text: &Rope,
    old: &[Span],
    lo: usize,
    hi: usize,
    delta: isize,
) -> Option<(Vec<Span>, Range<usize>)> {
    // Restart at a segment's first line where the splitter's state is
    // known: one segment before the edited one (a line joined to it would
    // change the one before), and never right after a list's header (its
    // first item decides whether it opens a list).
    let edited = old
        .partition_point(|s| s.range.start <= lo)
        .saturating_sub(1);
    let mut restart = edited.saturating_sub(1);
    while restart > 0 && old[restart].before == List::Header {
        restart -= 1;
    }
    let (from, before) = match restart {
        0 => (0, List::Outside),
        r => (old[r].range.start, old[r].before),
    };
    let mut spans: Vec<Span> = old[..restart].to_vec();
    // Stop at a line where an old segment starts again, past the edit,
    // with the splitter in the same state: the rest is unchanged.
    let moved = |s: &Span| s.range.start.wrapping_add_signed(delta);
    let unchanged = old.partition_point(|s| s.range.start < hi.wrapping_add_signed(-delta));
    let mut rest = old.len();
    let ok = run(text, from, before, &mut spans, |at, state| {
        if at < hi {
            return false;
        }
        let i = unchanged + old[unchanged..].partition_point(|s| moved(s) < at);
        match old.get(i) {
            Some(s) if moved(s) == at && (s.kind != Kind::ListItem || s.before == state) => {
                rest = i;
                true
            }
            _ => false,
        }
    });
    if !ok {
        return None;
    }
    let fresh = restart..spans.len();
    spans.extend(old[rest..].iter().map(|s| Span {
        range: moved(s)..s.range.end.wrapping_add_signed(delta),
        ..s.clone()
    }));
    set_ends(&mut spans, text.len_bytes());
    Some((spans, fresh))
}

/// Reads the lines of `text` from `from` (a line start, with the splitter
/// in state `list`), adding the segments that start there to `spans`,
/// until `stop(line start, state)` says so or the text ends. Returns false
/// when the text is not shaped for segmenting. Ranges are only starts.
fn run(
    text: &Rope,
    from: usize,
    mut list: List,
    spans: &mut Vec<Span>,
    mut stop: impl FnMut(usize, List) -> bool,
) -> bool {
    let mut started = !spans.is_empty() || from > 0;
    let mut offset = from;
    for line in lines_from(text, from) {
        let start = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        let body = content.trim_start_matches(' ');
        if body.is_empty() || body.starts_with('#') {
            continue; // blank lines and comments stay with the segment before
        }
        // (the first segment also holds what comes before its first line)
        if !spans.is_empty() && stop(start, list) {
            return true;
        }
        if body.starts_with('\t') {
            return false;
        }
        let indent = content.len() - body.len();
        if !started {
            if body == "---" || body.starts_with('%') {
                continue;
            }
            started = true;
        } else if body == "---" || body == "..." {
            return false; // another document
        }
        let dash = body == "-" || body.starts_with("- ");
        let before = list;
        let item = |spans: &mut Vec<Span>| {
            spans.push(Span {
                kind: Kind::ListItem,
                range: start..start,
                before,
            })
        };
        match list {
            List::Header if dash => {
                list = List::Items(indent);
                item(spans);
                continue;
            }
            List::Items(i) if dash && indent == i => {
                item(spans);
                continue;
            }
            List::Items(_) if indent > 0 => continue,
            List::Header if indent > 0 => {
                // not a list after all: a nested mapping or a scalar
                let header = spans.last_mut().expect("a list header came first");
                header.kind = Kind::Entry;
                list = List::Outside;
                continue;
            }
            _ => list = List::Outside,
        }
        if indent > 0 {
            if spans.is_empty() {
                return false; // an indented top level
            }
            continue;
        }
        if dash || body.starts_with(['{', '[']) {
            return false; // a top-level list or flow mapping
        }
        let kind = if opens_block(body) {
            list = List::Header;
            Kind::ListHeader
        } else {
            Kind::Entry
        };
        spans.push(Span {
            kind,
            range: start..start,
            before,
        });
    }
    if list == List::Header {
        // a final `key:` with nothing after it
        if let Some(last) = spans.last_mut() {
            last.kind = Kind::Entry;
        }
    }
    !spans.is_empty()
}

/// The lines of `text` from byte `from` on, each with its `\n` (as
/// `str::split_inclusive('\n')` gives them; a rope's own lines also end at
/// a `\r`), borrowed when a line lies in one chunk of the rope.
fn lines_from(text: &Rope, from: usize) -> impl Iterator<Item = Cow<'_, str>> {
    let (mut chunks, chunk_start, _, _) = text.chunks_at_byte(from);
    let mut rest = chunks.next().map_or("", |c| &c[from - chunk_start..]);
    let mut partial: Option<String> = None;
    std::iter::from_fn(move || loop {
        if rest.is_empty() {
            match chunks.next() {
                Some(chunk) => rest = chunk,
                None => return partial.take().map(Cow::Owned),
            }
        }
        match rest.find('\n') {
            Some(i) => {
                let (line, after) = rest.split_at(i + 1);
                rest = after;
                return Some(match partial.take() {
                    Some(mut start) => {
                        start.push_str(line);
                        Cow::Owned(start)
                    }
                    None => Cow::Borrowed(line),
                });
            }
            None => {
                partial.get_or_insert_with(String::new).push_str(rest);
                rest = "";
            }
        }
    })
}

/// Each segment runs to the next one's start; the first from the top.
fn set_ends(spans: &mut [Span], len: usize) {
    if let Some(first) = spans.first_mut() {
        first.range.start = 0;
    }
    for i in 0..spans.len() {
        spans[i].range.end = spans.get(i + 1).map_or(len, |s| s.range.start);
    }
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
        split(&Rope::from_str(text))
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
        let split = |text: &str| split(&Rope::from_str(text));
        assert!(split("- a\n- b\n").is_none());
        assert!(split("a: 1\n---\nb: 2\n").is_none());
        assert!(split("{a: 1}\n").is_none());
        assert!(split("a:\n\t- b\n").is_none());
        assert_eq!(key_colon("\"a: b\": c"), Some(6));
    }
}

//! A document: its text, and the trees built from it, kept up to date
//! through edits with as little reparsing as possible.
//!
//! Small documents are parsed whole, and tree-sitter reparses incrementally
//! after each edit. Large YAML records are parsed in segments (see
//! `segment`): an edit reparses the segments whose text changed and reuses
//! the others' values, moved to where their text now is.

use super::parse;
use super::segment::{self, Kind, Span};
use super::yaml::{Anchor, AnchorUse, Scope};
use super::{Entry, Format, Node, SyntaxError, SyntaxErrorKind, Value, MAX_ALIAS_NODES};
use ropey::{Rope, RopeSlice};
use std::borrow::Cow;
use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, VecDeque};
use std::hash::Hasher;
use std::ops::Range;
use tree_sitter::{InputEdit, Point, Tree};

/// What [`Document::locate`] shows a problem on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Spot {
    /// The value itself (a whole list or mapping too); its key when it has
    /// no value yet; a list item's text. For problems of a value's type,
    /// choice or format.
    Value,
    /// A scalar's value; the key of a list or mapping or of an empty
    /// value; a list item's first key. For the catalogue's field errors.
    Field,
    /// The key that holds an object, a list item's first key (or the `-`
    /// of an empty item). For what is missing from or unknown in an object.
    Object,
}

/// YAML records at least this large are parsed in segments.
pub const SEGMENT_MIN_BYTES: usize = 16 * 1024;

pub struct Document {
    text: Rope,
    format: Format,
    state: State,
    root: Option<Node>,
    errors: Vec<SyntaxError>,
    /// For each top-level entry whose value is a list (by its index among
    /// the entries), its items' fingerprints.
    item_fingerprints: Vec<(usize, Vec<u64>)>,
    dirty: bool,
    segment_min_bytes: usize,
}

enum State {
    Unparsed,
    /// Parsed whole; the tree has been told of every edit since.
    Whole(Option<Tree>),
    /// Parsed in segments, whose values make up `root` in order; `changed`
    /// covers the edits since.
    Segmented {
        spans: Vec<Span>,
        infos: Vec<SegmentInfo>,
        changed: Option<Changed>,
    },
}

/// The text edited since the last parse: `[lo, new_hi)` replaced what was
/// `[lo, old_hi)`; the text before and after is as it was.
#[derive(Clone, Copy)]
struct Changed {
    lo: usize,
    old_hi: usize,
    new_hi: usize,
}

impl Changed {
    /// Adds an edit of `[start, end)` (in the current text) to `len` bytes.
    fn add(this: Option<Changed>, start: usize, end: usize, len: usize) -> Changed {
        let (lo, old_hi, new_hi) = match this {
            Some(c) => (c.lo, c.old_hi, c.new_hi),
            None => (start, start, start),
        };
        let until = end.max(new_hi);
        Changed {
            lo: lo.min(start),
            old_hi: old_hi + (until - new_hi),
            new_hi: until + len - (end - start),
        }
    }
}

struct SegmentInfo {
    hash: u64,
    /// How many top-level entries (or list items) it gave.
    count: usize,
    /// Relative to `start`.
    errors: Vec<SyntaxError>,
    /// The fingerprints of its list items.
    fingerprints: Vec<u64>,
    anchors: AnchorUse,
    /// For a list header, the value its key parsed with, which the list
    /// of the items after it replaces in `root`.
    header_value: Option<Node>,
}

/// A segment's values, (relative) errors, item fingerprints and what it
/// did with YAML anchors.
struct Parsed {
    piece: Piece,
    errors: Vec<SyntaxError>,
    fingerprints: Vec<u64>,
    anchors: AnchorUse,
}

/// A segment's values, taken out of an old root for reuse.
enum Piece {
    Entries(Vec<Entry>),
    Items(Vec<Node>),
}

impl Document {
    pub fn parse(text: &str, format: Format) -> Document {
        Document::with_threshold(text, format, SEGMENT_MIN_BYTES)
    }

    /// For tests: segment YAML of any size.
    #[cfg(test)]
    pub(crate) fn parse_segmented(text: &str) -> Document {
        Document::with_threshold(text, Format::Yaml, 0)
    }

    fn with_threshold(text: &str, format: Format, segment_min_bytes: usize) -> Document {
        let mut doc = Document {
            text: Rope::from_str(text),
            format,
            state: State::Unparsed,
            root: None,
            errors: Vec::new(),
            item_fingerprints: Vec::new(),
            dirty: true,
            segment_min_bytes,
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

    /// The fingerprints (see [`Node::fingerprint`]) of the items of the
    /// list that is the value of the root mapping's `entry`-th entry, in
    /// order; `None` when that value is not a list or they are not known
    /// (a document parsed whole: compute them with [`Node::fingerprint`]).
    /// Analyses keep results per item by them. Items of reused segments
    /// keep theirs, so this costs nothing per edit.
    pub fn item_fingerprints(&self, entry: usize) -> Option<&[u64]> {
        self.item_fingerprints
            .iter()
            .find(|(i, _)| *i == entry)
            .map(|(_, f)| f.as_slice())
    }

    /// The first line (without its line break): where problems of the
    /// record as a whole are shown.
    pub fn first_line(&self) -> Range<usize> {
        let head = self.slice(0..self.text.len_bytes().min(4096));
        0..head.find(['\n', '\r']).unwrap_or(head.len())
    }

    /// Where a problem at a JSON pointer is shown; `spot` says on what.
    /// When nothing is at the pointer, its nearest ancestor that exists is
    /// shown as an object (or, for [`Spot::Field`], as a field); the record
    /// as a whole is shown on the first line.
    pub fn locate(&self, pointer: &str, spot: Spot) -> Range<usize> {
        let Some(root) = self.root() else {
            return self.first_line();
        };
        let mut pointer = pointer;
        let mut spot = spot;
        loop {
            if pointer.is_empty() {
                return self.first_line();
            }
            match (root.pointer(pointer), root.pointer_entry(pointer)) {
                (Some(node), Some(entry)) => {
                    let on_value = !node.range.is_empty()
                        && match spot {
                            Spot::Value => true,
                            Spot::Field => node.as_map().is_none() && node.as_seq().is_none(),
                            Spot::Object => false,
                        };
                    return if on_value {
                        node.range.clone()
                    } else {
                        entry.key_range.clone()
                    };
                }
                // a list item
                (Some(node), None) => {
                    let first_key = node.as_map().and_then(<[_]>::first);
                    return match (first_key, spot) {
                        (_, Spot::Value) | (None, _) if !node.range.is_empty() => {
                            node.range.clone()
                        }
                        (Some(first), _) => first.key_range.clone(),
                        (None, Spot::Field) => self.first_line(),
                        // an empty item: the `-` before it
                        (None, _) => node.range.start.saturating_sub(1)..node.range.start,
                    };
                }
                _ => {
                    pointer = pointer.rfind('/').map_or("", |i| &pointer[..i]);
                    if spot == Spot::Value {
                        spot = Spot::Object;
                    }
                }
            }
        }
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

    /// Replaces a byte range with new text (offsets are clamped and snapped
    /// to character boundaries). The trees are brought up to date by the
    /// next [`Document::reparse`].
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
        if let State::Segmented { changed, .. } = &mut self.state {
            *changed = Some(Changed::add(*changed, start, old_end, new_text.len()));
        }
        if let State::Whole(Some(tree)) = &mut self.state {
            let new_end_position = {
                let row = self.text.byte_to_line(new_end);
                Point::new(row, new_end - self.text.line_to_byte(row))
            };
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
        // Segments are read from the rope: copying the whole text would cost
        // every keystroke time in proportion to the record.
        if self.format == Format::Yaml
            && self.text.len_bytes() >= self.segment_min_bytes
            && self.reparse_segmented()
        {
            return;
        }
        // tree-sitter reads contiguous text much faster than rope chunks
        let text = self.text.to_string();
        let old = match std::mem::replace(&mut self.state, State::Unparsed) {
            State::Whole(tree) => tree,
            _ => None,
        };
        let parse::Parsed {
            tree,
            root,
            mut errors,
            ..
        } = parse::parse_text(&text, self.format, old.as_ref(), &Scope::empty());
        sort_errors(&mut errors);
        self.item_fingerprints.clear();
        self.state = State::Whole(tree);
        self.root = root;
        self.errors = errors;
    }

    /// Returns false (leaving the state unparsed) when the text is not
    /// shaped for segments or a segment uses YAML anchors or aliases,
    /// which need the whole document.
    fn reparse_segmented(&mut self) -> bool {
        let text = &self.text.clone(); // shares the chunks: the values are taken out of `self`
        let (old_spans, infos, changed) = match std::mem::replace(&mut self.state, State::Unparsed)
        {
            State::Segmented {
                spans,
                infos,
                changed,
            } => (spans, infos, changed),
            _ => (Vec::new(), Vec::new(), None),
        };
        let split = match changed {
            Some(c) if !old_spans.is_empty() => {
                let delta = c.new_hi as isize - c.old_hi as isize;
                segment::resplit(text, &old_spans, c.lo, c.new_hi, delta)
            }
            _ => segment::split(text).map(|spans| {
                let n = spans.len();
                (spans, 0..n)
            }),
        };
        let Some((spans, fresh)) = split else {
            return false;
        };
        // the old segments before and after the edited ones, and those replaced
        let after = spans.len() - fresh.end;
        let replaced = fresh.start..old_spans.len() - after;
        let mut infos = infos;
        if let Some(c) = changed.filter(|_| !old_spans.is_empty()) {
            let delta = c.new_hi as isize - c.old_hi as isize;
            let edit = Splice {
                spans: &spans,
                fresh: fresh.clone(),
                old_spans: &old_spans,
                replaced: replaced.clone(),
                delta,
            };
            if self.splice(text, &edit, &mut infos) {
                self.state = State::Segmented {
                    spans,
                    infos,
                    changed: None,
                };
                return true;
            }
        }
        let old_hashes: Vec<u64> = infos.iter().map(|i| i.hash).collect();
        let mut old = self.take_pieces(&old_spans, infos);
        // a replaced segment's text may come back (an undo, a whole-text change)
        let mut by_content: HashMap<(Kind, u64), VecDeque<usize>> = HashMap::new();
        for i in replaced.clone() {
            by_content
                .entry((old_spans[i].kind, old_hashes[i]))
                .or_default()
                .push_back(i);
        }
        let mut hashes = Vec::with_capacity(spans.len());
        let mut results: Vec<Option<Parsed>> = Vec::with_capacity(spans.len());
        for (i, span) in spans.iter().enumerate() {
            let from = if i < fresh.start {
                Some(i)
            } else if i >= fresh.end {
                Some(replaced.end + (i - fresh.end))
            } else {
                None
            };
            let (hash, reused) = match from {
                Some(j) => (old_hashes[j], old[j].take().map(|p| (j, p))),
                None => {
                    let hash = hash_of(text.byte_slice(span.range.clone()));
                    let j = by_content
                        .get_mut(&(span.kind, hash))
                        .and_then(VecDeque::pop_front);
                    (hash, j.and_then(|j| old[j].take().map(|p| (j, p))))
                }
            };
            results.push(reused.map(|(j, mut parsed)| {
                let delta = span.range.start as isize - old_spans[j].range.start as isize;
                if delta != 0 {
                    parsed.piece.shift(delta);
                }
                parsed
            }));
            hashes.push(hash);
        }
        // Many new segments (a record opened or pasted) are parsed on
        // several threads, without the anchors before them; those that use
        // such anchors are parsed again below, in order.
        let todo: Vec<usize> = (0..spans.len()).filter(|&i| results[i].is_none()).collect();
        if todo.len() >= PARALLEL_FROM {
            for (i, parsed) in parse_segments(text, &spans, &todo) {
                results[i] = Some(parsed);
            }
        }
        // An alias may refer to an anchor of an earlier segment: a segment is
        // parsed again when an anchor it used now has another value, or the
        // alias budget left before it changed what it could expand.
        let mut scope: HashMap<String, Anchor> = HashMap::new();
        let mut budget = MAX_ALIAS_NODES;
        for (span, result) in spans.iter().zip(results.iter_mut()) {
            let stale = result.as_ref().is_none_or(|p| {
                let a = &p.anchors;
                let budget_matters = if a.limited {
                    a.budget != budget
                } else {
                    a.spent > budget
                };
                budget_matters
                    || a.used
                        .iter()
                        .any(|(name, f)| scope.get(name).map(|x| x.fingerprint) != *f)
            });
            if stale {
                let within = Scope {
                    anchors: &scope,
                    budget,
                };
                *result = Some(parse_segment(text, span, &within));
            }
            let anchors = &result.as_ref().expect("parsed above").anchors;
            budget = budget.saturating_sub(anchors.spent);
            for (name, anchor) in &anchors.defined {
                scope.insert(name.clone(), anchor.clone());
            }
        }
        let mut infos = Vec::with_capacity(spans.len());
        let mut pieces = Vec::with_capacity(spans.len());
        for (hash, result) in hashes.into_iter().zip(results) {
            let Parsed {
                piece,
                errors,
                fingerprints,
                anchors,
            } = result.expect("every segment was reused or parsed");
            infos.push(SegmentInfo {
                hash,
                count: piece.len(),
                errors,
                fingerprints,
                anchors,
                header_value: None,
            });
            pieces.push(piece);
        }
        self.assemble(text, &spans, pieces, &mut infos);
        self.state = State::Segmented {
            spans,
            infos,
            changed: None,
        };
        true
    }

    /// The common edit — within the items of one list, or within top-level
    /// entries, in a record without YAML anchors — done in place: the new
    /// segments' values replace the old ones' in `root`, and only the values
    /// after them move. (Taking every value out of `root` and putting it
    /// back, as the general path does, costs each keystroke time in
    /// proportion to the record.) Returns false, changing nothing, for any
    /// other edit. The result is what the general path would build.
    fn splice(&mut self, text: &Rope, edit: &Splice, infos: &mut Vec<SegmentInfo>) -> bool {
        // The splitter reads again from the segment before the edited one:
        // where that comes back as it was (same place, same text), its values
        // stay.
        let (mut fresh, mut replaced) = (edit.fresh.clone(), edit.replaced.clone());
        while fresh.start < fresh.end
            && replaced.start < replaced.end
            && edit.spans[fresh.start] == edit.old_spans[replaced.start]
            && hash_of(text.byte_slice(edit.spans[fresh.start].range.clone()))
                == infos[replaced.start].hash
        {
            fresh.start += 1;
            replaced.start += 1;
        }
        let fresh_spans = &edit.spans[fresh.clone()];
        let old = &edit.old_spans[replaced.clone()];
        let Some(kind) = fresh_spans.iter().chain(old).map(|s| s.kind).next() else {
            return false;
        };
        if kind == Kind::ListHeader
            || fresh_spans.iter().chain(old).any(|s| s.kind != kind)
            || fresh_spans.len() >= PARALLEL_FROM
            || infos.iter().any(|i| !i.anchors.is_none())
        {
            return false;
        }
        // where the replaced segments' values are in `root`: after how many
        // top-level entries, and in which list after how many items
        let mut entries_before = 0;
        let mut list: Option<(usize, usize)> = None;
        for (span, info) in edit.old_spans[..replaced.start].iter().zip(infos.iter()) {
            match span.kind {
                Kind::Entry => {
                    entries_before += info.count;
                    list = None;
                }
                Kind::ListHeader => {
                    entries_before += info.count;
                    list = (info.count > 0).then(|| (entries_before - 1, 0));
                }
                Kind::ListItem => {
                    if let Some((_, items)) = &mut list {
                        *items += info.count;
                    }
                }
            }
        }
        let old_count: usize = infos[replaced.clone()].iter().map(|i| i.count).sum();
        let mut pieces = Vec::with_capacity(fresh_spans.len());
        let mut new_infos = Vec::with_capacity(fresh_spans.len());
        for span in fresh_spans {
            let p = parse_segment(text, span, &Scope::empty());
            if !p.anchors.is_none() {
                return false;
            }
            new_infos.push(SegmentInfo {
                hash: hash_of(text.byte_slice(span.range.clone())),
                count: p.piece.len(),
                errors: p.errors,
                fingerprints: p.fingerprints,
                anchors: p.anchors,
                header_value: None,
            });
            pieces.push(p.piece);
        }
        let new_count: usize = new_infos.iter().map(|i| i.count).sum();
        let Some(Node {
            value: Value::Map(entries),
            ..
        }) = self.root.as_mut()
        else {
            return false;
        };
        let delta = edit.delta;
        match (kind, list) {
            // (a list's first item also decides where the list starts)
            (Kind::ListItem, Some((at, first))) if first > 0 => {
                let fingerprints = self.item_fingerprints.iter_mut().find(|(i, _)| *i == at);
                let (Some(Value::Seq(items)), Some((_, fingerprints))) = (
                    entries.get_mut(at).map(|e| &mut e.value.value),
                    fingerprints,
                ) else {
                    return false;
                };
                if items.len() < first + old_count || fingerprints.len() != items.len() {
                    return false;
                }
                let new_items = pieces.into_iter().flat_map(|p| match p {
                    Piece::Items(its) => its,
                    Piece::Entries(_) => Vec::new(),
                });
                items.splice(first..first + old_count, new_items);
                let new_fingerprints = new_infos.iter().flat_map(|i| i.fingerprints.iter());
                fingerprints.splice(first..first + old_count, new_fingerprints.copied());
                items[first + new_count..]
                    .iter_mut()
                    .for_each(|n| n.shift(delta));
                let end = items.last().map(|n| n.range.end);
                let list = &mut entries[at];
                if let Some(end) = end {
                    list.value.range.end = end;
                }
                shift_entries(&mut entries[at + 1..], delta);
            }
            (Kind::Entry, _) => {
                let first = entries_before;
                if entries.len() < first + old_count || entries.len() + new_count == old_count {
                    return false;
                }
                let new_entries = pieces.into_iter().flat_map(|p| match p {
                    Piece::Entries(es) => es,
                    Piece::Items(_) => Vec::new(),
                });
                entries.splice(first..first + old_count, new_entries);
                shift_entries(&mut entries[first + new_count..], delta);
                for (i, _) in &mut self.item_fingerprints {
                    if *i >= first + old_count {
                        *i = *i + new_count - old_count;
                    }
                }
            }
            _ => return false,
        }
        // a list header's own value, kept for the general path, moves with it
        for info in &mut infos[replaced.end..] {
            if let Some(value) = &mut info.header_value {
                value.shift(delta);
            }
        }
        infos.splice(replaced.clone(), new_infos);
        if let Some(root) = self.root.as_mut() {
            if let Value::Map(entries) = &root.value {
                if let (Some(first), Some(last)) = (entries.first(), entries.last()) {
                    root.range = first.key_range.start..last.range().end;
                }
                self.errors = segment_errors(edit.spans, infos, entries);
            }
        }
        true
    }

    /// Takes the values of the last segmented parse out of `root`, one per
    /// old segment.
    fn take_pieces(&mut self, spans: &[Span], infos: Vec<SegmentInfo>) -> Vec<Option<Parsed>> {
        let entries = match self.root.take() {
            Some(Node {
                value: Value::Map(entries),
                ..
            }) => entries,
            _ => Vec::new(),
        };
        let mut entries = entries.into_iter();
        let mut items = Vec::new().into_iter();
        spans
            .iter()
            .zip(infos)
            .map(|(span, info)| {
                if span.kind != Kind::ListItem {
                    items = Vec::new().into_iter();
                }
                let piece = match span.kind {
                    Kind::Entry => Piece::Entries(entries.by_ref().take(info.count).collect()),
                    Kind::ListHeader => {
                        let mut header: Vec<Entry> = entries.by_ref().take(info.count).collect();
                        if let (Some(last), Some(parsed)) = (header.last_mut(), info.header_value) {
                            if let Value::Seq(list) =
                                std::mem::replace(&mut last.value, parsed).value
                            {
                                items = list.into_iter();
                            }
                        }
                        Piece::Entries(header)
                    }
                    Kind::ListItem => Piece::Items(items.by_ref().take(info.count).collect()),
                };
                // items of a header that did not parse were left out
                if piece.len() < info.count {
                    return None;
                }
                Some(Parsed {
                    piece,
                    errors: info.errors,
                    fingerprints: info.fingerprints,
                    anchors: info.anchors,
                })
            })
            .collect()
    }

    /// Builds `root` and `errors` from the segments' values in order.
    fn assemble(
        &mut self,
        text: &Rope,
        spans: &[Span],
        pieces: Vec<Piece>,
        infos: &mut [SegmentInfo],
    ) {
        let mut entries: Vec<Entry> = Vec::new();
        let mut list_entry: Option<usize> = None;
        let mut fingerprints: Vec<(usize, Vec<u64>)> = Vec::new();
        for (i, ((span, piece), info)) in spans.iter().zip(pieces).zip(infos.iter_mut()).enumerate()
        {
            match piece {
                Piece::Entries(mut es) => {
                    list_entry = None;
                    // a header's items follow it (a header that does not
                    // parse, or has no items, keeps what it parsed as)
                    let first_item = spans.get(i + 1).filter(|s| s.kind == Kind::ListItem);
                    if let (Kind::ListHeader, Some(last), Some(item)) =
                        (span.kind, es.last_mut(), first_item)
                    {
                        // the list starts at its first `-`
                        let item_text = text.byte_slice(item.range.clone());
                        let indent = item_text.chars().take_while(|c| c.is_whitespace());
                        let first_dash =
                            item.range.start + indent.map(char::len_utf8).sum::<usize>();
                        info.header_value = Some(std::mem::replace(
                            &mut last.value,
                            Node {
                                range: first_dash..first_dash,
                                value: Value::Seq(Vec::new()),
                            },
                        ));
                        let at = entries.len() + es.len() - 1;
                        list_entry = Some(at);
                        fingerprints.push((at, Vec::new()));
                    }
                    entries.extend(es);
                }
                Piece::Items(items) => {
                    if let Some(list) = list_entry.and_then(|i| entries.get_mut(i)) {
                        if let Some(end) = items.last().map(|n| n.range.end) {
                            list.value.range.end = end;
                        }
                        if let Value::Seq(all) = &mut list.value.value {
                            all.extend(items);
                        }
                        if let Some((_, f)) = fingerprints.last_mut() {
                            f.extend_from_slice(&info.fingerprints);
                        }
                    }
                }
            }
        }
        self.errors = segment_errors(spans, infos, &entries);
        self.item_fingerprints = fingerprints;
        self.root = match (entries.first(), entries.last()) {
            (Some(first), Some(last)) => Some(Node {
                range: first.key_range.start..last.range().end,
                value: Value::Map(entries),
            }),
            _ => None,
        };
    }
}

/// The syntax errors of a segmented document: each segment's, and keys
/// repeated across segments (those within one were found there).
fn segment_errors(spans: &[Span], infos: &[SegmentInfo], entries: &[Entry]) -> Vec<SyntaxError> {
    let mut errors: Vec<SyntaxError> = infos
        .iter()
        .zip(spans)
        .flat_map(|(info, span)| {
            let start = span.range.start;
            info.errors.iter().map(move |e| SyntaxError {
                range: e.range.start + start..e.range.end + start,
                ..e.clone()
            })
        })
        .collect();
    for (i, e) in entries.iter().enumerate() {
        if entries[..i].iter().any(|prev| prev.key == e.key) {
            errors.push(SyntaxError::duplicate_key(e));
        }
    }
    sort_errors(&mut errors);
    errors
}

/// An edit after which `spans[fresh]` replace `old_spans[replaced]`, and
/// the segments after them moved by `delta` bytes.
struct Splice<'a> {
    spans: &'a [Span],
    fresh: Range<usize>,
    old_spans: &'a [Span],
    replaced: Range<usize>,
    delta: isize,
}

fn shift_entries(entries: &mut [Entry], delta: isize) {
    for e in entries {
        e.key_range = e.key_range.start.wrapping_add_signed(delta)
            ..e.key_range.end.wrapping_add_signed(delta);
        e.value.shift(delta);
    }
}

impl Piece {
    fn len(&self) -> usize {
        match self {
            Piece::Entries(v) => v.len(),
            Piece::Items(v) => v.len(),
        }
    }

    fn shift(&mut self, delta: isize) {
        match self {
            Piece::Entries(entries) => shift_entries(entries, delta),
            Piece::Items(items) => items.iter_mut().for_each(|n| n.shift(delta)),
        }
    }
}

/// From this many new segments on, they are parsed on several threads.
const PARALLEL_FROM: usize = 64;

/// Parses the segments at `indices` (with no anchors before them) on
/// several threads: segments are independent.
fn parse_segments(text: &Rope, spans: &[Span], indices: &[usize]) -> Vec<(usize, Parsed)> {
    let parse = |chunk: &[usize]| -> Vec<_> {
        chunk
            .iter()
            .map(|&i| (i, parse_segment(text, &spans[i], &Scope::empty())))
            .collect()
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(4);
    if threads < 2 {
        return parse(indices);
    }
    let chunk = indices.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = indices
            .chunks(chunk)
            .map(|c| scope.spawn(move || parse(c)))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

/// Parses one segment on its own, with the anchors of `scope` before it;
/// its values get absolute ranges, its errors stay relative.
fn parse_segment(text: &Rope, span: &Span, scope: &Scope) -> Parsed {
    let (kind, start) = (span.kind, span.range.start);
    // tree-sitter reads contiguous text much faster than rope chunks
    let text: Cow<str> = text.byte_slice(span.range.clone()).into();
    let text = &*text;
    let parse::Parsed {
        root,
        mut errors,
        anchors,
        ..
    } = parse::parse_text(text, Format::Yaml, None, scope);
    let mut piece = match (kind, root) {
        (
            Kind::ListItem,
            Some(Node {
                value: Value::Seq(items),
                ..
            }),
        ) => Piece::Items(items),
        (Kind::ListItem, _) => Piece::Items(Vec::new()),
        (
            _,
            Some(Node {
                value: Value::Map(entries),
                ..
            }),
        ) => Piece::Entries(entries),
        (_, other) => {
            // a half-typed key with no `:` yet parses as a lone scalar
            if other.is_some() && errors.is_empty() {
                let body = text.trim_start_matches(|c: char| c == '#' || c.is_whitespace());
                let line = body.lines().next().unwrap_or("").trim_end();
                let at = text.len() - body.len();
                errors.push(SyntaxError {
                    range: at..at + line.len(),
                    message: format!(
                        "syntax error: unexpected `{line}` (a key needs a `:` after it)"
                    ),
                    kind: SyntaxErrorKind::Syntax,
                });
            }
            Piece::Entries(Vec::new())
        }
    };
    piece.shift(start as isize);
    let fingerprints = match &piece {
        Piece::Items(items) => items.iter().map(Node::fingerprint).collect(),
        Piece::Entries(_) => Vec::new(),
    };
    Parsed {
        piece,
        errors,
        fingerprints,
        anchors,
    }
}

/// The same for the same text, however the rope's chunks split it.
fn hash_of(text: RopeSlice) -> u64 {
    let text: Cow<str> = text.into();
    let mut h = DefaultHasher::new();
    h.write(text.as_bytes());
    h.finish()
}

fn sort_errors(errors: &mut Vec<SyntaxError>) {
    errors.sort_by_key(|e| (e.range.start, e.range.end));
    errors.dedup();
}

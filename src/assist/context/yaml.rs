//! The YAML cursor: the block structure of the lines above the cursor (a
//! stack of mappings and lists by indentation), then the cursor's own line.

use super::{quoted_end, unquote_prefix, Cursor, Place};
use crate::syntax::push_pointer;
use std::borrow::Cow;

pub(super) fn cursor(text: &str, offset: usize) -> Option<Cursor> {
    let line_start = text[..offset].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let line_end = text[offset..]
        .find(['\n', '\r'])
        .map_or(text.len(), |i| offset + i);
    let mut scanner = Scanner::default();
    for line in text[..line_start].lines() {
        scanner.line(line.trim_end_matches('\r'));
    }
    scanner.cursor_line(&text[line_start..line_end], line_start, offset - line_start)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum After {
    /// Nothing after `key:`: a nested mapping or list may follow.
    Nested,
    Scalar,
    /// A `|` or `>` block scalar: deeper lines are its text.
    Block,
}

#[derive(Debug)]
enum Kind {
    Map { last: Option<(String, After)> },
    Seq { count: usize },
}

#[derive(Debug)]
struct Frame {
    indent: usize,
    pointer: String,
    kind: Kind,
}

#[derive(Default)]
struct Scanner {
    stack: Vec<Frame>,
    /// Open brackets of a flow collection continued over lines.
    flow_depth: i32,
}

impl Scanner {
    /// Is a line at `indent` part of the value above (a block scalar or a
    /// scalar continued over lines)?
    fn absorbs(&self, indent: usize) -> bool {
        match self.stack.last() {
            Some(Frame {
                indent: key_indent,
                kind: Kind::Map {
                    last: Some((_, after)),
                },
                ..
            }) => *after != After::Nested && indent > *key_indent,
            _ => false,
        }
    }

    fn pop_to(&mut self, col: usize, for_key: bool) {
        while let Some(top) = self.stack.last() {
            let same_level_list = for_key && matches!(top.kind, Kind::Seq { .. });
            if top.indent > col || (same_level_list && top.indent == col) {
                self.stack.pop();
            } else {
                break;
            }
        }
    }

    /// A `- ` at `col`: the list it belongs to and the item's index.
    fn item(&mut self, col: usize) -> Option<(String, usize)> {
        self.pop_to(col, false);
        match self.stack.last_mut() {
            Some(Frame {
                indent,
                pointer,
                kind: Kind::Seq { count },
            }) if *indent == col => {
                *count += 1;
                Some((pointer.clone(), *count - 1))
            }
            Some(Frame {
                indent,
                pointer,
                kind:
                    Kind::Map {
                        last: Some((key, After::Nested)),
                    },
            }) if *indent <= col => {
                let list = push_pointer(pointer, key);
                self.push(col, list.clone(), Kind::Seq { count: 1 });
                Some((list, 0))
            }
            None => {
                self.push(col, String::new(), Kind::Seq { count: 1 });
                Some((String::new(), 0))
            }
            _ => None,
        }
    }

    /// The pointer of the mapping a key at `col` belongs to (entered if it
    /// is new).
    fn object(&mut self, col: usize) -> Option<&str> {
        self.pop_to(col, true);
        let pointer = match self.stack.last() {
            Some(Frame {
                indent,
                kind: Kind::Map { .. },
                ..
            }) if *indent == col => return self.stack.last().map(|f| f.pointer.as_str()),
            Some(Frame {
                indent,
                pointer,
                kind:
                    Kind::Map {
                        last: Some((key, After::Nested)),
                    },
            }) if *indent < col => push_pointer(pointer, key),
            Some(Frame {
                indent,
                pointer,
                kind: Kind::Seq { count },
            }) if *indent < col && *count > 0 => push_pointer(pointer, &(count - 1).to_string()),
            None => String::new(),
            _ => return None,
        };
        self.push(col, pointer, Kind::Map { last: None });
        self.stack.last().map(|f| f.pointer.as_str())
    }

    fn push(&mut self, indent: usize, pointer: String, kind: Kind) {
        self.stack.push(Frame {
            indent,
            pointer,
            kind,
        });
    }

    fn set_last(&mut self, key: Cow<str>, after: After) {
        if let Some(Frame {
            kind: Kind::Map { last },
            ..
        }) = self.stack.last_mut()
        {
            // only a nested value's key is needed (for its pointer)
            let key = match after {
                After::Nested => key.into_owned(),
                _ => String::new(),
            };
            *last = Some((key, after));
        }
    }

    /// Reads one line above the cursor into the structure.
    fn line(&mut self, line: &str) {
        let code = &line[..comment_start(line).unwrap_or(line.len())];
        if self.flow_depth > 0 {
            self.flow_depth += bracket_balance(code);
            return;
        }
        let trimmed = code.trim_start_matches(' ');
        let indent = code.len() - trimmed.len();
        if trimmed.trim().is_empty() {
            return;
        }
        if indent == 0 && (trimmed.starts_with("---") || trimmed.starts_with("...")) {
            self.stack.clear();
            return;
        }
        if (indent == 0 && trimmed.starts_with('%')) || self.absorbs(indent) {
            return;
        }
        let mut col = indent;
        while let Some(width) = dash_width(&code[col..]) {
            if self.item(col).is_none() {
                return;
            }
            col += width;
        }
        let rest = code[col..].trim_end();
        if rest.is_empty() {
            return;
        }
        match key_colon(rest) {
            Some(k) => {
                if self.object(col).is_none() {
                    return;
                }
                let value = &rest[k.colon + 1..];
                self.flow_depth = open_brackets(value);
                self.set_last(k.key, classify(value));
            }
            None => self.flow_depth = open_brackets(rest),
        }
    }

    fn cursor_line(&mut self, line: &str, line_start: usize, col: usize) -> Option<Cursor> {
        if self.flow_depth > 0 {
            return None;
        }
        let code_end = comment_start(line).unwrap_or(line.len());
        if col > code_end {
            return None;
        }
        let code = &line[..code_end];
        let lead = code.len() - code.trim_start_matches(' ').len();
        let indent = if code.trim().is_empty() {
            col
        } else if col < lead {
            return None;
        } else {
            lead
        };
        if self.absorbs(indent) {
            return None;
        }
        let at = |c: usize| line_start + c;
        let mut start = indent;
        let mut item = None;
        while let Some(width) = dash_width(&code[start..]) {
            if start + width > col || width == 1 {
                // on the dash itself, or `-|` with no space yet
                return None;
            }
            item = Some(self.item(start)?);
            start += width;
        }
        let rest = &code[start..];
        let base = Cursor {
            place: Place::Key {
                object: String::new(),
            },
            offset: at(col),
            prefix: String::new(),
            token: at(col)..at(col),
            quote: None,
            closed: false,
            flow: false,
            has_colon: false,
            pad: false,
            indent: " ".repeat(start),
        };
        match key_colon(rest) {
            Some(k) if col > start + k.colon => {
                let pointer = push_pointer(self.object(start)?, &k.key);
                value_cursor(code, line_start, start + k.colon + 1, col, pointer, base)
            }
            Some(k) => {
                let object = self.object(start)?.to_string();
                let token = start..start + k.key_end;
                let mut c = scalar_token(code, line_start, token.start, token.end, col, base)?;
                c.place = Place::Key { object };
                c.has_colon = true;
                Some(c)
            }
            None => {
                let place = match item {
                    Some((list, index)) => Place::ItemStart { list, index },
                    None => Place::Key {
                        object: self.object(start)?.to_string(),
                    },
                };
                let end = start + rest.trim_end().len();
                let mut c = scalar_token(code, line_start, start, end.max(col), col, base)?;
                c.place = place;
                Some(c)
            }
        }
    }
}

/// The cursor in the value after `key:` (which ends at `from`).
fn value_cursor(
    code: &str,
    line_start: usize,
    from: usize,
    col: usize,
    pointer: String,
    base: Cursor,
) -> Option<Cursor> {
    let value = &code[from..];
    let start = from + (value.len() - value.trim_start().len());
    let end = from + value.trim_end().len();
    let empty_at_cursor = |pad: bool| Cursor {
        place: Place::Value {
            pointer: pointer.clone(),
        },
        pad,
        ..base.clone()
    };
    if start >= end {
        return Some(empty_at_cursor(col == from));
    }
    if col < start {
        return None;
    }
    if code[start..].starts_with('[') {
        return flow_item(code, line_start, start, col, pointer, base);
    }
    if code[start..].starts_with(['|', '>', '{', '&', '*', '!']) {
        return None;
    }
    let mut c = scalar_token(code, line_start, start, end, col, base)?;
    c.place = Place::Value { pointer };
    Some(c)
}

/// The cursor in an item of `[a, b]` (the `[` at `open`).
fn flow_item(
    code: &str,
    line_start: usize,
    open: usize,
    col: usize,
    list: String,
    base: Cursor,
) -> Option<Cursor> {
    let b = code.as_bytes();
    let mut index = 0;
    let mut seg_start = open + 1;
    let mut i = open + 1;
    loop {
        let at_end = i >= b.len();
        let c = if at_end { b']' } else { b[i] };
        match c {
            b'"' | b'\'' => i = quoted_end(code, i, code.len()).unwrap_or(code.len()),
            b'[' | b'{' => return None,
            b',' | b']' => {
                if col <= i {
                    let seg = &code[seg_start..i];
                    let start = seg_start + (seg.len() - seg.trim_start().len());
                    let end = seg_start + seg.trim_end().len();
                    let mut cursor = if start >= end || col < start {
                        Cursor {
                            token: line_start + col..line_start + col,
                            ..base
                        }
                    } else {
                        scalar_token(code, line_start, start, end, col, base)?
                    };
                    cursor.place = Place::Item { list, index };
                    cursor.flow = true;
                    return Some(cursor);
                }
                if c == b']' {
                    return None;
                }
                index += 1;
                i += 1;
                seg_start = i;
            }
            _ => i += 1,
        }
    }
}

/// The cursor in a plain or quoted scalar at `start..end` of the line.
fn scalar_token(
    code: &str,
    line_start: usize,
    start: usize,
    end: usize,
    col: usize,
    base: Cursor,
) -> Option<Cursor> {
    let quote = code[start..]
        .chars()
        .next()
        .filter(|c| matches!(c, '"' | '\''));
    let Some(q) = quote else {
        if col > end {
            return None;
        }
        return Some(Cursor {
            prefix: code[start..col].to_string(),
            token: line_start + start..line_start + end,
            ..base
        });
    };
    let close = quoted_end(code, start, code.len());
    let token_end = close.unwrap_or(end.max(col));
    if col == start {
        // before the opening quote: replace the whole token
        return Some(Cursor {
            token: line_start + start..line_start + token_end,
            ..base
        });
    }
    if close.is_some_and(|c| col >= c) {
        return None;
    }
    Some(Cursor {
        prefix: unquote_prefix(&code[start + 1..col], q),
        token: line_start + start..line_start + token_end,
        quote: Some(q),
        closed: close.is_some(),
        ..base
    })
}

/// The width of a `- ` list indicator at the start of `s`.
fn dash_width(s: &str) -> Option<usize> {
    let after = s.strip_prefix('-')?;
    if after.is_empty() {
        return Some(1);
    }
    let spaces = after.len() - after.trim_start_matches([' ', '\t']).len();
    (spaces > 0).then_some(1 + spaces)
}

struct KeyColon<'a> {
    key: Cow<'a, str>,
    /// The end of the key token.
    key_end: usize,
    /// The index of the `:`.
    colon: usize,
}

/// `key:` at the start of `s` (plain or quoted), with a space or the end
/// after the colon.
fn key_colon(s: &str) -> Option<KeyColon<'_>> {
    let ends_key = |i: usize| s[i + 1..].is_empty() || s[i + 1..].starts_with([' ', '\t']);
    if s.starts_with(['"', '\'']) {
        let end = quoted_end(s, 0, s.len())?;
        let colon = end + (s[end..].len() - s[end..].trim_start().len());
        if !s[colon..].starts_with(':') || !ends_key(colon) {
            return None;
        }
        let q = s.chars().next().unwrap_or('"');
        return Some(KeyColon {
            key: Cow::Owned(unquote_prefix(&s[1..end - 1], q)),
            key_end: end,
            colon,
        });
    }
    if s.starts_with(['[', '{', '|', '>', '&', '*', '!', '%', '@', '`', '#']) {
        return None;
    }
    let colon = s
        .char_indices()
        .find(|&(i, c)| c == ':' && ends_key(i))
        .map(|(i, _)| i)?;
    let key = s[..colon].trim_end();
    Some(KeyColon {
        key: Cow::Borrowed(key),
        key_end: key.len(),
        colon,
    })
}

/// What follows `key:`.
fn classify(value: &str) -> After {
    let v = value.trim();
    // an anchor or tag alone still has its value on the next lines
    let v = if v.starts_with(['&', '!']) && !v.contains(' ') {
        ""
    } else {
        v
    };
    if v.is_empty() {
        After::Nested
    } else if v.starts_with(['|', '>']) {
        After::Block
    } else {
        After::Scalar
    }
}

/// Where a comment starts: a `#` at the start or after white space,
/// outside quotes (a quote opens a scalar only where a token starts).
pub(super) fn comment_start(line: &str) -> Option<usize> {
    let b = line.as_bytes();
    let mut i = 0;
    let mut prev_token = None; // the last non-space byte
    while i < b.len() {
        let c = b[i];
        let after_space = i == 0 || matches!(b[i - 1], b' ' | b'\t');
        match c {
            b'#' if after_space => return Some(i),
            b'"' | b'\''
                if prev_token.is_none()
                    || matches!(prev_token, Some(b'[' | b'{' | b','))
                    || (after_space && matches!(prev_token, Some(b':' | b'-' | b'?'))) =>
            {
                match quoted_end(line, i, line.len()) {
                    Some(end) => {
                        i = end;
                        prev_token = Some(c);
                        continue;
                    }
                    None => return None,
                }
            }
            _ => {}
        }
        if !matches!(c, b' ' | b'\t') {
            prev_token = Some(c);
        }
        i += 1;
    }
    None
}

/// The brackets a flow collection leaves open at the end of its first line.
fn open_brackets(value: &str) -> i32 {
    let v = value.trim_start();
    if v.starts_with(['[', '{']) {
        bracket_balance(v).max(0)
    } else {
        0
    }
}

/// Opened minus closed flow brackets, outside quotes.
fn bracket_balance(s: &str) -> i32 {
    let b = s.as_bytes();
    let mut depth = 0;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'[' | b'{' => depth += 1,
            b']' | b'}' => depth -= 1,
            b'"' | b'\'' if i == 0 || matches!(b[i - 1], b' ' | b'[' | b'{' | b',') => {
                i = quoted_end(s, i, s.len()).unwrap_or(s.len());
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    depth
}

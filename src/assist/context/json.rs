//! The JSON cursor: the tokens before the cursor, read into a stack of
//! objects and arrays with what each expects next.

use super::{quoted_end, unquote_prefix, Cursor, Place};
use crate::syntax::push_pointer;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    Key,
    Colon,
    Value,
    /// A value was read: `,` or the closing bracket comes next.
    Comma,
}

struct Frame {
    pointer: String,
    object: bool,
    expect: Expect,
    key: String,
    index: usize,
}

impl Frame {
    /// The pointer of the value being read in this container.
    fn child(&self) -> String {
        if self.object {
            push_pointer(&self.pointer, &self.key)
        } else {
            push_pointer(&self.pointer, &self.index.to_string())
        }
    }

    fn place(&self) -> Option<Place> {
        match (self.object, self.expect) {
            // after a member, a new one (completion adds the comma)
            (true, Expect::Key | Expect::Comma) => Some(Place::Key {
                object: self.pointer.clone(),
            }),
            (true, Expect::Value) => Some(Place::Value {
                pointer: self.child(),
            }),
            (false, Expect::Value) => Some(Place::Item {
                list: self.pointer.clone(),
                index: self.index,
            }),
            _ => None,
        }
    }
}

pub(super) fn cursor(text: &str, offset: usize) -> Option<Cursor> {
    let b = text.as_bytes();
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < offset {
        match b[i] {
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            b'{' | b'[' => {
                let pointer = stack.last().map(Frame::child).unwrap_or_default();
                let object = b[i] == b'{';
                stack.push(Frame {
                    pointer,
                    object,
                    expect: if object { Expect::Key } else { Expect::Value },
                    key: String::new(),
                    index: 0,
                });
                i += 1;
            }
            b'}' | b']' => {
                stack.pop();
                if let Some(top) = stack.last_mut() {
                    top.expect = Expect::Comma;
                }
                i += 1;
            }
            b':' => {
                if let Some(top) = stack.last_mut().filter(|t| t.expect == Expect::Colon) {
                    top.expect = Expect::Value;
                }
                i += 1;
            }
            b',' => {
                if let Some(top) = stack.last_mut() {
                    if top.object {
                        top.expect = Expect::Key;
                    } else {
                        top.index += 1;
                        top.expect = Expect::Value;
                    }
                }
                i += 1;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                let end = text[i..].find('\n').map_or(text.len(), |n| i + n);
                if end >= offset {
                    return None;
                }
                i = end;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let end = text[i + 2..].find("*/").map_or(text.len(), |n| i + n + 4);
                if end > offset {
                    return None;
                }
                i = end;
            }
            b'"' => {
                let line_end = text[i..].find(['\n', '\r']).map_or(text.len(), |n| i + n);
                let end = quoted_end(text, i, line_end);
                // an unclosed string ends with its line
                let finished = end.or((line_end < offset).then_some(line_end));
                match finished {
                    Some(e) if e <= offset => {
                        if let Some(top) = stack.last_mut() {
                            if top.object && top.expect == Expect::Key {
                                top.key = serde_json::from_str(&text[i..e]).unwrap_or_else(|_| {
                                    text[i + 1..e].trim_end_matches('"').to_string()
                                });
                                top.expect = Expect::Colon;
                            } else {
                                top.expect = Expect::Comma;
                            }
                        }
                        i = e;
                    }
                    _ => {
                        let token = i..end.unwrap_or(line_end);
                        return at_token(text, &stack, token, Some(end.is_some()), offset);
                    }
                }
            }
            _ => {
                let word = text[i..]
                    .find(|c: char| !(c.is_alphanumeric() || matches!(c, '-' | '+' | '.' | '_')))
                    .unwrap_or(text.len() - i);
                // a stray character is a token of its own
                let len = match word {
                    0 => text[i..].chars().next().map_or(1, char::len_utf8),
                    n => n,
                };
                if i + len >= offset {
                    return at_token(text, &stack, i..i + len, None, offset);
                }
                if let Some(top) = stack.last_mut() {
                    top.expect = match top.expect {
                        Expect::Key => Expect::Colon,
                        _ => Expect::Comma,
                    };
                }
                i += len;
            }
        }
    }
    at_token(text, &stack, offset..offset, None, offset)
}

/// The cursor in a token (a string when `closed` is given, else a bare
/// word or nothing) of the innermost container.
fn at_token(
    text: &str,
    stack: &[Frame],
    token: std::ops::Range<usize>,
    closed: Option<bool>,
    offset: usize,
) -> Option<Cursor> {
    let top = stack.last()?;
    let place = top.place()?;
    let line_start = text[..token.start].rfind('\n').map_or(0, |n| n + 1);
    let indent: String = text[line_start..]
        .chars()
        .take_while(|c| matches!(c, ' ' | '\t'))
        .collect();
    let after = text[token.end..].trim_start();
    let (prefix, quote) = match closed {
        Some(_) if offset == token.start => (String::new(), None),
        Some(_) => (
            unquote_prefix(&text[token.start + 1..offset], '"'),
            Some('"'),
        ),
        None => (text[token.start..offset].to_string(), None),
    };
    Some(Cursor {
        has_colon: matches!(place, Place::Key { .. }) && after.starts_with(':'),
        place,
        offset,
        prefix,
        token,
        quote,
        closed: closed.unwrap_or(false),
        flow: false,
        pad: false,
        indent,
    })
}

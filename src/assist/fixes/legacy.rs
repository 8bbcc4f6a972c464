//! Fixes for the legacy shapes (`check::legacy`): JSON text written as a
//! real list in the file's own style, junk and the text `null` removed,
//! `"true"`/`"false"` made the value the field needs. Those that cannot
//! change what the record means are *automatic*: `check --fix` applies them
//! ([`fix_text`]); the editor offers them as preferred quick fixes.

use super::{Fix, Fixer};
use crate::assist::{field_at, style, Edit};
use crate::check::{self, legacy, Code, Diagnostic};
use crate::schema::{Field, FieldKind, Schema};
use crate::syntax::{split_pointer, Document, Format, Value};
use serde_json::Value as J;
use std::ops::Range;

/// What `check --fix` did to a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FixedText {
    pub text: String,
    pub applied: Vec<Applied>,
}

/// One fix applied: the problem it fixed and what it did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    pub code: Code,
    pub pointer: String,
    pub title: String,
}

/// Rounds of fixing: a fix can reveal another (JSON text holding
/// `displayed: true`), but never more than a few deep.
const ROUNDS: usize = 4;

/// The record's text with every automatic fix applied, round after round
/// (checking again between rounds), or `None` when there is nothing to fix
/// or the text does not parse cleanly (such a file is never rewritten, and
/// neither is one a fix would break).
pub fn fix_text(text: &str, format: Format, schema: &Schema) -> Option<FixedText> {
    let mut text = text.to_string();
    let mut applied = Vec::new();
    for round in 0..=ROUNDS {
        let doc = Document::parse(&text, format);
        if !doc.syntax_errors().is_empty() {
            return None;
        }
        if round == ROUNDS {
            break;
        }
        let diagnostics = check::check(&doc, schema);
        let mut taken: Vec<Range<usize>> = Vec::new();
        let mut edits: Vec<Edit> = Vec::new();
        for fix in super::automatic_fixes(&doc, schema, &diagnostics) {
            let clashes = fix
                .edits
                .iter()
                .any(|e| taken.iter().any(|t| overlap(t, &e.range)));
            if clashes {
                continue; // the next round, on the text this one leaves
            }
            taken.extend(fix.edits.iter().map(|e| e.range.clone()));
            edits.extend(fix.edits);
            let d = &diagnostics[fix.diagnostic.expect("automatic fixes name their problem")];
            applied.push(Applied {
                code: d.code,
                pointer: d.pointer.clone(),
                title: fix.title,
            });
        }
        if edits.is_empty() {
            break;
        }
        edits.sort_by_key(|e| std::cmp::Reverse((e.range.start, e.range.end)));
        for e in edits {
            text.replace_range(e.range, &e.new_text);
        }
    }
    (!applied.is_empty()).then_some(FixedText { text, applied })
}

fn overlap(a: &Range<usize>, b: &Range<usize>) -> bool {
    (a.start < b.end && b.start < a.end) || a.start == b.start
}

impl Fixer<'_> {
    /// For a legacy shape: the fix that cannot change what the record
    /// means, if there is one, and fixes to offer besides.
    pub(super) fn legacy(&self, d: &Diagnostic) -> (Option<Fix>, Vec<Fix>) {
        match d.code {
            Code::LegacyJsonText => (self.json_text(d), Vec::new()),
            Code::LegacyObjectJunk | Code::LegacyNullText => self.drop_value(d),
            Code::EmptyChoice => (self.remove_as(d, "Remove the empty"), Vec::new()),
            Code::LegacyBooleanText => (self.boolean_text(d), Vec::new()),
            // `displayed: true`, the old composite form a JSON text holds
            // (for `check --fix`; the editor offers it among the type fixes)
            Code::WrongType => {
                let node = self.root.and_then(|r| r.pointer(&d.pointer));
                let fix = match (node, field_at(self.schema, &d.pointer)) {
                    (Some(node), Some(f)) if f.kind == FieldKind::MultipleChoice => {
                        match node.value {
                            Value::Bool(on) => self.checkbox(node, &f, on),
                            _ => None,
                        }
                    }
                    _ => None,
                };
                (fix, Vec::new())
            }
            _ => (None, Vec::new()),
        }
    }

    /// JSON text of a list, written as the list: a block list in YAML (a
    /// flow list where the text sits in `{...}`), indented JSON in JSON.
    fn json_text(&self, d: &Diagnostic) -> Option<Fix> {
        let (entries, i) = self.entry_of(&d.pointer)?;
        let entry = &entries[i];
        let field = field_at(self.schema, &d.pointer)?;
        let items = legacy::decoded_list(entry.value.as_str()?, &field)?;
        let node = &entry.value;
        let value_only = |new_text: String| Edit {
            range: node.range.clone(),
            new_text,
        };
        let edit = match (self.format(), field.kind) {
            (Format::Yaml, FieldKind::Repeating)
                if !items.is_empty() && !self.in_flow(&d.pointer) && self.plain_colon(entry) =>
            {
                let line_start = self.line_start(entry.key_range.start);
                let column = entry.key_range.start - line_start;
                let dash = " ".repeat(column + self.style.dash_indent);
                Edit {
                    range: entry.key_range.end + 1..node.range.end,
                    new_text: self.yaml_block(&items, &dash),
                }
            }
            (Format::Yaml, FieldKind::Repeating) => value_only(one_line_json(&items)?),
            (Format::Json, FieldKind::Repeating) => {
                let indent = self.line_indent(entry.key_range.start);
                let one_line = self.line_start(node.range.start)
                    == self.line_start(self.parent_start(&d.pointer));
                value_only(self.json_list(&items, &indent, one_line)?)
            }
            (format, _) => {
                let values: Vec<&str> = items.iter().filter_map(J::as_str).collect();
                value_only(style::flow_list(&values, format))
            }
        };
        let n = items.len();
        Some(Self::fix(
            format!(
                "Write `{}` as a list ({n} entr{})",
                field.name,
                if n == 1 { "y" } else { "ies" }
            ),
            edit,
            true,
        ))
    }

    /// Is there only `: ` between the key and its value (no tag, anchor,
    /// comment or line break that a rewrite from the colon would lose)?
    fn plain_colon(&self, entry: &crate::syntax::Entry) -> bool {
        let between = self.doc.slice(entry.key_range.end..entry.value.range.start);
        between.starts_with(':') && between[1..].chars().all(|c| c == ' ' || c == '\t')
    }

    /// Is the mapping holding `pointer` written `{...}`?
    fn in_flow(&self, pointer: &str) -> bool {
        let parent = split_pointer(pointer).and_then(|(p, _)| self.root?.pointer(p));
        parent.is_some_and(|p| self.doc.slice(p.range.clone()).starts_with('{'))
    }

    fn parent_start(&self, pointer: &str) -> usize {
        split_pointer(pointer)
            .and_then(|(p, _)| self.root?.pointer(p))
            .map_or(0, |p| p.range.start)
    }

    /// Entries as YAML block list items (`dash` is the column of `-`), each
    /// on a new line.
    fn yaml_block(&self, items: &[J], dash: &str) -> String {
        let nl = self.style.newline;
        let mut out = String::new();
        for item in items {
            out.push_str(&format!("{nl}{dash}-"));
            let J::Object(map) = item else { continue };
            if map.is_empty() {
                out.push_str(" {}");
            }
            for (k, (key, value)) in map.iter().enumerate() {
                let lead = if k == 0 {
                    " ".to_string()
                } else {
                    format!("{nl}{dash}  ")
                };
                out.push_str(&format!(
                    "{lead}{}: {}",
                    style::yaml_scalar(key, false),
                    yaml_value(value)
                ));
            }
        }
        out
    }

    /// A list as JSON in the file's indentation (`indent` is the key's).
    fn json_list(&self, items: &[J], indent: &str, one_line: bool) -> Option<String> {
        if one_line {
            return one_line_json(items);
        }
        let list = J::Array(items.to_vec());
        let mut bytes = Vec::new();
        let formatter = serde_json::ser::PrettyFormatter::with_indent(self.style.unit.as_bytes());
        let mut ser = serde_json::Serializer::with_formatter(&mut bytes, formatter);
        serde::Serialize::serialize(&list, &mut ser).ok()?;
        let text = String::from_utf8(bytes).ok()?;
        Some(text.replace('\n', &format!("{}{indent}", self.style.newline)))
    }

    /// Junk or the text `null`: a junk key or entry goes; a value goes with
    /// its key where having no value is the same (an optional field), else
    /// the value is emptied for the author to fill in (offered, never
    /// automatic).
    fn drop_value(&self, d: &Diagnostic) -> (Option<Fix>, Vec<Fix>) {
        let Some(root) = self.root else {
            return (None, Vec::new());
        };
        if root.pointer_entry(&d.pointer).is_none() {
            return (self.remove_item(d), Vec::new());
        }
        let key_junk = split_pointer(&d.pointer).is_some_and(|(_, k)| k == legacy::OBJECT_JUNK);
        let optional =
            field_at(self.schema, &d.pointer).is_some_and(|f| !f.required && f.condition.is_none());
        if key_junk || optional {
            return (self.remove_as(d, "Remove"), Vec::new());
        }
        (None, self.empty_value(d).into_iter().collect())
    }

    /// [`Fixer::remove`] with a title that says what goes.
    fn remove_as(&self, d: &Diagnostic, verb: &str) -> Option<Fix> {
        let fix = self.remove(d)?;
        let (_, key) = split_pointer(&d.pointer)?;
        Some(Fix {
            title: format!("{verb} `{key}`"),
            preferred: true,
            ..fix
        })
    }

    /// A list entry removed: its lines in a block list, else the item and
    /// the comma that separates it from a neighbour.
    fn remove_item(&self, d: &Diagnostic) -> Option<Fix> {
        let (list, index) = split_pointer(&d.pointer)?;
        let items = self.root?.pointer(list)?.as_seq()?;
        let i: usize = index.parse().ok()?;
        let item = items.get(i)?;
        let line_start = self.line_start(item.range.start);
        let before = self.doc.slice(line_start..item.range.start);
        let range = if self.format() == Format::Yaml && !self.in_flow_list(&d.pointer) {
            // `- ` and the entry on one line, else no fix (a lone `-` would stay)
            let dash = before.trim_start();
            if !(dash.starts_with('-') && dash[1..].trim().is_empty()) {
                return None;
            }
            let end = self.next_line_start(item.range.end);
            if items.get(i + 1).is_some_and(|next| next.range.start < end) {
                return None;
            }
            line_start..end
        } else if let Some(next) = items.get(i + 1) {
            item.range.start..next.range.start
        } else if let Some(prev) = i.checked_sub(1).map(|p| &items[p]) {
            prev.range.end..item.range.end
        } else {
            item.range.clone()
        };
        Some(Self::fix(
            format!("Remove the `{}` entry", legacy::OBJECT_JUNK),
            Edit {
                range,
                new_text: String::new(),
            },
            true,
        ))
    }

    /// The value emptied: `key:` in YAML, `""` in JSON.
    fn empty_value(&self, d: &Diagnostic) -> Option<Fix> {
        let (entries, i) = self.entry_of(&d.pointer)?;
        let entry = &entries[i];
        let node = &entry.value;
        let edit = match self.format() {
            Format::Yaml if self.plain_colon(entry) => Edit {
                range: entry.key_range.end + 1..node.range.end,
                new_text: String::new(),
            },
            Format::Yaml => Edit {
                range: node.range.clone(),
                new_text: "\"\"".into(),
            },
            Format::Json => Edit {
                range: node.range.clone(),
                new_text: "\"\"".into(),
            },
        };
        Some(Self::fix(
            format!("Empty `{}` to type its value", entry.key),
            edit,
            false,
        ))
    }

    /// `"true"`/`"false"`: the checkbox's list, or the boolean.
    fn boolean_text(&self, d: &Diagnostic) -> Option<Fix> {
        let node = self.root?.pointer(&d.pointer)?;
        let on = legacy::boolean_text(node.as_str()?)?;
        let field: std::borrow::Cow<'_, Field> = field_at(self.schema, &d.pointer)?;
        match field.kind {
            FieldKind::MultipleChoice => self.checkbox(node, &field, on),
            _ => Some(Self::fix(
                format!("Change to `{on}`"),
                Edit {
                    range: node.range.clone(),
                    new_text: on.to_string(),
                },
                true,
            )),
        }
    }
}

/// A list as JSON on one line, with a space after `:` and `,` (as people
/// write it, and as the JSON text it came from usually was).
fn one_line_json(items: &[J]) -> Option<String> {
    use serde_json::ser::{CompactFormatter, Formatter};
    use std::io::{self, Write};
    struct Spaced;
    impl Formatter for Spaced {
        fn begin_array_value<W: ?Sized + Write>(
            &mut self,
            w: &mut W,
            first: bool,
        ) -> io::Result<()> {
            CompactFormatter.begin_array_value(w, first)?;
            if first {
                Ok(())
            } else {
                w.write_all(b" ")
            }
        }
        fn begin_object_key<W: ?Sized + Write>(
            &mut self,
            w: &mut W,
            first: bool,
        ) -> io::Result<()> {
            CompactFormatter.begin_object_key(w, first)?;
            if first {
                Ok(())
            } else {
                w.write_all(b" ")
            }
        }
        fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
            w.write_all(b": ")
        }
    }
    let mut bytes = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut bytes, Spaced);
    serde::Serialize::serialize(items, &mut ser).ok()?;
    String::from_utf8(bytes).ok()
}

/// A value after `key: ` in a YAML block entry: a scalar quoted only where
/// needed, a list of scalars as `[a, b]`, anything deeper as JSON (which
/// YAML reads as it is).
fn yaml_value(value: &J) -> String {
    let flat = |v: &J| !v.is_array() && !v.is_object();
    match value {
        J::String(s) => style::yaml_scalar(s, false),
        J::Array(items) if items.iter().all(flat) => {
            let items: Vec<String> = items
                .iter()
                .map(|v| match v {
                    J::String(s) => style::yaml_scalar(s, true),
                    other => other.to_string(),
                })
                .collect();
            format!("[{}]", items.join(", "))
        }
        other => other.to_string(),
    }
}

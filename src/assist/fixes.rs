//! Quick fixes for the checker's diagnostics: add missing required fields,
//! pick an allowed value, rename or remove an unknown key, and rewrite
//! shapes the catalogue rejects. Each edit touches only the key or value
//! concerned, so comments, key order and layout stay as they were.

use super::style::{self, Stops, Style};
use super::{choices_of, field_at, Dynamic, Edit};
use crate::check::{self, Code, Diagnostic};
use crate::schema::{Field, FieldKind, Schema};
use crate::syntax::{split_pointer, Document, Entry, Format, Node, Value};
use std::ops::Range;

mod legacy;
pub use legacy::{fix_text, Applied, FixedText};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    /// The index of the diagnostic it fixes in the slice given, if any (a
    /// rewrite offered where the cursor is has none).
    pub diagnostic: Option<usize>,
    pub edits: Vec<Edit>,
    /// The fix to apply without asking (the closest allowed value, the
    /// field name meant).
    pub preferred: bool,
}

/// Allowed values short enough to offer one fix each.
const FEW_CHOICES: usize = 8;

/// Fixes for `diagnostics` (those at the cursor), and rewrites offered at
/// `range` itself.
pub fn quick_fixes(
    doc: &Document,
    schema: &Schema,
    range: Range<usize>,
    diagnostics: &[Diagnostic],
) -> Vec<Fix> {
    let fx = Fixer::new(doc, schema);
    let mut out: Vec<Fix> = Vec::new();
    for (i, d) in diagnostics.iter().enumerate() {
        let found = match d.code {
            Code::MissingRequired | Code::ConditionalRequired => fx.add_missing(d),
            Code::InvalidChoice | Code::InvalidState => fx.replace_value(d),
            Code::UnknownField => fx.rename(d).into_iter().chain(fx.remove(d)).collect(),
            Code::SecretInRecord => fx.remove(d).into_iter().collect(),
            Code::WrongType => fx.convert(d).into_iter().collect(),
            code if check::legacy::is_legacy(code) => {
                let (automatic, others) = fx.legacy(d);
                automatic.into_iter().chain(others).collect()
            }
            _ => Vec::new(),
        };
        out.extend(found.into_iter().map(|f| Fix {
            diagnostic: Some(i),
            ..f
        }));
    }
    if let Some(tags) = fx.tags_entry() {
        if touches(&tags.range(), &range) {
            out.extend(fx.tags_to_keywords());
        }
    }
    // the same fix reached from two diagnostics is offered once
    let mut unique: Vec<Fix> = Vec::with_capacity(out.len());
    for f in out {
        if !unique.iter().any(|u| u.edits == f.edits) {
            unique.push(f);
        }
    }
    unique
}

/// The fixes that cannot change what the record means, at most one per
/// diagnostic: legacy shapes rewritten (JSON text as a list, junk and an
/// optional field's `null` text removed, `"true"` as the value meant) and
/// `displayed: true` as `[displayed]`. Never a guessed value.
pub fn automatic_fixes(doc: &Document, schema: &Schema, diagnostics: &[Diagnostic]) -> Vec<Fix> {
    let fx = Fixer::new(doc, schema);
    diagnostics
        .iter()
        .enumerate()
        .filter_map(|(i, d)| {
            let fix = fx.legacy(d).0?;
            Some(Fix {
                diagnostic: Some(i),
                ..fix
            })
        })
        .collect()
}

fn touches(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start <= b.end && b.start <= a.end
}

struct Fixer<'a> {
    doc: &'a Document,
    schema: &'a Schema,
    root: Option<&'a Node>,
    style: Style,
    /// Every diagnostic of the document, for "add all missing".
    all: std::cell::OnceCell<Vec<Diagnostic>>,
}

impl<'a> Fixer<'a> {
    fn new(doc: &'a Document, schema: &'a Schema) -> Fixer<'a> {
        Fixer {
            doc,
            schema,
            root: doc.root(),
            style: Style::of(doc),
            all: std::cell::OnceCell::new(),
        }
    }

    fn format(&self) -> Format {
        self.doc.format()
    }

    fn fix(title: String, edit: Edit, preferred: bool) -> Fix {
        Fix {
            title,
            diagnostic: None,
            edits: vec![edit],
            preferred,
        }
    }

    /// One fix adding the missing field, and one adding every required
    /// field its object lacks.
    fn add_missing(&self, d: &Diagnostic) -> Vec<Fix> {
        let Some((object, name)) = split_pointer(&d.pointer) else {
            return Vec::new();
        };
        if self
            .root
            .and_then(|r| r.pointer_entry(&d.pointer))
            .is_some()
        {
            return Vec::new(); // present with no value: the value is to be typed
        }
        let Some(fields) = self.schema.object_fields(object) else {
            return Vec::new();
        };
        let all = self.all.get_or_init(|| check::check(self.doc, self.schema));
        let missing: Vec<&Field> = fields
            .iter()
            .filter(|f| {
                let pointer = crate::syntax::push_pointer(object, &f.name);
                all.iter().any(|m| {
                    matches!(m.code, Code::MissingRequired | Code::ConditionalRequired)
                        && m.pointer == pointer
                }) && self.root.and_then(|r| r.pointer_entry(&pointer)).is_none()
            })
            .collect();
        let mut out = Vec::new();
        if missing.len() > 1 {
            if let Some(edit) = self.insert_fields(object, &missing) {
                out.push(Self::fix(
                    format!("Add all {} missing required fields", missing.len()),
                    edit,
                    false,
                ));
            }
        }
        if let Some(field) = fields.iter().find(|f| f.name == name) {
            if let Some(edit) = self.insert_fields(object, &[field]) {
                out.push(Self::fix(format!("Add {}", field.title()), edit, false));
            }
        }
        out
    }

    /// New keys after the last entry of the mapping at `object`, in its
    /// indentation (a new file gets them at the top).
    fn insert_fields(&self, object: &str, fields: &[&Field]) -> Option<Edit> {
        let nl = self.style.newline;
        let Some(node) = self.root.and_then(|r| r.pointer(object)) else {
            if object.is_empty() && self.root.is_none() {
                return Some(self.new_document(fields));
            }
            return None;
        };
        let entries = node.as_map()?;
        let entry =
            |f: &Field, indent: &str| style::new_entry(f, indent, &self.style, &mut Stops::plain());
        match (self.format(), entries.last()) {
            (Format::Yaml, Some(last)) => {
                let first_key = entries.first()?.key_range.start;
                let line_start = self.line_start(first_key);
                let before_key = self.doc.slice(line_start..first_key);
                if !before_key.trim_start_matches([' ', '-']).is_empty() {
                    return None; // a flow mapping `{...}`
                }
                let indent = " ".repeat(before_key.len());
                let at = self.line_end(last.range().end);
                let text: String = fields
                    .iter()
                    .map(|f| format!("{nl}{indent}{}", entry(f, &indent)))
                    .collect();
                Some(Edit {
                    range: at..at,
                    new_text: text,
                })
            }
            (Format::Json, Some(last)) => {
                let at = last.range().end;
                let key_line = self.line_start(last.key_range.start);
                let multi_line = key_line > node.range.start;
                let indent = self.line_indent(last.key_range.start);
                let sep = if multi_line {
                    format!(",{nl}{indent}")
                } else {
                    ", ".into()
                };
                let text: String = fields
                    .iter()
                    .map(|f| format!("{sep}{}", entry(f, &indent)))
                    .collect();
                Some(Edit {
                    range: at..at,
                    new_text: text,
                })
            }
            (Format::Json, None) if self.doc.slice(node.range.clone()).starts_with('{') => {
                let at = node.range.start + 1;
                let texts: Vec<String> = fields.iter().map(|f| entry(f, "")).collect();
                Some(Edit {
                    range: at..at,
                    new_text: texts.join(", "),
                })
            }
            _ => None,
        }
    }

    /// The required fields of an empty file.
    fn new_document(&self, fields: &[&Field]) -> Edit {
        let nl = self.style.newline;
        let end = self.doc.text().len_bytes();
        let text = match self.format() {
            Format::Yaml => {
                let lines: String = fields
                    .iter()
                    .map(|f| {
                        format!(
                            "{}{nl}",
                            style::new_entry(f, "", &self.style, &mut Stops::plain())
                        )
                    })
                    .collect();
                let sep = if end > 0 && !self.doc.slice(0..end).ends_with('\n') {
                    nl
                } else {
                    ""
                };
                format!("{sep}{lines}")
            }
            Format::Json => {
                let unit = &self.style.unit;
                let lines: Vec<String> = fields
                    .iter()
                    .map(|f| {
                        format!(
                            "{unit}{}",
                            style::new_entry(f, unit, &self.style, &mut Stops::plain())
                        )
                    })
                    .collect();
                format!("{{{nl}{}{nl}}}{nl}", lines.join(&format!(",{nl}")))
            }
        };
        Edit {
            range: end..end,
            new_text: text,
        }
    }

    /// The closest allowed value (preferred), and each allowed value when
    /// there are few.
    fn replace_value(&self, d: &Diagnostic) -> Vec<Fix> {
        let Some(node) = self.root.and_then(|r| r.pointer(&d.pointer)) else {
            return Vec::new();
        };
        if node.range != d.range || node.range.is_empty() {
            return Vec::new();
        }
        let flow = self.in_flow_list(&d.pointer);
        let edit = |value: &str| Edit {
            range: node.range.clone(),
            new_text: style::scalar(value, self.format(), flow),
        };
        let field = field_at(self.schema, &d.pointer);
        let no_dynamic = Dynamic::default();
        let choices = field
            .as_deref()
            .map(|f| choices_of(f, self.schema, &no_dynamic))
            .unwrap_or(&[]);
        let describe = |value: &str| match choices.iter().find(|c| c.value == value) {
            Some(c) if c.label != c.value => format!("`{value}` ({})", c.label),
            _ => format!("`{value}`"),
        };
        let mut out = Vec::new();
        let suggestion = d.suggestion.as_deref().filter(|s| !s.is_empty());
        if let Some(s) = suggestion {
            out.push(Self::fix(
                format!("Change to {}", describe(s)),
                edit(s),
                true,
            ));
        }
        if d.code == Code::InvalidChoice && choices.len() <= FEW_CHOICES {
            for c in choices
                .iter()
                .filter(|c| Some(c.value.as_str()) != suggestion)
            {
                out.push(Self::fix(
                    format!("Change to {}", describe(&c.value)),
                    edit(&c.value),
                    false,
                ));
            }
        }
        out
    }

    /// Is the node at `pointer` an item of a YAML `[...]` list?
    fn in_flow_list(&self, pointer: &str) -> bool {
        let parent = split_pointer(pointer).and_then(|(p, _)| self.root?.pointer(p));
        self.format() == Format::Yaml
            && parent.is_some_and(|p| {
                p.as_seq().is_some() && self.doc.slice(p.range.clone()).starts_with('[')
            })
    }

    /// The entry a diagnostic's pointer names, with its mapping's entries
    /// and its index among them.
    fn entry_of(&self, pointer: &str) -> Option<(&[Entry], usize)> {
        let (object, key) = split_pointer(pointer)?;
        let entries = self.root?.pointer(object)?.as_map()?;
        let index = entries.iter().rposition(|e| e.key == key)?;
        Some((entries, index))
    }

    /// Rename an unknown key to the one meant.
    fn rename(&self, d: &Diagnostic) -> Option<Fix> {
        let to = d.suggestion.as_deref().filter(|s| !s.is_empty())?;
        let (entries, i) = self.entry_of(&d.pointer)?;
        if entries.iter().any(|e| e.key == to) {
            return None; // it would become a duplicate
        }
        let new_text = match self.format() {
            Format::Yaml => style::yaml_scalar(to, false),
            Format::Json => style::json_string(to),
        };
        Some(Self::fix(
            format!("Rename `{}` to `{to}`", entries[i].key),
            Edit {
                range: entries[i].key_range.clone(),
                new_text,
            },
            true,
        ))
    }

    /// Remove a key with its value (all its lines).
    fn remove(&self, d: &Diagnostic) -> Option<Fix> {
        let (entries, i) = self.entry_of(&d.pointer)?;
        let range = match self.format() {
            Format::Yaml => self.yaml_entry_lines(entries, i)?,
            Format::Json => json_member(entries, i),
        };
        Some(Self::fix(
            format!("Remove `{}`", entries[i].key),
            Edit {
                range,
                new_text: String::new(),
            },
            false,
        ))
    }

    /// The lines of a block mapping entry; for the first key of a list
    /// item with more keys, up to the next key so that `- ` stays.
    fn yaml_entry_lines(&self, entries: &[Entry], i: usize) -> Option<Range<usize>> {
        let e = &entries[i];
        let start = self.line_start(e.key_range.start);
        let before = self.doc.slice(start..e.key_range.start);
        let end = self.next_line_start(e.range().end);
        if let Some(next) = entries.get(i + 1) {
            if next.key_range.start < end {
                return None; // a flow mapping: entries share a line
            }
        }
        if before.trim().is_empty() {
            return Some(start..end);
        }
        if before
            .trim_start()
            .trim_start_matches(['-', ' '])
            .is_empty()
        {
            return Some(match entries.get(i + 1) {
                Some(next) => e.key_range.start..next.key_range.start,
                None => start..end,
            });
        }
        None
    }

    /// Shapes the catalogue rejects: `displayed: true` for a list of
    /// choices, one mapping for a list of objects, keywords as `tags`.
    fn convert(&self, d: &Diagnostic) -> Option<Fix> {
        if d.pointer == "/tags" {
            return self.tags_to_keywords();
        }
        let node = self.root?.pointer(&d.pointer)?;
        let field = field_at(self.schema, &d.pointer)?;
        match (&node.value, field.kind) {
            (Value::Bool(on), FieldKind::MultipleChoice) => self.checkbox(node, &field, *on),
            (Value::Map(entries), FieldKind::Repeating) if !entries.is_empty() => {
                self.wrap_in_list(node, &field)
            }
            _ => None,
        }
    }

    /// A checkbox: true is its one value, false none.
    fn checkbox(&self, node: &Node, field: &Field, on: bool) -> Option<Fix> {
        let values: Vec<&str> = match (on, field.choices.as_slice()) {
            (true, [only]) => vec![only.value.as_str()],
            (false, _) => Vec::new(),
            _ => return None,
        };
        let list = style::flow_list(&values, self.format());
        Some(Self::fix(
            format!("Change to `{}`", style::flow_list(&values, Format::Yaml)),
            Edit {
                range: node.range.clone(),
                new_text: list,
            },
            true,
        ))
    }

    /// One mapping where a list of objects goes: made the list's one
    /// entry (`[...]` around it in JSON and flow style; in block style a
    /// `- ` before its first key and its further lines two spaces deeper).
    fn wrap_in_list(&self, node: &Node, field: &Field) -> Option<Fix> {
        let range = node.range.clone();
        let flow = self.doc.slice(range.clone()).starts_with('{');
        let at = |offset: usize, text: &str| Edit {
            range: offset..offset,
            new_text: text.to_string(),
        };
        let edits = if self.format() == Format::Json || flow {
            vec![at(range.start, "["), at(range.end, "]")]
        } else {
            let rope = self.doc.text();
            let first = rope.byte_to_line(range.start);
            let last = rope.byte_to_line(range.end.saturating_sub(1).max(range.start));
            let mut edits = vec![at(range.start, "- ")];
            for line in first + 1..=last {
                if rope.line(line).chars().any(|c| !c.is_whitespace()) {
                    edits.push(at(rope.line_to_byte(line), "  "));
                }
            }
            edits
        };
        Some(Fix {
            title: format!("Make `{}` a list of this one entry", field.name),
            diagnostic: None,
            edits,
            preferred: true,
        })
    }

    fn tags_entry(&self) -> Option<&Entry> {
        self.root?.entry("tags")
    }

    /// `tags` (a comma-separated string, or a list of strings or `{name}`)
    /// rewritten as the keywords field, when the record has none.
    fn tags_to_keywords(&self) -> Option<Fix> {
        let entry = self.tags_entry()?;
        let field = self
            .schema
            .dataset_fields
            .iter()
            .find(|f| f.kind == FieldKind::Tags)?;
        if self.root?.get(&field.name).is_some() {
            return None;
        }
        let keywords: Vec<String> = match &entry.value.value {
            Value::String(s) => s
                .split(',')
                .map(|k| k.trim().to_string())
                .filter(|k| !k.is_empty())
                .collect(),
            Value::Seq(items) => items
                .iter()
                .filter_map(|i| i.as_str().or_else(|| i.get("name")?.as_str()))
                .map(|k| k.trim().to_string())
                .collect(),
            _ => return None,
        };
        if keywords.is_empty() {
            return None;
        }
        let joined = keywords.join(", ");
        let new_text = match self.format() {
            Format::Yaml => format!("{}: {}", field.name, style::yaml_scalar(&joined, false)),
            Format::Json => format!(
                "{}: {}",
                style::json_string(&field.name),
                style::json_string(&joined)
            ),
        };
        Some(Self::fix(
            format!("Write the keywords as `{}: {joined}`", field.name),
            Edit {
                range: entry.range(),
                new_text,
            },
            true,
        ))
    }

    /// The white space that starts the line holding `offset`.
    fn line_indent(&self, offset: usize) -> String {
        self.doc
            .slice(self.line_start(offset)..offset)
            .chars()
            .take_while(|c| c.is_whitespace())
            .collect()
    }

    fn line_start(&self, offset: usize) -> usize {
        let rope = self.doc.text();
        rope.line_to_byte(rope.byte_to_line(offset.min(rope.len_bytes())))
    }

    /// The end of the line holding the last character before `end`, before
    /// its line break.
    fn line_end(&self, end: usize) -> usize {
        let next = self.next_line_start(end);
        let line = self.doc.slice(self.line_start(end.saturating_sub(1))..next);
        next - (line.len() - line.trim_end_matches(['\n', '\r']).len())
    }

    /// The start of the line after the one holding the last character
    /// before `end` (the end of the text on the last line).
    fn next_line_start(&self, end: usize) -> usize {
        let rope = self.doc.text();
        let last = end.saturating_sub(1).min(rope.len_bytes());
        let line = rope.byte_to_line(last);
        if line + 1 >= rope.len_lines() {
            rope.len_bytes()
        } else {
            rope.line_to_byte(line + 1)
        }
    }
}

/// A JSON member with the comma that separates it from a neighbour.
fn json_member(entries: &[Entry], i: usize) -> Range<usize> {
    let e = &entries[i];
    if let Some(next) = entries.get(i + 1) {
        e.key_range.start..next.key_range.start
    } else if let Some(prev) = i.checked_sub(1).map(|p| &entries[p]) {
        prev.range().end..e.range().end
    } else {
        e.range()
    }
}

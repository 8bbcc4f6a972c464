//! Shapes that years of web forms and scripts left in real catalogue
//! records: lists kept as JSON text, `[object Object]` junk, the text
//! `null` for "no value", empty dropdowns, `"true"`/`"false"` as text.
//!
//! Each gets one finding with a code of its own (so that an audit counts
//! them), which replaces what the generic rules said about the same value
//! and below it (a wrong type, a bad choice, the missing subfields of a junk
//! entry). Its severity is inherited: an error when the generic rules found
//! one there (the catalogue refuses the value), else a warning (the
//! catalogue takes it, but keeps something meaningless).

use super::{Code, Diagnostic, Severity};
use crate::schema::{Enforcement, Field, FieldKind, Schema};
use crate::syntax::{self, Document, Node, Spot, Value};
use serde_json::Value as J;

/// What a web form wrote for an object it turned into text.
pub const OBJECT_JUNK: &str = "[object Object]";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shape {
    /// A list kept as JSON text.
    JsonText,
    /// A key `[object Object]`.
    JunkKey,
    /// A list entry holding nothing but `[object Object]` keys.
    JunkEntry,
    /// The text `[object Object]` as a value.
    JunkValue,
    /// The text `null`.
    NullText,
    /// `""` in an optional dropdown.
    EmptyChoice,
    /// `"true"`/`"false"` as text.
    BooleanText,
}

impl Shape {
    fn code(self) -> Code {
        match self {
            Shape::JsonText => Code::LegacyJsonText,
            Shape::JunkKey | Shape::JunkEntry | Shape::JunkValue => Code::LegacyObjectJunk,
            Shape::NullText => Code::LegacyNullText,
            Shape::EmptyChoice => Code::EmptyChoice,
            Shape::BooleanText => Code::LegacyBooleanText,
        }
    }
}

/// A legacy shape, at a pointer relative to the object scanned.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Finding {
    pointer: String,
    shape: Shape,
}

impl Finding {
    /// A placeholder diagnostic at `at` + the finding's pointer; [`settle`]
    /// gives it its severity and message.
    pub(crate) fn diagnostic(&self, doc: &Document, at: &str) -> Diagnostic {
        let pointer = format!("{at}{}", self.pointer);
        let range = match self.shape {
            Shape::JunkKey => doc
                .root()
                .and_then(|r| r.pointer_entry(&pointer))
                .map_or_else(
                    || doc.locate(&pointer, Spot::Field),
                    |e| e.key_range.clone(),
                ),
            _ => doc.locate(&pointer, Spot::Value),
        };
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::new(self.shape.code(), pointer, range, String::new())
        }
    }
}

/// The legacy shapes in one entry of a list of objects whose fields are
/// `fields`, with pointers relative to the entry.
pub(crate) fn scan_entry(node: &Node, fields: &[Field]) -> Vec<Finding> {
    let mut out = Vec::new();
    entry(node, fields, &mut Vec::new(), &mut out);
    out
}

/// The legacy shapes of a record, leaving out the lists `skip` whose
/// entries are scanned on their own ([`scan_entry`]).
pub(crate) fn scan_record(root: &Node, schema: &Schema, skip: &[&str]) -> Vec<Finding> {
    let mut out = Vec::new();
    object(
        root,
        &schema.dataset_fields,
        &mut Vec::new(),
        skip,
        &mut out,
    );
    out
}

/// One step of the path to a value: the pointer is written only for a
/// finding (most values have none).
#[derive(Clone, Copy)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

fn found(path: &[Step], shape: Shape, out: &mut Vec<Finding>) {
    let mut pointer = String::new();
    for step in path {
        pointer = match step {
            Step::Key(key) => syntax::push_pointer(&pointer, key),
            Step::Index(i) => format!("{pointer}/{i}"),
        };
    }
    out.push(Finding { pointer, shape });
}

fn entry<'n>(node: &'n Node, fields: &[Field], path: &mut Vec<Step<'n>>, out: &mut Vec<Finding>) {
    match node.as_map() {
        Some(entries) if !entries.is_empty() && entries.iter().all(|e| e.key == OBJECT_JUNK) => {
            found(path, Shape::JunkEntry, out)
        }
        Some(_) => object(node, fields, path, &[], out),
        None => {}
    }
}

fn object<'n>(
    node: &'n Node,
    fields: &[Field],
    path: &mut Vec<Step<'n>>,
    skip: &[&str],
    out: &mut Vec<Finding>,
) {
    let Some(entries) = node.as_map() else { return };
    for e in entries {
        let candidate = match &e.value.value {
            _ if e.key == OBJECT_JUNK => true,
            Value::String(text) => may_be_legacy(text),
            Value::Seq(_) => true,
            _ => false,
        };
        if !candidate {
            continue;
        }
        path.push(Step::Key(&e.key));
        let field = fields.iter().find(|f| f.name == e.key);
        match (&e.value.value, field) {
            _ if e.key == OBJECT_JUNK => found(path, Shape::JunkKey, out),
            (Value::Seq(items), Some(f)) if f.kind == FieldKind::Repeating => {
                if !skip.contains(&e.key.as_str()) {
                    for (i, item) in items.iter().enumerate() {
                        path.push(Step::Index(i));
                        entry(item, &f.subfields, path, out);
                        path.pop();
                    }
                }
            }
            (_, Some(f)) => {
                if let Some(shape) = shape_of(&e.value, f) {
                    found(path, shape, out);
                }
            }
            (_, None) => {}
        }
        path.pop();
    }
}

/// Could this text be a legacy shape? (Most values are not: this spares
/// looking their field up.)
fn may_be_legacy(text: &str) -> bool {
    let text = text.trim();
    text.is_empty()
        || text.starts_with(['[', '{'])
        || ["null", "true", "false"]
            .iter()
            .any(|w| text.eq_ignore_ascii_case(w))
}

/// The legacy shape of a field's value, if it is one.
fn shape_of(node: &Node, field: &Field) -> Option<Shape> {
    let Value::String(text) = &node.value else {
        return None;
    };
    let text = text.trim();
    if text.eq_ignore_ascii_case("null") {
        return Some(Shape::NullText);
    }
    if text == OBJECT_JUNK {
        return Some(Shape::JunkValue);
    }
    let checkbox = field.kind == FieldKind::MultipleChoice && field.choices.len() == 1;
    match field.kind {
        FieldKind::Repeating | FieldKind::MultipleChoice | FieldKind::MultipleText
            if decoded_list(text, field).is_some() =>
        {
            Some(Shape::JsonText)
        }
        FieldKind::Select if text.is_empty() && !field.required => Some(Shape::EmptyChoice),
        FieldKind::Boolean | FieldKind::MultipleChoice
            if (checkbox || field.kind == FieldKind::Boolean) && boolean_text(text).is_some() =>
        {
            Some(Shape::BooleanText)
        }
        _ => None,
    }
}

/// `true`/`false` written as text (any case).
pub fn boolean_text(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// JSON text holding what a list field needs: a list of objects (or one
/// object) for a list of entries, a list of texts for a list of values.
pub fn decoded_list(text: &str, field: &Field) -> Option<Vec<J>> {
    let text = text.trim();
    if !text.starts_with(['[', '{']) {
        return None;
    }
    let items = match (serde_json::from_str::<J>(text).ok()?, field.kind) {
        (J::Array(items), _) => items,
        (object @ J::Object(_), FieldKind::Repeating) => vec![object],
        _ => return None,
    };
    let fits = match field.kind {
        FieldKind::Repeating => items.iter().all(J::is_object),
        _ => items.iter().all(J::is_string),
    };
    fits.then_some(items)
}

/// Is this one of the codes of legacy shapes?
pub fn is_legacy(code: Code) -> bool {
    matches!(
        code,
        Code::LegacyJsonText
            | Code::LegacyObjectJunk
            | Code::LegacyNullText
            | Code::EmptyChoice
            | Code::LegacyBooleanText
    )
}

/// Whether the catalogue's API refuses what a legacy finding is about (its
/// severity says it: an error replaced one of the generic rules' errors).
/// `None` for other codes. For the lead's enforcement classes.
pub fn refused_by_api(d: &Diagnostic) -> Option<bool> {
    is_legacy(d.code).then_some(d.severity == Severity::Error)
}

/// Gives each legacy placeholder in `out` its severity and message, and
/// removes what the generic rules reported on the same value or below it.
/// An empty dropdown that another rule already reports (required when
/// another field has a value) is left to that rule.
pub(crate) fn settle(doc: &Document, schema: &Schema, out: &mut Vec<Diagnostic>) {
    if !out.iter().any(|d| is_legacy(d.code)) {
        return;
    }
    let (mut legacy, mut rest): (Vec<Diagnostic>, Vec<Diagnostic>) =
        out.drain(..).partition(|d| is_legacy(d.code));
    legacy.retain_mut(|d| {
        let covers = |g: &Diagnostic| {
            !g.pointer.is_empty()
                && (g.pointer == d.pointer
                    || g.pointer
                        .strip_prefix(d.pointer.as_str())
                        .is_some_and(|r| r.starts_with('/')))
        };
        let covered: Vec<(Severity, Enforcement)> = rest
            .iter()
            .filter(|g| covers(g))
            .map(|g| (g.severity, g.enforcement))
            .collect();
        if d.code == Code::EmptyChoice && !covered.is_empty() {
            return false;
        }
        rest.retain(|g| !covers(g));
        let errors: Vec<Enforcement> = covered
            .iter()
            .filter(|(s, _)| *s == Severity::Error)
            .map(|(_, e)| *e)
            .collect();
        d.severity = if errors.is_empty() {
            Severity::Warning
        } else {
            Severity::Error
        };
        // what the catalogue does is what it did to the value's generic findings; with none,
        // it takes the value: a junk key is dropped, the rest kept as meaningless text
        d.enforcement = if errors.contains(&Enforcement::Refused) {
            Enforcement::Refused
        } else if !errors.is_empty() || d.code != Code::LegacyObjectJunk {
            Enforcement::FormOnly
        } else {
            Enforcement::Dropped
        };
        d.message = message(doc, schema, d);
        true
    });
    *out = rest;
    out.append(&mut legacy);
}

fn message(doc: &Document, schema: &Schema, d: &Diagnostic) -> String {
    let refused = d.severity == Severity::Error;
    let field = schema.field_at(&d.pointer);
    let title = field.map_or_else(
        || {
            let key = syntax::split_pointer(&d.pointer)
                .map(|(_, k)| k)
                .unwrap_or_default();
            format!("`{key}`")
        },
        Field::title,
    );
    let value = doc
        .root()
        .and_then(|r| r.pointer(&d.pointer))
        .and_then(Node::as_str)
        .unwrap_or_default();
    let junk = "a web form once wrote an object as this text";
    match d.code {
        Code::LegacyJsonText => {
            let needs = match field.map(|f| f.kind) {
                Some(FieldKind::Repeating) => {
                    let example = field
                        .and_then(|f| f.subfields.first())
                        .map_or("name", |s| s.name.as_str());
                    format!("a list of entries (`- {example}: ...`)")
                }
                _ => "a list of values (`[a, b]`)".to_string(),
            };
            let api = if refused {
                "the API refuses text here"
            } else {
                "the catalogue would keep it as one text"
            };
            format!(
                "{title} holds its list as JSON text, the way old forms and scripts stored it; it \
                 needs {needs}, and {api}. Its quick fix (and `check --fix`) writes it as a list"
            )
        }
        Code::LegacyObjectJunk => {
            let root = doc.root();
            let key = syntax::split_pointer(&d.pointer).map(|(_, k)| k);
            let (what, accepted) = if root.and_then(|r| r.pointer_entry(&d.pointer)).is_none() {
                let list = syntax::split_pointer(&d.pointer).and_then(|(list, i)| {
                    let n = i.parse::<usize>().ok()? + 1;
                    Some(match schema.field_at(list) {
                        Some(f) => format!("Entry {n} of {}", f.title()),
                        None => format!("Entry {n}"),
                    })
                });
                let list = list.unwrap_or_else(|| "This entry".into());
                let what = format!("{list} holds only `{OBJECT_JUNK}` ({junk}), no value");
                (what, "the catalogue drops it")
            } else if key.as_deref() == Some(OBJECT_JUNK) {
                let what = format!("`{OBJECT_JUNK}` is not a field: {junk}");
                (what, "the catalogue drops it")
            } else {
                let what = format!("{title} holds the text `{OBJECT_JUNK}` ({junk}), not a value");
                (what, "the catalogue would show it as it is")
            };
            let api = if refused {
                "the catalogue refuses it"
            } else {
                accepted
            };
            format!("{what}; {api}. Remove it")
        }
        Code::LegacyNullText => {
            let api = if refused {
                "it is not a value this field takes, so the catalogue refuses it"
            } else {
                "the catalogue would show the four letters `null`"
            };
            format!(
                "{title} holds the text `{value}`, which old exports wrote for \"no value\": {api}. \
                 Remove it or give a real value"
            )
        }
        Code::EmptyChoice => format!(
            "{title} is an empty text (`\"\"`): an empty dropdown is the same as no value (the \
             catalogue stores the empty text). Remove the key or pick a value"
        ),
        Code::LegacyBooleanText => {
            let on = boolean_text(value).unwrap_or(false);
            match field {
                Some(f) if f.kind == FieldKind::MultipleChoice => {
                    let list = if on {
                        format!("[{}]", f.choices.first().map_or("", |c| c.value.as_str()))
                    } else {
                        "[]".to_string()
                    };
                    format!(
                        "{title} holds the text `{value}`, the old yes/no form of this checkbox; it \
                         needs a list of its choices: `{list}`{}",
                        if refused {
                            " (the catalogue refuses `true`/`false`: \"unexpected choice\")"
                        } else {
                            ""
                        }
                    )
                }
                _ => format!(
                    "{title} holds the text `{value}` where a yes/no value goes: write `{on}` \
                     (the catalogue reads the text, but other tools do not)"
                ),
            }
        }
        _ => d.message.clone(),
    }
}

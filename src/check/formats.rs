//! Text formats: dates, numbers, URL names, lengths, keywords.

use super::shapes::FLUENT_TEXT;
use super::{shown, Checker, Code, Diagnostic};
use crate::schema::{Enforcement, FieldKind};
use crate::syntax::{self, Node, Value};
use serde_json::Value as J;
use std::ops::Range;

impl Checker<'_> {
    pub(super) fn format_message(&self, pointer: &str, value: &J) -> String {
        let typed = shown(value.as_str().unwrap_or_default());
        let Some(field) = self.schema.field_at(pointer) else {
            return format!("`{typed}` is not in the expected format");
        };
        let title = field.title();
        match field.kind {
            FieldKind::Date => format!(
                "{title} must be a date written YYYY-MM-DD (like 2024-02-15), not `{typed}`"
            ),
            FieldKind::DateTime => format!(
                "{title} must be a date, optionally with a time, written YYYY-MM-DD or \
                 YYYY-MM-DDTHH:MM[:SS] (like 2024-02-15T13:30), not `{typed}`"
            ),
            FieldKind::DateTimeTz => format!(
                "{title} must be a date and time written YYYY-MM-DDTHH:MM[:SS], optionally with \
                 a UTC offset (like 2024-02-15T13:30:00-08:00), not `{typed}`"
            ),
            FieldKind::Integer => format!("{title} must be a whole number, not `{typed}`"),
            FieldKind::JsonObject => {
                format!("{title} must be a JSON object (`{{...}}`), not `{typed}`")
            }
            FieldKind::Fluent => format!("{title} must be {FLUENT_TEXT}, not `{typed}`"),
            FieldKind::Email => format!("`{typed}` is not a valid e-mail address ({title})"),
            FieldKind::Slug => {
                let n = typed.chars().count();
                if !(2..=100).contains(&n) {
                    format!("{title} must be 2–100 characters long; this is {n}")
                } else {
                    let lower = typed.to_lowercase().replace(
                        |c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'),
                        "-",
                    );
                    format!(
                        "{title} may only hold lowercase letters, digits, `-` and `_` (it becomes the \
                         record's web address), e.g. `{lower}`"
                    )
                }
            }
            FieldKind::Title => {
                format!(
                    "{title} must be 2–100 characters long; this is {}",
                    typed.chars().count()
                )
            }
            _ => format!("`{typed}` is not in the format {title} needs"),
        }
    }

    /// Keyword rules (CKAN's tag_length_validator and tag_name_validator),
    /// checked per keyword so that the message can name the bad one.
    pub(super) fn check_keywords(&self, out: &mut Vec<Diagnostic>) {
        let Some(root) = self.root else { return };
        for field in self
            .schema
            .dataset_fields
            .iter()
            .filter(|f| f.kind == FieldKind::Tags)
        {
            let pointer = syntax::push_pointer("", &field.name);
            let Some(node) = root.get(&field.name) else {
                continue;
            };
            let Value::String(text) = &node.value else {
                continue;
            };
            for tag in text.split(',').map(str::trim).filter(|t| !t.is_empty()) {
                let n = tag.chars().count();
                let problem = if !(2..=100).contains(&n) {
                    Some(format!("must be 2–100 characters long (this is {n})"))
                } else {
                    tag.chars()
                        .find(|c| !(c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.')))
                        .map(|c| {
                            format!("may only hold letters, digits, spaces and `-_.`, not `{c}`")
                        })
                };
                if let Some(problem) = problem {
                    out.push(Diagnostic {
                        enforcement: Enforcement::of(field.checked.format),
                        ..Diagnostic::new(
                            Code::InvalidFormat,
                            pointer.clone(),
                            self.substring_range(node, tag),
                            format!("keyword `{tag}` in {}: a keyword {problem}", field.title()),
                        )
                    });
                }
            }
        }
    }

    /// The range of `part` inside a scalar's text when it appears there
    /// verbatim, else the whole value.
    pub(super) fn substring_range(&self, node: &Node, part: &str) -> Range<usize> {
        let text = self.doc.slice(node.range.clone());
        match text.find(part) {
            Some(i) if !part.is_empty() => node.range.start + i..node.range.start + i + part.len(),
            _ => node.range.clone(),
        }
    }
}

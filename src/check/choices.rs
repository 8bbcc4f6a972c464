//! Values outside a field's choices or the licence list.

use super::{shown, suggest, Checker, Code, Diagnostic};
use crate::schema::FieldKind;
use serde_json::Value as J;

impl Checker<'_> {
    /// A new record not in the start state.
    pub(super) fn invalid_state(&self, pointer: &str) -> Diagnostic {
        let title = self.field_title(pointer);
        let start = self
            .schema
            .field_at(pointer)
            .and_then(|f| f.start_state.clone())
            .unwrap_or_default();
        Diagnostic {
            suggestion: Some(start.clone()),
            ..Diagnostic::new(
                Code::InvalidState,
                pointer.to_string(),
                self.value_range(pointer),
                format!(
                    "a new record (one without `id`) must have {title} `{start}`: the \
                     catalogue only creates records in that state; change it after publishing"
                ),
            )
        }
    }

    pub(super) fn invalid_choice(&self, pointer: &str, value: &J) -> Diagnostic {
        let typed = match value {
            J::String(s) => s.clone(),
            other => other.to_string(),
        };
        let range = self.value_range(pointer);
        let Some(field) = self.schema.field_at(pointer) else {
            let expected = if pointer == "/type" {
                self.schema.dataset_type.as_str()
            } else {
                ""
            };
            return Diagnostic {
                suggestion: Some(expected.to_string()),
                ..Diagnostic::new(
                    Code::InvalidChoice,
                    pointer.to_string(),
                    range,
                    format!(
                        "`{}` is not allowed here; expected `{expected}`",
                        shown(&typed)
                    ),
                )
            };
        };
        let choices = if field.kind == FieldKind::Licence {
            &self.schema.licences
        } else {
            &field.choices
        };
        let suggestion = suggest::choice(&typed, choices);
        let mut message = format!(
            "`{}` is not an allowed value of {}",
            shown(&typed),
            field.title()
        );
        match suggestion {
            Some(s) => message.push_str(&format!("; did you mean `{}` ({})?", s.value, s.label)),
            None => message.push('.'),
        }
        const SHOWN: usize = 8;
        let allowed: Vec<String> = choices
            .iter()
            .take(SHOWN)
            .map(|c| {
                if c.label == c.value {
                    format!("`{}`", c.value)
                } else {
                    format!("`{}` ({})", c.value, c.label)
                }
            })
            .collect();
        message.push_str(&format!(" Allowed: {}", allowed.join(", ")));
        if choices.len() > SHOWN {
            message.push_str(&format!(
                ", and {} more (ask for completions)",
                choices.len() - SHOWN
            ));
        }
        Diagnostic {
            suggestion: suggestion.map(|c| c.value.clone()),
            ..Diagnostic::new(Code::InvalidChoice, pointer.to_string(), range, message)
        }
    }
}

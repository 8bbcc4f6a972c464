//! Values of the wrong shape: text where a list is wanted, and so on.

use super::{describe, Checker};
use crate::schema::FieldKind;
use crate::syntax;
use jsonschema::error::TypeKind;
use serde_json::Value as J;

impl Checker<'_> {
    pub(super) fn wrong_type(&self, pointer: &str, kind: &TypeKind, value: &J) -> String {
        let field = self.schema.field_at(pointer);
        // one language's value (or keyword) of a fluent field, rather than the field
        let language = field
            .filter(|f| matches!(f.kind, FieldKind::Fluent | FieldKind::FluentTags))
            .and_then(|f| {
                let tokens: Vec<String> = syntax::pointer_tokens(pointer).collect();
                let at = tokens.iter().position(|t| *t == f.name)?;
                tokens.get(at + 1).cloned()
            });
        let title = match (&language, field) {
            (Some(lang), Some(f)) => format!("The `{lang}` value of {}", f.title()),
            _ => self.field_title(pointer),
        };
        let is_field = language.is_none();
        let expected = match (field.map(|f| f.kind), kind) {
            (Some(FieldKind::Repeating), _) => {
                let example = field
                    .and_then(|f| f.subfields.first())
                    .map(|s| s.name.as_str())
                    .unwrap_or("name");
                format!("a list of entries, each a mapping of fields (`- {example}: ...`)")
            }
            (Some(FieldKind::MultipleChoice), _) => {
                let example = field
                    .and_then(|f| f.choices.first())
                    .map(|c| c.value.as_str())
                    .unwrap_or("value");
                format!("a list of values, like `[{example}]`")
            }
            (Some(FieldKind::Fluent), _) if is_field => FLUENT_TEXT.into(),
            (Some(FieldKind::FluentTags), _) if is_field => {
                "keywords per language, like `{en: [keyword]}`".into()
            }
            (_, TypeKind::Single(t)) => type_name(&format!("{t:?}")),
            (_, TypeKind::Multiple(ts)) => {
                let names: Vec<String> = ts.iter().map(|t| type_name(&format!("{t:?}"))).collect();
                names.join(" or ")
            }
        };
        if pointer.is_empty() {
            return format!("a record must be {expected}");
        }
        format!("{title} must be {expected}, not {}", describe(value))
    }
}

/// What ckanext-fluent's `fluent_text` takes.
pub(super) const FLUENT_TEXT: &str =
    "a text per language, like `{en: text, fr: texte}` (or that object as JSON text)";

fn type_name(debug: &str) -> String {
    match debug {
        "String" => "text",
        "Array" => "a list",
        "Object" => "a mapping of fields",
        "Number" | "Integer" => "a number",
        "Boolean" => "true or false",
        "Null" => "empty",
        other => other,
    }
    .to_string()
}

//! Required fields: always, or when another field has some value.

use super::{Checker, Code, Diagnostic};
use crate::schema::{Enforcement, Field, FieldKind, Rule, RuleKind};
use crate::syntax;
use serde_json::Value as J;

impl Checker<'_> {
    /// Field `name` of the object at `pointer` (at `relative` in
    /// `instance`) has no value, against `rule`.
    pub(super) fn required(
        &self,
        pointer: &str,
        relative: &str,
        name: &str,
        rule: Option<Rule>,
        instance: &J,
    ) -> Option<Diagnostic> {
        let field = self
            .schema
            .object_fields(pointer)?
            .iter()
            .find(|f| f.name == name)?;
        // Keywords may come as a `tags` list instead of `tag_string`.
        if field.kind == FieldKind::Tags
            && pointer.is_empty()
            && self.node("/tags").is_some_and(|t| !t.is_empty_value())
        {
            return None;
        }
        let conditional = rule.is_some_and(|r| r.kind == RuleKind::Condition);
        let mut d = self.missing(field, pointer, &self.entry_label(pointer), conditional);
        if let (true, Some(c)) = (conditional, &field.condition) {
            let other = syntax::push_pointer(pointer, &c.field);
            let value = instance
                .pointer(&syntax::push_pointer(relative, &c.field))
                .and_then(J::as_str)
                .unwrap_or_default();
            d.message = format!(
                "{} is required when {} is `{value}`",
                field.title(),
                self.field_title(&other)
            );
        }
        Some(d)
    }

    pub(super) fn missing(
        &self,
        field: &Field,
        object: &str,
        entry_label: &str,
        conditional: bool,
    ) -> Diagnostic {
        let pointer = syntax::push_pointer(object, &field.name);
        let present = self.root.and_then(|r| r.pointer_entry(&pointer));
        let range = match present {
            Some(e) => e.range(),
            None => self.object_range(object),
        };
        let place = if entry_label.is_empty() {
            String::new()
        } else {
            format!(" in {entry_label}")
        };
        let message = if present.is_some() {
            format!("{} is required{place}: it has no value yet", field.title())
        } else {
            format!("{} is required{place}", field.title())
        };
        let (code, enforced) = if conditional {
            let enforced = field.condition.as_ref().is_some_and(|c| c.enforced);
            (Code::ConditionalRequired, enforced)
        } else {
            (Code::MissingRequired, !field.form_only)
        };
        Diagnostic {
            enforcement: Enforcement::of(enforced),
            ..Diagnostic::new(code, pointer, range, message)
        }
    }
}

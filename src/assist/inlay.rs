//! Inlay hints: the title behind an id. Records hold a licence's id
//! (`license_id: "2"`) and organizations' ids (`owner_org`, a contact's
//! `org`), where people think in names; the hint shows the name after the
//! value.
//!
//! Which fields hold such ids comes from the schema (a licence field, an
//! organization field, a select whose choices the portal computes from its
//! organizations); the titles come from the lists the caller has at hand. An
//! id no list knows gets no hint.

use super::{choices_of, resources_field, takes_organization, Dynamic};
use crate::schema::{Field, FieldKind, Schema};
use crate::syntax::{Document, Node, Value};
use std::ops::Range;

/// One hint: `label` shown at byte `offset` (the end of the value).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlayHint {
    pub offset: usize,
    pub label: String,
    /// Where the title came from, for the tooltip.
    pub tooltip: String,
}

/// Where each list came from, in words for the tooltip ("the licence list
/// of the `test` catalogue").
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sources {
    pub licences: String,
    pub organizations: String,
}

/// The hints for the values that end within `range`, in document order.
pub fn inlay_hints(
    doc: &Document,
    schema: &Schema,
    extra: &Dynamic,
    sources: &Sources,
    range: Range<usize>,
) -> Vec<InlayHint> {
    let mut out = Vec::new();
    if let Some(root) = doc.root() {
        let context = Context {
            schema,
            extra,
            sources,
            range,
        };
        let resources = resources_field(schema);
        context.object(root, &schema.dataset_fields, Some(&resources), &mut out);
    }
    out
}

struct Context<'a> {
    schema: &'a Schema,
    extra: &'a Dynamic,
    sources: &'a Sources,
    range: Range<usize>,
}

impl Context<'_> {
    /// The hints in one object of the record; `resources` is the core list
    /// that only the dataset has.
    fn object(
        &self,
        node: &Node,
        fields: &[Field],
        resources: Option<&Field>,
        out: &mut Vec<InlayHint>,
    ) {
        let Some(entries) = node.as_map() else {
            return;
        };
        for entry in entries {
            let field = fields
                .iter()
                .find(|f| f.name == entry.key)
                .or(resources.filter(|r| r.name == entry.key));
            let Some(field) = field else { continue };
            if field.kind == FieldKind::Repeating {
                for item in entry.value.as_seq().unwrap_or_default() {
                    self.object(item, &field.subfields, None, out);
                }
            } else if let Some(source) = self.source(field) {
                match &entry.value.value {
                    Value::Seq(items) => items
                        .iter()
                        .for_each(|item| self.value(item, field, source, out)),
                    _ => self.value(&entry.value, field, source, out),
                }
            }
        }
    }

    /// Where the titles of a field's ids come from, when it holds ids.
    fn source(&self, field: &Field) -> Option<&str> {
        if field.kind == FieldKind::Licence {
            Some(&self.sources.licences)
        } else if takes_organization(field) {
            Some(&self.sources.organizations)
        } else {
            None
        }
    }

    /// The hint for one id, unless unknown or already its title.
    fn value(&self, node: &Node, field: &Field, source: &str, out: &mut Vec<InlayHint>) {
        let id = match &node.value {
            Value::String(s) => s.trim().to_string(),
            // `license_id: 2`, unquoted
            Value::Number(n) => n.to_string(),
            _ => return,
        };
        if !(self.range.start..=self.range.end).contains(&node.range.end) {
            return;
        }
        let Some(choice) = choices_of(field, self.schema, self.extra)
            .iter()
            .find(|c| c.value == id)
        else {
            return;
        };
        let title = choice.label.trim();
        if title.is_empty() || title.eq_ignore_ascii_case(&id) {
            return;
        }
        out.push(InlayHint {
            offset: node.range.end,
            label: title.to_string(),
            tooltip: format!("{} `{id}` is \"{title}\" in {source}.", field.label),
        });
    }
}

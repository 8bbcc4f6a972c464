//! What the publish/update/pull workflows report: problems located in the record file
//! (from the checker or from the catalogue's 409 reply) and the reasons a workflow stops.

use std::fmt;
use std::ops::Range;

use crate::check::{self, Code, Severity};
use crate::schema::{Enforcement, Schema};
use crate::syntax::{Document, Node, Spot};

use super::error::{display_path, CatalogueError};
use crate::record::convert::record_pointer;

/// A message on a place in the record file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// RFC 6901 pointer into the record (`""` for the record as a whole).
    pub pointer: String,
    /// Byte range in the file's text.
    pub range: Range<usize>,
    /// 1-based line of `range.start`, for the command line.
    pub line: usize,
    pub message: String,
}

/// Why a workflow stopped. Nothing was changed on the catalogue unless the variant says so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorkflowError {
    /// The checker found errors in the record; nothing was sent.
    Invalid { problems: Vec<Problem> },
    /// The record cannot go through this workflow as it is (an id on publish, a state other
    /// than DRAFT, no id on update, ...); nothing was sent.
    Refused(String),
    /// Another publish or update of the same file is running.
    Busy(String),
    /// The catalogue refused or failed. `problems` places its field errors in the file.
    Catalogue {
        error: CatalogueError,
        problems: Vec<Problem>,
        /// Extra advice for this workflow (e.g. "publishing again will not duplicate").
        hint: Option<String>,
    },
}

impl WorkflowError {
    /// A catalogue failure, with its field errors located in `doc`.
    pub fn from_catalogue(error: CatalogueError, doc: &Document) -> WorkflowError {
        let problems = catalogue_problems(doc, &error);
        WorkflowError::Catalogue {
            error,
            problems,
            hint: None,
        }
    }
}

impl fmt::Display for WorkflowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WorkflowError::Invalid { problems } => {
                let n = problems.len();
                write!(
                    f,
                    "the record has {n} error{} to fix first:",
                    if n == 1 { "" } else { "s" }
                )?;
                for p in problems {
                    write!(f, "\n  line {}: {}", p.line, p.message)?;
                }
                Ok(())
            }
            WorkflowError::Refused(message) | WorkflowError::Busy(message) => f.write_str(message),
            WorkflowError::Catalogue { error, hint, .. } => {
                write!(f, "{error}")?;
                if let Some(hint) = hint {
                    write!(f, ". {hint}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for WorkflowError {}

/// The checker's errors the catalogue's API would refuse the record for, as problems;
/// `Err` when there are any. Errors only its web form or policy asks about do not stop a
/// workflow: front ends ask first ([`form_only_problems`]).
pub fn require_valid(doc: &Document, schema: &Schema) -> Result<(), WorkflowError> {
    let problems = errors(doc, schema, Enforcement::Refused);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(WorkflowError::Invalid { problems })
    }
}

/// The checker's errors that the catalogue's API would accept but its web form or policy
/// would not: what a front end asks about before sending.
pub fn form_only_problems(doc: &Document, schema: &Schema) -> Vec<Problem> {
    errors(doc, schema, Enforcement::FormOnly)
}

/// Whether a finding stops publish and update: an error the catalogue's API refuses.
pub fn blocks_sending(d: &check::Diagnostic) -> bool {
    d.severity == Severity::Error && class(d) == Enforcement::Refused
}

fn class(d: &check::Diagnostic) -> Enforcement {
    // a credential in the file is never sent, although the catalogue would drop it
    match d.code {
        Code::SecretInRecord => Enforcement::Refused,
        _ => d.enforcement,
    }
}

fn errors(doc: &Document, schema: &Schema, enforcement: Enforcement) -> Vec<Problem> {
    check::check(doc, schema)
        .into_iter()
        .filter(|d| d.severity == Severity::Error && class(d) == enforcement)
        .map(|d| Problem {
            line: line_of(doc, d.range.start),
            pointer: d.pointer,
            range: d.range,
            message: d.message,
        })
        .collect()
}

/// The catalogue's validation errors placed in the record file (empty for other errors):
/// each on the value (or key) its pointer names, or on the nearest enclosing key when the
/// file does not have that field; messages on no field go on the first line.
pub fn catalogue_problems(doc: &Document, error: &CatalogueError) -> Vec<Problem> {
    let CatalogueError::Validation {
        fields, general, ..
    } = error
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for message in general {
        let range = locate(doc, "");
        out.push(Problem {
            pointer: String::new(),
            line: line_of(doc, range.start),
            range,
            message: message.clone(),
        });
    }
    for field in fields {
        let pointer = match doc.root() {
            Some(root) => record_pointer(&field.pointer, root),
            None => field.pointer.clone(),
        };
        let range = locate(doc, &pointer);
        let message = format!(
            "{}: {}",
            display_path(&field.pointer),
            field.messages.join("; ")
        );
        out.push(Problem {
            line: line_of(doc, range.start),
            pointer,
            range,
            message,
        });
    }
    out
}

/// Where a pointer's problem is shown: a scalar's value, a key when the value is a list or
/// mapping (or empty), a list item's first key, or the nearest ancestor that exists.
pub fn locate(doc: &Document, pointer: &str) -> Range<usize> {
    doc.locate(pointer, Spot::Field)
}

/// The record file's top-level mapping, or why it cannot be used.
pub fn record_root(doc: &Document) -> Result<&Node, WorkflowError> {
    doc.root()
        .filter(|root| root.as_map().is_some())
        .ok_or_else(|| {
            WorkflowError::Refused("the file does not hold a record (a mapping of fields)".into())
        })
}

/// A top-level string field, trimmed; `None` when absent or empty.
pub fn string_field<'a>(root: &'a Node, key: &str) -> Option<&'a str> {
    root.get(key)
        .and_then(Node::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

fn line_of(doc: &Document, offset: usize) -> usize {
    doc.text().byte_to_line(offset.min(doc.text().len_bytes())) + 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::error::FieldError;
    use crate::syntax::Format;

    const RECORD: &str = "# comment\ntitle: T\ntag_string: a, b\ncontacts:\n  - name: A\n    email: \n  - name: B\nresources:\n  - name: R\n    format: CSV\n";

    fn validation(fields: &[(&str, &str)], general: &[&str]) -> CatalogueError {
        CatalogueError::Validation {
            catalogue: "test".into(),
            fields: fields
                .iter()
                .map(|(p, m)| FieldError {
                    pointer: p.to_string(),
                    messages: vec![m.to_string()],
                })
                .collect(),
            general: general.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn only_what_the_catalogue_refuses_blocks_and_form_only_errors_are_listed() {
        let valid = include_str!("../../examples/water-quality.bcdc.yaml");
        let schema = Schema::embedded();
        let no_keywords = valid.replace("tag_string: ", "# tag_string: ");
        let doc = Document::parse(&no_keywords, Format::Yaml);
        assert_eq!(require_valid(&doc, &schema), Ok(()));
        let listed = form_only_problems(&doc, &schema);
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].pointer, "/tag_string");
        let secret = valid.replace("tag_string: ", "api_key: abc\ntag_string: ");
        let doc = Document::parse(&secret, Format::Yaml);
        // dropped by the catalogue, but never sent
        assert!(matches!(
            require_valid(&doc, &schema),
            Err(WorkflowError::Invalid { problems }) if problems[0].pointer == "/api_key"
        ));
    }

    #[test]
    fn catalogue_errors_land_on_lines() {
        let doc = Document::parse(RECORD, Format::Yaml);
        let err = validation(
            &[
                ("/title", "That Title is already in use."),
                ("/contacts/0/email", "Missing value"),
                ("/contacts/1/email", "Missing value"),
                ("/resources/0/format", "must be one of csv, json"),
                ("/tags/0/name", "bad tag"),
                ("/security_class", "Missing value"),
            ],
            &["Missing id"],
        );
        let problems = catalogue_problems(&doc, &err);
        let at: Vec<(usize, &str)> = problems
            .iter()
            .map(|p| (p.line, &RECORD[p.range.clone()]))
            .collect();
        assert_eq!(
            at,
            [
                (1, "# comment"),
                (2, "T"),
                (6, "email"),
                (7, "name"),
                (10, "CSV"),
                (3, "a, b"),
                (1, "# comment"),
            ]
        );
        assert_eq!(problems[2].message, "contacts[0].email: Missing value");
        assert_eq!(problems[5].pointer, "/tag_string");
    }
}

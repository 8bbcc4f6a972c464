//! Checks a record against the schema and reports every problem on the key
//! or value it concerns.
//!
//! Shapes, required fields, choices, formats, single entries, unknown keys
//! and conditional requirements come from the compiled JSON Schema; this
//! module runs it and maps each error, by the rule its keyword stands for
//! (the schema's rule table), to a message that names fields by label and
//! says what the catalogue would do. The messages of each rule family live
//! in their own file; what JSON Schema cannot say (keyword rules, "did you
//! mean") is added there too.

pub mod instance;
pub mod legacy;
pub mod suggest;
pub mod unknown_keys;

mod choices;
mod formats;
mod limits;
mod required;
mod shapes;

use crate::schema::{Enforcement, RuleKind, Schema, Validators};
use crate::syntax::{self, Document, Node, Spot, SyntaxErrorKind};
use jsonschema::error::ValidationErrorKind;
use jsonschema::ValidationError;
use serde_json::Value as J;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

/// Stable identifiers of the problems the checker reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Code {
    Syntax,
    DuplicateKey,
    Limit,
    MissingRequired,
    ConditionalRequired,
    InvalidChoice,
    WrongType,
    InvalidFormat,
    SingleEntry,
    InvalidState,
    UnknownField,
    SecretInRecord,
    LegacyJsonText,
    LegacyObjectJunk,
    LegacyNullText,
    EmptyChoice,
    LegacyBooleanText,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Syntax => "syntax",
            Code::DuplicateKey => "duplicate-key",
            Code::Limit => "limit",
            Code::MissingRequired => "missing-required",
            Code::ConditionalRequired => "conditional-required",
            Code::InvalidChoice => "invalid-choice",
            Code::WrongType => "wrong-type",
            Code::InvalidFormat => "invalid-format",
            Code::SingleEntry => "single-entry",
            Code::InvalidState => "invalid-state",
            Code::UnknownField => "unknown-field",
            Code::SecretInRecord => "secret-in-record",
            Code::LegacyJsonText => "legacy-json-text",
            Code::LegacyObjectJunk => "legacy-object-junk",
            Code::LegacyNullText => "legacy-null-text",
            Code::EmptyChoice => "empty-choice",
            Code::LegacyBooleanText => "legacy-boolean-text",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
    Information,
    Hint,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Information => "information",
            Severity::Hint => "hint",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    /// RFC 6901 pointer of the field concerned (for a missing field, where
    /// it would be).
    pub pointer: String,
    /// Byte range in the document.
    pub range: Range<usize>,
    /// The value or key the user probably meant, for quick fixes.
    pub suggestion: Option<String>,
    /// What the catalogue would do with the record as it is: refuse it,
    /// accept it (only its web form or policy asks), or drop the value.
    pub enforcement: Enforcement,
}

impl Diagnostic {
    fn new(code: Code, pointer: String, range: Range<usize>, message: String) -> Diagnostic {
        let severity = match code {
            Code::UnknownField => Severity::Warning,
            _ => Severity::Error,
        };
        // the rule table refines this where the schema says more
        let enforcement = match code {
            Code::UnknownField | Code::SecretInRecord => Enforcement::Dropped,
            Code::SingleEntry => Enforcement::FormOnly,
            _ => Enforcement::Refused,
        };
        Diagnostic {
            code,
            severity,
            message,
            pointer,
            range,
            suggestion: None,
            enforcement,
        }
    }
}

/// File name endings that make a file a record whatever it holds.
pub const RECORD_SUFFIXES: [&str; 3] = [".bcdc.yaml", ".bcdc.yml", ".bcdc.json"];

/// Whether a file is a record by its name alone.
pub fn is_record_name(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    RECORD_SUFFIXES.iter().any(|s| lower.ends_with(s))
}

/// The record file rule, the one the CLI and the server apply (the editors'
/// file patterns approximate it, see docs/protocol.md): a document is a record
/// when its name ends in one of [`RECORD_SUFFIXES`] (any case), or when its top
/// level says `type: <the schema's dataset type>`.
pub fn is_record(path: &str, doc: &Document, schema: &Schema) -> bool {
    is_record_name(path)
        || doc
            .root()
            .and_then(|r| r.get("type"))
            .and_then(Node::as_str)
            .is_some_and(|t| t == schema.dataset_type)
}

/// What validating the entries of a record's lists of objects found, kept
/// by the entries' fingerprints so that a check after an edit validates
/// only the entries that changed. Held by whoever checks the same
/// document again (the language server keeps one per open document);
/// results never depend on what it holds.
#[derive(Default)]
pub struct Cache {
    /// The schema's fingerprint the results were computed with.
    schema: u64,
    /// By list key: the fingerprint and outcome of each entry, in order.
    lists: HashMap<String, Vec<(u64, Arc<EntryOutcome>)>>,
}

/// The JSON Schema errors of one list entry, with pointers relative to it.
struct EntryOutcome {
    /// The entry's JSON (kept only when there are errors to map).
    instance: J,
    errors: Vec<ValidationError<'static>>,
    /// Its legacy shapes (see `legacy`).
    legacy: Vec<legacy::Finding>,
}

/// Every problem in the document, ordered by position.
pub fn check(doc: &Document, schema: &Schema) -> Vec<Diagnostic> {
    run(doc, schema, None)
}

/// [`check`], validating again only the list entries that `cache` has no
/// results for; the results are the same as [`check`]'s.
pub fn check_with(doc: &Document, schema: &Schema, cache: &mut Cache) -> Vec<Diagnostic> {
    run(doc, schema, Some(cache))
}

/// Checks, keeping the list entries' results in `cache` when there is one;
/// a message says when the catalogue's API would accept the record anyway.
fn run(doc: &Document, schema: &Schema, cache: Option<&mut Cache>) -> Vec<Diagnostic> {
    let mut out = find(doc, schema, cache);
    for d in &mut out {
        if d.enforcement == Enforcement::FormOnly {
            d.message.push_str(
                " (only the portal's web form or policy asks for this: its API accepts the record)",
            );
        }
    }
    out
}

fn find(doc: &Document, schema: &Schema, cache: Option<&mut Cache>) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = doc
        .syntax_errors()
        .iter()
        .map(|e| {
            let code = match e.kind {
                SyntaxErrorKind::Syntax => Code::Syntax,
                SyntaxErrorKind::DuplicateKey => Code::DuplicateKey,
                SyntaxErrorKind::Limit => Code::Limit,
            };
            Diagnostic::new(code, String::new(), e.range.clone(), e.message.clone())
        })
        .collect();
    let Some(root) = doc.root() else {
        if !doc
            .syntax_errors()
            .iter()
            .any(|e| e.kind == SyntaxErrorKind::Limit)
        {
            let cx = Checker {
                doc,
                schema,
                root: None,
            };
            for f in schema.dataset_fields.iter().filter(|f| f.required) {
                out.push(cx.missing(f, "", "", false));
            }
        }
        return out;
    };
    if root.as_map().is_none() {
        out.push(Diagnostic::new(
            Code::WrongType,
            String::new(),
            doc.first_line(),
            format!(
                "a record is a mapping of fields (`name: value`), not {}",
                describe(&root.to_json())
            ),
        ));
        return out;
    }
    let cx = Checker {
        doc,
        schema,
        root: Some(root),
    };
    let (instance, lists) = instance::without_entries(root, schema);
    for error in schema.validators.record.iter_errors(&instance) {
        cx.map_error(&error, "", "", &instance, &mut out);
    }
    let skip: Vec<&str> = lists.iter().map(|l| l.key).collect();
    let record_legacy = legacy::scan_record(root, schema, &skip);
    out.extend(record_legacy.iter().map(|f| f.diagnostic(doc, "")));
    cx.check_entries(&lists, cache, &mut out);
    cx.check_keywords(&mut out);
    legacy::settle(doc, schema, &mut out);
    // A state outside the choices is reported once, as a bad choice.
    let bad_choices: Vec<String> = out
        .iter()
        .filter(|d| d.code == Code::InvalidChoice)
        .map(|d| d.pointer.clone())
        .collect();
    out.retain(|d| d.code != Code::InvalidState || !bad_choices.contains(&d.pointer));
    out.sort_by_key(|d| (d.range.start, d.range.end));
    out
}

struct Checker<'a> {
    doc: &'a Document,
    schema: &'a Schema,
    root: Option<&'a Node>,
}

impl Checker<'_> {
    fn node(&self, pointer: &str) -> Option<&Node> {
        self.root?.pointer(pointer)
    }

    fn field_title(&self, pointer: &str) -> String {
        match self.schema.field_at(pointer) {
            Some(f) => f.title(),
            None => format!(
                "`{}`",
                syntax::split_pointer(pointer)
                    .map(|(_, k)| k)
                    .unwrap_or_default()
            ),
        }
    }

    /// Where a value problem is shown.
    fn value_range(&self, pointer: &str) -> Range<usize> {
        self.doc.locate(pointer, Spot::Value)
    }

    /// Where a problem of a whole object is shown.
    fn object_range(&self, pointer: &str) -> Range<usize> {
        self.doc.locate(pointer, Spot::Object)
    }

    /// "contact 2" for `/contacts/1`, "resource 1" for `/resources/0`.
    fn entry_label(&self, object: &str) -> String {
        let Some((list, index)) = syntax::split_pointer(object) else {
            return String::new();
        };
        let Ok(i) = index.parse::<usize>() else {
            return String::new();
        };
        match self.schema.field_at(list) {
            Some(f) => format!("{} entry {}", f.label, i + 1),
            None if list == "/resources" => format!("resource {}", i + 1),
            None => String::new(),
        }
    }

    /// Validates each entry of the lists of objects on its own, or takes
    /// its errors from `cache` when an entry with the same fingerprint was
    /// validated before, and maps them.
    fn check_entries(
        &self,
        lists: &[instance::EntryList],
        cache: Option<&mut Cache>,
        out: &mut Vec<Diagnostic>,
    ) {
        let validate =
            |node: &Node, list: &instance::EntryList, validator: &jsonschema::Validator| {
                let instance = instance::entry(node, list.fields, self.schema);
                let errors: Vec<_> = validator
                    .iter_errors(&instance)
                    .map(ValidationError::to_owned)
                    .collect();
                Arc::new(EntryOutcome {
                    instance: if errors.is_empty() { J::Null } else { instance },
                    errors,
                    legacy: legacy::scan_entry(node, list.fields),
                })
            };
        let map = |i: usize,
                   list: &instance::EntryList,
                   outcome: &EntryOutcome,
                   out: &mut Vec<Diagnostic>| {
            if !outcome.errors.is_empty() || !outcome.legacy.is_empty() {
                let at = syntax::push_pointer(&syntax::push_pointer("", list.key), &i.to_string());
                let location = Validators::entry_location(list.key);
                for error in &outcome.errors {
                    self.map_error(error, &at, &location, &outcome.instance, out);
                }
                out.extend(outcome.legacy.iter().map(|f| f.diagnostic(self.doc, &at)));
            }
        };
        let Some(cache) = cache else {
            for list in lists {
                if let Some(validator) = self.schema.validators.entry(list.key) {
                    for (i, node) in list.entries.iter().enumerate() {
                        map(i, list, &validate(node, list, validator), out);
                    }
                }
            }
            return;
        };
        if cache.schema != self.schema.validators.fingerprint {
            *cache = Cache {
                schema: self.schema.validators.fingerprint,
                ..Cache::default()
            };
        }
        let mut kept = HashMap::with_capacity(lists.len());
        for list in lists {
            let Some(validator) = self.schema.validators.entry(list.key) else {
                continue;
            };
            let computed: Vec<u64>;
            let fingerprints = match self.doc.item_fingerprints(list.index) {
                Some(f) if f.len() == list.entries.len() => f,
                _ => {
                    computed = list.entries.iter().map(Node::fingerprint).collect();
                    &computed
                }
            };
            let old = cache.lists.remove(list.key).unwrap_or_default();
            // when entries were added or removed, the others moved
            let mut moved: Option<HashMap<u64, Arc<EntryOutcome>>> = None;
            let resized = old.len() != list.entries.len();
            let mut now = Vec::with_capacity(list.entries.len());
            for (i, (node, &fingerprint)) in list.entries.iter().zip(fingerprints).enumerate() {
                let known = match old.get(i) {
                    Some((f, outcome)) if *f == fingerprint => Some(outcome.clone()),
                    _ if resized => moved
                        .get_or_insert_with(|| old.iter().cloned().collect())
                        .get(&fingerprint)
                        .cloned(),
                    _ => None,
                };
                let outcome = known.unwrap_or_else(|| validate(node, list, validator));
                map(i, list, &outcome, out);
                now.push((fingerprint, outcome));
            }
            kept.insert(list.key.to_string(), now);
        }
        cache.lists = kept;
    }

    /// Maps one JSON Schema error found in `instance`, which stands at
    /// pointer `at` in the record and was validated by the part of the
    /// schema at `location` in the whole (see `Validators::entry_location`).
    fn map_error(
        &self,
        error: &ValidationError,
        at: &str,
        location: &str,
        instance: &J,
        out: &mut Vec<Diagnostic>,
    ) {
        let relative = error.instance_path().as_str();
        let pointer = format!("{at}{relative}");
        let keyword = format!("{location}{}", error.schema_path().as_str());
        // the rule the keyword stands for; for `required`, the property's
        let property = match error.kind() {
            ValidationErrorKind::Required { property } => property.as_str(),
            _ => None,
        };
        let rule = self.schema.validators.rules.at(&keyword, property);
        let mut found = match error.kind() {
            ValidationErrorKind::Required { .. } => self
                .required(
                    &pointer,
                    relative,
                    property.unwrap_or_default(),
                    rule,
                    instance,
                )
                .into_iter()
                .collect(),
            ValidationErrorKind::AdditionalProperties { unexpected } => unexpected
                .iter()
                .filter_map(|key| self.unknown_key(&pointer, key))
                .collect(),
            ValidationErrorKind::Enum { .. } | ValidationErrorKind::Constant { .. } => match rule {
                Some(rule) if rule.kind == RuleKind::StartState => {
                    vec![self.invalid_state(&pointer)]
                }
                _ => vec![self.invalid_choice(&pointer, error.instance())],
            },
            ValidationErrorKind::Type { kind } => vec![Diagnostic::new(
                Code::WrongType,
                pointer.clone(),
                self.value_range(&pointer),
                self.wrong_type(&pointer, kind, error.instance()),
            )],
            ValidationErrorKind::MaxItems { limit } => {
                vec![self.single_entry(&pointer, *limit, error.instance())]
            }
            ValidationErrorKind::Format { .. }
            | ValidationErrorKind::Pattern { .. }
            | ValidationErrorKind::MinLength { .. }
            | ValidationErrorKind::MaxLength { .. } => vec![Diagnostic::new(
                Code::InvalidFormat,
                pointer.clone(),
                self.value_range(&pointer),
                self.format_message(&pointer, error.instance()),
            )],
            _ => vec![Diagnostic::new(
                Code::WrongType,
                pointer.clone(),
                self.value_range(&pointer),
                format!("{}: {error}", self.field_title(&pointer)),
            )],
        };
        if let Some(rule) = rule {
            for d in &mut found {
                d.enforcement = rule.enforcement;
            }
        }
        out.extend(found);
    }
}

/// A typed value as a message quotes it: a long one (a pasted paragraph, a minified
/// blob) is cut, so that one problem stays one readable line in every report.
fn shown(typed: &str) -> std::borrow::Cow<'_, str> {
    const MAX: usize = 80;
    match typed.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &typed[..cut]).into(),
        None => typed.into(),
    }
}

fn describe(value: &J) -> String {
    match value {
        J::Null => "empty".into(),
        J::Bool(b) => format!("`{b}`"),
        J::Number(n) => format!("the number {n}"),
        J::String(s) => format!("the text `{}`", shown(s)),
        J::Array(_) => "a list".into(),
        J::Object(_) => "a single mapping".into(),
    }
}

#[cfg(test)]
pub(crate) mod fuzz_tests;
#[cfg(test)]
mod tests;

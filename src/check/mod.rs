//! Checks a record against the schema and reports every problem on the key
//! or value it concerns.
//!
//! Shapes, required fields, choices, formats, single entries, unknown keys
//! and conditional requirements come from the compiled JSON Schema; this
//! module turns its errors into messages that name fields by label and
//! adds what JSON Schema cannot say (keyword rules, "did you mean").

pub mod instance;
pub mod legacy;
pub mod suggest;

use crate::schema::{
    Field, FieldKind, Schema, CONDITIONAL_MARK, CORE_DATASET_KEYS, CORE_RESOURCE_KEYS,
};
use crate::syntax::{self, Document, Node, Spot, SyntaxErrorKind, Value};
use jsonschema::error::{TypeKind, ValidationErrorKind};
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
}

impl Diagnostic {
    fn new(code: Code, pointer: String, range: Range<usize>, message: String) -> Diagnostic {
        let severity = match code {
            Code::UnknownField => Severity::Warning,
            _ => Severity::Error,
        };
        Diagnostic {
            code,
            severity,
            message,
            pointer,
            range,
            suggestion: None,
        }
    }
}

/// Is this document a record file? By name, or by its top-level `type`.
pub fn is_record(path: &str, doc: &Document, schema: &Schema) -> bool {
    let lower = path.to_ascii_lowercase();
    [".bcdc.yaml", ".bcdc.yml", ".bcdc.json"]
        .iter()
        .any(|s| lower.ends_with(s))
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

/// Checks, keeping the list entries' results in `cache` when there is one.
fn run(doc: &Document, schema: &Schema, cache: Option<&mut Cache>) -> Vec<Diagnostic> {
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
        cx.map_error(&error, "", &instance, &mut out);
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

    fn missing(
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
        let code = if conditional {
            Code::ConditionalRequired
        } else {
            Code::MissingRequired
        };
        Diagnostic::new(code, pointer, range, message)
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
                for error in &outcome.errors {
                    self.map_error(error, &at, &outcome.instance, out);
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
    /// pointer `at` in the record.
    fn map_error(
        &self,
        error: &ValidationError,
        at: &str,
        instance: &J,
        out: &mut Vec<Diagnostic>,
    ) {
        let relative = error.instance_path().as_str();
        let pointer = format!("{at}{relative}");
        let schema_path = error.schema_path().as_str();
        let conditional = schema_path.contains(CONDITIONAL_MARK);
        match error.kind() {
            ValidationErrorKind::Required { property } => {
                let name = property.as_str().unwrap_or_default();
                let Some(fields) = self.schema.object_fields(&pointer) else {
                    return;
                };
                let Some(field) = fields.iter().find(|f| f.name == name) else {
                    return;
                };
                // Keywords may come as a `tags` list instead of `tag_string`.
                if field.kind == FieldKind::Tags
                    && pointer.is_empty()
                    && self.node("/tags").is_some_and(|t| !t.is_empty_value())
                {
                    return;
                }
                let mut d = self.missing(field, &pointer, &self.entry_label(&pointer), conditional);
                if conditional {
                    if let Some(c) = &field.condition {
                        let other = syntax::push_pointer(&pointer, &c.field);
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
                }
                out.push(d);
            }
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                for key in unexpected {
                    out.push(self.unknown_field(&pointer, key));
                }
            }
            ValidationErrorKind::Enum { .. } | ValidationErrorKind::Constant { .. }
                if conditional =>
            {
                let title = self.field_title(&pointer);
                let start = self
                    .schema
                    .field_at(&pointer)
                    .and_then(|f| f.start_state.clone())
                    .unwrap_or_default();
                out.push(Diagnostic {
                    suggestion: Some(start.clone()),
                    ..Diagnostic::new(
                        Code::InvalidState,
                        pointer.clone(),
                        self.value_range(&pointer),
                        format!(
                            "a new record (one without `id`) must have {title} `{start}`: the \
                             catalogue only creates records in that state; change it after publishing"
                        ),
                    )
                });
            }
            ValidationErrorKind::Enum { .. } | ValidationErrorKind::Constant { .. } => {
                out.push(self.invalid_choice(&pointer, error.instance()));
            }
            ValidationErrorKind::Type { kind } => {
                out.push(Diagnostic::new(
                    Code::WrongType,
                    pointer.clone(),
                    self.value_range(&pointer),
                    self.wrong_type(&pointer, kind, error.instance()),
                ));
            }
            ValidationErrorKind::MaxItems { limit } => {
                let n = error.instance().as_array().map_or(0, Vec::len);
                out.push(Diagnostic::new(
                    Code::SingleEntry,
                    pointer.clone(),
                    self.value_range(&pointer),
                    format!(
                        "{} takes {} entry; this has {n} (the catalogue keeps one)",
                        self.field_title(&pointer),
                        if *limit == 1 {
                            "a single".to_string()
                        } else {
                            format!("at most {limit}")
                        }
                    ),
                ));
            }
            ValidationErrorKind::Format { .. }
            | ValidationErrorKind::Pattern { .. }
            | ValidationErrorKind::MinLength { .. }
            | ValidationErrorKind::MaxLength { .. } => {
                out.push(Diagnostic::new(
                    Code::InvalidFormat,
                    pointer.clone(),
                    self.value_range(&pointer),
                    self.format_message(&pointer, error.instance()),
                ));
            }
            _ => out.push(Diagnostic::new(
                Code::WrongType,
                pointer.clone(),
                self.value_range(&pointer),
                format!("{}: {error}", self.field_title(&pointer)),
            )),
        }
    }

    fn unknown_field(&self, object: &str, key: &str) -> Diagnostic {
        let pointer = syntax::push_pointer(object, key);
        let range = self
            .root
            .and_then(|r| r.pointer_entry(&pointer))
            .map_or_else(|| self.object_range(object), |e| e.key_range.clone());
        if looks_secret(key) {
            return Diagnostic::new(
                Code::SecretInRecord,
                pointer,
                range,
                format!(
                    "`{key}` looks like a credential: API keys never go in a record file (it would be \
                     shared and published); set BCDC_API_KEY or use the editor's \"Set API key\""
                ),
            );
        }
        let in_resource = object.starts_with("/resources/");
        let core: &[&str] = if in_resource {
            &CORE_RESOURCE_KEYS
        } else if object.is_empty() {
            &CORE_DATASET_KEYS
        } else {
            &[]
        };
        let fields = self.schema.object_fields(object).unwrap_or(&[]);
        let suggestion = suggest::field_name(key, fields, core);
        let hint = match &suggestion {
            Some(s) => match fields.iter().find(|f| &f.name == s) {
                Some(f) => format!("; did you mean {}?", f.title()),
                None => format!("; did you mean `{s}`?"),
            },
            None => String::new(),
        };
        let place = if object.is_empty() {
            "the dataset schema".to_string()
        } else if in_resource
            && syntax::split_pointer(object).is_some_and(|(p, _)| p == "/resources")
        {
            "a resource".to_string()
        } else {
            self.field_title(object)
        };
        Diagnostic {
            suggestion,
            ..Diagnostic::new(
                Code::UnknownField,
                pointer,
                range,
                format!(
                    "`{key}` is not a field of {place}: the catalogue would silently drop it{hint}"
                ),
            )
        }
    }

    fn invalid_choice(&self, pointer: &str, value: &J) -> Diagnostic {
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

    fn wrong_type(&self, pointer: &str, kind: &TypeKind, value: &J) -> String {
        let field = self.schema.field_at(pointer);
        let title = self.field_title(pointer);
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

    fn format_message(&self, pointer: &str, value: &J) -> String {
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
    fn check_keywords(&self, out: &mut Vec<Diagnostic>) {
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
                    out.push(Diagnostic::new(
                        Code::InvalidFormat,
                        pointer.clone(),
                        self.substring_range(node, tag),
                        format!("keyword `{tag}` in {}: a keyword {problem}", field.title()),
                    ));
                }
            }
        }
    }

    /// The range of `part` inside a scalar's text when it appears there
    /// verbatim, else the whole value.
    fn substring_range(&self, node: &Node, part: &str) -> Range<usize> {
        let text = self.doc.slice(node.range.clone());
        match text.find(part) {
            Some(i) if !part.is_empty() => node.range.start + i..node.range.start + i + part.len(),
            _ => node.range.clone(),
        }
    }
}

/// Key names that hold credentials.
fn looks_secret(key: &str) -> bool {
    let k = suggest::normalise(key);
    [
        "apikey",
        "apitoken",
        "token",
        "authorization",
        "secret",
        "password",
        "ckanapikey",
    ]
    .iter()
    .any(|s| k == *s || k.ends_with(s))
}

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

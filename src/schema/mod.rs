//! The ckanext-scheming dataset schema, read into a model of fields, and
//! compiled once into a JSON Schema validator.
//!
//! Everything the checker, completion and hover know about fields comes from
//! the schema's own keys (`required`, `choices`, `preset`, `validators`,
//! `repeating_subfields`, `conditional_field`/`conditional_values`, ...), so
//! another portal's scheming schema works the same way.

pub mod ckan_core;
mod compile;
mod formats;
mod load;
mod presets;

pub(crate) use compile::Rules;
pub use compile::{Rule, RuleKind};

use serde_json::Value as J;

const EMBEDDED_SCHEMA: &str = include_str!("../../schema/bcdc_dataset.json");
const EMBEDDED_LICENCES: &str = include_str!("../../schema/bcdc_licenses.json");

pub use ckan_core::CkanVersion;

/// What a field holds, derived from its preset, validators and snippets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    Markdown,
    /// A whole number (`int_validator` and kin), or text that reads as one.
    Integer,
    /// `true`/`false`, or text CKAN reads as one (`boolean_validator`).
    Boolean,
    /// One value from `choices`.
    Select,
    /// A list of values from `choices` (or one of them as a string).
    MultipleChoice,
    /// A list of free texts (`scheming_multiple_text`), or one text.
    MultipleText,
    Date,
    /// A date with an optional time, ISO 8601 (`scheming_isodatetime`).
    DateTime,
    /// A date and time with `T` and an optional UTC offset (`scheming_isodatetime_tz`).
    DateTimeTz,
    Email,
    /// The dataset's URL name (`name_validator`).
    Slug,
    /// A title with a length rule (`title_validator`).
    Title,
    /// Comma-separated keywords (`tag_string_convert`).
    Tags,
    /// An organization id or name (`owner_org_validator`).
    Organization,
    /// An id from the catalogue's licence list.
    Licence,
    JsonObject,
    /// A list of objects with `subfields`.
    Repeating,
    /// Text per language, `{"en": "...", "fr": "..."}` or that object as
    /// JSON text (ckanext-fluent's `fluent_text`).
    Fluent,
    /// Keywords per language, `{"en": ["a", "b"]}` (ckanext-fluent's `fluent_tags`).
    FluentTags,
    /// A value the checker does not check: the field has an input validator
    /// it does not model (see [`Field::unmodelled_validator`]), which may
    /// accept or reshape any value. Whether it is required still holds.
    Unchecked,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    pub value: String,
    pub label: String,
    /// States this one may move to (`validTo` of a state machine).
    pub next: Vec<String>,
}

/// "Required when `field` is one of `values`".
#[derive(Clone, Debug, PartialEq)]
pub struct Condition {
    pub field: String,
    pub values: Vec<String>,
    /// The portal's API enforces it: a `conditional_required` validator on a
    /// dataset field. It reads the other field at the top level of the
    /// record, so on a resource or a list entry only the web form asks.
    pub enforced: bool,
}

/// What the catalogue does with a record that breaks a rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Enforcement {
    /// The API refuses the record: creating or updating it fails.
    Refused,
    /// Only the portal's web form or policy asks for it: the API accepts the record.
    FormOnly,
    /// The API accepts the record and silently drops the value.
    Dropped,
}

impl Enforcement {
    pub fn as_str(self) -> &'static str {
        match self {
            Enforcement::Refused => "refused",
            Enforcement::FormOnly => "form-only",
            Enforcement::Dropped => "dropped",
        }
    }

    /// From a rule's being checked by the portal's validators.
    pub fn of(checked_by_api: bool) -> Enforcement {
        if checked_by_api {
            Enforcement::Refused
        } else {
            Enforcement::FormOnly
        }
    }
}

/// Which of a field's value rules the portal's validators check on input
/// (the rest only its web form): read from the validators as
/// ckanext-scheming runs them, since a field's own `validators` replace
/// its preset's (BCDC's `conditional_required` drops `scheming_choices`
/// and `isodate`).
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Checked {
    /// The value must be one of `choices` (`scheming_choices`, ...).
    pub choices: bool,
    /// The value's format (`isodate`, `email_validator`, `name_validator`, ...).
    pub format: bool,
    /// A new record must be in the start state (`valid_next_state`).
    pub start_state: bool,
}

/// Validators that refuse a value outside the field's choices.
const CHOICE_VALIDATORS: [&str; 4] = [
    "scheming_choices",
    "scheming_multiple_choice",
    "one_of",
    // BCDC's: a list, JSON list text or one text, each from the choices
    "iso_topic_category",
];

#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    pub name: String,
    /// The form label; the name, humanised, when the schema has none.
    pub label: String,
    /// The portal asks for a value: its form (`required`) or its validators
    /// (`not_empty`, ...), unless a validator fills it in (`if_empty_same_as`).
    pub required: bool,
    /// Required by the web form only: the field's validators let the API
    /// create a record without it (BCDC's `title` and `tag_string`).
    pub form_only: bool,
    pub help_text: Option<String>,
    pub placeholder: Option<String>,
    pub preset: Option<String>,
    /// What the portal runs on input, its preset's when the field has none.
    pub validators: Vec<String>,
    /// What `package_show` runs on the stored value (see [`Field::record_value`]).
    pub output_validators: Vec<String>,
    pub kind: FieldKind,
    pub choices: Vec<Choice>,
    /// Choices computed by the catalogue at run time (not in the schema).
    pub choices_helper: Option<String>,
    pub subfields: Vec<Field>,
    pub condition: Option<Condition>,
    /// Which value rules the API checks.
    pub checked: Checked,
    /// At most one entry (`single_value_subfield`). ckanext-scheming drops
    /// the own validators of a field with subfields, so only the form asks.
    pub single_entry: bool,
    /// Filled in by the catalogue, not by the author (no form input, or a
    /// hidden unlabelled field).
    pub system: bool,
    /// The state a new record must start in (`startState`).
    pub start_state: Option<String>,
}

impl Field {
    /// "Licence (`license_id`)": how messages name a field.
    pub fn title(&self) -> String {
        if self.label.eq_ignore_ascii_case(&self.name) {
            format!("`{}`", self.name)
        } else {
            format!("{} (`{}`)", self.label, self.name)
        }
    }

    pub fn choice(&self, value: &str) -> Option<&Choice> {
        self.choices
            .iter()
            .find(|c| choice_matches(&c.value, value))
    }

    /// The first of the field's input validators whose effect the checker
    /// does not model (a portal's own, like opendata.swiss's
    /// `harvest_list_of_dicts`), if any.
    pub fn unmodelled_validator(&self) -> Option<&str> {
        unmodelled_validator(&self.validators)
    }

    pub fn subfield(&self, name: &str) -> Option<&Field> {
        self.subfields.iter().find(|f| f.name == name)
    }

    /// A value from `package_show` in record form. The portal has run the
    /// field's output validators; where a list or object field has none that
    /// decode (`scheming_multiple_choice_output`, `scheming_load_json`,
    /// `repeating_text_output`), it comes back as the JSON text it was stored
    /// as, which sent back as it is would become one text value: decode it.
    pub fn record_value(&self, value: &J) -> J {
        let decoded_by_portal = [
            "scheming_multiple_choice_output",
            "scheming_load_json",
            "repeating_text_output",
        ]
        .iter()
        .any(|n| has_validator(&self.output_validators, n));
        let J::String(text) = value else {
            return value.clone();
        };
        if decoded_by_portal {
            return value.clone();
        }
        let wanted = match self.kind {
            FieldKind::MultipleChoice | FieldKind::MultipleText => J::is_array,
            FieldKind::JsonObject => J::is_object,
            _ => return value.clone(),
        };
        match serde_json::from_str::<J>(text) {
            Ok(decoded) if wanted(&decoded) => decoded,
            _ => value.clone(),
        }
    }
}

/// A choice value matches itself, and also without trailing punctuation: the
/// BCDC schema has the value `epsg26710,` where the catalogue stores
/// `epsg26710`.
pub fn choice_matches(choice: &str, value: &str) -> bool {
    choice == value || choice.trim_end_matches([',', ' ']) == value
}

/// Which object of a record a set of fields describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ObjectKind {
    Dataset,
    Resource,
}

#[derive(Debug)]
pub struct Schema {
    pub dataset_type: String,
    pub dataset_fields: Vec<Field>,
    pub resource_fields: Vec<Field>,
    pub licences: Vec<Choice>,
    /// The CKAN under the scheming schema, which keeps or drops the other keys.
    pub ckan: CkanVersion,
    pub(crate) validators: Validators,
}

/// The compiled JSON Schema, in parts (see `compile::split`).
#[derive(Debug)]
pub(crate) struct Validators {
    /// The record, with the entries of its lists of objects left out.
    pub record: jsonschema::Validator,
    /// Each list of objects' entry schema, by the list's key.
    pub entries: Vec<(String, jsonschema::Validator)>,
    /// The rule each keyword stands for, by its location in the whole schema.
    pub rules: Rules,
    /// A fingerprint of the whole JSON Schema: results computed with one
    /// schema are not reused with another.
    pub fingerprint: u64,
}

/// How every part of the JSON Schema is compiled: formats checked, with CKAN's own
/// date-time, whole-number and JSON-object text formats.
fn validator_options() -> jsonschema::ValidationOptions<'static> {
    jsonschema::options()
        .should_validate_formats(true)
        .with_format(formats::ISODATE, formats::isodate)
        .with_format(formats::DATETIME, formats::datetime)
        .with_format(formats::DATETIME_TZ, formats::datetime_tz)
        .with_format(formats::INTEGER, formats::integer)
        .with_format(formats::JSON_OBJECT, formats::json_object)
}

impl Validators {
    fn compile((schema, rules): (J, Rules)) -> Result<Validators, SchemaError> {
        let build = |s: &J| {
            validator_options()
                .build(s)
                .map_err(|e| SchemaError(format!("the schema could not be compiled: {e}")))
        };
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        std::hash::Hash::hash(&schema.to_string(), &mut hasher);
        let (record, entries) = compile::split(schema);
        Ok(Validators {
            record: build(&record)?,
            entries: entries
                .iter()
                .map(|(key, s)| Ok((key.clone(), build(s)?)))
                .collect::<Result<_, SchemaError>>()?,
            fingerprint: std::hash::Hasher::finish(&hasher),
            rules,
        })
    }

    /// Where an entry validator's schema stands in the whole schema (its
    /// errors' `schema_path` is relative to it); the record's is `""`.
    pub fn entry_location(key: &str) -> String {
        format!("/properties/{key}/items")
    }

    /// The entry validator of a list of objects at the record's top level.
    pub fn entry(&self, key: &str) -> Option<&jsonschema::Validator> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
}

#[derive(Debug)]
pub struct SchemaError(pub String);

impl std::fmt::Display for SchemaError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SchemaError {}

impl Schema {
    /// The BCDC schema and licence list compiled into the binary.
    pub fn embedded() -> Schema {
        let licences =
            serde_json::from_str(EMBEDDED_LICENCES).expect("embedded licence list is JSON");
        Schema::from_json_str(EMBEDDED_SCHEMA, &licences).expect("embedded schema loads")
    }

    /// Reads a scheming dataset schema (the `scheming_dataset_schema_show`
    /// envelope or its bare `result`) with a `license_list` result (a list
    /// of `{id, title}`; may be empty when the portal has none).
    pub fn from_json_str(schema: &str, licences: &J) -> Result<Schema, SchemaError> {
        let value: J = serde_json::from_str(schema)
            .map_err(|e| SchemaError(format!("the schema is not valid JSON: {e}")))?;
        Schema::from_json(&value, licences)
    }

    pub fn from_json(value: &J, licences: &J) -> Result<Schema, SchemaError> {
        let body = match value.get("result") {
            Some(result) if value.get("success").is_some() => result,
            _ => value,
        };
        let mut dataset_fields = read_fields(body.get("dataset_fields"), true)
            .ok_or_else(|| SchemaError("the schema has no `dataset_fields` list".into()))?;
        // ckanext-scheming lays a schema over CKAN's core package schema, so
        // `owner_org` is a field even where the schema names none (as in its
        // camel photos example), with CKAN's `owner_org_validator`: it wants
        // an organization unless the portal sets
        // `ckan.auth.create_unowned_dataset` (off by default, and at BCDC),
        // which its API does not reveal; read as for a schema that names it.
        if !dataset_fields.iter().any(|f| f.name == "owner_org") {
            dataset_fields.extend(read_field(
                &serde_json::json!({
                    "field_name": "owner_org",
                    "label": "Organization",
                    "preset": "dataset_organization"
                }),
                true,
            ));
        }
        let resource_fields = read_fields(body.get("resource_fields"), false).unwrap_or_default();
        let dataset_type = body
            .get("dataset_type")
            .and_then(J::as_str)
            .ok_or_else(|| SchemaError("the schema has no `dataset_type`".into()))?
            .to_string();
        let licences = read_licences(licences);
        Schema::compiled(
            dataset_type,
            dataset_fields,
            resource_fields,
            licences,
            CkanVersion::default(),
        )
    }

    /// The same fields with another licence list (the catalogue's own,
    /// fetched when online).
    pub fn with_licences(&self, licences: Vec<Choice>) -> Result<Schema, SchemaError> {
        Schema::compiled(
            self.dataset_type.clone(),
            self.dataset_fields.clone(),
            self.resource_fields.clone(),
            licences,
            self.ckan,
        )
    }

    /// The same fields over another CKAN version (a portal's, from `status_show`).
    pub fn with_ckan_version(self, ckan: CkanVersion) -> Schema {
        Schema { ckan, ..self }
    }

    fn compiled(
        dataset_type: String,
        dataset_fields: Vec<Field>,
        resource_fields: Vec<Field>,
        licences: Vec<Choice>,
        ckan: CkanVersion,
    ) -> Result<Schema, SchemaError> {
        let trivial = || jsonschema::validator_for(&serde_json::json!(true));
        let mut schema = Schema {
            dataset_type,
            dataset_fields,
            resource_fields,
            licences,
            ckan,
            validators: Validators {
                record: trivial().expect("the trivial schema compiles"),
                entries: Vec::new(),
                fingerprint: 0,
                rules: Rules::default(),
            },
        };
        schema.validators = Validators::compile(compile::json_schema(&schema))?;
        Ok(schema)
    }

    /// The same schema as a JSON Schema document (for tools and tests).
    pub fn to_json_schema(&self) -> J {
        compile::json_schema(self).0
    }

    pub fn fields(&self, kind: ObjectKind) -> &[Field] {
        match kind {
            ObjectKind::Dataset => &self.dataset_fields,
            ObjectKind::Resource => &self.resource_fields,
        }
    }

    pub fn licence(&self, id: &str) -> Option<&Choice> {
        self.licences.iter().find(|l| l.value == id)
    }

    /// The field a JSON pointer names: `/contacts/0/email` → `email` of
    /// `contacts`, `/resources/2/format` → the resource field `format`,
    /// `/contacts/0` → `contacts`, `/iso_topic_category/1` → that field.
    pub fn field_at(&self, pointer: &str) -> Option<&Field> {
        let tokens: Vec<String> = crate::syntax::pointer_tokens(pointer).collect();
        let (mut fields, mut rest) = self.top_fields(&tokens)?;
        let mut field = None;
        while let Some((name, tail)) = rest.split_first() {
            let f = fields.iter().find(|f| &f.name == name)?;
            field = Some(f);
            match (f.kind, tail) {
                (_, []) => break,
                (FieldKind::Repeating, [_index]) => break,
                (FieldKind::Repeating, [_index, more @ ..]) => {
                    fields = &f.subfields;
                    rest = more;
                }
                (FieldKind::MultipleChoice | FieldKind::Tags, [_index]) => break,
                (FieldKind::Fluent, [_lang]) | (FieldKind::FluentTags, [_lang] | [_lang, _]) => {
                    break
                }
                _ => return None,
            }
        }
        field
    }

    /// The fields of the object a pointer names: `""` → the dataset's,
    /// `/resources/1` → a resource's, `/contacts/0` → a contact's.
    pub fn object_fields(&self, pointer: &str) -> Option<&[Field]> {
        let tokens: Vec<String> = crate::syntax::pointer_tokens(pointer).collect();
        let (mut fields, mut rest) = self.top_fields(&tokens)?;
        while let Some((name, tail)) = rest.split_first() {
            let f = fields.iter().find(|f| &f.name == name)?;
            match (f.kind, tail) {
                (FieldKind::Repeating, [_index, more @ ..]) => {
                    fields = &f.subfields;
                    rest = more;
                }
                _ => return None,
            }
        }
        Some(fields)
    }

    /// Dataset fields, or resource fields past `/resources/N`.
    fn top_fields<'t>(&self, tokens: &'t [String]) -> Option<(&[Field], &'t [String])> {
        match tokens {
            [first, _index, rest @ ..] if first == "resources" => {
                Some((&self.resource_fields, rest))
            }
            [first] if first == "resources" => None,
            _ => Some((&self.dataset_fields, tokens)),
        }
    }
}

/// The fields of a list; `top` for the dataset's own (not a resource's or
/// a list entry's), where `conditional_required` can see the other field.
fn read_fields(value: Option<&J>, top: bool) -> Option<Vec<Field>> {
    Some(
        value?
            .as_array()?
            .iter()
            .filter_map(|v| read_field(v, top))
            .collect(),
    )
}

fn str_of(v: &J, key: &str) -> Option<String> {
    v.get(key)
        .and_then(J::as_str)
        .map(str::to_string)
        .filter(|s| !s.is_empty())
}

fn words(v: &J, key: &str) -> Vec<String> {
    v.get(key)
        .and_then(J::as_str)
        .map(|s| s.split_whitespace().map(str::to_string).collect())
        .unwrap_or_default()
}

fn read_field(v: &J, top: bool) -> Option<Field> {
    let v = &J::Object(presets::expand(v.as_object()?));
    let name = str_of(v, "field_name")?;
    let label = v.get("label").and_then(label_text).unwrap_or_default();
    let preset = str_of(v, "preset");
    let validators = words(v, "validators");
    let output_validators = words(v, "output_validators");
    let form_snippet = v.get("form_snippet");
    let subfields = read_fields(v.get("repeating_subfields"), false).unwrap_or_default();
    let choices: Vec<Choice> = v
        .get("choices")
        .and_then(J::as_array)
        .map(|list| list.iter().filter_map(read_choice).collect())
        .unwrap_or_default();
    let has = |list: &[String], name: &str| has_validator(list, name);
    let snippet = form_snippet.and_then(J::as_str).unwrap_or("");
    let preset_is = |p: &str| preset.as_deref() == Some(p);
    let kind = if v.get("repeating_subfields").is_some() {
        FieldKind::Repeating
    } else if unmodelled_validator(&validators).is_some() {
        FieldKind::Unchecked
    } else if has(&validators, "fluent_text") {
        FieldKind::Fluent
    } else if has(&validators, "fluent_tags") {
        FieldKind::FluentTags
    } else if has(&validators, "scheming_multiple_choice")
        || has(&output_validators, "scheming_multiple_choice_output")
        || preset_is("multiple_checkbox")
        || preset_is("multiple_select")
    {
        FieldKind::MultipleChoice
    } else if has(&validators, "scheming_multiple_text")
        || has(&output_validators, "repeating_text_output")
    {
        FieldKind::MultipleText
    } else if !choices.is_empty() || v.get("choices_helper").is_some() {
        FieldKind::Select
    } else if has(&validators, "isodate") || preset_is("date") {
        FieldKind::Date
    } else if has(&validators, "scheming_isodatetime_tz") {
        FieldKind::DateTimeTz
    } else if has(&validators, "scheming_isodatetime") {
        FieldKind::DateTime
    } else if [
        "int_validator",
        "natural_number_validator",
        "is_positive_integer",
    ]
    .iter()
    .any(|n| has(&validators, n))
    {
        FieldKind::Integer
    } else if has(&validators, "boolean_validator") {
        FieldKind::Boolean
    } else if has(&validators, "name_validator") {
        FieldKind::Slug
    } else if has(&validators, "title_validator") {
        FieldKind::Title
    } else if has(&validators, "tag_string_convert") {
        FieldKind::Tags
    } else if has(&validators, "owner_org_validator") {
        FieldKind::Organization
    } else if snippet == "license.html" || name == "license_id" {
        FieldKind::Licence
    } else if has(&validators, "scheming_valid_json_object") || preset_is("json_object") {
        FieldKind::JsonObject
    } else if name == "email"
        || name.ends_with("_email")
        || snippet == "email.html"
        || has(&validators, "email_validator")
    {
        FieldKind::Email
    } else if snippet == "markdown.html" {
        FieldKind::Markdown
    } else {
        FieldKind::Text
    };
    let system = form_snippet.is_some_and(J::is_null) || (label.is_empty() && choices.is_empty());
    let condition = match (str_of(v, "conditional_field"), v.get("conditional_values")) {
        (Some(field), Some(values)) if !system => Some(Condition {
            field,
            values: match values {
                J::Array(list) => list
                    .iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect(),
                J::String(s) => vec![s.clone()],
                _ => Vec::new(),
            },
            enforced: top && has(&validators, "conditional_required"),
        }),
        _ => None,
    };
    let checked = Checked {
        choices: CHOICE_VALIDATORS.iter().any(|n| has(&validators, n)),
        format: match kind {
            FieldKind::Date => has(&validators, "isodate"),
            FieldKind::Email => has(&validators, "email_validator"),
            FieldKind::JsonObject => has(&validators, "scheming_valid_json_object"),
            // the rest are kinds their validators decide
            _ => true,
        },
        start_state: has(&validators, "valid_next_state"),
    };
    let (required, form_only) = requirement(v, &name, &validators);
    Some(Field {
        label: if label.is_empty() {
            humanise(&name)
        } else {
            label
        },
        required,
        form_only,
        help_text: v.get("help_text").and_then(label_text),
        placeholder: v.get("form_placeholder").and_then(label_text),
        single_entry: has(&validators, "single_value_subfield"),
        start_state: v
            .get("startState")
            .and_then(|s| s.get("state"))
            .and_then(J::as_str)
            .map(str::to_string),
        choices_helper: str_of(v, "choices_helper"),
        preset,
        validators,
        output_validators,
        kind,
        choices,
        subfields,
        condition,
        checked,
        system,
        name,
    })
}

/// Input validators whose effect on a value the checker models, or knows to
/// accept every value it checks: CKAN's, ckanext-scheming's, ckanext-fluent's
/// and BCDC's (ckanext-bcgov-schema). Any other validator may accept, reject
/// or reshape values in ways the checker cannot tell.
const MODELLED_VALIDATORS: &[&str] = &[
    // CKAN
    "not_empty",
    "ignore_missing",
    "ignore_empty",
    "unicode_safe",
    "unicode",
    "remove_whitespace",
    "strip_value",
    "default",
    "if_empty_same_as",
    "name_validator",
    "package_name_validator",
    "owner_org_validator",
    "tag_string_convert",
    "isodate",
    "int_validator",
    "natural_number_validator",
    "is_positive_integer",
    "boolean_validator",
    "email_validator",
    "clean_format",
    "if_empty_guess_format",
    // ckanext-scheming
    "scheming_required",
    "scheming_choices",
    "scheming_multiple_choice",
    "scheming_multiple_text",
    "scheming_isodatetime",
    "scheming_isodatetime_tz",
    "scheming_valid_json_object",
    "convert_to_json_if_date",
    "convert_to_json_if_datetime",
    // ckanext-fluent
    "fluent_text",
    "fluent_tags",
    // BCDC (bcdc-api-notes.md §2.1)
    "title_validator",
    "conditional_required",
    "iso_topic_category",
    "valid_next_state",
    "single_value_subfield",
];

fn unmodelled_validator(validators: &[String]) -> Option<&str> {
    validators
        .iter()
        .map(|v| v.split('(').next().unwrap_or(v))
        .find(|name| !MODELLED_VALIDATORS.contains(name))
}

fn has_validator(list: &[String], name: &str) -> bool {
    list.iter().any(|x| {
        x == name
            || x.strip_prefix(name)
                .is_some_and(|rest| rest.starts_with('('))
    })
}

/// (required, form only), read as ckanext-scheming builds a field's
/// validators: a field without `validators` gets `not_empty` when `required`
/// (or nothing); with its own, only those run, and `required` reaches the
/// server through the ones that read it (`scheming_required`, ...). The parent
/// of repeating subfields keeps none of its own. `if_empty_same_as(other)`
/// fills an empty value from another field, so the value is never missing.
fn requirement(v: &J, name: &str, validators: &[String]) -> (bool, bool) {
    let has = |n: &str| has_validator(validators, n);
    let form = match v.get("required") {
        Some(r) => r.as_bool().unwrap_or(false),
        None => has("not_empty"),
    };
    let server = if v.get("repeating_subfields").is_some() {
        false
    } else if v.get("validators").is_none() {
        form
    } else {
        // owner_org_validator wants an organization unless the portal allows
        // datasets without one (`ckan.auth.create_unowned_dataset`, off by default)
        has("not_empty")
            || has("owner_org_validator")
            || form
                && [
                    "scheming_required",
                    "scheming_multiple_choice",
                    "scheming_multiple_text",
                    "scheming_isodatetime",
                    "scheming_isodatetime_tz",
                    // fluent asks for every form language when `required`
                    "fluent_text",
                    "fluent_tags",
                ]
                .iter()
                .any(|n| has(n))
    };
    let filled = validators.iter().any(|x| {
        x.strip_prefix("if_empty_same_as(")
            .and_then(|rest| rest.strip_suffix(')'))
            .is_some_and(|other| other.trim_matches(['"', '\'']) != name)
    });
    let required = (form || server) && !filled;
    (required, required && !server)
}

/// Labels and help texts may be translated: `{"en": "...", "fr": "..."}`.
fn label_text(v: &J) -> Option<String> {
    match v {
        J::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        J::Object(map) => map
            .get("en")
            .or_else(|| map.values().next())
            .and_then(label_text),
        _ => None,
    }
}

fn read_choice(v: &J) -> Option<Choice> {
    let value = match v.get("value")? {
        J::String(s) => s.clone(),
        other => other.to_string(),
    };
    Some(Choice {
        label: v
            .get("label")
            .and_then(label_text)
            .unwrap_or_else(|| value.clone()),
        next: v
            .get("validTo")
            .and_then(J::as_array)
            .map(|l| {
                l.iter()
                    .filter_map(|t| t.get("state")?.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default(),
        value,
    })
}

fn read_licences(v: &J) -> Vec<Choice> {
    let list = v.get("result").unwrap_or(v);
    list.as_array()
        .map(|l| {
            l.iter()
                .filter_map(|x| {
                    let id = match x.get("id")? {
                        J::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    Some(Choice {
                        label: x
                            .get("title")
                            .and_then(label_text)
                            .unwrap_or_else(|| id.clone()),
                        value: id,
                        next: Vec::new(),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

fn humanise(name: &str) -> String {
    let mut s = name.replace('_', " ");
    if let Some(first) = s.get(0..1) {
        let upper = first.to_uppercase();
        s.replace_range(0..1, &upper);
    }
    s
}

#[cfg(test)]
mod tests;

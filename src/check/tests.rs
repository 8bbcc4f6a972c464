use super::*;
use crate::syntax::Format;

const VALID: &str = include_str!("../../examples/water-quality.bcdc.yaml");

fn run(text: &str) -> Vec<Diagnostic> {
    check(&Document::parse(text, Format::Yaml), &Schema::embedded())
}

fn json(text: &str) -> Vec<Diagnostic> {
    check(&Document::parse(text, Format::Json), &Schema::embedded())
}

/// The valid example with one line replaced (matched by its start).
fn with(line_start: &str, replacement: &str) -> String {
    let mut found = false;
    let out: Vec<String> = VALID
        .lines()
        .map(|l| {
            if !found && l.starts_with(line_start) {
                found = true;
                replacement.to_string()
            } else {
                l.to_string()
            }
        })
        .collect();
    assert!(found, "no line starts with {line_start:?}");
    out.join("\n") + "\n"
}

fn codes(ds: &[Diagnostic]) -> Vec<&'static str> {
    ds.iter().map(|d| d.code.as_str()).collect()
}

fn only(ds: &[Diagnostic], code: Code) -> &Diagnostic {
    let found: Vec<_> = ds.iter().filter(|d| d.code == code).collect();
    assert_eq!(found.len(), 1, "{ds:#?}");
    found[0]
}

fn text_at<'a>(text: &'a str, d: &Diagnostic) -> &'a str {
    &text[d.range.clone()]
}

#[test]
fn the_valid_example_has_no_problems() {
    assert_eq!(run(VALID), vec![]);
}

#[test]
fn syntax_errors_do_not_hide_the_rest() {
    let text = with("purpose:", "purpose: \"unclosed\nlic");
    let ds = run(&text);
    assert!(codes(&ds).contains(&"syntax"), "{ds:#?}");
    // the document is still checked as far as it parses
    let bad = with("security_class:", "security_class: SECRET") + "lic\n";
    let ds = run(&bad);
    assert!(
        codes(&ds).contains(&"syntax") && codes(&ds).contains(&"invalid-choice"),
        "{ds:#?}"
    );
}

#[test]
fn missing_required_on_the_object_key_or_the_empty_key() {
    let text = with("license_id:", "license_id:");
    let ds = run(&text);
    let d = only(&ds, Code::MissingRequired);
    assert_eq!(d.pointer, "/license_id");
    assert!(text_at(&text, d).starts_with("license_id"));
    assert!(
        d.message.contains("Licence (`license_id`) is required"),
        "{}",
        d.message
    );

    let text = with("security_class:", "");
    let d = only(&run(&text), Code::MissingRequired).clone();
    assert_eq!(d.pointer, "/security_class");
    assert_eq!(text_at(&text, &d), text.lines().next().unwrap());

    // a contact's missing subfield covers that entry's first key
    let text = with("    email: jane", "");
    let d = only(&run(&text), Code::MissingRequired).clone();
    assert_eq!(d.pointer, "/contacts/0/email");
    assert_eq!(text_at(&text, &d), "name");
}

#[test]
fn keywords_in_a_tags_list_satisfy_the_keywords_field() {
    let text = with("tag_string:", "tags: [water, lakes]");
    assert_eq!(run(&text), vec![]);
}

#[test]
fn conditional_required_names_the_other_field() {
    let text = with("resource_status:", "resource_status: obsolete");
    let d = only(&run(&text), Code::ConditionalRequired).clone();
    assert_eq!(d.pointer, "/replacement_record");
    assert!(
        d.message
            .contains("Resource Status (`resource_status`) is `obsolete`"),
        "{}",
        d.message
    );
    let fixed = text.replace(
        "resource_status: obsolete",
        "resource_status: obsolete\nreplacement_record: abc",
    );
    assert_eq!(run(&fixed), vec![]);
}

#[test]
fn invalid_choice_suggests_the_value_of_a_label() {
    let text = with("security_class:", "security_class: Protected-A");
    let d = only(&run(&text), Code::InvalidChoice).clone();
    assert_eq!(d.suggestion.as_deref(), Some("PROTECTED A"));
    assert_eq!(text_at(&text, &d), "Protected-A");
    assert!(d.message.contains("`PUBLIC` (Public)"));
    let text = with("resource_status:", "resource_status: On Going");
    assert_eq!(
        only(&run(&text), Code::InvalidChoice).suggestion.as_deref(),
        Some("onGoing")
    );
    // items of a multiple choice, and the licence list
    let text = with("    displayed: [displayed]", "    displayed: [displayd]");
    assert_eq!(
        only(&run(&text), Code::InvalidChoice).pointer,
        "/contacts/0/displayed/0"
    );
    let text = with("license_id:", "license_id: \"99\"");
    assert_eq!(
        only(&run(&text), Code::InvalidChoice).pointer,
        "/license_id"
    );
    // a licence id typed as a number is what the catalogue stores as a string
    assert_eq!(run(&with("license_id:", "license_id: 2")), vec![]);
}

#[test]
fn wrong_type_for_shapes_the_catalogue_cannot_take() {
    let text = with("    displayed: [displayed]", "    displayed: true");
    let d = only(&run(&text), Code::WrongType).clone();
    assert_eq!(d.pointer, "/contacts/0/displayed");
    assert_eq!(text_at(&text, &d), "true");
    let text = VALID.replace(
        "contacts:\n  - name: Jane Doe",
        "contacts: Jane Doe\nx:\n  - name: Jane Doe",
    );
    let ds = run(&text);
    assert_eq!(only(&ds, Code::WrongType).pointer, "/contacts");
}

#[test]
fn invalid_format_for_dates_emails_names_titles_and_keywords() {
    for (line, replacement, pointer) in [
        ("    date:", "    date: 2024-13-45", "/dates/0/date"),
        ("    date:", "    date: 15/01/2024", "/dates/0/date"),
        ("    email: jane", "    email: jane@", "/contacts/0/email"),
        ("name:", "name: Okanagan Lake", "/name"),
        ("name:", "name: x", "/name"),
        ("title:", "title: X", "/title"),
        ("tag_string:", "tag_string: good, b@d", "/tag_string"),
    ] {
        let text = with(line, replacement);
        let ds = run(&text);
        assert_eq!(
            only(&ds, Code::InvalidFormat).pointer,
            pointer,
            "{replacement}"
        );
    }
    let text = with("tag_string:", "tag_string: good, b@d");
    assert_eq!(
        text_at(&text, only(&run(&text), Code::InvalidFormat)),
        "b@d"
    );
}

#[test]
fn single_entry_fields_take_one_entry() {
    let text = VALID.replace(
        "        end_date: 2024-12-31\n",
        "        end_date: 2024-12-31\n      - beginning_date: 2025-01-01\n",
    );
    assert_eq!(
        only(&run(&text), Code::SingleEntry).pointer,
        "/resources/0/temporal_extent"
    );
}

#[test]
fn new_records_must_start_as_drafts() {
    let text = with("publish_state:", "publish_state: PUBLISHED");
    let d = only(&run(&text), Code::InvalidState).clone();
    assert_eq!(d.suggestion.as_deref(), Some("DRAFT"));
    // a published record (with an id) may be in any state
    let text = format!("id: 5a3c1c3e-0000-4000-8000-000000000000\n{text}");
    assert_eq!(run(&text), vec![]);
}

#[test]
fn unknown_fields_are_warnings_with_did_you_mean() {
    let text = with("notes:", "description: |");
    let ds = run(&text);
    let d = ds.iter().find(|d| d.code == Code::UnknownField).unwrap();
    assert_eq!(d.severity, Severity::Warning);
    assert_eq!(d.suggestion.as_deref(), Some("notes"));
    assert_eq!(text_at(&text, d), "description");
    let text = format!("package_id: abc\n{VALID}");
    assert_eq!(
        only(&run(&text), Code::UnknownField).suggestion.as_deref(),
        Some("id")
    );
    // `description` is a field of a resource
    assert!(VALID.contains("    description: One row"));
}

#[test]
fn credentials_in_a_record_are_errors() {
    let text = format!("api_key: abc\n{VALID}");
    assert_eq!(only(&run(&text), Code::SecretInRecord).pointer, "/api_key");
}

#[test]
fn duplicate_keys_are_reported() {
    let text = format!("{VALID}title: Again\n");
    assert_eq!(
        only(&run(&text), Code::DuplicateKey).severity,
        Severity::Error
    );
}

#[test]
fn json_records_are_checked_the_same_way() {
    let text = r#"{"type": "bcdc_dataset", "security_class": "SECRET", "license_id": }"#;
    let ds = json(text);
    let d = ds.iter().find(|d| d.code == Code::InvalidChoice).unwrap();
    assert_eq!(&text[d.range.clone()], "\"SECRET\"");
    let d = ds.iter().find(|d| d.pointer == "/license_id").unwrap();
    assert_eq!(d.code, Code::MissingRequired);
}

#[test]
fn records_are_recognised_by_name_or_type() {
    let schema = Schema::embedded();
    let doc = Document::parse("a: 1", Format::Yaml);
    assert!(is_record("x.bcdc.yaml", &doc, &schema));
    assert!(!is_record("x.yaml", &doc, &schema));
    let doc = Document::parse("type: bcdc_dataset", Format::Yaml);
    assert!(is_record("x.yaml", &doc, &schema));
}

#[test]
fn non_mapping_and_empty_documents() {
    assert_eq!(codes(&run("- a\n- b\n")), ["wrong-type"]);
    assert!(run("")
        .iter()
        .all(|d| d.code == Code::MissingRequired && d.range == (0..0)));
}

#[test]
fn a_long_bad_value_is_quoted_cut() {
    let long = "x".repeat(10_000);
    for (line, code) in [
        ("security_class:", Code::InvalidChoice),
        ("    email:", Code::InvalidFormat),
    ] {
        let ds = run(&with(line, &format!("{line} {long}")));
        let d = only(&ds, code);
        assert!(d.message.len() < 400, "{}", d.message);
        assert!(d.message.contains(&format!("{}…`", "x".repeat(80))));
    }
}

/// (code, pointer, enforcement) of each problem.
fn classes(ds: &[Diagnostic]) -> Vec<(&'static str, &str, &'static str)> {
    ds.iter()
        .map(|d| (d.code.as_str(), d.pointer.as_str(), d.enforcement.as_str()))
        .collect()
}

#[test]
fn what_the_api_refuses_is_refused() {
    let ds = run(&with("security_class:", "security_class: SECRET"));
    assert_eq!(
        classes(&ds),
        [("invalid-choice", "/security_class", "refused")]
    );
    let ds = run(&with("security_class:", "# none"));
    assert_eq!(
        classes(&ds),
        [("missing-required", "/security_class", "refused")]
    );
    let ds = run(&with("name:", "name: Not A Slug"));
    assert_eq!(classes(&ds), [("invalid-format", "/name", "refused")]);
    let ds = run(&with("resource_status:", "resource_status: obsolete"));
    assert_eq!(
        classes(&ds),
        [("conditional-required", "/replacement_record", "refused")]
    );
    let ds = run(&with("publish_state:", "publish_state: PUBLISHED"));
    assert_eq!(
        classes(&ds),
        [("invalid-state", "/publish_state", "refused")]
    );
    let ds = run(&with("tag_string:", "tag_string: water, b@d"));
    assert_eq!(classes(&ds), [("invalid-format", "/tag_string", "refused")]);
    // a form-only message says so; a refused one needs no note
    assert!(!ds[0].message.contains("web form"));
}

#[test]
fn what_only_the_web_form_asks_is_form_only() {
    // `tag_string` and `title` have validators without a requirement
    let ds = run(&with("tag_string:", "# no keywords"));
    assert_eq!(
        classes(&ds),
        [("missing-required", "/tag_string", "form-only")]
    );
    assert!(ds[0].message.contains("its API accepts the record"));
    // the licence is not checked by CKAN
    let ds = run(&with("license_id:", "license_id: \"999\""));
    assert_eq!(
        classes(&ds),
        [("invalid-choice", "/license_id", "form-only")]
    );
    // contact e-mail format
    let ds = run(&with("    email: jane", "    email: not-an-address"));
    assert_eq!(
        classes(&ds),
        [("invalid-format", "/contacts/0/email", "form-only")]
    );
    // resource-level conditions: `conditional_required` cannot see the resource's `bcdc_type`
    let ds = run(&with("    bcdc_type:", "    bcdc_type: geographic"));
    assert!(!ds.is_empty());
    assert!(
        ds.iter()
            .all(|d| d.code == Code::ConditionalRequired && d.enforcement == Enforcement::FormOnly),
        "{ds:#?}"
    );
}

#[test]
fn choices_replaced_by_conditional_required_and_single_entries_are_form_only() {
    let text = with(
        "    bcdc_type:",
        "    bcdc_type: document\n    spatial_datatype: NOPE",
    );
    let ds = run(&text);
    assert_eq!(
        classes(&ds),
        [(
            "invalid-choice",
            "/resources/0/spatial_datatype",
            "form-only"
        )]
    );
    let text = with(
        "    temporal_extent:",
        "    temporal_extent:\n      - beginning_date: 2020-01-01\n      - beginning_date: 2021-01-01\n    x_temporal_extent:",
    );
    let ds = run(&text);
    assert!(
        classes(&ds).contains(&("single-entry", "/resources/0/temporal_extent", "form-only")),
        "{ds:#?}"
    );
}

#[test]
fn unknown_keys_are_dropped() {
    let ds = run(&with("notes:", "notes: x\ndescription: y"));
    assert_eq!(classes(&ds), [("unknown-field", "/description", "dropped")]);
}

/// A multilingual portal's fields (ckanext-fluent presets) and one with the
/// portal's own validator.
fn fluent_portal() -> Schema {
    let schema = serde_json::json!({
        "dataset_type": "dataset",
        "dataset_fields": [
            {"field_name": "name", "label": "URL", "preset": "dataset_slug"},
            {"field_name": "title", "label": "Title", "preset": "fluent_text", "required": true},
            {"field_name": "keywords", "label": "Keywords", "preset": "fluent_tags"},
            {"field_name": "temporals", "label": "Temporals", "required": true,
             "validators": "scheming_required harvest_list_of_dicts"}
        ]
    });
    Schema::from_json(&schema, &serde_json::json!([])).unwrap()
}

fn fluent(text: &str) -> Vec<Diagnostic> {
    check(&Document::parse(text, Format::Yaml), &fluent_portal())
}

#[test]
fn fluent_fields_take_a_value_per_language() {
    let good = "name: trips\nowner_org: sbb\ntemporals: [{start: 2019}]\n";
    for value in [
        "title: {de: Reisen, fr: Voyages}\nkeywords: {de: [reisen, mobilitaet], fr: []}",
        "title: '{\"de\": \"Reisen\"}'\nkeywords: {}",
    ] {
        assert_eq!(fluent(&format!("{good}{value}\n")), vec![], "{value}");
    }
    for (value, code, pointer, shown) in [
        ("title: [Reisen]", Code::WrongType, "/title", "[Reisen]"),
        ("title: Reisen", Code::InvalidFormat, "/title", "Reisen"),
        ("title: {de: 5}", Code::WrongType, "/title/de", "5"),
        (
            "title: {de: x}\nkeywords: reisen",
            Code::WrongType,
            "/keywords",
            "reisen",
        ),
        (
            "title: {de: x}\nkeywords: {de: reisen}",
            Code::WrongType,
            "/keywords/de",
            "reisen",
        ),
    ] {
        let text = format!("{good}{value}\n");
        let ds = fluent(&text);
        let d = only(&ds, code);
        assert_eq!(
            (d.pointer.as_str(), text_at(&text, d)),
            (pointer, shown),
            "{value}"
        );
    }
    let ds = fluent(&format!("{good}title: [Reisen]\n"));
    assert!(only(&ds, Code::WrongType)
        .message
        .contains("a text per language"));
    let ds = fluent(&format!("{good}title: {{de: 5}}\n"));
    assert_eq!(
        only(&ds, Code::WrongType).message,
        "The `de` value of `title` must be text, not the number 5"
    );
}

#[test]
fn a_field_with_an_unmodelled_validator_is_only_checked_for_presence() {
    let text = "name: trips\nowner_org: sbb\ntitle: {de: Reisen}\n";
    for value in ["[{start: 2019}]", "{start: 2019}", "2019", "'[]'"] {
        assert_eq!(
            fluent(&format!("{text}temporals: {value}\n")),
            vec![],
            "{value}"
        );
    }
    let ds = fluent(text);
    assert_eq!(only(&ds, Code::MissingRequired).pointer, "/temporals");
}

#[test]
fn legacy_shapes_say_what_the_catalogue_does_with_them() {
    // a list kept as JSON text is refused (navl: only lists of dicts against a subschema)
    let text = VALID.replace(
        "contacts:\n  - name: Jane Doe",
        "contacts: '[{\"name\": \"Jane Doe\"}]'\nx:\n  - name: Jane Doe",
    );
    let ds: Vec<_> = run(&text)
        .into_iter()
        .filter(|d| d.code == Code::LegacyJsonText)
        .collect();
    assert_eq!(classes(&ds), [("legacy-json-text", "/contacts", "refused")]);
    // the text `null` in free text is kept as that text: the API takes it
    let ds = run(&with("purpose:", "purpose: \"null\""));
    assert_eq!(
        classes(&ds),
        [("legacy-null-text", "/purpose", "form-only")]
    );
}

use super::*;

#[test]
fn embedded_schema_reads_every_field() {
    let s = Schema::embedded();
    assert_eq!(s.dataset_type, "bcdc_dataset");
    assert_eq!(s.dataset_fields.len(), 26);
    assert_eq!(s.resource_fields.len(), 22);
    assert_eq!(s.licences.len(), 17);
    let f = |p: &str| s.field_at(p).unwrap_or_else(|| panic!("{p}"));
    assert_eq!(f("/security_class").kind, FieldKind::Select);
    assert_eq!(
        f("/security_class").choice("PROTECTED A").unwrap().label,
        "Protected-A"
    );
    assert_eq!(f("/contacts/0/displayed").kind, FieldKind::MultipleChoice);
    assert_eq!(f("/contacts/0/email").kind, FieldKind::Email);
    assert_eq!(f("/contacts/0").kind, FieldKind::Repeating);
    assert_eq!(f("/dates/1/date").kind, FieldKind::Date);
    assert_eq!(f("/name").kind, FieldKind::Slug);
    assert_eq!(f("/title").kind, FieldKind::Title);
    assert_eq!(f("/tag_string").kind, FieldKind::Tags);
    assert_eq!(f("/owner_org").kind, FieldKind::Organization);
    assert_eq!(f("/license_id").kind, FieldKind::Licence);
    assert_eq!(
        f("/resources/0/iso_topic_category").kind,
        FieldKind::MultipleChoice
    );
    assert_eq!(
        f("/resources/0/json_table_schema").kind,
        FieldKind::JsonObject
    );
    assert!(f("/record_create_date").system);
    assert!(f("/resources/0/details").system);
    assert!(f("/resources/0/temporal_extent").single_entry);
    assert_eq!(f("/publish_state").start_state.as_deref(), Some("DRAFT"));
    assert_eq!(
        f("/publish_state").choice("DRAFT").unwrap().next,
        ["PENDING PUBLISH"]
    );
    let c = f("/replacement_record").condition.as_ref().unwrap();
    assert_eq!(
        (c.field.as_str(), c.values.as_slice()),
        ("resource_status", &["obsolete".to_string()][..])
    );
    assert!(f("/resources/3/projection_name")
        .choice("epsg26710")
        .is_some());
    assert!(s.field_at("/nope").is_none());
    assert!(s.field_at("/resources/0").is_none());
    assert_eq!(s.object_fields("/contacts/2").unwrap().len(), 5);
    assert_eq!(s.object_fields("/resources/2").unwrap().len(), 22);
}

#[test]
fn the_bare_result_and_other_portals_load_too() {
    let schema = serde_json::json!({
        "dataset_type": "dataset",
        "dataset_fields": [
            {"field_name": "title", "label": {"en": "Title", "fr": "Titre"}, "required": true},
            {"field_name": "theme", "label": "Theme", "preset": "select",
             "choices": [{"value": "env", "label": "Environment"}]}
        ]
    });
    let s = Schema::from_json(&schema, &serde_json::json!([])).unwrap();
    assert_eq!(s.dataset_fields[0].label, "Title");
    assert_eq!(s.dataset_fields[1].kind, FieldKind::Select);
    assert!(s.resource_fields.is_empty());
    // CKAN's core `owner_org` is a field of every schema, with its `owner_org_validator`
    let org = s.field_at("/owner_org").unwrap();
    assert_eq!(
        (org.kind, org.required, org.form_only),
        (FieldKind::Organization, true, false)
    );
    assert!(Schema::from_json(&serde_json::json!({"x": 1}), &serde_json::json!([])).is_err());
}

/// A schema as written (presets not expanded), in the style of
/// ckanext-scheming's examples: one field per stock preset and per way of
/// making a field required.
fn written_schema() -> Schema {
    let schema = serde_json::json!({
        "dataset_type": "example",
        "dataset_fields": [
            {"field_name": "title", "label": "Title", "preset": "title", "required": true},
            {"field_name": "name", "label": "URL", "preset": "dataset_slug"},
            {"field_name": "owner_org", "label": "Org", "preset": "dataset_organization"},
            {"field_name": "notes", "label": "Notes", "preset": "markdown", "required": true},
            {"field_name": "tag_string", "label": "Tags", "preset": "tag_string_autocomplete"},
            {"field_name": "theme", "label": "Theme", "preset": "radio", "required": true,
             "choices": [{"value": "water"}]},
            {"field_name": "audience", "label": "Audience", "preset": "multiple_select",
             "choices": [{"value": "public"}]},
            {"field_name": "authors", "label": "Authors", "preset": "multiple_text"},
            {"field_name": "issued", "label": "Issued", "preset": "date"},
            {"field_name": "updated", "label": "Updated", "preset": "datetime"},
            {"field_name": "observed", "label": "Observed", "preset": "datetime_tz",
             "required": true},
            {"field_name": "settings", "label": "Settings", "preset": "json_object"},
            {"field_name": "code", "label": "Code", "validators": "not_empty unicode_safe"},
            {"field_name": "humps", "label": "Humps", "validators": "ignore_missing int_validator"},
            {"field_name": "contact", "label": "Contact", "required": true,
             "validators": "ignore_missing unicode_safe"},
            {"field_name": "zone", "label": "Zone", "preset": "select",
             "choices_helper": "scheming_get_timezones"},
            {"field_name": "open", "label": "Open", "validators": "boolean_validator"},
            {"field_name": "contact_email", "label": "Email",
             "validators": "ignore_missing email_validator"},
            {"field_name": "places", "label": "Places", "required": true,
             "repeating_subfields": [
                {"field_name": "city", "label": "City", "required": true}]}
        ],
        "resource_fields": [
            {"field_name": "url", "label": "URL", "preset": "resource_url_upload"},
            {"field_name": "name", "label": "Name", "preset": "title", "required": true},
            {"field_name": "format", "label": "Format", "preset": "resource_format_autocomplete"}
        ]
    });
    Schema::from_json(&schema, &serde_json::json!([])).unwrap()
}

#[test]
fn presets_are_expanded_and_give_the_kind() {
    let s = written_schema();
    let f = |p: &str| s.field_at(p).unwrap_or_else(|| panic!("{p}"));
    assert_eq!(f("/name").kind, FieldKind::Slug);
    assert_eq!(f("/owner_org").kind, FieldKind::Organization);
    assert_eq!(f("/notes").kind, FieldKind::Markdown);
    assert_eq!(f("/tag_string").kind, FieldKind::Tags);
    assert_eq!(f("/theme").kind, FieldKind::Select);
    assert_eq!(f("/audience").kind, FieldKind::MultipleChoice);
    assert_eq!(f("/authors").kind, FieldKind::MultipleText);
    assert_eq!(f("/issued").kind, FieldKind::Date);
    assert_eq!(f("/updated").kind, FieldKind::DateTime);
    assert_eq!(f("/observed").kind, FieldKind::DateTimeTz);
    assert_eq!(f("/settings").kind, FieldKind::JsonObject);
    assert_eq!(f("/humps").kind, FieldKind::Integer);
    assert_eq!(f("/open").kind, FieldKind::Boolean);
    assert_eq!(f("/contact_email").kind, FieldKind::Email);
    // choices computed by the portal: a choice field with nothing to check
    assert_eq!(f("/zone").kind, FieldKind::Select);
    assert!(f("/zone").choices.is_empty());
    assert_eq!(
        f("/zone").choices_helper.as_deref(),
        Some("scheming_get_timezones")
    );
    assert_eq!(f("/settings").output_validators, ["scheming_load_json"]);
    assert_eq!(
        f("/resources/0/format").validators,
        [
            "if_empty_guess_format",
            "ignore_missing",
            "clean_format",
            "unicode_safe"
        ]
    );
}

#[test]
fn requiredness_is_read_from_validators_as_scheming_builds_them() {
    let s = written_schema();
    let f = |p: &str| s.field_at(p).unwrap_or_else(|| panic!("{p}"));
    let req = |p: &str| (f(p).required, f(p).form_only);
    // if_empty_same_as(name) fills the title from the URL name
    assert_eq!(req("/title"), (false, false));
    // not_empty in the preset, with no `required` key
    assert_eq!(req("/name"), (true, false));
    assert_eq!(req("/owner_org"), (true, false));
    // no validators of its own: `required` becomes not_empty
    assert_eq!(req("/notes"), (true, false));
    // scheming_required / scheming_isodatetime_tz read `required`
    assert_eq!(req("/theme"), (true, false));
    assert_eq!(req("/observed"), (true, false));
    assert_eq!(req("/issued"), (false, false));
    assert_eq!(req("/code"), (true, false));
    // the field's own validators replaced the preset's: the form's rule only
    assert_eq!(req("/contact"), (true, true));
    // the parent of subfields keeps no validators; its subfields do
    assert_eq!(req("/places"), (true, true));
    assert_eq!(req("/places/0/city"), (true, false));
    // a resource's name fills from itself: nothing fills it
    assert_eq!(req("/resources/0/name"), (true, true));
}

#[test]
fn bcdc_requirements_are_unchanged_and_its_form_only_ones_are_marked() {
    let s = Schema::embedded();
    let raw: J = serde_json::from_str(EMBEDDED_SCHEMA).unwrap();
    let body = raw.get("result").unwrap_or(&raw);
    for (list, fields) in [
        ("dataset_fields", &s.dataset_fields),
        ("resource_fields", &s.resource_fields),
    ] {
        for (v, f) in body[list].as_array().unwrap().iter().zip(fields.iter()) {
            assert_eq!(
                f.required,
                v.get("required").and_then(J::as_bool).unwrap_or(false),
                "{}",
                f.name
            );
        }
    }
    let form_only: Vec<&str> = s
        .dataset_fields
        .iter()
        .filter(|f| f.form_only)
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(form_only, ["title", "tag_string"]);
}

#[test]
fn record_values_are_decoded_where_the_portal_does_not() {
    let s = written_schema();
    let authors = s.field_at("/authors").unwrap();
    let listed = serde_json::json!(["a", "b"]);
    assert_eq!(authors.record_value(&listed), listed);
    let mut bare = authors.clone();
    bare.output_validators.clear();
    assert_eq!(bare.record_value(&J::String(r#"["a","b"]"#.into())), listed);
    assert_eq!(
        bare.record_value(&J::String("plain".into())),
        J::String("plain".into())
    );
    let title = s.field_at("/title").unwrap();
    let text = J::String("[1]".into());
    assert_eq!(title.record_value(&text), text);
}

#[test]
fn new_kinds_are_checked_by_the_compiled_schema() {
    let s = written_schema();
    let whole = super::validator_options()
        .build(&s.to_json_schema())
        .unwrap();
    let valid = |record: J| whole.is_valid(&record);
    let base = serde_json::json!({
        "name": "x1", "owner_org": "o", "notes": "n", "theme": "water", "observed": "2024-02-15T10:00:00Z",
        "code": "c", "contact": "me", "places": [{"city": "V"}], "zone": "Whatever/Zone"
    });
    assert!(valid(base.clone()));
    let with = |key: &str, value: J| {
        let mut r = base.clone();
        r[key] = value;
        valid(r)
    };
    assert!(!with("observed", "2024-02-15".into()));
    assert!(with("updated", "2024-02-15".into()));
    assert!(!with("updated", "15/02/2024".into()));
    assert!(with("humps", 2.into()));
    assert!(with("humps", " 3 ".into()));
    assert!(!with("humps", "two".into()));
    assert!(with("authors", serde_json::json!(["a", "b"])));
    assert!(with("authors", "a".into()));
    assert!(!with("authors", serde_json::json!([1])));
    assert!(with("open", true.into()));
    assert!(with("open", "yes".into()));
    assert!(!with("open", 1.into()));
}

#[test]
fn bcdc_rules_the_api_enforces_are_read_from_the_validators() {
    let s = Schema::embedded();
    let f = |p: &str| s.field_at(p).unwrap_or_else(|| panic!("{p}"));
    assert!(f("/security_class").checked.choices);
    // conditional_required replaces scheming_choices and isodate
    assert!(!f("/resources/0/spatial_datatype").checked.choices);
    assert!(!f("/retention_expiry_date").checked.format);
    assert!(f("/dates/0/date").checked.format);
    assert!(!f("/contacts/0/email").checked.format);
    assert!(f("/publish_state").checked.start_state);
    // BCDC's conditional_required sees dataset fields only
    assert!(
        f("/replacement_record")
            .condition
            .as_ref()
            .unwrap()
            .enforced
    );
    assert!(
        !f("/resources/0/projection_name")
            .condition
            .as_ref()
            .unwrap()
            .enforced
    );
    let rule = |at: &str, property: Option<&str>| {
        let r = s
            .validators
            .rules
            .at(at, property)
            .unwrap_or_else(|| panic!("{at}"));
        (r.kind, r.enforcement)
    };
    use super::{Enforcement::*, RuleKind};
    assert_eq!(
        rule("/required", Some("notes")),
        (RuleKind::Required, Refused)
    );
    assert_eq!(
        rule("/required", Some("tag_string")),
        (RuleKind::Required, FormOnly)
    );
    assert_eq!(
        rule("/properties/license_id/enum", None),
        (RuleKind::Choices, FormOnly)
    );
    assert_eq!(
        rule("/properties/resources/items/properties/format/enum", None),
        (RuleKind::Choices, Refused)
    );
    assert_eq!(
        rule(
            "/properties/resources/items/properties/temporal_extent/maxItems",
            None
        ),
        (RuleKind::SingleEntry, FormOnly)
    );
    assert_eq!(
        rule("/properties/contacts/items/additionalProperties", None),
        (RuleKind::Closed, Dropped)
    );
}

/// A multilingual portal's schema as written, in the style of opendata.swiss:
/// ckanext-fluent presets, and the portal's own validators.
fn fluent_schema() -> Schema {
    let schema = serde_json::json!({
        "dataset_type": "dataset",
        "dataset_fields": [
            {"field_name": "title", "label": "Title", "preset": "fluent_text", "required": true},
            {"field_name": "notes", "label": "Notes", "preset": "fluent_markdown"},
            {"field_name": "title_translated", "label": "Title", "preset": "fluent_core_translated"},
            {"field_name": "keywords", "label": "Keywords", "preset": "fluent_tags"},
            {"field_name": "temporals", "label": "Temporals",
             "validators": "harvest_list_of_dicts ogdch_validate_formfield_temporals"},
            {"field_name": "identifier", "label": "Identifier", "required": true,
             "validators": "scheming_required ogdch_unique_identifier"},
            {"field_name": "periodicity", "label": "Periodicity", "preset": "select",
             "validators": "scheming_required ogdch_temp_scheming_choices",
             "choices": [{"value": "daily"}]},
            {"field_name": "size", "label": "Size", "validators": "default(0) natural_number_validator"},
            {"field_name": "short", "label": "Short", "validators": "if_empty_same_as(name) unicode"}
        ]
    });
    Schema::from_json(&schema, &serde_json::json!([])).unwrap()
}

#[test]
fn ckanext_fluent_presets_give_multilingual_kinds() {
    let s = fluent_schema();
    let f = |p: &str| s.field_at(p).unwrap_or_else(|| panic!("{p}"));
    assert_eq!(f("/title").kind, FieldKind::Fluent);
    assert_eq!(f("/notes").kind, FieldKind::Fluent);
    assert_eq!(f("/title_translated").kind, FieldKind::Fluent);
    assert_eq!(f("/keywords").kind, FieldKind::FluentTags);
    // fluent_text asks for every form language of a required field
    assert!(f("/title").required && !f("/title").form_only);
    assert!(!f("/notes").required);
    // one language's value, and one keyword, belong to the field
    assert_eq!(f("/title/fr").name, "title");
    assert_eq!(f("/keywords/de/1").name, "keywords");
}

#[test]
fn a_validator_the_checker_does_not_model_leaves_the_value_unchecked() {
    let s = fluent_schema();
    let f = |p: &str| s.field_at(p).unwrap_or_else(|| panic!("{p}"));
    for (pointer, validator) in [
        ("/temporals", "harvest_list_of_dicts"),
        ("/identifier", "ogdch_unique_identifier"),
        ("/periodicity", "ogdch_temp_scheming_choices"),
    ] {
        assert_eq!(f(pointer).kind, FieldKind::Unchecked, "{pointer}");
        assert_eq!(f(pointer).unmodelled_validator(), Some(validator));
        let name = &pointer[1..];
        assert_eq!(s.to_json_schema()["properties"][name], true, "{pointer}");
    }
    // still required, and still offering its choices
    assert!(f("/identifier").required);
    assert_eq!(f("/periodicity").choices.len(), 1);
    // validators with arguments are known by their name
    assert_eq!(f("/size").kind, FieldKind::Integer);
    assert_eq!(f("/short").unmodelled_validator(), None);
}

#[test]
fn every_validator_of_the_embedded_schema_is_modelled() {
    fn walk(fields: &[Field]) {
        for f in fields {
            assert_eq!(f.unmodelled_validator(), None, "{}", f.name);
            walk(&f.subfields);
        }
    }
    let s = Schema::embedded();
    walk(&s.dataset_fields);
    walk(&s.resource_fields);
}

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
    assert!(Schema::from_json(&serde_json::json!({"x": 1}), &serde_json::json!([])).is_err());
}

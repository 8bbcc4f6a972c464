use super::*;
use crate::assist::completion::{complete, Completion, CompletionKind};
use crate::assist::{CatalogueState, Dynamic};
use crate::schema::{Choice, FieldKind};

fn at(text: &str, format: Format, extra: &Dynamic) -> (String, Vec<Completion>) {
    let (clean, offset) = split_cursor(text);
    let doc = Document::parse(&clean, format);
    let items = complete(&doc, schema(), offset, extra);
    (clean, items)
}

fn yaml(text: &str) -> (String, Vec<Completion>) {
    at(text, Format::Yaml, &Dynamic::default())
}

fn json(text: &str) -> (String, Vec<Completion>) {
    at(text, Format::Json, &Dynamic::default())
}

fn labels(items: &[Completion]) -> Vec<&str> {
    items.iter().map(|c| c.label.as_str()).collect()
}

fn find<'a>(items: &'a [Completion], label: &str) -> &'a Completion {
    items
        .iter()
        .find(|c| c.label == label)
        .unwrap_or_else(|| panic!("no {label:?} in {:?}", labels(items)))
}

/// The text after choosing an item.
fn choose(text: &str, item: &Completion) -> String {
    let mut edits = item.additional_edits.clone();
    edits.push(Edit {
        range: item.replace_range.clone(),
        new_text: item.insert_text.clone(),
    });
    apply(text, &edits)
}

/// A YAML record with `key: value` in the object that holds the field at
/// `pointer` (the dataset, the first contact, date or resource).
fn yaml_field(pointer: &str, value: &str) -> String {
    let key = pointer.rsplit('/').next().unwrap();
    match pointer.split('/').nth(1).unwrap() {
        "contacts" => format!("title: T\ncontacts:\n  - name: Jane\n    {key}: {value}\n"),
        "dates" => format!("title: T\ndates:\n  - date: 2024-01-15\n    {key}: {value}\n"),
        "resources" => format!("title: T\nresources:\n  - name: R\n    {key}: {value}\n"),
        _ => format!("title: T\n{key}: {value}\n"),
    }
}

fn json_field(pointer: &str, value: &str) -> String {
    let key = pointer.rsplit('/').next().unwrap();
    match pointer.split('/').nth(1).unwrap() {
        "contacts" => format!(
            "{{\"title\": \"T\", \"contacts\": [{{\"name\": \"Jane\", \"{key}\": {value}}}]}}"
        ),
        "dates" => format!(
            "{{\"title\": \"T\", \"dates\": [{{\"date\": \"2024-01-15\", \"{key}\": {value}}}]}}"
        ),
        "resources" => format!(
            "{{\"title\": \"T\", \"resources\": [{{\"name\": \"R\", \"{key}\": {value}}}]}}"
        ),
        _ => format!("{{\"title\": \"T\", \"{key}\": {value}}}"),
    }
}

fn value_at(text: &str, format: Format, pointer: &str) -> serde_json::Value {
    let doc = Document::parse(text, format);
    assert!(
        doc.syntax_errors().is_empty(),
        "{text}\n{:?}",
        doc.syntax_errors()
    );
    doc.root().unwrap().pointer(pointer).unwrap().to_json()
}

const DROPDOWNS: [&str; 19] = [
    "/security_class",
    "/view_audience",
    "/download_audience",
    "/metadata_visibility",
    "/resource_status",
    "/publish_state",
    "/contacts/0/role",
    "/contacts/0/displayed",
    "/dates/0/type",
    "/resources/0/bcdc_type",
    "/resources/0/format",
    "/resources/0/resource_update_cycle",
    "/resources/0/resource_storage_location",
    "/resources/0/resource_type",
    "/resources/0/resource_access_method",
    "/resources/0/spatial_datatype",
    "/resources/0/projection_name",
    "/resources/0/iso_topic_category",
    "/license_id",
];

/// The values a dropdown offers on a record without `id`.
fn expected(pointer: &str) -> Vec<String> {
    let field = schema().field_at(pointer).unwrap();
    if field.start_state.is_some() {
        return vec![field.start_state.clone().unwrap()];
    }
    let choices = if field.kind == FieldKind::Licence {
        &schema().licences
    } else {
        &field.choices
    };
    choices.iter().map(|c| c.value.clone()).collect()
}

#[test]
fn every_dropdown_completes_on_an_empty_value_in_yaml() {
    for pointer in DROPDOWNS {
        let (text, items) = yaml(&yaml_field(pointer, "‸"));
        assert_eq!(labels(&items), expected(pointer), "{pointer}");
        let multiple = schema().field_at(pointer).unwrap().kind == FieldKind::MultipleChoice;
        for item in &items {
            assert_eq!(item.kind, CompletionKind::Value);
            let got = value_at(&choose(&text, item), Format::Yaml, pointer);
            let want = serde_json::json!(item.label);
            if multiple {
                assert_eq!(got, serde_json::json!([want]), "{pointer}");
            } else {
                assert_eq!(got, want, "{pointer}: {}", item.insert_text);
            }
        }
    }
}

#[test]
fn every_dropdown_completes_in_json() {
    for pointer in DROPDOWNS {
        let (text, items) = json(&json_field(pointer, "‸"));
        assert_eq!(labels(&items), expected(pointer), "{pointer}");
        let multiple = schema().field_at(pointer).unwrap().kind == FieldKind::MultipleChoice;
        for item in &items {
            let got = value_at(&choose(&text, item), Format::Json, pointer);
            let want = serde_json::json!(item.label);
            let want = if multiple {
                serde_json::json!([want])
            } else {
                want
            };
            assert_eq!(got, want, "{pointer}");
        }
        // inside quotes
        let (text, items) = json(&json_field(pointer, "\"‸\""));
        let first = &items[0];
        assert_eq!(
            first.insert_text,
            first.label.replace('"', "\\\""),
            "{pointer}"
        );
        assert_eq!(
            value_at(&choose(&text, first), Format::Json, pointer),
            serde_json::json!(first.label)
        );
    }
}

#[test]
fn every_dropdown_filters_a_partial_value_and_completes_inside_quotes() {
    for pointer in DROPDOWNS {
        let all = expected(pointer);
        let target = all.last().unwrap();
        let typed: String = target.chars().take(2).collect();
        let (text, items) = yaml(&yaml_field(pointer, &format!("{typed}‸")));
        assert!(
            labels(&items).contains(&target.as_str()),
            "{pointer}: {typed}"
        );
        for item in &items {
            let field = schema().field_at(pointer).unwrap();
            let label = field
                .choice(&item.label)
                .or_else(|| schema().licence(&item.label))
                .map_or(item.label.clone(), |c| c.label.clone());
            let t = typed.to_lowercase();
            assert!(
                item.label.to_lowercase().starts_with(&t)
                    || label
                        .to_lowercase()
                        .split(|c: char| !c.is_alphanumeric())
                        .any(|w| w.starts_with(&t)),
                "{pointer}: {typed} offered {}",
                item.label
            );
        }
        let chosen = find(&items, target);
        assert_eq!(
            value_at(&choose(&text, chosen), Format::Yaml, pointer),
            if schema().field_at(pointer).unwrap().kind == FieldKind::MultipleChoice {
                serde_json::json!([target])
            } else {
                serde_json::json!(target)
            }
        );

        // inside quotes, closed and not
        for quoted in [format!("\"{typed}‸\""), format!("'{typed}‸")] {
            let (text, items) = yaml(&yaml_field(pointer, &quoted));
            let chosen = find(&items, target);
            let got = value_at(&choose(&text, chosen), Format::Yaml, pointer);
            assert_eq!(got, serde_json::json!(target), "{pointer} in {quoted}");
        }
    }
}

#[test]
fn yaml_values_are_quoted_only_when_needed() {
    let (_, items) = yaml(&yaml_field("/security_class", "‸"));
    assert_eq!(find(&items, "PROTECTED A").insert_text, "PROTECTED A");
    let (_, items) = yaml(&yaml_field("/license_id", "‸"));
    assert_eq!(find(&items, "2").insert_text, "\"2\"");
    assert_eq!(
        find(&items, "2").detail.as_deref(),
        Some("Open Government Licence - British Columbia")
    );
    let (_, items) = json(&json_field("/security_class", "‸"));
    assert_eq!(find(&items, "PROTECTED A").insert_text, "\"PROTECTED A\"");
    // right after the colon, a space comes first
    let (_, items) = yaml("security_class:‸");
    assert_eq!(find(&items, "PUBLIC").insert_text, " PUBLIC");
    // a label finds its value
    let (_, items) = yaml(&yaml_field("/resource_status", "going‸"));
    assert_eq!(labels(&items), ["onGoing"]);
}

#[test]
fn multiple_choice_items_in_flow_and_block_lists() {
    let (text, items) = yaml(&yaml_field("/contacts/0/displayed", "[‸]"));
    assert_eq!(labels(&items), ["displayed"]);
    assert_eq!(
        value_at(
            &choose(&text, &items[0]),
            Format::Yaml,
            "/contacts/0/displayed"
        ),
        serde_json::json!(["displayed"])
    );
    // values already in the list are not offered again
    let (_, items) = yaml(&yaml_field("/resources/0/iso_topic_category", "[biota, ‸]"));
    assert!(!labels(&items).contains(&"biota") && labels(&items).contains(&"economy"));
    let text = "resources:\n  - name: R\n    iso_topic_category:\n      - biota\n      - ec‸\n";
    let (text, items) = yaml(text);
    assert_eq!(labels(&items), ["economy"]);
    assert_eq!(
        value_at(
            &choose(&text, &items[0]),
            Format::Yaml,
            "/resources/0/iso_topic_category"
        ),
        serde_json::json!(["biota", "economy"])
    );
    // a value with a comma is quoted inside [...]
    let (text, items) = yaml(&yaml_field("/resources/0/projection_name", "epsg2671‸"));
    assert_eq!(find(&items, "epsg26710,").insert_text, "epsg26710,");
    let _ = text;
    let (_, items) = json(&json_field(
        "/resources/0/iso_topic_category",
        "[\"biota\", ‸]",
    ));
    assert_eq!(find(&items, "economy").insert_text, "\"economy\"");
}

#[test]
fn publish_state_follows_the_state_machine() {
    let (_, items) = yaml("publish_state: ‸");
    assert_eq!(labels(&items), ["DRAFT"]);
    let (_, items) = yaml("id: abc\npublish_state: PUBLISHED‸");
    assert_eq!(labels(&items), ["PUBLISHED"]);
    let (_, items) = yaml("id: abc\npublish_state: ‸\n");
    assert_eq!(labels(&items).len(), 5);
    let text = "id: abc\npublish_state: DRAFT\n";
    let doc = Document::parse(text, Format::Yaml);
    let at = text.find("DRAFT").unwrap();
    let items = complete(&doc, schema(), at, &Dynamic::default());
    assert_eq!(labels(&items), ["DRAFT", "PENDING PUBLISH"]);
    // the catalogue's state wins over the file's
    let extra = Dynamic {
        publish_state: CatalogueState::Known("PUBLISHED".into()),
        ..Dynamic::default()
    };
    let items = complete(&doc, schema(), at, &extra);
    assert_eq!(
        labels(&items),
        ["PENDING PUBLISH", "PUBLISHED", "PENDING ARCHIVE"]
    );
}

#[test]
fn publish_state_lists_every_state_when_the_catalogue_is_unreachable() {
    let text = "id: abc\npublish_state: DRAFT\n";
    let doc = Document::parse(text, Format::Yaml);
    let offset = text.find("DRAFT").unwrap();
    let extra = Dynamic {
        publish_state: CatalogueState::Unreachable,
        ..Dynamic::default()
    };
    let items = complete(&doc, schema(), offset, &extra);
    assert_eq!(
        labels(&items),
        [
            "DRAFT",
            "PENDING PUBLISH",
            "PUBLISHED",
            "PENDING ARCHIVE",
            "ARCHIVED"
        ]
    );
    for item in &items {
        let detail = item.detail.as_deref().unwrap();
        assert!(detail.contains("catalogue unreachable"), "{detail}");
    }
    assert!(items[0].detail.as_deref().unwrap().starts_with("Draft ("));
    // A new record starts as DRAFT whatever the catalogue: nothing to say.
    let text = "publish_state: ‸";
    let (_, items) = at(text, Format::Yaml, &extra);
    assert_eq!(labels(&items), ["DRAFT"]);
    assert_eq!(items[0].detail.as_deref(), Some("Draft"));
}

#[test]
fn organizations_complete_to_ids_labelled_with_titles() {
    let extra = Dynamic {
        organizations: vec![
            Choice {
                value: "a1b2".into(),
                label: "Ministry of Water".into(),
                next: Vec::new(),
            },
            Choice {
                value: "c3d4".into(),
                label: "Ministry of Forests".into(),
                next: Vec::new(),
            },
        ],
        ..Dynamic::default()
    };
    for pointer in ["/owner_org", "/contacts/0/org"] {
        let (text, items) = at(&yaml_field(pointer, "wat‸"), Format::Yaml, &extra);
        assert_eq!(labels(&items), ["a1b2"], "{pointer}");
        assert_eq!(items[0].detail.as_deref(), Some("Ministry of Water"));
        assert_eq!(
            value_at(&choose(&text, &items[0]), Format::Yaml, pointer),
            serde_json::json!("a1b2")
        );
        let (_, items) = at(&json_field(pointer, "‸"), Format::Json, &extra);
        assert_eq!(items.len(), 2);
        // none known yet: no items, no error
        assert!(yaml(&yaml_field(pointer, "‸")).1.is_empty());
    }
}

#[test]
fn keywords_complete_the_part_after_the_last_comma() {
    let extra = Dynamic {
        keywords: vec![
            "water".into(),
            "lakes".into(),
            "Water quality".into(),
            "lakes".into(),
        ],
        ..Dynamic::default()
    };
    let (text, items) = at("tag_string: lakes, wa‸", Format::Yaml, &extra);
    assert_eq!(labels(&items), ["water", "Water quality"]);
    assert_eq!(choose(&text, &items[0]), "tag_string: lakes, water");
    let (text, items) = at("tag_string: lakes,‸", Format::Yaml, &extra);
    assert_eq!(labels(&items), ["water", "Water quality"]);
    assert_eq!(choose(&text, &items[0]), "tag_string: lakes, water");
    let (text, items) = at("{\"tag_string\": \"lakes, ‸\"}", Format::Json, &extra);
    assert_eq!(
        choose(&text, &items[0]),
        "{\"tag_string\": \"lakes, water\"}"
    );
    let (text, items) = at("{\"tag_string\": ‸}", Format::Json, &extra);
    assert_eq!(labels(&items), ["water", "lakes", "Water quality"]);
    assert_eq!(choose(&text, &items[1]), "{\"tag_string\": \"lakes\"}");
}

#[test]
fn top_level_field_names_required_first_without_present_or_system_fields() {
    let (text, items) = yaml("title: T\n‸");
    let names = labels(&items);
    assert!(!names.contains(&"title"), "present");
    assert!(!names.contains(&"record_create_date"), "system");
    assert!(names.contains(&"resources") && names.contains(&"type"));
    let mut sorted = items.clone();
    sorted.sort_by(|a, b| a.sort_text.cmp(&b.sort_text));
    let required: Vec<bool> = sorted
        .iter()
        .filter_map(|c| schema().dataset_fields.iter().find(|f| f.name == c.label))
        .map(|f| f.required)
        .collect();
    assert!(required.windows(2).all(|w| w[0] >= w[1]), "required first");
    let notes = find(&items, "notes");
    assert_eq!(notes.detail.as_deref(), Some("Description"));
    assert!(notes.documentation.as_ref().unwrap().contains("Required"));
    // a dropdown's key asks for its values next
    let class = find(&items, "security_class");
    assert!(class.retrigger);
    assert_eq!(choose(&text, class), "title: T\nsecurity_class: ");
    // a partial key filters, by name or label
    let (_, items) = yaml("title: T\ndesc‸");
    assert!(labels(&items).contains(&"notes"));
    let (text, items) = yaml("title: T\nsecurity_cl‸\n");
    assert_eq!(
        choose(&text, find(&items, "security_class")),
        "title: T\nsecurity_class: \n"
    );
}

#[test]
fn field_names_in_a_contact_and_a_resource() {
    let (_, items) = yaml("contacts:\n  - name: Jane\n    ‸");
    assert_eq!(labels(&items), ["email", "org", "role", "displayed"]);
    let (_, items) = yaml("resources:\n  - name: R\n    format: csv\n    ‸");
    let names = labels(&items);
    assert!(names.contains(&"bcdc_type") && !names.contains(&"format") && !names.contains(&"name"));
    assert!(!names.contains(&"details"), "system subfield");
    // the conditional fields of a geographic resource come before the optional ones
    let (_, items) = yaml("resources:\n  - name: R\n    bcdc_type: geographic\n    ‸");
    let sort = |l: &str| find(&items, l).sort_text.clone();
    assert!(sort("spatial_datatype") < sort("description"));
    assert!(sort("format") < sort("spatial_datatype"));
    // JSON, with the comma the new member needs
    let (text, items) = json("{\"contacts\": [{\"name\": \"Jane\" ‸}]}");
    let email = find(&items, "email");
    assert_eq!(
        choose(&text, email),
        "{\"contacts\": [{\"name\": \"Jane\", \"email\": \"\"}]}"
    );
    let (text, items) = json("{\"contacts\": [{\"name\": \"Jane\", \"ro‸\"}]}");
    let role = find(&items, "role");
    assert!(role.retrigger);
    assert_eq!(
        choose(&text, role),
        "{\"contacts\": [{\"name\": \"Jane\", \"role\": }]}"
    );
    assert_eq!(role.filter_text, "\"role");
}

#[test]
fn list_fields_insert_a_skeleton_of_their_required_subfields() {
    let (text, items) = yaml("title: T\ncont‸");
    let contacts = find(&items, "contacts");
    assert_eq!(
        contacts.snippet.as_deref(),
        Some("contacts:\n  - name: $1\n    email: $2\n    org: $3\n    role: $4")
    );
    let chosen = choose(&text, contacts);
    let doc = Document::parse(&chosen, Format::Yaml);
    assert!(doc.syntax_errors().is_empty());
    assert_eq!(
        doc.root()
            .unwrap()
            .pointer("/contacts/0/role")
            .unwrap()
            .value,
        crate::syntax::Value::Missing
    );
    // the file's own indentation: 4 spaces, indentless lists
    let (_, items) = yaml("title: T\nmore_info:\n- url: x\nextras:\n    a: 1\nres‸");
    assert_eq!(
        find(&items, "resources")
            .insert_text
            .lines()
            .take(3)
            .collect::<Vec<_>>(),
        ["resources:", "- name: ", "  bcdc_type: "]
    );
    // JSON: [{...}] in the file's indentation
    let (text, items) = json("{\n    \"title\": \"T\",\n    \"da‸\"\n}");
    let dates = find(&items, "dates");
    let chosen = choose(&text, dates);
    assert!(chosen.contains("    \"dates\": [\n        {\n            \"type\": \"\",\n            \"date\": \"\"\n        }\n    ]"), "{chosen}");
    assert_eq!(
        value_at(&chosen, Format::Json, "/dates/0/date"),
        serde_json::json!("")
    );
    // a new entry under the list's key, and after `- `
    let (text, items) = yaml("contacts:\n  ‸");
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].kind, CompletionKind::Entry);
    assert!(choose(&text, &items[0]).starts_with("contacts:\n  - name: \n    email: "));
    let (text, items) = yaml("contacts:\n  - ‸");
    let entry = items
        .iter()
        .find(|c| c.kind == CompletionKind::Entry)
        .unwrap();
    assert!(choose(&text, entry).starts_with("contacts:\n  - name: \n    email: "));
    assert!(labels(&items).contains(&"role"));
}

#[test]
fn nothing_to_complete_in_comments_text_and_unknown_fields() {
    assert!(yaml("title: T # ‸").1.is_empty());
    assert!(yaml("notes: |\n  some text ‸").1.is_empty());
    assert!(yaml("unknown_field: ‸").1.is_empty());
    assert!(yaml("title: ‸").1.is_empty());
}

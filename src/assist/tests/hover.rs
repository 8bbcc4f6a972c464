use super::*;
use crate::assist::hover::hover;
use crate::assist::Dynamic;
use crate::schema::Choice;

fn hover_at(text: &str, needle: &str, format: Format, extra: &Dynamic) -> (String, String) {
    let doc = Document::parse(text, format);
    let at = text.find(needle).unwrap_or_else(|| panic!("{needle}")) + 1;
    let h = hover(&doc, schema(), at, extra).unwrap_or_else(|| panic!("no hover on {needle}"));
    (h.markdown, text[h.range].to_string())
}

fn yaml(needle: &str) -> (String, String) {
    hover_at(VALID, needle, Format::Yaml, &Dynamic::default())
}

#[test]
fn hover_on_a_key_explains_the_field() {
    let (md, range) = yaml("security_class:");
    assert_eq!(range, "security_class");
    assert!(
        md.starts_with("**Security Classification** (`security_class`)"),
        "{md}"
    );
    assert!(md.contains("Required."));
    assert!(md.contains("- `PROTECTED A` — Protected-A"), "{md}");
    assert!(md.contains("- `PUBLIC` — Public **(current)**"), "{md}");
    // a contact's field
    let (md, range) = yaml("role: pointOfContact");
    assert_eq!(range, "role");
    assert!(
        md.contains("`pointOfContact` — Point of Contact **(current)**"),
        "{md}"
    );
}

#[test]
fn hover_on_a_value_marks_it_and_names_conditions_and_notes() {
    let (md, range) = yaml("onGoing");
    assert_eq!(range, "onGoing");
    assert!(md.contains("`onGoing` — On Going **(current)**"), "{md}");
    let (md, _) = yaml("monthly\n    format");
    assert!(md.contains("`monthly` — Monthly **(current)**"));
    let (md, _) = yaml("owner_org:");
    assert!(
        md.contains("Published By") && md.contains("name or id"),
        "{md}"
    );
    let (md, _) = yaml("license_id:");
    assert!(md.contains("does not check this value itself"), "{md}");
    assert!(
        md.contains("`2` — Open Government Licence - British Columbia **(current)**"),
        "{md}"
    );
    let (md, _) = yaml("contacts:");
    assert!(
        md.contains("`package_patch` replaces the whole list"),
        "{md}"
    );
    let (md, _) = yaml("resources:");
    assert!(
        md.contains("`package_patch` replaces the whole list"),
        "{md}"
    );
    let (md, _) = yaml("publish_state:");
    assert!(md.contains("only as `DRAFT`"), "{md}");
    let text = "resources:\n  - name: R\n    spatial_datatype: NA\n";
    let (md, _) = hover_at(text, "spatial_datatype", Format::Yaml, &Dynamic::default());
    assert!(
        md.contains("Required when `bcdc_type` is `geographic`."),
        "{md}"
    );
    // an item of a list of choices
    let (md, range) = yaml("displayed]");
    assert_eq!(range, "displayed");
    assert!(
        md.contains("`displayed` — Contact Displayed **(current)**"),
        "{md}"
    );
}

#[test]
fn hover_names_the_organization_and_works_in_json() {
    let extra = Dynamic {
        organizations: vec![Choice {
            value: "lsp-test-org".into(),
            label: "LSP Test Organization".into(),
            next: Vec::new(),
        }],
        ..Dynamic::default()
    };
    let (md, _) = hover_at(VALID, "lsp-test-org", Format::Yaml, &extra);
    assert!(md.contains("`lsp-test-org`: LSP Test Organization"), "{md}");
    let json = valid_json();
    let (md, range) = hover_at(&json, "\"PUBLIC\"", Format::Json, &Dynamic::default());
    assert_eq!(range, "\"PUBLIC\"");
    assert!(md.contains("**(current)**"));
    let (md, range) = hover_at(
        &json,
        "\"view_audience\"",
        Format::Json,
        &Dynamic::default(),
    );
    assert_eq!(range, "\"view_audience\"");
    assert!(md.contains("`view_audience`"));
    // nothing on unknown keys or between entries
    let doc = Document::parse("zzz: 1\n\ntitle: x\n", Format::Yaml);
    assert!(hover(&doc, schema(), 1, &Dynamic::default()).is_none());
    assert!(hover(&doc, schema(), 7, &Dynamic::default()).is_none());
}

#[test]
fn hover_says_what_the_catalogue_enforces() {
    let (md, _) = yaml("security_class:");
    assert!(
        md.contains("The catalogue refuses a record without it."),
        "{md}"
    );
    let (md, _) = yaml("tag_string:");
    assert!(
        md.contains("Only the portal's web form requires it: its API accepts a record without it."),
        "{md}"
    );
    let (md, _) = yaml("email: jane");
    assert!(md.contains("Its API does not check the format."), "{md}");
    let (md, _) = yaml("temporal_extent:");
    assert!(md.contains("only the web form takes one"), "{md}");
    // a list the portal computes (`choices_helper`), which its API does not serve
    let (md, _) = yaml("org: lsp-test-org\n    role");
    assert!(md.contains("bcdc-lsp cannot check the value"), "{md}");
    let (md, _) = yaml("format: csv");
    assert!(!md.contains("does not check"), "{md}");
}

#[test]
fn hover_says_which_values_are_taken_per_language_or_not_checked() {
    let schema = Schema::from_json(
        &serde_json::json!({
            "dataset_type": "dataset",
            "dataset_fields": [
                {"field_name": "title", "label": "Title", "preset": "fluent_text"},
                {"field_name": "temporals", "label": "Temporals",
                 "validators": "harvest_list_of_dicts"}
            ]
        }),
        &serde_json::json!([]),
    )
    .unwrap();
    let text = "title: {de: Reisen}\ntemporals: []\n";
    let doc = Document::parse(text, Format::Yaml);
    let md = |needle: &str| {
        let at = text.find(needle).unwrap() + 1;
        hover(&doc, &schema, at, &Dynamic::default())
            .unwrap()
            .markdown
    };
    assert!(
        md("title:").contains("A text per language"),
        "{}",
        md("title:")
    );
    let unchecked = md("temporals:");
    assert!(
        unchecked.contains("`harvest_list_of_dicts`, which bcdc-lsp does not know"),
        "{unchecked}"
    );
}

#[test]
fn hover_on_ckan_own_keys_says_the_catalogue_keeps_them() {
    let text = format!("author: someone\nnum_tags: 3\nbcdc_type: x\n{VALID}").replacen(
        "    format: csv\n",
        "    format: csv\n    ofi: true\n",
        1,
    );
    let (md, range) = hover_at(&text, "author", Format::Yaml, &Dynamic::default());
    assert_eq!(range, "author");
    assert!(md.contains("kept by CKAN, not shown"), "{md}");
    let (md, _) = hover_at(&text, "num_tags", Format::Yaml, &Dynamic::default());
    assert!(md.contains("Computed by the catalogue"), "{md}");
    let (md, _) = hover_at(&text, "ofi", Format::Yaml, &Dynamic::default());
    assert!(md.contains("resource extra"), "{md}");
    // a key the catalogue drops has its warning, no hover
    let doc = Document::parse(&text, Format::Yaml);
    assert!(hover(
        &doc,
        schema(),
        3 + text.find("bcdc_type").unwrap(),
        &Dynamic::default()
    )
    .is_none());
}

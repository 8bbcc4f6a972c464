//! The legacy shapes against the real CKAN (BCDC schema, no ckanext-bcgov): a legacy
//! finding is an error exactly when `package_create` refuses the record, a warning when it
//! takes it; and the record `check --fix` writes is taken. Needs BCDC_TEST_CKAN_URL,
//! BCDC_TEST_CKAN_TOKEN and BCDC_TEST_CKAN_ORG (skipped, saying so, without them); every
//! dataset created is purged when the test ends.

mod common;

use bcdc_lsp::assist::fixes::fix_text;
use bcdc_lsp::catalogue::record::api_body;
use bcdc_lsp::check::{check, legacy, Severity};
use bcdc_lsp::schema::Schema;
use bcdc_lsp::syntax::{Document, Format};
use common::ckan::Ckan;
use serde_json::Value;

fn record(name: &str, org: &str) -> String {
    format!(
        r#"type: bcdc_dataset
name: {name}
title: Legacy shapes {name}
owner_org: {org}
notes: Made by tests/legacy_ckan.rs.
purpose: Test what the catalogue does with old shapes.
license_id: "2"
publish_state: DRAFT
security_class: PUBLIC
view_audience: Public
download_audience: Public
metadata_visibility: Public
resource_status: onGoing
tag_string: lsp, legacy
contacts:
  - name: Jane Doe
    email: jane.doe@example.invalid
    org: {org}
    role: pointOfContact
    displayed: [displayed]
more_info:
  - description: Project page
    url: https://example.invalid/lsp
resources:
  - name: Samples (CSV)
    url: https://example.invalid/samples.csv
    bcdc_type: document
    resource_update_cycle: monthly
    format: csv
    resource_storage_location: web or ftp site
    resource_type: data
    resource_access_method: direct access
    temporal_extent:
      - beginning_date: 2020-01-01
        end_date: 2021-12-31
"#
    )
}

/// package_create with the record's API body: taken or refused (with the reply).
fn create(ckan: &Ckan, text: &str, schema: &Schema) -> Result<Value, Value> {
    let doc = Document::parse(text, Format::Yaml);
    let body = api_body(doc.root().unwrap(), schema);
    ckan.call("package_create", Value::Object(body))
}

#[test]
fn legacy_findings_are_errors_exactly_where_the_catalogue_refuses_them() {
    let Some(ckan) =
        Ckan::from_env("legacy_findings_are_errors_exactly_where_the_catalogue_refuses_them")
    else {
        return;
    };
    let schema = Schema::embedded();
    let org = ckan.org.clone();
    let contact = format!(
        "  - name: Jane Doe\n    email: jane.doe@example.invalid\n    org: {org}\n    role: pointOfContact\n    displayed: [displayed]\n"
    );
    let temporal =
        "    temporal_extent:\n      - beginning_date: 2020-01-01\n        end_date: 2021-12-31\n";
    let link = "    url: https://example.invalid/lsp\n";
    // (what, from, to): each turns the valid record into one with one legacy shape
    let cases: Vec<(&str, String, String)> = vec![
        (
            "contacts as JSON text",
            format!("contacts:\n{contact}"),
            format!(
                "contacts: '[{{\"name\": \"Jane Doe\", \"email\": \"jane.doe@example.invalid\", \"org\": \"{org}\", \"role\": \"pointOfContact\", \"displayed\": true}}]'\n"
            ),
        ),
        (
            "a resource list as JSON text",
            temporal.to_string(),
            "    temporal_extent: '[{\"beginning_date\": \"2020-01-01\", \"end_date\": \"2021-12-31\"}]'\n".to_string(),
        ),
        ("a resource list as the text null", temporal.to_string(), "    details: \"null\"\n".to_string()),
        ("a junk related link", link.to_string(), format!("{link}  - \"[object Object]\": \"\"\n")),
        ("a junk contact", format!("contacts:\n{contact}"), format!("contacts:\n{contact}  - \"[object Object]\": \"\"\n")),
        ("a junk key in a contact", "    role: pointOfContact\n".to_string(), "    role: pointOfContact\n    \"[object Object]\": x\n".to_string()),
        ("the text null in free text", "purpose: Test what the catalogue does with old shapes.".to_string(), "purpose: \"null\"".to_string()),
        ("the text null in a dropdown", "download_audience: Public".to_string(), "download_audience: \"null\"".to_string()),
        ("an empty optional dropdown", "    resource_access_method: direct access\n".to_string(), "    resource_access_method: direct access\n    spatial_datatype: \"\"\n".to_string()),
        ("a checkbox as the text true", "    displayed: [displayed]".to_string(), "    displayed: \"true\"".to_string()),
    ];
    let valid = record(&ckan.name("lsp-legacy-valid"), &org);
    assert_eq!(
        check(&Document::parse(&valid, Format::Yaml), &schema),
        vec![]
    );
    create(&ckan, &valid, &schema).expect("the valid record is taken");
    for (what, from, to) in cases {
        let text = record(&ckan.name("lsp-legacy"), &org);
        assert_eq!(text.matches(from.as_str()).count(), 1, "{what}");
        let text = text.replacen(&from, &to, 1);
        let found = check(&Document::parse(&text, Format::Yaml), &schema);
        assert_eq!(found.len(), 1, "{what}: {found:#?}");
        assert!(legacy::is_legacy(found[0].code), "{what}: {found:#?}");
        let refused = create(&ckan, &text, &schema).err();
        assert_eq!(
            found[0].severity == Severity::Error,
            refused.is_some(),
            "{what}: {} but the catalogue {}",
            found[0].severity.as_str(),
            refused.map_or("took it".to_string(), |r| format!("refused it: {r}"))
        );
        // what `check --fix` writes is taken (a required dropdown is left to the author)
        if let Some(fixed) = fix_text(&text, Format::Yaml, &schema) {
            let fixed = fixed.text.replace(
                &text.lines().nth(1).unwrap()["name: ".len()..],
                &ckan.name("lsp-legacy-fixed"),
            );
            assert_eq!(
                check(&Document::parse(&fixed, Format::Yaml), &schema),
                vec![],
                "{what}"
            );
            create(&ckan, &fixed, &schema)
                .unwrap_or_else(|e| panic!("{what}: fixed, refused: {e}"));
        } else {
            assert_eq!(what, "the text null in a dropdown");
        }
    }
}

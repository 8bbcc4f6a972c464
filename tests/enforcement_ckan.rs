//! What the checker says the catalogue would do, against a real CKAN 2.11 with the BCDC
//! schema (the local test catalogue): a record whose errors are all `form-only` is
//! accepted by `package_create` (and `publish` sends it), and one with a `refused` error
//! is refused by the API (and `publish` sends nothing).
//! Needs BCDC_TEST_CKAN_URL, BCDC_TEST_CKAN_TOKEN and BCDC_TEST_CKAN_ORG (skips without).

mod common;

use bcdc_lsp::catalogue::record::api_body;
use bcdc_lsp::catalogue::{publish, CatalogueError, WorkflowError};
use bcdc_lsp::check::{check, Severity};
use bcdc_lsp::schema::{Enforcement, Schema};
use bcdc_lsp::syntax::{Document, Format};
use common::ckan::Ckan;

/// A record with `problems` in place of its keywords line: valid on the embedded schema
/// but for those.
fn record(ckan: &Ckan, tag: &str, keywords: &str, resource: &str) -> (String, String) {
    let name = ckan.name(&format!("lsp-enf-{tag}"));
    let org = &ckan.org;
    let text = format!(
        r#"type: bcdc_dataset
name: {name}
title: Enforcement test {name}
owner_org: {org}
notes: Made by tests/enforcement_ckan.rs.
license_id: "2"
publish_state: DRAFT
security_class: PUBLIC
view_audience: Public
download_audience: Public
metadata_visibility: Public
resource_status: onGoing
{keywords}
contacts:
  - name: Jane Doe
    email: jane.doe@example.invalid
    org: {org}
    role: pointOfContact
resources:
{resource}
"#
    );
    (name, text)
}

const DOCUMENT: &str = "  - name: Samples
    url: https://example.invalid/samples.csv
    bcdc_type: document
    resource_update_cycle: monthly
    format: csv
    resource_storage_location: web or ftp site
    resource_type: data
    resource_access_method: direct access";

/// A geographic resource without the fields BCDC's form asks for then (its
/// `conditional_required` validator cannot see a resource's `bcdc_type`).
const GEOGRAPHIC: &str = "  - name: Layer
    url: https://example.invalid/layer
    bcdc_type: geographic
    resource_update_cycle: monthly
    format: kml
    resource_storage_location: web or ftp site
    resource_type: data
    resource_access_method: direct access";

fn errors(doc: &Document) -> Vec<(String, Enforcement)> {
    check(doc, &Schema::embedded())
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| (format!("{} {}", d.code.as_str(), d.pointer), d.enforcement))
        .collect()
}

#[tokio::test]
async fn form_only_findings_are_accepted_by_the_api() {
    let Some(ckan) = Ckan::from_env("form_only_findings_are_accepted_by_the_api") else {
        return;
    };
    let schema = Schema::embedded();
    // no keywords, a geographic resource without its spatial fields
    let (name, text) = record(&ckan, "form", "# no keywords", GEOGRAPHIC);
    let doc = Document::parse(&text, Format::Yaml);
    let found = errors(&doc);
    assert!(found.len() >= 3, "{found:?}");
    assert!(found
        .iter()
        .any(|(what, _)| what == "missing-required /tag_string"));
    assert!(found
        .iter()
        .any(|(what, _)| what.starts_with("conditional-required /resources/0/")));
    assert!(
        found.iter().all(|(_, e)| *e == Enforcement::FormOnly),
        "{found:?}"
    );
    // publish does not block on them, and the catalogue takes the record
    let published = publish::publish(&ckan.client(), &doc, &schema)
        .await
        .unwrap_or_else(|e| panic!("publish refused a form-only record: {e}"));
    let stored = ckan.client().package_show(&published.id).await.unwrap();
    assert_eq!(stored["name"], name.as_str());
    assert_eq!(stored["resources"][0]["bcdc_type"], "geographic");
}

#[tokio::test]
async fn refused_findings_are_refused_by_the_api() {
    let Some(ckan) = Ckan::from_env("refused_findings_are_refused_by_the_api") else {
        return;
    };
    let schema = Schema::embedded();
    let (_, text) = record(&ckan, "refused", "tag_string: lsp, test", DOCUMENT);
    let text = text.replace("security_class: PUBLIC", "security_class: SECRET");
    let doc = Document::parse(&text, Format::Yaml);
    assert_eq!(
        errors(&doc),
        [(
            "invalid-choice /security_class".to_string(),
            Enforcement::Refused
        )]
    );
    // publish sends nothing
    match publish::publish(&ckan.client(), &doc, &schema).await {
        Err(WorkflowError::Invalid { problems }) => {
            assert_eq!(problems[0].pointer, "/security_class")
        }
        other => panic!("publish should refuse: {other:?}"),
    }
    // and the API itself refuses the body on that field
    let body = api_body(doc.root().unwrap(), &schema);
    match ckan.client().package_create(&body).await {
        Err(CatalogueError::Validation { fields, .. }) => assert!(
            fields.iter().any(|f| f.pointer == "/security_class"),
            "{fields:?}"
        ),
        other => panic!("package_create should refuse: {other:?}"),
    }
}

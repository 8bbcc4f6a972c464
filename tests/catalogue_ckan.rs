//! The round trip against a real CKAN 2.11 with the BCDC schema (the local test catalogue).
//! Needs BCDC_TEST_CKAN_URL, BCDC_TEST_CKAN_TOKEN and BCDC_TEST_CKAN_ORG; each test says
//! so and passes without doing anything when they are unset. Dataset names are unique
//! per run, so runs can share one catalogue, and every dataset a test creates is purged
//! when it ends.

mod common;

use bcdc_lsp::catalogue::record::record_from_package;
use bcdc_lsp::catalogue::{
    apply_edits, catalogue_problems, patch, publish, pull, ApiKey, AuthProblem, Basis,
    CatalogueClient, CatalogueError, WorkflowError,
};
use bcdc_lsp::check::check;
use bcdc_lsp::schema::Schema;
use bcdc_lsp::syntax::{Document, Format};
use common::ckan::Ckan;
use serde_json::{Map, Value};

impl Ckan {
    /// A valid record with a name no other run uses (purged at the end of the test).
    fn record(&self, tag: &str) -> (String, String) {
        let name = self.name(&format!("lsp-it-{tag}"));
        let org = &self.org;
        let text = format!(
            r#"# Integration test record: {tag}
type: bcdc_dataset
name: {name}
title: Integration test {name}
owner_org: {org}   # Published By
notes: |
  Made by tests/catalogue_ckan.rs.

  Second paragraph.
purpose: Test the round trip.
license_id: "2"
publish_state: DRAFT
security_class: PUBLIC
view_audience: Public
download_audience: Public
metadata_visibility: Public
resource_status: onGoing
tag_string: lsp, integration test
contacts:
  - name: Jane Doe
    email: jane.doe@example.invalid
    org: {org}
    role: pointOfContact
    displayed: [displayed]
dates:
  - type: Created
    date: 2024-01-15
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
  - name: Samples API
    url: https://example.invalid/api
    bcdc_type: webservice
    resource_update_cycle: continual
    format: json
    resource_storage_location: web or ftp site
    resource_type: data
    resource_access_method: service
    projection_name: epsg3005
"#
        );
        (name, text)
    }
}

fn yaml(text: &str) -> Document {
    Document::parse(text, Format::Yaml)
}

/// Publishes `text` and returns the file's new text and the id.
async fn published(ckan: &Ckan, text: &str) -> (String, String) {
    let doc = yaml(text);
    let result = publish::publish(&ckan.client(), &doc, &Schema::embedded())
        .await
        .unwrap_or_else(|e| panic!("publish failed: {e}"));
    assert!(!result.adopted);
    (apply_edits(text, &result.edits), result.id)
}

/// The ids of a package's resources, in order.
fn resource_ids(package: &Map<String, Value>) -> Vec<String> {
    package["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

/// `text` with values the catalogue reshapes on the way in, each seen on the local CKAN:
/// outer spaces of the title and a resource URL (trimmed), a date where a date-time is
/// stored, JSON text where the parsed object is stored, one string where a list is stored.
fn with_reshaped_values(text: &str, name: &str) -> String {
    text.replace(
        &format!("title: Integration test {name}"),
        &format!("title: \" Integration test {name} \""),
    )
    .replace(
        "    url: https://example.invalid/samples.csv\n",
        "    url: \" https://example.invalid/samples.csv \"\n",
    )
    .replace(
        "    resource_access_method: direct access\n",
        "    resource_access_method: direct access\n    last_modified: 2024-01-15\n    \
         json_table_schema: '{\"fields\": [{\"name\": \"station\"}]}'\n    \
         iso_topic_category: inlandWaters\n",
    )
    .replace("    displayed: [displayed]", "    displayed: displayed")
}

#[tokio::test]
async fn publish_valid_record_then_show_confirms_every_field() {
    let Some(ckan) = Ckan::from_env("publish_valid_record_then_show_confirms_every_field") else {
        return;
    };
    let schema = Schema::embedded();
    let (name, text) = ckan.record("valid");
    let (new_text, id) = published(&ckan, &text).await;
    let stored = ckan.client().package_show(&name).await.unwrap();
    assert_eq!(stored["id"], Value::String(id.clone()));
    // The file gained exactly the id lines: the record's before the first key, each
    // resource's before its first key; comments and layout kept.
    let rids = resource_ids(&stored);
    assert_eq!(
        new_text,
        text.replacen(
            "type: bcdc_dataset",
            &format!("id: {id}\ntype: bcdc_dataset"),
            1
        )
        .replacen(
            "  - name: Samples (CSV)",
            &format!("  - id: {}\n    name: Samples (CSV)", rids[0]),
            1
        )
        .replacen(
            "  - name: Samples API",
            &format!("  - id: {}\n    name: Samples API", rids[1]),
            1
        )
    );
    // Every field of the file is stored as written: nothing left to patch.
    let doc = yaml(&new_text);
    let plan = patch::plan_patch(doc.root().unwrap(), &stored, &schema);
    assert!(plan.is_empty(), "{:?}", plan.changes);
    // And spot checks of the conversions.
    assert_eq!(stored["license_id"], "2");
    assert_eq!(
        stored["organization"]["name"],
        Value::String(ckan.org.clone())
    );
    let mut tags: Vec<&str> = stored["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    tags.sort();
    assert_eq!(tags, ["integration test", "lsp"]);
    assert_eq!(stored["resources"].as_array().unwrap().len(), 2);
    assert_eq!(stored["contacts"][0]["displayed"][0], "displayed");
}

#[tokio::test]
async fn catalogue_errors_land_on_the_right_lines() {
    let Some(ckan) = Ckan::from_env("catalogue_errors_land_on_the_right_lines") else {
        return;
    };
    let schema = Schema::embedded();
    // An organization that does not exist: only the catalogue can tell.
    let (_, text) = ckan.record("badorg");
    let text = text.replace(
        &format!("owner_org: {}   # Published By", ckan.org),
        "owner_org: no-such-org-bcdc-lsp   # Published By",
    );
    let doc = yaml(&text);
    let err = publish::publish(&ckan.client(), &doc, &schema)
        .await
        .unwrap_err();
    let WorkflowError::Catalogue { problems, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].pointer, "/owner_org");
    assert_eq!(&text[problems[0].range.clone()], "no-such-org-bcdc-lsp");
    assert_eq!(problems[0].line, 5);

    // Errors the checker would catch, sent anyway to see the catalogue's own: every one
    // lands on its line through the pointer → range map.
    let (_, text) = ckan.record("errors");
    let text = text
        .replace("security_class: PUBLIC", "security_class: SECRET")
        .replace("    email: jane.doe@example.invalid\n", "")
        .replace("    date: 2024-01-15", "    date: not-a-date");
    let doc = yaml(&text);
    let body = bcdc_lsp::catalogue::record::api_body(doc.root().unwrap(), &schema);
    let err = ckan.client().package_create(&body).await.unwrap_err();
    let problems = catalogue_problems(&doc, &err);
    let mut found: Vec<(String, String)> = problems
        .iter()
        .map(|p| (p.pointer.clone(), text[p.range.clone()].to_string()))
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            ("/contacts/0/email".to_string(), "name".to_string()),
            ("/dates/0/date".into(), "not-a-date".into()),
            ("/security_class".into(), "SECRET".into()),
        ]
    );
    let security = problems
        .iter()
        .find(|p| p.pointer == "/security_class")
        .unwrap();
    assert!(
        security
            .message
            .contains("must be one of PUBLIC, PROTECTED A, PROTECTED B, PROTECTED C"),
        "{}",
        security.message
    );
}

#[tokio::test]
async fn update_one_field_sends_only_it_and_loses_nothing() {
    let Some(ckan) = Ckan::from_env("update_one_field_sends_only_it_and_loses_nothing") else {
        return;
    };
    let schema = Schema::embedded();
    let (name, text) = ckan.record("update");
    let (text, id) = published(&ckan, &text).await;
    let client = ckan.client();
    let before = client.package_show(&id).await.unwrap();
    let edited = text.replace(
        "purpose: Test the round trip.",
        "purpose: Changed by the test.",
    );
    let doc = yaml(&edited);
    let (plan, package) = patch::prepare_update(&client, &doc, &schema, Basis::file_wins())
        .await
        .unwrap();
    assert_eq!(plan.fields(), ["purpose"]);
    let keys: Vec<&str> = plan.body.keys().map(String::as_str).collect();
    assert_eq!(keys, ["id", "purpose"]);
    let (patched, _) =
        patch::send_update(&client, &plan, &package, &doc, &schema, Basis::file_wins())
            .await
            .unwrap();
    assert_eq!(patched.fields, ["purpose"]);
    assert!(patched.not_stored.is_empty(), "{:?}", patched.not_stored);
    let after = client.package_show(&name).await.unwrap();
    assert_eq!(after["purpose"], "Changed by the test.");
    // Everything else as before, resources (and their ids) included.
    let mut expected: Map<String, Value> = record_from_package(&before, &schema);
    expected.insert(
        "purpose".into(),
        Value::String("Changed by the test.".into()),
    );
    assert_eq!(record_from_package(&after, &schema), expected);
    let ids = |p: &Map<String, Value>| -> Vec<Value> {
        p["resources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].clone())
            .collect()
    };
    assert_eq!(ids(&after), ids(&before));
    // And a second run has nothing to send.
    let (again, _) = patch::prepare_update(&client, &doc, &schema, Basis::file_wins())
        .await
        .unwrap();
    assert!(again.is_empty(), "{:?}", again.changes);
}

#[tokio::test]
async fn publish_then_patch_sends_nothing_though_the_catalogue_reshaped_values() {
    let Some(ckan) =
        Ckan::from_env("publish_then_patch_sends_nothing_though_the_catalogue_reshaped_values")
    else {
        return;
    };
    let schema = Schema::embedded();
    let (name, text) = ckan.record("reshaped");
    let text = with_reshaped_values(&text, &name);
    assert!(check(&yaml(&text), &schema).is_empty(), "{text}");
    let (published_text, id) = published(&ckan, &text).await;
    let client = ckan.client();
    let stored = client.package_show(&id).await.unwrap();
    // The catalogue did reshape each value (if it stops, this test no longer proves much).
    let first = &stored["resources"][0];
    assert_eq!(stored["title"], format!("Integration test {name}"));
    assert_eq!(first["url"], "https://example.invalid/samples.csv");
    assert_eq!(first["last_modified"], "2024-01-15T00:00:00");
    assert_eq!(first["json_table_schema"]["fields"][0]["name"], "station");
    assert_eq!(
        first["iso_topic_category"],
        serde_json::json!(["inlandWaters"])
    );
    assert_eq!(
        stored["contacts"][0]["displayed"],
        serde_json::json!(["displayed"])
    );
    // Unchanged: nothing to send, with the resource ids written back and without them.
    let without_resource_ids = format!("id: {id}\n{text}");
    for file in [&published_text, &without_resource_ids] {
        let (plan, _) = patch::prepare_update(&client, &yaml(file), &schema, Basis::file_wins())
            .await
            .unwrap();
        assert!(plan.is_empty(), "{:?}\n{file}", plan.changes);
    }
    // One field changed: exactly that field is sent, and then nothing again.
    let edited = published_text.replace("Second paragraph.", "Second paragraph, edited.");
    let doc = yaml(&edited);
    let (plan, package) = patch::prepare_update(&client, &doc, &schema, Basis::file_wins())
        .await
        .unwrap();
    assert_eq!(plan.body.keys().collect::<Vec<_>>(), ["id", "notes"]);
    let (patched, _) =
        patch::send_update(&client, &plan, &package, &doc, &schema, Basis::file_wins())
            .await
            .unwrap();
    assert!(patched.not_stored.is_empty(), "{:?}", patched.not_stored);
    let (again, _) = patch::prepare_update(&client, &doc, &schema, Basis::file_wins())
        .await
        .unwrap();
    assert!(again.is_empty(), "{:?}", again.changes);
    let after = client.package_show(&id).await.unwrap();
    assert_eq!(resource_ids(&after), resource_ids(&stored));
}

#[tokio::test]
async fn a_published_json_record_gets_its_ids_and_patches_one_field() {
    let Some(ckan) = Ckan::from_env("a_published_json_record_gets_its_ids_and_patches_one_field")
    else {
        return;
    };
    let schema = Schema::embedded();
    let (name, yaml_text) = ckan.record("json");
    let record = yaml(&with_reshaped_values(&yaml_text, &name))
        .root()
        .unwrap()
        .to_json();
    let text = serde_json::to_string_pretty(&record).unwrap() + "\n";
    let doc = Document::parse(&text, Format::Json);
    let published = publish::publish(&ckan.client(), &doc, &schema)
        .await
        .unwrap();
    let text_with_ids = apply_edits(&text, &published.edits);
    // Only the ids were added: the record's and each resource's, first in their objects.
    let with_ids: Value = serde_json::from_str(&text_with_ids).unwrap();
    let stored = ckan.client().package_show(&published.id).await.unwrap();
    let mut expected = record.clone();
    expected["id"] = Value::String(published.id.clone());
    for (i, rid) in resource_ids(&stored).into_iter().enumerate() {
        expected["resources"][i]["id"] = Value::String(rid);
    }
    assert_eq!(with_ids, expected);
    assert!(text_with_ids.starts_with(&format!("{{\n  \"id\": \"{}\",\n", published.id)));
    let client = ckan.client();
    let doc = Document::parse(&text_with_ids, Format::Json);
    let (plan, _) = patch::prepare_update(&client, &doc, &schema, Basis::file_wins())
        .await
        .unwrap();
    assert!(plan.is_empty(), "{:?}", plan.changes);
    let edited = text_with_ids.replace("\"Test the round trip.\"", "\"Edited.\"");
    let (plan, _) = patch::prepare_update(
        &client,
        &Document::parse(&edited, Format::Json),
        &schema,
        Basis::file_wins(),
    )
    .await
    .unwrap();
    assert_eq!(plan.body.keys().collect::<Vec<_>>(), ["id", "purpose"]);
}

#[tokio::test]
async fn resource_ids_never_change_through_a_patch() {
    let Some(ckan) = Ckan::from_env("resource_ids_never_change_through_a_patch") else {
        return;
    };
    let (_, text) = ckan.record("resource-ids");
    let (text, id) = published(&ckan, &text).await;
    let client = ckan.client();
    let ids = resource_ids(&client.package_show(&id).await.unwrap());
    // A changed resource field, in a file with the ids written back.
    let changed = text.replace("    format: json\n", "    format: geojson\n");
    assert_eq!(update_resources(&client, &changed).await, ids);
    // The same resources in the other order: the ids move with them.
    let (head, items) = resource_items(&changed);
    let swapped = format!("{head}{}{}", items[1], items[0]);
    assert_eq!(
        update_resources(&client, &swapped).await,
        [ids[1].clone(), ids[0].clone()]
    );
    // A file without resource ids (matched by name and position), a field changed.
    let (head, items) = resource_items(&changed);
    let without_ids: String = items
        .iter()
        .map(|item| format!("  - {}", item.split_once("\n    ").unwrap().1))
        .collect();
    let edited = format!("{head}{without_ids}").replace("    format: csv\n", "    format: txt\n");
    assert_eq!(update_resources(&client, &edited).await, ids);
}

/// Patches a change to the resources; the stored resource ids after it.
async fn update_resources(client: &CatalogueClient, text: &str) -> Vec<String> {
    let schema = Schema::embedded();
    let doc = yaml(text);
    let (plan, package) = patch::prepare_update(client, &doc, &schema, Basis::file_wins())
        .await
        .unwrap();
    assert_eq!(plan.fields(), ["resources"]);
    let (patched, _) =
        patch::send_update(client, &plan, &package, &doc, &schema, Basis::file_wins())
            .await
            .unwrap();
    assert!(patched.not_stored.is_empty(), "{:?}", patched.not_stored);
    resource_ids(&client.package_show(&patched.id).await.unwrap())
}

/// A YAML record's text up to and including `resources:\n`, and each resource's lines
/// (`  - ...` and what follows, up to the next item).
fn resource_items(text: &str) -> (String, Vec<String>) {
    let (head, rest) = text.split_once("resources:\n").unwrap();
    let items = rest
        .split_inclusive('\n')
        .fold(Vec::<String>::new(), |mut items, line| {
            match items.last_mut() {
                Some(item) if !line.starts_with("  - ") => item.push_str(line),
                _ => items.push(line.to_string()),
            }
            items
        });
    (format!("{head}resources:\n"), items)
}

#[tokio::test]
async fn pull_then_check_then_patch_is_a_no_op() {
    let Some(ckan) = Ckan::from_env("pull_then_check_then_patch_is_a_no_op") else {
        return;
    };
    let schema = Schema::embedded();
    let (name, text) = ckan.record("pull");
    published(&ckan, &text).await;
    let client = ckan.client();
    for format in [Format::Yaml, Format::Json] {
        let pulled = pull::pull(&client, &name, format, &schema).await.unwrap();
        let doc = Document::parse(&pulled.text, format);
        let diagnostics = check(&doc, &schema);
        assert!(diagnostics.is_empty(), "{diagnostics:#?}\n{}", pulled.text);
        let (plan, _) = patch::prepare_update(&client, &doc, &schema, Basis::file_wins())
            .await
            .unwrap();
        assert!(plan.is_empty(), "{:?}\n{}", plan.changes, pulled.text);
    }
}

#[tokio::test]
async fn bad_key_and_no_key() {
    let Some(ckan) = Ckan::from_env("bad_key_and_no_key") else {
        return;
    };
    let schema = Schema::embedded();
    let (name, text) = ckan.record("badkey");
    let doc = yaml(&text);
    let secret = "not-a-real-token-5f2d9a";
    let err = publish::publish(&ckan.client_with(ApiKey::new(secret)), &doc, &schema)
        .await
        .unwrap_err();
    let WorkflowError::Catalogue { error, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(
        matches!(
            error,
            CatalogueError::Auth {
                problem: AuthProblem::KeyRejected,
                ..
            }
        ),
        "{error:?}"
    );
    for shown in [err.to_string(), format!("{err:?}")] {
        assert!(!shown.contains(secret), "{shown}");
    }
    let err = publish::publish(&ckan.client_with(None), &doc, &schema)
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("no API key is configured"),
        "{err}"
    );
    // Nothing was created.
    let missing = ckan.client().package_show(&name).await.unwrap_err();
    assert!(
        matches!(missing, CatalogueError::NotFound { .. }),
        "{missing:?}"
    );
}

#[tokio::test]
async fn unknown_id_says_wrong_catalogue() {
    let Some(ckan) = Ckan::from_env("unknown_id_says_wrong_catalogue") else {
        return;
    };
    let err = ckan
        .client()
        .package_show("bcdc-lsp-no-such-record")
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("unknown id \"bcdc-lsp-no-such-record\""),
        "{text}"
    );
    assert!(text.contains("wrong catalogue?"), "{text}");
    let (_, record) = ckan.record("unknown");
    let record = format!("id: 00000000-0000-4000-8000-000000000000\n{record}");
    let err = patch::prepare_update(
        &ckan.client(),
        &yaml(&record),
        &Schema::embedded(),
        Basis::file_wins(),
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("wrong catalogue?"), "{err}");
}

#[tokio::test]
async fn published_state_is_rejected_locally() {
    let Some(ckan) = Ckan::from_env("published_state_is_rejected_locally") else {
        return;
    };
    let (name, text) = ckan.record("state");
    let text = text.replace("publish_state: DRAFT", "publish_state: PUBLISHED");
    let err = publish::publish(&ckan.client(), &yaml(&text), &Schema::embedded())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            WorkflowError::Invalid { .. } | WorkflowError::Refused(_)
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("DRAFT"), "{err}");
    let missing = ckan.client().package_show(&name).await.unwrap_err();
    assert!(
        matches!(missing, CatalogueError::NotFound { .. }),
        "{missing:?}"
    );
}

//! Publish / update / pull workflows against the raw-HTTP fake: refusals that send
//! nothing, no duplicate after a lost reply, and one workflow per file at a time.

mod catalogue_fake;

use std::time::Duration;

use bcdc_lsp::catalogue::{
    patch, publish, pull, ApiKey, Basis, Catalogue, CatalogueClient, ClientOptions, FileLocks,
    WorkflowError,
};
use bcdc_lsp::schema::Schema;
use bcdc_lsp::syntax::{Document, Format};
use catalogue_fake::{json, ok, start, Behaviour};
use serde_json::{json, Value};

const RECORD: &str = r#"# A record for the workflow tests
type: bcdc_dataset
name: workflow-test
title: Workflow test
owner_org: lsp-test-org
notes: Created by the workflow tests.
license_id: "2"
publish_state: DRAFT
security_class: PUBLIC
view_audience: Public
download_audience: Public
metadata_visibility: Public
resource_status: onGoing
tag_string: lsp, test
contacts:
  - name: Jane Doe
    email: jane.doe@example.invalid
    org: lsp-test-org
    role: pointOfContact
    displayed: [displayed]
"#;

const ID: &str = "5d9c2c0e-1a7b-4f7e-9d55-0c8d3f1b2a61";

fn client(url: &str) -> CatalogueClient {
    let options = ClientOptions {
        connect_timeout: Duration::from_secs(2),
        timeout: Duration::from_millis(600),
    };
    CatalogueClient::with_options(
        Catalogue::parse(url).unwrap(),
        ApiKey::new("test-key"),
        options,
    )
    .unwrap()
}

/// What the catalogue stores for RECORD.
fn stored() -> Value {
    json!({
        "id": ID, "name": "workflow-test", "type": "bcdc_dataset", "title": "Workflow test",
        "notes": "Created by the workflow tests.", "owner_org": "c46e",
        "organization": {"id": "c46e", "name": "lsp-test-org"},
        "license_id": "2", "publish_state": "DRAFT", "security_class": "PUBLIC",
        "view_audience": "Public", "download_audience": "Public", "metadata_visibility": "Public",
        "resource_status": "onGoing",
        "tags": [{"name": "lsp"}, {"name": "test"}],
        "contacts": [{"displayed": ["displayed"], "email": "jane.doe@example.invalid",
                      "name": "Jane Doe", "org": "lsp-test-org", "role": "pointOfContact"}],
        "resources": [], "private": false, "state": "active", "num_tags": 2,
        "metadata_created": "2026-11-26T22:56:36", "author": null
    })
}

fn not_found() -> Behaviour {
    json(
        404,
        r#"{"success": false, "error": {"__type": "Not Found Error", "message": "Not found"}}"#,
    )
}

fn doc(text: &str) -> Document {
    Document::parse(text, Format::Yaml)
}

#[tokio::test]
async fn publish_creates_and_returns_the_id_edit() {
    let fake = start(vec![not_found(), ok(stored())]).await;
    let c = client(&fake.url);
    let published = publish::publish(&c, &doc(RECORD), &Schema::embedded())
        .await
        .unwrap();
    assert_eq!(published.id, ID);
    assert!(!published.adopted);
    assert_eq!(published.url, format!("{}/dataset/workflow-test", fake.url));
    let new_text = bcdc_lsp::catalogue::apply_edits(RECORD, &published.edits);
    assert_eq!(
        new_text,
        RECORD.replacen(
            "type: bcdc_dataset",
            &format!("id: {ID}\ntype: bcdc_dataset"),
            1
        )
    );
    let requests = fake.requests();
    assert_eq!(
        requests[0].target,
        "/api/3/action/package_show?id=workflow-test"
    );
    assert_eq!(requests[1].target, "/api/3/action/package_create");
    let body: Value = serde_json::from_slice(&requests[1].body).unwrap();
    assert_eq!(body["tag_string"], "lsp, test");
    assert_eq!(body["type"], "bcdc_dataset");
}

#[tokio::test]
async fn lost_reply_is_checked_and_adopted_not_created_twice() {
    // The create times out, but the catalogue did create it: the follow-up look-up finds it.
    let fake = start(vec![not_found(), Behaviour::Hang, ok(stored())]).await;
    let published = publish::publish(&client(&fake.url), &doc(RECORD), &Schema::embedded())
        .await
        .unwrap();
    assert!(published.adopted);
    assert_eq!(published.id, ID);
    let creates = fake
        .requests()
        .iter()
        .filter(|r| r.target.ends_with("package_create"))
        .count();
    assert_eq!(creates, 1);
}

#[tokio::test]
async fn retry_after_unknown_outcome_adopts_instead_of_creating() {
    // First run: create times out and the look-up fails too: the error says so.
    let fake = start(vec![not_found(), Behaviour::Hang, Behaviour::Hang]).await;
    let err = publish::publish(&client(&fake.url), &doc(RECORD), &Schema::embedded())
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("no reply from"), "{text}");
    assert!(text.contains("will not be created twice"), "{text}");
    // Second run: the record exists now; no second create is sent.
    let fake = start(vec![ok(stored())]).await;
    let published = publish::publish(&client(&fake.url), &doc(RECORD), &Schema::embedded())
        .await
        .unwrap();
    assert!(published.adopted);
    assert_eq!(fake.requests().len(), 1);
    assert!(published.message("test").contains("already existed"));
}

#[tokio::test]
async fn another_dataset_with_the_name_stops_publish() {
    let mut other = stored();
    other["title"] = json!("Someone else's record");
    let fake = start(vec![ok(other)]).await;
    let err = publish::publish(&client(&fake.url), &doc(RECORD), &Schema::embedded())
        .await
        .unwrap_err();
    assert!(matches!(err, WorkflowError::Refused(_)), "{err:?}");
    assert!(
        err.to_string().contains("a different dataset named"),
        "{err}"
    );
    assert_eq!(fake.requests().len(), 1, "nothing was created");
}

#[tokio::test]
async fn refusals_send_nothing() {
    let fake = start(vec![]).await;
    let c = client(&fake.url);
    let schema = Schema::embedded();
    let cases = [
        (
            RECORD.replace("publish_state: DRAFT", "publish_state: PUBLISHED"),
            "DRAFT",
        ),
        (format!("id: {ID}\n{RECORD}"), "already has id"),
        (
            RECORD.replace("security_class: PUBLIC", "security_class: SECRET"),
            "error",
        ),
    ];
    for (text, expected) in cases {
        let err = publish::publish(&c, &doc(&text), &schema)
            .await
            .unwrap_err();
        assert!(err.to_string().contains(expected), "{err}");
    }
    let err = patch::prepare_update(&c, &doc(RECORD), &schema, Basis::file_wins())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("use Publish"), "{err}");
    assert!(fake.requests().is_empty());
}

#[tokio::test]
async fn invalid_record_lists_problems_by_line() {
    let text = RECORD.replace("security_class: PUBLIC", "security_class: SECRET");
    let fake = start(vec![]).await;
    let err = publish::publish(&client(&fake.url), &doc(&text), &Schema::embedded())
        .await
        .unwrap_err();
    let WorkflowError::Invalid { problems } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(problems[0].line, 9);
    assert_eq!(problems[0].pointer, "/security_class");
}

#[tokio::test]
async fn catalogue_409_lands_on_the_lines() {
    let reply = json!({"success": false, "error": {"__type": "Validation Error",
        "owner_org": ["Organization does not exist"],
        "contacts": [{"email": ["Missing value"]}]}});
    let fake = start(vec![not_found(), json(409, &reply.to_string())]).await;
    let err = publish::publish(&client(&fake.url), &doc(RECORD), &Schema::embedded())
        .await
        .unwrap_err();
    let WorkflowError::Catalogue { problems, .. } = &err else {
        panic!("{err:?}")
    };
    let lines: Vec<(usize, &str)> = problems
        .iter()
        .map(|p| (p.line, &RECORD[p.range.clone()]))
        .collect();
    assert_eq!(
        lines,
        [(5, "lsp-test-org"), (17, "jane.doe@example.invalid")]
    );
}

#[tokio::test]
async fn name_taken_by_an_invisible_dataset_says_so() {
    let denied = r#"{"success": false, "error": {"__type": "Authorization Error", "message": "Access denied: User jane not authorized to read package x"}}"#;
    let taken = r#"{"success": false, "error": {"__type": "Validation Error", "name": ["That URL is already in use."]}}"#;
    let fake = start(vec![json(403, denied), json(409, taken)]).await;
    let err = publish::publish(&client(&fake.url), &doc(RECORD), &Schema::embedded())
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("name: That URL is already in use."), "{text}");
    assert!(text.contains("choose another name"), "{text}");
}

#[tokio::test]
async fn a_create_reply_without_id_is_an_error_not_an_empty_id() {
    let mut reply = stored();
    reply.as_object_mut().unwrap().remove("id");
    let fake = start(vec![not_found(), ok(reply)]).await;
    let err = publish::publish(&client(&fake.url), &doc(RECORD), &Schema::embedded())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("has no id"), "{err}");
}

#[tokio::test]
async fn update_sends_only_the_changed_field() {
    // package_show to plan, again just before sending (unchanged), then package_patch
    let fake = start(vec![ok(stored()), ok(stored()), ok(stored())]).await;
    let c = client(&fake.url);
    let schema = Schema::embedded();
    let text = format!("id: {ID}\n{RECORD}")
        .replace("notes: Created by the workflow tests.", "notes: Changed.");
    let d = doc(&text);
    let (plan, package) = patch::prepare_update(&c, &d, &schema, Basis::file_wins())
        .await
        .unwrap();
    assert_eq!(plan.fields(), ["notes"]);
    let (patched, _) = patch::send_update(&c, &plan, &package, &d, &schema, Basis::file_wins())
        .await
        .unwrap();
    assert_eq!(patched.fields, ["notes"]);
    // The fake stores nothing, so the catalogue "kept" the old notes: reported.
    assert_eq!(patched.not_stored, ["notes"]);
    let body: Value = serde_json::from_slice(&fake.requests()[2].body).unwrap();
    assert_eq!(body, json!({"id": ID, "notes": "Changed."}));
}

#[tokio::test]
async fn deleted_record_is_not_updated() {
    let mut deleted = stored();
    deleted["state"] = json!("deleted");
    let fake = start(vec![ok(deleted)]).await;
    let err = patch::prepare_update(
        &client(&fake.url),
        &doc(&format!("id: {ID}\n{RECORD}")),
        &Schema::embedded(),
        Basis::file_wins(),
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("is deleted on"), "{err}");
}

#[tokio::test]
async fn nothing_changed_sends_nothing() {
    let fake = start(vec![ok(stored())]).await;
    let c = client(&fake.url);
    let schema = Schema::embedded();
    let d = doc(&format!("id: {ID}\n{RECORD}"));
    let (plan, package) = patch::prepare_update(&c, &d, &schema, Basis::file_wins())
        .await
        .unwrap();
    assert!(plan.is_empty(), "{:?}", plan.changes);
    let (patched, _) = patch::send_update(&c, &plan, &package, &d, &schema, Basis::file_wins())
        .await
        .unwrap();
    assert!(patched.message("test").contains("nothing to send"));
    assert_eq!(fake.requests().len(), 1);
}

#[tokio::test]
async fn pull_gives_a_file_that_checks_clean() {
    let fake = start(vec![ok(stored())]).await;
    let schema = Schema::embedded();
    let pulled = pull::pull(&client(&fake.url), "workflow-test", Format::Yaml, &schema)
        .await
        .unwrap();
    let d = doc(&pulled.text);
    assert!(
        bcdc_lsp::check::check(&d, &schema).is_empty(),
        "{}",
        pulled.text
    );
    assert!(
        patch::plan_patch(d.root().unwrap(), stored().as_object().unwrap(), &schema).is_empty()
    );
}

#[tokio::test]
async fn second_publish_of_the_same_file_is_refused_while_the_first_runs() {
    let locks = FileLocks::default();
    let first = locks.try_lock("file:///work/r.bcdc.yaml").unwrap();
    let second = locks.try_lock("file:///work/r.bcdc.yaml").unwrap_err();
    assert!(matches!(second, WorkflowError::Busy(_)));
    assert!(second.to_string().contains("already running"));
    drop(first);
    assert!(locks.try_lock("file:///work/r.bcdc.yaml").is_ok());
}

/// The language server runs workflows on spawned tasks: their futures must be Send.
#[test]
fn workflow_futures_are_send() {
    fn assert_send<T: Send>(_: &T) {}
    let client = client("http://127.0.0.1:9");
    let schema = Schema::embedded();
    let d = doc(RECORD);
    assert_send(&publish::publish(&client, &d, &schema));
    assert_send(&patch::prepare_update(
        &client,
        &d,
        &schema,
        Basis::file_wins(),
    ));
    assert_send(&pull::pull(&client, "x", Format::Yaml, &schema));
    let plan = patch::plan_patch(d.root().unwrap(), stored().as_object().unwrap(), &schema);
    let package = stored().as_object().unwrap().clone();
    assert_send(&patch::send_update(
        &client,
        &plan,
        &package,
        &d,
        &schema,
        Basis::file_wins(),
    ));
}

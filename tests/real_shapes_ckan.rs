//! The legacy shapes of a real record (tests/real/bcdc/records/bc-route-planner.json) that
//! tests/real/bcdc/expected.json calls true findings, sent to a real CKAN 2.11 with the BCDC
//! schema (the local test catalogue) inside an otherwise valid record: repeating fields as
//! JSON text are refused, a key that is no field is dropped. Needs BCDC_TEST_CKAN_URL,
//! BCDC_TEST_CKAN_TOKEN and BCDC_TEST_CKAN_ORG; each test says so and passes without doing
//! anything when they are unset. Every dataset a test creates is purged when it ends.

mod common;

use common::ckan::Ckan;
use serde_json::{json, Value};

/// A valid record named `name`, as the API takes it.
fn valid(ckan: &Ckan, name: &str) -> Value {
    json!({
        "type": "bcdc_dataset",
        "name": name,
        "title": format!("Shape test {name}"),
        "owner_org": ckan.org,
        "notes": "Made by tests/real_shapes_ckan.rs.",
        "license_id": "2",
        "publish_state": "DRAFT",
        "security_class": "PUBLIC",
        "view_audience": "Public",
        "download_audience": "Public",
        "metadata_visibility": "Public",
        "resource_status": "onGoing",
        "tag_string": "lsp, shape test",
        "contacts": [{"name": "Jane Doe", "email": "jane.doe@example.invalid", "org": ckan.org,
                      "role": "pointOfContact", "displayed": ["displayed"]}],
        "dates": [{"type": "Created", "date": "2024-01-15"}],
        "more_info": [{"description": "Project page", "url": "https://example.invalid/lsp"}],
        "resources": [{
            "name": "Samples API", "url": "https://example.invalid/api", "bcdc_type": "webservice",
            "resource_update_cycle": "continual", "format": "json",
            "resource_storage_location": "web or ftp site", "resource_type": "data",
            "resource_access_method": "service", "projection_name": "epsg3005"
        }]
    })
}

fn route_planner() -> Value {
    serde_json::from_str(include_str!("real/bcdc/records/bc-route-planner.json")).unwrap()
}

#[test]
fn repeating_fields_stored_as_json_text_are_refused() {
    let Some(ckan) = Ckan::from_env("repeating_fields_stored_as_json_text_are_refused") else {
        return;
    };
    let old = route_planner();
    let name = ckan.name("lsp-shape-ok");
    ckan.call("package_create", valid(&ckan, &name))
        .unwrap_or_else(|e| panic!("the valid record is refused: {e}"));
    for pointer in [
        "/contacts",
        "/dates",
        "/more_info",
        "/resources/0/temporal_extent",
    ] {
        let name = ckan.name("lsp-shape");
        let mut body = valid(&ckan, &name);
        let text = old.pointer(pointer).unwrap().clone();
        assert!(text.is_string(), "{pointer}");
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        body.pointer_mut(parent).unwrap()[key] = text;
        let err = ckan
            .call("package_create", body)
            .expect_err(&format!("{pointer} as JSON text is taken"));
        let message = err["error"]["message"].as_str().unwrap_or_default();
        assert!(
            message.contains("Only lists of dicts can be placed against subschema"),
            "{pointer}: {err}"
        );
    }
}

#[test]
fn a_top_level_key_that_is_no_field_is_dropped() {
    let Some(ckan) = Ckan::from_env("a_top_level_key_that_is_no_field_is_dropped") else {
        return;
    };
    let name = ckan.name("lsp-shape-extra");
    let mut body = valid(&ckan, &name);
    body["extSource"] = route_planner()["extSource"].clone();
    let created = ckan
        .call("package_create", body)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(created["name"], name.as_str());
    assert!(created.get("extSource").is_none(), "{created}");
    let extras = created["extras"].as_array().cloned().unwrap_or_default();
    assert!(
        !extras.iter().any(|e| e["key"] == "extSource"),
        "{extras:?}"
    );
}

/// bc-route-planner's webservice resource has no `projection_name`. The schema makes it
/// required for that `bcdc_type` (conditional_field), but on a resource the condition does
/// not fire on the server (bcdc-api-notes.md §2.1.4): only BCDC's form demands it, as it
/// does `title` and `tag_string`. The corpus counts the finding as true by that standard.
#[test]
fn a_resource_condition_binds_the_form_only() {
    let Some(ckan) = Ckan::from_env("a_resource_condition_binds_the_form_only") else {
        return;
    };
    let name = ckan.name("lsp-shape-projection");
    let mut body = valid(&ckan, &name);
    body["resources"][0]["projection_name"] =
        route_planner()["resources"][0]["projection_name"].clone();
    let created = ckan
        .call("package_create", body)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(created["resources"][0]["projection_name"], "");
}

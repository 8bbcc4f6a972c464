//! `schema::ckan_core` against the real local CKAN 2.11 with the BCDC schema: what the
//! model says CKAN does with a key that is not a field of the portal's schema (kept,
//! output-only, dropped) is what `package_show` returns after a `package_create`; and a
//! record shaped like production ones (CKAN's own fields filled in, a group, an extra,
//! resource extras) pulls into a file that checks with only its true problems and that
//! a patch right after leaves alone.
//!
//! Needs BCDC_TEST_CKAN_URL, BCDC_TEST_CKAN_TOKEN and BCDC_TEST_CKAN_ORG (skips without).
//! Everything created is purged, also when a test fails. The portal's CKAN version, cached
//! and used stale when the portal cannot be reached, is shown with an in-process fake.

mod catalogue_fake;
mod common;

use bcdc_lsp::catalogue::{patch, portal_schema, pull, Basis};
use bcdc_lsp::check::{check, Code};
use bcdc_lsp::schema::ckan_core::{self, CkanVersion, KeyClass};
use bcdc_lsp::schema::Schema;
use bcdc_lsp::syntax::{Document, Format};
use common::ckan::Ckan;
use serde_json::{json, Map, Value};

/// A group made for one test, purged when the test ends (groups are not in
/// `common::ckan`'s guard).
struct Group<'a> {
    ckan: &'a Ckan,
    name: String,
}

impl<'a> Group<'a> {
    fn new(ckan: &'a Ckan) -> Group<'a> {
        // `name` only registers the dataset-style unique name; the group is purged here
        let name = ckan.name("lsp-core-group");
        ckan.call("group_create", json!({"name": name, "title": name}))
            .unwrap_or_else(|e| panic!("group_create {name}: {e}"));
        Group { ckan, name }
    }
}

impl Drop for Group<'_> {
    fn drop(&mut self) {
        let _ = self.ckan.call("group_purge", json!({ "id": self.name }));
    }
}

/// A valid BCDC record body with CKAN's own fields, keys no schema knows, values for
/// computed keys, and resources with core fields and made-up keys.
fn body(ckan: &Ckan, name: &str, group: &str) -> Map<String, Value> {
    let org = &ckan.org;
    let resource = |name: &str, bcdc_type: &str| {
        json!({
            "name": name, "url": "https://example.invalid/data.csv",
            "bcdc_type": bcdc_type, "resource_update_cycle": "monthly", "format": "csv",
            "resource_storage_location": "web or ftp site", "resource_type": "data",
            "resource_access_method": "direct access",
            // CKAN's own resource fields the BCDC form does not show
            "url_type": "api", "mimetype": "text/csv", "size": 42, "hash": "abc",
            // keys no schema knows: resource extras
            "ofi": "true", "isUrl": "true", "timestamp": "2020-01-01T00:00:00",
            // computed: CKAN sets its own
            "position": 7, "package_id": "not-this-one"
        })
    };
    json!({
        "type": "bcdc_dataset", "name": name, "title": format!("Core fields {name}"),
        "owner_org": org, "notes": "Made by tests/ckan_core_ckan.rs.", "license_id": "2",
        "publish_state": "DRAFT", "security_class": "PUBLIC", "view_audience": "Public",
        "download_audience": "Public", "metadata_visibility": "Public",
        "resource_status": "onGoing", "tag_string": "lsp,core",
        "contacts": [{"name": "Jane Doe", "email": "jane.doe@example.invalid", "org": org,
                      "role": "pointOfContact", "displayed": ["displayed"]}],
        "dates": [{"type": "Created", "date": "2024-01-15"}],
        // CKAN's own package fields (BCDC stores a user id in `author`)
        "author": "0f0e0d0c-user-id", "author_email": "author@example.invalid",
        "maintainer": "Maintainer", "maintainer_email": "m@example.invalid",
        "url": "https://example.invalid/home", "version": "1.2",
        "extras": [{"key": "old_schema_field", "value": "still here"}],
        "groups": [{"name": group}],
        // in neither schema
        "made_up_key": "x", "description": "not the dataset's text",
        // computed by the catalogue
        "num_resources": 99, "metadata_created": "2000-01-01T00:00:00",
        "num_tags": 99, "isopen": "maybe",
        "resources": [resource("Data", "document")]
    })
    .as_object()
    .unwrap()
    .clone()
}

/// The class the model gives a key of an object, or `None` for the portal's fields.
fn class_of(schema: &Schema, key: &str, resource: bool) -> Option<KeyClass> {
    let fields = if resource {
        &schema.resource_fields
    } else {
        &schema.dataset_fields
    };
    if fields.iter().any(|f| f.name == key) {
        return None;
    }
    Some(if resource {
        ckan_core::resource_key(key)
    } else {
        ckan_core::dataset_key(schema.ckan, key)
    })
}

/// Checks what came back of `sent` (one object) against the model.
fn assert_classes(
    schema: &Schema,
    sent: &Map<String, Value>,
    stored: &Map<String, Value>,
    resource: bool,
) {
    for (key, value) in sent {
        match class_of(schema, key, resource) {
            Some(KeyClass::Kept) if key == "groups" => {
                assert_eq!(stored[key][0]["name"], value[0]["name"], "{key}")
            }
            Some(KeyClass::Kept) if key == "resources" => {}
            Some(KeyClass::Kept) => {
                // CKAN keeps it; numbers of a resource extra come back as sent
                let back = stored.get(key).unwrap_or(&Value::Null);
                let same = back == value || back.as_str() == Some(&value.to_string());
                assert!(same, "{key}: sent {value}, got {back}");
            }
            Some(KeyClass::OutputOnly) => {
                // the catalogue computes it: present, and not what was sent
                let back = stored.get(key);
                assert!(back.is_some_and(|b| b != value), "{key}: {back:?}");
            }
            Some(KeyClass::Dropped | KeyClass::SysadminOnly) => {
                assert!(!stored.contains_key(key), "{key} was kept");
            }
            None => {}
        }
    }
    // every key the catalogue returns is a field, or one the model knows it returns
    for key in stored.keys() {
        let class = class_of(schema, key, resource);
        assert!(
            matches!(
                class,
                None | Some(KeyClass::Kept) | Some(KeyClass::OutputOnly)
            ),
            "{key} came back, but the model says {class:?}"
        );
        if !resource && !sent.contains_key(key) && class == Some(KeyClass::Kept) {
            // a core key nobody sent comes back empty (or as the catalogue set it)
            assert!(
                ["id", "state", "private", "tags"].contains(&key.as_str())
                    || stored[key].is_null()
                    || stored[key] == json!([]),
                "{key}: {}",
                stored[key]
            );
        }
    }
}

#[tokio::test]
async fn the_model_says_what_ckan_keeps_computes_and_drops() {
    let Some(ckan) = Ckan::from_env("the_model_says_what_ckan_keeps_computes_and_drops") else {
        return;
    };
    let group = Group::new(&ckan);
    let name = ckan.name("lsp-core-classes");
    let sent = body(&ckan, &name, &group.name);
    let created = ckan
        .call("package_create", Value::Object(sent.clone()))
        .unwrap_or_else(|e| panic!("package_create: {e}"));
    let schema = portal_schema(&ckan.client(), Some("bcdc_dataset"))
        .await
        .unwrap();
    // the local CKAN is 2.11: the portal's schema is laid over 2.11's
    assert_eq!(schema.ckan, CkanVersion::V2_11);
    let stored = ckan
        .client()
        .package_show(created["id"].as_str().unwrap())
        .await
        .unwrap();
    assert_classes(&schema, &sent, &stored, false);
    let sent_resource = sent["resources"][0].as_object().unwrap();
    let stored_resource = stored["resources"][0].as_object().unwrap();
    assert_classes(&schema, sent_resource, stored_resource, true);
    // the extras list keeps an older schema's key
    assert_eq!(
        stored["extras"],
        json!([{"key": "old_schema_field", "value": "still here"}])
    );
    // why a patch sends a changed resource's stored extras back: an update that leaves
    // one out drops it, while a core field left out stays
    let mut resource = stored_resource.clone();
    resource.remove("ofi");
    resource.remove("mimetype");
    let id = stored["id"].clone();
    let updated = ckan
        .call("package_patch", json!({"id": id, "resources": [resource]}))
        .unwrap_or_else(|e| panic!("package_patch: {e}"));
    assert!(updated["resources"][0].get("ofi").is_none());
    assert_eq!(updated["resources"][0]["isUrl"], "true");
    assert_eq!(updated["resources"][0]["mimetype"], "text/csv");
}

#[tokio::test]
async fn a_pulled_production_shaped_record_checks_true_problems_and_patches_nothing() {
    let Some(ckan) = Ckan::from_env(
        "a_pulled_production_shaped_record_checks_true_problems_and_patches_nothing",
    ) else {
        return;
    };
    let group = Group::new(&ckan);
    let name = ckan.name("lsp-core-pull");
    let mut sent = body(&ckan, &name, &group.name);
    sent.remove("made_up_key");
    sent.remove("description");
    // a true problem the API lets through: a web service without its projection
    let mut service = sent["resources"][0].clone();
    service["name"] = json!("Service");
    service["bcdc_type"] = json!("webservice");
    sent["resources"].as_array_mut().unwrap().push(service);
    ckan.call("package_create", Value::Object(sent))
        .unwrap_or_else(|e| panic!("package_create: {e}"));
    // as `bcdc-lsp pull` without --host: the embedded schema over CKAN 2.9
    let schema = Schema::embedded();
    let client = ckan.client();
    let pulled = pull::pull(&client, &name, Format::Yaml, &schema)
        .await
        .unwrap();
    let doc = Document::parse(&pulled.text, Format::Yaml);
    let problems: Vec<(Code, String)> = check(&doc, &schema)
        .into_iter()
        .map(|d| (d.code, d.pointer))
        .collect();
    assert_eq!(
        problems,
        [(
            Code::ConditionalRequired,
            "/resources/1/projection_name".to_string()
        )],
        "{}",
        pulled.text
    );
    for written in ["author:", "url:", "version:", "extras:", "ofi:", "isUrl:"] {
        assert!(pulled.text.contains(written), "{written}\n{}", pulled.text);
    }
    for left_out in ["groups:", "num_resources:", "position:", "package_id:"] {
        assert!(
            !pulled.text.contains(left_out),
            "{left_out}\n{}",
            pulled.text
        );
    }
    // patch right after pull: nothing to send
    let stored = client.package_show(&name).await.unwrap();
    let plan = patch::plan_patch(doc.root().unwrap(), &stored, &schema);
    assert!(plan.is_empty(), "{:?}", plan.changes);
    // without the true problem the whole update runs, and sends nothing
    let fixed = pulled.text.replacen(
        "    bcdc_type: webservice\n",
        "    bcdc_type: webservice\n    projection_name: epsg3005\n",
        1,
    );
    let doc = Document::parse(&fixed, Format::Yaml);
    let (plan, package) = patch::prepare_update(&client, &doc, &schema, Basis::file_wins())
        .await
        .unwrap();
    assert_eq!(plan.fields(), ["resources"]);
    let (patched, _) =
        patch::send_update(&client, &plan, &package, &doc, &schema, Basis::file_wins())
            .await
            .unwrap();
    assert!(patched.not_stored.is_empty(), "{patched:?}");
    let after = client.package_show(&name).await.unwrap();
    // what the file left out is as it was: the group, the extras, the resource extras
    assert_eq!(after["groups"][0]["name"], json!(group.name));
    assert_eq!(after["extras"], stored["extras"]);
    assert_eq!(after["resources"][0]["ofi"], "true");
    assert_eq!(after["resources"][1]["projection_name"], "epsg3005");
    let doc = Document::parse(&fixed, Format::Yaml);
    let (plan, _) = patch::prepare_update(&client, &doc, &schema, Basis::file_wins())
        .await
        .unwrap();
    assert!(plan.is_empty(), "{:?}", plan.changes);
}

/// `check --host`: the portal's schema is laid over its CKAN version from `status_show`
/// (2.10 here, where `plugin_data` is a sysadmin's key), cached with the schema; an old
/// copy still gives the version when the portal cannot be reached.
#[tokio::test]
async fn check_host_uses_the_portals_ckan_version_also_offline() {
    let schema: Value = serde_json::from_str(include_str!("../schema/bcdc_dataset.json")).unwrap();
    let licences: Value =
        serde_json::from_str(include_str!("../schema/bcdc_licenses.json")).unwrap();
    let fake = catalogue_fake::start(vec![
        catalogue_fake::ok(json!(["bcdc_dataset"])),
        catalogue_fake::ok(licences),
        catalogue_fake::ok(json!({"ckan_version": "2.10.3"})),
        catalogue_fake::ok(schema["result"].clone()),
    ])
    .await;
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("r.bcdc.yaml");
    let text = format!(
        "plugin_data:\n  harvest: x\n{}",
        include_str!("../examples/water-quality.bcdc.yaml")
    );
    std::fs::write(&record, text).unwrap();
    let run = |url: String| {
        let (cache, record) = (dir.path().to_path_buf(), record.clone());
        tokio::task::spawn_blocking(move || {
            std::process::Command::new(env!("CARGO_BIN_EXE_bcdc-lsp"))
                .args(["check", "--host", &url, "--format", "json"])
                .arg(&record)
                .env_remove("BCDC_API_KEY")
                .env("XDG_CACHE_HOME", &cache)
                .env("XDG_CONFIG_HOME", &cache)
                .output()
                .unwrap()
        })
    };
    let message = |output: &std::process::Output| {
        let report: Value =
            serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}: {output:?}"));
        let diagnostics = report["files"][0]["diagnostics"].clone();
        assert_eq!(diagnostics.as_array().unwrap().len(), 1, "{diagnostics}");
        diagnostics[0]["message"].as_str().unwrap().to_string()
    };
    let url = fake.url.clone();
    let online = run(url.clone()).await.unwrap();
    assert!(
        message(&online).contains("kept by CKAN 2.10 only when a sysadmin"),
        "{online:?}"
    );
    // the cached copy made old, and the portal gone: the stale copy keeps the version
    let cached = walk(dir.path())
        .into_iter()
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("portal"))
        })
        .expect("a cached portal schema");
    let mut copy: Value = serde_json::from_slice(&std::fs::read(&cached).unwrap()).unwrap();
    assert_eq!(copy["ckan_version"], "2.10.3");
    copy["fetched_at"] = json!(0);
    std::fs::write(&cached, copy.to_string()).unwrap();
    drop(fake);
    let offline = run(url).await.unwrap();
    assert!(
        message(&offline).contains("kept by CKAN 2.10 only when a sysadmin"),
        "{offline:?}"
    );
}

/// Every file under `dir`.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

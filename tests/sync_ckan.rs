//! Never overwrite someone else's edit: `patch`, `pull FILE` and the editor's update
//! command against the real local CKAN, while "someone else" changes the record with the
//! API in between (skipped, saying so, when the BCDC_TEST_CKAN_* variables are not set).

mod common;
#[path = "common/records.rs"]
mod records;
use common::ckan::Ckan;
use common::Lsp;
use records::{cli, ok, record};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A published record pulled into `<dir>/r.bcdc.yaml`, as an editor starts: the path and
/// the record's name.
fn pulled(ckan: &Ckan, dir: &Path, tag: &str) -> (PathBuf, String) {
    let name = ckan.name(&format!("lsp-sync-{tag}"));
    let scratch = dir.join("scratch.bcdc.yaml");
    std::fs::write(&scratch, record(&name, &ckan.org)).unwrap();
    ok(&cli(ckan, &["publish", scratch.to_str().unwrap()]));
    let file = dir.join("r.bcdc.yaml");
    ok(&cli(ckan, &["pull", &name, "-o", file.to_str().unwrap()]));
    (file, name)
}

fn show(ckan: &Ckan, name: &str) -> Value {
    ckan.call("package_show", json!({"id": name})).unwrap()
}

/// Someone else changes the record on the catalogue.
fn someone_patches(ckan: &Ckan, body: Value) {
    ckan.call("package_patch", body).unwrap();
}

fn edit(file: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(file).unwrap();
    assert!(text.contains(from), "{from} in {text}");
    std::fs::write(file, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn an_edit_made_on_the_catalogue_meanwhile_is_not_reverted() {
    let Some(ckan) = Ckan::from_env("an_edit_made_on_the_catalogue_meanwhile_is_not_reverted")
    else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (file, name) = pulled(&ckan, dir.path(), "lost");
    someone_patches(&ckan, json!({"id": name, "notes": "Their description."}));
    edit(&file, "title: Sync test", "title: My new title for");
    let out = ok(&cli(&ckan, &["patch", file.to_str().unwrap(), "--yes"]));
    assert!(out.contains("notes"), "says notes changed there: {out}");
    let now = show(&ckan, &name);
    assert_eq!(now["notes"], "Their description.", "their edit kept");
    assert!(now["title"]
        .as_str()
        .unwrap()
        .starts_with("My new title for"));
    // A second update has nothing to send, and still says the file lacks their change.
    let out = ok(&cli(&ckan, &["patch", file.to_str().unwrap(), "--yes"]));
    assert!(
        out.contains("nothing to send") && out.contains("notes"),
        "{out}"
    );
    // Pull takes their description into the file and keeps the file's title.
    ok(&cli(&ckan, &["pull", file.to_str().unwrap()]));
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("notes: Their description.\n"), "{text}");
    assert!(text.contains("title: My new title for"), "{text}");
    assert!(
        text.starts_with("# Pulled from"),
        "the comment kept: {text}"
    );
    let out = ok(&cli(&ckan, &["patch", file.to_str().unwrap(), "--yes"]));
    assert!(
        out.contains("nothing to send") && !out.contains("notes"),
        "{out}"
    );
}

#[test]
fn pull_into_a_locally_edited_file_keeps_the_edits_for_the_next_update() {
    let Some(ckan) =
        Ckan::from_env("pull_into_a_locally_edited_file_keeps_the_edits_for_the_next_update")
    else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (file, name) = pulled(&ckan, dir.path(), "pullkeep");
    someone_patches(&ckan, json!({"id": name, "notes": "Their description."}));
    edit(
        &file,
        "purpose: Test synchronisation.",
        "purpose: My purpose.",
    );
    ok(&cli(&ckan, &["pull", file.to_str().unwrap()]));
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("notes: Their description.\n"), "{text}");
    assert!(text.contains("purpose: My purpose.\n"), "{text}");
    let out = ok(&cli(&ckan, &["patch", file.to_str().unwrap(), "--yes"]));
    assert!(out.contains("updated") && out.contains("purpose"), "{out}");
    let now = show(&ckan, &name);
    assert_eq!(now["purpose"], "My purpose.");
    assert_eq!(now["notes"], "Their description.");
}

#[test]
fn a_field_changed_on_both_sides_stops_the_update_until_a_side_is_chosen() {
    let Some(ckan) =
        Ckan::from_env("a_field_changed_on_both_sides_stops_the_update_until_a_side_is_chosen")
    else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (file, name) = pulled(&ckan, dir.path(), "conflict");
    someone_patches(&ckan, json!({"id": name, "notes": "Their description."}));
    edit(&file, "notes: Made by", "notes: My description, made by");
    edit(&file, "title: Sync test", "title: My title");
    let path = file.to_str().unwrap();
    let before = show(&ckan, &name);
    let out = cli(&ckan, &["patch", path, "--yes"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("changed on both sides: notes"), "{err}");
    assert_eq!(
        show(&ckan, &name)["metadata_modified"],
        before["metadata_modified"],
        "nothing sent"
    );
    // --theirs: the title goes, their notes stay; pull --theirs takes them into the file.
    ok(&cli(&ckan, &["patch", path, "--yes", "--theirs"]));
    let now = show(&ckan, &name);
    assert_eq!(now["notes"], "Their description.");
    assert!(now["title"].as_str().unwrap().starts_with("My title"));
    let out = cli(&ckan, &["pull", path]);
    assert_eq!(out.status.code(), Some(1), "still a conflict for pull");
    ok(&cli(&ckan, &["pull", path, "--theirs"]));
    assert!(std::fs::read_to_string(&file)
        .unwrap()
        .contains("notes: Their description.\n"));
    // --mine: the file's value over theirs, when the user says so.
    someone_patches(&ckan, json!({"id": name, "purpose": "Their purpose."}));
    edit(&file, "purpose: Test", "purpose: My test");
    ok(&cli(&ckan, &["patch", path, "--yes", "--mine"]));
    assert_eq!(show(&ckan, &name)["purpose"], "My test synchronisation.");
}

#[test]
fn a_concurrent_edit_to_another_resource_or_field_of_it_is_kept() {
    let Some(ckan) = Ckan::from_env("a_concurrent_edit_to_another_resource_or_field_of_it_is_kept")
    else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (file, name) = pulled(&ckan, dir.path(), "resources");
    let stored = show(&ckan, &name);
    let (r0, r1) = (
        stored["resources"][0]["id"].as_str().unwrap().to_string(),
        stored["resources"][1]["id"].as_str().unwrap().to_string(),
    );
    // Someone edits the second resource, and another field of the first.
    ckan.call(
        "resource_patch",
        json!({"id": r1, "description": "Their API notes."}),
    )
    .unwrap();
    ckan.call(
        "resource_patch",
        json!({"id": r0, "url": "https://example.invalid/theirs.csv"}),
    )
    .unwrap();
    edit(&file, "format: csv", "format: xlsx");
    ok(&cli(&ckan, &["patch", file.to_str().unwrap(), "--yes"]));
    let now = show(&ckan, &name);
    let resources = now["resources"].as_array().unwrap();
    assert_eq!(resources.len(), 2);
    assert_eq!(resources[0]["id"], r0.as_str());
    assert_eq!(resources[0]["format"], "xlsx");
    assert_eq!(resources[0]["url"], "https://example.invalid/theirs.csv");
    assert_eq!(resources[1]["id"], r1.as_str());
    assert_eq!(resources[1]["description"], "Their API notes.");
}

#[test]
fn a_file_without_state_asks_before_reverting_a_newer_catalogue_change() {
    let Some(ckan) =
        Ckan::from_env("a_file_without_state_asks_before_reverting_a_newer_catalogue_change")
    else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (file, name) = pulled(&ckan, dir.path(), "nostate");
    std::fs::remove_dir_all(dir.path().join(".bcdc-sync")).unwrap();
    edit(&file, "title: Sync test", "title: My title");
    // The file was written before the catalogue's change.
    let touched = Command::new("touch")
        .args(["-d", "2000-01-01", file.to_str().unwrap()])
        .status()
        .unwrap();
    assert!(touched.success());
    someone_patches(&ckan, json!({"id": name, "notes": "Their description."}));
    let path = file.to_str().unwrap();
    let out = cli(&ckan, &["patch", path, "--yes"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no synchronisation state"), "{err}");
    assert!(err.contains("notes") && err.contains("title"), "{err}");
    assert_eq!(show(&ckan, &name)["notes"], "Their description.");
    // Written after the catalogue's change: the file's differences are its edits.
    edit(&file, "title: My title", "title: My later title");
    ok(&cli(&ckan, &["patch", path, "--yes"]));
    let now = show(&ckan, &name);
    assert!(now["title"].as_str().unwrap().starts_with("My later title"));
    // and from then on the file has a state.
    assert!(dir.path().join(".bcdc-sync/r.bcdc.yaml.json").exists());
}

#[test]
fn the_editors_update_command_keeps_an_edit_made_on_the_catalogue() {
    let Some(ckan) =
        Ckan::from_env("the_editors_update_command_keeps_an_edit_made_on_the_catalogue")
    else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (file, name) = pulled(&ckan, dir.path(), "lsp");
    someone_patches(&ckan, json!({"id": name, "notes": "Their description."}));
    let mut lsp = Lsp::start(
        json!({}),
        json!({"catalogue": ckan.url, "apiKey": ckan.token}),
    )
    .0;
    let uri = format!("file://{}", file.display());
    let text = std::fs::read_to_string(&file).unwrap().replacen(
        "title: Sync test",
        "title: Edited in the editor",
        1,
    );
    lsp.open(&uri, "yaml", &text);
    lsp.diagnostics(&uri);
    let result = lsp.request(
        "workspace/executeCommand",
        json!({"command": "bcdc.patch", "arguments": [uri, {"confirmed": true}]}),
    );
    assert_eq!(result["ok"], true, "{result:#}");
    assert_eq!(result["fields"], json!(["title"]), "{result:#}");
    assert_eq!(result["theirs"], json!(["notes"]), "{result:#}");
    let now = show(&ckan, &name);
    assert_eq!(now["notes"], "Their description.");
    assert!(now["title"]
        .as_str()
        .unwrap()
        .starts_with("Edited in the editor"));
    // Both sides changing one field: the command stops and names it.
    someone_patches(&ckan, json!({"id": name, "purpose": "Their purpose."}));
    let text = text.replacen("purpose: Test", "purpose: My test", 1);
    lsp.change(&uri, 2, json!([{"text": text}]));
    lsp.diagnostics_until(&uri, 2);
    let result = lsp.request(
        "workspace/executeCommand",
        json!({"command": "bcdc.patch", "arguments": [uri, {"confirmed": true}]}),
    );
    assert_eq!(result["ok"], false, "{result:#}");
    assert_eq!(result["conflicts"], json!(["purpose"]), "{result:#}");
    assert_eq!(show(&ckan, &name)["purpose"], "Their purpose.");
    // and a diagnostic on the field says so.
    let published = lsp.wait_for(|m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["diagnostics"].as_array().is_some_and(|d| {
                d.iter().any(|x| {
                    x["message"]
                        .as_str()
                        .is_some_and(|s| s.starts_with("`purpose` was changed on"))
                })
            })
    });
    let line = text
        .lines()
        .position(|l| l.starts_with("purpose:"))
        .unwrap();
    let diagnostic = published["params"]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| {
            x["message"]
                .as_str()
                .unwrap()
                .starts_with("`purpose` was changed on")
        })
        .unwrap()
        .clone();
    assert_eq!(diagnostic["range"]["start"]["line"], line, "{diagnostic:#}");
    assert_eq!(diagnostic["code"], "conflict", "{diagnostic:#}");
    assert!(diagnostic["message"]
        .as_str()
        .unwrap()
        .contains("Their purpose."));
    lsp.shutdown();
}

/// A resource added in the file, appended to its resources (YAML, after the last one).
const NEW_RESOURCE: &str = "  - name: Samples (XLSX)
    url: https://example.invalid/samples.xlsx
    bcdc_type: document
    resource_update_cycle: monthly
    format: xlsx
    resource_storage_location: web or ftp site
    resource_type: data
    resource_access_method: direct access
";

#[test]
fn a_resource_added_in_the_file_gets_its_id_written_back_by_patch_and_apply() {
    let Some(ckan) = Ckan::from_env("a_resource_added_in_the_file_gets_its_id_written_back") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (file, name) = pulled(&ckan, dir.path(), "newres");
    let before = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, format!("{before}{NEW_RESOURCE}")).unwrap();
    ok(&cli(&ckan, &["patch", file.to_str().unwrap(), "--yes"]));
    let stored = show(&ckan, &name);
    let added = stored["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "Samples (XLSX)")
        .expect("the new resource on the catalogue");
    let rid = added["id"].as_str().unwrap();
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(
        text,
        format!(
            "{before}{}",
            NEW_RESOURCE.replacen(
                "  - name: Samples (XLSX)",
                &format!("  - id: {rid}\n    name: Samples (XLSX)"),
                1
            )
        ),
        "only the new resource's id is added"
    );
    let plan = cli(&ckan, &["plan", file.to_str().unwrap()]);
    assert_eq!(plan.status.code(), Some(0), "{}", ok(&plan));

    // the same through apply, for a second new resource
    let before = text;
    let second = NEW_RESOURCE
        .replace("Samples (XLSX)", "Samples (ODS)")
        .replace("samples.xlsx", "samples.ods")
        .replace("format: xlsx", "format: txt");
    std::fs::write(&file, format!("{before}{second}")).unwrap();
    ok(&cli(&ckan, &["apply", file.to_str().unwrap(), "--yes"]));
    let text = std::fs::read_to_string(&file).unwrap();
    let stored = show(&ckan, &name);
    let rid = stored["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "Samples (ODS)")
        .and_then(|r| r["id"].as_str())
        .expect("the second resource on the catalogue")
        .to_string();
    assert!(
        text.ends_with(&second.replacen(
            "  - name: Samples (ODS)",
            &format!("  - id: {rid}\n    name: Samples (ODS)"),
            1
        )),
        "{text}"
    );
    let plan = cli(&ckan, &["plan", file.to_str().unwrap()]);
    assert_eq!(plan.status.code(), Some(0), "{}", ok(&plan));
}

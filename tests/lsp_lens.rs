//! The code lens and the conflict quick fixes through the language server, against the
//! real local CKAN, with someone else changing the record on the catalogue meanwhile
//! (`tests/harness/ckan`; skipped, saying so, when its BCDC_TEST_CKAN_* variables are not
//! set). Each record file is a real file, so that its synchronisation state is kept.

mod common;
use common::ckan::Ckan;
use common::{apply, Lsp, VALID};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn record(name: &str, org: &str) -> String {
    VALID
        .replace(
            "name: okanagan-lake-water-quality",
            &format!("name: {name}"),
        )
        .replace("lsp-test-org", org)
}

/// A server that asks the catalogue again every second and takes lens refreshes.
fn start(ckan: &Ckan) -> Lsp {
    Lsp::start(
        json!({"workspace": {"codeLens": {"refreshSupport": true}}}),
        json!({"catalogue": ckan.url, "apiKey": ckan.token, "catalogueRefreshSeconds": 1}),
    )
    .0
}

/// `text` written as `file` in a folder of its own, and opened in a new server: the
/// folder (removed when dropped), the file's path and URI, and the server.
fn open_record(ckan: &Ckan, file: &str, text: &str) -> (tempfile::TempDir, PathBuf, String, Lsp) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(file);
    let uri = format!("file://{}", path.display());
    std::fs::write(&path, text).unwrap();
    let mut lsp = start(ckan);
    lsp.open(&uri, "yaml", text);
    (dir, path, uri, lsp)
}

fn titles(lsp: &mut Lsp, uri: &str) -> Vec<String> {
    let lenses = lsp.request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": uri}}),
    );
    lenses
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["command"]["title"].as_str().unwrap().to_string())
        .collect()
}

/// Waits (up to 20 s) for the lenses to read `want`.
fn lenses_become(lsp: &mut Lsp, uri: &str, want: &[&str]) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let got = titles(lsp, uri);
        if got == want {
            let lenses = lsp.request(
                "textDocument/codeLens",
                json!({"textDocument": {"uri": uri}}),
            );
            return lenses.as_array().unwrap().clone();
        }
        assert!(
            Instant::now() < deadline,
            "lenses {got:?}, waiting for {want:?}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// The document's whole text replaced, as version `version`, then saved.
fn save(lsp: &mut Lsp, uri: &str, path: &Path, version: i64, text: &str) {
    std::fs::write(path, text).unwrap();
    lsp.change(uri, version, json!([{"text": text}]));
    lsp.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": uri}}),
    );
}

/// Runs the publish command on the record; the text with the ids the server wrote in.
fn publish(lsp: &mut Lsp, uri: &str, text: &str) -> String {
    let result = lsp.request(
        "workspace/executeCommand",
        json!({"command": "bcdc.publish", "arguments": [uri]}),
    );
    assert_eq!(result["ok"], true, "{result:#}");
    let edit = lsp.wait_for(|m| m["method"] == "workspace/applyEdit");
    apply(
        text,
        edit["params"]["edit"]["documentChanges"][0]["edits"]
            .as_array()
            .unwrap(),
    )
}

fn patch_on_catalogue(ckan: &Ckan, name: &str, field: &str, value: &str) {
    ckan.call("package_patch", json!({"id": name, field: value}))
        .unwrap_or_else(|e| panic!("package_patch: {e}"));
}

fn conflict_diagnostic(lsp: &mut Lsp, uri: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let d = lsp.diagnostics(uri);
        if let Some(c) = d["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["code"] == "conflict")
        {
            return c.clone();
        }
        assert!(Instant::now() < deadline, "no conflict diagnostic: {d:#}");
    }
}

#[test]
fn the_lens_follows_the_record_through_publish_edits_and_someone_elses_changes() {
    let Some(ckan) = Ckan::from_env("the_lens_follows_the_record_through_publish_edits") else {
        return;
    };
    let name = ckan.name("lsp-lens");
    let text = record(&name, &ckan.org);
    let (_dir, path, uri, mut lsp) = open_record(&ckan, "lens.bcdc.yaml", &text);
    let uri = uri.as_str();

    // not on the catalogue yet: Publish
    let lenses = lenses_become(&mut lsp, uri, &["Not published", "Publish"]);
    assert_eq!(lenses[0]["command"]["command"], "", "a lens that only says");
    assert_eq!(lenses[1]["command"]["command"], "bcdc.publish");
    assert_eq!(lenses[1]["command"]["arguments"], json!([uri]));
    assert_eq!(
        lenses[1]["range"]["start"],
        json!({"line": 0, "character": 0})
    );
    // an error the catalogue refuses takes Publish away, saying why
    let broken = text.replace("security_class: PUBLIC\n", "security_class: SECRET\n");
    lsp.change(uri, 2, json!([{"text": broken}]));
    lsp.diagnostics_until(uri, 2);
    lenses_become(&mut lsp, uri, &["Not published", "1 error to fix first"]);
    lsp.change(uri, 3, json!([{"text": text}]));
    lsp.diagnostics_until(uri, 3);

    let text = publish(&mut lsp, uri, &text);
    save(&mut lsp, uri, &path, 4, &text);
    lenses_become(&mut lsp, uri, &["Published · unchanged"]);

    // an edit in the editor: what Update would send, before saving
    let edited = text.replace(
        "title: Okanagan Lake Water Quality Monitoring",
        "title: Okanagan Lake Water Quality",
    );
    lsp.change(uri, 5, json!([{"text": edited}]));
    let lenses = lenses_become(&mut lsp, uri, &["1 field to update", "Update", "Show diff"]);
    assert_eq!(lenses[1]["command"]["command"], "bcdc.patch");
    assert_eq!(lenses[2]["command"]["command"], "bcdc.diff");
    let diff = lsp.request(
        "workspace/executeCommand",
        json!({"command": "bcdc.diff", "arguments": [uri]}),
    );
    assert_eq!(diff["ok"], true, "{diff:#}");
    assert_eq!(
        diff["catalogue"],
        "title: Okanagan Lake Water Quality Monitoring\n"
    );
    assert_eq!(diff["file"], "title: Okanagan Lake Water Quality\n");
    assert_eq!(diff["fields"], 1);

    // someone else changes the description on the catalogue; the file goes back
    patch_on_catalogue(&ckan, &name, "notes", "Rewritten by the data custodian.");
    save(&mut lsp, uri, &path, 6, &text);
    let lenses = lenses_become(
        &mut lsp,
        uri,
        &["Changed on the catalogue: `notes`", "Pull", "Show diff"],
    );
    assert_eq!(lenses[1]["command"]["command"], "bcdc.pullChanges");
    // with an unsaved edit in the editor the pull refuses, writing nothing
    lsp.change(uri, 7, json!([{"text": edited}]));
    let refused = lsp.request(
        "workspace/executeCommand",
        json!({"command": "bcdc.pullChanges", "arguments": [uri]}),
    );
    assert_eq!(refused["ok"], false, "{refused:#}");
    assert!(refused["message"]
        .as_str()
        .unwrap()
        .contains("save the file first"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    // saved: the catalogue's notes come in, the title edit stays (and is still to send)
    save(&mut lsp, uri, &path, 8, &edited);
    let pulled = lsp.request(
        "workspace/executeCommand",
        json!({"command": "bcdc.pullChanges", "arguments": [uri]}),
    );
    assert_eq!(pulled["ok"], true, "{pulled:#}");
    assert_eq!(pulled["taken"], json!(["notes"]));
    assert_eq!(pulled["kept"], json!(["title"]));
    let on_disk = std::fs::read_to_string(&path).unwrap();
    assert_eq!(on_disk, pulled["text"].as_str().unwrap());
    assert!(
        on_disk.contains("notes: Rewritten by the data custodian.\n"),
        "{on_disk}"
    );
    assert!(
        on_disk.contains("title: Okanagan Lake Water Quality\n"),
        "{on_disk}"
    );
    // the editor reloads the file
    save(&mut lsp, uri, &path, 9, &on_disk);
    lenses_become(&mut lsp, uri, &["1 field to update", "Update", "Show diff"]);
    let updated = lsp.request(
        "workspace/executeCommand",
        json!({"command": "bcdc.patch", "arguments": [uri, {"confirmed": true}]}),
    );
    assert_eq!(updated["ok"], true, "{updated:#}");
    assert_eq!(updated["fields"], json!(["title"]));
    let text = on_disk;
    lenses_become(&mut lsp, uri, &["Published · unchanged"]);

    // both sides change the description: a conflict, on the field, with its two fixes
    let mine = text.replace(
        "notes: Rewritten by the data custodian.\n",
        "notes: My own words.\n",
    );
    save(&mut lsp, uri, &path, 10, &mine);
    patch_on_catalogue(&ckan, &name, "notes", "Their words.");
    lenses_become(&mut lsp, uri, &["Conflict in `notes`", "Show diff"]);
    let diagnostic = conflict_diagnostic(&mut lsp, uri);
    assert_eq!(diagnostic["severity"], 2, "a warning: {diagnostic:#}");
    assert!(
        diagnostic["message"]
            .as_str()
            .unwrap()
            .contains("Their words."),
        "{diagnostic:#}"
    );
    let line = mine.lines().position(|l| l.starts_with("notes:")).unwrap();
    assert_eq!(diagnostic["range"]["start"]["line"], line);
    let actions = lsp.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": diagnostic["range"],
               "context": {"diagnostics": [diagnostic], "only": ["quickfix"]}}),
    );
    let actions = actions.as_array().unwrap();
    let titles: Vec<&str> = actions
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    let take = actions
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("Take "))
        .unwrap_or_else(|| panic!("{titles:?}"));
    assert_eq!(take["isPreferred"], true);
    let keep = actions
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("Keep mine"))
        .unwrap_or_else(|| panic!("{titles:?}"));
    assert_eq!(keep["command"]["command"], "bcdc.patch");
    assert_eq!(keep["command"]["arguments"][1], json!({"side": "mine"}));
    let edits = take["edit"]["changes"][uri].as_array().unwrap();
    let theirs = apply(&mine, edits);
    assert_eq!(
        theirs,
        mine.replace("notes: My own words.\n", "notes: Their words.\n")
    );
    lsp.change(uri, 11, json!([{"text": theirs}]));
    lenses_become(&mut lsp, uri, &["Published · unchanged"]);

    // the other way: keep mine sends the file's value over theirs
    lsp.change(uri, 12, json!([{"text": mine}]));
    lenses_become(&mut lsp, uri, &["Conflict in `notes`", "Show diff"]);
    let kept = lsp.request(
        "workspace/executeCommand",
        json!({"command": "bcdc.patch", "arguments": [uri, {"side": "mine", "confirmed": true}]}),
    );
    assert_eq!(kept["ok"], true, "{kept:#}");
    let now = ckan.call("package_show", json!({"id": name})).unwrap();
    assert_eq!(now["notes"], "My own words.");
    lenses_become(&mut lsp, uri, &["Published · unchanged"]);
    lsp.shutdown();
}

#[test]
fn a_record_whose_id_is_not_on_the_catalogue_says_so() {
    let Some(ckan) = Ckan::from_env("a_record_whose_id_is_not_on_the_catalogue_says_so") else {
        return;
    };
    let text = format!(
        "id: 00000000-0000-4000-8000-000000000000\n{}",
        record("lsp-lens-gone", &ckan.org)
    );
    let (_dir, _, uri, mut lsp) = open_record(&ckan, "gone.bcdc.yaml", &text);
    let host = ckan.url.trim_start_matches("http://").trim_end_matches('/');
    lenses_become(
        &mut lsp,
        &uri,
        &[&format!("Not on {host}: no record has this id")],
    );
    lsp.shutdown();
}

#[test]
fn an_update_writes_the_id_of_a_resource_added_in_the_file() {
    let Some(ckan) = Ckan::from_env("an_update_writes_the_id_of_a_resource_added_in_the_file")
    else {
        return;
    };
    let name = ckan.name("lsp-lens-res");
    let text = record(&name, &ckan.org);
    let (_dir, path, uri, mut lsp) = open_record(&ckan, "added.bcdc.yaml", &text);
    let uri = uri.as_str();
    let text = publish(&mut lsp, uri, &text);
    save(&mut lsp, uri, &path, 2, &text);
    let added = format!(
        "{text}  - name: Extra (TXT)\n    url: https://example.invalid/extra.txt\n    bcdc_type: document\n    \
         resource_update_cycle: monthly\n    format: txt\n    resource_storage_location: web or ftp site\n    \
         resource_type: data\n    resource_access_method: direct access\n"
    );
    lsp.change(uri, 3, json!([{"text": added}]));
    let result = lsp.request(
        "workspace/executeCommand",
        json!({"command": "bcdc.patch", "arguments": [uri, {"confirmed": true}]}),
    );
    assert_eq!(result["ok"], true, "{result:#}");
    let edit = lsp.wait_for(|m| m["method"] == "workspace/applyEdit");
    let written = apply(
        &added,
        edit["params"]["edit"]["documentChanges"][0]["edits"]
            .as_array()
            .unwrap(),
    );
    let stored = ckan.call("package_show", json!({"id": name})).unwrap();
    let rid = stored["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "Extra (TXT)")
        .and_then(|r| r["id"].as_str())
        .unwrap()
        .to_string();
    assert_eq!(
        written,
        added.replace(
            "  - name: Extra (TXT)",
            &format!("  - id: {rid}\n    name: Extra (TXT)")
        )
    );
    save(&mut lsp, uri, &path, 4, &written);
    lenses_become(&mut lsp, uri, &["Published · unchanged"]);
    lsp.shutdown();
}

/// A resource field changed on both sides: taking the catalogue's value changes that field
/// of that resource alone, and the file's other edits stay to be sent.
#[test]
fn taking_the_catalogues_value_of_a_resource_field_keeps_the_other_edits() {
    let Some(ckan) = Ckan::from_env("taking_the_catalogues_value_of_a_resource_field") else {
        return;
    };
    let name = ckan.name("lsp-lens-rf");
    let text = record(&name, &ckan.org);
    let (_dir, path, uri, mut lsp) = open_record(&ckan, "resource.bcdc.yaml", &text);
    let uri = uri.as_str();
    let text = publish(&mut lsp, uri, &text);
    save(&mut lsp, uri, &path, 2, &text);
    lenses_become(&mut lsp, uri, &["Published · unchanged"]);
    let resource_id = text
        .lines()
        .find_map(|l| l.strip_prefix("  - id: "))
        .expect("the resource's id")
        .to_string();

    // the file changes the title and the resource's format; the catalogue the same format
    let mine = text
        .replace("    format: csv\n", "    format: txt\n")
        .replace(
            "title: Okanagan Lake Water Quality Monitoring",
            "title: Okanagan Lake Water Quality",
        );
    save(&mut lsp, uri, &path, 3, &mine);
    ckan.call(
        "resource_patch",
        json!({"id": resource_id, "format": "json"}),
    )
    .unwrap_or_else(|e| panic!("resource_patch: {e}"));
    let lenses = lenses_become(
        &mut lsp,
        uri,
        &[
            "Conflict in `resources[Okanagan Lake samples (CSV)].format`",
            "Show diff",
        ],
    );
    assert_eq!(lenses[1]["command"]["command"], "bcdc.diff");
    let diagnostic = conflict_diagnostic(&mut lsp, uri);
    let line = mine.lines().position(|l| l == "    format: txt").unwrap();
    assert_eq!(diagnostic["range"]["start"]["line"], line, "{diagnostic:#}");
    let actions = lsp.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": diagnostic["range"],
               "context": {"diagnostics": [diagnostic], "only": ["quickfix"]}}),
    );
    let take = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("Take "))
        .unwrap_or_else(|| panic!("{actions:#}"))
        .clone();
    let taken = apply(&mine, take["edit"]["changes"][uri].as_array().unwrap());
    assert_eq!(
        taken,
        mine.replace("    format: txt\n", "    format: json\n"),
        "only the format changes; the title edit stays"
    );
    lsp.change(uri, 4, json!([{"text": taken}]));
    lenses_become(&mut lsp, uri, &["1 field to update", "Update", "Show diff"]);
    lsp.shutdown();
}

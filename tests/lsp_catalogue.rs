//! Publish, update and pull through the language server against the real
//! local CKAN (`tests/harness/ckan`; skipped, saying so, when its
//! BCDC_TEST_CKAN_* variables are not set).

mod common;
use common::ckan::Ckan;
use common::{Lsp, VALID};
use serde_json::{json, Value};

fn record(name: &str, org: &str) -> String {
    VALID
        .replace(
            "name: okanagan-lake-water-quality",
            &format!("name: {name}"),
        )
        .replace("lsp-test-org", org)
}

/// Applies the text edits of an applyEdit request to `text`.
fn apply(text: &str, edit: &Value) -> String {
    common::apply(
        text,
        edit["params"]["edit"]["documentChanges"][0]["edits"]
            .as_array()
            .unwrap(),
    )
}

fn start(ckan: &Ckan) -> Lsp {
    Lsp::start(
        json!({}),
        json!({"catalogue": ckan.url, "apiKey": ckan.token}),
    )
    .0
}

#[test]
fn publish_writes_the_id_then_update_and_pull() {
    let Some(ckan) = Ckan::from_env("publish_writes_the_id_then_update_and_pull") else {
        return;
    };
    let mut lsp = start(&ckan);
    let uri = "file:///tmp/publish-test.bcdc.yaml";
    let name = ckan.name("lsp-publish");
    let text = record(&name, &ckan.org);
    lsp.open(uri, "yaml", &text);
    lsp.diagnostics(uri);

    // the source action offers Publish for a record without id
    let actions = lsp.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
               "context": {"diagnostics": [], "only": ["source"]}}),
    );
    assert_eq!(
        actions[0]["command"]["command"], "bcdc.publish",
        "{actions:#}"
    );
    assert!(actions[0]["title"]
        .as_str()
        .unwrap()
        .starts_with("Publish to BC Data Catalogue"));

    let result = lsp.request(
        "workspace/executeCommand",
        json!({"command": "bcdc.publish", "arguments": [uri]}),
    );
    assert_eq!(result["ok"], true, "{result:#}");
    let id = result["id"].as_str().unwrap().to_string();
    let edit = lsp.wait_for(|m| m["method"] == "workspace/applyEdit");
    let published = apply(&text, &edit);
    assert!(published.contains(&format!("\nid: {id}\n")), "{published}");
    // and the resource's id, into its entry; nothing else changed
    let resource_id = published
        .lines()
        .find_map(|l| l.strip_prefix("  - id: "))
        .expect("the resource's id")
        .to_string();
    assert_eq!(
        published,
        text.replacen(
            "type: bcdc_dataset",
            &format!("id: {id}\ntype: bcdc_dataset"),
            1
        )
        .replacen(
            "  - name: Okanagan Lake samples (CSV)",
            &format!("  - id: {resource_id}\n    name: Okanagan Lake samples (CSV)"),
            1
        )
    );
    let text = published;
    lsp.change(uri, 2, json!([{"text": text}]));
    lsp.diagnostics_until(uri, 2);

    // now it offers Update; nothing changed yet
    let result = lsp.request(
        "workspace/executeCommand",
        json!({"command": "bcdc.patch", "arguments": [uri]}),
    );
    assert_eq!(result["ok"], true, "{result:#}");
    assert!(
        result["message"]
            .as_str()
            .unwrap()
            .contains("nothing changed"),
        "{result:#}"
    );

    // change one field: the server asks, the client answers Update
    let text = text.replace("purpose: Track long-term trends", "purpose: Track trends");
    lsp.change(uri, 3, json!([{"text": text}]));
    let result = lsp.request(
        "workspace/executeCommand",
        json!({"command": "bcdc.patch", "arguments": [uri]}),
    );
    assert_eq!(result["ok"], true, "{result:#}");
    assert_eq!(result["fields"], json!(["purpose"]));
    assert!(
        !result["message"].as_str().unwrap().contains("differently"),
        "{result:#}"
    );
    let asked = lsp.wait_for(|m| m["method"] == "window/showMessageRequest");
    assert!(asked["params"]["message"]
        .as_str()
        .unwrap()
        .contains("purpose"));

    // a changed resource field goes with the resource's id, which stays
    let text = text.replace("    format: csv\n", "    format: txt\n");
    lsp.change(uri, 4, json!([{"text": text}]));
    let result = lsp.request(
        "workspace/executeCommand",
        json!({"command": "bcdc.patch", "arguments": [uri, {"confirmed": true}]}),
    );
    assert_eq!(result["ok"], true, "{result:#}");
    assert_eq!(result["fields"], json!(["resources"]));
    assert!(
        !result["message"].as_str().unwrap().contains("differently"),
        "{result:#}"
    );

    // publish_state completion starts from the state the catalogue has
    // (DRAFT), not from what the file says: reopening fetches it
    let text = text.replace("publish_state: DRAFT", "publish_state: PENDING PUBLISH");
    lsp.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    lsp.open(uri, "yaml", &text);
    let line = text
        .lines()
        .position(|l| l.starts_with("publish_state:"))
        .unwrap();
    let labels = |lsp: &mut Lsp| -> Vec<String> {
        let list = lsp.request(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": 15}}),
        );
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["label"].as_str().unwrap().to_string())
            .collect()
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let mut offered = labels(&mut lsp);
    while offered.contains(&"PUBLISHED".to_string()) && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
        offered = labels(&mut lsp);
    }
    assert_eq!(
        offered,
        ["DRAFT", "PENDING PUBLISH"],
        "from the catalogue's DRAFT"
    );

    // pull it into a new file
    let target = "file:///tmp/pulled.bcdc.yaml";
    let result = lsp.request(
        "workspace/executeCommand",
        json!({"command": "bcdc.pull", "arguments": [name, target]}),
    );
    assert_eq!(result["ok"], true, "{result:#}");
    let pulled = result["text"].as_str().unwrap();
    assert!(pulled.contains("purpose: Track trends"), "{pulled}");
    assert!(
        pulled.contains(&format!("  - id: {resource_id}\n")),
        "{pulled}"
    );
    assert!(pulled.contains("    format: txt\n"), "{pulled}");
    lsp.shutdown();
}

#[test]
fn catalogue_errors_become_diagnostics_until_the_field_is_edited() {
    let Some(ckan) =
        Ckan::from_env("catalogue_errors_become_diagnostics_until_the_field_is_edited")
    else {
        return;
    };
    let mut lsp = start(&ckan);
    let uri = "file:///tmp/bad-org.bcdc.yaml";
    // locally valid, but the catalogue has no such organization
    let text = record(&ckan.name("lsp-bad-org"), &ckan.org).replacen(
        &format!("owner_org: {}", ckan.org),
        "owner_org: no-such-organization",
        1,
    );
    lsp.open(uri, "yaml", &text);
    lsp.diagnostics(uri);
    let result = lsp.request(
        "workspace/executeCommand",
        json!({"command": "bcdc.publish", "arguments": [uri]}),
    );
    assert_eq!(result["ok"], false);
    let d = lsp.wait_for(|m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["diagnostics"]
                .as_array()
                .is_some_and(|d| d.iter().any(|x| x["source"] == "catalogue"))
    });
    let diag = d["params"]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["source"] == "catalogue")
        .unwrap()
        .clone();
    let line = text
        .lines()
        .position(|l| l.starts_with("owner_org:"))
        .unwrap();
    assert_eq!(diag["range"]["start"]["line"], line, "{diag:#}");
    // editing that field clears it
    let fixed = text.replace("no-such-organization", &ckan.org);
    lsp.change(uri, 2, json!([{"text": fixed}]));
    let d = lsp.diagnostics_until(uri, 2).pop().unwrap();
    assert!(
        d["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["source"] != "catalogue"),
        "{d:#}"
    );
    lsp.shutdown();
}

#[test]
fn a_rejected_key_is_explained_and_never_shown() {
    let Some(ckan) = Ckan::from_env("a_rejected_key_is_explained_and_never_shown") else {
        return;
    };
    let secret = "not-a-real-key-5f2b9c";
    let (mut lsp, _) = Lsp::start(json!({}), json!({"catalogue": ckan.url, "apiKey": secret}));
    let uri = "file:///tmp/bad-key.bcdc.yaml";
    lsp.open(uri, "yaml", &record(&ckan.name("lsp-bad-key"), &ckan.org));
    lsp.diagnostics(uri);
    let result = lsp.request(
        "workspace/executeCommand",
        json!({"command": "bcdc.publish", "arguments": [uri]}),
    );
    assert_eq!(result["ok"], false);
    let message = result["message"].as_str().unwrap();
    assert!(message.to_lowercase().contains("key"), "{message}");
    let everything = format!("{:?}", lsp.drain(std::time::Duration::from_millis(200)));
    assert!(!everything.contains(secret) && !message.contains(secret));
    lsp.shutdown();
}

/// A record the catalogue's API accepts but its web form would not (no keywords): Publish
/// asks with `window/showMessageRequest` first, and the client's `Publish` sends it.
#[test]
fn publish_asks_before_sending_what_only_the_form_refuses() {
    let Some(ckan) = Ckan::from_env("publish_asks_before_sending_what_only_the_form_refuses")
    else {
        return;
    };
    let mut lsp = start(&ckan);
    let uri = "file:///tmp/publish-form-only.bcdc.yaml";
    let name = ckan.name("lsp-form-only");
    let text = record(&name, &ckan.org);
    let keywords = text
        .lines()
        .find(|l| l.starts_with("tag_string:"))
        .unwrap()
        .to_string();
    let text = text.replace(&format!("{keywords}\n"), "");
    lsp.open(uri, "yaml", &text);
    lsp.diagnostics(uri);
    let result = lsp.request(
        "workspace/executeCommand",
        json!({"command": "bcdc.publish", "arguments": [uri]}),
    );
    let asked = lsp.wait_for(|m| m["method"] == "window/showMessageRequest");
    let question = asked["params"]["message"].as_str().unwrap();
    assert!(
        question.contains("API accepts this record") && question.contains("Keywords"),
        "{question}"
    );
    assert_eq!(asked["params"]["actions"][0]["title"], "Publish");
    assert_eq!(result["ok"], true, "{result:#}");
}

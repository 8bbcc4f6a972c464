//! Inlay hints over the protocol, against the real server: the titles
//! behind licence and organization ids, from the embedded licence list at
//! once and from the catalogue's lists once they arrive (the server then
//! asks the client to refresh its hints).

mod catalogue_fake;
mod common;
use common::{Lsp, VALID};
use serde_json::{json, Value};

const URI: &str = "file:///work/lake.bcdc.yaml";
const OGL: &str = "Open Government Licence - British Columbia";

/// The hints of the whole document, as the server sends them.
fn raw_hints(lsp: &mut Lsp) -> Vec<Value> {
    let result = lsp.request(
        "textDocument/inlayHint",
        json!({
            "textDocument": {"uri": URI},
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 1000, "character": 0}},
        }),
    );
    result
        .as_array()
        .unwrap_or_else(|| panic!("{result}"))
        .clone()
}

/// The hints of the whole document as (line, character, label).
fn hints(lsp: &mut Lsp) -> Vec<(u64, u64, String)> {
    raw_hints(lsp)
        .iter()
        .map(|h| {
            assert_eq!(h["paddingLeft"], true, "{h}");
            (
                h["position"]["line"].as_u64().unwrap(),
                h["position"]["character"].as_u64().unwrap(),
                h["label"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The line holding `needle` and the UTF-16 column just after it.
fn after(text: &str, needle: &str) -> (u64, u64) {
    let at = text.find(needle).unwrap_or_else(|| panic!("{needle}")) + needle.len();
    let line = text[..at].matches('\n').count();
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    (line as u64, text[start..at].encode_utf16().count() as u64)
}

fn tooltip_of(lsp: &mut Lsp, label: &str) -> String {
    let all = raw_hints(lsp);
    let hint = all
        .iter()
        .find(|h| h["label"] == label)
        .unwrap_or_else(|| panic!("no {label} in {all:#?}"));
    hint["tooltip"].as_str().unwrap().to_string()
}

#[test]
fn licence_titles_at_once_and_organizations_once_the_lists_arrive() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let orgs = json!([{"id": "0a1b", "name": "water", "title": "Ministry of Water"}]);
    let licences = json!([{"id": "2", "title": "Open Government Licence (the catalogue's)"}]);
    let fake = runtime.block_on(catalogue_fake::start(vec![
        catalogue_fake::ok(orgs),
        catalogue_fake::ok(licences),
    ]));
    let cache = tempfile::tempdir().unwrap();
    let env = [("XDG_CACHE_HOME", cache.path().to_str().unwrap())];
    let text = VALID
        .replace("owner_org: lsp-test-org", "owner_org: 0a1b")
        .replace(
            // a contact's organization by its name: the same title
            "org: lsp-test-org\n    role: custodian",
            "org: water\n    role: custodian",
        );
    let capabilities = json!({"workspace": {"inlayHint": {"refreshSupport": true}}});

    let (mut lsp, init) =
        Lsp::start_with_env(capabilities.clone(), json!({"catalogue": fake.url}), &env);
    assert_eq!(init["capabilities"]["inlayHintProvider"], true);
    lsp.open(URI, "yaml", &text);
    // the server asks for new hints once the catalogue's lists are in
    lsp.wait_for(|m| m["method"] == "workspace/inlayHint/refresh");
    let (owner, licence, contact) = (
        after(&text, "owner_org: 0a1b"),
        after(&text, "license_id: \"2\""),
        after(&text, "    org: water"),
    );
    assert_eq!(
        hints(&mut lsp),
        [
            (owner.0, owner.1, "Ministry of Water".to_string()),
            (
                licence.0,
                licence.1,
                "Open Government Licence (the catalogue's)".to_string()
            ),
            (contact.0, contact.1, "Ministry of Water".to_string()),
        ]
    );
    let tooltip = tooltip_of(&mut lsp, "Ministry of Water");
    assert!(
        tooltip.contains("`0a1b`") && tooltip.contains(&format!("`{}` catalogue", fake.url)),
        "{tooltip}"
    );
    lsp.shutdown();
    // nothing asked of the catalogue but the two lists, once
    assert_eq!(fake.requests().len(), 2);
}

#[test]
fn without_the_catalogue_only_the_embedded_licence_list() {
    // nothing listens on port 9 of loopback: the lists never arrive
    let cache = tempfile::tempdir().unwrap();
    let env = [("XDG_CACHE_HOME", cache.path().to_str().unwrap())];
    let (mut lsp, _) =
        Lsp::start_with_env(json!({}), json!({"catalogue": "http://127.0.0.1:9"}), &env);
    lsp.open(URI, "yaml", VALID);
    lsp.diagnostics(URI);
    let licence = after(VALID, "license_id: \"2\"");
    assert_eq!(hints(&mut lsp), [(licence.0, licence.1, OGL.to_string())]);
    assert!(tooltip_of(&mut lsp, OGL).contains("built into bcdc-lsp"));
    // a hint request on a file that is not a record answers nothing
    lsp.open("file:///work/other.yaml", "yaml", "a: 1\n");
    let none: Value = lsp.request(
        "textDocument/inlayHint",
        json!({
            "textDocument": {"uri": "file:///work/other.yaml"},
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 1, "character": 0}},
        }),
    );
    assert_eq!(none, Value::Null);
    lsp.shutdown();
}

#[test]
fn no_refresh_request_to_a_client_that_cannot_take_it() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let orgs = json!([{"id": "0a1b", "name": "water", "title": "Ministry of Water"}]);
    let fake = runtime.block_on(catalogue_fake::start(vec![
        catalogue_fake::ok(orgs),
        catalogue_fake::ok(json!([])),
    ]));
    let cache = tempfile::tempdir().unwrap();
    let env = [("XDG_CACHE_HOME", cache.path().to_str().unwrap())];
    let text = VALID.replace("owner_org: lsp-test-org", "owner_org: 0a1b");
    let (mut lsp, _) = Lsp::start_with_env(json!({}), json!({"catalogue": fake.url}), &env);
    lsp.open(URI, "yaml", &text);
    // the client asks again itself, until the organization's title is there
    let deadline = std::time::Instant::now() + common::TIMEOUT;
    while !hints(&mut lsp).iter().any(|h| h.2 == "Ministry of Water") {
        assert!(std::time::Instant::now() < deadline, "no organization hint");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    // an empty licence list from the catalogue keeps the embedded one
    assert!(hints(&mut lsp).iter().any(|h| h.2 == OGL));
    let refreshes = lsp
        .drain(std::time::Duration::from_millis(200))
        .into_iter()
        .filter(|m| m["method"] == "workspace/inlayHint/refresh")
        .count();
    assert_eq!(refreshes, 0);
    lsp.shutdown();
}

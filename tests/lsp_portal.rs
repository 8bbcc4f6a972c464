//! The language server on another portal: a `bcdc.toml` beside the records names
//! the local CKAN and its `camel-photos` dataset type, and diagnostics, completion
//! and hover follow that schema (over the protocol, against the real CKAN; skipped,
//! saying so, without BCDC_TEST_CKAN_*). Also: a broken project file is said and
//! the editor's schema is used.

mod common;
use common::ckan::Ckan;
use common::Lsp;
use serde_json::{json, Value};
use std::path::Path;

const CAMEL: &str =
    "type: camel-photos\nname: larry\nhumps: two\ncategory: dromedary\nowner_org: lsp-test-org\n";

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// A server whose workspace folder is `root`, with its own cache folder.
fn start(root: &Path, cache: &Path) -> Lsp {
    let params = json!({
        "processId": null,
        "rootUri": uri(root),
        "workspaceFolders": [{"uri": uri(root), "name": "records"}],
        "capabilities": {},
        "initializationOptions": {"catalogue": "test"},
    });
    Lsp::start_with_params(params, &[("XDG_CACHE_HOME", cache.to_str().unwrap())]).0
}

fn messages(params: &Value) -> Vec<String> {
    params["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["message"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn records_under_a_project_file_follow_the_portals_schema() {
    let Some(ckan) = Ckan::from_env("records_under_a_project_file_follow_the_portals_schema")
    else {
        return;
    };
    let root = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    std::fs::write(
        root.path().join("bcdc.toml"),
        format!("host = \"{}\"\ntype = \"camel-photos\"\n", ckan.url),
    )
    .unwrap();
    std::fs::create_dir(root.path().join("camels")).unwrap();
    let file = root.path().join("camels").join("larry.bcdc.yaml");
    std::fs::write(&file, CAMEL).unwrap();
    let file = uri(&file);
    let mut lsp = start(root.path(), cache.path());
    lsp.open(&file, "yaml", CAMEL);

    // the first diagnostics come from the portal's schema: none from BCDC's before it
    let d = lsp.diagnostics(&file);
    let found = messages(&d);
    assert!(
        found
            .iter()
            .any(|m| m.contains("humps") && m.contains("whole number")),
        "{found:?}"
    );
    assert!(found.iter().any(|m| m.contains("dromedary")), "{found:?}");
    assert!(
        !found
            .iter()
            .any(|m| m.contains("owner_org") || m.contains("Organization")),
        "no BCDC finding on a camel: {found:?}"
    );
    let status = lsp.wait_for(|m| m["method"] == "bcdc/status");
    let schema = status["params"]["schema"].as_str().unwrap();
    assert!(schema.contains("camel-photos"), "{schema}");
    assert_eq!(status["params"]["catalogue"], json!(ckan.url));

    // completion offers the portal's fields, not BCDC's
    let text = format!("{CAMEL}\n");
    lsp.change(&file, 2, json!([{"text": text}]));
    let items = lsp.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": file}, "position": {"line": 5, "character": 0}}),
    );
    let labels: Vec<&str> = items["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert!(labels.contains(&"personality"), "{labels:?}");
    assert!(!labels.contains(&"publish_state"), "{labels:?}");
    // and choices of the portal's choice fields
    let items = lsp.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": file}, "position": {"line": 3, "character": 10}}),
    );
    let labels = items.to_string();
    assert!(labels.contains("bactrian"), "{labels}");

    // hover explains the portal's field
    let hover = lsp.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": file}, "position": {"line": 2, "character": 1}}),
    );
    let shown = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(shown.to_lowercase().contains("humps"), "{hover}");
    lsp.shutdown();
}

#[test]
fn a_broken_project_file_is_said_and_the_editors_schema_used() {
    let root = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    std::fs::write(
        root.path().join("bcdc.toml"),
        "host = \"http://evil.example\"\n",
    )
    .unwrap();
    let file = root.path().join("r.bcdc.yaml");
    let text = "type: bcdc_dataset\ntitle: x\n";
    std::fs::write(&file, text).unwrap();
    let file = uri(&file);
    let mut lsp = start(root.path(), cache.path());
    lsp.open(&file, "yaml", text);
    let shown = lsp.wait_for(|m| m["method"] == "window/showMessage");
    let message = shown["params"]["message"].as_str().unwrap();
    assert!(
        message.contains("bcdc.toml") && message.contains("https://"),
        "{message}"
    );
    let d = lsp.diagnostics(&file);
    assert!(
        !messages(&d).is_empty(),
        "checked against the built-in schema"
    );
    let status = lsp.wait_for(|m| m["method"] == "bcdc/status");
    assert!(
        status["params"]["schema"]
            .as_str()
            .unwrap()
            .contains("built-in"),
        "{status}"
    );
    lsp.shutdown();
}

/// Every request a loopback listener receives (its head), answered 404.
fn listener() -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use std::io::{BufRead, BufReader, Write};
    let socket = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", socket.local_addr().unwrap());
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let record = seen.clone();
    std::thread::spawn(move || {
        for stream in socket.incoming().flatten() {
            let mut reader = BufReader::new(&stream);
            let mut head = String::new();
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                head.push_str(&line);
            }
            record.lock().unwrap().push(head);
            let _ = (&stream).write_all(
                b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
        }
    });
    (url, seen)
}

/// A repository's bcdc.toml can name any host: the server asks it for the schema, and for
/// an opened record's state, without the editor's key (which is for the editor's catalogue)
/// and without BCDC_API_KEY (which is for the BC catalogues).
#[test]
fn a_project_files_host_never_gets_a_key() {
    let (url, seen) = listener();
    let root = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    std::fs::write(root.path().join("bcdc.toml"), format!("host = \"{url}\"\n")).unwrap();
    let file = root.path().join("r.bcdc.yaml");
    let text = "id: 6c4e3b4e-0000-4000-8000-000000000001\ntype: bcdc_dataset\ntitle: x\n";
    std::fs::write(&file, text).unwrap();
    let file = uri(&file);
    let params = json!({
        "processId": null,
        "rootUri": uri(root.path()),
        "capabilities": {},
        "initializationOptions": {"catalogue": "test", "apiKey": "editor-key-for-test"},
    });
    let mut lsp = Lsp::start_with_params(
        params,
        &[
            ("XDG_CACHE_HOME", cache.path().to_str().unwrap()),
            ("BCDC_API_KEY", "env-key-names-no-host"),
        ],
    )
    .0;
    lsp.open(&file, "yaml", text);
    let shown = lsp.wait_for(|m| m["method"] == "window/showMessage");
    assert!(
        shown["params"]["message"]
            .as_str()
            .unwrap()
            .contains("cannot read"),
        "{shown}"
    );
    // a publish goes to the project's host too, without the editor's key
    let reply = lsp.request(
        "workspace/executeCommand",
        json!({"command": "bcdc.pull", "arguments": ["x", format!("{}/pulled.bcdc.yaml", uri(root.path()))]}),
    );
    assert_eq!(reply["ok"], json!(false), "{reply}");
    let heads = seen.lock().unwrap().clone();
    assert!(!heads.is_empty(), "the project's host was asked");
    for head in &heads {
        let lower = head.to_lowercase();
        assert!(
            !lower.contains("authorization") && !head.contains("key-"),
            "a key went to the project's host: {head}"
        );
    }
    lsp.shutdown();
}

/// An editor in a folder it does not trust yet says `restricted`: the server reads what it
/// needs without the key and publishes, updates and pulls nothing.
#[test]
fn a_restricted_editor_gets_checks_but_sends_no_key_and_nothing_else() {
    let (url, seen) = listener();
    let root = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let file = root.path().join("r.bcdc.yaml");
    let text = "id: 6c4e3b4e-0000-4000-8000-000000000002\ntype: bcdc_dataset\ntitle: x\n";
    let file = uri(&file);
    let params = json!({
        "processId": null,
        "rootUri": uri(root.path()),
        "capabilities": {},
        "initializationOptions": {"catalogue": url, "apiKey": "editor-key-restricted", "restricted": true},
    });
    let mut lsp = Lsp::start_with_params(
        params,
        &[("XDG_CACHE_HOME", cache.path().to_str().unwrap())],
    )
    .0;
    lsp.open(&file, "yaml", text);
    let d = lsp.diagnostics(&file);
    assert!(!messages(&d).is_empty(), "checked as usual");
    for command in [
        json!({"command": "bcdc.publish", "arguments": [file]}),
        json!({"command": "bcdc.patch", "arguments": [file, {"confirmed": true}]}),
        json!({"command": "bcdc.pull", "arguments": ["x", format!("{}/p.bcdc.yaml", uri(root.path()))]}),
    ] {
        let reply = lsp.request("workspace/executeCommand", command);
        assert_eq!(reply["ok"], json!(false), "{reply}");
        assert!(
            reply["message"].as_str().unwrap().contains("trust"),
            "{reply}"
        );
    }
    lsp.drain(std::time::Duration::from_millis(300));
    let heads = seen.lock().unwrap().clone();
    for head in &heads {
        assert!(
            !head.to_lowercase().contains("authorization")
                && !head.contains("package_create")
                && !head.contains("package_patch"),
            "{head}"
        );
    }
    lsp.shutdown();
}

/// A project file written while a record is open applies at once (the server asks the
/// editor to watch `bcdc.toml` files), and so does its removal.
#[test]
fn a_project_file_written_while_the_record_is_open_applies_at_once() {
    let root = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let file = root.path().join("larry.bcdc.yaml");
    std::fs::write(&file, CAMEL).unwrap();
    let file = uri(&file);
    let params = json!({
        "processId": null,
        "rootUri": uri(root.path()),
        "workspaceFolders": [{"uri": uri(root.path()), "name": "records"}],
        "capabilities": {"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}},
        "initializationOptions": {"catalogue": "test"},
    });
    let mut lsp = Lsp::start_with_params(
        params,
        &[("XDG_CACHE_HOME", cache.path().to_str().unwrap())],
    )
    .0;
    let registered = lsp.wait_for(|m| m["method"] == "client/registerCapability");
    let watchers = &registered["params"]["registrations"][0]["registerOptions"]["watchers"];
    assert_eq!(watchers[0]["globPattern"], "**/bcdc.toml", "{registered:#}");
    lsp.open(&file, "yaml", CAMEL);
    let status = lsp.wait_for(|m| m["method"] == "bcdc/status");
    assert_eq!(status["params"]["catalogue"], "test");

    let project = root.path().join("bcdc.toml");
    let host = "https://camels.example.invalid";
    std::fs::write(&project, format!("host = \"{host}\"\n")).unwrap();
    lsp.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&project), "type": 1}]}),
    );
    // the record now belongs to that (unreachable) portal: its schema is asked for
    let said = lsp.wait_for(|m| {
        m["method"] == "window/showMessage"
            && m["params"]["message"]
                .as_str()
                .is_some_and(|t| t.contains("camels.example.invalid"))
    });
    assert!(
        said["params"]["message"]
            .as_str()
            .unwrap()
            .contains("cannot read the schema"),
        "{said:#}"
    );

    std::fs::remove_file(&project).unwrap();
    lsp.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&project), "type": 3}]}),
    );
    let status = lsp.wait_for(|m| m["method"] == "bcdc/status");
    assert_eq!(status["params"]["catalogue"], "test");
    assert_eq!(status["params"]["uri"], json!(file));
    lsp.shutdown();
}

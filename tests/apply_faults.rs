//! `apply` when the catalogue fails on some records (the in-process fake catalogue): a 409
//! on one record, a 500 on another, a connection broken during a create (outcome unknown,
//! as after a timeout). The others go on; a file, and its synchronisation state, change
//! only where the catalogue confirmed.

mod catalogue_fake;
use catalogue_fake::{json, ok, start_with, Behaviour, Recorded};
use serde_json::{json, Value};
use std::path::Path;
use std::process::{Command, Stdio};

fn record(name: &str, id: Option<&str>) -> String {
    let id = id.map(|id| format!("id: {id}\n")).unwrap_or_default();
    format!(
        "# {name}\n{id}type: bcdc_dataset\nname: {name}\ntitle: Fault test {name}\n\
         owner_org: lsp-test-org\nnotes: Edited in the file.\nlicense_id: \"2\"\n\
         publish_state: DRAFT\nsecurity_class: PUBLIC\nview_audience: Public\n\
         download_audience: Public\nmetadata_visibility: Public\nresource_status: onGoing\n\
         tag_string: lsp, test\ncontacts:\n  - name: Jane Doe\n    email: jane.doe@example.invalid\n\
         \x20   org: lsp-test-org\n    role: pointOfContact\n    displayed: [displayed]\n"
    )
}

/// What the catalogue stores for a record: the file's, with older notes.
fn stored(id: &str) -> Value {
    let name = id.trim_end_matches("-id");
    json!({
        "id": id, "name": name, "type": "bcdc_dataset", "title": format!("Fault test {name}"),
        "notes": "Stored before.", "owner_org": "c46e",
        "organization": {"id": "c46e", "name": "lsp-test-org"},
        "license_id": "2", "publish_state": "DRAFT", "security_class": "PUBLIC",
        "view_audience": "Public", "download_audience": "Public", "metadata_visibility": "Public",
        "resource_status": "onGoing", "tags": [{"name": "lsp"}, {"name": "test"}],
        "contacts": [{"name": "Jane Doe", "email": "jane.doe@example.invalid",
                      "org": "lsp-test-org", "role": "pointOfContact", "displayed": ["displayed"]}],
        "metadata_modified": "2020-01-01T00:00:00.000000", "resources": []
    })
}

/// package_patch fails for b (409) and c (500); package_create breaks off mid-reply.
fn answer(request: &Recorded) -> Behaviour {
    let action = request
        .target
        .trim_start_matches("/api/3/action/")
        .split('?')
        .next()
        .unwrap_or_default()
        .to_string();
    let query = request
        .target
        .split_once("?id=")
        .map(|(_, id)| id.to_string());
    match (action.as_str(), query) {
        ("package_search", _) => ok(json!({"count": 0, "results": []})),
        ("package_show", Some(id)) if id.ends_with("-id") => ok(stored(&id)),
        ("package_show", _) => json(
            404,
            r#"{"success": false, "error": {"__type": "Not Found Error", "message": "Not found"}}"#,
        ),
        ("package_patch", _) => {
            let body: Value = serde_json::from_slice(&request.body).unwrap();
            match body["id"].as_str().unwrap() {
                "fault-b-id" => json(
                    409,
                    r#"{"success": false, "error": {"__type": "Validation Error", "notes": ["Bad notes."]}}"#,
                ),
                "fault-c-id" => json(500, "Internal Server Error"),
                id => {
                    let mut result = stored(id);
                    result["notes"] = body["notes"].clone();
                    result["metadata_modified"] = json!("2020-01-02T00:00:00.000000");
                    ok(result)
                }
            }
        }
        _ => Behaviour::ResetAfter(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"succ"
                .to_vec(),
        ),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn failures_on_some_records_leave_their_files_as_they_were() {
    let fake = start_with(answer).await;
    let dir = tempfile::tempdir().unwrap();
    let files = [
        ("a.bcdc.yaml", record("fault-a", Some("fault-a-id"))),
        ("b.bcdc.yaml", record("fault-b", Some("fault-b-id"))),
        ("c.bcdc.yaml", record("fault-c", Some("fault-c-id"))),
        ("d.bcdc.yaml", record("fault-d", None)),
    ];
    for (name, text) in &files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let config = tempfile::tempdir().unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_bcdc-lsp"));
    command
        .args([
            "apply",
            dir.path().to_str().unwrap(),
            "--yes",
            "--host",
            &fake.url,
        ])
        .env("XDG_CONFIG_HOME", config.path())
        .env("HOME", config.path())
        .env("BCDC_API_KEY", "test-key")
        .env("BCDC_API_KEY_HOST", "127.0.0.1")
        .stdin(Stdio::null());
    let output = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    let out = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(output.status.code(), Some(1), "{out}");
    let line = |file: &str| {
        out.lines()
            .find(|l| l.contains(file))
            .unwrap_or_else(|| panic!("{file} in {out}"))
            .to_string()
    };
    assert!(line("a.bcdc.yaml").contains("updated fault-a"), "{out}");
    assert!(line("b.bcdc.yaml").contains("Bad notes"), "{out}");
    assert!(line("c.bcdc.yaml").contains("not applied"), "{out}");
    assert!(line("d.bcdc.yaml").contains("not applied"), "{out}");
    // Every file byte for byte as it was; a state only for the record the catalogue took.
    for (name, text) in &files {
        assert_eq!(
            &std::fs::read_to_string(dir.path().join(name)).unwrap(),
            text
        );
        let state = dir.path().join(".bcdc-sync").join(format!("{name}.json"));
        assert_eq!(
            state.exists(),
            *name == "a.bcdc.yaml",
            "{}",
            state.display()
        );
    }
    // No lock or temporary file left.
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.') && n != ".bcdc-sync")
        .collect();
    assert!(left.is_empty(), "{left:?}");
    assert!(Path::new(dir.path()).exists());
}

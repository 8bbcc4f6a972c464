//! Completion, hover, document symbols and quick fixes over the protocol,
//! against the real server. Each quick fix is applied as the client would
//! (its edits sent back as incremental changes) and the next diagnostics
//! must no longer hold the diagnostic it fixed.

mod common;
use common::{apply, offset, Lsp, VALID};
use serde_json::{json, Value};

const YAML_URI: &str = "file:///work/lake.bcdc.yaml";
const JSON_URI: &str = "file:///work/lake.bcdc.json";

/// A client like VS Code: snippets, and it runs `editor.action.triggerSuggest`.
fn vscode() -> (Lsp, Value) {
    Lsp::start_with_params(
        json!({
            "processId": null,
            "rootUri": null,
            "clientInfo": {"name": "Visual Studio Code", "version": "1.100.0"},
            "capabilities": {"textDocument": {"completion": {"completionItem": {"snippetSupport": true}}}},
        }),
        &[],
    )
}

/// The UTF-16 position of a byte offset.
fn position(text: &str, at: usize) -> Value {
    let line = text[..at].matches('\n').count();
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    json!({"line": line, "character": text[start..at].encode_utf16().count()})
}

fn complete(lsp: &mut Lsp, uri: &str, text: &str, at: usize) -> Vec<Value> {
    let result = lsp.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": position(text, at)}),
    );
    assert_eq!(result["isIncomplete"], true);
    result["items"].as_array().unwrap().clone()
}

fn item<'a>(items: &'a [Value], label: &str) -> &'a Value {
    items
        .iter()
        .find(|i| i["label"] == label)
        .unwrap_or_else(|| panic!("no {label} in {items:#?}"))
}

#[test]
fn completion_hover_and_symbols_over_the_protocol() {
    let (mut lsp, init) = vscode();
    let caps = &init["capabilities"];
    assert_eq!(caps["hoverProvider"], true);
    assert_eq!(caps["documentSymbolProvider"], true);
    assert!(caps["completionProvider"]["triggerCharacters"]
        .as_array()
        .unwrap()
        .contains(&json!(":")));

    let text = VALID.replace("security_class: PUBLIC", "security_class: ");
    lsp.open(YAML_URI, "yaml", &text);
    lsp.diagnostics(YAML_URI);
    let at = text.find("security_class: ").unwrap() + "security_class: ".len();
    let items = complete(&mut lsp, YAML_URI, &text, at);
    let labels: Vec<&str> = items.iter().map(|i| i["label"].as_str().unwrap()).collect();
    assert_eq!(
        labels,
        ["PUBLIC", "PROTECTED A", "PROTECTED B", "PROTECTED C"]
    );
    let a = item(&items, "PROTECTED A");
    assert_eq!(a["detail"], "Protected-A");
    assert_eq!(a["kind"], 20); // EnumMember
    assert_eq!(a["textEdit"]["newText"], "PROTECTED A");
    assert_eq!(a["textEdit"]["range"]["start"], position(&text, at));

    // a key: the dropdown's key re-opens completion for its values
    let text = VALID.replace("security_class: PUBLIC\n", "secu\n");
    lsp.change(YAML_URI, 2, json!([{"text": text}]));
    let at = text.find("secu\n").unwrap() + 4;
    let items = complete(&mut lsp, YAML_URI, &text, at);
    let key = item(&items, "security_class");
    assert_eq!(key["kind"], 5); // Field
    assert_eq!(key["textEdit"]["newText"], "security_class: ");
    assert_eq!(key["command"]["command"], "editor.action.triggerSuggest");
    assert!(key["documentation"]["value"]
        .as_str()
        .unwrap()
        .contains("Security Classification"));

    // a list of objects: a snippet with the entry's required fields
    let text = VALID.replace("dates:\n  - type: Created\n    date: 2024-01-15\n", "da\n");
    lsp.change(YAML_URI, 3, json!([{"text": text}]));
    let at = text.find("da\n").unwrap() + 2;
    let items = complete(&mut lsp, YAML_URI, &text, at);
    let dates = item(&items, "dates");
    assert_eq!(dates["insertTextFormat"], 2);
    assert_eq!(
        dates["textEdit"]["newText"],
        "dates:\n  - type: $1\n    date: $2"
    );
    // deeper, a snippet's further lines are relative to its line (the
    // client indents them), plain text is absolute
    let text = VALID.replace(
        "    temporal_extent:\n      - beginning_date: 1985-04-01\n        end_date: 2024-12-31\n",
        "    temp\n",
    );
    lsp.change(YAML_URI, 4, json!([{"text": text}]));
    let at = text.find("    temp\n").unwrap() + 8;
    let items = complete(&mut lsp, YAML_URI, &text, at);
    let extent = item(&items, "temporal_extent");
    assert_eq!(extent["insertTextMode"], 2);
    assert_eq!(
        extent["textEdit"]["newText"],
        "temporal_extent:\n  - beginning_date: $1\n    end_date: $2"
    );

    // hover on a key and on a value
    let at = VALID.find("resource_status").unwrap() + 2;
    lsp.change(YAML_URI, 5, json!([{"text": VALID}]));
    let hover = lsp.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": YAML_URI}, "position": position(VALID, at)}),
    );
    assert_eq!(hover["contents"]["kind"], "markdown");
    let md = hover["contents"]["value"].as_str().unwrap();
    assert!(md.contains("`onGoing` — On Going **(current)**"), "{md}");
    assert_eq!(hover["range"]["start"], position(VALID, at - 2));

    let symbols = lsp.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": YAML_URI}}),
    );
    let contacts = symbols
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "contacts")
        .unwrap();
    assert_eq!(contacts["children"][0]["name"], "Jane Doe");
    lsp.shutdown();
}

#[test]
fn plain_text_for_clients_without_snippets_or_suggest_command() {
    let (mut lsp, _) = Lsp::start(json!({}), json!({}));
    let text = "type: bcdc_dataset\ncont";
    lsp.open(YAML_URI, "yaml", text);
    lsp.diagnostics(YAML_URI);
    let items = complete(&mut lsp, YAML_URI, text, text.len());
    let contacts = item(&items, "contacts");
    assert_eq!(contacts["insertTextFormat"], 1);
    assert_eq!(contacts["insertTextMode"], 1);
    assert_eq!(
        contacts["textEdit"]["newText"],
        "contacts:\n  - name: \n    email: \n    org: \n    role: "
    );
    let text = "type: bcdc_dataset\nsecurity_cl";
    lsp.change(YAML_URI, 2, json!([{"text": text}]));
    let items = complete(&mut lsp, YAML_URI, text, text.len());
    assert!(item(&items, "security_class").get("command").is_none());
    // JSON, in UTF-16 past a non-ASCII title
    let json_text = "{\"title\": \"Lac Élan 😀\", \"security_class\": \"PRO\"}";
    lsp.open(JSON_URI, "json", json_text);
    lsp.diagnostics(JSON_URI);
    let at = json_text.find("PRO").unwrap() + 3;
    let items = complete(&mut lsp, JSON_URI, json_text, at);
    let a = item(&items, "PROTECTED A");
    let applied = apply(json_text, std::slice::from_ref(&a["textEdit"]));
    assert_eq!(
        applied,
        "{\"title\": \"Lac Élan 😀\", \"security_class\": \"PROTECTED A\"}"
    );
    lsp.shutdown();
}

/// Fields of a diagnostic that stay the same when its range moves.
fn identity(d: &Value) -> (String, String, String) {
    (
        d["code"].as_str().unwrap_or_default().to_string(),
        d["data"]["pointer"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        d["message"].as_str().unwrap_or_default().to_string(),
    )
}

/// Opens `text`, asks for the fixes of the diagnostic with `code` at
/// `pointer`, applies the one titled `title` as the client would, and
/// checks the next diagnostics. Returns the fixed text.
fn fix_over_lsp(
    lsp: &mut Lsp,
    uri: &str,
    version: &mut i64,
    text: &str,
    code: &str,
    pointer: &str,
    title: &str,
) -> String {
    *version += 1;
    lsp.change(uri, *version, json!([{"text": text}]));
    let before = lsp.diagnostics_until(uri, *version).pop().unwrap();
    let before = before["diagnostics"].as_array().unwrap().clone();
    let d = before
        .iter()
        .find(|d| d["code"] == code && d["data"]["pointer"] == pointer)
        .unwrap_or_else(|| panic!("no {code} at {pointer}: {before:#?}"))
        .clone();
    let actions = lsp.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri},
            "range": d["range"],
            "context": {"diagnostics": [d], "only": ["quickfix"]},
        }),
    );
    let action = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"].as_str().unwrap().contains(title))
        .unwrap_or_else(|| panic!("no fix {title:?} in {actions:#?}"))
        .clone();
    assert_eq!(action["kind"], "quickfix");
    assert_eq!(action["diagnostics"], json!([d]));
    let edits = action["edit"]["changes"][uri].as_array().unwrap().clone();
    let fixed = apply(text, &edits);
    // the client sends the edits back, last first
    let mut sorted = edits.clone();
    sorted.sort_by_key(|e| std::cmp::Reverse(offset(text, &e["range"]["start"])));
    let changes: Vec<Value> = sorted
        .iter()
        .map(|e| json!({"range": e["range"], "text": e["newText"]}))
        .collect();
    *version += 1;
    lsp.change(uri, *version, Value::Array(changes));
    let after = lsp.diagnostics_until(uri, *version).pop().unwrap();
    let after = after["diagnostics"].as_array().unwrap().clone();
    // a missing field added with no value is reported again on its new key
    let gone = |a: &Value| {
        identity(a) == identity(&d) && !a["message"].as_str().unwrap().contains("no value yet")
    };
    let moved = |a: &Value| {
        a["code"] == "conditional-required"
            && identity(a) == identity(&d)
            && offset(&fixed, &a["range"]["start"]) != offset(text, &d["range"]["start"])
    };
    assert!(
        !after.iter().any(|a| gone(a) && !moved(a)),
        "{title}: still there\n{fixed}"
    );
    // nothing else got worse
    let errors = |ds: &[Value]| {
        ds.iter()
            .filter(|d| !d["message"].as_str().unwrap().contains("no value yet"))
            .count()
    };
    assert!(
        errors(&after) < errors(&before) || after.len() < before.len() || title.starts_with("Add"),
        "{title}: {after:#?}"
    );
    fixed
}

#[test]
fn every_kind_of_quick_fix_applied_over_the_protocol_in_yaml() {
    let (mut lsp, init) = vscode();
    let kinds = &init["capabilities"]["codeActionProvider"]["codeActionKinds"];
    assert!(kinds.as_array().unwrap().contains(&json!("quickfix")));
    lsp.open(YAML_URI, "yaml", VALID);
    lsp.diagnostics(YAML_URI);
    let mut v = 1;
    let with = |from: &str, to: &str| VALID.replacen(from, to, 1);
    let cases = [
        (
            with("security_class: PUBLIC", "security_class: Protected-A"),
            "invalid-choice",
            "/security_class",
            "Change to `PROTECTED A`",
        ),
        (
            with("security_class: PUBLIC", "security_class: SECRET"),
            "invalid-choice",
            "/security_class",
            "Change to `PROTECTED B`",
        ),
        (
            with("publish_state: DRAFT", "publish_state: PUBLISHED"),
            "invalid-state",
            "/publish_state",
            "Change to `DRAFT`",
        ),
        (
            with("    role: custodian\n", ""),
            "missing-required",
            "/contacts/1/role",
            "Add `role`",
        ),
        (
            with(
                "    email: jane.doe@example.invalid\n    org: lsp-test-org\n",
                "",
            ),
            "missing-required",
            "/contacts/0/org",
            "Add all 2",
        ),
        (
            with("resource_status: onGoing", "resource_status: obsolete"),
            "conditional-required",
            "/replacement_record",
            "Add",
        ),
        (
            with("\nnotes:", "\ndescription:"),
            "unknown-field",
            "/description",
            "Rename `description` to `notes`",
        ),
        (
            with("owner_org:", "published_by:"),
            "unknown-field",
            "/published_by",
            "Rename `published_by` to `owner_org`",
        ),
        (
            format!("package_id: abc\n{VALID}"),
            "unknown-field",
            "/package_id",
            "Rename `package_id` to `id`",
        ),
        (
            with("purpose:", "custom:\n  a: 1\npurpose:"),
            "unknown-field",
            "/custom",
            "Remove `custom`",
        ),
        (
            format!("{VALID}api_key: abc\n"),
            "secret-in-record",
            "/api_key",
            "Remove `api_key`",
        ),
        (
            with("displayed: [displayed]", "displayed: true"),
            "wrong-type",
            "/contacts/0/displayed",
            "Change to `[displayed]`",
        ),
        (
            with(
                "  - name: Water Data Team\n    email: water.data@example.invalid\n    org: lsp-test-org\n    role: custodian\n    displayed: []\n",
                "",
            )
            .replacen("  - name: Jane Doe\n    email: jane.doe@example.invalid\n    org: lsp-test-org\n    role: pointOfContact\n    displayed: [displayed]\n",
                "  name: Jane Doe\n  email: jane.doe@example.invalid\n  org: lsp-test-org\n  role: pointOfContact\n  displayed: [displayed]\n", 1),
            "wrong-type",
            "/contacts",
            "Make `contacts` a list of this one entry",
        ),
        (
            with("tag_string:", "tags:"),
            "wrong-type",
            "/tags",
            "Write the keywords as `tag_string: water quality, lakes, Okanagan, monitoring`",
        ),
    ];
    for (text, code, pointer, title) in &cases {
        let fixed = fix_over_lsp(&mut lsp, YAML_URI, &mut v, text, code, pointer, title);
        assert!(
            fixed.contains("# A typical BC Data Catalogue record"),
            "comments kept"
        );
    }
    lsp.shutdown();
}

#[test]
fn every_kind_of_quick_fix_applied_over_the_protocol_in_json() {
    let (mut lsp, _) = Lsp::start(json!({}), json!({}));
    let base = serde_json::to_string_pretty(&bcdc_json(VALID)).unwrap();
    lsp.open(JSON_URI, "json", &base);
    lsp.diagnostics(JSON_URI);
    let mut v = 1;
    let with = |from: &str, to: &str| base.replacen(from, to, 1);
    let cases = [
        (
            with("\"PUBLIC\"", "\"Protected-A\""),
            "invalid-choice",
            "/security_class",
            "Change to `PROTECTED A`",
        ),
        (
            with("\"DRAFT\"", "\"PUBLISHED\""),
            "invalid-state",
            "/publish_state",
            "Change to `DRAFT`",
        ),
        (
            with("\"role\": \"custodian\",\n", ""),
            "missing-required",
            "/contacts/1/role",
            "Add `role`",
        ),
        (
            with("\"notes\":", "\"description\":"),
            "unknown-field",
            "/description",
            "Rename `description` to `notes`",
        ),
        (
            with("{", "{\n  \"api_key\": \"abc\","),
            "secret-in-record",
            "/api_key",
            "Remove `api_key`",
        ),
        (
            with(
                "\"displayed\": [\n        \"displayed\"\n      ]",
                "\"displayed\": true",
            ),
            "wrong-type",
            "/contacts/0/displayed",
            "Change to `[displayed]`",
        ),
        (
            with("\"tag_string\":", "\"tags\":"),
            "wrong-type",
            "/tags",
            "Write the keywords",
        ),
    ];
    for (text, code, pointer, title) in &cases {
        assert_ne!(text, &base, "{title}: the case changed nothing");
        fix_over_lsp(&mut lsp, JSON_URI, &mut v, text, code, pointer, title);
    }
    lsp.shutdown();
}

/// A YAML record as JSON (the same keys in the same order).
fn bcdc_json(yaml: &str) -> Value {
    use bcdc_lsp::syntax::{Document, Format};
    Document::parse(yaml, Format::Yaml)
        .root()
        .unwrap()
        .to_json()
}

#[test]
fn a_tags_list_is_rewritten_where_the_cursor_is() {
    let (mut lsp, _) = Lsp::start(json!({}), json!({}));
    let text = VALID.replacen(
        "tag_string: water quality, lakes, Okanagan, monitoring",
        "tags: [water, lakes]",
        1,
    );
    lsp.open(YAML_URI, "yaml", &text);
    lsp.diagnostics(YAML_URI);
    let at = text.find("tags").unwrap();
    let actions = lsp.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": YAML_URI},
            "range": {"start": position(&text, at), "end": position(&text, at)},
            "context": {"diagnostics": []},
        }),
    );
    let rewrite = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["kind"] == "refactor.rewrite")
        .unwrap();
    let edits = rewrite["edit"]["changes"][YAML_URI].as_array().unwrap();
    assert!(apply(&text, edits).contains("\ntag_string: water, lakes\n"));
    lsp.shutdown();
}

mod catalogue_fake;

/// Completion items at `at`, asked until some arrive (organizations load
/// in the background).
fn complete_until_some(lsp: &mut Lsp, uri: &str, text: &str, at: usize) -> Vec<Value> {
    let deadline = std::time::Instant::now() + common::TIMEOUT;
    loop {
        let items = complete(lsp, uri, text, at);
        if !items.is_empty() || std::time::Instant::now() > deadline {
            return items;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[test]
fn organizations_come_from_the_catalogue_then_from_the_disk_cache() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let orgs = json!([
        {"id": "0a1b", "name": "water", "title": "Ministry of Water"},
        {"id": "2c3d", "name": "forests", "title": "Ministry of Forests"},
    ]);
    let licences = json!([{"id": "2", "title": "Open Government Licence - British Columbia"}]);
    let fake = runtime.block_on(catalogue_fake::start(vec![
        catalogue_fake::ok(orgs),
        catalogue_fake::ok(licences),
    ]));
    let cache = tempfile::tempdir().unwrap();
    let env = [("XDG_CACHE_HOME", cache.path().to_str().unwrap())];
    let text = VALID.replace("owner_org: lsp-test-org", "owner_org: wat");
    let at = text.find("owner_org: wat").unwrap() + "owner_org: wat".len();

    let (mut lsp, _) = Lsp::start_with_env(json!({}), json!({"catalogue": fake.url}), &env);
    lsp.open(YAML_URI, "yaml", &text);
    let items = complete_until_some(&mut lsp, YAML_URI, &text, at);
    assert_eq!(items.len(), 1, "{items:#?}");
    assert_eq!(
        (&items[0]["label"], &items[0]["detail"]),
        (&json!("0a1b"), &json!("Ministry of Water"))
    );
    assert_eq!(items[0]["textEdit"]["newText"], "0a1b");
    let asked: Vec<String> = fake.requests().iter().map(|r| r.target.clone()).collect();
    assert_eq!(
        asked,
        [
            "/api/3/action/organization_list?all_fields=true",
            "/api/3/action/license_list"
        ]
    );
    lsp.shutdown();

    // a new start within the hour: the cached list, without asking again
    let (mut lsp, _) = Lsp::start_with_env(json!({}), json!({"catalogue": fake.url}), &env);
    lsp.open(YAML_URI, "yaml", &text);
    let items = complete_until_some(&mut lsp, YAML_URI, &text, at);
    assert_eq!(items[0]["label"], "0a1b");
    lsp.shutdown();
    assert_eq!(fake.requests().len(), 2);
}

#[test]
fn keywords_come_from_the_workspace_record_files() {
    let workspace = tempfile::tempdir().unwrap();
    let nested = workspace.path().join("records");
    std::fs::create_dir_all(&nested).unwrap();
    std::fs::write(
        nested.join("rivers.bcdc.yaml"),
        "tag_string: salmon, rivers\n",
    )
    .unwrap();
    std::fs::write(nested.join("notes.yaml"), "tag_string: sardines\n").unwrap();
    let folder = format!("file://{}", workspace.path().display());
    let (mut lsp, _) = Lsp::start_with_params(
        json!({
            "processId": null,
            "rootUri": null,
            "workspaceFolders": [{"uri": folder, "name": "w"}],
            "capabilities": {},
        }),
        &[],
    );
    let text = VALID.replace(
        "tag_string: water quality, lakes, Okanagan, monitoring",
        "tag_string: lakes, sa",
    );
    lsp.open(YAML_URI, "yaml", &text);
    let at = text.find("lakes, sa").unwrap() + "lakes, sa".len();
    let items = complete_until_some(&mut lsp, YAML_URI, &text, at);
    let labels: Vec<&str> = items.iter().map(|i| i["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["salmon"], "only record files are read");
    assert_eq!(
        apply(&text, std::slice::from_ref(&items[0]["textEdit"])),
        VALID.replace(
            "tag_string: water quality, lakes, Okanagan, monitoring",
            "tag_string: lakes, salmon"
        )
    );
    lsp.shutdown();
}

#[test]
fn utf8_positions_when_the_client_offers_them() {
    let (mut lsp, init) = Lsp::start(
        json!({"general": {"positionEncodings": ["utf-8", "utf-16"]}}),
        json!({}),
    );
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");
    let text = "type: bcdc_dataset\ntitle: Lac Élan 😀\nsecurity_class: \"PRO\"  # é\n";
    lsp.open(YAML_URI, "yaml", text);
    lsp.diagnostics(YAML_URI);
    let at = text.find("PRO").unwrap() + 3;
    let line_start = text[..at].rfind('\n').unwrap() + 1;
    let result = lsp.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": YAML_URI}, "position": {"line": 2, "character": at - line_start}}),
    );
    let b = item(result["items"].as_array().unwrap(), "PROTECTED B");
    assert_eq!(
        b["textEdit"]["range"],
        json!({"start": {"line": 2, "character": 17}, "end": {"line": 2, "character": 20}})
    );
    assert_eq!(b["textEdit"]["newText"], "PROTECTED B");
    // hover on the title's value, past multi-byte characters
    let hover = lsp.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": YAML_URI}, "position": {"line": 1, "character": 12}}),
    );
    assert_eq!(
        hover["range"],
        json!({"start": {"line": 1, "character": 7}, "end": {"line": 1, "character": 21}})
    );
    lsp.shutdown();
}

#[test]
fn publish_state_falls_back_to_every_state_when_the_catalogue_is_unreachable() {
    // A loopback port nothing listens on: the catalogue refuses the connection.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().to_str().unwrap();
    let env = [("XDG_CACHE_HOME", dir), ("XDG_CONFIG_HOME", dir)];
    let catalogue = format!("http://127.0.0.1:{port}");
    let (mut lsp, _) = Lsp::start_with_env(json!({}), json!({"catalogue": catalogue}), &env);
    let text = format!(
        "id: 9ffb4858-75aa-46b4-a645-7655a6ba9e72\n{}",
        VALID.replace("publish_state: DRAFT", "publish_state: PENDING PUBLISH")
    );
    let at = text.find("PENDING PUBLISH").unwrap();
    lsp.open(YAML_URI, "yaml", &text);
    // Until the catalogue has been asked, the file's state stands for it.
    let deadline = std::time::Instant::now() + common::TIMEOUT;
    let items = loop {
        let items = complete(&mut lsp, YAML_URI, &text, at);
        let asked = items.iter().any(|i| {
            i["detail"]
                .as_str()
                .is_some_and(|d| d.contains("unreachable"))
        });
        if asked || std::time::Instant::now() > deadline {
            break items;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let labels: Vec<&str> = items.iter().map(|i| i["label"].as_str().unwrap()).collect();
    assert_eq!(
        labels,
        [
            "DRAFT",
            "PENDING PUBLISH",
            "PUBLISHED",
            "PENDING ARCHIVE",
            "ARCHIVED"
        ]
    );
    for item in &items {
        let detail = item["detail"].as_str().unwrap();
        assert!(detail.contains("catalogue unreachable"), "{detail}");
    }
    lsp.shutdown();
}

#[test]
fn legacy_shapes_get_their_quick_fix_over_the_protocol() {
    let (mut lsp, _) = vscode();
    lsp.open(YAML_URI, "yaml", VALID);
    lsp.diagnostics(YAML_URI);
    let mut v = 1;
    let with = |from: &str, to: &str| VALID.replacen(from, to, 1);
    let cases = [
        (
            with(
                "    temporal_extent:\n      - beginning_date: 1985-04-01\n        end_date: 2024-12-31\n",
                "    temporal_extent: '[{\"beginning_date\": \"1985-04-01\", \"end_date\": \"2024-12-31\"}]'\n",
            ),
            "legacy-json-text",
            "/resources/0/temporal_extent",
            "Write `temporal_extent` as a list (1 entry)",
        ),
        (
            with(
                "purpose: Track long-term trends in lake health and nutrient loading.",
                "purpose: \"null\"",
            ),
            "legacy-null-text",
            "/purpose",
            "Remove `purpose`",
        ),
        (
            with("dates:\n", "  - \"[object Object]\": \"\"\ndates:\n"),
            "legacy-object-junk",
            "/contacts/2",
            "Remove the `[object Object]` entry",
        ),
        (
            with("displayed: []", "displayed: \"false\""),
            "legacy-boolean-text",
            "/contacts/1/displayed",
            "Change to `[]`",
        ),
        (
            with("    format: csv\n", "    format: csv\n    spatial_datatype: \"\"\n"),
            "empty-choice",
            "/resources/0/spatial_datatype",
            "Remove the empty `spatial_datatype`",
        ),
    ];
    for (text, code, pointer, title) in &cases {
        let fixed = fix_over_lsp(&mut lsp, YAML_URI, &mut v, text, code, pointer, title);
        assert!(fixed.contains("# A typical BC Data Catalogue record"));
    }
    lsp.shutdown();
}

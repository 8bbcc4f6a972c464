//! `bcdc-lsp publish / patch / pull` as a user runs them, against the raw-HTTP fake:
//! the record file changes only after the catalogue confirmed, and then only by the id.

mod catalogue_fake;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use catalogue_fake::{json, ok, reply, start, Fake};
use serde_json::json;

const KEY: &str = "cli-test-key-7c1e3b";
const ID: &str = "0b7f6a52-3c1d-4e8f-9a2b-5d6c7e8f9a0b";

const RECORD: &str = "# CLI test record\n\
type: bcdc_dataset\n\
name: cli-test\n\
title: CLI test\n\
owner_org: lsp-test-org  # Published By\n\
notes: Made by the CLI tests.\n\
license_id: \"2\"\n\
publish_state: DRAFT\n\
security_class: PUBLIC\n\
view_audience: Public\n\
download_audience: Public\n\
metadata_visibility: Public\n\
resource_status: onGoing\n\
tag_string: lsp\n";

fn stored() -> serde_json::Value {
    json!({
        "id": ID, "name": "cli-test", "type": "bcdc_dataset", "title": "CLI test",
        "notes": "Made by the CLI tests.", "owner_org": "c46e",
        "organization": {"id": "c46e", "name": "lsp-test-org"},
        "license_id": "2", "publish_state": "DRAFT", "security_class": "PUBLIC",
        "view_audience": "Public", "download_audience": "Public", "metadata_visibility": "Public",
        "resource_status": "onGoing", "tags": [{"name": "lsp"}], "resources": []
    })
}

fn not_found() -> catalogue_fake::Behaviour {
    json(
        404,
        r#"{"success": false, "error": {"__type": "Not Found Error", "message": "Not found"}}"#,
    )
}

struct Workspace {
    dir: tempfile::TempDir,
    file: PathBuf,
}

fn workspace(text: &str) -> Workspace {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("r.bcdc.yaml");
    std::fs::write(&file, text).unwrap();
    Workspace { dir, file }
}

impl Workspace {
    fn files(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    fn text(&self) -> String {
        std::fs::read_to_string(&self.file).unwrap()
    }
}

/// Runs the binary with an empty config dir, the key in BCDC_API_KEY (unless `key` is
/// None) for the loopback fakes (BCDC_API_KEY_HOST) and no terminal on stdin.
async fn run(args: &[&str], key: Option<&str>, config_home: &Path) -> Output {
    run_with_key_host(args, key, Some("127.0.0.1"), config_home).await
}

async fn run_with_key_host(
    args: &[&str],
    key: Option<&str>,
    key_host: Option<&str>,
    config_home: &Path,
) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_bcdc-lsp"));
    command
        .args(args)
        .env("XDG_CONFIG_HOME", config_home)
        .env("HOME", config_home)
        .env_remove("BCDC_API_KEY")
        .env_remove("BCDC_API_KEY_HOST")
        .stdin(Stdio::null());
    if let Some(key) = key {
        command.env("BCDC_API_KEY", key);
    }
    if let Some(host) = key_host {
        command.env("BCDC_API_KEY_HOST", host);
    }
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn assert_no_key(output: &Output) {
    assert!(!stdout(output).contains(KEY) && !stderr(output).contains(KEY));
}

async fn publish(fake: &Fake, ws: &Workspace, extra: &[&str]) -> Output {
    let file = ws.file.to_str().unwrap();
    let mut args = vec!["publish", file, "--host", &fake.url];
    args.extend_from_slice(extra);
    let config = tempfile::tempdir().unwrap();
    run(&args, Some(KEY), config.path()).await
}

#[tokio::test(flavor = "multi_thread")]
async fn publish_writes_only_the_id_after_the_catalogue_confirmed() {
    let fake = start(vec![not_found(), ok(stored())]).await;
    let ws = workspace(RECORD);
    let output = publish(&fake, &ws, &[]).await;
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains(&format!("published cli-test on {}", &fake.url[7..])));
    assert_eq!(
        ws.text(),
        RECORD.replacen(
            "type: bcdc_dataset",
            &format!("id: {ID}\ntype: bcdc_dataset"),
            1
        )
    );
    // No temporary or lock file left behind; the synchronisation state beside it.
    assert_eq!(ws.files(), [".bcdc-sync", "r.bcdc.yaml"]);
    let state = ws.dir.path().join(".bcdc-sync/r.bcdc.yaml.json");
    assert!(std::fs::read_to_string(state).unwrap().contains(ID));
    assert_eq!(fake.requests()[1].header("authorization"), Some(KEY));
    assert_no_key(&output);
}

#[tokio::test(flavor = "multi_thread")]
async fn publish_writes_the_resource_ids_into_their_entries() {
    let resource = "resources:\n  # the data\n  - name: Samples   # CSV\n    url: https://example.invalid/s.csv\n    \
                    bcdc_type: document\n    resource_update_cycle: monthly\n    format: csv\n    \
                    resource_storage_location: web or ftp site\n    resource_type: data\n    \
                    resource_access_method: direct access\n";
    let mut created = stored();
    created["resources"] = json!([{"id": "5e1f-r", "name": "Samples", "position": 0}]);
    let fake = start(vec![not_found(), ok(created)]).await;
    let text = format!("{RECORD}{resource}");
    let ws = workspace(&text);
    let output = publish(&fake, &ws, &[]).await;
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        ws.text(),
        text.replacen(
            "type: bcdc_dataset",
            &format!("id: {ID}\ntype: bcdc_dataset"),
            1
        )
        .replacen("  - name: Samples", "  - id: 5e1f-r\n    name: Samples", 1)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn failed_publish_leaves_the_file_byte_for_byte() {
    let fake = start(vec![
        not_found(),
        reply(
            500,
            "text/html",
            "<html><title>Internal Server Error</title></html>",
        ),
    ])
    .await;
    let ws = workspace(RECORD);
    let output = publish(&fake, &ws, &[]).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("Internal Server Error"),
        "{}",
        stderr(&output)
    );
    assert_eq!(ws.text(), RECORD);
    assert_eq!(ws.files(), ["r.bcdc.yaml"]);
    assert_no_key(&output);
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_record_is_not_sent() {
    let fake = start(vec![]).await;
    let bad = RECORD.replace("security_class: PUBLIC", "security_class: SECRET");
    let ws = workspace(&bad);
    let output = publish(&fake, &ws, &[]).await;
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.contains("r.bcdc.yaml:9:"), "{err}");
    assert!(fake.requests().is_empty());
    assert_eq!(ws.text(), bad);
}

/// Without keywords the catalogue's API accepts the record; only its web form asks for
/// them: publish asks first, and without a terminal only `--yes` sends it.
#[tokio::test(flavor = "multi_thread")]
async fn form_only_problems_need_yes_without_a_terminal() {
    let fake = start(vec![not_found(), ok(stored())]).await;
    let text = RECORD.replace("tag_string: lsp\n", "");
    let ws = workspace(&text);
    let output = publish(&fake, &ws, &[]).await;
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(
        err.contains("the catalogue's API accepts this record")
            && err.contains("Keywords")
            && err.contains("pass --yes to publish anyway"),
        "{err}"
    );
    assert!(fake.requests().is_empty());
    assert_eq!(ws.text(), text);
    let output = publish(&fake, &ws, &["--yes"]).await;
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(fake.requests().len(), 2);
    assert!(ws
        .text()
        .starts_with(&format!("# CLI test record\nid: {ID}\n")));
}

#[tokio::test(flavor = "multi_thread")]
async fn second_publish_is_refused_while_one_runs() {
    let fake = start(vec![]).await;
    let ws = workspace(RECORD);
    // A live lock (this test process holds it).
    let _lock = bcdc_lsp::catalogue::LockFile::acquire(&ws.file).unwrap();
    let output = publish(&fake, &ws, &[]).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("is running"),
        "{}",
        stderr(&output)
    );
    assert!(fake.requests().is_empty());
    assert_eq!(ws.text(), RECORD);
}

#[tokio::test(flavor = "multi_thread")]
async fn dry_run_prints_the_request_and_sends_nothing() {
    let fake = start(vec![]).await;
    let ws = workspace(RECORD);
    let output = publish(&fake, &ws, &["--dry-run"]).await;
    assert!(output.status.success(), "{}", stderr(&output));
    let out = stdout(&output);
    assert!(
        out.starts_with(&format!(
            "POST {}/api/3/action/package_create\n{{\n",
            fake.url
        )),
        "{out}"
    );
    let body: serde_json::Value = serde_json::from_str(out.split_once('\n').unwrap().1).unwrap();
    assert_eq!(body["type"], "bcdc_dataset");
    assert_eq!(body["name"], "cli-test");
    assert!(fake.requests().is_empty());
    assert_eq!(ws.text(), RECORD);
}

#[tokio::test(flavor = "multi_thread")]
async fn patch_shows_the_diff_and_needs_yes_without_a_terminal() {
    // show; then show, show again just before sending, patch
    let fake = start(vec![ok(stored()), ok(stored()), ok(stored()), ok(stored())]).await;
    let text =
        format!("id: {ID}\n{RECORD}").replace("notes: Made by the CLI tests.", "notes: New.");
    let ws = workspace(&text);
    let config = tempfile::tempdir().unwrap();
    let file = ws.file.to_str().unwrap();
    let output = run(
        &["patch", file, "--host", &fake.url],
        Some(KEY),
        config.path(),
    )
    .await;
    assert_eq!(output.status.code(), Some(1));
    let out = stdout(&output);
    assert!(
        out.contains("~ notes\n  - notes: Made by the CLI tests.\n  + notes: New.\n"),
        "{out}"
    );
    assert!(
        stderr(&output).contains("pass --yes"),
        "{}",
        stderr(&output)
    );
    assert_eq!(fake.requests().len(), 1, "only package_show");
    let output = run(
        &["patch", file, "--host", &fake.url, "--yes"],
        Some(KEY),
        config.path(),
    )
    .await;
    assert!(output.status.success(), "{}", stderr(&output));
    let sent: serde_json::Value = serde_json::from_slice(&fake.requests()[3].body).unwrap();
    assert_eq!(sent, json!({"id": ID, "notes": "New."}));
    assert_eq!(ws.text(), text, "patch never writes the file");
}

#[tokio::test(flavor = "multi_thread")]
async fn pull_writes_new_files_only_and_to_stdout_by_default() {
    let fake = start(vec![ok(stored()), ok(stored())]).await;
    let ws = workspace(RECORD);
    let config = tempfile::tempdir().unwrap();
    let output = run(
        &["pull", "cli-test", "--host", &fake.url],
        None,
        config.path(),
    )
    .await;
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("\nname: cli-test\n"));
    let target = ws.dir.path().join("pulled.bcdc.json");
    let target_str = target.to_str().unwrap();
    let output = run(
        &["pull", "cli-test", "--host", &fake.url, "-o", target_str],
        None,
        config.path(),
    )
    .await;
    assert!(output.status.success(), "{}", stderr(&output));
    let pulled: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&target).unwrap()).unwrap();
    assert_eq!(pulled["id"], ID);
    // An existing file is never overwritten.
    let file = ws.file.to_str().unwrap();
    let output = run(
        &["pull", "cli-test", "--host", &fake.url, "-o", file],
        None,
        config.path(),
    )
    .await;
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(ws.text(), RECORD);
}

#[tokio::test(flavor = "multi_thread")]
async fn key_from_the_config_file_goes_to_its_host_only() {
    let fake = start(vec![ok(stored())]).await;
    let config = tempfile::tempdir().unwrap();
    let dir = config.path().join("bcdc-lsp");
    std::fs::create_dir_all(&dir).unwrap();
    let host = &fake.url["http://".len()..];
    std::fs::write(
        dir.join("config.toml"),
        format!("[hosts.\"{host}\"]\napi_key = \"{KEY}\"\n[hosts.\"cat.data.gov.bc.ca\"]\napi_key = \"other\"\n"),
    )
    .unwrap();
    let output = run(
        &["pull", "cli-test", "--host", &fake.url],
        None,
        config.path(),
    )
    .await;
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(fake.requests()[0].header("authorization"), Some(KEY));
}

/// BCDC_API_KEY names no host, and the host may come from a cloned repository's
/// bcdc.toml: without BCDC_API_KEY_HOST it goes to the BC catalogues only.
#[tokio::test(flavor = "multi_thread")]
async fn environment_key_goes_to_another_host_only_when_named() {
    let config = tempfile::tempdir().unwrap();
    let fake = start(vec![ok(stored())]).await;
    let output = run_with_key_host(
        &["pull", "cli-test", "--host", &fake.url],
        Some(KEY),
        None,
        config.path(),
    )
    .await;
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(fake.requests()[0].header("authorization"), None);

    // the same from a repository's bcdc.toml naming the host
    let fake = start(vec![ok(stored())]).await;
    let ws = tempfile::tempdir().unwrap();
    std::fs::write(
        ws.path().join("bcdc.toml"),
        format!("host = \"{}\"\n", fake.url),
    )
    .unwrap();
    let out = ws.path().join("pulled.bcdc.yaml");
    let output = run_with_key_host(
        &["pull", "cli-test", "-o", out.to_str().unwrap()],
        Some(KEY),
        None,
        config.path(),
    )
    .await;
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(fake.requests().len(), 1, "bcdc.toml's host is used");
    assert_eq!(fake.requests()[0].header("authorization"), None);

    let host = &fake.url["http://".len()..];
    let fake = start(vec![ok(stored())]).await;
    let other = &fake.url["http://".len()..];
    assert_ne!(host, other);
    let output = run_with_key_host(
        &["pull", "cli-test", "--host", &fake.url],
        Some(KEY),
        Some(other),
        config.path(),
    )
    .await;
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(fake.requests()[0].header("authorization"), Some(KEY));
}

#[tokio::test(flavor = "multi_thread")]
async fn plain_http_to_another_host_is_refused() {
    let config = tempfile::tempdir().unwrap();
    let output = run(
        &["pull", "x", "--host", "http://catalogue.example.invalid"],
        Some(KEY),
        config.path(),
    )
    .await;
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("https://"), "{}", stderr(&output));
    assert_no_key(&output);
}

//! Cross-check against other portals' schemas on the real local CKAN: for each non-BCDC
//! dataset type the harness serves (ckanext-scheming's own examples `camel-photos`,
//! `dataset` and `subfields`, and the harness's `lsp-presets`), records go to
//! `package_create`; every record the portal rejects must get an error from
//! `bcdc-lsp check --host` on a field the portal's own errors name, and every one it
//! accepts must get none, or only findings it marks `form-only` (what the portal's web
//! form or policy asks but its API does not). The one place where the checker knowingly
//! says less than the API is asserted as such.
//! Everything created is purged, also when the test fails.
//!
//! Needs BCDC_TEST_CKAN_URL, BCDC_TEST_CKAN_TOKEN and BCDC_TEST_CKAN_ORG (skips without).

mod common;

use std::process::Command;

use bcdc_lsp::catalogue::record::api_body;
use bcdc_lsp::catalogue::{portal_schema, CatalogueError};
use bcdc_lsp::schema::{FieldKind, Schema};
use bcdc_lsp::syntax::{Document, Format};
use common::ckan::Ckan;
use serde_json::{json, Map, Value};

/// How a record fares on the portal and in `check`, and which of the known gaps explains
/// a difference.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Expect {
    /// The portal and the checker agree (whichever way).
    Agree,
    /// Accepted by the API, reported by the checker as `form-only`: a field only the
    /// portal's web form requires (its own validators do not), a licence id not in
    /// `license_list` (CKAN does not check `license_id`; the catalogue would show no
    /// licence).
    FormOnly,
    /// Rejected by the API, not reported: choices computed by the portal
    /// (`choices_helper`), which its API does not list and the checker does not guess.
    PortalChoices,
}

struct Case {
    what: &'static str,
    record: Value,
    expect: Expect,
}

fn case(what: &'static str, record: Value) -> Case {
    Case {
        what,
        record,
        expect: Expect::Agree,
    }
}

fn gap(what: &'static str, record: Value, expect: Expect) -> Case {
    Case {
        what,
        record,
        expect,
    }
}

/// `base` with `changes` merged in (a `null` stays, and removes the key from the record).
fn with(base: &Value, changes: Value) -> Value {
    let mut out = base.as_object().unwrap().clone();
    for (k, v) in changes.as_object().unwrap() {
        out.insert(k.clone(), v.clone());
    }
    Value::Object(out)
}

fn camel_cases() -> Vec<Case> {
    let base = json!({});
    let full = json!({
        "title": "Larry", "humps": 2, "category": "bactrian",
        "personality": ["friendly", "spits"], "other": "likes dates",
        "resources": [{"url": "https://example.invalid/larry.jpg", "camels_in_photo": 3,
                       "others_in_photo": "a tent", "datetime": "2024-02-15T10:30:00"}]
    });
    vec![
        case("only the URL name and organization", base.clone()),
        case("every field", full.clone()),
        case("humps as text", with(&full, json!({"humps": "4"}))),
        case(
            "a date without a time",
            with(
                &full,
                json!({"resources": [{"url": "https://example.invalid/a.jpg", "datetime": "2024-02-15"}]}),
            ),
        ),
        case("humps not a number", with(&full, json!({"humps": "two"}))),
        case("humps not whole", with(&full, json!({"humps": 2.5}))),
        case(
            "category not a choice",
            with(&full, json!({"category": "llama"})),
        ),
        case(
            "personality not a choice",
            with(&full, json!({"personality": ["grumpy"]})),
        ),
        case(
            "camels in photo not a number",
            with(
                &full,
                json!({"resources": [{"url": "https://example.invalid/a.jpg", "camels_in_photo": "many"}]}),
            ),
        ),
        case(
            "photo date not a date",
            with(
                &full,
                json!({"resources": [{"url": "https://example.invalid/a.jpg", "datetime": "yesterday"}]}),
            ),
        ),
        case(
            "URL name with capitals and spaces",
            json!({"name": "Larry The Camel"}),
        ),
        // CKAN core's owner_org_validator, with the default `create_unowned_dataset`
        case(
            "no organization (not a field of this schema)",
            json!({"owner_org": null}),
        ),
    ]
}

fn dataset_cases() -> Vec<Case> {
    let full = json!({
        "title": "River flows", "notes": "Daily flows.", "tag_string": "water, rivers",
        "license_id": "2", "url": "https://example.invalid/source", "version": "1.0",
        "author": "Jo", "author_email": "jo@example.invalid",
        "maintainer": "Al", "maintainer_email": "al@example.invalid",
        "resources": [{"url": "https://example.invalid/flows.csv", "name": "Flows",
                       "description": "All of them", "format": "CSV"}]
    });
    vec![
        case("only the URL name and organization", json!({})),
        case("every field", full.clone()),
        case(
            "a keyword with @",
            with(&full, json!({"tag_string": "water, b@d"})),
        ),
        case(
            "a one-letter keyword",
            with(&full, json!({"tag_string": "water, x"})),
        ),
        case("a one-letter URL name", json!({"name": "x"})),
        case("no organization", json!({"owner_org": null})),
        gap(
            "a licence the portal does not list",
            with(&full, json!({"license_id": "no-such-licence"})),
            Expect::FormOnly,
        ),
    ]
}

fn subfields_cases() -> Vec<Case> {
    let base = json!({"notes": "Citations."});
    let full = json!({
        "title": "Cited", "notes": "Citations.", "license_id": "2",
        "citation": [{"originator": ["A. Author", "B. Author"], "publication_date": "2024-01-02",
                      "online_linkage": ["https://example.invalid/paper"]}],
        "contact_address": [{"address": "1 Main St", "city": "Victoria", "country": "Canada"}],
        "resources": [{"url": "https://example.invalid/r.csv", "name": "R",
                       "schedule": [{"impact": "A", "frequency": "1m"}]}]
    });
    let resource = |schedule: Value| json!({"resources": [{"url": "https://example.invalid/r.csv", "schedule": schedule}]});
    vec![
        case(
            "notes only (the title comes from the URL name)",
            base.clone(),
        ),
        case("every field", full.clone()),
        case(
            "one originator as text",
            with(&full, json!({"citation": [{"originator": "A. Author"}]})),
        ),
        case("no notes", with(&full, json!({"notes": null}))),
        case(
            "a citation without originator",
            with(
                &full,
                json!({"citation": [{"publication_date": "2024-01-02"}]}),
            ),
        ),
        case(
            "an empty originator list",
            with(&full, json!({"citation": [{"originator": []}]})),
        ),
        case(
            "a publication date with slashes (CKAN's isodate reads it)",
            with(
                &full,
                json!({"citation": [{"originator": ["A"], "publication_date": "2024/01/02"}]}),
            ),
        ),
        case(
            "a publication date with a trailing space",
            with(
                &full,
                json!({"citation": [{"originator": ["A"], "publication_date": "2024-01-02 "}]}),
            ),
        ),
        case(
            "a publication date that does not exist",
            with(
                &full,
                json!({"citation": [{"originator": ["A"], "publication_date": "2024-02-30"}]}),
            ),
        ),
        case(
            "an address without its street",
            with(&full, json!({"contact_address": [{"city": "Victoria"}]})),
        ),
        case(
            "a schedule without impact",
            with(&full, resource(json!([{"frequency": "1m"}]))),
        ),
        case(
            "an impact not among the choices",
            with(&full, resource(json!([{"impact": "Z"}]))),
        ),
    ]
}

fn presets_cases() -> Vec<Case> {
    let base = json!({
        "notes": "Presets.", "theme": "water", "flags": ["reviewed"], "code": "C1",
        "contact_name": "Jo"
    });
    let full = with(
        &base,
        json!({
            "title": "Every preset", "tag_string": "water, lakes", "license_id": "2",
            "audience": ["public", "staff"], "authors": ["A. Author"], "issued": "2024-01-02",
            "updated_at": "2024-01-02T10:00:00", "observed_at": "2024-01-02T10:00:00Z",
            "settings": {"depth": 3}, "sample_count": 5, "timezone": "America/Vancouver",
            "resources": [{"url": "https://example.invalid/a.csv", "name": "A", "format": "csv",
                           "kind": "raw", "captured_at": "2024-01-02T10:00:00-08:00",
                           "layout": {"columns": 2}}]
        }),
    );
    let resource = |changes: Value| {
        let mut r = json!({"url": "https://example.invalid/a.csv", "kind": "raw"});
        for (k, v) in changes.as_object().unwrap() {
            r[k] = v.clone();
        }
        with(&full, json!({ "resources": [r] }))
    };
    vec![
        case("the required fields only", base.clone()),
        case("every field", full.clone()),
        case(
            "settings as JSON text",
            with(&full, json!({"settings": "{\"depth\": 3}"})),
        ),
        case(
            "one author as text",
            with(&full, json!({"authors": "A. Author"})),
        ),
        case(
            "one audience as text",
            with(&full, json!({"audience": "staff"})),
        ),
        case(
            "a time zone from the portal's list",
            with(&full, json!({"timezone": "Europe/Paris"})),
        ),
        case("no theme", with(&full, json!({"theme": null}))),
        case(
            "a theme not among the choices",
            with(&full, json!({"theme": "fire"})),
        ),
        case("no flag selected", with(&full, json!({"flags": []}))),
        case(
            "a flag not among the choices",
            with(&full, json!({"flags": ["lost"]})),
        ),
        case(
            "no code (required by its validators)",
            with(&full, json!({"code": null})),
        ),
        case("an empty code", with(&full, json!({"code": ""}))),
        case("no organization", with(&full, json!({"owner_org": null}))),
        case(
            "observed without a time",
            with(&full, json!({"observed_at": "2024-01-02"})),
        ),
        case(
            "updated not a date",
            with(&full, json!({"updated_at": "soon"})),
        ),
        case(
            "issued with one-digit month and day and a time",
            with(&full, json!({"issued": "2024-1-2 9:05"})),
        ),
        case(
            "issued as year and month",
            with(&full, json!({"issued": "2024-01"})),
        ),
        case(
            "issued on a day that does not exist",
            with(&full, json!({"issued": "2024-02-30"})),
        ),
        case(
            "sample count not a number",
            with(&full, json!({"sample_count": "ten"})),
        ),
        case(
            "settings a JSON list",
            with(&full, json!({"settings": "[1, 2]"})),
        ),
        case(
            "settings not JSON",
            with(&full, json!({"settings": "{depth: 3}"})),
        ),
        case("authors not texts", with(&full, json!({"authors": [1, 2]}))),
        case("a resource without kind", resource(json!({"kind": null}))),
        case(
            "captured with a space instead of T",
            resource(json!({"captured_at": "2024-01-02 10:00"})),
        ),
        gap(
            "no contact name (its validators make `required` the form's only)",
            with(&full, json!({"contact_name": null})),
            Expect::FormOnly,
        ),
        gap(
            "a licence the portal does not list",
            with(&full, json!({"license_id": "no-such-licence"})),
            Expect::FormOnly,
        ),
        gap(
            "a time zone the portal does not list",
            with(&full, json!({"timezone": "Mars/Olympus"})),
            Expect::PortalChoices,
        ),
    ]
}

/// The errors `bcdc-lsp check --host <ckan> --type <type> --format json` reports, per file.
fn cli_errors(ckan: &Ckan, dataset_type: &str, files: &[std::path::PathBuf]) -> Vec<Vec<Value>> {
    let cache = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_bcdc-lsp"))
        .args([
            "check",
            "--host",
            &ckan.url,
            "--type",
            dataset_type,
            "--format",
            "json",
        ])
        .args(files)
        .env("XDG_CACHE_HOME", cache.path())
        .env_remove("BCDC_API_KEY")
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "check --host printed no JSON ({e}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            f["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| d["severity"] == "error")
                .cloned()
                .collect()
        })
        .collect()
}

/// Sends each case to the portal and checks it; what was created is purged when `ckan`
/// is dropped, also when the test fails.
async fn cross_check(ckan: Ckan, dataset_type: &str, cases: Vec<Case>) {
    let client = ckan.client();
    let schema: Schema = portal_schema(&client, Some(dataset_type))
        .await
        .unwrap_or_else(|e| panic!("{dataset_type}: {e}"));
    assert_eq!(schema.dataset_type, dataset_type);
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    let mut verdicts = Vec::new();
    // The pointers of the fields the portal's errors name, per record.
    let mut portal_fields: Vec<Vec<String>> = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let name = ckan.name(&format!(
            "lsp-portal-{}-{i}",
            dataset_type.replace('_', "-")
        ));
        let mut record = Map::new();
        record.insert("type".into(), json!(dataset_type));
        record.insert("name".into(), json!(name));
        record.insert("owner_org".into(), json!(ckan.org));
        for (k, v) in case.record.as_object().unwrap() {
            if v.is_null() {
                record.remove(k);
            } else {
                record.insert(k.clone(), v.clone());
            }
        }
        let text = serde_json::to_string_pretty(&record).unwrap();
        let path = dir.path().join(format!("{i:02}.json"));
        std::fs::write(&path, &text).unwrap();
        files.push(path);
        let doc = Document::parse(&text, Format::Json);
        let body = api_body(doc.root().unwrap(), &schema);
        let accepted = match client.package_create(&body).await {
            Ok(_) => {
                portal_fields.push(Vec::new());
                true
            }
            Err(CatalogueError::Validation { fields, .. }) => {
                portal_fields.push(fields.iter().map(|f| f.pointer.clone()).collect());
                false
            }
            Err(e) => panic!("{dataset_type} / {}: package_create failed: {e}", case.what),
        };
        verdicts.push(accepted);
    }
    let errors = cli_errors(&ckan, dataset_type, &files);
    assert_eq!(errors.len(), cases.len());
    let mut table = String::new();
    let mut failures = Vec::new();
    let top = |pointer: &str| pointer.split('/').nth(1).unwrap_or_default().to_string();
    for (((case, accepted), errors), named) in
        cases.iter().zip(&verdicts).zip(&errors).zip(&portal_fields)
    {
        let codes: Vec<String> = errors
            .iter()
            .map(|d| format!("{} {} {}", d["code"], d["pointer"], d["enforcement"]))
            .collect();
        table.push_str(&format!(
            "  {:<8} {:<55} {} (portal: {})\n",
            if *accepted { "accepted" } else { "rejected" },
            case.what,
            codes.join(", "),
            named.join(", ")
        ));
        let reported = !errors.is_empty();
        // on a rejected record, the checker names a field the portal's errors name
        let same_field = errors.iter().any(|d| {
            named
                .iter()
                .any(|p| top(p) == top(d["pointer"].as_str().unwrap()))
        });
        let ok = match case.expect {
            Expect::Agree => *accepted != reported && (*accepted || same_field),
            Expect::FormOnly => {
                *accepted && reported && errors.iter().all(|d| d["enforcement"] == "form-only")
            }
            Expect::PortalChoices => !*accepted && !reported,
        };
        if !ok {
            failures.push(case.what);
        }
    }
    eprintln!("{dataset_type}:\n{table}");
    assert!(
        verdicts.iter().any(|a| *a) && verdicts.iter().any(|a| !*a),
        "{dataset_type}: the cases should include records the portal accepts and rejects"
    );
    assert!(
        failures.is_empty(),
        "{dataset_type}: check and the portal disagree on {failures:?}\n{table}"
    );
}

#[tokio::test]
async fn camel_photos_check_agrees_with_the_portal() {
    if let Some(ckan) = Ckan::from_env("camel_photos_check_agrees_with_the_portal") {
        cross_check(ckan, "camel-photos", camel_cases()).await;
    }
}

#[tokio::test]
async fn ckan_dataset_check_agrees_with_the_portal() {
    if let Some(ckan) = Ckan::from_env("ckan_dataset_check_agrees_with_the_portal") {
        cross_check(ckan, "dataset", dataset_cases()).await;
    }
}

#[tokio::test]
async fn subfields_check_agrees_with_the_portal() {
    if let Some(ckan) = Ckan::from_env("subfields_check_agrees_with_the_portal") {
        cross_check(ckan, "subfields", subfields_cases()).await;
    }
}

#[tokio::test]
async fn every_stock_preset_check_agrees_with_the_portal() {
    if let Some(ckan) = Ckan::from_env("every_stock_preset_check_agrees_with_the_portal") {
        cross_check(ckan, "lsp-presets", presets_cases()).await;
    }
}

fn check_cmd(cache: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_bcdc-lsp"))
        .arg("check")
        .args(args)
        .env("XDG_CACHE_HOME", cache)
        .env_remove("BCDC_API_KEY")
        .output()
        .unwrap()
}

#[test]
fn the_portal_schema_is_cached_and_used_offline() {
    let Some(ckan) = Ckan::from_env("the_portal_schema_is_cached_and_used_offline") else {
        return;
    };
    let cache = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("camel.json");
    std::fs::write(
        &record,
        r#"{"type": "camel-photos", "name": "larry", "humps": "two"}"#,
    )
    .unwrap();
    let record = record.to_str().unwrap();
    let o = check_cmd(
        cache.path(),
        &["--host", &ckan.url, "--type", "camel-photos", record],
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains("`humps` must be a whole number, not `two`"),
        "{out}"
    );
    // the same catalogue, unreachable: its cached schema is used, however old
    let file = std::fs::read_dir(cache.path().join("bcdc-lsp"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains("portal-"))
        .expect("a portal cache file");
    let mut cached: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    cached["fetched_at"] = json!(0);
    let offline = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = offline.local_addr().unwrap().port();
    drop(offline);
    std::fs::write(
        file.with_file_name(format!("portal-127.0.0.1_{port}.json")),
        cached.to_string(),
    )
    .unwrap();
    let url = format!("http://127.0.0.1:{port}");
    let o = check_cmd(
        cache.path(),
        &["--host", &url, "--type", "camel-photos", record],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stdout).contains("must be a whole number"));
    // a type it never fetched is an error that says why
    let o = check_cmd(
        cache.path(),
        &["--host", &url, "--type", "subfields", record],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("connection refused"));
}

#[tokio::test]
async fn without_a_type_the_portal_picks_bcdc_dataset() {
    let Some(ckan) = Ckan::from_env("without_a_type_the_portal_picks_bcdc_dataset") else {
        return;
    };
    let schema = portal_schema(&ckan.client(), None).await.unwrap();
    assert_eq!(schema.dataset_type, "bcdc_dataset");
    let cache = tempfile::tempdir().unwrap();
    let o = check_cmd(cache.path(), &["--host", &ckan.url, "--type", "nope", "."]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("no dataset type `nope`") && err.contains("`camel-photos`"),
        "{err}"
    );
}

/// The reader on ckanext-scheming's own example schemas as the portal serves them (fetched
/// rather than copied into the repository: ckanext-scheming is AGPL).
#[tokio::test]
async fn served_example_schemas_are_read_as_scheming_reads_them() {
    let Some(ckan) = Ckan::from_env("served_example_schemas_are_read_as_scheming_reads_them")
    else {
        return;
    };
    let client = ckan.client();
    let camel = portal_schema(&client, Some("camel-photos")).await.unwrap();
    let kind = |s: &Schema, p: &str| s.field_at(p).unwrap_or_else(|| panic!("{p}")).kind;
    assert_eq!(kind(&camel, "/humps"), FieldKind::Integer);
    assert_eq!(kind(&camel, "/category"), FieldKind::Select);
    assert_eq!(kind(&camel, "/personality"), FieldKind::MultipleChoice);
    assert_eq!(kind(&camel, "/name"), FieldKind::Slug);
    assert_eq!(kind(&camel, "/resources/0/datetime"), FieldKind::DateTime);
    assert_eq!(
        kind(&camel, "/resources/0/camels_in_photo"),
        FieldKind::Integer
    );
    assert!(!camel.field_at("/title").unwrap().required);
    assert!(!camel.licences.is_empty(), "license_list came along");

    let dataset = portal_schema(&client, Some("dataset")).await.unwrap();
    let org = dataset.field_at("/owner_org").unwrap();
    assert!(org.required && !org.form_only);
    assert_eq!(kind(&dataset, "/tag_string"), FieldKind::Tags);
    assert_eq!(kind(&dataset, "/license_id"), FieldKind::Licence);
    assert_eq!(kind(&dataset, "/notes"), FieldKind::Markdown);

    let sub = portal_schema(&client, Some("subfields")).await.unwrap();
    // `required: True` on a title the preset fills from the URL name
    assert!(!sub.field_at("/title").unwrap().required);
    let originator = sub.field_at("/citation/0/originator").unwrap();
    assert_eq!(originator.kind, FieldKind::MultipleText);
    assert!(originator.required && !originator.form_only);
    assert_eq!(
        originator.output_validators,
        ["scheming_load_json".to_string()]
    );
    assert_eq!(kind(&sub, "/citation/0/publication_date"), FieldKind::Date);
    assert!(
        sub.field_at("/resources/0/schedule/0/impact")
            .unwrap()
            .required
    );

    let presets = portal_schema(&client, Some("lsp-presets")).await.unwrap();
    assert_eq!(kind(&presets, "/observed_at"), FieldKind::DateTimeTz);
    assert_eq!(kind(&presets, "/settings"), FieldKind::JsonObject);
    let tz = presets.field_at("/timezone").unwrap();
    assert_eq!(tz.choices_helper.as_deref(), Some("scheming_get_timezones"));
    assert!(tz.choices.is_empty());
    let contact = presets.field_at("/contact_name").unwrap();
    assert!(contact.required && contact.form_only);
}

/// A bcdc.toml beside the records gives `check` the host and type it would take
/// from --host and --type; a folder with a bcdc.toml of its own inside the folder
/// checked is left out, saying so (its records belong to another schema).
#[test]
fn check_takes_host_and_type_from_the_project_file() {
    let Some(ckan) = Ckan::from_env("check_takes_host_and_type_from_the_project_file") else {
        return;
    };
    let cache = tempfile::tempdir().unwrap();
    let root = tempfile::tempdir().unwrap();
    let camels = root.path().join("camels");
    std::fs::create_dir(&camels).unwrap();
    std::fs::write(
        camels.join("bcdc.toml"),
        format!("host = \"{}\"\ntype = \"camel-photos\"\n", ckan.url),
    )
    .unwrap();
    std::fs::write(
        camels.join("larry.bcdc.yaml"),
        "type: camel-photos\nname: larry\nhumps: two\n",
    )
    .unwrap();
    let o = check_cmd(cache.path(), &[camels.to_str().unwrap()]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains("`humps` must be a whole number, not `two`"),
        "{out}"
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("bcdc.toml") && err.contains("camel-photos"),
        "the project file in use is named: {err}"
    );
    // flags win: the embedded BCDC schema knows no camels
    let o = check_cmd(
        cache.path(),
        &[
            "--schema",
            "schema/bcdc_dataset.json",
            camels.to_str().unwrap(),
        ],
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(!out.contains("whole number"), "{out}");

    let o = check_cmd(cache.path(), &[root.path().to_str().unwrap()]);
    let (out, err) = (
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr),
    );
    assert_eq!(o.status.code(), Some(2), "{out}{err}");
    assert!(
        format!("{out}{err}").contains("not checked: it has its own bcdc.toml"),
        "{out}{err}"
    );
    assert!(!out.contains("humps"), "{out}");
}

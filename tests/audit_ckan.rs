//! `bcdc-lsp audit` against the real local CKAN (BCDC_TEST_CKAN_URL, BCDC_TEST_CKAN_TOKEN;
//! skipped, saying so, when unset). Seeds records the server accepts but the checker rejects
//! (server-side gaps of docs/bcdc-api-notes §2.1) and clean ones, in two organizations made
//! for the run, audits only those organizations in the three formats, then again from the
//! cache. Everything created is purged at the end, also when an assertion fails.

mod common;
mod links_server;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

use common::ckan::Ckan;
use serde_json::{json, Value};

/// A record the local CKAN accepts and the checker finds clean, in `org`.
fn clean_record(name: &str, org: &str) -> Value {
    json!({
        "type": "bcdc_dataset",
        "name": name,
        "title": format!("Audit test {name}"),
        "owner_org": org,
        "notes": "Made by tests/audit_ckan.rs.",
        "license_id": "2",
        "publish_state": "DRAFT",
        "security_class": "PUBLIC",
        "view_audience": "Public",
        "download_audience": "Public",
        "metadata_visibility": "Public",
        "resource_status": "onGoing",
        "tag_string": "lsp,audit test",
        "contacts": [{"name": "Jane Doe", "email": "jane.doe@example.invalid", "org": org,
                      "role": "pointOfContact", "displayed": ["displayed"]}],
        "dates": [{"type": "Created", "date": "2024-01-15"}],
        "resources": [
            {"name": "Samples (CSV)", "url": "https://example.invalid/samples.csv",
             "bcdc_type": "document", "resource_update_cycle": "monthly", "format": "csv",
             "resource_storage_location": "web or ftp site", "resource_type": "data",
             "resource_access_method": "direct access"},
            {"name": "Samples API", "url": "https://example.invalid/api",
             "bcdc_type": "webservice", "resource_update_cycle": "continual", "format": "json",
             "resource_storage_location": "web or ftp site", "resource_type": "data",
             "resource_access_method": "service", "projection_name": "epsg3005"}
        ]
    })
}

fn audit(ckan: &Ckan, cache: &Path, orgs: &[&str], format: &str) -> Output {
    audit_with(ckan, cache, orgs, &["--format", format])
}

fn audit_with(ckan: &Ckan, cache: &Path, orgs: &[&str], args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_bcdc-lsp"));
    command
        .args(["audit", "--host", &ckan.url])
        .args(args)
        .env_remove("BCDC_API_KEY")
        .env("XDG_CACHE_HOME", cache)
        .env("XDG_DATA_HOME", cache.join("data"))
        .env("XDG_CONFIG_HOME", cache.join("no-config"));
    for org in orgs {
        command.args(["--org", org]);
    }
    command.output().expect("run bcdc-lsp")
}

#[test]
fn audit_finds_exactly_the_planted_problems_then_uses_the_cache() {
    let Some(ckan) = Ckan::from_env("audit_finds_exactly_the_planted_problems_then_uses_the_cache")
    else {
        return;
    };
    let (org_a, org_b) = (
        ckan.organization("lsp-audit-a"),
        ckan.organization("lsp-audit-b"),
    );
    // name → (organization, change to the clean record, the problems planted: pointer → code)
    type Plant<'a> = (&'a str, &'a str, fn(&mut Value), Vec<(&'a str, &'a str)>);
    let plants: Vec<Plant> = vec![
        ("clean-a", &org_a, |_| {}, vec![]),
        (
            // resource-level conditions never fire on the server
            "geographic-a",
            &org_a,
            |r| r["resources"][0]["bcdc_type"] = json!("geographic"),
            vec![
                ("/resources/0/spatial_datatype", "conditional-required"),
                ("/resources/0/projection_name", "conditional-required"),
                ("/resources/0/iso_topic_category", "conditional-required"),
                ("/resources/0/preview_info", "conditional-required"),
                ("/resources/0/geographic_extent", "conditional-required"),
            ],
        ),
        (
            // nothing on the server checks an e-mail address
            "email-a",
            &org_a,
            |r| r["contacts"][0]["email"] = json!("jane.doe at example"),
            vec![("/contacts/0/email", "invalid-format")],
        ),
        ("clean-b", &org_b, |_| {}, vec![]),
        (
            // the licence gets only not_empty on the server
            "licence-b",
            &org_b,
            |r| r["license_id"] = json!("999"),
            vec![("/license_id", "invalid-choice")],
        ),
        (
            // tag_string is `ignore_missing tag_string_convert` on the server
            "no-tags-b",
            &org_b,
            |r| {
                r.as_object_mut().unwrap().remove("tag_string");
            },
            vec![("/tag_string", "missing-required")],
        ),
    ];
    let mut names = BTreeMap::new();
    for (label, org, plant, problems) in &plants {
        let name = ckan.name(&format!("lsp-audit-{label}"));
        let mut record = clean_record(&name, org);
        plant(&mut record);
        ckan.call("package_create", record).unwrap_or_else(|e| {
            panic!("the server should accept {label}: {e}");
        });
        names.insert(name, (*label, *org, problems.clone()));
    }
    let cache = tempfile::tempdir().unwrap();
    let orgs = [org_a.as_str(), org_b.as_str()];

    // JSON: exactly the planted problems, per record and per organization
    let output = audit(&ckan, cache.path(), &orgs, "json");
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["records_checked"], 6, "{report:#}");
    assert_eq!(report["records_with_errors"], 4);
    assert_eq!(report["records_clean"], 2);
    assert_eq!(report["records_from_cache"], 0);
    assert_eq!(report["unfetched"], json!([]));
    for record in report["records"].as_array().unwrap() {
        let name = record["name"].as_str().unwrap();
        let (label, org, planted) = &names[name];
        assert_eq!(record["org"], json!(org), "{label}");
        assert_eq!(record["url"], json!(format!("{}/dataset/{name}", ckan.url)));
        let mut found: Vec<(String, String)> = record["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                assert!(d.get("range").is_none());
                (
                    d["pointer"].as_str().unwrap().to_string(),
                    d["code"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let mut expected: Vec<(String, String)> = planted
            .iter()
            .map(|(p, c)| (p.to_string(), c.to_string()))
            .collect();
        found.sort();
        expected.sort();
        assert_eq!(found, expected, "{label}");
    }
    assert_eq!(
        report["by_org"],
        json!({
            org_a.clone(): {"records": 3, "with_errors": 2},
            org_b.clone(): {"records": 3, "with_errors": 2},
        })
    );
    assert_eq!(
        report["by_code"],
        json!({"conditional-required": 5, "invalid-choice": 1, "invalid-format": 1,
               "missing-required": 1})
    );
    assert_eq!(report["by_field"]["/resources/*/projection_name"], 1);
    assert_eq!(report["by_field"]["/contacts/*/email"], 1);
    assert!(
        report.get("changes").is_none(),
        "the first audit of this scope"
    );
    let first = cache.path().join("first.json");
    std::fs::write(&first, &output.stdout).unwrap();

    // human, from the cache: nothing changed, nothing fetched
    let output = audit(&ckan, cache.path(), &orgs, "human");
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains("\n6 records checked (6 from the cache, 0 fetched): 4 with errors, 0 with warnings only, 2 clean\n"),
        "{text}"
    );
    assert!(
        text.contains(&format!("  2 / 3  {org_a}\n  2 / 3  {org_b}\n")),
        "{text}"
    );
    assert!(
        text.contains("\nProblems by code:\n  5  conditional-required\n"),
        "{text}"
    );
    for (name, (_, _, planted)) in &names {
        if !planted.is_empty() {
            assert!(
                text.contains(&format!("{}/dataset/{name}\n", ckan.url)),
                "{text}"
            );
        }
    }

    // one record fixed on the catalogue: only it is fetched again
    let fixed = names
        .iter()
        .find(|(_, v)| v.0 == "email-a")
        .unwrap()
        .0
        .clone();
    ckan.call(
        "package_patch",
        json!({"id": fixed, "contacts": [{"name": "Jane Doe", "email": "jane.doe@example.invalid",
               "org": org_a, "role": "pointOfContact", "displayed": ["displayed"]}]}),
    )
    .expect("package_patch");
    let output = audit(&ckan, cache.path(), &orgs, "html");
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let html = String::from_utf8(output.stdout).unwrap();
    let stat = |name: &str| {
        let start = html
            .find(&format!("data-stat=\"{name}\"><span class=\"n\">"))
            .unwrap_or_else(|| panic!("{name} in {html}"));
        let rest = &html[start..];
        let from = rest.find("\"n\">").unwrap() + 4;
        rest[from..rest.find("</span>").unwrap()].to_string()
    };
    assert_eq!(stat("records_checked"), "6");
    assert_eq!(stat("records_with_errors"), "3");
    assert_eq!(stat("records_from_cache"), "5");
    assert!(html.contains(&format!(
        "<tr data-key=\"{org_a}\" data-records=\"3\" data-with-errors=\"1\">"
    )));
    assert!(html.contains(&format!(
        "data-name=\"{fixed}\" data-org=\"{org_a}\" data-errors=\"0\""
    )));
    // compared with the audit before (kept in the data dir), with the trend of all three
    assert!(
        html.contains("<strong>0 new</strong> problems, <strong>1 fixed</strong>, 7 still there"),
        "{html}"
    );
    assert!(
        html.contains("aria-label=\"Problems over 3 audits: 8 on "),
        "{html}"
    );

    // --since: with the first report
    let output = audit_with(
        &ckan,
        cache.path(),
        &orgs,
        &["--format", "json", "--since", first.to_str().unwrap()],
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let changes = &report["changes"];
    assert_eq!(
        (&changes["new"], &changes["fixed"], &changes["still"]),
        (&json!(0), &json!(1), &json!(7))
    );
    assert_eq!(changes["fixed_problems"][0]["record"], json!(fixed));
    assert_eq!(changes["by_org"][&org_a]["fixed"], 1);
    let output = audit_with(
        &ckan,
        cache.path(),
        &orgs,
        &["--since", "/nonexistent.json"],
    );
    assert_eq!(output.status.code(), Some(2));
}

/// Another dataset type on the same catalogue (ckanext-scheming's own `camel-photos`
/// example, which the harness serves): the audit checks it against the schema the portal
/// serves for that type, not the embedded BCDC one, and sees only records of that type.
#[test]
fn audit_of_another_dataset_type_uses_the_schema_the_portal_serves() {
    let Some(ckan) =
        Ckan::from_env("audit_of_another_dataset_type_uses_the_schema_the_portal_serves")
    else {
        return;
    };
    let org = ckan.organization("lsp-audit-camels");
    // two camel photos (complete for their schema; nothing like a BCDC record), and one
    // BCDC record in the same organization, which a camel-photos audit must not see
    let camels = [ckan.name("lsp-audit-larry"), ckan.name("lsp-audit-sally")];
    for (name, humps) in camels.iter().zip([2, 1]) {
        let record = json!({"type": "camel-photos", "name": name, "owner_org": org,
                            "title": "A camel", "humps": humps, "category": "bactrian",
                            "personality": ["friendly"]});
        ckan.call("package_create", record).expect("a camel photo");
    }
    ckan.call(
        "package_create",
        clean_record(&ckan.name("lsp-audit-bcdc"), &org),
    )
    .expect("a BCDC record");

    let cache = tempfile::tempdir().unwrap();
    let output = audit_with(
        &ckan,
        cache.path(),
        &[&org],
        &["--type", "camel-photos", "--format", "json"],
    );
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["records_checked"], 2, "{report:#}");
    assert_eq!(report["records_with_errors"], 0, "{report:#}");
    let mut names: Vec<&str> = report["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, [camels[0].as_str(), camels[1].as_str()]);

    // the same records against the embedded BCDC rules would be full of missing fields:
    // the clean verdict above comes from the portal's own schema
    let larry = ckan.call("package_show", json!({"id": camels[0]})).unwrap();
    let mut record = larry.as_object().unwrap().clone();
    record.insert("type".into(), json!("bcdc_dataset"));
    let bcdc = bcdc_lsp::check::check(
        &bcdc_lsp::syntax::Document::parse(
            &serde_json::to_string(&record).unwrap(),
            bcdc_lsp::syntax::Format::Json,
        ),
        &bcdc_lsp::schema::Schema::embedded(),
    );
    assert!(
        bcdc.iter().any(|d| d.code.as_str() == "missing-required"),
        "{bcdc:?}"
    );
}

/// `--links`: the records' resource URLs point at a link server on 127.0.0.1; the first
/// audit (`--links=now`) reports the 404 as broken at once, the next (`--links`, within the
/// day) reuses the results without asking again and calls it failing, 1 of 3 checks. Both
/// carry the scores.
#[test]
fn links_are_checked_once_a_day_and_broken_after_three_failures() {
    let Some(ckan) = Ckan::from_env("links_are_checked_once_a_day_and_broken_after_three_failures")
    else {
        return;
    };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(links_server::start(
        "127.0.0.1",
        std::sync::Arc::new(links_server::Gauge::default()),
    ));
    let org = ckan.organization("lsp-audit-links");
    for (label, path) in [
        ("alive", "/ok"),
        ("gone", "/missing"),
        ("nohead", "/nohead"),
    ] {
        let name = ckan.name(&format!("lsp-audit-links-{label}"));
        let mut record = clean_record(&name, &org);
        record["resources"][0]["url"] = json!(format!("{}{path}", server.base));
        record["resources"][1]["url"] = json!(format!("{}/ok/api", server.base));
        ckan.call("package_create", record).expect("seed");
    }
    let dir = tempfile::tempdir().unwrap();
    let run = |links: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_bcdc-lsp"))
            .args([
                "audit", "--host", &ckan.url, "--org", &org, "--format", "json", links,
            ])
            .env_remove("BCDC_API_KEY")
            .env("XDG_CACHE_HOME", dir.path().join("cache"))
            .env("XDG_DATA_HOME", dir.path().join("data"))
            .env("XDG_CONFIG_HOME", dir.path().join("no-config"))
            .output()
            .unwrap();
        let report: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
        report
    };
    let first = run("--links=now");
    let links = &first["links"];
    assert_eq!(
        (&links["urls"], &links["broken"], &links["failing"]),
        (&json!(4), &json!(1), &json!(0)),
        "{links}"
    );
    let finding = &links["findings"][0];
    assert_eq!(finding["status"], "broken");
    assert_eq!(finding["reason"], "404 Not Found");
    assert_eq!(finding["org"], json!(org));
    assert_eq!(finding["pointer"], "/resources/0/url");
    assert_eq!(finding["resource"], "Samples (CSV)");
    let requests = server.gauge.requests();
    // the 404 and the 405 are asked twice (HEAD, then GET)
    assert_eq!(requests, 6);
    let gone = first["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"].as_str().unwrap().contains("-gone"))
        .unwrap()["name"]
        .as_str()
        .unwrap()
        .to_string();
    let scores = &first["scores"];
    assert!(scores["records"][&gone]["missed"]
        .as_array()
        .unwrap()
        .contains(&json!("links_alive")));
    assert_eq!(scores["by_org"][0]["records"], 3);
    let second = run("--links");
    assert_eq!(
        server.gauge.requests(),
        requests,
        "results of the day are reused"
    );
    assert_eq!(second["links"]["checked_now"], 0);
    assert_eq!(second["links"]["findings"][0]["status"], "failing");
    assert_eq!(second["links"]["findings"][0]["failed_checks"], 1);
    // a failing link does not cost points yet
    assert!(!second["scores"]["records"][&gone]["missed"]
        .as_array()
        .unwrap()
        .contains(&json!("links_alive")));
}

/// A record saved as a CKAN draft is audited too (`include_drafts`), with an API key whose
/// user may see it, and the summary says how many drafts are in; `--no-cache` skips the cache.
#[test]
fn ckan_drafts_are_audited() {
    let Some(ckan) = Ckan::from_env("ckan_drafts_are_audited") else {
        return;
    };
    let org = ckan.organization("lsp-audit-drafts");
    let name = ckan.name("lsp-audit-draft");
    let mut record = clean_record(&name, &org);
    record["state"] = json!("draft");
    let created = ckan.call("package_create", record).expect("a draft");
    assert_eq!(created["state"], "draft");
    let dir = tempfile::tempdir().unwrap();
    let run = |extra: &[&str]| -> Value {
        let out = Command::new(env!("CARGO_BIN_EXE_bcdc-lsp"))
            .args([
                "audit", "--host", &ckan.url, "--org", &org, "--format", "json",
            ])
            .args(extra)
            .env("BCDC_API_KEY", &ckan.token)
            .env("BCDC_API_KEY_HOST", "127.0.0.1")
            .env("XDG_CACHE_HOME", dir.path())
            .env("XDG_DATA_HOME", dir.path())
            .env("XDG_CONFIG_HOME", dir.path().join("no-config"))
            .output()
            .unwrap();
        serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)))
    };
    let report = run(&[]);
    assert_eq!(report["records_checked"], 1, "{report:#}");
    assert_eq!(report["records_drafts"], 1);
    assert_eq!(report["records"][0]["name"], json!(name));
    assert_eq!(run(&[])["records_from_cache"], 1);
    // --no-cache: fetched again, the cache neither read nor written
    assert_eq!(run(&["--no-cache"])["records_from_cache"], 0);
}

/// An `--org` the catalogue does not have is an error (exit 2) naming the ones like it,
/// not an empty audit that looks clean.
#[test]
fn an_unknown_organization_is_refused_with_similar_ones() {
    let Some(ckan) = Ckan::from_env("an_unknown_organization_is_refused_with_similar_ones") else {
        return;
    };
    let org = ckan.organization("lsp-audit-similar");
    let typo = &org[..org.len() - 1];
    let dir = tempfile::tempdir().unwrap();
    let out = audit_with(&ckan, dir.path(), &[typo], &["--format", "json"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("no organization `{typo}` on ")) && stderr.contains(&org),
        "{stderr}"
    );
}

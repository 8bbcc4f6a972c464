//! The audit's fetching against a raw-HTTP fake catalogue that misbehaves: rate limits,
//! server error pages, time-outs, reset connections and a malformed record. The audit
//! completes, retries what may pass, reports what it could not fetch and exits as documented.

mod catalogue_fake;

use std::process::Command;
use std::time::{Duration, Instant};

use bcdc_lsp::audit::report::rfc3339_utc;
use bcdc_lsp::audit::{audit_record, human, json as json_report, Report};
use bcdc_lsp::catalogue::search::{fetch_all, Fetched, Retry, Scope};
use bcdc_lsp::catalogue::{Catalogue, CatalogueClient, ClientOptions};
use bcdc_lsp::schema::Schema;
use catalogue_fake::{ok, reply, start, Behaviour};
use serde_json::{json, Value};

fn client(url: &str) -> CatalogueClient {
    let options = ClientOptions {
        connect_timeout: Duration::from_secs(2),
        timeout: Duration::from_millis(500),
    };
    CatalogueClient::with_options(Catalogue::parse(url).unwrap(), None, options).unwrap()
}

fn scope() -> Scope {
    Scope {
        dataset_type: "bcdc_dataset".into(),
        organizations: Vec::new(),
        include_private: false,
    }
}

/// Quick retries: the waits of a real audit would make the tests slow.
const RETRY: Retry = Retry {
    attempts: 3,
    first_delay: Duration::from_millis(20),
    max_delay: Duration::from_secs(5),
};

/// A clean dataset (the local CKAN's capture) with this id.
fn dataset(id: &str) -> Value {
    let capture: Value =
        serde_json::from_str(include_str!("catalogue_fixtures/30_package_show.json")).unwrap();
    let mut package = capture["response"]["body"]["result"].clone();
    package["id"] = json!(id);
    package["name"] = json!(format!("record-{id}"));
    package
}

fn page(count: u64, ids: &[&str]) -> Behaviour {
    let results: Vec<Value> = ids.iter().map(|id| dataset(id)).collect();
    ok(json!({"count": count, "results": results}))
}

fn html_500() -> Behaviour {
    reply(
        500,
        "text/html",
        "<html><head><title>500 Internal Server Error</title></head><body>oops</body></html>",
    )
}

async fn fetch(url: &str) -> Fetched {
    fetch_all(&client(url), &scope(), None, RETRY, &|_| {})
        .await
        .expect("the audit runs")
}

fn ids(fetched: &Fetched) -> Vec<&str> {
    fetched
        .packages
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect()
}

fn report(fetched: Fetched) -> Report {
    let schema = Schema::embedded();
    let catalogue = Catalogue::parse("http://127.0.0.1:5000").unwrap();
    let records = fetched
        .packages
        .iter()
        .map(|p| audit_record(p, &schema, &catalogue))
        .collect();
    Report::new(
        catalogue.base_url().into(),
        rfc3339_utc(0),
        records,
        fetched.unfetched,
        fetched.from_cache,
    )
}

#[tokio::test]
async fn too_many_requests_waits_as_told_then_completes() {
    let body = r#"{"success": false, "error": {"message": "slow down"}}"#;
    let too_many = Behaviour::Raw(
        format!(
            "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 1\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .into_bytes(),
    );
    let fake = start(vec![too_many, page(2, &["a", "b"])]).await;
    let started = Instant::now();
    let fetched = fetch(&fake.url).await;
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "Retry-After: 1 was honoured, not the 20 ms backoff"
    );
    assert_eq!(ids(&fetched), ["a", "b"]);
    assert!(fetched.unfetched.is_empty());
    assert_eq!(fetched.requests, 2);
    let requests = fake.requests();
    let query = &requests[1].target;
    assert!(
        query.starts_with("/api/3/action/package_search?"),
        "{query}"
    );
    for part in [
        "rows=1000",
        "start=0",
        "sort=id+asc",
        "fq=%2Bdataset_type%3A%22bcdc_dataset%22",
    ] {
        assert!(query.contains(part), "{part} in {query}");
    }
    assert!(!query.contains("include_private"), "{query}");
}

#[tokio::test]
async fn a_page_that_keeps_failing_is_reported_and_the_rest_is_checked() {
    // count 1500: two pages; the second one answers an HTML error page every time
    let fake = start(vec![page(1500, &["a"]), html_500(), html_500(), html_500()]).await;
    let fetched = fetch(&fake.url).await;
    assert_eq!(ids(&fetched), ["a"]);
    assert_eq!(
        fetched.requests, 4,
        "one page, then three tries of the other"
    );
    assert_eq!(fetched.unfetched.len(), 1);
    assert_eq!(fetched.unfetched[0].what, "records 1001–1500 of 1500");
    let reason = &fetched.unfetched[0].reason;
    assert!(
        reason.contains("HTTP 500") && reason.contains("500 Internal Server Error"),
        "{reason}"
    );
    let report = report(fetched);
    assert_eq!(report.exit_status(), 2, "clean but incomplete");
    let text = human::render(&report);
    assert!(text.contains("INCOMPLETE: 1 part of the catalogue could not be fetched"));
    assert!(
        text.contains("\nCould not fetch:\n  records 1001–1500 of 1500: "),
        "{text}"
    );
    let value = json_report::render(&report);
    assert_eq!(value["unfetched"][0]["what"], "records 1001–1500 of 1500");
}

#[tokio::test]
async fn a_timeout_and_a_reset_connection_are_retried() {
    let partial = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{\"help\": \"x\", \"success\": tr".to_vec();
    let fake = start(vec![
        Behaviour::Hang,
        page(1200, &["a", "b"]),
        Behaviour::ResetAfter(partial),
        page(1200, &["c"]),
    ])
    .await;
    let fetched = fetch(&fake.url).await;
    assert_eq!(ids(&fetched), ["a", "b", "c"]);
    assert!(fetched.unfetched.is_empty(), "{:?}", fetched.unfetched);
    assert_eq!(fetched.requests, 4);
    let targets: Vec<String> = fake.requests().iter().map(|r| r.target.clone()).collect();
    assert!(targets[3].contains("start=1000"), "{targets:?}");
}

#[tokio::test]
async fn a_malformed_record_spoils_only_itself() {
    let mut results: Vec<Value> = vec![dataset("a"), json!("not a dataset"), json!({"name": "x"})];
    let mut broken = dataset("b");
    broken["contacts"] = json!("not a list");
    results.push(broken);
    let fake = start(vec![ok(json!({"count": 4, "results": results}))]).await;
    let fetched = fetch(&fake.url).await;
    assert_eq!(ids(&fetched), ["a", "b"]);
    let unfetched: Vec<(&str, &str)> = fetched
        .unfetched
        .iter()
        .map(|u| (u.what.as_str(), u.reason.as_str()))
        .collect();
    assert_eq!(
        unfetched,
        [
            ("result 2 of the search", "not a dataset but a string"),
            ("result 3 of the search", "a dataset without an id"),
        ]
    );
    let report = report(fetched);
    // the record with a broken contact list is checked and has an error
    assert_eq!(report.with_errors(), 1);
    assert_eq!(report.exit_status(), 1);
}

/// The command line on a catalogue that fails or lies: exit 2, and the reason on stderr.
#[tokio::test]
async fn the_command_says_what_it_could_not_fetch_and_exits_2() {
    let cache = tempfile::tempdir().unwrap();
    let run = |url: String| {
        let cache = cache.path().to_path_buf();
        tokio::task::spawn_blocking(move || {
            Command::new(env!("CARGO_BIN_EXE_bcdc-lsp"))
                .args(["audit", "--host", &url, "--format", "json"])
                .env_remove("BCDC_API_KEY")
                .env("XDG_CACHE_HOME", &cache)
                .env("XDG_DATA_HOME", &cache)
                .env("XDG_CONFIG_HOME", &cache)
                .output()
                .unwrap()
        })
    };
    // the catalogue's schema first (the audit checks against what the portal serves, over
    // its CKAN version), then a clean record and one that is not a dataset: complete except
    // for it
    let schema: Value = serde_json::from_str(include_str!("../schema/bcdc_dataset.json")).unwrap();
    let licences: Value =
        serde_json::from_str(include_str!("../schema/bcdc_licenses.json")).unwrap();
    let fake = start(vec![
        ok(json!(["bcdc_dataset"])),
        ok(licences),
        ok(json!({"ckan_version": "2.9.5"})),
        ok(schema["result"].clone()),
        ok(json!({"count": 2, "results": [dataset("a"), 7]})),
    ])
    .await;
    let output = run(fake.url.clone()).await.unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let value: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(value["records_checked"], 1);
    assert_eq!(
        value["unfetched"],
        json!([{"what": "result 2 of the search", "reason": "not a dataset but a number"}])
    );
    // not a CKAN at all (a 404 page is not worth retrying): the audit cannot run
    let fake = start(vec![reply(404, "text/html", "<title>Not Found</title>")]).await;
    let output = run(fake.url.clone()).await.unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("the audit could not run"), "{stderr}");
}

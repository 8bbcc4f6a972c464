//! The catalogue client against a raw-HTTP fake on 127.0.0.1: every fault gives a clear
//! message naming the catalogue, and the API key goes nowhere but the Authorization header.

mod catalogue_fake;

use std::time::Duration;

use bcdc_lsp::catalogue::{
    ApiKey, AuthProblem, Catalogue, CatalogueClient, CatalogueError, ClientOptions,
    ConnectionProblem,
};
use catalogue_fake::{json, ok, reply, start, Behaviour};
use serde_json::{json, Map, Value};

const SECRET: &str = "tok-9f8e7d6c5b4a-SECRET";

fn client(url: &str, key: Option<&str>) -> CatalogueClient {
    let options = ClientOptions {
        connect_timeout: Duration::from_secs(2),
        timeout: Duration::from_millis(800),
    };
    CatalogueClient::with_options(
        Catalogue::parse(url).unwrap(),
        key.and_then(ApiKey::new),
        options,
    )
    .unwrap()
}

fn body() -> Map<String, Value> {
    json!({"type": "bcdc_dataset", "name": "x"})
        .as_object()
        .unwrap()
        .clone()
}

/// The message must name the catalogue and must never contain the key, in any rendering.
fn assert_clear(err: &CatalogueError, host: &str) -> String {
    let text = err.to_string();
    assert!(text.contains(host), "message does not name {host}: {text}");
    for shown in [text.clone(), format!("{err:?}"), format!("{err:#?}")] {
        assert!(!shown.contains(SECRET), "key leaked: {shown}");
    }
    text
}

fn host_of(url: &str) -> &str {
    url.trim_start_matches("http://")
}

#[tokio::test]
async fn sends_key_and_user_agent_only_to_the_catalogue() {
    let fake = start(vec![
        ok(json!({"id": "abc", "name": "x"})),
        ok(json!({"id": "abc", "name": "x"})),
    ])
    .await;
    let got = client(&fake.url, Some(SECRET))
        .package_show("x")
        .await
        .unwrap();
    assert_eq!(got["id"], "abc");
    client(&fake.url, None).package_show("x").await.unwrap();
    let requests = fake.requests();
    assert_eq!(requests[0].method, "GET");
    assert_eq!(requests[0].target, "/api/3/action/package_show?id=x");
    assert_eq!(requests[0].header("authorization"), Some(SECRET));
    assert_eq!(
        requests[0].header("user-agent"),
        Some(concat!("bcdc-lsp/", env!("CARGO_PKG_VERSION")))
    );
    assert_eq!(requests[1].header("authorization"), None);
}

#[tokio::test]
async fn timeout() {
    let fake = start(vec![Behaviour::Hang]).await;
    let started = std::time::Instant::now();
    let err = client(&fake.url, Some(SECRET))
        .package_create(&body())
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(matches!(err, CatalogueError::Timeout { .. }), "{err:?}");
    assert!(err.outcome_unknown());
    let text = assert_clear(&err, host_of(&fake.url));
    assert!(text.contains("no reply"), "{text}");
}

#[tokio::test]
async fn connection_reset_mid_response() {
    let partial = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{\"help\": \"x\", \"success\": tr".to_vec();
    let fake = start(vec![Behaviour::ResetAfter(partial)]).await;
    let err = client(&fake.url, Some(SECRET))
        .package_create(&body())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            CatalogueError::Connection {
                problem: ConnectionProblem::Reset,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.outcome_unknown());
    let text = assert_clear(&err, host_of(&fake.url));
    assert!(
        text.contains("broke before the reply was complete"),
        "{text}"
    );
}

#[tokio::test]
async fn server_error_with_html_body() {
    let html = "<!DOCTYPE html>\n<html><head><title>500 Internal Server Error</title></head>\
                <body><h1>Oops</h1></body></html>";
    let fake = start(vec![reply(500, "text/html; charset=utf-8", html)]).await;
    let err = client(&fake.url, Some(SECRET))
        .package_show("x")
        .await
        .unwrap_err();
    assert!(
        matches!(err, CatalogueError::Server { status: 500, .. }),
        "{err:?}"
    );
    let text = assert_clear(&err, host_of(&fake.url));
    assert!(text.contains("500 Internal Server Error"), "{text}");
    assert!(!text.contains("<h1>"), "{text}");
}

#[tokio::test]
async fn non_json_body() {
    let fake = start(vec![reply(
        200,
        "text/html",
        "<html><body>Welcome to nginx!</body></html>",
    )])
    .await;
    let err = client(&fake.url, None).license_list().await.unwrap_err();
    assert!(matches!(err, CatalogueError::BadReply { .. }), "{err:?}");
    let text = assert_clear(&err, host_of(&fake.url));
    assert!(text.contains("not a CKAN API answer"), "{text}");
    assert!(text.contains("Welcome to nginx"), "{text}");
}

#[tokio::test]
async fn bare_json_string_body() {
    let fake = start(vec![json(
        400,
        "\"Bad request - JSON Error: Error decoding JSON data.\"",
    )])
    .await;
    let err = client(&fake.url, Some(SECRET))
        .package_create(&body())
        .await
        .unwrap_err();
    assert!(
        matches!(err, CatalogueError::Rejected { status: 400, .. }),
        "{err:?}"
    );
    let text = assert_clear(&err, host_of(&fake.url));
    assert!(
        text.ends_with("Bad request - JSON Error: Error decoding JSON data."),
        "{text}"
    );
}

#[tokio::test]
async fn forbidden_anonymous_with_and_without_key() {
    let anon = r#"{"help": "h", "success": false, "error": {"__type": "Authorization Error", "message": "Access denied: User  not authorized to create packages"}}"#;
    let fake = start(vec![json(403, anon), json(403, anon)]).await;
    let no_key = client(&fake.url, None)
        .package_create(&body())
        .await
        .unwrap_err();
    assert!(
        matches!(
            no_key,
            CatalogueError::Auth {
                problem: AuthProblem::NoKey,
                ..
            }
        ),
        "{no_key:?}"
    );
    let text = assert_clear(&no_key, host_of(&fake.url));
    assert!(text.contains("no API key is configured"), "{text}");
    let bad_key = client(&fake.url, Some(SECRET))
        .package_create(&body())
        .await
        .unwrap_err();
    assert!(
        matches!(
            bad_key,
            CatalogueError::Auth {
                problem: AuthProblem::KeyRejected,
                ..
            }
        ),
        "{bad_key:?}"
    );
    let text = assert_clear(&bad_key, host_of(&fake.url));
    assert!(text.contains("did not accept the API key"), "{text}");
}

#[tokio::test]
async fn validation_errors_nested() {
    let body409 = json!({"help": "h", "success": false, "error": {
        "__type": "Validation Error",
        "security_class": ["Value must be one of ['PUBLIC', 'PROTECTED A', 'PROTECTED B', 'PROTECTED C']"],
        "contacts": [{}, {"email": ["Missing value"]}],
        "resources": [{}, {"format": ["Missing value"]}],
        "replacement_record": ["Required when ('resource_status',) is set to obsolete"]
    }});
    let fake = start(vec![json(409, &body409.to_string())]).await;
    let err = client(&fake.url, Some(SECRET))
        .package_create(&body())
        .await
        .unwrap_err();
    let CatalogueError::Validation { fields, .. } = &err else {
        panic!("{err:?}")
    };
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|f| (f.pointer.as_str(), f.messages[0].as_str()))
        .collect();
    assert_eq!(
        pairs,
        [
            (
                "/security_class",
                "must be one of PUBLIC, PROTECTED A, PROTECTED B, PROTECTED C"
            ),
            ("/contacts/1/email", "Missing value"),
            ("/resources/1/format", "Missing value"),
            (
                "/replacement_record",
                "required when resource_status is obsolete"
            ),
        ]
    );
    assert_clear(&err, host_of(&fake.url));
}

#[tokio::test]
async fn not_found_says_wrong_catalogue() {
    let fake = start(vec![json(
        404,
        r#"{"help": "h", "success": false, "error": {"__type": "Not Found Error", "message": "Not found"}}"#,
    )])
    .await;
    let err = client(&fake.url, Some(SECRET))
        .package_show("no-such")
        .await
        .unwrap_err();
    let text = assert_clear(&err, host_of(&fake.url));
    assert!(text.starts_with("unknown id \"no-such\" on"), "{text}");
    assert!(text.contains("wrong catalogue?"), "{text}");
}

#[tokio::test]
async fn redirect_is_not_followed() {
    let elsewhere = start(vec![ok(json!({}))]).await;
    let fake = start(vec![Behaviour::Raw(
        format!(
            "HTTP/1.1 302 Found\r\nLocation: {}/api/3/action/package_show?id=x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            elsewhere.url
        )
        .into_bytes(),
    )])
    .await;
    let err = client(&fake.url, Some(SECRET))
        .package_show("x")
        .await
        .unwrap_err();
    assert!(
        matches!(err, CatalogueError::Redirected { status: 302, .. }),
        "{err:?}"
    );
    let text = assert_clear(&err, host_of(&fake.url));
    assert!(text.contains(&elsewhere.url), "{text}");
    assert!(elsewhere.requests().is_empty(), "the redirect was followed");
}

#[tokio::test]
async fn key_echoed_by_server_is_scrubbed() {
    let echo = format!(
        r#"{{"success": false, "error": {{"__type": "Validation Error", "name": ["bad header {SECRET}"], "message": "Authorization: {SECRET}"}}}}"#
    );
    let fake = start(vec![
        reply(
            500,
            "text/plain",
            &format!("crash with Authorization={SECRET}"),
        ),
        json(409, &echo),
    ])
    .await;
    let c = client(&fake.url, Some(SECRET));
    assert!(!format!("{c:?}").contains(SECRET));
    let err = c.package_show("x").await.unwrap_err();
    assert_clear(&err, host_of(&fake.url));
    let err = c.package_create(&body()).await.unwrap_err();
    assert_clear(&err, host_of(&fake.url));
}

#[tokio::test]
async fn connection_refused() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let err = client(&url, Some(SECRET))
        .package_show("x")
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            CatalogueError::Connection {
                problem: ConnectionProblem::Refused,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(!err.outcome_unknown());
    let text = assert_clear(&err, host_of(&url));
    assert!(text.contains("connection refused"), "{text}");
}

#[tokio::test]
async fn tls_failure_against_a_plain_http_server() {
    let fake = start(vec![ok(json!({}))]).await;
    let https = fake.url.replace("http://", "https://");
    let err = client(&https, Some(SECRET))
        .package_show("x")
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            CatalogueError::Connection {
                problem: ConnectionProblem::Tls,
                ..
            }
        ),
        "{err:?}"
    );
    let text = assert_clear(&err, host_of(&fake.url));
    assert!(text.contains("secure connection"), "{text}");
}

#[tokio::test]
async fn dns_failure() {
    // `.invalid` never resolves (RFC 2606); no packet leaves the machine for it.
    let err = client("https://catalogue.bcdc-lsp-test.invalid", Some(SECRET))
        .package_show("x")
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            CatalogueError::Connection {
                problem: ConnectionProblem::Dns,
                ..
            }
        ) || matches!(err, CatalogueError::Timeout { .. }),
        "{err:?}"
    );
    assert_clear(&err, "catalogue.bcdc-lsp-test.invalid");
}

#[tokio::test]
async fn typed_lists() {
    let fake = start(vec![
        ok(json!([{"id": "2", "title": "Open Government Licence - British Columbia", "url": "u"}])),
        ok(json!([{"id": "c46e", "name": "lsp-test-org", "title": "LSP Test Organization", "extra": 1}])),
        ok(json!([{"id": "c46e", "name": "lsp-test-org", "title": "LSP Test Organization"}])),
        ok(json!({"count": 1, "results": [{"id": "abc", "name": "x"}]})),
    ])
    .await;
    let c = client(&fake.url, Some(SECRET));
    assert_eq!(c.license_list().await.unwrap()[0].id, "2");
    assert_eq!(
        c.organization_list_for_user().await.unwrap()[0].name,
        "lsp-test-org"
    );
    assert_eq!(c.organization_list().await.unwrap()[0].id, "c46e");
    assert_eq!(c.package_search_by_name("x").await.unwrap()[0]["id"], "abc");
    let targets: Vec<String> = fake.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(
        targets,
        [
            "/api/3/action/license_list",
            "/api/3/action/organization_list_for_user?permission=create_dataset",
            "/api/3/action/organization_list?all_fields=true",
            "/api/3/action/package_search?q=name%3A%22x%22&include_drafts=true&rows=10",
        ]
    );
}

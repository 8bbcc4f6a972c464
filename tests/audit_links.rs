//! The link checker of `audit --links` against link servers on 127.0.0.1 (and 127.0.0.2):
//! every way a link fails is named (a TLS handshake with a plain-HTTP server too), HEAD refused falls back to a ranged GET, redirects are
//! followed up to five, and the per-host and overall limits hold.

mod links_server;

use std::sync::Arc;
use std::time::{Duration, Instant};

use bcdc_lsp::catalogue::links::{check_links, LinkFailure, LinkOptions, LinkResult};
use links_server::{closed_port, start, Gauge, REDIRECT_TO};

fn options() -> LinkOptions {
    LinkOptions {
        timeout: Duration::from_secs(1),
        ..LinkOptions::default()
    }
}

#[tokio::test]
async fn each_kind_of_link_is_named() {
    let shared = Arc::new(Gauge::default());
    let server = start("127.0.0.1", shared.clone()).await;
    let other = start("127.0.0.2", shared.clone()).await;
    *REDIRECT_TO.lock().unwrap() = other.base.clone();
    let closed = closed_port().await;
    let b = &server.base;
    let cases: Vec<(String, LinkResult)> = vec![
        (format!("{b}/ok"), LinkResult::Alive(200)),
        (format!("{b}/chain/5"), LinkResult::Alive(200)),
        (
            format!("{b}/chain/6"),
            LinkResult::Failed(LinkFailure::TooManyRedirects),
        ),
        (format!("{b}/away"), LinkResult::Alive(200)),
        (
            format!("{b}/missing"),
            LinkResult::Failed(LinkFailure::Status(404)),
        ),
        (
            format!("{b}/error"),
            LinkResult::Failed(LinkFailure::Status(500)),
        ),
        (format!("{b}/nohead"), LinkResult::Alive(200)),
        (
            format!("{b}/slow"),
            LinkResult::Failed(LinkFailure::Timeout),
        ),
        (
            format!("{closed}/ok"),
            LinkResult::Failed(LinkFailure::Refused),
        ),
        (
            format!("{b}/loop/a"),
            LinkResult::Failed(LinkFailure::RedirectLoop),
        ),
        (
            "http://no-such-host.invalid/x".to_string(),
            LinkResult::Failed(LinkFailure::Dns),
        ),
        (
            "mailto:x@example.com".to_string(),
            LinkResult::Failed(LinkFailure::BadUrl),
        ),
        // TLS to a server that speaks plain HTTP: the handshake fails
        (
            format!("{}/ok", b.replace("http://", "https://")),
            LinkResult::Failed(LinkFailure::Tls),
        ),
    ];
    let urls: Vec<String> = cases.iter().map(|(u, _)| u.clone()).collect();
    let started = Instant::now();
    let results = check_links(&urls, options(), &|_, _| {}).await.unwrap();
    // the slow link costs one timeout, not the sum of all
    assert!(started.elapsed() < Duration::from_secs(5));
    for (url, expected) in &cases {
        assert_eq!(results.get(url), Some(expected), "{url}");
    }
    let seen = server.gauge.seen.lock().unwrap().clone();
    let nohead: Vec<_> = seen.iter().filter(|(_, p, _)| p == "/nohead").collect();
    assert_eq!(nohead.len(), 2, "HEAD, then GET: {nohead:?}");
    assert_eq!(nohead[0].0, "HEAD");
    assert_eq!(
        (nohead[1].0.as_str(), nohead[1].2.as_deref()),
        ("GET", Some("bytes=0-0"))
    );
    // a timeout is not asked again with GET
    assert_eq!(seen.iter().filter(|(_, p, _)| p == "/slow").count(), 1);
    assert_eq!(other.gauge.requests(), 1);
}

#[tokio::test]
async fn limits_per_host_and_overall_hold() {
    let shared = Arc::new(Gauge::default());
    let a = start("127.0.0.1", shared.clone()).await;
    let b = start("127.0.0.2", shared.clone()).await;
    let c = start("127.0.0.3", shared.clone()).await;
    let urls: Vec<String> = (0..60)
        .flat_map(|i| [&a, &b, &c].map(|s| format!("{}/wait/{i}", s.base)))
        .collect();
    let options = LinkOptions {
        per_host: 3,
        in_flight: 7,
        ..options()
    };
    let results = check_links(&urls, options, &|_, _| {}).await.unwrap();
    assert_eq!(results.len(), 180);
    assert!(results.values().all(|r| *r == LinkResult::Alive(200)));
    for server in [&a, &b, &c] {
        assert_eq!(server.gauge.peak(), 3, "per host");
    }
    assert_eq!(shared.peak(), 7, "overall");
}

#[tokio::test]
async fn duplicates_are_asked_once() {
    let shared = Arc::new(Gauge::default());
    let server = start("127.0.0.1", shared).await;
    let url = format!("{}/ok", server.base);
    let results = check_links(&[url.clone(), url.clone(), url], options(), &|_, _| {})
        .await
        .unwrap();
    assert_eq!(results.len(), 1);
    assert_eq!(server.gauge.requests(), 1);
}

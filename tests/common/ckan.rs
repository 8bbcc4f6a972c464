//! The local test CKAN (`tests/harness/ckan`) for the tests that publish to it: its
//! settings from BCDC_TEST_CKAN_URL / _TOKEN / _ORG, unique dataset names, and a guard
//! that purges every dataset a test named, when the test ends, passed or failed, so
//! that the suite leaves the catalogue as it found it (`.ci/run` checks the count).

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

pub struct Ckan {
    pub url: String,
    /// A sysadmin's token: it may purge.
    pub token: String,
    pub org: String,
    created: Mutex<Vec<String>>,
}

impl Ckan {
    /// The local CKAN, or `None` (saying that `test` is skipped) when the variables are
    /// not set.
    pub fn from_env(test: &str) -> Option<Ckan> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        match (
            var("BCDC_TEST_CKAN_URL"),
            var("BCDC_TEST_CKAN_TOKEN"),
            var("BCDC_TEST_CKAN_ORG"),
        ) {
            (Some(url), Some(token), Some(org)) => Some(Ckan {
                url,
                token,
                org,
                created: Mutex::new(Vec::new()),
            }),
            _ => {
                // Straight to stderr so that the skip shows even with captured output.
                let _ = writeln!(
                    std::io::stderr(),
                    "SKIPPED {test}: set BCDC_TEST_CKAN_URL, BCDC_TEST_CKAN_TOKEN and \
                     BCDC_TEST_CKAN_ORG to run it against a CKAN (source \
                     tests/harness/ckan/env.sh after start.sh; .ci/run does)"
                );
                None
            }
        }
    }

    /// A dataset name no other run uses, purged when `self` is dropped.
    pub fn name(&self, prefix: &str) -> String {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let name = format!(
            "{prefix}-{}-{}-{}",
            std::process::id(),
            nanos % 1_000_000_000_000,
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        self.created
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(name.clone());
        name
    }
}

impl Drop for Ckan {
    /// Purges the named datasets; those never created answer "not found".
    fn drop(&mut self) {
        let names = std::mem::take(self.created.get_mut().unwrap_or_else(|e| e.into_inner()));
        for name in names {
            match purge(&self.url, &self.token, &name) {
                Ok(200 | 404) => {}
                other => {
                    let _ = writeln!(
                        std::io::stderr(),
                        "could not purge test dataset {name}: {other:?}"
                    );
                }
            }
        }
    }
}

/// `dataset_purge` by plain HTTP/1.1 on a blocking socket (the test CKAN is on loopback),
/// so that it works in any drop: inside a test's runtime or while a failed test unwinds.
/// Returns the HTTP status.
fn purge(url: &str, token: &str, name: &str) -> std::io::Result<u16> {
    use std::io::{Error, Read};
    let host = url
        .strip_prefix("http://")
        .map(|rest| rest.trim_end_matches('/'))
        .filter(|host| !host.contains('/'))
        .ok_or_else(|| Error::other(format!("not a plain-HTTP CKAN root: {url}")))?;
    let body = serde_json::json!({ "id": name }).to_string();
    let mut stream = std::net::TcpStream::connect(host)?;
    stream.set_read_timeout(Some(std::time::Duration::from_secs(30)))?;
    write!(
        stream,
        "POST /api/3/action/dataset_purge HTTP/1.1\r\nHost: {host}\r\n\
         Authorization: {token}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut reply = String::new();
    stream.read_to_string(&mut reply)?;
    reply
        .split_whitespace()
        .nth(1)
        .and_then(|status| status.parse().ok())
        .ok_or_else(|| Error::other(format!("no HTTP status in {reply:.80}")))
}

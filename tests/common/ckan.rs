//! The local test CKAN (`tests/harness/ckan`) for the tests that write to it: its
//! settings from BCDC_TEST_CKAN_URL / _TOKEN / _ORG, unique dataset and organization names,
//! action calls with the sysadmin token, and a guard that purges every dataset and
//! organization a test named, when the test ends, passed or failed, so that the suite
//! leaves the catalogue as it found it (`.ci/run` checks the count).

use bcdc_lsp::catalogue::{ApiKey, Catalogue, CatalogueClient};
use serde_json::{json, Value};
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

pub struct Ckan {
    pub url: String,
    /// A sysadmin's token: it may purge.
    pub token: String,
    pub org: String,
    created: Mutex<Created>,
}

#[derive(Default)]
struct Created {
    datasets: Vec<String>,
    organizations: Vec<String>,
}

/// Whether a test that needs something missing must fail rather than skip: in CI
/// (`CI=true`, as `.ci/run` runs) or when `BCDC_REQUIRE_CKAN=1`, every test runs.
pub fn must_not_skip() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
        || std::env::var("BCDC_REQUIRE_CKAN").is_ok_and(|v| v == "1")
}

impl Ckan {
    /// The local CKAN, or `None` (saying that `test` is skipped) when the variables are
    /// not set. Where every test must run (see [`must_not_skip`]) a missing CKAN fails the
    /// test instead.
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
                created: Mutex::new(Created::default()),
            }),
            _ => {
                assert!(
                    !must_not_skip(),
                    "{test} needs the local CKAN, and here no test may skip (CI=true or \
                     BCDC_REQUIRE_CKAN=1): set BCDC_TEST_CKAN_URL, BCDC_TEST_CKAN_TOKEN and \
                     BCDC_TEST_CKAN_ORG (source tests/harness/ckan/env.sh after start.sh)"
                );
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

    /// The crate's client for this CKAN, with the sysadmin token.
    pub fn client(&self) -> CatalogueClient {
        self.client_with(ApiKey::new(self.token.clone()))
    }

    pub fn client_with(&self, key: Option<ApiKey>) -> CatalogueClient {
        CatalogueClient::new(Catalogue::parse(&self.url).unwrap(), key).unwrap()
    }

    /// A dataset name no other run uses, purged when `self` is dropped.
    pub fn name(&self, prefix: &str) -> String {
        let name = unique(prefix);
        self.created().datasets.push(name.clone());
        name
    }

    /// A new organization with a name no other run uses, purged (after the datasets)
    /// when `self` is dropped.
    pub fn organization(&self, prefix: &str) -> String {
        let name = unique(prefix);
        self.created().organizations.push(name.clone());
        self.call("organization_create", json!({"name": name, "title": name}))
            .unwrap_or_else(|e| panic!("organization_create {name}: {e}"));
        name
    }

    /// One action call with the sysadmin token: the `result`, or the whole reply when the
    /// action failed. Blocking, on a thread of its own, so that it works anywhere: in a
    /// plain test, inside a test's tokio runtime, and in a drop while a failed test unwinds.
    pub fn call(&self, action: &str, body: Value) -> Result<Value, Value> {
        let url = format!("{}/api/3/action/{action}", self.url.trim_end_matches('/'));
        let token = self.token.clone();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            // plain HTTP to loopback, but reqwest wants a TLS provider chosen
            let _ = rustls::crypto::ring::default_provider().install_default();
            runtime.block_on(async move {
                let reply = reqwest::Client::new()
                    .post(&url)
                    .header("Authorization", token)
                    .json(&body)
                    .send()
                    .await
                    .map_err(|e| json!(format!("{url}: {e}")))?;
                let reply: Value = reply
                    .json()
                    .await
                    .map_err(|e| json!(format!("{url}: not JSON: {e}")))?;
                if reply["success"] == true {
                    Ok(reply["result"].clone())
                } else {
                    Err(reply)
                }
            })
        })
        .join()
        .unwrap_or_else(|_| Err(json!("the CKAN call panicked")))
    }

    fn created(&self) -> std::sync::MutexGuard<'_, Created> {
        self.created.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// `{prefix}-{pid}-{time}-{counter}`: unique across runs and within one.
fn unique(prefix: &str) -> String {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!(
        "{prefix}-{}-{}-{}",
        std::process::id(),
        nanos % 1_000_000_000_000,
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

impl Drop for Ckan {
    /// Purges the named datasets, then the organizations; datasets never created answer
    /// "not found".
    fn drop(&mut self) {
        let created = std::mem::take(&mut *self.created());
        let purges = created.datasets.iter().map(|d| ("dataset_purge", d)).chain(
            created
                .organizations
                .iter()
                .map(|o| ("organization_purge", o)),
        );
        for (action, name) in purges {
            match self.call(action, json!({ "id": name })) {
                Ok(_) => {}
                Err(e) if e["error"]["__type"] == "Not Found Error" => {}
                Err(e) => {
                    let _ = writeln!(std::io::stderr(), "could not {action} {name}: {e}");
                }
            }
        }
    }
}

//! Every dataset of a catalogue, for `audit`: `package_search` in pages of 1000 sorted by
//! id, a few pages in flight, each retried with backoff (honouring `Retry-After`), and the
//! record cache, so that a second audit lists the ids with their `metadata_modified` and
//! fetches only the datasets that changed. A page or dataset that still fails is returned
//! as [`Unfetched`] and the rest goes on. Read-only: only `package_search` is called.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Map, Value};
use tokio::task::JoinSet;

use super::cache::RecordCache;
use super::client::{CatalogueClient, SearchPage};
use super::error::{CatalogueError, ConnectionProblem};

/// Datasets per `package_search` call: CKAN's default `ckan.search.rows_max`.
pub const PAGE_ROWS: u64 = 1000;
/// Calls in flight at once: polite to a shared catalogue, still faster than one by one.
pub const IN_FLIGHT: usize = 3;

/// Which datasets an audit looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    /// The schema's dataset type (`bcdc_dataset`).
    pub dataset_type: String,
    /// Organization names; empty means every organization.
    pub organizations: Vec<String>,
    /// Ask for private datasets too (CKAN returns those the key's user may see).
    pub include_private: bool,
}

impl Scope {
    /// The Solr filter query (CKAN passes `fq` through to Solr, adding its own clauses).
    pub fn filter(&self) -> String {
        let mut fq = format!("+dataset_type:{}", solr_phrase(&self.dataset_type));
        if !self.organizations.is_empty() {
            let names: Vec<String> = self.organizations.iter().map(|o| solr_phrase(o)).collect();
            fq.push_str(&format!(" +organization:({})", names.join(" OR ")));
        }
        fq
    }
}

/// A quoted Solr phrase: `"a \"b\""`.
fn solr_phrase(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// How failed calls are retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retry {
    /// Calls per page, the first included.
    pub attempts: u32,
    /// Wait before the first retry; doubled for each further one.
    pub first_delay: Duration,
    /// A catalogue asking (by `Retry-After`) for a longer wait than this gets none:
    /// the page is given up.
    pub max_delay: Duration,
}

impl Default for Retry {
    fn default() -> Self {
        Retry {
            attempts: 4,
            first_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(300),
        }
    }
}

/// Something the audit could not fetch, for the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unfetched {
    /// `records 1001–2000 of 3400`, `record 7c0…`, `result 17 of records 1–1000`.
    pub what: String,
    pub reason: String,
}

/// Fetching progress, for a progress line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// `listing` (ids and dates, to compare with the cache) or `fetching` (whole datasets).
    pub phase: &'static str,
    pub done: u64,
    pub total: u64,
}

/// The datasets of a [`Scope`].
#[derive(Debug, Clone, Default)]
pub struct Fetched {
    /// `package_search` results, by id.
    pub packages: Vec<Map<String, Value>>,
    pub unfetched: Vec<Unfetched>,
    /// How many of `packages` came from the cache unchanged.
    pub from_cache: usize,
    /// `package_search` calls made, retries included.
    pub requests: usize,
}

/// Every dataset in `scope`. Without cached datasets for this catalogue, whole datasets are
/// fetched page by page; with them, the ids and `metadata_modified` dates are listed first
/// and only new or changed datasets are fetched (`metadata_modified:[<oldest change> TO *]`).
/// Fails only when the audit cannot start (the first call fails after its retries).
pub async fn fetch_all(
    client: &CatalogueClient,
    scope: &Scope,
    cache: Option<&RecordCache>,
    retry: Retry,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<Fetched, CatalogueError> {
    let requests = Arc::new(AtomicUsize::new(0));
    let mut base = vec![
        ("q".to_string(), "*:*".to_string()),
        ("sort".to_string(), "id asc".to_string()),
        ("rows".to_string(), PAGE_ROWS.to_string()),
        // the counts per tag and organization would cost the server time for nothing
        ("facet".to_string(), "false".to_string()),
        // records saved as CKAN drafts (those the caller may see) are records to check too
        ("include_drafts".to_string(), "true".to_string()),
    ];
    if scope.include_private {
        base.push(("include_private".into(), "true".into()));
    }
    let with_filter = |fq: String, fl: Option<&str>| {
        let mut params = base.clone();
        params.push(("fq".into(), fq));
        if let Some(fl) = fl {
            params.push(("fl".into(), fl.into()));
        }
        Search {
            client: client.clone(),
            params: Arc::new(params),
            retry,
            requests: requests.clone(),
        }
    };
    let mut cached = cache.map(RecordCache::load).unwrap_or_default();
    let mut out = Fetched::default();
    if cached.is_empty() {
        let pages = with_filter(scope.filter(), None)
            .all("fetching", progress)
            .await?;
        out.unfetched = pages.failures;
        for (position, entry) in pages.results {
            match dataset(entry) {
                Ok(package) => {
                    if let Some(cache) = cache {
                        cache.store(&package);
                    }
                    out.packages.push(package);
                }
                Err(reason) => out.unfetched.push(Unfetched {
                    what: format!("result {position} of the search"),
                    reason,
                }),
            }
        }
        out.requests = requests.load(Ordering::Relaxed);
        return Ok(out);
    }
    let listing = with_filter(scope.filter(), Some("id,metadata_modified"))
        .all("listing", progress)
        .await?;
    out.unfetched = listing.failures;
    let mut listed: Vec<(String, String)> = Vec::new();
    for (position, entry) in listing.results {
        let id = entry
            .get("id")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty());
        let modified = entry.get("metadata_modified").and_then(Value::as_str);
        match (id, modified) {
            (Some(id), Some(modified)) => listed.push((id.to_string(), stamp(modified))),
            _ => out.unfetched.push(Unfetched {
                what: format!("result {position} of the listing"),
                reason: "no id or metadata_modified".into(),
            }),
        }
    }
    let stale: Vec<&(String, String)> = listed
        .iter()
        .filter(|(id, modified)| !is_current_in(&cached, id, modified))
        .collect();
    let mut fresh: HashMap<String, Map<String, Value>> = HashMap::new();
    let mut missing_reason = "not returned by the search for changed records".to_string();
    if let Some(since) = stale.iter().map(|(_, m)| m.as_str()).min() {
        let fq = format!("{} +metadata_modified:[{since}Z TO *]", scope.filter());
        match with_filter(fq, None).all("fetching", progress).await {
            Ok(pages) => {
                if let Some(failure) = pages.failures.first() {
                    missing_reason = format!("{}: {}", failure.what, failure.reason);
                }
                for (position, entry) in pages.results {
                    match dataset(entry) {
                        Ok(package) => {
                            let id = package["id"].as_str().unwrap_or_default().to_string();
                            fresh.insert(id, package);
                        }
                        Err(reason) => out.unfetched.push(Unfetched {
                            what: format!("result {position} of the search for changed records"),
                            reason,
                        }),
                    }
                }
            }
            Err(error) => missing_reason = error.to_string(),
        }
    }
    for (id, modified) in &listed {
        if let Some(package) = fresh.remove(id) {
            if let Some(cache) = cache {
                cache.store(&package);
            }
            out.packages.push(package);
        } else if is_current_in(&cached, id, modified) {
            out.packages
                .push(cached.remove(id).expect("checked just above"));
            out.from_cache += 1;
        } else {
            out.unfetched.push(Unfetched {
                what: format!("record {id}"),
                reason: format!("changed since the last audit, but {missing_reason}"),
            });
        }
    }
    // Created or changed between the listing and the search for changes: current too.
    let mut late: Vec<Map<String, Value>> = fresh.into_values().collect();
    late.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
    for package in late {
        if let Some(cache) = cache {
            cache.store(&package);
        }
        out.packages.push(package);
    }
    out.requests = requests.load(Ordering::Relaxed);
    Ok(out)
}

/// Whether the cache holds this dataset as last modified at `modified`.
fn is_current_in(cached: &HashMap<String, Map<String, Value>>, id: &str, modified: &str) -> bool {
    cached
        .get(id)
        .and_then(|p| p.get("metadata_modified"))
        .and_then(Value::as_str)
        .is_some_and(|m| stamp(m) == modified)
}

/// `metadata_modified` to the millisecond, without a zone: `package_show` gives
/// microseconds (`2024-05-01T12:34:56.123456`), Solr milliseconds with `Z`.
pub(crate) fn stamp(value: &str) -> String {
    let value = value.trim().trim_end_matches('Z');
    let (seconds, fraction) = value.split_once('.').unwrap_or((value, ""));
    let mut millis: String = fraction.chars().take(3).collect();
    while millis.len() < 3 {
        millis.push('0');
    }
    format!("{seconds}.{millis}")
}

/// A search result as a dataset: a JSON object with an id.
fn dataset(entry: Value) -> Result<Map<String, Value>, String> {
    match entry {
        Value::Object(package)
            if package
                .get("id")
                .and_then(Value::as_str)
                .is_some_and(|id| !id.is_empty()) =>
        {
            Ok(package)
        }
        Value::Object(_) => Err("a dataset without an id".into()),
        other => Err(format!("not a dataset but {}", kind(&other))),
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// One search, page by page.
struct Search {
    client: CatalogueClient,
    params: Arc<Vec<(String, String)>>,
    retry: Retry,
    requests: Arc<AtomicUsize>,
}

/// The results of every page that arrived (each with its 1-based position in the whole
/// search), and the pages that did not.
struct Pages {
    results: Vec<(u64, Value)>,
    failures: Vec<Unfetched>,
}

impl Search {
    /// The first page, then the others, at most [`IN_FLIGHT`] at a time.
    async fn all(
        &self,
        phase: &'static str,
        progress: &(dyn Fn(Progress) + Sync),
    ) -> Result<Pages, CatalogueError> {
        let first = self.page(0).await?;
        let total = first.count;
        let mut done = first.results.len() as u64;
        progress(Progress { phase, done, total });
        let mut pages = vec![(0, first.results)];
        let mut failures = Vec::new();
        let mut tasks = JoinSet::new();
        let mut next = PAGE_ROWS;
        loop {
            while next < total && tasks.len() < IN_FLIGHT {
                let search = self.clone_for_task();
                let start = next;
                tasks.spawn(async move { (start, search.page(start).await) });
                next += PAGE_ROWS;
            }
            let Some(joined) = tasks.join_next().await else {
                break;
            };
            let (start, result) = joined.expect("page tasks do not panic");
            match result {
                Ok(page) => {
                    done += page.results.len() as u64;
                    pages.push((start, page.results));
                }
                Err(error) => failures.push(Unfetched {
                    what: format!(
                        "records {}–{} of {total}",
                        start + 1,
                        (start + PAGE_ROWS).min(total)
                    ),
                    reason: error.to_string(),
                }),
            }
            progress(Progress { phase, done, total });
        }
        pages.sort_by_key(|(start, _)| *start);
        failures.sort_by(|a, b| a.what.cmp(&b.what));
        let results = pages
            .into_iter()
            .flat_map(|(start, results)| (start + 1..).zip(results))
            .collect();
        Ok(Pages { results, failures })
    }

    fn clone_for_task(&self) -> Search {
        Search {
            client: self.client.clone(),
            params: self.params.clone(),
            retry: self.retry,
            requests: self.requests.clone(),
        }
    }

    /// One page, retried while the failure is one that may pass.
    async fn page(&self, start: u64) -> Result<SearchPage, CatalogueError> {
        let start = start.to_string();
        let mut query: Vec<(&str, &str)> = self
            .params
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        query.push(("start", &start));
        let mut attempt = 1;
        loop {
            self.requests.fetch_add(1, Ordering::Relaxed);
            let (error, asked) = match self.client.package_search(&query).await {
                Ok(page) => return Ok(page),
                Err(failure) => failure,
            };
            if attempt >= self.retry.attempts || !may_pass(&error) {
                return Err(error);
            }
            let wait = asked.unwrap_or(self.retry.first_delay * 2u32.pow(attempt - 1));
            if wait > self.retry.max_delay {
                return Err(error);
            }
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }
}

/// Failures worth another try: too many requests, server errors, time-outs, broken
/// connections, truncated replies. Not: refusals, unknown hosts, TLS.
fn may_pass(error: &CatalogueError) -> bool {
    match error {
        CatalogueError::Rejected { status, .. } => *status == 429,
        CatalogueError::Server { .. } | CatalogueError::Timeout { .. } => true,
        CatalogueError::BadReply { status, .. } => *status >= 500 || *status == 200,
        CatalogueError::Connection { problem, .. } => matches!(
            problem,
            ConnectionProblem::Reset | ConnectionProblem::Refused | ConnectionProblem::Other
        ),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_is_solr_syntax() {
        let scope = Scope {
            dataset_type: "bcdc_dataset".into(),
            organizations: vec!["org-a".into(), "b\"c".into()],
            include_private: false,
        };
        assert_eq!(
            scope.filter(),
            r#"+dataset_type:"bcdc_dataset" +organization:("org-a" OR "b\"c")"#
        );
    }

    #[test]
    fn stamps_compare_at_millisecond_precision() {
        assert_eq!(
            stamp("2024-05-01T12:34:56.123456"),
            "2024-05-01T12:34:56.123"
        );
        assert_eq!(stamp("2024-05-01T12:34:56.123Z"), "2024-05-01T12:34:56.123");
        assert_eq!(stamp("2024-05-01T12:34:56.1Z"), "2024-05-01T12:34:56.100");
        assert_eq!(stamp("2024-05-01T12:34:56Z"), "2024-05-01T12:34:56.000");
    }

    #[test]
    fn malformed_results_are_named() {
        assert!(dataset(serde_json::json!({"id": "x"})).is_ok());
        assert_eq!(
            dataset(serde_json::json!("oops")).unwrap_err(),
            "not a dataset but a string"
        );
        assert_eq!(
            dataset(serde_json::json!({"name": "x"})).unwrap_err(),
            "a dataset without an id"
        );
    }
}

//! The link checker of `audit --links`: does each URL answer? `HEAD`, and a ranged `GET`
//! (`Range: bytes=0-0`) where `HEAD` fails, as many servers refuse or mishandle `HEAD`;
//! redirects followed by hand (at most [`LinkOptions::max_redirects`], loops named);
//! a few requests in flight per host and a few dozen overall; no API key, ever. What a
//! result means over time (broken after three failures) is `audit::links`.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::header::{HeaderValue, LOCATION, RANGE};
use reqwest::{redirect, Method, Url};
use serde::{Deserialize, Serialize};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::client::{system_tls, USER_AGENT};
use super::error::{classify_transport, CatalogueError, ConnectionProblem};

/// Limits of one run of the checker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkOptions {
    /// Requests in flight to one host (host and port) at once.
    pub per_host: usize,
    /// Requests in flight at once, all hosts together.
    pub in_flight: usize,
    /// Time for one request (connecting included) until the reply's headers.
    pub timeout: Duration,
    /// Redirects followed from the first URL.
    pub max_redirects: usize,
}

impl Default for LinkOptions {
    fn default() -> Self {
        LinkOptions {
            per_host: 4,
            in_flight: 32,
            timeout: Duration::from_secs(8),
            max_redirects: 5,
        }
    }
}

/// Why a link does not answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LinkFailure {
    /// The final reply's HTTP status (4xx, 5xx, or a redirect without a `Location`).
    Status(u16),
    Timeout,
    Dns,
    Tls,
    Refused,
    /// The connection broke or another transport failure.
    Connection,
    RedirectLoop,
    TooManyRedirects,
    /// Not an http(s) URL that can be requested.
    BadUrl,
}

impl LinkFailure {
    /// The reason in words, for the report.
    pub fn reason(&self) -> String {
        match self {
            LinkFailure::Status(404) => "404 Not Found".into(),
            LinkFailure::Status(410) => "410 Gone".into(),
            LinkFailure::Status(401) => "401 login required".into(),
            LinkFailure::Status(403) => "403 Forbidden".into(),
            LinkFailure::Status(429) => "429 too many requests".into(),
            LinkFailure::Status(s) if *s >= 500 => format!("{s} server error"),
            LinkFailure::Status(s) if (300..400).contains(s) => {
                format!("{s} redirect without a Location")
            }
            LinkFailure::Status(s) => format!("HTTP {s}"),
            LinkFailure::Timeout => "timeout".into(),
            LinkFailure::Dns => "DNS: the host name does not resolve".into(),
            LinkFailure::Tls => "TLS certificate or handshake failed".into(),
            LinkFailure::Refused => "connection refused".into(),
            LinkFailure::Connection => "connection broken".into(),
            LinkFailure::RedirectLoop => "redirect loop".into(),
            LinkFailure::TooManyRedirects => "too many redirects".into(),
            LinkFailure::BadUrl => "not a valid http(s) URL".into(),
        }
    }
}

/// What one check of one URL found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LinkResult {
    /// The final reply's status (2xx).
    Alive(u16),
    Failed(LinkFailure),
}

/// Checks each URL once (duplicates are checked once), within the limits; `progress` gets
/// (done, total) after each URL. Never fails: every URL gets a result.
pub async fn check_links(
    urls: &[String],
    options: LinkOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<HashMap<String, LinkResult>, CatalogueError> {
    let (tls, _) = system_tls();
    let http = reqwest::Client::builder()
        .tls_backend_preconfigured((**tls).clone())
        .user_agent(format!(
            "{USER_AGENT} (link check of a catalogue audit; +https://github.com/bcgov/bcdc-lsp)"
        ))
        .connect_timeout(options.timeout)
        .timeout(options.timeout)
        .pool_max_idle_per_host(options.per_host)
        .redirect(redirect::Policy::none())
        .build()
        .map_err(|e| CatalogueError::Setup {
            message: format!("cannot set up the HTTP client: {e}"),
        })?;
    let limits = Arc::new(Limits {
        overall: Semaphore::new(options.in_flight.max(1)),
        per_host: options.per_host.max(1),
        hosts: Mutex::new(HashMap::new()),
    });
    let unique: Vec<String> = {
        let mut seen = HashSet::new();
        urls.iter()
            .filter(|u| seen.insert(u.as_str()))
            .cloned()
            .collect()
    };
    let total = unique.len();
    let mut tasks = JoinSet::new();
    for url in unique {
        let (http, limits) = (http.clone(), limits.clone());
        tasks.spawn(async move {
            let result = check_one(&http, &limits, &url, options).await;
            (url, result)
        });
    }
    let mut results = HashMap::with_capacity(total);
    while let Some(joined) = tasks.join_next().await {
        let (url, result) = joined.expect("link checks do not panic");
        results.insert(url, result);
        progress(results.len(), total);
    }
    Ok(results)
}

/// The shared limits: a semaphore for all hosts and one per host.
struct Limits {
    overall: Semaphore,
    per_host: usize,
    hosts: Mutex<HashMap<String, Arc<Semaphore>>>,
}

impl Limits {
    fn host(&self, url: &Url) -> Arc<Semaphore> {
        let key = format!(
            "{}:{}",
            url.host_str().unwrap_or_default(),
            url.port_or_known_default().unwrap_or_default()
        );
        let mut hosts = self.hosts.lock().expect("not poisoned");
        hosts
            .entry(key)
            .or_insert_with(|| Arc::new(Semaphore::new(self.per_host)))
            .clone()
    }
}

/// One URL, its redirects followed. Each request holds its host's permit and then an
/// overall one, and gives both back before the next hop: a redirect to a busy host never
/// holds permits another host's requests wait for.
async fn check_one(
    http: &reqwest::Client,
    limits: &Limits,
    url: &str,
    options: LinkOptions,
) -> LinkResult {
    let Some(mut current) = Url::parse(url.trim())
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
    else {
        return LinkResult::Failed(LinkFailure::BadUrl);
    };
    let mut seen = HashSet::from([current.clone()]);
    let mut redirects = 0;
    loop {
        let reply = {
            let host = limits.host(&current);
            let _host = host.acquire().await.expect("never closed");
            let _all = limits.overall.acquire().await.expect("never closed");
            let head = request(http, Method::HEAD, &current, options).await;
            match head {
                // HEAD refused (405, 501) or mishandled: ask for the first byte instead
                Ok(reply) if reply.status >= 400 => {
                    request(http, Method::GET, &current, options).await
                }
                Err(LinkFailure::Connection) => request(http, Method::GET, &current, options).await,
                other => other,
            }
        };
        let reply = match reply {
            Ok(reply) => reply,
            Err(failure) => return LinkResult::Failed(failure),
        };
        match (reply.status, reply.location) {
            (300..=399, Some(location)) => {
                let Ok(next) = current.join(&location) else {
                    return LinkResult::Failed(LinkFailure::BadUrl);
                };
                if !seen.insert(next.clone()) {
                    return LinkResult::Failed(LinkFailure::RedirectLoop);
                }
                redirects += 1;
                if redirects > options.max_redirects {
                    return LinkResult::Failed(LinkFailure::TooManyRedirects);
                }
                if !matches!(next.scheme(), "http" | "https") {
                    return LinkResult::Failed(LinkFailure::BadUrl);
                }
                current = next;
            }
            (status, _) if status < 300 => return LinkResult::Alive(status),
            (status, _) => return LinkResult::Failed(LinkFailure::Status(status)),
        }
    }
}

struct Reply {
    status: u16,
    location: Option<String>,
}

async fn request(
    http: &reqwest::Client,
    method: Method,
    url: &Url,
    options: LinkOptions,
) -> Result<Reply, LinkFailure> {
    let mut builder = http.request(method.clone(), url.clone());
    if method == Method::GET {
        builder = builder.header(RANGE, HeaderValue::from_static("bytes=0-0"));
    }
    // The body is never read: dropping the reply closes or returns the connection.
    let reply = builder.send().await.map_err(|e| {
        match classify_transport(url.as_str(), options.timeout, &e) {
            CatalogueError::Timeout { .. } => LinkFailure::Timeout,
            CatalogueError::Connection { problem, .. } => match problem {
                ConnectionProblem::Dns => LinkFailure::Dns,
                ConnectionProblem::Tls => LinkFailure::Tls,
                ConnectionProblem::Refused => LinkFailure::Refused,
                ConnectionProblem::Reset | ConnectionProblem::Other => LinkFailure::Connection,
            },
            _ => LinkFailure::Connection,
        }
    })?;
    Ok(Reply {
        status: reply.status().as_u16(),
        location: reply
            .headers()
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_in_words() {
        assert_eq!(LinkFailure::Status(404).reason(), "404 Not Found");
        assert_eq!(LinkFailure::Status(503).reason(), "503 server error");
        assert_eq!(LinkFailure::RedirectLoop.reason(), "redirect loop");
        assert_eq!(
            serde_json::to_value(LinkResult::Failed(LinkFailure::Status(404))).unwrap(),
            serde_json::json!({"failed": {"status": 404}})
        );
    }
}

//! The HTTP client for the CKAN action API: rustls (ring) with the system's root
//! certificates, time limits, no redirects, and the key only ever sent to the
//! configured catalogue.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use reqwest::header::{HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, LOCATION, RETRY_AFTER};
use reqwest::{redirect, Method, Url};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::credentials::ApiKey;
use super::error::{classify_reply, classify_transport, CatalogueError, Reply};
use super::host::Catalogue;

/// `bcdc-lsp/<version>`, so catalogue admins can tell our calls apart.
pub const USER_AGENT: &str = concat!("bcdc-lsp/", env!("CARGO_PKG_VERSION"));

/// Replies larger than this are refused rather than read into memory.
const MAX_REPLY_BYTES: usize = 32 * 1024 * 1024;

/// Time limits for one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientOptions {
    /// Time to establish the TCP + TLS connection.
    pub connect_timeout: Duration,
    /// Time for the whole call, from sending to the last byte of the reply.
    pub timeout: Duration,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            connect_timeout: Duration::from_secs(10),
            // package_create on BCDC runs a chain of extensions and e-mails; give it time.
            timeout: Duration::from_secs(60),
        }
    }
}

/// A licence from `license_list`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct License {
    pub id: String,
    #[serde(default)]
    pub title: String,
    /// What the list says of the licence's openness (CKAN's Open Definition and Open
    /// Source Definition reviews, and older portals' flags), for the audit's scores.
    #[serde(default, deserialize_with = "text_or_null")]
    pub od_conformance: String,
    #[serde(default, deserialize_with = "text_or_null")]
    pub osd_conformance: String,
    #[serde(default, deserialize_with = "bool_or_null")]
    pub is_okd_compliant: bool,
    #[serde(default, deserialize_with = "bool_or_null")]
    pub is_open: bool,
}

impl License {
    /// Whether the list calls this licence open.
    pub fn is_open(&self) -> bool {
        self.od_conformance == "approved"
            || self.osd_conformance == "approved"
            || self.is_okd_compliant
            || self.is_open
    }
}

fn text_or_null<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(Option::<Value>::deserialize(d)?
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default())
}

fn bool_or_null<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(Option::<Value>::deserialize(d)?.and_then(|v| v.as_bool()) == Some(true))
}

/// An organization from `organization_list(all_fields)` or `organization_list_for_user`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Organization {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub title: String,
}

/// A client for one catalogue, with or without a key.
#[derive(Clone)]
pub struct CatalogueClient {
    http: reqwest::Client,
    catalogue: Catalogue,
    key: Option<ApiKey>,
    options: ClientOptions,
}

impl std::fmt::Debug for CatalogueClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CatalogueClient")
            .field("catalogue", &self.catalogue)
            .field("key", &self.key)
            .field("options", &self.options)
            .finish()
    }
}

impl CatalogueClient {
    /// A client with the default time limits.
    pub fn new(catalogue: Catalogue, key: Option<ApiKey>) -> Result<Self, CatalogueError> {
        Self::with_options(catalogue, key, ClientOptions::default())
    }

    /// A client with the given time limits.
    pub fn with_options(
        catalogue: Catalogue,
        key: Option<ApiKey>,
        options: ClientOptions,
    ) -> Result<Self, CatalogueError> {
        let tls = tls_config(&catalogue)?;
        let mut builder = reqwest::Client::builder()
            .tls_backend_preconfigured((*tls).clone())
            .user_agent(USER_AGENT)
            .connect_timeout(options.connect_timeout)
            .timeout(options.timeout)
            // A redirect could carry the Authorization header elsewhere: never follow one.
            .redirect(redirect::Policy::none());
        if catalogue.base_url().starts_with("http:") {
            // Plain HTTP is loopback only; a proxy from the environment would see the key in clear.
            // (HTTPS through a proxy is tunnelled end to end, so it stays allowed.)
            builder = builder.no_proxy();
        }
        let http = builder.build().map_err(|e| CatalogueError::Setup {
            message: format!("cannot set up the HTTP client: {e}"),
        })?;
        Ok(CatalogueClient {
            http,
            catalogue,
            key,
            options,
        })
    }

    pub fn catalogue(&self) -> &Catalogue {
        &self.catalogue
    }

    pub fn has_key(&self) -> bool {
        self.key.is_some()
    }

    /// `package_show?id=<name or id>`: the stored record.
    pub async fn package_show(
        &self,
        name_or_id: &str,
    ) -> Result<Map<String, Value>, CatalogueError> {
        let url = self.url_with_query("package_show", &[("id", name_or_id)]);
        let result = self.call(Method::GET, url, None, Some(name_or_id)).await?;
        into_object(&self.catalogue, result)
    }

    /// `package_create` with `body` (which must already be the API form, see `record.rs`).
    pub async fn package_create(
        &self,
        body: &Map<String, Value>,
    ) -> Result<Map<String, Value>, CatalogueError> {
        let url = self.catalogue.action_url("package_create");
        let result = self.call(Method::POST, url, Some(body), None).await?;
        into_object(&self.catalogue, result)
    }

    /// `package_patch`: `body` must hold `id`; top-level lists in it replace the stored ones.
    pub async fn package_patch(
        &self,
        body: &Map<String, Value>,
    ) -> Result<Map<String, Value>, CatalogueError> {
        let id = body
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| CatalogueError::Setup {
                message: "package_patch needs the record's id".into(),
            })?;
        let url = self.catalogue.action_url("package_patch");
        let result = self.call(Method::POST, url, Some(body), Some(id)).await?;
        into_object(&self.catalogue, result)
    }

    /// `license_list`: the licences `license_id` may name.
    pub async fn license_list(&self) -> Result<Vec<License>, CatalogueError> {
        let url = self.catalogue.action_url("license_list");
        let result = self.call(Method::GET, url, None, None).await?;
        from_result(&self.catalogue, result)
    }

    /// `scheming_dataset_schema_list`: the dataset types a ckanext-scheming portal serves.
    pub async fn scheming_dataset_schema_list(&self) -> Result<Vec<String>, CatalogueError> {
        let url = self.catalogue.action_url("scheming_dataset_schema_list");
        let result = self.call(Method::GET, url, None, None).await?;
        from_result(&self.catalogue, result)
    }

    /// `scheming_dataset_schema_show?type=<dataset type>`: the schema with presets expanded.
    pub async fn scheming_dataset_schema_show(
        &self,
        dataset_type: &str,
    ) -> Result<Value, CatalogueError> {
        let url = self.url_with_query("scheming_dataset_schema_show", &[("type", dataset_type)]);
        self.call(Method::GET, url, None, None).await
    }

    /// `status_show`'s `ckan_version` (`None` when the portal does not say).
    pub async fn ckan_version(&self) -> Result<Option<String>, CatalogueError> {
        let url = self.catalogue.action_url("status_show");
        let result = self.call(Method::GET, url, None, None).await?;
        Ok(result
            .get("ckan_version")
            .and_then(Value::as_str)
            .map(str::to_string))
    }

    /// `organization_list_for_user?permission=create_dataset`: where the key's user may publish.
    pub async fn organization_list_for_user(&self) -> Result<Vec<Organization>, CatalogueError> {
        let url = self.url_with_query(
            "organization_list_for_user",
            &[("permission", "create_dataset")],
        );
        let result = self.call(Method::GET, url, None, None).await?;
        from_result(&self.catalogue, result)
    }

    /// `organization_list?all_fields=true`: every organization (ids, names, titles).
    pub async fn organization_list(&self) -> Result<Vec<Organization>, CatalogueError> {
        let url = self.url_with_query("organization_list", &[("all_fields", "true")]);
        let result = self.call(Method::GET, url, None, None).await?;
        from_result(&self.catalogue, result)
    }

    /// `package_search?q=name:<name>`, including drafts the user may see.
    pub async fn package_search_by_name(
        &self,
        name: &str,
    ) -> Result<Vec<Map<String, Value>>, CatalogueError> {
        let query = format!(
            "name:\"{}\"",
            name.replace('\\', "\\\\").replace('"', "\\\"")
        );
        let url = self.url_with_query(
            "package_search",
            &[("q", &query), ("include_drafts", "true"), ("rows", "10")],
        );
        let result = self.call(Method::GET, url, None, None).await?;
        #[derive(Deserialize)]
        struct Found {
            results: Vec<Map<String, Value>>,
        }
        let found: Found = from_result(&self.catalogue, result)?;
        Ok(found.results)
    }

    /// `package_search` with these parameters (`q`, `fq`, `rows`, `start`, `sort`, `fl`,
    /// `include_private`, …). A failure comes with the wait the server asked for
    /// (`Retry-After` in seconds), so that a caller retrying it can honour it.
    pub async fn package_search(
        &self,
        query: &[(&str, &str)],
    ) -> Result<SearchPage, (CatalogueError, Option<Duration>)> {
        let url = self.url_with_query("package_search", query);
        let result = self.exchange(Method::GET, url, None, None).await?;
        from_result(&self.catalogue, result).map_err(|e| (e, None))
    }

    fn url_with_query(&self, action: &str, query: &[(&str, &str)]) -> Url {
        let mut url = self.catalogue.action_url(action);
        url.query_pairs_mut().extend_pairs(query);
        url
    }

    /// One API call: sends, reads the reply (bounded), and classifies it.
    async fn call(
        &self,
        method: Method,
        url: Url,
        body: Option<&Map<String, Value>>,
        id: Option<&str>,
    ) -> Result<Value, CatalogueError> {
        self.exchange(method, url, body, id)
            .await
            .map_err(|(error, _)| error)
    }

    /// [`Self::call`], with the reply's `Retry-After` (delay in seconds) on failure.
    async fn exchange(
        &self,
        method: Method,
        url: Url,
        body: Option<&Map<String, Value>>,
        id: Option<&str>,
    ) -> Result<Value, (CatalogueError, Option<Duration>)> {
        let label = self.catalogue.label();
        let secret = self.key.as_ref().map(ApiKey::expose).unwrap_or_default();
        let mut request = self
            .http
            .request(method, url.clone())
            .header(ACCEPT, "application/json");
        let mut key_sent = false;
        if let Some(key) = &self.key {
            // action_url always builds on the catalogue's base; this guards future callers.
            if self.catalogue.owns(&url) {
                let mut value = HeaderValue::from_str(key.expose())
                    .map_err(|_| CatalogueError::Setup {
                        message: "the API key contains characters that cannot be sent \
                                  (a line break or control character?); copy it again"
                            .into(),
                    })
                    .map_err(|e| (e, None))?;
                value.set_sensitive(true);
                request = request.header(AUTHORIZATION, value);
                key_sent = true;
            }
        }
        if let Some(body) = body {
            let bytes = serde_json::to_vec(body).map_err(|e| {
                let error = CatalogueError::Setup {
                    message: format!("cannot encode the request: {e}"),
                };
                (error, None)
            })?;
            request = request.header(CONTENT_TYPE, "application/json").body(bytes);
        }
        let timeout = self.options.timeout;
        let mut retry_after = None;
        let outcome = async {
            let mut response = request
                .send()
                .await
                .map_err(|e| classify_transport(&label, timeout, &e))?;
            let status = response.status().as_u16();
            let header = |name| {
                response
                    .headers()
                    .get(name)
                    .and_then(|v: &HeaderValue| v.to_str().ok())
                    .map(str::to_string)
            };
            let content_type = header(CONTENT_TYPE);
            let location = header(LOCATION);
            retry_after = header(RETRY_AFTER).and_then(|v| {
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap_or_default()
                    .as_secs();
                retry_after_delay(&v, now)
            });
            let mut bytes = Vec::new();
            while let Some(chunk) = response
                .chunk()
                .await
                .map_err(|e| classify_transport(&label, timeout, &e))?
            {
                if bytes.len() + chunk.len() > MAX_REPLY_BYTES {
                    return Err(CatalogueError::BadReply {
                        catalogue: label.clone(),
                        status,
                        detail: format!("reply larger than {} MiB", MAX_REPLY_BYTES >> 20),
                    });
                }
                bytes.extend_from_slice(&chunk);
            }
            let reply = Reply {
                status,
                content_type: content_type.as_deref(),
                location: location.as_deref(),
                body: &bytes,
            };
            classify_reply(&label, &reply, key_sent, id)
        }
        .await;
        outcome.map_err(|e| (e.scrubbed(secret), retry_after))
    }
}

/// One page of `package_search`: the number of matches and this page's datasets, left as
/// JSON values so that one malformed entry spoils only itself.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SearchPage {
    pub count: u64,
    pub results: Vec<Value>,
}

fn into_object(catalogue: &Catalogue, result: Value) -> Result<Map<String, Value>, CatalogueError> {
    match result {
        Value::Object(map) => Ok(map),
        _ => Err(CatalogueError::BadReply {
            catalogue: catalogue.label(),
            status: 200,
            detail: "the result is not a JSON object".into(),
        }),
    }
}

fn from_result<T: serde::de::DeserializeOwned>(
    catalogue: &Catalogue,
    result: Value,
) -> Result<T, CatalogueError> {
    serde_json::from_value(result).map_err(|e| CatalogueError::BadReply {
        catalogue: catalogue.label(),
        status: 200,
        detail: format!("unexpected result shape: {e}"),
    })
}

/// A `Retry-After` value as a wait from `now` (seconds since the epoch): delay-seconds
/// (`120`) or an HTTP date (`Fri, 04 Dec 2026 22:30:00 GMT`, RFC 9110's IMF-fixdate; a
/// date in the past is no wait).
pub fn retry_after_delay(value: &str, now: u64) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    // IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`
    let parts: Vec<&str> = value.split_whitespace().collect();
    let [_, day, month, year, time, "GMT"] = parts[..] else {
        return None;
    };
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS.iter().position(|m| *m == month)? + 1;
    let days = crate::audit::score::days_of(&format!("{year}-{month:02}-{day:0>2}"))?;
    let mut hms = time.split(':').map(|n| n.parse::<i64>().ok());
    let (h, m, s) = (hms.next()??, hms.next()??, hms.next()??);
    let at = days * 86_400 + h * 3600 + m * 60 + s;
    Some(Duration::from_secs(
        at.saturating_sub(now as i64).max(0) as u64
    ))
}

/// The rustls configuration: the ring provider and the operating system's trusted roots.
/// System roots (rather than a compiled-in list) because government networks often
/// inspect TLS with a private root that is installed on the machine, and because the OS
/// keeps its list current. Loaded once per process.
fn tls_config(catalogue: &Catalogue) -> Result<Arc<rustls::ClientConfig>, CatalogueError> {
    let (config, roots) = system_tls();
    if *roots == 0 && catalogue.base_url().starts_with("https:") {
        return Err(CatalogueError::Setup {
            message: format!(
                "cannot connect to {} securely: no trusted root certificates were found on this \
                 system (install the ca-certificates package, or set SSL_CERT_FILE)",
                catalogue.label()
            ),
        });
    }
    Ok(config.clone())
}

/// rustls (ring) with the system's root certificates, built once, and how many roots it has.
pub(super) fn system_tls() -> &'static (Arc<rustls::ClientConfig>, usize) {
    static CONFIG: OnceLock<(Arc<rustls::ClientConfig>, usize)> = OnceLock::new();
    CONFIG.get_or_init(|| {
        let mut store = rustls::RootCertStore::empty();
        let loaded = rustls_native_certs::load_native_certs();
        let (added, _ignored) = store.add_parsable_certificates(loaded.certs);
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("ring supports the default TLS versions")
            .with_root_certificates(store)
            .with_no_client_auth();
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        (Arc::new(config), added)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_in_seconds_or_as_an_http_date() {
        // 2026-12-04T22:30:00Z
        let now = 1_796_423_400;
        assert_eq!(
            retry_after_delay("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            retry_after_delay("Fri, 04 Dec 2026 22:31:30 GMT", now),
            Some(Duration::from_secs(90))
        );
        assert_eq!(
            retry_after_delay("Fri, 04 Dec 2026 22:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after_delay("soon", now), None);
        assert_eq!(
            retry_after_delay("Fri, 04 Foo 2026 22:00:00 GMT", now),
            None
        );
    }
}

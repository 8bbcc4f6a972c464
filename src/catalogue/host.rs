//! Which catalogue to talk to: `test`, `prod` or a base URL.

use std::fmt;
use std::net::IpAddr;

use reqwest::Url;

/// BCDC's test catalogue, the default so that nobody publishes to production by accident.
pub const TEST_URL: &str = "https://cat.data.gov.bc.ca";
/// BCDC's production catalogue.
pub const PROD_URL: &str = "https://catalogue.data.gov.bc.ca";

/// A CKAN site chosen by the user, with a short name for messages.
#[derive(Clone, PartialEq, Eq)]
pub struct Catalogue {
    /// Base URL without a trailing slash, e.g. `https://cat.data.gov.bc.ca`.
    base: Url,
    /// `test`, `prod`, or the host (with its port when it has one).
    display: String,
}

/// Why a catalogue setting was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostError(pub String);

impl fmt::Display for HostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for HostError {}

impl Catalogue {
    /// The test catalogue (the default).
    pub fn test() -> Catalogue {
        Catalogue::parse("test").expect("built-in URL is valid")
    }

    /// Reads a `catalogue` setting: `test`, `prod` or an `https://` base URL
    /// (`http://` only for loopback, where nothing leaves the machine).
    pub fn parse(setting: &str) -> Result<Catalogue, HostError> {
        let setting = setting.trim();
        let (url, display) = match setting {
            "" | "test" => (TEST_URL, Some("test")),
            "prod" => (PROD_URL, Some("prod")),
            other => (other, None),
        };
        let mut base = Url::parse(url).map_err(|e| {
            HostError(format!(
                "catalogue {setting:?} is not \"test\", \"prod\" or a URL ({e})"
            ))
        })?;
        let host = base
            .host_str()
            .ok_or_else(|| HostError(format!("catalogue URL {setting:?} has no host")))?
            .to_string();
        match base.scheme() {
            "https" => {}
            "http" if is_loopback(&host) => {}
            "http" => {
                return Err(HostError(format!(
                "catalogue {host}: plain http:// would send the API key unencrypted; use https:// \
                     (http:// is allowed only for 127.0.0.1, ::1 and localhost)"
            )))
            }
            scheme => {
                return Err(HostError(format!(
                    "catalogue URL {setting:?}: scheme {scheme}:// is not supported; use https://"
                )))
            }
        }
        if !base.username().is_empty() || base.password().is_some() {
            return Err(HostError(format!(
                "catalogue URL for {host} must not contain a user name or password; \
                 give the API key in the settings, BCDC_API_KEY or the config file"
            )));
        }
        if base.query().is_some() || base.fragment().is_some() {
            return Err(HostError(format!(
                "catalogue URL for {host} must not have a query or fragment"
            )));
        }
        // Keep a path prefix (CKAN can live under /data), without the trailing slash.
        let path = base.path().trim_end_matches('/').to_string();
        base.set_path(&path);
        let display = match display {
            Some(name) => name.to_string(),
            None => match base.port() {
                Some(port) => format!("{host}:{port}"),
                None => host,
            },
        };
        Ok(Catalogue { base, display })
    }

    /// `test`, `prod` or the host, for messages.
    pub fn display_name(&self) -> &str {
        &self.display
    }

    /// The name with the host when they differ, for error messages: `test (cat.data.gov.bc.ca)`.
    pub fn label(&self) -> String {
        let host = self.host_and_port();
        if host == self.display {
            host
        } else {
            format!("{} ({host})", self.display)
        }
    }

    /// The host name alone (no port), e.g. `cat.data.gov.bc.ca`.
    pub fn host(&self) -> &str {
        self.base.host_str().unwrap_or_default()
    }

    /// Host with the port when the URL names one (`127.0.0.1:5000`): the key used in the config file.
    pub fn host_and_port(&self) -> String {
        match self.base.port() {
            Some(port) => format!("{}:{port}", self.host()),
            None => self.host().to_string(),
        }
    }

    /// One of BCDC's own catalogues (test or prod) over HTTPS, the only hosts a key
    /// that names none (`BCDC_API_KEY`) may go to.
    pub fn is_bc_catalogue(&self) -> bool {
        self.base.scheme() == "https"
            && self.base.port().is_none()
            && [TEST_URL, PROD_URL]
                .iter()
                .any(|u| Url::parse(u).is_ok_and(|u| u.host_str() == self.base.host_str()))
    }

    /// The base URL as given (without a trailing slash).
    pub fn base_url(&self) -> &str {
        self.base.as_str().trim_end_matches('/')
    }

    /// `<base>/api/3/action/<action>`.
    pub fn action_url(&self, action: &str) -> Url {
        let mut url = self.base.clone();
        url.path_segments_mut()
            .expect("http(s) URLs have path segments")
            .pop_if_empty()
            .extend(["api", "3", "action", action]);
        url
    }

    /// The page of a dataset: `<base>/dataset/<name>`.
    pub fn dataset_url(&self, name: &str) -> String {
        let mut url = self.base.clone();
        url.path_segments_mut()
            .expect("http(s) URLs have path segments")
            .pop_if_empty()
            .extend(["dataset", name]);
        url.to_string()
    }

    /// Whether `url` points at this catalogue (same scheme, host and port), so that the key may go there.
    pub fn owns(&self, url: &Url) -> bool {
        url.scheme() == self.base.scheme()
            && url.host_str() == self.base.host_str()
            && url.port_or_known_default() == self.base.port_or_known_default()
    }
}

impl Default for Catalogue {
    fn default() -> Self {
        Catalogue::test()
    }
}

impl fmt::Debug for Catalogue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Catalogue({} = {})", self.display, self.base_url())
    }
}

impl fmt::Display for Catalogue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display)
    }
}

fn is_loopback(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_default() {
        let test = Catalogue::parse("test").unwrap();
        assert_eq!(test.base_url(), TEST_URL);
        assert_eq!(test.display_name(), "test");
        assert_eq!(Catalogue::default(), test);
        assert_eq!(Catalogue::parse("").unwrap(), test);
        let prod = Catalogue::parse("prod").unwrap();
        assert_eq!(prod.base_url(), PROD_URL);
        assert_eq!(prod.display_name(), "prod");
        assert_eq!(prod.host(), "catalogue.data.gov.bc.ca");
        assert_eq!(prod.label(), "prod (catalogue.data.gov.bc.ca)");
    }

    #[test]
    fn urls() {
        let c = Catalogue::parse("https://example.org/data/").unwrap();
        assert_eq!(c.display_name(), "example.org");
        assert_eq!(
            c.action_url("package_show").as_str(),
            "https://example.org/data/api/3/action/package_show"
        );
        assert_eq!(c.dataset_url("x-y"), "https://example.org/data/dataset/x-y");
        let t = Catalogue::test();
        assert_eq!(
            t.action_url("license_list").as_str(),
            "https://cat.data.gov.bc.ca/api/3/action/license_list"
        );
        assert_eq!(t.dataset_url("a"), "https://cat.data.gov.bc.ca/dataset/a");
    }

    #[test]
    fn plain_http_only_on_loopback() {
        for ok in [
            "http://127.0.0.1:5000",
            "http://127.8.9.1",
            "http://[::1]:5000/",
            "http://localhost:5000",
            "http://LOCALHOST",
        ] {
            assert!(Catalogue::parse(ok).is_ok(), "{ok}");
        }
        let local = Catalogue::parse("http://127.0.0.1:5000").unwrap();
        assert_eq!(local.display_name(), "127.0.0.1:5000");
        assert_eq!(local.host_and_port(), "127.0.0.1:5000");
        assert_eq!(local.label(), "127.0.0.1:5000");
        for bad in [
            "http://cat.data.gov.bc.ca",
            "http://10.0.0.1",
            "http://localhost.example.org",
            "http://128.0.0.1",
        ] {
            let err = Catalogue::parse(bad).unwrap_err();
            assert!(err.0.contains("https://"), "{err}");
        }
        assert!(Catalogue::parse("ftp://x.org").is_err());
        assert!(Catalogue::parse("staging").is_err());
        assert!(Catalogue::parse("https://user:pw@x.org").is_err());
    }

    #[test]
    fn ownership_is_scheme_host_and_port() {
        let c = Catalogue::parse("https://cat.data.gov.bc.ca").unwrap();
        assert!(c.owns(&Url::parse("https://cat.data.gov.bc.ca:443/api/3/action/x").unwrap()));
        assert!(!c.owns(&Url::parse("http://cat.data.gov.bc.ca/api").unwrap()));
        assert!(!c.owns(&Url::parse("https://evil.example/api").unwrap()));
        assert!(!c.owns(&Url::parse("https://cat.data.gov.bc.ca:8443/").unwrap()));
    }
}

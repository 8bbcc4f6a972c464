//! The API key: where it comes from, and a type that never prints it.
//!
//! Resolution order, first found wins: the explicit key (LSP settings / editor secret
//! storage), the `BCDC_API_KEY` environment variable, then the config file
//! `bcdc-lsp/config.toml` in the platform config directory:
//!
//! ```toml
//! [hosts."cat.data.gov.bc.ca"]
//! api_key = "..."
//! ```
//!
//! `BCDC_API_KEY` names no host, and the host can come from a file in a cloned
//! repository (`bcdc.toml`, `.vscode/settings.json`): so it goes only to the BC
//! catalogues (test and prod), or, when `BCDC_API_KEY_HOST` names one host
//! (`host` or `host:port`), to that host alone. A key for any other host comes from
//! the config file's entry for that host, which lives outside every repository.
//!
//! A record file is never a source: keys must not end up in version control.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::host::Catalogue;

/// Environment variable holding the key.
pub const ENV_VAR: &str = "BCDC_API_KEY";
/// Environment variable naming the one host (`host` or `host:port`) the key in
/// [`ENV_VAR`] is for, instead of the BC catalogues.
pub const ENV_HOST_VAR: &str = "BCDC_API_KEY_HOST";

/// A CKAN API key or token. `Debug` and `Display` print `<redacted>`; only the client reads it.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps a key, trimming the whitespace that copy-paste and files add. `None` when empty.
    pub fn new(key: impl Into<String>) -> Option<ApiKey> {
        let key = key.into();
        let trimmed = key.trim();
        (!trimmed.is_empty()).then(|| ApiKey(trimmed.to_string()))
    }

    /// The secret itself, for the `Authorization` header only.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Where the key in use came from (for "which key was rejected?" messages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// LSP settings or the editor's secret storage.
    Explicit,
    /// The `BCDC_API_KEY` environment variable.
    Environment,
    /// The config file at this path.
    ConfigFile(PathBuf),
}

impl fmt::Display for KeySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeySource::Explicit => f.write_str("the editor settings"),
            KeySource::Environment => write!(f, "the {ENV_VAR} environment variable"),
            KeySource::ConfigFile(path) => write!(f, "{}", path.display()),
        }
    }
}

/// A key and where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub key: ApiKey,
    pub source: KeySource,
}

/// A config file that exists but cannot be used. Never contains the file's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialError(pub String);

impl fmt::Display for CredentialError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CredentialError {}

#[derive(Deserialize)]
struct ConfigFile {
    #[serde(default)]
    hosts: BTreeMap<String, HostEntry>,
}

#[derive(Deserialize)]
struct HostEntry {
    api_key: Option<String>,
}

/// `<platform config dir>/bcdc-lsp/config.toml` (e.g. `~/.config/bcdc-lsp/config.toml` on Linux).
pub fn config_file_path() -> Option<PathBuf> {
    dirs::config_dir().map(|dir| dir.join("bcdc-lsp").join("config.toml"))
}

/// Finds the key for `catalogue` from the real environment and config file.
/// `Ok(None)` means no key anywhere (anonymous calls still work for reading).
pub fn resolve(
    explicit: Option<ApiKey>,
    catalogue: &Catalogue,
) -> Result<Option<Credentials>, CredentialError> {
    let env = EnvKey {
        key: std::env::var(ENV_VAR).ok(),
        host: std::env::var(ENV_HOST_VAR).ok(),
    };
    resolve_from(explicit, env, config_file_path().as_deref(), catalogue)
}

/// The environment's key and the host it is for.
#[derive(Default)]
pub struct EnvKey {
    pub key: Option<String>,
    pub host: Option<String>,
}

impl EnvKey {
    /// Whether the key may go to `catalogue`: the host `BCDC_API_KEY_HOST` names, else
    /// a BC catalogue.
    fn is_for(&self, catalogue: &Catalogue) -> bool {
        match self
            .host
            .as_deref()
            .map(str::trim)
            .filter(|h| !h.is_empty())
        {
            Some(host) => {
                host.eq_ignore_ascii_case(&catalogue.host_and_port())
                    || host.eq_ignore_ascii_case(catalogue.host())
            }
            None => catalogue.is_bc_catalogue(),
        }
    }
}

/// [`resolve`] with the environment and config path given, so tests need not touch the process.
pub fn resolve_from(
    explicit: Option<ApiKey>,
    env: EnvKey,
    config_path: Option<&Path>,
    catalogue: &Catalogue,
) -> Result<Option<Credentials>, CredentialError> {
    if let Some(key) = explicit {
        return Ok(Some(Credentials {
            key,
            source: KeySource::Explicit,
        }));
    }
    if env.is_for(catalogue) {
        if let Some(key) = env.key.and_then(ApiKey::new) {
            return Ok(Some(Credentials {
                key,
                source: KeySource::Environment,
            }));
        }
    }
    let Some(path) = config_path else {
        return Ok(None);
    };
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(CredentialError(format!(
                "cannot read {}: {e}",
                path.display()
            )))
        }
    };
    Ok(
        key_from_config(&text, path, catalogue)?.map(|key| Credentials {
            key,
            source: KeySource::ConfigFile(path.to_path_buf()),
        }),
    )
}

/// The key for `catalogue` in a config file's text: `[hosts."<host:port>"]` first, then `[hosts."<host>"]`.
fn key_from_config(
    text: &str,
    path: &Path,
    catalogue: &Catalogue,
) -> Result<Option<ApiKey>, CredentialError> {
    // toml's parse errors quote the offending line, which may hold a key: report only the position.
    let config: ConfigFile = toml::from_str(text).map_err(|e| {
        let at = error_line(text, &e).map_or_else(String::new, |l| format!(" at line {l}"));
        CredentialError(format!(
            "{} is not valid: expected [hosts.\"<host>\"] tables with api_key = \"...\"{at}",
            path.display()
        ))
    })?;
    let entry = config
        .hosts
        .get(&catalogue.host_and_port())
        .or_else(|| config.hosts.get(catalogue.host()));
    Ok(entry.and_then(|e| e.api_key.clone()).and_then(ApiKey::new))
}

/// The line a TOML parse error is on: where to look, without quoting a file that may
/// hold a key (toml's own message shows the line).
pub(crate) fn error_line(text: &str, e: &toml::de::Error) -> Option<usize> {
    let span = e.span()?;
    Some(text[..span.start.min(text.len())].matches('\n').count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "s3cr3t-key-0123456789";

    #[test]
    fn key_never_prints() {
        let key = ApiKey::new(format!("  {SECRET}\n")).unwrap();
        assert_eq!(key.expose(), SECRET);
        for shown in [
            format!("{key:?}"),
            format!("{key}"),
            format!("{:#?}", Some(&key)),
        ] {
            assert!(!shown.contains(SECRET), "{shown}");
        }
        let creds = Credentials {
            key,
            source: KeySource::Environment,
        };
        assert!(!format!("{creds:?}").contains(SECRET));
        assert!(ApiKey::new("  ").is_none());
    }

    fn write_config(dir: &Path, text: &str) -> PathBuf {
        let path = dir.join("config.toml");
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn first_source_wins() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_config(
            dir.path(),
            "[hosts.\"cat.data.gov.bc.ca\"]\napi_key = \"from-file\"\n",
        );
        let test = Catalogue::test();
        let got = |explicit: Option<&str>, env: Option<&str>| {
            resolve_from(
                explicit.and_then(ApiKey::new),
                EnvKey {
                    key: env.map(str::to_string),
                    host: None,
                },
                Some(&path),
                &test,
            )
            .unwrap()
            .map(|c| (c.key.expose().to_string(), c.source))
        };
        assert_eq!(
            got(Some("x"), Some("e")),
            Some(("x".into(), KeySource::Explicit))
        );
        assert_eq!(
            got(None, Some("e")),
            Some(("e".into(), KeySource::Environment))
        );
        assert_eq!(
            got(None, Some("")),
            Some(("from-file".into(), KeySource::ConfigFile(path.clone())))
        );
        assert_eq!(
            got(None, None),
            Some(("from-file".into(), KeySource::ConfigFile(path.clone())))
        );
        // Another host's key is not used.
        let prod = Catalogue::parse("prod").unwrap();
        assert_eq!(
            resolve_from(None, EnvKey::default(), Some(&path), &prod).unwrap(),
            None
        );
        // No file: no key, no error.
        let missing = dir.path().join("nope.toml");
        assert_eq!(
            resolve_from(None, EnvKey::default(), Some(&missing), &test).unwrap(),
            None
        );
    }

    #[test]
    fn host_with_port_then_host() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_config(
            dir.path(),
            "[hosts.\"127.0.0.1\"]\napi_key = \"any-port\"\n[hosts.\"127.0.0.1:5000\"]\napi_key = \"port-5000\"\n",
        );
        let key = |url: &str| {
            resolve_from(
                None,
                EnvKey::default(),
                Some(&path),
                &Catalogue::parse(url).unwrap(),
            )
            .unwrap()
            .map(|c| c.key.expose().to_string())
        };
        assert_eq!(key("http://127.0.0.1:5000").as_deref(), Some("port-5000"));
        assert_eq!(key("http://127.0.0.1:6000").as_deref(), Some("any-port"));
    }

    #[test]
    fn the_environment_key_goes_to_the_bc_catalogues_or_the_host_named() {
        let key = |host: Option<&str>, url: &str| {
            let env = EnvKey {
                key: Some("from-env".into()),
                host: host.map(str::to_string),
            };
            resolve_from(None, env, None, &Catalogue::parse(url).unwrap())
                .unwrap()
                .map(|c| c.source)
        };
        let env = Some(KeySource::Environment);
        assert_eq!(key(None, "test"), env);
        assert_eq!(key(None, "prod"), env);
        assert_eq!(key(None, "https://cat.data.gov.bc.ca/"), env);
        // a host a repository's bcdc.toml or settings could name: no key
        assert_eq!(key(None, "https://evil.example"), None);
        assert_eq!(key(None, "http://127.0.0.1:5000"), None);
        assert_eq!(key(None, "https://cat.data.gov.bc.ca.evil.example"), None);
        // the user said which host it is for: that one only
        assert_eq!(key(Some("127.0.0.1:5000"), "http://127.0.0.1:5000"), env);
        assert_eq!(key(Some("127.0.0.1"), "http://127.0.0.1:5000"), env);
        assert_eq!(key(Some("127.0.0.1:5000"), "http://127.0.0.1:6000"), None);
        assert_eq!(key(Some("127.0.0.1:5000"), "test"), None);
        assert_eq!(key(Some(" "), "test"), env);
    }

    #[test]
    fn broken_config_does_not_echo_its_text() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_config(
            dir.path(),
            &format!("[hosts.\"cat.data.gov.bc.ca\"]\napi_key = {SECRET}\n"),
        );
        let err =
            resolve_from(None, EnvKey::default(), Some(&path), &Catalogue::test()).unwrap_err();
        assert!(!err.0.contains(SECRET), "{err}");
        assert!(err.0.contains("line 2"), "{err}");
    }
}

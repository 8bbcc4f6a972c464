//! Settings sent by the editor (initializationOptions and
//! workspace/didChangeConfiguration), see docs/protocol.md.

use crate::catalogue::{Catalogue, CatalogueClient};
use serde::Deserialize;
use serde_json::Value;

#[derive(Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    /// `test`, `prod` or a base URL.
    pub catalogue: Option<String>,
    pub api_key: Option<String>,
    pub schema_path: Option<String>,
    /// The editor has not trusted the folder yet (VS Code's Restricted Mode): no key
    /// is used, nothing is published, updated or pulled.
    pub restricted: bool,
    /// How often the catalogue is asked again about an open record (seconds, at least 1;
    /// `catalogueRefreshSeconds`).
    pub refresh_seconds: Option<u64>,
}

impl std::fmt::Debug for Settings {
    // The key never reaches a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("catalogue", &self.catalogue)
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("schema_path", &self.schema_path)
            .field("restricted", &self.restricted)
            .field("refresh_seconds", &self.refresh_seconds)
            .finish()
    }
}

impl Settings {
    /// The settings in a didChangeConfiguration, if it carries ours: a
    /// `bcdc` section, or our keys at the top level.
    pub fn from_notification(value: &Value) -> Option<Settings> {
        let ours = value.get("bcdc").is_some()
            || [
                "catalogue",
                "apiKey",
                "schemaPath",
                "restricted",
                "catalogueRefreshSeconds",
            ]
            .iter()
            .any(|k| value.get(k).is_some());
        ours.then(|| Settings::from_json(value))
    }

    /// Reads `{"bcdc": {...}}` or the bare object; unknown or malformed
    /// values are ignored rather than failing the whole update.
    pub fn from_json(value: &Value) -> Settings {
        let inner = value.get("bcdc").unwrap_or(value);
        let text = |k: &str| {
            inner
                .get(k)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        Settings {
            catalogue: text("catalogue"),
            api_key: text("apiKey"),
            schema_path: text("schemaPath"),
            restricted: inner.get("restricted").and_then(Value::as_bool) == Some(true),
            refresh_seconds: inner
                .get("catalogueRefreshSeconds")
                .and_then(Value::as_u64)
                .map(|s| s.max(1)),
        }
    }

    /// How often the catalogue is asked again about an open record.
    pub fn refresh(&self) -> std::time::Duration {
        self.refresh_seconds
            .map_or(super::lens::DEFAULT_REFRESH, std::time::Duration::from_secs)
    }

    /// The catalogue setting (`test` when unset).
    pub fn catalogue(&self) -> &str {
        self.catalogue.as_deref().unwrap_or("test")
    }

    /// The client for the catalogue setting, with the editor's key (or the one
    /// `catalogue::connect` finds), or with none in a folder not trusted yet.
    pub fn catalogue_client(&self) -> Result<CatalogueClient, String> {
        if self.restricted {
            let catalogue = Catalogue::parse(self.catalogue()).map_err(|e| e.to_string())?;
            return CatalogueClient::new(catalogue, None).map_err(|e| e.to_string());
        }
        crate::catalogue::connect(self.catalogue(), self.api_key.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn notifications_without_our_section_change_nothing() {
        assert_eq!(Settings::from_notification(&Value::Null), None);
        assert_eq!(
            Settings::from_notification(&json!({"yaml": {"x": 1}})),
            None
        );
        let s = Settings::from_notification(
            &json!({"bcdc": {"catalogue": "prod", "apiKey": " s3cr3t "}}),
        )
        .unwrap();
        assert_eq!(
            (s.catalogue.as_deref(), s.api_key.as_deref()),
            (Some("prod"), Some("s3cr3t"))
        );
        assert!(!format!("{s:?}").contains("s3cr3t"));
        assert!(!s.restricted);
        let s = Settings::from_json(&json!({"bcdc": {"apiKey": "s3cr3t", "restricted": true}}));
        assert!(s.restricted && !s.catalogue_client().unwrap().has_key());
    }
}

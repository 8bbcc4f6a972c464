//! Settings sent by the editor (initializationOptions and
//! workspace/didChangeConfiguration), see docs/protocol.md.

use serde::Deserialize;
use serde_json::Value;

#[derive(Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    /// `test`, `prod` or a base URL.
    pub catalogue: Option<String>,
    pub api_key: Option<String>,
    pub schema_path: Option<String>,
}

impl std::fmt::Debug for Settings {
    // The key never reaches a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("catalogue", &self.catalogue)
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("schema_path", &self.schema_path)
            .finish()
    }
}

impl Settings {
    /// The settings in a didChangeConfiguration, if it carries ours: a
    /// `bcdc` section, or our keys at the top level.
    pub fn from_notification(value: &Value) -> Option<Settings> {
        let ours = value.get("bcdc").is_some()
            || ["catalogue", "apiKey", "schemaPath"]
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
        }
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
    }
}

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

//! Where a schema comes from: the one compiled into the binary, or a scheming
//! schema file (with an optional licence list file) named by the user. A
//! portal's schema is fetched by the catalogue module, which hands its JSON to
//! [`Schema::from_json`].

use super::Schema;
use std::path::Path;

impl Schema {
    /// The embedded schema without `schema`; else that scheming schema file
    /// (the `scheming_dataset_schema_show` envelope or its result) with the
    /// `license_list` result in `licences`, if given. The error names the file.
    pub fn load(schema: Option<&Path>, licences: Option<&Path>) -> Result<Schema, String> {
        let Some(path) = schema else {
            return Ok(Schema::embedded());
        };
        let read = |p: &Path| {
            std::fs::read_to_string(p).map_err(|e| format!("cannot read {}: {e}", p.display()))
        };
        let licences = match licences {
            Some(p) => serde_json::from_str(&read(p)?)
                .map_err(|e| format!("{}: not JSON: {e}", p.display()))?,
            None => serde_json::Value::Array(Vec::new()),
        };
        Schema::from_json_str(&read(path)?, &licences)
            .map_err(|e| format!("{}: {e}", path.display()))
    }
}

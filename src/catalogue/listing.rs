//! The records of some organizations as `package_search` lists them (id, name,
//! `metadata_modified`), a thousand a request: what `plan` compares with the files'
//! states before it reads any record whole.

use serde_json::Value;

use super::client::CatalogueClient;
use super::error::CatalogueError;

/// One listed record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub id: String,
    pub name: String,
    pub metadata_modified: String,
}

const ROWS: usize = 1000;

/// Every record (drafts and private ones the key may see included) of these
/// organizations (names).
pub async fn list_organizations(
    client: &CatalogueClient,
    organizations: &[String],
) -> Result<Vec<Listed>, CatalogueError> {
    if organizations.is_empty() {
        return Ok(Vec::new());
    }
    let quoted: Vec<String> = organizations
        .iter()
        .map(|o| format!("\"{}\"", o.replace('\\', "\\\\").replace('"', "\\\"")))
        .collect();
    let fq = format!("organization:({})", quoted.join(" OR "));
    let mut out = Vec::new();
    loop {
        let start = out.len().to_string();
        let rows = ROWS.to_string();
        let query = [
            ("q", "*:*"),
            ("fq", fq.as_str()),
            ("fl", "id,name,metadata_modified"),
            ("sort", "id asc"),
            ("rows", rows.as_str()),
            ("start", start.as_str()),
            ("include_private", "true"),
            ("include_drafts", "true"),
            ("facet", "false"),
        ];
        let page = client
            .package_search(&query)
            .await
            .map_err(|(error, _)| error)?;
        let got = page.results.len();
        for item in page.results {
            let text = |k: &str| {
                item.get(k)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string()
            };
            out.push(Listed {
                id: text("id"),
                name: text("name"),
                metadata_modified: text("metadata_modified"),
            });
        }
        if got < ROWS || out.len() as u64 >= page.count {
            return Ok(out);
        }
    }
}

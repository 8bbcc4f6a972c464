//! A stand-in for a whole catalogue, served from a folder of real records (`tests/real/<portal>/`):
//! the read-only actions an audit and `check --host` call, answered from the files the way CKAN
//! answers them. Unlike the scripted fake in `mod.rs` it routes by action, so any number of calls
//! in any order work.
//!
//! The folder holds `records/*.json` (`package_show` results, bare or in the API envelope),
//! `schema.json` (what `scheming_dataset_schema_show` returns, bare or in the envelope) and,
//! where known, `license_list.json` and `status_show.json`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::{json, Map, Value};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};

use super::{json as json_reply, ok, read_request, Behaviour};

/// What a portal folder holds, read once.
#[derive(Debug)]
pub struct Portal {
    /// Datasets by id (so `package_search`'s `sort=id asc` is the map's order).
    pub records: BTreeMap<String, Map<String, Value>>,
    /// The `scheming_dataset_schema_show` result.
    pub schema: Value,
    pub licences: Option<Value>,
    pub status: Option<Value>,
}

impl Portal {
    /// Reads `dir`; panics with the file's name on a file that is not what it should be.
    pub fn load(dir: &Path) -> Portal {
        let mut records = BTreeMap::new();
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("records"))
            .unwrap_or_else(|e| panic!("{}/records: {e}", dir.display()))
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        for path in files {
            let record = match unwrap_result(read_json(&path)) {
                Value::Object(record) => record,
                _ => panic!("{}: not a package_show result", path.display()),
            };
            let id = record["id"]
                .as_str()
                .expect("a record has an id")
                .to_string();
            records.insert(id, record);
        }
        Portal {
            records,
            schema: unwrap_result(read_json(&dir.join("schema.json"))),
            licences: optional_json(&dir.join("license_list.json")).map(unwrap_result),
            status: optional_json(&dir.join("status_show.json")).map(unwrap_result),
        }
    }

    /// The schema's dataset type.
    pub fn dataset_type(&self) -> &str {
        self.schema["dataset_type"]
            .as_str()
            .expect("the schema names its dataset type")
    }

    /// The reply CKAN would give to `GET /api/3/action/<action>?<query>`.
    pub fn answer(&self, action: &str, query: &[(String, String)]) -> Behaviour {
        let param = |name: &str| {
            query
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        };
        match action {
            "package_search" => ok(self.search(query)),
            "package_show" => {
                let wanted = param("id").unwrap_or_default();
                match self
                    .records
                    .values()
                    .find(|r| r["id"] == wanted || r["name"] == wanted)
                {
                    Some(record) => ok(Value::Object(record.clone())),
                    None => not_found("Dataset not found"),
                }
            }
            "scheming_dataset_schema_list" => ok(json!([self.dataset_type()])),
            "scheming_dataset_schema_show" if param("type") == Some(self.dataset_type()) => {
                ok(self.schema.clone())
            }
            "scheming_dataset_schema_show" => not_found("Schema not found"),
            "license_list" => match &self.licences {
                Some(licences) => ok(licences.clone()),
                None => ok(json!([])),
            },
            "status_show" => match &self.status {
                Some(status) => ok(status.clone()),
                None => not_found("status_show was not captured for this portal"),
            },
            "organization_list" => ok(self.organizations(param("all_fields") == Some("true"))),
            _ => json_reply(
                400,
                &json!(format!("Bad request - Action name not known: {action}")).to_string(),
            ),
        }
    }

    /// `package_search` over the records: the `fq` clauses an audit sends (dataset type,
    /// organizations, `metadata_modified` from a date), `sort=id asc`, `start`/`rows`, `fl`.
    fn search(&self, query: &[(String, String)]) -> Value {
        let param = |name: &str| {
            query
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        };
        let filter = Filter::parse(param("fq").unwrap_or_default());
        let hits: Vec<&Map<String, Value>> = self
            .records
            .values()
            .filter(|r| filter.matches(r))
            .collect();
        assert!(
            matches!(param("sort"), None | Some("id asc")),
            "the stand-in sorts by id only"
        );
        let start: usize = param("start").and_then(|s| s.parse().ok()).unwrap_or(0);
        let rows: usize = param("rows").and_then(|s| s.parse().ok()).unwrap_or(10);
        let fields: Option<Vec<&str>> = param("fl").map(|fl| fl.split(',').collect());
        let results: Vec<Value> = hits
            .iter()
            .skip(start)
            .take(rows)
            .map(|record| match &fields {
                None => Value::Object((*record).clone()),
                Some(fields) => Value::Object(
                    fields
                        .iter()
                        .filter_map(|f| record.get(*f).map(|v| (f.to_string(), v.clone())))
                        .collect(),
                ),
            })
            .collect();
        json!({"count": hits.len(), "results": results, "sort": "id asc", "facets": {}, "search_facets": {}})
    }

    /// The organizations the records belong to, by name.
    fn organizations(&self, all_fields: bool) -> Value {
        let mut orgs: BTreeMap<String, Value> = BTreeMap::new();
        for record in self.records.values() {
            if let Some(name) = record["organization"]["name"].as_str() {
                orgs.insert(name.to_string(), record["organization"].clone());
            }
        }
        if all_fields {
            json!(orgs.into_values().collect::<Vec<_>>())
        } else {
            json!(orgs.into_keys().collect::<Vec<_>>())
        }
    }
}

/// The parts of a Solr `fq` an audit builds (`catalogue::search::Scope::filter`).
#[derive(Debug, Default)]
struct Filter {
    dataset_type: Option<String>,
    organizations: Option<Vec<String>>,
    modified_since: Option<String>,
}

impl Filter {
    fn parse(fq: &str) -> Filter {
        let mut filter = Filter::default();
        if let Some(rest) = fq.split("+dataset_type:").nth(1) {
            filter.dataset_type = phrases(rest).into_iter().next();
        }
        if let Some(rest) = fq.split("+organization:(").nth(1) {
            let inside = rest.split(')').next().unwrap_or_default();
            filter.organizations = Some(phrases(inside));
        }
        if let Some(rest) = fq.split("+metadata_modified:[").nth(1) {
            let since = rest.split(" TO ").next().unwrap_or_default();
            filter.modified_since = Some(since.trim_end_matches('Z').to_string());
        }
        filter
    }

    fn matches(&self, record: &Map<String, Value>) -> bool {
        let text = |key: &str| record.get(key).and_then(Value::as_str).unwrap_or_default();
        self.dataset_type
            .as_deref()
            .is_none_or(|t| text("type") == t)
            && self.organizations.as_ref().is_none_or(|names| {
                let org = record["organization"]["name"].as_str().unwrap_or_default();
                names.iter().any(|n| n == org)
            })
            && self
                .modified_since
                .as_deref()
                .is_none_or(|since| text("metadata_modified") >= since)
    }
}

/// The quoted phrases in a piece of Solr query, unescaped: `"a" OR "b \"c\""` → `a`, `b "c"`.
fn phrases(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '"' {
            continue;
        }
        let mut phrase = String::new();
        while let Some(c) = chars.next() {
            match c {
                '\\' => phrase.extend(chars.next()),
                '"' => break,
                c => phrase.push(c),
            }
        }
        out.push(phrase);
    }
    out
}

fn not_found(message: &str) -> Behaviour {
    json_reply(
        404,
        &json!({"help": "stand-in", "success": false,
                "error": {"__type": "Not Found Error", "message": format!("Not found: {message}")}})
        .to_string(),
    )
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn optional_json(path: &Path) -> Option<Value> {
    path.exists().then(|| read_json(path))
}

/// The `result` of an API envelope, or the value itself.
fn unwrap_result(value: Value) -> Value {
    match value {
        Value::Object(mut envelope)
            if envelope.contains_key("success") && envelope.contains_key("result") =>
        {
            envelope.remove("result").expect("checked")
        }
        other => other,
    }
}

/// A running stand-in; stops when dropped.
pub struct Running {
    pub url: String,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Serves `portal` on 127.0.0.1 until the returned handle is dropped.
pub async fn serve(portal: Portal) -> Running {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let portal = Arc::new(portal);
    let task = tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let portal = portal.clone();
            tokio::spawn(async move { answer(stream, &portal).await });
        }
    });
    Running { url, task }
}

async fn answer(mut stream: TcpStream, portal: &Portal) {
    let Some(request) = read_request(&mut stream).await else {
        return;
    };
    let (path, query) = request
        .target
        .split_once('?')
        .unwrap_or((request.target.as_str(), ""));
    let action = path.rsplit('/').next().unwrap_or_default();
    let Behaviour::Raw(bytes) = portal.answer(action, &parse_query(query)) else {
        unreachable!("the stand-in only writes whole replies")
    };
    let _ = stream.write_all(&bytes).await;
    let _ = stream.shutdown().await;
}

/// `a=1&b=x%20y` → `[("a", "1"), ("b", "x y")]` (`+` is a space, as in a form).
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(name), percent_decode(value))
        })
        .collect()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(byte) => {
                        out.push(byte);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

//! The two forms of a record and the conversions between them:
//! the *file form* (what authors write and `check` validates: `tag_string`, no system
//! fields) and the catalogue's *input/output forms* (`package_create` wants `type` and
//! strings; `package_show` returns `tags`, the organization object, counters and dates).

use serde_json::{Map, Value};

use crate::check::instance;
use crate::schema::ckan_core::{self, KeyClass};
use crate::schema::{Field, Schema};
use crate::syntax::Node;

/// Dataset keys CKAN keeps that a record file does not carry: `pull` leaves them out and
/// `patch` never sends them, so that an update never reverts what changed elsewhere.
/// - `private`: BCDC derives it from `metadata_visibility` on every update;
/// - `state`: the record's life cycle (`draft`, `active`, `deleted`), which the
///   catalogue's own actions change;
/// - `groups`: membership is given and taken by the groups' members (`member_create`);
///   a `package_patch` with `groups` replaces all of it, and needs rights on each group;
/// - `relationships_as_subject`/`_object`: links to other records, made with
///   `package_relationship_create`; an update that sends them replaces all of them;
/// - `tags`: the file says `tag_string` (a `tags` list in a file is sent as one).
const NOT_IN_FILE_DATASET_KEYS: &[&str] = &[
    "private",
    "state",
    "groups",
    "relationships_as_subject",
    "relationships_as_object",
    "tags",
];

/// Whether a top-level key is the catalogue's to set (output-only, a system field such as
/// `record_create_date`, or a key files do not carry), so that it is never part of a patch.
pub fn is_catalogue_managed(schema: &Schema, key: &str) -> bool {
    match schema.dataset_fields.iter().find(|f| f.name == key) {
        Some(field) => field.system,
        None => {
            NOT_IN_FILE_DATASET_KEYS.contains(&key)
                || ckan_core::dataset_key(schema.ckan, key) == KeyClass::OutputOnly
        }
    }
}

/// Resource keys CKAN keeps that a record file does not carry: the uploader, the archiver
/// and the datastore set them when the data changes, so a file's copy would put back an old
/// value. `pull` leaves them out; a patch sends the stored ones back untouched (CKAN drops
/// a resource extra an update leaves out).
const NOT_IN_FILE_RESOURCE_KEYS: &[&str] = &[
    "hash",
    "mimetype",
    "mimetype_inner",
    "size",
    "cache_url",
    "cache_last_updated",
    "datastore_active",
    "datastore_contains_all_records_of_source_file",
    "original_url",
];

/// Whether a resource key is computed by the catalogue: never pulled, nor sent back.
pub fn is_output_only_resource_key(key: &str) -> bool {
    ckan_core::resource_key(key) == KeyClass::OutputOnly
}

/// The `package_create`/`package_patch` body for a record file's value tree: the core's
/// instance form (numbers in text fields as the strings CKAN stores, `license_id: 2` →
/// `"2"`), plus `type: <dataset type>`, and `tags` (strings or `{name}` objects) as
/// `tag_string` when the record has no `tag_string`. Every other key is sent as written:
/// the checker warns about unknown keys, nothing is dropped here.
pub fn api_body(root: &Node, schema: &Schema) -> Map<String, Value> {
    let Value::Object(record) = instance::to_json(root, schema, false) else {
        return Map::new();
    };
    let mut body = Map::new();
    if !record.contains_key("type") {
        body.insert("type".into(), Value::String(schema.dataset_type.clone()));
    }
    let has_tag_string = record.contains_key("tag_string");
    for (key, value) in record {
        if key == "tags" && !has_tag_string {
            if let Some(tag_string) = tags_to_tag_string(&value) {
                body.insert("tag_string".into(), Value::String(tag_string));
                continue;
            }
        }
        body.insert(key, value);
    }
    body
}

/// `["a", {"name": "b"}]` → `"a,b"`; `None` when the list holds anything else.
fn tags_to_tag_string(value: &Value) -> Option<String> {
    let items = value.as_array()?;
    let names: Option<Vec<&str>> = items
        .iter()
        .map(|item| match item {
            Value::String(s) => Some(s.as_str()),
            Value::Object(tag) => tag.get("name").and_then(Value::as_str),
            _ => None,
        })
        .collect();
    Some(names?.join(","))
}

/// The tag names of a `tag_string`, as CKAN's `tag_string_convert` reads them: split on
/// commas, trimmed, empty ones dropped; sorted and deduplicated for comparison.
pub fn tag_set(tag_string: &str) -> Vec<String> {
    let mut tags: Vec<String> = tag_string
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect();
    tags.sort();
    tags.dedup();
    tags
}

/// Where an error the catalogue reported on the request body lands in the record file:
/// `tags` and `tag_string` name the same thing, and the added `type` is the record itself.
pub fn record_pointer(api_pointer: &str, root: &Node) -> String {
    let first = api_pointer.split('/').nth(1).unwrap_or("");
    let has = |key: &str| root.get(key).is_some();
    match first {
        "tags" | "tag_string" if !has(first) => {
            let other = if first == "tags" {
                "tag_string"
            } else {
                "tags"
            };
            if has(other) {
                format!("/{other}")
            } else {
                api_pointer.to_string()
            }
        }
        "type" if !has("type") => String::new(),
        _ => api_pointer.to_string(),
    }
}

/// A `package_show` result in file form: `tags` → `tag_string`, `owner_org` as the
/// organization's name, output-only, system and empty fields and the keys files do not
/// carry left out, keys in the schema's order (`id` and `type` first, CKAN's own keys
/// after the schema's fields, `resources` last).
pub fn record_from_package(package: &Map<String, Value>, schema: &Schema) -> Map<String, Value> {
    let mut record = Map::new();
    let mut take = |key: &str, value: Option<Value>| {
        if let Some(value) = value.filter(|v| !is_empty(v)) {
            record.insert(key.to_string(), value);
        }
    };
    take("id", package.get("id").cloned());
    take("type", package.get("type").cloned());
    for field in &schema.dataset_fields {
        if field.system {
            continue;
        }
        let value = match field.name.as_str() {
            "tag_string" => package_tag_string(package).map(Value::String),
            "owner_org" => owner_org_name(package).map(Value::String),
            name => package
                .get(name)
                .map(|v| in_subfield_order(&field.record_value(&without_nulls(v)), field)),
        };
        take(&field.name, value);
    }
    // Then CKAN's own keys the portal's form does not show (`author`, `url`, `extras`, ...),
    // then keys neither schema knows (an older schema's fields: `check` warns about them).
    let left_out = |key: &str| {
        ["id", "type", "resources"].contains(&key)
            || NOT_IN_FILE_DATASET_KEYS.contains(&key)
            || schema.dataset_fields.iter().any(|f| f.name == key)
    };
    let class = |key: &str| ckan_core::dataset_key(schema.ckan, key);
    for pass in [KeyClass::Kept, KeyClass::Dropped] {
        for (key, value) in package {
            let in_pass = match class(key) {
                KeyClass::Kept => pass == KeyClass::Kept,
                KeyClass::OutputOnly => false,
                KeyClass::SysadminOnly | KeyClass::Dropped => pass == KeyClass::Dropped,
            };
            if in_pass && !left_out(key) {
                take(key, Some(without_nulls(value)));
            }
        }
    }
    let resources = package
        .get("resources")
        .and_then(Value::as_array)
        .map(|items| {
            Value::Array(
                items
                    .iter()
                    .map(|r| match r {
                        Value::Object(resource) => Value::Object(resource_record(resource, schema)),
                        other => other.clone(),
                    })
                    .collect(),
            )
        });
    take("resources", resources);
    record
}

/// The resources of a `package_show` result (objects only).
pub fn package_resources(package: &Map<String, Value>) -> Vec<&Map<String, Value>> {
    package
        .get("resources")
        .and_then(Value::as_array)
        .map(|items| items.iter().filter_map(Value::as_object).collect())
        .unwrap_or_default()
}

/// One resource in file form: `id` first, schema order, then the other keys CKAN keeps
/// (its own and the resource's extras); output-only, system, empty ones and those files do
/// not carry left out.
pub fn resource_record(resource: &Map<String, Value>, schema: &Schema) -> Map<String, Value> {
    let mut out = Map::new();
    let mut take = |key: &str, field: Option<&Field>| {
        let value = resource
            .get(key)
            .map(without_nulls)
            .filter(|v| !is_empty(v));
        if let Some(value) = value {
            let value = match field {
                Some(field) => in_subfield_order(&field.record_value(&value), field),
                None => value,
            };
            out.insert(key.to_string(), value);
        }
    };
    take("id", None);
    for field in schema.resource_fields.iter().filter(|f| !f.system) {
        take(&field.name, Some(field));
    }
    for key in resource.keys() {
        let known = key == "id"
            || is_output_only_resource_key(key)
            || NOT_IN_FILE_RESOURCE_KEYS.contains(&key.as_str())
            || schema.resource_fields.iter().any(|f| &f.name == key);
        if !known {
            take(key, None);
        }
    }
    out
}

/// The entries of a repeating field with their keys in the schema's subfield order
/// (the catalogue returns them sorted), unknown keys last.
fn in_subfield_order(value: &Value, field: &Field) -> Value {
    let (Value::Array(items), false) = (value, field.subfields.is_empty()) else {
        return value.clone();
    };
    let order = |entry: &Map<String, Value>| {
        let mut out = Map::new();
        for sub in &field.subfields {
            if let Some(v) = entry.get(&sub.name) {
                out.insert(sub.name.clone(), v.clone());
            }
        }
        for (k, v) in entry {
            if !out.contains_key(k) {
                out.insert(k.clone(), v.clone());
            }
        }
        out
    };
    Value::Array(
        items
            .iter()
            .map(|item| match item {
                Value::Object(entry) => Value::Object(order(entry)),
                other => other.clone(),
            })
            .collect(),
    )
}

/// `tag_string` from `package_show`'s `tags` (or a `tag_string` some portals echo).
fn package_tag_string(package: &Map<String, Value>) -> Option<String> {
    match package.get("tags") {
        Some(Value::Array(_)) => tags_to_tag_string(&package["tags"]).filter(|s| !s.is_empty()),
        _ => package
            .get("tag_string")
            .and_then(Value::as_str)
            .map(str::to_string),
    }
}

/// The organization's name when `package_show` gives the organization object, else the id.
fn owner_org_name(package: &Map<String, Value>) -> Option<String> {
    let id = package.get("owner_org").and_then(Value::as_str)?;
    let org = package.get("organization").and_then(Value::as_object);
    let name = org
        .filter(|o| o.get("id").and_then(Value::as_str) == Some(id))
        .and_then(|o| o.get("name"))
        .and_then(Value::as_str);
    Some(name.unwrap_or(id).to_string())
}

/// Whether the record's `owner_org` (a name or id) is the package's organization.
pub fn same_organization(record_value: &str, package: &Map<String, Value>) -> bool {
    let id = package.get("owner_org").and_then(Value::as_str);
    let org = package.get("organization").and_then(Value::as_object);
    let name = org.and_then(|o| o.get("name")).and_then(Value::as_str);
    Some(record_value) == id || Some(record_value) == name
}

/// Null, `""`, `[]` and `{}`: what the catalogue treats as not given.
pub fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(items) => items.is_empty(),
        Value::Object(map) => map.is_empty(),
        _ => false,
    }
}

/// Drops null-valued keys inside objects (the catalogue returns unset subfields as null)
/// and writes line breaks as `\n` (text from web forms arrives with `\r\n`).
fn without_nulls(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        Value::String(s) => Value::String(unix_newlines(s)),
        other => other.clone(),
    }
}

/// `\r\n` → `\n`: the same text for comparison and for a readable YAML block.
pub fn unix_newlines(text: &str) -> String {
    text.replace("\r\n", "\n")
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::syntax::{Document, Format};
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    /// A record file's tree for a JSON value.
    pub(crate) fn tree(v: &Value) -> Node {
        let doc = Document::parse(&v.to_string(), Format::Json);
        doc.root().unwrap().clone()
    }

    #[test]
    fn body_adds_type_converts_tags_and_stringifies() {
        let schema = Schema::embedded();
        let body = api_body(
            &tree(&json!({
                "name": "x", "license_id": 2, "tags": ["a", {"name": "b"}],
                "resources": [{"name": "r", "json_table_schema": {"n": 1}, "details": [{"data_precision": 10}]}],
                "unknown": "kept"
            })),
            &schema,
        );
        assert_eq!(
            Value::Object(body),
            json!({
                "type": "bcdc_dataset", "name": "x", "license_id": "2", "tag_string": "a,b",
                "resources": [{"name": "r", "json_table_schema": {"n": 1}, "details": [{"data_precision": "10"}]}],
                "unknown": "kept"
            })
        );
        // Both given: both sent, as written.
        let both = api_body(&tree(&json!({"tag_string": "a", "tags": ["b"]})), &schema);
        assert_eq!(both["tags"], json!(["b"]));
        assert_eq!(both["tag_string"], "a");
        // A type the author wrote is kept (the checker reports a wrong one).
        assert_eq!(
            api_body(&tree(&json!({"type": "other"})), &schema)["type"],
            "other"
        );
    }

    #[test]
    fn error_pointers_land_on_the_record() {
        let with_tags = tree(&json!({"tags": ["a"]}));
        assert_eq!(record_pointer("/tag_string", &with_tags), "/tags");
        let with_string = tree(&json!({"tag_string": "a"}));
        assert_eq!(record_pointer("/tags/0/name", &with_string), "/tag_string");
        assert_eq!(record_pointer("/type", &with_string), "");
        assert_eq!(
            record_pointer("/resources/1/format", &with_string),
            "/resources/1/format"
        );
    }

    #[test]
    fn tag_sets() {
        assert_eq!(tag_set(" b, a ,,a"), ["a", "b"]);
    }

    #[test]
    fn package_to_record() {
        let schema = Schema::embedded();
        let capture: Value = serde_json::from_str(include_str!(
            "../../tests/catalogue_fixtures/30_package_show.json"
        ))
        .unwrap();
        let package = obj(capture["response"]["body"]["result"].clone());
        let record = record_from_package(&package, &schema);
        let keys: Vec<&str> = record.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "id",
                "type",
                "title",
                "name",
                "owner_org",
                "publish_state",
                "notes",
                "license_id",
                "contacts",
                "more_info",
                "security_class",
                "view_audience",
                "download_audience",
                "metadata_visibility",
                "tag_string",
                "dates",
                "resource_status"
            ]
        );
        assert_eq!(record["owner_org"], "lsp-test-org");
        assert_eq!(record["tag_string"], "e2e-test,lsp");
        assert_eq!(record["license_id"], "2");
        let contact: Vec<&str> = record["contacts"][0]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(contact, ["name", "email", "org", "role", "displayed"]);
        let mut crlf = package.clone();
        crlf.insert("notes".into(), json!("One.\r\nTwo.\r\n"));
        assert_eq!(record_from_package(&crlf, &schema)["notes"], "One.\nTwo.\n");
    }
}

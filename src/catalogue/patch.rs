//! Update: which top-level fields of a record differ from the catalogue's copy, and the
//! `package_patch` body that sends only those (lists whole, resources with their ids).

use serde_json::{Map, Value};

use super::client::CatalogueClient;
use super::compare::{match_resources, stored_as};
use super::record::{
    api_body, is_catalogue_managed, is_output_only_resource_key, record_from_package,
    resource_record, same_organization, tag_set,
};
use super::workflow::{record_root, require_valid, string_field, WorkflowError};
use crate::schema::Schema;
use crate::syntax::{Document, Node};

/// One top-level field that will change, in file form.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldChange {
    pub field: String,
    /// The catalogue's value (`None` when it has none).
    pub before: Option<Value>,
    /// The record file's value.
    pub after: Value,
}

impl FieldChange {
    /// One line for a confirmation prompt: `notes`, `tag_string: a,b → a,b,c`,
    /// `contacts: 1 entry → 2 entries`.
    pub fn summary(&self) -> String {
        let short = |v: &Value| -> Option<String> {
            let text = match v {
                Value::String(s) => s.clone(),
                Value::Array(items) => {
                    let n = items.len();
                    return Some(format!("{n} {}", if n == 1 { "entry" } else { "entries" }));
                }
                Value::Object(_) => return None,
                other => other.to_string(),
            };
            (text.chars().count() <= 40 && !text.contains('\n')).then_some(text)
        };
        let before = self
            .before
            .as_ref()
            .map_or(Some("(none)".to_string()), short);
        match (before, short(&self.after)) {
            (Some(b), Some(a)) => format!("{}: {b} → {a}", self.field),
            _ => self.field.clone(),
        }
    }
}

/// What `package_patch` will send.
#[derive(Debug, Clone, PartialEq)]
pub struct PatchPlan {
    /// The catalogue's id of the record.
    pub id: String,
    pub changes: Vec<FieldChange>,
    /// `id` plus the changed fields, in the catalogue's input form.
    pub body: Map<String, Value>,
    /// Keys of the file that are not sent because the catalogue manages them.
    pub ignored: Vec<String>,
}

impl PatchPlan {
    /// Nothing differs: nothing is sent.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    pub fn fields(&self) -> Vec<&str> {
        self.changes.iter().map(|c| c.field.as_str()).collect()
    }
}

/// A sent update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Patched {
    pub id: String,
    pub name: String,
    /// `<catalogue>/dataset/<name>`.
    pub url: String,
    /// The fields sent (empty when nothing differed and nothing was sent).
    pub fields: Vec<String>,
    /// Fields that still differ after the update: the catalogue stored them differently.
    pub not_stored: Vec<String>,
}

impl Patched {
    pub fn message(&self, catalogue: &str) -> String {
        if self.fields.is_empty() {
            return format!(
                "{} is up to date on {catalogue}: nothing to send",
                self.name
            );
        }
        let mut text = format!(
            "updated {} on {catalogue} ({}): {}",
            self.name,
            self.fields.join(", "),
            self.url
        );
        if !self.not_stored.is_empty() {
            text.push_str(&format!(
                "; the catalogue stored {} differently from the file (pull the record to see how)",
                self.not_stored.join(", ")
            ));
        }
        text
    }
}

/// Reads the stored record (by the file's `id`) and plans the update; sends nothing.
pub async fn prepare_update(
    client: &CatalogueClient,
    doc: &Document,
    schema: &Schema,
) -> Result<(PatchPlan, Map<String, Value>), WorkflowError> {
    let root = record_root(doc)?;
    let id = string_field(root, "id").ok_or_else(|| {
        WorkflowError::Refused(
            "this record has no id, so it is not on the catalogue yet: use Publish".into(),
        )
    })?;
    require_valid(doc, schema)?;
    let package = client
        .package_show(id)
        .await
        .map_err(|e| WorkflowError::from_catalogue(e, doc))?;
    if package.get("state").and_then(Value::as_str) == Some("deleted") {
        return Err(WorkflowError::Refused(format!(
            "record {id} is deleted on {}; an update would not bring it back",
            client.catalogue().label()
        )));
    }
    Ok((plan_patch(root, &package, schema), package))
}

/// Sends a plan made by [`prepare_update`] with `package_patch`; sends nothing when the
/// plan is empty.
pub async fn send_update(
    client: &CatalogueClient,
    plan: &PatchPlan,
    package: &Map<String, Value>,
    doc: &Document,
    schema: &Schema,
) -> Result<Patched, WorkflowError> {
    let name_of = |p: &Map<String, Value>| {
        p.get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let mut patched = Patched {
        id: plan.id.clone(),
        name: name_of(package),
        url: client.catalogue().dataset_url(&name_of(package)),
        fields: Vec::new(),
        not_stored: Vec::new(),
    };
    if plan.is_empty() {
        return Ok(patched);
    }
    let result = client
        .package_patch(&plan.body)
        .await
        .map_err(|e| WorkflowError::from_catalogue(e, doc))?;
    let root = record_root(doc)?;
    patched.fields = plan.fields().iter().map(|f| f.to_string()).collect();
    patched.not_stored = plan_patch(root, &result, schema)
        .fields()
        .iter()
        .map(|f| f.to_string())
        .collect();
    patched.name = name_of(&result);
    patched.url = client.catalogue().dataset_url(&patched.name);
    Ok(patched)
}

/// Compares a record file's tree with `package_show`'s result for it.
pub fn plan_patch(root: &Node, package: &Map<String, Value>, schema: &Schema) -> PatchPlan {
    let id = package
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let body_in = api_body(root, schema);
    let stored = record_from_package(package, schema);
    let mut body = Map::new();
    body.insert("id".into(), Value::String(id.clone()));
    let mut changes = Vec::new();
    let mut ignored = Vec::new();
    for (key, value) in &body_in {
        if key == "id" || key == "type" && value.as_str() == Some(&schema.dataset_type) {
            continue;
        }
        if key == "type" || is_catalogue_managed(schema, key) {
            ignored.push(key.clone());
            continue;
        }
        let mut shown_after = None;
        let (differs, sent) = match key.as_str() {
            "owner_org" => {
                let same = value
                    .as_str()
                    .is_some_and(|v| same_organization(v, package));
                (!same, value.clone())
            }
            "tag_string" => {
                let stored_tags = stored.get("tag_string").and_then(Value::as_str);
                let differs =
                    value.as_str().map(tag_set) != Some(tag_set(stored_tags.unwrap_or("")));
                (differs, value.clone())
            }
            "resources" => match resources_patch(value, package, schema) {
                Some(change) => {
                    shown_after = Some(change.after);
                    (true, change.sent)
                }
                None => (false, Value::Null),
            },
            _ => {
                let stored_value = stored.get(key).unwrap_or(&Value::Null);
                let same = stored_as(value, stored_value, &format!("/{key}"), schema);
                (!same, value.clone())
            }
        };
        if differs {
            let after = shown_after.unwrap_or_else(|| {
                root.get(key)
                    .map(Node::to_json)
                    .unwrap_or_else(|| value.clone())
            });
            changes.push(FieldChange {
                field: key.clone(),
                before: stored.get(key).cloned(),
                after,
            });
            body.insert(key.clone(), sent);
        }
    }
    PatchPlan {
        id,
        changes,
        body,
        ignored,
    }
}

/// The resources change: what to send, and the catalogue's resources after it (file form,
/// for the diff).
struct ResourcesChange {
    sent: Value,
    after: Value,
}

/// `Some` when the file's resources differ from the stored ones. Each file resource is
/// matched to a stored one ([`match_resources`]), takes its id, and keeps the stored fields
/// the file does not mention, so that a patch never deletes a resource or a catalogue-fed
/// field by accident, and never changes a resource's id.
fn resources_patch(
    value: &Value,
    package: &Map<String, Value>,
    schema: &Schema,
) -> Option<ResourcesChange> {
    let Value::Array(wanted) = value else {
        return Some(ResourcesChange {
            sent: value.clone(),
            after: value.clone(),
        });
    };
    let stored: Vec<&Map<String, Value>> = package
        .get("resources")
        .and_then(Value::as_array)
        .map(|items| items.iter().filter_map(Value::as_object).collect())
        .unwrap_or_default();
    let matches = match_resources(wanted, &stored);
    let mut differs = wanted.len() != stored.len();
    let mut sent = Vec::with_capacity(wanted.len());
    let mut after = Vec::with_capacity(wanted.len());
    for (index, (item, matched)) in wanted.iter().zip(&matches).enumerate() {
        let (Value::Object(resource), Some(stored_index)) = (item, *matched) else {
            differs = true;
            sent.push(item.clone());
            after.push(item.clone());
            continue;
        };
        differs |= stored_index != index;
        let original = stored[stored_index];
        let mut merged: Map<String, Value> = original
            .iter()
            .filter(|(k, _)| !is_output_only_resource_key(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        // The diff shows the stored form of what did not change, so only changes show.
        let mut shown = resource_record(original, schema);
        for (key, value) in resource {
            let pointer = format!("/resources/{index}/{key}");
            let before = original.get(key).unwrap_or(&Value::Null);
            if !stored_as(value, before, &pointer, schema) {
                differs = true;
                shown.insert(key.clone(), value.clone());
            }
            merged.insert(key.clone(), value.clone());
        }
        sent.push(Value::Object(merged));
        after.push(Value::Object(shown));
    }
    differs.then(|| ResourcesChange {
        sent: Value::Array(sent),
        after: Value::Array(after),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::record::tests::tree;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    fn stored() -> Map<String, Value> {
        let capture: Value = serde_json::from_str(include_str!(
            "../../tests/catalogue_fixtures/30_package_show.json"
        ))
        .unwrap();
        let mut package = obj(capture["response"]["body"]["result"].clone());
        package.insert(
            "resources".into(),
            json!([
                {"id": "r1", "name": "CSV", "format": "csv", "package_id": "p", "position": 0,
                 "details": [{"column_name": "a"}], "url": "https://x/a.csv", "description": null},
                {"id": "r2", "name": "API", "format": "json", "package_id": "p", "position": 1}
            ]),
        );
        package
    }

    #[test]
    fn a_changed_resource_sends_back_what_the_file_does_not_carry() {
        let schema = Schema::embedded();
        let mut package = stored();
        let extra = json!({"datastore_active": true, "size": 42, "ofi": true, "has_views": true});
        for (k, v) in extra.as_object().unwrap() {
            package["resources"][0][k] = v.clone();
        }
        let mut record = record_from_package(&package, &schema);
        assert!(record["resources"][0].get("datastore_active").is_none());
        record["resources"][0]["name"] = json!("CSV renamed");
        let plan = plan_patch(&tree(&Value::Object(record)), &package, &schema);
        assert_eq!(plan.fields(), ["resources"]);
        let sent = &plan.body["resources"][0];
        assert_eq!(sent["name"], "CSV renamed");
        // CKAN drops a resource extra an update leaves out: the stored ones go back
        for key in ["datastore_active", "size", "ofi"] {
            assert_eq!(sent[key], package["resources"][0][key], "{key}");
        }
        // what CKAN computes is not sent
        for key in ["has_views", "position", "package_id"] {
            assert!(sent.get(key).is_none(), "{key}");
        }
    }

    #[test]
    fn pulled_record_patches_nothing() {
        let schema = Schema::embedded();
        let package = stored();
        let record = record_from_package(&package, &schema);
        let plan = plan_patch(&tree(&Value::Object(record.clone())), &package, &schema);
        assert!(plan.is_empty(), "{:?}", plan.changes);
        assert_eq!(plan.body, obj(json!({"id": package["id"]})));
    }

    #[test]
    fn crlf_text_from_web_forms_is_not_a_change() {
        let schema = Schema::embedded();
        let mut package = stored();
        package.insert("notes".into(), json!("One.\r\nTwo.\r\n"));
        let record = record_from_package(&package, &schema);
        assert_eq!(record["notes"], "One.\nTwo.\n");
        let plan = plan_patch(&tree(&Value::Object(record)), &package, &schema);
        assert!(plan.is_empty(), "{:?}", plan.changes);
    }

    #[test]
    fn output_forms_compare_equal() {
        let schema = Schema::embedded();
        let package = stored();
        let mut record = record_from_package(&package, &schema);
        // Owner by id, tags as a list in another order, a number licence, displayed as a string.
        record.insert(
            "owner_org".into(),
            json!("c46ecaae-68d4-4e43-aa06-586345880e78"),
        );
        record.remove("tag_string");
        record.insert("tags".into(), json!(["lsp", {"name": "e2e-test"}]));
        record.insert("license_id".into(), json!(2));
        record["contacts"][0]["displayed"] = json!("displayed");
        record.insert("purpose".into(), json!(""));
        record.insert("record_create_date".into(), json!("2020-01-01"));
        let plan = plan_patch(&tree(&Value::Object(record.clone())), &package, &schema);
        assert!(plan.is_empty(), "{:?}", plan.changes);
        assert_eq!(plan.ignored, ["record_create_date"]);
    }

    #[test]
    fn one_field_changes_only_that_field() {
        let schema = Schema::embedded();
        let package = stored();
        let mut record = record_from_package(&package, &schema);
        record.insert("notes".into(), json!("New text.\n"));
        let plan = plan_patch(&tree(&Value::Object(record.clone())), &package, &schema);
        assert_eq!(plan.fields(), ["notes"]);
        assert_eq!(
            Value::Object(plan.body),
            json!({"id": package["id"], "notes": "New text.\n"})
        );
        assert_eq!(plan.changes[0].before, Some(json!("Patched by prove.sh")));
    }

    #[test]
    fn lists_go_whole_and_resources_keep_ids_and_fields() {
        let schema = Schema::embedded();
        let package = stored();
        let mut record = record_from_package(&package, &schema);
        // Contacts: one more entry, sent whole.
        let mut contacts = record["contacts"].as_array().unwrap().clone();
        contacts.push(
            json!({"name": "B", "email": "b@example.invalid", "org": "o", "role": "custodian"}),
        );
        record.insert("contacts".into(), Value::Array(contacts.clone()));
        // Resources without ids (as an author may write them), second one changed.
        record.insert(
            "resources".into(),
            json!([
                {"name": "CSV", "format": "csv", "url": "https://x/a.csv"},
                {"name": "API", "format": "geojson"}
            ]),
        );
        let plan = plan_patch(&tree(&Value::Object(record.clone())), &package, &schema);
        assert_eq!(plan.fields(), ["contacts", "resources"]);
        assert_eq!(plan.body["contacts"], Value::Array(contacts));
        assert_eq!(
            plan.body["resources"],
            json!([
                {"id": "r1", "name": "CSV", "format": "csv", "details": [{"column_name": "a"}],
                 "url": "https://x/a.csv", "description": null},
                {"id": "r2", "name": "API", "format": "geojson"}
            ])
        );
        assert_eq!(plan.changes[0].summary(), "contacts: 1 entry → 2 entries");
    }

    /// A file as published (resources without ids) and what the local CKAN stored for it.
    fn just_published() -> (Value, Map<String, Value>) {
        let mut package = stored();
        let file = json!({
            "title": " Water ", "resources": [
                {"name": "CSV", "format": "csv", "url": " https://x/a.csv ",
                 "last_modified": "2024-01-15", "iso_topic_category": "biota",
                 "json_table_schema": "{\"fields\": [{\"name\": \"a\"}]}",
                 "details": [{"column_name": "a", "data_precision": 10}]},
                {"format": "json"}
            ]
        });
        // As package_show returned it (tests/catalogue_ckan.rs checks these on the real CKAN).
        package.insert("title".into(), json!("Water"));
        package.insert(
            "resources".into(),
            json!([
                {"id": "r1", "name": "CSV", "format": "csv", "url": "https://x/a.csv",
                 "last_modified": "2024-01-15T00:00:00", "iso_topic_category": ["biota"],
                 "json_table_schema": {"fields": [{"name": "a"}]}, "position": 0,
                 "details": [{"column_name": "a", "data_precision": "10"}],
                 "package_id": "p", "url_type": null, "size": null, "hash": ""},
                {"id": "r2", "name": "", "format": "json", "iso_topic_category": [], "position": 1}
            ]),
        );
        (file, package)
    }

    #[test]
    fn what_the_catalogue_reshaped_is_not_a_change() {
        let schema = Schema::embedded();
        let (file, package) = just_published();
        let mut record = record_from_package(&package, &schema);
        record.extend(file.as_object().unwrap().clone());
        let plan = plan_patch(&tree(&Value::Object(record.clone())), &package, &schema);
        assert!(plan.is_empty(), "{:?}", plan.changes);
        // One field changed: only it is sent.
        record.insert("purpose".into(), json!("Why"));
        let plan = plan_patch(&tree(&Value::Object(record)), &package, &schema);
        assert_eq!(plan.fields(), ["purpose"]);
        assert_eq!(
            Value::Object(plan.body),
            json!({"id": package["id"], "purpose": "Why"})
        );
    }

    #[test]
    fn a_changed_resource_keeps_its_id_and_the_diff_shows_only_the_change() {
        let schema = Schema::embedded();
        let (mut file, package) = just_published();
        file["resources"][1]["format"] = json!("geojson");
        let mut record = record_from_package(&package, &schema);
        record.extend(file.as_object().unwrap().clone());
        let plan = plan_patch(&tree(&Value::Object(record)), &package, &schema);
        assert_eq!(plan.fields(), ["resources"]);
        let sent = plan.body["resources"].as_array().unwrap();
        assert_eq!(
            (&sent[0]["id"], &sent[1]["id"]),
            (&json!("r1"), &json!("r2"))
        );
        assert_eq!(sent[1]["format"], "geojson");
        // Before and after differ in that one value, in the stored form.
        let change = &plan.changes[0];
        let mut expected = change.before.clone().unwrap();
        expected[1]["format"] = json!("geojson");
        assert_eq!(change.after, expected);
    }

    #[test]
    fn resources_reordered_or_removed_count_as_changes() {
        let schema = Schema::embedded();
        let package = stored();
        let mut record = record_from_package(&package, &schema);
        let resources = record["resources"].as_array().unwrap().clone();
        record.insert(
            "resources".into(),
            json!([resources[1].clone(), resources[0].clone()]),
        );
        let plan = plan_patch(&tree(&Value::Object(record.clone())), &package, &schema);
        assert_eq!(plan.fields(), ["resources"]);
        assert_eq!(plan.body["resources"][0]["id"], "r2");
        record.insert("resources".into(), json!([resources[0].clone()]));
        let plan = plan_patch(&tree(&Value::Object(record.clone())), &package, &schema);
        assert_eq!(plan.fields(), ["resources"]);
        assert_eq!(plan.body["resources"].as_array().unwrap().len(), 1);
        // No `resources` key in the file: the stored ones are left alone.
        record.remove("resources");
        assert!(plan_patch(&tree(&Value::Object(record.clone())), &package, &schema).is_empty());
    }

    #[test]
    fn summaries() {
        let change = FieldChange {
            field: "tag_string".into(),
            before: Some(json!("a,b")),
            after: json!("a,b,c"),
        };
        assert_eq!(change.summary(), "tag_string: a,b → a,b,c");
        let long = FieldChange {
            field: "notes".into(),
            before: None,
            after: json!("line\nline"),
        };
        assert_eq!(long.summary(), "notes");
    }
}

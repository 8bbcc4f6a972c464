//! What a record file remembers of its last synchronisation with the catalogue: the
//! catalogue's `metadata_modified` then, and for each field (and each field of each
//! resource, by resource id) two fingerprints: of the file's value and of the catalogue's
//! value at that moment. A field whose file value no longer has its fingerprint was edited
//! in the file; one whose catalogue value no longer has its fingerprint was changed on the
//! catalogue. Two fingerprints, not one, because the file and the catalogue may write the
//! same value differently (`license_id: 2` against `"2"`, a date against a date-time): each
//! side is only ever compared with its own past.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::compare::match_resources;
use super::convert::{
    is_empty, package_resources, record_from_package, resource_record, tag_set, unix_newlines,
};
use crate::schema::Schema;

/// The synchronisation state of one record file (stored as JSON beside it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncState {
    /// The catalogue's base URL.
    pub catalogue: String,
    pub id: String,
    pub name: String,
    /// The catalogue's `metadata_modified` when the file was last synchronised.
    pub metadata_modified: String,
    /// Top-level fields (file form names) with a value on either side.
    pub fields: BTreeMap<String, Prints>,
    /// Resource id → its fields with a value on either side.
    pub resources: BTreeMap<String, BTreeMap<String, Prints>>,
    /// Changes made on the catalogue were left out of the file (a pull brings them).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub pull_needed: bool,
}

/// The fingerprints of one field's value in the file and on the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prints {
    pub file: String,
    pub catalogue: String,
}

/// The fingerprint a field has when it has no value (absent, null, `""`, `[]`, `{}`).
pub fn empty_print() -> String {
    fingerprint("", &Value::Null)
}

/// A short stable fingerprint (FNV-1a, 64 bits, hex) of a field's value, in a canonical
/// form: empties dropped, keys sorted, `\n` line breaks, tags as a sorted set.
pub fn fingerprint(key: &str, value: &Value) -> String {
    let canonical = match (key, value) {
        ("tag_string", Value::String(tags)) => Value::String(tag_set(tags).join(",")),
        _ => canonical(value),
    };
    let text = serde_json::to_string(&canonical).expect("JSON values serialise");
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

fn canonical(value: &Value) -> Value {
    match value {
        v if is_empty(v) => Value::Null,
        Value::Object(map) => {
            let sorted: BTreeMap<&String, Value> = map
                .iter()
                .filter(|(_, v)| !is_empty(v))
                .map(|(k, v)| (k, canonical(v)))
                .collect();
            Value::Object(sorted.into_iter().map(|(k, v)| (k.clone(), v)).collect())
        }
        Value::Array(items) => Value::Array(items.iter().map(canonical).collect()),
        Value::String(s) => Value::String(unix_newlines(s)),
        other => other.clone(),
    }
}

/// A field of the state: a top-level field, one field of a resource, or a whole resource.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Key {
    Field(String),
    ResourceField(String, String),
    Resource(String),
}

impl SyncState {
    /// The state after a synchronisation: `file` (the record's request form, `api_body`) and
    /// `package` (`package_show` form) agree from now on, except for the changes not
    /// brought to the other side: `theirs` (changed only on the catalogue, or kept as the
    /// catalogue's, not in the file) and `mine` (edits in the file not sent yet). Those keep
    /// their fingerprints from `previous`, so that they are still reported next time.
    pub fn after(
        catalogue: &str,
        file: &Map<String, Value>,
        package: &Map<String, Value>,
        previous: Option<&SyncState>,
        theirs: &[Key],
        mine: &[Key],
        schema: &Schema,
    ) -> SyncState {
        let record = &record_from_package(package, schema);
        let text = |m: &Map<String, Value>, k: &str| {
            m.get(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        let mut state = SyncState {
            catalogue: catalogue.to_string(),
            id: text(package, "id"),
            name: text(package, "name"),
            metadata_modified: text(package, "metadata_modified"),
            ..SyncState::default()
        };
        let skip = |k: &str| ["id", "type", "resources"].contains(&k);
        let keys: std::collections::BTreeSet<&String> = file
            .keys()
            .chain(record.keys())
            .filter(|k| !skip(k))
            .collect();
        for key in keys {
            let prints = prints(key, file.get(key.as_str()), record.get(key.as_str()));
            if let Some(prints) = prints {
                state.fields.insert(key.clone(), prints);
            }
        }
        let wanted = file
            .get("resources")
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice);
        let stored: Vec<&Map<String, Value>> = package_resources(package);
        let matches = pair_resources(wanted, &stored, previous);
        for (index, resource) in stored.iter().enumerate() {
            let Some(rid) = resource.get("id").and_then(Value::as_str) else {
                continue;
            };
            let empty = Map::new();
            let in_file = matches
                .iter()
                .position(|m| *m == Some(index))
                .and_then(|i| wanted[i].as_object())
                .unwrap_or(&empty);
            let stored_form = resource_record(resource, schema);
            let keys: std::collections::BTreeSet<&String> = in_file
                .keys()
                .chain(stored_form.keys())
                .filter(|k| *k != "id")
                .collect();
            let fields: BTreeMap<String, Prints> = keys
                .into_iter()
                .filter_map(|k| {
                    prints(k, in_file.get(k.as_str()), stored_form.get(k.as_str()))
                        .map(|p| (k.clone(), p))
                })
                .collect();
            state.resources.insert(rid.to_string(), fields);
        }
        for key in theirs {
            state.keep_from(previous, key, false);
        }
        state.pull_needed = !theirs.is_empty();
        for key in mine {
            state.keep_from(previous, key, true);
        }
        state
    }

    /// Whether `file` (request form) is what the file held at the synchronisation, field
    /// by field and resource by resource (by id): then, if the catalogue did not change
    /// either, there is nothing to do, without reading the catalogue's copy.
    pub fn file_unchanged(&self, file: &Map<String, Value>) -> bool {
        let same =
            |values: &Map<String, Value>, fields: &BTreeMap<String, Prints>, skip: &[&str]| {
                let empty = empty_print();
                let null = Value::Null;
                values
                    .keys()
                    .chain(fields.keys())
                    .filter(|k| !skip.contains(&k.as_str()))
                    .all(|k| {
                        let print = fields.get(k).map_or(&empty, |p| &p.file);
                        fingerprint(k, values.get(k).unwrap_or(&null)) == *print
                    })
            };
        if !same(file, &self.fields, &["id", "type", "resources"]) {
            return false;
        }
        let resources = file
            .get("resources")
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice);
        resources.len() == self.resources.len()
            && resources.iter().all(|r| {
                let resource = r.as_object();
                let fields = resource
                    .and_then(|r| r.get("id"))
                    .and_then(Value::as_str)
                    .and_then(|id| self.resources.get(id));
                match (resource, fields) {
                    (Some(resource), Some(fields)) => same(resource, fields, &["id"]),
                    _ => false,
                }
            })
    }

    /// `key` as `previous` had it (absent if it had not). Without a previous state, the
    /// pending side (the file's when `mine`) is marked as never synchronised.
    fn keep_from(&mut self, previous: Option<&SyncState>, key: &Key, mine: bool) {
        let unsynced = |p: &mut Prints| {
            let side = if mine { &mut p.file } else { &mut p.catalogue };
            *side = UNSYNCED.to_string();
        };
        match (key, previous) {
            (Key::Field(field), Some(p)) => match p.fields.get(field) {
                Some(prints) => {
                    self.fields.insert(field.clone(), prints.clone());
                }
                None => {
                    self.fields.remove(field);
                }
            },
            (Key::Field(field), None) => {
                self.fields.get_mut(field).map(unsynced);
            }
            (Key::ResourceField(rid, field), Some(p)) => {
                let fields = self.resources.entry(rid.clone()).or_default();
                match p.resources.get(rid).and_then(|r| r.get(field)) {
                    Some(prints) => {
                        fields.insert(field.clone(), prints.clone());
                    }
                    None => {
                        fields.remove(field);
                    }
                }
            }
            (Key::ResourceField(rid, field), None) => {
                let prints = self.resources.get_mut(rid).and_then(|r| r.get_mut(field));
                prints.map(unsynced);
            }
            (Key::Resource(rid), Some(p)) => match p.resources.get(rid) {
                Some(fields) => {
                    self.resources.insert(rid.clone(), fields.clone());
                }
                None => {
                    self.resources.remove(rid);
                }
            },
            // Deleted in the file: the catalogue's copy stays known, so it stays deleted.
            (Key::Resource(_), None) if mine => {}
            (Key::Resource(rid), None) => {
                self.resources.remove(rid);
            }
        }
    }
}

/// [`match_resources`], except that once there is a state, a file resource without an id
/// is matched by position only to a resource the state knows: a resource added to the file
/// and one added on the catalogue meanwhile are two resources, not one edited twice. (By
/// name it still matches: that is how an update whose reply was lost finds the resource it
/// added.)
pub fn pair_resources(
    wanted: &[Value],
    stored: &[&Map<String, Value>],
    state: Option<&SyncState>,
) -> Vec<Option<usize>> {
    let mut matches = match_resources(wanted, stored);
    if let Some(state) = state {
        for (item, matched) in wanted.iter().zip(matches.iter_mut()) {
            let text = |m: Option<&Map<String, Value>>, k: &str| {
                m.and_then(|m| m.get(k))
                    .and_then(Value::as_str)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
            };
            let theirs = matched.map(|i| stored[i]);
            let has_id = text(item.as_object(), "id").is_some();
            let known = text(theirs, "id").is_some_and(|rid| state.resources.contains_key(&rid));
            let same_name =
                text(item.as_object(), "name").is_some_and(|n| text(theirs, "name") == Some(n));
            if !has_id && !known && !same_name {
                *matched = None;
            }
        }
    }
    matches
}

/// A catalogue fingerprint no value has: the field was never synchronised.
const UNSYNCED: &str = "unsynced";

/// The two fingerprints of a field, `None` when it has no value on either side.
fn prints(key: &str, file: Option<&Value>, catalogue: Option<&Value>) -> Option<Prints> {
    let null = Value::Null;
    let (file, catalogue) = (file.unwrap_or(&null), catalogue.unwrap_or(&null));
    (!is_empty(file) || !is_empty(catalogue)).then(|| Prints {
        file: fingerprint(key, file),
        catalogue: fingerprint(key, catalogue),
    })
}

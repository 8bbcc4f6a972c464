//! Update planning, three-way: which fields to send with `package_patch`, from the record
//! file, the catalogue's copy now, and the state both had at the last synchronisation
//! ([`SyncState`]). A field changed only in the file is sent; one changed only on the
//! catalogue is not (a pull brings it into the file); one changed on both sides is a
//! conflict, sent only when the user chose their own side. Resources are compared one by
//! one (matched by id, else name, else position), field by field, and the list sent keeps
//! the catalogue's current value of every field the file did not change, so that a
//! concurrent edit to another resource, or to another field of the same one, is never
//! reverted. Pure: the network part is `catalogue::patch`.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::compare::stored_as;
use super::convert::{
    api_body, is_catalogue_managed, is_output_only_resource_key, package_resources,
    record_from_package, resource_record, same_organization, tag_set,
};
use super::state::{empty_print, fingerprint, pair_resources, Key, Prints, SyncState};
use crate::schema::Schema;
use crate::syntax::Node;

/// One field that differs, in file form.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldChange {
    /// `notes`, or `resources[CSV].format` for one field of a resource.
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

/// How to settle a field changed on both sides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Resolve {
    /// Send nothing while there is a conflict.
    #[default]
    Stop,
    /// Send the file's value over the catalogue's (`--mine`).
    Mine,
    /// Keep the catalogue's value (`--theirs`); a pull takes it into the file.
    Theirs,
}

/// What the planner knows besides the two copies.
#[derive(Debug, Clone, Copy, Default)]
pub struct Basis<'a> {
    /// The state at the last synchronisation; `None` for a file that has none (written
    /// before synchronisation states existed, or by hand).
    pub state: Option<&'a SyncState>,
    /// When the file was last written, for a file without a state: if after the
    /// catalogue's last change (`metadata_modified`), what differs is the file's edit;
    /// otherwise it may be the catalogue's, and it is a conflict to confirm.
    pub written: Written<'a>,
    pub resolve: Resolve,
}

impl Basis<'static> {
    /// No state, the file the latest word: every difference is the file's edit (the
    /// update as it was before synchronisation states).
    pub fn file_wins() -> Basis<'static> {
        Basis {
            state: None,
            written: Written::Latest,
            resolve: Resolve::Stop,
        }
    }
}

/// When a record file was last written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Written<'a> {
    /// UTC, in the form of CKAN's `metadata_modified` (`2024-01-15T10:30:00.000000`).
    At(&'a str),
    /// Not known: the file counts as older than any catalogue change.
    #[default]
    Unknown,
    /// The file is the latest word whatever the dates (the update before states existed).
    Latest,
}

impl Written<'_> {
    fn after(&self, metadata_modified: &str) -> bool {
        match self {
            Written::At(at) => *at > metadata_modified,
            Written::Unknown => false,
            Written::Latest => true,
        }
    }
}

/// A field changed on both sides since the last synchronisation (or, for a file without
/// a state, changed on the catalogue after the file was written).
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    pub field: String,
    /// Where it is in the file (RFC 6901; `/resources` for a resource the file lacks).
    pub pointer: String,
    /// The file's value (`None`: not in the file).
    pub mine: Option<Value>,
    /// The catalogue's value (`None`: not on the catalogue).
    pub theirs: Option<Value>,
    /// True when the file has no synchronisation state, so "both sides" is a guess from
    /// the dates.
    pub no_state: bool,
    /// The state key a pull of the catalogue's side writes into the file.
    pub key: Key,
}

/// What `package_patch` will send, and what it leaves alone.
#[derive(Debug, Clone, PartialEq)]
pub struct PatchPlan {
    /// The catalogue's id of the record.
    pub id: String,
    /// The catalogue's `metadata_modified` this plan was made against.
    pub metadata_modified: String,
    pub changes: Vec<FieldChange>,
    /// `id` plus the changed fields, in the catalogue's input form.
    pub body: Map<String, Value>,
    /// Keys of the file that are not sent because the catalogue manages them.
    pub ignored: Vec<String>,
    /// Changed only on the catalogue since the last synchronisation (`before`: the file's
    /// value, `after`: the catalogue's): not sent; a pull brings them into the file.
    pub theirs: Vec<FieldChange>,
    /// Changed on both sides. With [`Resolve::Mine`] they are also in `changes`.
    pub conflicts: Vec<Conflict>,
    /// The state keys of `theirs` and of conflicts not sent (see [`SyncState::after`]).
    pub pending: Vec<Key>,
    /// The state keys of `changes`: what a pull leaves to send.
    pub local: Vec<Key>,
}

impl PatchPlan {
    /// Nothing to send.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    pub fn fields(&self) -> Vec<&str> {
        self.changes.iter().map(|c| c.field.as_str()).collect()
    }

    /// Conflicts that stop the update: there are some and the user chose no side.
    pub fn blocked(&self, resolve: Resolve) -> bool {
        resolve == Resolve::Stop && !self.conflicts.is_empty()
    }

    /// "changed on both sides: notes, resources[CSV].format".
    pub fn conflict_message(&self) -> String {
        let fields: Vec<&str> = self.conflicts.iter().map(|c| c.field.as_str()).collect();
        let guessed = self.conflicts.iter().any(|c| c.no_state);
        let mut text = format!("changed on both sides: {}", fields.join(", "));
        if guessed {
            text.push_str(
                " (this file has no synchronisation state, and the catalogue changed after \
                 the file was written)",
            );
        }
        text.push_str(
            "; nothing was sent. Choose: --mine sends the file's values over the \
             catalogue's, --theirs keeps the catalogue's (then `pull` the file to take them)",
        );
        text
    }
}

/// Where a record already on the catalogue stands, from one plan: what `plan` reports
/// for it and what the editor's code lens shows.
#[derive(Debug, Clone, PartialEq)]
pub enum Standing {
    /// Fields to send (`theirs`: changed only on the catalogue, left there).
    Update {
        changes: Vec<FieldChange>,
        theirs: Vec<FieldChange>,
    },
    Unchanged,
    /// Changed only on the catalogue: a pull brings it into the file.
    Pull {
        theirs: Vec<FieldChange>,
    },
    /// Changed on both sides, and no side chosen.
    Conflict {
        conflicts: Vec<Conflict>,
    },
}

impl PatchPlan {
    pub fn standing(self, resolve: Resolve) -> Standing {
        if self.blocked(resolve) {
            Standing::Conflict {
                conflicts: self.conflicts,
            }
        } else if !self.is_empty() {
            Standing::Update {
                changes: self.changes,
                theirs: self.theirs,
            }
        } else if !self.theirs.is_empty() {
            Standing::Pull {
                theirs: self.theirs,
            }
        } else {
            Standing::Unchanged
        }
    }
}

/// Which side changed a field that differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Mine,
    Theirs,
    Both {
        no_state: bool,
    },
    /// Neither changed since the synchronisation: the catalogue stored the value
    /// differently from the file; nothing to do.
    Neither,
}

/// [`Basis`] with the dates compared.
#[derive(Debug, Clone, Copy)]
struct Decide<'a> {
    state: Option<&'a SyncState>,
    file_is_newer: bool,
    resolve: Resolve,
}

impl Decide<'_> {
    /// `base` is this field's prints at the last synchronisation (`None`: it had no value
    /// on either side); `known` is false when there is no state for this field's unit.
    fn side(&self, known: bool, base: Option<&Prints>, file: &str, catalogue: &str) -> Side {
        if !known {
            return if self.file_is_newer {
                Side::Mine
            } else {
                Side::Both { no_state: true }
            };
        }
        let empty = empty_print();
        let (file_base, catalogue_base) = base.map_or((empty.as_str(), empty.as_str()), |p| {
            (p.file.as_str(), p.catalogue.as_str())
        });
        match (file != file_base, catalogue != catalogue_base) {
            (true, false) => Side::Mine,
            (false, true) => Side::Theirs,
            (true, true) => Side::Both { no_state: false },
            (false, false) => Side::Neither,
        }
    }
}

/// Compares a record file's tree with `package_show`'s result for it, as when the file
/// was written after the catalogue's last change and has no state: every difference is
/// the file's (the update before synchronisation states).
pub fn plan_patch(root: &Node, package: &Map<String, Value>, schema: &Schema) -> PatchPlan {
    plan_sync(root, package, Basis::file_wins(), schema)
}

/// The three-way plan (see the module's comment).
pub fn plan_sync(
    root: &Node,
    package: &Map<String, Value>,
    basis: Basis,
    schema: &Schema,
) -> PatchPlan {
    let text = |k: &str| {
        package
            .get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let body_in = api_body(root, schema);
    let stored = record_from_package(package, schema);
    let mut plan = PatchPlan {
        id: text("id"),
        metadata_modified: text("metadata_modified"),
        changes: Vec::new(),
        body: Map::new(),
        ignored: Vec::new(),
        theirs: Vec::new(),
        conflicts: Vec::new(),
        pending: Vec::new(),
        local: Vec::new(),
    };
    plan.body
        .insert("id".into(), Value::String(plan.id.clone()));
    let basis = Decide {
        state: basis.state,
        file_is_newer: basis.written.after(&plan.metadata_modified),
        resolve: basis.resolve,
    };
    let known = basis.state.is_some();
    let base = |key: &str| basis.state.and_then(|s| s.fields.get(key));
    for (key, value) in &body_in {
        if key == "id" || key == "type" && value.as_str() == Some(&schema.dataset_type) {
            continue;
        }
        if key == "type" || is_catalogue_managed(schema, key) {
            plan.ignored.push(key.clone());
            continue;
        }
        if key == "resources" {
            resources_sync(value, package, basis, schema, &mut plan);
            continue;
        }
        let stored_value = stored.get(key).unwrap_or(&Value::Null);
        let same = match key.as_str() {
            "owner_org" => value
                .as_str()
                .is_some_and(|v| same_organization(v, package)),
            "tag_string" => {
                value.as_str().map(tag_set) == Some(tag_set(stored_value.as_str().unwrap_or("")))
            }
            _ => stored_as(value, stored_value, &format!("/{key}"), schema),
        };
        if same {
            continue;
        }
        let side = basis.side(
            known,
            base(key),
            &fingerprint(key, value),
            &fingerprint(key, stored_value),
        );
        let mine = root
            .get(key)
            .map(Node::to_json)
            .unwrap_or_else(|| value.clone());
        let change = FieldChange {
            field: key.clone(),
            before: stored.get(key).cloned(),
            after: mine.clone(),
        };
        match side {
            Side::Mine => plan.send(change, value.clone(), Some(Key::Field(key.clone()))),
            Side::Theirs => plan.keep_theirs(change, Key::Field(key.clone())),
            Side::Both { no_state } => {
                plan.conflicts.push(Conflict {
                    field: key.clone(),
                    pointer: format!("/{key}"),
                    mine: Some(mine),
                    theirs: stored.get(key).cloned(),
                    no_state,
                    key: Key::Field(key.clone()),
                });
                match basis.resolve {
                    Resolve::Mine => {
                        plan.send(change, value.clone(), Some(Key::Field(key.clone())))
                    }
                    _ => plan.pending.push(Key::Field(key.clone())),
                }
            }
            Side::Neither => {}
        }
    }
    // Fields the file does not have, changed on the catalogue since: a pull brings them.
    // (Without a state nothing is known of them; the update leaves them alone as before.)
    for (key, value) in &stored {
        if ["id", "type", "resources"].contains(&key.as_str()) || body_in.contains_key(key) {
            continue;
        }
        let prints = base(key);
        let changed = prints.is_some_and(|p| p.catalogue != fingerprint(key, value))
            || known && prints.is_none();
        if changed {
            let change = FieldChange {
                field: key.clone(),
                before: None,
                after: value.clone(),
            };
            plan.keep_theirs(change, Key::Field(key.clone()));
        }
    }
    plan
}

impl PatchPlan {
    fn send(&mut self, change: FieldChange, sent: Value, key: Option<Key>) {
        self.body.insert(change.field.clone(), sent);
        self.changes.push(change);
        self.local.extend(key);
    }

    /// Records a change made only on the catalogue: the file's value (`change.after`)
    /// against the catalogue's (`change.before`), reported the other way round.
    fn keep_theirs(&mut self, change: FieldChange, key: Key) {
        self.theirs.push(FieldChange {
            field: change.field,
            before: Some(change.after).filter(|v| !v.is_null()),
            after: change.before.unwrap_or(Value::Null),
        });
        self.pending.push(key);
    }
}

/// Whether one side's copy of a resource (`values`) changed since the synchronisation
/// (`fields`, that side's prints picked by `print`).
fn side_changed(
    values: &Map<String, Value>,
    fields: &BTreeMap<String, Prints>,
    print: fn(&Prints) -> &String,
) -> bool {
    let empty = empty_print();
    let null = Value::Null;
    values
        .keys()
        .chain(fields.keys())
        .filter(|k| *k != "id")
        .any(|k| {
            let now = fingerprint(k, values.get(k).unwrap_or(&null));
            now != *fields.get(k).map_or(&empty, print)
        })
}

/// `resources[CSV]`: a resource by its name, else its id, else its position.
fn resource_label(resource: &Map<String, Value>, index: usize) -> String {
    let text = |k: &str| {
        resource
            .get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    match text("name").or_else(|| text("id")) {
        Some(label) => format!("resources[{label}]"),
        None => format!("resources[{index}]"),
    }
}

/// The resources part of [`plan_sync`]: each file resource matched to a stored one
/// ([`pair_resources`]) takes its id, and keeps the stored fields the file did not
/// change, so that a patch never changes a resource's id, never deletes a resource or a
/// catalogue-fed field by accident, and never reverts a change made on the catalogue.
fn resources_sync(
    value: &Value,
    package: &Map<String, Value>,
    basis: Decide,
    schema: &Schema,
    plan: &mut PatchPlan,
) {
    let stored: Vec<&Map<String, Value>> = package_resources(package);
    let Value::Array(wanted) = value else {
        let change = FieldChange {
            field: "resources".into(),
            before: package.get("resources").cloned(),
            after: value.clone(),
        };
        plan.send(change, value.clone(), None);
        return;
    };
    let id_of = |r: &Map<String, Value>| r.get("id").and_then(Value::as_str).map(str::to_string);
    let base_of = |rid: &str| basis.state.and_then(|s| s.resources.get(rid));
    let matches = pair_resources(wanted, &stored, basis.state);
    let mut changed = false;
    // (stored index or None for a new one, resource sent, resource shown in the diff)
    let mut sent: Vec<(Option<usize>, Value, Value)> = Vec::new();
    for (index, item) in wanted.iter().enumerate() {
        let Value::Object(resource) = item else {
            changed = true;
            sent.push((None, item.clone(), item.clone()));
            continue;
        };
        let Some(stored_index) = matches[index] else {
            // Not on the catalogue: new, or deleted there since the synchronisation.
            let rid = id_of(resource);
            let Some(fields) = rid.as_deref().and_then(base_of) else {
                changed = true;
                sent.push((None, item.clone(), item.clone()));
                continue;
            };
            let rid = rid.unwrap_or_default();
            let edited = side_changed(resource, fields, |p| &p.file);
            let label = resource_label(resource, index);
            if edited {
                plan.conflicts.push(Conflict {
                    field: format!("{label} (deleted on the catalogue)"),
                    pointer: format!("/resources/{index}"),
                    mine: Some(item.clone()),
                    theirs: None,
                    no_state: false,
                    key: Key::Resource(rid.clone()),
                });
                if basis.resolve == Resolve::Mine {
                    changed = true;
                    sent.push((None, item.clone(), item.clone()));
                    continue;
                }
            } else {
                plan.theirs.push(FieldChange {
                    field: format!("{label} (deleted on the catalogue)"),
                    before: Some(item.clone()),
                    after: Value::Null,
                });
            }
            plan.pending.push(Key::Resource(rid));
            continue;
        };
        let original = stored[stored_index];
        let rid = id_of(original).unwrap_or_default();
        let fields = base_of(&rid);
        let known = fields.is_some();
        let label = resource_label(original, stored_index);
        let mut merged: Map<String, Value> = original
            .iter()
            .filter(|(k, _)| !is_output_only_resource_key(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        // The diff shows the stored form of what did not change, so only changes show.
        let mut shown = resource_record(original, schema);
        let keys: Vec<String> = {
            let mut keys: Vec<String> = resource.keys().cloned().collect();
            for k in shown
                .keys()
                .chain(fields.into_iter().flat_map(|f| f.keys()))
            {
                if !keys.contains(k) {
                    keys.push(k.clone());
                }
            }
            keys.retain(|k| k != "id");
            keys
        };
        for key in keys {
            let null = Value::Null;
            let mine = resource.get(&key).unwrap_or(&null);
            let before = original.get(&key).unwrap_or(&null);
            let pointer = format!("/resources/{index}/{key}");
            if stored_as(mine, before, &pointer, schema) {
                continue;
            }
            let theirs = shown.get(&key).cloned().unwrap_or(Value::Null);
            // Without a state, a field the file does not mention is the catalogue's.
            if !known && !resource.contains_key(&key) {
                continue;
            }
            let side = basis.side(
                known,
                fields.and_then(|f| f.get(&key)),
                &fingerprint(&key, mine),
                &fingerprint(&key, &theirs),
            );
            let field = format!("{label}.{key}");
            let mut take_mine = |merged: &mut Map<String, Value>,
                                 shown: &mut Map<String, Value>,
                                 local: &mut Vec<Key>| {
                changed = true;
                local.push(Key::ResourceField(rid.clone(), key.clone()));
                if resource.contains_key(&key) {
                    merged.insert(key.clone(), mine.clone());
                    shown.insert(key.clone(), mine.clone());
                } else {
                    merged.remove(&key);
                    shown.remove(&key);
                }
            };
            match side {
                Side::Mine => take_mine(&mut merged, &mut shown, &mut plan.local),
                Side::Theirs => {
                    plan.theirs.push(FieldChange {
                        field,
                        before: Some(mine.clone()).filter(|v| !v.is_null()),
                        after: theirs,
                    });
                    plan.pending
                        .push(Key::ResourceField(rid.clone(), key.clone()));
                }
                Side::Both { no_state } => {
                    plan.conflicts.push(Conflict {
                        field,
                        pointer: if resource.contains_key(&key) {
                            format!("/resources/{index}/{key}")
                        } else {
                            format!("/resources/{index}")
                        },
                        mine: Some(mine.clone()).filter(|v| !v.is_null()),
                        theirs: Some(theirs).filter(|v| !v.is_null()),
                        no_state,
                        key: Key::ResourceField(rid.clone(), key.clone()),
                    });
                    if basis.resolve == Resolve::Mine {
                        take_mine(&mut merged, &mut shown, &mut plan.local);
                    } else {
                        plan.pending
                            .push(Key::ResourceField(rid.clone(), key.clone()));
                    }
                }
                Side::Neither => {}
            }
        }
        sent.push((
            Some(stored_index),
            Value::Object(merged),
            Value::Object(shown),
        ));
    }
    // Stored resources no file resource is: deleted in the file, or added on the catalogue.
    for (stored_index, original) in stored.iter().enumerate() {
        if matches.contains(&Some(stored_index)) {
            continue;
        }
        let rid = id_of(original).unwrap_or_default();
        let label = resource_label(original, stored_index);
        let shown = resource_record(original, schema);
        let keep = match (basis.state, base_of(&rid)) {
            // Deleted in the file: a conflict if the catalogue changed it meanwhile.
            (Some(_), Some(fields)) => {
                let edited = side_changed(&shown, fields, |p| &p.catalogue);
                if edited {
                    plan.conflicts.push(Conflict {
                        field: format!("{label} (deleted in the file)"),
                        pointer: "/resources".into(),
                        mine: None,
                        theirs: Some(Value::Object(shown.clone())),
                        no_state: false,
                        key: Key::Resource(rid.clone()),
                    });
                }
                edited && basis.resolve != Resolve::Mine
            }
            // Added on the catalogue: kept, and a pull brings it.
            (Some(_), None) => {
                plan.theirs.push(FieldChange {
                    field: format!("{label} (added on the catalogue)"),
                    before: None,
                    after: Value::Object(shown.clone()),
                });
                true
            }
            (None, _) if basis.file_is_newer => false,
            (None, _) => {
                plan.conflicts.push(Conflict {
                    field: format!("{label} (not in the file)"),
                    pointer: "/resources".into(),
                    mine: None,
                    theirs: Some(Value::Object(shown.clone())),
                    no_state: true,
                    key: Key::Resource(rid.clone()),
                });
                basis.resolve != Resolve::Mine
            }
        };
        if keep {
            plan.pending.push(Key::Resource(rid));
            let merged: Map<String, Value> = original
                .iter()
                .filter(|(k, _)| !is_output_only_resource_key(k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            let at = sent
                .iter()
                .position(|(i, _, _)| i.is_some_and(|i| i > stored_index))
                .unwrap_or(sent.len());
            sent.insert(
                at,
                (
                    Some(stored_index),
                    Value::Object(merged),
                    Value::Object(shown),
                ),
            );
        } else {
            changed = true;
            plan.local.push(Key::Resource(rid));
        }
    }
    let order: Vec<Option<usize>> = sent.iter().map(|(i, _, _)| *i).collect();
    let stored_order: Vec<Option<usize>> = (0..stored.len()).map(Some).collect();
    if changed || order != stored_order {
        let before = package
            .get("resources")
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(Value::as_object)
                    .map(|r| Value::Object(resource_record(r, schema)))
                    .collect::<Vec<_>>()
            });
        let (body, after): (Vec<Value>, Vec<Value>) =
            sent.into_iter().map(|(_, s, a)| (s, a)).unzip();
        plan.send(
            FieldChange {
                field: "resources".into(),
                before: before.map(Value::Array),
                after: Value::Array(after),
            },
            Value::Array(body),
            None,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::convert::tests::tree;
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
    /// A file pulled from `package`, its state, and the basis with that state.
    fn synced(package: &Map<String, Value>) -> (Map<String, Value>, SyncState) {
        let schema = Schema::embedded();
        let record = record_from_package(package, &schema);
        let body = api_body(&tree(&Value::Object(record.clone())), &schema);
        let state = SyncState::after("c", &body, package, None, &[], &[], &schema);
        (record, state)
    }

    fn with_state(state: &SyncState, resolve: Resolve) -> Basis<'_> {
        Basis {
            state: Some(state),
            written: Written::Unknown,
            resolve,
        }
    }

    #[test]
    fn a_change_made_only_on_the_catalogue_is_kept_and_the_files_is_sent() {
        let schema = Schema::embedded();
        let package = stored();
        let (mut record, state) = synced(&package);
        let mut now = package.clone();
        now.insert("notes".into(), json!("Theirs."));
        record.insert("title".into(), json!("Mine"));
        let plan = plan_sync(
            &tree(&Value::Object(record)),
            &now,
            with_state(&state, Resolve::Stop),
            &schema,
        );
        assert_eq!(plan.fields(), ["title"]);
        assert!(!plan.body.contains_key("notes"));
        assert_eq!(plan.theirs[0].field, "notes");
        assert_eq!(plan.theirs[0].after, json!("Theirs."));
        assert_eq!(plan.pending, [Key::Field("notes".into())]);
    }

    #[test]
    fn a_field_changed_on_both_sides_is_a_conflict_until_a_side_is_chosen() {
        let schema = Schema::embedded();
        let package = stored();
        let (mut record, state) = synced(&package);
        let mut now = package.clone();
        now.insert("notes".into(), json!("Theirs."));
        record.insert("notes".into(), json!("Mine."));
        let root = tree(&Value::Object(record));
        let stop = plan_sync(&root, &now, with_state(&state, Resolve::Stop), &schema);
        assert!(stop.blocked(Resolve::Stop) && stop.is_empty());
        assert_eq!(stop.conflicts[0].field, "notes");
        let mine = plan_sync(&root, &now, with_state(&state, Resolve::Mine), &schema);
        assert_eq!(mine.body["notes"], "Mine.");
        let theirs = plan_sync(&root, &now, with_state(&state, Resolve::Theirs), &schema);
        assert!(theirs.is_empty() && !theirs.blocked(Resolve::Theirs));
        // The same change on both sides is no conflict (an update whose reply was lost).
        let mut same = now.clone();
        same.insert("notes".into(), json!("Mine."));
        let plan = plan_sync(&root, &same, with_state(&state, Resolve::Stop), &schema);
        assert!(plan.is_empty() && plan.conflicts.is_empty(), "{plan:?}");
    }

    #[test]
    fn resources_merge_field_by_field() {
        let schema = Schema::embedded();
        let package = stored();
        let (mut record, state) = synced(&package);
        let mut now = package.clone();
        now["resources"][1]["format"] = json!("geojson");
        now["resources"]
            .as_array_mut()
            .unwrap()
            .push(json!({"id": "r3", "name": "Theirs", "format": "csv"}));
        record["resources"][0]["url"] = json!("https://x/mine.csv");
        let plan = plan_sync(
            &tree(&Value::Object(record)),
            &now,
            with_state(&state, Resolve::Stop),
            &schema,
        );
        assert_eq!(plan.fields(), ["resources"]);
        let sent = plan.body["resources"].as_array().unwrap();
        let ids: Vec<&Value> = sent.iter().map(|r| &r["id"]).collect();
        assert_eq!(ids, [&json!("r1"), &json!("r2"), &json!("r3")]);
        assert_eq!(sent[0]["url"], "https://x/mine.csv");
        assert_eq!(sent[1]["format"], "geojson", "their edit of r2 kept");
        let theirs: Vec<&str> = plan.theirs.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(
            theirs,
            [
                "resources[API].format",
                "resources[Theirs] (added on the catalogue)"
            ]
        );
    }

    #[test]
    fn without_a_state_the_dates_decide() {
        let schema = Schema::embedded();
        let package = stored();
        let mut record = record_from_package(&package, &schema);
        record.insert("notes".into(), json!("Mine."));
        let root = tree(&Value::Object(record));
        let modified = package["metadata_modified"].as_str().unwrap().to_string();
        let basis = |written| Basis {
            state: None,
            written,
            resolve: Resolve::Stop,
        };
        let older = plan_sync(
            &root,
            &package,
            basis(Written::At("2000-01-01T00:00:00")),
            &schema,
        );
        assert!(older.blocked(Resolve::Stop) && older.conflicts[0].no_state);
        let newer = format!("{modified}9");
        let plan = plan_sync(&root, &package, basis(Written::At(&newer)), &schema);
        assert_eq!(plan.fields(), ["notes"]);
        assert!(!plan.blocked(Resolve::Stop));
    }

    #[test]
    fn a_resource_added_in_the_file_and_one_added_on_the_catalogue_are_both_kept() {
        let schema = Schema::embedded();
        let package = stored();
        let (mut record, state) = synced(&package);
        let mut now = package.clone();
        now["resources"]
            .as_array_mut()
            .unwrap()
            .push(json!({"id": "r3", "name": "Theirs", "format": "csv"}));
        record["resources"]
            .as_array_mut()
            .unwrap()
            .push(json!({"name": "Mine", "format": "json"}));
        let plan = plan_sync(
            &tree(&Value::Object(record)),
            &now,
            with_state(&state, Resolve::Stop),
            &schema,
        );
        let sent = plan.body["resources"].as_array().unwrap();
        let names: Vec<&Value> = sent.iter().map(|r| &r["name"]).collect();
        assert_eq!(
            names,
            [
                &json!("CSV"),
                &json!("API"),
                &json!("Mine"),
                &json!("Theirs")
            ]
        );
        assert_eq!(sent[3]["id"], "r3");
        assert!(sent[2].get("id").is_none());
    }

    #[test]
    fn an_update_whose_reply_was_lost_sends_nothing_again() {
        let schema = Schema::embedded();
        let package = stored();
        let (mut record, state) = synced(&package);
        record["resources"]
            .as_array_mut()
            .unwrap()
            .push(json!({"name": "Mine", "format": "json"}));
        record.insert("purpose".into(), json!("Mine."));
        // The catalogue took the update; the state was not written.
        let mut now = package.clone();
        now.insert("purpose".into(), json!("Mine."));
        now["resources"]
            .as_array_mut()
            .unwrap()
            .push(json!({"id": "r9", "name": "Mine", "format": "json"}));
        let plan = plan_sync(
            &tree(&Value::Object(record)),
            &now,
            with_state(&state, Resolve::Stop),
            &schema,
        );
        assert!(plan.is_empty(), "{:?}", plan.changes);
        assert!(plan.conflicts.is_empty(), "{:?}", plan.conflicts);
    }
}

//! Pull into a file that has edits of its own: the catalogue's changes since the last
//! synchronisation (a plan's `pending` keys) written into the file, the file's own edits
//! kept. YAML keeps its comments and layout outside the fields that change; JSON is written
//! again whole (it has no comments to keep).

use serde_json::{Map, Value};

use super::convert::{package_resources, record_from_package, resource_record};
use super::emit::record_text;
use super::state::{pair_resources, Key, SyncState};
use crate::schema::Schema;
use crate::syntax::{Document, Format};

/// The file's record (file form) with the catalogue's value of every key in `pending`
/// (a plan's, made with `state`).
pub fn merged_record(
    file: &Map<String, Value>,
    package: &Map<String, Value>,
    pending: &[Key],
    state: Option<&SyncState>,
    schema: &Schema,
) -> Map<String, Value> {
    let stored = record_from_package(package, schema);
    let mut merged = file.clone();
    let mut resources = false;
    for key in pending {
        match key {
            Key::Field(k) => match stored.get(k) {
                Some(v) => {
                    merged.insert(k.clone(), v.clone());
                }
                None => {
                    merged.remove(k);
                }
            },
            Key::ResourceField(..) | Key::Resource(_) => resources = true,
        }
    }
    if resources {
        let list = merged_resources(file, package, pending, state, schema);
        merged.insert("resources".into(), Value::Array(list));
    }
    merged
}

fn merged_resources(
    file: &Map<String, Value>,
    package: &Map<String, Value>,
    pending: &[Key],
    state: Option<&SyncState>,
    schema: &Schema,
) -> Vec<Value> {
    let wanted = file
        .get("resources")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let stored: Vec<&Map<String, Value>> = package_resources(package);
    let id_of = |r: &Map<String, Value>| r.get("id").and_then(Value::as_str).map(str::to_string);
    let whole = |rid: &str| pending.contains(&Key::Resource(rid.to_string()));
    let matches = pair_resources(&wanted, &stored, state);
    let mut out: Vec<(Option<usize>, Value)> = Vec::new();
    for (item, matched) in wanted.iter().zip(&matches) {
        match (item, matched) {
            (Value::Object(resource), Some(si)) => {
                let rid = id_of(stored[*si]).unwrap_or_default();
                let theirs = resource_record(stored[*si], schema);
                let mut resource = resource.clone();
                for key in pending {
                    let Key::ResourceField(r, k) = key else {
                        continue;
                    };
                    if *r != rid {
                        continue;
                    }
                    match theirs.get(k) {
                        Some(v) => resource.insert(k.clone(), v.clone()),
                        None => resource.remove(k),
                    };
                }
                out.push((Some(*si), Value::Object(resource)));
            }
            // Deleted on the catalogue: gone from the file too.
            (Value::Object(resource), None) if id_of(resource).is_some_and(|rid| whole(&rid)) => {}
            (item, _) => out.push((None, item.clone())),
        }
    }
    // Added on the catalogue: at its place.
    for (si, resource) in stored.iter().enumerate() {
        let added = !matches.contains(&Some(si)) && id_of(resource).is_some_and(|r| whole(&r));
        if added {
            let at = out
                .iter()
                .position(|(i, _)| i.is_some_and(|i| i > si))
                .unwrap_or(out.len());
            out.insert(
                at,
                (Some(si), Value::Object(resource_record(resource, schema))),
            );
        }
    }
    out.into_iter().map(|(_, v)| v).collect()
}

/// The file's text with `merged` as its record: in YAML each changed top-level entry is
/// replaced (added at the end, removed with its line), everything else kept byte for
/// byte; the result is parsed again to prove it holds `merged`. `Err` says why it could
/// not be written in this file's layout.
pub fn merged_text(doc: &Document, merged: &Map<String, Value>) -> Result<String, String> {
    let text = doc.slice(0..doc.text().len_bytes()).into_owned();
    let Some(root) = doc.root() else {
        return Err("the file holds no record".into());
    };
    let new_text = match doc.format() {
        Format::Json => record_text(merged, Format::Json),
        Format::Yaml => {
            let entries = root.as_map().ok_or("the file's record is not a mapping")?;
            let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
            let entry_text = |key: &str, value: &Value| {
                let mut one = Map::new();
                one.insert(key.to_string(), value.clone());
                let mut t = record_text(&one, Format::Yaml);
                t.pop(); // the newline after it is the file's
                t
            };
            for entry in entries {
                let now = entry.value.to_json();
                match merged.get(&entry.key) {
                    Some(v) if *v == now => {}
                    Some(v) => edits.push((entry.range(), entry_text(&entry.key, v))),
                    None => {
                        let range = entry.range();
                        let end = text[range.end..]
                            .find('\n')
                            .map_or(text.len(), |i| range.end + i + 1);
                        edits.push((range.start..end, String::new()));
                    }
                }
            }
            let mut added = String::new();
            for (key, value) in merged {
                if root.get(key).is_none() {
                    added.push_str(&entry_text(key, value));
                    added.push('\n');
                }
            }
            let mut out = text.clone();
            edits.sort_by_key(|(r, _)| r.start);
            for (range, new) in edits.into_iter().rev() {
                out.replace_range(range, &new);
            }
            if !added.is_empty() {
                if !out.ends_with('\n') && !out.is_empty() {
                    out.push('\n');
                }
                out.push_str(&added);
            }
            out
        }
    };
    let again = Document::parse(&new_text, doc.format());
    let holds = again.syntax_errors().is_empty()
        && again.root().map(|r| r.to_json()) == Some(Value::Object(merged.clone()));
    if holds {
        Ok(new_text)
    } else {
        Err("the catalogue's changes cannot be written into this file's layout".into())
    }
}

/// The file's text with the catalogue's value of one field written into it (the editor's
/// "take the catalogue's value" on a conflict), the rest kept as [`merged_text`] keeps it.
pub fn take_theirs(
    doc: &Document,
    package: &Map<String, Value>,
    key: &Key,
    state: Option<&SyncState>,
    schema: &Schema,
) -> Result<String, String> {
    let Some(Value::Object(file)) = doc.root().map(|r| r.to_json()) else {
        return Err("the file holds no record".into());
    };
    let merged = merged_record(&file, package, std::slice::from_ref(key), state, schema);
    merged_text(doc, &merged)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn taking_the_catalogues_value_changes_that_field_alone() {
        let schema = Schema::embedded();
        let text = "id: abc\ntitle: Mine   # kept\nnotes: My words.\npurpose: Mine too.\n";
        let doc = Document::parse(text, Format::Yaml);
        let Value::Object(package) = json!({
            "id": "abc", "title": "Theirs", "notes": "Their words.\nTwo lines.",
            "purpose": "Theirs too."
        }) else {
            unreachable!()
        };
        let taken = take_theirs(&doc, &package, &Key::Field("notes".into()), None, &schema);
        assert_eq!(
            taken.unwrap(),
            "id: abc\ntitle: Mine   # kept\nnotes: |-\n  Their words.\n  Two lines.\npurpose: Mine too.\n"
        );
    }

    #[test]
    fn the_catalogues_changes_go_into_the_yaml_keeping_the_rest() {
        let text = "# Mine\ntitle: Mine   # my comment\nnotes: Old.\npurpose: P\nname: n\n";
        let doc = Document::parse(text, Format::Yaml);
        let Value::Object(mut merged) = doc.root().unwrap().to_json() else {
            unreachable!()
        };
        merged.insert("notes".into(), json!("Theirs.\nTwo lines.\n"));
        merged.remove("purpose");
        merged.insert("tag_string".into(), json!("a,b"));
        assert_eq!(
            merged_text(&doc, &merged).unwrap(),
            "# Mine\ntitle: Mine   # my comment\nnotes: |\n  Theirs.\n  Two lines.\nname: n\n\
             tag_string: \"a,b\"\n"
        );
        let json_doc = Document::parse(r#"{"title": "Mine", "notes": "Old."}"#, Format::Json);
        let mut merged = Map::new();
        merged.insert("title".into(), json!("Mine"));
        merged.insert("notes".into(), json!("Theirs."));
        let again = merged_text(&json_doc, &merged).unwrap();
        assert_eq!(
            serde_json::from_str::<Value>(&again).unwrap(),
            Value::Object(merged)
        );
    }
}

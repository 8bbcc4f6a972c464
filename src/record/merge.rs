//! Pull into a file that has edits of its own: the catalogue's changes since the last
//! synchronisation (a plan's `pending` keys) written into the file, the file's own edits
//! kept. YAML keeps its comments and layout outside the fields that change; JSON is written
//! again whole (it has no comments to keep).

use serde_json::{Map, Value};

use super::convert::{package_resources, record_from_package, resource_record};
use super::emit::record_text;
use super::state::{pair_resources, Key, SyncState};
use crate::schema::Schema;
use std::ops::Range;

use crate::syntax::{Document, Entry, Format, Node, Value as SyntaxValue};

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

/// The file's text with `merged` as its record: in YAML each change is written as deep as
/// the layout allows (one field of one resource: that field's lines alone; see [`refine`]),
/// else its top-level entry is replaced (added at the end, removed with its lines), and
/// everything else is kept byte for byte; the result is parsed again to prove it holds
/// `merged`. `Err` says why it could not be written in this file's layout.
pub fn merged_text(doc: &Document, merged: &Map<String, Value>) -> Result<String, String> {
    let text = doc.slice(0..doc.text().len_bytes()).into_owned();
    let Some(root) = doc.root() else {
        return Err("the file holds no record".into());
    };
    let holds = |new_text: &str| {
        let again = Document::parse(new_text, doc.format());
        again.syntax_errors().is_empty()
            && again.root().map(|r| r.to_json()) == Some(Value::Object(merged.clone()))
    };
    let candidates = match doc.format() {
        Format::Json => vec![record_text(merged, Format::Json)],
        Format::Yaml => {
            let entries = root.as_map().ok_or("the file's record is not a mapping")?;
            // as deep as the layout allows; should that text not hold the record (a layout
            // the refinement misjudged), whole top-level entries
            vec![
                yaml_merged(&text, entries, root, merged, true),
                yaml_merged(&text, entries, root, merged, false),
            ]
        }
    };
    candidates
        .into_iter()
        .find(|t| holds(t))
        .ok_or_else(|| "the catalogue's changes cannot be written into this file's layout".into())
}

fn yaml_merged(
    text: &str,
    entries: &[Entry],
    root: &Node,
    merged: &Map<String, Value>,
    deep: bool,
) -> String {
    let mut edits: Edits = Vec::new();
    for entry in entries {
        match merged.get(&entry.key) {
            Some(v) if *v == entry.value.to_json() => {}
            Some(v) => {
                let mut deeper = Vec::new();
                if deep && refine(text, &entry.value, v, &mut deeper) {
                    edits.extend(deeper);
                } else {
                    edits.push(replace_entry(text, entry, v));
                }
            }
            None => edits.push((whole_lines(text, entry.range()), String::new())),
        }
    }
    let mut added = String::new();
    for (key, value) in merged {
        if root.get(key).is_none() {
            added.push_str(&entry_text(key, value, 0));
            added.push('\n');
        }
    }
    let mut out = text.to_string();
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

/// Text replacements in the original text (not overlapping).
type Edits = Vec<(Range<usize>, String)>;

/// `key: value` as YAML without its final newline, its further lines indented by `column`
/// (the key's column in the file).
fn entry_text(key: &str, value: &Value, column: usize) -> String {
    let mut one = Map::new();
    one.insert(key.to_string(), value.clone());
    let mut t = record_text(&one, Format::Yaml);
    t.pop(); // the newline after it is the file's
    t.replace('\n', &format!("\n{}", " ".repeat(column)))
}

/// The column (in bytes: indentation is spaces, and `- ` counts as indentation) of `at`.
fn column(text: &str, at: usize) -> usize {
    at - text[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// The lines `range` is on, from the start of its first line through its last newline.
fn whole_lines(text: &str, range: Range<usize>) -> Range<usize> {
    let start = text[..range.start].rfind('\n').map_or(0, |i| i + 1);
    let end = if range.end > range.start && text[..range.end].ends_with('\n') {
        range.end
    } else {
        text[range.end..]
            .find('\n')
            .map_or(text.len(), |i| range.end + i + 1)
    };
    start..end
}

/// The edit that writes `entry` with the value `value`, in its place.
fn replace_entry(text: &str, entry: &Entry, value: &Value) -> (Range<usize>, String) {
    let range = entry.range();
    let mut new = entry_text(&entry.key, value, column(text, entry.key_range.start));
    // a block value's range can take the line break after it: keep it
    if text[range.clone()].ends_with('\n') {
        new.push('\n');
    }
    (range, new)
}

/// The edits that turn `node` (a value in the file) into `new` below the entry that holds
/// it: a changed field of a mapping is replaced alone, a field added goes after the last
/// one, a field removed goes with its lines; a list keeps its items' order: refined item by
/// item, items added at its end appended, items removed (the others unchanged) taken out with
/// their lines. False (and no edits) where the layout does not allow it (flow style, items
/// both removed and changed, a field removed from the line of its list item's dash): the
/// caller replaces the whole entry.
fn refine(text: &str, node: &Node, new: &Value, edits: &mut Edits) -> bool {
    if node.to_json() == *new {
        return true;
    }
    if text[node.range.clone()]
        .trim_start()
        .starts_with(['{', '['])
    {
        return false;
    }
    let mut mine: Edits = Vec::new();
    let done = match (&node.value, new) {
        (SyntaxValue::Map(entries), Value::Object(object)) if !entries.is_empty() => {
            let indent = column(text, entries[0].key_range.start);
            let mut ok = true;
            for entry in entries {
                match object.get(&entry.key) {
                    Some(v) if *v == entry.value.to_json() => {}
                    Some(v) => {
                        if !refine(text, &entry.value, v, &mut mine) {
                            mine.push(replace_entry(text, entry, v));
                        }
                    }
                    None => {
                        let lines = whole_lines(text, entry.range());
                        // a list item's first field shares the dash's line
                        ok &= text[lines.start..entry.key_range.start].trim().is_empty();
                        mine.push((lines, String::new()));
                    }
                }
            }
            let last = entries.last().map(Entry::range).unwrap_or_default();
            let at = whole_lines(text, last).end;
            let mut added = String::new();
            for (key, value) in object {
                if !entries.iter().any(|e| e.key == *key) {
                    added.push_str(&" ".repeat(indent));
                    added.push_str(&entry_text(key, value, indent));
                    added.push('\n');
                }
            }
            if !added.is_empty() {
                // after the last field's line (which ends the text without a newline?)
                if at == text.len() && !text.ends_with('\n') {
                    added.insert(0, '\n');
                }
                mine.push((at..at, added));
            }
            ok
        }
        // items removed (a resource deleted on the catalogue), the others as they were: their
        // lines go
        (SyntaxValue::Seq(items), Value::Array(values)) if items.len() > values.len() => {
            let mut kept = values.iter().peekable();
            let mut removed = Vec::new();
            for item in items {
                if kept.peek().is_some_and(|v| item.to_json() == **v) {
                    kept.next();
                } else {
                    removed.push(whole_lines(text, item.range.clone()));
                }
            }
            let dashes_alone = removed.iter().all(|lines| {
                // each removed item starts its own `- ` line
                let line = &text[lines.clone()];
                line.trim_start().starts_with('-')
            });
            let done = kept.next().is_none() && dashes_alone;
            if done {
                mine.extend(removed.into_iter().map(|lines| (lines, String::new())));
            }
            done
        }
        (SyntaxValue::Seq(items), Value::Array(values)) if items.len() <= values.len() => {
            let same = items
                .iter()
                .zip(values)
                .all(|(item, v)| refine(text, item, v, &mut mine));
            // items added at the end (a resource added on the catalogue) go after the last
            same && (items.len() == values.len()
                || append_items(text, items, &values[items.len()..], &mut mine))
        }
        _ => false,
    };
    if done {
        edits.extend(mine);
    }
    done
}

/// The edit that writes `values` as further items after the block list `items`, at its
/// dash's column; false when the list's layout is not one item per `- ` line.
fn append_items(text: &str, items: &[Node], values: &[Value], edits: &mut Edits) -> bool {
    let Some(first) = items.first() else {
        return false;
    };
    let before = &text[..first.range.start];
    let line = &before[before.rfind('\n').map_or(0, |i| i + 1)..];
    let Some(dash) = line.trim_end().strip_suffix('-') else {
        return false;
    };
    if !dash.trim().is_empty() {
        return false;
    }
    let indent = " ".repeat(dash.len());
    // the emitter writes a list under a key with its dashes two columns in
    let mut one = Map::new();
    one.insert("items".into(), Value::Array(values.to_vec()));
    let emitted = record_text(&one, Format::Yaml);
    let mut added = String::new();
    for l in emitted.lines().skip(1) {
        added.push_str(&indent);
        added.push_str(l.strip_prefix("  ").unwrap_or(l));
        added.push('\n');
    }
    let last = items.last().map(|n| n.range.clone()).unwrap_or_default();
    let at = whole_lines(text, last).end;
    if at == text.len() && !text.ends_with('\n') {
        added.insert(0, '\n');
    }
    edits.push((at..at, added));
    true
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

    /// The merged record written into `text` (YAML), asserting it holds the record.
    fn merge_into(text: &str, change: impl FnOnce(&mut Map<String, Value>)) -> String {
        let doc = Document::parse(text, Format::Yaml);
        let Value::Object(mut merged) = doc.root().unwrap().to_json() else {
            unreachable!()
        };
        change(&mut merged);
        merged_text(&doc, &merged).unwrap()
    }

    #[test]
    fn one_field_of_one_resource_changes_that_line_alone() {
        let text = "title: T\nresources:\n  # the samples\n  - name: A   # first\n    format: csv  # as sent\n    temporal_extent:\n      - beginning_date: \"1985-04-01\"\n  - name: B\n    format: txt";
        let resource = |m: &mut Map<String, Value>, i: usize| -> Map<String, Value> {
            m["resources"][i].as_object().unwrap().clone()
        };
        let set = |m: &mut Map<String, Value>, i: usize, r: Map<String, Value>| {
            m["resources"][i] = Value::Object(r);
        };
        // a changed field: its value alone; comments and the rest byte for byte
        let out = merge_into(text, |m| {
            let mut r = resource(m, 0);
            r.insert("format".into(), json!("json"));
            set(m, 0, r);
        });
        assert_eq!(
            out,
            text.replace("format: csv  # as sent", "format: json  # as sent")
        );
        // a field added to the last resource, at the end of a file with no final newline
        let out = merge_into(text, |m| {
            let mut r = resource(m, 1);
            r.insert("url".into(), json!("https://example.invalid/b"));
            set(m, 1, r);
        });
        assert_eq!(out, format!("{text}\n    url: https://example.invalid/b\n"));
        // a field removed with its line
        let out = merge_into(text, |m| {
            let mut r = resource(m, 0);
            r.remove("format");
            set(m, 0, r);
        });
        assert_eq!(out, text.replace("    format: csv  # as sent\n", ""));
        // a resource added on the catalogue goes after the last, the comments kept
        let out = merge_into(&format!("{text}\n"), |m| {
            m["resources"]
                .as_array_mut()
                .unwrap()
                .push(json!({"name": "C", "format": "json"}));
        });
        assert_eq!(out, format!("{text}\n  - name: C\n    format: json\n"));
        // a resource deleted on the catalogue goes with its lines
        let with_newline = format!("{text}\npurpose: P\n");
        let out = merge_into(&with_newline, |m| {
            m["resources"].as_array_mut().unwrap().pop();
        });
        assert_eq!(
            out,
            with_newline.replace("  - name: B\n    format: txt\n", "")
        );
        // one deleted and another changed: the list is written again (its comments with
        // it), the line break after it kept
        let out = merge_into(&with_newline, |m| {
            let list = m["resources"].as_array_mut().unwrap();
            list.pop();
            list[0]["format"] = json!("json");
        });
        assert_eq!(
            out,
            "title: T\nresources:\n  - name: A\n    format: json\n    temporal_extent:\n      \
             - beginning_date: \"1985-04-01\"\npurpose: P\n"
        );
    }

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

//! Whether a record file's value is what the catalogue stored for it, in the catalogue's
//! own terms. The catalogue reshapes some values on the way in; a reshaped value is the
//! same value, not a change to send again. Each rule below was seen on the local CKAN 2.11
//! with the BCDC schema, or is documented for BCDC in the reference notes.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::convert::{is_empty, unix_newlines};
use crate::schema::{FieldKind, Schema};

/// Whether the catalogue, given `file` (request form) for the field at `pointer`, stores
/// `stored` (`package_show` form). Besides equal values:
/// - null, `""`, `[]` and `{}` are all "not given", and null keys inside objects too;
/// - line breaks are `\n` however they were stored (web forms send `\r\n`);
/// - one string where a one-item list is stored: `displayed: displayed` →
///   `["displayed"]`, BCDC's `iso_topic_category: biota` → `["biota"]`;
/// - JSON text where the parsed value is stored: a `json_object` field
///   (`json_table_schema: '{"fields": []}'`), and BCDC's repeating resource fields sent as
///   JSON strings (ckanext-bcgov's `convert_composite_fields_to_array`);
/// - dates and times as CKAN's `isodate` stores them: `2024-01-15` →
///   `2024-01-15T00:00:00`, `…T10:30:00Z` → `…T10:30:00` (the zone is dropped);
/// - leading and trailing white space dropped from titles and from fields validated by
///   `remove_whitespace` (a resource's `url`).
pub fn stored_as(file: &Value, stored: &Value, pointer: &str, schema: &Schema) -> bool {
    match (file, stored) {
        (a, b) if is_empty(a) || is_empty(b) => is_empty(a) && is_empty(b),
        (Value::Object(a), Value::Object(b)) => {
            let given = |m: &Map<String, Value>| {
                m.iter()
                    .filter(|(_, v)| !is_empty(v))
                    .map(|(k, _)| k.clone())
                    .collect::<std::collections::BTreeSet<_>>()
            };
            given(a) == given(b)
                && a.iter()
                    .filter(|(_, v)| !is_empty(v))
                    .all(|(k, v)| stored_as(v, &b[k.as_str()], &format!("{pointer}/{k}"), schema))
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => a
            .iter()
            .zip(b)
            .enumerate()
            .all(|(i, (x, y))| stored_as(x, y, &format!("{pointer}/{i}"), schema)),
        (Value::String(_), Value::Array(items))
            if items.len() == 1 && stored_as(file, &items[0], pointer, schema) =>
        {
            true
        }
        (Value::String(text), Value::Object(_) | Value::Array(_)) => {
            match serde_json::from_str::<Value>(text) {
                Ok(parsed @ (Value::Object(_) | Value::Array(_))) => {
                    stored_as(&parsed, stored, pointer, schema)
                }
                _ => false,
            }
        }
        (Value::String(a), Value::String(b)) => {
            let (a, b) = (unix_newlines(a), unix_newlines(b));
            a == b
                || (trimmed_by_catalogue(pointer, schema) && a.trim() == b)
                || iso_datetime(&a).is_some_and(|x| Some(x) == iso_datetime(&b))
        }
        (a, b) => a == b,
    }
}

/// For each resource of the file, the index of the stored resource it is, or `None` for a
/// new one: by id (an id the catalogue does not know is a new resource), else by name when
/// one stored resource has it, else by position.
pub fn match_resources(wanted: &[Value], stored: &[&Map<String, Value>]) -> Vec<Option<usize>> {
    let str_of = |m: &'_ Map<String, Value>, k: &str| -> Option<String> {
        m.get(k).and_then(Value::as_str).map(str::to_string)
    };
    // Looked up by id and name (a record can hold thousands of resources: no scan per item).
    let mut by_id: HashMap<String, usize> = HashMap::new();
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, s) in stored.iter().enumerate() {
        if let Some(id) = str_of(s, "id") {
            by_id.entry(id).or_insert(i);
        }
        if let Some(name) = str_of(s, "name") {
            by_name.entry(name).or_default().push(i);
        }
    }
    let mut taken = vec![false; stored.len()];
    let mut result: Vec<Option<usize>> = vec![None; wanted.len()];
    // Ids first: they are authoritative. Then names, then positions.
    for pass in 0..3 {
        for (index, item) in wanted.iter().enumerate() {
            if result[index].is_some() {
                continue;
            }
            let Some(resource) = item.as_object() else {
                continue;
            };
            let id = str_of(resource, "id");
            let found = match pass {
                0 => id.as_ref().and_then(|id| by_id.get(id).copied()),
                _ if id.is_some() => None, // an id the catalogue does not know: a new resource
                1 => str_of(resource, "name").and_then(|name| {
                    // only a name no other untaken resource has
                    let mut same = by_name
                        .get(&name)
                        .into_iter()
                        .flatten()
                        .copied()
                        .filter(|&i| !taken[i]);
                    let first = same.next();
                    first.filter(|_| same.next().is_none())
                }),
                _ => (index < stored.len() && !taken[index]).then_some(index),
            };
            if let Some(i) = found.filter(|&i| !taken[i]) {
                taken[i] = true;
                result[index] = Some(i);
            }
        }
    }
    result
}

/// Titles, and fields with the `remove_whitespace` validator, lose their outer white space.
fn trimmed_by_catalogue(pointer: &str, schema: &Schema) -> bool {
    schema.field_at(pointer).is_some_and(|f| {
        f.kind == FieldKind::Title || f.validators.iter().any(|v| v == "remove_whitespace")
    })
}

/// An ISO 8601 date or date-time in the form CKAN's `isodate` stores it,
/// `YYYY-MM-DDTHH:MM:SS[.ffffff]`: midnight when there is no time, seconds filled in, the
/// zone dropped (not converted), a zero fraction left out. `None` for anything else.
fn iso_datetime(text: &str) -> Option<String> {
    let text = text.trim();
    let (date, time) = match text.get(10..) {
        Some("") => (text, None),
        Some(rest) if rest.starts_with(['T', ' ']) => (&text[..10], Some(&rest[1..])),
        _ => return None,
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let parts: Vec<&str> = date.split('-').collect();
    if parts.len() != 3 || parts[0].len() != 4 || !parts[1..].iter().all(|p| p.len() == 2) {
        return None;
    }
    if !parts.iter().all(|p| digits(p)) {
        return None;
    }
    let time = time.unwrap_or("00:00");
    // The zone: `Z`, or `+HH[:MM]` / `-HH[:MM]` after the clock time.
    let clock = time
        .strip_suffix('Z')
        .or_else(|| time.get(5..)?.find(['+', '-']).map(|i| &time[..i + 5]))
        .unwrap_or(time);
    let (hms, fraction) = clock.split_once('.').unwrap_or((clock, ""));
    let mut fields: Vec<&str> = hms.split(':').collect();
    if !(2..=3).contains(&fields.len()) || !fields.iter().all(|f| f.len() == 2 && digits(f)) {
        return None;
    }
    if fields.len() == 2 {
        fields.push("00");
    }
    if !fraction.is_empty() && !digits(fraction) {
        return None;
    }
    let mut out = format!("{date}T{}", fields.join(":"));
    if fraction.bytes().any(|b| b != b'0') {
        out.push('.');
        out.push_str(&format!("{fraction:0<6}")[..6]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn same(file: Value, stored: Value, pointer: &str) -> bool {
        stored_as(&file, &stored, pointer, &Schema::embedded())
    }

    #[test]
    fn empties_and_line_breaks() {
        assert!(same(json!(""), json!(null), "/purpose"));
        assert!(same(json!([]), json!(null), "/more_info"));
        assert!(same(
            json!({"name": "a", "x": null}),
            json!({"name": "a", "y": ""}),
            "/contacts/0"
        ));
        assert!(same(
            json!("One.\nTwo.\n"),
            json!("One.\r\nTwo.\r\n"),
            "/notes"
        ));
        assert!(!same(json!("a"), json!(null), "/purpose"));
        assert!(!same(
            json!({"name": "a"}),
            json!({"name": "b"}),
            "/contacts/0"
        ));
    }

    #[test]
    fn one_string_stored_as_a_list() {
        // `displayed` (multiple_checkbox) and BCDC's `iso_topic_category` validator.
        assert!(same(
            json!("displayed"),
            json!(["displayed"]),
            "/contacts/0/displayed"
        ));
        assert!(same(
            json!("biota"),
            json!(["biota"]),
            "/resources/0/iso_topic_category"
        ));
        assert!(!same(
            json!("biota"),
            json!(["biota", "oceans"]),
            "/resources/0/iso_topic_category"
        ));
    }

    #[test]
    fn json_text_stored_parsed() {
        // Seen on the local CKAN: a `json_object` field sent as text comes back parsed.
        assert!(same(
            json!(r#"{"fields": [{"name": "a"}]}"#),
            json!({"fields": [{"name": "a"}]}),
            "/resources/0/json_table_schema"
        ));
        // BCDC parses repeating resource fields sent as JSON strings.
        assert!(same(
            json!(r#"[{"beginning_date": "1985-04-01"}]"#),
            json!([{"beginning_date": "1985-04-01"}]),
            "/resources/0/temporal_extent"
        ));
        assert!(!same(
            json!(r#"{"fields": []}"#),
            json!({"fields": [{"name": "a"}]}),
            "/resources/0/json_table_schema"
        ));
        assert!(!same(json!("not json"), json!({"a": 1}), "/x"));
    }

    #[test]
    fn dates_as_isodate_stores_them() {
        // Each pair seen on the local CKAN (resource `last_modified`).
        for (sent, kept) in [
            ("2024-01-15", "2024-01-15T00:00:00"),
            ("2024-01-15T10:30:00Z", "2024-01-15T10:30:00"),
            ("2024-01-15T10:30:00+02:00", "2024-01-15T10:30:00"),
            ("2024-01-15 10:30", "2024-01-15T10:30:00"),
            ("2024-01-15T10:30:00.5", "2024-01-15T10:30:00.500000"),
        ] {
            assert!(
                same(json!(sent), json!(kept), "/resources/0/last_modified"),
                "{sent}"
            );
        }
        assert!(!same(
            json!("2024-01-16"),
            json!("2024-01-15T00:00:00"),
            "/resources/0/last_modified"
        ));
        assert!(!same(json!("2024-01-15x"), json!("2024-01-15"), "/purpose"));
        assert_eq!(iso_datetime("15-01-2024"), None);
        assert_eq!(iso_datetime("2024-01-15T1030"), None);
    }

    #[test]
    fn outer_white_space_of_titles_and_urls() {
        // Seen on the local CKAN: `title` and a resource's `url` are trimmed, notes are not.
        assert!(same(json!(" T "), json!("T"), "/title"));
        assert!(same(
            json!(" https://example.invalid/a "),
            json!("https://example.invalid/a"),
            "/resources/0/url"
        ));
        assert!(!same(json!(" N "), json!("N"), "/notes"));
    }
}

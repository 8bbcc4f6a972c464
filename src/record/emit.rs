//! Writes a record (a JSON object) as YAML or JSON text for `pull`.
//!
//! A small emitter of our own rather than a YAML crate: a record is plain data (maps,
//! lists, strings, numbers, booleans, null), and what matters here is exact control of
//! quoting (anything a YAML 1.1 or 1.2 reader could take for a number, boolean, null or
//! date stays quoted, e.g. `license_id: "2"`) and readable multi-line `notes` as literal
//! block scalars. serde_yaml is archived and its forks emit long strings double-quoted.

use serde_json::{Map, Value};

use crate::syntax::Format;

/// The record as a file's text in `format`, ending with a newline.
pub fn record_text(record: &Map<String, Value>, format: Format) -> String {
    match format {
        Format::Json => {
            let mut text = serde_json::to_string_pretty(record).expect("JSON values serialise");
            text.push('\n');
            text
        }
        Format::Yaml => {
            let mut out = String::new();
            if record.is_empty() {
                out.push_str("{}\n");
            }
            write_map(&mut out, record, 0);
            out
        }
    }
}

/// A scalar as it must appear after `key: ` on one line (quoted when plain would be misread).
pub fn yaml_inline_string(text: &str) -> String {
    if is_plain_safe(text) {
        text.to_string()
    } else {
        double_quoted(text)
    }
}

fn write_map(out: &mut String, map: &Map<String, Value>, indent: usize) {
    for (key, value) in map {
        out.push_str(&" ".repeat(indent));
        write_entry(out, key, value, indent);
    }
}

/// `key: value` (the indentation is already written) and everything below it.
fn write_entry(out: &mut String, key: &str, value: &Value, indent: usize) {
    out.push_str(&yaml_inline_string(key));
    out.push(':');
    match value {
        Value::Object(map) if !map.is_empty() => {
            out.push('\n');
            write_map(out, map, indent + 2);
        }
        Value::Array(items) if !items.is_empty() => {
            out.push('\n');
            write_seq(out, items, indent + 2);
        }
        scalar => {
            out.push(' ');
            write_scalar(out, scalar, indent + 2);
        }
    }
}

fn write_seq(out: &mut String, items: &[Value], indent: usize) {
    for item in items {
        out.push_str(&" ".repeat(indent));
        out.push_str("- ");
        match item {
            Value::Object(map) if !map.is_empty() => {
                // The first key shares the dash's line; the rest align under it.
                let mut first = true;
                for (key, value) in map {
                    if !first {
                        out.push_str(&" ".repeat(indent + 2));
                    }
                    first = false;
                    write_entry(out, key, value, indent + 2);
                }
            }
            Value::Array(inner) if !inner.is_empty() => {
                out.push('\n');
                write_seq(out, inner, indent + 2);
            }
            scalar => write_scalar(out, scalar, indent + 2),
        }
    }
}

/// Writes a scalar (or an empty list/map) and the newline after it. `indent` is where
/// block scalar lines go.
fn write_scalar(out: &mut String, value: &Value, indent: usize) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) if is_block_worthy(s) => {
            write_block(out, s, indent);
            return;
        }
        Value::String(s) => out.push_str(&yaml_inline_string(s)),
        Value::Array(_) => out.push_str("[]"),
        Value::Object(_) => out.push_str("{}"),
    }
    out.push('\n');
}

/// Multi-line text that a literal block keeps exactly: no carriage returns or other
/// control characters, including tabs.
fn is_block_worthy(text: &str) -> bool {
    text.contains('\n')
        // Keep chomping (`|+`) for several trailing newlines is not read back reliably.
        && !text.ends_with("\n\n")
        && !text.chars().any(|c| c.is_control() && c != '\n')
        // A leading blank line or space would need an indentation indicator, which readers
        // disagree on for nested blocks.
        && !text.starts_with(['\n', ' '])
        // Lines of only spaces read as indentation, and trailing blanks are not read back
        // reliably: such text is double-quoted instead.
        && text
            .split('\n')
            .all(|line| !line.ends_with([' ', '\t']))
        && !text.contains('\u{feff}')
        && !text.chars().any(is_line_separator)
}

fn is_line_separator(c: char) -> bool {
    matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// `|` (one trailing newline) or `|-` (none).
fn write_block(out: &mut String, text: &str, indent: usize) {
    out.push('|');
    let body = text.trim_end_matches('\n');
    if body.len() == text.len() {
        out.push('-');
    }
    out.push('\n');
    for line in body.split('\n') {
        if !line.is_empty() {
            out.push_str(&" ".repeat(indent));
            out.push_str(line);
        }
        out.push('\n');
    }
}

/// A plain scalar is safe when every YAML reader takes it back as this exact string.
fn is_plain_safe(text: &str) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    if text.trim() != text
        || text
            .chars()
            .any(|c| c.is_control() || is_line_separator(c) || c == '\u{feff}')
    {
        return false;
    }
    // Indicators that start another construct when they begin a scalar.
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) {
        // `-x` and `:x` are plain in YAML 1.2 but not in every reader: quote them all.
        return false;
    }
    if text.contains(": ")
        || text.contains(" #")
        || text.ends_with(':')
        || text.contains(['{', '}', '[', ']', ','])
    {
        // Flow indicators are fine in block context, but quoting keeps flow-style readers safe.
        return false;
    }
    !looks_special(text)
}

/// Words and numbers that YAML 1.1 or 1.2 resolves to non-strings, and dates/times
/// (YAML 1.1 timestamps).
fn looks_special(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "null" | "~" | "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "="
    ) {
        return true;
    }
    let unsigned = lower.trim_start_matches(['+', '-']);
    if matches!(unsigned, ".inf" | ".nan" | "inf" | "nan" | "infinity") {
        return true;
    }
    looks_numeric_or_date(unsigned)
}

/// Numbers in any base or form (1, 1.5, 1e3, 0x1f, 0o17, 0b1, 1_000, 1:30 sexagesimal, .5)
/// and YAML 1.1 timestamps (2024-01-15, 2024-01-15T10:00:00Z), lower-cased and unsigned.
fn looks_numeric_or_date(text: &str) -> bool {
    let mut chars = text.chars();
    let starts_numeric = match chars.next() {
        Some('0'..='9') => true,
        Some('.') => chars.next().is_some_and(|c| c.is_ascii_digit()),
        _ => false,
    };
    if !starts_numeric {
        return false;
    }
    let based = ["0x", "0o", "0b"]
        .iter()
        .find_map(|prefix| text.strip_prefix(prefix));
    if let Some(digits) = based {
        return digits.chars().all(|c| c.is_ascii_hexdigit() || c == '_');
    }
    if text
        .chars()
        .all(|c| c.is_ascii_digit() || "._:+-e".contains(c))
    {
        return true;
    }
    let bytes = text.as_bytes();
    bytes.len() >= 8
        && bytes[..4].iter().all(u8::is_ascii_digit)
        && bytes[4] == b'-'
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || "-:.tz+ ".contains(c))
}

fn double_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{85}' => out.push_str("\\N"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            c if c.is_control() || c == '\u{feff}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::Document;
    use proptest::prelude::*;
    use serde_json::json;

    fn round_trip(value: &Value) -> Value {
        let map = value.as_object().unwrap();
        let text = record_text(map, Format::Yaml);
        let doc = Document::parse(&text, Format::Yaml);
        assert!(
            doc.syntax_errors().is_empty(),
            "{text}\n{:?}",
            doc.syntax_errors()
        );
        doc.root().map(|r| r.to_json()).unwrap_or(json!({}))
    }

    #[test]
    fn quotes_what_would_be_misread() {
        let record = json!({
            "license_id": "2", "a": "true", "b": "no", "c": "null", "d": "1.5e3",
            "e": "2024-01-15", "f": "0x1F", "g": "", "h": " padded", "i": "a: b",
            "j": "#x", "k": "- x", "l": "x #y", "m": "plain text", "nn": "DRAFT",
            "o": "PROTECTED A", "p": "https://example.invalid/a?b=c", "q": ".inf",
            "r": "9ffb4858-75aa-46b4-a645-7655a6ba9e72", "s": "1985-04-01", "t": "~"
        });
        let text = record_text(record.as_object().unwrap(), Format::Yaml);
        for line in [
            "license_id: \"2\"",
            "a: \"true\"",
            "b: \"no\"",
            "e: \"2024-01-15\"",
            "g: \"\"",
            "m: plain text",
            "nn: DRAFT",
            "o: PROTECTED A",
            "p: https://example.invalid/a?b=c",
            "r: 9ffb4858-75aa-46b4-a645-7655a6ba9e72",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} not in\n{text}");
        }
        assert_eq!(round_trip(&record), record);
    }

    #[test]
    fn notes_as_block_scalars() {
        let record = json!({
            "notes": "First line.\n\nSecond paragraph.\n",
            "purpose": "no trailing\nnewline",
            "x": "  indented first\nline",
            "y": "several\n\n\n",
            "z": "tab\tinside\nline",
            "w": "trailing spaces  \nok",
            "v": "last line ends in a space\nx "
        });
        let text = record_text(record.as_object().unwrap(), Format::Yaml);
        assert!(
            text.contains("notes: |\n  First line.\n\n  Second paragraph.\n"),
            "{text}"
        );
        assert!(text.contains("purpose: |-\n"), "{text}");
        assert_eq!(round_trip(&record), record);
    }

    #[test]
    fn nested_lists_and_maps() {
        let record = json!({
            "contacts": [
                {"name": "Jane", "displayed": ["displayed"], "org": "x"},
                {"name": "Team", "displayed": [], "org": "y"}
            ],
            "resources": [{"name": "r", "temporal_extent": [{"beginning_date": "1985-04-01"}],
                           "json_table_schema": {}, "details": [[1, 2], []]}],
            "empty": {}, "n": 3, "f": 1.5, "t": true, "nothing": null
        });
        let text = record_text(record.as_object().unwrap(), Format::Yaml);
        assert!(
            text.contains("contacts:\n  - name: Jane\n    displayed:\n      - displayed\n"),
            "{text}"
        );
        assert_eq!(round_trip(&record), record);
    }

    #[test]
    fn json_output() {
        let record = json!({"b": 1, "a": "x"});
        assert_eq!(
            record_text(record.as_object().unwrap(), Format::Json),
            "{\n  \"b\": 1,\n  \"a\": \"x\"\n}\n"
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn any_string_round_trips(s in "\\PC{0,40}|[ -~\\n\\t]{0,40}|[0-9.:eE+-]{1,8}") {
            let record = json!({"k": s.clone(), "list": [s.clone()], "m": {"n": s}});
            prop_assert_eq!(round_trip(&record), record);
        }
    }
}

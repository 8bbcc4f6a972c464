//! Writing new text the way the file already is: scalars quoted only where
//! YAML needs it, the file's indentation and line breaks, and new entries
//! (empty keys and list skeletons) in YAML block style or JSON.

use super::entry_fields;
use crate::schema::{Field, FieldKind};
use crate::syntax::{Document, Format};

/// How a file is laid out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Style {
    pub format: Format,
    /// One level of indentation (YAML: spaces; JSON: as written).
    pub unit: String,
    /// YAML: how far `-` sits right of its list's key (0 for indentless lists).
    pub dash_indent: usize,
    pub newline: &'static str,
}

impl Style {
    pub fn of(doc: &Document) -> Style {
        let text = doc.slice(0..doc.text().len_bytes().min(64 * 1024));
        let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
        match doc.format() {
            Format::Json => Style {
                format: Format::Json,
                unit: text
                    .lines()
                    .find_map(|l| {
                        let ws = &l[..l.len() - l.trim_start().len()];
                        (!ws.is_empty() && l.trim_start().starts_with('"')).then(|| ws.to_string())
                    })
                    .unwrap_or_else(|| "  ".into()),
                dash_indent: 0,
                newline,
            },
            Format::Yaml => yaml_style(&text, newline),
        }
    }
}

/// The first nested mapping gives the indentation step, the first block
/// list the place of its dashes.
fn yaml_style(text: &str, newline: &'static str) -> Style {
    let mut unit = None;
    let mut dash = None;
    let mut opener: Option<usize> = None;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = line.len() - trimmed.len();
        // the column of the line's key, after any `- `
        let after_dashes = trimmed.trim_start_matches(['-', ' ']);
        let col = line.len() - after_dashes.len();
        if let Some(parent) = opener.take() {
            if trimmed.starts_with('-') {
                dash = dash.or(Some(indent.saturating_sub(parent)));
            } else if indent > parent {
                unit = unit.or(Some(indent - parent));
            }
        }
        if unit.is_some() && dash.is_some() {
            break;
        }
        if after_dashes.trim_end().ends_with(':') {
            opener = Some(col);
        }
    }
    let unit = unit.unwrap_or(2);
    Style {
        format: Format::Yaml,
        unit: " ".repeat(unit),
        dash_indent: dash.unwrap_or(unit),
        newline,
    }
}

/// Numbered snippet tab stops, or nothing for plain text.
pub(crate) struct Stops {
    next: Option<usize>,
}

impl Stops {
    pub fn snippet() -> Stops {
        Stops { next: Some(1) }
    }

    pub fn plain() -> Stops {
        Stops { next: None }
    }

    fn stop(&mut self) -> String {
        match &mut self.next {
            Some(n) => {
                *n += 1;
                format!("${}", *n - 1)
            }
            None => String::new(),
        }
    }
}

/// `key: ` (YAML) or `"key": ""` (JSON) with an empty value, or for a list
/// of objects a skeleton entry with its first subfields. `indent` is the
/// key's column as white space; further lines start with it.
pub(crate) fn new_entry(field: &Field, indent: &str, style: &Style, stops: &mut Stops) -> String {
    match style.format {
        Format::Yaml => {
            if field.kind == FieldKind::Repeating {
                let dash_indent = format!("{indent}{}", " ".repeat(style.dash_indent));
                format!(
                    "{}:{}{dash_indent}- {}",
                    field.name,
                    style.newline,
                    list_entry(field, &dash_indent, style, stops)
                )
            } else {
                format!("{}: {}", field.name, stops.stop())
            }
        }
        Format::Json => {
            let key = json_string(&field.name);
            match field.kind {
                FieldKind::Repeating => {
                    let inner = format!("{indent}{}", style.unit);
                    format!(
                        "{key}: [{nl}{inner}{}{nl}{indent}]",
                        list_entry(field, &inner, style, stops),
                        nl = style.newline
                    )
                }
                FieldKind::MultipleChoice => format!("{key}: [{}]", stops.stop()),
                _ => format!("{key}: \"{}\"", stops.stop()),
            }
        }
    }
}

/// One entry of a list of objects with its first subfields: YAML without
/// the leading `- ` (the caller writes it; `indent` is the dash's column),
/// JSON as `{...}` (`indent` is the brace's column).
pub(crate) fn list_entry(field: &Field, indent: &str, style: &Style, stops: &mut Stops) -> String {
    let subs = entry_fields(&field.subfields);
    match style.format {
        Format::Yaml => {
            let inner = format!("{indent}  ");
            let lines: Vec<String> = subs
                .iter()
                .map(|s| new_entry(s, &inner, style, stops))
                .collect();
            lines.join(&format!("{}{inner}", style.newline))
        }
        Format::Json => {
            let inner = format!("{indent}{}", style.unit);
            let lines: Vec<String> = subs
                .iter()
                .map(|s| format!("{inner}{}", new_entry(s, &inner, style, stops)))
                .collect();
            format!(
                "{{{nl}{}{nl}{indent}}}",
                lines.join(&format!(",{}", style.newline)),
                nl = style.newline
            )
        }
    }
}

pub(crate) fn json_string(s: &str) -> String {
    serde_json::to_string(s).expect("a string serialises")
}

/// A string as a YAML scalar: plain when it reads back as the same string,
/// else double-quoted (JSON escapes are valid YAML). `flow`: inside `[...]`,
/// where `,[]{}` also end a plain scalar.
pub(crate) fn yaml_scalar(s: &str, flow: bool) -> String {
    if plain_is_safe(s, flow) {
        s.to_string()
    } else {
        json_string(s)
    }
}

fn plain_is_safe(s: &str, flow: bool) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if s.trim() != s
        || "-?:,[]{}#&*!|>'\"%@`".contains(first)
        || s.contains(": ")
        || s.contains(" #")
        || s.ends_with(':')
        || s.chars().any(char::is_control)
        || (flow && s.contains([',', '[', ']', '{', '}']))
    {
        return false;
    }
    !reads_as_other_type(s)
}

/// Would a YAML parser (1.2 core schema, or 1.1 for other tools) read this
/// plain text as null, a boolean or a number?
fn reads_as_other_type(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "~" | "null" | "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n"
    ) {
        return true;
    }
    let digits = lower.trim_start_matches(['+', '-']);
    matches!(digits, ".inf" | ".nan")
        || digits.starts_with("0x")
        || digits.starts_with("0o")
        || lower.replace('_', "").parse::<f64>().is_ok()
}

/// A value written inside existing quotes (the quotes stay).
pub(crate) fn escape_in_quotes(s: &str, quote: char) -> String {
    if quote == '\'' {
        s.replace('\'', "''")
    } else {
        let quoted = json_string(s);
        quoted[1..quoted.len() - 1].to_string()
    }
}

/// A value in the file's format: YAML plain or quoted, JSON a string.
pub(crate) fn scalar(s: &str, format: Format, flow: bool) -> String {
    match format {
        Format::Yaml => yaml_scalar(s, flow),
        Format::Json => json_string(s),
    }
}

/// A list of values: `[a, b]` in YAML, `["a", "b"]` in JSON.
pub(crate) fn flow_list(values: &[&str], format: Format) -> String {
    let items: Vec<String> = values.iter().map(|v| scalar(v, format, true)).collect();
    format!("[{}]", items.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_quotes_only_when_needed() {
        assert_eq!(yaml_scalar("PROTECTED A", false), "PROTECTED A");
        assert_eq!(yaml_scalar("2", false), "\"2\"");
        assert_eq!(yaml_scalar("yes", false), "\"yes\"");
        assert_eq!(yaml_scalar("1e3", false), "\"1e3\"");
        assert_eq!(yaml_scalar("a: b", false), "\"a: b\"");
        assert_eq!(yaml_scalar("#x", false), "\"#x\"");
        assert_eq!(yaml_scalar("epsg26710,", false), "epsg26710,");
        assert_eq!(yaml_scalar("epsg26710,", true), "\"epsg26710,\"");
        assert_eq!(yaml_scalar("", false), "\"\"");
        assert_eq!(escape_in_quotes("it's", '\''), "it''s");
        assert_eq!(escape_in_quotes("a\"b", '"'), "a\\\"b");
    }

    #[test]
    fn styles_follow_the_file() {
        let doc = Document::parse("a:\n    b: 1\nl:\n- x\n", Format::Yaml);
        let s = Style::of(&doc);
        assert_eq!((s.unit.as_str(), s.dash_indent), ("    ", 0));
        let doc = Document::parse("{\n\t\"a\": 1\r\n}", Format::Json);
        let s = Style::of(&doc);
        assert_eq!((s.unit.as_str(), s.newline), ("\t", "\r\n"));
    }
}

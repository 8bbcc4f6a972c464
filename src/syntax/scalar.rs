//! YAML scalar text → value (YAML 1.2 core schema), and quoted-string and
//! block-scalar content with escapes, folding and chomping applied.

use super::Value;

/// A plain scalar, typed by the kind tree-sitter-yaml gave it.
pub(super) fn plain(kind: &str, text: &str) -> Value {
    match kind {
        "null_scalar" => Value::Null,
        "boolean_scalar" => Value::Bool(text.eq_ignore_ascii_case("true")),
        "integer_scalar" => integer(text).map_or_else(|| Value::String(text.into()), Value::Number),
        "float_scalar" => text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or_else(|| Value::String(text.into()), Value::Number),
        _ => Value::String(fold_lines(text)),
    }
}

fn integer(text: &str) -> Option<serde_json::Number> {
    let (neg, digits) = match text.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let magnitude = if let Some(hex) = digits.strip_prefix("0x") {
        u64::from_str_radix(hex, 16).ok()?
    } else if let Some(oct) = digits.strip_prefix("0o") {
        u64::from_str_radix(oct, 8).ok()?
    } else {
        digits.parse::<u64>().ok()?
    };
    if neg {
        let v = i64::try_from(magnitude).ok()?.checked_neg()?;
        Some(v.into())
    } else {
        Some(magnitude.into())
    }
}

/// Line folding of flow scalars: one line break becomes a space, each
/// further (empty) line a newline; surrounding white space is dropped.
fn fold_lines(text: &str) -> String {
    if !text.contains(['\n', '\r']) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut empty_lines = 0;
    for (i, line) in text.lines().enumerate() {
        let line = if i == 0 { line.trim_end() } else { line.trim() };
        if i > 0 && line.is_empty() {
            empty_lines += 1;
            continue;
        }
        if i > 0 {
            if empty_lines == 0 {
                out.push(' ');
            } else {
                out.extend(std::iter::repeat_n('\n', empty_lines));
            }
        }
        empty_lines = 0;
        out.push_str(line);
    }
    out
}

pub(super) fn single_quoted(text: &str) -> String {
    let inner = strip_quotes(text, '\'');
    fold_lines(&inner.replace("''", "'"))
}

pub(super) fn double_quoted(text: &str) -> String {
    let inner = strip_quotes(text, '"');
    // Escaped line breaks join lines without a space; fold the rest.
    let folded = fold_lines(&inner.replace("\\\r\n", "").replace("\\\n", ""));
    let mut out = String::with_capacity(folded.len());
    let mut chars = folded.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') | Some('\t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('0') => out.push('\0'),
            Some('a') => out.push('\u{7}'),
            Some('b') => out.push('\u{8}'),
            Some('e') => out.push('\u{1b}'),
            Some('f') => out.push('\u{c}'),
            Some('v') => out.push('\u{b}'),
            Some('N') => out.push('\u{85}'),
            Some('_') => out.push('\u{a0}'),
            Some('L') => out.push('\u{2028}'),
            Some('P') => out.push('\u{2029}'),
            Some(n @ ('x' | 'u' | 'U')) => {
                let len = match n {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let hex: String = chars.by_ref().take(len).collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(ch) => out.push(ch),
                    None => {
                        out.push('\\');
                        out.push(n);
                        out.push_str(&hex);
                    }
                }
            }
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// The text between the quotes (an unclosed quote keeps the rest).
fn strip_quotes(text: &str, quote: char) -> &str {
    let inner = text.strip_prefix(quote).unwrap_or(text);
    inner.strip_suffix(quote).unwrap_or(inner)
}

/// A `|` or `>` block scalar: the header's chomping and indentation
/// indicators, then the content lines with their common indentation removed.
pub(super) fn block(text: &str, parent_indent: usize) -> String {
    let (header, body) = text.split_once('\n').unwrap_or((text, ""));
    let header = header.split('#').next().unwrap_or("").trim();
    let folded = header.starts_with('>');
    let strip = header.contains('-');
    let keep = header.contains('+');
    let explicit_indent = header
        .chars()
        .find_map(|c| c.to_digit(10))
        .map(|d| parent_indent + d as usize);
    let lines: Vec<&str> = body.lines().collect();
    let indent = explicit_indent.unwrap_or_else(|| {
        lines
            .iter()
            .find(|l| !l.trim().is_empty())
            .map(|l| l.len() - l.trim_start_matches(' ').len())
            .unwrap_or(0)
    });
    let mut content: Vec<&str> = lines
        .iter()
        .map(|l| {
            if l.len() >= indent {
                &l[indent..]
            } else {
                l.trim_start_matches(' ')
            }
        })
        .collect();
    // empty lines after the last content line: only `|+` keeps them
    let trailing_empty = content
        .iter()
        .rev()
        .take_while(|l| l.trim().is_empty())
        .count();
    content.truncate(content.len() - trailing_empty);
    let mut out = String::new();
    if folded {
        let mut prev_more_indented = false;
        for (i, line) in content.iter().enumerate() {
            let more_indented = line.starts_with([' ', '\t']);
            if i > 0 {
                // A break before an empty line is dropped (the empty line
                // stands for one newline); breaks around more-indented
                // lines are kept; the others fold to a space.
                let prev_empty = content[i - 1].is_empty();
                if line.is_empty() || more_indented || prev_more_indented {
                    out.push('\n');
                } else if !prev_empty {
                    out.push(' ');
                }
            }
            out.push_str(line);
            prev_more_indented = more_indented;
        }
    } else {
        out = content.join("\n");
    }
    // chomping: strip (`-`) ends with no newline, clip with one, keep (`+`)
    // with one plus one per trailing empty line
    if !strip && !out.is_empty() {
        out.push('\n');
    }
    if keep {
        out.extend(std::iter::repeat_n('\n', trailing_empty));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_scalars_follow_the_core_schema() {
        assert_eq!(plain("integer_scalar", "25"), Value::Number(25.into()));
        assert_eq!(plain("integer_scalar", "0x1f"), Value::Number(31.into()));
        assert_eq!(plain("boolean_scalar", "True"), Value::Bool(true));
        assert_eq!(plain("null_scalar", "~"), Value::Null);
        assert_eq!(
            plain("string_scalar", "a\n  b\n\n  c"),
            Value::String("a b\nc".into())
        );
    }

    #[test]
    fn quoted_scalars_unescape() {
        assert_eq!(double_quoted(r#""a\tb\u00e9\"""#), "a\tbé\"");
        assert_eq!(single_quoted("'it''s'"), "it's");
        assert_eq!(double_quoted("\"unclosed"), "unclosed");
    }

    #[test]
    fn block_scalars_chomp_and_fold() {
        assert_eq!(block("|\n  a\n  b", 0), "a\nb\n");
        assert_eq!(block("|-\n  a\n   b", 0), "a\n b");
        assert_eq!(block(">\n  a\n  b\n\n  c", 0), "a b\nc\n");
        assert_eq!(block("|+\n  a\n\n\n", 0), "a\n\n\n");
        assert_eq!(block("|-\n  a  \n", 0), "a  ");
        // the indicator is relative to the key's indentation
        assert_eq!(block("|2\n       a\n      b", 4), " a\nb\n");
    }
}

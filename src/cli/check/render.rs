//! One problem in rustc's style: header, location, the source line and
//! carets under the span. A line too long to show (minified JSON) is cut to a
//! window around the span, marked with `...` where it was cut, so the output
//! stays small and readable whatever the line's length.

use crate::check::Diagnostic;
use crate::text;
use ropey::{Rope, RopeSlice};
use std::fmt::Write;
use std::ops::Range;
use unicode_width::UnicodeWidthChar;

/// At most this many terminal columns of source are shown per problem.
const SOURCE_COLUMNS: usize = 120;
/// Columns of context kept before the span when a line is cut.
const LEFT_CONTEXT: usize = 40;
const CUT: &str = "...";

/// Appends the problem to `out`.
pub(super) fn render(path: &str, rope: &Rope, d: &Diagnostic, out: &mut String) {
    let (line, col, shown) = window(rope, &d.range);
    let line_no = (line + 1).to_string();
    let pad = " ".repeat(line_no.len());
    let _ = write!(
        out,
        "{sev}[{code}]: {msg}\n{pad}--> {path}:{line_no}:{col}\n{pad} |\n{line_no} | {src}\n{pad} | {sp}{carets}\n\n",
        sev = d.severity.as_str(),
        code = d.code.as_str(),
        msg = d.message,
        src = shown.text,
        sp = " ".repeat(shown.caret_at),
        carets = "^".repeat(shown.carets),
    );
}

/// What is shown of the span's first line: the text, and where (in columns)
/// and how wide its carets are.
struct Shown {
    text: String,
    caret_at: usize,
    carets: usize,
}

/// The span's 0-based line, its 1-based column (in characters, as rustc
/// counts) and the part of the line to show. Reads only the chars near the
/// span, so a problem on a 200 KB line costs no more than one on a short line.
fn window(rope: &Rope, range: &Range<usize>) -> (usize, usize, Shown) {
    let start = rope.byte_to_char(range.start.min(rope.len_bytes()));
    let end = rope.byte_to_char(range.end.min(rope.len_bytes()));
    let line = rope.char_to_line(start);
    let line_start = rope.line_to_char(line);
    let line_slice = rope.line(line);
    let line_end = line_start + line_slice.len_chars() - text::line_break_len(&line_slice);
    // a span from the line break on, or onto later lines, is shown to the line's end
    let start = start.min(line_end);
    let end = end.clamp(start, line_end);

    // each side can need at most SOURCE_COLUMNS chars (no char is narrower than
    // one column, but for the rare zero-width ones)
    let left_from = start.saturating_sub(SOURCE_COLUMNS).max(line_start);
    let right_to = (start + SOURCE_COLUMNS).min(line_end);
    let left = cells(rope.slice(left_from..start));
    let right = cells(rope.slice(start..right_to));
    let (left_width, right_width) = (width(&left), width(&right));

    let whole = left_from == line_start
        && right_to == line_end
        && left_width + right_width <= SOURCE_COLUMNS;
    let (shown_left, shown_right) = if whole {
        (&left[..], &right[..])
    } else {
        // context before the span, more of it when the line ends soon after
        let budget = left_width.min(LEFT_CONTEXT.max(SOURCE_COLUMNS.saturating_sub(right_width)));
        let shown_left = suffix_within(&left, budget);
        (
            shown_left,
            prefix_within(&right, SOURCE_COLUMNS - width(shown_left)),
        )
    };
    let cut_left = start - shown_left.len() > line_start;
    let cut_right = start + shown_right.len() < line_end;

    let mut text = String::new();
    if cut_left {
        text.push_str(CUT);
    }
    for cell in shown_left.iter().chain(shown_right) {
        match cell.c {
            '\t' => text.push_str(TAB),
            c => text.push(c),
        }
    }
    if cut_right {
        text.push_str(CUT);
    }
    let span = &shown_right[..shown_right.len().min(end - start)];
    let shown = Shown {
        text,
        caret_at: if cut_left { CUT.len() } else { 0 } + width(shown_left),
        carets: width(span).max(1),
    };
    (line, start - line_start + 1, shown)
}

/// A char as shown, and its width in terminal columns.
struct Cell {
    c: char,
    width: usize,
}

/// Tabs are shown as four spaces.
const TAB: &str = "    ";

/// The chars of a slice as shown: control chars as their Unicode control
/// pictures and bidirectional controls as U+FFFD, so nothing printed moves
/// the terminal's cursor or reorders the line above the carets.
fn cells(slice: RopeSlice) -> Vec<Cell> {
    slice
        .chars()
        .map(|c| match c {
            '\t' => Cell {
                c,
                width: TAB.len(),
            },
            '\0'..='\x1f' => Cell {
                c: char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
                width: 1,
            },
            '\x7f' => Cell {
                c: '\u{2421}',
                width: 1,
            },
            '\u{80}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => Cell {
                c: '\u{fffd}',
                width: 1,
            },
            c => Cell {
                c,
                width: c.width().unwrap_or(0),
            },
        })
        .collect()
}

fn width(cells: &[Cell]) -> usize {
    cells.iter().map(|c| c.width).sum()
}

/// The longest tail of `cells` at most `columns` wide.
fn suffix_within(cells: &[Cell], columns: usize) -> &[Cell] {
    let mut used = 0;
    let keep = cells
        .iter()
        .rev()
        .take_while(|c| {
            used += c.width;
            used <= columns
        })
        .count();
    &cells[cells.len() - keep..]
}

/// The longest head of `cells` at most `columns` wide.
fn prefix_within(cells: &[Cell], columns: usize) -> &[Cell] {
    let mut used = 0;
    let keep = cells
        .iter()
        .take_while(|c| {
            used += c.width;
            used <= columns
        })
        .count();
    &cells[..keep]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shown line and the caret line for the span `needle` (its first
    /// occurrence) in `text`.
    fn show(text: &str, needle: &str) -> (usize, usize, String, String) {
        let at = text.find(needle).unwrap();
        show_range(text, at..at + needle.len())
    }

    fn show_range(text: &str, range: Range<usize>) -> (usize, usize, String, String) {
        let (line, col, s) = window(&Rope::from_str(text), &range);
        let carets = format!("{}{}", " ".repeat(s.caret_at), "^".repeat(s.carets));
        (line, col, s.text, carets)
    }

    /// The text above the carets, by terminal columns.
    fn under(shown: &str, carets: &str) -> String {
        let mut col = 0;
        let from = carets.find('^').unwrap();
        let to = carets.len();
        shown
            .chars()
            .filter(|c| {
                let w = c.width().unwrap_or(0);
                col += w;
                col > from && col <= to
            })
            .collect()
    }

    #[test]
    fn a_short_line_is_shown_whole() {
        let text = "title: x\nsecurity_class: Protected-A  # note\n";
        let (line, col, shown, carets) = show(text, "Protected-A");
        assert_eq!((line, col), (1, 17));
        assert_eq!(shown, "security_class: Protected-A  # note");
        assert_eq!(carets, "                ^^^^^^^^^^^");
    }

    #[test]
    fn a_long_line_is_cut_to_a_window_around_the_span() {
        let notes = "n".repeat(200_000);
        let text = format!(
            r#"{{"notes": "{notes}", "security_class": "Protected-A", "title": "{notes}"}}"#
        );
        let (line, col, shown, carets) = show(&text, r#""Protected-A""#);
        assert_eq!(line, 0);
        assert_eq!(col, text.find(r#""Protected-A""#).unwrap() + 1);
        assert!(
            shown.starts_with("...") && shown.ends_with("..."),
            "{shown}"
        );
        assert!(shown.chars().count() <= SOURCE_COLUMNS + 2 * CUT.len());
        assert_eq!(under(&shown, &carets), r#""Protected-A""#);
        // context before the span
        assert!(
            shown.contains(r#"nnn", "security_class": "Protected-A""#),
            "{shown}"
        );
    }

    #[test]
    fn spans_at_either_end_of_a_long_line() {
        let text = format!("{}END", "x".repeat(5_000));
        let (_, col, shown, carets) = show(&text, "END");
        assert_eq!(col, 5_001);
        assert!(
            shown.starts_with("...x") && shown.ends_with("END"),
            "{shown}"
        );
        assert_eq!(under(&shown, &carets), "END");
        assert!(shown.len() <= SOURCE_COLUMNS + CUT.len());

        let text = format!("START{}", "x".repeat(5_000));
        let (_, col, shown, carets) = show(&text, "START");
        assert_eq!(col, 1);
        assert!(
            shown.starts_with("STARTx") && shown.ends_with("x..."),
            "{shown}"
        );
        assert_eq!(carets, "^^^^^");
    }

    #[test]
    fn a_span_wider_than_the_window_is_underlined_to_its_edge() {
        let text = format!("a: {}\n", "v".repeat(1_000));
        let (_, _, shown, carets) = show(&text, &"v".repeat(1_000));
        assert_eq!(shown, format!("a: {}...", "v".repeat(SOURCE_COLUMNS - 3)));
        assert_eq!(carets, format!("   {}", "^".repeat(SOURCE_COLUMNS - 3)));
    }

    #[test]
    fn wide_characters_tabs_and_controls_keep_the_carets_aligned() {
        // CJK is two columns wide, a tab four, a control char one (its picture)
        let text = format!(
            "{}\t\u{1b}標題: \"Protected-A\" {}",
            "数据".repeat(100),
            "z".repeat(300)
        );
        let (_, _, shown, carets) = show(&text, "Protected-A");
        assert_eq!(under(&shown, &carets), "Protected-A");
        assert!(shown.contains("    \u{241b}標題"), "{shown}");
        assert!(!shown.contains('\t') && !shown.contains('\u{1b}'));
        let columns: usize = shown.chars().map(|c| c.width().unwrap_or(0)).sum();
        assert!(columns <= SOURCE_COLUMNS + 2 * CUT.len(), "{columns}");

        let (_, col, shown, carets) = show("\t名前: Protected-A", "Protected-A");
        assert_eq!(col, 6);
        assert_eq!(shown, "    名前: Protected-A");
        assert_eq!(under(&shown, &carets), "Protected-A");
    }

    #[test]
    fn empty_multi_line_and_out_of_range_spans() {
        // an empty span at the end of a line: one caret after its text
        let (_, col, shown, carets) = show_range("key:\r\nnext: 1\n", 4..4);
        assert_eq!((col, shown.as_str(), carets.as_str()), (5, "key:", "    ^"));
        // a span onto later lines: underlined to the end of its first line
        let (line, _, shown, carets) = show_range("a: 1\nb: [x,\n  y]\n", 8..16);
        assert_eq!(
            (line, shown.as_str(), carets.as_str()),
            (1, "b: [x,", "   ^^^")
        );
        // past the end of the text
        let (line, _, shown, carets) = show_range("a: 1\n", 50..60);
        assert_eq!((line, shown.as_str(), carets.as_str()), (1, "", "^"));
    }
}

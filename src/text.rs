//! Text positions: byte offsets (what the parsers use) to and from LSP-style
//! line/character positions in UTF-8 or UTF-16 code units.
//!
//! Lines end at `\n`, `\r\n` or a lone `\r`, exactly as LSP counts them (ropey's
//! `cr_lines` feature, without Unicode line separators).

use ropey::Rope;
use std::ops::Range;

/// How `character` in a [`Position`] is counted (negotiated per LSP 3.17).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Encoding {
    Utf8,
    #[default]
    Utf16,
}

/// A 0-based line and character offset within that line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Position {
    pub line: u32,
    pub character: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct LineRange {
    pub start: Position,
    pub end: Position,
}

/// Snaps a byte offset down to the nearest char boundary inside the rope.
fn floor_char_boundary(rope: &Rope, offset: usize) -> usize {
    let offset = offset.min(rope.len_bytes());
    rope.char_to_byte(rope.byte_to_char(offset))
}

pub fn offset_to_position(rope: &Rope, offset: usize, enc: Encoding) -> Position {
    let offset = floor_char_boundary(rope, offset);
    let line = rope.byte_to_line(offset);
    let line_start = rope.line_to_byte(line);
    let character = match enc {
        Encoding::Utf8 => offset - line_start,
        Encoding::Utf16 => {
            let c = rope.byte_to_char(offset);
            let lc = rope.byte_to_char(line_start);
            rope.char_to_utf16_cu(c) - rope.char_to_utf16_cu(lc)
        }
    };
    Position {
        line: line as u32,
        character: character as u32,
    }
}

pub fn range_to_lines(rope: &Rope, range: &Range<usize>, enc: Encoding) -> LineRange {
    LineRange {
        start: offset_to_position(rope, range.start, enc),
        end: offset_to_position(rope, range.end.max(range.start), enc),
    }
}

/// The byte offset of a position; positions past the end of a line clamp to
/// the line's end (before its line break), past the last line to the text's end.
pub fn position_to_offset(rope: &Rope, pos: Position, enc: Encoding) -> usize {
    let line = pos.line as usize;
    if line >= rope.len_lines() {
        return rope.len_bytes();
    }
    let line_start = rope.line_to_byte(line);
    let slice = rope.line(line);
    let content_len = slice.len_bytes() - line_break_len(&slice);
    let max = line_start + content_len;
    let want = pos.character as usize;
    match enc {
        Encoding::Utf8 => floor_char_boundary(rope, (line_start + want).min(max)),
        Encoding::Utf16 => {
            let lc = rope.byte_to_char(line_start);
            let base = rope.char_to_utf16_cu(lc);
            let max_cu = rope.char_to_utf16_cu(rope.byte_to_char(max));
            let cu = (base + want).min(max_cu);
            rope.char_to_byte(rope.utf16_cu_to_char(cu))
        }
    }
}

/// The length of a line's break (`\n`, `\r\n`, `\r` or none), in bytes and
/// in chars alike.
pub fn line_break_len(line: &ropey::RopeSlice) -> usize {
    let n = line.len_bytes();
    if n == 0 {
        return 0;
    }
    match line.byte(n - 1) {
        b'\n' if n >= 2 && line.byte(n - 2) == b'\r' => 2,
        b'\n' | b'\r' => 1,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    #[test]
    fn utf16_counts_surrogate_pairs_and_utf8_counts_bytes() {
        let rope = Rope::from_str("a: é😀x\nb: 1\n");
        let x = "a: é😀".len();
        assert_eq!(offset_to_position(&rope, x, Encoding::Utf16), pos(0, 6));
        assert_eq!(
            offset_to_position(&rope, x, Encoding::Utf8),
            pos(0, x as u32)
        );
        assert_eq!(position_to_offset(&rope, pos(0, 6), Encoding::Utf16), x);
        assert_eq!(position_to_offset(&rope, pos(0, 9), Encoding::Utf8), x);
        assert_eq!(position_to_offset(&rope, pos(1, 0), Encoding::Utf16), x + 2);
    }

    #[test]
    fn crlf_and_lone_cr_end_lines() {
        let rope = Rope::from_str("a\r\nb\rc\n");
        assert_eq!(offset_to_position(&rope, 3, Encoding::Utf16), pos(1, 0));
        assert_eq!(offset_to_position(&rope, 5, Encoding::Utf16), pos(2, 0));
        // past the end of a line clamps before its line break
        assert_eq!(position_to_offset(&rope, pos(0, 40), Encoding::Utf16), 1);
        assert_eq!(position_to_offset(&rope, pos(9, 0), Encoding::Utf16), 7);
    }

    #[test]
    fn offsets_inside_a_character_snap_to_its_start() {
        let rope = Rope::from_str("😀");
        assert_eq!(offset_to_position(&rope, 2, Encoding::Utf16), pos(0, 0));
        // a position between the two UTF-16 halves of one character
        assert_eq!(position_to_offset(&rope, pos(0, 1), Encoding::Utf16), 0);
    }
}

//! Byte ranges and analysis results to and from protocol types.

use super::documents::CatalogueMark;
use crate::catalogue::workflow::locate;
use crate::check::{Diagnostic, Severity};
use crate::syntax::Document;
use crate::text::{self, Encoding};
use ropey::Rope;
use std::ops::Range;
use tower_lsp_server::ls_types as lsp;

pub fn position(rope: &Rope, offset: usize, enc: Encoding) -> lsp::Position {
    let p = text::offset_to_position(rope, offset, enc);
    lsp::Position::new(p.line, p.character)
}

pub fn range(rope: &Rope, r: &Range<usize>, enc: Encoding) -> lsp::Range {
    lsp::Range::new(
        position(rope, r.start, enc),
        position(rope, r.end.max(r.start), enc),
    )
}

pub fn offset(rope: &Rope, p: lsp::Position, enc: Encoding) -> usize {
    text::position_to_offset(
        rope,
        text::Position {
            line: p.line,
            character: p.character,
        },
        enc,
    )
}

pub fn byte_range(rope: &Rope, r: lsp::Range, enc: Encoding) -> Range<usize> {
    let start = offset(rope, r.start, enc);
    start..offset(rope, r.end, enc).max(start)
}

pub fn diagnostic(rope: &Rope, d: &Diagnostic, enc: Encoding) -> lsp::Diagnostic {
    lsp::Diagnostic {
        range: range(rope, &d.range, enc),
        severity: Some(match d.severity {
            Severity::Error => lsp::DiagnosticSeverity::ERROR,
            Severity::Warning => lsp::DiagnosticSeverity::WARNING,
            Severity::Information => lsp::DiagnosticSeverity::INFORMATION,
            Severity::Hint => lsp::DiagnosticSeverity::HINT,
        }),
        code: Some(lsp::NumberOrString::String(d.code.as_str().to_string())),
        source: Some("bcdc".to_string()),
        message: d.message.clone(),
        data: Some(serde_json::json!({
            "pointer": d.pointer,
            "suggestion": d.suggestion,
            "enforcement": d.enforcement.as_str(),
        })),
        ..Default::default()
    }
}

pub fn catalogue_diagnostic(
    doc: &Document,
    mark: &CatalogueMark,
    enc: Encoding,
) -> lsp::Diagnostic {
    // a conflict is a choice to make, not an error of the record
    let (severity, code) = match mark.conflict {
        Some(_) => (lsp::DiagnosticSeverity::WARNING, "conflict"),
        None => (lsp::DiagnosticSeverity::ERROR, "catalogue"),
    };
    lsp::Diagnostic {
        range: range(doc.text(), &locate(doc, &mark.pointer), enc),
        severity: Some(severity),
        code: Some(lsp::NumberOrString::String(code.to_string())),
        source: Some("catalogue".to_string()),
        message: mark.message.clone(),
        data: Some(serde_json::json!({ "pointer": mark.pointer })),
        ..Default::default()
    }
}

//! `bcdc-lsp check`: human (rustc-style) or JSON reports of record files.

use super::OutputFormat;
use crate::check::{self, Diagnostic, Severity};
use crate::schema::Schema;
use crate::syntax::{Document, Format};
use crate::text::{self, Encoding};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

struct Checked {
    path: String,
    doc: Document,
    diagnostics: Vec<Diagnostic>,
}

pub(super) fn run(format: OutputFormat, schema: &Schema, paths: &[PathBuf]) -> ExitCode {
    let mut files = Vec::new();
    for path in paths {
        if let Err(e) = collect(path, schema, true, &mut files) {
            eprintln!("bcdc-lsp: {e}");
            return ExitCode::from(2);
        }
    }
    let checked: Vec<Checked> = files
        .into_iter()
        .map(|(path, doc)| Checked {
            diagnostics: check::check(&doc, schema),
            path,
            doc,
        })
        .collect();
    match format {
        OutputFormat::Json => println!("{}", to_json(&checked)),
        OutputFormat::Human => print!("{}", to_human(&checked)),
    }
    let errors = checked
        .iter()
        .flat_map(|c| &c.diagnostics)
        .any(|d| d.severity == Severity::Error);
    if errors {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Reads a file, or the record files in a folder (recursively, sorted).
/// An explicitly named file is checked whatever its name.
fn collect(
    path: &Path,
    schema: &Schema,
    explicit: bool,
    out: &mut Vec<(String, Document)>,
) -> Result<(), String> {
    let meta =
        std::fs::metadata(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if meta.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|e| format!("cannot read folder {}: {e}", path.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for entry in entries {
            let name = entry.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if name.starts_with('.') || name == "target" || name == "node_modules" {
                continue;
            }
            collect(&entry, schema, false, out)?;
        }
        return Ok(());
    }
    let name = path.to_string_lossy().into_owned();
    let lower = name.to_ascii_lowercase();
    let yaml_or_json = [".yaml", ".yml", ".json"]
        .iter()
        .any(|e| lower.ends_with(e));
    if !explicit && !yaml_or_json {
        return Ok(());
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {name}: {e}"))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        format!(
            "{name} is not UTF-8 text (invalid byte at offset {}); record files must be UTF-8",
            e.utf8_error().valid_up_to()
        )
    })?;
    let doc = Document::parse(&text, Format::from_path(&name));
    if explicit || check::is_record(&name, &doc, schema) {
        out.push((name, doc));
    }
    Ok(())
}

fn to_json(checked: &[Checked]) -> serde_json::Value {
    let files: Vec<_> = checked
        .iter()
        .map(|c| {
            let diagnostics: Vec<_> = c
                .diagnostics
                .iter()
                .map(|d| {
                    let r = text::range_to_lines(c.doc.text(), &d.range, Encoding::Utf16);
                    json!({
                        "code": d.code.as_str(),
                        "severity": d.severity.as_str(),
                        "message": d.message,
                        "pointer": d.pointer,
                        "range": {
                            "start": {"line": r.start.line, "character": r.start.character},
                            "end": {"line": r.end.line, "character": r.end.character},
                        }
                    })
                })
                .collect();
            json!({"path": c.path, "diagnostics": diagnostics})
        })
        .collect();
    json!({ "files": files })
}

fn to_human(checked: &[Checked]) -> String {
    let mut out = String::new();
    let (mut errors, mut warnings) = (0, 0);
    for c in checked {
        for d in &c.diagnostics {
            match d.severity {
                Severity::Error => errors += 1,
                Severity::Warning => warnings += 1,
                _ => {}
            }
            out.push_str(&render(&c.path, &c.doc, d));
        }
    }
    let files = checked.len();
    let clean = checked.iter().filter(|c| c.diagnostics.is_empty()).count();
    out.push_str(&format!(
        "{} file{} checked: {errors} error{}, {warnings} warning{}{}\n",
        files,
        if files == 1 { "" } else { "s" },
        if errors == 1 { "" } else { "s" },
        if warnings == 1 { "" } else { "s" },
        if clean > 0 {
            format!(" ({clean} without problems)")
        } else {
            String::new()
        }
    ));
    out
}

/// One problem, rustc style: header, location, the source line, carets.
fn render(path: &str, doc: &Document, d: &Diagnostic) -> String {
    let rope = doc.text();
    let start = text::offset_to_position(rope, d.range.start, Encoding::Utf8);
    let line_no = start.line as usize;
    let line_text: String = if line_no < rope.len_lines() {
        rope.line(line_no)
            .to_string()
            .trim_end_matches(['\n', '\r'])
            .to_string()
    } else {
        String::new()
    };
    let col_byte = (start.character as usize).min(line_text.len());
    let end_byte = if text::offset_to_position(rope, d.range.end, Encoding::Utf8).line == start.line
    {
        (text::offset_to_position(rope, d.range.end, Encoding::Utf8).character as usize)
            .min(line_text.len())
    } else {
        line_text.len()
    };
    // tabs are shown as four spaces, and carets counted in characters
    let shown = |s: &str| s.replace('\t', "    ");
    let before = shown(&line_text[..col_byte]).chars().count();
    let width = shown(&line_text[col_byte..end_byte.max(col_byte)])
        .chars()
        .count()
        .max(1);
    let col = line_text[..col_byte].chars().count() + 1;
    let gutter = (line_no + 1).to_string().len();
    let pad = " ".repeat(gutter);
    format!(
        "{sev}[{code}]: {msg}\n{pad}--> {path}:{line}:{col}\n{pad} |\n{line:>gutter$} | {src}\n{pad} | {sp}{carets}\n\n",
        sev = d.severity.as_str(),
        code = d.code.as_str(),
        msg = d.message,
        line = line_no + 1,
        src = shown(&line_text),
        sp = " ".repeat(before),
        carets = "^".repeat(width),
    )
}

//! What `check` prints. Each file's report is formatted where the file was
//! checked (on a worker thread, while its document is at hand); the writer
//! then only copies bytes out and keeps the tally for the summary and the
//! exit code.

use super::render::render;
use crate::assist::fixes::Applied;
use crate::check::{Diagnostic, Severity};
use crate::cli::OutputFormat;
use crate::syntax::Document;
use crate::text::{self, Encoding};
use serde::Serialize;
use std::io::{self, Write};

/// What checking one candidate file gave.
pub(super) enum Outcome {
    /// Found in a folder, and not a record file: not reported.
    NotRecord,
    Checked {
        /// Human: the rendered problems; JSON: the file's object.
        report: String,
        errors: usize,
        warnings: usize,
        /// No problem of any severity.
        clean: bool,
        /// Problems `--fix` fixed.
        fixed: usize,
    },
    /// Could not be read (or checked): why, on one line. Reported on stderr;
    /// the run goes on and exits 2.
    Failed(String),
}

/// The report of one checked file; with `--fix`, `fixed` says what was
/// fixed before the check.
pub(super) fn checked(
    format: OutputFormat,
    path: &str,
    doc: &Document,
    diagnostics: &[Diagnostic],
    fixed: Option<&[Applied]>,
) -> Outcome {
    let count = |s: Severity| diagnostics.iter().filter(|d| d.severity == s).count();
    let report = match format {
        OutputFormat::Human => {
            let mut out = String::new();
            if let Some(applied @ [_, ..]) = fixed {
                let n = applied.len();
                out.push_str(&format!(
                    "fixed {n} problem{} in {path}:\n",
                    if n == 1 { "" } else { "s" }
                ));
                for a in applied {
                    out.push_str(&format!(
                        "  {} ({} at {})\n",
                        a.title,
                        a.code.as_str(),
                        a.pointer
                    ));
                }
                out.push('\n');
            }
            for d in diagnostics {
                render(path, doc.text(), d, &mut out);
            }
            out
        }
        OutputFormat::Json | OutputFormat::Jsonl => {
            let file = JsonFile {
                path,
                diagnostics: diagnostics
                    .iter()
                    .map(|d| JsonDiagnostic::new(doc, d))
                    .collect(),
                fixed: fixed.map(|applied| {
                    applied
                        .iter()
                        .map(|a| JsonFixed {
                            code: a.code.as_str(),
                            pointer: &a.pointer,
                            title: &a.title,
                        })
                        .collect()
                }),
            };
            serde_json::to_string(&file).expect("plain data serializes")
        }
    };
    Outcome::Checked {
        report,
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
        // information notes are no problem
        clean: count(Severity::Error) + count(Severity::Warning) == 0,
        fixed: fixed.map_or(0, <[Applied]>::len),
    }
}

/// One element of `files` in the JSON report (the README's stable interface),
/// and one line of JSON lines.
#[derive(Serialize)]
struct JsonFile<'a> {
    path: &'a str,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    /// With `--fix`: what was fixed (pointers as they were before).
    #[serde(skip_serializing_if = "Option::is_none")]
    fixed: Option<Vec<JsonFixed<'a>>>,
}

#[derive(Serialize)]
struct JsonFixed<'a> {
    code: &'a str,
    pointer: &'a str,
    title: &'a str,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'a str,
    severity: &'a str,
    message: &'a str,
    pointer: &'a str,
    range: JsonRange,
    /// What the catalogue would do: `refused`, `form-only` or `dropped`.
    enforcement: &'a str,
}

/// 0-based lines, characters in UTF-16 code units (LSP's default).
#[derive(Serialize)]
struct JsonRange {
    start: JsonPosition,
    end: JsonPosition,
}

#[derive(Serialize)]
struct JsonPosition {
    line: u32,
    character: u32,
}

impl<'a> JsonDiagnostic<'a> {
    fn new(doc: &Document, d: &'a Diagnostic) -> JsonDiagnostic<'a> {
        let r = text::range_to_lines(doc.text(), &d.range, Encoding::Utf16);
        let at = |p: text::Position| JsonPosition {
            line: p.line,
            character: p.character,
        };
        JsonDiagnostic {
            code: d.code.as_str(),
            severity: d.severity.as_str(),
            message: &d.message,
            pointer: &d.pointer,
            range: JsonRange {
                start: at(r.start),
                end: at(r.end),
            },
            enforcement: d.enforcement.as_str(),
        }
    }
}

/// Writes the reports in the order it is given them, then the summary.
pub(super) struct Writer<W: Write> {
    format: OutputFormat,
    out: W,
    files: usize,
    clean: usize,
    errors: usize,
    warnings: usize,
    failed: usize,
    fixed: usize,
}

impl<W: Write> Writer<W> {
    pub fn begin(format: OutputFormat, mut out: W) -> io::Result<Writer<W>> {
        if format == OutputFormat::Json {
            out.write_all(b"{\"files\":[")?;
        }
        Ok(Writer {
            format,
            out,
            files: 0,
            clean: 0,
            errors: 0,
            warnings: 0,
            failed: 0,
            fixed: 0,
        })
    }

    pub fn add(&mut self, outcome: Outcome) -> io::Result<()> {
        match outcome {
            Outcome::NotRecord => {}
            Outcome::Failed(reason) => {
                self.failed += 1;
                // after what came before it on stdout, for whoever reads both
                self.out.flush()?;
                eprintln!("bcdc-lsp: {reason}");
            }
            Outcome::Checked {
                report,
                errors,
                warnings,
                clean,
                fixed,
            } => {
                match self.format {
                    OutputFormat::Human => self.out.write_all(report.as_bytes())?,
                    OutputFormat::Json => {
                        if self.files > 0 {
                            self.out.write_all(b",")?;
                        }
                        self.out.write_all(report.as_bytes())?;
                    }
                    OutputFormat::Jsonl => {
                        self.out.write_all(report.as_bytes())?;
                        self.out.write_all(b"\n")?;
                    }
                }
                self.files += 1;
                self.clean += usize::from(clean);
                self.errors += errors;
                self.warnings += warnings;
                self.fixed += fixed;
            }
        }
        Ok(())
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// Ends the report; returns (any error found, any file failed).
    pub fn finish(mut self) -> io::Result<(bool, bool)> {
        match self.format {
            OutputFormat::Json => self.out.write_all(b"]}\n")?,
            OutputFormat::Jsonl => {}
            OutputFormat::Human => {
                let s = |n: usize| if n == 1 { "" } else { "s" };
                let (files, errors, warnings) = (self.files, self.errors, self.warnings);
                write!(
                    self.out,
                    "{files} file{} checked: {errors} error{}, {warnings} warning{}",
                    s(files),
                    s(errors),
                    s(warnings)
                )?;
                if self.clean > 0 {
                    write!(self.out, " ({} without problems)", self.clean)?;
                }
                if self.fixed > 0 {
                    write!(self.out, "; {} problem{} fixed", self.fixed, s(self.fixed))?;
                }
                if self.failed > 0 {
                    write!(
                        self.out,
                        "; {} file{} could not be read",
                        self.failed,
                        s(self.failed)
                    )?;
                }
                writeln!(self.out)?;
            }
        }
        self.out.flush()?;
        Ok((self.errors > 0, self.failed > 0))
    }
}

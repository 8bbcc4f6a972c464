//! `bcdc-lsp check`: human (rustc-style), JSON or JSON-lines reports of
//! record files, checked in parallel on every core.
//!
//! The main thread walks the folders and writes the reports; worker threads
//! read, parse, check and format one file at a time. At most [`WINDOW`] files
//! are between the walk and the output, so memory stays flat however many
//! files there are: a document lives only while its file is checked. Human
//! and JSON reports keep the walk's (sorted) order, holding back reports that
//! finish early; JSON lines are written as files finish, in the file
//! system's order (so not even a folder's listing is held).

mod fix;
mod render;
mod report;
pub(super) mod walk;

use super::OutputFormat;
use crate::check;
use crate::schema::Schema;
use crate::syntax::{Document, Format};
use report::{Outcome, Writer};
use std::collections::VecDeque;
use std::io::{self, BufWriter, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::sync::Mutex;
use walk::Candidate;

/// Most files walked but not yet written (checked, being checked or queued).
const WINDOW: usize = 256;

/// Exit code 0: no errors; 1: an error in some file; 2: some file could not
/// be read (the others are still checked and reported) or the report could
/// not be written.
pub(super) fn run(
    format: OutputFormat,
    schema: &Schema,
    paths: &[std::path::PathBuf],
    fix: bool,
) -> ExitCode {
    tree_sitter_on_mimalloc();
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let (job_tx, job_rx) = mpsc::channel::<(usize, Candidate)>();
    let job_rx = Mutex::new(job_rx);
    let (done_tx, done_rx) = mpsc::channel::<(usize, Outcome)>();
    // set when the report cannot be written: the queued files are not wanted
    let stop = AtomicBool::new(false);
    let result = std::thread::scope(|scope| {
        for _ in 0..workers {
            let done_tx = done_tx.clone();
            let (job_rx, stop) = (&job_rx, &stop);
            scope.spawn(move || {
                while let Ok((seq, file)) = next_job(job_rx) {
                    if stop.load(Ordering::Relaxed) {
                        continue;
                    }
                    let outcome = check_file(&file, schema, format, fix);
                    if done_tx.send((seq, outcome)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(done_tx);
        let out = BufWriter::with_capacity(64 * 1024, io::stdout().lock());
        let result = write_all(format, out, paths, &job_tx, &done_rx);
        stop.store(result.is_err(), Ordering::Relaxed);
        drop(job_tx);
        result
    });
    match result {
        Ok((_, true)) => ExitCode::from(2),
        Ok((true, false)) => ExitCode::from(1),
        Ok((false, false)) => ExitCode::SUCCESS,
        Err(e) => {
            if e.kind() != io::ErrorKind::BrokenPipe {
                eprintln!("bcdc-lsp: cannot write the report: {e}");
            }
            ExitCode::from(2)
        }
    }
}

/// tree-sitter allocates a node at a time; with glibc's malloc that is a
/// fifth of a bulk check's time, with mimalloc far less. Only for `check`: the
/// language server keeps the system allocator, whose resident memory is lower.
fn tree_sitter_on_mimalloc() {
    use libmimalloc_sys::{mi_free, mi_malloc, mi_realloc, mi_zalloc};
    use std::ffi::c_void;
    /// C's `calloc` (mimalloc's own is in the crate's `extended` API).
    unsafe extern "C" fn mi_calloc(count: usize, size: usize) -> *mut c_void {
        match count.checked_mul(size) {
            Some(bytes) => mi_zalloc(bytes),
            None => std::ptr::null_mut(),
        }
    }
    // SAFETY: `check` runs once per process and no tree-sitter object exists
    // yet (loading the schema does not parse), so nothing is freed by another
    // allocator than the one that allocated it; these functions keep C's
    // malloc contract.
    unsafe {
        tree_sitter::set_allocator(
            Some(mi_malloc),
            Some(mi_calloc),
            Some(mi_realloc),
            Some(mi_free),
        )
    };
}

/// Workers take turns waiting for the next job (the lock is held while waiting).
fn next_job(
    jobs: &Mutex<Receiver<(usize, Candidate)>>,
) -> Result<(usize, Candidate), mpsc::RecvError> {
    jobs.lock().unwrap_or_else(|e| e.into_inner()).recv()
}

/// Walks, hands files to the workers and writes their reports; returns
/// (any error found, any file failed).
fn write_all(
    format: OutputFormat,
    out: impl Write,
    paths: &[std::path::PathBuf],
    jobs: &mpsc::Sender<(usize, Candidate)>,
    done: &Receiver<(usize, Outcome)>,
) -> io::Result<(bool, bool)> {
    let mut writer = Writer::begin(format, out)?;
    let ordered = format != OutputFormat::Jsonl;
    let mut pending = Pending::new(ordered);
    let mut walked = 0;
    for candidate in walk::candidates(paths, ordered) {
        while walked - pending.written >= WINDOW {
            pending.accept(receive(done, &mut writer)?, &mut writer)?;
        }
        match candidate {
            Ok(file) => jobs.send((walked, file)).expect("workers outlive the walk"),
            Err(reason) => pending.accept((walked, Outcome::Failed(reason)), &mut writer)?,
        }
        walked += 1;
    }
    while pending.written < walked {
        pending.accept(receive(done, &mut writer)?, &mut writer)?;
    }
    writer.finish()
}

/// The next finished file; what is written so far is flushed before
/// waiting, so output streams without a write per file.
fn receive(
    done: &Receiver<(usize, Outcome)>,
    writer: &mut Writer<impl Write>,
) -> io::Result<(usize, Outcome)> {
    match done.try_recv() {
        Ok(r) => Ok(r),
        Err(TryRecvError::Empty) => {
            writer.flush()?;
            Ok(done.recv().expect("a worker per pending file"))
        }
        Err(TryRecvError::Disconnected) => panic!("workers ended with files pending"),
    }
}

/// Finished files not yet written: in walk order, or as they come.
struct Pending {
    ordered: bool,
    /// Outcomes of files `written..`, `None` for those still being checked.
    held: VecDeque<Option<Outcome>>,
    written: usize,
}

impl Pending {
    fn new(ordered: bool) -> Pending {
        Pending {
            ordered,
            held: VecDeque::new(),
            written: 0,
        }
    }

    fn accept(
        &mut self,
        (seq, outcome): (usize, Outcome),
        writer: &mut Writer<impl Write>,
    ) -> io::Result<()> {
        if !self.ordered {
            self.written += 1;
            return writer.add(outcome);
        }
        let at = seq - self.written;
        if self.held.len() <= at {
            self.held.resize_with(at + 1, || None);
        }
        self.held[at] = Some(outcome);
        while let Some(Some(_)) = self.held.front() {
            let outcome = self.held.pop_front().flatten().expect("checked above");
            self.written += 1;
            writer.add(outcome)?;
        }
        Ok(())
    }
}

/// Reads, parses and checks one file (with `fix`, first rewrites it with
/// its automatic fixes), and formats its report. A panic in the analysis
/// fails this file only.
fn check_file(file: &Candidate, schema: &Schema, format: OutputFormat, fix: bool) -> Outcome {
    let name = file.path.to_string_lossy();
    let bytes = match std::fs::read(&file.path) {
        Ok(bytes) => bytes,
        Err(e) => return Outcome::Failed(format!("cannot read {name}: {e}")),
    };
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            return Outcome::Failed(format!(
                "{name} is not UTF-8 text (invalid byte at offset {}); record files must be UTF-8",
                e.utf8_error().valid_up_to()
            ))
        }
    };
    catch_unwind(AssertUnwindSafe(|| {
        let mut doc = Document::parse(&text, Format::from_path(&name));
        if !file.explicit && !check::is_record(&name, &doc, schema) {
            return Outcome::NotRecord;
        }
        let fixed = match fix.then(|| fix::rewrite(&file.path, &text, doc.format(), schema)) {
            Some(Ok(Some((fixed_doc, applied)))) => {
                doc = fixed_doc;
                Some(applied)
            }
            Some(Ok(None)) => Some(Vec::new()),
            Some(Err(reason)) => return Outcome::Failed(reason),
            None => None,
        };
        let diagnostics = check::check(&doc, schema);
        report::checked(format, &name, &doc, &diagnostics, fixed.as_deref())
    }))
    .unwrap_or_else(|_| {
        Outcome::Failed(format!(
            "{name}: internal error while checking (a bug; please report it)"
        ))
    })
}

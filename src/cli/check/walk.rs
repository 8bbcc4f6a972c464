//! Which files `check` reads: each named file, and the YAML and JSON files
//! inside each named folder, in sorted order, as the walk finds them.

use crate::project;
use ignore::{DirEntry, WalkBuilder};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// A file to check. An explicitly named file is checked whatever its name;
/// one found in a folder only when it turns out to be a record.
pub(crate) struct Candidate {
    pub path: PathBuf,
    pub explicit: bool,
}

/// The candidates under `roots`, in argument order, each folder depth-first,
/// its entries sorted by name when `sorted` (which holds a folder's listing
/// in memory, ~150 bytes a file) or as the file system lists them; a path
/// that cannot be read is an `Err` with a one-line reason, and the walk goes on.
///
/// Folders are walked as git would see them: hidden entries, and what
/// `.gitignore` (also outside a git repository), `.ignore`, `.git/info/exclude`
/// and the global gitignore exclude are skipped, as are `target` and
/// `node_modules`. Symbolic links are followed (a loop is an error).
pub(crate) fn candidates(
    roots: &[PathBuf],
    sorted: bool,
) -> impl Iterator<Item = Result<Candidate, String>> + '_ {
    roots.iter().flat_map(move |root| {
        let mut walk = WalkBuilder::new(root);
        if sorted {
            walk.sort_by_file_name(|a, b| a.cmp(b));
        }
        // A folder with its own bcdc.toml holds another portal's records: checked
        // against this schema they would get false errors, so it is left out, saying so.
        let skipped = Arc::new(Mutex::new(Vec::new()));
        let record_skip = skipped.clone();
        walk.follow_links(true)
            .require_git(false)
            .filter_entry(move |e| {
                if matches!(e.file_name().to_str(), Some("target" | "node_modules")) {
                    return false;
                }
                let own_project = e.depth() > 0
                    && e.file_type().is_some_and(|t| t.is_dir())
                    && e.path().join(project::FILE_NAME).is_file();
                if own_project {
                    let mut list = record_skip.lock().unwrap_or_else(|e| e.into_inner());
                    list.push(e.path().to_path_buf());
                }
                !own_project
            })
            .build()
            .filter_map(move |entry| match entry {
                Ok(entry) => candidate(entry).map(Ok),
                Err(e) => Some(Err(reason(root, &e))),
            })
            .chain(std::iter::from_fn(move || {
                let dir = skipped.lock().unwrap_or_else(|e| e.into_inner()).pop()?;
                Some(Err(format!(
                    "{}: not checked: it has its own {} (another catalogue or dataset type); \
                     check it with a command of its own",
                    dir.display(),
                    project::FILE_NAME
                )))
            }))
    })
}

fn candidate(entry: DirEntry) -> Option<Candidate> {
    if entry.file_type().is_none_or(|t| t.is_dir()) {
        return None;
    }
    let explicit = entry.depth() == 0;
    (explicit || yaml_or_json(entry.path())).then(|| Candidate {
        path: entry.into_path(),
        explicit,
    })
}

fn yaml_or_json(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        ["yaml", "yml", "json"]
            .iter()
            .any(|x| e.eq_ignore_ascii_case(x))
    })
}

/// A one-line reason: "cannot read PATH: why" for the file system's
/// errors (a missing root, a folder without permission, a link loop),
/// "PATH: why" for the others (a bad `.gitignore` line).
fn reason(root: &Path, e: &ignore::Error) -> String {
    match e {
        ignore::Error::WithPath { path, err } if err.io_error().is_some() => {
            format!("cannot read {}: {}", path.display(), os_error(err))
        }
        ignore::Error::WithPath { path, err } => format!("{}: {err}", path.display()),
        ignore::Error::WithDepth { err, .. } => reason(root, err),
        ignore::Error::Loop { ancestor, child } => format!(
            "cannot read {}: a symbolic link loop back to {}",
            child.display(),
            ancestor.display()
        ),
        e if e.io_error().is_some() => format!("cannot read {}: {}", root.display(), os_error(e)),
        e => format!("{}: {e}", root.display()),
    }
}

/// The operating system's words for an I/O error, without the walker's
/// own wrapping (which repeats the path).
fn os_error(e: &ignore::Error) -> String {
    let mut err: &dyn std::error::Error = match e.io_error() {
        Some(io) => io,
        None => e,
    };
    while let Some(inner) = err.source() {
        err = inner;
    }
    err.to_string()
}

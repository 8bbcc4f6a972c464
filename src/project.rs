//! The project file `bcdc.toml`: which catalogue and dataset type a folder of
//! records belongs to, so that `check`, the catalogue commands and the language
//! server read another portal's records against that portal's schema without a
//! flag or an editor setting each time.
//!
//! ```toml
//! host = "https://ckan.example.org"   # test, prod or a CKAN base URL
//! type = "camel-photos"               # the portal's dataset type
//! ```
//!
//! It is found like `.editorconfig`: the nearest one in the record's folder or
//! above it (up to the workspace folder, or the file system's root). It lives
//! in the repository beside the records, so it never holds an API key, and its
//! `host` never makes a key go anywhere (see `catalogue::credentials`).
//! [`parse`] is pure; [`find`] reads the file system.

use crate::catalogue::credentials::error_line;
use crate::catalogue::Catalogue;
use serde::Deserialize;
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = "bcdc.toml";

/// What a project file says. Both parts are optional.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Project {
    /// `test`, `prod` or a base URL, as `--host` takes it (already validated).
    pub host: Option<String>,
    pub dataset_type: Option<String>,
}

/// A project file and where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub path: PathBuf,
    pub project: Project,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    host: Option<String>,
    #[serde(rename = "type")]
    dataset_type: Option<String>,
}

/// Reads a project file's text. The error is one line for the user; it never
/// quotes the file (a key pasted there by mistake must not reach a log).
pub fn parse(text: &str) -> Result<Project, String> {
    let raw: Raw = toml::from_str(text).map_err(|e| {
        let at = error_line(text, &e).map_or_else(String::new, |l| format!(" (line {l})"));
        let key_inside = ["api_key", "apikey", "token"]
            .iter()
            .any(|k| text.to_ascii_lowercase().contains(k));
        if key_inside {
            format!(
                "an API key does not belong in {FILE_NAME} (it is shared with the records); \
                 use the editor's secret storage or bcdc-lsp/config.toml{at}"
            )
        } else {
            format!("expected only `host = \"...\"` and `type = \"...\"`{at}")
        }
    })?;
    let text = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let host = text(raw.host);
    if let Some(host) = &host {
        Catalogue::parse(host).map_err(|e| format!("host: {e}"))?;
    }
    Ok(Project {
        host,
        dataset_type: text(raw.dataset_type),
    })
}

/// The nearest project file for `start` (a file or folder): in its folder, then
/// each parent up to and including `stop` (when `start` is inside it), else up
/// to the root. `Ok(None)` when there is none; `Err` names the file that cannot
/// be used.
pub fn find(start: &Path, stop: Option<&Path>) -> Result<Option<Found>, String> {
    let start = std::path::absolute(start).unwrap_or_else(|_| start.to_path_buf());
    let stop = stop.filter(|s| start.starts_with(s));
    let first = if start.is_dir() {
        Some(start.as_path())
    } else {
        start.parent()
    };
    for dir in first.into_iter().flat_map(Path::ancestors) {
        let path = dir.join(FILE_NAME);
        if path.is_file() {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("{}: cannot be read: {e}", path.display()))?;
            let project = parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
            return Ok(Some(Found { path, project }));
        }
        if stop.is_some_and(|s| s == dir) {
            break;
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_and_type() {
        let p = parse("host = \"http://127.0.0.1:5000\"\ntype = \"camel-photos\"\n").unwrap();
        assert_eq!(p.host.as_deref(), Some("http://127.0.0.1:5000"));
        assert_eq!(p.dataset_type.as_deref(), Some("camel-photos"));
        assert_eq!(parse("").unwrap(), Project::default());
        assert_eq!(parse("type = \" \"").unwrap(), Project::default());
    }

    #[test]
    fn bad_files_say_why_without_quoting_them() {
        let e = parse("host = \"http://evil.example\"").unwrap_err();
        assert!(e.contains("https://"), "{e}");
        let e = parse("hots = \"test\"").unwrap_err();
        assert!(e.contains("only `host") && e.contains("line 1"), "{e}");
        let e = parse("host = \"test\"\napi_key = \"s3cr3t-value\"").unwrap_err();
        assert!(
            e.contains("does not belong") && !e.contains("s3cr3t"),
            "{e}"
        );
    }

    #[test]
    fn nearest_file_up_to_the_stop() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let nested = root.join("a/b");
        std::fs::create_dir_all(&nested).unwrap();
        let record = nested.join("r.bcdc.yaml");
        std::fs::write(&record, "").unwrap();
        assert_eq!(find(&record, Some(root)).unwrap(), None);
        std::fs::write(root.join(FILE_NAME), "type = \"outer\"").unwrap();
        let found = find(&record, Some(root)).unwrap().unwrap();
        assert_eq!(found.project.dataset_type.as_deref(), Some("outer"));
        // the workspace folder ends the walk: a file above it is not the project's
        assert_eq!(find(&record, Some(&root.join("a"))).unwrap(), None);
        std::fs::write(root.join("a").join(FILE_NAME), "type = \"inner\"").unwrap();
        let found = find(&nested, None).unwrap().unwrap();
        assert_eq!(found.path, root.join("a").join(FILE_NAME));
        assert_eq!(found.project.dataset_type.as_deref(), Some("inner"));
        std::fs::write(root.join("a").join(FILE_NAME), "type = 3").unwrap();
        assert!(find(&record, None).unwrap_err().contains("a/bcdc.toml"));
    }
}

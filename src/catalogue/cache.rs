//! The on-disk caches under `<user cache dir>/bcdc-lsp/`: one name per catalogue host, and
//! the record cache of `audit` (one `package_search` result per file, so that a later audit
//! fetches only what changed). Best effort throughout: a cache that cannot be read or
//! written only costs a refetch.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::host::Catalogue;
use crate::audit::links::LinkHistory;

/// The catalogue's host and port as a file name part: `127.0.0.1_5000`.
pub fn host_key(catalogue: &Catalogue) -> String {
    catalogue
        .host_and_port()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// `<user cache dir>/bcdc-lsp` (`$XDG_CACHE_HOME/bcdc-lsp` on Linux).
pub fn cache_root() -> Option<PathBuf> {
    Some(dirs::cache_dir()?.join("bcdc-lsp"))
}

/// Datasets as `package_search` returned them, in `records/<host>/<id>.json`; each file
/// holds the dataset with its `metadata_modified`, which says whether it is still current.
#[derive(Debug, Clone)]
pub struct RecordCache {
    dir: PathBuf,
}

impl RecordCache {
    /// The cache of this catalogue's records, or `None` when the system has no cache dir.
    pub fn for_catalogue(catalogue: &Catalogue) -> Option<RecordCache> {
        Some(RecordCache {
            dir: cache_root()?.join("records").join(host_key(catalogue)),
        })
    }

    /// Every cached dataset by id (unreadable files are skipped).
    pub fn load(&self) -> HashMap<String, Map<String, Value>> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return HashMap::new();
        };
        entries
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
            .filter_map(|e| {
                let text = std::fs::read(e.path()).ok()?;
                let package: Map<String, Value> = serde_json::from_slice(&text).ok()?;
                let id = package.get("id")?.as_str()?.to_string();
                Some((id, package))
            })
            .collect()
    }

    /// Keeps one dataset (written to a temporary file and renamed, so a reader never sees
    /// half a file). Ids that are not safe file names are not cached.
    pub fn store(&self, package: &Map<String, Value>) {
        let Some(id) = package.get("id").and_then(Value::as_str) else {
            return;
        };
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return;
        }
        write_json(&self.dir.join(format!("{id}.json")), package);
    }
}

/// Replaces a cache file whole with `value` as JSON: written beside it, then renamed, so a
/// reader never sees half a file. Best effort: a cache that cannot be written only costs a
/// refetch.
pub fn write_json<T: serde::Serialize + ?Sized>(path: &Path, value: &T) {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return;
    };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    if let Ok(text) = serde_json::to_vec(value) {
        if write_private(&tmp, &text).is_err() || std::fs::rename(&tmp, path).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }
}

/// Writes a new file only its owner may read (0600 on Unix): the caches can hold private
/// records (`audit --include-private`).
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(bytes)
}

/// The JSON reports of past audits of one catalogue and scope (`reports/<host>/<scope>/`
/// in the data dir, the last [`REPORTS_KEPT`]), for "what changed since" and the trend.
#[derive(Debug, Clone)]
pub struct ReportArchive {
    dir: PathBuf,
}

/// Past reports kept per catalogue and scope.
pub const REPORTS_KEPT: usize = 30;

impl ReportArchive {
    /// `scope` names what was audited (dataset type and organizations), so that an audit
    /// of one organization is compared with the last audit of that organization.
    pub fn for_scope(catalogue: &Catalogue, scope: &str) -> Option<ReportArchive> {
        let scope: String = scope
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '+' {
                    c
                } else {
                    '_'
                }
            })
            .take(120)
            .collect();
        Some(ReportArchive {
            dir: data_root()?
                .join("reports")
                .join(host_key(catalogue))
                .join(scope),
        })
    }

    /// The kept reports, oldest first (unreadable ones skipped).
    pub fn load(&self) -> Vec<Value> {
        self.files()
            .iter()
            .filter_map(|p| serde_json::from_slice(&std::fs::read(p).ok()?).ok())
            .collect()
    }

    /// Keeps `report` (its `checked_at` and a counter name the file) and forgets the oldest beyond
    /// [`REPORTS_KEPT`].
    pub fn store(&self, report: &Value) {
        let Some(at) = report.get("checked_at").and_then(Value::as_str) else {
            return;
        };
        let name: String = at.chars().map(|c| if c == ':' { '-' } else { c }).collect();
        // two audits within one second keep both: a counter after the time keeps the order
        let path = (0..)
            .map(|n| self.dir.join(format!("{name}-{n:03}.json")))
            .find(|p| !p.exists())
            .expect("an unused name");
        write_json(&path, report);
        let files = self.files();
        for old in files.iter().take(files.len().saturating_sub(REPORTS_KEPT)) {
            let _ = std::fs::remove_file(old);
        }
    }

    /// Report files by name, which is by time.
    fn files(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| {
                        p.extension().is_some_and(|x| x == "json")
                            && !p
                                .file_name()
                                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
                    })
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        files
    }
}

/// `<user data dir>/bcdc-lsp` (`$XDG_DATA_HOME/bcdc-lsp`, `~/.local/share/bcdc-lsp` on
/// Linux): what must outlive a cleared cache, such as the link history and past reports.
pub fn data_root() -> Option<PathBuf> {
    Some(dirs::data_dir()?.join("bcdc-lsp"))
}

/// The link history of `audit --links` for one catalogue, `links/<host>.json` in the data
/// dir: each URL's last check and its failures, which is what makes a link broken.
#[derive(Debug, Clone)]
pub struct LinkHistoryFile {
    path: PathBuf,
}

/// Histories not checked for this long are forgotten.
const LINK_HISTORY_KEPT: u64 = 90 * 86_400;

impl LinkHistoryFile {
    pub fn for_catalogue(catalogue: &Catalogue) -> Option<LinkHistoryFile> {
        Some(LinkHistoryFile {
            path: data_root()?
                .join("links")
                .join(format!("{}.json", host_key(catalogue))),
        })
    }

    /// Every URL's history (an unreadable file is an empty history).
    pub fn load(&self) -> HashMap<String, LinkHistory> {
        std::fs::read(&self.path)
            .ok()
            .and_then(|text| serde_json::from_slice(&text).ok())
            .unwrap_or_default()
    }

    /// Keeps the histories checked in the last 90 days.
    pub fn store(&self, histories: &HashMap<String, LinkHistory>, now: u64) {
        let kept: std::collections::BTreeMap<&String, &LinkHistory> = histories
            .iter()
            .filter(|(_, h)| now.saturating_sub(h.checked_at) < LINK_HISTORY_KEPT)
            .collect();
        write_json(&self.path, &kept);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_files_are_the_users_alone_and_reports_are_pruned() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("records").join("x.json");
        write_json(&path, &serde_json::json!({"id": "x", "private": true}));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let archive = ReportArchive {
            dir: dir.path().join("reports"),
        };
        for day in 1..=REPORTS_KEPT + 2 {
            archive.store(&serde_json::json!({
                "checked_at": format!("2026-{:02}-{:02}T00:00:00Z", 1 + day / 28, 1 + day % 28)
            }));
        }
        let kept = archive.load();
        assert_eq!(kept.len(), REPORTS_KEPT);
        assert_eq!(kept[0]["checked_at"], "2026-01-04T00:00:00Z");
    }

    #[test]
    fn audits_within_one_second_are_all_kept_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let archive = ReportArchive {
            dir: dir.path().join("reports"),
        };
        for n in 0..3 {
            archive.store(&serde_json::json!({"checked_at": "2026-12-04T23:29:13Z", "n": n}));
        }
        archive.store(&serde_json::json!({"checked_at": "2026-12-04T23:29:14Z", "n": 3}));
        let order: Vec<_> = archive.load().iter().map(|r| r["n"].clone()).collect();
        assert_eq!(order, [0, 1, 2, 3]);
    }
}

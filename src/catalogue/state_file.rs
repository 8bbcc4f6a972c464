//! Where a record file's synchronisation state ([`SyncState`]) is kept: in a folder
//! `.bcdc-sync` beside the record, one JSON file per record file (`water.bcdc.yaml` →
//! `.bcdc-sync/water.bcdc.yaml.json`), written atomically (temporary file, rename). One
//! file per record, so that records applied in parallel never contend for it; a folder of
//! its own, so that the records' folder stays as it was and `check` skips it (hidden).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde_json::{Map, Value};

use crate::audit::report::rfc3339_utc;
use crate::record::convert::api_body;
use crate::record::plan::{Basis, Resolve, Written};
use crate::record::state::{Key, SyncState};
use crate::schema::Schema;
use crate::syntax::Document;

/// What an update of `record` plans against: its state for this catalogue and record id,
/// and (used only without a state) when the file was last written.
#[derive(Clone, Default)]
pub struct Known {
    pub state: Option<SyncState>,
    pub written: Option<String>,
}

impl Known {
    pub fn read(record: &Path, catalogue: &str, id: Option<&str>) -> Known {
        Known {
            state: id.and_then(|id| load(record, catalogue, id)),
            written: written_at(record),
        }
    }

    pub fn basis(&self, resolve: Resolve) -> Basis<'_> {
        Basis {
            state: self.state.as_ref(),
            written: self
                .written
                .as_deref()
                .map_or(Written::Unknown, Written::At),
            resolve,
        }
    }
}

/// Records that `doc` (the file as it is now, or will be once written) and `package` (the
/// catalogue's copy) are synchronised, but for the keys `theirs` and `mine` still pending.
#[allow(clippy::too_many_arguments)]
pub fn save_synced(
    record: &Path,
    catalogue: &str,
    doc: &Document,
    package: &Map<String, Value>,
    previous: Option<&SyncState>,
    theirs: &[Key],
    mine: &[Key],
    schema: &Schema,
) -> std::io::Result<()> {
    let file = doc.root().map(|r| api_body(r, schema)).unwrap_or_default();
    let state = SyncState::after(catalogue, &file, package, previous, theirs, mine, schema);
    save(record, &state)
}

/// `.bcdc-sync/<file name>.json` beside `record`.
pub fn state_path(record: &Path) -> PathBuf {
    let name = record
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "record".into());
    record
        .with_file_name(".bcdc-sync")
        .join(format!("{name}.json"))
}

/// The state of `record`, if it has one for this catalogue and this record id. A state
/// that cannot be read is no state (the update then asks before reverting anything).
pub fn load(record: &Path, catalogue: &str, id: &str) -> Option<SyncState> {
    let text = std::fs::read_to_string(state_path(record)).ok()?;
    let state: SyncState = serde_json::from_str(&text).ok()?;
    (state.catalogue == catalogue && state.id == id).then_some(state)
}

/// Writes the state of `record` atomically.
pub fn save(record: &Path, state: &SyncState) -> std::io::Result<()> {
    let path = state_path(record);
    let dir = path.parent().expect("a state path has a folder");
    std::fs::create_dir_all(dir)?;
    let mut text = serde_json::to_string_pretty(state).expect("states serialise");
    text.push('\n');
    write_atomically(&path, &text)
}

/// Writes `text` to `path` through a temporary file in the same folder and a rename, so
/// that the file is either wholly old or wholly new, even if the process is killed.
pub fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "record".into());
    let temp = dir.join(format!(".{name}.bcdc-tmp-{}", std::process::id()));
    let result = (|| {
        let mut out = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&temp)?;
        out.write_all(text.as_bytes())?;
        out.sync_all()?;
        if let Ok(meta) = std::fs::metadata(path) {
            std::fs::set_permissions(&temp, meta.permissions())?;
        }
        std::fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

/// When `record` was last written (UTC, in the form of CKAN's `metadata_modified`), for
/// a file without a state; `None` when it cannot be told.
pub fn written_at(record: &Path) -> Option<String> {
    let modified = std::fs::metadata(record).and_then(|m| m.modified()).ok()?;
    Some(iso_utc(modified))
}

/// `YYYY-MM-DDTHH:MM:SS.ffffff` in UTC, the form of CKAN's `metadata_modified`.
fn iso_utc(time: SystemTime) -> String {
    let since = time
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default();
    let seconds = rfc3339_utc(since.as_secs());
    format!(
        "{}.{:06}",
        seconds.trim_end_matches('Z'),
        since.subsec_micros()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn utc_dates() {
        let at = |s: u64| iso_utc(SystemTime::UNIX_EPOCH + Duration::from_secs(s));
        assert_eq!(at(0), "1970-01-01T00:00:00.000000");
        assert_eq!(at(1_709_210_096), "2024-02-29T12:34:56.000000");
        assert_eq!(at(4_102_444_799), "2099-12-31T23:59:59.000000");
    }

    #[test]
    fn saved_state_loads_for_its_catalogue_and_id_only() {
        let dir = tempfile::tempdir().unwrap();
        let record = dir.path().join("a.bcdc.yaml");
        let state = SyncState {
            catalogue: "http://127.0.0.1:5000".into(),
            id: "x".into(),
            ..SyncState::default()
        };
        save(&record, &state).unwrap();
        assert!(dir.path().join(".bcdc-sync/a.bcdc.yaml.json").exists());
        assert_eq!(load(&record, "http://127.0.0.1:5000", "x"), Some(state));
        assert_eq!(load(&record, "https://cat.data.gov.bc.ca", "x"), None);
        assert_eq!(load(&record, "http://127.0.0.1:5000", "y"), None);
    }
}

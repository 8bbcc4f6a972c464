//! One publish or update per record file at a time: an in-process set for the language
//! server, and a lock file beside the record for the command line.

use std::collections::HashSet;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::workflow::WorkflowError;

/// Files with a publish or update running in this process (keyed by URI or path).
#[derive(Debug, Clone, Default)]
pub struct FileLocks(Arc<Mutex<HashSet<String>>>);

/// Held while a workflow runs on a file; releases the file when dropped.
#[derive(Debug)]
pub struct FileLockGuard {
    locks: FileLocks,
    key: String,
}

impl FileLocks {
    /// Locks `key`, or says that another publish/update of it is running.
    pub fn try_lock(&self, key: &str) -> Result<FileLockGuard, WorkflowError> {
        let mut held = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if !held.insert(key.to_string()) {
            return Err(busy(key));
        }
        Ok(FileLockGuard {
            locks: self.clone(),
            key: key.to_string(),
        })
    }
}

impl Drop for FileLockGuard {
    fn drop(&mut self) {
        let mut held = self.locks.0.lock().unwrap_or_else(|e| e.into_inner());
        held.remove(&self.key);
    }
}

/// `.<file name>.bcdc-lock` beside the record, created exclusively; removed when dropped.
#[derive(Debug)]
pub struct LockFile {
    path: PathBuf,
}

impl LockFile {
    /// Takes the lock for `record`. A lock left by a process that no longer runs (after a
    /// crash) is taken over where that can be told (Linux `/proc`).
    pub fn acquire(record: &Path) -> Result<LockFile, WorkflowError> {
        let path = lock_path(record);
        for _ in 0..2 {
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(mut file) => {
                    // The pid lets a later run tell a stale lock from a live one.
                    let _ = writeln!(file, "{}", std::process::id());
                    return Ok(LockFile { path });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    if is_stale(&path) {
                        let _ = std::fs::remove_file(&path);
                        continue;
                    }
                    return Err(WorkflowError::Busy(format!(
                        "another publish or update of {} is running (lock file {}; delete it \
                         if no bcdc-lsp is running)",
                        record.display(),
                        path.display()
                    )));
                }
                Err(e) => {
                    return Err(WorkflowError::Refused(format!(
                        "cannot create the lock file {}: {e}",
                        path.display()
                    )))
                }
            }
        }
        Err(busy(&record.display().to_string()))
    }
}

impl Drop for LockFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

fn lock_path(record: &Path) -> PathBuf {
    let name = record
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "record".into());
    record.with_file_name(format!(".{name}.bcdc-lock"))
}

fn is_stale(lock: &Path) -> bool {
    let proc = Path::new("/proc");
    if !proc.is_dir() {
        return false;
    }
    let Ok(text) = std::fs::read_to_string(lock) else {
        return false;
    };
    match text.trim().parse::<u32>() {
        Ok(pid) => !proc.join(pid.to_string()).exists(),
        // Being written right now, or not ours: leave it.
        Err(_) => false,
    }
}

fn busy(what: &str) -> WorkflowError {
    WorkflowError::Busy(format!(
        "a publish or update of {what} is already running; wait for it to finish"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_process_lock_is_exclusive_and_released() {
        let locks = FileLocks::default();
        let guard = locks.try_lock("file:///a.bcdc.yaml").unwrap();
        assert!(matches!(
            locks.try_lock("file:///a.bcdc.yaml"),
            Err(WorkflowError::Busy(_))
        ));
        assert!(locks.try_lock("file:///b.bcdc.yaml").is_ok());
        drop(guard);
        assert!(locks.try_lock("file:///a.bcdc.yaml").is_ok());
    }

    #[test]
    fn lock_file_is_exclusive_removed_and_stale_ones_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let record = dir.path().join("r.bcdc.yaml");
        let lock = LockFile::acquire(&record).unwrap();
        let lock_file = dir.path().join(".r.bcdc.yaml.bcdc-lock");
        assert!(lock_file.exists());
        assert!(matches!(
            LockFile::acquire(&record),
            Err(WorkflowError::Busy(_))
        ));
        drop(lock);
        assert!(!lock_file.exists());
        // A lock left by a dead process (pid far beyond pid_max).
        std::fs::write(&lock_file, "4294967\n").unwrap();
        if Path::new("/proc").is_dir() {
            let _again = LockFile::acquire(&record).unwrap();
        }
    }
}

//! The language server's state, shared by the protocol handlers, the
//! commands and the publisher task.

use super::choices::Choices;
use super::documents::Documents;
use super::editing;
use super::publisher::Job;
use super::schemas::Portals;
use super::settings::Settings;
use crate::catalogue::FileLocks;
use crate::schema::{Choice, Schema};
use crate::text::Encoding;
use std::sync::{Arc, Mutex, RwLock};
use tokio::sync::mpsc;
use tower_lsp_server::ls_types::Uri;

/// State shared by the handlers and the publisher task.
pub struct Shared {
    pub docs: Documents,
    pub(super) encoding: Mutex<Encoding>,
    pub(super) settings: Mutex<Settings>,
    /// The schema in use: `base_schema` with the catalogue's licence list
    /// once it was fetched.
    schema: RwLock<Arc<Schema>>,
    base_schema: RwLock<Arc<Schema>>,
    licences: RwLock<Option<Vec<Choice>>>,
    queue: mpsc::UnboundedSender<Job>,
    /// Files with a publish or update running.
    pub locks: FileLocks,
    /// What the client supports for completion.
    pub editing: editing::State,
    pub choices: Choices,
    /// Other portals' schemas, for records under a bcdc.toml.
    pub portals: Portals,
}

impl Shared {
    /// The state at start: no documents, default settings, the embedded
    /// schema; analysis jobs go to `queue`.
    pub fn new(queue: mpsc::UnboundedSender<Job>) -> Shared {
        let embedded = Arc::new(Schema::embedded());
        Shared {
            docs: Documents::default(),
            encoding: Mutex::new(Encoding::Utf16),
            settings: Mutex::new(Settings::default()),
            schema: RwLock::new(embedded.clone()),
            base_schema: RwLock::new(embedded),
            licences: RwLock::new(None),
            queue,
            locks: FileLocks::default(),
            editing: editing::State::default(),
            choices: Choices::default(),
            portals: Portals::default(),
        }
    }

    pub fn schema(&self) -> Arc<Schema> {
        self.schema
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Uses the catalogue's licence list from now on (when the schema
    /// compiles with it), and re-checks the open documents.
    pub fn use_licences(&self, licences: Vec<Choice>) {
        *self.licences.write().unwrap_or_else(|e| e.into_inner()) = Some(licences);
        self.rebuild_schema();
    }

    /// Whether the schema's licences are the catalogue's (else the embedded list).
    pub fn licences_from_catalogue(&self) -> bool {
        self.licences
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .is_some()
    }

    /// Sets a newly loaded schema, keeping the catalogue's licences.
    pub(super) fn set_base_schema(&self, schema: Schema) {
        *self.base_schema.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(schema);
        self.rebuild_schema();
    }

    fn rebuild_schema(&self) {
        let base = self
            .base_schema
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let licences = self
            .licences
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let schema = match licences.map(|l| base.with_licences(l)) {
            Some(Ok(with)) => Arc::new(with),
            _ => base,
        };
        *self.schema.write().unwrap_or_else(|e| e.into_inner()) = schema;
        for uri in self.docs.uris() {
            self.reanalyse(&uri);
        }
    }

    pub fn encoding(&self) -> Encoding {
        *self.encoding.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn settings(&self) -> Settings {
        self.settings
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// How the catalogue in use is named to the user.
    pub fn catalogue_name(&self) -> String {
        self.settings()
            .catalogue
            .unwrap_or_else(|| "test".to_string())
    }

    pub fn reanalyse(&self, uri: &Uri) {
        self.enqueue(Job::Analyse(uri.clone()));
    }

    pub(super) fn enqueue(&self, job: Job) {
        // The receiver lives as long as the runtime; a send can only fail
        // during shutdown, when nothing needs publishing any more.
        let _ = self.queue.send(job);
    }
}

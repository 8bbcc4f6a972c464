//! The open documents and what the last analysis found in them.

use crate::assist::CatalogueState;
use crate::check::{self, Diagnostic};
use crate::schema::Schema;
use crate::syntax::{Document, Format};
use std::collections::HashMap;
use std::sync::Mutex;
use tower_lsp_server::ls_types::Uri;

/// A field error the catalogue reported, shown until that field's text
/// changes or a later publish or update succeeds.
pub struct CatalogueMark {
    pub pointer: String,
    pub message: String,
    /// The field's text when the catalogue reported it.
    pub text: String,
    /// Set when the mark is a field changed on both sides since the last synchronisation.
    pub conflict: Option<ConflictMark>,
}

/// What a conflict's quick fixes need: the field's state key and its name in the plan.
pub struct ConflictMark {
    pub key: crate::record::state::Key,
    pub field: String,
}

/// The language id the VS Code extension gives YAML record files, so that
/// editor settings can be scoped to records alone. A document in it is a
/// record whatever its name or content.
const RECORD_YAML_LANGUAGE: &str = "bcdc-yaml";

pub struct OpenDoc {
    pub uri: Uri,
    /// The project file (`bcdc.toml`) over the file, when it names a portal.
    pub project: Option<crate::project::Project>,
    /// The editor said it is a record (its language id), before any content does.
    record_language: bool,
    pub catalogue: Vec<CatalogueMark>,
    /// The record's `publish_state` on the catalogue (for a record with an
    /// id, once asked): the state machine's moves start from it.
    pub catalogue_state: CatalogueState,
    /// The record's copy on the catalogue and its synchronisation state (see lsp::lens).
    pub remote: super::lens::CatalogueCopy,
    pub version: i32,
    pub doc: Document,
    /// Results of the last checks, reused by the next one.
    pub check_cache: check::Cache,
    /// Diagnostics of the last analysis (for code actions), with its version.
    pub diagnostics: Vec<Diagnostic>,
    pub analysed: Option<i32>,
    /// Whether diagnostics were published for it (so that a document that
    /// stops being a record gets them cleared).
    pub published: bool,
}

impl OpenDoc {
    /// The editor's language id decides the format (an untitled buffer has
    /// no file extension); other ids fall back to the file name.
    pub fn new(uri: Uri, language_id: &str, version: i32, text: &str) -> OpenDoc {
        let format = match language_id {
            "json" | "jsonc" => Format::Json,
            "yaml" | RECORD_YAML_LANGUAGE => Format::Yaml,
            _ => Format::from_path(uri.as_str()),
        };
        OpenDoc {
            record_language: language_id == RECORD_YAML_LANGUAGE,
            doc: Document::parse(text, format),
            check_cache: check::Cache::default(),
            catalogue: Vec::new(),
            catalogue_state: CatalogueState::Unknown,
            remote: Default::default(),
            uri,
            project: None,
            version,
            diagnostics: Vec::new(),
            analysed: None,
            published: false,
        }
    }

    /// The record's `id` (set once it is on the catalogue).
    pub fn record_id(&self) -> Option<String> {
        let root = self.doc.root()?;
        crate::catalogue::workflow::string_field(root, "id").map(str::to_string)
    }

    /// Whether the server analyses this document at all.
    pub fn is_record(&self, schema: &Schema) -> bool {
        self.record_language || check::is_record(self.uri.as_str(), &self.doc, schema)
    }
}

/// Keyed by the URI's text.
#[derive(Default)]
pub struct Documents(Mutex<HashMap<String, OpenDoc>>);

impl Documents {
    /// Runs `f` on the document, if open. The lock is never held across an
    /// await. Every analysis runs through here, so a bug that panics in one
    /// answers nothing (and is reported on stderr, the client's log) instead
    /// of taking the server down.
    pub fn with<R>(&self, uri: &Uri, f: impl FnOnce(&mut OpenDoc) -> R) -> Option<R> {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let open = map.get_mut(uri.as_str())?;
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(open))) {
            Ok(result) => Some(result),
            Err(_) => {
                eprintln!(
                    "bcdc-lsp: internal error while analysing {}; please report it",
                    uri.as_str()
                );
                None
            }
        }
    }

    /// Runs `f` on an open record file, brought up to date with its text;
    /// `None` for documents that are not records (the server leaves them
    /// to other servers).
    pub fn with_record<R>(
        &self,
        uri: &Uri,
        schema: &Schema,
        f: impl FnOnce(&mut OpenDoc) -> R,
    ) -> Option<R> {
        self.with(uri, |open| {
            open.doc.reparse();
            open.is_record(schema).then(|| f(open))
        })
        .flatten()
    }

    pub fn insert(&self, doc: OpenDoc) {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.insert(doc.uri.as_str().to_string(), doc);
    }

    pub fn remove(&self, uri: &Uri) -> Option<OpenDoc> {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.remove(uri.as_str())
    }

    pub fn uris(&self) -> Vec<Uri> {
        let map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.values().map(|d| d.uri.clone()).collect()
    }
}

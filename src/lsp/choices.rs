//! Choices from outside the schema, for completion: the catalogue's
//! organizations (fetched in the background, cached on disk) and the
//! keywords of the workspace's record files (read once at start).

use super::state::Shared;
use crate::assist;
use crate::catalogue::lists::{self, Lists};
use crate::schema::{Choice, Schema};
use crate::syntax::{Document, Format};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use tower_lsp_server::ls_types::{InitializeParams, Uri};

#[derive(Default)]
pub struct Choices {
    organizations: RwLock<Arc<Vec<Choice>>>,
    /// The same organizations by name (records use the name in place of the id too).
    organization_names: RwLock<Arc<Vec<Choice>>>,
    /// The workspace folders, and the keywords of their record files.
    roots: RwLock<Vec<PathBuf>>,
    workspace_keywords: RwLock<Arc<Vec<String>>>,
}

/// Bounds on the workspace scan for keywords: it must stay quick on a
/// home directory opened by mistake.
const SCAN_MAX_DEPTH: usize = 8;
const SCAN_MAX_ENTRIES: usize = 20_000;
const SCAN_MAX_FILE_BYTES: u64 = 1 << 20;

impl Choices {
    /// Takes the workspace folders to read keywords from.
    pub fn initialize(&self, params: &InitializeParams) {
        #[allow(deprecated)] // root_uri: older clients send only this
        let roots: Vec<PathBuf> = match &params.workspace_folders {
            Some(folders) => folders
                .iter()
                .filter_map(|f| f.uri.to_file_path().map(|p| p.into_owned()))
                .collect(),
            None => params
                .root_uri
                .iter()
                .filter_map(|u| u.to_file_path().map(|p| p.into_owned()))
                .collect(),
        };
        *self.roots.write().unwrap_or_else(|e| e.into_inner()) = roots;
    }

    /// The workspace folders.
    pub fn roots(&self) -> Vec<PathBuf> {
        self.roots.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn set_organizations(&self, organizations: Vec<Choice>, by_name: Vec<Choice>) {
        *self
            .organizations
            .write()
            .unwrap_or_else(|e| e.into_inner()) = Arc::new(organizations);
        *self
            .organization_names
            .write()
            .unwrap_or_else(|e| e.into_inner()) = Arc::new(by_name);
    }

    /// The organizations keyed by name (`value` is the name, `label` the title).
    pub fn organization_names(&self) -> Arc<Vec<Choice>> {
        self.organization_names
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn organizations(&self) -> Arc<Vec<Choice>> {
        self.organizations
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// The keywords of the workspace's and the other open record files
/// (the one being edited holds what is being typed).
pub fn keywords(shared: &Shared, editing: &Uri) -> Vec<String> {
    let schema = shared.schema();
    let mut out: Vec<String> = shared
        .choices
        .workspace_keywords
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .to_vec();
    for uri in shared.docs.uris().iter().filter(|u| *u != editing) {
        shared.docs.with(uri, |open| {
            if open.is_record(&schema) {
                keywords_of(&open.doc, &schema, &mut out);
            }
        });
    }
    out
}

/// Loads the catalogue's organizations (for completion and inlay hints) and
/// licences (for the licence check and inlay hints): at once from the disk cache, then, unless the cache
/// is under an hour old, from the catalogue — the organizations the user may
/// publish in when a key is set, else all. A failure keeps what there is
/// (completion then offers none, silently).
pub async fn refresh_catalogue_lists(shared: Arc<Shared>, client: tower_lsp_server::Client) {
    let settings = shared.settings();
    let Ok(catalogue) = settings.catalogue_client() else {
        return;
    };
    let cached = lists::load_cached(&catalogue);
    if let Some(cached) = &cached {
        use_lists(&shared, cached);
        super::editing::refresh_inlay_hints(&shared, &client);
    }
    if cached.is_some_and(|l| l.is_fresh(std::time::SystemTime::now())) {
        return;
    }
    match lists::fetch(&catalogue).await {
        Ok(fresh) => {
            // fetched without the key (untrusted folder): all organizations, not the
            // user's; not cached, so that the list with the key replaces it once trusted
            if !settings.restricted {
                lists::store(&catalogue, &fresh);
            }
            use_lists(&shared, &fresh);
            super::editing::refresh_inlay_hints(&shared, &client);
        }
        Err(e) => {
            client
                .log_message(
                    tower_lsp_server::ls_types::MessageType::INFO,
                    format!("bcdc: organizations and licences not refreshed: {e}"),
                )
                .await
        }
    }
}

fn use_lists(shared: &Shared, lists: &Lists) {
    let by_name = lists
        .organizations
        .iter()
        .filter_map(|o| {
            Some(Choice {
                value: o.name.clone()?,
                ..Choice::from(o)
            })
        })
        .collect();
    shared.choices.set_organizations(
        lists.organizations.iter().map(Choice::from).collect(),
        by_name,
    );
    if !lists.licences.is_empty() {
        shared.use_licences(lists.licences.iter().map(Choice::from).collect());
    }
}

/// Reads the keywords of the workspace's record files, in the background.
pub async fn load_workspace_keywords(shared: Arc<Shared>) {
    let roots = shared
        .choices
        .roots
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    let schema = shared.schema();
    let found = tokio::task::spawn_blocking(move || {
        let mut out = Vec::new();
        let mut budget = SCAN_MAX_ENTRIES;
        for root in &roots {
            scan_keywords(root, 0, &mut budget, &schema, &mut out);
        }
        out
    })
    .await
    .unwrap_or_default();
    *shared
        .choices
        .workspace_keywords
        .write()
        .unwrap_or_else(|e| e.into_inner()) = Arc::new(found);
}

fn scan_keywords(
    dir: &Path,
    depth: usize,
    budget: &mut usize,
    schema: &Schema,
    out: &mut Vec<String>,
) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if *budget == 0 {
            return;
        }
        *budget -= 1;
        let name = entry.file_name().to_string_lossy().to_lowercase();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            let skip = name.starts_with('.') || name == "node_modules" || name == "target";
            if !skip && depth < SCAN_MAX_DEPTH {
                scan_keywords(&entry.path(), depth + 1, budget, schema, out);
            }
            continue;
        }
        let is_record = crate::check::is_record_name(&name);
        let small = entry
            .metadata()
            .is_ok_and(|m| m.len() <= SCAN_MAX_FILE_BYTES);
        if !is_record || !kind.is_file() || !small {
            continue;
        }
        if let Ok(text) = std::fs::read_to_string(entry.path()) {
            let doc = Document::parse(&text, Format::from_path(&name));
            keywords_of(&doc, schema, out);
        }
    }
}

/// The keywords a record's keyword fields hold.
fn keywords_of(doc: &Document, schema: &Schema, out: &mut Vec<String>) {
    for field in assist::keyword_fields(schema) {
        if let Some(text) = doc.root().and_then(|r| r.get(&field.name)?.as_str()) {
            out.extend(
                text.split(',')
                    .map(|k| k.trim().to_string())
                    .filter(|k| !k.is_empty()),
            );
        }
    }
}

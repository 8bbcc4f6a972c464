//! Which schema each open record is checked against. Without a project file the
//! editor's schema (the embedded one, or `schemaPath`, with the catalogue's
//! licences). With a `bcdc.toml` beside the record (or above it, up to the
//! workspace folder), the schema its portal serves for its dataset type: fetched
//! once per (host, type) in the background (`catalogue::portal_schema`, which
//! caches it on disk for an hour and falls back to a stale copy offline), kept
//! here, and used for diagnostics, completion, hover and quick fixes alike.
//!
//! While it loads, or when it cannot be had, such records get no schema
//! findings (a BCDC finding on another portal's record would be false): the
//! status notification and the log say which schema is in use.
//!
//! The schema is fetched anonymously: a project file sits in a repository the
//! user may have just cloned, and its host must not receive the user's key.

use super::state::Shared;
use crate::catalogue::{portal_schema, Catalogue, CatalogueClient};
use crate::project::{self, Project};
use crate::schema::{Choice, Schema};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tower_lsp_server::ls_types::{MessageType, Uri};
use tower_lsp_server::Client;

/// A portal's schema: the catalogue setting (`test`, `prod` or a URL) and the
/// dataset type (`None`: the one `portal::choose_type` picks).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Portal {
    pub host: String,
    pub dataset_type: Option<String>,
}

impl Portal {
    /// How the schema is named to the user: "`camel-photos` of 127.0.0.1:5000".
    pub fn label(&self) -> String {
        let host = Catalogue::parse(&self.host).map_or(self.host.clone(), |c| c.label());
        match &self.dataset_type {
            Some(t) => format!("the `{t}` schema of {host}"),
            None => format!("the schema of {host}"),
        }
    }
}

enum Slot {
    Loading,
    Ready(Arc<Schema>),
    Failed(String),
}

/// The portals' schemas fetched so far.
#[derive(Default)]
pub struct Portals(Mutex<HashMap<Portal, Slot>>);

impl Portals {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Portal, Slot>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Marks `portal` as loading unless it is loaded or loading; true when the
    /// caller is to fetch it (a failed fetch is tried again).
    fn claim(&self, portal: &Portal) -> bool {
        let mut map = self.lock();
        match map.get(portal) {
            Some(Slot::Loading | Slot::Ready(_)) => false,
            Some(Slot::Failed(_)) | None => {
                map.insert(portal.clone(), Slot::Loading);
                true
            }
        }
    }
}

/// The schema a document is checked against, and its name for the user.
pub struct InUse {
    /// `None` while the portal's schema loads or when it could not be had.
    pub schema: Option<Arc<Schema>>,
    pub label: String,
}

/// The portal a document's project names.
pub fn portal_of(shared: &Shared, uri: &Uri) -> Option<Portal> {
    let project = shared.docs.with(uri, |open| open.project.clone())??;
    Some(portal(shared, project))
}

/// The portal a project names, with the editor's catalogue setting as the host
/// when the project file names only a type.
pub fn portal(shared: &Shared, project: Project) -> Portal {
    Portal {
        host: project
            .host
            .or(shared.settings().catalogue)
            .unwrap_or_else(|| "test".to_string()),
        dataset_type: project.dataset_type,
    }
}

/// Whether two catalogue settings name the same catalogue (`test` and its URL do).
pub fn same_catalogue(a: &str, b: &str) -> bool {
    match (Catalogue::parse(a), Catalogue::parse(b)) {
        (Ok(a), Ok(b)) => a.base_url() == b.base_url(),
        _ => false,
    }
}

/// The organizations to offer in a record: the editor catalogue's, unless the
/// record's project names another catalogue (whose organizations are not known).
pub fn organizations(shared: &Shared, uri: &Uri) -> Vec<Choice> {
    let setting = shared.settings().catalogue.unwrap_or_else(|| "test".into());
    match portal_of(shared, uri) {
        Some(p) if !same_catalogue(&p.host, &setting) => Vec::new(),
        _ => shared.choices.organizations().to_vec(),
    }
}

pub fn in_use(shared: &Shared, uri: &Uri) -> InUse {
    let Some(portal) = portal_of(shared, uri) else {
        let schema = shared.schema();
        let label = match shared.settings().schema_path {
            Some(path) => format!("the schema in {path}"),
            None => format!("the built-in `{}` schema", schema.dataset_type),
        };
        return InUse {
            schema: Some(schema),
            label,
        };
    };
    let label = portal.label();
    match shared.portals.lock().get(&portal) {
        Some(Slot::Ready(schema)) => InUse {
            schema: Some(schema.clone()),
            label,
        },
        Some(Slot::Failed(why)) => InUse {
            schema: None,
            label: format!("{label}: not available ({why})"),
        },
        Some(Slot::Loading) | None => InUse {
            schema: None,
            label: format!("{label} (loading)"),
        },
    }
}

/// The schema for a document, if it is there yet.
pub fn schema_for(shared: &Shared, uri: &Uri) -> Option<Arc<Schema>> {
    in_use(shared, uri).schema
}

/// The project file for a document (reads the file system, a few `stat`s, so that
/// the document is never checked before its schema is known): the nearest
/// `bcdc.toml` up to the workspace folder holding the file, or to the root for a
/// file outside every folder. `Err` says why a project file cannot be used.
pub fn read_project(uri: &Uri, roots: &[PathBuf]) -> Result<Option<Project>, String> {
    let Some(path) = uri.to_file_path() else {
        return Ok(None);
    };
    let stop = roots.iter().find(|r| path.starts_with(r));
    Ok(project::find(&path, stop.map(PathBuf::as_path))?
        .map(|f| f.project)
        .filter(|p| p.host.is_some() || p.dataset_type.is_some()))
}

/// Starts fetching the document's portal schema unless it is there or on its way.
pub fn ensure(shared: &Arc<Shared>, client: &Client, uri: &Uri) {
    if let Some(portal) = portal_of(shared, uri) {
        if shared.portals.claim(&portal) {
            tokio::spawn(load(shared.clone(), client.clone(), portal));
        }
    }
}

/// A portal's schema, from the disk cache or the portal.
pub async fn fetch(portal: &Portal) -> Result<Schema, String> {
    let catalogue = Catalogue::parse(&portal.host).map_err(|e| e.to_string())?;
    let client = CatalogueClient::new(catalogue, None).map_err(|e| e.to_string())?;
    portal_schema(&client, portal.dataset_type.as_deref())
        .await
        .map_err(|e| e.to_string())
}

async fn load(shared: Arc<Shared>, client: Client, portal: Portal) {
    let fetched = fetch(&portal).await;
    let label = portal.label();
    let (slot, message) = match fetched {
        Ok(schema) => (
            Slot::Ready(Arc::new(schema)),
            (
                MessageType::INFO,
                format!("bcdc: records under its bcdc.toml are checked against {label}"),
            ),
        ),
        Err(e) => (
            Slot::Failed(e.clone()),
            (
                MessageType::WARNING,
                format!(
                    "bcdc: cannot read {label}: {e}. Records under its bcdc.toml are not \
                     checked until it can be read (reopen one to try again)"
                ),
            ),
        ),
    };
    let failed = matches!(slot, Slot::Failed(_));
    shared.portals.lock().insert(portal.clone(), slot);
    if failed {
        client.show_message(message.0, message.1).await;
    } else {
        client.log_message(message.0, message.1).await;
    }
    for uri in shared.docs.uris() {
        if portal_of(&shared, &uri).as_ref() == Some(&portal) {
            shared.reanalyse(&uri);
            if !failed {
                // asked on open, but only a known schema says the document is a record
                tokio::spawn(super::lens::refresh(shared.clone(), client.clone(), uri));
            }
        }
    }
}

//! The one task that analyses documents and publishes diagnostics.
//!
//! Handlers only enqueue work. The task drains the queue, keeps the newest
//! request per document (newer work supersedes older), analyses the document
//! as it is now and publishes with its version. Being the only publisher, it
//! can never send an older version's diagnostics after a newer one's.

use super::convert;
use super::schemas;
use super::state::Shared;
use crate::catalogue::workflow::locate;
use crate::check;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use tokio::sync::mpsc;
use tower_lsp_server::ls_types::{notification::Notification, Uri};
use tower_lsp_server::Client;

pub enum Job {
    Analyse(Uri),
    /// The document was closed: clear its diagnostics.
    Clear(Uri),
}

/// `bcdc/status`: what the status bar shows for a record.
#[derive(Debug, Serialize, Deserialize)]
pub struct StatusParams {
    pub uri: Uri,
    pub version: i32,
    pub catalogue: String,
    pub errors: usize,
    pub warnings: usize,
    pub id: Option<String>,
    /// The schema the record is checked against, in words.
    pub schema: String,
}

pub enum Status {}

impl Notification for Status {
    type Params = StatusParams;
    const METHOD: &'static str = "bcdc/status";
}

pub fn spawn(client: Client, shared: Arc<Shared>, mut queue: mpsc::UnboundedReceiver<Job>) {
    tokio::spawn(async move {
        while let Some(first) = queue.recv().await {
            let mut batch = vec![first];
            while let Ok(more) = queue.try_recv() {
                batch.push(more);
            }
            for (i, job) in batch.iter().enumerate() {
                match job {
                    Job::Analyse(uri) => {
                        let superseded = batch[i + 1..]
                            .iter()
                            .any(|later| matches!(later, Job::Analyse(u) if u == uri));
                        if !superseded {
                            publish(&client, &shared, uri).await;
                        }
                    }
                    Job::Clear(uri) => {
                        client
                            .publish_diagnostics(uri.clone(), Vec::new(), None)
                            .await
                    }
                }
            }
        }
    });
}

async fn publish(client: &Client, shared: &Shared, uri: &Uri) {
    let in_use = schemas::in_use(shared, uri);
    let enc = shared.encoding();
    let catalogue =
        schemas::portal_of(shared, uri).map_or_else(|| shared.catalogue_name(), |p| p.host);
    let result = shared.docs.with(uri, |open| {
        open.doc.reparse();
        // a portal's schema still loading (or unavailable): nothing to say yet
        let Some(schema) = in_use.schema.as_deref().filter(|s| open.is_record(s)) else {
            let was = std::mem::take(&mut open.published);
            open.diagnostics.clear();
            return was.then(|| (Vec::new(), open.version, None));
        };
        let diagnostics = check::check_with(&open.doc, schema, &mut open.check_cache);
        let mut lsp: Vec<_> = diagnostics
            .iter()
            .map(|d| convert::diagnostic(open.doc.text(), d, enc))
            .collect();
        // the catalogue's own errors, until their field is edited
        let doc = &open.doc;
        open.catalogue
            .retain(|m| doc.slice(locate(doc, &m.pointer)) == m.text);
        lsp.extend(
            open.catalogue
                .iter()
                .map(|m| convert::catalogue_diagnostic(doc, m, enc)),
        );
        let status = StatusParams {
            uri: uri.clone(),
            version: open.version,
            catalogue: catalogue.clone(),
            errors: diagnostics
                .iter()
                .filter(|d| d.severity == check::Severity::Error)
                .count(),
            warnings: diagnostics
                .iter()
                .filter(|d| d.severity == check::Severity::Warning)
                .count(),
            id: open.record_id(),
            schema: in_use.label.clone(),
        };
        open.diagnostics = diagnostics;
        open.analysed = Some(open.version);
        open.published = true;
        Some((lsp, open.version, Some(status)))
    });
    if let Some(Some((diagnostics, version, status))) = result {
        client
            .publish_diagnostics(uri.clone(), diagnostics, Some(version))
            .await;
        if let Some(status) = status {
            client.send_notification::<Status>(status).await;
        }
    }
}

//! Pull: a catalogue record as a record file the checker accepts and an update leaves alone,
//! or the catalogue's changes written into a record file that has edits of its own.

use std::path::Path;

use serde_json::{Map, Value};

use super::client::CatalogueClient;
use super::error::CatalogueError;
use super::state_file::{self, Known};
use super::workflow::string_field;
use crate::record::merge;
use crate::record::plan::{plan_sync, Resolve};
use crate::record::pulled::{pulled, Pulled};
use crate::schema::Schema;
use crate::syntax::{Document, Format};

/// `package_show` of `name_or_id`, in file form.
pub async fn pull(
    client: &CatalogueClient,
    name_or_id: &str,
    format: Format,
    schema: &Schema,
) -> Result<Pulled, CatalogueError> {
    let package = client.package_show(name_or_id).await?;
    Ok(pulled(&package, format, schema, client.catalogue()))
}

/// What a pull into an existing record file did.
pub struct PulledInto {
    /// The file's text now (the same as before when nothing came in).
    pub text: String,
    /// The catalogue's copy it was synchronised with.
    pub package: Map<String, Value>,
    /// Fields taken from the catalogue.
    pub taken: Vec<String>,
    /// The file's own changes, kept (left for an update to send).
    pub kept: Vec<String>,
}

/// Why a pull into a file stopped.
pub enum PullError {
    /// Nothing was changed: the file has no record or id, a conflict, a layout the
    /// changes cannot be written into, or the file changed meanwhile.
    Stopped(String),
    Catalogue(CatalogueError),
    /// The file was written but its synchronisation state could not be.
    State(String),
}

/// The catalogue's changes since the file's last synchronisation written into the file
/// at `path` (which held `text` when read, and is written again only if it still does);
/// the file's own edits kept, and left for an update to send.
pub async fn pull_into(
    client: &CatalogueClient,
    path: &Path,
    text: &str,
    resolve: Resolve,
    schema: &Schema,
) -> Result<PulledInto, PullError> {
    let doc = Document::parse(text, Format::from_path(&path.to_string_lossy()));
    let stop = |why: String| PullError::Stopped(format!("{}: {why}", path.display()));
    let root = doc
        .root()
        .ok_or_else(|| stop("the file holds no record".into()))?;
    let id = string_field(root, "id")
        .ok_or_else(|| stop("it has no id: it is not on the catalogue yet".into()))?;
    let base_url = client.catalogue().base_url().to_string();
    let known = Known::read(path, &base_url, Some(id));
    let package = client
        .package_show(id)
        .await
        .map_err(PullError::Catalogue)?;
    // Without a state, what differs is the catalogue's unless the file is newer.
    let plan = plan_sync(root, &package, known.basis(resolve), schema);
    if plan.blocked(resolve) {
        return Err(stop(plan.conflict_message()));
    }
    let Value::Object(file_record) = root.to_json() else {
        return Err(stop("the file holds no record".into()));
    };
    let merged = merge::merged_record(
        &file_record,
        &package,
        &plan.pending,
        known.state.as_ref(),
        schema,
    );
    let new_text = merge::merged_text(&doc, &merged)
        .map_err(|why| stop(format!("{why}; nothing was changed")))?;
    // The file first: killed before the state is written, the next update finds the
    // catalogue's values in the file and on the catalogue alike, and sends nothing; the other
    // order could send the file's old values back as if they were edits.
    if new_text != text {
        write_if_unchanged(path, text, &new_text)
            .map_err(|why| PullError::Stopped(format!("not pulled: {why}")))?;
    }
    let written = Document::parse(&new_text, doc.format());
    state_file::save_synced(
        path,
        &base_url,
        &written,
        &package,
        known.state.as_ref(),
        &[],
        &plan.local,
        schema,
    )
    .map_err(|e| PullError::State(format!("cannot write the state of {}: {e}", path.display())))?;
    Ok(PulledInto {
        text: new_text,
        taken: plan.theirs.iter().map(|c| c.field.clone()).collect(),
        kept: plan.fields().iter().map(|f| f.to_string()).collect(),
        package,
    })
}

/// Writes `new_text` to `path` (atomically) only if it still holds `was`.
pub fn write_if_unchanged(path: &Path, was: &str, new_text: &str) -> Result<(), String> {
    match std::fs::read(path) {
        Ok(now) if now == was.as_bytes() => {}
        Ok(_) => return Err(format!("{} changed meanwhile", path.display())),
        Err(e) => return Err(format!("{} cannot be read again ({e})", path.display())),
    }
    state_file::write_atomically(path, new_text)
        .map_err(|e| format!("{} could not be written ({e})", path.display()))
}

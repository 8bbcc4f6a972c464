//! The BC Data Catalogue client and the record round trip (publish, patch, pull).
//! Thin shells around the CKAN action API; the workflows return data (edits, field
//! changes, located problems, messages) for the CLI and the LSP layer to present.
//!
//! For a front end:
//! - [`connect`]`(setting, explicit_key)` gives the [`CatalogueClient`] (key from the
//!   editor, `BCDC_API_KEY`, or `bcdc-lsp/config.toml`).
//! - Publish: [`FileLocks::try_lock`], then [`publish()`] → [`Published`] (`id`, `url`,
//!   `edits`: byte ranges + texts that write the record's and its resources' ids,
//!   [`apply_edits`]; [`Published::message`]).
//! - Update: [`prepare_update`] → ([`PatchPlan`], package): show
//!   [`FieldChange::summary`] of `plan.changes`, ask, then [`send_update`] → [`Patched`]
//!   ([`Patched::message`]). An empty plan sends nothing.
//! - Pull: [`pull()`] → [`Pulled`] (`text` in the format asked for).
//! - Failures are [`WorkflowError`]s; `Invalid` and `Catalogue` carry [`Problem`]s with
//!   byte ranges in the file, for diagnostics (source "catalogue").

pub mod cache;
pub mod client;
pub mod credentials;
pub mod error;
pub mod host;
pub mod links;
pub mod listing;
pub mod lists;
pub mod lock;
pub mod patch;
pub mod portal;
pub mod publish;
pub mod pull;
pub mod search;
pub mod state_file;
pub mod workflow;

/// The pure record modules' old paths here, for code written against them.
pub use crate::record::{compare, convert as record};

pub use crate::record::plan::{
    plan_patch, plan_sync, Basis, Conflict, FieldChange, PatchPlan, Resolve, Written,
};
pub use crate::record::pulled::Pulled;
pub use crate::record::state::SyncState;
pub use client::{CatalogueClient, ClientOptions, License, Organization};
pub use credentials::{ApiKey, Credentials, KeySource};
pub use error::{AuthProblem, CatalogueError, ConnectionProblem, FieldError};
pub use host::Catalogue;
pub use lock::{FileLocks, LockFile};
pub use patch::{prepare_update, send_update, Patched};
pub use portal::portal_schema;
pub use publish::{
    apply_edits, id_edits, prepare_publish, publish, PublishPlan, Published, TextEdit,
};
pub use pull::pull;
pub use workflow::{catalogue_problems, form_only_problems, Problem, WorkflowError};

/// The client for a `catalogue` setting (`test`, `prod` or a URL), with the key found by
/// [`credentials::resolve`]: `explicit_key` (editor settings / secret storage) first, then
/// `BCDC_API_KEY`, then the config file. The error is a message for the user.
pub fn connect(
    catalogue_setting: &str,
    explicit_key: Option<&str>,
) -> Result<CatalogueClient, String> {
    let catalogue = Catalogue::parse(catalogue_setting).map_err(|e| e.to_string())?;
    let credentials = credentials::resolve(explicit_key.and_then(ApiKey::new), &catalogue)
        .map_err(|e| e.to_string())?;
    CatalogueClient::new(catalogue, credentials.map(|c| c.key)).map_err(|e| e.to_string())
}

//! The BC Data Catalogue client and the record round trip (publish, patch, pull).
//! Thin shells around the CKAN action API; the workflows return data (edits, field
//! changes, located problems, messages) for the CLI and the LSP layer to present.

pub mod client;
pub mod credentials;
pub mod emit;
pub mod error;
pub mod host;
pub mod lock;
pub mod patch;
pub mod publish;
pub mod pull;
pub mod record;
pub mod workflow;

pub use client::{CatalogueClient, ClientOptions, License, Organization};
pub use credentials::{ApiKey, Credentials, KeySource};
pub use error::{AuthProblem, CatalogueError, ConnectionProblem, FieldError};
pub use host::Catalogue;
pub use lock::{FileLocks, LockFile};
pub use patch::{plan_patch, prepare_update, send_update, FieldChange, PatchPlan, Patched};
pub use publish::{id_edit, prepare_publish, publish, PublishPlan, Published, TextEdit};
pub use pull::{pull, Pulled};
pub use workflow::{catalogue_problems, Problem, WorkflowError};

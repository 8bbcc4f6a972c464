//! The BC Data Catalogue client and the record round trip (publish, patch, pull).
//! Thin shells around the CKAN action API; the workflows return data for the CLI and
//! the LSP layer to present.

pub mod client;
pub mod credentials;
pub mod emit;
pub mod error;
pub mod host;
pub mod patch;
pub mod record;

pub use client::{CatalogueClient, ClientOptions, License, Organization};
pub use credentials::{ApiKey, Credentials, KeySource};
pub use error::{AuthProblem, CatalogueError, ConnectionProblem, FieldError};
pub use host::Catalogue;

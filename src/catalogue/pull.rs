//! Pull: a catalogue record as a record file the checker accepts and an update leaves alone.

use super::client::CatalogueClient;
use super::error::CatalogueError;
use crate::record::pulled::{pulled, Pulled};
use crate::schema::Schema;
use crate::syntax::Format;

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

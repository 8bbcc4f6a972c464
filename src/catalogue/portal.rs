//! Another portal's schema: the dataset schema a ckanext-scheming catalogue serves
//! (`scheming_dataset_schema_show`) and its licences (`license_list`), cached on disk
//! like the organization and licence lists, so that `check --host` and the audit read
//! any scheming catalogue the way it reads its own records. The JSON is handed to the
//! schema module as is; this module only fetches, caches and picks the dataset type.
//! The portal's CKAN version (`status_show`) is cached with it: which keys the catalogue
//! keeps besides the schema's fields depends on it (`schema::ckan_core`).

use super::lists::{self, CachedChoice};
use super::{CatalogueClient, CatalogueError};
use crate::schema::{CkanVersion, Schema};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value as J};
use std::time::SystemTime;

/// The type picked when a portal serves several and BCDC's is among them.
pub const BCDC_DATASET_TYPE: &str = "bcdc_dataset";

/// What is cached per catalogue: the types it serves, the schemas fetched so far
/// (by type, as served) and its licences.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
struct Cached {
    types: Vec<String>,
    schemas: Map<String, J>,
    licences: Vec<CachedChoice>,
    /// `status_show`'s `ckan_version`, `""` when the portal does not say (`None`: a copy
    /// cached before versions were, refetched).
    #[serde(default)]
    ckan_version: Option<String>,
    /// Seconds since the Unix epoch.
    fetched_at: u64,
}

/// The dataset schema of `dataset_type` on the client's catalogue (with `None`, the
/// type [`choose_type`] picks), with the catalogue's licence list. A copy younger than
/// an hour comes from the cache; an older one is refetched, and used only when the
/// catalogue cannot be reached.
pub async fn portal_schema(
    client: &CatalogueClient,
    dataset_type: Option<&str>,
) -> Result<Schema, CatalogueError> {
    let label = client.catalogue().label();
    let cached: Option<Cached> = lists::read_cache(client, "portal");
    let fresh = cached
        .as_ref()
        .filter(|c| lists::is_fresh(c.fetched_at, SystemTime::now()));
    // A fresh copy that lacks the type asked for is refetched whole (the type may be new).
    let fresh = fresh.filter(|c| {
        choose_type(&c.types, dataset_type, &label).is_ok() && c.ckan_version.is_some()
    });
    if let Some(c) = fresh {
        let t = choose_type(&c.types, dataset_type, &label)?;
        if let Some(schema) = c.schemas.get(&t) {
            return build(schema, c, &label);
        }
    }
    let fetched = match fetch(client, dataset_type, fresh.cloned()).await {
        Ok(fetched) => fetched,
        Err(e) if offline(&e) => {
            // Unreachable: a stale copy beats no schema at all.
            let stale = cached.as_ref().and_then(|c| {
                let t = choose_type(&c.types, dataset_type, &label).ok()?;
                Some((c.schemas.get(&t)?, c))
            });
            return match stale {
                Some((schema, c)) => build(schema, c, &label),
                None => Err(e),
            };
        }
        Err(e) => return Err(e),
    };
    let (t, cache) = fetched;
    lists::write_cache(client, "portal", &cache);
    build(&cache.schemas[&t], &cache, &label)
}

/// Fetches the type list (unless `fresh` has it), the chosen type's schema and the
/// licences; returns the type and the cache to store.
async fn fetch(
    client: &CatalogueClient,
    asked: Option<&str>,
    fresh: Option<Cached>,
) -> Result<(String, Cached), CatalogueError> {
    let label = client.catalogue().label();
    let mut cache = match fresh {
        Some(c) => c,
        None => Cached {
            types: client.scheming_dataset_schema_list().await.map_err(|e| {
                if offline(&e) {
                    return e;
                }
                CatalogueError::Schema {
                    catalogue: label.clone(),
                    message: format!(
                        "it does not serve ckanext-scheming dataset schemas \
                         (scheming_dataset_schema_list failed: {e})"
                    ),
                }
            })?,
            licences: client
                .license_list()
                .await?
                .into_iter()
                .map(|l| CachedChoice {
                    label: if l.title.trim().is_empty() {
                        l.id.clone()
                    } else {
                        l.title
                    },
                    value: l.id,
                    name: None,
                })
                .collect(),
            schemas: Map::new(),
            ckan_version: Some(match client.ckan_version().await {
                Ok(version) => version.unwrap_or_default(),
                Err(e) if offline(&e) => return Err(e),
                // a portal that hides its status is modelled as the default version
                Err(_) => String::new(),
            }),
            fetched_at: lists::seconds(SystemTime::now()),
        },
    };
    let t = choose_type(&cache.types, asked, &label)?;
    let schema = client.scheming_dataset_schema_show(&t).await?;
    cache.schemas.insert(t.clone(), schema);
    Ok((t, cache))
}

/// The dataset type to use: the one asked for (if the portal serves it), else the
/// portal's only type, else BCDC's when served; otherwise an error listing the types.
pub fn choose_type(
    types: &[String],
    asked: Option<&str>,
    catalogue: &str,
) -> Result<String, CatalogueError> {
    let error = |message: String| CatalogueError::Schema {
        catalogue: catalogue.to_string(),
        message,
    };
    let listed = || {
        types
            .iter()
            .map(|t| format!("`{t}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match (asked, types) {
        (_, []) => Err(error("it serves no dataset schemas".into())),
        (Some(t), _) if types.iter().any(|x| x == t) => Ok(t.to_string()),
        (Some(t), _) => Err(error(format!(
            "it serves no dataset type `{t}`; it serves {}",
            listed()
        ))),
        (None, [only]) => Ok(only.clone()),
        (None, _) if types.iter().any(|x| x == BCDC_DATASET_TYPE) => {
            Ok(BCDC_DATASET_TYPE.to_string())
        }
        (None, _) => Err(error(format!(
            "it serves several dataset types ({}); choose one with --type",
            listed()
        ))),
    }
}

/// The schema `schema` of a cached portal, with its licences and over its CKAN version.
fn build(schema: &J, cached: &Cached, catalogue: &str) -> Result<Schema, CatalogueError> {
    let licences: Vec<J> = cached
        .licences
        .iter()
        .map(|l| json!({"id": l.value, "title": l.label}))
        .collect();
    let version = CkanVersion::nearest(cached.ckan_version.as_deref().unwrap_or_default());
    Schema::from_json(schema, &J::Array(licences))
        .map(|s| s.with_ckan_version(version))
        .map_err(|e| CatalogueError::Schema {
            catalogue: catalogue.to_string(),
            message: format!("its dataset schema cannot be read: {e}"),
        })
}

/// Failures that say nothing about the portal, only that it could not be reached.
fn offline(e: &CatalogueError) -> bool {
    matches!(
        e,
        CatalogueError::Timeout { .. } | CatalogueError::Connection { .. }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn types(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_type_is_the_asked_one_the_only_one_or_bcdc() {
        let one = types(&["camel-photos"]);
        assert_eq!(choose_type(&one, None, "c").unwrap(), "camel-photos");
        let many = types(&["dataset", "bcdc_dataset", "camel-photos"]);
        assert_eq!(choose_type(&many, None, "c").unwrap(), "bcdc_dataset");
        assert_eq!(choose_type(&many, Some("dataset"), "c").unwrap(), "dataset");
    }

    #[test]
    fn an_unknown_or_ambiguous_type_lists_the_served_ones() {
        let many = types(&["dataset", "camel-photos"]);
        let e = choose_type(&many, None, "cat").unwrap_err().to_string();
        assert!(
            e.contains("`dataset`, `camel-photos`") && e.contains("--type"),
            "{e}"
        );
        let e = choose_type(&many, Some("nope"), "cat")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("no dataset type `nope`") && e.contains("`camel-photos`"),
            "{e}"
        );
        assert!(choose_type(&[], None, "cat").is_err());
    }
}

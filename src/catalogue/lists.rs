//! The catalogue's organizations and licences, for completion and for the
//! licence check: fetched in the background and cached on disk, so that
//! they are there offline and never wait on the network.

use super::{CatalogueClient, CatalogueError, Organization};
use crate::schema::Choice;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A cached list is refreshed when older than this.
pub const MAX_AGE: Duration = Duration::from_secs(60 * 60);

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Lists {
    /// Value: the organization's id (contacts need the id); label: its title.
    pub organizations: Vec<CachedChoice>,
    pub licences: Vec<CachedChoice>,
    /// Seconds since the Unix epoch.
    pub fetched_at: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CachedChoice {
    pub value: String,
    pub label: String,
    /// An organization's name (its URL slug), which records also use in place of the id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl From<&CachedChoice> for Choice {
    fn from(c: &CachedChoice) -> Choice {
        Choice {
            value: c.value.clone(),
            label: c.label.clone(),
            next: Vec::new(),
        }
    }
}

impl Lists {
    pub fn is_fresh(&self, now: SystemTime) -> bool {
        is_fresh(self.fetched_at, now)
    }
}

/// Whether something fetched at `fetched_at` (seconds since the epoch) is younger than
/// [`MAX_AGE`].
pub(super) fn is_fresh(fetched_at: u64, now: SystemTime) -> bool {
    let age = seconds(now).saturating_sub(fetched_at);
    age < MAX_AGE.as_secs()
}

/// Seconds since the Unix epoch.
pub(super) fn seconds(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs()
}

/// The organizations the user may publish in (with a key), or all of them,
/// and the licence list.
pub async fn fetch(client: &CatalogueClient) -> Result<Lists, CatalogueError> {
    let organizations = if client.has_key() {
        client.organization_list_for_user().await?
    } else {
        client.organization_list().await?
    };
    let licences = client.license_list().await?;
    let label = |title: &str, fallback: &str| {
        if title.trim().is_empty() {
            fallback.to_string()
        } else {
            title.to_string()
        }
    };
    Ok(Lists {
        organizations: organizations
            .iter()
            .map(|Organization { id, name, title }| CachedChoice {
                value: id.clone(),
                label: label(title, name),
                name: Some(name.clone()).filter(|n| !n.is_empty() && n != id),
            })
            .collect(),
        licences: licences
            .iter()
            .map(|l| CachedChoice {
                value: l.id.clone(),
                label: label(&l.title, &l.id),
                name: None,
            })
            .collect(),
        fetched_at: seconds(SystemTime::now()),
    })
}

/// `<cache dir>/bcdc-lsp/<kind>-<host>.json`.
pub(super) fn cache_file(client: &CatalogueClient, kind: &str) -> Option<PathBuf> {
    let host = super::cache::host_key(client.catalogue());
    Some(super::cache::cache_root()?.join(format!("{kind}-{host}.json")))
}

/// The cached lists for this catalogue, however old.
pub fn load_cached(client: &CatalogueClient) -> Option<Lists> {
    read_cache(client, "lists")
}

/// Writes the cache (best effort: a read-only home only costs a refetch).
pub fn store(client: &CatalogueClient, lists: &Lists) {
    write_cache(client, "lists", lists)
}

pub(super) fn read_cache<T: serde::de::DeserializeOwned>(
    client: &CatalogueClient,
    kind: &str,
) -> Option<T> {
    let text = std::fs::read_to_string(cache_file(client, kind)?).ok()?;
    serde_json::from_str(&text).ok()
}

/// Replaces the cache file whole (written aside, then renamed), best effort.
pub(super) fn write_cache<T: Serialize>(client: &CatalogueClient, kind: &str, value: &T) {
    if let Some(path) = cache_file(client, kind) {
        super::cache::write_json(&path, value);
    }
}

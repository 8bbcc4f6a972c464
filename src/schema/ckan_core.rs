//! CKAN's own package and resource schemas, on which ckanext-scheming lays a portal's
//! fields: what happens to a key that is not a field of the portal's form.
//!
//! Read from CKAN's source (`ckan/logic/schema.py`: `default_create_package_schema`,
//! `default_resource_schema`, `default_show_package_schema`; `model_dictize.py`:
//! `package_dictize`, `resource_dictize`; `model/package.py`, `model/resource.py`) for
//! 2.9, 2.10 and 2.11, and ckanext-scheming's `validate`, which sets one validator list
//! per scheming field on that default schema and leaves every other core key as it is:
//! - a dataset key in neither schema falls into the package schema's `__extras`, whose
//!   validator is `ignore`: it is dropped without an error;
//! - a core package key (`author`, `url`, `groups`, `extras`, ...) is stored, whether or
//!   not the portal's form shows it;
//! - a resource key in neither schema is kept: the resource schema's `__extras` is
//!   `keep_extras`, and `resource_dict_save` stores it among the resource's extras;
//! - `package_show` adds what the catalogue computes (counts, dates, the organization
//!   object), which an update ignores.
//!
//! Scheming fields come first: a key the portal's schema defines is a field, whatever
//! CKAN does with it; these lists are asked only about the other keys.

/// The CKAN versions modelled; a portal's version is mapped to the nearest one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CkanVersion {
    /// The version BCDC runs: the model used without a catalogue to ask.
    #[default]
    V2_9,
    V2_10,
    V2_11,
}

impl CkanVersion {
    /// The modelled version nearest to `status_show`'s `ckan_version` (`2.10.4`,
    /// `2.11.0b1`): older ones as 2.9, newer as 2.11, and text that is no version as
    /// 2.9, the version of the embedded schema's portal.
    pub fn nearest(version: &str) -> CkanVersion {
        let mut parts = version.trim().split('.').map(|p| {
            let digits: String = p.chars().take_while(char::is_ascii_digit).collect();
            digits.parse::<u32>().ok()
        });
        match (parts.next().flatten(), parts.next().flatten()) {
            (Some(major), _) if major > 2 => CkanVersion::V2_11,
            (Some(2), Some(minor)) if minor >= 11 => CkanVersion::V2_11,
            (Some(2), Some(10)) => CkanVersion::V2_10,
            _ => CkanVersion::V2_9,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CkanVersion::V2_9 => "2.9",
            CkanVersion::V2_10 => "2.10",
            CkanVersion::V2_11 => "2.11",
        }
    }
}

/// What the catalogue does with a key that is not a field of the portal's schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyClass {
    /// Stored and returned by `package_show`, though the portal's form does not show it.
    Kept,
    /// Computed by the catalogue: `package_show` returns it, an update ignores it.
    OutputOnly,
    /// Stored only when a sysadmin sends it (`plugin_data` from CKAN 2.10 on): an
    /// editor's value is dropped, and `package_show` shows it to no editor.
    SysadminOnly,
    /// Dropped without an error on create and update.
    Dropped,
}

/// Core package keys an editor may send and CKAN stores (the create schema's keys less
/// those it ignores or keeps for sysadmins). The same in 2.9, 2.10 and 2.11.
const KEPT_DATASET_KEYS: &[&str] = &[
    "id",
    "name",
    "title",
    "type",
    "notes",
    "license_id",
    "owner_org",
    "author",
    "author_email",
    "maintainer",
    "maintainer_email",
    "url",
    "version",
    "state",
    "private",
    "tags",
    "tag_string",
    "extras",
    "groups",
    "relationships_as_subject",
    "relationships_as_object",
    "resources",
];

/// Keys `package_show` adds to the stored ones (`package_dictize` and the show schema),
/// plus `revision_id`, which records of CKAN before 2.9 still carry.
const OUTPUT_ONLY_DATASET_KEYS: &[&str] = &[
    "metadata_created",
    "metadata_modified",
    "creator_user_id",
    "num_resources",
    "num_tags",
    "organization",
    "isopen",
    "license_title",
    "license_url",
    "tracking_summary",
    "revision_id",
];

/// Keys of CKAN 2.10 and later that only a sysadmin sets and only a sysadmin asking for
/// them sees (`plugin_data`: `ignore_not_sysadmin`, `include_plugin_data`). In 2.9 the
/// same key is unknown.
const SYSADMIN_DATASET_KEYS_FROM_2_10: &[&str] = &["plugin_data"];

/// Core resource keys (the resource schema's keys and table columns).
const KEPT_RESOURCE_KEYS: &[&str] = &[
    "id",
    "url",
    "description",
    "format",
    "name",
    "resource_type",
    "url_type",
    "last_modified",
    "hash",
    "mimetype",
    "mimetype_inner",
    "size",
    "cache_url",
    "cache_last_updated",
    // extras the datastore and its loaders store on the resource
    "datastore_active",
    "datastore_contains_all_records_of_source_file",
    "original_url",
];

/// Resource keys the catalogue computes (the resource schema `ignore`s `package_id`,
/// `position` and `state`; the model sets the dates; `package_show` and plugins add the
/// rest when it shows a resource, without storing them).
const OUTPUT_ONLY_RESOURCE_KEYS: &[&str] = &[
    "package_id",
    "position",
    "state",
    "created",
    "metadata_modified",
    "revision_id",
    "tracking_summary",
    "has_views",
    "on_same_domain",
];

/// What the catalogue does with a dataset-level key that is not a field of the portal's
/// schema.
pub fn dataset_key(version: CkanVersion, key: &str) -> KeyClass {
    if KEPT_DATASET_KEYS.contains(&key) {
        KeyClass::Kept
    } else if OUTPUT_ONLY_DATASET_KEYS.contains(&key) {
        KeyClass::OutputOnly
    } else if version >= CkanVersion::V2_10 && SYSADMIN_DATASET_KEYS_FROM_2_10.contains(&key) {
        KeyClass::SysadminOnly
    } else {
        KeyClass::Dropped
    }
}

/// What the catalogue does with a resource key that is not a field of the portal's
/// schema: computed ones aside, every key is kept (as a resource extra when it is not a
/// core one).
pub fn resource_key(key: &str) -> KeyClass {
    if OUTPUT_ONLY_RESOURCE_KEYS.contains(&key) {
        KeyClass::OutputOnly
    } else {
        KeyClass::Kept
    }
}

/// The dataset-level keys of CKAN's package schema that a record file may hold besides
/// the portal's fields (kept and output-only ones).
pub fn dataset_keys() -> impl Iterator<Item = &'static str> {
    KEPT_DATASET_KEYS
        .iter()
        .chain(OUTPUT_ONLY_DATASET_KEYS)
        .copied()
}

/// CKAN's own resource keys (kept and output-only ones).
pub fn resource_keys() -> impl Iterator<Item = &'static str> {
    KEPT_RESOURCE_KEYS
        .iter()
        .chain(OUTPUT_ONLY_RESOURCE_KEYS)
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_map_to_the_nearest_modelled_one() {
        let v = CkanVersion::nearest;
        assert_eq!(v("2.9.11"), CkanVersion::V2_9);
        assert_eq!(v("2.8.12"), CkanVersion::V2_9);
        assert_eq!(v("2.10.4"), CkanVersion::V2_10);
        assert_eq!(v("2.11.0b1"), CkanVersion::V2_11);
        assert_eq!(v("2.12.0"), CkanVersion::V2_11);
        assert_eq!(v("3.0"), CkanVersion::V2_11);
        assert_eq!(v(""), CkanVersion::V2_9);
        assert_eq!(v("unknown"), CkanVersion::V2_9);
    }

    #[test]
    fn core_package_keys_are_kept_computed_ones_output_only_the_rest_dropped() {
        for version in [CkanVersion::V2_9, CkanVersion::V2_10, CkanVersion::V2_11] {
            for key in [
                "author",
                "url",
                "version",
                "maintainer_email",
                "groups",
                "extras",
            ] {
                assert_eq!(dataset_key(version, key), KeyClass::Kept, "{key}");
            }
            for key in [
                "metadata_modified",
                "num_resources",
                "organization",
                "isopen",
            ] {
                assert_eq!(dataset_key(version, key), KeyClass::OutputOnly, "{key}");
            }
            // the package schema's `__extras` is `ignore`; `save` and `log_message` are
            // read but not stored
            for key in ["description", "save", "log_message", "bcdc_type"] {
                assert_eq!(dataset_key(version, key), KeyClass::Dropped, "{key}");
            }
        }
    }

    #[test]
    fn plugin_data_is_a_sysadmin_key_from_2_10_and_unknown_before() {
        assert_eq!(
            dataset_key(CkanVersion::V2_9, "plugin_data"),
            KeyClass::Dropped
        );
        for version in [CkanVersion::V2_10, CkanVersion::V2_11] {
            assert_eq!(dataset_key(version, "plugin_data"), KeyClass::SysadminOnly);
        }
    }

    #[test]
    fn every_resource_key_is_kept_but_the_computed_ones() {
        for key in [
            "url_type",
            "last_modified",
            "mimetype",
            "size",
            "ofi",
            "isUrl",
        ] {
            assert_eq!(resource_key(key), KeyClass::Kept, "{key}");
        }
        for key in ["package_id", "position", "created", "metadata_modified"] {
            assert_eq!(resource_key(key), KeyClass::OutputOnly, "{key}");
        }
    }
}

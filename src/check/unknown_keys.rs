//! Keys that are not fields of the portal's schema, judged by what the catalogue does
//! with them (`schema::ckan_core`): a dataset key in neither the scheming schema nor
//! CKAN's package schema is dropped without an error, so it is a warning; CKAN's own
//! keys and every resource key are kept, so they are no problem at all (a resource key
//! that looks like a misspelt field gets an information note, not counted as a problem).
//! Credentials are an error wherever they are.

use super::{suggest, Checker, Code, Diagnostic, Severity};
use crate::schema::ckan_core::{self, KeyClass};
use crate::schema::Schema;
use crate::syntax;

impl Checker<'_> {
    /// The finding for `key` of the object at `object`, which the JSON Schema does not
    /// know, if it is one.
    pub(super) fn unknown_key(&self, object: &str, key: &str) -> Option<Diagnostic> {
        let pointer = syntax::push_pointer(object, key);
        let range = self
            .root
            .and_then(|r| r.pointer_entry(&pointer))
            .map_or_else(|| self.object_range(object), |e| e.key_range.clone());
        if looks_secret(key) {
            return Some(Diagnostic::new(
                Code::SecretInRecord,
                pointer,
                range,
                format!(
                    "`{key}` looks like a credential: API keys never go in a record file (it would be \
                     shared and published); set BCDC_API_KEY or use the editor's \"Set API key\""
                ),
            ));
        }
        let resource = syntax::split_pointer(object).is_some_and(|(p, _)| p == "/resources");
        let (class, core): (KeyClass, Vec<&str>) = if resource {
            (
                ckan_core::resource_key(key),
                ckan_core::resource_keys().collect(),
            )
        } else if object.is_empty() {
            (
                ckan_core::dataset_key(self.schema.ckan, key),
                ckan_core::dataset_keys().collect(),
            )
        } else {
            // a subfield of a repeating field: scheming validates the listed ones only
            (KeyClass::Dropped, Vec::new())
        };
        let fields = self.schema.object_fields(object).unwrap_or(&[]);
        let suggestion = suggest::field_name(key, fields, &core);
        let resource_field = || {
            let f = self.schema.resource_fields.iter().find(|f| f.name == key)?;
            object
                .is_empty()
                .then(|| format!("; it is a field of each resource: {}", f.title()))
        };
        let hint = match &suggestion {
            Some(s) => match fields.iter().find(|f| &f.name == s) {
                Some(f) => format!("; did you mean {}?", f.title()),
                None => format!("; did you mean `{s}`?"),
            },
            // BCDC moved `bcdc_type`, `object_name`, ... from the dataset to its resources
            None => resource_field().unwrap_or_default(),
        };
        let place = if object.is_empty() {
            "the dataset schema".to_string()
        } else if resource {
            "a resource".to_string()
        } else {
            self.field_title(object)
        };
        let version = self.schema.ckan.as_str();
        let (severity, message) = match class {
            KeyClass::Kept | KeyClass::OutputOnly if suggestion.is_none() => return None,
            KeyClass::Kept | KeyClass::OutputOnly => (
                Severity::Information,
                format!(
                    "`{key}` is not a field of {place}: the catalogue keeps it (as an extra), \
                     but the form does not show it{hint}"
                ),
            ),
            KeyClass::SysadminOnly => (
                Severity::Warning,
                format!(
                    "`{key}` is kept by CKAN {version} only when a sysadmin sends it: the \
                     catalogue would silently drop an editor's value"
                ),
            ),
            KeyClass::Dropped => (
                Severity::Warning,
                format!(
                    "`{key}` is not a field of {place}: the catalogue would silently drop it{hint}"
                ),
            ),
        };
        Some(Diagnostic {
            suggestion,
            severity,
            ..Diagnostic::new(Code::UnknownField, pointer, range, message)
        })
    }
}

/// Rewords, for a record read from the catalogue (the audit), the warning on each
/// dataset key the catalogue drops: its copy holds the key (an older schema's field, or
/// one a plugin adds to `package_show`), and an update through the API would not keep it.
pub fn as_catalogue_copy(diagnostics: &mut [Diagnostic], schema: &Schema) {
    for d in diagnostics {
        let Some(("", key)) = syntax::split_pointer(&d.pointer) else {
            continue;
        };
        let dropped = ckan_core::dataset_key(schema.ckan, &key) == KeyClass::Dropped;
        if d.code != Code::UnknownField || !dropped {
            continue;
        }
        d.message = format!(
            "`{key}` is in the catalogue's copy, but it is neither a field of the dataset \
             schema nor one CKAN keeps: the next update through the API loses it"
        );
    }
}

/// Key names that hold credentials.
fn looks_secret(key: &str) -> bool {
    let k = suggest::normalise(key);
    [
        "apikey",
        "apitoken",
        "token",
        "authorization",
        "secret",
        "password",
        "ckanapikey",
    ]
    .iter()
    .any(|s| k == *s || k.ends_with(s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::check;
    use crate::schema::CkanVersion;
    use crate::syntax::{Document, Format};

    const VALID: &str = include_str!("../../examples/water-quality.bcdc.yaml");

    fn run_on(text: &str, schema: &Schema) -> Vec<Diagnostic> {
        check(&Document::parse(text, Format::Yaml), schema)
    }

    fn run(text: &str) -> Vec<Diagnostic> {
        run_on(text, &Schema::embedded())
    }

    /// The valid example with lines added to its first resource.
    fn with_resource_keys(lines: &str) -> String {
        VALID.replacen(
            "    description: One row",
            &format!("{lines}    description: One row"),
            1,
        )
    }

    #[test]
    fn ckan_core_dataset_keys_are_no_problem() {
        let text = format!(
            "author: 5b6c1c3e-user-id\nauthor_email: a@example.invalid\nmaintainer: M\n\
             url: https://example.invalid\nversion: \"1.0\"\ngroups:\n  - name: g\n\
             extras:\n  - key: old_field\n    value: x\n{VALID}"
        );
        assert_eq!(run(&text), vec![]);
    }

    #[test]
    fn any_resource_key_is_kept_as_an_extra() {
        let text = with_resource_keys(
            "    url_type: upload\n    last_modified: 2024-01-01T00:00:00\n    ofi: true\n    \
             isUrl: true\n    timestamp: 2020-01-01\n",
        );
        assert_eq!(run(&text), vec![]);
    }

    #[test]
    fn a_misspelt_resource_field_is_a_note_not_a_problem() {
        let text = with_resource_keys("    resource_storage_locaton: x\n");
        let ds = run(&text);
        assert_eq!(ds.len(), 1, "{ds:#?}");
        assert_eq!(ds[0].code, Code::UnknownField);
        assert_eq!(ds[0].severity, Severity::Information);
        assert_eq!(
            ds[0].suggestion.as_deref(),
            Some("resource_storage_location")
        );
        assert!(ds[0].message.contains("keeps it"), "{}", ds[0].message);
    }

    #[test]
    fn keys_in_neither_schema_are_warnings() {
        let ds = run(&format!("bcdc_type: geographic\n{VALID}"));
        assert_eq!(ds.len(), 1, "{ds:#?}");
        assert_eq!(ds[0].severity, Severity::Warning);
        assert_eq!(
            ds[0].message,
            "`bcdc_type` is not a field of the dataset schema: the catalogue would silently \
             drop it; it is a field of each resource: Type (`bcdc_type`)"
        );
        // a subfield scheming does not know
        let text = VALID.replacen("  - name:", "  - nickname: x\n    name:", 1);
        let ds = run(&text);
        assert!(
            ds.iter()
                .any(|d| d.severity == Severity::Warning && d.pointer.ends_with("/nickname")),
            "{ds:#?}"
        );
    }

    #[test]
    fn credentials_are_errors_in_resources_too() {
        let ds = run(&with_resource_keys("    api_key: abc\n"));
        assert_eq!(ds.len(), 1, "{ds:#?}");
        assert_eq!(ds[0].code, Code::SecretInRecord);
    }

    #[test]
    fn plugin_data_depends_on_the_ckan_version() {
        let text = format!("plugin_data:\n  harvest: x\n{VALID}");
        let on_2_9 = run(&text);
        assert!(on_2_9[0].message.contains("silently drop it"));
        let schema = Schema::embedded().with_ckan_version(CkanVersion::V2_10);
        let on_2_10 = run_on(&text, &schema);
        assert_eq!(on_2_10.len(), 1, "{on_2_10:#?}");
        assert!(
            on_2_10[0].message.contains("only when a sysadmin"),
            "{}",
            on_2_10[0].message
        );
    }

    #[test]
    fn a_catalogue_copy_says_the_next_update_loses_the_key() {
        let mut ds = run(&format!("bcdc_type: geographic\n{VALID}"));
        as_catalogue_copy(&mut ds, &Schema::embedded());
        assert_eq!(
            ds[0].message,
            "`bcdc_type` is in the catalogue's copy, but it is neither a field of the dataset \
             schema nor one CKAN keeps: the next update through the API loses it"
        );
        // a sysadmin's key keeps its own warning
        let schema = Schema::embedded().with_ckan_version(CkanVersion::V2_11);
        let mut ds = run_on(&format!("plugin_data:\n  a: 1\n{VALID}"), &schema);
        as_catalogue_copy(&mut ds, &schema);
        assert!(ds[0].message.contains("only when a sysadmin"), "{ds:#?}");
    }
}

//! A `package_show` result as the record file `pull` writes and `audit` checks.

use serde_json::{Map, Value};

use super::convert::record_from_package;
use super::emit::record_text;
use crate::catalogue::host::Catalogue;
use crate::schema::Schema;
use crate::syntax::Format;

/// A pulled record.
#[derive(Debug, Clone, PartialEq)]
pub struct Pulled {
    pub id: String,
    pub name: String,
    /// The record in file form.
    pub record: Map<String, Value>,
    /// The file's text (YAML with a comment naming the source, or JSON).
    pub text: String,
}

/// The file form of a `package_show` result (what `pull` writes).
pub fn pulled(
    package: &Map<String, Value>,
    format: Format,
    schema: &Schema,
    catalogue: &Catalogue,
) -> Pulled {
    let record = record_from_package(package, schema);
    let field = |k: &str| {
        record
            .get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let (id, name) = (field("id"), field("name"));
    let mut text = record_text(&record, format);
    if format == Format::Yaml {
        text.insert_str(
            0,
            &format!(
                "# Pulled from {}: {}\n",
                catalogue.label(),
                catalogue.dataset_url(&name)
            ),
        );
    }
    Pulled {
        id,
        name,
        record,
        text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::check;
    use crate::record::plan::plan_patch;
    use crate::syntax::Document;

    #[test]
    fn pulled_file_checks_clean_and_patches_nothing() {
        let schema = Schema::embedded();
        let capture: Value = serde_json::from_str(include_str!(
            "../../tests/catalogue_fixtures/30_package_show.json"
        ))
        .unwrap();
        let package = capture["response"]["body"]["result"]
            .as_object()
            .unwrap()
            .clone();
        let catalogue = Catalogue::parse("http://127.0.0.1:5000").unwrap();
        for format in [Format::Yaml, Format::Json] {
            let pulled = pulled(&package, format, &schema, &catalogue);
            let doc = Document::parse(&pulled.text, format);
            let diagnostics = check(&doc, &schema);
            assert!(diagnostics.is_empty(), "{diagnostics:#?}\n{}", pulled.text);
            let plan = plan_patch(doc.root().unwrap(), &package, &schema);
            assert!(plan.is_empty(), "{:?}", plan.changes);
            assert_eq!(pulled.id, "9ffb4858-75aa-46b4-a645-7655a6ba9e72");
        }
        let yaml = pulled(&package, Format::Yaml, &schema, &catalogue).text;
        assert!(yaml.starts_with(
            "# Pulled from 127.0.0.1:5000: http://127.0.0.1:5000/dataset/lsp-e2e-1795733796\n\
             id: 9ffb4858-75aa-46b4-a645-7655a6ba9e72\ntype: bcdc_dataset\n"
        ));
        assert!(yaml.contains("\nlicense_id: \"2\"\n"), "{yaml}");
    }

    /// The fixture as a production record looks: CKAN's own fields filled in, a group,
    /// an older schema's extra, resources with core fields and extras, computed keys.
    fn real_shaped() -> Map<String, Value> {
        let capture: Value = serde_json::from_str(include_str!(
            "../../tests/catalogue_fixtures/30_package_show.json"
        ))
        .unwrap();
        let mut package = capture["response"]["body"]["result"]
            .as_object()
            .unwrap()
            .clone();
        let more = serde_json::json!({
            "author": "0a1b2c3d-user-id", "url": "https://example.invalid/more", "version": "2",
            "groups": [{"id": "g1", "name": "environment", "title": "Environment"}],
            "extras": [{"key": "old_field", "value": "kept"}],
            "tracking_summary": {"total": 3, "recent": 1},
            "resources": [{
                "id": "5e0c2a4b-0000-4000-8000-000000000001", "package_id": package["id"],
                "name": "Data", "url": "https://example.invalid/data.csv",
                "bcdc_type": "document", "resource_update_cycle": "monthly", "format": "csv",
                "resource_storage_location": "web or ftp site", "resource_type": "data",
                "resource_access_method": "direct access",
                "url_type": null, "last_modified": "2024-01-02T03:04:05", "ofi": true,
                "isUrl": "true", "timestamp": "2020-01-01", "position": 0,
                "created": "2024-01-01T00:00:00", "metadata_modified": "2024-01-01T00:00:00",
                "state": "active", "datastore_active": false, "mimetype": "text/csv"
            }]
        });
        package.extend(more.as_object().unwrap().clone());
        package
    }

    #[test]
    fn a_real_shaped_record_pulls_checks_clean_and_patches_nothing() {
        let schema = Schema::embedded();
        let package = real_shaped();
        let catalogue = Catalogue::parse("http://127.0.0.1:5000").unwrap();
        let pulled = pulled(&package, Format::Yaml, &schema, &catalogue);
        for kept in [
            "author",
            "url",
            "version",
            "extras",
            "ofi",
            "isUrl",
            "timestamp",
        ] {
            assert!(pulled.text.contains(&format!("{kept}:")), "{}", pulled.text);
        }
        for left_out in [
            "groups",
            "tracking_summary",
            "package_id",
            "position",
            "datastore_active",
            "mimetype",
            "url_type",
        ] {
            assert!(
                !pulled.text.contains(&format!("{left_out}:")),
                "{}",
                pulled.text
            );
        }
        let doc = Document::parse(&pulled.text, Format::Yaml);
        assert_eq!(check(&doc, &schema), vec![], "{}", pulled.text);
        let plan = plan_patch(doc.root().unwrap(), &package, &schema);
        assert!(plan.is_empty(), "{:?}", plan.changes);
    }

    #[test]
    fn keys_pull_leaves_out_are_never_sent() {
        let schema = Schema::embedded();
        let package = real_shaped();
        let catalogue = Catalogue::parse("http://127.0.0.1:5000").unwrap();
        let text = pulled(&package, Format::Yaml, &schema, &catalogue).text
            + "groups:\n  - name: other\nprivate: true\nstate: deleted\nnum_resources: 9\n";
        let doc = Document::parse(&text, Format::Yaml);
        let plan = plan_patch(doc.root().unwrap(), &package, &schema);
        assert!(plan.is_empty(), "{:?}", plan.changes);
        assert_eq!(
            plan.ignored,
            ["groups", "private", "state", "num_resources"]
        );
    }
}

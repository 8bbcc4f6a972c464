//! Pull: a catalogue record as a record file the checker accepts and an update leaves alone.

use serde_json::{Map, Value};

use super::client::CatalogueClient;
use super::emit::record_text;
use super::error::CatalogueError;
use super::host::Catalogue;
use crate::record::convert::record_from_package;
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

/// The file form of a `package_show` result (pure; see [`pull`]).
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
}

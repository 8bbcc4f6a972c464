//! Publish: `package_create` for a record without `id`, then the new id written into the
//! file as one text edit that keeps its comments and layout.
//!
//! No duplicates: before creating, and again after a failure whose outcome is unknown
//! (timeout, broken connection, gateway error), the workflow looks the record up by
//! `name`. A dataset there that is this record (same title, notes and organization) is
//! adopted instead of created twice; any other dataset with the name stops the publish.

use std::ops::Range;

use serde_json::{Map, Value};

use super::client::CatalogueClient;
use super::emit::yaml_inline_string;
use super::error::CatalogueError;
use super::record::{api_body, same_organization};
use super::workflow::{record_root, require_valid, string_field, WorkflowError};
use crate::schema::Schema;
use crate::syntax::{Document, Format};

/// A replacement of `range` (bytes of the original text) by `new_text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextEdit {
    pub range: Range<usize>,
    pub new_text: String,
}

impl TextEdit {
    /// The text with the edit applied.
    pub fn apply(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() + self.new_text.len());
        out.push_str(&text[..self.range.start]);
        out.push_str(&self.new_text);
        out.push_str(&text[self.range.end..]);
        out
    }
}

/// A checked record ready for `package_create`.
#[derive(Debug, Clone, PartialEq)]
pub struct PublishPlan {
    pub name: String,
    /// The exact request body.
    pub body: Map<String, Value>,
    /// The exact request URL.
    pub url: String,
}

/// A published (or adopted) record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    pub id: String,
    pub name: String,
    /// `<catalogue>/dataset/<name>`.
    pub url: String,
    /// True when the dataset already existed from an earlier attempt of this record and
    /// was adopted rather than created.
    pub adopted: bool,
    /// Writes `id` into the file.
    pub edit: TextEdit,
}

impl Published {
    /// "Published okanagan-lake as 9ffb… on test: https://…".
    pub fn message(&self, catalogue: &str) -> String {
        if self.adopted {
            format!(
                "{} already existed on {catalogue} from an earlier publish of this record \
                 (id {}); the id was added to the file: {}",
                self.name, self.id, self.url
            )
        } else {
            format!(
                "published {} on {catalogue} (id {}): {}",
                self.name, self.id, self.url
            )
        }
    }
}

/// Checks that the record may be published and builds the request; sends nothing.
/// Refused: any checker error, an `id` already set, a `publish_state` other than DRAFT.
pub fn prepare_publish(
    doc: &Document,
    schema: &Schema,
    client: &CatalogueClient,
) -> Result<PublishPlan, WorkflowError> {
    let root = record_root(doc)?;
    if let Some(id) = string_field(root, "id") {
        return Err(WorkflowError::Refused(format!(
            "this record already has id {id}: it is on the catalogue, so use Update (patch) \
             instead of Publish"
        )));
    }
    require_valid(doc, schema)?;
    let state = string_field(root, "publish_state");
    if state != Some("DRAFT") {
        return Err(WorkflowError::Refused(format!(
            "a new record must be published with publish_state: DRAFT (it is {}); \
             move it to other states with Update after it is created",
            state.map_or("not set".to_string(), |s| format!("{s:?}"))
        )));
    }
    let name = string_field(root, "name")
        .ok_or_else(|| WorkflowError::Refused("the record has no name".into()))?
        .to_string();
    // The edit must be possible before anything is created, so that a created record
    // always gets its id written.
    id_edit(doc, "00000000-0000-0000-0000-000000000000")?;
    Ok(PublishPlan {
        name,
        body: api_body(root, schema),
        url: client.catalogue().action_url("package_create").to_string(),
    })
}

/// Publishes the record: looks for an earlier copy, creates, and returns the id and the
/// edit that writes it into the file. The caller applies the edit (and only then).
pub async fn publish(
    client: &CatalogueClient,
    doc: &Document,
    schema: &Schema,
) -> Result<Published, WorkflowError> {
    let plan = prepare_publish(doc, schema, client)?;
    let catalogue = client.catalogue();
    let published = |package: &Map<String, Value>, adopted: bool| {
        let id = match package.get("id").and_then(Value::as_str) {
            Some(id) if !id.trim().is_empty() => id.to_string(),
            _ => {
                let error = CatalogueError::BadReply {
                    catalogue: catalogue.label(),
                    status: 200,
                    detail: "the created record has no id".into(),
                };
                return Err(WorkflowError::from_catalogue(error, doc));
            }
        };
        let name = package
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or(&plan.name)
            .to_string();
        let edit = id_edit(doc, &id)?;
        Ok(Published {
            url: catalogue.dataset_url(&name),
            id,
            name,
            adopted,
            edit,
        })
    };
    // An earlier attempt may have created it (the reply was lost, or the id not written).
    if let Some(existing) = find_existing(client, &plan, doc).await? {
        return published(&existing, true);
    }
    match client.package_create(&plan.body).await {
        Ok(package) => published(&package, false),
        Err(error) if error.outcome_unknown() => {
            // Did the create happen anyway? Look once more before reporting.
            if let Ok(Some(existing)) = find_existing(client, &plan, doc).await {
                return published(&existing, true);
            }
            let mut failure = WorkflowError::from_catalogue(error, doc);
            if let WorkflowError::Catalogue { hint, .. } = &mut failure {
                *hint = Some(
                    "The record may or may not have been created; publishing again first \
                     checks for it, so it will not be created twice"
                        .into(),
                );
            }
            Err(failure)
        }
        Err(error) => {
            let name_taken = matches!(&error, CatalogueError::Validation { fields, .. }
                if fields.iter().any(|f| f.pointer == "/name"
                    && f.messages.iter().any(|m| m.contains("already in use"))));
            let mut failure = WorkflowError::from_catalogue(error, doc);
            if let (WorkflowError::Catalogue { hint, .. }, true) = (&mut failure, name_taken) {
                *hint = Some(
                    "A dataset with this name exists that your account cannot see (another                      organization's draft, or a deleted record): choose another name"
                        .into(),
                );
            }
            Err(failure)
        }
    }
}

/// The catalogue's dataset with the record's name, if it is this record; an error if the
/// name belongs to another dataset; `None` if there is none (or it cannot be read).
async fn find_existing(
    client: &CatalogueClient,
    plan: &PublishPlan,
    doc: &Document,
) -> Result<Option<Map<String, Value>>, WorkflowError> {
    match client.package_show(&plan.name).await {
        Ok(package) => {
            if is_same_record(&plan.body, &package) {
                Ok(Some(package))
            } else {
                let id = package.get("id").and_then(Value::as_str).unwrap_or("?");
                Err(WorkflowError::Refused(format!(
                    "a different dataset named {:?} already exists on {} (id {id}, {}). \
                     Choose another name, or if that dataset is this record, add `id: {id}` \
                     to the file and use Update",
                    plan.name,
                    client.catalogue().label(),
                    client.catalogue().dataset_url(&plan.name)
                )))
            }
        }
        // Not there, or not visible to this user (create will then say what is wrong).
        Err(CatalogueError::NotFound { .. } | CatalogueError::Auth { .. }) => Ok(None),
        Err(error) => Err(WorkflowError::from_catalogue(error, doc)),
    }
}

/// Whether a stored dataset is what this record would have created: the name matched
/// already, and title, description and organization agree.
fn is_same_record(body: &Map<String, Value>, package: &Map<String, Value>) -> bool {
    let text = |m: &Map<String, Value>, k: &str| {
        m.get(k)
            .and_then(Value::as_str)
            .map(str::trim)
            .unwrap_or("")
            .to_string()
    };
    text(body, "title") == text(package, "title")
        && text(body, "notes") == text(package, "notes")
        && body
            .get("owner_org")
            .and_then(Value::as_str)
            .is_some_and(|org| same_organization(org, package))
}

/// The edit that writes `id` into the record: replaces an empty `id:` entry, or inserts
/// `id: <id>` (YAML) / `"id": "<id>",` (JSON) before the first key, in the file's own
/// indentation and on its own line when the keys are one per line. The result is parsed
/// again to prove that the id is the only change.
pub fn id_edit(doc: &Document, id: &str) -> Result<TextEdit, WorkflowError> {
    let root = record_root(doc)?;
    let text = doc.slice(0..doc.text().len_bytes());
    let entry_text = match doc.format() {
        Format::Yaml => format!("id: {}", yaml_inline_string(id)),
        Format::Json => format!("\"id\": {}", Value::String(id.to_string())),
    };
    let entries = root.as_map().unwrap_or_default();
    let edit = if let Some(existing) = entries.iter().find(|e| e.key == "id") {
        TextEdit {
            range: existing.range(),
            new_text: entry_text,
        }
    } else {
        let first = entries.first().ok_or_else(|| {
            WorkflowError::Refused("the record is empty; there is nothing to publish".into())
        })?;
        let at = first.key_range.start;
        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        // A byte order mark opens the file but is not indentation.
        let indent = text[line_start..at].trim_start_matches('\u{feff}');
        let separator = match doc.format() {
            Format::Yaml => "",
            Format::Json => ",",
        };
        let new_text = if indent.chars().all(|c| c == ' ' || c == '\t') {
            // Keys one per line: the id gets its own line with the same indentation.
            let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
            format!("{entry_text}{separator}{newline}{indent}")
        } else if text[root.range.start..].starts_with('{') {
            // A mapping on one line (`{"title": ...}`): the id joins it.
            let sep = if separator.is_empty() { "," } else { separator };
            format!("{entry_text}{sep} ")
        } else {
            return Err(cannot_place(id));
        };
        TextEdit {
            range: at..at,
            new_text,
        }
    };
    verify_id_edit(doc, &text, &edit, id)?;
    Ok(edit)
}

/// The edited text must parse to the same record plus `id`, with no new syntax errors.
fn verify_id_edit(
    doc: &Document,
    text: &str,
    edit: &TextEdit,
    id: &str,
) -> Result<(), WorkflowError> {
    let edited = Document::parse(&edit.apply(text), doc.format());
    let without_id = |d: &Document| {
        d.root().map(|r| {
            let mut json = r.to_json();
            if let Some(map) = json.as_object_mut() {
                map.remove("id");
            }
            json
        })
    };
    let ok = edited.syntax_errors().len() <= doc.syntax_errors().len()
        && edited
            .root()
            .and_then(|r| r.get("id"))
            .and_then(|n| n.as_str())
            == Some(id)
        && without_id(&edited) == without_id(doc);
    if ok {
        Ok(())
    } else {
        Err(cannot_place(id))
    }
}

fn cannot_place(id: &str) -> WorkflowError {
    WorkflowError::Refused(format!(
        "cannot place the id in this file's layout automatically; add `id: {id}` as the \
         first field yourself"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "9ffb4858-75aa-46b4-a645-7655a6ba9e72";

    fn edited(text: &str, format: Format) -> String {
        let doc = Document::parse(text, format);
        id_edit(&doc, ID).unwrap().apply(text)
    }

    #[test]
    fn yaml_insertion_keeps_comments_and_layout() {
        let text = "# A record\n# second comment\ntitle: T   # trailing\nname: n\n";
        assert_eq!(
            edited(text, Format::Yaml),
            format!("# A record\n# second comment\nid: {ID}\ntitle: T   # trailing\nname: n\n")
        );
        let indented = "---\n  title: T\n  name: n\n";
        assert_eq!(
            edited(indented, Format::Yaml),
            format!("---\n  id: {ID}\n  title: T\n  name: n\n")
        );
        let bom = "\u{feff}title: T\nname: n\n";
        assert_eq!(
            edited(bom, Format::Yaml),
            format!("\u{feff}id: {ID}\ntitle: T\nname: n\n")
        );
        let crlf = "title: T\r\nname: n\r\n";
        assert_eq!(
            edited(crlf, Format::Yaml),
            format!("id: {ID}\r\ntitle: T\r\nname: n\r\n")
        );
    }

    #[test]
    fn yaml_empty_id_is_filled() {
        assert_eq!(
            edited("title: T\nid:\nname: n\n", Format::Yaml),
            format!("title: T\nid: {ID}\nname: n\n")
        );
        assert_eq!(
            edited(
                "title: T\nid: \"\"  # set by publish\nname: n\n",
                Format::Yaml
            ),
            format!("title: T\nid: {ID}  # set by publish\nname: n\n")
        );
    }

    #[test]
    fn json_insertion() {
        let text = "{\n    \"title\": \"T\",\n    \"name\": \"n\"\n}\n";
        assert_eq!(
            edited(text, Format::Json),
            format!("{{\n    \"id\": \"{ID}\",\n    \"title\": \"T\",\n    \"name\": \"n\"\n}}\n")
        );
        let one_line = "{\"title\": \"T\", \"name\": \"n\"}";
        assert_eq!(
            edited(one_line, Format::Json),
            format!("{{\"id\": \"{ID}\", \"title\": \"T\", \"name\": \"n\"}}")
        );
        let with_id = "{\"id\": null, \"title\": \"T\"}";
        assert_eq!(
            edited(with_id, Format::Json),
            format!("{{\"id\": \"{ID}\", \"title\": \"T\"}}")
        );
    }

    #[test]
    fn yaml_flow_mapping() {
        assert_eq!(
            edited("{title: T, name: n}\n", Format::Yaml),
            format!("{{id: {ID}, title: T, name: n}}\n")
        );
    }

    #[test]
    fn same_record_rule() {
        let body: Map<String, Value> =
            serde_json::from_str(r#"{"title": "T", "notes": "N\n", "owner_org": "lsp-test-org"}"#)
                .unwrap();
        let mut package: Map<String, Value> = serde_json::from_str(
            r#"{"title": "T", "notes": "N", "owner_org": "c46e",
                "organization": {"id": "c46e", "name": "lsp-test-org"}}"#,
        )
        .unwrap();
        assert!(is_same_record(&body, &package));
        package.insert("title".into(), Value::String("Other".into()));
        assert!(!is_same_record(&body, &package));
    }
}

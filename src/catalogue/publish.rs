//! Publish: `package_create` for a record without `id`, then the new ids (the record's and
//! its resources') written into the file by text edits that keep its comments and layout.
//!
//! No duplicates: before creating, and again after a failure whose outcome is unknown
//! (timeout, broken connection, gateway error), the workflow looks the record up by
//! `name`. A dataset there that is this record (same title, notes and organization) is
//! adopted instead of created twice; any other dataset with the name stops the publish.

use std::ops::Range;

use serde_json::{Map, Value};

use super::client::CatalogueClient;
use super::error::CatalogueError;
use super::workflow::{record_root, require_valid, string_field, WorkflowError};
use crate::record::compare::match_resources;
use crate::record::convert::{api_body, package_resources, same_organization};
use crate::record::emit::yaml_inline_string;
use crate::schema::Schema;
use crate::syntax::{Document, Format, Node};

/// A replacement of `range` (bytes of the original text) by `new_text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextEdit {
    pub range: Range<usize>,
    pub new_text: String,
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
    /// The catalogue's id of each of the file's resources, in the file's order (`None` for
    /// one the catalogue does not show).
    pub resource_ids: Vec<Option<String>>,
    /// Write `id` and the resource ids into the file ([`apply_edits`]).
    pub edits: Vec<TextEdit>,
    /// The record as the catalogue stored it, for the file's synchronisation state.
    pub package: Map<String, Value>,
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
    id_edits(doc, "00000000-0000-0000-0000-000000000000", &[])?;
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
        let resource_ids = resource_ids(&plan.body, package);
        let edits = id_edits(doc, &id, &resource_ids)?;
        Ok(Published {
            url: catalogue.dataset_url(&name),
            id,
            name,
            adopted,
            resource_ids,
            edits,
            package: package.clone(),
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
            // An earlier attempt's create, still running on the server when we looked, may
            // have finished meanwhile: look once more.
            if name_taken {
                if let Ok(Some(existing)) = find_existing(client, &plan, doc).await {
                    return published(&existing, true);
                }
            }
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

/// The ids the catalogue gave the file's resources that have none yet (a resource added in
/// the file and sent by an update), in the file's order; `None` for the others. Empty when
/// there are none to write.
pub fn new_resource_ids(
    doc: &Document,
    package: &Map<String, Value>,
    schema: &Schema,
) -> Vec<Option<String>> {
    let Some(root) = doc.root() else {
        return Vec::new();
    };
    let body = api_body(root, schema);
    let has_id = |r: &Value| {
        r.get("id")
            .and_then(Value::as_str)
            .is_some_and(|id| !id.trim().is_empty())
    };
    let sent = body
        .get("resources")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    let ids: Vec<Option<String>> = resource_ids(&body, package)
        .into_iter()
        .zip(sent)
        .map(|(id, resource)| id.filter(|_| !has_id(resource)))
        .collect();
    if ids.iter().any(Option::is_some) {
        ids
    } else {
        Vec::new()
    }
}

/// The ids the catalogue gave the resources of the request body, in its order.
fn resource_ids(body: &Map<String, Value>, package: &Map<String, Value>) -> Vec<Option<String>> {
    let sent = body
        .get("resources")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    let stored: Vec<&Map<String, Value>> = package_resources(package);
    match_resources(sent, &stored)
        .into_iter()
        .map(|found| {
            let resource = stored.get(found?)?;
            let id = resource.get("id")?.as_str()?.trim();
            (!id.is_empty()).then(|| id.to_string())
        })
        .collect()
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

/// The edits that write the catalogue's ids into the record: the record's `id`, and each
/// resource's `id` (`resource_ids` in the file's order; `None` leaves a resource alone).
/// An empty `id:` entry is filled; otherwise `id: <id>` (YAML) / `"id": "<id>",` (JSON) goes
/// before the mapping's first key, on its own line in the file's own indentation when the
/// keys are one per line, and everything else stays byte for byte. The result is parsed again
/// to prove that the ids are the only change. When the resource ids cannot be placed (an
/// unusual layout, or the resources changed meanwhile), only the record's id is written:
/// updates then match resources by name and position.
pub fn id_edits(
    doc: &Document,
    id: &str,
    resource_ids: &[Option<String>],
) -> Result<Vec<TextEdit>, WorkflowError> {
    let root = record_root(doc)?;
    let text = doc.slice(0..doc.text().len_bytes());
    // (No edit when the file has this id already.)
    let record_edit = entry_edit(doc, &text, root, id)?;
    let resources = root.get("resources").and_then(Node::as_seq).unwrap_or(&[]);
    let with_resources = (resources.len() == resource_ids.len())
        .then(|| {
            let mut edits: Vec<TextEdit> = record_edit.iter().cloned().collect();
            for (resource, rid) in resources.iter().zip(resource_ids) {
                if let Some(rid) = rid {
                    edits.extend(entry_edit(doc, &text, resource, rid).ok()?);
                }
            }
            edits.sort_by_key(|e| e.range.start);
            verify_id_edits(doc, &text, &edits, id, resource_ids).then_some(edits)
        })
        .flatten();
    if let Some(edits) = with_resources {
        return Ok(edits);
    }
    let edits: Vec<TextEdit> = record_edit.into_iter().collect();
    if verify_id_edits(doc, &text, &edits, id, &[]) {
        Ok(edits)
    } else {
        Err(cannot_place(id))
    }
}

/// The edit that sets the `id` of `mapping` to `id`; `None` when it already has that id.
fn entry_edit(
    doc: &Document,
    text: &str,
    mapping: &Node,
    id: &str,
) -> Result<Option<TextEdit>, WorkflowError> {
    let entry_text = match doc.format() {
        Format::Yaml => format!("id: {}", yaml_inline_string(id)),
        Format::Json => format!("\"id\": {}", Value::String(id.to_string())),
    };
    let entries = mapping.as_map().ok_or_else(|| cannot_place(id))?;
    if let Some(existing) = entries.iter().find(|e| e.key == "id") {
        if existing.value.as_str().map(str::trim) == Some(id) {
            return Ok(None);
        }
        return Ok(Some(TextEdit {
            range: existing.range(),
            new_text: entry_text,
        }));
    }
    let first = entries.first().ok_or_else(|| {
        WorkflowError::Refused("the record is empty; there is nothing to publish".into())
    })?;
    let at = first.key_range.start;
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    // A byte order mark opens the file but is not indentation.
    let before = text[line_start..at].trim_start_matches('\u{feff}');
    let separator = match doc.format() {
        Format::Yaml => "",
        Format::Json => ",",
    };
    let blank = |c: char| c == ' ' || c == '\t';
    // The first key of a YAML list item shares the dash's line: the id takes the dash's
    // line and the key moves under it, aligned.
    let list_item = doc.format() == Format::Yaml
        && before.contains('-')
        && before.chars().all(|c| blank(c) || c == '-');
    let new_text = if before.chars().all(blank) || list_item {
        // Keys one per line: the id gets its own line with the same indentation.
        let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
        let indent: String = before
            .chars()
            .map(|c| if c == '-' { ' ' } else { c })
            .collect();
        format!("{entry_text}{separator}{newline}{indent}")
    } else if text[mapping.range.start..].starts_with('{') {
        // A mapping on one line (`{"title": ...}`): the id joins it.
        let sep = if separator.is_empty() { "," } else { separator };
        format!("{entry_text}{sep} ")
    } else {
        return Err(cannot_place(id));
    };
    Ok(Some(TextEdit {
        range: at..at,
        new_text,
    }))
}

/// The text with `edits` (sorted, not overlapping, ranges in the original text) applied.
pub fn apply_edits(text: &str, edits: &[TextEdit]) -> String {
    let mut out = text.to_string();
    for edit in edits.iter().rev() {
        out.replace_range(edit.range.clone(), &edit.new_text);
    }
    out
}

/// The edited text must parse to the same record plus the ids, with no new syntax errors.
fn verify_id_edits(
    doc: &Document,
    text: &str,
    edits: &[TextEdit],
    id: &str,
    resource_ids: &[Option<String>],
) -> bool {
    let edited = Document::parse(&apply_edits(text, edits), doc.format());
    let Some(edited_root) = edited.root() else {
        return false;
    };
    let id_of = |node: Option<&Node>| node?.get("id")?.as_str().map(str::to_string);
    let resources = edited_root.get("resources").and_then(Node::as_seq);
    let ids_written = id_of(Some(edited_root)).as_deref() == Some(id)
        && resource_ids
            .iter()
            .enumerate()
            .all(|(i, rid)| rid.is_none() || id_of(resources.and_then(|r| r.get(i))) == *rid);
    // Both trees without the ids that were written.
    let without_ids = |d: &Document| {
        d.root().map(|r| {
            let mut json = r.to_json();
            if let Some(map) = json.as_object_mut() {
                map.remove("id");
                if let Some(Value::Array(items)) = map.get_mut("resources") {
                    for (item, rid) in items.iter_mut().zip(resource_ids) {
                        if let (Some(item), Some(_)) = (item.as_object_mut(), rid) {
                            item.remove("id");
                        }
                    }
                }
            }
            json
        })
    };
    edited.syntax_errors().len() <= doc.syntax_errors().len()
        && ids_written
        && without_ids(&edited) == without_ids(doc)
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
        with_resources(text, format, &[])
    }

    fn with_resources(text: &str, format: Format, resource_ids: &[Option<String>]) -> String {
        let doc = Document::parse(text, format);
        apply_edits(text, &id_edits(&doc, ID, resource_ids).unwrap())
    }

    fn rids(ids: &[&str]) -> Vec<Option<String>> {
        ids.iter()
            .map(|i| (!i.is_empty()).then(|| i.to_string()))
            .collect()
    }

    #[test]
    fn yaml_resource_ids_go_into_each_entry_keeping_everything_else() {
        let text = "# Record\ntitle: T  # why\nresources:\n  # first\n  - name: A   # a\n    \
                    format: csv\n\n  -   name: B\n      format: json\n  - id: \"\"\n    name: C\n";
        assert_eq!(
            with_resources(text, Format::Yaml, &rids(&["r1", "r2", "r3"])),
            format!(
                "# Record\nid: {ID}\ntitle: T  # why\nresources:\n  # first\n  - id: r1\n    \
                 name: A   # a\n    format: csv\n\n  -   id: r2\n      name: B\n      \
                 format: json\n  - id: r3\n    name: C\n"
            )
        );
        // A resource the catalogue did not show keeps its text; one with its id already too.
        let text = "title: T\nresources:\n  - name: A\n  - id: r2\n    name: B\n";
        assert_eq!(
            with_resources(text, Format::Yaml, &rids(&["", "r2"])),
            format!("id: {ID}\ntitle: T\nresources:\n  - name: A\n  - id: r2\n    name: B\n")
        );
        let flow = "title: T\nresources: [{name: A}, {name: B}]\n";
        assert_eq!(
            with_resources(flow, Format::Yaml, &rids(&["r1", "r2"])),
            format!("id: {ID}\ntitle: T\nresources: [{{id: r1, name: A}}, {{id: r2, name: B}}]\n")
        );
        let crlf = "title: T\r\nresources:\r\n- name: A\r\n";
        assert_eq!(
            with_resources(crlf, Format::Yaml, &rids(&["r1"])),
            format!("id: {ID}\r\ntitle: T\r\nresources:\r\n- id: r1\r\n  name: A\r\n")
        );
    }

    #[test]
    fn json_resource_ids() {
        let text = "{\n  \"title\": \"T\",\n  \"resources\": [\n    {\n      \"name\": \"A\"\n    },\n    \
                    {\"name\": \"B\"}\n  ]\n}\n";
        assert_eq!(
            with_resources(text, Format::Json, &rids(&["r1", "r2"])),
            format!(
                "{{\n  \"id\": \"{ID}\",\n  \"title\": \"T\",\n  \"resources\": [\n    {{\n      \
                 \"id\": \"r1\",\n      \"name\": \"A\"\n    }},\n    {{\"id\": \"r2\", \"name\": \"B\"}}\n  \
                 ]\n}}\n"
            )
        );
    }

    #[test]
    fn a_file_with_the_id_already_gets_only_the_resource_ids() {
        // The editor's document may have gained the id meanwhile.
        let text = format!("id: {ID}\ntitle: T\nresources:\n  - name: A\n");
        assert_eq!(
            with_resources(&text, Format::Yaml, &rids(&["r1"])),
            format!("id: {ID}\ntitle: T\nresources:\n  - id: r1\n    name: A\n")
        );
    }

    #[test]
    fn resources_that_changed_meanwhile_get_no_ids() {
        // Two ids for one resource (it was deleted while publishing): only the record's id.
        let text = "title: T\nresources:\n  - name: A\n";
        assert_eq!(
            with_resources(text, Format::Yaml, &rids(&["r1", "r2"])),
            format!("id: {ID}\ntitle: T\nresources:\n  - name: A\n")
        );
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

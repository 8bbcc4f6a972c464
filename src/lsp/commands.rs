//! `workspace/executeCommand`: publish, update and pull, on top of the
//! catalogue workflows, and the source code actions that offer them.
//!
//! A workflow runs on a snapshot of the document (it awaits the network);
//! the id it returns is written into the document as it is by then, with
//! `workspace/applyEdit`, and only after the catalogue confirmed.

use super::convert;
use super::documents::CatalogueMark;
use super::lens;
use super::schemas;
use super::state::Shared;
use crate::assist::CatalogueState;
use crate::catalogue::state_file;
use crate::catalogue::workflow::string_field;
use crate::catalogue::{self, CatalogueClient, Problem, Resolve, WorkflowError};
use crate::record::state::Key;
use crate::syntax::{Document, Format};
use serde_json::{json, Value};
use std::collections::HashMap;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::Client;

pub const PUBLISH: &str = "bcdc.publish";
pub const PATCH: &str = "bcdc.patch";
pub const PULL: &str = "bcdc.pull";
/// `[uri]`: the catalogue's changes written into an open record's file (saved first).
pub const PULL_CHANGES: &str = "bcdc.pullChanges";
/// `[uri]`: the fields that differ from the catalogue, as two texts for a diff view.
pub const DIFF: &str = "bcdc.diff";
pub const ALL: [&str; 5] = [PUBLISH, PATCH, PULL, PULL_CHANGES, DIFF];

/// The result every command returns (and shows).
fn outcome(ok: bool, message: &str, extra: Value) -> Value {
    let mut v = json!({"ok": ok, "message": message});
    if let (Value::Object(out), Value::Object(more)) = (&mut v, extra) {
        out.extend(more);
    }
    v
}

pub async fn execute(client: &Client, shared: &Shared, command: &str, args: &[Value]) -> Value {
    let result = match command {
        // sends the record and the key: not from a folder the editor does not trust yet
        PUBLISH | PATCH | PULL | PULL_CHANGES if shared.settings().restricted => Err(
            "publish, update and pull wait until you trust this folder (the editor runs in \
             restricted mode)"
                .to_string(),
        ),
        PUBLISH => publish(client, shared, args).await,
        PATCH => patch(client, shared, args).await,
        PULL => pull(client, shared, args).await,
        PULL_CHANGES => pull_changes(shared, args).await,
        DIFF => diff(shared, args).await,
        other => Err(format!("unknown command {other}")),
    };
    let value = match result {
        Ok(v) => v,
        Err(message) => outcome(false, &message, json!({})),
    };
    let ok = value["ok"].as_bool().unwrap_or(false);
    if let (Some(uri), true) = (uri_arg(args, 0).ok(), command != PULL) {
        // the record's standing changed with what the command found or did
        lens::changed(shared, client, &uri).await;
    }
    if command == DIFF && ok {
        // the editor shows the diff itself
        return value;
    }
    let message = value["message"].as_str().unwrap_or_default().to_string();
    let typ = if ok {
        MessageType::INFO
    } else {
        MessageType::ERROR
    };
    client.show_message(typ, format!("BCDC: {message}")).await;
    value
}

fn uri_arg(args: &[Value], i: usize) -> Result<Uri, String> {
    let text = args
        .get(i)
        .and_then(Value::as_str)
        .ok_or_else(|| "this command needs the record file's URI".to_string())?;
    text.parse().map_err(|_| format!("not a URI: {text}"))
}

/// The client for a record's catalogue: its project file's host, else the
/// editor's catalogue setting. The editor's key is for the editor's catalogue
/// only; another host's key comes from the config file (see credentials.rs).
pub(super) fn connect(
    shared: &Shared,
    portal: Option<schemas::Portal>,
) -> Result<CatalogueClient, String> {
    let settings = shared.settings();
    match portal {
        Some(p) if !schemas::same_catalogue(&p.host, settings.catalogue()) => {
            if settings.restricted {
                let other = catalogue::Catalogue::parse(&p.host).map_err(|e| e.to_string())?;
                return CatalogueClient::new(other, None).map_err(|e| e.to_string());
            }
            catalogue::connect(&p.host, None)
        }
        _ => settings.catalogue_client(),
    }
}

/// The schema of an open record, or why there is none yet.
fn schema_of(shared: &Shared, uri: &Uri) -> Result<std::sync::Arc<crate::schema::Schema>, String> {
    let in_use = schemas::in_use(shared, uri);
    in_use
        .schema
        .ok_or_else(|| format!("the record's schema is not there yet: {}", in_use.label))
}

/// A copy of the open document to run a workflow on.
fn snapshot(shared: &Shared, uri: &Uri) -> Result<Document, String> {
    shared
        .docs
        .with(uri, |open| {
            Document::parse(&open.doc.text().to_string(), open.doc.format())
        })
        .ok_or_else(|| "open the record file first".to_string())
}

/// Keeps the catalogue's field errors as diagnostics until the field is
/// edited or a later publish succeeds, and re-publishes diagnostics.
fn mark_problems(shared: &Shared, uri: &Uri, problems: &[Problem]) {
    shared.docs.with(uri, |open| {
        open.catalogue = problems
            .iter()
            .map(|p| CatalogueMark {
                pointer: p.pointer.clone(),
                message: p.message.clone(),
                text: open.doc.slice(p.range.clone()).into_owned(),
                conflict: None,
            })
            .collect();
    });
    shared.reanalyse(uri);
}

fn failure(shared: &Shared, uri: &Uri, error: &WorkflowError) -> String {
    match error {
        WorkflowError::Catalogue { problems, .. } => mark_problems(shared, uri, problems),
        // local problems are already diagnostics
        WorkflowError::Invalid { .. } | WorkflowError::Refused(_) | WorkflowError::Busy(_) => {}
    }
    error.to_string()
}

/// `[uri, {"confirmed": true}]`: the editor asked the user already.
fn confirmed(args: &[Value]) -> bool {
    args.get(1)
        .and_then(|o| o.get("confirmed"))
        .and_then(Value::as_bool)
        == Some(true)
}

/// The errors the catalogue's API would accept but its web form or policy would not, as
/// one sentence for a question; `None` when there are none.
fn form_only_summary(doc: &Document, schema: &crate::schema::Schema) -> Option<String> {
    let problems = catalogue::form_only_problems(doc, schema);
    if problems.is_empty() {
        return None;
    }
    let listed: Vec<String> = problems
        .iter()
        .map(|p| format!("line {}: {}", p.line, p.message))
        .collect();
    Some(format!(
        "The catalogue's API accepts this record, but its web form or policy asks for more: {}",
        listed.join("; ")
    ))
}

/// Asks with `window/showMessageRequest`; true when the user chose `yes`.
async fn ask(client: &Client, question: String, yes: &str) -> Result<bool, String> {
    let action = |title: &str| MessageActionItem {
        title: title.into(),
        properties: HashMap::new(),
    };
    let answer = client
        .show_message_request(
            MessageType::WARNING,
            question,
            Some(vec![action(yes), action("Cancel")]),
        )
        .await
        .map_err(|e| e.message.to_string())?;
    Ok(answer.is_some_and(|a| a.title == yes))
}

async fn publish(client: &Client, shared: &Shared, args: &[Value]) -> Result<Value, String> {
    let uri = uri_arg(args, 0)?;
    let catalogue = connect(shared, schemas::portal_of(shared, &uri))?;
    let _guard = shared
        .locks
        .try_lock(uri.as_str())
        .map_err(|e| e.to_string())?;
    let doc = snapshot(shared, &uri)?;
    let schema = schema_of(shared, &uri)?;
    if let (false, Some(question)) = (confirmed(args), form_only_summary(&doc, &schema)) {
        // what the catalogue would refuse stops it anyway: ask only when it would be sent
        catalogue::prepare_publish(&doc, &schema, &catalogue)
            .map_err(|e| failure(shared, &uri, &e))?;
        if !ask(client, format!("{question}. Publish anyway?"), "Publish").await? {
            return Ok(outcome(
                false,
                "publish cancelled; nothing was sent",
                json!({}),
            ));
        }
    }
    let published = catalogue::publish(&catalogue, &doc, &schema)
        .await
        .map_err(|e| failure(shared, &uri, &e))?;
    let label = catalogue.catalogue().label();
    let mut message = published.message(&label);
    if let Err(e) = write_ids(client, shared, &uri, &published.id, &published.resource_ids).await {
        message = format!(
            "{message}; but the id could not be written into the file ({e}): add `id: {}`",
            published.id
        );
    }
    let base_url = catalogue.catalogue().base_url();
    if let Some(path) = uri.to_file_path() {
        let _ = state_file::save_synced(
            &path,
            base_url,
            &doc,
            &published.package,
            None,
            &[],
            &[],
            &schema,
        );
    }
    let known = lens::read_known(&uri, base_url, Some(&published.id));
    shared.docs.with(&uri, |open| {
        open.remote.set(published.package.clone(), known)
    });
    mark_problems(shared, &uri, &[]);
    Ok(outcome(
        true,
        &message,
        json!({"id": published.id, "url": published.url}),
    ))
}

/// Inserts the record's and its resources' ids into the document as it is
/// now (it may have changed while publishing), with the client's applyEdit.
async fn write_ids(
    client: &Client,
    shared: &Shared,
    uri: &Uri,
    id: &str,
    resource_ids: &[Option<String>],
) -> Result<(), String> {
    let enc = shared.encoding();
    let (edits, version) = shared
        .docs
        .with(uri, |open| {
            open.doc.reparse();
            let edits =
                catalogue::id_edits(&open.doc, id, resource_ids).map_err(|e| e.to_string())?;
            let edits: Vec<OneOf<TextEdit, AnnotatedTextEdit>> = edits
                .into_iter()
                .map(|e| {
                    OneOf::Left(TextEdit {
                        range: convert::range(open.doc.text(), &e.range, enc),
                        new_text: e.new_text,
                    })
                })
                .collect();
            Ok::<_, String>((edits, open.version))
        })
        .ok_or("the file was closed")??;
    let change = TextDocumentEdit {
        text_document: OptionalVersionedTextDocumentIdentifier {
            uri: uri.clone(),
            version: Some(version),
        },
        edits,
    };
    let response = client
        .apply_edit(WorkspaceEdit {
            document_changes: Some(DocumentChanges::Edits(vec![change])),
            ..Default::default()
        })
        .await
        .map_err(|e| e.message.to_string())?;
    if response.applied {
        Ok(())
    } else {
        Err(response
            .failure_reason
            .unwrap_or_else(|| "the editor refused the edit".into()))
    }
}

async fn patch(client: &Client, shared: &Shared, args: &[Value]) -> Result<Value, String> {
    let uri = uri_arg(args, 0)?;
    // The editor may have asked the user already: `[uri, {"confirmed": true}]`; and it may
    // settle conflicts: `{"side": "mine" | "theirs"}`.
    let confirmed = confirmed(args);
    let resolve = match args
        .get(1)
        .and_then(|o| o.get("side"))
        .and_then(Value::as_str)
    {
        Some("mine") => Resolve::Mine,
        Some("theirs") => Resolve::Theirs,
        _ => Resolve::Stop,
    };
    let catalogue = connect(shared, schemas::portal_of(shared, &uri))?;
    let _guard = shared
        .locks
        .try_lock(uri.as_str())
        .map_err(|e| e.to_string())?;
    let doc = snapshot(shared, &uri)?;
    let schema = schema_of(shared, &uri)?;
    // The state lives beside the file on disk; an unsaved document has none of its own.
    let path = uri.to_file_path().map(|p| p.into_owned());
    let base_url = catalogue.catalogue().base_url().to_string();
    let id = doc.root().and_then(|r| string_field(r, "id"));
    let known = lens::read_known(&uri, &base_url, id);
    let basis = known.basis(resolve);
    let (plan, package) = catalogue::prepare_update(&catalogue, &doc, &schema, basis)
        .await
        .map_err(|e| failure(shared, &uri, &e))?;
    let label = catalogue.catalogue().label();
    let theirs: Vec<&str> = plan.theirs.iter().map(|c| c.field.as_str()).collect();
    let conflicts: Vec<&str> = plan.conflicts.iter().map(|c| c.field.as_str()).collect();
    let details = json!({"theirs": theirs, "conflicts": conflicts});
    let known_now = || lens::read_known(&uri, &base_url, id);
    shared
        .docs
        .with(&uri, |open| open.remote.set(package.clone(), known_now()));
    if plan.blocked(resolve) {
        // Each conflicting field gets a diagnostic until it is edited or an update succeeds.
        shared.docs.with(&uri, |open| {
            lens::mark_conflicts(open, &plan.conflicts, &label);
        });
        shared.reanalyse(&uri);
        return Ok(outcome(false, &plan.conflict_message(), details));
    }
    let save = |package: &serde_json::Map<String, Value>, pending: &[Key]| {
        if let Some(path) = &path {
            let _ = state_file::save_synced(
                path,
                &base_url,
                &doc,
                package,
                known.state.as_ref(),
                pending,
                &[],
                &schema,
            );
        }
    };
    let kept = if theirs.is_empty() {
        String::new()
    } else {
        format!(
            "; changed on {label} only, kept there (pull to take them): {}",
            theirs.join(", ")
        )
    };
    if plan.is_empty() {
        save(&package, &plan.pending);
        // (the conflicts' marks go with the catalogue's: none is left)
        shared
            .docs
            .with(&uri, |open| open.remote.set(package.clone(), known_now()));
        mark_problems(shared, &uri, &[]);
        return Ok(outcome(
            true,
            &if theirs.is_empty() {
                format!("nothing changed: the record on {label} is the same")
            } else {
                format!("nothing to send{kept}")
            },
            json!({"fields": [], "theirs": theirs}),
        ));
    }
    let fields = plan
        .fields()
        .iter()
        .map(|f| f.to_string())
        .collect::<Vec<_>>();
    if !confirmed {
        let summary: Vec<String> = plan.changes.iter().map(|c| c.summary()).collect();
        let mut question = format!(
            "Update {} on {label}? Changed: {}{kept}",
            plan.id,
            summary.join("; ")
        );
        if let Some(form_only) = form_only_summary(&doc, &schema) {
            question = format!("{question}. {form_only}");
        }
        if !ask(client, question, "Update").await? {
            return Ok(outcome(
                false,
                "update cancelled; nothing was sent",
                json!({"fields": fields}),
            ));
        }
    }
    let (patched, stored) =
        catalogue::send_update(&catalogue, &plan, &package, &doc, &schema, basis)
            .await
            .map_err(|e| failure(shared, &uri, &e))?;
    save(&stored, &patched.pending);
    let mut message = format!("{}{kept}", patched.message(&label));
    if !patched.resource_ids.is_empty() {
        if let Err(e) = write_ids(client, shared, &uri, &patched.id, &patched.resource_ids).await {
            message = format!(
                "{message}; but the new resources' ids could not be written into the file ({e}): \
                 the next update finds them by name"
            );
        }
    }
    shared
        .docs
        .with(&uri, |open| open.remote.set(stored.clone(), known_now()));
    mark_problems(shared, &uri, &[]);
    // the catalogue now has the file's state
    let state = doc
        .root()
        .and_then(|r| r.get("publish_state"))
        .and_then(|n| n.as_str())
        .map_or(CatalogueState::Unknown, |s| {
            CatalogueState::Known(s.to_string())
        });
    shared.docs.with(&uri, |open| open.catalogue_state = state);
    Ok(outcome(
        true,
        &message,
        json!({"id": patched.id, "url": patched.url, "fields": fields, "theirs": theirs}),
    ))
}

async fn pull(client: &Client, shared: &Shared, args: &[Value]) -> Result<Value, String> {
    let name = args
        .first()
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or("give the record's name or id")?;
    let target = uri_arg(args, 1)?;
    // the project file where the record will be, as for a record opened there
    let project = schemas::read_project(&target, &shared.choices.roots())?;
    let portal = project.map(|p| schemas::portal(shared, p));
    let schema = match &portal {
        None => shared.schema(),
        Some(p) => std::sync::Arc::new(schemas::fetch(p).await?),
    };
    let catalogue = connect(shared, portal)?;
    let format = Format::from_path(target.as_str());
    let package = catalogue
        .package_show(name)
        .await
        .map_err(|e| e.to_string())?;
    let pulled = crate::record::pulled::pulled(&package, format, &schema, catalogue.catalogue());
    let create = DocumentChangeOperation::Op(ResourceOp::Create(CreateFile {
        uri: target.clone(),
        options: Some(CreateFileOptions {
            overwrite: Some(false),
            ignore_if_exists: Some(false),
        }),
        annotation_id: None,
    }));
    let insert = DocumentChangeOperation::Edit(TextDocumentEdit {
        text_document: OptionalVersionedTextDocumentIdentifier {
            uri: target.clone(),
            version: None,
        },
        edits: vec![OneOf::Left(TextEdit {
            range: Range::default(),
            new_text: pulled.text.clone(),
        })],
    });
    let response = client
        .apply_edit(WorkspaceEdit {
            document_changes: Some(DocumentChanges::Operations(vec![create, insert])),
            ..Default::default()
        })
        .await
        .map_err(|e| e.message.to_string())?;
    let label = catalogue.catalogue().label();
    if let (true, Some(path)) = (response.applied, target.to_file_path()) {
        let doc = Document::parse(&pulled.text, format);
        let base_url = catalogue.catalogue().base_url();
        let _ = state_file::save_synced(&path, base_url, &doc, &package, None, &[], &[], &schema);
    }
    let message = if response.applied {
        format!(
            "pulled {} from {label} into {}",
            pulled.name,
            target.as_str()
        )
    } else {
        format!(
            "pulled {} from {label}, but the editor did not create {} ({})",
            pulled.name,
            target.as_str(),
            response.failure_reason.unwrap_or_default()
        )
    };
    Ok(outcome(
        response.applied,
        &message,
        json!({"id": pulled.id, "uri": target.as_str(), "text": pulled.text}),
    ))
}

/// `[uri]`: the catalogue's changes since the last synchronisation written into the open
/// record's file, its own edits kept, as `pull FILE` does. The file is written on disk,
/// so the editor's copy must be saved first (the editor then reloads it): writing into
/// the editor's unsaved text would leave the state describing a file that is not on disk.
async fn pull_changes(shared: &Shared, args: &[Value]) -> Result<Value, String> {
    let uri = uri_arg(args, 0)?;
    let path = uri
        .to_file_path()
        .map(|p| p.into_owned())
        .ok_or("save the record as a file first")?;
    let catalogue = connect(shared, schemas::portal_of(shared, &uri))?;
    let schema = schema_of(shared, &uri)?;
    let _guard = shared
        .locks
        .try_lock(uri.as_str())
        .map_err(|e| e.to_string())?;
    let _lock = catalogue::LockFile::acquire(&path).map_err(|e| e.to_string())?;
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let editor = shared.docs.with(&uri, |open| {
        open.doc.slice(0..open.doc.text().len_bytes()).into_owned()
    });
    if editor.is_some_and(|t| t != text) {
        return Err(
            "save the file first: the catalogue's changes are written into the file on \
                    disk"
                .into(),
        );
    }
    let pulled = catalogue::pull::pull_into(&catalogue, &path, &text, Resolve::Stop, &schema)
        .await
        .map_err(|e| match e {
            catalogue::pull::PullError::Stopped(why) | catalogue::pull::PullError::State(why) => {
                why
            }
            catalogue::pull::PullError::Catalogue(e) => e.to_string(),
        })?;
    let base_url = catalogue.catalogue().base_url();
    let id = pulled
        .package
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let known = lens::read_known(&uri, base_url, Some(id));
    shared
        .docs
        .with(&uri, |open| open.remote.set(pulled.package.clone(), known));
    let label = catalogue.catalogue().label();
    let message = if pulled.taken.is_empty() {
        format!("nothing new on {label}")
    } else {
        format!(
            "pulled from {label}: {}{}",
            pulled.taken.join(", "),
            if pulled.kept.is_empty() {
                String::new()
            } else {
                format!("; your own changes kept: {}", pulled.kept.join(", "))
            }
        )
    };
    // the editor's copy follows the file: VS Code reloads a file with no unsaved changes
    // by itself, the Neovim plugin reloads it with :edit
    Ok(outcome(
        true,
        &message,
        json!({"taken": pulled.taken, "kept": pulled.kept, "text": pulled.text}),
    ))
}

/// `[uri]`: the fields of the open record that differ from the catalogue's copy (asked
/// now), as two texts in the file's format for the editor's diff view: `catalogue`
/// (left) and `file` (right).
async fn diff(shared: &Shared, args: &[Value]) -> Result<Value, String> {
    let uri = uri_arg(args, 0)?;
    let doc = snapshot(shared, &uri)?;
    let schema = schema_of(shared, &uri)?;
    let root = doc.root().ok_or("the file holds no record")?;
    let id = string_field(root, "id").ok_or("not published yet: there is nothing to compare")?;
    let catalogue = connect(shared, schemas::portal_of(shared, &uri))?;
    let package = catalogue
        .package_show(id)
        .await
        .map_err(|e| e.to_string())?;
    let base_url = catalogue.catalogue().base_url();
    let known = lens::read_known(&uri, base_url, Some(id));
    let plan = crate::record::plan::plan_sync(root, &package, known.basis(Resolve::Stop), &schema);
    let sides = crate::record::diff::side_by_side(&plan, doc.format());
    shared
        .docs
        .with(&uri, |open| open.remote.set(package.clone(), known));
    let label = catalogue.catalogue().label();
    let name = uri.as_str().rsplit('/').next().unwrap_or_default();
    let message = match sides.fields {
        0 => format!("the record is the same on {label}"),
        1 => format!("1 field differs from {label}"),
        n => format!("{n} fields differ from {label}"),
    };
    Ok(outcome(
        true,
        &message,
        json!({
            "title": format!("{name}: {label} ↔ file"),
            "catalogue": sides.catalogue,
            "file": sides.file,
            "fields": sides.fields,
        }),
    ))
}

/// "Publish to BC Data Catalogue (test)" or "Update … on …", by whether the
/// record has an id.
pub fn source_actions(shared: &Shared, uri: &Uri) -> Vec<CodeActionOrCommand> {
    let Some(schema) = schemas::schema_for(shared, uri) else {
        return Vec::new();
    };
    let Some(has_id) = shared
        .docs
        .with_record(uri, &schema, |open| open.record_id().is_some())
    else {
        return Vec::new();
    };
    let name = schemas::portal_of(shared, uri).map_or_else(|| shared.catalogue_name(), |p| p.host);
    let (title, command) = if has_id {
        (
            format!("Update record on BC Data Catalogue ({name})"),
            PATCH,
        )
    } else {
        (format!("Publish to BC Data Catalogue ({name})"), PUBLISH)
    };
    vec![CodeActionOrCommand::CodeAction(CodeAction {
        title: title.clone(),
        kind: Some(CodeActionKind::SOURCE),
        command: Some(Command {
            title,
            command: command.into(),
            arguments: Some(vec![json!(uri.as_str())]),
        }),
        ..Default::default()
    })]
}

//! Where an open record stands against the catalogue: the code lens on its first line,
//! the conflict diagnostics and their quick fixes.
//!
//! The server keeps each record's catalogue copy, fetched when the record is opened, when
//! it is saved (at most every few minutes: [`DEFAULT_REFRESH`]), in the background at the
//! same pace while it stays open, and after each publish, update or pull (which bring a
//! fresh copy anyway); and the file's synchronisation state, read again on every save.
//! The standing is planned from both and the text in the editor (what Update would send),
//! once per edit and copy. Thin: the plan is `record::plan`, the lenses `assist::lens`.

use super::commands::{self, connect};
use super::convert;
use super::documents::{CatalogueMark, ConflictMark, OpenDoc};
use super::schemas;
use super::state::Shared;
use crate::assist::lens::{self as lens_core, LensCommand, Remote};
use crate::assist::CatalogueState;
use crate::catalogue::state_file::Known;
use crate::catalogue::workflow::{blocks_sending, locate};
use crate::catalogue::CatalogueError;
use crate::record::merge;
use crate::record::plan::{plan_sync, Conflict, Resolve, Standing};
use crate::schema::Schema;
use crate::syntax::Node;
use serde_json::{json, Map, Value};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::Client;

/// How often the catalogue is asked again about an open record.
pub const DEFAULT_REFRESH: Duration = Duration::from_secs(180);

/// What the server holds of a record's copy on the catalogue.
#[derive(Default)]
pub enum Copy {
    #[default]
    NotAsked,
    Checking,
    Unreachable,
    Refused,
    NotFound,
    Fetched(Arc<Map<String, Value>>),
}

/// A record's catalogue copy and synchronisation state, and the standing last planned.
#[derive(Default)]
pub struct CatalogueCopy {
    pub copy: Copy,
    /// When the copy was last asked for (successfully or not).
    pub asked: Option<Instant>,
    /// The synchronisation state and the file's time on disk (nothing for an unsaved buffer).
    known: Known,
    /// Bumped with every new copy or state, so that the plan is made again.
    generation: u64,
    /// The standing for (document version, generation).
    planned: Option<(i32, u64, Option<Standing>)>,
}

impl CatalogueCopy {
    /// Takes a copy the catalogue just returned (a fetch, a publish, an update).
    pub fn set(&mut self, package: Map<String, Value>, known: Known) {
        self.copy = Copy::Fetched(Arc::new(package));
        self.asked = Some(Instant::now());
        self.known = known;
        self.generation += 1;
    }

    fn set_state(&mut self, known: Known) {
        self.known = known;
        self.generation += 1;
    }

    fn stale(&self, every: Duration) -> bool {
        self.asked.is_none_or(|at| at.elapsed() >= every)
    }

    /// The fetched copy, if it is of the record `id` (the file's id may have changed).
    fn package_of(&self, id: &str) -> Option<&Map<String, Value>> {
        match &self.copy {
            Copy::Fetched(p) if p.get("id").and_then(Value::as_str) == Some(id) => Some(p),
            _ => None,
        }
    }
}

/// The synchronisation state of the file behind `uri`, for the record `id` on `base_url`;
/// none for a document that is not a file (its state would live beside it on disk).
pub fn read_known(uri: &Uri, base_url: &str, id: Option<&str>) -> Known {
    uri.to_file_path()
        .map_or_else(Known::default, |path| Known::read(&path, base_url, id))
}

/// What planning a record's standing needs, taken out of the document store so that the
/// plan (tens of milliseconds on a record of thousands of entries) never holds up the
/// analysis of edits.
struct ToPlan {
    root: Node,
    package: Arc<Map<String, Value>>,
    known: Known,
    version: i32,
    generation: u64,
}

/// A record's standing as far as the store knows it.
enum Lookup {
    /// Planned for this text and copy already.
    Planned(Option<Standing>),
    /// To plan from these.
    Plan(Box<ToPlan>),
    /// No fetched copy of this record, or no record.
    Unknown,
}

fn lookup(open: &OpenDoc) -> Lookup {
    let generation = open.remote.generation;
    match &open.remote.planned {
        Some((v, g, standing)) if *v == open.version && *g == generation => {
            Lookup::Planned(standing.clone())
        }
        _ => {
            let id = open.record_id().unwrap_or_default();
            let (Copy::Fetched(package), Some(_), Some(root)) = (
                &open.remote.copy,
                open.remote.package_of(&id),
                open.doc.root(),
            ) else {
                return Lookup::Unknown;
            };
            Lookup::Plan(Box::new(ToPlan {
                root: root.clone(),
                package: package.clone(),
                known: open.remote.known.clone(),
                version: open.version,
                generation,
            }))
        }
    }
}

/// Plans the standing (off the async threads).
async fn plan(inputs: Box<ToPlan>, schema: Arc<Schema>) -> (i32, u64, Option<Standing>) {
    let ToPlan {
        root,
        package,
        known,
        version,
        generation,
    } = *inputs;
    let standing = tokio::task::spawn_blocking(move || {
        plan_sync(&root, &package, known.basis(Resolve::Stop), &schema).standing(Resolve::Stop)
    })
    .await
    .ok();
    (version, generation, standing)
}

/// Replaces the record's conflict diagnostics with `conflicts`; true if they changed.
pub fn mark_conflicts(open: &mut OpenDoc, conflicts: &[Conflict], catalogue: &str) -> bool {
    let doc = &open.doc;
    let marks: Vec<CatalogueMark> = conflicts
        .iter()
        .map(|c| {
            let theirs = c.theirs.as_ref().map_or("no value".to_string(), |v| {
                let text = match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                let short: String = text.chars().take(60).collect();
                if short.len() < text.len() {
                    format!("“{short}…”")
                } else {
                    format!("“{short}”")
                }
            });
            let since = if c.no_state {
                "after this file was last saved, and differs from it"
            } else {
                "too since the last synchronisation"
            };
            CatalogueMark {
                pointer: c.pointer.clone(),
                message: format!(
                    "`{}` was changed on {catalogue} {since} (it has {theirs} there): take the \
                     catalogue's value, or keep yours and update",
                    c.field
                ),
                text: doc.slice(locate(doc, &c.pointer)).into_owned(),
                conflict: Some(ConflictMark {
                    key: c.key.clone(),
                    field: c.field.clone(),
                }),
            }
        })
        .collect();
    let before: Vec<(&str, &str)> = open
        .catalogue
        .iter()
        .filter(|m| m.conflict.is_some())
        .map(|m| (m.pointer.as_str(), m.message.as_str()))
        .collect();
    let after: Vec<(&str, &str)> = marks
        .iter()
        .map(|m| (m.pointer.as_str(), m.message.as_str()))
        .collect();
    if before == after {
        return false;
    }
    open.catalogue.retain(|m| m.conflict.is_none());
    open.catalogue.extend(marks);
    true
}

/// The lenses of an open record (none for documents that are not records).
pub async fn code_lenses(shared: &Shared, uri: &Uri) -> Vec<CodeLens> {
    let Some(schema) = schemas::schema_for(shared, uri) else {
        return Vec::new();
    };
    let catalogue = catalogue_name(shared, uri);
    let Some(planned) = shared.docs.with_record(uri, &schema, |open| lookup(open)) else {
        return Vec::new();
    };
    let standing = match planned {
        Lookup::Planned(standing) => standing,
        Lookup::Unknown => None,
        Lookup::Plan(inputs) => {
            let (version, generation, standing) = plan(inputs, schema.clone()).await;
            shared.docs.with(uri, |open| {
                // kept only if the text and the copy are still the ones planned from
                if open.version == version && open.remote.generation == generation {
                    open.remote.planned = Some((version, generation, standing.clone()));
                }
            });
            standing
        }
    };
    let answer = shared.docs.with_record(uri, &schema, |open| {
        let blocking = open
            .diagnostics
            .iter()
            .filter(|d| blocks_sending(d))
            .count();
        let remote = if open.record_id().is_none() {
            Remote::NotPublished
        } else {
            match (&open.remote.copy, standing) {
                (Copy::Fetched(_), Some(standing)) => Remote::Known(standing),
                (Copy::Unreachable, _) => Remote::Unreachable,
                (Copy::Refused, _) => Remote::Refused,
                (Copy::NotFound, _) => Remote::NotFound,
                _ => Remote::Checking,
            }
        };
        let conflicts = match &remote {
            Remote::Known(Standing::Conflict { conflicts }) => conflicts.as_slice(),
            _ => &[],
        };
        let changed = mark_conflicts(open, conflicts, &catalogue);
        (lens_core::lenses(&remote, blocking, &catalogue), changed)
    });
    let Some((lenses, conflicts_changed)) = answer else {
        return Vec::new();
    };
    if conflicts_changed {
        shared.reanalyse(uri);
    }
    let at = Range::default();
    lenses
        .into_iter()
        .map(|l| CodeLens {
            range: at,
            command: Some(Command {
                title: l.title,
                // a lens with no command only says something (VS Code shows it as text)
                command: l.command.map_or("", command_of).to_string(),
                arguments: l.command.map(|_| vec![json!(uri.as_str())]),
            }),
            data: None,
        })
        .collect()
}

/// The record's catalogue as lenses and fixes name it: `test`, `prod` or its host.
fn catalogue_name(shared: &Shared, uri: &Uri) -> String {
    match schemas::portal_of(shared, uri) {
        Some(portal) => portal.host,
        None => {
            let setting = shared.settings();
            crate::catalogue::Catalogue::parse(setting.catalogue()).map_or_else(
                |_| setting.catalogue().to_string(),
                |c| c.display_name().to_string(),
            )
        }
    }
}

fn command_of(c: LensCommand) -> &'static str {
    match c {
        LensCommand::Publish => commands::PUBLISH,
        LensCommand::Update => commands::PATCH,
        LensCommand::Pull => commands::PULL_CHANGES,
        LensCommand::ShowDiff => commands::DIFF,
    }
}

/// Asks the catalogue for an open record's copy, in the background; then the lens, the
/// conflict diagnostics and completion's `publish_state` moves follow it.
pub async fn refresh(shared: Arc<Shared>, client: Client, uri: Uri) {
    // only once the record's schema is there, which says whether it is a record
    let Some(schema) = schemas::schema_for(&shared, &uri) else {
        return;
    };
    let Some(id) = shared
        .docs
        .with_record(&uri, &schema, |open| open.record_id())
        .flatten()
    else {
        return;
    };
    let catalogue = connect(&shared, schemas::portal_of(&shared, &uri));
    shared.docs.with(&uri, |open| {
        open.remote.asked = Some(Instant::now());
        if matches!(open.remote.copy, Copy::NotAsked) {
            open.remote.copy = Copy::Checking;
        }
    });
    let reply = match &catalogue {
        Ok(catalogue) => Some(catalogue.package_show(&id).await),
        Err(_) => None,
    };
    let known = catalogue.as_ref().map_or_else(
        |_| Known::default(),
        |c| read_known(&uri, c.catalogue().base_url(), Some(&id)),
    );
    shared.docs.with(&uri, |open| {
        // the id may have changed meanwhile: the answer is then about another record
        if open.record_id().as_deref() != Some(id.as_str()) {
            open.remote.copy = Copy::NotAsked;
            return;
        }
        let (copy, state) = match reply {
            Some(Ok(package)) => {
                let state = package
                    .get("publish_state")
                    .and_then(Value::as_str)
                    .map_or(CatalogueState::Unknown, |s| {
                        CatalogueState::Known(s.to_string())
                    });
                open.remote.set(package, known);
                open.catalogue_state = state;
                return;
            }
            // not on this catalogue: the file's state is all there is
            Some(Err(CatalogueError::NotFound { .. })) => (Copy::NotFound, CatalogueState::Unknown),
            Some(Err(CatalogueError::Auth { .. })) => (Copy::Refused, CatalogueState::Unreachable),
            Some(Err(_)) | None => (Copy::Unreachable, CatalogueState::Unreachable),
        };
        open.remote.copy = copy;
        open.remote.generation += 1;
        open.catalogue_state = state;
    });
    changed(&shared, &client, &uri).await;
}

/// The record's standing may have changed: re-check it (its conflict diagnostics) and
/// ask the editor for the lenses again.
pub async fn changed(shared: &Shared, client: &Client, uri: &Uri) {
    code_lenses(shared, uri).await;
    shared.reanalyse(uri);
    if shared.editing.lens_refresh.load(Ordering::Relaxed) {
        let _ = client.code_lens_refresh().await;
    }
}

/// The file was saved: its state may have changed (an update or pull from the command
/// line); the catalogue is asked again when its copy is older than the refresh period.
pub async fn saved(shared: Arc<Shared>, client: Client, uri: Uri) {
    let every = shared.settings().refresh();
    let Some(schema) = schemas::schema_for(&shared, &uri) else {
        return;
    };
    let Some(id) = shared
        .docs
        .with_record(&uri, &schema, |open| open.record_id())
    else {
        return;
    };
    // the file is read outside the store: nothing waits on the disk
    let known = match (id, connect(&shared, schemas::portal_of(&shared, &uri))) {
        (Some(id), Ok(c)) => read_known(&uri, c.catalogue().base_url(), Some(&id)),
        _ => Known::default(),
    };
    let stale = shared
        .docs
        .with(&uri, |open| {
            open.remote.set_state(known);
            open.remote.stale(every)
        })
        .unwrap_or(false);
    if stale {
        refresh(shared, client, uri).await;
    } else {
        changed(&shared, &client, &uri).await;
    }
}

/// Asks the catalogue again about each open record whose copy is older than the refresh
/// period, for as long as the server runs.
pub async fn keep_fresh(shared: Arc<Shared>, client: Client) {
    loop {
        let every = shared.settings().refresh();
        tokio::time::sleep((every / 4).clamp(Duration::from_secs(1), Duration::from_secs(60)))
            .await;
        for uri in shared.docs.uris() {
            let due = shared
                .docs
                .with(&uri, |open| {
                    // a copy of another record (the id was edited) is asked again at once
                    open.record_id().is_some_and(|id| {
                        !matches!(open.remote.copy, Copy::Checking)
                            && (open.remote.stale(every)
                                || (matches!(open.remote.copy, Copy::Fetched(_))
                                    && open.remote.package_of(&id).is_none()))
                    })
                })
                .unwrap_or(false);
            if due {
                tokio::spawn(refresh(shared.clone(), client.clone(), uri));
            }
        }
    }
}

/// "Take the catalogue's value" and "Keep mine" on the conflict diagnostics in `params`.
pub fn conflict_fixes(shared: &Shared, params: &CodeActionParams) -> Vec<CodeActionOrCommand> {
    let uri = &params.text_document.uri;
    let pointers: Vec<&str> = params
        .context
        .diagnostics
        .iter()
        .filter(|d| matches!(&d.code, Some(NumberOrString::String(c)) if c == "conflict"))
        .filter_map(|d| d.data.as_ref()?.get("pointer")?.as_str())
        .collect();
    if pointers.is_empty() {
        return Vec::new();
    }
    let Some(schema) = schemas::schema_for(shared, uri) else {
        return Vec::new();
    };
    let enc = shared.encoding();
    let catalogue = catalogue_name(shared, uri);
    shared
        .docs
        .with_record(uri, &schema, |open| {
            let Copy::Fetched(package) = &open.remote.copy else {
                return Vec::new();
            };
            let conflicting = open
                .catalogue
                .iter()
                .filter(|m| m.conflict.is_some())
                .count();
            let state = open.remote.known.state.as_ref();
            let mut actions = Vec::new();
            for mark in open.catalogue.iter() {
                let Some(conflict) = &mark.conflict else {
                    continue;
                };
                let (key, field) = (&conflict.key, &conflict.field);
                if !pointers.contains(&mark.pointer.as_str()) {
                    continue;
                }
                if let Ok(text) = merge::take_theirs(&open.doc, package, key, state, &schema) {
                    let old = open.doc.slice(0..open.doc.text().len_bytes());
                    let edit = crate::assist::minimal_edit(&old, &text);
                    let edit = TextEdit {
                        range: convert::range(open.doc.text(), &edit.range, enc),
                        new_text: edit.new_text,
                    };
                    actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                        title: format!("Take {catalogue}'s value of `{field}`"),
                        kind: Some(CodeActionKind::QUICKFIX),
                        edit: Some(WorkspaceEdit {
                            changes: Some([(uri.clone(), vec![edit])].into_iter().collect()),
                            ..Default::default()
                        }),
                        is_preferred: Some(true),
                        ..Default::default()
                    }));
                }
                let title = if conflicting == 1 {
                    format!("Keep mine: update `{field}` on {catalogue} with the file's value")
                } else {
                    format!(
                        "Keep mine: update on {catalogue} with the file's values of all \
                         {conflicting} conflicting fields"
                    )
                };
                actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: title.clone(),
                    kind: Some(CodeActionKind::QUICKFIX),
                    command: Some(Command {
                        title,
                        command: commands::PATCH.into(),
                        arguments: Some(vec![json!(uri.as_str()), json!({"side": "mine"})]),
                    }),
                    ..Default::default()
                }));
            }
            actions
        })
        .unwrap_or_default()
}

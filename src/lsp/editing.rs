//! Completion, hover, quick fixes and document symbols: protocol types to
//! and from the pure `assist` module. No analysis here.

use super::convert;
use super::server::Shared;
use crate::assist::completion::{Completion, CompletionKind};
use crate::assist::fixes::Fix;
use crate::assist::outline::{Symbol, SymbolKind as Kind};
use crate::assist::{self, Dynamic, Edit};
use crate::check::{self, Diagnostic};
use crate::schema::{Choice, Schema};
use crate::syntax::{Document, Format};
use crate::text::Encoding;
use ropey::Rope;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use tower_lsp_server::ls_types::{self, *};

/// Characters after which completion opens by itself: after `key:` and
/// its space, an opening quote, a comma in keywords or `[a, b]`, a `[`.
pub const TRIGGERS: [&str; 6] = [":", " ", "\"", "'", ",", "["];

/// What the client supports, and the choices that come from outside the
/// schema.
#[derive(Default)]
pub struct State {
    snippets: AtomicBool,
    /// The client runs `editor.action.triggerSuggest` (VS Code and kin).
    retrigger: AtomicBool,
    organizations: RwLock<Arc<Vec<Choice>>>,
    /// The workspace folders, and the keywords of their record files.
    roots: RwLock<Vec<PathBuf>>,
    workspace_keywords: RwLock<Arc<Vec<String>>>,
}

/// Bounds on the workspace scan for keywords: it must stay quick on a
/// home directory opened by mistake.
const SCAN_MAX_DEPTH: usize = 8;
const SCAN_MAX_ENTRIES: usize = 20_000;
const SCAN_MAX_FILE_BYTES: u64 = 1 << 20;

impl State {
    pub fn negotiate(&self, params: &InitializeParams) {
        let snippets = params
            .capabilities
            .text_document
            .as_ref()
            .and_then(|t| t.completion.as_ref())
            .and_then(|c| c.completion_item.as_ref())
            .and_then(|i| i.snippet_support)
            .unwrap_or(false);
        self.snippets.store(snippets, Ordering::Relaxed);
        let code = params
            .client_info
            .as_ref()
            .is_some_and(|c| c.name.to_lowercase().contains("code"));
        self.retrigger.store(code, Ordering::Relaxed);
        #[allow(deprecated)] // root_uri: older clients send only this
        let roots: Vec<PathBuf> = match &params.workspace_folders {
            Some(folders) => folders
                .iter()
                .filter_map(|f| f.uri.to_file_path().map(|p| p.into_owned()))
                .collect(),
            None => params
                .root_uri
                .iter()
                .filter_map(|u| u.to_file_path().map(|p| p.into_owned()))
                .collect(),
        };
        *self.roots.write().unwrap_or_else(|e| e.into_inner()) = roots;
    }

    fn set_organizations(&self, organizations: Vec<Choice>) {
        *self
            .organizations
            .write()
            .unwrap_or_else(|e| e.into_inner()) = Arc::new(organizations);
    }

    fn organizations(&self) -> Arc<Vec<Choice>> {
        self.organizations
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// How long the cached organizations are used without asking the catalogue.
const ORGANIZATIONS_FRESH: std::time::Duration = std::time::Duration::from_secs(3600);

/// Loads the catalogue's organizations for completion: at once from the
/// disk cache, then, unless the cache is under an hour old, from the
/// catalogue, whose answer replaces the cache. A failure keeps what there
/// is (completion then offers none, silently).
pub async fn refresh_organizations(shared: Arc<Shared>) {
    let settings = shared.settings();
    let setting = settings.catalogue.as_deref().unwrap_or("test");
    let Ok(client) = crate::catalogue::connect(setting, settings.api_key.as_deref()) else {
        return;
    };
    let cache = organizations_cache(&client.catalogue().label());
    if let Some(cached) = cache.as_deref().and_then(read_organizations) {
        shared.editing.set_organizations(cached);
        let age = cache
            .as_deref()
            .and_then(|p| std::fs::metadata(p).ok()?.modified().ok()?.elapsed().ok());
        if age.is_some_and(|a| a < ORGANIZATIONS_FRESH) {
            return;
        }
    }
    let Ok(list) = client.organization_list().await else {
        return;
    };
    let choices: Vec<Choice> = list
        .into_iter()
        .map(|o| Choice {
            label: if o.title.trim().is_empty() {
                o.name
            } else {
                o.title
            },
            value: o.id,
            next: Vec::new(),
        })
        .collect();
    if let Some(path) = cache {
        let json: Vec<serde_json::Value> = choices
            .iter()
            .map(|c| serde_json::json!({"id": c.value, "title": c.label}))
            .collect();
        if let Some(dir) = path.parent() {
            let _ = tokio::fs::create_dir_all(dir).await;
        }
        let _ = tokio::fs::write(&path, serde_json::Value::Array(json).to_string()).await;
    }
    shared.editing.set_organizations(choices);
}

/// `<cache dir>/bcdc-lsp/organizations-<catalogue>.json`.
fn organizations_cache(catalogue: &str) -> Option<std::path::PathBuf> {
    let name: String = catalogue
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    Some(
        dirs::cache_dir()?
            .join("bcdc-lsp")
            .join(format!("organizations-{name}.json")),
    )
}

fn read_organizations(path: &std::path::Path) -> Option<Vec<Choice>> {
    let text = std::fs::read_to_string(path).ok()?;
    let list: Vec<serde_json::Value> = serde_json::from_str(&text).ok()?;
    Some(
        list.iter()
            .filter_map(|o| {
                Some(Choice {
                    value: o.get("id")?.as_str()?.to_string(),
                    label: o.get("title")?.as_str()?.to_string(),
                    next: Vec::new(),
                })
            })
            .collect(),
    )
}

pub fn completion_options() -> CompletionOptions {
    CompletionOptions {
        trigger_characters: Some(TRIGGERS.iter().map(|t| t.to_string()).collect()),
        ..Default::default()
    }
}

/// Reads the keywords of the workspace's record files, in the background.
pub async fn load_workspace_keywords(shared: Arc<Shared>) {
    let roots = shared
        .editing
        .roots
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    let schema = shared.schema();
    let found = tokio::task::spawn_blocking(move || {
        let mut out = Vec::new();
        let mut budget = SCAN_MAX_ENTRIES;
        for root in &roots {
            scan_keywords(root, 0, &mut budget, &schema, &mut out);
        }
        out
    })
    .await
    .unwrap_or_default();
    *shared
        .editing
        .workspace_keywords
        .write()
        .unwrap_or_else(|e| e.into_inner()) = Arc::new(found);
}

fn scan_keywords(
    dir: &Path,
    depth: usize,
    budget: &mut usize,
    schema: &Schema,
    out: &mut Vec<String>,
) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if *budget == 0 {
            return;
        }
        *budget -= 1;
        let name = entry.file_name().to_string_lossy().to_lowercase();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            let skip = name.starts_with('.') || name == "node_modules" || name == "target";
            if !skip && depth < SCAN_MAX_DEPTH {
                scan_keywords(&entry.path(), depth + 1, budget, schema, out);
            }
            continue;
        }
        let is_record = [".bcdc.yaml", ".bcdc.yml", ".bcdc.json"]
            .iter()
            .any(|s| name.ends_with(s));
        let small = entry
            .metadata()
            .is_ok_and(|m| m.len() <= SCAN_MAX_FILE_BYTES);
        if !is_record || !kind.is_file() || !small {
            continue;
        }
        if let Ok(text) = std::fs::read_to_string(entry.path()) {
            let doc = Document::parse(&text, Format::from_path(&name));
            keywords_of(&doc, schema, out);
        }
    }
}

/// The keywords a record's keyword fields hold.
fn keywords_of(doc: &Document, schema: &Schema, out: &mut Vec<String>) {
    for field in assist::keyword_fields(schema) {
        if let Some(text) = doc.root().and_then(|r| r.get(&field.name)?.as_str()) {
            out.extend(
                text.split(',')
                    .map(|k| k.trim().to_string())
                    .filter(|k| !k.is_empty()),
            );
        }
    }
}

/// The keywords of the workspace's and the other open record files (the
/// one being edited holds what is being typed).
fn keywords(shared: &Shared, editing: &Uri) -> Vec<String> {
    let schema = shared.schema();
    let mut out: Vec<String> = shared
        .editing
        .workspace_keywords
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .to_vec();
    for uri in shared.docs.uris().iter().filter(|u| *u != editing) {
        shared.docs.with(uri, |open| {
            if open.is_record(&schema) {
                keywords_of(&open.doc, &schema, &mut out);
            }
        });
    }
    out
}

pub fn completion(shared: &Shared, params: CompletionParams) -> Option<CompletionResponse> {
    let enc = shared.encoding();
    let schema = shared.schema();
    let at = params.text_document_position;
    let extra = Dynamic {
        organizations: shared.editing.organizations().to_vec(),
        keywords: keywords(shared, &at.text_document.uri),
        publish_state: None,
    };
    let snippets = shared.editing.snippets.load(Ordering::Relaxed);
    let retrigger = shared.editing.retrigger.load(Ordering::Relaxed);
    shared
        .docs
        .with(&at.text_document.uri, |open| {
            open.doc.reparse();
            if !open.is_record(&schema) {
                return None;
            }
            let rope = open.doc.text();
            let offset = convert::offset(rope, at.position, enc);
            let items = assist::completion::complete(&open.doc, &schema, offset, &extra);
            Some(CompletionResponse::List(CompletionList {
                // the list is filtered by what is typed: ask again as it changes
                is_incomplete: true,
                items: items
                    .into_iter()
                    .map(|c| completion_item(rope, c, enc, snippets, retrigger))
                    .collect(),
            }))
        })
        .flatten()
}

fn text_edit(rope: &Rope, e: &Edit, enc: Encoding) -> TextEdit {
    TextEdit {
        range: convert::range(rope, &e.range, enc),
        new_text: e.new_text.clone(),
    }
}

fn completion_item(
    rope: &Rope,
    c: Completion,
    enc: Encoding,
    snippets: bool,
    retrigger: bool,
) -> CompletionItem {
    let (text, format) = match c.snippet {
        Some(s) if snippets => (s, InsertTextFormat::SNIPPET),
        _ => (c.insert_text, InsertTextFormat::PLAIN_TEXT),
    };
    let edit = Edit {
        range: c.replace_range,
        new_text: text,
    };
    CompletionItem {
        label: c.label,
        kind: Some(match c.kind {
            CompletionKind::Value => CompletionItemKind::ENUM_MEMBER,
            CompletionKind::Field => CompletionItemKind::FIELD,
            CompletionKind::Entry => CompletionItemKind::SNIPPET,
            CompletionKind::Keyword => CompletionItemKind::KEYWORD,
        }),
        detail: c.detail,
        documentation: c.documentation.map(|md| {
            Documentation::MarkupContent(MarkupContent {
                kind: MarkupKind::Markdown,
                value: md,
            })
        }),
        sort_text: Some(c.sort_text),
        filter_text: Some(c.filter_text),
        insert_text_format: Some(format),
        // the text holds its own indentation
        insert_text_mode: Some(InsertTextMode::AS_IS),
        text_edit: Some(CompletionTextEdit::Edit(text_edit(rope, &edit, enc))),
        additional_text_edits: (!c.additional_edits.is_empty()).then(|| {
            c.additional_edits
                .iter()
                .map(|e| text_edit(rope, e, enc))
                .collect()
        }),
        command: (c.retrigger && retrigger).then(|| Command {
            title: "Suggest values".into(),
            command: "editor.action.triggerSuggest".into(),
            arguments: None,
        }),
        ..Default::default()
    }
}

pub fn hover(shared: &Shared, params: HoverParams) -> Option<Hover> {
    let enc = shared.encoding();
    let schema = shared.schema();
    let extra = Dynamic {
        organizations: shared.editing.organizations().to_vec(),
        ..Dynamic::default()
    };
    let at = params.text_document_position_params;
    shared
        .docs
        .with(&at.text_document.uri, |open| {
            open.doc.reparse();
            if !open.is_record(&schema) {
                return None;
            }
            let rope = open.doc.text();
            let offset = convert::offset(rope, at.position, enc);
            let h = assist::hover::hover(&open.doc, &schema, offset, &extra)?;
            Some(Hover {
                contents: HoverContents::Markup(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value: h.markdown,
                }),
                range: Some(convert::range(rope, &h.range, enc)),
            })
        })
        .flatten()
}

pub fn document_symbols(
    shared: &Shared,
    params: DocumentSymbolParams,
) -> Option<DocumentSymbolResponse> {
    let enc = shared.encoding();
    let schema = shared.schema();
    shared
        .docs
        .with(&params.text_document.uri, |open| {
            open.doc.reparse();
            if !open.is_record(&schema) {
                return None;
            }
            let symbols = assist::outline::outline(&open.doc, &schema);
            let rope = open.doc.text();
            Some(DocumentSymbolResponse::Nested(
                symbols.into_iter().map(|s| symbol(rope, s, enc)).collect(),
            ))
        })
        .flatten()
}

#[allow(deprecated)] // `deprecated` is a required field of the struct
fn symbol(rope: &Rope, s: Symbol, enc: Encoding) -> DocumentSymbol {
    DocumentSymbol {
        name: s.name,
        detail: s.detail,
        kind: match s.kind {
            Kind::Object => SymbolKind::OBJECT,
            Kind::Array => SymbolKind::ARRAY,
            Kind::String => SymbolKind::STRING,
            Kind::Number => SymbolKind::NUMBER,
            Kind::Boolean => SymbolKind::BOOLEAN,
            Kind::Null => SymbolKind::NULL,
        },
        tags: None,
        deprecated: None,
        range: convert::range(rope, &s.range, enc),
        selection_range: convert::range(rope, &s.selection_range, enc),
        children: (!s.children.is_empty()).then(|| {
            s.children
                .into_iter()
                .map(|c| symbol(rope, c, enc))
                .collect()
        }),
    }
}

/// Quick fixes for the client's diagnostics in the range, each linked to
/// its diagnostic, and rewrites offered at the range itself.
pub fn quick_fixes(shared: &Shared, params: &CodeActionParams) -> Vec<CodeActionOrCommand> {
    let enc = shared.encoding();
    let schema = shared.schema();
    let uri = &params.text_document.uri;
    shared
        .docs
        .with(uri, |open| {
            open.doc.reparse();
            if !open.is_record(&schema) {
                return Vec::new();
            }
            let current;
            let diagnostics: &[Diagnostic] = if open.analysed == Some(open.version) {
                &open.diagnostics
            } else {
                current = check::check(&open.doc, &schema);
                &current
            };
            // the client's diagnostics, matched to the checker's by code,
            // field and message (their ranges may have moved since)
            let mut linked: Vec<(&ls_types::Diagnostic, Diagnostic)> = Vec::new();
            for client in &params.context.diagnostics {
                let pointer = client
                    .data
                    .as_ref()
                    .and_then(|d| d.get("pointer"))
                    .and_then(|p| p.as_str());
                let code = match &client.code {
                    Some(NumberOrString::String(s)) => s.as_str(),
                    _ => continue,
                };
                if let Some(d) = diagnostics.iter().find(|d| {
                    d.code.as_str() == code
                        && d.message == client.message
                        && pointer.is_none_or(|p| p == d.pointer)
                }) {
                    linked.push((client, d.clone()));
                }
            }
            let ours: Vec<Diagnostic> = linked.iter().map(|(_, d)| d.clone()).collect();
            let rope = open.doc.text();
            let range = convert::byte_range(rope, params.range, enc);
            assist::fixes::quick_fixes(&open.doc, &schema, range, &ours)
                .into_iter()
                .map(|f| code_action(rope, uri, f, &linked, enc))
                .collect()
        })
        .unwrap_or_default()
}

fn code_action(
    rope: &Rope,
    uri: &Uri,
    fix: Fix,
    linked: &[(&ls_types::Diagnostic, Diagnostic)],
    enc: Encoding,
) -> CodeActionOrCommand {
    let edits = fix.edits.iter().map(|e| text_edit(rope, e, enc)).collect();
    let diagnostic = fix.diagnostic.map(|i| linked[i].0.clone());
    CodeActionOrCommand::CodeAction(CodeAction {
        title: fix.title,
        kind: Some(if diagnostic.is_some() {
            CodeActionKind::QUICKFIX
        } else {
            CodeActionKind::REFACTOR_REWRITE
        }),
        diagnostics: diagnostic.map(|d| vec![d]),
        edit: Some(WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), edits)])),
            ..Default::default()
        }),
        is_preferred: fix.preferred.then_some(true),
        ..Default::default()
    })
}

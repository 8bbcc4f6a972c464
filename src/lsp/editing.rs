//! Completion, hover, quick fixes, document symbols and inlay hints:
//! protocol types to and from the pure `assist` module. No analysis here.

use super::choices;
use super::convert;
use super::schemas;
use super::state::Shared;
use crate::assist::completion::{Completion, CompletionKind};
use crate::assist::fixes::Fix;
use crate::assist::inlay::Sources;
use crate::assist::outline::{Symbol, SymbolKind as Kind};
use crate::assist::{self, CatalogueState, Dynamic, Edit};
use crate::check::{self, Diagnostic};
use crate::text::Encoding;
use ropey::Rope;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use tower_lsp_server::ls_types::{self, *};

/// Characters after which completion opens by itself: after `key:` and
/// its space, an opening quote, a comma in keywords or `[a, b]`, a `[`.
pub const TRIGGERS: [&str; 6] = [":", " ", "\"", "'", ",", "["];

/// What the client supports.
#[derive(Default)]
pub struct State {
    snippets: AtomicBool,
    /// The client runs `editor.action.triggerSuggest` (VS Code and kin).
    retrigger: AtomicBool,
    /// The client takes `workspace/inlayHint/refresh`.
    inlay_refresh: AtomicBool,
    /// The client takes `workspace/codeLens/refresh`.
    pub lens_refresh: AtomicBool,
    /// The client watches files for the server when asked (dynamic registration).
    pub watch_files: AtomicBool,
}

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
        // what the client declares of its workspace features
        let workspace = |declared: fn(&WorkspaceClientCapabilities) -> Option<bool>| {
            params
                .capabilities
                .workspace
                .as_ref()
                .and_then(declared)
                .unwrap_or(false)
        };
        let inlay_refresh = workspace(|w| w.inlay_hint.as_ref()?.refresh_support);
        self.inlay_refresh.store(inlay_refresh, Ordering::Relaxed);
        let lens_refresh = workspace(|w| w.code_lens.as_ref()?.refresh_support);
        self.lens_refresh.store(lens_refresh, Ordering::Relaxed);
        let watch_files = workspace(|w| w.did_change_watched_files.as_ref()?.dynamic_registration);
        self.watch_files.store(watch_files, Ordering::Relaxed);
    }
}

pub fn completion_options() -> CompletionOptions {
    CompletionOptions {
        trigger_characters: Some(TRIGGERS.iter().map(|t| t.to_string()).collect()),
        ..Default::default()
    }
}

pub fn completion(shared: &Shared, params: CompletionParams) -> Option<CompletionResponse> {
    let enc = shared.encoding();
    let at = params.text_document_position;
    let schema = schemas::schema_for(shared, &at.text_document.uri)?;
    let mut extra = Dynamic {
        organizations: schemas::organizations(shared, &at.text_document.uri),
        keywords: choices::keywords(shared, &at.text_document.uri),
        publish_state: CatalogueState::Unknown,
    };
    let snippets = shared.editing.snippets.load(Ordering::Relaxed);
    let retrigger = shared.editing.retrigger.load(Ordering::Relaxed);
    shared
        .docs
        .with_record(&at.text_document.uri, &schema, |open| {
            // the state the catalogue has, once fetched (see lsp::commands)
            extra.publish_state = open.catalogue_state.clone();
            let rope = open.doc.text();
            let offset = convert::offset(rope, at.position, enc);
            let items = assist::completion::complete(&open.doc, &schema, offset, &extra);
            CompletionResponse::List(CompletionList {
                // the list is filtered by what is typed: ask again as it changes
                is_incomplete: true,
                items: items
                    .into_iter()
                    .map(|c| completion_item(rope, c, enc, snippets, retrigger))
                    .collect(),
            })
        })
}

/// The white space that starts the line holding `offset`.
fn line_indent(rope: &Rope, offset: usize) -> String {
    let line = rope.line(rope.byte_to_line(offset.min(rope.len_bytes())));
    line.chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect()
}

/// Multi-line text with `indent` taken off its further lines.
fn relative_to_line(text: &str, indent: &str) -> String {
    text.split('\n')
        .enumerate()
        .map(|(i, l)| match l.strip_prefix(indent) {
            Some(rest) if i > 0 => rest,
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
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
    // Plain text goes in as it is. Clients indent a snippet's further lines
    // by the current line's indentation themselves (Neovim always does), so
    // a snippet's lines are made relative to it.
    let (text, format, mode) = match c.snippet {
        Some(s) if snippets => (
            relative_to_line(&s, &line_indent(rope, c.replace_range.start)),
            InsertTextFormat::SNIPPET,
            InsertTextMode::ADJUST_INDENTATION,
        ),
        _ => (
            c.insert_text,
            InsertTextFormat::PLAIN_TEXT,
            InsertTextMode::AS_IS,
        ),
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
        insert_text_mode: Some(mode),
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
    let at = &params.text_document_position_params;
    let schema = schemas::schema_for(shared, &at.text_document.uri)?;
    let extra = Dynamic {
        organizations: schemas::organizations(shared, &at.text_document.uri),
        ..Dynamic::default()
    };
    let at = params.text_document_position_params;
    shared
        .docs
        .with_record(&at.text_document.uri, &schema, |open| {
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

/// The titles behind the licence and organization ids in the range, from
/// the lists at hand (never fetched here).
pub fn inlay_hints(shared: &Shared, params: InlayHintParams) -> Option<Vec<ls_types::InlayHint>> {
    let enc = shared.encoding();
    let schema = shared.schema();
    // an organization written by its name gets its title too
    let organizations = shared.choices.organizations();
    let names = shared.choices.organization_names();
    let extra = Dynamic {
        organizations: organizations.iter().chain(names.iter()).cloned().collect(),
        ..Dynamic::default()
    };
    let catalogue = shared.catalogue_name();
    let sources = Sources {
        licences: if shared.licences_from_catalogue() {
            format!("the licence list of the `{catalogue}` catalogue")
        } else {
            "the BC Data Catalogue licence list built into bcdc-lsp".into()
        },
        organizations: format!("the organization list of the `{catalogue}` catalogue"),
    };
    shared
        .docs
        .with_record(&params.text_document.uri, &schema, |open| {
            let rope = open.doc.text();
            let range = convert::byte_range(rope, params.range, enc);
            assist::inlay::inlay_hints(&open.doc, &schema, &extra, &sources, range)
                .into_iter()
                .map(|h| ls_types::InlayHint {
                    position: convert::position(rope, h.offset, enc),
                    label: InlayHintLabel::String(h.label),
                    kind: None,
                    text_edits: None,
                    tooltip: Some(InlayHintTooltip::String(h.tooltip)),
                    padding_left: Some(true),
                    padding_right: None,
                    data: None,
                })
                .collect()
        })
}

/// Asks the client to ask for inlay hints again (the lists they come from
/// changed), if it can. Not awaited: a client slow to answer must not hold
/// up the caller.
pub fn refresh_inlay_hints(shared: &Shared, client: &tower_lsp_server::Client) {
    if shared.editing.inlay_refresh.load(Ordering::Relaxed) {
        let client = client.clone();
        tokio::spawn(async move {
            // a client that fails the request keeps its old hints: nothing lost
            let _ = client.inlay_hint_refresh().await;
        });
    }
}

pub fn document_symbols(
    shared: &Shared,
    params: DocumentSymbolParams,
) -> Option<DocumentSymbolResponse> {
    let enc = shared.encoding();
    let schema = schemas::schema_for(shared, &params.text_document.uri)?;
    shared
        .docs
        .with_record(&params.text_document.uri, &schema, |open| {
            let symbols = assist::outline::outline(&open.doc, &schema);
            let rope = open.doc.text();
            DocumentSymbolResponse::Nested(
                symbols.into_iter().map(|s| symbol(rope, s, enc)).collect(),
            )
        })
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
    let uri = &params.text_document.uri;
    let Some(schema) = schemas::schema_for(shared, uri) else {
        return Vec::new();
    };
    shared
        .docs
        .with_record(uri, &schema, |open| {
            let current;
            let diagnostics: &[Diagnostic] = if open.analysed == Some(open.version) {
                &open.diagnostics
            } else {
                current = check::check_with(&open.doc, &schema, &mut open.check_cache);
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

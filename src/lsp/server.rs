//! Protocol handlers: each converts positions, calls the analysis, converts
//! back. No analysis logic lives here.

use super::choices;
use super::commands;
use super::convert;
use super::documents::OpenDoc;
use super::editing;
use super::lens;
use super::publisher::{self, Job};
use super::schemas;
use super::settings::Settings;
use super::state::Shared;
use crate::project;
use crate::schema::Schema;
use crate::text::Encoding;
use std::sync::Arc;
use tokio::sync::mpsc;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

pub struct Backend {
    client: Client,
    shared: Arc<Shared>,
}

impl Backend {
    pub fn new(client: Client) -> Backend {
        let (tx, rx) = mpsc::unbounded_channel();
        let shared = Arc::new(Shared::new(tx));
        publisher::spawn(client.clone(), shared.clone(), rx);
        Backend { client, shared }
    }

    /// Takes new settings; a changed schema path reloads the schema and
    /// re-checks every open document.
    async fn apply_settings(&self, new: Settings) {
        let old = std::mem::replace(
            &mut *self
                .shared
                .settings
                .lock()
                .unwrap_or_else(|e| e.into_inner()),
            new.clone(),
        );
        if old.schema_path != new.schema_path {
            let loaded = Schema::load(new.schema_path.as_deref().map(std::path::Path::new), None);
            match loaded {
                Ok(schema) => self.shared.set_base_schema(schema),
                Err(e) => {
                    self.client
                        .show_message(
                            MessageType::ERROR,
                            format!("bcdc: keeping the previous schema: {e}"),
                        )
                        .await
                }
            }
        }
        if old != new {
            for uri in self.shared.docs.uris() {
                // a project file that names only a type takes the catalogue from here
                schemas::ensure(&self.shared, &self.client, &uri);
                self.shared.enqueue(Job::Analyse(uri));
            }
        }
    }
}

/// UTF-8 when the client offers it (no conversion needed), else UTF-16.
fn negotiate_encoding(params: &InitializeParams) -> Encoding {
    let offered = params
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref());
    match offered {
        Some(list) if list.contains(&PositionEncodingKind::UTF8) => Encoding::Utf8,
        _ => Encoding::Utf16,
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let enc = negotiate_encoding(&params);
        *self
            .shared
            .encoding
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = enc;
        self.shared.editing.negotiate(&params);
        self.shared.choices.initialize(&params);
        if let Some(options) = &params.initialization_options {
            self.apply_settings(Settings::from_json(options)).await;
        }
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(match enc {
                    Encoding::Utf8 => PositionEncodingKind::UTF8,
                    Encoding::Utf16 => PositionEncodingKind::UTF16,
                }),
                execute_command_provider: Some(ExecuteCommandOptions {
                    commands: commands::ALL.iter().map(|c| c.to_string()).collect(),
                    ..Default::default()
                }),
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(vec![
                            CodeActionKind::QUICKFIX,
                            CodeActionKind::REFACTOR_REWRITE,
                            CodeActionKind::SOURCE,
                        ]),
                        ..Default::default()
                    },
                )),
                completion_provider: Some(editing::completion_options()),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                document_symbol_provider: Some(OneOf::Left(true)),
                inlay_hint_provider: Some(OneOf::Left(true)),
                code_lens_provider: Some(CodeLensOptions {
                    resolve_provider: Some(false),
                }),
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::INCREMENTAL),
                        // a save re-reads the synchronisation state (the code lens)
                        save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                        ..Default::default()
                    },
                )),
                ..Default::default()
            },
            server_info: Some(ServerInfo {
                name: "bcdc-lsp".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        tokio::spawn(choices::refresh_catalogue_lists(
            self.shared.clone(),
            self.client.clone(),
        ));
        tokio::spawn(choices::load_workspace_keywords(self.shared.clone()));
        tokio::spawn(lens::keep_fresh(self.shared.clone(), self.client.clone()));
        if self
            .shared
            .editing
            .watch_files
            .load(std::sync::atomic::Ordering::Relaxed)
        {
            // a project file written or edited while records are open applies at once
            let watchers = DidChangeWatchedFilesRegistrationOptions {
                watchers: vec![FileSystemWatcher {
                    glob_pattern: GlobPattern::String(format!("**/{}", project::FILE_NAME)),
                    kind: None,
                }],
            };
            let registration = Registration {
                id: "bcdc-project-files".into(),
                method: "workspace/didChangeWatchedFiles".into(),
                register_options: serde_json::to_value(watchers).ok(),
            };
            if let Err(e) = self.client.register_capability(vec![registration]).await {
                self.client
                    .log_message(
                        MessageType::WARNING,
                        format!(
                            "bcdc: {} changes need the record reopened: {e}",
                            project::FILE_NAME
                        ),
                    )
                    .await;
            }
        }
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let ours = |c: &FileEvent| {
            c.uri
                .as_str()
                .rsplit('/')
                .next()
                .is_some_and(|name| name == project::FILE_NAME)
        };
        if !params.changes.iter().any(ours) {
            return;
        }
        let roots = self.shared.choices.roots();
        for uri in self.shared.docs.uris() {
            let read = schemas::read_project(&uri, &roots);
            let project = read.clone().unwrap_or_default();
            let changed = self
                .shared
                .docs
                .with(&uri, |open| {
                    let changed = open.project != project;
                    open.project = project;
                    changed
                })
                .unwrap_or(false);
            if !changed {
                continue;
            }
            if let Err(e) = read {
                self.client
                    .show_message(
                        MessageType::WARNING,
                        format!("bcdc: {e}; using the editor's settings instead"),
                    )
                    .await;
            }
            schemas::ensure(&self.shared, &self.client, &uri);
            self.shared.enqueue(Job::Analyse(uri.clone()));
            // the record's catalogue may be another one now
            tokio::spawn(lens::refresh(self.shared.clone(), self.client.clone(), uri));
        }
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let d = params.text_document;
        let mut open = OpenDoc::new(d.uri.clone(), &d.language_id, d.version, &d.text);
        let project = schemas::read_project(&d.uri, &self.shared.choices.roots());
        open.project = project.clone().unwrap_or_default();
        self.shared.docs.insert(open);
        self.shared.enqueue(Job::Analyse(d.uri.clone()));
        schemas::ensure(&self.shared, &self.client, &d.uri);
        if let Err(e) = project {
            self.client
                .show_message(
                    MessageType::WARNING,
                    format!("bcdc: {e}; using the editor's settings instead"),
                )
                .await;
        }
        tokio::spawn(lens::refresh(
            self.shared.clone(),
            self.client.clone(),
            d.uri,
        ));
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        tokio::spawn(lens::saved(
            self.shared.clone(),
            self.client.clone(),
            params.text_document.uri,
        ));
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        // Applied before any await: see the ordering note in lsp/mod.rs.
        let enc = self.shared.encoding();
        let uri = params.text_document.uri;
        let applied = self.shared.docs.with(&uri, |open| {
            for change in params.content_changes {
                match change.range {
                    Some(range) => {
                        let bytes = convert::byte_range(open.doc.text(), range, enc);
                        open.doc.edit(bytes, &change.text);
                    }
                    None => {
                        open.doc = crate::syntax::Document::parse(&change.text, open.doc.format());
                    }
                }
            }
            open.version = params.text_document.version;
        });
        if applied.is_some() {
            self.shared.enqueue(Job::Analyse(uri));
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        if self.shared.docs.remove(&uri).is_some_and(|d| d.published) {
            self.shared.enqueue(Job::Clear(uri));
        }
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
        // A workflow waits on the network: run it as its own task so that
        // edits and diagnostics carry on meanwhile.
        let (client, shared) = (self.client.clone(), self.shared.clone());
        let task = tokio::spawn(async move {
            commands::execute(&client, &shared, &params.command, &params.arguments).await
        });
        match task.await {
            Ok(value) => Ok(Some(value)),
            Err(e) => {
                let mut error = tower_lsp_server::jsonrpc::Error::internal_error();
                error.message = format!("the command failed: {e}").into();
                Err(error)
            }
        }
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let wants = |kind: &CodeActionKind| {
            params
                .context
                .only
                .as_ref()
                .is_none_or(|only| only.iter().any(|k| kind.as_str().starts_with(k.as_str())))
        };
        let mut actions: Vec<_> = editing::quick_fixes(&self.shared, &params)
            .into_iter()
            .chain(lens::conflict_fixes(&self.shared, &params))
            .filter(|a| match a {
                CodeActionOrCommand::CodeAction(a) => a.kind.as_ref().is_none_or(&wants),
                CodeActionOrCommand::Command(_) => true,
            })
            .collect();
        if wants(&CodeActionKind::SOURCE) {
            actions.extend(commands::source_actions(
                &self.shared,
                &params.text_document.uri,
            ));
        }
        Ok(Some(actions))
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        Ok(editing::completion(&self.shared, params))
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        Ok(editing::hover(&self.shared, params))
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        Ok(editing::document_symbols(&self.shared, params))
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        Ok(Some(
            lens::code_lenses(&self.shared, &params.text_document.uri).await,
        ))
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        Ok(editing::inlay_hints(&self.shared, params))
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        // Some clients send this notification with no settings (or only
        // other servers' sections) just to say "something changed": that
        // must not wipe the catalogue and key the editor gave before.
        let Some(settings) = Settings::from_notification(&params.settings) else {
            return;
        };
        self.apply_settings(settings).await;
        // the catalogue may have changed: its organizations and licences too
        tokio::spawn(choices::refresh_catalogue_lists(
            self.shared.clone(),
            self.client.clone(),
        ));
    }
}

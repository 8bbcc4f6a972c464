//! The language server: a thin shell over the analysis modules. Only this
//! module knows the protocol.
//!
//! Ordering: document changes are applied to the store synchronously, at the
//! start of their handler, and tower-lsp-server polls handlers first in the
//! order messages arrive, so edits apply strictly in order. Analysis runs on
//! one publisher task fed by a queue, so a burst of edits is coalesced and
//! diagnostics for an old version are never published after a newer one.

mod choices;
mod commands;
mod convert;
mod documents;
mod editing;
mod lens;
mod publisher;
mod schemas;
mod server;
mod settings;
mod state;

use std::process::ExitCode;

/// Runs the server on stdin/stdout until the client says `exit`.
pub fn serve() -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("bcdc-lsp: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    runtime.block_on(async {
        let (service, socket) = tower_lsp_server::LspService::new(server::Backend::new);
        tower_lsp_server::Server::new(tokio::io::stdin(), tokio::io::stdout(), socket)
            .serve(service)
            .await;
    });
    // Handlers still running (a slow network call) must not keep the
    // process alive after `exit`.
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    ExitCode::SUCCESS
}

//! The command line: `check`, `serve` (and the catalogue commands).

mod audit;
mod catalogue;
mod check;

use crate::schema::Schema;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `--version`: the crate's version and which schema is built in (see build.rs).
const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    "\nschema: ",
    env!("BCDC_EMBEDDED_SCHEMA")
);

#[derive(Parser, Debug)]
#[command(
    name = "bcdc-lsp",
    version = VERSION,
    about = "Check, complete and publish BC Data Catalogue record files"
)]
pub struct Cli {
    /// Run the language server on stdio (what editors pass).
    #[arg(long, global = false)]
    stdio: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the language server on stdio.
    Serve {
        /// Accepted for editors that pass it; stdio is the only transport.
        #[arg(long)]
        stdio: bool,
    },
    /// Check record files or folders (every record file inside, recursively,
    /// skipping what .gitignore excludes), in parallel.
    Check {
        /// Output format.
        #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
        format: OutputFormat,
        /// Check against the schema and licences a ckanext-scheming catalogue serves
        /// (`test`, `prod` or a CKAN base URL) instead of the embedded BCDC schema;
        /// cached for an hour, and used from the cache when the catalogue is unreachable.
        #[arg(long, conflicts_with = "schema")]
        host: Option<String>,
        /// The dataset type to take from --host (default: the catalogue's only type,
        /// else `bcdc_dataset`).
        #[arg(long = "type", requires = "host", value_name = "TYPE")]
        dataset_type: Option<String>,
        /// A ckanext-scheming schema JSON file to use instead of the embedded one.
        #[arg(long)]
        schema: Option<PathBuf>,
        /// A licence list (`license_list` result) to check `license_id` against,
        /// with --schema (the embedded schema has its own).
        #[arg(long, requires = "schema")]
        licences: Option<PathBuf>,
        /// Rewrite the shapes old forms and scripts left (JSON text for lists,
        /// `[object Object]`, the text `null`, ...) where that cannot change the
        /// record's meaning, then report what remains.
        #[arg(long)]
        fix: bool,
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Check every record of a catalogue and report the problems (text, JSON or HTML).
    Audit(audit::AuditArgs),
    /// publish, patch, pull (see src/cli/catalogue.rs).
    #[command(flatten)]
    Catalogue(catalogue::CatalogueCommand),
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum OutputFormat {
    /// rustc-style problems and a summary.
    Human,
    /// One JSON object with every file (the stable interface in the README).
    Json,
    /// One JSON object per line and file, written as each file is checked.
    Jsonl,
}

/// Exit codes: 0 no errors, 1 errors found (or the command failed), 2 usage or I/O.
pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Some(Command::Check {
            format,
            host,
            dataset_type,
            schema,
            licences,
            fix,
            paths,
        }) => match check_schema(
            host.as_deref(),
            dataset_type.as_deref(),
            schema.as_deref(),
            licences.as_deref(),
        ) {
            Ok(schema) => check::run(format, &schema, &paths, fix),
            Err(e) => usage_error(&e),
        },
        Some(Command::Audit(args)) => audit::run(args),
        Some(Command::Serve { .. }) => crate::lsp::serve(),
        Some(Command::Catalogue(command)) => catalogue::run(command),
        None if cli.stdio => crate::lsp::serve(),
        None => usage_error(
            "give a command (check, audit, serve, publish, patch, pull); see `bcdc-lsp --help`",
        ),
    }
}

fn usage_error(reason: &str) -> ExitCode {
    eprintln!("bcdc-lsp: {reason}");
    ExitCode::from(2)
}

/// The schema `check` uses: a portal's (`--host`, `--type`), a file's
/// (`--schema`, `--licences`) or the embedded one.
fn check_schema(
    host: Option<&str>,
    dataset_type: Option<&str>,
    schema: Option<&Path>,
    licences: Option<&Path>,
) -> Result<Schema, String> {
    let Some(host) = host else {
        return Schema::load(schema, licences);
    };
    let client = crate::catalogue::connect(host, None)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start: {e}"))?;
    runtime
        .block_on(crate::catalogue::portal_schema(&client, dataset_type))
        .map_err(|e| e.to_string())
}

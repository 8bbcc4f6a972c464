//! The command line: `check`, `serve` (and the catalogue commands).

mod catalogue;
mod check;

use crate::schema::Schema;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "bcdc-lsp",
    version,
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
        /// A ckanext-scheming schema JSON file to use instead of the embedded one.
        #[arg(long)]
        schema: Option<PathBuf>,
        /// A licence list (`license_list` result) to check `license_id` against,
        /// with --schema (the embedded schema has its own).
        #[arg(long, requires = "schema")]
        licences: Option<PathBuf>,
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
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
            schema,
            licences,
            paths,
        }) => match load_schema(schema.as_deref(), licences.as_deref()) {
            Ok(schema) => check::run(format, &schema, &paths),
            Err(e) => usage_error(&e),
        },
        Some(Command::Serve { .. }) => crate::lsp::serve(),
        Some(Command::Catalogue(command)) => catalogue::run(command),
        None if cli.stdio => crate::lsp::serve(),
        None => usage_error(
            "give a command (check, serve, publish, patch, pull); see `bcdc-lsp --help`",
        ),
    }
}

fn usage_error(reason: &str) -> ExitCode {
    eprintln!("bcdc-lsp: {reason}");
    ExitCode::from(2)
}

/// The embedded schema, or a scheming schema file (with an optional
/// licence list file).
pub fn load_schema(schema: Option<&Path>, licences: Option<&Path>) -> Result<Schema, String> {
    let Some(path) = schema else {
        return Ok(Schema::embedded());
    };
    let read = |p: &Path| {
        std::fs::read_to_string(p).map_err(|e| format!("cannot read {}: {e}", p.display()))
    };
    let licences = match licences {
        Some(p) => serde_json::from_str(&read(p)?)
            .map_err(|e| format!("{}: not JSON: {e}", p.display()))?,
        None => serde_json::Value::Array(Vec::new()),
    };
    Schema::from_json_str(&read(path)?, &licences).map_err(|e| format!("{}: {e}", path.display()))
}

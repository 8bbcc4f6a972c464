//! The command line: `check`, `serve` (and the catalogue commands).

mod audit;
mod catalogue;
mod check;
mod plan;

use crate::project::{self, Project};
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
        /// Default: the `host` of the nearest bcdc.toml (see README).
        #[arg(long, conflicts_with = "schema")]
        host: Option<String>,
        /// The dataset type to take from --host (default: bcdc.toml's `type`, else the
        /// catalogue's only type, else `bcdc_dataset`).
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
        }) => match check_project(&paths, host.is_some() || schema.is_some()).and_then(|project| {
            check_schema(
                host.as_deref().or(project.host.as_deref()),
                dataset_type.as_deref().or(project.dataset_type.as_deref()),
                schema.as_deref(),
                licences.as_deref(),
            )
        }) {
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

/// The project file (`bcdc.toml`) nearest to a record file or folder, for what
/// the flags leave out; empty when there is none.
fn project_of(path: &Path) -> Result<Project, String> {
    Ok(project::find(path, None)?
        .map(|found| found.project)
        .unwrap_or_default())
}

/// The project the paths given to `check`, `plan` or `apply` share (none when `flags`
/// choose the schema). Paths under different project files are one command each.
pub(super) fn check_project(paths: &[PathBuf], flags: bool) -> Result<Project, String> {
    if flags {
        return Ok(Project::default());
    }
    let mut found: Option<(Project, &Path)> = None;
    let mut file = None;
    for path in paths {
        let here = project::find(path, None)?;
        let project = here.as_ref().map(|f| f.project.clone()).unwrap_or_default();
        file = file.or(here.map(|f| f.path));
        match &found {
            Some((first, other)) if *first != project => {
                return Err(format!(
                    "{} and {} belong to different {} files (host or type); give them \
                     one command each",
                    other.display(),
                    path.display(),
                    project::FILE_NAME
                ))
            }
            Some(_) => {}
            None => found = Some((project, path)),
        }
    }
    let project = found.map(|(p, _)| p).unwrap_or_default();
    if let Some(file) = file.filter(|_| project != Project::default()) {
        // a file the user may not know is there changes what is checked: say so
        eprintln!(
            "bcdc-lsp: using {} (host {}, type {})",
            file.display(),
            project.host.as_deref().unwrap_or("test"),
            project
                .dataset_type
                .as_deref()
                .unwrap_or("the portal's own")
        );
    }
    Ok(project)
}

/// The schema `check` uses: a portal's (`--host`, `--type`, or bcdc.toml's), a
/// file's (`--schema`, `--licences`) or the embedded one.
fn check_schema(
    host: Option<&str>,
    dataset_type: Option<&str>,
    schema: Option<&Path>,
    licences: Option<&Path>,
) -> Result<Schema, String> {
    if host.is_none() && dataset_type.is_none() {
        return Schema::load(schema, licences);
    }
    let host = host.unwrap_or("test");
    let client = crate::catalogue::connect(host, None)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start: {e}"))?;
    runtime
        .block_on(crate::catalogue::portal_schema(&client, dataset_type))
        .map_err(|e| e.to_string())
}

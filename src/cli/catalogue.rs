//! `bcdc-lsp publish`, `patch` and `pull`: the catalogue workflows on the command line.
//! The workflows (crate::catalogue) return data; this file prints it and writes files,
//! and writes a record file only after the catalogue confirmed the change.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use serde_json::{Map, Value};

use crate::catalogue::pull::PullError;
use crate::catalogue::state_file::{self, write_atomically, Known};
use crate::catalogue::workflow::string_field;
use crate::catalogue::{
    self, patch, publish, CatalogueClient, FieldChange, LockFile, PatchPlan, Resolve, WorkflowError,
};
use crate::record::emit::record_text;
use crate::schema::Schema;
use crate::syntax::{Document, Format};

#[derive(Subcommand, Debug)]
pub enum CatalogueCommand {
    /// Create a record (without `id`) on the catalogue and write the new id into the file.
    Publish(PublishArgs),
    /// Send the fields of a record (with `id`) that differ from the catalogue's copy.
    Patch(PatchArgs),
    /// Download a record as a record file (YAML, or JSON for a .json file).
    Pull(PullArgs),
    /// What `apply` would do to each record file (create, update, unchanged, pull, conflict,
    /// invalid). Exit status: 0 nothing to do, 1 invalid or conflicting records, 2 could
    /// not run, 3 changes to apply.
    Plan(super::plan::PlanArgs),
    /// Create and update the catalogue's records from record files and folders.
    Apply(super::plan::ApplyArgs),
}

#[derive(Args, Debug)]
pub struct HostArg {
    /// Catalogue: `test` (https://cat.data.gov.bc.ca), `prod`
    /// (https://catalogue.data.gov.bc.ca) or a CKAN base URL. Default: the `host` of the
    /// nearest bcdc.toml, else `test`.
    #[arg(long)]
    host: Option<String>,
}

#[derive(Args, Debug)]
pub struct PublishArgs {
    file: PathBuf,
    #[command(flatten)]
    host: HostArg,
    /// Print the request (URL and exact JSON body) instead of sending it.
    #[arg(long)]
    dry_run: bool,
    /// Send without asking, also when the record lacks what only the catalogue's web form
    /// or policy asks for (the API accepts it).
    #[arg(long, short = 'y')]
    yes: bool,
}

#[derive(Args, Debug)]
pub struct PatchArgs {
    file: PathBuf,
    #[command(flatten)]
    host: HostArg,
    /// Print the request (URL and exact JSON body) instead of sending it.
    #[arg(long)]
    dry_run: bool,
    /// Send without asking for confirmation.
    #[arg(long, short = 'y')]
    yes: bool,
    #[command(flatten)]
    side: SideArgs,
}

/// How to settle fields changed both in the file and on the catalogue since the last
/// synchronisation (without either, nothing is sent while there are some).
#[derive(Args, Debug)]
pub struct SideArgs {
    /// Take the file's values over the catalogue's.
    #[arg(long, conflicts_with = "theirs")]
    mine: bool,
    /// Take the catalogue's values over the file's.
    #[arg(long)]
    theirs: bool,
}

impl SideArgs {
    pub fn resolve(&self) -> Resolve {
        match (self.mine, self.theirs) {
            (true, _) => Resolve::Mine,
            (_, true) => Resolve::Theirs,
            _ => Resolve::Stop,
        }
    }
}

#[derive(Args, Debug)]
pub struct PullArgs {
    /// The record's name (URL slug) or id; or a record file (with `id`) to bring the
    /// catalogue's changes into, keeping the file's own edits.
    name_or_id: String,
    /// Write the record to this file (JSON if it ends in .json) instead of standard output.
    #[arg(short = 'o', long = "output")]
    output: Option<PathBuf>,
    #[command(flatten)]
    host: HostArg,
    #[command(flatten)]
    side: SideArgs,
}

/// Exit codes as for `check`: 0 done, 1 refused or failed, 2 usage or I/O.
pub fn run(command: CatalogueCommand) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => return fail(2, &format!("cannot start: {e}")),
    };
    // the project file beside the record (for pull: beside the file written, else here)
    let (flag, anchor) = match &command {
        CatalogueCommand::Publish(a) => (&a.host, a.file.as_path()),
        CatalogueCommand::Patch(a) => (&a.host, a.file.as_path()),
        CatalogueCommand::Pull(a) if a.output.is_none() && Path::new(&a.name_or_id).is_file() => {
            (&a.host, Path::new(&a.name_or_id))
        }
        CatalogueCommand::Pull(a) => (
            &a.host,
            a.output
                .as_deref()
                .and_then(Path::parent)
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new(".")),
        ),
        CatalogueCommand::Plan(a) => (&a.host, a.paths[0].as_path()),
        CatalogueCommand::Apply(a) => (&a.host, a.paths[0].as_path()),
    };
    let project = match &command {
        // the project file all the paths share: records of two portals are two runs
        CatalogueCommand::Plan(a) => super::check_project(&a.paths, false),
        CatalogueCommand::Apply(a) => super::check_project(&a.paths, false),
        _ => super::project_of(anchor),
    };
    let project = match project {
        Ok(project) => project,
        Err(e) => return fail(2, &e),
    };
    let host = flag
        .host
        .clone()
        .or(project.host)
        .unwrap_or_else(|| "test".to_string());
    let target = Target {
        host,
        dataset_type: project.dataset_type,
    };
    match command {
        CatalogueCommand::Publish(args) => runtime.block_on(run_publish(args, &target)),
        CatalogueCommand::Patch(args) => runtime.block_on(run_patch(args, &target)),
        CatalogueCommand::Pull(args) => runtime.block_on(run_pull(args, &target)),
        CatalogueCommand::Plan(args) => super::plan::run_plan(args, &target),
        CatalogueCommand::Apply(args) => super::plan::run_apply(args, &target),
    }
}

/// Where the record goes: the host (flag, else bcdc.toml, else `test`) and the
/// dataset type bcdc.toml names, whose schema the catalogue serves.
pub(super) struct Target {
    pub host: String,
    pub dataset_type: Option<String>,
}

/// The embedded BCDC schema, or the catalogue's schema of the type bcdc.toml names.
pub(super) async fn target_schema(
    client: &CatalogueClient,
    target: &Target,
) -> Result<Schema, ExitCode> {
    match &target.dataset_type {
        None => Ok(Schema::embedded()),
        Some(t) => catalogue::portal_schema(client, Some(t))
            .await
            .map_err(|e| fail(2, &format!("cannot read the catalogue's schema: {e}"))),
    }
}

async fn run_publish(args: PublishArgs, target: &Target) -> ExitCode {
    let (client, file, schema) = match setup(target, Some(&args.file)).await {
        Ok(ready) => ready,
        Err(code) => return code,
    };
    let schema = &schema;
    let file = file.expect("a file was given");
    let form_only = report_form_only(&file, schema);
    if args.dry_run {
        return match publish::prepare_publish(&file.doc, schema, &client) {
            Ok(plan) => {
                print_request(&plan.url, &plan.body);
                ExitCode::SUCCESS
            }
            Err(e) => workflow_failed(&file, &e),
        };
    }
    if form_only && !args.yes {
        // what the catalogue would refuse stops it anyway: ask only when it would be sent
        if let Err(e) = publish::prepare_publish(&file.doc, schema, &client) {
            return workflow_failed(&file, &e);
        }
        match confirm("Publish anyway? [y/N] ") {
            Some(true) => {}
            Some(false) => return fail(1, "nothing sent"),
            None => {
                return fail(
                    1,
                    "nothing sent: no terminal to confirm on; pass --yes to publish anyway",
                )
            }
        }
    }
    let _lock = match LockFile::acquire(&file.path) {
        Ok(lock) => lock,
        Err(e) => return workflow_failed(&file, &e),
    };
    match publish_file(&client, &file, schema).await {
        Ok(published) => {
            println!("{}", published.message(&client.catalogue().label()));
            ExitCode::SUCCESS
        }
        Err(Failure::Workflow(e)) => workflow_failed(&file, &e),
        Err(Failure::NotWritten(reason)) => fail(1, &reason),
    }
}

/// Why a workflow on a file did not finish.
pub(super) enum Failure {
    /// Nothing was changed on the catalogue (unless the error says it may have been).
    Workflow(WorkflowError),
    /// The catalogue has the change, but the file could not be written: what to do.
    NotWritten(String),
}

/// Publishes `file` (locked by the caller), then writes its synchronisation state and the
/// new ids into it.
pub(super) async fn publish_file(
    client: &CatalogueClient,
    file: &RecordFile,
    schema: &Schema,
) -> Result<publish::Published, Failure> {
    let published = publish::publish(client, &file.doc, schema)
        .await
        .map_err(Failure::Workflow)?;
    let new_text = catalogue::apply_edits(&file.text, &published.edits);
    // The state first: a file with its id and no state would ask before its next update
    // (and a file without its id finds the record by name again).
    let written = Document::parse(&new_text, file.doc.format());
    let saved = state_file::save_synced(
        &file.path,
        client.catalogue().base_url(),
        &written,
        &published.package,
        None,
        &[],
        &[],
        schema,
    );
    if let Err(e) = saved {
        eprintln!("bcdc-lsp: warning: the synchronisation state could not be written: {e}");
    }
    write_if_unchanged(file, &new_text).map_err(|reason| {
        Failure::NotWritten(format!(
            "{}, but {reason}: add `id: {}` to {} yourself (publishing again would also \
             find it)",
            published.message(&client.catalogue().label()),
            published.id,
            file.path.display()
        ))
    })?;
    Ok(published)
}

async fn run_patch(args: PatchArgs, target: &Target) -> ExitCode {
    let (client, file, _lock, schema) = match setup_locked(target, &args.file).await {
        Ok(ready) => ready,
        Err(code) => return code,
    };
    let schema = &schema;
    let base_url = client.catalogue().base_url().to_string();
    let id = file.doc.root().and_then(|r| string_field(r, "id"));
    let known = Known::read(&file.path, &base_url, id);
    let mut resolve = args.side.resolve();
    let (plan, package) =
        match patch::prepare_update(&client, &file.doc, schema, known.basis(resolve)).await {
            Ok(planned) => planned,
            Err(e) => return workflow_failed(&file, &e),
        };
    let label = client.catalogue().label();
    for key in &plan.ignored {
        eprintln!("note: `{key}` is set by the catalogue and is not sent");
    }
    print_theirs(&plan, &label);
    if plan.blocked(resolve) {
        // Without a state the conflicts are a guess from the dates: a person may say.
        let guessed = plan.conflicts.iter().all(|c| c.no_state);
        let question = format!(
            "{}\nSend the file's values over the catalogue's? [y/N] ",
            plan.conflict_message()
        );
        let asked = guessed && !args.yes && !args.dry_run;
        if !asked || confirm(&question) != Some(true) {
            return fail(
                1,
                &format!("{}: {}", file.path.display(), plan.conflict_message()),
            );
        }
        resolve = Resolve::Mine;
    }
    let basis = known.basis(resolve);
    let plan = if resolve == args.side.resolve() {
        plan
    } else {
        crate::record::plan::plan_sync(
            file.doc.root().expect("planned, so it has a record"),
            &package,
            basis,
            schema,
        )
    };
    if plan.is_empty() {
        save_state(&file, &base_url, &package, &known, &plan.pending, schema);
        println!(
            "{} is up to date on {label}: nothing to send",
            file.path.display()
        );
        return ExitCode::SUCCESS;
    }
    print!("{}", render_plan(&plan, &label));
    // the confirmation below covers these too
    report_form_only(&file, schema);
    if args.dry_run {
        print_request(
            client.catalogue().action_url("package_patch").as_str(),
            &plan.body,
        );
        return ExitCode::SUCCESS;
    }
    if !args.yes {
        match confirm(&format!("Send these changes to {label}? [y/N] ")) {
            Some(true) => {}
            Some(false) => return fail(1, "nothing sent"),
            None => {
                return fail(
                    1,
                    "nothing sent: no terminal to confirm on; pass --yes to send without asking",
                )
            }
        }
    }
    match patch::send_update(&client, &plan, &package, &file.doc, schema, basis).await {
        Ok((patched, stored)) => {
            after_update(&file, &base_url, &stored, &known, &patched, schema);
            println!("{}", patched.message(&label));
            ExitCode::SUCCESS
        }
        Err(e) => workflow_failed(&file, &e),
    }
}

/// The file's new synchronisation state after an update; a failure is only a warning
/// (the catalogue has the change; the next update will compare without the state).
pub(super) fn save_state(
    file: &RecordFile,
    catalogue: &str,
    package: &Map<String, Value>,
    known: &Known,
    theirs: &[crate::record::state::Key],
    schema: &Schema,
) {
    let saved = state_file::save_synced(
        &file.path,
        catalogue,
        &file.doc,
        package,
        known.state.as_ref(),
        theirs,
        &[],
        schema,
    );
    if let Err(e) = saved {
        eprintln!("bcdc-lsp: warning: the synchronisation state could not be written: {e}");
    }
}

/// After an update: the ids the catalogue gave resources added in the file written into it
/// (the state first, as after a publish), and the new synchronisation state. Not writing
/// them is only a warning: the next update finds those resources by name.
pub(super) fn after_update(
    file: &RecordFile,
    catalogue: &str,
    stored: &Map<String, Value>,
    known: &Known,
    patched: &patch::Patched,
    schema: &Schema,
) {
    if patched.edits.is_empty() {
        return save_state(file, catalogue, stored, known, &patched.pending, schema);
    }
    let text = catalogue::apply_edits(&file.text, &patched.edits);
    let written = RecordFile {
        path: file.path.clone(),
        doc: Document::parse(&text, file.doc.format()),
        text,
    };
    save_state(&written, catalogue, stored, known, &patched.pending, schema);
    if let Err(reason) = write_if_unchanged(file, &written.text) {
        eprintln!(
            "bcdc-lsp: warning: the ids of the new resources could not be written into {} \
             ({reason}); the next update finds them by name",
            file.path.display()
        );
    }
}

/// Fields changed only on the catalogue: not sent, and how to take them.
fn print_theirs(plan: &PatchPlan, catalogue: &str) {
    if plan.theirs.is_empty() {
        return;
    }
    let fields: Vec<&str> = plan.theirs.iter().map(|c| c.field.as_str()).collect();
    eprintln!(
        "note: changed on {catalogue} since this file was synchronised, not sent (kept \
         there; `bcdc-lsp pull FILE` takes them into the file): {}",
        fields.join(", ")
    );
}

async fn run_pull(args: PullArgs, target: &Target) -> ExitCode {
    let into = Path::new(&args.name_or_id);
    if into.is_file() && args.output.is_none() {
        return pull_into(&args, into, target).await;
    }
    let (client, _, schema) = match setup(target, None).await {
        Ok(ready) => ready,
        Err(code) => return code,
    };
    let schema = &schema;
    if let Some(path) = &args.output {
        if path.exists() {
            return fail(
                2,
                &format!(
                    "{} exists; pull writes only new files (to bring the catalogue's changes \
                     into it, run `bcdc-lsp pull {}`)",
                    path.display(),
                    path.display()
                ),
            );
        }
    }
    let format = args
        .output
        .as_deref()
        .map_or(Format::Yaml, |p| Format::from_path(&p.to_string_lossy()));
    let package = match client.package_show(&args.name_or_id).await {
        Ok(package) => package,
        Err(e) => return fail(1, &e.to_string()),
    };
    let pulled = crate::record::pulled::pulled(&package, format, schema, client.catalogue());
    match &args.output {
        None => {
            print!("{}", pulled.text);
            ExitCode::SUCCESS
        }
        Some(path) => {
            let doc = Document::parse(&pulled.text, format);
            let base_url = client.catalogue().base_url();
            if let Err(e) =
                state_file::save_synced(path, base_url, &doc, &package, None, &[], &[], schema)
            {
                return fail(
                    2,
                    &format!("cannot write the state of {}: {e}", path.display()),
                );
            }
            match write_atomically(path, &pulled.text) {
                Ok(()) => {
                    eprintln!(
                        "pulled {} (id {}) from {} into {}",
                        pulled.name,
                        pulled.id,
                        client.catalogue().label(),
                        path.display()
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => fail(2, &format!("cannot write {}: {e}", path.display())),
            }
        }
    }
}

/// `pull FILE`: the catalogue's changes since the file's last synchronisation written
/// into it; the file's own edits kept (and left for `patch` to send).
async fn pull_into(args: &PullArgs, path: &Path, target: &Target) -> ExitCode {
    let (client, file, _lock, schema) = match setup_locked(target, path).await {
        Ok(ready) => ready,
        Err(code) => return code,
    };
    let pulled =
        match catalogue::pull::pull_into(&client, path, &file.text, args.side.resolve(), &schema)
            .await
        {
            Ok(pulled) => pulled,
            Err(PullError::Stopped(why)) => return fail(1, &why),
            Err(PullError::State(why)) => return fail(2, &why),
            Err(PullError::Catalogue(e)) => {
                return workflow_failed(&file, &WorkflowError::from_catalogue(e, &file.doc))
            }
        };
    let label = client.catalogue().label();
    let list = |fields: &[String], none: &str| {
        if fields.is_empty() {
            none.to_string()
        } else {
            fields.join(", ")
        }
    };
    if pulled.taken.is_empty() && pulled.kept.is_empty() {
        eprintln!("{} is the same as on {label}", path.display());
    } else {
        eprintln!(
            "pulled from {label} into {}: {}; the file's own changes kept: {}",
            path.display(),
            list(&pulled.taken, "nothing"),
            list(&pulled.kept, "none")
        );
    }
    ExitCode::SUCCESS
}

/// A record file as read.
pub(super) struct RecordFile {
    pub path: PathBuf,
    pub text: String,
    pub doc: Document,
}

impl RecordFile {
    pub(super) fn read(path: &Path) -> Result<RecordFile, String> {
        let bytes =
            std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| format!("{} is not UTF-8 text", path.display()))?;
        let doc = Document::parse(&text, Format::from_path(&path.to_string_lossy()));
        Ok(RecordFile {
            path: path.to_path_buf(),
            text,
            doc,
        })
    }
}

/// The client for the target host with the key from the environment or config file,
/// the record file when there is one, and the schema to check it against.
async fn setup(
    target: &Target,
    path: Option<&Path>,
) -> Result<(CatalogueClient, Option<RecordFile>, Schema), ExitCode> {
    let client = catalogue::connect(&target.host, None).map_err(|e| fail(2, &e))?;
    let file = match path {
        None => None,
        Some(path) => Some(RecordFile::read(path).map_err(|e| fail(2, &e))?),
    };
    let schema = target_schema(&client, target).await?;
    Ok((client, file, schema))
}

/// [`setup`] for a record file, with its lock file held (one workflow per file at a time).
async fn setup_locked(
    target: &Target,
    path: &Path,
) -> Result<(CatalogueClient, RecordFile, LockFile, Schema), ExitCode> {
    let (client, file, schema) = setup(target, Some(path)).await?;
    let file = file.expect("a file was given");
    let lock = LockFile::acquire(&file.path).map_err(|e| workflow_failed(&file, &e))?;
    Ok((client, file, lock, schema))
}

pub(super) fn fail(code: u8, message: &str) -> ExitCode {
    eprintln!("bcdc-lsp: {message}");
    ExitCode::from(code)
}

/// Prints a workflow failure with its problems as `file:line: message`.
fn workflow_failed(file: &RecordFile, error: &WorkflowError) -> ExitCode {
    let path = file.path.display();
    match error {
        WorkflowError::Invalid { problems } => {
            eprintln!(
                "bcdc-lsp: {path}: not sent: the record has {} error(s) (see `bcdc-lsp check`):",
                problems.len()
            );
            for p in problems {
                eprintln!("{path}:{}: {}", p.line, p.message);
            }
        }
        WorkflowError::Catalogue { problems, .. } if !problems.is_empty() => {
            eprintln!("bcdc-lsp: {error}");
            for p in problems {
                eprintln!("{path}:{}: {}", p.line, p.message);
            }
        }
        _ => eprintln!("bcdc-lsp: {path}: {error}"),
    }
    ExitCode::from(1)
}

/// Prints the errors the catalogue's API would accept but its web form or policy would
/// not; true when there are any.
pub(super) fn report_form_only(file: &RecordFile, schema: &Schema) -> bool {
    let problems = catalogue::form_only_problems(&file.doc, schema);
    if problems.is_empty() {
        return false;
    }
    let path = file.path.display();
    eprintln!(
        "bcdc-lsp: {path}: the catalogue's API accepts this record, but its web form or policy \
         asks for more ({} problem(s)):",
        problems.len()
    );
    for p in &problems {
        eprintln!("{path}:{}: {}", p.line, p.message);
    }
    true
}

fn print_request(url: &str, body: &Map<String, Value>) {
    println!("POST {url}");
    println!(
        "{}",
        serde_json::to_string_pretty(body).expect("JSON values serialise")
    );
}

/// Asks on the terminal; `None` when standard input is not one.
pub(super) fn confirm(question: &str) -> Option<bool> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return None;
    }
    eprint!("{question}");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    stdin.lock().read_line(&mut answer).ok()?;
    Some(matches!(answer.trim(), "y" | "Y" | "yes" | "Yes"))
}

/// The changes as a readable diff: each field with its removed (`-`) and added (`+`) lines.
pub fn render_plan(plan: &PatchPlan, catalogue: &str) -> String {
    let mut out = format!(
        "{} field(s) differ from {catalogue}: {}\n",
        plan.changes.len(),
        plan.fields().join(", ")
    );
    for change in &plan.changes {
        out.push_str(&render_change(change));
    }
    out
}

fn render_change(change: &FieldChange) -> String {
    let lines = |value: Option<&Value>| -> Vec<String> {
        let Some(value) = value else {
            return Vec::new();
        };
        let mut single = Map::new();
        single.insert(change.field.clone(), value.clone());
        record_text(&single, Format::Yaml)
            .lines()
            .map(str::to_string)
            .collect()
    };
    let before = lines(change.before.as_ref());
    let after = lines(Some(&change.after));
    let mut out = format!("~ {}\n", change.field);
    for (mark, line) in line_diff(&before, &after) {
        out.push_str(&format!("  {mark} {line}\n"));
    }
    out
}

/// A longest-common-subsequence line diff: (' ', kept), ('-', removed), ('+', added).
fn line_diff<'a>(before: &'a [String], after: &'a [String]) -> Vec<(char, &'a str)> {
    let (n, m) = (before.len(), after.len());
    let mut lcs = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if before[i] == after[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < n || j < m {
        if i < n && j < m && before[i] == after[j] {
            out.push((' ', before[i].as_str()));
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
            out.push(('-', before[i].as_str()));
            i += 1;
        } else {
            out.push(('+', after[j].as_str()));
            j += 1;
        }
    }
    out
}

/// Writes the new text only if the file still holds what was read (the user may have
/// edited it meanwhile), through a temporary file in the same folder and a rename, so that
/// the file is either wholly old or wholly new.
pub(super) fn write_if_unchanged(file: &RecordFile, new_text: &str) -> Result<(), String> {
    catalogue::pull::write_if_unchanged(&file.path, &file.text, new_text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn diff_of_a_changed_field() {
        let change = FieldChange {
            field: "notes".into(),
            before: Some(json!("Line one.\nLine two.\n")),
            after: json!("Line one.\nLine 2.\n"),
        };
        assert_eq!(
            render_change(&change),
            "~ notes\n    notes: |\n      Line one.\n  -   Line two.\n  +   Line 2.\n"
        );
        let added = FieldChange {
            field: "purpose".into(),
            before: None,
            after: json!("Why"),
        };
        assert_eq!(render_change(&added), "~ purpose\n  + purpose: Why\n");
    }
}

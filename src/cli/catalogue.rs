//! `bcdc-lsp publish`, `patch` and `pull`: the catalogue workflows on the command line.
//! The workflows (crate::catalogue) return data; this file prints it and writes files,
//! and writes a record file only after the catalogue confirmed the change.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use serde_json::{Map, Value};

use crate::catalogue::emit::record_text;
use crate::catalogue::{
    self, patch, publish, pull, CatalogueClient, FieldChange, LockFile, PatchPlan, WorkflowError,
};
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
}

#[derive(Args, Debug)]
pub struct HostArg {
    /// Catalogue: `test` (https://cat.data.gov.bc.ca, the default), `prod`
    /// (https://catalogue.data.gov.bc.ca) or a CKAN base URL.
    #[arg(long, default_value = "test")]
    host: String,
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
}

#[derive(Args, Debug)]
pub struct PullArgs {
    /// The record's name (URL slug) or id.
    name_or_id: String,
    /// Write the record to this file (JSON if it ends in .json) instead of standard output.
    #[arg(short = 'o', long = "output")]
    output: Option<PathBuf>,
    #[command(flatten)]
    host: HostArg,
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
    let schema = Schema::embedded();
    match command {
        CatalogueCommand::Publish(args) => runtime.block_on(run_publish(args, &schema)),
        CatalogueCommand::Patch(args) => runtime.block_on(run_patch(args, &schema)),
        CatalogueCommand::Pull(args) => runtime.block_on(run_pull(args, &schema)),
    }
}

async fn run_publish(args: PublishArgs, schema: &Schema) -> ExitCode {
    let (client, file) = match setup(&args.host, Some(&args.file)) {
        Ok(ready) => ready,
        Err(code) => return code,
    };
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
    let published = match publish::publish(&client, &file.doc, schema).await {
        Ok(published) => published,
        Err(e) => return workflow_failed(&file, &e),
    };
    let new_text = catalogue::apply_edits(&file.text, &published.edits);
    match write_if_unchanged(&file, &new_text) {
        Ok(()) => {
            println!("{}", published.message(&client.catalogue().label()));
            ExitCode::SUCCESS
        }
        Err(reason) => fail(
            1,
            &format!(
                "{}, but {reason}: add `id: {}` to {} yourself (publishing again would also \
                 find it)",
                published.message(&client.catalogue().label()),
                published.id,
                file.path.display()
            ),
        ),
    }
}

async fn run_patch(args: PatchArgs, schema: &Schema) -> ExitCode {
    let (client, file) = match setup(&args.host, Some(&args.file)) {
        Ok(ready) => ready,
        Err(code) => return code,
    };
    let file = file.expect("a file was given");
    let _lock = match LockFile::acquire(&file.path) {
        Ok(lock) => lock,
        Err(e) => return workflow_failed(&file, &e),
    };
    let (plan, package) = match patch::prepare_update(&client, &file.doc, schema).await {
        Ok(planned) => planned,
        Err(e) => return workflow_failed(&file, &e),
    };
    let label = client.catalogue().label();
    for key in &plan.ignored {
        eprintln!("note: `{key}` is set by the catalogue and is not sent");
    }
    if plan.is_empty() {
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
    match patch::send_update(&client, &plan, &package, &file.doc, schema).await {
        Ok(patched) => {
            println!("{}", patched.message(&label));
            ExitCode::SUCCESS
        }
        Err(e) => workflow_failed(&file, &e),
    }
}

async fn run_pull(args: PullArgs, schema: &Schema) -> ExitCode {
    let (client, _) = match setup(&args.host, None) {
        Ok(ready) => ready,
        Err(code) => return code,
    };
    if let Some(path) = &args.output {
        if path.exists() {
            return fail(
                2,
                &format!(
                    "{} exists; pull writes only new files (choose another name)",
                    path.display()
                ),
            );
        }
    }
    let format = args
        .output
        .as_deref()
        .map_or(Format::Yaml, |p| Format::from_path(&p.to_string_lossy()));
    let pulled = match pull::pull(&client, &args.name_or_id, format, schema).await {
        Ok(pulled) => pulled,
        Err(e) => return fail(1, &e.to_string()),
    };
    match &args.output {
        None => {
            print!("{}", pulled.text);
            ExitCode::SUCCESS
        }
        Some(path) => match write_atomically(path, &pulled.text) {
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
        },
    }
}

/// A record file as read.
struct RecordFile {
    path: PathBuf,
    text: String,
    doc: Document,
}

/// The client for `--host` with the key from the environment or config file, and the
/// record file when there is one.
fn setup(
    host: &HostArg,
    path: Option<&Path>,
) -> Result<(CatalogueClient, Option<RecordFile>), ExitCode> {
    let client = catalogue::connect(&host.host, None).map_err(|e| fail(2, &e))?;
    let file = match path {
        None => None,
        Some(path) => {
            let bytes = std::fs::read(path)
                .map_err(|e| fail(2, &format!("cannot read {}: {e}", path.display())))?;
            let text = String::from_utf8(bytes)
                .map_err(|_| fail(2, &format!("{} is not UTF-8 text", path.display())))?;
            let doc = Document::parse(&text, Format::from_path(&path.to_string_lossy()));
            Some(RecordFile {
                path: path.to_path_buf(),
                text,
                doc,
            })
        }
    };
    Ok((client, file))
}

fn fail(code: u8, message: &str) -> ExitCode {
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
fn report_form_only(file: &RecordFile, schema: &Schema) -> bool {
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
fn confirm(question: &str) -> Option<bool> {
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
fn write_if_unchanged(file: &RecordFile, new_text: &str) -> Result<(), String> {
    match std::fs::read(&file.path) {
        Ok(now) if now == file.text.as_bytes() => {}
        Ok(_) => return Err(format!("{} changed meanwhile", file.path.display())),
        Err(e) => {
            return Err(format!(
                "{} cannot be read again ({e})",
                file.path.display()
            ))
        }
    }
    write_atomically(&file.path, new_text)
        .map_err(|e| format!("{} could not be written ({e})", file.path.display()))
}

fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "record".into());
    let temp = dir.join(format!(".{name}.bcdc-tmp-{}", std::process::id()));
    let result = (|| {
        let mut out = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        out.write_all(text.as_bytes())?;
        out.sync_all()?;
        if let Ok(meta) = std::fs::metadata(path) {
            std::fs::set_permissions(&temp, meta.permissions())?;
        }
        std::fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
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

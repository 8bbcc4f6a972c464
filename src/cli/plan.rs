//! `bcdc-lsp plan` and `apply`: what an update of a folder of record files would do,
//! record by record, and carrying it out.
//!
//! Plan lists the files' organizations with one `package_search` (ids, names and
//! `metadata_modified`, a thousand a request) and reads a record whole (`package_show`)
//! only when it changed since the file's synchronisation state, or the file did. Apply
//! plans, asks, then runs each create or update under the record's lock file, reading
//! the file again once it holds the lock, so that two applies at once, or an apply re-run
//! after it was killed, never create a record twice (publish finds a record by name before
//! creating) and never send a field twice.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, ValueEnum};
use serde_json::{json, Value};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::catalogue::{
    after_update, confirm, fail, publish_file, report_form_only, save_state, target_schema,
    Failure, HostArg, RecordFile, SideArgs, Target,
};
use super::check::walk;
use crate::catalogue::listing::{list_organizations, Listed};
use crate::catalogue::search::stamp;
use crate::catalogue::state_file::Known;
use crate::catalogue::workflow::{require_valid, string_field};
use crate::catalogue::{
    self, patch, CatalogueClient, CatalogueError, FieldChange, LockFile, Problem, Resolve,
    WorkflowError,
};
use crate::check;
use crate::record::convert::api_body;
use crate::record::plan::{plan_sync, Standing};
use crate::schema::Schema;

#[derive(Args, Debug)]
pub struct PlanArgs {
    /// Record files and folders (walked as `check` walks them).
    #[arg(required = true)]
    pub(super) paths: Vec<PathBuf>,
    #[command(flatten)]
    pub(super) host: HostArg,
    /// Also list this organization's records on the catalogue that no file holds.
    #[arg(long = "org", value_name = "NAME")]
    orgs: Vec<String>,
    #[arg(long, value_enum, default_value_t = PlanFormat::Human)]
    format: PlanFormat,
    #[command(flatten)]
    side: SideArgs,
}

#[derive(Args, Debug)]
pub struct ApplyArgs {
    /// Record files and folders (walked as `check` walks them).
    #[arg(required = true)]
    pub(super) paths: Vec<PathBuf>,
    #[command(flatten)]
    pub(super) host: HostArg,
    /// Apply without asking.
    #[arg(long, short = 'y')]
    yes: bool,
    #[command(flatten)]
    side: SideArgs,
    /// Records sent at once.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=16))]
    jobs: u16,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum PlanFormat {
    Human,
    /// The stable interface in the README.
    Json,
    /// For a pull request's comment.
    Markdown,
}

/// What applying would do to one record.
#[derive(Debug, Clone)]
enum Action {
    Create,
    /// A record on the catalogue: update, unchanged, pull or conflict, as its plan stands.
    Synced(Standing),
    Invalid {
        problems: Vec<Problem>,
    },
    /// The file or its record could not be read.
    Failed {
        reason: String,
    },
    /// On the catalogue (in an `--org`), in no file.
    NotInFiles,
}

impl Action {
    fn key(&self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Synced(Standing::Update { .. }) => "update",
            Action::Synced(Standing::Unchanged) => "unchanged",
            Action::Synced(Standing::Pull { .. }) => "pull",
            Action::Synced(Standing::Conflict { .. }) => "conflict",
            Action::Invalid { .. } => "invalid",
            Action::Failed { .. } => "failed",
            Action::NotInFiles => "not-in-files",
        }
    }
}

#[derive(Debug, Clone)]
struct Planned {
    path: Option<PathBuf>,
    name: String,
    id: Option<String>,
    action: Action,
}

pub fn run_plan(args: PlanArgs, target: &Target) -> ExitCode {
    let (runtime, schema, client) = match start(target) {
        Ok(started) => started,
        Err(code) => return code,
    };
    let resolve = args.side.resolve();
    let planned =
        match runtime.block_on(plan_all(&client, &args.paths, &args.orgs, resolve, &schema)) {
            Ok(planned) => planned,
            Err(e) => return fail(2, &e),
        };
    let label = client.catalogue().label();
    let text = match args.format {
        PlanFormat::Human => human(&planned, &label, true),
        PlanFormat::Json => {
            let mut text = serde_json::to_string_pretty(&to_json(&planned, &label))
                .expect("JSON values serialise");
            text.push('\n');
            text
        }
        PlanFormat::Markdown => markdown(&planned, &label),
    };
    print!("{text}");
    exit_status(&planned)
}

/// 0 nothing to do, 1 invalid or conflicting records (or records that could not be
/// read), 3 changes to apply.
fn exit_status(planned: &[Planned]) -> ExitCode {
    let any = |f: fn(&Action) -> bool| planned.iter().any(|p| f(&p.action));
    if any(|a| {
        matches!(
            a,
            Action::Invalid { .. }
                | Action::Synced(Standing::Conflict { .. })
                | Action::Failed { .. }
        )
    }) {
        ExitCode::from(1)
    } else if any(|a| matches!(a, Action::Create | Action::Synced(Standing::Update { .. }))) {
        ExitCode::from(3)
    } else {
        ExitCode::SUCCESS
    }
}

/// The runtime, the target's schema (as for `publish`) and the client for its host.
fn start(
    target: &Target,
) -> Result<(tokio::runtime::Runtime, Arc<Schema>, CatalogueClient), ExitCode> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| fail(2, &format!("cannot start: {e}")))?;
    let client = catalogue::connect(&target.host, None).map_err(|e| fail(2, &e))?;
    let schema = runtime.block_on(target_schema(&client, target))?;
    Ok((runtime, Arc::new(schema), client))
}

/// A record file found under the paths, checked.
struct Found {
    file: RecordFile,
    id: Option<String>,
    name: String,
    org: Option<String>,
}

/// Reads the record files under `paths`: the records, and the plan entries of files that
/// cannot be read or are invalid.
fn read_files(paths: &[PathBuf], schema: &Schema) -> (Vec<Found>, Vec<Planned>) {
    let mut found = Vec::new();
    let mut planned = Vec::new();
    for candidate in walk::candidates(paths, true) {
        let failed = |path: Option<PathBuf>, reason: String| Planned {
            path,
            name: String::new(),
            id: None,
            action: Action::Failed { reason },
        };
        let candidate = match candidate {
            Ok(c) => c,
            Err(reason) => {
                planned.push(failed(None, reason));
                continue;
            }
        };
        let file = match RecordFile::read(&candidate.path) {
            Ok(file) => file,
            Err(reason) => {
                planned.push(failed(Some(candidate.path), reason));
                continue;
            }
        };
        let name_of_file = candidate.path.to_string_lossy().into_owned();
        if !candidate.explicit && !check::is_record(&name_of_file, &file.doc, schema) {
            continue;
        }
        let root = file.doc.root();
        let field = |k: &str| root.and_then(|r| string_field(r, k)).map(str::to_string);
        let (id, name, org) = (field("id"), field("name"), field("owner_org"));
        if let Err(WorkflowError::Invalid { problems }) = require_valid(&file.doc, schema) {
            planned.push(Planned {
                path: Some(file.path),
                name: name.unwrap_or_default(),
                id,
                action: Action::Invalid { problems },
            });
            continue;
        }
        found.push(Found {
            file,
            id,
            name: name.unwrap_or_default(),
            org,
        });
    }
    (found, planned)
}

async fn plan_all(
    client: &CatalogueClient,
    paths: &[PathBuf],
    orgs: &[String],
    resolve: Resolve,
    schema: &Arc<Schema>,
) -> Result<Vec<Planned>, String> {
    let (found, mut planned) = read_files(paths, schema);
    let mut organizations: BTreeSet<String> = found.iter().filter_map(|f| f.org.clone()).collect();
    organizations.extend(orgs.iter().cloned());
    let organizations: Vec<String> = organizations.into_iter().collect();
    let listed = list_organizations(client, &organizations)
        .await
        .map_err(|e| format!("cannot list the records on the catalogue: {e}"))?;
    let by_id: HashMap<&str, &Listed> = listed.iter().map(|l| (l.id.as_str(), l)).collect();
    let base_url = client.catalogue().base_url().to_string();
    let limit = Arc::new(Semaphore::new(4));
    let mut tasks = JoinSet::new();
    let mut held: BTreeSet<String> = BTreeSet::new();
    for found in found {
        held.insert(found.name.clone());
        let Some(id) = found.id.clone() else {
            planned.push(Planned {
                path: Some(found.file.path),
                name: found.name,
                id: None,
                action: Action::Create,
            });
            continue;
        };
        held.insert(id.clone());
        let known = Known::read(&found.file.path, &base_url, Some(&id));
        let unchanged = match (&known.state, by_id.get(id.as_str()), found.file.doc.root()) {
            (Some(state), Some(listed), Some(root)) => {
                stamp(&state.metadata_modified) == stamp(&listed.metadata_modified)
                    && !state.pull_needed
                    && state.file_unchanged(&api_body(root, schema))
            }
            _ => false,
        };
        if unchanged {
            planned.push(Planned {
                path: Some(found.file.path),
                name: found.name,
                id: Some(id),
                action: Action::Synced(Standing::Unchanged),
            });
            continue;
        }
        let (client, schema, limit) = (client.clone(), schema.clone(), limit.clone());
        tasks.spawn(async move {
            let _permit = limit.acquire_owned().await;
            let action = plan_one(&client, &found, &known, resolve, &schema).await;
            Planned {
                path: Some(found.file.path),
                name: found.name,
                id: Some(id),
                action,
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        planned.push(done.map_err(|e| format!("a planning task failed: {e}"))?);
    }
    for listed in &listed {
        if !held.contains(&listed.id) && !held.contains(&listed.name) && !orgs.is_empty() {
            planned.push(Planned {
                path: None,
                name: listed.name.clone(),
                id: Some(listed.id.clone()),
                action: Action::NotInFiles,
            });
        }
    }
    planned.sort_by(|a, b| (&a.path, &a.name).cmp(&(&b.path, &b.name)));
    Ok(planned)
}

/// One record with an id whose file or catalogue copy changed since its state.
async fn plan_one(
    client: &CatalogueClient,
    found: &Found,
    known: &Known,
    resolve: Resolve,
    schema: &Schema,
) -> Action {
    let id = found.id.as_deref().unwrap_or_default();
    let package = match client.package_show(id).await {
        Ok(package) => package,
        Err(CatalogueError::NotFound { .. }) => {
            return Action::Failed {
                reason: format!("id {id} is not on {}", client.catalogue().label()),
            }
        }
        Err(e) => {
            return Action::Failed {
                reason: e.to_string(),
            }
        }
    };
    let Some(root) = found.file.doc.root() else {
        return Action::Failed {
            reason: "the file holds no record".into(),
        };
    };
    Action::Synced(plan_sync(root, &package, known.basis(resolve), schema).standing(resolve))
}

fn path_text(p: &Planned) -> String {
    p.path
        .as_ref()
        .map_or_else(|| format!("({})", p.name), |p| p.display().to_string())
}

fn fields(changes: &[FieldChange]) -> String {
    changes
        .iter()
        .map(|c| c.field.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn counts(planned: &[Planned]) -> Vec<(&'static str, usize)> {
    let keys = [
        "create",
        "update",
        "unchanged",
        "pull",
        "conflict",
        "invalid",
        "failed",
        "not-in-files",
    ];
    keys.iter()
        .map(|k| (*k, planned.iter().filter(|p| p.action.key() == *k).count()))
        .collect()
}

fn summary(planned: &[Planned]) -> String {
    let parts: Vec<String> = counts(planned)
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(k, n)| format!("{n} {k}"))
        .collect();
    if parts.is_empty() {
        "no record files".into()
    } else {
        parts.join(", ")
    }
}

/// One line (or a few) per record; `unchanged` ones only when `all`.
fn human(planned: &[Planned], catalogue: &str, all: bool) -> String {
    let mut out = String::new();
    for p in planned {
        if !all && matches!(p.action, Action::Synced(Standing::Unchanged)) {
            continue;
        }
        let path = path_text(p);
        match &p.action {
            Action::Create => out.push_str(&format!("+ create     {path} ({})\n", p.name)),
            Action::Synced(Standing::Update { changes, theirs }) => {
                out.push_str(&format!("~ update     {path}: {}\n", fields(changes)));
                for change in changes {
                    out.push_str(&format!("      {}\n", change.summary()));
                }
                if !theirs.is_empty() {
                    out.push_str(&format!(
                        "      (kept as on {catalogue}: {})\n",
                        fields(theirs)
                    ));
                }
            }
            Action::Synced(Standing::Unchanged) => out.push_str(&format!("= unchanged  {path}\n")),
            Action::Synced(Standing::Pull { theirs }) => out.push_str(&format!(
                "< pull       {path}: changed on {catalogue}: {} (bcdc-lsp pull {path})\n",
                fields(theirs)
            )),
            Action::Synced(Standing::Conflict { conflicts }) => {
                let names: Vec<&str> = conflicts.iter().map(|c| c.field.as_str()).collect();
                out.push_str(&format!(
                    "! conflict   {path}: changed on both sides: {} (--mine or --theirs)\n",
                    names.join(", ")
                ));
            }
            Action::Invalid { problems } => {
                out.push_str(&format!("x invalid    {path}\n"));
                for problem in problems {
                    out.push_str(&format!(
                        "      {path}:{}: {}\n",
                        problem.line, problem.message
                    ));
                }
            }
            Action::Failed { reason } => out.push_str(&format!("? failed     {path}: {reason}\n")),
            Action::NotInFiles => out.push_str(&format!(
                "  not in any file: {} ({})\n",
                p.name,
                p.id.as_deref().unwrap_or_default()
            )),
        }
    }
    out.push_str(&format!("Plan for {catalogue}: {}\n", summary(planned)));
    out
}

fn change_json(c: &FieldChange) -> Value {
    json!({"field": c.field, "before": c.before, "after": c.after})
}

/// The JSON interface (README, "plan and apply"): `version`, `catalogue`, `records` (each
/// with `path`, `name`, `id`, `action` and the action's details), `summary` (counts).
fn to_json(planned: &[Planned], catalogue: &str) -> Value {
    let records: Vec<Value> = planned
        .iter()
        .map(|p| {
            let mut record = json!({
                "path": p.path.as_ref().map(|p| p.display().to_string()),
                "name": p.name,
                "id": p.id,
                "action": p.action.key(),
            });
            let details = match &p.action {
                Action::Synced(Standing::Update { changes, theirs }) => json!({
                    "changes": changes.iter().map(change_json).collect::<Vec<_>>(),
                    "theirs": theirs.iter().map(change_json).collect::<Vec<_>>(),
                }),
                Action::Synced(Standing::Pull { theirs }) => {
                    json!({"theirs": theirs.iter().map(change_json).collect::<Vec<_>>()})
                }
                Action::Synced(Standing::Conflict { conflicts }) => json!({"conflicts": conflicts
                    .iter()
                    .map(|c| json!({"field": c.field, "mine": c.mine, "theirs": c.theirs,
                                    "no_state": c.no_state}))
                    .collect::<Vec<_>>()}),
                Action::Invalid { problems } => json!({"problems": problems
                    .iter()
                    .map(|p| json!({"line": p.line, "pointer": p.pointer, "message": p.message}))
                    .collect::<Vec<_>>()}),
                Action::Failed { reason } => json!({"reason": reason}),
                Action::Create | Action::Synced(Standing::Unchanged) | Action::NotInFiles => {
                    json!({})
                }
            };
            if let (Value::Object(out), Value::Object(more)) = (&mut record, details) {
                out.extend(more);
            }
            record
        })
        .collect();
    let summary: serde_json::Map<String, Value> = counts(planned)
        .into_iter()
        .map(|(k, n)| (k.to_string(), json!(n)))
        .collect();
    json!({"version": 1, "catalogue": catalogue, "records": records, "summary": summary})
}

fn markdown(planned: &[Planned], catalogue: &str) -> String {
    let cell = |s: &str| s.replace('|', "\\|").replace('\n', " ");
    let mut out = format!(
        "### bcdc-lsp plan for {catalogue}\n\n{}\n\n",
        summary(planned)
    );
    let shown: Vec<&Planned> = planned
        .iter()
        .filter(|p| !matches!(p.action, Action::Synced(Standing::Unchanged)))
        .collect();
    if shown.is_empty() {
        out.push_str("Nothing to change.\n");
        return out;
    }
    out.push_str("| | Record | Action | Fields |\n|---|---|---|---|\n");
    for p in shown {
        let (mark, detail) = match &p.action {
            Action::Create => ("➕", String::new()),
            Action::Synced(Standing::Update { changes, theirs }) if theirs.is_empty() => {
                ("✏️", fields(changes))
            }
            Action::Synced(Standing::Update { changes, theirs }) => (
                "✏️",
                format!(
                    "{} (kept as on the catalogue: {})",
                    fields(changes),
                    fields(theirs)
                ),
            ),
            Action::Synced(Standing::Pull { theirs }) => (
                "⬇️",
                format!("changed on the catalogue: {}", fields(theirs)),
            ),
            Action::Synced(Standing::Conflict { conflicts }) => (
                "⚠️",
                conflicts
                    .iter()
                    .map(|c| c.field.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            Action::Invalid { problems } => (
                "❌",
                problems
                    .iter()
                    .map(|p| format!("line {}: {}", p.line, p.message))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            Action::Failed { reason } => ("❓", reason.clone()),
            Action::NotInFiles => ("➖", "on the catalogue, in no file".into()),
            Action::Synced(Standing::Unchanged) => ("", String::new()),
        };
        out.push_str(&format!(
            "| {mark} | `{}` | {} | {} |\n",
            cell(&path_text(p)),
            p.action.key(),
            cell(&detail)
        ));
    }
    out
}

/// What applying did to one record.
enum Applied {
    Created(String),
    Updated(String),
    Nothing(String),
    Skipped(String),
    Failed(String),
}

pub fn run_apply(args: ApplyArgs, target: &Target) -> ExitCode {
    let (runtime, schema, client) = match start(target) {
        Ok(started) => started,
        Err(code) => return code,
    };
    let resolve = args.side.resolve();
    let planned = match runtime.block_on(plan_all(&client, &args.paths, &[], resolve, &schema)) {
        Ok(planned) => planned,
        Err(e) => return fail(2, &e),
    };
    let label = client.catalogue().label();
    let work: Vec<&Planned> = planned
        .iter()
        .filter(|p| {
            matches!(
                p.action,
                Action::Create | Action::Synced(Standing::Update { .. })
            )
        })
        .collect();
    let blocked = planned.iter().any(|p| {
        matches!(
            p.action,
            Action::Invalid { .. }
                | Action::Synced(Standing::Conflict { .. })
                | Action::Failed { .. }
        )
    });
    eprint!("{}", human(&planned, &label, false));
    if work.is_empty() {
        println!("nothing to apply on {label}");
        return if blocked {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        };
    }
    // what the catalogue's web form or policy would ask for: listed, the question covers it
    for path in work.iter().filter_map(|p| p.path.as_deref()) {
        if let Ok(file) = RecordFile::read(path) {
            report_form_only(&file, &schema);
        }
    }
    if !args.yes {
        match confirm(&format!("Apply these changes to {label}? [y/N] ")) {
            Some(true) => {}
            Some(false) => return fail(1, "nothing sent"),
            None => {
                return fail(
                    1,
                    "nothing sent: no terminal to confirm on; pass --yes to apply without asking",
                )
            }
        }
    }
    let paths: Vec<PathBuf> = work.iter().filter_map(|p| p.path.clone()).collect();
    let results = runtime.block_on(apply_all(&client, paths, resolve, &schema, args.jobs));
    let mut failed = blocked;
    for (path, applied) in results {
        let path = path.display();
        match applied {
            Applied::Created(m) | Applied::Updated(m) => println!("{path}: {m}"),
            Applied::Nothing(m) => println!("{path}: {m}"),
            Applied::Skipped(m) | Applied::Failed(m) => {
                failed = true;
                println!("{path}: not applied: {m}");
            }
        }
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

async fn apply_all(
    client: &CatalogueClient,
    paths: Vec<PathBuf>,
    resolve: Resolve,
    schema: &Arc<Schema>,
    jobs: u16,
) -> Vec<(PathBuf, Applied)> {
    let limit = Arc::new(Semaphore::new(usize::from(jobs)));
    let mut tasks = JoinSet::new();
    for path in paths {
        let (client, schema, limit) = (client.clone(), schema.clone(), limit.clone());
        tasks.spawn(async move {
            let _permit = limit.acquire_owned().await;
            let applied = apply_one(&client, &path, resolve, &schema).await;
            (path, applied)
        });
    }
    let mut out = Vec::new();
    while let Some(done) = tasks.join_next().await {
        if let Ok(done) = done {
            out.push(done);
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// One record, under its lock file, from the file as it is once the lock is held.
async fn apply_one(
    client: &CatalogueClient,
    path: &std::path::Path,
    resolve: Resolve,
    schema: &Schema,
) -> Applied {
    let _lock = match LockFile::acquire(path) {
        Ok(lock) => lock,
        Err(e) => return Applied::Skipped(e.to_string()),
    };
    let file = match RecordFile::read(path) {
        Ok(file) => file,
        Err(e) => return Applied::Failed(e),
    };
    let label = client.catalogue().label();
    let id = file.doc.root().and_then(|r| string_field(r, "id"));
    let Some(id) = id else {
        return match publish_file(client, &file, schema).await {
            Ok(published) => Applied::Created(published.message(&label)),
            Err(Failure::Workflow(e)) => Applied::Failed(e.to_string()),
            Err(Failure::NotWritten(reason)) => Applied::Failed(reason),
        };
    };
    let base_url = client.catalogue().base_url().to_string();
    let known = Known::read(path, &base_url, Some(id));
    let basis = known.basis(resolve);
    let (plan, package) = match patch::prepare_update(client, &file.doc, schema, basis).await {
        Ok(planned) => planned,
        Err(e) => return Applied::Failed(e.to_string()),
    };
    if plan.blocked(resolve) {
        return Applied::Skipped(plan.conflict_message());
    }
    if plan.is_empty() {
        save_state(&file, &base_url, &package, &known, &plan.pending, schema);
        return Applied::Nothing(format!("up to date on {label}"));
    }
    match patch::send_update(client, &plan, &package, &file.doc, schema, basis).await {
        Ok((patched, stored)) => {
            after_update(&file, &base_url, &stored, &known, &patched, schema);
            Applied::Updated(patched.message(&label))
        }
        Err(e) => Applied::Failed(e.to_string()),
    }
}

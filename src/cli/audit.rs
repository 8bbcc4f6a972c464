//! `bcdc-lsp audit`: every record of a catalogue, fetched (`catalogue::search`), checked
//! and reported (`crate::audit`) as text, JSON or HTML. Never writes to the catalogue.

use std::collections::{HashMap, HashSet};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use clap::{Args, ValueEnum};
use serde_json::Value;

use crate::audit::links::{
    is_checkable, link_report, links_of, LinkHistory, LinkReport, LinkStatus,
};
use crate::audit::score::{score_all, ScoreInputs};
use crate::audit::since::{compare, trend_point};
use crate::audit::{audit_records, html, human, json, report::rfc3339_utc, Report};
use crate::catalogue::cache::{LinkHistoryFile, RecordCache, ReportArchive};
use crate::catalogue::links::{check_links, LinkOptions};
use crate::catalogue::search::{fetch_all, Progress, Retry, Scope};
use crate::catalogue::{self};

#[derive(Args, Debug)]
pub struct AuditArgs {
    /// Catalogue: `test` (https://cat.data.gov.bc.ca), `prod`
    /// (https://catalogue.data.gov.bc.ca) or a CKAN base URL. Default: the `host` of
    /// the bcdc.toml in this folder or above, else `test`.
    #[arg(long)]
    host: Option<String>,
    /// Only the records of this organization (its name, as in the record's URL on the
    /// catalogue); repeat for several.
    #[arg(long = "org", value_name = "NAME")]
    orgs: Vec<String>,
    /// Report format.
    #[arg(long, value_enum, default_value_t = AuditFormat::Human)]
    format: AuditFormat,
    /// Write the report to this file instead of standard output.
    #[arg(short = 'o', long)]
    output: Option<PathBuf>,
    /// Include private records (those the API key's user may see; needs a key).
    #[arg(long)]
    include_private: bool,
    /// The dataset type to audit, with the schema the catalogue serves for it (default:
    /// bcdc.toml's `type`, else the catalogue's only type, else `bcdc_dataset`).
    #[arg(long = "type", value_name = "TYPE")]
    dataset_type: Option<String>,
    /// Check every link of the records (resource URLs and the schema's other URL fields).
    /// A link is reported broken after failing in three audits a day apart; `--links=now`
    /// reports any failure at once.
    #[arg(
        long,
        value_enum,
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "confirmed",
        value_name = "WHEN"
    )]
    links: Option<LinksMode>,
    /// Compare with this earlier JSON report (`--format json`) instead of the last audit
    /// of the same catalogue and organizations.
    #[arg(long, value_name = "FILE")]
    since: Option<PathBuf>,
    /// Neither read nor write the record cache: fetch every record.
    #[arg(long)]
    no_cache: bool,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum LinksMode {
    /// Broken after three failed checks a day apart (the default of `--links`).
    Confirmed,
    /// Broken at the first failure; every link is asked again.
    Now,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum AuditFormat {
    Human,
    Json,
    Html,
}

/// Exit status: 0 no record has an error, 1 some record has one, 2 the audit could not
/// run or could not fetch everything (and found no error in what it fetched).
pub fn run(args: AuditArgs) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => return fail(&format!("cannot start: {e}")),
    };
    let project = match super::project_of(std::path::Path::new(".")) {
        Ok(project) => project,
        Err(e) => return fail(&e),
    };
    let host = args.host.clone().or(project.host).unwrap_or("test".into());
    let dataset_type = args.dataset_type.clone().or(project.dataset_type);
    let client = match catalogue::connect(&host, None) {
        Ok(client) => client,
        Err(e) => return fail(&e),
    };
    if args.include_private && !client.has_key() {
        return fail(&format!(
            "--include-private needs an API key for {} (BCDC_API_KEY or bcdc-lsp/config.toml)",
            client.catalogue().label()
        ));
    }
    // the records are checked against the schema the catalogue itself serves
    let schema = match runtime.block_on(catalogue::portal_schema(&client, dataset_type.as_deref()))
    {
        Ok(schema) => schema,
        Err(e) => {
            return fail(&format!(
                "the audit could not run: cannot read the catalogue's schema: {e}"
            ))
        }
    };
    if !args.orgs.is_empty() {
        // a misspelt organization would audit nothing and look clean: refuse it
        if let Ok(known) = runtime.block_on(client.organization_list()) {
            for wanted in &args.orgs {
                if !known.iter().any(|o| &o.name == wanted || &o.id == wanted) {
                    let similar = similar_organizations(wanted, &known);
                    return fail(&format!(
                        "no organization `{wanted}` on {}{}",
                        client.catalogue().label(),
                        if similar.is_empty() {
                            String::new()
                        } else {
                            format!("; did you mean {}?", similar.join(", "))
                        }
                    ));
                }
            }
        }
    }
    let scope = Scope {
        dataset_type: schema.dataset_type.clone(),
        organizations: args.orgs,
        include_private: args.include_private,
    };
    let earlier_report = match &args.since {
        None => None,
        Some(path) => match std::fs::read(path)
            .map_err(|e| e.to_string())
            .and_then(|text| serde_json::from_slice::<Value>(&text).map_err(|e| e.to_string()))
        {
            Ok(value) if trend_point(&value).is_some() => Some(value),
            Ok(_) => {
                return fail(&format!(
                    "{} is not an audit report (bcdc-lsp audit --format json)",
                    path.display()
                ))
            }
            Err(e) => return fail(&format!("cannot read {}: {e}", path.display())),
        },
    };
    let archive = ReportArchive::for_scope(
        client.catalogue(),
        &scope_key(
            &scope.dataset_type,
            &scope.organizations,
            scope.include_private,
        ),
    );
    let cache = if args.no_cache {
        None
    } else {
        RecordCache::for_catalogue(client.catalogue())
    };
    let on_terminal = std::io::stderr().is_terminal();
    let bar = ProgressBar::new(on_terminal);
    let progress = |p: Progress| bar.show(p.phase, "records", p.done, p.total);
    let fetched = runtime.block_on(fetch_all(
        &client,
        &scope,
        cache.as_ref(),
        Retry::default(),
        &progress,
    ));
    bar.clear();
    let fetched = match fetched {
        Ok(fetched) => fetched,
        Err(e) => return fail(&format!("the audit could not run: {e}")),
    };
    let records = audit_records(&fetched.packages, &schema, client.catalogue());
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    let mut report = Report::new(
        client.catalogue().base_url().to_string(),
        rfc3339_utc(now),
        records,
        fetched.unfetched,
        fetched.from_cache,
    );
    report.label_fields(&schema);
    report.drafts = fetched
        .packages
        .iter()
        .filter(|p| p.get("state").and_then(Value::as_str) == Some("draft"))
        .count();
    let mut statuses = None;
    if let Some(mode) = args.links {
        match runtime.block_on(check_record_links(
            &fetched.packages,
            &schema,
            client.catalogue(),
            mode == LinksMode::Now,
            now,
            on_terminal,
        )) {
            Ok((links, by_url)) => {
                report.links = Some(links);
                statuses = Some(by_url);
            }
            Err(e) => return fail(&format!("cannot check the links: {e}")),
        }
    }
    // openness comes from the licence list's own flags; a list without any leaves it out
    let open_licences: Option<HashSet<String>> = runtime
        .block_on(client.license_list())
        .ok()
        .map(|list| {
            list.into_iter()
                .filter(|l| l.is_open())
                .map(|l| l.id)
                .collect::<HashSet<_>>()
        })
        .filter(|open| !open.is_empty());
    report.scores = Some(score_all(
        &fetched.packages,
        &report.records,
        &ScoreInputs {
            schema: &schema,
            open_licences: open_licences.as_ref(),
            links: statuses.as_ref(),
            today: (now / 86_400) as i64,
        },
    ));
    let earlier: Vec<Value> = archive
        .as_ref()
        .map(ReportArchive::load)
        .unwrap_or_default();
    if let Some(before) = earlier_report.as_ref().or(earlier.last()) {
        report.changes = compare(&report, before);
    }
    let current = json::render(&report);
    report.trend = earlier
        .iter()
        .chain(std::iter::once(&current))
        .filter_map(trend_point)
        .collect();
    if let Some(archive) = &archive {
        archive.store(&current);
    }
    let text = match args.format {
        AuditFormat::Human => human::render(&report),
        AuditFormat::Json => {
            let mut text = serde_json::to_string_pretty(&json::render(&report))
                .expect("JSON values serialise");
            text.push('\n');
            text
        }
        AuditFormat::Html => html::render(&report),
    };
    match &args.output {
        None => print!("{text}"),
        Some(path) => {
            if let Err(e) = std::fs::write(path, text) {
                return fail(&format!("cannot write {}: {e}", path.display()));
            }
            eprintln!(
                "wrote {}: {} records checked ({} from the cache), {} with errors{}",
                path.display(),
                report.records.len(),
                report.from_cache,
                report.with_errors(),
                if report.unfetched.is_empty() {
                    String::new()
                } else {
                    format!(", {} part(s) not fetched", report.unfetched.len())
                }
            );
        }
    }
    ExitCode::from(report.exit_status())
}

/// Checks the links of the datasets that have no result younger than a day (all of them
/// with `at_once`), adds the results to the catalogue's link history, and reports.
async fn check_record_links(
    packages: &[serde_json::Map<String, serde_json::Value>],
    schema: &crate::schema::Schema,
    catalogue: &catalogue::Catalogue,
    at_once: bool,
    now: u64,
    on_terminal: bool,
) -> Result<(LinkReport, HashMap<String, LinkStatus>), catalogue::CatalogueError> {
    let file = LinkHistoryFile::for_catalogue(catalogue);
    let mut histories = file.as_ref().map(LinkHistoryFile::load).unwrap_or_default();
    let mut due: Vec<String> = packages
        .iter()
        .flat_map(|p| links_of(p, schema))
        .map(|l| l.url)
        .filter(|u| is_checkable(u))
        .filter(|u| at_once || !histories.get(u).is_some_and(|h| h.is_fresh(now)))
        .collect();
    due.sort();
    due.dedup();
    let bar = ProgressBar::new(on_terminal);
    let progress =
        |done: usize, total: usize| bar.show("checking", "links", done as u64, total as u64);
    let results = check_links(&due, LinkOptions::default(), &progress).await?;
    bar.clear();
    for (url, result) in results {
        let history = LinkHistory::after(histories.get(&url), result, now);
        histories.insert(url, history);
    }
    if let Some(file) = &file {
        file.store(&histories, now);
    }
    let report = link_report(packages, schema, catalogue, &histories, due.len(), at_once);
    let statuses = histories
        .iter()
        .map(|(url, h)| (url.clone(), h.status(at_once)))
        .collect();
    Ok((report, statuses))
}

/// Progress on stderr: on a terminal a bar with the count and an estimate of the time
/// left, redrawn at most ten times a second; otherwise a plain line at each tenth.
struct ProgressBar {
    on_terminal: bool,
    state: std::sync::Mutex<BarState>,
}

struct BarState {
    phase: &'static str,
    started: std::time::Instant,
    shown: Option<std::time::Instant>,
    tenth: u64,
}

impl ProgressBar {
    fn new(on_terminal: bool) -> ProgressBar {
        ProgressBar {
            on_terminal,
            state: std::sync::Mutex::new(BarState {
                phase: "",
                started: std::time::Instant::now(),
                shown: None,
                tenth: 0,
            }),
        }
    }

    fn show(&self, phase: &'static str, what: &str, done: u64, total: u64) {
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        if state.phase != phase {
            *state = BarState {
                phase,
                started: std::time::Instant::now(),
                shown: None,
                tenth: 0,
            };
        }
        let whole = total.max(1);
        if !self.on_terminal {
            let tenth = done * 10 / whole;
            if state.shown.is_none() || tenth > state.tenth || done == total {
                state.tenth = tenth;
                state.shown = Some(std::time::Instant::now());
                eprintln!("bcdc-lsp: {phase} {done}/{total} {what}");
            }
            return;
        }
        if state
            .shown
            .is_some_and(|t| t.elapsed() < std::time::Duration::from_millis(100) && done < total)
        {
            return;
        }
        state.shown = Some(std::time::Instant::now());
        let width = 30;
        let filled = (done.min(whole) * width / whole) as usize;
        let elapsed = state.started.elapsed().as_secs_f64();
        let left = if done > 0 && done < total {
            let seconds = elapsed / done as f64 * (total - done) as f64;
            format!(", about {} left", duration_words(seconds))
        } else {
            String::new()
        };
        eprint!(
            "\r\x1b[K{phase} [{}{}] {done}/{total} {what}{left}",
            "#".repeat(filled),
            ".".repeat(width as usize - filled)
        );
        let _ = std::io::stderr().flush();
    }

    fn clear(&self) {
        if self.on_terminal {
            eprint!("\r\x1b[K");
        }
    }
}

/// `40 s`, `3 min`.
fn duration_words(seconds: f64) -> String {
    if seconds < 90.0 {
        format!("{:.0} s", seconds.max(1.0))
    } else {
        format!("{:.0} min", seconds / 60.0)
    }
}

/// Up to five organizations whose name or title is like `wanted` (contains it, or close by
/// Jaro-Winkler similarity), most alike first, as `name (Title)`.
fn similar_organizations(wanted: &str, known: &[catalogue::Organization]) -> Vec<String> {
    let wanted = wanted.to_lowercase();
    let mut alike: Vec<(f64, &catalogue::Organization)> = known
        .iter()
        .filter_map(|o| {
            let (name, title) = (o.name.to_lowercase(), o.title.to_lowercase());
            let similarity =
                strsim::jaro_winkler(&wanted, &name).max(strsim::jaro_winkler(&wanted, &title));
            let contains =
                name.contains(&wanted) || title.contains(&wanted) || wanted.contains(&name);
            (contains || similarity >= 0.85).then_some((similarity, o))
        })
        .collect();
    alike.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.name.cmp(&b.1.name)));
    alike
        .into_iter()
        .take(5)
        .map(|(_, o)| {
            if o.title.is_empty() || o.title == o.name {
                format!("`{}`", o.name)
            } else {
                format!("`{}` ({})", o.name, o.title)
            }
        })
        .collect()
}

/// What an audit covered, as the name of its report archive: `bcdc_dataset`,
/// `bcdc_dataset+org-a+org-b+private`.
fn scope_key(dataset_type: &str, orgs: &[String], include_private: bool) -> String {
    let mut orgs: Vec<&str> = orgs.iter().map(String::as_str).collect();
    orgs.sort_unstable();
    orgs.dedup();
    let mut key = std::iter::once(dataset_type)
        .chain(orgs)
        .collect::<Vec<_>>()
        .join("+");
    if include_private {
        key.push_str("+private");
    }
    key
}

fn fail(message: &str) -> ExitCode {
    eprintln!("bcdc-lsp: {message}");
    ExitCode::from(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similar_organizations_by_name_or_title() {
        let org = |name: &str, title: &str| catalogue::Organization {
            id: format!("id-{name}"),
            name: name.into(),
            title: title.into(),
        };
        let known = [
            org("bc-geological-survey", "BC Geological Survey"),
            org("water-protection", "Water Protection and Sustainability"),
            org("forest-analysis", "Forest Analysis and Inventory"),
        ];
        assert_eq!(
            similar_organizations("bc-geological-surve", &known),
            ["`bc-geological-survey` (BC Geological Survey)"]
        );
        assert_eq!(
            similar_organizations("water", &known),
            ["`water-protection` (Water Protection and Sustainability)"]
        );
        assert!(similar_organizations("zzz", &known).is_empty());
        assert_eq!(
            scope_key("bcdc_dataset", &["b".into(), "a".into()], true),
            "bcdc_dataset+a+b+private"
        );
    }
}

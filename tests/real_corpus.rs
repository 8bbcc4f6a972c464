//! The audit on real records no one here wrote (`tests/real/<portal>/`, see each PROVENANCE.md),
//! served by a stand-in catalogue with the schema that portal served. Every finding of the real
//! CLI is compared with a reviewed expectation (`expected.json`): `true` lists the findings that
//! are true of what the portal's server enforces, each with the reason; `false` lists the findings
//! today's checker makes that are not, each with the reason it is false (not compared; kept so
//! that the precision figures and the fixes of #13 can be checked against it).
//!
//! `cargo test --test real_corpus -- --nocapture` prints the precision per portal.

mod catalogue_fake;
mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use catalogue_fake::portal::{serve, Portal};
use serde_json::Value;

/// One finding as the comparison sees it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Finding {
    record: String,
    pointer: String,
    code: String,
    severity: String,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {} {}[{}]",
            self.record, self.pointer, self.severity, self.code
        )
    }
}

/// A portal's reviewed findings.
struct Expected {
    /// True findings, each with its reason.
    true_findings: BTreeMap<Finding, String>,
    /// Findings today's checker makes that are false, each with the reason.
    false_findings: BTreeMap<Finding, String>,
}

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/real")
}

/// Every portal folder of the corpus.
fn portals() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(corpus())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("schema.json").exists())
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty(), "no portal in tests/real");
    dirs
}

fn finding(entry: &Value) -> Finding {
    let text = |key: &str| {
        entry[key]
            .as_str()
            .unwrap_or_else(|| panic!("a finding without {key}: {entry}"))
            .to_string()
    };
    Finding {
        record: text("record"),
        pointer: text("pointer"),
        code: text("code"),
        severity: text("severity"),
    }
}

/// The reviewed findings of a portal; each names one of its records.
fn expected(dir: &Path, portal: &Portal) -> Expected {
    let path = dir.join("expected.json");
    let value: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let list = |key: &str| -> BTreeMap<Finding, String> {
        let mut out = BTreeMap::new();
        for entry in value[key].as_array().unwrap_or(&Vec::new()) {
            let why = entry["why"].as_str().unwrap_or_default();
            assert!(
                !why.trim().is_empty(),
                "{}: no `why` for {entry}",
                path.display()
            );
            let record = entry["record"].as_str().unwrap_or_default();
            assert!(
                portal.records.values().any(|r| r["name"] == record),
                "{}: no record `{record}` in the portal",
                path.display()
            );
            let previous = out.insert(finding(entry), why.to_string());
            assert!(
                previous.is_none(),
                "{}: listed twice: {entry}",
                path.display()
            );
        }
        out
    };
    let expected = Expected {
        true_findings: list("true"),
        false_findings: list("false"),
    };
    for f in expected.true_findings.keys() {
        assert!(
            !expected.false_findings.contains_key(f),
            "{}: both true and false: {f}",
            path.display()
        );
    }
    expected
}

/// The stand-in serving a portal folder, and a home with an empty cache and no configuration
/// or key of the user's for the CLI.
struct StandIn {
    running: catalogue_fake::portal::Running,
    home: tempfile::TempDir,
    _runtime: tokio::runtime::Runtime,
}

impl StandIn {
    fn start(dir: &Path) -> StandIn {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let running = runtime.block_on(serve(Portal::load(dir)));
        StandIn {
            running,
            home: tempfile::tempdir().unwrap(),
            _runtime: runtime,
        }
    }

    /// `bcdc-lsp <args> --host <the stand-in>`.
    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_bcdc-lsp"));
        command
            .args(args)
            .args(["--host", &self.running.url])
            .env("XDG_CACHE_HOME", self.home.path())
            .env("XDG_CONFIG_HOME", self.home.path())
            .env("HOME", self.home.path())
            .env_remove("BCDC_API_KEY");
        command
    }
}

/// What the real CLI's audit of the portal reported (its JSON), and the portal.
fn audit(dir: &Path) -> (Value, Portal) {
    let portal = Portal::load(dir);
    let dataset_type = portal.dataset_type().to_string();
    let checked = portal
        .records
        .values()
        .filter(|r| r["type"] == dataset_type.as_str())
        .count();
    let stand_in = StandIn::start(dir);
    let mut command = stand_in.command(&["audit", "--format", "json"]);
    if dataset_type != "bcdc_dataset" {
        command.args(["--type", &dataset_type]);
    }
    let output = command.output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{}: the audit did not complete ({:?}): {stderr}",
        dir.display(),
        output.status
    );
    let report: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{}: not JSON ({e}): {stderr}", dir.display()));
    assert_eq!(
        report["unfetched"].as_array().map(Vec::len),
        Some(0),
        "{}: something was not fetched: {report}",
        dir.display()
    );
    assert_eq!(
        report["records_checked"].as_u64(),
        Some(checked as u64),
        "{}: not every record was audited",
        dir.display()
    );
    (report, portal)
}

/// Every finding of a report, with how often each occurs.
fn findings(report: &Value) -> BTreeMap<Finding, usize> {
    let mut out = BTreeMap::new();
    for record in report["records"].as_array().unwrap() {
        let name = record["name"].as_str().unwrap();
        for d in record["diagnostics"].as_array().unwrap() {
            let f = Finding {
                record: name.to_string(),
                pointer: d["pointer"].as_str().unwrap().to_string(),
                code: d["code"].as_str().unwrap().to_string(),
                severity: d["severity"].as_str().unwrap().to_string(),
            };
            *out.entry(f).or_insert(0) += 1;
        }
    }
    out
}

/// A pointer with its list indices as `*`: `/resources/3/url_type` → `/resources/*/url_type`.
fn field_pattern(pointer: &str) -> String {
    pointer
        .split('/')
        .map(|part| {
            if !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()) {
                "*"
            } else {
                part
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn portal_name(dir: &Path) -> String {
    dir.file_name().unwrap().to_string_lossy().into_owned()
}

/// The audit completes on every portal, audits every record, and loses no true finding. Prints
/// the findings judged true / all findings per portal (the precision), and the findings that are
/// neither reviewed true nor reviewed false (new, to be reviewed).
#[test]
fn the_audit_checks_every_real_record_and_loses_no_true_finding() {
    let mut lost = Vec::new();
    eprintln!("portal: records, findings, true, known false, unreviewed, precision");
    for dir in portals() {
        let name = portal_name(&dir);
        let (report, portal) = audit(&dir);
        let expected = expected(&dir, &portal);
        let found = findings(&report);
        for f in expected.true_findings.keys() {
            if !found.contains_key(f) {
                lost.push(format!("{name}: lost finding: {f}"));
            }
        }
        let all: usize = found.values().sum();
        let count = |pick: &dyn Fn(&Finding) -> bool| -> usize {
            found.iter().filter(|(f, _)| pick(f)).map(|(_, n)| n).sum()
        };
        let true_ones = count(&|f| expected.true_findings.contains_key(f));
        let false_ones = count(&|f| expected.false_findings.contains_key(f));
        let precision = if all == 0 {
            "n/a (no findings)".to_string()
        } else {
            format!("{:.1} %", 100.0 * true_ones as f64 / all as f64)
        };
        eprintln!(
            "{name}: {} records, {all} findings, {true_ones} true, {false_ones} known false, {} unreviewed, precision {precision}",
            portal.records.len(),
            all - true_ones - false_ones
        );
        // the known false findings still made, by code and field (list indices as `*`)
        let mut by_field: BTreeMap<(String, String), usize> = BTreeMap::new();
        for (f, n) in found
            .iter()
            .filter(|(f, _)| expected.false_findings.contains_key(f))
        {
            *by_field
                .entry((f.code.clone(), field_pattern(&f.pointer)))
                .or_insert(0) += n;
        }
        for ((code, field), n) in by_field {
            eprintln!("  false: {n} {code} {field}");
        }
        for f in found.keys().filter(|f| {
            !expected.true_findings.contains_key(f) && !expected.false_findings.contains_key(f)
        }) {
            eprintln!("  unreviewed: {f}");
        }
    }
    assert!(lost.is_empty(), "{}", lost.join("\n"));
}

/// Every finding is a reviewed true one and every true one is found: a false or new finding,
/// or a lost one, fails.
#[test]
fn every_finding_on_real_records_is_true_and_none_is_lost() {
    let mut problems = Vec::new();
    for dir in portals() {
        let name = portal_name(&dir);
        let (report, portal) = audit(&dir);
        let expected = expected(&dir, &portal);
        let found = findings(&report);
        for (f, n) in &found {
            match expected.true_findings.get(f) {
                None => match expected.false_findings.get(f) {
                    Some(why) => problems.push(format!("{name}: false finding: {f} ({why})")),
                    None => problems.push(format!("{name}: new finding (review it): {f}")),
                },
                Some(_) if *n > 1 => problems.push(format!("{name}: found {n} times: {f}")),
                Some(_) => {}
            }
        }
        for f in expected.true_findings.keys() {
            if !found.contains_key(f) {
                problems.push(format!("{name}: lost finding: {f}"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The audit turns each dataset into its record file exactly as `pull` does: pulling every
/// BCDC record from the stand-in and checking the files with `check --host` finds what the
/// audit found, record by record. (`pull` writes `bcdc_dataset` records only.)
#[test]
fn pull_then_check_finds_what_the_audit_found() {
    for dir in portals() {
        let name = portal_name(&dir);
        let (report, portal) = audit(&dir);
        if portal.dataset_type() != "bcdc_dataset" {
            continue;
        }
        let stand_in = StandIn::start(&dir);
        let files = tempfile::tempdir().unwrap();
        for record in portal.records.values() {
            let record_name = record["name"].as_str().unwrap();
            let path = files.path().join(format!("{record_name}.bcdc.yaml"));
            let output = stand_in
                .command(&["pull", record_name, "-o", path.to_str().unwrap()])
                .output()
                .unwrap();
            assert!(
                output.status.success(),
                "{name}: pull {record_name}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let output = stand_in
            .command(&["check", "--format", "json", files.path().to_str().unwrap()])
            .output()
            .unwrap();
        let checked: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
            panic!(
                "{name}: check: {e}: {}",
                String::from_utf8_lossy(&output.stderr)
            )
        });
        let mut from_check = BTreeMap::new();
        for file in checked["files"].as_array().unwrap() {
            let path = Path::new(file["path"].as_str().unwrap());
            let record = path
                .file_name()
                .unwrap()
                .to_string_lossy()
                .trim_end_matches(".bcdc.yaml")
                .to_string();
            for d in file["diagnostics"].as_array().unwrap() {
                let f = Finding {
                    record: record.clone(),
                    pointer: d["pointer"].as_str().unwrap().to_string(),
                    code: d["code"].as_str().unwrap().to_string(),
                    severity: d["severity"].as_str().unwrap().to_string(),
                };
                *from_check.entry(f).or_insert(0) += 1;
            }
        }
        assert_eq!(
            from_check,
            findings(&report),
            "{name}: pull + check and the audit disagree"
        );
    }
}

/// The stand-in answers `package_search` as the audit asks: the type filter, `sort=id asc`,
/// pages by `start`/`rows`, only the `fl` fields, and the organization and
/// `metadata_modified` clauses.
#[test]
fn the_stand_in_searches_like_ckan() {
    let portal = Portal::load(&corpus().join("bcdc"));
    let search = |query: &str| -> Value {
        let query = catalogue_fake::portal::parse_query(query);
        let catalogue_fake::Behaviour::Raw(bytes) = portal.answer("package_search", &query) else {
            panic!("a whole reply")
        };
        let text = String::from_utf8(bytes).unwrap();
        let body = text.split_once("\r\n\r\n").unwrap().1;
        serde_json::from_str::<Value>(body).unwrap()["result"].clone()
    };
    let ids: Vec<&String> = portal.records.keys().collect();
    let all = search("q=*:*&sort=id+asc&rows=1000&start=0&fq=%2Bdataset_type%3A%22bcdc_dataset%22");
    assert_eq!(all["count"], ids.len());
    let found: Vec<&str> = all["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(found, ids, "sorted by id");
    let second = search("sort=id+asc&rows=1&start=1&fq=%2Bdataset_type%3A%22bcdc_dataset%22&fl=id,metadata_modified");
    assert_eq!(second["count"], ids.len());
    let only = &second["results"][0];
    assert_eq!(only["id"], ids[1].as_str());
    assert_eq!(
        only.as_object().unwrap().len(),
        2,
        "only the fl fields: {only}"
    );
    let none = search("rows=1000&fq=%2Bdataset_type%3A%22dataset%22");
    assert_eq!(none["count"], 0);
    let org = search("rows=1000&fq=%2Bdataset_type%3A%22bcdc_dataset%22+%2Borganization%3A(%22king-s-printer%22)");
    assert_eq!(org["count"], 1);
    assert_eq!(org["results"][0]["name"], "bc-laws-api");
    let recent = search("rows=1000&fq=%2Bdataset_type%3A%22bcdc_dataset%22+%2Bmetadata_modified%3A%5B2024-06-01T00%3A00%3A00.000Z+TO+*%5D");
    assert_eq!(recent["count"], 1);
    assert_eq!(
        recent["results"][0]["name"],
        "metadata-for-child-care-subsidy-e01"
    );
}

/// A second audit with the same cache lists ids and dates (`fl`), takes every record from
/// the cache and reports the same findings.
#[test]
fn a_second_audit_of_the_real_records_comes_from_the_cache() {
    for dir in portals() {
        let stand_in = StandIn::start(&dir);
        let run = || -> Value {
            let output = stand_in
                .command(&["audit", "--format", "json"])
                .output()
                .unwrap();
            serde_json::from_slice(&output.stdout).unwrap()
        };
        let first = run();
        let second = run();
        assert_eq!(first["records_from_cache"], 0);
        assert_eq!(second["records_from_cache"], first["records_checked"]);
        assert_eq!(findings(&second), findings(&first), "{}", dir.display());
    }
}

/// A real record pulled and left alone stands unchanged: `plan` has nothing to send, and
/// the editor's code lens says "Published · unchanged" (a lens offering to update what no
/// one changed would be a false finding of its own).
#[test]
fn a_pulled_real_record_is_unchanged_for_plan_and_the_code_lens() {
    for dir in portals() {
        let portal = Portal::load(&dir);
        if portal.dataset_type() != "bcdc_dataset" {
            continue;
        }
        let stand_in = StandIn::start(&dir);
        let files = tempfile::tempdir().unwrap();
        let mut paths = Vec::new();
        for record in portal.records.values() {
            let record_name = record["name"].as_str().unwrap();
            let path = files.path().join(format!("{record_name}.bcdc.yaml"));
            let output = stand_in
                .command(&["pull", record_name, "-o", path.to_str().unwrap()])
                .output()
                .unwrap();
            assert!(output.status.success(), "pull {record_name}");
            paths.push(path);
        }
        let output = stand_in
            .command(&["plan", files.path().to_str().unwrap()])
            .output()
            .unwrap();
        // a record holding what the API refuses (legacy JSON text) is `invalid`: true, and
        // reviewed in expected.json; none is to update, pull or in conflict
        let said = String::from_utf8_lossy(&output.stdout);
        let (unchanged, invalid) = (
            said.matches("= unchanged").count(),
            said.matches("x invalid").count(),
        );
        assert_eq!(unchanged + invalid, paths.len(), "{said}");
        assert!(unchanged > 0, "{said}");

        let home = stand_in.home.path().to_str().unwrap();
        let (mut lsp, _) = common::Lsp::start_with_env(
            serde_json::json!({}),
            serde_json::json!({"catalogue": stand_in.running.url}),
            &[
                ("XDG_CACHE_HOME", home),
                ("XDG_CONFIG_HOME", home),
                ("HOME", home),
            ],
        );
        for path in &paths {
            let uri = format!("file://{}", path.display());
            lsp.open(&uri, "yaml", &std::fs::read_to_string(path).unwrap());
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
            loop {
                let lenses = lsp.request(
                    "textDocument/codeLens",
                    serde_json::json!({"textDocument": {"uri": uri}}),
                );
                let titles: Vec<&str> = lenses
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|l| l["command"]["title"].as_str().unwrap())
                    .collect();
                if titles == ["Published · unchanged"] {
                    break;
                }
                assert!(
                    std::time::Instant::now() < deadline
                        && titles.iter().all(|t| t.contains("checking")),
                    "{}: {titles:?}",
                    path.display()
                );
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
        }
        lsp.shutdown();
    }
}

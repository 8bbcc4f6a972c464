//! Names the embedded schema for `bcdc-lsp --version`: its dataset type from
//! `schema/bcdc_dataset.json` and where it came from (upstream revision and
//! date) from the provenance table in `schema/README.md`, so the version text
//! follows the files instead of a copy kept by hand.

use std::fs;

const SCHEMA: &str = "schema/bcdc_dataset.json";
const PROVENANCE: &str = "schema/README.md";

fn main() {
    println!("cargo::rerun-if-changed={SCHEMA}");
    println!("cargo::rerun-if-changed={PROVENANCE}");
    let schema: serde_json::Value =
        serde_json::from_str(&read(SCHEMA)).unwrap_or_else(|e| panic!("{SCHEMA}: {e}"));
    let body = schema.get("result").unwrap_or(&schema);
    let dataset_type = body["dataset_type"]
        .as_str()
        .unwrap_or_else(|| panic!("{SCHEMA} has no dataset_type"));
    let readme = read(PROVENANCE);
    let (source, revision, date) = provenance(&readme).unwrap_or_else(|| {
        panic!(
            "{PROVENANCE}: the `bcdc_dataset.json` row must say where it came from as \
             \"`owner/repo:path` at commit `REV` (YYYY-MM-DD)\""
        )
    });
    println!(
        "cargo::rustc-env=BCDC_EMBEDDED_SCHEMA={dataset_type} from {source} {revision} ({date})"
    );
}

fn read(path: &str) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// (repository, revision, date) from the README row of `bcdc_dataset.json`:
/// "… `bcgov/ckanext-bcgov-schema:ckanext/…/bcdc_dataset.yaml` at commit `e6173da` (2025-01-14) …".
fn provenance(readme: &str) -> Option<(&str, &str, &str)> {
    let row = readme
        .lines()
        .find(|l| l.starts_with("| `bcdc_dataset.json` |"))?;
    let from = row.split("from `").nth(1)?;
    let repository = from.split([':', '`']).next()?;
    let at = from.split("at commit `").nth(1)?;
    let (revision, rest) = at.split_once('`')?;
    let date = rest.trim_start().strip_prefix('(')?.split(')').next()?;
    let is_date = date.len() == 10
        && date.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    is_date.then_some((repository, revision, date))
}

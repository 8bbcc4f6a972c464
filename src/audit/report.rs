//! The audit's one data model: every checked record with its problems, the counts by code,
//! field and organization, and what could not be fetched. The three formats render it.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::catalogue::host::Catalogue;
use crate::catalogue::search::Unfetched;
use crate::check::{check, unknown_keys, Severity};
use crate::record::pulled::pulled;
use crate::schema::{Enforcement, Schema};
use crate::syntax::{Document, Format};

/// The `by_org` key of records without an organization.
pub const NO_ORGANIZATION: &str = "(none)";

/// One problem of a record: a diagnostic of `check`, located by its pointer alone.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    /// RFC 6901 pointer in the record (`/resources/0/projection_name`).
    pub pointer: String,
    /// What the catalogue would do with the record as it is.
    pub enforcement: Enforcement,
}

/// One catalogue record and what `check` says about it.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditedRecord {
    pub id: String,
    pub name: String,
    /// Untrusted text from the catalogue (escaped by every renderer that needs it).
    pub title: String,
    /// The organization's name.
    pub org: Option<String>,
    /// The record's page on the catalogue.
    pub url: String,
    pub problems: Vec<Problem>,
}

impl AuditedRecord {
    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    /// Would the catalogue's API refuse an update of the record as it is?
    pub fn refused(&self) -> bool {
        self.problems
            .iter()
            .any(|p| p.severity == Severity::Error && p.enforcement == Enforcement::Refused)
    }

    fn count(&self, severity: Severity) -> usize {
        self.problems
            .iter()
            .filter(|p| p.severity == severity)
            .count()
    }

    pub fn org_or_none(&self) -> &str {
        self.org.as_deref().unwrap_or(NO_ORGANIZATION)
    }
}

/// A `package_search` (or `package_show`) dataset checked exactly as the file `pull`
/// writes for it; notes that are no problem are left out, and keys the catalogue's copy
/// holds but an update drops are said to be lost on the next update.
pub fn audit_record(
    package: &Map<String, Value>,
    schema: &Schema,
    catalogue: &Catalogue,
) -> AuditedRecord {
    let file = pulled(package, Format::Yaml, schema, catalogue);
    let doc = Document::parse(&file.text, Format::Yaml);
    let mut diagnostics = check(&doc, schema);
    unknown_keys::as_catalogue_copy(&mut diagnostics, schema);
    let problems = diagnostics
        .into_iter()
        .filter(|d| d.severity <= Severity::Warning)
        .map(|d| Problem {
            code: d.code.as_str(),
            severity: d.severity,
            message: d.message,
            pointer: d.pointer,
            enforcement: d.enforcement,
        })
        .collect();
    let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
    let org = org_of(package);
    let page = if file.name.is_empty() {
        &file.id
    } else {
        &file.name
    };
    AuditedRecord {
        url: catalogue.dataset_url(page),
        title: text(package.get("title")).unwrap_or_default(),
        id: file.id,
        name: file.name,
        org,
        problems,
    }
}

/// The organization's name of a dataset (its id when the dataset has no `organization`).
fn org_of(package: &Map<String, Value>) -> Option<String> {
    let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
    text(package.get("organization").and_then(|o| o.get("name")))
        .or_else(|| text(package.get("owner_org")))
}

/// A dataset's name (its id when it has none) and organization, as the report shows them.
pub fn name_and_org(package: &Map<String, Value>) -> (String, String) {
    let text = |key: &str| {
        package
            .get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    (
        text("name").or_else(|| text("id")).unwrap_or_default(),
        org_of(package).unwrap_or_else(|| NO_ORGANIZATION.to_string()),
    )
}

/// [`audit_record`] of every dataset, in order, on all cores (each dataset is checked on
/// its own, so the work splits evenly into one chunk per core).
pub fn audit_records(
    packages: &[Map<String, Value>],
    schema: &Schema,
    catalogue: &Catalogue,
) -> Vec<AuditedRecord> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = packages.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = packages
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|p| audit_record(p, schema, catalogue))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("checking does not panic"))
            .collect()
    })
}

/// Records and problems of one organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgCount {
    pub org: String,
    pub records: usize,
    pub with_errors: usize,
}

/// The audit of one catalogue.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// The catalogue's base URL.
    pub host: String,
    /// RFC 3339, UTC.
    pub checked_at: String,
    /// By name.
    pub records: Vec<AuditedRecord>,
    pub unfetched: Vec<Unfetched>,
    /// How many records came from the cache unchanged.
    pub from_cache: usize,
    /// Problems per code, most first.
    pub by_code: Vec<(String, usize)>,
    /// Problems per what the catalogue would do (`refused`, `form-only`, `dropped`), in
    /// that order, each present.
    pub by_enforcement: Vec<(String, usize)>,
    /// Problems per field (pointer without list indices), most first.
    pub by_field: Vec<(String, usize)>,
    /// By organization name.
    pub by_org: Vec<OrgCount>,
    /// The link check (`audit --links`), when asked for.
    pub links: Option<super::links::LinkReport>,
    /// Quality scores (`score::score_all`), when computed.
    pub scores: Option<super::score::Scores>,
    /// What changed since an earlier audit of the same scope.
    pub changes: Option<super::since::Changes>,
    /// Earlier audits of the same scope and this one, oldest first.
    pub trend: Vec<super::since::TrendPoint>,
    /// The schema's label of each field in `by_field` ([`Report::label_fields`]).
    pub field_labels: BTreeMap<String, String>,
    /// Of `records`, how many are CKAN drafts (`state: draft`, fetched with `include_drafts`).
    pub drafts: usize,
}

impl Report {
    pub fn new(
        host: String,
        checked_at: String,
        mut records: Vec<AuditedRecord>,
        unfetched: Vec<Unfetched>,
        from_cache: usize,
    ) -> Report {
        records.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)));
        let mut by_code: BTreeMap<String, usize> = BTreeMap::new();
        let mut by_field: BTreeMap<String, usize> = BTreeMap::new();
        let mut by_org: BTreeMap<String, OrgCount> = BTreeMap::new();
        let mut by_enforcement: Vec<(String, usize)> = [
            Enforcement::Refused,
            Enforcement::FormOnly,
            Enforcement::Dropped,
        ]
        .iter()
        .map(|e| (e.as_str().to_string(), 0))
        .collect();
        for record in &records {
            for problem in &record.problems {
                if let Some((_, n)) = by_enforcement
                    .iter_mut()
                    .find(|(e, _)| e == problem.enforcement.as_str())
                {
                    *n += 1;
                }
                *by_code.entry(problem.code.to_string()).or_default() += 1;
                *by_field.entry(field_of(&problem.pointer)).or_default() += 1;
            }
            let org = by_org
                .entry(record.org_or_none().to_string())
                .or_insert_with(|| OrgCount {
                    org: record.org_or_none().to_string(),
                    records: 0,
                    with_errors: 0,
                });
            org.records += 1;
            org.with_errors += usize::from(record.errors() > 0);
        }
        Report {
            host,
            checked_at,
            records,
            unfetched,
            from_cache,
            by_code: most_first(by_code),
            by_enforcement,
            by_field: most_first(by_field),
            by_org: by_org.into_values().collect(),
            links: None,
            scores: None,
            changes: None,
            trend: Vec::new(),
            field_labels: BTreeMap::new(),
            drafts: 0,
        }
    }

    /// Names the fields of `by_field` as the schema's form does ([`field_label`]).
    pub fn label_fields(&mut self, schema: &Schema) {
        self.field_labels = self
            .by_field
            .iter()
            .filter_map(|(field, _)| Some((field.clone(), field_label(schema, field)?)))
            .collect();
    }

    pub fn with_errors(&self) -> usize {
        self.records.iter().filter(|r| r.errors() > 0).count()
    }

    /// Records whose update the catalogue's API would refuse as they are (the rest of
    /// those with errors break only what its web form or policy asks).
    pub fn refused(&self) -> usize {
        self.records.iter().filter(|r| r.refused()).count()
    }

    /// Records with problems but no error.
    pub fn with_warnings_only(&self) -> usize {
        self.records
            .iter()
            .filter(|r| r.errors() == 0 && !r.problems.is_empty())
            .count()
    }

    pub fn clean(&self) -> usize {
        self.records
            .iter()
            .filter(|r| r.problems.is_empty())
            .count()
    }

    /// The exit status: 1 when a record has an error; otherwise 2 when something could not
    /// be fetched (the audit cannot say the catalogue is clean), else 0.
    pub fn exit_status(&self) -> u8 {
        if self.with_errors() > 0 {
            1
        } else if !self.unfetched.is_empty() {
            2
        } else {
            0
        }
    }

    /// The records with the most errors (then warnings), at most `n`, only those with problems.
    pub fn worst(&self, n: usize) -> Vec<&AuditedRecord> {
        let mut worst: Vec<&AuditedRecord> = self
            .records
            .iter()
            .filter(|r| !r.problems.is_empty())
            .collect();
        worst.sort_by(|a, b| {
            (b.errors(), b.warnings())
                .cmp(&(a.errors(), a.warnings()))
                .then_with(|| a.name.cmp(&b.name))
        });
        worst.truncate(n);
        worst
    }
}

fn most_first(counts: BTreeMap<String, usize>) -> Vec<(String, usize)> {
    let mut counts: Vec<(String, usize)> = counts.into_iter().collect();
    // stable: equal counts stay in name order
    counts.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    counts
}

/// A pointer with its list indices replaced by `*`: `/resources/*/projection_name`.
/// Problems of the whole record (syntax) have the pointer `/`.
pub fn field_of(pointer: &str) -> String {
    if pointer.is_empty() {
        return "/".into();
    }
    pointer
        .split('/')
        .map(|segment| {
            if !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit()) {
                "*"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The schema's label of a field pattern (`/resources/*/projection_name` → "Resource ›
/// Projection"), `None` for a key the schema does not have.
pub fn field_label(schema: &Schema, pattern: &str) -> Option<String> {
    let mut fields = &schema.dataset_fields;
    let mut labels: Vec<&str> = Vec::new();
    let mut segments = pattern.trim_start_matches('/').split('/').peekable();
    if segments.peek() == Some(&"resources") {
        segments.next();
        labels.push("Resource");
        fields = &schema.resource_fields;
    }
    for segment in segments {
        if segment == "*" {
            continue;
        }
        let field = fields.iter().find(|f| f.name == segment)?;
        labels.push(&field.label);
        fields = &field.subfields;
    }
    (!labels.is_empty()).then(|| labels.join(" › "))
}

/// Seconds since the Unix epoch as RFC 3339 UTC (`2026-12-02T07:10:33Z`).
pub fn rfc3339_utc(seconds: u64) -> String {
    let (days, rest) = (seconds / 86_400, seconds % 86_400);
    // civil_from_days (H. Hinnant), for days since 1970-01-01 ≥ 0
    let z = days as i64 + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use serde_json::json;

    /// The local CKAN's `package_show` capture: a record that checks clean.
    pub(crate) fn clean_package() -> Map<String, Value> {
        let capture: Value = serde_json::from_str(include_str!(
            "../../tests/catalogue_fixtures/30_package_show.json"
        ))
        .unwrap();
        capture["response"]["body"]["result"]
            .as_object()
            .unwrap()
            .clone()
    }

    /// The clean package renamed, in `org`, with `change` applied to it.
    pub(crate) fn package(
        name: &str,
        org: &str,
        change: impl FnOnce(&mut Map<String, Value>),
    ) -> Map<String, Value> {
        let mut p = clean_package();
        p.insert("id".into(), json!(format!("id-{name}")));
        p.insert("name".into(), json!(name));
        p.insert("title".into(), json!(format!("Title of {name}")));
        let org_id = p["owner_org"].clone();
        p.insert(
            "organization".into(),
            json!({"id": org_id, "name": org, "title": org}),
        );
        p.insert(
            "resources".into(),
            json!([
                {"name": "Samples (CSV)", "url": "https://example.invalid/samples.csv",
                 "bcdc_type": "document", "resource_update_cycle": "monthly", "format": "csv",
                 "resource_storage_location": "web or ftp site", "resource_type": "data",
                 "resource_access_method": "direct access"},
                {"name": "Samples API", "url": "https://example.invalid/api",
                 "bcdc_type": "webservice", "resource_update_cycle": "continual",
                 "format": "json", "resource_storage_location": "web or ftp site",
                 "resource_type": "data", "resource_access_method": "service",
                 "projection_name": "epsg3005"}
            ]),
        );
        change(&mut p);
        p
    }

    pub(crate) fn sample_report() -> Report {
        let schema = Schema::embedded();
        let catalogue = Catalogue::parse("http://127.0.0.1:5000").unwrap();
        let packages = [
            package("clean-one", "org-a", |_| {}),
            package("bad-projection", "org-a", |p| {
                p["resources"][1]["projection_name"] = json!("epsg9999");
            }),
            package("bad-email", "org-b", |p| {
                p["contacts"][0]["email"] = json!("not an email");
                p["resources"][0]["projection_name"] = json!("epsg1");
            }),
            package("odd-title", "org-b", |p| {
                p.insert("title".into(), json!("<script>alert(1)</script> & \"q\""));
                p.insert("surprise".into(), json!("an unknown key"));
            }),
        ];
        let records = audit_records(&packages, &schema, &catalogue);
        assert_eq!(
            records,
            packages
                .iter()
                .map(|p| audit_record(p, &schema, &catalogue))
                .collect::<Vec<_>>()
        );
        Report::new(
            catalogue.base_url().to_string(),
            rfc3339_utc(1_796_000_000),
            records,
            vec![Unfetched {
                what: "records 1001–2000 of 2400".into(),
                reason: "the catalogue failed (HTTP 500)".into(),
            }],
            1,
        )
    }

    #[test]
    fn a_record_is_refused_only_for_what_the_api_refuses() {
        let schema = Schema::embedded();
        let catalogue = Catalogue::parse("http://127.0.0.1:5000").unwrap();
        let form_only = package("no-keywords", "org-a", |p| {
            p.remove("tags");
        });
        let refused = package("secret", "org-a", |p| {
            p.insert("security_class".into(), json!("SECRET"));
        });
        let form_only = audit_record(&form_only, &schema, &catalogue);
        let refused = audit_record(&refused, &schema, &catalogue);
        assert_eq!(form_only.errors(), 1);
        assert!(!form_only.refused());
        assert!(refused.refused());
        let report = Report::new(
            String::new(),
            String::new(),
            vec![form_only, refused],
            vec![],
            0,
        );
        assert_eq!((report.with_errors(), report.refused()), (2, 1));
        assert_eq!(
            report.by_enforcement,
            [
                ("refused".to_string(), 1),
                ("form-only".into(), 1),
                ("dropped".into(), 0)
            ]
        );
    }

    #[test]
    fn counts_by_code_field_and_organization() {
        let report = sample_report();
        let names: Vec<&str> = report.records.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(
            names,
            ["bad-email", "bad-projection", "clean-one", "odd-title"]
        );
        let problems = |name: &str| -> Vec<(String, &str)> {
            let record = report.records.iter().find(|r| r.name == name).unwrap();
            record
                .problems
                .iter()
                .map(|p| (p.pointer.clone(), p.code))
                .collect()
        };
        assert_eq!(problems("clean-one"), []);
        assert_eq!(
            problems("bad-projection"),
            [("/resources/1/projection_name".to_string(), "invalid-choice")]
        );
        assert_eq!(
            problems("bad-email"),
            [
                ("/contacts/0/email".to_string(), "invalid-format"),
                ("/resources/0/projection_name".to_string(), "invalid-choice")
            ]
        );
        assert_eq!(
            problems("odd-title"),
            [("/surprise".to_string(), "unknown-field")]
        );
        assert_eq!(
            report.by_code,
            [
                ("invalid-choice".to_string(), 2),
                ("invalid-format".to_string(), 1),
                ("unknown-field".to_string(), 1)
            ]
        );
        assert_eq!(
            report.by_field,
            [
                ("/resources/*/projection_name".to_string(), 2),
                ("/contacts/*/email".to_string(), 1),
                ("/surprise".to_string(), 1)
            ]
        );
        assert_eq!(
            report.by_org,
            [
                OrgCount {
                    org: "org-a".into(),
                    records: 2,
                    with_errors: 1
                },
                OrgCount {
                    org: "org-b".into(),
                    records: 2,
                    with_errors: 1
                }
            ]
        );
        assert_eq!(
            (
                report.with_errors(),
                report.with_warnings_only(),
                report.clean()
            ),
            (2, 1, 1)
        );
        let worst: Vec<&str> = report.worst(2).iter().map(|r| r.name.as_str()).collect();
        assert_eq!(worst, ["bad-email", "bad-projection"]);
        assert_eq!(
            report.records[0].url,
            "http://127.0.0.1:5000/dataset/bad-email"
        );
    }

    #[test]
    fn exit_status_says_errors_then_incomplete() {
        let mut report = sample_report();
        assert_eq!(report.exit_status(), 1);
        report.records.retain(|r| r.errors() == 0);
        assert_eq!(report.exit_status(), 2);
        report.unfetched.clear();
        assert_eq!(report.exit_status(), 0);
    }

    #[test]
    fn ckan_own_keys_are_no_problem_and_a_dropped_key_is_lost_on_the_next_update() {
        let schema = Schema::embedded();
        let catalogue = Catalogue::parse("http://127.0.0.1:5000").unwrap();
        let p = package("production-shaped", "org-a", |p| {
            p.insert("author".into(), json!("0a1b2c3d-user-id"));
            p.insert("groups".into(), json!([{"name": "environment"}]));
            p.insert("bcdc_type".into(), json!("geographic"));
            p["resources"][0]["ofi"] = json!(true);
            // a misspelt field is a note in a file, no problem in the audit
            p["resources"][0]["descripton"] = json!("typo");
        });
        let record = audit_record(&p, &schema, &catalogue);
        assert_eq!(record.problems.len(), 1, "{:?}", record.problems);
        assert_eq!(record.problems[0].pointer, "/bcdc_type");
        assert!(
            record.problems[0]
                .message
                .contains("in the catalogue's copy")
                && record.problems[0].message.contains("next update"),
            "{}",
            record.problems[0].message
        );
    }

    #[test]
    fn a_malformed_dataset_is_checked_without_panicking() {
        let schema = Schema::embedded();
        let catalogue = Catalogue::parse("http://127.0.0.1:5000").unwrap();
        let odd = json!({"id": "x", "resources": "not a list", "contacts": [1, null], "title": 5});
        let record = audit_record(odd.as_object().unwrap(), &schema, &catalogue);
        assert_eq!(record.url, "http://127.0.0.1:5000/dataset/x");
        assert!(record.errors() > 0);
    }

    #[test]
    fn field_and_time_formats() {
        assert_eq!(
            field_of("/resources/12/details/0/column_name"),
            "/resources/*/details/*/column_name"
        );
        assert_eq!(field_of(""), "/");
        let schema = Schema::embedded();
        assert_eq!(
            field_label(&schema, "/resources/*/projection_name").as_deref(),
            Some("Resource › Spatial Reference System")
        );
        assert_eq!(
            field_label(&schema, "/contacts/*/email").as_deref(),
            Some("Contacts › Email")
        );
        assert_eq!(field_label(&schema, "/surprise"), None);
        assert_eq!(rfc3339_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339_utc(1_796_000_000), "2026-11-30T00:53:20Z");
        assert_eq!(rfc3339_utc(951_782_400), "2000-02-29T00:00:00Z");
    }
}

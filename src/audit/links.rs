//! Links for `audit --links`, pure: which fields of a schema hold URLs, the links of a
//! dataset, and what a link's history of checks says. A link is broken only after it
//! failed in [`CONFIRM_CHECKS`] checks at least [`CHECK_SPACING`] apart (as dead-link
//! checkers do: a server down for an hour is not a dead link); until then it is failing.
//! The checking is `catalogue::links`, the history file `catalogue::cache`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::catalogue::links::{LinkFailure, LinkResult};
use crate::schema::{Field, FieldKind, Schema};

/// Failed checks, each at least [`CHECK_SPACING`] after the one before, that make a link broken.
pub const CONFIRM_CHECKS: usize = 3;
/// "A day apart", with slack so that a daily audit that starts a little early still counts.
pub const CHECK_SPACING: u64 = 20 * 3600;
/// A result younger than this is reused instead of asking the server again.
pub const RECHECK_AFTER: u64 = CHECK_SPACING;

/// Whether a field holds a URL, from the schema alone: ckanext-scheming's
/// `resource_url_upload` preset, CKAN's `url_validator`, or a name that says so (`url`,
/// `*_url`, `url_*`, `link_to_*`).
pub fn is_url_field(field: &Field) -> bool {
    let name = field.name.as_str();
    field.preset.as_deref() == Some("resource_url_upload")
        || field.validators.iter().any(|v| v == "url_validator")
        || (matches!(field.kind, FieldKind::Text)
            && (name == "url"
                || name.ends_with("_url")
                || name.starts_with("url_")
                || name.starts_with("link_to_")))
}

/// A URL in a dataset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// Where it is: `/resources/0/url`, `/more_info/1/url`.
    pub pointer: String,
    /// The field's label with its key: `Resource URL (url)`.
    pub field: String,
    /// The resource's name, for links of a resource.
    pub resource: Option<String>,
    pub url: String,
}

/// Every non-empty URL of a dataset (as `package_search` returns it) in the schema's URL
/// fields, dataset fields first, then each resource's.
pub fn links_of(package: &Map<String, Value>, schema: &Schema) -> Vec<Link> {
    let mut links = Vec::new();
    collect(package, &schema.dataset_fields, "", None, &mut links);
    if let Some(resources) = package.get("resources").and_then(Value::as_array) {
        for (i, resource) in resources.iter().enumerate() {
            let Some(resource) = resource.as_object() else {
                continue;
            };
            let name = resource
                .get("name")
                .and_then(Value::as_str)
                .filter(|n| !n.trim().is_empty())
                .map_or_else(|| format!("resource {}", i + 1), str::to_string);
            collect(
                resource,
                &schema.resource_fields,
                &format!("/resources/{i}"),
                Some(&name),
                &mut links,
            );
        }
    }
    links
}

fn collect(
    object: &Map<String, Value>,
    fields: &[Field],
    at: &str,
    resource: Option<&str>,
    links: &mut Vec<Link>,
) {
    for field in fields {
        let Some(value) = object.get(&field.name) else {
            continue;
        };
        let pointer = format!("{at}/{}", field.name);
        if field.kind == FieldKind::Repeating {
            // a list stored as JSON text (as some harvesters leave it) is read as the list
            let decoded = value.as_str().and_then(|t| serde_json::from_str(t).ok());
            let value = decoded.as_ref().unwrap_or(value);
            let entries: Vec<(String, &Map<String, Value>)> = match value {
                Value::Array(items) => items
                    .iter()
                    .enumerate()
                    .filter_map(|(i, e)| Some((format!("{pointer}/{i}"), e.as_object()?)))
                    .collect(),
                Value::Object(entry) => vec![(pointer.clone(), entry)],
                _ => Vec::new(),
            };
            for (entry_at, entry) in entries {
                collect(entry, &field.subfields, &entry_at, resource, links);
            }
        } else if is_url_field(field) {
            if let Some(url) = value.as_str().map(str::trim).filter(|u| !u.is_empty()) {
                links.push(Link {
                    pointer,
                    field: labelled(field),
                    resource: resource.map(str::to_string),
                    url: url.to_string(),
                });
            }
        }
    }
}

/// "Resource URL (url)", or the key alone when the label is the key.
pub fn labelled(field: &Field) -> String {
    if field.label.eq_ignore_ascii_case(&field.name) {
        field.name.clone()
    } else {
        format!("{} ({})", field.label, field.name)
    }
}

/// Whether a URL is one the checker requests (http and https; `ftp:` and the like are not
/// checked and never reported).
pub fn is_checkable(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// What the checks of one URL so far say, kept between audits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkHistory {
    /// Seconds since the Unix epoch of the last check.
    pub checked_at: u64,
    pub last: LinkResult,
    /// The first failed check of the current run of failures.
    pub failing_since: Option<u64>,
    /// The failed checks that count (each [`CHECK_SPACING`] after the one before).
    pub counted_failures: Vec<u64>,
}

impl LinkHistory {
    /// The history after a check at `now` found `result`. A success forgets the failures.
    pub fn after(previous: Option<&LinkHistory>, result: LinkResult, now: u64) -> LinkHistory {
        let failing = previous.filter(|p| p.failing_since.is_some());
        match result {
            LinkResult::Alive(_) => LinkHistory {
                checked_at: now,
                last: result,
                failing_since: None,
                counted_failures: Vec::new(),
            },
            LinkResult::Failed(ref failure) => {
                let mut counted = failing.map_or_else(Vec::new, |p| p.counted_failures.clone());
                // "too many requests" says the server is there: it never makes a link broken
                let counts = *failure != LinkFailure::Status(429);
                if counts
                    && counted
                        .last()
                        .is_none_or(|last| now.saturating_sub(*last) >= CHECK_SPACING)
                {
                    counted.push(now);
                }
                LinkHistory {
                    checked_at: now,
                    last: result,
                    failing_since: Some(failing.and_then(|p| p.failing_since).unwrap_or(now)),
                    counted_failures: counted,
                }
            }
        }
    }

    /// Whether this result is recent enough to stand for a check at `now`.
    pub fn is_fresh(&self, now: u64) -> bool {
        now.saturating_sub(self.checked_at) < RECHECK_AFTER
    }

    /// The verdict: with `at_once` (`--links=now`) any failure is broken.
    pub fn status(&self, at_once: bool) -> LinkStatus {
        let LinkResult::Failed(failure) = &self.last else {
            return LinkStatus::Alive;
        };
        let since = self.failing_since.unwrap_or(self.checked_at);
        let checks = self.counted_failures.len().max(1);
        if at_once || checks >= CONFIRM_CHECKS {
            LinkStatus::Broken {
                since,
                failure: failure.clone(),
            }
        } else {
            LinkStatus::Failing {
                since,
                checks,
                failure: failure.clone(),
            }
        }
    }
}

/// A link's verdict in a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkStatus {
    Alive,
    /// Failed, but not yet in [`CONFIRM_CHECKS`] checks a day apart.
    Failing {
        since: u64,
        checks: usize,
        failure: LinkFailure,
    },
    Broken {
        since: u64,
        failure: LinkFailure,
    },
}

impl LinkStatus {
    /// `broken: 404 Not Found (failing since 2026-12-01)`, `failing since 2026-12-03, 2 of 3
    /// checks: timeout`.
    pub fn describe(&self) -> String {
        let day = |t: &u64| super::report::rfc3339_utc(*t)[..10].to_string();
        match self {
            LinkStatus::Alive => "alive".into(),
            LinkStatus::Failing {
                since,
                checks,
                failure,
            } => format!(
                "failing since {}, {checks} of {CONFIRM_CHECKS} checks: {}",
                day(since),
                failure.reason()
            ),
            LinkStatus::Broken { since, failure } => {
                format!(
                    "broken: {} (failing since {})",
                    failure.reason(),
                    day(since)
                )
            }
        }
    }

    pub fn is_broken(&self) -> bool {
        matches!(self, LinkStatus::Broken { .. })
    }
}

/// A link of a record that is not alive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkFinding {
    pub record: String,
    /// The record's page on the catalogue.
    pub record_url: String,
    pub org: String,
    pub link: Link,
    pub status: LinkStatus,
}

/// What `audit --links` found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LinkReport {
    /// Distinct http(s) URLs in the records.
    pub urls: usize,
    /// Of those, asked again in this audit (the others had a result younger than a day).
    pub requested: usize,
    /// Links (a URL in a record's field) that are broken, and that are failing.
    pub broken: usize,
    pub failing: usize,
    /// Links that are not http(s) and so were not checked (`ftp:`, typos).
    pub not_checked: usize,
    /// Any failure counts at once (`--links=now`).
    pub at_once: bool,
    /// Broken and failing links, by organization, record and pointer.
    pub findings: Vec<LinkFinding>,
}

/// The link findings of a set of datasets, from the histories of their URLs (a URL without a
/// history was not checked and is left out).
pub fn link_report(
    packages: &[Map<String, Value>],
    schema: &Schema,
    catalogue: &crate::catalogue::Catalogue,
    histories: &std::collections::HashMap<String, LinkHistory>,
    requested: usize,
    at_once: bool,
) -> LinkReport {
    let mut report = LinkReport {
        requested,
        at_once,
        ..LinkReport::default()
    };
    let mut urls = std::collections::HashSet::new();
    for package in packages {
        let (name, org) = super::report::name_and_org(package);
        for link in links_of(package, schema) {
            if !is_checkable(&link.url) {
                report.not_checked += 1;
                continue;
            }
            urls.insert(link.url.clone());
            let Some(history) = histories.get(&link.url) else {
                continue;
            };
            let status = history.status(at_once);
            match status {
                LinkStatus::Alive => continue,
                LinkStatus::Broken { .. } => report.broken += 1,
                LinkStatus::Failing { .. } => report.failing += 1,
            }
            report.findings.push(LinkFinding {
                record: name.clone(),
                record_url: catalogue.dataset_url(&name),
                org: org.clone(),
                link,
                status,
            });
        }
    }
    report.urls = urls.len();
    report.findings.sort_by(|a, b| {
        (&a.org, &a.record, &a.link.pointer).cmp(&(&b.org, &b.record, &b.link.pointer))
    });
    report
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const DAY: u64 = 86_400;

    #[test]
    fn url_fields_come_from_the_schema() {
        let schema = Schema::embedded();
        let urls = |fields: &[Field]| -> Vec<String> {
            let mut names = Vec::new();
            for f in fields {
                if is_url_field(f) {
                    names.push(f.name.clone());
                }
                for s in &f.subfields {
                    if is_url_field(s) {
                        names.push(format!("{}.{}", f.name, s.name));
                    }
                }
            }
            names
        };
        assert_eq!(
            urls(&schema.dataset_fields),
            ["support_url", "more_info.url"]
        );
        assert_eq!(
            urls(&schema.resource_fields),
            [
                "url",
                "preview_info.preview_map_service_url",
                "preview_info.preview_image_url",
                "preview_info.link_to_imap"
            ]
        );
    }

    #[test]
    fn links_of_a_dataset_with_json_text_lists() {
        let schema = Schema::embedded();
        let package = json!({
            "more_info": "[{\"description\": \"x\", \"url\": \"https://a.example/info\"}]",
            "support_url": "  ",
            "resources": [
                {"name": "CSV", "url": "https://a.example/x.csv",
                 "preview_info": {"preview_map_service_url": "https://maps.example/wms"}},
                {"url": "ftp://old.example/x"}
            ]
        });
        let links = links_of(package.as_object().unwrap(), &schema);
        let found: Vec<(&str, &str, Option<&str>)> = links
            .iter()
            .map(|l| (l.pointer.as_str(), l.url.as_str(), l.resource.as_deref()))
            .collect();
        assert_eq!(
            found,
            [
                ("/more_info/0/url", "https://a.example/info", None),
                ("/resources/0/url", "https://a.example/x.csv", Some("CSV")),
                (
                    "/resources/0/preview_info/preview_map_service_url",
                    "https://maps.example/wms",
                    Some("CSV")
                ),
                (
                    "/resources/1/url",
                    "ftp://old.example/x",
                    Some("resource 2")
                ),
            ]
        );
        assert!(!is_checkable(&links[3].url));
    }

    #[test]
    fn broken_after_three_failures_a_day_apart() {
        let fail = || LinkResult::Failed(LinkFailure::Status(404));
        let t0 = 1_796_000_000;
        let h1 = LinkHistory::after(None, fail(), t0);
        assert!(matches!(
            h1.status(false),
            LinkStatus::Failing { checks: 1, .. }
        ));
        assert!(h1.status(true).is_broken());
        // an hour later: does not count
        let h2 = LinkHistory::after(Some(&h1), fail(), t0 + 3600);
        assert_eq!(h2.counted_failures, [t0]);
        let h3 = LinkHistory::after(Some(&h2), fail(), t0 + DAY);
        assert_eq!(
            h3.status(false).describe(),
            "failing since 2026-11-30, 2 of 3 checks: 404 Not Found"
        );
        let h4 = LinkHistory::after(Some(&h3), fail(), t0 + 2 * DAY);
        assert_eq!(
            h4.status(false),
            LinkStatus::Broken {
                since: t0,
                failure: LinkFailure::Status(404)
            }
        );
        // a server that only ever says "too many requests" is not broken
        let busy = LinkResult::Failed(LinkFailure::Status(429));
        let mut b = LinkHistory::after(None, busy.clone(), t0);
        for day in 1..5 {
            b = LinkHistory::after(Some(&b), busy.clone(), t0 + day * DAY);
        }
        assert!(matches!(b.status(false), LinkStatus::Failing { .. }));
        // back: forgotten
        let h5 = LinkHistory::after(Some(&h4), LinkResult::Alive(200), t0 + 3 * DAY);
        assert_eq!(h5.status(false), LinkStatus::Alive);
        let h6 = LinkHistory::after(Some(&h5), fail(), t0 + 4 * DAY);
        assert_eq!(h6.failing_since, Some(t0 + 4 * DAY));
        assert!(h6.is_fresh(t0 + 4 * DAY + 3600));
        assert!(!h6.is_fresh(t0 + 5 * DAY));
    }

    #[test]
    fn report_by_organization_in_every_format() {
        use crate::audit::report::tests::{package, sample_report};
        use crate::catalogue::Catalogue;
        let schema = Schema::embedded();
        let catalogue = Catalogue::parse("http://127.0.0.1:5000").unwrap();
        let packages = [
            package("b-record", "org-b", |_| {}),
            package("a-record", "org-a", |p| {
                p["resources"][1]["url"] = json!("ftp://old.example/x");
            }),
        ];
        let t0 = 1_796_000_000;
        let mut histories = std::collections::HashMap::new();
        let failed = LinkResult::Failed(LinkFailure::Status(404));
        let mut h = None;
        for day in 0..3 {
            h = Some(LinkHistory::after(
                h.as_ref(),
                failed.clone(),
                t0 + day * DAY,
            ));
        }
        histories.insert(
            "https://example.invalid/samples.csv".to_string(),
            h.unwrap(),
        );
        histories.insert(
            "https://example.invalid/api".to_string(),
            LinkHistory::after(None, LinkResult::Failed(LinkFailure::Timeout), t0),
        );
        let links = link_report(&packages, &schema, &catalogue, &histories, 2, false);
        assert_eq!(
            (links.urls, links.broken, links.failing, links.not_checked),
            (3, 2, 1, 1)
        );
        let found: Vec<(&str, &str, bool)> = links
            .findings
            .iter()
            .map(|f| {
                (
                    f.org.as_str(),
                    f.link.pointer.as_str(),
                    f.status.is_broken(),
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                ("org-a", "/resources/0/url", true),
                ("org-b", "/resources/0/url", true),
                ("org-b", "/resources/1/url", false)
            ]
        );
        let mut report = sample_report();
        report.links = Some(links);
        let text = crate::audit::human::render(&report);
        assert!(text.contains(
            "\nLinks: 3 URLs (2 checked now, the others within the last day): 2 broken, 1 failing \
             (broken after 3 failed checks a day apart)\n  org-a:\n    a-record, resource \
             \"Samples (CSV)\" Resource (url): https://example.invalid/samples.csv\n      \
             broken: 404 Not Found (failing since 2026-11-30)\n"
        ), "{text}");
        let value = crate::audit::json::render(&report);
        assert_eq!(value["links"]["findings"][2]["status"], "failing");
        assert_eq!(value["links"]["findings"][2]["reason"], "timeout");
        assert_eq!(value["links"]["findings"][2]["failed_checks"], 1);
        let html = crate::audit::html::render(&report);
        assert_eq!(html.matches("<tr data-org=\"org-b\" class=\"").count(), 2);
    }
}

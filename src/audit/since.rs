//! What changed since an earlier audit: problems new, fixed and still there, per record
//! and per organization, and the score and problem counts over time. Pure: the earlier
//! reports come in as their JSON (the interface of `json.rs`, as kept per host by the CLI
//! or named with `--since`).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::report::Report;

/// A problem as compared between audits: the record (by id), the code and the pointer.
type Key = (String, String, String);

/// A problem that appeared or went away.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changed {
    pub record: String,
    pub org: String,
    pub code: String,
    pub pointer: String,
    pub message: String,
}

/// New, fixed and still-there problems of one organization.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrgChanges {
    pub new: usize,
    pub fixed: usize,
    pub still: usize,
}

/// The comparison with one earlier report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changes {
    /// When the earlier audit ran.
    pub since: String,
    /// Problems now that the earlier report did not have, by organization, record, pointer.
    pub new: Vec<Changed>,
    /// Problems of the earlier report that are gone (records deleted since included).
    pub fixed: Vec<Changed>,
    pub still: usize,
    pub by_org: BTreeMap<String, OrgChanges>,
}

/// Compares `report` with an earlier report's JSON. `None` when it is not an audit report.
pub fn compare(report: &Report, earlier: &Value) -> Option<Changes> {
    let since = earlier.get("checked_at")?.as_str()?.to_string();
    let mut before: BTreeMap<Key, Changed> = BTreeMap::new();
    for record in earlier.get("records")?.as_array()? {
        let text = |key: &str| record.get(key).and_then(Value::as_str).unwrap_or_default();
        let org = record
            .get("org")
            .and_then(Value::as_str)
            .unwrap_or(super::report::NO_ORGANIZATION);
        for d in record
            .get("diagnostics")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let field = |key: &str| d.get(key).and_then(Value::as_str).unwrap_or_default();
            before.insert(
                (
                    text("id").to_string(),
                    field("code").to_string(),
                    field("pointer").to_string(),
                ),
                Changed {
                    record: text("name").to_string(),
                    org: org.to_string(),
                    code: field("code").to_string(),
                    pointer: field("pointer").to_string(),
                    message: field("message").to_string(),
                },
            );
        }
    }
    let mut now: BTreeSet<Key> = BTreeSet::new();
    let mut changes = Changes {
        since,
        new: Vec::new(),
        fixed: Vec::new(),
        still: 0,
        by_org: BTreeMap::new(),
    };
    for record in &report.records {
        for p in &record.problems {
            let key = (record.id.clone(), p.code.to_string(), p.pointer.clone());
            let org = changes
                .by_org
                .entry(record.org_or_none().to_string())
                .or_default();
            if before.contains_key(&key) {
                org.still += 1;
                changes.still += 1;
            } else {
                org.new += 1;
                changes.new.push(Changed {
                    record: record.name.clone(),
                    org: record.org_or_none().to_string(),
                    code: p.code.to_string(),
                    pointer: p.pointer.clone(),
                    message: p.message.clone(),
                });
            }
            now.insert(key);
        }
    }
    for (key, changed) in before {
        if !now.contains(&key) {
            changes.by_org.entry(changed.org.clone()).or_default().fixed += 1;
            changes.fixed.push(changed);
        }
    }
    let order = |a: &Changed, b: &Changed| {
        (&a.org, &a.record, &a.pointer, &a.code).cmp(&(&b.org, &b.record, &b.pointer, &b.code))
    };
    changes.new.sort_by(order);
    changes.fixed.sort_by(order);
    Some(changes)
}

/// One audit on the chart.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendPoint {
    pub checked_at: String,
    /// The catalogue's score, when the report has one.
    pub score: Option<f64>,
    pub problems: usize,
}

/// A report's point on the chart, from its JSON.
pub fn trend_point(report: &Value) -> Option<TrendPoint> {
    Some(TrendPoint {
        checked_at: report.get("checked_at")?.as_str()?.to_string(),
        score: report
            .get("scores")
            .and_then(|s| s.get("catalogue"))
            .and_then(Value::as_f64),
        problems: report
            .get("by_code")?
            .as_object()?
            .values()
            .filter_map(Value::as_u64)
            .sum::<u64>() as usize,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::json;
    use crate::audit::report::tests::sample_report;

    #[test]
    fn new_fixed_and_still_there_per_organization() {
        let before = sample_report();
        let mut earlier = json::render(&before);
        earlier["checked_at"] = "2026-11-01T00:00:00Z".into();
        let mut now = sample_report();
        // bad-email's contact is fixed; odd-title gets a new problem
        let email = now
            .records
            .iter_mut()
            .find(|r| r.name == "bad-email")
            .unwrap();
        email.problems.retain(|p| p.pointer != "/contacts/0/email");
        let odd = now
            .records
            .iter_mut()
            .find(|r| r.name == "odd-title")
            .unwrap();
        let mut extra = odd.problems[0].clone();
        extra.pointer = "/another".into();
        odd.problems.push(extra);
        let changes = compare(&now, &earlier).unwrap();
        assert_eq!(changes.since, "2026-11-01T00:00:00Z");
        let list = |c: &[Changed]| -> Vec<(String, String)> {
            c.iter()
                .map(|c| (c.record.clone(), c.pointer.clone()))
                .collect()
        };
        assert_eq!(
            list(&changes.new),
            [("odd-title".into(), "/another".into())]
        );
        assert_eq!(
            list(&changes.fixed),
            [("bad-email".into(), "/contacts/0/email".into())]
        );
        assert_eq!(changes.still, 3);
        assert_eq!(
            changes.by_org["org-b"],
            OrgChanges {
                new: 1,
                fixed: 1,
                still: 2
            }
        );
        assert_eq!(compare(&now, &serde_json::json!({"x": 1})), None);
        let point = trend_point(&earlier).unwrap();
        assert_eq!((point.problems, point.score), (4, None));
    }

    #[test]
    fn changes_and_trend_in_every_format() {
        let mut report = sample_report();
        let mut earlier = json::render(&report);
        earlier["checked_at"] = "2026-11-01T00:00:00Z".into();
        earlier["records"][0]["diagnostics"]
            .as_array_mut()
            .unwrap()
            .push(
                serde_json::json!({"code": "unknown-field", "pointer": "/gone",
                                     "message": "m", "severity": "error"}),
            );
        report.changes = compare(&report, &earlier);
        report.trend = vec![
            TrendPoint {
                checked_at: "2026-11-01T00:00:00Z".into(),
                score: Some(60.0),
                problems: 5,
            },
            TrendPoint {
                checked_at: report.checked_at.clone(),
                score: Some(72.5),
                problems: 4,
            },
        ];
        let text = crate::audit::human::render(&report);
        assert!(text.contains(
            "\nSince the audit of 2026-11-01T00:00:00Z: 0 new problems, 1 fixed, 4 still there\n  \
             by organization (new / fixed / still there):\n    0 / 1 / 3  org-b\n  fixed:\n    \
             bad-email [unknown-field] /gone\n"
        ), "{text}");
        let value = json::render(&report);
        assert_eq!(value["changes"]["fixed_problems"][0]["pointer"], "/gone");
        assert_eq!(value["changes"]["by_org"]["org-b"]["fixed"], 1);
        let html = crate::audit::html::render(&report);
        assert!(html.contains("<strong>1 fixed</strong>"));
        assert!(
            html.contains(
                "aria-label=\"Quality score over 2 audits: 60 on 2026-11-01 and 72 on 2026-11-30\""
            ),
            "{html}"
        );
        assert_eq!(html.matches("<svg ").count(), 2);
    }
}

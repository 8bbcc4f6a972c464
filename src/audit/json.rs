//! The JSON report: one object, a stable interface (documented in README.md, "For
//! administrators"). Diagnostics are those of `check --format json` without the range.

use serde_json::{json, Map, Value};

use super::links::{LinkReport, LinkStatus};
use super::report::{rfc3339_utc, Report};
use super::score::Scores;
use super::since::{Changed, Changes};

pub fn render(report: &Report) -> Value {
    let counts = |counts: &[(String, usize)]| -> Map<String, Value> {
        counts.iter().map(|(k, n)| (k.clone(), json!(n))).collect()
    };
    let by_org: Map<String, Value> = report
        .by_org
        .iter()
        .map(|o| {
            (
                o.org.clone(),
                json!({"records": o.records, "with_errors": o.with_errors}),
            )
        })
        .collect();
    let records: Vec<Value> = report
        .records
        .iter()
        .map(|r| {
            let diagnostics: Vec<Value> = r
                .problems
                .iter()
                .map(|p| {
                    json!({
                        "code": p.code,
                        "severity": p.severity.as_str(),
                        "message": p.message,
                        "pointer": p.pointer,
                        "enforcement": p.enforcement.as_str(),
                    })
                })
                .collect();
            json!({
                "id": r.id,
                "name": r.name,
                "title": r.title,
                "org": r.org,
                "url": r.url,
                "diagnostics": diagnostics,
            })
        })
        .collect();
    let unfetched: Vec<Value> = report
        .unfetched
        .iter()
        .map(|u| json!({"what": u.what, "reason": u.reason}))
        .collect();
    let mut out = json!({
        "host": report.host,
        "checked_at": report.checked_at,
        "records_checked": report.records.len(),
        "records_with_errors": report.with_errors(),
        "records_refused": report.refused(),
        "records_with_warnings": report.with_warnings_only(),
        "records_clean": report.clean(),
        "records_from_cache": report.from_cache,
        "by_code": counts(&report.by_code),
        "by_enforcement": counts(&report.by_enforcement),
        "by_field": counts(&report.by_field),
        "by_org": by_org,
        "records": records,
        "unfetched": unfetched,
    });
    if let Some(links) = &report.links {
        out["links"] = links_json(links);
    }
    if let Some(scores) = &report.scores {
        out["scores"] = scores_json(scores);
    }
    out["records_drafts"] = json!(report.drafts);
    if !report.field_labels.is_empty() {
        out["field_labels"] = json!(report.field_labels);
    }
    if let Some(changes) = &report.changes {
        out["changes"] = changes_json(changes);
    }
    out
}

fn changes_json(changes: &Changes) -> Value {
    let list = |list: &[Changed]| -> Vec<Value> {
        list.iter()
            .map(|c| {
                json!({"record": c.record, "org": c.org, "code": c.code, "pointer": c.pointer,
                       "message": c.message})
            })
            .collect()
    };
    json!({
        "since": changes.since,
        "new": changes.new.len(),
        "fixed": changes.fixed.len(),
        "still": changes.still,
        "by_org": changes
            .by_org
            .iter()
            .map(|(org, c)| (org.clone(), json!({"new": c.new, "fixed": c.fixed, "still": c.still})))
            .collect::<Map<String, Value>>(),
        "new_problems": list(&changes.new),
        "fixed_problems": list(&changes.fixed),
    })
}

/// Scores rounded to one decimal: what a person reads, stable across runs.
fn round(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn scores_json(scores: &Scores) -> Value {
    json!({
        "catalogue": round(scores.portal),
        "dimensions": scores
            .dimensions
            .iter()
            .map(|(d, s)| (d.to_string(), json!(round(*s))))
            .collect::<Map<String, Value>>(),
        "by_org": scores
            .by_org
            .iter()
            .map(|(org, s, n)| json!({"org": org, "score": round(*s), "records": n}))
            .collect::<Vec<_>>(),
        "fixes": scores
            .fixes
            .iter()
            .map(|f| json!({
                "indicator": f.indicator.id,
                "dimension": f.indicator.dimension,
                "missing": f.indicator.missing,
                "records": f.records,
                "points_each": round(f.points_each),
                "catalogue_gain": round(f.portal_gain),
            }))
            .collect::<Vec<_>>(),
        "records": scores
            .records
            .iter()
            .map(|r| (r.name.clone(), json!({
                "score": round(r.score),
                "missed": r.missed.iter().map(|(id, _)| *id).collect::<Vec<_>>(),
            })))
            .collect::<Map<String, Value>>(),
    })
}

fn links_json(links: &LinkReport) -> Value {
    let findings: Vec<Value> = links
        .findings
        .iter()
        .filter_map(|f| {
            let (state, since, checks, failure) = match &f.status {
                LinkStatus::Broken { since, failure } => ("broken", since, None, failure),
                LinkStatus::Failing {
                    since,
                    checks,
                    failure,
                } => ("failing", since, Some(checks), failure),
                LinkStatus::Alive => return None,
            };
            Some(json!({
                "record": f.record,
                "org": f.org,
                "pointer": f.link.pointer,
                "field": f.link.field,
                "resource": f.link.resource,
                "url": f.link.url,
                "status": state,
                "reason": failure.reason(),
                "failing_since": rfc3339_utc(*since),
                "failed_checks": checks,
            }))
        })
        .collect();
    json!({
        "urls": links.urls,
        "checked_now": links.requested,
        "broken": links.broken,
        "failing": links.failing,
        "not_http": links.not_checked,
        "at_once": links.at_once,
        "findings": findings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::report::tests::sample_report;

    #[test]
    fn the_documented_shape() {
        let value = render(&sample_report());
        let keys: Vec<&str> = value
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "host",
                "checked_at",
                "records_checked",
                "records_with_errors",
                "records_refused",
                "records_with_warnings",
                "records_clean",
                "records_from_cache",
                "by_code",
                "by_enforcement",
                "by_field",
                "by_org",
                "records",
                "unfetched",
                "records_drafts"
            ]
        );
        assert_eq!(value["host"], "http://127.0.0.1:5000");
        assert_eq!(value["records_checked"], 4);
        assert_eq!(value["records_with_errors"], 2);
        assert_eq!(value["by_field"]["/resources/*/projection_name"], 2);
        assert_eq!(
            value["by_org"]["org-b"],
            json!({"records": 2, "with_errors": 1})
        );
        let bad = &value["records"][1];
        assert_eq!(bad["name"], "bad-projection");
        assert_eq!(
            bad["diagnostics"][0],
            json!({
                "code": "invalid-choice",
                "severity": "error",
                "message": bad["diagnostics"][0]["message"],
                "pointer": "/resources/1/projection_name",
                // `conditional_required` replaces the server's choice check
                "enforcement": "form-only"
            })
        );
        // e-mail formats and the projection's choices: only the portal's form checks them
        assert_eq!(value["records_refused"], 0);
        assert_eq!(
            value["by_enforcement"],
            json!({"refused": 0, "form-only": 3, "dropped": 1})
        );
        assert_eq!(value["unfetched"][0]["what"], "records 1001–2000 of 2400");
    }
}

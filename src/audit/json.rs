//! The JSON report: one object, a stable interface (documented in README.md, "For
//! administrators"). Diagnostics are those of `check --format json` without the range.

use serde_json::{json, Map, Value};

use super::report::Report;

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
    json!({
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
                "unfetched"
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

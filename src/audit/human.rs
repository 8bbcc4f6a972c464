//! The report for a terminal: the summary, problems by code, by field and by organization,
//! then the worst records with their catalogue pages, and what could not be fetched.

use super::links::LinkReport;
use super::report::Report;
use super::score::Scores;
use super::since::Changes;

/// Records listed under "Worst records".
pub const WORST: usize = 20;

pub fn render(report: &Report) -> String {
    let mut out = format!("Audit of {} at {}\n", report.host, report.checked_at);
    let checked = report.records.len();
    out.push_str(&format!(
        "{checked} record{} checked ({} from the cache, {} fetched): {} with errors, \
         {} with warnings only, {} clean\n",
        plural(checked),
        report.from_cache,
        checked - report.from_cache.min(checked),
        report.with_errors(),
        report.with_warnings_only(),
        report.clean(),
    ));
    if report.with_errors() > 0 {
        out.push_str(&format!(
            "{} of the {} with errors the catalogue's API would refuse as they are; the others \
             break only what its web form or policy asks\n",
            report.refused(),
            report.with_errors()
        ));
    }
    out.push_str(&format!(
        "CKAN drafts included: {} (those the API key's user may see)\n",
        report.drafts
    ));
    if !report.unfetched.is_empty() {
        out.push_str(&format!(
            "INCOMPLETE: {} part{} of the catalogue could not be fetched (listed at the end)\n",
            report.unfetched.len(),
            plural(report.unfetched.len())
        ));
    }
    if let Some(changes) = &report.changes {
        changes_section(&mut out, changes);
    }
    if let Some(scores) = report.scores.as_ref().filter(|s| !s.records.is_empty()) {
        scores_section(&mut out, scores);
    }
    let width = |items: &mut dyn Iterator<Item = usize>| {
        items.map(|n| n.to_string().len()).max().unwrap_or(1)
    };
    if !report.by_code.is_empty() {
        out.push_str("\nProblems by code:\n");
        let w = width(&mut report.by_code.iter().map(|(_, n)| *n));
        for (code, n) in &report.by_code {
            out.push_str(&format!("  {n:>w$}  {code}\n"));
        }
        out.push_str("\nProblems by what the catalogue would do:\n");
        let w = width(&mut report.by_enforcement.iter().map(|(_, n)| *n));
        for (class, n) in &report.by_enforcement {
            out.push_str(&format!("  {n:>w$}  {class}\n"));
        }
        out.push_str("\nProblems by field:\n");
        let w = width(&mut report.by_field.iter().map(|(_, n)| *n));
        for (field, n) in &report.by_field {
            match report.field_labels.get(field) {
                Some(label) => out.push_str(&format!("  {n:>w$}  {field}  ({label})\n")),
                None => out.push_str(&format!("  {n:>w$}  {field}\n")),
            }
        }
    }
    if !report.by_org.is_empty() {
        out.push_str("\nRecords by organization (with errors / checked):\n");
        let w = width(&mut report.by_org.iter().map(|o| o.records));
        for org in &report.by_org {
            out.push_str(&format!(
                "  {:>w$} / {:>w$}  {}\n",
                org.with_errors, org.records, org.org
            ));
        }
    }
    let worst = report.worst(WORST);
    if !worst.is_empty() {
        out.push_str(&format!(
            "\nWorst records{}:\n",
            if worst.len() < report.records.len() - report.clean() {
                format!(" (the first {})", worst.len())
            } else {
                String::new()
            }
        ));
        for record in worst {
            out.push_str(&format!(
                "  {} ({} error{}, {} warning{}) {}\n",
                record.name,
                record.errors(),
                plural(record.errors()),
                record.warnings(),
                plural(record.warnings()),
                record.url
            ));
            for p in &record.problems {
                out.push_str(&format!(
                    "    {}[{}] {}: {}\n",
                    p.severity.as_str(),
                    p.code,
                    if p.pointer.is_empty() {
                        "/"
                    } else {
                        &p.pointer
                    },
                    p.message
                ));
            }
        }
    }
    if let Some(links) = &report.links {
        links_section(&mut out, links);
    }
    if !report.unfetched.is_empty() {
        out.push_str("\nCould not fetch:\n");
        for u in &report.unfetched {
            out.push_str(&format!("  {}: {}\n", u.what, u.reason));
        }
    }
    out
}

/// New and fixed problems listed one by one.
pub const CHANGES_LISTED: usize = 20;

fn changes_section(out: &mut String, changes: &Changes) {
    out.push_str(&format!(
        "\nSince the audit of {}: {} new problem{}, {} fixed, {} still there\n",
        changes.since,
        changes.new.len(),
        plural(changes.new.len()),
        changes.fixed.len(),
        changes.still
    ));
    if changes.new.is_empty() && changes.fixed.is_empty() {
        return;
    }
    out.push_str("  by organization (new / fixed / still there):\n");
    for (org, c) in &changes.by_org {
        if c.new + c.fixed > 0 {
            out.push_str(&format!(
                "    {} / {} / {}  {org}\n",
                c.new, c.fixed, c.still
            ));
        }
    }
    for (title, list) in [("new", &changes.new), ("fixed", &changes.fixed)] {
        if list.is_empty() {
            continue;
        }
        out.push_str(&format!("  {title}:\n"));
        for c in list.iter().take(CHANGES_LISTED) {
            out.push_str(&format!("    {} [{}] {}\n", c.record, c.code, c.pointer));
        }
        if list.len() > CHANGES_LISTED {
            out.push_str(&format!("    … and {} more\n", list.len() - CHANGES_LISTED));
        }
    }
}

/// Fixes listed under "What raises the score most".
pub const FIXES: usize = 10;

fn scores_section(out: &mut String, scores: &Scores) {
    out.push_str(&format!(
        "\nQuality score: {:.0}/100 ({})\n",
        scores.portal,
        scores
            .dimensions
            .iter()
            .map(|(d, s)| format!("{d} {s:.0}"))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    if !scores.fixes.is_empty() {
        out.push_str("\nWhat raises the score most:\n");
        for fix in scores.fixes.iter().take(FIXES) {
            out.push_str(&format!(
                "  {}: {} record{}, +{:.0} points each (+{:.1} for the catalogue)",
                fix.indicator.missing,
                fix.records,
                plural(fix.records),
                fix.points_each,
                fix.portal_gain
            ));
            out.push('\n');
        }
    }
    if scores.by_org.len() > 1 {
        out.push_str("\nOrganizations by score (lowest first):\n");
        for (org, score, records) in &scores.by_org {
            out.push_str(&format!(
                "  {score:>3.0}  {org} ({records} record{})\n",
                plural(*records)
            ));
        }
    }
}

fn links_section(out: &mut String, links: &LinkReport) {
    out.push_str(&format!(
        "\nLinks: {} URL{} ({} checked now, the others within the last day): {} broken, {} failing{}\n",
        links.urls,
        plural(links.urls),
        links.requested,
        links.broken,
        links.failing,
        if links.at_once {
            " (--links=now: any failure is broken)"
        } else {
            " (broken after 3 failed checks a day apart)"
        }
    ));
    let mut org = "";
    for f in &links.findings {
        if f.org != org {
            org = &f.org;
            out.push_str(&format!("  {org}:\n"));
        }
        out.push_str(&format!(
            "    {}{} {}: {}\n      {}\n",
            f.record,
            f.link
                .resource
                .as_ref()
                .map(|r| format!(", resource \"{r}\""))
                .unwrap_or_default(),
            f.link.field,
            f.link.url,
            f.status.describe()
        ));
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::report::tests::sample_report;

    #[test]
    fn summary_sections_and_failures() {
        let text = render(&sample_report());
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[..5],
            [
                "Audit of http://127.0.0.1:5000 at 2026-11-30T00:53:20Z",
                "4 records checked (1 from the cache, 3 fetched): 2 with errors, 1 with warnings \
                 only, 1 clean",
                "0 of the 2 with errors the catalogue's API would refuse as they are; the others \
                 break only what its web form or policy asks",
                "CKAN drafts included: 0 (those the API key's user may see)",
                "INCOMPLETE: 1 part of the catalogue could not be fetched (listed at the end)",
            ]
        );
        assert!(text.contains("\nProblems by code:\n  2  invalid-choice\n  1  invalid-format\n"));
        assert!(text.contains(
            "\nProblems by what the catalogue would do:\n  0  refused\n  3  form-only\n  1  dropped\n"
        ));
        assert!(text.contains("\nProblems by field:\n  2  /resources/*/projection_name\n"));
        assert!(text.contains(
            "\nRecords by organization (with errors / checked):\n  1 / 2  org-a\n  1 / 2  org-b\n"
        ));
        assert!(text.contains(
            "\n  bad-email (2 errors, 0 warnings) http://127.0.0.1:5000/dataset/bad-email\n    \
             error[invalid-format] /contacts/0/email: "
        ));
        assert!(text.ends_with(
            "\nCould not fetch:\n  records 1001–2000 of 2400: the catalogue failed (HTTP 500)\n"
        ));
    }
}

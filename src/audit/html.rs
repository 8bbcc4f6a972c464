//! The HTML report: one self-contained file (inline CSS and script, nothing fetched) to open
//! and send around. The numbers and the table are in the markup, so it reads without the
//! script; the script only sorts and filters the table. Every text from the catalogue is
//! escaped: titles and messages are untrusted.

use std::fmt::Write;

use super::links::LinkReport;
use super::report::{AuditedRecord, Report};
use super::score::Scores;
use crate::check::Severity;

/// `&`, `<`, `>`, `"` and `'` as entities: safe in text and in quoted attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Untrusted text escaped, with its `backticked` parts as `<code>`.
pub fn code_spans(text: &str) -> String {
    let parts: Vec<&str> = text.split('`').collect();
    if parts.len() % 2 == 0 {
        // an unpaired backtick: plain text
        return escape(text);
    }
    parts
        .iter()
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                format!("<code>{}</code>", escape(part))
            } else {
                escape(part)
            }
        })
        .collect()
}

/// A link target: only http(s) URLs (the catalogue's own pages); anything else links nowhere.
fn href(url: &str) -> String {
    if url.starts_with("https://") || url.starts_with("http://") {
        escape(url)
    } else {
        "#".into()
    }
}

pub fn render(report: &Report) -> String {
    let e = escape;
    let mut out = String::new();
    let checked = report.records.len();
    let _ = write!(
        out,
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>Catalogue audit: {host}</title>
<style>{STYLE}</style>
</head>
<body>
<header>
<h1>Catalogue audit</h1>
<p class="meta"><a href="{host_href}">{host}</a> · checked at <time>{at}</time> · CKAN drafts included: <span data-stat="records_drafts">{drafts}</span></p>
</header>
<main>
<section id="summary" aria-label="Summary">
{cards}</section>
"#,
        host = e(&report.host),
        host_href = href(&report.host),
        at = e(&report.checked_at),
        drafts = report.drafts,
        cards = [
            ("records_checked", checked, "records checked", ""),
            (
                "records_with_errors",
                report.with_errors(),
                "with errors",
                "error"
            ),
            (
                "records_refused",
                report.refused(),
                "the catalogue would refuse",
                "error"
            ),
            (
                "records_with_warnings",
                report.with_warnings_only(),
                "with warnings only",
                "warning"
            ),
            ("records_clean", report.clean(), "clean", "clean"),
            (
                "records_from_cache",
                report.from_cache,
                "from the cache",
                "muted"
            ),
        ]
        .iter()
        .map(|(stat, n, label, class)| format!(
            "<div class=\"card {class}\" data-stat=\"{stat}\"><span class=\"n\">{n}</span> \
             <span class=\"label\">{label}</span></div>\n"
        ))
        .collect::<String>(),
    );
    if !report.unfetched.is_empty() {
        out.push_str(
            "<section id=\"unfetched\" class=\"alert\">\n<h2>Incomplete: not fetched</h2>\n<ul>\n",
        );
        for u in &report.unfetched {
            let _ = writeln!(
                out,
                "<li><strong>{}</strong>: {}</li>",
                e(&u.what),
                e(&u.reason)
            );
        }
        out.push_str("</ul>\n</section>\n");
    }
    if let Some(scores) = report.scores.as_ref().filter(|s| !s.records.is_empty()) {
        scores_section(&mut out, scores);
    }
    if report.changes.is_some() || report.trend.len() > 1 {
        history_section(&mut out, report);
    }
    out.push_str("<section class=\"charts\">\n");
    let field_name = |field: &str| match report.field_labels.get(field) {
        Some(label) => format!("{} <code>{}</code>", e(label), e(field)),
        None => format!("<code>{}</code>", e(field)),
    };
    chart(
        &mut out,
        "by-field",
        "Problems by field",
        report
            .by_field
            .iter()
            .map(|(field, n)| (field.as_str(), *n, None)),
        &field_name,
    );
    chart(
        &mut out,
        "by-org",
        "Records with errors by organization",
        report
            .by_org
            .iter()
            .map(|o| (o.org.as_str(), o.records, Some(o.with_errors))),
        &|org| format!("<a href=\"#org-{}\">{}</a>", anchor(org), e(org)),
    );
    chart(
        &mut out,
        "by-enforcement",
        "Problems by what the catalogue would do",
        report
            .by_enforcement
            .iter()
            .map(|(class, n)| (class.as_str(), *n, None)),
        &|class| format!("<code>{}</code>", e(class)),
    );
    chart(
        &mut out,
        "by-code",
        "Problems by code",
        report
            .by_code
            .iter()
            .map(|(code, n)| (code.as_str(), *n, None)),
        &|code| format!("<code>{}</code>", e(code)),
    );
    out.push_str("</section>\n");
    if let Some(links) = &report.links {
        links_section(&mut out, links);
    }
    let mut orgs: Vec<&str> = report.by_org.iter().map(|o| o.org.as_str()).collect();
    orgs.dedup();
    let _ = write!(
        out,
        r#"<section id="records">
<h2>Records</h2>
<div class="controls">
<input id="filter" type="search" placeholder="Filter: name, title, organization or problem" aria-label="Filter records">
<select id="org-filter" aria-label="Organization"><option value="">All organizations</option>{orgs}</select>
<select id="status-filter" aria-label="Status"><option value="">Any status</option><option value="errors">With errors</option><option value="warnings">With warnings only</option><option value="clean">Clean</option></select>
<span id="shown" aria-live="polite">{checked} of {checked} records</span>
</div>
<table id="records-table">
<thead><tr><th scope="col" data-key="name" aria-sort="ascending"><button type="button">Record</button></th><th scope="col" data-key="org"><button type="button">Organization</button></th><th scope="col" data-key="errors" data-numeric><button type="button">Errors</button></th><th scope="col" data-key="warnings" data-numeric><button type="button">Warnings</button></th>{score_header}<th scope="col">Problems</th></tr></thead>
<tbody>
"#,
        score_header = if report.scores.is_some() {
            "<th scope=\"col\" data-key=\"score\" data-numeric><button type=\"button\">Score</button></th>"
        } else {
            ""
        },
        orgs = orgs
            .iter()
            .map(|o| format!("<option value=\"{0}\">{0}</option>", e(o)))
            .collect::<String>(),
    );
    let scores: std::collections::HashMap<&str, f64> = report
        .scores
        .iter()
        .flat_map(|s| s.records.iter().map(|r| (r.name.as_str(), r.score)))
        .collect();
    for record in &report.records {
        row(&mut out, record, scores.get(record.name.as_str()).copied());
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
    org_sections(&mut out, report);
    let _ = write!(
        out,
        "</main>\n<script>{SCRIPT}</script>\n</body>\n</html>\n"
    );
    out
}

/// A section per organization with everything about its records (problems, score, links,
/// changes), to read or forward on its own.
fn org_sections(out: &mut String, report: &Report) {
    let e = escape;
    out.push_str(
        "<section id=\"organizations\">\n<h2>By organization</h2>\n<p class=\"meta\">Each \
         section holds everything about one organization's records, to send to it on its own \
         (or run the audit with <code>--org NAME</code>).</p>\n",
    );
    for org in &report.by_org {
        let name = org.org.as_str();
        let _ = write!(
            out,
            "<section class=\"org\" id=\"org-{}\" aria-labelledby=\"org-{0}-h\">\n\
             <h3 id=\"org-{0}-h\">{}</h3>\n<p>{} record{}, {} with errors",
            anchor(name),
            e(name),
            org.records,
            if org.records == 1 { "" } else { "s" },
            org.with_errors
        );
        if let Some((_, score, _)) = report
            .scores
            .as_ref()
            .and_then(|s| s.by_org.iter().find(|(o, _, _)| o == name))
        {
            let _ = write!(out, "; quality score {score:.0}/100");
        }
        if let Some(c) = report.changes.as_ref().and_then(|c| c.by_org.get(name)) {
            let _ = write!(
                out,
                "; since the last audit {} new problem{}, {} fixed",
                c.new,
                if c.new == 1 { "" } else { "s" },
                c.fixed
            );
        }
        out.push_str(".</p>\n");
        let records: Vec<&AuditedRecord> = report
            .records
            .iter()
            .filter(|r| r.org_or_none() == name && !r.problems.is_empty())
            .collect();
        if !records.is_empty() {
            out.push_str("<ul class=\"org-records\">\n");
            for r in records {
                let _ = write!(
                    out,
                    "<li><a href=\"{}\">{}</a> <span class=\"name\">{}</span><ul>",
                    href(&r.url),
                    e(if r.title.trim().is_empty() {
                        &r.name
                    } else {
                        &r.title
                    }),
                    e(&r.name)
                );
                for p in &r.problems {
                    let _ = write!(out, "<li>{}</li>", code_spans(&p.message));
                }
                out.push_str("</ul></li>\n");
            }
            out.push_str("</ul>\n");
        }
        if let Some(links) = &report.links {
            let findings: Vec<_> = links.findings.iter().filter(|f| f.org == name).collect();
            if !findings.is_empty() {
                out.push_str("<p>Links that do not answer:</p>\n<ul class=\"org-links\">\n");
                for f in findings {
                    let _ = writeln!(
                        out,
                        "<li>{}: {} <a href=\"{}\">{}</a>: {}</li>",
                        e(&f.record),
                        e(&f.link.field),
                        href(&f.link.url),
                        e(&f.link.url),
                        e(&f.status.describe())
                    );
                }
                out.push_str("</ul>\n");
            }
        }
        out.push_str("</section>\n");
    }
    out.push_str("</section>\n");
}

/// A bar chart as a table: label, bar (width relative to the largest), count. With
/// `part`, the bar shows that part of the count (records with errors of all records).
fn chart<'a>(
    out: &mut String,
    id: &str,
    title: &str,
    rows: impl Iterator<Item = (&'a str, usize, Option<usize>)> + Clone,
    shown: &dyn Fn(&str) -> String,
) {
    let max = rows.clone().map(|(_, n, _)| n).max().unwrap_or(0).max(1);
    let _ = write!(
        out,
        "<figure id=\"{id}\">\n<figcaption>{title}</figcaption>\n<table class=\"bars\">\n"
    );
    let mut empty = true;
    for (key, n, part) in rows {
        empty = false;
        let width = n as f64 * 100.0 / max as f64;
        let (label, key) = (shown(key), escape(key));
        match part {
            None => {
                let _ = writeln!(
                    out,
                    "<tr data-key=\"{key}\" data-count=\"{n}\"><th scope=\"row\">{label}</th>\
                     <td class=\"bar\"><span style=\"width:{width:.1}%\"></span></td><td class=\"num\">{n}</td></tr>"
                );
            }
            Some(part) => {
                let inner = if n == 0 {
                    0.0
                } else {
                    part as f64 * 100.0 / n as f64
                };
                let _ = writeln!(
                    out,
                    "<tr data-key=\"{key}\" data-records=\"{n}\" data-with-errors=\"{part}\">\
                     <th scope=\"row\">{label}</th><td class=\"bar\"><span class=\"total\" \
                     style=\"width:{width:.1}%\"><span class=\"part\" style=\"width:{inner:.1}%\">\
                     </span></span></td><td class=\"num\">{part} / {n}</td></tr>"
                );
            }
        }
    }
    if empty {
        out.push_str("<tr><td class=\"none\">No problems</td></tr>\n");
    }
    out.push_str("</table>\n</figure>\n");
}

fn scores_section(out: &mut String, scores: &Scores) {
    let _ = write!(
        out,
        "<section id=\"scores\">\n<h2>Quality score: <span data-stat=\"score\">{:.0}</span>/100</h2>\n\
         <table class=\"dimensions\"><caption>Score by dimension (share of the points that apply)</caption>\
         <thead><tr>{}</tr></thead><tbody><tr>{}</tr></tbody></table>\n",
        scores.portal,
        scores
            .dimensions
            .iter()
            .map(|(d, _)| format!("<th scope=\"col\">{d}</th>"))
            .collect::<String>(),
        scores
            .dimensions
            .iter()
            .map(|(d, s)| format!("<td class=\"num\" data-dimension=\"{d}\">{s:.0}</td>"))
            .collect::<String>(),
    );
    if !scores.fixes.is_empty() {
        out.push_str("<h3>What raises the score most</h3>\n<ol class=\"fixes\">\n");
        for fix in scores.fixes.iter().take(super::human::FIXES) {
            let _ = writeln!(
                out,
                "<li data-indicator=\"{}\">{}: <strong>{} record{}</strong>, \
                 <strong>+{:.0} points</strong> each (+{:.1} for the catalogue)</li>",
                fix.indicator.id,
                escape(fix.indicator.missing),
                fix.records,
                if fix.records == 1 { "" } else { "s" },
                fix.points_each,
                fix.portal_gain
            );
        }
        out.push_str("</ol>\n");
    }
    out.push_str(
        "<h3>Organizations by score (lowest first)</h3>\n<table class=\"org-scores\">\
         <thead><tr><th scope=\"col\">Organization</th><th scope=\"col\">Score</th>\
         <th scope=\"col\">Records</th></tr></thead><tbody>\n",
    );
    for (org, score, records) in &scores.by_org {
        let _ = writeln!(
            out,
            "<tr data-org=\"{org}\"><td><a href=\"#org-{anchor}\">{org}</a></td>\
             <td class=\"num\">{score:.0}</td><td class=\"num\">{records}</td></tr>",
            org = escape(org),
            anchor = anchor(org),
        );
    }
    out.push_str("</tbody></table>\n</section>\n");
}

/// An id for an organization's section: its name with anything but letters, digits, `-`
/// and `_` as `_` (organization names are URL slugs already).
pub fn anchor(org: &str) -> String {
    org.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn history_section(out: &mut String, report: &Report) {
    out.push_str("<section id=\"history\">\n<h2>Over time</h2>\n");
    if let Some(c) = &report.changes {
        let _ = writeln!(
            out,
            "<p>Since the audit of <time>{}</time>: <strong>{} new</strong> problems, \
             <strong>{} fixed</strong>, {} still there.</p>",
            escape(&c.since),
            c.new.len(),
            c.fixed.len(),
            c.still
        );
    }
    if report.trend.len() > 1 {
        out.push_str("<div class=\"trend\">\n");
        let scores: Vec<(&str, f64)> = report
            .trend
            .iter()
            .filter_map(|p| Some((p.checked_at.as_str(), p.score?)))
            .collect();
        if scores.len() > 1 {
            line_chart(out, "Quality score", &scores, Some(100.0));
        }
        let problems: Vec<(&str, f64)> = report
            .trend
            .iter()
            .map(|p| (p.checked_at.as_str(), p.problems as f64))
            .collect();
        line_chart(out, "Problems", &problems, None);
        out.push_str("</div>\n");
    }
    out.push_str("</section>\n");
}

/// A small inline SVG line chart of values over audits (evenly spaced), with its numbers
/// in the accessible name and in each point's tooltip.
fn line_chart(out: &mut String, title: &str, points: &[(&str, f64)], top: Option<f64>) {
    let (w, h, pad) = (420.0, 140.0, 24.0);
    let max = top.unwrap_or_else(|| points.iter().map(|p| p.1).fold(1.0, f64::max));
    let step = (w - 2.0 * pad) / (points.len().max(2) - 1) as f64;
    let xy: Vec<(f64, f64)> = points
        .iter()
        .enumerate()
        .map(|(i, (_, v))| (pad + i as f64 * step, h - pad - v / max * (h - 2.0 * pad)))
        .collect();
    let first = points.first().expect("two points at least");
    let last = points.last().expect("two points at least");
    let label = format!(
        "{title} over {} audits: {:.0} on {} and {:.0} on {}",
        points.len(),
        first.1,
        &first.0[..first.0.len().min(10)],
        last.1,
        &last.0[..last.0.len().min(10)]
    );
    let _ = write!(
        out,
        "<figure class=\"line\"><figcaption>{title}</figcaption>\
         <svg viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-label=\"{label}\">\
         <line x1=\"{pad}\" y1=\"{b}\" x2=\"{r}\" y2=\"{b}\" class=\"axis\"/>\
         <text x=\"2\" y=\"{t}\" class=\"tick\">{max:.0}</text><text x=\"2\" y=\"{b}\" class=\"tick\">0</text>\
         <polyline fill=\"none\" points=\"{line}\"/>",
        label = escape(&label),
        b = h - pad,
        r = w - pad,
        t = pad + 4.0,
        line = xy
            .iter()
            .map(|(x, y)| format!("{x:.1},{y:.1}"))
            .collect::<Vec<_>>()
            .join(" "),
    );
    for ((x, y), (at, v)) in xy.iter().zip(points) {
        let _ = write!(
            out,
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3\"><title>{}: {v:.0}</title></circle>",
            escape(at)
        );
    }
    out.push_str("</svg></figure>\n");
}

fn links_section(out: &mut String, links: &LinkReport) {
    let _ = write!(
        out,
        "<section id=\"links\">\n<h2>Links</h2>\n<p>{} URLs ({} checked now, the others within \
         the last day): <strong>{} broken</strong>, {} failing. {}</p>\n",
        links.urls,
        links.requested,
        links.broken,
        links.failing,
        if links.at_once {
            "Any failure counts as broken (<code>--links=now</code>)."
        } else {
            "A link is broken after failing in 3 checks a day apart."
        }
    );
    if links.findings.is_empty() {
        out.push_str("<p class=\"ok\">Every link answers.</p>\n</section>\n");
        return;
    }
    out.push_str(
        "<table class=\"links\">\n<thead><tr><th scope=\"col\">Organization</th>\
         <th scope=\"col\">Record</th><th scope=\"col\">Field</th><th scope=\"col\">URL</th>\
         <th scope=\"col\">Status</th></tr></thead>\n<tbody>\n",
    );
    for f in &links.findings {
        let _ = writeln!(
            out,
            "<tr data-org=\"{org}\" class=\"{class}\"><td>{org}</td><td><a href=\"{record_url}\">{record}</a></td>\
             <td>{resource}{field}</td><td><a href=\"{url_href}\">{url}</a></td><td>{status}</td></tr>",
            org = escape(&f.org),
            class = if f.status.is_broken() { "broken" } else { "failing" },
            record_url = href(&f.record_url),
            record = escape(&f.record),
            resource = f
                .link
                .resource
                .as_ref()
                .map(|r| format!("{}: ", escape(r)))
                .unwrap_or_default(),
            field = escape(&f.link.field),
            url_href = href(&f.link.url),
            url = escape(&f.link.url),
            status = escape(&f.status.describe()),
        );
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

fn row(out: &mut String, record: &AuditedRecord, score: Option<f64>) {
    let e = escape;
    let (errors, warnings) = (record.errors(), record.warnings());
    let status = if errors > 0 {
        "errors"
    } else if record.problems.is_empty() {
        "clean"
    } else {
        "warnings"
    };
    let title = if record.title.trim().is_empty() {
        &record.name
    } else {
        &record.title
    };
    let _ = write!(
        out,
        "<tr data-name=\"{name}\" data-org=\"{org}\" data-errors=\"{errors}\" data-warnings=\"{warnings}\" \
         data-status=\"{status}\"{score_attr}><td><a href=\"{url}\">{title}</a><div class=\"name\">{name}</div></td>\
         <td>{org}</td><td class=\"num\">{errors}</td><td class=\"num\">{warnings}</td>{score}<td>",
        score_attr = score
            .map(|s| format!(" data-score=\"{s:.1}\""))
            .unwrap_or_default(),
        score = score
            .map(|s| format!("<td class=\"num\">{s:.0}</td>"))
            .unwrap_or_default(),
        name = e(&record.name),
        org = e(record.org_or_none()),
        url = href(&record.url),
        title = e(title),
    );
    if record.problems.is_empty() {
        out.push_str("<span class=\"ok\">No problems</span>");
    } else {
        out.push_str("<ul class=\"problems\">");
        for p in &record.problems {
            let class = match p.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                _ => "info",
            };
            let _ = write!(
                out,
                "<li class=\"{class}\">{message} <code title=\"{code}\">{pointer}</code></li>",
                message = code_spans(&p.message),
                code = e(p.code),
                pointer = e(if p.pointer.is_empty() {
                    "/"
                } else {
                    &p.pointer
                }),
            );
        }
        out.push_str("</ul>");
    }
    out.push_str("</td></tr>\n");
}

const STYLE: &str = r#"
:root{--fg:#1b1f24;--muted:#5b6470;--line:#d8dde3;--err:#c62828;--warn:#b26a00;--ok:#2e7d32;--bar:#3f6fb5;--bg:#f6f8fa}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);margin:0;padding:24px 32px;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 10px}
.meta{color:var(--muted);margin:0 0 18px}a{color:#1f5fbf}
#summary{display:flex;flex-wrap:wrap;gap:12px}
.card{border:1px solid var(--line);border-radius:8px;padding:10px 16px;min-width:140px;background:var(--bg)}
.card .n{display:block;font-size:26px;font-weight:600}.card .label{color:var(--muted)}
.card.error .n{color:var(--err)}.card.warning .n{color:var(--warn)}.card.clean .n{color:var(--ok)}
.alert{border:1px solid var(--err);background:#fdecea;border-radius:8px;padding:4px 16px;margin-top:16px}
.alert h2{color:var(--err);margin-top:10px}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(380px,1fr));gap:20px;margin-top:20px}
figure{margin:0;border:1px solid var(--line);border-radius:8px;padding:12px 14px;max-height:420px;overflow:auto}
figcaption{font-weight:600;margin-bottom:8px}
.bars{width:100%;border-collapse:collapse}.bars th{font-weight:normal;text-align:left;font-family:ui-monospace,monospace;font-size:12px;padding:2px 8px 2px 0;white-space:nowrap;max-width:260px;overflow:hidden;text-overflow:ellipsis}
.bars td.bar{width:60%}.bars td.bar>span{display:block;height:12px;background:var(--bar);border-radius:2px;min-width:2px}
.bars td.bar>span.total{background:#c9d3df}.bars span.part{display:block;height:12px;background:var(--err);border-radius:2px}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap;padding-left:8px}
.none{color:var(--muted)}
.controls{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin-bottom:10px}
.controls input{flex:1;min-width:260px;padding:6px 8px;border:1px solid var(--line);border-radius:6px}
.controls select{padding:6px;border:1px solid var(--line);border-radius:6px}#shown{color:var(--muted)}
#records-table{width:100%;border-collapse:collapse}
#records-table th{text-align:left;white-space:nowrap;border-bottom:2px solid var(--line);padding:6px 8px;background:var(--bg);position:sticky;top:0}
#records-table th button{font:inherit;font-weight:600;color:inherit;background:none;border:0;padding:0;cursor:pointer}
#records-table th button:focus-visible{outline:2px solid #1f5fbf;outline-offset:2px}
#records-table th[aria-sort=ascending]::after{content:" ▲"}#records-table th[aria-sort=descending]::after{content:" ▼"}
#records-table td{border-bottom:1px solid var(--line);padding:6px 8px;vertical-align:top}
#records-table td:nth-child(2){white-space:nowrap}
.name{color:var(--muted);font-size:12px;font-family:ui-monospace,monospace}
.problems{margin:0;padding-left:18px}.problems li.error::marker{color:var(--err)}.problems li.warning::marker{color:var(--warn)}
.problems code{color:var(--muted);font-size:11px}.ok{color:var(--ok)}
table.dimensions,table.org-scores{border-collapse:collapse;margin:6px 0 12px}table.dimensions th,table.dimensions td,table.org-scores th,table.org-scores td{border:1px solid var(--line);padding:4px 10px;text-align:left}
.fixes li{margin:3px 0}
.trend{display:flex;flex-wrap:wrap;gap:20px}figure.line{max-height:none}figure.line svg{max-width:100%;height:auto}
figure.line polyline{stroke:var(--bar);stroke-width:2}figure.line circle{fill:var(--bar)}
figure.line .axis{stroke:var(--line)}figure.line .tick{font-size:10px;fill:var(--muted)}
section.org{border-top:1px solid var(--line);margin-top:12px}section.org h3{margin:12px 0 4px}
.org-records>li{margin:6px 0}.org-records ul{margin:2px 0;padding-left:18px}
table.links{width:100%;border-collapse:collapse}table.links th,table.links td{text-align:left;border-bottom:1px solid var(--line);padding:4px 8px;vertical-align:top}
table.links td:nth-child(4){word-break:break-all}table.links tr.broken td:last-child{color:var(--err)}
"#;

const SCRIPT: &str = r#"
(function () {
  var table = document.getElementById('records-table');
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var text = document.getElementById('filter');
  var org = document.getElementById('org-filter');
  var status = document.getElementById('status-filter');
  var shown = document.getElementById('shown');
  function apply() {
    var words = text.value.toLowerCase().split(/\s+/).filter(Boolean);
    var n = 0;
    rows.forEach(function (row) {
      var hay = row.textContent.toLowerCase();
      var ok = words.every(function (w) { return hay.indexOf(w) >= 0; }) &&
        (!org.value || row.dataset.org === org.value) &&
        (!status.value || row.dataset.status === status.value);
      row.hidden = !ok;
      if (ok) n++;
    });
    shown.textContent = n + ' of ' + rows.length + ' records';
  }
  [text, org, status].forEach(function (el) { el.addEventListener('input', apply); });
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
    var key = th.dataset.key;
    if (!key) return;
    function sort() {
      var descending = th.getAttribute('aria-sort') === 'ascending';
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) { c.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
      var numeric = th.hasAttribute('data-numeric');
      rows.sort(function (a, b) {
        var x = a.dataset[key], y = b.dataset[key];
        var c = numeric ? Number(x) - Number(y) : x.localeCompare(y);
        if (c === 0) c = a.dataset.name.localeCompare(b.dataset.name);
        return descending ? -c : c;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    }
    // a button: focusable, and Enter and Space click it
    th.addEventListener('click', sort);
  });
})();
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::report::tests::sample_report;

    #[test]
    fn untrusted_text_is_escaped() {
        let html = render(&sample_report());
        assert!(!html.contains("<script>alert"));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot;"));
        assert!(html.contains("data-name=\"odd-title\""));
        assert_eq!(
            html.matches("<script>").count(),
            1,
            "only the report's own script"
        );
        assert!(!html.contains("src="), "nothing is loaded from anywhere");
    }

    #[test]
    fn numbers_are_in_the_markup() {
        let html = render(&sample_report());
        assert!(html.contains(
            "<div class=\"card error\" data-stat=\"records_with_errors\"><span class=\"n\">2</span>"
        ));
        assert!(html.contains(
            "<tr data-key=\"/resources/*/projection_name\" data-count=\"2\"><th scope=\"row\">"
        ));
        assert!(html.contains("<tr data-key=\"org-a\" data-records=\"2\" data-with-errors=\"1\">"));
        assert!(html.contains("<strong>records 1001–2000 of 2400</strong>"));
        assert_eq!(html.matches("<tr data-name=").count(), 4);
        assert_eq!(href("javascript:alert(1)"), "#");
    }
}

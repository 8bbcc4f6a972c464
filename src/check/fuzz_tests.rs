//! Random edits, with non-ASCII text and YAML/JSON punctuation: parsing
//! and checking never panic, every range lies inside the document, on
//! character boundaries, whichever way the document is parsed, and a
//! document kept up to date through edits, checked with the results of
//! its earlier checks, gives exactly what a fresh parse and check give.

use super::{check, check_with, Cache};
use crate::schema::Schema;
use crate::syntax::{Document, Format, Node, Value};
use proptest::prelude::*;

pub(crate) const RECORD: &str = include_str!("../../examples/water-quality.bcdc.yaml");

pub(crate) const FRAGMENTS: &[&str] = &[
    "",
    "x",
    ":",
    ": ",
    "-",
    "- ",
    "\n",
    "\n  ",
    "  ",
    "\"",
    "'",
    "#",
    "{",
    "}",
    "[",
    "]",
    ",",
    "é",
    "😀",
    "\t",
    "\r\n",
    "|",
    ">",
    "&a ",
    "*a",
    "!!str ",
    "key: value\n",
    "  - name: ü\n",
    "null",
    "---\n",
];

pub(crate) fn edits() -> impl Strategy<Value = Vec<(f64, usize, usize)>> {
    prop::collection::vec((0.0..1.0f64, 0usize..8, 0..FRAGMENTS.len()), 1..12)
}

fn assert_inside(node: &Node, text: &str) {
    let ok = |r: &std::ops::Range<usize>| {
        r.start <= r.end
            && r.end <= text.len()
            && text.is_char_boundary(r.start)
            && text.is_char_boundary(r.end)
    };
    assert!(ok(&node.range), "{:?} outside {}", node.range, text.len());
    match &node.value {
        Value::Map(entries) => entries.iter().for_each(|e| {
            assert!(ok(&e.key_range));
            assert_inside(&e.value, text);
        }),
        Value::Seq(items) => items.iter().for_each(|n| assert_inside(n, text)),
        _ => {}
    }
}

fn run(mut doc: Document, mut model: String, edits: &[(f64, usize, usize)], schema: &Schema) {
    for &(at, del, frag) in edits {
        let mut start = (at * model.len() as f64) as usize;
        while !model.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (start + del).min(model.len());
        while !model.is_char_boundary(end) {
            end += 1;
        }
        model.replace_range(start..end, FRAGMENTS[frag]);
        doc.edit(start..end, FRAGMENTS[frag]);
        doc.reparse();
        assert_eq!(doc.text().to_string(), model);
        for d in check(&doc, schema) {
            assert!(
                d.range.start <= d.range.end && d.range.end <= model.len(),
                "{d:?}"
            );
            assert!(
                model.is_char_boundary(d.range.start) && model.is_char_boundary(d.range.end),
                "{d:?}"
            );
        }
        if let Some(root) = doc.root() {
            assert_inside(root, &model);
        }
    }
}

/// Applies the edits, reparsing and checking (with one cache) after each
/// or, when `batch`, after every second one; after each check the
/// document and diagnostics equal a fresh parse's and check's.
fn run_incremental(
    fresh: fn(&str) -> Document,
    mut model: String,
    edits: &[(f64, usize, usize)],
    batch: bool,
    schema: &Schema,
) {
    let mut doc = fresh(&model);
    let mut cache = Cache::default();
    check_with(&doc, schema, &mut cache);
    for (n, &(at, del, frag)) in edits.iter().enumerate() {
        let mut start = (at * model.len() as f64) as usize;
        while !model.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (start + del).min(model.len());
        while !model.is_char_boundary(end) {
            end += 1;
        }
        model.replace_range(start..end, FRAGMENTS[frag]);
        doc.edit(start..end, FRAGMENTS[frag]);
        if batch && n % 2 == 0 && n + 1 < edits.len() {
            continue;
        }
        doc.reparse();
        let diagnostics = check_with(&doc, schema, &mut cache);
        let scratch = fresh(&model);
        assert_eq!(doc.root(), scratch.root(), "{model}");
        assert_eq!(doc.syntax_errors(), scratch.syntax_errors(), "{model}");
        assert_eq!(diagnostics, check(&scratch, schema), "{model}");
    }
}

/// A record with a few more list entries, some alike (reused by content).
fn longer_record() -> String {
    let extra =
        "  - name: Extra\n    url: https://example.invalid/x.csv\n    bcdc_type: document\n";
    format!("{RECORD}{extra}{extra}  - name: Last\n")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn incremental_checks_match_fresh_ones(edits in edits(), batch in any::<bool>()) {
        let schema = Schema::embedded();
        let record = longer_record();
        run_incremental(Document::parse_segmented, record.clone(), &edits, batch, &schema);
        run_incremental(|t| Document::parse(t, Format::Yaml), record, &edits, batch, &schema);
    }

    #[test]
    fn random_edits_to_a_yaml_record(edits in edits()) {
        let schema = Schema::embedded();
        run(Document::parse(RECORD, Format::Yaml), RECORD.to_string(), &edits, &schema);
        run(Document::parse_segmented(RECORD), RECORD.to_string(), &edits, &schema);
    }

    #[test]
    fn random_edits_to_a_json_record(edits in edits()) {
        let schema = Schema::embedded();
        let doc = Document::parse(RECORD, Format::Yaml);
        let json = serde_json::to_string_pretty(&doc.root().unwrap().to_json()).unwrap();
        run(Document::parse(&json, Format::Json), json.clone(), &edits, &schema);
    }
}
